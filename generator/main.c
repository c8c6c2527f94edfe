/* main.c: vmsgen's command line (argument parsing and the pipeline per header, nothing else). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "model.h"

#define VMSGEN_VERSION "0.1.0"

static const char usage_text[] =
    "usage: vmsgen generate [options] HEADER...   write <base>.vms.h and <base>.vms.c per header\n"
    "       vmsgen check    [options] HEADER...   report diagnostics only\n"
    "       vmsgen --help | --version\n"
    "\n"
    "options:\n"
    "  -I DIR, -IDIR          add DIR to the include path (as the C compiler's -I)\n"
    "  -D NAME[=VAL]          define a macro (as the C compiler's -D)\n"
    "  -o OUTDIR              where generate writes its files (default: current directory)\n"
    "  --depfile FILE         generate: also write a make-style depfile listing every header read\n"
    "  --target TRIPLE        parse for another target (cross builds), e.g. aarch64-linux-gnu\n"
    "  --sysroot DIR          system headers of that target\n"
    "\n"
    "Annotate structs with the macros of <vms/annotate.h>; docs/annotations.md describes them.\n"
    "Exit status: 0 success, 1 diagnostics, 2 usage error or unreadable input.\n";

struct cli {
    const char *command;
    const char *outdir;
    const char *depfile;
    struct vg_front_opts front;
    const char **headers;
    size_t n_headers;
};

static int usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static int usage_error(const char *fmt, ...)
{
    va_list ap;

    fprintf(stderr, "vmsgen: ");
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\nTry 'vmsgen --help'.\n");
    return 2;
}

static void push(const char ***list, size_t *n, const char *value)
{
    const char **grown = realloc(*list, (*n + 1) * sizeof(**list));

    if (!grown)
        abort();
    grown[(*n)++] = value;
    *list = grown;
}

/* An option taking a value, as "-I DIR" or "-IDIR" (short) / "--opt VALUE" or "--opt=VALUE" (long). */
static const char *option_value(int argc, char **argv, int *i, const char *name)
{
    size_t len = strlen(name);
    const char *arg = argv[*i];

    if (strncmp(arg, name, len) != 0)
        return NULL;
    if (arg[len] == '\0')
        return *i + 1 < argc ? argv[++*i] : "";
    if (name[1] != '-')
        return arg + len;              /* -IDIR */
    return arg[len] == '=' ? arg + len + 1 : NULL;
}

static int parse_args(int argc, char **argv, struct cli *cli)
{
    static const char *const valued[] = {"-I", "-D", "-o", "--depfile", "--target", "--sysroot"};

    for (int i = 2; i < argc; i++) {
        const char *v = NULL;
        size_t k;

        for (k = 0; k < sizeof(valued) / sizeof(valued[0]); k++)
            if ((v = option_value(argc, argv, &i, valued[k])) != NULL)
                break;
        if (v && !*v)
            return usage_error("option '%s' needs a value", valued[k]);
        if (!v && (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0)) {
            fputs(usage_text, stdout);
            exit(0);
        }
        if (!v && argv[i][0] == '-' && argv[i][1])
            return usage_error("unknown option '%s'", argv[i]);
        switch (v ? k : 99) {
        case 0: push(&cli->front.include_dirs, &cli->front.n_include_dirs, v); break;
        case 1: push(&cli->front.defines, &cli->front.n_defines, v); break;
        case 2: cli->outdir = v; break;
        case 3: cli->depfile = v; break;
        case 4: cli->front.target = v; break;
        case 5: cli->front.sysroot = v; break;
        default: push(&cli->headers, &cli->n_headers, argv[i]);
        }
    }
    if (cli->n_headers == 0)
        return usage_error("%s: no header given", cli->command);
    if (cli->depfile && strcmp(cli->command, "generate") != 0)
        return usage_error("--depfile applies to 'generate', not '%s'", cli->command);
    return 0;
}

