/* check.c: semantic checks of the model: names and types in expressions, versions, counts, wire names. */
#include <stdlib.h>
#include <string.h>

#include "model.h"
#include "xalloc.h"

/* Finds member @name of @rec, looking through anonymous members; appends its C path. */
static const struct vg_member *find_member(const struct vg_record *rec, const char *name,
                                           struct vg_buf *c_path)
{
    for (size_t i = 0; i < rec->n_members; i++) {
        const struct vg_member *m = &rec->members[i];

        if (m->name[0] && strcmp(m->name, name) == 0) {
            vg_buf_printf(c_path, "%s%s", c_path->len ? "." : "", name);
            return m;
        }
        if (!m->name[0] && m->type->record) {
            const struct vg_member *inner = find_member(m->type->record, name, c_path);
            if (inner)
                return inner;
        }
    }
    return NULL;
}

bool vg_resolve_member(const struct vg_record *rec, const struct vg_expr *e,
                       const struct vg_member **member, struct vg_buf *c_path)
{
    const struct vg_member *base;
    int64_t index;
    const struct vg_expr *bad;

    switch (e->kind) {
    case VG_E_NAME:
        *member = find_member(rec, e->name, c_path);
        return *member != NULL;
    case VG_E_MEMBER:
        if (!vg_resolve_member(rec, e->a, &base, c_path) || !base->type->record ||
            base->type->kind != VG_T_RECORD)
            return false;
        *member = find_member(base->type->record, e->name, c_path);
        return *member != NULL;
    case VG_E_INDEX:
        /* constant indexes only: a path must name one place in the struct */
        if (!vg_resolve_member(rec, e->a, member, c_path) || (*member)->type->kind != VG_T_ARRAY ||
            !vg_expr_eval_const(e->b, NULL, NULL, &index, &bad) || index < 0 ||
            (uint64_t)index >= (*member)->type->count)
            return false;
        vg_buf_printf(c_path, "[%lld]", (long long)index);
        return true;
    default:
        return false;
    }
}

/* Edit distance between two short names, for "did you mean" hints. */
static size_t distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b), row[64];

    if (la >= 64 || lb >= 64)
        return (size_t)-1;
    for (size_t j = 0; j <= lb; j++)
        row[j] = j;
    for (size_t i = 1; i <= la; i++) {
        size_t diag = row[0];
        row[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t up = row[j], best = diag + (a[i - 1] != b[j - 1]);
            if (up + 1 < best)
                best = up + 1;
            if (row[j - 1] + 1 < best)
                best = row[j - 1] + 1;
            diag = up;
            row[j] = best;
        }
    }
    return row[lb];
}

/* The member of @rec (anonymous members included) closest to @name, if close enough. */
static const char *closest_member(const struct vg_record *rec, const char *name, size_t *best)
{
    const char *found = NULL;

    for (size_t i = 0; i < rec->n_members; i++) {
        const struct vg_member *m = &rec->members[i];
        const char *inner;
        size_t d;

        if (!m->name[0] && m->type->record) {
            inner = closest_member(m->type->record, name, best);
            found = inner ? inner : found;
            continue;
        }
        d = distance(m->name, name);
        if (d < *best) {
            *best = d;
            found = m->name;
        }
    }
    return found;
}

struct xcheck {
    struct vg_model *m;
    struct vg_diags *d;
    const struct vg_desc *desc;
    const char *what;          /* "VMS_IF of member" or "VMS_NEEDED" */
    const char *what_name;     /* "x" in "VMS_IF of member 'x'", or NULL */
    char what_text[300];       /* the two joined, built only for a message */
    struct vg_loc loc;
    bool ok;
};

static bool scalar_member(const struct vg_member *m)
{
    enum vg_tkind k = m->type->kind;

    return k == VG_T_INT || k == VG_T_BOOL || k == VG_T_ENUM;
}

/* What is being checked, for a message: "VMS_IF of member 'x'". */
static const char *what(struct xcheck *x)
{
    if (!x->what_name)
        return x->what;
    snprintf(x->what_text, sizeof(x->what_text), "%s '%s'", x->what, x->what_name);
    return x->what_text;
}

