/*
 * pipeline/base/sort.c - merging sorted runs (sort.h).
 */
#include "sort.h"

#include <string.h>

void sort_merge_runs(const void *base, const size_t *start, size_t n_runs,
                     size_t size, int (*cmp)(const void *, const void *),
                     void *out)
{
    const char *at[SORT_MAX_RUNS], *end[SORT_MAX_RUNS];
    size_t live = 0;
    for (size_t k = 0; k < n_runs && k < SORT_MAX_RUNS; k++) {
        if (start[k + 1] == start[k])
            continue;
        at[live] = (const char *)base + start[k] * size;
        end[live] = (const char *)base + start[k + 1] * size;
        live++;
    }
    char *o = out;
    while (live > 1) {
        /* the least head; on ties the earliest run's (runs stay in run
         * order in at[]) */
        size_t best = 0;
        for (size_t k = 1; k < live; k++)
            if (cmp(at[k], at[best]) < 0)
                best = k;
        memcpy(o, at[best], size);
        o += size;
        at[best] += size;
        if (at[best] == end[best]) {
            memmove(&at[best], &at[best + 1], (live - best - 1) * sizeof(*at));
            memmove(&end[best], &end[best + 1],
                    (live - best - 1) * sizeof(*end));
            live--;
        }
    }
    if (live == 1)
        memcpy(o, at[0], (size_t)(end[0] - at[0]));
}
