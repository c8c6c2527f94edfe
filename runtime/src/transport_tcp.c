/* transport_tcp.c: "tcp:HOST:PORT" streams (IPv4, [IPv6], names); the reader listens, the writer connects. */
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "vms_private.h"

/* Longest host part we accept (a DNS name is at most 253 bytes). */
#define HOST_MAX 256

/*
 * Splits HOST:PORT or [V6]:PORT into @host and @port (decimal, 0..65535).
 * An empty host is allowed only for the listener ("every address").
 */
static bool parse(const char *uri, const char *spec, bool listening, char *host, char *port,
                  vms_error_t *err)
{
    const char *colon, *h = spec, *p;
    size_t hlen, plen;
    long v = 0;

    if (*spec == '[') {
        const char *close = strchr(spec, ']');

        colon = close && close[1] == ':' ? close + 1 : NULL;
        h = spec + 1;
        hlen = close ? (size_t)(close - h) : 0;
        if (!colon || hlen == 0)
            goto bad;
    } else {
        colon = strrchr(spec, ':');
        hlen = colon ? (size_t)(colon - spec) : 0;
        if (!colon || memchr(spec, ':', hlen))
            goto bad; /* an IPv6 address needs brackets */
    }
    p = colon + 1;
    plen = strlen(p);
    if (hlen >= HOST_MAX || plen == 0 || plen > 5 || strspn(p, "0123456789") != plen)
        goto bad;
    for (size_t i = 0; i < plen; i++)
        v = v * 10 + (p[i] - '0');
    if (v > 65535 || (v == 0 && !listening) || (hlen == 0 && !listening))
        goto bad;
    memcpy(host, h, hlen);
    host[hlen] = '\0';
    memcpy(port, p, plen + 1);
    return true;
bad:
    vms_error_set(err, VMS_ERR_INVAL, 0, -1, NULL,
                  "%s: expected tcp:HOST:PORT or tcp:[IPV6]:PORT with a port of %s to 65535%s",
                  uri, listening ? "0" : "1", listening ? "" : " and a host to connect to");
    return false;
}

static struct addrinfo *resolve(const char *uri, const char *host, const char *port,
                                bool listening, vms_error_t *err)
{
    struct addrinfo hints = {.ai_socktype = SOCK_STREAM, .ai_flags = AI_NUMERICSERV};
    struct addrinfo *list = NULL;
    int rc;

    if (listening)
        hints.ai_flags |= AI_PASSIVE;
    rc = getaddrinfo(*host ? host : NULL, port, &hints, &list);
    if (rc == 0)
        return list;
    vms_error_set(err, rc == EAI_NONAME ? VMS_ERR_INVAL : VMS_ERR_IO,
                  rc == EAI_SYSTEM ? errno : 0, -1, NULL, "%s: cannot resolve host '%s': %s",
                  uri, host, rc == EAI_SYSTEM ? strerror(errno) : gai_strerror(rc));
    return NULL;
}

/* The port a bound socket got (the kernel's choice for port 0). */
static int bound_port(int fd)
{
    struct sockaddr_storage ss;
    socklen_t len = sizeof(ss);

    if (getsockname(fd, (struct sockaddr *)&ss, &len) < 0)
        return 0;
    if (ss.ss_family == AF_INET6)
        return ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
    return ntohs(((struct sockaddr_in *)&ss)->sin_port);
}

/* Binds the first resolved address that works, with SO_REUSEADDR so a restart finds the port free. */
vms_listener_t *vmsp_listen_tcp(const char *uri, const char *spec, vms_error_t *err)
{
    char host[HOST_MAX], port[6];
    struct addrinfo *list, *a;
    int fd = -1, e = EADDRNOTAVAIL, one = 1;

    if (!parse(uri, spec, true, host, port, err) || !(list = resolve(uri, host, port, true, err)))
        return NULL;
    for (a = list; a && fd < 0; a = a->ai_next) {
        fd = socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC, a->ai_protocol);
        if (fd < 0) {
            e = errno;
            continue;
        }
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
        if (bind(fd, a->ai_addr, a->ai_addrlen) < 0 || listen(fd, 1) < 0) {
            e = errno;
            close(fd);
            fd = -1;
        }
    }
    freeaddrinfo(list);
    if (fd < 0) {
        vms_error_set(err, VMS_ERR_IO, e, -1, NULL, "%s: cannot listen: %s", uri, strerror(e));
        return NULL;
    }
    return vmsp_listener_new(uri, fd, bound_port(fd), NULL, err);
}

vms_stream_t *vmsp_open_tcp(const char *uri, const char *spec, int mode, vms_error_t *err)
{
    char host[HOST_MAX], port[6];
    struct addrinfo *list;
    int fd, one = 1;

    if (mode == VMS_READ)
        return vmsp_accept_once(vmsp_listen_tcp(uri, spec, err), err);
    if (!parse(uri, spec, false, host, port, err) || !(list = resolve(uri, host, port, false, err)))
        return NULL;
    fd = vmsp_connect_retry(uri, list, err);
    freeaddrinfo(list);
    if (fd < 0)
        return NULL;
    /* Return-path messages are small and latency matters; bulk writes are 32 KiB anyway. */
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    return vmsp_fd_stream(fd, uri, mode, err);
}
