/*
 * realdev_more.c: more real devices of the QEMU 7.2 corpus for test_realdev
 * (the small PC board pieces of pc_board.h, ...): how a freshly realized
 * device looks before the load, and the values QEMU's analyze-migration.py
 * printed for the corpus stream (pc-i440fx-7.2-32m.analyze-state.json; each
 * comment names the key).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "acpi_piix4.vms.h"
#include "fdc.vms.h"
#include "fw_cfg.vms.h"
#include "pc_board.vms.h"
#include "pckbd.vms.h"
#include "pci.vms.h"
#include "realdev.h"

/* ---- pc_board.h ---- */

static void reset_i2c_bus(void *obj)
{
    ((struct I2cBus *)obj)->current_devs = NULL;
}

static void check_i2c_bus(const void *obj)
{
    assert_int_equal(((const struct I2cBus *)obj)->saved_address, 0xff); /* "i2c_bus (29)" */
}

static void reset_acpi_build(void *obj)
{
    ((struct AcpiBuild *)obj)->guest_info = NULL;
}

static void check_acpi_build(const void *obj)
{
    assert_int_equal(((const struct AcpiBuild *)obj)->patched, 0); /* "acpi_build (39)" */
}

static void reset_pci_host(void *obj)
{
    ((struct PciHost *)obj)->bus = NULL;
}

static void check_pci_host(const void *obj)
{
    assert_int_equal(((const struct PciHost *)obj)->config_reg, 0); /* "PCIHost (9)" */
}

static void reset_pci_bus(void *obj)
{
    struct PciBus *b = obj;

    b->nirq = PCIBUS_MAX_IRQS; /* the board's four PIRQ lines */
    memset(b->irq_count_storage, FILL_BYTE, sizeof(b->irq_count_storage));
    b->irq_count = b->irq_count_storage;
}

static void check_pci_bus(const void *obj)
{
    const struct PciBus *b = obj;

    assert_int_equal(b->nirq, 4); /* "PCIBUS (10)".nirq = "0x00000004" */
    assert_ptr_equal(b->irq_count, b->irq_count_storage); /* loaded in place */
    for (size_t i = 0; i < PCIBUS_MAX_IRQS; i++)
        assert_int_equal(b->irq_count[i], 0); /* "PCIBUS (10)".irq_count[i] */
}

static void reset_vmmouse(void *obj)
{
    struct VmMouse *m = obj;

    m->queue_size = VMMOUSE_QUEUE_SIZE;
    m->ps2_mouse = NULL;
}

static void check_vmmouse(const void *obj)
{
    const struct VmMouse *m = obj;

    assert_int_equal(m->queue_size, 1024); /* "vmmouse (26)".queue_size = "0x00000400" */
    for (size_t i = 0; i < VMMOUSE_QUEUE_SIZE; i++)
        assert_int_equal(m->queue[i], 0); /* "vmmouse (26)".queue[i] */
    assert_int_equal(m->nb_queue, 0);     /* "vmmouse (26)".nb_queue */
    assert_int_equal(m->status, 0xffff);  /* "vmmouse (26)".status = "0xffff" */
    assert_int_equal(m->absolute, 0);     /* "vmmouse (26)".absolute */
}

/* ---- fw_cfg.h ---- */

static void reset_fw_cfg(void *obj)
{
    struct FwCfg *f = obj;

    f->dma_enabled = true;     /* the PC's fw_cfg_io has DMA */
    f->acpi_mr_restore = true; /* the default of pc-i440fx-7.2 */
    f->entries = NULL;
}

static void check_fw_cfg(const void *obj)
{
    const struct FwCfg *f = obj;

    assert_int_equal(f->cur_entry, 0);  /* "fw_cfg (8)".cur_entry */
    assert_int_equal(f->cur_offset, 0); /* "fw_cfg (8)"."cur_offset[1]" */
    assert_int_equal(f->dma_addr, 0);   /* "fw_cfg (8)"."fw_cfg/dma".dma_addr */
    /* "fw_cfg (8)"."fw_cfg/acpi_mr": table_mr_size "0x0000000000020000", ... */
    assert_int_equal(f->table_mr_size, 0x20000);
    assert_int_equal(f->linker_mr_size, 0x1000);
    assert_int_equal(f->rsdp_mr_size, 0x14);
}

/* ---- pckbd.h ---- */

