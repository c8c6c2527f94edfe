/* return_path.c: QEMU's return-path messages (be16 type, be16 length, data) over a reverse stream. */
#include <string.h>

#include "vms_private.h"

/* Fixed data length per type, -1 when variable (QEMU's rp_cmd_args table, as facts). */
static const struct {
    const char *name;
    int len;
} types[] = {
    [VMS_RP_INVALID] = {"INVALID", -1},
    [VMS_RP_SHUT] = {"SHUT", 4},
    [VMS_RP_PONG] = {"PONG", 4},
    [VMS_RP_REQ_PAGES_ID] = {"REQ_PAGES_ID", -1},
    [VMS_RP_REQ_PAGES] = {"REQ_PAGES", 12},
    [VMS_RP_RECV_BITMAP] = {"RECV_BITMAP", -1},
    [VMS_RP_RESUME_ACK] = {"RESUME_ACK", 4},
    [VMS_RP_SWITCHOVER_ACK] = {"SWITCHOVER_ACK", 0},
};

#define VMS_RP_MAX_LEN_STR "512"
_Static_assert(VMS_RP_MAX_LEN == 512, "keep VMS_RP_MAX_LEN_STR in step");

#define NTYPES (sizeof(types) / sizeof(types[0]))

const char *vms_rp_type_name(uint16_t type)
{
    return type < NTYPES ? types[type].name : "unknown";
}

vms_stream_t *vms_stream_return_path(vms_stream_t *s, vms_error_t *err)
{
    if (!s) {
        vms_error_set(err, VMS_ERR_INVAL, 0, -1, NULL, "no stream to open a return path on");
        return NULL;
    }
    return vmsp_fd_return_path(s, err);
}

int vms_rp_send(vms_stream_t *rp, uint16_t type, const void *data, uint16_t len)
{
    if (type == VMS_RP_INVALID || type >= NTYPES || len > VMS_RP_MAX_LEN || (len && !data) ||
        (types[type].len >= 0 && types[type].len != len))
        return VMS_ERR_INVAL;
    vms_put_be16(rp, type);
    vms_put_be16(rp, len);
    vms_put_buffer(rp, data, len);
    return vms_stream_flush(rp);
}

static int send_u32(vms_stream_t *rp, uint16_t type, uint32_t v)
{
    uint8_t be[4] = {(uint8_t)(v >> 24), (uint8_t)(v >> 16), (uint8_t)(v >> 8), (uint8_t)v};

    return vms_rp_send(rp, type, be, sizeof(be));
}

int vms_rp_send_shut(vms_stream_t *rp, uint32_t status)
{
    return send_u32(rp, VMS_RP_SHUT, status);
}

int vms_rp_send_pong(vms_stream_t *rp, uint32_t value)
{
    return send_u32(rp, VMS_RP_PONG, value);
}

int vms_rp_send_switchover_ack(vms_stream_t *rp)
{
    return vms_rp_send(rp, VMS_RP_SWITCHOVER_ACK, NULL, 0);
}

uint32_t vms_rp_msg_u32(const struct vms_rp_msg *msg)
{
    const uint8_t *d = msg->data;

    if (msg->len < 4)
        return 0;
    return (uint32_t)d[0] << 24 | (uint32_t)d[1] << 16 | (uint32_t)d[2] << 8 | d[3];
}

/* Fails @rp; the message names the offset where the bad message began. */
static void bad(vms_stream_t *rp, uint64_t at, const char *what, uint16_t type, uint16_t len)
{
    vms_stream_set_error(rp, VMS_ERR_FORMAT, 0,
                         "return path message at offset %llu: %s (type %u %s, length %u)",
                         (unsigned long long)at, what, type, vms_rp_type_name(type), len);
}

/* Nothing arrived in time: not sticky, the caller may wait again. */
static int timed_out(vms_error_t *err, long timeout_ms)
{
    vms_error_set(err, VMS_ERR_TIMEOUT, 0, -1, NULL, "no return path message within %ld ms",
                  timeout_ms);
    return VMS_ERR_TIMEOUT;
}

int vms_rp_recv(vms_stream_t *rp, struct vms_rp_msg *msg, long timeout_ms, vms_error_t *err)
{
    uint64_t at;
    int ready;

    memset(msg, 0, sizeof(*msg) - sizeof(msg->data));
    if (vmsp_stream_failed(rp))
        return vms_stream_error(rp, err);
    if (rp->mode != VMS_READ) {
        vms_error_set(err, VMS_ERR_INVAL, 0, -1, NULL, "return path: not a reading stream");
        return VMS_ERR_INVAL;
    }
    if (rp->len == rp->pos && !rp->mem && !rp->eof) {
        ready = vmsp_fd_wait(rp, timeout_ms);
        if (ready == 0)
            return timed_out(err, timeout_ms);
        if (ready < 0) {
            vms_stream_set_error(rp, ready, 0, "return path: cannot wait for data");
            return vms_stream_error(rp, err);
        }
    }
    at = vms_stream_offset(rp);
    msg->type = vms_get_be16(rp);
    msg->len = vms_get_be16(rp);
    if (!vmsp_stream_failed(rp)) {
        if (msg->type == VMS_RP_INVALID || msg->type >= NTYPES)
            bad(rp, at, "unknown type", msg->type, msg->len);
        else if (msg->len > VMS_RP_MAX_LEN)
            bad(rp, at, "length exceeds " VMS_RP_MAX_LEN_STR, msg->type, msg->len);
        else if (types[msg->type].len >= 0 && types[msg->type].len != msg->len)
            bad(rp, at, "wrong length for this type", msg->type, msg->len);
        else
            vms_get_buffer(rp, msg->data, msg->len);
    }
    return vms_stream_error(rp, err);
}
