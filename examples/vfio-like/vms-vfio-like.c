/*
 * vms-vfio-like: a VFIO-style device with precopy initial data and switchover-ack.
 *
 * A VFIO device's vendor driver may have state the destination must load and
 * prepare before the guest may stop (QEMU's "precopy initial bytes"): the
 * source sends it first, and the destination tells the source through the
 * return path (SWITCHOVER_ACK) when it is ready. Until then the source keeps
 * iterating and does not stop the guest, even when everything else would fit
 * in the downtime limit.
 *
 * This device has a translation table (the initial data, --table KiB) and
 * device memory (--size MiB) that a worker thread keeps writing. On the wire,
 * every section's payload is a list of records, each a be64 tag:
 *
 *   TAG_SETUP       be32 table bytes, be32 memory pages        (START)
 *   TAG_TABLE       be32 offset, be32 length, the bytes         (PART)
 *   TAG_INIT_SENT   be32 checksum of the whole table            (PART, once)
 *   TAG_PAGE        be32 page index, PAGE bytes                 (PART, END)
 *   TAG_STATE       be32 checksum of table + memory when stopped (END)
 *   TAG_END         closes the payload
 *
 * The destination approves the switchover only once it has the whole table
 * and its checksum matched (its "preparation"); --approve-after-ms N delays
 * the approval by N ms more (a slow preparation), and "never" withholds it.
 *
 *   vms-vfio-like --incoming unix:/tmp/v.sock [--ready-file F] [--approve-after-ms N|never]
 *   vms-vfio-like --migrate unix:/tmp/v.sock [--bandwidth B[K|M|G]] [--timeout-s N]
 *
 * Both sides print one JSON line at the end, with CLOCK_MONOTONIC times in
 * ms (shared by the processes of one machine) so that a test can order the
 * source's stop and END against the destination's approval.
 */
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <vms/vms.h>

enum { PAGE = 4096, CHUNK = 16384 };

#define TAG_SETUP 0xffffffffef100003ull
#define TAG_TABLE 0xffffffffef100006ull
#define TAG_INIT_SENT 0xffffffffef100005ull
#define TAG_PAGE 0xffffffffef100004ull
#define TAG_STATE 0xffffffffef100002ull
#define TAG_END 0xffffffffef100001ull

struct dev {
    uint8_t *table, *mem, *shadow; /* shadow: the worker's own copy, to prove the state intact */
    size_t table_bytes, n_pages;
    /* source */
    size_t table_sent;
    bool init_sent;
    atomic_uchar *dirty;
    atomic_size_t n_dirty;
    pthread_t worker;
    atomic_bool stop_worker;
    bool worker_running;
    unsigned rate, stops, resumes;
    uint64_t idle_ms, stop_ms, complete_ms; /* first round with nothing pending; callbacks */
    uint32_t table_sum;
    /* destination */
    vms_registry_t *r;
    long approve_after_ms;                  /* < 0: never */
    uint64_t init_loaded_ms, approved_ms, end_ms;
    uint32_t state_sum;                     /* what the source sent in TAG_STATE */
    bool state_seen;
    pthread_mutex_t lock;
    pthread_cond_t cond;
    bool quit, init_loaded;
    pthread_t approver;
    int approve_ret;
};

static uint64_t now_ms(void)
{
    struct timespec t;

    clock_gettime(CLOCK_MONOTONIC, &t);
    return (uint64_t)t.tv_sec * 1000u + (uint64_t)t.tv_nsec / 1000000u;
}

static uint32_t fnv(uint32_t h, const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        h = (h ^ p[i]) * 16777619u;
    return h;
}

static uint32_t state_checksum(const struct dev *d)
{
    return fnv(fnv(2166136261u, d->table, d->table_bytes), d->mem, d->n_pages * PAGE);
}

/* ---- the source: a worker that keeps writing the device memory ---- */

