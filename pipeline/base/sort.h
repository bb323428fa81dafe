/*
 * pipeline/base/sort.h - qsort for arrays that may be empty.
 *
 * qsort(NULL, 0, ...) is undefined behaviour (glibc declares the pointer
 * nonnull, and UBSan reports it), yet an empty list is often still NULL.
 * Every sort in the program goes through sort_array, or sort_array_r when
 * the comparator needs context (glibc's qsort_r; no global to pass it).
 */
#ifndef FTK_SORT_H
#define FTK_SORT_H

#include <stdlib.h>

static inline void sort_array(void *base, size_t n, size_t size,
                              int (*cmp)(const void *, const void *))
{
    if (n > 1)
        qsort(base, n, size, cmp);
}

/* As sort_array, with ctx handed to every call of cmp as its third
 * argument. */
static inline void sort_array_r(void *base, size_t n, size_t size,
                                int (*cmp)(const void *, const void *, void *),
                                void *ctx)
{
    if (n > 1)
        qsort_r(base, n, size, cmp, ctx);
}

#endif
