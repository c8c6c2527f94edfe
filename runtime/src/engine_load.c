/* engine_load.c: loading one description: fields, bounds, conversions, subsections, hooks. */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine_private.h"

/* ---- load ---- */

static int load_desc(struct ctx *c, const struct vms_desc *d, void *opaque, int version);

/* A field whose wire type changed (VMS_WAS): read the old type, range-check, store. */
static int load_converted(struct ctx *c, const struct vms_field *f, uint8_t *base, size_t n)
{
    size_t old_width = vms_wire_type_size(f->was_type);
    uint8_t tmp[8];

    for (size_t i = 0; i < n; i++) {
        struct wide w;
        char val[32];

        vmsp_get_array(c->s, tmp, old_width, 1);
        if (vmsp_stream_failed(c->s))
            return vmsp_stream_fail(c);
        w = vmsp_wide_from(tmp, f->was_type, old_width);
        if (!vmsp_wide_fits(w, f->type)) {
            vmsp_format_wide(val, sizeof(val), w);
            return vmsp_fail(c, VMS_ERR_RANGE, "value %s (sent as %s) does not fit %s", val,
                        vms_wire_type_name(f->was_type), vms_wire_type_name(f->type));
        }
        vmsp_store_unsigned(base + i * f->size, f->size, w.bits);
    }
    return 0;
}

/* VMS_F_EQUAL: the stream must carry exactly the local values. */
static int load_equal(struct ctx *c, const struct vms_field *f, const uint8_t *base, size_t n)
{
    uint8_t tmp[8];

    for (size_t i = 0; i < n; i++) {
        const uint8_t *local = base + i * f->size;
        char got[32], want[32];

        vmsp_get_array(c->s, tmp, f->size, 1);
        if (vmsp_stream_failed(c->s))
            return vmsp_stream_fail(c);
        if (f->type == VMS_WT_BOOL ? (tmp[0] != 0) != (local[0] != 0)
                                   : memcmp(tmp, local, f->size) != 0) {
            vmsp_format_wide(got, sizeof(got), vmsp_wide_from(tmp, f->type, f->size));
            vmsp_format_wide(want, sizeof(want), vmsp_wide_from(local, f->type, f->size));
            return vmsp_fail(c, VMS_ERR_CHECK, "stream value %s does not equal local value %s", got,
                        want);
        }
    }
    return 0;
}

static int load_scalars(struct ctx *c, const struct vms_field *f, uint8_t *base, size_t n,
                        int version)
{
    if (f->was_until && version < f->was_until)
        return load_converted(c, f, base, n);
    if (f->flags & VMS_F_EQUAL)
        return load_equal(c, f, base, n);
    vmsp_get_array(c->s, base, f->size, n);
    if (vmsp_stream_failed(c->s))
        return vmsp_stream_fail(c);
    if (f->type == VMS_WT_BOOL)
        for (size_t i = 0; i < n; i++)
            base[i] = base[i] != 0;
    return 0;
}

static int load_elem(struct ctx *c, const struct vms_field *f, void *elem, int version)
{
    vms_error_t herr;
    int ret;

    switch (f->type) {
    case VMS_WT_STRUCT:
        return load_desc(c, f->desc, elem, f->desc->version);
    case VMS_WT_CODEC:
        vms_error_init(&herr);
        ret = f->codec->get(c->s, elem, f->size, &herr);
        if (vmsp_stream_failed(c->s))
            return vmsp_stream_fail(c);
        if (ret)
            return vmsp_fail(c, herr.code ? herr.code : VMS_ERR_HOOK, "codec '%s' get failed%s%s",
                        vmsp_field_type_name(f), herr.message[0] ? ": " : "", herr.message);
        return 0;
    default:
        return load_scalars(c, f, elem, 1, version);
    }
}

static int load_elements(struct ctx *c, const struct vms_field *f, uint8_t *base, size_t n,
                         int version)
{
    for (size_t i = 0; i < n; i++) {
        void *elem = base + i * f->size;
        size_t mark = vmsp_path_index(c, i);
        int ret;

        if (f->flags & VMS_F_ARRAY_OF_POINTER)
            elem = ((void **)base)[i];
        if (elem) {
            ret = load_elem(c, f, elem, version);
        } else {
            uint8_t m = vms_get_u8(c->s);
            ret = vmsp_check_stream(c);
            if (ret == 0 && m != VMS_NULLPTR_MARKER)
                ret = vmsp_fail(c, VMS_ERR_FORMAT, "expected NULL marker 0x30, got 0x%02x", m);
        }
        if (ret)
            return ret;
        vmsp_path_pop(c, mark);
    }
    return 0;
}

