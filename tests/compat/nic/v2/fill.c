/* fill.c: the state a release 2 NIC has after some traffic, with jumbo frames on. */
#include "nic.h"

void compat_fill(void *state);

void compat_fill(void *state)
{
    struct Nic *n = state;

    n->rx_count = 2345678;
    n->mtu = 9000;
    n->legacy_flags = 0x1;      /* promiscuous */
    n->tx_count = 70000;        /* above 65535: the reason tx_count was widened */
}
