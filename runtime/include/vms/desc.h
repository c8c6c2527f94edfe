/* vms/desc.h: state descriptions, the tables that vmsgen generates (or you write). */
#ifndef VMS_DESC_H
#define VMS_DESC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <vms/error.h>
#include <vms/stream.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Layout version of the tables below. Generated code checks it
 * (`#if VMS_DESC_ABI != N #error`), so a generator and a runtime that
 * disagree fail at compile time, not at migration time. 3 added the fast
 * path members at the end of struct vms_desc.
 */
#define VMS_DESC_ABI 3

/*
 * Wire types. Each has a fixed encoding (see docs/wire-format.md) and the
 * type name QEMU's vmdesc uses, given by vms_wire_type_name().
 */
enum vms_wire_type {
    VMS_WT_BOOL,    /* 1 byte 0/1; any non-zero loads as true */
    VMS_WT_INT8,    /* the integers: big-endian, two's complement */
    VMS_WT_UINT8,
    VMS_WT_INT16,
    VMS_WT_UINT16,
    VMS_WT_INT32,
    VMS_WT_UINT32,
    VMS_WT_INT64,
    VMS_WT_UINT64,
    VMS_WT_FLOAT32, /* IEEE bits as be32 */
    VMS_WT_FLOAT64, /* IEEE bits as be64 */
    VMS_WT_TIMER,   /* int64_t expiry in ns as be64; -1 (all ones) = not armed */
    VMS_WT_BUFFER,  /* `size` raw bytes */
    VMS_WT_UNUSED,  /* `size` placeholder bytes: zeros on save, skipped on load */
    VMS_WT_STRUCT,  /* a nested description (`desc`), at its local version */
    VMS_WT_CODEC,   /* a user codec (`codec`) */
    VMS_WT_COUNT_   /* number of wire types; not a type */
};

/* Field flags (struct vms_field.flags). */
#define VMS_F_VARRAY 0x01u           /* element count from count_offset/count_fn */
#define VMS_F_POINTER 0x02u          /* the member is a pointer to the elements */
#define VMS_F_ALLOC 0x04u            /* with POINTER: allocate the elements on load */
#define VMS_F_ARRAY_OF_POINTER 0x08u /* elements are pointers; NULL is the byte 0x30 */
#define VMS_F_EQUAL 0x10u            /* load fails unless the value equals the local one */

/* The NULL marker of an array of pointers, as QEMU writes it ('0'). */
#define VMS_NULLPTR_MARKER 0x30

/*
 * Default bound, in bytes, on what a VMS_F_ALLOC field may allocate on load
 * when the field sets no `max`.
 */
#define VMS_ALLOC_LIMIT_DEFAULT (64u * 1024u * 1024u)

/* Maximum nesting of descriptions (structs, subsections) on save and load. */
#define VMS_MAX_DEPTH 64

struct vms_desc;

/*
 * A user codec for one field (QEMU's custom VMStateInfo). @field points at the
 * element, @size is vms_field.size. Return 0 or a negative VMS_ERR_*, filling
 * @err. Stream errors are picked up by the engine after the call.
 */
struct vms_codec {
    const char *type_name; /* vmdesc/schema type name, e.g. "pci config" */
    int (*get)(vms_stream_t *s, void *field, size_t size, vms_error_t *err);
    int (*put)(vms_stream_t *s, const void *field, size_t size, vms_error_t *err);
};

/*
 * One field: a member (or group of elements) of the described struct, in wire
 * order. Fields not mentioned here are not migrated.
 *
 * Element count: `num` elements for a fixed array (1 or 0 = a single value),
 * or with VMS_F_VARRAY the integer at count_offset (count_size bytes wide,
 * count_signed) or the value of count_fn. A variable count is bounded by the
 * capacity: `num` for an array member, `max` for a pointer; a stream or an
 * object that claims more fails the save/load.
 *
 * Presence: the field is on the wire when since <= version, (until == 0 or
 * version < until) and (exists == NULL or exists(opaque, version)). When it
 * is absent on load, set_default (if any) runs at its place in load order.
 */
struct vms_field {
    const char *name;          /* vmdesc/schema name: "regs", "queue.rptr", "unused" */
    enum vms_wire_type type;   /* wire type of one element */
    uint32_t flags;            /* VMS_F_* */
    size_t offset;             /* offsetof(struct, member) */
    size_t size;               /* bytes of one element in memory (buffer length for BUFFER/UNUSED) */
    uint32_t num;              /* fixed element count; 0 or 1 for a single value */

    size_t count_offset;       /* VMS_F_VARRAY: offset of the count member */
    uint8_t count_size;        /* its width: 1, 2, 4 or 8 */
    bool count_signed;         /* whether it is signed */
    int64_t (*count_fn)(const void *opaque); /* instead of count_offset when set */
    uint32_t max;              /* bound for a variable count through a pointer (VMS_MAX) */

    int since;                 /* present from this stream version on (0: always) */
    int until;                 /* present below this version only (0: no limit) */
    bool (*exists)(const void *opaque, int version); /* VMS_IF */

    const struct vms_desc *desc;   /* VMS_WT_STRUCT: the nested description */
    const struct vms_codec *codec; /* VMS_WT_CODEC */

