/* The stream parser: header, configuration, sections with footers, commands, EOF and the vmdesc trailer. */
#include "vmstate_tool.h"

#include <stdlib.h>
#include <string.h>

enum { SEC_EOF = 0, SEC_START, SEC_PART, SEC_END, SEC_FULL, SEC_SUB, SEC_VMDESC, SEC_CONFIG, SEC_COMMAND,
       SEC_FOOTER = 0x7e };
enum section_kind { KIND_VMSD, KIND_RAM, KIND_BUILTIN, KIND_LIVE, KIND_LIVE_RECORDS };

static const char *const type_names[] = {"eof", "start", "part", "end", "full"};

/* Appends " [section 'x' (id n)]" to the first error, once. */
static int note_section(vt_parse *p, const char *idstr, uint32_t id)
{
    vt_reader *r = p->r;
    if (!strstr(r->err, " [section ")) {
        size_t n = strlen(r->err);
        snprintf(r->err + n, sizeof(r->err) - n, " [section '%s' (id %u)]", idstr, id);
    }
    return -1;
}

static int header(vt_parse *p)
{
    vt_reader *r = p->r;
    uint32_t magic = vt_be32(r, "file magic \"QEVM\"");
    if (!r->failed && magic != 0x5145564d) {
        return vt_fail(r, 0, "expected the file magic \"QEVM\" (51 45 56 4d), got 0x%08x", magic);
    }
    uint32_t version = vt_be32(r, "file version");
    if (!r->failed && version != 3) {
        return vt_fail(r, 4, "expected file version 3, got %u%s", version, version == 2 ? " (obsolete)" : "");
    }
    return r->failed ? -1 : 0;
}

/* The capabilities the configuration carries change how RAM records are laid out. */
static void scan_caps(vt_parse *p, json_t *v)
{
    size_t i;
    json_t *item;
    if (json_is_string(v)) {
        p->ignore_shared |= strcmp(json_string_value(v), "x-ignore-shared") == 0;
        p->mapped_ram |= strcmp(json_string_value(v), "mapped-ram") == 0;
    } else if (json_is_array(v)) {
        json_array_foreach(v, i, item) {
            scan_caps(p, item);
        }
    } else if (json_is_object(v)) {
        const char *key;
        json_object_foreach(v, key, item) {
            if (strcmp(key, "capabilities") == 0 || strcmp(key, "value") == 0 || json_is_object(item) ||
                json_is_array(item)) {
                scan_caps(p, item);
            }
        }
    }
}

/*
 * Without a vmdesc entry for it, the configuration's subsections are read by their known
 * layouts (QEMU's configuration vmsd): target-page-bits (be32), capabilities (be32 count, then
 * counted names), uuid (16 bytes).
 */
static int config_subsections(vt_parse *p, json_t *rec)
{
    vt_reader *r = p->r;
    while (vt_peek(r) == SEC_SUB) {
        uint64_t at = vt_offset(r);
        char name[256];
        vt_u8(r, "subsection marker");
        if (vt_str8(r, name, "configuration subsection name") < 0) {
            return -1;
        }
        vt_be32(r, "subsection version");
        if (strcmp(name, "configuration/target-page-bits") == 0) {
            json_object_set_new(rec, "target_page_bits", json_integer(vt_be32(r, "target page bits")));
        } else if (strcmp(name, "configuration/capabilities") == 0) {
            uint32_t n = vt_be32(r, "capability count");
            json_t *caps = json_array();
            json_object_set_new(rec, "capabilities", caps);
            for (uint32_t i = 0; i < n && !r->failed; i++) {
                char cap[256];
                if (vt_str8(r, cap, "capability name") == 0) {
                    json_array_append_new(caps, json_string(cap));
                }
            }
            scan_caps(p, caps);
        } else if (strcmp(name, "configuration/uuid") == 0) {
            uint8_t uuid[16];
            if (vt_read(r, uuid, sizeof(uuid), "configuration uuid") == 0) {
                char hex[33];
                for (int i = 0; i < 16; i++) {
                    snprintf(hex + i * 2, 3, "%02x", uuid[i]);
                }
                json_object_set_new(rec, "uuid", json_string(hex));
            }
        } else {
            return vt_fail(r, at, "unknown configuration subsection '%s' (and no vmdesc describes it)", name);
        }
        if (r->failed) {
            return -1;
        }
    }
    return r->failed ? -1 : 0;
}

