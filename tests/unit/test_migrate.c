/*
 * test_migrate.c: live migration between two threads over a unix socket
 * (vms_migrate / vms_incoming): convergence, the destination's verdict,
 * non-convergence, cancel, switchover-ack ordering and capability
 * mismatches, one-way transports. Every test is bounded by timeouts.
 *
 * The device "mem" has PAGES pages with dirty flags. Its save_iterate sends
 * dirty pages (page_records.h: be32 index + bytes, then the end mark) and then re-dirties
 * `redirty` pages, as a running guest would; redirty drops by one per
 * iteration unless `forever` is set, so a migration converges or not as the
 * test chooses.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "page_records.h"
#include "testutil.h"

enum { PAGES = 64, PAGE = 256 };

struct mem {
    uint8_t data[PAGES][PAGE];
    bool dirty[PAGES];
    int redirty;          /* pages dirtied again after each iteration */
    bool forever;         /* redirty never drops */
    atomic_int stops, resumes;
    uint64_t stop_at_ms;  /* when the stop callback ran */
    uint64_t complete_at_ms; /* when save_complete (the END section) began */
    uint64_t end_at_ms;   /* destination: when the END section's checksum was read */
    /* destination */
    vms_registry_t *r;    /* for vms_incoming_approve_switchover */
    bool needs_ack;
    int loads;
    uint32_t stamp;       /* a checksum the source writes in END */
};

static uint64_t now_ms(void)
{
    struct timespec t;

    clock_gettime(CLOCK_MONOTONIC, &t);
    return (uint64_t)t.tv_sec * 1000u + (uint64_t)t.tv_nsec / 1000000u;
}

static struct page_set pages_of(struct mem *m)
{
    return (struct page_set){.data = &m->data[0][0], .dirty = m->dirty, .pages = PAGES,
                             .page_size = PAGE};
}

static uint32_t checksum(struct mem *m)
{
    struct page_set p = pages_of(m);

    return page_set_checksum(&p);
}

/* The dirty pages the rate limit lets through, then the end mark. */
static void send_dirty(vms_stream_t *s, struct mem *m)
{
    struct page_set p = pages_of(m);

    page_set_send(s, &p, PAGES, true);
}

static int mem_setup(vms_stream_t *s, void *opaque, vms_error_t *err)
{
    struct page_set p = pages_of(opaque);

    (void)err;
    page_set_setup(s, &p);
    return 0;
}

static int mem_iterate(vms_stream_t *s, void *opaque, vms_error_t *err)
{
    struct mem *m = opaque;
    static unsigned seed = 1;

    (void)err;
    send_dirty(s, m);
    for (int k = 0; k < m->redirty; k++) { /* the guest writes on */
        int i = (int)((seed = seed * 1103515245u + 12345u) >> 8) % PAGES;

        m->data[i][k % PAGE]++;
        m->dirty[i] = true;
    }
    if (!m->forever && m->redirty > 0)
        m->redirty--;
    return 1;
}

static int mem_complete(vms_stream_t *s, void *opaque, vms_error_t *err)
{
    struct mem *m = opaque;

    (void)err;
    m->complete_at_ms = now_ms();
    vms_stream_set_rate_limit(s, 0); /* stopped: everything goes now */
    send_dirty(s, m);
    vms_put_u8(s, 0x01); /* END carries the checksum: a marker, then be32 */
    vms_put_be32(s, checksum(m));
    return 0;
}

static uint64_t mem_pending(void *opaque, bool exact)
{
    struct page_set p = pages_of(opaque);

    (void)exact;
    return page_set_pending(&p, PAGE + 4);
}

static bool mem_ack_needed(void *opaque)
{
    return ((struct mem *)opaque)->needs_ack;
}

static int mem_load(vms_stream_t *s, void *opaque, int version, vms_error_t *err)
{
    struct mem *m = opaque;
    struct page_set p = pages_of(m);

    (void)version;
    return m->loads++ == 0 ? page_set_load_count(s, &p, err) : page_set_load(s, &p, err);
}

