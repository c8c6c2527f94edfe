/* migrate.c: the source of a live migration (vms_migrate), QEMU's migration thread. */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <vms/migrate.h>
#include <vms/return_path.h>

#include "registry_private.h"

enum {
    WINDOW_MS = 100,            /* bandwidth and threshold are recomputed this often (QEMU) */
    VERDICT_TIMEOUT_MS = 60000, /* waiting for SHUT when no overall timeout was given */
    CMD_OPEN_RETURN_PATH = 1,
    CMD_PING = 2,
};

struct mig {
    vms_registry_t *r;
    vms_stream_t *s;
    vms_stream_t *rp;             /* the return path, or NULL on a one-way transport */
    const struct vms_migrate_params *p;
    struct vms_migrate_stats st;
    vms_error_t *err;
    struct vmsp_entry **order;
    uint64_t t0, window_start, window_bytes, threshold, downtime_ms;
    bool stopped, shut, shut_ok;
};

static uint64_t now_ms(void)
{
    struct timespec t;

    clock_gettime(CLOCK_MONOTONIC, &t);
    return (uint64_t)t.tv_sec * 1000u + (uint64_t)t.tv_nsec / 1000000u;
}

static int fail(struct mig *m, int code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static int fail(struct mig *m, int code, const char *fmt, ...)
{
    char msg[VMS_ERROR_MESSAGE_MAX];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    return vms_error_set(m->err, code, 0, (int64_t)vms_stream_offset(m->s), NULL, "%s", msg);
}

static void send_command(vms_stream_t *s, uint16_t cmd, const void *data, uint16_t len)
{
    vms_put_u8(s, VMSP_SEC_COMMAND);
    vms_put_be16(s, cmd);
    vms_put_be16(s, len);
    vms_put_buffer(s, data, len);
}

/* One return-path message, if one is there within @timeout_ms; 0, or an error. */
static int poll_rp(struct mig *m, long timeout_ms)
{
    struct vms_rp_msg msg;
    vms_error_t e;
    int ret;

    if (!m->rp || m->shut)
        return 0;
    vms_error_init(&e);
    ret = vms_rp_recv(m->rp, &msg, timeout_ms, &e);
    if (ret == VMS_ERR_TIMEOUT)
        return 0;
    if (ret == VMS_ERR_EOF || ret == VMS_ERR_CLOSED)
        return vms_error_set(m->err, ret, e.sys_errno, e.offset, NULL, "the destination closed "
                             "the connection %s (return path: %s)", m->stopped ?
                             "before its verdict" : "during the iterations", e.message);
    if (ret)
        return vms_error_set(m->err, ret, e.sys_errno, e.offset, NULL, "return path: %s",
                             e.message);
    switch (msg.type) {
    case VMS_RP_SWITCHOVER_ACK:
        if (!(m->p->caps & VMS_CAP_SWITCHOVER_ACK))
            return fail(m, VMS_ERR_CHECK, "the destination acknowledged the switchover, but this "
                        "source did not enable switchover-ack: enable it on both sides or neither");
        m->st.switchover_acked = true;
        return 0;
    case VMS_RP_SHUT:
        m->shut = true;
        m->shut_ok = vms_rp_msg_u32(&msg) == 0;
        return 0;
    case VMS_RP_PONG:
        return 0;
    default:
        return fail(m, VMS_ERR_UNSUPPORTED, "return path: unexpected %s message",
                    vms_rp_type_name(msg.type));
    }
}

static uint64_t bytes_sent(const struct mig *m)
{
    struct vms_stream_stats st;

    vms_stream_get_stats(m->s, &st);
    return st.bytes_written;
}

/*
 * Recomputes bandwidth and threshold once a window is over (or now when @force and the
 * migration is at least 10 ms old: the switchover of a migration shorter than a window);
 * reports progress. The bandwidth is capped at max_bandwidth: a window can measure more than
 * the cap (the limiter's burst, the socket's buffer), but the bytes left for the downtime go
 * out at the cap, and a threshold from the first, inflated window made the downtime 1.4x the
 * limit (tests/bench/bench_live.sh, 64 MiB at 100 MiB/s).
 */
static void update_window(struct mig *m, bool force)
{
    uint64_t now = now_ms(), bytes = bytes_sent(m), elapsed = now - m->window_start;
    uint64_t limit = m->p->downtime_limit_ms ? m->p->downtime_limit_ms
                                             : VMS_MIGRATE_DOWNTIME_DEFAULT_MS;

    if (elapsed < WINDOW_MS && !(force && m->st.bandwidth == 0 && now - m->t0 >= 10))
        return;
    if (elapsed > 0)
        m->st.bandwidth = (bytes - m->window_bytes) * 1000u / elapsed;
    if (m->p->max_bandwidth && m->st.bandwidth > m->p->max_bandwidth)
        m->st.bandwidth = m->p->max_bandwidth;
    m->threshold = m->st.bandwidth * limit / 1000u;
    m->window_start = now;
    m->window_bytes = bytes;
    m->st.total_bytes = vms_stream_offset(m->s);
    if (m->p->progress)
        m->p->progress(&m->st, m->p->opaque);
}

/* Setup: commands, START sections. */
static int setup(struct mig *m)
{
    static const uint8_t ping1[4] = {0, 0, 0, 1};
    int ret = vmsp_save_begin(m->r, m->s, &m->order, m->err);

    if (ret)
        return ret;
    if (m->rp) {
        send_command(m->s, CMD_OPEN_RETURN_PATH, NULL, 0);
        send_command(m->s, CMD_PING, ping1, sizeof(ping1));
    }
    ret = vmsp_live_setup(m->order, m->r->n, m->s, m->err);
    if (ret == 0)
        ret = vms_stream_flush(m->s) ? vms_stream_error(m->s, m->err) : 0;
    if (ret == 0 && m->p->max_bandwidth)
        vms_stream_set_rate_limit(m->s, m->p->max_bandwidth);
    return ret;
}

/* Iterates until the rest fits in the downtime limit (and the switchover was acknowledged). */
static int iterate(struct mig *m)
{
    for (;;) {
        uint64_t pending;
        bool can_switch = !(m->p->caps & VMS_CAP_SWITCHOVER_ACK) || m->st.switchover_acked;
        int ret = poll_rp(m, 0);

        if (ret)
            return ret;
        if (m->shut)
            return fail(m, VMS_ERR_CLOSED, "the destination gave up before the switchover");
        if (vmsp_registry_cancelled(m->r))
            return fail(m, VMS_ERR_CANCELLED, "migration cancelled");
        if (m->p->timeout_ms && now_ms() - m->t0 > m->p->timeout_ms)
            return fail(m, VMS_ERR_TIMEOUT, "did not converge in %" PRIu64 " ms: %" PRIu64
                        " bytes pending, bandwidth %" PRIu64 " B/s, threshold %" PRIu64
                        " bytes%s", m->p->timeout_ms, m->st.pending, m->st.bandwidth,
                        m->threshold, can_switch ? "" : ", no switchover-ack from the destination");
        update_window(m, false);
        pending = vmsp_live_pending(m->order, m->r->n, false);
        if (pending <= m->threshold)
            pending = vmsp_live_pending(m->order, m->r->n, true);
        m->st.pending = pending;
        if (pending <= m->threshold && can_switch)
            return 0;
        if (pending == 0 || vms_stream_rate_limit_exceeded(m->s)) {
            /* nothing to send (only waiting for the acknowledgement), or the budget of this
               window is spent: wait a little instead of spinning */
            ret = m->rp ? poll_rp(m, pending ? 5 : 1) : 0;
            if (!m->rp) {
                struct timespec t = {0, 5 * 1000000L};

                nanosleep(&t, NULL);
            }
            if (ret)
                return ret;
            continue;
        }
        ret = vmsp_live_iterate(m->order, m->r->n, m->s, m->err);
        if (ret < 0)
            return ret;
        m->st.iterations++;
        if (vms_stream_flush(m->s))
            return vms_stream_error(m->s, m->err);
    }
}

/* Stop, complete, and wait for the verdict. */
static int complete(struct mig *m)
{
    uint64_t t_stop = now_ms(), deadline;
    int ret;

    update_window(m, true); /* a bandwidth even when no window ended yet */
    m->st.expected_downtime_ms = m->st.bandwidth ? m->st.pending * 1000u / m->st.bandwidth : 0;
    ret = m->p->stop(m->p->opaque);
    m->stopped = true;
    if (ret < 0)
        return fail(m, ret, "the stop callback failed (%s)", vms_strerror(ret));
    ret = vmsp_live_complete(m->order, m->r->n, m->s, m->err);
    if (ret == 0)
        ret = vmsp_save_finish(m->r, m->order, m->s, m->err);
    if (ret == 0 && vms_stream_flush(m->s))
        ret = vms_stream_error(m->s, m->err);
    if (ret)
        return ret;
    m->st.total_bytes = vms_stream_offset(m->s);
    if (!m->rp) {
        m->downtime_ms = now_ms() - t_stop;
        return 0; /* one-way: written is all we can know */
    }
    deadline = now_ms() + (m->p->timeout_ms ? m->p->timeout_ms : VERDICT_TIMEOUT_MS);
    while (!m->shut) {
        if (vmsp_registry_cancelled(m->r))
            return fail(m, VMS_ERR_CANCELLED, "migration cancelled while waiting for the "
                        "destination's verdict");
        if (now_ms() > deadline)
            return fail(m, VMS_ERR_TIMEOUT, "no verdict from the destination");
        ret = poll_rp(m, 100);
        if (ret)
            return ret;
    }
    m->downtime_ms = now_ms() - t_stop;
    if (!m->shut_ok)
        return fail(m, VMS_ERR_CHECK, "the destination failed to load the migration");
    m->st.confirmed = true;
    return 0;
}

int vms_migrate(vms_registry_t *r, vms_stream_t *s, const struct vms_migrate_params *p,
                struct vms_migrate_stats *st, vms_error_t *err)
{
    struct mig m = {.r = r, .s = s, .p = p, .err = err};
    vms_error_t local;
    int ret;

    if (!err) {
        vms_error_init(&local);
        m.err = &local;
    }
    if (!r || !s || !p || !p->stop)
        return vms_error_set(err, VMS_ERR_INVAL, 0, -1, NULL,
                             "vms_migrate needs a registry, a stream and a stop callback");
    if (p->caps & ~VMS_CAP_SWITCHOVER_ACK)
        return vms_error_set(err, VMS_ERR_INVAL, 0, -1, NULL, "unknown capabilities 0x%x",
                             p->caps & ~VMS_CAP_SWITCHOVER_ACK);
    vmsp_registry_set_cancelled(r, false);
    m.t0 = m.window_start = now_ms();
    m.rp = vms_stream_return_path(s, NULL);
    if (!m.rp && (p->caps & VMS_CAP_SWITCHOVER_ACK))
        return vms_error_set(err, VMS_ERR_UNSUPPORTED, 0, -1, NULL, "switchover-ack needs a "
                             "return path, and this transport is one-way");
    ret = setup(&m);
    if (ret == 0)
        ret = iterate(&m);
    if (ret == 0)
        ret = complete(&m);
    if (ret && m.stopped && p->resume)
        p->resume(p->opaque);
    vmsp_live_cleanup(m.order, m.order ? r->n : 0);
    free(m.order);
    if (m.rp)
        vms_stream_close(m.rp);
    m.st.downtime_ms = m.downtime_ms;
    m.st.total_ms = now_ms() - m.t0;
    if (p->progress)
        p->progress(&m.st, p->opaque);
    if (st)
        *st = m.st;
    return ret;
}

void vms_migrate_cancel(vms_registry_t *r)
{
    if (r)
        vmsp_registry_set_cancelled(r, true);
}
