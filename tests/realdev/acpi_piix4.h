/*
 * acpi_piix4.h: the power management function of the PIIX4 (PCI 00:01.3),
 * described as QEMU 7.2 migrates it (hw/acpi/piix4.c: section "piix4_pm",
 * version 3, QOM type "PIIX4_PM").
 *
 * After the common PCI state (pci.h) come the ACPI registers, the APM
 * registers ("APM State"), the SMBus controller ("pmsmb", version 3 on, when
 * the machine type migrates it), the ACPI timer, the GPE block ("gpe",
 * version 2 on; its status and enable bytes are two 16-bit registers the
 * block points to), then the PCI hotplug registers: the selected bus, the
 * up/down slot bitmaps of all 256 buses, and the ACPI index. Our struct
 * lays the ACPI registers out in wire order, so they are single members
 * named as QEMU's ("ar.pm1.evt.sts" ...) rather than one flattened "ar".
 *
 * Before QEMU 1.7 only bus 0's bitmaps travelled, under the name
 * "acpi_pci_hotplug.acpi_pcihp_pci_status[0x0]" with the description
 * "pci_status"; QEMU still sends them that way when the hotplug bridge is
 * off. QEMU describes one C member twice there; our member is a copy that
 * the hooks of realdev_hooks.c keep equal to bus 0's.
 *
 * The ACPI index travels while QEMU 7.2's test for it holds: that test
 * reads the hotplug state at the wrong address and holds in practice (QEMU
 * 8.0 turned it off for this device); here a property says whether it
 * travels.
 *
 * Subsections: "piix4_pm/memhp" (memory hotplug registers, while memory
 * hotplug is enabled) and "piix4_pm/cpuhp" (CPU hotplug registers, once the
 * guest left the legacy CPU hotplug interface).
 */
#ifndef REALDEV_ACPI_PIIX4_H
#define REALDEV_ACPI_PIIX4_H

#include <stdbool.h>
#include <stdint.h>
#include <vms/annotate.h>

#include "pci.h"

#define ACPI_PCIHP_MAX_HOTPLUG_BUS 256
#define PIIX4_SMB_DATA_LEN 32
#define ACPI_MAX_RAM_SLOTS 256
#define PIIX4_MAX_CPUS 288

struct VMS_STATE("APM State", 1, 1) ApmState {
    uint8_t apmc;                      /* APM control port 0xb2 */
    uint8_t apms;                      /* APM status port 0xb3 */
    void *callback VMS_SKIP;
};

struct VMS_STATE("pmsmb", 1, 1) PmSmbus {
    uint8_t smb_stat;
    uint8_t smb_ctl;
    uint8_t smb_cmd;
    uint8_t smb_addr;
    uint8_t smb_data0;
    uint8_t smb_data1;
    uint32_t smb_index;
    uint8_t smb_data[PIIX4_SMB_DATA_LEN] VMS_TYPE("uint8");
    uint8_t smb_auxctl;
    uint8_t smb_blkdata;
    bool i2c_enable;
    bool op_done;
    bool in_i2c_block_read;
    bool start_transaction_on_status_read;
    void *smbus VMS_SKIP;
};

struct VMS_STATE("gpe", 1, 1) AcpiGpe {
    uint16_t *sts VMS_DEREF;           /* the block's status and enable bytes */
    uint16_t *en VMS_DEREF;
    uint8_t len VMS_IMMUTABLE;
};

struct VMS_STATE("pci_status", 1, 1) PciStatusBus0 {
    uint32_t up;
    uint32_t down;
};

struct VMS_STATE("acpi_pcihp_pci_status", 1, 1) AcpiPciHpPciStatus {
    uint32_t up;                       /* slots being plugged */
    uint32_t down;                     /* slots being unplugged */
    uint32_t hotplug_enable VMS_DERIVED; /* from the bus's devices */
};

