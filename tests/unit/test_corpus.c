/*
 * test_corpus.c: byte compatibility with a real QEMU 7.2 stream (tests/data/qemu-7.2).
 *
 * Hand-written descriptions with the layout of a few QEMU 7.2 devices load
 * their sections from the real stream, must end exactly at the section
 * footer, must save back to the very same bytes, and must describe
 * themselves in the vmdesc trailer with exactly QEMU's JSON text.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <vms/vms.h>

#define CORPUS_STREAM VMS_DATA_DIR "/qemu-7.2/pc-i440fx-7.2-32m.mig"

/* ---- device layouts (our own structs; only the wire layout must match QEMU's) ---- */

struct dma_regs {
    int32_t now[2];
    uint16_t base[2];
    uint8_t mode, page, pageh, dack, eop;
};

struct dma_cont {
    uint8_t command, mask, flip_flop;
    int32_t dshift;
    struct dma_regs regs[4];
};

static const struct vms_field dma_regs_fields[] = {
    {.name = "now", .type = VMS_WT_INT32, .offset = offsetof(struct dma_regs, now), .size = 4, .num = 2},
    {.name = "base", .type = VMS_WT_UINT16, .offset = offsetof(struct dma_regs, base), .size = 2, .num = 2},
    {.name = "mode", .type = VMS_WT_UINT8, .offset = offsetof(struct dma_regs, mode), .size = 1},
    {.name = "page", .type = VMS_WT_UINT8, .offset = offsetof(struct dma_regs, page), .size = 1},
    {.name = "pageh", .type = VMS_WT_UINT8, .offset = offsetof(struct dma_regs, pageh), .size = 1},
    {.name = "dack", .type = VMS_WT_UINT8, .offset = offsetof(struct dma_regs, dack), .size = 1},
    {.name = "eop", .type = VMS_WT_UINT8, .offset = offsetof(struct dma_regs, eop), .size = 1},
};

static const struct vms_desc dma_regs_desc = {
    .name = "dma_regs", .version = 1, .min_version = 1, .size = sizeof(struct dma_regs),
    .fields = dma_regs_fields, .n_fields = VMS_COUNTOF(dma_regs_fields),
};

static const struct vms_field dma_fields[] = {
    {.name = "command", .type = VMS_WT_UINT8, .offset = offsetof(struct dma_cont, command), .size = 1},
    {.name = "mask", .type = VMS_WT_UINT8, .offset = offsetof(struct dma_cont, mask), .size = 1},
    {.name = "flip_flop", .type = VMS_WT_UINT8, .offset = offsetof(struct dma_cont, flip_flop), .size = 1},
    {.name = "dshift", .type = VMS_WT_INT32, .offset = offsetof(struct dma_cont, dshift), .size = 4},
    {.name = "regs", .type = VMS_WT_STRUCT, .offset = offsetof(struct dma_cont, regs),
     .size = sizeof(struct dma_regs), .num = 4, .desc = &dma_regs_desc},
};

static const struct vms_desc dma_desc = {
    .name = "dma", .version = 1, .min_version = 1, .size = sizeof(struct dma_cont),
    .fields = dma_fields, .n_fields = VMS_COUNTOF(dma_fields),
};

struct hpet_timer {
    uint8_t tn;
    uint64_t config, cmp, fsb, period;
    uint8_t wrap_flag;
    int64_t qemu_timer;
};

struct hpet {
    uint64_t config, isr, hpet_counter;
    uint8_t num_timers;
    struct hpet_timer timer[32];
    uint8_t rtc_irq_level;
    uint64_t hpet_offset;
    bool offset_saved;
};

