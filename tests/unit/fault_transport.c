/* fault_transport.c: a memory transport for tests that injects short I/O, failures, early ends. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "fault_transport.h"

struct fault_ctx {
    struct fault_cfg cfg;
    const uint8_t *src; /* reader: the bytes to hand out */
    size_t src_len;
    size_t moved;       /* bytes moved so far */
    uint32_t rng;
    struct fault_log *log;
};

/* xorshift32: deterministic per seed, good enough to vary cut points. */
static uint32_t next_rand(struct fault_ctx *c)
{
    c->rng ^= c->rng << 13;
    c->rng ^= c->rng >> 17;
    c->rng ^= c->rng << 5;
    return c->rng;
}

/* Bytes that may move before the next injected fault (SIZE_MAX when none comes). */
static size_t room(const struct fault_ctx *c)
{
    size_t r = SIZE_MAX, e;

    if (c->cfg.fail_errno)
        r = c->cfg.fail_after > c->moved ? c->cfg.fail_after - c->moved : 0;
    if (c->cfg.end_early) {
        e = c->cfg.end_after > c->moved ? c->cfg.end_after - c->moved : 0;
        r = e < r ? e : r;
    }
    return r;
}

/* What a call at a fault point returns: the injected error, else end of stream (0). */
static ssize_t fault_hit(const struct fault_ctx *c, vms_error_t *err)
{
    int e = c->cfg.fail_errno;

    if (!e || c->moved < c->cfg.fail_after)
        return 0;
    return vms_error_set(err, e == EPIPE || e == ECONNRESET ? VMS_ERR_CLOSED : VMS_ERR_IO, e, -1,
                         NULL, "fault transport: injected %s after %zu bytes", strerror(e),
                         c->moved);
}

/* How many of @len bytes this call moves, or 0 at a fault point. */
static size_t budget(struct fault_ctx *c, size_t len)
{
    size_t r = room(c);

    if (c->log)
        c->log->calls++;
    if (c->cfg.max_io && len > c->cfg.max_io)
        len = c->cfg.max_io;
    if (len > r)
        len = r;
    if (c->cfg.seed && len > 1)
        len = 1 + next_rand(c) % len;
    return len;
}

static ssize_t fault_read(void *ctx, void *buf, size_t len, vms_error_t *err)
{
    struct fault_ctx *c = ctx;
    size_t n = budget(c, len);

    if (n == 0)
        return fault_hit(c, err);
    if (n > c->src_len - c->moved)
        n = c->src_len - c->moved;
    memcpy(buf, c->src + c->moved, n);
    c->moved += n;
    return (ssize_t)n;
}

static ssize_t fault_write(void *ctx, const void *buf, size_t len, vms_error_t *err)
{
    struct fault_ctx *c = ctx;
    size_t n = budget(c, len);
    uint8_t *grown;

    if (n == 0)
        return fault_hit(c, err);
    if (c->log) {
        grown = realloc(c->log->data, c->log->len + n);
        if (!grown)
            return vms_error_set(err, VMS_ERR_NOMEM, 0, -1, NULL, "fault transport: no memory");
        memcpy(grown + c->log->len, buf, n);
        c->log->data = grown;
        c->log->len += n;
    }
    c->moved += n;
    return (ssize_t)n;
}

static int fault_close(void *ctx, vms_error_t *err)
{
    struct fault_ctx *c = ctx;

    (void)err;
    if (c->log)
        c->log->closes++;
    free(c);
    return 0;
}

static const struct vms_transport_ops fault_ops = {
    .name = "fault",
    .read = fault_read,
    .write = fault_write,
    .close = fault_close,
};

static vms_stream_t *fault_new(const struct fault_cfg *cfg, struct fault_log *log, int mode,
                               const void *buf, size_t len)
{
    struct fault_ctx *c = calloc(1, sizeof(*c));

    if (!c)
        return NULL;
    if (cfg)
        c->cfg = *cfg;
    c->rng = c->cfg.seed;
    c->src = buf;
    c->src_len = len;
    c->log = log;
    return vms_stream_new(&fault_ops, c, mode, NULL);
}

vms_stream_t *fault_reader(const void *buf, size_t len, const struct fault_cfg *cfg,
                           struct fault_log *log)
{
    return fault_new(cfg, log, VMS_READ, buf, len);
}

vms_stream_t *fault_writer(const struct fault_cfg *cfg, struct fault_log *log)
{
    return fault_new(cfg, log, VMS_WRITE, NULL, 0);
}

void fault_log_clear(struct fault_log *log)
{
    free(log->data);
    memset(log, 0, sizeof(*log));
}
