/*
 * pipeline/base/sort.h - qsort for arrays that may be empty.
 *
 * qsort(NULL, 0, ...) is undefined behaviour (glibc declares the pointer
 * nonnull, and UBSan reports it), yet an empty list is often still NULL.
 * Every sort in the program goes through sort_array, or sort_array_r when
 * the comparator needs context (glibc's qsort_r; no global to pass it).
 * sort_merge_runs joins the parts of an array that threads sorted each on
 * their own.
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

/* The most runs sort_merge_runs merges. */
#define SORT_MAX_RUNS 16

/* Merges the n_runs sorted runs of base into out: run k is the elements
 * start[k] .. start[k + 1] - 1 (so start has n_runs + 1 entries, start[0]
 * is 0 and start[n_runs] the number of elements), each sorted by cmp.
 * Of equal elements, those of an earlier run come first and each run's
 * keep their order: the parts of an array, each sorted on a thread of its
 * own with a comparator that orders every pair, merge into the array
 * sorted whole. out has room for start[n_runs] elements and does not
 * overlap base. n_runs <= SORT_MAX_RUNS; allocates nothing. */
void sort_merge_runs(const void *base, const size_t *start, size_t n_runs,
                     size_t size, int (*cmp)(const void *, const void *),
                     void *out);

#endif
