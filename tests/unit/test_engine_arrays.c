/* test_engine_arrays.c: the engine's arrays: count widths, count_fn, pointers, ALLOC, bulk runs. */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "engine_fixtures.h"
#include "engine_helpers.h"

/* ------------------------------------------------ variable arrays (VARRAY) */

/* struct vdev and FIFO_CAP: engine_fixtures.h */

static size_t vdev_count_offset(size_t width, bool is_signed)
{
    switch (width) {
    case 1:
        return is_signed ? offsetof(struct vdev, s8) : offsetof(struct vdev, u8);
    case 2:
        return is_signed ? offsetof(struct vdev, s16) : offsetof(struct vdev, u16);
    case 4:
        return is_signed ? offsetof(struct vdev, s32) : offsetof(struct vdev, u32);
    default:
        return is_signed ? offsetof(struct vdev, s64) : offsetof(struct vdev, u64);
    }
}

static enum vms_wire_type vdev_count_type(size_t width, bool is_signed)
{
    switch (width) {
    case 1:
        return is_signed ? VMS_WT_INT8 : VMS_WT_UINT8;
    case 2:
        return is_signed ? VMS_WT_INT16 : VMS_WT_UINT16;
    case 4:
        return is_signed ? VMS_WT_INT32 : VMS_WT_UINT32;
    default:
        return is_signed ? VMS_WT_INT64 : VMS_WT_UINT64;
    }
}

static void vdev_set_count(struct vdev *v, size_t width, bool is_signed, int64_t n)
{
    switch (width) {
    case 1:
        if (is_signed)
            v->s8 = (int8_t)n;
        else
            v->u8 = (uint8_t)n;
        break;
    case 2:
        if (is_signed)
            v->s16 = (int16_t)n;
        else
            v->u16 = (uint16_t)n;
        break;
    case 4:
        if (is_signed)
            v->s32 = (int32_t)n;
        else
            v->u32 = (uint32_t)n;
        break;
    default:
        if (is_signed)
            v->s64 = n;
        else
            v->u64 = (uint64_t)n;
        break;
    }
}

static void vdev_init(struct vdev *v)
{
    memset(v, 0, sizeof(*v));
    for (size_t i = 0; i < FIFO_CAP; i++)
        v->fifo[i] = 0xeeee;
    v->tail = 0x7777;
}

/* Stream bytes: the count (@width bytes), then @n elements 0x1111, 0x2222, ... */
static size_t vdev_wire(uint8_t *buf, size_t width, uint64_t count, size_t n)
{
    size_t len = 0;

    put_be(buf, width, count);
    len += width;
    for (size_t i = 0; i < n; i++) {
        put_be(buf + len, 2, 0x1111u * (i + 1));
        len += 2;
    }
    return len;
}

/*
 * One count width: save and load exact bytes, the capacity bound on both
 * sides (path "dev/fifo"), and negative counts.
 */
