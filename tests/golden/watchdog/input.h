/* The worked example of DESIGN.md §3: a made-up watchdog. */
#ifndef WATCHDOG_H
#define WATCHDOG_H

#include <stdint.h>
#include <vms/annotate.h>

#define WDT_LOG_LEN 32

struct VMS_STATE("wdt/event", 1, 1) WdtEvent {
    uint64_t when_ns;
    uint8_t  cause;
};

struct VMS_STATE("wdt", 3, 1)
       VMS_SUBSECTION_DEF("log", 1, "log_used > 0") Wdt {
    uint32_t reload    VMS_WAS("uint16", 2);
    uint32_t counter   VMS_CHECK("counter <= reload");
    uint8_t  prescale  VMS_SINCE(3) VMS_DEFAULT("1");
    int64_t  deadline  VMS_TYPE("timer");
    uint8_t  log_used  VMS_IN("log") VMS_RANGE(0, WDT_LOG_LEN);
    struct WdtEvent log[WDT_LOG_LEN] VMS_IN("log") VMS_COUNT("log_used");
    uint8_t  old_mode[4] VMS_UNUSED;        /* field gone; its 4 bytes stay on the wire */
    uint32_t irq_line  VMS_IMMUTABLE;       /* wired at init */
    void    *backend   VMS_SKIP;
};

#endif
