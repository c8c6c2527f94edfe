/* test_rate_limit.c: the writer rate limit on a fake clock: the 1 s window bound, the non-blocking query, counters. */
#include <stdlib.h>
#include <string.h>

#include "stream_fixtures.h"
#include "vms_private.h"

#define NS 1000000000ull
#define MAX_WRITES 100000

/* The fake clock: sleeping advances it; nothing else does. */
struct fake {
    uint64_t now;
    unsigned sleeps;
    /* What the transport saw: each write's time and size. */
    uint64_t at[MAX_WRITES];
    size_t n[MAX_WRITES];
    size_t writes;
    uint64_t total;
};

static uint64_t fake_now(void *opaque)
{
    return ((struct fake *)opaque)->now;
}

static void fake_sleep(void *opaque, uint64_t ns)
{
    struct fake *f = opaque;

    f->now += ns;
    f->sleeps++;
}

static ssize_t rec_write(void *ctx, const void *buf, size_t len, vms_error_t *err)
{
    struct fake *f = ctx;

    (void)buf;
    (void)err;
    assert_true(f->writes < MAX_WRITES);
    f->at[f->writes] = f->now;
    f->n[f->writes++] = len;
    f->total += len;
    return (ssize_t)len;
}

static int rec_close(void *ctx, vms_error_t *err)
{
    (void)ctx;
    (void)err;
    return 0;
}

static const struct vms_transport_ops rec_ops = {
    .name = "recorder",
    .write = rec_write,
    .close = rec_close,
};

static vms_stream_t *limited_writer(struct fake *f, uint64_t cap)
{
    struct vms_clock clock = {fake_now, fake_sleep, f};
    vms_stream_t *s = vms_stream_new(&rec_ops, f, VMS_WRITE, NULL);

    assert_non_null(s);
    vms_stream_set_clock(s, &clock);
    assert_int_equal(vms_stream_set_rate_limit(s, cap), 0);
    assert_int_equal(vms_stream_rate_limit(s), cap);
    return s;
}

/* The largest byte count of any 1 s window [t, t + 1 s) starting at a write. */
static uint64_t max_window(const struct fake *f)
{
    uint64_t best = 0, sum = 0;
    size_t i, j = 0;

    for (i = 0; i < f->writes; i++) {
        while (j < f->writes && f->at[j] < f->at[i] + NS)
            sum += f->n[j++];
        if (sum > best)
            best = sum;
        sum -= f->n[i];
    }
    return best;
}

/* Mixed put sizes, so the buffered path and the direct path for big buffers both run. */
static void produce(vms_stream_t *s, uint64_t total)
{
    static uint8_t big[200000];
    uint64_t done = 0;
    unsigned k = 0;

    while (done < total) {
        size_t n = (k++ % 7 == 0) ? sizeof(big) : 1 + (k * 37) % 3000;

        if (n > total - done)
            n = (size_t)(total - done);
        vms_put_buffer(s, big, n);
        done += n;
    }
}

static void check_cap(uint64_t cap, uint64_t total)
{
    struct fake *f = calloc(1, sizeof(*f));
    struct vms_stream_stats st;
    vms_stream_t *s;
    uint64_t bound = cap + cap / 20 + VMSP_STREAM_BUF, window;

    assert_non_null(f);
    s = limited_writer(f, cap);
    produce(s, total);
    assert_int_equal(vms_stream_flush(s), 0);
    vms_stream_get_stats(s, &st);
    assert_int_equal(st.bytes_written, total);
    assert_int_equal(vms_stream_close(s), 0);
    assert_int_equal(f->total, total);
    window = max_window(f);
    if (window > bound)
        fail_msg("cap %llu: %llu bytes in one second, bound %llu", (unsigned long long)cap,
                 (unsigned long long)window, (unsigned long long)bound);
    /* It really waited: the fake time covers the bytes beyond the first burst at the cap. */
    assert_true(f->now >= (total - cap / 20 - VMSP_STREAM_BUF) / cap * NS - NS);
    assert_true(st.rate_waits > 0);
    assert_int_equal(st.rate_waits, f->sleeps);
    free(f);
}

static void test_window_bound(void **state)
{
    (void)state;
    check_cap(1000000, 12000000);   /* 1 MB/s for 12 s */
    check_cap(100000, 2000000);     /* the chunk is a third of the cap */
    check_cap(50000000, 400000000); /* 50 MB/s */
    check_cap(3000, 200000);        /* far below one buffer per second */
}

