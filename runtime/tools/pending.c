/*
 * Non-seekable streams carry their vmdesc last, so a device section cannot be decoded when it
 * arrives. Its payload is kept (up to VT_BUFFER_CAP bytes in all) until the trailer comes; its end
 * is the section footer (7e + be32 id) followed by a byte that can start the next record.
 */
#include "vmstate_tool.h"

#include <stdlib.h>
#include <string.h>

uint64_t vt_buffer_cap = VT_BUFFER_CAP;

struct vt_pending {
    json_t *info, *rec;   /* the section (ids entry) and its vms record */
    uint8_t *data;
    size_t len;
    uint64_t off;         /* stream offset of data[0] */
    uint32_t id;
};

static bool starts_record(int b)
{
    return b == 0x00 || (b >= 0x01 && b <= 0x04) || b == 0x07 || b == 0x08;
}

/* Reads payload bytes up to the footer of section @id, into @pd. */
static int capture(vt_parse *p, struct vt_pending *pd)
{
    vt_reader *r = p->r;
    size_t cap = 0;
    for (;;) {
        uint8_t look[6];
        bool full = vt_peekn(r, look, 6);
        if (full && look[0] == 0x7e && ((uint32_t)look[1] << 24 | (uint32_t)look[2] << 16 |
                                        (uint32_t)look[3] << 8 | look[4]) == pd->id && starts_record(look[5])) {
            return 0;
        }
        if (!full && vt_peekn(r, look, 5) && look[0] == 0x7e) {
            return 0; /* a footer right at the end of the stream: the footer check reports the rest */
        }
        if (p->buffered >= vt_buffer_cap) {
            return vt_fail(r, vt_offset(r), "section payloads buffered beyond the %llu-byte cap while waiting "
                           "for the vmdesc of a non-seekable stream (give one with --schema)",
                           (unsigned long long)vt_buffer_cap);
        }
        if (pd->len == cap) {
            cap = cap ? cap * 2 : 256;
            uint8_t *n = realloc(pd->data, cap);
            if (!n) {
                return vt_fail(r, vt_offset(r), "out of memory buffering a section");
            }
            pd->data = n;
        }
        uint8_t b = vt_u8(r, "section payload or footer");
        if (r->failed) {
            return -1;
        }
        pd->data[pd->len++] = b;
        p->buffered++;
    }
}

int vt_pending_capture(vt_parse *p, json_t *info, json_t *rec, uint32_t id)
{
    vt_reader *r = p->r;
    if (p->footers == 0) {
        return vt_fail(r, vt_offset(r), "a non-seekable stream without section footers needs --schema");
    }
    if (p->n_pending == p->cap_pending) {
        size_t cap = p->cap_pending ? p->cap_pending * 2 : 16;
        struct vt_pending *n = realloc(p->pending, cap * sizeof(*n));
        if (!n) {
            return vt_fail(r, vt_offset(r), "out of memory");
        }
        p->pending = n;
        p->cap_pending = cap;
    }
    struct vt_pending *pd = &p->pending[p->n_pending++];
    *pd = (struct vt_pending){.info = json_incref(info), .rec = json_incref(rec), .off = vt_offset(r), .id = id};
    return capture(p, pd);
}

static int decode_one(vt_parse *p, struct vt_pending *pd, vt_reader *mem)
{
    const char *idstr = json_string_value(json_object_get(pd->info, "idstr"));
    json_int_t instance = json_integer_value(json_object_get(pd->info, "instance"));
    json_t *desc = vt_vmdesc_device(p, idstr, (uint32_t)instance);
    if (!desc) {
        return vt_fail(mem, pd->off, "section '%s' instance %lld is not described by %s", idstr,
                       (long long)instance,
                       p->vmdesc ? "the vmdesc" : "any vmdesc (the stream has none: give one with --schema)");
    }
    if (json_object_get(desc, "vms_live")) {
        p->pending_decode = true;
        int rc = vt_live_read(p, pd->info, desc, pd->rec);
        p->pending_decode = false;
        if (rc < 0) {
            return -1;
        }
    } else if (p->opts->format == VT_FORMAT_QEMU) {
        if (vt_decode_qemu(p, desc, json_object_get(pd->info, "qemu"), 0) < 0) {
            return -1;
        }
    } else {
        json_t *v = vt_decode_vms(p, desc, 0);
        if (!v) {
            return -1;
        }
        json_object_update(pd->rec, v);
        json_decref(v);
        if (json_is_string(json_object_get(desc, "vmsd_name"))) {
            json_object_set(pd->rec, "vmsd_name", json_object_get(desc, "vmsd_name"));
        }
    }
    if (vt_offset(mem) != pd->off + pd->len) {
        return vt_fail(mem, vt_offset(mem), "section '%s' decodes to %llu bytes, but its footer came after %zu",
                       idstr, (unsigned long long)(vt_offset(mem) - pd->off), pd->len);
    }
    return 0;
}

/* No vmdesc came: our view shows each payload's place and size only; QEMU's view cannot be made. */
static int leave_undecoded(vt_parse *p)
{
    for (size_t i = 0; i < p->n_pending; i++) {
        struct vt_pending *pd = &p->pending[i];
        json_object_set_new(pd->rec, "payload", json_pack("{s:I, s:I, s:b}", "offset", (json_int_t)pd->off, "size",
                                                          (json_int_t)pd->len, "decoded", 0));
        p->undecoded++;
    }
    vt_pending_free(p);
    return 0;
}

int vt_pending_decode(vt_parse *p)
{
    vt_reader *outer = p->r;
    int rc = 0;
    if (!p->vmdesc && p->opts->format == VT_FORMAT_VMS) {
        return leave_undecoded(p);
    }
    for (size_t i = 0; i < p->n_pending && rc == 0; i++) {
        struct vt_pending *pd = &p->pending[i];
        vt_reader mem;
        vt_reader_mem(&mem, pd->data, pd->len, pd->off);
        p->r = &mem;
        rc = decode_one(p, pd, &mem);
        p->r = outer;
        if (rc < 0) {
            outer->failed = false;
            vt_fail(outer, mem.err_off, "%s", strchr(mem.err, ':') ? strchr(mem.err, ':') + 2 : mem.err);
            size_t n = strlen(outer->err);
            snprintf(outer->err + n, sizeof(outer->err) - n, " [section '%s' (id %u)]",
                     json_string_value(json_object_get(pd->info, "idstr")), pd->id);
        }
    }
    vt_pending_free(p);
    return rc;
}

void vt_pending_free(vt_parse *p)
{
    for (size_t i = 0; i < p->n_pending; i++) {
        json_decref(p->pending[i].info);
        json_decref(p->pending[i].rec);
        free(p->pending[i].data);
    }
    p->n_pending = 0;
}
