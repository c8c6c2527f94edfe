/*
 * test_live.c: live devices (vms/live.h) in whole streams: START, PART and
 * END sections with footers, legacy FULL sections and their vmdesc entry,
 * the handler call order, and hostile live sections.
 *
 * The device "mem" is RAM-like: PAGES pages of PAGE bytes and a dirty flag
 * per page. save_setup writes the page count; save_iterate sends at most
 * BURST dirty pages (be32 index + bytes), ends with be32 0xffffffff and says
 * "done" when nothing is dirty; save_complete sends the rest.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "page_records.h"
#include "testutil.h"

enum { PAGES = 8, PAGE = 16, BURST = 3 };
#define END_MARK PAGE_END_MARK

struct mem {
    uint8_t data[PAGES][PAGE];
    bool dirty[PAGES];
    bool active;          /* is_active */
    int fail_iterate_at;  /* save_iterate call that fails (1-based), 0: none */
    /* what the handlers saw */
    int setups, iterates, completes, save_cleanups, load_setups, load_cleanups, loads;
    int versions_seen;
};

static struct page_set pages_of(struct mem *m)
{
    return (struct page_set){.data = &m->data[0][0], .dirty = m->dirty, .pages = PAGES,
                             .page_size = PAGE};
}

static int mem_setup(vms_stream_t *s, void *opaque, vms_error_t *err)
{
    struct mem *m = opaque;
    struct page_set p = pages_of(m);

    (void)err;
    m->setups++;
    page_set_setup(s, &p);
    return 0;
}

static int mem_iterate(vms_stream_t *s, void *opaque, vms_error_t *err)
{
    struct mem *m = opaque;
    struct page_set p = pages_of(m);

    if (++m->iterates == m->fail_iterate_at)
        return vms_error_set(err, VMS_ERR_IO, 0, -1, "mem", "the device broke");
    page_set_send(s, &p, BURST, false);
    return page_set_any_dirty(&p) ? 0 : 1;
}

static int mem_complete(vms_stream_t *s, void *opaque, vms_error_t *err)
{
    struct mem *m = opaque;
    struct page_set p = pages_of(m);

    (void)err;
    m->completes++;
    page_set_send(s, &p, PAGES, false);
    return 0;
}

static uint64_t mem_pending(void *opaque, bool exact)
{
    struct page_set p = pages_of(opaque);

    (void)exact;
    return page_set_pending(&p, PAGE);
}

static void mem_save_cleanup(void *opaque)
{
    ((struct mem *)opaque)->save_cleanups++;
}

static bool mem_active(void *opaque)
{
    return ((struct mem *)opaque)->active;
}

static int mem_load_setup(void *opaque, vms_error_t *err)
{
    (void)err;
    ((struct mem *)opaque)->load_setups++;
    return 0;
}

static void mem_load_cleanup(void *opaque)
{
    ((struct mem *)opaque)->load_cleanups++;
}

/* Any section: the page count (START) or page records up to the end mark. */
static int mem_load(vms_stream_t *s, void *opaque, int version, vms_error_t *err)
{
    struct mem *m = opaque;
    struct page_set p = pages_of(m);

    m->loads++;
    m->versions_seen = version;
    return m->loads == 1 ? page_set_load_count(s, &p, err) : page_set_load(s, &p, err);
}

static const struct vms_live_ops mem_ops = {
    .save_setup = mem_setup,
    .pending = mem_pending,
    .save_iterate = mem_iterate,
    .save_complete = mem_complete,
    .save_cleanup = mem_save_cleanup,
    .is_active = mem_active,
    .load_setup = mem_load_setup,
    .load_state = mem_load,
    .load_cleanup = mem_load_cleanup,
};

/* A legacy device: one FULL section written by save_state. */
struct legacy {
    uint16_t a;
    uint8_t b;
};

static int legacy_save(vms_stream_t *s, void *opaque, vms_error_t *err)
{
    const struct legacy *l = opaque;

    (void)err;
    vms_put_be16(s, l->a);
    vms_put_u8(s, l->b);
    return 0;
}

