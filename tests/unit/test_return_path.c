/* test_return_path.c: the reverse direction of socket streams and QEMU's return-path messages. */
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "stream_fixtures.h"
#include "vms_private.h"

static vms_stream_t *open_fd(int fd, int mode)
{
    char uri[32];
    vms_stream_t *s;

    snprintf(uri, sizeof(uri), "fd:%d", fd);
    s = vms_stream_open(uri, mode, NULL);
    assert_non_null(s);
    return s;
}

static vms_stream_t *rp_of(vms_stream_t *s)
{
    vms_error_t e;
    vms_stream_t *rp;

    vms_error_init(&e);
    rp = vms_stream_return_path(s, &e);
    if (!rp)
        fail_msg("%s", e.message);
    return rp;
}

static void expect(vms_stream_t *rp, uint16_t type, uint16_t len, uint32_t value)
{
    struct vms_rp_msg m;
    vms_error_t e;

    vms_error_init(&e);
    if (vms_rp_recv(rp, &m, 10000, &e) != 0)
        fail_msg("%s", e.message);
    assert_int_equal(m.type, type);
    assert_int_equal(m.len, len);
    assert_int_equal(vms_rp_msg_u32(&m), value);
}

/*
 * Source @src (a writer) and destination @dst (its reader) talk both ways:
 * data forward, SHUT/PONG/SWITCHOVER_ACK back, and closing the forward
 * direction still ends the destination's stream while the return path lives.
 */
static void converse(vms_stream_t *src, vms_stream_t *dst)
{
    vms_stream_t *back_w = rp_of(dst), *back_r = rp_of(src);
    struct vms_rp_msg m;
    vms_error_t e;

    /* Nothing yet: a timeout that does not stick. */
    vms_error_init(&e);
    assert_int_equal(vms_rp_recv(back_r, &m, 0, &e), VMS_ERR_TIMEOUT);
    assert_contains(e.message, " (return path): no return path message within 0 ms");
    assert_int_equal(vms_stream_error(back_r, NULL), 0);

    put_primitives(src);
    assert_int_equal(vms_stream_flush(src), 0);
    check_primitives(dst, 0);
    assert_int_equal(vms_rp_send_switchover_ack(back_w), 0);
    assert_int_equal(vms_rp_send_pong(back_w, 0xfeedf00d), 0);
    assert_int_equal(vms_rp_send_shut(back_w, 0), 0);
    assert_int_equal(vms_rp_send(back_w, VMS_RP_REQ_PAGES_ID, "ramblock", 8), 0);
    expect(back_r, VMS_RP_SWITCHOVER_ACK, 0, 0);
    expect(back_r, VMS_RP_PONG, 4, 0xfeedf00d);
    expect(back_r, VMS_RP_SHUT, 4, 0);
    expect(back_r, VMS_RP_REQ_PAGES_ID, 8, 0x72616d62);

    /* The source is done: the destination sees the end although the socket stays open. */
    assert_int_equal(vms_stream_close(src), 0);
    assert_int_equal(vms_stream_peek(dst, &m, 1, 0), 0);
    assert_int_equal(vms_rp_send_shut(back_w, 5), 0);
    expect(back_r, VMS_RP_SHUT, 4, 5);
    assert_int_equal(vms_stream_close(back_w), 0);
    vms_error_init(&e);
    assert_int_equal(vms_rp_recv(back_r, &m, 10000, &e), VMS_ERR_EOF);
    assert_int_equal(vms_stream_close(back_r), VMS_ERR_EOF);
    assert_int_equal(vms_stream_close(dst), 0);
}

static void test_socketpair(void **state)
{
    int p[2];

    (void)state;
    alarm(20);
    assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, p), 0);
    converse(open_fd(p[0], VMS_WRITE), open_fd(p[1], VMS_READ));
    alarm(0);
}

