/* transport_exec.c: "exec:COMMAND" streams through a `/bin/sh -c COMMAND` child's stdin or stdout. */
#define _GNU_SOURCE /* pipe2() */
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "vms_private.h"

extern char **environ;

struct child {
    pid_t pid;
    char command[]; /* for messages */
};

/* Reaps the child once its pipe is closed; it must have exited with status 0. */
static int reap(void *arg, vms_error_t *err)
{
    struct child *c = arg;
    int status, rc = 0;
    pid_t r;

    while ((r = waitpid(c->pid, &status, 0)) < 0 && errno == EINTR)
        ;
    if (r < 0 && errno != ECHILD) /* ECHILD: the host ignores SIGCHLD, the child is gone */
        rc = vms_error_set(err, VMS_ERR_IO, errno, -1, NULL, "exec:%s: cannot reap the child: %s",
                           c->command, strerror(errno));
    else if (r >= 0 && WIFEXITED(status) && WEXITSTATUS(status) != 0)
        rc = vms_error_set(err, VMS_ERR_IO, 0, -1, NULL,
                           "exec:%s: command '%s' exited with status %d", c->command, c->command,
                           WEXITSTATUS(status));
    else if (r >= 0 && WIFSIGNALED(status))
        rc = vms_error_set(err, VMS_ERR_IO, 0, -1, NULL,
                           "exec:%s: command '%s' was killed by signal %d", c->command,
                           c->command, WTERMSIG(status));
    free(c);
    return rc;
}

vms_stream_t *vmsp_open_exec(const char *uri, const char *spec, int mode, vms_error_t *err)
{
    /* The child's end of the pipe becomes its stdout (reader) or stdin (writer). */
    int ends[2], mine = mode == VMS_READ ? 0 : 1, target = mode == VMS_READ ? 1 : 0, e;
    char *argv[] = {"sh", "-c", (char *)spec, NULL};
    posix_spawn_file_actions_t fa;
    size_t n = strlen(spec) + 1;
    struct child *c;

    if (!*spec) {
        vms_error_set(err, VMS_ERR_INVAL, 0, -1, NULL, "%s: expected exec:COMMAND", uri);
        return NULL;
    }
    c = malloc(sizeof(*c) + n);
    if (!c) {
        vms_error_set(err, VMS_ERR_NOMEM, 0, -1, NULL, "%s: out of memory", uri);
        return NULL;
    }
    memcpy(c->command, spec, n);
    /* Both ends close-on-exec; dup2() onto the child's stdin/stdout clears the flag there. */
    if (pipe2(ends, O_CLOEXEC) < 0) {
        e = errno;
        free(c);
        vms_error_set(err, VMS_ERR_IO, e, -1, NULL, "%s: cannot create a pipe: %s", uri,
                      strerror(e));
        return NULL;
    }
    e = posix_spawn_file_actions_init(&fa);
    if (!e)
        e = posix_spawn_file_actions_adddup2(&fa, ends[1 - mine], target);
    if (!e)
        e = posix_spawn(&c->pid, "/bin/sh", &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    close(ends[1 - mine]);
    if (e) {
        close(ends[mine]);
        free(c);
        vms_error_set(err, VMS_ERR_IO, e, -1, NULL, "%s: cannot start /bin/sh: %s", uri,
                      strerror(e));
        return NULL;
    }
    return vmsp_fd_stream_hooked(ends[mine], uri, mode, reap, c, err);
}
