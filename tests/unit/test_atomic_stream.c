/* test_atomic_stream.c: VMS_LOAD_ATOMIC on whole streams: every cut and corruption, order. */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "atomic_fixtures.h"
#include "golden_machine.h"

/* The method (plain load against atomic load of every input): atomic_fixtures.h. */

/* ---- whole streams ---- */

/* Two devices in one registry: cx, then sc. */
struct pair {
    struct cx_dev *x;
    struct sc *s;
    vms_registry_t *r;
};

static void pair_init(struct pair *p, int seed, unsigned flags)
{
    p->x = cx_new(seed);
    p->s = malloc(sizeof(*p->s));
    assert_non_null(p->s);
    sc_fill(p->s, seed);
    p->r = vms_registry_new("pc-atomic");
    assert_non_null(p->r);
    assert_int_equal(vms_register(p->r, "cx", 0, &cx_desc, &p->x->x), 0);
    assert_int_equal(vms_register(p->r, "sc", 0, &sc_desc, p->s), 0);
    vms_registry_set_flags(p->r, flags);
}

static void pair_image(const struct pair *p, bool raw, struct img *m)
{
    cx_image(p->x, raw, m);
    sc_image(p->s, raw, m);
}

static void pair_clear(struct pair *p)
{
    vms_registry_free(p->r);
    cx_destroy(p->x);
    free(p->s);
}

static int load_copy(vms_registry_t *r, const uint8_t *bytes, size_t len, vms_error_t *err)
{
    uint8_t *copy = malloc(len ? len : 1);
    int rc;

    assert_non_null(copy);
    if (len)
        memcpy(copy, bytes, len);
    rc = load_registry(r, copy, len, err);
    free(copy);
    return rc;
}

static void check_stream_one(const uint8_t *bytes, size_t len, size_t at, uint8_t flip,
                             struct outcome *out)
{
    struct pair plain, atom;
    struct img before = {0}, after = {0}, want = {0};
    char plain_log[sizeof(post_log)];
    vms_error_t perr, aerr;
    int prc, arc;

    pair_init(&plain, 0, 0);
    pair_init(&atom, 0, VMS_LOAD_ATOMIC);
    post_reset(&plain.x->x);
    post_wrong = 0;
    prc = load_copy(plain.r, bytes, len, &perr);
    memcpy(plain_log, post_log, sizeof(post_log));
    pair_image(&atom, true, &before);
    post_reset(&atom.x->x);
    arc = load_copy(atom.r, bytes, len, &aerr);
    if (arc != prc)
        fail_msg("stream at %zu xor 0x%02x: plain load %d (%s), atomic %d (%s)", at, flip, prc,
                 perr.message, arc, aerr.message);
    assert_int_equal(post_wrong, 0);
    if (arc) {
        assert_int_equal(post_log_n, 0);
        pair_image(&atom, true, &after);
        img_check(&after, &before, "stream", at, flip);
        out->failed++;
    } else {
        assert_string_equal(post_log, plain_log);
        pair_image(&plain, false, &want);
        pair_image(&atom, false, &after);
        img_check(&after, &want, "stream", at, flip);
        out->ok++;
    }
    free(before.p);
    free(after.p);
    free(want.p);
    pair_clear(&plain);
    pair_clear(&atom);
}

/* A lookup_fn for walk_stream over a pair's stream. */
static const struct vms_desc *pair_lookup(const char *idstr, uint32_t instance, void *ctx,
                                          void **opaque)
{
    struct pair *p = ctx;

    (void)instance;
    if (strcmp(idstr, "cx") == 0) {
        *opaque = &p->x->x;
        return &cx_desc;
    }
    *opaque = p->s;
    return &sc_desc;
}

static uint8_t *pair_stream(size_t *len)
{
    struct pair src;
    uint8_t *bytes;

    pair_init(&src, 1, 0);
    bytes = save_registry(src.r, len);
    pair_clear(&src);
    return bytes;
}

static void test_stream_sweep(void **state)
{
    struct outcome out = {0, 0};
    size_t len;
    uint8_t *bytes = pair_stream(&len);
    uint8_t *bad = malloc(len);

    (void)state;
    assert_non_null(bad);
    for (size_t cut = 0; cut < len; cut++)
        check_stream_one(bytes, cut, cut, 0, &out);
    assert_int_equal(out.ok, 0); /* a whole stream has no complete prefix */
    check_stream_one(bytes, len, len, 0, &out);
    assert_int_equal(out.ok, 1);
    for (size_t at = 0; at < len; at++) {
        for (size_t f = 0; f < N_FLIPS; f++) {
            memcpy(bad, bytes, len);
            bad[at] ^= flips[f];
            check_stream_one(bad, len, at, flips[f], &out);
        }
    }
    assert_true(out.ok > 1 && out.failed > 0);
    print_message("stream: %d inputs loaded, %d failed\n", out.ok, out.failed);
    free(bad);
    free(bytes);
}