static void run_varray_case(size_t width, bool is_signed)
{
    struct vms_field fields[2] = {
        {
            .name = "n",
            .type = vdev_count_type(width, is_signed),
            .offset = vdev_count_offset(width, is_signed),
            .size = width,
        },
        {
            .name = "fifo",
            .type = VMS_WT_UINT16,
            .flags = VMS_F_VARRAY,
            .offset = offsetof(struct vdev, fifo),
            .size = sizeof(uint16_t),
            .num = FIFO_CAP,
            .count_offset = vdev_count_offset(width, is_signed),
            .count_size = (uint8_t)width,
            .count_signed = is_signed,
        },
    };
    const struct vms_desc d = {
        .name = "dev",
        .version = 1,
        .min_version = 1,
        .size = sizeof(struct vdev),
        .fields = fields,
        .n_fields = 2,
    };
    struct vdev v, init;
    uint8_t want[8 + 2 * (FIFO_CAP + 1)];
    size_t n;
    vms_error_t err;

    /* save: count 3 */
    vdev_init(&v);
    for (size_t i = 0; i < FIFO_CAP; i++)
        v.fifo[i] = (uint16_t)(0x1111u * (i + 1));
    vdev_set_count(&v, width, is_signed, 3);
    n = vdev_wire(want, width, 3, 3);
    assert_int_equal(n, width + 6);
    check_save(&d, &v, -1, want, n);

    /* load: three elements, the rest untouched */
    vdev_init(&init);
    check_truncations(&d, &init, sizeof(init), 1, want, n);
    v = init;
    load_ok(&d, &v, 1, want, n);
    assert_int_equal(v.fifo[0], 0x1111);
    assert_int_equal(v.fifo[1], 0x2222);
    assert_int_equal(v.fifo[2], 0x3333);
    for (size_t i = 3; i < FIFO_CAP; i++)
        assert_int_equal(v.fifo[i], 0xeeee);
    assert_int_equal(v.tail, 0x7777);

    /* exactly the capacity is fine */
    n = vdev_wire(want, width, FIFO_CAP, FIFO_CAP);
    v = init;
    load_ok(&d, &v, 1, want, n);
    assert_int_equal(v.fifo[FIFO_CAP - 1], 0x1111 * FIFO_CAP);
    assert_int_equal(v.tail, 0x7777);

    /* a stream count over the capacity: VMS_ERR_RANGE at dev/fifo, nothing written */
    n = vdev_wire(want, width, FIFO_CAP + 1, FIFO_CAP + 1);
    v = init;
    assert_int_equal(load_fails(&d, &v, 1, want, n, &err), VMS_ERR_RANGE);
    assert_contains(err.path, "dev/fifo");
    for (size_t i = 0; i < FIFO_CAP; i++)
        assert_int_equal(v.fifo[i], 0xeeee);
    assert_int_equal(v.tail, 0x7777);

    /* an object count over the capacity on save: same error, never an overrun */
    vdev_init(&v);
    vdev_set_count(&v, width, is_signed, FIFO_CAP + 1);
    assert_int_equal(save_fails(&d, &v, -1, &err), VMS_ERR_RANGE);
    assert_contains(err.path, "dev/fifo");

    if (is_signed) {
        /* -1 in the stream, and -1 in the object */
        n = vdev_wire(want, width, UINT64_MAX, 0);
        v = init;
        assert_true(load_fails(&d, &v, 1, want, n, &err) < 0);
        assert_contains(err.path, "dev/fifo");
        assert_int_equal(v.fifo[0], 0xeeee);
        vdev_init(&v);
        vdev_set_count(&v, width, is_signed, -1);
        assert_true(save_fails(&d, &v, -1, &err) < 0);
    } else {
        /* all ones is a huge count, not -1 and not a wrap to something small */
        n = vdev_wire(want, width, UINT64_MAX, 0);
        v = init;
        assert_int_equal(load_fails(&d, &v, 1, want, n, &err), VMS_ERR_RANGE);
        assert_contains(err.path, "dev/fifo");
    }
}

static void test_varray_count_u8(void **state)
{
    (void)state;
    run_varray_case(1, false);
}

static void test_varray_count_s8(void **state)
{
    (void)state;
    run_varray_case(1, true);
}

static void test_varray_count_u16(void **state)
{
    (void)state;
    run_varray_case(2, false);
}

static void test_varray_count_s16(void **state)
{
    (void)state;
    run_varray_case(2, true);
}

static void test_varray_count_u32(void **state)
{
    (void)state;
    run_varray_case(4, false);
}

static void test_varray_count_s32(void **state)
{
    (void)state;
    run_varray_case(4, true);
}

static void test_varray_count_u64(void **state)
{
    (void)state;
    run_varray_case(8, false);
}

static void test_varray_count_s64(void **state)
{
    (void)state;
    run_varray_case(8, true);
}

/* --------------------------------------------------------------- count_fn */

struct cfdev {
    uint8_t pairs;
    uint32_t vals[8];
};

