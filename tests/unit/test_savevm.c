/*
 * test_savevm.c: whole-machine streams (vms_save_all / vms_load_all) and the registry.
 *
 * A small machine of hand-written descriptions is saved and compared byte for
 * byte with tests/data/golden/machine.mig (QEMU's analyze-migration.py reads
 * that file; its views are committed next to it, see the README there), then
 * walked section by section, loaded back, cut at every length, and mutated
 * into hostile streams that must fail with an exact code, offset and message.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <vms/vms.h>

#include "testutil.h"

#define GOLDEN_DIR VMS_DATA_DIR "/golden"
#define GOLDEN_STREAM GOLDEN_DIR "/machine.mig"
#define GOLDEN_VMDESC GOLDEN_DIR "/machine.vmdesc.json"
#define GOLDEN_ANALYZE_STATE GOLDEN_DIR "/machine.analyze-state.json"
#define GOLDEN_ANALYZE_DESC GOLDEN_DIR "/machine.analyze-desc.json"

#define MACHINE "pc-golden-1.0"

/* ---- the golden machine: four descriptions, five registrations ---- */

/* Every scalar width, a bool, a buffer, an array, a placeholder, two timers, two subsections. */
struct ctrl {
    int8_t i8;
    uint8_t u8;
    int16_t i16;
    uint16_t u16;
    int32_t i32;
    uint32_t u32;
    int64_t i64;
    uint64_t u64;
    bool flag;
    uint8_t mac[6];
    uint16_t regs[4];
    double gain;
    int64_t idle_timer; /* -1: not armed */
    int64_t tick_timer;
    bool ext_on;        /* not migrated: decides whether ctrl/ext is sent */
    uint32_t ext_val;   /* ctrl/ext */
    uint16_t legacy;    /* ctrl/legacy, sent only when not 0 */
    bool ext_present, legacy_present;
};

static const struct vms_field ctrl_fields[] = {
    {.name = "i8", .type = VMS_WT_INT8, .offset = offsetof(struct ctrl, i8), .size = 1},
    {.name = "u8", .type = VMS_WT_UINT8, .offset = offsetof(struct ctrl, u8), .size = 1},
    {.name = "i16", .type = VMS_WT_INT16, .offset = offsetof(struct ctrl, i16), .size = 2},
    {.name = "u16", .type = VMS_WT_UINT16, .offset = offsetof(struct ctrl, u16), .size = 2},
    {.name = "i32", .type = VMS_WT_INT32, .offset = offsetof(struct ctrl, i32), .size = 4},
    {.name = "u32", .type = VMS_WT_UINT32, .offset = offsetof(struct ctrl, u32), .size = 4},
    {.name = "i64", .type = VMS_WT_INT64, .offset = offsetof(struct ctrl, i64), .size = 8},
    {.name = "u64", .type = VMS_WT_UINT64, .offset = offsetof(struct ctrl, u64), .size = 8},
    {.name = "flag", .type = VMS_WT_BOOL, .offset = offsetof(struct ctrl, flag), .size = 1},
    {.name = "mac", .type = VMS_WT_BUFFER, .offset = offsetof(struct ctrl, mac), .size = 6},
    {.name = "unused", .type = VMS_WT_UNUSED, .size = 4},
    {.name = "regs", .type = VMS_WT_UINT16, .offset = offsetof(struct ctrl, regs), .size = 2, .num = 4},
    {.name = "gain", .type = VMS_WT_FLOAT64, .offset = offsetof(struct ctrl, gain), .size = 8},
    {.name = "idle_timer", .type = VMS_WT_TIMER, .offset = offsetof(struct ctrl, idle_timer), .size = 8},
    {.name = "tick_timer", .type = VMS_WT_TIMER, .offset = offsetof(struct ctrl, tick_timer), .size = 8},
};

static const struct vms_field ctrl_ext_fields[] = {
    {.name = "ext_val", .type = VMS_WT_UINT32, .offset = offsetof(struct ctrl, ext_val), .size = 4},
};
static const struct vms_desc ctrl_ext_desc = {
    .name = "ctrl/ext", .version = 1, .min_version = 1,
    .fields = ctrl_ext_fields, .n_fields = VMS_COUNTOF(ctrl_ext_fields),
};

static const struct vms_field ctrl_legacy_fields[] = {
    {.name = "legacy", .type = VMS_WT_UINT16, .offset = offsetof(struct ctrl, legacy), .size = 2},
};
static const struct vms_desc ctrl_legacy_desc = {
    .name = "ctrl/legacy", .version = 1, .min_version = 1,
    .fields = ctrl_legacy_fields, .n_fields = VMS_COUNTOF(ctrl_legacy_fields),
};

static bool ctrl_ext_needed(const void *opaque, int version)
{
    (void)version;
    return ((const struct ctrl *)opaque)->ext_on;
}

static bool ctrl_legacy_needed(const void *opaque, int version)
{
    (void)version;
    return ((const struct ctrl *)opaque)->legacy != 0;
}

/* A missing ctrl/legacy means the default, as a QEMU device resets it in pre_load. */
static void ctrl_legacy_absent(void *opaque, int version)
{
    (void)version;
    ((struct ctrl *)opaque)->legacy = 0;
}

static const struct vms_subsection ctrl_subs[] = {
    {.desc = &ctrl_ext_desc, .needed = ctrl_ext_needed, .flags = VMS_SUB_PRESENT_FLAG,
     .present_offset = offsetof(struct ctrl, ext_present)},
    {.desc = &ctrl_legacy_desc, .needed = ctrl_legacy_needed, .flags = VMS_SUB_PRESENT_FLAG,
     .present_offset = offsetof(struct ctrl, legacy_present), .absent = ctrl_legacy_absent},
};

static const struct vms_desc ctrl_desc = {
    .name = "ctrl", .version = 3, .min_version = 1,
    .fields = ctrl_fields, .n_fields = VMS_COUNTOF(ctrl_fields),
    .subsections = ctrl_subs, .n_subsections = VMS_COUNTOF(ctrl_subs),
};

/* A nested struct array and a variable array; registered twice with VMS_INSTANCE_ANY. */
struct uart_chan {
    uint16_t divisor;
    int32_t level;
};

struct uart {
    uint8_t lcr;
    uint8_t count;
    uint32_t fifo[8];
    struct uart_chan chan[2];
};

static const struct vms_field uart_chan_fields[] = {
    {.name = "divisor", .type = VMS_WT_UINT16, .offset = offsetof(struct uart_chan, divisor), .size = 2},
    {.name = "level", .type = VMS_WT_INT32, .offset = offsetof(struct uart_chan, level), .size = 4},
};
static const struct vms_desc uart_chan_desc = {
    .name = "uart/chan", .version = 1, .min_version = 1,
    .fields = uart_chan_fields, .n_fields = VMS_COUNTOF(uart_chan_fields),
};

static const struct vms_field uart_fields[] = {
    {.name = "lcr", .type = VMS_WT_UINT8, .offset = offsetof(struct uart, lcr), .size = 1},
    {.name = "count", .type = VMS_WT_UINT8, .offset = offsetof(struct uart, count), .size = 1},
    {.name = "fifo", .type = VMS_WT_UINT32, .flags = VMS_F_VARRAY, .offset = offsetof(struct uart, fifo),
     .size = 4, .num = 8, .count_offset = offsetof(struct uart, count), .count_size = 1},
    {.name = "chan", .type = VMS_WT_STRUCT, .offset = offsetof(struct uart, chan),
     .size = sizeof(struct uart_chan), .num = 2, .desc = &uart_chan_desc},
};

static const struct vms_desc uart_desc = {
    .name = "uart", .version = 2, .min_version = 2,
    .fields = uart_fields, .n_fields = VMS_COUNTOF(uart_fields),
};

/* Never sent: its top-level needed() is false. */
struct dbg {
    uint32_t trace;
};

static const struct vms_field dbg_fields[] = {
    {.name = "trace", .type = VMS_WT_UINT32, .offset = offsetof(struct dbg, trace), .size = 4},
};

static bool never_needed(const void *opaque, int version)
{
    (void)opaque;
    (void)version;
    return false;
}

static const struct vms_desc dbg_desc = {
    .name = "dbg", .version = 1, .min_version = 1,
    .fields = dbg_fields, .n_fields = VMS_COUNTOF(dbg_fields), .needed = never_needed,
};

/* Higher priority, registered last: goes out first. */
struct pic {
    uint8_t imr, irr;
    bool auto_eoi;
};

