/* transport_fd.c: "fd:N" streams, and the descriptor I/O shared by every fd-based transport. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "fd_private.h"

int vmsp_fd_io_error(vms_error_t *err, int e, const char *verb, const char *what)
{
    int code = e == EPIPE || e == ECONNRESET ? VMS_ERR_CLOSED : VMS_ERR_IO;

    return vms_error_set(err, code, e, -1, NULL, "%s %s: %s", verb, what, strerror(e));
}

/* A descriptor someone made non-blocking: wait until it is ready instead of failing with EAGAIN. */
static bool wait_ready(int fd, short events)
{
    struct pollfd p = {.fd = fd, .events = events};

    return poll(&p, 1, -1) >= 0 || errno == EINTR;
}

static bool retry(int fd, short events)
{
    return errno == EINTR ||
           ((errno == EAGAIN || errno == EWOULDBLOCK) && wait_ready(fd, events));
}

/* The environment knobs and the clock (vms_private.h); here since fd streams need them. */
long vmsp_env_ms(const char *name, long dflt)
{
    const char *env = getenv(name);
    char *end;
    long v;

    if (!env || !*env)
        return dflt;
    errno = 0;
    v = strtol(env, &end, 10);
    return *end || errno || v < 0 ? dflt : v;
}

long vmsp_io_timeout_ms(void)
{
    return vmsp_env_ms("VMS_IO_TIMEOUT_MS", 0);
}

long vmsp_now_ms(void)
{
    struct timespec t;

    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1000L + t.tv_nsec / 1000000L;
}

int vmsp_fd_poll(int fd, short events, long ms)
{
    struct pollfd p = {.fd = fd, .events = events};
    long deadline = vmsp_now_ms() + ms, left;
    int n;

    do {
        left = deadline - vmsp_now_ms();
        n = poll(&p, 1, left > 0 ? (int)(left > 1000000 ? 1000000 : left) : 0);
    } while (n < 0 && errno == EINTR);
    return n;
}

/* With a timeout, waits for the peer first; false (with @err set) when it never came. */
static bool peer_ready(struct fd_ctx *c, short events, vms_error_t *err)
{
    int n;

    if (c->timeout_ms <= 0 || c->kind == FD_FILE)
        return true;
    n = vmsp_fd_poll(c->fd, events, c->timeout_ms);
    if (n > 0)
        return true;
    if (n < 0)
        vmsp_fd_io_error(err, errno, "wait for", c->what);
    else
        vms_error_set(err, VMS_ERR_TIMEOUT, 0, -1, NULL, "%s: the peer %s for %ld ms", c->what,
                      events == POLLIN ? "sent nothing" : "took no bytes", c->timeout_ms);
    return false;
}

static ssize_t fd_read(void *ctx, void *buf, size_t len, vms_error_t *err)
{
    struct fd_ctx *c = ctx;
    ssize_t n;

    if (!peer_ready(c, POLLIN, err))
        return err->code ? err->code : VMS_ERR_TIMEOUT;
    while ((n = read(c->fd, buf, len)) < 0 && retry(c->fd, POLLIN))
        ;
    return n >= 0 ? n : vmsp_fd_io_error(err, errno, "read from", c->what);
}

/*
 * A library must not change the host's signal dispositions, so SIGPIPE is
 * blocked for this thread around the write, and the one the write raised (if
 * it was not already pending) is taken before unblocking.
 */
static ssize_t write_nosigpipe(int fd, const void *buf, size_t len)
{
    static const struct timespec now = {0, 0};
    sigset_t pipe_set, old, pending;
    bool was_pending;
    ssize_t n;
    int saved;

    sigemptyset(&pipe_set);
    sigaddset(&pipe_set, SIGPIPE);
    sigpending(&pending);
    was_pending = sigismember(&pending, SIGPIPE) == 1;
    pthread_sigmask(SIG_BLOCK, &pipe_set, &old);
    n = write(fd, buf, len);
    saved = errno;
    /*
     * Linux also raises SIGPIPE when the reader vanishes after part of the
     * bytes went through: the write then returns that short count, not EPIPE.
     */
    sigpending(&pending);
    if (!was_pending && sigismember(&pending, SIGPIPE) == 1)
        while (sigtimedwait(&pipe_set, NULL, &now) < 0 && errno == EINTR)
            ;
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    errno = saved;
    return n;
}

