/* diff.h: `vmsgen diff OLD.json NEW.json`: migration compatibility of two schemas. */
#ifndef VG_DIFF_H
#define VG_DIFF_H

/*
 * Runs the diff command on its own arguments (those after "diff"). Reads our
 * schemas and QEMU -dump-vmstate files. Returns the exit status: 0
 * compatible, 1 breaking, 2 usage error or unreadable input.
 */
int vg_diff_main(int argc, char **argv);

#endif /* VG_DIFF_H */
