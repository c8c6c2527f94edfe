/* expr.c: expression trees: parsing entry, constant evaluation, C and text output. */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "annot_private.h"
#include "xalloc.h"

/* ---- memory ---- */

void *vgp_alloc(size_t n)
{
    return vg_xcalloc(1, n);
}

void *vgp_realloc(void *p, size_t n)
{
    return vg_xrealloc(p, n, 1);
}

char *vgp_strndup(const char *s, size_t n)
{
    char *p = vgp_alloc(n + 1);

    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

static void buf_grow(struct vg_buf *b, size_t extra)
{
    size_t cap = b->cap ? b->cap : 64;

    while (cap < b->len + extra + 1)
        cap *= 2;
    b->s = vgp_realloc(b->s, cap);
    b->cap = cap;
}

/* Makes room for @extra more bytes and a NUL in @b. */
static inline void buf_reserve(struct vg_buf *b, size_t extra)
{
    if (b->len + extra + 1 > b->cap)
        buf_grow(b, extra);
}

void vg_buf_reserve(struct vg_buf *b, size_t extra)
{
    buf_reserve(b, extra);
}

/* Prints into the spare capacity first: a second vsnprintf only when that overflowed. */
void vg_buf_printf(struct vg_buf *b, const char *fmt, ...)
{
    va_list ap;
    int n;

    buf_reserve(b, 63);
    va_start(ap, fmt);
    n = vsnprintf(b->s + b->len, b->cap - b->len, fmt, ap);
    va_end(ap);
    if (n < 0)
        abort(); /* a bad format: an internal bug */
    if (b->len + (size_t)n + 1 > b->cap) {
        buf_reserve(b, (size_t)n);
        va_start(ap, fmt);
        vsnprintf(b->s + b->len, b->cap - b->len, fmt, ap);
        va_end(ap);
    }
    b->len += (size_t)n;
}

void vg_buf_append(struct vg_buf *b, const char *s, size_t n)
{
    buf_reserve(b, n);
    memcpy(b->s + b->len, s, n);
    b->len += n;
    b->s[b->len] = '\0';
}

void vg_buf_puts(struct vg_buf *b, const char *s)
{
    vg_buf_append(b, s, strlen(s));
}

void vg_buf_putc(struct vg_buf *b, char c)
{
    buf_reserve(b, 1);
    b->s[b->len++] = c;
    b->s[b->len] = '\0';
}

void vg_buf_free(struct vg_buf *b)
{
    free(b->s);
    b->s = NULL;
    b->len = b->cap = 0;
}

/* ---- nodes ---- */

struct vg_expr *vgp_node(enum vg_expr_kind kind, unsigned col)
{
    struct vg_expr *e = vgp_alloc(sizeof(*e));

    e->kind = kind;
    e->col = col;
    return e;
}

struct vg_expr *vgp_unary(int op, struct vg_expr *a, unsigned col)
{
    struct vg_expr *e = vgp_node(VG_E_UNARY, col);

    e->op = op;
    e->a = a;
    return e;
}

struct vg_expr *vgp_binary(int op, struct vg_expr *a, struct vg_expr *b)
{
    struct vg_expr *e = vgp_node(VG_E_BINARY, a->col);

    e->op = op;
    e->a = a;
    e->b = b;
    return e;
}

void vg_expr_free(struct vg_expr *e)
{
    if (!e)
        return;
    vg_expr_free(e->a);
    vg_expr_free(e->b);
    vg_expr_free(e->c);
    free(e->name);
    free(e);
}

struct vg_expr *vg_expr_clone(const struct vg_expr *e)
{
    struct vg_expr *c;

    if (!e)
        return NULL;
    c = vgp_alloc(sizeof(*c));
    *c = *e;
    c->name = e->name ? vgp_strndup(e->name, strlen(e->name)) : NULL;
    c->a = vg_expr_clone(e->a);
    c->b = vg_expr_clone(e->b);
    c->c = vg_expr_clone(e->c);
    return c;
}

struct vg_expr *vg_expr_parse(const char *text, struct vg_loc loc, struct vg_diags *d)
{
    struct vgp_ctx c = {
        .text = text ? text : "",
        .mode = VGP_MODE_EXPR,
        .d = d,
        .loc = loc,
        .what = "expression",
    };
    struct vg_expr *e = NULL;

    c.len = strlen(c.text);
    c.shown = c.text;
    if (c.len > VGP_MAX_TEXT) {
        vgp_error(&c, 1, "the text is too long (more than %d characters)", VGP_MAX_TEXT);
    } else if (vgp_run(&c) == 0) {
        e = c.expr;
        c.expr = NULL;
    }
    vgp_ctx_clear(&c);
    return e;
}

const char *vg_op_text(int op)
{
    switch (op) {
    case VG_OP_SHL: return "<<";
    case VG_OP_SHR: return ">>";
    case VG_OP_LE: return "<=";
    case VG_OP_GE: return ">=";
    case VG_OP_EQ: return "==";
    case VG_OP_NE: return "!=";
    case VG_OP_AND: return "&&";
    case VG_OP_OR: return "||";
    case '!': return "!";
    case '~': return "~";
    case '-': return "-";
    case '+': return "+";
    case '*': return "*";
    case '/': return "/";
    case '%': return "%";
    case '<': return "<";
    case '>': return ">";
    case '&': return "&";
    case '^': return "^";
    case '|': return "|";
    case ',': return ",";
    default: return "?";
    }
}

/* ---- constant evaluation ---- */

struct eval {
    vg_lookup_fn lookup;
    void *ctx;
    const struct vg_expr *bad;
};

static bool eval(struct eval *ev, const struct vg_expr *e, int64_t *v);

static bool fail(struct eval *ev, const struct vg_expr *e)
{
    ev->bad = e;
    return false;
}

/* x << n as x * 2^n: defined for every x, overflow detected (C leaves negative x undefined). */
static bool shift_left(int64_t x, int64_t n, int64_t *v)
{
    if (n == 63) {
        if (x != 0 && x != -1)
            return false;
        *v = x ? INT64_MIN : 0;
        return true;
    }
    return !__builtin_mul_overflow(x, (int64_t)1 << n, v);
}

static bool eval_binary(struct eval *ev, const struct vg_expr *e, int64_t *v)
{
    int64_t x, y;

    if (!eval(ev, e->a, &x))
        return false;
    /* && and || do not evaluate their right side when the left decides, as in C */
    if (e->op == VG_OP_AND && !x) {
        *v = 0;
        return true;
    }
    if (e->op == VG_OP_OR && x) {
        *v = 1;
        return true;
    }
    if (!eval(ev, e->b, &y))
        return false;
    switch (e->op) {
    case '*': return !__builtin_mul_overflow(x, y, v) || fail(ev, e);
    case '+': return !__builtin_add_overflow(x, y, v) || fail(ev, e);
    case '-': return !__builtin_sub_overflow(x, y, v) || fail(ev, e);
    case '/':
    case '%':
        if (y == 0 || (x == INT64_MIN && y == -1))
            return fail(ev, e);
        *v = e->op == '/' ? x / y : x % y;
        return true;
    case VG_OP_SHL:
        return (y >= 0 && y <= 63 && shift_left(x, y, v)) || fail(ev, e);
    case VG_OP_SHR:
        if (y < 0 || y > 63)
            return fail(ev, e);
        *v = x < 0 ? ~(~x >> y) : x >> y; /* arithmetic shift, without C's implementation-defined case */
        return true;
    case '<': *v = x < y; return true;
    case '>': *v = x > y; return true;
    case VG_OP_LE: *v = x <= y; return true;
    case VG_OP_GE: *v = x >= y; return true;
    case VG_OP_EQ: *v = x == y; return true;
    case VG_OP_NE: *v = x != y; return true;
    case '&': *v = x & y; return true;
    case '^': *v = x ^ y; return true;
    case '|': *v = x | y; return true;
    case VG_OP_AND:
    case VG_OP_OR: *v = y != 0; return true;
    case ',': *v = y; return true;
    default: return fail(ev, e);
    }
}

static bool eval(struct eval *ev, const struct vg_expr *e, int64_t *v)
{
    int64_t x;

    switch (e->kind) {
    case VG_E_INT:
        if (e->ival > INT64_MAX)
            return fail(ev, e);
        *v = (int64_t)e->ival;
        return true;
    case VG_E_NAME:
        return (ev->lookup && ev->lookup(ev->ctx, e->name, v)) || fail(ev, e);
    case VG_E_UNARY:
        if (!eval(ev, e->a, &x))
            return false;
        switch (e->op) {
        case '!': *v = !x; return true;
        case '~': *v = ~x; return true;
        case '+': *v = x; return true;
        case '-': return !__builtin_sub_overflow((int64_t)0, x, v) || fail(ev, e);
        default: return fail(ev, e);
        }
    case VG_E_BINARY:
        return eval_binary(ev, e, v);
    case VG_E_COND:
        if (!eval(ev, e->a, &x))
            return false;
        return eval(ev, x ? e->b : e->c, v);
    default: /* version, members, indexing, sizeof and countof need the struct */
        return fail(ev, e);
    }
}

bool vg_expr_eval_const(const struct vg_expr *e, vg_lookup_fn lookup, void *ctx, int64_t *value,
                        const struct vg_expr **bad)
{
    struct eval ev = {.lookup = lookup, .ctx = ctx};
    int64_t v;
    bool ok = e && eval(&ev, e, &v);

    if (ok)
        *value = v;
    if (bad)
        *bad = ok ? NULL : ev.bad;
    return ok;
}

void vg_expr_eval_explain(const struct vg_expr *bad, vg_lookup_fn lookup, void *ctx,
                          struct vg_buf *out)
{
    struct vg_buf t = {0};
    int64_t y = 0;
    const struct vg_expr *ignored;

    if (!bad) {
        vg_buf_printf(out, "no expression");
        return;
    }
    vg_expr_to_text(bad, &t);
    switch (bad->kind) {
    case VG_E_INT:
        vg_buf_printf(out, "integer literal %s is out of range", t.s);
        break;
    case VG_E_NAME:
        vg_buf_printf(out, lookup ? "'%s' is not an enum constant or an integer macro"
                                  : "'%s' is not a constant", t.s);
        break;
    case VG_E_BINARY:
        if (bad->b)
            vg_expr_eval_const(bad->b, lookup, ctx, &y, &ignored);
        if ((bad->op == '/' || bad->op == '%') && y == 0)
            vg_buf_printf(out, "division by zero in '%s'", t.s);
        else if ((bad->op == VG_OP_SHL || bad->op == VG_OP_SHR) && (y < 0 || y > 63))
            vg_buf_printf(out, "shift count %" PRId64 " is out of range 0..63 in '%s'", y, t.s);
        else
            vg_buf_printf(out, "integer overflow in '%s'", t.s);
        break;
    case VG_E_UNARY:
        vg_buf_printf(out, "integer overflow in '%s'", t.s);
        break;
    default:
        vg_buf_printf(out, "'%s' is not a constant", t.s);
    }
    vg_buf_free(&t);
}

/* ---- C output ---- */

/* " op " between the operands of a binary node (", " for the comma operator). */
static void binary_op(struct vg_buf *out, int op)
{
    if (op != ',')
        vg_buf_putc(out, ' ');
    vg_buf_puts(out, vg_op_text(op));
    vg_buf_putc(out, ' ');
}

static bool to_c(const struct vg_expr *e, vg_name_fn name_fn, void *ctx, struct vg_buf *out)
{
    switch (e->kind) {
    case VG_E_INT:
        /* long long: the language computes in 64 bits, so 1 << 40 must not be an int shift */
        vg_buf_printf(out, "%" PRIu64 "LL", e->ival);
        return true;
    case VG_E_UNARY:
        vg_buf_putc(out, '(');
        vg_buf_puts(out, vg_op_text(e->op));
        if (!to_c(e->a, name_fn, ctx, out))
            return false;
        vg_buf_putc(out, ')');
        return true;
    case VG_E_BINARY:
        vg_buf_putc(out, '(');
        if (!to_c(e->a, name_fn, ctx, out))
            return false;
        binary_op(out, e->op);
        if (!to_c(e->b, name_fn, ctx, out))
            return false;
        vg_buf_putc(out, ')');
        return true;
    case VG_E_COND:
        vg_buf_putc(out, '(');
        if (!to_c(e->a, name_fn, ctx, out))
            return false;
        vg_buf_puts(out, " ? ");
        if (!to_c(e->b, name_fn, ctx, out))
            return false;
        vg_buf_puts(out, " : ");
        if (!to_c(e->c, name_fn, ctx, out))
            return false;
        vg_buf_putc(out, ')');
        return true;
    default: /* names, version, a.b, a[i], sizeof and countof: the caller knows the struct */
        return name_fn(ctx, e, out);
    }
}

bool vg_expr_to_c(const struct vg_expr *e, vg_name_fn name_fn, void *ctx, struct vg_buf *out)
{
    size_t len = out->len;

    if (!e || !to_c(e, name_fn, ctx, out)) {
        if (out->s)
            out->s[len] = '\0'; /* leave nothing half written */
        out->len = len;
        return false;
    }
    if (!out->s)
        vg_buf_printf(out, "%s", "");
    return true;
}

/* ---- text output ---- */

/* Binding strength, as in C: higher binds tighter. */
enum {
    P_COMMA = 1, P_COND, P_OR, P_AND, P_BITOR, P_XOR, P_BITAND, P_EQ, P_REL, P_SHIFT, P_ADD, P_MUL,
    P_UNARY, P_POSTFIX, P_PRIMARY
};

static int binary_prec(int op)
{
    switch (op) {
    case ',': return P_COMMA;
    case VG_OP_OR: return P_OR;
    case VG_OP_AND: return P_AND;
    case '|': return P_BITOR;
    case '^': return P_XOR;
    case '&': return P_BITAND;
    case VG_OP_EQ: case VG_OP_NE: return P_EQ;
    case '<': case '>': case VG_OP_LE: case VG_OP_GE: return P_REL;
    case VG_OP_SHL: case VG_OP_SHR: return P_SHIFT;
    case '+': case '-': return P_ADD;
    default: return P_MUL;
    }
}

static int prec(const struct vg_expr *e)
{
    switch (e->kind) {
    case VG_E_BINARY: return binary_prec(e->op);
    case VG_E_COND: return P_COND;
    case VG_E_UNARY: case VG_E_SIZEOF: return P_UNARY;
    case VG_E_MEMBER: case VG_E_INDEX: return P_POSTFIX;
    default: return P_PRIMARY;
    }
}

static void text(const struct vg_expr *e, struct vg_buf *out);

/* Writes @e, in parentheses when it binds less tightly than @min. */
static void text_at(const struct vg_expr *e, int min, struct vg_buf *out)
{
    bool paren = prec(e) < min;

    if (paren)
        vg_buf_printf(out, "(");
    text(e, out);
    if (paren)
        vg_buf_printf(out, ")");
}

static void text(const struct vg_expr *e, struct vg_buf *out)
{
    switch (e->kind) {
    case VG_E_INT: vg_buf_printf(out, "%" PRIu64, e->ival); break;
    case VG_E_NAME: vg_buf_printf(out, "%s", e->name ? e->name : "?"); break;
    case VG_E_VERSION: vg_buf_printf(out, "version"); break;
    case VG_E_MEMBER:
        text_at(e->a, P_POSTFIX, out);
        vg_buf_printf(out, ".%s", e->name ? e->name : "?");
        break;
    case VG_E_INDEX:
        text_at(e->a, P_POSTFIX, out);
        vg_buf_printf(out, "[");
        text(e->b, out);
        vg_buf_printf(out, "]");
        break;
    case VG_E_UNARY:
        vg_buf_printf(out, "%s", vg_op_text(e->op));
        /* "- -x", not "--x", which would read back as a decrement */
        if (e->a->kind == VG_E_UNARY && (e->op == '-' || e->op == '+') && e->a->op == e->op)
            vg_buf_printf(out, " ");
        text_at(e->a, P_UNARY, out);
        break;
    case VG_E_BINARY: {
        int p = binary_prec(e->op);

        text_at(e->a, p, out); /* left-associative: the left side may bind as loosely */
        binary_op(out, e->op);
        text_at(e->b, p + 1, out);
        break;
    }
    case VG_E_COND:
        text_at(e->a, P_OR, out);
        vg_buf_printf(out, " ? ");
        text_at(e->b, P_COND, out);
        vg_buf_printf(out, " : ");
        text_at(e->c, P_COND, out); /* right-associative: a ? b : c ? d : e */
        break;
    case VG_E_SIZEOF:
    case VG_E_COUNTOF:
        vg_buf_printf(out, "%s(", e->kind == VG_E_SIZEOF ? "sizeof" : "countof");
        text(e->a, out);
        vg_buf_printf(out, ")");
        break;
    }
}

void vg_expr_to_text(const struct vg_expr *e, struct vg_buf *out)
{
    if (e)
        text(e, out);
    else if (!out->s)
        vg_buf_printf(out, "%s", "");
}
