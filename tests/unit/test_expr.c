/* test_expr.c: the expression language: syntax errors, precedence, evaluation, C and text output. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "annot_testutil.h"

/* ---- syntax errors ---- */

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

/* ---- precedence, structure, evaluation ---- */

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

/* ---- text and C output ---- */

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

/* ---- small pieces and limits ---- */

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
        cmocka_unit_test(test_limits),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
