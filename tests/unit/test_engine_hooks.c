/* test_engine_hooks.c: hooks, checks, the depth bound, load flags and the error record. */
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine_helpers.h"

/* ------------------------------------------------------------------ checks */

struct ckdev {
    uint32_t reload;
    uint32_t counter;
};

static bool ck_counter_ok(const void *opaque, int version)
{
    const struct ckdev *c = opaque;

    (void)version;
    return c->counter <= c->reload;
}

static const struct vms_field ck_fields[] = {
    {
        .name = "reload",
        .type = VMS_WT_UINT32,
        .offset = offsetof(struct ckdev, reload),
        .size = sizeof(uint32_t),
    },
    {
        .name = "counter",
        .type = VMS_WT_UINT32,
        .offset = offsetof(struct ckdev, counter),
        .size = sizeof(uint32_t),
        .check = ck_counter_ok,
        .check_text = "counter <= reload",
    },
};

static const struct vms_desc ck_desc = {
    .name = "ck",
    .version = 1,
    .min_version = 1,
    .size = sizeof(struct ckdev),
    .fields = ck_fields,
    .n_fields = VMS_COUNTOF(ck_fields),
};

static void test_field_check(void **state)
{
    static const uint8_t good[] = {
        /* reload be32 10  */ 0x00, 0x00, 0x00, 0x0a,
        /* counter be32 10 */ 0x00, 0x00, 0x00, 0x0a,
    };
    static const uint8_t bad[] = {
        /* reload be32 10  */ 0x00, 0x00, 0x00, 0x0a,
        /* counter be32 20 */ 0x00, 0x00, 0x00, 0x14,
    };
    struct ckdev c = { 0 };
    vms_error_t err;

    (void)state;
    load_ok(&ck_desc, &c, 1, good, sizeof(good));
    assert_int_equal(c.counter, 10);
    assert_int_equal(load_fails(&ck_desc, &c, 1, bad, sizeof(bad), &err), VMS_ERR_CHECK);
    assert_contains(err.message, "counter <= reload");
    assert_contains(err.path, "ck/counter");
}

struct dcdev {
    uint16_t lo, hi;
};

static bool dc_ok(const void *opaque, int version)
{
    const struct dcdev *d = opaque;

    (void)version;
    return d->lo <= d->hi;
}

static const struct vms_field dc_fields[] = {
    {
        .name = "lo",
        .type = VMS_WT_UINT16,
        .offset = offsetof(struct dcdev, lo),
        .size = sizeof(uint16_t),
    },
    {
        .name = "hi",
        .type = VMS_WT_UINT16,
        .offset = offsetof(struct dcdev, hi),
        .size = sizeof(uint16_t),
    },
};

static const struct vms_desc dc_desc = {
    .name = "dc",
    .version = 1,
    .min_version = 1,
    .size = sizeof(struct dcdev),
    .fields = dc_fields,
    .n_fields = VMS_COUNTOF(dc_fields),
    .check = dc_ok,
    .check_text = "lo <= hi",
};

static void test_desc_check(void **state)
{
    static const uint8_t good[] = {
        /* lo be16 3 */ 0x00, 0x03,
        /* hi be16 5 */ 0x00, 0x05,
    };
    static const uint8_t bad[] = {
        /* lo be16 5 */ 0x00, 0x05,
        /* hi be16 3 */ 0x00, 0x03,
    };
    struct dcdev d = { 0 };
    vms_error_t err;

    (void)state;
    load_ok(&dc_desc, &d, 1, good, sizeof(good));
    assert_int_equal(d.lo, 3);
    assert_int_equal(d.hi, 5);
    assert_int_equal(load_fails(&dc_desc, &d, 1, bad, sizeof(bad), &err), VMS_ERR_CHECK);
    assert_contains(err.message, "lo <= hi");
}

/* ------------------------------------------------------------------ hooks */

static char hook_log[1024];

static void log_event(const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 1, 2)))
#endif
    ;

static void log_event(const char *fmt, ...)
{
    size_t len = strlen(hook_log);
    va_list ap;

    if (len)
        snprintf(hook_log + len, sizeof(hook_log) - len, " ");
    len = strlen(hook_log);
    va_start(ap, fmt);
    vsnprintf(hook_log + len, sizeof(hook_log) - len, fmt, ap);
    va_end(ap);
}

struct hk_sub {
    uint32_t s;
};

struct hkdev {
    uint32_t a;
    struct hk_sub sub;
};

