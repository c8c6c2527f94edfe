/* annots.h: annotation strings and their locations, for test_front. */
#include <stdint.h>
#include <vms/annotate.h>

#define FIFO_LEN 16
#define FIFO_MAX (FIFO_LEN * 2)

struct VMS_STATE("wdt", 3, 1) VMS_SUBSECTION_DEF("log", 1, "log_used > 0") Wdt {
    uint32_t reload VMS_WAS("uint16", 2);
    uint8_t fifo_len VMS_RANGE(0, FIFO_LEN);
    uint8_t fifo_max VMS_RANGE( 0 ,FIFO_MAX ) VMS_SINCE(2) VMS_DEFAULT("1");
    uint32_t skipped VMS_SKIP;
    uint8_t  log_used VMS_IN("log");
    VMS_IMMUTABLE uint32_t irq_line;
    uint32_t quoted VMS_CHECK("a \"b\" \\ c");
};

struct VMS_STATE("hooks", 1, 1)
       VMS_HOOKS(-, -, -, hooks_post_load) VMS_TYPE_NAME("isa-hooks") Hooks {
    uint8_t cfg[4] VMS_CODEC(cfg_get, cfg_put, "cfg");
    int32_t unused_pad VMS_UNUSED;
    uint32_t n VMS_EQUAL VMS_NAME("count") VMS_RENAMED("num");
};

/* not ours: another tool's annotation is ignored */
struct Foreign {
    int x __attribute__((annotate("other:thing")));
};
