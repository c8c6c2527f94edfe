/* QEMU's RAM section (MEM_SIZE block list, ZERO, PAGE, EOS, CONTINUE) and the other built-in sections. */
#include "vmstate_tool.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

enum {
    RAM_ZERO = 0x02, RAM_MEM_SIZE = 0x04, RAM_PAGE = 0x08, RAM_EOS = 0x10, RAM_CONTINUE = 0x20,
    RAM_XBZRLE = 0x40, RAM_HOOK = 0x80, RAM_MULTIFD_FLUSH = 0x200,
};

struct ram_block {
    char name[256];
    uint64_t len;
    int fd;             /* --extract: the block's file, else -1 */
};

struct vt_ram {
    struct ram_block *blocks;
    size_t n, cap;
    int cur;            /* block last named (MEM_SIZE or page record), -1 before any */
    char last_name[256];/* that name as analyze-migration.py keeps it (also when no block matches) */
    uint64_t pages, zero_pages;
    uint8_t *page;      /* --extract, --memory: one page */
    json_t *memory;     /* --memory: "<block> (0x<addr>)" -> hex text or "Filled with 0x00" (borrowed) */
    uint64_t memory_bytes;
};

void vt_ram_free(struct vt_ram *ram)
{
    if (!ram) {
        return;
    }
    for (size_t i = 0; i < ram->n; i++) {
        if (ram->blocks[i].fd >= 0) {
            close(ram->blocks[i].fd);
        }
    }
    free(ram->blocks);
    free(ram->page);
    free(ram);
}

static int find_block(struct vt_ram *ram, const char *name)
{
    for (size_t i = 0; i < ram->n; i++) {
        if (strcmp(ram->blocks[i].name, name) == 0) {
            return (int)i;
        }
    }
    return -1;
}

/* mkdir -p of every directory in @path before its last '/'. */
static int make_parents(char *path)
{
    for (char *s = strchr(path + 1, '/'); s; s = strchr(s + 1, '/')) {
        *s = '\0';
        int rc = mkdir(path, 0777);
        *s = '/';
        if (rc < 0 && errno != EEXIST) {
            return -1;
        }
    }
    return 0;
}

/* The block's file under the --extract directory, as analyze-migration.py -x names it ("./" + name). */
static int open_block_file(vt_parse *p, struct ram_block *b, uint64_t at)
{
    const char *name = b->name;
    while (*name == '/') {
        name++;
    }
    if (!*name || strstr(name, "..")) {
        return vt_fail(p->r, at, "RAM block name '%s' cannot be a file name under --extract", b->name);
    }
    char path[4096];
    snprintf(path, sizeof(path), "%s/%s", p->opts->extract, name);
    b->fd = make_parents(path) < 0 ? -1 : open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
    if (b->fd < 0 || ftruncate(b->fd, (off_t)b->len) < 0) {
        return vt_fail(p->r, at, "cannot write '%s': %s", path, strerror(errno));
    }
    if (!p->extracted) {
        p->extracted = json_array();
    }
    json_array_append_new(p->extracted, json_string(b->name));
    return 0;
}

/* --memory: one page's entry, keyed and written as analyze-migration.py -m does. */
static int memory_entry(vt_parse *p, struct vt_ram *ram, uint64_t addr, const uint8_t *data, uint64_t at)
{
    static const char digits[] = "0123456789abcdef";
    char key[300];
    snprintf(key, sizeof(key), "%s (0x%016llx)", ram->last_name, (unsigned long long)addr);
    if (!data) {
        json_object_set_new(ram->memory, key, json_string("Filled with 0x00"));
        return 0;
    }
    size_t n = p->page_size;
    ram->memory_bytes += n * 3;
    if (ram->memory_bytes > VT_MEMORY_CAP) {
        return vt_fail(p->r, at, "--memory: the RAM dump exceeds %u MiB of text (use --extract for the pages)",
                       VT_MEMORY_CAP >> 20);
    }
    char *text = malloc(n * 3);
    if (!text) {
        return vt_fail(p->r, at, "out of memory");
    }
    for (size_t i = 0; i < n; i++) {
        text[i * 3] = digits[data[i] >> 4];
        text[i * 3 + 1] = digits[data[i] & 15];
        text[i * 3 + 2] = ' ';
    }
    json_object_set_new(ram->memory, key, json_stringn(text, n * 3 - 1));
    free(text);
    return 0;
}

