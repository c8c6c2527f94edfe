/* exit: 1 */
#include <stdint.h>
#include <vms/annotate.h>
struct VMS_STATE("dev", 2, 1) VMS_SUBSECTION_DEF("sub", 1, "n > 0") Dev {
    uint32_t n;
    uint32_t scalar VMS_LIVE("dirty");
    uint8_t grid[4][4096] VMS_LIVE("dirty");
    float values[1024] VMS_LIVE("dirty");
    uint8_t counted[4096] VMS_LIVE("dirty") VMS_COUNT("n");
    uint8_t conditional[4096] VMS_LIVE("dirty") VMS_IF("n > 1");
    uint8_t versioned[4096] VMS_LIVE("dirty") VMS_SINCE(2);
    uint8_t in_sub[4096] VMS_LIVE("dirty") VMS_IN("sub");
    uint8_t chunk_only[4096] VMS_LIVE_CHUNK(1024);
    uint8_t odd_chunk[4096] VMS_LIVE("dirty") VMS_LIVE_CHUNK(3000);
    uint64_t small_chunk[512] VMS_LIVE("dirty") VMS_LIVE_CHUNK(4);
    uint8_t zero_chunk[4096] VMS_LIVE("dirty") VMS_LIVE_CHUNK(0);
    uint64_t dirty[1];
};