static ssize_t fd_write(void *ctx, const void *buf, size_t len, vms_error_t *err)
{
    struct fd_ctx *c = ctx;
    ssize_t n;

    if (!peer_ready(c, POLLOUT, err))
        return err->code ? err->code : VMS_ERR_TIMEOUT;
    for (;;) {
        if (c->kind == FD_SOCKET)
            n = send(c->fd, buf, len, MSG_NOSIGNAL);
        else if (c->kind == FD_PIPE)
            n = write_nosigpipe(c->fd, buf, len);
        else
            n = write(c->fd, buf, len);
        if (n < 0 && c->kind == FD_SOCKET && errno == ENOTSOCK) {
            c->kind = FD_PIPE;
            continue;
        }
        if (n >= 0 || !retry(c->fd, POLLOUT))
            break;
    }
    return n >= 0 ? n : vmsp_fd_io_error(err, errno, "write to", c->what);
}

static int fd_close(void *ctx, vms_error_t *err)
{
    struct fd_ctx *c = ctx;
    int rc = 0;

    /* The peer must see the end of our direction even while a return path keeps the socket open. */
    if (c->shut_on_close)
        shutdown(c->fd, c->mode == VMS_WRITE ? SHUT_WR : SHUT_RD);
    /* Linux frees the descriptor even when close() reports EINTR: never retry. */
    if (close(c->fd) < 0 && errno != EINTR)
        rc = vmsp_fd_io_error(err, errno, "close", c->what);
    if (c->hook) {
        int hrc = c->hook(c->hook_arg, err);

        if (!rc)
            rc = hrc;
    }
    free(c);
    return rc;
}

const struct vms_transport_ops vmsp_fd_ops = {
    .name = "fd",
    .read = fd_read,
    .write = fd_write,
    .close = fd_close,
};

static enum fd_kind classify(int fd)
{
    struct stat st;

    if (fstat(fd, &st) < 0)
        return FD_PIPE; /* the cautious choice; the write will report the real problem */
    if (S_ISSOCK(st.st_mode))
        return FD_SOCKET;
    return S_ISREG(st.st_mode) || S_ISBLK(st.st_mode) ? FD_FILE : FD_PIPE;
}

vms_stream_t *vmsp_fd_stream(int fd, const char *what, int mode, vms_error_t *err)
{
    return vmsp_fd_stream_hooked(fd, what, mode, NULL, NULL, err);
}

vms_stream_t *vmsp_fd_stream_hooked(int fd, const char *what, int mode, vmsp_close_hook hook,
                                    void *hook_arg, vms_error_t *err)
{
    size_t n = strlen(what) + 1;
    struct fd_ctx *c = malloc(sizeof(*c) + n);

    if (!c) {
        close(fd);
        vms_error_set(err, VMS_ERR_NOMEM, 0, -1, NULL, "%s: out of memory", what);
        if (hook)
            hook(hook_arg, err);
        return NULL;
    }
    c->fd = fd;
    c->mode = mode;
    c->timeout_ms = vmsp_io_timeout_ms();
    c->shut_on_close = false;
    c->hook = hook;
    c->hook_arg = hook_arg;
    c->kind = classify(fd);
    memcpy(c->what, what, n);
    return vms_stream_new(&vmsp_fd_ops, c, mode, err);
}

/* Parses a decimal descriptor number: digits only, no sign, fits an int. */
static int parse_fd(const char *spec)
{
    long v = 0;

    if (!*spec)
        return -1;
    for (; *spec; spec++) {
        if (*spec < '0' || *spec > '9' || v > (INT_MAX - (*spec - '0')) / 10)
            return -1;
        v = v * 10 + (*spec - '0');
    }
    return (int)v;
}

vms_stream_t *vmsp_open_fd(const char *uri, const char *spec, int mode, vms_error_t *err)
{
    int fd = parse_fd(spec), acc;

    if (fd < 0) {
        vms_error_set(err, VMS_ERR_INVAL, 0, -1, NULL,
                      "%s: expected fd:N with N a decimal descriptor number", uri);
        return NULL;
    }
    if (fcntl(fd, F_GETFD) < 0 || (acc = fcntl(fd, F_GETFL)) < 0) {
        vms_error_set(err, VMS_ERR_INVAL, errno, -1, NULL, "%s: descriptor %d is not open: %s",
                      uri, fd, strerror(errno));
        return NULL;
    }
    acc &= O_ACCMODE;
    if ((mode == VMS_READ && acc == O_WRONLY) || (mode == VMS_WRITE && acc == O_RDONLY)) {
        vms_error_set(err, VMS_ERR_INVAL, 0, -1, NULL, "%s: descriptor %d is not open for %s",
                      uri, fd, mode == VMS_READ ? "reading" : "writing");
        return NULL;
    }
    return vmsp_fd_stream(fd, uri, mode, err);
}
