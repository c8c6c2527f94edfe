/* atomic.c: atomic loads: scratch copies of device state, committed only when everything loaded. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "vms_private.h"

/*
 * Scratch copies keep the alignment of what they copy modulo this, so a
 * struct reached through a pointer into the middle of a copied block is as
 * aligned in the copy as in the device.
 */
#define COPY_ALIGN 16u

/* A block of device memory (a struct, or storage a pointer field reaches) and its copy. */
struct region {
    uint8_t *real;
    uint8_t *scratch;
    size_t len;
    void *block;       /* what malloc returned for scratch */
};

/* A pointer member the snapshot redirected to a copy, or a VMS_F_ALLOC one it kept. */
struct slot {
    void **real;       /* the member in the device */
    void *orig;        /* its value before the load */
    bool owned;        /* VMS_F_ALLOC: when the load replaced it, the commit frees orig */
    bool replaced;     /* commit: owned and replaced */
};

/* Storage the engine allocated for a VMS_F_ALLOC field during this load. */
struct block {
    uint8_t *mem;
    size_t len;
};

struct deferred {
    const struct vms_desc *d;
    void *opaque;      /* scratch address until the commit translates it */
    int version;
    const char *root;
};

/* A growable array of `type`, with n and cap. */
#define VEC(type)    \
    struct {         \
        type *v;     \
        size_t n;    \
        size_t cap;  \
    }

struct vmsp_txn {
    VEC(struct region) regions; /* in creation order: the commit copies back in this order */
    VEC(struct slot) slots;
    VEC(struct block) blocks;
    VEC(struct deferred) deferred;
};

/* Makes room for one more element in a VEC; false when out of memory. */
#define VEC_RESERVE(vec) vec_reserve((void **)&(vec).v, &(vec).cap, (vec).n, sizeof(*(vec).v))

static bool vec_reserve(void **v, size_t *cap, size_t n, size_t elem)
{
    size_t ncap;
    void *nv;

    if (n < *cap)
        return true;
    ncap = *cap ? *cap * 2 : 8;
    if (ncap > SIZE_MAX / elem)
        return false;
    nv = realloc(*v, ncap * elem);
    if (!nv)
        return false;
    *v = nv;
    *cap = ncap;
    return true;
}

struct vmsp_txn *vmsp_txn_new(void)
{
    return calloc(1, sizeof(struct vmsp_txn));
}

static void txn_free(struct vmsp_txn *t)
{
    for (size_t i = 0; i < t->regions.n; i++)
        free(t->regions.v[i].block);
    free(t->regions.v);
    free(t->slots.v);
    free(t->blocks.v);
    free(t->deferred.v);
    free(t);
}

void vmsp_txn_abort(struct vmsp_txn *t)
{
    if (!t)
        return;
    for (size_t i = 0; i < t->blocks.n; i++)
        free(t->blocks.v[i].mem);
    txn_free(t);
}

/* ---- snapshot ---- */

static bool in_range(const void *p, const uint8_t *start, size_t len)
{
    uintptr_t a = (uintptr_t)p, s = (uintptr_t)start;

    return a >= s && a - s < len;
}

/* The region whose copy holds @p, or NULL. */
static const struct region *scratch_region(const struct vmsp_txn *t, const void *p)
{
    for (size_t i = 0; i < t->regions.n; i++)
        if (in_range(p, t->regions.v[i].scratch, t->regions.v[i].len))
            return &t->regions.v[i];
    return NULL;
}

/* Whether @p already points at memory of this transaction (a copy or a new allocation). */
static bool is_ours(const struct vmsp_txn *t, const void *p)
{
    if (scratch_region(t, p))
        return true;
    for (size_t i = 0; i < t->blocks.n; i++)
        if (in_range(p, t->blocks.v[i].mem, t->blocks.v[i].len))
            return true;
    return false;
}

/*
 * The copy of @len bytes of device memory at @real: inside an existing copy
 * when one covers them (a pointer to the same object, or into a struct
 * already copied, aliases in the scratch as in the device), else a new one.
 * NULL when out of memory.
 */
static uint8_t *copy_of(struct vmsp_txn *t, uint8_t *real, size_t len)
{
    struct region *r;
    uint8_t *block;
    size_t skew;

    for (size_t i = 0; i < t->regions.n; i++) {
        r = &t->regions.v[i];
        if (in_range(real, r->real, r->len) && len <= r->len - (size_t)(real - r->real))
            return r->scratch + (real - r->real);
    }
    if (len > SIZE_MAX - COPY_ALIGN || !VEC_RESERVE(t->regions))
        return NULL;
    block = malloc(len + COPY_ALIGN);
    if (!block)
        return NULL;
    skew = ((uintptr_t)real - (uintptr_t)block) % COPY_ALIGN;
    r = &t->regions.v[t->regions.n++];
    *r = (struct region){.real = real, .scratch = block + skew, .len = len, .block = block};
    memcpy(r->scratch, real, len);
    return r->scratch;
}

