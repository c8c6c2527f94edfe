/* live_chunks.c: declarative live state (VMS_LIVE): chunked sections driven by a vms_live_desc. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "registry_private.h"

/* Record types of a live section's payload (docs/wire-format.md, "Live sections"). */
enum {
    REC_DONE = 0x00,
    REC_CHUNK = 0x01,
    REC_STATE = 0x02,
    REC_LAYOUT = 0x03,
};

/* ---- the dirty bitmap ---- */

void vms_live_mark_dirty(uint64_t *bitmap, size_t chunk)
{
    /* release: the chunk's bytes, written before, are visible to whoever clears the bit */
    __atomic_fetch_or(&bitmap[chunk / 64], UINT64_C(1) << (chunk % 64), __ATOMIC_RELEASE);
}

void vms_live_mark_dirty_range(uint64_t *bitmap, uint32_t chunk_size, size_t offset, size_t len)
{
    if (len == 0 || chunk_size == 0)
        return;
    for (size_t c = offset / chunk_size; c <= (offset + len - 1) / chunk_size; c++)
        vms_live_mark_dirty(bitmap, c);
}

/*
 * Clears the bit of chunk @i and says whether it was set. Acquire: the bytes
 * the writer stored before setting it are visible to the copy that follows.
 * The copy MUST come after this: a write that lands during the copy sets the
 * bit again and the chunk goes out once more; the other order could clear
 * the mark of a write the copy missed.
 */
static bool test_and_clear(uint64_t *bm, size_t i)
{
    uint64_t bit = UINT64_C(1) << (i % 64);

    return (__atomic_fetch_and(&bm[i / 64], ~bit, __ATOMIC_ACQ_REL) & bit) != 0;
}

static size_t n_chunks(const struct vms_live_member *m)
{
    return m->size / m->chunk_size + (m->size % m->chunk_size != 0);
}

static size_t chunk_len(const struct vms_live_member *m, size_t i)
{
    size_t off = i * m->chunk_size;

    return m->size - off < m->chunk_size ? m->size - off : m->chunk_size;
}

static uint64_t *bitmap_of(const struct vms_live_member *m, void *dev)
{
    return (uint64_t *)(void *)((char *)dev + m->bitmap_offset);
}

/* The word @w of a bitmap with @n chunks, bits past the last chunk masked off. */
static uint64_t dirty_word(const uint64_t *bm, size_t n, size_t w)
{
    uint64_t v = __atomic_load_n(&bm[w], __ATOMIC_RELAXED);

    if (w == n / 64 && n % 64)
        v &= (UINT64_C(1) << (n % 64)) - 1;
    return v;
}

/* The first chunk at or after @from (below @to) whose bit is set, or @to. */
static size_t next_dirty(const uint64_t *bm, size_t n, size_t from, size_t to)
{
    while (from < to) {
        uint64_t v = dirty_word(bm, n, from / 64) >> (from % 64);

        if (v) {
            size_t i = from + (size_t)__builtin_ctzll(v);
            return i < to ? i : to;
        }
        from = (from / 64 + 1) * 64;
    }
    return to;
}

int vms_live_desc_validate(const struct vms_live_desc *ld, vms_error_t *err)
{
    if (!ld || !ld->state || (ld->n_members && !ld->members) || ld->n_members > 255)
        return vms_error_set(err, VMS_ERR_INVAL, 0, -1, NULL, "invalid live table");
    if (vms_desc_validate(ld->state, err))
        return VMS_ERR_INVAL;
    for (size_t i = 0; i < ld->n_members; i++) {
        const struct vms_live_member *m = &ld->members[i];
        uint8_t es = m->element_size;
        const char *name = m->name ? m->name : "?";

        if (!m->name || m->size == 0 || (es != 1 && es != 2 && es != 4 && es != 8) ||
            m->size % es || m->chunk_size < es || (m->chunk_size & (m->chunk_size - 1)) ||
            m->offset % es)
            return vms_error_set(err, VMS_ERR_INVAL, 0, -1, name, "live member '%s': bad size, "
                                 "element size or chunk size", name);
        if (n_chunks(m) > UINT32_MAX || m->bitmap_size < (n_chunks(m) + 63) / 64 * 8 ||
            m->bitmap_offset % sizeof(uint64_t))
            return vms_error_set(err, VMS_ERR_INVAL, 0, -1, name, "live member '%s': its dirty "
                                 "bitmap holds %zu bytes, %zu chunks need %zu", name,
                                 m->bitmap_size, n_chunks(m), (n_chunks(m) + 63) / 64 * 8);
        if (ld->state->size && (m->offset + m->size > ld->state->size ||
                                m->bitmap_offset + m->bitmap_size > ld->state->size))
            return vms_error_set(err, VMS_ERR_INVAL, 0, -1, name, "live member '%s' lies outside "
                                 "the %zu-byte struct", name, ld->state->size);
    }
    return 0;
}

