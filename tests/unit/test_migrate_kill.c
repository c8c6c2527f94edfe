/*
 * test_migrate_kill.c: the destination of a live migration is a separate
 * process, killed (SIGKILL) at a random moment; several seeds, over a unix
 * socket and loopback TCP.
 *
 * Whatever the moment, the source must end cleanly: either the migration
 * completed and was confirmed (the kill came after the verdict), or it
 * failed with the connection's error, the stop callback was undone by
 * resume when it had run, the source's state is what its guest wrote (a
 * shadow copy proves the migration only read it), and a second migration to
 * a fresh destination from the same source completes and verifies. Every
 * wait is bounded: stream timeouts, the migration's timeout, waitpid after
 * the kill.
 */
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "page_records.h"
#include "testutil.h"

enum { PAGES = 128, PAGE = 4096 };

struct dev {
    uint8_t data[PAGES][PAGE];
    uint8_t shadow[PAGES][PAGE]; /* source: what the guest wrote, kept apart */
    bool dirty[PAGES];
    int redirty;                 /* pages the guest writes after each iteration (drops by 1) */
    uint32_t seed;
    int stops, resumes;
    /* destination */
    int loads;
    bool stamped;
    uint32_t stamp;
};

static struct page_set pages_of(struct dev *d)
{
    return (struct page_set){.data = &d->data[0][0], .dirty = d->dirty, .pages = PAGES,
                             .page_size = PAGE};
}

static uint32_t checksum(struct dev *d)
{
    struct page_set p = pages_of(d);

    return page_set_checksum(&p);
}

static void send_dirty(vms_stream_t *s, struct dev *d, bool limited)
{
    struct page_set p = pages_of(d);

    page_set_send(s, &p, PAGES, limited);
}

static int dev_setup(vms_stream_t *s, void *opaque, vms_error_t *err)
{
    struct page_set p = pages_of(opaque);

    (void)err;
    page_set_setup(s, &p);
    return 0;
}

static int dev_iterate(vms_stream_t *s, void *opaque, vms_error_t *err)
{
    struct dev *d = opaque;

    (void)err;
    send_dirty(s, d, true);
    for (int k = 0; k < d->redirty; k++) { /* the guest writes on, in both copies */
        uint32_t i = (d->seed = d->seed * 1103515245u + 12345u) >> 8 & (PAGES - 1);
        uint8_t v = (uint8_t)(d->seed >> 24);

        d->data[i][k % PAGE] = v;
        d->shadow[i][k % PAGE] = v;
        d->dirty[i] = true;
    }
    if (d->redirty > 0)
        d->redirty--;
    return 1;
}

static int dev_complete(vms_stream_t *s, void *opaque, vms_error_t *err)
{
    struct dev *d = opaque;

    (void)err;
    send_dirty(s, d, false);
    vms_put_u8(s, 0x01); /* END: the source's checksum, taken stopped */
    vms_put_be32(s, checksum(d));
    return 0;
}

static uint64_t dev_pending(void *opaque, bool exact)
{
    struct page_set p = pages_of(opaque);

    (void)exact;
    return page_set_pending(&p, PAGE + 4);
}

static int dev_load(vms_stream_t *s, void *opaque, int version, vms_error_t *err)
{
    struct dev *d = opaque;
    struct page_set p = pages_of(d);
    uint8_t next;
    int ret;

    (void)version;
    ret = d->loads++ == 0 ? page_set_load_count(s, &p, err) : page_set_load(s, &p, err);
    if (ret || d->loads == 1)
        return ret;
    if (vms_stream_peek(s, &next, 1, 0) == 1 && next == 0x01) { /* END's checksum */
        vms_get_u8(s);
        d->stamp = vms_get_be32(s);
        d->stamped = true;
    }
    return vms_stream_error(s, err);
}

static const struct vms_live_ops dev_ops = {
    .save_setup = dev_setup,
    .pending = dev_pending,
    .save_iterate = dev_iterate,
    .save_complete = dev_complete,
    .load_state = dev_load,
};

