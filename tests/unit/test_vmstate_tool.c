/*
 * test_vmstate_tool.c: the vmstate analyzer's parser on hostile input. Every truncation of a
 * whole stream and targeted corruptions fail with an error that names a byte offset; every
 * single-byte mutation and random mutations of the QEMU corpus give a result or such an error
 * (never a crash, which ASan/UBSan would report); non-seekable streams respect the buffer cap.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "testutil.h"
#include "vmstate_tool.h"

#define GOLDEN VMS_DATA_DIR "/golden/machine.mig"
#define CORPUS VMS_DATA_DIR "/qemu-7.2/pc-i440fx-7.2-32m.mig"

/* Parses @len bytes at @buf as a seekable file; 0 or -1, with the error text copied to @err. */
static int parse_bytes(const uint8_t *buf, size_t len, enum vt_format fmt, char err[512])
{
    FILE *f = tmpfile();
    assert_non_null(f);
    assert_int_equal(fwrite(buf, 1, len, f), len);
    fflush(f);
    char path[64];
    snprintf(path, sizeof(path), "/dev/fd/%d", fileno(f));
    struct vt_opts o = {.format = fmt, .verify = fmt == VT_FORMAT_VMS, .stream = path};
    vt_reader r;
    assert_int_equal(vt_reader_open(&r, path), 0);
    assert_true(r.seekable);
    vt_parse p = {.opts = &o, .r = &r};
    int rc = vt_parse_stream(&p);
    snprintf(err, 512, "%s", r.err);
    vt_parse_clear(&p);
    vt_reader_close(&r);
    fclose(f);
    return rc;
}

static void expect_offset_error(const uint8_t *buf, size_t len, enum vt_format fmt, const char *why)
{
    char err[512];
    int rc = parse_bytes(buf, len, fmt, err);
    if (rc != -1 || strncmp(err, "offset 0x", 9) != 0) {
        fail_msg("%s (%zu bytes): rc %d, error '%s'", why, len, rc, err);
    }
}

static void test_whole_streams_parse(void **state)
{
    (void)state;
    const char *paths[] = {GOLDEN, CORPUS};
    for (size_t i = 0; i < 2; i++) {
        size_t len;
        uint8_t *buf = slurp(paths[i], &len);
        assert_non_null(buf);
        char err[512];
        assert_int_equal(parse_bytes(buf, len, VT_FORMAT_VMS, err), 0);
        assert_int_equal(parse_bytes(buf, len, VT_FORMAT_QEMU, err), 0);
        free(buf);
    }
}

static void test_every_truncation_fails(void **state)
{
    (void)state;
    size_t len;
    uint8_t *buf = slurp(GOLDEN, &len);
    assert_non_null(buf);
    /* Cut right after EOF (byte 251) the stream is whole but has no vmdesc, as QEMU writes with
     * suppress-vmdesc: verify frames its sections by their footers; QEMU's view needs a vmdesc. */
    const size_t no_vmdesc = 252;
    for (size_t n = 0; n < len; n++) {
        char err[512];
        if (n == no_vmdesc) {
            assert_int_equal(parse_bytes(buf, n, VT_FORMAT_VMS, err), 0);
        } else {
            expect_offset_error(buf, n, VT_FORMAT_VMS, "truncated golden stream (verify)");
        }
        expect_offset_error(buf, n, VT_FORMAT_QEMU, "truncated golden stream (qemu)");
    }
    free(buf);
}

