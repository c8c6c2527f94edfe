/* The NIC of tests/compat as release 3 ships it (the same header as tests/golden/compat/input.h). */
#ifndef NIC_H
#define NIC_H

#include <stdbool.h>
#include <stdint.h>
#include <vms/annotate.h>

#define DEFAULT_MTU 1500

/*
 * v1: rx_count, legacy_flags, tx_count as uint16
 * v2: + mtu; tx_count widened to uint32
 * v3: - legacy_flags; + subsection "offload" when offload is on
 */
struct VMS_STATE("nic", 3, 1)
       VMS_SUBSECTION_DEF("offload", 1, "version >= 3 && offload_on") Nic {
    uint32_t rx_count;
    uint16_t mtu          VMS_SINCE(2) VMS_DEFAULT("DEFAULT_MTU") VMS_RANGE(68, 9000);
    uint32_t legacy_flags VMS_UNTIL(3) VMS_DEFAULT("0");
    uint32_t tx_count     VMS_WAS("uint16", 2);
    bool     offload_on   VMS_IN("offload") VMS_DEFAULT("0");
    uint8_t  offload_mask VMS_IN("offload") VMS_DEFAULT("0xff");
    bool     offload_sent VMS_PRESENT("offload");
};

#endif
