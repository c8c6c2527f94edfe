/* exit: 1 */
#include <stdint.h>
#include <vms/annotate.h>
struct VMS_STATE("dev", 1, 1) Dev {
    union { uint32_t u; float f; } val;
    uint32_t flag : 1;
    uint32_t n;
    uint8_t tail[];
};
