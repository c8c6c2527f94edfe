/*
 * test_fast_path.c: the generated fast path (vms_desc.fast_save/fast_load)
 * against the table walk, which vms_set_fast_path(false) forces.
 *
 * Every description with a fast path, from fastdev.h and from the real QEMU
 * devices of tests/realdev, is loaded from pseudo-random payloads (mostly
 * zero bytes, so range checks pass often and fail often) and from their
 * truncations, plainly and atomically, at every version it accepts, once
 * each way: the result, the error (code, path, offset, message), the stream
 * offset and the object must be identical, and so must the bytes of saving
 * what loaded. A wrapper counts the calls, so the fast path is known to have
 * run. Then the cases named in docs/runtime.md one by one: a range failure's
 * exact report, checks that read earlier and later fields, atomic loads,
 * hooks, transports that deliver a few bytes at a time, and
 * vms_desc_validate() of a fast path that does not match its fields.
 */
#include "testutil.h"

#include <stdlib.h>
#include <string.h>

#include "fastdev.vms.h"
#include "globalstate.vms.h"
#include "hpet.vms.h"
#include "i8254.vms.h"
#include "i8257.vms.h"
#include "i8259.vms.h"
#include "ioapic.vms.h"
#include "isa_misc.vms.h"
#include "mc146818rtc.vms.h"
#include "ps2.vms.h"

#define OBJ_MAX 8192
#define SEEDS 300

/* ---- fastdev.h's hooks ---- */

int fast_pre_save(void *opaque, vms_error_t *err)
{
    (void)err;
    ((struct FastAll *)opaque)->saves++;
    return 0;
}

int fast_post_load(void *opaque, int version, vms_error_t *err)
{
    (void)version;
    (void)err;
    ((struct FastAll *)opaque)->loads++;
    return 0;
}

/* ---- a description whose fast path counts its calls ---- */

static const struct vms_desc *wrapped;
static unsigned fast_saves, fast_loads;

static void counting_save(uint8_t *dst, const void *opaque)
{
    fast_saves++;
    wrapped->fast_save(dst, opaque);
}

static size_t counting_load(void *opaque, const uint8_t *src)
{
    fast_loads++;
    return wrapped->fast_load(opaque, src);
}

/* A copy of @d whose fast path goes through the counters (the same functions underneath). */
static struct vms_desc counting(const struct vms_desc *d)
{
    struct vms_desc c = *d;

    wrapped = d;
    c.fast_save = counting_save;
    c.fast_load = counting_load;
    return c;
}

/* ---- one load or save, and its outcome ---- */

struct outcome {
    int rc;
    vms_error_t err;
    uint64_t offset;
    _Alignas(16) uint8_t obj[OBJ_MAX];
    uint8_t *bytes; /* saves: what was written (malloc'd) */
    size_t len;
};

static uint64_t rng;

static uint8_t next_byte(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (uint8_t)(rng >> 24);
}

/* Mostly zeros: small values pass range checks, the others fail them. */
static void fill_payload(uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        p[i] = (next_byte() & 3) == 0 ? next_byte() : 0;
}

static void load_once(const struct vms_desc *d, const uint8_t *bytes, size_t len, int version,
                      unsigned flags, bool fast, const uint8_t *init, struct outcome *o)
{
    vms_stream_t *s = vms_stream_mem_reader(bytes, len);

    assert_non_null(s);
    memcpy(o->obj, init, d->size);
    vms_error_init(&o->err);
    vms_set_fast_path(fast);
    o->rc = vms_load_flags(s, d, o->obj, version, flags, &o->err);
    o->offset = vms_stream_offset(s);
    vms_stream_close(s);
    vms_set_fast_path(true);
}

static void save_once(const struct vms_desc *d, void *obj, int version, bool fast,
                      struct outcome *o)
{
    vms_stream_t *s = vms_stream_mem_writer();
    const void *data;

