/* clang_front.c: libclang to the raw C view: records, members, annotations, constants, includes. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <clang-c/Index.h>

#include "clang_types.h"
#include "xalloc.h"
#include "front.h"

/*
 * Member offsets. clang_Cursor_getOffsetOfField() (and clang_Type_getOffsetOf())
 * re-validate the whole parent record on every call, recursing into every
 * member struct held by value, so asking once per member costs
 * members x (size of the by-value nesting tree). Measured on a generated
 * header of 1000 structs x 20 members where 10% of the members embed a
 * random earlier struct by value (22k lines, 19k annotations, includes
 * stdio/stdlib/string/inttypes/limits; 2-core VM, medians of 5 runs):
 *
 *                                         libclang 14    libclang 19
 *     parse                                  220 ms         245 ms
 *     walk, getOffsetOfField per member      8.6 s          6.0 s
 *     walk, natural layout (below)            80 ms          78 ms
 *
 * So offsets are computed here from the member sizes and alignments libclang
 * reports (C's natural layout: each member at the next multiple of its
 * alignment; every union member at 0), and libclang is asked member by member
 * only where that rule may not hold: a record with a bitfield, with any
 * attribute other than annotate on itself or a member (packed, aligned,
 * _Alignas ...), with a member of unknown size or alignment, or whose
 * computed size or alignment differs from libclang's. The last test catches
 * #pragma pack: a pack that changes any offset caps some member's alignment
 * and so lowers the record's. In the header above one record (a system one)
 * took the exact path. test_front compares both ways on its fixtures
 * (VMSGEN_EXACT_OFFSETS=1 forces the exact path everywhere).
 */

#define VMS_PREFIX "vms:"

/* ---- walker state ---- */

struct rec_info {
    CXCursor cursor;
    bool layout_attr;   /* an attribute other than annotate on the record: exact offsets */
};

struct walker {
    CXTranslationUnit ctu;
    struct vg_tu *tu;
    const struct vg_front_opts *opts;
    bool exact_offsets;

    /* files, parallel to tu->includes, and where their lines start (built on first use) */
    CXFile *files;
    struct line_table *lines;
    size_t cap_files, cap_lines, cap_includes, last_file;

    /* records, parallel to tu->records; hash of indexes + 1 */
    struct rec_info *recs;
    size_t cap_recs, cap_records;
    size_t *hash;
    size_t hash_cap;

    CXCursor *typedefs;
    size_t n_typedefs, cap_typedefs;

    size_t cap_consts, cap_macros;

    struct vg_types types;   /* member types, converted once each */
};

/* ---- files and locations ---- */

/*
 * The offset at which each line of a file starts, to turn offsets into
 * line and column. Asking libclang for the line and column of every member
 * and annotation costs it a lookup of the location's file each time (two
 * more per call on top of the one the offset needs); the offset alone does
 * with one, and the rest is a binary search here.
 */
struct line_table {
    size_t *starts;          /* starts[k]: offset of line k + 1 */
    size_t n, cap;
    size_t last;             /* the line found last: members come in source order */
    bool built, usable;      /* usable: libclang gave the file's contents */
};

static void add_line(struct line_table *t, size_t start)
{
    vg_grow(&t->starts, &t->cap, t->n + 1, sizeof(*t->starts));
    t->starts[t->n++] = start;
}

/* Lines end as clang counts them: "\n", "\r\n" or a lone "\r". */
static void build_lines(struct line_table *t, const char *text, size_t size)
{
    const char *p = text, *end = text + size;

    add_line(t, 0);
    if (!memchr(text, '\r', size)) {
        while ((p = memchr(p, '\n', (size_t)(end - p))) != NULL)
            add_line(t, (size_t)(++p - text));
        return;
    }
    for (; p < end; p++) {
        if (*p != '\n' && *p != '\r')
            continue;
        if (*p == '\r' && p + 1 < end && p[1] == '\n')
            p++;
        add_line(t, (size_t)(p + 1 - text));
    }
}

