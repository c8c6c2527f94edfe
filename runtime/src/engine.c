/* engine.c: what saving and loading share: error paths, integer widening, counts and presence. */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine_private.h"

/* ---- error paths ---- */

size_t vmsp_path_name(struct ctx *c, char sep, const char *name)
{
    size_t mark = c->nframes;

    if (mark < MAX_FRAMES)
        c->frames[c->nframes++] = (struct frame){.sep = sep, .name = name};
    return mark;
}

size_t vmsp_path_index(struct ctx *c, size_t index)
{
    size_t mark = c->nframes;

    if (mark < MAX_FRAMES)
        c->frames[c->nframes++] = (struct frame){.is_index = true, .index = index};
    return mark;
}

void vmsp_path_pop(struct ctx *c, size_t mark)
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
int vmsp_fail(struct ctx *c, int code, const char *fmt, ...)
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
int vmsp_stream_fail(struct ctx *c)
{
    const vms_error_t *e = &c->s->error;
    char path[VMS_ERROR_PATH_MAX];

    path_format(c, path, sizeof(path));
    vms_error_set(c->err, e->code, e->sys_errno, e->offset, path, "%s",
                  e->message[0] ? e->message : vms_strerror(e->code));
    return e->code;
}

int vmsp_check_stream(struct ctx *c)
{
    return vmsp_stream_failed(c->s) ? vmsp_stream_fail(c) : 0;
}

/* Runs a hook that may fill its own error record; a failure keeps its detail. */
int vmsp_hook_result(struct ctx *c, int ret, const vms_error_t *herr, const char *hook,
                       const struct vms_desc *d)
{
    if (ret == 0)
        return 0;
    if (herr->code && herr->message[0])
        return vmsp_fail(c, herr->code, "%s of '%s' failed: %s", hook, d->name, herr->message);
    return vmsp_fail(c, herr->code ? herr->code : VMS_ERR_HOOK, "%s of '%s' failed (returned %d)", hook,
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

void vmsp_store_unsigned(void *p, size_t width, uint64_t v)
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

struct wide vmsp_wide_from(const void *p, enum vms_wire_type t, size_t width)
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
bool vmsp_wide_fits(struct wide w, enum vms_wire_type t)
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

void vmsp_format_wide(char *buf, size_t len, struct wide w)
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
int vmsp_field_count_at(struct ctx *c, const struct vms_field *f, const void *opaque, size_t *n)
{
    size_t cap = field_capacity(f);
    struct wide w;

    if (!(f->flags & VMS_F_VARRAY)) {
        *n = f->num ? f->num : 1;
        return 0;
    }
    w = count_value(f, opaque);
    if (w.neg)
        return vmsp_fail(c, VMS_ERR_RANGE, "negative element count %" PRId64, (int64_t)w.bits);
    if (w.bits > cap)
        return vmsp_fail(c, VMS_ERR_RANGE, "count %" PRIu64 " exceeds %zu", w.bits, cap);
    *n = (size_t)w.bits;
    return 0;
}

bool vmsp_field_present(const struct vms_field *f, const void *opaque, int version)
{
    if (version < f->since)
        return false;
    if (f->until && version >= f->until)
        return false;
    return !f->exists || f->exists(opaque, version);
}

/* ---- the fast path ---- */

static int fast_state = -1; /* -1: VMS_FAST_PATH not read yet */

bool vmsp_fast_enabled(void)
{
    int st = __atomic_load_n(&fast_state, __ATOMIC_RELAXED);

    if (st < 0) {
        const char *e = getenv("VMS_FAST_PATH");

        st = !(e && strcmp(e, "0") == 0);
        __atomic_store_n(&fast_state, st, __ATOMIC_RELAXED);
    }
    return st;
}

bool vms_set_fast_path(bool enable)
{
    bool was = vmsp_fast_enabled();

    __atomic_store_n(&fast_state, enable ? 1 : 0, __ATOMIC_RELAXED);
    return was;
}

size_t vmsp_fast_span(const struct vms_desc *d, size_t n)
{
    size_t total = 0;

    for (size_t i = 0; i < n && i < d->n_fields; i++) {
        const struct vms_field *f = &d->fields[i];
        size_t num = f->num ? f->num : 1;
        size_t width = vms_wire_type_size(f->type);

        if (f->flags || f->exists || f->until || f->since > d->version ||
            f->was_until > d->version || (unsigned)f->type > VMS_WT_UNUSED || f->size == 0 ||
            (width && width != f->size) || num > SIZE_MAX / f->size || total > SIZE_MAX - num * f->size)
            return SIZE_MAX;
        total += num * f->size;
    }
    return total;
}

void vmsp_ctx_init(struct ctx *c, vms_stream_t *s, vms_error_t *err, const char *root)
{
    c->s = s;
    c->err = err;
    c->desc = NULL;
    c->txn = NULL;
    c->depth = 0;
    c->nframes = 0;
    c->names_next = 0; /* names[] is cleared by the save that builds a vmdesc (vmsp_save_desc) */
    vmsp_path_name(c, 0, root ? root : "");
}

