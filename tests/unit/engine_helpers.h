/*
 * engine_helpers.h: save and load one description against exact bytes, for
 * the engine tests (test_engine_*.c). Every helper fails the test through
 * cmocka when the engine breaks its own contract (a failed call must return
 * a negative VMS_ERR_* equal to err->code, with a message).
 */
#ifndef ENGINE_HELPERS_H
#define ENGINE_HELPERS_H

#include <stdint.h>

#include "testutil.h"

/* Big-endian encoding of the low @width bytes of @v at @p. */
void put_be(uint8_t *p, size_t width, uint64_t v);

/*
 * Saves @obj (at d->version when @target < 0, else with vms_save_version) and
 * returns the result; the bytes written go to a malloc'ed *@out (the caller
 * frees it) and their count to *@len.
 */
int save_any(const struct vms_desc *d, void *obj, int target, uint8_t **out, size_t *len,
             vms_error_t *err);

/* Saves (as save_any) and fails the test unless that succeeds with exactly @want. */
void check_save(const struct vms_desc *d, void *obj, int target, const uint8_t *want,
                size_t want_len);

/* Saves expecting failure; returns the code (err filled). */
int save_fails(const struct vms_desc *d, void *obj, int target, vms_error_t *err);

/*
 * Loads @len bytes at @buf (copied, so ASan sees reads past the end) into
 * @obj at stream version @version; returns vms_load's result, detail in
 * @err. @next, when not NULL, gets the next unread byte after a successful
 * load, or -1 at end of stream.
 */
int load_bytes(const struct vms_desc *d, void *obj, int version, const uint8_t *buf,
               size_t len, vms_error_t *err, int *next);

/* load_bytes that must succeed. */
void load_ok(const struct vms_desc *d, void *obj, int version, const uint8_t *buf,
             size_t len);

/* load_bytes that must fail; returns the code (err filled). */
int load_fails(const struct vms_desc *d, void *obj, int version, const uint8_t *buf,
               size_t len, vms_error_t *err);

/*
 * Every cut of @payload (nothing, n-1, n-2, first half) must fail without
 * writing outside a copy of @init (@obj_size bytes, guard bytes around it).
 * The second half is special: when a description's subsections are longer
 * than its fields, the second half can be a well-formed field payload
 * followed by a byte that is not a subsection marker, which a
 * single-description load rightly accepts, leaving that byte to its caller.
 * So it must fail, or load without reaching the end.
 */
void check_truncations(const struct vms_desc *d, const void *init, size_t obj_size,
                       int version, const uint8_t *payload, size_t n);

#endif /* ENGINE_HELPERS_H */
