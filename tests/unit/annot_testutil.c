/* annot_testutil.c: helpers shared by the annotation and expression tests (test_annot, test_expr). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "annot_testutil.h"

const struct vg_loc here = {"dev.h", 12, 5};

void cap_open(struct cap *c)
{
    memset(c, 0, sizeof(*c));
    c->f = open_memstream(&c->buf, &c->len);
    assert_non_null(c->f);
    vg_diags_init(&c->d, c->f);
}

const char *cap_text(struct cap *c)
{
    fflush(c->f);
    return c->buf ? c->buf : "";
}

void cap_close(struct cap *c)
{
    fclose(c->f);
    free(c->buf);
}

/* Enum constants and macros the tests know. */
bool lookup(void *ctx, const char *name, int64_t *value)
{
    static const struct {
        const char *name;
        int64_t value;
    } known[] = {{"FIFO_LEN", 16}, {"MODE_EXT", 2}, {"BIG", INT64_MAX}, {"ZERO", 0}};

    (void)ctx;
    for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++) {
        if (strcmp(known[i].name, name) == 0) {
            *value = known[i].value;
            return true;
        }
    }
    return false;
}

/* Parses an annotation that must be valid; no diagnostics allowed. */
void annot_ok(const char *text, struct vg_parsed_annot *a)
{
    struct cap c;

    cap_open(&c);
    if (vg_annot_parse(text, here, lookup, NULL, a, &c.d) != 0)
        fail_msg("'%s' failed: %s", text, cap_text(&c));
    assert_string_equal(cap_text(&c), "");
    assert_int_equal(c.d.errors, 0);
    cap_close(&c);
}

/* Parses an annotation that must fail with exactly @want (one line, without the newline). */
void annot_err(const char *text, const char *want)
{
    struct vg_parsed_annot a;
    struct cap c;
    char line[1024];

    cap_open(&c);
    assert_int_equal(vg_annot_parse(text, here, lookup, NULL, &a, &c.d), -1);
    snprintf(line, sizeof(line), "%s\n", want);
    assert_string_equal(cap_text(&c), line);
    assert_int_equal(c.d.errors, 1);
    assert_null(a.args);
    assert_int_equal(a.n_args, 0);
    cap_close(&c);
}

/* Evaluates an expression that must be a constant. */
int64_t eval_ok(const char *text)
{
    struct cap c;
    struct vg_expr *e;
    const struct vg_expr *bad = NULL;
    int64_t v = 0;

    cap_open(&c);
    e = vg_expr_parse(text, here, &c.d);
    if (!e)
        fail_msg("'%s' failed: %s", text, cap_text(&c));
    if (!vg_expr_eval_const(e, lookup, NULL, &v, &bad))
        fail_msg("'%s' is not constant", text);
    assert_null(bad);
    vg_expr_free(e);
    cap_close(&c);
    return v;
}

/* Parses an expression that must fail with exactly @want. */
void expr_err(const char *text, const char *want)
{
    struct cap c;
    char line[1024];

    cap_open(&c);
    assert_null(vg_expr_parse(text, here, &c.d));
    snprintf(line, sizeof(line), "%s\n", want);
    assert_string_equal(cap_text(&c), line);
    assert_int_equal(c.d.errors, 1);
    cap_close(&c);
}

/* Evaluation must fail at a node, explained as @why. */
void eval_err(const char *text, const char *why)
{
    struct cap c;
    struct vg_expr *e;
    const struct vg_expr *bad = NULL;
    struct vg_buf b = {0};
    int64_t v = 12345;

    cap_open(&c);
    e = vg_expr_parse(text, here, &c.d);
    assert_non_null(e);
    assert_false(vg_expr_eval_const(e, lookup, NULL, &v, &bad));
    assert_int_equal(v, 12345); /* untouched */
    assert_non_null(bad);
    vg_expr_eval_explain(bad, lookup, NULL, &b);
    assert_string_equal(b.s, why);
    vg_buf_free(&b);
    vg_expr_free(e);
    cap_close(&c);
}

char *to_text(const char *text)
{
    struct cap c;
    struct vg_expr *e;
    struct vg_buf b = {0};

    cap_open(&c);
    e = vg_expr_parse(text, here, &c.d);
    if (!e)
        fail_msg("'%s' failed: %s", text, cap_text(&c));
    vg_expr_to_text(e, &b);
    vg_expr_free(e);
    cap_close(&c);
    return b.s;
}

struct vg_expr *parse_quiet(const char *text)
{
    struct cap c;
    struct vg_expr *e;

    cap_open(&c);
    e = vg_expr_parse(text, here, &c.d);
    cap_close(&c);
    return e;
}

/* Members become "s->name", `version` stays; NOPE cannot be translated. */
bool name_to_c(void *ctx, const struct vg_expr *node, struct vg_buf *out)
{
    (void)ctx;
    switch (node->kind) {
    case VG_E_NAME:
        if (strcmp(node->name, "NOPE") == 0)
            return false;
        vg_buf_printf(out, "s->%s", node->name);
        return true;
    case VG_E_VERSION:
        vg_buf_printf(out, "version");
        return true;
    case VG_E_MEMBER:
        vg_buf_printf(out, "s->%s.%s", node->a->name, node->name);
        return true;
    case VG_E_SIZEOF:
        vg_buf_printf(out, "sizeof(s->%s)", node->a->name);
        return true;
    default:
        return false;
    }
}
