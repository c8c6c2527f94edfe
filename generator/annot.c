/* annot.c: annotation kinds and their arguments, literals, and the errors of the annotation language. */
#include <ctype.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "annot_private.h"

/* ---- errors ---- */

/* Appends @s as a message shows it: control characters escaped, everything else as written. */
void vgp_quote(struct vg_buf *b, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)s[i];

        if (ch == '\n')
            vg_buf_printf(b, "\\n");
        else if (ch == '\t')
            vg_buf_printf(b, "\\t");
        else if (ch < 0x20 || ch == 0x7f)
            vg_buf_printf(b, "\\x%02x", ch);
        else
            vg_buf_printf(b, "%c", ch);
    }
    if (!b->s)
        vg_buf_printf(b, "%s", "");
}

static unsigned shown_col(const struct vgp_ctx *c, unsigned col)
{
    if (!c->colmap)
        return col;
    return col >= 1 && col <= c->len ? c->colmap[col - 1] : c->colmap_end;
}

/* "in annotation 'range(0)' at column 8: <message>", at the place the annotation was written. */
void vgp_error(struct vgp_ctx *c, unsigned col, const char *fmt, ...)
{
    struct vg_buf shown = {0}, msg = {0};
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    msg.s = vgp_alloc((size_t)(n < 0 ? 0 : n) + 1);
    va_start(ap, fmt);
    vsnprintf(msg.s, (size_t)(n < 0 ? 0 : n) + 1, fmt, ap);
    va_end(ap);
    vgp_quote(&shown, c->shown, strlen(c->shown));
    vg_error(c->d, c->loc, "in %s '%s' at column %u: %s", c->what, shown.s, shown_col(c, col), msg.s);
    c->errors++;
    vg_buf_free(&shown);
    free(msg.s);
}

/* ---- literals ---- */

static int hex_value(char ch)
{
    if (ch >= '0' && ch <= '9')
        return ch - '0';
    if (ch >= 'a' && ch <= 'f')
        return ch - 'a' + 10;
    if (ch >= 'A' && ch <= 'F')
        return ch - 'A' + 10;
    return -1;
}

/* A C integer suffix: u, l, ll, ul, lu, ull, llu in any case (ll not mixed, as in C). */
static bool valid_suffix(const char *s, size_t n)
{
    size_t i = 0;
    bool u = false, l = false;

    while (i < n) {
        if ((s[i] == 'u' || s[i] == 'U') && !u) {
            u = true;
            i++;
        } else if ((s[i] == 'l' || s[i] == 'L') && !l) {
            l = true;
            i += i + 1 < n && s[i + 1] == s[i] ? 2 : 1;
        } else {
            return false;
        }
    }
    return true;
}

bool vgp_lex_number(struct vgp_ctx *c, const char *tok, size_t len, unsigned col, uint64_t *value)
{
    unsigned base = 10;
    size_t i = 0, start;
    uint64_t v = 0;

    if (memchr(tok, '.', len)) {
        vgp_error(c, col, "floating-point numbers are not allowed in expressions ('%.*s')", (int)len, tok);
        return false;
    }
    if (len > 1 && tok[0] == '0' && (tok[1] == 'x' || tok[1] == 'X')) {
        base = 16;
        i = 2;
    } else if (tok[0] == '0') {
        base = 8;
    }
    start = i;
    for (; i < len; i++) {
        int dv = hex_value(tok[i]);

        if (dv < 0 || (base != 16 && dv > 9))
            break;
        if (base == 8 && dv > 7) {
            vgp_error(c, col, "invalid digit '%c' in octal literal '%.*s'", tok[i], (int)len, tok);
            return false;
        }
        if (__builtin_mul_overflow(v, base, &v) || __builtin_add_overflow(v, (unsigned)dv, &v) ||
            v > INT64_MAX) {
            vgp_error(c, col, "integer literal '%.*s' is out of range (the largest is %" PRId64 ")",
                      (int)len, tok, INT64_MAX);
            return false;
        }
    }
    if (i == start) {
        vgp_error(c, col, "hexadecimal literal '%.*s' has no digits", (int)len, tok);
        return false;
    }
    if (!valid_suffix(tok + i, len - i)) {
        vgp_error(c, col, "invalid suffix '%.*s' on integer literal '%.*s'", (int)(len - i), tok + i,
                  (int)len, tok);
        return false;
    }
    *value = v;
    return true;
}

