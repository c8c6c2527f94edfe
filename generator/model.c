/* model.c: turns the front end's records and annotation strings into descriptions and wire fields. */
#include <stdlib.h>
#include <string.h>

#include "model.h"
#include "xalloc.h"

/* What the annotations of one member say, parsed. */
struct member_ann {
    bool skip, unused, alloc, deref, equal;
    int since, until, was_until;
    enum vg_wire was_wire;
    uint64_t max;
    int64_t lo, hi;           /* VMS_RANGE */
    struct vg_expr *if_expr, *def, *count, *check;
    char *check_text;
    const char *in, *present, *name, *renamed, *type;
    const char *codec_get, *codec_put, *codec_type;
    const char *sub_name, *sub_needed;
    const struct vg_expr *sub_needed_expr;
    const char *live;         /* VMS_LIVE: the bitmap member */
    uint64_t live_chunk;      /* VMS_LIVE_CHUNK */
    struct vg_loc sub_loc, loc;
    bool has[VG_A_COUNT_];
};

/* Annotations one member may carry (more is surely a mistake). */
#define MAX_MEMBER_ANNOTS 16

/* "VMS_RANGE" for VG_A_RANGE: how users wrote the annotation. */
const char *vg_annot_macro(enum vg_annot_kind k)
{
    static char buf[64];
    const char *w = vg_annot_word(k);
    size_t i = 0;

    memcpy(buf, "VMS_", 4);
    for (; w[i] && i + 5 < sizeof(buf); i++)
        buf[4 + i] = (char)(w[i] >= 'a' && w[i] <= 'z' ? w[i] - 'a' + 'A' : w[i]);
    buf[4 + i] = '\0';
    return buf;
}

/* ---- wire types ---- */

static const struct {
    const char *c_name, *word;
} wires[] = {
    [VG_W_BOOL] = {"VMS_WT_BOOL", "bool"},       [VG_W_INT8] = {"VMS_WT_INT8", "int8"},
    [VG_W_UINT8] = {"VMS_WT_UINT8", "uint8"},    [VG_W_INT16] = {"VMS_WT_INT16", "int16"},
    [VG_W_UINT16] = {"VMS_WT_UINT16", "uint16"}, [VG_W_INT32] = {"VMS_WT_INT32", "int32"},
    [VG_W_UINT32] = {"VMS_WT_UINT32", "uint32"}, [VG_W_INT64] = {"VMS_WT_INT64", "int64"},
    [VG_W_UINT64] = {"VMS_WT_UINT64", "uint64"}, [VG_W_FLOAT32] = {"VMS_WT_FLOAT32", "float32"},
    [VG_W_FLOAT64] = {"VMS_WT_FLOAT64", "float64"}, [VG_W_TIMER] = {"VMS_WT_TIMER", "timer"},
    [VG_W_BUFFER] = {"VMS_WT_BUFFER", "buffer"}, [VG_W_UNUSED] = {"VMS_WT_UNUSED", "unused_buffer"},
    [VG_W_STRUCT] = {"VMS_WT_STRUCT", "struct"}, [VG_W_CODEC] = {"VMS_WT_CODEC", "codec"},
};

const char *vg_wire_c_name(enum vg_wire w)
{
    return wires[w].c_name;
}

const char *vg_wire_word(enum vg_wire w)
{
    return wires[w].word;
}

int vg_wire_from_word(const char *word)
{
    for (size_t i = 0; i < sizeof(wires) / sizeof(wires[0]); i++)
        if (strcmp(wires[i].word, word) == 0)
            return (int)i;
    return -1;
}

static bool wire_is_integer(enum vg_wire w)
{
    return w <= VG_W_UINT64;
}

/* The wire type of a scalar C type, or -1. */
static int scalar_wire(const struct vg_type *t)
{
    static const enum vg_wire sized[2][4] = {
        {VG_W_UINT8, VG_W_UINT16, VG_W_UINT32, VG_W_UINT64},
        {VG_W_INT8, VG_W_INT16, VG_W_INT32, VG_W_INT64},
    };

    switch (t->kind) {
    case VG_T_BOOL:
        return t->size == 1 ? VG_W_BOOL : -1;
    case VG_T_INT:
    case VG_T_ENUM:
        switch (t->size) {
        case 1: return sized[t->is_signed][0];
        case 2: return sized[t->is_signed][1];
        case 4: return sized[t->is_signed][2];
        case 8: return sized[t->is_signed][3];
        default: return -1;
        }
    case VG_T_FLOAT:
        return VG_W_FLOAT32;
    case VG_T_DOUBLE:
        return VG_W_FLOAT64;
    default:
        return -1;
    }
}

/* ---- member annotations ---- */

