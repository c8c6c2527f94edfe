/* exit: 1 */
#include <stdint.h>
#include <vms/annotate.h>
struct VMS_STATE("a", 1, 1) NoBitmap {
    uint8_t ram[8192] VMS_LIVE("ram_dirty");
};
struct VMS_STATE("b", 1, 1) WrongType {
    uint8_t ram[8192] VMS_LIVE("ram_dirty");
    uint32_t ram_dirty[2];
};
struct VMS_STATE("c", 1, 1) TooSmall {
    uint8_t ram[1048576] VMS_LIVE("ram_dirty");
    uint64_t ram_dirty[3];
};
struct VMS_STATE("d", 1, 1) Shared {
    uint8_t one[4096] VMS_LIVE("dirty");
    uint8_t two[4096] VMS_LIVE("dirty");
    uint64_t dirty[1];
};
struct VMS_STATE("e", 1, 1) Migrated {
    uint32_t reg;
    uint8_t ram[4096] VMS_LIVE("ram_dirty");
    uint64_t ram_dirty[1] VMS_RANGE(0, 1);
};
struct VMS_STATE("f", 1, 1) Itself {
    uint8_t ram[4096] VMS_LIVE("ram");
};
