/* test_engine_subsections.c: nesting, subsections, versions (since, until, defaults, targets). */
#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include "engine_fixtures.h"
#include "engine_helpers.h"
#include "fault_transport.h"

/* ---------------------------------------------------------------- nesting */

/* struct inner, struct outer and outer_desc: engine_fixtures.c */

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
    .size = sizeof(struct nin),
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
    .size = sizeof(struct nin),
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
    .size = sizeof(struct nout),
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
    .size = sizeof(struct nout),
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

/* struct sdev and sdev_desc, with its subsection "sdev/fifo": engine_fixtures.c */

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

/* struct gdev and gate_desc: engine_fixtures.c */

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
    .size = sizeof(struct sddev),
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
    .size = sizeof(struct utdev),
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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_set_default_for_absent_fields),
        cmocka_unit_test(test_until_field),
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
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
