/*
 * fuzz_load_realdev.c: libFuzzer target for vms_load / vms_load_flags with
 * the tables vmsgen generates for real QEMU devices (tests/realdev: i8259,
 * i8257, HPET, RTC, PIT, PS/2, IOAPIC, ...).
 *
 * The first byte picks the device (and, bit 7, an atomic load); the rest is
 * its section payload. The object has exactly the device's size, so ASan
 * sees any write past it. With VMS_LOAD_ATOMIC a failed load must leave the
 * object byte for byte as it was; a difference aborts.
 *
 * Seeds: seeds/realdev, each the device byte and that device's payload cut
 * from the QEMU 7.2 corpus stream (tests/data/qemu-7.2).
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <vms/vms.h>

#include "globalstate.vms.h"
#include "hpet.vms.h"
#include "i8254.vms.h"
#include "i8257.vms.h"
#include "i8259.vms.h"
#include "ioapic.vms.h"
#include "isa_misc.vms.h"
#include "mc146818rtc.vms.h"
#include "ps2.vms.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const struct {
    const struct vms_desc *desc;
    size_t size;
} devices[] = {
    {&vms_desc_Pic8259, sizeof(struct Pic8259)},  {&vms_desc_DmaCont, sizeof(struct DmaCont)},
    {&vms_desc_Hpet, sizeof(struct Hpet)},        {&vms_desc_Rtc, sizeof(struct Rtc)},
    {&vms_desc_Pit, sizeof(struct Pit)},          {&vms_desc_Ps2Kbd, sizeof(struct Ps2Kbd)},
    {&vms_desc_Ps2Mouse, sizeof(struct Ps2Mouse)}, {&vms_desc_IoApic, sizeof(struct IoApic)},
    {&vms_desc_GlobalState, sizeof(struct GlobalState)}, {&vms_desc_PcSpk, sizeof(struct PcSpk)},
    {&vms_desc_Port92, sizeof(struct Port92)},    {&vms_desc_VapicRom, sizeof(struct VapicRom)},
};

#define N_DEVICES (sizeof(devices) / sizeof(devices[0]))

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const struct vms_desc *d;
    unsigned flags;
    uint8_t *obj, *before;
    vms_stream_t *s;
    int ret;

    if (size < 1)
        return 0;
    d = devices[(data[0] & 0x7f) % N_DEVICES].desc;
    flags = data[0] & 0x80 ? VMS_LOAD_ATOMIC : 0;
    size_t obj_size = devices[(data[0] & 0x7f) % N_DEVICES].size;
    obj = malloc(obj_size);
    before = malloc(obj_size);
    if (!obj || !before)
        abort();
    memset(obj, 0x5a, obj_size);
    memcpy(before, obj, obj_size);
    s = vms_stream_mem_reader(data + 1, size - 1);
    if (!s)
        abort();
    ret = vms_load_flags(s, d, obj, d->version, flags, NULL);
    vms_stream_close(s);
    if (ret != 0 && (flags & VMS_LOAD_ATOMIC) && memcmp(obj, before, obj_size) != 0) {
        fprintf(stderr, "fuzz_load_realdev: a failed atomic load of '%s' changed it\n", d->name);
        abort();
    }
    free(obj);
    free(before);
    return 0;
}
