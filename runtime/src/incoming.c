/* incoming.c: the destination of a live migration (vms_incoming): commands and the return path. */
#include <pthread.h>
#include <stdlib.h>

#include <vms/migrate.h>
#include <vms/return_path.h>

#include "registry_private.h"

enum { CMD_OPEN_RETURN_PATH = 1, CMD_PING = 2, CMD_SWITCHOVER_START = 11 };

struct vmsp_incoming_state {
    struct vmsp_incoming hooks; /* first: the loader hands it back */
    vms_registry_t *r;
    vms_stream_t *s;
    vms_stream_t *rp;      /* opened by OPEN_RETURN_PATH */
    unsigned caps;
    size_t approvals_due;  /* devices that still have to approve the switchover */
    bool acked;            /* SWITCHOVER_ACK sent */
    int ack_error;         /* sending it failed */
};

/*
 * Approvals may come from any thread: one lock guards every registry's
 * incoming pointer, the approval counts and the writes on return paths.
 */
static pthread_mutex_t incoming_lock = PTHREAD_MUTEX_INITIALIZER;

/* Call with incoming_lock held. */
static int send_ack_if_due(struct vmsp_incoming_state *in)
{
    if (!(in->caps & VMS_CAP_SWITCHOVER_ACK) || !in->rp || in->acked || in->approvals_due)
        return 0;
    in->acked = true;
    in->ack_error = vms_rp_send_switchover_ack(in->rp);
    return in->ack_error;
}

static int on_command(struct vmsp_incoming *hooks, uint16_t cmd, const uint8_t *data, uint16_t len,
                      vms_error_t *err)
{
    struct vmsp_incoming_state *in = (struct vmsp_incoming_state *)hooks;
    uint32_t value;
    int ret;

    switch (cmd) {
    case CMD_OPEN_RETURN_PATH:
        if (in->rp)
            return vmsp_stream_err(in->s, err, VMS_ERR_FORMAT, NULL,
                                   "OPEN_RETURN_PATH sent twice");
        pthread_mutex_lock(&incoming_lock);
        in->rp = vms_stream_return_path(in->s, err);
        ret = in->rp ? send_ack_if_due(in) : 0; /* at once when no device needs to approve */
        pthread_mutex_unlock(&incoming_lock);
        if (!in->rp)
            return err && err->code ? err->code : VMS_ERR_UNSUPPORTED;
        return ret ? vms_stream_error(in->rp, err) : 0;
    case CMD_PING:
        if (!in->rp)
            return vmsp_stream_err(in->s, err, VMS_ERR_FORMAT, NULL,
                                   "PING before OPEN_RETURN_PATH: nowhere to answer");
        value = len == 4 ? (uint32_t)data[0] << 24 | (uint32_t)data[1] << 16 |
                               (uint32_t)data[2] << 8 | data[3]
                         : 0;
        pthread_mutex_lock(&incoming_lock);
        ret = vms_rp_send_pong(in->rp, value);
        pthread_mutex_unlock(&incoming_lock);
        return ret ? vms_stream_error(in->rp, err) : 0;
    default: /* SWITCHOVER_START: nothing to prepare here */
        return 0;
    }
}

int vms_incoming(vms_registry_t *r, vms_stream_t *s, const struct vms_incoming_params *p,
                 vms_error_t *err)
{
    struct vmsp_incoming_state in = {.hooks = {.command = on_command}, .r = r, .s = s};
    int ret;

    if (!r || !s)
        return vms_error_set(err, VMS_ERR_INVAL, 0, -1, NULL, "NULL registry or stream");
    in.caps = p ? p->caps : 0;
    if (in.caps & ~VMS_CAP_SWITCHOVER_ACK)
        return vms_error_set(err, VMS_ERR_INVAL, 0, -1, NULL, "unknown capabilities 0x%x",
                             in.caps & ~VMS_CAP_SWITCHOVER_ACK);
    if (r->incoming) /* a racy look, enough to catch misuse */
        return vms_error_set(err, VMS_ERR_INVAL, 0, -1, NULL,
                             "a migration is already coming into this registry");
    for (size_t i = 0; i < r->n; i++) {
        const struct vmsp_entry *e = &r->entries[i];

        if ((in.caps & VMS_CAP_SWITCHOVER_ACK) && e->live && e->live->switchover_ack_needed &&
            e->live->switchover_ack_needed(e->opaque))
            in.approvals_due++;
    }
    pthread_mutex_lock(&incoming_lock);
    r->incoming = &in;
    pthread_mutex_unlock(&incoming_lock);
    ret = vmsp_load_stream(r, s, &in.hooks, err);
    pthread_mutex_lock(&incoming_lock);
    r->incoming = NULL;
    pthread_mutex_unlock(&incoming_lock);
    if (in.rp) {
        /* the verdict: SHUT 0 when everything loaded, 1 otherwise (as QEMU) */
        int sent = vms_rp_send_shut(in.rp, ret == 0 ? 0 : 1);
        int closed = vms_stream_close(in.rp);

        if (ret == 0 && (sent || closed))
            ret = vms_error_set(err, sent ? sent : closed, 0, -1, NULL,
                                "cannot send the verdict on the return path");
    }
    return ret;
}

int vms_incoming_approve_switchover(vms_registry_t *r)
{
    struct vmsp_incoming_state *in;
    int ret;

    if (!r)
        return VMS_ERR_INVAL;
    pthread_mutex_lock(&incoming_lock);
    in = r->incoming;
    if (!in || !(in->caps & VMS_CAP_SWITCHOVER_ACK) || in->approvals_due == 0) {
        pthread_mutex_unlock(&incoming_lock);
        return VMS_ERR_INVAL;
    }
    in->approvals_due--;
    ret = send_ack_if_due(in);
    pthread_mutex_unlock(&incoming_lock);
    return ret;
}
