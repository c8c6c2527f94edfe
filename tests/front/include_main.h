/* include_main.h: includes another header, for the includes list of test_front. */
#pragma once
#include "include_sub.h"
#include "include_sub.h"

struct UsesSub {
    struct SubThing thing;
    uint32_t more;
};