    assert_non_null(s);
    vms_error_init(&o->err);
    vms_set_fast_path(fast);
    /* vms_save() has a shortcut of its own for descriptions without hooks or subsections */
    o->rc = version == d->version ? vms_save(s, d, obj, &o->err)
                                  : vms_save_version(s, d, obj, version, &o->err);
    vms_set_fast_path(true);
    data = vms_stream_mem_data(s, &o->len);
    o->bytes = malloc(o->len + 1);
    assert_non_null(o->bytes);
    memcpy(o->bytes, data, o->len);
    o->offset = vms_stream_offset(s);
    vms_stream_close(s);
}

static void assert_same_error(const vms_error_t *a, const vms_error_t *b)
{
    assert_int_equal(a->code, b->code);
    assert_int_equal(a->offset, b->offset);
    assert_string_equal(a->path, b->path);
    assert_string_equal(a->message, b->message);
}

static void assert_same(const struct vms_desc *d, const struct outcome *a,
                        const struct outcome *b)
{
    assert_int_equal(a->rc, b->rc);
    assert_same_error(&a->err, &b->err);
    assert_int_equal(a->offset, b->offset);
    assert_memory_equal(a->obj, b->obj, d->size);
}

/* Loads @bytes both ways; when the load succeeds, saves the result both ways too. */
static void compare(const struct vms_desc *d, const uint8_t *bytes, size_t len, int version,
                    unsigned flags, const uint8_t *init)
{
    static struct outcome fast, table;

    load_once(d, bytes, len, version, flags, true, init, &fast);
    load_once(d, bytes, len, version, flags, false, init, &table);
    assert_same(d, &fast, &table);
    if (fast.rc != 0)
        return;
    save_once(d, fast.obj, version, true, &fast);
    save_once(d, table.obj, version, false, &table);
    assert_int_equal(fast.rc, table.rc);
    assert_same_error(&fast.err, &table.err);
    assert_bytes_equal(fast.bytes, fast.len, table.bytes, table.len);
    assert_memory_equal(fast.obj, table.obj, d->size); /* pre_save hooks ran alike */
    free(fast.bytes);
    free(table.bytes);
}

/*
 * The differential run over one description: random payloads (plus a byte
 * that is no subsection marker, as a section footer would be), some cut
 * short, at each version, plain and atomic.
 */
static void differential(const struct vms_desc *orig)
{
    static _Alignas(16) uint8_t init[OBJ_MAX];
    struct vms_desc d = counting(orig);
    size_t n = orig->fast_size + 1;
    uint8_t *payload = malloc(n + 64);

    assert_non_null(payload);
    assert_true(orig->size <= OBJ_MAX);
    memset(init, 0, sizeof(init));
    fast_loads = fast_saves = 0;
    rng = 0x9e3779b97f4a7c15u ^ orig->fast_size;
    for (int seed = 0; seed < SEEDS; seed++) {
        fill_payload(payload, n + 64);
        payload[orig->fast_size] = 0x00;
        for (int v = orig->min_version; v <= orig->version; v++) {
            compare(&d, payload, n + 64, v, 0, init);
            compare(&d, payload, n + 64, v, VMS_LOAD_ATOMIC, init);
        }
        if (seed % 50 == 0) {
            for (size_t cut = 0; cut < n; cut++)
                compare(&d, payload, cut, orig->version, 0, init);
        }
    }
    assert_true(fast_loads > 0); /* the fast path ran (test_range_error: only when on) */
    free(payload);
}

/* ---- the cases ---- */

