/* test_stream.c: streams, transports and URIs: exact bytes, sticky errors, peek, faults. */
#include "testutil.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fault_transport.h"
#include "vms_private.h"

/* ---- shared fixtures ---- */

/* What put_primitives() writes. */
static const uint8_t primitives_bytes[] = {
    /* u8 0xa5 */ 0xa5,
    /* be16 0x1234 */ 0x12, 0x34,
    /* be32 0xdeadbeef */ 0xde, 0xad, 0xbe, 0xef,
    /* be64 0x0102030405060708 */ 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08,
    /* buffer "QEVM" */ 0x51, 0x45, 0x56, 0x4d,
};

/* The primitives as read back; fields past an error stay zero. */
struct primitives {
    uint8_t u8;
    uint16_t u16;
    uint32_t u32;
    uint64_t u64;
    uint8_t buf[4];
};

/* Stream offsets where each primitive ends. */
static const size_t primitive_ends[] = {1, 3, 7, 15, 19};

static void put_primitives(vms_stream_t *s)
{
    vms_put_u8(s, 0xa5);
    vms_put_be16(s, 0x1234);
    vms_put_be32(s, 0xdeadbeef);
    vms_put_be64(s, 0x0102030405060708ull);
    vms_put_buffer(s, "QEVM", 4);
}

static int save_primitives(vms_stream_t *s, void *arg)
{
    (void)arg;
    put_primitives(s);
    return vms_stream_error(s, NULL);
}

static void get_primitives(vms_stream_t *s, struct primitives *p)
{
    p->u8 = vms_get_u8(s);
    p->u16 = vms_get_be16(s);
    p->u32 = vms_get_be32(s);
    p->u64 = vms_get_be64(s);
    vms_get_buffer(s, p->buf, sizeof(p->buf));
}

/* Reads the primitives and checks each value and the offset after it. */
static void check_primitives(vms_stream_t *s, uint64_t start)
{
    uint8_t b[4];

    assert_int_equal(vms_get_u8(s), 0xa5);
    assert_int_equal(vms_stream_offset(s), start + 1);
    assert_int_equal(vms_get_be16(s), 0x1234);
    assert_int_equal(vms_stream_offset(s), start + 3);
    assert_int_equal(vms_get_be32(s), 0xdeadbeef);
    assert_int_equal(vms_stream_offset(s), start + 7);
    assert_true(vms_get_be64(s) == 0x0102030405060708ull);
    assert_int_equal(vms_stream_offset(s), start + 15);
    assert_int_equal(vms_get_buffer(s, b, 4), 4);
    assert_memory_equal(b, "QEVM", 4);
    assert_int_equal(vms_stream_offset(s), start + 19);
    assert_int_equal(vms_stream_error(s, NULL), 0);
}

static uint8_t *pattern(size_t len)
{
    uint8_t *p = malloc(len);
    size_t i;

    assert_non_null(p);
    for (i = 0; i < len; i++)
        p[i] = (uint8_t)(i * 7 + (i >> 8));
    return p;
}

static void assert_contains(const char *haystack, const char *needle)
{
    if (!strstr(haystack, needle))
        fail_msg("\"%s\" does not contain \"%s\"", haystack, needle);
}

/* The sticky error of @s (which stays open). */
static vms_error_t stream_error(vms_stream_t *s)
{
    vms_error_t e;

    vms_error_init(&e);
    vms_stream_error(s, &e);
    return e;
}

/* ---- temporary directory for file: tests ---- */

static char tmpdir[256];

static int make_tmpdir(void **state)
{
    const char *base = getenv("TMPDIR");

    (void)state;
    snprintf(tmpdir, sizeof(tmpdir), "%s/vms_test_stream.XXXXXX", base && *base ? base : "/tmp");
    return mkdtemp(tmpdir) ? 0 : -1;
}

static int remove_tmpdir(void **state)
{
    DIR *d = opendir(tmpdir);
    struct dirent *e;
    char path[512];

    (void)state;
    while (d && (e = readdir(d))) {
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) {
            snprintf(path, sizeof(path), "%s/%s", tmpdir, e->d_name);
            unlink(path);
        }
    }
    if (d)
        closedir(d);
    return rmdir(tmpdir);
}

static const char *tmp_file(char *buf, size_t len, const char *name)
{
    snprintf(buf, len, "%s/%s", tmpdir, name);
    return buf;
}

static void write_file(const char *path, const void *data, size_t len)
{
    FILE *f = fopen(path, "wb");

    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, len, f), len);
    assert_int_equal(fclose(f), 0);
}

