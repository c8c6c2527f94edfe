/* registry.c: the sections of a machine (idstr, instance, description, device). */
#include <stdlib.h>
#include <string.h>

#include "registry_private.h"

vms_registry_t *vms_registry_new(const char *machine_name)
{
    vms_registry_t *r;

    if (!machine_name || strlen(machine_name) > VMSP_NAME_MAX)
        return NULL; /* a longer name would not load back: loaders take 255 bytes */
    r = calloc(1, sizeof(*r));
    if (!r)
        return NULL;
    r->machine = strdup(machine_name);
    if (!r->machine) {
        free(r);
        return NULL;
    }
    r->page_size = 4096;
    return r;
}

void vms_registry_free(vms_registry_t *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->n; i++)
        vmsp_json_clear(&r->entries[i].chunks.vmdesc);
    free(r->entries);
    free(r->machine);
    free(r);
}

void vms_registry_set_flags(vms_registry_t *r, unsigned flags)
{
    if (r)
        r->flags = flags;
}

void vms_registry_set_page_size(vms_registry_t *r, uint32_t page_size)
{
    if (r)
        r->page_size = page_size;
}

struct vmsp_entry *vmsp_registry_find(const vms_registry_t *r, const char *idstr,
                                      uint32_t instance)
{
    for (size_t i = 0; i < r->n; i++)
        if (r->entries[i].instance == instance && strcmp(r->entries[i].idstr, idstr) == 0)
            return &r->entries[i];
    return NULL;
}

/* QEMU numbers VMSTATE_INSTANCE_ID_ANY registrations one above the highest in use. */
static uint32_t next_instance(const vms_registry_t *r, const char *idstr)
{
    uint32_t next = 0;

    for (size_t i = 0; i < r->n; i++)
        if (strcmp(r->entries[i].idstr, idstr) == 0 && r->entries[i].instance >= next)
            next = r->entries[i].instance + 1;
    return next;
}

static int grow(vms_registry_t *r)
{
    size_t cap = r->cap ? r->cap * 2 : 16;
    struct vmsp_entry *ne;

    if (r->n < r->cap)
        return 0;
    ne = realloc(r->entries, cap * sizeof(*ne));
    if (!ne)
        return VMS_ERR_NOMEM;
    r->entries = ne;
    r->cap = cap;
    return 0;
}

/* Claims the next entry for @idstr / @instance (VMS_INSTANCE_ANY numbers it); 0 or VMS_ERR_*. */
static int add_entry(vms_registry_t *r, const char *idstr, uint32_t instance,
                     struct vmsp_entry **out)
{
    struct vmsp_entry *e;
    size_t len = strlen(idstr);

    if (len == 0 || len > VMS_IDSTR_MAX)
        return VMS_ERR_INVAL;
    if (instance == VMS_INSTANCE_ANY) {
        instance = next_instance(r, idstr);
        if (instance == VMS_INSTANCE_ANY)
            return VMS_ERR_RANGE; /* UINT32_MAX - 1 is taken: no number left */
    } else if (vmsp_registry_find(r, idstr, instance)) {
        return VMS_ERR_EXISTS;
    }
    if (grow(r))
        return VMS_ERR_NOMEM;
    e = &r->entries[r->n];
    memset(e, 0, sizeof(*e));
    memcpy(e->idstr, idstr, len + 1);
    e->instance = instance;
    e->section_id = (uint32_t)r->n;
    r->n++;
    *out = e;
    return 0;
}

int vms_register(vms_registry_t *r, const char *idstr, uint32_t instance,
                 const struct vms_desc *d, void *opaque)
{
    struct vmsp_entry *e;
    int ret;

    if (!r || !idstr || !d)
        return VMS_ERR_INVAL;
    if (vms_desc_validate(d, NULL))
        return VMS_ERR_INVAL;
    ret = add_entry(r, idstr, instance, &e);
    if (ret)
        return ret;
    e->desc = d;
    e->version = d->version;
    e->opaque = opaque;
    return 0;
}

int vms_register_live(vms_registry_t *r, const char *idstr, uint32_t instance, int version,
                      const struct vms_live_ops *ops, void *opaque)
{
    struct vmsp_entry *e;
    int ret;

    if (!r || !idstr || !ops || version < 0)
        return VMS_ERR_INVAL;
    if (ops->live) {
        /* VMS_LIVE: the runtime runs the table; handlers beside it would be ignored */
        if (ops->save_setup || ops->pending || ops->save_iterate || ops->save_complete ||
            ops->save_state || ops->save_cleanup || ops->is_active || ops->is_active_iterate ||
            ops->load_setup || ops->load_state || ops->load_cleanup ||
            ops->switchover_ack_needed || vms_live_desc_validate(ops->live, NULL) ||
            version != ops->live->state->version)
            return VMS_ERR_INVAL;
    } else if (!ops->save_setup && !ops->save_iterate && !ops->save_complete &&
               !ops->save_state && !ops->load_state) {
        return VMS_ERR_INVAL; /* nothing to save and nothing to load */
    }
    ret = add_entry(r, idstr, instance, &e);
    if (ret)
        return ret;
    e->live = ops;
    e->version = version;
    e->opaque = opaque;
    return 0;
}

uint64_t vms_registry_device_bytes(const vms_registry_t *r, const char *idstr, uint32_t instance)
{
    const struct vmsp_entry *e = r && idstr ? vmsp_registry_find(r, idstr, instance) : NULL;

    return e ? e->bytes : 0;
}
