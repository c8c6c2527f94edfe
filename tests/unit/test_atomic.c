/* test_atomic.c: VMS_LOAD_ATOMIC: every cut and corruption leaves the devices as they were. */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "engine_helpers.h"
#include "golden_machine.h"

/*
 * The method: every input is loaded twice, into two devices built alike,
 * once plainly and once atomically. Both must return the same result. When
 * the atomic load fails, its device (the struct, pointer values included,
 * and everything it points to) must be byte-identical to before; when it
 * succeeds, it must hold what the plain load produced.
 */

/* Corruptions tried at every byte: the lowest bit, the highest, all of them. */
static const uint8_t flips[] = {0x01, 0x80, 0xff};

/* ---- device images: the bytes that must not change ---- */

struct img {
    uint8_t *p;
    size_t len, cap;
};

static void img_add(struct img *m, const void *p, size_t len)
{
    if (m->len + len > m->cap) {
        m->cap = (m->len + len) * 2;
        m->p = realloc(m->p, m->cap);
        assert_non_null(m->p);
    }
    if (len)
        memcpy(m->p + m->len, p, len);
    m->len += len;
}

static void img_check(const struct img *got, const struct img *want, const char *what, size_t at,
                      uint8_t flip)
{
    if (got->len == want->len && memcmp(got->p, want->p, got->len) == 0)
        return;
    fprintf(stderr, "%s: input cut/corrupted at %zu (xor 0x%02x)\n", what, at, flip);
    assert_bytes_equal(got->p, got->len, want->p, want->len);
}

/* ---- post_load bookkeeping ---- */

static char post_log[64];   /* one letter per post_load, in call order */
static size_t post_log_n;
static const void *post_expect; /* the device being loaded: post_load must see it */
static int post_wrong;          /* post_load calls on any other object */

static void post_log_add(char c)
{
    if (post_log_n < sizeof(post_log) - 1)
        post_log[post_log_n++] = c;
    post_log[post_log_n] = '\0';
}

static void post_reset(const void *expect)
{
    post_log_n = 0;
    post_log[0] = '\0';
    post_expect = expect;
}

/* ================================================= device 1: scalars only */

struct sc {
    uint8_t a;
    int16_t b;
    uint32_t c;
    uint64_t d;
    bool e;
    int32_t arr[4];
    uint8_t mac[6];
    double g;
    int64_t timer;
    uint8_t lo; /* VMS_RANGE(0, 9) */
};

static bool sc_lo_check(const void *opaque, int version)
{
    (void)version;
    return ((const struct sc *)opaque)->lo <= 9;
}

static const struct vms_field sc_fields[] = {
    {.name = "a", .type = VMS_WT_UINT8, .offset = offsetof(struct sc, a), .size = 1},
    {.name = "b", .type = VMS_WT_INT16, .offset = offsetof(struct sc, b), .size = 2},
    {.name = "c", .type = VMS_WT_UINT32, .offset = offsetof(struct sc, c), .size = 4},
    {.name = "d", .type = VMS_WT_UINT64, .offset = offsetof(struct sc, d), .size = 8},
    {.name = "e", .type = VMS_WT_BOOL, .offset = offsetof(struct sc, e), .size = 1},
    {.name = "arr", .type = VMS_WT_INT32, .offset = offsetof(struct sc, arr), .size = 4, .num = 4},
    {.name = "mac", .type = VMS_WT_BUFFER, .offset = offsetof(struct sc, mac), .size = 6},
    {.name = "g", .type = VMS_WT_FLOAT64, .offset = offsetof(struct sc, g), .size = 8},
    {.name = "timer", .type = VMS_WT_TIMER, .offset = offsetof(struct sc, timer), .size = 8},
    {.name = "lo", .type = VMS_WT_UINT8, .offset = offsetof(struct sc, lo), .size = 1,
     .check = sc_lo_check, .check_text = "VMS_RANGE(0, 9)"},
};

static const struct vms_desc sc_desc = {
    .name = "sc", .version = 1, .min_version = 1, .size = sizeof(struct sc),
    .fields = sc_fields, .n_fields = VMS_COUNTOF(sc_fields),
};

static void sc_fill(struct sc *s, int seed)
{
    memset(s, 0, sizeof(*s)); /* padding too: images compare raw bytes */
    s->a = (uint8_t)(0x10 + seed);
    s->b = (int16_t)(-300 * (seed + 1));
    s->c = 0x01020304u * (uint32_t)(seed + 1);
    s->d = 0x1122334455667788ull + (uint64_t)seed;
    s->e = seed & 1;
    for (int i = 0; i < 4; i++)
        s->arr[i] = -i * 1000 + seed;
    memcpy(s->mac, seed ? "\x52\x54\x00\x12\x34\x56" : "\xaa\xbb\xcc\xdd\xee\xff", 6);
    s->g = 1.5 + seed;
    s->timer = seed ? 123456789 : -1;
    s->lo = (uint8_t)(seed % 10);
}

static void *sc_make(void)
{
    struct sc *s = malloc(sizeof(*s));

    assert_non_null(s);
    sc_fill(s, 0);
    return s;
}

static void sc_image(const void *obj, bool raw, struct img *m)
{
    (void)raw;
    img_add(m, obj, sizeof(struct sc));
}

