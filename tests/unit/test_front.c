/* test_front.c: the libclang front end on the fixture headers in tests/front/. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "front.h"

#define FIXTURE(name) VMS_SOURCE_DIR "/tests/front/" name

/* One parsed fixture per test, freed by the teardown. */
static struct vg_tu tu;
static bool parsed;
static char *diag_text;
static size_t diag_len;

static int parse_with(const char *path, const struct vg_front_opts *opts, struct vg_diags *d)
{
    FILE *out = open_memstream(&diag_text, &diag_len);
    int rc;

    assert_non_null(out);
    vg_diags_init(d, out);
    rc = vg_front_parse(path, opts, &tu, d);
    fclose(out);
    parsed = rc == 0;
    return rc;
}

/* Parses a fixture that must parse without errors or warnings. */
static void parse_ok(const char *path, const struct vg_front_opts *opts)
{
    struct vg_diags d;
    int rc = parse_with(path, opts, &d);

    if (rc != 0 || d.errors || d.warnings)
        fprintf(stderr, "%s", diag_text);
    assert_int_equal(rc, 0);
    assert_int_equal(d.errors, 0);
    assert_int_equal(d.warnings, 0);
}

static int teardown(void **state)
{
    (void)state;
    if (parsed)
        vg_tu_free(&tu);
    parsed = false;
    free(diag_text);
    diag_text = NULL;
    return 0;
}

static const struct vg_record *find_rec(const struct vg_tu *t, const char *c_name)
{
    for (size_t i = 0; i < t->n_records; i++)
        if (t->records[i]->c_name && strcmp(t->records[i]->c_name, c_name) == 0)
            return t->records[i];
    fail_msg("no record '%s'", c_name);
    return NULL;
}

static const struct vg_member *find_member(const struct vg_record *r, const char *name)
{
    for (size_t i = 0; i < r->n_members; i++)
        if (strcmp(r->members[i].name, name) == 0)
            return &r->members[i];
    fail_msg("no member '%s' in '%s'", name, r->c_name);
    return NULL;
}

static void assert_annot(const struct vg_annot *a, const char *text, unsigned line, unsigned col)
{
    assert_string_equal(a->text, text);
    assert_non_null(a->loc.file);
    assert_int_equal(a->loc.line, line);
    assert_int_equal(a->loc.col, col);
}

static const struct vg_macro *find_macro(const char *name)
{
    const struct vg_macro *found = NULL;

    for (size_t i = 0; i < tu.n_macros; i++)
        if (strcmp(tu.macros[i].name, name) == 0)
            found = &tu.macros[i]; /* the last definition, as the preprocessor would */
    return found;
}

static bool has_const(const char *name, int64_t value)
{
    for (size_t i = 0; i < tu.n_consts; i++)
        if (strcmp(tu.consts[i].name, name) == 0)
            return tu.consts[i].value == value;
    return false;
}

static void compare_with_exact(const char *path, const struct vg_front_opts *opts);

/* ---- records ---- */

static void test_tagged_struct(void **state)
{
    const struct vg_record *r;

    (void)state;
    parse_ok(FIXTURE("records.h"), NULL);
    r = find_rec(&tu, "struct Tagged");
    assert_string_equal(r->tag, "Tagged");
    assert_null(r->typedef_name);
    assert_false(r->is_union);
    assert_false(r->is_anonymous);
    assert_false(r->in_system_header);
    assert_int_equal(r->size, 8);
    assert_int_equal(r->n_members, 2);
    assert_string_equal(r->members[0].name, "a");
    assert_string_equal(r->members[1].name, "b");
    assert_int_equal(r->members[1].offset_bits, 32);
    assert_string_equal(r->loc.file, FIXTURE("records.h")); /* the main file, as given */
    assert_int_equal(r->loc.line, 5);
    assert_int_equal(r->loc.col, 8);
}

static void test_typedef_anonymous(void **state)
{
    const struct vg_record *r, *both;

    (void)state;
    parse_ok(FIXTURE("records.h"), NULL);
    r = find_rec(&tu, "AnonTypedef"); /* libclang 14 spells this cursor "", 16+ "AnonTypedef" */
    assert_null(r->tag);
    assert_string_equal(r->typedef_name, "AnonTypedef");
    assert_false(r->is_anonymous);
    assert_int_equal(r->size, 2);
    both = find_rec(&tu, "struct Both");
    assert_string_equal(both->tag, "Both");
    assert_string_equal(both->typedef_name, "Both_t");
}

