/* test_stream.c: memory streams: exact bytes, sticky errors, ownership, peek, bulk arrays. */
#include <stdlib.h>
#include <string.h>

#include "fault_transport.h"
#include "stream_fixtures.h"
#include "vms_private.h"

/* The primitives fixture, pattern() and stream_error(): stream_fixtures.h. */

/* ---- memory streams ---- */

static void test_mem_primitives_exact_bytes(void **state)
{
    vms_stream_t *w = vms_stream_mem_writer();
    vms_stream_t *r;
    const void *data;
    uint8_t *copy;
    size_t len, i;

    (void)state;
    assert_non_null(w);
    assert_int_equal(vms_stream_offset(w), 0);
    vms_put_u8(w, 0xa5);
    vms_put_be16(w, 0x1234);
    vms_put_be32(w, 0xdeadbeef);
    vms_put_be64(w, 0x0102030405060708ull);
    assert_int_equal(vms_stream_offset(w), 15);
    vms_put_buffer(w, "QEVM", 4);
    vms_put_buffer(w, NULL, 0);
    assert_int_equal(vms_stream_offset(w), 19);
    data = vms_stream_mem_data(w, &len);
    assert_bytes_equal(data, len, primitives_bytes, sizeof(primitives_bytes));

    /* The reader borrows the caller's bytes instead of copying them. */
    r = vms_stream_mem_reader(primitives_bytes, sizeof(primitives_bytes));
    assert_non_null(r);
    assert_ptr_equal(r->buf, primitives_bytes);
    check_primitives(r, 0);
    assert_int_equal(vms_stream_close(r), 0);
    assert_int_equal(vms_stream_close(w), 0);

    /* save_to_mem gives the same bytes. */
    copy = save_to_mem(save_primitives, NULL, &len, NULL);
    assert_bytes_equal(copy, len, primitives_bytes, sizeof(primitives_bytes));
    free(copy);

    /* The writer grows far past its first buffer. */
    w = vms_stream_mem_writer();
    for (i = 0; i < 100000; i++)
        vms_put_be32(w, (uint32_t)i);
    data = vms_stream_mem_data(w, &len);
    assert_int_equal(len, 400000);
    assert_memory_equal((const uint8_t *)data + 4 * 99999, "\x00\x01\x86\x9f", 4);
    assert_int_equal(vms_stream_close(w), 0);
    /* Only memory writers have data to show. */
    r = vms_stream_mem_reader("", 0);
    assert_null(vms_stream_mem_data(r, &len));
    assert_int_equal(len, 0);
    assert_int_equal(vms_stream_close(r), 0);
    assert_int_equal(vms_stream_close(NULL), 0);
}

static void test_offset_and_skip(void **state)
{
    uint8_t *data = pattern(100);
    vms_stream_t *s = vms_stream_mem_reader(data, 100);
    vms_error_t e;

    (void)state;
    assert_int_equal(vms_stream_skip(s, 10), 10);
    assert_int_equal(vms_stream_offset(s), 10);
    assert_int_equal(vms_get_u8(s), data[10]);
    assert_int_equal(vms_stream_skip(s, 89), 89);
    assert_int_equal(vms_stream_offset(s), 100);
    assert_int_equal(vms_stream_error(s, NULL), 0);
    assert_int_equal(vms_stream_skip(s, 5), 0);
    e = stream_error(s);
    assert_int_equal(e.code, VMS_ERR_EOF);
    assert_int_equal(e.offset, 100);
    assert_int_equal(vms_stream_close(s), VMS_ERR_EOF);
    free(data);
}