static const struct vms_field pic_fields[] = {
    {.name = "imr", .type = VMS_WT_UINT8, .offset = offsetof(struct pic, imr), .size = 1},
    {.name = "irr", .type = VMS_WT_UINT8, .offset = offsetof(struct pic, irr), .size = 1},
    {.name = "auto_eoi", .type = VMS_WT_BOOL, .offset = offsetof(struct pic, auto_eoi), .size = 1},
};

static const struct vms_desc pic_desc = {
    .name = "pic", .version = 1, .min_version = 1, .priority = 1,
    .fields = pic_fields, .n_fields = VMS_COUNTOF(pic_fields),
};

struct machine {
    struct ctrl ctrl;
    struct uart uart[2];
    struct dbg dbg;
    struct pic pic;
};

/* Section ids are registration order; the wire order is priority, then registration. */
enum { ID_CTRL, ID_UART0, ID_UART1, ID_DBG, ID_PIC };

static void machine_fill(struct machine *m)
{
    static const struct ctrl c = {
        .i8 = -2, .u8 = 0xa5, .i16 = -300, .u16 = 0xbeef, .i32 = -70000, .u32 = 42,
        .i64 = -5000000000, .u64 = 0x0123456789abcdefull, .flag = true,
        .mac = {0x52, 0x54, 0x00, 0x12, 0x34, 0x56}, .regs = {1, 2, 0x300, 0xffff}, .gain = 1.5,
        .idle_timer = -1, .tick_timer = 1000000000, .ext_on = true, .ext_val = 0xdeadbeef,
        .legacy = 0,
    };

    memset(m, 0, sizeof(*m));
    m->ctrl = c;
    m->uart[0] = (struct uart){.lcr = 0x03, .count = 3, .fifo = {0x41, 0x42, 0x43},
                               .chan = {{12, -1}, {96, 7}}};
    m->uart[1] = (struct uart){.lcr = 0x1b, .count = 0, .chan = {{1, 0}, {2, 0}}};
    m->dbg.trace = 0x77;
    m->pic = (struct pic){.imr = 0xfb, .irr = 0x01, .auto_eoi = false};
}

/* A destination before loading: every migrated byte differs from the source's. */
static void machine_poison(struct machine *m)
{
    memset(m, 0x5a, sizeof(*m));
    m->ctrl.flag = false;
    m->ctrl.ext_on = false;
    m->ctrl.ext_present = false;
    m->ctrl.legacy_present = true;
    m->pic.auto_eoi = true;
}

static vms_registry_t *machine_registry(struct machine *m)
{
    vms_registry_t *r = vms_registry_new(MACHINE);

    assert_non_null(r);
    assert_int_equal(vms_register(r, "ctrl", 0, &ctrl_desc, &m->ctrl), 0);
    assert_int_equal(vms_register(r, "uart", VMS_INSTANCE_ANY, &uart_desc, &m->uart[0]), 0);
    assert_int_equal(vms_register(r, "uart", VMS_INSTANCE_ANY, &uart_desc, &m->uart[1]), 0);
    assert_int_equal(vms_register(r, "dbg", 0, &dbg_desc, &m->dbg), 0);
    assert_int_equal(vms_register(r, "pic", 0, &pic_desc, &m->pic), 0);
    return r;
}

/* ---- helpers ---- */

static uint32_t be32_at(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* The whole file at @path, NUL-terminated (malloc'd; the caller frees), or NULL. */
static uint8_t *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    uint8_t *buf = NULL;
    long n;

    if (!f)
        return NULL;
    if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0) {
        buf = malloc((size_t)n + 1);
        if (buf && fread(buf, 1, (size_t)n, f) == (size_t)n) {
            buf[n] = '\0';
            *len = (size_t)n;
        } else {
            free(buf);
            buf = NULL;
        }
    }
    fclose(f);
    return buf;
}

static uint8_t *golden(const char *path, size_t *len)
{
    uint8_t *buf = slurp(path, len);

    if (!buf)
        fail_msg("cannot read %s (run with VMS_UPDATE_GOLDEN=1 to create it)", path);
    return buf;
}

static void spit(const char *path, const void *buf, size_t len)
{
    FILE *f = fopen(path, "wb");

    if (!f || fwrite(buf, 1, len, f) != len || fclose(f) != 0)
        fail_msg("cannot write %s", path);
}

/* vms_save_all of @r into memory: a malloc'd copy of the bytes. */
static uint8_t *save_registry(vms_registry_t *r, size_t *len)
{
    vms_stream_t *s = vms_stream_mem_writer();
    vms_error_t err;
    const void *data;
    uint8_t *copy;
    char buf[1024];

    vms_error_init(&err);
    if (vms_save_all(r, s, &err) != 0)
        fail_msg("vms_save_all: %s", vms_error_format(&err, buf, sizeof(buf)));
    data = vms_stream_mem_data(s, len);
    copy = malloc(*len ? *len : 1);
    assert_non_null(copy);
    memcpy(copy, data, *len);
    assert_int_equal(vms_stream_close(s), 0);
    return copy;
}

static uint8_t *save_machine(size_t *len)
{
    struct machine m;
    vms_registry_t *r;
    uint8_t *bytes;

    machine_fill(&m);
    r = machine_registry(&m);
    bytes = save_registry(r, len);
    vms_registry_free(r);
    return bytes;
}

/* vms_load_all of @len bytes; returns the result, detail in @err. */
static int load_registry(vms_registry_t *r, const void *bytes, size_t len, vms_error_t *err)
{
    vms_stream_t *s = vms_stream_mem_reader(bytes, len);
    int ret;

    assert_non_null(s);
    vms_error_init(err);
    ret = vms_load_all(r, s, err);
    vms_stream_close(s);
    return ret;
}

/* ---- a structural walker over a whole stream ---- */

struct walked_section {
    char idstr[VMS_IDSTR_MAX + 1];
    uint32_t id, instance, version;
    size_t at;      /* offset of the section type byte */
};

struct walk {
    char machine[256];
    struct walked_section sec[16];
    size_t n;
    size_t eof_at;  /* offset of the EOF byte */
    size_t json_at; /* offset of the vmdesc JSON text */
    uint32_t json_len;
};

/* The description and a scratch object to consume a section's payload with. */
typedef const struct vms_desc *(*lookup_fn)(const char *idstr, uint32_t instance, void *ctx,
                                            void **opaque);

/*
 * Walks @b: magic, version 3, configuration, FULL sections (each payload
 * consumed by vms_load with the description @lookup gives), footers, EOF,
 * vmdesc. Any deviation fails the test.
 */
static void walk_stream(const uint8_t *b, size_t len, lookup_fn lookup, void *ctx, struct walk *w)
{
    size_t p = 0;
    uint32_t n;

    memset(w, 0, sizeof(*w));
    assert_true(len >= 13);
    assert_memory_equal(b, "QEVM", 4);
    assert_int_equal(be32_at(b + 4), 3);
    assert_int_equal(b[8], 0x07);
    n = be32_at(b + 9);
    assert_true(n < sizeof(w->machine) && 13 + n <= len);
    memcpy(w->machine, b + 13, n);
    p = 13 + n;
    while (p < len && b[p] == 0x04) {
        struct walked_section *s = &w->sec[w->n++];
        const struct vms_desc *d;
        vms_stream_t *in;
        vms_error_t err;
        void *opaque;
        char msg[1024];
        uint8_t l;

        assert_true(w->n <= VMS_COUNTOF(w->sec));
        assert_true(p + 6 <= len);
        s->at = p;
        s->id = be32_at(b + p + 1);
        l = b[p + 5];
        assert_true(p + 6 + l + 8 <= len);
        memcpy(s->idstr, b + p + 6, l);
        s->idstr[l] = '\0';
        s->instance = be32_at(b + p + 6 + l);
        s->version = be32_at(b + p + 10 + l);
        p += 14 + l;
        d = lookup(s->idstr, s->instance, ctx, &opaque);
        if (!d)
            fail_msg("section '%s' instance %u at 0x%zx is not expected", s->idstr, s->instance, s->at);
        in = vms_stream_mem_reader(b + p, len - p);
        vms_error_init(&err);
        if (vms_load(in, d, opaque, (int)s->version, &err) != 0)
            fail_msg("payload of '%s': %s", s->idstr, vms_error_format(&err, msg, sizeof(msg)));
        p += (size_t)vms_stream_offset(in);
        vms_stream_close(in);
        assert_true(p + 5 <= len);
        assert_int_equal(b[p], 0x7e);
        assert_int_equal(be32_at(b + p + 1), s->id);
        p += 5;
    }
    assert_true(p + 6 <= len);
    w->eof_at = p;
    assert_int_equal(b[p], 0x00);
    assert_int_equal(b[p + 1], 0x06);
    w->json_len = be32_at(b + p + 2);
    w->json_at = p + 6;
    assert_int_equal(w->json_at + w->json_len, len);
}

