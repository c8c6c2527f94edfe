/*
 * bench_runtime.c: the save/load engine against its baselines, in one run
 * (issue 10). Each figure is the best of REPS repetitions; each line prints
 * our time, the baseline's and the ratio baseline/ours (1.0: as fast as the
 * baseline; the goal is given beside it). Nothing is asserted: a benchmark
 * reports, tests decide.
 *
 *   buffer   a uint8_t[1 MiB] field, save and load   vs memcpy of 1 MiB
 *   array    a uint32_t[262144] field, save and load vs a plain byte-swap loop
 *   struct   64 mixed scalar fields, save and load    vs hand-written big-endian code
 *   machine  vms_save_all of 200 devices (the struct above) vs 200 hand-written saves
 *
 * usage: bench_runtime [-r REPS]
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/types.h>
#include <string.h>
#include <time.h>

#include <vms/vms.h>

static int reps = 9;

static double now_s(void)
{
    struct timespec t;

    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static void die(const char *what)
{
    fprintf(stderr, "bench_runtime: %s\n", what);
    exit(1);
}

/* Keeps the compiler from dropping work whose result is unused. */
static volatile uint64_t sink;

/* ---- the devices ---- */

enum { BUF = 1 << 20, WORDS = 262144, DEVICES = 200 };

struct bufdev {
    uint8_t data[BUF];
};

static const struct vms_field buf_fields[] = {
    {.name = "data", .type = VMS_WT_BUFFER, .offset = offsetof(struct bufdev, data), .size = BUF},
};
static const struct vms_desc buf_desc = {.name = "buf", .version = 1, .min_version = 1,
                                         .size = sizeof(struct bufdev), .fields = buf_fields,
                                         .n_fields = 1};

struct arrdev {
    uint32_t w[WORDS];
};

static const struct vms_field arr_fields[] = {
    {.name = "w", .type = VMS_WT_UINT32, .offset = offsetof(struct arrdev, w), .size = 4,
     .num = WORDS},
};
static const struct vms_desc arr_desc = {.name = "arr", .version = 1, .min_version = 1,
                                         .size = sizeof(struct arrdev), .fields = arr_fields,
                                         .n_fields = 1};

/* 64 scalars: 16 each of uint8, uint16, uint32, uint64, interleaved as a device would have them. */
struct regdev {
    uint8_t b[16];
    uint16_t h[16];
    uint32_t w[16];
    uint64_t q[16];
};

static struct vms_field reg_fields[64];
static struct vms_desc reg_desc = {.name = "regs", .version = 1, .min_version = 1,
                                   .size = sizeof(struct regdev), .fields = reg_fields,
                                   .n_fields = 64};
static char reg_names[64][8];

static void init_reg_desc(void)
{
    for (int i = 0; i < 16; i++) {
        static const struct {
            enum vms_wire_type t;
            size_t off, size;
        } kinds[4] = {
            {VMS_WT_UINT8, offsetof(struct regdev, b), 1},
            {VMS_WT_UINT16, offsetof(struct regdev, h), 2},
            {VMS_WT_UINT32, offsetof(struct regdev, w), 4},
            {VMS_WT_UINT64, offsetof(struct regdev, q), 8},
        };
        for (int k = 0; k < 4; k++) {
            struct vms_field *f = &reg_fields[i * 4 + k];

            snprintf(reg_names[i * 4 + k], sizeof(reg_names[0]), "r%d", i * 4 + k);
            *f = (struct vms_field){.name = reg_names[i * 4 + k], .type = kinds[k].t,
                                    .offset = kinds[k].off + (size_t)i * kinds[k].size,
                                    .size = kinds[k].size};
        }
    }
}

/* The hand-written baseline for regdev: what a careful programmer writes without tables. */
static size_t hand_save(const struct regdev *d, uint8_t *p)
{
    uint8_t *start = p;

    for (int i = 0; i < 16; i++) {
        *p++ = d->b[i];
        *p++ = (uint8_t)(d->h[i] >> 8);
        *p++ = (uint8_t)d->h[i];
        for (int s = 24; s >= 0; s -= 8)
            *p++ = (uint8_t)(d->w[i] >> s);
        for (int s = 56; s >= 0; s -= 8)
            *p++ = (uint8_t)(d->q[i] >> s);
    }
    return (size_t)(p - start);
}

static size_t hand_load(struct regdev *d, const uint8_t *p)
{
    const uint8_t *start = p;

    for (int i = 0; i < 16; i++) {
        uint32_t w = 0;
        uint64_t q = 0;

        d->b[i] = *p++;
        d->h[i] = (uint16_t)(p[0] << 8 | p[1]);
        p += 2;
        for (int k = 0; k < 4; k++)
            w = w << 8 | *p++;
        d->w[i] = w;
        for (int k = 0; k < 8; k++)
            q = q << 8 | *p++;
        d->q[i] = q;
    }
    return (size_t)(p - start);
}

