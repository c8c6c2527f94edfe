/* socket.c: what unix: and tcp: share: timeouts, connecting with retries, listening, accepting. */
#define _GNU_SOURCE /* accept4(), SOCK_CLOEXEC */
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "vms_private.h"

#define RETRY_NS (50 * 1000 * 1000L)

struct vms_listener {
    int fd;
    int port;
    char *unlink_path; /* unix: socket path still to remove, or NULL */
    char uri[];
};

long vmsp_connect_timeout_ms(void)
{
    return vmsp_env_ms("VMS_CONNECT_TIMEOUT_MS", 10000);
}

long vmsp_accept_timeout_ms(void)
{
    return vmsp_env_ms("VMS_ACCEPT_TIMEOUT_MS", 0);
}

static int fail(vms_error_t *err, int e, const char *uri, const char *what)
{
    vms_error_set(err, VMS_ERR_IO, e, -1, NULL, "%s: cannot %s: %s", uri, what, strerror(e));
    return -1;
}

/* Waits for the poll()-able event or the deadline; 1 ready, 0 timed out, -1 error (errno). */
static int wait_until(int fd, short events, long deadline)
{
    struct pollfd p = {.fd = fd, .events = events};
    int n;

    for (;;) {
        long left = deadline - vmsp_now_ms();

        n = poll(&p, 1, left > 0 ? (int)(left > 1000000 ? 1000000 : left) : 0);
        if (n >= 0 || errno != EINTR)
            return n > 0 ? 1 : n;
    }
}

/* One non-blocking connect bounded by @deadline; the connected descriptor or -1 with errno. */
static int connect_once(const struct addrinfo *a, long deadline)
{
    int fd = socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK, a->ai_protocol);
    socklen_t len = sizeof(int);
    int e = 0, ready;

    if (fd < 0)
        return -1;
    if (connect(fd, a->ai_addr, a->ai_addrlen) < 0) {
        e = errno;
        if (e == EINPROGRESS || e == EINTR) {
            ready = wait_until(fd, POLLOUT, deadline);
            if (ready < 0)
                e = errno;
            else if (ready == 0)
                e = ETIMEDOUT;
            else if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &e, &len) < 0)
                e = errno;
        }
    }
    if (e == 0 && fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK) < 0)
        e = errno;
    if (e) {
        close(fd);
        errno = e;
        return -1;
    }
    return fd;
}

int vmsp_connect_retry(const char *uri, const struct addrinfo *list, vms_error_t *err)
{
    static const struct timespec pause = {0, RETRY_NS};
    long timeout = vmsp_connect_timeout_ms(), deadline = vmsp_now_ms() + timeout;
    const struct addrinfo *a;
    int fd, e = ECONNREFUSED;
    bool again;

    for (;;) {
        again = false;
        for (a = list; a; a = a->ai_next) {
            fd = connect_once(a, deadline);
            if (fd >= 0)
                return fd;
            e = errno;
            if (e == ECONNREFUSED || e == ENOENT || e == EAGAIN || e == ETIMEDOUT)
                again = true;
        }
        if (!again)
            return fail(err, e, uri, "connect");
        if (vmsp_now_ms() >= deadline) {
            vms_error_set(err, VMS_ERR_IO, e, -1, NULL,
                          "%s: nobody accepted the connection within %ld ms: %s", uri, timeout,
                          strerror(e));
            return -1;
        }
        nanosleep(&pause, NULL);
    }
}

vms_listener_t *vmsp_listener_new(const char *uri, int fd, int port, const char *unlink_path,
                                  vms_error_t *err)
{
    size_t n = strlen(uri) + 1;
    vms_listener_t *l = malloc(sizeof(*l) + n);

    if (l && unlink_path && !(l->unlink_path = strdup(unlink_path))) {
        free(l);
        l = NULL;
    }
    if (!l) {
        close(fd);
        if (unlink_path)
            unlink(unlink_path);
        vms_error_set(err, VMS_ERR_NOMEM, 0, -1, NULL, "%s: out of memory", uri);
        return NULL;
    }
    if (!unlink_path)
        l->unlink_path = NULL;
    l->fd = fd;
    l->port = port;
    memcpy(l->uri, uri, n);
    return l;
}

vms_listener_t *vms_listener_open(const char *uri, vms_error_t *err)
{
    if (uri && strncmp(uri, "unix:", 5) == 0)
        return vmsp_listen_unix(uri, uri + 5, err);
    if (uri && strncmp(uri, "tcp:", 4) == 0)
        return vmsp_listen_tcp(uri, uri + 4, err);
    vms_error_set(err, VMS_ERR_INVAL, 0, -1, NULL,
                  "cannot listen on '%s': expected unix:PATH or tcp:HOST:PORT",
                  uri ? uri : "(null)");
    return NULL;
}

int vms_listener_port(const vms_listener_t *l)
{
    return l ? l->port : 0;
}

static void drop_path(vms_listener_t *l)
{
    if (l->unlink_path) {
        unlink(l->unlink_path);
        free(l->unlink_path);
        l->unlink_path = NULL;
    }
}

vms_stream_t *vms_listener_accept(vms_listener_t *l, vms_error_t *err)
{
    long timeout = vmsp_accept_timeout_ms();
    int fd, ready;

    if (!l) {
        vms_error_set(err, VMS_ERR_INVAL, 0, -1, NULL, "no listener to accept on");
        return NULL;
    }
    if (timeout > 0) {
        ready = wait_until(l->fd, POLLIN, vmsp_now_ms() + timeout);
        if (ready <= 0) {
            if (ready < 0)
                fail(err, errno, l->uri, "wait for a connection");
            else
                vms_error_set(err, VMS_ERR_TIMEOUT, 0, -1, NULL,
                              "%s: nobody connected within %ld ms", l->uri, timeout);
            return NULL;
        }
    }
    while ((fd = accept4(l->fd, NULL, NULL, SOCK_CLOEXEC)) < 0 && errno == EINTR)
        ;
    if (fd < 0) {
        fail(err, errno, l->uri, "accept a connection");
        return NULL;
    }
    drop_path(l);
    if (l->port) { /* tcp: the destination's return-path messages are small; send them at once */
        int one = 1;

        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    }
    return vmsp_fd_stream(fd, l->uri, VMS_READ, err);
}

void vms_listener_close(vms_listener_t *l)
{
    if (!l)
        return;
    close(l->fd);
    drop_path(l);
    free(l);
}

vms_stream_t *vmsp_accept_once(vms_listener_t *l, vms_error_t *err)
{
    vms_stream_t *s = l ? vms_listener_accept(l, err) : NULL;

    vms_listener_close(l);
    return s;
}
