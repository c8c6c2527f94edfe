/* registry_private.h: the registry's layout, shared by registry.c and savevm.c. */
#ifndef VMS_REGISTRY_PRIVATE_H
#define VMS_REGISTRY_PRIVATE_H

#include <stdatomic.h>

#include "vms_private.h"

/* The runtime's state for a VMS_LIVE device (live_chunks.c), inside its entry. */
struct vmsp_chunks {
    size_t member;           /* source: the next round's scan starts at this member ... */
    size_t chunk;            /* ... and chunk */
    bool state_seen;         /* destination: the END section's STATE record arrived */
    struct vmsp_json vmdesc; /* source: the device's vmdesc entry, written with STATE */
};

struct vmsp_entry {
    char idstr[VMS_IDSTR_MAX + 1];
    uint32_t instance;
    uint32_t section_id;   /* registration order, from 0 */
    const struct vms_desc *desc;      /* a described device, or NULL */
    const struct vms_live_ops *live;  /* a live device (vms_register_live), or NULL */
    int version;           /* the section version: desc->version, or the live registration's */
    void *opaque;
    bool loaded;           /* vms_load_all: its FULL or END section arrived */
    bool started;          /* vms_load_all: its START section arrived (live) */
    int load_version;      /* vms_load_all: the version its START section carried (live) */
    bool set_up;           /* load_setup ran (live): load_cleanup is due */
    uint64_t bytes;        /* the last save: bytes of its sections, headers and footers included */
    struct vmsp_chunks chunks; /* live->live (VMS_LIVE) devices only */
};

/* Section types and the footer mark (QEMU's QEMU_VM_*). */
enum {
    VMSP_SEC_EOF = 0x00,
    VMSP_SEC_START = 0x01,
    VMSP_SEC_PART = 0x02,
    VMSP_SEC_END = 0x03,
    VMSP_SEC_FULL = 0x04,
    VMSP_SEC_SUBSECTION = 0x05,
    VMSP_SEC_VMDESC = 0x06,
    VMSP_SEC_CONFIGURATION = 0x07,
    VMSP_SEC_COMMAND = 0x08,
    VMSP_SEC_FOOTER = 0x7e,
};

/* Save and load priority: a description's, 0 for live devices. */
static inline int vmsp_entry_priority(const struct vmsp_entry *e)
{
    return e->desc ? e->desc->priority : 0;
}

/*
 * Records an error at the stream's current offset (or, when the stream
 * already failed, the stream's own error) in @err and in the stream.
 * Returns @code (or the stream's code).
 */
