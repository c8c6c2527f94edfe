/* live_fixtures.c: the small live device of live_fixtures.h. */
#include <stddef.h>
#include <string.h>

#include "live_fixtures.h"

const struct vms_field small_fields[1] = {
    {.name = "regs", .type = VMS_WT_UINT32, .offset = offsetof(struct small, regs), .size = 4,
     .num = 2},
};

const struct vms_desc small_desc = {
    .name = "small", .version = 1, .min_version = 1, .size = sizeof(struct small),
    .fields = small_fields, .n_fields = VMS_COUNTOF(small_fields),
};

const struct vms_live_member small_members[2] = {
    {.name = "mem", .offset = offsetof(struct small, mem), .size = 100, .chunk_size = 16,
     .element_size = 1, .bitmap_offset = offsetof(struct small, mem_dirty), .bitmap_size = 8},
    {.name = "tab", .offset = offsetof(struct small, tab), .size = 24, .chunk_size = 8,
     .element_size = 2, .bitmap_offset = offsetof(struct small, tab_dirty), .bitmap_size = 8},
};

const struct vms_live_desc small_live = {
    .state = &small_desc, .members = small_members, .n_members = VMS_COUNTOF(small_members),
};

const struct vms_live_ops small_ops = {.live = &small_live};

void small_fill(struct small *d, uint8_t seed)
{
    memset(d, 0, sizeof(*d));
    d->regs[0] = 0x11223344u + seed;
    d->regs[1] = 0x55667788u;
    for (size_t i = 0; i < sizeof(d->mem); i++)
        d->mem[i] = (uint8_t)(i * 7 + seed);
    for (size_t i = 0; i < 12; i++)
        d->tab[i] = (uint16_t)(0x0100 * i + 0x0a + seed);
}
