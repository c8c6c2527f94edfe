/*
 * Our declarative live sections (VMS_LIVE members; docs/wire-format.md "Live sections"): the
 * START/PART/END payloads of a device whose vmdesc entry has a "vms_live" list are records
 * LAYOUT (0x03), CHUNK (0x01), STATE (0x02) and DONE (0x00). Every record is checked against the
 * description; chunk data is skipped, never kept: a section's memory is one bit per chunk.
 */
#include "vmstate_tool.h"

#include <stdlib.h>
#include <string.h>

enum { REC_DONE = 0x00, REC_CHUNK = 0x01, REC_STATE = 0x02, REC_LAYOUT = 0x03 };
enum { LIVE_MEMBERS_MAX = 255 };

struct live_member {
    char field[256];
    uint64_t size, nchunks;
    uint32_t chunk_size;
    uint8_t elem;
    uint8_t *got;           /* one bit per chunk: sent at least once */
    uint64_t received;      /* distinct chunks sent */
};

struct vt_live {
    uint32_t id;
    bool layout, ended;
    size_t n;
    struct live_member m[];
};

void vt_live_free(vt_parse *p)
{
    for (size_t i = 0; i < p->n_live; i++) {
        for (size_t k = 0; p->live[i] && k < p->live[i]->n; k++) {
            free(p->live[i]->m[k].got);
        }
        free(p->live[i]);
    }
    free(p->live);
    p->live = NULL;
    p->n_live = 0;
}

static struct vt_live *find_live(vt_parse *p, uint32_t id)
{
    for (size_t i = 0; i < p->n_live; i++) {
        if (p->live[i] && p->live[i]->id == id) {
            return p->live[i];
        }
    }
    return NULL;
}

/* One "vms_live" entry of the vmdesc: sizes the writer can produce, or an error naming it. */
static int member_desc(vt_parse *p, json_t *e, size_t i, struct live_member *m, uint64_t at)
{
    const char *field = json_string_value(json_object_get(e, "field"));
    json_t *size = json_object_get(e, "size"), *chunk = json_object_get(e, "chunk_size");
    json_t *elem = json_object_get(e, "element_size");
    if (!field || !json_is_integer(size) || !json_is_integer(chunk) || !json_is_integer(elem)) {
        return vt_fail(p->r, at, "vmdesc vms_live[%zu] needs \"field\", \"size\", \"chunk_size\" and "
                       "\"element_size\"", i);
    }
    json_int_t s = json_integer_value(size), c = json_integer_value(chunk), el = json_integer_value(elem);
    if (el != 1 && el != 2 && el != 4 && el != 8) {
        return vt_fail(p->r, at, "vmdesc vms_live[%zu] ('%s'): element_size %lld is not 1, 2, 4 or 8", i, field,
                       (long long)el);
    }
    if (c < el || c > (json_int_t)1 << 31 || (c & (c - 1)) != 0) {
        return vt_fail(p->r, at, "vmdesc vms_live[%zu] ('%s'): chunk_size %lld is not a power of two from the "
                       "element size to 2 GiB", i, field, (long long)c);
    }
    if (s <= 0 || s % el != 0) {
        return vt_fail(p->r, at, "vmdesc vms_live[%zu] ('%s'): size %lld is not a positive multiple of the "
                       "element size", i, field, (long long)s);
    }
    snprintf(m->field, sizeof(m->field), "%s", field);
    m->size = (uint64_t)s;
    m->chunk_size = (uint32_t)c;
    m->elem = (uint8_t)el;
    m->nchunks = (m->size + m->chunk_size - 1) / m->chunk_size;
    if (m->nchunks > UINT32_MAX) {
        return vt_fail(p->r, at, "vmdesc vms_live[%zu] ('%s'): %llu chunks cannot be numbered by a be32 index", i,
                       field, (unsigned long long)m->nchunks);
    }
    /* every chunk is on the wire by the end: a member larger than what is left cannot be complete */
    uint64_t left = p->pending_decode ? UINT64_MAX : vt_remaining(p->r);
    if (left != UINT64_MAX && m->size > left) {
        return vt_fail(p->r, at, "live member '%s' of %llu bytes cannot fit in the %llu bytes left", field,
                       (unsigned long long)m->size, (unsigned long long)left);
    }
    if ((m->nchunks + 7) / 8 > vt_buffer_cap) {
        return vt_fail(p->r, at, "live member '%s' has %llu chunks, more than this reader tracks", field,
                       (unsigned long long)m->nchunks);
    }
    m->got = calloc(1, (size_t)((m->nchunks + 7) / 8));
    return m->got ? 0 : vt_fail(p->r, at, "out of memory");
}

