/*
 * fuzz_load_all.c: libFuzzer target for a whole incoming stream
 * (vms_load_all) on the golden machine of tests/unit/golden_machine.c.
 *
 * Each input is loaded twice:
 *  - plainly into a poisoned machine: any result is fine, a crash, an
 *    overrun, a leak or a hang is not (ASan/UBSan and libFuzzer's limits
 *    catch those);
 *  - with VMS_LOAD_ATOMIC into a filled machine: when the load fails, the
 *    machine must be byte for byte what it was (the invariant of
 *    docs/SECURITY.md); a difference aborts, which libFuzzer reports.
 *
 * Seeds: tests/data/golden/machine.mig (see run-fuzz.sh).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <vms/vms.h>

#include "golden_machine.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int load(vms_registry_t *r, const uint8_t *data, size_t size, unsigned flags)
{
    vms_stream_t *s = vms_stream_mem_reader(data, size);
    vms_error_t err;
    int ret;

    if (!s)
        abort();
    vms_error_init(&err);
    vms_registry_set_flags(r, flags);
    ret = vms_load_all(r, s, &err);
    vms_stream_close(s);
    return ret;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct machine m, before;
    vms_registry_t *r;

    machine_poison(&m);
    r = machine_registry(&m);
    load(r, data, size, 0);
    vms_registry_free(r);

    machine_fill(&m);
    memcpy(&before, &m, sizeof(m));
    r = machine_registry(&m);
    if (load(r, data, size, VMS_LOAD_ATOMIC) != 0 && memcmp(&m, &before, sizeof(m)) != 0) {
        fprintf(stderr, "fuzz_load_all: a failed atomic load changed the machine\n");
        abort();
    }
    vms_registry_free(r);
    return 0;
}