static int configuration(vt_parse *p, uint64_t at)
{
    vt_reader *r = p->r;
    json_t *desc = vt_vmdesc_device(p, "configuration", 0);
    json_t *rec = json_pack("{s:s, s:I}", "record", "configuration", "offset", (json_int_t)at);
    if (!desc) {
        desc = json_object_get(p->vmdesc, "configuration");
    }
    if (desc) {
        json_t *v = p->opts->format == VT_FORMAT_QEMU ? json_object() : vt_decode_vms(p, desc, 0);
        if (v && p->opts->format == VT_FORMAT_QEMU && vt_decode_qemu(p, desc, v, 0) < 0) {
            json_decref(v);
            v = NULL;
        }
        if (!v) {
            json_decref(rec);
            return note_section(p, "configuration", 0);
        }
        scan_caps(p, v);
        json_object_set_new(rec, "state", v);
    } else {
        uint32_t len = vt_be32(r, "machine name length");
        uint8_t *name = vt_read_alloc(r, len, "machine name");
        if (!name) {
            json_decref(rec);
            return -1;
        }
        json_object_set_new(rec, "machine", json_stringn((const char *)name, len));
        free(name);
        if (config_subsections(p, rec) < 0) {
            json_decref(rec);
            return -1;
        }
    }
    json_object_set_new(rec, "size", json_integer((json_int_t)(vt_offset(r) - at)));
    json_array_append_new(p->records, rec);
    return 0;
}

static int command(vt_parse *p, uint64_t at)
{
    static const struct { const char *name; int len; } cmds[] = {
        [1] = {"OPEN_RETURN_PATH", 0}, [2] = {"PING", 4}, [3] = {"POSTCOPY_ADVISE", -1},
        [4] = {"POSTCOPY_LISTEN", -1}, [5] = {"POSTCOPY_RUN", -1}, [6] = {"POSTCOPY_RAM_DISCARD", -1},
        [7] = {"PACKAGED", -1}, [8] = {"ENABLE_COLO", -1}, [9] = {"POSTCOPY_RESUME", -1},
        [10] = {"RECV_BITMAP", -1}, [11] = {"SWITCHOVER_START", 0},
    };
    vt_reader *r = p->r;
    uint16_t cmd = vt_be16(r, "command number");
    uint16_t len = vt_be16(r, "command length");
    if (r->failed) {
        return -1;
    }
    if (cmd == 0 || cmd >= sizeof(cmds) / sizeof(cmds[0])) {
        return vt_fail(r, at, "unknown command %u", cmd);
    }
    if (cmds[cmd].len < 0) {
        return vt_fail(r, at, "command %s is not supported (postcopy, COLO and packaged streams are out of scope)",
                       cmds[cmd].name);
    }
    if (len != cmds[cmd].len) {
        return vt_fail(r, at, "command %s has length %u, expected %d", cmds[cmd].name, len, cmds[cmd].len);
    }
    json_t *rec = json_pack("{s:s, s:I, s:s, s:i}", "record", "command", "offset", (json_int_t)at, "command",
                            cmds[cmd].name, "length", len);
    if (len == 4) {
        json_object_set_new(rec, "value", json_integer(vt_be32(r, "PING value")));
    }
    json_array_append_new(p->records, rec);
    return r->failed ? -1 : 0;
}