static void test_typedef_attached_annotations(void **state)
{
    const struct vg_record *r;

    (void)state;
    parse_ok(FIXTURE("records.h"), NULL);
    r = find_rec(&tu, "TdefAnnot");
    assert_int_equal(r->n_annots, 2);
    /* typedef VMS_STATE("tdef", 2, 1) struct { ... } TdefAnnot VMS_PRIORITY(3); */
    assert_annot(&r->annots[0], "state(\"tdef\", 2, 1)", 19, 9);
    assert_annot(&r->annots[1], "priority(3)", 21, 13);
}

static void test_typedef_before_definition(void **state)
{
    const struct vg_record *r;
    const struct vg_member *next;

    (void)state;
    parse_ok(FIXTURE("records.h"), NULL);
    r = find_rec(&tu, "struct Later");
    assert_string_equal(r->typedef_name, "Later_t");
    next = find_member(r, "next");
    assert_int_equal(next->type->kind, VG_T_POINTER);
    assert_int_equal(next->type->elem->kind, VG_T_RECORD);
    assert_string_equal(next->type->elem->spelling, "Later_t");
    assert_ptr_equal(next->type->elem->record, r);
}

static void test_nested_by_value(void **state)
{
    const struct vg_record *outer, *inner, *nested;
    const struct vg_member *in, *nm;

    (void)state;
    parse_ok(FIXTURE("records.h"), NULL);
    outer = find_rec(&tu, "struct Outer");
    inner = find_rec(&tu, "struct Inner");
    nested = find_rec(&tu, "struct Nested");
    in = find_member(outer, "in");
    assert_int_equal(in->type->kind, VG_T_RECORD);
    assert_ptr_equal(in->type->record, inner);
    assert_string_equal(in->type->spelling, "struct Inner");
    assert_int_equal(in->type->size, 4);
    assert_int_equal(in->offset_bits, 16);
    nm = find_member(outer, "nested");
    assert_ptr_equal(nm->type->record, nested);
    assert_int_equal(nm->offset_bits, 128);
    assert_int_equal(find_member(outer, "end")->offset_bits, 192);
    assert_int_equal(outer->size, 32);
}

static void test_inline_unnamed_member(void **state)
{
    const struct vg_member *pair;

    (void)state;
    parse_ok(FIXTURE("records.h"), NULL);
    pair = find_member(find_rec(&tu, "struct Outer"), "pair");
    assert_int_equal(pair->type->kind, VG_T_RECORD);
    assert_non_null(pair->type->record);
    assert_true(pair->type->record->is_anonymous);
    assert_null(pair->type->record->tag);
    assert_null(pair->type->record->typedef_name);
    assert_null(pair->type->record->c_name);
    /* clang's spelling carries a path and differs between versions; ours does not */
    assert_string_equal(pair->type->spelling, "struct (unnamed)");
    assert_int_equal(pair->type->record->n_members, 1);
    assert_int_equal(pair->offset_bits, 64);
}

static void test_anonymous_member(void **state)
{
    const struct vg_record *outer;
    const struct vg_member *anon;

    (void)state;
    parse_ok(FIXTURE("records.h"), NULL);
    outer = find_rec(&tu, "struct Outer");
    assert_int_equal(outer->n_members, 6);
    anon = &outer->members[3];
    assert_string_equal(anon->name, "");
    assert_int_equal(anon->type->kind, VG_T_UNION);
    assert_non_null(anon->type->record);
    assert_true(anon->type->record->is_anonymous);
    assert_true(anon->type->record->is_union);
    assert_int_equal(anon->type->record->n_members, 2);
    assert_int_equal(anon->offset_bits, 96);
    /* `union { ... } VMS_SKIP;`: libclang puts it on the record; the member carries it too */
    assert_int_equal(anon->n_annots, 1);
    assert_annot(&anon->annots[0], "skip", 36, 7);
    assert_int_equal(anon->type->record->n_annots, 1);
}

static void test_records_once_in_source_order(void **state)
{
    static const char *const expect[] = {
        "struct Tagged", "AnonTypedef", "struct Both", "TdefAnnot", "struct Inner", "struct Outer",
        NULL /* pair's type */, NULL /* the anonymous union */, "struct Nested", "union Word",
        "struct Later",
    };
    size_t n = 0;

    (void)state;
    parse_ok(FIXTURE("records.h"), NULL);
    for (size_t i = 0; i < tu.n_records; i++) {
        const struct vg_record *r = tu.records[i];

        if (r->in_system_header)
            continue;
        assert_true(n < sizeof(expect) / sizeof(expect[0]));
        if (expect[n])
            assert_string_equal(r->c_name, expect[n]);
        else
            assert_null(r->c_name);
        for (size_t j = 0; j < i; j++)
            assert_ptr_not_equal(tu.records[j], r);
        n++;
    }
    assert_int_equal(n, sizeof(expect) / sizeof(expect[0]));
}

