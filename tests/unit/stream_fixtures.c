/* stream_fixtures.c: the primitives every stream test writes and reads back (stream_fixtures.h). */
#include <stdlib.h>

#include "stream_fixtures.h"

const uint8_t primitives_bytes[] = {
    /* u8 0xa5 */ 0xa5,
    /* be16 0x1234 */ 0x12, 0x34,
    /* be32 0xdeadbeef */ 0xde, 0xad, 0xbe, 0xef,
    /* be64 0x0102030405060708 */ 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08,
    /* buffer "QEVM" */ 0x51, 0x45, 0x56, 0x4d,
};

const size_t primitive_ends[] = {1, 3, 7, 15, 19};

void put_primitives(vms_stream_t *s)
{
    vms_put_u8(s, 0xa5);
    vms_put_be16(s, 0x1234);
    vms_put_be32(s, 0xdeadbeef);
    vms_put_be64(s, 0x0102030405060708ull);
    vms_put_buffer(s, "QEVM", 4);
}

int save_primitives(vms_stream_t *s, void *arg)
{
    (void)arg;
    put_primitives(s);
    return vms_stream_error(s, NULL);
}

void get_primitives(vms_stream_t *s, struct primitives *p)
{
    p->u8 = vms_get_u8(s);
    p->u16 = vms_get_be16(s);
    p->u32 = vms_get_be32(s);
    p->u64 = vms_get_be64(s);
    vms_get_buffer(s, p->buf, sizeof(p->buf));
}

void check_primitives(vms_stream_t *s, uint64_t start)
{
    uint8_t b[4];

    assert_int_equal(vms_get_u8(s), 0xa5);
    assert_int_equal(vms_stream_offset(s), start + 1);
    assert_int_equal(vms_get_be16(s), 0x1234);
    assert_int_equal(vms_stream_offset(s), start + 3);
    assert_int_equal(vms_get_be32(s), 0xdeadbeef);
    assert_int_equal(vms_stream_offset(s), start + 7);
    assert_true(vms_get_be64(s) == 0x0102030405060708ull);
    assert_int_equal(vms_stream_offset(s), start + 15);
    assert_int_equal(vms_get_buffer(s, b, 4), 4);
    assert_memory_equal(b, "QEVM", 4);
    assert_int_equal(vms_stream_offset(s), start + 19);
    assert_int_equal(vms_stream_error(s, NULL), 0);
}

uint8_t *pattern(size_t len)
{
    uint8_t *p = malloc(len);
    size_t i;

    assert_non_null(p);
    for (i = 0; i < len; i++)
        p[i] = (uint8_t)(i * 7 + (i >> 8));
    return p;
}

vms_error_t stream_error(vms_stream_t *s)
{
    vms_error_t e;

    vms_error_init(&e);
    vms_stream_error(s, &e);
    return e;
}
