/* savevm.c: whole-machine streams: header, configuration, sections, footers, EOF, vmdesc. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "registry_private.h"

#define VM_FILE_MAGIC 0x5145564du /* "QEVM" */
#define VM_FILE_VERSION 3u
#define VM_FILE_VERSION_COMPAT 2u


/* Errors at the stream's current offset, outside any description. */
int vmsp_stream_err(vms_stream_t *s, vms_error_t *err, int code, const char *path,
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

    if (vmsp_entry_priority(x) != vmsp_entry_priority(y))
        return vmsp_entry_priority(x) > vmsp_entry_priority(y) ? -1 : 1;
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
    vms_put_u8(s, VMSP_SEC_CONFIGURATION);
    vms_put_be32(s, (uint32_t)len);
    vms_put_buffer(s, r->machine, len);
}

void vmsp_section_header(vms_stream_t *s, const struct vmsp_entry *e, uint8_t type)
{
    vms_put_u8(s, type);
    vms_put_be32(s, e->section_id);
    if (type == VMSP_SEC_START || type == VMSP_SEC_FULL) {
        size_t len = strlen(e->idstr);

        vms_put_u8(s, (uint8_t)len);
        vms_put_buffer(s, e->idstr, len);
        vms_put_be32(s, e->instance);
        vms_put_be32(s, (uint32_t)e->version);
    }
}

void vmsp_section_footer(vms_stream_t *s, const struct vmsp_entry *e)
{
    vms_put_u8(s, VMSP_SEC_FOOTER);
    vms_put_be32(s, e->section_id);
}

/* A FULL section: a described device, or a legacy live one (save_state). */
static int save_section(vms_stream_t *s, struct vmsp_entry *e, struct vmsp_json *j,
                        vms_error_t *err)
{
    uint64_t start = vms_stream_offset(s);
    int ret;

    vmsp_json_start_object(j, NULL);
    vmsp_json_str(j, "name", e->idstr);
    vmsp_json_int(j, "instance_id", e->instance);
    vmsp_section_header(s, e, VMSP_SEC_FULL);
    if (e->desc)
        ret = vmsp_save_desc(s, e->desc, e->opaque, e->desc->version, j, err);
    else
        ret = vmsp_live_save_state(e, s, j, err);
    if (ret)
        return ret;
    vmsp_section_footer(s, e);
    vmsp_json_end_object(j);
    e->bytes += vms_stream_offset(s) - start;
    return vms_stream_error(s, err);
}

/* Whether @e gets a FULL section now (needed descriptions, legacy live devices). */
static bool sends_full(const struct vmsp_entry *e)
{
    if (e->desc)
        return !e->desc->needed || e->desc->needed(e->opaque, e->desc->version);
    return e->live->save_state && (!e->live->is_active || e->live->is_active(e->opaque));
}

static int save_trailer(vms_stream_t *s, struct vmsp_json *j, vms_error_t *err)
{
    vmsp_json_end_array(j);
    vmsp_json_end_object(j);
    if (j->failed)
        return vmsp_stream_err(s, err, VMS_ERR_NOMEM, NULL, "out of memory building the vmdesc");
    if (j->len > UINT32_MAX)
        return vmsp_stream_err(s, err, VMS_ERR_RANGE, NULL, "vmdesc larger than 4 GiB");
    vms_put_u8(s, VMSP_SEC_EOF);
    vms_put_u8(s, VMSP_SEC_VMDESC);
    vms_put_be32(s, (uint32_t)j->len);
    vms_put_buffer(s, j->buf, j->len);
    return vms_stream_error(s, err);
}

static int check_savable(vms_registry_t *r, vms_stream_t *s, vms_error_t *err)
{
    if (strlen(r->machine) > UINT32_MAX)
        return vmsp_stream_err(s, err, VMS_ERR_INVAL, NULL, "machine name too long");
    for (size_t i = 0; i < r->n; i++)
        if (r->entries[i].desc && r->entries[i].desc->unmigratable)
            return vmsp_stream_err(s, err, VMS_ERR_UNMIGRATABLE, r->entries[i].idstr,
                              "device '%s' (instance %" PRIu32 ") is not migratable",
                              r->entries[i].desc->name, r->entries[i].instance);
    return vms_stream_error(s, err);
}

int vmsp_save_begin(vms_registry_t *r, vms_stream_t *s, struct vmsp_entry ***order,
                    vms_error_t *err)
{
    int ret = check_savable(r, s, err);

    if (ret)
        return ret;
    for (size_t i = 0; i < r->n; i++)
        r->entries[i].bytes = 0;
    *order = save_order(r);
    if (!*order)
        return vmsp_stream_err(s, err, VMS_ERR_NOMEM, NULL, "out of memory");
    save_header(r, s);
    return vms_stream_error(s, err);
}

