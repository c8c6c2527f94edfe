/*
 * The NIC of tests/compat as release 2 shipped it: + mtu (streams of version
 * 1 lack it and load DEFAULT_MTU); tx_count widened to 32 bits (version 1
 * streams carry it as uint16).
 */
#ifndef NIC_H
#define NIC_H

#include <stdint.h>
#include <vms/annotate.h>

#define DEFAULT_MTU 1500

struct VMS_STATE("nic", 2, 1) Nic {
    uint32_t rx_count;
    uint16_t mtu          VMS_SINCE(2) VMS_DEFAULT("DEFAULT_MTU") VMS_RANGE(68, 9000);
    uint32_t legacy_flags;
    uint32_t tx_count     VMS_WAS("uint16", 2);
};

#endif
