/* live_regs.h: the register block of the vms-live-demo device (small, saved while stopped). */
#ifndef LIVE_REGS_H
#define LIVE_REGS_H

#include <stdbool.h>
#include <stdint.h>

#include <vms/annotate.h>

/*
 * A DMA-style engine's registers. The interrupt state travels in a
 * subsection, sent only while an interrupt is pending, so a stream from a
 * build without it still loads.
 */
struct VMS_STATE("live_regs", 1, 1) VMS_SUBSECTION_DEF("irq", 1, "irq_pending")
    LiveRegs {
    uint32_t ctrl;
    uint32_t status;
    uint64_t pages_written;  /* how many page writes the "guest" made */
    uint32_t checksum;       /* the memory's checksum, taken when the source stopped */
    bool irq_pending VMS_SKIP; /* decides whether "irq" is sent */
    bool irq_present VMS_PRESENT("irq");
    uint32_t irq_vector VMS_IN("irq") VMS_RANGE(0, 255);
};

#endif /* LIVE_REGS_H */
