/* savevm.c: whole-machine streams: header, configuration, sections, footers, EOF, vmdesc. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "registry_private.h"

#define VM_FILE_MAGIC 0x5145564du /* "QEVM" */
#define VM_FILE_VERSION 3u
#define VM_FILE_VERSION_COMPAT 2u

enum {
    SEC_EOF = 0x00,
    SEC_START = 0x01,
    SEC_PART = 0x02,
    SEC_END = 0x03,
    SEC_FULL = 0x04,
    SEC_SUBSECTION = 0x05,
    SEC_VMDESC = 0x06,
    SEC_CONFIGURATION = 0x07,
    SEC_COMMAND = 0x08,
    SEC_FOOTER = 0x7e,
};

/* Errors at the stream's current offset, outside any description. */
static int stream_err(vms_stream_t *s, vms_error_t *err, int code, const char *path,
                      const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static int stream_err(vms_stream_t *s, vms_error_t *err, int code, const char *path,
                      const char *fmt, ...)
{
    char msg[VMS_ERROR_MESSAGE_MAX];
    va_list ap;

    if (vmsp_stream_failed(s)) {
        /* The stream broke first (end of stream, I/O): that is the real cause. */
        return vms_error_set(err, s->error.code, s->error.sys_errno, s->error.offset, path, "%s",
                             s->error.message);
    }
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    vms_error_set(err, code, 0, (int64_t)vms_stream_offset(s), path, "%s", msg);
    vms_stream_set_error(s, code, 0, "%s", msg);
    return code;
}

/* ---- save ---- */

static int cmp_entries(const void *a, const void *b)
{
    const struct vmsp_entry *x = *(const struct vmsp_entry *const *)a;
    const struct vmsp_entry *y = *(const struct vmsp_entry *const *)b;

    if (x->desc->priority != y->desc->priority)
        return x->desc->priority > y->desc->priority ? -1 : 1;
    return x->section_id < y->section_id ? -1 : x->section_id > y->section_id;
}

/* Entries in save order: priority (higher first), then registration order. */
static struct vmsp_entry **save_order(vms_registry_t *r)
{
    struct vmsp_entry **order = calloc(r->n ? r->n : 1, sizeof(*order));

    if (!order)
        return NULL;
    for (size_t i = 0; i < r->n; i++)
        order[i] = &r->entries[i];
    qsort(order, r->n, sizeof(*order), cmp_entries);
    return order;
}

static void save_header(vms_registry_t *r, vms_stream_t *s)
{
    size_t len = strlen(r->machine);

    vms_put_be32(s, VM_FILE_MAGIC);
    vms_put_be32(s, VM_FILE_VERSION);
    vms_put_u8(s, SEC_CONFIGURATION);
    vms_put_be32(s, (uint32_t)len);
    vms_put_buffer(s, r->machine, len);
}

static int save_section(vms_stream_t *s, const struct vmsp_entry *e, struct vmsp_json *j,
                        vms_error_t *err)
{
    size_t len = strlen(e->idstr);
    int ret;

    vmsp_json_start_object(j, NULL);
    vmsp_json_str(j, "name", e->idstr);
    vmsp_json_int(j, "instance_id", e->instance);
    vms_put_u8(s, SEC_FULL);
    vms_put_be32(s, e->section_id);
    vms_put_u8(s, (uint8_t)len);
    vms_put_buffer(s, e->idstr, len);
    vms_put_be32(s, e->instance);
    vms_put_be32(s, (uint32_t)e->desc->version);
    ret = vmsp_save_desc(s, e->desc, e->opaque, e->desc->version, j, err);
    if (ret)
        return ret;
    vms_put_u8(s, SEC_FOOTER);
    vms_put_be32(s, e->section_id);
    vmsp_json_end_object(j);
    return vms_stream_error(s, err);
}

static int save_trailer(vms_stream_t *s, struct vmsp_json *j, vms_error_t *err)
{
    vmsp_json_end_array(j);
    vmsp_json_end_object(j);
    if (j->failed)
        return stream_err(s, err, VMS_ERR_NOMEM, NULL, "out of memory building the vmdesc");
    if (j->len > UINT32_MAX)
        return stream_err(s, err, VMS_ERR_RANGE, NULL, "vmdesc larger than 4 GiB");
    vms_put_u8(s, SEC_EOF);
    vms_put_u8(s, SEC_VMDESC);
    vms_put_be32(s, (uint32_t)j->len);
    vms_put_buffer(s, j->buf, j->len);
    return vms_stream_error(s, err);
}

static int check_savable(vms_registry_t *r, vms_stream_t *s, vms_error_t *err)
{
    if (strlen(r->machine) > UINT32_MAX)
        return stream_err(s, err, VMS_ERR_INVAL, NULL, "machine name too long");
    for (size_t i = 0; i < r->n; i++)
        if (r->entries[i].desc->unmigratable)
            return stream_err(s, err, VMS_ERR_UNMIGRATABLE, r->entries[i].idstr,
                              "device '%s' (instance %" PRIu32 ") is not migratable",
                              r->entries[i].desc->name, r->entries[i].instance);
    return vms_stream_error(s, err);
}

int vms_save_all(vms_registry_t *r, vms_stream_t *s, vms_error_t *err)
{
    struct vmsp_entry **order;
    struct vmsp_json j;
    int ret;

    if (!r || !s)
        return vms_error_set(err, VMS_ERR_INVAL, 0, -1, NULL, "NULL registry or stream");
    ret = check_savable(r, s, err);
    if (ret)
        return ret;
    order = save_order(r);
    if (!order)
        return stream_err(s, err, VMS_ERR_NOMEM, NULL, "out of memory");
    vmsp_json_init(&j);
    vmsp_json_start_object(&j, NULL);
    vmsp_json_int(&j, "page_size", r->page_size);
    vmsp_json_start_array(&j, "devices");
    save_header(r, s);
    for (size_t i = 0; i < r->n && ret == 0; i++) {
        const struct vmsp_entry *e = order[i];

        if (e->desc->needed && !e->desc->needed(e->opaque, e->desc->version))
            continue;
        ret = save_section(s, e, &j, err);
    }
    if (ret == 0)
        ret = save_trailer(s, &j, err);
    vmsp_json_clear(&j);
    free(order);
    return ret;
}

/* ---- load ---- */

struct loader {
    vms_registry_t *r;
    vms_stream_t *s;
    vms_error_t *err;
    uint32_t *ids;          /* section ids seen, to refuse reuse */
    size_t n_ids;
    struct vmsp_txn *txn;   /* VMS_LOAD_ATOMIC: every section loads into it */
};

#define LERR(l, code, ...) stream_err((l)->s, (l)->err, code, NULL, __VA_ARGS__)

static int load_header(struct loader *l)
{
    uint32_t magic = vms_get_be32(l->s);
    uint32_t version = vms_get_be32(l->s);

    if (vmsp_stream_failed(l->s))
        return LERR(l, VMS_ERR_EOF, "stream too short for a header");
    if (magic != VM_FILE_MAGIC)
        return LERR(l, VMS_ERR_FORMAT, "not a migration stream: magic 0x%08" PRIx32
                    " (expected 0x%08x \"QEVM\")", magic, VM_FILE_MAGIC);
    if (version == VM_FILE_VERSION_COMPAT)
        return LERR(l, VMS_ERR_VERSION, "stream version 2 is obsolete and not supported");
    if (version != VM_FILE_VERSION)
        return LERR(l, VMS_ERR_VERSION, "stream version %" PRIu32 " is not supported (expected 3)",
                    version);
    return 0;
}

/* Configuration subsections QEMU may send, in the order it sends them. */
static const char *const config_subsections[] = {
    "configuration/target-page-bits",
    "configuration/capabilities",
    "configuration/uuid",
};

static int load_config_subsection(struct loader *l, size_t which, const char *name)
{
    uint32_t v = vms_get_be32(l->s);

    if (vmsp_stream_failed(l->s))
        return LERR(l, VMS_ERR_EOF, "truncated subsection");
    if (v != 1)
        return LERR(l, VMS_ERR_VERSION, "%s: version %" PRIu32 " is not supported", name, v);
    if (which == 0) {
        uint32_t bits = vms_get_be32(l->s);
        if (!vmsp_stream_failed(l->s) &&
            (bits >= 32 || ((uint32_t)1 << bits) != l->r->page_size))
            return LERR(l, VMS_ERR_CHECK, "target page bits %" PRIu32
                        " do not match the local page size %" PRIu32, bits, l->r->page_size);
    } else if (which == 1) {
        uint32_t n = vms_get_be32(l->s);
        if (!vmsp_stream_failed(l->s) && n > 0)
            return LERR(l, VMS_ERR_UNSUPPORTED,
                        "stream requires %" PRIu32 " migration capabilities (x-ignore-shared, "
                        "mapped-ram), which this build does not support", n);
    } else {
        vms_stream_skip(l->s, 16); /* the uuid: only checked when QEMU's validate-uuid is on */
    }
    return vmsp_stream_failed(l->s) ? LERR(l, VMS_ERR_EOF, "truncated %s", name) : 0;
}

static int load_config_subsections(struct loader *l)
{
    static const char parent[] = "configuration";
    uint8_t hdr[2 + VMSP_NAME_MAX];
    char name[VMSP_NAME_MAX + 1];
    unsigned seen = 0;

    for (;;) {
        size_t got = vms_stream_peek(l->s, hdr, 2, 0), len, which;
        int ret;

        if (got < 2 || hdr[0] != SEC_SUBSECTION || hdr[1] < sizeof(parent))
            return vms_stream_error(l->s, l->err);
        len = hdr[1];
        if (vms_stream_peek(l->s, hdr, 2 + len, 0) < 2 + len)
            return LERR(l, VMS_ERR_EOF, "stream ends inside a subsection name");
        if (memcmp(hdr + 2, parent, sizeof(parent) - 1) != 0)
            return 0;
        memcpy(name, hdr + 2, len);
        name[len] = '\0';
        for (which = 0; which < VMS_COUNTOF(config_subsections); which++)
            if (strcmp(name, config_subsections[which]) == 0)
                break;
        if (which == VMS_COUNTOF(config_subsections))
            return LERR(l, VMS_ERR_NOENT, "subsection '%s' does not exist in 'configuration'",
                        name);
        if (seen & (1u << which))
            return LERR(l, VMS_ERR_EXISTS, "subsection '%s' appears twice", name);
        seen |= 1u << which;
        vms_stream_skip(l->s, 2 + len);
        ret = load_config_subsection(l, which, name);
        if (ret)
            return ret;
    }
}

static int load_configuration(struct loader *l)
{
    char name[VMSP_NAME_MAX + 1];
    uint32_t len;

    if (vms_get_u8(l->s) != SEC_CONFIGURATION)
        return LERR(l, VMS_ERR_FORMAT, "configuration section missing after the header");
    len = vms_get_be32(l->s);
    if (vmsp_stream_failed(l->s))
        return LERR(l, VMS_ERR_EOF, "truncated configuration");
    if (len > VMSP_NAME_MAX)
        return LERR(l, VMS_ERR_FORMAT, "machine name of %" PRIu32 " bytes is too long", len);
    vms_get_buffer(l->s, name, len);
    if (vmsp_stream_failed(l->s))
        return LERR(l, VMS_ERR_EOF, "truncated machine name");
    name[len] = '\0';
    if (memchr(name, '\0', len) || strncmp(name, l->r->machine, len) != 0)
        return LERR(l, VMS_ERR_CHECK, "machine type mismatch: stream has '%s', local is '%s'", name,
                    l->r->machine);
    return load_config_subsections(l);
}

static int load_footer(struct loader *l, const struct vmsp_entry *e, uint32_t id)
{
    uint8_t mark = vms_get_u8(l->s);
    uint32_t got;

    if (vmsp_stream_failed(l->s))
        return LERR(l, VMS_ERR_EOF, "truncated section");
    if (mark != SEC_FOOTER)
        return stream_err(l->s, l->err, VMS_ERR_FORMAT, e->idstr,
                          "missing section footer (got 0x%02x, expected 0x7e)", mark);
    got = vms_get_be32(l->s);
    if (vmsp_stream_failed(l->s))
        return LERR(l, VMS_ERR_EOF, "truncated section footer");
    if (got != id)
        return stream_err(l->s, l->err, VMS_ERR_FORMAT, e->idstr,
                          "section footer names id %" PRIu32 ", expected %" PRIu32, got, id);
    return 0;
}

static bool id_seen(const struct loader *l, uint32_t id)
{
    for (size_t i = 0; i < l->n_ids; i++)
        if (l->ids[i] == id)
            return true;
    return false;
}

static int load_full(struct loader *l, uint8_t type)
{
    uint32_t id = vms_get_be32(l->s), instance, version;
    char idstr[VMS_IDSTR_MAX + 1];
    uint8_t len = vms_get_u8(l->s);
    struct vmsp_entry *e;
    int ret;

    vms_get_buffer(l->s, idstr, len);
    idstr[len] = '\0';
    instance = vms_get_be32(l->s);
    version = vms_get_be32(l->s);
    if (vmsp_stream_failed(l->s))
        return LERR(l, VMS_ERR_EOF, "truncated section header");
    e = memchr(idstr, '\0', len) ? NULL : vmsp_registry_find(l->r, idstr, instance);
    if (!e)
        return LERR(l, VMS_ERR_NOENT, "unknown section '%s' instance %" PRIu32, idstr, instance);
    if (type == SEC_START)
        return stream_err(l->s, l->err, VMS_ERR_UNSUPPORTED, idstr,
                          "live (START) section for a device registered without live handlers");
    if (e->loaded)
        return stream_err(l->s, l->err, VMS_ERR_EXISTS, idstr, "section '%s' instance %" PRIu32
                          " appears twice", idstr, instance);
    if (id_seen(l, id))
        return LERR(l, VMS_ERR_EXISTS, "section id %" PRIu32 " reused by '%s'", id, idstr);
    l->ids[l->n_ids++] = id;
    if (version > INT32_MAX)
        return stream_err(l->s, l->err, VMS_ERR_VERSION, idstr, "invalid version %" PRIu32,
                          version);
    ret = vmsp_load_desc(l->s, e->desc, e->opaque, (int)version, e->idstr, l->txn, l->err);
    if (ret)
        return ret;
    e->loaded = true;
    return load_footer(l, e, id);
}

/* Commands QEMU may send in a precopy stream without a return path to answer them. */
static int load_command(struct loader *l)
{
    static const int16_t fixed_len[] = {-1, 0, 4, -1, 0, 0, -1, 4, 0, 0, -1, 0};
    uint16_t cmd = vms_get_be16(l->s), len = vms_get_be16(l->s);

    if (vmsp_stream_failed(l->s))
        return LERR(l, VMS_ERR_EOF, "truncated command");
    if (cmd == 0 || cmd >= sizeof(fixed_len) / sizeof(fixed_len[0]))
        return LERR(l, VMS_ERR_FORMAT, "invalid command %" PRIu16, cmd);
    if (fixed_len[cmd] >= 0 && len != fixed_len[cmd])
        return LERR(l, VMS_ERR_FORMAT, "command %" PRIu16 " has length %" PRIu16
                    ", expected %d", cmd, len, fixed_len[cmd]);
    switch (cmd) {
    case 1:  /* OPEN_RETURN_PATH */
    case 2:  /* PING */
    case 11: /* SWITCHOVER_START */
        vms_stream_skip(l->s, len);
        return vms_stream_error(l->s, l->err);
    default: /* postcopy, PACKAGED, COLO, bitmap recovery */
        return LERR(l, VMS_ERR_UNSUPPORTED, "command %" PRIu16
                    " (postcopy, packaged or COLO) is not supported", cmd);
    }
}

static int load_trailer(struct loader *l)
{
    uint32_t len;

    if (l->r->flags & VMS_LOAD_ALLOW_NO_VMDESC) {
        uint8_t b;
        if (vms_stream_peek(l->s, &b, 1, 0) == 0)
            return vms_stream_error(l->s, l->err);
    }
    if (vms_get_u8(l->s) != SEC_VMDESC)
        return LERR(l, VMS_ERR_FORMAT, "expected the vmdesc trailer (0x06) after EOF");
    len = vms_get_be32(l->s);
    vms_stream_skip(l->s, len);
    if (vmsp_stream_failed(l->s))
        return LERR(l, VMS_ERR_EOF, "truncated vmdesc trailer");
    return 0;
}

static int check_missing(struct loader *l)
{
    if (l->r->flags & VMS_LOAD_ALLOW_MISSING)
        return 0;
    for (size_t i = 0; i < l->r->n; i++) {
        const struct vmsp_entry *e = &l->r->entries[i];
        if (!e->loaded && !e->desc->needed)
            return vms_error_set(l->err, VMS_ERR_MISSING, 0, (int64_t)vms_stream_offset(l->s),
                                 e->idstr, "section '%s' instance %" PRIu32
                                 " is missing from the stream", e->idstr, e->instance);
    }
    return 0;
}

static int load_sections(struct loader *l)
{
    for (;;) {
        uint8_t type = vms_get_u8(l->s);
        int ret;

        if (vmsp_stream_failed(l->s))
            return LERR(l, VMS_ERR_EOF, "stream ends before EOF marker");
        switch (type) {
        case SEC_EOF:
            return 0;
        case SEC_START:
        case SEC_FULL:
            ret = load_full(l, type);
            break;
        case SEC_PART:
        case SEC_END: {
            uint32_t id = vms_get_be32(l->s);
            ret = LERR(l, id_seen(l, id) ? VMS_ERR_FORMAT : VMS_ERR_NOENT,
                       "%s for %s section id %" PRIu32, type == SEC_PART ? "PART" : "END",
                       id_seen(l, id) ? "finished" : "unknown", id);
            break;
        }
        case SEC_COMMAND:
            ret = load_command(l);
            break;
        default:
            ret = LERR(l, VMS_ERR_FORMAT, "unknown section type 0x%02x", type);
        }
        if (ret)
            return ret;
    }
}

int vms_load_all(vms_registry_t *r, vms_stream_t *s, vms_error_t *err)
{
    struct loader l = {.r = r, .s = s, .err = err};
    int ret;

    if (!r || !s)
        return vms_error_set(err, VMS_ERR_INVAL, 0, -1, NULL, "NULL registry or stream");
    if (r->flags & ~(unsigned)(VMS_LOAD_ATOMIC | VMS_LOAD_ALLOW_MISSING | VMS_LOAD_ALLOW_NO_VMDESC))
        return vms_error_set(err, VMS_ERR_INVAL, 0, -1, NULL, "unknown load flags 0x%x", r->flags);
    for (size_t i = 0; i < r->n; i++)
        r->entries[i].loaded = false;
    l.ids = calloc(r->n ? r->n : 1, sizeof(*l.ids));
    if (l.ids && (r->flags & VMS_LOAD_ATOMIC))
        l.txn = vmsp_txn_new();
    if (!l.ids || ((r->flags & VMS_LOAD_ATOMIC) && !l.txn)) {
        free(l.ids);
        return vms_error_set(err, VMS_ERR_NOMEM, 0, -1, NULL, "out of memory");
    }
    ret = vms_stream_error(s, err);
    if (ret == 0)
        ret = load_header(&l);
    if (ret == 0)
        ret = load_configuration(&l);
    if (ret == 0)
        ret = load_sections(&l);
    if (ret == 0)
        ret = load_trailer(&l);
    if (ret == 0)
        ret = check_missing(&l);
    /* Atomic: devices change only now, all together, and post_load follows in stream order. */
    if (l.txn && ret == 0)
        ret = vmsp_txn_commit(l.txn, s, err);
    else
        vmsp_txn_abort(l.txn);
    free(l.ids);
    return ret;
}
