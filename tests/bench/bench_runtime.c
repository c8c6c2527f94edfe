/*
 * bench_runtime.c: the save/load engine against its baselines, in one run
 * (issue 10). Each figure is the best of REPS repetitions; each line prints
 * our time, the baseline's and the ratio baseline/ours (1.0: as fast as the
 * baseline; the goal is given beside it). Nothing is asserted: a benchmark
 * reports, tests decide.
 *
 *   buffer   a uint8_t[1 MiB] field, save and load   vs memcpy of 1 MiB
 *   array    a uint32_t[262144] field, save and load vs a plain byte-swap loop
 *   struct   64 mixed scalar fields (regdev.h), save and load, through the table engine and
 *            through the generated fast path, vs hand-written big-endian code
 *   machine  vms_save_all of 200 devices (the struct above) vs 200 hand-written saves
 *
 * usage: bench_runtime [-r REPS] [-o buffer|array|struct|machine]   (-o: that group only, e.g.
 * to profile it with perf)
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

#include "bench_util.h"
#include "regdev.vms.h"
#include "regdev_hand.h"

static int reps = 9;
static const char *only; /* -o WORD: run only the benchmarks whose group is WORD */

/* Whether the group @name runs (all of them without -o). */
static bool want(const char *name)
{
    return !only || strcmp(only, name) == 0;
}

static void die(const char *what)
{
    bench_die("bench_runtime", what);
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

/* The 64-field device (regdev.h): vmsgen writes its table and its fast path, and the engine
 * runs either (vms_set_fast_path()); the baseline is regdev_hand.h. */

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
static struct RegDev devices[DEVICES];
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
    /*
     * Page-aligned, so that the figures do not depend on where the linker
     * puts them: as static objects, one layout made both u32 ratios ~0.5 and
     * another ~1.3 (the baseline's time moved, not the engine's).
     */
    struct bufdev *bufp = aligned_alloc(4096, sizeof(struct bufdev));
    struct arrdev *arrp = aligned_alloc(4096, sizeof(struct arrdev));
    static struct RegDev reg;
    struct job j;
    uint8_t *scratch = malloc(BUF + 1024);

    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "-r") == 0 && i + 1 < argc && atoi(argv[i + 1]) > 0) {
            reps = atoi(argv[++i]);
        } else if (strcmp(argv[i], "-o") == 0 && i + 1 < argc) {
            only = argv[++i];
        } else {
            fprintf(stderr, "usage: bench_runtime [-r REPS] [-o buffer|array|struct|machine]\n");
            return 2;
        }
    }
    sink_out.cap = 4 * BUF;
    sink_out.out = malloc(sink_out.cap);
    if (!scratch || !sink_out.out || !bufp || !arrp)
        die("out of memory");
    for (size_t i = 0; i < BUF; i++)
        bufp->data[i] = (uint8_t)(i * 131);
    for (size_t i = 0; i < WORDS; i++)
        arrp->w[i] = (uint32_t)(i * 2654435761u);
    {
        uint8_t *r = (uint8_t *)&reg;

        for (size_t i = 0; i < sizeof(reg); i++)
            r[i] = (uint8_t)(i * 37 + 11);
    }
    printf("runtime benchmarks: best of %d; ratio = baseline time / our time\n", reps);

    if (want("buffer")) {
        j = (struct job){.desc = &buf_desc, .obj = bufp, .scratch = scratch};
        j.bytes = saved(&buf_desc, bufp, &j.len);
        report("buffer save", best_of(save_job, &j, 20), best_of(memcpy_job, &j, 20),
               "memcpy 1 MiB", ">= 0.8");
        report("buffer load", best_of(load_job, &j, 20), best_of(memcpy_job, &j, 20),
               "memcpy 1 MiB", ">= 0.8");
        free((void *)j.bytes);

    }
    if (want("array")) {
        j = (struct job){.desc = &arr_desc, .obj = arrp, .scratch = scratch};
        j.bytes = saved(&arr_desc, arrp, &j.len);
        report("u32[262144] save", best_of(save_job, &j, 20), best_of(swap_job, &j, 20),
               "byte-swap loop", ">= 0.8");
        report("u32[262144] load", best_of(load_job, &j, 20), best_of(swap_job, &j, 20),
               "byte-swap loop", ">= 0.8");
        free((void *)j.bytes);

    }
    if (want("struct")) {
        j = (struct job){.desc = &vms_desc_RegDev, .obj = &reg, .scratch = scratch};
        {
            size_t one;
            uint8_t *payload = saved(&vms_desc_RegDev, &reg, &one), *many;

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
        {
            double hs = best_of(hand_save_many_job, &j, 1) / SMALL_N;
            double hl = best_of(hand_load_many_job, &j, 1) / SMALL_N;

            vms_set_fast_path(false);
            report("64f save, table", best_of(save_many_job, &j, 1) / SMALL_N, hs,
                   "hand-written put", ">= 0.5");
            report("64f load, table", best_of(load_many_job, &j, 1) / SMALL_N, hl,
                   "hand-written get", ">= 0.5");
            vms_set_fast_path(true);
            report("64f save, fast", best_of(save_many_job, &j, 1) / SMALL_N,
                   best_of(hand_save_many_job, &j, 1) / SMALL_N, "hand-written put", ">= 0.5");
            report("64f load, fast", best_of(load_many_job, &j, 1) / SMALL_N,
                   best_of(hand_load_many_job, &j, 1) / SMALL_N, "hand-written get", ">= 0.5");
        }
        free((void *)j.bytes);

    }
    if (want("machine")) {
        machine = vms_registry_new("pc-bench");
        if (!machine)
            die("out of memory");
        for (int i = 0; i < DEVICES; i++) {
            devices[i] = reg;
            if (vms_register(machine, "regs", VMS_INSTANCE_ANY, &vms_desc_RegDev, &devices[i]) != 0)
                die("register failed");
        }
        j = (struct job){.scratch = malloc(DEVICES * 256)};
        if (!j.scratch)
            die("out of memory");
        report("save_all x200", best_of(save_all_job, NULL, 200), best_of(hand_all_job, &j, 200),
               "200 hand-written puts", "report only");
        vms_registry_free(machine);
        free(j.scratch);
    }
    free(scratch);
    free(bufp);
    free(arrp);
    free(sink_out.out);
    return 0;
}