static const struct vms_field hpet_timer_fields[] = {
    {.name = "tn", .type = VMS_WT_UINT8, .offset = offsetof(struct hpet_timer, tn), .size = 1},
    {.name = "config", .type = VMS_WT_UINT64, .offset = offsetof(struct hpet_timer, config), .size = 8},
    {.name = "cmp", .type = VMS_WT_UINT64, .offset = offsetof(struct hpet_timer, cmp), .size = 8},
    {.name = "fsb", .type = VMS_WT_UINT64, .offset = offsetof(struct hpet_timer, fsb), .size = 8},
    {.name = "period", .type = VMS_WT_UINT64, .offset = offsetof(struct hpet_timer, period), .size = 8},
    {.name = "wrap_flag", .type = VMS_WT_UINT8, .offset = offsetof(struct hpet_timer, wrap_flag), .size = 1},
    {.name = "qemu_timer", .type = VMS_WT_TIMER, .offset = offsetof(struct hpet_timer, qemu_timer), .size = 8},
};

static const struct vms_desc hpet_timer_desc = {
    .name = "hpet_timer", .version = 1, .min_version = 1, .size = sizeof(struct hpet_timer),
    .fields = hpet_timer_fields, .n_fields = VMS_COUNTOF(hpet_timer_fields),
};

static const struct vms_field hpet_rtc_fields[] = {
    {.name = "rtc_irq_level", .type = VMS_WT_UINT8, .offset = offsetof(struct hpet, rtc_irq_level), .size = 1},
};
static const struct vms_desc hpet_rtc_desc = {
    .name = "hpet/rtc_irq_level", .version = 1, .min_version = 1, .size = sizeof(struct hpet),
    .fields = hpet_rtc_fields, .n_fields = VMS_COUNTOF(hpet_rtc_fields),
};
static const struct vms_field hpet_offset_fields[] = {
    {.name = "hpet_offset", .type = VMS_WT_UINT64, .offset = offsetof(struct hpet, hpet_offset), .size = 8},
};
static const struct vms_desc hpet_offset_desc = {
    .name = "hpet/offset", .version = 1, .min_version = 1, .size = sizeof(struct hpet),
    .fields = hpet_offset_fields, .n_fields = VMS_COUNTOF(hpet_offset_fields),
};

static bool hpet_rtc_needed(const void *opaque, int version)
{
    (void)version;
    return ((const struct hpet *)opaque)->rtc_irq_level != 0;
}

static bool hpet_offset_needed(const void *opaque, int version)
{
    (void)version;
    return ((const struct hpet *)opaque)->offset_saved;
}

static const struct vms_subsection hpet_subs[] = {
    {.desc = &hpet_rtc_desc, .needed = hpet_rtc_needed},
    {.desc = &hpet_offset_desc, .needed = hpet_offset_needed},
};

static const struct vms_field hpet_fields[] = {
    {.name = "config", .type = VMS_WT_UINT64, .offset = offsetof(struct hpet, config), .size = 8},
    {.name = "isr", .type = VMS_WT_UINT64, .offset = offsetof(struct hpet, isr), .size = 8},
    {.name = "hpet_counter", .type = VMS_WT_UINT64, .offset = offsetof(struct hpet, hpet_counter), .size = 8},
    {.name = "num_timers", .type = VMS_WT_UINT8, .offset = offsetof(struct hpet, num_timers), .size = 1, .since = 2},
    {.name = "timer", .type = VMS_WT_STRUCT, .flags = VMS_F_VARRAY,
     .offset = offsetof(struct hpet, timer), .size = sizeof(struct hpet_timer), .num = 32,
     .count_offset = offsetof(struct hpet, num_timers), .count_size = 1,
     .desc = &hpet_timer_desc},
};

static const struct vms_desc hpet_desc = {
    .name = "hpet", .version = 2, .min_version = 1, .size = sizeof(struct hpet),
    .fields = hpet_fields, .n_fields = VMS_COUNTOF(hpet_fields),
    .subsections = hpet_subs, .n_subsections = VMS_COUNTOF(hpet_subs),
};

struct rtc {
    uint8_t cmos_data[128];
    uint8_t cmos_index;
    int64_t periodic_timer, next_periodic_time;
    uint32_t irq_coalesced, period;
    uint64_t base_rtc, last_update;
    int64_t offset;
    int64_t update_timer;
    uint64_t next_alarm_time;
};

