/* records.h: struct and union shapes for test_front (tagged, typedef'd, nested, anonymous). */
#include <stdint.h>
#include <vms/annotate.h>

struct Tagged {
    uint32_t a;
    uint8_t b;
};

typedef struct {
    uint16_t x;
} AnonTypedef;

typedef struct Both {
    int32_t v;
} Both_t;

/* annotations written on the typedef, before and after the struct */
typedef VMS_STATE("tdef", 2, 1) struct {
    uint8_t q;
} TdefAnnot VMS_PRIORITY(3);

struct Inner {
    uint16_t lo, hi;
};

struct Outer {
    uint8_t tag;
    struct Inner in;            /* by value */
    struct {
        uint32_t p;
    } pair;                     /* inline, unnamed type */
    union {
        uint32_t u32;
        float f32;
    } VMS_SKIP;                 /* C11 anonymous member */
    struct Nested {
        uint64_t n;
    } nested;                   /* defined inline, tagged */
    uint8_t end;
};

union Word {
    uint32_t w;
    uint8_t bytes[4];
};

/* typedef before the definition */
typedef struct Later Later_t;
struct Later {
    Later_t *next;
    int32_t val;
};
