/*
 * test_live_analyze.c: the writer and the reader of VMS_LIVE sections agree. A stream saved by
 * vms_save_all() with the runtime's chunked live sections (live_fixtures.h) is read by the
 * analyzer in both formats: every chunk of every member is counted once with its bytes, the
 * STATE record decodes to the device's registers, and the whole stream passes verify. A flipped
 * CHUNK length in that real stream is refused with a byte offset.
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

#include "live_fixtures.h"
#include "vmstate_tool.h"

/* A stream of the small live device, saved by the runtime; the caller frees it. */
static uint8_t *save_stream(struct small *d, size_t *len)
{
    vms_registry_t *r = vms_registry_new("pc");
    vms_stream_t *s = vms_stream_mem_writer();
    vms_error_t err;
    uint8_t *copy;
    const void *data;

    assert_non_null(r);
    small_fill(d, 3);
    assert_int_equal(vms_register_live(r, "small", 0, 1, &small_ops, d), 0);
    vms_error_init(&err);
    assert_int_equal(vms_save_all(r, s, &err), 0);
    data = vms_stream_mem_data(s, len);
    copy = malloc(*len);
    assert_non_null(copy);
    memcpy(copy, data, *len);
    vms_stream_close(s);
    vms_registry_free(r);
    return copy;
}

struct parsed {
    FILE *f;
    vt_reader r;
    vt_parse p;
    struct vt_opts o;
    char path[64];
};

static int parse(struct parsed *x, const uint8_t *buf, size_t len, enum vt_format fmt)
{
    memset(x, 0, sizeof(*x));
    x->f = tmpfile();
    assert_non_null(x->f);
    assert_int_equal(fwrite(buf, 1, len, x->f), len);
    fflush(x->f);
    snprintf(x->path, sizeof(x->path), "/dev/fd/%d", fileno(x->f));
    x->o = (struct vt_opts){.format = fmt, .stream = x->path};
    assert_int_equal(vt_reader_open(&x->r, x->path), 0);
    x->p = (vt_parse){.opts = &x->o, .r = &x->r};
    return vt_parse_stream(&x->p);
}

static void parsed_clear(struct parsed *x)
{
    vt_parse_clear(&x->p);
    vt_reader_close(&x->r);
    fclose(x->f);
}

static void test_vms_format_counts_every_chunk(void **state)
{
    struct small d;
    size_t len, n_live = 0;
    uint8_t *buf = save_stream(&d, &len);
    struct parsed x;
    json_int_t count[2] = {0}, bytes[2] = {0};
    json_t *rec, *st = NULL;
    size_t i;

    (void)state;
    assert_int_equal(parse(&x, buf, len, VT_FORMAT_VMS), 0);
    json_array_foreach(x.p.records, i, rec) {
        json_t *live = json_object_get(rec, "live"), *c;
        size_t k;

        if (!live)
            continue;
        n_live++;
        json_array_foreach(json_object_get(live, "chunks"), k, c) {
            const char *field = json_string_value(json_object_get(c, "field"));
            int m = strcmp(field, "mem") == 0 ? 0 : strcmp(field, "tab") == 0 ? 1 : -1;

            assert_true(m >= 0);
            count[m] += json_integer_value(json_object_get(c, "count"));
            bytes[m] += json_integer_value(json_object_get(c, "bytes"));
        }
        if (json_object_get(live, "state"))
            st = json_object_get(live, "state");
    }
    assert_true(n_live >= 2); /* START and END at least */
    assert_int_equal(count[0], 7);   /* 100 bytes in chunks of 16 */
    assert_int_equal(bytes[0], 100);
    assert_int_equal(count[1], 3);   /* 24 bytes in chunks of 8 */
    assert_int_equal(bytes[1], 24);
    assert_non_null(st);
    char *text = json_dumps(st, JSON_COMPACT);
    char want[64];
    snprintf(want, sizeof(want), "%u", (unsigned)d.regs[0]);
    assert_non_null(strstr(text, want)); /* the registers, decoded from the STATE record */
    snprintf(want, sizeof(want), "%u", (unsigned)d.regs[1]);
    assert_non_null(strstr(text, want));
    free(text);
    parsed_clear(&x);
    free(buf);
}

static void test_qemu_format_and_verify(void **state)
{
    struct small d;
    size_t len;
    uint8_t *buf = save_stream(&d, &len);
    struct parsed x;
    json_t *slot;
    const char *key;
    bool found = false;

    (void)state;
    assert_int_equal(parse(&x, buf, len, VT_FORMAT_QEMU), 0);
    json_object_foreach(x.p.qemu_sections, key, slot) {
        char *text = json_dumps(slot, JSON_COMPACT);

        if (strstr(text, "small")) {
            char want[32];

            found = true;
            snprintf(want, sizeof(want), "0x%08x", (unsigned)d.regs[0]);
            assert_non_null(strstr(text, want)); /* analyze-migration.py prints uint32 as hex */
        }
        free(text);
    }
    assert_true(found);
    parsed_clear(&x);

    x.o.verify = true;
    assert_int_equal(parse(&x, buf, len, VT_FORMAT_VMS), 0);
    parsed_clear(&x);
    free(buf);
}

/* The first CHUNK record's length, one too big, in a real stream: an error with an offset. */
static void test_real_stream_corrupted(void **state)
{
    struct small d;
    size_t len;
    uint8_t *buf = save_stream(&d, &len);
    struct parsed x;
    size_t at = 0;

    (void)state;
    /* a CHUNK of member 0 chunk 0: 01 00 00000000 00000010 */
    static const uint8_t first[] = {0x01, 0x00, 0, 0, 0, 0, 0, 0, 0, 0x10};
    for (size_t i = 0; i + sizeof(first) <= len; i++)
        if (memcmp(buf + i, first, sizeof(first)) == 0) {
            at = i;
            break;
        }
    assert_true(at > 0);
    buf[at + 9] = 0x11;
    assert_int_equal(parse(&x, buf, len, VT_FORMAT_VMS), -1);
    assert_int_equal(strncmp(x.r.err, "offset 0x", 9), 0);
    assert_non_null(strstr(x.r.err, "mem"));
    parsed_clear(&x);
    free(buf);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_vms_format_counts_every_chunk),
        cmocka_unit_test(test_qemu_format_and_verify),
        cmocka_unit_test(test_real_stream_corrupted),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
