/*
 * vmstate_compat_driver.c: one release's side of a compatibility test; VMStateCompat.cmake
 * builds it once per release header, with
 *   -DCOMPAT_HEADER="<base>.vms.h"  the tables vmsgen generated from that header
 *   -DCOMPAT_TYPE=<C type>          the device state ("struct Nic")
 *   -DCOMPAT_DESC=<symbol>          its description (vms_desc_Nic)
 * and the release's fill.c, which defines compat_fill().
 *
 * usage: DRIVER version | save VERSION FILE | load VERSION FILE | roundtrip VERSION IN OUT
 *        | cuts VERSION FILE
 * cuts: every truncation of FILE, loaded atomically into this release's filled state, fails
 * and leaves the state byte-identical (a cut exactly where a subsection could start loads,
 * as DESIGN.md §6 allows: the payload before it is complete).
 * Exit status: 0 success, 1 a failed save or load (the runtime's message on stderr), 2 usage.
 */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <vms/vms.h>

#include COMPAT_HEADER

/* Fills a deterministic, realistic state of this release (its fill.c). */
void compat_fill(void *state);

/*
 * One state per process. Static storage starts zeroed, and whatever a load
 * allocates for VMS_ALLOC members stays reachable from it until exit, so the
 * driver needs no device-specific cleanup and leak checkers stay quiet.
 */
static COMPAT_TYPE compat_state;

static const char *prog = "vmstate_compat_driver";

#if defined(__GNUC__)
__attribute__((format(printf, 1, 2)))
#endif
static int fail(const char *fmt, ...)
{
    va_list ap;

    fprintf(stderr, "%s: ", prog);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    return 1;
}

#if defined(__GNUC__)
__attribute__((format(printf, 1, 2)))
#endif
static int usage(const char *fmt, ...)
{
    va_list ap;

    fprintf(stderr, "%s: ", prog);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\nusage: %s version\n"
                    "       %s save VERSION FILE\n"
                    "       %s load VERSION FILE\n"
                    "       %s roundtrip VERSION IN OUT\n",
            prog, prog, prog, prog);
    return 2;
}

static int parse_version(const char *text, int *version)
{
    char *end;
    long v;

    errno = 0;
    v = strtol(text, &end, 10);
    if (errno || end == text || *end != '\0' || v < 0 || v > INT_MAX)
        return -1;
    *version = (int)v;
    return 0;
}

/* Reads all of @path into a malloc'd buffer (the caller frees it). */
static int read_file(const char *path, unsigned char **data, size_t *len)
{
    FILE *f = fopen(path, "rb");
    unsigned char *buf = NULL;
    size_t cap = 0, n = 0;

    if (!f)
        return fail("cannot read '%s': %s", path, strerror(errno));
    for (;;) {
        if (n == cap) {
            unsigned char *grown = realloc(buf, cap ? cap * 2 : 4096);

            if (!grown) {
                free(buf);
                fclose(f);
                return fail("out of memory reading '%s'", path);
            }
            buf = grown;
            cap = cap ? cap * 2 : 4096;
        }
        n += fread(buf + n, 1, cap - n, f);
        if (n < cap)
            break;
    }
    if (ferror(f)) {
        free(buf);
        fclose(f);
        return fail("cannot read '%s'", path);
    }
    fclose(f);
    *data = buf;
    *len = n;
    return 0;
}

static int write_file(const char *path, const void *data, size_t len)
{
    FILE *f;
    size_t put;
    int closed;

    errno = 0;
    f = fopen(path, "wb");
    if (!f)
        return fail("cannot write '%s': %s", path, strerror(errno));
    put = fwrite(data, 1, len, f);
    closed = fclose(f);
    if (put != len || closed != 0)
        return fail("cannot write '%s': %s", path, errno ? strerror(errno) : "short write");
    return 0;
}

/*
 * Files go through memory streams rather than "file:" URIs: a path may hold a
 * comma (the URI's option separator), and a load must also prove it used every
 * byte, which needs the file's length.
 */
