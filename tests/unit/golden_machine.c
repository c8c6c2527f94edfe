/* golden_machine.c: the descriptions and values of the golden machine (golden_machine.h). */
#include <stddef.h>
#include <string.h>

#include "golden_machine.h"

static const struct vms_field ctrl_fields[] = {
    {.name = "i8", .type = VMS_WT_INT8, .offset = offsetof(struct ctrl, i8), .size = 1},
    {.name = "u8", .type = VMS_WT_UINT8, .offset = offsetof(struct ctrl, u8), .size = 1},
    {.name = "i16", .type = VMS_WT_INT16, .offset = offsetof(struct ctrl, i16), .size = 2},
    {.name = "u16", .type = VMS_WT_UINT16, .offset = offsetof(struct ctrl, u16), .size = 2},
    {.name = "i32", .type = VMS_WT_INT32, .offset = offsetof(struct ctrl, i32), .size = 4},
    {.name = "u32", .type = VMS_WT_UINT32, .offset = offsetof(struct ctrl, u32), .size = 4},
    {.name = "i64", .type = VMS_WT_INT64, .offset = offsetof(struct ctrl, i64), .size = 8},
    {.name = "u64", .type = VMS_WT_UINT64, .offset = offsetof(struct ctrl, u64), .size = 8},
    {.name = "flag", .type = VMS_WT_BOOL, .offset = offsetof(struct ctrl, flag), .size = 1},
    {.name = "mac", .type = VMS_WT_BUFFER, .offset = offsetof(struct ctrl, mac), .size = 6},
    {.name = "unused", .type = VMS_WT_UNUSED, .size = 4},
    {.name = "regs", .type = VMS_WT_UINT16, .offset = offsetof(struct ctrl, regs), .size = 2, .num = 4},
    {.name = "gain", .type = VMS_WT_FLOAT64, .offset = offsetof(struct ctrl, gain), .size = 8},
    {.name = "idle_timer", .type = VMS_WT_TIMER, .offset = offsetof(struct ctrl, idle_timer), .size = 8},
    {.name = "tick_timer", .type = VMS_WT_TIMER, .offset = offsetof(struct ctrl, tick_timer), .size = 8},
};

static const struct vms_field ctrl_ext_fields[] = {
    {.name = "ext_val", .type = VMS_WT_UINT32, .offset = offsetof(struct ctrl, ext_val), .size = 4},
};
static const struct vms_desc ctrl_ext_desc = {
    .name = "ctrl/ext", .version = 1, .min_version = 1, .size = sizeof(struct ctrl),
    .fields = ctrl_ext_fields, .n_fields = VMS_COUNTOF(ctrl_ext_fields),
};

static const struct vms_field ctrl_legacy_fields[] = {
    {.name = "legacy", .type = VMS_WT_UINT16, .offset = offsetof(struct ctrl, legacy), .size = 2},
};
static const struct vms_desc ctrl_legacy_desc = {
    .name = "ctrl/legacy", .version = 1, .min_version = 1, .size = sizeof(struct ctrl),
    .fields = ctrl_legacy_fields, .n_fields = VMS_COUNTOF(ctrl_legacy_fields),
};

static bool ctrl_ext_needed(const void *opaque, int version)
{
    (void)version;
    return ((const struct ctrl *)opaque)->ext_on;
}

static bool ctrl_legacy_needed(const void *opaque, int version)
{
    (void)version;
    return ((const struct ctrl *)opaque)->legacy != 0;
}

/* A missing ctrl/legacy means the default, as a QEMU device resets it in pre_load. */
static void ctrl_legacy_absent(void *opaque, int version)
{
    (void)version;
    ((struct ctrl *)opaque)->legacy = 0;
}

static const struct vms_subsection ctrl_subs[] = {
    {.desc = &ctrl_ext_desc, .needed = ctrl_ext_needed, .flags = VMS_SUB_PRESENT_FLAG,
     .present_offset = offsetof(struct ctrl, ext_present)},
    {.desc = &ctrl_legacy_desc, .needed = ctrl_legacy_needed, .flags = VMS_SUB_PRESENT_FLAG,
     .present_offset = offsetof(struct ctrl, legacy_present), .absent = ctrl_legacy_absent},
};

const struct vms_desc ctrl_desc = {
    .name = "ctrl", .version = 3, .min_version = 1, .size = sizeof(struct ctrl),
    .fields = ctrl_fields, .n_fields = VMS_COUNTOF(ctrl_fields),
    .subsections = ctrl_subs, .n_subsections = VMS_COUNTOF(ctrl_subs),
};


static const struct vms_field uart_chan_fields[] = {
    {.name = "divisor", .type = VMS_WT_UINT16, .offset = offsetof(struct uart_chan, divisor), .size = 2},
    {.name = "level", .type = VMS_WT_INT32, .offset = offsetof(struct uart_chan, level), .size = 4},
};
static const struct vms_desc uart_chan_desc = {
    .name = "uart/chan", .version = 1, .min_version = 1, .size = sizeof(struct uart_chan),
    .fields = uart_chan_fields, .n_fields = VMS_COUNTOF(uart_chan_fields),
};

