/* clang_types.c: libclang types as the front end's vg_types, each distinct type converted once. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clang_types.h"
#include "xalloc.h"

char *vg_clang_take(CXString s)
{
    const char *c = clang_getCString(s);
    char *r = vg_xstrdup(c ? c : "");

    clang_disposeString(s);
    return r;
}

static bool starts_with(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

bool vg_clang_is_identifier(const char *s)
{
    if (!*s || (*s >= '0' && *s <= '9'))
        return false;
    for (; *s; s++)
        if (!(*s == '_' || (*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
              (*s >= '0' && *s <= '9')))
            return false;
    return true;
}

CXType vg_clang_unwrap(CXType t)
{
    for (int guard = 0; guard < 64; guard++) {
        if (t.kind == CXType_Elaborated)
            t = clang_Type_getNamedType(t);
        else if (t.kind == CXType_Attributed)
            t = clang_Type_getModifiedType(t);
        else
            break;
    }
    return t;
}

/* ---- conversion ---- */

/* glibc's and the standard's fixed-width names: [_]*[u[_]]intN_t, N in 8, 16, 32, 64. */
static bool is_fixed_width_name(const char *s)
{
    static const char *const widths[] = {"8_t", "16_t", "32_t", "64_t"};

    while (*s == '_')
        s++;
    if (*s == 'u')
        s += s[1] == '_' ? 2 : 1;
    if (!starts_with(s, "int"))
        return false;
    s += 3;
    for (size_t i = 0; i < sizeof(widths) / sizeof(widths[0]); i++)
        if (strcmp(s, widths[i]) == 0)
            return true;
    return false;
}

static bool is_host_sized_name(const char *s)
{
    static const char *const names[] = {
        "size_t", "ssize_t", "time_t", "intptr_t", "uintptr_t", "ptrdiff_t", "off_t",
    };

    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
        if (strcmp(s, names[i]) == 0)
            return true;
    return false;
}

/*
 * Follows the typedef chain of the type as spelled. int64_t is a typedef of
 * long on x86_64, so the first fixed-width name met settles it; a host-sized
 * name, or reaching long / unsigned long, makes it host-sized.
 */
static bool host_sized(CXType t)
{
    for (int guard = 0; guard < 64; guard++) {
        t = vg_clang_unwrap(t);
        if (t.kind == CXType_Typedef) {
            CXString s = clang_getTypedefName(t);
            const char *name = clang_getCString(s);
            bool fixed = is_fixed_width_name(name), host = is_host_sized_name(name);

            clang_disposeString(s);
            if (fixed || host)
                return host;
            t = clang_getTypedefDeclUnderlyingType(clang_getTypeDeclaration(t));
            continue;
        }
        return t.kind == CXType_Long || t.kind == CXType_ULong;
    }
    return false;
}

/*
 * Removes typedefs one level at a time, down to the array or pointer type
 * itself, so its element keeps the name it was written with (row_t, not
 * unsigned char[3]).
 */
static CXType desugar(CXType t)
{
    for (int guard = 0; guard < 64 && (t = vg_clang_unwrap(t)).kind == CXType_Typedef; guard++)
        t = clang_getTypedefDeclUnderlyingType(clang_getTypeDeclaration(t));
    return t;
}

static bool int_kind(enum CXTypeKind k, bool *is_signed)
{
    switch (k) {
    case CXType_Char_S: case CXType_SChar: case CXType_Short: case CXType_Int:
    case CXType_Long: case CXType_LongLong: case CXType_Int128: case CXType_WChar:
        *is_signed = true;
        return true;
    case CXType_Char_U: case CXType_UChar: case CXType_UShort: case CXType_UInt:
    case CXType_ULong: case CXType_ULongLong: case CXType_UInt128: case CXType_Char16:
    case CXType_Char32:
        *is_signed = false;
        return true;
    default:
        return false;
    }
}

/* VG_T_ENUM details: signedness of the underlying type and the name it is known by. */
static void conv_enum(struct vg_type *vt, CXType spelled, CXType canon)
{
    CXCursor decl = clang_getTypeDeclaration(canon);
    CXType outer = vg_clang_unwrap(spelled);
    char *tag;

    vt->kind = VG_T_ENUM;
    int_kind(clang_getCanonicalType(clang_getEnumDeclIntegerType(decl)).kind, &vt->is_signed);
    if (outer.kind == CXType_Typedef) {
        vt->enum_name = vg_clang_take(clang_getTypedefName(outer));
        return;
    }
    tag = vg_clang_take(clang_getCursorSpelling(decl));
    if (vg_clang_is_identifier(tag) && !clang_Cursor_isAnonymous(decl)) {
        vt->enum_name = vg_xmalloc(strlen(tag) + 6);
        sprintf(vt->enum_name, "enum %s", tag);
    }
    free(tag);
}

static void conv_record(struct vg_types *ts, struct vg_type *vt, CXType spelled, CXType canon)
{
    CXCursor decl = clang_getTypeDeclaration(canon);

    vt->kind = decl.kind == CXCursor_UnionDecl ? VG_T_UNION : VG_T_RECORD;
    vt->record = ts->record_of(ts->ctx, canon);
    /* an untagged, untypedef'd record: clang's spelling carries a path and differs by version */
    if (vg_clang_unwrap(spelled).kind != CXType_Typedef && vt->record && !vt->record->tag &&
        !vt->record->typedef_name) {
        free(vt->spelling);
        vt->spelling = vg_xstrdup(vt->kind == VG_T_UNION ? "union (unnamed)" : "struct (unnamed)");
    }
}

