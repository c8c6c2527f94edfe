/*
 * vector_helpers.h: save and load helpers for QEMU's conformance vectors
 * (test_vmstate*.c). The vectors are the payloads QEMU writes. QEMU's harness
 * appends the byte 00 (QEMU_VM_EOF) after every payload it saves, so that the
 * loader's peek for a subsection marker has a byte to look at; the arrays
 * keep that byte last, and PAYLOAD_LEN() is the length without it.
 *
 * The vec_ prefix keeps these apart from engine_helpers.h, whose check_save
 * and load_bytes differ (a target version, copied input, stricter messages).
 */
#ifndef VECTOR_HELPERS_H
#define VECTOR_HELPERS_H

#include <stdbool.h>
#include <stdint.h>

#include "testutil.h"

#define PAYLOAD_LEN(a) (sizeof(a) - 1)

/*
 * Saves @obj with @d into a memory stream, appending 00 when @eof (as QEMU's
 * harness does), and compares the result with @want.
 */
void vec_check_save(const struct vms_desc *d, void *obj, bool eof, const uint8_t *want,
                    size_t want_len);

/*
 * Loads @len bytes at @buf into @obj. On success the stream must be healthy;
 * on failure the return value and err->code must agree. When @next is not
 * NULL it receives the byte after the load (-1 at end of stream), which is how
 * QEMU's tests check that the loader did not eat the trailing 00.
 */
int vec_load_bytes(const struct vms_desc *d, void *obj, int version, const uint8_t *buf,
                   size_t len, vms_error_t *err, int *next);

/*
 * Runs one load of @buf[start, start+len) into a fresh copy of @init (with
 * guard bytes around it) and returns the result; the guards must survive.
 * The loaded copy is left in @out when it is not NULL.
 */
int vec_load_guarded(const struct vms_desc *d, const void *init, size_t obj_size, int version,
                     const uint8_t *buf, size_t start, size_t len, void *out);

/*
 * QEMU's truncation rule, made stricter: every cut of a payload (without
 * its trailing 00) must fail cleanly: nothing, n-1, n-2, the first half and
 * the second half. n itself is DESIGN §6's one exception (a lone payload is
 * complete) and is tested on its own.
 */
void vec_check_truncations(const struct vms_desc *d, const void *init, size_t obj_size,
                           int version, const uint8_t *payload, size_t n);

#endif /* VECTOR_HELPERS_H */