static void *worker(void *arg)
{
    struct dev *d = arg;
    uint64_t x = 0x2545f4914f6cdd1du;

    while (!atomic_load(&d->stop_worker)) {
        struct timespec step = {0, 10 * 1000000L};

        for (unsigned k = 0; k < d->rate / 100; k++) {
            size_t i, b;

            x ^= x << 13, x ^= x >> 7, x ^= x << 17;
            i = (size_t)(x % d->n_pages);
            b = i * PAGE + (size_t)((x >> 32) % PAGE);
            __atomic_store_n(&d->mem[b], (uint8_t)x, __ATOMIC_RELAXED);
            d->shadow[b] = (uint8_t)x;
            if (atomic_exchange(&d->dirty[i], 1) == 0)
                atomic_fetch_add(&d->n_dirty, 1);
        }
        nanosleep(&step, NULL);
    }
    return NULL;
}

static int dev_stop(void *opaque)
{
    struct dev *d = opaque;

    atomic_store(&d->stop_worker, true);
    if (d->worker_running)
        pthread_join(d->worker, NULL);
    d->worker_running = false;
    d->stops++;
    d->stop_ms = now_ms();
    return 0;
}

static void dev_resume(void *opaque)
{
    struct dev *d = opaque;

    d->resumes++;
    atomic_store(&d->stop_worker, false);
    d->worker_running = pthread_create(&d->worker, NULL, worker, d) == 0;
}

static void put_page(vms_stream_t *s, struct dev *d, size_t i)
{
    uint8_t copy[PAGE];

    for (size_t b = 0; b < PAGE; b++)
        copy[b] = __atomic_load_n(&d->mem[i * PAGE + b], __ATOMIC_RELAXED);
    vms_put_be64(s, TAG_PAGE);
    vms_put_be32(s, (uint32_t)i);
    vms_put_buffer(s, copy, PAGE);
}

/* Dirty pages (test and clear, then copy) until @limited and the rate limit says stop. */
static void send_pages(vms_stream_t *s, struct dev *d, bool limited)
{
    for (size_t i = 0; i < d->n_pages; i++) {
        if (limited && vms_stream_rate_limit_exceeded(s))
            return;
        if (!atomic_exchange(&d->dirty[i], 0))
            continue;
        atomic_fetch_sub(&d->n_dirty, 1);
        put_page(s, d, i);
    }
}

static int dev_setup(vms_stream_t *s, void *opaque, vms_error_t *err)
{
    struct dev *d = opaque;

    (void)err;
    d->table_sent = 0;
    d->init_sent = false;
    for (size_t i = 0; i < d->n_pages; i++)
        if (atomic_exchange(&d->dirty[i], 1) == 0)
            atomic_fetch_add(&d->n_dirty, 1);
    vms_put_be64(s, TAG_SETUP);
    vms_put_be32(s, (uint32_t)d->table_bytes);
    vms_put_be32(s, (uint32_t)d->n_pages);
    vms_put_be64(s, TAG_END);
    return 0;
}

static uint64_t dev_pending(void *opaque, bool exact)
{
    struct dev *d = opaque;

    (void)exact;
    return (d->table_bytes - d->table_sent) + (d->init_sent ? 0 : 12) +
           atomic_load(&d->n_dirty) * (uint64_t)(PAGE + 12);
}

/* The table first (the initial data), then its checksum, then the dirty pages. */
static int dev_iterate(vms_stream_t *s, void *opaque, vms_error_t *err)
{
    struct dev *d = opaque;

    (void)err;
    while (d->table_sent < d->table_bytes && !vms_stream_rate_limit_exceeded(s)) {
        size_t n = d->table_bytes - d->table_sent < CHUNK ? d->table_bytes - d->table_sent : CHUNK;

        vms_put_be64(s, TAG_TABLE);
        vms_put_be32(s, (uint32_t)d->table_sent);
        vms_put_be32(s, (uint32_t)n);
        vms_put_buffer(s, d->table + d->table_sent, n);
        d->table_sent += n;
    }
    if (d->table_sent == d->table_bytes && !d->init_sent) {
        vms_put_be64(s, TAG_INIT_SENT);
        vms_put_be32(s, d->table_sum);
        d->init_sent = true;
    }
    if (d->init_sent)
        send_pages(s, d, true);
    vms_put_be64(s, TAG_END);
    if (d->init_sent && atomic_load(&d->n_dirty) == 0) {
        if (!d->idle_ms)
            d->idle_ms = now_ms();
        return 1;
    }
    return 0;
}

