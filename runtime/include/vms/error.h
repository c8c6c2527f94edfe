/* vms/error.h: error codes and the error detail record of libvmstate. */
#ifndef VMS_ERROR_H
#define VMS_ERROR_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Every error code with its text, as one list: the enum below and
 * vms_strerror() are both built from it, so they cannot drift apart.
 * Codes are negative; 0 means success.
 */
#define VMS_ERROR_LIST(X)                                                    \
    X(VMS_ERR_IO, -1, "input/output error")                                  \
    X(VMS_ERR_EOF, -2, "unexpected end of stream")                           \
    X(VMS_ERR_FORMAT, -3, "malformed stream")                                \
    X(VMS_ERR_VERSION, -4, "unsupported version")                            \
    X(VMS_ERR_NOENT, -5, "unknown section or subsection")                    \
    X(VMS_ERR_RANGE, -6, "value out of range")                               \
    X(VMS_ERR_CHECK, -7, "validation failed")                                \
    X(VMS_ERR_NOMEM, -8, "out of memory")                                    \
    X(VMS_ERR_INVAL, -9, "invalid argument")                                 \
    X(VMS_ERR_UNSUPPORTED, -10, "not supported")                             \
    X(VMS_ERR_HOOK, -11, "device hook failed")                               \
    X(VMS_ERR_EXISTS, -12, "duplicate")                                      \
    X(VMS_ERR_MISSING, -13, "section missing from stream")                   \
    X(VMS_ERR_UNMIGRATABLE, -14, "device cannot be migrated")                \
    X(VMS_ERR_TIMEOUT, -15, "timed out")                                     \
    X(VMS_ERR_CLOSED, -16, "peer closed the connection")                     \
    X(VMS_ERR_CANCELLED, -17, "cancelled")

enum vms_error_code {
    VMS_OK = 0,
#define VMSP_ERR_ENUM(name, value, text) name = value,
    VMS_ERROR_LIST(VMSP_ERR_ENUM)
#undef VMSP_ERR_ENUM
};

/* Sizes of the text members of vms_error_t, including the NUL. */
#define VMS_ERROR_PATH_MAX 256
#define VMS_ERROR_MESSAGE_MAX 512

/*
 * Error detail. Functions that can fail take an optional vms_error_t *; the
 * first error recorded wins (a record whose code is not 0 is left alone), so
 * callers may pass one record through a whole sequence of calls and look at
 * it once.
 *
 *   code       a VMS_ERR_* value, 0 when no error was recorded
 *   sys_errno  the errno behind an I/O error, else 0
 *   offset     stream byte offset where the error was detected, -1 if none
 *   path       where in the state: "hpet/timer[2].cmp", "" if not known
 *   message    human-readable detail, without the path or offset
 */
typedef struct vms_error {
    int code;
    int sys_errno;
    int64_t offset;
    char path[VMS_ERROR_PATH_MAX];
    char message[VMS_ERROR_MESSAGE_MAX];
} vms_error_t;

/* Static text for a VMS_ERR_* code ("unknown error" for anything else). */
const char *vms_strerror(int code);

/* Resets @err to "no error" (code 0, offset -1, empty strings). NULL is fine. */
void vms_error_init(vms_error_t *err);

/*
 * Records an error in @err unless @err is NULL or already holds one.
 * @offset is the stream offset or -1; @path may be NULL. Returns @code, so
 * callers can write `return vms_error_set(err, ...)`.
 */
int vms_error_set(vms_error_t *err, int code, int sys_errno, int64_t offset,
                  const char *path, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 6, 7)))
#endif
    ;

/*
 * Formats @err as one line: "path: message (at offset 0x1a4)" into @buf
 * (always NUL-terminated when @len > 0). Returns @buf.
 */
const char *vms_error_format(const vms_error_t *err, char *buf, size_t len);

#ifdef __cplusplus
}
#endif

#endif /* VMS_ERROR_H */
