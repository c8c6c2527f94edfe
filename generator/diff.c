/*
 * diff.c: `vmsgen diff` rules: compares two schemas (ours, or QEMU
 * -dump-vmstate files) and classifies every change by a stable rule id and
 * the migration direction it breaks (DESIGN §7; the rules are listed in
 * diff_report.c, the command line is diff_main.c).
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

#include "diff_private.h"
#include "xalloc.h"

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

char *vg_diff_format(const char *fmt, ...)
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

/*
 * The sizes of a field on both sides, as size x num (what the field
 * occupies; QEMU's checker compares "unused" entries so). QEMU's dumps gained
 * "num" on fixed arrays in 2023: when only one side has it (a 7.2 dump
 * against a newer one), only the element sizes can be compared.
 */
static void sizes(const json_t *fo, const json_t *fn, long long *osize, long long *nsize)
{
    bool both = json_is_integer(json_object_get(fo, "num")) ==
                json_is_integer(json_object_get(fn, "num"));
    long long onum = both ? jint(fo, "num", 1) : 1, nnum = both ? jint(fn, "num", 1) : 1;

    *osize = jint(fo, "size", 0) * (onum > 0 ? onum : 1);
    *nsize = jint(fn, "size", 0) * (nnum > 0 ? nnum : 1);
}