static void test_union(void **state)
{
    const struct vg_record *r;

    (void)state;
    parse_ok(FIXTURE("records.h"), NULL);
    r = find_rec(&tu, "union Word");
    assert_true(r->is_union);
    assert_string_equal(r->tag, "Word");
    assert_int_equal(r->size, 4);
    assert_int_equal(find_member(r, "w")->offset_bits, 0);
    assert_int_equal(find_member(r, "bytes")->offset_bits, 0);
}

/* ---- types ---- */

static void test_scalars(void **state)
{
    const struct vg_record *r;
    const struct vg_member *m;

    (void)state;
    parse_ok(FIXTURE("types.h"), NULL);
    r = find_rec(&tu, "struct Types");
    assert_int_equal(find_member(r, "flag")->type->kind, VG_T_BOOL);
    m = find_member(r, "i16");
    assert_int_equal(m->type->kind, VG_T_INT);
    assert_true(m->type->is_signed);
    assert_int_equal(m->type->size, 2);
    assert_string_equal(m->type->spelling, "int16_t");
    m = find_member(r, "u64");
    assert_false(m->type->is_signed);
    assert_int_equal(m->type->size, 8);
    assert_false(find_member(r, "uc")->type->is_signed);
    assert_true(find_member(r, "sc")->type->is_signed);
    assert_int_equal(find_member(r, "f")->type->kind, VG_T_FLOAT);
    assert_int_equal(find_member(r, "d")->type->kind, VG_T_DOUBLE);
    assert_int_equal(find_member(r, "ld")->type->kind, VG_T_LONG_DOUBLE);
    m = find_member(r, "reg"); /* reg2_t -> reg_t -> uint32_t */
    assert_int_equal(m->type->kind, VG_T_INT);
    assert_string_equal(m->type->spelling, "reg2_t");
    assert_int_equal(m->type->size, 4);
    assert_false(m->type->is_signed);
}

static void test_arrays(void **state)
{
    const struct vg_record *r;
    const struct vg_type *t;

    (void)state;
    parse_ok(FIXTURE("types.h"), NULL);
    r = find_rec(&tu, "struct Types");
    t = find_member(r, "buf")->type;
    assert_int_equal(t->kind, VG_T_ARRAY);
    assert_int_equal(t->count, 16);
    assert_int_equal(t->size, 16);
    assert_int_equal(t->elem->kind, VG_T_INT);
    assert_string_equal(t->elem->spelling, "uint8_t");
    t = find_member(r, "grid")->type; /* uint16_t[2][3]: [2] of [3] of uint16_t */
    assert_int_equal(t->kind, VG_T_ARRAY);
    assert_int_equal(t->count, 2);
    assert_int_equal(t->size, 12);
    assert_int_equal(t->elem->kind, VG_T_ARRAY);
    assert_int_equal(t->elem->count, 3);
    assert_int_equal(t->elem->size, 6);
    assert_int_equal(t->elem->elem->size, 2);
    t = find_member(r, "rows")->type; /* row_t[4], row_t = uint8_t[3] */
    assert_int_equal(t->count, 4);
    assert_int_equal(t->elem->kind, VG_T_ARRAY);
    assert_string_equal(t->elem->spelling, "row_t");
    assert_int_equal(t->elem->count, 3);
    assert_int_equal(t->elem->elem->size, 1);
}

static void test_pointers(void **state)
{
    const struct vg_record *r;
    const struct vg_type *t;

    (void)state;
    parse_ok(FIXTURE("types.h"), NULL);
    r = find_rec(&tu, "struct Types");
    t = find_member(r, "ptr")->type;
    assert_int_equal(t->kind, VG_T_POINTER);
    assert_int_equal(t->size, 8);
    assert_false(t->host_sized);
    assert_string_equal(t->elem->spelling, "uint32_t");
    assert_int_equal(t->elem->size, 4);
    assert_string_equal(find_member(r, "cptr")->type->elem->spelling, "const uint8_t");
    t = find_member(r, "self")->type;
    assert_ptr_equal(t->elem->record, r);
    t = find_member(r, "fwd")->type; /* struct Fwd is never defined */
    assert_int_equal(t->elem->kind, VG_T_RECORD);
    assert_null(t->elem->record);
    assert_int_equal(t->elem->size, 0);
    assert_int_equal(find_member(r, "opaque")->type->elem->kind, VG_T_OTHER);
    t = find_member(r, "ptrs")->type;
    assert_int_equal(t->kind, VG_T_ARRAY);
    assert_int_equal(t->elem->kind, VG_T_POINTER);
    assert_int_equal(t->elem->elem->size, 4);
}

