/*
 * test_alloc_fail.c: every allocation on the load and save paths fails in
 * turn, and each failure is a clean error.
 *
 * The executable is linked with -Wl,--wrap for malloc, calloc, realloc,
 * strdup and free (tests/CMakeLists.txt), so every allocation the runtime
 * makes goes through the wrappers below. For N = 1, 2, ... the N-th
 * allocation of a run fails, until a run makes fewer than N allocations.
 * Each failing run must return a negative VMS_ERR_* equal to err.code with a
 * message, must not leak (the wrappers count live blocks; LeakSanitizer
 * checks again in the ASan pass), and with VMS_LOAD_ATOMIC must leave the
 * device exactly as it was.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine_fixtures.h"
#include "golden_machine.h"

void *__real_malloc(size_t size);
void *__real_calloc(size_t n, size_t size);
void *__real_realloc(void *p, size_t size);
char *__real_strdup(const char *s);
void __real_free(void *p);
void *__wrap_malloc(size_t size);
void *__wrap_calloc(size_t n, size_t size);
void *__wrap_realloc(void *p, size_t size);
char *__wrap_strdup(const char *s);
void __wrap_free(void *p);

static struct {
    bool armed;        /* count (and maybe fail) allocations */
    unsigned long n;   /* allocations seen since armed */
    unsigned long fail_at; /* the allocation to fail (1-based); 0: none */
    bool failed;       /* the failure was injected */
    long live;         /* blocks allocated minus blocks freed since armed */
} fault;

static bool fail_now(void)
{
    if (!fault.armed)
        return false;
    fault.n++;
    if (fault.n == fault.fail_at) {
        fault.failed = true;
        return true;
    }
    return false;
}

void *__wrap_malloc(size_t size)
{
    void *p = fail_now() ? NULL : __real_malloc(size);

    fault.live += p != NULL;
    return p;
}

void *__wrap_calloc(size_t n, size_t size)
{
    void *p = fail_now() ? NULL : __real_calloc(n, size);

    fault.live += p != NULL;
    return p;
}

void *__wrap_realloc(void *old, size_t size)
{
    void *p;

    if (fail_now())
        return NULL; /* the old block stays */
    p = __real_realloc(old, size);
    if (!old && p)
        fault.live++;
    return p;
}

char *__wrap_strdup(const char *s)
{
    char *p = fail_now() ? NULL : __real_strdup(s);

    fault.live += p != NULL;
    return p;
}

void __wrap_free(void *p)
{
    fault.live -= p != NULL;
    __real_free(p);
}

static void arm(unsigned long fail_at)
{
    fault.armed = true;
    fault.n = 0;
    fault.fail_at = fail_at;
    fault.failed = false;
    fault.live = 0;
}

static void disarm(void)
{
    fault.armed = false;
}

/* Checks one run's outcome; returns true while failures were still injected. */
static bool judge(const char *what, unsigned long n, int rc, const vms_error_t *err, long owned)
{
    bool injected = fault.failed;
    long live = fault.live;
    unsigned long seen = fault.n;

    disarm();
    if (!injected) {
        if (rc != 0)
            fail_msg("%s: failed with no allocation failing (N=%lu): %s", what, n, err->message);
        if (live != owned)
            fail_msg("%s: a good run left %ld block(s) allocated", what, live - owned);
        return false;
    }
    if (rc >= 0 || err->code != rc || !err->message[0])
        fail_msg("%s: allocation %lu of %lu failed, yet rc=%d code=%d message '%s'", what, n,
                 seen, rc, err->code, err->message);
    if (live != owned)
        fail_msg("%s: allocation %lu failed: %ld block(s) leaked", what, n, live - owned);
    return true;
}

/* ---- the golden machine: whole streams ---- */

/* Loads @bytes into @r; a memory reader that cannot be made is an error too. */
static int load_bytes(vms_registry_t *r, const uint8_t *bytes, size_t len, vms_error_t *err)
{
    vms_stream_t *s = vms_stream_mem_reader(bytes, len);
    int rc;

    if (!s)
        return vms_error_set(err, VMS_ERR_NOMEM, 0, -1, NULL, "no memory reader");
    rc = vms_load_all(r, s, err);
    vms_stream_close(s);
    return rc;
}