static int legacy_load(vms_stream_t *s, void *opaque, int version, vms_error_t *err)
{
    struct legacy *l = opaque;

    (void)version;
    l->a = vms_get_be16(s);
    l->b = vms_get_u8(s);
    return vms_stream_error(s, err);
}

static const struct vms_live_ops legacy_ops = {.save_state = legacy_save, .load_state = legacy_load};

/* The machine: the page device, the legacy one and a described device (ctrl_regs_desc). */
struct machine {
    struct mem mem;
    struct legacy legacy;
    struct ctrl_regs regs;
};

static vms_registry_t *machine_registry(struct machine *m)
{
    vms_registry_t *r = vms_registry_new("pc-live");

    assert_non_null(r);
    assert_int_equal(vms_register_live(r, "mem", 0, 4, &mem_ops, &m->mem), 0);
    assert_int_equal(vms_register(r, "regs", 0, &ctrl_regs_desc, &m->regs), 0);
    assert_int_equal(vms_register_live(r, "legacy", 0, 2, &legacy_ops, &m->legacy), 0);
    return r;
}

static void fill(struct machine *m)
{
    memset(m, 0, sizeof(*m));
    for (int i = 0; i < PAGES; i++)
        memset(m->mem.data[i], 0x10 + i, PAGE);
    m->mem.active = true;
    m->legacy = (struct legacy){0xbeef, 0x42};
    m->regs.ctrl = 0x01020304;
}

static uint8_t *save_machine(struct machine *m, size_t *len, int *rc, vms_error_t *err)
{
    vms_registry_t *r = machine_registry(m);
    vms_stream_t *s = vms_stream_mem_writer();
    const void *data;
    uint8_t *copy;

    assert_non_null(s);
    vms_error_init(err);
    *rc = vms_save_all(r, s, err);
    data = vms_stream_mem_data(s, len);
    copy = malloc(*len ? *len : 1);
    assert_non_null(copy);
    memcpy(copy, data, *len);
    vms_stream_close(s);
    vms_registry_free(r);
    return copy;
}

/* ---- the stream, byte by byte ---- */

static void test_stream_layout(void **state)
{
    /* START: type, id 0, "mem", instance 0, version 4, payload (8 pages), footer */
    static const uint8_t start[] = {0x01, 0, 0, 0, 0, 3, 'm', 'e', 'm', 0, 0, 0, 0, 0, 0, 0, 4,
                                    0, 0, 0, PAGES, 0x7e, 0, 0, 0, 0};
    static const char legacy_desc[] =
        "{\"name\": \"legacy\", \"instance_id\": 0, \"size\": 3, \"fields\": [{\"name\": \"data\", "
        "\"size\": 3, \"type\": \"buffer\"}]}";
    struct machine m;
    vms_error_t err;
    size_t len, off, parts = 0;
    int rc;
    uint8_t *b;

    (void)state;
    fill(&m);
    b = save_machine(&m, &len, &rc, &err);
    assert_int_equal(rc, 0);
    off = 8 + 1 + 4 + strlen("pc-live"); /* magic, version, configuration */
    assert_bytes_equal(b + off, sizeof(start), start, sizeof(start));
    off += sizeof(start);
    /* PART sections: 8 pages in bursts of 3 -> 3 iterations, the last one says done */
    while (b[off] == 0x02) {
        size_t n = 0;

        assert_int_equal(be32_at(b + off + 1), 0);
        off += 5;
        while (be32_at(b + off) != END_MARK) {
            off += 4 + PAGE;
            n++;
        }
        off += 4;
        assert_int_equal(b[off], 0x7e);
        assert_int_equal(be32_at(b + off + 1), 0);
        off += 5;
        assert_true(n <= BURST);
        parts++;
    }
    assert_int_equal(parts, 3);
    assert_int_equal(m.mem.iterates, 3);
    /* END: nothing left, just the end mark */
    assert_int_equal(b[off], 0x03);
    assert_int_equal(be32_at(b + off + 1), 0);
    assert_int_equal(be32_at(b + off + 5), END_MARK);
    assert_int_equal(b[off + 9], 0x7e);
    off += 14;
    /* FULL sections in registration order: regs (id 1), then legacy (id 2) */
    assert_int_equal(b[off], 0x04);
    assert_int_equal(be32_at(b + off + 1), 1);
    off += 1 + 4 + 1 + 4 + 4 + 4 + 4 + 5;
    assert_int_equal(b[off], 0x04);
    assert_int_equal(be32_at(b + off + 1), 2);
    assert_int_equal(b[off + 5], 6);
    assert_memory_equal(b + off + 6, "legacy", 6);
    assert_int_equal(be32_at(b + off + 16), 2); /* the registered version */
    assert_int_equal(b[off + 20], 0xbe);
    assert_int_equal(b[off + 21], 0xef);
    assert_int_equal(b[off + 22], 0x42);
    off += 23 + 5;
    assert_int_equal(b[off], 0x00); /* EOF */
    assert_int_equal(b[off + 1], 0x06);
    assert_non_null(strstr((const char *)b + off + 6, legacy_desc));
    assert_int_equal(m.mem.setups, 1);
    assert_int_equal(m.mem.completes, 1);
    assert_int_equal(m.mem.save_cleanups, 1);
    free(b);
}