/* Without a limit nothing waits and the fake time stands still. */
static void test_unlimited(void **state)
{
    struct fake *f = calloc(1, sizeof(*f));
    vms_stream_t *s;

    (void)state;
    assert_non_null(f);
    s = limited_writer(f, 1000);
    assert_int_equal(vms_stream_set_rate_limit(s, 0), 0);
    produce(s, 5000000);
    assert_false(vms_stream_rate_limit_exceeded(s));
    assert_int_equal(vms_stream_close(s), 0);
    assert_int_equal(f->now, 0);
    assert_int_equal(f->sleeps, 0);
    free(f);
}

/* The non-blocking query counts buffered bytes and never sleeps. */
static void test_exceeded_query(void **state)
{
    struct fake *f = calloc(1, sizeof(*f));
    static uint8_t bytes[30000];
    vms_stream_t *s;

    (void)state;
    assert_non_null(f);
    s = limited_writer(f, 1000000); /* bucket: 50000 bytes */
    vms_put_buffer(s, bytes, 30000);
    assert_false(vms_stream_rate_limit_exceeded(s));
    assert_int_equal(vms_stream_flush(s), 0); /* 20000 left */
    vms_put_buffer(s, bytes, 25000);
    assert_true(vms_stream_rate_limit_exceeded(s));
    f->now += 10000000; /* 10 ms: 10000 more */
    assert_false(vms_stream_rate_limit_exceeded(s));
    assert_int_equal(f->sleeps, 0);
    assert_int_equal(vms_stream_close(s), 0);
    free(f);
}

static void test_counters_and_misuse(void **state)
{
    struct fake *f = calloc(1, sizeof(*f));
    struct vms_stream_stats st;
    static const uint8_t data[100];
    vms_stream_t *s, *r;

    (void)state;
    assert_non_null(f);
    s = limited_writer(f, 0);
    vms_put_buffer(s, data, sizeof(data));
    vms_stream_get_stats(s, &st);
    assert_int_equal(st.bytes_written, 0); /* still buffered */
    assert_int_equal(vms_stream_flush(s), 0);
    vms_stream_get_stats(s, &st);
    assert_int_equal(st.bytes_written, 100);
    assert_int_equal(st.bytes_read, 0);
    assert_int_equal(vms_stream_close(s), 0);

    r = vms_stream_mem_reader(data, sizeof(data));
    assert_int_equal(vms_stream_set_rate_limit(r, 10), VMS_ERR_INVAL);
    assert_false(vms_stream_rate_limit_exceeded(r));
    vms_stream_skip(r, 40);
    vms_stream_get_stats(r, &st);
    assert_int_equal(st.bytes_read, 40);
    vms_stream_close(r);
    r = vms_stream_mem_writer();
    assert_int_equal(vms_stream_set_rate_limit(r, 10), VMS_ERR_INVAL);
    vms_stream_close(r);
    free(f);
}

/* The default clock (CLOCK_MONOTONIC, nanosleep) really sleeps; only counters are checked. */
static void test_real_clock(void **state)
{
    struct fake *f = calloc(1, sizeof(*f));
    static uint8_t bytes[100000];
    struct vms_stream_stats st;
    vms_stream_t *s;

    (void)state;
    assert_non_null(f);
    s = vms_stream_new(&rec_ops, f, VMS_WRITE, NULL);
    assert_non_null(s);
    vms_stream_set_clock(s, NULL);
    assert_int_equal(vms_stream_set_rate_limit(s, 1000000), 0); /* 100 KB: about 50 ms of sleep */
    vms_put_buffer(s, bytes, sizeof(bytes));
    assert_int_equal(vms_stream_flush(s), 0);
    vms_stream_get_stats(s, &st);
    assert_int_equal(st.bytes_written, sizeof(bytes));
    assert_true(st.rate_waits > 0 && st.rate_wait_ns > 0);
    assert_int_equal(vms_stream_close(s), 0);
    free(f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_window_bound),
        cmocka_unit_test(test_unlimited),
        cmocka_unit_test(test_exceeded_query),
        cmocka_unit_test(test_counters_and_misuse),
        cmocka_unit_test(test_real_clock),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