static int64_t cfdev_count(const void *opaque)
{
    const struct cfdev *c = opaque;

    return (int64_t)c->pairs * 2;
}

static const struct vms_field cfdev_fields[] = {
    {
        .name = "pairs",
        .type = VMS_WT_UINT8,
        .offset = offsetof(struct cfdev, pairs),
        .size = sizeof(uint8_t),
    },
    {
        .name = "vals",
        .type = VMS_WT_UINT32,
        .flags = VMS_F_VARRAY,
        .offset = offsetof(struct cfdev, vals),
        .size = sizeof(uint32_t),
        .num = 8,
        .count_fn = cfdev_count,
    },
};

static const struct vms_desc cfdev_desc = {
    .name = "cf",
    .version = 1,
    .min_version = 1,
    .size = sizeof(struct cfdev),
    .fields = cfdev_fields,
    .n_fields = VMS_COUNTOF(cfdev_fields),
};

static void test_varray_count_fn(void **state)
{
    static const uint8_t wire[] = {
        /* pairs u8 2 (count_fn: 4 values) */ 0x02,
        /* vals[0] be32                    */ 0x00, 0x00, 0x00, 0x0a,
        /* vals[1] be32                    */ 0x00, 0x00, 0x00, 0x0b,
        /* vals[2] be32                    */ 0x00, 0x00, 0x00, 0x0c,
        /* vals[3] be32                    */ 0x00, 0x00, 0x00, 0x0d,
    };
    static const uint8_t too_many[] = {
        /* pairs u8 5 (count_fn: 10 > 8) */ 0x05,
        /* vals...                       */ 0x00, 0x00, 0x00, 0x01,
    };
    struct cfdev c = { .pairs = 2, .vals = { 10, 11, 12, 13, 99, 99, 99, 99 } };
    struct cfdev init = { .vals = { 7, 7, 7, 7, 7, 7, 7, 7 } };
    vms_error_t err;

    (void)state;
    check_save(&cfdev_desc, &c, -1, wire, sizeof(wire));
    check_truncations(&cfdev_desc, &init, sizeof(init), 1, wire, sizeof(wire));
    c = init;
    load_ok(&cfdev_desc, &c, 1, wire, sizeof(wire));
    assert_int_equal(c.pairs, 2);
    assert_int_equal(c.vals[0], 10);
    assert_int_equal(c.vals[3], 13);
    assert_int_equal(c.vals[4], 7);

    c = init;
    assert_int_equal(load_fails(&cfdev_desc, &c, 1, too_many, sizeof(too_many), &err),
                     VMS_ERR_RANGE);
    assert_contains(err.path, "cf/vals");
    assert_int_equal(c.vals[0], 7);

    c.pairs = 5;
    assert_int_equal(save_fails(&cfdev_desc, &c, -1, &err), VMS_ERR_RANGE);
    assert_contains(err.path, "cf/vals");
}

/* ------------------------------------------------------ pointers and ALLOC */

/* struct pvdev, pvdev_desc, struct aldev, aldev_desc: engine_fixtures.c */

