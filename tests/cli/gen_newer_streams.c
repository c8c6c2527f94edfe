/*
 * gen_newer_streams.c: writes the small QEMU-format streams of tests/data/newer, byte by byte,
 * with the features of streams newer than the QEMU 7.2 corpus (see tests/data/newer/README.md):
 *   switchover.mig  SWITCHOVER_START, RAM pages, vmdesc arrays in every shape newer QEMUs write
 *   mapped.mig      the mapped-ram and x-ignore-shared capabilities: RAM at fixed file offsets
 * Usage: gen_newer_streams OUTDIR. Deterministic: the committed files are its output.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { PAGE = 4096 };

struct buf {
    uint8_t *d;
    size_t len, cap;
};

static void put(struct buf *b, const void *src, size_t n)
{
    if (b->len + n > b->cap) {
        b->cap = (b->len + n) * 2;
        b->d = realloc(b->d, b->cap);
        if (!b->d) {
            abort();
        }
    }
    memcpy(b->d + b->len, src, n);
    b->len += n;
}

static void be(struct buf *b, uint64_t v, int n)
{
    for (int i = n - 1; i >= 0; i--) {
        uint8_t c = (uint8_t)(v >> (i * 8));
        put(b, &c, 1);
    }
}

static void str8(struct buf *b, const char *s)
{
    be(b, strlen(s), 1);
    put(b, s, strlen(s));
}

/* Zero bytes up to absolute offset @off. */
static void pad_to(struct buf *b, size_t off)
{
    while (b->len < off) {
        be(b, 0, 1);
    }
}

static void page(struct buf *b, uint8_t seed)
{
    for (int i = 0; i < PAGE; i++) {
        be(b, (uint8_t)(seed + i * 7), 1);
    }
}

static void section_full(struct buf *b, int type, uint32_t id, const char *name, uint32_t version)
{
    be(b, (uint64_t)type, 1);
    be(b, id, 4);
    str8(b, name);
    be(b, 0, 4);
    be(b, version, 4);
}

/* PART or END: the type and the section id only. */
static void section_part(struct buf *b, int type, uint32_t id)
{
    be(b, (uint64_t)type, 1);
    be(b, id, 4);
}

static void footer(struct buf *b, uint32_t id)
{
    be(b, 0x7e, 1);
    be(b, id, 4);
}

static void trailer(struct buf *b, const char *json)
{
    be(b, 0x00, 1); /* EOF */
    be(b, 0x06, 1);
    be(b, strlen(json), 4);
    put(b, json, strlen(json));
}

static int save(const char *dir, const char *name, struct buf *b)
{
    char path[4096];
    snprintf(path, sizeof(path), "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(b->d, 1, b->len, f) != b->len || fclose(f) != 0) {
        fprintf(stderr, "gen_newer_streams: cannot write %s\n", path);
        return 1;
    }
    free(b->d);
    return 0;
}

/*
 * Device "dev": a u32; "s", 3 structs with a subsection each (not compressible: one vmdesc
 * entry per element, the last without "index" as newer QEMUs write it); "c", 3 structs
 * compressed into one entry with array_len (each with a compressed u8 pair); "p", an array of 5
 * pointers where elements 2 and 3 are NULL, written as three segments of one name.
 */
