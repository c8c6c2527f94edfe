/* engine.c: saving and loading one description in QEMU's vmstate payload format. */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vms_private.h"

#define SUBSECTION_MARKER 0x05

/* One step of the path to the value being processed: "/name", ".name" or "[i]". */
struct frame {
    char sep;         /* '/', '.' or 0 (root, subsection suffix); unused for indexes */
    bool is_index;
    const char *name;
    size_t index;
};

/* Frames per nesting level: a field and an element index, plus a subsection. */
#define MAX_FRAMES (3 * VMS_MAX_DEPTH + 4)

/*
 * One save or load in progress: where we are (kept as frames, formatted into
 * a path string only when an error is reported) and where to report.
 */
struct ctx {
    vms_stream_t *s;
    vms_error_t *err;
    struct vmsp_json *desc; /* vmdesc sink while saving, else NULL */
    struct vmsp_txn *txn;   /* atomic load: allocations and post_load go through it */
    int depth;
    size_t nframes;
    struct frame frames[MAX_FRAMES];
};

/* ---- error paths ---- */

static size_t path_name(struct ctx *c, char sep, const char *name)
{
    size_t mark = c->nframes;

    if (mark < MAX_FRAMES)
        c->frames[c->nframes++] = (struct frame){.sep = sep, .name = name};
    return mark;
}

static size_t path_index(struct ctx *c, size_t index)
{
    size_t mark = c->nframes;

    if (mark < MAX_FRAMES)
        c->frames[c->nframes++] = (struct frame){.is_index = true, .index = index};
    return mark;
}

static void path_pop(struct ctx *c, size_t mark)
{
    c->nframes = mark;
}

static void path_format(const struct ctx *c, char *buf, size_t len)
{
    size_t used = 0;

    buf[0] = '\0';
    for (size_t i = 0; i < c->nframes && used < len; i++) {
        const struct frame *f = &c->frames[i];
        int n;

        if (f->is_index)
            n = snprintf(buf + used, len - used, "[%zu]", f->index);
        else if (f->sep)
            n = snprintf(buf + used, len - used, "%c%s", f->sep, f->name);
        else
            n = snprintf(buf + used, len - used, "%s", f->name);
        if (n < 0)
            break;
        used += (size_t)n;
    }
}

