/*
 * test_vmstate_tool_newer.c: the analyzer on the newer-stream fixtures (tests/data/newer):
 * every truncation fails with an offset error, every single-byte change gives a result or such
 * an error (also with --memory, through which mapped-ram pages are read at their offsets), and
 * targeted corruptions of the mapped-ram header fail naming what is wrong; a pipe cannot seek
 * back past its read window and says so.
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

#define SWITCHOVER VMS_DATA_DIR "/newer/switchover.mig"
#define MAPPED VMS_DATA_DIR "/newer/mapped.mig"

/* Offsets in mapped.mig (tests/cli/gen_newer_streams.c): the mapped-ram header of "pc.ram". */
enum { HDR_VERSION = 134, HDR_PAGE_SIZE = 138, HDR_BITMAP = 146, HDR_PAGES = 154, BITMAP = 162 };

/* Parses @len bytes in memory (a file, or a pipe when @pipe); 0 or -1 with the error in @err. */
static int parse(const uint8_t *buf, size_t len, enum vt_format fmt, bool memory, bool pipe, char err[512])
{
    struct vt_opts o = {.format = fmt, .verify = fmt == VT_FORMAT_VMS && !memory, .memory = memory,
                        .stream = "newer"};
    vt_reader r;
    vt_reader_mem(&r, buf, len, 0);
    r.seekable = !pipe;
    vt_parse p = {.opts = &o, .r = &r};
    int rc = vt_parse_stream(&p);
    snprintf(err, 512, "%s", r.err);
    vt_parse_clear(&p);
    vt_reader_close(&r);
    return rc;
}

static void expect_error(const uint8_t *buf, size_t len, enum vt_format fmt, bool memory, const char *want)
{
    char err[512];
    int rc = parse(buf, len, fmt, memory, false, err);
    if (rc != -1 || strncmp(err, "offset 0x", 9) != 0 || (want && !strstr(err, want))) {
        fail_msg("rc %d, error '%s', expected '%s'", rc, err, want ? want : "an offset");
    }
}

/* Where the EOF byte is: the vmdesc marker 0x06 with a be32 length reaching the end follows. */
static size_t eof_offset(const uint8_t *buf, size_t len)
{
    for (size_t i = len - 5; i > 0; i--) {
        size_t n = (size_t)buf[i + 1] << 24 | (size_t)buf[i + 2] << 16 | (size_t)buf[i + 3] << 8 | buf[i + 4];
        if (buf[i] == 0x06 && n == len - i - 5) {
            return i;
        }
    }
    fail_msg("no vmdesc marker");
    return 0;
}

static void test_whole_and_truncated(void **state)
{
    (void)state;
    const char *paths[] = {SWITCHOVER, MAPPED};
    for (size_t k = 0; k < 2; k++) {
        size_t len;
        uint8_t *buf = slurp(paths[k], &len);
        assert_non_null(buf);
        size_t marker = eof_offset(buf, len);
        char err[512];
        for (int pipe = 0; pipe < 2; pipe++) {
            for (int mem = 0; mem < 2; mem++) {
                if (parse(buf, len, VT_FORMAT_QEMU, mem, pipe, err) != 0 ||
                    parse(buf, len, VT_FORMAT_VMS, mem, pipe, err) != 0) {
                    fail_msg("%s (pipe %d, memory %d): %s", paths[k], pipe, mem, err);
                }
            }
        }
        for (size_t cut = 0; cut < len; cut++) {
            if (cut == marker) {
                continue; /* whole but without a vmdesc */
            }
            expect_error(buf, cut, VT_FORMAT_VMS, false, NULL);
            expect_error(buf, cut, VT_FORMAT_QEMU, cut > BITMAP && k == 1, NULL);
        }
        free(buf);
    }
}

