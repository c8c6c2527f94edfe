/* xalloc.c: allocation that cannot fail; out of memory aborts (nothing sensible to recover). */
#include <stdlib.h>
#include <string.h>

#include "xalloc.h"

void *vg_xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);

    if (!p)
        abort();
    return p;
}

void *vg_xcalloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size ? size : 1);

    if (!p)
        abort();
    return p;
}

void *vg_xrealloc(void *p, size_t n, size_t size)
{
    void *q = realloc(p, (n ? n : 1) * size);

    if (!q)
        abort();
    return q;
}

char *vg_xstrdup(const char *s)
{
    size_t n = strlen(s ? s : "") + 1;

    return memcpy(vg_xmalloc(n), s ? s : "", n);
}

void vg_grow(void *p, size_t *cap, size_t need, size_t size)
{
    void **pp = p;
    size_t n = *cap ? *cap : 8;

    if (need <= *cap)
        return;
    while (n < need)
        n *= 2;
    *pp = vg_xrealloc(*pp, n, size);
    *cap = n;
}
