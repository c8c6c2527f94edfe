/* emit_c.c: writes <base>.vms.h and <base>.vms.c, the descriptor tables and their shim functions. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "emit_c_live.h"
#include "model.h"
#include "outfile.h"
#include "xalloc.h"


struct emitter {
    const struct vg_model *m;
    struct vg_buf *out;          /* text of the .vms.c not yet written (see vg_emit_c()) */
    const struct vg_desc *desc;  /* description being emitted */
    bool uses_int;               /* some expression reads a member through vmsgen_int() */
    FILE *file;                  /* the .vms.c */
    const struct vg_buf *prologue; /* what goes before the helper: banner and includes */
    bool started;                /* prologue (and helper) written */
    bool write_failed;
};

/* ---- output ---- */

/* Appends @n bytes, without the NUL: emitf() ends the string once per call. */
static inline void put_mem(struct vg_buf *b, const char *s, size_t n)
{
    if (b->len + n + 1 > b->cap)
        vg_buf_reserve(b, n);
    memcpy(b->s + b->len, s, n);
    b->len += n;
}

/* Appends a string literal (its length known when compiling) or a string. */
#define PUT(b, literal) put_mem((b), "" literal, sizeof(literal) - 1)

static void put_str(struct vg_buf *b, const char *s)
{
    put_mem(b, s, strlen(s));
}

static void put_u64(struct vg_buf *b, unsigned long long v)
{
    char digits[20];
    size_t i = sizeof(digits);

    do
        digits[--i] = (char)('0' + v % 10);
    while ((v /= 10) != 0);
    put_mem(b, digits + i, sizeof(digits) - i);
}

static void put_i64(struct vg_buf *b, long long v)
{
    if (v < 0)
        put_mem(b, "-", 1);
    put_u64(b, v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v);
}

/* One conversion of emitf() at @spec (just after the '%'); returns what follows it. */
static const char *conversion(struct vg_buf *b, const char *spec, va_list *ap)
{
    const char *s;
    char c;

    switch (spec[0]) {
    case 's':
        s = va_arg(*ap, const char *);
        s = s ? s : "(null)";
        put_mem(b, s, strlen(s));
        return spec + 1;
    case 'c':
        c = (char)va_arg(*ap, int);
        put_mem(b, &c, 1);
        return spec + 1;
    case 'd': put_i64(b, va_arg(*ap, int)); return spec + 1;
    case '%': put_mem(b, "%", 1); return spec + 1;
    }
    if (strncmp(spec, "zu", 2) == 0) {
        put_u64(b, va_arg(*ap, size_t));
        return spec + 2;
    }
    if (strncmp(spec, "llu", 3) == 0) {
        put_u64(b, va_arg(*ap, unsigned long long));
        return spec + 3;
    }
    if (strncmp(spec, "lld", 3) == 0) {
        put_i64(b, va_arg(*ap, long long));
        return spec + 3;
    }
    abort(); /* a conversion emitf() does not know: an internal bug */
}

/*
 * Appends to @b as printf would, for the conversions this file uses: %s %c
 * %d %zu %llu %lld %%. Hand-rolled because the tables run to megabytes:
 * through glibc's printf, writing them cost more than all of vmsgen's
 * other work on top of the parse (tests/bench).
 */
__attribute__((format(printf, 2, 3)))
static void emitf(struct vg_buf *b, const char *fmt, ...)
{
    va_list ap;
    const char *p = fmt;

    va_start(ap, fmt);
    for (;;) {
        const char *pct = strchr(p, '%');

        put_mem(b, p, pct ? (size_t)(pct - p) : strlen(p));
        if (!pct)
            break;
        p = conversion(b, pct + 1, &ap);
    }
    va_end(ap);
    if (!b->s)
        vg_buf_reserve(b, 0);
    b->s[b->len] = '\0'; /* put_mem() left room for it */
}

char *vg_base_name(const char *header)
{
    const char *slash = strrchr(header, '/');
    const char *start = slash ? slash + 1 : header;
    const char *dot = strrchr(start, '.');
    size_t len = dot && dot != start ? (size_t)(dot - start) : strlen(start);
    char *b = vg_xmalloc(len + 1);

    memcpy(b, start, len);
    b[len] = '\0';
    return b;
}

static const char *file_name(const char *path)
{
    const char *slash = strrchr(path, '/');

    return slash ? slash + 1 : path;
}

/* A C identifier fragment from arbitrary text ("fifo-timeout" -> "fifo_timeout"). */
static void ident_part(struct vg_buf *b, const char *text)
{
    if (!*text)
        return; /* appends nothing, as before: an empty @b stays NULL */
    vg_buf_reserve(b, strlen(text));
    for (const char *p = text; *p; p++) {
        char c = *p;
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
        b->s[b->len++] = ok ? c : '_';
    }
    b->s[b->len] = '\0';
}

