/* error.c: error codes, their texts and the first-error-wins detail record. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <vms/error.h>

/* Indexed by -code: the codes are small negative numbers (VMS_ERROR_LIST). */
static const char *const texts[] = {
    [0] = "success",
#define VMSP_ERR_TEXT(name, value, text) [-(value)] = text,
    VMS_ERROR_LIST(VMSP_ERR_TEXT)
#undef VMSP_ERR_TEXT
};

const char *vms_strerror(int code)
{
    if (code > 0 || code <= -(int)(sizeof(texts) / sizeof(texts[0])) || !texts[-code])
        return "unknown error";
    return texts[-code];
}

void vms_error_init(vms_error_t *err)
{
    if (!err)
        return;
    memset(err, 0, sizeof(*err));
    err->offset = -1;
}

int vms_error_set(vms_error_t *err, int code, int sys_errno, int64_t offset, const char *path,
                  const char *fmt, ...)
{
    va_list ap;

    if (!err || err->code != 0)
        return code;
    err->code = code;
    err->sys_errno = sys_errno;
    err->offset = offset;
    snprintf(err->path, sizeof(err->path), "%s", path ? path : "");
    va_start(ap, fmt);
    vsnprintf(err->message, sizeof(err->message), fmt, ap);
    va_end(ap);
    return code;
}
