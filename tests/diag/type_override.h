/* exit: 1 */
#include <stdint.h>
#include <vms/annotate.h>
struct plain { uint16_t a, b; };
struct VMS_STATE("dev", 2, 1) Dev {
    long ticks VMS_TYPE("int64");
    struct plain p VMS_TYPE("buffer");
    union { uint32_t u; float f; } val VMS_TYPE("buffer");
    uint32_t regs[4];
    uint32_t idx VMS_IF("regs[2] > 0");
    uint16_t w VMS_WAS("uint8", 3);
};
