/* live_fixtures.h: a small VMS_LIVE-style device with a hand-written live table (tests, fuzzing). */
#ifndef LIVE_FIXTURES_H
#define LIVE_FIXTURES_H

#include <stdint.h>

#include <vms/vms.h>

/* 100 bytes in chunks of 16 (7 chunks, the last one 4 bytes), 12 uint16 in chunks of 8 bytes. */
struct small {
    uint32_t regs[2];
    uint8_t mem[100];
    uint64_t mem_dirty[1];
    uint16_t tab[12];
    uint64_t tab_dirty[1];
};

extern const struct vms_field small_fields[1];    /* regs: the STATE record */
extern const struct vms_desc small_desc;          /* "small", version 1 */
extern const struct vms_live_member small_members[2];
extern const struct vms_live_desc small_live;
extern const struct vms_live_ops small_ops;       /* register as "small", version 1 */

/* Fills every migrated byte of @d from @seed; the bitmaps clean. */
void small_fill(struct small *d, uint8_t seed);

#endif /* LIVE_FIXTURES_H */
