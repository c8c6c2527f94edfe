/* main.c: vmsgen's command line (argument parsing and the pipeline per header, nothing else). */
#define _DEFAULT_SOURCE 1 /* sbrk() and MADV_HUGEPAGE, for huge_heap() */
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "diff.h"
#include "model.h"
#include "outfile.h"


#define VMSGEN_VERSION VG_VERSION

static const char usage_text[] =
    "usage: vmsgen generate [options] HEADER...   write <base>.vms.h, .vms.c and .vms.json per header\n"
    "       vmsgen schema   [options] HEADER...   write the schema (QEMU -dump-vmstate JSON)\n"
    "       vmsgen check    [options] HEADER...   report diagnostics only\n"
    "       vmsgen diff OLD.json NEW.json [--format text|json|markdown|sarif] [--accept FILE]\n"
    "                                             compare two schemas (or QEMU dumps) for\n"
    "                                             migration compatibility (exit 1: breaking)\n"
    "       vmsgen --help | --version\n"
    "\n"
    "options:\n"
    "  -I DIR, -IDIR          add DIR to the include path (as the C compiler's -I)\n"
    "  -D NAME[=VAL]          define a macro (as the C compiler's -D)\n"
    "  -o OUTDIR              where generate writes its files (default: current directory);\n"
    "                         for schema: the output file (default: standard output)\n"
    "  --depfile FILE         generate: also write a make-style depfile listing every header read\n"
    "  --compact              schema: no whitespace inside a section, one section per line\n"
    "                         (the style of the .vms.json that generate writes)\n"
    "  --full                 schema: the whole model, struct-level facts too (vmsgen's own\n"
    "                         format, read by vmsgen diff; QEMU's checker rejects it)\n"
    "  --target TRIPLE        parse for another target (cross builds), e.g. aarch64-linux-gnu\n"
    "  --sysroot DIR          system headers of that target\n"
    "\n"
    "Annotate structs with the macros of <vms/annotate.h>; docs/annotations.md describes them.\n"
    "Exit status: 0 success, 1 diagnostics, 2 usage error or unreadable input.\n";

/*
 * What the last header built (its AST digest and model: hundreds of
 * thousands of blocks on a big header) is not freed one block at a time
 * just before the process exits and the kernel takes it all back at once;
 * that costs as much as a tenth of vmsgen's own work (tests/bench). clang
 * does the same (-disable-free). Builds under a leak checker free
 * everything, so that it sees real leaks only; -DVG_FREE_AT_EXIT=1 asks for
 * that in any build (valgrind).
 */
#ifndef VG_FREE_AT_EXIT
#if defined(__SANITIZE_ADDRESS__)
#define VG_FREE_AT_EXIT 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(leak_sanitizer)
#define VG_FREE_AT_EXIT 1
#endif
#endif
#endif
#ifndef VG_FREE_AT_EXIT
#define VG_FREE_AT_EXIT 0
#endif

/*
 * VMSGEN_TIMING=1: when each stage ended, in milliseconds since main()
 * started, on standard error (tests/bench/README.md).
 */
static double timing_start = -1; /* < 0: off */