/*
 * Reads one character or escape sequence at @p (before @end) of a literal
 * written at column @col; returns its byte value and sets *adv, or returns -1
 * after reporting an error.
 */
static int read_char(struct vgp_ctx *c, const char *p, const char *end, unsigned col, size_t *adv)
{
    static const char simple[] = "\'\'\"\"??\\\\a\ab\bf\fn\nr\rt\tv\v";
    unsigned v = 0;
    size_t n = 2;

    if (*p != '\\' || p + 1 >= end) {
        *adv = 1;
        return (unsigned char)*p;
    }
    for (size_t i = 0; simple[i]; i += 2) {
        if (p[1] == simple[i]) {
            *adv = 2;
            return (unsigned char)simple[i + 1];
        }
    }
    if (p[1] >= '0' && p[1] <= '7') {
        for (n = 1; n < 4 && p + n < end && p[n] >= '0' && p[n] <= '7'; n++)
            v = v * 8 + (unsigned)(p[n] - '0');
    } else if (p[1] == 'x') {
        for (; p + n < end && hex_value(p[n]) >= 0; n++) {
            v = v * 16 + (unsigned)hex_value(p[n]);
            if (v > 255)
                break;
        }
        if (n == 2) {
            vgp_error(c, col, "\\x used with no following hex digits");
            return -1;
        }
    } else {
        vgp_error(c, col, "unknown escape sequence '\\%c'", isprint((unsigned char)p[1]) ? p[1] : '?');
        return -1;
    }
    if (v > 255) {
        vgp_error(c, col, "escape sequence out of range (a byte is at most \\xff)");
        return -1;
    }
    *adv = n;
    return (int)v;
}

bool vgp_lex_char(struct vgp_ctx *c, const char *tok, size_t len, unsigned col, uint64_t *value)
{
    const char *p = tok + 1, *end = tok + len;
    size_t count = 0;

    while (p < end && *p != '\'') {
        size_t adv;
        int v = read_char(c, p, end, col + (unsigned)(p - tok), &adv);

        if (v < 0)
            return false;
        if (count++ == 0)
            *value = (uint64_t)v;
        p += adv;
    }
    if (p >= end) {
        vgp_error(c, col, "unterminated character literal");
        return false;
    }
    if (count != 1) {
        vgp_error(c, col, count ? "multi-character character literal" : "empty character literal");
        return false;
    }
    return true;
}

struct vgp_str *vgp_lex_string(struct vgp_ctx *c, const char *tok, size_t len, unsigned col)
{
    struct vgp_str *s = vgp_alloc(sizeof(*s));
    const char *p = tok + 1, *end = tok + len;

    s->s = vgp_alloc(len);
    s->cols = vgp_alloc(len * sizeof(*s->cols));
    s->col = col;
    while (p < end && *p != '"') {
        unsigned at = col + (unsigned)(p - tok);
        size_t adv;
        int v = read_char(c, p, end, at, &adv);

        if (v == 0)
            vgp_error(c, at, "string literal contains a NUL character");
        if (v <= 0) {
            vgp_str_free(s);
            return NULL;
        }
        s->cols[s->len] = at;
        s->s[s->len++] = (char)v;
        p += adv;
    }
    if (p >= end) {
        vgp_error(c, col, "unterminated string literal");
        vgp_str_free(s);
        return NULL;
    }
    s->s[s->len] = '\0';
    s->end_col = col + (unsigned)(p - tok);
    return s;
}

struct vgp_str *vgp_str_cat(struct vgp_str *a, struct vgp_str *b)
{
    a->s = vgp_realloc(a->s, a->len + b->len + 1);
    a->cols = vgp_realloc(a->cols, (a->len + b->len + 1) * sizeof(*a->cols));
    memcpy(a->s + a->len, b->s, b->len + 1);
    memcpy(a->cols + a->len, b->cols, b->len * sizeof(*a->cols));
    a->len += b->len;
    a->end_col = b->end_col;
    vgp_str_free(b);
    return a;
}

void vgp_str_free(struct vgp_str *s)
{
    if (!s)
        return;
    free(s->s);
    free(s->cols);
    free(s);
}

