/* diff_main.c: `vmsgen diff` arguments, reading the schemas and the --accept file. */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diff.h"
#include "diff_private.h"
#include "xalloc.h"

struct accept_entry {
    char *rule;
    char *path; /* section[/path] */
    char *reason;
    unsigned line;
    bool used;
};

/* The JSON type each known key must have; unknown keys (newer QEMU, other tools) are ignored. */
static const struct {
    const char *key;
    json_type type;
} key_types[] = {
    {"Name", JSON_STRING}, {"name", JSON_STRING}, {"field", JSON_STRING},
    {"version_id", JSON_INTEGER}, {"minimum_version_id", JSON_INTEGER},
    {"size", JSON_INTEGER}, {"num", JSON_INTEGER}, {"Description", JSON_OBJECT},
    {"Fields", JSON_ARRAY}, {"Subsections", JSON_ARRAY}, {"vms_type", JSON_STRING},
    {"vms_until", JSON_INTEGER}, {"vms_if", JSON_STRING}, {"vms_source", JSON_STRING},
    {"vms_renamed_from", JSON_STRING}, {"vms_was_type", JSON_STRING},
    {"vms_was_until", JSON_INTEGER},
};

static const char *const type_word[] = {
    [JSON_OBJECT] = "an object", [JSON_ARRAY] = "an array", [JSON_STRING] = "a string",
    [JSON_INTEGER] = "an integer", [JSON_REAL] = "a number", [JSON_TRUE] = "a boolean",
    [JSON_FALSE] = "a boolean", [JSON_NULL] = "null",
};

/*
 * Checks the keys the diff reads in @obj (at JSON path @path of @file) and
 * in the descriptions, fields and subsections below it. Prints the first
 * problem and returns false.
 */
static bool check_node(const char *file, const char *path, const json_t *obj)
{
    const char *key;
    json_t *v;

    json_object_foreach((json_t *)obj, key, v) {
        for (size_t k = 0; k < sizeof(key_types) / sizeof(key_types[0]); k++) {
            if (strcmp(key, key_types[k].key) != 0)
                continue;
            if (json_typeof(v) != key_types[k].type) {
                fprintf(stderr, "vmsgen diff: %s: not a schema: %s.%s is %s, expected %s\n", file,
                        path, key, type_word[json_typeof(v)], type_word[key_types[k].type]);
                return false;
            }
        }
        if (json_is_array(v) && (strcmp(key, "Fields") == 0 || strcmp(key, "Subsections") == 0)) {
            for (size_t i = 0; i < json_array_size(v); i++) {
                char *sub = vg_diff_format("%s.%s[%zu]", path, key, i);
                bool ok = json_is_object(json_array_get(v, i));

                if (!ok)
                    fprintf(stderr, "vmsgen diff: %s: not a schema: %s is not an object\n", file,
                            sub);
                ok = ok && check_node(file, sub, json_array_get(v, i));
                free(sub);
                if (!ok)
                    return false;
            }
        } else if (json_is_object(v) && strcmp(key, "Description") == 0) {
            char *sub = vg_diff_format("%s.Description", path);
            bool ok = check_node(file, sub, v);

            free(sub);
            if (!ok)
                return false;
        }
    }
    if (json_object_get(obj, "field_exists") && !json_is_boolean(json_object_get(obj, "field_exists"))) {
        fprintf(stderr, "vmsgen diff: %s: not a schema: %s.field_exists is not a boolean\n", file,
                path);
        return false;
    }
    return true;
}

