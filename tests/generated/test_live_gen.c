/*
 * test_live_gen.c: a device described with VMS_LIVE (tests/golden/live/input.h,
 * generated at build time) migrated by the generated vms_live_ops_LiveDev:
 * through memory, over vms_migrate on a unix socket, and the stress test: a
 * writer thread dirties the device as fast as it can during the migration,
 * the stop callback stops it, and the destination must end byte-identical,
 * 100 runs in a row.
 */
#include <inttypes.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "input.vms.h"
#include "testutil.h"

#define STRESS_RUNS 100

static void fill(struct LiveDev *d, uint32_t seed)
{
    uint64_t x = 0x9e3779b97f4a7c15u ^ seed;

    memset(d, 0, sizeof(*d));
    d->ctrl = 0xc0de0000u | seed;
    d->status = seed & 0xff;
    d->irq_pending = seed;
    for (size_t i = 0; i < sizeof(d->ram); i += 8) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        memcpy(d->ram + i, &x, 8);
    }
    for (size_t i = 0; i < LDEV_TABLE_LEN; i++)
        d->table[i] = (uint32_t)(i * 2654435761u + seed);
}

/* The migrated state equal (the bitmaps and backend are not migrated). */
static void assert_same(const struct LiveDev *a, const struct LiveDev *b)
{
    assert_int_equal(a->ctrl, b->ctrl);
    assert_int_equal(a->status, b->status);
    assert_int_equal(a->writes, b->writes);
    assert_int_equal(a->irq_pending, b->irq_pending);
    assert_memory_equal(a->ram, b->ram, sizeof(a->ram));
    assert_memory_equal(a->table, b->table, sizeof(a->table));
}

static uint64_t checksum(const struct LiveDev *d)
{
    uint64_t h = 0xcbf29ce484222325u;
    const uint8_t *parts[] = {d->ram, (const uint8_t *)d->table, (const uint8_t *)&d->writes};
    const size_t lens[] = {sizeof(d->ram), sizeof(d->table), sizeof(d->writes)};

    for (size_t p = 0; p < 3; p++)
        for (size_t i = 0; i < lens[p]; i++)
            h = (h ^ parts[p][i]) * 0x100000001b3u;
    return h ^ d->ctrl ^ ((uint64_t)d->irq_pending << 32);
}

static vms_registry_t *registry(struct LiveDev *d)
{
    vms_registry_t *r = vms_registry_new("pc");

    assert_non_null(r);
    assert_int_equal(vms_register_live(r, "ldev", 0, vms_desc_LiveDev.version,
                                       &vms_live_ops_LiveDev, d), 0);
    return r;
}

static void test_memory_round_trip(void **state)
{
    struct LiveDev *src = malloc(sizeof(*src)), *dst = calloc(1, sizeof(*dst));
    vms_registry_t *rs, *rd;
    vms_stream_t *s = vms_stream_mem_writer();
    vms_error_t err;
    const void *data;
    size_t len;

    (void)state;
    fill(src, 7);
    rs = registry(src);
    rd = registry(dst);
    vms_error_init(&err);
    assert_int_equal(vms_save_all(rs, s, &err), 0);
    data = vms_stream_mem_data(s, &len);
    /* chunks, headers and STATE: a little above the live bytes */
    assert_true(len > sizeof(src->ram) + sizeof(src->table));
    assert_true(len < sizeof(src->ram) + sizeof(src->table) + 16384);
    {
        vms_stream_t *in = vms_stream_mem_reader(data, len);

        assert_int_equal(vms_load_all(rd, in, &err), 0);
        vms_stream_close(in);
    }
    assert_same(src, dst);
    vms_stream_close(s);
    vms_registry_free(rs);
    vms_registry_free(rd);
    free(src);
    free(dst);
}

/* ---- migrations over a unix socket ---- */

struct run {
    struct LiveDev *src, *dst;
    vms_registry_t *rs, *rd;
    vms_listener_t *l;
    char uri[128];
    /* the device writer */
    pthread_t writer;
    bool writing;
    atomic_bool stop;
    atomic_bool started;    /* the writer made its first writes */
    uint64_t seed, writes;
    uint64_t snapshot;      /* checksum taken by the stop callback */
    int stops, resumes;
    /* results */
    int src_ret, dst_ret;
    vms_error_t src_err, dst_err;
    struct vms_migrate_stats st;
};

/* Random chunk, write bytes, mark dirty: as fast as it can until told to stop. */
static void *writer_main(void *arg)
{
    struct run *r = arg;
    struct LiveDev *d = r->src;
    uint64_t x = r->seed | 1, n = 0;

    while (!atomic_load_explicit(&r->stop, memory_order_relaxed)) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        if ((x & 7) == 0) {
            size_t i = (size_t)(x >> 8) % LDEV_TABLE_LEN;

            d->table[i] = (uint32_t)(x >> 32);
            vms_live_mark_dirty(d->table_dirty, i * sizeof(d->table[0]) / LDEV_TABLE_CHUNK);
        } else {
            size_t off = (size_t)(x >> 8) % (sizeof(d->ram) - 8);

            memcpy(d->ram + off, &x, 8);
            vms_live_mark_dirty_range(d->ram_dirty, 4096, off, 8);
        }
        if (++n == 1024)
            atomic_store(&r->started, true);
    }
    r->writes = n;
    return NULL;
}

static int on_stop(void *opaque)
{
    struct run *r = opaque;

    r->stops++;
    if (r->writing) {
        atomic_store(&r->stop, true);
        pthread_join(r->writer, NULL);
        r->writing = false;
        r->src->writes += r->writes; /* a register the STATE record carries */
    }
    r->snapshot = checksum(r->src);
    return 0;
}

