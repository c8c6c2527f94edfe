/* test_stream_transport.c: file: and fd: transports, URIs, and fault injection. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "fault_transport.h"
#include "stream_fixtures.h"
#include "vms_private.h"

/* ---- temporary directory for file: tests ---- */

static char tmpdir[256];

static int make_tmpdir(void **state)
{
    const char *base = getenv("TMPDIR");

    (void)state;
    snprintf(tmpdir, sizeof(tmpdir), "%s/vms_test_stream.XXXXXX", base && *base ? base : "/tmp");
    return mkdtemp(tmpdir) ? 0 : -1;
}

static int remove_tmpdir(void **state)
{
    DIR *d = opendir(tmpdir);
    struct dirent *e;
    char path[512];

    (void)state;
    while (d && (e = readdir(d))) {
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) {
            snprintf(path, sizeof(path), "%s/%s", tmpdir, e->d_name);
            unlink(path);
        }
    }
    if (d)
        closedir(d);
    return rmdir(tmpdir);
}

static const char *tmp_file(char *buf, size_t len, const char *name)
{
    snprintf(buf, len, "%s/%s", tmpdir, name);
    return buf;
}

static void write_file(const char *path, const void *data, size_t len)
{
    FILE *f = fopen(path, "wb");

    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, len, f), len);
    assert_int_equal(fclose(f), 0);
}

/* Reads a whole file; returns a malloc'd buffer and its size in @len. */
static uint8_t *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    uint8_t *buf = malloc(1 << 16);

    assert_non_null(f);
    assert_non_null(buf);
    *len = fread(buf, 1, 1 << 16, f);
    fclose(f);
    return buf;
}

/* ---- file: ---- */

static void test_file_round_trip(void **state)
{
    char path[512], uri[600];
    uint8_t junk[1000], *got;
    vms_error_t e;
    vms_stream_t *s;
    size_t len;

    (void)state;
    tmp_file(path, sizeof(path), "round_trip.mig");
    memset(junk, 0xee, sizeof(junk));
    write_file(path, junk, sizeof(junk)); /* a longer old file must be truncated */
    snprintf(uri, sizeof(uri), "file:%s", path);
    vms_error_init(&e);
    s = vms_stream_open(uri, VMS_WRITE, &e);
    assert_non_null(s);
    put_primitives(s);
    assert_int_equal(vms_stream_close(s), 0);
    got = read_file(path, &len);
    assert_bytes_equal(got, len, primitives_bytes, sizeof(primitives_bytes));
    free(got);

    s = vms_stream_open(uri, VMS_READ, &e);
    assert_non_null(s);
    check_primitives(s, 0);
    assert_int_equal(vms_get_u8(s), 0);
    assert_int_equal(vms_stream_close(s), VMS_ERR_EOF);
    assert_int_equal(e.code, 0);
}

static void test_file_writer_offset_keeps_header(void **state)
{
    static const uint8_t want[] = {
        /* management header, untouched */ 'H', 'E', 'A', 'D', 'E', 'R', '-', '-',
        /* be32 written at offset 8 */ 0xca, 0xfe, 0xf0, 0x0d,
    };
    char path[512], uri[600];
    uint8_t old[108], *got;
    vms_stream_t *s;
    size_t len;

    (void)state;
    tmp_file(path, sizeof(path), "offset_writer.mig");
    memset(old, 0x5a, sizeof(old));
    memcpy(old, "HEADER--", 8);
    write_file(path, old, sizeof(old));
    snprintf(uri, sizeof(uri), "file:%s,offset=8", path);
    s = vms_stream_open(uri, VMS_WRITE, NULL);
    assert_non_null(s);
    vms_put_be32(s, 0xcafef00d);
    assert_int_equal(vms_stream_offset(s), 4); /* offsets count stream bytes, not file bytes */
    assert_int_equal(vms_stream_close(s), 0);
    got = read_file(path, &len);
    assert_bytes_equal(got, len, want, sizeof(want));
    free(got);
}

static void test_file_reader_offset(void **state)
{
    static const char *const forms[] = {",offset=8", ",offset=0x8", ",offset=0X08"};
    char path[512], uri[600];
    uint8_t data[8 + sizeof(primitives_bytes)];
    vms_stream_t *s;
    size_t i;

    (void)state;
    tmp_file(path, sizeof(path), "offset_reader.mig");
    memcpy(data, "HEADER--", 8);
    memcpy(data + 8, primitives_bytes, sizeof(primitives_bytes));
    write_file(path, data, sizeof(data));
    for (i = 0; i < sizeof(forms) / sizeof(forms[0]); i++) {
        snprintf(uri, sizeof(uri), "file:%s%s", path, forms[i]);
        s = vms_stream_open(uri, VMS_READ, NULL);
        assert_non_null(s);
        check_primitives(s, 0);
        assert_int_equal(vms_stream_close(s), 0);
    }
}