static void test_eligibility(void **state)
{
    struct vms_desc bad = vms_desc_FastAll;
    vms_error_t err;

    (void)state;
    assert_non_null(vms_desc_FastAll.fast_save);
    assert_non_null(vms_desc_FastAll.fast_load);
    assert_int_equal(vms_desc_FastAll.fast_size, 130);
    assert_int_equal(vms_desc_FastInner.fast_size, 6);
    assert_null(vms_desc_FastCond.fast_load);   /* VMS_IF */
    assert_null(vms_desc_FastOuter.fast_load);  /* a nested struct */
    assert_int_equal(vms_desc_validate(&vms_desc_FastAll, NULL), 0);
    assert_int_equal(vms_desc_validate(&vms_desc_FastOuter, NULL), 0);

    bad.fast_size++;
    vms_error_init(&err);
    assert_int_equal(vms_desc_validate(&bad, &err), VMS_ERR_INVAL);
    assert_string_equal(err.message, "fast path does not match the fields");
    bad = vms_desc_FastAll;
    bad.fast_load = NULL;
    assert_int_equal(vms_desc_validate(&bad, NULL), VMS_ERR_INVAL);
}

static void test_differential_fastdev(void **state)
{
    (void)state;
    differential(&vms_desc_FastAll);
    differential(&vms_desc_FastInner);
}

static void test_differential_realdev(void **state)
{
    const struct vms_desc *const all[] = {
        &vms_desc_GlobalState, &vms_desc_HpetTimer, &vms_desc_Hpet, &vms_desc_PitChannel,
        &vms_desc_Pit, &vms_desc_DmaRegs, &vms_desc_DmaCont, &vms_desc_Pic8259,
        &vms_desc_IoApic, &vms_desc_PcSpk, &vms_desc_Port92, &vms_desc_VapicHandlers,
        &vms_desc_VapicGuestRom, &vms_desc_VapicRom, &vms_desc_Rtc, &vms_desc_Ps2Common,
        &vms_desc_Ps2KbdLedState, &vms_desc_Ps2KbdHighBit, &vms_desc_Ps2KbdCqueue,
        &vms_desc_Ps2Kbd, &vms_desc_Ps2Mouse,
    };
    int with_fast = 0;

    (void)state;
    for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++) {
        if (!all[i]->fast_load)
            continue;
        differential(all[i]);
        with_fast++;
    }
    assert_true(with_fast >= 10); /* most real devices qualify; see docs/runtime.md */
}

/* A FastAll payload from an object (saved through the table walk). */
static size_t payload_of(struct FastAll *o, uint8_t *out, size_t cap)
{
    struct outcome *save = calloc(1, sizeof(*save));
    size_t len;

    assert_non_null(save);
    save_once(&vms_desc_FastAll, o, 3, false, save);
    assert_int_equal(save->rc, 0);
    assert_true(save->len + 1 <= cap);
    memcpy(out, save->bytes, save->len);
    out[save->len] = 0x00;
    len = save->len + 1;
    free(save->bytes);
    free(save);
    return len;
}

static void test_range_error(void **state)
{
    static struct outcome fast, table;
    struct FastAll o = {.i16 = -2, .u32 = 101, .i64 = 5}, init = {.i64 = 77};
    uint8_t bytes[256];
    size_t len = payload_of(&o, bytes, sizeof(bytes));
    struct vms_desc d = counting(&vms_desc_FastAll);

    (void)state;
    fast_loads = 0;
    load_once(&d, bytes, len, 3, 0, true, (const uint8_t *)&init, &fast);
    assert_int_equal(fast_loads, 1);
    load_once(&d, bytes, len, 3, 0, false, (const uint8_t *)&init, &table);
    assert_int_equal(fast_loads, 1);
    assert_same(&vms_desc_FastAll, &fast, &table);
    assert_int_equal(fast.rc, VMS_ERR_CHECK);
    assert_string_equal(fast.err.path, "fast/all/u32");
    assert_int_equal(fast.err.offset, 18); /* right after u32 (14 + 4) */
    assert_string_equal(fast.err.message, "value 101 violates 'VMS_RANGE(0, 100)'");
    /* fields up to u32 loaded, the ones after it untouched */
    assert_int_equal(((struct FastAll *)fast.obj)->i16, -2);
    assert_int_equal(((struct FastAll *)fast.obj)->i64, 77);
}

