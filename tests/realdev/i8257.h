/*
 * i8257.h: the Intel 8257 DMA controller of the PC, described as QEMU
 * migrates it (hw/dma/i8257.c: section "dma", version 1, QOM type "i8257";
 * two controllers, instances 0 and 1, each with four channels saved as the
 * nested description "dma_regs").
 */
#ifndef REALDEV_I8257_H
#define REALDEV_I8257_H

#include <stdint.h>
#include <vms/annotate.h>

#define I8257_CHANNELS 4

struct VMS_STATE("dma_regs", 1, 1) DmaRegs {
    int32_t now[2];                    /* current address and count */
    uint16_t base[2];                  /* base address and count */
    uint8_t mode;
    uint8_t page;
    uint8_t pageh;
    uint8_t dack;
    uint8_t eop;
    void *transfer_handler VMS_SKIP;   /* the ISA device using the channel */
    void *opaque VMS_SKIP;
};

struct VMS_STATE("dma", 1, 1) VMS_TYPE_NAME("i8257") DmaCont {
    uint8_t command;
    uint8_t mask;
    uint8_t flip_flop;
    int32_t dshift;                    /* 0 for the 8-bit controller, 1 for the 16-bit one */
    struct DmaRegs regs[I8257_CHANNELS] VMS_SINCE(1); /* QEMU gives the array field version 1 */
    int32_t base VMS_IMMUTABLE;        /* I/O ports, set at init */
    int32_t page_base VMS_IMMUTABLE;
    int32_t pageh_base VMS_IMMUTABLE;
};

#endif
