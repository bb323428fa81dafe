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

struct pool {
    struct report_book *book;
    size_t n;
    const struct report_xlsx_input *in;
    size_t *order; /* the books in the order they are taken */
    pthread_mutex_t lock;
    size_t next;         /* in order; under lock */
    size_t first_failed; /* the lowest failed index in book; n: none */
};

/* The portfolio book first, then the largest; ties in the array's order. */
static int order_cmp(const void *a, const void *b, void *ctx)
{
    const struct report_book *book = ctx;
    size_t x = *(const size_t *)a, y = *(const size_t *)b;
    bool px = !book[x].customers, py = !book[y].customers;
    if (px != py)
        return px ? -1 : 1;
    if (book[x].size != book[y].size)
        return book[x].size > book[y].size ? -1 : 1;
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
        struct report_book *b = &p->book[i];
        if (b->customers) {
            b->err = write_fm_book(b, p->in);
        } else {
            struct report_xlsx_input in = *p->in;
            in.kind = REPORT_XLSX_PORTFOLIO;
            in.fm = NULL;
            b->err = report_xlsx_write(b->path, &in, &b->diag);
        }
        pthread_mutex_lock(&p->lock);
        if (b->err != FTK_OK && i < p->first_failed)
            p->first_failed = i;
    }
    pthread_mutex_unlock(&p->lock);
    return NULL;
}

enum ftk_error report_books_write(struct report_book *book, size_t n,
                                  const struct report_xlsx_input *in,
                                  unsigned threads, struct ftk_diag *diag)
{
    struct pool p = {.book = book, .n = n, .in = in, .first_failed = n};
    for (size_t i = 0; i < n; i++) {
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
    sort_array_r(p.order, n, sizeof(*p.order), order_cmp, book);
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
    const struct report_book *b = &book[p.first_failed];
    return ftk_fail(diag, b->err, "%s", b->diag.msg);
}