int vmsp_save_finish(vms_registry_t *r, struct vmsp_entry **order, vms_stream_t *s,
                     vms_error_t *err)
{
    struct vmsp_json j;
    int ret = 0;

    vmsp_json_init(&j);
    vmsp_json_start_object(&j, NULL);
    vmsp_json_int(&j, "page_size", r->page_size);
    vmsp_json_start_array(&j, "devices");
    for (size_t i = 0; i < r->n && ret == 0; i++) {
        if (sends_full(order[i]))
            ret = save_section(s, order[i], &j, err);
        else if (order[i]->live && order[i]->live->live && order[i]->chunks.vmdesc.len)
            vmsp_json_raw(&j, &order[i]->chunks.vmdesc); /* its END section wrote one */
    }
    if (ret == 0)
        ret = save_trailer(s, &j, err);
    vmsp_json_clear(&j);
    return ret;
}

int vms_save_all(vms_registry_t *r, vms_stream_t *s, vms_error_t *err)
{
    struct vmsp_entry **order = NULL;
    int ret;

    if (!r || !s)
        return vms_error_set(err, VMS_ERR_INVAL, 0, -1, NULL, "NULL registry or stream");
    ret = vmsp_save_begin(r, s, &order, err);
    if (ret) {
        free(order);
        return ret;
    }
    /* live devices as in a snapshot: setup, iterations until all are done, completion */
    ret = vmsp_live_setup(order, r->n, s, err);
    while (ret == 0)
        ret = vmsp_live_iterate(order, r->n, s, err);
    if (ret > 0)
        ret = vmsp_live_complete(order, r->n, s, err);
    if (ret == 0)
        ret = vmsp_save_finish(r, order, s, err);
    vmsp_live_cleanup(order, r->n);
    free(order);
    return ret;
}

/* ---- load ---- */

struct loader {
    vms_registry_t *r;
    vms_stream_t *s;
    vms_error_t *err;
    uint32_t *ids;          /* section ids seen, to refuse reuse */
    struct vmsp_entry **id_entries; /* the entry each of @ids opened */
    size_t n_ids;
    struct vmsp_txn *txn;   /* VMS_LOAD_ATOMIC: every section loads into it */
    struct vmsp_incoming *inc; /* vms_incoming(): the commands of a live migration */
};

#define LERR(l, code, ...) vmsp_stream_err((l)->s, (l)->err, code, NULL, __VA_ARGS__)

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

        if (got < 2 || hdr[0] != VMSP_SEC_SUBSECTION || hdr[1] < sizeof(parent))
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

    if (vms_get_u8(l->s) != VMSP_SEC_CONFIGURATION)
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
    if (mark != VMSP_SEC_FOOTER)
        return vmsp_stream_err(l->s, l->err, VMS_ERR_FORMAT, e->idstr,
                          "missing section footer (got 0x%02x, expected 0x7e)", mark);
    got = vms_get_be32(l->s);
    if (vmsp_stream_failed(l->s))
        return LERR(l, VMS_ERR_EOF, "truncated section footer");
    if (got != id)
        return vmsp_stream_err(l->s, l->err, VMS_ERR_FORMAT, e->idstr,
                          "section footer names id %" PRIu32 ", expected %" PRIu32, got, id);
    return 0;
}

/* The entry whose START or FULL section used @id, or NULL (none yet). */
static struct vmsp_entry *id_entry(const struct loader *l, uint32_t id, bool *seen)
{
    for (size_t i = 0; i < l->n_ids; i++) {
        if (l->ids[i] == id) {
            *seen = true;
            return l->id_entries[i];
        }
    }
    *seen = false;
    return NULL;
}

/* The payload of a START or FULL section for @e at @version. */
static int load_payload(struct loader *l, struct vmsp_entry *e, uint8_t type, int version)
{
    if (e->desc) {
        if (type == VMSP_SEC_START)
            return vmsp_stream_err(l->s, l->err, VMS_ERR_FORMAT, e->idstr,
                                   "live (START) section for '%s', a device registered with a "
                                   "description", e->idstr);
        return vmsp_load_desc(l->s, e->desc, e->opaque, version, e->idstr, l->txn, l->err);
    }
    if (version > e->version)
        return vmsp_stream_err(l->s, l->err, VMS_ERR_VERSION, e->idstr,
                               "section version %d is newer than %d", version, e->version);
    if (type == VMSP_SEC_START) {
        e->started = true;
        e->load_version = version;
    }
    return vmsp_live_load_section(e, l->s, type, version, l->err);
}

static int load_full(struct loader *l, uint8_t type)
{
    uint32_t id = vms_get_be32(l->s), instance, version;
    char idstr[VMS_IDSTR_MAX + 1];
    uint8_t len = vms_get_u8(l->s);
    struct vmsp_entry *e;
    bool seen;
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
    if (e->loaded || e->started)
        return vmsp_stream_err(l->s, l->err, VMS_ERR_EXISTS, idstr, "section '%s' instance %"
                               PRIu32 " appears twice", idstr, instance);
    id_entry(l, id, &seen);
    if (seen)
        return LERR(l, VMS_ERR_EXISTS, "section id %" PRIu32 " reused by '%s'", id, idstr);
    l->ids[l->n_ids] = id;
    l->id_entries[l->n_ids++] = e;
    if (version > INT32_MAX)
        return vmsp_stream_err(l->s, l->err, VMS_ERR_VERSION, idstr, "invalid version %" PRIu32,
                               version);
    ret = load_payload(l, e, type, (int)version);
    if (ret)
        return ret;
    e->loaded = type == VMSP_SEC_FULL;
    return load_footer(l, e, id);
}

