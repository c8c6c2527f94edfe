/*
 * ioapic.h: the I/O APIC, described as QEMU migrates it
 * (hw/intc/ioapic_common.c: section "ioapic", version 3, loadable from 1,
 * QOM type "ioapic"). Version 2 streams of qemu-kvm carried 8 more bytes
 * after ioregsel; QEMU keeps them as VMSTATE_UNUSED_V(2, 8). Version 1 had
 * no irr, and QEMU's post_load then sets it to 0.
 */
#ifndef REALDEV_IOAPIC_H
#define REALDEV_IOAPIC_H

#include <stdint.h>
#include <vms/annotate.h>

#define IOAPIC_NUM_PINS 24

struct VMS_STATE("ioapic", 3, 1) VMS_TYPE_NAME("ioapic") IoApic {
    uint8_t id;
    uint8_t ioregsel;
    uint8_t qemu_kvm_v2[8] VMS_UNUSED VMS_SINCE(2);
    uint32_t irr VMS_SINCE(2) VMS_DEFAULT("0");
    uint64_t ioredtbl[IOAPIC_NUM_PINS];  /* redirection table: uint64 elements, not a buffer */
    uint8_t version VMS_IMMUTABLE;       /* property "version" */
    uint64_t irq_count[IOAPIC_NUM_PINS] VMS_SKIP; /* statistics */
};

#endif
