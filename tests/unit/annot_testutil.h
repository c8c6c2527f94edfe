/* annot_testutil.h: helpers shared by the annotation and expression tests (test_annot, test_expr). */
#ifndef ANNOT_TESTUTIL_H
#define ANNOT_TESTUTIL_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "annot.h"
#include "diag.h"

/* The place every test annotation is "written": dev.h:12:5. */
extern const struct vg_loc here;

/* Diagnostics written to memory, so tests compare their exact text. */
struct cap {
    FILE *f;
    char *buf;
    size_t len;
    struct vg_diags d;
};
void cap_open(struct cap *c);
const char *cap_text(struct cap *c); /* everything reported so far */
void cap_close(struct cap *c);

/* Knows FIFO_LEN = 16, MODE_EXT = 2, BIG = INT64_MAX and ZERO = 0. */
bool lookup(void *ctx, const char *name, int64_t *value);

/* Parses an annotation that must be valid, without diagnostics; vg_annot_clear() @a after. */
void annot_ok(const char *text, struct vg_parsed_annot *a);
/* Parses an annotation that must fail with exactly one diagnostic, @want (without its newline). */
void annot_err(const char *text, const char *want);

/* The value of a constant expression; fails the test otherwise. */
int64_t eval_ok(const char *text);
/* Parses an expression that must fail with exactly one diagnostic, @want. */
void expr_err(const char *text, const char *want);
/* Evaluation must fail, vg_expr_eval_explain() saying @why. */
void eval_err(const char *text, const char *why);
/* vg_expr_to_text() of a valid expression; the caller frees it. */
char *to_text(const char *text);
/* vg_expr_parse() with the diagnostics thrown away. */
struct vg_expr *parse_quiet(const char *text);
/* A vg_name_fn: names become "s->name", members "s->a.b", sizeof "sizeof(s->x)"; NOPE and a[i] fail. */
bool name_to_c(void *ctx, const struct vg_expr *node, struct vg_buf *out);

#endif /* ANNOT_TESTUTIL_H */
