/* testutil.c: helpers shared by the unit tests: hex dumps, byte checks, saves, stream walks. */
#include <stdlib.h>
#include <string.h>

#include "testutil.h"

#define ROW 16
/* Rows of context printed before the first difference, and rows in all. */
#define ROWS_BEFORE 2
#define ROWS_MAX 8

void hexdump(FILE *out, const void *buf, size_t len)
{
    const uint8_t *p = buf;
    size_t i, j;

    for (i = 0; i < len; i += ROW) {
        fprintf(out, "%08zx ", i);
        for (j = i; j < i + ROW; j++) {
            if (j < len)
                fprintf(out, " %02x", p[j]);
            else
                fputs("   ", out);
        }
        fprintf(out, "  |");
        for (j = i; j < i + ROW && j < len; j++)
            fputc(p[j] >= 0x20 && p[j] < 0x7f ? p[j] : '.', out);
        fprintf(out, "|\n");
    }
}

/* One row of a diff: "  got  00000010: 00 01 .." with "--" past the end. */
static void diff_row(const char *label, const uint8_t *p, size_t len, size_t row)
{
    char line[16 + ROW * 3 + 1];
    int n = snprintf(line, sizeof(line), "%-4s %08zx:", label, row);
    size_t j;

    for (j = row; j < row + ROW && n > 0; j++) {
        if (j < len)
            n += snprintf(line + n, sizeof(line) - (size_t)n, " %02x", p[j]);
        else
            n += snprintf(line + n, sizeof(line) - (size_t)n, " --");
    }
    print_error("  %s\n", line);
}

/* The marker row under a got/want pair: "^^" under each byte that differs (none if all agree). */
static void mark_row(const uint8_t *a, size_t alen, const uint8_t *b, size_t blen, size_t row)
{
    char line[16 + ROW * 3 + 1];
    size_t j, n = 14;
    bool any = false;

    memset(line, ' ', sizeof(line) - 1);
    for (j = row; j < row + ROW; j++, n += 3) {
        bool same = j < alen && j < blen && a[j] == b[j];
        bool absent = j >= alen && j >= blen;

        if (!same && !absent) {
            line[n + 1] = line[n + 2] = '^';
            any = true;
        }
    }
    line[n] = '\0';
    if (any)
        print_error("  %s\n", line);
}

static size_t first_difference(const uint8_t *a, size_t alen, const uint8_t *b, size_t blen)
{
    size_t i, n = alen < blen ? alen : blen;

    for (i = 0; i < n && a[i] == b[i]; i++)
        ;
    return i;
}

void testutil_bytes_equal(const void *got, size_t got_len, const void *want, size_t want_len,
                          const char *file, int line)
{
    const uint8_t *g = got, *w = want;
    size_t at = first_difference(g, got_len, w, want_len), row, end, longest;

    if (at == got_len && at == want_len)
        return;
    print_error("bytes differ: got %zu, want %zu; first difference at offset %zu (0x%zx)\n",
                got_len, want_len, at, at);
    longest = got_len > want_len ? got_len : want_len;
    row = at / ROW * ROW;
    row = row > ROWS_BEFORE * ROW ? row - ROWS_BEFORE * ROW : 0;
    end = row + ROWS_MAX * ROW;
    for (; row < longest && row < end; row += ROW) {
        diff_row("got", g, got_len, row);
        diff_row("want", w, want_len, row);
        mark_row(g, got_len, w, want_len, row);
    }
    _fail(file, line);
}

uint8_t *save_to_mem(save_fn fn, void *arg, size_t *len, int *rc)
{
    vms_stream_t *s = vms_stream_mem_writer();
    const void *data;
    uint8_t *copy;
    int r, closed;

    assert_non_null(s);
    r = fn(s, arg);
    data = vms_stream_mem_data(s, len);
    copy = malloc(*len ? *len : 1);
    assert_non_null(copy);
    if (*len)
        memcpy(copy, data, *len);
    closed = vms_stream_close(s);
    r = r ? r : closed;
    if (rc) {
        *rc = r;
    } else if (r) {
        free(copy);
        fail_msg("save_to_mem: save failed: %s (%d)", vms_strerror(r), r);
    }
    return copy;
}

void assert_contains(const char *hay, const char *needle)
{
    if (!strstr(hay, needle))
        fail_msg("\"%s\" does not contain \"%s\"", hay, needle);
}

/* ---- whole-machine streams ---- */

uint32_t be32_at(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

uint8_t *slurp(const char *path, size_t *len)
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

uint8_t *save_registry(vms_registry_t *r, size_t *len)
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

int load_registry(vms_registry_t *r, const void *bytes, size_t len, vms_error_t *err)
{
    vms_stream_t *s = vms_stream_mem_reader(bytes, len);
    int ret;

    assert_non_null(s);
    vms_error_init(err);
    ret = vms_load_all(r, s, err);
    vms_stream_close(s);
    return ret;
}

void walk_stream(const uint8_t *b, size_t len, lookup_fn lookup, void *ctx, struct walk *w)
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
