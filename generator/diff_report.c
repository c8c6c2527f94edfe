/* diff_report.c: the rules of `vmsgen diff` and its reports: text, JSON, Markdown and SARIF. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diff_private.h"
#include "model.h"
#include "xalloc.h"

const char *const vg_dir_word[] = {"none", "forward", "backward", "both", "conditional"};
const char *const vg_dir_text[] = {"no break", "breaks forward", "breaks backward", "breaks both",
                                   "breaks conditionally"};
const char *const vg_sev_word[] = {"note", "warning", "error"};

#define SUBSECTION_ADVICE                                                                          \
    "Prefer a subsection (with a needed() that holds only when the new state matters) to a "      \
    "version bump: a bump breaks backward migration for good, a subsection only when it is sent."

/* Every rule a finding (and so an --accept line) may name; docs/cli.md has the same table. */
const struct vg_rule vg_rules[] = {
    {"SECTION_REMOVED", VG_DIR_FORWARD, VG_SEV_ERROR,
     "a section of the old schema is missing from the new one",
     "Keep the description registered (it may load and drop the old state), or accept the break."},
    {"SECTION_ADDED", VG_DIR_NONE, VG_SEV_NOTE, "a new section",
     "Nothing to do: the old release never sends it; the new one sends it only to itself."},
    {"SECTION_RENAMED", VG_DIR_NONE, VG_SEV_NOTE,
     "a section key (QEMU's type name, not on the wire) renamed, as --renames lists it",
     "Nothing to do: the description inside is compared as usual."},
    {"SECTION_NAME_CHANGED", VG_DIR_BOTH, VG_SEV_ERROR,
     "the description's name (sent on the wire as the section id) changed",
     "Keep the old name (VMS_STATE name) and rename the C type instead."},
    {"VERSION_LOWERED", VG_DIR_FORWARD, VG_SEV_ERROR, "version_id went down",
     "Never lower a version: the new release rejects streams of the old one as too new."},
    {"VERSION_RAISED", VG_DIR_BACKWARD, VG_SEV_WARNING,
     "version_id went up (reported when no FIELD_ADDED_VERSIONED explains it): the old release "
     "refuses the new stream as too new",
     SUBSECTION_ADVICE},
    {"MIN_VERSION_RAISED", VG_DIR_FORWARD, VG_SEV_ERROR,
     "minimum_version_id is above the old version_id (a note when it still accepts it)",
     "Keep minimum_version_id at or below the version the old release sends."},
    {"VERSION_NOT_BUMPED", VG_DIR_BOTH, VG_SEV_ERROR,
     "the fields changed incompatibly but version_id stayed the same, so the loader misreads "
     "instead of refusing",
     SUBSECTION_ADVICE " Failing that, bump version_id so the old release refuses cleanly."},
    {"FIELD_REMOVED", VG_DIR_BOTH, VG_SEV_ERROR, "a field of the old description is gone",
     "Keep the bytes on the wire (VMS_UNUSED of the same size) or VMS_UNTIL with a version bump."},
    {"FIELD_ADDED_UNVERSIONED", VG_DIR_BOTH, VG_SEV_ERROR,
     "a new field (also a trailing one) sent at a version the old release sends, or in a nested "
     "struct",
     SUBSECTION_ADVICE},
    {"FIELD_ADDED_VERSIONED", VG_DIR_BACKWARD, VG_SEV_ERROR,
     "a new field behind VMS_SINCE above the old version: old releases refuse the new stream",
     SUBSECTION_ADVICE},
    {"FIELD_SIZE_CHANGED", VG_DIR_BOTH, VG_SEV_ERROR,
     "size x num changed (a note when vms_was_type/vms_was_until cover the old version)",
     "Keep the wire type (VMS_TYPE) or declare the old one with VMS_WAS(type, version)."},
    {"FIELD_TYPE_CHANGED", VG_DIR_BOTH, VG_SEV_ERROR,
     "vms_type differs while the size is the same (e.g. int32 -> uint32, float -> uint32)",
     "Keep the wire type with VMS_TYPE, or convert with VMS_WAS(type, version)."},
    {"FIELD_RENAMED_IN_PLACE", VG_DIR_NONE, VG_SEV_WARNING,
     "a field renamed with the same size, type and position: wire-neutral (a note when "
     "vms_renamed_from or --renames records it)",
     "Record it with VMS_RENAMED(old) so the rename is documented and not reported again."},
    {"FIELDS_REGROUPED", VG_DIR_NONE, VG_SEV_NOTE,
     "fields moved into a nested struct or out of one: the same bytes on the wire (the nested "
     "fields are compared in their place)",
     "Nothing to do on the wire."},
    {"FIELD_ORDER_CHANGED", VG_DIR_BOTH, VG_SEV_ERROR,
     "the field order changed; the rest of that description is not compared",
     "Keep the members in the wire order the old release had."},
    {"FIELD_EXISTS_CHANGED", VG_DIR_COND, VG_SEV_WARNING,
     "a field became conditional (field_exists) or stopped being so",
     "Both releases must agree on when the field is sent; prefer a subsection for new state."},
    {"PREDICATE_CHANGED", VG_DIR_COND, VG_SEV_WARNING,
     "the text of a field's presence condition (vms_if) changed",
     "Check that both conditions hold for the same device states, or move the field to a "
     "subsection."},
    {"FIELD_VERSION_CHANGED", VG_DIR_FORWARD, VG_SEV_ERROR,
     "a field's version_id (VMS_SINCE) changed (an error when the new release would skip it in "
     "the old release's streams; lowered: streams older than the old version miss it)",
     "Never change a field's VMS_SINCE once released."},
    {"FIELD_UNTIL_CHANGED", VG_DIR_FORWARD, VG_SEV_ERROR,
     "a field's vms_until (VMS_UNTIL) changed (an error when the two releases disagree on "
     "whether the old release's stream carries it, else a warning)",
     "Never change a released VMS_UNTIL; drop fields at a new version only."},
    {"UNUSED_SIZE_CHANGED", VG_DIR_BOTH, VG_SEV_ERROR, "the size of unused (padding) bytes changed",
     "Keep VMS_UNUSED at the old size."},
    {"UNUSED_REPLACED", VG_DIR_NONE, VG_SEV_WARNING,
     "unused bytes now carry whole fields of the same total size, or fields became unused bytes: "
     "the same bytes on the wire",
     "Old releases send zeros in unused bytes: make sure zero is a valid value for the new "
     "fields (or put them in a subsection)."},
    {"SUBSECTION_REMOVED", VG_DIR_COND, VG_SEV_ERROR,
     "a subsection is gone: old streams that carry it fail to load",
     "Keep the subsection (it may load and drop its data) for as long as old releases send it."},
    {"SUBSECTION_ADDED", VG_DIR_COND, VG_SEV_WARNING,
     "a new subsection: the old release fails on streams that carry it",
     "Make its needed() false whenever the old release's behaviour is enough."},
    {"DESCRIPTION_MISSING", VG_DIR_BOTH, VG_SEV_ERROR,
     "a nested or section description vanished",
     "Keep the nested description (VMS_STRUCT) with the same fields."},
    {"NESTED_NAME_CHANGED", VG_DIR_NONE, VG_SEV_WARNING,
     "a nested description's name changed (not on the wire)", "Nothing to do on the wire."},
    {"NESTED_VERSION_CHANGED", VG_DIR_BOTH, VG_SEV_ERROR,
     "a nested description's version_id changed so that one of its fields is sent by one "
     "release and not the other (nested structs load at their local version; else a warning)",
     "Nested descriptions have no version on the wire: keep their version_id and VMS_SINCE "
     "values, and use a subsection of the section instead."},
    {"LIVE_LAYOUT_CHANGED", VG_DIR_BOTH, VG_SEV_ERROR,
     "a VMS_LIVE member was added, removed or moved, or its size, chunk_size or element_size "
     "changed: the destination refuses the source's LAYOUT record",
     "Keep the live members, their sizes and VMS_LIVE_CHUNK as they were; a new live member "
     "needs a new device (section)."},
};
const size_t vg_n_rules = sizeof(vg_rules) / sizeof(vg_rules[0]);