static int load_blob(struct ctx *c, const struct vms_field *f, uint8_t *base, size_t n)
{
    size_t total = n * f->size;

    if (f->type == VMS_WT_UNUSED)
        vms_stream_skip(c->s, total);
    else
        vmsp_get_array(c->s, base, 1, total); /* unlike vms_get_buffer, no zero fill on a cut */
    return vmsp_check_stream(c);
}

/* Loads the elements of @f into @base (already resolved through any pointer). */
static int load_into(struct ctx *c, const struct vms_field *f, uint8_t *base, size_t n,
                     int version)
{
    if (f->type == VMS_WT_BUFFER || f->type == VMS_WT_UNUSED)
        return load_blob(c, f, base, n);
    if (vmsp_wire_is_scalar(f->type) && !(f->flags & VMS_F_ARRAY_OF_POINTER))
        return load_scalars(c, f, base, n, version);
    return load_elements(c, f, base, n, version);
}

/*
 * Frees the VMS_F_ALLOC storage reachable from @obj (described by @d) through
 * by-value structs and other ALLOC blocks: what a failed load of a fresh
 * block had allocated inside it. Memory reached through plain pointers is
 * not ours and is left alone.
 */
static void release_allocs(const struct vms_desc *d, uint8_t *obj, int depth)
{
    if (depth > VMS_MAX_DEPTH)
        return;
    for (size_t i = 0; i < d->n_fields; i++) {
        const struct vms_field *f = &d->fields[i];
        uint8_t *base = obj + f->offset;
        size_t n = 0;

        if ((f->flags & VMS_F_POINTER) && !(f->flags & VMS_F_ALLOC))
            continue;
        if (f->type != VMS_WT_STRUCT && !(f->flags & VMS_F_ALLOC))
            continue;
        if (!vmsp_field_count(f, obj, &n))
            n = 0;
        if (f->flags & VMS_F_ALLOC) {
            uint8_t *block = *(uint8_t **)base;
            for (size_t k = 0; block && f->type == VMS_WT_STRUCT && k < n; k++)
                release_allocs(f->desc, block + k * f->size, depth + 1);
            free(block);
            *(void **)base = NULL;
        } else if (!(f->flags & VMS_F_ARRAY_OF_POINTER)) {
            for (size_t k = 0; k < n; k++)
                release_allocs(f->desc, base + k * f->size, depth + 1);
        }
    }
    for (size_t i = 0; i < d->n_subsections; i++)
        release_allocs(d->subsections[i].desc, obj + d->subsections[i].offset, depth + 1);
}

/* VMS_F_ALLOC: fresh zeroed storage, swapped in only once every element loaded. */
static int load_alloc(struct ctx *c, const struct vms_field *f, void **slot, size_t n, int version)
{
    uint8_t *mem = NULL;
    int ret;

    if (n) {
        mem = calloc(n, f->size);
        if (!mem)
            return vmsp_fail(c, VMS_ERR_NOMEM, "cannot allocate %zu elements of %zu bytes", n, f->size);
    }
    ret = load_into(c, f, mem, n, version);
    if (ret) {
        /* atomic loads hand nested blocks to the transaction, which frees them on abort */
        for (size_t k = 0; !c->txn && mem && f->type == VMS_WT_STRUCT && k < n; k++)
            release_allocs(f->desc, mem + k * f->size, c->depth);
        free(mem);
        return ret;
    }
    if (c->txn) {
        /* Atomic: *slot is in the scratch copy; the device's storage goes at the commit. */
        if (mem && vmsp_txn_adopt(c->txn, mem, n * f->size)) {
            free(mem);
            return vmsp_fail(c, VMS_ERR_NOMEM, "out of memory");
        }
        vmsp_txn_replace(c->txn, *slot);
    } else {
        free(*slot);
    }
    *slot = mem;
    return 0;
}

/* The error of a check that failed: the value when @f is a single integer, else the rule. */
static int check_failed(struct ctx *c, const char *text, const void *opaque,
                        const struct vms_field *f)
{
    char val[32];

    if (f && vmsp_wire_is_integer(f->type) && !(f->flags & (VMS_F_VARRAY | VMS_F_POINTER)) &&
        f->num <= 1) {
        vmsp_format_wide(val, sizeof(val),
                    vmsp_wide_from((const uint8_t *)opaque + f->offset, f->type, f->size));
        return vmsp_fail(c, VMS_ERR_CHECK, "value %s violates '%s'", val, text ? text : "check");
    }
    return vmsp_fail(c, VMS_ERR_CHECK, "check '%s' failed", text ? text : "(unnamed)");
}