/* The listen backlog holds the connection, so one thread plays both ends. */
static void over_listener(const char *listen_uri, const char *prefix)
{
    vms_listener_t *l;
    vms_stream_t *src, *dst;
    char uri[256];

    alarm(20);
    l = vms_listener_open(listen_uri, NULL);
    assert_non_null(l);
    if (vms_listener_port(l))
        snprintf(uri, sizeof(uri), "%s:%d", prefix, vms_listener_port(l));
    else
        snprintf(uri, sizeof(uri), "%s", prefix);
    src = vms_stream_open(uri, VMS_WRITE, NULL);
    assert_non_null(src);
    dst = vms_listener_accept(l, NULL);
    assert_non_null(dst);
    vms_listener_close(l);
    converse(src, dst);
    alarm(0);
}

static void test_tcp(void **state)
{
    (void)state;
    over_listener("tcp:127.0.0.1:0", "tcp:127.0.0.1");
}

static void test_unix(void **state)
{
    char dir[] = "/tmp/vms_rp.XXXXXX", l[128];

    (void)state;
    assert_non_null(mkdtemp(dir));
    snprintf(l, sizeof(l), "unix:%s/s", dir);
    over_listener(l, l);
    rmdir(dir);
}

static void unsupported(vms_stream_t *s, const char *needle)
{
    vms_error_t e;

    vms_error_init(&e);
    assert_null(vms_stream_return_path(s, &e));
    assert_int_equal(e.code, VMS_ERR_UNSUPPORTED);
    assert_contains(e.message, needle);
    vms_stream_close(s);
}

static void test_one_way_transports(void **state)
{
    char dir[] = "/tmp/vms_rp.XXXXXX", uri[160], path[128];
    int p[2];

    (void)state;
    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof(path), "%s/f", dir);
    snprintf(uri, sizeof(uri), "file:%s", path);
    unsupported(vms_stream_open(uri, VMS_WRITE, NULL), uri);
    unsupported(vms_stream_open("exec:cat >/dev/null", VMS_WRITE, NULL), "exec:cat >/dev/null");
    assert_int_equal(pipe(p), 0);
    close(p[0]);
    snprintf(uri, sizeof(uri), "fd:%d", p[1]);
    unsupported(vms_stream_open(uri, VMS_WRITE, NULL), uri);
    unsupported(vms_stream_mem_writer(), "memory stream");
    unlink(path);
    rmdir(dir);
}

/* Malformed messages, as annotated bytes: each fails cleanly, naming the offset. */
static void bad_message(const uint8_t *bytes, size_t len, int code, const char *needle)
{
    vms_stream_t *r = vms_stream_mem_reader(bytes, len);
    struct vms_rp_msg m;
    vms_error_t e;

    vms_error_init(&e);
    assert_int_equal(vms_rp_recv(r, &m, 0, &e), code);
    assert_contains(e.message, needle);
    assert_true(e.offset >= 0);
    /* It sticks: the next call reports the same. */
    assert_int_equal(vms_rp_recv(r, &m, 0, NULL), code);
    vms_stream_close(r);
}

