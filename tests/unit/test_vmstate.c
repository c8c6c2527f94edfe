/* test_vmstate.c: QEMU's conformance vectors (tests/unit/test-vmstate.c) against our engine. */
#include <stdbool.h>
#include <string.h>

#include "vector_helpers.h"

/* Helpers (vec_*) and PAYLOAD_LEN: vector_helpers.h. */

/* ------------------------------------------------------- simple/primitive */

struct test_simple {
    bool b_1, b_2;
    uint8_t u8_1;
    uint16_t u16_1;
    uint32_t u32_1;
    uint64_t u64_1;
    int8_t i8_1, i8_2;
    int16_t i16_1, i16_2;
    int32_t i32_1, i32_2;
    int64_t i64_1, i64_2;
};

static const struct test_simple obj_simple = {
    .b_1 = true,
    .b_2 = false,
    .u8_1 = 130,
    .u16_1 = 512,
    .u32_1 = 70000,
    .u64_1 = 12121212,
    .i8_1 = 65,
    .i8_2 = -65,
    .i16_1 = 512,
    .i16_2 = -512,
    .i32_1 = 70000,
    .i32_2 = -70000,
    .i64_1 = 12121212,
    .i64_2 = -12121212,
};

static const struct vms_field simple_primitive_fields[] = {
    {
        .name = "b_1",
        .type = VMS_WT_BOOL,
        .offset = offsetof(struct test_simple, b_1),
        .size = sizeof(bool),
    },
    {
        .name = "b_2",
        .type = VMS_WT_BOOL,
        .offset = offsetof(struct test_simple, b_2),
        .size = sizeof(bool),
    },
    {
        .name = "u8_1",
        .type = VMS_WT_UINT8,
        .offset = offsetof(struct test_simple, u8_1),
        .size = sizeof(uint8_t),
    },
    {
        .name = "u16_1",
        .type = VMS_WT_UINT16,
        .offset = offsetof(struct test_simple, u16_1),
        .size = sizeof(uint16_t),
    },
    {
        .name = "u32_1",
        .type = VMS_WT_UINT32,
        .offset = offsetof(struct test_simple, u32_1),
        .size = sizeof(uint32_t),
    },
    {
        .name = "u64_1",
        .type = VMS_WT_UINT64,
        .offset = offsetof(struct test_simple, u64_1),
        .size = sizeof(uint64_t),
    },
    {
        .name = "i8_1",
        .type = VMS_WT_INT8,
        .offset = offsetof(struct test_simple, i8_1),
        .size = sizeof(int8_t),
    },
    {
        .name = "i8_2",
        .type = VMS_WT_INT8,
        .offset = offsetof(struct test_simple, i8_2),
        .size = sizeof(int8_t),
    },
    {
        .name = "i16_1",
        .type = VMS_WT_INT16,
        .offset = offsetof(struct test_simple, i16_1),
        .size = sizeof(int16_t),
    },
    {
        .name = "i16_2",
        .type = VMS_WT_INT16,
        .offset = offsetof(struct test_simple, i16_2),
        .size = sizeof(int16_t),
    },
    {
        .name = "i32_1",
        .type = VMS_WT_INT32,
        .offset = offsetof(struct test_simple, i32_1),
        .size = sizeof(int32_t),
    },
    {
        .name = "i32_2",
        .type = VMS_WT_INT32,
        .offset = offsetof(struct test_simple, i32_2),
        .size = sizeof(int32_t),
    },
    {
        .name = "i64_1",
        .type = VMS_WT_INT64,
        .offset = offsetof(struct test_simple, i64_1),
        .size = sizeof(int64_t),
    },
    {
        .name = "i64_2",
        .type = VMS_WT_INT64,
        .offset = offsetof(struct test_simple, i64_2),
        .size = sizeof(int64_t),
    },
};

static const struct vms_desc simple_primitive_desc = {
    .name = "simple/primitive",
    .version = 1,
    .min_version = 1,
    .size = sizeof(struct test_simple),
    .fields = simple_primitive_fields,
    .n_fields = VMS_COUNTOF(simple_primitive_fields),
};

