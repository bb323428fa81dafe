/*
 * pipeline/fm_books.h - which FM books a run writes and under which file
 * names (docs/workbook.md, "FM books"): one book per FM, holding that FM's
 * customers, named fm/kpi-YYYY-MM-<FM>.xlsx with <FM> made safe for
 * Windows and shells.
 */
#ifndef FTK_FM_BOOKS_H
#define FTK_FM_BOOKS_H

#include <stddef.h>
#include <stdint.h>

#include "pipeline/base/ftk_error.h"
#include "pipeline/facts.h"

/* The most bytes of an FM's name in a file name, before any " (N)". */
#define FM_BOOK_NAME_MAX 100

/* The name of the book of the customers without an FM. */
#define FM_BOOK_UNASSIGNED "(unassigned)"

/* The folder of the FM books in the output folder. */
#define FM_BOOK_DIR "fm"

struct fm_book {
    const char *fm;     /* the FM as in the data, "" for none; borrowed */
    char *file;         /* "fm/kpi-YYYY-MM-<FM>.xlsx" */
    uint32_t *customer; /* ascending indices into facts.customer */
    size_t n_customers;
    size_t n_rows; /* the facts rows of its customers: the book's size */
};

/* The books in the order of the By FM sheet: by FM bytes, the customers
 * without an FM last. Every customer is in exactly one book. */
struct fm_books {
    struct fm_book *book;
    size_t n;
    uint32_t *customers; /* every book's customer points in here */
};

/* The safe form of an FM's name (fm is NUL-terminated): each byte that
 * is not part of a valid UTF-8 character, each control character (C0,
 * DEL, C1), each of / \ : * ? " < > | and each dot before the first other
 * character becomes '_'; the result is cut on a character boundary to at
 * most FM_BOOK_NAME_MAX bytes; "" becomes FM_BOOK_UNASSIGNED. Writes it
 * NUL-terminated to out and returns its length. */
size_t fm_book_safe_name(const char *fm, char out[FM_BOOK_NAME_MAX + 1]);

/* The books of the facts' customers. File names whose safe names are
 * equal, ignoring ASCII case (so that they stay apart on Windows and
 * macOS), get " (2)", " (3)", ... after the name, in the order of each
 * FM's first customer by tenant_id; a name so made that is taken already
 * takes the next number. FTK_E_NOMEM; on error out is released. */
enum ftk_error fm_books_plan(struct fm_books *out, const struct facts *f,
                             struct ftk_diag *diag);

/* Frees the plan. Safe on a zeroed struct and when called twice. */
void fm_books_release(struct fm_books *b);

#endif
