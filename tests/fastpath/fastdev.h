/*
 * fastdev.h: descriptions for test_fast_path, covering what the generated
 * fast path moves (every fixed-size wire type, arrays, buffers, unused
 * bytes, a former wire type, a field added at this version, checks that
 * read earlier and later fields) and what keeps it off (VMS_IF, a nested
 * struct), with hooks and a subsection around it.
 */
#ifndef FASTDEV_H
#define FASTDEV_H

#include <stdbool.h>
#include <stdint.h>
#include <vms/annotate.h>
#include <vms/stream.h>

int fast_pre_save(void *opaque, vms_error_t *err);
int fast_post_load(void *opaque, int version, vms_error_t *err);

struct VMS_STATE("fast/all", 3, 1)
       VMS_HOOKS(fast_pre_save, -, -, fast_post_load)
       VMS_CHECK("i8 != 99")
       VMS_SUBSECTION_DEF("ext", 1, "ext_on") FastAll {
    bool en;
    bool flags[3];
    int8_t i8;
    uint8_t u8;
    int16_t i16;
    uint16_t u16 VMS_WAS("uint8", 2);
    int32_t i32;
    uint32_t u32 VMS_RANGE(0, 100);
    int64_t i64;
    uint64_t u64;
    float f32;
    double f64;
    int64_t timer VMS_TYPE("timer");
    uint16_t regs[2][3];
    uint32_t words[4];
    uint64_t quads[2];
    uint8_t raw[3] VMS_TYPE("uint8");
    uint8_t buf[7];
    uint8_t gone[5] VMS_UNUSED;
    uint32_t late VMS_SINCE(3) VMS_DEFAULT("7");
    uint32_t lim VMS_CHECK("lim <= u32");      /* an earlier field */
    uint32_t fwd VMS_CHECK("fwd <= tail");     /* a later field: its value before the load */
    uint32_t tail;
    uint32_t saves VMS_SKIP;                   /* counted by fast_pre_save */
    uint32_t loads VMS_SKIP;                   /* counted by fast_post_load */
    bool ext_on;
    uint16_t ext_val VMS_IN("ext");
};

/* VMS_IF makes presence depend on the state: no fast path. */
struct VMS_STATE("fast/cond", 1, 1) FastCond {
    uint8_t mode;
    uint32_t extra VMS_IF("mode > 0");
};

/* A nested struct keeps the outer table walk; the inner one has its own fast path. */
struct VMS_STATE("fast/inner", 1, 1) FastInner {
    uint16_t a VMS_RANGE(0, 1000);
    uint32_t b;
};

struct VMS_STATE("fast/outer", 1, 1) FastOuter {
    uint8_t tag;
    struct FastInner in[2];
};

#endif