static int dev_complete(vms_stream_t *s, void *opaque, vms_error_t *err)
{
    struct dev *d = opaque;

    (void)err;
    d->complete_ms = now_ms();
    if (!d->init_sent) /* the driver never completes before the ack, which needs the table */
        return vms_error_set(err, VMS_ERR_INVAL, 0, -1, "vfio", "completion before the "
                             "initial data was sent");
    send_pages(s, d, false);
    vms_put_be64(s, TAG_STATE);
    vms_put_be32(s, state_checksum(d));
    vms_put_be64(s, TAG_END);
    return 0;
}

/* ---- the destination ---- */

static bool dev_ack_needed(void *opaque)
{
    (void)opaque;
    return true; /* the table must be loaded and checked first */
}

/* The approver: waits for the table, then @approve_after_ms more (or for the end). */
static void *approver(void *arg)
{
    struct dev *d = arg;
    bool approve = false;

    pthread_mutex_lock(&d->lock);
    while (!d->init_loaded && !d->quit)
        pthread_cond_wait(&d->cond, &d->lock);
    while (!d->quit && d->approve_after_ms < 0)
        pthread_cond_wait(&d->cond, &d->lock);
    while (!d->quit && !approve) {
        /* counted on CLOCK_MONOTONIC, as the times the test compares */
        uint64_t due = d->init_loaded_ms + (uint64_t)d->approve_after_ms, now = now_ms();
        struct timespec until;

        if (now >= due) {
            approve = true;
            break;
        }
        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_sec += (time_t)((due - now) / 1000);
        until.tv_nsec += (long)((due - now) % 1000) * 1000000L;
        if (until.tv_nsec >= 1000000000L)
            until.tv_sec++, until.tv_nsec -= 1000000000L;
        pthread_cond_timedwait(&d->cond, &d->lock, &until);
    }
    pthread_mutex_unlock(&d->lock);
    if (approve) {
        d->approved_ms = now_ms();
        d->approve_ret = vms_incoming_approve_switchover(d->r);
    }
    return NULL;
}

static int load_records(vms_stream_t *s, struct dev *d, vms_error_t *err)
{
    for (;;) {
        uint64_t tag = vms_get_be64(s);
        uint32_t a, b;

        if (vms_stream_error(s, err))
            return err->code;
        switch (tag) {
        case TAG_END:
            return 0;
        case TAG_SETUP:
            a = vms_get_be32(s), b = vms_get_be32(s);
            if (!vms_stream_error(s, err) && (a != d->table_bytes || b != d->n_pages))
                return vms_error_set(err, VMS_ERR_RANGE, 0, (int64_t)vms_stream_offset(s), "vfio",
                                     "the source's table is %" PRIu32 " bytes and %" PRIu32
                                     " pages, this side's %zu and %zu", a, b, d->table_bytes,
                                     d->n_pages);
            break;
        case TAG_TABLE:
            a = vms_get_be32(s), b = vms_get_be32(s);
            if (vms_stream_error(s, err))
                return err->code;
            if (a > d->table_bytes || b > d->table_bytes - a)
                return vms_error_set(err, VMS_ERR_RANGE, 0, (int64_t)vms_stream_offset(s), "vfio",
                                     "table chunk %" PRIu32 "+%" PRIu32 " is beyond the %zu "
                                     "bytes", a, b, d->table_bytes);
            vms_get_buffer(s, d->table + a, b);
            break;
        case TAG_INIT_SENT:
            a = vms_get_be32(s);
            if (vms_stream_error(s, err))
                return err->code;
            if (a != fnv(2166136261u, d->table, d->table_bytes))
                return vms_error_set(err, VMS_ERR_CHECK, 0, (int64_t)vms_stream_offset(s), "vfio",
                                     "the table loaded does not match its checksum");
            pthread_mutex_lock(&d->lock); /* prepared: the approver may go on */
            d->init_loaded_ms = now_ms();
            d->init_loaded = true;
            pthread_cond_broadcast(&d->cond);
            pthread_mutex_unlock(&d->lock);
            break;
        case TAG_PAGE:
            a = vms_get_be32(s);
            if (vms_stream_error(s, err))
                return err->code;
            if (a >= d->n_pages)
                return vms_error_set(err, VMS_ERR_RANGE, 0, (int64_t)vms_stream_offset(s), "vfio",
                                     "page %" PRIu32 " is beyond the %zu pages", a, d->n_pages);
            vms_get_buffer(s, d->mem + (size_t)a * PAGE, PAGE);
            break;
        case TAG_STATE:
            d->end_ms = now_ms();
            d->state_sum = vms_get_be32(s);
            d->state_seen = true;
            break;
        default:
            return vms_error_set(err, VMS_ERR_FORMAT, 0, (int64_t)vms_stream_offset(s) - 8, "vfio",
                                 "unknown record tag 0x%016" PRIx64, tag);
        }
    }
}

