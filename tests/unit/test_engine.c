/* test_engine.c: the engine's extensions beyond QEMU's vectors, byte for byte and error by error. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <vms/vms.h>

#include "fault_transport.h"

#define GUARD_LEN 32
#define GUARD_BYTE 0xa5

/* ---------------------------------------------------------------- helpers */

/* True when equal; otherwise prints where the bytes differ. */
static bool same_bytes(const uint8_t *got, size_t got_len, const uint8_t *want, size_t want_len)
{
    size_t show;

    if (got_len == want_len && (want_len == 0 || memcmp(got, want, want_len) == 0))
        return true;
    show = got_len > want_len ? got_len : want_len;
    fprintf(stderr, "bytes differ: got %zu, want %zu\n", got_len, want_len);
    for (size_t i = 0; i < show && i < 512; i++) {
        if (i < got_len && i < want_len && got[i] == want[i])
            continue;
        fprintf(stderr, "  [%zu] got %s%02x want %s%02x\n", i, i < got_len ? "" : "-",
                i < got_len ? got[i] : 0, i < want_len ? "" : "-", i < want_len ? want[i] : 0);
    }
    return false;
}

/* Big-endian encoding of the low @width bytes of @v at @p. */
static void put_be(uint8_t *p, size_t width, uint64_t v)
{
    for (size_t i = 0; i < width; i++)
        p[i] = (uint8_t)(v >> (8 * (width - 1 - i)));
}

/*
 * Saves @obj (at d->version when @target < 0, else with vms_save_version) and
 * returns the result; the bytes written go to a malloc'ed *@out (the caller
 * frees it) and their count to *@len.
 */
static int save_any(const struct vms_desc *d, void *obj, int target, uint8_t **out, size_t *len,
                    vms_error_t *err)
{
    vms_stream_t *s = vms_stream_mem_writer();
    const void *data;
    size_t n = 0;
    int rc;

    assert_non_null(s);
    vms_error_init(err);
    rc = target < 0 ? vms_save(s, d, obj, err) : vms_save_version(s, d, obj, target, err);
    if (rc != 0) {
        assert_true(rc < 0);
        assert_int_equal(err->code, rc);
    } else {
        assert_int_equal(err->code, 0);
    }
    data = vms_stream_mem_data(s, &n);
    *out = malloc(n ? n : 1);
    assert_non_null(*out);
    if (n)
        memcpy(*out, data, n);
    *len = n;
    vms_stream_close(s);
    return rc;
}

/* Saves and compares with @want. */
static void check_save(const struct vms_desc *d, void *obj, int target, const uint8_t *want,
                       size_t want_len)
{
    vms_error_t err;
    uint8_t *got;
    size_t len;
    int rc = save_any(d, obj, target, &got, &len, &err);

    bool same = rc == 0 && same_bytes(got, len, want, want_len);

    free(got);
    if (rc != 0)
        fail_msg("save failed: %d %s: %s", rc, err.path, err.message);
    if (!same)
        fail_msg("saved bytes of %s differ", d->name);
}

/* Saves expecting failure; returns the code (err filled). */
static int save_fails(const struct vms_desc *d, void *obj, int target, vms_error_t *err)
{
    uint8_t *got;
    size_t len;
    int rc = save_any(d, obj, target, &got, &len, err);

    free(got);
    if (rc >= 0)
        fail_msg("save of %s succeeded, expected failure", d->name);
    return rc;
}

/*
 * Loads @len bytes at @buf (copied, so ASan sees reads past the end). @next
 * gets the next unread byte or -1 at end of stream.
 */
static int load_bytes(const struct vms_desc *d, void *obj, int version, const uint8_t *buf,
                      size_t len, vms_error_t *err, int *next)
{
    uint8_t *copy = malloc(len ? len : 1);
    vms_stream_t *s;
    int rc;

    assert_non_null(copy);
    if (len)
        memcpy(copy, buf, len);
    s = vms_stream_mem_reader(copy, len);
    assert_non_null(s);
    vms_error_init(err);
    rc = vms_load(s, d, obj, version, err);
    if (rc == 0) {
        assert_int_equal(err->code, 0);
        assert_int_equal(vms_stream_error(s, NULL), 0);
        if (next) {
            uint8_t b;
            *next = vms_stream_peek(s, &b, 1, 0) == 1 ? b : -1;
        }
    } else {
        assert_true(rc < 0);
        assert_int_equal(err->code, rc);
        assert_true(err->message[0] != '\0');
    }
    vms_stream_close(s);
    free(copy);
    return rc;
}

static void load_ok(const struct vms_desc *d, void *obj, int version, const uint8_t *buf,
                    size_t len)
{
    vms_error_t err;
    int rc = load_bytes(d, obj, version, buf, len, &err, NULL);

    if (rc != 0)
        fail_msg("load of %s failed: %d %s: %s", d->name, rc, err.path, err.message);
}

static int load_fails(const struct vms_desc *d, void *obj, int version, const uint8_t *buf,
                      size_t len, vms_error_t *err)
{
    int rc = load_bytes(d, obj, version, buf, len, err, NULL);

    if (rc >= 0)
        fail_msg("load of %s succeeded, expected failure", d->name);
    return rc;
}

static void assert_contains(const char *hay, const char *needle)
{
    if (!strstr(hay, needle))
        fail_msg("\"%s\" does not contain \"%s\"", hay, needle);
}

/*
 * Every cut of @payload (nothing, n-1, n-2, first half) must fail without
 * writing outside a copy of @init. The second half is special: when a
 * description's subsections are longer than its fields, the second half can
 * be a well-formed field payload followed by a byte that is not a subsection
 * marker, which a single-description load rightly accepts, leaving that
 * byte to its caller. So it must fail, or load without reaching the end.
 */
static void check_truncations(const struct vms_desc *d, const void *init, size_t obj_size,
                              int version, const uint8_t *payload, size_t n)
{
    size_t starts[5], lens[5], k = 0;

    starts[k] = 0, lens[k++] = 0;
    if (n >= 2)
        starts[k] = 0, lens[k++] = n - 1;
    if (n >= 3)
        starts[k] = 0, lens[k++] = n - 2;
    if (n >= 4) {
        starts[k] = 0, lens[k++] = n / 2;
        starts[k] = n / 2, lens[k++] = n - n / 2;
    }
    for (size_t i = 0; i < k; i++) {
        uint8_t *mem = malloc(obj_size + 2 * GUARD_LEN);
        bool second_half = starts[i] != 0;
        vms_error_t err;
        int next = -2;
        int rc;

        assert_non_null(mem);
        memset(mem, GUARD_BYTE, obj_size + 2 * GUARD_LEN);
        memcpy(mem + GUARD_LEN, init, obj_size);
        rc = load_bytes(d, mem + GUARD_LEN, version, payload + starts[i], lens[i], &err, &next);
        if (rc >= 0 && !(second_half && next >= 0 && next != 0x05))
            fail_msg("%s: cut [%zu, +%zu) of %zu bytes loaded", d->name, starts[i], lens[i], n);
        for (size_t g = 0; g < GUARD_LEN; g++) {
            assert_int_equal(mem[g], GUARD_BYTE);
            assert_int_equal(mem[GUARD_LEN + obj_size + g], GUARD_BYTE);
        }
        free(mem);
    }
}

/* ------------------------------------------------ variable arrays (VARRAY) */

#define FIFO_CAP 8

struct vdev {
    uint8_t u8;
    int8_t s8;
    uint16_t u16;
    int16_t s16;
    uint32_t u32;
    int32_t s32;
    uint64_t u64;
    int64_t s64;
    uint16_t fifo[FIFO_CAP];
    uint16_t tail; /* right after the array: an overrun would hit it */
};

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

struct pvdev {
    uint32_t n;
    uint16_t *data;
    uint32_t *regs; /* fixed count through a pointer */
};

static const struct vms_field pvdev_fields[] = {
    {
        .name = "n",
        .type = VMS_WT_UINT32,
        .offset = offsetof(struct pvdev, n),
        .size = sizeof(uint32_t),
    },
    {
        .name = "data",
        .type = VMS_WT_UINT16,
        .flags = VMS_F_POINTER | VMS_F_VARRAY,
        .offset = offsetof(struct pvdev, data),
        .size = sizeof(uint16_t),
        .count_offset = offsetof(struct pvdev, n),
        .count_size = sizeof(uint32_t),
        .max = 8,
    },
    {
        .name = "regs",
        .type = VMS_WT_UINT32,
        .flags = VMS_F_POINTER,
        .offset = offsetof(struct pvdev, regs),
        .size = sizeof(uint32_t),
        .num = 2,
    },
};

static const struct vms_desc pvdev_desc = {
    .name = "pv",
    .version = 1,
    .min_version = 1,
    .fields = pvdev_fields,
    .n_fields = VMS_COUNTOF(pvdev_fields),
};

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

struct aldev {
    uint32_t n;
    uint32_t *p;
};

static const struct vms_field aldev_fields[] = {
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
        .max = 16,
    },
};

static const struct vms_desc aldev_desc = {
    .name = "al",
    .version = 1,
    .min_version = 1,
    .fields = aldev_fields,
    .n_fields = VMS_COUNTOF(aldev_fields),
};

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

/* ------------------------------------------------------- scalar encodings */

struct budev {
    uint8_t mac[6];
    uint8_t after;
};

static const struct vms_field bu_buffer_fields[] = {
    {
        .name = "mac",
        .type = VMS_WT_BUFFER,
        .offset = offsetof(struct budev, mac),
        .size = 6,
    },
};

static const struct vms_field bu_u8_fields[] = {
    {
        .name = "mac",
        .type = VMS_WT_UINT8,
        .offset = offsetof(struct budev, mac),
        .size = sizeof(uint8_t),
        .num = 6,
    },
};

static const struct vms_desc bu_buffer_desc = {
    .name = "bu",
    .version = 1,
    .min_version = 1,
    .fields = bu_buffer_fields,
    .n_fields = VMS_COUNTOF(bu_buffer_fields),
};

static const struct vms_desc bu_u8_desc = {
    .name = "bu",
    .version = 1,
    .min_version = 1,
    .fields = bu_u8_fields,
    .n_fields = VMS_COUNTOF(bu_u8_fields),
};

static void test_buffer_equals_uint8_array(void **state)
{
    static const uint8_t wire[] = {
        /* mac[6] raw */ 0x52, 0x54, 0x00, 0x12, 0x34, 0x56,
    };
    struct budev b = { .mac = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 }, .after = 0x99 };
    struct budev init = { .after = 0x99 };

    (void)state;
    check_save(&bu_buffer_desc, &b, -1, wire, sizeof(wire));
    check_save(&bu_u8_desc, &b, -1, wire, sizeof(wire));
    check_truncations(&bu_buffer_desc, &init, sizeof(init), 1, wire, sizeof(wire));
    check_truncations(&bu_u8_desc, &init, sizeof(init), 1, wire, sizeof(wire));
    b = init;
    load_ok(&bu_buffer_desc, &b, 1, wire, sizeof(wire));
    assert_memory_equal(b.mac, wire, 6);
    assert_int_equal(b.after, 0x99);
    b = init;
    load_ok(&bu_u8_desc, &b, 1, wire, sizeof(wire));
    assert_memory_equal(b.mac, wire, 6);
    assert_int_equal(b.after, 0x99);
}

struct mddev {
    uint16_t m[3][4];
};

static const struct vms_field md_fields[] = {
    {
        .name = "m",
        .type = VMS_WT_UINT16,
        .offset = offsetof(struct mddev, m),
        .size = sizeof(uint16_t),
        .num = 3 * 4,
    },
};

