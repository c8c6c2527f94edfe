/* vms/stream.h: buffered migration streams over pluggable transports. */
#ifndef VMS_STREAM_H
#define VMS_STREAM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <vms/error.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * A stream is a buffered reader or writer (QEMUFile's role). Its first error
 * sticks: after it, reads return zeros, writes are dropped, and
 * vms_stream_close() returns that error. Callers may do many puts and check
 * once.
 */
typedef struct vms_stream vms_stream_t;

/* Stream modes for vms_stream_open() and vms_stream_new(). */
#define VMS_READ 1
#define VMS_WRITE 2

/*
 * A transport moves bytes for a stream. Each function gets the ctx given to
 * vms_stream_new(). Implementations must handle EINTR themselves and may
 * return short counts; the stream loops.
 *
 *   read   reads up to @len bytes into @buf; returns the count (> 0), 0 at
 *          end of stream, or a negative VMS_ERR_* after filling @err.
 *   write  writes up to @len bytes; returns the count (> 0) or a negative
 *          VMS_ERR_* after filling @err. 0 is treated as an error.
 *   close  releases ctx and everything it owns; returns 0 or a negative
 *          VMS_ERR_* (e.g. a child process that exited non-zero). Called
 *          exactly once, by vms_stream_close().
 *
 * read is NULL for write-only transports and vice versa.
 */
struct vms_transport_ops {
    const char *name;
    ssize_t (*read)(void *ctx, void *buf, size_t len, vms_error_t *err);
    ssize_t (*write)(void *ctx, const void *buf, size_t len, vms_error_t *err);
    int (*close)(void *ctx, vms_error_t *err);
};

/*
 * Opens a stream on a QEMU-style URI: "file:PATH[,offset=N]", "fd:N",
 * "exec:COMMAND" (via /bin/sh -c; the writer feeds its stdin, the reader
 * reads its stdout, close reaps it), "unix:PATH" or "tcp:HOST:PORT" (HOST a
 * name, an IPv4 address or a bracketed IPv6 address such as [::1]; the
 * reader may leave HOST empty to listen on every address). For sockets the
 * reader listens and accepts one connection, the writer connects with
 * retries (see docs/runtime.md for the timeouts). @mode is VMS_READ or
 * VMS_WRITE. Returns NULL and fills @err (naming the URI) on failure.
 * Free with vms_stream_close().
 */
vms_stream_t *vms_stream_open(const char *uri, int mode, vms_error_t *err);

/*
 * The reader side of a socket URI in two steps, so that a caller can learn
 * the address before the peer connects (tcp: port 0 picks a free port).
 * vms_listener_open binds and listens on a "unix:" or "tcp:" URI; NULL with
 * @err naming the URI on failure. Free with vms_listener_close().
 */
typedef struct vms_listener vms_listener_t;
vms_listener_t *vms_listener_open(const char *uri, vms_error_t *err);

/* The TCP port @l listens on (the one the kernel chose for port 0); 0 for unix:. */
int vms_listener_port(const vms_listener_t *l);

/*
 * Waits for one peer (at most VMS_ACCEPT_TIMEOUT_MS when that is set, then
 * VMS_ERR_TIMEOUT) and returns a reading stream over the connection, which
 * the caller closes. The listener stays open. NULL with @err on failure.
 */
vms_stream_t *vms_listener_accept(vms_listener_t *l, vms_error_t *err);

/* Stops listening and frees @l (a unix: path is removed). NULL is fine. */
void vms_listener_close(vms_listener_t *l);

/*
 * Bounds every wait of a descriptor stream (fd:, file:, exec:, unix:, tcp:)
 * for its peer: a read or write that makes no progress for @timeout_ms fails
 * with VMS_ERR_TIMEOUT at the stream offset. 0 waits forever. The default is
 * the VMS_IO_TIMEOUT_MS environment variable, else 0. Returns 0, or
 * VMS_ERR_UNSUPPORTED for memory and custom-transport streams.
 */
int vms_stream_set_timeout(vms_stream_t *s, long timeout_ms);

/*
 * A clock for rate limiting: @now_ns returns monotonic nanoseconds, @sleep_ns
 * waits that long. Tests pass a fake one to measure the limiter without
 * sleeping.
 */
struct vms_clock {
    uint64_t (*now_ns)(void *opaque);
    void (*sleep_ns)(void *opaque, uint64_t ns);
    void *opaque;
};

/*
 * Caps a transport writer at @bytes_per_sec (0: unlimited, the default).
 * Writes sleep as needed so that over any 1 s window the transport receives
 * at most 1.05 * cap plus one stream buffer (32 KiB). Returns 0, or
 * VMS_ERR_INVAL for a reader or a memory stream.
 */
