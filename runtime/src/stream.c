/* stream.c: buffered migration streams with a sticky error, over memory or a transport. */
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vms_private.h"

#if defined(__GNUC__)
#define likely(x) __builtin_expect(!!(x), 1)
#define NOINLINE __attribute__((noinline))
#else
#define likely(x) (x)
#define NOINLINE
#endif

/* The byte swaps below need a known host order; gcc and clang both predefine it. */
#if !defined(__BYTE_ORDER__) || !defined(__ORDER_LITTLE_ENDIAN__)
#error "stream.c needs __BYTE_ORDER__ (gcc or clang)"
#endif
#define HOST_LE (__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__)

/* First capacity of a memory writer; it doubles from there. */
#define MEM_INITIAL 4096

/* ---- byte order ---- */

/* Each is its own inverse: host to big-endian and back. */
static inline uint16_t swap16(uint16_t v)
{
    return HOST_LE ? __builtin_bswap16(v) : v;
}

static inline uint32_t swap32(uint32_t v)
{
    return HOST_LE ? __builtin_bswap32(v) : v;
}

static inline uint64_t swap64(uint64_t v)
{
    return HOST_LE ? __builtin_bswap64(v) : v;
}

/* One loop per width, so the swap is inlined and the loop has no branch per element. */
#define SWAP_LOOP(bits)                                                     \
    for (i = 0; i < n; i++) {                                               \
        uint##bits##_t v;                                                   \
        memcpy(&v, src + i * sizeof(v), sizeof(v));                         \
        v = __builtin_bswap##bits(v);                                       \
        memcpy(dst + i * sizeof(v), &v, sizeof(v));                         \
    }

/*
 * Copies @n elements of @width bytes, swapping each between host and
 * big-endian order. memcpy keeps unaligned access legal; the compiler turns
 * each loop into plain loads, swaps and stores (often vectorised).
 */
static void swap_copy(uint8_t *dst, const uint8_t *src, size_t width, size_t n)
{
    size_t i;

    if (!HOST_LE || width == 1) {
        memcpy(dst, src, width * n);
        return;
    }
    switch (width) {
    case 2:
        SWAP_LOOP(16)
        break;
    case 4:
        SWAP_LOOP(32)
        break;
    default:
        SWAP_LOOP(64)
        break;
    }
}

/* ---- errors ---- */

#if defined(__GNUC__)
__attribute__((format(printf, 5, 0)))
#endif
static NOINLINE int fail_vat(vms_stream_t *s, int code, int sys_errno, uint64_t offset,
                             const char *fmt, va_list ap)
{
    if (vmsp_stream_failed(s))
        return s->error.code;
    /* A code of 0 would leave the stream looking healthy; keep it failed. */
    s->error.code = code < 0 ? code : VMS_ERR_INVAL;
    s->error.sys_errno = sys_errno;
    s->error.offset = (int64_t)offset;
    s->error.path[0] = '\0';
    vsnprintf(s->error.message, sizeof(s->error.message), fmt, ap);
    return s->error.code;
}

#if defined(__GNUC__)
__attribute__((format(printf, 5, 6)))
#endif
static int fail_at(vms_stream_t *s, int code, int sys_errno, uint64_t offset, const char *fmt, ...)
{
    va_list ap;
    int rc;

    va_start(ap, fmt);
    rc = fail_vat(s, code, sys_errno, offset, fmt, ap);
    va_end(ap);
    return rc;
}

int vms_stream_set_error(vms_stream_t *s, int code, int sys_errno, const char *fmt, ...)
{
    va_list ap;
    int rc;

    va_start(ap, fmt);
    rc = fail_vat(s, code, sys_errno, vms_stream_offset(s), fmt, ap);
    va_end(ap);
    return rc;
}

/*
 * Makes what a transport call reported sticky. The transport does not know
 * the stream offset, so @offset (where its bytes stopped) is recorded here.
 */
static int adopt(vms_stream_t *s, ssize_t rc, const vms_error_t *e, uint64_t offset,
                 const char *verb)
{
    int code = e->code ? e->code : (rc < 0 && rc >= INT_MIN ? (int)rc : VMS_ERR_IO);

    if (e->message[0])
        return fail_at(s, code, e->sys_errno, offset, "%s", e->message);
    return fail_at(s, code, e->sys_errno, offset, "%s transport failed to %s", s->ops->name,
                   verb);
}

