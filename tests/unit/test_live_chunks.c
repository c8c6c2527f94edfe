/*
 * test_live_chunks.c: the runtime's chunked live sections (VMS_LIVE,
 * live_chunks.c) on a small hand-written table: the record bytes, round
 * trips, the vmdesc entry, the dirty-bit protocol (a write racing with the
 * copy is resent), every truncation of a valid stream and hand-made
 * corruptions of each record, which must fail with a clear error.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "live_fixtures.h"
#include "testutil.h"

static vms_registry_t *small_registry(struct small *d)
{
    vms_registry_t *r = vms_registry_new("pc");

    assert_non_null(r);
    assert_int_equal(vms_register_live(r, "small", 0, 1, &small_ops, d), 0);
    return r;
}

/* Saves @d as a whole stream (setup, iterations, completion); the caller frees *buf. */
static void save_small(struct small *d, uint8_t **buf, size_t *len)
{
    vms_registry_t *r = small_registry(d);
    vms_stream_t *s = vms_stream_mem_writer();
    vms_error_t err;
    const void *data;

    vms_error_init(&err);
    assert_int_equal(vms_save_all(r, s, &err), 0);
    data = vms_stream_mem_data(s, len);
    *buf = malloc(*len);
    assert_non_null(*buf);
    memcpy(*buf, data, *len);
    vms_stream_close(s);
    vms_registry_free(r);
}

/* Loads @len bytes (copied, so ASan sees any read past them) into @d; returns the result. */
static int load_small(struct small *d, const uint8_t *buf, size_t len, vms_error_t *err)
{
    vms_registry_t *r = small_registry(d);
    uint8_t *copy = malloc(len ? len : 1);
    vms_stream_t *s;
    int ret;

    assert_non_null(copy);
    if (len)
        memcpy(copy, buf, len);
    s = vms_stream_mem_reader(copy, len);
    vms_error_init(err);
    ret = vms_load_all(r, s, err);
    vms_stream_close(s);
    vms_registry_free(r);
    free(copy);
    return ret;
}

static bool same_state(const struct small *a, const struct small *b)
{
    return memcmp(a->regs, b->regs, sizeof(a->regs)) == 0 &&
           memcmp(a->mem, b->mem, sizeof(a->mem)) == 0 &&
           memcmp(a->tab, b->tab, sizeof(a->tab)) == 0;
}

static const uint8_t *find(const uint8_t *hay, size_t n, const void *needle, size_t k)
{
    for (size_t i = 0; i + k <= n; i++)
        if (memcmp(hay + i, needle, k) == 0)
            return hay + i;
    return NULL;
}

/* ---- round trips and bytes ---- */

static void test_round_trip_and_layout(void **state)
{
    struct small src, dst;
    uint8_t *buf;
    size_t len;
    vms_error_t err;
    /* the START section: header, LAYOUT, DONE, footer */
    static const uint8_t start[] = {
        0x01, 0, 0, 0, 0, 5, 's', 'm', 'a', 'l', 'l', 0, 0, 0, 0, /* START id 0 "small" inst 0 */
        0, 0, 0, 1,                                                /* version 1 */
        0x03, 2,                                                   /* LAYOUT, 2 members */
        0, 0, 0, 0, 0, 0, 0, 100, 0, 0, 0, 16, 1,                  /* mem: 100 bytes, 16, 1 */
        0, 0, 0, 0, 0, 0, 0, 24, 0, 0, 0, 8, 2,                    /* tab: 24 bytes, 8, 2 */
        0x00,                                                      /* DONE */
        0x7e, 0, 0, 0, 0,                                          /* footer */
    };
    /* the short last chunk of mem and the first chunk of tab, elements big-endian */
    static const uint8_t last_mem[] = {0x01, 0, 0, 0, 0, 6, 0, 0, 0, 4};
    static const uint8_t tab0[] = {0x01, 1, 0, 0, 0, 0, 0, 0, 0, 8, 0x00, 0x0a + 3, 0x01, 0x0a + 3};
    static const uint8_t state_rec[] = {0x02, 0x11, 0x22, 0x33, 0x44 + 3, 0x55, 0x66, 0x77, 0x88,
                                        0x00, 0x7e};

    (void)state;
    small_fill(&src, 3);
    save_small(&src, &buf, &len);
    assert_non_null(find(buf, len, start, sizeof(start)));
    assert_non_null(find(buf, len, last_mem, sizeof(last_mem)));
    assert_non_null(find(buf, len, tab0, sizeof(tab0)));
    assert_non_null(find(buf, len, state_rec, sizeof(state_rec)));
    /* the bitmaps are clean once everything went out */
    assert_int_equal(src.mem_dirty[0], 0);
    assert_int_equal(src.tab_dirty[0], 0);

    memset(&dst, 0xee, sizeof(dst));
    assert_int_equal(load_small(&dst, buf, len, &err), 0);
    assert_true(same_state(&src, &dst));
    free(buf);
}

