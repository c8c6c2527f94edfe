/* The vmstate CLI's input: a windowed reader with absolute offsets and bounded allocations. */
#include "vmstate_tool.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static bool is_uri(const char *arg)
{
    static const char *const schemes[] = {"file:", "fd:", "exec:", "unix:", "tcp:"};
    for (size_t i = 0; i < sizeof(schemes) / sizeof(schemes[0]); i++) {
        if (strncmp(arg, schemes[i], strlen(schemes[i])) == 0) {
            return true;
        }
    }
    return false;
}

/* A pipe's 64 KiB default means a read() per 16 pages; a larger one (best effort) cuts that. */
static void grow_pipe(int fd)
{
#if defined(__linux__)
    enum { SETPIPE_SZ = 1031 }; /* F_SETPIPE_SZ, not visible under _POSIX_C_SOURCE */
    (void)fcntl(fd, SETPIPE_SZ, (int)VT_WINDOW);
#else
    (void)fd;
#endif
}

static void reader_init(vt_reader *r)
{
    memset(r, 0, sizeof(*r));
    r->fd = -1;
    r->size = UINT64_MAX;
}

/* A plain path, "-", or "file:PATH" without options is read through a descriptor (it may seek). */
static int open_fd(vt_reader *r, const char *arg)
{
    const char *path = arg;
    if (strncmp(arg, "file:", 5) == 0) {
        path = arg + 5;
    }
    r->fd = strcmp(arg, "-") == 0 ? STDIN_FILENO : open(path, O_RDONLY | O_CLOEXEC);
    if (r->fd < 0) {
        snprintf(r->err, sizeof(r->err), "cannot open '%s': %s", path, strerror(errno));
        return -1;
    }
    struct stat st;
    if (fstat(r->fd, &st) == 0 && S_ISREG(st.st_mode) && lseek(r->fd, 0, SEEK_CUR) == 0) {
        r->seekable = true;
        r->size = (uint64_t)st.st_size;
    } else if (fstat(r->fd, &st) == 0 && S_ISDIR(st.st_mode)) {
        snprintf(r->err, sizeof(r->err), "cannot read '%s': is a directory", path);
        return -1;
    } else if (S_ISFIFO(st.st_mode)) {
        grow_pipe(r->fd);
    }
    return 0;
}

int vt_reader_open(vt_reader *r, const char *arg)
{
    reader_init(r);
    r->buf = malloc(VT_WINDOW);
    if (!r->buf) {
        snprintf(r->err, sizeof(r->err), "out of memory");
        return -1;
    }
    if (!is_uri(arg) || (strncmp(arg, "file:", 5) == 0 && !strchr(arg, ','))) {
        return open_fd(r, arg);
    }
    vms_error_t e;
    vms_error_init(&e);
    r->stream = vms_stream_open(arg, VMS_READ, &e);
    if (!r->stream) {
        snprintf(r->err, sizeof(r->err), "cannot open '%.200s': %.250s", arg, e.message);
        return -1;
    }
    return 0;
}

void vt_reader_mem(vt_reader *r, const void *mem, size_t len, uint64_t base)
{
    reader_init(r);
    r->mem = mem;
    r->len = len;
    r->base = base;
    r->size = base + len;
    r->seekable = true;
    r->at_end = true;
}

void vt_reader_close(vt_reader *r)
{
    if (r->stream) {
        vms_stream_close(r->stream);
    }
    if (r->fd > STDIN_FILENO) {
        close(r->fd);
    }
    free(r->buf);
    r->buf = NULL;
    r->stream = NULL;
    r->fd = -1;
}

uint64_t vt_offset(const vt_reader *r)
{
    return r->base + r->pos;
}

int vt_fail(vt_reader *r, uint64_t off, const char *fmt, ...)
{
    if (r->failed) {
        return -1;
    }
    r->failed = true;
    r->err_off = off;
    int n = snprintf(r->err, sizeof(r->err), "offset 0x%llx (%llu): ", (unsigned long long)off,
                     (unsigned long long)off);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(r->err + n, sizeof(r->err) - (size_t)n, fmt, ap);
    va_end(ap);
    return -1;
}

uint64_t vt_remaining(const vt_reader *r)
{
    return r->size == UINT64_MAX ? UINT64_MAX : r->size - vt_offset(r);
}