/* A C string literal for @text. */
static void c_string(struct vg_buf *out, const char *text)
{
    const unsigned char *p = (const unsigned char *)text;

    put_mem(out, "\"", 1);
    while (*p) {
        const unsigned char *run = p;

        while (*p && *p != '"' && *p != '\\' && *p >= 0x20 && *p < 0x7f)
            p++;
        put_mem(out, (const char *)run, (size_t)(p - run));
        if (*p == '"' || *p == '\\')
            emitf(out, "\\%c", *p);
        else if (*p)
            emitf(out, "\\%c%c%c", '0' + (*p >> 6), '0' + ((*p >> 3) & 7), '0' + (*p & 7));
        if (*p)
            p++;
    }
    emitf(out, "\"");
}

/* ---- expressions ---- */

struct name_ctx {
    const struct vg_desc *desc;
    bool *uses_int;
};

/* Members read as int64_t through vmsgen_int(): the expression language is evaluated in int64_t. */
static bool name_to_c(void *ctx, const struct vg_expr *node, struct vg_buf *out)
{
    const struct name_ctx *nc = ctx;
    const struct vg_member *mem;
    struct vg_buf path = {0};
    bool ok = true;

    switch (node->kind) {
    case VG_E_VERSION:
        emitf(out, "(int64_t)version");
        return true;
    case VG_E_NAME:
    case VG_E_MEMBER:
    case VG_E_INDEX:
        if (vg_resolve_member(nc->desc->rec, node, &mem, &path)) {
            emitf(out, "vmsgen_int((int64_t)s->%s)", path.s);
            *nc->uses_int = true;
        } else if (node->kind == VG_E_NAME)
            emitf(out, "(int64_t)(%s)", node->name); /* enum constant or macro */
        else
            ok = false;
        break;
    case VG_E_SIZEOF:
        ok = vg_resolve_member(nc->desc->rec, node->a, &mem, &path);
        if (ok)
            emitf(out, "(int64_t)sizeof(s->%s)", path.s);
        break;
    case VG_E_COUNTOF:
        ok = vg_resolve_member(nc->desc->rec, node->a, &mem, &path);
        if (ok)
            emitf(out, "(int64_t)(sizeof(s->%s) / sizeof(s->%s[0]))", path.s, path.s);
        break;
    default:
        ok = false;
    }
    vg_buf_free(&path);
    return ok;
}

static char *expr_c(struct emitter *em, const struct vg_expr *e)
{
    struct name_ctx nc = {.desc = em->desc, .uses_int = &em->uses_int};
    struct vg_buf b = {0};

    if (!vg_expr_to_c(e, name_to_c, &nc, &b)) {
        vg_buf_free(&b);
        return NULL;
    }
    return b.s;
}

/* Which generated function a field or subsection needs. */
static void fn_name(struct vg_buf *b, const struct vg_desc *desc, const char *part, const char *what)
{
    emitf(b, "vmsgen_%s_", desc->ident);
    if (part[0]) {
        ident_part(b, part);
        emitf(b, "_");
    }
    emitf(b, "%s", what);
}

void vg_fn_name(struct vg_buf *b, const struct vg_desc *desc, const char *part, const char *what)
{
    fn_name(b, desc, part, what);
}

/* Opens a shim function over `const T *s`; returns false if the expression cannot be written. */
static void fn_open(struct emitter *em, const char *ret, const char *name, bool is_const,
                    bool with_version)
{
    emitf(em->out, "static %s %s(%svoid *opaque%s)\n{\n", ret, name, is_const ? "const " : "",
          with_version ? ", int version" : "");
    emitf(em->out, "    %s%s *s = opaque;\n\n", is_const ? "const " : "", em->desc->rec->c_name);
    emitf(em->out, "    (void)s;\n");
    if (with_version)
        emitf(em->out, "    (void)version;\n");
}

static void emit_pred(struct emitter *em, const char *name, const struct vg_expr *e)
{
    char *c = expr_c(em, e);

    fn_open(em, "bool", name, true, true);
    emitf(em->out, "    return %s != 0;\n}\n\n", c ? c : "0");
    free(c);
}