static void test_pointer_varray_max(void **state)
{
    static const uint8_t wire[] = {
        /* n be32 3          */ 0x00, 0x00, 0x00, 0x03,
        /* data[0..2] be16   */ 0xa0, 0x01, 0xa0, 0x02, 0xa0, 0x03,
        /* regs[0] be32      */ 0x12, 0x34, 0x56, 0x78,
        /* regs[1] be32      */ 0x9a, 0xbc, 0xde, 0xf0,
    };
    static const uint8_t over_max[] = {
        /* n be32 9 (max 8)  */ 0x00, 0x00, 0x00, 0x09,
        /* data[0..8] be16   */ 0, 1, 0, 2, 0, 3, 0, 4, 0, 5, 0, 6, 0, 7, 0, 8, 0, 9,
        /* regs              */ 0, 0, 0, 0, 0, 0, 0, 0,
    };
    uint16_t src[8] = { 0xa001, 0xa002, 0xa003, 0xffff };
    uint32_t src_regs[2] = { 0x12345678, 0x9abcdef0 };
    uint16_t dst[9];
    uint32_t dst_regs[3] = { 0, 0, 0x5555 };
    struct pvdev p = { .n = 3, .data = src, .regs = src_regs };
    vms_error_t err;

    (void)state;
    check_save(&pvdev_desc, &p, -1, wire, sizeof(wire));

    for (size_t i = 0; i < 9; i++)
        dst[i] = 0xeeee;
    p = (struct pvdev){ .n = 0, .data = dst, .regs = dst_regs };
    check_truncations(&pvdev_desc, &p, sizeof(p), 1, wire, sizeof(wire));
    for (size_t i = 0; i < 9; i++)
        dst[i] = 0xeeee;
    load_ok(&pvdev_desc, &p, 1, wire, sizeof(wire));
    assert_ptr_equal(p.data, dst);
    assert_ptr_equal(p.regs, dst_regs);
    assert_int_equal(p.n, 3);
    assert_int_equal(dst[0], 0xa001);
    assert_int_equal(dst[2], 0xa003);
    assert_int_equal(dst[3], 0xeeee);
    assert_int_equal(dst_regs[0], 0x12345678);
    assert_int_equal(dst_regs[1], 0x9abcdef0);
    assert_int_equal(dst_regs[2], 0x5555);

    /* over max: nothing written through the pointer */
    for (size_t i = 0; i < 9; i++)
        dst[i] = 0xeeee;
    assert_int_equal(load_fails(&pvdev_desc, &p, 1, over_max, sizeof(over_max), &err),
                     VMS_ERR_RANGE);
    assert_contains(err.path, "pv/data");
    for (size_t i = 0; i < 9; i++)
        assert_int_equal(dst[i], 0xeeee);

    p = (struct pvdev){ .n = 9, .data = src, .regs = src_regs };
    assert_int_equal(save_fails(&pvdev_desc, &p, -1, &err), VMS_ERR_RANGE);
    assert_contains(err.path, "pv/data");
}

static void test_alloc_exact_and_bounded(void **state)
{
    static const uint8_t wire[] = {
        /* n be32 5        */ 0x00, 0x00, 0x00, 0x05,
        /* p[0..4] be32    */ 0x00, 0x00, 0x00, 0x01,
        /*                 */ 0x00, 0x00, 0x00, 0x02,
        /*                 */ 0x00, 0x00, 0x00, 0x03,
        /*                 */ 0x00, 0x00, 0x00, 0x04,
        /*                 */ 0xff, 0xff, 0xff, 0xff,
    };
    static const uint8_t over_max[] = {
        /* n be32 17 (max 16) */ 0x00, 0x00, 0x00, 0x11,
        /* data follows       */ 0x00, 0x00, 0x00, 0x01,
    };
    uint32_t src[5] = { 1, 2, 3, 4, 0xffffffff };
    struct aldev a = { .n = 5, .p = src };
    vms_error_t err;

    (void)state;
    check_save(&aldev_desc, &a, -1, wire, sizeof(wire));

    a = (struct aldev){ 0 };
    load_ok(&aldev_desc, &a, 1, wire, sizeof(wire));
    assert_int_equal(a.n, 5);
    assert_non_null(a.p);
    assert_int_equal(a.p[0], 1);
    assert_int_equal(a.p[3], 4);
    assert_int_equal(a.p[4], 0xffffffff); /* the 5th element; ASan checks there is no 6th */
    free(a.p);

    a = (struct aldev){ 0 };
    assert_int_equal(load_fails(&aldev_desc, &a, 1, over_max, sizeof(over_max), &err),
                     VMS_ERR_RANGE);
    assert_contains(err.path, "al/p");
    assert_null(a.p);

    /* truncated data after the count: fails, and frees what it allocated */
    for (size_t cut = 4; cut < sizeof(wire); cut += 3) {
        a = (struct aldev){ 0 };
        assert_true(load_fails(&aldev_desc, &a, 1, wire, cut, &err) < 0);
        free(a.p); /* NULL or a buffer handed over; either way no leak under ASan */
    }
}