/* ---- parser context ---- */

void vgp_set_word(struct vgp_ctx *c, unsigned col, unsigned end_col)
{
    c->word_col = col;
    c->word_end = end_col;
}

void vgp_add_arg(struct vgp_ctx *c, enum vgp_raw_kind kind, struct vg_expr *e, struct vgp_str *s,
                 unsigned col, unsigned end_col)
{
    struct vgp_raw_arg *a;

    if (c->n_args == c->cap_args) {
        c->cap_args = c->cap_args ? 2 * c->cap_args : 4;
        c->args = vgp_realloc(c->args, c->cap_args * sizeof(*c->args));
    }
    a = &c->args[c->n_args++];
    *a = (struct vgp_raw_arg){.kind = kind, .expr = e, .str = s, .col = col, .end_col = end_col};
}

void vgp_ctx_clear(struct vgp_ctx *c)
{
    for (size_t i = 0; i < c->n_args; i++) {
        vg_expr_free(c->args[i].expr);
        vgp_str_free(c->args[i].str);
    }
    free(c->args);
    c->args = NULL;
    c->n_args = c->cap_args = 0;
    vg_expr_free(c->expr);
    c->expr = NULL;
}

/* ---- the kinds ---- */

/*
 * One letter per argument: S a string, E a string holding an expression,
 * V a version (0 .. INT32_MAX), I an integer, P an int, N a count (>= 0),
 * F a function name, H a function name or '-'.
 */
static const struct kind {
    const char *word, *args, *form;
} kinds[VG_A_COUNT_] = {
    [VG_A_STATE] = {"state", "SVV", "state(\"name\", ver, min_ver)"},
    [VG_A_SUBSECTION_DEF] = {"subsection_def", "SVE", "subsection_def(\"sub\", ver, \"needed-expr\")"},
    [VG_A_PRIORITY] = {"priority", "P", "priority(n)"},
    [VG_A_NEEDED] = {"needed", "E", "needed(\"expr\")"},
    [VG_A_UNMIGRATABLE] = {"unmigratable", "", "unmigratable"},
    [VG_A_TYPE_NAME] = {"type_name", "S", "type_name(\"type-name\")"},
    [VG_A_HOOKS] = {"hooks", "HHHH", "hooks(pre_save, post_save, pre_load, post_load)"},
    [VG_A_CHECK] = {"check", "E", "check(\"expr\")"},
    [VG_A_SKIP] = {"skip", "", "skip"},
    [VG_A_IMMUTABLE] = {"immutable", "", "immutable"},
    [VG_A_DERIVED] = {"derived", "", "derived"},
    [VG_A_SINCE] = {"since", "V", "since(v)"},
    [VG_A_UNTIL] = {"until", "V", "until(v)"},
    [VG_A_IF] = {"if", "E", "if(\"expr\")"},
    [VG_A_DEFAULT] = {"default", "E", "default(\"expr\")"},
    [VG_A_COUNT] = {"count", "E", "count(\"expr\")"},
    [VG_A_MAX] = {"max", "N", "max(n)"},
    [VG_A_ALLOC] = {"alloc", "", "alloc"},
    [VG_A_DEREF] = {"deref", "", "deref"},
    [VG_A_IN] = {"in", "S", "in(\"sub\")"},
    [VG_A_PRESENT] = {"present", "S", "present(\"sub\")"},
    [VG_A_CODEC] = {"codec", "FFS", "codec(get, put, \"type\")"},
    [VG_A_SUBSECTION] = {"subsection", "SE", "subsection(\"sub\", \"needed-expr\")"},
    [VG_A_UNUSED] = {"unused", "", "unused"},
    [VG_A_EQUAL] = {"equal", "", "equal"},
    [VG_A_RANGE] = {"range", "II", "range(lo, hi)"},
    [VG_A_WAS] = {"was", "SV", "was(\"type\", v)"},
    [VG_A_RENAMED] = {"renamed", "S", "renamed(\"old\")"},
    [VG_A_NAME] = {"name", "S", "name(\"wire-name\")"},
    [VG_A_TYPE] = {"type", "S", "type(\"info\")"},
    [VG_A_LIVE] = {"live", "S", "live(\"bitmap\")"},
    [VG_A_LIVE_CHUNK] = {"live_chunk", "N", "live_chunk(n)"},
};

