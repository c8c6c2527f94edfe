/* main.c: round-trips a Dev through a memory stream with the shared libvmstate. */
#include <stdio.h>
#include <string.h>

#include <vms/vms.h>

#include "dev.h"
#include "dev.vms.h"

int main(void)
{
    struct Dev d = {.regs = {1, 2, 3, 4}, .queue = {9, 8, 7}}, copy;
    vms_error_t err;
    size_t len;

    memset(&copy, 0, sizeof(copy));
    vms_error_init(&err);
    vms_stream_t *w = vms_stream_mem_writer();
    if (!w || vms_save(w, &vms_desc_Dev, &d, &err) != 0)
        return 1;
    const void *bytes = vms_stream_mem_data(w, &len);
    vms_stream_t *r = vms_stream_mem_reader(bytes, len);
    if (!r || vms_load(r, &vms_desc_Dev, &copy, 1, &err) != 0)
        return 1;
    vms_stream_close(r);
    vms_stream_close(w);
    if (len != 4 * DEV_REGS + DEV_QUEUE_LEN || memcmp(&d, &copy, sizeof(d)) != 0)
        return 1;
    printf("OK: %zu bytes through the shared runtime\n", len);
    return 0;
}
