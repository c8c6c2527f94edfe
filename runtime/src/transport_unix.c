/* transport_unix.c: "unix:PATH" streams; the reader listens and accepts one connection, the writer connects. */
#include <errno.h>
#include <netdb.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "vms_private.h"

static bool parse(const char *uri, const char *spec, struct sockaddr_un *sa, vms_error_t *err)
{
    size_t n = strlen(spec);

    if (n == 0 || n >= sizeof(sa->sun_path)) {
        vms_error_set(err, VMS_ERR_INVAL, 0, -1, NULL,
                      "%s: expected unix:PATH with a path of 1 to %zu bytes", uri,
                      sizeof(sa->sun_path) - 1);
        return false;
    }
    memset(sa, 0, sizeof(*sa));
    sa->sun_family = AF_UNIX;
    memcpy(sa->sun_path, spec, n);
    return true;
}

/* Listens at the path, replacing a stale socket; the path goes once a peer is accepted. */
vms_listener_t *vmsp_listen_unix(const char *uri, const char *spec, vms_error_t *err)
{
    struct sockaddr_un sa;
    struct stat st;
    int fd, e;

    if (!parse(uri, spec, &sa, err))
        return NULL;
    if (lstat(sa.sun_path, &st) == 0 && S_ISSOCK(st.st_mode))
        unlink(sa.sun_path);
    fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        vms_error_set(err, VMS_ERR_IO, errno, -1, NULL, "%s: cannot create a socket: %s", uri,
                      strerror(errno));
        return NULL;
    }
    if (bind(fd, (const struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(fd, 1) < 0) {
        e = errno;
        close(fd);
        vms_error_set(err, VMS_ERR_IO, e, -1, NULL, "%s: cannot listen: %s", uri, strerror(e));
        return NULL;
    }
    return vmsp_listener_new(uri, fd, 0, sa.sun_path, err);
}

vms_stream_t *vmsp_open_unix(const char *uri, const char *spec, int mode, vms_error_t *err)
{
    struct sockaddr_un sa;
    struct addrinfo a = {.ai_family = AF_UNIX, .ai_socktype = SOCK_STREAM};
    int fd;

    if (mode == VMS_READ)
        return vmsp_accept_once(vmsp_listen_unix(uri, spec, err), err);
    if (!parse(uri, spec, &sa, err))
        return NULL;
    a.ai_addr = (struct sockaddr *)&sa;
    a.ai_addrlen = sizeof(sa);
    fd = vmsp_connect_retry(uri, &a, err);
    return fd < 0 ? NULL : vmsp_fd_stream(fd, uri, mode, err);
}
