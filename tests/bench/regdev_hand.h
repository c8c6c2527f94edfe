/*
 * regdev_hand.h: hand-written big-endian save and load of the 64-field
 * device (regdev.h), the baseline of bench_runtime and bench_peers: what a
 * careful programmer writes for the same struct without tables.
 */
#ifndef BENCH_REGDEV_HAND_H
#define BENCH_REGDEV_HAND_H

#include <stddef.h>
#include <stdint.h>

#include "regdev.h"

static inline uint8_t *hand_put_group(uint8_t *p, uint8_t b, uint16_t h, uint32_t w, uint64_t q)
{
    p[0] = b;
    p[1] = (uint8_t)(h >> 8);
    p[2] = (uint8_t)h;
    p[3] = (uint8_t)(w >> 24);
    p[4] = (uint8_t)(w >> 16);
    p[5] = (uint8_t)(w >> 8);
    p[6] = (uint8_t)w;
    p[7] = (uint8_t)(q >> 56);
    p[8] = (uint8_t)(q >> 48);
    p[9] = (uint8_t)(q >> 40);
    p[10] = (uint8_t)(q >> 32);
    p[11] = (uint8_t)(q >> 24);
    p[12] = (uint8_t)(q >> 16);
    p[13] = (uint8_t)(q >> 8);
    p[14] = (uint8_t)q;
    return p + 15;
}

#define HAND_PUT(i) p = hand_put_group(p, d->b##i, d->h##i, d->w##i, d->q##i);

static inline size_t hand_save(const struct RegDev *d, uint8_t *p)
{
    uint8_t *start = p;

    HAND_PUT(0) HAND_PUT(1) HAND_PUT(2) HAND_PUT(3) HAND_PUT(4) HAND_PUT(5) HAND_PUT(6)
    HAND_PUT(7) HAND_PUT(8) HAND_PUT(9) HAND_PUT(10) HAND_PUT(11) HAND_PUT(12) HAND_PUT(13)
    HAND_PUT(14) HAND_PUT(15)
    return (size_t)(p - start);
}

static inline const uint8_t *hand_get_group(const uint8_t *p, uint8_t *b, uint16_t *h, uint32_t *w,
                                     uint64_t *q)
{
    *b = p[0];
    *h = (uint16_t)(p[1] << 8 | p[2]);
    *w = (uint32_t)p[3] << 24 | (uint32_t)p[4] << 16 | (uint32_t)p[5] << 8 | p[6];
    *q = (uint64_t)p[7] << 56 | (uint64_t)p[8] << 48 | (uint64_t)p[9] << 40 |
         (uint64_t)p[10] << 32 | (uint64_t)p[11] << 24 | (uint64_t)p[12] << 16 |
         (uint64_t)p[13] << 8 | p[14];
    return p + 15;
}

#define HAND_GET(i) p = hand_get_group(p, &d->b##i, &d->h##i, &d->w##i, &d->q##i);

static inline size_t hand_load(struct RegDev *d, const uint8_t *p)
{
    const uint8_t *start = p;

    HAND_GET(0) HAND_GET(1) HAND_GET(2) HAND_GET(3) HAND_GET(4) HAND_GET(5) HAND_GET(6)
    HAND_GET(7) HAND_GET(8) HAND_GET(9) HAND_GET(10) HAND_GET(11) HAND_GET(12) HAND_GET(13)
    HAND_GET(14) HAND_GET(15)
    return (size_t)(p - start);
}

#endif /* BENCH_REGDEV_HAND_H */
