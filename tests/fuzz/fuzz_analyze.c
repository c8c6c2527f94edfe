/*
 * fuzz_analyze.c: libFuzzer target for `vmstate analyze` / `verify`: the
 * stream parser, RAM records, the vmdesc reader and the field decoders of
 * runtime/tools, on any bytes, in both output formats.
 *
 * Seeds: tests/data/golden (our stream) and tests/data/qemu-7.2 (QEMU's,
 * with RAM). Any result is fine; a crash, overrun, leak or hang is not.
 */
#include <stddef.h>
#include <stdint.h>

#include "vmstate_tool.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void parse(const uint8_t *data, size_t size, enum vt_format format, bool verify)
{
    struct vt_opts o = {.format = format, .verify = verify, .stream = "fuzz"};
    vt_reader r;
    vt_parse p = {.opts = &o, .r = &r};

    vt_reader_mem(&r, data, size, 0);
    vt_parse_stream(&p);
    vt_parse_clear(&p);
    vt_reader_close(&r);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    parse(data, size, VT_FORMAT_VMS, true);
    parse(data, size, VT_FORMAT_QEMU, false);
    return 0;
}
