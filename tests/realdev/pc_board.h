/*
 * pc_board.h: small pieces of the i440FX PC board, described as QEMU 7.2
 * migrates them:
 *  - the I2C bus of the SMBus controller (hw/i2c/core.c: section "i2c_bus",
 *    version 1): the address of the device selected when the VM stopped;
 *  - the ACPI table builder's state (hw/i386/acpi-build.c: "acpi_build",
 *    version 1): whether the guest's tables were patched already;
 *  - the PCI host bridge's configuration address register (hw/pci/pci_host.c:
 *    "PCIHost", version 1, here the QOM type "i440FX-pcihost");
 *  - the PCI bus's interrupt counters (hw/pci/pci.c: "PCIBUS", version 1):
 *    the number of lines must agree on both sides, then one counter a line;
 *  - the VMware mouse backdoor (hw/i386/vmmouse.c: "vmmouse", version 0):
 *    the queue's size must agree, then the whole queue and its fill level
 *    (bounded here, stricter than QEMU 7.2).
 * Buses and the ACPI builder are no QOM device types: QEMU's -dump-vmstate
 * has no entry for "i2c_bus", "acpi_build" and "PCIBUS".
 */
#ifndef REALDEV_PC_BOARD_H
#define REALDEV_PC_BOARD_H

#include <stdbool.h>
#include <stdint.h>
#include <vms/annotate.h>

struct VMS_STATE("i2c_bus", 1, 1) I2cBus {
    uint8_t saved_address;             /* 0xff: no device selected */
    void *current_devs VMS_SKIP;       /* rebuilt from saved_address after the load */
};

struct VMS_STATE("acpi_build", 1, 1) AcpiBuild {
    uint8_t patched;
    void *guest_info VMS_SKIP;
};

struct VMS_STATE("PCIHost", 1, 1) VMS_TYPE_NAME("i440FX-pcihost") PciHost {
    uint32_t config_reg;               /* the address latched at port 0xcf8 */
    void *bus VMS_SKIP;
};

/* The i440FX's PCI bus routes its devices to the four PIIX3 PIRQ lines. */
#define PCIBUS_MAX_IRQS 4

struct VMS_STATE("PCIBUS", 1, 1) PciBus {
    int32_t nirq VMS_EQUAL;            /* fixed by the board */
    /* one counter of asserted devices per line, in storage the bus owns */
    int32_t *irq_count VMS_COUNT("nirq") VMS_MAX(PCIBUS_MAX_IRQS);
    int32_t irq_count_storage[PCIBUS_MAX_IRQS] VMS_SKIP; /* what irq_count points at */
};

#define VMMOUSE_QUEUE_SIZE 1024

struct VMS_STATE("vmmouse", 0, 0) VMS_TYPE_NAME("vmmouse") VmMouse {
    int32_t queue_size VMS_EQUAL;      /* always VMMOUSE_QUEUE_SIZE */
    uint32_t queue[VMMOUSE_QUEUE_SIZE];
    /* words queued: QEMU 7.2 trusts the stream here and later moves nb_queue words of the
       queue; a bound no sane source exceeds */
    uint16_t nb_queue VMS_RANGE(0, VMMOUSE_QUEUE_SIZE);
    uint16_t status;
    uint8_t absolute;
    void *ps2_mouse VMS_SKIP;
};

#endif