static void test_missing_file(void **state)
{
    char path[512], uri[600];
    vms_error_t e;

    (void)state;
    tmp_file(path, sizeof(path), "no/such/file.mig");
    snprintf(uri, sizeof(uri), "file:%s", path);
    vms_error_init(&e);
    assert_null(vms_stream_open(uri, VMS_READ, &e));
    assert_int_equal(e.code, VMS_ERR_IO);
    assert_int_equal(e.sys_errno, ENOENT);
    assert_contains(e.message, path);
    assert_contains(e.message, strerror(ENOENT));
    vms_error_init(&e);
    assert_null(vms_stream_open(uri, VMS_WRITE, &e));
    assert_int_equal(e.sys_errno, ENOENT);
}

/* ---- URIs ---- */

static void test_bad_uris(void **state)
{
    static const struct {
        const char *uri;
        int mode;
        int code;
    } cases[] = {
        {NULL, VMS_READ, VMS_ERR_INVAL},
        {"", VMS_READ, VMS_ERR_INVAL},
        {"/tmp/stream.mig", VMS_READ, VMS_ERR_INVAL},
        {"http://example.com/x", VMS_READ, VMS_ERR_INVAL},
        {"File:/tmp/x", VMS_READ, VMS_ERR_INVAL},
        {"tcp:127.0.0.1", VMS_WRITE, VMS_ERR_INVAL},
        {"tcp:127.0.0.1:", VMS_WRITE, VMS_ERR_INVAL},
        {"tcp:127.0.0.1:0", VMS_WRITE, VMS_ERR_INVAL},
        {"tcp:127.0.0.1:65536", VMS_WRITE, VMS_ERR_INVAL},
        {"tcp:127.0.0.1:12x", VMS_READ, VMS_ERR_INVAL},
        {"tcp:127.0.0.1:-1", VMS_READ, VMS_ERR_INVAL},
        {"tcp::4444", VMS_WRITE, VMS_ERR_INVAL},
        {"tcp:::1:4444", VMS_WRITE, VMS_ERR_INVAL},
        {"tcp:[::1]4444", VMS_WRITE, VMS_ERR_INVAL},
        {"tcp:[]:4444", VMS_WRITE, VMS_ERR_INVAL},
        {"tcp:[::1:4444", VMS_READ, VMS_ERR_INVAL},
        {"unix:", VMS_READ, VMS_ERR_INVAL},
        {"exec:", VMS_WRITE, VMS_ERR_INVAL},
        {"file:", VMS_READ, VMS_ERR_INVAL},
        {"file:,offset=1", VMS_READ, VMS_ERR_INVAL},
        {"file:/tmp/x,offset=", VMS_READ, VMS_ERR_INVAL},
        {"file:/tmp/x,offset=-1", VMS_WRITE, VMS_ERR_INVAL},
        {"file:/tmp/x,offset=+1", VMS_WRITE, VMS_ERR_INVAL},
        {"file:/tmp/x,offset= 1", VMS_WRITE, VMS_ERR_INVAL},
        {"file:/tmp/x,offset=12abc", VMS_READ, VMS_ERR_INVAL},
        {"file:/tmp/x,offset=0x", VMS_READ, VMS_ERR_INVAL},
        {"file:/tmp/x,offset=0x1g", VMS_READ, VMS_ERR_INVAL},
        {"file:/tmp/x,offset=9223372036854775808", VMS_READ, VMS_ERR_INVAL},
        {"file:/tmp/x,offset=0x10000000000000000", VMS_READ, VMS_ERR_INVAL},
        {"file:/tmp/x,offset=99999999999999999999999", VMS_READ, VMS_ERR_INVAL},
        {"fd:", VMS_READ, VMS_ERR_INVAL},
        {"fd:-1", VMS_READ, VMS_ERR_INVAL},
        {"fd:abc", VMS_READ, VMS_ERR_INVAL},
        {"fd:1x", VMS_WRITE, VMS_ERR_INVAL},
        {"fd:99999999999", VMS_WRITE, VMS_ERR_INVAL},
        {"file:/tmp/x", 0, VMS_ERR_INVAL},
        {"fd:1", VMS_READ | VMS_WRITE, VMS_ERR_INVAL},
    };
    size_t i;
    vms_error_t e;

    (void)state;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        vms_error_init(&e);
        if (vms_stream_open(cases[i].uri, cases[i].mode, &e))
            fail_msg("'%s' opened", cases[i].uri);
        if (e.code != cases[i].code)
            fail_msg("'%s': got %d (%s), want %d", cases[i].uri ? cases[i].uri : "(null)", e.code,
                     e.message, cases[i].code);
        assert_contains(e.message, cases[i].uri ? cases[i].uri : "(null)");
        assert_int_equal(e.offset, -1);
    }
    vms_error_init(&e);
    vms_stream_open("nope", VMS_WRITE, &e);
    assert_contains(e.message, "file:PATH[,offset=N], fd:N, exec:COMMAND, unix:PATH or tcp:HOST:PORT");
    /* No error record is fine too. */
    assert_null(vms_stream_open("nope", VMS_WRITE, NULL));
}