/* fwd's check reads tail, which loads after it: both paths see tail's old value. */
static void test_check_order(void **state)
{
    static struct outcome fast, table;
    struct FastAll o = {.fwd = 7, .tail = 10}, init = {.tail = 5};
    uint8_t bytes[256];
    size_t len = payload_of(&o, bytes, sizeof(bytes));

    (void)state;
    load_once(&vms_desc_FastAll, bytes, len, 3, 0, true, (const uint8_t *)&init, &fast);
    load_once(&vms_desc_FastAll, bytes, len, 3, 0, false, (const uint8_t *)&init, &table);
    assert_same(&vms_desc_FastAll, &fast, &table);
    assert_int_equal(fast.rc, VMS_ERR_CHECK);
    assert_string_equal(fast.err.path, "fast/all/fwd");
    assert_int_equal(fast.err.offset, 125);

    o.tail = 1;
    init.tail = 10; /* fwd 7 <= the old tail 10: passes, then tail becomes 1 */
    len = payload_of(&o, bytes, sizeof(bytes));
    load_once(&vms_desc_FastAll, bytes, len, 3, 0, true, (const uint8_t *)&init, &fast);
    load_once(&vms_desc_FastAll, bytes, len, 3, 0, false, (const uint8_t *)&init, &table);
    assert_same(&vms_desc_FastAll, &fast, &table);
    assert_int_equal(fast.rc, 0);
    assert_int_equal(((struct FastAll *)fast.obj)->tail, 1);
    assert_int_equal(((struct FastAll *)fast.obj)->loads, 1); /* post_load ran once */
}

/* An atomic load that fails in the fast path leaves the object as it was. */
static void test_atomic_untouched(void **state)
{
    static struct outcome fast, table;
    struct FastAll o = {.u32 = 100, .lim = 101}, init;
    uint8_t bytes[256];
    size_t len = payload_of(&o, bytes, sizeof(bytes));

    (void)state;
    memset(&init, 0x5a, sizeof(init));
    init.tail = 1000;
    load_once(&vms_desc_FastAll, bytes, len, 3, VMS_LOAD_ATOMIC, true, (const uint8_t *)&init,
              &fast);
    load_once(&vms_desc_FastAll, bytes, len, 3, VMS_LOAD_ATOMIC, false, (const uint8_t *)&init,
              &table);
    assert_same(&vms_desc_FastAll, &fast, &table);
    assert_int_equal(fast.rc, VMS_ERR_CHECK);
    assert_string_equal(fast.err.path, "fast/all/lim");
    assert_memory_equal(fast.obj, &init, sizeof(init));
}

/* The struct's own check and the hooks run around the fast path. */
static void test_hooks_and_struct_check(void **state)
{
    static struct outcome fast, table;
    struct FastAll o = {.i8 = 99, .ext_on = true, .ext_val = 0x1234}, init = {0};
    uint8_t bytes[256];
    size_t len = payload_of(&o, bytes, sizeof(bytes));
    struct vms_desc d = counting(&vms_desc_FastAll);

    (void)state;
    assert_int_equal(o.saves, 1);
    fast_saves = 0;
    save_once(&d, &o, 3, true, &fast);
    assert_int_equal(fast_saves, 1);
    assert_int_equal(o.saves, 2);
    /* the subsection follows the fields: 0x05, name, version, ext_val */
    assert_int_equal(fast.len, len - 1);
    assert_memory_equal(fast.bytes, bytes, fast.len);
    free(fast.bytes);

    load_once(&vms_desc_FastAll, bytes, len, 3, 0, true, (const uint8_t *)&init, &fast);
    load_once(&vms_desc_FastAll, bytes, len, 3, 0, false, (const uint8_t *)&init, &table);
    assert_same(&vms_desc_FastAll, &fast, &table);
    assert_int_equal(fast.rc, VMS_ERR_CHECK);
    assert_string_equal(fast.err.message, "check 'i8 != 99' failed");
    assert_int_equal(((struct FastAll *)fast.obj)->ext_val, 0x1234);
    assert_int_equal(((struct FastAll *)fast.obj)->loads, 0);
}