/* ---- timing ---- */

/* Best time of @reps runs of @fn(@arg) repeated @inner times, per inner run, in seconds. */
static double best_of(void (*fn)(void *), void *arg, int inner)
{
    double best = 1e30;

    for (int r = 0; r < reps; r++) {
        double t0 = now_s();

        for (int i = 0; i < inner; i++)
            fn(arg);
        t0 = (now_s() - t0) / inner;
        best = t0 < best ? t0 : best;
    }
    return best;
}

static void report(const char *name, double ours, double base, const char *base_name,
                   const char *goal)
{
    printf("%-16s %10.3f us   %-22s %10.3f us   ratio %5.2f   (goal %s)\n", name, ours * 1e6,
           base_name, base * 1e6, base / ours, goal);
}

/* Saving into a memory writer made once; loading from a memory reader over saved bytes. */
struct job {
    const struct vms_desc *desc;
    void *obj;
    const uint8_t *bytes;
    size_t len;
    uint8_t *scratch;
};

/*
 * A transport that copies what it is given into a buffer allocated once, as
 * a socket copies into the kernel: the cost a real save has, without I/O.
 */
struct sink_ctx {
    uint8_t *out;
    size_t len, cap;
};

static ssize_t sink_write(void *ctx, const void *buf, size_t len, vms_error_t *err)
{
    struct sink_ctx *c = ctx;

    (void)err;
    if (len > c->cap)
        return -1;
    if (len > c->cap - c->len)
        c->len = 0; /* wrap around: the bytes are not looked at, only copied */
    memcpy(c->out + c->len, buf, len);
    c->len += len;
    return (ssize_t)len;
}

static int sink_close(void *ctx, vms_error_t *err)
{
    (void)ctx;
    (void)err;
    return 0;
}

static const struct vms_transport_ops sink_ops = {.name = "sink", .write = sink_write,
                                                  .close = sink_close};
static struct sink_ctx sink_out;

static vms_stream_t *sink_stream(void)
{
    vms_stream_t *s;

    sink_out.len = 0;
    s = vms_stream_new(&sink_ops, &sink_out, VMS_WRITE, NULL);
    if (!s)
        die("no sink stream");
    return s;
}

static void save_job(void *arg)
{
    struct job *j = arg;
    vms_stream_t *s = sink_stream();

    if (vms_save(s, j->desc, j->obj, NULL) != 0 || vms_stream_close(s) != 0)
        die("save failed");
    sink += sink_out.len;
}

static void load_job(void *arg)
{
    struct job *j = arg;
    vms_stream_t *s = vms_stream_mem_reader(j->bytes, j->len);

    if (!s || vms_load(s, j->desc, j->obj, j->desc->version, NULL) != 0)
        die("load failed");
    vms_stream_close(s);
}

static uint8_t *saved(const struct vms_desc *d, void *obj, size_t *len)
{
    vms_stream_t *s = vms_stream_mem_writer();
    const void *data;
    uint8_t *copy;

    if (!s || vms_save(s, d, obj, NULL) != 0)
        die("save failed");
    vms_put_u8(s, 0); /* a lone payload loads with one byte after it (wire-format.md) */
    data = vms_stream_mem_data(s, len);
    copy = malloc(*len);
    if (!copy)
        die("out of memory");
    memcpy(copy, data, *len);
    vms_stream_close(s);
    return copy;
}

static void memcpy_job(void *arg)
{
    struct job *j = arg;

    memcpy(j->scratch, j->obj, BUF);
    sink += j->scratch[BUF / 2];
}

static void swap_job(void *arg)
{
    struct job *j = arg;
    const uint32_t *in = j->obj;
    uint32_t *out = (uint32_t *)(void *)j->scratch;

    for (size_t i = 0; i < WORDS; i++)
        out[i] = __builtin_bswap32(in[i]);
    sink += out[WORDS / 2];
}

/* Many saves of one small struct on one stream: the per-field cost, not the stream's setup. */
enum { SMALL_N = 20000 };

static void save_many_job(void *arg)
{
    struct job *j = arg;
    vms_stream_t *s = sink_stream();

    for (int i = 0; i < SMALL_N; i++)
        if (vms_save(s, j->desc, j->obj, NULL) != 0)
            die("save failed");
    if (vms_stream_close(s) != 0)
        die("save failed");
    sink += sink_out.len;
}

static void load_many_job(void *arg)
{
    struct job *j = arg;
    vms_stream_t *s = vms_stream_mem_reader(j->bytes, j->len);

    for (int i = 0; i < SMALL_N; i++)
        if (!s || vms_load(s, j->desc, j->obj, j->desc->version, NULL) != 0)
            die("load failed");
    vms_stream_close(s);
}

static void hand_save_many_job(void *arg)
{
    struct job *j = arg;

    for (int i = 0; i < SMALL_N; i++)
        sink += hand_save(j->obj, j->scratch);
}