static const char *arg_str(const struct vg_parsed_annot *a, size_t i)
{
    return i < a->n_args ? a->args[i].str : NULL;
}

/* A copy of the tree of an expression argument (the parsed annotation keeps its own). */
static struct vg_expr *arg_expr(const struct vg_parsed_annot *a, size_t i)
{
    return i < a->n_args ? vg_expr_clone(a->args[i].expr) : NULL;
}

/* Records one parsed member annotation in @ma; returns false on misuse. */
static bool apply_member_annot(struct member_ann *ma, const struct vg_parsed_annot *a,
                               struct vg_loc loc, struct vg_diags *d)
{
    switch (a->kind) {
    case VG_A_SKIP: case VG_A_IMMUTABLE: case VG_A_DERIVED: ma->skip = true; break;
    case VG_A_UNUSED: ma->unused = true; break;
    case VG_A_ALLOC: ma->alloc = true; break;
    case VG_A_DEREF: ma->deref = true; break;
    case VG_A_EQUAL: ma->equal = true; break;
    case VG_A_SINCE: ma->since = (int)a->args[0].ival; break;
    case VG_A_UNTIL: ma->until = (int)a->args[0].ival; break;
    case VG_A_MAX: ma->max = (uint64_t)a->args[0].ival; break;
    case VG_A_IF: ma->if_expr = arg_expr(a, 0); return ma->if_expr != NULL;
    case VG_A_DEFAULT: ma->def = arg_expr(a, 0); return ma->def != NULL;
    case VG_A_COUNT: ma->count = arg_expr(a, 0); return ma->count != NULL;
    case VG_A_CHECK:
        ma->check = arg_expr(a, 0);
        ma->check_text = vg_xstrdup(arg_str(a, 0));
        return ma->check != NULL;
    case VG_A_IN: ma->in = arg_str(a, 0); break;
    case VG_A_PRESENT: ma->present = arg_str(a, 0); break;
    case VG_A_NAME: ma->name = arg_str(a, 0); break;
    case VG_A_RENAMED: ma->renamed = arg_str(a, 0); break;
    case VG_A_TYPE: ma->type = arg_str(a, 0); break;
    case VG_A_LIVE: ma->live = arg_str(a, 0); break;
    case VG_A_LIVE_CHUNK: ma->live_chunk = (uint64_t)a->args[0].ival; break;
    case VG_A_CODEC:
        ma->codec_get = arg_str(a, 0);
        ma->codec_put = arg_str(a, 1);
        ma->codec_type = arg_str(a, 2);
        break;
    case VG_A_SUBSECTION:
        ma->sub_name = arg_str(a, 0);
        ma->sub_needed = arg_str(a, 1);
        ma->sub_needed_expr = a->args[1].expr;
        ma->sub_loc = loc;
        break;
    case VG_A_WAS: {
        int w = vg_wire_from_word(arg_str(a, 0));
        if (w < 0 || !wire_is_integer((enum vg_wire)w)) {
            vg_error(d, loc, "VMS_WAS type '%s' is not an integer wire type (bool, int8 .. uint64)",
                     arg_str(a, 0));
            return false;
        }
        ma->was_wire = (enum vg_wire)w;
        ma->was_until = (int)a->args[1].ival;
        break;
    }
    case VG_A_RANGE:
        ma->lo = a->args[0].ival;
        ma->hi = a->args[1].ival;
        if (ma->lo > ma->hi) {
            vg_error(d, loc, "VMS_RANGE(%lld, %lld): the low bound is above the high bound",
                     (long long)ma->lo, (long long)ma->hi);
            return false;
        }
        break;
    default:
        vg_error(d, loc, "%s applies to a struct, not to a member", vg_annot_macro(a->kind));
        return false;
    }
    return true;
}

static void member_ann_clear(struct member_ann *ma)
{
    vg_expr_free(ma->if_expr);
    vg_expr_free(ma->def);
    vg_expr_free(ma->count);
    vg_expr_free(ma->check);
    free(ma->check_text);
    memset(ma, 0, sizeof(*ma));
}

/* Parses the annotations of @m (through @memo, which keeps what @ma borrows) into @ma. */
static bool parse_member_annots(struct vg_annot_memo *memo, const struct vg_member *m,
                                struct member_ann *ma, struct vg_diags *d)
{
    bool ok = true;
    size_t n_parsed = 0;