static void eof_error(vms_stream_t *s, size_t wanted, size_t got)
{
    fail_at(s, VMS_ERR_EOF, 0, vms_stream_offset(s),
            "unexpected end of stream: wanted %zu bytes, got %zu", wanted, got);
}

int vms_stream_error(const vms_stream_t *s, vms_error_t *err)
{
    if (s->error.code && err && err->code == 0)
        *err = s->error;
    return s->error.code;
}

/* ---- construction and teardown ---- */

static vms_stream_t *stream_alloc(int mode, size_t cap)
{
    vms_stream_t *s = calloc(1, sizeof(*s));

    if (!s)
        return NULL;
    s->mode = mode;
    vms_error_init(&s->error);
    if (cap) {
        s->buf = malloc(cap);
        if (!s->buf) {
            free(s);
            return NULL;
        }
        s->cap = cap;
    }
    return s;
}

/* Why @ops cannot serve a stream of @mode, or NULL when it can. */
static const char *transport_problem(const struct vms_transport_ops *ops, int mode)
{
    if (!ops)
        return "no transport operations";
    if (mode != VMS_READ && mode != VMS_WRITE)
        return "mode is neither VMS_READ nor VMS_WRITE";
    if (mode == VMS_READ && !ops->read)
        return "transport cannot read";
    if (mode == VMS_WRITE && !ops->write)
        return "transport cannot write";
    return NULL;
}

vms_stream_t *vms_stream_new(const struct vms_transport_ops *ops, void *ctx, int mode,
                             vms_error_t *err)
{
    const char *problem = transport_problem(ops, mode);
    vms_stream_t *s = NULL;

    if (problem)
        vms_error_set(err, VMS_ERR_INVAL, 0, -1, NULL, "cannot create stream: %s", problem);
    else if (!(s = stream_alloc(mode, mode == VMS_WRITE ? VMSP_STREAM_WBUF : VMSP_STREAM_BUF)))
        vms_error_set(err, VMS_ERR_NOMEM, 0, -1, NULL, "cannot allocate a stream buffer");
    if (s) {
        s->ops = ops;
        s->ctx = ctx;
        return s;
    }
    /* We own ctx even on failure, so release it; our error is set first and wins. */
    if (ops && ops->close)
        ops->close(ctx, err);
    return NULL;
}

vms_stream_t *vms_stream_mem_writer(void)
{
    vms_stream_t *s = stream_alloc(VMS_WRITE, MEM_INITIAL);

    if (s)
        s->mem = true;
    return s;
}

vms_stream_t *vms_stream_mem_reader(const void *buf, size_t len)
{
    vms_stream_t *s;

    if (!buf && len)
        return NULL;
    s = stream_alloc(VMS_READ, 0);
    if (!s)
        return NULL;
    /* Readers never write to buf (fill() leaves memory streams alone): dropping const is safe. */
    s->buf = (uint8_t *)(uintptr_t)buf;
    s->cap = s->len = len;
    s->mem = s->borrowed = s->eof = true;
    return s;
}

const void *vms_stream_mem_data(vms_stream_t *s, size_t *len)
{
    bool writer = s && s->mem && s->mode == VMS_WRITE;

    if (len)
        *len = writer ? s->len : 0;
    return writer ? s->buf : NULL;
}

int vms_stream_close(vms_stream_t *s)
{
    int rc;

    if (!s)
        return 0;
    vms_stream_flush(s);
    if (s->ops && s->ops->close) {
        vms_error_t e;

        vms_error_init(&e);
        rc = s->ops->close(s->ctx, &e);
        if (rc < 0 || e.code)
            adopt(s, rc, &e, vms_stream_offset(s), "close");
    }
    rc = s->error.code;
    if (!s->borrowed)
        free(s->buf);
    free(s);
    return rc;
}

uint64_t vms_stream_offset(const vms_stream_t *s)
{
    return s->base + (s->mode == VMS_WRITE ? s->len : s->pos);
}

/* ---- writing ---- */

/*
 * Whether @n bytes fit the buffer now; everything else (errors, growth,
 * flushing, big buffers) goes through vmsp_put_array().
 */