static int run_check(struct ctx *c, bool (*check)(const void *, int), const char *text,
                     const void *opaque, int version, const struct vms_field *f)
{
    if (!check || check(opaque, version))
        return 0;
    return check_failed(c, text, opaque, f);
}

static int load_field(struct ctx *c, const struct vms_field *f, void *opaque, int version)
{
    uint8_t *slot = (uint8_t *)opaque + f->offset;
    uint8_t *base = slot;
    size_t n;
    int ret;

    if (!vmsp_field_present(f, opaque, version)) {
        if (f->set_default)
            f->set_default(opaque, version);
        return 0;
    }
    ret = vmsp_field_count_at(c, f, opaque, &n);
    if (ret)
        return ret;
    if (f->flags & VMS_F_ALLOC) {
        ret = load_alloc(c, f, (void **)slot, n, version);
    } else {
        if (f->flags & VMS_F_POINTER) {
            base = *(uint8_t **)slot;
            if (!base && n)
                return vmsp_fail(c, VMS_ERR_INVAL, "NULL pointer for %zu elements", n);
        }
        ret = load_into(c, f, base, n, version);
    }
    if (ret)
        return ret;
    return run_check(c, f->check, f->check_text, opaque, version, f);
}

/*
 * Peeks the next subsection header of @d: sets *idx to its index, or -1 when
 * the next bytes are not a subsection of @d (end of stream included). Returns
 * 0 or an error.
 */
static int next_subsection(struct ctx *c, const struct vms_desc *d, char *name, int *idx)
{
    uint8_t hdr[2 + VMSP_NAME_MAX];
    size_t plen = strlen(d->name);
    size_t got = vms_stream_peek(c->s, hdr, 2, 0);
    size_t len;

    *idx = -1;
    if (got == 0 || hdr[0] != SUBSECTION_MARKER)
        return vmsp_check_stream(c);
    if (got < 2) /* a transport error under the peek wins over a plain end of stream */
        return vmsp_check_stream(c) ? c->s->error.code
                               : vmsp_fail(c, VMS_ERR_EOF, "stream ends inside a subsection header");
    len = hdr[1];
    if (len < plen + 1)
        return 0; /* too short to be ours: belongs to an enclosing description */
    if (vms_stream_peek(c->s, hdr, 2 + len, 0) < 2 + len)
        return vmsp_check_stream(c) ? c->s->error.code
                               : vmsp_fail(c, VMS_ERR_EOF, "stream ends inside a subsection name");
    memcpy(name, hdr + 2, len);
    name[len] = '\0';
    if (strncmp(name, d->name, plen) != 0)
        return 0;
    if (memchr(name, '\0', len))
        return vmsp_fail(c, VMS_ERR_NOENT, "subsection name '%s...' of %zu bytes contains a NUL byte",
                    name, len);
    for (size_t i = 0; i < d->n_subsections; i++) {
        if (strcmp(d->subsections[i].desc->name, name) == 0) {
            *idx = (int)i;
            return 0;
        }
    }
    return vmsp_fail(c, VMS_ERR_NOENT, "subsection '%s' does not exist in '%s'", name, d->name);
}

static void mark_absent(const struct vms_desc *d, void *opaque, int version,
                        const uint64_t *loaded)
{
    for (size_t i = 0; i < d->n_subsections; i++) {
        const struct vms_subsection *sub = &d->subsections[i];
        bool was_loaded = loaded[i / 64] & ((uint64_t)1 << (i % 64));

        if (sub->flags & VMS_SUB_PRESENT_FLAG)
            *(bool *)((uint8_t *)opaque + sub->present_offset) = was_loaded;
        if (!was_loaded && sub->absent)
            sub->absent(opaque, version);
    }
}

