/*
 * fuzz_diff.c: libFuzzer target for `vmsgen diff`: the reader of our schemas
 * and QEMU -dump-vmstate files, every rule, and the four report formats.
 *
 * The input is two JSON documents separated by a NUL byte (OLD, NEW); each
 * is written to a file and `vmsgen diff` runs on them, once per format, its
 * reports going to /dev/null (its diagnostics to stderr, the fuzz log). Seeds: pairs from tests/diff (see run-fuzz.sh).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "diff.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char old_path[64], new_path[64];

static void write_file(const char *path, const uint8_t *p, size_t n)
{
    FILE *f = fopen(path, "wb");

    if (!f || fwrite(p, 1, n, f) != n || fclose(f) != 0)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const formats[] = {"text", "json", "markdown", "sarif"};
    const uint8_t *nul = memchr(data, 0, size);
    size_t old_len = nul ? (size_t)(nul - data) : size;

    if (!old_path[0]) {
        snprintf(old_path, sizeof(old_path), "/tmp/fuzz-diff-%d-old.json", (int)getpid());
        snprintf(new_path, sizeof(new_path), "/tmp/fuzz-diff-%d-new.json", (int)getpid());
        if (!freopen("/dev/null", "w", stdout)) /* reports; diagnostics stay on stderr */
            abort();
    }
    write_file(old_path, data, old_len);
    write_file(new_path, nul ? nul + 1 : data, nul ? size - old_len - 1 : size);
    for (size_t i = 0; i < sizeof(formats) / sizeof(formats[0]); i++) {
        char *argv[] = {old_path, new_path, (char *)"--format", (char *)formats[i], NULL};

        vg_diff_main(4, argv);
    }
    return 0;
}