static void reset_pckbd(void *obj)
{
    struct IsaKbd *k = obj;

    k->kbd.outport = 0xcf; /* reset and A20 lines high, the unused lines too */
    k->kbd.extended_state = true; /* the default since QEMU 7.0 */
    k->kbd.kbd = NULL;
    k->kbd.mouse = NULL;
    k->kbd_throttle = false;
}

static void check_pckbd(const void *obj)
{
    const struct KbdState *k = &((const struct IsaKbd *)obj)->kbd;

    assert_int_equal(k->write_cmd, 0x00);   /* "pckbd (25)".kbd.write_cmd */
    assert_int_equal(k->status, 0x18);      /* "pckbd (25)".kbd.status = "0x18" */
    assert_int_equal(k->mode, 0x03);        /* "pckbd (25)".kbd.mode = "0x03" */
    assert_int_equal(k->pending_tmp, 0x00); /* "pckbd (25)".kbd.pending_tmp */
    /* "pckbd (25)".kbd."pckbd/extended_state": every field zero */
    assert_int_equal(k->migration_flags, 0);
    assert_int_equal(k->obsrc, 0);
    assert_int_equal(k->obdata, 0);
    assert_int_equal(k->cbdata, 0);
    assert_int_equal(k->outport, 0xcf); /* no "pckbd_outport": kept, what QEMU assumes */
}

/* ---- fdc.h ---- */

static void reset_fdc(void *obj)
{
    struct FdCtrlIsa *isa = obj;
    struct FdCtrl *s = &isa->state;

    s->fifo_size = FD_SECTOR_LEN;
    memset(s->fifo_storage, FILL_BYTE, sizeof(s->fifo_storage));
    s->fifo = s->fifo_storage;
    s->num_floppies = FD_MAX_DRIVES;
    s->reset_sensei = 0;
    s->result_timer = -1;
    s->phase = FD_PHASE_COMMAND;
    s->check_media_rate = true; /* the default of pc-i440fx-7.2 */
    s->irq = NULL;
    for (size_t i = 0; i < FD_MAX_DRIVES; i++) {
        s->drives[i].media_changed = 1;
        s->drives[i].perpendicular = 0;
        s->drives[i].has_backend = false; /* no -fda/-fdb in the corpus */
        s->drives[i].check_media_rate = s->check_media_rate;
        s->drives[i].fdctrl = s;
        s->drives[i].blk = NULL;
    }
    isa->iobase = 0x3f0;
    isa->irq = 6;
    isa->dma = 2;
}

static void check_fdc(const void *obj)
{
    const struct FdCtrl *s = &((const struct FdCtrlIsa *)obj)->state;

    assert_int_equal(s->sra, 0x40);         /* "fdc (22)".state.sra = "0x40" */
    assert_int_equal(s->srb, 0xc0);         /* "fdc (22)".state.srb = "0xc0" */
    assert_int_equal(s->dor_vmstate, 0x0c); /* "fdc (22)".state.dor_vmstate = "0x0c" */
    assert_int_equal(s->msr, 0x80);         /* "fdc (22)".state.msr = "0x80" */
    assert_int_equal(s->status0, 0);
    assert_ptr_equal(s->fifo, s->fifo_storage); /* loaded in place */
    for (size_t i = 0; i < FD_SECTOR_LEN; i++)
        assert_int_equal(s->fifo[i], 0);    /* "fdc (22)".state.fifo: 512 x "0x00" */
    assert_int_equal(s->data_pos, 0);
    assert_int_equal(s->data_len, 1);       /* "fdc (22)".state.data_len = "0x00000001" */
    assert_int_equal(s->config, 0x60);      /* "fdc (22)".state.config = "0x60" */
    assert_int_equal(s->num_floppies, 2);   /* "fdc (22)".state.num_floppies = "0x02" */
    for (size_t i = 0; i < FD_MAX_DRIVES; i++) {
        /* "fdc (22)".state.drives[i]: head, track, sect "0x00", "fdrive/media_rate" */
        assert_int_equal(s->drives[i].head, 0);
        assert_int_equal(s->drives[i].track, 0);
        assert_int_equal(s->drives[i].sect, 0);
        assert_int_equal(s->drives[i].media_rate, 0);
        assert_int_equal(s->drives[i].media_changed, 1); /* no subsection: kept */
    }
    assert_int_equal(s->result_timer, -1); /* no "fdc/result_timer": kept */
    assert_int_equal(s->phase, FD_PHASE_COMMAND);
}

