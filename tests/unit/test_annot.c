/* test_annot.c: annotation texts: every kind and its arguments, strings, errors and their exact text. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "annot_testutil.h"

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
    annot_err("range(0, )", "dev.h:12:5: error: in annotation 'range(0, )' at column 10: "
              "expected an argument before ')'");
    annot_err("range(0, (1 2))", "dev.h:12:5: error: in annotation 'range(0, (1 2))' at column 13: "
              "expected an operator before '2'");
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
        cmocka_unit_test(test_diag_format),
        cmocka_unit_test(test_prefixes),
        cmocka_unit_test(test_mutations),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