static void test_eof_is_sticky(void **state)
{
    static const uint8_t data[] = {0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07};
    vms_stream_t *s = vms_stream_mem_reader(data, sizeof(data));
    uint8_t buf[8];
    vms_error_t e;

    (void)state;
    assert_int_equal(vms_get_be16(s), 0x0001);
    assert_int_equal(vms_get_be32(s), 0x02030405);
    assert_true(vms_get_be64(s) == 0); /* only 2 bytes left */
    e = stream_error(s);
    assert_int_equal(e.code, VMS_ERR_EOF);
    assert_int_equal(e.offset, 8);
    assert_contains(e.message, "wanted 8 bytes, got 2");
    /* Everything after reads zeros and keeps the first error. */
    assert_int_equal(vms_get_u8(s), 0);
    memset(buf, 0xff, sizeof(buf));
    assert_int_equal(vms_get_buffer(s, buf, sizeof(buf)), 0);
    assert_memory_equal(buf, "\0\0\0\0\0\0\0\0", 8);
    assert_int_equal(vms_stream_close(s), VMS_ERR_EOF);

    /* A partial buffer reports what it got and zero-fills the rest. */
    s = vms_stream_mem_reader(data, 3);
    memset(buf, 0xff, sizeof(buf));
    assert_int_equal(vms_get_buffer(s, buf, 5), 3);
    assert_memory_equal(buf, "\x00\x01\x02\x00\x00", 5);
    assert_contains(stream_error(s).message, "wanted 5 bytes, got 3");
    assert_int_equal(vms_stream_close(s), VMS_ERR_EOF);
}

static void test_first_error_wins(void **state)
{
    vms_stream_t *w = vms_stream_mem_writer(), *r;
    vms_error_t e;
    size_t len;

    (void)state;
    vms_put_u8(w, 1);
    assert_int_equal(vms_stream_set_error(w, VMS_ERR_RANGE, 0, "count %d exceeds %d", 300, 16),
                     VMS_ERR_RANGE);
    assert_int_equal(vms_stream_set_error(w, VMS_ERR_FORMAT, 0, "second"), VMS_ERR_RANGE);
    e = stream_error(w);
    assert_int_equal(e.offset, 1);
    assert_string_equal(e.message, "count 300 exceeds 16");
    /* Writes after the error are dropped. */
    vms_put_be32(w, 0x11223344);
    vms_put_buffer(w, "xyz", 3);
    vmsp_put_array(w, "ab", 1, 2);
    vms_stream_mem_data(w, &len);
    assert_int_equal(len, 1);
    assert_int_equal(vms_stream_offset(w), 1);
    /* A caller's record that already holds an error is left alone. */
    vms_error_init(&e);
    vms_error_set(&e, VMS_ERR_HOOK, 0, 7, NULL, "earlier");
    assert_int_equal(vms_stream_error(w, &e), VMS_ERR_RANGE);
    assert_int_equal(e.code, VMS_ERR_HOOK);
    assert_int_equal(vms_stream_close(w), VMS_ERR_RANGE);

    /* A failed reader reads zeros even with data left. */
    r = vms_stream_mem_reader(primitives_bytes, sizeof(primitives_bytes));
    vms_stream_set_error(r, VMS_ERR_CHECK, 0, "bad");
    assert_int_equal(vms_get_u8(r), 0);
    assert_int_equal(vms_get_be32(r), 0);
    assert_int_equal(vms_stream_offset(r), 0);
    assert_int_equal(vms_stream_close(r), VMS_ERR_CHECK);
}

static void test_mode_mismatch(void **state)
{
    vms_stream_t *r = vms_stream_mem_reader(primitives_bytes, 4);
    vms_stream_t *w = vms_stream_mem_writer();
    uint8_t b[2];

    (void)state;
    vms_put_u8(r, 1);
    assert_int_equal(vms_stream_error(r, NULL), VMS_ERR_INVAL);
    assert_contains(stream_error(r).message, "opened for reading");
    assert_int_equal(vms_get_u8(r), 0);
    assert_int_equal(vms_stream_close(r), VMS_ERR_INVAL);

    assert_int_equal(vms_get_be16(w), 0);
    assert_int_equal(vms_stream_peek(w, b, 2, 0), 0);
    assert_int_equal(vms_stream_error(w, NULL), VMS_ERR_INVAL);
    assert_contains(stream_error(w).message, "opened for writing");
    assert_int_equal(vms_stream_close(w), VMS_ERR_INVAL);
}

static int counted_closes;