static const struct vms_desc *machine_lookup(const char *idstr, uint32_t instance, void *ctx,
                                             void **opaque)
{
    struct machine *m = ctx;
    const struct {
        const char *idstr;
        uint32_t instance;
        const struct vms_desc *d;
        void *opaque;
    } map[] = {
        {"ctrl", 0, &ctrl_desc, &m->ctrl}, {"uart", 0, &uart_desc, &m->uart[0]},
        {"uart", 1, &uart_desc, &m->uart[1]}, {"dbg", 0, &dbg_desc, &m->dbg},
        {"pic", 0, &pic_desc, &m->pic},
    };

    for (size_t i = 0; i < VMS_COUNTOF(map); i++) {
        if (strcmp(idstr, map[i].idstr) == 0 && instance == map[i].instance) {
            *opaque = map[i].opaque;
            return map[i].d;
        }
    }
    return NULL;
}

/* ---- 1. golden stream and trailer ---- */

static bool updating(void)
{
    const char *v = getenv("VMS_UPDATE_GOLDEN");

    return v && strcmp(v, "1") == 0;
}

static void test_golden_stream(void **state)
{
    size_t len, want_len;
    uint8_t *bytes = save_machine(&len), *want;
    struct machine scratch;
    struct walk w;

    (void)state;
    if (updating()) {
        walk_stream(bytes, len, machine_lookup, &scratch, &w);
        spit(GOLDEN_STREAM, bytes, len);
        spit(GOLDEN_VMDESC, bytes + w.json_at, w.json_len);
        free(bytes);
        fail_msg("VMS_UPDATE_GOLDEN=1: rewrote %s and %s; review the diff, rerun "
                 "analyze-migration.py as tests/data/golden/README.md says, and run again "
                 "without VMS_UPDATE_GOLDEN", GOLDEN_STREAM, GOLDEN_VMDESC);
    }
    want = golden(GOLDEN_STREAM, &want_len);
    assert_bytes_equal(bytes, len, want, want_len);
    free(want);
    free(bytes);
}

static void test_golden_vmdesc(void **state)
{
    size_t len, want_len;
    uint8_t *bytes = golden(GOLDEN_STREAM, &len);
    uint8_t *want = golden(GOLDEN_VMDESC, &want_len);
    struct machine scratch;
    struct walk w;

    (void)state;
    walk_stream(bytes, len, machine_lookup, &scratch, &w);
    assert_bytes_equal(bytes + w.json_at, w.json_len, want, want_len);
    /* QEMU's JSONWriter layout: one line, ", " and ": " separators, no final newline. */
    assert_null(memchr(want, '\n', want_len));
    assert_non_null(strstr((const char *)want, "{\"page_size\": 4096, \"devices\": [{\"name\": \"pic\", "
                                               "\"instance_id\": 0, \"vmsd_name\": \"pic\""));
    assert_non_null(strstr((const char *)want, "\"subsections\": [{\"vmsd_name\": \"ctrl/ext\""));
    assert_null(strstr((const char *)want, "ctrl/legacy"));
    assert_null(strstr((const char *)want, "dbg"));
    free(want);
    free(bytes);
}

/* Needles in QEMU's own view, in order: what analyze-migration.py decoded from our bytes. */
static void assert_in_order(const char *text, const char *const *needles, size_t n)
{
    const char *at = text;

    for (size_t i = 0; i < n; i++) {
        const char *hit = strstr(at, needles[i]);

        if (!hit)
            fail_msg("'%s' not found (in order) in analyze-migration output", needles[i]);
        at = hit + strlen(needles[i]);
    }
}

static void test_golden_analyze_migration(void **state)
{
    static const char *const state_needles[] = {
        "\"pic (4)\": {", "\"imr\": \"0xfb\"", "\"auto_eoi\": false",
        "\"ctrl (0)\": {", "\"i8\": \"0xfe (-2)\"", "\"u8\": \"0xa5\"", "\"i16\": \"0xfed4 (-300)\"",
        "\"u16\": \"0xbeef\"", "\"i32\": \"0xfffeee90 (-70000)\"", "\"u32\": \"0x0000002a\"",
        "\"i64\": \"0xfffffffed5fa0e00 (-5000000000)\"", "\"u64\": \"0x0123456789abcdef\"",
        "\"flag\": true", "\"mac\": \"52 54 00 12 34 56\"", "\"unused\": \"00 00 00 00\"",
        "\"regs\": [", "\"0x0001\"", "\"0x0002\"", "\"0x0300\"", "\"0xffff\"",
        "\"gain\": \"3f f8 00 00 00 00 00 00\"",
        "\"idle_timer\": \"ff ff ff ff ff ff ff ff\"", "\"tick_timer\": \"00 00 00 00 3b 9a ca 00\"",
        "\"ctrl/ext\": {", "\"ext_val\": \"0xdeadbeef\"",
        "\"uart (1)\": {", "\"lcr\": \"0x03\"", "\"count\": \"0x03\"", "\"fifo\": [",
        "\"0x00000041\"", "\"0x00000042\"", "\"0x00000043\"", "\"chan\": [", "\"divisor\": \"0x000c\"",
        "\"level\": \"0xffffffff (-1)\"", "\"divisor\": \"0x0060\"", "\"level\": \"0x00000007\"",
        "\"uart (2)\": {", "\"lcr\": \"0x1b\"", "\"count\": \"0x00\"", "\"chan\": [",
    };
    static const char *const desc_needles[] = {
        "\"page_size\": 4096", "\"name\": \"pic\"", "\"name\": \"ctrl\"", "\"vmsd_name\": \"ctrl/ext\"",
        "\"name\": \"uart\"", "\"instance_id\": 0", "\"name\": \"uart\"", "\"instance_id\": 1",
    };
    size_t len;
    char *st = (char *)golden(GOLDEN_ANALYZE_STATE, &len);
    char *desc = (char *)golden(GOLDEN_ANALYZE_DESC, &len);

    (void)state;
    assert_in_order(st, state_needles, VMS_COUNTOF(state_needles));
    assert_in_order(desc, desc_needles, VMS_COUNTOF(desc_needles));
    /* skipped: dbg (needed false) and ctrl/legacy (not needed); uart 1 sent no fifo */
    assert_null(strstr(st, "dbg"));
    assert_null(strstr(st, "ctrl/legacy"));
    assert_null(strstr(strstr(st, "\"uart (2)\""), "fifo"));
    free(st);
    free(desc);
}

/* ---- 2. layout ---- */

static void test_layout(void **state)
{
    static const struct {
        const char *idstr;
        uint32_t id, instance, version;
    } want[] = {
        {"pic", ID_PIC, 0, 1}, {"ctrl", ID_CTRL, 0, 3}, {"uart", ID_UART0, 0, 2},
        {"uart", ID_UART1, 1, 2},
    };
    size_t len;
    uint8_t *bytes = golden(GOLDEN_STREAM, &len);
    struct machine scratch;
    struct walk w;

    (void)state;
    machine_poison(&scratch);
    walk_stream(bytes, len, machine_lookup, &scratch, &w);
    assert_string_equal(w.machine, MACHINE);
    assert_int_equal(w.sec[0].at, 8 + 1 + 4 + strlen(MACHINE));
    assert_int_equal(w.n, VMS_COUNTOF(want));
    for (size_t i = 0; i < w.n; i++) {
        assert_string_equal(w.sec[i].idstr, want[i].idstr);
        assert_int_equal(w.sec[i].id, want[i].id);
        assert_int_equal(w.sec[i].instance, want[i].instance);
        assert_int_equal(w.sec[i].version, want[i].version);
    }
    /* the walker's own loads saw the values too */
    assert_int_equal(scratch.pic.imr, 0xfb);
    assert_int_equal(scratch.uart[1].lcr, 0x1b);
    assert_int_equal(bytes[len - w.json_len - 6], 0x00);
    free(bytes);
}

