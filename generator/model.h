/* model.h: vmsgen's one model of descriptions, fields and subsections (built from the front end). */
#ifndef VG_MODEL_H
#define VG_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "annot.h"
#include "diag.h"
#include "front.h"

/* The runtime descriptor layout (VMS_DESC_ABI) the emitted tables are written for. */
#define VG_DESC_ABI 3

/* vmsgen's version (--version, SARIF reports): the project's, given by the build. */
#ifndef VG_VERSION
#error "VG_VERSION must be defined by the build (generator/CMakeLists.txt)"
#endif

/* Wire types; the emitter prints them as the runtime's VMS_WT_* names. */
enum vg_wire {
    VG_W_BOOL, VG_W_INT8, VG_W_UINT8, VG_W_INT16, VG_W_UINT16, VG_W_INT32, VG_W_UINT32,
    VG_W_INT64, VG_W_UINT64, VG_W_FLOAT32, VG_W_FLOAT64, VG_W_TIMER, VG_W_BUFFER, VG_W_UNUSED,
    VG_W_STRUCT, VG_W_CODEC,
};

/* Field flags, mirroring the runtime's VMS_F_*. */
#define VG_F_VARRAY 0x01u
#define VG_F_POINTER 0x02u
#define VG_F_ALLOC 0x04u
#define VG_F_ARRAY_OF_POINTER 0x08u
#define VG_F_EQUAL 0x10u

struct vg_desc;

/* One field on the wire, in wire order. */
struct vg_field {
    char *wire_name;          /* VMS_NAME, else the dotted C path ("queue.rptr") */
    char *c_path;             /* member access from the struct: "queue.rptr", "regs" */
    uint64_t offset;          /* byte offset in the struct, as libclang laid it out */
    struct vg_loc loc;
    const struct vg_member *member;
    enum vg_wire wire;
    uint32_t flags;
    uint64_t num;             /* fixed element count (product of the dimensions), 1 for a single value */
    /*
     * One element's size as C sees it, which the tables print as
     * "sizeof(((struct W *)0)->x[0])": the member's path, "*" before it for
     * what a pointer member points to, "[0]" after it per array dimension.
     */
    bool elem_size_deref;
    unsigned elem_size_dims;

    struct vg_expr *count;    /* VMS_COUNT */
    char *count_path;         /* when count is a plain integer member: its C path */
    uint64_t max;             /* VMS_MAX, 0 = none */

    int since, until;         /* VMS_SINCE / VMS_UNTIL, 0 = none */
    struct vg_expr *if_expr;  /* VMS_IF */
    struct vg_expr *check;    /* VMS_CHECK */
    char *check_text;         /* its text as the user wrote it */
    bool has_range;           /* VMS_RANGE(lo, hi) */
    int64_t lo, hi;
    struct vg_expr *def;      /* VMS_DEFAULT */
    enum vg_wire was_wire;    /* VMS_WAS */
    int was_until;

    struct vg_desc *nested;   /* VG_W_STRUCT */
    char *codec_get, *codec_put, *codec_type; /* VMS_CODEC */
    char *renamed_from;       /* VMS_RENAMED (schema only) */
    int sub;                  /* index of the VMS_SUBSECTION_DEF it belongs to, -1 = main */
};

/* A subsection: either declared (VMS_SUBSECTION_DEF, fields of the parent) or a member (VMS_SUBSECTION). */
struct vg_sub {
    char *short_name;         /* "log" */
    char *name;               /* "wdt/log" */
    int version;              /* DEF form */
    struct vg_expr *needed;
    char *needed_text;
    struct vg_loc loc;
    struct vg_desc *member_desc; /* member form: the member type's description */
    char *member_path;        /* member form: the member's C path */
    char *present_path;       /* VMS_PRESENT bool member, or NULL */
};

/* A VMS_LIVE member: sent in chunks by the live ops, not among the description's fields. */
struct vg_live {
    char *name;               /* the member's name ("ram") */
    char *bitmap;             /* its dirty bitmap member ("ram_dirty") */
    uint64_t size;            /* total bytes */
    uint64_t chunk_size;      /* VMS_LIVE_CHUNK, 4096 by default */
    unsigned elem_size;       /* 1, 2, 4 or 8 */
    struct vg_loc loc;
};

enum { VG_HOOK_PRE_SAVE, VG_HOOK_POST_SAVE, VG_HOOK_PRE_LOAD, VG_HOOK_POST_LOAD, VG_HOOK_COUNT };

/* One description: an annotated struct with VMS_STATE. */
struct vg_desc {
    struct vg_record *rec;
    char *ident;              /* symbol suffix: struct tag or typedef name */
    char *name;               /* VMS_STATE name */
    int version, min_version;
    char *type_name;          /* VMS_TYPE_NAME or NULL */
    int priority;
    struct vg_expr *needed;
    char *needed_text;
    bool unmigratable;
    char *hooks[VG_HOOK_COUNT]; /* function names or NULL */
    struct vg_expr *check;
    char *check_text;
    struct vg_loc loc;
    bool local;               /* defined in the header being generated (emitted here) */
    bool used_nested;         /* some field uses it as a nested description */
    bool used_as_sub;         /* some member subsection (VMS_SUBSECTION on a member) uses it */
    bool built;               /* fields resolved */
    struct vg_field *fields;
    size_t n_fields, cap_fields;
    struct vg_sub *subs;
    size_t n_subs;
    struct vg_live *lives;    /* VMS_LIVE members, in declaration order */
    size_t n_lives;
};