static const struct vms_field rtc_fields[] = {
    {.name = "cmos_data", .type = VMS_WT_BUFFER, .offset = offsetof(struct rtc, cmos_data), .size = 128},
    {.name = "cmos_index", .type = VMS_WT_UINT8, .offset = offsetof(struct rtc, cmos_index), .size = 1},
    {.name = "unused", .type = VMS_WT_UNUSED, .size = 28},
    {.name = "periodic_timer", .type = VMS_WT_TIMER, .offset = offsetof(struct rtc, periodic_timer), .size = 8},
    {.name = "next_periodic_time", .type = VMS_WT_INT64, .offset = offsetof(struct rtc, next_periodic_time), .size = 8},
    {.name = "unused", .type = VMS_WT_UNUSED, .size = 24},
    {.name = "irq_coalesced", .type = VMS_WT_UINT32, .offset = offsetof(struct rtc, irq_coalesced), .size = 4, .since = 2},
    {.name = "period", .type = VMS_WT_UINT32, .offset = offsetof(struct rtc, period), .size = 4, .since = 2},
    {.name = "base_rtc", .type = VMS_WT_UINT64, .offset = offsetof(struct rtc, base_rtc), .size = 8, .since = 3},
    {.name = "last_update", .type = VMS_WT_UINT64, .offset = offsetof(struct rtc, last_update), .size = 8, .since = 3},
    {.name = "offset", .type = VMS_WT_INT64, .offset = offsetof(struct rtc, offset), .size = 8, .since = 3},
    {.name = "update_timer", .type = VMS_WT_TIMER, .offset = offsetof(struct rtc, update_timer), .size = 8, .since = 3},
    {.name = "next_alarm_time", .type = VMS_WT_UINT64, .offset = offsetof(struct rtc, next_alarm_time), .size = 8, .since = 3},
};

static const struct vms_desc rtc_desc = {
    .name = "mc146818rtc", .version = 3, .min_version = 1, .size = sizeof(struct rtc),
    .fields = rtc_fields, .n_fields = VMS_COUNTOF(rtc_fields),
};

struct pit_channel {
    int32_t count;
    uint16_t latched_count;
    uint8_t count_latched, status_latched, status, read_state, write_state, write_latch;
    uint8_t rw_mode, mode, bcd, gate;
    int64_t count_load_time, next_transition_time;
    uint32_t irq_disabled;
};

struct pit {
    struct pit_channel channels[3];
};

static const struct vms_field pit_channel_fields[] = {
    {.name = "count", .type = VMS_WT_INT32, .offset = offsetof(struct pit_channel, count), .size = 4},
    {.name = "latched_count", .type = VMS_WT_UINT16, .offset = offsetof(struct pit_channel, latched_count), .size = 2},
    {.name = "count_latched", .type = VMS_WT_UINT8, .offset = offsetof(struct pit_channel, count_latched), .size = 1},
    {.name = "status_latched", .type = VMS_WT_UINT8, .offset = offsetof(struct pit_channel, status_latched), .size = 1},
    {.name = "status", .type = VMS_WT_UINT8, .offset = offsetof(struct pit_channel, status), .size = 1},
    {.name = "read_state", .type = VMS_WT_UINT8, .offset = offsetof(struct pit_channel, read_state), .size = 1},
    {.name = "write_state", .type = VMS_WT_UINT8, .offset = offsetof(struct pit_channel, write_state), .size = 1},
    {.name = "write_latch", .type = VMS_WT_UINT8, .offset = offsetof(struct pit_channel, write_latch), .size = 1},
    {.name = "rw_mode", .type = VMS_WT_UINT8, .offset = offsetof(struct pit_channel, rw_mode), .size = 1},
    {.name = "mode", .type = VMS_WT_UINT8, .offset = offsetof(struct pit_channel, mode), .size = 1},
    {.name = "bcd", .type = VMS_WT_UINT8, .offset = offsetof(struct pit_channel, bcd), .size = 1},
    {.name = "gate", .type = VMS_WT_UINT8, .offset = offsetof(struct pit_channel, gate), .size = 1},
    {.name = "count_load_time", .type = VMS_WT_INT64, .offset = offsetof(struct pit_channel, count_load_time), .size = 8},
    {.name = "next_transition_time", .type = VMS_WT_INT64, .offset = offsetof(struct pit_channel, next_transition_time), .size = 8},
};

