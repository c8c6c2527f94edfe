/* clang_types.h: libclang types as vg_types, each converted once (private to the front end). */
#ifndef VG_CLANG_TYPES_H
#define VG_CLANG_TYPES_H

#include <stdbool.h>
#include <stddef.h>

#include <clang-c/Index.h>

#include "front.h"

/* The record a canonical record type refers to (registered if new), or NULL when incomplete. */
typedef struct vg_record *(*vg_record_fn)(void *ctx, CXType canon);

/* One type as written at a use site, converted, with what the layout code asks about it. */
struct vg_type_info {
    CXType key;              /* the libclang type: one entry per distinct type, sugar included */
    struct vg_type *type;
    long long size, align;   /* clang_Type_getSizeOf() / getAlignOf() (negative: unknown) */
    bool anon_record;        /* its canonical type is an anonymous struct or union */
};

/*
 * The converted types of one parse. Members use a few distinct types many
 * times over (20,000 members, a few hundred types in tests/bench), and each
 * conversion asks libclang a dozen questions, so each distinct type is
 * converted once, on first use. libclang uniques its types, so the same
 * CXType means the same type as written, typedef names included: the memo
 * gives exactly what a conversion would.
 */
struct vg_types {
    struct vg_tu *tu;        /* owns the vg_types (tu->types); the memo only points at them */
    vg_record_fn record_of;
    void *ctx;
    struct vg_type_info **slots; /* open addressing on the CXType, at most half full */
    size_t cap, n, cap_tu_types;
};

void vg_types_init(struct vg_types *ts, struct vg_tu *tu, vg_record_fn record_of, void *ctx);

/* The conversion of @t, made on first use; lives until vg_types_clear(). */
const struct vg_type_info *vg_types_get(struct vg_types *ts, CXType t);

/* Frees the memo; the vg_types stay with the tu (freed by vg_tu_free()). */
void vg_types_clear(struct vg_types *ts);

/* Frees one vg_type (not its element: every type is in tu->types once). */
void vg_type_free(struct vg_type *t);

/* Strips the sugar that is only about how a type was written (16+: every named type is Elaborated). */
CXType vg_clang_unwrap(CXType t);

/* Whether @s is a C identifier (libclang spells some unnamed declarations otherwise). */
bool vg_clang_is_identifier(const char *s);

/* Takes a CXString: returns a heap copy (vg_xstrdup) and disposes of it. */
char *vg_clang_take(CXString s);

#endif /* VG_CLANG_TYPES_H */