static struct hkdev *hk_expected;

static int hk_pre_save(void *opaque, vms_error_t *err)
{
    struct hkdev *h = opaque;

    (void)err;
    assert_ptr_equal(h, hk_expected);
    h->a = 0x55; /* pre_save may prepare state: the bytes must show it */
    log_event("pre_save:hk");
    return 0;
}

static int hk_post_save(void *opaque)
{
    assert_ptr_equal(opaque, hk_expected);
    log_event("post_save:hk");
    return 0;
}

static int hk_pre_load(void *opaque, vms_error_t *err)
{
    struct hkdev *h = opaque;

    (void)err;
    assert_ptr_equal(h, hk_expected);
    log_event("pre_load:hk:a=%u", (unsigned)h->a);
    return 0;
}

static int hk_post_load(void *opaque, int version, vms_error_t *err)
{
    struct hkdev *h = opaque;

    (void)err;
    log_event("post_load:hk:v%d:a=%u:s=%u", version, (unsigned)h->a, (unsigned)h->sub.s);
    return 0;
}

static int hks_pre_save(void *opaque, vms_error_t *err)
{
    (void)err;
    assert_ptr_equal(opaque, &hk_expected->sub);
    log_event("pre_save:sub");
    return 0;
}

static int hks_post_save(void *opaque)
{
    assert_ptr_equal(opaque, &hk_expected->sub);
    log_event("post_save:sub");
    return 0;
}

static int hks_pre_load(void *opaque, vms_error_t *err)
{
    (void)err;
    assert_ptr_equal(opaque, &hk_expected->sub);
    log_event("pre_load:sub");
    return 0;
}

static int hks_post_load(void *opaque, int version, vms_error_t *err)
{
    struct hk_sub *s = opaque;

    (void)err;
    assert_ptr_equal(opaque, &hk_expected->sub);
    log_event("post_load:sub:v%d:s=%u", version, (unsigned)s->s);
    return 0;
}

static const struct vms_field hk_sub_fields[] = {
    {
        .name = "s",
        .type = VMS_WT_UINT32,
        .offset = offsetof(struct hk_sub, s),
        .size = sizeof(uint32_t),
    },
};

static const struct vms_desc hk_sub_desc = {
    .name = "hk/sub",
    .version = 1,
    .min_version = 1,
    .size = sizeof(struct hk_sub),
    .fields = hk_sub_fields,
    .n_fields = VMS_COUNTOF(hk_sub_fields),
    .pre_save = hks_pre_save,
    .post_save = hks_post_save,
    .pre_load = hks_pre_load,
    .post_load = hks_post_load,
};

static const struct vms_subsection hk_subs[] = {
    {
        .desc = &hk_sub_desc,
        .offset = offsetof(struct hkdev, sub),
    },
};

static const struct vms_field hk_fields[] = {
    {
        .name = "a",
        .type = VMS_WT_UINT32,
        .offset = offsetof(struct hkdev, a),
        .size = sizeof(uint32_t),
    },
};

static const struct vms_desc hk_desc = {
    .name = "hk",
    .version = 2,
    .min_version = 1,
    .size = sizeof(struct hkdev),
    .fields = hk_fields,
    .n_fields = VMS_COUNTOF(hk_fields),
    .subsections = hk_subs,
    .n_subsections = VMS_COUNTOF(hk_subs),
    .pre_save = hk_pre_save,
    .post_save = hk_post_save,
    .pre_load = hk_pre_load,
    .post_load = hk_post_load,
};

static const uint8_t wire_hk[] = {
    /* a be32 0x55 (set by pre_save) */ 0x00, 0x00, 0x00, 0x55,
    /* subsection marker             */ 0x05,
    /* u8 name length 6              */ 0x06,
    /* "hk/sub"                      */ 'h', 'k', '/', 's', 'u', 'b',
    /* be32 version 1                */ 0x00, 0x00, 0x00, 0x01,
    /* sub.s be32 9                  */ 0x00, 0x00, 0x00, 0x09,
};