/* VMS_CHECK and VMS_RANGE of one field, as one validation function. */
static void emit_check(struct emitter *em, const char *name, const struct vg_field *f)
{
    char *c = f->check ? expr_c(em, f->check) : NULL;

    fn_open(em, "bool", name, true, true);
    emitf(em->out, "    return ");
    if (f->has_range) {
        emitf(em->out, "vmsgen_int((int64_t)s->%s) >= %lldLL && vmsgen_int((int64_t)s->%s) <= %lldLL",
              f->c_path, (long long)f->lo, f->c_path, (long long)f->hi);
        em->uses_int = true;
    }
    if (f->has_range && f->check)
        emitf(em->out, " &&\n           ");
    if (f->check)
        emitf(em->out, "%s != 0", c ? c : "0");
    emitf(em->out, ";\n}\n\n");
    free(c);
}

static void emit_default(struct emitter *em, const char *name, const struct vg_field *f)
{
    char *c = expr_c(em, f->def);

    fn_open(em, "void", name, false, true);
    emitf(em->out, "    s->%s = (%s)(%s);\n}\n\n", f->c_path,
          f->member->type->spelling, c ? c : "0");
    free(c);
}

static void emit_count(struct emitter *em, const char *name, const struct vg_field *f)
{
    char *c = expr_c(em, f->count);

    fn_open(em, "int64_t", name, true, false);
    emitf(em->out, "    return %s;\n}\n\n", c ? c : "0");
    free(c);
}

/* The shim functions of one field: presence, validation, default, count. */
static void emit_field_fns(struct emitter *em, const struct vg_field *f)
{
    struct vg_buf n = {0};

    if (f->if_expr) {
        fn_name(&n, em->desc, f->c_path, "exists");
        emit_pred(em, n.s, f->if_expr);
        n.len = 0;
    }
    if (f->check || f->has_range) {
        fn_name(&n, em->desc, f->c_path, "check");
        emit_check(em, n.s, f);
        n.len = 0;
    }
    if (f->def) {
        fn_name(&n, em->desc, f->c_path, "default");
        emit_default(em, n.s, f);
        n.len = 0;
    }
    if (f->count && !f->count_path) {
        fn_name(&n, em->desc, f->c_path, "count");
        emit_count(em, n.s, f);
    }
    vg_buf_free(&n);
}

/* ---- tables ---- */

static void emit_flags(struct vg_buf *out, uint32_t flags)
{
    static const struct {
        uint32_t bit;
        const char *name;
    } names[] = {
        {VG_F_VARRAY, "VMS_F_VARRAY"}, {VG_F_POINTER, "VMS_F_POINTER"}, {VG_F_ALLOC, "VMS_F_ALLOC"},
        {VG_F_ARRAY_OF_POINTER, "VMS_F_ARRAY_OF_POINTER"}, {VG_F_EQUAL, "VMS_F_EQUAL"},
    };
    const char *sep = "";

    emitf(out, "        .flags = ");
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        if (flags & names[i].bit) {
            emitf(out, "%s%s", sep, names[i].name);
            sep = " | ";
        }
    }
    emitf(out, ",\n");
}

static void emit_count_members(struct emitter *em, const struct vg_field *f)
{
    const char *t = em->desc->rec->c_name;
    struct vg_buf n = {0};

    if (f->count_path) {
        const struct vg_member *mem;
        struct vg_buf path = {0};
        bool is_signed = vg_resolve_member(em->desc->rec, f->count, &mem, &path) &&
                         mem->type->is_signed;

        emitf(em->out, "        .count_offset = offsetof(%s, %s),\n", t, f->count_path);
        emitf(em->out, "        .count_size = sizeof(((%s *)0)->%s),\n", t, f->count_path);
        emitf(em->out, "        .count_signed = %s,\n", is_signed ? "true" : "false");
        vg_buf_free(&path);
    } else {
        fn_name(&n, em->desc, f->c_path, "count");
        emitf(em->out, "        .count_fn = %s,\n", n.s);
    }
    if (f->max)
        emitf(em->out, "        .max = %llu,\n", (unsigned long long)f->max);
    vg_buf_free(&n);
}

/*
 * The members every field entry has: name, type, flags, offset, size. They
 * and the layout asserts are most of the tables' text (8.5 MB in
 * tests/bench), so they are appended piece by piece: parsing a format
 * string costs more than the text it writes.
 */
static void emit_field_head(struct emitter *em, const struct vg_field *f)
{
    struct vg_buf *out = em->out;

    PUT(out, "    {\n        .name = ");
    c_string(out, f->wire_name);
    PUT(out, ",\n        .type = ");
    put_str(out, vg_wire_c_name(f->wire));
    PUT(out, ",\n");
    if (f->flags)
        emit_flags(out, f->flags);
    if (f->wire != VG_W_UNUSED) {
        PUT(out, "        .offset = offsetof(");
        put_str(out, em->desc->rec->c_name);
        PUT(out, ", ");
        put_str(out, f->c_path);
        PUT(out, "),\n");
    }
    PUT(out, "        .size = sizeof(");
    if (f->elem_size_deref)
        PUT(out, "*");
    PUT(out, "((");
    put_str(out, em->desc->rec->c_name);
    PUT(out, " *)0)->");
    put_str(out, f->c_path);
    for (unsigned i = 0; i < f->elem_size_dims; i++)
        PUT(out, "[0]");
    PUT(out, "),\n");
}

