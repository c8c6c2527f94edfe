/*
 * fuzz_analyze.c: libFuzzer target for `vmstate analyze` / `verify`: the
 * stream parser, RAM records, the vmdesc reader and the field decoders of
 * runtime/tools, on any bytes, in both output formats.
 *
 * Seeds: tests/data/golden (our stream), tests/data/qemu-7.2 (QEMU's, with
 * RAM), tests/data/newer (SWITCHOVER_START, mapped-ram) and
 * tests/fuzz/seeds/analyze (our VMS_LIVE records). Each input is read as a
 * seekable file (vmdesc found at the end first) and as a pipe (sections kept
 * until the vmdesc comes). Any result is fine; a crash, overrun, leak or hang
 * is not.
 */
#include <stddef.h>
#include <stdint.h>

#include "vmstate_tool.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void parse(const uint8_t *data, size_t size, enum vt_format format, bool verify, bool pipe)
{
    struct vt_opts o = {.format = format, .verify = verify, .stream = "fuzz"};
    vt_reader r;
    vt_parse p = {.opts = &o, .r = &r};

    vt_reader_mem(&r, data, size, 0);
    r.seekable = !pipe;
    vt_parse_stream(&p);
    vt_parse_clear(&p);
    vt_reader_close(&r);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    parse(data, size, VT_FORMAT_VMS, true, false);
    parse(data, size, VT_FORMAT_QEMU, false, false);
    parse(data, size, VT_FORMAT_QEMU, false, true);
    return 0;
}