/* Line and column (from 1) of byte @offset in file @index; false when its text is unknown. */
static bool line_col(struct walker *w, size_t index, unsigned offset, unsigned *line, unsigned *col)
{
    struct line_table *t;
    size_t lo = 0, hi;

    if (index >= w->cap_lines) {
        size_t old = w->cap_lines;

        vg_grow(&w->lines, &w->cap_lines, index + 1, sizeof(*w->lines));
        memset(w->lines + old, 0, (w->cap_lines - old) * sizeof(*w->lines));
    }
    t = &w->lines[index];
    if (!t->built) {
        size_t size = 0;
        const char *text = clang_getFileContents(w->ctu, w->files[index], &size);

        t->built = true;
        t->usable = text != NULL;
        if (text)
            build_lines(t, text, size);
    }
    if (!t->usable)
        return false;
    /* the last line starting at or before offset: starts[lo] <= offset < starts[hi] */
    if (t->starts[t->last] <= offset) {
        lo = t->last;
        while (lo + 1 < t->n && t->starts[lo + 1] <= offset && lo < t->last + 8)
            lo++;
    }
    hi = t->n;
    while (hi - lo > 1 && t->starts[lo + 1] <= offset) {
        size_t mid = lo + (hi - lo) / 2;

        if (t->starts[mid] <= offset)
            lo = mid;
        else
            hi = mid;
    }
    t->last = lo;
    *line = (unsigned)(lo + 1);
    *col = (unsigned)(offset - t->starts[lo] + 1);
    return true;
}

/* The index of @f in tu->includes (added if libclang did not list it), or SIZE_MAX for none. */
static size_t file_index(struct walker *w, CXFile f)
{
    struct vg_tu *tu = w->tu;
    size_t i;

    if (!f)
        return SIZE_MAX;
    if (w->last_file < tu->n_includes && w->files[w->last_file] == f)
        return w->last_file;
    for (i = 0; i < tu->n_includes; i++)
        if (w->files[i] == f || clang_File_isEqual(w->files[i], f))
            break;
    if (i == tu->n_includes) {
        vg_grow(&w->files, &w->cap_files, i + 1, sizeof(*w->files));
        vg_grow(&tu->includes, &w->cap_includes, i + 1, sizeof(*tu->includes));
        w->files[i] = f;
        tu->includes[i] = vg_clang_take(clang_getFileName(f));
        tu->n_includes++;
    }
    w->last_file = i;
    return i;
}

static void on_inclusion(CXFile f, CXSourceLocation *stack, unsigned depth, CXClientData data)
{
    struct walker *w = data;

    (void)stack;
    (void)depth;
    file_index(w, f);
}

/* Every file the parse opened, main file first (under the name it was given), each once. */
static void collect_includes(struct walker *w)
{
    CXFile main_file = clang_getFile(w->ctu, w->tu->main_file);

    if (main_file) {
        vg_grow(&w->files, &w->cap_files, 1, sizeof(*w->files));
        vg_grow(&w->tu->includes, &w->cap_includes, 1, sizeof(*w->tu->includes));
        w->files[0] = main_file;
        w->tu->includes[0] = vg_xstrdup(w->tu->main_file);
        w->tu->n_includes = 1;
    }
    clang_getInclusions(w->ctu, on_inclusion, w);
}

/*
 * Where the user wrote it: the expansion location, so an attribute that
 * annotate.h spells is reported at the VMS_* macro in the user's header.
 */
static struct vg_loc loc_of(struct walker *w, CXSourceLocation l)
{
    struct vg_loc r = {0};
    unsigned offset = 0;
    size_t i;
    CXFile f;

    clang_getExpansionLocation(l, &f, NULL, NULL, &offset);
    i = file_index(w, f);
    if (i == SIZE_MAX)
        return r;
    r.file = w->tu->includes[i];
    if (!line_col(w, i, offset, &r.line, &r.col))
        clang_getExpansionLocation(l, NULL, &r.line, &r.col, NULL);
    return r;
}

static struct vg_loc cursor_loc(struct walker *w, CXCursor c)
{
    return loc_of(w, clang_getCursorLocation(c));
}

/* ---- diagnostics ---- */