static const struct vms_field aldev_nomax_fields[] = {
    {
        .name = "n",
        .type = VMS_WT_UINT32,
        .offset = offsetof(struct aldev, n),
        .size = sizeof(uint32_t),
    },
    {
        .name = "p",
        .type = VMS_WT_UINT32,
        .flags = VMS_F_POINTER | VMS_F_VARRAY | VMS_F_ALLOC,
        .offset = offsetof(struct aldev, p),
        .size = sizeof(uint32_t),
        .count_offset = offsetof(struct aldev, n),
        .count_size = sizeof(uint32_t),
    },
};

static const struct vms_desc aldev_nomax_desc = {
    .name = "al",
    .version = 1,
    .min_version = 1,
    .size = sizeof(struct aldev),
    .fields = aldev_nomax_fields,
    .n_fields = VMS_COUNTOF(aldev_nomax_fields),
};

/* Without `max`, VMS_ALLOC_LIMIT_DEFAULT bytes bound the allocation. */
static void test_alloc_default_limit(void **state)
{
    uint8_t wire[8];
    struct aldev a = { 0 };
    vms_error_t err;
    uint64_t over = VMS_ALLOC_LIMIT_DEFAULT / sizeof(uint32_t) + 1;

    (void)state;
    put_be(wire, 4, over);
    put_be(wire + 4, 4, 0x01020304);
    assert_int_equal(load_fails(&aldev_nomax_desc, &a, 1, wire, sizeof(wire), &err),
                     VMS_ERR_RANGE);
    assert_contains(err.path, "al/p");
    assert_null(a.p);
}

/* --------------------------------------------------- bulk scalar arrays */

#define BULK_N 10000

struct bulkdev {
    uint8_t a8[BULK_N];
    int16_t a16[BULK_N];
    uint32_t a32[BULK_N];
    uint64_t a64[BULK_N];
    uint32_t n;
    uint32_t *p;
};

static uint64_t bulk_value(size_t i, size_t width)
{
    uint64_t v = (uint64_t)i * 0x9e3779b97f4a7c15ull + 0x0102030405060708ull;

    return width == 8 ? v : v & ((1ull << (8 * width)) - 1);
}

static void run_bulk_case(size_t width)
{
    static const enum vms_wire_type types[] = {
        [1] = VMS_WT_UINT8, [2] = VMS_WT_INT16, [4] = VMS_WT_UINT32, [8] = VMS_WT_UINT64
    };
    static const size_t offsets[] = {
        [1] = offsetof(struct bulkdev, a8),
        [2] = offsetof(struct bulkdev, a16),
        [4] = offsetof(struct bulkdev, a32),
        [8] = offsetof(struct bulkdev, a64),
    };
    struct vms_field f = {
        .name = "regs",
        .type = types[width],
        .offset = offsets[width],
        .size = width,
        .num = BULK_N,
    };
    struct vms_desc d = {
        .name = "bulk",
        .version = 1,
        .min_version = 1,
        .size = sizeof(struct bulkdev),
        .fields = &f,
        .n_fields = 1,
    };
    struct bulkdev *b = calloc(1, sizeof(*b));
    uint8_t *want = malloc(BULK_N * width);
    uint8_t *mem;
    vms_error_t err;

    assert_non_null(b);
    assert_non_null(want);
    mem = (uint8_t *)b + offsets[width];
    for (size_t i = 0; i < BULK_N; i++) {
        uint64_t v = bulk_value(i, width);
        uint8_t host[8];

        put_be(want + i * width, width, v);
        /* host representation of the element, whatever the byte order */
        switch (width) {
        case 1: {
            uint8_t x = (uint8_t)v;
            memcpy(host, &x, 1);
            break;
        }
        case 2: {
            uint16_t x = (uint16_t)v;
            memcpy(host, &x, 2);
            break;
        }
        case 4: {
            uint32_t x = (uint32_t)v;
            memcpy(host, &x, 4);
            break;
        }
        default:
            memcpy(host, &v, 8);
            break;
        }
        memcpy(mem + i * width, host, width);
    }
    check_save(&d, b, -1, want, BULK_N * width);

    memset(b, 0, sizeof(*b));
    b->n = 0xabcdef;
    load_ok(&d, b, 1, want, BULK_N * width);
    for (size_t i = 0; i < BULK_N; i++) {
        uint64_t got = 0;

        switch (width) {
        case 1:
            got = b->a8[i];
            break;
        case 2:
            got = (uint16_t)b->a16[i];
            break;
        case 4:
            got = b->a32[i];
            break;
        default:
            got = b->a64[i];
            break;
        }
        if (got != bulk_value(i, width))
            fail_msg("width %zu element %zu: got %llx want %llx", width, i,
                     (unsigned long long)got, (unsigned long long)bulk_value(i, width));
    }
    assert_int_equal(b->n, 0xabcdef);

    /* cut one byte short of the end, and mid-element */
    assert_int_equal(load_fails(&d, b, 1, want, BULK_N * width - 1, &err), VMS_ERR_EOF);
    assert_true(load_fails(&d, b, 1, want, BULK_N * width / 2 + 1, &err) < 0);
    assert_int_equal(b->n, 0xabcdef);
    free(want);
    free(b);
}

