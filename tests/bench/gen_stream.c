/*
 * gen_stream: writes a synthetic QEMU-format migration stream for the vmstate analyzer benchmark:
 * header, configuration, a RAM section (one block of -m MiB as PAGE and ZERO records, then EOS),
 * a few device sections with footers, EOF and a vmdesc that describes them. Same bytes every run.
 *   gen_stream [-m MIB] OUT
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void be(FILE *f, uint64_t v, int n)
{
    for (int i = n - 1; i >= 0; i--) {
        fputc((int)(v >> (i * 8)) & 0xff, f);
    }
}

static void str8(FILE *f, const char *s)
{
    fputc((int)strlen(s), f);
    fputs(s, f);
}

static void section_header(FILE *f, int type, uint32_t id, const char *name, uint32_t version)
{
    fputc(type, f);
    be(f, id, 4);
    str8(f, name);
    be(f, 0, 4);
    be(f, version, 4);
}

int main(int argc, char **argv)
{
    uint64_t mib = 2048;
    const char *out = NULL;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "-m") == 0 && i + 1 < argc) {
            mib = strtoull(argv[++i], NULL, 10);
        } else {
            out = argv[i];
        }
    }
    FILE *f = out ? fopen(out, "wb") : NULL;
    if (!f || mib == 0) {
        fprintf(stderr, "usage: gen_stream [-m MIB] OUT\n");
        return 2;
    }
    static uint8_t page[4096];
    uint64_t x = 0x2545f4914f6cdd1du;
    be(f, 0x5145564d, 4);
    be(f, 3, 4);
    fputc(0x07, f);
    be(f, 9, 4);
    fputs("bench-1.0", f);
    section_header(f, 0x01, 0, "ram", 4);
    be(f, (mib << 20) | 0x04, 8);
    str8(f, "pc.ram");
    be(f, mib << 20, 8);
    for (uint64_t addr = 0; addr < mib << 20; addr += 4096) {
        if ((addr >> 12) % 8 == 7) {  /* one page in 8 is zero */
            be(f, addr | 0x02 | (addr ? 0x20 : 0), 8);
            if (!addr) {
                str8(f, "pc.ram");
            }
            fputc(0, f);
            continue;
        }
        for (size_t i = 0; i < sizeof(page); i += 8) {
            x ^= x << 13, x ^= x >> 7, x ^= x << 17;
            memcpy(page + i, &x, 8);
        }
        be(f, addr | 0x08 | (addr ? 0x20 : 0), 8);
        if (!addr) {
            str8(f, "pc.ram");
        }
        fwrite(page, 1, sizeof(page), f);
    }
    be(f, 0x10, 8);
    fputc(0x7e, f);
    be(f, 0, 4);
    fputc(0x03, f);
    be(f, 0, 4);
    be(f, 0x10, 8);
    fputc(0x7e, f);
    be(f, 0, 4);
    for (uint32_t id = 1; id <= 64; id++) {
        char name[32];
        snprintf(name, sizeof(name), "dev%u", id);
        section_header(f, 0x04, id, name, 1);
        be(f, id, 4);
        be(f, (uint64_t)id << 32, 8);
        for (int i = 0; i < 16; i++) {
            be(f, (uint64_t)i * id, 2);
        }
        fputc(0x7e, f);
        be(f, id, 4);
    }
    fputc(0x00, f);
    char *json = malloc(1 << 20);
    size_t n = (size_t)snprintf(json, 1 << 20, "{\"page_size\":4096,\"devices\":[");
    for (uint32_t id = 1; id <= 64; id++) {
        n += (size_t)snprintf(json + n, (1 << 20) - n,
                              "%s{\"name\":\"dev%u\",\"instance_id\":0,\"vmsd_name\":\"dev\",\"version\":1,"
                              "\"fields\":[{\"name\":\"a\",\"type\":\"uint32\",\"size\":4},"
                              "{\"name\":\"b\",\"type\":\"int64\",\"size\":8},"
                              "{\"name\":\"regs\",\"array_len\":16,\"type\":\"uint16\",\"size\":2}]}",
                              id > 1 ? "," : "", id);
    }
    n += (size_t)snprintf(json + n, (1 << 20) - n, "]}");
    fputc(0x06, f);
    be(f, n, 4);
    fwrite(json, 1, n, f);
    free(json);
    return fclose(f) == 0 ? 0 : 1;
}