/* ---- source ---- */

#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
/* Elements of @es bytes at @p (@len bytes) turned around in place: host to big endian and back. */
static void swap_elements(uint8_t *p, size_t len, uint8_t es)
{
    for (size_t i = 0; i + es <= len; i += es) {
        if (es == 2) {
            uint16_t v;
            memcpy(&v, p + i, 2);
            v = __builtin_bswap16(v);
            memcpy(p + i, &v, 2);
        } else if (es == 4) {
            uint32_t v;
            memcpy(&v, p + i, 4);
            v = __builtin_bswap32(v);
            memcpy(p + i, &v, 4);
        } else if (es == 8) {
            uint64_t v;
            memcpy(&v, p + i, 8);
            v = __builtin_bswap64(v);
            memcpy(p + i, &v, 8);
        }
    }
}
#else
static void swap_elements(uint8_t *p, size_t len, uint8_t es)
{
    (void)p, (void)len, (void)es; /* big-endian hosts store the wire order already */
}
#endif

/* One CHUNK record: header, then the chunk's elements big-endian (copied after the bit cleared). */
static void put_chunk(vms_stream_t *s, const struct vms_live_member *m, size_t idx, size_t i,
                      const void *dev)
{
    const uint8_t *p = (const uint8_t *)dev + m->offset + i * m->chunk_size;
    size_t len = chunk_len(m, i);

    vms_put_u8(s, REC_CHUNK);
    vms_put_u8(s, (uint8_t)idx);
    vms_put_be32(s, (uint32_t)i);
    vms_put_be32(s, (uint32_t)len);
    if (m->element_size == 1)
        vms_put_buffer(s, p, len);
    else
        vmsp_put_array(s, p, m->element_size, len / m->element_size); /* swapped in bulk */
}

/*
 * Sends the dirty chunks of chunks [@from, @to) of member @mi. With @limited
 * it stops when the stream's rate limit is spent, leaving the cursor at the
 * chunk it did not send, and returns false; true when the range is done.
 */
static bool send_range(struct vmsp_entry *e, vms_stream_t *s, size_t mi, size_t from, size_t to,
                       bool limited)
{
    const struct vms_live_member *m = &e->live->live->members[mi];
    uint64_t *bm = bitmap_of(m, e->opaque);
    size_t n = n_chunks(m);

    for (size_t i = next_dirty(bm, n, from, to); i < to; i = next_dirty(bm, n, i + 1, to)) {
        if ((limited && vms_stream_rate_limit_exceeded(s)) || vmsp_stream_failed(s)) {
            e->chunks.member = mi;
            e->chunks.chunk = i;
            return false;
        }
        if (test_and_clear(bm, i))
            put_chunk(s, m, mi, i, e->opaque);
    }
    return true;
}

/*
 * One round over every member from the cursor on, wrapping around to it.
 * Returns true when the round ended (every chunk dirty when the scan passed
 * it was sent), false when the rate limit (@limited) cut it short.
 */
static bool send_round(struct vmsp_entry *e, vms_stream_t *s, bool limited)
{
    const struct vms_live_desc *ld = e->live->live;
    size_t m0 = e->chunks.member, c0 = e->chunks.chunk;

    if (ld->n_members == 0)
        return true;
    for (size_t step = 0; step <= ld->n_members; step++) {
        size_t mi = (m0 + step) % ld->n_members;
        size_t from = step == 0 ? c0 : 0;
        size_t to = step == ld->n_members ? c0 : n_chunks(&ld->members[mi]);

        if (!send_range(e, s, mi, from, to, limited))
            return false;
    }
    return true;
}