static const uint8_t wire_simple_primitive[] = {
    /* b_1   bool  true      */ 0x01,
    /* b_2   bool  false     */ 0x00,
    /* u8_1  u8    130       */ 0x82,
    /* u16_1 be16  512       */ 0x02, 0x00,
    /* u32_1 be32  70000     */ 0x00, 0x01, 0x11, 0x70,
    /* u64_1 be64  12121212  */ 0x00, 0x00, 0x00, 0x00, 0x00, 0xb8, 0xf4, 0x7c,
    /* i8_1  i8    65        */ 0x41,
    /* i8_2  i8    -65       */ 0xbf,
    /* i16_1 be16  512       */ 0x02, 0x00,
    /* i16_2 be16  -512      */ 0xfe, 0x00,
    /* i32_1 be32  70000     */ 0x00, 0x01, 0x11, 0x70,
    /* i32_2 be32  -70000    */ 0xff, 0xfe, 0xee, 0x90,
    /* i64_1 be64  12121212  */ 0x00, 0x00, 0x00, 0x00, 0x00, 0xb8, 0xf4, 0x7c,
    /* i64_2 be64  -12121212 */ 0xff, 0xff, 0xff, 0xff, 0xff, 0x47, 0x0b, 0x84,
    /* harness: QEMU_VM_EOF  */ 0x00,
};

static void assert_simple_equal(const struct test_simple *a, const struct test_simple *b)
{
    assert_int_equal(a->b_1, b->b_1);
    assert_int_equal(a->b_2, b->b_2);
    assert_int_equal(a->u8_1, b->u8_1);
    assert_int_equal(a->u16_1, b->u16_1);
    assert_int_equal(a->u32_1, b->u32_1);
    assert_int_equal(a->u64_1, b->u64_1);
    assert_int_equal(a->i8_1, b->i8_1);
    assert_int_equal(a->i8_2, b->i8_2);
    assert_int_equal(a->i16_1, b->i16_1);
    assert_int_equal(a->i16_2, b->i16_2);
    assert_int_equal(a->i32_1, b->i32_1);
    assert_int_equal(a->i32_2, b->i32_2);
    assert_true(a->i64_1 == b->i64_1);
    assert_true(a->i64_2 == b->i64_2);
}

static void test_simple_primitive_save(void **state)
{
    struct test_simple obj = obj_simple;

    (void)state;
    assert_int_equal(sizeof(wire_simple_primitive), 48);
    vec_check_save(&simple_primitive_desc, &obj, true, wire_simple_primitive,
                   sizeof(wire_simple_primitive));
}

static void test_simple_primitive_load(void **state)
{
    struct test_simple obj;
    vms_error_t err;
    int next = -2;

    (void)state;
    memset(&obj, 0, sizeof(obj));
    assert_int_equal(vec_load_bytes(&simple_primitive_desc, &obj, 1, wire_simple_primitive,
                                    sizeof(wire_simple_primitive), &err, &next),
                     0);
    assert_simple_equal(&obj, &obj_simple);
    /* the trailing 00 belongs to the caller: peeked, never consumed */
    assert_int_equal(next, 0x00);
}

static void test_simple_primitive_truncated(void **state)
{
    struct test_simple obj;

    (void)state;
    memset(&obj, 0, sizeof(obj));
    vec_check_truncations(&simple_primitive_desc, &obj, sizeof(obj), 1, wire_simple_primitive,
                          PAYLOAD_LEN(wire_simple_primitive));
}

/* DESIGN §6: end of stream where a subsection marker could start = no subsections. */
static void test_simple_primitive_load_without_eof(void **state)
{
    struct test_simple obj;
    int rc;

    (void)state;
    memset(&obj, 0, sizeof(obj));
    rc = vec_load_guarded(&simple_primitive_desc, &obj, sizeof(obj), 1, wire_simple_primitive, 0,
                          PAYLOAD_LEN(wire_simple_primitive), &obj);
    assert_int_equal(rc, 0);
    assert_simple_equal(&obj, &obj_simple);
}

/* ----------------------------------------------------------- simple/array */

struct test_simple_array {
    uint16_t u16_1[3];
    uint32_t after; /* not described: must stay untouched */
};

static const struct vms_field simple_array_fields[] = {
    {
        .name = "u16_1",
        .type = VMS_WT_UINT16,
        .offset = offsetof(struct test_simple_array, u16_1),
        .size = sizeof(uint16_t),
        .num = 3,
    },
};

static const struct vms_desc simple_array_desc = {
    .name = "simple/array",
    .version = 1,
    .min_version = 1,
    .size = sizeof(struct test_simple_array),
    .fields = simple_array_fields,
    .n_fields = VMS_COUNTOF(simple_array_fields),
};

