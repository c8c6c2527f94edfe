/* uri.c: vms_stream_open(), which hands a QEMU-style migration URI to its transport. */
#include <string.h>

#include "vms_private.h"

typedef vms_stream_t *(*open_fn)(const char *uri, const char *spec, int mode, vms_error_t *err);

/* QEMU's schemes; those without an opener are valid but not built yet. */
static const struct scheme {
    const char *prefix;
    open_fn open;
} schemes[] = {
    {"file:", vmsp_open_file},
    {"fd:", vmsp_open_fd},
    {"tcp:", vmsp_open_tcp},
    {"unix:", vmsp_open_unix},
    {"exec:", vmsp_open_exec},
};

#define ACCEPTED "file:PATH[,offset=N], fd:N, exec:COMMAND, unix:PATH or tcp:HOST:PORT"

vms_stream_t *vms_stream_open(const char *uri, int mode, vms_error_t *err)
{
    const char *shown = uri ? uri : "(null)";
    size_t i, n;

    if (mode != VMS_READ && mode != VMS_WRITE) {
        vms_error_set(err, VMS_ERR_INVAL, 0, -1, NULL,
                      "cannot open '%s': mode %d is neither VMS_READ nor VMS_WRITE", shown, mode);
        return NULL;
    }
    for (i = 0; uri && i < sizeof(schemes) / sizeof(schemes[0]); i++) {
        n = strlen(schemes[i].prefix);
        if (strncmp(uri, schemes[i].prefix, n) != 0)
            continue;
        if (schemes[i].open)
            return schemes[i].open(uri, uri + n, mode, err);
        vms_error_set(err, VMS_ERR_UNSUPPORTED, 0, -1, NULL,
                      "cannot open '%s': the %.*s transport is not available in this build", uri,
                      (int)(n - 1), schemes[i].prefix);
        return NULL;
    }
    vms_error_set(err, VMS_ERR_INVAL, 0, -1, NULL,
                  "cannot open '%s': not a migration URI (expected " ACCEPTED ")", shown);
    return NULL;
}