static void put_layout(vms_stream_t *s, const struct vms_live_desc *ld)
{
    vms_put_u8(s, REC_LAYOUT);
    vms_put_u8(s, (uint8_t)ld->n_members);
    for (size_t i = 0; i < ld->n_members; i++) {
        vms_put_be64(s, ld->members[i].size);
        vms_put_be32(s, ld->members[i].chunk_size);
        vms_put_u8(s, ld->members[i].element_size);
    }
}

/*
 * START: every chunk counts as unsent (all bits set: the first pass sends
 * everything), then the LAYOUT record. The chunks themselves go in the PART
 * sections, under the rate limit the migration sets after setup.
 */
int vmsp_chunks_save_setup(struct vmsp_entry *e, vms_stream_t *s, vms_error_t *err)
{
    const struct vms_live_desc *ld = e->live->live;

    for (size_t mi = 0; mi < ld->n_members; mi++) {
        const struct vms_live_member *m = &ld->members[mi];
        uint64_t *bm = bitmap_of(m, e->opaque);
        size_t n = n_chunks(m);

        for (size_t w = 0; w < (n + 63) / 64; w++)
            __atomic_fetch_or(&bm[w], w == n / 64 ? (UINT64_C(1) << (n % 64)) - 1 : ~UINT64_C(0),
                              __ATOMIC_RELAXED);
    }
    e->chunks.member = 0;
    e->chunks.chunk = 0;
    vmsp_json_clear(&e->chunks.vmdesc);
    put_layout(s, ld);
    vms_put_u8(s, REC_DONE);
    return vms_stream_error(s, err);
}

int vmsp_chunks_save_iterate(struct vmsp_entry *e, vms_stream_t *s, vms_error_t *err)
{
    bool done = send_round(e, s, true);
    int ret;

    vms_put_u8(s, REC_DONE);
    ret = vms_stream_error(s, err);
    return ret ? ret : done;
}

/* The device's vmdesc entry: the STATE fields (written with the record) and "vms_live". */
static void vmdesc_live(struct vmsp_json *j, const struct vms_live_desc *ld)
{
    vmsp_json_start_array(j, "vms_live");
    for (size_t i = 0; i < ld->n_members; i++) {
        vmsp_json_start_object(j, NULL);
        vmsp_json_str(j, "field", ld->members[i].name);
        vmsp_json_int(j, "size", (int64_t)ld->members[i].size);
        vmsp_json_int(j, "chunk_size", ld->members[i].chunk_size);
        vmsp_json_int(j, "element_size", ld->members[i].element_size);
        vmsp_json_end_object(j);
    }
    vmsp_json_end_array(j);
}

/* END: every chunk still dirty, regardless of the rate limit, then STATE and DONE. */
int vmsp_chunks_save_complete(struct vmsp_entry *e, vms_stream_t *s, vms_error_t *err)
{
    const struct vms_live_desc *ld = e->live->live;
    struct vmsp_json *j = &e->chunks.vmdesc;
    int ret;

    send_round(e, s, false);
    vms_put_u8(s, REC_STATE);
    vmsp_json_clear(j);
    vmsp_json_start_object(j, NULL);
    vmsp_json_str(j, "name", e->idstr);
    vmsp_json_int(j, "instance_id", e->instance);
    ret = vmsp_save_desc(s, ld->state, e->opaque, e->version, j, err);
    if (ret)
        return ret;
    vmdesc_live(j, ld);
    vmsp_json_end_object(j);
    vms_put_u8(s, REC_DONE);
    return vms_stream_error(s, err);
}

uint64_t vmsp_chunks_pending(struct vmsp_entry *e)
{
    const struct vms_live_desc *ld = e->live->live;
    uint64_t sum = 0;

    for (size_t mi = 0; mi < ld->n_members; mi++) {
        const struct vms_live_member *m = &ld->members[mi];
        const uint64_t *bm = bitmap_of(m, e->opaque);
        size_t n = n_chunks(m);
        uint64_t count = 0;

        for (size_t w = 0; w < (n + 63) / 64; w++)
            count += (uint64_t)__builtin_popcountll(dirty_word(bm, n, w));
        sum += count * m->chunk_size;
        if (count && (dirty_word(bm, n, (n - 1) / 64) >> ((n - 1) % 64) & 1))
            sum -= m->chunk_size - chunk_len(m, n - 1); /* the short last chunk */
    }
    return sum;
}

