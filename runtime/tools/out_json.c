/* JSON text writers: Python's json module layout (for --format qemu) and our own sorted layout. */
#include "vmstate_tool.h"

#include <math.h>
#include <string.h>

/* Decodes one UTF-8 sequence at @s (valid: jansson checked it); returns its length. */
static size_t utf8_next(const unsigned char *s, uint32_t *cp)
{
    if (s[0] < 0x80) {
        *cp = s[0];
        return 1;
    }
    if (s[0] < 0xe0) {
        *cp = (uint32_t)(s[0] & 0x1f) << 6 | (s[1] & 0x3f);
        return 2;
    }
    if (s[0] < 0xf0) {
        *cp = (uint32_t)(s[0] & 0x0f) << 12 | (uint32_t)(s[1] & 0x3f) << 6 | (s[2] & 0x3f);
        return 3;
    }
    *cp = (uint32_t)(s[0] & 0x07) << 18 | (uint32_t)(s[1] & 0x3f) << 12 | (uint32_t)(s[2] & 0x3f) << 6 |
          (s[3] & 0x3f);
    return 4;
}

/* A string as json.dumps(ensure_ascii=True) writes it: everything outside ' '..'~' escaped. */
static void put_string(FILE *out, const char *str, size_t len)
{
    const unsigned char *s = (const unsigned char *)str;
    fputc('"', out);
    for (size_t i = 0; i < len;) {
        uint32_t cp;
        size_t k = utf8_next(s + i, &cp);
        i += k;
        switch (cp) {
        case '"': fputs("\\\"", out); continue;
        case '\\': fputs("\\\\", out); continue;
        case '\n': fputs("\\n", out); continue;
        case '\r': fputs("\\r", out); continue;
        case '\t': fputs("\\t", out); continue;
        case '\b': fputs("\\b", out); continue;
        case '\f': fputs("\\f", out); continue;
        default: break;
        }
        if (cp >= 0x20 && cp <= 0x7e) {
            fputc((int)cp, out);
        } else if (cp < 0x10000) {
            fprintf(out, "\\u%04x", cp);
        } else {
            cp -= 0x10000;
            fprintf(out, "\\u%04x\\u%04x", 0xd800 | (cp >> 10), 0xdc00 | (cp & 0x3ff));
        }
    }
    fputc('"', out);
}

static void put_indent(FILE *out, int level)
{
    fputc('\n', out);
    for (int i = 0; i < level * 4; i++) {
        fputc(' ', out);
    }
}

/* Python's float repr: shortest round-trip digits, always with a '.' or an exponent. */
static void put_real(FILE *out, double d)
{
    char buf[40];
    for (int prec = 1; prec <= 17; prec++) {
        snprintf(buf, sizeof(buf), "%.*g", prec, d);
        if (strtod(buf, NULL) == d) {
            break;
        }
    }
    if (!strpbrk(buf, ".eninf")) {
        strcat(buf, ".0");
    }
    fputs(buf, out);
}

static void put_value(FILE *out, json_t *v, int level)
{
    switch (json_typeof(v)) {
    case JSON_OBJECT: {
        if (json_object_size(v) == 0) {
            fputs("{}", out);
            return;
        }
        fputc('{', out);
        const char *key;
        json_t *item;
        bool first = true;
        json_object_foreach(v, key, item) {
            if (!first) {
                fputc(',', out);
            }
            first = false;
            put_indent(out, level + 1);
            put_string(out, key, strlen(key));
            fputs(": ", out);
            put_value(out, item, level + 1);
        }
        put_indent(out, level);
        fputc('}', out);
        return;
    }
    case JSON_ARRAY: {
        if (json_array_size(v) == 0) {
            fputs("[]", out);
            return;
        }
        fputc('[', out);
        size_t i;
        json_t *item;
        json_array_foreach(v, i, item) {
            if (i) {
                fputc(',', out);
            }
            put_indent(out, level + 1);
            put_value(out, item, level + 1);
        }
        put_indent(out, level);
        fputc(']', out);
        return;
    }
    case JSON_STRING: put_string(out, json_string_value(v), json_string_length(v)); return;
    case JSON_INTEGER: fprintf(out, "%lld", (long long)json_integer_value(v)); return;
    case JSON_REAL: put_real(out, json_real_value(v)); return;
    case JSON_TRUE: fputs("true", out); return;
    case JSON_FALSE: fputs("false", out); return;
    case JSON_NULL: fputs("null", out); return;
    }
}

int vt_write_python_json(FILE *out, json_t *v)
{
    put_value(out, v, 0);
    return ferror(out) ? -1 : 0;
}

int vt_write_vms_json(FILE *out, json_t *v)
{
    if (json_dumpf(v, out, JSON_INDENT(2) | JSON_SORT_KEYS) < 0) {
        return -1;
    }
    fputc('\n', out);
    return ferror(out) ? -1 : 0;
}
