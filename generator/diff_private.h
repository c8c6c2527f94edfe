/* diff_private.h: what the files of `vmsgen diff` share (rules, findings, reports). */
#ifndef VG_DIFF_PRIVATE_H
#define VG_DIFF_PRIVATE_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

/* The migration direction a finding breaks: forward is old->new, backward new->old. */
enum vg_dir { VG_DIR_NONE, VG_DIR_FORWARD, VG_DIR_BACKWARD, VG_DIR_BOTH, VG_DIR_COND };
enum vg_sev { VG_SEV_NOTE, VG_SEV_WARNING, VG_SEV_ERROR };

extern const char *const vg_dir_word[]; /* "none", "forward", ... (JSON) */
extern const char *const vg_dir_text[]; /* "no break", "breaks forward", ... (text) */
extern const char *const vg_sev_word[]; /* "note", "warning", "error" */

/* A rule: its stable id, usual direction and severity, and the advice reports give. */
struct vg_rule {
    const char *id;
    enum vg_dir dir;
    enum vg_sev sev;
    const char *summary; /* one line: what it means */
    const char *advice;  /* what to do about it */
};

extern const struct vg_rule vg_rules[];
extern const size_t vg_n_rules;

/* The rule named @id, or NULL. */
const struct vg_rule *vg_rule_find(const char *id);

struct vg_finding {
    const char *rule;
    enum vg_dir dir;
    enum vg_sev sev;
    char *section;
    char *path;           /* inside the section; "" for the section itself */
    char *message;
    char *where;          /* vms_source (header:line) or the schema file */
    const char *accepted; /* the reason of the --accept entry that matched, else NULL */
};

/* An entry of --renames: a section key, or a field of the description named @scope. */
struct vg_rename {
    bool section;
    char *scope; /* field renames: the description's name; NULL for sections */
    char *from, *to;
    bool used;
};

struct vg_diff {
    const char *old_file, *new_file;
    struct vg_rename *renames; /* --renames, borrowed */
    size_t n_renames;
    const char *section; /* the section being compared */
    struct vg_finding *f;
    size_t n, cap;
};

/* Compares every section of @old with @new, appending findings to @d. */
void vg_diff_compare(struct vg_diff *d, json_t *old, json_t *new);

/* "section/path" of a finding (heap string). */
char *vg_finding_path(const struct vg_finding *f);

/* printf into a new heap string. */
char *vg_diff_format(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* The reports, on standard output. */
void vg_diff_print_text(const struct vg_diff *d);
void vg_diff_print_json(const struct vg_diff *d);
void vg_diff_print_markdown(const struct vg_diff *d);
void vg_diff_print_sarif(const struct vg_diff *d);

#endif /* VG_DIFF_PRIVATE_H */
