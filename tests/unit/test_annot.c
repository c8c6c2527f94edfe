/* test_annot.c: the annotation language: kinds and arguments, expressions, errors and their text. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "annot.h"
#include "diag.h"

/* ---- helpers ---- */

static const struct vg_loc here = {"dev.h", 12, 5};

/* Diagnostics written to memory, so tests compare their exact text. */
struct cap {
    FILE *f;
    char *buf;
    size_t len;
    struct vg_diags d;
};

static void cap_open(struct cap *c)
{
    memset(c, 0, sizeof(*c));
    c->f = open_memstream(&c->buf, &c->len);
    assert_non_null(c->f);
    vg_diags_init(&c->d, c->f);
}

static const char *cap_text(struct cap *c)
{
    fflush(c->f);
    return c->buf ? c->buf : "";
}

static void cap_close(struct cap *c)
{
    fclose(c->f);
    free(c->buf);
}

/* Enum constants and macros the tests know. */
static bool lookup(void *ctx, const char *name, int64_t *value)
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
static void annot_ok(const char *text, struct vg_parsed_annot *a)
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
static void annot_err(const char *text, const char *want)
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
static int64_t eval_ok(const char *text)
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
static void expr_err(const char *text, const char *want)
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
static void eval_err(const char *text, const char *why)
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

static char *to_text(const char *text)
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

static struct vg_expr *parse_quiet(const char *text)
{
    struct cap c;
    struct vg_expr *e;

    cap_open(&c);
    e = vg_expr_parse(text, here, &c.d);
    cap_close(&c);
    return e;
}

/* ---- every annotation kind ---- */

static void test_state_and_subsection_def(void **state)
{
    struct vg_parsed_annot a;

    (void)state;
    annot_ok("state(\"wdt\", 3, 1)", &a);
    assert_int_equal(a.kind, VG_A_STATE);
    assert_string_equal(a.word, "state");
    assert_int_equal(a.n_args, 3);
    assert_int_equal(a.args[0].kind, VG_ARG_STRING);
    assert_string_equal(a.args[0].str, "wdt");
    assert_int_equal(a.args[0].col, 7);
    assert_int_equal(a.args[0].str_col, 8);
    assert_int_equal(a.args[1].kind, VG_ARG_INT);
    assert_int_equal(a.args[1].ival, 3);
    assert_int_equal(a.args[1].col, 14);
    assert_int_equal(a.args[2].ival, 1);
    vg_annot_clear(&a);

    annot_ok("subsection_def(\"log\", 1, \"log_used > 0\")", &a);
    assert_int_equal(a.kind, VG_A_SUBSECTION_DEF);
    assert_string_equal(a.args[0].str, "log");
    assert_int_equal(a.args[1].ival, 1);
    assert_int_equal(a.args[2].kind, VG_ARG_STRING);
    assert_string_equal(a.args[2].str, "log_used > 0");
    vg_annot_clear(&a);

    annot_ok("subsection(\"extra\", \"extra.cookie != 0\")", &a);
    assert_int_equal(a.kind, VG_A_SUBSECTION);
    assert_string_equal(a.args[0].str, "extra");
    assert_string_equal(a.args[1].str, "extra.cookie != 0");
    vg_annot_clear(&a);
}

static void test_struct_level_kinds(void **state)
{
    struct vg_parsed_annot a;

    (void)state;
    annot_ok("priority(3)", &a);
    assert_int_equal(a.kind, VG_A_PRIORITY);
    assert_int_equal(a.args[0].ival, 3);
    vg_annot_clear(&a);

    annot_ok("priority(-2)", &a);
    assert_int_equal(a.args[0].ival, -2);
    vg_annot_clear(&a);

    annot_ok("needed(\"enabled\")", &a);
    assert_int_equal(a.kind, VG_A_NEEDED);
    assert_string_equal(a.args[0].str, "enabled");
    vg_annot_clear(&a);

    annot_ok("type_name(\"isa-i8259\")", &a);
    assert_int_equal(a.kind, VG_A_TYPE_NAME);
    assert_string_equal(a.args[0].str, "isa-i8259");
    vg_annot_clear(&a);

    annot_ok("check(\"queue.count <= FIFO_LEN\")", &a);
    assert_int_equal(a.kind, VG_A_CHECK);
    assert_string_equal(a.args[0].str, "queue.count <= FIFO_LEN");
    vg_annot_clear(&a);
}

static void test_hooks_and_codec(void **state)
{
    struct vg_parsed_annot a;

    (void)state;
    annot_ok("hooks(my_pre_save, -, -, my_post_load)", &a);
    assert_int_equal(a.kind, VG_A_HOOKS);
    assert_int_equal(a.n_args, 4);
    assert_int_equal(a.args[0].kind, VG_ARG_IDENT);
    assert_string_equal(a.args[0].str, "my_pre_save");
    assert_int_equal(a.args[1].kind, VG_ARG_NONE);
    assert_null(a.args[1].str);
    assert_int_equal(a.args[1].col, 20);
    assert_int_equal(a.args[2].kind, VG_ARG_NONE);
    assert_int_equal(a.args[3].kind, VG_ARG_IDENT);
    assert_string_equal(a.args[3].str, "my_post_load");
    vg_annot_clear(&a);

    annot_ok("codec(pci_get, pci_put, \"pci config\")", &a);
    assert_int_equal(a.kind, VG_A_CODEC);
    assert_int_equal(a.args[0].kind, VG_ARG_IDENT);
    assert_string_equal(a.args[0].str, "pci_get");
    assert_string_equal(a.args[1].str, "pci_put");
    assert_int_equal(a.args[2].kind, VG_ARG_STRING);
    assert_string_equal(a.args[2].str, "pci config");
    assert_int_equal(a.args[2].str_col, 26);
    vg_annot_clear(&a);
}