/* ==================== device 2: nested, ALLOC, pointers, DEREF, codec, subsection, hooks */

struct chan {
    uint32_t rate;
    uint8_t mode;     /* VMS_RANGE(0, 3) */
    uint32_t seen;    /* not migrated: what post_load saw in rate */
};

struct timer {
    int64_t expire;
    uint32_t cfg;
    uint8_t log_n;
    uint8_t *log;     /* VMS_ALLOC, log_n bytes, at most 8 */
};

struct blob {
    uint8_t len;      /* at most 8: a codec that fails on more */
    uint8_t data[8];
};

struct cx {
    uint32_t id;
    struct chan chan[2];
    uint8_t n;
    uint16_t *queue;          /* VMS_ALLOC, n elements, at most 16 */
    uint32_t nregs;
    uint32_t *regs;           /* points into regs_store: at most 8 */
    uint32_t regs_store[8];
    struct timer *timers[3];  /* VMS_DEREF; timers[1] is NULL */
    struct blob blob;         /* a codec */
    uint16_t extra;           /* subsection cx/extra, sent when not 0 */
    bool extra_present;
    uint8_t opt;              /* since version 2, VMS_DEFAULT(7) */
    /* not migrated: what the hooks did */
    int pre_calls, post_calls;
    uint32_t post_queue_sum;  /* post_load: the sum of the committed queue */
};

/* A cx with the storage it points to, allocated together. */
struct cx_dev {
    struct cx x;
    struct timer t[3];
};

static bool chan_mode_check(const void *opaque, int version)
{
    (void)version;
    return ((const struct chan *)opaque)->mode <= 3;
}

static int chan_post_load(void *opaque, int version, vms_error_t *err)
{
    struct chan *c = opaque;

    (void)version;
    (void)err;
    c->seen = c->rate;
    post_log_add('c');
    return 0;
}

static const struct vms_field chan_fields[] = {
    {.name = "rate", .type = VMS_WT_UINT32, .offset = offsetof(struct chan, rate), .size = 4},
    {.name = "mode", .type = VMS_WT_UINT8, .offset = offsetof(struct chan, mode), .size = 1,
     .check = chan_mode_check, .check_text = "VMS_RANGE(0, 3)"},
};

static const struct vms_desc chan_desc = {
    .name = "cx/chan", .version = 1, .min_version = 1, .size = sizeof(struct chan),
    .fields = chan_fields, .n_fields = VMS_COUNTOF(chan_fields), .post_load = chan_post_load,
};

static int timer_post_load(void *opaque, int version, vms_error_t *err)
{
    (void)opaque;
    (void)version;
    (void)err;
    post_log_add('t');
    return 0;
}

static const struct vms_field timer_fields[] = {
    {.name = "expire", .type = VMS_WT_TIMER, .offset = offsetof(struct timer, expire), .size = 8},
    {.name = "cfg", .type = VMS_WT_UINT32, .offset = offsetof(struct timer, cfg), .size = 4},
    {.name = "log_n", .type = VMS_WT_UINT8, .offset = offsetof(struct timer, log_n), .size = 1},
    {.name = "log", .type = VMS_WT_UINT8, .flags = VMS_F_POINTER | VMS_F_ALLOC | VMS_F_VARRAY,
     .offset = offsetof(struct timer, log), .size = 1, .count_offset = offsetof(struct timer, log_n),
     .count_size = 1, .max = 8},
};

static const struct vms_desc timer_desc = {
    .name = "cx/timer", .version = 1, .min_version = 1, .size = sizeof(struct timer),
    .fields = timer_fields, .n_fields = VMS_COUNTOF(timer_fields), .post_load = timer_post_load,
};

static int blob_get(vms_stream_t *s, void *field, size_t size, vms_error_t *err)
{
    struct blob *b = field;

    (void)size;
    b->len = vms_get_u8(s); /* written before the check: a failure must still leave no trace */
    if (b->len > sizeof(b->data))
        return vms_error_set(err, VMS_ERR_RANGE, 0, -1, NULL, "blob of %u bytes", b->len);
    vms_get_buffer(s, b->data, b->len);
    return 0;
}

static int blob_put(vms_stream_t *s, const void *field, size_t size, vms_error_t *err)
{
    const struct blob *b = field;

    (void)size;
    (void)err;
    vms_put_u8(s, b->len);
    vms_put_buffer(s, b->data, b->len);
    return 0;
}

static const struct vms_codec blob_codec = {.type_name = "blob", .get = blob_get, .put = blob_put};

static void opt_default(void *opaque, int version)
{
    (void)version;
    ((struct cx *)opaque)->opt = 7;
}

