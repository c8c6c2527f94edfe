/*
 * bench_peers.c: our save/load of the 64-field register struct against
 * protobuf-c and nanopb encoding and decoding the same values, in one run
 * (issue 10; goals: >= 10x faster than protobuf-c, >= 50x than nanopb).
 *
 * The struct, its description and its values are those of bench_runtime.c
 * ("64 fields", regdev.h, whose table and fast path vmsgen writes at build
 * time): 16 each of uint8, uint16, uint32 and uint64, on the wire in the
 * order b0 h0 w0 q0 b1 ... Ours goes through the public API (vms_save /
 * vms_load on the generated description), timed twice: with the generated
 * fast path (the default) and with the table walk alone
 * (vms_set_fast_path(false)); the ratios are against the default. The peers' messages come from peers.proto (compiled at
 * build time by protoc-c and nanopb_generator), in two encodings:
 *
 *   fixed   fixed32 / fixed64 fields: fixed width like ours, the cheapest
 *           protobuf encoding; the ratio against it is the one that counts.
 *   varint  uint32 / uint64 fields: protobuf's default integers.
 *
 * What each side does per struct, all timed:
 *   ours       vms_save into a buffered stream whose transport copies into
 *              memory (as bench_runtime.c); vms_load from a memory stream.
 *   protobuf-c copy the struct into the generated message, pack into a
 *              buffer; unpack (default allocator), copy out, free_unpacked.
 *   nanopb     copy into the message, pb_encode into a buffer stream;
 *              pb_decode from a buffer stream, copy out.
 * The copies in and out are part of the peers' cost: device state lives in
 * the device struct, and the peers encode only their own message structs.
 * The peers' 8- and 16-bit fields travel as 32-bit protobuf fields (protobuf
 * has nothing narrower) and are narrowed on the way out without a range
 * check, which favours them. Every path is checked to round-trip the values
 * before anything is timed.
 *
 * usage: bench_peers [-r REPS]
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <time.h>

#include <pb_decode.h>
#include <pb_encode.h>
#include <protobuf-c/protobuf-c.h>
#include <vms/vms.h>

#include "bench_util.h"
#include "peers.pb-c.h"
#include "peers.pb.h"
#include "regdev.vms.h"
#include "regdev_hand.h"

static int reps = 9;

/* Structs per timed run: enough that one run takes milliseconds even for us. */
enum { N = 20000 };

static volatile uint64_t sink;

static void die(const char *what)
{
    bench_die("bench_peers", what);
}

/* Best of @reps runs of @fn, per struct, in seconds. */
static double best_of(void (*fn)(void))
{
    double best = 1e30;

    for (int r = 0; r < reps; r++) {
        double t0 = now_s();

        fn();
        t0 = (now_s() - t0) / N;
        best = t0 < best ? t0 : best;
    }
    return best;
}

/* ---- the struct (bench_runtime.c's regdev) and its description ---- */

struct regdev {
    uint8_t b[16];
    uint16_t h[16];
    uint32_t w[16];
    uint64_t q[16];
};

static struct regdev reg, out;

/* The same values in the generated description's struct (regdev.h), and its load target. */
static struct RegDev dev, dev_out;

#define TO_DEV(i, n0, n1, n2, n3)                                                               \
    x->b##i = d->b[i];                                                                          \
    x->h##i = d->h[i];                                                                          \
    x->w##i = d->w[i];                                                                          \
    x->q##i = d->q[i];
#define FROM_DEV(i, n0, n1, n2, n3)                                                             \
    d->b[i] = x->b##i;                                                                          \
    d->h[i] = x->h##i;                                                                          \
    d->w[i] = x->w##i;                                                                          \
    d->q[i] = x->q##i;

/* ---- copies between the struct and a message with fields r0..r63 ---- */

