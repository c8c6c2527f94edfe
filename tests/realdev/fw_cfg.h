/*
 * fw_cfg.h: the firmware configuration device, described as QEMU 7.2
 * migrates it (hw/nvram/fw_cfg.c: section "fw_cfg", version 2, loadable from
 * 1; on the PC the QOM type "fw_cfg_io").
 *
 * Only the read cursor migrates: the selected entry and the offset in it.
 * The offset was 16 bits wide in version 1 and is 32 since version 2
 * (VMS_WAS). Two subsections follow: "fw_cfg/dma" (version 0) with the DMA
 * address register, sent when the DMA interface is on, and "fw_cfg/acpi_mr"
 * (version 1) with the sizes of the three ACPI blobs, sent when the machine
 * type asks for them to be restored (so that a bigger table on the
 * destination does not move the guest's view).
 */
#ifndef REALDEV_FW_CFG_H
#define REALDEV_FW_CFG_H

#include <stdbool.h>
#include <stdint.h>
#include <vms/annotate.h>

struct VMS_STATE("fw_cfg", 2, 1) VMS_TYPE_NAME("fw_cfg_io")
       VMS_SUBSECTION_DEF("dma", 0, "dma_enabled")
       VMS_SUBSECTION_DEF("acpi_mr", 1, "acpi_mr_restore") FwCfg {
    uint16_t cur_entry;
    uint32_t cur_offset VMS_WAS("uint16", 2);
    uint64_t dma_addr VMS_IN("dma");
    uint64_t table_mr_size VMS_IN("acpi_mr");
    uint64_t linker_mr_size VMS_IN("acpi_mr");
    uint64_t rsdp_mr_size VMS_IN("acpi_mr");
    bool dma_enabled VMS_IMMUTABLE;     /* property "dma_enabled" */
    bool acpi_mr_restore VMS_IMMUTABLE; /* property "acpi-mr-restore" (machine type) */
    void *entries VMS_SKIP;             /* the blobs themselves: rebuilt by the destination */
};

#endif
