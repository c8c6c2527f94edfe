/* rtc.h: a CMOS real-time clock, the device of the rtc-demo example (see README.md). */
#ifndef RTC_H
#define RTC_H

#include <stdint.h>

#include <vms/annotate.h>

#include "rtc_regs.h"

/*
 * The migrated state. schema/rtc.vms.json is this description as release 1
 * shipped it: the build compares every new schema against it and fails on a
 * change that breaks migration from or to that release.
 */
struct VMS_STATE("mc146818rtc", 1, 1) Rtc {
    uint8_t cmos[RTC_CMOS_LEN];        /* registers and NVRAM, indexed by cmos_index */
    uint8_t cmos_index;                /* last value written to the index port */
    int64_t base_rtc VMS_TYPE("timer"); /* guest time at base_clock, in seconds */
    int64_t base_clock_ns;             /* host clock when base_rtc was set */
    uint32_t irq_coalesced;            /* periodic interrupts not yet delivered */
};

#endif