static const uint8_t wire_simple_array[] = {
    /* u16_1[0] be16 0x42   */ 0x00, 0x42,
    /* u16_1[1] be16 0x43   */ 0x00, 0x43,
    /* u16_1[2] be16 0x44   */ 0x00, 0x44,
    /* harness: QEMU_VM_EOF */ 0x00,
};

static void test_simple_array_save(void **state)
{
    struct test_simple_array obj = { .u16_1 = { 0x42, 0x43, 0x44 }, .after = 7 };

    (void)state;
    vec_check_save(&simple_array_desc, &obj, true, wire_simple_array, sizeof(wire_simple_array));
}

static void test_simple_array_load(void **state)
{
    struct test_simple_array obj = { .u16_1 = { 1, 2, 3 }, .after = 0xdeadbeef };
    vms_error_t err;
    int next = -2;

    (void)state;
    vec_check_truncations(&simple_array_desc, &obj, sizeof(obj), 1, wire_simple_array,
                          PAYLOAD_LEN(wire_simple_array));
    assert_int_equal(vec_load_bytes(&simple_array_desc, &obj, 1, wire_simple_array,
                                    sizeof(wire_simple_array), &err, &next),
                     0);
    assert_int_equal(obj.u16_1[0], 0x42);
    assert_int_equal(obj.u16_1[1], 0x43);
    assert_int_equal(obj.u16_1[2], 0x44);
    assert_int_equal(obj.after, 0xdeadbeef);
    assert_int_equal(next, 0x00);
}

/* --------------------------------------------------------- test/versioned */

struct test_struct {
    uint32_t a, b, c, e;
    uint64_t d, f;
    bool skip_c_e;
};

static const struct vms_field versioned_fields[] = {
    {
        .name = "a",
        .type = VMS_WT_UINT32,
        .offset = offsetof(struct test_struct, a),
        .size = sizeof(uint32_t),
    },
    {
        .name = "b",
        .type = VMS_WT_UINT32,
        .offset = offsetof(struct test_struct, b),
        .size = sizeof(uint32_t),
        .since = 2, /* in the middle, so an off-by-one shows */
    },
    {
        .name = "c",
        .type = VMS_WT_UINT32,
        .offset = offsetof(struct test_struct, c),
        .size = sizeof(uint32_t),
    },
    {
        .name = "d",
        .type = VMS_WT_UINT64,
        .offset = offsetof(struct test_struct, d),
        .size = sizeof(uint64_t),
    },
    {
        .name = "e",
        .type = VMS_WT_UINT32,
        .offset = offsetof(struct test_struct, e),
        .size = sizeof(uint32_t),
        .since = 2,
    },
    {
        .name = "f",
        .type = VMS_WT_UINT64,
        .offset = offsetof(struct test_struct, f),
        .size = sizeof(uint64_t),
        .since = 2,
    },
};

static const struct vms_desc versioned_desc = {
    .name = "test/versioned",
    .version = 2,
    .min_version = 1,
    .size = sizeof(struct test_struct),
    .fields = versioned_fields,
    .n_fields = VMS_COUNTOF(versioned_fields),
};

static const uint8_t wire_versioned_v1[] = {
    /* a be32 10            */ 0x00, 0x00, 0x00, 0x0a,
    /* c be32 30            */ 0x00, 0x00, 0x00, 0x1e,
    /* d be64 40            */ 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x28,
    /* harness: QEMU_VM_EOF */ 0x00,
};

static const uint8_t wire_versioned_v2[] = {
    /* a be32 10            */ 0x00, 0x00, 0x00, 0x0a,
    /* b be32 20            */ 0x00, 0x00, 0x00, 0x14,
    /* c be32 30            */ 0x00, 0x00, 0x00, 0x1e,
    /* d be64 40            */ 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x28,
    /* e be32 50            */ 0x00, 0x00, 0x00, 0x32,
    /* f be64 60            */ 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x3c,
    /* harness: QEMU_VM_EOF */ 0x00,
};