/* The live device's vmdesc entry: its STATE fields and "vms_live", in save order with the others. */
static void test_vmdesc_entry(void **state)
{
    static const char want[] =
        "\"devices\": [{\"name\": \"small\", \"instance_id\": 0, \"vmsd_name\": \"small\", "
        "\"version\": 1, \"fields\": [{\"name\": \"regs\", \"array_len\": 2, \"type\": "
        "\"uint32\", \"size\": 4}], \"vms_live\": [{\"field\": \"mem\", \"size\": 100, "
        "\"chunk_size\": 16, \"element_size\": 1}, {\"field\": \"tab\", \"size\": 24, "
        "\"chunk_size\": 8, \"element_size\": 2}]}, {\"name\": \"plain\", \"instance_id\": 0, "
        "\"vmsd_name\": \"small\", \"version\": 1, \"fields\": [{\"name\": \"regs\", "
        "\"array_len\": 2, \"type\": \"uint32\", \"size\": 4}]}]}";
    struct small src, plain;
    vms_registry_t *r;
    vms_stream_t *s = vms_stream_mem_writer();
    vms_error_t err;
    const uint8_t *buf;
    size_t len;

    (void)state;
    small_fill(&src, 0);
    small_fill(&plain, 1);
    r = small_registry(&src);
    assert_int_equal(vms_register(r, "plain", 0, &small_desc, &plain), 0);
    vms_error_init(&err);
    assert_int_equal(vms_save_all(r, s, &err), 0);
    buf = vms_stream_mem_data(s, &len);
    /* the whole tail of the trailer: both devices, the live one first (registration order) */
    assert_true(len > sizeof(want));
    assert_memory_equal(buf + len - (sizeof(want) - 1), want, sizeof(want) - 1);
    vms_stream_close(s);
    vms_registry_free(r);
}

static void test_mark_dirty(void **state)
{
    uint64_t bm[3] = {0};

    (void)state;
    vms_live_mark_dirty(bm, 0);
    vms_live_mark_dirty(bm, 65);
    assert_int_equal(bm[0], 1);
    assert_int_equal(bm[1], 2);
    vms_live_mark_dirty_range(bm, 4096, 4095, 2); /* chunks 0 and 1 */
    assert_int_equal(bm[0], 3);
    vms_live_mark_dirty_range(bm, 4096, 130 * 4096, 0); /* nothing */
    assert_int_equal(bm[2], 0);
    vms_live_mark_dirty_range(bm, 16, 16 * 128, 17); /* chunks 128, 129 */
    assert_int_equal(bm[2], 3);
}

static void noop_cleanup(void *opaque)
{
    (void)opaque;
}

static void test_register_checks(void **state)
{
    struct small d;
    vms_registry_t *r = vms_registry_new("pc");
    struct vms_live_ops mixed = {.live = &small_live, .load_cleanup = noop_cleanup};
    struct vms_live_member bad_members[2];
    struct vms_live_desc bad = small_live;
    struct vms_live_ops bad_ops = {.live = &bad};
    vms_error_t err;

    (void)state;
    small_fill(&d, 0);
    assert_int_equal(vms_register_live(r, "small", 0, 2, &small_ops, &d), VMS_ERR_INVAL);
    assert_int_equal(vms_register_live(r, "small", 0, 1, &mixed, &d), VMS_ERR_INVAL);
    memcpy(bad_members, small_members, sizeof(bad_members));
    bad.members = bad_members;
    bad_members[0].chunk_size = 24; /* not a power of two */
    vms_error_init(&err);
    assert_int_equal(vms_live_desc_validate(&bad, &err), VMS_ERR_INVAL);
    assert_non_null(strstr(err.message, "'mem'"));
    assert_int_equal(vms_register_live(r, "small", 0, 1, &bad_ops, &d), VMS_ERR_INVAL);
    bad_members[0].chunk_size = 1; /* 100 chunks: the 64-bit bitmap is too small */
    vms_error_init(&err);
    assert_int_equal(vms_live_desc_validate(&bad, &err), VMS_ERR_INVAL);
    assert_non_null(strstr(err.message, "100 chunks need 16"));
    bad_members[0].chunk_size = 16;
    bad_members[1].element_size = 3;
    assert_int_equal(vms_live_desc_validate(&bad, NULL), VMS_ERR_INVAL);
    assert_int_equal(vms_register_live(r, "small", 0, 1, &small_ops, &d), 0);
    vms_registry_free(r);
}

