/*
 * vms/live.h: live (iterative) devices, QEMU's SaveVMHandlers.
 *
 * A device whose state is too big to send while it is stopped (guest
 * memory, large device tables, VFIO-style vendor state) registers handlers
 * instead of a description. On the wire its state travels in sections of
 * its own: a START section written by save_setup, PART sections written by
 * save_iterate while the device runs, and an END section written by
 * save_complete once it is stopped, each with a footer, exactly as QEMU
 * writes them. A "legacy" device (save_state/load_state only) is sent as
 * one FULL section among the described devices; its vmdesc entry is a
 * single buffer field named "data", as QEMU writes it.
 *
 * vms_save_all() and vms_load_all() handle live devices like QEMU's
 * savevm/loadvm of a snapshot: setup, iterations until every device says it
 * is done, completion, then the other devices. Atomic loads
 * (VMS_LOAD_ATOMIC) do not cover live sections: load_state writes where it
 * wants.
 */
#ifndef VMS_LIVE_H
#define VMS_LIVE_H

#include <stdbool.h>
#include <stdint.h>

#include <vms/error.h>
#include <vms/stream.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * The handlers of a live device. Every member may be NULL. Functions that
 * write or read a payload get the stream and an error record; they return 0
 * (or 1, see save_iterate) or a negative VMS_ERR_* and should fill @err;
 * the runtime fills it with a generic message when they do not. A payload
 * must be read back by load_state exactly as it was written: the runtime
 * checks the section footer after it.
 */
struct vms_live_ops {
    /* ---- source ---- */

    /* Writes the START section's payload (the first pass, or a header). */
    int (*save_setup)(vms_stream_t *s, void *opaque, vms_error_t *err);
    /*
     * Bytes the device still has to send. @exact false asks for a cheap
     * estimate; true for the exact figure, which may cost more (QEMU's
     * state_pending_estimate / state_pending_exact).
     */
    uint64_t (*pending)(void *opaque, bool exact);
    /*
     * Writes one PART section's payload: returns 0 when there is more to
     * send, 1 when the device has sent everything it can before it is
     * stopped, negative on error. It should stop when
     * vms_stream_rate_limit_exceeded() says the stream's budget is spent.
     */
    int (*save_iterate)(vms_stream_t *s, void *opaque, vms_error_t *err);
    /* Writes the END section's payload: the rest, with the device stopped. */
    int (*save_complete)(vms_stream_t *s, void *opaque, vms_error_t *err);
    /* A legacy (non-iterative) device: writes its FULL section's payload. */
    int (*save_state)(vms_stream_t *s, void *opaque, vms_error_t *err);
    /* Called once when saving ends, whatever the outcome. */
    void (*save_cleanup)(void *opaque);
    /* false: the device sends nothing this time (no START, PART or END). */
    bool (*is_active)(void *opaque);
    /* false: the device is active but skips the iterations. */
    bool (*is_active_iterate)(void *opaque);

    /* ---- destination ---- */

    /* Called once before anything is loaded. */
    int (*load_setup)(void *opaque, vms_error_t *err);
    /*
     * Reads one section's payload (START, PART, END or FULL), written by the
     * source at section version @version (≤ the version registered here).
     */
    int (*load_state)(vms_stream_t *s, void *opaque, int version, vms_error_t *err);
    /* Called once when loading ends, whatever the outcome. */
    void (*load_cleanup)(void *opaque);
    /*
     * true: the destination must not acknowledge the switchover before this
     * device approved it (vms_incoming_approve_switchover()).
     */
    bool (*switchover_ack_needed)(void *opaque);
};

#ifdef __cplusplus
}
#endif

#endif /* VMS_LIVE_H */