static void test_flag_kinds(void **state)
{
    static const struct {
        const char *text;
        enum vg_annot_kind kind;
    } flags[] = {
        {"unmigratable", VG_A_UNMIGRATABLE}, {"skip", VG_A_SKIP}, {"immutable", VG_A_IMMUTABLE},
        {"derived", VG_A_DERIVED}, {"alloc", VG_A_ALLOC}, {"deref", VG_A_DEREF},
        {"unused", VG_A_UNUSED}, {"equal", VG_A_EQUAL}, {"skip()", VG_A_SKIP}, {" equal ", VG_A_EQUAL},
    };
    struct vg_parsed_annot a;

    (void)state;
    for (size_t i = 0; i < sizeof(flags) / sizeof(flags[0]); i++) {
        annot_ok(flags[i].text, &a);
        assert_int_equal(a.kind, flags[i].kind);
        assert_int_equal(a.n_args, 0);
        vg_annot_clear(&a);
    }
}

static void test_member_kinds(void **state)
{
    static const struct {
        const char *text;
        enum vg_annot_kind kind;
        const char *str;
        int64_t ival;
    } one[] = {
        {"since(3)", VG_A_SINCE, NULL, 3},
        {"until(2)", VG_A_UNTIL, NULL, 2},
        {"max(4096)", VG_A_MAX, NULL, 4096},
        {"if(\"version >= 3 && fifo_len > 0\")", VG_A_IF, "version >= 3 && fifo_len > 0", 0},
        {"default(\"1\")", VG_A_DEFAULT, "1", 0},
        {"count(\"log_used\")", VG_A_COUNT, "log_used", 0},
        {"in(\"log\")", VG_A_IN, "log", 0},
        {"present(\"turbo\")", VG_A_PRESENT, "turbo", 0},
        {"renamed(\"divider\")", VG_A_RENAMED, "divider", 0},
        {"name(\"line_status\")", VG_A_NAME, "line_status", 0},
        {"type(\"timer\")", VG_A_TYPE, "timer", 0},
    };
    struct vg_parsed_annot a;

    (void)state;
    for (size_t i = 0; i < sizeof(one) / sizeof(one[0]); i++) {
        annot_ok(one[i].text, &a);
        assert_int_equal(a.kind, one[i].kind);
        assert_int_equal(a.n_args, 1);
        if (one[i].str) {
            assert_int_equal(a.args[0].kind, VG_ARG_STRING);
            assert_string_equal(a.args[0].str, one[i].str);
        } else {
            assert_int_equal(a.args[0].kind, VG_ARG_INT);
            assert_int_equal(a.args[0].ival, one[i].ival);
        }
        vg_annot_clear(&a);
    }
}

static void test_range_and_was(void **state)
{
    struct vg_parsed_annot a;

    (void)state;
    annot_ok("range(0, 16)", &a);
    assert_int_equal(a.kind, VG_A_RANGE);
    assert_int_equal(a.args[0].ival, 0);
    assert_int_equal(a.args[1].ival, 16);
    assert_int_equal(a.args[1].col, 10);
    vg_annot_clear(&a);

    annot_ok("range(-5, -1)", &a);
    assert_int_equal(a.args[0].ival, -5);
    assert_int_equal(a.args[1].ival, -1);
    vg_annot_clear(&a);

    annot_ok("was(\"uint16\", 2)", &a);
    assert_int_equal(a.kind, VG_A_WAS);
    assert_string_equal(a.args[0].str, "uint16");
    assert_int_equal(a.args[1].ival, 2);
    vg_annot_clear(&a);
}

/* Integer arguments after the preprocessor: parentheses, suffixes, operators, other bases. */
static void test_preprocessed_integers(void **state)
{
    static const struct {
        const char *text;
        int64_t value;
    } ints[] = {
        {"max((16))", 16}, {"max(16u)", 16}, {"max((1 << 4))", 16}, {"max(16 - 1)", 15},
        {"max(0x10)", 16}, {"max(020)", 16}, {"max(16ULL)", 16}, {"max(16lu)", 16},
        {"max('\\x10')", 16}, {"max(FIFO_LEN)", 16}, {"max((FIFO_LEN) * 2 + 1)", 33},
        {"max(sizeof(x) ? 1 : 1)", -1}, /* not constant: see below */
    };
    struct vg_parsed_annot a;

    (void)state;
    for (size_t i = 0; i < sizeof(ints) / sizeof(ints[0]); i++) {
        if (ints[i].value < 0)
            continue;
        annot_ok(ints[i].text, &a);
        assert_int_equal(a.args[0].ival, ints[i].value);
        vg_annot_clear(&a);
    }
    annot_err("max(sizeof(x) ? 1 : 1)",
              "dev.h:12:5: error: in annotation 'max(sizeof(x) ? 1 : 1)' at column 5: argument 1 of max() "
              "is not an integer constant: 'sizeof(x)' is not a constant");
}

static void test_words_round_trip(void **state)
{
    struct vg_parsed_annot a;
    char text[64];

    (void)state;
    assert_string_equal(vg_annot_word(VG_A_RANGE), "range");
    assert_string_equal(vg_annot_word(VG_A_SUBSECTION_DEF), "subsection_def");
    assert_string_equal(vg_annot_word(VG_A_COUNT_), "?");
    /* every kind's word is accepted; wrong argument counts only, so each fails the same way or passes */
    for (int k = 0; k < VG_A_COUNT_; k++) {
        struct cap c;

        snprintf(text, sizeof(text), "%s", vg_annot_word((enum vg_annot_kind)k));
        cap_open(&c);
        if (vg_annot_parse(text, here, NULL, NULL, &a, &c.d) == 0) {
            assert_int_equal(a.kind, k);
            assert_string_equal(a.word, text);
        } else {
            assert_non_null(strstr(cap_text(&c), "takes"));
        }
        vg_annot_clear(&a);
        cap_close(&c);
    }
}

/* ---- strings ---- */

