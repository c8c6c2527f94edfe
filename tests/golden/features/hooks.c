/* hooks.c: the user functions features/input.h names, so the generated tables link. */
#include "input.vms.h"

int feat_pre_save(void *opaque, vms_error_t *err) { (void)opaque; (void)err; return 0; }
int feat_post_save(void *opaque) { (void)opaque; return 0; }
int feat_pre_load(void *opaque, vms_error_t *err) { (void)opaque; (void)err; return 0; }
int feat_post_load(void *opaque, int version, vms_error_t *err)
{
    (void)opaque; (void)version; (void)err;
    return 0;
}
int extra_pre_save(void *opaque, vms_error_t *err) { (void)opaque; (void)err; return 0; }
int extra_post_load(void *opaque, int version, vms_error_t *err)
{
    (void)opaque; (void)version; (void)err;
    return 0;
}
int cfg_get(vms_stream_t *s, void *field, size_t size, vms_error_t *err)
{
    (void)err;
    vms_get_buffer(s, field, size);
    return 0;
}
int cfg_put(vms_stream_t *s, const void *field, size_t size, vms_error_t *err)
{
    (void)err;
    vms_put_buffer(s, field, size);
    return 0;
}
