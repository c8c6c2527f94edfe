/* exit: 1 */
#include <stdint.h>
#include <vms/annotate.h>
struct VMS_STATE("dev", 4, 1) VMS_SUBSECTION_DEF("extra", 1, "a > 0") Dev {
    uint32_t a;
    uint32_t b VMS_IN("extra") VMS_SINCE(3);
};