/* Reads a schema; prints the error and returns NULL when it is unreadable or not a schema. */
static json_t *load_schema(const char *file)
{
    json_error_t err;
    json_t *root = NULL;
    const char *key;
    json_t *v;
    char *text = NULL;
    size_t len = 0, cap = 0;
    FILE *in = fopen(file, "rb");

    /* Read whole, then parsed from memory: jansson reads a FILE a character at a time. */
    if (!in) {
        fprintf(stderr, "vmsgen diff: %s: cannot read: %s\n", file, strerror(errno));
        return NULL;
    }
    for (size_t got = 1; got > 0; len += got) {
        vg_grow(&text, &cap, len + 65536, 1);
        got = fread(text + len, 1, cap - len, in);
    }
    if (ferror(in)) {
        fprintf(stderr, "vmsgen diff: %s: cannot read: %s\n", file, strerror(errno));
        fclose(in);
        free(text);
        return NULL;
    }
    fclose(in);
    root = json_loadb(text, len, 0, &err);
    free(text);
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
        if (!check_node(file, key, v)) {
            json_decref(root);
            return NULL;
        }
    }
    return root;
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
        bool known;

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
        known = vg_rule_find(rule) != NULL;
        if (!known || !*path) {
            fprintf(stderr, "%s:%u: error: expected 'RULE_ID section/path  # reason'%s%s%s\n",
                    file, lineno, known ? "" : " (unknown rule '", known ? "" : rule,
                    known ? "" : "')");
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

/* The next word of *@p: a "quoted string" (names with spaces) or a run of non-blanks. */
static char *next_word(char **p)
{
    char *s = *p + strspn(*p, " \t"), *end;

    if (!*s)
        return NULL;
    if (*s == '"') {
        end = strchr(++s, '"');
        if (!end)
            return NULL;
    } else {
        end = s + strcspn(s, " \t");
    }
    *p = *end ? end + 1 : end;
    *end = '\0';
    return s;
}

/*
 * Reads a --renames file: "section OLD NEW" or "field DESCRIPTION OLD NEW"
 * per line (# comments; quote names with spaces). Returns 0 or 2.
 */
static int load_renames(const char *file, struct vg_rename **out, size_t *n_out)
{
    FILE *in = fopen(file, "r");
    char *line = NULL;
    size_t len = 0, cap = 0, n = 0;
    unsigned lineno = 0;
    int ret = 0;

    if (!in) {
        fprintf(stderr, "vmsgen diff: cannot read renames file '%s'\n", file);
        return 2;
    }
    while (ret == 0 && getline(&line, &len, in) >= 0) {
        char *p = line, *hash = strchr(line, '#'), *kind, *w[3];
        bool section;

        lineno++;
        if (hash)
            *hash = '\0';
        trim(line);
        if (!(kind = next_word(&p)))
            continue;
        section = strcmp(kind, "section") == 0;
        w[0] = next_word(&p);
        w[1] = next_word(&p);
        w[2] = section ? NULL : next_word(&p);
        if ((!section && strcmp(kind, "field") != 0) || !w[1] || (!section && !w[2]) ||
            next_word(&p)) {
            fprintf(stderr, "%s:%u: error: expected 'section OLD NEW' or 'field DESCRIPTION OLD "
                            "NEW'\n", file, lineno);
            ret = 2;
            break;
        }
        vg_grow(out, &cap, n + 1, sizeof(**out));
        (*out)[n].section = section;
        (*out)[n].scope = section ? NULL : vg_xstrdup(w[0]);
        (*out)[n].from = vg_xstrdup(section ? w[0] : w[1]);
        (*out)[n].to = vg_xstrdup(section ? w[1] : w[2]);
        (*out)[n].used = false;
        n++;
    }
    free(line);
    fclose(in);
    *n_out = n;
    return ret;
}

static void apply_accept(struct vg_diff *d, struct accept_entry *e, size_t n_e, const char *file)
{
    for (size_t i = 0; i < d->n; i++) {
        char *p = vg_finding_path(&d->f[i]);

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

static const char diff_usage[] =
    "usage: vmsgen diff OLD.json NEW.json [--format text|json|markdown|sarif] [--accept FILE]\n"
    "                   [--renames FILE]\n"
    "Compares two schemas (vmsgen schema [--full] output or QEMU -dump-vmstate files).\n"
    "Exit status: 0 compatible, 1 breaking change, 2 usage error or unreadable input.\n";

static int diff_usage_error(const char *what, const char *arg)
{
    fprintf(stderr, "vmsgen diff: %s%s%s\nTry 'vmsgen diff --help'.\n", what, arg ? " " : "",
            arg ? arg : "");
    return 2;
}

static const struct {
    const char *name;
    void (*print)(const struct vg_diff *d);
} formats[] = {
    {"text", vg_diff_print_text},
    {"json", vg_diff_print_json},
    {"markdown", vg_diff_print_markdown},
    {"sarif", vg_diff_print_sarif},
};

static void free_all(struct vg_diff *d, struct accept_entry *entries, size_t n_entries)
{
    for (size_t k = 0; k < d->n_renames; k++) {
        free(d->renames[k].scope);
        free(d->renames[k].from);
        free(d->renames[k].to);
    }
    free(d->renames);
    for (size_t i = 0; i < d->n; i++) {
        free(d->f[i].section);
        free(d->f[i].path);
        free(d->f[i].message);
        free(d->f[i].where);
    }
    free(d->f);
    for (size_t k = 0; k < n_entries; k++) {
        free(entries[k].rule);
        free(entries[k].path);
        free(entries[k].reason);
    }
    free(entries);
}

int vg_diff_main(int argc, char **argv)
{
    const char *files[2] = {NULL, NULL};
    const char *fmt = "text", *accept = NULL, *renames = NULL;
    struct accept_entry *entries = NULL;
    size_t n_entries = 0, n_files = 0, which = 0;
    struct vg_diff d = {0};
    json_t *old = NULL, *new = NULL;
    int status = 2;

    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];

        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            fputs(diff_usage, stdout);
            return 0;
        } else if (strcmp(a, "--format") == 0 || strcmp(a, "--accept") == 0 ||
                   strcmp(a, "--renames") == 0) {
            if (i + 1 >= argc)
                return diff_usage_error("option needs a value:", a);
            *(a[2] == 'f' ? &fmt : a[2] == 'a' ? &accept : &renames) = argv[++i];
        } else if (strncmp(a, "--format=", 9) == 0) {
            fmt = a + 9;
        } else if (strncmp(a, "--accept=", 9) == 0) {
            accept = a + 9;
        } else if (strncmp(a, "--renames=", 10) == 0) {
            renames = a + 10;
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
    while (which < sizeof(formats) / sizeof(formats[0]) && strcmp(fmt, formats[which].name) != 0)
        which++;
    if (which == sizeof(formats) / sizeof(formats[0]))
        return diff_usage_error("unknown --format (expected text, json, markdown or sarif):", fmt);
    if (accept && load_accept(accept, &entries, &n_entries) != 0)
        goto out;
    if (renames && load_renames(renames, &d.renames, &d.n_renames) != 0)
        goto out;
    old = load_schema(files[0]);
    new = old ? load_schema(files[1]) : NULL;
    if (!old || !new)
        goto out;

    {
        const char *om = json_string_value(
            json_object_get(json_object_get(old, "vmschkmachine"), "Name"));
        const char *nm = json_string_value(
            json_object_get(json_object_get(new, "vmschkmachine"), "Name"));

        if (om && nm && strcmp(om, nm) != 0)
            fprintf(stderr, "vmsgen diff: warning: comparing different machine types '%s' and "
                            "'%s'\n", om, nm);
    }
    d.old_file = files[0];
    d.new_file = files[1];
    vg_diff_compare(&d, old, new);
    apply_accept(&d, entries, n_entries, accept);
    for (size_t k = 0; k < d.n_renames; k++)
        if (!d.renames[k].used)
            fprintf(stderr, "%s: warning: unused rename: %s%s%s '%s' -> '%s'\n", renames,
                    d.renames[k].section ? "section" : "field of '",
                    d.renames[k].section ? "" : d.renames[k].scope,
                    d.renames[k].section ? "" : "'", d.renames[k].from, d.renames[k].to);
    formats[which].print(&d);
    status = 0;
    for (size_t i = 0; i < d.n; i++)
        if (d.f[i].sev == VG_SEV_ERROR && !d.f[i].accepted)
            status = 1;

out:
    free_all(&d, entries, n_entries);
    json_decref(old);
    json_decref(new);
    return status;
}
