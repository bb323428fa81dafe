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

#include "pipeline/base/schema.h"
#include "pipeline/base/text.h"
#include "pipeline/report/report_xlsx.h"
#include "pipeline/report/values.h"

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
    FMT_DECIMAL,
    FMT_PCT_GREEN, /* 0.00% in the health fills of FMT_GREEN ... */
    FMT_PCT_YELLOW,
    FMT_PCT_RED,
    FMT_LEFT_OUT, /* the note of a list that left rows out */
    FMT_LINK_TOP, /* a link at the top of a row that wraps */
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
    /* The most rows of a list sheet, over all its parts; 0: no cap
     * (report_xlsx_input.max_list_rows) */
    uint32_t max_list_rows;
    lxw_format *fmt[FMT_COUNT_ALL];
    struct text_buf text; /* cleaned cell text */
    /* Where the link targets are (sheet_book_places): per facts row its
     * place among the rows shown on its workload's sheets, per customer
     * its place on Customers; SHEET_LEFT_OUT when the cap left it out. */
    uint32_t *wl_pos;
    uint32_t *customer_pos;
    /* the Customers sheet and each workload's sheets carry the note of a
     * capped list above their header row */
    bool customers_noted;
    bool wl_noted[CONFIG_MAX_WORKLOADS];
    const struct playbook *pb;      /* in->playbook */
    struct text note;               /* the exec summary being written */
    int core[CONFIG_MAX_WORKLOADS]; /* the core workloads, in x->core order */
    int n_core;
    char month[8];
    /* The page header of every sheet: the workbook's title on the left,
     * the sheet's name on the right (Excel's &-codes, '&' in the title
     * doubled). */
    char page_header[LXW_HEADER_FOOTER_MAX + 1];
};

/* The widest a customer name's column is made, in Excel's character
 * units: with the frozen name first, about 285 pixels, under a third of a
 * 1366-pixel laptop screen; a longer name is whole in its cell and cut
 * off on screen only. */
#define SHEET_NAME_WIDTH 40.0

/* The widest a column of text in words is made (a health reason, focus
 * areas in words): longer text is whole in its cell, cut off on screen
 * only. */
#define SHEET_TEXT_WIDTH 60.0

/* What an FM column shows for a customer without an FM (the CSVs leave
 * the field empty). */
#define SHEET_NO_FM "(unassigned)"

/* A row's place in a list (sheet_book.wl_pos, customer_pos) when the
 * list's cap left it out. */
#define SHEET_LEFT_OUT UINT32_MAX

/* A column of a sheet: its title and how wide it is made. */
struct sheet_col {
    char title[64];
    double head_width; /* the header's own */
    double width;      /* widest so far on this part */
    double max_width;
};

/* What a link in a list points at. */
enum sheet_link {
    SHEET_LINK_NONE,
    SHEET_LINK_CUSTOMER,     /* the customer's row on Customers */
    SHEET_LINK_WORKLOAD_ROW, /* the facts row's place on its workload sheet */
    SHEET_LINK_WORKLOAD      /* the top of the workload's sheet */
};

/* What ranks an item of a list when the list is longer than
 * max_list_rows (docs/workbook.md, "Long lists"): its users to goal
 * (known false: it has none, and ranks after every item that has one),
 * then its tenant id (a group's name on By region and By FM), bytewise. */
struct sheet_rank {
    bool known;
    int64_t users_to_goal;
    const char *tie;
};

/* Where the rows of a list come from: a table of tables.h and its value
 * function (values.h); item is an index of the table's facts array. */
struct sheet_source {
    const struct schema *table;
    report_value_fn *value;
    /* The index (a customer, a facts row or a workload, by kind) that a
     * link of item points at; false: no link, the text stays plain. NULL
     * when the source's lists have no links. */
    bool (*target)(const struct sheet_book *x, size_t item,
                   enum sheet_link kind, size_t *index);
    /* For rows that are not facts rows (the playbook's): fills v, one
     * value per column of the table, for item; used instead of value
     * when not NULL. The values may borrow from x until the next call. */
    void (*row)(struct sheet_book *x, size_t item, struct schema_value *v);
    /* The rank of item for the cap (sheet_rank_customer, sheet_rank_row
     * or the source's own). */
    void (*rank)(const struct sheet_book *x, size_t item,
                 struct sheet_rank *out);
    /* Where a reader finds the rows a capped list left out, the end of
     * the list's note: "every row of a customer is in its FM's book under
     * fm/; every row is in workload_kpis.csv". */
    const char *left_out_where;
};

