/*
 * pci.h: PCI devices of the i440FX PC, described as QEMU 7.2 migrates them.
 *
 * Every PCI device starts with the common state "PCIDevice" (hw/pci/pci.c:
 * version 2, loadable from 1), nested under the device's own description:
 *  - version_id: the version the source wrote, which must lie between 0 and
 *    the destination's own value (QEMU's "int32 le");
 *  - config: the configuration space through QEMU's "pci config" encoding:
 *    its bytes, but a load that changes a bit the device does not let the
 *    guest write (its identity: vendor, device, class, header type ...)
 *    fails. QEMU describes the field twice under one name, 256 bytes for
 *    conventional PCI and 4096 for PCI Express, and sends the one that fits
 *    the device: two VMS_IF members with one wire name here, so the vmdesc
 *    says "config[0]" as QEMU's;
 *  - irq_state: the level of each of the four interrupt pins ("pci irq
 *    state": 0 or 1 each), from version 2.
 * The codecs are in realdev_pci.c.
 *
 * The devices:
 *  - the i440FX host bridge (hw/pci-host/i440fx.c: "I440FX", version 3, QOM
 *    type "i440FX"): the common state, then one unused byte that held the
 *    SMM state before QEMU 1.5;
 *  - the PIIX3 ISA bridge (hw/isa/piix3.c: "PIIX3", version 3, loadable from
 *    2): the common state, the levels of the four PIRQ lines (version 3) and
 *    the subsection "PIIX3/rcr" with the reset control register, sent when
 *    it is not zero.
 */
#ifndef REALDEV_PCI_H
#define REALDEV_PCI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <vms/annotate.h>
#include <vms/vms.h>

#define PCI_CONFIG_SPACE_SIZE 256
#define PCIE_CONFIG_SPACE_SIZE 4096
#define PCI_NUM_PINS 4
#define PIIX_NUM_PIRQS 4

struct VMS_STATE("PCIDevice", 2, 1) PciDevice {
    int32_t version_id VMS_CODEC(pci_version_get, pci_version_put, "int32 le");
    uint8_t config[PCI_CONFIG_SPACE_SIZE] VMS_IF("!is_express")
        VMS_CODEC(pci_config_get, pci_config_put, "pci config");
    uint8_t express_config[PCIE_CONFIG_SPACE_SIZE] VMS_IF("is_express") VMS_NAME("config")
        VMS_CODEC(pci_config_get, pci_config_put, "pci config");
    int32_t irq_state[PCI_NUM_PINS] VMS_SINCE(2)
        VMS_CODEC(pci_irq_state_get, pci_irq_state_put, "pci irq state");
    bool is_express VMS_IMMUTABLE;
    /* per byte of the configuration space, set when the device is created */
    uint8_t cmask[PCIE_CONFIG_SPACE_SIZE] VMS_IMMUTABLE;   /* compared on load */
    uint8_t wmask[PCIE_CONFIG_SPACE_SIZE] VMS_IMMUTABLE;   /* writable by the guest */
    uint8_t w1cmask[PCIE_CONFIG_SPACE_SIZE] VMS_IMMUTABLE; /* cleared by writing 1 */
};

struct VMS_STATE("I440FX", 3, 3) VMS_TYPE_NAME("i440FX") I440fx {
    struct PciDevice parent_obj;
    uint8_t smm_enabled[1] VMS_UNUSED; /* before QEMU 1.5 */
};

struct VMS_STATE("PIIX3", 3, 2) VMS_TYPE_NAME("PIIX3")
       VMS_SUBSECTION_DEF("rcr", 1, "rcr != 0") Piix3 {
    struct PciDevice dev;
    int32_t pci_irq_levels_vmstate[PIIX_NUM_PIRQS] VMS_SINCE(3);
    uint8_t rcr VMS_IN("rcr");         /* reset control register, port 0xcf9 */
};

/* The codecs of PciDevice (realdev_pci.c). */
int pci_version_get(vms_stream_t *s, void *field, size_t size, vms_error_t *err);
int pci_version_put(vms_stream_t *s, const void *field, size_t size, vms_error_t *err);
int pci_config_get(vms_stream_t *s, void *field, size_t size, vms_error_t *err);
int pci_config_put(vms_stream_t *s, const void *field, size_t size, vms_error_t *err);
int pci_irq_state_get(vms_stream_t *s, void *field, size_t size, vms_error_t *err);
int pci_irq_state_put(vms_stream_t *s, const void *field, size_t size, vms_error_t *err);

#endif