static const struct vms_desc pit_channel_desc = {
    .name = "pit channel", .version = 2, .min_version = 2, .size = sizeof(struct pit_channel),
    .fields = pit_channel_fields, .n_fields = VMS_COUNTOF(pit_channel_fields),
};

static const struct vms_field pit_fields[] = {
    {.name = "channels[0].irq_disabled", .type = VMS_WT_UINT32,
     .offset = offsetof(struct pit, channels[0].irq_disabled), .size = 4, .since = 3},
    {.name = "channels", .type = VMS_WT_STRUCT, .offset = offsetof(struct pit, channels),
     .size = sizeof(struct pit_channel), .num = 3, .desc = &pit_channel_desc},
    {.name = "channels[0].next_transition_time", .type = VMS_WT_INT64,
     .offset = offsetof(struct pit, channels[0].next_transition_time), .size = 8},
};

static const struct vms_desc pit_desc = {
    .name = "i8254", .version = 3, .min_version = 2, .size = sizeof(struct pit),
    .fields = pit_fields, .n_fields = VMS_COUNTOF(pit_fields),
};

struct ps2_common {
    int32_t write_cmd, rptr, wptr, count;
    uint8_t data[256];
};

struct ps2kbd {
    struct ps2_common common;
    int32_t scan_enabled, translate, scancode_set;
};

static const struct vms_field ps2_common_fields[] = {
    {.name = "write_cmd", .type = VMS_WT_INT32, .offset = offsetof(struct ps2_common, write_cmd), .size = 4},
    {.name = "queue.rptr", .type = VMS_WT_INT32, .offset = offsetof(struct ps2_common, rptr), .size = 4},
    {.name = "queue.wptr", .type = VMS_WT_INT32, .offset = offsetof(struct ps2_common, wptr), .size = 4},
    {.name = "queue.count", .type = VMS_WT_INT32, .offset = offsetof(struct ps2_common, count), .size = 4},
    {.name = "queue.data", .type = VMS_WT_BUFFER, .offset = offsetof(struct ps2_common, data), .size = 256},
};

static const struct vms_desc ps2_common_desc = {
    .name = "PS2 Common State", .version = 3, .min_version = 2, .size = sizeof(struct ps2_common),
    .fields = ps2_common_fields, .n_fields = VMS_COUNTOF(ps2_common_fields),
};

static const struct vms_field ps2kbd_fields[] = {
    {.name = "parent_obj", .type = VMS_WT_STRUCT, .offset = offsetof(struct ps2kbd, common),
     .size = sizeof(struct ps2_common), .desc = &ps2_common_desc},
    {.name = "scan_enabled", .type = VMS_WT_INT32, .offset = offsetof(struct ps2kbd, scan_enabled), .size = 4},
    {.name = "translate", .type = VMS_WT_INT32, .offset = offsetof(struct ps2kbd, translate), .size = 4},
    {.name = "scancode_set", .type = VMS_WT_INT32, .offset = offsetof(struct ps2kbd, scancode_set), .size = 4, .since = 3},
};

static const struct vms_desc ps2kbd_desc = {
    .name = "ps2kbd", .version = 3, .min_version = 2, .size = sizeof(struct ps2kbd),
    .fields = ps2kbd_fields, .n_fields = VMS_COUNTOF(ps2kbd_fields),
};

struct ioapic {
    uint8_t id, ioregsel;
    uint32_t irr;
    uint64_t ioredtbl[24];
};

