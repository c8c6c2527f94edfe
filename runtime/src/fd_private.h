/* fd_private.h: the descriptor streams' context, shared by transport_fd.c and fd_services.c. */
#ifndef VMS_FD_PRIVATE_H
#define VMS_FD_PRIVATE_H

#include "vms_private.h"

/* How writes must go so that a vanished reader cannot kill the process with SIGPIPE. */
enum fd_kind {
    FD_FILE,   /* regular file or block device: never raises SIGPIPE */
    FD_SOCKET, /* send(MSG_NOSIGNAL) */
    FD_PIPE,   /* pipe, FIFO, tty...: write() with SIGPIPE blocked */
};

struct fd_ctx {
    int fd;
    int mode;             /* VMS_READ or VMS_WRITE */
    enum fd_kind kind;
    long timeout_ms;      /* vms_stream_set_timeout(); 0: wait forever */
    bool shut_on_close;   /* a return path shares the socket: shut our direction down on close */
    vmsp_close_hook hook; /* run after close(fd), or NULL */
    void *hook_arg;
    char what[]; /* the URI, for messages */
};

/* The operations of every descriptor stream (s->ops == &vmsp_fd_ops: s->ctx is a struct fd_ctx). */
extern const struct vms_transport_ops vmsp_fd_ops;

/* Fills @err from errno value @e ("VERB WHAT: strerror"); EPIPE/ECONNRESET are VMS_ERR_CLOSED. */
int vmsp_fd_io_error(vms_error_t *err, int e, const char *verb, const char *what);

/* Polls @fd for @events within @ms (> 0): 1 ready, 0 timed out, -1 error with errno. */
int vmsp_fd_poll(int fd, short events, long ms);

#endif /* VMS_FD_PRIVATE_H */
