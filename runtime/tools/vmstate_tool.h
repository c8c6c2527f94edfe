/* vmstate CLI internals: the reader, the stream parser, the decoders and the writers. */
#ifndef VMSTATE_TOOL_H
#define VMSTATE_TOOL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <jansson.h>
#include <vms/vms.h>

/* Bytes of non-RAM sections kept in memory while the vmdesc of a non-seekable stream is awaited. */
#define VT_BUFFER_CAP (64u << 20)
/* The cap in force (VT_BUFFER_CAP; tests lower it). */
extern uint64_t vt_buffer_cap;
/* Largest vmdesc trailer accepted (QEMU's largest machines write a few MiB). */
#define VT_VMDESC_MAX (64u << 20)
/* Largest --memory dump kept for the output (hex text of RAM pages). */
#define VT_MEMORY_CAP (256u << 20)
/* Nesting depth of structs in a vmdesc that the decoder follows. */
#define VT_DEPTH_MAX 64
/* Read window of the reader. */
#define VT_WINDOW (256u << 10)

enum vt_format { VT_FORMAT_VMS, VT_FORMAT_QEMU };

/*
 * A buffered reader over a file descriptor, a vms_stream (any URI) or a memory
 * chunk, with absolute byte offsets and a sticky first error that says where.
 */
typedef struct vt_reader {
    int fd;                /* -1 unless reading a file descriptor */
    vms_stream_t *stream;  /* NULL unless reading through a URI */
    const uint8_t *mem;    /* a memory chunk (borrowed) */
    bool seekable;
    uint64_t size;         /* total bytes when known (seekable or memory), else UINT64_MAX */
    uint8_t *buf;          /* window (owned), unused for memory */
    size_t len, pos;       /* bytes in the window, read position in it */
    uint64_t base;         /* offset of buf[0] (or mem[0]) */
    bool at_end;           /* the source has no more bytes */
    bool failed;
    uint64_t err_off;
    char err[512];
} vt_reader;

/* Opens @arg ("-", a path, or a URI such as file:, fd:, exec:, unix:). 0 or -1 with r->err set. */
int vt_reader_open(vt_reader *r, const char *arg);
/* A reader over @len bytes at @mem whose first byte is stream offset @base (borrowed). */
void vt_reader_mem(vt_reader *r, const void *mem, size_t len, uint64_t base);
void vt_reader_close(vt_reader *r);

