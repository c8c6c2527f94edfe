/*
 * The countdown timer of tests/compat as release 2 ships it. Changes since
 * release 1, each kept loadable from (and savable for) release 1:
 *   - clock_sel is gone (only clock 0 ever existed): a VMS_UNUSED byte keeps
 *     its place on the wire, zero for release 1 destinations;
 *   - reload is called period now: a rename, the wire is unchanged;
 *   - ctrl is validated (VMS_RANGE) now that every bit is known;
 *   - the expiry travels in the subsection "timer/deadline", only while the
 *     timer is armed. Release 1 streams have it in the main payload: the
 *     member deadline_v1 (VMS_UNTIL(2)) reads it there, and the subsection's
 *     default copies it when the subsection is absent. timer_pre_save keeps
 *     deadline_v1 up to date for saves aimed at release 1.
 */
#ifndef TIMER_H
#define TIMER_H

#include <stdint.h>
#include <vms/annotate.h>
#include <vms/error.h>

#define TIMER_CTRL_ENABLE 0x1
#define TIMER_CTRL_PERIODIC 0x2
#define TIMER_CTRL_IRQ 0x4

struct VMS_STATE("timer", 2, 1)
       VMS_SUBSECTION_DEF("deadline", 1, "version >= 2 && deadline != -1")
       VMS_HOOKS(timer_pre_save, -, -, -) Timer {
    uint32_t ctrl          VMS_RANGE(0, 0x7);
    uint32_t period        VMS_RENAMED("reload");
    uint32_t count;
    uint8_t  clock_sel     VMS_UNUSED;
    int64_t  deadline_v1   VMS_UNTIL(2) VMS_TYPE("timer") VMS_NAME("deadline") VMS_DEFAULT("-1");
    int64_t  deadline      VMS_TYPE("timer") VMS_IN("deadline") VMS_DEFAULT("deadline_v1");
};

int timer_pre_save(void *opaque, vms_error_t *err);

#endif