/* END carries the source's checksum after the pages: marker 0x01, be32. */
static int mem_load_end_aware(vms_stream_t *s, void *opaque, int version, vms_error_t *err)
{
    struct mem *m = opaque;
    uint8_t next;
    int ret = mem_load(s, opaque, version, err);

    /* a PART's pages are followed by the footer (0x7e), END's by the marker */
    if (ret == 0 && m->loads > 1 && vms_stream_peek(s, &next, 1, 0) == 1 && next == 0x01) {
        vms_get_u8(s);
        m->stamp = vms_get_be32(s);
        m->end_at_ms = now_ms();
    }
    return ret;
}

static const struct vms_live_ops mem_ops = {
    .save_setup = mem_setup,
    .pending = mem_pending,
    .save_iterate = mem_iterate,
    .save_complete = mem_complete,
    .load_state = mem_load_end_aware,
    .switchover_ack_needed = mem_ack_needed,
};

/* A small described device beside it, with a check the destination can be made to fail. */
struct regs {
    uint32_t ctrl;
    bool strict; /* destination: refuse ctrl != 7 */
};

static bool regs_ok(const void *opaque, int version)
{
    const struct regs *r = opaque;

    (void)version;
    return !r->strict || r->ctrl == 7;
}

static const struct vms_field regs_fields[] = {
    {.name = "ctrl", .type = VMS_WT_UINT32, .offset = offsetof(struct regs, ctrl), .size = 4},
};

static const struct vms_desc regs_desc = {
    .name = "regs", .version = 1, .min_version = 1, .size = sizeof(struct regs),
    .fields = regs_fields, .n_fields = VMS_COUNTOF(regs_fields), .check = regs_ok,
    .check_text = "ctrl == 7",
};

/* ---- the two sides ---- */

struct side {
    bool tcp;             /* run_pair: loopback TCP instead of a unix socket */
    long die_after;       /* destination: read this many bytes, then drop the connection (> 0) */
    struct mem mem;
    struct regs regs;
    vms_registry_t *r;
    unsigned caps;
    int ret;
    vms_error_t err;
    struct vms_migrate_stats st;
    struct vms_migrate_params p;
    char uri[128];
    vms_listener_t *l;
};

static int do_stop(void *opaque)
{
    struct side *s = opaque;

    s->mem.stops++;
    s->mem.stop_at_ms = now_ms();
    return 0;
}

static void do_resume(void *opaque)
{
    ((struct side *)opaque)->mem.resumes++;
}

static void side_init(struct side *s, bool source)
{
    memset(s, 0, sizeof(*s));
    s->r = vms_registry_new("pc-mig");
    assert_non_null(s->r);
    assert_int_equal(vms_register_live(s->r, "mem", 0, 1, &mem_ops, &s->mem), 0);
    assert_int_equal(vms_register(s->r, "regs", 0, &regs_desc, &s->regs), 0);
    s->mem.r = s->r;
    if (source) {
        for (int i = 0; i < PAGES; i++)
            memset(s->mem.data[i], i, PAGE);
        s->regs.ctrl = 7;
        s->p = (struct vms_migrate_params){.downtime_limit_ms = 300, .timeout_ms = 10000,
                                           .stop = do_stop, .resume = do_resume, .opaque = s};
    }
}

static void *run_source(void *arg)
{
    struct side *s = arg;
    vms_stream_t *st;

    vms_error_init(&s->err);
    st = vms_stream_open(s->uri, VMS_WRITE, &s->err);
    if (!st) {
        s->ret = s->err.code;
        return NULL;
    }
    vms_stream_set_timeout(st, 10000);
    s->p.caps = s->caps;
    s->ret = vms_migrate(s->r, st, &s->p, &s->st, &s->err);
    vms_stream_close(st);
    return NULL;
}

static void *run_dest(void *arg)
{
    struct side *d = arg;
    struct vms_incoming_params p = {.caps = d->caps};
    vms_stream_t *st;

    vms_error_init(&d->err);
    st = vms_listener_accept(d->l, &d->err);
    if (!st) {
        d->ret = d->err.code;
        return NULL;
    }
    vms_stream_set_timeout(st, 10000);
    if (d->die_after > 0) { /* a destination that dies mid-stream */
        static uint8_t sink[4096];

        for (long left = d->die_after; left > 0;) {
            size_t k = left < (long)sizeof(sink) ? (size_t)left : sizeof(sink);

            if (vms_get_buffer(st, sink, k) != k)
                break;
            left -= (long)k;
        }
        vms_stream_close(st);
        d->ret = VMS_ERR_CLOSED;
        return NULL;
    }
    d->ret = vms_incoming(d->r, st, &p, &d->err);
    vms_stream_close(st);
    return NULL;
}

