/* test_engine_types.c: scalar encodings, VMS_F_EQUAL, was_type, codecs, and table validation. */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "engine_fixtures.h"
#include "engine_helpers.h"

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
    .size = sizeof(struct budev),
    .fields = bu_buffer_fields,
    .n_fields = VMS_COUNTOF(bu_buffer_fields),
};

static const struct vms_desc bu_u8_desc = {
    .name = "bu",
    .version = 1,
    .min_version = 1,
    .size = sizeof(struct budev),
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
    .size = sizeof(struct mddev),
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
    .size = sizeof(struct bldev),
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
    .size = sizeof(struct fldev),
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
    .size = sizeof(struct tmdev),
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
    .size = sizeof(struct undev),
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

/* ------------------------------------------------------------ VMS_F_EQUAL */

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
    .size = sizeof(struct eqdev),
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

/* ---------------------------------------------------------------- was_type */

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
    .size = sizeof(struct wtdev),
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
    .size = sizeof(struct nrdev),
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
    .size = sizeof(struct cddev),
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
    .size = sizeof(struct cddev),
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

/* ------------------------------------------------------------- validation */

/* The good tables: this file's, and the shared ones of engine_fixtures.c. */
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
    const struct vms_desc sub_same = {
        .name = "sdev",
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
    const struct vms_subsection subs_same[] = {
        {
            .desc = &sub_same,
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
    d.subsections = subs_same; /* the parent's name alone: nothing after the prefix */
    check_invalid(&d, "must start with the name of its parent 'sdev' and be longer");
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
        cmocka_unit_test(test_buffer_equals_uint8_array),
        cmocka_unit_test(test_multidim_array_flattened),
        cmocka_unit_test(test_bool_encoding),
        cmocka_unit_test(test_float_bits_big_endian),
        cmocka_unit_test(test_timer_encoding),
        cmocka_unit_test(test_unused_zeros_and_skip),
        cmocka_unit_test(test_equal_field),
        cmocka_unit_test(test_was_type_widening),
        cmocka_unit_test(test_was_type_narrowing_range),
        cmocka_unit_test(test_codec_called_with_size),
        cmocka_unit_test(test_codec_error_propagates),
        cmocka_unit_test(test_validate_accepts_good_tables),
        cmocka_unit_test(test_validate_count_size_3),
        cmocka_unit_test(test_validate_subsection_prefix),
        cmocka_unit_test(test_validate_struct_without_desc),
        cmocka_unit_test(test_validate_scalar_size_mismatch),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
