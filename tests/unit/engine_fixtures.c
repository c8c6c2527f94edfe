/* engine_fixtures.c: the engine-test descriptions that more than one test file uses. */
#include <stddef.h>

#include "engine_fixtures.h"

static const struct vms_field pvdev_fields[] = {
    {
        .name = "n",
        .type = VMS_WT_UINT32,
        .offset = offsetof(struct pvdev, n),
        .size = sizeof(uint32_t),
    },
    {
        .name = "data",
        .type = VMS_WT_UINT16,
        .flags = VMS_F_POINTER | VMS_F_VARRAY,
        .offset = offsetof(struct pvdev, data),
        .size = sizeof(uint16_t),
        .count_offset = offsetof(struct pvdev, n),
        .count_size = sizeof(uint32_t),
        .max = 8,
    },
    {
        .name = "regs",
        .type = VMS_WT_UINT32,
        .flags = VMS_F_POINTER,
        .offset = offsetof(struct pvdev, regs),
        .size = sizeof(uint32_t),
        .num = 2,
    },
};

const struct vms_desc pvdev_desc = {
    .name = "pv",
    .version = 1,
    .min_version = 1,
    .size = sizeof(struct pvdev),
    .fields = pvdev_fields,
    .n_fields = VMS_COUNTOF(pvdev_fields),
};

static const struct vms_field aldev_fields[] = {
    {
        .name = "n",
        .type = VMS_WT_UINT32,
        .offset = offsetof(struct aldev, n),
        .size = sizeof(uint32_t),
    },
    {
        .name = "p",
        .type = VMS_WT_UINT32,
        .flags = VMS_F_POINTER | VMS_F_VARRAY | VMS_F_ALLOC,
        .offset = offsetof(struct aldev, p),
        .size = sizeof(uint32_t),
        .count_offset = offsetof(struct aldev, n),
        .count_size = sizeof(uint32_t),
        .max = 16,
    },
};

const struct vms_desc aldev_desc = {
    .name = "al",
    .version = 1,
    .min_version = 1,
    .size = sizeof(struct aldev),
    .fields = aldev_fields,
    .n_fields = VMS_COUNTOF(aldev_fields),
};

static bool inner_x_ok(const void *opaque, int version)
{
    const struct inner *in = opaque;

    (void)version;
    return in->x < 1000;
}

static const struct vms_field inner_fields[] = {
    {
        .name = "x",
        .type = VMS_WT_UINT16,
        .offset = offsetof(struct inner, x),
        .size = sizeof(uint16_t),
        .check = inner_x_ok,
        .check_text = "x < 1000",
    },
    {
        .name = "y",
        .type = VMS_WT_UINT8,
        .offset = offsetof(struct inner, y),
        .size = sizeof(uint8_t),
    },
};

static const struct vms_desc inner_desc = {
    .name = "inner",
    .version = 1,
    .min_version = 1,
    .size = sizeof(struct inner),
    .fields = inner_fields,
    .n_fields = VMS_COUNTOF(inner_fields),
};

static const struct vms_field outer_fields[] = {
    {
        .name = "id",
        .type = VMS_WT_UINT32,
        .offset = offsetof(struct outer, id),
        .size = sizeof(uint32_t),
    },
    {
        .name = "one",
        .type = VMS_WT_STRUCT,
        .offset = offsetof(struct outer, one),
        .size = sizeof(struct inner),
        .desc = &inner_desc,
    },
    {
        .name = "arr",
        .type = VMS_WT_STRUCT,
        .offset = offsetof(struct outer, arr),
        .size = sizeof(struct inner),
        .num = 4,
        .desc = &inner_desc,
    },
};

const struct vms_desc outer_desc = {
    .name = "outer",
    .version = 1,
    .min_version = 1,
    .size = sizeof(struct outer),
    .fields = outer_fields,
    .n_fields = VMS_COUNTOF(outer_fields),
};

const struct vms_field fifo_fields[] = {
    {
        .name = "len",
        .type = VMS_WT_UINT8,
        .offset = offsetof(struct fifo_state, len),
        .size = sizeof(uint8_t),
    },
    {
        .name = "data",
        .type = VMS_WT_UINT16,
        .flags = VMS_F_VARRAY,
        .offset = offsetof(struct fifo_state, data),
        .size = sizeof(uint16_t),
        .num = 4,
        .count_offset = offsetof(struct fifo_state, len),
        .count_size = 1,
    },
};

static const struct vms_desc fifo_desc = {
    .name = "sdev/fifo",
    .version = 1,
    .min_version = 1,
    .size = sizeof(struct fifo_state),
    .fields = fifo_fields,
    .n_fields = VMS_COUNTOF(fifo_fields),
};

static bool sdev_fifo_needed(const void *opaque, int version)
{
    const struct sdev *s = opaque;

    (void)version;
    return s->fifo.len > 0;
}

static void sdev_fifo_absent(void *opaque, int version)
{
    struct sdev *s = opaque;

    s->absent_calls++;
    s->absent_version = version;
}

static const struct vms_subsection sdev_subs[] = {
    {
        .desc = &fifo_desc,
        .offset = offsetof(struct sdev, fifo),
        .needed = sdev_fifo_needed,
        .flags = VMS_SUB_PRESENT_FLAG,
        .present_offset = offsetof(struct sdev, fifo_present),
        .absent = sdev_fifo_absent,
    },
};

const struct vms_field sdev_fields[] = {
    {
        .name = "ctrl",
        .type = VMS_WT_UINT32,
        .offset = offsetof(struct sdev, ctrl),
        .size = sizeof(uint32_t),
    },
};

const struct vms_desc sdev_desc = {
    .name = "sdev",
    .version = 1,
    .min_version = 1,
    .size = sizeof(struct sdev),
    .fields = sdev_fields,
    .n_fields = VMS_COUNTOF(sdev_fields),
    .subsections = sdev_subs,
    .n_subsections = VMS_COUNTOF(sdev_subs),
};

static bool gate_extra_needed(const void *opaque, int version)
{
    struct gdev *g = (struct gdev *)(uintptr_t)opaque;

    g->needed_version = version;
    return version >= 3;
}

static const struct vms_field gate_extra_fields[] = {
    {
        .name = "x",
        .type = VMS_WT_UINT16,
        .offset = offsetof(struct gdev, x),
        .size = sizeof(uint16_t),
    },
};

static const struct vms_desc gate_extra_desc = {
    .name = "gate/extra",
    .version = 1,
    .min_version = 1,
    .size = sizeof(struct gdev),
    .fields = gate_extra_fields,
    .n_fields = VMS_COUNTOF(gate_extra_fields),
};

static const struct vms_subsection gate_subs[] = {
    {
        .desc = &gate_extra_desc,
        .needed = gate_extra_needed,
    },
};

static const struct vms_field gate_fields[] = {
    {
        .name = "a",
        .type = VMS_WT_UINT32,
        .offset = offsetof(struct gdev, a),
        .size = sizeof(uint32_t),
    },
    {
        .name = "b",
        .type = VMS_WT_UINT32,
        .offset = offsetof(struct gdev, b),
        .size = sizeof(uint32_t),
        .since = 3,
    },
};

const struct vms_desc gate_desc = {
    .name = "gate",
    .version = 3,
    .min_version = 1,
    .size = sizeof(struct gdev),
    .fields = gate_fields,
    .n_fields = VMS_COUNTOF(gate_fields),
    .subsections = gate_subs,
    .n_subsections = VMS_COUNTOF(gate_subs),
};