static const struct vms_desc md_desc = {
    .name = "md",
    .version = 1,
    .min_version = 1,
    .fields = md_fields,
    .n_fields = VMS_COUNTOF(md_fields),
};

static void test_multidim_array_flattened(void **state)
{
    static const uint8_t wire[] = {
        /* m[0][0..3] */ 0x00, 0x00, 0x00, 0x01, 0x00, 0x02, 0x00, 0x03,
        /* m[1][0..3] */ 0x01, 0x00, 0x01, 0x01, 0x01, 0x02, 0x01, 0x03,
        /* m[2][0..3] */ 0x02, 0x00, 0x02, 0x01, 0x02, 0x02, 0x02, 0x03,
    };
    struct mddev m, init;

    (void)state;
    for (int r = 0; r < 3; r++)
        for (int c = 0; c < 4; c++)
            m.m[r][c] = (uint16_t)(r << 8 | c);
    check_save(&md_desc, &m, -1, wire, sizeof(wire));
    memset(&init, 0, sizeof(init));
    check_truncations(&md_desc, &init, sizeof(init), 1, wire, sizeof(wire));
    m = init;
    load_ok(&md_desc, &m, 1, wire, sizeof(wire));
    assert_int_equal(m.m[0][3], 0x0003);
    assert_int_equal(m.m[1][0], 0x0100);
    assert_int_equal(m.m[2][3], 0x0203);
}

struct bldev {
    bool a, b, c, d;
};

static const struct vms_field bl_fields[] = {
    {
        .name = "a",
        .type = VMS_WT_BOOL,
        .offset = offsetof(struct bldev, a),
        .size = sizeof(bool),
    },
    {
        .name = "b",
        .type = VMS_WT_BOOL,
        .offset = offsetof(struct bldev, b),
        .size = sizeof(bool),
    },
    {
        .name = "c",
        .type = VMS_WT_BOOL,
        .offset = offsetof(struct bldev, c),
        .size = sizeof(bool),
    },
    {
        .name = "d",
        .type = VMS_WT_BOOL,
        .offset = offsetof(struct bldev, d),
        .size = sizeof(bool),
    },
};

static const struct vms_desc bl_desc = {
    .name = "bl",
    .version = 1,
    .min_version = 1,
    .fields = bl_fields,
    .n_fields = VMS_COUNTOF(bl_fields),
};

static void test_bool_encoding(void **state)
{
    static const uint8_t saved[] = {
        /* a true  */ 0x01,
        /* b false */ 0x00,
        /* c true  */ 0x01,
        /* d false */ 0x00,
    };
    static const uint8_t odd[] = {
        /* a 0x02 -> true */ 0x02,
        /* b 0x00 -> false*/ 0x00,
        /* c 0xff -> true */ 0xff,
        /* d 0x80 -> true */ 0x80,
    };
    struct bldev b = { .a = true, .b = false, .c = true, .d = false };
    uint8_t raw[sizeof(b)];

    (void)state;
    check_save(&bl_desc, &b, -1, saved, sizeof(saved));
    memset(&b, 0, sizeof(b));
    load_ok(&bl_desc, &b, 1, odd, sizeof(odd));
    assert_true(b.a);
    assert_false(b.b);
    assert_true(b.c);
    assert_true(b.d);
    /* stored as a proper bool (1), not the raw stream byte */
    memcpy(raw, &b, sizeof(b));
    assert_int_equal(raw[offsetof(struct bldev, a)], 1);
    assert_int_equal(raw[offsetof(struct bldev, c)], 1);
    assert_int_equal(raw[offsetof(struct bldev, d)], 1);
    check_save(&bl_desc, &b, -1, (const uint8_t[]){ 0x01, 0x00, 0x01, 0x01 }, 4);
}

struct fldev {
    float f;
    double d;
    float nan;
};

static const struct vms_field fl_fields[] = {
    {
        .name = "f",
        .type = VMS_WT_FLOAT32,
        .offset = offsetof(struct fldev, f),
        .size = sizeof(float),
    },
    {
        .name = "d",
        .type = VMS_WT_FLOAT64,
        .offset = offsetof(struct fldev, d),
        .size = sizeof(double),
    },
    {
        .name = "nan",
        .type = VMS_WT_FLOAT32,
        .offset = offsetof(struct fldev, nan),
        .size = sizeof(float),
    },
};

static const struct vms_desc fl_desc = {
    .name = "fl",
    .version = 1,
    .min_version = 1,
    .fields = fl_fields,
    .n_fields = VMS_COUNTOF(fl_fields),
};

static void test_float_bits_big_endian(void **state)
{
    static const uint8_t wire[] = {
        /* f   1.5f  bits be32 */ 0x3f, 0xc0, 0x00, 0x00,
        /* d  -0.1   bits be64 */ 0xbf, 0xb9, 0x99, 0x99, 0x99, 0x99, 0x99, 0x9a,
        /* nan sNaN payload    */ 0x7f, 0xa0, 0x00, 0x01,
    };
    struct fldev f = { .f = 1.5f, .d = -0.1 };
    uint32_t nan_bits = 0x7fa00001, got_bits;

    (void)state;
    memcpy(&f.nan, &nan_bits, sizeof(nan_bits));
    check_save(&fl_desc, &f, -1, wire, sizeof(wire));
    memset(&f, 0, sizeof(f));
    check_truncations(&fl_desc, &f, sizeof(f), 1, wire, sizeof(wire));
    load_ok(&fl_desc, &f, 1, wire, sizeof(wire));
    assert_true(f.f == 1.5f);
    assert_true(f.d == -0.1);
    memcpy(&got_bits, &f.nan, sizeof(got_bits));
    assert_int_equal(got_bits, 0x7fa00001); /* raw bits, no float conversion on the way */
}

struct tmdev {
    int64_t expire;
    int64_t next;
};

static const struct vms_field tm_fields[] = {
    {
        .name = "expire",
        .type = VMS_WT_TIMER,
        .offset = offsetof(struct tmdev, expire),
        .size = sizeof(int64_t),
    },
    {
        .name = "next",
        .type = VMS_WT_TIMER,
        .offset = offsetof(struct tmdev, next),
        .size = sizeof(int64_t),
    },
};

static const struct vms_desc tm_desc = {
    .name = "tm",
    .version = 1,
    .min_version = 1,
    .fields = tm_fields,
    .n_fields = VMS_COUNTOF(tm_fields),
};

static void test_timer_encoding(void **state)
{
    static const uint8_t wire[] = {
        /* expire -1: not armed, all ones */ 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
        /* next 1e9 ns                    */ 0x00, 0x00, 0x00, 0x00, 0x3b, 0x9a, 0xca, 0x00,
    };
    struct tmdev t = { .expire = -1, .next = 1000000000 };

    (void)state;
    check_save(&tm_desc, &t, -1, wire, sizeof(wire));
    memset(&t, 0, sizeof(t));
    check_truncations(&tm_desc, &t, sizeof(t), 1, wire, sizeof(wire));
    load_ok(&tm_desc, &t, 1, wire, sizeof(wire));
    assert_true(t.expire == -1);
    assert_true(t.next == 1000000000);
}

struct undev {
    uint32_t a;
    uint8_t junk[4];
    uint32_t b;
};

static const struct vms_field un_fields[] = {
    {
        .name = "a",
        .type = VMS_WT_UINT32,
        .offset = offsetof(struct undev, a),
        .size = sizeof(uint32_t),
    },
    {
        .name = "unused",
        .type = VMS_WT_UNUSED,
        .offset = offsetof(struct undev, junk),
        .size = 4,
    },
    {
        .name = "b",
        .type = VMS_WT_UINT32,
        .offset = offsetof(struct undev, b),
        .size = sizeof(uint32_t),
    },
};

static const struct vms_desc un_desc = {
    .name = "un",
    .version = 1,
    .min_version = 1,
    .fields = un_fields,
    .n_fields = VMS_COUNTOF(un_fields),
};

static void test_unused_zeros_and_skip(void **state)
{
    static const uint8_t saved[] = {
        /* a be32          */ 0x00, 0x00, 0x00, 0x01,
        /* unused: 4 zeros */ 0x00, 0x00, 0x00, 0x00,
        /* b be32          */ 0x00, 0x00, 0x00, 0x02,
    };
    static const uint8_t incoming[] = {
        /* a be32                 */ 0x00, 0x00, 0x00, 0x0a,
        /* unused: anything, skip */ 0x11, 0x22, 0x33, 0x44,
        /* b be32                 */ 0x00, 0x00, 0x00, 0x0b,
    };
    struct undev u = { .a = 1, .junk = { 0xde, 0xad, 0xbe, 0xef }, .b = 2 };

    (void)state;
    check_save(&un_desc, &u, -1, saved, sizeof(saved));
    check_truncations(&un_desc, &u, sizeof(u), 1, incoming, sizeof(incoming));
    load_ok(&un_desc, &u, 1, incoming, sizeof(incoming));
    assert_int_equal(u.a, 10);
    assert_int_equal(u.b, 11);
    assert_memory_equal(u.junk, ((const uint8_t[]){ 0xde, 0xad, 0xbe, 0xef }), 4);
}

/* ------------------------------------------------------------ validation */

struct eqdev {
    uint32_t magic;
    uint32_t v;
};

static const struct vms_field eq_fields[] = {
    {
        .name = "magic",
        .type = VMS_WT_UINT32,
        .flags = VMS_F_EQUAL,
        .offset = offsetof(struct eqdev, magic),
        .size = sizeof(uint32_t),
    },
    {
        .name = "v",
        .type = VMS_WT_UINT32,
        .offset = offsetof(struct eqdev, v),
        .size = sizeof(uint32_t),
    },
};

static const struct vms_desc eq_desc = {
    .name = "eq",
    .version = 1,
    .min_version = 1,
    .fields = eq_fields,
    .n_fields = VMS_COUNTOF(eq_fields),
};

static void test_equal_field(void **state)
{
    static const uint8_t same[] = {
        /* magic be32 0xcafe */ 0x00, 0x00, 0xca, 0xfe,
        /* v be32 5          */ 0x00, 0x00, 0x00, 0x05,
    };
    static const uint8_t other[] = {
        /* magic be32 0xbeef */ 0x00, 0x00, 0xbe, 0xef,
        /* v be32 6          */ 0x00, 0x00, 0x00, 0x06,
    };
    struct eqdev e = { .magic = 0xcafe, .v = 5 };
    vms_error_t err;

    (void)state;
    check_save(&eq_desc, &e, -1, same, sizeof(same));
    e.v = 0;
    load_ok(&eq_desc, &e, 1, same, sizeof(same));
    assert_int_equal(e.v, 5);
    assert_int_equal(load_fails(&eq_desc, &e, 1, other, sizeof(other), &err), VMS_ERR_CHECK);
    assert_contains(err.path, "eq/magic");
    assert_int_equal(e.magic, 0xcafe);
    assert_int_equal(e.v, 5); /* the load stopped at the mismatch */
}

struct ckdev {
    uint32_t reload;
    uint32_t counter;
};

static bool ck_counter_ok(const void *opaque, int version)
{
    const struct ckdev *c = opaque;

    (void)version;
    return c->counter <= c->reload;
}

static const struct vms_field ck_fields[] = {
    {
        .name = "reload",
        .type = VMS_WT_UINT32,
        .offset = offsetof(struct ckdev, reload),
        .size = sizeof(uint32_t),
    },
    {
        .name = "counter",
        .type = VMS_WT_UINT32,
        .offset = offsetof(struct ckdev, counter),
        .size = sizeof(uint32_t),
        .check = ck_counter_ok,
        .check_text = "counter <= reload",
    },
};