static void test_function_pointers(void **state)
{
    const struct vg_record *r;
    static const char *const names[] = {"fn", "hfn", "cb"};

    (void)state;
    parse_ok(FIXTURE("types.h"), NULL);
    r = find_rec(&tu, "struct Types");
    for (size_t i = 0; i < 3; i++) {
        const struct vg_type *t = find_member(r, names[i])->type;

        assert_int_equal(t->kind, VG_T_FUNCTION_POINTER);
        assert_null(t->elem);
        assert_int_equal(t->size, 8);
    }
    assert_string_equal(find_member(r, "cb")->type->spelling, "callback_t");
}

static void test_enums(void **state)
{
    const struct vg_record *r;
    const struct vg_type *t;

    (void)state;
    parse_ok(FIXTURE("types.h"), NULL);
    r = find_rec(&tu, "struct Types");
    t = find_member(r, "mode")->type;
    assert_int_equal(t->kind, VG_T_ENUM);
    assert_int_equal(t->size, 4);
    assert_false(t->is_signed);
    assert_string_equal(t->enum_name, "enum Mode");
    t = find_member(r, "neg")->type;
    assert_true(t->is_signed);
    t = find_member(r, "big")->type; /* a value above 32 bits widens the enum */
    assert_int_equal(t->size, 8);
    t = find_member(r, "color")->type;
    assert_int_equal(t->kind, VG_T_ENUM);
    assert_string_equal(t->enum_name, "color_t");
    t = find_member(r, "small")->type; /* __attribute__((packed)) */
    assert_int_equal(t->size, 1);
}

static void test_bitfields(void **state)
{
    const struct vg_record *r;
    const struct vg_member *m;

    (void)state;
    parse_ok(FIXTURE("types.h"), NULL);
    r = find_rec(&tu, "struct Types");
    m = find_member(r, "bf_a");
    assert_true(m->is_bitfield);
    assert_int_equal(m->bit_width, 1);
    assert_int_equal(m->offset_bits, 1704);
    m = find_member(r, "bf_b");
    assert_int_equal(m->bit_width, 3);
    assert_int_equal(m->offset_bits, 1705);
    m = find_member(r, "bf_c");
    assert_int_equal(m->bit_width, 4);
    assert_true(m->type->is_signed);
    assert_false(find_member(r, "u32")->is_bitfield);
}

static void test_flexible_array(void **state)
{
    const struct vg_record *r;
    const struct vg_member *m;

    (void)state;
    parse_ok(FIXTURE("types.h"), NULL);
    r = find_rec(&tu, "struct Flex");
    assert_int_equal(r->size, 4);
    m = find_member(r, "data");
    assert_int_equal(m->type->kind, VG_T_INCOMPLETE_ARRAY);
    assert_int_equal(m->type->size, 0);
    assert_int_equal(m->type->elem->size, 1);
    assert_int_equal(m->offset_bits, 32);
}

static void test_host_sized(void **state)
{
    static const char *const host[] = {"l", "ul", "li", "sz", "ssz", "t", "ip", "uip", "pd",
                                       "off", "ml", "csz", "arr"};
    static const char *const fixed[] = {"i64", "u64", "mi64", "ll", "ull", "i"};
    const struct vg_record *r;

    (void)state;
    parse_ok(FIXTURE("types.h"), NULL);
    r = find_rec(&tu, "struct HostSized");
    for (size_t i = 0; i < sizeof(host) / sizeof(host[0]); i++)
        if (!find_member(r, host[i])->type->host_sized)
            fail_msg("'%s' should be host-sized", host[i]);
    for (size_t i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++)
        if (find_member(r, fixed[i])->type->host_sized)
            fail_msg("'%s' should not be host-sized", fixed[i]);
    assert_true(find_member(r, "arr")->type->elem->host_sized);
    /* int64_t is long on x86_64: the spelled name decides, not the builtin */
    assert_int_equal(find_member(r, "i64")->type->size, 8);
}

/* ---- constants ---- */