/* ---- pci.h ---- */

/*
 * A conventional PCI device as QEMU creates it: its identity in the
 * configuration space, and the bytes a load compares (QEMU's cmask: vendor,
 * device, the capability-list status bit, revision, class, header type and
 * capability pointer); nothing writable by the guest is compared. The rest
 * of the configuration space keeps FILL_BYTE until the load.
 */
static void reset_pci_device(struct PciDevice *d, uint16_t vendor, uint16_t device,
                             uint8_t revision, uint16_t class_id, uint8_t header)
{
    static const uint8_t compared[][2] = {
        {0x00, 0xff}, {0x01, 0xff}, {0x02, 0xff}, {0x03, 0xff}, {0x06, 0x10}, {0x08, 0xff},
        {0x09, 0xff}, {0x0a, 0xff}, {0x0b, 0xff}, {0x0e, 0xff}, {0x34, 0xff},
    };

    d->version_id = 2;
    d->is_express = false;
    memset(d->cmask, 0, sizeof(d->cmask));
    memset(d->wmask, 0, sizeof(d->wmask));
    memset(d->w1cmask, 0, sizeof(d->w1cmask));
    for (size_t i = 0; i < sizeof(compared) / sizeof(compared[0]); i++)
        d->cmask[compared[i][0]] = compared[i][1];
    d->wmask[0x04] = 0xff; /* the command register, for instance */
    d->config[0x00] = (uint8_t)vendor;
    d->config[0x01] = (uint8_t)(vendor >> 8);
    d->config[0x02] = (uint8_t)device;
    d->config[0x03] = (uint8_t)(device >> 8);
    d->config[0x06] = 0x00; /* no capability list */
    d->config[0x08] = revision;
    d->config[0x09] = 0x00;
    d->config[0x0a] = (uint8_t)class_id;
    d->config[0x0b] = (uint8_t)(class_id >> 8);
    d->config[0x0e] = header;
    d->config[0x34] = 0x00;
}

static void reset_i440fx(void *obj)
{
    /* Intel 82441FX, revision 2, a host bridge (class 0x0600) */
    reset_pci_device(&((struct I440fx *)obj)->parent_obj, 0x8086, 0x1237, 0x02, 0x0600, 0x00);
}

static void reset_piix3(void *obj)
{
    struct Piix3 *p = obj;

    /* Intel 82371SB function 0, an ISA bridge (class 0x0601), multi-function */
    reset_pci_device(&p->dev, 0x8086, 0x7000, 0x00, 0x0601, 0x80);
    p->rcr = 0;
}

static void check_pci_device(const struct PciDevice *d, const uint8_t head[16])
{
    assert_int_equal(d->version_id, 2); /* ".version_id" = "0x00000002" */
    assert_memory_equal(d->config, head, 16);
    /* "f4 1a 00 11" at 0x2c: the subsystem ids QEMU's PC gives every device */
    assert_int_equal(d->config[0x2c], 0xf4);
    assert_int_equal(d->config[0x2f], 0x11);
    for (size_t i = 0; i < PCI_NUM_PINS; i++)
        assert_int_equal(d->irq_state[i], 0); /* ".irq_state" = "00 00 ..." */
    assert_int_equal(d->express_config[0], FILL_BYTE); /* a conventional device: not sent */
}

static void check_i440fx(const void *obj)
{
    /* "0000:00:00.0/I440FX (11)".parent_obj."config[0]" = "86 80 37 12 00 00 00 00 02 00 ..." */
    static const uint8_t head[16] = {0x86, 0x80, 0x37, 0x12, 0x00, 0x00, 0x00, 0x00,
                                     0x02, 0x00, 0x00, 0x06, 0x00, 0x00, 0x00, 0x00};
    const struct I440fx *h = obj;

    check_pci_device(&h->parent_obj, head);
    assert_int_equal(h->parent_obj.config[0x57], 0x04); /* "... 04 ..." at 0x57 (PAM) */
    assert_int_equal(h->smm_enabled[0], FILL_BYTE);     /* ".unused": skipped */
}

