/* dev.h: parses only with the target's include path and definitions (see CMakeLists.txt). */
#ifndef DEV_H
#define DEV_H

#include <stdint.h>

#include <vms/annotate.h>

#include "dev_limits.h"

#if !defined(DEV_MODE) || DEV_MODE != 2 || !defined(DEV_QUEUE_LEN)
#error "DEV_MODE=2 and DEV_QUEUE_LEN must come from the target's compile definitions"
#endif

#if defined(__VMSGEN__) && !defined(DEV_FROM_OPTIONS)
#error "vmsgen did not get vmstate_generate()'s OPTIONS"
#endif

struct VMS_STATE("flagdev", 1, 1) Dev {
    uint32_t regs[DEV_REGS];
    uint8_t queue[DEV_QUEUE_LEN];
};

#endif
