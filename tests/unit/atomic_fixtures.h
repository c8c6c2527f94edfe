/*
 * atomic_fixtures.h: devices and checks for the atomic-load tests
 * (test_atomic.c, test_atomic_stream.c).
 *
 * The method: every input is loaded twice, into two devices built alike,
 * once plainly and once with VMS_LOAD_ATOMIC. Both must return the same
 * result. When the atomic load fails, its device (the struct, pointer
 * values included, and everything it points to) must be byte-identical to
 * before; when it succeeds, it must hold what the plain load produced.
 */
#ifndef ATOMIC_FIXTURES_H
#define ATOMIC_FIXTURES_H

#include <stdbool.h>
#include <stdint.h>

#include "testutil.h"

/* Corruptions tried at every byte: the lowest bit, the highest, all of them. */
#define N_FLIPS 3
extern const uint8_t flips[N_FLIPS];

/* ---- device images: the bytes that must not change ---- */

struct img {
    uint8_t *p;
    size_t len, cap;
};

/* Appends @len bytes at @p (free img.p when done). */
void img_add(struct img *m, const void *p, size_t len);

/* Fails the test unless @got equals @want; @what, @at, @flip name the input. */
void img_check(const struct img *got, const struct img *want, const char *what, size_t at,
               uint8_t flip);

/* ---- post_load bookkeeping ---- */

extern char post_log[64];       /* one letter per post_load, in call order */
extern size_t post_log_n;
extern int post_wrong;          /* cx post_load calls on another object than post_reset's */

/* Empties the log; cx's post_load must then see @expect (its struct in the device). */
void post_reset(const void *expect);

/* Appends @c to the log (the fixtures' post_load hooks do). */
void post_log_add(char c);

/* ---- device "sc": scalars only, a range check on `lo` (its last field) ---- */

struct sc {
    uint8_t a;
    int16_t b;
    uint32_t c;
    uint64_t d;
    bool e;
    int32_t arr[4];
    uint8_t mac[6];
    double g;
    int64_t timer;
    uint8_t lo; /* VMS_RANGE(0, 9) */
};

extern const struct vms_desc sc_desc; /* "sc" v1; fields[9] is `lo` */

/* Values that depend on @seed, padding zeroed. */
void sc_fill(struct sc *s, int seed);
void sc_image(const void *obj, bool raw, struct img *m);

/*
 * ---- device "cx": nested structs with post_load, VMS_ALLOC storage, a
 * pointer into itself, VMS_DEREF objects holding VMS_ALLOC storage, a codec,
 * a subsection with a present flag and absent(), a field with a default,
 * pre_load resetting through pointers, a struct check ----
 */

struct chan {
    uint32_t rate;
    uint8_t mode;     /* VMS_RANGE(0, 3) */
    uint32_t seen;    /* not migrated: what post_load saw in rate */
};

struct timer {
    int64_t expire;
    uint32_t cfg;
    uint8_t log_n;
    uint8_t *log;     /* VMS_ALLOC, log_n bytes, at most 8 */
};

struct blob {
    uint8_t len;      /* at most 8: a codec that fails on more */
    uint8_t data[8];
};

struct cx {
    uint32_t id;
    struct chan chan[2];
    uint8_t n;
    uint16_t *queue;          /* VMS_ALLOC, n elements, at most 16 */
    uint32_t nregs;
    uint32_t *regs;           /* points into regs_store: at most 8 */
    uint32_t regs_store[8];
    struct timer *timers[3];  /* VMS_DEREF; timers[1] is NULL */
    struct blob blob;         /* a codec */
    uint16_t extra;           /* subsection cx/extra, sent when not 0 */
    bool extra_present;
    uint8_t opt;              /* since version 2, VMS_DEFAULT(7) */
    /* not migrated: what the hooks did */
    int pre_calls, post_calls;
    uint32_t post_queue_sum;  /* post_load: the sum of the committed queue */
};

/* A cx with the timers it points to, allocated together. */
struct cx_dev {
    struct cx x;
    struct timer t[3];
};

extern const struct vms_desc cx_desc; /* "cx" v2 (min 1) */

/*
 * A new cx holding @seed's values, with queue and logs of its own
 * (different sizes for seeds 0 and 1). Free with cx_destroy().
 */
struct cx_dev *cx_new(int seed);
void cx_destroy(void *obj);

/*
 * The struct and everything it points to. @raw keeps pointer values (for
 * "nothing changed"); without it they are masked, to compare two devices.
 */
void cx_image(const void *obj, bool raw, struct img *m);

/* ---- loading ---- */

/* How many inputs of a sweep loaded, and how many failed. */
struct outcome {
    int ok, failed;
};

/* vms_load_flags of @len bytes (copied, so ASan sees reads past the end). */
int load_with_flags(const struct vms_desc *d, void *obj, int version, const uint8_t *bytes,
                    size_t len, unsigned flags, vms_error_t *err);

#endif /* ATOMIC_FIXTURES_H */