static void test_versioned_load_v1(void **state)
{
    struct test_struct obj = { .b = 200, .e = 500, .f = 600, .skip_c_e = true };
    vms_error_t err;
    int next = -2;

    (void)state;
    vec_check_truncations(&versioned_desc, &obj, sizeof(obj), 1, wire_versioned_v1,
                          PAYLOAD_LEN(wire_versioned_v1));
    assert_int_equal(vec_load_bytes(&versioned_desc, &obj, 1, wire_versioned_v1,
                                    sizeof(wire_versioned_v1), &err, &next),
                     0);
    assert_int_equal(obj.a, 10);
    assert_int_equal(obj.b, 200);
    assert_int_equal(obj.c, 30);
    assert_int_equal(obj.d, 40);
    assert_int_equal(obj.e, 500);
    assert_int_equal(obj.f, 600);
    assert_true(obj.skip_c_e);
    assert_int_equal(next, 0x00);
}

static void test_versioned_load_v2(void **state)
{
    struct test_struct obj = { .skip_c_e = true };
    vms_error_t err;
    int next = -2;

    (void)state;
    vec_check_truncations(&versioned_desc, &obj, sizeof(obj), 2, wire_versioned_v2,
                          PAYLOAD_LEN(wire_versioned_v2));
    assert_int_equal(vec_load_bytes(&versioned_desc, &obj, 2, wire_versioned_v2,
                                    sizeof(wire_versioned_v2), &err, &next),
                     0);
    assert_int_equal(obj.a, 10);
    assert_int_equal(obj.b, 20);
    assert_int_equal(obj.c, 30);
    assert_int_equal(obj.d, 40);
    assert_int_equal(obj.e, 50);
    assert_int_equal(obj.f, 60);
    assert_true(obj.skip_c_e);
    assert_int_equal(next, 0x00);
}

/* The v1 bytes read as v2 run out of data: a version mix-up cannot pass. */
static void test_versioned_v1_bytes_as_v2_fail(void **state)
{
    struct test_struct obj = { 0 };
    int rc;

    (void)state;
    rc = vec_load_guarded(&versioned_desc, &obj, sizeof(obj), 2, wire_versioned_v1, 0,
                          sizeof(wire_versioned_v1), NULL);
    assert_true(rc < 0);
}

/* ------------------------------------------------------------- test/skip */

static bool test_skip_exists(const void *opaque, int version)
{
    const struct test_struct *t = opaque;

    (void)version;
    return !t->skip_c_e;
}

static const struct vms_field skipping_fields[] = {
    {
        .name = "a",
        .type = VMS_WT_UINT32,
        .offset = offsetof(struct test_struct, a),
        .size = sizeof(uint32_t),
    },
    {
        .name = "b",
        .type = VMS_WT_UINT32,
        .offset = offsetof(struct test_struct, b),
        .size = sizeof(uint32_t),
    },
    {
        .name = "c",
        .type = VMS_WT_UINT32,
        .offset = offsetof(struct test_struct, c),
        .size = sizeof(uint32_t),
        .exists = test_skip_exists,
    },
    {
        .name = "d",
        .type = VMS_WT_UINT64,
        .offset = offsetof(struct test_struct, d),
        .size = sizeof(uint64_t),
    },
    {
        .name = "e",
        .type = VMS_WT_UINT32,
        .offset = offsetof(struct test_struct, e),
        .size = sizeof(uint32_t),
        .exists = test_skip_exists,
    },
    {
        .name = "f",
        .type = VMS_WT_UINT64,
        .offset = offsetof(struct test_struct, f),
        .size = sizeof(uint64_t),
        .since = 2,
    },
};

static const struct vms_desc skipping_desc = {
    .name = "test/skip",
    .version = 2,
    .min_version = 1,
    .size = sizeof(struct test_struct),
    .fields = skipping_fields,
    .n_fields = VMS_COUNTOF(skipping_fields),
};

/* Saved without the harness's 00, as QEMU's field_exists tests do. */
static const uint8_t wire_skip_save_noskip[] = {
    /* a be32 1 */ 0x00, 0x00, 0x00, 0x01,
    /* b be32 2 */ 0x00, 0x00, 0x00, 0x02,
    /* c be32 3 */ 0x00, 0x00, 0x00, 0x03,
    /* d be64 4 */ 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x04,
    /* e be32 5 */ 0x00, 0x00, 0x00, 0x05,
    /* f be64 6 */ 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x06,
};

static const uint8_t wire_skip_save_skip[] = {
    /* a be32 1 */ 0x00, 0x00, 0x00, 0x01,
    /* b be32 2 */ 0x00, 0x00, 0x00, 0x02,
    /* d be64 4 */ 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x04,
    /* f be64 6 */ 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x06,
};