/* Reads a whole file; returns a malloc'd buffer and its size in @len. */
static uint8_t *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    uint8_t *buf = malloc(1 << 16);

    assert_non_null(f);
    assert_non_null(buf);
    *len = fread(buf, 1, 1 << 16, f);
    fclose(f);
    return buf;
}

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

/* ---- file: ---- */

static void test_file_round_trip(void **state)
{
    char path[512], uri[600];
    uint8_t junk[1000], *got;
    vms_error_t e;
    vms_stream_t *s;
    size_t len;

    (void)state;
    tmp_file(path, sizeof(path), "round_trip.mig");
    memset(junk, 0xee, sizeof(junk));
    write_file(path, junk, sizeof(junk)); /* a longer old file must be truncated */
    snprintf(uri, sizeof(uri), "file:%s", path);
    vms_error_init(&e);
    s = vms_stream_open(uri, VMS_WRITE, &e);
    assert_non_null(s);
    put_primitives(s);
    assert_int_equal(vms_stream_close(s), 0);
    got = read_file(path, &len);
    assert_bytes_equal(got, len, primitives_bytes, sizeof(primitives_bytes));
    free(got);

    s = vms_stream_open(uri, VMS_READ, &e);
    assert_non_null(s);
    check_primitives(s, 0);
    assert_int_equal(vms_get_u8(s), 0);
    assert_int_equal(vms_stream_close(s), VMS_ERR_EOF);
    assert_int_equal(e.code, 0);
}

static void test_file_writer_offset_keeps_header(void **state)
{
    static const uint8_t want[] = {
        /* management header, untouched */ 'H', 'E', 'A', 'D', 'E', 'R', '-', '-',
        /* be32 written at offset 8 */ 0xca, 0xfe, 0xf0, 0x0d,
    };
    char path[512], uri[600];
    uint8_t old[108], *got;
    vms_stream_t *s;
    size_t len;

    (void)state;
    tmp_file(path, sizeof(path), "offset_writer.mig");
    memset(old, 0x5a, sizeof(old));
    memcpy(old, "HEADER--", 8);
    write_file(path, old, sizeof(old));
    snprintf(uri, sizeof(uri), "file:%s,offset=8", path);
    s = vms_stream_open(uri, VMS_WRITE, NULL);
    assert_non_null(s);
    vms_put_be32(s, 0xcafef00d);
    assert_int_equal(vms_stream_offset(s), 4); /* offsets count stream bytes, not file bytes */
    assert_int_equal(vms_stream_close(s), 0);
    got = read_file(path, &len);
    assert_bytes_equal(got, len, want, sizeof(want));
    free(got);
}

static void test_file_reader_offset(void **state)
{
    static const char *const forms[] = {",offset=8", ",offset=0x8", ",offset=0X08"};
    char path[512], uri[600];
    uint8_t data[8 + sizeof(primitives_bytes)];
    vms_stream_t *s;
    size_t i;

    (void)state;
    tmp_file(path, sizeof(path), "offset_reader.mig");
    memcpy(data, "HEADER--", 8);
    memcpy(data + 8, primitives_bytes, sizeof(primitives_bytes));
    write_file(path, data, sizeof(data));
    for (i = 0; i < sizeof(forms) / sizeof(forms[0]); i++) {
        snprintf(uri, sizeof(uri), "file:%s%s", path, forms[i]);
        s = vms_stream_open(uri, VMS_READ, NULL);
        assert_non_null(s);
        check_primitives(s, 0);
        assert_int_equal(vms_stream_close(s), 0);
    }
}

static void test_missing_file(void **state)
{
    char path[512], uri[600];
    vms_error_t e;

    (void)state;
    tmp_file(path, sizeof(path), "no/such/file.mig");
    snprintf(uri, sizeof(uri), "file:%s", path);
    vms_error_init(&e);
    assert_null(vms_stream_open(uri, VMS_READ, &e));
    assert_int_equal(e.code, VMS_ERR_IO);
    assert_int_equal(e.sys_errno, ENOENT);
    assert_contains(e.message, path);
    assert_contains(e.message, strerror(ENOENT));
    vms_error_init(&e);
    assert_null(vms_stream_open(uri, VMS_WRITE, &e));
    assert_int_equal(e.sys_errno, ENOENT);
}

/* ---- URIs ---- */