/* Records a semantic error at the current path and poisons the stream. */
static int fail(struct ctx *c, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int fail(struct ctx *c, int code, const char *fmt, ...)
{
    char msg[VMS_ERROR_MESSAGE_MAX], path[VMS_ERROR_PATH_MAX];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    path_format(c, path, sizeof(path));
    vms_error_set(c->err, code, 0, (int64_t)vms_stream_offset(c->s), path, "%s", msg);
    vms_stream_set_error(c->s, code, 0, "%s", msg);
    return code;
}

/* Reports the stream's sticky error (I/O, end of stream) at the current path. */
static int stream_fail(struct ctx *c)
{
    const vms_error_t *e = &c->s->error;
    char path[VMS_ERROR_PATH_MAX];

    path_format(c, path, sizeof(path));
    vms_error_set(c->err, e->code, e->sys_errno, e->offset, path, "%s",
                  e->message[0] ? e->message : vms_strerror(e->code));
    return e->code;
}

static int check_stream(struct ctx *c)
{
    return vmsp_stream_failed(c->s) ? stream_fail(c) : 0;
}

/* Runs a hook that may fill its own error record; a failure keeps its detail. */
static int hook_result(struct ctx *c, int ret, const vms_error_t *herr, const char *hook,
                       const struct vms_desc *d)
{
    if (ret == 0)
        return 0;
    if (herr->code && herr->message[0])
        return fail(c, herr->code, "%s of '%s' failed: %s", hook, d->name, herr->message);
    return fail(c, herr->code ? herr->code : VMS_ERR_HOOK, "%s of '%s' failed (returned %d)", hook,
                d->name, ret);
}

/* ---- values in memory ---- */

static int64_t read_signed(const void *p, size_t width)
{
    switch (width) {
    case 1: return *(const int8_t *)p;
    case 2: return *(const int16_t *)p;
    case 4: return *(const int32_t *)p;
    default: return *(const int64_t *)p;
    }
}

static uint64_t read_unsigned(const void *p, size_t width)
{
    switch (width) {
    case 1: return *(const uint8_t *)p;
    case 2: return *(const uint16_t *)p;
    case 4: return *(const uint32_t *)p;
    default: return *(const uint64_t *)p;
    }
}

static void store_unsigned(void *p, size_t width, uint64_t v)
{
    switch (width) {
    case 1: *(uint8_t *)p = (uint8_t)v; break;
    case 2: *(uint16_t *)p = (uint16_t)v; break;
    case 4: *(uint32_t *)p = (uint32_t)v; break;
    default: *(uint64_t *)p = v; break;
    }
}

static bool wire_signed(enum vms_wire_type t)
{
    return t == VMS_WT_INT8 || t == VMS_WT_INT16 || t == VMS_WT_INT32 || t == VMS_WT_INT64 ||
           t == VMS_WT_TIMER;
}

/* An integer of any wire type, widened without loss: sign flag plus magnitude bits. */
struct wide {
    bool neg;
    uint64_t bits; /* two's complement value when neg */
};

static struct wide wide_from(const void *p, enum vms_wire_type t, size_t width)
{
    struct wide w;

    if (wire_signed(t)) {
        int64_t v = read_signed(p, width);
        w.neg = v < 0;
        w.bits = (uint64_t)v;
    } else {
        w.neg = false;
        w.bits = read_unsigned(p, width);
    }
    return w;
}

/* Whether @w fits wire type @t (the storage of a field). */
static bool wide_fits(struct wide w, enum vms_wire_type t)
{
    size_t width = vms_wire_type_size(t);
    unsigned bits = (unsigned)width * 8;

    if (t == VMS_WT_BOOL)
        return !w.neg && w.bits <= 1;
    if (wire_signed(t)) {
        int64_t v = (int64_t)w.bits;
        int64_t lo = bits == 64 ? INT64_MIN : -((int64_t)1 << (bits - 1));
        int64_t hi = bits == 64 ? INT64_MAX : ((int64_t)1 << (bits - 1)) - 1;
        if (!w.neg && w.bits > (uint64_t)INT64_MAX)
            return false;
        return v >= lo && v <= hi;
    }
    if (w.neg)
        return false;
    return bits == 64 || w.bits <= (((uint64_t)1 << bits) - 1);
}

static void format_wide(char *buf, size_t len, struct wide w)
{
    if (w.neg)
        snprintf(buf, len, "%" PRId64, (int64_t)w.bits);
    else
        snprintf(buf, len, "%" PRIu64, w.bits);
}

/* ---- element counts ---- */

static size_t field_capacity(const struct vms_field *f)
{
    if (!(f->flags & VMS_F_POINTER))
        return f->num ? f->num : 1;
    if (f->max)
        return f->max;
    if (f->flags & VMS_F_ALLOC)
        return f->size ? VMS_ALLOC_LIMIT_DEFAULT / f->size : 0;
    return 0;
}

/* The variable count of @f in @opaque, as stored (count member or count_fn). */
static struct wide count_value(const struct vms_field *f, const void *opaque)
{
    const uint8_t *cp = (const uint8_t *)opaque + f->count_offset;
    struct wide w;

    if (f->count_fn) {
        int64_t v = f->count_fn(opaque);
        w.neg = v < 0;
        w.bits = (uint64_t)v;
    } else {
        w.neg = f->count_signed && read_signed(cp, f->count_size) < 0;
        w.bits = f->count_signed ? (uint64_t)read_signed(cp, f->count_size)
                                 : read_unsigned(cp, f->count_size);
    }
    return w;
}

bool vmsp_field_count(const struct vms_field *f, const void *opaque, size_t *n)
{
    struct wide w;

    if (!(f->flags & VMS_F_VARRAY)) {
        *n = f->num ? f->num : 1;
        return true;
    }
    w = count_value(f, opaque);
    if (w.neg || w.bits > field_capacity(f))
        return false;
    *n = (size_t)w.bits;
    return true;
}

/* Number of elements of @f in @opaque now; a count beyond capacity is an error. */
static int field_count(struct ctx *c, const struct vms_field *f, const void *opaque, size_t *n)
{
    size_t cap = field_capacity(f);
    struct wide w;

    if (!(f->flags & VMS_F_VARRAY)) {
        *n = f->num ? f->num : 1;
        return 0;
    }
    w = count_value(f, opaque);
    if (w.neg)
        return fail(c, VMS_ERR_RANGE, "negative element count %" PRId64, (int64_t)w.bits);
    if (w.bits > cap)
        return fail(c, VMS_ERR_RANGE, "count %" PRIu64 " exceeds %zu", w.bits, cap);
    *n = (size_t)w.bits;
    return 0;
}

static bool field_present(const struct vms_field *f, const void *opaque, int version)
{
    if (version < f->since)
        return false;
    if (f->until && version >= f->until)
        return false;
    return !f->exists || f->exists(opaque, version);
}

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

/* The vmdesc name of a field: "name", or "name[k]" when several fields share it. */
static void desc_field_name(const struct vms_desc *d, const struct vms_field *f, char *buf,
                            size_t len)
{
    int seen = 0, index = -1;

    for (size_t i = 0; i < d->n_fields; i++) {
        if (strcmp(d->fields[i].name, f->name) != 0)
            continue;
        if (&d->fields[i] == f)
            index = seen;
        seen++;
    }
    if (seen > 1)
        snprintf(buf, len, "%s[%d]", f->name, index);
    else
        snprintf(buf, len, "%s", f->name);
}

static void desc_entry_start(struct ctx *c, const struct vms_desc *d, const struct vms_field *f,
                             size_t i, size_t n, bool compress, const char *type)
{
    char name[VMS_ERROR_PATH_MAX];

    desc_field_name(d, f, name, sizeof(name));
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
            return fail(c, herr.code ? herr.code : VMS_ERR_HOOK, "codec '%s' put failed%s%s",
                        vmsp_field_type_name(f), herr.message[0] ? ": " : "", herr.message);
        return check_stream(c);
    default:
        vmsp_put_array(c->s, elem, f->size, 1);
        return check_stream(c);
    }
}