    memset(ma, 0, sizeof(*ma));
    ma->loc = m->loc;
    for (size_t i = 0; i < m->n_annots; i++) {
        const struct vg_parsed_annot *a;

        if (n_parsed == MAX_MEMBER_ANNOTS) {
            vg_error(d, m->annots[i].loc, "too many annotations on member '%s'", m->name);
            return false;
        }
        a = vg_annot_memo_parse(memo, m->annots[i].text, m->annots[i].loc, d);
        if (!a) {
            ok = false;
            continue;
        }
        n_parsed++;
        if (ma->has[a->kind]) {
            vg_error(d, m->annots[i].loc, "%s given twice on member '%s'",
                     vg_annot_macro(a->kind), m->name);
            ok = false;
            continue;
        }
        ma->has[a->kind] = true;
        if (!apply_member_annot(ma, a, m->annots[i].loc, d))
            ok = false;
    }
    return ok;
}

/* ---- descriptions ---- */

struct builder {
    struct vg_model *m;
    struct vg_diags *d;
    struct vg_annot_memo *memo;
    struct vg_desc *desc;     /* being built */
};

/* Room for the fields grows from a guess, one per member of the struct; fit_fields() trims it. */
static void add_field(struct vg_desc *desc, const struct vg_field *f)
{
    if (desc->n_fields == desc->cap_fields) {
        size_t guess = desc->rec->n_members > 4 ? desc->rec->n_members : 4;

        desc->cap_fields = desc->cap_fields ? 2 * desc->cap_fields : guess;
        desc->fields = vg_xrealloc(desc->fields, desc->cap_fields, sizeof(*f));
    }
    desc->fields[desc->n_fields++] = *f;
}

/* Gives back the room add_field() did not use (the next allocations reuse it). */
static void fit_fields(struct vg_desc *desc)
{
    if (desc->n_fields < desc->cap_fields) {
        desc->fields = vg_xrealloc(desc->fields, desc->n_fields, sizeof(*desc->fields));
        desc->cap_fields = desc->n_fields;
    }
}

/* The @n strings of @parts (n <= 8) one after the other, in one new string. */
static char *join(const char *const parts[], size_t n)
{
    size_t len[8], total = 0;
    char *s, *p;

    for (size_t i = 0; i < n; i++)
        total += len[i] = strlen(parts[i]);
    s = p = vg_xrealloc(NULL, total + 1, 1);
    for (size_t i = 0; i < n; i++) {
        memcpy(p, parts[i], len[i]);
        p += len[i];
    }
    *p = '\0';
    return s;
}

static char *concat3(const char *a, const char *b, const char *c)
{
    const char *parts[] = {a, b, c};

    return join(parts, 3);
}

static int find_sub(const struct vg_desc *desc, const char *short_name)
{
    for (size_t i = 0; i < desc->n_subs; i++)
        if (strcmp(desc->subs[i].short_name, short_name) == 0)
            return (int)i;
    return -1;
}

static struct vg_sub *add_sub(struct vg_desc *desc, const char *short_name, struct vg_loc loc)
{
    struct vg_sub *s;

    desc->subs = vg_xrealloc(desc->subs, desc->n_subs + 1, sizeof(*desc->subs));
    s = &desc->subs[desc->n_subs++];
    memset(s, 0, sizeof(*s));
    s->short_name = vg_xstrdup(short_name);
    /*
     * QEMU takes any subsection whose name starts with its parent's name
     * ("pckbd_outport" of "pckbd"): such a name is the whole name; any other
     * is <parent>/<sub>.
     */
    if (strncmp(short_name, desc->name, strlen(desc->name)) == 0 &&
        short_name[strlen(desc->name)] != '\0')
        s->name = vg_xstrdup(short_name);
    else
        s->name = concat3(desc->name, "/", short_name);
    s->loc = loc;
    return s;
}

/* Starts field @f of member @m, which takes @c_path (allocated). */
static void field_init(struct vg_field *f, const struct vg_member *m, char *c_path,
                       const struct member_ann *ma)
{
    memset(f, 0, sizeof(*f));
    f->c_path = c_path;
    f->wire_name = vg_xstrdup(ma->name ? ma->name : c_path);
    f->loc = m->loc;
    f->member = m;
    f->num = 1;
    f->sub = -1;
}

/* Innermost element type of a (multi-dimensional) array and the product of its dimensions. */
static const struct vg_type *array_elem(const struct vg_type *t, uint64_t *num, unsigned *dims)
{
    *num = 1;
    *dims = 0;
    while (t->kind == VG_T_ARRAY) {
        *num *= t->count;
        (*dims)++;
        t = t->elem;
    }
    return t;
}

/* One element's size (see vg_field): what a pointer member points to (@deref), @dims indexes in. */
static void elem_size(struct vg_field *f, bool deref, unsigned dims)
{
    f->elem_size_deref = deref;
    f->elem_size_dims = dims;
}

static bool is_byte(const struct vg_type *t)
{
    return t->kind == VG_T_INT && t->size == 1 && !t->is_signed;
}

