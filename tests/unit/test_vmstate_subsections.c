/* test_vmstate_subsections.c: QEMU's conformance vectors for subsections against our engine. */
#include <stdbool.h>
#include <string.h>

#include "vector_helpers.h"

/* Helpers (vec_*) and PAYLOAD_LEN: vector_helpers.h. */

/* ------------------------------------------------------------ subsections */

struct test_sub {
    bool need;
    int loaded; /* post_load calls of "sub/optional/a" */
};

static int sub_a_post_load(void *opaque, int version, vms_error_t *err)
{
    struct test_sub *t = opaque;

    (void)err;
    assert_int_equal(version, 1);
    t->loaded++;
    return 0;
}

static const struct vms_desc sub_a_desc = {
    .name = "sub/optional/a",
    .version = 1,
    .min_version = 1,
    .size = sizeof(struct test_sub),
    .post_load = sub_a_post_load,
};

static bool sub_a_needed(const void *opaque, int version)
{
    const struct test_sub *t = opaque;

    (void)version;
    return t->need;
}

static const struct vms_subsection sub_optional_subs[] = {
    {
        .desc = &sub_a_desc,
        .needed = sub_a_needed,
    },
};

static const struct vms_desc sub_optional_desc = {
    .name = "sub/optional",
    .version = 1,
    .min_version = 1,
    .size = sizeof(struct test_sub),
    .subsections = sub_optional_subs,
    .n_subsections = VMS_COUNTOF(sub_optional_subs),
};

static const uint8_t wire_sub_needed[] = {
    /* subsection marker     */ 0x05,
    /* u8 name length 14     */ 0x0e,
    /* "sub/optional/a"      */ 's', 'u', 'b', '/', 'o', 'p', 't', 'i', 'o', 'n', 'a', 'l', '/', 'a',
    /* be32 version 1        */ 0x00, 0x00, 0x00, 0x01,
    /* harness: QEMU_VM_EOF  */ 0x00,
};

static const uint8_t wire_sub_missing[] = {
    /* harness: QEMU_VM_EOF  */ 0x00,
};

static const uint8_t wire_sub_unknown[] = {
    /* subsection marker     */ 0x05,
    /* u8 name length 14     */ 0x0e,
    /* "sub/optional/b"      */ 's', 'u', 'b', '/', 'o', 'p', 't', 'i', 'o', 'n', 'a', 'l', '/', 'b',
    /* be32 version 1        */ 0x00, 0x00, 0x00, 0x01,
    /* harness: QEMU_VM_EOF  */ 0x00,
};

static const uint8_t wire_sub_dup[] = {
    /* subsection marker     */ 0x05,
    /* u8 name length 14     */ 0x0e,
    /* "sub/optional/a"      */ 's', 'u', 'b', '/', 'o', 'p', 't', 'i', 'o', 'n', 'a', 'l', '/', 'a',
    /* be32 version 1        */ 0x00, 0x00, 0x00, 0x01,
    /* subsection marker     */ 0x05,
    /* u8 name length 14     */ 0x0e,
    /* "sub/optional/a" again*/ 's', 'u', 'b', '/', 'o', 'p', 't', 'i', 'o', 'n', 'a', 'l', '/', 'a',
    /* be32 version 1        */ 0x00, 0x00, 0x00, 0x01,
    /* harness: QEMU_VM_EOF  */ 0x00,
};

static void test_subsection_needed_save(void **state)
{
    struct test_sub obj = { .need = true };

    (void)state;
    assert_int_equal(sizeof(wire_sub_needed), 21);
    vec_check_save(&sub_optional_desc, &obj, true, wire_sub_needed, sizeof(wire_sub_needed));
    assert_int_equal(obj.loaded, 0);
}

static void test_subsection_missing_save(void **state)
{
    struct test_sub obj = { .need = false };

    (void)state;
    vec_check_save(&sub_optional_desc, &obj, true, wire_sub_missing, sizeof(wire_sub_missing));
}

/*
 * The parent has no fields, so a cut of its payload that stops before the
 * marker, or starts with anything but 05, reads as "no subsection": those
 * cuts load (and load nothing). Every cut inside the subsection fails.
 */
