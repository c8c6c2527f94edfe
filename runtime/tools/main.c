/* vmstate: analyze and verify migration streams (argument parsing and output only). */
#include "vmstate_tool.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#ifndef VMS_VERSION_STRING
#define VMS_VERSION_STRING "0.0.0"
#endif

static const char usage_text[] =
    "usage: vmstate analyze STREAM [--desc] [--format vms|qemu] [--schema VMDESC.json] [--memory]\n"
    "                       [--extract DIR]\n"
    "       vmstate verify  STREAM [--schema VMDESC.json]\n"
    "       vmstate --help | --version\n"
    "\n"
    "STREAM is a file, '-' (standard input) or a URI (file:PATH[,offset=N], fd:N, exec:CMD, unix:PATH).\n"
    "\n"
    "analyze prints the stream as JSON on stdout:\n"
    "  --format vms     our JSON: typed values, offsets and sizes of every record (default)\n"
    "  --format qemu    exactly what QEMU's scripts/analyze-migration.py prints\n"
    "  --desc           print the stream's vmdesc (analyze-migration.py -d desc) instead of the state\n"
    "  --schema FILE    decode with this vmdesc (e.g. --desc of another stream of the same build)\n"
    "  --memory, -m     also show every RAM page's bytes (like -m; at most 256 MiB of text)\n"
    "  --extract DIR    write desc.json, state.json and one file per RAM block into DIR (like -x)\n"
    "verify checks the stream's structure and prints 'ok' or the first error with its byte offset.\n"
    "\n"
    "exit status: 0 success, 1 bad stream, 2 usage error or unreadable input\n";

__attribute__((format(printf, 1, 2))) static int usage_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("vmstate: ", stderr);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputs("\nTry 'vmstate --help'.\n", stderr);
    return 2;
}

/* Parses the options after the command; 0, or 2 after a usage message. */
static int parse_args(int argc, char **argv, struct vt_opts *o, bool *help)
{
    for (int i = 2; i < argc; i++) {
        const char *a = argv[i];
        const char **value = NULL;
        char opt[32];
        const char *eq = strncmp(a, "--", 2) == 0 ? strchr(a, '=') : NULL;
        if (eq && (size_t)(eq - a) < sizeof(opt)) {
            /* --opt=value: split it and handle it like --opt value */
            snprintf(opt, sizeof(opt), "%.*s", (int)(eq - a), a);
            argv[i] = (char *)eq + 1;
            a = opt;
            i--;
        }
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            *help = true;
            return 0;
        } else if (strcmp(a, "--desc") == 0 && !o->verify) {
            o->desc = true;
            continue;
        } else if ((strcmp(a, "--memory") == 0 || strcmp(a, "-m") == 0) && !o->verify) {
            o->memory = true;
            continue;
        } else if (strcmp(a, "--schema") == 0) {
            value = &o->schema;
        } else if (strcmp(a, "--extract") == 0 && !o->verify) {
            value = &o->extract;
        } else if (strcmp(a, "--format") == 0 && !o->verify) {
            if (i + 1 >= argc) {
                return usage_error("option '%s' needs a value", a);
            }
            a = argv[++i];
            if (strcmp(a, "vms") == 0) {
                o->format = VT_FORMAT_VMS;
            } else if (strcmp(a, "qemu") == 0) {
                o->format = VT_FORMAT_QEMU;
            } else {
                return usage_error("unknown format '%s' (vms or qemu)", a);
            }
            continue;
        } else if (a[0] == '-' && a[1] != '\0') {
            return usage_error("unknown option '%s'", a);
        } else if (o->stream) {
            return usage_error("unexpected argument '%s' (one STREAM only)", a);
        } else {
            o->stream = a;
            continue;
        }
        if (i + 1 >= argc) {
            return usage_error("option '%s' needs a value", a);
        }
        *value = argv[++i];
    }
    if (!o->stream) {
        return usage_error("%s: no STREAM given", o->verify ? "verify" : "analyze");
    }
    return 0;
}

/* The qemu view: "<idstr> (<id>)" -> value, in the order sections first came. */
static json_t *qemu_state(vt_parse *p)
{
    json_t *out = json_object();
    const char *key;
    json_t *slot;
    json_object_foreach(p->qemu_sections, key, slot) {
        json_object_set(out, json_string_value(json_object_get(slot, "key")), json_object_get(slot, "value"));
    }
    return out;
}

static json_t *vms_state(vt_parse *p)
{
    json_t *doc = json_pack("{s:s, s:s, s:i, s:I, s:O, s:O*}", "stream", p->opts->stream, "magic", "QEVM",
                            "version", 3, "page_size", (json_int_t)p->page_size, "records", p->records,
                            "vmdesc", p->trailer);
    json_object_set_new(doc, "size", p->r->size == UINT64_MAX ? json_null() : json_integer((json_int_t)p->r->size));
    json_object_set_new(doc, "eof_offset", json_integer((json_int_t)p->eof_off));
    return doc;
}

