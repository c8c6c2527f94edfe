/* emit_json.c: the schema, in the layout of QEMU's -dump-vmstate (plus vms_ facts on fields). */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model.h"
#include "xalloc.h"

/*
 * A tiny pretty printer with QEMU's dump layout: two-space indents, one
 * member per line, "key": value, keys in the order they are written. QEMU's
 * layout repeats a nested description inside every field that uses it, so
 * schemas of big headers reach tens of megabytes: each nested description is
 * written once per depth into memory and copied from there (see
 * emit_nested()), and a file writer writes in large blocks.
 */
enum { JW_BLOCK = 1 << 20 }; /* a file writer writes blocks of about this size (1 MiB) */

struct jw_memo;

struct jw {
    FILE *out;            /* NULL: a memory writer, everything stays in @text */
    struct vg_buf text;   /* output not yet written */
    int depth;
    bool first;           /* no member written yet at this level */
    bool failed;          /* a write failed */
    struct jw_memo *memo; /* nested descriptions already written, shared */
};

static void jw_flush(struct jw *w)
{
    if (w->text.len && fwrite(w->text.s, 1, w->text.len, w->out) != w->text.len)
        w->failed = true;
    w->text.len = 0;
}

static void jw_put(struct jw *w, const char *s, size_t n)
{
    if (w->out && n >= JW_BLOCK) {
        jw_flush(w);
        if (fwrite(s, 1, n, w->out) != n)
            w->failed = true;
        return;
    }
    if (w->text.cap - w->text.len <= n)
        vg_buf_reserve(&w->text, n);
    memcpy(w->text.s + w->text.len, s, n);
    w->text.len += n;
    if (w->out && w->text.len >= JW_BLOCK)
        jw_flush(w);
}

static void jw_putc(struct jw *w, char c)
{
    jw_put(w, &c, 1);
}

static void jw_puts(struct jw *w, const char *s)
{
    jw_put(w, s, strlen(s));
}

/* A newline and the indentation of @depth levels. */
static void jw_indent(struct jw *w)
{
    static const char spaces[] = "                                                                "
                                 "                                                                ";
    size_t want = 2 * (size_t)w->depth;

    jw_putc(w, '\n');
    while (want > 0) {
        size_t k = want < sizeof(spaces) - 1 ? want : sizeof(spaces) - 1;
        jw_put(w, spaces, k);
        want -= k;
    }
}

/* A JSON string: runs of plain characters copied whole, escapes where needed. */
static void jw_string(struct jw *w, const char *s)
{
    static const char hex[] = "0123456789abcdef";
    const char *run = s;

    jw_putc(w, '"');
    for (const char *p = s; *p; p++) {
        unsigned char c = (unsigned char)*p;
        char esc[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};

        if (c != '"' && c != '\\' && c >= 0x20)
            continue;
        jw_put(w, run, (size_t)(p - run));
        if (c < 0x20) {
            jw_put(w, esc, sizeof(esc));
        } else {
            jw_putc(w, '\\');
            jw_putc(w, (char)c);
        }
        run = p + 1;
    }
    jw_puts(w, run);
    jw_putc(w, '"');
}

/* Starts a member (or an array element when @key is NULL). */
static void jw_key(struct jw *w, const char *key)
{
    if (!w->first)
        jw_putc(w, ',');
    w->first = false;
    jw_indent(w);
    if (key) {
        jw_string(w, key);
        jw_put(w, ": ", 2);
    }
}

static void jw_open(struct jw *w, const char *key, char bracket)
{
    jw_key(w, key);
    jw_putc(w, bracket);
    w->depth++;
    w->first = true;
}

static void jw_close(struct jw *w, char bracket)
{
    w->depth--;
    if (!w->first)
        jw_indent(w);
    jw_putc(w, bracket);
    w->first = false;
}