static bool bad_member(struct builder *b, const struct vg_member *m, const char *what,
                       const char *advice)
{
    if (m->name[0])
        vg_error(b->d, m->loc, "member '%s' %s: %s", m->name, what, advice);
    else
        vg_error(b->d, m->loc, "anonymous member %s: %s", what, advice);
    return false;
}

/* Classifies an element type (a scalar, a struct with a description, ...) into @f. */
static bool classify_elem(struct builder *b, const struct vg_member *m, const struct vg_type *t,
                          struct vg_field *f)
{
    int w;

    if (t->host_sized)
        return bad_member(b, m, "has a type whose size differs between hosts",
                          "use a fixed-width type (int64_t, uint32_t, ...) or add VMS_TYPE(\"int64\") "
                          "or VMS_SKIP");
    if (t->kind == VG_T_RECORD) {
        f->nested = t->record ? vg_model_find(b->m, t->record) : NULL;
        if (!f->nested)
            return bad_member(b, m, "is an array of a struct without a description",
                              "give the struct VMS_STATE(...) or add VMS_SKIP");
        f->wire = VG_W_STRUCT;
        f->nested->used_nested = true;
        return true;
    }
    if (t->kind == VG_T_UNION)
        return bad_member(b, m, "is a union", "add VMS_TYPE(\"buffer\") to send its raw bytes, "
                          "VMS_CODEC(...) or VMS_SKIP");
    w = scalar_wire(t);
    if (w < 0)
        return bad_member(b, m, "has a type that cannot be migrated", "add VMS_CODEC(...) or VMS_SKIP");
    f->wire = (enum vg_wire)w;
    return true;
}

/* A VMS_TYPE("...") override. */
static bool apply_type_override(struct builder *b, const struct vg_member *m,
                                const struct member_ann *ma, struct vg_field *f)
{
    int w = vg_wire_from_word(ma->type);

    if (w < 0 || w == VG_W_STRUCT || w == VG_W_CODEC || w == VG_W_UNUSED) {
        vg_error(b->d, m->loc, "VMS_TYPE(\"%s\") on member '%s': unknown wire type (use bool, "
                 "int8 .. uint64, float32, float64, timer or buffer)", ma->type, m->name);
        return false;
    }
    if (w != VG_W_BUFFER && !(m->type->kind == VG_T_ARRAY && w == VG_W_UINT8)) {
        static const uint8_t sizes[] = {1, 1, 1, 2, 2, 4, 4, 8, 8, 4, 8, 8};
        uint64_t num = 1;
        unsigned dims;
        /* an array's element, a counted pointer's pointee (each one of them), else the member */
        const struct vg_type *elem = m->type->kind == VG_T_ARRAY ? array_elem(m->type, &num, &dims)
                                     : (f->flags & VG_F_POINTER) && m->type->elem ? m->type->elem
                                                                                  : m->type;

        if (elem->size != sizes[w]) {
            vg_error(b->d, m->loc, "VMS_TYPE(\"%s\") on member '%s': the wire type has %u bytes "
                     "but '%s' has %llu", ma->type, m->name, sizes[w], elem->spelling,
                     (unsigned long long)elem->size);
            return false;
        }
    }
    f->wire = (enum vg_wire)w;
    if (w == VG_W_BUFFER) {
        f->num = 1;
        elem_size(f, false, 0);
    } else if (w == VG_W_TIMER && !(m->type->kind == VG_T_INT && m->type->size == 8 &&
                                     m->type->is_signed)) {
        vg_error(b->d, m->loc, "VMS_TYPE(\"timer\") needs an int64_t member; '%s' is '%s'",
                 m->name, m->type->spelling);
        return false;
    }
    return true;
}

/* Pointers: VMS_COUNT (to an array) or VMS_DEREF (to one object), else a diagnostic. */
static bool classify_pointer(struct builder *b, const struct vg_member *m,
                             const struct member_ann *ma, struct vg_field *f)
{
    if (m->type->kind == VG_T_FUNCTION_POINTER || !m->type->elem)
        return bad_member(b, m, "is a function pointer", "add VMS_SKIP");
    if (ma->count) {
        f->flags |= VG_F_POINTER | VG_F_VARRAY | (ma->alloc ? VG_F_ALLOC : 0);
        elem_size(f, true, 0);
        if (!ma->alloc && !ma->max)
            return bad_member(b, m, "points to storage the loader cannot bound",
                              "add VMS_MAX(n) with the capacity it points to (or VMS_ALLOC)");
        if (is_byte(m->type->elem) && !ma->type) {
            f->wire = VG_W_BUFFER; /* one copy; VMS_TYPE("uint8") makes it count single bytes */
            return true;
        }
        return classify_elem(b, m, m->type->elem, f);
    }
    if (ma->deref) {
        f->flags |= VG_F_ARRAY_OF_POINTER;
        elem_size(f, true, 0);
        return classify_elem(b, m, m->type->elem, f);
    }
    return bad_member(b, m, "is a pointer",
                      "add VMS_COUNT(\"n\") (pointer to an array), VMS_DEREF (pointer to one "
                      "object) or VMS_SKIP");
}