static void emit_field(struct emitter *em, const struct vg_field *f)
{
    struct vg_buf *out = em->out;
    struct vg_buf n = {0};

    emit_field_head(em, f);
    if (f->num > 1)
        emitf(out, "        .num = %llu,\n", (unsigned long long)f->num);
    if (f->flags & VG_F_VARRAY)
        emit_count_members(em, f);
    if (f->since)
        emitf(out, "        .since = %d,\n", f->since);
    if (f->until)
        emitf(out, "        .until = %d,\n", f->until);
    if (f->if_expr) {
        fn_name(&n, em->desc, f->c_path, "exists");
        emitf(out, "        .exists = %s,\n", n.s);
        n.len = 0;
    }
    if (f->nested)
        emitf(out, "        .desc = &vms_desc_%s,\n", f->nested->ident);
    if (f->wire == VG_W_CODEC) {
        fn_name(&n, em->desc, f->c_path, "codec");
        emitf(out, "        .codec = &%s,\n", n.s);
        n.len = 0;
    }
    if (f->check || f->has_range) {
        fn_name(&n, em->desc, f->c_path, "check");
        emitf(out, "        .check = %s,\n        .check_text = ", n.s);
        if (f->check_text && f->has_range)
            emitf(out, "\"VMS_RANGE(%lld, %lld) && \" ", (long long)f->lo, (long long)f->hi);
        if (f->check_text)
            c_string(out, f->check_text);
        else /* as c_string() would quote it: nothing to escape */
            emitf(out, "\"VMS_RANGE(%lld, %lld)\"", (long long)f->lo, (long long)f->hi);
        emitf(out, ",\n");
        n.len = 0;
    }
    if (f->def) {
        fn_name(&n, em->desc, f->c_path, "default");
        emitf(out, "        .set_default = %s,\n", n.s);
    }
    if (f->was_until)
        emitf(out, "        .was_type = %s,\n        .was_until = %d,\n", vg_wire_c_name(f->was_wire),
              f->was_until);
    PUT(out, "    },\n");
    vg_buf_free(&n);
}

/* Emits the field table of the main payload (sub = -1) or of a declared subsection. */
static bool emit_field_table(struct emitter *em, int sub, const char *symbol, bool is_static)
{
    size_t count = 0;

    for (size_t i = 0; i < em->desc->n_fields; i++)
        count += em->desc->fields[i].sub == sub;
    if (count == 0)
        return false;
    emitf(em->out, "%sconst struct vms_field %s[%zu] = {\n", is_static ? "static " : "", symbol,
          count);
    for (size_t i = 0; i < em->desc->n_fields; i++)
        if (em->desc->fields[i].sub == sub)
            emit_field(em, &em->desc->fields[i]);
    emitf(em->out, "};\n\n");
    return true;
}

static void emit_hooks(struct vg_buf *out, char *const hooks[VG_HOOK_COUNT])
{
    static const char *const members[VG_HOOK_COUNT] = {"pre_save", "post_save", "pre_load", "post_load"};

    for (int i = 0; i < VG_HOOK_COUNT; i++)
        if (hooks[i])
            emitf(out, "    .%s = %s,\n", members[i], hooks[i]);
}

/* A declared subsection's own description (fields of the parent, opaque = the parent). */
static void emit_def_sub(struct emitter *em, size_t i)
{
    const struct vg_sub *s = &em->desc->subs[i];
    struct vg_buf sym = {0};
    bool has_fields;

    emitf(&sym, "vms_fields_%s_", em->desc->ident);
    ident_part(&sym, s->short_name);
    has_fields = emit_field_table(em, (int)i, sym.s, true);
    emitf(em->out, "static const struct vms_desc vms_sub_%s_", em->desc->ident);
    {
        struct vg_buf id = {0};
        ident_part(&id, s->short_name);
        emitf(em->out, "%s = {\n    .name = ", id.s);
        vg_buf_free(&id);
    }
    c_string(em->out, s->name);
    emitf(em->out, ",\n    .version = %d,\n    .min_version = %d,\n    .size = sizeof(%s),\n",
          s->version, s->version, em->desc->rec->c_name);
    if (has_fields)
        emitf(em->out, "    .fields = %s,\n    .n_fields = VMS_COUNTOF(%s),\n", sym.s, sym.s);
    emitf(em->out, "};\n\n");
    vg_buf_free(&sym);
}