/* The second section is bad: the first, loaded fine, is not committed either. */
static void test_stream_second_section_bad(void **state)
{
    struct pair dst, scratch;
    struct img before = {0}, after = {0};
    struct walk w;
    vms_error_t err;
    size_t len;
    uint8_t *bytes = pair_stream(&len);

    (void)state;
    pair_init(&dst, 0, VMS_LOAD_ATOMIC);
    pair_init(&scratch, 0, 0);
    post_reset(&scratch.x->x);
    walk_stream(bytes, len, pair_lookup, &scratch, &w);
    pair_clear(&scratch);
    assert_int_equal(w.n, 2);
    assert_string_equal(w.sec[1].idstr, "sc");
    /* sc's last byte is `lo` (VMS_RANGE(0, 9)), just before its footer */
    bytes[w.eof_at - 6] = 10;
    pair_image(&dst, true, &before);
    post_reset(&dst.x->x);
    assert_int_equal(load_copy(dst.r, bytes, len, &err), VMS_ERR_CHECK);
    assert_string_equal(err.path, "sc/lo");
    assert_int_equal(post_log_n, 0);
    pair_image(&dst, true, &after);
    assert_bytes_equal(after.p, after.len, before.p, before.len);
    free(before.p);
    free(after.p);
    free(bytes);
    pair_clear(&dst);
}

/* Whole-stream commit: every post_load after every section loaded, in stream order. */
static int sc_post_load(void *opaque, int version, vms_error_t *err)
{
    (void)opaque;
    (void)version;
    (void)err;
    post_log_add('S');
    return 0;
}

static void test_stream_post_load_order(void **state)
{
    struct vms_desc sc_hooked = sc_desc;
    struct cx_dev *x = cx_new(0);
    struct sc s;
    vms_registry_t *r = vms_registry_new("pc-atomic");
    vms_error_t err;
    size_t len;
    uint8_t *bytes = pair_stream(&len);

    (void)state;
    sc_hooked.post_load = sc_post_load;
    sc_fill(&s, 0);
    assert_int_equal(vms_register(r, "cx", 0, &cx_desc, &x->x), 0);
    assert_int_equal(vms_register(r, "sc", 0, &sc_hooked, &s), 0);
    vms_registry_set_flags(r, VMS_LOAD_ATOMIC);
    post_reset(&x->x);
    assert_int_equal(load_copy(r, bytes, len, &err), 0);
    assert_string_equal(post_log, "cctteXS");
    assert_int_equal(s.lo, 1 % 10);
    vms_registry_free(r);
    cx_destroy(x);
    free(bytes);
}

/* The golden machine (five registrations, priorities, subsections): every cut and corruption. */
static void test_golden_machine_sweep(void **state)
{
    size_t len, ok = 0;
    uint8_t *bytes = slurp(GOLDEN_STREAM, &len);
    uint8_t *bad;

    (void)state;
    assert_non_null(bytes);
    bad = malloc(len);
    assert_non_null(bad);
    for (size_t at = 0; at <= len; at++) {
        for (size_t f = 0; f <= N_FLIPS; f++) {
            struct machine plain, atom, before;
            vms_registry_t *pr, *ar;
            vms_error_t perr, aerr;
            size_t n = f == 0 ? at : len; /* f == 0: the cut at `at` */
            int prc, arc;

            if (f > 0 && at == len)
                break;
            memcpy(bad, bytes, len);
            if (f > 0)
                bad[at] ^= flips[f - 1];
            machine_poison(&plain);
            machine_poison(&atom);
            before = atom;
            pr = machine_registry(&plain);
            ar = machine_registry(&atom);
            vms_registry_set_flags(ar, VMS_LOAD_ATOMIC);
            prc = load_copy(pr, bad, n, &perr);
            arc = load_copy(ar, bad, n, &aerr);
            assert_int_equal(arc, prc);
            if (arc) {
                assert_memory_equal(&atom, &before, sizeof(atom));
            } else {
                assert_memory_equal(&atom, &plain, sizeof(atom));
                ok++;
            }
            vms_registry_free(pr);
            vms_registry_free(ar);
        }
    }
    assert_true(ok > 0);
    free(bad);
    free(bytes);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_stream_sweep),
        cmocka_unit_test(test_stream_second_section_bad),
        cmocka_unit_test(test_stream_post_load_order),
        cmocka_unit_test(test_golden_machine_sweep),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
