/*
 * test_savevm.c: whole-machine streams (vms_save_all / vms_load_all) of the golden machine.
 *
 * A small machine of hand-written descriptions (golden_machine.c) is saved
 * and compared byte for byte with tests/data/golden/machine.mig (QEMU's
 * analyze-migration.py reads that file; its views are committed next to it,
 * see the README there), then walked section by section, loaded back and cut
 * at every length. Hostile streams and the registry: test_savevm_hostile.c.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "golden_machine.h"

/* ---- 1. golden stream and trailer ---- */

static bool updating(void)
{
    const char *v = getenv("VMS_UPDATE_GOLDEN");

    return v && strcmp(v, "1") == 0;
}

static void spit(const char *path, const void *buf, size_t len)
{
    FILE *f = fopen(path, "wb");

    if (!f || fwrite(buf, 1, len, f) != len || fclose(f) != 0)
        fail_msg("cannot write %s", path);
}

static void test_golden_stream(void **state)
{
    size_t len, want_len;
    uint8_t *bytes = save_machine(&len), *want;
    struct machine scratch;
    struct walk w;

    (void)state;
    if (updating()) {
        walk_stream(bytes, len, machine_lookup, &scratch, &w);
        spit(GOLDEN_STREAM, bytes, len);
        spit(GOLDEN_VMDESC, bytes + w.json_at, w.json_len);
        free(bytes);
        fail_msg("VMS_UPDATE_GOLDEN=1: rewrote %s and %s; review the diff, rerun "
                 "analyze-migration.py as tests/data/golden/README.md says, and run again "
                 "without VMS_UPDATE_GOLDEN", GOLDEN_STREAM, GOLDEN_VMDESC);
    }
    want = golden(GOLDEN_STREAM, &want_len);
    assert_bytes_equal(bytes, len, want, want_len);
    free(want);
    free(bytes);
}

static void test_golden_vmdesc(void **state)
{
    size_t len, want_len;
    uint8_t *bytes = golden(GOLDEN_STREAM, &len);
    uint8_t *want = golden(GOLDEN_VMDESC, &want_len);
    struct machine scratch;
    struct walk w;

    (void)state;
    walk_stream(bytes, len, machine_lookup, &scratch, &w);
    assert_bytes_equal(bytes + w.json_at, w.json_len, want, want_len);
    /* QEMU's JSONWriter layout: one line, ", " and ": " separators, no final newline. */
    assert_null(memchr(want, '\n', want_len));
    assert_non_null(strstr((const char *)want, "{\"page_size\": 4096, \"devices\": [{\"name\": \"pic\", "
                                               "\"instance_id\": 0, \"vmsd_name\": \"pic\""));
    assert_non_null(strstr((const char *)want, "\"subsections\": [{\"vmsd_name\": \"ctrl/ext\""));
    assert_null(strstr((const char *)want, "ctrl/legacy"));
    assert_null(strstr((const char *)want, "dbg"));
    free(want);
    free(bytes);
}

/* Needles in QEMU's own view, in order: what analyze-migration.py decoded from our bytes. */
static void assert_in_order(const char *text, const char *const *needles, size_t n)
{
    const char *at = text;

    for (size_t i = 0; i < n; i++) {
        const char *hit = strstr(at, needles[i]);

        if (!hit)
            fail_msg("'%s' not found (in order) in analyze-migration output", needles[i]);
        at = hit + strlen(needles[i]);
    }
}