static size_t main_field_count(const struct vg_desc *desc)
{
    size_t n = 0;

    for (size_t i = 0; i < desc->n_fields; i++)
        n += desc->fields[i].sub < 0;
    return n;
}

/* A member subsection: the member type's description under the name "parent/sub". */
static void emit_member_sub(struct emitter *em, size_t i)
{
    const struct vg_sub *s = &em->desc->subs[i];
    const struct vg_desc *md = s->member_desc;
    struct vg_buf id = {0};

    ident_part(&id, s->short_name);
    emitf(em->out, "static const struct vms_desc vms_sub_%s_%s = {\n    .name = ", em->desc->ident,
          id.s);
    c_string(em->out, s->name);
    emitf(em->out, ",\n    .version = %d,\n    .min_version = %d,\n    .size = sizeof(%s),\n",
          md->version, md->min_version, md->rec->c_name);
    if (main_field_count(md))
        emitf(em->out, "    .fields = vms_fields_%s,\n    .n_fields = VMS_COUNTOF(vms_fields_%s),\n",
              md->ident, md->ident);
    if (md->n_subs)
        emitf(em->out, "    .subsections = vms_subs_%s,\n"
              "    .n_subsections = VMS_COUNTOF(vms_subs_%s),\n", md->ident, md->ident);
    emit_hooks(em->out, md->hooks);
    emitf(em->out, "};\n\n");
    vg_buf_free(&id);
}

/* Whether a declared subsection has fields with VMS_DEFAULT. */
static bool sub_has_defaults(const struct vg_desc *desc, size_t sub)
{
    for (size_t i = 0; i < desc->n_fields; i++)
        if (desc->fields[i].sub == (int)sub && desc->fields[i].def)
            return true;
    return false;
}

/* A subsection the stream lacks: its fields with VMS_DEFAULT get their values, in wire order. */
static void emit_sub_absent(struct emitter *em, const char *name, size_t sub)
{
    fn_open(em, "void", name, false, true);
    for (size_t i = 0; i < em->desc->n_fields; i++) {
        const struct vg_field *f = &em->desc->fields[i];
        char *c;

        if (f->sub != (int)sub || !f->def)
            continue;
        c = expr_c(em, f->def);
        emitf(em->out, "    s->%s = (%s)(%s);\n", f->c_path, f->member->type->spelling,
              c ? c : "0");
        free(c);
    }
    emitf(em->out, "}\n\n");
}

static void emit_sub_table(struct emitter *em)
{
    const struct vg_desc *desc = em->desc;
    struct vg_buf n = {0};

    if (desc->n_subs == 0)
        return;
    emitf(em->out, "const struct vms_subsection vms_subs_%s[%zu] = {\n", desc->ident,
          desc->n_subs);
    for (size_t i = 0; i < desc->n_subs; i++) {
        const struct vg_sub *s = &desc->subs[i];

        emitf(em->out, "    {\n        .desc = &vms_sub_%s_", desc->ident);
        n.len = 0;
        ident_part(&n, s->short_name);
        emitf(em->out, "%s,\n", n.s);
        if (s->member_path)
            emitf(em->out, "        .offset = offsetof(%s, %s),\n", desc->rec->c_name,
                  s->member_path);
        n.len = 0;
        fn_name(&n, desc, s->short_name, "needed");
        emitf(em->out, "        .needed = %s,\n", n.s);
        if (sub_has_defaults(desc, i)) {
            n.len = 0;
            fn_name(&n, desc, s->short_name, "absent");
            emitf(em->out, "        .absent = %s,\n", n.s);
        }
        if (s->present_path)
            emitf(em->out, "        .flags = VMS_SUB_PRESENT_FLAG,\n"
                  "        .present_offset = offsetof(%s, %s),\n", desc->rec->c_name,
                  s->present_path);
        emitf(em->out, "    },\n");
    }
    emitf(em->out, "};\n\n");
    vg_buf_free(&n);
}

/* ---- one description ---- */

/*
 * _Static_assert(offsetof(T, path) == OFFSET && sizeof(((T *)0)->path) == SIZE,
 *                "T.path moved or changed size: run vmsgen again");
 * piece by piece, as emit_field_head() (one per field: they are hot).
 */
static void emit_field_assert(struct vg_buf *out, const char *t, const struct vg_field *f)
{
    PUT(out, "_Static_assert(offsetof(");
    put_str(out, t);
    PUT(out, ", ");
    put_str(out, f->c_path);
    PUT(out, ") == ");
    put_u64(out, f->offset);
    PUT(out, " && sizeof(((");
    put_str(out, t);
    PUT(out, " *)0)->");
    put_str(out, f->c_path);
    PUT(out, ") == ");
    put_u64(out, f->member->type->size);
    PUT(out, ",\n               \"");
    put_str(out, t);
    PUT(out, ".");
    put_str(out, f->c_path);
    PUT(out, " moved or changed size: run vmsgen again\");\n");
}

