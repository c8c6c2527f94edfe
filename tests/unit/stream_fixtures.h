/*
 * stream_fixtures.h: what the stream tests (test_stream*.c) write and read
 * back: a run of primitives of every width with known bytes, a byte pattern,
 * and a stream's sticky error as a value.
 */
#ifndef STREAM_FIXTURES_H
#define STREAM_FIXTURES_H

#include <stdint.h>

#include "testutil.h"

/* What put_primitives() writes: u8, be16, be32, be64, then the 4-byte buffer "QEVM". */
extern const uint8_t primitives_bytes[19];

/* The primitives as read back; fields past an error stay zero. */
struct primitives {
    uint8_t u8;
    uint16_t u16;
    uint32_t u32;
    uint64_t u64;
    uint8_t buf[4];
};

/* Stream offsets where each primitive ends. */
extern const size_t primitive_ends[5];

/* Writes the primitives to @s. */
void put_primitives(vms_stream_t *s);

/* put_primitives as a save_fn (@arg unused); returns the stream's error. */
int save_primitives(vms_stream_t *s, void *arg);

/* Reads the primitives into @p, without checking them. */
void get_primitives(vms_stream_t *s, struct primitives *p);

/* Reads the primitives and checks each value and the offset after it (@start plus its end). */
void check_primitives(vms_stream_t *s, uint64_t start);

/* A malloc'd buffer of @len pattern bytes (the caller frees it). */
uint8_t *pattern(size_t len);

/* The sticky error of @s (which stays open). */
vms_error_t stream_error(vms_stream_t *s);

#endif /* STREAM_FIXTURES_H */
