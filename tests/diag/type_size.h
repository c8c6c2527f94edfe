/* exit: 1 */
#include <stdint.h>
#include <vms/annotate.h>
struct VMS_STATE("dev", 1, 1) Dev {
    uint8_t small VMS_TYPE("uint32");
};