static int write_json(FILE *f, json_t *v, const struct vt_opts *o, bool newline)
{
    if (o->format == VT_FORMAT_VMS && v == o->vmdesc) {
        /* the vmdesc keeps QEMU's key order, so it can be given back with --schema */
        int rc = json_dumpf(v, f, JSON_INDENT(2));
        fputc('\n', f);
        return rc;
    }
    if (o->format == VT_FORMAT_VMS) {
        return vt_write_vms_json(f, v);
    }
    int rc = vt_write_python_json(f, v);
    if (newline) {
        fputc('\n', f);
    }
    return rc;
}

/* --extract: desc.json and state.json as analyze-migration.py -x writes them (no final newline). */
static int write_file(const char *dir, const char *name, json_t *v, const struct vt_opts *o)
{
    char path[4096];
    snprintf(path, sizeof(path), "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    if (!f) {
        fprintf(stderr, "vmstate: cannot write '%s': %s\n", path, strerror(errno));
        return -1;
    }
    int rc = write_json(f, v, o, false);
    if (fclose(f) != 0 || rc < 0) {
        fprintf(stderr, "vmstate: cannot write '%s'\n", path);
        return -1;
    }
    return 0;
}

static int output(vt_parse *p, const struct vt_opts *o)
{
    json_t *v = o->desc ? json_incref(p->vmdesc) : o->format == VT_FORMAT_QEMU ? qemu_state(p) : vms_state(p);
    int rc = write_json(stdout, v, o, true);
    json_decref(v);
    return rc;
}

static int run(struct vt_opts *o)
{
    vt_reader r;
    if (vt_reader_open(&r, o->stream) < 0) {
        fprintf(stderr, "vmstate: %s\n", r.err);
        vt_reader_close(&r);
        return 2;
    }
    if (o->extract && mkdir(o->extract, 0777) < 0 && errno != EEXIST) {
        fprintf(stderr, "vmstate: cannot create '%s': %s\n", o->extract, strerror(errno));
        vt_reader_close(&r);
        return 2;
    }
    vt_parse p = {.opts = o, .r = &r};
    int rc = vt_parse_stream(&p);
    o->vmdesc = p.vmdesc;
    int status = 0;
    if (rc == -2) {
        fprintf(stderr, "vmstate: %s\n", r.err);
        status = 2;
    } else if (rc < 0) {
        fprintf(stderr, "vmstate: %s: %s\n", o->stream, r.err);
        status = 1;
    } else if (o->desc && !p.vmdesc) {
        fprintf(stderr, "vmstate: %s: the stream has no vmdesc\n", o->stream);
        status = 1;
    } else if (o->verify) {
        printf("%s: ok (%zu records, vmdesc %s)\n", o->stream, json_array_size(p.records),
               p.trailer ? "present" : "absent");
        if (p.undecoded) {
            fprintf(stderr, "vmstate: warning: %s has no vmdesc: %zu section payloads were framed by their "
                    "footers only (give --schema to check them)\n", o->stream, p.undecoded);
        }
    } else if (o->extract) {
        /* listed in analyze-migration.py -x's order: desc.json, the RAM blocks, state.json */
        json_t *state = o->format == VT_FORMAT_QEMU ? qemu_state(&p) : vms_state(&p);
        if ((p.vmdesc && write_file(o->extract, "desc.json", p.vmdesc, o) < 0) ||
            write_file(o->extract, "state.json", state, o) < 0) {
            status = 1;
        } else {
            size_t i;
            json_t *name;
            if (p.vmdesc) {
                puts("desc.json");
            }
            json_array_foreach(p.extracted, i, name) {
                puts(json_string_value(name));
            }
            puts("state.json");
        }
        json_decref(state);
    } else if (output(&p, o) < 0) {
        fprintf(stderr, "vmstate: error writing the output\n");
        status = 1;
    }
    vt_parse_clear(&p);
    vt_reader_close(&r);
    if (fflush(stdout) != 0 && status == 0) {
        status = 1;
    }
    return status;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        return usage_error("%s", "no command given");
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        fputs(usage_text, stdout);
        return 0;
    }
    if (strcmp(argv[1], "--version") == 0) {
        printf("vmstate %s\n", VMS_VERSION_STRING);
        return 0;
    }
    struct vt_opts o = {.format = VT_FORMAT_VMS};
    if (strcmp(argv[1], "verify") == 0) {
        o.verify = true;
    } else if (strcmp(argv[1], "analyze") != 0) {
        return usage_error("unknown command '%s' (analyze or verify)", argv[1]);
    }
    bool help = false;
    int rc = parse_args(argc, argv, &o, &help);
    if (rc != 0) {
        return rc;
    }
    if (help) {
        fputs(usage_text, stdout);
        return 0;
    }
    return run(&o);
}
