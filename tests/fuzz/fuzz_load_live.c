/*
 * fuzz_load_live.c: libFuzzer target for the records of VMS_LIVE sections
 * (runtime/src/live_chunks.c): a whole stream loaded with vms_load_all()
 * into the small live device of tests/unit/live_fixtures.c, between two
 * guard areas. Any result is fine; a crash, an overrun (ASan, and the
 * guards), a leak or a hang is not.
 *
 * Seeds: tests/fuzz/seeds/live (a valid stream of that device).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <vms/vms.h>

#include "live_fixtures.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct {
    uint8_t before[64];
    struct small dev;
    uint8_t after[64];
} box;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    vms_registry_t *r = vms_registry_new("pc");
    vms_stream_t *s = vms_stream_mem_reader(data, size);
    vms_error_t err;

    if (!r || !s || vms_register_live(r, "small", 0, 1, &small_ops, &box.dev) != 0)
        abort();
    memset(box.before, 0x5a, sizeof(box.before));
    memset(box.after, 0x5a, sizeof(box.after));
    vms_error_init(&err);
    if (vms_load_all(r, s, &err) != 0 && err.message[0] == '\0') {
        fprintf(stderr, "fuzz_load_live: a failed load without a message\n");
        abort();
    }
    for (size_t i = 0; i < sizeof(box.before); i++) {
        if (box.before[i] != 0x5a || box.after[i] != 0x5a) {
            fprintf(stderr, "fuzz_load_live: a load wrote outside the device\n");
            abort();
        }
    }
    vms_stream_close(s);
    vms_registry_free(r);
    return 0;
}
