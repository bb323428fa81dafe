/*
 * pipeline/base/sort.c - merging sorted runs (sort.h).
 */
#include "sort.h"

void sort_merge_places(const void *const *runs, const size_t *n, size_t n_runs,
                       size_t size, int (*cmp)(const void *, const void *),
                       struct sort_place *out)
{
    /* the runs not yet used up, in run order, and where each stands */
    uint32_t live[SORT_MAX_RUNS];
    size_t at[SORT_MAX_RUNS] = {0}, n_live = 0;
    for (size_t k = 0; k < n_runs && k < SORT_MAX_RUNS; k++)
        if (n[k] > 0)
            live[n_live++] = (uint32_t)k;
    while (n_live > 0) {
        /* the least head; on ties the earliest run's */
        size_t best = 0;
        const char *head = (const char *)runs[live[0]] + at[live[0]] * size;
        for (size_t j = 1; j < n_live; j++) {
            const char *h = (const char *)runs[live[j]] + at[live[j]] * size;
            if (cmp(h, head) < 0) {
                best = j;
                head = h;
            }
        }
        uint32_t k = live[best];
        *out++ = (struct sort_place){k, (uint32_t)at[k]};
        if (++at[k] == n[k]) {
            for (size_t j = best; j + 1 < n_live; j++)
                live[j] = live[j + 1];
            n_live--;
        }
    }
}