static void test_macros(void **state)
{
    const struct vg_macro *m;

    (void)state;
    parse_ok(FIXTURE("macros.h"), NULL);
    assert_string_equal(find_macro("PLAIN")->body, "42");
    assert_string_equal(find_macro("NEGATIVE")->body, "( - 3 )");
    assert_string_equal(find_macro("HEX")->body, "0x1fu");
    assert_string_equal(find_macro("DERIVED")->body, "( PLAIN * 2 + 1 )"); /* continued line */
    assert_string_equal(find_macro("EMPTY")->body, "");
    assert_string_equal(find_macro("TEXT")->body, "\"hello\"");
    assert_string_equal(find_macro("REDEF")->body, "2");
    assert_null(find_macro("FUNC"));        /* function-like */
    assert_null(find_macro("SEEN_CLI"));    /* only with -DFROM_CLI */
    assert_null(find_macro("UINT32_MAX"));  /* system header */
    assert_null(find_macro("__STDC__"));    /* builtin */
    assert_null(find_macro("__VMSGEN__"));
    assert_null(find_macro("VMS_SKIP"));    /* annotate.h's own */
    m = find_macro("PLAIN");
    assert_string_equal(m->loc.file, FIXTURE("macros.h"));
    assert_int_equal(m->loc.line, 5);
    assert_int_equal(m->loc.col, 9);
}

static void test_command_line_macros(void **state)
{
    const char *defs[] = {"FROM_CLI", "CLI_VAL=7"};
    struct vg_front_opts opts = {.defines = defs, .n_defines = 2};

    (void)state;
    parse_ok(FIXTURE("macros.h"), &opts);
    assert_string_equal(find_macro("SEEN_CLI")->body, "1");
    assert_string_equal(find_macro("FROM_CLI")->body, "1");
    assert_string_equal(find_macro("CLI_VAL")->body, "7");
    assert_null(find_macro("CLI_VAL")->loc.file);
}

static void test_enum_constants(void **state)
{
    (void)state;
    parse_ok(FIXTURE("macros.h"), NULL);
    assert_true(has_const("ANON_A", 5));
    assert_true(has_const("ANON_B", 6));
    assert_true(has_const("NAMED_A", -2));
    assert_true(has_const("NAMED_B", 42));
    assert_true(has_const("INNER_X", 100)); /* declared inside a struct */
    assert_true(has_const("INNER_Y", 101));
    for (size_t i = 0; i < tu.n_consts; i++)
        for (size_t j = 0; j < i; j++)
            assert_string_not_equal(tu.consts[i].name, tu.consts[j].name);
}

/* ---- annotations ---- */

static void test_annotation_text(void **state)
{
    const struct vg_record *r;
    const struct vg_member *m;

    (void)state;
    parse_ok(FIXTURE("annots.h"), NULL);
    r = find_rec(&tu, "struct Wdt");
    assert_int_equal(r->n_annots, 2);
    assert_string_equal(r->annots[0].text, "state(\"wdt\", 3, 1)");
    assert_string_equal(r->annots[1].text, "subsection_def(\"log\", 1, \"log_used > 0\")");
    assert_string_equal(find_member(r, "reload")->annots[0].text, "was(\"uint16\", 2)");
    /* macro arguments are expanded before they are stringified */
    assert_string_equal(find_member(r, "fifo_len")->annots[0].text, "range(0, 16)");
    m = find_member(r, "fifo_max");
    assert_int_equal(m->n_annots, 3);
    assert_string_equal(m->annots[0].text, "range(0, (16 * 2))");
    assert_string_equal(m->annots[1].text, "since(2)");
    assert_string_equal(m->annots[2].text, "default(\"1\")");
    assert_string_equal(find_member(r, "skipped")->annots[0].text, "skip");
    assert_string_equal(find_member(r, "quoted")->annots[0].text, "check(\"a \\\"b\\\" \\\\ c\")");
    r = find_rec(&tu, "struct Hooks");
    assert_string_equal(r->annots[1].text, "hooks(-, -, -, hooks_post_load)");
    assert_string_equal(r->annots[2].text, "type_name(\"isa-hooks\")");
    assert_string_equal(find_member(r, "cfg")->annots[0].text, "codec(cfg_get, cfg_put, \"cfg\")");
    assert_string_equal(find_member(r, "unused_pad")->annots[0].text, "unused");
    m = find_member(r, "n");
    assert_int_equal(m->n_annots, 3);
    assert_string_equal(m->annots[0].text, "equal");
    assert_string_equal(m->annots[1].text, "name(\"count\")");
    assert_string_equal(m->annots[2].text, "renamed(\"num\")");
    /* another tool's annotate("...") is not ours */
    assert_int_equal(find_member(find_rec(&tu, "struct Foreign"), "x")->n_annots, 0);
}