/* Walks an expression: every name must be an integer member, an enum constant or an integer macro. */
static void check_expr(struct xcheck *x, const struct vg_expr *e)
{
    const struct vg_member *mem;
    struct vg_buf path = {0};
    int64_t v;

    if (!e)
        return;
    switch (e->kind) {
    case VG_E_NAME:
    case VG_E_MEMBER:
    case VG_E_INDEX:
        if (vg_resolve_member(x->desc->rec, e, &mem, &path)) {
            const struct vg_type *t = mem->type;
            /* a[i][j] reads an element: strip one array level per index */
            for (const struct vg_expr *i = e; i->kind == VG_E_INDEX && t->kind == VG_T_ARRAY; i = i->a)
                t = t->elem;
            if (t->kind != VG_T_INT && t->kind != VG_T_BOOL && t->kind != VG_T_ENUM) {
                vg_error(x->d, x->loc, "%s: '%s' is a %s, not an integer", what(x), path.s,
                         t->spelling);
                x->ok = false;
            }
        } else if (e->kind != VG_E_NAME || !vg_lookup_constant(x->m->tu, e->name, &v)) {
            struct vg_buf t = {0};
            size_t best = 3; /* suggest only names within two edits */
            const char *hint = e->kind == VG_E_NAME
                                   ? closest_member(x->desc->rec, e->name, &best) : NULL;
            vg_expr_to_text(e, &t);
            vg_error(x->d, x->loc, "%s: unknown name '%s' (not a member of %s, an enum constant "
                     "or an integer macro)%s%s%s", what(x), t.s, x->desc->rec->c_name,
                     hint ? "; did you mean '" : "", hint ? hint : "", hint ? "'?" : "");
            vg_buf_free(&t);
            x->ok = false;
        }
        vg_buf_free(&path);
        return;
    case VG_E_SIZEOF:
    case VG_E_COUNTOF:
        if (!vg_resolve_member(x->desc->rec, e->a, &mem, &path) ||
            (e->kind == VG_E_COUNTOF && mem->type->kind != VG_T_ARRAY)) {
            vg_error(x->d, x->loc, "%s: %s needs a%s member of %s", what(x),
                     e->kind == VG_E_SIZEOF ? "sizeof" : "countof",
                     e->kind == VG_E_COUNTOF ? "n array" : "", x->desc->rec->c_name);
            x->ok = false;
        }
        vg_buf_free(&path);
        return;
    default:
        check_expr(x, e->a);
        check_expr(x, e->b);
        check_expr(x, e->c);
    }
}

/* Checks @e; @what and @name say what it is in messages ("VMS_IF of member" 'name'). */
static void check_one(struct xcheck *x, const struct vg_expr *e, const char *what, const char *name,
                      struct vg_loc loc)
{
    x->what = what;
    x->what_name = name;
    x->loc = loc;
    check_expr(x, e);
}

/* A count given as a plain integer member becomes count_path (offset + width in the table). */
static void check_count(struct xcheck *x, struct vg_field *f)
{
    const struct vg_member *mem;
    struct vg_buf path = {0};

    if (!f->count)
        return;
    check_one(x, f->count, "VMS_COUNT of member", f->c_path, f->loc);
    if (vg_resolve_member(x->desc->rec, f->count, &mem, &path) && scalar_member(mem) &&
        mem->type->kind != VG_T_BOOL && f->count->kind != VG_E_INDEX)
        f->count_path = path.s;
    else
        vg_buf_free(&path);
    /* a migrated count must come first on the wire, or the loader would use a stale one */
    for (const struct vg_field *c = f + 1; f->count_path && c < x->desc->fields + x->desc->n_fields; c++) {
        if (strcmp(c->c_path, f->count_path) == 0) {
            vg_error(x->d, f->loc, "member '%s': its count '%s' is migrated after it; declare "
                     "'%s' before '%s'", f->c_path, f->count_path, f->count_path, f->c_path);
            x->ok = false;
        }
    }
}