static bool classify_array(struct builder *b, const struct vg_member *m,
                           const struct member_ann *ma, struct vg_field *f)
{
    unsigned dims;
    const struct vg_type *elem = array_elem(m->type, &f->num, &dims);
    bool ok;

    if (elem->kind == VG_T_POINTER && ma->deref) {
        f->flags |= VG_F_ARRAY_OF_POINTER;
        elem_size(f, true, dims);
        ok = elem->elem ? classify_elem(b, m, elem->elem, f)
                        : bad_member(b, m, "is an array of function pointers", "add VMS_SKIP");
    } else if (elem->kind == VG_T_POINTER) {
        ok = bad_member(b, m, "is an array of pointers", "add VMS_DEREF or VMS_SKIP");
    } else if (is_byte(elem) && !ma->type && !ma->count) {
        f->wire = VG_W_BUFFER; /* one copy of raw bytes, as QEMU's VMSTATE_BUFFER */
        elem_size(f, false, 0);
        f->num = 1;
        ok = true;
    } else {
        elem_size(f, false, dims);
        ok = classify_elem(b, m, elem, f);
    }
    if (ok && ma->count)
        f->flags |= VG_F_VARRAY;
    return ok;
}

/* Copies the presence, validation and compat facts of @ma into @f. */
static bool apply_modifiers(struct builder *b, const struct vg_member *m,
                            struct member_ann *ma, struct vg_field *f)
{
    f->since = ma->since;
    f->until = ma->until;
    f->max = ma->max;
    f->if_expr = ma->if_expr, ma->if_expr = NULL;
    f->def = ma->def, ma->def = NULL;
    f->count = ma->count, ma->count = NULL;
    f->check = ma->check, ma->check = NULL;
    f->check_text = ma->check_text, ma->check_text = NULL;
    f->has_range = ma->has[VG_A_RANGE];
    f->lo = ma->lo;
    f->hi = ma->hi;
    f->was_wire = ma->was_wire;
    f->was_until = ma->was_until;
    f->renamed_from = ma->renamed ? vg_xstrdup(ma->renamed) : NULL;
    if (ma->equal) {
        if (!wire_is_integer(f->wire))
            return bad_member(b, m, "has VMS_EQUAL but is not an integer", "remove VMS_EQUAL");
        f->flags |= VG_F_EQUAL;
    }
    if (ma->in) {
        f->sub = find_sub(b->desc, ma->in);
        if (f->sub < 0) {
            vg_error(b->d, m->loc, "VMS_IN(\"%s\") on member '%s': no VMS_SUBSECTION_DEF(\"%s\", ...) "
                     "on struct '%s'", ma->in, m->name, ma->in, b->desc->ident);
            return false;
        }
    }
    return true;
}

/*
 * Builds the wire field of one migrated member (not flattened), at @c_path
 * (which it takes) and @bits from the start of the struct.
 */
static bool build_field(struct builder *b, const struct vg_member *m, char *c_path,
                        struct member_ann *ma, uint64_t bits)
{
    struct vg_field f;
    bool ok;

    field_init(&f, m, c_path, ma);
    f.offset = bits / 8;
    if (ma->unused) {
        f.wire = VG_W_UNUSED;
        free(f.wire_name);
        f.wire_name = vg_xstrdup("unused");
        ok = true;
    } else if (ma->codec_get) {
        f.wire = VG_W_CODEC;
        f.codec_get = vg_xstrdup(ma->codec_get);
        f.codec_put = vg_xstrdup(ma->codec_put);
        f.codec_type = vg_xstrdup(ma->codec_type);
        ok = true;
    } else if (m->is_bitfield) {
        ok = bad_member(b, m, "is a bitfield", "add VMS_SKIP and migrate a plain copy of it");
    } else if (m->type->kind == VG_T_INCOMPLETE_ARRAY) {
        ok = bad_member(b, m, "is a flexible array member", "add VMS_SKIP");
    } else if (m->type->kind == VG_T_POINTER || m->type->kind == VG_T_FUNCTION_POINTER) {
        ok = classify_pointer(b, m, ma, &f);
    } else if (m->type->kind == VG_T_ARRAY) {
        ok = classify_array(b, m, ma, &f);
    } else if (ma->type) {
        /* VMS_TYPE decides the wire type (a long as "int64", a union or plain struct as "buffer") */
        ok = true;
    } else {
        ok = classify_elem(b, m, m->type, &f);
        if (ok && ma->count)
            ok = bad_member(b, m, "has VMS_COUNT but is neither an array nor a pointer",
                            "remove VMS_COUNT");
    }
    if (ok && ma->type)
        ok = apply_type_override(b, m, ma, &f);
    if (ok)
        ok = apply_modifiers(b, m, ma, &f);
    if (ok)
        add_field(b->desc, &f);
    else
        vg_field_clear(&f);
    return ok;
}