static int load(int version, const char *path)
{
    unsigned char *data = NULL;
    size_t len = 0;
    vms_stream_t *r;
    vms_error_t err;
    char msg[VMS_ERROR_PATH_MAX + VMS_ERROR_MESSAGE_MAX + 64];
    int ret;

    if (read_file(path, &data, &len))
        return 1;
    r = vms_stream_mem_reader(data, len);
    if (!r) {
        free(data);
        return fail("out of memory");
    }
    vms_error_init(&err);
    ret = vms_load(r, &COMPAT_DESC, &compat_state, version, &err);
    if (ret == 0 && vms_stream_offset(r) != len)
        ret = fail("loading '%s' at version %d left %llu of its %zu bytes unread "
                   "(the payload ends at offset 0x%llx)",
                   path, version, (unsigned long long)(len - vms_stream_offset(r)), len,
                   (unsigned long long)vms_stream_offset(r));
    else if (ret)
        ret = fail("loading '%s' at version %d failed: %s", path, version,
                   vms_error_format(&err, msg, sizeof(msg)));
    vms_stream_close(r);
    free(data);
    return ret;
}

static int save(int version, const char *path)
{
    vms_stream_t *w = vms_stream_mem_writer();
    vms_error_t err;
    char msg[VMS_ERROR_PATH_MAX + VMS_ERROR_MESSAGE_MAX + 64];
    const void *data;
    size_t len;
    int ret;

    if (!w)
        return fail("out of memory");
    vms_error_init(&err);
    ret = vms_save_version(w, &COMPAT_DESC, &compat_state, version, &err);
    if (ret) {
        ret = fail("saving at version %d failed: %s", version,
                   vms_error_format(&err, msg, sizeof(msg)));
    } else {
        data = vms_stream_mem_data(w, &len);
        ret = write_file(path, data, len);
    }
    vms_stream_close(w);
    return ret;
}

/* Every prefix of @path, loaded atomically, fails without touching the state (or ends a payload). */
static int cuts(int version, const char *path)
{
    static COMPAT_TYPE before;
    unsigned char *data = NULL;
    size_t len = 0, failed = 0;
    int ret = 0;

    if (read_file(path, &data, &len))
        return 1;
    compat_fill(&compat_state);
    memcpy(&before, &compat_state, sizeof(before));
    for (size_t cut = 0; cut < len && ret == 0; cut++) {
        vms_stream_t *r = vms_stream_mem_reader(data, cut);
        vms_error_t err;
        int rc;

        if (!r) {
            ret = fail("out of memory");
            break;
        }
        vms_error_init(&err);
        rc = vms_load_flags(r, &COMPAT_DESC, &compat_state, version, VMS_LOAD_ATOMIC, &err);
        if (rc == 0 && vms_stream_offset(r) != cut)
            ret = fail("'%s' cut at %zu bytes loaded but left bytes unread", path, cut);
        else if (rc != 0 && memcmp(&before, &compat_state, sizeof(before)) != 0)
            ret = fail("'%s' cut at %zu bytes failed (%s) but changed the state", path, cut,
                       vms_strerror(rc));
        failed += rc != 0;
        if (rc == 0)
            memcpy(&compat_state, &before, sizeof(before)); /* a complete payload: start over */
        vms_stream_close(r);
    }
    if (ret == 0)
        printf("%zu of %zu cuts of '%s' failed cleanly; the others end a complete payload\n",
               failed, len, path);
    free(data);
    return ret;
}

/* The number of arguments (argv[0] included) a command takes; 0 for an unknown one. */
static int command_argc(const char *cmd)
{
    if (strcmp(cmd, "version") == 0)
        return 2;
    if (strcmp(cmd, "save") == 0 || strcmp(cmd, "load") == 0 || strcmp(cmd, "cuts") == 0)
        return 4;
    if (strcmp(cmd, "roundtrip") == 0)
        return 5;
    return 0;
}

int main(int argc, char **argv)
{
    const char *slash, *cmd;
    int version, want;

    if (argc > 0 && argv[0][0]) {
        slash = strrchr(argv[0], '/');
        prog = slash ? slash + 1 : argv[0];
    }
    if (argc < 2)
        return usage("no command given");
    cmd = argv[1];
    want = command_argc(cmd);
    if (!want)
        return usage("unknown command '%s'", cmd);
    if (argc != want)
        return usage("'%s' takes %d arguments, got %d", cmd, want - 2, argc - 2);
    if (strcmp(cmd, "version") == 0) {
        printf("%d\n", COMPAT_DESC.version);
        return 0;
    }
    if (parse_version(argv[2], &version))
        return usage("VERSION must be a non-negative integer, not '%s'", argv[2]);
    if (strcmp(cmd, "save") == 0) {
        compat_fill(&compat_state);
        return save(version, argv[3]);
    }
    if (strcmp(cmd, "load") == 0)
        return load(version, argv[3]);
    if (strcmp(cmd, "cuts") == 0)
        return cuts(version, argv[3]);
    return load(version, argv[3]) ? 1 : save(version, argv[4]);
}