/* Closing a transport whose ctx is not NULL fails, as an exec: child exiting non-zero would. */
static int counted_close(void *ctx, vms_error_t *err)
{
    counted_closes++;
    if (ctx)
        return vms_error_set(err, VMS_ERR_IO, 0, -1, NULL, "child exited with status 1");
    return 0;
}

static ssize_t discard_write(void *ctx, const void *buf, size_t len, vms_error_t *err)
{
    (void)ctx;
    (void)buf;
    (void)err;
    return (ssize_t)len;
}

static void test_transport_ownership(void **state)
{
    static const struct vms_transport_ops write_only = {
        .name = "write-only",
        .write = discard_write,
        .close = counted_close,
    };
    static int failing_close;
    vms_stream_t *s;
    vms_error_t e;

    (void)state;
    counted_closes = 0;
    /* Refused streams still release the transport they were given, once. */
    vms_error_init(&e);
    assert_null(vms_stream_new(&write_only, NULL, VMS_READ, &e));
    assert_int_equal(e.code, VMS_ERR_INVAL);
    assert_contains(e.message, "cannot read");
    assert_int_equal(counted_closes, 1);
    vms_error_init(&e);
    assert_null(vms_stream_new(&write_only, NULL, 0, &e));
    assert_int_equal(e.code, VMS_ERR_INVAL);
    assert_int_equal(counted_closes, 2);
    vms_error_init(&e);
    assert_null(vms_stream_new(NULL, NULL, VMS_WRITE, &e));
    assert_int_equal(e.code, VMS_ERR_INVAL);
    /* A healthy stream closes its transport once, and a failing close is its result. */
    s = vms_stream_new(&write_only, NULL, VMS_WRITE, NULL);
    vms_put_be32(s, 1);
    assert_int_equal(vms_stream_close(s), 0);
    assert_int_equal(counted_closes, 3);
    s = vms_stream_new(&write_only, &failing_close, VMS_WRITE, NULL);
    assert_int_equal(vms_stream_close(s), VMS_ERR_IO);
    assert_int_equal(counted_closes, 4);
}

/* ---- peek ---- */

static void test_peek_semantics(void **state)
{
    vms_stream_t *s = vms_stream_mem_reader("ABCDEFGH", 8);
    char b[8];

    (void)state;
    assert_int_equal(vms_stream_peek(s, b, 3, 0), 3);
    assert_memory_equal(b, "ABC", 3);
    assert_int_equal(vms_stream_peek(s, b, 2, 6), 2);
    assert_memory_equal(b, "GH", 2);
    /* At the end: fewer bytes, zero-filled, and no error. */
    memset(b, 'x', sizeof(b));
    assert_int_equal(vms_stream_peek(s, b, 4, 6), 2);
    assert_memory_equal(b, "GH\0\0", 4);
    assert_int_equal(vms_stream_peek(s, b, 1, 8), 0);
    assert_int_equal(vms_stream_error(s, NULL), 0);
    /* Nothing was consumed. */
    assert_int_equal(vms_stream_offset(s), 0);
    assert_int_equal(vms_get_u8(s), 'A');
    assert_int_equal(vms_stream_peek(s, b, 1, 0), 1);
    assert_int_equal(b[0], 'B');
    vms_stream_skip(s, 7);
    assert_int_equal(vms_stream_peek(s, b, 1, 0), 0);
    assert_int_equal(vms_stream_error(s, NULL), 0);
    /* Beyond the documented window is a caller bug, reported as INVAL. */
    assert_int_equal(vms_stream_peek(s, b, 2, VMS_STREAM_PEEK_MAX - 1), 0);
    assert_int_equal(vms_stream_error(s, NULL), VMS_ERR_INVAL);
    assert_int_equal(vms_stream_close(s), VMS_ERR_INVAL);
}