/* X(i, n0, n1, n2, n3): b[i] is r<n0>, h[i] r<n1>, w[i] r<n2>, q[i] r<n3>. */
#define EACH_REG(X)                                                                             \
    X(0, 0, 1, 2, 3) X(1, 4, 5, 6, 7) X(2, 8, 9, 10, 11) X(3, 12, 13, 14, 15)                  \
    X(4, 16, 17, 18, 19) X(5, 20, 21, 22, 23) X(6, 24, 25, 26, 27) X(7, 28, 29, 30, 31)        \
    X(8, 32, 33, 34, 35) X(9, 36, 37, 38, 39) X(10, 40, 41, 42, 43) X(11, 44, 45, 46, 47)      \
    X(12, 48, 49, 50, 51) X(13, 52, 53, 54, 55) X(14, 56, 57, 58, 59) X(15, 60, 61, 62, 63)

#define TO_MSG(i, n0, n1, n2, n3)                                                               \
    m->r##n0 = d->b[i];                                                                         \
    m->r##n1 = d->h[i];                                                                         \
    m->r##n2 = d->w[i];                                                                         \
    m->r##n3 = d->q[i];
#define FROM_MSG(i, n0, n1, n2, n3)                                                             \
    d->b[i] = (uint8_t)m->r##n0;                                                                \
    d->h[i] = (uint16_t)m->r##n1;                                                               \
    d->w[i] = m->r##n2;                                                                         \
    d->q[i] = m->r##n3;

#define COPIES(T, tag)                                                                          \
    static void to_##tag(const struct regdev *d, T *m) { EACH_REG(TO_MSG) }                     \
    static void from_##tag(struct regdev *d, const T *m) { EACH_REG(FROM_MSG) }

COPIES(Vmsbench__RegsFixed, pbc_regs_fixed)
COPIES(Vmsbench__RegsVarint, pbc_regs_varint)
COPIES(vmsbench_RegsFixed, npb_fixed)
COPIES(vmsbench_RegsVarint, npb_varint)

static void to_dev(const struct regdev *d, struct RegDev *x) { EACH_REG(TO_DEV) }
static void from_dev(struct regdev *d, const struct RegDev *x) { EACH_REG(FROM_DEV) }

/* ---- ours ---- */

/* A transport that copies into a buffer allocated once, as a socket copies into the kernel. */
static uint8_t *sink_buf;
static size_t sink_len;
enum { SINK_CAP = 1 << 20 };

static ssize_t sink_write(void *ctx, const void *buf, size_t len, vms_error_t *err)
{
    (void)ctx;
    (void)err;
    if (len > SINK_CAP)
        return -1;
    if (len > SINK_CAP - sink_len)
        sink_len = 0; /* wrap around: the bytes are only copied, never looked at */
    memcpy(sink_buf + sink_len, buf, len);
    sink_len += len;
    return (ssize_t)len;
}

static const struct vms_transport_ops sink_ops = {.name = "sink", .write = sink_write};

/* N payloads back to back, plus the one byte a lone payload loads with (wire-format.md). */
static uint8_t *ours_bytes;
static size_t ours_one, ours_len;

static void ours_save(void)
{
    vms_stream_t *s = vms_stream_new(&sink_ops, NULL, VMS_WRITE, NULL);

    if (!s)
        die("no stream");
    for (int i = 0; i < N; i++)
        if (vms_save(s, &vms_desc_RegDev, &dev, NULL) != 0)
            die("vms_save failed");
    if (vms_stream_close(s) != 0)
        die("vms_save failed");
    sink += sink_len;
}

static void ours_load(void)
{
    vms_stream_t *s = vms_stream_mem_reader(ours_bytes, ours_len);

    if (!s)
        die("no stream");
    for (int i = 0; i < N; i++)
        if (vms_load(s, &vms_desc_RegDev, &dev_out, vms_desc_RegDev.version, NULL) != 0)
            die("vms_load failed");
    vms_stream_close(s);
}