static void check_piix3(const void *obj)
{
    /* "0000:00:01.0/PIIX3 (14)".dev."config[0]": "86 80 00 70 00 00 00 02 00 00 01 06 00 00 80" */
    static const uint8_t head[16] = {0x86, 0x80, 0x00, 0x70, 0x00, 0x00, 0x00, 0x02,
                                     0x00, 0x00, 0x01, 0x06, 0x00, 0x00, 0x80, 0x00};
    const struct Piix3 *p = obj;

    check_pci_device(&p->dev, head);
    /* "4d 00 03 00" at 0x4c, then the PIRQ routing "80 80 80 80" at 0x60 */
    assert_int_equal(p->dev.config[0x4c], 0x4d);
    assert_int_equal(p->dev.config[0x60], 0x80);
    assert_int_equal(p->dev.config[0x63], 0x80);
    for (size_t i = 0; i < PIIX_NUM_PIRQS; i++)
        assert_int_equal(p->pci_irq_levels_vmstate[i], 0); /* ".pci_irq_levels_vmstate" */
    assert_int_equal(p->rcr, 0); /* no "PIIX3/rcr": kept */
}

/* ---- acpi_piix4.h ---- */

static void reset_piix4_pm(void *obj)
{
    struct Piix4Pm *s = obj;

    /* Intel 82371AB function 3, a bridge (class 0x0680), revision 3 */
    reset_pci_device(&s->parent_obj, 0x8086, 0x7113, 0x03, 0x0680, 0x00);
    s->apm.callback = NULL;
    s->smb.smbus = NULL;
    s->gpe_sts = 0xa5a5;
    s->gpe_en = 0xa5a5;
    s->gpe.sts = &s->gpe_sts;
    s->gpe.en = &s->gpe_en;
    s->gpe.len = 4;
    for (size_t i = 0; i < ACPI_PCIHP_MAX_HOTPLUG_BUS; i++)
        s->acpi_pci_hotplug.acpi_pcihp_pci_status[i].hotplug_enable = i == 0 ? ~0u : 0;
    s->acpi_memory_hotplug.devs = NULL;
    s->acpi_memory_hotplug.is_enabled = true; /* the default of PIIX4_PM */
    s->acpi_memory_hotplug.dev_count = 0;     /* no -m slots= in the corpus */
    s->cpuhp_state.selector = 0;
    s->cpuhp_state.command = 0;
    s->cpuhp_state.devs = NULL;
    s->cpuhp_state.dev_count = 0;
    s->use_acpi_hotplug_bridge = true; /* the defaults of pc-i440fx-7.2 */
    s->acpi_index_migrated = true;
    s->smb_migrated = true;
    s->cpu_hotplug_legacy = true;     /* until the guest switches to the new interface */
}

static void check_piix4_pm(const void *obj)
{
    /* "0000:00:01.3/piix4_pm (30)".parent_obj."config[0]" = "86 80 13 71 00 00 80 02 03 ..." */
    static const uint8_t head[16] = {0x86, 0x80, 0x13, 0x71, 0x00, 0x00, 0x80, 0x02,
                                     0x03, 0x00, 0x80, 0x06, 0x00, 0x00, 0x00, 0x00};
    const struct Piix4Pm *s = obj;

    check_pci_device(&s->parent_obj, head);
    assert_int_equal(s->pm1_evt_sts, 0x0001); /* "ar.pm1.evt.sts" = "0x0001" */
    assert_int_equal(s->pm1_evt_en, 0);
    assert_int_equal(s->pm1_cnt, 0);
    assert_int_equal(s->apm.apmc, 0);         /* "apm": every field "0x00" */
    assert_int_equal(s->smb.smb_auxctl, 0x02); /* "smb".smb_auxctl = "0x02" */
    assert_int_equal(s->smb.smb_index, 0);
    assert_int_equal(s->smb.smb_data[31], 0);
    assert_false(s->smb.i2c_enable);          /* "smb".i2c_enable = false */
    assert_true(s->smb.op_done);              /* "smb".op_done = true */
    assert_int_equal(s->tmr_timer, -1);       /* "ar.tmr.timer" = "ff ff ff ff ff ff ff ff" */
    assert_int_equal(s->tmr_overflow_time, 0);
    assert_int_equal(s->gpe_sts, 0);          /* "ar.gpe".sts, through the pointer */
    assert_int_equal(s->gpe_en, 0);
    assert_int_equal(s->acpi_pci_hotplug.hotplug_select, 0);
    for (size_t i = 0; i < ACPI_PCIHP_MAX_HOTPLUG_BUS; i++) {
        /* "acpi_pci_hotplug.acpi_pcihp_pci_status": 256 times {"up": 0, "down": 0} */
        assert_int_equal(s->acpi_pci_hotplug.acpi_pcihp_pci_status[i].up, 0);
        assert_int_equal(s->acpi_pci_hotplug.acpi_pcihp_pci_status[i].down, 0);
    }
    assert_int_equal(s->acpi_pci_hotplug.acpi_index, 0);
    /* "piix4_pm/memhp".acpi_memory_hotplug.selector = "0x00000000" */
    assert_int_equal(s->acpi_memory_hotplug.selector, 0);
    assert_int_equal(s->bus0_status.up, FILL_BYTE * 0x01010101u); /* not sent with the bridge */
}

