/* json_writer.c: the vmdesc JSON text, in the exact layout of QEMU's JSONWriter. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vms_private.h"

void vmsp_json_init(struct vmsp_json *j)
{
    memset(j, 0, sizeof(*j));
}

void vmsp_json_clear(struct vmsp_json *j)
{
    free(j->buf);
    vmsp_json_init(j);
}

static void append(struct vmsp_json *j, const char *text, size_t n)
{
    if (j->failed)
        return;
    if (j->len + n + 1 > j->cap) {
        size_t cap = j->cap ? j->cap : 1024;
        char *nb;

        while (cap < j->len + n + 1)
            cap *= 2;
        nb = realloc(j->buf, cap);
        if (!nb) {
            j->failed = true;
            return;
        }
        j->buf = nb;
        j->cap = cap;
    }
    memcpy(j->buf + j->len, text, n);
    j->len += n;
    j->buf[j->len] = '\0';
}

static void append_str(struct vmsp_json *j, const char *text)
{
    append(j, text, strlen(text));
}

/* Decodes one UTF-8 sequence at @p; invalid input yields U+FFFD and consumes one byte. */
static uint32_t utf8_next(const unsigned char **p)
{
    const unsigned char *s = *p;
    uint32_t cp;
    int extra;

    if (s[0] < 0x80) {
        *p = s + 1;
        return s[0];
    }
    if ((s[0] & 0xe0) == 0xc0) { cp = s[0] & 0x1f; extra = 1; }
    else if ((s[0] & 0xf0) == 0xe0) { cp = s[0] & 0x0f; extra = 2; }
    else if ((s[0] & 0xf8) == 0xf0) { cp = s[0] & 0x07; extra = 3; }
    else { *p = s + 1; return 0xfffd; }
    for (int i = 1; i <= extra; i++) {
        if ((s[i] & 0xc0) != 0x80) {
            *p = s + 1;
            return 0xfffd;
        }
        cp = (cp << 6) | (s[i] & 0x3f);
    }
    *p = s + 1 + extra;
    if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff) ||
        (extra == 1 && cp < 0x80) || (extra == 2 && cp < 0x800) || (extra == 3 && cp < 0x10000))
        return 0xfffd;
    return cp;
}

static void append_escaped(struct vmsp_json *j, const char *str)
{
    const unsigned char *p = (const unsigned char *)str;
    char tmp[16];

    append(j, "\"", 1);
    while (*p) {
        const unsigned char *run = p;
        uint32_t cp;

        while (*p >= 0x20 && *p < 0x7f && *p != '"' && *p != '\\')
            p++; /* plain ASCII, the common case: copied as one run */
        if (p > run)
            append(j, (const char *)run, (size_t)(p - run));
        if (!*p)
            break;
        cp = utf8_next(&p);

        switch (cp) {
        case '"': append(j, "\\\"", 2); break;
        case '\\': append(j, "\\\\", 2); break;
        case '\b': append(j, "\\b", 2); break;
        case '\f': append(j, "\\f", 2); break;
        case '\n': append(j, "\\n", 2); break;
        case '\r': append(j, "\\r", 2); break;
        case '\t': append(j, "\\t", 2); break;
        default:
            if (cp >= 0x20 && cp < 0x7f) {
                tmp[0] = (char)cp;
                append(j, tmp, 1);
            } else if (cp < 0x10000) {
                snprintf(tmp, sizeof(tmp), "\\u%04X", (unsigned)cp);
                append_str(j, tmp);
            } else {
                cp -= 0x10000;
                snprintf(tmp, sizeof(tmp), "\\u%04X\\u%04X", 0xd800u | (unsigned)(cp >> 10),
                         0xdc00u | (unsigned)(cp & 0x3ff));
                append_str(j, tmp);
            }
        }
    }
    append(j, "\"", 1);
}

/* Separator before a value, then the key when inside an object. */
static void begin_value(struct vmsp_json *j, const char *key)
{
    if (j->need_comma)
        append(j, ", ", 2);
    if (key) {
        append_escaped(j, key);
        append(j, ": ", 2);
    }
}

void vmsp_json_start_object(struct vmsp_json *j, const char *key)
{
    begin_value(j, key);
    append(j, "{", 1);
    j->need_comma = false;
}

void vmsp_json_end_object(struct vmsp_json *j)
{
    append(j, "}", 1);
    j->need_comma = true;
}

void vmsp_json_start_array(struct vmsp_json *j, const char *key)
{
    begin_value(j, key);
    append(j, "[", 1);
    j->need_comma = false;
}

void vmsp_json_end_array(struct vmsp_json *j)
{
    append(j, "]", 1);
    j->need_comma = true;
}

void vmsp_json_str(struct vmsp_json *j, const char *key, const char *value)
{
    begin_value(j, key);
    append_escaped(j, value);
    j->need_comma = true;
}

void vmsp_json_int(struct vmsp_json *j, const char *key, int64_t value)
{
    char tmp[32];

    size_t i = sizeof(tmp);
    uint64_t u = value < 0 ? 0 - (uint64_t)value : (uint64_t)value;

    begin_value(j, key);
    do {
        tmp[--i] = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    if (value < 0)
        tmp[--i] = '-';
    append(j, tmp + i, sizeof(tmp) - i);
    j->need_comma = true;
}

void vmsp_json_raw(struct vmsp_json *j, const struct vmsp_json *value)
{
    if (value->failed) {
        j->failed = true;
        return;
    }
    begin_value(j, NULL);
    append(j, value->buf, value->len);
    j->need_comma = true;
}
