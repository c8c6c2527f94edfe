/* test_atomic.c: VMS_LOAD_ATOMIC on single payloads: every cut and corruption, commits. */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "atomic_fixtures.h"
#include "engine_helpers.h"

/* The method (plain load against atomic load of every input): atomic_fixtures.h. */

/* ========================================================= the harness */

struct kind {
    const char *name;
    const struct vms_desc *desc;
    void *(*make)(void);
    void (*destroy)(void *obj);
    void (*image)(const void *obj, bool raw, struct img *m);
};

static void *sc_make(void)
{
    struct sc *s = malloc(sizeof(*s));

    assert_non_null(s);
    sc_fill(s, 0);
    return s;
}

static void *cx_make(void)
{
    return cx_new(0);
}

static const struct kind sc_kind = {"sc", &sc_desc, sc_make, free, sc_image};
static const struct kind cx_kind = {"cx", &cx_desc, cx_make, cx_destroy, cx_image};

/* cx_post_load must see the device, not a scratch copy: the address of its struct. */
static const void *cx_self(const struct kind *k, void *obj)
{
    return k == &cx_kind ? &((struct cx_dev *)obj)->x : NULL;
}

/*
 * Loads @bytes plainly into one new device and atomically into another and
 * compares as atomic_fixtures.h describes. @at and @flip only name the input.
 */
static void check_one(const struct kind *k, int version, const uint8_t *bytes, size_t len,
                      size_t at, uint8_t flip, struct outcome *out)
{
    void *plain = k->make(), *atom = k->make();
    struct img before = {0}, after = {0}, want = {0};
    char plain_log[sizeof(post_log)];
    vms_error_t perr, aerr;
    int prc, arc;

    post_reset(cx_self(k, plain));
    post_wrong = 0;
    prc = load_with_flags(k->desc, plain, version, bytes, len, 0, &perr);
    memcpy(plain_log, post_log, sizeof(post_log));

    k->image(atom, true, &before);
    post_reset(cx_self(k, atom));
    arc = load_with_flags(k->desc, atom, version, bytes, len, VMS_LOAD_ATOMIC, &aerr);
    if (arc != prc)
        fail_msg("%s at %zu xor 0x%02x: plain load %d (%s), atomic %d (%s)", k->name, at, flip,
                 prc, perr.message, arc, aerr.message);
    assert_int_equal(post_wrong, 0);
    if (arc) {
        assert_true(aerr.message[0] != '\0');
        assert_int_equal(post_log_n, 0); /* no post_load ran */
        k->image(atom, true, &after);
        img_check(&after, &before, k->name, at, flip);
        out->failed++;
    } else {
        assert_string_equal(post_log, plain_log); /* same post_loads, same order */
        k->image(plain, false, &want);
        k->image(atom, false, &after);
        img_check(&after, &want, k->name, at, flip);
        out->ok++;
    }
    free(before.p);
    free(after.p);
    free(want.p);
    k->destroy(plain);
    k->destroy(atom);
}

/* Every prefix of @bytes, then every byte flipped each way of `flips`. */
static struct outcome sweep(const struct kind *k, int version, const uint8_t *bytes, size_t len)
{
    struct outcome out = {0, 0};
    uint8_t *bad = malloc(len ? len : 1);

    assert_non_null(bad);
    for (size_t cut = 0; cut <= len; cut++)
        check_one(k, version, bytes, cut, cut, 0, &out);
    for (size_t at = 0; at < len; at++) {
        for (size_t f = 0; f < N_FLIPS; f++) {
            memcpy(bad, bytes, len);
            bad[at] ^= flips[f];
            check_one(k, version, bad, len, at, flips[f], &out);
        }
    }
    free(bad);
    print_message("%s: %d inputs loaded, %d failed\n", k->name, out.ok, out.failed);
    return out;
}

/* ---- single payloads ---- */

static void test_scalars_sweep(void **state)
{
    struct sc src;
    vms_error_t err;
    uint8_t *bytes;
    size_t len;
    struct outcome out;

    (void)state;
    sc_fill(&src, 3);
    assert_int_equal(save_any(&sc_desc, &src, -1, &bytes, &len, &err), 0);
    out = sweep(&sc_kind, 1, bytes, len);
    assert_true(out.ok > 0 && out.failed > 0);
    free(bytes);
}

static uint8_t *cx_payload(int target, size_t *len)
{
    struct cx_dev *src = cx_new(1);
    vms_error_t err;
    uint8_t *bytes;

    assert_int_equal(save_any(&cx_desc, &src->x, target, &bytes, len, &err), 0);
    cx_destroy(src);
    return bytes;
}

static void test_cx_sweep(void **state)
{
    size_t len;
    uint8_t *bytes = cx_payload(-1, &len);
    struct outcome out;

    (void)state;
    out = sweep(&cx_kind, 2, bytes, len);
    assert_true(out.ok > 0 && out.failed > 0);
    free(bytes);
}

