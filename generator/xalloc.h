/* xalloc.h: allocation that cannot fail (vmsgen is a short-lived tool: out of memory aborts). */
#ifndef VG_XALLOC_H
#define VG_XALLOC_H

#include <stddef.h>

void *vg_xmalloc(size_t n);                     /* never NULL; n 0 is fine */
void *vg_xcalloc(size_t n, size_t size);        /* zeroed */
void *vg_xrealloc(void *p, size_t n, size_t size); /* n elements of size bytes */
char *vg_xstrdup(const char *s);                /* NULL copies as "" */

/* Makes room for @need elements in *@p (capacity *@cap, elements of @size bytes), doubling. */
void vg_grow(void *p, size_t *cap, size_t need, size_t size);

#endif /* VG_XALLOC_H */
