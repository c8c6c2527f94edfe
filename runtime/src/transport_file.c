/* transport_file.c: "file:PATH[,offset=N]" streams, QEMU's migration to and from a file. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

#include "vms_private.h"

#define OFFSET_OPTION ",offset="

static int hex_digit(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Decimal or 0x-hex, no sign, no suffix, representable as an off_t. */
static bool parse_offset(const char *s, off_t *out)
{
    uint64_t v = 0;
    unsigned base = 10;
    int d;

    if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
        base = 16;
        s += 2;
    }
    if (!*s)
        return false;
    for (; *s; s++) {
        d = hex_digit(*s);
        if (d < 0 || (unsigned)d >= base || v > ((uint64_t)INT64_MAX - (unsigned)d) / base)
            return false;
        v = v * base + (unsigned)d;
    }
    *out = (off_t)v;
    return (uint64_t)*out == v; /* off_t may be 32 bits */
}

static int sys_error(vms_error_t *err, const char *uri, const char *what, const char *path)
{
    int e = errno;

    return vms_error_set(err, VMS_ERR_IO, e, -1, NULL, "%s: cannot %s %s: %s", uri, what, path,
                         strerror(e));
}

/*
 * Opens @path and positions it at @off. A writer without an offset truncates
 * like QEMU; with one it keeps the bytes before the offset (a header some
 * manager wrote there) and drops the stale ones after it.
 */
static int open_at(const char *uri, const char *path, int mode, bool has_off, off_t off,
                   vms_error_t *err)
{
    int flags = mode == VMS_READ ? O_RDONLY : O_WRONLY | O_CREAT | (has_off ? 0 : O_TRUNC);
    int fd;

    while ((fd = open(path, flags | O_CLOEXEC, 0666)) < 0 && errno == EINTR)
        ;
    if (fd < 0) {
        sys_error(err, uri, mode == VMS_READ ? "open for reading" : "open for writing", path);
        return -1;
    }
    if (has_off && mode == VMS_WRITE && ftruncate(fd, off) < 0) {
        sys_error(err, uri, "truncate", path);
    } else if (has_off && lseek(fd, off, SEEK_SET) < 0) {
        sys_error(err, uri, "seek in", path);
    } else {
        return fd;
    }
    close(fd);
    return -1;
}

vms_stream_t *vmsp_open_file(const char *uri, const char *spec, int mode, vms_error_t *err)
{
    const char *opt = strstr(spec, OFFSET_OPTION);
    size_t path_len = opt ? (size_t)(opt - spec) : strlen(spec);
    off_t off = 0;
    char *path;
    int fd;

    if (path_len == 0) {
        vms_error_set(err, VMS_ERR_INVAL, 0, -1, NULL, "%s: expected file:PATH[,offset=N]", uri);
        return NULL;
    }
    if (opt && !parse_offset(opt + strlen(OFFSET_OPTION), &off)) {
        vms_error_set(err, VMS_ERR_INVAL, 0, -1, NULL,
                      "%s: offset must be a decimal or 0x-prefixed hex byte count below 2^63",
                      uri);
        return NULL;
    }
    path = strndup(spec, path_len);
    if (!path) {
        vms_error_set(err, VMS_ERR_NOMEM, 0, -1, NULL, "%s: out of memory", uri);
        return NULL;
    }
    fd = open_at(uri, path, mode, opt != NULL, off, err);
    free(path);
    return fd < 0 ? NULL : vmsp_fd_stream(fd, uri, mode, err);
}