static void test_bulk_u8(void **state)
{
    (void)state;
    run_bulk_case(1);
}

static void test_bulk_i16(void **state)
{
    (void)state;
    run_bulk_case(2);
}

static void test_bulk_u32(void **state)
{
    (void)state;
    run_bulk_case(4);
}

static void test_bulk_u64(void **state)
{
    (void)state;
    run_bulk_case(8);
}

static const struct vms_field bulk_alloc_fields[] = {
    {
        .name = "n",
        .type = VMS_WT_UINT32,
        .offset = offsetof(struct bulkdev, n),
        .size = sizeof(uint32_t),
    },
    {
        .name = "p",
        .type = VMS_WT_UINT32,
        .flags = VMS_F_POINTER | VMS_F_VARRAY | VMS_F_ALLOC,
        .offset = offsetof(struct bulkdev, p),
        .size = sizeof(uint32_t),
        .count_offset = offsetof(struct bulkdev, n),
        .count_size = sizeof(uint32_t),
        .max = BULK_N,
    },
};

static const struct vms_desc bulk_alloc_desc = {
    .name = "bulk",
    .version = 1,
    .min_version = 1,
    .size = sizeof(struct bulkdev),
    .fields = bulk_alloc_fields,
    .n_fields = VMS_COUNTOF(bulk_alloc_fields),
};

static void test_bulk_alloc_pointer(void **state)
{
    struct bulkdev *b = calloc(1, sizeof(*b));
    uint32_t *src = malloc(BULK_N * sizeof(uint32_t));
    uint8_t *want = malloc(4 + BULK_N * 4);

    (void)state;
    assert_non_null(b);
    assert_non_null(src);
    assert_non_null(want);
    put_be(want, 4, BULK_N);
    for (size_t i = 0; i < BULK_N; i++) {
        src[i] = (uint32_t)bulk_value(i, 4);
        put_be(want + 4 + 4 * i, 4, src[i]);
    }
    b->n = BULK_N;
    b->p = src;
    check_save(&bulk_alloc_desc, b, -1, want, 4 + BULK_N * 4);
    b->n = 0;
    b->p = NULL;
    load_ok(&bulk_alloc_desc, b, 1, want, 4 + BULK_N * 4);
    assert_int_equal(b->n, BULK_N);
    assert_non_null(b->p);
    assert_memory_equal(b->p, src, BULK_N * sizeof(uint32_t));
    free(b->p);
    free(want);
    free(src);
    free(b);
}

