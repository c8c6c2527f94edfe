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
    /*
     * Payload lengths, besides the whole, at which a truncated corpus payload
     * still loads: the end of the fields or of a subsection, where the end of
     * the stream reads as "no more subsections" (none when n_ok_cuts is 0).
     */
    const size_t *ok_cuts;
    size_t n_ok_cuts;
};

/* The devices of realdev_more.c, appended to those of test_realdev.c. */
extern const struct realdev realdev_more[];
extern const size_t realdev_more_count;

/*
 * One byte of a device's corpus payload changed, and what loading it must
 * give: 0 (the change is one the device accepts) or the VMS_ERR_* code, with
 * @message in the error (NULL: any message).
 */
struct realdev_patch {
    const char *idstr;
    size_t at;
    uint8_t value;
    int code;
    const char *message;
};

extern const struct realdev_patch realdev_patches[];
extern const size_t realdev_patch_count;

/* cmocka tests of realdev_more.c that need no corpus */
void test_piix4_pm_bus0_status(void **state);

#endif