static bool starts_with(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* Prints one libclang diagnostic through @d at its expansion location. */
static void print_diag(struct vg_diags *d, CXDiagnostic dg, enum CXDiagnosticSeverity sev)
{
    CXSourceLocation l = clang_getDiagnosticLocation(dg);
    CXString msg = clang_getDiagnosticSpelling(dg);
    CXString opt = clang_getDiagnosticOption(dg, NULL);
    CXString fname = {0};
    const char *m = clang_getCString(msg), *o = clang_getCString(opt);
    struct vg_loc loc = {0};
    CXFile f;

    clang_getExpansionLocation(l, &f, &loc.line, &loc.col, NULL);
    if (f) {
        fname = clang_getFileName(f);
        loc.file = clang_getCString(fname);
    }
    if (sev >= CXDiagnostic_Error)
        vg_error(d, loc, "%s", m);
    else if (sev == CXDiagnostic_Warning)
        vg_warning(d, loc, "%s%s%s%s", m, o && *o ? " [" : "", o ? o : "", o && *o ? "]" : "");
    else
        vg_note(d, loc, "%s", m);
    if (f)
        clang_disposeString(fname);
    clang_disposeString(msg);
    clang_disposeString(opt);
}

static void print_notes(struct vg_diags *d, CXDiagnostic dg)
{
    CXDiagnosticSet set = clang_getChildDiagnostics(dg);
    unsigned n = clang_getNumDiagnosticsInSet(set);

    for (unsigned i = 0; i < n; i++) {
        CXDiagnostic note = clang_getDiagnosticInSet(set, i);
        CXString s = clang_getDiagnosticSpelling(note);

        /* the macro backtrace points into annotate.h; the expansion location already says where */
        if (!starts_with(clang_getCString(s), "expanded from macro"))
            print_diag(d, note, CXDiagnostic_Note);
        clang_disposeString(s);
        clang_disposeDiagnostic(note);
    }
}

/*
 * Reports errors (always) and warnings outside system headers. Returns the
 * number of errors.
 */
static unsigned report_diags(CXTranslationUnit ctu, struct vg_diags *d)
{
    unsigned n = clang_getNumDiagnostics(ctu), errors = 0;

    for (unsigned i = 0; i < n; i++) {
        CXDiagnostic dg = clang_getDiagnostic(ctu, i);
        enum CXDiagnosticSeverity sev = clang_getDiagnosticSeverity(dg);
        CXSourceLocation l = clang_getDiagnosticLocation(dg);
        CXFile f;

        clang_getExpansionLocation(l, &f, NULL, NULL, NULL);
        if (sev >= CXDiagnostic_Error) {
            errors++;
            print_diag(d, dg, sev);
            print_notes(d, dg);
        } else if (sev == CXDiagnostic_Warning && f &&
                   !clang_Location_isInSystemHeader(clang_getLocation(ctu, f, 1, 1))) {
            print_diag(d, dg, sev);
            print_notes(d, dg);
        }
        clang_disposeDiagnostic(dg);
    }
    return errors;
}

/* ---- annotations ---- */

static void add_annot(struct walker *w, struct vg_annot **annots, size_t *n, CXCursor attr)
{
    CXString s = clang_getCursorSpelling(attr);
    const char *text = clang_getCString(s);

    if (text && starts_with(text, VMS_PREFIX)) {
        *annots = vg_xrealloc(*annots, *n + 1, sizeof(**annots));
        (*annots)[*n].text = vg_xstrdup(text + strlen(VMS_PREFIX));
        (*annots)[*n].loc = cursor_loc(w, attr);
        (*n)++;
    }
    clang_disposeString(s);
}

struct attr_ctx {
    struct walker *w;
    struct vg_annot **annots;
    size_t *n;
    bool layout_attr;
};

/* Collects the "vms:" annotations among a declaration's children and notes other attributes. */
static enum CXChildVisitResult attr_visit(CXCursor c, CXCursor parent, CXClientData data)
{
    struct attr_ctx *a = data;

    (void)parent;
    if (c.kind == CXCursor_AnnotateAttr)
        add_annot(a->w, a->annots, a->n, c);
    else if (clang_isAttribute(c.kind))
        a->layout_attr = true;
    return CXChildVisit_Continue;
}

/* Appends @extra (moved) to @annots and keeps them in source order. */
static void merge_annots(struct vg_annot **annots, size_t *n, struct vg_annot *extra, size_t n_extra)
{
    if (!n_extra)
        return;
    *annots = vg_xrealloc(*annots, *n + n_extra, sizeof(**annots));
    memcpy(*annots + *n, extra, n_extra * sizeof(*extra));
    *n += n_extra;
    for (size_t i = 1; i < *n; i++) { /* insertion sort: stable, and n is tiny */
        struct vg_annot x = (*annots)[i];
        size_t j = i;

        while (j > 0 && (*annots)[j - 1].loc.file == x.loc.file &&
               ((*annots)[j - 1].loc.line > x.loc.line ||
                ((*annots)[j - 1].loc.line == x.loc.line && (*annots)[j - 1].loc.col > x.loc.col))) {
            (*annots)[j] = (*annots)[j - 1];
            j--;
        }
        (*annots)[j] = x;
    }
}

/* ---- records ---- */

static size_t hash_slot(const struct walker *w, CXCursor c)
{
    size_t mask = w->hash_cap - 1, i = clang_hashCursor(c) & mask;

    while (w->hash[i] && !clang_equalCursors(w->recs[w->hash[i] - 1].cursor, c))
        i = (i + 1) & mask;
    return i;
}

static void hash_insert(struct walker *w, size_t index)
{
    if (2 * (w->tu->n_records + 1) > w->hash_cap) {
        size_t old_cap = w->hash_cap, *old = w->hash;

        w->hash_cap = old_cap ? 2 * old_cap : 256;
        w->hash = vg_xcalloc(w->hash_cap, sizeof(*w->hash));
        for (size_t i = 0; i < old_cap; i++)
            if (old[i])
                w->hash[hash_slot(w, w->recs[old[i] - 1].cursor)] = old[i];
        free(old);
    }
    w->hash[hash_slot(w, w->recs[index].cursor)] = index + 1;
}

static struct vg_record *find_record(const struct walker *w, CXCursor def)
{
    size_t i;

    if (!w->hash_cap)
        return NULL;
    i = hash_slot(w, def);
    return w->hash[i] ? w->tu->records[w->hash[i] - 1] : NULL;
}

/*
 * The tag of a record definition, or NULL. libclang 14 spells an untagged
 * record ""; 16 and later spell it "struct (unnamed at f.h:3:1)" or, when a
 * typedef names it, by the typedef name. A real tag is an identifier that
 * the record's type spells as "struct <tag>".
 */
static char *record_tag(CXCursor c, bool is_union)
{
    char *name = vg_clang_take(clang_getCursorSpelling(c));
    char *type = vg_clang_take(clang_getTypeSpelling(clang_getCursorType(c)));
    const char *kw = is_union ? "union " : "struct ";
    bool tagged = vg_clang_is_identifier(name) && starts_with(type, kw) &&
                  strcmp(type + strlen(kw), name) == 0;

    free(type);
    if (tagged)
        return name;
    free(name);
    return NULL;
}

static void add_enum_consts(struct walker *w, CXCursor enum_decl);
static struct vg_record *add_record(struct walker *w, CXCursor def);

struct record_ctx {
    struct walker *w;
    size_t index;
};

/* Record definitions and enums, wherever they appear; false for other cursors. */
static bool add_definition(struct walker *w, CXCursor c)
{
    switch (c.kind) {
    case CXCursor_StructDecl:
    case CXCursor_UnionDecl:
        if (clang_isCursorDefinition(c))
            add_record(w, c);
        return true;
    case CXCursor_EnumDecl:
        add_enum_consts(w, c);
        return true;
    default:
        return false;
    }
}

/* Children of a record: nested record definitions, enums, attributes. */
static enum CXChildVisitResult record_child(CXCursor c, CXCursor parent, CXClientData data)
{
    const struct record_ctx *rc = data;
    struct walker *w = rc->w;
    struct vg_record *rec = w->tu->records[rc->index];

    (void)parent;
    if (add_definition(w, c))
        return CXChildVisit_Continue;
    switch (c.kind) {
    case CXCursor_AnnotateAttr:
        add_annot(w, &rec->annots, &rec->n_annots, c);
        break;
    default:
        if (clang_isAttribute(c.kind))
            w->recs[rc->index].layout_attr = true; /* tu->records may have grown: index again */
        break;
    }
    return CXChildVisit_Continue;
}

/*
 * Registers the record defined at @def (once: an inline definition is seen
 * both in its enclosing scope and under the declaration that uses it), then
 * the records and enums nested in it. Members are filled later, once every
 * record is known.
 */
static struct vg_record *add_record(struct walker *w, CXCursor def)
{
    struct vg_tu *tu = w->tu;
    struct vg_record *rec = find_record(w, def);
    size_t index = tu->n_records;

    if (rec)
        return rec;
    rec = vg_xcalloc(1, sizeof(*rec));
    rec->is_union = def.kind == CXCursor_UnionDecl;
    rec->tag = record_tag(def, rec->is_union);
    rec->loc = cursor_loc(w, def);
    rec->in_system_header = clang_Location_isInSystemHeader(clang_getCursorLocation(def)) != 0;
    vg_grow(&tu->records, &w->cap_records, index + 1, sizeof(*tu->records));
    vg_grow(&w->recs, &w->cap_recs, index + 1, sizeof(*w->recs));
    tu->records[index] = rec;
    w->recs[index] = (struct rec_info){.cursor = def};
    tu->n_records++;
    hash_insert(w, index);
    clang_visitChildren(def, record_child, &(struct record_ctx){.w = w, .index = index});
    return rec;
}

/* The record a (canonical) record type refers to, or NULL when incomplete. */
static struct vg_record *record_of_type(struct walker *w, CXType t)
{
    CXCursor def = clang_getCursorDefinition(clang_getTypeDeclaration(t));

    if (clang_Cursor_isNull(def) || (def.kind != CXCursor_StructDecl && def.kind != CXCursor_UnionDecl))
        return NULL;
    return add_record(w, def);
}

static struct vg_record *record_of_canonical(void *w, CXType canon)
{
    return record_of_type(w, canon);
}

/* ---- enum constants and macros ---- */

static enum CXChildVisitResult enum_child(CXCursor c, CXCursor parent, CXClientData data)
{
    struct walker *w = data;
    struct vg_tu *tu = w->tu;

    (void)parent;
    if (c.kind == CXCursor_EnumConstantDecl) {
        vg_grow(&tu->consts, &w->cap_consts, tu->n_consts + 1, sizeof(*tu->consts));
        tu->consts[tu->n_consts].name = vg_clang_take(clang_getCursorSpelling(c));
        tu->consts[tu->n_consts].value = clang_getEnumConstantDeclValue(c);
        tu->n_consts++;
    }
    return CXChildVisit_Continue;
}

static void add_enum_consts(struct walker *w, CXCursor enum_decl)
{
    clang_visitChildren(enum_decl, enum_child, w);
}

/* True for a macro given with -D on our command line (libclang places those in no file). */
static bool is_cli_define(const struct vg_front_opts *opts, const char *name)
{
    size_t len = strlen(name);

    for (size_t i = 0; opts && i < opts->n_defines; i++) {
        const char *def = opts->defines[i];

        if (strncmp(def, name, len) == 0 && (def[len] == '\0' || def[len] == '='))
            return true;
    }
    return false;
}

static bool ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), k = strlen(suffix);

    return n >= k && strcmp(s + n - k, suffix) == 0;
}

