/*
 * globalstate.h: the run state of the source VM, as QEMU 7.2 migrates it
 * (migration/global_state.c: section "globalstate", version 1): the length
 * of the state name including its NUL, and a 100-byte buffer holding it.
 * (Later QEMUs carve two flags out of the tail of that buffer, keeping the
 * section 104 bytes long.)
 */
#ifndef REALDEV_GLOBALSTATE_H
#define REALDEV_GLOBALSTATE_H

#include <stdbool.h>
#include <stdint.h>
#include <vms/annotate.h>

#define GLOBALSTATE_RUNSTATE_LEN 100

struct VMS_STATE("globalstate", 1, 1) GlobalState {
    uint32_t size VMS_RANGE(1, GLOBALSTATE_RUNSTATE_LEN); /* strnlen(runstate) + 1 */
    uint8_t runstate[GLOBALSTATE_RUNSTATE_LEN];           /* "running", "prelaunch", ... */
    int32_t state VMS_DERIVED;           /* parsed from runstate after the load */
    bool received VMS_DERIVED;
};

#endif