/* ---- 3. round trip ---- */

static void test_round_trip(void **state)
{
    struct machine src, dst;
    vms_registry_t *r;
    vms_error_t err;
    size_t len;
    uint8_t *bytes = save_machine(&len);
    char buf[1024];

    (void)state;
    machine_fill(&src);
    machine_poison(&dst);
    dst.ctrl.legacy = 0x5555; /* reset by ctrl/legacy's absent hook */
    r = machine_registry(&dst);
    if (load_registry(r, bytes, len, &err) != 0)
        fail_msg("vms_load_all: %s", vms_error_format(&err, buf, sizeof(buf)));
    assert_int_equal(err.code, 0);

    assert_int_equal(dst.ctrl.i8, -2);
    assert_int_equal(dst.ctrl.u8, 0xa5);
    assert_int_equal(dst.ctrl.i16, -300);
    assert_int_equal(dst.ctrl.u16, 0xbeef);
    assert_int_equal(dst.ctrl.i32, -70000);
    assert_int_equal(dst.ctrl.u32, 42);
    assert_int_equal(dst.ctrl.i64, -5000000000);
    assert_int_equal(dst.ctrl.u64, 0x0123456789abcdefull);
    assert_true(dst.ctrl.flag);
    assert_memory_equal(dst.ctrl.mac, src.ctrl.mac, sizeof(src.ctrl.mac));
    assert_memory_equal(dst.ctrl.regs, src.ctrl.regs, sizeof(src.ctrl.regs));
    assert_true(dst.ctrl.gain == 1.5);
    assert_int_equal(dst.ctrl.idle_timer, -1);
    assert_int_equal(dst.ctrl.tick_timer, 1000000000);
    /* ctrl/ext came, ctrl/legacy did not */
    assert_int_equal(dst.ctrl.ext_val, 0xdeadbeef);
    assert_true(dst.ctrl.ext_present);
    assert_false(dst.ctrl.legacy_present);
    assert_int_equal(dst.ctrl.legacy, 0);

    for (int i = 0; i < 2; i++) {
        assert_int_equal(dst.uart[i].lcr, src.uart[i].lcr);
        assert_int_equal(dst.uart[i].count, src.uart[i].count);
        assert_memory_equal(dst.uart[i].fifo, src.uart[i].fifo, src.uart[i].count * 4u);
        for (size_t k = src.uart[i].count; k < 8; k++)
            assert_int_equal(dst.uart[i].fifo[k], 0x5a5a5a5a); /* beyond the count: untouched */
        for (int k = 0; k < 2; k++) {
            assert_int_equal(dst.uart[i].chan[k].divisor, src.uart[i].chan[k].divisor);
            assert_int_equal(dst.uart[i].chan[k].level, src.uart[i].chan[k].level);
        }
    }
    assert_int_equal(dst.dbg.trace, 0x5a5a5a5a); /* not in the stream, not reported missing */
    assert_int_equal(dst.pic.imr, 0xfb);
    assert_int_equal(dst.pic.irr, 0x01);
    assert_false(dst.pic.auto_eoi);

    /* and saving the loaded machine gives the same bytes again */
    dst.ctrl.ext_on = true;
    dst.dbg.trace = 0x77;
    size_t len2;
    uint8_t *again = save_registry(r, &len2);
    assert_bytes_equal(again, len2, bytes, len);
    free(again);
    vms_registry_free(r);
    free(bytes);
}

/* ---- 4. truncation ---- */

static void test_every_truncation_fails(void **state)
{
    struct machine dst;
    vms_registry_t *r;
    vms_error_t err;
    size_t len;
    uint8_t *bytes = golden(GOLDEN_STREAM, &len);

    (void)state;
    machine_poison(&dst);
    r = machine_registry(&dst);
    for (size_t cut = 0; cut < len; cut++) {
        /* a copy of exactly @cut bytes, so ASan sees any read past the end */
        uint8_t *part = malloc(cut ? cut : 1);
        int ret;

        assert_non_null(part);
        memcpy(part, bytes, cut);
        ret = load_registry(r, part, cut, &err);
        if (ret == 0 || err.code != ret || err.message[0] == '\0')
            fail_msg("cut at %zu of %zu: ret %d, code %d, message '%s'", cut, len, ret, err.code,
                     err.message);
        if (err.offset < 0 || (size_t)err.offset > cut)
            fail_msg("cut at %zu: offset %lld outside the stream", cut, (long long)err.offset);
        free(part);
    }
    /* and the whole stream still loads after all that */
    assert_int_equal(load_registry(r, bytes, len, &err), 0);
    vms_registry_free(r);
    free(bytes);
}

/* ---- 5. hostile streams ---- */

/*
 * A small machine "pc-test-1.0" with two devices: "dev" (a uint32 and a
 * subsection "dev/extra") and "aux" (a uint8). Streams are written out byte
 * by byte below.
 */
struct dev {
    uint32_t v;
    uint8_t extra;
    bool want_extra;
};

static const struct vms_field dev_fields[] = {
    {.name = "v", .type = VMS_WT_UINT32, .offset = offsetof(struct dev, v), .size = 4},
};
static const struct vms_field dev_extra_fields[] = {
    {.name = "extra", .type = VMS_WT_UINT8, .offset = offsetof(struct dev, extra), .size = 1},
};
static const struct vms_desc dev_extra_desc = {
    .name = "dev/extra", .version = 1, .min_version = 1,
    .fields = dev_extra_fields, .n_fields = VMS_COUNTOF(dev_extra_fields),
};
static bool dev_extra_needed(const void *opaque, int version)
{
    (void)version;
    return ((const struct dev *)opaque)->want_extra;
}
static const struct vms_subsection dev_subs[] = {
    {.desc = &dev_extra_desc, .needed = dev_extra_needed},
};
static const struct vms_desc dev_desc = {
    .name = "dev", .version = 1, .min_version = 1,
    .fields = dev_fields, .n_fields = VMS_COUNTOF(dev_fields),
    .subsections = dev_subs, .n_subsections = VMS_COUNTOF(dev_subs),
};

static const struct vms_field aux_fields[] = {
    {.name = "b", .type = VMS_WT_UINT8, .offset = 0, .size = 1},
};
static const struct vms_desc aux_desc = {
    .name = "aux", .version = 1, .min_version = 1,
    .fields = aux_fields, .n_fields = VMS_COUNTOF(aux_fields),
};

#define B16(v) (uint8_t)((v) >> 8), (uint8_t)(v)
#define B32(v) (uint8_t)((uint32_t)(v) >> 24), (uint8_t)((uint32_t)(v) >> 16), \
               (uint8_t)((uint32_t)(v) >> 8), (uint8_t)(v)

/* 8 bytes */
#define HEADER /* magic "QEVM" */ 0x51, 0x45, 0x56, 0x4d, /* version */ B32(3)
/* 16 bytes */
#define CONFIG /* configuration */ 0x07, /* be32 length */ B32(11), \
               'p', 'c', '-', 't', 'e', 's', 't', '-', '1', '.', '0'
#define AT_SECTIONS 24
/* 17 bytes of section header */
#define DEV_HEAD(type, id, inst, ver) /* type */ type, /* section id */ B32(id), \
               /* idstr */ 3, 'd', 'e', 'v', /* instance */ B32(inst), /* version */ B32(ver)
#define SEC_HEAD 17
/* 26 bytes */
#define DEV_SECTION(id) DEV_HEAD(0x04, id, 0, 1), /* v */ B32(7), /* footer */ 0x7e, B32(id)
#define DEV_LEN 26
/* 23 bytes */
#define AUX_SECTION(id) /* FULL */ 0x04, /* section id */ B32(id), /* idstr */ 3, 'a', 'u', 'x', \
               /* instance */ B32(0), /* version */ B32(1), /* b */ 0x09, /* footer */ 0x7e, B32(id)
#define AUX_LEN 23
/* 8 bytes */
#define TRAILER /* EOF */ 0x00, /* vmdesc */ 0x06, B32(2), '{', '}'
#define TRAILER_LEN 8
/* 6 bytes */
#define CMD(cmd, len) /* command */ 0x08, /* be16 cmd */ B16(cmd), /* be16 len */ B16(len)

/* 40 bytes: configuration/target-page-bits v1 */
#define PAGE_BITS(bits) /* subsection */ 0x05, /* name */ 30, 'c', 'o', 'n', 'f', 'i', 'g', 'u', 'r', \
               'a', 't', 'i', 'o', 'n', '/', 't', 'a', 'r', 'g', 'e', 't', '-', 'p', 'a', 'g', 'e', \
               '-', 'b', 'i', 't', 's', /* version */ B32(1), /* bits */ B32(bits)
