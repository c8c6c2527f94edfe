/* exit: 1 */
#include <stdint.h>
#include <vms/annotate.h>
struct VMS_STATE("dev", 3, 1) Dev {
    uint32_t a;
    uint32_t b VMS_SINCE(5);
};
