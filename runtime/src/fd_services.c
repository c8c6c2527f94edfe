/*
 * fd_services.c: what descriptor streams offer beyond reading and writing:
 * per-stream timeouts, waiting for data, their names in messages and the
 * return path over a socket. Apart from transport_fd.c so that a static link
 * that only moves bytes leaves them out.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>

#include "fd_private.h"

/* The descriptor context of @s, or NULL when @s is not a descriptor stream. */
static struct fd_ctx *fd_of(vms_stream_t *s)
{
    return s && s->ops == &vmsp_fd_ops ? s->ctx : NULL;
}

const char *vmsp_stream_name(const vms_stream_t *s)
{
    if (s->ops == &vmsp_fd_ops)
        return ((const struct fd_ctx *)s->ctx)->what;
    return s->ops ? s->ops->name : "memory stream";
}

int vms_stream_set_timeout(vms_stream_t *s, long timeout_ms)
{
    struct fd_ctx *c = fd_of(s);

    if (!c)
        return VMS_ERR_UNSUPPORTED;
    c->timeout_ms = timeout_ms > 0 ? timeout_ms : 0;
    return 0;
}

int vmsp_fd_wait(vms_stream_t *s, long timeout_ms)
{
    struct fd_ctx *c = fd_of(s);
    int n;

    if (!c || timeout_ms < 0)
        return 1;
    n = vmsp_fd_poll(c->fd, POLLIN, timeout_ms);
    return n > 0 ? 1 : n == 0 ? 0 : VMS_ERR_IO;
}

vms_stream_t *vmsp_fd_return_path(vms_stream_t *s, vms_error_t *err)
{
    static const char suffix[] = " (return path)";
    struct fd_ctx *c = fd_of(s);
    char what[512];
    vms_stream_t *rp;
    int fd;

    if (!c || c->kind != FD_SOCKET) {
        vms_error_set(err, VMS_ERR_UNSUPPORTED, 0, -1, NULL,
                      "%s: a one-way %s transport has no return path",
                      c ? c->what : s->mem ? "memory stream" : s->ops->name,
                      c ? "descriptor" : s->mem ? "memory" : s->ops->name);
        return NULL;
    }
    fd = fcntl(c->fd, F_DUPFD_CLOEXEC, 0);
    if (fd < 0) {
        vmsp_fd_io_error(err, errno, "duplicate", c->what);
        return NULL;
    }
    snprintf(what, sizeof(what), "%.*s%s", (int)(sizeof(what) - sizeof(suffix)), c->what, suffix);
    rp = vmsp_fd_stream(fd, what, c->mode == VMS_READ ? VMS_WRITE : VMS_READ, err);
    if (rp) {
        struct fd_ctx *r = rp->ctx;

        r->timeout_ms = c->timeout_ms;
        r->shut_on_close = c->shut_on_close = true;
    }
    return rp;
}