int vms_stream_set_rate_limit(vms_stream_t *s, uint64_t bytes_per_sec);

/* The cap set by vms_stream_set_rate_limit() (0: unlimited). */
uint64_t vms_stream_rate_limit(const vms_stream_t *s);

/*
 * True when a rate-limited writer has used up its allowance for now, counting
 * bytes still buffered: a caller producing data in steps (a live iteration)
 * stops producing and returns. Never blocks. False without a limit.
 */
bool vms_stream_rate_limit_exceeded(vms_stream_t *s);

/* Replaces the clock of the rate limiter (NULL: CLOCK_MONOTONIC and nanosleep). */
void vms_stream_set_clock(vms_stream_t *s, const struct vms_clock *clock);

/* Statistics of a stream. */
struct vms_stream_stats {
    uint64_t bytes_written;  /* bytes a writer's transport took (memory writers: all) */
    uint64_t bytes_read;     /* bytes a reader's transport delivered (memory readers: consumed) */
    uint64_t rate_waits;     /* times the rate limiter made the writer sleep */
    uint64_t rate_wait_ns;   /* total time it asked to sleep */
};

/* Fills @st for @s. */
void vms_stream_get_stats(const vms_stream_t *s, struct vms_stream_stats *st);

/*
 * Wraps a transport. The stream takes ownership of @ctx: ops->close is
 * called by vms_stream_close(), also when this function fails. Returns NULL
 * on allocation failure (with @err filled).
 */
vms_stream_t *vms_stream_new(const struct vms_transport_ops *ops, void *ctx, int mode,
                             vms_error_t *err);

/* A writer into a growable memory buffer. NULL if out of memory. */
vms_stream_t *vms_stream_mem_writer(void);

/*
 * A reader over @len bytes at @buf. The bytes are borrowed, not copied: they
 * must outlive the stream. NULL if out of memory.
 */
vms_stream_t *vms_stream_mem_reader(const void *buf, size_t len);

/*
 * The bytes written so far to a memory writer (borrowed; valid until the next
 * write or close). Stores the length in @len when not NULL. NULL for other
 * streams.
 */
const void *vms_stream_mem_data(vms_stream_t *s, size_t *len);

/*
 * Flushes a writer, closes the transport and frees the stream. Returns 0, the
 * sticky error, or the flush/close error. NULL is fine (returns 0).
 */
int vms_stream_close(vms_stream_t *s);

/* Pushes buffered bytes of a writer to its transport. Returns 0 or the sticky error. */
int vms_stream_flush(vms_stream_t *s);

/* Bytes read or written so far (a writer counts buffered bytes too). */
uint64_t vms_stream_offset(const vms_stream_t *s);

/*
 * The sticky error: returns its code (0 if none) and copies the detail into
 * @err when not NULL (subject to the first-error-wins rule of @err).
 */
int vms_stream_error(const vms_stream_t *s, vms_error_t *err);

/*
 * Makes @code the sticky error of @s unless one is already set; the stream
 * offset is recorded. Returns the sticky code. Codecs use it to fail a
 * stream with their own message.
 */
int vms_stream_set_error(vms_stream_t *s, int code, int sys_errno, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;

/* Writers. Big-endian, as the migration stream. Errors stick to the stream. */
void vms_put_u8(vms_stream_t *s, uint8_t v);
void vms_put_be16(vms_stream_t *s, uint16_t v);
void vms_put_be32(vms_stream_t *s, uint32_t v);
void vms_put_be64(vms_stream_t *s, uint64_t v);
void vms_put_buffer(vms_stream_t *s, const void *buf, size_t len);

/*
 * Readers. Past the end of the stream they return 0 (or fill zeros) and set
 * the sticky VMS_ERR_EOF with the offset.
 */
uint8_t vms_get_u8(vms_stream_t *s);
uint16_t vms_get_be16(vms_stream_t *s);
uint32_t vms_get_be32(vms_stream_t *s);
uint64_t vms_get_be64(vms_stream_t *s);
/* Reads exactly @len bytes; returns how many were read before an error. */
size_t vms_get_buffer(vms_stream_t *s, void *buf, size_t len);
/* Discards @len bytes; returns how many were discarded before an error. */
size_t vms_stream_skip(vms_stream_t *s, size_t len);

/*
 * Copies up to @len bytes starting @offset bytes ahead of the read position
 * into @buf without consuming them. Returns the count available (less than
 * @len only at end of stream or on error). Does not set an error at end of
 * stream. @offset + @len must not exceed VMS_STREAM_PEEK_MAX.
 */
size_t vms_stream_peek(vms_stream_t *s, void *buf, size_t len, size_t offset);
#define VMS_STREAM_PEEK_MAX 4096

#ifdef __cplusplus
}
#endif

#endif /* VMS_STREAM_H */