/* Where the rows of workload_kpis.csv that a capped list left out are
 * (sheet_source.left_out_where). */
#define SHEET_WORKLOAD_ROWS_WHERE                                              \
    "Every row of a customer is in its FM's book under fm/; every row is "     \
    "in workload_kpis.csv"

/* The most columns a table read through a row function may have. */
#define SHEET_ROW_MAX_COLS 32

/* One column of a list: a column of the source's table, by id. */
struct sheet_list_col {
    int id;               /* in the table's enum */
    enum sheet_link link; /* its text links there, when the item has one */
    const char *title;    /* NULL: the table's title */
    int arg;              /* for the value function (values.h) */
    double width;         /* > 0: this width, text wrapped in it */
    double cap;           /* > 0: at most this wide (SHEET_NAME_WIDTH) */
    /* shown when the value is unknown or empty (SHEET_NO_FM); NULL: an
     * empty cell */
    const char *if_empty;
    /* Coloured by one 3-colour scale (red, yellow, green) shared with the
     * scale columns next to it: a 12-month series reads as one band. */
    bool scale;
};

/* The columns of a list sheet or of a table inside a sheet, in order. */
struct sheet_list {
    const struct sheet_source *src;
    const struct sheet_list_col *col;
    size_t n_cols;
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
    const struct sheet_list *rows; /* a list sheet's columns */
    /* the row being written is text with a wrapped column (a note many
     * lines high): its text and links align to the top, beside the
     * note */
    bool top;
    /* A list that left rows out says so in its first row, above the
     * header, on every part (owned; NULL: no note). */
    char *note;
    lxw_row_t head; /* the header row of a list: 0, or 1 under a note */
};

/* The items of a list sheet, in the sheet's order: item[0..n) are shown;
 * total counts them before the cap. */