static int footer(vt_parse *p, uint32_t id)
{
    vt_reader *r = p->r;
    uint64_t at = vt_offset(r);
    int next = vt_peek(r);
    if (p->footers < 0) {
        p->footers = next == SEC_FOOTER;
    }
    if (!p->footers) {
        return 0;
    }
    if (next != SEC_FOOTER) {
        if (next < 0 && !r->failed) {
            return vt_fail(r, at, "unexpected end of stream: expected the section footer 0x7e of section id %u", id);
        }
        return vt_fail(r, at, "expected the section footer 0x7e of section id %u, got 0x%02x", id, next);
    }
    vt_u8(r, "section footer");
    uint32_t got = vt_be32(r, "section footer id");
    if (!r->failed && got != id) {
        return vt_fail(r, at, "section footer names section id %u, expected %u", got, id);
    }
    return r->failed ? -1 : 0;
}

/* The qemu view's entry for section @id: "<idstr> (<id>)" (replaced in place when an id comes again). */
static json_t *qemu_slot(vt_parse *p, uint32_t id, const char *idstr, json_t *value)
{
    char key[32], name[300];
    snprintf(key, sizeof(key), "%u", id);
    snprintf(name, sizeof(name), "%s (%u)", idstr, id);
    json_object_set_new(p->qemu_sections, key, json_pack("{s:s, s:o}", "key", name, "value", value));
    return value;
}

/*
 * A live device's START/PART/END payload (vms_register_live): bytes only the
 * device understands, framed by the section footer. The payload ends at the
 * first 0x7e + be32 id that is followed by the start of a record (or the
 * end), the same rule that frames sections of streams without a vmdesc.
 */
static int live_payload(vt_parse *p, uint32_t id, json_t *rec)
{
    vt_reader *r = p->r;
    uint64_t start = vt_offset(r);

    for (;;) {
        uint8_t look[6];
        bool full = vt_peekn(r, look, 6);
        bool footer = look[0] == 0x7e && ((uint32_t)look[1] << 24 | (uint32_t)look[2] << 16 |
                                          (uint32_t)look[3] << 8 | look[4]) == id;

        if ((full && footer && (look[5] <= 0x04 || look[5] == 0x07 || look[5] == 0x08)) ||
            (!full && vt_peekn(r, look, 5) && footer))
            break;
        vt_u8(r, "live section payload or its footer");
        if (r->failed)
            return -1;
    }
    json_object_set_new(rec, "live", json_true());
    json_object_set_new(rec, "payload_size", json_integer((json_int_t)(vt_offset(r) - start)));
    return 0;
}

static int payload(vt_parse *p, json_t *info, json_t *rec)
{
    vt_reader *r = p->r;
    json_int_t kind = json_integer_value(json_object_get(info, "kind"));
    const char *idstr = json_string_value(json_object_get(info, "idstr"));
    uint32_t version = (uint32_t)json_integer_value(json_object_get(info, "version"));
    json_t *qv = json_object_get(info, "qemu");
    bool qemu = p->opts->format == VT_FORMAT_QEMU;
    if (kind == KIND_RAM) {
        return vt_ram_read(p, version, qv, qemu ? NULL : rec);
    }
    if (kind == KIND_BUILTIN) {
        return vt_builtin_read(p, idstr, version);
    }
    if (kind == KIND_LIVE_RECORDS) {
        return vt_live_read(p, info, json_object_get(info, "desc"), rec);
    }
    if (kind == KIND_LIVE) {
        return live_payload(p, (uint32_t)json_integer_value(json_object_get(info, "id")), rec);
    }
    json_t *desc = json_object_get(info, "desc");
    if (!json_is_object(desc)) {
        return vt_pending_capture(p, info, rec, (uint32_t)json_integer_value(json_object_get(info, "id")));
    }
    if (qemu) {
        return vt_decode_qemu(p, desc, qv, 0);
    }
    json_t *v = vt_decode_vms(p, desc, 0);
    if (!v) {
        return -1;
    }
    json_object_update(rec, v);
    json_decref(v);
    return r->failed ? -1 : 0;
}