    /* VMS_CHECK / VMS_RANGE: validated after the field loads */
    bool (*check)(const void *opaque, int version);
    const char *check_text;        /* the rule, for the error message */

    /* VMS_DEFAULT: value for a load whose stream lacks the field */
    void (*set_default)(void *opaque, int version);

    /* VMS_WAS: streams below was_until carry the field as was_type */
    enum vms_wire_type was_type;
    int was_until;                 /* 0: the wire type never changed */
};

/* Subsection flags (struct vms_subsection.flags). */
#define VMS_SUB_PRESENT_FLAG 0x01u /* present_offset is a bool to set on load */

/*
 * A subsection of a description: sent after the fields when needed() holds,
 * as 0x05, its name (which must start with "<parent name>/"), its version and
 * its payload. Its opaque is the parent's plus `offset`.
 */
struct vms_subsection {
    const struct vms_desc *desc;                      /* name "parent/sub" */
    size_t offset;                                    /* 0 for fields of the parent */
    bool (*needed)(const void *opaque, int version);  /* on the parent; NULL = always */
    uint32_t flags;                                   /* VMS_SUB_* */
    size_t present_offset;  /* VMS_PRESENT: bool in the parent, true when loaded */
    void (*absent)(void *opaque, int version); /* on the parent, when not in the stream */
};

/*
 * A description: what QEMU calls a VMStateDescription. Loadable from stream
 * versions min_version..version; saved at `version` (or an older target with
 * vms_save_version()). `size` is sizeof the struct: an atomic load
 * (VMS_LOAD_ATOMIC) copies that many bytes as its scratch object and refuses
 * a description without it; when set, vms_desc_validate() checks that every
 * field fits. vmsgen always sets it.
 *
 * Hooks may be NULL. pre_save failing aborts the save (post_save is not
 * called); post_save runs after the fields, also when they failed. pre_load
 * runs before the fields, post_load after the subsections. A hook returns 0
 * or a negative value; a hook that fails without filling @err gets a generic
 * message naming it. During an atomic load every hook, predicate and codec
 * but post_load sees the scratch copy; post_load runs on the device after
 * the commit (docs/runtime.md, "Atomic loads").
 */
struct vms_desc {
    const char *name;          /* section/vmsd name, e.g. "hpet" */
    int version;
    int min_version;
    size_t size;               /* sizeof the described struct; 0 = unknown (no atomic loads) */
    int priority;              /* higher is saved and loaded first */
    bool unmigratable;         /* registering makes migration fail (QEMU's unmigratable) */

    const struct vms_field *fields;
    size_t n_fields;
    const struct vms_subsection *subsections;
    size_t n_subsections;

    bool (*needed)(const void *opaque, int version); /* top-level: section sent only if true */

    int (*pre_save)(void *opaque, vms_error_t *err);
    int (*post_save)(void *opaque);
    int (*pre_load)(void *opaque, vms_error_t *err);
    int (*post_load)(void *opaque, int version, vms_error_t *err);

    bool (*check)(const void *opaque, int version); /* VMS_CHECK on the struct */
    const char *check_text;

    /*
     * Fast path (docs/runtime.md, "Fast path"): straight-line code that
     * vmsgen writes for descriptions whose fields all have a fixed size on
     * the wire at `version`; hand-written tables leave these 0/NULL.
     * fast_size is the bytes the fields take on the wire at `version`.
     * fast_save writes them at @dst (it cannot fail). fast_load reads them
     * from @src into @opaque in field order, running each field's check
     * right after the field, and returns VMS_FAST_OK or the index of the
     * first field whose check failed (fields up to it are loaded). The
     * engine calls them instead of walking `fields` when saving or loading
     * at `version` and the stream buffer holds the bytes contiguously;
     * hooks, struct checks, subsections and vmdesc entries still come from
     * the tables. vms_desc_validate() checks fast_size against the fields.
     */
    size_t fast_size;
    void (*fast_save)(uint8_t *dst, const void *opaque);
    size_t (*fast_load)(void *opaque, const uint8_t *src);
};

/* What vms_desc.fast_load returns when every field loaded and passed its check. */
#define VMS_FAST_OK ((size_t)-1)

/* Number of elements of a C array, for n_fields/n_subsections. */
#define VMS_COUNTOF(a) (sizeof(a) / sizeof((a)[0]))

/* QEMU's vmdesc type name of a wire type ("uint32", "timer", ...); "unknown" if invalid. */
const char *vms_wire_type_name(enum vms_wire_type t);

/* Bytes one element of a scalar wire type takes on the wire; 0 for BUFFER/UNUSED/STRUCT/CODEC. */
size_t vms_wire_type_size(enum vms_wire_type t);

/*
 * Checks a description table for internal consistency (sizes matching wire
 * types, counts with bounds, subsection names prefixed by the parent's,
 * nesting depth), recursively. Returns 0 or VMS_ERR_INVAL with the offending
 * field in @err. vms_register() runs it; hand-written tables benefit most.
 */
int vms_desc_validate(const struct vms_desc *d, vms_error_t *err);

#ifdef __cplusplus
}
#endif

#endif /* VMS_DESC_H */