/* PART or END: the next piece of a live device that sent START. */
static int load_part(struct loader *l, uint8_t type)
{
    const char *what = type == VMSP_SEC_PART ? "PART" : "END";
    uint32_t id = vms_get_be32(l->s);
    struct vmsp_entry *e;
    bool seen;
    int ret;

    if (vmsp_stream_failed(l->s))
        return LERR(l, VMS_ERR_EOF, "truncated section header");
    e = id_entry(l, id, &seen);
    if (!seen)
        return LERR(l, VMS_ERR_NOENT, "%s for unknown section id %" PRIu32, what, id);
    if (!e->started || e->loaded)
        return LERR(l, VMS_ERR_FORMAT, "%s for %s section id %" PRIu32 " ('%s')", what,
                    e->loaded ? "finished" : "non-live", id, e->idstr);
    ret = vmsp_live_load_section(e, l->s, type, e->load_version, l->err);
    if (ret)
        return ret;
    if (type == VMSP_SEC_END)
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
        if (l->inc) {
            uint8_t data[4] = {0};

            vms_get_buffer(l->s, data, len); /* len is 0 or 4: checked above */
            if (vmsp_stream_failed(l->s))
                return LERR(l, VMS_ERR_EOF, "truncated command");
            return l->inc->command(l->inc, cmd, data, len, l->err);
        }
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
    if (vms_get_u8(l->s) != VMSP_SEC_VMDESC)
        return LERR(l, VMS_ERR_FORMAT, "expected the vmdesc trailer (0x06) after EOF");
    len = vms_get_be32(l->s);
    vms_stream_skip(l->s, len);
    if (vmsp_stream_failed(l->s))
        return LERR(l, VMS_ERR_EOF, "truncated vmdesc trailer");
    return 0;
}

static int check_missing(struct loader *l)
{
    for (size_t i = 0; i < l->r->n; i++) {
        const struct vmsp_entry *e = &l->r->entries[i];

        if (e->started && !e->loaded)
            return vms_error_set(l->err, VMS_ERR_FORMAT, 0, (int64_t)vms_stream_offset(l->s),
                                 e->idstr, "live section '%s' instance %" PRIu32
                                 " started but never ended", e->idstr, e->instance);
    }
    if (l->r->flags & VMS_LOAD_ALLOW_MISSING)
        return 0;
    for (size_t i = 0; i < l->r->n; i++) {
        const struct vmsp_entry *e = &l->r->entries[i];

        /* live devices may be inactive on the source, which then sends nothing */
        if (e->desc && !e->loaded && !e->desc->needed)
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
        case VMSP_SEC_EOF:
            return 0;
        case VMSP_SEC_START:
        case VMSP_SEC_FULL:
            ret = load_full(l, type);
            break;
        case VMSP_SEC_PART:
        case VMSP_SEC_END:
            ret = load_part(l, type);
            break;
        case VMSP_SEC_COMMAND:
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
    return vmsp_load_stream(r, s, NULL, err);
}

int vmsp_load_stream(vms_registry_t *r, vms_stream_t *s, struct vmsp_incoming *inc,
                     vms_error_t *err)
{
    struct loader l = {.r = r, .s = s, .err = err, .inc = inc};
    int ret;

    if (!r || !s)
        return vms_error_set(err, VMS_ERR_INVAL, 0, -1, NULL, "NULL registry or stream");
    if (r->flags & ~(unsigned)(VMS_LOAD_ATOMIC | VMS_LOAD_ALLOW_MISSING | VMS_LOAD_ALLOW_NO_VMDESC))
        return vms_error_set(err, VMS_ERR_INVAL, 0, -1, NULL, "unknown load flags 0x%x", r->flags);
    for (size_t i = 0; i < r->n; i++) {
        r->entries[i].loaded = false;
        r->entries[i].started = false;
        r->entries[i].set_up = false;
    }
    l.ids = calloc(r->n ? r->n : 1, sizeof(*l.ids));
    l.id_entries = calloc(r->n ? r->n : 1, sizeof(*l.id_entries));
    if (l.ids && l.id_entries && (r->flags & VMS_LOAD_ATOMIC))
        l.txn = vmsp_txn_new();
    if (!l.ids || !l.id_entries || ((r->flags & VMS_LOAD_ATOMIC) && !l.txn)) {
        free(l.ids);
        free(l.id_entries);
        return vms_error_set(err, VMS_ERR_NOMEM, 0, -1, NULL, "out of memory");
    }
    ret = vms_stream_error(s, err);
    if (ret == 0)
        ret = vmsp_live_load_setup(r, err);
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
    vmsp_live_load_cleanup(r);
    free(l.ids);
    free(l.id_entries);
    return ret;
}