/* START/FULL: the header, then what kind of payload follows (a vmdesc entry or a built-in parser). */
static json_t *section_start(vt_parse *p, int type, uint64_t at, uint32_t *id)
{
    vt_reader *r = p->r;
    char idstr[256];
    *id = vt_be32(r, "section id");
    if (vt_str8(r, idstr, "section name") < 0) {
        return NULL;
    }
    uint32_t instance = vt_be32(r, "instance id");
    uint32_t version = vt_be32(r, "version id");
    if (r->failed) {
        return NULL;
    }
    json_t *desc = vt_vmdesc_device(p, idstr, instance);
    int kind = KIND_VMSD;
    if (desc && json_object_get(desc, "vms_live")) {
        kind = KIND_LIVE_RECORDS; /* our declarative live sections: LAYOUT, CHUNK, STATE, DONE records */
    } else if (!desc && instance == 0 && strcmp(idstr, "ram") == 0) {
        kind = KIND_RAM;
    } else if (!desc && instance == 0 &&
               (strcmp(idstr, "spapr/htab") == 0 || strcmp(idstr, "s390-storage_attributes") == 0)) {
        kind = KIND_BUILTIN;
    } else if (!desc && type == SEC_START && p->opts->format != VT_FORMAT_QEMU) {
        kind = KIND_LIVE; /* our live devices: QEMU describes none of its iterative sections */
    } else if (!desc && !p->vmdesc) {
        kind = KIND_VMSD; /* decoded when the trailer comes (pending.c), framed by its footer if none does */
    } else if (!desc) {
        vt_fail(r, at, "section '%s' instance %u is not described by %s", idstr, instance,
                p->vmdesc ? "the vmdesc" : "any vmdesc (the stream has none: give one with --schema)");
        return NULL;
    } else if (!json_is_array(json_object_get(desc, "fields"))) {
        vt_fail(r, at, "the vmdesc entry of section '%s' has no \"fields\" list", idstr);
        return NULL;
    }
    bool memory = p->opts->memory && !p->opts->extract;
    json_t *qv = kind == KIND_RAM ? json_pack(memory ? "{s:{}, s:{}}" : "{s:{}}", "section sizes", "memory")
               : kind == KIND_BUILTIN ? json_string("") : json_object();
    json_t *info = json_pack("{s:s, s:I, s:I, s:I, s:i, s:O?, s:O}", "idstr", idstr, "id", (json_int_t)*id, "instance", (json_int_t)instance,
                             "version", (json_int_t)version, "kind", kind, "desc", desc, "qemu", qv);
    char key[16];
    snprintf(key, sizeof(key), "%u", *id);
    json_object_set_new(p->ids, key, info);
    if (p->opts->format == VT_FORMAT_QEMU) {
        qemu_slot(p, *id, idstr, qv);
    } else {
        json_decref(qv);
    }
    return info;
}

static int section(vt_parse *p, int type, uint64_t at)
{
    vt_reader *r = p->r;
    uint32_t id;
    json_t *info;
    if (type == SEC_START || type == SEC_FULL) {
        info = section_start(p, type, at, &id);
        if (!info) {
            return -1;
        }
    } else {
        id = vt_be32(r, "section id");
        char key[16];
        snprintf(key, sizeof(key), "%u", id);
        info = json_object_get(p->ids, key);
        if (r->failed) {
            return -1;
        }
        if (!info) {
            return vt_fail(r, at, "%s section for section id %u, which no START section opened",
                           type_names[type], id);
        }
    }
    const char *idstr = json_string_value(json_object_get(info, "idstr"));
    json_t *rec = json_pack("{s:s, s:s, s:I, s:I, s:s, s:O, s:O}", "record", "section", "type", type_names[type],
                            "offset", (json_int_t)at, "section_id", (json_int_t)id, "idstr", idstr,
                            "instance_id", json_object_get(info, "instance"), "version",
                            json_object_get(info, "version"));
    json_t *desc = json_object_get(info, "desc");
    if (json_is_string(json_object_get(desc, "vmsd_name"))) {
        json_object_set(rec, "vmsd_name", json_object_get(desc, "vmsd_name"));
    }
    json_array_append_new(p->records, rec);
    if (payload(p, info, rec) < 0 || footer(p, id) < 0) {
        return note_section(p, idstr, id);
    }
    json_object_set_new(rec, "size", json_integer((json_int_t)(vt_offset(r) - at)));
    return 0;
}