/* Raw bytes (buffer, unused): one blob of n * size bytes, one vmdesc entry. */
static int save_blob(struct ctx *c, const struct vms_desc *d, const struct vms_field *f,
                     const void *base, size_t n)
{
    size_t total = n * f->size;
    static const uint8_t zeros[256];

    if (c->desc) {
        desc_entry_start(c, d, f, 0, 1, true, vmsp_field_type_name(f));
        desc_entry_end(c, f, vmsp_field_type_name(f), total);
    }
    if (f->type == VMS_WT_BUFFER) {
        vms_put_buffer(c->s, base, total);
    } else {
        for (size_t done = 0; done < total;) {
            size_t k = total - done < sizeof(zeros) ? total - done : sizeof(zeros);
            vms_put_buffer(c->s, zeros, k);
            done += k;
        }
    }
    return check_stream(c);
}

/* A field saved for a version before its wire type changed (VMS_WAS): narrow and check. */
static int save_converted(struct ctx *c, const struct vms_field *f, const uint8_t *base, size_t n)
{
    size_t old_width = vms_wire_type_size(f->was_type);
    uint8_t tmp[8];

    for (size_t i = 0; i < n; i++) {
        struct wide w = wide_from(base + i * f->size, f->type, f->size);
        char val[32];

        if (!wide_fits(w, f->was_type)) {
            format_wide(val, sizeof(val), w);
            return fail(c, VMS_ERR_RANGE, "value %s does not fit %s, the type of older versions",
                        val, vms_wire_type_name(f->was_type));
        }
        store_unsigned(tmp, old_width, w.bits);
        vmsp_put_array(c->s, tmp, old_width, 1);
    }
    return check_stream(c);
}

/* Scalars with no per-element presence: bulk conversion into the stream buffer. */
static int save_scalars(struct ctx *c, const struct vms_desc *d, const struct vms_field *f,
                        const void *base, size_t n, int version)
{
    bool old_type = f->was_until && version < f->was_until;
    const char *type = old_type ? vms_wire_type_name(f->was_type) : vmsp_field_type_name(f);
    size_t width = old_type ? vms_wire_type_size(f->was_type) : f->size;

    if (c->desc) {
        bool compress = can_compress(f);
        for (size_t i = 0; i < n; i++) {
            desc_entry_start(c, d, f, i, n, compress, type);
            desc_entry_end(c, f, type, width);
            if (compress)
                break;
        }
    }
    if (old_type)
        return save_converted(c, f, base, n);
    vmsp_put_array(c->s, base, f->size, n);
    return check_stream(c);
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
        size_t mark = path_index(c, i);
        const char *type = vmsp_field_type_name(f);
        uint64_t start;

        if (f->flags & VMS_F_ARRAY_OF_POINTER) {
            elem = ((void *const *)base)[i];
            if (!elem)
                type = "nullptr";
        }
        c->desc = describe ? sink : NULL;
        if (c->desc)
            desc_entry_start(c, d, f, i, n, compress, type);
        start = vms_stream_offset(c->s);
        if (elem) {
            ret = save_elem(c, f, elem);
        } else {
            vms_put_u8(c->s, VMS_NULLPTR_MARKER);
            ret = check_stream(c);
        }
        c->desc = sink;
        if (describe && ret == 0)
            desc_entry_end(c, f, type, vms_stream_offset(c->s) - start);
        if (compress)
            describe = false; /* a compressed array describes its first element only */
        path_pop(c, mark);
    }
    return ret;
}

