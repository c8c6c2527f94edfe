/* emit_json.c: the schema, in the layout of QEMU's -dump-vmstate (plus vms_ facts on fields). */
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model.h"
#include "xalloc.h"

/*
 * A tiny JSON printer into memory with QEMU's dump layout: keys in the order
 * they are written. Pretty (VG_JSON_PRETTY): QEMU's own whitespace,
 * two-space indents and one member per line. Lines (VG_JSON_LINES): the
 * same JSON with no whitespace inside a section and one section per line, a
 * third of the size. QEMU's layout repeats a nested description inside every
 * field that uses it, so schemas of big headers reach tens of megabytes:
 * each nested description is written once per depth (once in all, without
 * indentation) and copied from there (see emit_nested()), and sections are
 * rendered in chunks, on two threads when the caller asks (vg_json_start()).
 */
struct jw_memo;

struct jw {
    struct vg_buf text;   /* the output */
    int depth;
    bool first;           /* no member written yet at this level */
    bool lines;           /* VG_JSON_LINES: whitespace only between sections */
    bool full;            /* VG_JSON_FULL: struct-level vms_ facts too */
    struct jw_memo *memo; /* nested descriptions already written */
};

static void jw_put(struct jw *w, const char *s, size_t n)
{
    if (w->text.cap - w->text.len <= n)
        vg_buf_reserve(&w->text, n);
    memcpy(w->text.s + w->text.len, s, n);
    w->text.len += n;
}

static void jw_putc(struct jw *w, char c)
{
    jw_put(w, &c, 1);
}

static void jw_puts(struct jw *w, const char *s)
{
    jw_put(w, s, strlen(s));
}

/* A newline and the indentation of @depth levels (lines: a newline before each section). */
static void jw_indent(struct jw *w)
{
    static const char spaces[] = "                                                                "
                                 "                                                                ";
    size_t want = 2 * (size_t)w->depth;

    if (w->lines) {
        if (w->depth == 1)
            jw_putc(w, '\n'); /* before a section's key */
        return;
    }
    jw_putc(w, '\n');
    while (want > 0) {
        size_t k = want < sizeof(spaces) - 1 ? want : sizeof(spaces) - 1;
        jw_put(w, spaces, k);
        want -= k;
    }
}

/* The inside of a JSON string: runs of plain characters copied whole, escapes where needed. */
static void jw_string_body(struct jw *w, const char *s)
{
    static const char hex[] = "0123456789abcdef";
    const char *run = s;

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
}

static void jw_string(struct jw *w, const char *s)
{
    jw_putc(w, '"');
    jw_string_body(w, s);
    jw_putc(w, '"');
}