static const uint8_t wire_skip_load_noskip[] = {
    /* a be32 10            */ 0x00, 0x00, 0x00, 0x0a,
    /* b be32 20            */ 0x00, 0x00, 0x00, 0x14,
    /* c be32 30            */ 0x00, 0x00, 0x00, 0x1e,
    /* d be64 40            */ 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x28,
    /* e be32 50            */ 0x00, 0x00, 0x00, 0x32,
    /* f be64 60            */ 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x3c,
    /* harness: QEMU_VM_EOF */ 0x00,
};

static const uint8_t wire_skip_load_skip[] = {
    /* a be32 10            */ 0x00, 0x00, 0x00, 0x0a,
    /* b be32 20            */ 0x00, 0x00, 0x00, 0x14,
    /* d be64 40            */ 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x28,
    /* f be64 60            */ 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x3c,
    /* harness: QEMU_VM_EOF */ 0x00,
};

static void test_field_exists_save_noskip(void **state)
{
    struct test_struct obj = { .a = 1, .b = 2, .c = 3, .d = 4, .e = 5, .f = 6, .skip_c_e = false };

    (void)state;
    vec_check_save(&skipping_desc, &obj, false, wire_skip_save_noskip,
                   sizeof(wire_skip_save_noskip));
}

static void test_field_exists_save_skip(void **state)
{
    struct test_struct obj = { .a = 1, .b = 2, .c = 3, .d = 4, .e = 5, .f = 6, .skip_c_e = true };

    (void)state;
    vec_check_save(&skipping_desc, &obj, false, wire_skip_save_skip, sizeof(wire_skip_save_skip));
}

static void test_field_exists_load_noskip(void **state)
{
    struct test_struct obj = { .skip_c_e = false };
    vms_error_t err;
    int next = -2;

    (void)state;
    vec_check_truncations(&skipping_desc, &obj, sizeof(obj), 2, wire_skip_load_noskip,
                          PAYLOAD_LEN(wire_skip_load_noskip));
    assert_int_equal(vec_load_bytes(&skipping_desc, &obj, 2, wire_skip_load_noskip,
                                    sizeof(wire_skip_load_noskip), &err, &next),
                     0);
    assert_int_equal(obj.a, 10);
    assert_int_equal(obj.b, 20);
    assert_int_equal(obj.c, 30);
    assert_int_equal(obj.d, 40);
    assert_int_equal(obj.e, 50);
    assert_int_equal(obj.f, 60);
    assert_false(obj.skip_c_e);
    assert_int_equal(next, 0x00);
}

static void test_field_exists_load_skip(void **state)
{
    struct test_struct obj = { .skip_c_e = true, .c = 300, .e = 500 };
    vms_error_t err;
    int next = -2;

    (void)state;
    vec_check_truncations(&skipping_desc, &obj, sizeof(obj), 2, wire_skip_load_skip,
                          PAYLOAD_LEN(wire_skip_load_skip));
    assert_int_equal(vec_load_bytes(&skipping_desc, &obj, 2, wire_skip_load_skip,
                                    sizeof(wire_skip_load_skip), &err, &next),
                     0);
    assert_int_equal(obj.a, 10);
    assert_int_equal(obj.b, 20);
    assert_int_equal(obj.c, 300);
    assert_int_equal(obj.d, 40);
    assert_int_equal(obj.e, 500);
    assert_int_equal(obj.f, 60);
    assert_true(obj.skip_c_e);
    assert_int_equal(next, 0x00);
}

/* ------------------------------------------------- arrays of pointers */

#define AR_SIZE 4

struct test_triv {
    int32_t i;
};

static const struct vms_field triv_fields[] = {
    {
        .name = "i",
        .type = VMS_WT_INT32,
        .offset = offsetof(struct test_triv, i),
        .size = sizeof(int32_t),
    },
};

static const struct vms_desc triv_desc = {
    .name = "test/tst",
    .version = 1,
    .min_version = 1,
    .size = sizeof(struct test_triv),
    .fields = triv_fields,
    .n_fields = VMS_COUNTOF(triv_fields),
};

struct test_arps {
    struct test_triv *ar[AR_SIZE];
};

static const struct vms_field arps_fields[] = {
    {
        .name = "ar",
        .type = VMS_WT_STRUCT,
        .flags = VMS_F_ARRAY_OF_POINTER,
        .offset = offsetof(struct test_arps, ar),
        .size = sizeof(struct test_triv),
        .num = AR_SIZE,
        .desc = &triv_desc,
    },
};