static void check_field(struct xcheck *x, struct vg_field *f)
{
    /* a field of a declared subsection travels at the subsection's version */
    int version = f->sub >= 0 ? x->desc->subs[f->sub].version : x->desc->version;
    const char *owner = f->sub >= 0 ? x->desc->subs[f->sub].name : x->desc->name;

    if (f->since > version || f->until > version + 1) {
        vg_error(x->d, f->loc, "member '%s': VMS_%s(%d) is above the version %d of '%s'",
                 f->c_path, f->since > version ? "SINCE" : "UNTIL",
                 f->since > version ? f->since : f->until, version, owner);
        x->ok = false;
    }
    if (f->was_until && (f->was_until < 1 || f->was_until > version)) {
        vg_error(x->d, f->loc, "member '%s': VMS_WAS(\"%s\", %d) must name a version from 1 to "
                 "%d (the version of '%s')", f->c_path, vg_wire_word(f->was_wire), f->was_until,
                 version, owner);
        x->ok = false;
    }
    if (f->until && f->until <= f->since) {
        vg_error(x->d, f->loc, "member '%s': VMS_UNTIL(%d) must be above VMS_SINCE(%d)", f->c_path,
                 f->until, f->since);
        x->ok = false;
    }
    if ((f->def || f->has_range) && (f->num != 1 || f->flags || f->wire > VG_W_TIMER)) {
        vg_error(x->d, f->loc, "member '%s': VMS_%s applies to a single scalar value", f->c_path,
                 f->def ? "DEFAULT" : "RANGE");
        x->ok = false;
    }
    check_one(x, f->if_expr, "VMS_IF of member", f->c_path, f->loc);
    check_one(x, f->check, "VMS_CHECK of member", f->c_path, f->loc);
    check_one(x, f->def, "VMS_DEFAULT of member", f->c_path, f->loc);
    check_count(x, f);
}

/* A name in a scope (a payload), for the duplicate checks; its hash makes comparisons cheap. */
struct scoped_name {
    int scope;
    unsigned hash;
    const char *name;
};

static struct scoped_name scoped_name(int scope, const char *name)
{
    unsigned h = 2166136261u; /* FNV-1a */

    for (const char *p = name; *p; p++)
        h = (h ^ (unsigned char)*p) * 16777619u;
    return (struct scoped_name){scope, h, name};
}

static int cmp_scoped_name(const void *a, const void *b)
{
    const struct scoped_name *x = a, *y = b;

    if (x->scope != y->scope)
        return x->scope < y->scope ? -1 : 1;
    if (x->hash != y->hash)
        return x->hash < y->hash ? -1 : 1;
    return strcmp(x->name, y->name);
}

/*
 * Whether two of the @n names of @v (sorted here) share scope and name. A
 * sort costs n log n; the checks below run their pairwise loop, which
 * reports each duplicate in source order, only when this finds one.
 */
static bool any_duplicate(struct scoped_name *v, size_t n)
{
    qsort(v, n, sizeof(*v), cmp_scoped_name);
    for (size_t i = 1; i < n; i++)
        if (cmp_scoped_name(&v[i - 1], &v[i]) == 0)
            return true;
    return false;
}

static struct scoped_name *scoped_names_new(size_t n)
{
    return vg_xrealloc(NULL, n, sizeof(struct scoped_name));
}

/* Whether some wire names of @desc may repeat within a payload (a superset of the real test). */
static bool may_repeat_wire_names(const struct vg_desc *desc)
{
    struct scoped_name *v = scoped_names_new(desc->n_fields);
    bool dup;

    for (size_t i = 0; i < desc->n_fields; i++)
        v[i] = scoped_name(desc->fields[i].sub, desc->fields[i].wire_name);
    dup = any_duplicate(v, desc->n_fields);
    free(v);
    return dup;
}

/*
 * Wire names must be unique within a payload ("unused" placeholders excepted,
 * as in QEMU), except between fields that both have VMS_IF: QEMU's pairs of
 * _TEST fields of one name of which one travels (PCIDevice's "config", 256
 * bytes for conventional PCI, 4096 for PCI Express). Their conditions must
 * exclude each other; the vmdesc numbers them name[0], name[1], as QEMU's.
 */
