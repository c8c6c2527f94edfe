/*
 * page_records.h: the page-record protocol of the hand-written RAM-like live
 * devices in the tests (test_live, test_migrate, test_migrate_kill). START
 * carries the page count (be32); every other payload carries records of a
 * be32 page index and the page's bytes, ended by be32 PAGE_END_MARK. Also
 * the small described device those tests register beside it.
 */
#ifndef PAGE_RECORDS_H
#define PAGE_RECORDS_H

#include <stdbool.h>
#include <stdint.h>

#include <vms/vms.h>

#define PAGE_END_MARK 0xffffffffu

/* A device's pages (@pages of @page_size bytes, row after row) and their dirty flags. */
struct page_set {
    uint8_t *data;
    bool *dirty;
    uint32_t pages, page_size;
};

/* save_setup: marks every page dirty and writes the page count. */
void page_set_setup(vms_stream_t *s, struct page_set *p);

/*
 * Sends dirty pages in index order, cleaning each, until @max are sent or
 * (@limited) the stream's rate limit is spent, then the end mark. Returns
 * how many were sent.
 */
uint32_t page_set_send(vms_stream_t *s, struct page_set *p, uint32_t max, bool limited);

bool page_set_any_dirty(const struct page_set *p);

/* @per_page bytes for every dirty page. */
uint64_t page_set_pending(const struct page_set *p, uint64_t per_page);

/* An FNV-1a hash of every page's bytes, for a source to send and a destination to compare. */
uint32_t page_set_checksum(const struct page_set *p);

/* START's payload: the page count, which must be p->pages. */
int page_set_load_count(vms_stream_t *s, const struct page_set *p, vms_error_t *err);

/* Page records up to the end mark; an index out of range is an error at its offset. */
int page_set_load(vms_stream_t *s, struct page_set *p, vms_error_t *err);

/* The one-register device the tests register beside the page device: "regs", version 1. */
struct ctrl_regs {
    uint32_t ctrl;
};

extern const struct vms_desc ctrl_regs_desc;

#endif /* PAGE_RECORDS_H */