static bool same_str(const char *a, const char *b)
{
    return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

static char *join(const char *path, const char *name)
{
    return *path ? vg_diff_format("%s/%s", path, name) : vg_xstrdup(name);
}

static void report(struct vg_diff *d, const char *rule, enum vg_dir dir, enum vg_sev sev, const char *path,
                   const json_t *src_field, const char *file, const char *fmt, ...)
    __attribute__((format(printf, 8, 9)));

/*
 * Records one finding; @src_field's vms_source (a field's, or with schema
 * --full a description's), when it has one, locates it instead of @file.
 */
static void report(struct vg_diff *d, const char *rule, enum vg_dir dir, enum vg_sev sev, const char *path,
                   const json_t *src_field, const char *file, const char *fmt, ...)
{
    const char *src = src_field ? jstr(src_field, "vms_source") : NULL;
    struct vg_finding *f;
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

static void compare_desc(struct vg_diff *d, const json_t *od, const json_t *nd, const char *path,
                         bool versioned);

/* The versions of the two descriptions whose fields are compared. */
struct vers {
    bool versioned;      /* the version is on the wire (section, subsection), not nested */
    long long ov, nv;    /* version_id, old and new */
    long long omin, nmin; /* minimum_version_id */
    const char *name;    /* the description's name (the scope of --renames field entries) */
};

/* The --renames entry that pairs @a and @b (either way round) in @scope, or NULL. */
static struct vg_rename *find_rename(const struct vg_diff *d, bool section, const char *scope,
                                     const char *a, const char *b)
{
    for (size_t k = 0; k < d->n_renames; k++) {
        struct vg_rename *r = &d->renames[k];

        if (r->section != section || (!section && !same_str(r->scope, scope)))
            continue;
        if ((strcmp(r->from, a) == 0 && (!b || strcmp(r->to, b) == 0)) ||
            (strcmp(r->to, a) == 0 && (!b || strcmp(r->from, b) == 0)))
            return r;
    }
    return NULL;
}

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

static void field_added(struct vg_diff *d, const json_t *fn, const char *path,
                        const struct vers *v)
{
    long long since = jint(fn, "version_id", 0);
    char *fpath = join(path, fname(fn));

    if (v->versioned && since > v->ov)
        report(d, "FIELD_ADDED_VERSIONED", VG_DIR_BACKWARD, VG_SEV_ERROR, fpath, fn, d->new_file,
               "new field '%s' is sent from version %lld on, above the old version %lld: the old "
               "release cannot load the new stream (a subsection keeps it loadable)",
               fname(fn), since, v->ov);
    else
        report(d, "FIELD_ADDED_UNVERSIONED", VG_DIR_BOTH, VG_SEV_ERROR, fpath, fn, d->new_file,
               "new field '%s' is sent at %s: neither release can read the other's stream "
               "(put it in a subsection)",
               fname(fn), v->versioned ? "every version the old release sends" :
                                      "every version (a nested struct has no wire version)");
    free(fpath);
}

static void field_removed(struct vg_diff *d, const json_t *fo, const char *path)
{
    char *fpath = join(path, fname(fo));

    report(d, "FIELD_REMOVED", VG_DIR_BOTH, VG_SEV_ERROR, fpath, fo, d->old_file,
           "field '%s' was removed: the streams of the two releases differ", fname(fo));
    free(fpath);
}

/* Whether a field with VMS_SINCE @since and VMS_UNTIL @until (0: none) is in a stream of @version. */
static bool present(long long since, long long until, long long version)
{
    return since <= version && (until <= 0 || version < until);
}

/*
 * VMS_SINCE (version_id) and VMS_UNTIL (vms_until) of a field, and for a
 * nested description its own version: does the old release's stream carry
 * the field exactly when the new release expects it (forward), and the
 * reverse (backward)? Sections and subsections are loaded at the sender's
 * version (when the receiver accepts it); nested structs at each side's own.
 */
static void compare_presence(struct vg_diff *d, const json_t *fo, const json_t *fn,
                             const char *fpath, const struct vers *v)
{
    long long os = jint(fo, "version_id", 0), ns = jint(fn, "version_id", 0);
    long long ou = jint(fo, "vms_until", 0), nu = jint(fn, "vms_until", 0);
    bool fwd, bwd;
    enum vg_dir dir;

    if (v->versioned) {
        fwd = v->nmin <= v->ov && v->ov <= v->nv && present(os, ou, v->ov) != present(ns, nu, v->ov);
        bwd = v->omin <= v->nv && v->nv <= v->ov && present(os, ou, v->nv) != present(ns, nu, v->nv);
    } else {
        fwd = bwd = present(os, ou, v->ov) != present(ns, nu, v->nv);
    }
    dir = fwd && bwd ? VG_DIR_BOTH : fwd ? VG_DIR_FORWARD : bwd ? VG_DIR_BACKWARD : VG_DIR_NONE;
    if (os != ns) {
        long long low = ns > v->nmin ? ns : v->nmin;
        bool older = v->versioned && dir == VG_DIR_NONE && ns < os && low < os;

        report(d, "FIELD_VERSION_CHANGED", older ? VG_DIR_FORWARD : dir,
               dir != VG_DIR_NONE ? VG_SEV_ERROR : VG_SEV_WARNING, fpath, fn, d->new_file,
               "field '%s' version_id (VMS_SINCE) changed from %lld to %lld%s", fname(fn), os, ns,
               dir != VG_DIR_NONE ? ": one release sends it where the other does not expect it" :
               older ? ": streams of older versions the new release accepts lack it" : "");
    }
    if (ou != nu)
        report(d, "FIELD_UNTIL_CHANGED", dir, dir != VG_DIR_NONE ? VG_SEV_ERROR : VG_SEV_WARNING,
               fpath, fn, d->new_file, "field '%s' vms_until (VMS_UNTIL) changed from %lld to "
               "%lld%s", fname(fn), ou, nu, dir != VG_DIR_NONE ?
               ": one release sends it where the other does not expect it" : "");
    if (os == ns && ou == nu && dir != VG_DIR_NONE)
        report(d, "NESTED_VERSION_CHANGED", VG_DIR_BOTH, VG_SEV_ERROR, fpath, fn, d->new_file,
               "nested description version %lld -> %lld: field '%s' (VMS_SINCE %lld) is sent by "
               "one release and not read by the other", v->ov, v->nv, fname(fn), os);
}

/* Compares a field of the old schema with its counterpart in the new one. */
static void compare_field(struct vg_diff *d, const json_t *fo, const json_t *fn, const char *path,
                          const struct vers *v)
{
    const json_t *od = json_object_get(fo, "Description");
    const json_t *nd = json_object_get(fn, "Description");
    char *fpath = join(path, fname(fn));
    long long osize, nsize;
    const char *otype = jstr(fo, "vms_type"), *ntype = jstr(fn, "vms_type");

    sizes(fo, fn, &osize, &nsize);
    if (json_is_object(od) && !json_is_object(nd)) {
        report(d, "DESCRIPTION_MISSING", VG_DIR_BOTH, VG_SEV_ERROR, fpath, fn, d->new_file,
               "field '%s' no longer nests description '%s'", fname(fn), jstr(od, "name"));
    } else if (json_is_object(od)) {
        if (!same_str(jstr(od, "name"), jstr(nd, "name")))
            report(d, "NESTED_NAME_CHANGED", VG_DIR_NONE, VG_SEV_WARNING, fpath, fn, d->new_file,
                   "nested description renamed from '%s' to '%s' (not on the wire)",
                   jstr(od, "name") ? jstr(od, "name") : "", jstr(nd, "name") ? jstr(nd, "name") : "");
        compare_desc(d, od, nd, fpath, false);
    } else if (osize != nsize) {
        const char *was = jstr(fn, "vms_was_type");
        long long was_until = jint(fn, "vms_was_until", -1);

        if (strcmp(fname(fo), "unused") == 0 || strcmp(fname(fn), "unused") == 0)
            report(d, "UNUSED_SIZE_CHANGED", VG_DIR_BOTH, VG_SEV_ERROR, fpath, fn, d->new_file,
                   "unused bytes changed from %lld to %lld", osize, nsize);
        else if (was && v->ov <= was_until)
            report(d, "FIELD_SIZE_CHANGED", VG_DIR_NONE, VG_SEV_NOTE, fpath, fn, d->new_file,
                   "field '%s' size %lld -> %lld, explained: still %s up to version %lld "
                   "(vms_was_type)", fname(fn), osize, nsize, was, was_until);
        else
            report(d, "FIELD_SIZE_CHANGED", VG_DIR_BOTH, VG_SEV_ERROR, fpath, fn, d->new_file,
                   "field '%s' size changed from %lld to %lld", fname(fn), osize, nsize);
    } else if (otype && ntype && strcmp(otype, ntype) != 0) {
        report(d, "FIELD_TYPE_CHANGED", VG_DIR_BOTH, VG_SEV_ERROR, fpath, fn, d->new_file,
               "field '%s' type changed from %s to %s with the same size", fname(fn), otype, ntype);
    }

    if (json_is_true(json_object_get(fo, "field_exists")) !=
        json_is_true(json_object_get(fn, "field_exists")))
        report(d, "FIELD_EXISTS_CHANGED", VG_DIR_COND, VG_SEV_WARNING, fpath, fn, d->new_file,
               "field '%s' %s", fname(fn),
               json_is_true(json_object_get(fn, "field_exists")) ?
                   "is now conditional: the streams differ whenever its condition is false" :
                   "is no longer conditional: the streams differ whenever the old condition was "
                   "false");
    else if (!same_str(jstr(fo, "vms_if"), jstr(fn, "vms_if")))
        report(d, "PREDICATE_CHANGED", VG_DIR_COND, VG_SEV_WARNING, fpath, fn, d->new_file,
               "condition of field '%s' changed from '%s' to '%s'", fname(fn),
               jstr(fo, "vms_if") ? jstr(fo, "vms_if") : "", jstr(fn, "vms_if") ? jstr(fn, "vms_if") : "");

    compare_presence(d, fo, fn, fpath, v);
    free(fpath);
}

static void compare_fields(struct vg_diff *d, const json_t *of, const json_t *nf, const char *path,
                           const struct vers *v);

/* Whether @field nests a description whose first field is named @name. */
static bool opens_with(const json_t *field, const char *name)
{
    const json_t *inner = json_object_get(json_object_get(field, "Description"), "Fields");

    return json_array_size(inner) > 0 && strcmp(fname(json_array_get(inner, 0)), name) == 0;
}

/* A new array: the fields of @field's nested description, then @rest from @from on. */
static json_t *splice(const json_t *field, const json_t *rest, size_t from)
{
    json_t *out = json_copy(json_object_get(json_object_get(field, "Description"), "Fields"));

    for (size_t k = from; k < json_array_size(rest); k++)
        json_array_append(out, json_array_get(rest, k));
    return out;
}

/*
 * Fields moved into a nested struct (or out of one) keep their bytes on
 * the wire: a nested struct adds no framing. As QEMU's checker does, the
 * nested fields are compared in place of the struct, and comparing goes on.
 */
static void regrouped(struct vg_diff *d, const json_t *of, size_t i, const json_t *nf, size_t j,
                      const char *path, const struct vers *v)
{
    const json_t *fo = json_array_get(of, i), *fn = json_array_get(nf, j);
    bool into = opens_with(fn, fname(fo));
    const json_t *st = into ? fn : fo;
    char *fpath = join(path, fname(st));
    json_t *o = into ? json_array() : splice(fo, of, i + 1);
    json_t *n = into ? splice(fn, nf, j + 1) : json_array();

    for (size_t k = i; into && k < json_array_size(of); k++)
        json_array_append(o, json_array_get(of, k));
    for (size_t k = j; !into && k < json_array_size(nf); k++)
        json_array_append(n, json_array_get(nf, k));
    report(d, "FIELDS_REGROUPED", VG_DIR_NONE, VG_SEV_NOTE, fpath, st, into ? d->new_file :
           d->old_file, "fields from '%s' on %s nested struct '%s': the same bytes on the wire",
           fname(into ? fo : fn), into ? "moved into" : "moved out of", fname(st));
    free(fpath);
    compare_fields(d, o, n, path, v);
    json_decref(o);
    json_decref(n);
}

/* What a field occupies: size x num (num when the dump has it). */
static long long field_total(const json_t *field)
{
    long long num = jint(field, "num", 1);

    return jint(field, "size", 0) * (num > 0 ? num : 1);
}

/*
 * One side has unused bytes where the other has fields (or the reverse):
 * the same bytes on the wire when whole fields add up to the unused size,
 * as QEMU's checker allows. Advances *@i and *@j past them; false (reported,
 * stop comparing this description) when they do not add up.
 */
static bool unused_absorbed(struct vg_diff *d, const json_t *of, size_t *i, const json_t *nf,
                            size_t *j, const char *path)
{
    bool old_unused = strcmp(fname(json_array_get(of, *i)), "unused") == 0;
    const json_t *u = old_unused ? json_array_get(of, *i) : json_array_get(nf, *j);
    const json_t *other = old_unused ? nf : of;
    size_t first = old_unused ? *j : *i, k = first;
    long long left = field_total(u);
    const json_t *f0 = json_array_get(other, first);
    char *fpath = join(path, fname(f0));

    while (left > 0 && k < json_array_size(other) &&
           strcmp(fname(json_array_get(other, k)), "unused") != 0)
        left -= field_total(json_array_get(other, k++));
    if (left != 0) {
        report(d, "UNUSED_SIZE_CHANGED", VG_DIR_BOTH, VG_SEV_ERROR, fpath, f0,
               old_unused ? d->new_file : d->old_file,
               "%lld unused bytes %s whole fields from '%s' on: the rest of this description is "
               "not compared", field_total(u), old_unused ? "are not replaced by" :
               "do not replace", fname(f0));
        free(fpath);
        return false;
    }
    report(d, "UNUSED_REPLACED", VG_DIR_NONE, VG_SEV_WARNING, fpath, f0,
           old_unused ? d->new_file : d->old_file,
           old_unused ? "%lld unused bytes now carry '%s'%s%s: old releases send zeros there" :
                        "%lld bytes of '%s'%s%s became unused: the new release ignores them",
           field_total(u), fname(f0), k - first > 1 ? " .. " : "",
           k - first > 1 ? fname(json_array_get(other, k - 1)) : "");
    free(fpath);
    if (old_unused) {
        (*i)++;
        *j = k;
    } else {
        (*j)++;
        *i = k;
    }
    return true;
}

/* Fields in order: renames, insertions and removals are recognised, then comparing goes on. */
static void compare_fields(struct vg_diff *d, const json_t *of, const json_t *nf, const char *path,
                           const struct vers *v)
{
    size_t no = json_array_size(of), nn = json_array_size(nf);
    size_t i = 0, j = 0;

    while (i < no && j < nn) {
        const json_t *fo = json_array_get(of, i), *fn = json_array_get(nf, j);
        const char *oname = fname(fo), *nname = fname(fn);
        const char *from = jstr(fn, "vms_renamed_from");
        long k;

        if (strcmp(oname, nname) == 0) {
            compare_field(d, fo, fn, path, v);
            i++, j++;
        } else if ((from && strcmp(from, oname) == 0) ||
                   find_rename(d, false, v->name, oname, nname)) {
            char *fpath = join(path, nname);

            if (!from || strcmp(from, oname) != 0)
                find_rename(d, false, v->name, oname, nname)->used = true;
            report(d, "FIELD_RENAMED_IN_PLACE", VG_DIR_NONE, VG_SEV_NOTE, fpath, fn, d->new_file,
                   "field '%s' renamed to '%s' (%s)", oname, nname,
                   from && strcmp(from, oname) == 0 ? "vms_renamed_from" : "--renames");
            free(fpath);
            compare_field(d, fo, fn, path, v);
            i++, j++;
        } else if (opens_with(fn, oname) || opens_with(fo, nname)) {
            regrouped(d, of, i, nf, j, path, v);
            return;
        } else if ((strcmp(oname, "unused") == 0) != (strcmp(nname, "unused") == 0)) {
            if (!unused_absorbed(d, of, &i, nf, &j, path))
                return;
        } else if ((k = find_field(nf, oname, j + 1)) >= 0 &&
                   all_absent(nf, j, (size_t)k, of, i)) {
            for (; j < (size_t)k; j++)
                field_added(d, json_array_get(nf, j), path, v);
        } else if ((k = find_field(of, nname, i + 1)) >= 0 &&
                   all_absent(of, i, (size_t)k, nf, j)) {
            for (; i < (size_t)k; i++)
                field_removed(d, json_array_get(of, i), path);
        } else if (find_field(nf, oname, j) < 0 && find_field(of, nname, i) < 0) {
            char *fpath = join(path, nname);
            long long osize, nsize;

            sizes(fo, fn, &osize, &nsize);
            report(d, "FIELD_RENAMED_IN_PLACE", VG_DIR_NONE, VG_SEV_WARNING, fpath, fn, d->new_file,
                   "field '%s' renamed in place to '%s'%s", oname, nname,
                   osize == nsize ? " with the same size: wire-neutral" : "");
            free(fpath);
            compare_field(d, fo, fn, path, v);
            i++, j++;
        } else {
            char *fpath = join(path, nname);

            report(d, "FIELD_ORDER_CHANGED", VG_DIR_BOTH, VG_SEV_ERROR, fpath, fn, d->new_file,
                   "expected field '%s', got '%s': the field order changed; the rest of this "
                   "description is not compared", oname, nname);
            free(fpath);
            return;
        }
    }
    for (; j < nn; j++)
        field_added(d, json_array_get(nf, j), path, v);
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

static void compare_subsections(struct vg_diff *d, const json_t *os, const json_t *ns,
                                const char *path)
{
    for (size_t k = 0; k < json_array_size(os); k++) {
        const json_t *o = json_array_get(os, k);
        const char *name = jstr(o, "name") ? jstr(o, "name") : "";
        const json_t *n = find_sub(ns, name);
        char *bracket = vg_diff_format("[%s]", name);
        char *spath = join(path, bracket);

        if (!n)
            report(d, "SUBSECTION_REMOVED", VG_DIR_COND, VG_SEV_ERROR, spath, NULL, d->old_file,
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
        bracket = vg_diff_format("[%s]", name);
        spath = join(path, bracket);
        report(d, "SUBSECTION_ADDED", VG_DIR_COND, VG_SEV_WARNING, spath,
               json_array_get(json_object_get(n, "Fields"), 0), d->new_file,
               "new subsection '%s': the old release cannot load streams that carry it "
               "(whenever it is needed)", name);
        free(spath);
        free(bracket);
    }
}

/*
 * Whether the findings from @from on include a wire-layout error (@rule
 * NULL: any of the rules that change the bytes of a version; else that rule).
 */
static bool wire_changed(const struct vg_diff *d, size_t from, const char *rule)
{
    static const char *const layout[] = {
        "FIELD_REMOVED", "FIELD_ADDED_UNVERSIONED", "FIELD_SIZE_CHANGED", "FIELD_TYPE_CHANGED",
        "UNUSED_SIZE_CHANGED", "FIELD_ORDER_CHANGED", "DESCRIPTION_MISSING",
        "NESTED_VERSION_CHANGED",
    };

    for (size_t i = from; i < d->n; i++) {
        if (d->f[i].sev != VG_SEV_ERROR)
            continue;
        if (rule && strcmp(d->f[i].rule, rule) == 0)
            return true;
        for (size_t k = 0; !rule && k < sizeof(layout) / sizeof(layout[0]); k++)
            if (strcmp(d->f[i].rule, layout[k]) == 0)
                return true;
    }
    return false;
}

/*
 * One description against its counterpart. @versioned: its version is on
 * the wire (a section or a subsection); a nested struct is always loaded at
 * its own current version.
 */
static void compare_desc(struct vg_diff *d, const json_t *od, const json_t *nd, const char *path,
                         bool versioned)
{
    long long ov = jint(od, "version_id", 0), nv = jint(nd, "version_id", 0);
    long long omin = jint(od, "minimum_version_id", 0), nmin = jint(nd, "minimum_version_id", 0);
    const struct vers v = {versioned, ov, nv, omin, nmin, jstr(od, "name")};
    size_t n0 = d->n;

    if (versioned && nv < ov)
        report(d, "VERSION_LOWERED", VG_DIR_FORWARD, VG_SEV_ERROR, path, nd, d->new_file,
               "version_id lowered from %lld to %lld: the new release rejects old streams",
               ov, nv);
    if (versioned && nmin > ov)
        report(d, "MIN_VERSION_RAISED", VG_DIR_FORWARD, VG_SEV_ERROR, path, nd, d->new_file,
               "minimum_version_id %lld is above the old version_id %lld: the new release "
               "rejects old streams", nmin, ov);
    else if (versioned && nmin > omin)
        report(d, "MIN_VERSION_RAISED", VG_DIR_NONE, VG_SEV_NOTE, path, nd, d->new_file,
               "minimum_version_id raised from %lld to %lld (still accepts version %lld)",
               omin, nmin, ov);
    compare_fields(d, json_object_get(od, "Fields"), json_object_get(nd, "Fields"), path, &v);
    if (versioned && nv == ov && wire_changed(d, n0, NULL))
        report(d, "VERSION_NOT_BUMPED", VG_DIR_BOTH, VG_SEV_ERROR, path, nd, d->new_file,
               "the fields changed incompatibly but version_id stayed %lld: the releases misread "
               "each other's streams instead of refusing them (prefer a subsection for new "
               "state; else bump version_id)", nv);
    if (versioned && nv > ov && !wire_changed(d, n0, "FIELD_ADDED_VERSIONED"))
        report(d, "VERSION_RAISED", VG_DIR_BACKWARD, VG_SEV_WARNING, path, nd, d->new_file,
               "version_id raised from %lld to %lld: the old release refuses the new stream as "
               "too new (a subsection keeps backward migration working)", ov, nv);
    if (!versioned && nv != ov && !wire_changed(d, n0, "NESTED_VERSION_CHANGED"))
        report(d, "NESTED_VERSION_CHANGED", VG_DIR_NONE, VG_SEV_WARNING, path, nd, d->new_file,
               "nested description '%s' version_id %lld -> %lld (not on the wire; no field's "
               "presence changes)", jstr(nd, "name") ? jstr(nd, "name") : "", ov, nv);
    compare_subsections(d, json_object_get(od, "Subsections"), json_object_get(nd, "Subsections"),
                        path);
}

/* One "vms_live" entry as text, for messages. */
static char *live_text(const json_t *e)
{
    return vg_diff_format("'%s' (%lld bytes, chunk_size %lld, element_size %lld)",
                          jstr(e, "field") ? jstr(e, "field") : "?", jint(e, "size", 0),
                          jint(e, "chunk_size", 0), jint(e, "element_size", 0));
}

/*
 * The VMS_LIVE members of a section (its description's "vms_live"): the
 * LAYOUT record carries each member's size, chunk size and element size in
 * order, and the destination refuses any difference.
 */
static void compare_live(struct vg_diff *d, const json_t *od, const json_t *nd)
{
    const json_t *ol = json_object_get(od, "vms_live"), *nl = json_object_get(nd, "vms_live");
    size_t on = json_array_size(ol), nn = json_array_size(nl);

    for (size_t i = 0; i < (on > nn ? on : nn); i++) {
        const json_t *o = json_array_get(ol, i), *n = json_array_get(nl, i);
        char *ot = o ? live_text(o) : NULL, *nt = n ? live_text(n) : NULL;

        if (!o || !n || strcmp(ot, nt) != 0)
            report(d, "LIVE_LAYOUT_CHANGED", VG_DIR_BOTH, VG_SEV_ERROR, "", nd, d->new_file,
                   "live member %zu: %s%s%s: the destination refuses the source's LAYOUT", i,
                   o ? ot : "none", " -> ", n ? nt : "none");
        free(ot);
        free(nt);
    }
}

void vg_diff_compare(struct vg_diff *d, json_t *old, json_t *new)
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
            struct vg_rename *r = find_rename(d, true, NULL, key, NULL);
            const char *other = r ? (strcmp(r->from, key) == 0 ? r->to : r->from) : NULL;

            if (other && (n = json_object_get(new, other)) != NULL) {
                r->used = true;
                report(d, "SECTION_RENAMED", VG_DIR_NONE, VG_SEV_NOTE, "", NULL, d->new_file,
                       "section '%s' is '%s' in the new schema (--renames)", key, other);
            }
        }
        if (!n) {
            report(d, "SECTION_REMOVED", VG_DIR_FORWARD, VG_SEV_ERROR, "", NULL, d->old_file,
                   "section '%s' does not exist in the new schema: old streams that carry it "
                   "cannot be loaded", key);
            continue;
        }
        od = json_object_get(o, "Description");
        nd = json_object_get(n, "Description");
        if (json_is_object(od) && !json_is_object(nd)) {
            report(d, "DESCRIPTION_MISSING", VG_DIR_BOTH, VG_SEV_ERROR, "", NULL, d->new_file,
                   "section '%s' has no description in the new schema", key);
            continue;
        }
        if (!json_is_object(od))
            continue;
        if (!same_str(jstr(od, "name"), jstr(nd, "name")))
            report(d, "SECTION_NAME_CHANGED", VG_DIR_BOTH, VG_SEV_ERROR, "", NULL, d->new_file,
                   "description renamed from '%s' to '%s': the section's name on the wire "
                   "changed", jstr(od, "name") ? jstr(od, "name") : "",
                   jstr(nd, "name") ? jstr(nd, "name") : "");
        compare_desc(d, od, nd, "", true);
        compare_live(d, od, nd);
    }
    json_object_foreach(new, key, n) {
        struct vg_rename *r = find_rename(d, true, NULL, key, NULL);

        if (strcmp(key, "vmschkmachine") == 0 || json_object_get(old, key))
            continue;
        if (r && r->used && json_object_get(old, strcmp(r->from, key) == 0 ? r->to : r->from))
            continue; /* compared under its old key */
        d->section = key;
        report(d, "SECTION_ADDED", VG_DIR_NONE, VG_SEV_NOTE, "", NULL, d->new_file,
               "new section '%s'", key);
    }
    d->section = NULL;
}