static double now_ms(void)
{
    struct timespec t;

    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

static void stage_done(const char *stage)
{
    if (timing_start >= 0)
        fprintf(stderr, "vmsgen: timing: %-8s %7.1f ms\n", stage, now_ms() - timing_start);
}

/* A header kept through the pipeline until every header is read (schema). */
struct job {
    struct vg_tu tu;
    struct vg_model m;
};

struct cli {
    const char *command;
    const char *outdir;
    bool output_given;        /* -o was given (schema: a file instead of stdout) */
    struct job **jobs;        /* schema: the models of every header */
    size_t n_jobs;
    const char *depfile;
    bool compact;             /* schema --compact: a section per line */
    bool full;                /* schema --full: struct-level vms_ facts too */
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
        if (!v && strcmp(argv[i], "--compact") == 0) {
            cli->compact = true;
            continue;
        }
        if (!v && strcmp(argv[i], "--full") == 0) {
            cli->full = true;
            continue;
        }
        if (!v && argv[i][0] == '-' && argv[i][1])
            return usage_error("unknown option '%s'", argv[i]);
        switch (v ? k : 99) {
        case 0: push(&cli->front.include_dirs, &cli->front.n_include_dirs, v); break;
        case 1: push(&cli->front.defines, &cli->front.n_defines, v); break;
        case 2: cli->outdir = v, cli->output_given = true; break;
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
    if (cli->compact && strcmp(cli->command, "schema") != 0)
        return usage_error("--compact applies to 'schema', not '%s'", cli->command);
    if (cli->full && strcmp(cli->command, "schema") != 0)
        return usage_error("--full applies to 'schema', not '%s'", cli->command);
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

/* <outdir>/<base><ext> for @header. */
static char *output_path(const char *outdir, const char *header, const char *ext)
{
    char *base = vg_base_name(header);
    size_t size = strlen(outdir) + strlen(base) + strlen(ext) + 2;
    char *p = malloc(size);

    if (!p)
        abort();
    snprintf(p, size, "%s/%s%s", outdir, base, ext);
    free(base);
    return p;
}

/*
 * generate: the tables and the schema of one header. The schema,
 * <outdir>/<base>.vms.json in the lines style (the JSON of `vmsgen schema`,
 * a section per line), is most of the output on big headers (QEMU's layout
 * repeats nested descriptions): a thread starts writing it while the tables
 * are written, and this one helps with the rest.
 */
static int write_outputs(const struct cli *cli, const char *header, const struct vg_model *m,
                         struct vg_diags *d)
{
    char *path = output_path(cli->outdir, header, ".vms.json");
    char *base = vg_base_name(header);
    FILE *out = vg_output_open(path); /* in place, as the tables */
    struct vg_json *j = NULL;
    int ret, err = 0, json_ret = -1;

    if (out) {
        setvbuf(out, NULL, _IONBF, 0); /* the JSON writer writes whole chunks */
        j = vg_json_start(&m, 1, base, VG_JSON_LINES, out, true);
    } else {
        err = errno;
    }
    ret = vg_emit_c(m, header, cli->outdir, d);
    stage_done("tables");
    if (j) {
        json_ret = vg_json_finish(j);
        stage_done("schema");
        err = json_ret ? errno : 0;
        if (!vg_output_close(out, true) && json_ret == 0) {
            json_ret = -1;
            err = errno;
        }
    }
    if (json_ret) {
        vg_error(d, (struct vg_loc){0}, "cannot write '%s': %s", path,
                 err ? strerror(err) : "short write");
        ret = -1;
    }
    free(path);
    free(base);
    return ret;
}

/* One header through the pipeline. Returns 0, 1 (diagnostics) or 2 (unreadable). */
static int run_header(struct cli *cli, const char *header, struct vg_tu *all, struct vg_diags *d)
{
    struct job *job = calloc(1, sizeof(*job));
    struct stat st;
    int ret = 0;

    if (!job)
        abort();
    if (stat(header, &st) != 0 || !S_ISREG(st.st_mode)) {
        fprintf(stderr, "vmsgen: cannot read header '%s'\n", header);
        free(job);
        return 2;
    }
    if (vg_front_parse(header, &cli->front, &job->tu, d) != 0) {
        vg_tu_free(&job->tu);
        free(job);
        return 1;
    }
    stage_done("walk");
    merge_includes(all, &job->tu);
    if (vg_model_build(&job->tu, &job->m, d) != 0 || vg_check(&job->m, d) != 0)
        ret = 1;
    stage_done("model");
    if (ret == 0 && strcmp(cli->command, "generate") == 0 &&
        write_outputs(cli, header, &job->m, d) != 0)
        ret = 1;
    if ((ret == 0 && strcmp(cli->command, "schema") == 0) ||
        (!VG_FREE_AT_EXIT && header == cli->headers[cli->n_headers - 1])) {
        cli->jobs = realloc(cli->jobs, (cli->n_jobs + 1) * sizeof(*cli->jobs));
        if (!cli->jobs)
            abort();
        cli->jobs[cli->n_jobs++] = job; /* schema: kept until every header is read */
        return ret;
    }
    vg_model_free(&job->m);
    vg_tu_free(&job->tu);
    free(job);
    return ret;
}

/* schema: one JSON object for every header, to -o FILE or standard output. */
static int write_schema(struct cli *cli, struct vg_diags *d)
{
    const struct vg_model **models = calloc(cli->n_jobs + 1, sizeof(*models));
    char *machine = vg_base_name(cli->headers[0]);
    FILE *out = cli->output_given ? fopen(cli->outdir, "w") : stdout;
    int ret = -1;

    if (!models)
        abort();
    for (size_t i = 0; i < cli->n_jobs; i++)
        models[i] = &cli->jobs[i]->m;
    if (out) {
        ret = vg_emit_json(models, cli->n_jobs, machine,
                           (cli->compact ? VG_JSON_LINES : VG_JSON_PRETTY) |
                               (cli->full ? VG_JSON_FULL : 0), out);
        if (out != stdout && fclose(out) != 0)
            ret = -1;
    }
    if (ret)
        vg_error(d, (struct vg_loc){0}, "cannot write the schema to '%s'",
                 cli->output_given ? cli->outdir : "standard output");
    free(models);
    free(machine);
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
    if (status == 0 && strcmp(cli->command, "schema") == 0 && write_schema(cli, &d) != 0)
        status = 1;
    for (size_t i = 0; VG_FREE_AT_EXIT && i < cli->n_jobs; i++) {
        vg_model_free(&cli->jobs[i]->m);
        vg_tu_free(&cli->jobs[i]->tu);
        free(cli->jobs[i]);
    }
    if (VG_FREE_AT_EXIT)
        free(cli->jobs);
    for (size_t i = 0; i < all.n_includes; i++)
        free(all.includes[i]);
    free(all.includes);
    return status;
}

/*
 * libclang parses on a thread of its own, and glibc gives that thread a
 * malloc arena of its own: grown by one mprotect() per step (hundreds on a
 * large header), its memory out of reach of the stages that run after the
 * parse. One arena, and large blocks from it rather than from fresh
 * mappings, save a tenth of the parse's system time and thousands of page
 * faults (tests/bench); freed memory stays in the process to be used
 * again rather than faulted in anew. vmsgen's own second thread (the schema
 * writer) allocates a chunk's text at a time.
 */
#define HEAP_TOP_PAD (16 * 1024 * 1024) /* the heap grows by at least this much at a time */

static void tune_malloc(void)
{
#ifdef __GLIBC__
    mallopt(M_ARENA_MAX, 1);
    mallopt(M_MMAP_THRESHOLD, 32 * 1024 * 1024);
    mallopt(M_TRIM_THRESHOLD, 512 * 1024 * 1024); /* freed memory is reused, not faulted again */
    mallopt(M_TOP_PAD, HEAP_TOP_PAD);
#endif
}

/*
 * libclang's parse touches tens of megabytes of fresh heap on a large
 * header, one page fault per 4 KiB page: a third of vmsgen's faults are
 * not clang's own work but the kernel's. Transparent huge pages for the
 * heap, as glibc's glibc.malloc.hugetlb=1 tunable would give (a tunable
 * only works from the environment, before the process starts): the heap
 * is grown once by a large reserve of address space, that range is marked
 * MADV_HUGEPAGE, and the kernel then backs it 2 MiB at a time as it is
 * touched. On tests/bench's header: 8.6k page faults down to 4.3k, and
 * about 7 % of the run. Nothing changes where transparent huge pages are
 * off, and memory is used only as it is touched. Not under a sanitizer,
 * which has a malloc of its own.
 */
static void huge_heap(void)
{
#if defined(__GLIBC__) && defined(MADV_HUGEPAGE) && !VG_FREE_AT_EXIT
    const uintptr_t huge = (uintptr_t)2 << 20;
    const size_t reserve = (size_t)256 << 20, block = (size_t)31 << 20; /* under M_MMAP_THRESHOLD */
    char *old_end = sbrk(0), *new_end;
    void *volatile grow; /* volatile: the compiler may drop a malloc() freed unused */
    uintptr_t from, to;

    if (old_end == (char *)-1)
        return;
    /* a block the heap's free top cannot hold grows the heap by it and the top pad */
    mallopt(M_TOP_PAD, (int)reserve);
    grow = malloc(block);
    free(grow);
    mallopt(M_TOP_PAD, HEAP_TOP_PAD);
    new_end = sbrk(0);
    if (new_end == (char *)-1)
        return;
    from = ((uintptr_t)old_end + huge - 1) & ~(huge - 1);
    to = (uintptr_t)new_end & ~(huge - 1);
    if (to > from)
        madvise((void *)from, to - from, MADV_HUGEPAGE);
#endif
}

int main(int argc, char **argv)
{
    static struct cli cli = {.outdir = "."}; /* static: what is not freed stays reachable */
    int ret;

    const char *t = getenv("VMSGEN_TIMING");

    if (t && *t && strcmp(t, "0") != 0) {
        timing_start = now_ms();
        cli.front.stage_done = stage_done;
    }
    tune_malloc();
    if (argc < 2)
        return usage_error("%s", "no command given");
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        fputs(usage_text, stdout);
        return 0;
    }
    if (strcmp(argv[1], "--version") == 0) {
        printf("vmsgen %s (descriptor ABI %d)\n", VMSGEN_VERSION, VG_DESC_ABI);
        return 0;
    }
    if (strcmp(argv[1], "diff") == 0)
        return vg_diff_main(argc - 2, argv + 2);
    if (strcmp(argv[1], "generate") != 0 && strcmp(argv[1], "check") != 0 &&
        strcmp(argv[1], "schema") != 0)
        return usage_error("unknown command '%s' (expected generate, schema, check or diff)",
                           argv[1]);
    cli.command = argv[1];
    ret = parse_args(argc, argv, &cli);
    if (ret == 0) {
        huge_heap();
        ret = run(&cli);
    }
    free(cli.front.include_dirs);
    free(cli.front.defines);
    free(cli.headers);
    stage_done("end");
    return ret;
}
