/* test_transport_net.c: every transport carries a whole vms_save_all stream; tcp: URIs, listeners, timeouts. */
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "golden_machine.h"
#include "stream_fixtures.h"
#include "vms_private.h"

static char tmpdir[] = "/tmp/vms_test_net.XXXXXX";

static int make_tmpdir(void **state)
{
    (void)state;
    return mkdtemp(tmpdir) ? 0 : -1;
}

static int remove_tmpdir(void **state)
{
    char cmd[128];

    (void)state;
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
    return system(cmd) == 0 ? 0 : -1;
}

/* The child: saves a filled machine to @uri and exits 0 when the stream closed cleanly. */
static void write_machine(const char *uri)
{
    struct machine m;
    vms_registry_t *r;
    vms_stream_t *s;
    int rc = 1;

    machine_fill(&m);
    r = machine_registry(&m);
    s = vms_stream_open(uri, VMS_WRITE, NULL);
    if (s && vms_save_all(r, s, NULL) == 0)
        rc = 0;
    if (vms_stream_close(s) != 0 || !s)
        rc = 1;
    vms_registry_free(r);
    _exit(rc);
}

/* Loads @s atomically into a poisoned machine and checks it now saves exactly what the source did. */
static void load_and_check(vms_stream_t *s)
{
    struct machine m, src;
    vms_registry_t *r;
    vms_error_t e;
    uint8_t *got, *want;
    size_t got_len, want_len;
    char buf[512];

    machine_poison(&m);
    r = machine_registry(&m);
    vms_registry_set_flags(r, VMS_LOAD_ATOMIC);
    vms_error_init(&e);
    if (vms_load_all(r, s, &e) != 0)
        fail_msg("%s", vms_error_format(&e, buf, sizeof(buf)));
    assert_int_equal(vms_stream_close(s), 0);
    machine_fill(&src);
    m.ctrl.ext_on = src.ctrl.ext_on; /* not migrated: decides whether ctrl/ext is saved */
    got = save_registry(r, &got_len);
    want = save_machine(&want_len);
    assert_bytes_equal(got, got_len, want, want_len);
    free(got);
    free(want);
    vms_registry_free(r);
}

static void reap_ok(pid_t pid)
{
    int status;

    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

static vms_stream_t *must_open(const char *uri, int mode)
{
    vms_error_t e;
    vms_stream_t *s;
    char buf[512];

    vms_error_init(&e);
    s = vms_stream_open(uri, mode, &e);
    if (!s)
        fail_msg("%s", vms_error_format(&e, buf, sizeof(buf)));
    return s;
}

/* A writer process on @wuri; the reader opens @ruri after it (sequential) or meanwhile. */
static void round_trip(const char *wuri, const char *ruri, bool sequential)
{
    pid_t pid;

    alarm(30);
    pid = fork();
    assert_true(pid >= 0);
    if (pid == 0)
        write_machine(wuri);
    if (sequential)
        reap_ok(pid);
    load_and_check(must_open(ruri, VMS_READ));
    if (!sequential)
        reap_ok(pid);
    alarm(0);
}

static void test_file(void **state)
{
    char uri[128];

    (void)state;
    snprintf(uri, sizeof(uri), "file:%s/m.mig", tmpdir);
    round_trip(uri, uri, true);
}

static void test_exec(void **state)
{
    char w[160], r[160];

    (void)state;
    snprintf(w, sizeof(w), "exec:cat > %s/e.mig", tmpdir);
    snprintf(r, sizeof(r), "exec:cat %s/e.mig", tmpdir);
    round_trip(w, r, true);
}

static void test_unix(void **state)
{
    char uri[128];

    (void)state;
    snprintf(uri, sizeof(uri), "unix:%s/m.sock", tmpdir);
    round_trip(uri, uri, false);
}

/* fd: over a pipe and over a socketpair; the parent keeps only its own end. */
static void fd_round_trip(int p[2])
{
    char w[32], r[32];
    pid_t pid;

    alarm(30);
    snprintf(w, sizeof(w), "fd:%d", p[1]);
    snprintf(r, sizeof(r), "fd:%d", p[0]);
    pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        close(p[0]);
        write_machine(w);
    }
    close(p[1]);
    load_and_check(must_open(r, VMS_READ));
    reap_ok(pid);
    alarm(0);
}

