/*
 * vms/fast.h: the byte-order helpers of the fast path that vmsgen writes
 * (vms_desc.fast_save / fast_load; docs/runtime.md, "Fast path").
 *
 * Each copies one member or array between memory (host order, any
 * alignment) and the wire (big-endian) without a call: the shifts below are
 * what compilers turn into one load or store and a byte swap. Nothing here
 * checks bounds; the engine hands the generated code vms_desc.fast_size
 * contiguous bytes.
 */
#ifndef VMS_FAST_H
#define VMS_FAST_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#ifdef __cplusplus
extern "C" {
#endif

static inline void vms_fast_put8(uint8_t *p, const void *src)
{
    memcpy(p, src, 1);
}

static inline void vms_fast_put16(uint8_t *p, const void *src)
{
    uint16_t v;

    memcpy(&v, src, 2);
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}

static inline void vms_fast_put32(uint8_t *p, const void *src)
{
    uint32_t v;

    memcpy(&v, src, 4);
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

static inline void vms_fast_put64(uint8_t *p, const void *src)
{
    uint64_t v;

    memcpy(&v, src, 8);
    p[0] = (uint8_t)(v >> 56);
    p[1] = (uint8_t)(v >> 48);
    p[2] = (uint8_t)(v >> 40);
    p[3] = (uint8_t)(v >> 32);
    p[4] = (uint8_t)(v >> 24);
    p[5] = (uint8_t)(v >> 16);
    p[6] = (uint8_t)(v >> 8);
    p[7] = (uint8_t)v;
}

static inline void vms_fast_get8(void *dst, const uint8_t *p)
{
    memcpy(dst, p, 1);
}

static inline void vms_fast_get16(void *dst, const uint8_t *p)
{
    uint16_t v = (uint16_t)((unsigned)p[0] << 8 | p[1]);

    memcpy(dst, &v, 2);
}

static inline void vms_fast_get32(void *dst, const uint8_t *p)
{
    uint32_t v = (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];

    memcpy(dst, &v, 4);
}

static inline void vms_fast_get64(void *dst, const uint8_t *p)
{
    uint64_t v = (uint64_t)p[0] << 56 | (uint64_t)p[1] << 48 | (uint64_t)p[2] << 40 |
                 (uint64_t)p[3] << 32 | (uint64_t)p[4] << 24 | (uint64_t)p[5] << 16 |
                 (uint64_t)p[6] << 8 | p[7];

    memcpy(dst, &v, 8);
}

/* A bool: any non-zero byte loads as true (1), as the table engine does. */
static inline void vms_fast_getbool(void *dst, const uint8_t *p)
{
    uint8_t v = p[0] != 0;

    memcpy(dst, &v, 1);
}

/* Arrays of @n elements (bytes and buffers are plain memcpy in the generated code). */
static inline void vms_fast_put16n(uint8_t *p, const void *src, size_t n)
{
    for (size_t i = 0; i < n; i++)
        vms_fast_put16(p + 2 * i, (const uint8_t *)src + 2 * i);
}

static inline void vms_fast_put32n(uint8_t *p, const void *src, size_t n)
{
    for (size_t i = 0; i < n; i++)
        vms_fast_put32(p + 4 * i, (const uint8_t *)src + 4 * i);
}

static inline void vms_fast_put64n(uint8_t *p, const void *src, size_t n)
{
    for (size_t i = 0; i < n; i++)
        vms_fast_put64(p + 8 * i, (const uint8_t *)src + 8 * i);
}

static inline void vms_fast_get16n(void *dst, const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        vms_fast_get16((uint8_t *)dst + 2 * i, p + 2 * i);
}

static inline void vms_fast_get32n(void *dst, const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        vms_fast_get32((uint8_t *)dst + 4 * i, p + 4 * i);
}

static inline void vms_fast_get64n(void *dst, const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        vms_fast_get64((uint8_t *)dst + 8 * i, p + 8 * i);
}

static inline void vms_fast_getbooln(void *dst, const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        vms_fast_getbool((uint8_t *)dst + i, p + i);
}

#ifdef __cplusplus
}
#endif

#endif /* VMS_FAST_H */