static void test_string_unescape(void **state)
{
    struct vg_parsed_annot a;

    (void)state;
    annot_ok("name(\"a\\\"b\\\\c\\nd\\x41\\101\\te\")", &a);
    assert_string_equal(a.args[0].str, "a\"b\\c\ndAA\te");
    vg_annot_clear(&a);

    annot_ok("name(\"ab\" \"cd\"  \"\")", &a); /* adjacent literals are one */
    assert_string_equal(a.args[0].str, "abcd");
    assert_int_equal(a.args[0].col, 6);
    assert_int_equal(a.args[0].str_col, 7);
    vg_annot_clear(&a);

    annot_ok("name(\"\\x0041\\'\\?\")", &a);
    assert_string_equal(a.args[0].str, "A'?");
    vg_annot_clear(&a);

    annot_ok("if(\"a == '\\\"'\")", &a); /* a char literal inside the expression */
    assert_string_equal(a.args[0].str, "a == '\"'");
    vg_annot_clear(&a);

    annot_ok("name(\"\")", &a);
    assert_string_equal(a.args[0].str, "");
    vg_annot_clear(&a);
}

static void test_string_errors(void **state)
{
    (void)state;
    annot_err("name(\"abc)", "dev.h:12:5: error: in annotation 'name(\"abc)' at column 6: "
              "unterminated string literal");
    annot_err("name(\"a\\qb\")", "dev.h:12:5: error: in annotation 'name(\"a\\qb\")' at column 8: "
              "unknown escape sequence '\\q'");
    annot_err("name(\"a\\0b\")", "dev.h:12:5: error: in annotation 'name(\"a\\0b\")' at column 8: "
              "string literal contains a NUL character");
    annot_err("name(\"\\x\")", "dev.h:12:5: error: in annotation 'name(\"\\x\")' at column 7: "
              "\\x used with no following hex digits");
    annot_err("name(\"\\x100\")", "dev.h:12:5: error: in annotation 'name(\"\\x100\")' at column 7: "
              "escape sequence out of range (a byte is at most \\xff)");
    annot_err("name(\"\\", "dev.h:12:5: error: in annotation 'name(\"\\' at column 6: "
              "unterminated string literal");
}

/* ---- annotation errors ---- */

static void test_err_unknown_word(void **state)
{
    (void)state;
    annot_err("rnage(0, 16)", "dev.h:12:5: error: in annotation 'rnage(0, 16)' at column 1: "
              "unknown annotation 'rnage'; did you mean 'range'?");
    annot_err("Skip", "dev.h:12:5: error: in annotation 'Skip' at column 1: "
              "unknown annotation 'Skip'; did you mean 'skip'?");
    annot_err("VMS_SINCE(3)", "dev.h:12:5: error: in annotation 'VMS_SINCE(3)' at column 1: "
              "unknown annotation 'VMS_SINCE'; did you mean 'since'?");
    annot_err("  subsection_dfe(\"x\", 1, \"a\")",
              "dev.h:12:5: error: in annotation '  subsection_dfe(\"x\", 1, \"a\")' at column 3: "
              "unknown annotation 'subsection_dfe'; did you mean 'subsection_def'?");
    annot_err("frobnicate(3)", "dev.h:12:5: error: in annotation 'frobnicate(3)' at column 1: "
              "unknown annotation 'frobnicate'");
}

static void test_err_argument_count(void **state)
{
    (void)state;
    annot_err("range(0)", "dev.h:12:5: error: in annotation 'range(0)' at column 8: "
              "range() takes 2 arguments, got 1; expected range(lo, hi)");
    annot_err("range(0, 1, 2)", "dev.h:12:5: error: in annotation 'range(0, 1, 2)' at column 13: "
              "range() takes 2 arguments, got 3; expected range(lo, hi)");
    annot_err("range", "dev.h:12:5: error: in annotation 'range' at column 6: "
              "range() takes 2 arguments, got 0; expected range(lo, hi)");
    annot_err("since()", "dev.h:12:5: error: in annotation 'since()' at column 7: "
              "since() takes 1 argument, got 0; expected since(v)");
    annot_err("skip(1)", "dev.h:12:5: error: in annotation 'skip(1)' at column 6: "
              "skip takes no arguments, got 1; expected skip");
    annot_err("state(\"x\", 1)", "dev.h:12:5: error: in annotation 'state(\"x\", 1)' at column 13: "
              "state() takes 3 arguments, got 2; expected state(\"name\", ver, min_ver)");
    annot_err("hooks(a, b)", "dev.h:12:5: error: in annotation 'hooks(a, b)' at column 11: "
              "hooks() takes 4 arguments, got 2; expected hooks(pre_save, post_save, pre_load, post_load)");
}

static void test_err_argument_kind(void **state)
{
    (void)state;
    annot_err("state(wdt, 3, 1)", "dev.h:12:5: error: in annotation 'state(wdt, 3, 1)' at column 7: "
              "argument 1 of state() must be a string; write \"wdt\"");
    annot_err("if(a > 0)", "dev.h:12:5: error: in annotation 'if(a > 0)' at column 4: "
              "argument 1 of if() must be a string holding an expression; write \"a > 0\"");
    annot_err("state(\"wdt\", \"3\", 1)", "dev.h:12:5: error: in annotation 'state(\"wdt\", \"3\", 1)' "
              "at column 14: argument 2 of state() must be an integer, not a string");
    annot_err("range(-, 1)", "dev.h:12:5: error: in annotation 'range(-, 1)' at column 7: "
              "argument 1 of range() must be an integer");
    annot_err("codec(-, put, \"t\")", "dev.h:12:5: error: in annotation 'codec(-, put, \"t\")' at column 7: "
              "argument 1 of codec() must be a function name");
    annot_err("hooks(a, b, c, \"d\")", "dev.h:12:5: error: in annotation 'hooks(a, b, c, \"d\")' "
              "at column 16: argument 4 of hooks() must be a function name or -, not a string");
    annot_err("hooks(a, b + 1, c, d)", "dev.h:12:5: error: in annotation 'hooks(a, b + 1, c, d)' "
              "at column 10: argument 2 of hooks() must be a function name or -");
}

