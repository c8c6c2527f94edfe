/*
 * realdev_hooks.c: the device code the annotated headers of tests/realdev
 * name in VMS_HOOKS (the codecs are in realdev_pci.c).
 */
#include "acpi_piix4.h"
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

/*
 * The PIIX4's bus-0 hotplug bitmaps travel under their pre-1.7 name while
 * the hotplug bridge is off: QEMU sends bus 0's own bitmaps there, our
 * struct a copy of them, refreshed before saving and copied back after
 * loading.
 */
int piix4_pm_pre_save(void *opaque, vms_error_t *err)
{
    struct Piix4Pm *s = opaque;

    (void)err;
    s->bus0_status.up = s->acpi_pci_hotplug.acpi_pcihp_pci_status[0].up;
    s->bus0_status.down = s->acpi_pci_hotplug.acpi_pcihp_pci_status[0].down;
    return 0;
}

int piix4_pm_post_load(void *opaque, int version, vms_error_t *err)
{
    struct Piix4Pm *s = opaque;

    (void)err;
    if (version >= 2 && !s->use_acpi_hotplug_bridge) {
        s->acpi_pci_hotplug.acpi_pcihp_pci_status[0].up = s->bus0_status.up;
        s->acpi_pci_hotplug.acpi_pcihp_pci_status[0].down = s->bus0_status.down;
    }
    return 0;
}