static const struct vms_field cx_fields[] = {
    {.name = "id", .type = VMS_WT_UINT32, .offset = offsetof(struct cx, id), .size = 4},
    {.name = "chan", .type = VMS_WT_STRUCT, .offset = offsetof(struct cx, chan),
     .size = sizeof(struct chan), .num = 2, .desc = &chan_desc},
    {.name = "n", .type = VMS_WT_UINT8, .offset = offsetof(struct cx, n), .size = 1},
    {.name = "queue", .type = VMS_WT_UINT16, .flags = VMS_F_POINTER | VMS_F_ALLOC | VMS_F_VARRAY,
     .offset = offsetof(struct cx, queue), .size = 2, .count_offset = offsetof(struct cx, n),
     .count_size = 1, .max = 16},
    {.name = "nregs", .type = VMS_WT_UINT32, .offset = offsetof(struct cx, nregs), .size = 4},
    {.name = "regs", .type = VMS_WT_UINT32, .flags = VMS_F_POINTER | VMS_F_VARRAY,
     .offset = offsetof(struct cx, regs), .size = 4, .count_offset = offsetof(struct cx, nregs),
     .count_size = 4, .max = 8},
    {.name = "timers", .type = VMS_WT_STRUCT, .flags = VMS_F_ARRAY_OF_POINTER,
     .offset = offsetof(struct cx, timers), .size = sizeof(struct timer), .num = 3,
     .desc = &timer_desc},
    {.name = "blob", .type = VMS_WT_CODEC, .offset = offsetof(struct cx, blob),
     .size = sizeof(struct blob), .codec = &blob_codec},
    {.name = "opt", .type = VMS_WT_UINT8, .offset = offsetof(struct cx, opt), .size = 1,
     .since = 2, .set_default = opt_default},
};

static int extra_post_load(void *opaque, int version, vms_error_t *err)
{
    (void)opaque;
    (void)version;
    (void)err;
    post_log_add('e');
    return 0;
}

static const struct vms_field extra_fields[] = {
    {.name = "extra", .type = VMS_WT_UINT16, .offset = offsetof(struct cx, extra), .size = 2},
};

static const struct vms_desc extra_desc = {
    .name = "cx/extra", .version = 1, .min_version = 1, .size = sizeof(struct cx),
    .fields = extra_fields, .n_fields = VMS_COUNTOF(extra_fields), .post_load = extra_post_load,
};

static bool extra_needed(const void *opaque, int version)
{
    (void)version;
    return ((const struct cx *)opaque)->extra != 0;
}

static void extra_absent(void *opaque, int version)
{
    (void)version;
    ((struct cx *)opaque)->extra = 0xdead;
}

static const struct vms_subsection cx_subs[] = {
    {.desc = &extra_desc, .needed = extra_needed, .flags = VMS_SUB_PRESENT_FLAG,
     .present_offset = offsetof(struct cx, extra_present), .absent = extra_absent},
};

static int cx_pre_load(void *opaque, vms_error_t *err)
{
    struct cx *x = opaque;

    (void)err;
    x->pre_calls++;
    x->post_queue_sum = 0xffffffffu; /* a reset a failed load must undo */
    return 0;
}

static int cx_post_load(void *opaque, int version, vms_error_t *err)
{
    struct cx *x = opaque;

    (void)version;
    (void)err;
    if (opaque != post_expect)
        post_wrong++;
    x->post_calls++;
    x->post_queue_sum = 0;
    for (size_t i = 0; i < x->n; i++)
        x->post_queue_sum += x->queue[i];
    post_log_add('X');
    return 0;
}

static bool cx_check(const void *opaque, int version)
{
    (void)version;
    return ((const struct cx *)opaque)->chan[0].rate != 0xdeadbeefu;
}

static const struct vms_desc cx_desc = {
    .name = "cx", .version = 2, .min_version = 1, .size = sizeof(struct cx),
    .fields = cx_fields, .n_fields = VMS_COUNTOF(cx_fields),
    .subsections = cx_subs, .n_subsections = VMS_COUNTOF(cx_subs),
    .pre_load = cx_pre_load, .post_load = cx_post_load,
    .check = cx_check, .check_text = "chan[0].rate != 0xdeadbeef",
};

static uint8_t *bytes_of(size_t n, uint8_t first)
{
    uint8_t *p = malloc(n);

    assert_non_null(p);
    for (size_t i = 0; i < n; i++)
        p[i] = (uint8_t)(first + i);
    return p;
}

/* A cx holding @seed's values: storage of its own for queue and the logs. */
static struct cx_dev *cx_new(int seed)
{
    struct cx_dev *d = calloc(1, sizeof(*d));
    struct cx *x;

    assert_non_null(d);
    x = &d->x;
    x->id = 0xc0de0000u + (uint32_t)seed;
    for (int i = 0; i < 2; i++) {
        x->chan[i].rate = 9600u * (uint32_t)(i + 1 + seed);
        x->chan[i].mode = (uint8_t)((i + seed) % 4);
    }
    x->n = (uint8_t)(seed ? 5 : 2);
    x->queue = malloc(x->n * sizeof(uint16_t));
    assert_non_null(x->queue);
    for (size_t i = 0; i < x->n; i++)
        x->queue[i] = (uint16_t)(0x100 * (seed + 1) + i);
    x->nregs = seed ? 6 : 3;
    x->regs = x->regs_store;
    for (size_t i = 0; i < 8; i++)
        x->regs_store[i] = 0xabc00000u + (uint32_t)(seed * 16 + (int)i);
    for (int i = 0; i < 3; i += 2) {
        d->t[i].expire = seed ? 1000 * (i + 1) : -1;
        d->t[i].cfg = 0x55u + (uint32_t)(i + seed);
        d->t[i].log_n = (uint8_t)(seed ? 3 + i : 2);
        d->t[i].log = bytes_of(d->t[i].log_n, (uint8_t)(0x40 + 0x10 * seed + i));
        x->timers[i] = &d->t[i];
    }
    x->blob.len = (uint8_t)(seed ? 4 : 1);
    memset(x->blob.data, 0x60 + seed, x->blob.len);
    x->extra = (uint16_t)(seed ? 0x4242 : 0x0101);
    x->extra_present = !seed;
    x->opt = (uint8_t)(9 + seed);
    return d;
}

