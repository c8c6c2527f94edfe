/*
 * diff.c: `vmsgen diff OLD.json NEW.json`: compares two schemas (ours, or
 * QEMU -dump-vmstate files) and classifies every change by a stable rule id
 * and the migration direction it breaks (DESIGN §7).
 *
 * Forward means a stream of the old release loaded by the new one; backward
 * a stream of the new release loaded by the old one. Sections are matched by
 * key, fields in order (with renames, insertions and removals recognised),
 * nested descriptions recursively, subsections by name.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "diff.h"
#include "xalloc.h"

enum dir { DIR_NONE, DIR_FORWARD, DIR_BACKWARD, DIR_BOTH, DIR_COND };
enum sev { SEV_NOTE, SEV_WARNING, SEV_ERROR };

static const char *const dir_word[] = {"none", "forward", "backward", "both", "conditional"};
static const char *const dir_text[] = {"no break", "breaks forward", "breaks backward",
                                       "breaks both", "breaks conditionally"};
static const char *const sev_word[] = {"note", "warning", "error"};

/* Every rule id a finding (and so an --accept line) may name. */
static const char *const rule_ids[] = {
    "SECTION_REMOVED", "SECTION_ADDED", "SECTION_NAME_CHANGED", "VERSION_LOWERED",
    "MIN_VERSION_RAISED", "FIELD_REMOVED", "FIELD_ADDED_UNVERSIONED", "FIELD_ADDED_VERSIONED",
    "FIELD_SIZE_CHANGED", "FIELD_TYPE_CHANGED", "FIELD_RENAMED_IN_PLACE", "FIELD_ORDER_CHANGED",
    "FIELD_EXISTS_CHANGED", "PREDICATE_CHANGED", "FIELD_VERSION_CHANGED", "UNUSED_SIZE_CHANGED",
    "SUBSECTION_REMOVED", "SUBSECTION_ADDED", "DESCRIPTION_MISSING", "NESTED_NAME_CHANGED",
};

struct finding {
    const char *rule;
    enum dir dir;
    enum sev sev;
    char *section;
    char *path;          /* inside the section; "" for the section itself */
    char *message;
    char *where;         /* vms_source (header:line) or the schema file */
    const char *accepted; /* the reason of the --accept entry that matched, else NULL */
};

struct accept_entry {
    char *rule;
    char *path; /* section[/path] */
    char *reason;
    unsigned line;
    bool used;
};

struct diff {
    const char *old_file, *new_file;
    const char *section; /* the section being compared */
    struct finding *f;
    size_t n, cap;
};

static char *vformat(const char *fmt, va_list ap) __attribute__((format(printf, 1, 0)));

static char *vformat(const char *fmt, va_list ap)
{
    va_list copy;
    int len;
    char *s;

    va_copy(copy, ap);
    len = vsnprintf(NULL, 0, fmt, copy);
    va_end(copy);
    s = vg_xmalloc(len > 0 ? (size_t)len + 1 : 1);
    vsnprintf(s, len > 0 ? (size_t)len + 1 : 1, fmt, ap);
    return s;
}