static int save_field(struct ctx *c, const struct vms_desc *d, const struct vms_field *f,
                      void *opaque, int version)
{
    const uint8_t *base = (const uint8_t *)opaque + f->offset;
    size_t n;
    int ret;

    if (!field_present(f, opaque, version))
        return 0;
    ret = field_count(c, f, opaque, &n);
    if (ret)
        return ret;
    if (f->flags & VMS_F_POINTER) {
        base = *(const uint8_t *const *)base;
        if (!base && n)
            return fail(c, VMS_ERR_INVAL, "NULL pointer for %zu elements", n);
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
            return fail(c, VMS_ERR_INVAL, "subsection name '%s' is too long", sub->desc->name);
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
        mark = path_name(c, 0, sub->desc->name + strlen(d->name));
        ret = save_desc(c, sub->desc, (uint8_t *)opaque + sub->offset, sub->desc->version);
        if (ret)
            return ret;
        path_pop(c, mark);
        if (c->desc)
            vmsp_json_end_object(c->desc);
    }
    if (opened)
        vmsp_json_end_array(c->desc);
    return 0;
}

static int save_body(struct ctx *c, const struct vms_desc *d, void *opaque, int version)
{
    int ret = 0;

    if (c->desc) {
        vmsp_json_str(c->desc, "vmsd_name", d->name);
        vmsp_json_int(c->desc, "version", version);
        vmsp_json_start_array(c->desc, "fields");
    }
    for (size_t i = 0; i < d->n_fields && ret == 0; i++) {
        const struct vms_field *f = &d->fields[i];
        size_t mark = path_name(c, c->depth > 1 ? '.' : '/', f->name);

        ret = save_field(c, d, f, opaque, version);
        if (ret == 0)
            path_pop(c, mark);
    }
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
        return fail(c, VMS_ERR_RANGE, "descriptions nest deeper than %d", VMS_MAX_DEPTH);
    c->depth++;
    vms_error_init(&herr);
    ret = d->pre_save ? hook_result(c, d->pre_save(opaque, &herr), &herr, "pre_save", d) : 0;
    if (ret == 0) {
        ret = save_body(c, d, opaque, version);
        if (d->post_save) {
            int ps = d->post_save(opaque);
            if (ret == 0 && ps)
                ret = fail(c, VMS_ERR_HOOK, "post_save of '%s' failed (returned %d)", d->name, ps);
        }
    }
    c->depth--;
    return ret;
}

static void ctx_init(struct ctx *c, vms_stream_t *s, vms_error_t *err, const char *root)
{
    c->s = s;
    c->err = err;
    c->desc = NULL;
    c->txn = NULL;
    c->depth = 0;
    c->nframes = 0;
    path_name(c, 0, root ? root : "");
}

int vmsp_save_desc(vms_stream_t *s, const struct vms_desc *d, void *opaque, int version,
                   struct vmsp_json *desc, vms_error_t *err)
{
    struct ctx c;

    if (!s || !d)
        return vms_error_set(err, VMS_ERR_INVAL, 0, -1, NULL, "NULL stream or description");
    ctx_init(&c, s, err, d->name);
    c.desc = desc;
    if (vmsp_stream_failed(s))
        return stream_fail(&c);
    if (version > d->version || version < d->min_version)
        return fail(&c, VMS_ERR_VERSION, "cannot save version %d of '%s' (supports %d..%d)",
                    version, d->name, d->min_version, d->version);
    return save_desc(&c, d, opaque, version);
}

int vms_save(vms_stream_t *s, const struct vms_desc *d, void *opaque, vms_error_t *err)
{
    return vmsp_save_desc(s, d, opaque, d ? d->version : 0, NULL, err);
}