struct sheet_items {
    size_t *item; /* owned */
    size_t n, cap;
    size_t total;
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

/* Where the rows of Customers and of each workload sheet are, for the
 * links to them: x->customer_pos, x->wl_pos and their notes, after the
 * cap of x->max_list_rows (the same selection their sheets make). Call
 * once, before the sheets; false (an error kept) when out of memory. */
bool sheet_book_places(struct sheet_book *x);

/* Frees what the book took besides the workbook itself. */
void sheet_book_release(struct sheet_book *x);

/* Keeps err and its message unless an error is kept already. */
void sheet_fail(struct sheet_book *x, enum ftk_error err, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Our error for a libxlsxwriter one. */
enum ftk_error sheet_lxw_error(lxw_error e);

/* True when e is LXW_NO_ERROR; else keeps it, naming the sheet and cell. */
bool sheet_check(struct sheet *s, lxw_row_t r, lxw_col_t c, lxw_error e);

/* ---- sheets ---- */

/* Sets up a sheet of n_cols columns, opened with sheet_open; a list sheet
 * (sheet_list_open) has a header row of titles, an autofilter, freeze_cols
 * columns frozen, and continues on a next part at max_rows. */
void sheet_init(struct sheet *s, struct sheet_book *x, const char *base,
                lxw_col_t n_cols, bool list, lxw_col_t freeze_cols);
void sheet_open(struct sheet *s);

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

/* An integer shown as #,##0. */
void sheet_put_count(struct sheet *s, lxw_row_t r, lxw_col_t c, int64_t v);

/* A percent, when defined: the CSV's rounded value / 100, shown as 0.00%
 * (37.50 is the number 0.375). */
void sheet_put_pct(struct sheet *s, lxw_row_t r, lxw_col_t c, bool defined,
                   kpi_centi v);

/* The same in format fmt, which must show 0.00% (FMT_PCT, FMT_PCT_GREEN,
 * ...). */
void sheet_put_pct_fmt(struct sheet *s, lxw_row_t r, lxw_col_t c, bool defined,
                       kpi_centi v, lxw_format *fmt);

/* A date in format fmt, width wide (nothing for KPI_NO_DATE; ISO text
 * before 1900), or a month shown as yyyy-mm. */
void sheet_put_date_fmt(struct sheet *s, lxw_row_t r, lxw_col_t c, int32_t days,
                        lxw_format *fmt, double width);
void sheet_put_month(struct sheet *s, lxw_row_t r, lxw_col_t c, int32_t month);

/* The health word in its colour; "Yes" / "No", centred. */
void sheet_put_health(struct sheet *s, lxw_row_t r, lxw_col_t c,
                      enum kpi_health h);
void sheet_put_yes_no(struct sheet *s, lxw_row_t r, lxw_col_t c, bool b);

/* A value of a table column of type `type`, as that type is shown: TEXT
 * and CODE a string, INT #,##0, PCT 0.00% (the CSV's rounded percent /
 * 100), PP signed with its unit (+1.25 pp, negatives red), BOOL "Yes" / "No"
 * centred, DATE yyyy-mm-dd, MONTH yyyy-mm, HEALTH the word in its colour; each
 * keeps the column as wide as its text. Nothing for an unknown value. */
void sheet_put_value(struct sheet *s, lxw_row_t r, lxw_col_t c,
                     enum schema_type type, const struct schema_value *v);

/* ---- where rows land ---- */

/* The sheet name of workload w: its code, or "CODE (workload)" when the
 * code is the name of a fixed sheet. */
void sheet_workload_name(const struct sheet_book *x, int w, char *out,
                         size_t cap);

/* The indices of x->f->portfolio in the workbook's workload order, the
 * order of the workload sheets: the core workloads present, in x->core's
 * order, then the others by code. Writes f->n_portfolio indices to out,
 * which has room for them. */
void sheet_portfolio_order(const struct sheet_book *x, size_t *out);

/* ---- lists: every cell from a column list ---- */

/* Starts a list sheet of the columns of l (which must outlive the sheet):
 * a bold header row of their titles, frozen, with an autofilter, and
 * freeze_cols columns frozen on the left. */
void sheet_list_open(struct sheet *s, struct sheet_book *x, const char *name,
                     const struct sheet_list *l, lxw_col_t freeze_cols);

/* Writes item as the next row of a list sheet; false once an error is
 * kept (the caller stops). */
bool sheet_list_row(struct sheet *s, size_t item);

/* ---- lists: the rows shown, and the cap ---- */

/* Appends item to it; false (an error kept) when out of memory. */
bool sheet_items_add(struct sheet_book *x, struct sheet_items *it, size_t item);

/* Items 0 .. n-1, in that order. */
bool sheet_items_range(struct sheet_book *x, struct sheet_items *it, size_t n);

void sheet_items_release(struct sheet_items *it);

/* The cap of docs/workbook.md, "Long lists": when it holds more than
 * x->max_list_rows items (and that is not 0), keeps the max_list_rows
 * with the largest users to goal by src->rank (those without one last,
 * ties by the rank's tie bytewise, then by their place in the list), in
 * their order. total stays the count before. False (an error kept) when
 * out of memory. */
bool sheet_items_cap(struct sheet_book *x, const struct sheet_source *src,
                     struct sheet_items *it);

/* A whole list sheet: sheet_list_open, then the items of `it` after
 * sheet_items_cap, a row each, then sheet_close. A list that left rows out
 * says in its first row, above the header, how many and where they are
 * (l->src->left_out_where). Releases it. */
void sheet_list_write(struct sheet_book *x, const char *name,
                      const struct sheet_list *l, lxw_col_t freeze_cols,
                      struct sheet_items *it);

/* The ranks of a customer (its users to goal) and of a facts row (the
 * row's own; none when it has none), with the tenant id as the tie. */
void sheet_rank_customer(const struct sheet_book *x, size_t customer,
                         struct sheet_rank *out);
void sheet_rank_row(const struct sheet_book *x, size_t row,
                    struct sheet_rank *out);

/* The items of the Customers sheet and of workload w's sheets, before the
 * cap, in their order. */
bool sheet_customer_items(struct sheet_book *x, struct sheet_items *it);
bool sheet_workload_items(struct sheet_book *x, int w, struct sheet_items *it);

/* Writes item in row r, a cell per column of l from column 0: the value
 * the source gives, linked when the column links and the item has a
 * target, else written as its type says (sheet_put_value). */
void sheet_put_item(struct sheet *s, lxw_row_t r, const struct sheet_list *l,
                    size_t item);

/* The list of the columns cols (an array) of source src. */
#define SHEET_LIST(src, cols)                                                  \
    {                                                                          \
        &(src), (cols), sizeof(cols) / sizeof((cols)[0])                       \
    }

/* A bold header row of the titles of l, inside a sheet, each column at
 * least as wide as its title plus extra. */
void sheet_list_header(struct sheet *s, lxw_row_t *r,
                       const struct sheet_list *l, double extra);

/* The position of the column with table id `id` in l, or -1. */
int sheet_list_find(const struct sheet_list *l, int id);

#endif
