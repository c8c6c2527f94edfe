/* types.h: member types for test_front. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>
#include <vms/annotate.h>

typedef uint32_t reg_t;
typedef reg_t reg2_t;
typedef long my_long;
typedef int64_t my_i64;
typedef void handler_fn(int irq);
typedef int (*callback_t)(void *opaque);
typedef uint8_t row_t[3];

struct Fwd;   /* never defined */

enum Mode { MODE_OFF, MODE_ON, MODE_AUTO = 7 };
enum Neg { NEG_MINUS = -1, NEG_ZERO };
enum Big { BIG_LARGE = 0x1ffffffffLL };
typedef enum { COLOR_RED, COLOR_GREEN } color_t;
enum __attribute__((packed)) Small { SMALL_A, SMALL_B };

struct Types {
    bool flag;
    char c;
    signed char sc;
    unsigned char uc;
    int16_t i16;
    uint16_t u16;
    int32_t i32;
    uint32_t u32;
    int64_t i64;
    uint64_t u64;
    float f;
    double d;
    long double ld;
    reg2_t reg;
    uint8_t buf[16];
    uint16_t grid[2][3];
    row_t rows[4];
    uint32_t *ptr;
    const uint8_t *cptr;
    struct Types *self;
    struct Fwd *fwd;
    void *opaque;
    void (*fn)(int);
    handler_fn *hfn;
    callback_t cb;
    uint32_t *ptrs[2];
    enum Mode mode;
    enum Neg neg;
    enum Big big;
    color_t color;
    enum Small small;
    unsigned int bf_a : 1;
    unsigned int bf_b : 3;
    int bf_c : 4;
};

struct HostSized {
    long l;
    unsigned long ul;
    long int li;
    size_t sz;
    ssize_t ssz;
    time_t t;
    intptr_t ip;
    uintptr_t uip;
    ptrdiff_t pd;
    off_t off;
    my_long ml;
    const size_t csz;
    size_t arr[2];
    int64_t i64;
    uint64_t u64;
    my_i64 mi64;
    long long ll;
    unsigned long long ull;
    int i;
};

struct Flex {
    uint32_t len;
    uint8_t data[];
};
