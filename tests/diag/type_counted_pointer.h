/* exit: 1 */
#include <stdint.h>
#include <vms/annotate.h>
/* VMS_TYPE on a counted pointer types each element it points to (QEMU's VARRAY of uint8) */
struct VMS_STATE("dev", 1, 1) Dev {
    uint32_t n;
    uint8_t *bytes VMS_COUNT("n") VMS_MAX(16) VMS_TYPE("uint8");
    uint8_t *wide VMS_COUNT("n") VMS_MAX(16) VMS_TYPE("uint16");
};
