/* The structs of QEMU's tests/unit/test-vmstate.c, annotated (the bytes are checked by test_gen_vectors). */
#ifndef QEMU_VECTORS_H
#define QEMU_VECTORS_H

#include <stdbool.h>
#include <stdint.h>
#include <vms/annotate.h>

struct VMS_STATE("simple/primitive", 1, 1) TestSimple {
    bool b_1, b_2;
    uint8_t u8_1;
    uint16_t u16_1;
    uint32_t u32_1;
    uint64_t u64_1;
    int8_t i8_1, i8_2;
    int16_t i16_1, i16_2;
    int32_t i32_1, i32_2;
    int64_t i64_1, i64_2;
};

struct VMS_STATE("simple/array", 1, 1) TestArray {
    uint16_t u16_1[3];
};

struct VMS_STATE("test/versioned", 2, 1) TestVersioned {
    uint32_t a;
    uint32_t b VMS_SINCE(2);
    uint32_t c;
    uint64_t d;
    uint32_t e VMS_SINCE(2);
    uint64_t f VMS_SINCE(2);
};

struct VMS_STATE("test/skip", 2, 2) TestSkip {
    bool skip_c_e VMS_SKIP;
    uint32_t a, b;
    uint32_t c VMS_IF("!skip_c_e");
    uint64_t d;
    uint32_t e VMS_IF("!skip_c_e");
    uint64_t f;
};

typedef struct VMS_STATE("test/struct-triv", 1, 1) {
    int32_t i;
} TestStructTriv;

struct VMS_STATE("test/array-ptr-str", 1, 1) TestArrayOfPtrToStruct {
    TestStructTriv *ar[4] VMS_DEREF;
};

struct VMS_STATE("test/array-ptr-prim", 1, 1) TestArrayOfPtrToInt {
    int32_t *ar[4] VMS_DEREF;
};

struct VMS_STATE("sub/optional", 1, 1) VMS_SUBSECTION_DEF("a", 1, "want_a") TestSubOptional {
    bool want_a VMS_SKIP;
};

#endif
