/*
 * pipeline/report/report_xlsx.h - the program managers' workbook,
 * kpi-YYYY-MM.xlsx.
 *
 * The workbook formats the rows of facts.h; it computes no KPI of its own,
 * so every figure agrees with the CSV facts to the last digit (an AU cell
 * holds the CSV's rounded percent / 100 under a 0.00% format). Sheets, in
 * order: Summary, By region, By FM, Customers, one per workload present
 * (the core workloads first, then the others by code), Velocity, Plateau,
 * Biggest losers, Candidates, Next actions, Exec summaries (FM books
 * only), Data quality, Definitions (docs/workbook.md).
 *
 * Two kinds of book: the portfolio workbook of every customer, and an FM
 * book, the same sheets over the facts of one FM's customers
 * (facts_subset) plus the exec summary drafts.
 *
 * The file is written with libxlsxwriter in constant-memory mode (rows go
 * to temporary files in the output folder as they are written), and is
 * byte-identical for the same facts: the document's creation time is the
 * last day of the as-of month, never the clock.
 */
#ifndef FTK_REPORT_XLSX_H
#define FTK_REPORT_XLSX_H

#include <stddef.h>
#include <stdint.h>

#include "pipeline/base/progress.h"
#include "pipeline/config.h"
#include "pipeline/ingest/extract.h"
#include "pipeline/facts.h"
#include "pipeline/base/ftk_error.h"
#include "pipeline/ingest/rejects.h"
#include "pipeline/playbook/playbook.h"

/* Excel's rows per sheet, the header row included. */
#define REPORT_XLSX_MAX_ROWS 1048576u

/* Excel's characters per cell; longer text is cut and ends with
 * REPORT_XLSX_CUT_MARK. */
#define REPORT_XLSX_MAX_TEXT 32767u
#define REPORT_XLSX_CUT_MARK "\xE2\x80\xA6[cut]"

/* The widest a column is made, in Excel's character units. */
#define REPORT_XLSX_MAX_WIDTH 60.0

enum report_xlsx_kind {
    REPORT_XLSX_PORTFOLIO, /* kpi-YYYY-MM.xlsx, every customer */
    REPORT_XLSX_FM         /* fm/kpi-YYYY-MM-<FM>.xlsx, one FM's customers */
};

struct report_xlsx_input {
    enum report_xlsx_kind kind;
    /* An FM book's FM as the data has it ("" for none), named in the
     * book's title; NULL for the portfolio book. */
    const char *fm;
    const struct facts *facts;
    const struct config *cfg;
    const struct extract_stats *stats; /* per input file, may be NULL */
    size_t n_stats;
    const struct rejects *rejects; /* the first examples; may be NULL */
    /* next actions and exec summaries; NULL: the book has no such sheets */
    const struct playbook *playbook;
    /* Rows per sheet, header included: 0 means Excel's limit. A list sheet
     * that would hold more continues on "EXO (2)", "EXO (3)", ... Values
     * below 2 are taken as 2 (a header and one row). */
    uint32_t max_rows;
    /* The most rows of a list sheet ([workbook] max_list_rows for the
     * portfolio book): a longer list keeps those with the largest users to
     * goal and says in its first row how many it left out and where they
     * are (docs/workbook.md, "Long lists"). 0: no cap. FM books are never
     * capped. */
    uint32_t max_list_rows;
    /* Where the book counts its facts rows for the progress line: each
     * row once as its workload's sheet is written, once more when the
     * book is closed (2 x facts.n_rows in all). NULL: nowhere. */
    struct progress *progress;
};

/* Writes the workbook to path. Books may be written by several threads at
 * once, one book per thread (docs/decisions.md says why that is safe with
 * libxlsxwriter). Writes the workbook to path (libxlsxwriter creates or
 * truncates the file itself; its temporary files go to path's folder). Every
 * libxlsxwriter failure becomes an error whose message names the sheet and the
 * cell: FTK_E_NOMEM, FTK_E_CANTCREAT (the file or a temporary file could not be
 * created) or FTK_E_IO. On error the file at path may be partial; the
 * caller discards it. */
enum ftk_error report_xlsx_write(const char *path,
                                 const struct report_xlsx_input *in,
                                 struct ftk_diag *diag);

/* The text s[0..n) as it goes into a cell: each invalid UTF-8 byte (and
 * NUL) replaced by U+FFFD, and cut on a character boundary to at most
 * REPORT_XLSX_MAX_TEXT UTF-16 units, the cut marked with
 * REPORT_XLSX_CUT_MARK. Returns a NUL-terminated heap copy that the caller
 * frees with free(), or NULL when out of memory. */
char *report_xlsx_cell_text(const char *s, size_t n);

/* The column width, in Excel's character units, that shows text whole:
 * one unit per character, two for East Asian wide ones, plus a margin of
 * one; at most REPORT_XLSX_MAX_WIDTH. text is valid UTF-8. */
double report_xlsx_text_width(const char *text);

#endif
