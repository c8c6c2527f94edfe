/* Field-by-field decoding of a device payload from its vmdesc entry, in QEMU's view or ours. */
#include "vmstate_tool.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

enum kind { K_GENERIC, K_INT, K_UINT, K_BOOL, K_NULLPTR, K_STRUCT, K_CAP };

/* The vmdesc type names analyze-migration.py decodes; everything else is raw bytes. */
static enum kind kind_of(const char *type)
{
    static const struct { const char *name; enum kind kind; } table[] = {
        {"bool", K_BOOL}, {"int8", K_INT}, {"int16", K_INT}, {"int32", K_INT},
        {"int32 equal", K_INT}, {"int32 le", K_INT}, {"int64", K_INT}, {"int64 equal", K_INT},
        {"uint8 equal", K_INT}, {"uint16 equal", K_INT}, {"uint8", K_UINT}, {"uint16", K_UINT},
        {"uint32", K_UINT}, {"uint32 equal", K_UINT}, {"uint64", K_UINT}, {"struct", K_STRUCT},
        {"capability", K_CAP}, {"nullptr", K_NULLPTR},
    };
    for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++) {
        if (strcmp(type, table[i].name) == 0) {
            return table[i].kind;
        }
    }
    return K_GENERIC;
}

/* Adds where a failure happened to the reader's message, once (innermost field wins). */
static int note_field(vt_parse *p, const char *name)
{
    vt_reader *r = p->r;
    if (!strstr(r->err, " [field ")) {
        size_t n = strlen(r->err);
        snprintf(r->err + n, sizeof(r->err) - n, " [field '%s']", name);
    }
    return -1;
}

static json_t *hex_string(const uint8_t *d, size_t n, bool spaced)
{
    static const char digits[] = "0123456789abcdef";
    char *s = malloc(n * 3 + 1);
    if (!s) {
        return NULL;
    }
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if (spaced && i) {
            s[k++] = ' ';
        }
        s[k++] = digits[d[i] >> 4];
        s[k++] = digits[d[i] & 15];
    }
    json_t *v = json_stringn(s, k);
    free(s);
    return v;
}

static json_t *int_value(const uint8_t *d, size_t n, enum kind kind, bool qemu)
{
    uint64_t u = 0;
    for (size_t i = 0; i < n; i++) {
        u = u << 8 | d[i];
    }
    int64_t s = (int64_t)u;
    if (n < 8 && kind == K_INT && (u >> (n * 8 - 1)) & 1) {
        s = (int64_t)(u | ~((UINT64_C(1) << (n * 8)) - 1));
    }
    if (!qemu) {
        if (kind == K_UINT && u > INT64_MAX) {
            char buf[24];
            snprintf(buf, sizeof(buf), "%llu", (unsigned long long)u);
            return json_string(buf);
        }
        return json_integer(kind == K_INT ? s : (json_int_t)u);
    }
    char buf[64];
    int k = snprintf(buf, sizeof(buf), "0x%0*llx", (int)n * 2, (unsigned long long)u);
    if (kind == K_INT && s < 0) {
        snprintf(buf + k, sizeof(buf) - (size_t)k, " (%lld)", (long long)s);
    }
    return json_string(buf);
}

/* Our typed view of a field analyze-migration.py shows as bytes (timers, floats). */
static json_t *raw_value_vms(const char *type, const uint8_t *d, size_t n)
{
    if (n == 8 && (strcmp(type, "timer") == 0 || strcmp(type, "float64") == 0)) {
        uint64_t u = 0;
        for (size_t i = 0; i < 8; i++) {
            u = u << 8 | d[i];
        }
        if (type[0] == 't') {
            return json_integer((json_int_t)u);
        }
        double x;
        memcpy(&x, &u, sizeof(x));
        if (isfinite(x)) {
            return json_real(x);
        }
    }
    return hex_string(d, n, false);
}

static int field_size(vt_parse *p, json_t *f, const char *name, uint64_t *size)
{
    json_t *s = json_object_get(f, "size");
    if (json_is_integer(s) && json_integer_value(s) >= 0) {
        *size = (uint64_t)json_integer_value(s);
        return 0;
    }
    return vt_fail(p->r, vt_offset(p->r), "vmdesc field '%s' has no valid \"size\"", name);
}