void vmsp_chunks_clear(struct vmsp_entry *e)
{
    vmsp_json_clear(&e->chunks.vmdesc);
}

/* ---- destination ---- */

void vmsp_chunks_load_setup(struct vmsp_entry *e)
{
    e->chunks.state_seen = false;
}

/* An error at record offset @at of live device @e, member @member (NULL: the device). */
#define CERR(e, s, err, code, member, ...)                                                    \
    vmsp_stream_err(s, err, code, member_path(e, member, path, sizeof(path)), __VA_ARGS__)

static const char *member_path(const struct vmsp_entry *e, const char *member, char *buf,
                               size_t size)
{
    if (!member)
        return e->idstr;
    if (snprintf(buf, size, "%s/%s", e->idstr, member) >= (int)size)
        buf[size - 1] = '\0'; /* cut short: the path only names things in messages */
    return buf;
}

static int load_layout(struct vmsp_entry *e, vms_stream_t *s, uint64_t at, vms_error_t *err)
{
    const struct vms_live_desc *ld = e->live->live;
    char path[VMS_ERROR_PATH_MAX];
    uint8_t n = vms_get_u8(s);

    if (vmsp_stream_failed(s))
        return CERR(e, s, err, VMS_ERR_EOF, NULL, "truncated LAYOUT record at offset 0x%" PRIx64, at);
    if (n != ld->n_members)
        return CERR(e, s, err, VMS_ERR_FORMAT, NULL, "LAYOUT record at offset 0x%" PRIx64
                    " lists %u live members, '%s' has %zu", at, n, e->idstr, ld->n_members);
    for (size_t i = 0; i < n; i++) {
        const struct vms_live_member *m = &ld->members[i];
        uint64_t size = vms_get_be64(s);
        uint32_t chunk = vms_get_be32(s);
        uint8_t es = vms_get_u8(s);

        if (vmsp_stream_failed(s))
            return CERR(e, s, err, VMS_ERR_EOF, m->name, "truncated LAYOUT record at offset 0x%"
                        PRIx64, at);
        if (size != m->size || chunk != m->chunk_size || es != m->element_size)
            return CERR(e, s, err, VMS_ERR_FORMAT, m->name, "LAYOUT mismatch for live member %zu "
                        "'%s' at offset 0x%" PRIx64 ": stream has size %" PRIu64 ", chunk size %"
                        PRIu32 ", element size %u; local %zu, %" PRIu32 ", %u", i, m->name, at,
                        size, chunk, es, m->size, m->chunk_size, m->element_size);
    }
    return 0;
}

static int load_chunk(struct vmsp_entry *e, vms_stream_t *s, uint64_t at, vms_error_t *err)
{
    const struct vms_live_desc *ld = e->live->live;
    char path[VMS_ERROR_PATH_MAX];
    uint8_t idx = vms_get_u8(s);
    uint32_t ci = vms_get_be32(s), len = vms_get_be32(s);
    const struct vms_live_member *m;
    uint8_t *dst;

    if (vmsp_stream_failed(s))
        return CERR(e, s, err, VMS_ERR_EOF, NULL, "truncated CHUNK record at offset 0x%" PRIx64, at);
    if (idx >= ld->n_members)
        return CERR(e, s, err, VMS_ERR_RANGE, NULL, "CHUNK record at offset 0x%" PRIx64 " names "
                    "live member %u; '%s' has %zu", at, idx, e->idstr, ld->n_members);
    m = &ld->members[idx];
    if (ci >= n_chunks(m))
        return CERR(e, s, err, VMS_ERR_RANGE, m->name, "CHUNK record at offset 0x%" PRIx64
                    ": chunk %" PRIu32 " is out of range (%zu chunks)", at, ci, n_chunks(m));
    if (len != chunk_len(m, ci))
        return CERR(e, s, err, VMS_ERR_FORMAT, m->name, "CHUNK record at offset 0x%" PRIx64
                    ": chunk %" PRIu32 " has %" PRIu32 " bytes, expected %zu", at, ci, len,
                    chunk_len(m, ci));
    /* straight into the device: live sections are not covered by atomic loads */
    dst = (uint8_t *)e->opaque + m->offset + (size_t)ci * m->chunk_size;
    if (vms_get_buffer(s, dst, len) != len)
        return CERR(e, s, err, VMS_ERR_EOF, m->name, "truncated CHUNK record at offset 0x%"
                    PRIx64 " (chunk %" PRIu32 ")", at, ci);
    swap_elements(dst, len, m->element_size);
    return 0;
}

