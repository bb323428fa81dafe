/*
 * pipeline/base/grow.h - the one way an array grows.
 *
 * grow_array makes room for at least `need` elements of `size` bytes:
 *
 *     struct item *p = grow_array(list->item, &list->cap, list->n + 1,
 *                                 sizeof(*p));
 *     if (!p)
 *         return FTK_E_NOMEM;
 *     list->item = p;
 *
 * It grows the capacity by half again (at least to need, at least 4), so
 * appending n elements costs O(n) copies while a large array wastes at most
 * a third of its memory. need * size is checked for overflow.
 *
 * The small first capacity is for the store, which holds one small array
 * per series (a few snapshots, a few dozen months) for hundreds of
 * thousands of series: starting at 16 cost it about 4 % of its peak memory.
 */
#ifndef FTK_GROW_H
#define FTK_GROW_H

#include <stddef.h>

/* Returns buf when *cap >= need already; else buf reallocated to a larger
 * capacity, stored in *cap. Returns NULL, leaving buf and *cap as they
 * were, when out of memory or when the size would overflow size_t. The
 * caller owns the result (and no longer buf when they differ). */
void *grow_array(void *buf, size_t *cap, size_t need, size_t size);

#endif