static void test_hooks_order(void **state)
{
    struct hkdev h = { .a = 1, .sub = { .s = 9 } };

    (void)state;
    hk_expected = &h;
    hook_log[0] = '\0';
    check_save(&hk_desc, &h, -1, wire_hk, sizeof(wire_hk));
    assert_string_equal(hook_log, "pre_save:hk pre_save:sub post_save:sub post_save:hk");

    h = (struct hkdev){ .a = 3, .sub = { .s = 0 } };
    hook_log[0] = '\0';
    load_ok(&hk_desc, &h, 2, wire_hk, sizeof(wire_hk));
    assert_string_equal(hook_log, "pre_load:hk:a=3 pre_load:sub post_load:sub:v1:s=9 "
                                  "post_load:hk:v2:a=85:s=9");
    hk_expected = NULL;
}

struct hfdev {
    uint32_t a;
    int pre_save_calls, post_save_calls, pre_load_calls, post_load_calls;
    int fail; /* which hook fails */
    bool detail; /* whether it fills err */
};

enum { HF_NONE, HF_PRE_SAVE, HF_PRE_LOAD, HF_POST_LOAD };

static int hf_pre_save(void *opaque, vms_error_t *err)
{
    struct hfdev *h = opaque;

    h->pre_save_calls++;
    if (h->fail != HF_PRE_SAVE)
        return 0;
    if (h->detail)
        return vms_error_set(err, VMS_ERR_HOOK, 0, -1, NULL, "device busy (pre_save)");
    return -1;
}

static int hf_post_save(void *opaque)
{
    struct hfdev *h = opaque;

    h->post_save_calls++;
    return 0;
}

static int hf_pre_load(void *opaque, vms_error_t *err)
{
    struct hfdev *h = opaque;

    h->pre_load_calls++;
    if (h->fail != HF_PRE_LOAD)
        return 0;
    if (h->detail)
        return vms_error_set(err, VMS_ERR_CHECK, 0, -1, NULL, "not ready for load");
    return -1;
}

static int hf_post_load(void *opaque, int version, vms_error_t *err)
{
    struct hfdev *h = opaque;

    (void)version;
    h->post_load_calls++;
    if (h->fail != HF_POST_LOAD)
        return 0;
    if (h->detail)
        return vms_error_set(err, VMS_ERR_RANGE, 0, -1, NULL, "irq %u out of range", 99u);
    return -1;
}

static const struct vms_field hf_fields[] = {
    {
        .name = "a",
        .type = VMS_WT_UINT32,
        .offset = offsetof(struct hfdev, a),
        .size = sizeof(uint32_t),
    },
};

static const struct vms_desc hf_desc = {
    .name = "hookdev",
    .version = 1,
    .min_version = 1,
    .size = sizeof(struct hfdev),
    .fields = hf_fields,
    .n_fields = VMS_COUNTOF(hf_fields),
    .pre_save = hf_pre_save,
    .post_save = hf_post_save,
    .pre_load = hf_pre_load,
    .post_load = hf_post_load,
};

static const uint8_t wire_hf[] = {
    /* a be32 0x1234 */ 0x00, 0x00, 0x12, 0x34,
};

/* The message or path of a hook failure without detail names the hook or the description. */
static void assert_names_hook(const vms_error_t *err, const char *hook)
{
    if (strstr(err->message, hook) || strstr(err->message, "hookdev") ||
        strstr(err->path, "hookdev"))
        return;
    fail_msg("error \"%s\" at \"%s\" names neither %s nor hookdev", err->message, err->path, hook);
}

static void test_hook_pre_save_failure(void **state)
{
    struct hfdev h = { .a = 1, .fail = HF_PRE_SAVE, .detail = true };
    vms_error_t err;
    uint8_t *got;
    size_t len;
    int rc;

    (void)state;
    rc = save_any(&hf_desc, &h, -1, &got, &len, &err);
    free(got);
    assert_int_equal(rc, VMS_ERR_HOOK);
    assert_contains(err.message, "device busy (pre_save)");
    assert_int_equal(len, 0); /* aborted before any field */
    assert_int_equal(h.pre_save_calls, 1);
    assert_int_equal(h.post_save_calls, 0);

    /* without detail */
    h = (struct hfdev){ .a = 1, .fail = HF_PRE_SAVE };
    rc = save_any(&hf_desc, &h, -1, &got, &len, &err);
    free(got);
    assert_true(rc < 0);
    assert_int_not_equal(err.code, 0);
    assert_names_hook(&err, "pre_save");
    assert_int_equal(len, 0);
    assert_int_equal(h.post_save_calls, 0);
}

/* post_save runs after the fields also when they failed (it undoes what pre_save did). */
struct psdev {
    uint8_t n;
    uint8_t v[2];
    int post_save_calls;
};