const char *vg_annot_word(enum vg_annot_kind k)
{
    return (unsigned)k < VG_A_COUNT_ ? kinds[k].word : "?";
}

/* Edit distance between @a (length @n, compared without case) and @b, at most 9. */
static size_t distance(const char *a, size_t n, const char *b)
{
    size_t m = strlen(b), row[32];

    if (n > 30 || m > 30)
        return 9;
    for (size_t j = 0; j <= m; j++)
        row[j] = j;
    for (size_t i = 1; i <= n; i++) {
        size_t diag = row[0];

        row[0] = i;
        for (size_t j = 1; j <= m; j++) {
            size_t up = row[j];
            size_t sub = diag + (tolower((unsigned char)a[i - 1]) != b[j - 1]);
            size_t best = up + 1 < row[j - 1] + 1 ? up + 1 : row[j - 1] + 1;

            row[j] = sub < best ? sub : best;
            diag = up;
        }
    }
    return row[m] < 9 ? row[m] : 9;
}

/* The known word closest to @w (a typo, another case, the macro's name), or NULL. */
static const char *closest_word(const char *w, size_t n)
{
    const char *best = NULL;
    size_t best_d = 3;

    if (n > 4 && tolower((unsigned char)w[0]) == 'v' && tolower((unsigned char)w[1]) == 'm' &&
        tolower((unsigned char)w[2]) == 's' && w[3] == '_') {
        w += 4;
        n -= 4;
    }
    for (size_t k = 0; k < VG_A_COUNT_; k++) {
        size_t d = distance(w, n, kinds[k].word);

        if (d < best_d && d < n) {
            best_d = d;
            best = kinds[k].word;
        }
    }
    return best;
}

static int find_kind(const char *w, size_t n)
{
    for (size_t k = 0; k < VG_A_COUNT_; k++)
        if (strlen(kinds[k].word) == n && memcmp(kinds[k].word, w, n) == 0)
            return (int)k;
    return -1;
}

static bool check_count(struct vgp_ctx *c, const struct kind *k)
{
    size_t want = strlen(k->args), got = c->n_args;
    unsigned col;

    if (got == want)
        return true;
    col = got > want ? c->args[want].col : c->has_parens ? c->rparen_col : (unsigned)c->len + 1;
    if (want == 0)
        vgp_error(c, col, "%s takes no arguments, got %zu; expected %s", k->word, got, k->form);
    else
        vgp_error(c, col, "%s() takes %zu argument%s, got %zu; expected %s", k->word, want,
                  want == 1 ? "" : "s", got, k->form);
    return false;
}

/* ---- arguments ---- */

struct argctx {
    struct vgp_ctx *c;
    const struct kind *k;
    size_t i;                  /* from 0 */
    const struct vgp_raw_arg *raw;
    vg_lookup_fn lookup;
    void *ctx;
};

/* The tree of the expression in a string argument, or NULL; errors point into the annotation text. */
static struct vg_expr *parse_expr_string(struct argctx *x)
{
    const struct vgp_str *s = x->raw->str;
    struct vgp_ctx sub = {
        .text = s->s,
        .len = s->len,
        .mode = VGP_MODE_EXPR,
        .d = x->c->d,
        .loc = x->c->loc,
        .what = x->c->what,
        .shown = x->c->shown,
        .colmap = s->cols,
        .colmap_end = s->end_col,
    };
    struct vg_expr *e = NULL;

    if (vgp_run(&sub) == 0) {
        e = sub.expr;
        sub.expr = NULL;
    }
    x->c->errors += sub.errors;
    vgp_ctx_clear(&sub);
    return e;
}

static void string_arg(struct argctx *x, struct vg_arg *out, bool is_expr)
{
    const struct vgp_raw_arg *raw = x->raw;
    const char *text = x->c->text + raw->col - 1;
    int n = (int)(raw->end_col - raw->col + 1);

    if (raw->kind != VGP_RAW_STRING) {
        /* VMS_IF(a > 0) instead of VMS_IF("a > 0"): show the fix */
        vgp_error(x->c, raw->col, "argument %zu of %s() must be a string%s; write \"%.*s\"", x->i + 1,
                  x->k->word, is_expr ? " holding an expression" : "", n, text);
        return;
    }
    if (is_expr && !(out->expr = parse_expr_string(x)))
        return;
    out->kind = VG_ARG_STRING;
    out->str = vgp_strndup(raw->str->s, raw->str->len);
    out->str_col = raw->str->col + 1;
}