static const struct vms_desc arps_desc = {
    .name = "test/arps",
    .version = 1,
    .min_version = 1,
    .size = sizeof(struct test_arps),
    .fields = arps_fields,
    .n_fields = VMS_COUNTOF(arps_fields),
};

struct test_arpp {
    int32_t *ar[AR_SIZE];
};

static const struct vms_field arpp_fields[] = {
    {
        .name = "ar",
        .type = VMS_WT_INT32,
        .flags = VMS_F_ARRAY_OF_POINTER,
        .offset = offsetof(struct test_arpp, ar),
        .size = sizeof(int32_t),
        .num = AR_SIZE,
    },
};

static const struct vms_desc arpp_desc = {
    .name = "test/arps",
    .version = 1,
    .min_version = 1,
    .size = sizeof(struct test_arpp),
    .fields = arpp_fields,
    .n_fields = VMS_COUNTOF(arpp_fields),
};

static const uint8_t wire_arr_ptr_no0[] = {
    /* ar[0]->i be32 0      */ 0x00, 0x00, 0x00, 0x00,
    /* ar[1]->i be32 1      */ 0x00, 0x00, 0x00, 0x01,
    /* ar[2]->i be32 2      */ 0x00, 0x00, 0x00, 0x02,
    /* ar[3]->i be32 3      */ 0x00, 0x00, 0x00, 0x03,
    /* harness: QEMU_VM_EOF */ 0x00,
};

static const uint8_t wire_arr_ptr_0[] = {
    /* ar[0]->i be32 0      */ 0x00, 0x00, 0x00, 0x00,
    /* ar[1] NULL marker    */ VMS_NULLPTR_MARKER,
    /* ar[2]->i be32 2      */ 0x00, 0x00, 0x00, 0x02,
    /* ar[3]->i be32 3      */ 0x00, 0x00, 0x00, 0x03,
    /* harness: QEMU_VM_EOF */ 0x00,
};

static void test_arr_ptr_str_no0_save(void **state)
{
    struct test_triv ar[AR_SIZE] = { { .i = 0 }, { .i = 1 }, { .i = 2 }, { .i = 3 } };
    struct test_arps obj = { .ar = { &ar[0], &ar[1], &ar[2], &ar[3] } };

    (void)state;
    vec_check_save(&arps_desc, &obj, true, wire_arr_ptr_no0, sizeof(wire_arr_ptr_no0));
}

static void test_arr_ptr_str_no0_load(void **state)
{
    struct test_triv ar[AR_SIZE] = { { .i = 9 }, { .i = 9 }, { .i = 9 }, { .i = 9 } };
    struct test_arps obj = { .ar = { &ar[0], &ar[1], &ar[2], &ar[3] } };
    vms_error_t err;
    int next = -2;

    (void)state;
    vec_check_truncations(&arps_desc, &obj, sizeof(obj), 1, wire_arr_ptr_no0,
                          PAYLOAD_LEN(wire_arr_ptr_no0));
    memset(ar, 0, sizeof(ar));
    assert_int_equal(vec_load_bytes(&arps_desc, &obj, 1, wire_arr_ptr_no0, sizeof(wire_arr_ptr_no0),
                                    &err, &next),
                     0);
    for (int i = 0; i < AR_SIZE; i++) {
        assert_ptr_equal(obj.ar[i], &ar[i]);
        assert_int_equal(ar[i].i, i);
    }
    assert_int_equal(next, 0x00);
}

static void test_arr_ptr_str_0_save(void **state)
{
    struct test_triv ar[AR_SIZE] = { { .i = 0 }, { .i = 1 }, { .i = 2 }, { .i = 3 } };
    struct test_arps obj = { .ar = { &ar[0], NULL, &ar[2], &ar[3] } };

    (void)state;
    assert_int_equal(wire_arr_ptr_0[4], 0x30);
    vec_check_save(&arps_desc, &obj, true, wire_arr_ptr_0, sizeof(wire_arr_ptr_0));
}