static inline bool can_put(const vms_stream_t *s, size_t n)
{
    return s->mode == VMS_WRITE && !vmsp_stream_failed(s) && s->cap - s->len >= n;
}

static bool writable(vms_stream_t *s)
{
    if (s->mode != VMS_WRITE) {
        vms_stream_set_error(s, VMS_ERR_INVAL, 0, "write to a stream opened for reading");
        return false;
    }
    return !vmsp_stream_failed(s);
}

/* Hands @len bytes at stream offset s->base to the transport; returns how many it took. */
static size_t write_all(vms_stream_t *s, const uint8_t *p, size_t len)
{
    size_t done = 0;

    while (done < len && !vmsp_stream_failed(s)) {
        size_t want = len - done;
        vms_error_t e;
        ssize_t n;

        /* Rate-limited writes go in buffer-sized pieces: the window bound allows one piece over. */
        if (s->rate.cap) {
            if (want > VMSP_STREAM_BUF)
                want = VMSP_STREAM_BUF;
            s->rate.take(&s->rate, want);
        }
        vms_error_init(&e);
        n = s->ops->write(s->ctx, p + done, want, &e);
        if (n > 0 && (size_t)n <= want) {
            done += (size_t)n;
            s->moved += (size_t)n;
        }
        else if (n < 0)
            adopt(s, n, &e, s->base + done, "write");
        else
            fail_at(s, VMS_ERR_IO, 0, s->base + done,
                    "%s transport accepted %zd of %zu bytes", s->ops->name, n, want);
    }
    return done;
}

static void flush_buf(vms_stream_t *s)
{
    /* On failure base and len stay put, so the offset still counts every byte produced. */
    if (s->len && write_all(s, s->buf, s->len) == s->len) {
        s->base += s->len;
        s->len = 0;
    }
}

int vms_stream_flush(vms_stream_t *s)
{
    if (s->mode == VMS_WRITE && !s->mem && !vmsp_stream_failed(s))
        flush_buf(s);
    return s->error.code;
}

uint8_t *vmsp_stream_grow(vms_stream_t *s, size_t n)
{
    size_t cap = s->cap;
    uint8_t *buf;

    if (!s->mem || s->mode != VMS_WRITE || vmsp_stream_failed(s))
        return NULL;
    while (cap - s->len < n && cap <= SIZE_MAX / 2)
        cap *= 2;
    if (cap != s->cap) {
        buf = cap - s->len >= n ? realloc(s->buf, cap) : NULL;
        if (!buf)
            return NULL;
        s->buf = buf;
        s->cap = cap;
    }
    return s->buf + s->len;
}

/* Grows a memory writer so @n more bytes fit. */
static bool reserve(vms_stream_t *s, size_t n)
{
    if (s->cap - s->len >= n || vmsp_stream_grow(s, n))
        return true;
    vms_stream_set_error(s, VMS_ERR_NOMEM, 0, "cannot grow memory stream to hold %zu more bytes",
                         n);
    return false;
}

void vms_put_u8(vms_stream_t *s, uint8_t v)
{
    if (likely(can_put(s, 1))) {
        s->buf[s->len++] = v;
        return;
    }
    vmsp_put_array(s, &v, 1, 1);
}

void vms_put_be16(vms_stream_t *s, uint16_t v)
{
    v = swap16(v);
    if (likely(can_put(s, 2))) {
        memcpy(s->buf + s->len, &v, 2);
        s->len += 2;
        return;
    }
    vmsp_put_array(s, (const uint8_t *)&v, 1, 2);
}

void vms_put_be32(vms_stream_t *s, uint32_t v)
{
    v = swap32(v);
    if (likely(can_put(s, 4))) {
        memcpy(s->buf + s->len, &v, 4);
        s->len += 4;
        return;
    }
    vmsp_put_array(s, (const uint8_t *)&v, 1, 4);
}

void vms_put_be64(vms_stream_t *s, uint64_t v)
{
    v = swap64(v);
    if (likely(can_put(s, 8))) {
        memcpy(s->buf + s->len, &v, 8);
        s->len += 8;
        return;
    }
    vmsp_put_array(s, (const uint8_t *)&v, 1, 8);
}

