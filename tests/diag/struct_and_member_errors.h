/* exit: 1 */
#include <stdint.h>
#include <vms/annotate.h>
struct VMS_STATE("dev", 1, 1) VMS_NEEDED("nosuch(") Dev {
    void *p;
};
