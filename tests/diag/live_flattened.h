/* exit: 1 */
#include <stdint.h>
#include <vms/annotate.h>
struct Plain {
    uint8_t ram[4096] VMS_LIVE("dirty");
    uint64_t dirty[1];
};
struct VMS_STATE("flat", 1, 1) Flat {
    struct Plain p;
};
