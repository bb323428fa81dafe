/*
 * pipeline/report/sheet.h - the sheet engine of the workbook: the writer,
 * its cell formats, sheets split into parts, column widths and the cell
 * writers every sheet uses (the sheets themselves are in sheet_*.c,
 * declared in sheets.h; report_xlsx.c puts them together).
 *
 * Constant-memory mode writes each row to a temporary file as soon as the
 * next one starts, so every sheet is written top to bottom, left to right,
 * one sheet after the other, and column widths (which libxlsxwriter only
 * emits when the file is assembled) are set last, from the widest thing
 * written into each column. Tables need the whole sheet in memory, so list
 * sheets get an autofilter instead.
 *
 * Every libxlsxwriter call that can fail is checked. The first failure is
 * kept in the book (x->err, with the sheet and cell in the message) and
 * every later call is skipped, so the sheet code reads straight through
 * and the error comes out at the end, never as a silently missing cell.
 */
#ifndef FTK_REPORT_SHEET_H
#define FTK_REPORT_SHEET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <xlsxwriter.h>

#include "pipeline/report/report_xlsx.h"

/* A buffer that only grows; p is NULL until first used. */
struct text_buf {
    char *p;
    size_t cap;
};

/* The cell formats of the workbook, made once by sheet_book_formats. */
enum sheet_fmt {
    FMT_TITLE,
    FMT_SECTION,
    FMT_HEADER,
    FMT_WRAP,
    FMT_COUNT,
    FMT_PCT,
    FMT_PP,
    FMT_DATE,
    FMT_MONTH,
    FMT_GREEN,
    FMT_YELLOW,
    FMT_RED,
    FMT_NA,
    FMT_NOTE,
    FMT_CENTER,
    FMT_TOP,
    FMT_LEFT,
    FMT_COUNT_LEFT,
    FMT_DATE_LEFT,
    FMT_COUNT_ALL
};

/* The workbook being written and what every sheet reads. */
struct sheet_book {
    lxw_workbook *wb;
    const struct report_xlsx_input *in;
    const struct facts *f;
    const struct config *cfg;
    struct ftk_diag *diag;
    enum ftk_error err; /* the first failure; FTK_OK until then */
    uint32_t max_rows;  /* per sheet, header included */
    lxw_format *fmt[FMT_COUNT_ALL];
    struct text_buf text;           /* cleaned cell text */
    uint32_t *wl_pos;               /* per facts row: its place on its sheets */
    int core[CONFIG_MAX_WORKLOADS]; /* core workloads by code */
    int n_core;
    char month[8];
};

/* A column of a sheet: its title and how wide it is made. */
struct sheet_col {
    char title[64];
    double head_width; /* the header's own */
    double width;      /* widest so far on this part */
    double max_width;
};

/* A sheet, written in parts "NAME", "NAME (2)", ... when a list. */
struct sheet {
    struct sheet_book *x;
    lxw_worksheet *ws;
    char base[32];
    char name[48];
    uint32_t part;
    bool list; /* header row, autofilter, split at max_rows */
    lxw_col_t freeze_cols;
    struct sheet_col *col;
    lxw_col_t n_cols;
    lxw_row_t row; /* rows used on this part */
    uint32_t links;
};

/* ---- text ---- */

/* report_xlsx_cell_text and report_xlsx_text_width (report_xlsx.h). */
char *sheet_cell_text(const char *s, size_t n);
double sheet_text_width(const char *text);

/* The width of text plus a margin of one, counted up to limit. */
double sheet_text_width_upto(const char *text, double limit);

/* Characters of an integer shown with #,##0, plus a margin of one. */
double sheet_count_width(int64_t v);

/* ---- the book ---- */

/* Makes the formats of enum sheet_fmt. */
void sheet_book_formats(struct sheet_book *x);

