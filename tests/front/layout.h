/* layout.h: layouts the natural-offset rule must not get wrong, for test_front. */
#include <stdint.h>

struct Plain {
    uint8_t a;
    uint32_t b;
    uint8_t c;
    uint64_t d;
    uint16_t e[3];
};

struct Packed {
    uint8_t a;
    uint32_t b;
    uint16_t c;
} __attribute__((packed));

struct FieldAligned {
    char a;
    char b __attribute__((aligned(2)));
    char c;
    int d;
};

struct AlignasField {
    uint8_t a;
    _Alignas(16) uint8_t b;
};

#pragma pack(push, 2)
struct Pragma {
    uint8_t a;
    uint32_t b;
    uint64_t c;
};
#pragma pack(pop)

#pragma pack(push, 1)
struct PragmaNoEffect {
    uint8_t a;
    uint8_t b[3];
};
#pragma pack(pop)

typedef uint32_t aligned_u32 __attribute__((aligned(8)));
struct TypedefAligned {
    uint8_t a;
    aligned_u32 b;
    uint8_t c;
};

struct Bits {
    uint8_t a;
    uint32_t f1 : 3;
    uint32_t f2 : 7;
    uint32_t : 0;
    uint16_t f3 : 4;
    uint8_t z;
};

struct Deep1 { struct Plain p; uint8_t x; };
struct Deep2 { struct Deep1 d1[2]; struct Deep1 d; uint8_t y; };

union U {
    uint8_t a;
    uint64_t b;
    struct Plain p;
};

struct Flexy {
    uint16_t n;
    uint32_t items[];
};