static int ps_post_save(void *opaque)
{
    struct psdev *p = opaque;

    p->post_save_calls++;
    return 0;
}

static const struct vms_field ps_fields[] = {
    {
        .name = "n",
        .type = VMS_WT_UINT8,
        .offset = offsetof(struct psdev, n),
        .size = sizeof(uint8_t),
    },
    {
        .name = "v",
        .type = VMS_WT_UINT8,
        .flags = VMS_F_VARRAY,
        .offset = offsetof(struct psdev, v),
        .size = sizeof(uint8_t),
        .num = 2,
        .count_offset = offsetof(struct psdev, n),
        .count_size = 1,
    },
};

static const struct vms_desc ps_desc = {
    .name = "ps",
    .version = 1,
    .min_version = 1,
    .size = sizeof(struct psdev),
    .fields = ps_fields,
    .n_fields = VMS_COUNTOF(ps_fields),
    .post_save = ps_post_save,
};

static void test_hook_post_save_after_field_failure(void **state)
{
    struct psdev p = { .n = 2, .v = { 7, 8 } };
    vms_error_t err;

    (void)state;
    check_save(&ps_desc, &p, -1, (const uint8_t[]){ 0x02, 0x07, 0x08 }, 3);
    assert_int_equal(p.post_save_calls, 1);
    p.n = 3;
    assert_int_equal(save_fails(&ps_desc, &p, -1, &err), VMS_ERR_RANGE);
    assert_int_equal(p.post_save_calls, 2);
}

static void test_hook_pre_load_failure(void **state)
{
    struct hfdev h = { .a = 0xdead, .fail = HF_PRE_LOAD, .detail = true };
    vms_error_t err;

    (void)state;
    assert_int_equal(load_fails(&hf_desc, &h, 1, wire_hf, sizeof(wire_hf), &err), VMS_ERR_CHECK);
    assert_contains(err.message, "not ready for load");
    assert_int_equal(h.a, 0xdead); /* aborted before the fields */
    assert_int_equal(h.pre_load_calls, 1);
    assert_int_equal(h.post_load_calls, 0);

    h = (struct hfdev){ .a = 0xdead, .fail = HF_PRE_LOAD };
    assert_true(load_fails(&hf_desc, &h, 1, wire_hf, sizeof(wire_hf), &err) < 0);
    assert_names_hook(&err, "pre_load");
    assert_int_equal(h.a, 0xdead);
    assert_int_equal(h.post_load_calls, 0);
}

static void test_hook_post_load_failure(void **state)
{
    struct hfdev h = { .fail = HF_POST_LOAD, .detail = true };
    vms_error_t err;

    (void)state;
    assert_int_equal(load_fails(&hf_desc, &h, 1, wire_hf, sizeof(wire_hf), &err), VMS_ERR_RANGE);
    assert_contains(err.message, "irq 99 out of range");
    assert_int_equal(h.a, 0x1234); /* the fields loaded first */
    assert_int_equal(h.post_load_calls, 1);

    h = (struct hfdev){ .fail = HF_POST_LOAD };
    assert_true(load_fails(&hf_desc, &h, 1, wire_hf, sizeof(wire_hf), &err) < 0);
    assert_names_hook(&err, "post_load");

    /* all hooks succeed: one call each */
    h = (struct hfdev){ .a = 0x1234 };
    check_save(&hf_desc, &h, -1, wire_hf, sizeof(wire_hf));
    load_ok(&hf_desc, &h, 1, wire_hf, sizeof(wire_hf));
    assert_int_equal(h.pre_save_calls, 1);
    assert_int_equal(h.post_save_calls, 1);
    assert_int_equal(h.pre_load_calls, 1);
    assert_int_equal(h.post_load_calls, 1);
}

/* ------------------------------------------------------------ depth bound */

struct node {
    uint32_t v;
    struct node *next;
};

static const struct vms_desc node_desc;

static const struct vms_field node_fields[] = {
    {
        .name = "v",
        .type = VMS_WT_UINT32,
        .offset = offsetof(struct node, v),
        .size = sizeof(uint32_t),
    },
    {
        .name = "next",
        .type = VMS_WT_STRUCT,
        .flags = VMS_F_ARRAY_OF_POINTER,
        .offset = offsetof(struct node, next),
        .size = sizeof(struct node),
        .num = 1,
        .desc = &node_desc,
    },
};

