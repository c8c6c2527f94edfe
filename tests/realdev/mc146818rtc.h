/*
 * mc146818rtc.h: the Motorola MC146818 real-time clock and CMOS RAM, described
 * as QEMU migrates it (hw/rtc/mc146818rtc.c: section "mc146818rtc", version 3,
 * loadable from 1, QOM type "mc146818rtc").
 *
 * Two removed fields still take their bytes on the wire (QEMU's
 * VMSTATE_UNUSED): 7 x 4 bytes after cmos_index, 3 x 8 bytes after
 * next_periodic_time; the vmdesc names them unused[0] and unused[1].
 */
#ifndef REALDEV_MC146818RTC_H
#define REALDEV_MC146818RTC_H

#include <stdint.h>
#include <vms/annotate.h>

#define RTC_CMOS_SIZE 128

struct VMS_STATE("mc146818rtc", 3, 1)
       VMS_TYPE_NAME("mc146818rtc")
       VMS_SUBSECTION_DEF("irq_reinject_on_ack_count", 1, "irq_reinject_on_ack_count != 0") Rtc {
    uint8_t cmos_data[RTC_CMOS_SIZE];    /* one buffer on the wire */
    uint8_t cmos_index;
    uint8_t removed_tm[28] VMS_UNUSED;   /* 7 x int32: a struct tm the RTC used to keep */
    int64_t periodic_timer VMS_TYPE("timer");
    int64_t next_periodic_time;
    uint8_t removed_second_timers[24] VMS_UNUSED; /* 3 x 8 bytes: the old once-a-second timers */
    uint32_t irq_coalesced VMS_SINCE(2) VMS_DEFAULT("0");
    uint32_t period VMS_SINCE(2);
    uint64_t base_rtc VMS_SINCE(3);
    uint64_t last_update VMS_SINCE(3);
    int64_t offset VMS_SINCE(3);
    int64_t update_timer VMS_TYPE("timer") VMS_SINCE(3);
    uint64_t next_alarm_time VMS_SINCE(3);
    uint16_t irq_reinject_on_ack_count VMS_IN("irq_reinject_on_ack_count");
    int32_t base_year VMS_IMMUTABLE;     /* properties, set at init */
    uint16_t io_base VMS_IMMUTABLE;
    uint8_t isairq VMS_IMMUTABLE;
    int32_t lost_tick_policy VMS_IMMUTABLE;
    void *irq VMS_SKIP;
};

#endif