static void *cx_make(void)
{
    return cx_new(0);
}

static void cx_destroy(void *obj)
{
    struct cx_dev *d = obj;

    free(d->x.queue);
    for (int i = 0; i < 3; i++)
        free(d->t[i].log);
    free(d);
}

/*
 * The struct and everything it points to. @raw keeps pointer values (for
 * "nothing changed"); without it they are masked, to compare two devices.
 */
static void cx_image(const void *obj, bool raw, struct img *m)
{
    const struct cx_dev *d = obj;
    struct cx x;

    memcpy(&x, &d->x, sizeof(x)); /* padding included, unlike an assignment */
    if (!raw) {
        x.queue = NULL;
        x.regs = (uint32_t *)(uintptr_t)(d->x.regs == d->x.regs_store);
        for (int i = 0; i < 3; i++)
            x.timers[i] = (struct timer *)(uintptr_t)(d->x.timers[i] == &d->t[i]);
    }
    img_add(m, &x, sizeof(x));
    img_add(m, d->x.queue, d->x.n * sizeof(uint16_t));
    img_add(m, d->x.regs, 8 * sizeof(uint32_t));
    for (int i = 0; i < 3; i++) {
        struct timer t;

        if (!d->x.timers[i])
            continue;
        memcpy(&t, d->x.timers[i], sizeof(t));
        if (!raw)
            t.log = NULL;
        img_add(m, &t, sizeof(t));
        img_add(m, d->x.timers[i]->log, d->x.timers[i]->log_n);
    }
}

/* ========================================================= the harness */

struct kind {
    const char *name;
    const struct vms_desc *desc;
    void *(*make)(void);
    void (*destroy)(void *obj);
    void (*image)(const void *obj, bool raw, struct img *m);
};

static const struct kind sc_kind = {"sc", &sc_desc, sc_make, free, sc_image};
static const struct kind cx_kind = {"cx", &cx_desc, cx_make, cx_destroy, cx_image};

/* cx_post_load must see the device, not a scratch copy: the address of its struct. */
static const void *cx_self(const struct kind *k, void *obj)
{
    return k == &cx_kind ? &((struct cx_dev *)obj)->x : NULL;
}

/* Loads @len bytes (copied, so ASan sees reads past the end) with @flags. */
static int load_flags(const struct vms_desc *d, void *obj, int version, const uint8_t *bytes,
                      size_t len, unsigned flags, vms_error_t *err)
{
    uint8_t *copy = malloc(len ? len : 1);
    vms_stream_t *s;
    int rc;

    assert_non_null(copy);
    if (len)
        memcpy(copy, bytes, len);
    s = vms_stream_mem_reader(copy, len);
    assert_non_null(s);
    vms_error_init(err);
    rc = vms_load_flags(s, d, obj, version, flags, err);
    assert_int_equal(rc, err->code);
    vms_stream_close(s);
    free(copy);
    return rc;
}

struct outcome {
    int ok, failed;
};

/*
 * Loads @bytes plainly into one new device and atomically into another and
 * compares as described at the top. @at and @flip only name the input.
 */
static void check_one(const struct kind *k, int version, const uint8_t *bytes, size_t len,
                      size_t at, uint8_t flip, struct outcome *out)
{
    void *plain = k->make(), *atom = k->make();
    struct img before = {0}, after = {0}, want = {0};
    char plain_log[sizeof(post_log)];
    vms_error_t perr, aerr;
    int prc, arc;

    post_reset(cx_self(k, plain));
    post_wrong = 0;
    prc = load_flags(k->desc, plain, version, bytes, len, 0, &perr);
    memcpy(plain_log, post_log, sizeof(post_log));

    k->image(atom, true, &before);
    post_reset(cx_self(k, atom));
    arc = load_flags(k->desc, atom, version, bytes, len, VMS_LOAD_ATOMIC, &aerr);
    if (arc != prc)
        fail_msg("%s at %zu xor 0x%02x: plain load %d (%s), atomic %d (%s)", k->name, at, flip,
                 prc, perr.message, arc, aerr.message);
    assert_int_equal(post_wrong, 0);
    if (arc) {
        assert_true(aerr.message[0] != '\0');
        assert_int_equal(post_log_n, 0); /* no post_load ran */
        k->image(atom, true, &after);
        img_check(&after, &before, k->name, at, flip);
        out->failed++;
    } else {
        assert_string_equal(post_log, plain_log); /* same post_loads, same order */
        k->image(plain, false, &want);
        k->image(atom, false, &after);
        img_check(&after, &want, k->name, at, flip);
        out->ok++;
    }
    free(before.p);
    free(after.p);
    free(want.p);
    k->destroy(plain);
    k->destroy(atom);
}

/* Every prefix of @bytes, then every byte flipped each way of `flips`. */
static struct outcome sweep(const struct kind *k, int version, const uint8_t *bytes, size_t len)
{
    struct outcome out = {0, 0};
    uint8_t *bad = malloc(len ? len : 1);