/* Joins tokens [1, n) (token 0 is the macro's name) with single spaces. */
static char *join_tokens(CXTranslationUnit ctu, const CXToken *toks, unsigned n)
{
    char *body = vg_xstrdup("");
    size_t len = 0;

    for (unsigned i = 1; i < n; i++) {
        CXString s = clang_getTokenSpelling(ctu, toks[i]);
        const char *t = clang_getCString(s);
        size_t tl = strlen(t);

        body = vg_xrealloc(body, len + tl + 2, 1);
        if (i > 1)
            body[len++] = ' ';
        memcpy(body + len, t, tl + 1);
        len += tl;
        clang_disposeString(s);
    }
    return body;
}

/*
 * An object-like macro of the user's files or of our -D list (libclang puts
 * both those and its builtins in no file), with its body.
 */
static void add_macro(struct walker *w, CXCursor c)
{
    struct vg_tu *tu = w->tu;
    CXSourceLocation l = clang_getCursorLocation(c);
    CXToken *toks = NULL;
    unsigned n_toks = 0;
    struct vg_loc loc;
    char *name;

    if (clang_Cursor_isMacroFunctionLike(c) || clang_Location_isInSystemHeader(l))
        return;
    loc = loc_of(w, l);
    if (loc.file && ends_with(loc.file, "vms/annotate.h"))
        return; /* our own: the include guard and the argument-less annotations */
    name = vg_clang_take(clang_getCursorSpelling(c));
    if (!loc.file && !is_cli_define(w->opts, name)) {
        free(name);
        return;
    }
    clang_tokenize(w->ctu, clang_getCursorExtent(c), &toks, &n_toks);
    vg_grow(&tu->macros, &w->cap_macros, tu->n_macros + 1, sizeof(*tu->macros));
    tu->macros[tu->n_macros++] = (struct vg_macro){
        .name = name, .body = join_tokens(w->ctu, toks, n_toks), .loc = loc};
    clang_disposeTokens(w->ctu, toks, n_toks);
}