/* START: a fresh state for section @id from the description's "vms_live" list. */
static struct vt_live *start_live(vt_parse *p, uint32_t id, json_t *desc, uint64_t at)
{
    json_t *list = json_object_get(desc, "vms_live");
    size_t n = json_array_size(list);
    if (!json_is_array(list) || n == 0 || n > LIVE_MEMBERS_MAX) {
        vt_fail(p->r, at, "the vmdesc's \"vms_live\" is not a list of 1 to %d members", LIVE_MEMBERS_MAX);
        return NULL;
    }
    size_t slot = p->n_live;
    for (size_t i = 0; i < p->n_live; i++) {
        if (p->live[i] && p->live[i]->id == id) { /* a second START for this id: begin again */
            slot = i;
            for (size_t k = 0; k < p->live[i]->n; k++) {
                free(p->live[i]->m[k].got);
            }
            free(p->live[i]);
            p->live[i] = NULL;
        }
    }
    if (slot == p->n_live) {
        struct vt_live **nl = realloc(p->live, (p->n_live + 1) * sizeof(*nl));
        if (!nl) {
            vt_fail(p->r, at, "out of memory");
            return NULL;
        }
        p->live = nl;
        p->live[p->n_live++] = NULL;
    }
    struct vt_live *fresh = calloc(1, sizeof(*fresh) + n * sizeof(fresh->m[0]));
    if (!fresh) {
        vt_fail(p->r, at, "out of memory");
        return NULL;
    }
    p->live[slot] = fresh;
    fresh->id = id;
    for (size_t i = 0; i < n; i++) {
        if (member_desc(p, json_array_get(list, i), i, &fresh->m[i], at) < 0) {
            return NULL;
        }
        fresh->n = i + 1;
    }
    return fresh;
}

static int layout(vt_parse *p, struct vt_live *l, uint64_t at, json_t *out)
{
    vt_reader *r = p->r;
    uint8_t n = vt_u8(r, "LAYOUT member count");
    if (!r->failed && n != l->n) {
        return vt_fail(r, at, "LAYOUT has %u live members, the description %zu", n, l->n);
    }
    json_t *list = json_array();
    json_object_set_new(out, "layout", list);
    for (size_t i = 0; i < l->n && !r->failed; i++) {
        struct live_member *m = &l->m[i];
        uint64_t mat = vt_offset(r);
        uint64_t size = vt_be64(r, "LAYOUT member size");
        uint32_t chunk = vt_be32(r, "LAYOUT chunk size");
        uint8_t elem = vt_u8(r, "LAYOUT element size");
        if (!r->failed && (size != m->size || chunk != m->chunk_size || elem != m->elem)) {
            return vt_fail(r, mat, "LAYOUT of live member %zu ('%s'): %llu bytes in chunks of %u, elements of %u; "
                           "the description says %llu, %u, %u", i, m->field, (unsigned long long)size, chunk,
                           elem, (unsigned long long)m->size, m->chunk_size, m->elem);
        }
        json_array_append_new(list, json_pack("{s:s, s:I, s:I, s:i}", "field", m->field, "size",
                                              (json_int_t)size, "chunk_size", (json_int_t)chunk,
                                              "element_size", elem));
    }
    l->layout = true;
    return r->failed ? -1 : 0;
}

static int chunk(vt_parse *p, struct vt_live *l, uint64_t at, uint64_t *count, uint64_t *bytes)
{
    vt_reader *r = p->r;
    uint8_t idx = vt_u8(r, "CHUNK member index");
    uint32_t ci = vt_be32(r, "CHUNK index");
    uint32_t len = vt_be32(r, "CHUNK length");
    if (r->failed) {
        return -1;
    }
    if (idx >= l->n) {
        return vt_fail(r, at, "CHUNK for live member %u; the description has %zu", idx, l->n);
    }
    struct live_member *m = &l->m[idx];
    if (ci >= m->nchunks) {
        return vt_fail(r, at, "CHUNK %u of live member '%s', which has %llu chunks", ci, m->field,
                       (unsigned long long)m->nchunks);
    }
    uint64_t start = (uint64_t)ci * m->chunk_size;
    uint64_t want = m->size - start < m->chunk_size ? m->size - start : m->chunk_size;
    if (len != want) {
        return vt_fail(r, at, "CHUNK %u of live member '%s' has %u bytes, expected %llu", ci, m->field, len,
                       (unsigned long long)want);
    }
    if (vt_skip(r, len, "CHUNK data") < 0) {
        return -1;
    }
    if (!(m->got[ci / 8] >> (ci % 8) & 1)) {
        m->got[ci / 8] |= (uint8_t)(1u << (ci % 8));
        m->received++;
    }
    count[idx]++;
    bytes[idx] += len;
    return 0;
}