struct vg_model {
    struct vg_tu *tu;
    struct vg_desc **descs;   /* every record with VMS_STATE in the TU, in source order */
    size_t n_descs;
    struct vg_desc **index;   /* descs hashed by record (vg_model_find), a power of two */
    size_t index_cap;
};

/*
 * Builds the model from a parsed header: descriptions for every record with
 * VMS_STATE, their fields in wire order (flattening plain sub-structs),
 * subsections and hooks, reporting misuse through @d. Returns 0, or -1 when
 * any error was reported.
 */
int vg_model_build(struct vg_tu *tu, struct vg_model *m, struct vg_diags *d);
void vg_model_free(struct vg_model *m);
void vg_field_clear(struct vg_field *f);

/* The description of record @rec, or NULL if it has no VMS_STATE. */
struct vg_desc *vg_model_find(const struct vg_model *m, const struct vg_record *rec);

/*
 * Semantic checks over the built model (expressions resolve to integer
 * members, names unique, versions consistent, counts valid). Returns 0 or -1.
 */
int vg_check(struct vg_model *m, struct vg_diags *d);

/*
 * Resolves a name path (VG_E_NAME / VG_E_MEMBER / VG_E_INDEX chain) against
 * the members of @rec: fills the member found and its C access path. Returns
 * false when it does not name a member.
 */
bool vg_resolve_member(const struct vg_record *rec, const struct vg_expr *e,
                       const struct vg_member **member, struct vg_buf *c_path);

/*
 * VMS_LIVE (model_live.c). vg_live_member() records member @m of @desc as
 * live (@prefix: the flattening path, "" at the top; @has: the member's
 * annotation kinds; @bitmap and @chunk their arguments, @chunk 0 = default),
 * reporting misuse. vg_live_resolve() then finds and checks each bitmap and
 * drops it from the fields. vg_live_check() refuses descriptions with live
 * members used nested or as subsections. All return false / -1 on error.
 */
bool vg_live_member(struct vg_desc *desc, const struct vg_member *m, const char *prefix,
                    const bool has[VG_A_COUNT_], const char *bitmap, uint64_t chunk,
                    struct vg_diags *d);
bool vg_live_resolve(struct vg_desc *desc, struct vg_diags *d);
int vg_live_check(const struct vg_model *m, struct vg_diags *d);
void vg_live_free(struct vg_desc *desc);

/* Looks up an enum constant or object-like integer macro of the TU. */
bool vg_lookup_constant(void *tu, const char *name, int64_t *value);

/* How users write an annotation kind: "VMS_RANGE" (static buffer). */
const char *vg_annot_macro(enum vg_annot_kind k);

/* The runtime's name of a wire type ("VMS_WT_UINT32") and QEMU's type word ("uint32"). */
const char *vg_wire_c_name(enum vg_wire w);
const char *vg_wire_word(enum vg_wire w);
/* The wire type of a VMS_TYPE/VMS_WAS word, or -1. */
int vg_wire_from_word(const char *word);

/* "dev" for "path/to/dev.h": the base of a header's output names (heap string). */
char *vg_base_name(const char *header);

/*
 * Emits <outdir>/<base>.vms.h and <base>.vms.c for the descriptions local to
 * the header. Returns 0 or -1 (I/O error reported through @d).
 */
int vg_emit_c(const struct vg_model *m, const char *header, const char *outdir,
              struct vg_diags *d);

/* emit_c.c's name of a generated function: "vmsgen_<ident>_<part>_<what>". */
void vg_fn_name(struct vg_buf *b, const struct vg_desc *desc, const char *part, const char *what);

/*
 * The fast path (emit_fast.c): the wire bytes of @desc's main fields at its
 * version when all of them have a fixed size there (the eligibility rule is
 * at the top of emit_fast.c), else 0; and the text of its two functions,
 * vmsgen_<ident>_fast_save and _fast_load, for a description where it is
 * not 0.
 */
uint64_t vg_fast_size(const struct vg_desc *desc);
void vg_emit_fast(struct vg_buf *out, const struct vg_desc *desc);

/* How the schema is written: PRETTY or LINES, with FULL or'ed in for `schema --full`. */
enum vg_json_style {
    VG_JSON_PRETTY = 0, /* QEMU's dump whitespace: two-space indents, a member per line */
    VG_JSON_LINES = 1,  /* no whitespace inside a section, one section per line */
    VG_JSON_FULL = 2,   /* also struct-level vms_ facts (not QEMU-compatible: our own format) */
};

/*
 * Writes the schema of the sections of @models (QEMU's -dump-vmstate layout,
 * DESIGN §7) to @out, with @machine as vmschkmachine's Name. Returns 0 or -1.
 */
int vg_emit_json(const struct vg_model *const *models, size_t n_models, const char *machine,
                 enum vg_json_style style, FILE *out);

/*
 * The same in two steps: vg_json_start() begins writing (on a thread of its
 * own when @threaded, so the caller can do other work meanwhile);
 * vg_json_finish() helps render what is left, waits for the end and returns
 * 0 or -1 (a write failed, errno set). The models must not change in between.
 */
struct vg_json;
struct vg_json *vg_json_start(const struct vg_model *const *models, size_t n_models,
                              const char *machine, enum vg_json_style style, FILE *out,
                              bool threaded);
int vg_json_finish(struct vg_json *j);

/* Writes a make-style depfile naming @targets and every file the TU opened. */
int vg_write_depfile(const char *path, const char *const *targets, size_t n_targets,
                     const struct vg_tu *tu, struct vg_diags *d);

#endif /* VG_MODEL_H */