/* piix4_pm: 2408 bytes of fields, then the 24 bytes of "piix4_pm/memhp" */
static const size_t piix4_pm_cuts[] = {2408};

/*
 * fdc: 539 bytes of the state's own fields, then each drive's 3 bytes and its
 * 24-byte "fdrive/media_rate"; the stream may end after drive 1's fields.
 */
static const size_t fdc_cuts[] = {539 + 3 + 24 + 3};

/* fw_cfg: its 6 bytes of fields, then "fw_cfg/dma" (24 bytes) and "fw_cfg/acpi_mr" */
static const size_t fw_cfg_cuts[] = {6, 6 + 24};
/* pckbd: the 4 bytes of the nested state's fields, then "pckbd/extended_state" */
static const size_t pckbd_cuts[] = {4};

const struct realdev realdev_more[] = {
    {"i2c_bus", 0, &vms_desc_I2cBus, sizeof(struct I2cBus), reset_i2c_bus, check_i2c_bus, NULL, 0},
    {"acpi_build", 0, &vms_desc_AcpiBuild, sizeof(struct AcpiBuild), reset_acpi_build,
     check_acpi_build, NULL, 0},
    {"PCIHost", 0, &vms_desc_PciHost, sizeof(struct PciHost),
     reset_pci_host, check_pci_host, NULL, 0},
    {"PCIBUS", 0, &vms_desc_PciBus, sizeof(struct PciBus), reset_pci_bus, check_pci_bus, NULL, 0},
    {"vmmouse", 0, &vms_desc_VmMouse, sizeof(struct VmMouse),
     reset_vmmouse, check_vmmouse, NULL, 0},
    {"fw_cfg", 0, &vms_desc_FwCfg, sizeof(struct FwCfg), reset_fw_cfg, check_fw_cfg,
     fw_cfg_cuts, 2},
    {"pckbd", 0, &vms_desc_IsaKbd, sizeof(struct IsaKbd), reset_pckbd, check_pckbd,
     pckbd_cuts, 1},
    {"fdc", 0, &vms_desc_FdCtrlIsa, sizeof(struct FdCtrlIsa), reset_fdc, check_fdc, fdc_cuts, 1},
    {"0000:00:00.0/I440FX", 0, &vms_desc_I440fx, sizeof(struct I440fx), reset_i440fx, check_i440fx,
     NULL, 0},
    {"0000:00:01.0/PIIX3", 0, &vms_desc_Piix3, sizeof(struct Piix3), reset_piix3, check_piix3,
     NULL, 0},
    {"0000:00:01.3/piix4_pm", 0, &vms_desc_Piix4Pm, sizeof(struct Piix4Pm), reset_piix4_pm,
     check_piix4_pm, piix4_pm_cuts, 1},
};

const size_t realdev_more_count = sizeof(realdev_more) / sizeof(realdev_more[0]);

/* Offsets in the PCI payloads: version_id (4 bytes), then the 256 config bytes, then irq_state. */
#define PCI_AT_CONFIG 4
#define PCI_AT_IRQ_STATE (4 + PCI_CONFIG_SPACE_SIZE)