/* ---- the destination process ---- */

static unsigned run_no;

/*
 * Forks a destination that listens (on a fresh unix path, or on a loopback port it picks),
 * tells the parent where through a pipe, loads one migration and exits 0 when it loaded and
 * its memory matched the source's checksum. Fills @uri; returns the child's pid.
 */
static pid_t spawn_destination(bool tcp, char *uri, size_t len)
{
    int p[2], port = -1;
    pid_t pid;

    if (tcp)
        snprintf(uri, len, "tcp:127.0.0.1:0");
    else
        snprintf(uri, len, "unix:/tmp/vms-test-kill-%d-%u", (int)getpid(), run_no++);
    assert_int_equal(pipe(p), 0);
    pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        static struct dev d;
        static struct ctrl_regs regs;
        vms_error_t err;
        vms_registry_t *r = vms_registry_new("pc-kill");
        vms_listener_t *l;
        vms_stream_t *s;
        int ret;

        close(p[0]);
        vms_error_init(&err);
        if (!r || vms_register_live(r, "mem", 0, 1, &dev_ops, &d) ||
            vms_register(r, "regs", 0, &ctrl_regs_desc, &regs))
            _exit(3);
        l = vms_listener_open(uri, &err);
        port = l ? (tcp ? vms_listener_port(l) : 0) : -1;
        if (write(p[1], &port, sizeof(port)) != (ssize_t)sizeof(port) || !l)
            _exit(4);
        close(p[1]);
        s = vms_listener_accept(l, &err);
        if (!s)
            _exit(5);
        vms_stream_set_timeout(s, 20000);
        ret = vms_incoming(r, s, NULL, &err);
        vms_stream_close(s);
        vms_listener_close(l);
        _exit(ret == 0 && d.stamped && d.stamp == checksum(&d) &&
                      regs.ctrl == 0x5a5a
                  ? 0
                  : 1);
    }
    close(p[1]);
    assert_int_equal(read(p[0], &port, sizeof(port)), (ssize_t)sizeof(port));
    close(p[0]);
    assert_true(port >= 0);
    if (tcp)
        snprintf(uri, len, "tcp:127.0.0.1:%d", port);
    return pid;
}

/* ---- the source ---- */

struct source {
    struct dev dev;
    struct ctrl_regs regs;
    vms_registry_t *r;
};

static int do_stop(void *opaque)
{
    ((struct source *)opaque)->dev.stops++;
    return 0;
}

static void do_resume(void *opaque)
{
    ((struct source *)opaque)->dev.resumes++;
}

static int migrate(struct source *src, const char *uri, uint64_t bandwidth,
                   struct vms_migrate_stats *st, vms_error_t *err)
{
    struct vms_migrate_params p = {.max_bandwidth = bandwidth, .downtime_limit_ms = 50,
                                   .timeout_ms = 20000, .stop = do_stop, .resume = do_resume,
                                   .opaque = src};
    vms_stream_t *s;
    int ret;

    memset(st, 0, sizeof(*st));
    vms_error_init(err);
    s = vms_stream_open(uri, VMS_WRITE, err);
    if (!s)
        return err->code;
    vms_stream_set_timeout(s, 10000);
    ret = vms_migrate(src->r, s, &p, st, err);
    vms_stream_close(s);
    return ret;
}

struct killer {
    pid_t pid;
    long delay_ms;
};

static void *kill_later(void *arg)
{
    const struct killer *k = arg;
    struct timespec t = {k->delay_ms / 1000, k->delay_ms % 1000 * 1000000L};

    nanosleep(&t, NULL); /* the random moment; nothing is timed or asserted here */
    kill(k->pid, SIGKILL);
    return NULL;
}

static void unlink_uri(const char *uri)
{
    if (strncmp(uri, "unix:", 5) == 0)
        unlink(uri + 5);
}