static const struct vms_field ioapic_fields[] = {
    {.name = "id", .type = VMS_WT_UINT8, .offset = offsetof(struct ioapic, id), .size = 1},
    {.name = "ioregsel", .type = VMS_WT_UINT8, .offset = offsetof(struct ioapic, ioregsel), .size = 1},
    {.name = "unused", .type = VMS_WT_UNUSED, .size = 8, .since = 2},
    {.name = "irr", .type = VMS_WT_UINT32, .offset = offsetof(struct ioapic, irr), .size = 4, .since = 2},
    {.name = "ioredtbl", .type = VMS_WT_UINT64, .offset = offsetof(struct ioapic, ioredtbl), .size = 8, .num = 24},
};

static const struct vms_desc ioapic_desc = {
    .name = "ioapic", .version = 3, .min_version = 1, .size = sizeof(struct ioapic),
    .fields = ioapic_fields, .n_fields = VMS_COUNTOF(ioapic_fields),
};

struct globalstate {
    uint32_t size;
    uint8_t runstate[100];
};

static const struct vms_field globalstate_fields[] = {
    {.name = "size", .type = VMS_WT_UINT32, .offset = offsetof(struct globalstate, size), .size = 4},
    {.name = "runstate", .type = VMS_WT_BUFFER, .offset = offsetof(struct globalstate, runstate), .size = 100},
};

static const struct vms_desc globalstate_desc = {
    .name = "globalstate", .version = 1, .min_version = 1, .size = sizeof(struct globalstate),
    .fields = globalstate_fields, .n_fields = VMS_COUNTOF(globalstate_fields),
};

/* ---- the corpus ---- */

struct corpus {
    uint8_t *data;
    size_t len;
    const char *vmdesc; /* NUL-terminated copy of the trailer's JSON */
};

static struct corpus corpus;

static int load_corpus(void **state)
{
    FILE *f = fopen(CORPUS_STREAM, "rb");
    uint32_t n;
    size_t off;

    (void)state;
    if (!f) {
        fprintf(stderr, "cannot open %s\n", CORPUS_STREAM);
        return -1;
    }
    fseek(f, 0, SEEK_END);
    corpus.len = (size_t)ftell(f);
    fseek(f, 0, SEEK_SET);
    corpus.data = malloc(corpus.len + 1);
    if (!corpus.data || fread(corpus.data, 1, corpus.len, f) != corpus.len) {
        fclose(f);
        return -1;
    }
    fclose(f);
    /* The corpus README: EOF byte at 288726, then 0x06, be32 length, JSON. */
    off = 288727;
    if (corpus.data[off - 1] != 0x00 || corpus.data[off] != 0x06)
        return -1;
    n = (uint32_t)corpus.data[off + 1] << 24 | (uint32_t)corpus.data[off + 2] << 16 |
        (uint32_t)corpus.data[off + 3] << 8 | corpus.data[off + 4];
    if (off + 5 + n != corpus.len)
        return -1;
    char *json = malloc(n + 1);
    memcpy(json, corpus.data + off + 5, n);
    json[n] = '\0';
    corpus.vmdesc = json;
    return 0;
}

static int free_corpus(void **state)
{
    (void)state;
    free(corpus.data);
    free((void *)corpus.vmdesc);
    return 0;
}

