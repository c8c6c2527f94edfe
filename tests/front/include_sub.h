/* include_sub.h: included by include_main.h. */
#ifndef INCLUDE_SUB_H
#define INCLUDE_SUB_H
#include <stdint.h>

#define SUB_LIMIT 8

struct SubThing {
    uint32_t a;
};
#endif