static void test_arr_ptr_str_0_load(void **state)
{
    struct test_triv ar[AR_SIZE] = { { .i = 0 }, { .i = 77 }, { .i = 0 }, { .i = 0 } };
    struct test_arps obj = { .ar = { &ar[0], NULL, &ar[2], &ar[3] } };
    vms_error_t err;
    int next = -2;

    (void)state;
    vec_check_truncations(&arps_desc, &obj, sizeof(obj), 1, wire_arr_ptr_0,
                          PAYLOAD_LEN(wire_arr_ptr_0));
    memset(ar, 0, sizeof(ar));
    ar[1].i = 77;
    assert_int_equal(vec_load_bytes(&arps_desc, &obj, 1, wire_arr_ptr_0, sizeof(wire_arr_ptr_0),
                                    &err, &next),
                     0);
    assert_int_equal(ar[0].i, 0);
    assert_int_equal(ar[1].i, 77); /* nobody points at it */
    assert_int_equal(ar[2].i, 2);
    assert_int_equal(ar[3].i, 3);
    assert_null(obj.ar[1]);
    assert_ptr_equal(obj.ar[0], &ar[0]);
    assert_ptr_equal(obj.ar[2], &ar[2]);
    assert_ptr_equal(obj.ar[3], &ar[3]);
    assert_int_equal(next, 0x00);
}

/* A local NULL expects the marker: data in its place is an error, not a write through NULL. */
static void test_arr_ptr_str_0_load_data_for_null_fails(void **state)
{
    struct test_triv ar[AR_SIZE] = { { 0 } };
    struct test_arps obj = { .ar = { &ar[0], NULL, &ar[2], &ar[3] } };
    vms_error_t err;

    (void)state;
    assert_true(vec_load_bytes(&arps_desc, &obj, 1, wire_arr_ptr_no0, sizeof(wire_arr_ptr_no0),
                               &err, NULL) < 0);
    assert_null(obj.ar[1]);
}

static void test_arr_ptr_prim_0_save(void **state)
{
    int32_t ar[AR_SIZE] = { 0, 1, 2, 3 };
    struct test_arpp obj = { .ar = { &ar[0], NULL, &ar[2], &ar[3] } };

    (void)state;
    vec_check_save(&arpp_desc, &obj, true, wire_arr_ptr_0, sizeof(wire_arr_ptr_0));
}

static void test_arr_ptr_prim_0_load(void **state)
{
    int32_t ar[AR_SIZE] = { 3, 42, 1, 0 };
    struct test_arpp obj = { .ar = { &ar[0], NULL, &ar[2], &ar[3] } };
    vms_error_t err;
    int next = -2;

    (void)state;
    vec_check_truncations(&arpp_desc, &obj, sizeof(obj), 1, wire_arr_ptr_0,
                          PAYLOAD_LEN(wire_arr_ptr_0));
    ar[0] = 3, ar[1] = 42, ar[2] = 1, ar[3] = 0;
    assert_int_equal(vec_load_bytes(&arpp_desc, &obj, 1, wire_arr_ptr_0, sizeof(wire_arr_ptr_0),
                                    &err, &next),
                     0);
    assert_int_equal(ar[0], 0);
    assert_int_equal(ar[1], 42);
    assert_int_equal(ar[2], 2);
    assert_int_equal(ar[3], 3);
    assert_null(obj.ar[1]);
    assert_int_equal(next, 0x00);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_simple_primitive_save),
        cmocka_unit_test(test_simple_primitive_load),
        cmocka_unit_test(test_simple_primitive_truncated),
        cmocka_unit_test(test_simple_primitive_load_without_eof),
        cmocka_unit_test(test_simple_array_save),
        cmocka_unit_test(test_simple_array_load),
        cmocka_unit_test(test_versioned_load_v1),
        cmocka_unit_test(test_versioned_load_v2),
        cmocka_unit_test(test_versioned_v1_bytes_as_v2_fail),
        cmocka_unit_test(test_field_exists_save_noskip),
        cmocka_unit_test(test_field_exists_save_skip),
        cmocka_unit_test(test_field_exists_load_noskip),
        cmocka_unit_test(test_field_exists_load_skip),
        cmocka_unit_test(test_arr_ptr_str_no0_save),
        cmocka_unit_test(test_arr_ptr_str_no0_load),
        cmocka_unit_test(test_arr_ptr_str_0_save),
        cmocka_unit_test(test_arr_ptr_str_0_load),
        cmocka_unit_test(test_arr_ptr_str_0_load_data_for_null_fails),
        cmocka_unit_test(test_arr_ptr_prim_0_save),
        cmocka_unit_test(test_arr_ptr_prim_0_load),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
