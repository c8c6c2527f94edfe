/*
 * fuzz_annot.c: libFuzzer target for vmsgen's annotation language: the
 * annotation strings (flex/bison) and the C-like expressions inside them.
 *
 * The input is one annotation text ("state(\"wdt\", 3, 1)", "if(\"a > 1\")",
 * ...) as vmsgen reads it from __attribute__((annotate("vms:..."))).
 * Whatever it parses to is also printed back as text and as C, and
 * evaluated as a constant when it can be, so the printers and the evaluator
 * see every tree the parser can build. Diagnostics go to /dev/null.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "annot.h"
#include "diag.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool lookup(void *ctx, const char *name, int64_t *value)
{
    (void)ctx;
    if (strcmp(name, "FIFO_LEN") == 0) {
        *value = 16;
        return true;
    }
    if (strcmp(name, "BIG") == 0) {
        *value = INT64_MAX;
        return true;
    }
    return false;
}

static bool name_member(void *ctx, const struct vg_expr *node, struct vg_buf *out)
{
    (void)ctx;
    (void)node;
    vg_buf_puts(out, "s->x");
    return true;
}

static void exercise(const struct vg_expr *e)
{
    struct vg_buf text = {0}, c = {0};
    int64_t v;
    const struct vg_expr *bad = NULL;

    if (!e)
        return;
    vg_expr_to_text(e, &text);
    vg_expr_to_c(e, name_member, NULL, &c);
    if (!vg_expr_eval_const(e, lookup, NULL, &v, &bad) && bad)
        vg_expr_eval_explain(bad, lookup, NULL, &text);
    vg_buf_free(&text);
    vg_buf_free(&c);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static FILE *null_out;
    struct vg_loc here = {"fuzz.h", 1, 1};
    struct vg_parsed_annot a;
    struct vg_diags d;
    char *text;

    if (!null_out && !(null_out = fopen("/dev/null", "w")))
        abort();
    text = malloc(size + 1);
    if (!text)
        abort();
    memcpy(text, data, size);
    text[size] = '\0'; /* annotation strings are C strings: a NUL ends them */
    vg_diags_init(&d, null_out);
    memset(&a, 0, sizeof(a));
    if (vg_annot_parse(text, here, lookup, NULL, &a, &d) == 0) {
        for (size_t i = 0; i < a.n_args; i++)
            exercise(a.args[i].expr);
        vg_annot_clear(&a);
    }
    {
        struct vg_expr *e = vg_expr_parse(text, here, &d);

        exercise(e);
        vg_expr_free(e);
    }
    free(text);
    return 0;
}