static void check_names(struct xcheck *x)
{
    const struct vg_desc *desc = x->desc;

    if (!may_repeat_wire_names(desc))
        return;
    for (size_t i = 0; i < desc->n_fields; i++) {
        const struct vg_field *f = &desc->fields[i];

        if (f->wire == VG_W_UNUSED)
            continue;
        for (size_t k = 0; k < i; k++) {
            if (f->if_expr && desc->fields[k].if_expr)
                continue;
            if (desc->fields[k].sub == f->sub && strcmp(desc->fields[k].wire_name, f->wire_name) == 0) {
                vg_error(x->d, f->loc, "duplicate wire name '%s' in '%s'", f->wire_name, desc->name);
                vg_note(x->d, desc->fields[k].loc, "first used here");
                x->ok = false;
            }
        }
    }
}

static void check_subs(struct xcheck *x)
{
    const struct vg_desc *desc = x->desc;

    for (size_t i = 0; i < desc->n_subs; i++) {
        const struct vg_sub *s = &desc->subs[i];

        if (strlen(s->name) > 255) {
            vg_error(x->d, s->loc, "subsection name '%s' is longer than 255 bytes", s->name);
            x->ok = false;
        }
        if (!s->member_desc && s->version < 0) {
            vg_error(x->d, s->loc, "subsection '%s': version must not be negative", s->name);
            x->ok = false;
        }
        check_one(x, s->needed, "needed-expression of subsection", s->name, s->loc);
    }
}

static void check_desc(struct xcheck *x)
{
    const struct vg_desc *desc = x->desc;

    if (desc->min_version < 0 || desc->min_version > desc->version) {
        vg_error(x->d, desc->loc, "VMS_STATE(\"%s\", %d, %d): need 0 <= minimum version <= version",
                 desc->name, desc->version, desc->min_version);
        x->ok = false;
    }
    if (strlen(desc->name) == 0 || strlen(desc->name) > 255) {
        vg_error(x->d, desc->loc, "description name must have 1 to 255 bytes");
        x->ok = false;
    }
    check_one(x, desc->needed, "VMS_NEEDED", NULL, desc->loc);
    check_one(x, desc->check, "VMS_CHECK of the struct", NULL, desc->loc);
    for (size_t i = 0; i < desc->n_fields; i++) {
        check_field(x, &desc->fields[i]);
        if (desc->used_nested && desc->fields[i].since)
            vg_warning(x->d, desc->fields[i].loc, "member '%s': VMS_SINCE in '%s', which is used as "
                       "a nested description: nested descriptions load at their own version, so "
                       "it gates nothing there", desc->fields[i].c_path, desc->name);
    }
    check_names(x);
    check_subs(x);
}

/* Whether two descriptions may share a name. */
static bool may_repeat_desc_names(const struct vg_model *m)
{
    struct scoped_name *v = scoped_names_new(m->n_descs);
    bool dup;

    for (size_t i = 0; i < m->n_descs; i++)
        v[i] = scoped_name(0, m->descs[i]->name);
    dup = any_duplicate(v, m->n_descs);
    free(v);
    return dup;
}

int vg_check(struct vg_model *m, struct vg_diags *d)
{
    struct xcheck x = {.m = m, .d = d, .ok = true};
    bool dup_names = may_repeat_desc_names(m);

    for (size_t i = 0; i < m->n_descs; i++) {
        x.desc = m->descs[i];
        check_desc(&x);
        for (size_t k = 0; dup_names && k < i; k++) {
            /* QEMU nests descriptions under their parent's name ("pckbd" in "pckbd"); two
               that could both be sections with one schema key are the mistake */
            if (strcmp(m->descs[k]->name, m->descs[i]->name) == 0 && !m->descs[k]->used_nested &&
                !m->descs[i]->used_nested &&
                strcmp(m->descs[k]->type_name ? m->descs[k]->type_name : m->descs[k]->name,
                       m->descs[i]->type_name ? m->descs[i]->type_name : m->descs[i]->name) == 0) {
                vg_error(d, m->descs[i]->loc, "description name '%s' is already used by %s",
                         m->descs[i]->name, m->descs[k]->rec->c_name);
                vg_note(d, m->descs[k]->loc, "first used here");
                x.ok = false;
            }
        }
    }
    if (vg_live_check(m, d))
        x.ok = false;
    return x.ok ? 0 : -1;
}