static void test_round_trip(void **state)
{
    struct machine src, dst;
    vms_registry_t *r;
    vms_error_t err;
    size_t len;
    int rc;
    uint8_t *b;

    (void)state;
    fill(&src);
    b = save_machine(&src, &len, &rc, &err);
    assert_int_equal(rc, 0);
    memset(&dst, 0, sizeof(dst));
    r = machine_registry(&dst);
    rc = load_registry(r, b, len, &err);
    if (rc)
        fail_msg("load: %s", err.message);
    assert_memory_equal(dst.mem.data, src.mem.data, sizeof(src.mem.data));
    assert_int_equal(dst.legacy.a, 0xbeef);
    assert_int_equal(dst.legacy.b, 0x42);
    assert_int_equal(dst.regs.ctrl, 0x01020304);
    assert_int_equal(dst.mem.load_setups, 1);
    assert_int_equal(dst.mem.load_cleanups, 1);
    assert_int_equal(dst.mem.loads, 1 + 3 + 1); /* START, 3 PART, END */
    assert_int_equal(dst.mem.versions_seen, 4);
    vms_registry_free(r);
    free(b);
}

static void test_inactive_sends_nothing(void **state)
{
    struct machine src, dst;
    vms_registry_t *r;
    vms_error_t err;
    size_t len;
    int rc;
    uint8_t *b;

    (void)state;
    fill(&src);
    src.mem.active = false;
    b = save_machine(&src, &len, &rc, &err);
    assert_int_equal(rc, 0);
    assert_int_equal(src.mem.setups + src.mem.iterates + src.mem.completes, 0);
    assert_int_equal(src.mem.save_cleanups, 1);
    memset(&dst, 0, sizeof(dst));
    r = machine_registry(&dst);
    assert_int_equal(load_registry(r, b, len, &err), 0); /* no section for mem: not missing */
    assert_int_equal(dst.mem.loads, 0);
    assert_int_equal(dst.mem.load_cleanups, 1);
    vms_registry_free(r);
    free(b);
}

static void test_iterate_error(void **state)
{
    struct machine m;
    vms_error_t err;
    size_t len;
    int rc;
    uint8_t *b;

    (void)state;
    fill(&m);
    m.mem.fail_iterate_at = 2;
    b = save_machine(&m, &len, &rc, &err);
    assert_int_equal(rc, VMS_ERR_IO);
    assert_int_equal(err.code, VMS_ERR_IO);
    assert_string_equal(err.message, "the device broke");
    assert_int_equal(m.mem.completes, 0);
    assert_int_equal(m.mem.save_cleanups, 1);
    free(b);
}

/* ---- hostile live sections ---- */

/* Loads @b (len) into a fresh machine; returns the result and leaves the error in @err. */
static int load_into_fresh(const uint8_t *b, size_t len, vms_error_t *err, struct machine *dst)
{
    vms_registry_t *r;
    int rc;

    memset(dst, 0, sizeof(*dst));
    r = machine_registry(dst);
    vms_error_init(err);
    rc = load_registry(r, b, len, err);
    vms_registry_free(r);
    return rc;
}