static bool build_members(struct builder *b, const struct vg_record *rec, const char *prefix,
                          uint64_t base_bits);

/* A member subsection (VMS_SUBSECTION on a member whose type has a description). */
static bool build_member_sub(struct builder *b, const struct vg_member *m, const char *c_path,
                             const struct member_ann *ma)
{
    struct vg_desc *md = m->type->kind == VG_T_RECORD && m->type->record
                             ? vg_model_find(b->m, m->type->record) : NULL;
    struct vg_sub *s;

    if (!md) {
        vg_error(b->d, m->loc, "VMS_SUBSECTION on member '%s': its type needs its own VMS_STATE",
                 m->name);
        return false;
    }
    if (find_sub(b->desc, ma->sub_name) >= 0) {
        vg_error(b->d, ma->sub_loc, "subsection '%s' of '%s' is declared twice", ma->sub_name,
                 b->desc->name);
        return false;
    }
    s = add_sub(b->desc, ma->sub_name, ma->sub_loc);
    s->member_desc = md;
    md->used_as_sub = true;
    s->member_path = vg_xstrdup(c_path);
    s->needed_text = vg_xstrdup(ma->sub_needed);
    s->needed = vg_expr_clone(ma->sub_needed_expr);
    return s->needed != NULL;
}

static bool build_member(struct builder *b, const struct vg_member *m, const char *prefix,
                         uint64_t base_bits)
{
    struct member_ann ma;
    char *c_path;
    bool ok;

    if (!parse_member_annots(b->memo, m, &ma, b->d)) {
        member_ann_clear(&ma);
        return false;
    }
    c_path = concat3(prefix, prefix[0] && m->name[0] ? "." : "", m->name);
    if (ma.has[VG_A_LIVE] || ma.has[VG_A_LIVE_CHUNK]) {
        ok = vg_live_member(b->desc, m, prefix, ma.has, ma.live, ma.live_chunk, b->d);
    } else if (ma.skip) {
        ok = true;
    } else if (ma.present) {
        int sub = find_sub(b->desc, ma.present);
        ok = sub >= 0 && m->type->kind == VG_T_BOOL;
        if (ok)
            b->desc->subs[sub].present_path = vg_xstrdup(c_path);
        else
            vg_error(b->d, m->loc, "VMS_PRESENT(\"%s\") needs a bool member and a subsection of "
                     "that name declared before it", ma.present);
    } else if (ma.sub_name) {
        ok = build_member_sub(b, m, c_path, &ma);
    } else if ((m->type->kind == VG_T_RECORD && m->type->record &&
                !vg_model_find(b->m, m->type->record) && !ma.unused && !ma.codec_get &&
                !ma.type) || (!m->name[0] && m->type->kind == VG_T_RECORD && m->type->record)) {
        /* a plain struct (or an anonymous member): its members inline, dotted names */
        ok = build_members(b, m->type->record, c_path, base_bits + m->offset_bits);
    } else {
        ok = build_field(b, m, c_path, &ma, base_bits + m->offset_bits);
        c_path = NULL; /* the field's now */
    }
    free(c_path);
    member_ann_clear(&ma);
    return ok;
}

static bool build_members(struct builder *b, const struct vg_record *rec, const char *prefix,
                          uint64_t base_bits)
{
    bool ok = true;

    for (size_t i = 0; i < rec->n_members; i++)
        if (!build_member(b, &rec->members[i], prefix, base_bits))
            ok = false;
    return ok;
}

/* ---- struct-level annotations ---- */