static const struct vms_desc ck_desc = {
    .name = "ck",
    .version = 1,
    .min_version = 1,
    .fields = ck_fields,
    .n_fields = VMS_COUNTOF(ck_fields),
};

static void test_field_check(void **state)
{
    static const uint8_t good[] = {
        /* reload be32 10  */ 0x00, 0x00, 0x00, 0x0a,
        /* counter be32 10 */ 0x00, 0x00, 0x00, 0x0a,
    };
    static const uint8_t bad[] = {
        /* reload be32 10  */ 0x00, 0x00, 0x00, 0x0a,
        /* counter be32 20 */ 0x00, 0x00, 0x00, 0x14,
    };
    struct ckdev c = { 0 };
    vms_error_t err;

    (void)state;
    load_ok(&ck_desc, &c, 1, good, sizeof(good));
    assert_int_equal(c.counter, 10);
    assert_int_equal(load_fails(&ck_desc, &c, 1, bad, sizeof(bad), &err), VMS_ERR_CHECK);
    assert_contains(err.message, "counter <= reload");
    assert_contains(err.path, "ck/counter");
}

struct dcdev {
    uint16_t lo, hi;
};

static bool dc_ok(const void *opaque, int version)
{
    const struct dcdev *d = opaque;

    (void)version;
    return d->lo <= d->hi;
}

static const struct vms_field dc_fields[] = {
    {
        .name = "lo",
        .type = VMS_WT_UINT16,
        .offset = offsetof(struct dcdev, lo),
        .size = sizeof(uint16_t),
    },
    {
        .name = "hi",
        .type = VMS_WT_UINT16,
        .offset = offsetof(struct dcdev, hi),
        .size = sizeof(uint16_t),
    },
};

static const struct vms_desc dc_desc = {
    .name = "dc",
    .version = 1,
    .min_version = 1,
    .fields = dc_fields,
    .n_fields = VMS_COUNTOF(dc_fields),
    .check = dc_ok,
    .check_text = "lo <= hi",
};

static void test_desc_check(void **state)
{
    static const uint8_t good[] = {
        /* lo be16 3 */ 0x00, 0x03,
        /* hi be16 5 */ 0x00, 0x05,
    };
    static const uint8_t bad[] = {
        /* lo be16 5 */ 0x00, 0x05,
        /* hi be16 3 */ 0x00, 0x03,
    };
    struct dcdev d = { 0 };
    vms_error_t err;

    (void)state;
    load_ok(&dc_desc, &d, 1, good, sizeof(good));
    assert_int_equal(d.lo, 3);
    assert_int_equal(d.hi, 5);
    assert_int_equal(load_fails(&dc_desc, &d, 1, bad, sizeof(bad), &err), VMS_ERR_CHECK);
    assert_contains(err.message, "lo <= hi");
}

/* --------------------------------------------------- versions and defaults */

struct sddev {
    uint8_t prescale;
    uint8_t n;
    uint16_t vals[4];
    int default_calls;
    int default_version;
};

static void sd_default_prescale(void *opaque, int version)
{
    struct sddev *s = opaque;

    s->prescale = 1;
    s->default_calls++;
    s->default_version = version;
}

static void sd_default_n(void *opaque, int version)
{
    struct sddev *s = opaque;

    (void)version;
    s->n = 2;
    s->default_calls++;
}

static const struct vms_field sd_fields[] = {
    {
        .name = "prescale",
        .type = VMS_WT_UINT8,
        .offset = offsetof(struct sddev, prescale),
        .size = sizeof(uint8_t),
        .since = 3,
        .set_default = sd_default_prescale,
    },
    {
        .name = "n",
        .type = VMS_WT_UINT8,
        .offset = offsetof(struct sddev, n),
        .size = sizeof(uint8_t),
        .since = 2,
        .set_default = sd_default_n,
    },
    {
        .name = "vals",
        .type = VMS_WT_UINT16,
        .flags = VMS_F_VARRAY,
        .offset = offsetof(struct sddev, vals),
        .size = sizeof(uint16_t),
        .num = 4,
        .count_offset = offsetof(struct sddev, n),
        .count_size = 1,
    },
};

static const struct vms_desc sd_desc = {
    .name = "sd",
    .version = 3,
    .min_version = 1,
    .fields = sd_fields,
    .n_fields = VMS_COUNTOF(sd_fields),
};

static void test_set_default_for_absent_fields(void **state)
{
    static const uint8_t v1[] = {
        /* prescale: absent (since 3), default 1 */
        /* n: absent (since 2), default 2        */
        /* vals[0..1] be16 (count from default)  */ 0x00, 0x0a, 0x00, 0x0b,
    };
    static const uint8_t v3[] = {
        /* prescale u8 4   */ 0x04,
        /* n u8 3          */ 0x03,
        /* vals[0..2] be16 */ 0x00, 0x01, 0x00, 0x02, 0x00, 0x03,
    };
    struct sddev s = { .prescale = 9, .n = 9, .vals = { 7, 7, 7, 7 } };
    struct sddev init = s;

    (void)state;
    check_truncations(&sd_desc, &init, sizeof(init), 1, v1, sizeof(v1));
    load_ok(&sd_desc, &s, 1, v1, sizeof(v1));
    assert_int_equal(s.prescale, 1);
    assert_int_equal(s.n, 2);
    assert_int_equal(s.vals[0], 10);
    assert_int_equal(s.vals[1], 11);
    assert_int_equal(s.vals[2], 7);
    assert_int_equal(s.default_calls, 2);
    assert_int_equal(s.default_version, 1);

    s = init;
    load_ok(&sd_desc, &s, 3, v3, sizeof(v3));
    assert_int_equal(s.prescale, 4);
    assert_int_equal(s.n, 3);
    assert_int_equal(s.vals[2], 3);
    assert_int_equal(s.vals[3], 7);
    assert_int_equal(s.default_calls, 0);

    s = init;
    s.prescale = 4, s.n = 3, s.vals[0] = 1, s.vals[1] = 2, s.vals[2] = 3;
    check_save(&sd_desc, &s, -1, v3, sizeof(v3));
}

struct utdev {
    uint32_t keep;
    uint16_t old;
    uint32_t tail;
};

static const struct vms_field ut_fields[] = {
    {
        .name = "keep",
        .type = VMS_WT_UINT32,
        .offset = offsetof(struct utdev, keep),
        .size = sizeof(uint32_t),
    },
    {
        .name = "old",
        .type = VMS_WT_UINT16,
        .offset = offsetof(struct utdev, old),
        .size = sizeof(uint16_t),
        .until = 2,
    },
    {
        .name = "tail",
        .type = VMS_WT_UINT32,
        .offset = offsetof(struct utdev, tail),
        .size = sizeof(uint32_t),
    },
};

static const struct vms_desc ut_desc = {
    .name = "ut",
    .version = 2,
    .min_version = 1,
    .fields = ut_fields,
    .n_fields = VMS_COUNTOF(ut_fields),
};

static void test_until_field(void **state)
{
    static const uint8_t v1[] = {
        /* keep be32 1   */ 0x00, 0x00, 0x00, 0x01,
        /* old be16 (v1) */ 0xab, 0xcd,
        /* tail be32 2   */ 0x00, 0x00, 0x00, 0x02,
    };
    static const uint8_t v2[] = {
        /* keep be32 1 */ 0x00, 0x00, 0x00, 0x01,
        /* tail be32 2 */ 0x00, 0x00, 0x00, 0x02,
    };
    struct utdev u = { .keep = 1, .old = 0xabcd, .tail = 2 };
    struct utdev init = { .old = 0x5555 };

    (void)state;
    check_save(&ut_desc, &u, -1, v2, sizeof(v2));
    check_save(&ut_desc, &u, 1, v1, sizeof(v1));
    check_save(&ut_desc, &u, 2, v2, sizeof(v2));

    check_truncations(&ut_desc, &init, sizeof(init), 1, v1, sizeof(v1));
    u = init;
    load_ok(&ut_desc, &u, 1, v1, sizeof(v1));
    assert_int_equal(u.keep, 1);
    assert_int_equal(u.old, 0xabcd);
    assert_int_equal(u.tail, 2);
    u = init;
    load_ok(&ut_desc, &u, 2, v2, sizeof(v2));
    assert_int_equal(u.old, 0x5555);
    assert_int_equal(u.tail, 2);
}

struct wtdev {
    uint32_t reload; /* uint16 on the wire before v2 */
    int32_t bias;    /* int8 on the wire before v2 */
};

static const struct vms_field wt_fields[] = {
    {
        .name = "reload",
        .type = VMS_WT_UINT32,
        .offset = offsetof(struct wtdev, reload),
        .size = sizeof(uint32_t),
        .was_type = VMS_WT_UINT16,
        .was_until = 2,
    },
    {
        .name = "bias",
        .type = VMS_WT_INT32,
        .offset = offsetof(struct wtdev, bias),
        .size = sizeof(int32_t),
        .was_type = VMS_WT_INT8,
        .was_until = 2,
    },
};

static const struct vms_desc wt_desc = {
    .name = "wdt",
    .version = 2,
    .min_version = 1,
    .fields = wt_fields,
    .n_fields = VMS_COUNTOF(wt_fields),
};

static void test_was_type_widening(void **state)
{
    static const uint8_t v1[] = {
        /* reload as be16 0x1234 */ 0x12, 0x34,
        /* bias as i8 -3         */ 0xfd,
    };
    static const uint8_t v2[] = {
        /* reload be32 0x12345   */ 0x00, 0x01, 0x23, 0x45,
        /* bias be32 -3          */ 0xff, 0xff, 0xff, 0xfd,
    };
    struct wtdev w = { 0 };
    vms_error_t err;

    (void)state;
    check_truncations(&wt_desc, &w, sizeof(w), 1, v1, sizeof(v1));
    load_ok(&wt_desc, &w, 1, v1, sizeof(v1));
    assert_int_equal(w.reload, 0x1234);
    assert_int_equal(w.bias, -3); /* sign-extended */
    load_ok(&wt_desc, &w, 2, v2, sizeof(v2));
    assert_int_equal(w.reload, 0x12345);
    assert_int_equal(w.bias, -3);

    check_save(&wt_desc, &w, -1, v2, sizeof(v2));
    w.reload = 0x1234;
    check_save(&wt_desc, &w, 1, v1, sizeof(v1));
    /* saving for v1 a value the old type cannot hold */
    w.reload = 0x12345;
    assert_int_equal(save_fails(&wt_desc, &w, 1, &err), VMS_ERR_RANGE);
    assert_contains(err.path, "wdt/reload");
    w.reload = 1, w.bias = -129;
    assert_int_equal(save_fails(&wt_desc, &w, 1, &err), VMS_ERR_RANGE);
    assert_contains(err.path, "wdt/bias");
}

struct nrdev {
    uint16_t narrow; /* uint32 on the wire before v2 */
};

static const struct vms_field nr_fields[] = {
    {
        .name = "narrow",
        .type = VMS_WT_UINT16,
        .offset = offsetof(struct nrdev, narrow),
        .size = sizeof(uint16_t),
        .was_type = VMS_WT_UINT32,
        .was_until = 2,
    },
};

static const struct vms_desc nr_desc = {
    .name = "nr",
    .version = 2,
    .min_version = 1,
    .fields = nr_fields,
    .n_fields = VMS_COUNTOF(nr_fields),
};

