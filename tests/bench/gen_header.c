/* gen_header.c: writes the deterministic annotated header that bench_vmsgen.sh times vmsgen on. */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/*
 * The header stands in for a large device tree: N described structs of M
 * members each, using the annotations of <vms/annotate.h> the way device
 * headers do. The mix is fixed by a seeded PRNG, so the same arguments give
 * the same bytes on every machine (the ratio is only comparable between runs
 * on the same input).
 *
 * Roles (by index i, so they never clash):
 *   - i % 4 == 1: a "block" (timer, fifo...): version 1, no VMS_SINCE (a
 *     nested description loads at its own version, so vmsgen would warn),
 *     no subsection; other structs embed blocks by value, blocks embed
 *     earlier blocks up to depth 3 (the nesting that makes naive offset
 *     queries slow);
 *   - i % 10 == 0: declares VMS_SUBSECTION_DEF("ext", ...) and puts its last
 *     two members in it;
 *   - i % 7 == 3: a typedef'd anonymous struct instead of a tagged one.
 * Member 0 is always the integer "f0" that VMS_COUNT and VMS_IF refer to.
 */

#define MAX_DEPTH 3

struct gen {
    FILE *out;
    unsigned n_structs, n_fields;
    uint64_t rng;
    unsigned *depth;          /* nesting depth of each block, 0 for other structs */
    unsigned *blocks;         /* indexes of the blocks written so far */
    unsigned n_blocks;
};

/* xorshift64*: small, portable, and the same sequence everywhere. */
static uint32_t rnd(struct gen *g, uint32_t n)
{
    g->rng ^= g->rng >> 12;
    g->rng ^= g->rng << 25;
    g->rng ^= g->rng >> 27;
    return (uint32_t)((g->rng * 0x2545F4914F6CDD1DULL) >> 32) % n;
}

static bool is_block(unsigned i)
{
    return i % 4 == 1;
}

static bool has_sub(unsigned i)
{
    return i % 10 == 0;
}

static bool is_typedef(unsigned i)
{
    return i % 7 == 3;
}

/* How member code refers to struct @i. */
static void type_name(unsigned i, char *buf, size_t size)
{
    if (is_typedef(i))
        snprintf(buf, size, "BenchT%u", i);
    else
        snprintf(buf, size, "struct BenchS%u", i);
}

static const char *const int_types[] = {
    "uint8_t", "uint16_t", "uint32_t", "uint64_t", "int8_t", "int16_t", "int32_t", "int64_t",
};

/* A random earlier block whose nesting stays within MAX_DEPTH, or -1. */
static long pick_block(struct gen *g, unsigned self_depth_limit)
{
    for (int tries = 0; tries < 4 && g->n_blocks; tries++) {
        unsigned b = g->blocks[rnd(g, g->n_blocks)];

        if (g->depth[b] < self_depth_limit)
            return (long)b;
    }
    return -1;
}

/* Writes member @j of struct @i; returns the nesting depth it adds (0 or the embedded block's). */
static unsigned member(struct gen *g, unsigned i, unsigned j)
{
    FILE *o = g->out;
    bool block = is_block(i);
    const char *ty = int_types[rnd(g, 8)];
    uint32_t r = rnd(g, 100);

    if (j == 0) {
        fprintf(o, "    uint32_t f0 VMS_RANGE(0, BENCH_LIMIT);\n");
        return 0;
    }
    if (has_sub(i) && j + 2 >= g->n_fields) {
        fprintf(o, "    %s f%u VMS_IN(\"ext\");\n", ty, j);
        return 0;
    }
    if (r < 10) {                                   /* ~10%: an earlier block by value */
        long b = pick_block(g, block ? MAX_DEPTH : MAX_DEPTH + 1);

        if (b >= 0) {
            char tn[32];

            type_name((unsigned)b, tn, sizeof(tn));
            if (rnd(g, 4) == 0)
                fprintf(o, "    %s f%u[2];\n", tn, j);
            else
                fprintf(o, "    %s f%u;\n", tn, j);
            return g->depth[b] + 1;
        }
        fprintf(o, "    %s f%u;\n", ty, j);
    } else if (r < 46) {                            /* plain integers */
        fprintf(o, "    %s f%u;\n", ty, j);
    } else if (r < 52) {
        fprintf(o, "    bool f%u;\n", j);
    } else if (r < 58) {                            /* register files, some 2-D */
        if (rnd(g, 3) == 0)
            fprintf(o, "    uint16_t f%u[2][%u];\n", j, 2 + rnd(g, 3));
        else
            fprintf(o, "    uint32_t f%u[%u];\n", j, 2 + rnd(g, 7));
    } else if (r < 65) {                            /* byte buffers */
        fprintf(o, "    uint8_t f%u[%u];\n", j, 8u << rnd(g, 4));
    } else if (r < 70) {                            /* variable arrays bounded by the capacity */
        fprintf(o, "    %s f%u[BENCH_FIFO_LEN] VMS_COUNT(\"f0\");\n", ty, j);
    } else if (r < 75) {                            /* host pointers, not migrated */
        fprintf(o, "    void *f%u VMS_SKIP;\n", j);
    } else if (r < 81 && !block) {
        fprintf(o, "    %s f%u VMS_SINCE(%u);\n", ty, j, 2 + rnd(g, 2));
    } else if (r < 87) {
        fprintf(o, "    %s f%u VMS_IF(\"f0 > 0\");\n", ty, j);
    } else if (r < 93) {
        fprintf(o, "    uint32_t f%u VMS_RANGE(0, BENCH_LIMIT);\n", j);
    } else {
        fprintf(o, "    %s f%u;\n", ty, j);
    }
    return 0;
}

