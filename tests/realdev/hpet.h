/*
 * hpet.h: the High Precision Event Timer, described as QEMU migrates it
 * (hw/timer/hpet.c: section "hpet", version 2, loadable from 1, QOM type
 * "hpet"; the timers as the nested description "hpet_timer").
 *
 * The stream carries num_timers (since version 2) and then that many timers.
 * QEMU's timer array has HPET_MAX_TIMERS entries; before CVE-2013-4527 a
 * stream claiming more timers than that overran it. VMS_COUNT over a fixed
 * array is bounded by its capacity, so such a stream fails the load with
 * VMS_ERR_RANGE before a single timer is written. The struct check is
 * QEMU's VMSTATE_VALIDATE("num_timers in range").
 *
 * Version 1 streams had no num_timers and always three timers: QEMU's
 * pre_load sets the count to HPET_MIN_TIMERS, which is VMS_DEFAULT here.
 */
#ifndef REALDEV_HPET_H
#define REALDEV_HPET_H

#include <stdbool.h>
#include <stdint.h>
#include <vms/annotate.h>

#define HPET_MIN_TIMERS 3
#define HPET_MAX_TIMERS 32
#define HPET_CFG_ENABLE 0x001

struct Hpet;

struct VMS_STATE("hpet_timer", 1, 1) HpetTimer {
    uint8_t tn;                          /* timer number */
    uint64_t config;                     /* Tn_CONF: configuration and capabilities */
    uint64_t cmp;                        /* comparator */
    uint64_t fsb;                        /* FSB interrupt route */
    uint64_t period;                     /* last value written to the comparator */
    uint8_t wrap_flag;                   /* 32-bit one-shot timer wrapped */
    int64_t qemu_timer VMS_TYPE("timer"); /* expiry in ns, -1 when not armed */
    struct Hpet *state VMS_SKIP;         /* back pointer to the block */
};

struct VMS_STATE("hpet", 2, 1)
       VMS_TYPE_NAME("hpet")
       VMS_SUBSECTION_DEF("rtc_irq_level", 1, "rtc_irq_level != 0")
       VMS_SUBSECTION_DEF("offset", 1, "(config & HPET_CFG_ENABLE) && hpet_offset_saved")
       VMS_CHECK("num_timers >= HPET_MIN_TIMERS && num_timers <= HPET_MAX_TIMERS") Hpet {
    uint64_t config;                     /* general configuration */
    uint64_t isr;                        /* interrupt status */
    uint64_t hpet_counter;               /* main counter */
    uint8_t num_timers VMS_SINCE(2) VMS_DEFAULT("HPET_MIN_TIMERS");
    struct HpetTimer timer[HPET_MAX_TIMERS] VMS_COUNT("num_timers");
    uint8_t rtc_irq_level VMS_IN("rtc_irq_level");
    uint64_t hpet_offset VMS_IN("offset"); /* ns between the counter and guest time */
    bool hpet_offset_saved VMS_IMMUTABLE; /* property "hpet-offset-saved" (machine type) */
    uint64_t capability VMS_DERIVED;     /* recomputed from num_timers in post_load */
    uint32_t intcap VMS_IMMUTABLE;       /* property "hpet-intcap" */
    uint32_t flags VMS_IMMUTABLE;        /* property "msi" */
    uint8_t hpet_id VMS_IMMUTABLE;       /* instance number in the ACPI table */
};

#endif
