/* model_live.c: VMS_LIVE members (chunked live state) and their dirty bitmaps: model and checks. */
#include <stdlib.h>
#include <string.h>

#include "model.h"
#include "xalloc.h"

#define DEFAULT_CHUNK 4096u

/* The annotations a live member may carry besides VMS_LIVE itself. */
static bool live_compatible(enum vg_annot_kind k)
{
    return k == VG_A_LIVE || k == VG_A_LIVE_CHUNK;
}

/* The element type of a 1-D array of fixed-width integers, or NULL (with a reason in *why). */
static const struct vg_type *live_elem(const struct vg_type *t, const char **why)
{
    const struct vg_type *e = t->kind == VG_T_ARRAY ? t->elem : NULL;

    if (!e) {
        *why = "is not an array";
        return NULL;
    }
    if (e->kind == VG_T_ARRAY) {
        *why = "is a multi-dimensional array (a live member is 1-D)";
        return NULL;
    }
    if (e->kind != VG_T_INT || e->host_sized ||
        (e->size != 1 && e->size != 2 && e->size != 4 && e->size != 8)) {
        *why = "is not an array of fixed-width integers (uint8_t .. uint64_t, int8_t .. int64_t)";
        return NULL;
    }
    return e;
}

bool vg_live_member(struct vg_desc *desc, const struct vg_member *m, const char *prefix,
                    const bool has[VG_A_COUNT_], const char *bitmap, uint64_t chunk,
                    struct vg_diags *d)
{
    const struct vg_type *e;
    const char *why = NULL;
    struct vg_live *l;
    bool ok = true;

    if (!has[VG_A_LIVE]) {
        vg_error(d, m->loc, "VMS_LIVE_CHUNK on member '%s' needs VMS_LIVE(\"bitmap\")", m->name);
        return false;
    }
    for (int k = 0; k < VG_A_COUNT_; k++) {
        if (has[k] && !live_compatible((enum vg_annot_kind)k)) {
            vg_error(d, m->loc, "VMS_LIVE member '%s' cannot also have %s: a live member is sent "
                     "whole, in chunks, outside the description's fields (only VMS_LIVE_CHUNK "
                     "combines with it)", m->name, vg_annot_macro((enum vg_annot_kind)k));
            ok = false;
        }
    }
    if (prefix[0]) {
        vg_error(d, m->loc, "VMS_LIVE on member '%s.%s': only members of the described struct "
                 "itself can be live, not members of a flattened struct", prefix, m->name);
        return false;
    }
    e = live_elem(m->type, &why);
    if (!e) {
        vg_error(d, m->loc, "VMS_LIVE member '%s' %s", m->name, why);
        return false;
    }
    if (!chunk)
        chunk = has[VG_A_LIVE_CHUNK] ? 0 : DEFAULT_CHUNK;
    if (chunk == 0 || (chunk & (chunk - 1)) || chunk > UINT32_MAX / 2 + 1) {
        vg_error(d, m->loc, "VMS_LIVE_CHUNK(%llu) on member '%s': the chunk size must be a power "
                 "of two (up to 2^31)", (unsigned long long)chunk, m->name);
        return false;
    }
    if (chunk < e->size) {
        vg_error(d, m->loc, "VMS_LIVE_CHUNK(%llu) on member '%s': the chunk size must be a "
                 "multiple of the element size (%llu bytes)", (unsigned long long)chunk, m->name,
                 (unsigned long long)e->size);
        return false;
    }
    if (desc->n_lives == 255) {
        vg_error(d, m->loc, "too many VMS_LIVE members in '%s' (at most 255)", desc->ident);
        return false;
    }
    if (!ok)
        return false;
    desc->lives = vg_xrealloc(desc->lives, desc->n_lives + 1, sizeof(*desc->lives));
    l = &desc->lives[desc->n_lives++];
    memset(l, 0, sizeof(*l));
    l->name = vg_xstrdup(m->name);
    l->bitmap = vg_xstrdup(bitmap);
    l->size = m->type->size;
    l->chunk_size = chunk;
    l->elem_size = (unsigned)e->size;
    l->loc = m->loc;
    return true;
}

static const struct vg_member *find_top_member(const struct vg_record *rec, const char *name)
{
    for (size_t i = 0; i < rec->n_members; i++)
        if (strcmp(rec->members[i].name, name) == 0)
            return &rec->members[i];
    return NULL;
}