static void on_resume(void *opaque)
{
    ((struct run *)opaque)->resumes++;
}

static void *dest_main(void *arg)
{
    struct run *r = arg;
    vms_stream_t *s;

    vms_error_init(&r->dst_err);
    s = vms_listener_accept(r->l, &r->dst_err);
    if (!s) {
        r->dst_ret = r->dst_err.code;
        return NULL;
    }
    vms_stream_set_timeout(s, 20000);
    r->dst_ret = vms_incoming(r->rd, s, NULL, &r->dst_err);
    vms_stream_close(s);
    return NULL;
}

/* One migration of r->src to r->dst, the writer running when @write. */
static void migrate_once(struct run *r, int n, bool write, uint64_t bandwidth)
{
    struct vms_migrate_params p = {
        .max_bandwidth = bandwidth, .downtime_limit_ms = 100, .timeout_ms = 20000,
        .stop = on_stop, .resume = on_resume, .opaque = r,
    };
    pthread_t dt;
    vms_stream_t *s;

    snprintf(r->uri, sizeof(r->uri), "unix:/tmp/vms-live-gen-%d-%d", (int)getpid(), n);
    memset(r->dst, 0, sizeof(*r->dst));
    r->rs = registry(r->src);
    r->rd = registry(r->dst);
    vms_error_init(&r->src_err);
    r->l = vms_listener_open(r->uri, &r->src_err);
    assert_non_null(r->l);
    assert_int_equal(pthread_create(&dt, NULL, dest_main, r), 0);
    atomic_store(&r->stop, false);
    r->seed = 0x2545f4914f6cdd1du * (uint64_t)(n + 1);
    r->writing = write;
    atomic_store(&r->started, false);
    if (write) {
        struct timespec t = {0, 100000};

        assert_int_equal(pthread_create(&r->writer, NULL, writer_main, r), 0);
        while (!atomic_load(&r->started)) /* running before the migration starts */
            nanosleep(&t, NULL);
    }
    s = vms_stream_open(r->uri, VMS_WRITE, &r->src_err);
    assert_non_null(s);
    vms_stream_set_timeout(s, 20000);
    r->src_ret = vms_migrate(r->rs, s, &p, &r->st, &r->src_err);
    vms_stream_close(s);
    if (r->writing) { /* a failure before stop: the writer still runs */
        atomic_store(&r->stop, true);
        pthread_join(r->writer, NULL);
        r->writing = false;
    }
    pthread_join(dt, NULL);
    vms_listener_close(r->l);
    vms_registry_free(r->rs);
    vms_registry_free(r->rd);
}

static void test_migrate_unix(void **state)
{
    struct run r = {0};

    (void)state;
    r.src = malloc(sizeof(*r.src));
    r.dst = malloc(sizeof(*r.dst));
    fill(r.src, 3);
    migrate_once(&r, 0, false, 0);
    if (r.src_ret || r.dst_ret)
        fail_msg("source %d '%s', destination %d '%s'", r.src_ret, r.src_err.message, r.dst_ret,
                 r.dst_err.message);
    assert_true(r.st.confirmed);
    assert_int_equal(r.stops, 1);
    assert_int_equal(r.resumes, 0);
    assert_same(r.src, r.dst);
    assert_true(r.snapshot == checksum(r.dst));
    free(r.src);
    free(r.dst);
}

/*
 * The stress test. 64 MB/s gives each run a 100 ms window (the
 * migration measures its bandwidth over 100 ms before it can converge) in
 * which the first pass and two more rounds of re-dirtied chunks go out while
 * the writer hammers the memory; then the stop callback stops the writer
 * and END carries what it dirtied last.
 */
static void test_stress_full_dirty_rate(void **state)
{
    struct run r = {0};
    uint64_t writes = 0, iterations = 0;

    (void)state;
    r.src = malloc(sizeof(*r.src));
    r.dst = malloc(sizeof(*r.dst));
    fill(r.src, 11);
    for (int n = 0; n < STRESS_RUNS; n++) {
        migrate_once(&r, n, true, 64u << 20);
        if (r.src_ret || r.dst_ret)
            fail_msg("run %d: source %d '%s', destination %d '%s'", n, r.src_ret,
                     r.src_err.message, r.dst_ret, r.dst_err.message);
        assert_true(r.st.confirmed);
        if (r.snapshot != checksum(r.dst) || memcmp(r.src->ram, r.dst->ram, sizeof(r.src->ram)) ||
            memcmp(r.src->table, r.dst->table, sizeof(r.src->table))) {
            size_t i = 0;

            while (i < sizeof(r.src->ram) && r.src->ram[i] == r.dst->ram[i])
                i++;
            fail_msg("run %d: the destination differs from the source (first ram difference at "
                     "byte %zu, chunk %zu) after %" PRIu64 " writes and %" PRIu64 " iterations",
                     n, i, i / 4096, r.writes, r.st.iterations);
        }
        assert_same(r.src, r.dst);
        writes += r.writes;
        iterations += r.st.iterations;
        assert_true(r.writes > 0);
    }
    /* the writer really raced with the iterations */
    assert_true(iterations >= STRESS_RUNS);
    printf("stress: %d runs, %" PRIu64 " writes, %" PRIu64 " iterations\n", STRESS_RUNS, writes,
           iterations);
    free(r.src);
    free(r.dst);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_memory_round_trip),
        cmocka_unit_test(test_migrate_unix),
        cmocka_unit_test(test_stress_full_dirty_rate),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
