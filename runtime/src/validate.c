/*
 * validate.c: consistency checks of description tables (vms_desc_validate).
 * Apart from the engine so that a static link that only saves and loads
 * leaves them out; vms_register() runs them.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "vms_private.h"

/* Ancestors of the description being checked, to stop at pointer cycles. */
struct vcheck {
    const struct vms_desc *stack[VMS_MAX_DEPTH];
    int depth;
    vms_error_t *err;
};

static int vfail(struct vcheck *v, const char *dname, const char *fname, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static int vfail(struct vcheck *v, const char *dname, const char *fname, const char *fmt, ...)
{
    char path[VMS_ERROR_PATH_MAX], msg[VMS_ERROR_MESSAGE_MAX];
    va_list ap;

    snprintf(path, sizeof(path), "%s%s%s", dname ? dname : "(unnamed)", fname ? "/" : "",
             fname ? fname : "");
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    return vms_error_set(v->err, VMS_ERR_INVAL, 0, -1, path, "%s", msg);
}

static int check_desc(struct vcheck *v, const struct vms_desc *d);

static int check_count(struct vcheck *v, const struct vms_desc *d, const struct vms_field *f)
{
    if (!(f->flags & VMS_F_VARRAY))
        return 0;
    if (!f->count_fn && f->count_size != 1 && f->count_size != 2 && f->count_size != 4 &&
        f->count_size != 8)
        return vfail(v, d->name, f->name, "%s", "variable count width must be 1, 2, 4 or 8");
    if (!(f->flags & VMS_F_POINTER) && f->num == 0)
        return vfail(v, d->name, f->name, "%s", "variable array member needs its capacity in num");
    if ((f->flags & VMS_F_POINTER) && !(f->flags & VMS_F_ALLOC) && f->max == 0)
        return vfail(v, d->name, f->name, "%s", "variable count through a pointer needs max");
    return 0;
}

/* Whether @len bytes at @offset fit in @size (without overflow). */
static bool fits(size_t offset, size_t len, size_t size)
{
    return offset <= size && len <= size - offset;
}

/* With d->size set: the field's member (and its count member) lie inside the struct. */
static int check_extent(struct vcheck *v, const struct vms_desc *d, const struct vms_field *f)
{
    size_t num = f->num ? f->num : 1, len;

    if (!d->size || f->type == VMS_WT_UNUSED)
        return 0; /* unused bytes are never stored */
    if (f->flags & VMS_F_ARRAY_OF_POINTER)
        len = num > SIZE_MAX / sizeof(void *) ? SIZE_MAX : num * sizeof(void *);
    else if (f->flags & VMS_F_POINTER)
        len = sizeof(void *);
    else
        len = num > SIZE_MAX / (f->size ? f->size : 1) ? SIZE_MAX : num * f->size;
    if (!fits(f->offset, len, d->size))
        return vfail(v, d->name, f->name, "member at offset %zu (%zu bytes) exceeds the struct "
                     "size %zu", f->offset, len, d->size);
    if ((f->flags & VMS_F_VARRAY) && !f->count_fn && !fits(f->count_offset, f->count_size, d->size))
        return vfail(v, d->name, f->name, "count member at offset %zu exceeds the struct size %zu",
                     f->count_offset, d->size);
    if (f->type == VMS_WT_STRUCT && f->desc && f->desc->size > f->size)
        return vfail(v, d->name, f->name, "element size %zu is below the size %zu of '%s'",
                     f->size, f->desc->size, f->desc->name);
    return 0;
}

static int check_field(struct vcheck *v, const struct vms_desc *d, const struct vms_field *f)
{
    size_t wsize;

    if (!f->name || !f->name[0])
        return vfail(v, d->name, NULL, "%s", "field without a name");
    if ((unsigned)f->type >= VMS_WT_COUNT_)
        return vfail(v, d->name, f->name, "%s", "invalid wire type");
    wsize = vms_wire_type_size(f->type);
    if (wsize && f->size != wsize)
        return vfail(v, d->name, f->name, "size does not match wire type %s",
                     vms_wire_type_name(f->type));
    if (!wsize && f->size == 0 && f->type != VMS_WT_CODEC)
        return vfail(v, d->name, f->name, "%s", "size must not be 0");
    if (f->type == VMS_WT_STRUCT && !f->desc)
        return vfail(v, d->name, f->name, "%s", "struct field without a description");
    if (f->type == VMS_WT_CODEC && (!f->codec || !f->codec->get || !f->codec->put))
        return vfail(v, d->name, f->name, "%s", "codec field without get/put");
    if ((f->flags & VMS_F_EQUAL) && !vmsp_wire_is_integer(f->type))
        return vfail(v, d->name, f->name, "%s", "equal applies to integers and bool only");
    if ((f->flags & VMS_F_ALLOC) && !(f->flags & VMS_F_POINTER))
        return vfail(v, d->name, f->name, "%s", "alloc needs a pointer field");
    if ((f->flags & VMS_F_ARRAY_OF_POINTER) && (f->flags & (VMS_F_POINTER | VMS_F_ALLOC)))
        return vfail(v, d->name, f->name, "%s", "array of pointers cannot also be a pointer");
    if (f->was_until && (f->flags & VMS_F_ARRAY_OF_POINTER))
        return vfail(v, d->name, f->name, "%s", "a former wire type cannot apply to pointers");
    if (f->was_until && (!vmsp_wire_is_integer(f->type) || !vmsp_wire_is_integer(f->was_type)))
        return vfail(v, d->name, f->name, "%s", "a former wire type applies to integers only");
    if (f->until && f->until <= f->since)
        return vfail(v, d->name, f->name, "%s", "until must be above since");
    if (check_count(v, d, f) || check_extent(v, d, f))
        return VMS_ERR_INVAL;
    return f->type == VMS_WT_STRUCT ? check_desc(v, f->desc) : 0;
}

static int check_subsections(struct vcheck *v, const struct vms_desc *d)
{
    size_t plen = strlen(d->name);

    if (d->n_subsections > VMSP_MAX_SUBSECTIONS)
        return vfail(v, d->name, NULL, "%s", "too many subsections");
    for (size_t i = 0; i < d->n_subsections; i++) {
        const struct vms_desc *sd = d->subsections[i].desc;

        if (!sd || !sd->name)
            return vfail(v, d->name, NULL, "%s", "subsection without a description");
        /* QEMU requires only the parent's name as a prefix ("pckbd_outport" in "pckbd") */
        if (strncmp(sd->name, d->name, plen) != 0 || !sd->name[plen])
            return vfail(v, d->name, NULL, "subsection '%s' must start with the name of its "
                         "parent '%s' and be longer", sd->name, d->name);
        if (strlen(sd->name) > VMSP_NAME_MAX)
            return vfail(v, d->name, NULL, "subsection name '%s' is longer than 255 bytes",
                         sd->name);
        for (size_t k = 0; k < i; k++)
            if (d->subsections[k].desc && !strcmp(d->subsections[k].desc->name, sd->name))
                return vfail(v, d->name, NULL, "subsection '%s' is listed twice", sd->name);
        if (d->size && sd->size && !fits(d->subsections[i].offset, sd->size, d->size))
            return vfail(v, d->name, NULL, "subsection '%s' (%zu bytes at offset %zu) exceeds "
                         "the struct size %zu", sd->name, sd->size, d->subsections[i].offset,
                         d->size);
        if (d->size && (d->subsections[i].flags & VMS_SUB_PRESENT_FLAG) &&
            !fits(d->subsections[i].present_offset, sizeof(bool), d->size))
            return vfail(v, d->name, NULL, "present flag of '%s' exceeds the struct size %zu",
                         sd->name, d->size);
        if (check_desc(v, sd))
            return VMS_ERR_INVAL;
    }
    return 0;
}

static int check_desc(struct vcheck *v, const struct vms_desc *d)
{
    for (int i = 0; i < v->depth; i++)
        if (v->stack[i] == d)
            return 0; /* a cycle through pointers: already being checked */
    if (v->depth >= VMS_MAX_DEPTH)
        return vfail(v, d->name, NULL, "%s", "descriptions nest too deeply");
    if (!d->name || !d->name[0])
        return vfail(v, NULL, NULL, "%s", "description without a name");
    if (d->min_version < 0 || d->min_version > d->version)
        return vfail(v, d->name, NULL, "%s", "need 0 <= min_version <= version");
    if (d->n_fields && !d->fields)
        return vfail(v, d->name, NULL, "%s", "n_fields set but fields is NULL");
    if (d->n_subsections && !d->subsections)
        return vfail(v, d->name, NULL, "%s", "n_subsections set but subsections is NULL");
    if ((d->fast_save || d->fast_load) &&
        (!d->fast_save || !d->fast_load || vmsp_fast_span(d, d->n_fields) != d->fast_size))
        return vfail(v, d->name, NULL, "%s", "fast path does not match the fields");
    v->stack[v->depth++] = d;
    for (size_t i = 0; i < d->n_fields; i++) {
        if (check_field(v, d, &d->fields[i])) {
            v->depth--;
            return VMS_ERR_INVAL;
        }
    }
    int ret = check_subsections(v, d);
    v->depth--;
    return ret;
}

int vms_desc_validate(const struct vms_desc *d, vms_error_t *err)
{
    vms_error_t local;
    struct vcheck v = {.depth = 0, .err = err ? err : &local};

    vms_error_init(&local);
    if (!d)
        return vms_error_set(v.err, VMS_ERR_INVAL, 0, -1, NULL, "NULL description");
    return check_desc(&v, d);
}