#define PAGE_BITS_LEN 40

#define BYTES(...) (const uint8_t[]){__VA_ARGS__}, sizeof((const uint8_t[]){__VA_ARGS__})

struct hostile {
    const char *what;
    const uint8_t *bytes;
    size_t len;
    unsigned flags;      /* vms_registry_set_flags */
    int code;            /* 0: must load */
    int64_t offset;
    const char *path;    /* expected err.path; NULL: not checked */
    const char *message; /* must appear in err.message */
};

static const struct hostile hostile[] = {
    /* header: both words are read before either is checked, so errors point past them */
    {"bad magic", BYTES(0x51, 0x45, 0x56, 0x58, B32(3), CONFIG, TRAILER), 0,
     VMS_ERR_FORMAT, 8, "", "magic 0x51455658"},
    {"version 2 (obsolete)", BYTES(0x51, 0x45, 0x56, 0x4d, B32(2), CONFIG, TRAILER), 0,
     VMS_ERR_VERSION, 8, "", "obsolete"},
    {"version 4", BYTES(0x51, 0x45, 0x56, 0x4d, B32(4), CONFIG, TRAILER), 0,
     VMS_ERR_VERSION, 8, "", "version 4"},
    {"one-byte stream", BYTES(0x51), 0, VMS_ERR_EOF, 1, NULL, "end of stream"},
    /* configuration */
    {"missing configuration", BYTES(HEADER, DEV_SECTION(0), AUX_SECTION(1), TRAILER), 0,
     VMS_ERR_FORMAT, 9, "", "configuration section missing"},
    {"machine name mismatch", BYTES(HEADER, 0x07, B32(7), 'p', 'c', '-', 'o', 't', 'h', 'r',
                                    DEV_SECTION(0), AUX_SECTION(1), TRAILER), 0,
     VMS_ERR_CHECK, 20, "", "stream has 'pc-othr', local is 'pc-test-1.0'"},
    {"received name a prefix of the local one", BYTES(HEADER, 0x07, B32(7), 'p', 'c', '-', 't',
                                                      'e', 's', 't', DEV_SECTION(0),
                                                      AUX_SECTION(1), TRAILER), 0, 0, -1, NULL, NULL},
    {"local name a prefix of the received one", BYTES(HEADER, 0x07, B32(13), 'p', 'c', '-', 't',
                                                      'e', 's', 't', '-', '1', '.', '0', '.', '1',
                                                      DEV_SECTION(0), AUX_SECTION(1), TRAILER), 0,
     VMS_ERR_CHECK, 26, "", "stream has 'pc-test-1.0.1'"},
    {"target-page-bits 12", BYTES(HEADER, CONFIG, PAGE_BITS(12), DEV_SECTION(0), AUX_SECTION(1),
                                  TRAILER), 0, 0, -1, NULL, NULL},
    {"target-page-bits 13", BYTES(HEADER, CONFIG, PAGE_BITS(13), DEV_SECTION(0), AUX_SECTION(1),
                                  TRAILER), 0,
     VMS_ERR_CHECK, AT_SECTIONS + PAGE_BITS_LEN, "", "target page bits 13"},
    {"uuid", BYTES(HEADER, CONFIG, 0x05, 18, 'c', 'o', 'n', 'f', 'i', 'g', 'u', 'r', 'a', 't', 'i',
                   'o', 'n', '/', 'u', 'u', 'i', 'd', /* version */ B32(1), /* uuid */ B32(1),
                   B32(2), B32(3), B32(4), DEV_SECTION(0), AUX_SECTION(1), TRAILER), 0,
     0, -1, NULL, NULL},
    {"capabilities, count 0", BYTES(HEADER, CONFIG, 0x05, 26, 'c', 'o', 'n', 'f', 'i', 'g', 'u', 'r',
                                    'a', 't', 'i', 'o', 'n', '/', 'c', 'a', 'p', 'a', 'b', 'i', 'l',
                                    'i', 't', 'i', 'e', 's', /* version */ B32(1), /* count */ B32(0),
                                    DEV_SECTION(0), AUX_SECTION(1), TRAILER), 0, 0, -1, NULL, NULL},
    {"capabilities, count 1", BYTES(HEADER, CONFIG, 0x05, 26, 'c', 'o', 'n', 'f', 'i', 'g', 'u', 'r',
                                    'a', 't', 'i', 'o', 'n', '/', 'c', 'a', 'p', 'a', 'b', 'i', 'l',
                                    'i', 't', 'i', 'e', 's', /* version */ B32(1), /* count */ B32(1),
                                    /* cap */ 15, 'x', '-', 'i', 'g', 'n', 'o', 'r', 'e', '-', 's', 'h',
                                    'a', 'r', 'e', 'd', DEV_SECTION(0), AUX_SECTION(1), TRAILER), 0,
     VMS_ERR_UNSUPPORTED, AT_SECTIONS + 28 + 8, "", "capabilities"},
    {"unknown configuration subsection", BYTES(HEADER, CONFIG, 0x05, 17, 'c', 'o', 'n', 'f', 'i',
                                               'g', 'u', 'r', 'a', 't', 'i', 'o', 'n', '/', 'f',
                                               'o', 'o', /* version */ B32(1), DEV_SECTION(0),
                                               AUX_SECTION(1), TRAILER), 0,
     VMS_ERR_NOENT, AT_SECTIONS, "", "'configuration/foo'"}, /* at its 0x05, as the engine */
    /* sections */
    {"all good", BYTES(HEADER, CONFIG, DEV_SECTION(0), AUX_SECTION(1), TRAILER), 0, 0, -1, NULL, NULL},
    {"sections in any order, any ids", BYTES(HEADER, CONFIG, AUX_SECTION(9), DEV_SECTION(3),
                                             TRAILER), 0, 0, -1, NULL, NULL},
    {"unknown idstr", BYTES(HEADER, CONFIG, 0x04, B32(0), 3, 'x', 'y', 'z', B32(0), B32(1), B32(7),
                            0x7e, B32(0), TRAILER), 0,
     VMS_ERR_NOENT, AT_SECTIONS + SEC_HEAD, "", "unknown section 'xyz' instance 0"},
    {"unknown instance", BYTES(HEADER, CONFIG, DEV_HEAD(0x04, 0, 5, 1), B32(7), 0x7e, B32(0),
                               TRAILER), 0,
     VMS_ERR_NOENT, AT_SECTIONS + SEC_HEAD, "", "unknown section 'dev' instance 5"},
    {"duplicate section", BYTES(HEADER, CONFIG, DEV_SECTION(0), DEV_SECTION(1), AUX_SECTION(2),
                                TRAILER), 0,
     VMS_ERR_EXISTS, AT_SECTIONS + DEV_LEN + SEC_HEAD, "dev", "'dev' instance 0 appears twice"},
    {"section id reused", BYTES(HEADER, CONFIG, DEV_SECTION(0), AUX_SECTION(0), TRAILER), 0,
     VMS_ERR_EXISTS, AT_SECTIONS + DEV_LEN + SEC_HEAD, "", "section id 0 reused by 'aux'"},
    {"section version too new", BYTES(HEADER, CONFIG, DEV_HEAD(0x04, 0, 0, 2), B32(7), 0x7e, B32(0),
                                      AUX_SECTION(1), TRAILER), 0,
     VMS_ERR_VERSION, AT_SECTIONS + SEC_HEAD, "dev", "stream version 2 is newer than local version 1"},
    {"missing footer", BYTES(HEADER, CONFIG, DEV_HEAD(0x04, 0, 0, 1), B32(7), AUX_SECTION(1),
                             TRAILER), 0,
     VMS_ERR_FORMAT, AT_SECTIONS + SEC_HEAD + 4 + 1, "dev", "missing section footer (got 0x04"},
    {"mismatched footer id", BYTES(HEADER, CONFIG, DEV_HEAD(0x04, 0, 0, 1), B32(7), 0x7e, B32(9),
                                   AUX_SECTION(1), TRAILER), 0,
     VMS_ERR_FORMAT, AT_SECTIONS + DEV_LEN, "dev", "footer names id 9, expected 0"},
    {"PART for an unknown id", BYTES(HEADER, CONFIG, /* PART */ 0x02, B32(5), B32(7), 0x7e, B32(5),
                                     TRAILER), 0,
     VMS_ERR_NOENT, AT_SECTIONS + 5, "", "PART for unknown section id 5"},
    {"END for an unknown id", BYTES(HEADER, CONFIG, /* END */ 0x03, B32(5), 0x7e, B32(5), TRAILER),
     0, VMS_ERR_NOENT, AT_SECTIONS + 5, "", "END for unknown section id 5"},
    {"PART for a finished id", BYTES(HEADER, CONFIG, DEV_SECTION(0), /* PART */ 0x02, B32(0), B32(7),
                                     0x7e, B32(0), AUX_SECTION(1), TRAILER), 0,
     VMS_ERR_FORMAT, AT_SECTIONS + DEV_LEN + 5, "", "PART for finished section id 0"},
    {"END for a finished id", BYTES(HEADER, CONFIG, DEV_SECTION(0), /* END */ 0x03, B32(0), 0x7e,
                                    B32(0), AUX_SECTION(1), TRAILER), 0,
     VMS_ERR_FORMAT, AT_SECTIONS + DEV_LEN + 5, "", "END for finished section id 0"},
    {"START section", BYTES(HEADER, CONFIG, DEV_HEAD(0x01, 0, 0, 1), B32(7), 0x7e, B32(0),
                            AUX_SECTION(1), TRAILER), 0,
     VMS_ERR_UNSUPPORTED, AT_SECTIONS + SEC_HEAD, "dev", "live (START) section"},
    {"unknown section type", BYTES(HEADER, CONFIG, 0x09, TRAILER), 0,
     VMS_ERR_FORMAT, AT_SECTIONS + 1, "", "unknown section type 0x09"},
    {"subsection marker at top level", BYTES(HEADER, CONFIG, 0x05, TRAILER), 0,
     VMS_ERR_FORMAT, AT_SECTIONS + 1, "", "unknown section type 0x05"},
    {"footer at top level", BYTES(HEADER, CONFIG, 0x7e, B32(0), TRAILER), 0,
     VMS_ERR_FORMAT, AT_SECTIONS + 1, "", "unknown section type 0x7e"},
    /* subsections inside a section */
    {"known subsection", BYTES(HEADER, CONFIG, DEV_HEAD(0x04, 0, 0, 1), B32(7), 0x05, 9, 'd', 'e',
                               'v', '/', 'e', 'x', 't', 'r', 'a', B32(1), 0x33, 0x7e, B32(0),
                               AUX_SECTION(1), TRAILER), 0, 0, -1, NULL, NULL},
    {"unknown subsection", BYTES(HEADER, CONFIG, DEV_HEAD(0x04, 0, 0, 1), B32(7), 0x05, 7, 'd', 'e',
                                 'v', '/', 'b', 'a', 'd', B32(1), 0x7e, B32(0), AUX_SECTION(1),
                                 TRAILER), 0,
     VMS_ERR_NOENT, AT_SECTIONS + SEC_HEAD + 4, "dev", "subsection 'dev/bad' does not exist in 'dev'"},
    {"duplicate subsection", BYTES(HEADER, CONFIG, DEV_HEAD(0x04, 0, 0, 1), B32(7), 0x05, 9, 'd', 'e',
                                   'v', '/', 'e', 'x', 't', 'r', 'a', B32(1), 0x33, 0x05, 9, 'd', 'e',
                                   'v', '/', 'e', 'x', 't', 'r', 'a', B32(1), 0x33, 0x7e, B32(0),
                                   AUX_SECTION(1), TRAILER), 0,
     VMS_ERR_EXISTS, AT_SECTIONS + SEC_HEAD + 4 + 16, "dev", "'dev/extra' appears twice"},
    /* commands */
    {"accepted commands", BYTES(HEADER, CONFIG, CMD(1, 0), DEV_SECTION(0), CMD(2, 4), B32(0x1234),
                                CMD(11, 0), AUX_SECTION(1), TRAILER), 0, 0, -1, NULL, NULL},
    {"command 0", BYTES(HEADER, CONFIG, CMD(0, 0), TRAILER), 0,
     VMS_ERR_FORMAT, AT_SECTIONS + 5, "", "invalid command 0"},
    {"command 12", BYTES(HEADER, CONFIG, CMD(12, 0), TRAILER), 0,
     VMS_ERR_FORMAT, AT_SECTIONS + 5, "", "invalid command 12"},
    {"PING of length 3", BYTES(HEADER, CONFIG, CMD(2, 3), 0, 0, 0, TRAILER), 0,
     VMS_ERR_FORMAT, AT_SECTIONS + 5, "", "command 2 has length 3, expected 4"},
    {"OPEN_RETURN_PATH of length 1", BYTES(HEADER, CONFIG, CMD(1, 1), 0, TRAILER), 0,
     VMS_ERR_FORMAT, AT_SECTIONS + 5, "", "command 1 has length 1, expected 0"},
    {"POSTCOPY_ADVISE", BYTES(HEADER, CONFIG, CMD(3, 0), TRAILER), 0,
     VMS_ERR_UNSUPPORTED, AT_SECTIONS + 5, "", "command 3"},
    {"POSTCOPY_LISTEN", BYTES(HEADER, CONFIG, CMD(4, 0), TRAILER), 0,
     VMS_ERR_UNSUPPORTED, AT_SECTIONS + 5, "", "command 4"},
    {"PACKAGED", BYTES(HEADER, CONFIG, CMD(7, 4), B32(0), TRAILER), 0,
     VMS_ERR_UNSUPPORTED, AT_SECTIONS + 5, "", "command 7"},
    /* end of stream */
    {"no vmdesc", BYTES(HEADER, CONFIG, DEV_SECTION(0), AUX_SECTION(1), /* EOF */ 0x00), 0,
     VMS_ERR_EOF, AT_SECTIONS + DEV_LEN + AUX_LEN + 1, "", "end of stream"},
    {"no vmdesc, allowed", BYTES(HEADER, CONFIG, DEV_SECTION(0), AUX_SECTION(1), /* EOF */ 0x00),
     VMS_LOAD_ALLOW_NO_VMDESC, 0, -1, NULL, NULL},
    {"junk instead of vmdesc, allowed", BYTES(HEADER, CONFIG, DEV_SECTION(0), AUX_SECTION(1),
                                              /* EOF */ 0x00, 0x42), VMS_LOAD_ALLOW_NO_VMDESC,
     VMS_ERR_FORMAT, AT_SECTIONS + DEV_LEN + AUX_LEN + 2, "", "vmdesc"},
    {"no EOF", BYTES(HEADER, CONFIG, DEV_SECTION(0), AUX_SECTION(1)), 0,
     VMS_ERR_EOF, AT_SECTIONS + DEV_LEN + AUX_LEN, "", "end of stream"},
    {"vmdesc shorter than its length", BYTES(HEADER, CONFIG, DEV_SECTION(0), AUX_SECTION(1), 0x00,
                                             0x06, B32(3), '{', '}'), 0,
     VMS_ERR_EOF, AT_SECTIONS + DEV_LEN + AUX_LEN + 8, "", "end of stream"},
    {"registered device missing", BYTES(HEADER, CONFIG, DEV_SECTION(0), TRAILER), 0,
     VMS_ERR_MISSING, AT_SECTIONS + DEV_LEN + TRAILER_LEN, "aux",
     "section 'aux' instance 0 is missing"},
    {"registered device missing, allowed", BYTES(HEADER, CONFIG, DEV_SECTION(0), TRAILER),
     VMS_LOAD_ALLOW_MISSING, 0, -1, NULL, NULL},
};