    assert_non_null(bad);
    for (size_t cut = 0; cut <= len; cut++)
        check_one(k, version, bytes, cut, cut, 0, &out);
    for (size_t at = 0; at < len; at++) {
        for (size_t f = 0; f < VMS_COUNTOF(flips); f++) {
            memcpy(bad, bytes, len);
            bad[at] ^= flips[f];
            check_one(k, version, bad, len, at, flips[f], &out);
        }
    }
    free(bad);
    print_message("%s: %d inputs loaded, %d failed\n", k->name, out.ok, out.failed);
    return out;
}

/* ---- single payloads ---- */

static void test_scalars_sweep(void **state)
{
    struct sc src;
    vms_error_t err;
    uint8_t *bytes;
    size_t len;
    struct outcome out;

    (void)state;
    sc_fill(&src, 3);
    assert_int_equal(save_any(&sc_desc, &src, -1, &bytes, &len, &err), 0);
    out = sweep(&sc_kind, 1, bytes, len);
    assert_true(out.ok > 0 && out.failed > 0);
    free(bytes);
}

static uint8_t *cx_payload(int target, size_t *len)
{
    struct cx_dev *src = cx_new(1);
    vms_error_t err;
    uint8_t *bytes;

    assert_int_equal(save_any(&cx_desc, &src->x, target, &bytes, len, &err), 0);
    cx_destroy(src);
    return bytes;
}

static void test_cx_sweep(void **state)
{
    size_t len;
    uint8_t *bytes = cx_payload(-1, &len);
    struct outcome out;

    (void)state;
    out = sweep(&cx_kind, 2, bytes, len);
    assert_true(out.ok > 0 && out.failed > 0);
    free(bytes);
}

/* Version 1 lacks `opt` (set_default runs on the scratch copy). */
static void test_cx_sweep_old_version(void **state)
{
    size_t len;
    uint8_t *bytes = cx_payload(1, &len);
    struct outcome out;

    (void)state;
    out = sweep(&cx_kind, 1, bytes, len);
    assert_true(out.ok > 0 && out.failed > 0);
    free(bytes);
}

/* A good atomic load: values, storage replaced and freed, hooks once, on the device. */
static void test_cx_commit(void **state)
{
    struct cx_dev *src = cx_new(1), *dst = cx_new(0);
    uint16_t *old_queue = dst->x.queue;
    vms_error_t err;
    uint8_t *bytes;
    size_t len;

    (void)state;
    assert_int_equal(save_any(&cx_desc, &src->x, -1, &bytes, &len, &err), 0);
    post_reset(&dst->x);
    post_wrong = 0;
    assert_int_equal(load_flags(&cx_desc, &dst->x, 2, bytes, len, VMS_LOAD_ATOMIC, &err), 0);
    assert_int_equal(post_wrong, 0);
    assert_string_equal(post_log, "cctteX"); /* chan x2, timer x2, cx/extra, cx */
    assert_int_equal(dst->x.pre_calls, 1);
    assert_int_equal(dst->x.post_calls, 1);
    assert_int_equal(dst->x.post_queue_sum, 0x200 * 5 + 0 + 1 + 2 + 3 + 4);
    assert_int_equal(dst->x.chan[1].seen, dst->x.chan[1].rate); /* nested post_load on the device */
    assert_int_equal(dst->x.id, src->x.id);
    assert_int_equal(dst->x.n, 5);
    assert_ptr_not_equal(dst->x.queue, old_queue);
    assert_memory_equal(dst->x.queue, src->x.queue, 5 * sizeof(uint16_t));
    assert_ptr_equal(dst->x.regs, dst->x.regs_store); /* the pointer into itself stays */
    assert_memory_equal(dst->x.regs_store, src->x.regs_store, 6 * sizeof(uint32_t));
    assert_ptr_equal(dst->x.timers[0], &dst->t[0]); /* DEREF targets stay, filled */
    assert_ptr_equal(dst->x.timers[2], &dst->t[2]);
    assert_null(dst->x.timers[1]);
    assert_int_equal(dst->t[2].log_n, 5);
    assert_memory_equal(dst->t[2].log, src->t[2].log, 5);
    assert_true(dst->x.extra_present);
    assert_int_equal(dst->x.extra, 0x4242);
    assert_int_equal(dst->x.blob.len, 4);
    free(bytes);
    cx_destroy(src);
    cx_destroy(dst); /* LSan: the replaced queue and logs were freed */
}

/* A subsection the stream lacks: absent() and the present flag apply, committed together. */
static void test_cx_absent_subsection(void **state)
{
    struct cx_dev *src = cx_new(1), *dst = cx_new(0);
    vms_error_t err;
    uint8_t *bytes;
    size_t len;

    (void)state;
    src->x.extra = 0;
    assert_int_equal(save_any(&cx_desc, &src->x, -1, &bytes, &len, &err), 0);
    assert_true(dst->x.extra_present);
    post_reset(&dst->x);
    assert_int_equal(load_flags(&cx_desc, &dst->x, 2, bytes, len, VMS_LOAD_ATOMIC, &err), 0);
    assert_false(dst->x.extra_present);
    assert_int_equal(dst->x.extra, 0xdead);
    assert_string_equal(post_log, "ccttX");
    free(bytes);
    cx_destroy(src);
    cx_destroy(dst);
}