static void test_err_several_arguments(void **state)
{
    struct vg_parsed_annot a;
    struct cap c;

    (void)state;
    cap_open(&c);
    assert_int_equal(vg_annot_parse("state(wdt, X, -1)", here, lookup, NULL, &a, &c.d), -1);
    assert_string_equal(cap_text(&c),
        "dev.h:12:5: error: in annotation 'state(wdt, X, -1)' at column 7: "
        "argument 1 of state() must be a string; write \"wdt\"\n"
        "dev.h:12:5: error: in annotation 'state(wdt, X, -1)' at column 12: "
        "argument 2 of state() is not an integer constant: 'X' is not an enum constant or an integer macro\n"
        "dev.h:12:5: error: in annotation 'state(wdt, X, -1)' at column 15: "
        "argument 3 of state() is a version and must not be negative (got -1)\n");
    assert_int_equal(c.d.errors, 3);
    assert_null(a.args);
    vg_annot_clear(&a); /* harmless after a failure */
    cap_close(&c);
}

static void test_err_not_constant(void **state)
{
    struct vg_parsed_annot a;
    struct cap c;

    (void)state;
    annot_err("since(V3)", "dev.h:12:5: error: in annotation 'since(V3)' at column 7: "
              "argument 1 of since() is not an integer constant: "
              "'V3' is not an enum constant or an integer macro");
    annot_err("range(0, FIFO_LEN + NOPE)", "dev.h:12:5: error: in annotation 'range(0, FIFO_LEN + NOPE)' "
              "at column 21: argument 2 of range() is not an integer constant: "
              "'NOPE' is not an enum constant or an integer macro");
    annot_err("since(version)", "dev.h:12:5: error: in annotation 'since(version)' at column 7: "
              "argument 1 of since() is not an integer constant: 'version' is not a constant");
    annot_err("max(1 / ZERO)", "dev.h:12:5: error: in annotation 'max(1 / ZERO)' at column 5: "
              "argument 1 of max() is not an integer constant: division by zero in '1 / ZERO'");
    annot_err("range(0, BIG + 1)", "dev.h:12:5: error: in annotation 'range(0, BIG + 1)' at column 10: "
              "argument 2 of range() is not an integer constant: integer overflow in 'BIG + 1'");

    /* without a lookup, names are simply not constants */
    cap_open(&c);
    assert_int_equal(vg_annot_parse("since(FIFO_LEN)", here, NULL, NULL, &a, &c.d), -1);
    assert_string_equal(cap_text(&c), "dev.h:12:5: error: in annotation 'since(FIFO_LEN)' at column 7: "
                        "argument 1 of since() is not an integer constant: 'FIFO_LEN' is not a constant\n");
    cap_close(&c);
}

static void test_err_integer_ranges(void **state)
{
    (void)state;
    annot_err("state(\"x\", -1, 0)", "dev.h:12:5: error: in annotation 'state(\"x\", -1, 0)' at column 12: "
              "argument 2 of state() is a version and must not be negative (got -1)");
    annot_err("since(-(3))", "dev.h:12:5: error: in annotation 'since(-(3))' at column 7: "
              "argument 1 of since() is a version and must not be negative (got -3)");
    annot_err("was(\"uint16\", 0x80000000)",
              "dev.h:12:5: error: in annotation 'was(\"uint16\", 0x80000000)' at column 15: "
              "argument 2 of was() is a version and must be at most 2147483647 (got 2147483648)");
    annot_err("max(-1)", "dev.h:12:5: error: in annotation 'max(-1)' at column 5: "
              "argument 1 of max() is a count and must not be negative (got -1)");
    annot_err("priority(1 << 40)", "dev.h:12:5: error: in annotation 'priority(1 << 40)' at column 10: "
              "argument 1 of priority() must fit in an int (got 1099511627776)");
}

/* An expression inside a string argument: the column is the one in the annotation text. */
static void test_err_expression_in_annotation(void **state)
{
    (void)state;
    annot_err("if(\"fifo_len >\")", "dev.h:12:5: error: in annotation 'if(\"fifo_len >\")' at column 15: "
              "expected an expression");
    annot_err("if(\"a +\" \" * b\")", "dev.h:12:5: error: in annotation 'if(\"a +\" \" * b\")' "
              "at column 12: expected an expression before '*'");
    /* through escapes: \" is two characters of the annotation text */
    annot_err("if(\"a == \\\"x\\\"\")", "dev.h:12:5: error: in annotation 'if(\"a == \\\"x\\\"\")' "
              "at column 10: string literals are not allowed in expressions");
    annot_err("check(\"\\x61 @ b\")", "dev.h:12:5: error: in annotation 'check(\"\\x61 @ b\")' "
              "at column 13: unexpected character '@'");
    annot_err("subsection_def(\"s\", 1, \"f(x)\")",
              "dev.h:12:5: error: in annotation 'subsection_def(\"s\", 1, \"f(x)\")' at column 26: "
              "function calls are not allowed in expressions");
    annot_err("count(\"\")", "dev.h:12:5: error: in annotation 'count(\"\")' at column 8: "
              "expected an expression");
}

static void test_err_annotation_syntax(void **state)
{
    (void)state;
    annot_err("", "dev.h:12:5: error: in annotation '' at column 1: expected the name of an annotation");
    annot_err("(1)", "dev.h:12:5: error: in annotation '(1)' at column 1: "
              "expected the name of an annotation before '('");
    annot_err("range(0 16)", "dev.h:12:5: error: in annotation 'range(0 16)' at column 9: "
              "expected ',' or ')' before '16'");
    annot_err("range(0, 16", "dev.h:12:5: error: in annotation 'range(0, 16' at column 12: "
              "expected ',' or ')'");
    annot_err("range(0, 16) x", "dev.h:12:5: error: in annotation 'range(0, 16) x' at column 14: "
              "unexpected 'x' after the end of the annotation");
    annot_err("range 0", "dev.h:12:5: error: in annotation 'range 0' at column 7: "
              "expected '(' or the end of the annotation before '0'");
    annot_err("hooks(a,,b,c)", "dev.h:12:5: error: in annotation 'hooks(a,,b,c)' at column 9: "
              "expected an argument before ','");
    annot_err("in(", "dev.h:12:5: error: in annotation 'in(' at column 4: expected an argument");
    annot_err("range(0, (1 2))", "dev.h:12:5: error: in annotation 'range(0, (1 2))' at column 13: "
              "expected an operator before '2'");
}