static int dev_load(vms_stream_t *s, void *opaque, int version, vms_error_t *err)
{
    (void)version;
    return load_records(s, opaque, err);
}

static const struct vms_live_ops dev_ops = {
    .save_setup = dev_setup,
    .pending = dev_pending,
    .save_iterate = dev_iterate,
    .save_complete = dev_complete,
    .load_state = dev_load,
    .switchover_ack_needed = dev_ack_needed,
};

/* ---- the command line ---- */

static const char usage[] =
    "usage: vms-vfio-like --incoming URI [--ready-file FILE] [--approve-after-ms N|never]\n"
    "       vms-vfio-like --migrate URI [--bandwidth BYTES[K|M|G]] [--timeout-s N]\n"
    "                     [--dirty-rate PAGES_PER_S] [--downtime-ms N]\n"
    "       both: [--size MiB] [--table KiB]\n"
    "\n"
    "A VFIO-like device (a --table KiB translation table sent first as precopy initial\n"
    "data, and --size MiB of device memory a worker keeps writing) migrated with\n"
    "switchover-ack: the destination approves only once the table loaded and checked,\n"
    "plus --approve-after-ms (default 0; \"never\" withholds the approval). --incoming\n"
    "listens on URI (tcp:HOST:0 picks a port) and writes the URI to connect to into\n"
    "--ready-file. Each side prints one JSON line with CLOCK_MONOTONIC times in ms.\n";

static int parse_num(const char *s, uint64_t *out)
{
    char *end;
    uint64_t mul = 1;
    unsigned long long v;

    errno = 0;
    v = strtoull(s, &end, 10);
    if (end == s || errno)
        return -1;
    if (*end == 'K' || *end == 'k')
        mul = 1024, end++;
    else if (*end == 'M' || *end == 'm')
        mul = 1024 * 1024, end++;
    else if (*end == 'G' || *end == 'g')
        mul = 1024ull * 1024 * 1024, end++;
    *out = (uint64_t)v * mul;
    return *end ? -1 : 0;
}

static void json_string(const char *s)
{
    putchar('"');
    for (; *s; s++)
        if (*s == '"' || *s == '\\')
            printf("\\%c", *s);
        else if ((unsigned char)*s < 0x20)
            printf("\\u%04x", (unsigned char)*s);
        else
            putchar(*s);
    putchar('"');
}