/* Corruptions every parser must catch: the header, record types, footers, ids, the trailer. */
static void test_targeted_corruptions_fail(void **state)
{
    (void)state;
    size_t len;
    uint8_t *buf = slurp(GOLDEN, &len);
    assert_non_null(buf);
    static const struct { size_t at; uint8_t value; const char *what; } cases[] = {
        {0, 0x52, "magic"}, {7, 0x02, "version 2"}, {7, 0x04, "version 4"},
        {8, 0x09, "configuration marker"}, {26, 0x06, "first section type"},
        {26, 0x02, "PART for an unknown id"}, {31, 0x00, "idstr length"},
        {46, 0x00, "footer marker"}, {50, 0x05, "footer id"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        uint8_t old = buf[cases[i].at];
        buf[cases[i].at] = cases[i].value;
        expect_offset_error(buf, len, VT_FORMAT_VMS, cases[i].what);
        expect_offset_error(buf, len, VT_FORMAT_QEMU, cases[i].what);
        buf[cases[i].at] = old;
    }
    /* Trailing bytes after the vmdesc, and a vmdesc length that does not reach the end. */
    uint8_t *longer = malloc(len + 1);
    memcpy(longer, buf, len);
    longer[len] = 0;
    expect_offset_error(longer, len + 1, VT_FORMAT_VMS, "byte after the vmdesc");
    free(longer);
    free(buf);
}

static void test_every_byte_mutation_is_handled(void **state)
{
    (void)state;
    size_t len;
    uint8_t *buf = slurp(GOLDEN, &len);
    assert_non_null(buf);
    size_t failed = 0;
    for (size_t i = 0; i < len; i++) {
        for (int k = 0; k < 2; k++) {
            uint8_t old = buf[i];
            buf[i] = k ? 0xff : (uint8_t)(old ^ 0x80);
            char err[512];
            int rc = parse_bytes(buf, len, k ? VT_FORMAT_QEMU : VT_FORMAT_VMS, err);
            if (rc != 0 && (rc != -1 || strncmp(err, "offset 0x", 9) != 0)) {
                fail_msg("mutation at %zu: rc %d, error '%s'", i, rc, err);
            }
            failed += rc != 0;
            buf[i] = old;
        }
    }
    /* The header, framing and vmdesc bytes are most of this small stream. */
    assert_true(failed > len / 2);
    free(buf);
}

static uint64_t rng = 0x9e3779b97f4a7c15u;

static uint64_t next_random(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

static void test_corpus_random_mutations(void **state)
{
    (void)state;
    size_t len;
    uint8_t *buf = slurp(CORPUS, &len);
    assert_non_null(buf);
    uint8_t *copy = malloc(len);
    for (int run = 0; run < 150; run++) {
        memcpy(copy, buf, len);
        int n = 1 + (int)(next_random() % 4);
        for (int k = 0; k < n; k++) {
            copy[next_random() % len] = (uint8_t)next_random();
        }
        char err[512];
        int rc = parse_bytes(copy, len, run & 1 ? VT_FORMAT_QEMU : VT_FORMAT_VMS, err);
        if (rc != 0 && (rc != -1 || strncmp(err, "offset 0x", 9) != 0)) {
            fail_msg("random mutation run %d: rc %d, error '%s'", run, rc, err);
        }
    }
    free(copy);
    free(buf);
}

/* A vmdesc whose sizes or counts are absurd fails cleanly instead of allocating or looping. */
static void test_hostile_vmdesc(void **state)
{
    (void)state;
    static const char *descs[] = {
        "{\"page_size\":4096,\"devices\":[{\"name\":\"d\",\"instance_id\":0,\"vmsd_name\":\"d\",\"version\":1,"
        "\"fields\":[{\"name\":\"b\",\"type\":\"buffer\",\"size\":1099511627776}]}]}",
        "{\"page_size\":4096,\"devices\":[{\"name\":\"d\",\"instance_id\":0,\"vmsd_name\":\"d\",\"version\":1,"
        "\"fields\":[{\"name\":\"s\",\"type\":\"struct\",\"array_len\":4000000000,\"struct\":{\"fields\":[]},"
        "\"size\":0}]}]}",
        "{\"page_size\":4096,\"devices\":[{\"name\":\"d\",\"instance_id\":0,\"vmsd_name\":\"d\",\"version\":1,"
        "\"fields\":[{\"name\":\"x\",\"type\":\"uint32\",\"size\":16}]}]}",
        "{\"page_size\":3,\"devices\":[]}",
    };
    for (size_t i = 0; i < sizeof(descs) / sizeof(descs[0]); i++) {
        uint8_t s[1024];
        size_t n = 0;
        static const uint8_t head[] = {
            /* magic, version */ 'Q', 'E', 'V', 'M', 0, 0, 0, 3,
            /* FULL, id 0, "d", instance 0, version 1 */ 4, 0, 0, 0, 0, 1, 'd', 0, 0, 0, 0, 0, 0, 0, 1,
            /* payload */ 0, 0, 0, 7,
            /* footer */ 0x7e, 0, 0, 0, 0,
            /* EOF */ 0,
        };
        memcpy(s, head, sizeof(head));
        n = sizeof(head);
        uint32_t dl = (uint32_t)strlen(descs[i]);
        s[n++] = 6;
        s[n++] = (uint8_t)(dl >> 24);
        s[n++] = (uint8_t)(dl >> 16);
        s[n++] = (uint8_t)(dl >> 8);
        s[n++] = (uint8_t)dl;
        memcpy(s + n, descs[i], dl);
        n += dl;
        char err[512];
        int rc = parse_bytes(s, n, VT_FORMAT_QEMU, err);
        if (rc != -1 || strncmp(err, "offset 0x", 9) != 0) {
            fail_msg("hostile vmdesc %zu: rc %d, error '%s'", i, rc, err);
        }
    }
}

/* Through a pipe (exec:), device sections are buffered up to the cap, then a clear error. */
static void test_pipe_buffer_cap(void **state)
{
    (void)state;
    const char *uri = "exec:cat " GOLDEN;
    for (int capped = 0; capped < 2; capped++) {
        vt_buffer_cap = capped ? 16 : VT_BUFFER_CAP;
        struct vt_opts o = {.format = VT_FORMAT_QEMU, .stream = uri};
        vt_reader r;
        assert_int_equal(vt_reader_open(&r, uri), 0);
        assert_false(r.seekable);
        vt_parse p = {.opts = &o, .r = &r};
        int rc = vt_parse_stream(&p);
        if (capped) {
            assert_int_equal(rc, -1);
            assert_non_null(strstr(r.err, "beyond the 16-byte cap"));
        } else {
            assert_int_equal(rc, 0);
            assert_int_equal(json_object_size(p.qemu_sections), 4);
        }
        vt_parse_clear(&p);
        vt_reader_close(&r);
    }
    vt_buffer_cap = VT_BUFFER_CAP;
}

/* ---- our live sections ---- */

/* A live device whose payloads hold bytes that look like its footer (0x7e + id) but are not. */
static int tricky_setup(vms_stream_t *s, void *opaque, vms_error_t *err)
{
    static const uint8_t bytes[] = {0x7e, 0, 0, 0, 0, 0xff, 0x11};

    (void)opaque;
    (void)err;
    vms_put_buffer(s, bytes, sizeof(bytes));
    return 0;
}

static int tricky_iterate(vms_stream_t *s, void *opaque, vms_error_t *err)
{
    int *left = opaque;

    (void)err;
    vms_put_be32(s, (uint32_t)*left);
    return --*left > 0 ? 0 : 1;
}

static int tricky_complete(vms_stream_t *s, void *opaque, vms_error_t *err)
{
    (void)opaque;
    (void)err;
    vms_put_u8(s, 0x7e); /* a footer byte at the very end of the payload */
    return 0;
}

static const struct vms_live_ops tricky_ops = {
    .save_setup = tricky_setup, .save_iterate = tricky_iterate, .save_complete = tricky_complete,
};

static void test_live_sections(void **state)
{
    vms_registry_t *r = vms_registry_new("pc-live");
    vms_stream_t *s = vms_stream_mem_writer();
    int left = 3;
    const void *data;
    uint8_t *buf;
    size_t len;
    char err[512];

    (void)state;
    assert_non_null(r);
    assert_non_null(s);
    assert_int_equal(vms_register_live(r, "blob", 0, 1, &tricky_ops, &left), 0);
    assert_int_equal(vms_save_all(r, s, NULL), 0);
    data = vms_stream_mem_data(s, &len);
    buf = malloc(len);
    assert_non_null(buf);
    memcpy(buf, data, len);
    vms_stream_close(s);
    vms_registry_free(r);

    /* framed by their footers in our format and by verify: START, 3 PART, END */
    if (parse_bytes(buf, len, VT_FORMAT_VMS, err) != 0)
        fail_msg("live stream: %s", err);
    /* QEMU's script cannot read them, and neither does --format qemu */
    assert_int_equal(parse_bytes(buf, len, VT_FORMAT_QEMU, err), -1);
    assert_non_null(strstr(err, "section 'blob' instance 0 is not described by the vmdesc"));
    size_t marker = 0; /* the vmdesc marker 0x06: be32 length to the very end follows */
    for (size_t i = 0; i + 5 <= len; i++)
        if (buf[i] == 0x06 && ((size_t)buf[i + 1] << 24 | (size_t)buf[i + 2] << 16 |
                               (size_t)buf[i + 3] << 8 | buf[i + 4]) == len - i - 5)
            marker = i;
    assert_true(marker > 0);
    for (size_t cut = 0; cut < len; cut++) {
        if (cut == marker)
            continue; /* ends right after EOF: a valid stream without a vmdesc */
        expect_offset_error(buf, cut, VT_FORMAT_VMS, "truncated live stream");
    }
    free(buf);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_whole_streams_parse),
        cmocka_unit_test(test_every_truncation_fails),
        cmocka_unit_test(test_targeted_corruptions_fail),
        cmocka_unit_test(test_every_byte_mutation_is_handled),
        cmocka_unit_test(test_corpus_random_mutations),
        cmocka_unit_test(test_hostile_vmdesc),
        cmocka_unit_test(test_pipe_buffer_cap),
        cmocka_unit_test(test_live_sections),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