static bool apply_struct_annot(struct builder *b, const struct vg_parsed_annot *a, struct vg_loc loc)
{
    struct vg_desc *desc = b->desc;
    struct vg_sub *s;

    switch (a->kind) {
    case VG_A_STATE:
        return true; /* read when the description was created */
    case VG_A_SUBSECTION_DEF:
        if (find_sub(desc, a->args[0].str) >= 0) {
            vg_error(b->d, loc, "subsection '%s' of '%s' is declared twice", a->args[0].str,
                     desc->name);
            return false;
        }
        s = add_sub(desc, a->args[0].str, loc);
        s->version = (int)a->args[1].ival;
        s->needed_text = vg_xstrdup(a->args[2].str);
        s->needed = vg_expr_clone(a->args[2].expr);
        return s->needed != NULL;
    case VG_A_PRIORITY:
        desc->priority = (int)a->args[0].ival;
        return true;
    case VG_A_NEEDED:
        desc->needed_text = vg_xstrdup(a->args[0].str);
        desc->needed = vg_expr_clone(a->args[0].expr);
        return desc->needed != NULL;
    case VG_A_UNMIGRATABLE:
        desc->unmigratable = true;
        return true;
    case VG_A_TYPE_NAME:
        desc->type_name = vg_xstrdup(a->args[0].str);
        return true;
    case VG_A_HOOKS:
        for (int i = 0; i < VG_HOOK_COUNT; i++)
            desc->hooks[i] = a->args[i].kind == VG_ARG_IDENT ? vg_xstrdup(a->args[i].str) : NULL;
        return true;
    case VG_A_CHECK:
        desc->check_text = vg_xstrdup(a->args[0].str);
        desc->check = vg_expr_clone(a->args[0].expr);
        return desc->check != NULL;
    default:
        vg_error(b->d, loc, "%s applies to a member, not to struct '%s'", vg_annot_macro(a->kind),
                 desc->ident);
        return false;
    }
}

/* Whether new_desc() reads this annotation (VMS_STATE). */
static bool is_state_annot(const char *text)
{
    return strncmp(text, "state(", 6) == 0;
}

static bool build_struct_annots(struct builder *b)
{
    const struct vg_record *rec = b->desc->rec;
    bool ok = true;

    for (size_t i = 0; i < rec->n_annots; i++) {
        const struct vg_parsed_annot *a;

        if (is_state_annot(rec->annots[i].text))
            continue; /* new_desc() parsed it */
        a = vg_annot_memo_parse(b->memo, rec->annots[i].text, rec->annots[i].loc, b->d);
        if (!a || !apply_struct_annot(b, a, rec->annots[i].loc))
            ok = false;
    }
    return ok;
}

/* Creates the description of @rec if it carries VMS_STATE. */
static bool new_desc(struct vg_model *m, struct vg_record *rec, struct vg_diags *d)
{
    struct vg_desc *desc = NULL;
    bool ok = true;

    for (size_t i = 0; i < rec->n_annots; i++) {
        struct vg_parsed_annot a;

        if (!is_state_annot(rec->annots[i].text))
            continue;
        if (vg_annot_parse(rec->annots[i].text, rec->annots[i].loc, vg_lookup_constant, m->tu, &a, d))
            return false;
        if (desc) {
            vg_error(d, rec->annots[i].loc, "VMS_STATE given twice on '%s'", desc->ident);
            ok = false;
        } else {
            desc = vg_xcalloc(1, sizeof(*desc));
            desc->rec = rec;
            desc->ident = vg_xstrdup(rec->tag ? rec->tag : rec->typedef_name);
            desc->name = vg_xstrdup(a.args[0].str);
            desc->version = (int)a.args[1].ival;
            desc->min_version = (int)a.args[2].ival;
            desc->loc = rec->annots[i].loc;
            desc->local = rec->loc.file && m->tu->main_file &&
                          strcmp(rec->loc.file, m->tu->main_file) == 0;
        }
        vg_annot_clear(&a);
    }
    if (desc) {
        m->descs = vg_xrealloc(m->descs, m->n_descs + 1, sizeof(*m->descs));
        m->descs[m->n_descs++] = desc;
    }
    return ok;
}

static size_t record_hash(const struct vg_record *rec, size_t cap)
{
    return (size_t)(((uint64_t)(uintptr_t)rec * 0x9e3779b97f4a7c15u) >> 32) & (cap - 1);
}

/* Hashes every description by its record, at most half full (open addressing). */
static void index_descs(struct vg_model *m)
{
    size_t cap = 16;

    while (cap < 2 * m->n_descs)
        cap *= 2;
    m->index = vg_xcalloc(cap, sizeof(*m->index));
    m->index_cap = cap;
    for (size_t i = 0; i < m->n_descs; i++) {
        size_t k = record_hash(m->descs[i]->rec, cap);

        while (m->index[k])
            k = (k + 1) & (cap - 1);
        m->index[k] = m->descs[i];
    }
}

struct vg_desc *vg_model_find(const struct vg_model *m, const struct vg_record *rec)
{
    if (!m->index) {
        for (size_t i = 0; i < m->n_descs; i++)
            if (m->descs[i]->rec == rec)
                return m->descs[i];
        return NULL;
    }
    for (size_t k = record_hash(rec, m->index_cap); m->index[k]; k = (k + 1) & (m->index_cap - 1))
        if (m->index[k]->rec == rec)
            return m->index[k];
    return NULL;
}