/* Peeks the full window at several read positions, including across buffer refills. */
static void test_peek_across_refill(void **state)
{
    static const size_t stops[] = {0, 1, 28672, 32760, 32767, 32768, 40000, 65530, 69990};
    const size_t len = 70000;
    uint8_t *data = pattern(len), *b = malloc(VMS_STREAM_PEEK_MAX);
    struct fault_cfg one_byte = {.max_io = 1};
    vms_stream_t *s = fault_reader(data, len, &one_byte, NULL);
    size_t i, want;

    (void)state;
    for (i = 0; i < sizeof(stops) / sizeof(stops[0]); i++) {
        vms_stream_skip(s, stops[i] - vms_stream_offset(s));
        want = len - stops[i] < VMS_STREAM_PEEK_MAX ? len - stops[i] : VMS_STREAM_PEEK_MAX;
        assert_int_equal(vms_stream_peek(s, b, VMS_STREAM_PEEK_MAX, 0), want);
        assert_bytes_equal(b, want, data + stops[i], want);
        assert_int_equal(vms_stream_peek(s, b, 16, VMS_STREAM_PEEK_MAX - 16), want < 4096 ? 0 : 16);
        assert_int_equal(vms_stream_offset(s), stops[i]);
        assert_int_equal(vms_get_u8(s), data[stops[i]]);
    }
    assert_int_equal(vms_stream_error(s, NULL), 0);
    assert_int_equal(vms_stream_close(s), 0);
    free(b);
    free(data);
}

/* ---- bulk arrays ---- */

static void test_array_exact_bytes(void **state)
{
    static const uint8_t u8[] = {0x01, 0xff};
    static const uint16_t u16[] = {0x0102, 0xa0b0};
    static const uint32_t u32[] = {0x01020304, 0xfffffffe};
    static const uint64_t u64[] = {0x0102030405060708ull, 0x8000000000000001ull};
    static const uint8_t want[] = {
        /* u8[2] */ 0x01, 0xff,
        /* u16[2] */ 0x01, 0x02, 0xa0, 0xb0,
        /* u32[2] */ 0x01, 0x02, 0x03, 0x04, 0xff, 0xff, 0xff, 0xfe,
        /* u64[2] */ 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08,
        0x80, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01,
    };
    vms_stream_t *w = vms_stream_mem_writer(), *r;
    uint8_t g8[2];
    uint16_t g16[2];
    uint32_t g32[2];
    uint64_t g64[2];
    const void *data;
    size_t len;

    (void)state;
    vmsp_put_array(w, u8, 1, 2);
    vmsp_put_array(w, u16, 2, 2);
    vmsp_put_array(w, u32, 4, 2);
    vmsp_put_array(w, u64, 8, 2);
    vmsp_put_array(w, u64, 8, 0);
    data = vms_stream_mem_data(w, &len);
    assert_bytes_equal(data, len, want, sizeof(want));

    r = vms_stream_mem_reader(data, len);
    assert_int_equal(vmsp_get_array(r, g8, 1, 2), 2);
    assert_int_equal(vmsp_get_array(r, g16, 2, 2), 2);
    assert_int_equal(vmsp_get_array(r, g32, 4, 2), 2);
    assert_int_equal(vmsp_get_array(r, g64, 8, 2), 2);
    assert_memory_equal(g8, u8, sizeof(u8));
    assert_memory_equal(g16, u16, sizeof(u16));
    assert_memory_equal(g32, u32, sizeof(u32));
    assert_memory_equal(g64, u64, sizeof(u64));
    /* Past the end: no element, destination untouched, EOF. */
    assert_int_equal(vmsp_get_array(r, g32, 4, 2), 0);
    assert_int_equal(g32[0], u32[0]);
    assert_int_equal(vms_stream_close(r), VMS_ERR_EOF);

    vmsp_put_array(w, u8, 3, 1);
    assert_int_equal(vms_stream_close(w), VMS_ERR_INVAL);
}

/* Fills @n elements of @width with distinct values. */
static void *array_values(size_t width, size_t n)
{
    uint8_t *v = malloc(width * n);
    size_t i;

    assert_non_null(v);
    for (i = 0; i < n; i++) {
        uint64_t x = 0x0123456789abcdefull * (i + 1);
        memcpy(v + i * width, &x, width);
    }
    return v;
}

