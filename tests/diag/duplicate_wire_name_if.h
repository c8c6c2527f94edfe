/* exit: 1 */
#include <stdbool.h>
#include <stdint.h>
#include <vms/annotate.h>
/* two conditional fields may share a name (QEMU's _TEST pairs); not with an unconditional one */
struct VMS_STATE("dev", 1, 1) Dev {
    bool wide;
    uint16_t narrow_v VMS_IF("!wide") VMS_NAME("v");
    uint32_t wide_v VMS_IF("wide") VMS_NAME("v");
    uint32_t other VMS_NAME("v");
};
