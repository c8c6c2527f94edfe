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
    int cur;            /* block of the last page record, -1 before any */
    uint64_t pages, zero_pages;
    uint8_t *page;      /* --extract: one page */
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
    printf("%s\n", b->name);
    return 0;
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
        if (p->ignore_shared) {
            vt_be64(r, "RAM block address (x-ignore-shared)");
        }
        if (p->mapped_ram) {
            return vt_fail(r, at, "mapped-ram streams are not supported");
        }
        char hex[24];
        snprintf(hex, sizeof(hex), "0x%016llx", (unsigned long long)b.len);
        json_object_set_new(sizes, b.name, json_string(hex));
        json_array_append_new(blocks, json_pack("{s:s, s:I}", "name", b.name, "length", (json_int_t)b.len));
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
        if (p->opts->extract && ram->blocks[i].fd < 0 && open_block_file(p, &ram->blocks[i], at) < 0) {
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
        return r->failed ? -1 : 0;
    }
    ram->pages++;
    if (!p->opts->extract) {
        return vt_skip(r, p->page_size, "RAM page data");
    }
    if (!ram->page && !(ram->page = malloc(p->page_size))) {
        return vt_fail(r, at, "out of memory");
    }
    if (vt_read(r, ram->page, p->page_size, "RAM page data") < 0) {
        return -1;
    }
    if (!b || addr > b->len || b->len - addr < p->page_size) {
        return vt_fail(r, at, "RAM page at 0x%llx is outside its block", (unsigned long long)addr);
    }
    if (pwrite(b->fd, ram->page, p->page_size, (off_t)addr) != (ssize_t)p->page_size) {
        return vt_fail(r, at, "cannot write block '%s': %s", b->name, strerror(errno));
    }
    return 0;
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
    if (vms_obj) {
        json_object_set_new(vms_obj, "ram",
                            json_pack("{s:o, s:I, s:I}", "blocks", blocks, "pages",
                                      (json_int_t)(ram->pages - pages), "zero_pages",
                                      (json_int_t)(ram->zero_pages - zeros)));
    } else {
        json_decref(blocks);
    }
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