int vmsp_stream_err(vms_stream_t *s, vms_error_t *err, int code, const char *path,
                    const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/*
 * A whole stream in two halves, for vms_save_all() and vms_migrate(): the
 * checks, the save order (*order, the caller frees it) and the header with
 * the configuration; then the FULL sections, EOF and the vmdesc trailer.
 */
int vmsp_save_begin(vms_registry_t *r, vms_stream_t *s, struct vmsp_entry ***order,
                    vms_error_t *err);
int vmsp_save_finish(vms_registry_t *r, struct vmsp_entry **order, vms_stream_t *s,
                     vms_error_t *err);

/*
 * What vms_incoming() adds to a load: the commands of a live migration.
 * @command gets OPEN_RETURN_PATH (1), PING (2) and SWITCHOVER_START (11)
 * with their data; it returns 0 or a negative VMS_ERR_* with @err filled.
 */
struct vmsp_incoming {
    int (*command)(struct vmsp_incoming *inc, uint16_t cmd, const uint8_t *data, uint16_t len,
                   vms_error_t *err);
};

/* vms_load_all() with @inc (NULL: plain) handling the commands. */
int vmsp_load_stream(vms_registry_t *r, vms_stream_t *s, struct vmsp_incoming *inc,
                     vms_error_t *err);

/* Writes a section header: type, id, and for START/FULL idstr, instance and version. */
void vmsp_section_header(vms_stream_t *s, const struct vmsp_entry *e, uint8_t type);
/* Writes a section footer. */
void vmsp_section_footer(vms_stream_t *s, const struct vmsp_entry *e);

/*
 * The source side of live devices (live.c), on @order (the entries in save
 * order, @n of them). Setup writes the START sections; one iteration a PART
 * section per active iterable device and returns 1 when all of them said
 * they were done, 0 when more is to come; completion writes the END
 * sections; cleanup calls save_cleanup. Pending sums the devices' pending().
 */
int vmsp_live_setup(struct vmsp_entry **order, size_t n, vms_stream_t *s, vms_error_t *err);
int vmsp_live_iterate(struct vmsp_entry **order, size_t n, vms_stream_t *s, vms_error_t *err);
int vmsp_live_complete(struct vmsp_entry **order, size_t n, vms_stream_t *s, vms_error_t *err);
void vmsp_live_cleanup(struct vmsp_entry **order, size_t n);
uint64_t vmsp_live_pending(struct vmsp_entry **order, size_t n, bool exact);

/* A legacy live device's FULL payload (save_state) and its vmdesc entry. */
int vmsp_live_save_state(struct vmsp_entry *e, vms_stream_t *s, struct vmsp_json *j,
                         vms_error_t *err);

/* The destination side: load_setup of every live device (stops at the first failure), and
   load_cleanup of those whose load_setup ran. */
int vmsp_live_load_setup(vms_registry_t *r, vms_error_t *err);
void vmsp_live_load_cleanup(vms_registry_t *r);

/* Calls a live device's load_state for one section (@type VMSP_SEC_*) and checks its outcome. */
int vmsp_live_load_section(struct vmsp_entry *e, vms_stream_t *s, uint8_t type, int version,
                           vms_error_t *err);

/*
 * VMS_LIVE devices (e->live->live set; live_chunks.c): the runtime's own
 * handlers. Setup sets every dirty bit and writes LAYOUT; an iteration sends
 * dirty chunks up to the rate limit (1: a whole round went out); completion
 * sends the rest, STATE, and keeps the vmdesc entry in e->chunks.vmdesc;
 * clear frees it. Load reads one section's records (@type VMSP_SEC_*).
 */
int vmsp_chunks_save_setup(struct vmsp_entry *e, vms_stream_t *s, vms_error_t *err);
int vmsp_chunks_save_iterate(struct vmsp_entry *e, vms_stream_t *s, vms_error_t *err);
int vmsp_chunks_save_complete(struct vmsp_entry *e, vms_stream_t *s, vms_error_t *err);
uint64_t vmsp_chunks_pending(struct vmsp_entry *e);
void vmsp_chunks_clear(struct vmsp_entry *e);
void vmsp_chunks_load_setup(struct vmsp_entry *e);
int vmsp_chunks_load(struct vmsp_entry *e, vms_stream_t *s, uint8_t type, int version,
                     vms_error_t *err);

struct vmsp_incoming_state;

struct vms_registry {
    atomic_bool cancelled;  /* vms_migrate_cancel() */
    struct vmsp_incoming_state *incoming; /* a vms_incoming() in progress, or NULL */
    char *machine;
    struct vmsp_entry *entries;
    size_t n, cap;
    unsigned flags;        /* VMS_LOAD_* */
    uint32_t page_size;
};

static inline bool vmsp_registry_cancelled(vms_registry_t *r)
{
    return atomic_load(&r->cancelled);
}

static inline void vmsp_registry_set_cancelled(vms_registry_t *r, bool on)
{
    atomic_store(&r->cancelled, on);
}

/* The entry registered as @idstr / @instance, or NULL. */
struct vmsp_entry *vmsp_registry_find(const vms_registry_t *r, const char *idstr,
                                      uint32_t instance);

#endif /* VMS_REGISTRY_PRIVATE_H */