static void emit_layout_asserts(struct emitter *em)
{
    const struct vg_desc *desc = em->desc;
    const char *t = desc->rec->c_name;

    emitf(em->out, "/* The layout this table was generated for (vmsgen's view through libclang). */\n");
    emitf(em->out, "_Static_assert(sizeof(%s) == %llu, \"%s changed size: run vmsgen again\");\n", t,
          (unsigned long long)desc->rec->size, t);
    for (size_t i = 0; i < desc->n_fields; i++)
        if (desc->fields[i].wire != VG_W_UNUSED)
            emit_field_assert(em->out, t, &desc->fields[i]);
    emitf(em->out, "\n");
}

/* Prototypes of the user's hooks and codecs, so a mismatched signature fails to compile. */
static void emit_prototypes(struct emitter *em)
{
    static const char *const params[VG_HOOK_COUNT] = {
        "void *opaque, vms_error_t *err", "void *opaque", "void *opaque, vms_error_t *err",
        "void *opaque, int version, vms_error_t *err",
    };
    const struct vg_desc *desc = em->desc;
    bool any = false;

    for (int i = 0; i < VG_HOOK_COUNT; i++) {
        if (desc->hooks[i]) {
            emitf(em->out, "int %s(%s);\n", desc->hooks[i], params[i]);
            any = true;
        }
    }
    for (size_t i = 0; i < desc->n_fields; i++) {
        const struct vg_field *f = &desc->fields[i];
        bool seen = false;

        if (f->wire != VG_W_CODEC)
            continue;
        for (size_t k = 0; k < i && !seen; k++) /* one prototype per codec pair */
            seen = desc->fields[k].wire == VG_W_CODEC &&
                   strcmp(desc->fields[k].codec_get, f->codec_get) == 0 &&
                   strcmp(desc->fields[k].codec_put, f->codec_put) == 0;
        if (seen)
            continue;
        emitf(em->out, "int %s(vms_stream_t *s, void *field, size_t size, vms_error_t *err);\n",
              f->codec_get);
        emitf(em->out, "int %s(vms_stream_t *s, const void *field, size_t size, vms_error_t *err);\n",
              f->codec_put);
        any = true;
    }
    if (any)
        emitf(em->out, "\n");
}

static void emit_codecs(struct emitter *em)
{
    struct vg_buf n = {0};

    for (size_t i = 0; i < em->desc->n_fields; i++) {
        const struct vg_field *f = &em->desc->fields[i];

        if (f->wire != VG_W_CODEC)
            continue;
        n.len = 0;
        fn_name(&n, em->desc, f->c_path, "codec");
        emitf(em->out, "static const struct vms_codec %s = {\n    .type_name = ", n.s);
        c_string(em->out, f->codec_type);
        emitf(em->out, ",\n    .get = %s,\n    .put = %s,\n};\n\n", f->codec_get, f->codec_put);
    }
    vg_buf_free(&n);
}

