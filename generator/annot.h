/* annot.h: the annotation language: "vms:" strings and the C-like expressions inside them. */
#ifndef VG_ANNOT_H
#define VG_ANNOT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "diag.h"

/* ---- expressions (DESIGN §3) ---- */

enum vg_expr_kind {
    VG_E_INT,      /* integer literal (decimal, hex, octal, char; u/l suffixes allowed): ival */
    VG_E_NAME,     /* an identifier: field, enum constant or macro, resolved later: name */
    VG_E_VERSION,  /* the keyword `version` */
    VG_E_MEMBER,   /* a.name: a = object, name = member */
    VG_E_INDEX,    /* a[b] */
    VG_E_UNARY,    /* op a: op is one of '!', '~', '-', '+' */
    VG_E_BINARY,   /* a op b: op is a VG_OP_* or a single character */
    VG_E_COND,     /* a ? b : c */
    VG_E_SIZEOF,   /* sizeof(name) / sizeof name: a = operand expression */
    VG_E_COUNTOF,  /* countof(name): a = operand expression (an array field) */
};

/* Two-character operators (single-character ones use their character). */
enum vg_op {
    VG_OP_SHL = 256, VG_OP_SHR, VG_OP_LE, VG_OP_GE, VG_OP_EQ, VG_OP_NE, VG_OP_AND, VG_OP_OR,
};

struct vg_expr {
    enum vg_expr_kind kind;
    int op;
    uint64_t ival;
    char *name;
    struct vg_expr *a, *b, *c;
    unsigned col;          /* column of the first character, from 1, inside the parsed text */
};

/*
 * Parses @text as an expression. On a syntax error reports through @d at
 * @loc, naming the column inside the text ("dev.h:12:5: error: in
 * expression 'a < ' at column 5: expected an expression") and returns NULL.
 * Free with vg_expr_free().
 */
struct vg_expr *vg_expr_parse(const char *text, struct vg_loc loc, struct vg_diags *d);
void vg_expr_free(struct vg_expr *e);
/* A deep copy of @e (NULL for NULL). Free with vg_expr_free(). */
struct vg_expr *vg_expr_clone(const struct vg_expr *e);

/* The source text of an operator ("<<", "&&", "!", ...). */
const char *vg_op_text(int op);

/*
 * Constant evaluation. @lookup resolves a VG_E_NAME (enum constant, macro)
 * to a value and returns true, or returns false (then evaluation fails and
 * *bad points at the offending node). `version`, member access and indexing
 * are not constant. Division by zero and shifts out of range fail. Values
 * are computed in int64_t with C's usual semantics for these operators.
 */
typedef bool (*vg_lookup_fn)(void *ctx, const char *name, int64_t *value);
bool vg_expr_eval_const(const struct vg_expr *e, vg_lookup_fn lookup, void *ctx, int64_t *value,
                        const struct vg_expr **bad);

/*
 * Writes @e as C source into @out (a growable string, see vg_buf below),
 * fully parenthesized. @name_fn writes the C translation of each VG_E_NAME,
 * VG_E_VERSION, VG_E_SIZEOF and VG_E_COUNTOF node (e.g. "s->fifo_len",
 * "version", "16"), and of each VG_E_MEMBER and VG_E_INDEX node as a whole
 * (a path such as "s->queue.count"; vg_expr_to_c() does not descend into
 * them); it returns false to signal an unresolvable node, which makes
 * vg_expr_to_c() return false and leaves @out as it was. Integer literals
 * are written as long long ("16LL"): the language computes in 64 bits.
 */