const struct vg_rule *vg_rule_find(const char *id)
{
    for (size_t k = 0; k < vg_n_rules; k++)
        if (strcmp(vg_rules[k].id, id) == 0)
            return &vg_rules[k];
    return NULL;
}

char *vg_finding_path(const struct vg_finding *f)
{
    return *f->path ? vg_diff_format("%s/%s", f->section, f->path) : vg_xstrdup(f->section);
}

struct counts {
    size_t sev[3], accepted;
};

static struct counts count(const struct vg_diff *d)
{
    struct counts c = {{0, 0, 0}, 0};

    for (size_t i = 0; i < d->n; i++) {
        if (d->f[i].accepted)
            c.accepted++;
        else
            c.sev[d->f[i].sev]++;
    }
    return c;
}

void vg_diff_print_text(const struct vg_diff *d)
{
    struct counts c = count(d);

    for (size_t i = 0; i < d->n; i++) {
        const struct vg_finding *f = &d->f[i];
        char *p = vg_finding_path(f);

        if (f->accepted)
            printf("%s: accepted: %s: %s [%s, %s] (%s)\n", f->where, p, f->message, f->rule,
                   vg_dir_text[f->dir], *f->accepted ? f->accepted : "no reason given");
        else
            printf("%s: %s: %s: %s [%s, %s]\n", f->where, vg_sev_word[f->sev], p, f->message,
                   f->rule, vg_dir_text[f->dir]);
        free(p);
    }
    printf("%s -> %s: %s: %zu breaking, %zu warnings, %zu notes, %zu accepted\n", d->old_file,
           d->new_file, c.sev[VG_SEV_ERROR] ? "incompatible" : "compatible", c.sev[VG_SEV_ERROR],
           c.sev[VG_SEV_WARNING], c.sev[VG_SEV_NOTE], c.accepted);
}

