/*
 * isa_misc.h: small PC devices, described as QEMU migrates them:
 *  - the PC speaker (hw/audio/pcspk.c: section "pcspk", version 1, QOM type
 *    "isa-pcspk"), sent only while its "migrate" property is on (QEMU's
 *    top-level needed);
 *  - port 0x92, the fast A20 gate (hw/i386/port92.c: "port92", version 1);
 *  - the TPR-access patching of kvmvapic (hw/i386/kvmvapic.c: "kvm-tpr-opt",
 *    version 1, QOM type "kvmvapic"): a nested description "kvmvapic-guest-rom"
 *    that starts with the 8 unused bytes of the old ROM signature and nests
 *    "kvmvapic-handlers" twice.
 */
#ifndef REALDEV_ISA_MISC_H
#define REALDEV_ISA_MISC_H

#include <stdbool.h>
#include <stdint.h>
#include <vms/annotate.h>

struct VMS_STATE("pcspk", 1, 1) VMS_TYPE_NAME("isa-pcspk") VMS_NEEDED("migrate") PcSpk {
    uint8_t data_on;
    uint8_t dummy_refresh_clock;
    bool migrate VMS_IMMUTABLE;          /* property "migrate" (machine type) */
    uint32_t iobase VMS_IMMUTABLE;
    void *pit VMS_SKIP;
};

struct VMS_STATE("port92", 1, 1) VMS_TYPE_NAME("port92") Port92 {
    uint8_t outport;
    void *a20_out VMS_SKIP;
};

struct VMS_STATE("kvmvapic-handlers", 1, 1) VapicHandlers {
    uint32_t set_tpr;
    uint32_t set_tpr_eax;
    uint32_t get_tpr[8];
    uint32_t get_tpr_stack;
};

struct VMS_STATE("kvmvapic-guest-rom", 1, 1) VapicGuestRom {
    uint8_t signature[8] VMS_UNUSED;
    uint32_t vaddr;
    uint32_t fixup_start;
    uint32_t fixup_end;
    uint32_t vapic_vaddr;
    uint32_t vapic_size;
    uint32_t vcpu_shift;
    uint32_t real_tpr_addr;
    struct VapicHandlers up;
    struct VapicHandlers mp;
};

struct VMS_STATE("kvm-tpr-opt", 1, 1) VMS_TYPE_NAME("kvmvapic") VapicRom {
    struct VapicGuestRom rom_state;
    uint32_t state;
    uint32_t real_tpr_addr;
    uint32_t rom_state_vaddr;
    uint32_t vapic_paddr;
    uint32_t rom_state_paddr;
    uint64_t rom_paddr VMS_IMMUTABLE;
};

#endif
