/* emit_c_live.c: the C output for VMS_LIVE members: the live table and vms_live_ops_<Struct>. */
#include "emit_c_live.h"

/* Asserts that each live member and its bitmap still have the size the table was made for. */
static void emit_live_asserts(struct vg_buf *out, const struct vg_desc *desc)
{
    const char *t = desc->rec->c_name;

    for (size_t i = 0; i < desc->n_lives; i++) {
        const struct vg_live *l = &desc->lives[i];
        uint64_t chunks = l->size / l->chunk_size + (l->size % l->chunk_size != 0);

        vg_buf_printf(out, "_Static_assert(sizeof(((%s *)0)->%s) == %llu && "
                      "sizeof(((%s *)0)->%s[0]) == %u,\n               \"%s.%s changed size: run "
                      "vmsgen again\");\n", t, l->name, (unsigned long long)l->size, t, l->name,
                      l->elem_size, t, l->name);
        vg_buf_printf(out, "_Static_assert(sizeof(((%s *)0)->%s) >= %llu,\n               \"%s.%s "
                      "is too small for %llu chunks: run vmsgen again\");\n", t, l->bitmap,
                      (unsigned long long)((chunks + 63) / 64 * 8), t, l->bitmap,
                      (unsigned long long)chunks);
    }
}

void vg_emit_c_live(struct vg_buf *out, const struct vg_desc *desc)
{
    const char *t = desc->rec->c_name, *id = desc->ident;

    vg_buf_printf(out, "/* %s: VMS_LIVE members, sent in chunks by vms_live_ops_%s. */\n", t, id);
    emit_live_asserts(out, desc);
    vg_buf_printf(out, "\nstatic const struct vms_live_member vms_live_members_%s[] = {\n", id);
    for (size_t i = 0; i < desc->n_lives; i++) {
        const struct vg_live *l = &desc->lives[i];

        vg_buf_printf(out, "    {\n        .name = \"%s\",\n", l->name);
        vg_buf_printf(out, "        .offset = offsetof(%s, %s),\n", t, l->name);
        vg_buf_printf(out, "        .size = sizeof(((%s *)0)->%s),\n", t, l->name);
        vg_buf_printf(out, "        .chunk_size = %llu,\n", (unsigned long long)l->chunk_size);
        vg_buf_printf(out, "        .element_size = %u,\n", l->elem_size);
        vg_buf_printf(out, "        .bitmap_offset = offsetof(%s, %s),\n", t, l->bitmap);
        vg_buf_printf(out, "        .bitmap_size = sizeof(((%s *)0)->%s),\n    },\n", t, l->bitmap);
    }
    vg_buf_printf(out, "};\n\n");
    vg_buf_printf(out, "const struct vms_live_desc vms_live_desc_%s = {\n", id);
    vg_buf_printf(out, "    .state = &vms_desc_%s,\n    .members = vms_live_members_%s,\n", id, id);
    vg_buf_printf(out, "    .n_members = VMS_COUNTOF(vms_live_members_%s),\n};\n\n", id);
    vg_buf_printf(out, "const struct vms_live_ops vms_live_ops_%s = {\n", id);
    vg_buf_printf(out, "    .live = &vms_live_desc_%s,\n};\n\n", id);
}

void vg_emit_h_live(struct vg_buf *out, const struct vg_desc *desc)
{
    vg_buf_printf(out, "/* VMS_LIVE: register with vms_register_live(r, idstr, instance, %d, "
                  "&vms_live_ops_%s, dev) */\n", desc->version, desc->ident);
    vg_buf_printf(out, "extern const struct vms_live_desc vms_live_desc_%s;\n", desc->ident);
    vg_buf_printf(out, "extern const struct vms_live_ops vms_live_ops_%s;\n", desc->ident);
}