/* A count of 0 replaces ALLOC storage with NULL at the commit, and frees the old storage. */
static void test_alloc_to_empty(void **state)
{
    struct cx_dev *src = cx_new(1), *dst = cx_new(0);
    vms_error_t err;
    uint8_t *bytes;
    size_t len;

    (void)state;
    free(src->x.queue);
    src->x.queue = NULL;
    src->x.n = 0;
    assert_int_equal(save_any(&cx_desc, &src->x, -1, &bytes, &len, &err), 0);
    post_reset(&dst->x);
    assert_int_equal(load_flags(&cx_desc, &dst->x, 2, bytes, len, VMS_LOAD_ATOMIC, &err), 0);
    assert_null(dst->x.queue);
    assert_int_equal(dst->x.post_queue_sum, 0);
    free(bytes);
    cx_destroy(src);
    cx_destroy(dst);
}

/* Two slots pointing at one object load into one copy, as a plain load writes it twice. */
static void test_deref_alias(void **state)
{
    struct cx_dev *src = cx_new(1), *plain = cx_new(0), *atom = cx_new(0);
    struct img want = {0}, got = {0};
    vms_error_t err;
    uint8_t *bytes;
    size_t len;

    (void)state;
    assert_int_equal(save_any(&cx_desc, &src->x, -1, &bytes, &len, &err), 0);
    plain->x.timers[2] = &plain->t[0];
    atom->x.timers[2] = &atom->t[0];
    post_reset(&plain->x);
    assert_int_equal(load_flags(&cx_desc, &plain->x, 2, bytes, len, 0, &err), 0);
    post_reset(&atom->x);
    assert_int_equal(load_flags(&cx_desc, &atom->x, 2, bytes, len, VMS_LOAD_ATOMIC, &err), 0);
    assert_ptr_equal(atom->x.timers[2], &atom->t[0]);
    cx_image(plain, false, &want);
    cx_image(atom, false, &got);
    assert_bytes_equal(got.p, got.len, want.p, want.len);
    assert_int_equal(atom->t[0].log_n, 5); /* the second copy won */
    free(want.p);
    free(got.p);
    free(bytes);
    cx_destroy(src);
    cx_destroy(plain);
    cx_destroy(atom);
}

/* post_load failing after the commit: reported, the state stays loaded. */
static int failing_post_load(void *opaque, int version, vms_error_t *err)
{
    (void)opaque;
    (void)version;
    return vms_error_set(err, VMS_ERR_CHECK, 0, -1, NULL, "device refuses");
}

static void test_post_load_failure_after_commit(void **state)
{
    struct vms_desc d = sc_desc;
    struct sc src, dst;
    vms_error_t err;
    uint8_t *bytes;
    size_t len;

    (void)state;
    d.post_load = failing_post_load;
    sc_fill(&src, 5);
    sc_fill(&dst, 0);
    assert_int_equal(save_any(&d, &src, -1, &bytes, &len, &err), 0);
    assert_int_equal(load_flags(&d, &dst, 1, bytes, len, VMS_LOAD_ATOMIC, &err), VMS_ERR_CHECK);
    assert_contains(err.message, "post_load of 'sc' failed: device refuses");
    assert_string_equal(err.path, "sc");
    assert_memory_equal(&dst, &src, sizeof(dst));
    free(bytes);
}

/* A pointer field whose elements have no size cannot be copied: refused before loading. */
static int zero_get(vms_stream_t *s, void *field, size_t size, vms_error_t *err)
{
    (void)s;
    (void)field;
    (void)size;
    (void)err;
    return 0;
}

static int zero_put(vms_stream_t *s, const void *field, size_t size, vms_error_t *err)
{
    (void)s;
    (void)field;
    (void)size;
    (void)err;
    return 0;
}

static void test_refusals(void **state)
{
    static const struct vms_codec zero_codec = {"zero", zero_get, zero_put};
    struct holder {
        uint8_t *p;
    } h;
    uint8_t target = 0;
    const struct vms_field fields[] = {
        {.name = "p", .type = VMS_WT_CODEC, .flags = VMS_F_POINTER,
         .offset = offsetof(struct holder, p), .size = 0, .codec = &zero_codec},
    };
    const struct vms_desc d = {
        .name = "h", .version = 1, .min_version = 1, .size = sizeof(struct holder),
        .fields = fields, .n_fields = 1,
    };
    vms_error_t err;

    (void)state;
    h.p = &target;
    assert_int_equal(load_flags(&d, &h, 1, (const uint8_t *)"", 0, VMS_LOAD_ATOMIC, &err),
                     VMS_ERR_INVAL);
    assert_contains(err.message, "cannot be copied");
    assert_ptr_equal(h.p, &target);
    /* a NULL object */
    assert_int_equal(load_flags(&sc_desc, NULL, 1, (const uint8_t *)"", 0, VMS_LOAD_ATOMIC,
                                &err), VMS_ERR_INVAL);
}