static void emit_desc(struct emitter *em, const struct vg_desc *desc)
{
    struct vg_buf n = {0}, sym = {0};
    uint64_t fast_size;
    bool has_fields;

    em->desc = desc;
    emitf(em->out, "/* ---- %s: \"%s\", version %d (loads %d..%d) ---- */\n\n", desc->rec->c_name,
          desc->name, desc->version, desc->min_version, desc->version);
    emit_layout_asserts(em);
    emit_prototypes(em);
    emit_codecs(em);
    for (size_t i = 0; i < desc->n_fields; i++)
        emit_field_fns(em, &desc->fields[i]);
    for (size_t i = 0; i < desc->n_subs; i++) {
        n.len = 0;
        fn_name(&n, desc, desc->subs[i].short_name, "needed");
        emit_pred(em, n.s, desc->subs[i].needed);
        if (sub_has_defaults(desc, i)) {
            n.len = 0;
            fn_name(&n, desc, desc->subs[i].short_name, "absent");
            emit_sub_absent(em, n.s, i);
        }
    }
    if (desc->needed) {
        n.len = 0;
        fn_name(&n, desc, "", "needed");
        emit_pred(em, n.s, desc->needed);
    }
    if (desc->check) {
        n.len = 0;
        fn_name(&n, desc, "", "check");
        emit_pred(em, n.s, desc->check);
    }
    for (size_t i = 0; i < desc->n_subs; i++) {
        if (desc->subs[i].member_desc)
            emit_member_sub(em, i);
        else
            emit_def_sub(em, i);
    }
    emit_sub_table(em);
    emitf(&sym, "vms_fields_%s", desc->ident);
    has_fields = emit_field_table(em, -1, sym.s, false);
    fast_size = vg_fast_size(desc);
    if (fast_size)
        vg_emit_fast(em->out, desc);
    emitf(em->out, "const struct vms_desc vms_desc_%s = {\n    .name = ", desc->ident);
    c_string(em->out, desc->name);
    emitf(em->out, ",\n    .version = %d,\n    .min_version = %d,\n    .size = sizeof(%s),\n",
          desc->version, desc->min_version, desc->rec->c_name);
    if (desc->priority)
        emitf(em->out, "    .priority = %d,\n", desc->priority);
    if (desc->unmigratable)
        emitf(em->out, "    .unmigratable = true,\n");
    if (has_fields)
        emitf(em->out, "    .fields = %s,\n    .n_fields = VMS_COUNTOF(%s),\n", sym.s, sym.s);
    if (desc->n_subs)
        emitf(em->out, "    .subsections = vms_subs_%s,\n    .n_subsections = VMS_COUNTOF(vms_subs_%s),\n",
              desc->ident, desc->ident);
    if (desc->needed) {
        n.len = 0;
        fn_name(&n, desc, "", "needed");
        emitf(em->out, "    .needed = %s,\n", n.s);
    }
    emit_hooks(em->out, desc->hooks);
    if (desc->check) {
        n.len = 0;
        fn_name(&n, desc, "", "check");
        emitf(em->out, "    .check = %s,\n    .check_text = ", n.s);
        c_string(em->out, desc->check_text);
        emitf(em->out, ",\n");
    }
    if (fast_size)
        emitf(em->out, "    .fast_size = %llu,\n    .fast_save = vmsgen_%s_fast_save,\n"
              "    .fast_load = vmsgen_%s_fast_load,\n", (unsigned long long)fast_size,
              desc->ident, desc->ident);
    emitf(em->out, "};\n\n");
    if (desc->n_lives)
        vg_emit_c_live(em->out, desc);
    vg_buf_free(&n);
    vg_buf_free(&sym);
}

/* ---- files ---- */

/* Opens <outdir>/<base><ext> for writing in place (outfile.h). */
static FILE *open_output(const char *outdir, const char *base, const char *ext, char **path,
                         struct vg_diags *d)
{
    FILE *f;

    *path = malloc(strlen(outdir) + strlen(base) + strlen(ext) + 3);
    if (!*path)
        abort();
    sprintf(*path, "%s/%s%s", outdir, base, ext);
    f = vg_output_open(*path);
    if (!f)
        vg_error(d, (struct vg_loc){0}, "cannot write '%s': %s", *path, strerror(errno));
    return f;
}

static void emit_header(const struct vg_model *m, struct vg_buf *out, const char *header,
                        const char *base)
{
    struct vg_buf guard = {0};

    ident_part(&guard, base);
    for (char *p = guard.s; *p; p++)
        *p = (char)(*p >= 'a' && *p <= 'z' ? *p - 'a' + 'A' : *p);
    emitf(out, "/* Generated by vmsgen from \"%s\". DO NOT EDIT. */\n", file_name(header));
    emitf(out, "#ifndef VMSGEN_%s_VMS_H\n#define VMSGEN_%s_VMS_H\n\n", guard.s, guard.s);
    emitf(out, "#include <vms/vms.h>\n\n#include \"%s\"\n\n", file_name(header));
    emitf(out, "#ifdef __cplusplus\nextern \"C\" {\n#endif\n\n");
    for (size_t i = 0; i < m->n_descs; i++) {
        const struct vg_desc *desc = m->descs[i];

        if (!desc->local)
            continue;
        emitf(out, "/* %s: \"%s\", version %d */\n", desc->rec->c_name, desc->name, desc->version);
        emitf(out, "extern const struct vms_desc vms_desc_%s;\n", desc->ident);
        if (main_field_count(desc))
            emitf(out, "extern const struct vms_field vms_fields_%s[%zu];\n", desc->ident,
                  main_field_count(desc));
        if (desc->n_subs)
            emitf(out, "extern const struct vms_subsection vms_subs_%s[%zu];\n", desc->ident,
                  desc->n_subs);
        if (desc->n_lives)
            vg_emit_h_live(out, desc);
        emitf(out, "\n");
    }
    emitf(out, "#ifdef __cplusplus\n}\n#endif\n\n#endif /* VMSGEN_%s_VMS_H */\n", guard.s);
    vg_buf_free(&guard);
}