/* Keeps err and its message unless an error is kept already. */
void sheet_fail(struct sheet_book *x, enum ftk_error err, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Our error for a libxlsxwriter one. */
enum ftk_error sheet_lxw_error(lxw_error e);

/* True when e is LXW_NO_ERROR; else keeps it, naming the sheet and cell. */
bool sheet_check(struct sheet *s, lxw_row_t r, lxw_col_t c, lxw_error e);

/* ---- sheets ---- */

/* Sets up a sheet of n_cols columns; a list sheet has a header row of the
 * titles (set with sheet_column_title before sheet_open), an autofilter,
 * freeze_cols columns frozen, and continues on a next part at max_rows. */
void sheet_init(struct sheet *s, struct sheet_book *x, const char *base,
                lxw_col_t n_cols, bool list, lxw_col_t freeze_cols);
void sheet_column_title(struct sheet *s, lxw_col_t c, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void sheet_open(struct sheet *s);

/* sheet_init, the titles and sheet_open of a list sheet. */
void sheet_list_open(struct sheet *s, struct sheet_book *x, const char *name,
                     const char *const *titles, lxw_col_t n_cols,
                     lxw_col_t freeze_cols);

/* Sets the widths (and the autofilter of a list) of the last part and
 * frees the sheet's columns. */
void sheet_close(struct sheet *s);

/* The row to write next in *r; a full list sheet continues on its next
 * part. Returns false once an error is kept. */
bool sheet_next_row(struct sheet *s, lxw_row_t *r);

/* An empty row; a title row in a larger bold font; a section title. */
void sheet_blank_row(struct sheet *s);
void sheet_title_row(struct sheet *s, lxw_row_t *r, const char *title,
                     enum sheet_fmt fmt, double height);
void sheet_section(struct sheet *s, lxw_row_t *r, const char *title);

/* A bold header row of a table inside a sheet: n titles from column 0,
 * each column at least as wide as its title plus extra. */
void sheet_header_row(struct sheet *s, lxw_row_t *r, const char *const *titles,
                      size_t n, double extra);

/* ---- cells: each keeps its column as wide as what it wrote ---- */

/* Text as a string cell (never a formula); nothing for NULL or "". With
 * measure false the column's width ignores it. */
void sheet_put_text_fmt(struct sheet *s, lxw_row_t r, lxw_col_t c,
                        const char *text, lxw_format *fmt, bool measure);
void sheet_put_text(struct sheet *s, lxw_row_t r, lxw_col_t c,
                    const char *text);

/* A number in format fmt, width wide; never NaN or Inf. */
void sheet_put_number(struct sheet *s, lxw_row_t r, lxw_col_t c, double v,
                      lxw_format *fmt, double width);

/* An integer shown as #,##0; the _opt and _days ones only when known. */
void sheet_put_count(struct sheet *s, lxw_row_t r, lxw_col_t c, int64_t v);
void sheet_put_opt_count(struct sheet *s, lxw_row_t r, lxw_col_t c, bool known,
                         int64_t v);
void sheet_put_days(struct sheet *s, lxw_row_t r, lxw_col_t c, int32_t days);

/* A percent (the CSV's rounded value / 100, 0.00%) or percentage points
 * (0.00), when defined. */
void sheet_put_pct(struct sheet *s, lxw_row_t r, lxw_col_t c, bool defined,
                   kpi_centi v);
void sheet_put_pp(struct sheet *s, lxw_row_t r, lxw_col_t c, bool defined,
                  kpi_centi v);

/* A date (nothing for KPI_NO_DATE; ISO text before 1900) or a month. */
void sheet_put_date_fmt(struct sheet *s, lxw_row_t r, lxw_col_t c, int32_t days,
                        lxw_format *fmt, double width);
void sheet_put_date(struct sheet *s, lxw_row_t r, lxw_col_t c, int32_t days);
void sheet_put_month(struct sheet *s, lxw_row_t r, lxw_col_t c, int32_t month);

/* The health word in its colour; "Yes" / "No", centred. */
void sheet_put_health(struct sheet *s, lxw_row_t r, lxw_col_t c,
                      enum kpi_health h);
void sheet_put_yes_no(struct sheet *s, lxw_row_t r, lxw_col_t c, bool b);

/* Text that links to row `row` (0-based) of sheet `target`, within the
 * workbook. Past Excel's 65,530 links on a sheet the text stays plain. */
void sheet_put_link(struct sheet *s, lxw_row_t r, lxw_col_t c,
                    const char *target, lxw_row_t row, const char *text);

/* ---- where rows land ---- */

/* The sheet (name, cap bytes) and row of the item at `index` of the list
 * sheet `base`. */
lxw_row_t sheet_place(const struct sheet_book *x, const char *base,
                      uint64_t index, char *name, size_t cap);

/* The sheet name of workload w: its code, or "CODE (workload)" when the
 * code is the name of a fixed sheet. */
void sheet_workload_name(const struct sheet_book *x, int w, char *out,
                         size_t cap);

/* The sheet and row of facts row i on its workload's sheets. */
lxw_row_t sheet_row_place(const struct sheet_book *x, size_t i, char *name,
                          size_t cap);

const struct store_tenant *sheet_tenant(const struct sheet_book *x, uint32_t t);

/* The four columns every customer list starts with: tenant id, name,
 * region and FM. */
void sheet_put_customer(struct sheet *s, lxw_row_t r,
                        const struct store_tenant *t);

/* The five columns a list of workload rows starts with: the customer's,
 * then the workload code linked to the row on its workload sheet. Returns
 * facts row i. */
const struct fact_workload *sheet_put_row_head(struct sheet *s, lxw_row_t r,
                                               const struct sheet_book *x,
                                               size_t i);

#endif