/* Moves unread bytes to the front and reads more; false when nothing more came. */
static bool refill(vt_reader *r)
{
    if (r->at_end || r->failed) {
        return false;
    }
    memmove(r->buf, r->buf + r->pos, r->len - r->pos);
    r->base += r->pos;
    r->len -= r->pos;
    r->pos = 0;
    size_t want = VT_WINDOW - r->len;
    ssize_t got;
    if (r->stream) {
        /* vms_get_buffer sets an EOF error on a short read; the byte count is what matters. */
        got = (ssize_t)vms_get_buffer(r->stream, r->buf + r->len, want);
        if ((size_t)got < want) {
            vms_error_t e;
            vms_error_init(&e);
            if (vms_stream_error(r->stream, &e) != VMS_ERR_EOF && e.code != 0) {
                vt_fail(r, r->base + r->len + (size_t)got, "read error: %s", e.message);
                return false;
            }
            r->at_end = true;
        }
    } else {
        do {
            got = read(r->fd, r->buf + r->len, want);
        } while (got < 0 && errno == EINTR);
        if (got < 0) {
            vt_fail(r, r->base + r->len, "read error: %s", strerror(errno));
            return false;
        }
        if (got == 0) {
            r->at_end = true;
        }
    }
    r->len += (size_t)got;
    return got > 0;
}

/* Makes @n (<= VT_WINDOW) bytes available at buf+pos; false (no error set) when the stream ends first. */
static bool have(vt_reader *r, size_t n)
{
    while (r->len - r->pos < n) {
        if (r->mem || !refill(r)) {
            return false;
        }
    }
    return true;
}

static const uint8_t *window(const vt_reader *r)
{
    return (r->mem ? r->mem : r->buf) + r->pos;
}

bool vt_at_eof(vt_reader *r)
{
    return !have(r, 1);
}

static bool need(vt_reader *r, size_t n, const char *what)
{
    if (r->failed) {
        return false;
    }
    if (!have(r, n)) {
        vt_fail(r, vt_offset(r), "unexpected end of stream: expected %s (%zu bytes), %zu left", what, n,
                r->len - r->pos);
        return false;
    }
    return true;
}

static uint64_t get_be(vt_reader *r, size_t n, const char *what)
{
    if (!need(r, n, what)) {
        return 0;
    }
    const uint8_t *p = window(r);
    uint64_t v = 0;
    for (size_t i = 0; i < n; i++) {
        v = v << 8 | p[i];
    }
    r->pos += n;
    return v;
}

uint8_t vt_u8(vt_reader *r, const char *what) { return (uint8_t)get_be(r, 1, what); }
uint16_t vt_be16(vt_reader *r, const char *what) { return (uint16_t)get_be(r, 2, what); }
uint32_t vt_be32(vt_reader *r, const char *what) { return (uint32_t)get_be(r, 4, what); }
uint64_t vt_be64(vt_reader *r, const char *what) { return get_be(r, 8, what); }

int vt_peek(vt_reader *r)
{
    if (r->failed || !have(r, 1)) {
        return -1;
    }
    return window(r)[0];
}

bool vt_peekn(vt_reader *r, uint8_t *dst, size_t n)
{
    if (r->failed || !have(r, n)) {
        return false;
    }
    memcpy(dst, window(r), n);
    return true;
}

int vt_read(vt_reader *r, void *dst, size_t n, const char *what)
{
    uint8_t *d = dst;
    uint64_t start = vt_offset(r);
    while (n > 0) {
        if (r->failed) {
            return -1;
        }
        if (!have(r, 1)) {
            return vt_fail(r, start, "unexpected end of stream: expected %s, %zu bytes short", what, n);
        }
        size_t k = r->len - r->pos < n ? r->len - r->pos : n;
        memcpy(d, window(r), k);
        r->pos += k;
        d += k;
        n -= k;
    }
    return r->failed ? -1 : 0;
}

uint8_t *vt_read_alloc(vt_reader *r, uint64_t n, const char *what)
{
    uint64_t left = vt_remaining(r);
    uint64_t bound = left == UINT64_MAX ? vt_buffer_cap : left;
    if (r->failed) {
        return NULL;
    }
    if (n > bound) {
        vt_fail(r, vt_offset(r), "%s of %llu bytes is larger than the %llu bytes %s", what,
                (unsigned long long)n, (unsigned long long)bound,
                left == UINT64_MAX ? "buffered at most" : "left in the stream");
        return NULL;
    }
    uint8_t *p = malloc(n ? (size_t)n : 1);
    if (!p) {
        vt_fail(r, vt_offset(r), "out of memory for %s of %llu bytes", what, (unsigned long long)n);
        return NULL;
    }
    if (vt_read(r, p, (size_t)n, what) < 0) {
        free(p);
        return NULL;
    }
    return p;
}

