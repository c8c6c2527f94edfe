/* atomic_fixtures.c: devices and image checks for the atomic-load tests. */
#include <stdlib.h>
#include <string.h>

#include "atomic_fixtures.h"

const uint8_t flips[N_FLIPS] = {0x01, 0x80, 0xff};

/* ---- device images: the bytes that must not change ---- */

void img_add(struct img *m, const void *p, size_t len)
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

void img_check(const struct img *got, const struct img *want, const char *what, size_t at,
               uint8_t flip)
{
    if (got->len == want->len && memcmp(got->p, want->p, got->len) == 0)
        return;
    fprintf(stderr, "%s: input cut/corrupted at %zu (xor 0x%02x)\n", what, at, flip);
    assert_bytes_equal(got->p, got->len, want->p, want->len);
}

/* ---- post_load bookkeeping ---- */

char post_log[64];
size_t post_log_n;
int post_wrong;
static const void *post_expect; /* the device being loaded: cx's post_load must see it */

void post_log_add(char c)
{
    if (post_log_n < sizeof(post_log) - 1)
        post_log[post_log_n++] = c;
    post_log[post_log_n] = '\0';
}

void post_reset(const void *expect)
{
    post_log_n = 0;
    post_log[0] = '\0';
    post_expect = expect;
}

/* ================================================= device 1: scalars only */

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

const struct vms_desc sc_desc = {
    .name = "sc", .version = 1, .min_version = 1, .size = sizeof(struct sc),
    .fields = sc_fields, .n_fields = VMS_COUNTOF(sc_fields),
};

void sc_fill(struct sc *s, int seed)
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

void sc_image(const void *obj, bool raw, struct img *m)
{
    (void)raw;
    img_add(m, obj, sizeof(struct sc));
}

/* ==================== device 2: nested, ALLOC, pointers, DEREF, codec, subsection, hooks */

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
     .offset = offsetof(struct timer, log), .size = 1,
     .count_offset = offsetof(struct timer, log_n), .count_size = 1, .max = 8},
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
    /* Resets, through pointers too, that a failed load must undo. */
    x->pre_calls++;
    x->post_queue_sum = 0xffffffffu;
    for (size_t i = 0; i < x->n && x->queue; i++)
        x->queue[i] = 0;
    if (x->timers[0] && x->timers[0]->log_n)
        x->timers[0]->log[0] = 0xee;
    x->regs[7] = 0; /* into its own struct */
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

const struct vms_desc cx_desc = {
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

struct cx_dev *cx_new(int seed)
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

void cx_destroy(void *obj)
{
    struct cx_dev *d = obj;

    free(d->x.queue);
    for (int i = 0; i < 3; i++)
        free(d->t[i].log);
    free(d);
}

void cx_image(const void *obj, bool raw, struct img *m)
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

/* ---- loading ---- */

/* Loads @len bytes (copied, so ASan sees reads past the end) with @flags. */
int load_with_flags(const struct vms_desc *d, void *obj, int version, const uint8_t *bytes,
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