static int state(vt_parse *p, json_t *info, json_t *desc, json_t *out)
{
    uint64_t at = vt_offset(p->r);
    if (p->opts->format == VT_FORMAT_QEMU) {
        return vt_decode_qemu(p, desc, json_object_get(info, "qemu"), 0);
    }
    json_t *v = vt_decode_vms(p, desc, 0);
    if (!v) {
        return -1;
    }
    json_object_set_new(v, "offset", json_integer((json_int_t)at));
    json_object_set_new(out, "state", v);
    return 0;
}

/* END: every chunk of every member was sent at least once. */
static int complete(vt_parse *p, struct vt_live *l, uint64_t at)
{
    for (size_t i = 0; i < l->n; i++) {
        struct live_member *m = &l->m[i];
        if (m->received == m->nchunks) {
            continue;
        }
        for (uint64_t c = 0; c < m->nchunks; c++) {
            if (!(m->got[c / 8] >> (c % 8) & 1)) {
                return vt_fail(p->r, at, "live member '%s': chunk %llu was never sent before the end of its END "
                               "section", m->field, (unsigned long long)c);
            }
        }
    }
    return 0;
}

int vt_live_read(vt_parse *p, json_t *info, json_t *desc, json_t *rec)
{
    vt_reader *r = p->r;
    uint64_t at = vt_offset(r);
    uint32_t id = (uint32_t)json_integer_value(json_object_get(info, "id"));
    const char *type = json_string_value(json_object_get(rec, "type"));
    bool start = strcmp(type, "start") == 0, end = strcmp(type, "end") == 0;
    if (strcmp(type, "full") == 0) {
        return vt_fail(r, at, "a FULL section for a live device (its description has \"vms_live\")");
    }
    json_t *dv = json_object_get(desc, "version");
    json_int_t version = json_integer_value(json_object_get(info, "version"));
    if (start && json_is_integer(dv) && json_integer_value(dv) != version) {
        return vt_fail(r, at, "live section version %lld, the description's is %lld", (long long)version,
                       (long long)json_integer_value(dv));
    }
    struct vt_live *l = start ? start_live(p, id, desc, at) : find_live(p, id);
    if (!l) {
        return -1;
    }
    if (l->ended) {
        return vt_fail(r, at, "%s section of live section id %u after its END", type, id);
    }
    uint64_t count[LIVE_MEMBERS_MAX] = {0}, bytes[LIVE_MEMBERS_MAX] = {0};
    json_t *out = json_object();
    json_object_set_new(rec, "live", out);
    bool state_seen = false;
    for (size_t n = 0;; n++) {
        uint64_t rat = vt_offset(r);
        uint8_t t = vt_u8(r, "live record type");
        if (r->failed) {
            return -1;
        }
        if (t == REC_DONE) {
            json_object_set_new(out, "done_offset", json_integer((json_int_t)rat));
            if (start && !l->layout) {
                return vt_fail(r, rat, "START payload without its LAYOUT record");
            }
            if (end && !state_seen) {
                return vt_fail(r, rat, "END payload without its STATE record");
            }
            break;
        }
        if (start && n == 0 && t != REC_LAYOUT) {
            return vt_fail(r, rat, "the START payload begins with record 0x%02x, not LAYOUT (0x03)", t);
        }
        if (t == REC_LAYOUT) {
            if (!start || n != 0) {
                return vt_fail(r, rat, "LAYOUT record other than first in the START payload");
            }
            if (layout(p, l, rat, out) < 0) {
                return -1;
            }
        } else if (t == REC_CHUNK) {
            if (state_seen) {
                return vt_fail(r, rat, "CHUNK record after STATE");
            }
            if (chunk(p, l, rat, count, bytes) < 0) {
                return -1;
            }
        } else if (t == REC_STATE) {
            if (!end || state_seen) {
                return vt_fail(r, rat, "%s STATE record (one only, in the END payload)", end ? "second" : "a");
            }
            state_seen = true;
            if (state(p, info, desc, out) < 0) {
                return -1;
            }
        } else {
            return vt_fail(r, rat, "unknown live record type 0x%02x (expected DONE 00, CHUNK 01, STATE 02 or "
                           "LAYOUT 03)", t);
        }
    }
    json_t *chunks = json_array();
    json_object_set_new(out, "chunks", chunks);
    for (size_t i = 0; i < l->n; i++) {
        json_array_append_new(chunks, json_pack("{s:s, s:I, s:I}", "field", l->m[i].field, "count",
                                                (json_int_t)count[i], "bytes", (json_int_t)bytes[i]));
    }
    if (end) {
        l->ended = true;
        return complete(p, l, vt_offset(r) - 1);
    }
    return 0;
}