static void jw_int(struct jw *w, const char *key, int64_t v)
{
    char digits[24];
    size_t i = sizeof(digits);
    uint64_t u = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;

    jw_key(w, key);
    do {
        digits[--i] = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    if (v < 0)
        digits[--i] = '-';
    jw_put(w, digits + i, sizeof(digits) - i);
}

static void jw_bool(struct jw *w, const char *key, bool v)
{
    jw_key(w, key);
    jw_puts(w, v ? "true" : "false");
}

static void jw_str(struct jw *w, const char *key, const char *v)
{
    jw_key(w, key);
    jw_string(w, v);
}

static void jw_expr(struct jw *w, const char *key, const struct vg_expr *e)
{
    struct vg_buf t = {0};

    vg_expr_to_text(e, &t);
    jw_str(w, key, t.s ? t.s : "");
    vg_buf_free(&t);
}

/* ---- nested descriptions, written once per depth ---- */

/* The text of @desc's "Description" member at @depth, as written after a member. */
struct jw_memo_entry {
    const struct vg_desc *desc; /* NULL: a free slot */
    int depth;
    struct vg_buf text;
};

/* A hash table on (desc, depth), open addressing; cap a power of two, at most half used. */
struct jw_memo {
    struct jw_memo_entry *slots;
    size_t cap, used;
};

static size_t memo_hash(const struct vg_desc *desc, int depth)
{
    uint64_t h = ((uint64_t)(uintptr_t)desc ^ (uint64_t)depth) * 0x9e3779b97f4a7c15u;

    return (size_t)(h >> 32);
}

/* The slot of (@desc, @depth): its entry, or the free slot where it belongs. */
static struct jw_memo_entry *memo_slot(struct jw_memo *m, const struct vg_desc *desc, int depth)
{
    size_t i = memo_hash(desc, depth) & (m->cap - 1);

    while (m->slots[i].desc && (m->slots[i].desc != desc || m->slots[i].depth != depth))
        i = (i + 1) & (m->cap - 1);
    return &m->slots[i];
}

static struct jw_memo_entry *memo_find(struct jw_memo *m, const struct vg_desc *desc, int depth)
{
    struct jw_memo_entry *e = m->cap ? memo_slot(m, desc, depth) : NULL;

    return e && e->desc ? e : NULL;
}

/* Adds (@desc, @depth) with @text (taken over); returns its entry. */
static struct jw_memo_entry *memo_add(struct jw_memo *m, const struct vg_desc *desc, int depth,
                                      struct vg_buf text)
{
    struct jw_memo_entry *e;

    if (2 * (m->used + 1) > m->cap) {
        size_t cap = m->cap ? 2 * m->cap : 64;
        struct jw_memo bigger = {vg_xcalloc(cap, sizeof(*m->slots)), cap, m->used};

        for (size_t i = 0; i < m->cap; i++)
            if (m->slots[i].desc)
                *memo_slot(&bigger, m->slots[i].desc, m->slots[i].depth) = m->slots[i];
        free(m->slots);
        *m = bigger;
    }
    e = memo_slot(m, desc, depth);
    *e = (struct jw_memo_entry){desc, depth, text};
    m->used++;
    return e;
}

static void memo_free(struct jw_memo *m)
{
    for (size_t i = 0; i < m->cap; i++)
        vg_buf_free(&m->slots[i].text);
    free(m->slots);
}

/* ---- descriptions ---- */

static void emit_desc(struct jw *w, const struct vg_desc *d, const char *name, int version,
                      int min_version, int sub);

/*
 * Writes the "Description" member of a field that nests @d. QEMU's layout
 * repeats it in full at every use, so the first use at each depth writes it
 * into memory (without the comma that separates it from the member before)
 * and every use copies that text.
 */
static void emit_nested(struct jw *w, const struct vg_desc *d)
{
    struct jw_memo_entry *e = memo_find(w->memo, d, w->depth);

    if (!e) {
        struct jw m = {.depth = w->depth, .first = true, .memo = w->memo};

        emit_desc(&m, d, d->name, d->version, d->min_version, -1);
        e = memo_add(w->memo, d, w->depth, m.text);
    }
    if (!w->first)
        jw_putc(w, ',');
    w->first = false;
    jw_put(w, e->text.s, e->text.len);
}

/* The C element size QEMU's dump shows as "size" (field->size). */
static uint64_t field_size(const struct vg_field *f)
{
    const struct vg_type *t = f->member->type;

    if (f->wire == VG_W_BUFFER && !(f->flags & VG_F_POINTER))
        return t->size;                         /* the whole buffer */
    if (f->wire == VG_W_UNUSED || f->wire == VG_W_CODEC)
        return t->size;
    while (t->kind == VG_T_ARRAY)
        t = t->elem;
    if (t->kind == VG_T_POINTER && t->elem)
        t = t->elem;                            /* the pointed-to element */
    return t->size;
}

/* Our facts QEMU's dump has no key for: vms_-prefixed, on field objects only. */
static void emit_field_facts(struct jw *w, const struct vg_field *f)
{
    jw_str(w, "vms_type", f->wire == VG_W_CODEC ? f->codec_type : vg_wire_word(f->wire));
    if (strcmp(f->wire_name, f->c_path) != 0 && f->wire != VG_W_UNUSED)
        jw_str(w, "vms_member", f->c_path);
    if (f->flags & VG_F_EQUAL)
        jw_bool(w, "vms_equal", true);
    if (f->until)
        jw_int(w, "vms_until", f->until);
    if (f->if_expr)
        jw_expr(w, "vms_if", f->if_expr);
    if (f->count)
        jw_expr(w, "vms_count", f->count);
    if (f->max)
        jw_int(w, "vms_max", (int64_t)f->max);
    if (f->flags & VG_F_VARRAY)
        jw_int(w, "vms_capacity", (int64_t)(f->flags & VG_F_POINTER ? f->max : f->num));
    if (f->def)
        jw_expr(w, "vms_default", f->def);
    if (f->has_range) {
        jw_int(w, "vms_range_lo", f->lo);
        jw_int(w, "vms_range_hi", f->hi);
    }
    if (f->check)
        jw_expr(w, "vms_check", f->check);
    if (f->was_until) {
        jw_str(w, "vms_was_type", vg_wire_word(f->was_wire));
        jw_int(w, "vms_was_until", f->was_until);
    }
    if (f->renamed_from)
        jw_str(w, "vms_renamed_from", f->renamed_from);
    if (f->member->loc.file) {
        const char *slash = strrchr(f->member->loc.file, '/');
        char where[300];

        snprintf(where, sizeof(where), "%s:%u", slash ? slash + 1 : f->member->loc.file,
                 f->member->loc.line);
        jw_str(w, "vms_source", where);
    }
}

static void emit_field(struct jw *w, const struct vg_field *f)
{
    jw_open(w, NULL, '{');
    jw_str(w, "field", f->wire_name);
    jw_int(w, "version_id", f->since);
    jw_bool(w, "field_exists", f->if_expr != NULL);
    if (f->num > 1 && !(f->flags & VG_F_VARRAY))
        jw_int(w, "num", (int64_t)f->num);
    jw_int(w, "size", (int64_t)field_size(f));
    emit_field_facts(w, f);
    if (f->nested)
        emit_nested(w, f->nested);
    jw_close(w, '}');
}

static void emit_subsections(struct jw *w, const struct vg_desc *d)
{
    if (d->n_subs == 0)
        return;
    jw_open(w, "Subsections", '[');
    for (size_t i = 0; i < d->n_subs; i++) {
        const struct vg_sub *s = &d->subs[i];

        jw_open(w, NULL, '{'); /* emit_desc writes the members of this object */
        if (s->member_desc)
            emit_desc(w, s->member_desc, s->name, s->member_desc->version,
                      s->member_desc->min_version, -2);
        else
            emit_desc(w, d, s->name, s->version, s->version, (int)i);
        jw_close(w, '}');
    }
    jw_close(w, ']');
}

/*
 * Writes a "Description" object (or, with @sub == -2 / >= 0, the members of
 * a subsection object already open): the fields of @d whose subsection index
 * is @sub (-1: the main payload; -2: a member subsection, all main fields).
 */
static void emit_desc(struct jw *w, const struct vg_desc *d, const char *name, int version,
                      int min_version, int sub)
{
    bool own_object = sub == -1;
    int want = sub == -2 ? -1 : sub;
    bool any = false;

    if (own_object)
        jw_open(w, "Description", '{');
    jw_str(w, "name", name);
    jw_int(w, "version_id", version);
    jw_int(w, "minimum_version_id", min_version);
    for (size_t i = 0; i < d->n_fields; i++)
        any = any || d->fields[i].sub == want;
    if (any) {
        jw_open(w, "Fields", '[');
        for (size_t i = 0; i < d->n_fields; i++)
            if (d->fields[i].sub == want)
                emit_field(w, &d->fields[i]);
        jw_close(w, ']');
    }
    if (sub < 0)
        emit_subsections(w, d);
    if (own_object)
        jw_close(w, '}');
}

static void emit_section(struct jw *w, const struct vg_desc *d)
{
    const char *key = d->type_name ? d->type_name : d->name;

    jw_open(w, key, '{');
    jw_str(w, "Name", key);
    jw_int(w, "version_id", d->version);
    jw_int(w, "minimum_version_id", d->min_version);
    emit_desc(w, d, d->name, d->version, d->min_version, -1);
    jw_close(w, '}');
}

int vg_emit_json(const struct vg_model *const *models, size_t n_models, const char *machine,
                 FILE *out)
{
    struct jw_memo memo = {0};
    struct jw writer = {.out = out, .memo = &memo};
    struct jw *w = &writer;
    int ret;

    jw_putc(w, '{');
    w->depth = 1;
    w->first = true;
    jw_open(w, "vmschkmachine", '{');
    jw_str(w, "Name", machine);
    jw_close(w, '}');
    for (size_t k = 0; k < n_models; k++) {
        for (size_t i = 0; i < models[k]->n_descs; i++) {
            const struct vg_desc *d = models[k]->descs[i];

            /* sections only: a description used nested here is part of its users */
            if (d->local && !d->used_nested)
                emit_section(w, d);
        }
    }
    w->depth = 0;
    jw_puts(w, "\n}\n");
    jw_flush(w);
    ret = w->failed || ferror(out) ? -1 : 0;
    vg_buf_free(&w->text);
    memo_free(&memo);
    return ret;
}