static int run_incoming(struct dev *d, const char *uri, const char *ready_file)
{
    vms_error_t err;
    vms_listener_t *l;
    vms_stream_t *s = NULL;
    struct vms_incoming_params p = {.caps = VMS_CAP_SWITCHOVER_ACK};
    bool verified;
    int ret;

    vms_error_init(&err);
    l = vms_listener_open(uri, &err);
    if (l && ready_file) {
        char buf[300];
        FILE *f;

        if (strncmp(uri, "tcp:", 4) == 0) {
            const char *colon = strrchr(uri, ':');

            snprintf(buf, sizeof(buf), "%.*s:%d", (int)(colon - uri), uri, vms_listener_port(l));
        } else {
            snprintf(buf, sizeof(buf), "%s", uri);
        }
        f = fopen(ready_file, "w");
        if (!f || fputs(buf, f) < 0 || fclose(f) != 0) {
            fprintf(stderr, "vms-vfio-like: cannot write %s\n", ready_file);
            vms_listener_close(l);
            return 1;
        }
    }
    s = l ? vms_listener_accept(l, &err) : NULL;
    if (s)
        vms_stream_set_timeout(s, 30000);
    pthread_create(&d->approver, NULL, approver, d);
    ret = s ? vms_incoming(d->r, s, &p, &err) : err.code;
    pthread_mutex_lock(&d->lock);
    d->quit = true;
    pthread_cond_broadcast(&d->cond);
    pthread_mutex_unlock(&d->lock);
    pthread_join(d->approver, NULL);
    if (s)
        vms_stream_close(s);
    if (l)
        vms_listener_close(l);
    verified = ret == 0 && d->state_seen && d->state_sum == state_checksum(d);
    printf("{\"status\": \"%s\", \"verified\": %s, \"checksum\": \"0x%08" PRIx32 "\", "
           "\"init_loaded_ms\": %" PRIu64 ", \"approved_ms\": %" PRIu64 ", \"approve_result\": %d"
           ", \"end_ms\": %" PRIu64 ", \"error\": ", ret == 0 ? "completed" : "failed",
           verified ? "true" : "false", state_checksum(d), d->init_loaded_ms, d->approved_ms,
           d->approve_ret, d->end_ms);
    if (ret)
        json_string(err.message);
    else
        printf("null");
    printf("}\n");
    return verified ? 0 : 1;
}

static int run_migrate(struct dev *d, const char *uri, uint64_t bandwidth, uint64_t downtime,
                       uint64_t timeout_s)
{
    struct vms_migrate_params p = {
        .max_bandwidth = bandwidth, .downtime_limit_ms = downtime, .timeout_ms = timeout_s * 1000,
        .caps = VMS_CAP_SWITCHOVER_ACK, .stop = dev_stop, .resume = dev_resume, .opaque = d,
    };
    struct vms_migrate_stats st = {0};
    vms_error_t err;
    vms_stream_t *s;
    uint32_t table_before = d->table_sum;
    uint64_t stop_ms;
    bool intact;
    int ret;

    vms_error_init(&err);
    dev_resume(d); /* the device runs */
    d->resumes = 0;
    s = vms_stream_open(uri, VMS_WRITE, &err);
    if (s)
        vms_stream_set_timeout(s, 30000);
    ret = s ? vms_migrate(d->r, s, &p, &st, &err) : err.code;
    if (s && vms_stream_close(s) && ret == 0)
        ret = VMS_ERR_IO;
    /* the device's state is what its worker wrote, and the table is unchanged */
    intact = d->stops == d->resumes || ret == 0;
    stop_ms = d->stops ? d->stop_ms : 0; /* 0: never stopped */
    dev_stop(d);
    intact = intact && memcmp(d->mem, d->shadow, d->n_pages * PAGE) == 0 &&
             fnv(2166136261u, d->table, d->table_bytes) == table_before;
    printf("{\"status\": \"%s\", \"iterations\": %" PRIu64 ", \"total_bytes\": %" PRIu64
           ", \"downtime_ms\": %" PRIu64 ", \"switchover_acked\": %s, \"stops\": %u"
           ", \"resumes\": %u, \"state_intact\": %s, \"idle_ms\": %" PRIu64 ", \"stop_ms\": %"
           PRIu64 ", \"complete_ms\": %" PRIu64 ", \"finished_ms\": %" PRIu64 ", \"error\": ",
           ret == 0 ? "completed" : "failed", st.iterations, st.total_bytes, st.downtime_ms,
           st.switchover_acked ? "true" : "false", d->stops - 1, d->resumes,
           intact ? "true" : "false", d->idle_ms, stop_ms,
           d->complete_ms, now_ms());
    if (ret)
        json_string(err.message);
    else
        printf("null");
    printf("}\n");
    return ret == 0 && intact ? 0 : 1;
}