/* Adds the files of @tu to @all (deduplicated, order kept). */
static void merge_includes(struct vg_tu *all, const struct vg_tu *tu)
{
    for (size_t i = 0; i < tu->n_includes; i++) {
        bool seen = false;

        for (size_t k = 0; k < all->n_includes && !seen; k++)
            seen = strcmp(all->includes[k], tu->includes[i]) == 0;
        if (!seen)
            push((const char ***)&all->includes, &all->n_includes, strdup(tu->includes[i]));
    }
}

static char *output_path(const char *outdir, const char *header, const char *ext)
{
    const char *slash = strrchr(header, '/');
    const char *name = slash ? slash + 1 : header;
    const char *dot = strrchr(name, '.');
    int len = dot && dot != name ? (int)(dot - name) : (int)strlen(name);
    size_t size = strlen(outdir) + (size_t)len + strlen(ext) + 2;
    char *p = malloc(size);

    if (!p)
        abort();
    snprintf(p, size, "%s/%.*s%s", outdir, len, name, ext);
    return p;
}

/* One header through the pipeline. Returns 0, 1 (diagnostics) or 2 (unreadable). */
static int run_header(const struct cli *cli, const char *header, struct vg_tu *all,
                      struct vg_diags *d)
{
    struct vg_tu tu = {0};
    struct vg_model m;
    struct stat st;
    int ret = 0;

    if (stat(header, &st) != 0 || !S_ISREG(st.st_mode)) {
        fprintf(stderr, "vmsgen: cannot read header '%s'\n", header);
        return 2;
    }
    if (vg_front_parse(header, &cli->front, &tu, d) != 0) {
        vg_tu_free(&tu);
        return 1;
    }
    merge_includes(all, &tu);
    if (vg_model_build(&tu, &m, d) != 0 || vg_check(&m, d) != 0)
        ret = 1;
    else if (strcmp(cli->command, "generate") == 0 && vg_emit_c(&m, header, cli->outdir, d) != 0)
        ret = 1;
    vg_model_free(&m);
    vg_tu_free(&tu);
    return ret;
}

static int write_depfile(const struct cli *cli, const struct vg_tu *all, struct vg_diags *d)
{
    const char **targets = NULL;
    size_t n = 0;
    int ret;

    for (size_t i = 0; i < cli->n_headers; i++) {
        push(&targets, &n, output_path(cli->outdir, cli->headers[i], ".vms.c"));
        push(&targets, &n, output_path(cli->outdir, cli->headers[i], ".vms.h"));
    }
    ret = vg_write_depfile(cli->depfile, targets, n, all, d);
    for (size_t i = 0; i < n; i++)
        free((void *)targets[i]);
    free(targets);
    return ret;
}

static int run(struct cli *cli)
{
    struct vg_diags d;
    struct vg_tu all = {0};
    int status = 0;

    vg_diags_init(&d, stderr);
    for (size_t i = 0; i < cli->n_headers; i++) {
        int ret = run_header(cli, cli->headers[i], &all, &d);
        status = ret > status ? ret : status;
    }
    if (status == 0 && cli->depfile && write_depfile(cli, &all, &d) != 0)
        status = 1;
    for (size_t i = 0; i < all.n_includes; i++)
        free(all.includes[i]);
    free(all.includes);
    return status;
}

int main(int argc, char **argv)
{
    struct cli cli = {.outdir = "."};
    int ret;

    if (argc < 2)
        return usage_error("%s", "no command given");
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        fputs(usage_text, stdout);
        return 0;
    }
    if (strcmp(argv[1], "--version") == 0) {
        printf("vmsgen %s (descriptor ABI 1)\n", VMSGEN_VERSION);
        return 0;
    }
    if (strcmp(argv[1], "generate") != 0 && strcmp(argv[1], "check") != 0)
        return usage_error("unknown command '%s' (expected generate or check)", argv[1]);
    cli.command = argv[1];
    ret = parse_args(argc, argv, &cli);
    if (ret == 0)
        ret = run(&cli);
    free(cli.front.include_dirs);
    free(cli.front.defines);
    free(cli.headers);
    return ret;
}
