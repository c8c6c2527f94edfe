/* ratelimit.c: the token bucket behind vms_stream_set_rate_limit(), on an injectable clock. */
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

void vmsp_rate_init(struct vmsp_rate *r)
{
    memset(r, 0, sizeof(*r));
    r->clock = monotonic;
}

void vmsp_rate_set(struct vmsp_rate *r, uint64_t bytes_per_sec)
{
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
