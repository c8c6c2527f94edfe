/*
 * ps2.h: the PS/2 keyboard and mouse, described as QEMU migrates them
 * (hw/input/ps2.c: sections "ps2kbd", version 3, loadable from 2, QOM type
 * "ps2-kbd", and "ps2mouse", version 2, QOM type "ps2-mouse"; both nest the
 * description "PS2 Common State" under the field name "parent_obj", which
 * was "common" before QEMU 7.1).
 *
 * The queue is a plain struct without a description of its own, so it is
 * flattened into queue.rptr, queue.wptr, queue.count and queue.data, as
 * QEMU names them.
 *
 * The keyboard has three subsections, sent in this order: "ps2kbd/ledstate"
 * (version 3, loadable from 2), "ps2kbd/need_high_bit" (version 1) and
 * "ps2kbd/command_reply_queue" (version 0). VMS_SUBSECTION_DEF can give
 * neither a minimum version below the version nor version 0, so all three
 * use the member form (VMS_SUBSECTION), whose type carries both versions.
 * The write pointer of the command-reply queue travels only in its
 * subsection, under QEMU's name "parent_obj.queue.cwptr"; here it belongs
 * to the keyboard, the only user of that queue.
 */
#ifndef REALDEV_PS2_H
#define REALDEV_PS2_H

#include <stdbool.h>
#include <stdint.h>
#include <vms/annotate.h>

#define PS2_BUFFER_SIZE 256

struct Ps2Queue {                      /* no VMS_STATE: flattened as queue.* */
    int32_t rptr;
    int32_t wptr;
    int32_t count;
    uint8_t data[PS2_BUFFER_SIZE];
};

struct VMS_STATE("PS2 Common State", 3, 2) Ps2Common {
    int32_t write_cmd;
    struct Ps2Queue queue;
    void *irq VMS_SKIP;
};

struct VMS_STATE("ps2kbd/ledstate", 3, 2) Ps2KbdLedState {
    int32_t ledstate;
};

struct VMS_STATE("ps2kbd/need_high_bit", 1, 1) Ps2KbdHighBit {
    bool need_high_bit;
};

struct VMS_STATE("ps2kbd/command_reply_queue", 0, 0) Ps2KbdCqueue {
    int32_t cwptr VMS_NAME("parent_obj.queue.cwptr"); /* -1: no command reply queued */
};

struct VMS_STATE("ps2kbd", 3, 2) VMS_TYPE_NAME("ps2-kbd") Ps2Kbd {
    struct Ps2Common common VMS_NAME("parent_obj") VMS_RENAMED("common");
    int32_t scan_enabled;
    int32_t translate;
    int32_t scancode_set VMS_SINCE(3) VMS_DEFAULT("2"); /* version 2 knew only set 2 */
    struct Ps2KbdLedState led VMS_SUBSECTION("ledstate", "led.ledstate != 0");
    struct Ps2KbdHighBit high VMS_SUBSECTION("need_high_bit", "high.need_high_bit");
    struct Ps2KbdCqueue cqueue VMS_SUBSECTION("command_reply_queue", "cqueue.cwptr != -1");
};

struct VMS_STATE("ps2mouse", 2, 2) VMS_TYPE_NAME("ps2-mouse") Ps2Mouse {
    struct Ps2Common common VMS_NAME("parent_obj") VMS_RENAMED("common");
    uint8_t mouse_status;
    uint8_t mouse_resolution;
    uint8_t mouse_sample_rate;
    uint8_t mouse_wrap;
    uint8_t mouse_type;                /* 0 = PS2, 3 = IMPS/2, 4 = IMEX */
    uint8_t mouse_detect_state;
    int32_t mouse_dx;                  /* current values, needed for 'poll' mode */
    int32_t mouse_dy;
    int32_t mouse_dz;
    uint8_t mouse_buttons;
};

#endif
