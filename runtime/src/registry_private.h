/* registry_private.h: the registry's layout, shared by registry.c and savevm.c. */
#ifndef VMS_REGISTRY_PRIVATE_H
#define VMS_REGISTRY_PRIVATE_H

#include "vms_private.h"

struct vmsp_entry {
    char idstr[VMS_IDSTR_MAX + 1];
    uint32_t instance;
    uint32_t section_id;   /* registration order, from 0 */
    const struct vms_desc *desc;
    void *opaque;
    bool loaded;           /* vms_load_all: its section arrived */
};

struct vms_registry {
    char *machine;
    struct vmsp_entry *entries;
    size_t n, cap;
    unsigned flags;        /* VMS_LOAD_* */
    uint32_t page_size;
};

/* The entry registered as @idstr / @instance, or NULL. */
struct vmsp_entry *vmsp_registry_find(vms_registry_t *r, const char *idstr, uint32_t instance);

#endif /* VMS_REGISTRY_PRIVATE_H */