struct vg_buf {
    char *s;
    size_t len, cap;
};
void vg_buf_printf(struct vg_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Appends @n bytes of @s, a string, or one character (no formatting: for hot paths). */
void vg_buf_append(struct vg_buf *b, const char *s, size_t n);
void vg_buf_puts(struct vg_buf *b, const char *s);
void vg_buf_putc(struct vg_buf *b, char c);
/* Makes room for @extra more bytes and a NUL at b->s + b->len. */
void vg_buf_reserve(struct vg_buf *b, size_t extra);
void vg_buf_free(struct vg_buf *b);

typedef bool (*vg_name_fn)(void *ctx, const struct vg_expr *node, struct vg_buf *out);
bool vg_expr_to_c(const struct vg_expr *e, vg_name_fn name_fn, void *ctx, struct vg_buf *out);

/* Writes @e back as normalized source text ("a < 16 && b"), for messages and the schema. */
void vg_expr_to_text(const struct vg_expr *e, struct vg_buf *out);

/*
 * Why vg_expr_eval_const() failed at @bad (the node it returned), for a
 * message: "'V3' is not an enum constant or an integer macro", "division by
 * zero in '1 / 0'", "shift count 64 is out of range 0..63 in '1 << 64'",
 * "integer overflow in '9223372036854775807 + 1'". Pass the same @lookup and
 * @ctx. Appends to @out.
 */
void vg_expr_eval_explain(const struct vg_expr *bad, vg_lookup_fn lookup, void *ctx,
                          struct vg_buf *out);

/* ---- annotations ---- */

/* Every annotation of DESIGN §3, by the kind word after "vms:". */
enum vg_annot_kind {
    VG_A_STATE,          /* state("name", ver, min_ver) */
    VG_A_SUBSECTION_DEF, /* subsection_def("sub", ver, "needed-expr") */
    VG_A_PRIORITY,       /* priority(n) */
    VG_A_NEEDED,         /* needed("expr") */
    VG_A_UNMIGRATABLE,   /* unmigratable */
    VG_A_TYPE_NAME,      /* type_name("isa-i8259") */
    VG_A_HOOKS,          /* hooks(pre_save, post_save, pre_load, post_load): identifiers or - */
    VG_A_CHECK,          /* check("expr") (struct or field) */
    VG_A_SKIP,           /* skip */
    VG_A_IMMUTABLE,      /* immutable */
    VG_A_DERIVED,        /* derived */
    VG_A_SINCE,          /* since(v) */
    VG_A_UNTIL,          /* until(v) */
    VG_A_IF,             /* if("expr") */
    VG_A_DEFAULT,        /* default("expr") */
    VG_A_COUNT,          /* count("expr") */
    VG_A_MAX,            /* max(n) */
    VG_A_ALLOC,          /* alloc */
    VG_A_DEREF,          /* deref */
    VG_A_IN,             /* in("sub") */
    VG_A_PRESENT,        /* present("sub") */
    VG_A_CODEC,          /* codec(get, put, "type") */
    VG_A_SUBSECTION,     /* subsection("sub", "needed-expr") */
    VG_A_UNUSED,         /* unused */
    VG_A_EQUAL,          /* equal */
    VG_A_RANGE,          /* range(lo, hi) */
    VG_A_WAS,            /* was("type", v) */
    VG_A_RENAMED,        /* renamed("old") */
    VG_A_NAME,           /* name("wire-name") */
    VG_A_TYPE,           /* type("info") */
    VG_A_LIVE,           /* live("bitmap-member") */
    VG_A_LIVE_CHUNK,     /* live_chunk(n) */
    VG_A_COUNT_
};

enum vg_arg_kind {
    VG_ARG_INT,    /* an integer constant expression (macros already expanded by the preprocessor) */
    VG_ARG_STRING, /* a string literal, unescaped */
    VG_ARG_IDENT,  /* a C identifier (hook and codec function names) */
    VG_ARG_NONE,   /* "-" in hooks(): no function */
};

struct vg_arg {
    enum vg_arg_kind kind;
    int64_t ival;        /* VG_ARG_INT, evaluated */
    char *str;           /* VG_ARG_STRING (unescaped) or VG_ARG_IDENT */
    /*
     * A VG_ARG_STRING that holds an expression (see vg_annot_parse()): the
     * tree of str, as vg_expr_parse(str) would return it; NULL for other
     * arguments. Owned by the parsed annotation: vg_annot_clear() frees it;
     * a caller that keeps it sets the member to NULL.
     */
    struct vg_expr *expr;
    unsigned col;        /* column of the argument inside the annotation text, from 1 */
    unsigned str_col;    /* VG_ARG_STRING: column of the first character inside the quotes */
};

struct vg_parsed_annot {
    enum vg_annot_kind kind;
    const char *word;    /* the kind word as written ("range") */
    struct vg_arg *args;
    size_t n_args;
};

/*
 * Parses one annotation text (what follows "vms:"), checks the kind word and
 * the number and kinds of its arguments, evaluates integer arguments (with
 * @lookup for names, may be NULL) and parses the expressions in string
 * arguments (if, default, count, check, needed and the needed-expr of
 * subsection and subsection_def) into their vg_arg.expr. Errors go to @d
 * at @loc with the column inside the text, through escapes and
 * concatenated literals ("dev.h:12:5: error: in annotation
 * 'if("fifo_len >")' at column 15: expected an expression"). Returns 0,
 * or -1 with @out emptied. Free with vg_annot_clear() (harmless after a
 * failure).
 */
int vg_annot_parse(const char *text, struct vg_loc loc, vg_lookup_fn lookup, void *ctx,
                   struct vg_parsed_annot *out, struct vg_diags *d);
void vg_annot_clear(struct vg_parsed_annot *a);

/*
 * A memo of parsed annotations, for one translation unit. Headers repeat the
 * same few texts ("range(0, 16)", "skip") thousands of times, and with the
 * same @lookup and @ctx a text that parsed once parses the same way again.
 * vg_annot_memo_parse() parses each such text once and afterwards returns
 * the same result; a text that fails is not kept, so its errors are
 * reported (through @d, at @loc) each time it is met. The result is
 * borrowed: it lives until vg_annot_memo_free(); take copies of what must
 * live longer (vg_expr_clone() for the trees). Returns NULL on error.
 */
struct vg_annot_memo;
struct vg_annot_memo *vg_annot_memo_new(vg_lookup_fn lookup, void *ctx);
const struct vg_parsed_annot *vg_annot_memo_parse(struct vg_annot_memo *memo, const char *text,
                                                  struct vg_loc loc, struct vg_diags *d);
void vg_annot_memo_free(struct vg_annot_memo *memo);

/* The kind word of an annotation kind ("range"), for messages. */
const char *vg_annot_word(enum vg_annot_kind k);

#endif /* VG_ANNOT_H */