/* The bytes per-element puts produce, the reference for the bulk path. */
static void put_elementwise(vms_stream_t *s, const void *v, size_t width, size_t n)
{
    const uint8_t *p = v;
    size_t i;

    for (i = 0; i < n; i++, p += width) {
        uint16_t a;
        uint32_t b;
        uint64_t c;

        if (width == 1) {
            vms_put_u8(s, *p);
        } else if (width == 2) {
            memcpy(&a, p, 2);
            vms_put_be16(s, a);
        } else if (width == 4) {
            memcpy(&b, p, 4);
            vms_put_be32(s, b);
        } else {
            memcpy(&c, p, 8);
            vms_put_be64(s, c);
        }
    }
}

static void round_trip_array(size_t width)
{
    /* Three bytes of prefix put elements across every refill boundary. */
    const size_t n = 3 * VMSP_STREAM_BUF / width + 5;
    void *v = array_values(width, n), *got = malloc(width * (n + 1));
    vms_stream_t *ref = vms_stream_mem_writer(), *w, *r;
    struct fault_log log = {0};
    const void *want;
    size_t want_len;

    vms_put_buffer(ref, "pre", 3);
    put_elementwise(ref, v, width, n);
    want = vms_stream_mem_data(ref, &want_len);

    w = fault_writer(&(struct fault_cfg){.max_io = 1000}, &log);
    vms_put_buffer(w, "pre", 3);
    vmsp_put_array(w, v, width, n);
    assert_int_equal(vms_stream_offset(w), 3 + width * n);
    assert_int_equal(vms_stream_close(w), 0);
    assert_bytes_equal(log.data, log.len, want, want_len);

    r = fault_reader(want, want_len, &(struct fault_cfg){.seed = 7}, NULL);
    vms_stream_skip(r, 3);
    assert_int_equal(vmsp_get_array(r, got, width, n), n);
    assert_memory_equal(got, v, width * n);
    assert_int_equal(vmsp_get_array(r, got, width, 1), 0);
    assert_int_equal(vms_stream_close(r), VMS_ERR_EOF);

    vms_stream_close(ref);
    fault_log_clear(&log);
    free(got);
    free(v);
}

static void test_array_large_round_trip(void **state)
{
    (void)state;
    round_trip_array(1);
    round_trip_array(2);
    round_trip_array(4);
    round_trip_array(8);
}

/* ---- big buffers ---- */

static void test_large_put_buffer(void **state)
{
    const size_t len = 100000;
    uint8_t *data = pattern(len), *got = malloc(len), *want = malloc(len + 2);
    struct fault_log log = {0};
    vms_stream_t *s = fault_writer(NULL, &log);

    (void)state;
    want[0] = 0x11;
    memcpy(want + 1, data, len);
    want[len + 1] = 0x22;
    vms_put_u8(s, 0x11);
    vms_put_buffer(s, data, len);
    vms_put_u8(s, 0x22);
    assert_int_equal(vms_stream_offset(s), len + 2);
    assert_int_equal(vms_stream_close(s), 0);
    assert_bytes_equal(log.data, log.len, want, len + 2);

    /* Read back with a big get_buffer, which may bypass the stream buffer. */
    s = fault_reader(want, len + 2, &(struct fault_cfg){.seed = 99}, NULL);
    assert_int_equal(vms_get_u8(s), 0x11);
    assert_int_equal(vms_get_buffer(s, got, len), len);
    assert_memory_equal(got, data, len);
    assert_int_equal(vms_get_u8(s), 0x22);
    assert_int_equal(vms_stream_offset(s), len + 2);
    assert_int_equal(vms_stream_close(s), 0);

    fault_log_clear(&log);
    free(want);
    free(got);
    free(data);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_mem_primitives_exact_bytes),
        cmocka_unit_test(test_offset_and_skip),
        cmocka_unit_test(test_eof_is_sticky),
        cmocka_unit_test(test_first_error_wins),
        cmocka_unit_test(test_mode_mismatch),
        cmocka_unit_test(test_transport_ownership),
        cmocka_unit_test(test_peek_semantics),
        cmocka_unit_test(test_peek_across_refill),
        cmocka_unit_test(test_array_exact_bytes),
        cmocka_unit_test(test_array_large_round_trip),
        cmocka_unit_test(test_large_put_buffer),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