/* ---- the translation unit ---- */

static enum CXChildVisitResult top_visit(CXCursor c, CXCursor parent, CXClientData data)
{
    struct walker *w = data;

    (void)parent;
    if (add_definition(w, c))
        return CXChildVisit_Continue;
    switch (c.kind) {
    case CXCursor_TypedefDecl:
        vg_grow(&w->typedefs, &w->cap_typedefs, w->n_typedefs + 1, sizeof(*w->typedefs));
        w->typedefs[w->n_typedefs++] = c;
        break;
    case CXCursor_MacroDefinition:
        add_macro(w, c);
        break;
    default:
        break;
    }
    return CXChildVisit_Continue;
}

/* A typedef that names a record directly gives it its typedef name and its annotations. */
static void apply_typedef(struct walker *w, CXCursor td)
{
    CXType u = vg_clang_unwrap(clang_getTypedefDeclUnderlyingType(td));
    struct vg_record *rec;
    struct vg_annot *annots = NULL;
    size_t n = 0;
    struct attr_ctx a = {.w = w, .annots = &annots, .n = &n};

    if (u.kind != CXType_Record || !(rec = record_of_type(w, clang_getCanonicalType(u))))
        return;
    if (!rec->typedef_name)
        rec->typedef_name = vg_clang_take(clang_getCursorSpelling(td));
    clang_visitChildren(td, attr_visit, &a);
    merge_annots(&rec->annots, &rec->n_annots, annots, n);
    free(annots);
}

