/* depfile.c: a make-style dependency file listing every file the header pulled in. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "model.h"

/* Writes @path escaped for make (and Ninja's depfile reader): spaces, '#' and '$'. */
static void put_path(FILE *out, const char *path)
{
    for (const char *p = path; *p; p++) {
        if (*p == ' ' || *p == '#' || *p == '\\')
            fputc('\\', out);
        if (*p == '$')
            fputc('$', out);
        fputc(*p, out);
    }
}

int vg_write_depfile(const char *path, const char *const *targets, size_t n_targets,
                     const struct vg_tu *tu, struct vg_diags *d)
{
    FILE *out = fopen(path, "w");

    if (!out) {
        vg_error(d, (struct vg_loc){0}, "cannot write depfile '%s': %s", path, strerror(errno));
        return -1;
    }
    for (size_t i = 0; i < n_targets; i++) {
        put_path(out, targets[i]);
        fputs(i + 1 < n_targets ? " " : ":", out);
    }
    for (size_t i = 0; i < tu->n_includes; i++) {
        fputs(" \\\n  ", out);
        put_path(out, tu->includes[i]);
    }
    fputc('\n', out);
    if (fclose(out) != 0) {
        vg_error(d, (struct vg_loc){0}, "writing depfile '%s' failed", path);
        return -1;
    }
    return 0;
}