static void test_annotation_location(void **state)
{
    const struct vg_record *r;
    const struct vg_member *m;

    (void)state;
    parse_ok(FIXTURE("annots.h"), NULL);
    r = find_rec(&tu, "struct Wdt");
    /* where the VMS_* macro was written, not where annotate.h spells the attribute */
    assert_annot(&r->annots[0], "state(\"wdt\", 3, 1)", 8, 8);
    assert_string_equal(r->annots[0].loc.file, FIXTURE("annots.h"));
    assert_annot(&r->annots[1], "subsection_def(\"log\", 1, \"log_used > 0\")", 8, 31);
    m = find_member(r, "fifo_max");
    assert_annot(&m->annots[0], "range(0, (16 * 2))", 11, 22);
    assert_annot(&m->annots[1], "since(2)", 11, 47);
    assert_annot(&m->annots[2], "default(\"1\")", 11, 60);
    m = find_member(r, "irq_line"); /* written before the type */
    assert_annot(&m->annots[0], "immutable", 14, 5);
    assert_int_equal(m->loc.line, 14);
    assert_int_equal(m->loc.col, 28);
    r = find_rec(&tu, "struct Hooks");
    assert_annot(&r->annots[0], "state(\"hooks\", 1, 1)", 18, 8);
    assert_annot(&r->annots[1], "hooks(-, -, -, hooks_post_load)", 19, 8);
}

static void test_member_locations(void **state)
{
    const struct vg_member *m;

    (void)state;
    parse_ok(FIXTURE("annots.h"), NULL);
    m = find_member(find_rec(&tu, "struct Wdt"), "reload");
    assert_string_equal(m->loc.file, FIXTURE("annots.h"));
    assert_int_equal(m->loc.line, 9);
    assert_int_equal(m->loc.col, 14);
}

/* ---- files ---- */

static void test_includes(void **state)
{
    const struct vg_record *sub;
    bool seen_sub = false, seen_stdint = false;

    (void)state;
    parse_ok(FIXTURE("include_main.h"), NULL); /* its #pragma once must not warn */
    assert_true(tu.n_includes >= 3);
    assert_string_equal(tu.includes[0], FIXTURE("include_main.h"));
    assert_string_equal(tu.main_file, FIXTURE("include_main.h"));
    for (size_t i = 0; i < tu.n_includes; i++) {
        for (size_t j = 0; j < i; j++)
            assert_string_not_equal(tu.includes[i], tu.includes[j]); /* included twice, listed once */
        if (strcmp(tu.includes[i], FIXTURE("include_sub.h")) == 0)
            seen_sub = true;
        if (strstr(tu.includes[i], "stdint.h"))
            seen_stdint = true;
    }
    assert_true(seen_sub);
    assert_true(seen_stdint); /* system headers too: the depfile lists them */
    sub = find_rec(&tu, "struct SubThing");
    assert_string_equal(sub->loc.file, FIXTURE("include_sub.h"));
    assert_false(sub->in_system_header);
    assert_ptr_equal(find_member(find_rec(&tu, "struct UsesSub"), "thing")->type->record, sub);
    assert_string_equal(find_macro("SUB_LIMIT")->body, "8");
}

static void test_system_header_records(void **state)
{
    bool seen = false;

    (void)state;
    parse_ok(FIXTURE("types.h"), NULL); /* <time.h> defines struct timespec */
    for (size_t i = 0; i < tu.n_records; i++) {
        const struct vg_record *r = tu.records[i];

        if (r->tag && strcmp(r->tag, "timespec") == 0) {
            seen = true;
            assert_true(r->in_system_header);
            assert_true(find_member(r, "tv_sec")->type->host_sized);
        }
    }
    assert_true(seen);
}

static void test_include_dirs_and_defines(void **state)
{
    const char *dirs[] = {VMS_SOURCE_DIR "/tests/front/optdir"};
    const char *defs[] = {"EXTRA_MEMBER"};
    struct vg_front_opts opts = {.include_dirs = dirs, .n_include_dirs = 1,
                                 .defines = defs, .n_defines = 1};
    const struct vg_record *r;

    (void)state;
    parse_ok(FIXTURE("with_options.h"), &opts);
    r = find_rec(&tu, "struct WithOptions");
    assert_int_equal(r->n_members, 3);
    assert_int_equal(find_member(r, "arr")->type->count, 5);
    assert_int_equal(find_member(r, "arr")->offset_bits, 64);
}

static void test_target(void **state)
{
    struct vg_front_opts opts = {.target = "i686-linux-gnu"};
    const struct vg_record *r;

    (void)state;
    /* host (x86_64) first, then i686: long and pointers shrink, long long aligns to 4 in structs */
    parse_ok(FIXTURE("target.h"), NULL);
    r = find_rec(&tu, "struct OnTarget");
    assert_int_equal(r->size, 40);
    assert_int_equal(find_member(r, "c")->offset_bits, 128);
    teardown(NULL);
    parse_ok(FIXTURE("target.h"), &opts);
    r = find_rec(&tu, "struct OnTarget");
    assert_int_equal(r->size, 28);
    assert_int_equal(find_member(r, "b")->type->size, 4);
    assert_true(find_member(r, "b")->type->host_sized);
    assert_int_equal(find_member(r, "c")->offset_bits, 64);
    assert_int_equal(find_member(r, "d")->offset_bits, 128);
    assert_int_equal(find_member(r, "p")->type->size, 4);
    teardown(NULL);
    compare_with_exact(FIXTURE("target.h"), &opts);
}