static void hand_load_many_job(void *arg)
{
    struct job *j = arg;
    size_t off = 0;

    for (int i = 0; i < SMALL_N; i++)
        off += hand_load(j->obj, j->bytes + off);
    sink += off;
}

/* The machine: 200 register devices, vms_save_all vs 200 hand-written saves. */
static struct regdev devices[DEVICES];
static vms_registry_t *machine;

static void save_all_job(void *arg)
{
    vms_stream_t *s = sink_stream();

    (void)arg;
    if (vms_save_all(machine, s, NULL) != 0 || vms_stream_close(s) != 0)
        die("vms_save_all failed");
    sink += sink_out.len;
}

static void hand_all_job(void *arg)
{
    struct job *j = arg;
    size_t off = 0;

    for (int i = 0; i < DEVICES; i++)
        off += hand_save(&devices[i], j->scratch + off);
    sink += off;
}

int main(int argc, char **argv)
{
    static struct bufdev buf;
    static struct arrdev arr;
    static struct regdev reg;
    struct job j;
    uint8_t *scratch = malloc(BUF + 1024);

    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "-r") == 0 && i + 1 < argc && atoi(argv[i + 1]) > 0) {
            reps = atoi(argv[++i]);
        } else {
            fprintf(stderr, "usage: bench_runtime [-r REPS]\n");
            return 2;
        }
    }
    sink_out.cap = 4 * BUF;
    sink_out.out = malloc(sink_out.cap);
    if (!scratch || !sink_out.out)
        die("out of memory");
    init_reg_desc();
    for (size_t i = 0; i < BUF; i++)
        buf.data[i] = (uint8_t)(i * 131);
    for (size_t i = 0; i < WORDS; i++)
        arr.w[i] = (uint32_t)(i * 2654435761u);
    for (int i = 0; i < 16; i++) {
        reg.b[i] = (uint8_t)i;
        reg.h[i] = (uint16_t)(i * 1000);
        reg.w[i] = (uint32_t)i * 100000u;
        reg.q[i] = (uint64_t)i << 40;
    }
    printf("runtime benchmarks: best of %d; ratio = baseline time / our time\n", reps);

    j = (struct job){.desc = &buf_desc, .obj = &buf, .scratch = scratch};
    j.bytes = saved(&buf_desc, &buf, &j.len);
    report("buffer save", best_of(save_job, &j, 20), best_of(memcpy_job, &j, 20),
           "memcpy 1 MiB", ">= 0.8");
    report("buffer load", best_of(load_job, &j, 20), best_of(memcpy_job, &j, 20),
           "memcpy 1 MiB", ">= 0.8");
    free((void *)j.bytes);

    j = (struct job){.desc = &arr_desc, .obj = &arr, .scratch = scratch};
    j.bytes = saved(&arr_desc, &arr, &j.len);
    report("u32[262144] save", best_of(save_job, &j, 20), best_of(swap_job, &j, 20),
           "byte-swap loop", ">= 0.8");
    report("u32[262144] load", best_of(load_job, &j, 20), best_of(swap_job, &j, 20),
           "byte-swap loop", ">= 0.8");
    free((void *)j.bytes);

    j = (struct job){.desc = &reg_desc, .obj = &reg, .scratch = scratch};
    {
        size_t one;
        uint8_t *payload = saved(&reg_desc, &reg, &one), *many;

        one -= 1; /* without the trailing byte saved() adds */
        many = malloc(one * SMALL_N + 1);
        if (!many)
            die("out of memory");
        for (int i = 0; i < SMALL_N; i++)
            memcpy(many + (size_t)i * one, payload, one);
        many[one * SMALL_N] = 0;
        j.bytes = many;
        j.len = one * SMALL_N + 1;
        free(payload);
    }
    report("64 fields save", best_of(save_many_job, &j, 1) / SMALL_N,
           best_of(hand_save_many_job, &j, 1) / SMALL_N, "hand-written put", ">= 0.5");
    report("64 fields load", best_of(load_many_job, &j, 1) / SMALL_N,
           best_of(hand_load_many_job, &j, 1) / SMALL_N, "hand-written get", ">= 0.5");
    free((void *)j.bytes);

    machine = vms_registry_new("pc-bench");
    if (!machine)
        die("out of memory");
    for (int i = 0; i < DEVICES; i++) {
        devices[i] = reg;
        if (vms_register(machine, "regs", VMS_INSTANCE_ANY, &reg_desc, &devices[i]) != 0)
            die("register failed");
    }
    j = (struct job){.scratch = malloc(DEVICES * 256)};
    if (!j.scratch)
        die("out of memory");
    report("save_all x200", best_of(save_all_job, NULL, 200), best_of(hand_all_job, &j, 200),
           "200 hand-written puts", "report only");
    vms_registry_free(machine);
    free(j.scratch);
    free(scratch);
    free(sink_out.out);
    return 0;
}