void vms_put_buffer(vms_stream_t *s, const void *buf, size_t len)
{
    if (likely(can_put(s, len))) {
        if (len)
            memcpy(s->buf + s->len, buf, len);
        s->len += len;
        return;
    }
    vmsp_put_array(s, buf, 1, len);
}

static bool valid_width(vms_stream_t *s, size_t width)
{
    if (width == 1 || width == 2 || width == 4 || width == 8)
        return true;
    vms_stream_set_error(s, VMS_ERR_INVAL, 0, "array element width %zu is not 1, 2, 4 or 8",
                         width);
    return false;
}

void vmsp_put_array(vms_stream_t *s, const void *src, size_t width, size_t n)
{
    const uint8_t *p = src;

    if (!valid_width(s, width) || !writable(s))
        return;
    if (s->mem && n > SIZE_MAX / width) {
        vms_stream_set_error(s, VMS_ERR_NOMEM, 0, "array of %zu elements is too large", n);
        return;
    }
    /* A memory writer grows once to hold them all, so the loop below runs once. */
    if (s->mem && !reserve(s, n * width))
        return;
    while (n > 0 && !vmsp_stream_failed(s)) {
        /* The buffer size is a multiple of 8, so after a flush at least one element fits. */
        size_t k = (s->cap - s->len) / width;

        if (k == 0) {
            flush_buf(s);
            continue;
        }
        if (s->len == 0 && width == 1 && n >= s->cap && !s->mem) {
            /* Bytes of a buffer or more go straight out: the buffer would only add a memcpy. */
            s->base += write_all(s, p, n);
            return;
        }
        k = k < n ? k : n;
        swap_copy(s->buf + s->len, p, width, k);
        s->len += k * width;
        p += k * width;
        n -= k;
    }
}

/* ---- reading ---- */

static inline bool can_get(const vms_stream_t *s, size_t n)
{
    return s->mode == VMS_READ && !vmsp_stream_failed(s) && s->len - s->pos >= n;
}

static bool readable(vms_stream_t *s)
{
    if (s->mode != VMS_READ) {
        vms_stream_set_error(s, VMS_ERR_INVAL, 0, "read from a stream opened for writing");
        return false;
    }
    return !vmsp_stream_failed(s);
}

/* One transport read into @dst, which continues the stream at s->base + s->len. */
static size_t read_once(vms_stream_t *s, uint8_t *dst, size_t len)
{
    vms_error_t e;
    ssize_t n;

    vms_error_init(&e);
    n = s->ops->read(s->ctx, dst, len, &e);
    if (n > 0 && (size_t)n <= len) {
        s->moved += (size_t)n;
        return (size_t)n;
    }
    if (n == 0)
        s->eof = true;
    else if (n < 0)
        adopt(s, n, &e, s->base + s->len, "read");
    else
        fail_at(s, VMS_ERR_IO, 0, s->base + s->len, "%s transport returned %zd for %zu bytes",
                s->ops->name, n, len);
    return 0;
}

/* Moves the unread bytes to the front of the buffer, making room behind them. */
static void compact(vms_stream_t *s)
{
    if (s->pos == 0)
        return;
    memmove(s->buf, s->buf + s->pos, s->len - s->pos);
    s->base += s->pos;
    s->len -= s->pos;
    s->pos = 0;
}

/*
 * Tries to make @need (at most cap) unread bytes available, reading as much
 * as fits; returns the count available, less than @need only at end of
 * stream or on error.
 */
static size_t fill(vms_stream_t *s, size_t need)
{
    if (s->len - s->pos >= need || s->mem)
        return s->len - s->pos;
    compact(s);
    while (s->len < need && !s->eof && !vmsp_stream_failed(s))
        s->len += read_once(s, s->buf + s->len, s->cap - s->len);
    return s->len - s->pos;
}

/*
 * Consumes @len bytes, copying them to @dst unless it is NULL; returns how
 * many were consumed. Reads of a buffer or more bypass the buffer.
 */