/* ---- exec: ---- */

#define BIG_LEN (1u << 20) /* more than a pipe holds */

/* Writes primitives then BIG_LEN pattern bytes; reads them back. */
static void put_big(vms_stream_t *s)
{
    uint8_t *p = pattern(BIG_LEN);

    put_primitives(s);
    vms_put_buffer(s, p, BIG_LEN);
    free(p);
}

static void check_big(vms_stream_t *s)
{
    uint8_t *want = pattern(BIG_LEN), *got = malloc(BIG_LEN);

    assert_non_null(got);
    check_primitives(s, 0);
    assert_int_equal(vms_get_buffer(s, got, BIG_LEN), BIG_LEN);
    assert_memory_equal(got, want, BIG_LEN);
    assert_int_equal(vms_stream_peek(s, got, 1, 0), 0); /* then end of stream */
    free(want);
    free(got);
}

static void test_exec_round_trip(void **state)
{
    char path[512], uri[600];
    vms_error_t e;
    vms_stream_t *s;

    (void)state;
    alarm(20);
    tmp_file(path, sizeof(path), "exec.mig");
    snprintf(uri, sizeof(uri), "exec:cat > '%s'", path);
    vms_error_init(&e);
    s = vms_stream_open(uri, VMS_WRITE, &e);
    assert_non_null(s);
    put_big(s);
    assert_int_equal(vms_stream_close(s), 0);

    snprintf(uri, sizeof(uri), "exec:cat '%s'", path);
    s = vms_stream_open(uri, VMS_READ, &e);
    assert_non_null(s);
    check_big(s);
    assert_int_equal(vms_stream_close(s), 0);
    assert_int_equal(e.code, 0);
    alarm(0);
}

static void test_exec_exact_bytes(void **state)
{
    char got[8] = {0};
    vms_stream_t *s;

    (void)state;
    alarm(20);
    s = vms_stream_open("exec:printf abc", VMS_READ, NULL);
    assert_non_null(s);
    assert_int_equal(vms_get_buffer(s, got, 3), 3);
    assert_string_equal(got, "abc");
    assert_int_equal(vms_stream_peek(s, got, 1, 0), 0);
    assert_int_equal(vms_stream_error(s, NULL), 0);
    assert_int_equal(vms_stream_close(s), 0);
    alarm(0);
}

/*
 * vms_stream_close() returns only the code; to check the transport's close
 * message, interpose on the stream's ops (private struct) and keep it.
 */
static const struct vms_transport_ops *real_ops;
static vms_error_t close_err;

static int capture_close(void *ctx, vms_error_t *err)
{
    int rc = real_ops->close(ctx, err);

    close_err = *err;
    return rc;
}

static int close_capturing(vms_stream_t *s)
{
    static struct vms_transport_ops ops;

    real_ops = s->ops;
    ops = *s->ops;
    ops.close = capture_close;
    s->ops = &ops;
    vms_error_init(&close_err);
    return vms_stream_close(s);
}

