/* emit_json.c: the schema, in the layout of QEMU's -dump-vmstate (plus vms_ facts on fields). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model.h"

/*
 * A tiny pretty printer with QEMU's dump layout: two-space indents, one
 * member per line, "key": value, keys in the order they are written. QEMU's
 * layout repeats a nested description inside every field that uses it, so
 * schemas of big headers reach tens of megabytes: output is gathered in a
 * buffer and written in large blocks.
 */
struct jw {
    FILE *out;
    int depth;
    bool first;   /* no member written yet at this level */
    bool failed;  /* a write failed */
    size_t len;
    char buf[1 << 16];
};

static void jw_flush(struct jw *w)
{
    if (w->len && fwrite(w->buf, 1, w->len, w->out) != w->len)
        w->failed = true;
    w->len = 0;
}

static void jw_put(struct jw *w, const char *s, size_t n)
{
    if (w->len + n > sizeof(w->buf)) {
        jw_flush(w);
        if (n > sizeof(w->buf)) {
            if (fwrite(s, 1, n, w->out) != n)
                w->failed = true;
            return;
        }
    }
    memcpy(w->buf + w->len, s, n);
    w->len += n;
}

static void jw_putc(struct jw *w, char c)
{
    if (w->len == sizeof(w->buf))
        jw_flush(w);
    w->buf[w->len++] = c;
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

/* ---- descriptions ---- */

static void emit_desc(struct jw *w, const struct vg_desc *d, const char *name, int version,
                      int min_version, int sub);

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
        emit_desc(w, f->nested, f->nested->name, f->nested->version, f->nested->min_version, -1);
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
    struct jw *w = calloc(1, sizeof(*w));
    int ret;

    if (!w)
        return -1;
    w->out = out;
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
    free(w);
    return ret;
}
