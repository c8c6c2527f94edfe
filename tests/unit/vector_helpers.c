/* vector_helpers.c: save and load helpers for QEMU's conformance vectors (vector_helpers.h). */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vector_helpers.h"

/* Guard bytes around an object under load, to catch writes outside it. */
#define GUARD_LEN 32
#define GUARD_BYTE 0xa5

/* True when equal; otherwise prints a hex dump of both buffers. */
static bool same_bytes(const uint8_t *got, size_t got_len, const uint8_t *want, size_t want_len)
{
    if (got_len == want_len && (want_len == 0 || memcmp(got, want, want_len) == 0))
        return true;
    fprintf(stderr, "bytes differ: got %zu, want %zu\n  got :", got_len, want_len);
    for (size_t i = 0; i < got_len; i++)
        fprintf(stderr, " %02x", got[i]);
    fprintf(stderr, "\n  want:");
    for (size_t i = 0; i < want_len; i++)
        fprintf(stderr, " %02x", want[i]);
    fprintf(stderr, "\n");
    return false;
}

/*
 * Saves @obj with @d into a memory stream, appending 00 when @eof (as QEMU's
 * harness does), and compares the result with @want.
 */
void vec_check_save(const struct vms_desc *d, void *obj, bool eof, const uint8_t *want,
                    size_t want_len)
{
    vms_stream_t *s = vms_stream_mem_writer();
    vms_error_t err;
    const uint8_t *data;
    size_t len = 0;
    int rc, crc;
    bool same;

    assert_non_null(s);
    vms_error_init(&err);
    rc = vms_save(s, d, obj, &err);
    if (eof)
        vms_put_u8(s, 0x00);
    data = vms_stream_mem_data(s, &len);
    same = rc == 0 && data && same_bytes(data, len, want, want_len);
    crc = vms_stream_close(s);
    if (rc != 0)
        fail_msg("vms_save failed: %d %s: %s", rc, err.path, err.message);
    assert_int_equal(err.code, 0);
    assert_int_equal(crc, 0);
    if (!same)
        fail_msg("saved bytes differ from the vector");
}

/*
 * Loads @len bytes at @buf into @obj. On success the stream must be healthy;
 * on failure the return value and err->code must agree. When @next is not
 * NULL it receives the byte after the load (-1 at end of stream), which is how
 * QEMU's tests check that the loader did not eat the trailing 00.
 */
int vec_load_bytes(const struct vms_desc *d, void *obj, int version, const uint8_t *buf,
                   size_t len, vms_error_t *err, int *next)
{
    static const uint8_t empty[1];
    vms_stream_t *s = vms_stream_mem_reader(len ? buf : empty, len);
    int rc;

    assert_non_null(s);
    vms_error_init(err);
    rc = vms_load(s, d, obj, version, err);
    if (rc == 0) {
        assert_int_equal(err->code, 0);
        assert_int_equal(vms_stream_error(s, NULL), 0);
        if (next) {
            uint8_t b;
            *next = vms_stream_peek(s, &b, 1, 0) == 1 ? b : -1;
        }
    } else {
        assert_true(rc < 0);
        assert_int_equal(err->code, rc);
        assert_true(err->message[0] != '\0' || err->path[0] != '\0');
    }
    vms_stream_close(s);
    return rc;
}

/*
 * Runs one load of @buf[start, start+len) into a fresh copy of @init (with
 * guard bytes around it) and returns the result; the guards must survive.
 * The loaded copy is left in @out when it is not NULL.
 */
int vec_load_guarded(const struct vms_desc *d, const void *init, size_t obj_size, int version,
                     const uint8_t *buf, size_t start, size_t len, void *out)
{
    uint8_t *mem = malloc(obj_size + 2 * GUARD_LEN);
    vms_error_t err;
    int rc;

    assert_non_null(mem);
    memset(mem, GUARD_BYTE, obj_size + 2 * GUARD_LEN);
    memcpy(mem + GUARD_LEN, init, obj_size);
    /* a copy of the cut, so a read past it would hit ASan's red zone */
    uint8_t *cut = malloc(len ? len : 1);
    assert_non_null(cut);
    if (len)
        memcpy(cut, buf + start, len);
    rc = vec_load_bytes(d, mem + GUARD_LEN, version, cut, len, &err, NULL);
    for (size_t i = 0; i < GUARD_LEN; i++) {
        assert_int_equal(mem[i], GUARD_BYTE);
        assert_int_equal(mem[GUARD_LEN + obj_size + i], GUARD_BYTE);
    }
    if (out)
        memcpy(out, mem + GUARD_LEN, obj_size);
    free(cut);
    free(mem);
    return rc;
}

/*
 * QEMU's truncation rule, made stricter: every cut of a payload (without
 * its trailing 00) must fail cleanly: nothing, n-1, n-2, the first half and
 * the second half. n itself is DESIGN §6's one exception (a lone payload is
 * complete) and is tested on its own.
 */
void vec_check_truncations(const struct vms_desc *d, const void *init, size_t obj_size,
                           int version, const uint8_t *payload, size_t n)
{
    struct {
        size_t start, len;
    } cuts[5];
    size_t k = 0;

    cuts[k].start = 0, cuts[k++].len = 0;
    if (n >= 2)
        cuts[k].start = 0, cuts[k++].len = n - 1;
    if (n >= 3)
        cuts[k].start = 0, cuts[k++].len = n - 2;
    if (n >= 4) {
        cuts[k].start = 0, cuts[k++].len = n / 2;
        cuts[k].start = n / 2, cuts[k++].len = n - n / 2;
    }
    for (size_t i = 0; i < k; i++) {
        int rc = vec_load_guarded(d, init, obj_size, version, payload, cuts[i].start, cuts[i].len,
                                  NULL);
        if (rc >= 0)
            fail_msg("cut [%zu, +%zu) of a %zu-byte payload loaded (rc %d)", cuts[i].start,
                     cuts[i].len, n, rc);
    }
}
