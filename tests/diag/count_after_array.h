/* exit: 1 */
#include <stdint.h>
#include <vms/annotate.h>
struct VMS_STATE("dev", 1, 1) Dev {
    uint16_t v[8] VMS_COUNT("n");
    uint8_t n;
};
