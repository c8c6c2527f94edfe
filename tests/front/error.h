/* error.h: an unknown type name; vg_front_parse() must fail and say where. */
#include <stdint.h>

struct Broken {
    uint32_t ok;
    unknown_t bad;
};