/* Reads one page for --extract or --memory into ram->page; writes and dumps it. */
static int page_out(vt_parse *p, struct vt_ram *ram, struct ram_block *b, uint64_t addr, uint64_t at)
{
    vt_reader *r = p->r;
    if (!ram->page && !(ram->page = malloc(p->page_size))) {
        return vt_fail(r, at, "out of memory");
    }
    if (vt_read(r, ram->page, p->page_size, "RAM page data") < 0) {
        return -1;
    }
    if (ram->memory && memory_entry(p, ram, addr, ram->page, at) < 0) {
        return -1;
    }
    if (!p->opts->extract) {
        return 0;
    }
    if (!b || addr > b->len || b->len - addr < p->page_size) {
        return vt_fail(r, at, "RAM page at 0x%llx is outside its block", (unsigned long long)addr);
    }
    if (pwrite(b->fd, ram->page, p->page_size, (off_t)addr) != (ssize_t)p->page_size) {
        return vt_fail(r, at, "cannot write block '%s': %s", b->name, strerror(errno));
    }
    return 0;
}

/*
 * mapped-ram: after a block's MEM_SIZE entry, be32 version (1), be64 page size, be64 offset of
 * the page bitmap (one bit per page, bit i%8 of byte i/8) and be64 offset of the pages, which sit
 * at fixed places in the file; the stream goes on at pages offset + block length. A shared block
 * under x-ignore-shared has both offsets 0 and nothing else.
 */
static int mapped_ram_block(vt_parse *p, struct vt_ram *ram, struct ram_block *b, json_t *blk, uint64_t at)
{
    vt_reader *r = p->r;
    at = vt_offset(r);
    uint32_t version = vt_be32(r, "mapped-ram header version");
    if (!r->failed && version != 1) {
        return vt_fail(r, at, "mapped-ram header of block '%s' has version %u (1 expected)", b->name, version);
    }
    uint64_t psize = vt_be64(r, "mapped-ram page size");
    if (!r->failed && psize != p->page_size) {
        return vt_fail(r, at, "mapped-ram header of block '%s' has page size %llu, the stream's is %u", b->name,
                       (unsigned long long)psize, p->page_size);
    }
    uint64_t bitmap_off = vt_be64(r, "mapped-ram bitmap offset");
    uint64_t pages_off = vt_be64(r, "mapped-ram pages offset");
    if (r->failed) {
        return -1;
    }
    json_object_set_new(blk, "mapped_ram", json_pack("{s:I, s:I}", "bitmap_offset", (json_int_t)bitmap_off,
                                                     "pages_offset", (json_int_t)pages_off));
    if (p->ignore_shared && bitmap_off == 0 && pages_off == 0) {
        return 0;
    }
    if (pages_off > UINT64_MAX - b->len || (r->size != UINT64_MAX && pages_off + b->len > r->size)) {
        return vt_fail(r, at, "mapped-ram pages of block '%s' (0x%llx bytes at 0x%llx) end beyond the stream",
                       b->name, (unsigned long long)b->len, (unsigned long long)pages_off);
    }
    if (ram->memory || p->opts->extract) {
        uint64_t npages = b->len / p->page_size;
        if (vt_seek(r, bitmap_off, "mapped-ram bitmap") < 0) {
            return -1;
        }
        uint8_t *bitmap = vt_read_alloc(r, (npages + 7) / 8, "mapped-ram bitmap");
        if (!bitmap || vt_seek(r, pages_off, "mapped-ram pages") < 0) {
            free(bitmap);
            return -1;
        }
        uint64_t filled = 0;
        for (uint64_t i = 0; i < npages && !r->failed; i++) {
            uint64_t page_at = vt_offset(r);
            if (bitmap[i / 8] >> (i % 8) & 1) {
                filled++;
                page_out(p, ram, b, i * p->page_size, page_at);
            } else if (vt_skip(r, p->page_size, "mapped-ram page") == 0 && ram->memory) {
                memory_entry(p, ram, i * p->page_size, NULL, page_at);
            }
        }
        free(bitmap);
        if (r->failed) {
            return -1;
        }
        ram->pages += filled;
        json_object_set_new(json_object_get(blk, "mapped_ram"), "pages", json_integer((json_int_t)filled));
    }
    return vt_seek(r, pages_off + b->len, "the stream after the mapped-ram pages");
}

