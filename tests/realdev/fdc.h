/*
 * fdc.h: the floppy disk controller of the PC (an Intel 82078), described as
 * QEMU 7.2 migrates it (hw/block/fdc.c and fdc-isa.c: section "fdc",
 * version 2, QOM type "isa-fdc"). The ISA device's description has one
 * field, the controller's state, nested as a description of the same name.
 *
 * The controller's command FIFO is a buffer of one sector that the
 * controller allocates: it travels as fifo_size single bytes. The number of
 * drives must agree on both sides; each drive ("fdrive") sends its head,
 * track and sector, then up to three subsections of its own.
 *
 * Subsections of the controller, in QEMU's order:
 *  - "fdc/reset_sensei": the SENSE INTERRUPT countdown after a reset;
 *  - "fdc/result_timer": the timer that ends a command, while it is armed;
 *  - "fdc/phase": the command phase, only when it differs from what QEMU 2.3
 *    derived from the main status register (a destination that gets no
 *    phase derives it the same way).
 * Subsections of a drive: "fdrive/media_changed" (while a backend is
 * attached and the disk-change line is low), "fdrive/media_rate" (when the
 * controller checks the media rate, a machine-type property) and
 * "fdrive/perpendicular" (perpendicular recording mode on).
 */
#ifndef REALDEV_FDC_H
#define REALDEV_FDC_H

#include <stdbool.h>
#include <stdint.h>
#include <vms/annotate.h>

#define FD_SECTOR_LEN 512
#define FD_MAX_DRIVES 2

/* main status register bits the phase is derived from */
#define FD_MSR_NONDMA 0x20
#define FD_MSR_DIO 0x40
#define FD_MSR_RQM 0x80

enum fd_phase {
    FD_PHASE_RECONSTRUCT = 0,          /* not known yet: derive it after the load */
    FD_PHASE_COMMAND = 1,
    FD_PHASE_EXECUTION = 2,
    FD_PHASE_RESULT = 3,
};

struct VMS_STATE("fdrive", 1, 1)
       VMS_SUBSECTION_DEF("media_changed", 1, "has_backend && media_changed != 1")
       VMS_SUBSECTION_DEF("media_rate", 1, "check_media_rate")
       VMS_SUBSECTION_DEF("perpendicular", 1, "perpendicular != 0") FDrive {
    uint8_t head;
    uint8_t track;
    uint8_t sect;
    uint8_t media_changed VMS_IN("media_changed");
    uint8_t media_rate VMS_IN("media_rate");
    uint8_t perpendicular VMS_IN("perpendicular");
    bool has_backend VMS_IMMUTABLE;      /* a block backend is attached */
    bool check_media_rate VMS_IMMUTABLE; /* the controller's property, copied per drive */
    void *fdctrl VMS_SKIP;
    void *blk VMS_SKIP;
};

struct VMS_STATE("fdc", 2, 2)
       VMS_SUBSECTION_DEF("reset_sensei", 1, "reset_sensei != 0")
       VMS_SUBSECTION_DEF("result_timer", 1, "result_timer != -1")
       VMS_SUBSECTION_DEF("phase", 1,
                          "phase != ((msr & FD_MSR_NONDMA) ? FD_PHASE_EXECUTION"
                          " : !(msr & FD_MSR_RQM) ? FD_PHASE_EXECUTION"
                          " : (msr & FD_MSR_DIO) ? FD_PHASE_RESULT : FD_PHASE_COMMAND)") FdCtrl {
    uint8_t sra;
    uint8_t srb;
    uint8_t dor_vmstate;               /* the DOR with the selected drive in its low bits */
    uint8_t tdr;
    uint8_t dsr;
    uint8_t msr;
    uint8_t status0;
    uint8_t status1;
    uint8_t status2;
    uint8_t *fifo VMS_COUNT("fifo_size") VMS_MAX(FD_SECTOR_LEN) VMS_TYPE("uint8");
    uint32_t data_pos;
    uint32_t data_len;
    uint8_t data_state;
    uint8_t data_dir;
    uint8_t eot;
    uint8_t timer0;                    /* kept only to be read back */
    uint8_t timer1;
    uint8_t precomp_trk;
    uint8_t config;
    uint8_t lock;
    uint8_t pwrd;
    uint8_t num_floppies VMS_EQUAL;
    struct FDrive drives[FD_MAX_DRIVES] VMS_SINCE(1); /* QEMU gives the array field version 1 */
    int32_t reset_sensei VMS_IN("reset_sensei");
    int64_t result_timer VMS_TYPE("timer") VMS_IN("result_timer");
    uint8_t phase VMS_IN("phase");     /* an enum fd_phase */
    int32_t fifo_size VMS_IMMUTABLE;   /* FD_SECTOR_LEN, allocated at realize */
    uint8_t fifo_storage[FD_SECTOR_LEN] VMS_SKIP; /* what fifo points at */
    bool check_media_rate VMS_IMMUTABLE;
    void *irq VMS_SKIP;
};

struct VMS_STATE("fdc", 2, 2) VMS_TYPE_NAME("isa-fdc") FdCtrlIsa {
    struct FdCtrl state;
    uint32_t iobase VMS_IMMUTABLE;
    uint32_t irq VMS_IMMUTABLE;
    uint32_t dma VMS_IMMUTABLE;
};

#endif
