/* test_error.c: error codes, texts, formatting and the first-error-wins rule. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <limits.h>
#include <string.h>

#include <vms/vms.h>

static void test_strerror_every_code(void **state)
{
    static const int codes[] = {
#define CODE(name, value, text) name,
        VMS_ERROR_LIST(CODE)
#undef CODE
    };
    int lowest = 0;

    (void)state;
    for (size_t i = 0; i < sizeof(codes) / sizeof(codes[0]); i++) {
        const char *t = vms_strerror(codes[i]);
        assert_true(codes[i] < 0);
        assert_string_not_equal(t, "unknown error");
        for (size_t k = 0; k < i; k++)
            assert_int_not_equal(codes[i], codes[k]); /* codes are distinct */
    }
    assert_string_equal(vms_strerror(VMS_ERR_EOF), "unexpected end of stream");
    assert_string_equal(vms_strerror(0), "success");
    assert_string_equal(vms_strerror(12345), "unknown error");
    /* Every code has its own text (the texts are a table indexed by the code). */
    for (size_t i = 0; i < sizeof(codes) / sizeof(codes[0]); i++) {
        lowest = codes[i] < lowest ? codes[i] : lowest;
        for (size_t k = 0; k < i; k++)
            assert_string_not_equal(vms_strerror(codes[i]), vms_strerror(codes[k]));
    }
    /* Just past the lowest code, far below it, and the extremes. */
    assert_string_equal(vms_strerror(lowest - 1), "unknown error");
    assert_string_equal(vms_strerror(-100000), "unknown error");
    assert_string_equal(vms_strerror(INT_MIN), "unknown error");
    assert_string_equal(vms_strerror(INT_MAX), "unknown error");
    assert_string_equal(vms_strerror(1), "unknown error");
}

static void test_first_error_wins(void **state)
{
    vms_error_t err;

    (void)state;
    vms_error_init(&err);
    assert_int_equal(err.code, 0);
    assert_int_equal(err.offset, -1);
    assert_int_equal(vms_error_set(&err, VMS_ERR_RANGE, 0, 0x1a4, "serial/fifo[3]",
                                   "count %d exceeds %d", 300, 16), VMS_ERR_RANGE);
    assert_int_equal(vms_error_set(&err, VMS_ERR_IO, 5, 7, "other", "second"), VMS_ERR_IO);
    assert_int_equal(err.code, VMS_ERR_RANGE);
    assert_int_equal(err.offset, 0x1a4);
    assert_string_equal(err.path, "serial/fifo[3]");
    assert_string_equal(err.message, "count 300 exceeds 16");
    /* NULL is accepted and the code still comes back */
    assert_int_equal(vms_error_set(NULL, VMS_ERR_IO, 0, -1, NULL, "x"), VMS_ERR_IO);
}

static void test_format(void **state)
{
    vms_error_t err;
    char buf[256];

    (void)state;
    vms_error_init(&err);
    assert_string_equal(vms_error_format(&err, buf, sizeof(buf)), "no error");
    vms_error_set(&err, VMS_ERR_RANGE, 0, 0x1a4, "serial/fifo[3]", "count 300 exceeds 16");
    assert_string_equal(vms_error_format(&err, buf, sizeof(buf)),
                        "serial/fifo[3]: count 300 exceeds 16 (at offset 0x1a4)");
    vms_error_init(&err);
    vms_error_set(&err, VMS_ERR_NOMEM, 0, -1, NULL, "%s", "");
    assert_string_equal(vms_error_format(&err, buf, sizeof(buf)), "out of memory");
    /* truncation keeps a terminated string */
    vms_error_format(&err, buf, 4);
    assert_string_equal(buf, "out");
}

static void test_long_texts_truncate(void **state)
{
    char path[1000], msg[2000];
    vms_error_t err;

    (void)state;
    memset(path, 'p', sizeof(path) - 1);
    path[sizeof(path) - 1] = '\0';
    memset(msg, 'm', sizeof(msg) - 1);
    msg[sizeof(msg) - 1] = '\0';
    vms_error_init(&err);
    vms_error_set(&err, VMS_ERR_CHECK, 0, 1, path, "%s", msg);
    assert_int_equal(strlen(err.path), VMS_ERROR_PATH_MAX - 1);
    assert_int_equal(strlen(err.message), VMS_ERROR_MESSAGE_MAX - 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_strerror_every_code),
        cmocka_unit_test(test_first_error_wins),
        cmocka_unit_test(test_format),
        cmocka_unit_test(test_long_texts_truncate),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