/* ---- members and layout ---- */

struct field_ctx {
    struct walker *w;
    struct vg_record *rec;
    CXCursor *cursors;       /* the FieldDecl of each member, for exact offsets */
    const struct vg_type_info **types; /* the type of each member, for natural offsets */
    size_t cap_members, cap_cursors, cap_types;
    bool exact;              /* natural layout cannot be trusted for this record */
};

static bool unnamed(CXCursor c)
{
    CXString s = clang_getCursorSpelling(c);
    bool empty = !clang_getCString(s) || !*clang_getCString(s);

    clang_disposeString(s);
    return empty;
}

static enum CXVisitorResult field_visit(CXCursor c, CXClientData data)
{
    struct field_ctx *fc = data;
    struct vg_record *rec = fc->rec;
    struct vg_member *m;
    const struct vg_type_info *ti;
    struct attr_ctx a = {.w = fc->w};

    if (clang_Cursor_isBitField(c) && unnamed(c)) {
        fc->exact = true; /* padding (`int : 0;`): no state, but it moves what follows */
        return CXVisit_Continue;
    }
    vg_grow(&rec->members, &fc->cap_members, rec->n_members + 1, sizeof(*rec->members));
    vg_grow(&fc->cursors, &fc->cap_cursors, rec->n_members + 1, sizeof(*fc->cursors));
    vg_grow(&fc->types, &fc->cap_types, rec->n_members + 1, sizeof(*fc->types));
    ti = vg_types_get(&fc->w->types, clang_getCursorType(c));
    fc->cursors[rec->n_members] = c;
    fc->types[rec->n_members] = ti;
    m = &rec->members[rec->n_members++];
    memset(m, 0, sizeof(*m));
    m->type = ti->type;
    m->is_bitfield = clang_Cursor_isBitField(c) != 0;
    m->bit_width = m->is_bitfield ? (unsigned)clang_getFieldDeclBitWidth(c) : 0;
    if (ti->anon_record) {
        /*
         * A C11 anonymous struct/union member: an implicit field with no
         * name. What was written after it (`union { ... } VMS_SKIP;`)
         * lands on the record; the member carries it too.
         */
        const struct vg_record *anon = m->type->record;

        m->name = vg_xstrdup("");
        m->loc = cursor_loc(fc->w, clang_getTypeDeclaration(clang_getCanonicalType(ti->key)));
        for (size_t i = 0; anon && i < anon->n_annots; i++) {
            struct vg_annot copy = {vg_xstrdup(anon->annots[i].text), anon->annots[i].loc};

            merge_annots(&m->annots, &m->n_annots, &copy, 1);
        }
    } else {
        m->name = vg_clang_take(clang_getCursorSpelling(c));
        m->loc = cursor_loc(fc->w, c);
        a.annots = &m->annots;
        a.n = &m->n_annots;
        if (clang_Cursor_hasAttrs(c)) /* attributes are the only children attr_visit uses */
            clang_visitChildren(c, attr_visit, &a);
    }
    if (a.layout_attr || m->is_bitfield)
        fc->exact = true;
    return CXVisit_Continue;
}

static uint64_t align_up(uint64_t v, uint64_t a)
{
    return a ? (v + a - 1) / a * a : v;
}

/*
 * Natural layout (see the comment at the top). Returns false when it cannot
 * be trusted for @rec, which then asks libclang member by member.
 */