static int load_subsections(struct ctx *c, const struct vms_desc *d, void *opaque, int version)
{
    uint64_t loaded[VMSP_MAX_SUBSECTIONS / 64] = {0};
    char name[VMSP_NAME_MAX + 1];
    int idx, ret;

    if (d->n_subsections > VMSP_MAX_SUBSECTIONS)
        return vmsp_fail(c, VMS_ERR_INVAL, "'%s' lists more than %d subsections", d->name,
                    VMSP_MAX_SUBSECTIONS);
    /* What next_subsection() would find without a peek: a next byte that is no marker. */
    if (!vmsp_stream_failed(c->s) && c->s->pos < c->s->len &&
        c->s->buf[c->s->pos] != SUBSECTION_MARKER && c->s->mode == VMS_READ) {
        if (d->n_subsections)
            mark_absent(d, opaque, version, loaded);
        return 0;
    }
    while ((ret = next_subsection(c, d, name, &idx)) == 0 && idx >= 0) {
        const struct vms_subsection *sub = &d->subsections[idx];
        uint64_t bit = (uint64_t)1 << (idx % 64);
        uint32_t sv;
        size_t mark;

        if (loaded[idx / 64] & bit)
            return vmsp_fail(c, VMS_ERR_EXISTS, "subsection '%s' appears twice", name);
        vms_stream_skip(c->s, 2 + strlen(name)); /* the name has no NUL: strlen is its length */
        sv = vms_get_be32(c->s);
        ret = vmsp_check_stream(c);
        if (ret)
            return ret;
        if (sv > INT32_MAX)
            return vmsp_fail(c, VMS_ERR_VERSION, "subsection '%s' version %" PRIu32 " is invalid",
                        name, sv);
        mark = vmsp_path_name(c, 0, sub->desc->name + strlen(d->name));
        ret = load_desc(c, sub->desc, (uint8_t *)opaque + sub->offset, (int)sv);
        if (ret)
            return ret;
        vmsp_path_pop(c, mark);
        loaded[idx / 64] |= bit;
    }
    if (ret)
        return ret;
    mark_absent(d, opaque, version, loaded);
    return 0;
}

/* A plain scalar (vmsp_plain_scalar) straight from the buffer; false: take the general path. */
static bool get_plain(vms_stream_t *s, const struct vms_field *f, uint8_t *dst)
{
    const uint8_t *p = s->mode == VMS_READ && !vmsp_stream_failed(s) && s->len - s->pos >= 8
                           ? s->buf + s->pos : NULL;

    if (!p)
        return false;
    switch (f->size) {
    case 1: dst[0] = p[0]; break;
    case 2: vms_fast_get16(dst, p); break;
    case 4: vms_fast_get32(dst, p); break;
    case 8: vms_fast_get64(dst, p); break;
    default: return false;
    }
    if (f->type == VMS_WT_BOOL)
        dst[0] = dst[0] != 0; /* as load_scalars() does, whatever the width */
    s->pos += f->size;
    return true;
}

/*
 * Runs the generated fast load of @d when it applies (the current version,
 * the bytes contiguous in the buffer). Returns the index of the first field
 * the table walk must still load: 0 when the fast path did not run,
 * n_fields when it loaded everything. When a field's check failed there, the
 * stream stands after that field, as the table walk would leave it, and the
 * check runs again at its path to report the same error.
 */
static size_t load_fast(struct ctx *c, const struct vms_desc *d, void *opaque, int version,
                        int *ret)
{
    const uint8_t *p;
    size_t bad, mark;

    if (!d->fast_load || version != d->version || !vmsp_fast_enabled())
        return 0;
    if (c->s->mode == VMS_READ && !vmsp_stream_failed(c->s) &&
        c->s->len - c->s->pos >= d->fast_size)
        p = c->s->buf + c->s->pos; /* what vmsp_stream_avail() gives, without a call */
    else if (!(p = vmsp_stream_avail(c->s, d->fast_size)))
        return 0;
    bad = d->fast_load(opaque, p);
    if (bad == VMS_FAST_OK) {
        c->s->pos += d->fast_size;
        return d->n_fields;
    }
    if (bad >= d->n_fields)
        return 0; /* not a field: a broken fast_load; the table walk loads it all again */
    c->s->pos += vmsp_fast_span(d, bad + 1);
    mark = vmsp_path_name(c, c->depth > 1 ? '.' : '/', d->fields[bad].name);
    *ret = run_check(c, d->fields[bad].check, d->fields[bad].check_text, opaque, version,
                     &d->fields[bad]);
    if (*ret == 0)
        vmsp_path_pop(c, mark);
    return bad + 1;
}

static int load_body(struct ctx *c, const struct vms_desc *d, void *opaque, int version)
{
    int ret = 0;
    size_t i = load_fast(c, d, opaque, version, &ret);

    if (ret)
        return ret;
    for (; i < d->n_fields; i++) {
        const struct vms_field *f = &d->fields[i];
        uint8_t *dst = (uint8_t *)opaque + f->offset;
        size_t mark;

        if (vmsp_plain_scalar(f, version) && get_plain(c->s, f, dst)) {
            if (!f->check || f->check(opaque, version))
                continue;
            vmsp_path_name(c, c->depth > 1 ? '.' : '/', f->name);
            return check_failed(c, f->check_text, opaque, f);
        }
        mark = vmsp_path_name(c, c->depth > 1 ? '.' : '/', f->name);
        ret = load_field(c, f, opaque, version);
        if (ret)
            return ret;
        vmsp_path_pop(c, mark);
    }
    return load_subsections(c, d, opaque, version);
}