static const struct vms_desc node_desc = {
    .name = "node",
    .version = 1,
    .min_version = 1,
    .size = sizeof(struct node),
    .fields = node_fields,
    .n_fields = VMS_COUNTOF(node_fields),
};

#define DEEP (VMS_MAX_DEPTH * 4)

static struct node *make_chain(size_t n)
{
    struct node *nodes = calloc(n, sizeof(*nodes));

    assert_non_null(nodes);
    for (size_t i = 0; i < n; i++) {
        nodes[i].v = (uint32_t)i;
        nodes[i].next = i + 1 < n ? &nodes[i + 1] : NULL;
    }
    return nodes;
}

static void test_deref_chain_short(void **state)
{
    uint8_t want[10 * 4 + 1];
    struct node *chain = make_chain(10);

    (void)state;
    for (size_t i = 0; i < 10; i++)
        put_be(want + 4 * i, 4, i);
    want[40] = VMS_NULLPTR_MARKER; /* node[9].next */
    check_save(&node_desc, chain, -1, want, sizeof(want));
    for (size_t i = 0; i < 10; i++)
        chain[i].v = 0;
    load_ok(&node_desc, chain, 1, want, sizeof(want));
    for (size_t i = 0; i < 10; i++)
        assert_int_equal(chain[i].v, i);
    assert_null(chain[9].next);
    free(chain);
}

static void test_depth_limit(void **state)
{
    struct node *chain = make_chain(DEEP);
    uint8_t *wire = malloc(DEEP * 4 + 1);
    vms_error_t err;
    int rc;

    (void)state;
    assert_non_null(wire);
    rc = save_fails(&node_desc, chain, -1, &err);
    assert_int_equal(err.code, rc);
    assert_true(err.message[0] != '\0');

    /* a well-formed stream for the whole chain, values 1000 + i */
    for (size_t i = 0; i < DEEP; i++)
        put_be(wire + 4 * i, 4, 1000 + i);
    wire[DEEP * 4] = VMS_NULLPTR_MARKER;
    rc = load_fails(&node_desc, chain, 1, wire, DEEP * 4 + 1, &err);
    assert_int_equal(err.code, rc);
    assert_true(err.message[0] != '\0');
    /* node k sits at depth k + 1: the levels past the bound were not written */
    assert_int_equal(chain[VMS_MAX_DEPTH + 2].v, VMS_MAX_DEPTH + 2);
    assert_int_equal(chain[DEEP - 1].v, DEEP - 1);
    free(wire);
    free(chain);
}

/* ------------------------------------------------------------- load flags */

/* A description reachable from itself (a linked list) must not send validation into a loop. */
static void test_validate_self_reference_terminates(void **state)
{
    vms_error_t err;
    int rc;

    (void)state;
    vms_error_init(&err);
    rc = vms_desc_validate(&node_desc, &err);
    assert_true(rc == 0 || rc == VMS_ERR_INVAL);
    assert_int_equal(err.code, rc);
}

static void test_load_flags(void **state)
{
    struct vms_desc sizeless = hf_desc;
    struct hfdev h = { 0 };
    vms_error_t err;
    vms_stream_t *s;

    (void)state;
    /* atomic loads copy d->size bytes: a description without it is refused */
    sizeless.size = 0;
    s = vms_stream_mem_reader(wire_hf, sizeof(wire_hf));
    assert_non_null(s);
    vms_error_init(&err);
    assert_int_equal(vms_load_flags(s, &sizeless, &h, 1, VMS_LOAD_ATOMIC, &err), VMS_ERR_INVAL);
    assert_int_equal(err.code, VMS_ERR_INVAL);
    assert_contains(err.message, "no struct size");
    assert_int_equal(h.a, 0);
    assert_int_equal(h.pre_load_calls, 0);
    vms_stream_close(s);

    s = vms_stream_mem_reader(wire_hf, sizeof(wire_hf));
    vms_error_init(&err);
    assert_int_equal(vms_load_flags(s, &hf_desc, &h, 1, VMS_LOAD_ATOMIC, &err), 0);
    assert_int_equal(h.a, 0x1234);
    assert_int_equal(h.pre_load_calls, 1);
    assert_int_equal(h.post_load_calls, 1);
    vms_stream_close(s);
    memset(&h, 0, sizeof(h));

    s = vms_stream_mem_reader(wire_hf, sizeof(wire_hf));
    vms_error_init(&err);
    assert_int_equal(vms_load_flags(s, &hf_desc, &h, 1, 0x80u, &err), VMS_ERR_INVAL);
    assert_int_equal(err.code, VMS_ERR_INVAL);
    assert_int_equal(h.a, 0);
    vms_stream_close(s);

    s = vms_stream_mem_reader(wire_hf, sizeof(wire_hf));
    vms_error_init(&err);
    assert_int_equal(vms_load_flags(s, &hf_desc, &h, 1, 0, &err), 0);
    assert_int_equal(h.a, 0x1234);
    vms_stream_close(s);
}

