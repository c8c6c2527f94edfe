/* engine_private.h: what the engine's files (engine.c, engine_save.c, engine_load.c) share. */
#ifndef VMS_ENGINE_PRIVATE_H
#define VMS_ENGINE_PRIVATE_H

#include <vms/fast.h>

#include "vms_private.h"

#define SUBSECTION_MARKER 0x05

/* One step of the path to the value being processed: "/name", ".name" or "[i]". */
struct frame {
    char sep;         /* '/', '.' or 0 (root, subsection suffix); unused for indexes */
    bool is_index;
    const char *name;
    size_t index;
};

/* Frames per nesting level: a field and an element index, plus a subsection. */
#define MAX_FRAMES (3 * VMS_MAX_DEPTH + 4)

/*
 * One save or load in progress: where we are (kept as frames, formatted into
 * a path string only when an error is reported) and where to report.
 */
struct ctx {
    vms_stream_t *s;
    vms_error_t *err;
    struct vmsp_json *desc; /* vmdesc sink while saving, else NULL */
    /* vmdesc: descriptions known to repeat a field name or not (desc_field_name) */
    struct {
        const struct vms_desc *d;
        bool repeats;
    } names[8];
    unsigned names_next;
    struct vmsp_txn *txn;   /* atomic load: allocations and post_load go through it */
    int depth;
    size_t nframes;
    struct frame frames[MAX_FRAMES];
};

/* An integer of any wire type, widened without loss: sign flag plus magnitude bits. */
struct wide {
    bool neg;
    uint64_t bits; /* two's complement value when neg */
};

/* Error paths: frames pushed while descending, formatted only when an error is reported. */
size_t vmsp_path_name(struct ctx *c, char sep, const char *name);
size_t vmsp_path_index(struct ctx *c, size_t index);
void vmsp_path_pop(struct ctx *c, size_t mark);
void vmsp_ctx_init(struct ctx *c, vms_stream_t *s, vms_error_t *err, const char *root);

/* Records a semantic error at the current path and poisons the stream. */
int vmsp_fail(struct ctx *c, int code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Reports the stream's sticky error at the current path. */
int vmsp_stream_fail(struct ctx *c);
/* 0, or the stream's sticky error reported at the current path. */
int vmsp_check_stream(struct ctx *c);
/* A hook's result: 0, or its failure with its own detail when it gave one. */
int vmsp_hook_result(struct ctx *c, int ret, const vms_error_t *herr, const char *hook,
                     const struct vms_desc *d);

/* Integers of any width and signedness. */
struct wide vmsp_wide_from(const void *p, enum vms_wire_type t, size_t width);
bool vmsp_wide_fits(struct wide w, enum vms_wire_type t);
void vmsp_format_wide(char *buf, size_t len, struct wide w);
void vmsp_store_unsigned(void *p, size_t width, uint64_t v);

/* Whether the fast path is on (vms_set_fast_path(), VMS_FAST_PATH). */
bool vmsp_fast_enabled(void);

/*
 * A single scalar with nothing conditional about it at @version: no flags,
 * no VMS_IF, no former wire type. The engine moves it inline, without the
 * general per-field path (which it falls back to when the buffer is short).
 */
static inline bool vmsp_plain_scalar(const struct vms_field *f, int version)
{
    return f->flags == 0 && f->num <= 1 && (unsigned)f->type <= VMS_WT_TIMER && !f->exists &&
           version >= f->since && (f->until == 0 || version < f->until) &&
           (f->was_until == 0 || version >= f->was_until);
}

/* The element count of @f now, bounded by its capacity (an error at the current path). */
int vmsp_field_count_at(struct ctx *c, const struct vms_field *f, const void *opaque, size_t *n);
/* Whether @f is on the wire at @version (since, until, exists). */
bool vmsp_field_present(const struct vms_field *f, const void *opaque, int version);

#endif /* VMS_ENGINE_PRIVATE_H */
