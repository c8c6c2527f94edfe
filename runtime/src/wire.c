/* wire.c: wire type facts (names, sizes); validate.c checks whole description tables. */

#include "vms_private.h"

static const struct {
    const char *name;
    const char *equal_name; /* QEMU's name for the VMS_F_EQUAL variant */
    size_t size;
} wire_types[VMS_WT_COUNT_] = {
    [VMS_WT_BOOL] = {"bool", "bool equal", 1},
    [VMS_WT_INT8] = {"int8", "int8 equal", 1},
    [VMS_WT_UINT8] = {"uint8", "uint8 equal", 1},
    [VMS_WT_INT16] = {"int16", "int16 equal", 2},
    [VMS_WT_UINT16] = {"uint16", "uint16 equal", 2},
    [VMS_WT_INT32] = {"int32", "int32 equal", 4},
    [VMS_WT_UINT32] = {"uint32", "uint32 equal", 4},
    [VMS_WT_INT64] = {"int64", "int64 equal", 8},
    /* QEMU names its uint64 equality check "int64 equal" too. */
    [VMS_WT_UINT64] = {"uint64", "int64 equal", 8},
    [VMS_WT_FLOAT32] = {"float32", NULL, 4},
    [VMS_WT_FLOAT64] = {"float64", NULL, 8},
    [VMS_WT_TIMER] = {"timer", NULL, 8},
    [VMS_WT_BUFFER] = {"buffer", NULL, 0},
    [VMS_WT_UNUSED] = {"unused_buffer", NULL, 0},
    [VMS_WT_STRUCT] = {"struct", NULL, 0},
    [VMS_WT_CODEC] = {"codec", NULL, 0},
};

const char *vms_wire_type_name(enum vms_wire_type t)
{
    if ((unsigned)t >= VMS_WT_COUNT_)
        return "unknown";
    return wire_types[t].name;
}

size_t vms_wire_type_size(enum vms_wire_type t)
{
    if ((unsigned)t >= VMS_WT_COUNT_)
        return 0;
    return wire_types[t].size;
}

const char *vmsp_field_type_name(const struct vms_field *f)
{
    if (f->type == VMS_WT_CODEC)
        return f->codec && f->codec->type_name ? f->codec->type_name : "codec";
    if ((f->flags & VMS_F_EQUAL) && (unsigned)f->type < VMS_WT_COUNT_ && wire_types[f->type].equal_name)
        return wire_types[f->type].equal_name;
    return vms_wire_type_name(f->type);
}

bool vmsp_wire_is_integer(enum vms_wire_type t)
{
    return t >= VMS_WT_BOOL && t <= VMS_WT_UINT64;
}

bool vmsp_wire_is_scalar(enum vms_wire_type t)
{
    return t >= VMS_WT_BOOL && t <= VMS_WT_TIMER;
}
