/*
 * vms/migrate.h: live migration of a whole machine (precopy), QEMU's
 * migration thread and incoming side.
 *
 * The source calls vms_migrate() on a writing stream; the destination calls
 * vms_incoming() on the reading stream of the same connection. The source
 * sends the header and configuration, opens the return path, runs the live
 * devices' setup, then iterates while the data still pending would take
 * longer than the downtime limit at the measured bandwidth; then it calls
 * the caller's stop callback, completes the live devices, saves the other
 * devices, writes EOF and the vmdesc, and waits for the destination's
 * verdict on the return path. It succeeds only when the destination
 * confirmed a good load; on any failure after stop it calls resume, and the
 * source devices were only read, never changed.
 */
#ifndef VMS_MIGRATE_H
#define VMS_MIGRATE_H

#include <stdbool.h>
#include <stdint.h>

#include <vms/error.h>
#include <vms/registry.h>
#include <vms/stream.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Capabilities (both sides must agree; see vms_migrate_params.caps). */
#define VMS_CAP_SWITCHOVER_ACK 0x1u /* stop only after the destination acknowledged */

/* Defaults, as QEMU's. */
#define VMS_MIGRATE_DOWNTIME_DEFAULT_MS 300u

/* Progress and results of a migration. */
struct vms_migrate_stats {
    uint64_t iterations;           /* rounds of PART sections */
    uint64_t total_bytes;          /* bytes written to the stream */
    uint64_t bandwidth;            /* last measured, bytes per second, at most max_bandwidth */
    uint64_t pending;              /* bytes the live devices still had to send */
    uint64_t expected_downtime_ms; /* pending / bandwidth when the source stopped */
    uint64_t downtime_ms;          /* from the stop callback to the destination's verdict */
    uint64_t total_ms;             /* from the start to the verdict */
    bool confirmed;                /* the destination confirmed a good load */
    bool switchover_acked;         /* the destination sent SWITCHOVER_ACK */
};

struct vms_migrate_params {
    uint64_t max_bandwidth;     /* bytes per second; 0: unlimited */
    uint64_t downtime_limit_ms; /* 0: VMS_MIGRATE_DOWNTIME_DEFAULT_MS */
    uint64_t timeout_ms;        /* give up ("did not converge") after this long; 0: never */
    unsigned caps;              /* VMS_CAP_* */
    /*
     * Stops the devices before completion (the VM's stop); 0 or a negative
     * VMS_ERR_*. Required.
     */
    int (*stop)(void *opaque);
    /* Restarts them after a failure that came after stop. May be NULL. */
    void (*resume)(void *opaque);
    /* Called about every 100 ms while iterating, and once at the end. May be NULL. */
    void (*progress)(const struct vms_migrate_stats *st, void *opaque);
    void *opaque;
};

/*
 * Migrates every device of @r over @s (a writing stream; unix:, tcp: or a
 * socket fd: for a return path). Returns 0 when the destination confirmed
 * the load, else a negative VMS_ERR_* with @err filled: VMS_ERR_TIMEOUT
 * ("did not converge"), VMS_ERR_CANCELLED, the destination's failure, the
 * stream's or a device's error. @st (may be NULL) receives the statistics
 * in both cases. On a one-way transport (file:, exec:, a pipe) nobody can
 * confirm: the result is 0 once everything was written and flushed, with
 * st->confirmed false; VMS_CAP_SWITCHOVER_ACK is refused there.
 */
int vms_migrate(vms_registry_t *r, vms_stream_t *s, const struct vms_migrate_params *p,
                struct vms_migrate_stats *st, vms_error_t *err);

/* Asks a vms_migrate() running on @r in another thread to stop and fail; safe from any thread. */
void vms_migrate_cancel(vms_registry_t *r);

/* The destination. */
struct vms_incoming_params {
    unsigned caps; /* VMS_CAP_*: must match the source's */
};

/*
 * Loads a migration sent by vms_migrate() (or a plain vms_save_all()
 * stream) into @r from @s, answering on the return path when the source
 * opened one: PONG for PING, SWITCHOVER_ACK once every device that needs it
 * approved, and SHUT with the verdict at the end (0: loaded). Returns 0 or
 * the load's error. The registry's load flags apply (VMS_LOAD_*).
 */
int vms_incoming(vms_registry_t *r, vms_stream_t *s, const struct vms_incoming_params *p,
                 vms_error_t *err);

/*
 * A device whose switchover_ack_needed() returned true calls this (from its
 * load_state, or from any other thread) once its initial data loaded. When all
 * such devices approved, the destination sends SWITCHOVER_ACK. Returns 0, or
 * VMS_ERR_INVAL when no vms_incoming() with the capability runs on @r.
 */
int vms_incoming_approve_switchover(vms_registry_t *r);

#ifdef __cplusplus
}
#endif

#endif /* VMS_MIGRATE_H */