/* vms_desc.size makes vms_desc_validate check that fields, counts and flags fit. */
static void test_validate_size(void **state)
{
    struct vms_field f = sc_fields[9];
    struct vms_desc d = {
        .name = "v", .version = 1, .min_version = 1, .size = offsetof(struct sc, lo) + 1,
        .fields = &f, .n_fields = 1,
    };
    struct vms_desc outer = cx_desc;
    vms_error_t err;

    (void)state;
    assert_int_equal(vms_desc_validate(&d, NULL), 0);
    d.size--;
    vms_error_init(&err);
    assert_int_equal(vms_desc_validate(&d, &err), VMS_ERR_INVAL);
    assert_contains(err.message, "exceeds the struct size");
    assert_string_equal(err.path, "v/lo");

    assert_int_equal(vms_desc_validate(&outer, NULL), 0);
    outer.size = offsetof(struct cx, extra_present); /* opt, the present flag, cx/extra stick out */
    vms_error_init(&err);
    assert_int_equal(vms_desc_validate(&outer, &err), VMS_ERR_INVAL);
    assert_contains(err.message, "exceeds the struct size");
}

/* ---- whole streams ---- */

/* Two devices in one registry: cx, then sc. */
struct pair {
    struct cx_dev *x;
    struct sc *s;
    vms_registry_t *r;
};

static void pair_init(struct pair *p, int seed, unsigned flags)
{
    p->x = cx_new(seed);
    p->s = malloc(sizeof(*p->s));
    assert_non_null(p->s);
    sc_fill(p->s, seed);
    p->r = vms_registry_new("pc-atomic");
    assert_non_null(p->r);
    assert_int_equal(vms_register(p->r, "cx", 0, &cx_desc, &p->x->x), 0);
    assert_int_equal(vms_register(p->r, "sc", 0, &sc_desc, p->s), 0);
    vms_registry_set_flags(p->r, flags);
}

static void pair_image(const struct pair *p, bool raw, struct img *m)
{
    cx_image(p->x, raw, m);
    sc_image(p->s, raw, m);
}

static void pair_clear(struct pair *p)
{
    vms_registry_free(p->r);
    cx_destroy(p->x);
    free(p->s);
}

static int load_copy(vms_registry_t *r, const uint8_t *bytes, size_t len, vms_error_t *err)
{
    uint8_t *copy = malloc(len ? len : 1);
    int rc;

    assert_non_null(copy);
    if (len)
        memcpy(copy, bytes, len);
    rc = load_registry(r, copy, len, err);
    free(copy);
    return rc;
}

static void check_stream_one(const uint8_t *bytes, size_t len, size_t at, uint8_t flip,
                             struct outcome *out)
{
    struct pair plain, atom;
    struct img before = {0}, after = {0}, want = {0};
    char plain_log[sizeof(post_log)];
    vms_error_t perr, aerr;
    int prc, arc;

    pair_init(&plain, 0, 0);
    pair_init(&atom, 0, VMS_LOAD_ATOMIC);
    post_reset(&plain.x->x);
    post_wrong = 0;
    prc = load_copy(plain.r, bytes, len, &perr);
    memcpy(plain_log, post_log, sizeof(post_log));
    pair_image(&atom, true, &before);
    post_reset(&atom.x->x);
    arc = load_copy(atom.r, bytes, len, &aerr);
    if (arc != prc)
        fail_msg("stream at %zu xor 0x%02x: plain load %d (%s), atomic %d (%s)", at, flip, prc,
                 perr.message, arc, aerr.message);
    assert_int_equal(post_wrong, 0);
    if (arc) {
        assert_int_equal(post_log_n, 0);
        pair_image(&atom, true, &after);
        img_check(&after, &before, "stream", at, flip);
        out->failed++;
    } else {
        assert_string_equal(post_log, plain_log);
        pair_image(&plain, false, &want);
        pair_image(&atom, false, &after);
        img_check(&after, &want, "stream", at, flip);
        out->ok++;
    }
    free(before.p);
    free(after.p);
    free(want.p);
    pair_clear(&plain);
    pair_clear(&atom);
}

/* A lookup_fn for walk_stream over a pair's stream. */
static const struct vms_desc *pair_lookup(const char *idstr, uint32_t instance, void *ctx,
                                          void **opaque)
{
    struct pair *p = ctx;

    (void)instance;
    if (strcmp(idstr, "cx") == 0) {
        *opaque = &p->x->x;
        return &cx_desc;
    }
    *opaque = p->s;
    return &sc_desc;
}

static uint8_t *pair_stream(size_t *len)
{
    struct pair src;
    uint8_t *bytes;

    pair_init(&src, 1, 0);
    bytes = save_registry(src.r, len);
    pair_clear(&src);
    return bytes;
}

static void test_stream_sweep(void **state)
{
    struct outcome out = {0, 0};
    size_t len;
    uint8_t *bytes = pair_stream(&len);
    uint8_t *bad = malloc(len);

    (void)state;
    assert_non_null(bad);
    for (size_t cut = 0; cut < len; cut++)
        check_stream_one(bytes, cut, cut, 0, &out);
    assert_int_equal(out.ok, 0); /* a whole stream has no complete prefix */
    check_stream_one(bytes, len, len, 0, &out);
    assert_int_equal(out.ok, 1);
    for (size_t at = 0; at < len; at++) {
        for (size_t f = 0; f < VMS_COUNTOF(flips); f++) {
            memcpy(bad, bytes, len);
            bad[at] ^= flips[f];
            check_stream_one(bad, len, at, flips[f], &out);
        }
    }
    assert_true(out.ok > 1 && out.failed > 0);
    print_message("stream: %d inputs loaded, %d failed\n", out.ok, out.failed);
    free(bad);
    free(bytes);
}