static const char switchover_vmdesc[] =
    "{\"page_size\": 4096, \"devices\": ["
    "{\"name\": \"dev\", \"instance_id\": 0, \"vmsd_name\": \"dev\", \"version\": 1, \"fields\": ["
    "{\"name\": \"a\", \"type\": \"uint32\", \"size\": 4}, "
    "{\"name\": \"s\", \"index\": 0, \"type\": \"struct\", \"struct\": {\"vmsd_name\": \"elem\", \"version\": 1, "
    "\"fields\": [{\"name\": \"x\", \"type\": \"uint16\", \"size\": 2}], \"subsections\": [{\"vmsd_name\": "
    "\"elem/sub\", \"version\": 1, \"fields\": [{\"name\": \"y\", \"type\": \"uint8\", \"size\": 1}]}]}, \"size\": 17}, "
    "{\"name\": \"s\", \"index\": 1, \"type\": \"struct\", \"struct\": {\"vmsd_name\": \"elem\", \"version\": 1, "
    "\"fields\": [{\"name\": \"x\", \"type\": \"uint16\", \"size\": 2}], \"subsections\": [{\"vmsd_name\": "
    "\"elem/sub\", \"version\": 1, \"fields\": [{\"name\": \"y\", \"type\": \"uint8\", \"size\": 1}]}]}, \"size\": 17}, "
    "{\"name\": \"s\", \"type\": \"struct\", \"struct\": {\"vmsd_name\": \"elem\", \"version\": 1, "
    "\"fields\": [{\"name\": \"x\", \"type\": \"uint16\", \"size\": 2}], \"subsections\": [{\"vmsd_name\": "
    "\"elem/sub\", \"version\": 1, \"fields\": [{\"name\": \"y\", \"type\": \"uint8\", \"size\": 1}]}]}, \"size\": 17}, "
    "{\"name\": \"c\", \"array_len\": 3, \"type\": \"struct\", \"struct\": {\"vmsd_name\": \"pt\", \"version\": 1, "
    "\"fields\": [{\"name\": \"v\", \"type\": \"int16\", \"size\": 2}, {\"name\": \"w\", \"array_len\": 2, "
    "\"type\": \"uint8\", \"size\": 1}]}, \"size\": 4}, "
    "{\"name\": \"p\", \"array_len\": 2, \"type\": \"struct\", \"struct\": {\"vmsd_name\": \"obj\", \"version\": 1, "
    "\"fields\": [{\"name\": \"q\", \"type\": \"uint32\", \"size\": 4}]}, \"size\": 4}, "
    "{\"name\": \"p\", \"array_len\": 2, \"type\": \"nullptr\", \"size\": 1}, "
    "{\"name\": \"p\", \"type\": \"struct\", \"struct\": {\"vmsd_name\": \"obj\", \"version\": 1, "
    "\"fields\": [{\"name\": \"q\", \"type\": \"uint32\", \"size\": 4}]}, \"size\": 4}]}]}";

static int switchover(const char *dir)
{
    struct buf b = {0};
    be(&b, 0x5145564d, 4);
    be(&b, 3, 4);
    be(&b, 0x07, 1); /* configuration without a vmdesc entry: be32 length + machine name */
    be(&b, 10, 4);
    put(&b, "pc-q35-9.2", 10);
    section_full(&b, 0x01, 1, "ram", 4);
    be(&b, 0x2000 | 0x04, 8); /* MEM_SIZE: 2 pages */
    str8(&b, "pc.ram");
    be(&b, 0x2000, 8);
    be(&b, 0x0000 | 0x02, 8); /* ZERO page 0 */
    str8(&b, "pc.ram");
    be(&b, 0, 1);
    be(&b, 0x10, 8); /* EOS */
    footer(&b, 1);
    section_part(&b, 0x02, 1);
    be(&b, 0x1000 | 0x08 | 0x20, 8); /* PAGE page 1, CONTINUE */
    page(&b, 0x11);
    be(&b, 0x200, 8); /* MULTIFD_FLUSH, then EOS */
    be(&b, 0x10, 8);
    footer(&b, 1);
    be(&b, 0x08, 1); /* COMMAND SWITCHOVER_START, no data */
    be(&b, 0x0b, 2);
    be(&b, 0, 2);
    section_part(&b, 0x03, 1); /* END of RAM */
    be(&b, 0x10, 8);
    footer(&b, 1);
    section_full(&b, 0x04, 2, "dev", 1);
    be(&b, 0xdeadbeef, 4);
    for (int i = 0; i < 3; i++) { /* s[i]: x, subsection elem/sub: y */
        be(&b, 0x100 + i, 2);
        be(&b, 0x05, 1);
        str8(&b, "elem/sub");
        be(&b, 1, 4);
        be(&b, 0x20 + i, 1);
    }
    for (int i = 0; i < 3; i++) { /* c[i]: v (negative for i = 1), w[2] */
        be(&b, i == 1 ? 0xfffe : (uint64_t)i, 2);
        be(&b, 0x30 + i, 1);
        be(&b, 0x40 + i, 1);
    }
    be(&b, 0x11111111, 4); /* p[0], p[1] */
    be(&b, 0x22222222, 4);
    be(&b, 0x30, 1); /* p[2], p[3]: NULL markers */
    be(&b, 0x30, 1);
    be(&b, 0x55555555, 4); /* p[4] */
    footer(&b, 2);
    trailer(&b, switchover_vmdesc);
    return save(dir, "switchover.mig", &b);
}

