/* Most annotations at once: flattening, anonymous members, 2-D arrays, pointers, codecs, hooks, subsections. */
#ifndef FEATURES_H
#define FEATURES_H

#include <stdbool.h>
#include <stdint.h>
#include <stddef.h>
#include <vms/annotate.h>
#include <vms/stream.h>

/* The hooks and codecs named below (DESIGN §3 signatures). */
int feat_pre_save(void *opaque, vms_error_t *err);
int feat_post_save(void *opaque);
int feat_pre_load(void *opaque, vms_error_t *err);
int feat_post_load(void *opaque, int version, vms_error_t *err);
int extra_pre_save(void *opaque, vms_error_t *err);
int extra_post_load(void *opaque, int version, vms_error_t *err);
int cfg_get(vms_stream_t *s, void *field, size_t size, vms_error_t *err);
int cfg_put(vms_stream_t *s, const void *field, size_t size, vms_error_t *err);

#define FIFO_LEN 16

enum mode { MODE_OFF, MODE_ON, MODE_TURBO };

struct queue {                       /* no VMS_STATE: flattened into its users as queue.* */
    int32_t rptr, wptr, count;
    uint8_t data[FIFO_LEN];
};

struct VMS_STATE("feat/chan", 2, 1) Chan {
    uint16_t regs[2][3];
    enum mode mode;
};

struct VMS_STATE("feat/extra", 1, 1) VMS_HOOKS(extra_pre_save, -, -, extra_post_load) Extra {
    uint32_t cookie;
};

struct VMS_STATE("feat", 4, 2)
       VMS_TYPE_NAME("feat-device")
       VMS_PRIORITY(3)
       VMS_NEEDED("enabled")
       VMS_HOOKS(feat_pre_save, feat_post_save, feat_pre_load, feat_post_load)
       VMS_CHECK("queue.count <= FIFO_LEN")
       VMS_SUBSECTION_DEF("turbo", 1, "mode == MODE_TURBO && version >= 3") Feat {
    bool enabled;
    struct queue queue;
    struct {
        uint8_t lo, hi;              /* anonymous: transparent, named lo and hi */
    };
    struct Chan chan[2];
    uint32_t n_table;
    uint32_t *table VMS_COUNT("n_table") VMS_ALLOC VMS_MAX(1024);
    uint16_t blob_len;
    uint8_t *blob VMS_COUNT("blob_len") VMS_MAX(64);
    struct Chan *spare VMS_DEREF;
    uint8_t cfg[8] VMS_CODEC(cfg_get, cfg_put, "feat cfg");
    int64_t timer VMS_TYPE("timer");
    uint8_t raw[4] VMS_TYPE("uint8");
    uint32_t magic VMS_EQUAL VMS_NAME("signature");
    enum mode mode VMS_IF("enabled");
    uint16_t boost VMS_IN("turbo");
    bool turbo_present VMS_PRESENT("turbo");
    struct Extra extra VMS_SUBSECTION("extra", "extra.cookie != 0");
    double ratio;
};

#endif