static char *format(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static char *format(const char *fmt, ...)
{
    va_list ap;
    char *s;

    va_start(ap, fmt);
    s = vformat(fmt, ap);
    va_end(ap);
    return s;
}

static const char *jstr(const json_t *obj, const char *key)
{
    return json_string_value(json_object_get(obj, key));
}

static long long jint(const json_t *obj, const char *key, long long dflt)
{
    const json_t *v = json_object_get(obj, key);

    return json_is_integer(v) ? (long long)json_integer_value(v) : dflt;
}

static const char *fname(const json_t *field)
{
    const char *s = jstr(field, "field");

    return s ? s : "";
}

/* size × num: what the field occupies, as QEMU's checker compares "unused" entries. */
static long long total_size(const json_t *field)
{
    long long num = jint(field, "num", 1);

    return jint(field, "size", 0) * (num > 0 ? num : 1);
}

static bool same_str(const char *a, const char *b)
{
    return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

static char *join(const char *path, const char *name)
{
    return *path ? format("%s/%s", path, name) : vg_xstrdup(name);
}

static void report(struct diff *d, const char *rule, enum dir dir, enum sev sev, const char *path,
                   const json_t *src_field, const char *file, const char *fmt, ...)
    __attribute__((format(printf, 8, 9)));

/* Records one finding; @src_field's vms_source, when it has one, locates it instead of @file. */
static void report(struct diff *d, const char *rule, enum dir dir, enum sev sev, const char *path,
                   const json_t *src_field, const char *file, const char *fmt, ...)
{
    const char *src = src_field ? jstr(src_field, "vms_source") : NULL;
    struct finding *f;
    va_list ap;

    vg_grow(&d->f, &d->cap, d->n + 1, sizeof(*d->f));
    f = &d->f[d->n++];
    f->rule = rule;
    f->dir = dir;
    f->sev = sev;
    f->section = vg_xstrdup(d->section);
    f->path = vg_xstrdup(path);
    f->where = vg_xstrdup(src ? src : file);
    f->accepted = NULL;
    va_start(ap, fmt);
    f->message = vformat(fmt, ap);
    va_end(ap);
}

static void compare_desc(struct diff *d, const json_t *od, const json_t *nd, const char *path,
                         bool versioned);

/* Index of the first field named @name in @fields from @from on, else -1. */
static long find_field(const json_t *fields, const char *name, size_t from)
{
    for (size_t k = from; k < json_array_size(fields); k++)
        if (strcmp(fname(json_array_get(fields, k)), name) == 0)
            return (long)k;
    return -1;
}

/* True when no field of @a in [from, to) appears in @b from @b_from on. */
static bool all_absent(const json_t *a, size_t from, size_t to, const json_t *b, size_t b_from)
{
    for (size_t k = from; k < to; k++)
        if (find_field(b, fname(json_array_get(a, k)), b_from) >= 0)
            return false;
    return true;
}

static void field_added(struct diff *d, const json_t *fn, const char *path, bool versioned,
                        long long old_version)
{
    long long since = jint(fn, "version_id", 0);
    char *fpath = join(path, fname(fn));

    if (versioned && since > old_version)
        report(d, "FIELD_ADDED_VERSIONED", DIR_BACKWARD, SEV_ERROR, fpath, fn, d->new_file,
               "new field '%s' is sent from version %lld on, above the old version %lld: the old "
               "release cannot load the new stream (a subsection keeps it loadable)",
               fname(fn), since, old_version);
    else
        report(d, "FIELD_ADDED_UNVERSIONED", DIR_BOTH, SEV_ERROR, fpath, fn, d->new_file,
               "new field '%s' is sent at %s: neither release can read the other's stream "
               "(put it in a subsection)",
               fname(fn), versioned ? "every version the old release sends" :
                                      "every version (a nested struct has no wire version)");
    free(fpath);
}

static void field_removed(struct diff *d, const json_t *fo, const char *path)
{
    char *fpath = join(path, fname(fo));

    report(d, "FIELD_REMOVED", DIR_BOTH, SEV_ERROR, fpath, fo, d->old_file,
           "field '%s' was removed: the streams of the two releases differ", fname(fo));
    free(fpath);
}

/* Compares a field of the old schema with its counterpart in the new one. */
static void compare_field(struct diff *d, const json_t *fo, const json_t *fn, const char *path,
                          bool versioned, long long old_version)
{
    const json_t *od = json_object_get(fo, "Description");
    const json_t *nd = json_object_get(fn, "Description");
    char *fpath = join(path, fname(fn));
    long long osize = total_size(fo), nsize = total_size(fn);
    long long osince = jint(fo, "version_id", 0), nsince = jint(fn, "version_id", 0);
    const char *otype = jstr(fo, "vms_type"), *ntype = jstr(fn, "vms_type");

    if (json_is_object(od) && !json_is_object(nd)) {
        report(d, "DESCRIPTION_MISSING", DIR_BOTH, SEV_ERROR, fpath, fn, d->new_file,
               "field '%s' no longer nests description '%s'", fname(fn), jstr(od, "name"));
    } else if (json_is_object(od)) {
        if (!same_str(jstr(od, "name"), jstr(nd, "name")))
            report(d, "NESTED_NAME_CHANGED", DIR_NONE, SEV_WARNING, fpath, fn, d->new_file,
                   "nested description renamed from '%s' to '%s' (not on the wire)",
                   jstr(od, "name") ? jstr(od, "name") : "", jstr(nd, "name") ? jstr(nd, "name") : "");
        compare_desc(d, od, nd, fpath, false);
    } else if (osize != nsize) {
        const char *was = jstr(fn, "vms_was_type");
        long long was_until = jint(fn, "vms_was_until", -1);

        if (strcmp(fname(fo), "unused") == 0 || strcmp(fname(fn), "unused") == 0)
            report(d, "UNUSED_SIZE_CHANGED", DIR_BOTH, SEV_ERROR, fpath, fn, d->new_file,
                   "unused bytes changed from %lld to %lld", osize, nsize);
        else if (was && old_version <= was_until)
            report(d, "FIELD_SIZE_CHANGED", DIR_NONE, SEV_NOTE, fpath, fn, d->new_file,
                   "field '%s' size %lld -> %lld, explained: still %s up to version %lld "
                   "(vms_was_type)", fname(fn), osize, nsize, was, was_until);
        else
            report(d, "FIELD_SIZE_CHANGED", DIR_BOTH, SEV_ERROR, fpath, fn, d->new_file,
                   "field '%s' size changed from %lld to %lld", fname(fn), osize, nsize);
    } else if (otype && ntype && strcmp(otype, ntype) != 0) {
        report(d, "FIELD_TYPE_CHANGED", DIR_BOTH, SEV_ERROR, fpath, fn, d->new_file,
               "field '%s' type changed from %s to %s with the same size", fname(fn), otype, ntype);
    }

    if (json_is_true(json_object_get(fo, "field_exists")) !=
        json_is_true(json_object_get(fn, "field_exists")))
        report(d, "FIELD_EXISTS_CHANGED", DIR_COND, SEV_WARNING, fpath, fn, d->new_file,
               "field '%s' %s", fname(fn),
               json_is_true(json_object_get(fn, "field_exists")) ?
                   "is now conditional: the streams differ whenever its condition is false" :
                   "is no longer conditional: the streams differ whenever the old condition was "
                   "false");
    else if (!same_str(jstr(fo, "vms_if"), jstr(fn, "vms_if")))
        report(d, "PREDICATE_CHANGED", DIR_COND, SEV_WARNING, fpath, fn, d->new_file,
               "condition of field '%s' changed from '%s' to '%s'", fname(fn),
               jstr(fo, "vms_if") ? jstr(fo, "vms_if") : "", jstr(fn, "vms_if") ? jstr(fn, "vms_if") : "");

    if (osince != nsince) {
        bool breaks = versioned && nsince > old_version && osince <= old_version;

        report(d, "FIELD_VERSION_CHANGED", breaks ? DIR_FORWARD : DIR_NONE,
               breaks ? SEV_ERROR : SEV_WARNING, fpath, fn, d->new_file,
               "field '%s' version_id changed from %lld to %lld%s", fname(fn), osince, nsince,
               breaks ? ": the new release skips it in old streams that carry it" : "");
    }
    free(fpath);
}

/* Fields in order: renames, insertions and removals are recognised, then comparing goes on. */
static void compare_fields(struct diff *d, const json_t *of, const json_t *nf, const char *path,
                           bool versioned, long long old_version)
{
    size_t no = json_array_size(of), nn = json_array_size(nf);
    size_t i = 0, j = 0;

    while (i < no && j < nn) {
        const json_t *fo = json_array_get(of, i), *fn = json_array_get(nf, j);
        const char *oname = fname(fo), *nname = fname(fn);
        const char *from = jstr(fn, "vms_renamed_from");
        long k;

        if (strcmp(oname, nname) == 0) {
            compare_field(d, fo, fn, path, versioned, old_version);
            i++, j++;
        } else if (from && strcmp(from, oname) == 0) {
            char *fpath = join(path, nname);

            report(d, "FIELD_RENAMED_IN_PLACE", DIR_NONE, SEV_NOTE, fpath, fn, d->new_file,
                   "field '%s' renamed to '%s' (vms_renamed_from)", oname, nname);
            free(fpath);
            compare_field(d, fo, fn, path, versioned, old_version);
            i++, j++;
        } else if ((k = find_field(nf, oname, j + 1)) >= 0 &&
                   all_absent(nf, j, (size_t)k, of, i)) {
            for (; j < (size_t)k; j++)
                field_added(d, json_array_get(nf, j), path, versioned, old_version);
        } else if ((k = find_field(of, nname, i + 1)) >= 0 &&
                   all_absent(of, i, (size_t)k, nf, j)) {
            for (; i < (size_t)k; i++)
                field_removed(d, json_array_get(of, i), path);
        } else if (find_field(nf, oname, j) < 0 && find_field(of, nname, i) < 0) {
            char *fpath = join(path, nname);

            report(d, "FIELD_RENAMED_IN_PLACE", DIR_NONE, SEV_WARNING, fpath, fn, d->new_file,
                   "field '%s' renamed in place to '%s'%s", oname, nname,
                   total_size(fo) == total_size(fn) ? " with the same size: wire-neutral" : "");
            free(fpath);
            compare_field(d, fo, fn, path, versioned, old_version);
            i++, j++;
        } else {
            char *fpath = join(path, nname);

            report(d, "FIELD_ORDER_CHANGED", DIR_BOTH, SEV_ERROR, fpath, fn, d->new_file,
                   "expected field '%s', got '%s': the field order changed; the rest of this "
                   "description is not compared", oname, nname);
            free(fpath);
            return;
        }
    }
    for (; j < nn; j++)
        field_added(d, json_array_get(nf, j), path, versioned, old_version);
    for (; i < no; i++)
        field_removed(d, json_array_get(of, i), path);
}

static const json_t *find_sub(const json_t *subs, const char *name)
{
    for (size_t k = 0; k < json_array_size(subs); k++)
        if (same_str(jstr(json_array_get(subs, k), "name"), name))
            return json_array_get(subs, k);
    return NULL;
}

static void compare_subsections(struct diff *d, const json_t *os, const json_t *ns,
                                const char *path)
{
    for (size_t k = 0; k < json_array_size(os); k++) {
        const json_t *o = json_array_get(os, k);
        const char *name = jstr(o, "name") ? jstr(o, "name") : "";
        const json_t *n = find_sub(ns, name);
        char *bracket = format("[%s]", name);
        char *spath = join(path, bracket);

        if (!n)
            report(d, "SUBSECTION_REMOVED", DIR_COND, SEV_ERROR, spath, NULL, d->old_file,
                   "subsection '%s' was removed: old streams that carry it cannot be loaded",
                   name);
        else
            compare_desc(d, o, n, spath, true);
        free(spath);
        free(bracket);
    }
    for (size_t k = 0; k < json_array_size(ns); k++) {
        const json_t *n = json_array_get(ns, k);
        const char *name = jstr(n, "name") ? jstr(n, "name") : "";
        char *bracket, *spath;

        if (find_sub(os, name))
            continue;
        bracket = format("[%s]", name);
        spath = join(path, bracket);
        report(d, "SUBSECTION_ADDED", DIR_COND, SEV_WARNING, spath,
               json_array_get(json_object_get(n, "Fields"), 0), d->new_file,
               "new subsection '%s': the old release cannot load streams that carry it "
               "(whenever it is needed)", name);
        free(spath);
        free(bracket);
    }
}

/*
 * One description against its counterpart. @versioned: its version is on
 * the wire (a section or a subsection); a nested struct is always loaded at
 * its own current version.
 */
static void compare_desc(struct diff *d, const json_t *od, const json_t *nd, const char *path,
                         bool versioned)
{
    long long ov = jint(od, "version_id", 0), nv = jint(nd, "version_id", 0);
    long long omin = jint(od, "minimum_version_id", 0), nmin = jint(nd, "minimum_version_id", 0);

    if (versioned && nv < ov)
        report(d, "VERSION_LOWERED", DIR_FORWARD, SEV_ERROR, path, NULL, d->new_file,
               "version_id lowered from %lld to %lld: the new release rejects old streams",
               ov, nv);
    if (versioned && nmin > ov)
        report(d, "MIN_VERSION_RAISED", DIR_FORWARD, SEV_ERROR, path, NULL, d->new_file,
               "minimum_version_id %lld is above the old version_id %lld: the new release "
               "rejects old streams", nmin, ov);
    else if (versioned && nmin > omin)
        report(d, "MIN_VERSION_RAISED", DIR_NONE, SEV_NOTE, path, NULL, d->new_file,
               "minimum_version_id raised from %lld to %lld (still accepts version %lld)",
               omin, nmin, ov);
    compare_fields(d, json_object_get(od, "Fields"), json_object_get(nd, "Fields"), path,
                   versioned, ov);
    compare_subsections(d, json_object_get(od, "Subsections"), json_object_get(nd, "Subsections"),
                        path);
}

static void compare_sections(struct diff *d, json_t *old, json_t *new)
{
    const char *key;
    json_t *o, *n;

    json_object_foreach(old, key, o) {
        const json_t *od, *nd;

        if (strcmp(key, "vmschkmachine") == 0)
            continue;
        d->section = key;
        n = json_object_get(new, key);
        if (!n) {
            report(d, "SECTION_REMOVED", DIR_FORWARD, SEV_ERROR, "", NULL, d->old_file,
                   "section '%s' does not exist in the new schema: old streams that carry it "
                   "cannot be loaded", key);
            continue;
        }
        od = json_object_get(o, "Description");
        nd = json_object_get(n, "Description");
        if (json_is_object(od) && !json_is_object(nd)) {
            report(d, "DESCRIPTION_MISSING", DIR_BOTH, SEV_ERROR, "", NULL, d->new_file,
                   "section '%s' has no description in the new schema", key);
            continue;
        }
        if (!json_is_object(od))
            continue;
        if (!same_str(jstr(od, "name"), jstr(nd, "name")))
            report(d, "SECTION_NAME_CHANGED", DIR_BOTH, SEV_ERROR, "", NULL, d->new_file,
                   "description renamed from '%s' to '%s': the section's name on the wire "
                   "changed", jstr(od, "name") ? jstr(od, "name") : "",
                   jstr(nd, "name") ? jstr(nd, "name") : "");
        compare_desc(d, od, nd, "", true);
    }
    json_object_foreach(new, key, n) {
        if (strcmp(key, "vmschkmachine") == 0 || json_object_get(old, key))
            continue;
        d->section = key;
        report(d, "SECTION_ADDED", DIR_NONE, SEV_NOTE, "", NULL, d->new_file,
               "new section '%s'", key);
    }
    d->section = NULL;
}

/* Reads a schema; prints the error and returns NULL when it is unreadable or not a schema. */
static json_t *load_schema(const char *file)
{
    json_error_t err;
    json_t *root = json_load_file(file, 0, &err);
    const char *key;
    json_t *v;

    if (!root) {
        if (err.line < 0)
            fprintf(stderr, "vmsgen diff: %s: %s\n", file, err.text);
        else
            fprintf(stderr, "vmsgen diff: %s:%d:%d: %s\n", file, err.line, err.column, err.text);
        return NULL;
    }
    if (!json_is_object(root)) {
        fprintf(stderr, "vmsgen diff: %s: not a schema: the top level is not an object\n", file);
        json_decref(root);
        return NULL;
    }
    json_object_foreach(root, key, v) {
        if (!json_is_object(v)) {
            fprintf(stderr, "vmsgen diff: %s: not a schema: section '%s' is not an object\n",
                    file, key);
            json_decref(root);
            return NULL;
        }
    }
    return root;
}

static bool known_rule(const char *rule)
{
    for (size_t k = 0; k < sizeof(rule_ids) / sizeof(rule_ids[0]); k++)
        if (strcmp(rule_ids[k], rule) == 0)
            return true;
    return false;
}

static char *trim(char *s)
{
    char *end;

    while (*s == ' ' || *s == '\t')
        s++;
    end = s + strlen(s);
    while (end > s && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\n' || end[-1] == '\r'))
        *--end = '\0';
    return s;
}

/* Reads an --accept file: "RULE_ID section/path  # reason" per line. Returns 0 or 2. */
static int load_accept(const char *file, struct accept_entry **out, size_t *n_out)
{
    FILE *in = fopen(file, "r");
    char *line = NULL;
    size_t len = 0, cap = 0, n = 0;
    struct accept_entry *e = NULL;
    unsigned lineno = 0;
    int ret = 0;

    if (!in) {
        fprintf(stderr, "vmsgen diff: cannot read accept file '%s'\n", file);
        return 2;
    }
    while (getline(&line, &len, in) >= 0) {
        char *text, *hash, *rule, *path;

        lineno++;
        hash = strchr(line, '#');
        if (hash)
            *hash++ = '\0';
        text = trim(line);
        if (!*text)
            continue;
        rule = text;
        path = rule + strcspn(rule, " \t");
        if (*path)
            *path++ = '\0';
        path = trim(path);
        if (!known_rule(rule) || !*path) {
            fprintf(stderr, "%s:%u: error: expected 'RULE_ID section/path  # reason'%s%s%s\n",
                    file, lineno, known_rule(rule) ? "" : " (unknown rule '",
                    known_rule(rule) ? "" : rule, known_rule(rule) ? "" : "')");
            ret = 2;
            break;
        }
        vg_grow(&e, &cap, n + 1, sizeof(*e));
        e[n].rule = vg_xstrdup(rule);
        e[n].path = vg_xstrdup(path);
        e[n].reason = vg_xstrdup(hash ? trim(hash) : "");
        e[n].line = lineno;
        e[n].used = false;
        n++;
    }
    free(line);
    fclose(in);
    *out = e;
    *n_out = n;
    return ret;
}

static char *full_path(const struct finding *f)
{
    return *f->path ? format("%s/%s", f->section, f->path) : vg_xstrdup(f->section);
}

static void apply_accept(struct diff *d, struct accept_entry *e, size_t n_e, const char *file)
{
    for (size_t i = 0; i < d->n; i++) {
        char *p = full_path(&d->f[i]);

        for (size_t k = 0; k < n_e; k++)
            if (strcmp(e[k].rule, d->f[i].rule) == 0 && strcmp(e[k].path, p) == 0) {
                d->f[i].accepted = e[k].reason;
                e[k].used = true;
                break;
            }
        free(p);
    }
    for (size_t k = 0; k < n_e; k++)
        if (!e[k].used)
            fprintf(stderr, "%s:%u: warning: stale entry: no %s finding at '%s'\n", file,
                    e[k].line, e[k].rule, e[k].path);
}

static void print_text(const struct diff *d)
{
    size_t count[3] = {0, 0, 0}, accepted = 0;

    for (size_t i = 0; i < d->n; i++) {
        const struct finding *f = &d->f[i];
        char *p = full_path(f);

        if (f->accepted) {
            printf("%s: accepted: %s: %s [%s, %s] (%s)\n", f->where, p, f->message, f->rule,
                   dir_text[f->dir], *f->accepted ? f->accepted : "no reason given");
            accepted++;
        } else {
            printf("%s: %s: %s: %s [%s, %s]\n", f->where, sev_word[f->sev], p, f->message,
                   f->rule, dir_text[f->dir]);
            count[f->sev]++;
        }
        free(p);
    }
    printf("%s -> %s: %s: %zu breaking, %zu warnings, %zu notes, %zu accepted\n", d->old_file,
           d->new_file, count[SEV_ERROR] ? "incompatible" : "compatible", count[SEV_ERROR],
           count[SEV_WARNING], count[SEV_NOTE], accepted);
}

static void print_json(const struct diff *d)
{
    json_t *arr = json_array();

    for (size_t i = 0; i < d->n; i++) {
        const struct finding *f = &d->f[i];
        json_t *o = json_object();

        json_object_set_new(o, "rule", json_string(f->rule));
        json_object_set_new(o, "direction", json_string(dir_word[f->dir]));
        json_object_set_new(o, "severity", json_string(f->accepted ? "accepted" : sev_word[f->sev]));
        json_object_set_new(o, "section", json_string(f->section));
        json_object_set_new(o, "path", json_string(f->path));
        json_object_set_new(o, "message", json_string(f->message));
        json_object_set_new(o, "location", json_string(f->where));
        if (f->accepted)
            json_object_set_new(o, "accept_reason", json_string(f->accepted));
        json_array_append_new(arr, o);
    }
    json_dumpf(arr, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    putchar('\n');
    json_decref(arr);
}

static const char diff_usage[] =
    "usage: vmsgen diff OLD.json NEW.json [--format text|json] [--accept FILE]\n"
    "Compares two schemas (vmsgen schema output or QEMU -dump-vmstate files).\n"
    "Exit status: 0 compatible, 1 breaking change, 2 usage error or unreadable input.\n";

static int diff_usage_error(const char *what, const char *arg)
{
    fprintf(stderr, "vmsgen diff: %s%s%s\nTry 'vmsgen diff --help'.\n", what, arg ? " " : "",
            arg ? arg : "");
    return 2;
}

int vg_diff_main(int argc, char **argv)
{
    const char *files[2] = {NULL, NULL};
    const char *fmt = "text", *accept = NULL;
    struct accept_entry *entries = NULL;
    size_t n_entries = 0, n_files = 0;
    struct diff d = {0};
    json_t *old = NULL, *new = NULL;
    int status = 2;

    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];

        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            fputs(diff_usage, stdout);
            return 0;
        } else if (strcmp(a, "--format") == 0 || strcmp(a, "--accept") == 0) {
            if (i + 1 >= argc)
                return diff_usage_error("option needs a value:", a);
            *(a[2] == 'f' ? &fmt : &accept) = argv[++i];
        } else if (strncmp(a, "--format=", 9) == 0) {
            fmt = a + 9;
        } else if (strncmp(a, "--accept=", 9) == 0) {
            accept = a + 9;
        } else if (a[0] == '-' && a[1]) {
            return diff_usage_error("unknown option", a);
        } else if (n_files < 2) {
            files[n_files++] = a;
        } else {
            return diff_usage_error("unexpected argument", a);
        }
    }
    if (n_files != 2)
        return diff_usage_error("needs two schemas: OLD.json NEW.json", NULL);
    if (strcmp(fmt, "markdown") == 0 || strcmp(fmt, "sarif") == 0)
        return diff_usage_error("--format markdown and sarif are not implemented yet:", fmt);
    if (strcmp(fmt, "text") != 0 && strcmp(fmt, "json") != 0)
        return diff_usage_error("unknown --format (expected text or json):", fmt);
    if (accept && load_accept(accept, &entries, &n_entries) != 0)
        goto out;
    old = load_schema(files[0]);
    new = old ? load_schema(files[1]) : NULL;
    if (!old || !new)
        goto out;

    {
        const char *om = jstr(json_object_get(old, "vmschkmachine"), "Name");
        const char *nm = jstr(json_object_get(new, "vmschkmachine"), "Name");

        if (om && nm && strcmp(om, nm) != 0)
            fprintf(stderr, "vmsgen diff: warning: comparing different machine types '%s' and "
                            "'%s'\n", om, nm);
    }
    d.old_file = files[0];
    d.new_file = files[1];
    compare_sections(&d, old, new);
    apply_accept(&d, entries, n_entries, accept);
    if (strcmp(fmt, "json") == 0)
        print_json(&d);
    else
        print_text(&d);
    status = 0;
    for (size_t i = 0; i < d.n; i++)
        if (d.f[i].sev == SEV_ERROR && !d.f[i].accepted)
            status = 1;

out:
    for (size_t i = 0; i < d.n; i++) {
        free(d.f[i].section);
        free(d.f[i].path);
        free(d.f[i].message);
        free(d.f[i].where);
    }
    free(d.f);
    for (size_t k = 0; k < n_entries; k++) {
        free(entries[k].rule);
        free(entries[k].path);
        free(entries[k].reason);
    }
    free(entries);
    json_decref(old);
    json_decref(new);
    return status;
}