/* ------------------------------------------------------------ error record */

static void test_first_error_wins(void **state)
{
    struct hfdev h = { .a = 5 };
    vms_error_t err;
    vms_stream_t *s;
    int rc;

    (void)state;
    /* the record API */
    vms_error_init(&err);
    assert_int_equal(err.code, 0);
    assert_true(err.offset == -1);
    assert_int_equal(vms_error_set(&err, VMS_ERR_IO, 5, 12, "a/b", "first %d", 1), VMS_ERR_IO);
    assert_int_equal(vms_error_set(&err, VMS_ERR_RANGE, 0, 40, "c/d", "second"), VMS_ERR_RANGE);
    assert_int_equal(err.code, VMS_ERR_IO);
    assert_int_equal(err.sys_errno, 5);
    assert_true(err.offset == 12);
    assert_string_equal(err.path, "a/b");
    assert_string_equal(err.message, "first 1");

    /* the engine: a failed load does not overwrite an earlier error */
    s = vms_stream_mem_reader(wire_hf, 2);
    assert_non_null(s);
    rc = vms_load(s, &hf_desc, &h, 1, &err);
    assert_true(rc < 0);
    assert_int_equal(err.code, VMS_ERR_IO);
    assert_string_equal(err.message, "first 1");
    assert_string_equal(err.path, "a/b");
    vms_stream_close(s);

    /* and no record at all is fine */
    s = vms_stream_mem_reader(wire_hf, 2);
    assert_non_null(s);
    assert_int_equal(vms_load(s, &hf_desc, &h, 1, NULL), VMS_ERR_EOF);
    vms_stream_close(s);
    h.fail = HF_PRE_SAVE;
    s = vms_stream_mem_writer();
    assert_true(vms_save(s, &hf_desc, &h, NULL) < 0);
    vms_stream_close(s);
}

/* A truncated load reports end of stream, where (offset) and at which field (path). */
static void test_truncated_error_detail(void **state)
{
    static const uint8_t wire[] = {
        /* a be32                  */ 0x00, 0x00, 0x00, 0x01,
        /* c be32: 2 of 4 bytes    */ 0x00, 0x00,
    };
    struct test_two {
        uint32_t a, c;
    } t = { 0, 0x77 };
    static const struct vms_field fields[] = {
        {
            .name = "a",
            .type = VMS_WT_UINT32,
            .offset = offsetof(struct test_two, a),
            .size = sizeof(uint32_t),
        },
        {
            .name = "c",
            .type = VMS_WT_UINT32,
            .offset = offsetof(struct test_two, c),
            .size = sizeof(uint32_t),
        },
    };
    const struct vms_desc d = {
        .name = "tr",
        .version = 1,
        .min_version = 1,
        .size = sizeof(struct test_two),
        .fields = fields,
        .n_fields = VMS_COUNTOF(fields),
    };
    vms_error_t err;

    (void)state;
    assert_int_equal(load_fails(&d, &t, 1, wire, sizeof(wire), &err), VMS_ERR_EOF);
    assert_contains(err.path, "tr/c");
    assert_true(err.offset >= 4 && err.offset <= 6);
    assert_int_equal(t.a, 1);
    assert_int_equal(t.c, 0x77); /* half a field is not a value: nothing stored */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_field_check),
        cmocka_unit_test(test_desc_check),
        cmocka_unit_test(test_hooks_order),
        cmocka_unit_test(test_hook_pre_save_failure),
        cmocka_unit_test(test_hook_post_save_after_field_failure),
        cmocka_unit_test(test_hook_pre_load_failure),
        cmocka_unit_test(test_hook_post_load_failure),
        cmocka_unit_test(test_deref_chain_short),
        cmocka_unit_test(test_depth_limit),
        cmocka_unit_test(test_validate_self_reference_terminates),
        cmocka_unit_test(test_load_flags),
        cmocka_unit_test(test_first_error_wins),
        cmocka_unit_test(test_truncated_error_detail),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
