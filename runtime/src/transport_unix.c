/* transport_unix.c: "unix:PATH" streams; the reader listens and accepts one connection, the writer connects. */
#define _GNU_SOURCE /* accept4(), SOCK_CLOEXEC */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "vms_private.h"

#define RETRY_NS (50 * 1000 * 1000L)

long vmsp_connect_timeout_ms(void)
{
    const char *env = getenv("VMS_CONNECT_TIMEOUT_MS");
    char *end;
    long v;

    if (!env || !*env)
        return 10000;
    errno = 0;
    v = strtol(env, &end, 10);
    return *end || errno || v < 0 ? 10000 : v;
}

static long now_ms(void)
{
    struct timespec t;

    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1000L + t.tv_nsec / 1000000L;
}

static int fail(vms_error_t *err, int e, const char *uri, const char *what)
{
    vms_error_set(err, VMS_ERR_IO, e, -1, NULL, "%s: cannot %s: %s", uri, what, strerror(e));
    return -1;
}

/* Connects, retrying a socket nobody listens on yet every 50 ms until the timeout. */
static int connect_retry(const char *uri, const struct sockaddr_un *sa, vms_error_t *err)
{
    static const struct timespec pause = {0, RETRY_NS};
    long timeout = vmsp_connect_timeout_ms(), deadline = now_ms() + timeout;
    int fd, e;

    for (;;) {
        fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (fd < 0)
            return fail(err, errno, uri, "create a socket");
        if (connect(fd, (const struct sockaddr *)sa, sizeof(*sa)) == 0)
            return fd;
        e = errno;
        close(fd);
        if (e != ECONNREFUSED && e != ENOENT && e != EINTR && e != EAGAIN)
            return fail(err, e, uri, "connect");
        if (now_ms() >= deadline) {
            vms_error_set(err, VMS_ERR_IO, e, -1, NULL,
                          "%s: nobody accepted the connection within %ld ms: %s", uri, timeout,
                          strerror(e));
            return -1;
        }
        nanosleep(&pause, NULL);
    }
}

/* Listens at the path (replacing a stale socket), accepts one peer, then removes the path. */
static int accept_one(const char *uri, const struct sockaddr_un *sa, vms_error_t *err)
{
    struct stat st;
    int lfd, fd, e;

    if (lstat(sa->sun_path, &st) == 0 && S_ISSOCK(st.st_mode))
        unlink(sa->sun_path);
    lfd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (lfd < 0)
        return fail(err, errno, uri, "create a socket");
    if (bind(lfd, (const struct sockaddr *)sa, sizeof(*sa)) < 0) {
        e = errno;
        close(lfd);
        return fail(err, e, uri, "bind");
    }
    if (listen(lfd, 1) < 0) {
        fd = -1;
        e = errno;
    } else {
        while ((fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC)) < 0 && errno == EINTR)
            ;
        e = errno;
    }
    close(lfd);
    unlink(sa->sun_path);
    return fd >= 0 ? fd : fail(err, e, uri, "accept a connection");
}

vms_stream_t *vmsp_open_unix(const char *uri, const char *spec, int mode, vms_error_t *err)
{
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    size_t n = strlen(spec);
    int fd;

    if (n == 0 || n >= sizeof(sa.sun_path)) {
        vms_error_set(err, VMS_ERR_INVAL, 0, -1, NULL,
                      "%s: expected unix:PATH with a path of 1 to %zu bytes", uri,
                      sizeof(sa.sun_path) - 1);
        return NULL;
    }
    memcpy(sa.sun_path, spec, n);
    fd = mode == VMS_READ ? accept_one(uri, &sa, err) : connect_retry(uri, &sa, err);
    return fd < 0 ? NULL : vmsp_fd_stream(fd, uri, mode, err);
}