struct walk {
    struct vmsp_txn *t;
    vms_error_t *err;
    const char *root;
};

static int walk_nomem(struct walk *w)
{
    return vms_error_set(w->err, VMS_ERR_NOMEM, 0, -1, w->root, "out of memory for the scratch "
                         "copy of an atomic load");
}

/* Whether objects of @d hold pointers the snapshot must follow (bounded like the engine). */
static bool has_pointers(const struct vms_desc *d, int depth)
{
    if (depth >= VMS_MAX_DEPTH)
        return false;
    for (size_t i = 0; i < d->n_fields; i++) {
        const struct vms_field *f = &d->fields[i];
        if (f->flags & (VMS_F_POINTER | VMS_F_ARRAY_OF_POINTER))
            return true;
        if (f->type == VMS_WT_STRUCT && has_pointers(f->desc, depth + 1))
            return true;
    }
    for (size_t i = 0; i < d->n_subsections; i++)
        if (has_pointers(d->subsections[i].desc, depth + 1))
            return true;
    return false;
}

static int walk_desc(struct walk *w, const struct vms_desc *d, uint8_t *real, uint8_t *scratch,
                     int depth);

/* Walks @n structs of @f at @real / @scratch (element stride f->size). */
static int walk_structs(struct walk *w, const struct vms_field *f, uint8_t *real,
                        uint8_t *scratch, size_t n, int depth)
{
    if (f->type != VMS_WT_STRUCT || !has_pointers(f->desc, depth + 1))
        return 0;
    for (size_t i = 0; i < n; i++) {
        int ret = walk_desc(w, f->desc, real + i * f->size, scratch + i * f->size, depth + 1);
        if (ret)
            return ret;
    }
    return 0;
}

static int add_slot(struct walk *w, void **real, void *orig, bool owned)
{
    if (!VEC_RESERVE(w->t->slots))
        return walk_nomem(w);
    w->t->slots.v[w->t->slots.n++] = (struct slot){.real = real, .orig = orig, .owned = owned};
    return 0;
}

/* Whether the snapshot already recorded the member at @real. */
static bool has_slot(const struct vmsp_txn *t, void **real)
{
    for (size_t i = 0; i < t->slots.n; i++)
        if (t->slots.v[i].real == real)
            return true;
    return false;
}

/*
 * Points the scratch member @sslot (device member @rslot) at a copy of the
 * @n elements it points to, then walks them. The member holds what the
 * scratch says: a pointer already redirected (the same storage reached
 * twice, a cycle) or allocated by this load is left alone.
 */
static int redirect(struct walk *w, const struct vms_field *f, void **rslot, void **sslot,
                    size_t n, bool owned, int depth)
{
    uint8_t *p = *sslot, *copy;
    int ret;

    if (!p || is_ours(w->t, p))
        return 0;
    if (n == 0 || f->size == 0) {
        /* Nothing to copy: the engine never writes into VMS_F_ALLOC storage in place. */
        if (!owned)
            return vms_error_set(w->err, VMS_ERR_INVAL, 0, -1, w->root,
                                 "field '%s': a size-0 element through a pointer cannot be "
                                 "copied for an atomic load", f->name);
        return has_slot(w->t, rslot) ? 0 : add_slot(w, rslot, p, true);
    }
    if (n > SIZE_MAX / f->size)
        return walk_nomem(w);
    copy = copy_of(w->t, p, n * f->size);
    if (!copy)
        return walk_nomem(w);
    *sslot = copy;
    ret = add_slot(w, rslot, p, owned);
    /* Also when the copy lies in one made before: that one may have been walked as another type. */
    if (ret == 0)
        ret = walk_structs(w, f, p, copy, n, depth);
    return ret;
}

static int walk_field(struct walk *w, const struct vms_field *f, uint8_t *real, uint8_t *scratch,
                      int depth)
{
    void **rslot = (void **)(real + f->offset), **sslot = (void **)(scratch + f->offset);
    size_t num = f->num ? f->num : 1, n;
    int ret;

    if (f->type == VMS_WT_UNUSED)
        return 0; /* never stored */
    if (f->flags & VMS_F_ARRAY_OF_POINTER) {
        for (size_t i = 0; i < num; i++) {
            ret = redirect(w, f, rslot + i, sslot + i, 1, false, depth);
            if (ret)
                return ret;
        }
        return 0;
    }
    if (f->flags & VMS_F_ALLOC) {
        /* The count the device has now sizes its storage; an invalid one copies nothing. */
        if (!vmsp_field_count(f, scratch, &n))
            n = 0;
        return redirect(w, f, rslot, sslot, n, true, depth);
    }
    if (f->flags & VMS_F_POINTER) {
        /* A load may fill the whole capacity, whatever the count is now. */
        n = (f->flags & VMS_F_VARRAY) ? f->max : num;
        return redirect(w, f, rslot, sslot, n, false, depth);
    }
    return walk_structs(w, f, real + f->offset, scratch + f->offset, num, depth);
}

