/* error.c: error codes, their texts and the first-error-wins detail record. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <vms/error.h>

const char *vms_strerror(int code)
{
    switch (code) {
    case VMS_OK:
        return "success";
#define VMSP_ERR_CASE(name, value, text) \
    case name:                           \
        return text;
        VMS_ERROR_LIST(VMSP_ERR_CASE)
#undef VMSP_ERR_CASE
    default:
        return "unknown error";
    }
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

const char *vms_error_format(const vms_error_t *err, char *buf, size_t len)
{
    const char *msg;
    int n = 0;

    if (len == 0)
        return buf;
    buf[0] = '\0';
    if (!err || err->code == 0) {
        snprintf(buf, len, "no error");
        return buf;
    }
    msg = err->message[0] ? err->message : vms_strerror(err->code);
    if (err->path[0])
        n = snprintf(buf, len, "%s: %s", err->path, msg);
    else
        n = snprintf(buf, len, "%s", msg);
    if (n >= 0 && (size_t)n < len && err->offset >= 0)
        snprintf(buf + n, len - (size_t)n, " (at offset 0x%llx)", (unsigned long long)err->offset);
    return buf;
}