int vg_model_build(struct vg_tu *tu, struct vg_model *m, struct vg_diags *d)
{
    struct vg_annot_memo *memo;
    bool ok = true;

    memset(m, 0, sizeof(*m));
    m->tu = tu;
    for (size_t i = 0; i < tu->n_records; i++)
        if (!tu->records[i]->in_system_header && !new_desc(m, tu->records[i], d))
            ok = false;
    index_descs(m);
    memo = vg_annot_memo_new(vg_lookup_constant, tu);
    for (size_t i = 0; i < m->n_descs; i++) {
        struct builder b = {.m = m, .d = d, .memo = memo, .desc = m->descs[i]};

        if (!m->descs[i]->rec->tag && !m->descs[i]->rec->typedef_name) {
            vg_error(d, m->descs[i]->loc, "a described struct needs a tag or a typedef name");
            ok = false;
            continue;
        }
        if (!build_struct_annots(&b))
            ok = false;
        if (!build_members(&b, b.desc->rec, "", 0))
            ok = false;
        if (b.desc->n_lives && !vg_live_resolve(b.desc, d))
            ok = false;
        fit_fields(b.desc);
        b.desc->built = true;
    }
    vg_annot_memo_free(memo);
    return ok && d->errors == 0 ? 0 : -1;
}

void vg_field_clear(struct vg_field *f)
{
    free(f->wire_name);
    free(f->c_path);
    vg_expr_free(f->count);
    free(f->count_path);
    vg_expr_free(f->if_expr);
    vg_expr_free(f->check);
    free(f->check_text);
    vg_expr_free(f->def);
    free(f->codec_get);
    free(f->codec_put);
    free(f->codec_type);
    free(f->renamed_from);
}

static void desc_free(struct vg_desc *desc)
{
    for (size_t i = 0; i < desc->n_fields; i++)
        vg_field_clear(&desc->fields[i]);
    for (size_t i = 0; i < desc->n_subs; i++) {
        struct vg_sub *s = &desc->subs[i];
        free(s->short_name);
        free(s->name);
        vg_expr_free(s->needed);
        free(s->needed_text);
        free(s->member_path);
        free(s->present_path);
    }
    for (int i = 0; i < VG_HOOK_COUNT; i++)
        free(desc->hooks[i]);
    vg_live_free(desc);
    free(desc->fields);
    free(desc->subs);
    free(desc->ident);
    free(desc->name);
    free(desc->type_name);
    vg_expr_free(desc->needed);
    free(desc->needed_text);
    vg_expr_free(desc->check);
    free(desc->check_text);
    free(desc);
}

void vg_model_free(struct vg_model *m)
{
    for (size_t i = 0; i < m->n_descs; i++)
        desc_free(m->descs[i]);
    free(m->descs);
    free(m->index);
    memset(m, 0, sizeof(*m));
}

/* ---- constants for expressions: enum constants and integer macros ---- */

static bool macro_value(struct vg_tu *tu, const struct vg_macro *mac, int depth, int64_t *value);

static bool lookup_depth(struct vg_tu *tu, const char *name, int depth, int64_t *value)
{
    for (size_t i = 0; i < tu->n_consts; i++) {
        if (strcmp(tu->consts[i].name, name) == 0) {
            *value = tu->consts[i].value;
            return true;
        }
    }
    for (size_t i = tu->n_macros; i-- > 0;)
        if (strcmp(tu->macros[i].name, name) == 0)
            return macro_value(tu, &tu->macros[i], depth, value);
    return false;
}

struct macro_ctx {
    struct vg_tu *tu;
    int depth;
};

static bool macro_lookup(void *ctx, const char *name, int64_t *value)
{
    struct macro_ctx *mc = ctx;

    return lookup_depth(mc->tu, name, mc->depth, value);
}

/* A macro whose body is an integer constant expression (possibly using other such macros). */
static bool macro_value(struct vg_tu *tu, const struct vg_macro *mac, int depth, int64_t *value)
{
    struct vg_diags quiet;
    struct macro_ctx mc = {.tu = tu, .depth = depth + 1};
    const struct vg_expr *bad;
    struct vg_expr *e;
    FILE *null;
    bool ok;

    if (depth > 32)
        return false; /* a macro cycle */
    null = fopen("/dev/null", "w");
    vg_diags_init(&quiet, null ? null : stderr);
    e = vg_expr_parse(mac->body, mac->loc, &quiet);
    ok = e && vg_expr_eval_const(e, macro_lookup, &mc, value, &bad);
    vg_expr_free(e);
    if (null)
        fclose(null);
    return ok;
}

bool vg_lookup_constant(void *tu, const char *name, int64_t *value)
{
    return lookup_depth(tu, name, 0, value);
}
