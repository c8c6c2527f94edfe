/*
 * test_vmstate_tool_live.c: the analyzer's reader of our declarative live sections (VMS_LIVE
 * records: LAYOUT, CHUNK, STATE, DONE; /work contract in docs/wire-format.md). Streams are built
 * byte by byte here, a valid one and hostile variants of it; each variant must fail with an
 * error naming a byte offset and what was wrong, every truncation must fail, every single-byte
 * change must give a result or such an error. The valid stream is also the fuzz_analyze seed
 * tests/fuzz/seeds/analyze/live-records.mig (checked equal here).
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

#include "vmstate_tool.h"

#define SEED VMS_SOURCE_DIR "/tests/fuzz/seeds/analyze/live-records.mig"

struct buf {
    uint8_t d[32768];
    size_t len;
};

static void put(struct buf *b, const void *src, size_t n)
{
    assert_true(b->len + n <= sizeof(b->d));
    memcpy(b->d + b->len, src, n);
    b->len += n;
}

static void be(struct buf *b, uint64_t v, int n)
{
    for (int i = n - 1; i >= 0; i--) {
        uint8_t c = (uint8_t)(v >> (i * 8));
        put(b, &c, 1);
    }
}

/* Ways to spoil the valid stream. */
enum variant {
    V_VALID, V_LAYOUT_SIZE, V_LAYOUT_COUNT, V_NO_LAYOUT, V_MEMBER_INDEX, V_CHUNK_INDEX, V_CHUNK_LENGTH,
    V_CHUNK_HUGE, V_STATE_IN_PART, V_TWO_STATES, V_CHUNK_AFTER_STATE, V_NO_STATE, V_MISSING_CHUNK,
    V_UNKNOWN_RECORD, V_PART_AFTER_END, V_DESC_ELEMENT, V_DESC_CHUNK, V_DESC_TOO_BIG, V_LAYOUT_IN_PART,
    V_FULL, V_VERSION,
};

/* Device "blk" (section id 5): mem, 10000 bytes in chunks of 4096 (3 chunks, the last 1808
 * bytes); regs, 4 be32 words in chunks of 8 bytes (2 chunks); the STATE is one be32 "ctr". */
static void chunk(struct buf *b, uint8_t member, uint32_t index, uint32_t len)
{
    be(b, 0x01, 1);
    be(b, member, 1);
    be(b, index, 4);
    be(b, len, 4);
    for (uint32_t i = 0; i < len; i++) {
        be(b, (uint8_t)(index * 31 + i), 1);
    }
}

static void head(struct buf *b, int type, enum variant v)
{
    be(b, (uint64_t)type, 1);
    be(b, 5, 4);
    if (type == 0x01 || type == 0x04) {
        be(b, 3, 1);
        put(b, "blk", 3);
        be(b, 0, 4);
        be(b, v == V_VERSION ? 2 : 1, 4);
    }
}

static void foot(struct buf *b)
{
    be(b, 0x7e, 1);
    be(b, 5, 4);
}

static void state(struct buf *b)
{
    be(b, 0x02, 1);
    be(b, 0x01020304, 4);
}

static size_t build(struct buf *b, enum variant v)
{
    b->len = 0;
    be(b, 0x5145564d, 4);
    be(b, 3, 4);
    head(b, v == V_FULL ? 0x04 : 0x01, v);
    if (v != V_NO_LAYOUT) {
        be(b, 0x03, 1);
        be(b, v == V_LAYOUT_COUNT ? 3 : 2, 1);
        be(b, v == V_LAYOUT_SIZE ? 10001 : 10000, 8);
        be(b, 4096, 4);
        be(b, 1, 1);
        be(b, 16, 8);
        be(b, 8, 4);
        be(b, 4, 1);
    }
    chunk(b, 0, 0, 4096);
    be(b, 0x00, 1);
    foot(b);
    head(b, 0x02, v); /* PART: a new chunk, one of regs, chunk 0 again (dirtied) */
    if (v == V_LAYOUT_IN_PART) {
        be(b, 0x03, 1);
    }
    chunk(b, v == V_MEMBER_INDEX ? 2 : 0, v == V_CHUNK_INDEX ? 3 : 1, 4096);
    chunk(b, 1, 0, 8);
    chunk(b, 0, 0, 4096);
    if (v == V_STATE_IN_PART) {
        state(b);
    }
    if (v == V_UNKNOWN_RECORD) {
        be(b, 0x09, 1);
    }
    be(b, 0x00, 1);
    foot(b);
    head(b, 0x03, v); /* END: the rest, STATE, DONE */
    if (v == V_CHUNK_HUGE) {
        be(b, 0x01, 1);
        be(b, 0, 1);
        be(b, 2, 4);
        be(b, 0xffffffffu, 4);
    }
    chunk(b, 0, 2, v == V_CHUNK_LENGTH ? 4096 : 1808);
    if (v != V_MISSING_CHUNK) {
        chunk(b, 1, 1, 8);
    }
    if (v != V_NO_STATE) {
        state(b);
    }
    if (v == V_TWO_STATES) {
        state(b);
    }
    if (v == V_CHUNK_AFTER_STATE) {
        chunk(b, 1, 1, 8);
    }
    be(b, 0x00, 1);
    foot(b);
    if (v == V_PART_AFTER_END) {
        head(b, 0x02, v);
        be(b, 0x00, 1);
        foot(b);
    }
    be(b, 0x00, 1); /* EOF */
    size_t marker = b->len;
    char json[1024];
    snprintf(json, sizeof(json),
             "{\"page_size\": 4096, \"devices\": [{\"name\": \"blk\", \"instance_id\": 0, \"vmsd_name\": \"blk\", "
             "\"version\": 1, \"fields\": [{\"name\": \"ctr\", \"type\": \"uint32\", \"size\": 4}], \"vms_live\": ["
             "{\"field\": \"mem\", \"size\": %s, \"chunk_size\": %s, \"element_size\": 1}, "
             "{\"field\": \"regs\", \"size\": 16, \"chunk_size\": 8, \"element_size\": %s}]}]}",
             v == V_DESC_TOO_BIG ? "1000000000" : "10000", v == V_DESC_CHUNK ? "3000" : "4096",
             v == V_DESC_ELEMENT ? "3" : "4");
    be(b, 0x06, 1);
    be(b, strlen(json), 4);
    put(b, json, strlen(json));
    return marker;
}