/* Version 1 lacks `opt` (set_default runs on the scratch copy). */
static void test_cx_sweep_old_version(void **state)
{
    size_t len;
    uint8_t *bytes = cx_payload(1, &len);
    struct outcome out;

    (void)state;
    out = sweep(&cx_kind, 1, bytes, len);
    assert_true(out.ok > 0 && out.failed > 0);
    free(bytes);
}

/* A good atomic load: values, storage replaced and freed, hooks once, on the device. */
static void test_cx_commit(void **state)
{
    struct cx_dev *src = cx_new(1), *dst = cx_new(0);
    uint16_t *old_queue = dst->x.queue;
    vms_error_t err;
    uint8_t *bytes;
    size_t len;

    (void)state;
    assert_int_equal(save_any(&cx_desc, &src->x, -1, &bytes, &len, &err), 0);
    post_reset(&dst->x);
    post_wrong = 0;
    assert_int_equal(load_with_flags(&cx_desc, &dst->x, 2, bytes, len, VMS_LOAD_ATOMIC, &err), 0);
    assert_int_equal(post_wrong, 0);
    assert_string_equal(post_log, "cctteX"); /* chan x2, timer x2, cx/extra, cx */
    assert_int_equal(dst->x.pre_calls, 1);
    assert_int_equal(dst->x.post_calls, 1);
    assert_int_equal(dst->x.post_queue_sum, 0x200 * 5 + 0 + 1 + 2 + 3 + 4);
    assert_int_equal(dst->x.chan[1].seen, dst->x.chan[1].rate); /* nested post_load on the device */
    assert_int_equal(dst->x.id, src->x.id);
    assert_int_equal(dst->x.n, 5);
    assert_ptr_not_equal(dst->x.queue, old_queue);
    assert_memory_equal(dst->x.queue, src->x.queue, 5 * sizeof(uint16_t));
    assert_ptr_equal(dst->x.regs, dst->x.regs_store); /* the pointer into itself stays */
    assert_memory_equal(dst->x.regs_store, src->x.regs_store, 6 * sizeof(uint32_t));
    assert_ptr_equal(dst->x.timers[0], &dst->t[0]); /* DEREF targets stay, filled */
    assert_ptr_equal(dst->x.timers[2], &dst->t[2]);
    assert_null(dst->x.timers[1]);
    assert_int_equal(dst->t[2].log_n, 5);
    assert_memory_equal(dst->t[2].log, src->t[2].log, 5);
    assert_true(dst->x.extra_present);
    assert_int_equal(dst->x.extra, 0x4242);
    assert_int_equal(dst->x.blob.len, 4);
    free(bytes);
    cx_destroy(src);
    cx_destroy(dst); /* LSan: the replaced queue and logs were freed */
}

/* A subsection the stream lacks: absent() and the present flag apply, committed together. */
static void test_cx_absent_subsection(void **state)
{
    struct cx_dev *src = cx_new(1), *dst = cx_new(0);
    vms_error_t err;
    uint8_t *bytes;
    size_t len;

    (void)state;
    src->x.extra = 0;
    assert_int_equal(save_any(&cx_desc, &src->x, -1, &bytes, &len, &err), 0);
    assert_true(dst->x.extra_present);
    post_reset(&dst->x);
    assert_int_equal(load_with_flags(&cx_desc, &dst->x, 2, bytes, len, VMS_LOAD_ATOMIC, &err), 0);
    assert_false(dst->x.extra_present);
    assert_int_equal(dst->x.extra, 0xdead);
    assert_string_equal(post_log, "ccttX");
    free(bytes);
    cx_destroy(src);
    cx_destroy(dst);
}

/* A count of 0 replaces ALLOC storage with NULL at the commit, and frees the old storage. */
static void test_alloc_to_empty(void **state)
{
    struct cx_dev *src = cx_new(1), *dst = cx_new(0);
    vms_error_t err;
    uint8_t *bytes;
    size_t len;

    (void)state;
    free(src->x.queue);
    src->x.queue = NULL;
    src->x.n = 0;
    assert_int_equal(save_any(&cx_desc, &src->x, -1, &bytes, &len, &err), 0);
    post_reset(&dst->x);
    assert_int_equal(load_with_flags(&cx_desc, &dst->x, 2, bytes, len, VMS_LOAD_ATOMIC, &err), 0);
    assert_null(dst->x.queue);
    assert_int_equal(dst->x.post_queue_sum, 0);
    free(bytes);
    cx_destroy(src);
    cx_destroy(dst);
}

/* Two slots pointing at one object load into one copy, as a plain load writes it twice. */
static void test_deref_alias(void **state)
{
    struct cx_dev *src = cx_new(1), *plain = cx_new(0), *atom = cx_new(0);
    struct img want = {0}, got = {0};
    vms_error_t err;
    uint8_t *bytes;
    size_t len;

    (void)state;
    assert_int_equal(save_any(&cx_desc, &src->x, -1, &bytes, &len, &err), 0);
    plain->x.timers[2] = &plain->t[0];
    atom->x.timers[2] = &atom->t[0];
    post_reset(&plain->x);
    assert_int_equal(load_with_flags(&cx_desc, &plain->x, 2, bytes, len, 0, &err), 0);
    post_reset(&atom->x);
    assert_int_equal(load_with_flags(&cx_desc, &atom->x, 2, bytes, len, VMS_LOAD_ATOMIC, &err), 0);
    assert_ptr_equal(atom->x.timers[2], &atom->t[0]);
    cx_image(plain, false, &want);
    cx_image(atom, false, &got);
    assert_bytes_equal(got.p, got.len, want.p, want.len);
    assert_int_equal(atom->t[0].log_n, 5); /* the second copy won */
    free(want.p);
    free(got.p);
    free(bytes);
    cx_destroy(src);
    cx_destroy(plain);
    cx_destroy(atom);
}

