/*
 * golden_machine.h: the golden machine "pc-golden-1.0" that saved
 * tests/data/golden/machine.mig: four descriptions, five registrations.
 * test_savevm.c compares it with those bytes; test_mutate.c mutates them.
 */
#ifndef GOLDEN_MACHINE_H
#define GOLDEN_MACHINE_H

#include <stdbool.h>
#include <stdint.h>

#include "testutil.h"

/* VMS_DATA_DIR comes from the test executable's compile definitions. */
#define GOLDEN_DIR VMS_DATA_DIR "/golden"
#define GOLDEN_STREAM GOLDEN_DIR "/machine.mig"
#define GOLDEN_VMDESC GOLDEN_DIR "/machine.vmdesc.json"
#define GOLDEN_ANALYZE_STATE GOLDEN_DIR "/machine.analyze-state.json"
#define GOLDEN_ANALYZE_DESC GOLDEN_DIR "/machine.analyze-desc.json"

#define MACHINE "pc-golden-1.0"

/* Every scalar width, a bool, a buffer, an array, a placeholder, two timers, two subsections. */
struct ctrl {
    int8_t i8;
    uint8_t u8;
    int16_t i16;
    uint16_t u16;
    int32_t i32;
    uint32_t u32;
    int64_t i64;
    uint64_t u64;
    bool flag;
    uint8_t mac[6];
    uint16_t regs[4];
    double gain;
    int64_t idle_timer; /* -1: not armed */
    int64_t tick_timer;
    bool ext_on;        /* not migrated: decides whether ctrl/ext is sent */
    uint32_t ext_val;   /* ctrl/ext */
    uint16_t legacy;    /* ctrl/legacy, sent only when not 0 */
    bool ext_present, legacy_present;
};

/* A nested struct array and a variable array; registered twice with VMS_INSTANCE_ANY. */
struct uart_chan {
    uint16_t divisor;
    int32_t level;
};

struct uart {
    uint8_t lcr;
    uint8_t count;
    uint32_t fifo[8];
    struct uart_chan chan[2];
};

/* Never sent: its top-level needed() is false. */
struct dbg {
    uint32_t trace;
};

/* Higher priority, registered last: goes out first. */
struct pic {
    uint8_t imr, irr;
    bool auto_eoi;
};

struct machine {
    struct ctrl ctrl;
    struct uart uart[2];
    struct dbg dbg;
    struct pic pic;
};

/* Section ids are registration order; the wire order is priority, then registration. */
enum { ID_CTRL, ID_UART0, ID_UART1, ID_DBG, ID_PIC };

extern const struct vms_desc ctrl_desc; /* "ctrl" v3, subsections "ctrl/ext" and "ctrl/legacy" */
extern const struct vms_desc uart_desc; /* "uart" v2 (min 2) */
extern const struct vms_desc dbg_desc;  /* "dbg" v1, never needed */
extern const struct vms_desc pic_desc;  /* "pic" v1, priority 1 */

/* The values machine.mig holds. */
void machine_fill(struct machine *m);

/* A destination before loading: every migrated byte differs from the source's. */
void machine_poison(struct machine *m);

/* A new registry (the caller frees it) with the five registrations, in order, on @m. */
vms_registry_t *machine_registry(struct machine *m);

/* A lookup_fn for walk_stream: the description and member of the machine @ctx. */
const struct vms_desc *machine_lookup(const char *idstr, uint32_t instance, void *ctx,
                                      void **opaque);

/* The golden file at @path (slurp), or a test failure that says how to create it. */
uint8_t *golden(const char *path, size_t *len);

/* vms_save_all of a filled machine: a malloc'd copy of the bytes (the caller frees). */
uint8_t *save_machine(size_t *len);

#endif /* GOLDEN_MACHINE_H */
