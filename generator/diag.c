/* diag.c: compiler-style diagnostics ("file:line:col: error: ...") and their count. */
#include <stdarg.h>

#include "diag.h"

void vg_diags_init(struct vg_diags *d, FILE *out)
{
    d->out = out ? out : stderr;
    d->errors = 0;
    d->warnings = 0;
}

/* "file:line:col: <severity>: <message>\n", leaving out what is unknown (line or column 0). */
__attribute__((format(printf, 4, 0)))
static void report(struct vg_diags *d, struct vg_loc loc, const char *severity, const char *fmt,
                   va_list ap)
{
    FILE *out = d->out ? d->out : stderr;

    if (!loc.file)
        fputs("vmsgen", out);
    else if (!loc.line)
        fputs(loc.file, out);
    else if (!loc.col)
        fprintf(out, "%s:%u", loc.file, loc.line);
    else
        fprintf(out, "%s:%u:%u", loc.file, loc.line, loc.col);
    fprintf(out, ": %s: ", severity);
    vfprintf(out, fmt, ap);
    fputc('\n', out);
    fflush(out); /* keep order with whatever else writes to the same stream */
}

void vg_error(struct vg_diags *d, struct vg_loc loc, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    report(d, loc, "error", fmt, ap);
    va_end(ap);
    d->errors++;
}

void vg_warning(struct vg_diags *d, struct vg_loc loc, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    report(d, loc, "warning", fmt, ap);
    va_end(ap);
    d->warnings++;
}

void vg_note(struct vg_diags *d, struct vg_loc loc, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    report(d, loc, "note", fmt, ap);
    va_end(ap);
}
