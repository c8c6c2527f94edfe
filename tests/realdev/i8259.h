/*
 * i8259.h: the Intel 8259A programmable interrupt controller, described as
 * QEMU migrates it (hw/intc/i8259_common.c: section "i8259", version 1, QOM
 * type "isa-i8259"; a PC has two, instances 0 and 1).
 *
 * Later QEMU versions (8.1 and up) send the LTIM bit in the subsection
 * "i8259/ltim" when it is set; describing it here lets us load their streams
 * too. QEMU 7.2 never sends it.
 */
#ifndef REALDEV_I8259_H
#define REALDEV_I8259_H

#include <stdbool.h>
#include <stdint.h>
#include <vms/annotate.h>

struct VMS_STATE("i8259", 1, 1)
       VMS_TYPE_NAME("isa-i8259")
       VMS_SUBSECTION_DEF("ltim", 1, "ltim != 0") Pic8259 {
    uint8_t last_irr;                  /* edge detection */
    uint8_t irr;                       /* interrupt request register */
    uint8_t imr;                       /* interrupt mask register */
    uint8_t isr;                       /* interrupt service register */
    uint8_t priority_add;              /* highest irq priority */
    uint8_t irq_base;
    uint8_t read_reg_select;
    uint8_t poll;
    uint8_t special_mask;
    uint8_t init_state;
    uint8_t auto_eoi;
    uint8_t rotate_on_auto_eoi;
    uint8_t special_fully_nested_mode;
    uint8_t init4;                     /* true if 4 byte init */
    uint8_t single_mode;               /* true if slave pic is not initialized */
    uint8_t elcr;                      /* PIIX edge/trigger selection */
    uint8_t ltim VMS_IN("ltim");       /* ICW1.LTIM: all inputs level triggered */
    uint8_t elcr_mask VMS_IMMUTABLE;   /* board wiring, set at init */
    bool master VMS_IMMUTABLE;
    uint32_t iobase VMS_IMMUTABLE;
    uint32_t elcr_addr VMS_IMMUTABLE;
    void *int_out VMS_SKIP;            /* output line to the CPU or the master */
};

#endif
