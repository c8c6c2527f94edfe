/* exit: 0 */
#include <stdint.h>
#include <vms/annotate.h>
#define LIMIT 8
struct VMS_STATE("dev", 1, 1) Dev {
    uint8_t n VMS_RANGE(0, LIMIT);
    uint16_t v[LIMIT] VMS_COUNT("n");
};