static void structure(struct gen *g, unsigned i)
{
    FILE *o = g->out;
    unsigned version = is_block(i) ? 1 : 3;
    unsigned depth = 0;
    char sub[80] = "";

    if (has_sub(i))
        snprintf(sub, sizeof(sub), " VMS_SUBSECTION_DEF(\"ext\", 1, \"f0 > 1\")");
    if (is_typedef(i))
        fprintf(o, "typedef struct VMS_STATE(\"bench/s%u\", %u, 1)%s {\n", i, version, sub);
    else
        fprintf(o, "struct VMS_STATE(\"bench/s%u\", %u, 1)%s BenchS%u {\n", i, version, sub, i);
    for (unsigned j = 0; j < g->n_fields; j++) {
        unsigned d = member(g, i, j);

        if (d > depth)
            depth = d;
    }
    if (is_typedef(i))
        fprintf(o, "} BenchT%u;\n\n", i);
    else
        fprintf(o, "};\n\n");
    if (is_block(i)) {
        g->depth[i] = depth;
        g->blocks[g->n_blocks++] = i;
    }
}

static int parse_count(const char *s, unsigned min, unsigned *out)
{
    char *end;
    unsigned long v;

    errno = 0;
    v = strtoul(s, &end, 10);
    if (errno || *end || end == s || v < min || v > 1000000)
        return -1;
    *out = (unsigned)v;
    return 0;
}

static int usage(void)
{
    fprintf(stderr, "usage: gen_header [-n STRUCTS] [-m FIELDS] [-o FILE]\n"
                    "  writes an annotated header of STRUCTS structs (default 1000) with FIELDS\n"
                    "  members each (default 20, at least 4) to FILE (default stdout)\n");
    return 2;
}

int main(int argc, char **argv)
{
    struct gen g = {.out = stdout, .n_structs = 1000, .n_fields = 20, .rng = 0x9E3779B97F4A7C15ULL};
    const char *path = NULL;

    for (int a = 1; a < argc; a++) {
        if (a + 1 < argc && strcmp(argv[a], "-n") == 0) {
            if (parse_count(argv[++a], 1, &g.n_structs))
                return usage();
        } else if (a + 1 < argc && strcmp(argv[a], "-m") == 0) {
            if (parse_count(argv[++a], 4, &g.n_fields))
                return usage();
        } else if (a + 1 < argc && strcmp(argv[a], "-o") == 0) {
            path = argv[++a];
        } else {
            return usage();
        }
    }
    if (path && !(g.out = fopen(path, "w"))) {
        fprintf(stderr, "gen_header: %s: %s\n", path, strerror(errno));
        return 1;
    }
    g.depth = calloc(g.n_structs, sizeof(*g.depth));
    g.blocks = calloc(g.n_structs, sizeof(*g.blocks));
    if (!g.depth || !g.blocks) {
        fprintf(stderr, "gen_header: out of memory\n");
        return 1;
    }

    fprintf(g.out, "/* Generated by gen_header (%u structs x %u members): vmsgen benchmark input. */\n"
                   "#ifndef VMS_BENCH_H\n#define VMS_BENCH_H\n\n"
                   "#include <stdbool.h>\n#include <stddef.h>\n#include <stdint.h>\n\n"
                   "#include <vms/annotate.h>\n\n"
                   "#define BENCH_LIMIT 16\n#define BENCH_FIFO_LEN BENCH_LIMIT\n\n",
            g.n_structs, g.n_fields);
    for (unsigned i = 0; i < g.n_structs; i++)
        structure(&g, i);
    fprintf(g.out, "#endif /* VMS_BENCH_H */\n");

    free(g.depth);
    free(g.blocks);
    if (fflush(g.out) || ferror(g.out) || (path && fclose(g.out))) {
        fprintf(stderr, "gen_header: write error: %s\n", strerror(errno));
        return 1;
    }
    return 0;
}