static void test_bad_uris(void **state)
{
    static const struct {
        const char *uri;
        int mode;
        int code;
    } cases[] = {
        {NULL, VMS_READ, VMS_ERR_INVAL},
        {"", VMS_READ, VMS_ERR_INVAL},
        {"/tmp/stream.mig", VMS_READ, VMS_ERR_INVAL},
        {"http://example.com/x", VMS_READ, VMS_ERR_INVAL},
        {"File:/tmp/x", VMS_READ, VMS_ERR_INVAL},
        {"tcp:127.0.0.1:4444", VMS_WRITE, VMS_ERR_UNSUPPORTED},
        {"unix:/tmp/sock", VMS_READ, VMS_ERR_UNSUPPORTED},
        {"exec:cat > /tmp/x", VMS_WRITE, VMS_ERR_UNSUPPORTED},
        {"file:", VMS_READ, VMS_ERR_INVAL},
        {"file:,offset=1", VMS_READ, VMS_ERR_INVAL},
        {"file:/tmp/x,offset=", VMS_READ, VMS_ERR_INVAL},
        {"file:/tmp/x,offset=-1", VMS_WRITE, VMS_ERR_INVAL},
        {"file:/tmp/x,offset=+1", VMS_WRITE, VMS_ERR_INVAL},
        {"file:/tmp/x,offset= 1", VMS_WRITE, VMS_ERR_INVAL},
        {"file:/tmp/x,offset=12abc", VMS_READ, VMS_ERR_INVAL},
        {"file:/tmp/x,offset=0x", VMS_READ, VMS_ERR_INVAL},
        {"file:/tmp/x,offset=0x1g", VMS_READ, VMS_ERR_INVAL},
        {"file:/tmp/x,offset=9223372036854775808", VMS_READ, VMS_ERR_INVAL},
        {"file:/tmp/x,offset=0x10000000000000000", VMS_READ, VMS_ERR_INVAL},
        {"file:/tmp/x,offset=99999999999999999999999", VMS_READ, VMS_ERR_INVAL},
        {"fd:", VMS_READ, VMS_ERR_INVAL},
        {"fd:-1", VMS_READ, VMS_ERR_INVAL},
        {"fd:abc", VMS_READ, VMS_ERR_INVAL},
        {"fd:1x", VMS_WRITE, VMS_ERR_INVAL},
        {"fd:99999999999", VMS_WRITE, VMS_ERR_INVAL},
        {"file:/tmp/x", 0, VMS_ERR_INVAL},
        {"fd:1", VMS_READ | VMS_WRITE, VMS_ERR_INVAL},
    };
    size_t i;
    vms_error_t e;

    (void)state;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        vms_error_init(&e);
        if (vms_stream_open(cases[i].uri, cases[i].mode, &e))
            fail_msg("'%s' opened", cases[i].uri);
        if (e.code != cases[i].code)
            fail_msg("'%s': got %d (%s), want %d", cases[i].uri ? cases[i].uri : "(null)", e.code,
                     e.message, cases[i].code);
        assert_contains(e.message, cases[i].uri ? cases[i].uri : "(null)");
        assert_int_equal(e.offset, -1);
    }
    vms_error_init(&e);
    vms_stream_open("tcp:localhost:1", VMS_WRITE, &e);
    assert_contains(e.message, "not available in this build");
    vms_error_init(&e);
    vms_stream_open("nope", VMS_WRITE, &e);
    assert_contains(e.message, "file:PATH[,offset=N] or fd:N");
    /* No error record is fine too. */
    assert_null(vms_stream_open("nope", VMS_WRITE, NULL));
}

/* ---- fd: ---- */

static vms_stream_t *open_fd(int fd, int mode, vms_error_t *e)
{
    char uri[32];

    snprintf(uri, sizeof(uri), "fd:%d", fd);
    return vms_stream_open(uri, mode, e);
}

static void test_fd_pipe(void **state)
{
    int p[2];
    vms_stream_t *w, *r;

    (void)state;
    assert_int_equal(pipe(p), 0);
    w = open_fd(p[1], VMS_WRITE, NULL);
    assert_non_null(w);
    put_primitives(w);
    assert_int_equal(vms_stream_close(w), 0);
    /* The stream owned the descriptor and closed it. */
    assert_int_equal(fcntl(p[1], F_GETFD), -1);
    r = open_fd(p[0], VMS_READ, NULL);
    assert_non_null(r);
    check_primitives(r, 0);
    assert_int_equal(vms_get_u8(r), 0);
    assert_int_equal(vms_stream_close(r), VMS_ERR_EOF);
    assert_int_equal(fcntl(p[0], F_GETFD), -1);
}

