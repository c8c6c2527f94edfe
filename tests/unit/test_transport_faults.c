/* test_transport_faults.c: a whole machine stream under injected faults: clean errors at the right offset, untouched state. */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "fault_transport.h"
#include "golden_machine.h"

/* Loads @s atomically into a poisoned machine; returns the result and the error in @e. */
static int load_poisoned(vms_stream_t *s, struct machine *m, vms_error_t *e)
{
    vms_registry_t *r;
    int rc;

    machine_poison(m);
    r = machine_registry(m);
    vms_registry_set_flags(r, VMS_LOAD_ATOMIC);
    vms_error_init(e);
    rc = vms_load_all(r, s, e);
    vms_stream_close(s);
    vms_registry_free(r);
    return rc;
}

/* The load failed as wanted and the device memory is byte for byte what it was. */
static void check_failed_untouched(int rc, const vms_error_t *e, const struct machine *m,
                                   int code, size_t at)
{
    struct machine poisoned;

    machine_poison(&poisoned);
    if (rc != code)
        fail_msg("cut at %zu: got %d (%s), want %d", at, rc, e->message, code);
    assert_true(e->message[0] != '\0');
    assert_memory_equal(m, &poisoned, sizeof(poisoned));
}

/* Transport errors after every byte count: the error and its offset are the transport's. */
static void test_read_errors_every_byte(void **state)
{
    static const int errnos[] = {EPIPE, ECONNRESET, EIO};
    static const int codes[] = {VMS_ERR_CLOSED, VMS_ERR_CLOSED, VMS_ERR_IO};
    size_t len, n, k;
    uint8_t *bytes = save_machine(&len);
    struct machine m;
    vms_error_t e;
    int rc;

    (void)state;
    for (k = 0; k < 3; k++) {
        for (n = 0; n < len; n++) {
            struct fault_cfg cfg = {.fail_errno = errnos[k], .fail_after = n, .max_io = 1 + n % 5};

            rc = load_poisoned(fault_reader(bytes, len, &cfg, NULL), &m, &e);
            check_failed_untouched(rc, &e, &m, codes[k], n);
            assert_int_equal(e.offset, (int64_t)n);
            assert_contains(e.message, "injected");
        }
    }
    free(bytes);
}

/* The peer ends the stream early at every byte: an end-of-stream error no later than the cut. */
static void test_early_end_every_byte(void **state)
{
    size_t len, n;
    uint8_t *bytes = save_machine(&len);
    struct machine m;
    vms_error_t e;
    int rc;

    (void)state;
    for (n = 0; n < len; n++) {
        struct fault_cfg cfg = {.end_early = true, .end_after = n, .seed = (unsigned)n + 1};

        rc = load_poisoned(fault_reader(bytes, len, &cfg, NULL), &m, &e);
        /* A cut inside the vmdesc trailer may read as a malformed trailer rather than an end. */
        if (rc != VMS_ERR_EOF)
            check_failed_untouched(rc, &e, &m, VMS_ERR_FORMAT, n);
        else
            check_failed_untouched(rc, &e, &m, VMS_ERR_EOF, n);
        assert_true(e.offset >= 0 && e.offset <= (int64_t)n);
    }
    free(bytes);
}

/* Short reads and partial transfers (as EINTR after progress) load exactly what was saved. */
static void test_short_io_loads(void **state)
{
    size_t len, got_len;
    uint8_t *bytes = save_machine(&len), *got;
    struct machine m, src;
    vms_registry_t *r;
    vms_stream_t *s;
    unsigned seed;

    (void)state;
    machine_fill(&src);
    for (seed = 0; seed < 40; seed++) {
        struct fault_cfg cfg = {.max_io = seed < 8 ? seed + 1 : 0, .seed = seed < 8 ? 0 : seed};

        machine_poison(&m);
        r = machine_registry(&m);
        vms_registry_set_flags(r, VMS_LOAD_ATOMIC);
        s = fault_reader(bytes, len, &cfg, NULL);
        assert_int_equal(vms_load_all(r, s, NULL), 0);
        assert_int_equal(vms_stream_close(s), 0);
        m.ctrl.ext_on = src.ctrl.ext_on; /* not migrated: decides whether ctrl/ext is saved */
        got = save_registry(r, &got_len);
        assert_bytes_equal(got, got_len, bytes, len);
        vms_registry_free(r);
        free(got);
    }
    free(bytes);
}

