/* exit: 1 */
#include <vms/annotate.h>
struct VMS_STATE("dev", 1, 1) Dev {
    unknown_type_t a;
};