/* Runs both sides to the end; @extra runs on a third thread when given. */
static void run_pair(struct side *src, struct side *dst, void *(*extra)(void *), void *extra_arg)
{
    pthread_t a, b, c;

    if (src->tcp) {
        snprintf(dst->uri, sizeof(dst->uri), "tcp:127.0.0.1:0");
        dst->l = vms_listener_open(dst->uri, &dst->err);
        assert_non_null(dst->l);
        snprintf(src->uri, sizeof(src->uri), "tcp:127.0.0.1:%d", vms_listener_port(dst->l));
    } else {
        snprintf(dst->uri, sizeof(dst->uri), "unix:/tmp/vms-test-migrate-%d-%p", (int)getpid(),
                 (void *)dst);
        memcpy(src->uri, dst->uri, sizeof(src->uri));
        dst->l = vms_listener_open(dst->uri, &dst->err);
        assert_non_null(dst->l);
    }
    assert_int_equal(pthread_create(&b, NULL, run_dest, dst), 0);
    assert_int_equal(pthread_create(&a, NULL, run_source, src), 0);
    if (extra)
        assert_int_equal(pthread_create(&c, NULL, extra, extra_arg), 0);
    pthread_join(a, NULL);
    pthread_join(b, NULL);
    if (extra)
        pthread_join(c, NULL);
    vms_listener_close(dst->l);
}

static void side_free(struct side *s)
{
    vms_registry_free(s->r);
}

/* ---- tests ---- */

static void test_converges(void **state)
{
    static struct side src, dst;

    (void)state;
    side_init(&src, true);
    side_init(&dst, false);
    src.mem.redirty = 20;
    run_pair(&src, &dst, NULL, NULL);
    if (src.ret)
        fail_msg("source: %s", src.err.message);
    assert_int_equal(dst.ret, 0);
    printf("converged: %llu iterations, %llu bytes, downtime %llu ms (expected %llu), "
           "%llu B/s\n", (unsigned long long)src.st.iterations,
           (unsigned long long)src.st.total_bytes, (unsigned long long)src.st.downtime_ms,
           (unsigned long long)src.st.expected_downtime_ms, (unsigned long long)src.st.bandwidth);
    assert_true(src.st.confirmed);
    assert_true(src.st.iterations >= 1);
    assert_int_equal(src.mem.stops, 1);
    assert_int_equal(src.mem.resumes, 0);
    assert_memory_equal(dst.mem.data, src.mem.data, sizeof(src.mem.data));
    assert_int_equal(dst.mem.stamp, checksum(&src.mem));
    assert_int_equal(dst.regs.ctrl, 7);
    /* per-device bytes: regs is one FULL section (header 18, payload 4, footer 5) */
    assert_int_equal(vms_registry_device_bytes(src.r, "regs", 0), 27);
    assert_true(vms_registry_device_bytes(src.r, "mem", 0) >= (uint64_t)PAGES * PAGE);
    assert_int_equal(vms_registry_device_bytes(src.r, "nope", 0), 0);
    side_free(&src);
    side_free(&dst);
}

static void test_converges_tcp(void **state)
{
    static struct side src, dst;

    (void)state;
    side_init(&src, true);
    side_init(&dst, false);
    src.tcp = true;
    src.mem.redirty = 20;
    run_pair(&src, &dst, NULL, NULL);
    if (src.ret)
        fail_msg("source over tcp: %s", src.err.message);
    assert_int_equal(dst.ret, 0);
    assert_true(src.st.confirmed);
    assert_memory_equal(dst.mem.data, src.mem.data, sizeof(src.mem.data));
    side_free(&src);
    side_free(&dst);
}

/*
 * The destination drops the connection after N bytes (or, past the end of the stream, hangs
 * without a verdict): the source fails cleanly with a message, resumes exactly when it had
 * stopped, and its registers are as they were.
 */
