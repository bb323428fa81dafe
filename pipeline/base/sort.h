/*
 * pipeline/base/sort.h - qsort for arrays that may be empty.
 *
 * qsort(NULL, 0, ...) is undefined behaviour (glibc declares the pointer
 * nonnull, and UBSan reports it), yet an empty list is often still NULL.
 * Every sort in the program goes through sort_array, or sort_array_r when
 * the comparator needs context (glibc's qsort_r; no global to pass it).
 * sort_merge_places joins the parts of an array that threads sorted each
 * on their own.
 */
#ifndef FTK_SORT_H
#define FTK_SORT_H

#include <stdint.h>
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

/* The most runs sort_merge_places merges. */
#define SORT_MAX_RUNS 16

/* An element of one of several runs: its run, and its index in it. */
struct sort_place {
    uint32_t run, index;
};

/* The order in which the elements of n_runs sorted runs merge: run k is
 * runs[k][0 .. n[k]) (elements of size bytes, sorted by cmp), and out[i]
 * names the i-th element of the merge. Of equal elements, those of an
 * earlier run come first and each run's keep their order: the parts of an
 * array, each sorted on a thread of its own, merge into the order of a
 * stable sort of the whole. out has room for every element; nothing is
 * copied or allocated. n_runs <= SORT_MAX_RUNS, each n[k] < 2^32. */
void sort_merge_places(const void *const *runs, const size_t *n, size_t n_runs,
                       size_t size, int (*cmp)(const void *, const void *),
                       struct sort_place *out);

#endif
