/* exit: 1 */
#include <stdint.h>
#include <vms/annotate.h>
struct VMS_STATE("dev", 1, 1) Dev {
    double len;
    uint8_t buf[16] VMS_COUNT("len");
};