static void test_destination_dies(void **state)
{
    static const long points[] = {1, 8, 40, 300, 5000, 20000, 60000};

    (void)state;
    for (size_t i = 0; i < sizeof(points) / sizeof(points[0]); i++) {
        static struct side src, dst;

        side_init(&src, true);
        side_init(&dst, false);
        src.mem.redirty = 8;
        src.p.timeout_ms = 1000; /* the last point: a destination that hangs, never answering */
        dst.die_after = points[i];
        run_pair(&src, &dst, NULL, NULL);
        if (src.ret >= 0)
            fail_msg("destination died after %ld bytes, yet the source returned %d", points[i],
                     src.ret);
        assert_int_equal(src.err.code, src.ret);
        assert_true(src.err.message[0] != 0);
        assert_false(src.st.confirmed);
        assert_int_equal(src.mem.resumes, src.mem.stops); /* resumed exactly when stopped */
        assert_int_equal(src.regs.ctrl, 7);
        side_free(&src);
        side_free(&dst);
    }
}

static void test_destination_refuses(void **state)
{
    static struct side src, dst;
    uint8_t before[PAGES][PAGE];

    (void)state;
    side_init(&src, true);
    side_init(&dst, false);
    src.regs.ctrl = 8;    /* the destination's check wants 7 */
    dst.regs.strict = true;
    memcpy(before, src.mem.data, sizeof(before));
    run_pair(&src, &dst, NULL, NULL);
    assert_int_equal(dst.ret, VMS_ERR_CHECK);
    assert_int_equal(src.ret, VMS_ERR_CHECK);
    assert_non_null(strstr(src.err.message, "destination failed"));
    assert_false(src.st.confirmed);
    assert_int_equal(src.mem.stops, 1);
    assert_int_equal(src.mem.resumes, 1); /* stopped, so resumed */
    assert_int_equal(src.regs.ctrl, 8);   /* the source was only read */
    side_free(&src);
    side_free(&dst);
}

static void test_does_not_converge(void **state)
{
    (void)state;
    for (int tcp = 0; tcp < 2; tcp++) {
        static struct side src, dst;

        side_init(&src, true);
        src.tcp = tcp;
        side_init(&dst, false);
        src.mem.redirty = PAGES * 4;
        src.mem.forever = true;
        src.p.max_bandwidth = 256 * 1024; /* 256 KiB/s, 10 ms: 2.6 KiB fits, not 64*264 */
        src.p.downtime_limit_ms = 10;
        src.p.timeout_ms = 600;
        run_pair(&src, &dst, NULL, NULL);
        assert_int_equal(src.ret, VMS_ERR_TIMEOUT);
        assert_non_null(strstr(src.err.message, "did not converge"));
        assert_int_equal(src.mem.stops, 0);
        assert_int_equal(src.mem.resumes, 0);
        assert_true(dst.ret < 0); /* the stream ended without EOF */
        side_free(&src);
        side_free(&dst);
    }
}

static void *cancel_later(void *arg)
{
    struct side *src = arg;
    struct timespec t = {0, 150 * 1000000L};

    nanosleep(&t, NULL);
    vms_migrate_cancel(src->r);
    return NULL;
}

static void test_cancel(void **state)
{
    (void)state;
    for (int tcp = 0; tcp < 2; tcp++) {
        static struct side src, dst;

        side_init(&src, true);
        src.tcp = tcp;
        side_init(&dst, false);
        src.mem.redirty = PAGES;
        src.mem.forever = true;
        src.p.max_bandwidth = 512 * 1024;
        src.p.downtime_limit_ms = 1;
        run_pair(&src, &dst, cancel_later, &src);
        assert_int_equal(src.ret, VMS_ERR_CANCELLED);
        assert_non_null(strstr(src.err.message, "cancelled"));
        assert_int_equal(src.mem.stops, 0);
        assert_true(dst.ret < 0);
        side_free(&src);
        side_free(&dst);
    }
}

/* switchover-ack: the destination approves only after a delay; the source must wait. */
static atomic_uint_fast64_t approved_at;

static void *approve_later(void *arg)
{
    struct side *dst = arg;
    struct timespec t = {0, 300 * 1000000L};

    nanosleep(&t, NULL);
    approved_at = now_ms();
    assert_int_equal(vms_incoming_approve_switchover(dst->r), 0);
    return NULL;
}

