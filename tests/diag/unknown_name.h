/* exit: 1 */
#include <stdint.h>
#include <vms/annotate.h>
struct VMS_STATE("dev", 2, 1) Dev {
    uint32_t count;
    uint32_t extra VMS_IF("cuont > 0");
};
