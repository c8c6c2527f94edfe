/* warn.h: an annotation where compilers ignore it (a warning, not an error). */
#include <stdint.h>
#include <vms/annotate.h>

VMS_SKIP struct Ignored {
    uint32_t a;
};