static void int_arg(struct argctx *x, struct vg_arg *out, char what)
{
    const struct vgp_raw_arg *raw = x->raw;
    const struct vg_expr *bad;
    int64_t v;
    struct vg_buf why = {0};

    if (raw->kind != VGP_RAW_EXPR) {
        vgp_error(x->c, raw->col, "argument %zu of %s() must be an integer%s", x->i + 1, x->k->word,
                  raw->kind == VGP_RAW_STRING ? ", not a string" : "");
        return;
    }
    if (!vg_expr_eval_const(raw->expr, x->lookup, x->ctx, &v, &bad)) {
        vg_expr_eval_explain(bad, x->lookup, x->ctx, &why);
        vgp_error(x->c, bad ? bad->col : raw->col, "argument %zu of %s() is not an integer constant: %s",
                  x->i + 1, x->k->word, why.s);
        vg_buf_free(&why);
        return;
    }
    if ((what == 'V' || what == 'N') && v < 0) {
        vgp_error(x->c, raw->col, "argument %zu of %s() is a %s and must not be negative (got %" PRId64 ")",
                  x->i + 1, x->k->word, what == 'V' ? "version" : "count", v);
        return;
    }
    if (what == 'V' && v > INT32_MAX) {
        vgp_error(x->c, raw->col, "argument %zu of %s() is a version and must be at most %d (got %" PRId64
                  ")", x->i + 1, x->k->word, INT32_MAX, v);
        return;
    }
    if (what == 'P' && (v < INT32_MIN || v > INT32_MAX)) {
        vgp_error(x->c, raw->col, "argument %zu of %s() must fit in an int (got %" PRId64 ")", x->i + 1,
                  x->k->word, v);
        return;
    }
    out->kind = VG_ARG_INT;
    out->ival = v;
}

static void name_arg(struct argctx *x, struct vg_arg *out, bool dash_ok)
{
    const struct vgp_raw_arg *raw = x->raw;

    if (dash_ok && raw->kind == VGP_RAW_DASH) {
        out->kind = VG_ARG_NONE;
        return;
    }
    if (raw->kind != VGP_RAW_EXPR || raw->expr->kind != VG_E_NAME) {
        vgp_error(x->c, raw->col, "argument %zu of %s() must be a function name%s%s", x->i + 1,
                  x->k->word, dash_ok ? " or -" : "", raw->kind == VGP_RAW_STRING ? ", not a string" : "");
        return;
    }
    out->kind = VG_ARG_IDENT;
    out->str = vgp_strndup(raw->expr->name, strlen(raw->expr->name));
}

static void convert_arg(struct argctx *x, struct vg_arg *out)
{
    char what = x->k->args[x->i];

    out->col = x->raw->col;
    switch (what) {
    case 'S': string_arg(x, out, false); break;
    case 'E': string_arg(x, out, true); break;
    case 'F': name_arg(x, out, false); break;
    case 'H': name_arg(x, out, true); break;
    default: int_arg(x, out, what); break;
    }
}

/* ---- entry points ---- */

void vg_annot_clear(struct vg_parsed_annot *a)
{
    for (size_t i = 0; i < a->n_args; i++) {
        free(a->args[i].str);
        vg_expr_free(a->args[i].expr);
    }
    free(a->args);
    memset(a, 0, sizeof(*a));
}

int vg_annot_parse(const char *text, struct vg_loc loc, vg_lookup_fn lookup, void *ctx,
                   struct vg_parsed_annot *out, struct vg_diags *d)
{
    struct vgp_ctx c = {
        .text = text ? text : "",
        .mode = VGP_MODE_ANNOT,
        .d = d,
        .loc = loc,
        .what = "annotation",
    };
    const char *word;
    size_t word_len;
    int k;