int main(int argc, char **argv)
{
    const char *incoming = NULL, *migrate = NULL, *ready_file = NULL;
    uint64_t size_mib = 8, table_kib = 1024, bandwidth = 0, timeout_s = 30, rate = 1000;
    uint64_t downtime = 300, after = 0;
    static struct dev d;
    int ret;

    for (int i = 1; i < argc; i += 2) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        uint64_t *num = NULL;

        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            fputs(usage, stdout);
            return 0;
        }
        if (!v) {
            fprintf(stderr, "vms-vfio-like: missing value for %s\n\n%s", a, usage);
            return 2;
        }
        if (strcmp(a, "--incoming") == 0)
            incoming = v;
        else if (strcmp(a, "--migrate") == 0)
            migrate = v;
        else if (strcmp(a, "--ready-file") == 0)
            ready_file = v;
        else if (strcmp(a, "--approve-after-ms") == 0 && strcmp(v, "never") == 0)
            d.approve_after_ms = -1;
        else if (strcmp(a, "--approve-after-ms") == 0)
            num = &after;
        else if (strcmp(a, "--size") == 0)
            num = &size_mib;
        else if (strcmp(a, "--table") == 0)
            num = &table_kib;
        else if (strcmp(a, "--bandwidth") == 0)
            num = &bandwidth;
        else if (strcmp(a, "--timeout-s") == 0)
            num = &timeout_s;
        else if (strcmp(a, "--dirty-rate") == 0)
            num = &rate;
        else if (strcmp(a, "--downtime-ms") == 0)
            num = &downtime;
        else {
            fprintf(stderr, "vms-vfio-like: unknown option %s\n\n%s", a, usage);
            return 2;
        }
        if (num && parse_num(v, num)) {
            fprintf(stderr, "vms-vfio-like: bad number for %s: %s\n\n%s", a, v, usage);
            return 2;
        }
    }
    if (!incoming == !migrate || size_mib == 0 || size_mib > 4096 || table_kib == 0 ||
        table_kib > 1048576 || rate > 1000000 || after > 3600000) {
        fprintf(stderr, "vms-vfio-like: give exactly one of --incoming and --migrate; --size "
                "1..4096, --table 1..1048576, --dirty-rate at most 1000000\n\n%s", usage);
        return 2;
    }
    if (d.approve_after_ms == 0)
        d.approve_after_ms = (long)after;
    d.table_bytes = (size_t)table_kib * 1024;
    d.n_pages = (size_t)size_mib * (1048576 / PAGE);
    d.rate = (unsigned)rate;
    d.table = calloc(d.table_bytes, 1);
    d.mem = calloc(d.n_pages, PAGE);
    d.shadow = calloc(d.n_pages, PAGE);
    d.dirty = calloc(d.n_pages, sizeof(*d.dirty));
    d.r = vms_registry_new("vms-vfio-like");
    pthread_mutex_init(&d.lock, NULL);
    pthread_cond_init(&d.cond, NULL);
    if (!d.table || !d.mem || !d.shadow || !d.dirty || !d.r ||
        vms_register_live(d.r, "vfio", 0, 1, &dev_ops, &d) != 0) {
        fprintf(stderr, "vms-vfio-like: out of memory\n");
        return 1;
    }
    if (incoming) {
        ret = run_incoming(&d, incoming, ready_file);
    } else {
        for (size_t i = 0; i < d.table_bytes; i++)
            d.table[i] = (uint8_t)(i * 2654435761u >> 13);
        for (size_t i = 0; i < d.n_pages * PAGE; i++)
            d.mem[i] = d.shadow[i] = (uint8_t)(i ^ i >> 12);
        d.table_sum = fnv(2166136261u, d.table, d.table_bytes);
        ret = run_migrate(&d, migrate, bandwidth, downtime, timeout_s);
    }
    vms_registry_free(d.r);
    free(d.table);
    free(d.mem);
    free(d.shadow);
    free(d.dirty);
    return ret;
}
