/* diag.h: compiler-style diagnostics ("file:line:col: error: ...") and their count. */
#ifndef VG_DIAG_H
#define VG_DIAG_H

#include <stdio.h>

/* A place in a source file; file NULL means "no location". Columns count from 1. */
struct vg_loc {
    const char *file;
    unsigned line, col;
};

struct vg_diags {
    FILE *out;        /* where messages go (stderr; tests may use a memstream) */
    unsigned errors;
    unsigned warnings;
};

void vg_diags_init(struct vg_diags *d, FILE *out);

/* Prints "file:line:col: error: <message>" (or without the location) and counts it. */
void vg_error(struct vg_diags *d, struct vg_loc loc, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void vg_warning(struct vg_diags *d, struct vg_loc loc, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* A note attached to the previous diagnostic; not counted. */
void vg_note(struct vg_diags *d, struct vg_loc loc, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif /* VG_DIAG_H */
