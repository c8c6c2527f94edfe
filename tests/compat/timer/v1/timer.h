/*
 * The countdown timer of tests/compat as release 1 shipped it: control,
 * reload and count registers, the input clock select, and the expiry of the
 * armed timer in the main payload.
 */
#ifndef TIMER_H
#define TIMER_H

#include <stdint.h>
#include <vms/annotate.h>

#define TIMER_CTRL_ENABLE 0x1
#define TIMER_CTRL_PERIODIC 0x2
#define TIMER_CTRL_IRQ 0x4

struct VMS_STATE("timer", 1, 1) Timer {
    uint32_t ctrl;
    uint32_t reload;
    uint32_t count;
    uint8_t clock_sel;                    /* only clock 0 was ever implemented */
    int64_t deadline VMS_TYPE("timer");   /* expiry in ns, -1 when not armed */
};

#endif