static const struct vms_field uart_fields[] = {
    {.name = "lcr", .type = VMS_WT_UINT8, .offset = offsetof(struct uart, lcr), .size = 1},
    {.name = "count", .type = VMS_WT_UINT8, .offset = offsetof(struct uart, count), .size = 1},
    {.name = "fifo", .type = VMS_WT_UINT32, .flags = VMS_F_VARRAY, .offset = offsetof(struct uart, fifo),
     .size = 4, .num = 8, .count_offset = offsetof(struct uart, count), .count_size = 1},
    {.name = "chan", .type = VMS_WT_STRUCT, .offset = offsetof(struct uart, chan),
     .size = sizeof(struct uart_chan), .num = 2, .desc = &uart_chan_desc},
};

const struct vms_desc uart_desc = {
    .name = "uart", .version = 2, .min_version = 2, .size = sizeof(struct uart),
    .fields = uart_fields, .n_fields = VMS_COUNTOF(uart_fields),
};


static const struct vms_field dbg_fields[] = {
    {.name = "trace", .type = VMS_WT_UINT32, .offset = offsetof(struct dbg, trace), .size = 4},
};

static bool never_needed(const void *opaque, int version)
{
    (void)opaque;
    (void)version;
    return false;
}

const struct vms_desc dbg_desc = {
    .name = "dbg", .version = 1, .min_version = 1, .size = sizeof(struct dbg),
    .fields = dbg_fields, .n_fields = VMS_COUNTOF(dbg_fields), .needed = never_needed,
};


static const struct vms_field pic_fields[] = {
    {.name = "imr", .type = VMS_WT_UINT8, .offset = offsetof(struct pic, imr), .size = 1},
    {.name = "irr", .type = VMS_WT_UINT8, .offset = offsetof(struct pic, irr), .size = 1},
    {.name = "auto_eoi", .type = VMS_WT_BOOL, .offset = offsetof(struct pic, auto_eoi), .size = 1},
};

const struct vms_desc pic_desc = {
    .name = "pic", .version = 1, .min_version = 1, .size = sizeof(struct pic), .priority = 1,
    .fields = pic_fields, .n_fields = VMS_COUNTOF(pic_fields),
};

void machine_fill(struct machine *m)
{
    static const struct ctrl c = {
        .i8 = -2, .u8 = 0xa5, .i16 = -300, .u16 = 0xbeef, .i32 = -70000, .u32 = 42,
        .i64 = -5000000000, .u64 = 0x0123456789abcdefull, .flag = true,
        .mac = {0x52, 0x54, 0x00, 0x12, 0x34, 0x56}, .regs = {1, 2, 0x300, 0xffff}, .gain = 1.5,
        .idle_timer = -1, .tick_timer = 1000000000, .ext_on = true, .ext_val = 0xdeadbeef,
        .legacy = 0,
    };

    memset(m, 0, sizeof(*m));
    m->ctrl = c;
    m->uart[0] = (struct uart){.lcr = 0x03, .count = 3, .fifo = {0x41, 0x42, 0x43},
                               .chan = {{12, -1}, {96, 7}}};
    m->uart[1] = (struct uart){.lcr = 0x1b, .count = 0, .chan = {{1, 0}, {2, 0}}};
    m->dbg.trace = 0x77;
    m->pic = (struct pic){.imr = 0xfb, .irr = 0x01, .auto_eoi = false};
}


void machine_poison(struct machine *m)
{
    memset(m, 0x5a, sizeof(*m));
    m->ctrl.flag = false;
    m->ctrl.ext_on = false;
    m->ctrl.ext_present = false;
    m->ctrl.legacy_present = true;
    m->pic.auto_eoi = true;
}

vms_registry_t *machine_registry(struct machine *m)
{
    vms_registry_t *r = vms_registry_new(MACHINE);

    assert_non_null(r);
    assert_int_equal(vms_register(r, "ctrl", 0, &ctrl_desc, &m->ctrl), 0);
    assert_int_equal(vms_register(r, "uart", VMS_INSTANCE_ANY, &uart_desc, &m->uart[0]), 0);
    assert_int_equal(vms_register(r, "uart", VMS_INSTANCE_ANY, &uart_desc, &m->uart[1]), 0);
    assert_int_equal(vms_register(r, "dbg", 0, &dbg_desc, &m->dbg), 0);
    assert_int_equal(vms_register(r, "pic", 0, &pic_desc, &m->pic), 0);
    return r;
}

uint8_t *golden(const char *path, size_t *len)
{
    uint8_t *buf = slurp(path, len);

    if (!buf)
        fail_msg("cannot read %s (run with VMS_UPDATE_GOLDEN=1 to create it)", path);
    return buf;
}

uint8_t *save_machine(size_t *len)
{
    struct machine m;
    vms_registry_t *r;
    uint8_t *bytes;

    machine_fill(&m);
    r = machine_registry(&m);
    bytes = save_registry(r, len);
    vms_registry_free(r);
    return bytes;
}

const struct vms_desc *machine_lookup(const char *idstr, uint32_t instance, void *ctx,
                                      void **opaque)
{
    struct machine *m = ctx;
    const struct {
        const char *idstr;
        uint32_t instance;
        const struct vms_desc *d;
        void *opaque;
    } map[] = {
        {"ctrl", 0, &ctrl_desc, &m->ctrl}, {"uart", 0, &uart_desc, &m->uart[0]},
        {"uart", 1, &uart_desc, &m->uart[1]}, {"dbg", 0, &dbg_desc, &m->dbg},
        {"pic", 0, &pic_desc, &m->pic},
    };

    for (size_t i = 0; i < VMS_COUNTOF(map); i++) {
        if (strcmp(idstr, map[i].idstr) == 0 && instance == map[i].instance) {
            *opaque = map[i].opaque;
            return map[i].d;
        }
    }
    return NULL;
}