static void test_golden_analyze_migration(void **state)
{
    static const char *const state_needles[] = {
        "\"pic (4)\": {", "\"imr\": \"0xfb\"", "\"auto_eoi\": false",
        "\"ctrl (0)\": {", "\"i8\": \"0xfe (-2)\"", "\"u8\": \"0xa5\"", "\"i16\": \"0xfed4 (-300)\"",
        "\"u16\": \"0xbeef\"", "\"i32\": \"0xfffeee90 (-70000)\"", "\"u32\": \"0x0000002a\"",
        "\"i64\": \"0xfffffffed5fa0e00 (-5000000000)\"", "\"u64\": \"0x0123456789abcdef\"",
        "\"flag\": true", "\"mac\": \"52 54 00 12 34 56\"", "\"unused\": \"00 00 00 00\"",
        "\"regs\": [", "\"0x0001\"", "\"0x0002\"", "\"0x0300\"", "\"0xffff\"",
        "\"gain\": \"3f f8 00 00 00 00 00 00\"",
        "\"idle_timer\": \"ff ff ff ff ff ff ff ff\"", "\"tick_timer\": \"00 00 00 00 3b 9a ca 00\"",
        "\"ctrl/ext\": {", "\"ext_val\": \"0xdeadbeef\"",
        "\"uart (1)\": {", "\"lcr\": \"0x03\"", "\"count\": \"0x03\"", "\"fifo\": [",
        "\"0x00000041\"", "\"0x00000042\"", "\"0x00000043\"", "\"chan\": [", "\"divisor\": \"0x000c\"",
        "\"level\": \"0xffffffff (-1)\"", "\"divisor\": \"0x0060\"", "\"level\": \"0x00000007\"",
        "\"uart (2)\": {", "\"lcr\": \"0x1b\"", "\"count\": \"0x00\"", "\"chan\": [",
    };
    static const char *const desc_needles[] = {
        "\"page_size\": 4096", "\"name\": \"pic\"", "\"name\": \"ctrl\"", "\"vmsd_name\": \"ctrl/ext\"",
        "\"name\": \"uart\"", "\"instance_id\": 0", "\"name\": \"uart\"", "\"instance_id\": 1",
    };
    size_t len;
    char *st = (char *)golden(GOLDEN_ANALYZE_STATE, &len);
    char *desc = (char *)golden(GOLDEN_ANALYZE_DESC, &len);

    (void)state;
    assert_in_order(st, state_needles, VMS_COUNTOF(state_needles));
    assert_in_order(desc, desc_needles, VMS_COUNTOF(desc_needles));
    /* skipped: dbg (needed false) and ctrl/legacy (not needed); uart 1 sent no fifo */
    assert_null(strstr(st, "dbg"));
    assert_null(strstr(st, "ctrl/legacy"));
    assert_null(strstr(strstr(st, "\"uart (2)\""), "fifo"));
    free(st);
    free(desc);
}

/* ---- 2. layout ---- */

static void test_layout(void **state)
{
    static const struct {
        const char *idstr;
        uint32_t id, instance, version;
    } want[] = {
        {"pic", ID_PIC, 0, 1}, {"ctrl", ID_CTRL, 0, 3}, {"uart", ID_UART0, 0, 2},
        {"uart", ID_UART1, 1, 2},
    };
    size_t len;
    uint8_t *bytes = golden(GOLDEN_STREAM, &len);
    struct machine scratch;
    struct walk w;

    (void)state;
    machine_poison(&scratch);
    walk_stream(bytes, len, machine_lookup, &scratch, &w);
    assert_string_equal(w.machine, MACHINE);
    assert_int_equal(w.sec[0].at, 8 + 1 + 4 + strlen(MACHINE));
    assert_int_equal(w.n, VMS_COUNTOF(want));
    for (size_t i = 0; i < w.n; i++) {
        assert_string_equal(w.sec[i].idstr, want[i].idstr);
        assert_int_equal(w.sec[i].id, want[i].id);
        assert_int_equal(w.sec[i].instance, want[i].instance);
        assert_int_equal(w.sec[i].version, want[i].version);
    }
    /* the walker's own loads saw the values too */
    assert_int_equal(scratch.pic.imr, 0xfb);
    assert_int_equal(scratch.uart[1].lcr, 0x1b);
    assert_int_equal(bytes[len - w.json_len - 6], 0x00);
    free(bytes);
}

/* ---- 3. round trip ---- */

