/*
 * pipeline/report/report_xlsx.c - the KPI workbook with libxlsxwriter.
 *
 * Constant-memory mode writes each row to a temporary file as soon as the
 * next one starts, so every sheet is written top to bottom, left to right,
 * one sheet after the other, and column widths (which libxlsxwriter only
 * emits when the file is assembled) are set last, from the widest thing
 * written into each column. Tables need the whole sheet in memory, so list
 * sheets get an autofilter instead.
 *
 * Every libxlsxwriter call that can fail is checked. The first failure is
 * kept in the writer (x->err, with the sheet and cell in the message) and
 * every later call is skipped, so the code reads straight through and the
 * error comes out at the end, never as a silently missing cell.
 */
#include "report_xlsx.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <xlsxwriter.h>

#include "kpi/date.h"
#include "pipeline/report/report_csv.h"
#include "pipeline/base/utf8.h"
#include "pipeline/base/version.h"
#include "pipeline/base/sort.h"
#include "pipeline/base/testing.h"

/* ------------------------------------------------------------------ */
/* Text: sanitised, cut, measured                                      */

struct text_buf {
    char *p;
    size_t cap;
};

/* UTF-16 units of the character whose lead byte is c (valid UTF-8). */
static size_t utf16_units(unsigned char c)
{
    return c >= 0xF0 ? 2 : 1;
}

static size_t char_bytes(unsigned char c)
{
    if (c < 0x80)
        return 1;
    if (c < 0xE0)
        return 2;
    if (c < 0xF0)
        return 3;
    return 4;
}

/* The text to write for s[0..n) (NUL at s[n]): s itself when it is valid
 * and short enough, else a cleaned copy in b. NULL when out of memory. */
static const char *clean_text(struct text_buf *b, const char *s, size_t n)
{
    if (n <= REPORT_XLSX_MAX_TEXT && utf8_valid_prefix(s, n) == n)
        return s;
    /* Each invalid byte becomes 3 bytes (U+FFFD). */
    size_t need = n * 3 + sizeof(REPORT_XLSX_CUT_MARK) + 1;
    if (need > b->cap) {
        char *p = realloc(b->p, need);
        if (!p)
            return NULL;
        b->p = p;
        b->cap = need;
    }
    size_t len = utf8_sanitize(s, n, b->p, b->cap);
    size_t units = 0, keep = 0;
    const size_t room = REPORT_XLSX_MAX_TEXT - 6; /* the mark is 6 units */
    for (size_t i = 0; i < len;) {
        unsigned char c = (unsigned char)b->p[i];
        units += utf16_units(c);
        i += char_bytes(c);
        if (units <= room)
            keep = i;
    }
    if (units > REPORT_XLSX_MAX_TEXT)
        memcpy(b->p + keep, REPORT_XLSX_CUT_MARK, sizeof(REPORT_XLSX_CUT_MARK));
    return b->p;
}

char *report_xlsx_cell_text(const char *s, size_t n)
{
    struct text_buf b = {NULL, 0};
    char *z = malloc(n + 1); /* s may lack a NUL at n */
    if (!z)
        return NULL;
    memcpy(z, s, n);
    z[n] = '\0';
    const char *t = clean_text(&b, z, n);
    if (t == z)
        return z;
    free(z);
    if (!t)
        free(b.p);
    return t ? b.p : NULL;
}

/* East Asian wide and fullwidth ranges (Unicode EAW W/F, the big blocks). */
static bool is_wide(uint32_t cp)
{
    return (cp >= 0x1100 && cp <= 0x115F) || (cp >= 0x2E80 && cp <= 0xA4CF) ||
           (cp >= 0xAC00 && cp <= 0xD7A3) || (cp >= 0xF900 && cp <= 0xFAFF) ||
           (cp >= 0xFE30 && cp <= 0xFE4F) || (cp >= 0xFF00 && cp <= 0xFF60) ||
           (cp >= 0xFFE0 && cp <= 0xFFE6) || (cp >= 0x1F300 && cp <= 0x1FAFF) ||
           (cp >= 0x20000 && cp <= 0x3FFFD);
}

/* The width of text plus a margin of one, counted up to limit. */
static double width_upto(const char *text, double limit)
{
    const unsigned char *p = (const unsigned char *)text;
    double w = 1.0; /* margin */
    while (*p && w < limit) {
        size_t k = char_bytes(*p);
        uint32_t cp = k == 1 ? *p : (uint32_t)(*p & (0x7F >> k));
        for (size_t i = 1; i < k && p[i]; i++)
            cp = (cp << 6) | (p[i] & 0x3F);
        for (size_t i = 0; i < k && *p; i++)
            p++;
        w += is_wide(cp) ? 2.0 : 1.0;
    }
    return w > limit ? limit : w;
}

double report_xlsx_text_width(const char *text)
{
    return width_upto(text, REPORT_XLSX_MAX_WIDTH);
}

/* The width of a bold header shown on at most two lines, split at the
 * space that makes the longer line shortest; *two_lines says whether it
 * needs the second line. Excel wraps greedily at spaces, and greedy
 * wrapping at this width never needs a third line. */
static double header_width(const char *title, bool *two_lines)
{
    char left[64];
    double best = report_xlsx_text_width(title);
    *two_lines = false;
    size_t n = strlen(title);
    if (best <= 9) /* no narrower than a count: not worth a second line */
        return best * 1.1;
    for (size_t i = 1; i + 1 < n && i < sizeof(left); i++) {
        if (title[i] != ' ')
            continue;
        memcpy(left, title, i);
        left[i] = '\0';
        double a = report_xlsx_text_width(left);
        double b = report_xlsx_text_width(title + i + 1);
        double w = a > b ? a : b;
        if (w < best) {
            best = w;
            *two_lines = true;
        }
    }
    return best * 1.1;
}

/* Characters of an integer shown with #,##0. */
static double count_width(int64_t v)
{
    uint64_t mag = v < 0 ? -(uint64_t)v : (uint64_t)v;
    int digits = 1;
    while (mag >= 10) {
        mag /= 10;
        digits++;
    }
    return 1.0 + digits + (digits - 1) / 3 + (v < 0);
}

/* Characters of a kpi_centi shown with 0.00 (plus extra, e.g. '%'). */
static double centi_width(kpi_centi v, int extra)
{
    char buf[32];
    kpi_centi_format(v, buf);
    return 1.0 + (double)strlen(buf) + extra;
}

/* ------------------------------------------------------------------ */
/* The writer and its sheets                                           */

