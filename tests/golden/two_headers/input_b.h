/* Uses struct Port of input_a.h: input_b.vms.c includes input_a.vms.h. */
#ifndef INPUT_B_H
#define INPUT_B_H

#include "input_a.h"

typedef struct VMS_STATE("switch", 2, 1) {
    uint8_t n_ports VMS_RANGE(0, 8);
    struct Port ports[8] VMS_COUNT("n_ports");
    uint8_t up_mask VMS_SINCE(2) VMS_CHECK("up_mask < (1 << REG_COUNT)");
} Switch;

#endif