static json_t *read_value(vt_parse *p, json_t *f, const char *name, const char *type, bool qemu,
                          int depth)
{
    enum kind kind = kind_of(type);
    vt_reader *r = p->r;
    if (kind == K_STRUCT) {
        json_t *desc = json_object_get(f, "struct");
        if (!json_is_object(desc)) {
            vt_fail(r, vt_offset(r), "vmdesc struct field '%s' has no \"struct\" description", name);
            return NULL;
        }
        if (!qemu) {
            return vt_decode_vms(p, desc, depth + 1);
        }
        json_t *obj = json_object();
        if (vt_decode_qemu(p, desc, obj, depth + 1) < 0) {
            json_decref(obj);
            return NULL;
        }
        return obj;
    }
    if (kind == K_CAP) {
        char s[256];
        return vt_str8(r, s, "capability name") < 0 ? NULL : json_string(s);
    }
    uint64_t size = 0;
    if (field_size(p, f, name, &size) < 0) {
        return NULL;
    }
    if ((kind == K_INT || kind == K_UINT || kind == K_BOOL) && (size == 0 || size > 8)) {
        vt_fail(r, vt_offset(r), "vmdesc field '%s' of type '%s' has size %llu (1 to 8 expected)", name,
                type, (unsigned long long)size);
        return NULL;
    }
    uint64_t at = vt_offset(r);
    uint8_t *d = vt_read_alloc(r, size, "field data");
    if (!d) {
        return NULL;
    }
    json_t *v = NULL;
    if (kind == K_INT || kind == K_UINT) {
        v = int_value(d, (size_t)size, kind, qemu);
    } else if (kind == K_BOOL) {
        v = json_boolean(d[0] != 0);
    } else if (kind == K_NULLPTR) {
        if (size != 1 || d[0] != 0x30) {
            vt_fail(r, at, "expected the NULL pointer marker 0x30 for '%s'", name);
        } else {
            v = qemu ? json_string("nullptr") : json_null();
        }
    } else {
        v = qemu ? hex_string(d, (size_t)size, true) : raw_value_vms(type, d, (size_t)size);
    }
    free(d);
    return v;
}

/* One vmdesc field entry: its name, type and how many times it repeats (array_len). */
static int field_shape(vt_parse *p, json_t *f, const char **name, const char **type, json_int_t *n)
{
    *name = json_string_value(json_object_get(f, "name"));
    *type = json_string_value(json_object_get(f, "type"));
    if (!*name || !*type) {
        return vt_fail(p->r, vt_offset(p->r), "vmdesc field without a \"name\" or \"type\" string");
    }
    json_t *al = json_object_get(f, "array_len");
    *n = 1;
    if (al) {
        if (!json_is_integer(al)) {
            return vt_fail(p->r, vt_offset(p->r), "vmdesc field '%s': array_len is not an integer", *name);
        }
        /* analyze-migration.py reads at least one element, whatever array_len says. */
        *n = json_integer_value(al) < 1 ? 1 : json_integer_value(al);
    }
    return 0;
}

/* analyze-migration.py's merge: a repeated name becomes a list of its values, in order. */
static void add_value(json_t *into, const char *name, json_t *v)
{
    json_t *old = json_object_get(into, name);
    if (!old) {
        json_object_set_new(into, name, v);
    } else if (json_is_array(old)) {
        json_array_append_new(old, v);
    } else {
        json_t *list = json_pack("[O]", old);
        json_array_append_new(list, v);
        json_object_set_new(into, name, list);
    }
}

static json_t *desc_fields(vt_parse *p, json_t *desc, int depth)
{
    json_t *fields = json_object_get(desc, "fields");
    if (!json_is_array(fields)) {
        const char *what = json_string_value(json_object_get(desc, "vmsd_name"));
        vt_fail(p->r, vt_offset(p->r), "vmdesc description '%s' has no \"fields\" list", what ? what : "?");
        return NULL;
    }
    if (depth > VT_DEPTH_MAX) {
        vt_fail(p->r, vt_offset(p->r), "vmdesc nests structs deeper than %d", VT_DEPTH_MAX);
        return NULL;
    }
    return fields;
}

/* Reads one subsection header and checks it is the one the vmdesc lists next. */
static int subsection_header(vt_parse *p, json_t *sub, char name[256], uint32_t *version)
{
    vt_reader *r = p->r;
    uint64_t at = vt_offset(r);
    const char *want = json_string_value(json_object_get(sub, "vmsd_name"));
    int b = vt_u8(r, "subsection marker");
    if (r->failed) {
        return -1;
    }
    if (b != 0x05) {
        return vt_fail(r, at, "expected subsection '%s' (marker 0x05), got 0x%02x", want ? want : "?", b);
    }
    if (vt_str8(r, name, "subsection name") < 0) {
        return -1;
    }
    *version = vt_be32(r, "subsection version");
    if (!json_is_object(sub)) {
        return vt_fail(r, at, "vmdesc subsection entry for '%s' is not an object", name);
    }
    return r->failed ? -1 : 0;
}

