/* vms/return_path.h: the reverse direction of a migration socket and QEMU's return-path messages. */
#ifndef VMS_RETURN_PATH_H
#define VMS_RETURN_PATH_H

#include <stdint.h>

#include <vms/error.h>
#include <vms/stream.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Return-path message types, numbered as QEMU's enum mig_rp_message_type.
 * Each message is be16 type, be16 length, then length bytes of data.
 */
enum vms_rp_type {
    VMS_RP_INVALID = 0,
    VMS_RP_SHUT = 1,           /* be32: 0 when the destination loaded fine, else an error */
    VMS_RP_PONG = 2,           /* be32: the value of the PING command it answers */
    VMS_RP_REQ_PAGES_ID = 3,   /* postcopy: not produced here, received as opaque data */
    VMS_RP_REQ_PAGES = 4,      /* postcopy: 12 bytes */
    VMS_RP_RECV_BITMAP = 5,    /* postcopy recovery */
    VMS_RP_RESUME_ACK = 6,     /* postcopy recovery: be32 */
    VMS_RP_SWITCHOVER_ACK = 7, /* no data: every device approved the switchover */
};

/* Longest message data accepted (QEMU's receive buffer is as large). */
#define VMS_RP_MAX_LEN 512

/* One received message; data holds len bytes. */
struct vms_rp_msg {
    uint16_t type;
    uint16_t len;
    uint8_t data[VMS_RP_MAX_LEN];
};

/*
 * A stream in the other direction over the socket under @s: a writer for
 * the reading side (the destination), a reader for the writing side (the
 * source). Works for unix:, tcp: and fd: on a socket; one-way transports
 * (file:, exec:, a pipe fd:, memory and custom transports) fail with
 * VMS_ERR_UNSUPPORTED. The new stream has its own descriptor, inherits the
 * I/O timeout of @s and is closed separately with vms_stream_close(); from
 * then on closing either stream shuts its direction down, so the peer sees
 * the end even while the other direction stays open. NULL with @err on
 * failure.
 */
vms_stream_t *vms_stream_return_path(vms_stream_t *s, vms_error_t *err);

/*
 * Writes one message and flushes it. @data may be NULL when @len is 0.
 * Returns 0 or the stream's sticky error; VMS_ERR_INVAL (not sticky) when
 * @len exceeds VMS_RP_MAX_LEN or @type is not a known type.
 */
int vms_rp_send(vms_stream_t *rp, uint16_t type, const void *data, uint16_t len);

/* SHUT with @status (0: success), PONG echoing @value, and SWITCHOVER_ACK. */
int vms_rp_send_shut(vms_stream_t *rp, uint32_t status);
int vms_rp_send_pong(vms_stream_t *rp, uint32_t value);
int vms_rp_send_switchover_ack(vms_stream_t *rp);

/*
 * Reads the next message into @msg. Waits at most @timeout_ms for it to
 * begin (< 0: forever): when nothing arrives the result is VMS_ERR_TIMEOUT,
 * which does not stick, so the caller may ask again. A message that began
 * must then arrive whole (the stream's own I/O timeout applies). An unknown
 * type, a length over VMS_RP_MAX_LEN, a length that does not match the
 * type's fixed size, or a truncated message fail with VMS_ERR_FORMAT or
 * VMS_ERR_EOF naming the stream and offset; those stick to @rp. Returns 0,
 * or a negative VMS_ERR_* with @err filled.
 */
int vms_rp_recv(vms_stream_t *rp, struct vms_rp_msg *msg, long timeout_ms, vms_error_t *err);

/* The be32 at the start of @msg's data (SHUT, PONG, RESUME_ACK); 0 when shorter. */
uint32_t vms_rp_msg_u32(const struct vms_rp_msg *msg);

/* QEMU's name of a message type ("SHUT", "PONG", ...), "unknown" beyond the table. */
const char *vms_rp_type_name(uint16_t type);

#ifdef __cplusplus
}
#endif

#endif /* VMS_RETURN_PATH_H */
