/*
 * fuzz_return_path.c: libFuzzer target for the return path as the source
 * reads it (vms_rp_recv): any bytes from the destination give messages or a
 * clean error, never a crash, overrun or endless loop.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <vms/vms.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    vms_stream_t *rp = vms_stream_mem_reader(data, size);
    struct vms_rp_msg msg;
    vms_error_t err;
    size_t n = 0;

    if (!rp)
        abort();
    vms_error_init(&err);
    /* each message consumes at least its 4-byte header: at most size / 4 + 1 calls */
    while (vms_rp_recv(rp, &msg, 0, &err) == 0) {
        if (++n > size / 4 + 1)
            abort();
        (void)vms_rp_msg_u32(&msg);
        (void)vms_rp_type_name(msg.type);
    }
    if (err.code == 0 || !err.message[0])
        abort(); /* a failure must say why */
    vms_stream_close(rp);
    return 0;
}