/* Guards against a vmdesc that repeats an empty element millions of times. */
static bool runaway(vt_parse *p, uint64_t before, json_int_t n, const char *name)
{
    if (n > 4096 && vt_offset(p->r) == before) {
        vt_fail(p->r, before, "vmdesc field '%s' repeats %lld elements of no bytes", name, (long long)n);
        return true;
    }
    return false;
}

int vt_decode_qemu(vt_parse *p, json_t *desc, json_t *into, int depth)
{
    json_t *fields = desc_fields(p, desc, depth);
    if (!fields) {
        return -1;
    }
    size_t i;
    json_t *f;
    json_array_foreach(fields, i, f) {
        const char *name, *type;
        json_int_t n;
        if (field_shape(p, f, &name, &type, &n) < 0) {
            return -1;
        }
        for (json_int_t k = 0; k < n; k++) {
            uint64_t before = vt_offset(p->r);
            json_t *v = read_value(p, f, name, type, true, depth);
            if (!v) {
                return note_field(p, name);
            }
            add_value(into, name, v);
            if (k == 0 && runaway(p, before, n, name)) {
                return -1;
            }
        }
    }
    json_t *subs = json_object_get(desc, "subsections");
    json_array_foreach(subs, i, f) {
        char name[256];
        uint32_t version;
        if (subsection_header(p, f, name, &version) < 0) {
            return -1;
        }
        json_t *obj = json_object();
        if (vt_decode_qemu(p, f, obj, depth + 1) < 0) {
            json_decref(obj);
            return -1;
        }
        json_object_set_new(into, name, obj);
    }
    return 0;
}

static json_t *vms_field(vt_parse *p, json_t *f, const char *name, const char *type, json_int_t index,
                         int depth)
{
    uint64_t at = vt_offset(p->r);
    json_t *v = read_value(p, f, name, type, false, depth);
    if (!v) {
        return NULL;
    }
    json_t *o = json_pack("{s:s, s:s, s:I, s:I, s:o}", "name", name, "type", type, "offset",
                          (json_int_t)at, "size", (json_int_t)(vt_offset(p->r) - at), "value", v);
    if (index >= 0) {
        json_object_set_new(o, "index", json_integer(index));
    }
    return o;
}

json_t *vt_decode_vms(vt_parse *p, json_t *desc, int depth)
{
    json_t *fields = desc_fields(p, desc, depth);
    if (!fields) {
        return NULL;
    }
    json_t *out = json_pack("{s:[]}", "fields");
    json_t *list = json_object_get(out, "fields");
    /*
     * Element indexes come from the order of the values of one name, not from the vmdesc: an
     * array may be one entry with array_len, one entry per element with "index" (newer QEMUs
     * leave it off the last one), or segments split at NULL pointers, all under one name.
     */
    json_t *seen = json_object();
    size_t i;
    json_t *f;
    json_array_foreach(fields, i, f) {
        const char *name, *type;
        json_int_t n;
        if (field_shape(p, f, &name, &type, &n) < 0) {
            goto fail;
        }
        json_int_t first = json_integer_value(json_object_get(seen, name));
        bool array = json_object_get(f, "array_len") || json_object_get(f, "index") || first > 0;
        for (json_int_t k = 0; k < n; k++) {
            uint64_t before = vt_offset(p->r);
            json_t *v = vms_field(p, f, name, type, array ? first + k : -1, depth);
            if (!v) {
                note_field(p, name);
                goto fail;
            }
            json_array_append_new(list, v);
            if (k == 0 && runaway(p, before, n, name)) {
                goto fail;
            }
        }
        json_object_set_new(seen, name, json_integer(first + n));
    }
    json_decref(seen);
    seen = NULL;
    json_t *subs = json_object_get(desc, "subsections");
    if (json_array_size(subs)) {
        json_t *sl = json_array();
        json_object_set_new(out, "subsections", sl);
        json_array_foreach(subs, i, f) {
            char name[256];
            uint32_t version;
            uint64_t at = vt_offset(p->r);
            if (subsection_header(p, f, name, &version) < 0) {
                goto fail;
            }
            json_t *s = vt_decode_vms(p, f, depth + 1);
            if (!s) {
                goto fail;
            }
            json_t *head = json_pack("{s:s, s:I, s:I}", "name", name, "version", (json_int_t)version,
                                     "offset", (json_int_t)at);
            json_object_update(s, head);
            json_decref(head);
            json_array_append_new(sl, s);
        }
    }
    return out;
fail:
    json_decref(seen);
    json_decref(out);
    return NULL;
}
