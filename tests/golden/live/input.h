/* A device with live state (VMS_LIVE): guest-visible memory and a table of 32-bit entries, sent
 * in chunks while it runs, and a register block with a subsection sent once it is stopped. */
#ifndef LIVE_INPUT_H
#define LIVE_INPUT_H

#include <stdbool.h>
#include <stdint.h>

#include <vms/annotate.h>

#define LDEV_RAM_SIZE (2u * 1024u * 1024u)
#define LDEV_TABLE_LEN 16384u
#define LDEV_TABLE_CHUNK 1024u

struct VMS_STATE("ldev", 2, 1) VMS_SUBSECTION_DEF("irq", 1, "irq_pending != 0") LiveDev {
    uint32_t ctrl;
    uint32_t status VMS_RANGE(0, 255);
    uint64_t writes;                    /* bumped by the device writer */
    uint32_t irq_pending VMS_IN("irq");
    uint8_t  ram[LDEV_RAM_SIZE] VMS_LIVE("ram_dirty");
    uint64_t ram_dirty[LDEV_RAM_SIZE / 4096u / 64u];
    uint32_t table[LDEV_TABLE_LEN] VMS_LIVE("table_dirty") VMS_LIVE_CHUNK(LDEV_TABLE_CHUNK);
    uint64_t table_dirty[1] VMS_SKIP;
    void    *backend VMS_SKIP;
};

#endif /* LIVE_INPUT_H */