static void test_was_type_narrowing_range(void **state)
{
    static const uint8_t fits[] = {
        /* narrow as be32 0xabcd */ 0x00, 0x00, 0xab, 0xcd,
    };
    static const uint8_t too_big[] = {
        /* narrow as be32 0x10000 */ 0x00, 0x01, 0x00, 0x00,
    };
    struct nrdev n = { .narrow = 0x1111 };
    vms_error_t err;

    (void)state;
    check_truncations(&nr_desc, &n, sizeof(n), 1, fits, sizeof(fits));
    load_ok(&nr_desc, &n, 1, fits, sizeof(fits));
    assert_int_equal(n.narrow, 0xabcd);
    n.narrow = 0x1111;
    assert_int_equal(load_fails(&nr_desc, &n, 1, too_big, sizeof(too_big), &err), VMS_ERR_RANGE);
    assert_contains(err.path, "nr/narrow");
    assert_int_equal(n.narrow, 0x1111);

    /* saving: the current type now, the old (wider) one for a v1 destination */
    n.narrow = 0xabcd;
    check_save(&nr_desc, &n, -1, (const uint8_t[]){ 0xab, 0xcd }, 2);
    check_save(&nr_desc, &n, 1, fits, sizeof(fits));
}

/* ------------------------------------------------------------------ codec */

struct cddev {
    uint8_t cfg[2][3];
    uint32_t after;
};

static size_t codec_put_sizes[4], codec_get_sizes[4];
static const void *codec_put_ptrs[4];
static void *codec_get_ptrs[4];
static size_t codec_puts, codec_gets;

/* Writes the element's bytes reversed, so the test sees the codec ran. */
static int rev_put(vms_stream_t *s, const void *field, size_t size, vms_error_t *err)
{
    const uint8_t *p = field;

    (void)err;
    if (codec_puts < 4) {
        codec_put_sizes[codec_puts] = size;
        codec_put_ptrs[codec_puts] = field;
    }
    codec_puts++;
    for (size_t i = size; i-- > 0;)
        vms_put_u8(s, p[i]);
    return 0;
}

static int rev_get(vms_stream_t *s, void *field, size_t size, vms_error_t *err)
{
    uint8_t *p = field;

    (void)err;
    if (codec_gets < 4) {
        codec_get_sizes[codec_gets] = size;
        codec_get_ptrs[codec_gets] = field;
    }
    codec_gets++;
    for (size_t i = size; i-- > 0;)
        p[i] = vms_get_u8(s);
    return 0;
}

static const struct vms_codec rev_codec = {
    .type_name = "reversed",
    .get = rev_get,
    .put = rev_put,
};

static int bad_get(vms_stream_t *s, void *field, size_t size, vms_error_t *err)
{
    (void)field;
    (void)size;
    vms_get_u8(s);
    return vms_error_set(err, VMS_ERR_FORMAT, 0, -1, NULL, "config space header type %d", 7);
}

static const struct vms_codec bad_codec = {
    .type_name = "pci config",
    .get = bad_get,
    .put = rev_put,
};

static const struct vms_field cd_fields[] = {
    {
        .name = "cfg",
        .type = VMS_WT_CODEC,
        .offset = offsetof(struct cddev, cfg),
        .size = 3,
        .num = 2,
        .codec = &rev_codec,
    },
    {
        .name = "after",
        .type = VMS_WT_UINT32,
        .offset = offsetof(struct cddev, after),
        .size = sizeof(uint32_t),
    },
};

static const struct vms_desc cd_desc = {
    .name = "cd",
    .version = 1,
    .min_version = 1,
    .fields = cd_fields,
    .n_fields = VMS_COUNTOF(cd_fields),
};

static const struct vms_field cd_bad_fields[] = {
    {
        .name = "cfg",
        .type = VMS_WT_CODEC,
        .offset = offsetof(struct cddev, cfg),
        .size = 3,
        .codec = &bad_codec,
    },
};

static const struct vms_desc cd_bad_desc = {
    .name = "cd",
    .version = 1,
    .min_version = 1,
    .fields = cd_bad_fields,
    .n_fields = VMS_COUNTOF(cd_bad_fields),
};

static void test_codec_called_with_size(void **state)
{
    static const uint8_t wire[] = {
        /* cfg[0] reversed by the codec */ 0x03, 0x02, 0x01,
        /* cfg[1] reversed by the codec */ 0x06, 0x05, 0x04,
        /* after be32                   */ 0x00, 0x00, 0x00, 0x2a,
    };
    struct cddev c = { .cfg = { { 1, 2, 3 }, { 4, 5, 6 } }, .after = 42 };
    vms_error_t err;

    (void)state;
    codec_puts = codec_gets = 0;
    check_save(&cd_desc, &c, -1, wire, sizeof(wire));
    assert_int_equal(codec_puts, 2);
    assert_int_equal(codec_put_sizes[0], 3);
    assert_int_equal(codec_put_sizes[1], 3);
    assert_ptr_equal(codec_put_ptrs[0], &c.cfg[0]);
    assert_ptr_equal(codec_put_ptrs[1], &c.cfg[1]);

    memset(&c, 0, sizeof(c));
    load_ok(&cd_desc, &c, 1, wire, sizeof(wire));
    assert_int_equal(codec_gets, 2);
    assert_int_equal(codec_get_sizes[0], 3);
    assert_int_equal(codec_get_sizes[1], 3);
    assert_ptr_equal(codec_get_ptrs[0], &c.cfg[0]);
    assert_ptr_equal(codec_get_ptrs[1], &c.cfg[1]);
    assert_memory_equal(c.cfg, ((const uint8_t[]){ 1, 2, 3, 4, 5, 6 }), 6);
    assert_int_equal(c.after, 42);

    /* a codec reading past the end: the engine picks up the stream error */
    memset(&c, 0, sizeof(c));
    assert_int_equal(load_fails(&cd_desc, &c, 1, wire, 4, &err), VMS_ERR_EOF);
}

static void test_codec_error_propagates(void **state)
{
    static const uint8_t wire[] = { 0x01, 0x02, 0x03 };
    struct cddev c = { 0 };
    vms_error_t err;

    (void)state;
    assert_int_equal(load_fails(&cd_bad_desc, &c, 1, wire, sizeof(wire), &err), VMS_ERR_FORMAT);
    assert_contains(err.message, "config space header type 7");
}

/* ---------------------------------------------------------------- nesting */

struct inner {
    uint16_t x;
    uint8_t y;
};

struct outer {
    uint32_t id;
    struct inner one;
    struct inner arr[4];
};

static bool inner_x_ok(const void *opaque, int version)
{
    const struct inner *in = opaque;

    (void)version;
    return in->x < 1000;
}

static const struct vms_field inner_fields[] = {
    {
        .name = "x",
        .type = VMS_WT_UINT16,
        .offset = offsetof(struct inner, x),
        .size = sizeof(uint16_t),
        .check = inner_x_ok,
        .check_text = "x < 1000",
    },
    {
        .name = "y",
        .type = VMS_WT_UINT8,
        .offset = offsetof(struct inner, y),
        .size = sizeof(uint8_t),
    },
};

static const struct vms_desc inner_desc = {
    .name = "inner",
    .version = 1,
    .min_version = 1,
    .fields = inner_fields,
    .n_fields = VMS_COUNTOF(inner_fields),
};

static const struct vms_field outer_fields[] = {
    {
        .name = "id",
        .type = VMS_WT_UINT32,
        .offset = offsetof(struct outer, id),
        .size = sizeof(uint32_t),
    },
    {
        .name = "one",
        .type = VMS_WT_STRUCT,
        .offset = offsetof(struct outer, one),
        .size = sizeof(struct inner),
        .desc = &inner_desc,
    },
    {
        .name = "arr",
        .type = VMS_WT_STRUCT,
        .offset = offsetof(struct outer, arr),
        .size = sizeof(struct inner),
        .num = 4,
        .desc = &inner_desc,
    },
};

static const struct vms_desc outer_desc = {
    .name = "outer",
    .version = 1,
    .min_version = 1,
    .fields = outer_fields,
    .n_fields = VMS_COUNTOF(outer_fields),
};

static const uint8_t wire_outer[] = {
    /* id be32 7                 */ 0x00, 0x00, 0x00, 0x07,
    /* one.x be16, one.y u8      */ 0x01, 0x00, 0x11,
    /* arr[0].x, arr[0].y        */ 0x00, 0x0a, 0x20,
    /* arr[1].x, arr[1].y        */ 0x00, 0x0b, 0x21,
    /* arr[2].x, arr[2].y        */ 0x00, 0x0c, 0x22,
    /* arr[3].x, arr[3].y        */ 0x00, 0x0d, 0x23,
};

static void test_nested_struct_bytes(void **state)
{
    struct outer o = {
        .id = 7,
        .one = { .x = 0x100, .y = 0x11 },
        .arr = { { 10, 0x20 }, { 11, 0x21 }, { 12, 0x22 }, { 13, 0x23 } },
    };
    struct outer init;

    (void)state;
    check_save(&outer_desc, &o, -1, wire_outer, sizeof(wire_outer));
    memset(&init, 0, sizeof(init));
    check_truncations(&outer_desc, &init, sizeof(init), 1, wire_outer, sizeof(wire_outer));
    o = init;
    load_ok(&outer_desc, &o, 1, wire_outer, sizeof(wire_outer));
    assert_int_equal(o.id, 7);
    assert_int_equal(o.one.x, 0x100);
    assert_int_equal(o.one.y, 0x11);
    assert_int_equal(o.arr[2].x, 12);
    assert_int_equal(o.arr[3].y, 0x23);
}

static void test_nested_error_path(void **state)
{
    uint8_t bad[sizeof(wire_outer)];
    struct outer o;
    vms_error_t err;
    size_t len;

    (void)state;
    memcpy(bad, wire_outer, sizeof(bad));
    bad[4 + 3 + 3 * 2] = 0x07; /* arr[2].x = 0x07d0 = 2000 */
    bad[4 + 3 + 3 * 2 + 1] = 0xd0;
    memset(&o, 0, sizeof(o));
    assert_int_equal(load_fails(&outer_desc, &o, 1, bad, sizeof(bad), &err), VMS_ERR_CHECK);
    assert_contains(err.path, "outer/arr[2]");
    len = strlen(err.path);
    assert_true(len > 0 && err.path[len - 1] == 'x');
    assert_contains(err.message, "x < 1000");
    assert_int_equal(o.arr[1].x, 11);
    assert_int_equal(o.arr[3].x, 0); /* not reached */

    /* end of stream inside arr[3]: the path says where */
    memset(&o, 0, sizeof(o));
    assert_int_equal(load_fails(&outer_desc, &o, 1, wire_outer, sizeof(wire_outer) - 2, &err),
                     VMS_ERR_EOF);
    assert_contains(err.path, "arr[3]");
    assert_true(err.offset >= 0);
}

/* Subsections of a nested description travel inside it; the enclosing one's come after. */
struct nin {
    uint16_t x;
    uint8_t e;
    bool need_extra;
};

struct nout {
    uint32_t a;
    struct nin in;
    uint16_t m;
};

static bool nin_extra_needed(const void *opaque, int version)
{
    const struct nin *n = opaque;

    (void)version;
    return n->need_extra;
}

static const struct vms_field nin_extra_fields[] = {
    {
        .name = "e",
        .type = VMS_WT_UINT8,
        .offset = offsetof(struct nin, e),
        .size = sizeof(uint8_t),
    },
};

static const struct vms_desc nin_extra_desc = {
    .name = "nin/extra",
    .version = 1,
    .min_version = 1,
    .fields = nin_extra_fields,
    .n_fields = VMS_COUNTOF(nin_extra_fields),
};

static const struct vms_subsection nin_subs[] = {
    {
        .desc = &nin_extra_desc,
        .needed = nin_extra_needed,
    },
};

static const struct vms_field nin_fields[] = {
    {
        .name = "x",
        .type = VMS_WT_UINT16,
        .offset = offsetof(struct nin, x),
        .size = sizeof(uint16_t),
    },
};