/* A transport that hands out @chunk bytes per read: the fast path reads ahead across them. */
struct trickle {
    const uint8_t *data;
    size_t len, pos, chunk;
};

static ssize_t trickle_read(void *ctx, void *buf, size_t len, vms_error_t *err)
{
    struct trickle *t = ctx;
    size_t n = t->len - t->pos;

    (void)err;
    n = n < t->chunk ? n : t->chunk;
    n = n < len ? n : len;
    memcpy(buf, t->data + t->pos, n);
    t->pos += n;
    return (ssize_t)n;
}

static int trickle_close(void *ctx, vms_error_t *err)
{
    (void)ctx;
    (void)err;
    return 0;
}

static const struct vms_transport_ops trickle_ops = {.name = "trickle", .read = trickle_read,
                                                     .close = trickle_close};

static void test_trickling_transport(void **state)
{
    struct FastAll o = {.u32 = 50, .lim = 10, .tail = 3, .words = {1, 2, 3, 4}};
    uint8_t bytes[256];
    size_t len = payload_of(&o, bytes, sizeof(bytes));
    struct vms_desc d = counting(&vms_desc_FastAll);

    (void)state;
    for (size_t chunk = 1; chunk <= len; chunk += 7) {
        for (size_t cut = len - 2; cut <= len; cut++) {
            struct trickle t = {.data = bytes, .len = cut, .chunk = chunk};
            static struct outcome mem;
            static const struct FastAll zero;
            struct FastAll got = {0};
            vms_error_t err;
            vms_stream_t *s = vms_stream_new(&trickle_ops, &t, VMS_READ, NULL);

            assert_non_null(s);
            vms_error_init(&err);
            fast_loads = 0;
            assert_int_equal(vms_load(s, &d, &got, 3, &err), cut == len - 2 ? VMS_ERR_EOF : 0);
            assert_int_equal(fast_loads, cut == len - 2 ? 0 : 1);
            load_once(&vms_desc_FastAll, bytes, cut, 3, 0, false, (const uint8_t *)&zero, &mem);
            assert_int_equal(vms_stream_offset(s), mem.offset);
            assert_same_error(&err, &mem.err);
            assert_memory_equal(&got, mem.obj, sizeof(got));
            vms_stream_close(s);
        }
    }
}

/* Many saves on one stream: the buffer fills, flushes or grows under the fast path alike. */
static void test_many_saves(void **state)
{
    struct FastInner in = {.a = 513, .b = 0xdeadbeef};
    vms_stream_t *fast = vms_stream_mem_writer(), *table = vms_stream_mem_writer();
    const void *a, *b;
    size_t alen, blen;

    (void)state;
    for (int i = 0; i < 5000; i++) {
        in.b += (uint32_t)i;
        vms_set_fast_path(true);
        assert_int_equal(vms_save(fast, &vms_desc_FastInner, &in, NULL), 0);
        vms_set_fast_path(false);
        assert_int_equal(vms_save(table, &vms_desc_FastInner, &in, NULL), 0);
    }
    vms_set_fast_path(true);
    a = vms_stream_mem_data(fast, &alen);
    b = vms_stream_mem_data(table, &blen);
    assert_int_equal(alen, 5000 * 6);
    assert_bytes_equal(a, alen, b, blen);
    vms_stream_close(fast);
    vms_stream_close(table);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_eligibility),
        cmocka_unit_test(test_differential_fastdev),
        cmocka_unit_test(test_differential_realdev),
        cmocka_unit_test(test_range_error),
        cmocka_unit_test(test_check_order),
        cmocka_unit_test(test_atomic_untouched),
        cmocka_unit_test(test_hooks_and_struct_check),
        cmocka_unit_test(test_trickling_transport),
        cmocka_unit_test(test_many_saves),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
