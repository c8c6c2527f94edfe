/*
 * pckbd.h: the i8042 keyboard controller of the PC, described as QEMU 7.2
 * migrates it (hw/input/pckbd.c: section "pckbd", version 3, QOM type
 * "i8042"). The ISA device's description has one field, the controller's
 * state, nested as a description of the same name "pckbd" (version 3).
 *
 * The controller's state has the subsection "pckbd/extended_state"
 * (version 0), sent when the "extended-state" property is on (the default
 * since QEMU 7.0): the migration flags (bit 0: the keyboard throttle timer
 * was pending), the source of the byte in the output buffer, that byte and
 * the command byte.
 *
 * Not described: QEMU's other subsection of this state, "pckbd_outport"
 * (version 1, the output port when it differs from what the status implies).
 * Its name does not start with "pckbd/": our subsection names are always
 * <parent>/<sub>, so a subsection of that name cannot be declared (see the
 * known differences in test_schema_qemu.c). The corpus stream does not
 * carry it.
 */
#ifndef REALDEV_PCKBD_H
#define REALDEV_PCKBD_H

#include <stdbool.h>
#include <stdint.h>
#include <vms/annotate.h>

#define KBD_MIGR_TIMER_PENDING 0x1

struct VMS_STATE("pckbd", 3, 3)
       VMS_SUBSECTION_DEF("extended_state", 0, "extended_state") KbdState {
    uint8_t write_cmd;                 /* the command whose data byte is awaited */
    uint8_t status;
    uint8_t mode;
    uint8_t pending_tmp;               /* which of keyboard/mouse have data pending */
    uint32_t migration_flags VMS_IN("extended_state"); /* KBD_MIGR_* bits */
    uint32_t obsrc VMS_IN("extended_state");
    uint8_t obdata VMS_IN("extended_state");
    uint8_t cbdata VMS_IN("extended_state");
    uint8_t outport VMS_SKIP;          /* QEMU's "pckbd_outport" subsection: not described */
    bool extended_state VMS_IMMUTABLE; /* property "extended-state" */
    void *kbd VMS_SKIP;                /* the PS/2 devices behind it */
    void *mouse VMS_SKIP;
};

struct VMS_STATE("pckbd", 3, 3) VMS_TYPE_NAME("i8042") IsaKbd {
    struct KbdState kbd;
    bool kbd_throttle VMS_IMMUTABLE;   /* property "kbd-throttle" */
};

#endif
