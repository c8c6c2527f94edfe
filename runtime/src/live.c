/* live.c: live devices (vms/live.h): START, PART and END sections, legacy FULL payloads. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "registry_private.h"

static bool active(const struct vmsp_entry *e)
{
    return e->live && (!e->live->is_active || e->live->is_active(e->opaque));
}

/*
 * The outcome of a live handler: its own error when it recorded one, else a
 * generic one naming the device and the section; a stream that broke under
 * the handler is the cause when the handler itself returned success.
 */
static int handler_result(struct vmsp_entry *e, vms_stream_t *s, const char *what, int ret,
                          vms_error_t *err)
{
    if (ret >= 0) {
        int io = vms_stream_error(s, err);

        return io ? io : ret;
    }
    if (err && err->code == 0)
        vmsp_stream_err(s, err, ret, e->idstr, "%s of live device '%s' instance %" PRIu32
                        " failed (%s)", what, e->idstr, e->instance, vms_strerror(ret));
    else
        vms_stream_set_error(s, ret, 0, "%s of '%s' failed", what, e->idstr);
    return err && err->code ? err->code : ret;
}

/* The handler of a START, PART or END section: the device's, or the VMS_LIVE one. */
static int call_save(struct vmsp_entry *e, vms_stream_t *s, uint8_t type, vms_error_t *err)
{
    if (e->live->live)
        return type == VMSP_SEC_START ? vmsp_chunks_save_setup(e, s, err)
             : type == VMSP_SEC_PART ? vmsp_chunks_save_iterate(e, s, err)
             : vmsp_chunks_save_complete(e, s, err);
    return type == VMSP_SEC_START ? e->live->save_setup(s, e->opaque, err)
         : type == VMSP_SEC_PART ? e->live->save_iterate(s, e->opaque, err)
         : e->live->save_complete(s, e->opaque, err);
}

/* Whether @e writes sections of @type (it has the handler). */
static bool saves(const struct vmsp_entry *e, uint8_t type)
{
    if (e->live->live)
        return true;
    return type == VMSP_SEC_START ? e->live->save_setup != NULL
         : type == VMSP_SEC_PART ? e->live->save_iterate != NULL
         : e->live->save_complete != NULL;
}

/* One section of a live device: header, the handler's payload, footer. */
static int save_live_section(struct vmsp_entry *e, vms_stream_t *s, uint8_t type,
                             const char *what, vms_error_t *err)
{
    uint64_t start = vms_stream_offset(s);
    int ret, io;

    vmsp_section_header(s, e, type);
    ret = handler_result(e, s, what, call_save(e, s, type, err), err);
    if (ret < 0)
        return ret;
    vmsp_section_footer(s, e);
    e->bytes += vms_stream_offset(s) - start;
    io = vms_stream_error(s, err);
    return io ? io : ret;
}

int vmsp_live_setup(struct vmsp_entry **order, size_t n, vms_stream_t *s, vms_error_t *err)
{
    for (size_t i = 0; i < n; i++) {
        struct vmsp_entry *e = order[i];
        int ret;

        if (!active(e) || !saves(e, VMSP_SEC_START))
            continue;
        ret = save_live_section(e, s, VMSP_SEC_START, "save_setup", err);
        if (ret < 0)
            return ret;
    }
    return 0;
}

int vmsp_live_iterate(struct vmsp_entry **order, size_t n, vms_stream_t *s, vms_error_t *err)
{
    int done = 1;

    for (size_t i = 0; i < n; i++) {
        struct vmsp_entry *e = order[i];
        int ret;

        if (!active(e) || !saves(e, VMSP_SEC_PART) ||
            (e->live->is_active_iterate && !e->live->is_active_iterate(e->opaque)))
            continue;
        ret = save_live_section(e, s, VMSP_SEC_PART, "save_iterate", err);
        if (ret < 0)
            return ret;
        if (ret == 0)
            done = 0; /* every device gets its turn; the round is done when all of them are */
    }
    return done;
}