static void kill_at_random(bool tcp)
{
    static const unsigned seeds[] = {1, 7, 42, 1234, 9001, 31337, 65521, 271828};
    int failed = 0, completed = 0;

    for (size_t n = 0; n < sizeof(seeds) / sizeof(seeds[0]); n++) {
        static struct source src;
        struct vms_migrate_stats st;
        struct killer k;
        vms_error_t err;
        pthread_t t;
        char uri[128];
        int ret, status;
        unsigned x = seeds[n];

        memset(&src, 0, sizeof(src));
        for (int i = 0; i < PAGES; i++)
            for (int j = 0; j < PAGE; j++)
                src.dev.data[i][j] = src.dev.shadow[i][j] = (uint8_t)(i * 31 + j);
        src.dev.redirty = 24;
        src.dev.seed = seeds[n];
        src.regs.ctrl = 0x5a5a;
        src.r = vms_registry_new("pc-kill");
        assert_non_null(src.r);
        assert_int_equal(vms_register_live(src.r, "mem", 0, 1, &dev_ops, &src.dev), 0);
        assert_int_equal(vms_register(src.r, "regs", 0, &ctrl_regs_desc, &src.regs), 0);

        /* 512 KiB and the guest's rewrites at 1 MiB/s take about a second: kill within it */
        x = x * 1103515245u + 12345u;
        k.delay_ms = (long)(x >> 8) % 1200;
        k.pid = spawn_destination(tcp, uri, sizeof(uri));
        assert_int_equal(pthread_create(&t, NULL, kill_later, &k), 0);
        ret = migrate(&src, uri, 1024 * 1024, &st, &err);
        pthread_join(t, NULL);
        assert_int_equal(waitpid(k.pid, &status, 0), k.pid);
        unlink_uri(uri);
        printf("%s seed %u, kill at %ld ms: %s%s\n", tcp ? "tcp" : "unix", seeds[n], k.delay_ms,
               ret ? "failed: " : "completed", ret ? err.message : "");

        if (ret == 0) { /* the kill came after the verdict */
            completed++;
            assert_true(st.confirmed);
            assert_int_equal(src.dev.stops, 1);
            assert_int_equal(src.dev.resumes, 0);
        } else {
            failed++;
            assert_int_equal(err.code, ret);
            assert_true(ret == VMS_ERR_IO || ret == VMS_ERR_CLOSED || ret == VMS_ERR_EOF);
            assert_true(err.message[0] != 0);
            assert_false(st.confirmed);
            assert_int_equal(src.dev.resumes, src.dev.stops); /* resumed when it had stopped */
        }
        /* the source's state: only read, whatever happened */
        assert_memory_equal(src.dev.data, src.dev.shadow, sizeof(src.dev.data));
        assert_int_equal(src.regs.ctrl, 0x5a5a);

        if (ret) { /* and the source can go on: a fresh destination gets all of it */
            pid_t pid = spawn_destination(tcp, uri, sizeof(uri));

            src.dev.redirty = 4;
            ret = migrate(&src, uri, 0, &st, &err);
            assert_int_equal(waitpid(pid, &status, 0), pid);
            unlink_uri(uri);
            if (ret)
                fail_msg("the second migration after a kill failed: %s", err.message);
            assert_true(st.confirmed);
            assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0); /* it verified */
        }
        vms_registry_free(src.r);
    }
    printf("%s: %d migrations failed cleanly, %d completed before the kill\n",
           tcp ? "tcp" : "unix", failed, completed);
    assert_true(failed > 0); /* most kill points land inside the migration */
}

static void test_kill_unix(void **state)
{
    (void)state;
    kill_at_random(false);
}

static void test_kill_tcp(void **state)
{
    (void)state;
    kill_at_random(true);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_kill_unix),
        cmocka_unit_test(test_kill_tcp),
    };

    setvbuf(stdout, NULL, _IOLBF, 0);
    return cmocka_run_group_tests(tests, NULL, NULL);
}