/* ---- expression syntax errors ---- */

static void test_err_expression_syntax(void **state)
{
    (void)state;
    expr_err("a < ", "dev.h:12:5: error: in expression 'a < ' at column 5: expected an expression");
    expr_err("a < )", "dev.h:12:5: error: in expression 'a < )' at column 5: expected an expression before ')'");
    expr_err("(a + b", "dev.h:12:5: error: in expression '(a + b' at column 7: expected ')'");
    expr_err("a ? b", "dev.h:12:5: error: in expression 'a ? b' at column 6: expected ':'");
    expr_err("a[1", "dev.h:12:5: error: in expression 'a[1' at column 4: expected ']'");
    expr_err("a b", "dev.h:12:5: error: in expression 'a b' at column 3: expected an operator before 'b'");
    expr_err("a)", "dev.h:12:5: error: in expression 'a)' at column 2: "
             "unexpected ')' after the end of the expression");
    expr_err("a.", "dev.h:12:5: error: in expression 'a.' at column 3: expected a member name");
    expr_err("countof x", "dev.h:12:5: error: in expression 'countof x' at column 9: expected '(' before 'x'");
    expr_err("", "dev.h:12:5: error: in expression '' at column 1: expected an expression");
    expr_err("a\tb", "dev.h:12:5: error: in expression 'a\\tb' at column 3: expected an operator before 'b'");
}

static void test_err_refused_constructs(void **state)
{
    (void)state;
    expr_err("f(x)", "dev.h:12:5: error: in expression 'f(x)' at column 2: "
             "function calls are not allowed in expressions");
    expr_err("a.get(1)", "dev.h:12:5: error: in expression 'a.get(1)' at column 6: "
             "function calls are not allowed in expressions");
    expr_err("x + (uint8_t)y", "dev.h:12:5: error: in expression 'x + (uint8_t)y' at column 5: "
             "casts are not allowed in expressions");
    expr_err("(int)x", "dev.h:12:5: error: in expression '(int)x' at column 2: "
             "type names such as 'int' are not allowed in expressions");
    expr_err("a = 1", "dev.h:12:5: error: in expression 'a = 1' at column 3: "
             "assignment is not allowed in expressions (use '==' to compare)");
    expr_err("a += 1", "dev.h:12:5: error: in expression 'a += 1' at column 3: "
             "assignment is not allowed in expressions");
    expr_err("a++", "dev.h:12:5: error: in expression 'a++' at column 2: '++' is not allowed in expressions");
    expr_err("p->x", "dev.h:12:5: error: in expression 'p->x' at column 2: "
             "'->' is not allowed in expressions (name members with '.')");
    expr_err("a == \"x\"", "dev.h:12:5: error: in expression 'a == \"x\"' at column 6: "
             "string literals are not allowed in expressions");
    expr_err("a $ b", "dev.h:12:5: error: in expression 'a $ b' at column 3: unexpected character '$'");
    expr_err("a \x01 b", "dev.h:12:5: error: in expression 'a \\x01 b' at column 3: "
             "unexpected character '\\x01'");
}

static void test_err_literals(void **state)
{
    (void)state;
    expr_err("9223372036854775808", "dev.h:12:5: error: in expression '9223372036854775808' at column 1: "
             "integer literal '9223372036854775808' is out of range (the largest is 9223372036854775807)");
    expr_err("1 + 0x10000000000000000", "dev.h:12:5: error: in expression '1 + 0x10000000000000000' "
             "at column 5: integer literal '0x10000000000000000' is out of range (the largest is "
             "9223372036854775807)");
    expr_err("09", "dev.h:12:5: error: in expression '09' at column 1: invalid digit '9' in octal literal '09'");
    expr_err("0x", "dev.h:12:5: error: in expression '0x' at column 1: hexadecimal literal '0x' has no digits");
    expr_err("16uq", "dev.h:12:5: error: in expression '16uq' at column 1: "
             "invalid suffix 'uq' on integer literal '16uq'");
    expr_err("16lL", "dev.h:12:5: error: in expression '16lL' at column 1: "
             "invalid suffix 'lL' on integer literal '16lL'");
    expr_err("1.5", "dev.h:12:5: error: in expression '1.5' at column 1: "
             "floating-point numbers are not allowed in expressions ('1.5')");
    expr_err("''", "dev.h:12:5: error: in expression '''' at column 1: empty character literal");
    expr_err("'ab'", "dev.h:12:5: error: in expression ''ab'' at column 1: multi-character character literal");
    expr_err("'a", "dev.h:12:5: error: in expression ''a' at column 1: unterminated character literal");
    expr_err("'\\400'", "dev.h:12:5: error: in expression ''\\400'' at column 2: "
             "escape sequence out of range (a byte is at most \\xff)");
    assert_int_equal(eval_ok("9223372036854775807"), INT64_MAX);
    assert_int_equal(eval_ok("0x7fffffffffffffffLL"), INT64_MAX);
    assert_int_equal(eval_ok("0777"), 511);
    assert_int_equal(eval_ok("0"), 0);
    assert_int_equal(eval_ok("'A' + '\\n' + '\\0' + '\\377'"), 65 + 10 + 0 + 255);
}

/* ---- expressions: precedence, structure, evaluation ---- */