/* Redirects the pointer members of the @d object at @real (copied at @scratch) to copies. */
static int walk_desc(struct walk *w, const struct vms_desc *d, uint8_t *real, uint8_t *scratch,
                     int depth)
{
    int ret;

    if (depth >= VMS_MAX_DEPTH)
        return 0; /* deeper than any load reaches */
    for (size_t i = 0; i < d->n_fields; i++) {
        ret = walk_field(w, &d->fields[i], real, scratch, depth);
        if (ret)
            return ret;
    }
    for (size_t i = 0; i < d->n_subsections; i++) {
        const struct vms_subsection *sub = &d->subsections[i];

        if (!has_pointers(sub->desc, depth + 1))
            continue;
        ret = walk_desc(w, sub->desc, real + sub->offset, scratch + sub->offset, depth + 1);
        if (ret)
            return ret;
    }
    return 0;
}

int vmsp_txn_snapshot(struct vmsp_txn *t, const struct vms_desc *d, void *real, void **scratch,
                      const char *root, vms_error_t *err)
{
    struct walk w = {.t = t, .err = err, .root = root};
    uint8_t *copy;

    if (d->size == 0)
        return vms_error_set(err, VMS_ERR_INVAL, 0, -1, root,
                             "description '%s' has no struct size (vms_desc.size): it cannot "
                             "be loaded atomically", d->name);
    if (!real)
        return vms_error_set(err, VMS_ERR_INVAL, 0, -1, root, "NULL object");
    copy = copy_of(t, real, d->size);
    if (!copy)
        return walk_nomem(&w);
    *scratch = copy;
    return has_pointers(d, 0) ? walk_desc(&w, d, real, copy, 0) : 0;
}

/* ---- during the load ---- */

int vmsp_txn_adopt(struct vmsp_txn *t, void *mem, size_t len)
{
    if (!VEC_RESERVE(t->blocks))
        return VMS_ERR_NOMEM;
    t->blocks.v[t->blocks.n++] = (struct block){.mem = mem, .len = len};
    return 0;
}

void vmsp_txn_replace(struct vmsp_txn *t, void *old)
{
    for (size_t i = 0; old && i < t->blocks.n; i++) {
        struct block b = t->blocks.v[i];
        size_t k = 0;

        if (b.mem != old)
            continue;
        /* Loaded twice in one transaction: the first block and its post_loads are gone. */
        for (size_t j = 0; j < t->deferred.n; j++)
            if (!in_range(t->deferred.v[j].opaque, b.mem, b.len))
                t->deferred.v[k++] = t->deferred.v[j];
        t->deferred.n = k;
        t->blocks.v[i] = t->blocks.v[--t->blocks.n];
        free(b.mem);
        return;
    }
}

int vmsp_txn_defer(struct vmsp_txn *t, const struct vms_desc *d, void *opaque, int version,
                   const char *root)
{
    if (!VEC_RESERVE(t->deferred))
        return VMS_ERR_NOMEM;
    t->deferred.v[t->deferred.n++] =
        (struct deferred){.d = d, .opaque = opaque, .version = version, .root = root};
    return 0;
}

/* ---- commit ---- */

/* The device address of @p: translated when it lies in a copy, else unchanged. */
static void *to_real(const struct vmsp_txn *t, void *p)
{
    const struct region *r = scratch_region(t, p);

    return r ? r->real + ((uint8_t *)p - r->scratch) : p;
}

int vmsp_txn_commit(struct vmsp_txn *t, vms_stream_t *s, vms_error_t *err)
{
    int ret = 0;

    for (size_t i = 0; i < t->regions.n; i++)
        memcpy(t->regions.v[i].real, t->regions.v[i].scratch, t->regions.v[i].len);
    /* The copied members point into the copies: back to the device's storage. */
    for (size_t i = 0; i < t->slots.n; i++) {
        struct slot *sl = &t->slots.v[i];
        *sl->real = to_real(t, *sl->real);
        sl->replaced = sl->owned && *sl->real != sl->orig;
    }
    /* Only then free what the load replaced: other slots may lie inside that storage. */
    for (size_t i = 0; i < t->slots.n; i++)
        if (t->slots.v[i].replaced)
            free(t->slots.v[i].orig);
    for (size_t i = 0; i < t->deferred.n; i++)
        t->deferred.v[i].opaque = to_real(t, t->deferred.v[i].opaque);
    for (size_t i = 0; i < t->deferred.n && ret == 0; i++) {
        const struct deferred *p = &t->deferred.v[i];
        ret = vmsp_run_post_load(s, p->d, p->opaque, p->version, p->root, err);
    }
    txn_free(t); /* the blocks now belong to the devices */
    return ret;
}
