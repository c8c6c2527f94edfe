/* The NIC of tests/compat as release 1 shipped it: two counters and a flags word. */
#ifndef NIC_H
#define NIC_H

#include <stdint.h>
#include <vms/annotate.h>

struct VMS_STATE("nic", 1, 1) Nic {
    uint32_t rx_count;
    uint32_t legacy_flags;
    uint16_t tx_count;
};

#endif