/* ---- diagnostics ---- */

static void test_error_unknown_type(void **state)
{
    struct vg_diags d;

    (void)state;
    assert_int_equal(parse_with(FIXTURE("error.h"), NULL, &d), -1);
    assert_int_equal(d.errors, 1);
    assert_int_equal(tu.n_records, 0); /* nothing half-filled is left behind */
    assert_non_null(strstr(diag_text, FIXTURE("error.h") ":6:5: error: unknown type name 'unknown_t'"));
}

static void test_error_missing_option(void **state)
{
    struct vg_diags d;

    (void)state;
    /* without -I optdir, opt_dir_header.h is not found: a fatal error, reported with its place */
    assert_int_equal(parse_with(FIXTURE("with_options.h"), NULL, &d), -1);
    assert_true(d.errors >= 1);
    assert_non_null(strstr(diag_text, FIXTURE("with_options.h") ":3:10: error:"));
    assert_non_null(strstr(diag_text, "opt_dir_header.h"));
}

static void test_missing_file(void **state)
{
    struct vg_diags d;

    (void)state;
    assert_int_equal(parse_with(FIXTURE("no-such-header.h"), NULL, &d), -1);
    assert_int_equal(d.errors, 1);
    assert_non_null(strstr(diag_text, "no-such-header.h"));
}

static void test_warning_is_reported(void **state)
{
    struct vg_diags d;

    (void)state;
    assert_int_equal(parse_with(FIXTURE("warn.h"), NULL, &d), 0);
    assert_int_equal(d.errors, 0);
    assert_int_equal(d.warnings, 1);
    /* at the VMS_SKIP the user wrote, on 14 and on 19 alike */
    assert_non_null(strstr(diag_text, FIXTURE("warn.h") ":5:1: warning: "));
    assert_non_null(strstr(diag_text, "[-Wignored-attributes]"));
    assert_int_equal(find_rec(&tu, "struct Ignored")->n_annots, 0);
}

/* ---- layout ---- */

static void test_layout_offsets(void **state)
{
    const struct vg_record *r;

    (void)state;
    parse_ok(FIXTURE("layout.h"), NULL);
    r = find_rec(&tu, "struct Plain");
    assert_int_equal(find_member(r, "b")->offset_bits, 32);
    assert_int_equal(find_member(r, "d")->offset_bits, 128);
    assert_int_equal(find_member(r, "e")->offset_bits, 192);
    r = find_rec(&tu, "struct Packed");
    assert_int_equal(r->size, 7);
    assert_int_equal(find_member(r, "b")->offset_bits, 8);
    assert_int_equal(find_member(r, "c")->offset_bits, 40);
    r = find_rec(&tu, "struct FieldAligned"); /* same size as natural, b moved */
    assert_int_equal(r->size, 8);
    assert_int_equal(find_member(r, "b")->offset_bits, 16);
    assert_int_equal(find_member(r, "c")->offset_bits, 24);
    assert_int_equal(find_member(find_rec(&tu, "struct AlignasField"), "b")->offset_bits, 128);
    r = find_rec(&tu, "struct Pragma");
    assert_int_equal(r->size, 14);
    assert_int_equal(find_member(r, "b")->offset_bits, 16);
    assert_int_equal(find_member(r, "c")->offset_bits, 48);
    assert_int_equal(find_member(find_rec(&tu, "struct TypedefAligned"), "b")->offset_bits, 64);
    r = find_rec(&tu, "struct Bits");
    assert_int_equal(r->n_members, 5); /* the unnamed `uint32_t : 0;` is padding, not a member */
    assert_int_equal(find_member(r, "f1")->offset_bits, 8);
    assert_int_equal(find_member(r, "f2")->offset_bits, 11);
    assert_int_equal(find_member(r, "f3")->offset_bits, 32);
    assert_int_equal(find_member(r, "z")->offset_bits, 40);
    r = find_rec(&tu, "struct Deep2");
    assert_int_equal(find_member(r, "d")->offset_bits, 640);
    assert_int_equal(find_member(r, "y")->offset_bits, 960);
    assert_int_equal(find_member(find_rec(&tu, "struct Flexy"), "items")->offset_bits, 32);
    r = find_rec(&tu, "union U");
    assert_int_equal(r->size, 32);
    for (size_t i = 0; i < r->n_members; i++)
        assert_int_equal(r->members[i].offset_bits, 0);
}

