/* engine_save.c: saving one description (payload and its vmdesc entries), QEMU's layout. */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine_private.h"

/* ---- vmdesc entries (QEMU's layout; see docs/wire-format.md) ---- */

static bool can_compress(const struct vms_field *f);

static bool desc_can_compress(const struct vms_desc *d, int depth)
{
    if (depth > VMS_MAX_DEPTH || d->n_subsections)
        return false;
    for (size_t i = 0; i < d->n_fields; i++)
        if (!can_compress(&d->fields[i]))
            return false;
    return true;
}

static bool can_compress(const struct vms_field *f)
{
    if (f->exists)
        return false;
    if (f->type == VMS_WT_STRUCT)
        return !(f->flags & VMS_F_ARRAY_OF_POINTER) && desc_can_compress(f->desc, 0);
    return true;
}

static int cmp_names(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Whether two fields of @d share a name; remembered for the last few descriptions. */
static bool repeats_names(struct ctx *c, const struct vms_desc *d)
{
    const char *stack[64], **names = stack;
    bool repeats = false;

    for (size_t i = 0; i < sizeof(c->names) / sizeof(c->names[0]); i++)
        if (c->names[i].d == d)
            return c->names[i].repeats;
    if (d->n_fields > sizeof(stack) / sizeof(stack[0]))
        names = malloc(d->n_fields * sizeof(*names));
    if (!names)
        return true; /* out of memory: take the slow, exact path */
    for (size_t i = 0; i < d->n_fields; i++) {
        names[i] = d->fields[i].name;
        repeats = repeats || d->fields[i].was_until; /* QEMU's two entries of a VMS_WAS field */
    }
    qsort(names, d->n_fields, sizeof(*names), cmp_names);
    for (size_t i = 1; i < d->n_fields && !repeats; i++)
        repeats = strcmp(names[i - 1], names[i]) == 0;
    if (names != stack)
        free(names);
    c->names[c->names_next].d = d;
    c->names[c->names_next].repeats = repeats;
    c->names_next = (c->names_next + 1) % (sizeof(c->names) / sizeof(c->names[0]));
    return repeats;
}

/*
 * The vmdesc name of a field: "name", or "name[k]" when several fields share
 * it. QEMU writes a type change (VMS_WAS) as two fields of one name, the old
 * type under a version test, then the new one: such a field counts twice,
 * and is the second of its pair unless @old_type (saved in the old type).
 */
static void desc_field_name(struct ctx *c, const struct vms_desc *d, const struct vms_field *f,
                            bool old_type, char *buf, size_t len)
{
    int seen = 0, index = -1;
    size_t n;

    if (repeats_names(c, d)) {
        for (size_t i = 0; i < d->n_fields; i++) {
            const struct vms_field *g = &d->fields[i];
            int entries = g->was_until ? 2 : 1;

            if (g == f)
                index = seen + (f->was_until && !old_type ? 1 : 0);
            if (g == f || strcmp(g->name, f->name) == 0)
                seen += entries;
        }
    }
    if (seen > 1) {
        snprintf(buf, len, "%s[%d]", f->name, index);
        return;
    }
    n = strlen(f->name);
    n = n < len ? n : len - 1;
    memcpy(buf, f->name, n);
    buf[n] = '\0';
}

static void desc_entry_start(struct ctx *c, const struct vms_desc *d, const struct vms_field *f,
                             size_t i, size_t n, bool compress, const char *type, bool old_type)
{
    char name[VMS_ERROR_PATH_MAX];

    desc_field_name(c, d, f, old_type, name, sizeof(name));
    vmsp_json_start_object(c->desc, NULL);
    vmsp_json_str(c->desc, "name", name);
    if (n > 1) {
        if (compress)
            vmsp_json_int(c->desc, "array_len", (int64_t)n);
        else
            vmsp_json_int(c->desc, "index", (int64_t)i);
    }
    vmsp_json_str(c->desc, "type", type);
    if (f->type == VMS_WT_STRUCT && strcmp(type, "struct") == 0)
        vmsp_json_start_object(c->desc, "struct");
}

static void desc_entry_end(struct ctx *c, const struct vms_field *f, const char *type,
                           uint64_t size)
{
    if (f->type == VMS_WT_STRUCT && strcmp(type, "struct") == 0)
        vmsp_json_end_object(c->desc);
    vmsp_json_int(c->desc, "size", (int64_t)size);
    vmsp_json_end_object(c->desc);
}

/* ---- save ---- */

static int save_desc(struct ctx *c, const struct vms_desc *d, void *opaque, int version);

/* Saves one element (struct, codec or scalar) at @elem. */
static int save_elem(struct ctx *c, const struct vms_field *f, const void *elem)
{
    vms_error_t herr;
    int ret;

    switch (f->type) {
    case VMS_WT_STRUCT:
        return save_desc(c, f->desc, (void *)elem, f->desc->version);
    case VMS_WT_CODEC:
        vms_error_init(&herr);
        ret = f->codec->put(c->s, elem, f->size, &herr);
        if (ret)
            return vmsp_fail(c, herr.code ? herr.code : VMS_ERR_HOOK, "codec '%s' put failed%s%s",
                        vmsp_field_type_name(f), herr.message[0] ? ": " : "", herr.message);
        return vmsp_check_stream(c);
    default:
        vmsp_put_array(c->s, elem, f->size, 1);
        return vmsp_check_stream(c);
    }
}

/* The vmdesc entry of a blob: one, whatever its size. */
static void describe_blob(struct ctx *c, const struct vms_desc *d, const struct vms_field *f,
                          size_t total)
{
    desc_entry_start(c, d, f, 0, 1, true, vmsp_field_type_name(f), false);
    desc_entry_end(c, f, vmsp_field_type_name(f), total);
}

/* Raw bytes (buffer, unused): one blob of n * size bytes, one vmdesc entry. */
static int save_blob(struct ctx *c, const struct vms_desc *d, const struct vms_field *f,
                     const void *base, size_t n)
{
    size_t total = n * f->size;
    static const uint8_t zeros[256];

    if (c->desc)
        describe_blob(c, d, f, total);
    if (f->type == VMS_WT_BUFFER) {
        vms_put_buffer(c->s, base, total);
    } else {
        for (size_t done = 0; done < total;) {
            size_t k = total - done < sizeof(zeros) ? total - done : sizeof(zeros);
            vms_put_buffer(c->s, zeros, k);
            done += k;
        }
    }
    return vmsp_check_stream(c);
}

/* A field saved for a version before its wire type changed (VMS_WAS): narrow and check. */
static int save_converted(struct ctx *c, const struct vms_field *f, const uint8_t *base, size_t n)
{
    size_t old_width = vms_wire_type_size(f->was_type);
    uint8_t tmp[8];

    for (size_t i = 0; i < n; i++) {
        struct wide w = vmsp_wide_from(base + i * f->size, f->type, f->size);
        char val[32];

        if (!vmsp_wide_fits(w, f->was_type)) {
            vmsp_format_wide(val, sizeof(val), w);
            return vmsp_fail(c, VMS_ERR_RANGE, "value %s does not fit %s, the type of older versions",
                        val, vms_wire_type_name(f->was_type));
        }
        vmsp_store_unsigned(tmp, old_width, w.bits);
        vmsp_put_array(c->s, tmp, old_width, 1);
    }
    return vmsp_check_stream(c);
}

/* The vmdesc entries of @n scalars: one when they compress, else one each. */
static void describe_scalars(struct ctx *c, const struct vms_desc *d, const struct vms_field *f,
                             size_t n, int version)
{
    bool old_type = f->was_until && version < f->was_until;
    const char *type = old_type ? vms_wire_type_name(f->was_type) : vmsp_field_type_name(f);
    size_t width = old_type ? vms_wire_type_size(f->was_type) : f->size;
    bool compress = can_compress(f);

    for (size_t i = 0; i < n; i++) {
        desc_entry_start(c, d, f, i, n, compress, type, old_type);
        desc_entry_end(c, f, type, width);
        if (compress)
            break;
    }
}

/* Scalars with no per-element presence: bulk conversion into the stream buffer. */
static int save_scalars(struct ctx *c, const struct vms_desc *d, const struct vms_field *f,
                        const void *base, size_t n, int version)
{
    bool old_type = f->was_until && version < f->was_until;

    if (c->desc)
        describe_scalars(c, d, f, n, version);
    if (old_type)
        return save_converted(c, f, base, n);
    vmsp_put_array(c->s, base, f->size, n);
    return vmsp_check_stream(c);
}

static bool has_null_element(const struct vms_field *f, const void *base, size_t n)
{
    if (!(f->flags & VMS_F_ARRAY_OF_POINTER))
        return false;
    for (size_t i = 0; i < n; i++)
        if (!((void *const *)base)[i])
            return true;
    return false;
}

/* Element by element: structs, codecs, arrays of pointers (NULL = marker byte). */
static int save_elements(struct ctx *c, const struct vms_desc *d, const struct vms_field *f,
                         const uint8_t *base, size_t n)
{
    bool compress = can_compress(f) && !has_null_element(f, base, n);
    bool describe = c->desc != NULL;
    struct vmsp_json *sink = c->desc;
    int ret = 0;

    for (size_t i = 0; i < n && ret == 0; i++) {
        const void *elem = base + i * f->size;
        size_t mark = vmsp_path_index(c, i);
        const char *type = vmsp_field_type_name(f);
        uint64_t start;

        if (f->flags & VMS_F_ARRAY_OF_POINTER) {
            elem = ((void *const *)base)[i];
            if (!elem)
                type = "nullptr";
        }
        c->desc = describe ? sink : NULL;
        if (c->desc)
            desc_entry_start(c, d, f, i, n, compress, type, false);
        start = vms_stream_offset(c->s);
        if (elem) {
            ret = save_elem(c, f, elem);
        } else {
            vms_put_u8(c->s, VMS_NULLPTR_MARKER);
            ret = vmsp_check_stream(c);
        }
        c->desc = sink;
        if (describe && ret == 0)
            desc_entry_end(c, f, type, vms_stream_offset(c->s) - start);
        if (compress)
            describe = false; /* a compressed array describes its first element only */
        vmsp_path_pop(c, mark);
    }
    return ret;
}

static int save_field(struct ctx *c, const struct vms_desc *d, const struct vms_field *f,
                      void *opaque, int version)
{
    const uint8_t *base = (const uint8_t *)opaque + f->offset;
    size_t n;
    int ret;

    if (!vmsp_field_present(f, opaque, version))
        return 0;
    ret = vmsp_field_count_at(c, f, opaque, &n);
    if (ret)
        return ret;
    if (f->flags & VMS_F_POINTER) {
        base = *(const uint8_t *const *)base;
        if (!base && n)
            return vmsp_fail(c, VMS_ERR_INVAL, "NULL pointer for %zu elements", n);
    }
    if (f->type == VMS_WT_BUFFER || f->type == VMS_WT_UNUSED)
        return save_blob(c, d, f, base, n);
    if (n == 0)
        return 0;
    if (vmsp_wire_is_scalar(f->type) && !(f->flags & VMS_F_ARRAY_OF_POINTER))
        return save_scalars(c, d, f, base, n, version);
    return save_elements(c, d, f, base, n);
}

static int save_subsections(struct ctx *c, const struct vms_desc *d, void *opaque, int version)
{
    bool opened = false;

    for (size_t i = 0; i < d->n_subsections; i++) {
        const struct vms_subsection *sub = &d->subsections[i];
        size_t len = strlen(sub->desc->name), mark;
        int ret;

        if (sub->needed && !sub->needed(opaque, version))
            continue;
        if (len > VMSP_NAME_MAX)
            return vmsp_fail(c, VMS_ERR_INVAL, "subsection name '%s' is too long", sub->desc->name);
        if (c->desc && !opened) {
            vmsp_json_start_array(c->desc, "subsections");
            opened = true;
        }
        if (c->desc)
            vmsp_json_start_object(c->desc, NULL);
        vms_put_u8(c->s, SUBSECTION_MARKER);
        vms_put_u8(c->s, (uint8_t)len);
        vms_put_buffer(c->s, sub->desc->name, len);
        vms_put_be32(c->s, (uint32_t)sub->desc->version);
        mark = vmsp_path_name(c, 0, sub->desc->name + strlen(d->name));
        ret = save_desc(c, sub->desc, (uint8_t *)opaque + sub->offset, sub->desc->version);
        if (ret)
            return ret;
        vmsp_path_pop(c, mark);
        if (c->desc)
            vmsp_json_end_object(c->desc);
    }
    if (opened)
        vmsp_json_end_array(c->desc);
    return 0;
}

/* A plain scalar (vmsp_plain_scalar) straight into the buffer; false: take the general path. */
static bool put_plain(vms_stream_t *s, const struct vms_field *f, const uint8_t *src)
{
    uint8_t *p = vmsp_stream_room(s, 8);

    if (!p)
        return false;
    switch (f->size) {
    case 1: p[0] = src[0]; break;
    case 2: vms_fast_put16(p, src); break;
    case 4: vms_fast_put32(p, src); break;
    case 8: vms_fast_put64(p, src); break;
    default: return false;
    }
    s->len += f->size;
    return true;
}

/*
 * The fields of @d: through the generated fast path when it applies (the
 * current version, room in the buffer), else one by one. Path frames are
 * pushed only for the general path, where errors can happen.
 */
static int save_fields(struct ctx *c, const struct vms_desc *d, void *opaque, int version)
{
    size_t i = 0;

    if (d->fast_save && version == d->version && vmsp_fast_enabled()) {
        uint8_t *p = vmsp_stream_room(c->s, d->fast_size);

        if (!p && c->s->mem)
            p = vmsp_stream_grow(c->s, d->fast_size);
        if (p) {
            /* The vmdesc entries the table walk would write: fixed fields, fixed entries. */
            for (; c->desc && i < d->n_fields; i++) {
                const struct vms_field *f = &d->fields[i];

                if (f->type == VMS_WT_BUFFER || f->type == VMS_WT_UNUSED)
                    describe_blob(c, d, f, (f->num ? f->num : 1) * f->size);
                else
                    describe_scalars(c, d, f, f->num ? f->num : 1, version);
            }
            d->fast_save(p, opaque);
            c->s->len += d->fast_size;
            return 0;
        }
    }
    for (; i < d->n_fields; i++) {
        const struct vms_field *f = &d->fields[i];
        size_t mark;
        int ret;

        if (!c->desc && vmsp_plain_scalar(f, version) &&
            put_plain(c->s, f, (const uint8_t *)opaque + f->offset))
            continue;
        mark = vmsp_path_name(c, c->depth > 1 ? '.' : '/', f->name);
        ret = save_field(c, d, f, opaque, version);
        if (ret)
            return ret;
        vmsp_path_pop(c, mark);
    }
    return 0;
}

static int save_body(struct ctx *c, const struct vms_desc *d, void *opaque, int version)
{
    int ret;

    if (c->desc) {
        vmsp_json_str(c->desc, "vmsd_name", d->name);
        vmsp_json_int(c->desc, "version", version);
        vmsp_json_start_array(c->desc, "fields");
    }
    ret = save_fields(c, d, opaque, version);
    if (ret)
        return ret;
    if (c->desc)
        vmsp_json_end_array(c->desc);
    return save_subsections(c, d, opaque, version);
}

static int save_desc(struct ctx *c, const struct vms_desc *d, void *opaque, int version)
{
    vms_error_t herr;
    int ret;

    if (c->depth >= VMS_MAX_DEPTH)
        return vmsp_fail(c, VMS_ERR_RANGE, "descriptions nest deeper than %d", VMS_MAX_DEPTH);
    c->depth++;
    ret = 0;
    if (d->pre_save) {
        vms_error_init(&herr);
        ret = vmsp_hook_result(c, d->pre_save(opaque, &herr), &herr, "pre_save", d);
    }
    if (ret == 0) {
        ret = save_body(c, d, opaque, version);
        if (d->post_save) {
            int ps = d->post_save(opaque);
            if (ret == 0 && ps)
                ret = vmsp_fail(c, VMS_ERR_HOOK, "post_save of '%s' failed (returned %d)", d->name, ps);
        }
    }
    c->depth--;
    return ret;
}

int vmsp_save_desc(vms_stream_t *s, const struct vms_desc *d, void *opaque, int version,
                   struct vmsp_json *desc, vms_error_t *err)
{
    struct ctx c;

    if (!s || !d)
        return vms_error_set(err, VMS_ERR_INVAL, 0, -1, NULL, "NULL stream or description");
    vmsp_ctx_init(&c, s, err, d->name);
    c.desc = desc;
    if (desc)
        memset(c.names, 0, sizeof(c.names));
    if (vmsp_stream_failed(s))
        return vmsp_stream_fail(&c);
    if (version > d->version || version < d->min_version)
        return vmsp_fail(&c, VMS_ERR_VERSION, "cannot save version %d of '%s' (supports %d..%d)",
                    version, d->name, d->min_version, d->version);
    return save_desc(&c, d, opaque, version);
}

int vms_save(vms_stream_t *s, const struct vms_desc *d, void *opaque, vms_error_t *err)
{
    uint8_t *p;

    /* The whole save is the fast path (no hooks or subsections around it): no context needed. */
    if (s && d && d->fast_save && !d->pre_save && !d->post_save && !d->n_subsections &&
        vmsp_fast_enabled() && (p = vmsp_stream_room(s, d->fast_size))) {
        d->fast_save(p, opaque);
        s->len += d->fast_size;
        return 0;
    }
    return vmsp_save_desc(s, d, opaque, d ? d->version : 0, NULL, err);
}

int vms_save_version(vms_stream_t *s, const struct vms_desc *d, void *opaque,
                     int target_version, vms_error_t *err)
{
    return vmsp_save_desc(s, d, opaque, target_version, NULL, err);
}

