/* with_options.h: depends on -I and -D given to vg_front_parse(). */
#include <stdint.h>
#include "opt_dir_header.h"

struct WithOptions {
    uint32_t base;
#ifdef EXTRA_MEMBER
    uint32_t extra;
#endif
    uint32_t arr[OPT_LEN];
};
