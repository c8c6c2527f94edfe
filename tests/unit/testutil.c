/* testutil.c: helpers shared by the unit tests (hex dumps, byte-exact checks, saving to memory). */
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