static void test_malformed(void **state)
{
    static const uint8_t unknown[] = {/* be16 type */ 0x00, 0x09, /* be16 len */ 0x00, 0x00};
    static const uint8_t invalid[] = {/* type INVALID */ 0x00, 0x00, 0x00, 0x00};
    static const uint8_t huge[] = {/* REQ_PAGES_ID */ 0x00, 0x03, /* len 513 */ 0x02, 0x01};
    static const uint8_t short_shut[] = {/* SHUT */ 0x00, 0x01, /* len 3 */ 0x00, 0x03,
                                         0x00, 0x00, 0x00};
    static const uint8_t cut_header[] = {/* PONG */ 0x00, 0x02, /* half a length */ 0x00};
    static const uint8_t cut_data[] = {/* PONG */ 0x00, 0x02, 0x00, 0x04, /* 2 of 4 */ 0x00, 0x01};
    static const uint8_t second_bad[] = {/* SWITCHOVER_ACK */ 0x00, 0x07, 0x00, 0x00,
                                         /* type 0x7fff */ 0x7f, 0xff, 0x00, 0x00};
    vms_stream_t *r;
    struct vms_rp_msg m;
    vms_error_t e;

    (void)state;
    bad_message(unknown, sizeof(unknown), VMS_ERR_FORMAT,
                "memory stream: return path message at offset 0: unknown type (type 9");
    bad_message(invalid, sizeof(invalid), VMS_ERR_FORMAT, "unknown type (type 0 INVALID");
    bad_message(huge, sizeof(huge), VMS_ERR_FORMAT, "length exceeds 512 (type 3 REQ_PAGES_ID, length 513)");
    bad_message(short_shut, sizeof(short_shut), VMS_ERR_FORMAT, "wrong length for this type (type 1 SHUT, length 3)");
    bad_message(cut_header, sizeof(cut_header), VMS_ERR_EOF, "unexpected end of stream");
    bad_message(cut_data, sizeof(cut_data), VMS_ERR_EOF, "wanted 4 bytes, got 2");
    bad_message((const uint8_t *)"", 0, VMS_ERR_EOF, "unexpected end of stream");

    r = vms_stream_mem_reader(second_bad, sizeof(second_bad));
    assert_int_equal(vms_rp_recv(r, &m, 0, NULL), 0);
    assert_int_equal(m.type, VMS_RP_SWITCHOVER_ACK);
    vms_error_init(&e);
    assert_int_equal(vms_rp_recv(r, &m, 0, &e), VMS_ERR_FORMAT);
    assert_contains(e.message, "offset 4: unknown type (type 32767 unknown");
    vms_stream_close(r);
}

/* A peer that dies halfway through a message gives an end-of-stream error, not a hang. */
static void test_peer_dies_mid_message(void **state)
{
    static const uint8_t half[] = {/* PONG */ 0x00, 0x02, 0x00, 0x04, /* 1 of 4 */ 0xaa};
    struct vms_rp_msg m;
    vms_stream_t *r;
    vms_error_t e;
    int p[2];

    (void)state;
    alarm(20);
    assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, p), 0);
    assert_int_equal(write(p[0], half, sizeof(half)), (ssize_t)sizeof(half));
    close(p[0]);
    r = open_fd(p[1], VMS_READ);
    vms_error_init(&e);
    assert_int_equal(vms_rp_recv(r, &m, 10000, &e), VMS_ERR_EOF);
    assert_int_equal(e.offset, 5);
    assert_contains(e.message, "wanted 4 bytes, got 1");
    vms_stream_close(r);
    alarm(0);
}

static void test_send_misuse(void **state)
{
    vms_stream_t *w = vms_stream_mem_writer();
    static const uint8_t big[VMS_RP_MAX_LEN + 1];
    size_t len;

    (void)state;
    assert_int_equal(vms_rp_send(w, VMS_RP_REQ_PAGES_ID, big, sizeof(big)), VMS_ERR_INVAL);
    assert_int_equal(vms_rp_send(w, VMS_RP_SHUT, big, 3), VMS_ERR_INVAL);
    assert_int_equal(vms_rp_send(w, VMS_RP_INVALID, NULL, 0), VMS_ERR_INVAL);
    assert_int_equal(vms_rp_send(w, 8, NULL, 0), VMS_ERR_INVAL);
    assert_int_equal(vms_stream_error(w, NULL), 0); /* misuse does not fail the stream */
    assert_int_equal(vms_rp_send_shut(w, 0x01020304), 0);
    assert_memory_equal(vms_stream_mem_data(w, &len),
                        ((const uint8_t[]){/* SHUT */ 0x00, 0x01, /* len */ 0x00, 0x04,
                                           /* be32 */ 0x01, 0x02, 0x03, 0x04}),
                        8);
    assert_int_equal(len, 8);
    assert_string_equal(vms_rp_type_name(VMS_RP_SWITCHOVER_ACK), "SWITCHOVER_ACK");
    assert_string_equal(vms_rp_type_name(99), "unknown");
    vms_stream_close(w);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_socketpair),
        cmocka_unit_test(test_tcp),
        cmocka_unit_test(test_unix),
        cmocka_unit_test(test_one_way_transports),
        cmocka_unit_test(test_malformed),
        cmocka_unit_test(test_peer_dies_mid_message),
        cmocka_unit_test(test_send_misuse),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