static void test_exec_failing_command(void **state)
{
    vms_error_t e;
    vms_stream_t *s;

    (void)state;
    alarm(20);
    vms_error_init(&e);
    s = vms_stream_open("exec:exit 3", VMS_READ, &e);
    assert_non_null(s);
    assert_int_equal(vms_stream_peek(s, &e, 1, 0), 0);
    assert_int_equal(close_capturing(s), VMS_ERR_IO);
    assert_int_equal(close_err.code, VMS_ERR_IO);
    assert_contains(close_err.message, "exec:exit 3: command 'exit 3' exited with status 3");

    /* A writer whose command dies: its status is the error, never SIGPIPE. */
    vms_error_init(&e);
    s = vms_stream_open("exec:kill -9 $$", VMS_WRITE, &e);
    assert_non_null(s);
    put_big(s);
    assert_true(close_capturing(s) < 0);
    assert_int_equal(close_err.code, VMS_ERR_IO);
    assert_contains(close_err.message, "'kill -9 $$' was killed by signal 9");
    alarm(0);
}

/* ---- unix: ---- */

static void test_unix_round_trip(void **state)
{
    char path[512], uri[600];
    vms_error_t e;
    vms_stream_t *s;
    int status;
    pid_t pid;

    (void)state;
    alarm(20);
    tmp_file(path, sizeof(path), "mig.sock");
    snprintf(uri, sizeof(uri), "unix:%s", path);
    pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) { /* the writer: connects (retrying until the reader listens) */
        s = vms_stream_open(uri, VMS_WRITE, NULL);
        if (s)
            put_big(s);
        _exit(s && vms_stream_close(s) == 0 ? 0 : 1);
    }
    vms_error_init(&e);
    s = vms_stream_open(uri, VMS_READ, &e);
    assert_non_null(s);
    assert_int_equal(access(path, F_OK), -1); /* the path is gone once accepted */
    check_big(s);
    assert_int_equal(vms_stream_close(s), 0);
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    alarm(0);
}