static int load_desc(struct ctx *c, const struct vms_desc *d, void *opaque, int version)
{
    vms_error_t herr;
    int ret;

    if (c->depth >= VMS_MAX_DEPTH)
        return vmsp_fail(c, VMS_ERR_RANGE, "descriptions nest deeper than %d", VMS_MAX_DEPTH);
    if (version > d->version)
        return vmsp_fail(c, VMS_ERR_VERSION, "'%s': stream version %d is newer than local version %d",
                    d->name, version, d->version);
    if (version < d->min_version)
        return vmsp_fail(c, VMS_ERR_VERSION,
                    "'%s': stream version %d is older than the minimum version %d", d->name,
                    version, d->min_version);
    c->depth++;
    ret = 0;
    if (d->pre_load) {
        vms_error_init(&herr);
        ret = vmsp_hook_result(c, d->pre_load(opaque, &herr), &herr, "pre_load", d);
    }
    if (ret == 0)
        ret = load_body(c, d, opaque, version);
    if (ret == 0)
        ret = run_check(c, d->check, d->check_text, opaque, version, NULL);
    if (ret == 0 && d->post_load && c->txn) {
        /* Atomic: post_load must see the device, so it waits for the commit. */
        if (vmsp_txn_defer(c->txn, d, opaque, version, c->frames[0].name))
            ret = vmsp_fail(c, VMS_ERR_NOMEM, "out of memory");
    } else if (ret == 0 && d->post_load) {
        vms_error_init(&herr);
        ret = vmsp_hook_result(c, d->post_load(opaque, version, &herr), &herr, "post_load", d);
    }
    c->depth--;
    return ret;
}

int vmsp_load_desc(vms_stream_t *s, const struct vms_desc *d, void *opaque, int version,
                   const char *root, struct vmsp_txn *txn, vms_error_t *err)
{
    struct ctx c;
    int ret;

    if (!s || !d)
        return vms_error_set(err, VMS_ERR_INVAL, 0, -1, NULL, "NULL stream or description");
    vmsp_ctx_init(&c, s, err, root ? root : d->name);
    if (vmsp_stream_failed(s))
        return vmsp_stream_fail(&c);
    if (txn) {
        ret = vmsp_txn_snapshot(txn, d, opaque, &opaque, c.frames[0].name, err);
        if (ret)
            return ret;
        c.txn = txn;
    }
    return load_desc(&c, d, opaque, version);
}

int vmsp_run_post_load(vms_stream_t *s, const struct vms_desc *d, void *opaque, int version,
                       const char *root, vms_error_t *err)
{
    vms_error_t herr;
    struct ctx c;

    vmsp_ctx_init(&c, s, err, root);
    vms_error_init(&herr);
    return vmsp_hook_result(&c, d->post_load(opaque, version, &herr), &herr, "post_load", d);
}

int vms_load_flags(vms_stream_t *s, const struct vms_desc *d, void *opaque, int version,
                   unsigned flags, vms_error_t *err)
{
    struct vmsp_txn *txn;
    int ret;

    if (flags & ~(unsigned)(VMS_LOAD_ATOMIC | VMS_LOAD_ALLOW_MISSING | VMS_LOAD_ALLOW_NO_VMDESC))
        return vms_error_set(err, VMS_ERR_INVAL, 0, -1, d ? d->name : NULL,
                             "unknown load flags 0x%x", flags);
    if (!(flags & VMS_LOAD_ATOMIC))
        return vmsp_load_desc(s, d, opaque, version, NULL, NULL, err);
    txn = vmsp_txn_new();
    if (!txn)
        return vms_error_set(err, VMS_ERR_NOMEM, 0, -1, d ? d->name : NULL, "out of memory");
    ret = vmsp_load_desc(s, d, opaque, version, NULL, txn, err);
    if (ret) {
        vmsp_txn_abort(txn);
        return ret;
    }
    return vmsp_txn_commit(txn, s, err);
}

int vms_load(vms_stream_t *s, const struct vms_desc *d, void *opaque, int version,
             vms_error_t *err)
{
    return vms_load_flags(s, d, opaque, version, 0, err);
}