static void test_round_trip(void **state)
{
    struct machine src, dst;
    vms_registry_t *r;
    vms_error_t err;
    size_t len;
    uint8_t *bytes = save_machine(&len);
    char buf[1024];

    (void)state;
    machine_fill(&src);
    machine_poison(&dst);
    dst.ctrl.legacy = 0x5555; /* reset by ctrl/legacy's absent hook */
    r = machine_registry(&dst);
    if (load_registry(r, bytes, len, &err) != 0)
        fail_msg("vms_load_all: %s", vms_error_format(&err, buf, sizeof(buf)));
    assert_int_equal(err.code, 0);

    assert_int_equal(dst.ctrl.i8, -2);
    assert_int_equal(dst.ctrl.u8, 0xa5);
    assert_int_equal(dst.ctrl.i16, -300);
    assert_int_equal(dst.ctrl.u16, 0xbeef);
    assert_int_equal(dst.ctrl.i32, -70000);
    assert_int_equal(dst.ctrl.u32, 42);
    assert_int_equal(dst.ctrl.i64, -5000000000);
    assert_int_equal(dst.ctrl.u64, 0x0123456789abcdefull);
    assert_true(dst.ctrl.flag);
    assert_memory_equal(dst.ctrl.mac, src.ctrl.mac, sizeof(src.ctrl.mac));
    assert_memory_equal(dst.ctrl.regs, src.ctrl.regs, sizeof(src.ctrl.regs));
    assert_true(dst.ctrl.gain == 1.5);
    assert_int_equal(dst.ctrl.idle_timer, -1);
    assert_int_equal(dst.ctrl.tick_timer, 1000000000);
    /* ctrl/ext came, ctrl/legacy did not */
    assert_int_equal(dst.ctrl.ext_val, 0xdeadbeef);
    assert_true(dst.ctrl.ext_present);
    assert_false(dst.ctrl.legacy_present);
    assert_int_equal(dst.ctrl.legacy, 0);

    for (int i = 0; i < 2; i++) {
        assert_int_equal(dst.uart[i].lcr, src.uart[i].lcr);
        assert_int_equal(dst.uart[i].count, src.uart[i].count);
        assert_memory_equal(dst.uart[i].fifo, src.uart[i].fifo, src.uart[i].count * 4u);
        for (size_t k = src.uart[i].count; k < 8; k++)
            assert_int_equal(dst.uart[i].fifo[k], 0x5a5a5a5a); /* beyond the count: untouched */
        for (int k = 0; k < 2; k++) {
            assert_int_equal(dst.uart[i].chan[k].divisor, src.uart[i].chan[k].divisor);
            assert_int_equal(dst.uart[i].chan[k].level, src.uart[i].chan[k].level);
        }
    }
    assert_int_equal(dst.dbg.trace, 0x5a5a5a5a); /* not in the stream, not reported missing */
    assert_int_equal(dst.pic.imr, 0xfb);
    assert_int_equal(dst.pic.irr, 0x01);
    assert_false(dst.pic.auto_eoi);

    /* and saving the loaded machine gives the same bytes again */
    dst.ctrl.ext_on = true;
    dst.dbg.trace = 0x77;
    size_t len2;
    uint8_t *again = save_registry(r, &len2);
    assert_bytes_equal(again, len2, bytes, len);
    free(again);
    vms_registry_free(r);
    free(bytes);
}

/* ---- 4. truncation ---- */

static void test_every_truncation_fails(void **state)
{
    struct machine dst;
    vms_registry_t *r;
    vms_error_t err;
    size_t len;
    uint8_t *bytes = golden(GOLDEN_STREAM, &len);

    (void)state;
    machine_poison(&dst);
    r = machine_registry(&dst);
    for (size_t cut = 0; cut < len; cut++) {
        /* a copy of exactly @cut bytes, so ASan sees any read past the end */
        uint8_t *part = malloc(cut ? cut : 1);
        int ret;

        assert_non_null(part);
        memcpy(part, bytes, cut);
        ret = load_registry(r, part, cut, &err);
        if (ret == 0 || err.code != ret || err.message[0] == '\0')
            fail_msg("cut at %zu of %zu: ret %d, code %d, message '%s'", cut, len, ret, err.code,
                     err.message);
        if (err.offset < 0 || (size_t)err.offset > cut)
            fail_msg("cut at %zu: offset %lld outside the stream", cut, (long long)err.offset);
        free(part);
    }
    /* and the whole stream still loads after all that */
    assert_int_equal(load_registry(r, bytes, len, &err), 0);
    vms_registry_free(r);
    free(bytes);
}

