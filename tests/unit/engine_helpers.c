/* engine_helpers.c: save and load one description against exact bytes, for the engine tests. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine_helpers.h"

/* Guard bytes around an object under load, to catch writes outside it. */
#define GUARD_LEN 32
#define GUARD_BYTE 0xa5

/* True when equal; otherwise prints where the bytes differ. */
static bool same_bytes(const uint8_t *got, size_t got_len, const uint8_t *want, size_t want_len)
{
    size_t show;

    if (got_len == want_len && (want_len == 0 || memcmp(got, want, want_len) == 0))
        return true;
    show = got_len > want_len ? got_len : want_len;
    fprintf(stderr, "bytes differ: got %zu, want %zu\n", got_len, want_len);
    for (size_t i = 0; i < show && i < 512; i++) {
        if (i < got_len && i < want_len && got[i] == want[i])
            continue;
        fprintf(stderr, "  [%zu] got %s%02x want %s%02x\n", i, i < got_len ? "" : "-",
                i < got_len ? got[i] : 0, i < want_len ? "" : "-", i < want_len ? want[i] : 0);
    }
    return false;
}

/* Big-endian encoding of the low @width bytes of @v at @p. */
void put_be(uint8_t *p, size_t width, uint64_t v)
{
    for (size_t i = 0; i < width; i++)
        p[i] = (uint8_t)(v >> (8 * (width - 1 - i)));
}

/*
 * Saves @obj (at d->version when @target < 0, else with vms_save_version) and
 * returns the result; the bytes written go to a malloc'ed *@out (the caller
 * frees it) and their count to *@len.
 */
int save_any(const struct vms_desc *d, void *obj, int target, uint8_t **out, size_t *len,
             vms_error_t *err)
{
    vms_stream_t *s = vms_stream_mem_writer();
    const void *data;
    size_t n = 0;
    int rc;

    assert_non_null(s);
    vms_error_init(err);
    rc = target < 0 ? vms_save(s, d, obj, err) : vms_save_version(s, d, obj, target, err);
    if (rc != 0) {
        assert_true(rc < 0);
        assert_int_equal(err->code, rc);
    } else {
        assert_int_equal(err->code, 0);
    }
    data = vms_stream_mem_data(s, &n);
    *out = malloc(n ? n : 1);
    assert_non_null(*out);
    if (n)
        memcpy(*out, data, n);
    *len = n;
    vms_stream_close(s);
    return rc;
}

/* Saves and compares with @want. */
void check_save(const struct vms_desc *d, void *obj, int target, const uint8_t *want,
                size_t want_len)
{
    vms_error_t err;
    uint8_t *got;
    size_t len;
    int rc = save_any(d, obj, target, &got, &len, &err);

    bool same = rc == 0 && same_bytes(got, len, want, want_len);

    free(got);
    if (rc != 0)
        fail_msg("save failed: %d %s: %s", rc, err.path, err.message);
    if (!same)
        fail_msg("saved bytes of %s differ", d->name);
}

/* Saves expecting failure; returns the code (err filled). */
int save_fails(const struct vms_desc *d, void *obj, int target, vms_error_t *err)
{
    uint8_t *got;
    size_t len;
    int rc = save_any(d, obj, target, &got, &len, err);

    free(got);
    if (rc >= 0)
        fail_msg("save of %s succeeded, expected failure", d->name);
    return rc;
}

/*
 * Loads @len bytes at @buf (copied, so ASan sees reads past the end). @next
 * gets the next unread byte or -1 at end of stream.
 */
int load_bytes(const struct vms_desc *d, void *obj, int version, const uint8_t *buf,
               size_t len, vms_error_t *err, int *next)
{
    uint8_t *copy = malloc(len ? len : 1);
    vms_stream_t *s;
    int rc;

    assert_non_null(copy);
    if (len)
        memcpy(copy, buf, len);
    s = vms_stream_mem_reader(copy, len);
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
        assert_true(err->message[0] != '\0');
    }
    vms_stream_close(s);
    free(copy);
    return rc;
}

void load_ok(const struct vms_desc *d, void *obj, int version, const uint8_t *buf,
             size_t len)
{
    vms_error_t err;
    int rc = load_bytes(d, obj, version, buf, len, &err, NULL);

    if (rc != 0)
        fail_msg("load of %s failed: %d %s: %s", d->name, rc, err.path, err.message);
}

int load_fails(const struct vms_desc *d, void *obj, int version, const uint8_t *buf,
               size_t len, vms_error_t *err)
{
    int rc = load_bytes(d, obj, version, buf, len, err, NULL);

    if (rc >= 0)
        fail_msg("load of %s succeeded, expected failure", d->name);
    return rc;
}

/* The cuts and the second-half exception: engine_helpers.h. */
void check_truncations(const struct vms_desc *d, const void *init, size_t obj_size,
                       int version, const uint8_t *payload, size_t n)
{
    size_t starts[5], lens[5], k = 0;

    starts[k] = 0, lens[k++] = 0;
    if (n >= 2)
        starts[k] = 0, lens[k++] = n - 1;
    if (n >= 3)
        starts[k] = 0, lens[k++] = n - 2;
    if (n >= 4) {
        starts[k] = 0, lens[k++] = n / 2;
        starts[k] = n / 2, lens[k++] = n - n / 2;
    }
    for (size_t i = 0; i < k; i++) {
        uint8_t *mem = malloc(obj_size + 2 * GUARD_LEN);
        bool second_half = starts[i] != 0;
        vms_error_t err;
        int next = -2;
        int rc;

        assert_non_null(mem);
        memset(mem, GUARD_BYTE, obj_size + 2 * GUARD_LEN);
        memcpy(mem + GUARD_LEN, init, obj_size);
        rc = load_bytes(d, mem + GUARD_LEN, version, payload + starts[i], lens[i], &err, &next);
        if (rc >= 0 && !(second_half && next >= 0 && next != 0x05))
            fail_msg("%s: cut [%zu, +%zu) of %zu bytes loaded", d->name, starts[i], lens[i], n);
        for (size_t g = 0; g < GUARD_LEN; g++) {
            assert_int_equal(mem[g], GUARD_BYTE);
            assert_int_equal(mem[GUARD_LEN + obj_size + g], GUARD_BYTE);
        }
        free(mem);
    }
}
