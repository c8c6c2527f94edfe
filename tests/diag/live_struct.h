/* exit: 1 */
#include <stdint.h>
#include <vms/annotate.h>
struct VMS_STATE("live", 1, 1) Live {
    uint8_t ram[4096] VMS_LIVE("dirty");
    uint64_t dirty[1];
};
struct VMS_STATE("outer", 1, 1) Outer {
    struct Live inner;
};
struct VMS_STATE("needy", 1, 1) VMS_NEEDED("reg != 0") Needy {
    uint32_t reg;
    uint8_t ram[4096] VMS_LIVE("dirty");
    uint64_t dirty[1];
};
