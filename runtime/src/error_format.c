/*
 * error_format.c: vms_error_format(), one line for people from an error
 * record. Apart from error.c so that a static link that never prints one
 * leaves it out.
 */
#include <stdio.h>

#include <vms/error.h>

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
