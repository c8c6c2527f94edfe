/* vms_private.h: internals shared between libvmstate's source files. */
#ifndef VMS_PRIVATE_H
#define VMS_PRIVATE_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <vms/vms.h>

/* Size of a stream's buffer (QEMU's IO_BUF_SIZE); bounds vms_stream_peek(). */
#define VMSP_STREAM_BUF 32768
/*
 * A transport writer's buffer: larger, since socket throughput grows with the
 * size of each write (unix sockets most; tests/bench/README.md measured 32,
 * 64 and 256 KiB). Rate-limited writes still go out in VMSP_STREAM_BUF pieces.
 */
#define VMSP_STREAM_WBUF (64 * 1024)

/* Most subsections one description may list (duplicate detection uses a bitmap). */
#define VMSP_MAX_SUBSECTIONS 256
/* Longest name that travels with a u8 length (idstr, subsection name). */
#define VMSP_NAME_MAX 255

/* wire.c: vmdesc type name of a field ("uint32 equal", a codec's name, ...). */
const char *vmsp_field_type_name(const struct vms_field *f);
bool vmsp_wire_is_integer(enum vms_wire_type t); /* bool and (u)int8..64 */
bool vmsp_wire_is_scalar(enum vms_wire_type t);  /* integers, floats, timer */

/*
 * Writer rate limiting (ratelimit.c): a token bucket refilled at cap bytes/s
 * holding at most cap/20 (so any 1 s window carries at most 1.05 * cap plus
 * the one chunk that overdrew it). Tokens count byte-nanoseconds so that
 * refills are exact.
 */
__extension__ typedef __int128 vmsp_i128;

struct vmsp_rate {
    uint64_t cap;          /* bytes per second; 0: unlimited */
    /*
     * vmsp_rate_take once a limit was set: streams call it through here, so
     * that a program that never limits a rate does not link ratelimit.c.
     */
    void (*take)(struct vmsp_rate *r, size_t n);
    vmsp_i128 tokens;      /* byte-nanoseconds available; negative: in debt */
    uint64_t last_ns;      /* clock reading of the last refill */
    struct vms_clock clock;
    uint64_t waits;        /* times the writer slept */
    uint64_t wait_ns;      /* total sleep asked of the clock */
};

/* A zeroed struct vmsp_rate is unlimited; setting a limit or a clock sets the rest. */
void vmsp_rate_set(struct vmsp_rate *r, uint64_t bytes_per_sec);
void vmsp_rate_set_clock(struct vmsp_rate *r, const struct vms_clock *clock);
/* Sleeps (on the rate's clock) until a write may start, then debits @n bytes. */
void vmsp_rate_take(struct vmsp_rate *r, size_t n);
/* True when @pending more bytes would exceed what the bucket holds now; never sleeps. */
bool vmsp_rate_exceeded(struct vmsp_rate *r, uint64_t pending);

struct vms_stream {
    const struct vms_transport_ops *ops; /* NULL for memory streams */
    void *ctx;
    int mode;                            /* VMS_READ or VMS_WRITE */
    uint8_t *buf;
    size_t cap;                          /* allocated bytes of buf */
    size_t pos;                          /* reader: next byte to consume */
    size_t len;                          /* reader: valid bytes; writer: pending bytes */
    uint64_t base;                       /* stream offset of buf[0] */
    bool eof;                            /* reader: transport reported end */
    bool mem;                            /* memory stream: buf is the whole data */
    bool borrowed;                       /* mem reader: buf belongs to the caller */
    vms_error_t error;                   /* sticky; error.code == 0 while healthy */
    uint64_t moved;                      /* bytes the transport read or took */
    struct vmsp_rate rate;               /* writer rate limit */
};

/* True once the stream holds an error. */
static inline bool vmsp_stream_failed(const vms_stream_t *s)
{
    return s->error.code != 0;
}

/*
 * Bulk element transfer for scalar arrays: @n elements of @width bytes (1, 2,
 * 4 or 8) converted between host order and big-endian straight into or out
 * of the stream buffer, without a call per element. vmsp_get_array leaves
 * elements that did not arrive (end of stream, error) untouched and returns
 * how many did.
 */
void vmsp_put_array(vms_stream_t *s, const void *src, size_t width, size_t n);
size_t vmsp_get_array(vms_stream_t *s, void *dst, size_t width, size_t n);

/*
 * The engine's fast path (vms_desc.fast_save/fast_load): a pointer to @n
 * contiguous bytes, or NULL when the stream cannot give them now (then the
 * engine takes its general path, which reports any error). vmsp_stream_room
 * is where a writer's next @n bytes go, when the buffer has room for them
 * without a flush or growth; the caller adds @n to s->len after writing.
 * vmsp_stream_avail is a reader's next @n bytes, reading ahead into the
 * buffer if need be (@n at most its size); the caller adds to s->pos what it
 * consumed.
 */
