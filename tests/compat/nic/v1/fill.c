/* fill.c: the state a release 1 NIC has after some traffic. */
#include "nic.h"

void compat_fill(void *state);

void compat_fill(void *state)
{
    struct Nic *n = state;

    n->rx_count = 1234567;
    n->legacy_flags = 0x5;      /* promiscuous | broadcast */
    n->tx_count = 0x4321;
}