/* The .vms.h of every other header whose descriptions this one uses. */
static void emit_includes(const struct vg_model *m, struct vg_buf *out, const char *base)
{
    const char *done[64];
    size_t n_done = 0;

    bool fast = false;

    for (size_t i = 0; i < m->n_descs && !fast; i++)
        fast = m->descs[i]->local && vg_fast_size(m->descs[i]);
    emitf(out, "#include <stdbool.h>\n#include <stddef.h>\n#include <stdint.h>\n");
    if (fast)
        emitf(out, "#include <string.h>\n\n#include <vms/fast.h>\n");
    emitf(out, "\n#include \"%s.vms.h\"\n", base);
    for (size_t i = 0; i < m->n_descs; i++) {
        const struct vg_desc *desc = m->descs[i];
        bool seen = false;

        if (desc->local || !(desc->used_nested || desc->used_as_sub || desc->n_subs))
            continue;
        for (size_t k = 0; k < n_done; k++)
            seen = seen || strcmp(done[k], desc->rec->loc.file) == 0;
        if (seen || n_done == 64)
            continue;
        done[n_done++] = desc->rec->loc.file;
        {
            char *other = vg_base_name(desc->rec->loc.file);
            emitf(out, "#include \"%s.vms.h\"\n", other);
            free(other);
        }
    }
    emitf(out, "\n#if VMS_DESC_ABI != %d\n#error \"%s.vms.c was generated for vmstate descriptor "
          "ABI %d: regenerate it with the vmsgen of this vmstate\"\n#endif\n\n",
          VG_DESC_ABI, base, VG_DESC_ABI);
}

/* Expressions read members through this (only emitted when used: clang flags unused ones). */
static void emit_int_helper(struct vg_buf *out)
{
    emitf(out, "/* Expressions are evaluated in int64_t; members are read through this. */\n"
          "static inline int64_t vmsgen_int(int64_t v)\n{\n    return v;\n}\n\n");
}

/* Held text is written out in pieces of this size, once the helper question is settled. */
#define FLUSH_AT (256 * 1024)

static bool write_all(FILE *f, const struct vg_buf *b)
{
    return b->len == 0 || fwrite(b->s, 1, b->len, f) == b->len;
}

static void write_buf(struct emitter *em, const struct vg_buf *b)
{
    if (!write_all(em->file, b))
        em->write_failed = true;
}

/*
 * Writes out the text held in em->out when what goes before it is known:
 * the prologue, then vmsgen_int() if an expression uses it. Until one does,
 * the text is held, since the helper must come first; once one has (the
 * first description with a VMS_RANGE, usually), the text goes out every
 * FLUSH_AT bytes and megabytes of tables never sit in memory at once.
 */
static void flush_body(struct emitter *em, bool at_end)
{
    if (!at_end && (!em->uses_int || em->out->len < FLUSH_AT))
        return;
    if (!em->started) {
        struct vg_buf helper = {0};

        write_buf(em, em->prologue);
        if (em->uses_int)
            emit_int_helper(&helper);
        write_buf(em, &helper);
        vg_buf_free(&helper);
        em->started = true;
    }
    write_buf(em, em->out);
    em->out->len = 0;
}

int vg_emit_c(const struct vg_model *m, const char *header, const char *outdir, struct vg_diags *d)
{
    char *base = vg_base_name(header), *hpath = NULL, *cpath = NULL;
    FILE *h = open_output(outdir, base, ".vms.h", &hpath, d);
    FILE *c = h ? open_output(outdir, base, ".vms.c", &cpath, d) : NULL;
    struct vg_buf hbuf = {0}, prologue = {0}, body = {0};
    struct emitter em = {.m = m, .out = &body, .file = c, .prologue = &prologue};
    bool h_ok = true;
    int ret = -1;

    if (h && c) {
        emit_header(m, &hbuf, header, base);
        h_ok = write_all(h, &hbuf);
        emitf(&prologue, "/* Generated by vmsgen from \"%s\". DO NOT EDIT. */\n", file_name(header));
        emit_includes(m, &prologue, base);
        for (size_t i = 0; i < m->n_descs; i++) {
            if (m->descs[i]->local) {
                emit_desc(&em, m->descs[i]);
                flush_body(&em, false);
            }
        }
        flush_body(&em, true);
        ret = 0;
    }
    if (h && !vg_output_close(h, h_ok))
        ret = -1;
    if (c && !vg_output_close(c, !em.write_failed))
        ret = -1;
    if (ret && (h || c))
        vg_error(d, (struct vg_loc){0}, "writing the generated files in '%s' failed", outdir);
    vg_buf_free(&hbuf);
    vg_buf_free(&prologue);
    vg_buf_free(&body);
    free(base);
    free(hpath);
    free(cpath);
    return ret;
}
