/* vms/engine.h: saving and loading one description (no section framing). */
#ifndef VMS_ENGINE_H
#define VMS_ENGINE_H

#include <vms/desc.h>
#include <vms/error.h>
#include <vms/stream.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Load flags (vms_load_flags(), vms_registry_set_flags()). */
#define VMS_LOAD_ATOMIC 0x01u        /* commit only a fully loaded section (or whole stream) */
#define VMS_LOAD_ALLOW_MISSING 0x02u /* vms_load_all: accept registered sections the stream lacks */
#define VMS_LOAD_ALLOW_NO_VMDESC 0x04u /* vms_load_all: accept a stream that ends at EOF without
                                          the vmdesc trailer (QEMU's suppress-vmdesc) */

/*
 * Writes the payload of @d for @opaque at d->version: present fields in
 * order, then needed subsections. Never allocates. Returns 0 or a negative
 * VMS_ERR_*, with the field path in @err.
 */
int vms_save(vms_stream_t *s, const struct vms_desc *d, void *opaque, vms_error_t *err);

/*
 * Like vms_save() but writes the layout of stream version @target_version
 * (min_version <= target <= version), so an older build can load it: fields
 * and subsections whose presence depends on `version` follow the target.
 */
int vms_save_version(vms_stream_t *s, const struct vms_desc *d, void *opaque,
                     int target_version, vms_error_t *err);

/*
 * Reads a payload of @d written at stream version @version into @opaque.
 * Fails with VMS_ERR_VERSION when @version is above d->version or below
 * d->min_version. End of stream where a subsection could start means "no
 * subsections". Counts are bounded by capacity; allocations by `max` or
 * VMS_ALLOC_LIMIT_DEFAULT. Returns 0 or a negative VMS_ERR_*.
 */
int vms_load(vms_stream_t *s, const struct vms_desc *d, void *opaque, int version,
             vms_error_t *err);

/*
 * vms_load() with VMS_LOAD_* flags; unknown flags are VMS_ERR_INVAL.
 *
 * VMS_LOAD_ATOMIC loads into a scratch copy of @opaque (d->size bytes, which
 * must be set, else VMS_ERR_INVAL) and of the storage its pointer fields
 * reach, and copies it back only when the whole payload loaded: on failure
 * @opaque and everything it points to are byte-identical to before, and
 * every allocation the load made is freed. Hooks, predicates and codecs see
 * the scratch copy, except post_load, which runs on @opaque after the commit
 * (all deferred post_loads in the order a plain load runs them; a failing
 * one is reported, but the loaded state stays). Allocates the scratch
 * copies, freed before returning.
 */
int vms_load_flags(vms_stream_t *s, const struct vms_desc *d, void *opaque, int version,
                   unsigned flags, vms_error_t *err);

/*
 * Turns the fast path of generated descriptions (vms_desc.fast_save and
 * fast_load; docs/runtime.md, "Fast path") on or off for the whole process,
 * and returns the previous setting. It starts on, unless the environment
 * holds VMS_FAST_PATH=0 when the engine first looks. Both paths write the
 * same bytes and load the same objects with the same errors: the switch is
 * for tests that prove it and for benchmarks of the table engine.
 */
bool vms_set_fast_path(bool enable);

#ifdef __cplusplus
}
#endif

#endif /* VMS_ENGINE_H */