/* ---- a write that races with the copy is sent again ---- */

/*
 * A transport that, when the stream hands it bytes straight from the
 * device's memory (a chunk larger than the stream buffer is written without
 * a copy), records them and then, as a device writer running at that very
 * moment would, changes the chunk and marks it dirty: the copy already read
 * the old bytes, so only a dirty bit that survives the copy sends the new.
 */
enum { BIG_CHUNK = 128 * 1024 };

struct big {
    uint32_t regs[2];
    uint8_t mem[2 * BIG_CHUNK];
    uint64_t dirty[1];
};

static const struct vms_live_member big_members[] = {
    {.name = "mem", .offset = offsetof(struct big, mem), .size = 2 * BIG_CHUNK,
     .chunk_size = BIG_CHUNK, .element_size = 1, .bitmap_offset = offsetof(struct big, dirty),
     .bitmap_size = 8},
};

static const struct vms_desc big_desc = {
    .name = "big", .version = 1, .min_version = 1, .size = sizeof(struct big),
    .fields = small_fields, .n_fields = VMS_COUNTOF(small_fields),
};

static const struct vms_live_desc big_live = {.state = &big_desc, .members = big_members,
                                              .n_members = 1};
static const struct vms_live_ops big_ops = {.live = &big_live};

struct racer {
    struct big *dev;
    uint8_t *out;
    size_t len, cap;
    int raced;
};

static ssize_t racer_write(void *ctx, const void *buf, size_t len, vms_error_t *err)
{
    struct racer *r = ctx;
    const uint8_t *p = buf;

    (void)err;
    if (r->len + len > r->cap) {
        r->cap = (r->len + len) * 2;
        r->out = realloc(r->out, r->cap);
        assert_non_null(r->out);
    }
    memcpy(r->out + r->len, buf, len);
    r->len += len;
    if (!r->raced && p >= r->dev->mem && p < r->dev->mem + sizeof(r->dev->mem)) {
        size_t chunk = (size_t)(p - r->dev->mem) / BIG_CHUNK;

        r->dev->mem[chunk * BIG_CHUNK + BIG_CHUNK - 1] ^= 0xa5; /* already copied */
        vms_live_mark_dirty(r->dev->dirty, chunk);
        r->raced++;
    }
    return (ssize_t)len;
}

static int racer_close(void *ctx, vms_error_t *err)
{
    (void)ctx, (void)err;
    return 0;
}

static const struct vms_transport_ops racer_ops = {
    .name = "racer", .write = racer_write, .close = racer_close,
};

static void test_racing_write_is_resent(void **state)
{
    struct big *src = calloc(1, sizeof(*src)), *dst = calloc(1, sizeof(*dst));
    struct racer rc = {.dev = src};
    vms_registry_t *r = vms_registry_new("pc"), *rd = vms_registry_new("pc");
    vms_stream_t *s;
    vms_error_t err;

    (void)state;
    for (size_t i = 0; i < sizeof(src->mem); i++)
        src->mem[i] = (uint8_t)(i * 13);
    assert_int_equal(vms_register_live(r, "big", 0, 1, &big_ops, src), 0);
    vms_error_init(&err);
    s = vms_stream_new(&racer_ops, &rc, VMS_WRITE, &err);
    assert_non_null(s);
    assert_int_equal(vms_save_all(r, s, &err), 0);
    assert_int_equal(vms_stream_close(s), 0);
    assert_int_equal(rc.raced, 1);

    assert_int_equal(vms_register_live(rd, "big", 0, 1, &big_ops, dst), 0);
    s = vms_stream_mem_reader(rc.out, rc.len);
    assert_int_equal(vms_load_all(rd, s, &err), 0);
    vms_stream_close(s);
    /* the destination has the write that raced with the first copy */
    assert_memory_equal(dst->mem, src->mem, sizeof(src->mem));
    vms_registry_free(r);
    vms_registry_free(rd);
    free(rc.out);
    free(src);
    free(dst);
}

/* ---- hostile streams ---- */

static void test_every_truncation_fails(void **state)
{
    struct small src, dst;
    uint8_t *buf;
    size_t len;
    vms_error_t err;

    (void)state;
    small_fill(&src, 9);
    save_small(&src, &buf, &len);
    for (size_t n = 0; n < len; n++) {
        int ret = load_small(&dst, buf, n, &err);

        if (ret == 0)
            fail_msg("a stream cut at %zu of %zu bytes loaded", n, len);
        assert_true(err.message[0] != '\0');
    }
    assert_int_equal(load_small(&dst, buf, len, &err), 0);
    free(buf);
}

