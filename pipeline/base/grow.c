/*
 * pipeline/base/grow.c - array growth with an overflow check.
 */
#include "grow.h"

#include <stdint.h>
#include <stdlib.h>

#include "pipeline/base/testing.h"

void *grow_array(void *buf, size_t *cap, size_t need, size_t size)
{
    if (need <= *cap)
        return buf;
    if (size == 0)
        return NULL;
    size_t max = SIZE_MAX / size;
    if (need > max)
        return NULL;
    size_t n = *cap < 4 ? 4 : *cap;
    while (n < need)
        n = n > max - n / 2 ? max : n + n / 2;
    if (n > max)
        n = max;
    void *p = realloc(buf, n * size);
    if (!p)
        return NULL;
    *cap = n;
    return p;
}