static bool natural_offsets(struct vg_record *rec, const struct vg_type_info *const *types,
                            CXType rt)
{
    long long rec_align = clang_Type_getAlignOf(rt), rec_size = clang_Type_getSizeOf(rt);
    uint64_t end = 0, max_align = 1;

    if (rec_align <= 0 || rec_size < 0)
        return false;
    for (size_t i = 0; i < rec->n_members; i++) {
        struct vg_member *m = &rec->members[i];
        bool flexible = m->type->kind == VG_T_INCOMPLETE_ARRAY;
        /* alignment of the type as declared: attributes on its typedefs are included */
        long long align = types[i]->align, size = flexible ? 0 : types[i]->size;
        uint64_t off;

        if (align <= 0 || size < 0 || (flexible && i + 1 != rec->n_members))
            return false;
        off = rec->is_union ? 0 : align_up(end, (uint64_t)align);
        m->offset_bits = off * 8;
        if (rec->is_union)
            end = end > (uint64_t)size ? end : (uint64_t)size;
        else
            end = off + (uint64_t)size;
        if ((uint64_t)align > max_align)
            max_align = (uint64_t)align;
    }
    return max_align == (uint64_t)rec_align && align_up(end, max_align) == (uint64_t)rec_size;
}

static void fill_record(struct walker *w, size_t index)
{
    struct vg_record *rec = w->tu->records[index];
    CXCursor c = w->recs[index].cursor;
    CXType rt = clang_getCursorType(c);
    struct field_ctx fc = {.w = w, .rec = rec, .exact = w->exact_offsets || w->recs[index].layout_attr};
    long long size = clang_Type_getSizeOf(rt);

    rec->size = size > 0 ? (uint64_t)size : 0;
    if (rec->tag) {
        rec->c_name = vg_xmalloc(strlen(rec->tag) + 8);
        sprintf(rec->c_name, "%s %s", rec->is_union ? "union" : "struct", rec->tag);
    } else if (rec->typedef_name) {
        rec->c_name = vg_xstrdup(rec->typedef_name);
    }
    rec->is_anonymous = !rec->tag && !rec->typedef_name;
    clang_Type_visitFields(rt, field_visit, &fc);
    if (fc.exact || !natural_offsets(rec, fc.types, rt)) {
        for (size_t i = 0; i < rec->n_members; i++) {
            long long off = clang_Cursor_getOffsetOfField(fc.cursors[i]);

            rec->members[i].offset_bits = off > 0 ? (uint64_t)off : 0;
        }
    }
    free(fc.cursors);
    free(fc.types);
}

/* ---- parse ---- */

static void push_arg(const char ***args, size_t *n, size_t *cap, const char *arg)
{
    vg_grow(args, cap, *n + 1, sizeof(**args));
    (*args)[(*n)++] = arg;
}

static char *concat(const char *a, const char *b)
{
    char *s = vg_xmalloc(strlen(a) + strlen(b) + 1);

    strcpy(s, a);
    strcat(s, b);
    return s;
}

/* The builtin headers' directory to pass as -resource-dir, or NULL for libclang's default. */
static const char *resource_dir(const struct vg_front_opts *opts)
{
#ifdef VG_RESOURCE_DIR
    static const char baked[] = VG_RESOURCE_DIR;
    char probe[sizeof(baked) + 32];
    FILE *f;
#endif

    if (opts && opts->resource_dir)
        return opts->resource_dir;
#ifdef VG_RESOURCE_DIR
    /* baked in at build time; a relocated or upgraded libclang may not have it any more */
    if (!baked[0])
        return NULL;
    snprintf(probe, sizeof(probe), "%s/include/stddef.h", baked);
    f = fopen(probe, "r");
    if (!f)
        return NULL;
    fclose(f);
    return baked;
#else
    return NULL;
#endif
}

/* Builds libclang's command line; strings it allocates are appended to @owned. */
static size_t build_args(const struct vg_front_opts *opts, const char ***args, char ***owned,
                         size_t *n_owned)
{
    size_t n = 0, cap = 0, cap_owned = 0;
    const char *rd = resource_dir(opts);
    char *s;

#define OWN(str) (s = (str), vg_grow(owned, &cap_owned, *n_owned + 1, sizeof(**owned)), \
                  (*owned)[(*n_owned)++] = s, push_arg(args, &n, &cap, s))
    push_arg(args, &n, &cap, "-x");
    push_arg(args, &n, &cap, "c");
    push_arg(args, &n, &cap, "-std=c11");
    push_arg(args, &n, &cap, "-D__VMSGEN__");
    /* a header parsed on its own is the main file: its #pragma once is not a mistake */
    push_arg(args, &n, &cap, "-Wno-pragma-once-outside-header");
    for (size_t i = 0; opts && i < opts->n_include_dirs; i++)
        OWN(concat("-I", opts->include_dirs[i]));
    for (size_t i = 0; opts && i < opts->n_defines; i++)
        OWN(concat("-D", opts->defines[i]));
#ifdef VG_ANNOTATIONS_DIR
    push_arg(args, &n, &cap, "-I" VG_ANNOTATIONS_DIR); /* <vms/annotate.h>, after the user's dirs */
