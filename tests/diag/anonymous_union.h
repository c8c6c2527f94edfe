/* exit: 1 */
#include <stdint.h>
#include <vms/annotate.h>
struct VMS_STATE("dev", 1, 1) Dev {
    union { uint32_t u; float f; };
    uint32_t after;
};