static void test_precedence_table(void **state)
{
    static const struct {
        const char *text;
        int64_t value;
    } cases[] = {
        {"1 + 2 * 3", 7}, {"(1 + 2) * 3", 9}, {"1 << 2 + 1", 8}, {"-1 ? 2 : 3", 2}, {"!0 == 1", 1},
        {"10 - 4 - 3", 3}, {"100 / 10 / 5", 2}, {"2 * 3 % 4", 2}, {"1 < 2 == 1", 1},
        {"3 & 5 ^ 6 | 8", 15}, /* ((3 & 5) ^ 6) | 8 = (1 ^ 6) | 8 */
        {"1 | 2 ^ 3 & 4", 3}, {"0 || 1 && 0", 0}, {"1 || 0 && 0", 1}, {"0 ? 1 : 0 ? 2 : 3", 3},
        {"1 ? 0 ? 4 : 5 : 6", 5}, {"-2 * -3", 6}, {"~0", -1}, {"!5", 0}, {"- -4", 4}, {"+7", 7},
        {"-8 >> 1", -4}, {"-7 / 2", -3}, {"-7 % 2", -1}, {"7 % -2", 1}, {"1 << 62 >> 61", 2},
        {"2 >= 2 && 3 > 2 && 2 <= 2 && 1 < 2 && 1 != 2", 1}, {"(1, 2)", 2}, {"1, 2, 3", 3},
        {"FIFO_LEN - 1", 15}, {"MODE_EXT == 2 ? FIFO_LEN : 0", 16}, {"-1 << 63", INT64_MIN},
        {"-9223372036854775807 - 1", INT64_MIN}, {"0 && 1 / 0", 0}, {"1 || 1 / 0", 1},
        {"1 ? 5 : 1 / 0", 5}, {"0 ? undefined_name : 9", 9},
    };

    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        int64_t v = eval_ok(cases[i].text);

        if (v != cases[i].value)
            fail_msg("'%s' = %lld, expected %lld", cases[i].text, (long long)v, (long long)cases[i].value);
    }
}

static void test_expression_structure(void **state)
{
    struct vg_expr *e;

    (void)state;
    /* a || (b && c) */
    e = parse_quiet("a || b && c");
    assert_non_null(e);
    assert_int_equal(e->kind, VG_E_BINARY);
    assert_int_equal(e->op, VG_OP_OR);
    assert_int_equal(e->a->kind, VG_E_NAME);
    assert_string_equal(e->a->name, "a");
    assert_int_equal(e->b->op, VG_OP_AND);
    assert_string_equal(e->b->a->name, "b");
    assert_int_equal(e->b->col, 6);
    vg_expr_free(e);

    /* (a - b) - c: left-associative */
    e = parse_quiet("a - b - c");
    assert_int_equal(e->op, '-');
    assert_int_equal(e->a->op, '-');
    assert_string_equal(e->b->name, "c");
    vg_expr_free(e);

    /* a ? b : (c ? d : e): right-associative */
    e = parse_quiet("a ? b : c ? d : e");
    assert_int_equal(e->kind, VG_E_COND);
    assert_string_equal(e->a->name, "a");
    assert_int_equal(e->c->kind, VG_E_COND);
    assert_int_equal(e->c->col, 9);
    vg_expr_free(e);

    /* postfix, sizeof, countof, version */
    e = parse_quiet("sizeof q.buf[2] + countof(log) - version");
    assert_int_equal(e->op, '-');
    assert_int_equal(e->b->kind, VG_E_VERSION);
    assert_int_equal(e->a->a->kind, VG_E_SIZEOF);
    assert_int_equal(e->a->a->a->kind, VG_E_INDEX);
    assert_int_equal(e->a->a->a->a->kind, VG_E_MEMBER);
    assert_string_equal(e->a->a->a->a->name, "buf");
    assert_string_equal(e->a->a->a->a->a->name, "q");
    assert_int_equal(e->a->a->a->b->ival, 2);
    assert_int_equal(e->a->b->kind, VG_E_COUNTOF);
    assert_int_equal(e->a->b->col, 19);
    assert_string_equal(e->a->b->a->name, "log");
    vg_expr_free(e);

    /* sizeof binds tighter than +, like C */
    e = parse_quiet("sizeof(a) + 1");
    assert_int_equal(e->kind, VG_E_BINARY);
    assert_int_equal(e->a->kind, VG_E_SIZEOF);
    vg_expr_free(e);

    /* unary ops and the column of a group */
    e = parse_quiet("  !~-+(x)");
    assert_int_equal(e->op, '!');
    assert_int_equal(e->col, 3);
    assert_int_equal(e->a->op, '~');
    assert_int_equal(e->a->a->op, '-');
    assert_int_equal(e->a->a->a->op, '+');
    assert_int_equal(e->a->a->a->a->kind, VG_E_NAME);
    assert_int_equal(e->a->a->a->a->col, 7);
    vg_expr_free(e);
}

static void test_eval_errors(void **state)
{
    struct vg_expr *e;
    const struct vg_expr *bad;
    int64_t v;

    (void)state;
    eval_err("1 / 0", "division by zero in '1 / 0'");
    eval_err("5 % (2 - 2)", "division by zero in '5 % (2 - 2)'");
    eval_err("1 << 64", "shift count 64 is out of range 0..63 in '1 << 64'");
    eval_err("1 >> -1", "shift count -1 is out of range 0..63 in '1 >> -1'");
    eval_err("9223372036854775807 + 1", "integer overflow in '9223372036854775807 + 1'");
    eval_err("-9223372036854775807 - 2", "integer overflow in '-9223372036854775807 - 2'");
    eval_err("BIG * 2", "integer overflow in 'BIG * 2'");
    eval_err("1 << 63", "integer overflow in '1 << 63'");
    eval_err("3 << 62", "integer overflow in '3 << 62'");
    eval_err("-(-9223372036854775807 - 1)", "integer overflow in '-(-9223372036854775807 - 1)'");
    eval_err("(-9223372036854775807 - 1) / -1", "integer overflow in '(-9223372036854775807 - 1) / -1'");
    eval_err("1 + nope * 2", "'nope' is not an enum constant or an integer macro");
    eval_err("version >= 3", "'version' is not a constant");
    eval_err("a.b + 1", "'a.b' is not a constant");
    eval_err("2 * countof(x)", "'countof(x)' is not a constant");

    /* the failing node is the one reported */
    e = parse_quiet("1 + (2 / 0)");
    assert_false(vg_expr_eval_const(e, NULL, NULL, &v, &bad));
    assert_int_equal(bad->kind, VG_E_BINARY);
    assert_int_equal(bad->op, '/');
    assert_int_equal(bad->col, 5);
    vg_expr_free(e);

    /* no lookup: names are not constants */
    e = parse_quiet("FIFO_LEN");
    assert_false(vg_expr_eval_const(e, NULL, NULL, &v, &bad));
    assert_ptr_equal(bad, e);
    vg_expr_free(e);
    assert_false(vg_expr_eval_const(NULL, NULL, NULL, &v, &bad));
}