/* Checks one hostile case; returns false after printing what differs. */
static bool check_hostile(const struct hostile *h)
{
    struct dev dev = {0};
    uint8_t aux = 0;
    vms_registry_t *r = vms_registry_new("pc-test-1.0");
    uint8_t *copy = malloc(h->len);
    vms_error_t err;
    char buf[1024];
    bool ok = true;
    int ret;

    assert_non_null(r);
    assert_non_null(copy);
    memcpy(copy, h->bytes, h->len); /* exact size on the heap: ASan sees overreads */
    assert_int_equal(vms_register(r, "dev", 0, &dev_desc, &dev), 0);
    assert_int_equal(vms_register(r, "aux", 0, &aux_desc, &aux), 0);
    vms_registry_set_flags(r, h->flags);
    ret = load_registry(r, copy, h->len, &err);
    vms_error_format(&err, buf, sizeof(buf));
    if (h->code == 0) {
        ok = ret == 0 && err.code == 0 && dev.v == 7 && ((h->flags & VMS_LOAD_ALLOW_MISSING) || aux == 9);
    } else {
        ok = ret == h->code && err.code == h->code && err.offset == h->offset &&
             (!h->path || strcmp(err.path, h->path) == 0) && strstr(err.message, h->message);
    }
    if (!ok)
        print_error("hostile '%s': got ret %d code %d (%s) offset %lld path '%s' message '%s'\n"
                    "  want code %d (%s) offset %lld path '%s' message containing '%s'\n", h->what,
                    ret, err.code, vms_strerror(err.code), (long long)err.offset, err.path, buf,
                    h->code, vms_strerror(h->code), (long long)h->offset, h->path ? h->path : "*",
                    h->message ? h->message : "");
    vms_registry_free(r);
    free(copy);
    return ok;
}