    memset(out, 0, sizeof(*out));
    c.len = strlen(c.text);
    c.shown = c.text;
    if (c.len > VGP_MAX_TEXT) {
        vgp_error(&c, 1, "the text is too long (more than %d characters)", VGP_MAX_TEXT);
        return -1;
    }
    if (vgp_run(&c) != 0)
        goto fail;
    word = c.text + c.word_col - 1;
    word_len = c.word_end - c.word_col + 1;
    k = find_kind(word, word_len);
    if (k < 0) {
        const char *near = closest_word(word, word_len);

        vgp_error(&c, c.word_col, "unknown annotation '%.*s'%s%s%s", (int)word_len, word,
                  near ? "; did you mean '" : "", near ? near : "", near ? "'?" : "");
        goto fail;
    }
    if (!check_count(&c, &kinds[k]))
        goto fail;
    out->args = vgp_alloc((c.n_args ? c.n_args : 1) * sizeof(*out->args));
    out->n_args = c.n_args;
    for (size_t i = 0; i < c.n_args; i++) {
        struct argctx x = {
            .c = &c, .k = &kinds[k], .i = i, .raw = &c.args[i], .lookup = lookup, .ctx = ctx,
        };
        convert_arg(&x, &out->args[i]);
    }
    if (c.errors)
        goto fail;
    out->kind = (enum vg_annot_kind)k;
    out->word = kinds[k].word;
    vgp_ctx_clear(&c);
    return 0;
fail:
    vg_annot_clear(out);
    vgp_ctx_clear(&c);
    return -1;
}

/* ---- memo ---- */

struct memo_entry {
    char *text;
    size_t hash;
    struct vg_parsed_annot a;
};

struct vg_annot_memo {
    vg_lookup_fn lookup;
    void *ctx;
    struct memo_entry **slots;  /* open addressing, at most half full */
    size_t cap, n;
};

static size_t text_hash(const char *s)
{
    size_t h = 14695981039346656037u; /* FNV-1a */

    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211u;
    return h;
}

/* The slot of @text: its entry, or the empty slot where it would go. */
static struct memo_entry **memo_slot(struct vg_annot_memo *memo, const char *text, size_t hash)
{
    size_t mask = memo->cap - 1, i = hash & mask;

    while (memo->slots[i] &&
           (memo->slots[i]->hash != hash || strcmp(memo->slots[i]->text, text) != 0))
        i = (i + 1) & mask;
    return &memo->slots[i];
}

static void memo_grow(struct vg_annot_memo *memo)
{
    struct memo_entry **old = memo->slots;
    size_t old_cap = memo->cap;

    memo->cap = old_cap ? 2 * old_cap : 64;
    memo->slots = vgp_alloc(memo->cap * sizeof(*memo->slots));
    for (size_t i = 0; i < old_cap; i++)
        if (old[i])
            *memo_slot(memo, old[i]->text, old[i]->hash) = old[i];
    free(old);
}

struct vg_annot_memo *vg_annot_memo_new(vg_lookup_fn lookup, void *ctx)
{
    struct vg_annot_memo *memo = vgp_alloc(sizeof(*memo));

    memo->lookup = lookup;
    memo->ctx = ctx;
    memo_grow(memo);
    return memo;
}

const struct vg_parsed_annot *vg_annot_memo_parse(struct vg_annot_memo *memo, const char *text,
                                                  struct vg_loc loc, struct vg_diags *d)
{
    size_t hash;
    struct memo_entry **slot, *e;
    struct vg_parsed_annot a;

    text = text ? text : "";
    hash = text_hash(text);
    slot = memo_slot(memo, text, hash);
    if (*slot)
        return &(*slot)->a;
    if (vg_annot_parse(text, loc, memo->lookup, memo->ctx, &a, d) != 0)
        return NULL;
    if (2 * (memo->n + 1) > memo->cap) {
        memo_grow(memo);
        slot = memo_slot(memo, text, hash);
    }
    e = vgp_alloc(sizeof(*e));
    e->text = vgp_strndup(text, strlen(text));
    e->hash = hash;
    e->a = a;
    *slot = e;
    memo->n++;
    return &e->a;
}

void vg_annot_memo_free(struct vg_annot_memo *memo)
{
    if (!memo)
        return;
    for (size_t i = 0; i < memo->cap; i++) {
        if (memo->slots[i]) {
            vg_annot_clear(&memo->slots[i]->a);
            free(memo->slots[i]->text);
            free(memo->slots[i]);
        }
    }
    free(memo->slots);
    free(memo);
}
