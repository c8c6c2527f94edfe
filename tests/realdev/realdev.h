/*
 * realdev.h: what test_realdev.c and the device files next to it share: a
 * real device of the corpus (its section, description, object size, and the
 * functions that reset an object and check the values QEMU printed).
 */
#ifndef REALDEV_REALDEV_H
#define REALDEV_REALDEV_H

#include <stddef.h>
#include <stdint.h>

#include <vms/vms.h>

/* Migrated members start as this pattern, so a value that was not loaded shows. */
#define FILL_BYTE 0xa5

struct realdev {
    const char *idstr;
    uint32_t instance;
    const struct vms_desc *desc;
    size_t size;
    void (*reset)(void *obj);
    void (*check)(const void *obj);
};

/* The devices of realdev_more.c, appended to those of test_realdev.c. */
extern const struct realdev realdev_more[];
extern const size_t realdev_more_count;

#endif
