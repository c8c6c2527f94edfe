/* testutil.h: helpers shared by the unit tests (hex dumps, byte-exact checks, saving to memory). */
#ifndef TESTUTIL_H
#define TESTUTIL_H

/* cmocka.h needs these first. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
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

#endif /* TESTUTIL_H */