int vms_save_version(vms_stream_t *s, const struct vms_desc *d, void *opaque,
                     int target_version, vms_error_t *err)
{
    return vmsp_save_desc(s, d, opaque, target_version, NULL, err);
}

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
            return stream_fail(c);
        w = wide_from(tmp, f->was_type, old_width);
        if (!wide_fits(w, f->type)) {
            format_wide(val, sizeof(val), w);
            return fail(c, VMS_ERR_RANGE, "value %s (sent as %s) does not fit %s", val,
                        vms_wire_type_name(f->was_type), vms_wire_type_name(f->type));
        }
        store_unsigned(base + i * f->size, f->size, w.bits);
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
            return stream_fail(c);
        if (f->type == VMS_WT_BOOL ? (tmp[0] != 0) != (local[0] != 0)
                                   : memcmp(tmp, local, f->size) != 0) {
            format_wide(got, sizeof(got), wide_from(tmp, f->type, f->size));
            format_wide(want, sizeof(want), wide_from(local, f->type, f->size));
            return fail(c, VMS_ERR_CHECK, "stream value %s does not equal local value %s", got,
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
        return stream_fail(c);
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
            return stream_fail(c);
        if (ret)
            return fail(c, herr.code ? herr.code : VMS_ERR_HOOK, "codec '%s' get failed%s%s",
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
        size_t mark = path_index(c, i);
        int ret;

        if (f->flags & VMS_F_ARRAY_OF_POINTER)
            elem = ((void **)base)[i];
        if (elem) {
            ret = load_elem(c, f, elem, version);
        } else {
            uint8_t m = vms_get_u8(c->s);
            ret = check_stream(c);
            if (ret == 0 && m != VMS_NULLPTR_MARKER)
                ret = fail(c, VMS_ERR_FORMAT, "expected NULL marker 0x30, got 0x%02x", m);
        }
        if (ret)
            return ret;
        path_pop(c, mark);
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
    return check_stream(c);
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

/* VMS_F_ALLOC: fresh zeroed storage, swapped in only once every element loaded. */
static int load_alloc(struct ctx *c, const struct vms_field *f, void **slot, size_t n, int version)
{
    uint8_t *mem = NULL;
    int ret;

    if (n) {
        mem = calloc(n, f->size);
        if (!mem)
            return fail(c, VMS_ERR_NOMEM, "cannot allocate %zu elements of %zu bytes", n, f->size);
    }
    ret = load_into(c, f, mem, n, version);
    if (ret) {
        free(mem);
        return ret;
    }
    if (c->txn) {
        /* Atomic: *slot is in the scratch copy; the device's storage goes at the commit. */
        if (mem && vmsp_txn_adopt(c->txn, mem, n * f->size)) {
            free(mem);
            return fail(c, VMS_ERR_NOMEM, "out of memory");
        }
        vmsp_txn_replace(c->txn, *slot);
    } else {
        free(*slot);
    }
    *slot = mem;
    return 0;
}

static int run_check(struct ctx *c, bool (*check)(const void *, int), const char *text,
                     const void *opaque, int version, const struct vms_field *f)
{
    char val[32];

    if (!check || check(opaque, version))
        return 0;
    if (f && vmsp_wire_is_integer(f->type) && !(f->flags & (VMS_F_VARRAY | VMS_F_POINTER)) &&
        f->num <= 1) {
        format_wide(val, sizeof(val),
                    wide_from((const uint8_t *)opaque + f->offset, f->type, f->size));
        return fail(c, VMS_ERR_CHECK, "value %s violates '%s'", val, text ? text : "check");
    }
    return fail(c, VMS_ERR_CHECK, "check '%s' failed", text ? text : "(unnamed)");
}

static int load_field(struct ctx *c, const struct vms_field *f, void *opaque, int version)
{
    uint8_t *slot = (uint8_t *)opaque + f->offset;
    uint8_t *base = slot;
    size_t n;
    int ret;

    if (!field_present(f, opaque, version)) {
        if (f->set_default)
            f->set_default(opaque, version);
        return 0;
    }
    ret = field_count(c, f, opaque, &n);
    if (ret)
        return ret;
    if (f->flags & VMS_F_ALLOC) {
        ret = load_alloc(c, f, (void **)slot, n, version);
    } else {
        if (f->flags & VMS_F_POINTER) {
            base = *(uint8_t **)slot;
            if (!base && n)
                return fail(c, VMS_ERR_INVAL, "NULL pointer for %zu elements", n);
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
        return check_stream(c);
    if (got < 2)
        return fail(c, VMS_ERR_EOF, "stream ends inside a subsection header");
    len = hdr[1];
    if (len < plen + 1)
        return 0; /* too short to be ours: belongs to an enclosing description */
    if (vms_stream_peek(c->s, hdr, 2 + len, 0) < 2 + len)
        return check_stream(c) ? c->s->error.code
                               : fail(c, VMS_ERR_EOF, "stream ends inside a subsection name");
    memcpy(name, hdr + 2, len);
    name[len] = '\0';
    if (strncmp(name, d->name, plen) != 0)
        return 0;
    if (memchr(name, '\0', len))
        return fail(c, VMS_ERR_NOENT, "subsection name '%s...' of %zu bytes contains a NUL byte",
                    name, len);
    for (size_t i = 0; i < d->n_subsections; i++) {
        if (strcmp(d->subsections[i].desc->name, name) == 0) {
            *idx = (int)i;
            return 0;
        }
    }
    return fail(c, VMS_ERR_NOENT, "subsection '%s' does not exist in '%s'", name, d->name);
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
        return fail(c, VMS_ERR_INVAL, "'%s' lists more than %d subsections", d->name,
                    VMSP_MAX_SUBSECTIONS);
    while ((ret = next_subsection(c, d, name, &idx)) == 0 && idx >= 0) {
        const struct vms_subsection *sub = &d->subsections[idx];
        uint64_t bit = (uint64_t)1 << (idx % 64);
        uint32_t sv;
        size_t mark;

        if (loaded[idx / 64] & bit)
            return fail(c, VMS_ERR_EXISTS, "subsection '%s' appears twice", name);
        vms_stream_skip(c->s, 2 + strlen(name)); /* the name has no NUL: strlen is its length */
        sv = vms_get_be32(c->s);
        ret = check_stream(c);
        if (ret)
            return ret;
        if (sv > INT32_MAX)
            return fail(c, VMS_ERR_VERSION, "subsection '%s' version %" PRIu32 " is invalid",
                        name, sv);
        mark = path_name(c, 0, sub->desc->name + strlen(d->name));
        ret = load_desc(c, sub->desc, (uint8_t *)opaque + sub->offset, (int)sv);
        if (ret)
            return ret;
        path_pop(c, mark);
        loaded[idx / 64] |= bit;
    }
    if (ret)
        return ret;
    mark_absent(d, opaque, version, loaded);
    return 0;
}

static int load_body(struct ctx *c, const struct vms_desc *d, void *opaque, int version)
{
    for (size_t i = 0; i < d->n_fields; i++) {
        const struct vms_field *f = &d->fields[i];
        size_t mark = path_name(c, c->depth > 1 ? '.' : '/', f->name);
        int ret = load_field(c, f, opaque, version);

        if (ret)
            return ret;
        path_pop(c, mark);
    }
    return load_subsections(c, d, opaque, version);
}

static int load_desc(struct ctx *c, const struct vms_desc *d, void *opaque, int version)
{
    vms_error_t herr;
    int ret;

    if (c->depth >= VMS_MAX_DEPTH)
        return fail(c, VMS_ERR_RANGE, "descriptions nest deeper than %d", VMS_MAX_DEPTH);
    if (version > d->version)
        return fail(c, VMS_ERR_VERSION, "'%s': stream version %d is newer than local version %d",
                    d->name, version, d->version);
    if (version < d->min_version)
        return fail(c, VMS_ERR_VERSION,
                    "'%s': stream version %d is older than the minimum version %d", d->name,
                    version, d->min_version);
    c->depth++;
    vms_error_init(&herr);
    ret = d->pre_load ? hook_result(c, d->pre_load(opaque, &herr), &herr, "pre_load", d) : 0;
    if (ret == 0)
        ret = load_body(c, d, opaque, version);
    if (ret == 0)
        ret = run_check(c, d->check, d->check_text, opaque, version, NULL);
    if (ret == 0 && d->post_load && c->txn) {
        /* Atomic: post_load must see the device, so it waits for the commit. */
        if (vmsp_txn_defer(c->txn, d, opaque, version, c->frames[0].name))
            ret = fail(c, VMS_ERR_NOMEM, "out of memory");
    } else if (ret == 0 && d->post_load) {
        vms_error_init(&herr);
        ret = hook_result(c, d->post_load(opaque, version, &herr), &herr, "post_load", d);
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
    ctx_init(&c, s, err, root ? root : d->name);
    if (vmsp_stream_failed(s))
        return stream_fail(&c);
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

    ctx_init(&c, s, err, root);
    vms_error_init(&herr);
    return hook_result(&c, d->post_load(opaque, version, &herr), &herr, "post_load", d);
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