static int mem_size_record(vt_parse *p, struct vt_ram *ram, uint64_t total, json_t *sizes, json_t *blocks)
{
    vt_reader *r = p->r;
    while (total > 0 && !r->failed) {
        uint64_t at = vt_offset(r);
        struct ram_block b = {.fd = -1};
        if (vt_str8(r, b.name, "RAM block name") < 0) {
            return -1;
        }
        b.len = vt_be64(r, "RAM block length");
        total = b.len >= total ? 0 : total - b.len;
        char hex[24];
        snprintf(hex, sizeof(hex), "0x%016llx", (unsigned long long)b.len);
        json_object_set_new(sizes, b.name, json_string(hex));
        json_t *blk = json_pack("{s:s, s:I}", "name", b.name, "length", (json_int_t)b.len);
        json_array_append_new(blocks, blk);
        snprintf(ram->last_name, sizeof(ram->last_name), "%s", b.name);
        int i = find_block(ram, b.name);
        if (i < 0) {
            if (ram->n == ram->cap) {
                size_t cap = ram->cap ? ram->cap * 2 : 8;
                struct ram_block *nb = realloc(ram->blocks, cap * sizeof(*nb));
                if (!nb) {
                    return vt_fail(r, at, "out of memory");
                }
                ram->blocks = nb;
                ram->cap = cap;
            }
            i = (int)ram->n++;
            ram->blocks[i] = b;
        } else {
            ram->blocks[i].len = b.len;
        }
        ram->cur = i;
        if (p->opts->extract && ram->blocks[i].fd < 0 && open_block_file(p, &ram->blocks[i], at) < 0) {
            return -1;
        }
        if (p->ignore_shared) {
            json_object_set_new(blk, "address", json_integer((json_int_t)vt_be64(r, "RAM block address "
                                                                                   "(x-ignore-shared)")));
        }
        if (p->mapped_ram && mapped_ram_block(p, ram, &ram->blocks[i], blk, at) < 0) {
            return -1;
        }
    }
    return r->failed ? -1 : 0;
}

/* A ZERO or PAGE record after its flags: the block name unless CONTINUE, then the data. */
static int page_record(vt_parse *p, struct vt_ram *ram, uint64_t addr, uint64_t flags, uint64_t at)
{
    vt_reader *r = p->r;
    if (!(flags & RAM_CONTINUE)) {
        char name[256];
        if (vt_str8(r, name, "RAM block name") < 0) {
            return -1;
        }
        ram->cur = find_block(ram, name);
        snprintf(ram->last_name, sizeof(ram->last_name), "%s", name);
        if (ram->cur < 0 && (p->opts->extract || p->opts->format == VT_FORMAT_VMS)) {
            return vt_fail(r, at, "RAM page for block '%s', which no MEM_SIZE record announced", name);
        }
    } else if (ram->cur < 0 && (p->opts->extract || p->opts->format == VT_FORMAT_VMS)) {
        return vt_fail(r, at, "RAM page record with CONTINUE before any block was named");
    }
    struct ram_block *b = ram->cur >= 0 ? &ram->blocks[ram->cur] : NULL;
    if (b && p->opts->format == VT_FORMAT_VMS && (addr >= b->len || b->len - addr < p->page_size)) {
        return vt_fail(r, at, "RAM page at 0x%llx is outside block '%s' of 0x%llx bytes",
                       (unsigned long long)addr, b->name, (unsigned long long)b->len);
    }
    if (flags & RAM_ZERO) {
        ram->zero_pages++;
        vt_u8(r, "zero page fill byte");
        if (!r->failed && ram->memory) {
            memory_entry(p, ram, addr, NULL, at);
        }
        return r->failed ? -1 : 0;
    }
    ram->pages++;
    if (!p->opts->extract && !ram->memory) {
        return vt_skip(r, p->page_size, "RAM page data");
    }
    return page_out(p, ram, b, addr, at);
}

