/*
 * fuzz_load_realdev.c: libFuzzer target for vms_load / vms_load_flags with
 * the tables vmsgen generates for real QEMU devices (tests/realdev: i8259,
 * i8257, HPET, RTC, PIT, PS/2, IOAPIC, fw_cfg, i8042, floppy, PCI bridges,
 * PIIX4 power management, ...).
 *
 * The first byte picks the device (and, bit 7, an atomic load); the rest is
 * its section payload. The object has exactly the device's size, so ASan
 * sees any write past it. With VMS_LOAD_ATOMIC a failed load must leave the
 * object byte for byte as it was; a difference aborts.
 *
 * Seeds: seeds/realdev, each the device byte and that device's payload cut
 * from the QEMU 7.2 corpus stream (tests/data/qemu-7.2).
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <vms/vms.h>

#include "acpi_piix4.vms.h"
#include "fdc.vms.h"
#include "fw_cfg.vms.h"
#include "globalstate.vms.h"
#include "hpet.vms.h"
#include "i8254.vms.h"
#include "i8257.vms.h"
#include "i8259.vms.h"
#include "ioapic.vms.h"
#include "isa_misc.vms.h"
#include "mc146818rtc.vms.h"
#include "pc_board.vms.h"
#include "pckbd.vms.h"
#include "pci.vms.h"
#include "ps2.vms.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/*
 * Devices whose counted pointers point into the object itself: aim them
 * there; the configuration a VMS_EQUAL field must match, so that the seeds
 * get past it; and the bool properties a VMS_IF reads while loading (0x5a
 * is no valid bool).
 */
static void prepare_pci_bus(void *obj)
{
    struct PciBus *b = obj;

    b->nirq = PCIBUS_MAX_IRQS;
    b->irq_count = b->irq_count_storage;
}

static void prepare_fdc(void *obj)
{
    struct FdCtrl *s = &((struct FdCtrlIsa *)obj)->state;

    s->fifo_size = FD_SECTOR_LEN;
    s->fifo = s->fifo_storage;
    s->num_floppies = FD_MAX_DRIVES;
}

static void prepare_pci_device(struct PciDevice *d)
{
    d->is_express = false;
}

static void prepare_i440fx(void *obj)
{
    prepare_pci_device(&((struct I440fx *)obj)->parent_obj);
}

static void prepare_piix3(void *obj)
{
    prepare_pci_device(&((struct Piix3 *)obj)->dev);
}

static void prepare_piix4_pm(void *obj)
{
    struct Piix4Pm *s = obj;

    prepare_pci_device(&s->parent_obj);
    s->use_acpi_hotplug_bridge = true;
    s->acpi_index_migrated = true;
    s->smb_migrated = true;
    s->cpu_hotplug_legacy = true;

    s->gpe.sts = &s->gpe_sts;
    s->gpe.en = &s->gpe_en;
    s->acpi_memory_hotplug.devs = NULL;
    s->acpi_memory_hotplug.dev_count = 0;
    s->cpuhp_state.devs = NULL;
    s->cpuhp_state.dev_count = 0;
}

static void prepare_vmmouse(void *obj)
{
    ((struct VmMouse *)obj)->queue_size = VMMOUSE_QUEUE_SIZE;
}

/* New devices go at the end: the seeds' first byte is an index into this table. */
static const struct {
    const struct vms_desc *desc;
    size_t size;
    void (*prepare)(void *obj);
} devices[] = {
    {&vms_desc_Pic8259, sizeof(struct Pic8259), NULL},
    {&vms_desc_DmaCont, sizeof(struct DmaCont), NULL},
    {&vms_desc_Hpet, sizeof(struct Hpet), NULL},
    {&vms_desc_Rtc, sizeof(struct Rtc), NULL},
    {&vms_desc_Pit, sizeof(struct Pit), NULL},
    {&vms_desc_Ps2Kbd, sizeof(struct Ps2Kbd), NULL},
    {&vms_desc_Ps2Mouse, sizeof(struct Ps2Mouse), NULL},
    {&vms_desc_IoApic, sizeof(struct IoApic), NULL},
    {&vms_desc_GlobalState, sizeof(struct GlobalState), NULL},
    {&vms_desc_PcSpk, sizeof(struct PcSpk), NULL},
    {&vms_desc_Port92, sizeof(struct Port92), NULL},
    {&vms_desc_VapicRom, sizeof(struct VapicRom), NULL},
    {&vms_desc_I2cBus, sizeof(struct I2cBus), NULL},
    {&vms_desc_AcpiBuild, sizeof(struct AcpiBuild), NULL},
    {&vms_desc_PciHost, sizeof(struct PciHost), NULL},
    {&vms_desc_PciBus, sizeof(struct PciBus), prepare_pci_bus},
    {&vms_desc_VmMouse, sizeof(struct VmMouse), prepare_vmmouse},
    {&vms_desc_FwCfg, sizeof(struct FwCfg), NULL},
    {&vms_desc_IsaKbd, sizeof(struct IsaKbd), NULL},
    {&vms_desc_FdCtrlIsa, sizeof(struct FdCtrlIsa), prepare_fdc},
    {&vms_desc_I440fx, sizeof(struct I440fx), prepare_i440fx},
    {&vms_desc_Piix3, sizeof(struct Piix3), prepare_piix3},
    {&vms_desc_Piix4Pm, sizeof(struct Piix4Pm), prepare_piix4_pm},
};

#define N_DEVICES (sizeof(devices) / sizeof(devices[0]))

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const struct vms_desc *d;
    unsigned flags;
    uint8_t *obj, *before;
    vms_stream_t *s;
    int ret;

    if (size < 1)
        return 0;
    d = devices[(data[0] & 0x7f) % N_DEVICES].desc;
    flags = data[0] & 0x80 ? VMS_LOAD_ATOMIC : 0;
    size_t obj_size = devices[(data[0] & 0x7f) % N_DEVICES].size;
    obj = malloc(obj_size);
    before = malloc(obj_size);
    if (!obj || !before)
        abort();
    memset(obj, 0x5a, obj_size);
    if (devices[(data[0] & 0x7f) % N_DEVICES].prepare)
        devices[(data[0] & 0x7f) % N_DEVICES].prepare(obj);
    memcpy(before, obj, obj_size);
    s = vms_stream_mem_reader(data + 1, size - 1);
    if (!s)
        abort();
    ret = vms_load_flags(s, d, obj, d->version, flags, NULL);
    vms_stream_close(s);
    if (ret != 0 && (flags & VMS_LOAD_ATOMIC) && memcmp(obj, before, obj_size) != 0) {
        fprintf(stderr, "fuzz_load_realdev: a failed atomic load of '%s' changed it\n", d->name);
        abort();
    }
    free(obj);
    free(before);
    return 0;
}
