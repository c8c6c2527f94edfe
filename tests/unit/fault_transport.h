/* fault_transport.h: a memory transport for tests that injects short I/O, failures, early ends. */
#ifndef FAULT_TRANSPORT_H
#define FAULT_TRANSPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <vms/stream.h>

/*
 * What to inject. A zeroed struct injects nothing. Counts are bytes moved
 * through the transport since it was created.
 *
 *   max_io      if not 0, each read/write call moves at most this many bytes
 *   seed        if not 0, each call moves a pseudo-random 1..limit bytes, as a
 *               transfer interrupted by a signal (EINTR after partial
 *               progress) does; the same seed gives the same cuts
 *   fail_errno  if not 0, once fail_after bytes have moved, calls fail with
 *               this errno: EPIPE and ECONNRESET as VMS_ERR_CLOSED, anything
 *               else as VMS_ERR_IO
 *   end_early   once end_after bytes have moved, reads return 0 (end of
 *               stream) and writes return 0 (which the stream treats as an
 *               error)
 */
struct fault_cfg {
    size_t max_io;
    unsigned seed;
    int fail_errno;
    size_t fail_after;
    bool end_early;
    size_t end_after;
};

/*
 * What the transport saw, owned by the test so it outlives the stream (the
 * stream frees the transport when it closes). data/len: the bytes a writer
 * received (malloc'd; free with fault_log_clear). calls: read/write calls.
 * closes: how often the stream closed the transport (must end at 1).
 */
struct fault_log {
    uint8_t *data;
    size_t len;
    unsigned calls;
    unsigned closes;
};

/* A reader over @len bytes at @buf (borrowed). @cfg and @log may be NULL. */
vms_stream_t *fault_reader(const void *buf, size_t len, const struct fault_cfg *cfg,
                           struct fault_log *log);

/* A writer appending to @log->data. @cfg may be NULL; @log may be NULL to discard. */
vms_stream_t *fault_writer(const struct fault_cfg *cfg, struct fault_log *log);

/* Frees @log->data and zeroes @log. */
void fault_log_clear(struct fault_log *log);

#endif /* FAULT_TRANSPORT_H */