/* ---- 5. atomic loads ---- */

/* A whole-machine atomic load loads like a plain one; a cut stream leaves every device as it was
 * (tests/unit/test_atomic.c covers every cut and corruption). */
static void test_atomic_flag(void **state)
{
    struct machine dst, plain, before;
    vms_registry_t *r;
    vms_error_t err;
    size_t len;
    uint8_t *bytes = golden(GOLDEN_STREAM, &len);
    struct machine scratch;
    struct walk w;

    (void)state;
    machine_poison(&plain);
    r = machine_registry(&plain);
    assert_int_equal(load_registry(r, bytes, len, &err), 0);
    vms_registry_free(r);

    machine_poison(&dst);
    r = machine_registry(&dst);
    vms_registry_set_flags(r, VMS_LOAD_ATOMIC);
    assert_int_equal(load_registry(r, bytes, len, &err), 0);
    assert_memory_equal(&dst, &plain, sizeof(dst));

    walk_stream(bytes, len, machine_lookup, &scratch, &w);
    machine_poison(&dst);
    before = dst;
    /* cut inside ctrl's payload (the second section) right after its u64: pic loaded already */
    assert_string_equal(w.sec[1].idstr, "ctrl");
    assert_int_equal(load_registry(r, bytes, w.sec[1].at + 18 + 30, &err), VMS_ERR_EOF);
    assert_memory_equal(&dst, &before, sizeof(dst));
    vms_registry_free(r);
    free(bytes);
}

/* ---- 6. file: round trip ---- */

static void test_file_round_trip(void **state)
{
    char dir[] = "/tmp/test_savevm.XXXXXX", uri[96], path[64], buf[1024];
    struct machine src, dst;
    vms_registry_t *rs, *rd;
    vms_stream_t *s;
    vms_error_t err;
    size_t len, want_len;
    uint8_t *bytes, *want;

    (void)state;
    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof(path), "%s/m.mig", dir);
    snprintf(uri, sizeof(uri), "file:%s", path);
    machine_fill(&src);
    rs = machine_registry(&src);
    vms_error_init(&err);
    s = vms_stream_open(uri, VMS_WRITE, &err);
    if (!s)
        fail_msg("%s", vms_error_format(&err, buf, sizeof(buf)));
    assert_int_equal(vms_save_all(rs, s, &err), 0);
    assert_int_equal(vms_stream_close(s), 0);

    /* the file holds exactly the golden bytes */
    bytes = slurp(path, &len);
    assert_non_null(bytes);
    want = golden(GOLDEN_STREAM, &want_len);
    assert_bytes_equal(bytes, len, want, want_len);
    free(want);
    free(bytes);

    machine_poison(&dst);
    rd = machine_registry(&dst);
    s = vms_stream_open(uri, VMS_READ, &err);
    if (!s)
        fail_msg("%s", vms_error_format(&err, buf, sizeof(buf)));
    if (vms_load_all(rd, s, &err) != 0)
        fail_msg("%s", vms_error_format(&err, buf, sizeof(buf)));
    assert_int_equal(vms_stream_close(s), 0);
    assert_int_equal(dst.ctrl.u64, src.ctrl.u64);
    assert_int_equal(dst.uart[1].lcr, src.uart[1].lcr);
    assert_int_equal(dst.pic.imr, src.pic.imr);
    assert_true(dst.ctrl.ext_present);

    unlink(path);
    rmdir(dir);
    vms_registry_free(rs);
    vms_registry_free(rd);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_golden_stream),
        cmocka_unit_test(test_golden_vmdesc),
        cmocka_unit_test(test_golden_analyze_migration),
        cmocka_unit_test(test_layout),
        cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_every_truncation_fails),
        cmocka_unit_test(test_atomic_flag),
        cmocka_unit_test(test_file_round_trip),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
