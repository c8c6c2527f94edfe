/* front.h: what the libclang front end reports about a header (the raw C view). */
#ifndef VG_FRONT_H
#define VG_FRONT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "diag.h"

/* C types as written in the header, resolved through typedefs for layout. */
enum vg_tkind {
    VG_T_BOOL,
    VG_T_INT,            /* char, short, int, long, long long and the intN_t family; enums are VG_T_ENUM */
    VG_T_FLOAT,
    VG_T_DOUBLE,
    VG_T_LONG_DOUBLE,
    VG_T_ENUM,
    VG_T_RECORD,         /* struct */
    VG_T_UNION,
    VG_T_POINTER,        /* to data; elem is the pointee */
    VG_T_FUNCTION_POINTER,
    VG_T_ARRAY,          /* fixed size: count elements of elem */
    VG_T_INCOMPLETE_ARRAY, /* flexible array member */
    VG_T_OTHER,          /* anything else (complex, vector, atomic ...) */
};

struct vg_record;

struct vg_type {
    enum vg_tkind kind;
    char *spelling;          /* as written at the use site: "uint32_t", "long", "struct WdtEvent" */
    uint64_t size;           /* sizeof in bytes (0 when unknown, e.g. incomplete) */
    bool is_signed;          /* VG_T_INT, VG_T_ENUM */
    /*
     * True when the type as spelled (or any typedef on the way to the builtin)
     * is one whose size differs between hosts: long, unsigned long, size_t,
     * ssize_t, time_t, intptr_t, uintptr_t, ptrdiff_t, off_t.
     */
    bool host_sized;
    struct vg_type *elem;    /* VG_T_ARRAY, VG_T_INCOMPLETE_ARRAY, VG_T_POINTER */
    uint64_t count;          /* VG_T_ARRAY */
    struct vg_record *record; /* VG_T_RECORD, VG_T_UNION: the definition (NULL if incomplete) */
    char *enum_name;         /* VG_T_ENUM: "enum mode" or the typedef name */
};

/* One annotation string found on a record or field. */
struct vg_annot {
    char *text;              /* everything after the "vms:" prefix, e.g. "range(0, 16)" */
    struct vg_loc loc;       /* where the annotation macro was written in the user's header */
};

/* A member (FieldDecl) of a record, in declaration order. */
struct vg_member {
    char *name;              /* "" for an anonymous struct/union member */
    struct vg_type *type;
    uint64_t offset_bits;    /* from the start of the enclosing record */
    bool is_bitfield;
    unsigned bit_width;
    struct vg_annot *annots;
    size_t n_annots;
    struct vg_loc loc;
};

/* A struct or union definition. */
struct vg_record {
    char *tag;               /* struct tag, or NULL when untagged */
    char *typedef_name;      /* name of a typedef naming it (the first seen), or NULL */
    char *c_name;            /* how C code spells the type: "struct Wdt" or the typedef name */
    bool is_union;
    bool is_anonymous;       /* an unnamed struct/union member (C11 anonymous) or inline unnamed type */
    uint64_t size;           /* sizeof in bytes */
    struct vg_member *members;
    size_t n_members;
    struct vg_annot *annots; /* annotations on the record (or on its typedef) */
    size_t n_annots;
    struct vg_loc loc;       /* its definition; loc.file is the header that defines it */
    bool in_system_header;
};

/* An enumeration constant (for expressions). */
struct vg_enum_const {
    char *name;
    int64_t value;
};

/* An object-like macro (for expression strings, which the preprocessor never sees). */
struct vg_macro {
    char *name;
    char *body;              /* replacement tokens joined by single spaces */
    struct vg_loc loc;
};

/* Everything the front end found in one header (its translation unit). */
struct vg_tu {
    char *main_file;         /* the header parsed, as given */
    struct vg_record **records; /* every struct/union definition, in source order, deduplicated */
    size_t n_records;
    struct vg_type **types;  /* every type the members use, once: members and elements share them */
    size_t n_types;
    struct vg_enum_const *consts;
    size_t n_consts;
    struct vg_macro *macros;
    size_t n_macros;
    char **includes;         /* every file libclang opened (main file first), for the depfile */
    size_t n_includes;
};

/* Options for parsing, from the command line. */
struct vg_front_opts {
    const char **include_dirs;   /* -I */
    size_t n_include_dirs;
    const char **defines;        /* -D NAME[=VAL] */
    size_t n_defines;
    const char *target;          /* --target TRIPLE or NULL */
    const char *sysroot;         /* --sysroot DIR or NULL */
    const char *resource_dir;    /* libclang builtin headers; NULL = the one baked in at build time */
    void (*stage_done)(const char *stage); /* VMSGEN_TIMING: called when libclang's parse ends */
};

/*
 * Parses @header as C11 with __VMSGEN__ defined and fills @tu. Any libclang
 * diagnostic of severity error or fatal is reported through @d (with its
 * file:line:col) and makes the call fail. Returns 0 or -1.
 */
int vg_front_parse(const char *header, const struct vg_front_opts *opts, struct vg_tu *tu,
                   struct vg_diags *d);

/* Frees everything vg_front_parse() allocated in @tu. */
void vg_tu_free(struct vg_tu *tu);

#endif /* VG_FRONT_H */
