/*
 * pipeline/report/report_books.c - a small pool of threads writing the
 * run's workbooks, one book per thread at a time (report_books.h).
 */
#include "report_books.h"

#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pipeline/base/sort.h"
#include "pipeline/facts.h"
#include "pipeline/playbook/playbook.h"
#include "pipeline/base/testing.h"

#define MAX_THREADS 256

unsigned report_books_threads(void)
{
    const char *env = getenv("FTKPI_BOOK_THREADS");
    if (env && *env) {
        char *end;
        long v = strtol(env, &end, 10);
        if (*end == '\0' && v >= 1 && v <= MAX_THREADS)
            return (unsigned)v;
    }
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    cpu_set_t set;
    if (sched_getaffinity(0, sizeof(set), &set) == 0 && CPU_COUNT(&set) > 0 &&
        (n < 1 || CPU_COUNT(&set) < n))
        n = CPU_COUNT(&set);
    if (n < 1)
        n = 1;
    return n > MAX_THREADS ? MAX_THREADS : (unsigned)n;
}

/* The jobs and the books are items 0 .. n - 1 of the pool: the jobs
 * first, then the books, which is also the order of errors. */
struct pool {
    struct report_job *job;
    size_t n_jobs;
    struct report_book *book;
    size_t n; /* jobs and books */
    const struct report_xlsx_input *in;
    size_t *order; /* the items in the order they are taken */
    pthread_mutex_t lock;
    size_t next;         /* in order; under lock */
    size_t first_failed; /* the lowest failed item; n: none */
};

/* 0: the portfolio book, 1: a job, 2: an FM book. */
static int item_rank(const struct pool *p, size_t i)
{
    if (i < p->n_jobs)
        return 1;
    return p->book[i - p->n_jobs].customers ? 2 : 0;
}

/* The portfolio book first, then the jobs, then the FM books, largest
 * first; ties in the items' order. */
static int order_cmp(const void *a, const void *b, void *ctx)
{
    const struct pool *p = ctx;
    size_t x = *(const size_t *)a, y = *(const size_t *)b;
    int rx = item_rank(p, x), ry = item_rank(p, y);
    if (rx != ry)
        return rx < ry ? -1 : 1;
    if (rx != 1) {
        const struct report_book *bx = &p->book[x - p->n_jobs],
                                 *by = &p->book[y - p->n_jobs];
        if (bx->size != by->size)
            return bx->size > by->size ? -1 : 1;
    }
    return (x > y) - (x < y);
}

/* An FM book: the facts and playbook of its customers, then the book. */
static enum ftk_error write_fm_book(struct report_book *b,
                                    const struct report_xlsx_input *all)
{
    struct facts sub;
    struct playbook pb;
    memset(&pb, 0, sizeof(pb));
    enum ftk_error err =
        facts_subset(&sub, all->facts, b->customers, b->n_customers, &b->diag);
    if (err != FTK_OK)
        return err;
    if (all->playbook)
        err = playbook_init(&pb, &sub, &b->diag);
    if (err == FTK_OK) {
        struct report_xlsx_input in = *all;
        in.kind = REPORT_XLSX_FM;
        in.fm = b->fm ? b->fm : "";
        in.facts = &sub;
        in.playbook = all->playbook ? &pb : NULL;
        in.max_list_rows = 0;
        err = report_xlsx_write(b->path, &in, &b->diag);
    }
    playbook_release(&pb);
    facts_release(&sub);
    return err;
}

static void *worker(void *arg)
{
    struct pool *p = arg;
    pthread_mutex_lock(&p->lock);
    while (p->next < p->n) {
        size_t i = p->order[p->next++];
        /* a book after the first failure in order is not needed */
        if (i > p->first_failed)
            continue;
        pthread_mutex_unlock(&p->lock);
        enum ftk_error err;
        if (i < p->n_jobs) {
            struct report_job *j = &p->job[i];
            err = j->err = j->run(j->arg, &j->diag);
        } else {
            struct report_book *b = &p->book[i - p->n_jobs];
            if (b->customers) {
                b->err = write_fm_book(b, p->in);
            } else {
                struct report_xlsx_input in = *p->in;
                in.kind = REPORT_XLSX_PORTFOLIO;
                in.fm = NULL;
                b->err = report_xlsx_write(b->path, &in, &b->diag);
            }
            err = b->err;
        }
        pthread_mutex_lock(&p->lock);
        if (err != FTK_OK && i < p->first_failed)
            p->first_failed = i;
    }
    pthread_mutex_unlock(&p->lock);
    return NULL;
}

enum ftk_error report_books_write(struct report_book *book, size_t n,
                                  const struct report_xlsx_input *in,
                                  unsigned threads, struct ftk_diag *diag)
{
    return report_books_write_with(NULL, 0, book, n, in, threads, diag);
}

enum ftk_error report_books_write_with(struct report_job *job, size_t n_jobs,
                                       struct report_book *book, size_t n_books,
                                       const struct report_xlsx_input *in,
                                       unsigned threads, struct ftk_diag *diag)
{
    size_t n = n_jobs + n_books;
    struct pool p = {.job = job,
                     .n_jobs = n_jobs,
                     .book = book,
                     .n = n,
                     .in = in,
                     .first_failed = n};
    for (size_t i = 0; i < n_jobs; i++) {
        job[i].err = FTK_OK;
        job[i].diag.msg[0] = '\0';
    }
    for (size_t i = 0; i < n_books; i++) {
        book[i].err = FTK_OK;
        book[i].diag.msg[0] = '\0';
    }
    p.order = malloc((n ? n : 1) * sizeof(*p.order));
    pthread_t *tid = malloc((threads > 1 ? threads : 1) * sizeof(*tid));
    if (!p.order || !tid) {
        free(p.order);
        free(tid);
        return ftk_fail(diag, FTK_E_NOMEM, "workbooks: out of memory");
    }
    for (size_t i = 0; i < n; i++)
        p.order[i] = i;
    sort_array_r(p.order, n, sizeof(*p.order), order_cmp, &p);
    pthread_mutex_init(&p.lock, NULL);
    size_t started = 0;
    /* this thread is one of them; a thread that cannot start leaves its
     * books to the others */
    for (unsigned t = 1; t < threads && t < n; t++)
        if (pthread_create(&tid[started], NULL, worker, &p) == 0)
            started++;
    worker(&p);
    for (size_t t = 0; t < started; t++)
        pthread_join(tid[t], NULL);
    pthread_mutex_destroy(&p.lock);
    free(p.order);
    free(tid);
    if (p.first_failed == n)
        return FTK_OK;
    if (p.first_failed < n_jobs) {
        const struct report_job *j = &job[p.first_failed];
        return ftk_fail(diag, j->err, "%s", j->diag.msg);
    }
    const struct report_book *b = &book[p.first_failed - n_jobs];
    return ftk_fail(diag, b->err, "%s", b->diag.msg);
}