struct AcpiPciHp {                     /* no VMS_STATE: flattened as acpi_pci_hotplug.* */
    uint32_t hotplug_select VMS_IF("use_acpi_hotplug_bridge");
    struct AcpiPciHpPciStatus acpi_pcihp_pci_status[ACPI_PCIHP_MAX_HOTPLUG_BUS] VMS_SINCE(1)
        VMS_IF("use_acpi_hotplug_bridge");
    uint32_t acpi_index VMS_IF("acpi_index_migrated");
};

struct VMS_STATE("memory hotplug device state", 1, 1) MemStatus {
    bool is_enabled;
    bool is_inserting;
    uint32_t ost_event;
    uint32_t ost_status;
    void *dimm VMS_SKIP;
};

struct VMS_STATE("memory hotplug state", 1, 1) MemHotplugState {
    uint32_t selector;
    struct MemStatus *devs VMS_COUNT("dev_count") VMS_MAX(ACPI_MAX_RAM_SLOTS);
    bool is_enabled VMS_IMMUTABLE;     /* property "memory-hotplug-support" */
    uint32_t dev_count VMS_IMMUTABLE;  /* the machine's RAM slots */
};

struct VMS_STATE("CPU hotplug device state", 1, 1) CpuStatus {
    bool is_inserting;
    bool is_removing;
    uint32_t ost_event;
    uint32_t ost_status;
    void *cpu VMS_SKIP;
};

struct VMS_STATE("CPU hotplug state", 1, 1) CpuHotplugState {
    uint32_t selector;
    uint8_t command;
    struct CpuStatus *devs VMS_COUNT("dev_count") VMS_MAX(PIIX4_MAX_CPUS);
    uint32_t dev_count VMS_IMMUTABLE;  /* the machine's possible CPUs */
};

struct VMS_STATE("piix4_pm", 3, 3) VMS_TYPE_NAME("PIIX4_PM")
       VMS_SUBSECTION_DEF("memhp", 1, "acpi_memory_hotplug.is_enabled")
       VMS_SUBSECTION_DEF("cpuhp", 1, "!cpu_hotplug_legacy")
       VMS_HOOKS(piix4_pm_pre_save, -, -, piix4_pm_post_load) Piix4Pm {
    struct PciDevice parent_obj;
    uint16_t pm1_evt_sts VMS_NAME("ar.pm1.evt.sts");
    uint16_t pm1_evt_en VMS_NAME("ar.pm1.evt.en");
    uint16_t pm1_cnt VMS_NAME("ar.pm1.cnt.cnt");
    struct ApmState apm;
    struct PmSmbus smb VMS_SINCE(3) VMS_IF("smb_migrated");
    int64_t tmr_timer VMS_TYPE("timer") VMS_NAME("ar.tmr.timer");
    int64_t tmr_overflow_time VMS_NAME("ar.tmr.overflow_time");
    struct AcpiGpe gpe VMS_SINCE(2) VMS_NAME("ar.gpe");
    struct PciStatusBus0 bus0_status VMS_SINCE(2) VMS_IF("!use_acpi_hotplug_bridge")
        VMS_NAME("acpi_pci_hotplug.acpi_pcihp_pci_status[0x0]");
    struct AcpiPciHp acpi_pci_hotplug;
    struct MemHotplugState acpi_memory_hotplug VMS_IN("memhp") VMS_SINCE(1);
    struct CpuHotplugState cpuhp_state VMS_IN("cpuhp") VMS_SINCE(1);
    bool use_acpi_hotplug_bridge VMS_IMMUTABLE; /* "acpi-pci-hotplug-with-bridge-support" */
    bool acpi_index_migrated VMS_IMMUTABLE;
    bool smb_migrated VMS_IMMUTABLE;            /* machine type: 2.x and later */
    bool cpu_hotplug_legacy VMS_IMMUTABLE;      /* property "cpu-hotplug-legacy" */
    uint16_t gpe_sts VMS_SKIP;                  /* what gpe.sts and gpe.en point at */
    uint16_t gpe_en VMS_SKIP;
};

int piix4_pm_pre_save(void *opaque, vms_error_t *err);
int piix4_pm_post_load(void *opaque, int version, vms_error_t *err);

#endif