static const struct vms_desc nin_desc = {
    .name = "nin",
    .version = 1,
    .min_version = 1,
    .fields = nin_fields,
    .n_fields = VMS_COUNTOF(nin_fields),
    .subsections = nin_subs,
    .n_subsections = VMS_COUNTOF(nin_subs),
};

static const struct vms_field nout_more_fields[] = {
    {
        .name = "m",
        .type = VMS_WT_UINT16,
        .offset = offsetof(struct nout, m),
        .size = sizeof(uint16_t),
    },
};

static const struct vms_desc nout_more_desc = {
    .name = "nout/more",
    .version = 1,
    .min_version = 1,
    .fields = nout_more_fields,
    .n_fields = VMS_COUNTOF(nout_more_fields),
};

static const struct vms_subsection nout_subs[] = {
    {
        .desc = &nout_more_desc,
    },
};

static const struct vms_field nout_fields[] = {
    {
        .name = "a",
        .type = VMS_WT_UINT32,
        .offset = offsetof(struct nout, a),
        .size = sizeof(uint32_t),
    },
    {
        .name = "in",
        .type = VMS_WT_STRUCT,
        .offset = offsetof(struct nout, in),
        .size = sizeof(struct nin),
        .desc = &nin_desc,
    },
};

static const struct vms_desc nout_desc = {
    .name = "nout",
    .version = 1,
    .min_version = 1,
    .fields = nout_fields,
    .n_fields = VMS_COUNTOF(nout_fields),
    .subsections = nout_subs,
    .n_subsections = VMS_COUNTOF(nout_subs),
};

static void test_nested_subsections(void **state)
{
    static const uint8_t both[] = {
        /* a be32                 */ 0x00, 0x00, 0x00, 0x01,
        /* in.x be16              */ 0x00, 0x02,
        /* in: subsection marker  */ 0x05,
        /* u8 name length 9       */ 0x09,
        /* "nin/extra"            */ 'n', 'i', 'n', '/', 'e', 'x', 't', 'r', 'a',
        /* be32 version 1         */ 0x00, 0x00, 0x00, 0x01,
        /* in.e u8                */ 0x03,
        /* nout: subsection marker*/ 0x05,
        /* u8 name length 9       */ 0x09,
        /* "nout/more"            */ 'n', 'o', 'u', 't', '/', 'm', 'o', 'r', 'e',
        /* be32 version 1         */ 0x00, 0x00, 0x00, 0x01,
        /* m be16                 */ 0x00, 0x04,
    };
    static const uint8_t outer_only[] = {
        /* a be32                 */ 0x00, 0x00, 0x00, 0x01,
        /* in.x be16              */ 0x00, 0x02,
        /* nout: subsection marker*/ 0x05,
        /* u8 name length 9       */ 0x09,
        /* "nout/more"            */ 'n', 'o', 'u', 't', '/', 'm', 'o', 'r', 'e',
        /* be32 version 1         */ 0x00, 0x00, 0x00, 0x01,
        /* m be16                 */ 0x00, 0x04,
    };
    struct nout o = { .a = 1, .in = { .x = 2, .e = 3, .need_extra = true }, .m = 4 };
    struct nout init = { .in = { .e = 0x77 } };
    int next = -2;
    vms_error_t err;

    (void)state;
    check_save(&nout_desc, &o, -1, both, sizeof(both));
    o.in.need_extra = false;
    check_save(&nout_desc, &o, -1, outer_only, sizeof(outer_only));

    check_truncations(&nout_desc, &init, sizeof(init), 1, both, sizeof(both));
    o = init;
    load_ok(&nout_desc, &o, 1, both, sizeof(both));
    assert_int_equal(o.a, 1);
    assert_int_equal(o.in.x, 2);
    assert_int_equal(o.in.e, 3);
    assert_int_equal(o.m, 4);

    /* the nested description must leave the enclosing one's subsection alone */
    o = init;
    assert_int_equal(load_bytes(&nout_desc, &o, 1, outer_only, sizeof(outer_only), &err, &next),
                     0);
    assert_int_equal(next, -1);
    assert_int_equal(o.in.x, 2);
    assert_int_equal(o.in.e, 0x77);
    assert_int_equal(o.m, 4);
}

/*
 * Through a transport that moves one byte, or a random few, per call: the
 * subsection peeks straddle buffer refills. And a transport that fails or
 * ends early mid-payload.
 */
static void test_short_io_transport(void **state)
{
    static const uint8_t wire[] = {
        /* a be32                 */ 0x00, 0x00, 0x00, 0x01,
        /* in.x be16              */ 0x00, 0x02,
        /* in: subsection         */ 0x05, 0x09, 'n', 'i', 'n', '/', 'e', 'x', 't', 'r', 'a',
        /*                        */ 0x00, 0x00, 0x00, 0x01,
        /* in.e u8                */ 0x03,
        /* nout: subsection       */ 0x05, 0x09, 'n', 'o', 'u', 't', '/', 'm', 'o', 'r', 'e',
        /*                        */ 0x00, 0x00, 0x00, 0x01,
        /* m be16                 */ 0x00, 0x04,
    };
    const struct fault_cfg cfgs[] = {
        { .max_io = 1 },
        { .max_io = 2 },
        { .seed = 7 },
        { .seed = 12345 },
    };
    struct nout o;
    vms_error_t err;
    vms_stream_t *s;

    (void)state;
    for (size_t i = 0; i < VMS_COUNTOF(cfgs); i++) {
        struct fault_log log = { 0 };

        memset(&o, 0, sizeof(o));
        s = fault_reader(wire, sizeof(wire), &cfgs[i], NULL);
        assert_non_null(s);
        vms_error_init(&err);
        if (vms_load(s, &nout_desc, &o, 1, &err) != 0)
            fail_msg("cfg %zu: %s: %s", i, err.path, err.message);
        assert_int_equal(o.in.e, 3);
        assert_int_equal(o.m, 4);
        assert_int_equal(vms_stream_close(s), 0);

        o.in.need_extra = true;
        s = fault_writer(&cfgs[i], &log);
        assert_non_null(s);
        assert_int_equal(vms_save(s, &nout_desc, &o, &err), 0);
        assert_int_equal(vms_stream_close(s), 0);
        assert_int_equal(log.len, sizeof(wire));
        assert_memory_equal(log.data, wire, sizeof(wire));
        assert_int_equal(log.closes, 1);
        fault_log_clear(&log);
    }

    /* an I/O error mid-payload, then an early end */
    memset(&o, 0, sizeof(o));
    s = fault_reader(wire, sizeof(wire), &(struct fault_cfg){ .max_io = 3, .fail_errno = EIO,
                                                               .fail_after = 10 },
                     NULL);
    assert_non_null(s);
    vms_error_init(&err);
    assert_int_equal(vms_load(s, &nout_desc, &o, 1, &err), VMS_ERR_IO);
    assert_int_equal(err.sys_errno, EIO);
    vms_stream_close(s);

    s = fault_reader(wire, sizeof(wire),
                     &(struct fault_cfg){ .max_io = 3, .end_early = true, .end_after = 25 }, NULL);
    assert_non_null(s);
    vms_error_init(&err);
    assert_int_equal(vms_load(s, &nout_desc, &o, 1, &err), VMS_ERR_EOF);
    vms_stream_close(s);
}

/* ------------------------------------------------------------ subsections */

struct fifo_state {
    uint8_t len;
    uint16_t data[4];
};

struct sdev {
    uint32_t ctrl;
    struct fifo_state fifo;
    bool fifo_present;
    int absent_calls;
    int absent_version;
};

static const struct vms_field fifo_fields[] = {
    {
        .name = "len",
        .type = VMS_WT_UINT8,
        .offset = offsetof(struct fifo_state, len),
        .size = sizeof(uint8_t),
    },
    {
        .name = "data",
        .type = VMS_WT_UINT16,
        .flags = VMS_F_VARRAY,
        .offset = offsetof(struct fifo_state, data),
        .size = sizeof(uint16_t),
        .num = 4,
        .count_offset = offsetof(struct fifo_state, len),
        .count_size = 1,
    },
};

static const struct vms_desc fifo_desc = {
    .name = "sdev/fifo",
    .version = 1,
    .min_version = 1,
    .fields = fifo_fields,
    .n_fields = VMS_COUNTOF(fifo_fields),
};

static bool sdev_fifo_needed(const void *opaque, int version)
{
    const struct sdev *s = opaque;

    (void)version;
    return s->fifo.len > 0;
}

static void sdev_fifo_absent(void *opaque, int version)
{
    struct sdev *s = opaque;

    s->absent_calls++;
    s->absent_version = version;
}

static const struct vms_subsection sdev_subs[] = {
    {
        .desc = &fifo_desc,
        .offset = offsetof(struct sdev, fifo),
        .needed = sdev_fifo_needed,
        .flags = VMS_SUB_PRESENT_FLAG,
        .present_offset = offsetof(struct sdev, fifo_present),
        .absent = sdev_fifo_absent,
    },
};

static const struct vms_field sdev_fields[] = {
    {
        .name = "ctrl",
        .type = VMS_WT_UINT32,
        .offset = offsetof(struct sdev, ctrl),
        .size = sizeof(uint32_t),
    },
};

static const struct vms_desc sdev_desc = {
    .name = "sdev",
    .version = 1,
    .min_version = 1,
    .fields = sdev_fields,
    .n_fields = VMS_COUNTOF(sdev_fields),
    .subsections = sdev_subs,
    .n_subsections = VMS_COUNTOF(sdev_subs),
};

static const uint8_t wire_sdev_with_fifo[] = {
    /* ctrl be32               */ 0x00, 0x00, 0x00, 0x81,
    /* subsection marker       */ 0x05,
    /* u8 name length 9        */ 0x09,
    /* "sdev/fifo"             */ 's', 'd', 'e', 'v', '/', 'f', 'i', 'f', 'o',
    /* be32 version 1          */ 0x00, 0x00, 0x00, 0x01,
    /* fifo.len u8 2           */ 0x02,
    /* fifo.data[0..1] be16    */ 0xa1, 0xa1, 0xb2, 0xb2,
};

static const uint8_t wire_sdev_without_fifo[] = {
    /* ctrl be32 */ 0x00, 0x00, 0x00, 0x81,
};

static void test_subsection_member_present_flag(void **state)
{
    struct sdev s = { .ctrl = 0x81, .fifo = { .len = 2, .data = { 0xa1a1, 0xb2b2, 0xcccc } } };
    struct sdev init = { .fifo = { .len = 0, .data = { 9, 9, 9, 9 } }, .fifo_present = false };

    (void)state;
    check_save(&sdev_desc, &s, -1, wire_sdev_with_fifo, sizeof(wire_sdev_with_fifo));
    check_truncations(&sdev_desc, &init, sizeof(init), 1, wire_sdev_with_fifo,
                      sizeof(wire_sdev_with_fifo));
    s = init;
    load_ok(&sdev_desc, &s, 1, wire_sdev_with_fifo, sizeof(wire_sdev_with_fifo));
    assert_int_equal(s.ctrl, 0x81);
    assert_true(s.fifo_present);
    assert_int_equal(s.absent_calls, 0);
    assert_int_equal(s.fifo.len, 2);
    assert_int_equal(s.fifo.data[0], 0xa1a1);
    assert_int_equal(s.fifo.data[1], 0xb2b2);
    assert_int_equal(s.fifo.data[2], 9);
}