static void test_to_text_round_trip(void **state)
{
    static const struct {
        const char *in, *out;
    } cases[] = {
        {"a<16&&b", "a < 16 && b"},
        {"((a))", "a"},
        {"(a + b) * c", "(a + b) * c"},
        {"a + (b * c)", "a + b * c"},
        {"a - (b - c)", "a - (b - c)"},
        {"(a - b) - c", "a - b - c"},
        {"a ? b : (c ? d : e)", "a ? b : c ? d : e"},
        {"(a ? b : c) ? d : e", "(a ? b : c) ? d : e"},
        {"a ? (b, c) : d", "a ? (b, c) : d"},
        {"(a, b), c", "a, b, c"},
        {"a, (b, c)", "a, (b, c)"},
        {"- (-x)", "- -x"},
        {"-(+x)", "-+x"},
        {"!(a == b)", "!(a == b)"},
        {"sizeof x", "sizeof(x)"},
        {"sizeof (a.b)[1]", "sizeof(a.b[1])"},
        {"countof( log )", "countof(log)"},
        {"(a + 1).b[i + 1]", "(a + 1).b[i + 1]"},
        {"version>=3&&fifo_len>0", "version >= 3 && fifo_len > 0"},
        {"0x10 + 010 + 'A' + 16u", "16 + 8 + 65 + 16"},
        {"a << 1 >> 2", "a << 1 >> 2"},
        {"a & (b | c) ^ d", "a & (b | c) ^ d"},
        {"(a || b) && c", "(a || b) && c"},
    };

    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char *once = to_text(cases[i].in), *twice;

        if (strcmp(once, cases[i].out) != 0)
            fail_msg("'%s' -> '%s', expected '%s'", cases[i].in, once, cases[i].out);
        twice = to_text(once); /* normalized text reads back to itself */
        assert_string_equal(twice, once);
        free(once);
        free(twice);
    }
}

/* Members become "s->name", `version` stays; NOPE cannot be translated. */
static bool name_to_c(void *ctx, const struct vg_expr *node, struct vg_buf *out)
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

static void test_to_c(void **state)
{
    static const struct {
        const char *in, *out;
    } cases[] = {
        {"a < 16 && b", "((s->a < 16LL) && s->b)"},
        {"version >= 3 && fifo_len > 0", "((version >= 3LL) && (s->fifo_len > 0LL))"},
        {"!a ? -b : ~c", "((!s->a) ? (-s->b) : (~s->c))"},
        {"1 << 40", "(1LL << 40LL)"},
        {"q.count <= sizeof(buf)", "(s->q.count <= sizeof(s->buf))"},
        {"a, b", "(s->a, s->b)"},
        {"7", "7LL"},
    };
    struct vg_buf b = {0};

    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct vg_expr *e = parse_quiet(cases[i].in);

        assert_true(vg_expr_to_c(e, name_to_c, NULL, &b));
        assert_string_equal(b.s, cases[i].out);
        vg_buf_free(&b);
        vg_expr_free(e);
    }
}

static void test_to_c_failure_leaves_buffer(void **state)
{
    struct vg_expr *e = parse_quiet("a + NOPE * 2");
    struct vg_buf b = {0};

    (void)state;
    vg_buf_printf(&b, "return ");
    assert_false(vg_expr_to_c(e, name_to_c, NULL, &b));
    assert_string_equal(b.s, "return ");
    assert_int_equal(b.len, 7);
    vg_expr_free(e);

    e = parse_quiet("x[1]"); /* the callback refuses indexing */
    assert_false(vg_expr_to_c(e, name_to_c, NULL, &b));
    assert_string_equal(b.s, "return ");
    vg_expr_free(e);
    vg_buf_free(&b);
    assert_null(b.s);
}

static void test_op_text_and_buf(void **state)
{
    static const struct {
        int op;
        const char *text;
    } ops[] = {
        {VG_OP_SHL, "<<"}, {VG_OP_SHR, ">>"}, {VG_OP_LE, "<="}, {VG_OP_GE, ">="}, {VG_OP_EQ, "=="},
        {VG_OP_NE, "!="}, {VG_OP_AND, "&&"}, {VG_OP_OR, "||"}, {'!', "!"}, {'~', "~"}, {'-', "-"},
        {'+', "+"}, {'*', "*"}, {'/', "/"}, {'%', "%"}, {'<', "<"}, {'>', ">"}, {'&', "&"},
        {'^', "^"}, {'|', "|"}, {',', ","},
    };
    struct vg_buf b = {0};

    (void)state;
    for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++)
        assert_string_equal(vg_op_text(ops[i].op), ops[i].text);
    for (int i = 0; i < 1000; i++)
        vg_buf_printf(&b, "%d,", i % 10);
    assert_int_equal(b.len, 2000);
    assert_int_equal(strlen(b.s), 2000);
    assert_memory_equal(b.s, "0,1,2,", 6);
    vg_buf_free(&b);
    vg_buf_free(&b); /* twice is fine */
    vg_expr_free(NULL);
}

/* ---- diagnostics ---- */

static void test_diag_format(void **state)
{
    struct cap c;

    (void)state;
    cap_open(&c);
    vg_error(&c.d, (struct vg_loc){"dev.h", 12, 5}, "bad %s", "thing");
    vg_warning(&c.d, (struct vg_loc){"dev.h", 3, 0}, "careful");
    vg_note(&c.d, (struct vg_loc){"dev.h", 0, 0}, "see %d", 1);
    vg_error(&c.d, (struct vg_loc){NULL, 7, 7}, "no file");
    assert_string_equal(cap_text(&c),
                        "dev.h:12:5: error: bad thing\n"
                        "dev.h:3: warning: careful\n"
                        "dev.h: note: see 1\n"
                        "vmsgen: error: no file\n");
    assert_int_equal(c.d.errors, 2);
    assert_int_equal(c.d.warnings, 1);
    cap_close(&c);
}

/* ---- robustness ---- */

