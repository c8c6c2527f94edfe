/* page_records.c: the page-record protocol of the tests' live devices (page_records.h). */
#include <stddef.h>

#include "page_records.h"

static const struct vms_field ctrl_regs_fields[] = {
    {.name = "ctrl", .type = VMS_WT_UINT32, .offset = offsetof(struct ctrl_regs, ctrl), .size = 4},
};

const struct vms_desc ctrl_regs_desc = {
    .name = "regs", .version = 1, .min_version = 1, .size = sizeof(struct ctrl_regs),
    .fields = ctrl_regs_fields, .n_fields = VMS_COUNTOF(ctrl_regs_fields),
};

void page_set_setup(vms_stream_t *s, struct page_set *p)
{
    for (uint32_t i = 0; i < p->pages; i++)
        p->dirty[i] = true;
    vms_put_be32(s, p->pages);
}

uint32_t page_set_send(vms_stream_t *s, struct page_set *p, uint32_t max, bool limited)
{
    uint32_t sent = 0;

    for (uint32_t i = 0; i < p->pages && sent < max; i++) {
        if (!p->dirty[i])
            continue;
        if (limited && vms_stream_rate_limit_exceeded(s))
            break;
        vms_put_be32(s, i);
        vms_put_buffer(s, p->data + (size_t)i * p->page_size, p->page_size);
        p->dirty[i] = false;
        sent++;
    }
    vms_put_be32(s, PAGE_END_MARK);
    return sent;
}

bool page_set_any_dirty(const struct page_set *p)
{
    for (uint32_t i = 0; i < p->pages; i++)
        if (p->dirty[i])
            return true;
    return false;
}

uint64_t page_set_pending(const struct page_set *p, uint64_t per_page)
{
    uint64_t n = 0;

    for (uint32_t i = 0; i < p->pages; i++)
        n += p->dirty[i] ? per_page : 0;
    return n;
}

uint32_t page_set_checksum(const struct page_set *p)
{
    uint32_t h = 2166136261u;

    for (size_t i = 0; i < (size_t)p->pages * p->page_size; i++)
        h = (h ^ p->data[i]) * 16777619u;
    return h;
}

int page_set_load_count(vms_stream_t *s, const struct page_set *p, vms_error_t *err)
{
    uint32_t n = vms_get_be32(s);

    if (n != p->pages)
        return vms_error_set(err, VMS_ERR_RANGE, 0, (int64_t)vms_stream_offset(s), "mem",
                             "%u pages, expected %u", n, p->pages);
    return 0;
}

int page_set_load(vms_stream_t *s, struct page_set *p, vms_error_t *err)
{
    for (;;) {
        uint32_t i = vms_get_be32(s);

        if (vms_stream_error(s, err))
            return err->code;
        if (i == PAGE_END_MARK)
            return 0;
        if (i >= p->pages)
            return vms_error_set(err, VMS_ERR_RANGE, 0, (int64_t)vms_stream_offset(s), "mem",
                                 "page %u out of range", i);
        vms_get_buffer(s, p->data + (size_t)i * p->page_size, p->page_size);
    }
}