/*
 * Every byte of the sections of a valid stream flipped in turn: a clean
 * error, or a load when the byte was data (chunk bytes, registers).
 */
static void test_every_byte_flipped(void **state)
{
    static const char vmdesc[] = "{\"page_size\"";
    struct small src, dst;
    uint8_t *buf;
    size_t len, sections, failed = 0;
    vms_error_t err;

    (void)state;
    small_fill(&src, 1);
    save_small(&src, &buf, &len);
    /* everything before EOF (0x00), the vmdesc mark (0x06) and its be32 length */
    sections = (size_t)(find(buf, len, vmdesc, sizeof(vmdesc) - 1) - buf) - 6;
    for (size_t i = 0; i < sections; i++) {
        buf[i] ^= 0xff;
        if (load_small(&dst, buf, len, &err) != 0) {
            assert_true(err.message[0] != '\0');
            failed++;
        }
        buf[i] ^= 0xff;
    }
    /* only the 100 + 24 chunk bytes and the 8 register bytes may change and still load */
    if (sections - failed != sizeof(src.mem) + sizeof(src.tab) + sizeof(src.regs))
        fail_msg("%zu of %zu flipped bytes loaded", sections - failed, sections);
    free(buf);
}

/* A hand-made stream: header, configuration, then what the case writes, then EOF and a vmdesc. */
static void put_header(vms_stream_t *s)
{
    vms_put_be32(s, 0x5145564d);
    vms_put_be32(s, 3);
    vms_put_u8(s, 0x07);
    vms_put_be32(s, 2);
    vms_put_buffer(s, "pc", 2);
}

static void put_start(vms_stream_t *s)
{
    vms_put_u8(s, 0x01);
    vms_put_be32(s, 0);
    vms_put_u8(s, 5);
    vms_put_buffer(s, "small", 5);
    vms_put_be32(s, 0);
    vms_put_be32(s, 1);
}

static void put_sec(vms_stream_t *s, uint8_t type)
{
    vms_put_u8(s, type);
    vms_put_be32(s, 0);
}

static void put_footer(vms_stream_t *s)
{
    vms_put_u8(s, 0x7e);
    vms_put_be32(s, 0);
}

static void put_layout(vms_stream_t *s, uint8_t n, uint64_t mem_size, uint32_t mem_chunk,
                       uint8_t tab_es)
{
    vms_put_u8(s, 0x03);
    vms_put_u8(s, n);
    vms_put_be64(s, mem_size);
    vms_put_be32(s, mem_chunk);
    vms_put_u8(s, 1);
    if (n > 1) {
        vms_put_be64(s, 24);
        vms_put_be32(s, 8);
        vms_put_u8(s, tab_es);
    }
}

static void put_chunk_rec(vms_stream_t *s, uint8_t idx, uint32_t ci, uint32_t len)
{
    static const uint8_t zeros[64];

    vms_put_u8(s, 0x01);
    vms_put_u8(s, idx);
    vms_put_be32(s, ci);
    vms_put_be32(s, len);
    vms_put_buffer(s, zeros, len < sizeof(zeros) ? len : sizeof(zeros));
}

static void put_state_rec(vms_stream_t *s)
{
    vms_put_u8(s, 0x02);
    vms_put_be32(s, 1);
    vms_put_be32(s, 2);
}

static void put_tail(vms_stream_t *s)
{
    vms_put_u8(s, 0x00);
    vms_put_u8(s, 0x06);
    vms_put_be32(s, 2);
    vms_put_buffer(s, "{}", 2);
}