static uint32_t be32_at(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/*
 * Finds FULL section @idstr/@instance: returns the payload offset and fills
 * the section id and version.
 */
static size_t find_section(const char *idstr, uint32_t instance, uint32_t *id, uint32_t *version)
{
    size_t len = strlen(idstr);

    for (size_t p = 5; p + 1 + len + 8 < corpus.len; p++) {
        if (corpus.data[p] != len || memcmp(corpus.data + p + 1, idstr, len) != 0)
            continue;
        if (corpus.data[p - 5] != 0x04 || be32_at(corpus.data + p + 1 + len) != instance)
            continue;
        *id = be32_at(corpus.data + p - 4);
        *version = be32_at(corpus.data + p + 1 + len + 4);
        return p + 1 + len + 8;
    }
    fail_msg("section %s/%u not found in the corpus", idstr, instance);
    return 0;
}

/* Copies the vmdesc device entry of @idstr/@instance out of @json (brace matching). */
static char *device_entry(const char *json, const char *idstr, uint32_t instance)
{
    char key[512];
    const char *start, *p;
    int depth = 0;
    bool in_str = false;

    snprintf(key, sizeof(key), "{\"name\": \"%s\", \"instance_id\": %u,", idstr, instance);
    start = strstr(json, key);
    if (!start)
        return NULL;
    for (p = start; *p; p++) {
        if (in_str) {
            if (*p == '\\')
                p++;
            else if (*p == '"')
                in_str = false;
            continue;
        }
        if (*p == '"')
            in_str = true;
        else if (*p == '{')
            depth++;
        else if (*p == '}' && --depth == 0)
            break;
    }
    return strndup(start, (size_t)(p - start + 1));
}

/* The section's payload loads, ends at its footer and saves back to the same bytes. */
static void check_device(const char *idstr, uint32_t instance, const struct vms_desc *d,
                         void *dev, size_t dev_size, int fill)
{
    uint32_t id = 0, version = 0;
    size_t off = find_section(idstr, instance, &id, &version);
    vms_stream_t *in = vms_stream_mem_reader(corpus.data + off, corpus.len - off);
    vms_stream_t *out = vms_stream_mem_writer();
    vms_error_t err;
    const uint8_t *saved;
    size_t saved_len, used;
    char buf[1024];

    vms_error_init(&err);
    memset(dev, fill, dev_size); /* 0xa5: every migrated byte must be overwritten */
    assert_int_equal(version, (uint32_t)d->version);
    if (vms_load(in, d, dev, (int)version, &err) != 0)
        fail_msg("%s: %s", idstr, vms_error_format(&err, buf, sizeof(buf)));
    used = (size_t)vms_stream_offset(in);
    /* the footer follows right after the payload */
    assert_int_equal(corpus.data[off + used], 0x7e);
    assert_int_equal(be32_at(corpus.data + off + used + 1), id);

    assert_int_equal(vms_save(out, d, dev, &err), 0);
    saved = vms_stream_mem_data(out, &saved_len);
    assert_int_equal(saved_len, used);
    assert_memory_equal(saved, corpus.data + off, used);
    vms_stream_close(in);
    vms_stream_close(out);
}

static void test_dma(void **state)
{
    struct dma_cont d;

    (void)state;
    check_device("dma", 0, &dma_desc, &d, sizeof(d), 0xa5);
    assert_int_equal(d.mask, 0xff);
    check_device("dma", 1, &dma_desc, &d, sizeof(d), 0xa5);
    assert_int_equal(d.dshift, 1);
}

static void test_hpet(void **state)
{
    struct hpet h;

    (void)state;
    check_device("hpet", 0, &hpet_desc, &h, sizeof(h), 0); /* subsection flags stay clear */
    assert_int_equal(h.num_timers, 3);
    assert_int_equal(h.timer[1].tn, 1);
    assert_int_equal(h.timer[2].config, 0x0000000400000030ull);
    assert_int_equal(h.timer[0].qemu_timer, -1);
}

static void test_rtc(void **state)
{
    struct rtc r;

    (void)state;
    check_device("mc146818rtc", 0, &rtc_desc, &r, sizeof(r), 0xa5);
    assert_int_equal(r.cmos_data[0x14], 0x06); /* equipment byte of the corpus */
    assert_int_equal(r.periodic_timer, -1);
}

static void test_pit(void **state)
{
    struct pit p;

    (void)state;
    check_device("i8254", 0, &pit_desc, &p, sizeof(p), 0xa5);
    assert_int_equal(p.channels[0].count, 0x10000);
    assert_int_equal(p.channels[0].mode, 3);
    assert_int_equal(p.channels[0].next_transition_time, 0x1a30c2c);
}

static void test_ps2kbd(void **state)
{
    struct ps2kbd k;

    (void)state;
    check_device("ps2kbd", 0, &ps2kbd_desc, &k, sizeof(k), 0xa5);
    assert_int_equal(k.common.write_cmd, -1);
}

static void test_ioapic(void **state)
{
    struct ioapic io;

    (void)state;
    check_device("ioapic", 0, &ioapic_desc, &io, sizeof(io), 0xa5);
    assert_int_equal(io.ioredtbl[23], 0x10000);
}

static void test_globalstate(void **state)
{
    struct globalstate g;

    (void)state;
    check_device("globalstate", 0, &globalstate_desc, &g, sizeof(g), 0xa5);
    assert_int_equal(g.size, 10);
    assert_memory_equal(g.runstate, "prelaunch", 10);
}

/* Our vmdesc entries are QEMU's text, character for character. */
static void test_vmdesc_text(void **state)
{
    static struct dma_cont dma0, dma1;
    static struct hpet hpet;
    static struct rtc rtc;
    static struct pit pit;
    static struct ps2kbd kbd;
    static struct ioapic ioapic;
    static struct globalstate gs;
    static const struct {
        const char *idstr;
        uint32_t instance;
        const struct vms_desc *d;
        void *dev;
        size_t size;
    } devs[] = {
        {"dma", 0, &dma_desc, &dma0, sizeof(dma0)}, {"dma", 1, &dma_desc, &dma1, sizeof(dma1)},
        {"ioapic", 0, &ioapic_desc, &ioapic, sizeof(ioapic)}, {"hpet", 0, &hpet_desc, &hpet, sizeof(hpet)},
        {"mc146818rtc", 0, &rtc_desc, &rtc, sizeof(rtc)}, {"i8254", 0, &pit_desc, &pit, sizeof(pit)},
        {"ps2kbd", 0, &ps2kbd_desc, &kbd, sizeof(kbd)}, {"globalstate", 0, &globalstate_desc, &gs, sizeof(gs)},
    };
    vms_registry_t *r = vms_registry_new("pc-i440fx-7.2");
    vms_stream_t *out = vms_stream_mem_writer();
    vms_error_t err;
    const uint8_t *bytes;
    size_t len;

    (void)state;
    vms_error_init(&err);
    for (size_t i = 0; i < VMS_COUNTOF(devs); i++) {
        check_device(devs[i].idstr, devs[i].instance, devs[i].d, devs[i].dev, devs[i].size, 0);
        assert_int_equal(vms_register(r, devs[i].idstr, devs[i].instance, devs[i].d, devs[i].dev), 0);
    }
    assert_int_equal(vms_save_all(r, out, &err), 0);
    bytes = vms_stream_mem_data(out, &len);
    /* same header and configuration as the corpus */
    assert_memory_equal(bytes, corpus.data, 8 + 1 + 4 + strlen("pc-i440fx-7.2"));
    const uint8_t *json = memchr(bytes, '{', len);
    while (json && json[-5] != 0x06)
        json = memchr(json + 1, '{', len - (size_t)(json + 1 - bytes));
    assert_non_null(json);
    char *ours = strndup((const char *)json, len - (size_t)(json - bytes));
    assert_true(strncmp(ours, "{\"page_size\": 4096, \"devices\": [{\"name\": \"dma\"", 45) == 0);
    for (size_t i = 0; i < VMS_COUNTOF(devs); i++) {
        char *want = device_entry(corpus.vmdesc, devs[i].idstr, devs[i].instance);
        char *got = device_entry(ours, devs[i].idstr, devs[i].instance);
        assert_non_null(want);
        assert_non_null(got);
        if (strcmp(want, got) != 0)
            fail_msg("vmdesc of %s differs:\nqemu: %s\nours: %s", devs[i].idstr, want, got);
        free(want);
        free(got);
    }
    free(ours);
    vms_stream_close(out);
    vms_registry_free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_dma),     cmocka_unit_test(test_hpet),
        cmocka_unit_test(test_rtc),     cmocka_unit_test(test_pit),
        cmocka_unit_test(test_ps2kbd),  cmocka_unit_test(test_ioapic),
        cmocka_unit_test(test_globalstate), cmocka_unit_test(test_vmdesc_text),
    };

    return cmocka_run_group_tests(tests, load_corpus, free_corpus);
}