enum fmt {
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

struct xw {
    lxw_workbook *wb;
    const struct report_xlsx_input *in;
    const struct facts *f;
    const struct config *cfg;
    struct ftk_diag *diag;
    enum ftk_error err;
    uint32_t max_rows; /* per sheet, header included */
    lxw_format *fmt[FMT_COUNT_ALL];
    struct text_buf text;           /* cleaned cell text */
    uint32_t *wl_pos;               /* per facts row: its place on its sheets */
    int core[CONFIG_MAX_WORKLOADS]; /* core workloads by code */
    int n_core;
    char month[8];
};

struct column {
    char title[64];
    double head_width; /* the header's own */
    double width;      /* widest so far on this part */
    double max_width;
};

struct sheet {
    struct xw *x;
    lxw_worksheet *ws;
    char base[32];
    char name[48];
    uint32_t part;
    bool list; /* header row, autofilter, split at max_rows */
    lxw_col_t freeze_cols;
    struct column *col;
    lxw_col_t n_cols;
    lxw_row_t row; /* rows used on this part */
    uint32_t links;
};

static void xw_fail(struct xw *x, enum ftk_error err, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void xw_fail(struct xw *x, enum ftk_error err, const char *fmt, ...)
{
    if (x->err != FTK_OK)
        return;
    x->err = err;
    if (!x->diag)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(x->diag->msg, sizeof(x->diag->msg), fmt, ap);
    va_end(ap);
}

static enum ftk_error lxw_to_ftk(lxw_error e)
{
    switch (e) {
    case LXW_ERROR_MEMORY_MALLOC_FAILED:
        return FTK_E_NOMEM;
    case LXW_ERROR_CREATING_XLSX_FILE:
    case LXW_ERROR_CREATING_TMPFILE:
        return FTK_E_CANTCREAT;
    default:
        return FTK_E_IO;
    }
}

static bool check(struct sheet *s, lxw_row_t r, lxw_col_t c, lxw_error e)
{
    if (e == LXW_NO_ERROR)
        return true;
    char cell[LXW_MAX_CELL_NAME_LENGTH];
    lxw_rowcol_to_cell(cell, r, c);
    xw_fail(s->x, lxw_to_ftk(e), "sheet '%s' cell %s: %s", s->name, cell,
            lxw_strerror(e));
    return false;
}

static void note_width(struct sheet *s, lxw_col_t c, double w)
{
    if (w > s->col[c].width)
        s->col[c].width = w;
}

/* Sets up a sheet of n_cols columns; titles follow with column_title. */
static void sheet_init(struct sheet *s, struct xw *x, const char *base,
                       lxw_col_t n_cols, bool list, lxw_col_t freeze_cols)
{
    memset(s, 0, sizeof(*s));
    s->x = x;
    snprintf(s->base, sizeof(s->base), "%s", base);
    s->list = list;
    s->freeze_cols = freeze_cols;
    s->n_cols = n_cols;
    s->col = calloc(n_cols ? n_cols : 1, sizeof(*s->col));
    if (!s->col)
        xw_fail(x, FTK_E_NOMEM, "sheet '%s': out of memory", base);
    for (lxw_col_t c = 0; s->col && c < n_cols; c++)
        s->col[c].max_width = REPORT_XLSX_MAX_WIDTH;
}

static void column_title(struct sheet *s, lxw_col_t c, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void column_title(struct sheet *s, lxw_col_t c, const char *fmt, ...)
{
    if (!s->col)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(s->col[c].title, sizeof(s->col[c].title), fmt, ap);
    va_end(ap);
}

/* Widths, autofilter and frozen panes of the part being written. */
static void part_finish(struct sheet *s)
{
    struct xw *x = s->x;
    if (x->err != FTK_OK || !s->ws)
        return;
    for (lxw_col_t c = 0; c < s->n_cols; c++) {
        double w = s->col[c].width;
        if (w <= 0)
            continue;
        if (w < 5)
            w = 5;
        if (w > s->col[c].max_width)
            w = s->col[c].max_width;
        if (!check(s, 0, c, worksheet_set_column(s->ws, c, c, w, NULL)))
            return;
    }
    if (s->list) {
        lxw_row_t last = s->row > 1 ? s->row - 1 : 1;
        check(s, 0, 0, worksheet_autofilter(s->ws, 0, 0, last, s->n_cols - 1));
        worksheet_freeze_panes(s->ws, 1, s->freeze_cols);
        /* on paper, text running past the last column is cut, not printed
         * on pages of empty columns */
        check(s, 0, 0, worksheet_print_area(s->ws, 0, 0, last, s->n_cols - 1));
    }
}

/* The name of part `part` (1-based) of a sheet. */
static void part_name(char *out, size_t cap, const char *base, uint32_t part)
{
    if (part <= 1)
        snprintf(out, cap, "%s", base);
    else
        snprintf(out, cap, "%s (%u)", base, part);
}

/* Adds the next part of a sheet, with its header row when a list. */
static void part_open(struct sheet *s)
{
    struct xw *x = s->x;
    if (x->err != FTK_OK)
        return;
    part_name(s->name, sizeof(s->name), s->base, ++s->part);
    s->row = 0;
    s->links = 0;
    lxw_error e = workbook_validate_sheet_name(x->wb, s->name);
    if (e != LXW_NO_ERROR) {
        xw_fail(x, FTK_E_IO, "sheet '%s': %s", s->name, lxw_strerror(e));
        return;
    }
    s->ws = workbook_add_worksheet(x->wb, s->name);
    if (!s->ws) {
        xw_fail(x, FTK_E_CANTCREAT,
                "sheet '%s': cannot add it (out of memory, or no temporary "
                "file in the output folder)",
                s->name);
        return;
    }
    for (lxw_col_t c = 0; c < s->n_cols; c++)
        s->col[c].width = s->col[c].head_width;
    /* printed: landscape, one page wide, the header on every page */
    worksheet_set_landscape(s->ws);
    worksheet_fit_to_pages(s->ws, 1, 0);
    if (!s->list)
        return;
    /* gridlines on paper too, as on screen */
    worksheet_gridlines(s->ws, LXW_SHOW_ALL_GRIDLINES);
    check(s, 0, 0, worksheet_repeat_rows(s->ws, 0, 0));
    bool any_two = false;
    for (lxw_col_t c = 0; c < s->n_cols; c++) {
        struct column *col = &s->col[c];
        bool two;
        /* plus the autofilter's drop-down button */
        col->head_width = header_width(col->title, &two) + 2.5;
        any_two |= two;
        if (col->head_width > col->max_width)
            col->head_width = col->max_width;
        col->width = col->head_width;
        if (!check(s, 0, c,
                   worksheet_write_string(s->ws, 0, c, col->title,
                                          x->fmt[FMT_HEADER])))
            return;
    }
    if (any_two)
        check(s, 0, 0, worksheet_set_row(s->ws, 0, 30, NULL));
    s->row = 1;
}

/* The row to write next; a full list sheet continues on its next part.
 * Returns false once an error is kept. */
static bool next_row(struct sheet *s, lxw_row_t *r)
{
    struct xw *x = s->x;
    if (x->err != FTK_OK)
        return false;
    uint32_t limit = s->list ? x->max_rows : REPORT_XLSX_MAX_ROWS;
    if (s->row >= limit) {
        if (!s->list) {
            xw_fail(x, FTK_E_IO, "sheet '%s': more than %u rows", s->name,
                    limit);
            return false;
        }
        part_finish(s);
        part_open(s);
        if (x->err != FTK_OK)
            return false;
    }
    *r = s->row++;
    return true;
}

static void sheet_open(struct sheet *s)
{
    if (s->x->err == FTK_OK)
        part_open(s);
}

/* Starts a list sheet: one bold header row of titles, frozen, with an
 * autofilter, and freeze_cols columns frozen on the left. */
static void list_sheet_open(struct sheet *s, struct xw *x, const char *name,
                            const char *const *titles, lxw_col_t n_cols,
                            lxw_col_t freeze_cols)
{
    sheet_init(s, x, name, n_cols, true, freeze_cols);
    for (lxw_col_t c = 0; c < n_cols; c++)
        column_title(s, c, "%s", titles[c]);
    sheet_open(s);
}

static void sheet_close(struct sheet *s)
{
    part_finish(s);
    free(s->col);
    s->col = NULL;
}

/* ------------------------------------------------------------------ */
/* Cells                                                               */

static void put_text_fmt(struct sheet *s, lxw_row_t r, lxw_col_t c,
                         const char *text, lxw_format *fmt, bool measure)
{
    struct xw *x = s->x;
    if (x->err != FTK_OK || !text || !text[0])
        return;
    const char *t = clean_text(&x->text, text, strlen(text));
    if (!t) {
        xw_fail(x, FTK_E_NOMEM, "sheet '%s': out of memory", s->name);
        return;
    }
    /* A string cell, always: text starting with = + - @ stays text. */
    if (check(s, r, c, worksheet_write_string(s->ws, r, c, t, fmt)) && measure)
        note_width(s, c, report_xlsx_text_width(t));
}

static void put_text(struct sheet *s, lxw_row_t r, lxw_col_t c,
                     const char *text)
{
    put_text_fmt(s, r, c, text, NULL, true);
}

/* The four columns every customer list starts with: tenant id, name,
 * region and FM. */
static void put_customer(struct sheet *s, lxw_row_t r,
                         const struct store_tenant *t)
{
    put_text(s, r, 0, t->id);
    put_text(s, r, 1, t->name);
    put_text(s, r, 2, t->region);
    put_text(s, r, 3, t->fm);
}

/* A number; never NaN or Inf (every figure comes from integers, so this
 * guard only keeps a bug from reaching a cell). */
static void put_number(struct sheet *s, lxw_row_t r, lxw_col_t c, double v,
                       lxw_format *fmt, double width)
{
    if (s->x->err != FTK_OK || !isfinite(v))
        return;
    if (check(s, r, c, worksheet_write_number(s->ws, r, c, v, fmt)))
        note_width(s, c, width);
}

static void put_count(struct sheet *s, lxw_row_t r, lxw_col_t c, int64_t v)
{
    put_number(s, r, c, (double)v, s->x->fmt[FMT_COUNT], count_width(v));
}

static void put_opt_count(struct sheet *s, lxw_row_t r, lxw_col_t c, bool known,
                          int64_t v)
{
    if (known)
        put_count(s, r, c, v);
}

static void put_days(struct sheet *s, lxw_row_t r, lxw_col_t c, int32_t days)
{
    if (days != KPI_NO_DAYS)
        put_count(s, r, c, days);
}

/* A percent: the CSV's rounded value / 100, shown as 0.00%. */
static void put_pct(struct sheet *s, lxw_row_t r, lxw_col_t c, bool defined,
                    kpi_centi v)
{
    if (defined)
        put_number(s, r, c, (double)v / 10000.0, s->x->fmt[FMT_PCT],
                   centi_width(v, 1));
}

/* Percentage points, shown as 0.00. */
static void put_pp(struct sheet *s, lxw_row_t r, lxw_col_t c, bool defined,
                   kpi_centi v)
{
    if (defined)
        put_number(s, r, c, (double)v / 100.0, s->x->fmt[FMT_PP],
                   centi_width(v, 0));
}

/* A date cell. Excel has no dates before 1900: those stay ISO text. */
static void put_date_fmt(struct sheet *s, lxw_row_t r, lxw_col_t c,
                         int32_t days, lxw_format *fmt, double width)
{
    if (s->x->err != FTK_OK || days == KPI_NO_DATE)
        return;
    int y, m, d;
    kpi_date_to_ymd(days, &y, &m, &d);
    if (y < 1900) {
        char iso[11];
        kpi_date_format(days, iso);
        put_text(s, r, c, iso);
        return;
    }
    lxw_datetime dt = {.year = y, .month = m, .day = d};
    if (check(s, r, c, worksheet_write_datetime(s->ws, r, c, &dt, fmt)))
        note_width(s, c, width);
}

static void put_date(struct sheet *s, lxw_row_t r, lxw_col_t c, int32_t days)
{
    put_date_fmt(s, r, c, days, s->x->fmt[FMT_DATE], 11);
}

static void put_month(struct sheet *s, lxw_row_t r, lxw_col_t c, int32_t month)
{
    put_date_fmt(s, r, c, kpi_month_first_day(month), s->x->fmt[FMT_MONTH], 8);
}

static void put_health(struct sheet *s, lxw_row_t r, lxw_col_t c,
                       enum kpi_health h)
{
    static const enum fmt by_health[] = {
        [KPI_HEALTH_NA] = FMT_NA,
        [KPI_HEALTH_RED] = FMT_RED,
        [KPI_HEALTH_YELLOW] = FMT_YELLOW,
        [KPI_HEALTH_GREEN] = FMT_GREEN,
    };
    put_text_fmt(s, r, c, kpi_health_name(h), s->x->fmt[by_health[h]], true);
}

static void put_yes_no(struct sheet *s, lxw_row_t r, lxw_col_t c, bool b)
{
    put_text_fmt(s, r, c, b ? "Yes" : "No", s->x->fmt[FMT_CENTER], true);
}

/* Text that links to row `row` (0-based) of sheet `target`, within the
 * workbook. Past Excel's 65,530 links on a sheet the text stays plain. */
static void put_link(struct sheet *s, lxw_row_t r, lxw_col_t c,
                     const char *target, lxw_row_t row, const char *text)
{
    struct xw *x = s->x;
    if (x->err != FTK_OK || !text || !text[0])
        return;
    /* libxlsxwriter 1.1.4 escapes control characters in cell text but
     * not in the link's display attribute, which would make the file
     * unreadable: such text (never seen in valid inputs) stays plain */
    bool control = false;
    for (const unsigned char *p = (const unsigned char *)text; *p; p++)
        control |= *p < 0x20;
    if (s->links >= LXW_MAX_NUMBER_URLS || control) {
        put_text(s, r, c, text);
        return;
    }
    const char *t = clean_text(&x->text, text, strlen(text));
    if (!t) {
        xw_fail(x, FTK_E_NOMEM, "sheet '%s': out of memory", s->name);
        return;
    }
    char url[96];
    snprintf(url, sizeof(url), "internal:'%s'!A%lu", target,
             (unsigned long)row + 1);
    s->links++;
    if (check(s, r, c,
              worksheet_write_url_opt(s->ws, r, c, url, NULL, t, NULL)))
        note_width(s, c, report_xlsx_text_width(t));
}

/* ------------------------------------------------------------------ */
/* Where rows land                                                     */

static uint32_t rows_per_part(const struct xw *x)
{
    return x->max_rows - 1;
}

/* The sheet and row of the item at `index` of a list sheet. */
static lxw_row_t place(const struct xw *x, const char *base, uint64_t index,
                       char *name, size_t cap)
{
    uint32_t per = rows_per_part(x);
    part_name(name, cap, base, (uint32_t)(index / per) + 1);
    return (lxw_row_t)(index % per) + 1;
}

/* Fixed sheet names a workload code could clash with (Excel compares sheet
 * names case-insensitively). */
static const char *const fixed_sheets[] = {
    "Summary",    "Customers",    "Velocity",    "Plateau",
    "Candidates", "Data quality", "Definitions", "Biggest losers",
};

/* The sheet name of a workload: its code, or "CODE (workload)" when the
 * code is the name of a fixed sheet. */
static void workload_sheet(const struct xw *x, int w, char *out, size_t cap)
{
    const char *code = facts_code(x->f, w);
    for (size_t i = 0; i < sizeof(fixed_sheets) / sizeof(fixed_sheets[0]); i++)
        if (strcasecmp(code, fixed_sheets[i]) == 0) {
            snprintf(out, cap, "%s (workload)", code);
            return;
        }
    snprintf(out, cap, "%s", code);
}

/* The sheet and row of facts row i on its workload's sheets. */
static lxw_row_t row_place(const struct xw *x, size_t i, char *name, size_t cap)
{
    char base[32];
    workload_sheet(x, x->f->row[i].workload, base, sizeof(base));
    return place(x, base, x->wl_pos[i], name, cap);
}

static const struct store_tenant *tenant_of(const struct xw *x, uint32_t t)
{
    return &x->f->st->tenant[t];
}

/* The five columns a list of workload rows starts with: the customer's,
 * then the workload code linked to the row on its workload sheet. Returns
 * facts row i. */
static const struct fact_workload *put_row_head(struct sheet *s, lxw_row_t r,
                                                const struct xw *x, size_t i)
{
    const struct fact_workload *row = &x->f->row[i];
    char sheet[48];
    lxw_row_t wr = row_place(x, i, sheet, sizeof(sheet));
    put_customer(s, r, tenant_of(x, row->tenant));
    put_link(s, r, 4, sheet, wr, facts_code(x->f, row->workload));
    return row;
}

/* The facts row of workload w of customer c, or NULL. */
static const struct fact_workload *customer_row(const struct xw *x,
                                                const struct fact_customer *c,
                                                int w, size_t *index)
{
    for (uint32_t k = c->first_row; k < c->first_row + c->n_rows; k++)
        if (x->f->row[k].workload == w) {
            if (index)
                *index = k;
            return &x->f->row[k];
        }
    return NULL;
}

/* ------------------------------------------------------------------ */
/* Summary                                                             */

static const char *const health_word[] = {"Green", "Yellow", "Red", "N/A"};
static const enum kpi_health health_order[] = {
    KPI_HEALTH_GREEN, KPI_HEALTH_YELLOW, KPI_HEALTH_RED, KPI_HEALTH_NA};
static const lxw_color_t health_color[] = {0x63BE7B, 0xFFC000, 0xE0504A,
                                           0xBFBFBF};

/* A title in a larger bold font; rows a file gives no height stay at 15
 * points in Excel, too low for it. */
static void title_row(struct sheet *s, lxw_row_t *r, const char *title,
                      enum fmt fmt, double height)
{
    if (!next_row(s, r))
        return;
    put_text_fmt(s, *r, 0, title, s->x->fmt[fmt], false);
    check(s, *r, 0, worksheet_set_row(s->ws, *r, height, NULL));
}

static void section(struct sheet *s, lxw_row_t *r, const char *title)
{
    title_row(s, r, title, FMT_SECTION, 18);
}

/* A bold header row of a table inside a sheet. */
static void header_row(struct sheet *s, lxw_row_t *r, const char *const *titles,
                       size_t n, double extra)
{
    if (!next_row(s, r))
        return;
    bool any_two = false;
    for (size_t c = 0; c < n; c++) {
        bool two;
        put_text_fmt(s, *r, (lxw_col_t)c, titles[c], s->x->fmt[FMT_HEADER],
                     false);
        note_width(s, (lxw_col_t)c, header_width(titles[c], &two) + extra);
        any_two |= two;
    }
    if (any_two)
        check(s, *r, 0, worksheet_set_row(s->ws, *r, 30, NULL));
}

static void blank_row(struct sheet *s)
{
    lxw_row_t r;
    next_row(s, &r);
}

static lxw_chart *add_chart(struct xw *x, uint8_t type)
{
    if (x->err != FTK_OK)
        return NULL;
    lxw_chart *ch = workbook_add_chart(x->wb, type);
    if (!ch)
        xw_fail(x, FTK_E_NOMEM, "sheet 'Summary': cannot add a chart");
    return ch;
}

static lxw_chart_series *add_series(struct xw *x, lxw_chart *ch)
{
    if (x->err != FTK_OK)
        return NULL;
    lxw_chart_series *se = chart_add_series(ch, NULL, NULL);
    if (!se)
        xw_fail(x, FTK_E_NOMEM, "sheet 'Summary': cannot add a chart series");
    return se;
}

static void health_chart(struct sheet *s, lxw_row_t first, lxw_row_t last,
                         lxw_row_t at, lxw_col_t at_col)
{
    struct xw *x = s->x;
    lxw_chart *ch = add_chart(x, LXW_CHART_COLUMN_STACKED);
    if (!ch)
        return;
    for (int h = 0; h < 4; h++) {
        lxw_chart_series *se = add_series(x, ch);
        if (!se)
            return;
        chart_series_set_categories(se, s->name, first, 0, last, 0);
        chart_series_set_values(se, s->name, first, (lxw_col_t)(7 + h), last,
                                (lxw_col_t)(7 + h));
        chart_series_set_name(se, health_word[h]);
        lxw_chart_fill fill = {.color = health_color[h]};
        chart_series_set_fill(se, &fill);
    }
    char title[96];
    snprintf(title, sizeof(title), "Workload health, %s", x->month);
    chart_title_set_name(ch, title);
    chart_axis_set_name(ch->x_axis, "Workload");
    chart_axis_set_name(ch->y_axis, "Customers");
    chart_axis_set_num_format(ch->y_axis, "#,##0");
    chart_legend_set_position(ch, LXW_CHART_LEGEND_BOTTOM);
    chart_set_series_gap(ch, 60);
    lxw_chart_options opt = {.x_scale = 1.4, .y_scale = 1.2};
    check(s, at, at_col,
          worksheet_insert_chart_opt(s->ws, at, at_col, ch, &opt));
}

static void trend_chart(struct sheet *s, lxw_row_t first, lxw_row_t last,
                        int n_series, lxw_row_t at, lxw_col_t at_col)
{
    struct xw *x = s->x;
    lxw_chart *ch = add_chart(x, LXW_CHART_LINE);
    if (!ch)
        return;
    for (int k = 0; k < n_series; k++) {
        lxw_chart_series *se = add_series(x, ch);
        if (!se)
            return;
        chart_series_set_categories(se, s->name, first, 0, last, 0);
        chart_series_set_values(se, s->name, first, (lxw_col_t)(1 + k), last,
                                (lxw_col_t)(1 + k));
        chart_series_set_name_range(se, s->name, first - 1, (lxw_col_t)(1 + k));
        chart_series_set_marker_type(se, LXW_CHART_MARKER_CIRCLE);
        chart_series_set_marker_size(se, 5);
    }
    chart_title_set_name(ch, "Pooled AU of the core workloads, last 12 "
                             "months");
    chart_axis_set_name(ch->y_axis, "Pooled AU (\xCE\xA3 AE / \xCE\xA3 QE)");
    chart_axis_set_num_format(ch->y_axis, "0%");
    chart_axis_set_num_format(ch->x_axis, "mmm yyyy");
    chart_axis_set_min(ch->y_axis, 0);
    chart_show_blanks_as(ch, LXW_CHART_BLANKS_AS_GAP);
    chart_legend_set_position(ch, LXW_CHART_LEGEND_BOTTOM);
    lxw_chart_options opt = {.x_scale = 1.4, .y_scale = 1.2};
    check(s, at, at_col,
          worksheet_insert_chart_opt(s->ws, at, at_col, ch, &opt));
}

static void write_summary(struct xw *x)
{
    const struct facts *f = x->f;
    const struct config *cfg = x->cfg;
    /* the core workloads that have a portfolio row, for the trend */
    const struct fact_portfolio *trend[CONFIG_MAX_WORKLOADS];
    int n_trend = 0;
    for (size_t i = 0; i < f->n_portfolio; i++)
        if (cfg->workload[f->portfolio[i].workload].core)
            trend[n_trend++] = &f->portfolio[i];
    lxw_col_t n_cols = (lxw_col_t)(n_trend + 1 > 11 ? n_trend + 1 : 11);
    struct sheet s;
    lxw_row_t r;
    sheet_init(&s, x, "Summary", n_cols, false, 0);
    sheet_open(&s);

    char text[512];
    snprintf(text, sizeof(text), "%s: adoption KPIs for %s", cfg->program_name,
             x->month);
    title_row(&s, &r, text, FMT_TITLE, 21);
    blank_row(&s);
    if (next_row(&s, &r)) {
        put_text(&s, r, 0, "As-of month");
        put_month(&s, r, 1, f->as_of_month);
    }
    if (next_row(&s, &r)) {
        put_text(&s, r, 0, "Latest snapshot in the data");
        if (f->latest_snapshot == KPI_NO_DATE)
            put_text(&s, r, 1, "none");
        else
            put_date_fmt(&s, r, 1, f->latest_snapshot, x->fmt[FMT_DATE_LEFT],
                         11);
    }
    if (next_row(&s, &r)) {
        put_text(&s, r, 0, "Customers");
        put_number(&s, r, 1, (double)f->n_customers, x->fmt[FMT_COUNT_LEFT],
                   count_width((int64_t)f->n_customers));
    }
    blank_row(&s);

    /* Portfolio by workload */
    section(&s, &r, "Portfolio by workload");
    static const char *const pf_head[] = {"Workload",
                                          "Customers",
                                          "\xCE\xA3 QE",
                                          "\xCE\xA3 AE",
                                          "Measured customers",
                                          "Pooled AU",
                                          "Mean AU",
                                          "Green",
                                          "Yellow",
                                          "Red",
                                          "N/A"};
    header_row(&s, &r, pf_head, 11, 0);
    lxw_row_t pf_first = s.row;
    for (size_t i = 0; i < f->n_portfolio && next_row(&s, &r); i++) {
        const struct fact_portfolio *p = &f->portfolio[i];
        char sheet[32];
        workload_sheet(x, p->workload, sheet, sizeof(sheet));
        put_link(&s, r, 0, sheet, 0, facts_code(f, p->workload));
        put_count(&s, r, 1, (int64_t)p->customers);
        put_count(&s, r, 2, (int64_t)p->qe);
        put_count(&s, r, 3, (int64_t)p->ae);
        put_count(&s, r, 4, (int64_t)p->measured);
        put_pct(&s, r, 5, p->pooled_defined, p->pooled_au);
        put_pct(&s, r, 6, p->mean_defined, p->mean_au);
        for (int h = 0; h < 4; h++)
            put_count(&s, r, (lxw_col_t)(7 + h),
                      (int64_t)p->count[health_order[h]]);
    }
    lxw_row_t pf_last = s.row - 1;
    if (f->n_portfolio == 0 && next_row(&s, &r))
        put_text(&s, r, 0, "no workload has a row this month");
    blank_row(&s);

    /* Customer health */
    section(&s, &r, "Customer health");
    static const char *const ch_head[] = {"Health", "Customers", "Share"};
    header_row(&s, &r, ch_head, 3, 0);
    uint64_t total = 0;
    for (int h = 0; h < 4; h++)
        total += f->health_count[h];
    for (int h = 0; h < 4 && next_row(&s, &r); h++) {
        uint64_t n = f->health_count[health_order[h]];
        put_health(&s, r, 0, health_order[h]);
        put_count(&s, r, 1, (int64_t)n);
        if (total > 0)
            put_pct(&s, r, 2, true,
                    kpi_pct_round((kpi_i128)n, (kpi_i128)total));
    }
    if (next_row(&s, &r)) {
        put_text(&s, r, 0, "Total");
        put_count(&s, r, 1, (int64_t)total);
    }
    blank_row(&s);

    /* Goals */
    bool any_goal = false;
    for (int k = 0; k < cfg->n_workloads; k++)
        any_goal |= cfg->workload[k].goal >= 0;
    if (any_goal) {
        section(&s, &r, "Goals (active users)");
        static const char *const g_head[] = {"Workload", "Goal", "\xCE\xA3 AE",
                                             "Progress"};
        header_row(&s, &r, g_head, 4, 0);
        for (int k = 0; k < cfg->n_workloads; k++) {
            int w = f->workload_order[k];
            int64_t goal = cfg->workload[w].goal;
            if (goal < 0 || !next_row(&s, &r))
                continue;
            uint64_t ae = 0;
            for (size_t i = 0; i < f->n_portfolio; i++)
                if (f->portfolio[i].workload == w)
                    ae = f->portfolio[i].ae;
            put_text(&s, r, 0, facts_code(f, w));
            put_count(&s, r, 1, goal);
            put_count(&s, r, 2, (int64_t)ae);
            put_pct(&s, r, 3, goal > 0,
                    goal > 0 ? kpi_pct_round((kpi_i128)ae, (kpi_i128)goal) : 0);
        }
        blank_row(&s);
    }

    /* Pooled AU trend of the core workloads */
    lxw_row_t tr_first = 0, tr_last = 0;
    if (n_trend > 0) {
        section(&s, &r, "Pooled AU of the core workloads, last 12 months");
        if (next_row(&s, &r)) {
            put_text_fmt(&s, r, 0, "Month", x->fmt[FMT_HEADER], true);
            for (int k = 0; k < n_trend; k++)
                put_text_fmt(&s, r, (lxw_col_t)(1 + k),
                             facts_code(f, trend[k]->workload),
                             x->fmt[FMT_HEADER], true);
        }
        tr_first = s.row;
        for (int m = 0; m < FACTS_TREND_MONTHS && next_row(&s, &r); m++) {
            put_month(&s, r, 0, f->as_of_month - (FACTS_TREND_MONTHS - 1) + m);
            for (int k = 0; k < n_trend; k++)
                put_pct(&s, r, (lxw_col_t)(1 + k), trend[k]->trend_defined[m],
                        trend[k]->trend[m]);
        }
        tr_last = s.row - 1;
    }

    /* Charts to the right of the tables */
    lxw_col_t at = (lxw_col_t)(n_cols + 1);
    if (f->n_portfolio > 0)
        health_chart(&s, pf_first, pf_last, 2, at);
    if (n_trend > 0)
        trend_chart(&s, tr_first, tr_last, n_trend, 22, at);
    sheet_close(&s);
}

/* ------------------------------------------------------------------ */
/* Customers                                                           */

static void write_customers(struct xw *x)
{
    const struct facts *f = x->f;
    struct sheet s;
    lxw_row_t r;
    static const char *const before[] = {
        "Tenant ID", "Customer", "Region",  "FM",      "Seats",
        "Large",     "Health",   "Core QE", "Core AE", "Core AU"};
    lxw_col_t nb = 10;
    lxw_col_t n_cols = (lxw_col_t)(nb + x->n_core + 2);
    sheet_init(&s, x, "Customers", n_cols, true, 2);
    for (lxw_col_t c = 0; c < nb; c++)
        column_title(&s, c, "%s", before[c]);
    for (int k = 0; k < x->n_core; k++)
        column_title(&s, (lxw_col_t)(nb + k), "AU %s",
                     facts_code(f, x->core[k]));
    column_title(&s, (lxw_col_t)(nb + x->n_core), "Users to goal");
    column_title(&s, (lxw_col_t)(nb + x->n_core + 1), "Focus areas");
    sheet_open(&s);
    char areas[128];
    for (size_t i = 0; i < f->n_customers && next_row(&s, &r); i++) {
        const struct fact_customer *c = &f->customer[i];
        const struct store_tenant *t = tenant_of(x, c->tenant);
        put_customer(&s, r, t);
        put_opt_count(&s, r, 4, t->seats >= 0, t->seats);
        if (c->large_known)
            put_yes_no(&s, r, 5, c->large);
        put_health(&s, r, 6, c->health);
        put_count(&s, r, 7, (int64_t)c->core_qe);
        put_count(&s, r, 8, (int64_t)c->core_ae);
        put_pct(&s, r, 9, c->core_au_defined, c->core_au);
        for (int k = 0; k < x->n_core; k++) {
            const struct fact_workload *row =
                customer_row(x, c, x->core[k], NULL);
            if (row)
                put_pct(&s, r, (lxw_col_t)(nb + k), row->au_defined, row->au);
        }
        put_count(&s, r, (lxw_col_t)(nb + x->n_core), c->users_to_goal);
        kpi_focus_join(c->focus, areas, sizeof(areas));
        put_text(&s, r, (lxw_col_t)(nb + x->n_core + 1), areas);
    }
    sheet_close(&s);
}

/* ------------------------------------------------------------------ */
/* One sheet per workload                                              */

static void write_workload(struct xw *x, int w)
{
    const struct facts *f = x->f;
    bool exo = strcmp(facts_code(f, w), "EXO") == 0;
    static const char *const titles[] = {"Tenant ID",
                                         "Customer",
                                         "Region",
                                         "QE",
                                         "AE",
                                         "AU",
                                         "Health",
                                         "EXO scenario",
                                         "Delta 1m (pp)",
                                         "Delta 3m (pp)",
                                         "Plateau months",
                                         "Plateau",
                                         "QE backfilled",
                                         "Enabled",
                                         "Days kickoff to enable",
                                         "Days to 10%",
                                         "Days to 40%",
                                         "Days to 70%",
                                         "Users to goal",
                                         "Notes tags",
                                         "Status"};
    enum { N_TITLES = sizeof(titles) / sizeof(titles[0]) };
    char name[32];
    workload_sheet(x, w, name, sizeof(name));
    struct sheet s;
    sheet_init(&s, x, name, exo ? N_TITLES : N_TITLES - 1, true, 2);
    lxw_col_t c = 0;
    for (size_t k = 0; k < N_TITLES; k++)
        if (exo || k != 7)
            column_title(&s, c++, "%s", titles[k]);
    sheet_open(&s);
    lxw_row_t r;
    for (size_t i = 0; i < f->n_rows; i++) {
        const struct fact_workload *row = &f->row[i];
        if (row->workload != w)
            continue;
        if (!next_row(&s, &r))
            break;
        const struct store_tenant *t = tenant_of(x, row->tenant);
        put_text(&s, r, 0, t->id);
        put_text(&s, r, 1, t->name);
        put_text(&s, r, 2, t->region);
        put_opt_count(&s, r, 3, row->qe_known, row->qe);
        put_opt_count(&s, r, 4, row->value.has_value, row->value.ae);
        put_pct(&s, r, 5, row->au_defined, row->au);
        put_health(&s, r, 6, row->health);
        c = 7;
        if (exo)
            put_text(&s, r, c++, row->scenario);
        put_pp(&s, r, c++, row->has_delta_1m, row->delta_1m);
        put_pp(&s, r, c++, row->has_delta_3m, row->delta_3m);
        put_count(&s, r, c++, row->plateau_months);
        put_yes_no(&s, r, c++, row->plateau);
        put_yes_no(&s, r, c++, row->qe_backfilled);
        put_date(&s, r, c++, row->enabled_date);
        put_days(&s, r, c++, row->days_kickoff_to_enable);
        for (int k = 0; k < KPI_MILESTONES; k++)
            put_days(&s, r, c++, row->days_to[k]);
        put_opt_count(&s, r, c++, row->has_users_to_goal, row->users_to_goal);
        put_text(&s, r, c++, row->tags);
        put_text(&s, r, c++, row->status);
    }
    sheet_close(&s);
}

/* ------------------------------------------------------------------ */
/* Velocity, Plateau, Biggest losers: worst first                      */

/* Velocity: the lines of facts.velocity, in their order. */
static void write_velocity(struct xw *x)
{
    const struct facts *f = x->f;
    static const char *const titles[] = {
        "Tenant ID",   "Customer",        "Region",
        "FM",          "Velocity focus",  "Engagement start",
        "Kickoff",     "Days to gateway", "Days to kickoff",
        "Workload",    "Enabled",         "Days kickoff to enable",
        "Days to 10%", "Days to 40%",     "Days to 70%",
        "Findings"};
    enum { N_COLS = sizeof(titles) / sizeof(titles[0]) };
    struct sheet s;
    list_sheet_open(&s, x, "Velocity", titles,
                    (lxw_col_t)(sizeof(titles) / sizeof(titles[0])), 2);
    lxw_row_t r;
    char areas[128], cust_sheet[48], wl_sheet[48];
    for (size_t i = 0; i < f->n_velocity && next_row(&s, &r); i++) {
        const struct fact_velocity *l = &f->velocity[i];
        const struct fact_customer *c = &f->customer[l->customer];
        const struct fact_workload *row = l->row >= 0 ? &f->row[l->row] : NULL;
        const struct store_tenant *t = tenant_of(x, c->tenant);
        lxw_row_t cr =
            place(x, "Customers", l->customer, cust_sheet, sizeof(cust_sheet));
        put_text(&s, r, 0, t->id);
        if (row)
            put_text(&s, r, 1, t->name);
        else
            put_link(&s, r, 1, cust_sheet, cr, t->name);
        put_text(&s, r, 2, t->region);
        put_text(&s, r, 3, t->fm);
        kpi_focus_join(l->focus, areas, sizeof(areas));
        put_text(&s, r, 4, areas);
        put_date(&s, r, 5, t->engagement_start);
        put_date(&s, r, 6, t->kickoff_date);
        put_days(&s, r, 7, c->days_to_gateway);
        put_days(&s, r, 8, c->days_to_kickoff);
        if (row) {
            lxw_row_t wr =
                row_place(x, (size_t)l->row, wl_sheet, sizeof(wl_sheet));
            put_link(&s, r, 9, wl_sheet, wr, facts_code(f, row->workload));
            put_date(&s, r, 10, row->enabled_date);
            put_days(&s, r, 11, row->days_kickoff_to_enable);
            for (int j = 0; j < KPI_MILESTONES; j++)
                put_days(&s, r, (lxw_col_t)(12 + j), row->days_to[j]);
        }
        put_text(&s, r, 15, l->findings);
    }
    sheet_close(&s);
}

static void write_plateau(struct xw *x)
{
    const struct facts *f = x->f;
    static const char *const titles[] = {"Tenant ID",
                                         "Customer",
                                         "Region",
                                         "FM",
                                         "Workload",
                                         "Core",
                                         "QE",
                                         "AE",
                                         "AU",
                                         "Health",
                                         "Plateau months",
                                         "Anchor AU",
                                         "Delta 1m (pp)",
                                         "Delta 3m (pp)",
                                         "Users to goal",
                                         "Notes tags"};
    struct sheet s;
    list_sheet_open(&s, x, "Plateau", titles,
                    (lxw_col_t)(sizeof(titles) / sizeof(titles[0])), 2);
    lxw_row_t r;
    for (size_t i = 0; i < f->n_plateau && next_row(&s, &r); i++) {
        const struct fact_workload *row = put_row_head(&s, r, x, f->plateau[i]);
        put_yes_no(&s, r, 5, row->core);
        put_opt_count(&s, r, 6, row->qe_known, row->qe);
        put_opt_count(&s, r, 7, row->value.has_value, row->value.ae);
        put_pct(&s, r, 8, row->au_defined, row->au);
        put_health(&s, r, 9, row->health);
        put_count(&s, r, 10, row->plateau_months);
        bool anchor = kpi_au_defined(&row->plateau_anchor);
        put_pct(&s, r, 11, anchor,
                anchor ? kpi_au_centi(row->plateau_anchor.ae,
                                      row->plateau_anchor.qe)
                       : 0);
        put_pp(&s, r, 12, row->has_delta_1m, row->delta_1m);
        put_pp(&s, r, 13, row->has_delta_3m, row->delta_3m);
        put_opt_count(&s, r, 14, row->has_users_to_goal, row->users_to_goal);
        put_text(&s, r, 15, row->tags);
    }
    sheet_close(&s);
}

static void write_losers(struct xw *x)
{
    const struct facts *f = x->f;
    static const char *const titles[] = {"Tenant ID",
                                         "Customer",
                                         "Region",
                                         "FM",
                                         "Workload",
                                         "QE",
                                         "AE",
                                         "AU 3 months ago",
                                         "AU",
                                         "Delta 3m (pp)",
                                         "Delta 1m (pp)",
                                         "Health",
                                         "Users to goal",
                                         "Notes tags"};
    struct sheet s;
    list_sheet_open(&s, x, "Biggest losers", titles,
                    (lxw_col_t)(sizeof(titles) / sizeof(titles[0])), 2);
    lxw_row_t r;
    for (size_t i = 0; i < f->n_losers && next_row(&s, &r); i++) {
        const struct fact_workload *row = put_row_head(&s, r, x, f->loser[i]);
        put_opt_count(&s, r, 5, row->qe_known, row->qe);
        put_opt_count(&s, r, 6, row->value.has_value, row->value.ae);
        bool before = kpi_au_defined(&row->value_3m_ago);
        put_pct(&s, r, 7, before,
                before
                    ? kpi_au_centi(row->value_3m_ago.ae, row->value_3m_ago.qe)
                    : 0);
        put_pct(&s, r, 8, row->au_defined, row->au);
        put_pp(&s, r, 9, row->has_delta_3m, row->delta_3m);
        put_pp(&s, r, 10, row->has_delta_1m, row->delta_1m);
        put_health(&s, r, 11, row->health);
        put_opt_count(&s, r, 12, row->has_users_to_goal, row->users_to_goal);
        put_text(&s, r, 13, row->tags);
    }
    sheet_close(&s);
}

/* ------------------------------------------------------------------ */
/* Candidates                                                          */

static void write_candidates(struct xw *x)
{
    const struct facts *f = x->f;
    static const char *const titles[] = {"Region", "Tenant ID",    "Customer",
                                         "FM",     "Focus area",   "Workload",
                                         "Detail", "Users to goal"};
    struct sheet s;
    list_sheet_open(&s, x, "Candidates", titles,
                    (lxw_col_t)(sizeof(titles) / sizeof(titles[0])), 3);
    lxw_row_t r;
    char cust_sheet[48];
    for (size_t i = 0; i < f->n_candidates && next_row(&s, &r); i++) {
        const struct fact_candidate *cd = &f->candidate[i];
        const struct fact_customer *c = &f->customer[cd->customer];
        const struct store_tenant *t = tenant_of(x, c->tenant);
        put_text(&s, r, 0, t->region);
        put_text(&s, r, 1, t->id);
        lxw_row_t cr =
            place(x, "Customers", cd->customer, cust_sheet, sizeof(cust_sheet));
        put_link(&s, r, 2, cust_sheet, cr, t->name);
        put_text(&s, r, 3, t->fm);
        put_text(&s, r, 4, kpi_focus_code(cd->area));
        put_text(&s, r, 5, facts_code(f, cd->workload));
        put_text(&s, r, 6, cd->detail);
        put_count(&s, r, 7, c->users_to_goal);
    }
    sheet_close(&s);
}

/* ------------------------------------------------------------------ */
/* Data quality                                                        */

/* Splits a reject example "file:line: message" on one of the input
 * paths; false when it does not start with one. */
static bool split_example(const struct xw *x, const char *ex, const char **file,
                          size_t *file_len, uint64_t *line, const char **msg)
{
    for (size_t i = 0; i < x->in->n_stats; i++) {
        const char *p = x->in->stats[i].path;
        size_t n = p ? strlen(p) : 0;
        if (n == 0 || strncmp(ex, p, n) != 0 || ex[n] != ':')
            continue;
        const char *q = ex + n + 1;
        uint64_t v = 0;
        size_t digits = 0;
        while (*q >= '0' && *q <= '9' && digits < 19) {
            v = v * 10 + (uint64_t)(*q++ - '0');
            digits++;
        }
        if (digits == 0 || q[0] != ':' || q[1] != ' ')
            continue;
        *file = p;
        *file_len = n;
        *line = v;
        *msg = q + 2;
        return true;
    }
    return false;
}

static void write_data_quality(struct xw *x)
{
    const struct report_xlsx_input *in = x->in;
    lxw_col_t n_cols = 6 + REJECT_COUNT;
    struct sheet s;
    sheet_init(&s, x, "Data quality", n_cols, false, 0);
    static const char *const titles[] = {"File",      "Kind",     "Bytes",
                                         "Rows read", "Accepted", "Rejected"};
    const char *head[6 + REJECT_COUNT];
    for (int c = 0; c < 6; c++)
        head[c] = titles[c];
    for (int k = 0; k < REJECT_COUNT; k++)
        head[6 + k] = reject_title((enum reject_reason)k);
    sheet_open(&s);
    lxw_row_t r;
    /* the file table is a list: frozen header and an autofilter */
    header_row(&s, &r, head, n_cols, 2.5);
    for (size_t i = 0; i < in->n_stats && next_row(&s, &r); i++) {
        const struct extract_stats *st = &in->stats[i];
        put_text(&s, r, 0, st->path);
        put_text(&s, r, 1, extract_kind_name(st->kind));
        put_count(&s, r, 2, (int64_t)st->bytes);
        put_count(&s, r, 3, (int64_t)st->read);
        put_count(&s, r, 4, (int64_t)st->accepted);
        put_count(&s, r, 5, (int64_t)st->rejected);
        for (int k = 0; k < REJECT_COUNT; k++)
            put_count(&s, r, (lxw_col_t)(6 + k), (int64_t)st->by_reason[k]);
    }
    lxw_row_t last = s.row > 1 ? s.row - 1 : 1;
    if (x->err == FTK_OK) {
        check(&s, 0, 0, worksheet_autofilter(s.ws, 0, 0, last, n_cols - 1));
        worksheet_freeze_panes(s.ws, 1, 0);
        worksheet_gridlines(s.ws, LXW_SHOW_ALL_GRIDLINES);
    }
    blank_row(&s);
    section(&s, &r,
            "First rejected rows of each reason (all of them are in "
            "rejects.csv)");
    static const char *const ex_head[] = {"File", "Line", "Reason", "Message"};
    header_row(&s, &r, ex_head, 4, 0);
    bool any = false;
    for (int k = 0; in->rejects && k < REJECT_COUNT; k++) {
        for (int e = 0; e < in->rejects->n_examples[k] && e < REJECTS_EXAMPLES;
             e++) {
            if (!next_row(&s, &r))
                break;
            any = true;
            const char *ex = in->rejects->example[k][e];
            const char *file, *msg;
            size_t file_len;
            uint64_t line;
            if (split_example(x, ex, &file, &file_len, &line, &msg)) {
                put_text(&s, r, 0, file);
                put_count(&s, r, 1, (int64_t)line);
                put_text(&s, r, 3, msg);
            } else {
                put_text(&s, r, 3, ex);
            }
            put_text(&s, r, 2, reject_title((enum reject_reason)k));
        }
    }
    if (!any && next_row(&s, &r))
        put_text(&s, r, 0, "no row was rejected");
    sheet_close(&s);
}

/* ------------------------------------------------------------------ */
/* Definitions                                                         */

/* The width of the Definitions sheet's text column. */
#define DEF_WIDTH 80.0

static void def_row(struct sheet *s, const char *term, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void def_row(struct sheet *s, const char *term, const char *fmt, ...)
{
    lxw_row_t r;
    if (!next_row(s, &r))
        return;
    char text[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof(text), fmt, ap);
    va_end(ap);
    put_text_fmt(s, r, 0, term, s->x->fmt[FMT_TOP], true);
    put_text_fmt(s, r, 1, text, s->x->fmt[FMT_WRAP], true);
    /* Neither Excel nor LibreOffice grows a row for wrapped text that a
     * file gives no height: give it one, counting a line per 0.8 column
     * widths (lines break at spaces, and proportional glyphs vary). */
    double w = width_upto(text, 1e9);
    int lines = (int)ceil(w / (DEF_WIDTH * 0.8));
    if (lines > 1)
        check(s, r, 1, worksheet_set_row(s->ws, r, 15.0 * lines, NULL));
}

/* A configuration percent as a plain number cell (40, 40.5), left-aligned
 * like the text of the wide column it shares. */
static void put_config_pct(struct sheet *s, lxw_row_t r, lxw_col_t c, kpi_pct v)
{
    char buf[32];
    kpi_pct_format(v, buf);
    put_number(s, r, c, (double)v / KPI_PCT_SCALE, s->x->fmt[FMT_LEFT],
               1.0 + (double)strlen(buf));
}

static void setting_row(struct sheet *s, const char *name, kpi_pct pct,
                        int64_t count, bool is_pct, const char *key)
{
    lxw_row_t r;
    if (!next_row(s, &r))
        return;
    put_text(s, r, 0, name);
    if (is_pct)
        put_config_pct(s, r, 1, pct);
    else
        put_number(s, r, 1, (double)count, s->x->fmt[FMT_COUNT_LEFT],
                   count_width(count));
    put_text_fmt(s, r, 2, key, s->x->fmt[FMT_NOTE], true);
}

static void write_definitions(struct xw *x)
{
    const struct config *cfg = x->cfg;
    const struct kpi_focus_limits *fl = &cfg->focus;
    char band[32], lp[32], loser[32], cr[32], cg[32], core[512] = "";
    kpi_pct_format(cfg->plateau_band, band);
    kpi_pct_format(fl->large_poor_below, lp);
    kpi_pct_format(fl->loser_delta_3m, loser);
    kpi_pct_format(cfg->customer.red_below, cr);
    kpi_pct_format(cfg->customer.green_above, cg);
    for (int k = 0; k < x->n_core; k++) {
        if (k)
            strncat(core, ", ", sizeof(core) - strlen(core) - 1);
        strncat(core, facts_code(x->f, x->core[k]),
                sizeof(core) - strlen(core) - 1);
    }

    struct sheet s;
    lxw_row_t r;
    sheet_init(&s, x, "Definitions", 6, false, 0);
    if (s.col) {
        s.col[1].max_width = DEF_WIDTH;
        s.col[5].max_width = 66; /* a SHA-256 whole */
    }
    sheet_open(&s);
    if (x->err == FTK_OK)
        worksheet_gridlines(s.ws, LXW_SHOW_ALL_GRIDLINES);
    title_row(&s, &r, "Definitions, thresholds and inputs", FMT_TITLE, 21);
    blank_row(&s);

    section(&s, &r, "KPIs");
    static const char *const k_head[] = {"KPI", "Definition"};
    header_row(&s, &r, k_head, 2, 0);
    def_row(&s, "QE",
            "Qualified entitlements: the licensed seats of a "
            "workload that qualify for the program, from the "
            "latest entitlement snapshot on or before the usage "
            "date.");
    def_row(&s, "AE",
            "Active entitlements: unique users with an intentional "
            "action in the workload in a rolling 28-day window, "
            "from the month's latest usage snapshot.");
    def_row(&s, "AU",
            "Active usage = AE / QE of the month's latest usage "
            "snapshot, shown to 2 decimals (rounded half away from "
            "zero); empty when QE is 0 or unknown; may exceed "
            "100%%.");
    def_row(&s, "Health",
            "Green when AU is above the workload's green_above, Red when "
            "below its red_below, else Yellow; N/A without an AU "
            "(thresholds below; comparisons are exact).");
    def_row(&s, "EXO scenario",
            "The EXO playbook section that applies: <10%% "
            "when AU < 10, 10-40%% when 10 <= AU <= 40, "
            ">40%% when AU > 40.");
    def_row(&s, "Delta 1m / 3m (pp)",
            "AU of the as-of month minus AU one / three months earlier, in "
            "percentage points; empty when either month has no AU.");
    def_row(&s, "Plateau months",
            "The longest run of consecutive months ending in the as-of month "
            "whose AU all stay within +-%s pp of the run's first month.",
            band);
    def_row(&s, "Plateau",
            "Plateau months above %d (at least %d monthly values) and health "
            "not Green.",
            cfg->plateau_min_months, cfg->plateau_min_months + 2);
    def_row(&s, "Customer health",
            "Over the core workloads with an AU: Red if %d or more are below "
            "%s%%, else Green if any is above %s%%, else Yellow if any is at "
            "least %s%%, else Red; N/A without any.",
            cfg->customer.red_count, cr, cg, cr);
    def_row(&s, "Core QE / AE / AU",
            "Sums of QE and AE over the core workloads (%s) with an AU; core "
            "AU is their ratio (pooled).",
            core);
    def_row(&s, "Large",
            "Seats at least %lld (seats from customers, else the largest QE "
            "of any workload).",
            (long long)fl->large_seats);
    def_row(&s, "Users to goal",
            "Extra active users a workload needs to pass its target "
            "(green_above): floor(QE x target / 100) + 1 - AE, at least 0; a "
            "customer's is the sum over its core workloads.");
    def_row(&s, "Notes tags",
            "Expecting<50, Expecting>50 and #hashtags from "
            "the latest entitlement snapshot's notes.");
    def_row(&s, "Days to gateway / kickoff",
            "Days from engagement start to the gateway / kickoff date.");
    def_row(&s, "Days kickoff to enable",
            "Days from kickoff to the workload's enabled date (negative when "
            "it was enabled before kickoff).");
    def_row(&s, "Days to 10% / 40% / 70%",
            "Days from the enabled date to the first usage snapshot whose AU "
            "reached 10 / 40 / 70%%.");
    def_row(&s, "Pooled AU",
            "A workload's sum of AE over its sum of QE, over "
            "the customers with an AU.");
    def_row(&s, "Mean AU",
            "The unweighted mean of the customers' AU (the "
            "playbooks' average AE/QE).");
    def_row(&s, "LARGE_POOR", "A large customer whose core AU is below %s%%.",
            lp);
    def_row(&s, "PLATEAU", "A core workload that is a plateau.");
    def_row(&s, "LOSER",
            "A core workload whose delta 3m is %s pp or less (the Biggest "
            "losers sheet).",
            loser);
    def_row(&s, "SLOW_KICKOFF",
            "No kickoff date by the as-of month's end and more than %d days "
            "since engagement start.",
            fl->slow_kickoff_days);
    def_row(&s, "SLOW_ENABLE",
            "Kickoff more than %d days ago and a core workload with QE > 0 "
            "not yet enabled.",
            fl->slow_enable_days);
    def_row(&s, "SLOW_RAMP",
            "A core workload enabled more than %d / %d / %d days ago that has "
            "not reached 10 / 40 / 70%% since (milestones up to its target).",
            fl->slow_ramp_days[0], fl->slow_ramp_days[1],
            fl->slow_ramp_days[2]);
    blank_row(&s);

    section(&s, &r, "Workload thresholds and goals in force");
    static const char *const t_head[] = {"Workload", "Green above (AU %)",
                                         "Red below (AU %)", "Core",
                                         "Goal (active users)"};
    header_row(&s, &r, t_head, 5, 0);
    for (int k = 0; k < cfg->n_workloads && next_row(&s, &r); k++) {
        const struct config_workload *w =
            &cfg->workload[x->f->workload_order[k]];
        put_text(&s, r, 0, w->code);
        put_config_pct(&s, r, 1, w->threshold.green_above);
        put_config_pct(&s, r, 2, w->threshold.red_below);
        put_yes_no(&s, r, 3, w->core);
        if (w->goal >= 0)
            put_count(&s, r, 4, w->goal);
    }
    blank_row(&s);

    section(&s, &r, "Customer health, plateau, focus areas and ingest");
    static const char *const s_head[] = {"Setting", "Value",
                                         "Configuration key"};
    header_row(&s, &r, s_head, 3, 0);
    setting_row(&s, "Customer health: Red below (AU %)",
                cfg->customer.red_below, 0, true,
                "[customer_health] red_below");
    setting_row(&s, "Customer health: Green above (AU %)",
                cfg->customer.green_above, 0, true,
                "[customer_health] green_above");
    setting_row(&s, "Customer health: Red count", 0, cfg->customer.red_count,
                false, "[customer_health] red_count");
    setting_row(&s, "Plateau band (pp)", cfg->plateau_band, 0, true,
                "[plateau] band_pp");
    setting_row(&s, "Plateau: more than (months)", 0, cfg->plateau_min_months,
                false, "[plateau] min_months");
    setting_row(&s, "Large: seats at least", 0, fl->large_seats, false,
                "[focus] large_seats");
    setting_row(&s, "LARGE_POOR: core AU below (%)", fl->large_poor_below, 0,
                true, "[focus] large_poor_below");
    setting_row(&s, "LOSER: delta 3m at most (pp)", fl->loser_delta_3m, 0, true,
                "[focus] loser_delta_3m_pp");
    setting_row(&s, "SLOW_KICKOFF: days", 0, fl->slow_kickoff_days, false,
                "[focus] slow_kickoff_days");
    setting_row(&s, "SLOW_ENABLE: days", 0, fl->slow_enable_days, false,
                "[focus] slow_enable_days");
    setting_row(&s, "SLOW_RAMP 10%: days", 0, fl->slow_ramp_days[0], false,
                "[focus] slow_ramp_10_days");
    setting_row(&s, "SLOW_RAMP 40%: days", 0, fl->slow_ramp_days[1], false,
                "[focus] slow_ramp_40_days");
    setting_row(&s, "SLOW_RAMP 70%: days", 0, fl->slow_ramp_days[2], false,
                "[focus] slow_ramp_70_days");
    setting_row(&s, "Rejected rows: at most (% of a file)", cfg->max_reject_pct,
                0, true, "[ingest] max_reject_pct");
    if (next_row(&s, &r)) {
        put_text(&s, r, 0, "Core workloads");
        put_text(&s, r, 1, core);
        put_text_fmt(&s, r, 2, "[core] workloads", x->fmt[FMT_NOTE], true);
    }
    blank_row(&s);

    section(&s, &r, "Inputs");
    static const char *const i_head[] = {"File",      "Kind",     "Bytes",
                                         "Rows read", "Rejected", "SHA-256"};
    header_row(&s, &r, i_head, 6, 0);
    for (size_t i = 0; i < x->in->n_stats && next_row(&s, &r); i++) {
        const struct extract_stats *st = &x->in->stats[i];
        put_text(&s, r, 0, st->path);
        put_text(&s, r, 1, extract_kind_name(st->kind));
        put_count(&s, r, 2, (int64_t)st->bytes);
        put_count(&s, r, 3, (int64_t)st->read);
        put_count(&s, r, 4, (int64_t)st->rejected);
        put_text(&s, r, 5, st->sha256);
    }
    blank_row(&s);

    section(&s, &r, "This workbook");
    static const char *const a_head[] = {"Item", "Value"};
    header_row(&s, &r, a_head, 2, 0);
    if (next_row(&s, &r)) {
        put_text(&s, r, 0, "As-of month");
        put_month(&s, r, 1, x->f->as_of_month);
    }
    if (next_row(&s, &r)) {
        put_text(&s, r, 0, "Program");
        put_text(&s, r, 1, cfg->program_name);
    }
    if (next_row(&s, &r)) {
        put_text(&s, r, 0, "Configuration");
        put_text(&s, r, 1, cfg->source);
    }
    if (next_row(&s, &r)) {
        put_text(&s, r, 0, "ftkpi version");
        put_text(&s, r, 1, FTK_VERSION);
    }
    if (next_row(&s, &r)) {
        put_text(&s, r, 0, "Rows per sheet");
        put_number(&s, r, 1, x->max_rows, x->fmt[FMT_COUNT_LEFT],
                   count_width(x->max_rows));
        put_text_fmt(&s, r, 2, "more continue on NAME (2)", x->fmt[FMT_NOTE],
                     true);
    }
    if (next_row(&s, &r)) {
        put_text(&s, r, 0, "Links per sheet");
        put_number(&s, r, 1, LXW_MAX_NUMBER_URLS, x->fmt[FMT_COUNT_LEFT],
                   count_width(LXW_MAX_NUMBER_URLS));
        put_text_fmt(&s, r, 2, "Excel's limit; later rows show plain text",
                     x->fmt[FMT_NOTE], true);
    }
    sheet_close(&s);
}

/* ------------------------------------------------------------------ */
/* The workbook                                                        */

static lxw_format *new_format(struct xw *x)
{
    lxw_format *f = workbook_add_format(x->wb);
    if (!f)
        xw_fail(x, FTK_E_NOMEM, "workbook: out of memory for a cell format");
    return f;
}

static void make_formats(struct xw *x)
{
    for (int i = 0; i < FMT_COUNT_ALL && x->err == FTK_OK; i++)
        x->fmt[i] = new_format(x);
    if (x->err != FTK_OK)
        return;
    format_set_bold(x->fmt[FMT_TITLE]);
    format_set_font_size(x->fmt[FMT_TITLE], 14);
    format_set_bold(x->fmt[FMT_SECTION]);
    format_set_font_size(x->fmt[FMT_SECTION], 12);
    format_set_bold(x->fmt[FMT_HEADER]);
    format_set_bg_color(x->fmt[FMT_HEADER], 0xDDEBF7);
    format_set_bottom(x->fmt[FMT_HEADER], LXW_BORDER_THIN);
    format_set_text_wrap(x->fmt[FMT_HEADER]);
    format_set_align(x->fmt[FMT_HEADER], LXW_ALIGN_VERTICAL_BOTTOM);
    format_set_text_wrap(x->fmt[FMT_WRAP]);
    format_set_align(x->fmt[FMT_WRAP], LXW_ALIGN_VERTICAL_TOP);
    format_set_num_format(x->fmt[FMT_COUNT], "#,##0");
    format_set_num_format(x->fmt[FMT_PCT], "0.00%");
    format_set_num_format(x->fmt[FMT_PP], "0.00");
    format_set_num_format(x->fmt[FMT_DATE], "yyyy-mm-dd");
    format_set_num_format(x->fmt[FMT_MONTH], "yyyy-mm");
    format_set_align(x->fmt[FMT_MONTH], LXW_ALIGN_LEFT);
    format_set_num_format(x->fmt[FMT_DATE_LEFT], "yyyy-mm-dd");
    format_set_align(x->fmt[FMT_DATE_LEFT], LXW_ALIGN_LEFT);
    /* Excel's Good / Neutral / Bad cell styles */
    format_set_bg_color(x->fmt[FMT_GREEN], 0xC6EFCE);
    format_set_font_color(x->fmt[FMT_GREEN], 0x006100);
    format_set_bg_color(x->fmt[FMT_YELLOW], 0xFFEB9C);
    format_set_font_color(x->fmt[FMT_YELLOW], 0x9C5700);
    format_set_bg_color(x->fmt[FMT_RED], 0xFFC7CE);
    format_set_font_color(x->fmt[FMT_RED], 0x9C0006);
    format_set_font_color(x->fmt[FMT_NA], 0x808080);
    format_set_font_color(x->fmt[FMT_NOTE], 0x808080);
    format_set_italic(x->fmt[FMT_NOTE]);
    format_set_align(x->fmt[FMT_CENTER], LXW_ALIGN_CENTER);
    format_set_align(x->fmt[FMT_TOP], LXW_ALIGN_VERTICAL_TOP);
    format_set_align(x->fmt[FMT_LEFT], LXW_ALIGN_LEFT);
    format_set_num_format(x->fmt[FMT_COUNT_LEFT], "#,##0");
    format_set_align(x->fmt[FMT_COUNT_LEFT], LXW_ALIGN_LEFT);
}

/* The document properties; created is the last day of the as-of month so
 * the file is the same on every rerun. */
static void set_properties(struct xw *x)
{
    if (x->err != FTK_OK)
        return;
    char title[256], subject[256], company[256], comments[256];
    char author[] = "ftkpi";
    char *program = report_xlsx_cell_text(x->cfg->program_name,
                                          strlen(x->cfg->program_name));
    if (!program) {
        xw_fail(x, FTK_E_NOMEM, "workbook: out of memory");
        return;
    }
    snprintf(title, sizeof(title), "%s: adoption KPIs %s", program, x->month);
    snprintf(subject, sizeof(subject),
             "Adoption KPIs per customer and workload for %s", x->month);
    snprintf(company, sizeof(company), "%s", program);
    snprintf(comments, sizeof(comments), "Written by ftkpi %s", FTK_VERSION);
    free(program);
    lxw_doc_properties p = {
        .title = title,
        .subject = subject,
        .author = author,
        .company = company,
        .comments = comments,
        .created = (time_t)x->f->month_end * 86400,
    };
    /* 0 would mean "now" to libxlsxwriter: 1970-01-01 never is a month end */
    lxw_error e = workbook_set_properties(x->wb, &p);
    if (e != LXW_NO_ERROR)
        xw_fail(x, lxw_to_ftk(e), "workbook properties: %s", lxw_strerror(e));
}

/* Each facts row's place among the rows of its workload. */
static bool place_rows(struct xw *x)
{
    const struct facts *f = x->f;
    x->wl_pos = malloc((f->n_rows + 1) * sizeof(*x->wl_pos));
    if (!x->wl_pos)
        return false;
    uint32_t seen[CONFIG_MAX_WORKLOADS] = {0};
    for (size_t i = 0; i < f->n_rows; i++)
        x->wl_pos[i] = seen[f->row[i].workload]++;
    return true;
}

enum ftk_error report_xlsx_write(const char *path,
                                 const struct report_xlsx_input *in,
                                 struct ftk_diag *diag)
{
    struct xw x;
    memset(&x, 0, sizeof(x));
    x.in = in;
    x.f = in->facts;
    x.cfg = in->cfg;
    x.diag = diag;
    x.max_rows = in->max_rows == 0  ? REPORT_XLSX_MAX_ROWS
                 : in->max_rows < 2 ? 2
                                    : in->max_rows;
    if (x.max_rows > REPORT_XLSX_MAX_ROWS)
        x.max_rows = REPORT_XLSX_MAX_ROWS;
    kpi_month_format(x.f->as_of_month, x.month);
    for (int k = 0; k < x.cfg->n_workloads; k++) {
        int w = x.f->workload_order[k];
        if (x.cfg->workload[w].core)
            x.core[x.n_core++] = w;
    }

    /* libxlsxwriter's temporary files go next to the output */
    size_t dir_len = 0;
    const char *slash = strrchr(path, '/');
    char *tmpdir = malloc(strlen(path) + 2);
    if (!tmpdir || !place_rows(&x)) {
        free(tmpdir);
        free(x.wl_pos);
        return ftk_fail(diag, FTK_E_NOMEM, "%s: out of memory", path);
    }
    if (slash) {
        dir_len = (size_t)(slash - path);
        memcpy(tmpdir, path, dir_len ? dir_len : 1);
        tmpdir[dir_len ? dir_len : 1] = '\0';
    } else {
        strcpy(tmpdir, ".");
    }
    lxw_workbook_options opt = {.constant_memory = LXW_TRUE, .tmpdir = tmpdir};
    x.wb = workbook_new_opt(path, &opt);
    if (!x.wb) {
        free(tmpdir);
        free(x.wl_pos);
        return ftk_fail(diag, FTK_E_NOMEM, "%s: cannot start the workbook",
                        path);
    }
    make_formats(&x);
    set_properties(&x);
    write_summary(&x);
    write_customers(&x);
    for (size_t i = 0; i < x.f->n_portfolio && x.err == FTK_OK; i++)
        write_workload(&x, x.f->portfolio[i].workload);
    write_velocity(&x);
    write_plateau(&x);
    write_losers(&x);
    write_candidates(&x);
    write_data_quality(&x);
    write_definitions(&x);

    if (x.err == FTK_OK) {
        lxw_error e = workbook_close(x.wb);
        if (e != LXW_NO_ERROR)
            xw_fail(&x, lxw_to_ftk(e), "%s: %s", path, lxw_strerror(e));
    } else {
        /* nothing of a failed workbook is worth assembling */
        lxw_workbook_free(x.wb);
    }
    free(tmpdir);
    free(x.wl_pos);
    free(x.text.p);
    return x.err;
}
