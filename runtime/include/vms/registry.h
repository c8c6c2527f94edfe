/* vms/registry.h: a whole machine: sections, full streams with header, footers, EOF, vmdesc. */
#ifndef VMS_REGISTRY_H
#define VMS_REGISTRY_H

#include <stdint.h>

#include <vms/desc.h>
#include <vms/engine.h>
#include <vms/error.h>
#include <vms/live.h>
#include <vms/stream.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct vms_registry vms_registry_t;

/* Instance number meaning "the next free one for this idstr" (0, 1, ...). */
#define VMS_INSTANCE_ANY UINT32_MAX

/* Longest section idstr, in bytes (it travels with a u8 length). */
#define VMS_IDSTR_MAX 255

/*
 * A new, empty registry for machine @machine_name (sent in the configuration
 * section; copied). Returns NULL if out of memory or if the name is NULL or
 * longer than 255 bytes (the most a loader accepts).
 * Free with vms_registry_free().
 */
vms_registry_t *vms_registry_new(const char *machine_name);

/* Frees the registry (not the devices). NULL is fine. */
void vms_registry_free(vms_registry_t *r);

/*
 * Registers @opaque, described by @d, as section @idstr / @instance. @idstr
 * (1..VMS_IDSTR_MAX bytes) is copied; @d and @opaque are borrowed and must
 * outlive the registry. @instance may be VMS_INSTANCE_ANY. Returns 0,
 * VMS_ERR_INVAL (bad idstr, invalid table) or VMS_ERR_EXISTS (same idstr and
 * instance twice).
 */
int vms_register(vms_registry_t *r, const char *idstr, uint32_t instance,
                 const struct vms_desc *d, void *opaque);

/*
 * Registers a live device (vms/live.h) under @idstr / @instance with section
 * version @version (≥ 0; what START and FULL sections carry, and the
 * highest a load accepts). @ops must outlive the registry. Live devices are
 * saved in registration order among the priority-0 descriptions. Ops with
 * `.live` set (VMS_LIVE, vms_live_ops_<Struct>) are run by the runtime from
 * that table: they must set no handler, pass a valid table
 * (vms_live_desc_validate()) and @version equal to live->state->version.
 * Returns 0, VMS_ERR_INVAL (bad arguments, @ops with neither save nor load
 * handlers, or a VMS_LIVE rule broken), VMS_ERR_EXISTS, VMS_ERR_RANGE or
 * VMS_ERR_NOMEM.
 */
int vms_register_live(vms_registry_t *r, const char *idstr, uint32_t instance, int version,
                      const struct vms_live_ops *ops, void *opaque);

/*
 * VMS_LOAD_* flags for vms_load_all(). With VMS_LOAD_ATOMIC every section
 * loads into a scratch copy (as vms_load_flags() does) and all devices are
 * updated together only after EOF, the vmdesc trailer and the check for
 * missing sections passed; then the post_load hooks of the loaded sections
 * run in stream order. A failure anywhere leaves every device as it was.
 */
void vms_registry_set_flags(vms_registry_t *r, unsigned flags);

/*
 * Bytes the last vms_save_all() or vms_migrate() on @r wrote for the device
 * @idstr / @instance: its sections, headers and footers included (every
 * PART of a live device added up). 0 for an unknown device or one that sent
 * nothing.
 */
uint64_t vms_registry_device_bytes(const vms_registry_t *r, const char *idstr, uint32_t instance);

/* Target page size written in the vmdesc trailer (default 4096). */
void vms_registry_set_page_size(vms_registry_t *r, uint32_t page_size);

/*
 * Writes a whole stream: header, configuration section (machine name),
 * one FULL section with footer per registered device whose description is
 * needed (priority order, then registration order), EOF, then the JSON
 * vmdesc trailer. Fails with VMS_ERR_UNMIGRATABLE when an unmigratable device
 * is registered. Returns 0 or a negative VMS_ERR_*; does not flush or close @s.
 */
int vms_save_all(vms_registry_t *r, vms_stream_t *s, vms_error_t *err);

/*
 * Reads a whole stream written by vms_save_all() or by QEMU (device sections
 * only): checks header and configuration, matches sections by idstr and
 * instance, requires footers and EOF, and reports unknown, duplicate and
 * missing sections. Returns 0 or a negative VMS_ERR_* with the byte offset.
 */
int vms_load_all(vms_registry_t *r, vms_stream_t *s, vms_error_t *err);

#ifdef __cplusplus
}
#endif

#endif /* VMS_REGISTRY_H */