/* Converts a type as written at a use site (member, array element, pointee) into @info. */
static void conv_type(struct vg_types *ts, struct vg_type_info *info)
{
    struct vg_type *vt = vg_xcalloc(1, sizeof(*vt));
    CXType t = info->key, canon = clang_getCanonicalType(t), d;
    CXCursor decl = clang_getTypeDeclaration(canon);

    info->type = vt;
    info->size = clang_Type_getSizeOf(t);
    info->align = clang_Type_getAlignOf(t);
    info->anon_record = !clang_Cursor_isNull(decl) && clang_Cursor_isAnonymousRecordDecl(decl);
    vt->spelling = vg_clang_take(clang_getTypeSpelling(t));
    vt->size = info->size > 0 ? (uint64_t)info->size : 0;
    vt->host_sized = host_sized(t);
    switch (canon.kind) {
    case CXType_Bool: vt->kind = VG_T_BOOL; break;
    case CXType_Float: vt->kind = VG_T_FLOAT; break;
    case CXType_Double: vt->kind = VG_T_DOUBLE; break;
    case CXType_LongDouble: vt->kind = VG_T_LONG_DOUBLE; break;
    case CXType_Enum: conv_enum(vt, t, canon); break;
    case CXType_Record: conv_record(ts, vt, t, canon); break;
    case CXType_Pointer:
        d = clang_getPointeeType(desugar(t));
        if (clang_getCanonicalType(d).kind == CXType_FunctionProto ||
            clang_getCanonicalType(d).kind == CXType_FunctionNoProto) {
            vt->kind = VG_T_FUNCTION_POINTER;
        } else {
            vt->kind = VG_T_POINTER;
            vt->elem = vg_types_get(ts, d)->type;
        }
        vt->host_sized = false; /* never migrated by value; the model asks for COUNT/DEREF/SKIP */
        break;
    case CXType_ConstantArray:
    case CXType_IncompleteArray:
        d = desugar(t);
        vt->kind = canon.kind == CXType_ConstantArray ? VG_T_ARRAY : VG_T_INCOMPLETE_ARRAY;
        vt->count = canon.kind == CXType_ConstantArray ? (uint64_t)clang_getArraySize(canon) : 0;
        vt->elem = vg_types_get(ts, clang_getArrayElementType(d))->type;
        vt->host_sized = vt->elem->host_sized;
        break;
    default:
        vt->kind = int_kind(canon.kind, &vt->is_signed) ? VG_T_INT : VG_T_OTHER;
        break;
    }
}

void vg_type_free(struct vg_type *t)
{
    if (!t)
        return;
    free(t->spelling);
    free(t->enum_name);
    free(t);
}

/* ---- the memo ---- */

static bool same_type(CXType a, CXType b)
{
    return a.kind == b.kind && a.data[0] == b.data[0] && a.data[1] == b.data[1];
}

static size_t type_hash(CXType t)
{
    uint64_t h = (uint64_t)(uintptr_t)t.data[0] * 0x9e3779b97f4a7c15u;

    return (size_t)(h >> 32) ^ (size_t)t.kind;
}

/* The slot of @t: its entry, or the empty slot where it would go. */
static struct vg_type_info **slot_of(struct vg_types *ts, CXType t)
{
    size_t mask = ts->cap - 1, i = type_hash(t) & mask;

    while (ts->slots[i] && !same_type(ts->slots[i]->key, t))
        i = (i + 1) & mask;
    return &ts->slots[i];
}

static void memo_grow(struct vg_types *ts)
{
    struct vg_type_info **old = ts->slots;
    size_t old_cap = ts->cap;

    ts->cap = old_cap ? 2 * old_cap : 256;
    ts->slots = vg_xcalloc(ts->cap, sizeof(*ts->slots));
    for (size_t i = 0; i < old_cap; i++)
        if (old[i])
            *slot_of(ts, old[i]->key) = old[i];
    free(old);
}

void vg_types_init(struct vg_types *ts, struct vg_tu *tu, vg_record_fn record_of, void *ctx)
{
    memset(ts, 0, sizeof(*ts));
    ts->tu = tu;
    ts->record_of = record_of;
    ts->ctx = ctx;
    memo_grow(ts);
}

/* Hands @vt to the tu, which frees it. */
static void keep_type(struct vg_types *ts, struct vg_type *vt)
{
    struct vg_tu *tu = ts->tu;

    if (tu->n_types == ts->cap_tu_types) {
        ts->cap_tu_types = ts->cap_tu_types ? 2 * ts->cap_tu_types : 64;
        tu->types = vg_xrealloc(tu->types, ts->cap_tu_types, sizeof(*tu->types));
    }
    tu->types[tu->n_types++] = vt;
}

const struct vg_type_info *vg_types_get(struct vg_types *ts, CXType t)
{
    struct vg_type_info **slot = slot_of(ts, t), *info;

    if (*slot)
        return *slot;
    info = vg_xcalloc(1, sizeof(*info));
    info->key = t;
    conv_type(ts, info); /* may convert (and memoize) element types first */
    keep_type(ts, info->type);
    if (2 * (ts->n + 1) > ts->cap)
        memo_grow(ts);
    *slot_of(ts, t) = info;
    ts->n++;
    return info;
}

void vg_types_clear(struct vg_types *ts)
{
    for (size_t i = 0; i < ts->cap; i++)
        free(ts->slots[i]);
    free(ts->slots);
    memset(ts, 0, sizeof(*ts));
}