static const char *const complex_texts[] = {
    "subsection_def(\"fifo\", 1, \"version >= 3 && fifo_len > 0 ? q.buf[FIFO_LEN - 1] != 0 : !x\")",
    "hooks(my_pre_save, -, -, my_post_load)",
    "codec(pci_get, pci_put, \"pci\" \" config\\x21\\n\")",
    "range((1 << 4) - 1u, 0x7fffffffffffffffULL % 'z')",
    "state(\"wdt/event\", (3), sizeof(x) ? countof(y) : -1)",
    "if(\"(a.b[1] | ~c) >> 2 <= 'q' && (d, e)\")",
};

/* Every prefix either parses or fails with at least one error, never crashes or leaks. */
static void test_prefixes(void **state)
{
    char buf[256];

    (void)state;
    for (size_t t = 0; t < sizeof(complex_texts) / sizeof(complex_texts[0]); t++) {
        size_t n = strlen(complex_texts[t]);

        for (size_t len = 0; len <= n; len++) {
            struct vg_parsed_annot a;
            struct vg_expr *e;
            struct cap c;
            int rc;

            memcpy(buf, complex_texts[t], len);
            buf[len] = '\0';
            cap_open(&c);
            rc = vg_annot_parse(buf, here, lookup, NULL, &a, &c.d);
            assert_true(rc == 0 || c.d.errors > 0);
            assert_true(rc == -1 || c.d.errors == 0);
            vg_annot_clear(&a);
            e = vg_expr_parse(buf, here, &c.d);
            vg_expr_free(e);
            cap_close(&c);
        }
    }
}

/* Single-byte mutations of the same texts, deterministic. */
static void test_mutations(void **state)
{
    static const char alphabet[] = "()\",-+*/%<>=!~&|^?:.[]'\\ax0 \t\x01\xff";
    char buf[256];
    unsigned seed = 12345;

    (void)state;
    for (size_t t = 0; t < sizeof(complex_texts) / sizeof(complex_texts[0]); t++) {
        size_t n = strlen(complex_texts[t]);

        for (int round = 0; round < 400; round++) {
            struct vg_parsed_annot a;
            struct vg_expr *e;
            struct cap c;
            int rc;

            memcpy(buf, complex_texts[t], n + 1);
            for (int k = 0; k < 1 + round % 3; k++) {
                seed = seed * 1103515245u + 12345u;
                buf[(seed >> 8) % n] = alphabet[(seed >> 20) % (sizeof(alphabet) - 1)];
            }
            cap_open(&c);
            rc = vg_annot_parse(buf, here, lookup, NULL, &a, &c.d);
            assert_true(rc == 0 ? c.d.errors == 0 : c.d.errors > 0);
            vg_annot_clear(&a);
            e = vg_expr_parse(buf, here, &c.d);
            if (e) {
                struct vg_buf b = {0};
                const struct vg_expr *bad;
                int64_t v;

                vg_expr_to_text(e, &b);
                vg_expr_to_c(e, name_to_c, NULL, &b);
                vg_expr_eval_const(e, lookup, NULL, &v, &bad);
                vg_buf_free(&b);
            }
            vg_expr_free(e);
            cap_close(&c);
        }
    }
}

static void test_limits(void **state)
{
    enum { N = 4000 };
    char *text = malloc(3 * N + 16);
    struct vg_expr *e;
    struct cap c;
    size_t n = 0;

    (void)state;
    /* deep nesting parses, evaluates and frees */
    for (int i = 0; i < N; i++)
        text[n++] = '(';
    text[n++] = '1';
    for (int i = 0; i < N; i++)
        text[n++] = ')';
    text[n] = '\0';
    assert_int_equal(eval_ok(text), 1);

    /* a long left-deep chain */
    n = 0;
    for (int i = 0; i < N; i++) {
        text[n++] = '1';
        text[n++] = '+';
    }
    text[n++] = '1';
    text[n] = '\0';
    assert_int_equal(eval_ok(text), N + 1);

    /* too long a text is refused with a message, not parsed */
    memset(text, '-', 3 * N);
    text[3 * N] = '1';
    text[3 * N + 1] = '\0';
    cap_open(&c);
    e = vg_expr_parse(text, here, &c.d);
    assert_null(e);
    assert_int_equal(c.d.errors, 1);
    assert_non_null(strstr(cap_text(&c), "at column 1: the text is too long (more than 8192 characters)\n"));
    cap_close(&c);
    free(text);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_state_and_subsection_def),
        cmocka_unit_test(test_struct_level_kinds),
        cmocka_unit_test(test_hooks_and_codec),
        cmocka_unit_test(test_flag_kinds),
        cmocka_unit_test(test_member_kinds),
        cmocka_unit_test(test_range_and_was),
        cmocka_unit_test(test_preprocessed_integers),
        cmocka_unit_test(test_words_round_trip),
        cmocka_unit_test(test_string_unescape),
        cmocka_unit_test(test_string_errors),
        cmocka_unit_test(test_err_unknown_word),
        cmocka_unit_test(test_err_argument_count),
        cmocka_unit_test(test_err_argument_kind),
        cmocka_unit_test(test_err_several_arguments),
        cmocka_unit_test(test_err_not_constant),
        cmocka_unit_test(test_err_integer_ranges),
        cmocka_unit_test(test_err_expression_in_annotation),
        cmocka_unit_test(test_err_annotation_syntax),
        cmocka_unit_test(test_err_expression_syntax),
        cmocka_unit_test(test_err_refused_constructs),
        cmocka_unit_test(test_err_literals),
        cmocka_unit_test(test_precedence_table),
        cmocka_unit_test(test_expression_structure),
        cmocka_unit_test(test_eval_errors),
        cmocka_unit_test(test_to_text_round_trip),
        cmocka_unit_test(test_to_c),
        cmocka_unit_test(test_to_c_failure_leaves_buffer),
        cmocka_unit_test(test_op_text_and_buf),
        cmocka_unit_test(test_diag_format),
        cmocka_unit_test(test_prefixes),
        cmocka_unit_test(test_mutations),
        cmocka_unit_test(test_limits),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