static inline uint8_t *vmsp_stream_room(vms_stream_t *s, size_t n)
{
    bool room = s->mode == VMS_WRITE && !vmsp_stream_failed(s) && s->cap - s->len >= n;

    return room ? s->buf + s->len : NULL;
}

/* vmsp_stream_room() of a memory writer after growing it; NULL, and no error, if it cannot. */
uint8_t *vmsp_stream_grow(vms_stream_t *s, size_t n);
const uint8_t *vmsp_stream_avail(vms_stream_t *s, size_t n);

/*
 * Transport constructors used by vms_stream_open(); each parses the part of
 * the URI after its scheme and returns a stream or NULL with @err naming the
 * URI.
 */
vms_stream_t *vmsp_open_file(const char *uri, const char *spec, int mode, vms_error_t *err);
vms_stream_t *vmsp_open_fd(const char *uri, const char *spec, int mode, vms_error_t *err);

/*
 * The descriptor I/O every fd-based transport shares (transport_fd.c): a
 * stream over the open @fd, which it owns from now on (closed by
 * vms_stream_close(), and at once if this fails). @what names it in messages
 * (the URI). Reads and writes retry EINTR, never raise SIGPIPE, and report
 * EPIPE/ECONNRESET as VMS_ERR_CLOSED.
 */
vms_stream_t *vmsp_fd_stream(int fd, const char *what, int mode, vms_error_t *err);

/*
 * vmsp_fd_stream() with a hook run once after the descriptor is closed (also
 * when this fails): it releases @hook_arg and returns 0 or a negative
 * VMS_ERR_* after filling @err, which becomes the close result.
 */
typedef int (*vmsp_close_hook)(void *hook_arg, vms_error_t *err);
vms_stream_t *vmsp_fd_stream_hooked(int fd, const char *what, int mode, vmsp_close_hook hook,
                                    void *hook_arg, vms_error_t *err);

/* exec:COMMAND (transport_exec.c), unix:PATH (transport_unix.c), tcp:HOST:PORT (transport_tcp.c). */
vms_stream_t *vmsp_open_exec(const char *uri, const char *spec, int mode, vms_error_t *err);
vms_stream_t *vmsp_open_unix(const char *uri, const char *spec, int mode, vms_error_t *err);
vms_stream_t *vmsp_open_tcp(const char *uri, const char *spec, int mode, vms_error_t *err);

/* The listening halves of unix: and tcp:; NULL with @err naming the URI on failure. */
vms_listener_t *vmsp_listen_unix(const char *uri, const char *spec, vms_error_t *err);
vms_listener_t *vmsp_listen_tcp(const char *uri, const char *spec, vms_error_t *err);

/*
 * Socket plumbing shared by unix: and tcp: (socket.c). A listener over the
 * bound, listening @fd (owned from now on, closed also on failure); @port is
 * what vms_listener_port() reports; @unlink_path, when not NULL, is removed
 * once a peer is accepted or the listener closes.
 */
vms_listener_t *vmsp_listener_new(const char *uri, int fd, int port, const char *unlink_path,
                                  vms_error_t *err);

/* The reader side of vms_stream_open(): accepts one peer on @l, then closes @l. */
vms_stream_t *vmsp_accept_once(vms_listener_t *l, vms_error_t *err);

/*
 * Connects to the first address of @list that accepts, retrying the whole
 * list every 50 ms while nobody listens yet (ECONNREFUSED, ENOENT) until
 * vmsp_connect_timeout_ms(); each attempt is bounded by the time left.
 * Returns a blocking, close-on-exec descriptor or -1 with @err naming @uri.
 */
struct addrinfo;
int vmsp_connect_retry(const char *uri, const struct addrinfo *list, vms_error_t *err);

/*
 * Millisecond knobs from the environment (a decimal number, else the default):
 * VMS_CONNECT_TIMEOUT_MS, how long a socket writer keeps retrying (10000);
 * VMS_ACCEPT_TIMEOUT_MS, how long a socket reader waits for its peer (0:
 * forever); VMS_IO_TIMEOUT_MS, the default vms_stream_set_timeout() of
 * descriptor streams (0: none).
 */
long vmsp_connect_timeout_ms(void);
long vmsp_accept_timeout_ms(void);
long vmsp_io_timeout_ms(void);
/* The decimal number in environment variable @name, else @dflt (transport_fd.c). */
long vmsp_env_ms(const char *name, long dflt);

/* CLOCK_MONOTONIC in milliseconds. */
long vmsp_now_ms(void);

/*
 * Descriptor-stream services (transport_fd.c). vmsp_fd_wait: 1 when the
 * descriptor under @s is readable (or @s is not a descriptor stream, so the
 * caller may just block), 0 if nothing arrived within @timeout_ms (< 0:
 * forever), a negative VMS_ERR_* on a poll failure. vmsp_fd_return_path: the
 * reverse direction of a socket stream (see vms_stream_return_path()).
 */