static void test_fd(void **state)
{
    int p[2];

    (void)state;
    assert_int_equal(pipe(p), 0);
    fd_round_trip(p);
    assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, p), 0);
    fd_round_trip(p);
}

/* tcp: through a listener on port 0, whose real port the writer is given. */
static void tcp_round_trip(const char *listen_uri, const char *host)
{
    char uri[128];
    vms_listener_t *l;
    vms_error_t e;
    pid_t pid;
    int port;

    alarm(30);
    vms_error_init(&e);
    l = vms_listener_open(listen_uri, &e);
    assert_non_null(l);
    port = vms_listener_port(l);
    assert_true(port > 0 && port < 65536);
    snprintf(uri, sizeof(uri), "tcp:%s:%d", host, port);
    pid = fork();
    assert_true(pid >= 0);
    if (pid == 0)
        write_machine(uri);
    load_and_check(vms_listener_accept(l, &e));
    vms_listener_close(l);
    reap_ok(pid);
    alarm(0);
}

static void test_tcp_ipv4(void **state)
{
    (void)state;
    tcp_round_trip("tcp:127.0.0.1:0", "127.0.0.1");
    tcp_round_trip("tcp:localhost:0", "localhost");
    tcp_round_trip("tcp::0", "127.0.0.1"); /* empty host: every address */
}

