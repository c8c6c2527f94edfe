/* exit: 1 */
#include <stdint.h>
#include <vms/annotate.h>
struct VMS_STATE("dev", 1, 1) VMS_SUBSECTION_DEF("x", 1, "a > 0") VMS_SUBSECTION_DEF("x", 1, "a > 1") Dev {
    uint32_t a;
};
