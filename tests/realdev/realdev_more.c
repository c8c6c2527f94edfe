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
#include <string.h>

#include "fw_cfg.vms.h"
#include "pc_board.vms.h"
#include "pckbd.vms.h"
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

    k->kbd.outport = 0x03; /* reset and A20 lines high */
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
    assert_int_equal(k->outport, 0x03); /* not migrated: kept */
}

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
};

const size_t realdev_more_count = sizeof(realdev_more) / sizeof(realdev_more[0]);