/* Annotations a bitmap may carry: those that say it is not migrated. */
static bool bitmap_annots_ok(const struct vg_member *bm)
{
    for (size_t i = 0; i < bm->n_annots; i++) {
        const char *t = bm->annots[i].text;

        if (strcmp(t, "skip") && strcmp(t, "derived") && strcmp(t, "immutable"))
            return false;
    }
    return true;
}

/* Checks the bitmap of @l and takes it out of @desc's fields (it is not migrated). */
static bool resolve_one(struct vg_desc *desc, size_t li, struct vg_diags *d)
{
    const struct vg_live *l = &desc->lives[li];
    const struct vg_member *bm = find_top_member(desc->rec, l->bitmap);
    const struct vg_type *t = bm ? bm->type : NULL;
    uint64_t chunks = l->size / l->chunk_size + (l->size % l->chunk_size != 0);
    size_t k = 0;

    if (!bm) {
        vg_error(d, l->loc, "VMS_LIVE(\"%s\") on member '%s': '%s' has no member '%s' (the dirty "
                 "bitmap, an array of uint64_t)", l->bitmap, l->name, desc->rec->c_name, l->bitmap);
        return false;
    }
    for (size_t i = 0; i < desc->n_lives; i++) {
        if (strcmp(desc->lives[i].name, l->bitmap) == 0 ||
            (i < li && strcmp(desc->lives[i].bitmap, l->bitmap) == 0)) {
            vg_error(d, l->loc, "VMS_LIVE(\"%s\") on member '%s': '%s' is already %s", l->bitmap,
                     l->name, l->bitmap, i < li && strcmp(desc->lives[i].bitmap, l->bitmap) == 0
                     ? "the bitmap of another live member" : "a live member");
            return false;
        }
    }
    if (t->kind != VG_T_ARRAY || t->elem->kind != VG_T_INT || t->elem->size != 8 ||
        t->elem->is_signed || t->elem->host_sized) {
        vg_error(d, bm->loc, "dirty bitmap '%s' of VMS_LIVE member '%s' must be an array of "
                 "uint64_t, not '%s'", l->bitmap, l->name, t->spelling);
        return false;
    }
    if (t->count * 64 < chunks) {
        vg_error(d, bm->loc, "dirty bitmap '%s' of VMS_LIVE member '%s' is too small: %llu bits "
                 "for %llu chunks of %llu bytes (needs %llu uint64_t)", l->bitmap, l->name,
                 (unsigned long long)(t->count * 64), (unsigned long long)chunks,
                 (unsigned long long)l->chunk_size, (unsigned long long)((chunks + 63) / 64));
        return false;
    }
    if (!bitmap_annots_ok(bm)) {
        vg_error(d, bm->loc, "dirty bitmap '%s' of VMS_LIVE member '%s' is not migrated: it may "
                 "carry VMS_SKIP only", l->bitmap, l->name);
        return false;
    }
    for (size_t i = 0; i < desc->n_fields; i++) {
        if (desc->fields[i].member == bm)
            vg_field_clear(&desc->fields[i]);
        else
            desc->fields[k++] = desc->fields[i];
    }
    desc->n_fields = k;
    return true;
}

bool vg_live_resolve(struct vg_desc *desc, struct vg_diags *d)
{
    bool ok = true;

    for (size_t i = 0; i < desc->n_lives; i++)
        if (!resolve_one(desc, i, d))
            ok = false;
    return ok;
}

int vg_live_check(const struct vg_model *m, struct vg_diags *d)
{
    int ret = 0;

    for (size_t i = 0; i < m->n_descs; i++) {
        const struct vg_desc *desc = m->descs[i];
        const char *what = desc->used_nested ? "nested in another description"
                         : desc->used_as_sub ? "a member subsection"
                         : desc->needed ? "given VMS_NEEDED"
                         : desc->unmigratable ? "given VMS_UNMIGRATABLE"
                         : desc->priority ? "given VMS_PRIORITY" : NULL;

        if (!desc->n_lives || !what)
            continue;
        vg_error(d, desc->loc, "'%s' has VMS_LIVE members and cannot be %s: a live device is "
                 "registered on its own with vms_register_live() and always sends its sections",
                 desc->ident, what);
        ret = -1;
    }
    return ret;
}

void vg_live_free(struct vg_desc *desc)
{
    for (size_t i = 0; i < desc->n_lives; i++) {
        free(desc->lives[i].name);
        free(desc->lives[i].bitmap);
    }
    free(desc->lives);
    desc->lives = NULL;
    desc->n_lives = 0;
}