const struct realdev_patch realdev_patches[] = {
    /* "int32 le": the source's PCI state version may not exceed ours (2) */
    {"0000:00:00.0/I440FX", 3, 0x03, VMS_ERR_RANGE, "version 3 is not in 0..2"},
    /* "pci config": the device id, the header type are read-only and compared */
    {"0000:00:00.0/I440FX", PCI_AT_CONFIG + 0x02, 0x38, VMS_ERR_CHECK, "config byte 0x2 "},
    {"0000:00:00.0/I440FX", PCI_AT_CONFIG + 0x0e, 0x80, VMS_ERR_CHECK, "config byte 0xe "},
    {"0000:00:01.0/PIIX3", PCI_AT_CONFIG + 0x03, 0x71, VMS_ERR_CHECK, "config byte 0x3 "},
    {"0000:00:01.3/piix4_pm", PCI_AT_CONFIG + 0x0b, 0x01, VMS_ERR_CHECK, "config byte 0xb "},
    /* ... the command register is the guest's to write: accepted */
    {"0000:00:00.0/I440FX", PCI_AT_CONFIG + 0x04, 0x07, 0, NULL},
    /* "pci irq state": a pin's level is 0 or 1 */
    {"0000:00:00.0/I440FX", PCI_AT_IRQ_STATE + 3, 0x02, VMS_ERR_RANGE, "pin 0 has level 2"},
    {"0000:00:01.0/PIIX3", PCI_AT_IRQ_STATE + 15, 0x01, 0, NULL},
    /* VMS_EQUAL: the bus's line count, the mouse queue's size, the number of drives */
    {"PCIBUS", 3, 0x05, VMS_ERR_CHECK, NULL},
    {"vmmouse", 2, 0x05, VMS_ERR_CHECK, NULL},
    {"fdc", 538, 0x01, VMS_ERR_CHECK, NULL},
    /* vmmouse: no more queued words than the queue holds (0x0500 > 1024) */
    {"vmmouse", 4 + 4 * VMMOUSE_QUEUE_SIZE, 0x05, VMS_ERR_CHECK, "VMS_RANGE(0, 1024)"},
};

const size_t realdev_patch_count = sizeof(realdev_patches) / sizeof(realdev_patches[0]);

/*
 * The PIIX4 without the hotplug bridge (older machine types): bus 0's
 * bitmaps travel alone, under their pre-1.7 name, from our copy of them
 * (the hooks of realdev_hooks.c), and none of the other hotplug fields.
 */
void test_piix4_pm_bus0_status(void **state)
{
    struct Piix4Pm *src = calloc(1, sizeof(*src)), *dst = calloc(1, sizeof(*dst));
    struct Piix4Pm *with_bridge = calloc(1, sizeof(*with_bridge));
    vms_stream_t *out = vms_stream_mem_writer(), *in;
    const uint8_t *bytes;
    size_t len, bridge_len;
    vms_error_t err;

    (void)state;
    assert_non_null(src);
    assert_non_null(dst);
    assert_non_null(with_bridge);
    assert_non_null(out);
    reset_piix4_pm(src);
    reset_piix4_pm(dst);
    reset_piix4_pm(with_bridge);
    src->use_acpi_hotplug_bridge = false;
    dst->use_acpi_hotplug_bridge = false;
    src->acpi_pci_hotplug.acpi_pcihp_pci_status[0].up = 0x12;
    src->acpi_pci_hotplug.acpi_pcihp_pci_status[0].down = 0x340;
    src->acpi_pci_hotplug.acpi_pcihp_pci_status[1].up = 0x7; /* not sent without the bridge */
    vms_error_init(&err);
    assert_int_equal(vms_save_version(out, &vms_desc_Piix4Pm, src, 3, &err), 0);
    bytes = vms_stream_mem_data(out, &len);

    /* the same device with the bridge sends hotplug_select and 256 bitmaps instead of 8 bytes */
    {
        vms_stream_t *o2 = vms_stream_mem_writer();

        assert_int_equal(vms_save_version(o2, &vms_desc_Piix4Pm, with_bridge, 3, &err), 0);
        vms_stream_mem_data(o2, &bridge_len);
        assert_int_equal(bridge_len, len - 8 + 4 + ACPI_PCIHP_MAX_HOTPLUG_BUS * 8);
        assert_int_equal(vms_stream_close(o2), 0);
    }

    in = vms_stream_mem_reader(bytes, len);
    assert_non_null(in);
    assert_int_equal(vms_load(in, &vms_desc_Piix4Pm, dst, 3, &err), 0);
    assert_int_equal((size_t)vms_stream_offset(in), len);
    vms_stream_close(in);
    assert_int_equal(dst->acpi_pci_hotplug.acpi_pcihp_pci_status[0].up, 0x12);
    assert_int_equal(dst->acpi_pci_hotplug.acpi_pcihp_pci_status[0].down, 0x340);
    assert_int_equal(dst->acpi_pci_hotplug.acpi_pcihp_pci_status[1].up, 0);
    assert_int_equal(vms_stream_close(out), 0);
    free(with_bridge);
    free(dst);
    free(src);
}