int vt_ram_read(vt_parse *p, uint32_t version, json_t *qemu_obj, json_t *vms_obj)
{
    vt_reader *r = p->r;
    if (version != 4) {
        return vt_fail(r, vt_offset(r), "RAM section version %u is not supported (4 expected)", version);
    }
    if (!p->ram) {
        p->ram = calloc(1, sizeof(*p->ram));
        if (!p->ram) {
            return vt_fail(r, vt_offset(r), "out of memory");
        }
        p->ram->cur = -1;
    }
    struct vt_ram *ram = p->ram;
    json_t *sizes = json_object_get(qemu_obj, "section sizes");
    json_t *blocks = json_array();
    json_t *memory = NULL;
    if (p->opts->memory && !p->opts->extract) {
        /* QEMU's view keeps one "memory" object per RAM section; ours one per record */
        memory = qemu_obj ? json_incref(json_object_get(qemu_obj, "memory")) : json_object();
    }
    ram->memory = memory;
    uint64_t pages = ram->pages, zeros = ram->zero_pages;
    int rc = -1;
    for (;;) {
        uint64_t at = vt_offset(r);
        uint64_t addr = vt_be64(r, "RAM record (address | flags)");
        if (r->failed) {
            break;
        }
        uint64_t flags = addr & (p->page_size - 1);
        addr &= ~(uint64_t)(p->page_size - 1);
        if (flags & RAM_MEM_SIZE) {
            if (mem_size_record(p, ram, addr, sizes, blocks) < 0) {
                break;
            }
            flags &= ~(uint64_t)RAM_MEM_SIZE;
        }
        if (flags & (RAM_ZERO | RAM_PAGE)) {
            if (page_record(p, ram, addr, flags, at) < 0) {
                break;
            }
            flags &= ~(uint64_t)(RAM_ZERO | RAM_PAGE | RAM_CONTINUE);
        } else if (flags & (RAM_XBZRLE | RAM_HOOK)) {
            vt_fail(r, at, "RAM record flags 0x%llx: %s are not supported", (unsigned long long)flags,
                    flags & RAM_XBZRLE ? "XBZRLE pages" : "RAM hooks");
            break;
        }
        if (flags & RAM_MULTIFD_FLUSH) {
            continue;
        }
        if (flags & RAM_EOS) {
            rc = 0;
            break;
        }
        if (flags != 0) {
            vt_fail(r, at, "unknown RAM record flags 0x%llx", (unsigned long long)flags);
            break;
        }
    }
    ram->memory = NULL;
    if (vms_obj) {
        json_t *o = json_pack("{s:o, s:I, s:I}", "blocks", blocks, "pages", (json_int_t)(ram->pages - pages),
                              "zero_pages", (json_int_t)(ram->zero_pages - zeros));
        if (memory) {
            json_object_set(o, "memory", memory);
        }
        json_object_set_new(vms_obj, "ram", o);
    } else {
        json_decref(blocks);
    }
    json_decref(memory);
    return rc;
}

/* spapr/htab and s390-storage_attributes: skipped as analyze-migration.py does (shown as ""). */
int vt_builtin_read(vt_parse *p, const char *idstr, uint32_t version)
{
    vt_reader *r = p->r;
    if (strcmp(idstr, "spapr/htab") == 0) {
        if (version != 1) {
            return vt_fail(r, vt_offset(r), "HTAB section version %u is not supported (1 expected)", version);
        }
        if (vt_be32(r, "HTAB header") > 0) {
            return r->failed ? -1 : 0;
        }
        while (!r->failed) {
            uint32_t index = vt_be32(r, "HTAB chunk index");
            uint16_t valid = vt_be16(r, "HTAB valid count");
            uint16_t invalid = vt_be16(r, "HTAB invalid count");
            if (index == 0 && valid == 0 && invalid == 0) {
                break;
            }
            vt_skip(r, (uint64_t)valid * 16, "HTAB entries");
        }
        return r->failed ? -1 : 0;
    }
    if (version != 0) {
        return vt_fail(r, vt_offset(r), "storage attributes version %u is not supported (0 expected)", version);
    }
    uint64_t rewind = 0;
    while (!r->failed) {
        uint64_t at = vt_offset(r);
        uint64_t flags = vt_be64(r, "storage attributes record") & 0xfff;
        if (flags & 0x08) {
            rewind = vt_offset(r);
            continue;
        }
        if (flags & 0x01) {
            break;
        }
        if (rewind) {
            /* DONE without EOS: the record belongs to what follows; only seekable readers can step back. */
            return vt_fail(r, at, "storage attributes end without EOS cannot be re-read here");
        }
        return vt_fail(r, at, "unknown storage attributes flags 0x%llx", (unsigned long long)flags);
    }
    return r->failed ? -1 : 0;
}