static void ours_prepare(void)
{
    vms_stream_t *s = vms_stream_mem_writer();
    const void *data;

    to_dev(&reg, &dev);
    if (!s || vms_save(s, &vms_desc_RegDev, &dev, NULL) != 0)
        die("vms_save failed");
    data = vms_stream_mem_data(s, &ours_one);
    ours_len = ours_one * N + 1;
    ours_bytes = calloc(1, ours_len);
    if (!ours_bytes)
        die("out of memory");
    for (int i = 0; i < N; i++)
        memcpy(ours_bytes + (size_t)i * ours_one, data, ours_one);
    vms_stream_close(s);
    memset(&dev_out, 0, sizeof(dev_out));
    ours_load();
    memset(&out, 0, sizeof(out));
    from_dev(&out, &dev_out);
    if (memcmp(&out, &reg, sizeof(reg)) != 0)
        die("our round trip lost values");
}

/*
 * The hand-written big-endian code of bench_runtime.c (regdev_hand.h) for the
 * same struct: the ceiling of what any engine can reach, so peer time / hand
 * time bounds our ratio (printed as "ceiling").
 */
static void hand_save_all(void)
{
    static uint8_t buf[256];

    for (int n = 0; n < N; n++) {
        sink += hand_save(&dev, buf);
        __asm__ volatile("" : : "r"(buf) : "memory"); /* the bytes count: keep every store */
    }
}

static void hand_load_all(void)
{
    const uint8_t *p = ours_bytes;

    for (int n = 0; n < N; n++) {
        p += hand_load(&dev_out, p);
        __asm__ volatile("" : : "r"(&dev_out) : "memory"); /* every load lands */
    }
    sink += dev_out.q15;
}

/* ---- protobuf-c and nanopb ---- */

static uint8_t peer_buf[1024];
static size_t peer_len;

#define PBC_JOBS(T, tag, fn)                                                                    \
    static void pbc_##tag##_encode(void)                                                        \
    {                                                                                           \
        T m = VMSBENCH__##fn##__INIT;                                                           \
                                                                                                \
        for (int i = 0; i < N; i++) {                                                           \
            to_pbc_##tag(&reg, &m);                                                             \
            peer_len = vmsbench__##tag##__pack(&m, peer_buf);                                   \
            sink += peer_len;                                                                   \
        }                                                                                       \
    }                                                                                           \
    static void pbc_##tag##_decode(void)                                                        \
    {                                                                                           \
        for (int i = 0; i < N; i++) {                                                           \
            T *m = vmsbench__##tag##__unpack(NULL, peer_len, peer_buf);                         \
                                                                                                \
            if (!m)                                                                             \
                die("protobuf-c unpack failed");                                                \
            from_pbc_##tag(&out, m);                                                            \
            vmsbench__##tag##__free_unpacked(m, NULL);                                          \
        }                                                                                       \
    }