static void test_hostile_streams(void **state)
{
    unsigned bad = 0;

    (void)state;
    for (size_t i = 0; i < VMS_COUNTOF(hostile); i++)
        bad += !check_hostile(&hostile[i]);
    if (bad)
        fail_msg("%u of %zu hostile streams misbehaved (listed above)", bad, VMS_COUNTOF(hostile));
}

/* ---- 6. registry ---- */

static const struct vms_desc *single_lookup(const char *idstr, uint32_t instance, void *ctx,
                                            void **opaque)
{
    (void)idstr;
    (void)instance;
    *opaque = ctx;
    return &aux_desc;
}

static void test_instance_any_numbering(void **state)
{
    static const struct {
        const char *idstr;
        uint32_t instance;
    } want[] = {{"a", 0}, {"a", 1}, {"b", 0}, {"a", 5}, {"a", 6}, {"b", 1}, {"a", 3}};
    uint8_t dev[7] = {0}, scratch;
    vms_registry_t *r = vms_registry_new("m");
    struct walk w;
    size_t len;
    uint8_t *bytes;

    (void)state;
    assert_int_equal(vms_register(r, "a", VMS_INSTANCE_ANY, &aux_desc, &dev[0]), 0);
    assert_int_equal(vms_register(r, "a", VMS_INSTANCE_ANY, &aux_desc, &dev[1]), 0);
    assert_int_equal(vms_register(r, "b", VMS_INSTANCE_ANY, &aux_desc, &dev[2]), 0);
    assert_int_equal(vms_register(r, "a", 5, &aux_desc, &dev[3]), 0);
    assert_int_equal(vms_register(r, "a", VMS_INSTANCE_ANY, &aux_desc, &dev[4]), 0);
    assert_int_equal(vms_register(r, "b", VMS_INSTANCE_ANY, &aux_desc, &dev[5]), 0);
    assert_int_equal(vms_register(r, "a", 3, &aux_desc, &dev[6]), 0); /* a free slot below */
    /* explicit duplicates, also of numbers ANY handed out */
    assert_int_equal(vms_register(r, "a", 5, &aux_desc, &dev[0]), VMS_ERR_EXISTS);
    assert_int_equal(vms_register(r, "a", 1, &aux_desc, &dev[0]), VMS_ERR_EXISTS);
    assert_int_equal(vms_register(r, "b", 0, &aux_desc, &dev[0]), VMS_ERR_EXISTS);

    bytes = save_registry(r, &len);
    walk_stream(bytes, len, single_lookup, &scratch, &w);
    assert_int_equal(w.n, VMS_COUNTOF(want));
    for (size_t i = 0; i < w.n; i++) {
        assert_string_equal(w.sec[i].idstr, want[i].idstr);
        assert_int_equal(w.sec[i].instance, want[i].instance);
        assert_int_equal(w.sec[i].id, i);
    }
    free(bytes);
    vms_registry_free(r);
}

/* QEMU refuses to number past UINT32_MAX - 1 (VMSTATE_INSTANCE_ID_ANY is all ones). */
static void test_instance_any_exhausted(void **state)
{
    uint8_t dev = 0;
    vms_registry_t *r = vms_registry_new("m");
    int ret;

    (void)state;
    assert_int_equal(vms_register(r, "a", 0, &aux_desc, &dev), 0);
    assert_int_equal(vms_register(r, "a", UINT32_MAX - 1, &aux_desc, &dev), 0);
    /* the next number would be UINT32_MAX, which is VMS_INSTANCE_ANY itself */
    ret = vms_register(r, "a", VMS_INSTANCE_ANY, &aux_desc, &dev);
    vms_registry_free(r);
    assert_int_equal(ret, VMS_ERR_RANGE);
}

static void test_register_rejects(void **state)
{
    static const struct vms_field bad_fields[] = {
        {.name = "x", .type = VMS_WT_UINT32, .offset = 0, .size = 2}, /* size does not match */
    };
    static const struct vms_desc bad_desc = {
        .name = "bad", .version = 1, .min_version = 1,
        .fields = bad_fields, .n_fields = VMS_COUNTOF(bad_fields),
    };
    uint8_t dev = 0;
    char name[VMS_IDSTR_MAX + 2];
    vms_registry_t *r = vms_registry_new("m");

    (void)state;
    assert_null(vms_registry_new(NULL));
    vms_registry_free(NULL);
    assert_int_equal(vms_register(NULL, "a", 0, &aux_desc, &dev), VMS_ERR_INVAL);
    assert_int_equal(vms_register(r, NULL, 0, &aux_desc, &dev), VMS_ERR_INVAL);
    assert_int_equal(vms_register(r, "a", 0, NULL, &dev), VMS_ERR_INVAL);
    assert_int_equal(vms_register(r, "", 0, &aux_desc, &dev), VMS_ERR_INVAL);
    memset(name, 'x', sizeof(name));
    name[VMS_IDSTR_MAX + 1] = '\0'; /* 256 bytes */
    assert_int_equal(vms_register(r, name, 0, &aux_desc, &dev), VMS_ERR_INVAL);
    name[VMS_IDSTR_MAX] = '\0'; /* 255 bytes: the longest that fits the u8 length */
    assert_int_equal(vms_register(r, name, 0, &aux_desc, &dev), 0);
    assert_int_equal(vms_register(r, "bad", 0, &bad_desc, &dev), VMS_ERR_INVAL);

    /* the 255-byte idstr goes out and comes back */
    size_t len;
    uint8_t *bytes = save_registry(r, &len);
    vms_error_t err;
    assert_int_equal(bytes[8 + 1 + 4 + 1 + 5], VMS_IDSTR_MAX);
    assert_int_equal(load_registry(r, bytes, len, &err), 0);
    free(bytes);
    vms_registry_free(r);

    vms_error_init(&err);
    assert_int_equal(vms_save_all(NULL, NULL, &err), VMS_ERR_INVAL);
}

static void test_unmigratable(void **state)
{
    static const struct vms_desc blocker_desc = {
        .name = "blocker", .version = 1, .min_version = 1, .unmigratable = true,
        .fields = aux_fields, .n_fields = VMS_COUNTOF(aux_fields),
    };
    uint8_t dev = 0;
    vms_registry_t *r = vms_registry_new("m");
    vms_stream_t *s = vms_stream_mem_writer();
    vms_error_t err;

    (void)state;
    assert_int_equal(vms_register(r, "aux", 0, &aux_desc, &dev), 0);
    assert_int_equal(vms_register(r, "0000:00:04.0/blocker", 0, &blocker_desc, &dev), 0);
    vms_error_init(&err);
    assert_int_equal(vms_save_all(r, s, &err), VMS_ERR_UNMIGRATABLE);
    assert_int_equal(err.code, VMS_ERR_UNMIGRATABLE);
    assert_string_equal(err.path, "0000:00:04.0/blocker");
    assert_non_null(strstr(err.message, "'blocker'"));
    assert_int_equal(vms_stream_close(s), VMS_ERR_UNMIGRATABLE);
    vms_registry_free(r);
}