/* After EOF: nothing, or 0x06 + be32 length + the JSON text, ending the stream. */
static int trailer(vt_parse *p)
{
    vt_reader *r = p->r;
    uint64_t at = vt_offset(r);
    if (vt_at_eof(r)) {
        return r->failed ? -1 : vt_pending_decode(p);
    }
    uint8_t b = vt_u8(r, "vmdesc marker");
    if (b != SEC_VMDESC) {
        return vt_fail(r, at, "expected the vmdesc marker 0x06 or the end after EOF, got 0x%02x", b);
    }
    uint32_t len = vt_be32(r, "vmdesc length");
    if (!r->failed && len > VT_VMDESC_MAX) {
        return vt_fail(r, at + 1, "vmdesc length %u exceeds the %u-byte limit", len, VT_VMDESC_MAX);
    }
    uint8_t *text = vt_read_alloc(r, len, "vmdesc");
    if (!text) {
        return -1;
    }
    json_error_t e;
    json_t *d = json_loadb((const char *)text, len, 0, &e);
    free(text);
    if (!d) {
        return vt_fail(r, at + 5 + (uint64_t)e.position, "the vmdesc is not valid JSON: %s", e.text);
    }
    p->trailer = json_pack("{s:I, s:I}", "offset", (json_int_t)at, "size", (json_int_t)len);
    if (!vt_at_eof(r)) {
        json_decref(d);
        return vt_fail(r, vt_offset(r), "%s after the vmdesc: expected the end of the stream",
                       r->failed ? "read error" : "bytes");
    }
    if (p->vmdesc_off != UINT64_MAX && p->vmdesc_off != at) {
        json_decref(d);
        return vt_fail(r, at, "the vmdesc found at the end starts at 0x%llx, not here",
                       (unsigned long long)p->vmdesc_off);
    }
    if (!p->vmdesc) {
        if (vt_vmdesc_use(p, d, at + 5) < 0) {
            return -1;
        }
    } else {
        json_decref(d);
    }
    return vt_pending_decode(p);
}

int vt_parse_stream(vt_parse *p)
{
    vt_reader *r = p->r;
    p->vmdesc_off = UINT64_MAX;
    p->footers = -1;
    p->page_size = 4096;
    p->ids = json_object();
    p->records = json_array();
    p->qemu_sections = json_object();
    if (p->opts->schema) {
        if (vt_vmdesc_load_file(p, p->opts->schema) < 0) {
            return -2;
        }
    } else if (r->seekable && (r->fd >= 0 || r->mem) && vt_vmdesc_find(p) < 0) {
        return -1;
    }
    if (header(p) < 0) {
        return -1;
    }
    if (p->opts->desc && p->vmdesc && !p->opts->extract) {
        return 0; /* like analyze-migration.py -d desc: the header and the vmdesc are all it reads */
    }
    for (;;) {
        uint64_t at = vt_offset(r);
        int type = vt_u8(r, "section type");
        if (r->failed) {
            return -1;
        }
        int rc;
        switch (type) {
        case SEC_EOF:
            p->eof_off = at;
            return trailer(p);
        case SEC_START: case SEC_PART: case SEC_END: case SEC_FULL:
            rc = section(p, type, at);
            break;
        case SEC_CONFIG:
            rc = configuration(p, at);
            break;
        case SEC_COMMAND:
            rc = command(p, at);
            break;
        default:
            rc = vt_fail(r, at, "unknown section type 0x%02x (expected EOF 00, START 01, PART 02, END 03, "
                         "FULL 04, CONFIGURATION 07 or COMMAND 08)", type);
            break;
        }
        if (rc < 0) {
            return -1;
        }
    }
}

void vt_parse_clear(vt_parse *p)
{
    json_decref(p->vmdesc);
    json_decref(p->ids);
    json_decref(p->records);
    json_decref(p->qemu_sections);
    json_decref(p->trailer);
    json_decref(p->extracted);
    vt_ram_free(p->ram);
    vt_live_free(p);
    vt_pending_free(p);
    free(p->pending);
    memset(p, 0, sizeof(*p));
}