/* A writer whose transport fails (EPIPE, EIO) after every few bytes: the error names that offset. */
static void test_write_errors_every_byte(void **state)
{
    size_t len, n;
    uint8_t *bytes = save_machine(&len);
    struct machine src;
    vms_registry_t *r;
    vms_stream_t *s;
    vms_error_t e;
    int rc;

    (void)state;
    machine_fill(&src);
    r = machine_registry(&src);
    for (n = 0; n < len; n += 7) {
        struct fault_cfg cfg = {.fail_errno = n % 2 ? EPIPE : EIO, .fail_after = n, .max_io = 3};
        struct fault_log log = {0};

        s = fault_writer(&cfg, &log);
        vms_error_init(&e);
        rc = vms_save_all(r, s, &e);
        if (rc == 0) /* everything fitted in the buffer: the failure comes with the flush */
            rc = vms_stream_error(s, &e) ? e.code : vms_stream_flush(s);
        vms_stream_error(s, &e);
        assert_int_equal(vms_stream_close(s), n % 2 ? VMS_ERR_CLOSED : VMS_ERR_IO);
        assert_int_equal(e.code, n % 2 ? VMS_ERR_CLOSED : VMS_ERR_IO);
        assert_int_equal(e.offset, (int64_t)n);
        assert_int_equal(log.len, n);
        if (n)
            assert_memory_equal(log.data, bytes, n);
        fault_log_clear(&log);
    }
    vms_registry_free(r);
    free(bytes);
}

/* ---- real sockets: peer close at every N-th byte, EINTR ---- */

static void writer_child(int fd, const uint8_t *bytes, size_t n, bool signal_parent)
{
    static const struct timespec ms = {0, 1000000};
    size_t done = 0, step = signal_parent ? 37 : n;

    while (done < n) {
        size_t k = n - done < step ? n - done : step;

        if (write(fd, bytes + done, k) != (ssize_t)k)
            _exit(1);
        done += k;
        if (signal_parent) {
            kill(getppid(), SIGUSR1);
            nanosleep(&ms, NULL);
        }
    }
    close(fd);
    _exit(0);
}

static int over_socket(const uint8_t *bytes, size_t n, bool signal_parent, struct machine *m,
                       vms_error_t *e)
{
    char uri[32];
    int p[2], rc, status;
    pid_t pid;

    assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, p), 0);
    pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        close(p[1]);
        writer_child(p[0], bytes, n, signal_parent);
    }
    close(p[0]);
    snprintf(uri, sizeof(uri), "fd:%d", p[1]);
    rc = load_poisoned(vms_stream_open(uri, VMS_READ, NULL), m, e);
    while (waitpid(pid, &status, 0) < 0)
        assert_int_equal(errno, EINTR); /* the child's last signal may land here */
    return rc;
}

static void test_socket_peer_close_sweep(void **state)
{
    size_t len, n;
    uint8_t *bytes = save_machine(&len);
    struct machine m;
    vms_error_t e;
    int rc;

    (void)state;
    alarm(60);
    for (n = 0; n < len; n += 1 + n / 8) {
        rc = over_socket(bytes, n, false, &m, &e);
        if (rc != VMS_ERR_EOF)
            check_failed_untouched(rc, &e, &m, VMS_ERR_FORMAT, n);
        else
            check_failed_untouched(rc, &e, &m, VMS_ERR_EOF, n);
    }
    free(bytes);
    alarm(0);
}

static void on_usr1(int sig)
{
    (void)sig;
}

/* Signals without SA_RESTART interrupt the reader's read(): the load still succeeds. */
static void test_socket_eintr(void **state)
{
    struct sigaction sa = {.sa_handler = on_usr1}, old;
    size_t len;
    uint8_t *bytes = save_machine(&len);
    struct machine m;
    vms_error_t e;

    (void)state;
    alarm(60);
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = 0; /* no SA_RESTART: read() fails with EINTR */
    sigaction(SIGUSR1, &sa, &old);
    assert_int_equal(over_socket(bytes, len, true, &m, &e), 0);
    sigaction(SIGUSR1, &old, NULL);
    free(bytes);
    alarm(0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_read_errors_every_byte),
        cmocka_unit_test(test_early_end_every_byte),
        cmocka_unit_test(test_short_io_loads),
        cmocka_unit_test(test_write_errors_every_byte),
        cmocka_unit_test(test_socket_peer_close_sweep),
        cmocka_unit_test(test_socket_eintr),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
