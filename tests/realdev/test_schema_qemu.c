/*
 * test_schema_qemu.c: `vmsgen schema` of the real devices in tests/realdev must
 * match QEMU 7.2's own -dump-vmstate for them (tests/data/qemu-7.2), key for
 * key and value for value, apart from our vms_-prefixed facts and the newer
 * QEMU's "num" on fixed arrays. SCHEMA is the file written at build time.
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

#include <jansson.h>

static json_t *ours, *qemu;

static int setup(void **state)
{
    json_error_t e;

    (void)state;
    ours = json_load_file(SCHEMA, 0, &e);
    if (!ours)
        fprintf(stderr, "%s:%d: %s\n", SCHEMA, e.line, e.text);
    qemu = json_load_file(VMS_DATA_DIR "/qemu-7.2/dump-pc-i440fx-7.2.json", 0, &e);
    if (!qemu)
        fprintf(stderr, "dump: %d: %s\n", e.line, e.text);
    return ours && qemu ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    json_decref(ours);
    json_decref(qemu);
    return 0;
}

/*
 * Places where our description differs from the 7.2 dump, each for a reason:
 * following a newer QEMU on purpose, or a construct written another way.
 */
static const char *const newer_than_7_2[] = {
    "isa-i8259.Description.Subsections", /* i8259/ltim, sent by QEMU 8.1 and later */
    /*
     * QEMU writes fw_cfg's widened cur_offset as two fields of one name: a
     * 16-bit read under "version == 1", then the 32-bit field from version 2.
     * Ours is one field with VMS_WAS("uint16", 2) (vms_was_type and
     * vms_was_until in the schema); the bytes and the vmdesc name
     * "cur_offset[1]" are QEMU's.
     */
    "fw_cfg_io.Description.Fields",
};

static unsigned mismatches;

/* Reports a difference unless it is one of the known ones above. */
static void differ(const char *path, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void differ(const char *path, const char *fmt, ...)
{
    va_list ap;

    for (size_t i = 0; i < sizeof(newer_than_7_2) / sizeof(newer_than_7_2[0]); i++)
        if (strcmp(path, newer_than_7_2[i]) == 0)
            return;
    fprintf(stderr, "%s: ", path);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    mismatches++;
}

static bool ours_only(const char *key)
{
    return strncmp(key, "vms_", 4) == 0 || strcmp(key, "num") == 0;
}

/* Compares @a (ours) with @b (QEMU's) recursively; @path names the place for messages. */
static void same(const json_t *a, const json_t *b, const char *path)
{
    char sub[1024];

    if (json_is_object(a) && json_is_object(b)) {
        const char *key;
        json_t *v;
        size_t n_a = 0;

        json_object_foreach((json_t *)a, key, v) {
            if (ours_only(key))
                continue;
            /* a nested struct's size is its C layout, ours or QEMU's: QEMU's checker skips it too */
            if (strcmp(key, "size") == 0 && json_object_get(a, "Description"))
                continue;
            n_a++;
            snprintf(sub, sizeof(sub), "%s.%s", path, key);
            if (!json_object_get(b, key)) {
                differ(sub, "QEMU's dump has no such key");
                continue;
            }
            same(v, json_object_get(b, key), sub);
        }
        json_object_foreach((json_t *)b, key, v) {
            snprintf(sub, sizeof(sub), "%s.%s", path, key);
            if (!json_object_get(a, key))
                differ(sub, "ours has no such key");
        }
        return;
    }
    if (json_is_array(a) && json_is_array(b)) {
        if (json_array_size(a) != json_array_size(b)) {
            differ(path, "%zu entries, QEMU has %zu", json_array_size(a), json_array_size(b));
            return;
        }
        for (size_t i = 0; i < json_array_size(a); i++) {
            snprintf(sub, sizeof(sub), "%s[%zu]", path, i);
            same(json_array_get(a, i), json_array_get(b, i), sub);
        }
        return;
    }
    if (!json_equal((json_t *)a, (json_t *)b)) {
        char *x = json_dumps(a, JSON_ENCODE_ANY), *y = json_dumps(b, JSON_ENCODE_ANY);
        differ(path, "ours %s, QEMU %s", x, y);
        free(x);
        free(y);
    }
}

static void test_sections_match_qemu(void **state)
{
    const char *key;
    json_t *v;
    size_t compared = 0;

    (void)state;
    json_object_foreach(ours, key, v) {
        if (strcmp(key, "vmschkmachine") == 0)
            continue;
        if (!json_object_get(qemu, key))
            continue; /* not a device of the dump (e.g. globalstate, kvmvapic) */
        same(v, json_object_get(qemu, key), key);
        compared++;
    }
    print_message("%zu sections compared with QEMU's dump\n", compared);
    assert_true(compared >= 19); /* every device of tests/realdev that the dump has */
    assert_int_equal(mismatches, 0);
}

/* Our extra facts sit only on field objects, where QEMU's checker ignores unknown keys. */
static void check_no_vms_keys_outside_fields(const json_t *j, bool in_field)
{
    const char *key;
    json_t *v;

    if (json_is_array(j)) {
        for (size_t i = 0; i < json_array_size(j); i++)
            check_no_vms_keys_outside_fields(json_array_get(j, i), in_field);
        return;
    }
    if (!json_is_object(j))
        return;
    json_object_foreach((json_t *)j, key, v) {
        if (!in_field && strncmp(key, "vms_", 4) == 0)
            fail_msg("vms_ key '%s' outside a field object", key);
        check_no_vms_keys_outside_fields(v, strcmp(key, "Fields") == 0);
    }
}

static void test_extras_only_on_fields(void **state)
{
    const char *key;
    json_t *v;

    (void)state;
    json_object_foreach(ours, key, v)
        check_no_vms_keys_outside_fields(v, false);
    /* and they are there: hpet's timer count */
    json_t *timer = json_array_get(
        json_object_get(json_object_get(json_object_get(ours, "hpet"), "Description"), "Fields"), 4);
    assert_string_equal(json_string_value(json_object_get(timer, "vms_count")), "num_timers");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sections_match_qemu),
        cmocka_unit_test(test_extras_only_on_fields),
    };

    return cmocka_run_group_tests(tests, setup, teardown);
}
