/* ratelimit.c: the token bucket behind vms_stream_set_rate_limit() on an injectable clock, and stream statistics. */
#include <string.h>
#include <time.h>

#include "vms_private.h"

#define NS_PER_S 1000000000ull

static uint64_t mono_now(void *opaque)
{
    struct timespec t;

    (void)opaque;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (uint64_t)t.tv_sec * NS_PER_S + (uint64_t)t.tv_nsec;
}

static void mono_sleep(void *opaque, uint64_t ns)
{
    struct timespec t = {(time_t)(ns / NS_PER_S), (long)(ns % NS_PER_S)};

    (void)opaque;
    /* An interrupted sleep is fine: the caller re-reads the clock and sleeps again if needed. */
    nanosleep(&t, NULL);
}

static const struct vms_clock monotonic = {mono_now, mono_sleep, NULL};

/* The bucket holds cap/20 bytes: the 5 % burst the window bound allows. */
static vmsp_i128 burst(const struct vmsp_rate *r)
{
    return (vmsp_i128)(r->cap / 20) * NS_PER_S;
}

static void refill(struct vmsp_rate *r)
{
    uint64_t now = r->clock.now_ns(r->clock.opaque);
    uint64_t dt = now > r->last_ns ? now - r->last_ns : 0;

    r->last_ns = now;
    /* After a second or more the bucket is full whatever it held; this also bounds the product. */
    if (dt >= NS_PER_S)
        r->tokens = burst(r);
    else
        r->tokens += (vmsp_i128)r->cap * dt;
    if (r->tokens > burst(r))
        r->tokens = burst(r);
}

void vmsp_rate_set(struct vmsp_rate *r, uint64_t bytes_per_sec)
{
    /* A stream starts with a zeroed rate: no clock until a limit or a clock is set. */
    if (!r->clock.now_ns)
        r->clock = monotonic;
    r->take = vmsp_rate_take;
    r->cap = bytes_per_sec;
    r->last_ns = r->clock.now_ns(r->clock.opaque);
    r->tokens = burst(r);
}

void vmsp_rate_set_clock(struct vmsp_rate *r, const struct vms_clock *clock)
{
    r->clock = clock && clock->now_ns && clock->sleep_ns ? *clock : monotonic;
    r->last_ns = r->clock.now_ns(r->clock.opaque);
}

void vmsp_rate_take(struct vmsp_rate *r, size_t n)
{
    if (!r->cap)
        return;
    refill(r);
    while (r->tokens <= 0) {
        /* Sleep until the debt is paid and one byte-nanosecond more. */
        uint64_t ns = (uint64_t)((-r->tokens) / r->cap) + 1;

        r->waits++;
        r->wait_ns += ns;
        r->clock.sleep_ns(r->clock.opaque, ns);
        refill(r);
    }
    r->tokens -= (vmsp_i128)n * NS_PER_S;
}

bool vmsp_rate_exceeded(struct vmsp_rate *r, uint64_t pending)
{
    if (!r->cap)
        return false;
    refill(r);
    return r->tokens - (vmsp_i128)pending * NS_PER_S <= 0;
}

/* ---- the stream API over it ---- */

int vms_stream_set_rate_limit(vms_stream_t *s, uint64_t bytes_per_sec)
{
    if (s->mode != VMS_WRITE || s->mem)
        return VMS_ERR_INVAL;
    vmsp_rate_set(&s->rate, bytes_per_sec);
    return 0;
}

uint64_t vms_stream_rate_limit(const vms_stream_t *s)
{
    return s->rate.cap;
}

bool vms_stream_rate_limit_exceeded(vms_stream_t *s)
{
    return s->mode == VMS_WRITE && vmsp_rate_exceeded(&s->rate, s->len);
}

void vms_stream_set_clock(vms_stream_t *s, const struct vms_clock *clock)
{
    vmsp_rate_set_clock(&s->rate, clock);
}

void vms_stream_get_stats(const vms_stream_t *s, struct vms_stream_stats *st)
{
    memset(st, 0, sizeof(*st));
    if (s->mode == VMS_WRITE)
        st->bytes_written = s->mem ? s->len : s->moved;
    else
        st->bytes_read = s->mem ? s->pos : s->moved;
    st->rate_waits = s->rate.waits;
    st->rate_wait_ns = s->rate.wait_ns;
}
