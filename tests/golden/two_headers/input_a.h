/* A description defined here and used by input_b.h: emitted once, in input_a.vms.c. */
#ifndef INPUT_A_H
#define INPUT_A_H

#include <stdint.h>
#include <vms/annotate.h>

#define REG_COUNT 4

enum link_state { LINK_DOWN, LINK_UP };

struct VMS_STATE("port", 1, 1) Port {
    uint32_t regs[REG_COUNT];
    enum link_state link;
};

#endif