int vmsp_live_complete(struct vmsp_entry **order, size_t n, vms_stream_t *s, vms_error_t *err)
{
    for (size_t i = 0; i < n; i++) {
        struct vmsp_entry *e = order[i];
        int ret;

        if (!active(e) || !saves(e, VMSP_SEC_END))
            continue;
        ret = save_live_section(e, s, VMSP_SEC_END, "save_complete", err);
        if (ret < 0)
            return ret;
    }
    return 0;
}

void vmsp_live_cleanup(struct vmsp_entry **order, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (order[i]->live && order[i]->live->live)
            vmsp_chunks_clear(order[i]);
        if (order[i]->live && order[i]->live->save_cleanup)
            order[i]->live->save_cleanup(order[i]->opaque);
    }
}

uint64_t vmsp_live_pending(struct vmsp_entry **order, size_t n, bool exact)
{
    uint64_t sum = 0;

    for (size_t i = 0; i < n; i++) {
        uint64_t bytes;

        if (!active(order[i]))
            continue;
        if (order[i]->live->live)
            bytes = vmsp_chunks_pending(order[i]); /* exact and cheap: a popcount */
        else if (order[i]->live->pending)
            bytes = order[i]->live->pending(order[i]->opaque, exact);
        else
            continue;
        sum = bytes > UINT64_MAX - sum ? UINT64_MAX : sum + bytes;
    }
    return sum;
}

int vmsp_live_save_state(struct vmsp_entry *e, vms_stream_t *s, struct vmsp_json *j,
                         vms_error_t *err)
{
    uint64_t start = vms_stream_offset(s);
    int ret = handler_result(e, s, "save_state", e->live->save_state(s, e->opaque, err), err);
    int64_t size;

    if (ret < 0)
        return ret;
    /* QEMU describes a legacy payload as one buffer field named "data" */
    size = (int64_t)(vms_stream_offset(s) - start);
    vmsp_json_int(j, "size", size);
    vmsp_json_start_array(j, "fields");
    vmsp_json_start_object(j, NULL);
    vmsp_json_str(j, "name", "data");
    vmsp_json_int(j, "size", size);
    vmsp_json_str(j, "type", "buffer");
    vmsp_json_end_object(j);
    vmsp_json_end_array(j);
    return 0;
}

int vmsp_live_load_setup(vms_registry_t *r, vms_error_t *err)
{
    for (size_t i = 0; i < r->n; i++) {
        struct vmsp_entry *e = &r->entries[i];
        int ret;

        if (e->live && e->live->live) {
            vmsp_chunks_load_setup(e);
            e->set_up = true;
            continue;
        }
        if (!e->live || !e->live->load_setup)
            continue;
        ret = e->live->load_setup(e->opaque, err);
        if (ret < 0) {
            if (err && err->code == 0)
                vms_error_set(err, ret, 0, -1, e->idstr, "load_setup of live device '%s' failed",
                              e->idstr);
            return err && err->code ? err->code : ret;
        }
        e->set_up = true;
    }
    return 0;
}

void vmsp_live_load_cleanup(vms_registry_t *r)
{
    for (size_t i = 0; i < r->n; i++) {
        struct vmsp_entry *e = &r->entries[i];

        if (e->live && e->live->load_cleanup && (e->set_up || !e->live->load_setup))
            e->live->load_cleanup(e->opaque);
        e->set_up = false;
    }
}

int vmsp_live_load_section(struct vmsp_entry *e, vms_stream_t *s, uint8_t type, int version,
                           vms_error_t *err)
{
    if (e->live->live)
        return handler_result(e, s, "load_state", vmsp_chunks_load(e, s, type, version, err),
                              err);
    if (!e->live->load_state)
        return vmsp_stream_err(s, err, VMS_ERR_UNSUPPORTED, e->idstr, "live device '%s' has no "
                               "load_state handler", e->idstr);
    return handler_result(e, s, "load_state", e->live->load_state(s, e->opaque, version, err),
                          err);
}