/* post_load failing after the commit: reported, the state stays loaded. */
static int failing_post_load(void *opaque, int version, vms_error_t *err)
{
    (void)opaque;
    (void)version;
    return vms_error_set(err, VMS_ERR_CHECK, 0, -1, NULL, "device refuses");
}

static void test_post_load_failure_after_commit(void **state)
{
    struct vms_desc d = sc_desc;
    struct sc src, dst;
    vms_error_t err;
    uint8_t *bytes;
    size_t len;

    (void)state;
    d.post_load = failing_post_load;
    sc_fill(&src, 5);
    sc_fill(&dst, 0);
    assert_int_equal(save_any(&d, &src, -1, &bytes, &len, &err), 0);
    assert_int_equal(load_with_flags(&d, &dst, 1, bytes, len, VMS_LOAD_ATOMIC, &err),
                     VMS_ERR_CHECK);
    assert_contains(err.message, "post_load of 'sc' failed: device refuses");
    assert_string_equal(err.path, "sc");
    assert_memory_equal(&dst, &src, sizeof(dst));
    free(bytes);
}

/* A pointer field whose elements have no size cannot be copied: refused before loading. */
static int zero_get(vms_stream_t *s, void *field, size_t size, vms_error_t *err)
{
    (void)s;
    (void)field;
    (void)size;
    (void)err;
    return 0;
}

static int zero_put(vms_stream_t *s, const void *field, size_t size, vms_error_t *err)
{
    (void)s;
    (void)field;
    (void)size;
    (void)err;
    return 0;
}

static void test_refusals(void **state)
{
    static const struct vms_codec zero_codec = {"zero", zero_get, zero_put};
    struct holder {
        uint8_t *p;
    } h;
    uint8_t target = 0;
    const struct vms_field fields[] = {
        {.name = "p", .type = VMS_WT_CODEC, .flags = VMS_F_POINTER,
         .offset = offsetof(struct holder, p), .size = 0, .codec = &zero_codec},
    };
    const struct vms_desc d = {
        .name = "h", .version = 1, .min_version = 1, .size = sizeof(struct holder),
        .fields = fields, .n_fields = 1,
    };
    vms_error_t err;

    (void)state;
    h.p = &target;
    assert_int_equal(load_with_flags(&d, &h, 1, (const uint8_t *)"", 0, VMS_LOAD_ATOMIC, &err),
                     VMS_ERR_INVAL);
    assert_contains(err.message, "cannot be copied");
    assert_ptr_equal(h.p, &target);
    /* a NULL object */
    assert_int_equal(load_with_flags(&sc_desc, NULL, 1, (const uint8_t *)"", 0, VMS_LOAD_ATOMIC,
                                &err), VMS_ERR_INVAL);
}

/* vms_desc.size makes vms_desc_validate check that fields, counts and flags fit. */
static void test_validate_size(void **state)
{
    struct vms_field f = sc_desc.fields[9];
    struct vms_desc d = {
        .name = "v", .version = 1, .min_version = 1, .size = offsetof(struct sc, lo) + 1,
        .fields = &f, .n_fields = 1,
    };
    struct vms_desc outer = cx_desc;
    vms_error_t err;

    (void)state;
    assert_int_equal(vms_desc_validate(&d, NULL), 0);
    d.size--;
    vms_error_init(&err);
    assert_int_equal(vms_desc_validate(&d, &err), VMS_ERR_INVAL);
    assert_contains(err.message, "exceeds the struct size");
    assert_string_equal(err.path, "v/lo");

    assert_int_equal(vms_desc_validate(&outer, NULL), 0);
    outer.size = offsetof(struct cx, extra_present); /* opt, the present flag, cx/extra stick out */
    vms_error_init(&err);
    assert_int_equal(vms_desc_validate(&outer, &err), VMS_ERR_INVAL);
    assert_contains(err.message, "exceeds the struct size");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_scalars_sweep),
        cmocka_unit_test(test_cx_sweep),
        cmocka_unit_test(test_cx_sweep_old_version),
        cmocka_unit_test(test_cx_commit),
        cmocka_unit_test(test_cx_absent_subsection),
        cmocka_unit_test(test_alloc_to_empty),
        cmocka_unit_test(test_deref_alias),
        cmocka_unit_test(test_post_load_failure_after_commit),
        cmocka_unit_test(test_refusals),
        cmocka_unit_test(test_validate_size),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