static void check_sub_cuts(const uint8_t *payload, size_t n)
{
    const size_t cut_len[] = { n - 1, n - 2, n / 2, 1, 2 };
    struct test_sub obj;
    vms_error_t err;

    for (size_t i = 0; i < VMS_COUNTOF(cut_len); i++) {
        memset(&obj, 0, sizeof(obj));
        if (vec_load_bytes(&sub_optional_desc, &obj, 1, payload, cut_len[i], &err, NULL) >= 0)
            fail_msg("cut of %zu bytes loaded", cut_len[i]);
        assert_int_equal(obj.loaded, 0);
    }
    memset(&obj, 0, sizeof(obj));
    assert_int_equal(vec_load_bytes(&sub_optional_desc, &obj, 1, payload, 0, &err, NULL), 0);
    assert_int_equal(obj.loaded, 0);
    memset(&obj, 0, sizeof(obj));
    if (payload[n / 2] != 0x05) {
        int next = -2;

        assert_int_equal(vec_load_bytes(&sub_optional_desc, &obj, 1, payload + n / 2, n - n / 2,
                                        &err, &next),
                         0);
        assert_int_equal(obj.loaded, 0);
        assert_int_equal(next, payload[n / 2]); /* not ours: left in the stream */
    }
}

static void test_subsection_needed_load(void **state)
{
    struct test_sub obj = { 0 };
    vms_error_t err;
    int next = -2;

    (void)state;
    check_sub_cuts(wire_sub_needed, PAYLOAD_LEN(wire_sub_needed));
    assert_int_equal(vec_load_bytes(&sub_optional_desc, &obj, 1, wire_sub_needed,
                                    sizeof(wire_sub_needed), &err, &next),
                     0);
    assert_int_equal(obj.loaded, 1);
    assert_int_equal(next, 0x00);

    /* and the lone payload, without the harness's 00 */
    memset(&obj, 0, sizeof(obj));
    assert_int_equal(vec_load_bytes(&sub_optional_desc, &obj, 1, wire_sub_needed,
                                    PAYLOAD_LEN(wire_sub_needed), &err, &next),
                     0);
    assert_int_equal(obj.loaded, 1);
    assert_int_equal(next, -1);
}

static void test_subsection_missing_load(void **state)
{
    struct test_sub obj = { .need = true };
    vms_error_t err;
    int next = -2;

    (void)state;
    assert_int_equal(vec_load_bytes(&sub_optional_desc, &obj, 1, wire_sub_missing,
                                    sizeof(wire_sub_missing), &err, &next),
                     0);
    assert_int_equal(obj.loaded, 0);
    assert_true(obj.need);
    assert_int_equal(next, 0x00);
    /* the payload is empty: its only cut, nothing at all, is complete */
    assert_int_equal(vec_load_bytes(&sub_optional_desc, &obj, 1, wire_sub_missing, 0, &err, &next),
                     0);
    assert_int_equal(obj.loaded, 0);
    assert_int_equal(next, -1);
}

static void test_subsection_unknown_load(void **state)
{
    struct test_sub obj = { 0 };
    vms_error_t err;

    (void)state;
    assert_int_equal(vec_load_bytes(&sub_optional_desc, &obj, 1, wire_sub_unknown,
                                    sizeof(wire_sub_unknown), &err, NULL),
                     VMS_ERR_NOENT);
    assert_int_equal(err.code, VMS_ERR_NOENT);
    assert_int_equal(obj.loaded, 0);
    check_sub_cuts(wire_sub_unknown, PAYLOAD_LEN(wire_sub_unknown));
}

static void test_subsection_dup_load(void **state)
{
    struct test_sub obj = { 0 };
    vms_error_t err;
    int rc;

    (void)state;
    rc = vec_load_bytes(&sub_optional_desc, &obj, 1, wire_sub_dup, sizeof(wire_sub_dup), &err,
                        NULL);
    assert_true(rc < 0);
    assert_int_not_equal(err.code, 0);
    assert_true(err.code == VMS_ERR_EXISTS || err.code == VMS_ERR_FORMAT);
    assert_true(err.message[0] != '\0');
    /* cuts inside the second copy fail too */
    assert_true(vec_load_bytes(&sub_optional_desc, &obj, 1, wire_sub_dup,
                               PAYLOAD_LEN(wire_sub_dup) - 1, &err, NULL) < 0);
    assert_true(vec_load_bytes(&sub_optional_desc, &obj, 1, wire_sub_dup,
                               PAYLOAD_LEN(wire_sub_dup) - 2, &err, NULL) < 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_subsection_needed_save),
        cmocka_unit_test(test_subsection_missing_save),
        cmocka_unit_test(test_subsection_needed_load),
        cmocka_unit_test(test_subsection_missing_load),
        cmocka_unit_test(test_subsection_unknown_load),
        cmocka_unit_test(test_subsection_dup_load),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
