/* annot_private.h: what the annotation scanner, parser, annot.c and expr.c share (not for other stages). */
#ifndef VG_ANNOT_PRIVATE_H
#define VG_ANNOT_PRIVATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "annot.h"

/* Texts longer than this are refused: it bounds the depth of every tree (and of recursion on it). */
#define VGP_MAX_TEXT 8192

/* Where a token or a rule is in the scanned text (bison's location type); columns from 1. */
struct vgp_span {
    unsigned first_line, first_column, last_line, last_column;
};

/* A string literal (adjacent ones concatenated), unescaped. */
struct vgp_str {
    char *s;          /* NUL-terminated; never contains a NUL itself */
    size_t len;
    unsigned *cols;   /* cols[i]: column in the scanned text where byte i of s was written */
    unsigned col;     /* column of the opening quote of the first literal */
    unsigned end_col; /* column of the closing quote of the last literal */
};

/* One argument of an annotation as written, before it is checked against the kind table. */
enum vgp_raw_kind { VGP_RAW_EXPR, VGP_RAW_STRING, VGP_RAW_DASH };

struct vgp_raw_arg {
    enum vgp_raw_kind kind;
    struct vg_expr *expr;  /* VGP_RAW_EXPR */
    struct vgp_str *str;   /* VGP_RAW_STRING */
    unsigned col, end_col; /* first and last column of the argument */
};

/* What vgp_run() parses. */
enum vgp_mode { VGP_MODE_ANNOT, VGP_MODE_EXPR };

/* One run of the scanner and parser over one text. */
struct vgp_ctx {
    const char *text;       /* the text scanned (not NUL-terminated necessarily) */
    size_t len;
    enum vgp_mode mode;

    /* where and how errors are reported */
    struct vg_diags *d;
    struct vg_loc loc;
    const char *what;       /* "annotation" or "expression" */
    const char *shown;      /* the text quoted in messages (the annotation around an expression) */
    const unsigned *colmap; /* scanned column c is shown column colmap[c - 1]; NULL: the same */
    unsigned colmap_end;    /* shown column for columns past the end of the scanned text */
    unsigned errors;        /* errors reported for this text */

    /* scanner state */
    int start_tok;          /* token that selects the grammar, returned first */
    unsigned col;           /* column of the next character */
    int depth;              /* parentheses open (tells an argument list from a group) */
    int lookahead;          /* the token returned last */
    unsigned lookahead_col;
    int hist[3];            /* the three tokens before it, newest last */
    unsigned hist_col[3];   /* and their columns */

    /* results */
    struct vg_expr *expr;   /* VGP_MODE_EXPR */
    unsigned word_col, word_end;
    bool has_parens;
    unsigned rparen_col;
    struct vgp_raw_arg *args;
    size_t n_args, cap_args;
};

/* Scans and parses c->text; returns 0 or -1 (an error was reported). In annot.l. */
int vgp_run(struct vgp_ctx *c);

/* Reports an error at scanned column @col of the text; in annot.c. */
void vgp_error(struct vgp_ctx *c, unsigned col, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Appends @n bytes of @s to @b with control characters escaped ("\\n", "\\x01"); in annot.c. */
void vgp_quote(struct vg_buf *b, const char *s, size_t n);

/* Scanner helpers (annot.c): each returns false after reporting an error. */
bool vgp_lex_number(struct vgp_ctx *c, const char *tok, size_t len, unsigned col, uint64_t *value);
bool vgp_lex_char(struct vgp_ctx *c, const char *tok, size_t len, unsigned col, uint64_t *value);
struct vgp_str *vgp_lex_string(struct vgp_ctx *c, const char *tok, size_t len, unsigned col);
struct vgp_str *vgp_str_cat(struct vgp_str *a, struct vgp_str *b);
void vgp_str_free(struct vgp_str *s);

/* Parser actions (annot.c); they take ownership of what they are given. */
void vgp_set_word(struct vgp_ctx *c, unsigned col, unsigned end_col);
void vgp_add_arg(struct vgp_ctx *c, enum vgp_raw_kind kind, struct vg_expr *e, struct vgp_str *s,
                 unsigned col, unsigned end_col);
void vgp_ctx_clear(struct vgp_ctx *c);

/* Tree nodes (expr.c). */
struct vg_expr *vgp_node(enum vg_expr_kind kind, unsigned col);
struct vg_expr *vgp_unary(int op, struct vg_expr *a, unsigned col);
struct vg_expr *vgp_binary(int op, struct vg_expr *a, struct vg_expr *b);

/* malloc/realloc/strdup that abort when memory runs out (expr.c). */
void *vgp_alloc(size_t n);
void *vgp_realloc(void *p, size_t n);
char *vgp_strndup(const char *s, size_t n);

#endif /* VG_ANNOT_PRIVATE_H */