/* Offset of the first section of type @type at or after @from (walks the framing). */
static size_t find_section(const uint8_t *b, size_t len, uint8_t type)
{
    size_t off = 8 + 1 + 4 + strlen("pc-live");

    while (off < len && b[off] != type) {
        if (b[off] == 0x01) {
            off += 26;
        } else if (b[off] == 0x02 || b[off] == 0x03) {
            off += 5;
            while (be32_at(b + off) != END_MARK)
                off += 4 + PAGE;
            off += 4 + 5;
        } else {
            fail_msg("unexpected section type 0x%02x at %zu", b[off], off);
        }
    }
    return off;
}

static void test_hostile(void **state)
{
    struct machine src, dst;
    vms_error_t err;
    size_t len, at;
    int rc;
    uint8_t *b, *c;

    (void)state;
    fill(&src);
    b = save_machine(&src, &len, &rc, &err);
    assert_int_equal(rc, 0);
    c = malloc(len + 64);
    assert_non_null(c);

    /* the first PART sent as END: a second END then finds the section finished */
    memcpy(c, b, len);
    at = find_section(b, len, 0x02);
    c[at] = 0x03;
    assert_int_equal(load_into_fresh(c, len, &err, &dst), VMS_ERR_FORMAT);
    assert_non_null(strstr(err.message, "finished section id 0"));
    assert_int_equal(dst.mem.load_cleanups, 1);

    /* a PART for a section id nobody opened */
    memcpy(c, b, len);
    c[at + 4] = 9;
    assert_int_equal(load_into_fresh(c, len, &err, &dst), VMS_ERR_NOENT);
    assert_non_null(strstr(err.message, "PART for unknown section id 9"));
    assert_int_equal(err.offset, (int64_t)at + 5);

    /* START with a version newer than registered */
    memcpy(c, b, len);
    at = find_section(b, len, 0x01);
    c[at + 16] = 5;
    assert_int_equal(load_into_fresh(c, len, &err, &dst), VMS_ERR_VERSION);
    assert_non_null(strstr(err.message, "section version 5 is newer than 4"));

    /* a page index the device refuses: its own error comes back */
    memcpy(c, b, len);
    at = find_section(b, len, 0x02);
    c[at + 8] = 200;
    assert_int_equal(load_into_fresh(c, len, &err, &dst), VMS_ERR_RANGE);
    assert_non_null(strstr(err.message, "page 200 out of range"));

    /* all PART and END sections cut out: START never ends */
    {
        size_t p = find_section(b, len, 0x02), full = find_section(b, len, 0x04);

        memcpy(c, b, p);
        memcpy(c + p, b + full, len - full);
        assert_int_equal(load_into_fresh(c, p + len - full, &err, &dst), VMS_ERR_FORMAT);
        assert_non_null(strstr(err.message, "started but never ended"));
    }

    /* every truncation fails */
    for (size_t cut = 0; cut < len; cut++)
        assert_true(load_into_fresh(b, cut, &err, &dst) < 0);
    free(c);
    free(b);
}

static void test_register_live_rejects(void **state)
{
    static const struct vms_live_ops empty = {0};
    vms_registry_t *r = vms_registry_new("m");
    struct mem m;

    (void)state;
    assert_non_null(r);
    assert_int_equal(vms_register_live(r, "mem", 0, 1, &empty, &m), VMS_ERR_INVAL);
    assert_int_equal(vms_register_live(r, "mem", 0, -1, &mem_ops, &m), VMS_ERR_INVAL);
    assert_int_equal(vms_register_live(r, "", 0, 1, &mem_ops, &m), VMS_ERR_INVAL);
    assert_int_equal(vms_register_live(r, "mem", 0, 1, &mem_ops, &m), 0);
    assert_int_equal(vms_register_live(r, "mem", 0, 1, &mem_ops, &m), VMS_ERR_EXISTS);
    assert_int_equal(vms_register(r, "mem", 0, &ctrl_regs_desc, &m), VMS_ERR_EXISTS);
    vms_registry_free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_stream_layout),
        cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_inactive_sends_nothing),
        cmocka_unit_test(test_iterate_error),
        cmocka_unit_test(test_hostile),
        cmocka_unit_test(test_register_live_rejects),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