#endif
#ifdef VG_RUNTIME_INCLUDE_DIR
    push_arg(args, &n, &cap, "-I" VG_RUNTIME_INCLUDE_DIR); /* <vms/stream.h> for hook prototypes */
#endif
    if (opts && opts->target)
        OWN(concat("--target=", opts->target));
    if (opts && opts->sysroot)
        OWN(concat("--sysroot=", opts->sysroot));
    if (rd) {
        push_arg(args, &n, &cap, "-resource-dir");
        push_arg(args, &n, &cap, rd);
    }
#undef OWN
    return n;
}

static bool env_flag(const char *name)
{
    const char *v = getenv(name);

    return v && *v && strcmp(v, "0") != 0;
}

static void walk(struct walker *w)
{
    vg_types_init(&w->types, w->tu, record_of_canonical, w);
    collect_includes(w);
    clang_visitChildren(clang_getTranslationUnitCursor(w->ctu), top_visit, w);
    for (size_t i = 0; i < w->n_typedefs; i++)
        apply_typedef(w, w->typedefs[i]);
    /* n_records may grow: a record reachable only through a type is added on the way */
    for (size_t i = 0; i < w->tu->n_records; i++)
        fill_record(w, i);
    vg_types_clear(&w->types);
}

int vg_front_parse(const char *header, const struct vg_front_opts *opts, struct vg_tu *tu,
                   struct vg_diags *d)
{
    struct walker w = {.tu = tu, .opts = opts, .exact_offsets = env_flag("VMSGEN_EXACT_OFFSETS")};
    const char **args = NULL;
    char **owned = NULL;
    size_t n_owned = 0, n_args;
    enum CXErrorCode rc;
    CXIndex index;
    FILE *f;
    int ret = -1;

    memset(tu, 0, sizeof(*tu));
    f = fopen(header, "r");
    if (!f) {
        vg_error(d, (struct vg_loc){0}, "cannot open '%s': %s", header, strerror(errno));
        return -1;
    }
    fclose(f);
    tu->main_file = vg_xstrdup(header);
    n_args = build_args(opts, &args, &owned, &n_owned);
    index = clang_createIndex(0, 0);
    rc = clang_parseTranslationUnit2(index, header, args, (int)n_args, NULL, 0,
                                     CXTranslationUnit_DetailedPreprocessingRecord |
                                         CXTranslationUnit_SkipFunctionBodies,
                                     &w.ctu);
    if (rc != CXError_Success || !w.ctu)
        vg_error(d, (struct vg_loc){0}, "libclang could not parse '%s' (error %d)", header, (int)rc);
    else if (report_diags(w.ctu, d) == 0) {
        if (opts && opts->stage_done)
            opts->stage_done("libclang");
        walk(&w);
        ret = 0;
    }
    if (w.ctu)
        clang_disposeTranslationUnit(w.ctu);
    clang_disposeIndex(index);
    for (size_t i = 0; i < n_owned; i++)
        free(owned[i]);
    free(owned);
    free((void *)args);
    free(w.files);
    for (size_t i = 0; i < w.cap_lines; i++)
        free(w.lines[i].starts);
    free(w.lines);
    free(w.recs);
    free(w.hash);
    free(w.typedefs);
    if (ret)
        vg_tu_free(tu);
    return ret;
}

static void annots_free(struct vg_annot *a, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(a[i].text);
    free(a);
}

void vg_tu_free(struct vg_tu *tu)
{
    if (!tu)
        return;
    for (size_t i = 0; i < tu->n_records; i++) {
        struct vg_record *r = tu->records[i];

        for (size_t j = 0; j < r->n_members; j++) {
            free(r->members[j].name);
            annots_free(r->members[j].annots, r->members[j].n_annots);
        }
        free(r->members);
        annots_free(r->annots, r->n_annots);
        free(r->tag);
        free(r->typedef_name);
        free(r->c_name);
        free(r);
    }
    free(tu->records);
    for (size_t i = 0; i < tu->n_types; i++)
        vg_type_free(tu->types[i]);
    free(tu->types);
    for (size_t i = 0; i < tu->n_consts; i++)
        free(tu->consts[i].name);
    free(tu->consts);
    for (size_t i = 0; i < tu->n_macros; i++) {
        free(tu->macros[i].name);
        free(tu->macros[i].body);
    }
    free(tu->macros);
    for (size_t i = 0; i < tu->n_includes; i++)
        free(tu->includes[i]);
    free(tu->includes);
    free(tu->main_file);
    memset(tu, 0, sizeof(*tu));
}