uint64_t vt_offset(const vt_reader *r);
/* Records the first error: "offset 0x..(N): <message>"; returns -1. */
int vt_fail(vt_reader *r, uint64_t off, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Bytes left before the end when the size is known, else UINT64_MAX. */
uint64_t vt_remaining(const vt_reader *r);
/* True when no byte follows (reads ahead if needed). */
bool vt_at_eof(vt_reader *r);

uint8_t vt_u8(vt_reader *r, const char *what);
uint16_t vt_be16(vt_reader *r, const char *what);
uint32_t vt_be32(vt_reader *r, const char *what);
uint64_t vt_be64(vt_reader *r, const char *what);
/* Peeks the next byte; -1 at end of stream (no error). */
int vt_peek(vt_reader *r);
/* Copies the next @n (<= 16) bytes without consuming them; false when fewer are left. */
bool vt_peekn(vt_reader *r, uint8_t *dst, size_t n);
/* Reads @n bytes into @dst. 0 or -1. */
int vt_read(vt_reader *r, void *dst, size_t n, const char *what);
/*
 * Reads @n bytes into a new buffer (caller frees); @n is checked against the
 * bytes left (or VT_BUFFER_CAP when unknown) before anything is allocated.
 */
uint8_t *vt_read_alloc(vt_reader *r, uint64_t n, const char *what);
/* Skips @n bytes (seeks when it can). 0 or -1. */
int vt_skip(vt_reader *r, uint64_t n, const char *what);
/* Reads a u8-counted string into @out (256 bytes); 0 or -1 (also when not UTF-8). */
int vt_str8(vt_reader *r, char out[256], const char *what);
/*
 * Moves to absolute @off: forward by skipping, backward by seeking (files and memory only); an
 * offset beyond a known end is an error naming @what.
 */
int vt_seek(vt_reader *r, uint64_t off, const char *what);
/* Reads @n bytes from absolute @off without moving (seekable readers only). */
int vt_pread(vt_reader *r, void *dst, size_t n, uint64_t off);

/* Options of one run. */
struct vt_opts {
    enum vt_format format;
    bool desc;               /* print the vmdesc instead of the state */
    bool verify;             /* structural check only: no output */
    const char *stream;      /* argument as given */
    const char *schema;      /* --schema FILE or NULL */
    const char *extract;     /* --extract DIR or NULL */
    bool memory;             /* --memory: RAM page contents in the output (analyze-migration.py -m) */
    json_t *vmdesc;          /* main.c: the vmdesc in use after the parse (borrowed) */
};

/* The state of one parse (parse.c). */
struct vt_ram;
struct vt_pending;
typedef struct vt_parse {
    const struct vt_opts *opts;
    vt_reader *r;
    json_t *vmdesc;          /* parsed trailer or --schema (owned) */
    uint64_t vmdesc_off;     /* offset of the 0x06 byte when found by the tail scan, else UINT64_MAX */
    uint32_t page_size;
    bool ignore_shared, mapped_ram;
    json_t *qemu_sections;   /* --format qemu: section id -> {key, value}, in first-seen order */
    json_t *ids;             /* section id -> {idstr, instance, version, kind} of START/FULL */
    json_t *records;         /* --format vms: one object per record */
    json_t *trailer;         /* the vmdesc text's place: {offset, size} or NULL */
    json_t *config;          /* --format vms: the configuration record */
    int footers;             /* -1 unknown yet, 0 the stream has none, 1 every section has one */
    uint64_t eof_off;
    /* Non-seekable streams without a vmdesc yet: device sections kept for decoding at the end. */
    struct vt_pending *pending;
    size_t n_pending, cap_pending;
    uint64_t buffered;
    size_t undecoded;        /* sections framed by their footers only (no vmdesc anywhere) */
    struct vt_ram *ram;      /* RAM section state (ram.c), created on first use */
    struct vt_live **live;   /* live.c: state of each live section (VMS_LIVE records), by section id */
    size_t n_live;
    bool pending_decode;     /* pending.c is decoding a kept payload (its reader is that payload only) */
    json_t *extracted;       /* --extract: RAM block names, in the order their files were made */
} vt_parse;

int vt_parse_stream(vt_parse *p);
void vt_parse_clear(vt_parse *p);

/* pending.c: device sections of a non-seekable stream kept until its vmdesc arrives. */
int vt_pending_capture(vt_parse *p, json_t *info, json_t *rec, uint32_t id);
int vt_pending_decode(vt_parse *p);
/* Frees what was kept (the parse failed before the trailer, or it was decoded). */
void vt_pending_free(vt_parse *p);

/*
 * live.c: one START/PART/END payload of a device whose description has "vms_live": LAYOUT,
 * CHUNK, STATE and DONE records, checked against @desc; the summary goes to @rec ("live"), the
 * STATE fields to the qemu view or to @rec.
 */
int vt_live_read(vt_parse *p, json_t *info, json_t *desc, json_t *rec);
void vt_live_free(vt_parse *p);

/* vmdesc.c: the trailer found by scanning the end of a seekable stream, --schema, device lookup. */
int vt_vmdesc_find(vt_parse *p);
int vt_vmdesc_load_file(vt_parse *p, const char *path);
int vt_vmdesc_use(vt_parse *p, json_t *desc, uint64_t at);
json_t *vt_vmdesc_device(vt_parse *p, const char *idstr, uint32_t instance);

/* decode.c: vmdesc-driven decoding of one description's payload. */
int vt_decode_qemu(vt_parse *p, json_t *desc, json_t *into, int depth);
json_t *vt_decode_vms(vt_parse *p, json_t *desc, int depth);

/* ram.c: QEMU's "ram" section (one call per START/PART/END payload) and the other built-ins. */
int vt_ram_read(vt_parse *p, uint32_t version, json_t *qemu_obj, json_t *vms_obj);
int vt_builtin_read(vt_parse *p, const char *idstr, uint32_t version);
void vt_ram_free(struct vt_ram *ram);

/* out_json.c: JSON text as Python's json module writes it (indent 4, ASCII only). */
int vt_write_python_json(FILE *out, json_t *v);
/* Our own JSON: sorted keys, indent 2, final newline. */
int vt_write_vms_json(FILE *out, json_t *v);

#endif
