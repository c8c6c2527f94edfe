/*
 * engine_fixtures.h: structs and descriptions shared by the engine tests
 * (test_engine_*.c). Each is exercised by one file and checked again by
 * test_validate_accepts_good_tables or a validation test in another, so
 * they live here, in vms_testutil, rather than in either file (test_mutate.c
 * loads aldev_desc too).
 */
#ifndef ENGINE_FIXTURES_H
#define ENGINE_FIXTURES_H

#include <stdbool.h>
#include <stdint.h>

#include <vms/vms.h>

/* Variable arrays: every count width at its own offset; fifo[] is bounded by FIFO_CAP. */
#define FIFO_CAP 8

struct vdev {
    uint8_t u8;
    int8_t s8;
    uint16_t u16;
    int16_t s16;
    uint32_t u32;
    int32_t s32;
    uint64_t u64;
    int64_t s64;
    uint16_t fifo[FIFO_CAP];
    uint16_t tail; /* right after the array: an overrun would hit it */
};

/* Pointers: a counted array (max 8) and a fixed pair, both through pointers. */
struct pvdev {
    uint32_t n;
    uint16_t *data;
    uint32_t *regs; /* fixed count through a pointer */
};

/* VMS_ALLOC: the loader allocates p[n] (max 16). */
struct aldev {
    uint32_t n;
    uint32_t *p;
};

/* Nesting: a struct and an array of four, with a check on inner.x (< 1000). */
struct inner {
    uint16_t x;
    uint8_t y;
};

struct outer {
    uint32_t id;
    struct inner one;
    struct inner arr[4];
};

/* Subsections: "sdev/fifo", sent when fifo.len > 0, with a present flag and an absent hook. */
struct fifo_state {
    uint8_t len;
    uint16_t data[4];
};

struct sdev {
    uint32_t ctrl;
    struct fifo_state fifo;
    bool fifo_present;
    int absent_calls;
    int absent_version;
};

/* Versions: b since 3, subsection "gate/extra" needed from version 3 on. */
struct gdev {
    uint32_t a, b;
    uint16_t x;
    int needed_version;
};

extern const struct vms_desc pvdev_desc;   /* "pv": n, data (VARRAY through a pointer), regs[2] */
extern const struct vms_desc aldev_desc;   /* "al": n, p (ALLOC, max 16) */
extern const struct vms_desc outer_desc;   /* "outer": id, one, arr[4] */
extern const struct vms_field fifo_fields[2];
extern const struct vms_field sdev_fields[1];
extern const struct vms_desc sdev_desc;    /* "sdev": ctrl, subsection "sdev/fifo" */
extern const struct vms_desc gate_desc;    /* "gate" v3: a, b (since 3), "gate/extra" */

#endif /* ENGINE_FIXTURES_H */
