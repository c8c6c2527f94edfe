/* emit_fast.c: the fast path of a description, straight-line save/load of fixed-size fields. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model.h"

/*
 * Eligibility (docs/runtime.md, "Fast path"): every field of the main
 * payload is a bool, integer, float or timer (one value or a fixed array) or
 * a fixed buffer or unused block, with no flags (variable count, pointer,
 * VMS_EQUAL, ...), no VMS_IF, no VMS_UNTIL, a VMS_SINCE and VMS_WAS already
 * in effect at the description's version, and a member whose size is exactly
 * its bytes on the wire. VMS_RANGE / VMS_CHECK, VMS_DEFAULT, hooks and
 * subsections are allowed: the fast load runs the checks in field order, the
 * engine runs the rest. Nested structs and codecs keep the table walk.
 */

/* Wire bytes of one element of a scalar wire type; 0 for the others. */
static unsigned scalar_width(enum vg_wire w)
{
    switch (w) {
    case VG_W_BOOL: case VG_W_INT8: case VG_W_UINT8: return 1;
    case VG_W_INT16: case VG_W_UINT16: return 2;
    case VG_W_INT32: case VG_W_UINT32: case VG_W_FLOAT32: return 4;
    case VG_W_INT64: case VG_W_UINT64: case VG_W_FLOAT64: case VG_W_TIMER: return 8;
    default: return 0;
    }
}

/* Bytes @f takes on the wire at @version when the fast path can move it, else 0. */
static uint64_t fast_bytes(const struct vg_field *f, int version)
{
    unsigned width = scalar_width(f->wire);

    if (f->flags || f->if_expr || f->until || f->since > version ||
        (f->was_until && f->was_until > version) || !f->member || f->member->is_bitfield ||
        !f->member->type->size)
        return 0;
    if (width)
        return (uint64_t)width * f->num == f->member->type->size ? f->member->type->size : 0;
    if (f->wire == VG_W_BUFFER || f->wire == VG_W_UNUSED)
        return f->num == 1 ? f->member->type->size : 0;
    return 0;
}

uint64_t vg_fast_size(const struct vg_desc *desc)
{
    uint64_t total = 0;
    size_t n = 0;

    for (size_t i = 0; i < desc->n_fields; i++) {
        const struct vg_field *f = &desc->fields[i];
        uint64_t b;

        if (f->sub >= 0)
            continue;
        b = fast_bytes(f, desc->version);
        if (!b)
            return 0;
        total += b;
        n++;
    }
    return n ? total : 0;
}

/* One field of the save: memory at s->PATH to the wire at p + @at. */
static void save_field(struct vg_buf *out, const struct vg_field *f, uint64_t at)
{
    unsigned width = scalar_width(f->wire);
    unsigned long long a = (unsigned long long)at;

    if (f->wire == VG_W_UNUSED)
        vg_buf_printf(out, "    memset(p + %llu, 0, %llu);\n", a,
                      (unsigned long long)f->member->type->size);
    else if (f->wire == VG_W_BUFFER || (width == 1 && f->num > 1))
        vg_buf_printf(out, "    memcpy(p + %llu, s->%s, %llu);\n", a, f->c_path,
                      (unsigned long long)f->member->type->size);
    else if (f->num > 1)
        vg_buf_printf(out, "    vms_fast_put%un(p + %llu, s->%s, %llu);\n", width * 8, a, f->c_path,
                      (unsigned long long)f->num);
    else
        vg_buf_printf(out, "    vms_fast_put%u(p + %llu, &s->%s);\n", width * 8, a, f->c_path);
}

/* One field of the load: the wire at p + @at into s->PATH (unused bytes are skipped). */
static void load_field(struct vg_buf *out, const struct vg_field *f, uint64_t at)
{
    unsigned width = scalar_width(f->wire);
    unsigned long long a = (unsigned long long)at;

    if (f->wire == VG_W_UNUSED)
        vg_buf_printf(out, "    /* p + %llu: %llu unused bytes */\n", a,
                      (unsigned long long)f->member->type->size);
    else if (f->wire == VG_W_BOOL && f->num > 1)
        vg_buf_printf(out, "    vms_fast_getbooln(s->%s, p + %llu, %llu);\n", f->c_path, a,
                      (unsigned long long)f->num);
    else if (f->wire == VG_W_BOOL)
        vg_buf_printf(out, "    vms_fast_getbool(&s->%s, p + %llu);\n", f->c_path, a);
    else if (f->wire == VG_W_BUFFER || (width == 1 && f->num > 1))
        vg_buf_printf(out, "    memcpy(s->%s, p + %llu, %llu);\n", f->c_path, a,
                      (unsigned long long)f->member->type->size);
    else if (f->num > 1)
        vg_buf_printf(out, "    vms_fast_get%un(s->%s, p + %llu, %llu);\n", width * 8, f->c_path, a,
                      (unsigned long long)f->num);
    else
        vg_buf_printf(out, "    vms_fast_get%u(&s->%s, p + %llu);\n", width * 8, f->c_path, a);
}

void vg_emit_fast(struct vg_buf *out, const struct vg_desc *desc)
{
    const char *t = desc->rec->c_name;
    struct vg_buf check = {0};
    uint64_t at = 0;
    size_t index = 0;

    vg_buf_printf(out, "/* The fast path: the fields of version %d in straight-line code "
                  "(docs/runtime.md). */\n", desc->version);
    vg_buf_printf(out, "static void vmsgen_%s_fast_save(uint8_t *p, const void *opaque)\n{\n"
                  "    const %s *s = opaque;\n\n", desc->ident, t);
    for (size_t i = 0; i < desc->n_fields; i++) {
        if (desc->fields[i].sub < 0) {
            save_field(out, &desc->fields[i], at);
            at += fast_bytes(&desc->fields[i], desc->version);
        }
    }
    vg_buf_printf(out, "}\n\n");
    vg_buf_printf(out, "/* VMS_FAST_OK, or the index of the field whose check failed. */\n"
                  "static size_t vmsgen_%s_fast_load(void *opaque, const uint8_t *p)\n{\n"
                  "    %s *s = opaque;\n\n", desc->ident, t);
    at = 0;
    for (size_t i = 0; i < desc->n_fields; i++) {
        const struct vg_field *f = &desc->fields[i];

        if (f->sub >= 0)
            continue;
        load_field(out, f, at);
        at += fast_bytes(f, desc->version);
        if (f->check || f->has_range) {
            check.len = 0;
            vg_fn_name(&check, desc, f->c_path, "check");
            vg_buf_printf(out, "    if (!%s(s, %d))\n        return %zu;\n", check.s, desc->version,
                          index);
        }
        index++;
    }
    vg_buf_printf(out, "    return VMS_FAST_OK;\n}\n\n");
    vg_buf_free(&check);
}