static void test_mapped_header_corruptions(void **state)
{
    (void)state;
    size_t len;
    uint8_t *buf = slurp(MAPPED, &len);
    assert_non_null(buf);
    static const struct { size_t at; uint8_t value; bool memory; const char *want; } cases[] = {
        {HDR_VERSION + 3, 2, false, "offset 0x86 (134): mapped-ram header of block 'pc.ram' has version 2"},
        {HDR_PAGE_SIZE + 6, 0x20, false, "mapped-ram header of block 'pc.ram' has page size 8192, the stream's is 4096"},
        {HDR_PAGES, 0x7f, false, "mapped-ram pages of block 'pc.ram' (0x3000 bytes at 0x7f00000000001000) end beyond"},
        {HDR_PAGES + 6, 0x40, false, "end beyond the stream"},
        {HDR_BITMAP + 4, 0x7f, true, "mapped-ram bitmap at 0x7f0000a2 is beyond the end of the stream"},
        {HDR_BITMAP + 7, 0xa3, true, NULL}, /* a shifted bitmap: other pages, still a valid reading */
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        uint8_t old = buf[cases[i].at];
        buf[cases[i].at] = cases[i].value;
        if (cases[i].want) {
            expect_error(buf, len, VT_FORMAT_QEMU, cases[i].memory, cases[i].want);
            expect_error(buf, len, VT_FORMAT_VMS, cases[i].memory, cases[i].want);
        } else {
            char err[512];
            if (parse(buf, len, VT_FORMAT_QEMU, true, false, err) != 0) {
                fail_msg("case %zu: %s", i, err);
            }
        }
        buf[cases[i].at] = old;
    }
    /* A bitmap behind the read position: read from the window (a file could also seek). */
    buf[HDR_BITMAP + 7] = 0x10;
    char err[512];
    for (int pipe = 0; pipe < 2; pipe++) {
        if (parse(buf, len, VT_FORMAT_QEMU, true, pipe, err) != 0) {
            fail_msg("bitmap behind (pipe %d): %s", pipe, err);
        }
    }
    free(buf);
}

/* vt_seek: back past the read window, a pipe says it cannot; a file seeks. */
static void test_seek_back(void **state)
{
    (void)state;
    char path[] = "/tmp/vms-seek-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    static uint8_t block[64 << 10];
    for (size_t i = 0; i < sizeof(block); i++) {
        block[i] = (uint8_t)i;
    }
    for (int i = 0; i < 10; i++) {
        assert_int_equal(write(fd, block, sizeof(block)), (ssize_t)sizeof(block));
    }
    close(fd);
    char uri[64];
    snprintf(uri, sizeof(uri), "exec:cat %s", path);
    for (int k = 0; k < 2; k++) {
        vt_reader r;
        assert_int_equal(vt_reader_open(&r, k ? uri : path), 0);
        assert_int_equal(vt_skip(&r, 600000, "bytes"), 0);
        int rc = vt_seek(&r, 100, "the mapped-ram bitmap");
        if (k == 0) {
            assert_int_equal(rc, 0);
            assert_int_equal(vt_u8(&r, "byte"), 100);
        } else if (rc != -1 || !strstr(r.err, "offset 0x927c0 (600000): the mapped-ram bitmap at 0x64 is behind "
                                               "the read position and the stream cannot seek back")) {
            fail_msg("pipe: rc %d, '%s'", rc, r.err);
        }
        vt_reader_close(&r);
    }
    unlink(path);
}

static void test_every_byte_mutation(void **state)
{
    (void)state;
    const char *paths[] = {SWITCHOVER, MAPPED};
    for (size_t k = 0; k < 2; k++) {
        size_t len;
        uint8_t *buf = slurp(paths[k], &len);
        assert_non_null(buf);
        size_t marker = eof_offset(buf, len);
        for (size_t i = 0; i < marker; i++) {
            /* the page contents of mapped.mig are data only: a sample of them is enough */
            if (k == 1 && i > BITMAP + 64 && i < len - 1200 && i % 97 != 0) {
                continue;
            }
            uint8_t old = buf[i];
            buf[i] = (uint8_t)(old ^ (0x80 >> (i % 8)));
            for (int f = 0; f < 4; f++) {
                char err[512];
                int rc = parse(buf, len, f & 1 ? VT_FORMAT_QEMU : VT_FORMAT_VMS, f & 2, false, err);
                if (rc != 0 && strncmp(err, "offset 0x", 9) != 0) {
                    fail_msg("%s byte %zu: rc %d '%s'", paths[k], i, rc, err);
                }
            }
            buf[i] = old;
        }
        free(buf);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_whole_and_truncated),
        cmocka_unit_test(test_mapped_header_corruptions),
        cmocka_unit_test(test_seek_back),
        cmocka_unit_test(test_every_byte_mutation),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