static void test_fd_invalid(void **state)
{
    int p[2], closed;
    vms_error_t e;

    (void)state;
    closed = open("/dev/null", O_RDONLY);
    assert_true(closed >= 0);
    close(closed);
    vms_error_init(&e);
    assert_null(open_fd(closed, VMS_READ, &e));
    assert_int_equal(e.code, VMS_ERR_INVAL);
    assert_int_equal(e.sys_errno, EBADF);

    /* A read end cannot be written; the refused descriptor stays open. */
    assert_int_equal(pipe(p), 0);
    vms_error_init(&e);
    assert_null(open_fd(p[0], VMS_WRITE, &e));
    assert_int_equal(e.code, VMS_ERR_INVAL);
    assert_contains(e.message, "not open for writing");
    vms_error_init(&e);
    assert_null(open_fd(p[1], VMS_READ, &e));
    assert_contains(e.message, "not open for reading");
    assert_int_not_equal(fcntl(p[0], F_GETFD), -1);
    close(p[0]);
    close(p[1]);
}

/* Writing to a pipe or socket whose reader is gone fails cleanly instead of killing us. */
static void check_writer_to_dead_peer(int fd)
{
    vms_stream_t *s = open_fd(fd, VMS_WRITE, NULL);
    sigset_t pending;
    vms_error_t e;

    assert_non_null(s);
    vms_put_buffer(s, "0123456789", 10);
    assert_int_equal(vms_stream_flush(s), VMS_ERR_CLOSED);
    e = stream_error(s);
    assert_int_equal(e.sys_errno, EPIPE);
    assert_int_equal(e.offset, 0);
    assert_int_equal(vms_stream_close(s), VMS_ERR_CLOSED);
    assert_int_equal(sigpending(&pending), 0);
    assert_false(sigismember(&pending, SIGPIPE));
}

static void test_closed_pipe_no_sigpipe(void **state)
{
    int p[2], sv[2];

    (void)state;
    signal(SIGPIPE, SIG_DFL); /* a stray SIGPIPE would end the test binary */
    assert_int_equal(pipe(p), 0);
    close(p[0]);
    check_writer_to_dead_peer(p[1]);
    assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
    close(sv[1]);
    check_writer_to_dead_peer(sv[0]);
}

/* ---- fault injection ---- */

/* A mixed stream: primitives, a bulk array, a buffer larger than the stream buffer. */
static int save_mixed(vms_stream_t *s, void *arg)
{
    const uint8_t *big = arg;
    uint32_t words[1000];
    size_t i;

    for (i = 0; i < 1000; i++)
        words[i] = (uint32_t)(i * 0x01010101u);
    put_primitives(s);
    vmsp_put_array(s, words, 4, 1000);
    vms_put_buffer(s, big, 50000);
    put_primitives(s);
    return vms_stream_error(s, NULL);
}

static void check_mixed(vms_stream_t *s, const uint8_t *big)
{
    uint32_t words[1000];
    uint8_t *got = malloc(50000);
    size_t i;

    check_primitives(s, 0);
    assert_int_equal(vmsp_get_array(s, words, 4, 1000), 1000);
    for (i = 0; i < 1000; i++)
        assert_int_equal(words[i], (uint32_t)(i * 0x01010101u));
    assert_int_equal(vms_get_buffer(s, got, 50000), 50000);
    assert_memory_equal(got, big, 50000);
    check_primitives(s, 19 + 4000 + 50000);
    free(got);
}

static void test_short_io_identical(void **state)
{
    static const struct fault_cfg cfgs[] = {
        {.max_io = 1},
        {.max_io = 7},
        {.seed = 1},
        {.seed = 12345, .max_io = 100},
        {.seed = 3, .max_io = 40000},
    };
    uint8_t *big = pattern(50000), *want;
    struct fault_log log = {0};
    vms_stream_t *s;
    size_t want_len, i;

    (void)state;
    want = save_to_mem(save_mixed, big, &want_len, NULL);
    for (i = 0; i < sizeof(cfgs) / sizeof(cfgs[0]); i++) {
        s = fault_writer(&cfgs[i], &log);
        assert_int_equal(save_mixed(s, big), 0);
        assert_int_equal(vms_stream_close(s), 0);
        assert_bytes_equal(log.data, log.len, want, want_len);
        assert_int_equal(log.closes, 1);
        fault_log_clear(&log);

        s = fault_reader(want, want_len, &cfgs[i], &log);
        check_mixed(s, big);
        assert_int_equal(vms_stream_close(s), 0);
        assert_int_equal(log.closes, 1);
        fault_log_clear(&log);
    }
    free(want);
    free(big);
}

