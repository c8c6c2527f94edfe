/* testutil.h: helpers shared by the unit tests: hex dumps, byte checks, saves, stream walks. */
#ifndef TESTUTIL_H
#define TESTUTIL_H

/* cmocka.h needs these first. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <stdbool.h>
#include <stdio.h>

#include <vms/vms.h>

/* Prints @len bytes of @buf to @out, 16 per line with offsets and ASCII. */
void hexdump(FILE *out, const void *buf, size_t len);

/*
 * Fails the test (at the caller's line) unless got and want hold the same
 * bytes; the message gives both lengths, the first differing offset and a
 * hex dump of both around it with the differing bytes marked.
 */
#define assert_bytes_equal(got, got_len, want, want_len)                                 \
    testutil_bytes_equal((const void *)(got), (got_len), (const void *)(want), (want_len), \
                         __FILE__, __LINE__)
void testutil_bytes_equal(const void *got, size_t got_len, const void *want, size_t want_len,
                          const char *file, int line);

/* Writes something to @s; returns 0 or a negative VMS_ERR_*. */
typedef int (*save_fn)(vms_stream_t *s, void *arg);

/*
 * Runs @fn on a new memory writer, closes it and returns a malloc'd copy of
 * the bytes (the caller frees it; never NULL), their count in @len. The
 * result is fn's return value or else the close result: stored in @rc when
 * it is not NULL, otherwise any failure fails the test.
 */
uint8_t *save_to_mem(save_fn fn, void *arg, size_t *len, int *rc);

/* Fails the test unless the string @hay contains @needle. */
void assert_contains(const char *hay, const char *needle);

/* ---- whole-machine streams ---- */

/* The big-endian 32-bit value at @p. */
uint32_t be32_at(const uint8_t *p);

/*
 * The whole file at @path, NUL-terminated (malloc'd; the caller frees), its
 * size in *@len; NULL when it cannot be read.
 */
uint8_t *slurp(const char *path, size_t *len);

/* vms_save_all of @r into memory: a malloc'd copy of the bytes (the caller frees). */
uint8_t *save_registry(vms_registry_t *r, size_t *len);

/* vms_load_all of @len bytes at @bytes; returns the result, detail in @err. */
int load_registry(vms_registry_t *r, const void *bytes, size_t len, vms_error_t *err);

/* ---- a structural walker over a whole stream ---- */

struct walked_section {
    char idstr[VMS_IDSTR_MAX + 1];
    uint32_t id, instance, version;
    size_t at;      /* offset of the section type byte */
};

struct walk {
    char machine[256];
    struct walked_section sec[16];
    size_t n;
    size_t eof_at;  /* offset of the EOF byte */
    size_t json_at; /* offset of the vmdesc JSON text */
    uint32_t json_len;
};

/* The description and a scratch object to consume a section's payload with. */
typedef const struct vms_desc *(*lookup_fn)(const char *idstr, uint32_t instance, void *ctx,
                                            void **opaque);

/*
 * Walks @b: magic, version 3, configuration, FULL sections (each payload
 * consumed by vms_load with the description @lookup gives), footers, EOF,
 * vmdesc. Any deviation fails the test.
 */
void walk_stream(const uint8_t *b, size_t len, lookup_fn lookup, void *ctx, struct walk *w);

#endif /* TESTUTIL_H */