/* Parses @len bytes as a file (@pipe: as a non-seekable stream, the vmdesc comes last). */
static int parse(const uint8_t *buf, size_t len, enum vt_format fmt, bool pipe, char err[512], char **qemu,
                 bool check)
{
    struct vt_opts o = {.format = fmt, .verify = fmt == VT_FORMAT_VMS, .stream = "live"};
    vt_reader r;
    vt_reader_mem(&r, buf, len, 0);
    r.seekable = !pipe;
    vt_parse p = {.opts = &o, .r = &r};
    int rc = vt_parse_stream(&p);
    snprintf(err, 512, "%s", r.err);
    if (qemu) {
        *qemu = rc == 0 ? json_dumps(json_object_get(json_object_get(p.qemu_sections, "5"), "value"),
                                     JSON_COMPACT) : NULL;
    }
    if (check && fmt == VT_FORMAT_VMS && !pipe) {
        /* the END record: chunk counts and the STATE's field */
        json_t *end = json_array_get(p.records, 2);
        json_t *live = json_object_get(end, "live");
        assert_string_equal(json_string_value(json_object_get(end, "type")), "end");
        assert_int_equal(json_integer_value(json_object_get(json_array_get(json_object_get(live, "chunks"), 0),
                                                            "bytes")), 1808);
        json_t *f = json_array_get(json_object_get(json_object_get(live, "state"), "fields"), 0);
        assert_int_equal(json_integer_value(json_object_get(f, "value")), 0x01020304);
    }
    vt_parse_clear(&p);
    vt_reader_close(&r);
    return rc;
}

static void test_valid_stream(void **state)
{
    (void)state;
    struct buf *b = malloc(sizeof(*b));
    assert_non_null(b);
    build(b, V_VALID);
    char err[512], *q = NULL;
    for (int pipe = 0; pipe < 2; pipe++) {
        if (parse(b->d, b->len, VT_FORMAT_VMS, pipe, err, NULL, true) != 0) {
            fail_msg("vms, pipe %d: %s", pipe, err);
        }
        if (parse(b->d, b->len, VT_FORMAT_QEMU, pipe, err, &q, true) != 0) {
            fail_msg("qemu, pipe %d: %s", pipe, err);
        }
        /* QEMU's view: the STATE fields, like a FULL section's */
        assert_string_equal(q, "{\"ctr\":\"0x01020304\"}");
        free(q);
    }
    /* the committed fuzz seed is this stream */
    FILE *f = fopen(SEED, "rb");
    if (getenv("VMS_WRITE_SEEDS")) {
        f = fopen(SEED, "wb");
        assert_non_null(f);
        assert_int_equal(fwrite(b->d, 1, b->len, f), b->len);
        fclose(f);
        f = fopen(SEED, "rb");
    }
    assert_non_null(f);
    uint8_t *seed = malloc(b->len + 1);
    assert_non_null(seed);
    assert_int_equal(fread(seed, 1, b->len + 1, f), b->len);
    assert_memory_equal(seed, b->d, b->len);
    free(seed);
    fclose(f);
    free(b);
}