static void test_subsection_not_needed_absent(void **state)
{
    struct sdev s = { .ctrl = 0x81, .fifo = { .len = 0, .data = { 1, 2, 3, 4 } } };
    struct sdev init = { .fifo = { .len = 3, .data = { 9, 9, 9, 9 } }, .fifo_present = true };
    int next = -2;
    vms_error_t err;

    (void)state;
    check_save(&sdev_desc, &s, -1, wire_sdev_without_fifo, sizeof(wire_sdev_without_fifo));
    s = init;
    assert_int_equal(load_bytes(&sdev_desc, &s, 1, wire_sdev_without_fifo,
                                sizeof(wire_sdev_without_fifo), &err, &next),
                     0);
    assert_int_equal(next, -1);
    assert_int_equal(s.ctrl, 0x81);
    assert_false(s.fifo_present);
    assert_int_equal(s.absent_calls, 1);
    assert_int_equal(s.absent_version, 1);
    assert_int_equal(s.fifo.len, 3); /* untouched */
    assert_int_equal(s.fifo.data[0], 9);
}

static void test_subsection_version_too_new(void **state)
{
    uint8_t wire[sizeof(wire_sdev_with_fifo)];
    struct sdev s = { 0 };
    vms_error_t err;

    (void)state;
    memcpy(wire, wire_sdev_with_fifo, sizeof(wire));
    wire[4 + 2 + 9 + 3] = 0x02; /* subsection version 2 > 1 */
    assert_int_equal(load_fails(&sdev_desc, &s, 1, wire, sizeof(wire), &err), VMS_ERR_VERSION);
    assert_false(s.fifo_present);
}

/* A subsection whose name is not under ours is the caller's business: left in the stream. */
static void test_subsection_foreign_left_in_stream(void **state)
{
    static const uint8_t wire[] = {
        /* ctrl be32            */ 0x00, 0x00, 0x00, 0x81,
        /* subsection marker    */ 0x05,
        /* u8 name length 4     */ 0x04,
        /* "zz/q"               */ 'z', 'z', '/', 'q',
        /* be32 version 1       */ 0x00, 0x00, 0x00, 0x01,
    };
    struct sdev s = { 0 };
    vms_error_t err;
    int next = -2;

    (void)state;
    assert_int_equal(load_bytes(&sdev_desc, &s, 1, wire, sizeof(wire), &err, &next), 0);
    assert_int_equal(next, 0x05);
    assert_int_equal(s.ctrl, 0x81);
    assert_false(s.fifo_present);
}

/* --------------------------------------------- save_version and version gates */

struct gdev {
    uint32_t a, b;
    uint16_t x;
    int needed_version;
};

static bool gate_extra_needed(const void *opaque, int version)
{
    struct gdev *g = (struct gdev *)(uintptr_t)opaque;

    g->needed_version = version;
    return version >= 3;
}

static const struct vms_field gate_extra_fields[] = {
    {
        .name = "x",
        .type = VMS_WT_UINT16,
        .offset = offsetof(struct gdev, x),
        .size = sizeof(uint16_t),
    },
};

static const struct vms_desc gate_extra_desc = {
    .name = "gate/extra",
    .version = 1,
    .min_version = 1,
    .fields = gate_extra_fields,
    .n_fields = VMS_COUNTOF(gate_extra_fields),
};

static const struct vms_subsection gate_subs[] = {
    {
        .desc = &gate_extra_desc,
        .needed = gate_extra_needed,
    },
};

static const struct vms_field gate_fields[] = {
    {
        .name = "a",
        .type = VMS_WT_UINT32,
        .offset = offsetof(struct gdev, a),
        .size = sizeof(uint32_t),
    },
    {
        .name = "b",
        .type = VMS_WT_UINT32,
        .offset = offsetof(struct gdev, b),
        .size = sizeof(uint32_t),
        .since = 3,
    },
};

static const struct vms_desc gate_desc = {
    .name = "gate",
    .version = 3,
    .min_version = 1,
    .fields = gate_fields,
    .n_fields = VMS_COUNTOF(gate_fields),
    .subsections = gate_subs,
    .n_subsections = VMS_COUNTOF(gate_subs),
};

static void test_save_version_older_target(void **state)
{
    static const uint8_t v3[] = {
        /* a be32 1            */ 0x00, 0x00, 0x00, 0x01,
        /* b be32 2 (since 3)  */ 0x00, 0x00, 0x00, 0x02,
        /* subsection marker   */ 0x05,
        /* u8 name length 10   */ 0x0a,
        /* "gate/extra"        */ 'g', 'a', 't', 'e', '/', 'e', 'x', 't', 'r', 'a',
        /* be32 version 1      */ 0x00, 0x00, 0x00, 0x01,
        /* x be16 3            */ 0x00, 0x03,
    };
    static const uint8_t v1[] = {
        /* a be32 1            */ 0x00, 0x00, 0x00, 0x01,
    };
    struct gdev g = { .a = 1, .b = 2, .x = 3 };
    struct gdev init = { .b = 0xbbbb, .x = 0x7777 };

    (void)state;
    check_save(&gate_desc, &g, -1, v3, sizeof(v3));
    assert_int_equal(g.needed_version, 3);
    check_save(&gate_desc, &g, 1, v1, sizeof(v1));
    assert_int_equal(g.needed_version, 1);
    check_save(&gate_desc, &g, 2, v1, sizeof(v1));

    /* what the old build reads, and what we read back from it */
    g = init;
    load_ok(&gate_desc, &g, 1, v1, sizeof(v1));
    assert_int_equal(g.a, 1);
    assert_int_equal(g.b, 0xbbbb);
    assert_int_equal(g.x, 0x7777);
    g = init;
    check_truncations(&gate_desc, &init, sizeof(init), 3, v3, sizeof(v3));
    load_ok(&gate_desc, &g, 3, v3, sizeof(v3));
    assert_int_equal(g.b, 2);
    assert_int_equal(g.x, 3);
}

static void test_version_out_of_range(void **state)
{
    static const uint8_t v1[] = { 0x00, 0x00, 0x00, 0x01, 0x00 };
    struct gdev g = { .a = 0x5a5a };
    vms_error_t err;

    (void)state;
    assert_int_equal(load_fails(&gate_desc, &g, 4, v1, sizeof(v1), &err), VMS_ERR_VERSION);
    assert_int_equal(g.a, 0x5a5a);
    assert_int_equal(load_fails(&gate_desc, &g, 0, v1, sizeof(v1), &err), VMS_ERR_VERSION);
    assert_int_equal(load_fails(&gate_desc, &g, -1, v1, sizeof(v1), &err), VMS_ERR_VERSION);
    assert_int_equal(g.a, 0x5a5a);
    assert_true(save_fails(&gate_desc, &g, 4, &err) < 0);
    assert_true(save_fails(&gate_desc, &g, 0, &err) < 0);
}

/* ------------------------------------------------------------------ hooks */

static char hook_log[1024];

static void log_event(const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 1, 2)))
#endif
    ;

static void log_event(const char *fmt, ...)
{
    size_t len = strlen(hook_log);
    va_list ap;

    if (len)
        snprintf(hook_log + len, sizeof(hook_log) - len, " ");
    len = strlen(hook_log);
    va_start(ap, fmt);
    vsnprintf(hook_log + len, sizeof(hook_log) - len, fmt, ap);
    va_end(ap);
}

struct hk_sub {
    uint32_t s;
};

struct hkdev {
    uint32_t a;
    struct hk_sub sub;
};

static struct hkdev *hk_expected;

static int hk_pre_save(void *opaque, vms_error_t *err)
{
    struct hkdev *h = opaque;

    (void)err;
    assert_ptr_equal(h, hk_expected);
    h->a = 0x55; /* pre_save may prepare state: the bytes must show it */
    log_event("pre_save:hk");
    return 0;
}

static int hk_post_save(void *opaque)
{
    assert_ptr_equal(opaque, hk_expected);
    log_event("post_save:hk");
    return 0;
}

static int hk_pre_load(void *opaque, vms_error_t *err)
{
    struct hkdev *h = opaque;

    (void)err;
    assert_ptr_equal(h, hk_expected);
    log_event("pre_load:hk:a=%u", (unsigned)h->a);
    return 0;
}

static int hk_post_load(void *opaque, int version, vms_error_t *err)
{
    struct hkdev *h = opaque;

    (void)err;
    log_event("post_load:hk:v%d:a=%u:s=%u", version, (unsigned)h->a, (unsigned)h->sub.s);
    return 0;
}

static int hks_pre_save(void *opaque, vms_error_t *err)
{
    (void)err;
    assert_ptr_equal(opaque, &hk_expected->sub);
    log_event("pre_save:sub");
    return 0;
}

static int hks_post_save(void *opaque)
{
    assert_ptr_equal(opaque, &hk_expected->sub);
    log_event("post_save:sub");
    return 0;
}

static int hks_pre_load(void *opaque, vms_error_t *err)
{
    (void)err;
    assert_ptr_equal(opaque, &hk_expected->sub);
    log_event("pre_load:sub");
    return 0;
}

static int hks_post_load(void *opaque, int version, vms_error_t *err)
{
    struct hk_sub *s = opaque;

    (void)err;
    assert_ptr_equal(opaque, &hk_expected->sub);
    log_event("post_load:sub:v%d:s=%u", version, (unsigned)s->s);
    return 0;
}

static const struct vms_field hk_sub_fields[] = {
    {
        .name = "s",
        .type = VMS_WT_UINT32,
        .offset = offsetof(struct hk_sub, s),
        .size = sizeof(uint32_t),
    },
};

static const struct vms_desc hk_sub_desc = {
    .name = "hk/sub",
    .version = 1,
    .min_version = 1,
    .fields = hk_sub_fields,
    .n_fields = VMS_COUNTOF(hk_sub_fields),
    .pre_save = hks_pre_save,
    .post_save = hks_post_save,
    .pre_load = hks_pre_load,
    .post_load = hks_post_load,
};

static const struct vms_subsection hk_subs[] = {
    {
        .desc = &hk_sub_desc,
        .offset = offsetof(struct hkdev, sub),
    },
};

static const struct vms_field hk_fields[] = {
    {
        .name = "a",
        .type = VMS_WT_UINT32,
        .offset = offsetof(struct hkdev, a),
        .size = sizeof(uint32_t),
    },
};

static const struct vms_desc hk_desc = {
    .name = "hk",
    .version = 2,
    .min_version = 1,
    .fields = hk_fields,
    .n_fields = VMS_COUNTOF(hk_fields),
    .subsections = hk_subs,
    .n_subsections = VMS_COUNTOF(hk_subs),
    .pre_save = hk_pre_save,
    .post_save = hk_post_save,
    .pre_load = hk_pre_load,
    .post_load = hk_post_load,
};

static const uint8_t wire_hk[] = {
    /* a be32 0x55 (set by pre_save) */ 0x00, 0x00, 0x00, 0x55,
    /* subsection marker             */ 0x05,
    /* u8 name length 6              */ 0x06,
    /* "hk/sub"                      */ 'h', 'k', '/', 's', 'u', 'b',
    /* be32 version 1                */ 0x00, 0x00, 0x00, 0x01,
    /* sub.s be32 9                  */ 0x00, 0x00, 0x00, 0x09,
};

static void test_hooks_order(void **state)
{
    struct hkdev h = { .a = 1, .sub = { .s = 9 } };

    (void)state;
    hk_expected = &h;
    hook_log[0] = '\0';
    check_save(&hk_desc, &h, -1, wire_hk, sizeof(wire_hk));
    assert_string_equal(hook_log, "pre_save:hk pre_save:sub post_save:sub post_save:hk");

    h = (struct hkdev){ .a = 3, .sub = { .s = 0 } };
    hook_log[0] = '\0';
    load_ok(&hk_desc, &h, 2, wire_hk, sizeof(wire_hk));
    assert_string_equal(hook_log, "pre_load:hk:a=3 pre_load:sub post_load:sub:v1:s=9 "
                                  "post_load:hk:v2:a=85:s=9");
    hk_expected = NULL;
}