/* The natural-layout shortcut must agree with libclang's offsets member by member. */
static void compare_with_exact(const char *path, const struct vg_front_opts *opts)
{
    struct vg_tu fast;

    parse_ok(path, opts);
    fast = tu;
    parsed = false;
    free(diag_text);
    diag_text = NULL;
    setenv("VMSGEN_EXACT_OFFSETS", "1", 1);
    parse_ok(path, opts);
    unsetenv("VMSGEN_EXACT_OFFSETS");
    assert_int_equal(fast.n_records, tu.n_records);
    for (size_t i = 0; i < tu.n_records; i++) {
        const struct vg_record *a = fast.records[i], *b = tu.records[i];

        assert_int_equal(a->n_members, b->n_members);
        assert_int_equal(a->size, b->size);
        for (size_t j = 0; j < a->n_members; j++)
            if (a->members[j].offset_bits != b->members[j].offset_bits)
                fail_msg("%s: %s.%s: natural %llu, libclang %llu", path,
                         a->c_name ? a->c_name : "(unnamed)", a->members[j].name,
                         (unsigned long long)a->members[j].offset_bits,
                         (unsigned long long)b->members[j].offset_bits);
    }
    vg_tu_free(&fast);
}

static void test_layout_matches_libclang(void **state)
{
    static const char *const files[] = {"layout.h", "types.h", "records.h", "annots.h", "macros.h"};
    char path[512];

    (void)state;
    for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
        snprintf(path, sizeof(path), VMS_SOURCE_DIR "/tests/front/%s", files[i]);
        compare_with_exact(path, NULL);
        teardown(NULL);
    }
}

static void test_free_twice_is_harmless(void **state)
{
    (void)state;
    parse_ok(FIXTURE("records.h"), NULL);
    vg_tu_free(&tu);
    parsed = false;
    vg_tu_free(&tu); /* zeroed by the first call */
    vg_tu_free(NULL);
    assert_int_equal(tu.n_records, 0);
    assert_null(tu.records);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(test_tagged_struct, teardown),
        cmocka_unit_test_teardown(test_typedef_anonymous, teardown),
        cmocka_unit_test_teardown(test_typedef_attached_annotations, teardown),
        cmocka_unit_test_teardown(test_typedef_before_definition, teardown),
        cmocka_unit_test_teardown(test_nested_by_value, teardown),
        cmocka_unit_test_teardown(test_inline_unnamed_member, teardown),
        cmocka_unit_test_teardown(test_anonymous_member, teardown),
        cmocka_unit_test_teardown(test_records_once_in_source_order, teardown),
        cmocka_unit_test_teardown(test_union, teardown),
        cmocka_unit_test_teardown(test_scalars, teardown),
        cmocka_unit_test_teardown(test_arrays, teardown),
        cmocka_unit_test_teardown(test_pointers, teardown),
        cmocka_unit_test_teardown(test_function_pointers, teardown),
        cmocka_unit_test_teardown(test_enums, teardown),
        cmocka_unit_test_teardown(test_bitfields, teardown),
        cmocka_unit_test_teardown(test_flexible_array, teardown),
        cmocka_unit_test_teardown(test_host_sized, teardown),
        cmocka_unit_test_teardown(test_macros, teardown),
        cmocka_unit_test_teardown(test_command_line_macros, teardown),
        cmocka_unit_test_teardown(test_enum_constants, teardown),
        cmocka_unit_test_teardown(test_annotation_text, teardown),
        cmocka_unit_test_teardown(test_annotation_location, teardown),
        cmocka_unit_test_teardown(test_member_locations, teardown),
        cmocka_unit_test_teardown(test_includes, teardown),
        cmocka_unit_test_teardown(test_system_header_records, teardown),
        cmocka_unit_test_teardown(test_include_dirs_and_defines, teardown),
        cmocka_unit_test_teardown(test_target, teardown),
        cmocka_unit_test_teardown(test_error_unknown_type, teardown),
        cmocka_unit_test_teardown(test_error_missing_option, teardown),
        cmocka_unit_test_teardown(test_missing_file, teardown),
        cmocka_unit_test_teardown(test_warning_is_reported, teardown),
        cmocka_unit_test_teardown(test_layout_offsets, teardown),
        cmocka_unit_test_teardown(test_layout_matches_libclang, teardown),
        cmocka_unit_test_teardown(test_free_twice_is_harmless, teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
