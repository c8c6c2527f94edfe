/*
 * pckbd.h: the i8042 keyboard controller of the PC, described as QEMU 7.2
 * migrates it (hw/input/pckbd.c: section "pckbd", version 3, QOM type
 * "i8042"). The ISA device's description has one field, the controller's
 * state, nested as a description of the same name "pckbd" (version 3).
 *
 * The controller's state has two subsections, in this order:
 *  - "pckbd_outport" (version 1): the output port, sent when it differs from
 *    what QEMU assumes without it (reset and A20 lines high, the unused
 *    lines 0xcc, and the two "output buffer full" lines as the status
 *    register says). Its name starts with the parent's name without a "/",
 *    which QEMU allows: such a name is given whole;
 *  - "pckbd/extended_state" (version 0), sent when the "extended-state"
 *    property is on (the default since QEMU 7.0): the migration flags
 *    (bit 0: the keyboard throttle timer was pending), the source of the byte
 *    in the output buffer, that byte and the command byte.
 */
#ifndef REALDEV_PCKBD_H
#define REALDEV_PCKBD_H

#include <stdbool.h>
#include <stdint.h>
#include <vms/annotate.h>

#define KBD_MIGR_TIMER_PENDING 0x1

#define KBD_STAT_OBF 0x01              /* status: keyboard output buffer full */
#define KBD_STAT_MOUSE_OBF 0x20        /* status: mouse output buffer full */
#define KBD_OUT_RESET 0x01             /* output port: 1 = not in reset */
#define KBD_OUT_A20 0x02
#define KBD_OUT_OBF 0x10
#define KBD_OUT_MOUSE_OBF 0x20
#define KBD_OUT_ONES 0xcc              /* unused lines, high */

struct VMS_STATE("pckbd", 3, 3)
       VMS_SUBSECTION_DEF("pckbd_outport", 1,
                          "outport != (KBD_OUT_RESET | KBD_OUT_A20 | KBD_OUT_ONES"
                          " | (status & KBD_STAT_OBF ? KBD_OUT_OBF : 0)"
                          " | (status & KBD_STAT_MOUSE_OBF ? KBD_OUT_MOUSE_OBF : 0))")
       VMS_SUBSECTION_DEF("extended_state", 0, "extended_state") KbdState {
    uint8_t write_cmd;                 /* the command whose data byte is awaited */
    uint8_t status;
    uint8_t mode;
    uint8_t pending_tmp;               /* which of keyboard/mouse have data pending */
    uint32_t migration_flags VMS_IN("extended_state"); /* KBD_MIGR_* bits */
    uint32_t obsrc VMS_IN("extended_state");
    uint8_t obdata VMS_IN("extended_state");
    uint8_t cbdata VMS_IN("extended_state");
    uint8_t outport VMS_IN("pckbd_outport");
    bool extended_state VMS_IMMUTABLE; /* property "extended-state" */
    void *kbd VMS_SKIP;                /* the PS/2 devices behind it */
    void *mouse VMS_SKIP;
};

struct VMS_STATE("pckbd", 3, 3) VMS_TYPE_NAME("i8042") IsaKbd {
    struct KbdState kbd;
    bool kbd_throttle VMS_IMMUTABLE;   /* property "kbd-throttle" */
};

#endif
