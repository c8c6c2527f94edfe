/*
 * realdev_hooks.c: the device code the annotated headers of tests/realdev
 * name in VMS_HOOKS.
 */
#include "i8254.h"

/*
 * QEMU sends channel 0's next transition time twice: inside the channel array
 * and again after it, as "channels[0].next_transition_time". The second copy
 * is a member of its own here: filled from channel 0 before saving, and
 * copied back after loading, so the later value wins, as in QEMU.
 */
int pit_pre_save(void *opaque, vms_error_t *err)
{
    struct Pit *pit = opaque;

    (void)err;
    pit->ch0_next_transition_time = pit->channels[0].next_transition_time;
    return 0;
}

int pit_post_load(void *opaque, int version, vms_error_t *err)
{
    struct Pit *pit = opaque;

    (void)version;
    (void)err;
    pit->channels[0].next_transition_time = pit->ch0_next_transition_time;
    return 0;
}
