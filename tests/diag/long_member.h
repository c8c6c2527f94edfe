/* exit: 1 */
#include <stddef.h>
#include <vms/annotate.h>
struct VMS_STATE("dev", 1, 1) Dev {
    long ticks;
    size_t len;
};