struct hfdev {
    uint32_t a;
    int pre_save_calls, post_save_calls, pre_load_calls, post_load_calls;
    int fail; /* which hook fails */
    bool detail; /* whether it fills err */
};

enum { HF_NONE, HF_PRE_SAVE, HF_PRE_LOAD, HF_POST_LOAD };

static int hf_pre_save(void *opaque, vms_error_t *err)
{
    struct hfdev *h = opaque;

    h->pre_save_calls++;
    if (h->fail != HF_PRE_SAVE)
        return 0;
    if (h->detail)
        return vms_error_set(err, VMS_ERR_HOOK, 0, -1, NULL, "device busy (pre_save)");
    return -1;
}

static int hf_post_save(void *opaque)
{
    struct hfdev *h = opaque;

    h->post_save_calls++;
    return 0;
}

static int hf_pre_load(void *opaque, vms_error_t *err)
{
    struct hfdev *h = opaque;

    h->pre_load_calls++;
    if (h->fail != HF_PRE_LOAD)
        return 0;
    if (h->detail)
        return vms_error_set(err, VMS_ERR_CHECK, 0, -1, NULL, "not ready for load");
    return -1;
}

static int hf_post_load(void *opaque, int version, vms_error_t *err)
{
    struct hfdev *h = opaque;

    (void)version;
    h->post_load_calls++;
    if (h->fail != HF_POST_LOAD)
        return 0;
    if (h->detail)
        return vms_error_set(err, VMS_ERR_RANGE, 0, -1, NULL, "irq %u out of range", 99u);
    return -1;
}

static const struct vms_field hf_fields[] = {
    {
        .name = "a",
        .type = VMS_WT_UINT32,
        .offset = offsetof(struct hfdev, a),
        .size = sizeof(uint32_t),
    },
};

static const struct vms_desc hf_desc = {
    .name = "hookdev",
    .version = 1,
    .min_version = 1,
    .fields = hf_fields,
    .n_fields = VMS_COUNTOF(hf_fields),
    .pre_save = hf_pre_save,
    .post_save = hf_post_save,
    .pre_load = hf_pre_load,
    .post_load = hf_post_load,
};

static const uint8_t wire_hf[] = {
    /* a be32 0x1234 */ 0x00, 0x00, 0x12, 0x34,
};

/* The message or path of a hook failure without detail names the hook or the description. */
static void assert_names_hook(const vms_error_t *err, const char *hook)
{
    if (strstr(err->message, hook) || strstr(err->message, "hookdev") ||
        strstr(err->path, "hookdev"))
        return;
    fail_msg("error \"%s\" at \"%s\" names neither %s nor hookdev", err->message, err->path, hook);
}

static void test_hook_pre_save_failure(void **state)
{
    struct hfdev h = { .a = 1, .fail = HF_PRE_SAVE, .detail = true };
    vms_error_t err;
    uint8_t *got;
    size_t len;
    int rc;

    (void)state;
    rc = save_any(&hf_desc, &h, -1, &got, &len, &err);
    free(got);
    assert_int_equal(rc, VMS_ERR_HOOK);
    assert_contains(err.message, "device busy (pre_save)");
    assert_int_equal(len, 0); /* aborted before any field */
    assert_int_equal(h.pre_save_calls, 1);
    assert_int_equal(h.post_save_calls, 0);

    /* without detail */
    h = (struct hfdev){ .a = 1, .fail = HF_PRE_SAVE };
    rc = save_any(&hf_desc, &h, -1, &got, &len, &err);
    free(got);
    assert_true(rc < 0);
    assert_int_not_equal(err.code, 0);
    assert_names_hook(&err, "pre_save");
    assert_int_equal(len, 0);
    assert_int_equal(h.post_save_calls, 0);
}

/* post_save runs after the fields also when they failed (it undoes what pre_save did). */
struct psdev {
    uint8_t n;
    uint8_t v[2];
    int post_save_calls;
};

static int ps_post_save(void *opaque)
{
    struct psdev *p = opaque;

    p->post_save_calls++;
    return 0;
}

static const struct vms_field ps_fields[] = {
    {
        .name = "n",
        .type = VMS_WT_UINT8,
        .offset = offsetof(struct psdev, n),
        .size = sizeof(uint8_t),
    },
    {
        .name = "v",
        .type = VMS_WT_UINT8,
        .flags = VMS_F_VARRAY,
        .offset = offsetof(struct psdev, v),
        .size = sizeof(uint8_t),
        .num = 2,
        .count_offset = offsetof(struct psdev, n),
        .count_size = 1,
    },
};

static const struct vms_desc ps_desc = {
    .name = "ps",
    .version = 1,
    .min_version = 1,
    .fields = ps_fields,
    .n_fields = VMS_COUNTOF(ps_fields),
    .post_save = ps_post_save,
};

static void test_hook_post_save_after_field_failure(void **state)
{
    struct psdev p = { .n = 2, .v = { 7, 8 } };
    vms_error_t err;

    (void)state;
    check_save(&ps_desc, &p, -1, (const uint8_t[]){ 0x02, 0x07, 0x08 }, 3);
    assert_int_equal(p.post_save_calls, 1);
    p.n = 3;
    assert_int_equal(save_fails(&ps_desc, &p, -1, &err), VMS_ERR_RANGE);
    assert_int_equal(p.post_save_calls, 2);
}

static void test_hook_pre_load_failure(void **state)
{
    struct hfdev h = { .a = 0xdead, .fail = HF_PRE_LOAD, .detail = true };
    vms_error_t err;

    (void)state;
    assert_int_equal(load_fails(&hf_desc, &h, 1, wire_hf, sizeof(wire_hf), &err), VMS_ERR_CHECK);
    assert_contains(err.message, "not ready for load");
    assert_int_equal(h.a, 0xdead); /* aborted before the fields */
    assert_int_equal(h.pre_load_calls, 1);
    assert_int_equal(h.post_load_calls, 0);

    h = (struct hfdev){ .a = 0xdead, .fail = HF_PRE_LOAD };
    assert_true(load_fails(&hf_desc, &h, 1, wire_hf, sizeof(wire_hf), &err) < 0);
    assert_names_hook(&err, "pre_load");
    assert_int_equal(h.a, 0xdead);
    assert_int_equal(h.post_load_calls, 0);
}

static void test_hook_post_load_failure(void **state)
{
    struct hfdev h = { .fail = HF_POST_LOAD, .detail = true };
    vms_error_t err;

    (void)state;
    assert_int_equal(load_fails(&hf_desc, &h, 1, wire_hf, sizeof(wire_hf), &err), VMS_ERR_RANGE);
    assert_contains(err.message, "irq 99 out of range");
    assert_int_equal(h.a, 0x1234); /* the fields loaded first */
    assert_int_equal(h.post_load_calls, 1);

    h = (struct hfdev){ .fail = HF_POST_LOAD };
    assert_true(load_fails(&hf_desc, &h, 1, wire_hf, sizeof(wire_hf), &err) < 0);
    assert_names_hook(&err, "post_load");

    /* all hooks succeed: one call each */
    h = (struct hfdev){ .a = 0x1234 };
    check_save(&hf_desc, &h, -1, wire_hf, sizeof(wire_hf));
    load_ok(&hf_desc, &h, 1, wire_hf, sizeof(wire_hf));
    assert_int_equal(h.pre_save_calls, 1);
    assert_int_equal(h.post_save_calls, 1);
    assert_int_equal(h.pre_load_calls, 1);
    assert_int_equal(h.post_load_calls, 1);
}

/* ------------------------------------------------------------ depth bound */

struct node {
    uint32_t v;
    struct node *next;
};

static const struct vms_desc node_desc;

static const struct vms_field node_fields[] = {
    {
        .name = "v",
        .type = VMS_WT_UINT32,
        .offset = offsetof(struct node, v),
        .size = sizeof(uint32_t),
    },
    {
        .name = "next",
        .type = VMS_WT_STRUCT,
        .flags = VMS_F_ARRAY_OF_POINTER,
        .offset = offsetof(struct node, next),
        .size = sizeof(struct node),
        .num = 1,
        .desc = &node_desc,
    },
};

static const struct vms_desc node_desc = {
    .name = "node",
    .version = 1,
    .min_version = 1,
    .fields = node_fields,
    .n_fields = VMS_COUNTOF(node_fields),
};

#define DEEP (VMS_MAX_DEPTH * 4)

static struct node *make_chain(size_t n)
{
    struct node *nodes = calloc(n, sizeof(*nodes));

    assert_non_null(nodes);
    for (size_t i = 0; i < n; i++) {
        nodes[i].v = (uint32_t)i;
        nodes[i].next = i + 1 < n ? &nodes[i + 1] : NULL;
    }
    return nodes;
}

static void test_deref_chain_short(void **state)
{
    uint8_t want[10 * 4 + 1];
    struct node *chain = make_chain(10);

    (void)state;
    for (size_t i = 0; i < 10; i++)
        put_be(want + 4 * i, 4, i);
    want[40] = VMS_NULLPTR_MARKER; /* node[9].next */
    check_save(&node_desc, chain, -1, want, sizeof(want));
    for (size_t i = 0; i < 10; i++)
        chain[i].v = 0;
    load_ok(&node_desc, chain, 1, want, sizeof(want));
    for (size_t i = 0; i < 10; i++)
        assert_int_equal(chain[i].v, i);
    assert_null(chain[9].next);
    free(chain);
}

static void test_depth_limit(void **state)
{
    struct node *chain = make_chain(DEEP);
    uint8_t *wire = malloc(DEEP * 4 + 1);
    vms_error_t err;
    int rc;

    (void)state;
    assert_non_null(wire);
    rc = save_fails(&node_desc, chain, -1, &err);
    assert_int_equal(err.code, rc);
    assert_true(err.message[0] != '\0');

    /* a well-formed stream for the whole chain, values 1000 + i */
    for (size_t i = 0; i < DEEP; i++)
        put_be(wire + 4 * i, 4, 1000 + i);
    wire[DEEP * 4] = VMS_NULLPTR_MARKER;
    rc = load_fails(&node_desc, chain, 1, wire, DEEP * 4 + 1, &err);
    assert_int_equal(err.code, rc);
    assert_true(err.message[0] != '\0');
    /* node k sits at depth k + 1: the levels past the bound were not written */
    assert_int_equal(chain[VMS_MAX_DEPTH + 2].v, VMS_MAX_DEPTH + 2);
    assert_int_equal(chain[DEEP - 1].v, DEEP - 1);
    free(wire);
    free(chain);
}

/* ------------------------------------------------------------- load flags */

/* A description reachable from itself (a linked list) must not send validation into a loop. */
static void test_validate_self_reference_terminates(void **state)
{
    vms_error_t err;
    int rc;

    (void)state;
    vms_error_init(&err);
    rc = vms_desc_validate(&node_desc, &err);
    assert_true(rc == 0 || rc == VMS_ERR_INVAL);
    assert_int_equal(err.code, rc);
}