/* What a case writes between START's header and the tail; @variant picks the corruption. */
static void build_case(vms_stream_t *s, int variant)
{
    put_header(s);
    put_start(s);
    switch (variant) {
    case 1: put_layout(s, 1, 100, 16, 2); break;      /* one member, local has two */
    case 2: put_layout(s, 2, 96, 16, 2); break;       /* mem size */
    case 3: put_layout(s, 2, 100, 32, 2); break;      /* mem chunk size */
    case 4: put_layout(s, 2, 100, 16, 4); break;      /* tab element size */
    case 5: put_chunk_rec(s, 0, 0, 16); break;        /* START without LAYOUT */
    default: put_layout(s, 2, 100, 16, 2); break;
    }
    vms_put_u8(s, 0x00);
    put_footer(s);
    put_sec(s, 0x02); /* PART */
    switch (variant) {
    case 6: vms_put_u8(s, 0x09); break;               /* unknown record type */
    case 7: put_chunk_rec(s, 2, 0, 16); break;        /* member index out of range */
    case 8: put_chunk_rec(s, 0, 7, 16); break;        /* chunk index out of range */
    case 9: put_chunk_rec(s, 0, 6, 16); break;        /* last chunk is 4 bytes */
    case 10: put_chunk_rec(s, 1, 1, 4); break;        /* wrong length */
    case 11: put_state_rec(s); break;                 /* STATE in PART */
    case 12: put_layout(s, 2, 100, 16, 2); break;     /* LAYOUT after START */
    case 13: put_chunk_rec(s, 0, 0, 16); vms_put_u8(s, 0x00); vms_put_u8(s, 0x01); break;
    default: put_chunk_rec(s, 0, 6, 4); break;
    }
    if (variant != 6 && variant != 13)
        vms_put_u8(s, 0x00);
    put_footer(s);
    put_sec(s, 0x03); /* END */
    if (variant != 14)
        put_state_rec(s);
    if (variant == 15)
        put_state_rec(s);                             /* STATE twice */
    if (variant == 16)
        put_chunk_rec(s, 0, 1, 16);                   /* CHUNK after STATE */
    vms_put_u8(s, 0x00);
    put_footer(s);
    put_tail(s);
}

static void test_corruptions(void **state)
{
    static const struct {
        int variant;
        const char *want;
    } cases[] = {
        {0, NULL},
        {1, "lists 1 live members, 'small' has 2"},
        {2, "LAYOUT mismatch for live member 0 'mem' at offset 0x22: stream has size 96"},
        {3, "chunk size 32"},
        {4, "'tab' at offset 0x22: stream has size 24, chunk size 8, element size 4; local 24, 8, 2"},
        {5, "START section begins with record type 0x01 at offset 0x22, expected LAYOUT"},
        {6, "unknown live record type 0x09 at offset 0x"},
        {7, "names live member 2; 'small' has 2"},
        {8, "chunk 7 is out of range (7 chunks)"},
        {9, "chunk 6 has 16 bytes, expected 4"},
        {10, "chunk 1 has 4 bytes, expected 8"},
        {11, "STATE record at offset 0x"},
        {12, "is not the first record of the START section"},
        {13, "missing section footer (got 0x01"},
        {14, "END section of 'small' has no STATE record"},
        {15, "second STATE record at offset"},
        {16, "after the STATE record"},
    };

    (void)state;
    for (size_t i = 0; i < VMS_COUNTOF(cases); i++) {
        vms_stream_t *s = vms_stream_mem_writer();
        struct small dst;
        vms_error_t err;
        const void *data;
        size_t len;
        int ret;

        build_case(s, cases[i].variant);
        data = vms_stream_mem_data(s, &len);
        ret = load_small(&dst, data, len, &err);
        if (!cases[i].want) {
            if (ret != 0)
                fail_msg("the valid hand-made stream failed: %s", err.message);
            assert_int_equal(dst.regs[0], 1);
            assert_int_equal(dst.regs[1], 2);
        } else if (ret == 0 || !strstr(err.message, cases[i].want)) {
            fail_msg("case %d: got %d '%s', expected an error with '%s'", cases[i].variant, ret,
                     err.message, cases[i].want);
        }
        vms_stream_close(s);
    }
}

/* A FULL section for a VMS_LIVE device is refused. */
static void test_full_section_refused(void **state)
{
    vms_stream_t *s = vms_stream_mem_writer();
    struct small dst;
    vms_error_t err;
    const void *data;
    size_t len;

    (void)state;
    put_header(s);
    vms_put_u8(s, 0x04); /* FULL */
    vms_put_be32(s, 0);
    vms_put_u8(s, 5);
    vms_put_buffer(s, "small", 5);
    vms_put_be32(s, 0);
    vms_put_be32(s, 1);
    put_state_rec(s);
    put_footer(s);
    put_tail(s);
    data = vms_stream_mem_data(s, &len);
    assert_int_not_equal(load_small(&dst, data, len, &err), 0);
    assert_non_null(strstr(err.message, "FULL section for 'small', a VMS_LIVE device"));
    vms_stream_close(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_round_trip_and_layout),
        cmocka_unit_test(test_vmdesc_entry),
        cmocka_unit_test(test_mark_dirty),
        cmocka_unit_test(test_register_checks),
        cmocka_unit_test(test_racing_write_is_resent),
        cmocka_unit_test(test_every_truncation_fails),
        cmocka_unit_test(test_every_byte_flipped),
        cmocka_unit_test(test_corruptions),
        cmocka_unit_test(test_full_section_refused),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