static void test_switchover_ack(void **state)
{
    (void)state;
    for (int tcp = 0; tcp < 2; tcp++) {
        static struct side src, dst;
        uint64_t start = now_ms();

        side_init(&src, true);
        src.tcp = tcp;
        side_init(&dst, false);
        src.caps = dst.caps = VMS_CAP_SWITCHOVER_ACK;
        dst.mem.needs_ack = true;
        run_pair(&src, &dst, approve_later, &dst);
        if (src.ret)
            fail_msg("source: %s", src.err.message);
        assert_int_equal(dst.ret, 0);
        assert_true(src.st.switchover_acked);
        assert_true(approved_at >= start + 300);
        assert_true(src.mem.stop_at_ms >= approved_at); /* never stopped before the approval */
        /* nor wrote END: save_complete ran after it, and the destination read END after it */
        assert_true(src.mem.complete_at_ms >= src.mem.stop_at_ms);
        assert_true(dst.mem.end_at_ms >= approved_at);
        assert_int_equal(dst.mem.stamp, checksum(&src.mem));
        assert_memory_equal(dst.mem.data, src.mem.data, sizeof(src.mem.data));
        side_free(&src);
        side_free(&dst);
    }
}

static void test_ack_mismatch(void **state)
{
    static struct side src, dst;

    (void)state;
    /* the destination acknowledges, the source never asked */
    side_init(&src, true);
    side_init(&dst, false);
    dst.caps = VMS_CAP_SWITCHOVER_ACK;
    src.mem.redirty = PAGES;
    src.mem.forever = true;
    src.p.max_bandwidth = 1024 * 1024;
    src.p.downtime_limit_ms = 1;
    run_pair(&src, &dst, NULL, NULL);
    assert_int_equal(src.ret, VMS_ERR_CHECK);
    assert_non_null(strstr(src.err.message, "enable it on both sides"));
    side_free(&src);
    side_free(&dst);

    /* the source waits for an acknowledgement the destination never sends */
    side_init(&src, true);
    side_init(&dst, false);
    src.caps = VMS_CAP_SWITCHOVER_ACK;
    src.p.timeout_ms = 500;
    run_pair(&src, &dst, NULL, NULL);
    assert_int_equal(src.ret, VMS_ERR_TIMEOUT);
    assert_non_null(strstr(src.err.message, "no switchover-ack"));
    assert_int_equal(src.mem.stops, 0);
    side_free(&src);
    side_free(&dst);
}

static void test_one_way(void **state)
{
    static struct side src, dst;
    char path[] = "/tmp/vms-test-migrate-XXXXXX";
    char uri[64];
    int fd = mkstemp(path);
    vms_stream_t *st;

    (void)state;
    assert_true(fd >= 0);
    close(fd);
    snprintf(uri, sizeof(uri), "file:%s", path);
    side_init(&src, true);
    st = vms_stream_open(uri, VMS_WRITE, &src.err);
    assert_non_null(st);
    src.p.caps = VMS_CAP_SWITCHOVER_ACK;
    assert_int_equal(vms_migrate(src.r, st, &src.p, &src.st, &src.err), VMS_ERR_UNSUPPORTED);
    src.p.caps = 0;
    vms_error_init(&src.err);
    assert_int_equal(vms_migrate(src.r, st, &src.p, &src.st, &src.err), 0);
    assert_false(src.st.confirmed);
    assert_int_equal(vms_stream_close(st), 0);
    /* the file loads like any stream */
    side_init(&dst, false);
    st = vms_stream_open(uri, VMS_READ, &dst.err);
    assert_non_null(st);
    assert_int_equal(vms_incoming(dst.r, st, NULL, &dst.err), 0);
    vms_stream_close(st);
    assert_memory_equal(dst.mem.data, src.mem.data, sizeof(src.mem.data));
    unlink(path);
    side_free(&src);
    side_free(&dst);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_converges),
        cmocka_unit_test(test_converges_tcp),
        cmocka_unit_test(test_destination_dies),
        cmocka_unit_test(test_destination_refuses),
        cmocka_unit_test(test_does_not_converge),
        cmocka_unit_test(test_cancel),
        cmocka_unit_test(test_switchover_ack),
        cmocka_unit_test(test_ack_mismatch),
        cmocka_unit_test(test_one_way),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