static size_t consume(vms_stream_t *s, uint8_t *dst, size_t len)
{
    size_t done = 0;

    while (done < len && !vmsp_stream_failed(s)) {
        size_t avail = s->len - s->pos, chunk;

        if (avail == 0 && dst && !s->mem && !s->eof && len - done >= s->cap) {
            compact(s);
            chunk = read_once(s, dst + done, len - done);
            s->base += chunk;
            done += chunk;
            if (chunk == 0)
                break;
            continue;
        }
        if (avail == 0 && (avail = fill(s, 1)) == 0)
            break;
        chunk = avail < len - done ? avail : len - done;
        if (dst)
            memcpy(dst + done, s->buf + s->pos, chunk);
        s->pos += chunk;
        done += chunk;
    }
    if (done < len && !vmsp_stream_failed(s))
        eof_error(s, len, done);
    return done;
}

size_t vms_get_buffer(vms_stream_t *s, void *buf, size_t len)
{
    size_t done = readable(s) ? consume(s, buf, len) : 0;

    if (done < len)
        memset((uint8_t *)buf + done, 0, len - done);
    return done;
}

size_t vms_stream_skip(vms_stream_t *s, size_t len)
{
    return readable(s) ? consume(s, NULL, len) : 0;
}

/* A scalar that is not wholly there reads as 0, not as its first bytes. */
static NOINLINE void get_slow(vms_stream_t *s, void *v, size_t n)
{
    if (vms_get_buffer(s, v, n) < n)
        memset(v, 0, n);
}

uint8_t vms_get_u8(vms_stream_t *s)
{
    uint8_t v;

    if (likely(can_get(s, 1)))
        return s->buf[s->pos++];
    get_slow(s, &v, 1);
    return v;
}

uint16_t vms_get_be16(vms_stream_t *s)
{
    uint16_t v;

    if (likely(can_get(s, 2))) {
        memcpy(&v, s->buf + s->pos, 2);
        s->pos += 2;
    } else {
        get_slow(s, &v, 2);
    }
    return swap16(v);
}

uint32_t vms_get_be32(vms_stream_t *s)
{
    uint32_t v;

    if (likely(can_get(s, 4))) {
        memcpy(&v, s->buf + s->pos, 4);
        s->pos += 4;
    } else {
        get_slow(s, &v, 4);
    }
    return swap32(v);
}

uint64_t vms_get_be64(vms_stream_t *s)
{
    uint64_t v;

    if (likely(can_get(s, 8))) {
        memcpy(&v, s->buf + s->pos, 8);
        s->pos += 8;
    } else {
        get_slow(s, &v, 8);
    }
    return swap64(v);
}

size_t vms_stream_peek(vms_stream_t *s, void *buf, size_t len, size_t offset)
{
    size_t avail, n = 0;

    if (offset > VMS_STREAM_PEEK_MAX || len > VMS_STREAM_PEEK_MAX - offset)
        vms_stream_set_error(s, VMS_ERR_INVAL, 0, "peek of %zu bytes at +%zu exceeds %d bytes",
                             len, offset, VMS_STREAM_PEEK_MAX);
    else if (readable(s)) {
        /* fill() compacts first, so offset + len always fits in the buffer. */
        avail = fill(s, offset + len);
        n = avail > offset ? avail - offset : 0;
        n = n < len ? n : len;
        if (n)
            memcpy(buf, s->buf + s->pos + offset, n);
    }
    if (n < len)
        memset((uint8_t *)buf + n, 0, len - n);
    return n;
}

const uint8_t *vmsp_stream_avail(vms_stream_t *s, size_t n)
{
    if (!can_get(s, n) && (s->mode != VMS_READ || vmsp_stream_failed(s) || n > s->cap ||
                           fill(s, n) < n))
        return NULL;
    return s->buf + s->pos;
}

size_t vmsp_get_array(vms_stream_t *s, void *dst, size_t width, size_t n)
{
    uint8_t *p = dst;
    size_t done = 0;

    if (!valid_width(s, width))
        return 0;
    while (done < n && readable(s)) {
        /* An element may straddle a refill; fill() keeps whole elements together. */
        size_t k = fill(s, width) / width;

        if (k == 0) {
            if (!vmsp_stream_failed(s))
                eof_error(s, (n - done) * width, s->len - s->pos);
            break;
        }
        k = k < n - done ? k : n - done;
        swap_copy(p + done * width, s->buf + s->pos, width, k);
        s->pos += k * width;
        done += k;
    }
    /* Elements that did not arrive stay as they were: a cut stream writes no zeros into state. */
    return done;
}