int vmsp_fd_wait(vms_stream_t *s, long timeout_ms);
/* What to call @s in messages: its URI for descriptor streams, else the transport's name. */
const char *vmsp_stream_name(const vms_stream_t *s);
vms_stream_t *vmsp_fd_return_path(vms_stream_t *s, vms_error_t *err);


/*
 * A growable text buffer for the JSON vmdesc (json_writer.c). Writes QEMU's
 * JSONWriter layout: ", " and ": " separators, no newlines, code points below
 * 0x20 and from 0x7f up as \uXXXX. Allocation failure sticks in `failed`.
 */
struct vmsp_json {
    char *buf;
    size_t len, cap;
    bool failed;
    bool need_comma; /* a value was written at the current nesting level */
};

void vmsp_json_init(struct vmsp_json *j);
void vmsp_json_clear(struct vmsp_json *j);
void vmsp_json_start_object(struct vmsp_json *j, const char *key); /* key NULL in arrays/top */
void vmsp_json_end_object(struct vmsp_json *j);
void vmsp_json_start_array(struct vmsp_json *j, const char *key);
void vmsp_json_end_array(struct vmsp_json *j);
void vmsp_json_str(struct vmsp_json *j, const char *key, const char *value);
void vmsp_json_int(struct vmsp_json *j, const char *key, int64_t value);
/* Appends @value, a complete JSON value written by another vmsp_json, as an array element. */
void vmsp_json_raw(struct vmsp_json *j, const struct vmsp_json *value);

/*
 * The engine with a vmdesc sink: saves @d at @version and, when @desc is not
 * NULL, appends its vmdesc members ("vmsd_name", "version", "fields",
 * "subsections") to the object open in @desc.
 */
int vmsp_save_desc(vms_stream_t *s, const struct vms_desc *d, void *opaque, int version,
                   struct vmsp_json *desc, vms_error_t *err);

/* An atomic load in progress (atomic.c, below). */
struct vmsp_txn;

/*
 * The engine's load with the root of error paths set to @root (an idstr) or
 * d->name. With @txn (an atomic load) it snapshots @opaque into @txn and
 * loads into the scratch copy; the caller then commits or aborts @txn.
 */
int vmsp_load_desc(vms_stream_t *s, const struct vms_desc *d, void *opaque, int version,
                   const char *root, struct vmsp_txn *txn, vms_error_t *err);

/* Runs d->post_load on @opaque, reporting a failure at @root (an atomic load's commit). */
int vmsp_run_post_load(vms_stream_t *s, const struct vms_desc *d, void *opaque, int version,
                       const char *root, vms_error_t *err);

/*
 * Bytes the first @n fields of @d take on the wire at d->version when each
 * has a fixed size there (the fast path's condition), else SIZE_MAX.
 */
size_t vmsp_fast_span(const struct vms_desc *d, size_t n);

/* The element count of @f in @opaque now; false when negative or beyond capacity. */
bool vmsp_field_count(const struct vms_field *f, const void *opaque, size_t *n);

/*
 * Atomic loads (atomic.c). A transaction (struct vmsp_txn, declared above)
 * holds scratch copies of devices and of the storage their pointer fields
 * reach, the allocations the load made and the post_load calls it deferred,
 * until it commits or aborts.
 */
/* A new, empty transaction; NULL when out of memory. Ends with commit or abort. */
struct vmsp_txn *vmsp_txn_new(void);

/*
 * Adds a scratch copy of @real (d->size bytes, deep-copying pointer fields)
 * and sets *@scratch to it. Returns 0 or VMS_ERR_INVAL (d->size is 0, a
 * pointer field that cannot be copied) / VMS_ERR_NOMEM, with @root in @err.
 */
int vmsp_txn_snapshot(struct vmsp_txn *t, const struct vms_desc *d, void *real, void **scratch,
                      const char *root, vms_error_t *err);

/* The engine allocated @mem (@len bytes) for a VMS_F_ALLOC field: freed on abort. 0 or NOMEM. */
int vmsp_txn_adopt(struct vmsp_txn *t, void *mem, size_t len);

/*
 * A VMS_F_ALLOC field's pointer @old is being replaced: frees it if this
 * transaction allocated it (the device's own storage is freed at the commit).
 */
void vmsp_txn_replace(struct vmsp_txn *t, void *old);

/* Records post_load of @d on the scratch object @opaque, to run after the commit. 0 or NOMEM. */
int vmsp_txn_defer(struct vmsp_txn *t, const struct vms_desc *d, void *opaque, int version,
                   const char *root);

/*
 * Copies every scratch object back into its device, frees the storage the
 * load replaced, then runs the deferred post_loads in order (stopping at the
 * first failure, which it returns). Frees @t.
 */
int vmsp_txn_commit(struct vmsp_txn *t, vms_stream_t *s, vms_error_t *err);

/* Discards the scratch copies and every allocation the load made; frees @t. NULL is fine. */
void vmsp_txn_abort(struct vmsp_txn *t);

#endif /* VMS_PRIVATE_H */