/* An integer in decimal. */
static void jw_digits(struct jw *w, int64_t v)
{
    char digits[24];
    size_t i = sizeof(digits);
    uint64_t u = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;

    do {
        digits[--i] = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    if (v < 0)
        digits[--i] = '-';
    jw_put(w, digits + i, sizeof(digits) - i);
}

/*
 * A member's key: a literal written with its quotes, K("field"), so the
 * hot path copies it whole; DYN(s) for a key to escape; NOKEY for an array
 * element.
 */
struct jw_name {
    const char *s;
    size_t len;  /* of the quoted literal; 0: @s is escaped as it is written */
};

#define K(literal) ((struct jw_name){"\"" literal "\"", sizeof(literal) + 1})
#define DYN(str) ((struct jw_name){(str), 0})
#define NOKEY ((struct jw_name){NULL, 0})

/* Starts a member (or an array element). */
static void jw_key(struct jw *w, struct jw_name key)
{
    if (!w->first)
        jw_putc(w, ',');
    w->first = false;
    jw_indent(w);
    if (!key.s)
        return;
    if (key.len)
        jw_put(w, key.s, key.len);
    else
        jw_string(w, key.s);
    jw_put(w, ": ", w->lines ? 1 : 2);
}

static void jw_open(struct jw *w, struct jw_name key, char bracket)
{
    jw_key(w, key);
    jw_putc(w, bracket);
    w->depth++;
    w->first = true;
}

static void jw_close(struct jw *w, char bracket)
{
    w->depth--;
    if (!w->first && !w->lines)
        jw_indent(w);
    jw_putc(w, bracket);
    w->first = false;
}

static void jw_int(struct jw *w, struct jw_name key, int64_t v)
{
    jw_key(w, key);
    jw_digits(w, v);
}

static void jw_bool(struct jw *w, struct jw_name key, bool v)
{
    jw_key(w, key);
    if (v)
        jw_put(w, "true", 4);
    else
        jw_put(w, "false", 5);
}

static void jw_str(struct jw *w, struct jw_name key, const char *v)
{
    jw_key(w, key);
    jw_string(w, v);
}

static void jw_expr(struct jw *w, struct jw_name key, const struct vg_expr *e)
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
    int depth = w->lines ? 0 : w->depth; /* nested text has no indentation in lines */
    struct jw_memo_entry *e = memo_find(w->memo, d, depth);

    if (!e) {
        struct jw m = {.depth = w->depth, .first = true, .memo = w->memo, .lines = w->lines,
                       .full = w->full};

        emit_desc(&m, d, d->name, d->version, d->min_version, -1);
        e = memo_add(w->memo, d, depth, m.text);
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

/* "vms_source": "header.h:line" (the header's base name), when @loc has a file. */
static void emit_source(struct jw *w, struct vg_loc loc)
{
    const char *slash = loc.file ? strrchr(loc.file, '/') : NULL;

    if (!loc.file)
        return;
    jw_key(w, K("vms_source")); /* "file:line", the string jw_str would write */
    jw_putc(w, '"');
    jw_string_body(w, slash ? slash + 1 : loc.file);
    jw_putc(w, ':');
    jw_digits(w, loc.line);
    jw_putc(w, '"');
}

/*
 * schema --full: the struct-level facts of description @d (QEMU's checker
 * counts unknown keys on descriptions as errors, so only --full has them).
 */
static void emit_desc_facts(struct jw *w, const struct vg_desc *d)
{
    static const char *const hook_key[VG_HOOK_COUNT] = {"pre_save", "post_save", "pre_load",
                                                        "post_load"};
    bool any_hook = false;

    jw_str(w, K("vms_struct"), d->ident);
    if (d->priority)
        jw_int(w, K("vms_priority"), d->priority);
    if (d->needed_text)
        jw_str(w, K("vms_needed"), d->needed_text);
    if (d->unmigratable)
        jw_bool(w, K("vms_unmigratable"), true);
    if (d->check_text)
        jw_str(w, K("vms_check"), d->check_text);
    for (int k = 0; k < VG_HOOK_COUNT; k++)
        any_hook = any_hook || d->hooks[k];
    if (any_hook) {
        jw_open(w, K("vms_hooks"), '{');
        for (int k = 0; k < VG_HOOK_COUNT; k++)
            if (d->hooks[k])
                jw_str(w, DYN(hook_key[k]), d->hooks[k]);
        jw_close(w, '}');
    }
    emit_source(w, d->loc);
}

/* schema --full: what a subsection adds to its description (its needed and place). */
static void emit_sub_facts(struct jw *w, const struct vg_sub *s)
{
    if (s->needed_text)
        jw_str(w, K("vms_needed"), s->needed_text);
    if (s->present_path)
        jw_str(w, K("vms_present"), s->present_path);
    emit_source(w, s->loc);
}

/* Our facts QEMU's dump has no key for: vms_-prefixed, on field objects only. */
static void emit_field_facts(struct jw *w, const struct vg_field *f)
{
    jw_str(w, K("vms_type"), f->wire == VG_W_CODEC ? f->codec_type : vg_wire_word(f->wire));
    if (strcmp(f->wire_name, f->c_path) != 0 && f->wire != VG_W_UNUSED)
        jw_str(w, K("vms_member"), f->c_path);
    if (f->flags & VG_F_EQUAL)
        jw_bool(w, K("vms_equal"), true);
    if (f->until)
        jw_int(w, K("vms_until"), f->until);
    if (f->if_expr)
        jw_expr(w, K("vms_if"), f->if_expr);
    if (f->count)
        jw_expr(w, K("vms_count"), f->count);
    if (f->max)
        jw_int(w, K("vms_max"), (int64_t)f->max);
    if (f->flags & VG_F_VARRAY)
        jw_int(w, K("vms_capacity"), (int64_t)(f->flags & VG_F_POINTER ? f->max : f->num));
    if (f->def)
        jw_expr(w, K("vms_default"), f->def);
    if (f->has_range) {
        jw_int(w, K("vms_range_lo"), f->lo);
        jw_int(w, K("vms_range_hi"), f->hi);
    }
    if (f->check)
        jw_expr(w, K("vms_check"), f->check);
    if (f->was_until) {
        jw_str(w, K("vms_was_type"), vg_wire_word(f->was_wire));
        jw_int(w, K("vms_was_until"), f->was_until);
    }
    if (f->renamed_from)
        jw_str(w, K("vms_renamed_from"), f->renamed_from);
    emit_source(w, f->member->loc);
}

static void emit_field(struct jw *w, const struct vg_field *f)
{
    jw_open(w, NOKEY, '{');
    jw_str(w, K("field"), f->wire_name);
    jw_int(w, K("version_id"), f->since);
    jw_bool(w, K("field_exists"), f->if_expr != NULL);
    if (f->num > 1 && !(f->flags & VG_F_VARRAY))
        jw_int(w, K("num"), (int64_t)f->num);
    jw_int(w, K("size"), (int64_t)field_size(f));
    emit_field_facts(w, f);
    if (f->nested)
        emit_nested(w, f->nested);
    jw_close(w, '}');
}

static void emit_subsections(struct jw *w, const struct vg_desc *d)
{
    if (d->n_subs == 0)
        return;
    jw_open(w, K("Subsections"), '[');
    for (size_t i = 0; i < d->n_subs; i++) {
        const struct vg_sub *s = &d->subs[i];

        jw_open(w, NOKEY, '{'); /* emit_desc writes the members of this object */
        if (s->member_desc)
            emit_desc(w, s->member_desc, s->name, s->member_desc->version,
                      s->member_desc->min_version, -2);
        else
            emit_desc(w, d, s->name, s->version, s->version, (int)i);
        if (w->full)
            emit_sub_facts(w, s);
        jw_close(w, '}');
    }
    jw_close(w, ']');
}

/*
 * VMS_LIVE members, as the vmdesc of a live device has them (the contract of
 * docs/wire-format.md, "Live sections"): member, total size, chunk size and
 * element size, in declaration order.
 */
static void emit_live(struct jw *w, const struct vg_desc *d)
{
    jw_open(w, K("vms_live"), '[');
    for (size_t i = 0; i < d->n_lives; i++) {
        jw_open(w, NOKEY, '{');
        jw_str(w, K("field"), d->lives[i].name);
        jw_int(w, K("size"), (int64_t)d->lives[i].size);
        jw_int(w, K("chunk_size"), (int64_t)d->lives[i].chunk_size);
        jw_int(w, K("element_size"), d->lives[i].elem_size);
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
        jw_open(w, K("Description"), '{');
    jw_str(w, K("name"), name);
    jw_int(w, K("version_id"), version);
    jw_int(w, K("minimum_version_id"), min_version);
    if (w->full && sub < 0)
        emit_desc_facts(w, d);
    for (size_t i = 0; i < d->n_fields; i++)
        any = any || d->fields[i].sub == want;
    if (any) {
        jw_open(w, K("Fields"), '[');
        for (size_t i = 0; i < d->n_fields; i++)
            if (d->fields[i].sub == want)
                emit_field(w, &d->fields[i]);
        jw_close(w, ']');
    }
    if (sub < 0)
        emit_subsections(w, d);
    if (own_object && d->n_lives)
        emit_live(w, d);
    if (own_object)
        jw_close(w, '}');
}

static void emit_section(struct jw *w, const struct vg_desc *d)
{
    const char *key = d->type_name ? d->type_name : d->name;

    jw_open(w, DYN(key), '{');
    jw_str(w, K("Name"), key);
    jw_int(w, K("version_id"), d->version);
    jw_int(w, K("minimum_version_id"), d->min_version);
    emit_desc(w, d, d->name, d->version, d->min_version, -1);
    jw_close(w, '}');
}

/* ---- the whole schema: sections rendered in chunks, by one or two threads ---- */

enum { JSON_CHUNK = 16 }; /* sections per chunk */

/*
 * A schema being written. The sections are cut into chunks; any thread
 * renders the next chunk not yet taken into memory (with a memo of nested
 * descriptions of its own), and the writer writes the rendered chunks in
 * order. Each chunk is rendered as if it followed other sections, so the
 * bytes equal a single pass.
 */
struct vg_json {
    enum vg_json_style style;
    FILE *out;
    char *machine;
    const struct vg_desc **sections;
    size_t n_sections;
    size_t n_chunks;
    struct vg_buf *texts;     /* chunk i's text, valid once done[i] */
    bool *done;
    size_t next;              /* the next chunk to take */
    size_t hint;              /* the longest chunk text so far: the next buffer's capacity */
    bool failed;              /* a write failed */
    int err;                  /* its errno */
    pthread_mutex_t lock;
    pthread_cond_t rendered;
    pthread_t thread;
    bool threaded;
};

/* Takes the next chunk and renders it; false when none is left. */
static bool render_next(struct vg_json *j, struct jw_memo *memo)
{
    struct jw w = {.depth = 1, .memo = memo, .lines = (j->style & VG_JSON_LINES) != 0,
                   .full = (j->style & VG_JSON_FULL) != 0};
    size_t k;

    size_t hint;

    pthread_mutex_lock(&j->lock);
    k = j->next < j->n_chunks ? j->next++ : j->n_chunks;
    hint = j->hint;
    pthread_mutex_unlock(&j->lock);
    if (k == j->n_chunks)
        return false;
    if (hint)
        vg_buf_reserve(&w.text, hint + hint / 4); /* chunks are alike: grow (and copy) rarely */
    for (size_t i = k * JSON_CHUNK; i < j->n_sections && i < (k + 1) * JSON_CHUNK; i++)
        emit_section(&w, j->sections[i]);
    pthread_mutex_lock(&j->lock);
    j->texts[k] = w.text;
    j->done[k] = true;
    if (w.text.len > j->hint)
        j->hint = w.text.len;
    pthread_cond_broadcast(&j->rendered);
    pthread_mutex_unlock(&j->lock);
    return true;
}

static void write_text(struct vg_json *j, const struct vg_buf *t)
{
    if (!j->failed && t->len && fwrite(t->s, 1, t->len, j->out) != t->len) {
        j->failed = true;
        j->err = errno;
    }
}

/* The writer: renders chunks too while the next one to write is not ready. */
static void *json_writer(void *arg)
{
    struct vg_json *j = arg;
    struct jw_memo memo = {0};
    struct jw head = {.lines = (j->style & VG_JSON_LINES) != 0};

    jw_putc(&head, '{');
    head.depth = 1;
    head.first = true;
    jw_open(&head, K("vmschkmachine"), '{');
    jw_str(&head, K("Name"), j->machine);
    jw_close(&head, '}');
    write_text(j, &head.text);
    for (size_t k = 0; k < j->n_chunks; k++) {
        pthread_mutex_lock(&j->lock);
        while (!j->done[k]) {
            pthread_mutex_unlock(&j->lock);
            if (!render_next(j, &memo)) {
                pthread_mutex_lock(&j->lock);
                while (!j->done[k])
                    pthread_cond_wait(&j->rendered, &j->lock);
                break;
            }
            pthread_mutex_lock(&j->lock);
        }
        pthread_mutex_unlock(&j->lock);
        write_text(j, &j->texts[k]);
        vg_buf_free(&j->texts[k]);
    }
    head.text.len = 0;
    jw_puts(&head, "\n}\n");
    write_text(j, &head.text);
    vg_buf_free(&head.text);
    memo_free(&memo);
    return NULL;
}

struct vg_json *vg_json_start(const struct vg_model *const *models, size_t n_models,
                              const char *machine, enum vg_json_style style, FILE *out,
                              bool threaded)
{
    struct vg_json *j = vg_xcalloc(1, sizeof(*j));
    size_t n = 0;

    for (size_t k = 0; k < n_models; k++)
        n += models[k]->n_descs;
    j->sections = vg_xcalloc(n + 1, sizeof(*j->sections));
    for (size_t k = 0; k < n_models; k++) {
        for (size_t i = 0; i < models[k]->n_descs; i++) {
            const struct vg_desc *d = models[k]->descs[i];

            /* sections only: a description used nested here is part of its users */
            if (d->local && !d->used_nested && !d->used_as_sub)
                j->sections[j->n_sections++] = d;
        }
    }
    j->style = style;
    j->out = out;
    j->machine = vg_xstrdup(machine);
    j->n_chunks = (j->n_sections + JSON_CHUNK - 1) / JSON_CHUNK;
    j->texts = vg_xcalloc(j->n_chunks + 1, sizeof(*j->texts));
    j->done = vg_xcalloc(j->n_chunks + 1, sizeof(*j->done));
    pthread_mutex_init(&j->lock, NULL);
    pthread_cond_init(&j->rendered, NULL);
    j->threaded = threaded && pthread_create(&j->thread, NULL, json_writer, j) == 0;
    return j;
}

int vg_json_finish(struct vg_json *j)
{
    int ret;

    if (j->threaded) {
        struct jw_memo memo = {0};

        while (render_next(j, &memo))
            ;
        memo_free(&memo);
        pthread_join(j->thread, NULL);
    } else {
        json_writer(j);
    }
    ret = j->failed || ferror(j->out) ? -1 : 0;
    errno = j->failed ? j->err : errno;
    pthread_mutex_destroy(&j->lock);
    pthread_cond_destroy(&j->rendered);
    free(j->texts);
    free(j->done);
    free(j->sections);
    free(j->machine);
    free(j);
    return ret;
}

int vg_emit_json(const struct vg_model *const *models, size_t n_models, const char *machine,
                 enum vg_json_style style, FILE *out)
{
    return vg_json_finish(vg_json_start(models, n_models, machine, style, out, false));
}