static bool have_ipv6_loopback(void)
{
    struct sockaddr_in6 sa = {.sin6_family = AF_INET6, .sin6_addr = IN6ADDR_LOOPBACK_INIT};
    int fd = socket(AF_INET6, SOCK_STREAM, 0);
    bool ok = fd >= 0 && bind(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0;

    if (fd >= 0)
        close(fd);
    return ok;
}

static void test_tcp_ipv6(void **state)
{
    (void)state;
    if (!have_ipv6_loopback()) {
        skip(); /* reported as skipped, not passed */
        return;
    }
    tcp_round_trip("tcp:[::1]:0", "[::1]");
}

/* A writer with nobody listening gives up after VMS_CONNECT_TIMEOUT_MS, naming the URI. */
static void test_tcp_connect_timeout(void **state)
{
    vms_listener_t *l;
    vms_error_t e;
    char uri[64];
    int port;

    (void)state;
    alarm(20);
    /* A port that was free a moment ago: bind, learn it, stop listening. */
    l = vms_listener_open("tcp:127.0.0.1:0", NULL);
    assert_non_null(l);
    port = vms_listener_port(l);
    vms_listener_close(l);
    snprintf(uri, sizeof(uri), "tcp:127.0.0.1:%d", port);
    setenv("VMS_CONNECT_TIMEOUT_MS", "200", 1);
    vms_error_init(&e);
    assert_null(vms_stream_open(uri, VMS_WRITE, &e));
    unsetenv("VMS_CONNECT_TIMEOUT_MS");
    assert_int_equal(e.code, VMS_ERR_IO);
    assert_contains(e.message, uri);
    assert_contains(e.message, "nobody accepted the connection within 200 ms");
    alarm(0);
}

static void test_tcp_bad_host(void **state)
{
    vms_error_t e;

    (void)state;
    alarm(30);
    vms_error_init(&e);
    assert_null(vms_stream_open("tcp:no-such-host.invalid:4444", VMS_WRITE, &e));
    assert_true(e.code == VMS_ERR_INVAL || e.code == VMS_ERR_IO);
    assert_contains(e.message, "tcp:no-such-host.invalid:4444: cannot resolve host");
    vms_error_init(&e);
    assert_null(vms_listener_open("tcp:127.0.0.1", &e));
    assert_int_equal(e.code, VMS_ERR_INVAL);
    assert_contains(e.message, "tcp:127.0.0.1: expected tcp:HOST:PORT");
    vms_error_init(&e);
    assert_null(vms_listener_accept(NULL, &e));
    assert_int_equal(e.code, VMS_ERR_INVAL);
    assert_int_equal(vms_listener_port(NULL), 0);
    vms_listener_close(NULL);
    vms_error_init(&e);
    assert_null(vms_listener_open("file:/tmp/x", &e));
    assert_contains(e.message, "'file:/tmp/x'");
    alarm(0);
}

/* A reader nobody connects to, and a peer that connects but never sends, both time out. */
static void test_accept_and_io_timeouts(void **state)
{
    vms_listener_t *l;
    vms_stream_t *s, *w;
    vms_error_t e;
    char uri[64];

    (void)state;
    alarm(20);
    l = vms_listener_open("tcp:127.0.0.1:0", NULL);
    assert_non_null(l);
    setenv("VMS_ACCEPT_TIMEOUT_MS", "100", 1);
    vms_error_init(&e);
    assert_null(vms_listener_accept(l, &e));
    unsetenv("VMS_ACCEPT_TIMEOUT_MS");
    assert_int_equal(e.code, VMS_ERR_TIMEOUT);
    assert_contains(e.message, "nobody connected within 100 ms");

    /* The listen backlog takes the connection, so one thread can play both sides. */
    snprintf(uri, sizeof(uri), "tcp:127.0.0.1:%d", vms_listener_port(l));
    w = must_open(uri, VMS_WRITE);
    vms_error_init(&e);
    s = vms_listener_accept(l, &e);
    assert_non_null(s);
    assert_int_equal(vms_stream_set_timeout(s, 100), 0);
    vms_put_be32(w, 0x11223344);
    assert_int_equal(vms_stream_flush(w), 0);
    assert_int_equal(vms_get_be32(s), 0x11223344); /* then the peer goes quiet */
    assert_int_equal(vms_get_u8(s), 0);
    e = stream_error(s);
    assert_int_equal(e.code, VMS_ERR_TIMEOUT);
    assert_int_equal(e.offset, 4);
    assert_contains(e.message, "tcp:127.0.0.1:0: the peer sent nothing for 100 ms");
    assert_int_equal(vms_stream_close(s), VMS_ERR_TIMEOUT);
    assert_int_equal(vms_stream_close(w), 0);
    vms_listener_close(l);
    w = vms_stream_mem_writer();
    assert_int_equal(vms_stream_set_timeout(w, 1), VMS_ERR_UNSUPPORTED);
    vms_stream_close(w);
    alarm(0);
}

/* The reader vanishes: the writer gets VMS_ERR_CLOSED at an offset, never a SIGPIPE or a hang. */
static void test_tcp_peer_vanishes(void **state)
{
    static uint8_t chunk[65536];
    struct vms_stream_stats st;
    vms_listener_t *l;
    vms_stream_t *r, *w;
    vms_error_t e;
    char uri[64];
    int i;

    (void)state;
    alarm(20);
    l = vms_listener_open("tcp:127.0.0.1:0", NULL);
    assert_non_null(l);
    snprintf(uri, sizeof(uri), "tcp:127.0.0.1:%d", vms_listener_port(l));
    w = must_open(uri, VMS_WRITE);
    r = vms_listener_accept(l, NULL);
    assert_non_null(r);
    vms_listener_close(l);
    vms_put_be32(w, 1);
    assert_int_equal(vms_stream_flush(w), 0);
    assert_int_equal(vms_get_be32(r), 1);
    assert_int_equal(vms_stream_close(r), 0);
    for (i = 0; i < 1024 && !vms_stream_error(w, NULL); i++)
        vms_put_buffer(w, chunk, sizeof(chunk)); /* at most 64 MiB: far beyond socket buffers */
    e = stream_error(w);
    assert_int_equal(e.code, VMS_ERR_CLOSED);
    assert_contains(e.message, uri);
    vms_stream_get_stats(w, &st);
    /* The offset is where the transport stopped taking bytes: all it took, no more. */
    assert_int_equal(e.offset, (int64_t)st.bytes_written);
    assert_true(e.offset >= 4);
    assert_int_equal(vms_stream_close(w), VMS_ERR_CLOSED);
    alarm(0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_file),
        cmocka_unit_test(test_exec),
        cmocka_unit_test(test_unix),
        cmocka_unit_test(test_fd),
        cmocka_unit_test(test_tcp_ipv4),
        cmocka_unit_test(test_tcp_ipv6),
        cmocka_unit_test(test_tcp_connect_timeout),
        cmocka_unit_test(test_tcp_bad_host),
        cmocka_unit_test(test_accept_and_io_timeouts),
        cmocka_unit_test(test_tcp_peer_vanishes),
    };

    signal(SIGPIPE, SIG_DFL); /* a SIGPIPE must never be what ends a writer */
    return cmocka_run_group_tests(tests, make_tmpdir, remove_tmpdir);
}