int vt_skip(vt_reader *r, uint64_t n, const char *what)
{
    if (r->failed) {
        return -1;
    }
    uint64_t left = vt_remaining(r);
    if (left != UINT64_MAX && n > left) {
        return vt_fail(r, vt_offset(r), "unexpected end of stream: expected %s (%llu bytes), %llu left",
                       what, (unsigned long long)n, (unsigned long long)left);
    }
    if (r->len - r->pos >= n) {
        r->pos += (size_t)n;
        return 0;
    }
    if (r->fd >= 0 && r->seekable) {
        uint64_t target = vt_offset(r) + n;
        if (lseek(r->fd, (off_t)target, SEEK_SET) < 0) {
            return vt_fail(r, vt_offset(r), "seek error: %s", strerror(errno));
        }
        r->base = target;
        r->len = r->pos = 0;
        r->at_end = false;
        return 0;
    }
    uint64_t start = vt_offset(r);
    while (n > 0) {
        if (!have(r, 1)) {
            return vt_fail(r, start, "unexpected end of stream: expected %s, %llu bytes short", what,
                           (unsigned long long)n);
        }
        size_t k = r->len - r->pos < n ? r->len - r->pos : (size_t)n;
        r->pos += k;
        n -= k;
    }
    return r->failed ? -1 : 0;
}

/* True when @s[0..n) is valid UTF-8 (what Python's decode and jansson accept). */
static bool utf8_ok(const uint8_t *s, size_t n)
{
    for (size_t i = 0; i < n;) {
        uint8_t c = s[i];
        size_t k;
        if (c < 0x80) {
            k = 0;
        } else if (c >= 0xc2 && c <= 0xdf) {
            k = 1;
        } else if ((c & 0xf0) == 0xe0) {
            k = 2;
        } else if (c >= 0xf0 && c <= 0xf4) {
            k = 3;
        } else {
            return false;
        }
        if (n - i <= k) {
            return false;
        }
        for (size_t j = 1; j <= k; j++) {
            if ((s[i + j] & 0xc0) != 0x80) {
                return false;
            }
        }
        if ((c == 0xe0 && s[i + 1] < 0xa0) || (c == 0xed && s[i + 1] >= 0xa0) ||
            (c == 0xf0 && s[i + 1] < 0x90) || (c == 0xf4 && s[i + 1] >= 0x90)) {
            return false;
        }
        i += k + 1;
    }
    return memchr(s, 0, n) == NULL;
}

int vt_str8(vt_reader *r, char out[256], const char *what)
{
    uint64_t at = vt_offset(r);
    uint8_t n = vt_u8(r, what);
    if (vt_read(r, out, n, what) < 0) {
        return -1;
    }
    out[n] = '\0';
    if (!utf8_ok((const uint8_t *)out, n)) {
        return vt_fail(r, at, "%s is not valid UTF-8 text", what);
    }
    return 0;
}

int vt_pread(vt_reader *r, void *dst, size_t n, uint64_t off)
{
    if (r->mem) {
        if (off < r->base || off - r->base + n > r->len) {
            return -1;
        }
        memcpy(dst, r->mem + (off - r->base), n);
        return 0;
    }
    ssize_t got = pread(r->fd, dst, n, (off_t)off);
    return got == (ssize_t)n ? 0 : -1;
}

int vt_seek(vt_reader *r, uint64_t off, const char *what)
{
    uint64_t here = vt_offset(r);
    if (r->failed) {
        return -1;
    }
    if (r->size != UINT64_MAX && off > r->size) {
        return vt_fail(r, here, "%s at 0x%llx is beyond the end of the stream (%llu bytes)", what,
                       (unsigned long long)off, (unsigned long long)r->size);
    }
    if (off >= here) {
        return vt_skip(r, off - here, what);
    }
    if (r->mem) {
        if (off < r->base) {
            return vt_fail(r, here, "%s at 0x%llx is before this chunk of the stream", what,
                           (unsigned long long)off);
        }
        r->pos = (size_t)(off - r->base);
        return 0;
    }
    if (off >= r->base) {
        r->pos = (size_t)(off - r->base); /* still in the window */
        return 0;
    }
    if (r->fd < 0 || !r->seekable) {
        return vt_fail(r, here, "%s at 0x%llx is behind the read position and the stream cannot seek back "
                       "(read it from a file)", what, (unsigned long long)off);
    }
    if (lseek(r->fd, (off_t)off, SEEK_SET) < 0) {
        return vt_fail(r, here, "seek error: %s", strerror(errno));
    }
    r->base = off;
    r->len = r->pos = 0;
    r->at_end = false;
    return 0;
}