/* ------------------------------------------------ nested allocations */

/* An ALLOC array of structs that hold ALLOC arrays themselves. */
struct leaf {
    uint8_t n;
    uint16_t *v;
};

struct tree {
    uint8_t n;
    struct leaf *leaves;
};

static const struct vms_field leaf_fields[] = {
    {.name = "n", .type = VMS_WT_UINT8, .offset = offsetof(struct leaf, n), .size = 1},
    {.name = "v", .type = VMS_WT_UINT16, .flags = VMS_F_POINTER | VMS_F_VARRAY | VMS_F_ALLOC,
     .offset = offsetof(struct leaf, v), .size = 2, .count_offset = offsetof(struct leaf, n),
     .count_size = 1, .max = 8},
};

static const struct vms_desc leaf_desc = {
    .name = "leaf", .version = 1, .min_version = 1, .size = sizeof(struct leaf),
    .fields = leaf_fields, .n_fields = VMS_COUNTOF(leaf_fields),
};

static const struct vms_field tree_fields[] = {
    {.name = "n", .type = VMS_WT_UINT8, .offset = offsetof(struct tree, n), .size = 1},
    {.name = "leaves", .type = VMS_WT_STRUCT,
     .flags = VMS_F_POINTER | VMS_F_VARRAY | VMS_F_ALLOC, .offset = offsetof(struct tree, leaves),
     .size = sizeof(struct leaf), .count_offset = offsetof(struct tree, n), .count_size = 1,
     .max = 4, .desc = &leaf_desc},
};

static const struct vms_desc tree_desc = {
    .name = "tree", .version = 1, .min_version = 1, .size = sizeof(struct tree),
    .fields = tree_fields, .n_fields = VMS_COUNTOF(tree_fields),
};

/*
 * A stream cut inside the second leaf: the first leaf's inner block was
 * allocated inside the fresh outer block, and the failed load must free it
 * too (the ASan pass reports a leak otherwise).
 */
static void test_alloc_nested_freed_on_failure(void **state)
{
    static const uint8_t whole[] = {
        /* tree.n */ 0x02,
        /* leaf 0: n, v[2] */ 0x02, 0x00, 0x01, 0x00, 0x02,
        /* leaf 1: n, v[3] */ 0x03, 0x00, 0x03, 0x00, 0x04, 0x00, 0x05,
    };
    struct tree t = {0};
    vms_error_t err;

    (void)state;
    for (size_t cut = 2; cut < sizeof(whole); cut++) {
        assert_true(load_fails(&tree_desc, &t, 1, whole, cut, &err) < 0);
        assert_null(t.leaves); /* nothing swapped in */
    }
    load_ok(&tree_desc, &t, 1, whole, sizeof(whole));
    assert_int_equal(t.leaves[1].v[2], 5);
    for (size_t i = 0; i < t.n; i++)
        free(t.leaves[i].v);
    free(t.leaves);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_alloc_nested_freed_on_failure),
        cmocka_unit_test(test_varray_count_u8),
        cmocka_unit_test(test_varray_count_s8),
        cmocka_unit_test(test_varray_count_u16),
        cmocka_unit_test(test_varray_count_s16),
        cmocka_unit_test(test_varray_count_u32),
        cmocka_unit_test(test_varray_count_s32),
        cmocka_unit_test(test_varray_count_u64),
        cmocka_unit_test(test_varray_count_s64),
        cmocka_unit_test(test_varray_count_fn),
        cmocka_unit_test(test_pointer_varray_max),
        cmocka_unit_test(test_alloc_exact_and_bounded),
        cmocka_unit_test(test_alloc_default_limit),
        cmocka_unit_test(test_bulk_u8),
        cmocka_unit_test(test_bulk_i16),
        cmocka_unit_test(test_bulk_u32),
        cmocka_unit_test(test_bulk_u64),
        cmocka_unit_test(test_bulk_alloc_pointer),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