/* A writer failing after K bytes: the error names offset K and exactly K bytes went out. */
static void check_write_failure(size_t k, int sys_errno, int code, size_t max_io)
{
    struct fault_cfg cfg = {.fail_errno = sys_errno, .fail_after = k, .max_io = max_io};
    struct fault_log log = {0};
    vms_stream_t *s = fault_writer(&cfg, &log);
    bool fails = k < sizeof(primitives_bytes);
    vms_error_t e;

    put_primitives(s);
    assert_int_equal(vms_stream_flush(s), fails ? code : 0);
    e = stream_error(s);
    if (fails) {
        assert_int_equal(e.offset, k);
        assert_int_equal(e.sys_errno, sys_errno);
        vms_put_u8(s, 0x99); /* dropped after an error */
    }
    assert_int_equal(vms_stream_close(s), fails ? code : 0);
    assert_int_equal(log.closes, 1);
    assert_bytes_equal(log.data, log.len, primitives_bytes, k);
    fault_log_clear(&log);
}

static void test_write_failure_sweep(void **state)
{
    size_t k;

    (void)state;
    for (k = 0; k <= sizeof(primitives_bytes); k++) {
        check_write_failure(k, EIO, VMS_ERR_IO, 0);
        check_write_failure(k, EPIPE, VMS_ERR_CLOSED, 3);
        check_write_failure(k, ECONNRESET, VMS_ERR_CLOSED, 1);
    }
}

/* A reader failing or ending after K bytes: values before K are right, the rest zero. */
static void check_read_failure(size_t k, const struct fault_cfg *cfg, int code)
{
    const struct primitives want = {0xa5, 0x1234, 0xdeadbeef, 0x0102030405060708ull, "QEVM"};
    vms_stream_t *s = fault_reader(primitives_bytes, sizeof(primitives_bytes), cfg, NULL);
    bool fails = k < sizeof(primitives_bytes);
    struct primitives got;
    vms_error_t e;

    memset(&got, 0x77, sizeof(got));
    get_primitives(s, &got);
    e = stream_error(s);
    assert_int_equal(e.code, fails ? code : 0);
    if (fails)
        assert_int_equal(e.offset, k);
    assert_int_equal(got.u8, k >= primitive_ends[0] ? want.u8 : 0);
    assert_int_equal(got.u16, k >= primitive_ends[1] ? want.u16 : 0);
    assert_int_equal(got.u32, k >= primitive_ends[2] ? want.u32 : 0);
    assert_true(got.u64 == (k >= primitive_ends[3] ? want.u64 : 0));
    if (k >= primitive_ends[4])
        assert_memory_equal(got.buf, want.buf, 4);
    assert_int_equal(vms_stream_close(s), fails ? code : 0);
}

static void test_read_failure_sweep(void **state)
{
    struct fault_cfg cfg;
    size_t k;

    (void)state;
    for (k = 0; k <= sizeof(primitives_bytes); k++) {
        cfg = (struct fault_cfg){.fail_errno = EIO, .fail_after = k};
        check_read_failure(k, &cfg, VMS_ERR_IO);
        cfg = (struct fault_cfg){.fail_errno = ECONNRESET, .fail_after = k, .max_io = 2};
        check_read_failure(k, &cfg, VMS_ERR_CLOSED);
        cfg = (struct fault_cfg){.end_early = true, .end_after = k, .seed = 5};
        check_read_failure(k, &cfg, VMS_ERR_EOF);
    }
}

static void test_write_returning_zero_is_error(void **state)
{
    struct fault_log log = {0};
    vms_stream_t *s = fault_writer(&(struct fault_cfg){.end_early = true, .end_after = 5}, &log);
    vms_error_t e;

    (void)state;
    put_primitives(s);
    assert_int_equal(vms_stream_flush(s), VMS_ERR_IO);
    e = stream_error(s);
    assert_int_equal(e.offset, 5);
    assert_contains(e.message, "accepted 0 of 14 bytes");
    assert_int_equal(vms_stream_close(s), VMS_ERR_IO);
    assert_bytes_equal(log.data, log.len, primitives_bytes, 5);
    fault_log_clear(&log);
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
        cmocka_unit_test(test_file_round_trip),
        cmocka_unit_test(test_file_writer_offset_keeps_header),
        cmocka_unit_test(test_file_reader_offset),
        cmocka_unit_test(test_missing_file),
        cmocka_unit_test(test_bad_uris),
        cmocka_unit_test(test_fd_pipe),
        cmocka_unit_test(test_fd_invalid),
        cmocka_unit_test(test_closed_pipe_no_sigpipe),
        cmocka_unit_test(test_short_io_identical),
        cmocka_unit_test(test_write_failure_sweep),
        cmocka_unit_test(test_read_failure_sweep),
        cmocka_unit_test(test_write_returning_zero_is_error),
    };

    return cmocka_run_group_tests(tests, make_tmpdir, remove_tmpdir);
}