/* The second section is bad: the first, loaded fine, is not committed either. */
static void test_stream_second_section_bad(void **state)
{
    struct pair dst, scratch;
    struct img before = {0}, after = {0};
    struct walk w;
    vms_error_t err;
    size_t len;
    uint8_t *bytes = pair_stream(&len);

    (void)state;
    pair_init(&dst, 0, VMS_LOAD_ATOMIC);
    pair_init(&scratch, 0, 0);
    post_reset(&scratch.x->x);
    walk_stream(bytes, len, pair_lookup, &scratch, &w);
    pair_clear(&scratch);
    assert_int_equal(w.n, 2);
    assert_string_equal(w.sec[1].idstr, "sc");
    /* sc's last byte is `lo` (VMS_RANGE(0, 9)), just before its footer */
    bytes[w.eof_at - 6] = 10;
    pair_image(&dst, true, &before);
    post_reset(&dst.x->x);
    assert_int_equal(load_copy(dst.r, bytes, len, &err), VMS_ERR_CHECK);
    assert_string_equal(err.path, "sc/lo");
    assert_int_equal(post_log_n, 0);
    pair_image(&dst, true, &after);
    assert_bytes_equal(after.p, after.len, before.p, before.len);
    free(before.p);
    free(after.p);
    free(bytes);
    pair_clear(&dst);
}

/* Whole-stream commit: every post_load after every section loaded, in stream order. */
static int sc_post_load(void *opaque, int version, vms_error_t *err)
{
    (void)opaque;
    (void)version;
    (void)err;
    post_log_add('S');
    return 0;
}

static void test_stream_post_load_order(void **state)
{
    struct vms_desc sc_hooked = sc_desc;
    struct cx_dev *x = cx_new(0);
    struct sc s;
    vms_registry_t *r = vms_registry_new("pc-atomic");
    vms_error_t err;
    size_t len;
    uint8_t *bytes = pair_stream(&len);

    (void)state;
    sc_hooked.post_load = sc_post_load;
    sc_fill(&s, 0);
    assert_int_equal(vms_register(r, "cx", 0, &cx_desc, &x->x), 0);
    assert_int_equal(vms_register(r, "sc", 0, &sc_hooked, &s), 0);
    vms_registry_set_flags(r, VMS_LOAD_ATOMIC);
    post_reset(&x->x);
    assert_int_equal(load_copy(r, bytes, len, &err), 0);
    assert_string_equal(post_log, "cctteXS");
    assert_int_equal(s.lo, 1 % 10);
    vms_registry_free(r);
    cx_destroy(x);
    free(bytes);
}

/* The golden machine (five registrations, priorities, subsections): every cut and corruption. */
static void test_golden_machine_sweep(void **state)
{
    size_t len, ok = 0;
    uint8_t *bytes = slurp(GOLDEN_STREAM, &len);
    uint8_t *bad;

    (void)state;
    assert_non_null(bytes);
    bad = malloc(len);
    assert_non_null(bad);
    for (size_t at = 0; at <= len; at++) {
        for (size_t f = 0; f <= VMS_COUNTOF(flips); f++) {
            struct machine plain, atom, before;
            vms_registry_t *pr, *ar;
            vms_error_t perr, aerr;
            size_t n = f == 0 ? at : len; /* f == 0: the cut at `at` */
            int prc, arc;

            if (f > 0 && at == len)
                break;
            memcpy(bad, bytes, len);
            if (f > 0)
                bad[at] ^= flips[f - 1];
            machine_poison(&plain);
            machine_poison(&atom);
            before = atom;
            pr = machine_registry(&plain);
            ar = machine_registry(&atom);
            vms_registry_set_flags(ar, VMS_LOAD_ATOMIC);
            prc = load_copy(pr, bad, n, &perr);
            arc = load_copy(ar, bad, n, &aerr);
            assert_int_equal(arc, prc);
            if (arc) {
                assert_memory_equal(&atom, &before, sizeof(atom));
            } else {
                assert_memory_equal(&atom, &plain, sizeof(atom));
                ok++;
            }
            vms_registry_free(pr);
            vms_registry_free(ar);
        }
    }
    assert_true(ok > 0);
    free(bad);
    free(bytes);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_scalars_sweep),
        cmocka_unit_test(test_cx_sweep),
        cmocka_unit_test(test_cx_sweep_old_version),
        cmocka_unit_test(test_cx_commit),
        cmocka_unit_test(test_cx_absent_subsection),
        cmocka_unit_test(test_alloc_to_empty),
        cmocka_unit_test(test_deref_alias),
        cmocka_unit_test(test_post_load_failure_after_commit),
        cmocka_unit_test(test_refusals),
        cmocka_unit_test(test_validate_size),
        cmocka_unit_test(test_stream_sweep),
        cmocka_unit_test(test_stream_second_section_bad),
        cmocka_unit_test(test_stream_post_load_order),
        cmocka_unit_test(test_golden_machine_sweep),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