static void test_unix_connect_timeout(void **state)
{
    char path[512], uri[600];
    struct timespec t0, t1;
    vms_error_t e;
    long ms;

    (void)state;
    alarm(20);
    tmp_file(path, sizeof(path), "nobody.sock");
    snprintf(uri, sizeof(uri), "unix:%s", path);
    setenv("VMS_CONNECT_TIMEOUT_MS", "300", 1);
    vms_error_init(&e);
    clock_gettime(CLOCK_MONOTONIC, &t0);
    assert_null(vms_stream_open(uri, VMS_WRITE, &e));
    clock_gettime(CLOCK_MONOTONIC, &t1);
    unsetenv("VMS_CONNECT_TIMEOUT_MS");
    ms = (t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000;
    assert_true(ms >= 300 && ms < 5000);
    assert_int_equal(e.code, VMS_ERR_IO);
    assert_contains(e.message, uri);
    assert_contains(e.message, "nobody accepted the connection within 300 ms");
    alarm(0);
}

/* ---- fd: ---- */

static vms_stream_t *open_fd(int fd, int mode, vms_error_t *e)
{
    char uri[32];

    snprintf(uri, sizeof(uri), "fd:%d", fd);
    return vms_stream_open(uri, mode, e);
}

static void test_fd_pipe(void **state)
{
    int p[2];
    vms_stream_t *w, *r;

    (void)state;
    assert_int_equal(pipe(p), 0);
    w = open_fd(p[1], VMS_WRITE, NULL);
    assert_non_null(w);
    put_primitives(w);
    assert_int_equal(vms_stream_close(w), 0);
    /* The stream owned the descriptor and closed it. */
    assert_int_equal(fcntl(p[1], F_GETFD), -1);
    r = open_fd(p[0], VMS_READ, NULL);
    assert_non_null(r);
    check_primitives(r, 0);
    assert_int_equal(vms_get_u8(r), 0);
    assert_int_equal(vms_stream_close(r), VMS_ERR_EOF);
    assert_int_equal(fcntl(p[0], F_GETFD), -1);
}

static void test_fd_invalid(void **state)
{
    int p[2], closed;
    vms_error_t e;

    (void)state;
    closed = open("/dev/null", O_RDONLY);
    assert_true(closed >= 0);
    close(closed);
    vms_error_init(&e);
    assert_null(open_fd(closed, VMS_READ, &e));
    assert_int_equal(e.code, VMS_ERR_INVAL);
    assert_int_equal(e.sys_errno, EBADF);

    /* A read end cannot be written; the refused descriptor stays open. */
    assert_int_equal(pipe(p), 0);
    vms_error_init(&e);
    assert_null(open_fd(p[0], VMS_WRITE, &e));
    assert_int_equal(e.code, VMS_ERR_INVAL);
    assert_contains(e.message, "not open for writing");
    vms_error_init(&e);
    assert_null(open_fd(p[1], VMS_READ, &e));
    assert_contains(e.message, "not open for reading");
    assert_int_not_equal(fcntl(p[0], F_GETFD), -1);
    close(p[0]);
    close(p[1]);
}

/* Writing to a pipe or socket whose reader is gone fails cleanly instead of killing us. */
static void check_writer_to_dead_peer(int fd)
{
    vms_stream_t *s = open_fd(fd, VMS_WRITE, NULL);
    sigset_t pending;
    vms_error_t e;

    assert_non_null(s);
    vms_put_buffer(s, "0123456789", 10);
    assert_int_equal(vms_stream_flush(s), VMS_ERR_CLOSED);
    e = stream_error(s);
    assert_int_equal(e.sys_errno, EPIPE);
    assert_int_equal(e.offset, 0);
    assert_int_equal(vms_stream_close(s), VMS_ERR_CLOSED);
    assert_int_equal(sigpending(&pending), 0);
    assert_false(sigismember(&pending, SIGPIPE));
}

static void test_closed_pipe_no_sigpipe(void **state)
{
    int p[2], sv[2];

    (void)state;
    signal(SIGPIPE, SIG_DFL); /* a stray SIGPIPE would end the test binary */
    assert_int_equal(pipe(p), 0);
    close(p[0]);
    check_writer_to_dead_peer(p[1]);
    assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
    close(sv[1]);
    check_writer_to_dead_peer(sv[0]);
}

/* ---- fault injection ---- */

/* A mixed stream: primitives, a bulk array, a buffer larger than the stream buffer. */
static int save_mixed(vms_stream_t *s, void *arg)
{
    const uint8_t *big = arg;
    uint32_t words[1000];
    size_t i;

    for (i = 0; i < 1000; i++)
        words[i] = (uint32_t)(i * 0x01010101u);
    put_primitives(s);
    vmsp_put_array(s, words, 4, 1000);
    vms_put_buffer(s, big, 50000);
    put_primitives(s);
    return vms_stream_error(s, NULL);
}

static void check_mixed(vms_stream_t *s, const uint8_t *big)
{
    uint32_t words[1000];
    uint8_t *got = malloc(50000);
    size_t i;

    check_primitives(s, 0);
    assert_int_equal(vmsp_get_array(s, words, 4, 1000), 1000);
    for (i = 0; i < 1000; i++)
        assert_int_equal(words[i], (uint32_t)(i * 0x01010101u));
    assert_int_equal(vms_get_buffer(s, got, 50000), 50000);
    assert_memory_equal(got, big, 50000);
    check_primitives(s, 19 + 4000 + 50000);
    free(got);
}

static void test_short_io_identical(void **state)
{
    static const struct fault_cfg cfgs[] = {
        {.max_io = 1},
        {.max_io = 7},
        {.seed = 1},
        {.seed = 12345, .max_io = 100},
        {.seed = 3, .max_io = 40000},
    };
    uint8_t *big = pattern(50000), *want;
    struct fault_log log = {0};
    vms_stream_t *s;
    size_t want_len, i;

    (void)state;
    want = save_to_mem(save_mixed, big, &want_len, NULL);
    for (i = 0; i < sizeof(cfgs) / sizeof(cfgs[0]); i++) {
        s = fault_writer(&cfgs[i], &log);
        assert_int_equal(save_mixed(s, big), 0);
        assert_int_equal(vms_stream_close(s), 0);
        assert_bytes_equal(log.data, log.len, want, want_len);
        assert_int_equal(log.closes, 1);
        fault_log_clear(&log);

        s = fault_reader(want, want_len, &cfgs[i], &log);
        check_mixed(s, big);
        assert_int_equal(vms_stream_close(s), 0);
        assert_int_equal(log.closes, 1);
        fault_log_clear(&log);
    }
    free(want);
    free(big);
}

/* A writer failing after K bytes: the error names offset K and exactly K bytes went out. */
static void check_write_failure(size_t k, int sys_errno, int code, size_t max_io)
{
    struct fault_cfg cfg = {.fail_errno = sys_errno, .fail_after = k, .max_io = max_io};
    struct fault_log log = {0};
    vms_stream_t *s = fault_writer(&cfg, &log);
    bool fails = k < sizeof(primitives_bytes);
    vms_error_t e;

    put_primitives(s);
    assert_int_equal(vms_stream_flush(s), fails ? code : 0);
    e = stream_error(s);
    if (fails) {
        assert_int_equal(e.offset, k);
        assert_int_equal(e.sys_errno, sys_errno);
        vms_put_u8(s, 0x99); /* dropped after an error */
    }
    assert_int_equal(vms_stream_close(s), fails ? code : 0);
    assert_int_equal(log.closes, 1);
    assert_bytes_equal(log.data, log.len, primitives_bytes, k);
    fault_log_clear(&log);
}

static void test_write_failure_sweep(void **state)
{
    size_t k;

    (void)state;
    for (k = 0; k <= sizeof(primitives_bytes); k++) {
        check_write_failure(k, EIO, VMS_ERR_IO, 0);
        check_write_failure(k, EPIPE, VMS_ERR_CLOSED, 3);
        check_write_failure(k, ECONNRESET, VMS_ERR_CLOSED, 1);
    }
}

/* A reader failing or ending after K bytes: values before K are right, the rest zero. */
static void check_read_failure(size_t k, const struct fault_cfg *cfg, int code)
{
    const struct primitives want = {0xa5, 0x1234, 0xdeadbeef, 0x0102030405060708ull, "QEVM"};
    vms_stream_t *s = fault_reader(primitives_bytes, sizeof(primitives_bytes), cfg, NULL);
    bool fails = k < sizeof(primitives_bytes);
    struct primitives got;
    vms_error_t e;

    memset(&got, 0x77, sizeof(got));
    get_primitives(s, &got);
    e = stream_error(s);
    assert_int_equal(e.code, fails ? code : 0);
    if (fails)
        assert_int_equal(e.offset, k);
    assert_int_equal(got.u8, k >= primitive_ends[0] ? want.u8 : 0);
    assert_int_equal(got.u16, k >= primitive_ends[1] ? want.u16 : 0);
    assert_int_equal(got.u32, k >= primitive_ends[2] ? want.u32 : 0);
    assert_true(got.u64 == (k >= primitive_ends[3] ? want.u64 : 0));
    if (k >= primitive_ends[4])
        assert_memory_equal(got.buf, want.buf, 4);
    assert_int_equal(vms_stream_close(s), fails ? code : 0);
}

static void test_read_failure_sweep(void **state)
{
    struct fault_cfg cfg;
    size_t k;

    (void)state;
    for (k = 0; k <= sizeof(primitives_bytes); k++) {
        cfg = (struct fault_cfg){.fail_errno = EIO, .fail_after = k};
        check_read_failure(k, &cfg, VMS_ERR_IO);
        cfg = (struct fault_cfg){.fail_errno = ECONNRESET, .fail_after = k, .max_io = 2};
        check_read_failure(k, &cfg, VMS_ERR_CLOSED);
        cfg = (struct fault_cfg){.end_early = true, .end_after = k, .seed = 5};
        check_read_failure(k, &cfg, VMS_ERR_EOF);
    }
}

static void test_write_returning_zero_is_error(void **state)
{
    struct fault_log log = {0};
    vms_stream_t *s = fault_writer(&(struct fault_cfg){.end_early = true, .end_after = 5}, &log);
    vms_error_t e;

    (void)state;
    put_primitives(s);
    assert_int_equal(vms_stream_flush(s), VMS_ERR_IO);
    e = stream_error(s);
    assert_int_equal(e.offset, 5);
    assert_contains(e.message, "accepted 0 of 14 bytes");
    assert_int_equal(vms_stream_close(s), VMS_ERR_IO);
    assert_bytes_equal(log.data, log.len, primitives_bytes, 5);
    fault_log_clear(&log);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_file_round_trip),
        cmocka_unit_test(test_file_writer_offset_keeps_header),
        cmocka_unit_test(test_file_reader_offset),
        cmocka_unit_test(test_missing_file),
        cmocka_unit_test(test_bad_uris),
        cmocka_unit_test(test_exec_round_trip),
        cmocka_unit_test(test_exec_exact_bytes),
        cmocka_unit_test(test_exec_failing_command),
        cmocka_unit_test(test_unix_round_trip),
        cmocka_unit_test(test_unix_connect_timeout),
        cmocka_unit_test(test_fd_pipe),
        cmocka_unit_test(test_fd_invalid),
        cmocka_unit_test(test_closed_pipe_no_sigpipe),
        cmocka_unit_test(test_short_io_identical),
        cmocka_unit_test(test_write_failure_sweep),
        cmocka_unit_test(test_read_failure_sweep),
        cmocka_unit_test(test_write_returning_zero_is_error),
    };

    return cmocka_run_group_tests(tests, make_tmpdir, remove_tmpdir);
}
