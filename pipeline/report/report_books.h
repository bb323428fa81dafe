/*
 * pipeline/report/report_books.h - the workbooks of a run written in
 * parallel: the portfolio workbook and the FM books (docs/workbook.md),
 * one book per thread, on every core.
 *
 * Each thread takes the next book from a shared index (the portfolio book
 * first, the largest; then any other jobs, such as the CSV facts
 * (report_books_write_with); then the FM books by size, largest first),
 * builds
 * an FM book's facts (facts_subset) and playbook (playbook_init) from the
 * run's, and writes the book with report_xlsx_write. Nothing a thread
 * writes depends on the others, so the files are the same bytes whatever
 * the number of threads and the order they run in.
 */
#ifndef FTK_REPORT_BOOKS_H
#define FTK_REPORT_BOOKS_H

#include <stddef.h>
#include <stdint.h>

#include "pipeline/base/ftk_error.h"
#include "pipeline/report/report_xlsx.h"

struct report_book {
    const char *path; /* the file to write */
    /* NULL: the portfolio book, from report_books_write's input as it is;
     * else the FM book of these customers (ascending indices into the
     * input's facts.customer), whose FM is fm ("" for none) */
    const uint32_t *customers;
    size_t n_customers;
    const char *fm;
    size_t size; /* the order of writing: largest first */
    /* results */
    enum ftk_error err;
    struct ftk_diag diag;
};

/* The threads to use: the online CPUs (sysconf), at most those the
 * process may run on (sched_getaffinity), at least 1, at most 256. The
 * environment variable FTKPI_BOOK_THREADS, a number from 1 to 256,
 * overrides it for tests and benchmarks (docs/running.md); any other
 * value is ignored. `ftkpi run` computes the KPIs on as many threads
 * (facts_build_threads). */
unsigned report_books_threads(void);

/* Other work done by the pool beside the books: run(arg) returns its
 * error, with its message in diag. */
struct report_job {
    enum ftk_error (*run)(void *arg, struct ftk_diag *diag);
    void *arg;
    /* results */
    enum ftk_error err;
    struct ftk_diag diag;
};

/* Writes the n books with `threads` threads (at most n are started; 0 or
 * 1: all in this thread). in is the portfolio book's input; an FM book
 * takes its cfg, stats, rejects and max_rows, and never caps its lists.
 * Each book's result is in book[i].err and book[i].diag; the first book
 * in the array's order that failed gives the error returned and its
 * message in diag. Books after it in that order may be skipped. A book
 * that failed may have left a partial file at its path. */
enum ftk_error report_books_write(struct report_book *book, size_t n,
                                  const struct report_xlsx_input *in,
                                  unsigned threads, struct ftk_diag *diag);

/* As report_books_write, with n_jobs jobs run by the same threads: taken
 * after the portfolio book and before the FM books. In the order of
 * errors the jobs come first, in their array's order, then the books:
 * the first failed in that order gives the error returned and its
 * message in diag, and what comes after it may be skipped. */
enum ftk_error report_books_write_with(struct report_job *job, size_t n_jobs,
                                       struct report_book *book, size_t n,
                                       const struct report_xlsx_input *in,
                                       unsigned threads, struct ftk_diag *diag);

#endif
