/* fill.c: the state a release 3 NIC has after some traffic, with offloads on. */
#include "nic.h"

void compat_fill(void *state);

void compat_fill(void *state)
{
    struct Nic *n = state;

    n->rx_count = 3456789;
    n->mtu = 1500;
    /* tx_count fits the uint16 of version 1, so this state can also be saved for a
     * release 1 destination (the downgrade test). */
    n->tx_count = 0x2345;
    n->offload_on = 1;
    n->offload_mask = 0x0f;     /* checksum | tso */
}
