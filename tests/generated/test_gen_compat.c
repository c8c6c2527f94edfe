/*
 * test_gen_compat.c: the compat shims vmsgen generates for tests/golden/compat/input.h
 * (a NIC over three versions): defaults for fields and subsections an older
 * stream lacks, a widened field read from old streams, a removed field still
 * read from them, and saving for an older destination.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "input.vms.h"

static void save_at(struct Nic *n, int version, const uint8_t *want, size_t len, int want_rc)
{
    vms_stream_t *w = vms_stream_mem_writer();
    vms_error_t err;
    const void *got;
    size_t got_len;

    vms_error_init(&err);
    assert_int_equal(vms_save_version(w, &vms_desc_Nic, n, version, &err), want_rc);
    if (want_rc == 0) {
        got = vms_stream_mem_data(w, &got_len);
        assert_int_equal(got_len, len);
        assert_memory_equal(got, want, len);
    }
    vms_stream_close(w);
}

static int load_at(struct Nic *n, int version, const uint8_t *bytes, size_t len, vms_error_t *err)
{
    vms_stream_t *r = vms_stream_mem_reader(bytes, len);
    int rc;

    vms_error_init(err);
    rc = vms_load(r, &vms_desc_Nic, n, version, err);
    vms_stream_close(r);
    return rc;
}

/* What a version 1 build wrote: rx_count, legacy_flags, tx_count as uint16. */
static const uint8_t v1[] = {
    /* rx_count */ 0x00, 0x00, 0x00, 0x07,
    /* legacy_flags */ 0x00, 0x00, 0x00, 0x05,
    /* tx_count (uint16) */ 0x12, 0x34,
};

static void test_load_v1_fills_defaults(void **state)
{
    struct Nic n;
    vms_error_t err;

    (void)state;
    memset(&n, 0xee, sizeof(n));
    assert_int_equal(load_at(&n, 1, v1, sizeof(v1), &err), 0);
    assert_int_equal(n.rx_count, 7);
    assert_int_equal(n.mtu, 1500);          /* VMS_SINCE(2) VMS_DEFAULT("DEFAULT_MTU") */
    assert_int_equal(n.legacy_flags, 5);    /* VMS_UNTIL(3): still read from old streams */
    assert_int_equal(n.tx_count, 0x1234);   /* VMS_WAS("uint16", 2): widened */
    assert_false(n.offload_sent);           /* VMS_PRESENT: the subsection was not sent */
    assert_false(n.offload_on);             /* subsection defaults */
    assert_int_equal(n.offload_mask, 0xff);
}

static void test_load_v3_with_subsection(void **state)
{
    static const uint8_t v3[] = {
        /* rx_count */ 0x00, 0x00, 0x00, 0x07,
        /* mtu */ 0x05, 0xdc,
        /* tx_count */ 0x00, 0x01, 0x00, 0x00,
        /* subsection */ 0x05, 0x0b, 'n', 'i', 'c', '/', 'o', 'f', 'f', 'l', 'o', 'a', 'd',
        /* version */ 0x00, 0x00, 0x00, 0x01,
        /* offload_on */ 0x01, /* offload_mask */ 0x0f,
    };
    struct Nic n;
    vms_error_t err;

    (void)state;
    memset(&n, 0, sizeof(n));
    n.legacy_flags = 99;
    assert_int_equal(load_at(&n, 3, v3, sizeof(v3), &err), 0);
    assert_int_equal(n.mtu, 1500);
    assert_int_equal(n.legacy_flags, 0);   /* not in a v3 stream: its default */
    assert_int_equal(n.tx_count, 0x10000);
    assert_true(n.offload_sent);
    assert_true(n.offload_on);
    assert_int_equal(n.offload_mask, 0x0f);
}

static void test_range_violation_named(void **state)
{
    static const uint8_t bad_mtu[] = {
        0x00, 0x00, 0x00, 0x07, /* mtu 20 */ 0x00, 0x14, 0x00, 0x01, 0x00, 0x00,
    };
    struct Nic n;
    vms_error_t err;

    (void)state;
    memset(&n, 0, sizeof(n));
    assert_int_equal(load_at(&n, 3, bad_mtu, sizeof(bad_mtu), &err), VMS_ERR_CHECK);
    assert_string_equal(err.path, "nic/mtu");
    assert_non_null(strstr(err.message, "20"));
    assert_non_null(strstr(err.message, "VMS_RANGE(68, 9000)"));
}

static void test_save_for_older_versions(void **state)
{
    struct Nic n;
    vms_error_t err;
    struct Nic back;

    (void)state;
    memset(&n, 0, sizeof(n));
    n.rx_count = 7, n.mtu = 1500, n.legacy_flags = 5, n.tx_count = 0x1234;
    n.offload_on = true, n.offload_mask = 3;
    save_at(&n, 1, v1, sizeof(v1), 0);       /* v1 layout: no mtu, legacy, uint16 tx */
    n.tx_count = 0x10000;
    save_at(&n, 1, NULL, 0, VMS_ERR_RANGE);  /* does not fit the old uint16 */
    save_at(&n, 0, NULL, 0, VMS_ERR_VERSION); /* below the minimum version */
    /* v2: mtu appears, tx is uint32, legacy still there; no subsection (needs version >= 3) */
    {
        static const uint8_t v2[] = {
            0x00, 0x00, 0x00, 0x07, 0x05, 0xdc, 0x00, 0x00, 0x00, 0x05, 0x00, 0x01, 0x00, 0x00,
        };
        save_at(&n, 2, v2, sizeof(v2), 0);
        memset(&back, 0, sizeof(back));
        assert_int_equal(load_at(&back, 2, v2, sizeof(v2), &err), 0);
        assert_int_equal(back.tx_count, 0x10000);
        assert_false(back.offload_sent);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_load_v1_fills_defaults),
        cmocka_unit_test(test_load_v3_with_subsection),
        cmocka_unit_test(test_range_violation_named),
        cmocka_unit_test(test_save_for_older_versions),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
