/*
 * i8254.h: the Intel 8254 programmable interval timer, described as QEMU
 * migrates it (hw/timer/i8254_common.c: section "i8254", version 3, loadable
 * from 2, QOM type "isa-pit"; three channels as the nested description
 * "pit channel").
 *
 * QEMU sends two fields of channel 0 outside the channel array, under the
 * names "channels[0].irq_disabled" (before it, since version 3) and
 * "channels[0].next_transition_time" (after it; QEMU's source says it was
 * formerly irq_timer). Here they are members of their own with those wire
 * names: the hooks copy channel 0's transition time out before saving and
 * back after loading, so the later copy wins as in QEMU.
 */
#ifndef REALDEV_I8254_H
#define REALDEV_I8254_H

#include <stdint.h>
#include <vms/annotate.h>
#include <vms/error.h>

#define PIT_CHANNELS 3

int pit_pre_save(void *opaque, vms_error_t *err);
int pit_post_load(void *opaque, int version, vms_error_t *err);

struct VMS_STATE("pit channel", 2, 2) PitChannel {
    int32_t count;                       /* can be 65536 */
    uint16_t latched_count;
    uint8_t count_latched;
    uint8_t status_latched;
    uint8_t status;
    uint8_t read_state;
    uint8_t write_state;
    uint8_t write_latch;
    uint8_t rw_mode;
    uint8_t mode;
    uint8_t bcd;                         /* not supported */
    uint8_t gate;                        /* timer start */
    int64_t count_load_time;
    int64_t next_transition_time;
    void *irq_timer VMS_SKIP;            /* host timer of channel 0 */
};

struct VMS_STATE("i8254", 3, 2)
       VMS_TYPE_NAME("isa-pit")
       VMS_HOOKS(pit_pre_save, -, -, pit_post_load) Pit {
    uint32_t irq_disabled VMS_NAME("channels[0].irq_disabled") VMS_SINCE(3) VMS_DEFAULT("0");
    struct PitChannel channels[PIT_CHANNELS] VMS_SINCE(2); /* field version 2, as QEMU */
    int64_t ch0_next_transition_time VMS_NAME("channels[0].next_transition_time");
    uint32_t iobase VMS_IMMUTABLE;
};

#endif