#define NPB_JOBS(T, tag)                                                                        \
    static void npb_##tag##_encode(void)                                                        \
    {                                                                                           \
        T m = vmsbench_##T##_init_zero;                                                         \
                                                                                                \
        for (int i = 0; i < N; i++) {                                                           \
            pb_ostream_t os = pb_ostream_from_buffer(peer_buf, sizeof(peer_buf));              \
                                                                                                \
            to_npb_##tag(&reg, &m);                                                             \
            if (!pb_encode(&os, vmsbench_##T##_fields, &m))                                     \
                die("nanopb encode failed");                                                    \
            peer_len = os.bytes_written;                                                        \
        }                                                                                       \
        sink += peer_len;                                                                       \
    }                                                                                           \
    static void npb_##tag##_decode(void)                                                        \
    {                                                                                           \
        T m;                                                                                    \
                                                                                                \
        for (int i = 0; i < N; i++) {                                                           \
            pb_istream_t is = pb_istream_from_buffer(peer_buf, peer_len);                       \
                                                                                                \
            if (!pb_decode(&is, vmsbench_##T##_fields, &m))                                     \
                die("nanopb decode failed");                                                    \
            from_npb_##tag(&out, &m);                                                           \
        }                                                                                       \
    }

typedef vmsbench_RegsFixed RegsFixed;
typedef vmsbench_RegsVarint RegsVarint;

PBC_JOBS(Vmsbench__RegsFixed, regs_fixed, REGS_FIXED)
PBC_JOBS(Vmsbench__RegsVarint, regs_varint, REGS_VARINT)
NPB_JOBS(RegsFixed, fixed)
NPB_JOBS(RegsVarint, varint)

struct peer {
    const char *name;
    void (*encode)(void), (*decode)(void);
    const char *goal;
};

static const struct peer peers[] = {
    {"protobuf-c fixed", pbc_regs_fixed_encode, pbc_regs_fixed_decode, ">= 10x"},
    {"protobuf-c varint", pbc_regs_varint_encode, pbc_regs_varint_decode, ">= 10x"},
    {"nanopb fixed", npb_fixed_encode, npb_fixed_decode, ">= 50x"},
    {"nanopb varint", npb_varint_encode, npb_varint_decode, ">= 50x"},
};

/* Encodes once, decodes once into a cleared struct, and checks every value came back. */
static void check_peer(const struct peer *p)
{
    memset(&out, 0, sizeof(out));
    p->encode();
    p->decode();
    if (memcmp(&out, &reg, sizeof(reg)) != 0) {
        fprintf(stderr, "bench_peers: %s: round trip lost values\n", p->name);
        exit(1);
    }
}

int main(int argc, char **argv)
{
    double save, load, tsave, tload, hsave, hload;

    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "-r") == 0 && i + 1 < argc && atoi(argv[i + 1]) > 0) {
            reps = atoi(argv[++i]);
        } else {
            fprintf(stderr, "usage: bench_peers [-r REPS]\n");
            return 2;
        }
    }
    sink_buf = malloc(SINK_CAP);
    if (!sink_buf)
        die("out of memory");
    for (int i = 0; i < 16; i++) { /* bench_runtime.c's values */
        reg.b[i] = (uint8_t)i;
        reg.h[i] = (uint16_t)(i * 1000);
        reg.w[i] = (uint32_t)i * 100000u;
        reg.q[i] = (uint64_t)i << 40;
    }
    ours_prepare();
    printf("64-field struct vs protobuf-c %s and nanopb %s: best of %d, %d structs a run;\n"
           "ratio = peer time / our time (how many times faster we are)\n",
           protobuf_c_version(), NANOPB_VERSION, reps, N);
    vms_set_fast_path(false);
    tsave = best_of(ours_save);
    tload = best_of(ours_load);
    vms_set_fast_path(true);
    save = best_of(ours_save);
    load = best_of(ours_load);
    hsave = best_of(hand_save_all);
    hload = best_of(hand_load_all);
    printf("%-20s %8.1f ns encode %8.1f ns decode %4zu bytes\n", "ours (fast path)",
           save * 1e9, load * 1e9, ours_one);
    printf("%-20s %8.1f ns encode %8.1f ns decode %4zu bytes\n", "ours (table walk)",
           tsave * 1e9, tload * 1e9, ours_one);
    printf("%-20s %8.1f ns encode %8.1f ns decode %4zu bytes\n", "hand-written code",
           hsave * 1e9, hload * 1e9, ours_one);
    for (size_t k = 0; k < sizeof(peers) / sizeof(peers[0]); k++) {
        const struct peer *p = &peers[k];
        double enc, dec;

        check_peer(p);
        enc = best_of(p->encode);
        dec = best_of(p->decode);
        printf("%-20s %8.1f ns encode %8.1f ns decode %4zu bytes  ratio %5.1fx / %5.1fx "
               "(goal %s; table walk %.1fx / %.1fx; ceiling %.0fx / %.0fx)\n", p->name, enc * 1e9,
               dec * 1e9, peer_len, enc / save, dec / load, p->goal, enc / tsave, dec / tload,
               enc / hsave, dec / hload);
    }
    free(ours_bytes);
    free(sink_buf);
    return 0;
}
