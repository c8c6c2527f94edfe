/*
 * realdev_pci.c: the codecs of the common PCI device state (pci.h), the
 * encodings QEMU names "int32 le", "pci config" and "pci irq state".
 *
 * A get reads into a local copy and stores nothing until the whole value
 * was read and accepted, so a truncated or refused stream leaves the field
 * as it was.
 */
#include <stdint.h>
#include <string.h>

#include "pci.h"

/* "int32 le": a be32 that must lie in 0 .. the destination's own value. */
int pci_version_get(vms_stream_t *s, void *field, size_t size, vms_error_t *err)
{
    int32_t *cur = field;
    int32_t v = (int32_t)vms_get_be32(s);

    (void)size;
    if (vms_stream_error(s, NULL))
        return -1;
    if (v < 0 || v > *cur)
        return vms_error_set(err, VMS_ERR_RANGE, 0, -1, NULL,
                             "PCI device state version %d is not in 0..%d", (int)v, (int)*cur);
    *cur = v;
    return 0;
}

int pci_version_put(vms_stream_t *s, const void *field, size_t size, vms_error_t *err)
{
    (void)size;
    (void)err;
    vms_put_be32(s, (uint32_t)*(const int32_t *)field);
    return 0;
}

/* The device whose configuration space (conventional or express, by @size) is at @field. */
static const struct PciDevice *config_owner(const void *field, size_t size)
{
    size_t at = size == PCIE_CONFIG_SPACE_SIZE ? offsetof(struct PciDevice, express_config)
                                               : offsetof(struct PciDevice, config);

    return (const struct PciDevice *)((const uint8_t *)field - at);
}

/*
 * "pci config": @size bytes; refused when a bit the device compares
 * (cmask) and the guest cannot change (neither wmask nor w1cmask) differs
 * from the device's own.
 */
int pci_config_get(vms_stream_t *s, void *field, size_t size, vms_error_t *err)
{
    const struct PciDevice *d = config_owner(field, size);
    uint8_t *config = field;
    uint8_t in[PCIE_CONFIG_SPACE_SIZE];

    if (size != PCI_CONFIG_SPACE_SIZE && size != PCIE_CONFIG_SPACE_SIZE)
        return vms_error_set(err, VMS_ERR_INVAL, 0, -1, NULL, "config space of %zu bytes", size);
    vms_get_buffer(s, in, size);
    if (vms_stream_error(s, NULL))
        return -1;
    for (size_t i = 0; i < size; i++) {
        uint8_t fixed = d->cmask[i] & (uint8_t)~d->wmask[i] & (uint8_t)~d->w1cmask[i];

        if ((in[i] ^ config[i]) & fixed)
            return vms_error_set(err, VMS_ERR_CHECK, 0, -1, NULL,
                                 "config byte 0x%zx is 0x%02x, the device's read-only bits "
                                 "say 0x%02x (mask 0x%02x)", i, in[i], config[i], fixed);
    }
    memcpy(config, in, size);
    return 0;
}

int pci_config_put(vms_stream_t *s, const void *field, size_t size, vms_error_t *err)
{
    (void)err;
    vms_put_buffer(s, field, size);
    return 0;
}

/* "pci irq state": one be32 per pin, 0 or 1. */
int pci_irq_state_get(vms_stream_t *s, void *field, size_t size, vms_error_t *err)
{
    int32_t in[PCI_NUM_PINS];

    if (size != sizeof(in))
        return vms_error_set(err, VMS_ERR_INVAL, 0, -1, NULL, "irq state of %zu bytes", size);
    for (size_t i = 0; i < PCI_NUM_PINS; i++)
        in[i] = (int32_t)vms_get_be32(s);
    if (vms_stream_error(s, NULL))
        return -1;
    for (size_t i = 0; i < PCI_NUM_PINS; i++)
        if (in[i] != 0 && in[i] != 1)
            return vms_error_set(err, VMS_ERR_RANGE, 0, -1, NULL,
                                 "interrupt pin %zu has level %d (0 or 1)", i, (int)in[i]);
    memcpy(field, in, sizeof(in));
    return 0;
}

int pci_irq_state_put(vms_stream_t *s, const void *field, size_t size, vms_error_t *err)
{
    const int32_t *levels = field;

    (void)size;
    (void)err;
    for (size_t i = 0; i < PCI_NUM_PINS; i++)
        vms_put_be32(s, (uint32_t)levels[i]);
    return 0;
}
