/* outfile.h: generated files rewritten in place (the page cache keeps their pages). */
#ifndef VG_OUTFILE_H
#define VG_OUTFILE_H

#include <stdbool.h>
#include <stdio.h>

/*
 * Opens @path for writing without truncating it (creating it if needed);
 * vg_output_close() then cuts it to what was written. Returns NULL with
 * errno set.
 */
FILE *vg_output_open(const char *path);

/*
 * Flushes @f, cuts a regular file to what was written and closes it.
 * Returns @ok, made false by any failure on the way.
 */
bool vg_output_close(FILE *f, bool ok);

#endif /* VG_OUTFILE_H */