static void test_hostile_variants(void **state)
{
    (void)state;
    static const struct { enum variant v; const char *want; } cases[] = {
        {V_LAYOUT_SIZE, "offset 0x1b (27): LAYOUT of live member 0 ('mem'): 10001 bytes in chunks of 4096"},
        {V_LAYOUT_COUNT, "offset 0x19 (25): LAYOUT has 3 live members, the description 2"},
        {V_NO_LAYOUT, "offset 0x19 (25): the START payload begins with record 0x01, not LAYOUT (0x03)"},
        {V_LAYOUT_IN_PART, "LAYOUT record other than first in the START payload"},
        {V_MEMBER_INDEX, "CHUNK for live member 2; the description has 2"},
        {V_CHUNK_INDEX, "CHUNK 3 of live member 'mem', which has 3 chunks"},
        {V_CHUNK_LENGTH, "CHUNK 2 of live member 'mem' has 4096 bytes, expected 1808"},
        {V_CHUNK_HUGE, "CHUNK 2 of live member 'mem' has 4294967295 bytes, expected 1808"},
        {V_STATE_IN_PART, "a STATE record (one only, in the END payload)"},
        {V_TWO_STATES, "second STATE record (one only, in the END payload)"},
        {V_CHUNK_AFTER_STATE, "CHUNK record after STATE"},
        {V_NO_STATE, "END payload without its STATE record"},
        {V_MISSING_CHUNK, "live member 'regs': chunk 1 was never sent before the end of its END section"},
        {V_UNKNOWN_RECORD, "unknown live record type 0x09 (expected DONE 00, CHUNK 01, STATE 02 or LAYOUT 03)"},
        {V_PART_AFTER_END, "part section of live section id 5 after its END"},
        {V_DESC_ELEMENT, "vmdesc vms_live[1] ('regs'): element_size 3 is not 1, 2, 4 or 8"},
        {V_DESC_CHUNK, "vmdesc vms_live[0] ('mem'): chunk_size 3000 is not a power of two"},
        {V_DESC_TOO_BIG, "live member 'mem' of 1000000000 bytes cannot fit in the"},
        {V_FULL, "a FULL section for a live device"},
        {V_VERSION, "offset 0x19 (25): live section version 2, the description's is 1"},
    };
    struct buf *b = malloc(sizeof(*b));
    assert_non_null(b);
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        build(b, cases[i].v);
        for (int fmt = 0; fmt < 2; fmt++) {
            for (int pipe = 0; pipe < 2; pipe++) {
                char err[512];
                if (fmt == 0 && pipe == 1) {
                    continue; /* ours, through a pipe: framed by footers (docs/cli.md), not decoded */
                }
                int rc = parse(b->d, b->len, fmt ? VT_FORMAT_QEMU : VT_FORMAT_VMS, pipe, err, NULL, false);
                if (cases[i].v == V_DESC_TOO_BIG && pipe) {
                    /* a kept payload is all its reader sees, so only the whole-stream reader
                     * knows how much is left; the missing chunks fail at the END instead */
                    if (rc != -1 || strncmp(err, "offset 0x", 9) != 0) {
                        fail_msg("variant %d: rc %d, '%s'", (int)cases[i].v, rc, err);
                    }
                    continue;
                }
                if (rc != -1 || strncmp(err, "offset 0x", 9) != 0 || !strstr(err, cases[i].want)) {
                    fail_msg("variant %d (format %d, pipe %d): rc %d, error '%s', expected '%s'", (int)cases[i].v,
                             fmt, pipe, rc, err, cases[i].want);
                }
            }
        }
    }
    free(b);
}

static void test_truncations_and_mutations(void **state)
{
    (void)state;
    struct buf *b = malloc(sizeof(*b));
    assert_non_null(b);
    size_t marker = build(b, V_VALID);
    uint8_t *copy = malloc(b->len);
    assert_non_null(copy);
    for (size_t cut = 0; cut < b->len; cut++) {
        char err[512];
        if (cut == marker) {
            continue; /* ends right after EOF: a stream without a vmdesc */
        }
        int rc = parse(b->d, cut, VT_FORMAT_VMS, false, err, NULL, false);
        if (rc != -1 || strncmp(err, "offset 0x", 9) != 0) {
            fail_msg("cut at %zu: rc %d, '%s'", cut, rc, err);
        }
    }
    /* single-byte changes of the payloads (the vmdesc text has its own tests): any result or an
     * offset error, never a crash (ASan/UBSan builds run this too) */
    for (size_t i = 8; i < marker; i++) {
        memcpy(copy, b->d, b->len);
        copy[i] ^= (uint8_t)(0x5a + i);
        for (int fmt = 0; fmt < 2; fmt++) {
            char err[512];
            int rc = parse(copy, b->len, fmt ? VT_FORMAT_QEMU : VT_FORMAT_VMS, false, err, NULL, false);
            if (rc != 0 && strncmp(err, "offset 0x", 9) != 0) {
                fail_msg("byte %zu changed: rc %d, '%s'", i, rc, err);
            }
        }
    }
    free(copy);
    free(b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_valid_stream),
        cmocka_unit_test(test_hostile_variants),
        cmocka_unit_test(test_truncations_and_mutations),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