static void load_golden(unsigned flags, const char *what)
{
    size_t len;
    uint8_t *bytes = golden(GOLDEN_STREAM, &len);
    unsigned long n;

    for (n = 1;; n++) {
        static struct machine m, before;
        vms_registry_t *r;
        vms_error_t err;
        int rc;

        machine_fill(&m);
        m.ctrl.u32 = 7; /* differs from the stream, so a load changes it */
        memcpy(&before, &m, sizeof(m));
        r = machine_registry(&m);
        vms_registry_set_flags(r, flags);
        vms_error_init(&err);
        arm(n);
        rc = load_bytes(r, bytes, len, &err);
        if (!judge(what, n, rc, &err, 0)) {
            vms_registry_free(r);
            assert_int_equal(m.ctrl.u32, 42);
            break;
        }
        if ((flags & VMS_LOAD_ATOMIC) && memcmp(&m, &before, sizeof(m)) != 0)
            fail_msg("%s: allocation %lu failed and the machine changed", what, n);
        vms_registry_free(r);
    }
    assert_true(n > 1); /* the path allocates: the test failed something */
    printf("%s: %lu allocations, each failed in turn\n", what, n - 1);
    free(bytes);
}

static void test_load_all_plain(void **state)
{
    (void)state;
    load_golden(0, "vms_load_all");
}

static void test_load_all_atomic(void **state)
{
    (void)state;
    load_golden(VMS_LOAD_ATOMIC, "vms_load_all atomic");
}

static void test_save_all(void **state)
{
    unsigned long n;

    (void)state;
    for (n = 1;; n++) {
        struct machine m;
        vms_registry_t *r;
        vms_stream_t *s;
        vms_error_t err;
        int rc;

        machine_fill(&m);
        r = machine_registry(&m);
        vms_error_init(&err);
        arm(n);
        s = vms_stream_mem_writer();
        rc = s ? vms_save_all(r, s, &err) : vms_error_set(&err, VMS_ERR_NOMEM, 0, -1, NULL,
                                                           "no memory writer");
        if (s)
            vms_stream_close(s);
        if (!judge("vms_save_all", n, rc, &err, 0)) {
            vms_registry_free(r);
            break;
        }
        vms_registry_free(r);
    }
    assert_true(n > 1);
    printf("vms_save_all: %lu allocations, each failed in turn\n", n - 1);
}

/* ---- VMS_ALLOC: the loader allocates the device's storage ---- */

static void load_alloc(unsigned flags, const char *what)
{
    static const uint8_t payload[] = {0, 0, 0, 3, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3};
    unsigned long n;

    for (n = 1;; n++) {
        struct aldev al = {.n = 2};
        uint32_t *old;
        vms_stream_t *s;
        vms_error_t err;
        int rc;

        al.p = calloc(2, sizeof(*al.p));
        assert_non_null(al.p);
        al.p[0] = 0xaa;
        al.p[1] = 0xbb;
        old = al.p;
        vms_error_init(&err);
        arm(n);
        s = vms_stream_mem_reader(payload, sizeof(payload));
        rc = s ? vms_load_flags(s, &aldev_desc, &al, 1, flags, &err)
               : vms_error_set(&err, VMS_ERR_NOMEM, 0, -1, NULL, "no memory reader");
        if (s)
            vms_stream_close(s);
        /* a good load replaces the block: one freed, one allocated, net 0 */
        if (!judge(what, n, rc, &err, 0)) {
            assert_int_equal(al.n, 3);
            assert_int_equal(al.p[2], 3);
            free(al.p);
            break;
        }
        if (al.p != old || al.p[0] != 0xaa || al.p[1] != 0xbb)
            fail_msg("%s: allocation %lu failed and the old storage was replaced", what, n);
        if ((flags & VMS_LOAD_ATOMIC) && al.n != 2)
            fail_msg("%s: allocation %lu failed and the count changed", what, n);
        free(al.p);
    }
    assert_true(n > 1);
    printf("%s: %lu allocations, each failed in turn\n", what, n - 1);
}

static void test_load_alloc_plain(void **state)
{
    (void)state;
    load_alloc(0, "vms_load VMS_F_ALLOC");
}

static void test_load_alloc_atomic(void **state)
{
    (void)state;
    load_alloc(VMS_LOAD_ATOMIC, "vms_load VMS_F_ALLOC atomic");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_load_all_plain),
        cmocka_unit_test(test_load_all_atomic),
        cmocka_unit_test(test_save_all),
        cmocka_unit_test(test_load_alloc_plain),
        cmocka_unit_test(test_load_alloc_atomic),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
