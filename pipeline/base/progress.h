/*
 * pipeline/base/progress.h - how far a long stage has got, counted by the
 * pipeline and shown by the program (docs/running.md, "Progress").
 *
 * The pipeline only adds to done; the program sets total before the stage
 * and reads both from its own thread to draw the progress line. Counters
 * are C11 atomics: the workbooks add to them from several threads. Code
 * adds in batches (a chunk of input, a block of tenants, a sheet), never
 * per cell. A NULL pointer counts nothing: no line is shown.
 */
#ifndef FTK_PROGRESS_H
#define FTK_PROGRESS_H

#include <stdatomic.h>
#include <stdint.h>

struct progress {
    _Atomic uint64_t done;  /* units of work finished */
    _Atomic uint64_t total; /* units of the whole stage; 0: unknown */
};

static inline void progress_add(struct progress *p, uint64_t n)
{
    if (p && n)
        atomic_fetch_add_explicit(&p->done, n, memory_order_relaxed);
}

#endif
