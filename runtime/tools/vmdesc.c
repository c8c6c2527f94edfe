/* Finding and loading the vmdesc: the stream's JSON trailer, or a file given with --schema. */
#include "vmstate_tool.h"

#include <stdlib.h>
#include <string.h>

/* A page size QEMU can have: a power of two that leaves room for the RAM record flags. */
static int set_page_size(vt_parse *p)
{
    p->page_size = 4096;
    json_t *ps = json_object_get(p->vmdesc, "page_size");
    if (!ps) {
        return 0;
    }
    json_int_t v = json_is_integer(ps) ? json_integer_value(ps) : 0;
    if (v < 1024 || v > (1 << 22) || (v & (v - 1))) {
        return vt_fail(p->r, 0, "vmdesc page_size %lld is not a power of two from 1024 to 4 MiB", (long long)v);
    }
    p->page_size = (uint32_t)v;
    return 0;
}

int vt_vmdesc_use(vt_parse *p, json_t *desc, uint64_t at)
{
    if (!json_is_object(desc) || !json_is_array(json_object_get(desc, "devices"))) {
        json_decref(desc);
        return vt_fail(p->r, at, "the vmdesc is not an object with a \"devices\" list");
    }
    json_decref(p->vmdesc);
    p->vmdesc = desc;
    return set_page_size(p);
}

int vt_vmdesc_load_file(vt_parse *p, const char *path)
{
    json_error_t e;
    json_t *d = json_load_file(path, JSON_REJECT_DUPLICATES, &e);
    if (!d) {
        snprintf(p->r->err, sizeof(p->r->err), "cannot read schema '%s': %s:%d:%d: %s", path, e.source, e.line,
                 e.column, e.text);
        return -1;
    }
    if (vt_vmdesc_use(p, d, 0) < 0) {
        size_t n = strlen(p->r->err);
        snprintf(p->r->err + n, sizeof(p->r->err) - n, " (schema '%s')", path);
        return -1;
    }
    return 0;
}

/*
 * The trailer of a seekable stream: 0x06, a be32 length that reaches exactly to the end of the
 * file, then '{'. Raw control bytes cannot occur inside JSON text, so the first match from the
 * end is the trailer. Tails of growing size are read (bounded by VT_VMDESC_MAX).
 */
int vt_vmdesc_find(vt_parse *p)
{
    vt_reader *r = p->r;
    uint64_t size = r->size;
    static const uint64_t tails[] = {64u << 10, 4u << 20, VT_VMDESC_MAX + 6};
    for (size_t t = 0; t < sizeof(tails) / sizeof(tails[0]); t++) {
        uint64_t n = tails[t] < size ? tails[t] : size;
        uint8_t *buf = malloc(n ? (size_t)n : 1);
        if (!buf) {
            return vt_fail(r, 0, "out of memory reading the vmdesc");
        }
        uint64_t base = size - n;
        if (vt_pread(r, buf, (size_t)n, base) < 0) {
            free(buf);
            return vt_fail(r, base, "cannot read the end of the stream");
        }
        for (size_t i = n >= 6 ? (size_t)n - 6 : 0; n >= 6; i--) {
            uint32_t len = (uint32_t)buf[i + 1] << 24 | (uint32_t)buf[i + 2] << 16 | (uint32_t)buf[i + 3] << 8 | buf[i + 4];
            if (buf[i] == 0x06 && buf[i + 5] == '{' && len == n - i - 5) {
                json_error_t e;
                json_t *d = json_loadb((const char *)buf + i + 5, len, 0, &e);
                if (!d) {
                    vt_fail(r, base + i + 5 + (uint64_t)e.position, "the vmdesc is not valid JSON: %s", e.text);
                    free(buf);
                    return -1;
                }
                p->vmdesc_off = base + i;
                free(buf);
                return vt_vmdesc_use(p, d, base + i + 5);
            }
            if (i == 0) {
                break;
            }
        }
        free(buf);
        if (n == size) {
            break;
        }
    }
    return 0;
}

/* The vmdesc entry for a section: the last device with this name and instance, as the script keys them. */
json_t *vt_vmdesc_device(vt_parse *p, const char *idstr, uint32_t instance)
{
    json_t *found = NULL, *dev;
    size_t i;
    json_array_foreach(json_object_get(p->vmdesc, "devices"), i, dev) {
        const char *name = json_string_value(json_object_get(dev, "name"));
        json_t *inst = json_object_get(dev, "instance_id");
        if (name && strcmp(name, idstr) == 0 && json_is_integer(inst) &&
            json_integer_value(inst) == (json_int_t)instance) {
            found = dev;
        }
    }
    return found;
}