static void test_load_flags(void **state)
{
    struct hfdev h = { 0 };
    vms_error_t err;
    vms_stream_t *s;

    (void)state;
    s = vms_stream_mem_reader(wire_hf, sizeof(wire_hf));
    assert_non_null(s);
    vms_error_init(&err);
    assert_int_equal(vms_load_flags(s, &hf_desc, &h, 1, VMS_LOAD_ATOMIC, &err),
                     VMS_ERR_UNSUPPORTED);
    assert_int_equal(err.code, VMS_ERR_UNSUPPORTED);
    assert_int_equal(h.a, 0);
    vms_stream_close(s);

    s = vms_stream_mem_reader(wire_hf, sizeof(wire_hf));
    vms_error_init(&err);
    assert_int_equal(vms_load_flags(s, &hf_desc, &h, 1, 0x80u, &err), VMS_ERR_INVAL);
    assert_int_equal(err.code, VMS_ERR_INVAL);
    assert_int_equal(h.a, 0);
    vms_stream_close(s);

    s = vms_stream_mem_reader(wire_hf, sizeof(wire_hf));
    vms_error_init(&err);
    assert_int_equal(vms_load_flags(s, &hf_desc, &h, 1, 0, &err), 0);
    assert_int_equal(h.a, 0x1234);
    vms_stream_close(s);
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

/* ------------------------------------------------------------ error record */

static void test_first_error_wins(void **state)
{
    struct hfdev h = { .a = 5 };
    vms_error_t err;
    vms_stream_t *s;
    int rc;

    (void)state;
    /* the record API */
    vms_error_init(&err);
    assert_int_equal(err.code, 0);
    assert_true(err.offset == -1);
    assert_int_equal(vms_error_set(&err, VMS_ERR_IO, 5, 12, "a/b", "first %d", 1), VMS_ERR_IO);
    assert_int_equal(vms_error_set(&err, VMS_ERR_RANGE, 0, 40, "c/d", "second"), VMS_ERR_RANGE);
    assert_int_equal(err.code, VMS_ERR_IO);
    assert_int_equal(err.sys_errno, 5);
    assert_true(err.offset == 12);
    assert_string_equal(err.path, "a/b");
    assert_string_equal(err.message, "first 1");

    /* the engine: a failed load does not overwrite an earlier error */
    s = vms_stream_mem_reader(wire_hf, 2);
    assert_non_null(s);
    rc = vms_load(s, &hf_desc, &h, 1, &err);
    assert_true(rc < 0);
    assert_int_equal(err.code, VMS_ERR_IO);
    assert_string_equal(err.message, "first 1");
    assert_string_equal(err.path, "a/b");
    vms_stream_close(s);

    /* and no record at all is fine */
    s = vms_stream_mem_reader(wire_hf, 2);
    assert_non_null(s);
    assert_int_equal(vms_load(s, &hf_desc, &h, 1, NULL), VMS_ERR_EOF);
    vms_stream_close(s);
    h.fail = HF_PRE_SAVE;
    s = vms_stream_mem_writer();
    assert_true(vms_save(s, &hf_desc, &h, NULL) < 0);
    vms_stream_close(s);
}

/* A truncated load reports end of stream, where (offset) and at which field (path). */
static void test_truncated_error_detail(void **state)
{
    static const uint8_t wire[] = {
        /* a be32                  */ 0x00, 0x00, 0x00, 0x01,
        /* c be32: 2 of 4 bytes    */ 0x00, 0x00,
    };
    struct test_two {
        uint32_t a, c;
    } t = { 0, 0x77 };
    static const struct vms_field fields[] = {
        {
            .name = "a",
            .type = VMS_WT_UINT32,
            .offset = offsetof(struct test_two, a),
            .size = sizeof(uint32_t),
        },
        {
            .name = "c",
            .type = VMS_WT_UINT32,
            .offset = offsetof(struct test_two, c),
            .size = sizeof(uint32_t),
        },
    };
    const struct vms_desc d = {
        .name = "tr",
        .version = 1,
        .min_version = 1,
        .fields = fields,
        .n_fields = VMS_COUNTOF(fields),
    };
    vms_error_t err;

    (void)state;
    assert_int_equal(load_fails(&d, &t, 1, wire, sizeof(wire), &err), VMS_ERR_EOF);
    assert_contains(err.path, "tr/c");
    assert_true(err.offset >= 4 && err.offset <= 6);
    assert_int_equal(t.a, 1);
    assert_int_equal(t.c, 0x77); /* half a field is not a value: nothing stored */
}

/* ------------------------------------------------------------- validation */

static void test_validate_accepts_good_tables(void **state)
{
    vms_error_t err;

    (void)state;
    vms_error_init(&err);
    assert_int_equal(vms_desc_validate(&outer_desc, &err), 0);
    assert_int_equal(vms_desc_validate(&sdev_desc, &err), 0);
    assert_int_equal(vms_desc_validate(&gate_desc, &err), 0);
    assert_int_equal(vms_desc_validate(&pvdev_desc, &err), 0);
    assert_int_equal(vms_desc_validate(&aldev_desc, &err), 0);
    assert_int_equal(vms_desc_validate(&wt_desc, &err), 0);
    assert_int_equal(vms_desc_validate(&cd_desc, &err), 0);
    assert_int_equal(vms_desc_validate(&un_desc, &err), 0);
    assert_int_equal(vms_desc_validate(&bu_buffer_desc, &err), 0);
    assert_int_equal(err.code, 0);
}

/* Runs vms_desc_validate on @d expecting VMS_ERR_INVAL that names @what. */
static void check_invalid(const struct vms_desc *d, const char *what)
{
    vms_error_t err;
    char both[VMS_ERROR_PATH_MAX + VMS_ERROR_MESSAGE_MAX + 2];

    vms_error_init(&err);
    assert_int_equal(vms_desc_validate(d, &err), VMS_ERR_INVAL);
    assert_int_equal(err.code, VMS_ERR_INVAL);
    assert_true(err.message[0] != '\0');
    snprintf(both, sizeof(both), "%s %s", err.path, err.message);
    assert_contains(both, what);
}

static void test_validate_count_size_3(void **state)
{
    const struct vms_field fields[] = {
        {
            .name = "n",
            .type = VMS_WT_UINT32,
            .offset = offsetof(struct vdev, u32),
            .size = sizeof(uint32_t),
        },
        {
            .name = "fifo",
            .type = VMS_WT_UINT16,
            .flags = VMS_F_VARRAY,
            .offset = offsetof(struct vdev, fifo),
            .size = sizeof(uint16_t),
            .num = FIFO_CAP,
            .count_offset = offsetof(struct vdev, u32),
            .count_size = 3,
        },
    };
    const struct vms_desc d = {
        .name = "dev",
        .version = 1,
        .min_version = 1,
        .fields = fields,
        .n_fields = VMS_COUNTOF(fields),
    };

    (void)state;
    check_invalid(&d, "fifo");
}

static void test_validate_subsection_prefix(void **state)
{
    const struct vms_desc sub_other = {
        .name = "other/fifo",
        .version = 1,
        .min_version = 1,
        .fields = fifo_fields,
        .n_fields = VMS_COUNTOF(fifo_fields),
    };
    const struct vms_desc sub_noslash = {
        .name = "sdevfifo",
        .version = 1,
        .min_version = 1,
        .fields = fifo_fields,
        .n_fields = VMS_COUNTOF(fifo_fields),
    };
    const struct vms_subsection subs_other[] = {
        {
            .desc = &sub_other,
            .offset = offsetof(struct sdev, fifo),
        },
    };
    const struct vms_subsection subs_noslash[] = {
        {
            .desc = &sub_noslash,
            .offset = offsetof(struct sdev, fifo),
        },
    };
    struct vms_desc d = {
        .name = "sdev",
        .version = 1,
        .min_version = 1,
        .fields = sdev_fields,
        .n_fields = VMS_COUNTOF(sdev_fields),
        .subsections = subs_other,
        .n_subsections = 1,
    };

    (void)state;
    check_invalid(&d, "other/fifo");
    d.subsections = subs_noslash;
    check_invalid(&d, "sdevfifo");
}

static void test_validate_struct_without_desc(void **state)
{
    const struct vms_field fields[] = {
        {
            .name = "one",
            .type = VMS_WT_STRUCT,
            .offset = offsetof(struct outer, one),
            .size = sizeof(struct inner),
        },
    };
    const struct vms_desc d = {
        .name = "outer",
        .version = 1,
        .min_version = 1,
        .fields = fields,
        .n_fields = VMS_COUNTOF(fields),
    };

    (void)state;
    check_invalid(&d, "one");
}

static void test_validate_scalar_size_mismatch(void **state)
{
    const struct vms_field fields[] = {
        {
            .name = "reload",
            .type = VMS_WT_UINT32,
            .offset = offsetof(struct wtdev, reload),
            .size = sizeof(uint16_t),
        },
    };
    const struct vms_desc d = {
        .name = "wdt",
        .version = 1,
        .min_version = 1,
        .fields = fields,
        .n_fields = VMS_COUNTOF(fields),
    };
    const struct vms_field nested_fields[] = {
        {
            .name = "w",
            .type = VMS_WT_STRUCT,
            .offset = 0,
            .size = sizeof(struct wtdev),
            .desc = &d,
        },
    };
    const struct vms_desc outer = {
        .name = "host",
        .version = 1,
        .min_version = 1,
        .fields = nested_fields,
        .n_fields = VMS_COUNTOF(nested_fields),
    };

    (void)state;
    check_invalid(&d, "reload");
    check_invalid(&outer, "reload"); /* recursively */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
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
        cmocka_unit_test(test_buffer_equals_uint8_array),
        cmocka_unit_test(test_multidim_array_flattened),
        cmocka_unit_test(test_bool_encoding),
        cmocka_unit_test(test_float_bits_big_endian),
        cmocka_unit_test(test_timer_encoding),
        cmocka_unit_test(test_unused_zeros_and_skip),
        cmocka_unit_test(test_equal_field),
        cmocka_unit_test(test_field_check),
        cmocka_unit_test(test_desc_check),
        cmocka_unit_test(test_set_default_for_absent_fields),
        cmocka_unit_test(test_until_field),
        cmocka_unit_test(test_was_type_widening),
        cmocka_unit_test(test_was_type_narrowing_range),
        cmocka_unit_test(test_codec_called_with_size),
        cmocka_unit_test(test_codec_error_propagates),
        cmocka_unit_test(test_nested_struct_bytes),
        cmocka_unit_test(test_nested_error_path),
        cmocka_unit_test(test_nested_subsections),
        cmocka_unit_test(test_short_io_transport),
        cmocka_unit_test(test_subsection_member_present_flag),
        cmocka_unit_test(test_subsection_not_needed_absent),
        cmocka_unit_test(test_subsection_version_too_new),
        cmocka_unit_test(test_subsection_foreign_left_in_stream),
        cmocka_unit_test(test_save_version_older_target),
        cmocka_unit_test(test_version_out_of_range),
        cmocka_unit_test(test_hooks_order),
        cmocka_unit_test(test_hook_pre_save_failure),
        cmocka_unit_test(test_hook_post_save_after_field_failure),
        cmocka_unit_test(test_hook_pre_load_failure),
        cmocka_unit_test(test_hook_post_load_failure),
        cmocka_unit_test(test_deref_chain_short),
        cmocka_unit_test(test_depth_limit),
        cmocka_unit_test(test_validate_self_reference_terminates),
        cmocka_unit_test(test_load_flags),
        cmocka_unit_test(test_bulk_u8),
        cmocka_unit_test(test_bulk_i16),
        cmocka_unit_test(test_bulk_u32),
        cmocka_unit_test(test_bulk_u64),
        cmocka_unit_test(test_bulk_alloc_pointer),
        cmocka_unit_test(test_first_error_wins),
        cmocka_unit_test(test_truncated_error_detail),
        cmocka_unit_test(test_validate_accepts_good_tables),
        cmocka_unit_test(test_validate_count_size_3),
        cmocka_unit_test(test_validate_subsection_prefix),
        cmocka_unit_test(test_validate_struct_without_desc),
        cmocka_unit_test(test_validate_scalar_size_mismatch),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
