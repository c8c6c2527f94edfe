/* exit: 1 */
/* CRLF line ends, one lone CR and a tab: line and column as clang counts them */
#include <stdint.h>
#include <vms/annotate.h>
struct VMS_STATE("dev", 1, 1) Dev {
    uint32_t a;    uint32_t b VMS_IF("a >");
	uint32_t c VMS_IF("a <");
    uint32_t d VMS_RANGE(0, 4) VMS_IF("q");
};