static void test_page_size(void **state)
{
    uint8_t dev = 9;
    vms_registry_t *r = vms_registry_new("m");
    static const char want[] = "{\"page_size\": 65536, \"devices\": [{\"name\": \"aux\", ";
    struct walk w;
    vms_error_t err;
    size_t len;
    uint8_t *bytes;

    (void)state;
    assert_int_equal(vms_register(r, "aux", 0, &aux_desc, &dev), 0);
    vms_registry_set_page_size(r, 65536);
    bytes = save_registry(r, &len);
    walk_stream(bytes, len, single_lookup, &dev, &w);
    assert_true(w.json_len > sizeof(want) - 1);
    assert_memory_equal(bytes + w.json_at, want, sizeof(want) - 1);
    assert_int_equal(load_registry(r, bytes, len, &err), 0);
    free(bytes);

    /* a QEMU stream announcing 64 KiB target pages matches; 4 KiB ones do not */
    static const uint8_t bits16[] = {HEADER, 0x07, B32(1), 'm', PAGE_BITS(16), AUX_SECTION(0), TRAILER};
    static const uint8_t bits12[] = {HEADER, 0x07, B32(1), 'm', PAGE_BITS(12), AUX_SECTION(0), TRAILER};
    assert_int_equal(load_registry(r, bits16, sizeof(bits16), &err), 0);
    assert_int_equal(load_registry(r, bits12, sizeof(bits12), &err), VMS_ERR_CHECK);
    assert_int_equal(err.offset, 8 + 6 + PAGE_BITS_LEN);
    assert_non_null(strstr(err.message, "target page bits 12 do not match the local page size 65536"));
    vms_registry_free(r);
}

/* Until atomic loads exist a whole-machine load refuses the flag; once they do, a cut stream
 * must leave the section it cut untouched. */
static void test_atomic_flag(void **state)
{
    struct machine dst;
    vms_registry_t *r;
    vms_error_t err;
    size_t len;
    uint8_t *bytes = golden(GOLDEN_STREAM, &len);
    int ret;

    (void)state;
    machine_poison(&dst);
    r = machine_registry(&dst);
    vms_registry_set_flags(r, VMS_LOAD_ATOMIC);
    ret = load_registry(r, bytes, len, &err);
    if (ret == VMS_ERR_UNSUPPORTED) {
        assert_non_null(strstr(err.message, "atomic"));
    } else {
        struct machine scratch;
        struct walk w;

        assert_int_equal(ret, 0);
        walk_stream(bytes, len, machine_lookup, &scratch, &w);
        machine_poison(&dst);
        /* cut inside ctrl's payload (the second section) right after its u64 */
        assert_string_equal(w.sec[1].idstr, "ctrl");
        assert_int_equal(load_registry(r, bytes, w.sec[1].at + 18 + 30, &err), VMS_ERR_EOF);
        assert_int_equal(dst.ctrl.i8, 0x5a);
        assert_int_equal(dst.ctrl.u32, 0x5a5a5a5a);
        assert_int_equal(dst.ctrl.u64, 0x5a5a5a5a5a5a5a5aull);
    }
    vms_registry_free(r);
    free(bytes);
}

/* DESIGN.md section 5: a duplicate subsection is an error, configuration's included. */
static void test_config_subsection_twice(void **state)
{
    static const uint8_t twice[] = {HEADER, CONFIG, PAGE_BITS(12), PAGE_BITS(12), DEV_SECTION(0),
                                    AUX_SECTION(1), TRAILER};
    struct dev dev = {0};
    uint8_t aux = 0;
    vms_registry_t *r = vms_registry_new("pc-test-1.0");
    vms_error_t err;
    int ret;

    (void)state;
    assert_int_equal(vms_register(r, "dev", 0, &dev_desc, &dev), 0);
    assert_int_equal(vms_register(r, "aux", 0, &aux_desc, &aux), 0);
    ret = load_registry(r, twice, sizeof(twice), &err);
    vms_registry_free(r);
    assert_int_equal(ret, VMS_ERR_EXISTS);
    assert_int_equal(err.offset, AT_SECTIONS + PAGE_BITS_LEN); /* at the second 0x05, as the engine */
    assert_non_null(strstr(err.message, "configuration/target-page-bits"));
}

/*
 * A registry must load what it saved: machine names longer than the 255 bytes
 * a loader accepts are refused up front, and 255 bytes round-trip.
 */
static void test_long_machine_name(void **state)
{
    char name[257];
    uint8_t dev = 9;
    vms_registry_t *r;
    vms_error_t err;
    size_t len;
    uint8_t *bytes;

    (void)state;
    memset(name, 'q', sizeof(name) - 1);
    name[sizeof(name) - 1] = '\0';
    assert_null(vms_registry_new(name)); /* 256 bytes */
    name[255] = '\0';
    r = vms_registry_new(name);
    assert_non_null(r);
    assert_int_equal(vms_register(r, "aux", 0, &aux_desc, &dev), 0);
    bytes = save_registry(r, &len);
    assert_int_equal(be32_at(bytes + 9), 255);
    assert_int_equal(load_registry(r, bytes, len, &err), 0);
    free(bytes);
    vms_registry_free(r);
}

/* No devices at all: header, configuration, EOF, vmdesc; and it loads. */
static void test_empty_machine(void **state)
{
    static const uint8_t want[] = {
        HEADER, /* configuration */ 0x07, B32(1), 'm',
        /* EOF */ 0x00, /* vmdesc */ 0x06, B32(34),
        '{', '"', 'p', 'a', 'g', 'e', '_', 's', 'i', 'z', 'e', '"', ':', ' ', '4', '0', '9', '6',
        ',', ' ', '"', 'd', 'e', 'v', 'i', 'c', 'e', 's', '"', ':', ' ', '[', ']', '}',
    };
    vms_registry_t *r = vms_registry_new("m");
    vms_error_t err;
    size_t len;
    uint8_t *bytes = save_registry(r, &len);

    (void)state;
    assert_bytes_equal(bytes, len, want, sizeof(want));
    assert_int_equal(load_registry(r, bytes, len, &err), 0);
    free(bytes);
    vms_registry_free(r);
}

/* ---- 7. file: round trip ---- */

static void test_file_round_trip(void **state)
{
    char dir[] = "/tmp/test_savevm.XXXXXX", uri[96], path[64], buf[1024];
    struct machine src, dst;
    vms_registry_t *rs, *rd;
    vms_stream_t *s;
    vms_error_t err;
    size_t len, want_len;
    uint8_t *bytes, *want;

    (void)state;
    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof(path), "%s/m.mig", dir);
    snprintf(uri, sizeof(uri), "file:%s", path);
    machine_fill(&src);
    rs = machine_registry(&src);
    vms_error_init(&err);
    s = vms_stream_open(uri, VMS_WRITE, &err);
    if (!s)
        fail_msg("%s", vms_error_format(&err, buf, sizeof(buf)));
    assert_int_equal(vms_save_all(rs, s, &err), 0);
    assert_int_equal(vms_stream_close(s), 0);

    /* the file holds exactly the golden bytes */
    bytes = slurp(path, &len);
    assert_non_null(bytes);
    want = golden(GOLDEN_STREAM, &want_len);
    assert_bytes_equal(bytes, len, want, want_len);
    free(want);
    free(bytes);

    machine_poison(&dst);
    rd = machine_registry(&dst);
    s = vms_stream_open(uri, VMS_READ, &err);
    if (!s)
        fail_msg("%s", vms_error_format(&err, buf, sizeof(buf)));
    if (vms_load_all(rd, s, &err) != 0)
        fail_msg("%s", vms_error_format(&err, buf, sizeof(buf)));
    assert_int_equal(vms_stream_close(s), 0);
    assert_int_equal(dst.ctrl.u64, src.ctrl.u64);
    assert_int_equal(dst.uart[1].lcr, src.uart[1].lcr);
    assert_int_equal(dst.pic.imr, src.pic.imr);
    assert_true(dst.ctrl.ext_present);

    unlink(path);
    rmdir(dir);
    vms_registry_free(rs);
    vms_registry_free(rd);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_golden_stream),
        cmocka_unit_test(test_golden_vmdesc),
        cmocka_unit_test(test_golden_analyze_migration),
        cmocka_unit_test(test_layout),
        cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_every_truncation_fails),
        cmocka_unit_test(test_hostile_streams),
        cmocka_unit_test(test_instance_any_numbering),
        cmocka_unit_test(test_instance_any_exhausted),
        cmocka_unit_test(test_register_rejects),
        cmocka_unit_test(test_unmigratable),
        cmocka_unit_test(test_page_size),
        cmocka_unit_test(test_atomic_flag),
        cmocka_unit_test(test_config_subsection_twice),
        cmocka_unit_test(test_long_machine_name),
        cmocka_unit_test(test_empty_machine),
        cmocka_unit_test(test_file_round_trip),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