void vg_diff_print_json(const struct vg_diff *d)
{
    json_t *arr = json_array();

    for (size_t i = 0; i < d->n; i++) {
        const struct vg_finding *f = &d->f[i];
        json_t *o = json_object();

        json_object_set_new(o, "rule", json_string(f->rule));
        json_object_set_new(o, "direction", json_string(vg_dir_word[f->dir]));
        json_object_set_new(o, "severity",
                            json_string(f->accepted ? "accepted" : vg_sev_word[f->sev]));
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

/* Text in a Markdown table cell: '|' escaped, newlines flattened. */
static void md_cell(const char *s)
{
    for (; *s; s++) {
        if (*s == '|')
            fputs("\\|", stdout);
        else if (*s == '\n')
            putchar(' ');
        else
            putchar(*s);
    }
}

/* A pull-request comment: verdict, one table row per finding, the advice of each rule seen. */
void vg_diff_print_markdown(const struct vg_diff *d)
{
    struct counts c = count(d);
    bool seen_any = false;

    printf("### vmsgen diff: `%s` → `%s`\n\n", d->old_file, d->new_file);
    printf("**%s**: %zu breaking, %zu warnings, %zu notes, %zu accepted\n",
           c.sev[VG_SEV_ERROR] ? "Incompatible" : "Compatible", c.sev[VG_SEV_ERROR],
           c.sev[VG_SEV_WARNING], c.sev[VG_SEV_NOTE], c.accepted);
    if (d->n == 0)
        return;
    printf("\n| severity | rule | direction | path | finding | location |\n"
           "|---|---|---|---|---|---|\n");
    for (size_t i = 0; i < d->n; i++) {
        const struct vg_finding *f = &d->f[i];
        char *p = vg_finding_path(f);

        printf("| %s | `%s` | %s | `", f->accepted ? "accepted" : vg_sev_word[f->sev], f->rule,
               vg_dir_text[f->dir]);
        md_cell(p);
        fputs("` | ", stdout);
        md_cell(f->message);
        if (f->accepted) {
            fputs(" (accepted: ", stdout);
            md_cell(*f->accepted ? f->accepted : "no reason given");
            putchar(')');
        }
        fputs(" | `", stdout);
        md_cell(f->where);
        fputs("` |\n", stdout);
        free(p);
    }
    for (size_t k = 0; k < vg_n_rules; k++) {
        bool used = false;

        for (size_t i = 0; i < d->n && !used; i++)
            used = strcmp(d->f[i].rule, vg_rules[k].id) == 0;
        if (!used)
            continue;
        if (!seen_any)
            printf("\n<details><summary>What to do</summary>\n\n");
        seen_any = true;
        printf("- `%s`: %s. %s\n", vg_rules[k].id, vg_rules[k].summary, vg_rules[k].advice);
    }
    if (seen_any)
        printf("\n</details>\n");
}

static const char *sarif_level(enum vg_sev s)
{
    return s == VG_SEV_ERROR ? "error" : s == VG_SEV_WARNING ? "warning" : "note";
}

/*
 * A SARIF artifact URI for a file name: relative names stay relative (to
 * the directory vmsgen ran in), absolute ones become file:// URIs; bytes
 * outside RFC 3986's unreserved set (and '/') are percent-encoded.
 */
static char *sarif_uri(const char *file, size_t len)
{
    static const char hex[] = "0123456789ABCDEF";
    char *uri = vg_xmalloc(3 * len + 8), *o = uri;

    if (len && file[0] == '/')
        o += sprintf(o, "file://");
    for (size_t k = 0; k < len; k++) {
        unsigned char c = (unsigned char)file[k];

        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
            strchr("-._~/", c)) {
            *o++ = (char)c;
        } else {
            *o++ = '%';
            *o++ = hex[c >> 4];
            *o++ = hex[c & 15];
        }
    }
    *o = '\0';
    return uri;
}

/* "header.h:21" -> uri "header.h", line 21; anything else is a file without a line. */
static json_t *sarif_location(const struct vg_finding *f)
{
    const char *colon = strrchr(f->where, ':');
    json_t *phys = json_object(), *loc = json_object(), *logical = json_object();
    char *path = vg_finding_path(f);
    long line = 0;

    if (colon && colon[1] && strspn(colon + 1, "0123456789") == strlen(colon + 1))
        line = strtol(colon + 1, NULL, 10);
    {
        char *uri = sarif_uri(f->where, line > 0 ? (size_t)(colon - f->where) : strlen(f->where));

        json_object_set_new(phys, "artifactLocation", json_pack("{s:s}", "uri", uri));
        free(uri);
    }
    if (line > 0)
        json_object_set_new(phys, "region", json_pack("{s:I}", "startLine", (json_int_t)line));
    json_object_set_new(loc, "physicalLocation", phys);
    json_object_set_new(logical, "fullyQualifiedName", json_string(path));
    json_object_set_new(logical, "kind", json_string(*f->path ? "member" : "type"));
    json_object_set_new(loc, "logicalLocations", json_pack("[o]", logical));
    free(path);
    return json_pack("[o]", loc);
}

static json_t *sarif_rules(void)
{
    json_t *rules = json_array();

    for (size_t k = 0; k < vg_n_rules; k++) {
        const struct vg_rule *r = &vg_rules[k];
        char *help = vg_diff_format("%s. %s", r->summary, r->advice);

        json_array_append_new(
            rules, json_pack("{s:s, s:{s:s}, s:{s:s}, s:{s:s}, s:{s:s}}", "id", r->id,
                             "shortDescription", "text", r->summary, "help", "text", help,
                             "defaultConfiguration", "level", sarif_level(r->sev),
                             "properties", "direction", vg_dir_word[r->dir]));
        free(help);
    }
    return rules;
}

/* SARIF 2.1.0: one run, the rule table as the driver's rules, one result per finding. */
void vg_diff_print_sarif(const struct vg_diff *d)
{
    json_t *results = json_array(), *root;

    for (size_t i = 0; i < d->n; i++) {
        const struct vg_finding *f = &d->f[i];
        const struct vg_rule *r = vg_rule_find(f->rule); /* every finding's rule is listed */
        json_t *res = json_pack("{s:s, s:I, s:s, s:{s:s}, s:o, s:{s:s, s:s, s:s}}", "ruleId",
                                f->rule, "ruleIndex", (json_int_t)(r ? r - vg_rules : -1), "level",
                                sarif_level(f->sev), "message", "text", f->message, "locations",
                                sarif_location(f), "properties", "direction",
                                vg_dir_word[f->dir], "section", f->section, "path", f->path);

        if (f->accepted)
            json_object_set_new(res, "suppressions",
                                json_pack("[{s:s, s:s}]", "kind", "external", "justification",
                                          *f->accepted ? f->accepted : "no reason given"));
        json_array_append_new(results, res);
    }
    root = json_pack("{s:s, s:s, s:[{s:{s:{s:s, s:s, s:o}}, s:o}]}", "$schema",
                     "https://json.schemastore.org/sarif-2.1.0.json", "version", "2.1.0", "runs",
                     "tool", "driver", "name", "vmsgen", "version", VG_VERSION, "rules",
                     sarif_rules(), "results", results);
    json_dumpf(root, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    putchar('\n');
    json_decref(root);
}