/* The configuration's vmdesc entry (QEMU 8.2+ describes it), with the capabilities subsection. */
static const char mapped_vmdesc[] =
    "{\"configuration\": {\"vmsd_name\": \"configuration\", \"version\": 1, \"fields\": ["
    "{\"name\": \"len\", \"type\": \"uint32\", \"size\": 4}, {\"name\": \"name\", \"type\": \"buffer\", \"size\": 10}], "
    "\"subsections\": [{\"vmsd_name\": \"configuration/capabilities\", \"version\": 1, \"fields\": ["
    "{\"name\": \"caps_count\", \"type\": \"uint32\", \"size\": 4}, {\"name\": \"capabilities\", \"array_len\": 2, "
    "\"type\": \"capability\", \"size\": 16}]}]}, "
    "\"page_size\": 4096, \"devices\": [{\"name\": \"dev\", \"instance_id\": 0, \"vmsd_name\": \"dev\", "
    "\"version\": 1, \"fields\": [{\"name\": \"a\", \"type\": \"uint8\", \"size\": 1}]}]}";

/*
 * RAM block "pc.ram" (3 pages: 0 and 2 written, 1 not: its bytes in the file are 0xee and must
 * read as zeros), then "shared" (x-ignore-shared, no bitmap or pages: both offsets 0). QEMU
 * aligns the pages to 1 MiB; 4 KiB keeps the file small (the format only stores the offsets).
 */
static int mapped(const char *dir)
{
    struct buf b = {0};
    be(&b, 0x5145564d, 4);
    be(&b, 3, 4);
    be(&b, 0x07, 1);
    be(&b, 10, 4);
    put(&b, "pc-q35-9.2", 10);
    be(&b, 0x05, 1);
    str8(&b, "configuration/capabilities");
    be(&b, 1, 4);
    be(&b, 2, 4);
    str8(&b, "x-ignore-shared");
    str8(&b, "mapped-ram");
    section_full(&b, 0x01, 1, "ram", 4);
    be(&b, 0x4000 | 0x04, 8); /* MEM_SIZE: 4 pages in all */
    str8(&b, "pc.ram");
    be(&b, 0x3000, 8);
    be(&b, 0x100000000ull, 8); /* block address (x-ignore-shared) */
    size_t header = b.len, bitmap = header + 28, pages = (bitmap + 1 + PAGE - 1) / PAGE * PAGE;
    be(&b, 1, 4);
    be(&b, PAGE, 8);
    be(&b, bitmap, 8);
    be(&b, pages, 8);
    be(&b, 0x05, 1); /* pages 0 and 2 */
    pad_to(&b, pages);
    page(&b, 0x5a);
    for (int i = 0; i < PAGE; i++) {
        be(&b, 0xee, 1);
    }
    page(&b, 0xa5);
    str8(&b, "shared");
    be(&b, 0x1000, 8);
    be(&b, 0x200000000ull, 8);
    be(&b, 1, 4);
    be(&b, PAGE, 8);
    be(&b, 0, 8);
    be(&b, 0, 8);
    be(&b, 0x10, 8); /* EOS */
    footer(&b, 1);
    section_part(&b, 0x03, 1);
    be(&b, 0x200, 8);
    be(&b, 0x10, 8);
    footer(&b, 1);
    section_full(&b, 0x04, 2, "dev", 1);
    be(&b, 0x7f, 1);
    footer(&b, 2);
    trailer(&b, mapped_vmdesc);
    return save(dir, "mapped.mig", &b);
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: gen_newer_streams OUTDIR\n");
        return 2;
    }
    return switchover(argv[1]) | mapped(argv[1]);
}