static int load_state_record(struct vmsp_entry *e, vms_stream_t *s, uint8_t type, int version,
                             uint64_t at, vms_error_t *err)
{
    char path[VMS_ERROR_PATH_MAX];

    if (type != VMSP_SEC_END)
        return CERR(e, s, err, VMS_ERR_FORMAT, NULL, "STATE record at offset 0x%" PRIx64
                    " in a %s section (only END carries it)", at,
                    type == VMSP_SEC_START ? "START" : "PART");
    if (e->chunks.state_seen)
        return CERR(e, s, err, VMS_ERR_EXISTS, NULL, "second STATE record at offset 0x%" PRIx64, at);
    e->chunks.state_seen = true;
    return vmsp_load_desc(s, e->live->live->state, e->opaque, version, e->idstr, NULL, err);
}

/* One record; *@done set at DONE. */
static int load_record(struct vmsp_entry *e, vms_stream_t *s, uint8_t type, int version,
                       bool *done, vms_error_t *err)
{
    char path[VMS_ERROR_PATH_MAX];
    uint64_t at = vms_stream_offset(s);
    uint8_t rec = vms_get_u8(s);

    if (vmsp_stream_failed(s))
        return CERR(e, s, err, VMS_ERR_EOF, NULL, "live section ends at offset 0x%" PRIx64
                    " without its DONE record", at);
    switch (rec) {
    case REC_DONE:
        *done = true;
        return 0;
    case REC_CHUNK:
        if (e->chunks.state_seen)
            return CERR(e, s, err, VMS_ERR_FORMAT, NULL, "CHUNK record at offset 0x%" PRIx64
                        " after the STATE record", at);
        return load_chunk(e, s, at, err);
    case REC_STATE:
        return load_state_record(e, s, type, version, at, err);
    case REC_LAYOUT:
        return CERR(e, s, err, VMS_ERR_FORMAT, NULL, "LAYOUT record at offset 0x%" PRIx64
                    " is not the first record of the START section", at);
    default:
        return CERR(e, s, err, VMS_ERR_FORMAT, NULL, "unknown live record type 0x%02x at offset "
                    "0x%" PRIx64, rec, at);
    }
}

int vmsp_chunks_load(struct vmsp_entry *e, vms_stream_t *s, uint8_t type, int version,
                     vms_error_t *err)
{
    char path[VMS_ERROR_PATH_MAX];
    bool done = false;
    int ret = 0;

    if (type == VMSP_SEC_FULL)
        return CERR(e, s, err, VMS_ERR_FORMAT, NULL, "FULL section for '%s', a VMS_LIVE device "
                    "(expected START, PART and END)", e->idstr);
    if (type == VMSP_SEC_START) {
        uint64_t at = vms_stream_offset(s);
        uint8_t rec = vms_get_u8(s);

        if (vmsp_stream_failed(s))
            return CERR(e, s, err, VMS_ERR_EOF, NULL, "START section ends at offset 0x%" PRIx64
                        " before its LAYOUT record", at);
        if (rec != REC_LAYOUT)
            return CERR(e, s, err, VMS_ERR_FORMAT, NULL, "START section begins with record type "
                        "0x%02x at offset 0x%" PRIx64 ", expected LAYOUT (0x03)", rec, at);
        ret = load_layout(e, s, at, err);
    }
    while (ret == 0 && !done)
        ret = load_record(e, s, type, version, &done, err);
    if (ret == 0 && type == VMSP_SEC_END && !e->chunks.state_seen)
        return CERR(e, s, err, VMS_ERR_FORMAT, NULL, "END section of '%s' has no STATE record",
                    e->idstr);
    return ret;
}
