/*
 * pipeline/report/sheet.c - the sheet engine (sheet.h): text, widths,
 * parts, cells, formats.
 */
#include "sheet.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "kpi/date.h"
#include "pipeline/base/grow.h"
#include "pipeline/base/sort.h"
#include "pipeline/base/testing.h"
#include "pipeline/base/utf8.h"
#include "pipeline/report/values.h"

/* ------------------------------------------------------------------ */
/* Text: sanitised, cut, measured                                      */

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
    char *p =
        grow_array(b->p, &b->cap, n * 3 + sizeof(REPORT_XLSX_CUT_MARK) + 1, 1);
    if (!p)
        return NULL;
    b->p = p;
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

char *sheet_cell_text(const char *s, size_t n)
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
double sheet_text_width_upto(const char *text, double limit)
{
    const unsigned char *p = (const unsigned char *)text;
    double w = 1.0; /* margin */
    while (*p && w < limit) {
        if (*p < 0x80) { /* ASCII: one column, no decoding */
            w += 1.0;
            p++;
            continue;
        }
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

double sheet_text_width(const char *text)
{
    return sheet_text_width_upto(text, REPORT_XLSX_MAX_WIDTH);
}

/* The width of a bold header shown on at most two lines, split at the
 * space that makes the longer line shortest; *two_lines says whether it
 * needs the second line. Excel wraps greedily at spaces, and greedy
 * wrapping at this width never needs a third line. */
static double header_width(const char *title, bool *two_lines)
{
    char left[64];
    double best = sheet_text_width(title);
    *two_lines = false;
    size_t n = strlen(title);
    if (best <= 9) /* no narrower than a count: not worth a second line */
        return best * 1.1;
    for (size_t i = 1; i + 1 < n && i < sizeof(left); i++) {
        if (title[i] != ' ')
            continue;
        memcpy(left, title, i);
        left[i] = '\0';
        double a = sheet_text_width(left);
        double b = sheet_text_width(title + i + 1);
        double w = a > b ? a : b;
        if (w < best) {
            best = w;
            *two_lines = true;
        }
    }
    return best * 1.1;
}

/* Characters of an integer shown with #,##0. */
double sheet_count_width(int64_t v)
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
/* The book and its sheets                                             */

void sheet_fail(struct sheet_book *x, enum ftk_error err, const char *fmt, ...)
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

enum ftk_error sheet_lxw_error(lxw_error e)
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

bool sheet_check(struct sheet *s, lxw_row_t r, lxw_col_t c, lxw_error e)
{
    if (e == LXW_NO_ERROR)
        return true;
    char cell[LXW_MAX_CELL_NAME_LENGTH];
    lxw_rowcol_to_cell(cell, r, c);
    sheet_fail(s->x, sheet_lxw_error(e), "sheet '%s' cell %s: %s", s->name,
               cell, lxw_strerror(e));
    return false;
}

static void sheet_note_width(struct sheet *s, lxw_col_t c, double w)
{
    if (w > s->col[c].width)
        s->col[c].width = w;
}

/* The data rows of a part of a list sheet: its rows less the header and
 * the note, at least one. */
static uint32_t rows_per_part(const struct sheet_book *x, bool noted)
{
    uint32_t top = 1 + noted;
    return x->max_rows > top + 1 ? x->max_rows - top : 1;
}

/* Sets up a sheet of n_cols columns; titles follow with column_title. */
void sheet_init(struct sheet *s, struct sheet_book *x, const char *base,
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
        sheet_fail(x, FTK_E_NOMEM, "sheet '%s': out of memory", base);
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

/* On paper every sheet is fitted to one page wide, as many pages down as
 * it needs: a wide list shrinks, but prints as a column of pages a
 * reader turns, not a row's columns over several pages
 * (docs/workbook.md, "On paper"). */
static void part_print_width(struct sheet *s)
{
    worksheet_fit_to_pages(s->ws, 1, 0);
}

/* The 3-colour scale (lowest red, median yellow, highest green; Excel's
 * own colours) over each run of adjacent scale columns of a list's rows.
 * libxlsxwriter keeps conditional formats apart from the cells and writes
 * them when the file is assembled, so constant-memory mode takes them
 * after the rows. */
static void part_scales(struct sheet *s, lxw_row_t last)
{
    const struct sheet_list *l = s->rows;
    lxw_row_t first = s->head + 1;
    if (!l || s->row <= first)
        return;
    for (size_t k = 0; k < l->n_cols; k++) {
        if (!l->col[k].scale || (k > 0 && l->col[k - 1].scale))
            continue;
        size_t end = k;
        while (end + 1 < l->n_cols && l->col[end + 1].scale)
            end++;
        lxw_conditional_format cf = {.type = LXW_CONDITIONAL_3_COLOR_SCALE};
        if (!sheet_check(
                s, first, (lxw_col_t)k,
                worksheet_conditional_format_range(s->ws, first, (lxw_col_t)k,
                                                   last, (lxw_col_t)end, &cf)))
            return;
    }
}

/* Widths, autofilter, frozen panes and print width of the part being
 * written. */
static void part_finish(struct sheet *s)
{
    struct sheet_book *x = s->x;
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
        if (!sheet_check(s, 0, c, worksheet_set_column(s->ws, c, c, w, NULL)))
            return;
    }
    part_print_width(s);
    if (s->list) {
        lxw_row_t h = s->head;
        lxw_row_t last = s->row > h + 1 ? s->row - 1 : h + 1;
        sheet_check(s, h, 0,
                    worksheet_autofilter(s->ws, h, 0, last, s->n_cols - 1));
        /* the note too stays in sight */
        worksheet_freeze_panes(s->ws, h + 1, s->freeze_cols);
        /* on paper, text running past the last column is cut, not printed
         * on pages of empty columns */
        sheet_check(s, 0, 0,
                    worksheet_print_area(s->ws, 0, 0, last, s->n_cols - 1));
        part_scales(s, last);
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
    struct sheet_book *x = s->x;
    if (x->err != FTK_OK)
        return;
    part_name(s->name, sizeof(s->name), s->base, ++s->part);
    s->row = 0;
    s->links = 0;
    lxw_error e = workbook_validate_sheet_name(x->wb, s->name);
    if (e != LXW_NO_ERROR) {
        sheet_fail(x, FTK_E_IO, "sheet '%s': %s", s->name, lxw_strerror(e));
        return;
    }
    /* constant-memory mode makes the sheet's temporary file here (thread-
     * safe: xlsx_threads.h) */
    s->ws = workbook_add_worksheet(x->wb, s->name);
    if (!s->ws) {
        sheet_fail(x, FTK_E_CANTCREAT,
                   "sheet '%s': cannot add it (out of memory, or no temporary "
                   "file in the output folder)",
                   s->name);
        return;
    }
    for (lxw_col_t c = 0; c < s->n_cols; c++)
        s->col[c].width = s->col[c].head_width;
    /* printed: landscape, the workbook's title and the sheet above,
     * "Page N of M" below, gridlines on screen only (the header row's fill
     * and border carry the table on paper); how wide: part_finish */
    worksheet_set_landscape(s->ws);
    worksheet_gridlines(s->ws, LXW_SHOW_SCREEN_GRIDLINES);
    sheet_check(s, 0, 0, worksheet_set_header(s->ws, x->page_header));
    sheet_check(s, 0, 0, worksheet_set_footer(s->ws, "&CPage &P of &N"));
    if (!s->list)
        return;
    s->head = 0;
    if (s->note) {
        /* one line, left to run over the empty cells beside it: merged
         * cells are not safe in constant-memory mode */
        if (!sheet_check(s, 0, 0,
                         worksheet_write_string(s->ws, 0, 0, s->note,
                                                x->fmt[FMT_LEFT_OUT])))
            return;
        s->head = 1;
    }
    lxw_row_t h = s->head;
    /* the header row on every page */
    sheet_check(s, h, 0, worksheet_repeat_rows(s->ws, h, h));
    bool any_two = false;
    for (lxw_col_t c = 0; c < s->n_cols; c++) {
        struct sheet_col *col = &s->col[c];
        bool two;
        /* plus the autofilter's drop-down button */
        col->head_width = header_width(col->title, &two) + 2.5;
        any_two |= two;
        if (col->head_width > col->max_width)
            col->head_width = col->max_width;
        col->width = col->head_width;
        if (!sheet_check(s, h, c,
                         worksheet_write_string(s->ws, h, c, col->title,
                                                x->fmt[FMT_HEADER])))
            return;
    }
    if (any_two)
        sheet_check(s, h, 0, worksheet_set_row(s->ws, h, 30, NULL));
    s->row = h + 1;
}

/* The row to write next; a full list sheet continues on its next part.
 * Returns false once an error is kept. */
bool sheet_next_row(struct sheet *s, lxw_row_t *r)
{
    struct sheet_book *x = s->x;
    if (x->err != FTK_OK)
        return false;
    uint32_t limit = s->list ? s->head + 1 + rows_per_part(x, s->note != NULL)
                             : REPORT_XLSX_MAX_ROWS;
    if (s->row >= limit) {
        if (!s->list) {
            sheet_fail(x, FTK_E_IO, "sheet '%s': more than %u rows", s->name,
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

void sheet_open(struct sheet *s)
{
    if (s->x->err == FTK_OK)
        part_open(s);
}

void sheet_close(struct sheet *s)
{
    part_finish(s);
    free(s->col);
    s->col = NULL;
    free(s->note);
    s->note = NULL;
}

/* ------------------------------------------------------------------ */
/* Cells                                                               */

void sheet_put_text_fmt(struct sheet *s, lxw_row_t r, lxw_col_t c,
                        const char *text, lxw_format *fmt, bool measure)
{
    struct sheet_book *x = s->x;
    if (x->err != FTK_OK || !text || !text[0])
        return;
    const char *t = clean_text(&x->text, text, strlen(text));
    if (!t) {
        sheet_fail(x, FTK_E_NOMEM, "sheet '%s': out of memory", s->name);
        return;
    }
    /* A string cell, always: text starting with = + - @ stays text. */
    if (sheet_check(s, r, c, worksheet_write_string(s->ws, r, c, t, fmt)) &&
        measure)
        sheet_note_width(s, c, sheet_text_width(t));
}

void sheet_put_text(struct sheet *s, lxw_row_t r, lxw_col_t c, const char *text)
{
    sheet_put_text_fmt(s, r, c, text, s->top ? s->x->fmt[FMT_TOP] : NULL, true);
}

/* A number; never NaN or Inf (every figure comes from integers, so this
 * guard only keeps a bug from reaching a cell). */
void sheet_put_number(struct sheet *s, lxw_row_t r, lxw_col_t c, double v,
                      lxw_format *fmt, double width)
{
    if (s->x->err != FTK_OK || !isfinite(v))
        return;
    if (sheet_check(s, r, c, worksheet_write_number(s->ws, r, c, v, fmt)))
        sheet_note_width(s, c, width);
}

void sheet_put_count(struct sheet *s, lxw_row_t r, lxw_col_t c, int64_t v)
{
    sheet_put_number(s, r, c, (double)v, s->x->fmt[FMT_COUNT],
                     sheet_count_width(v));
}

/* A percent: the CSV's rounded value / 100, shown as 0.00%. */
void sheet_put_pct(struct sheet *s, lxw_row_t r, lxw_col_t c, bool defined,
                   kpi_centi v)
{
    sheet_put_pct_fmt(s, r, c, defined, v, s->x->fmt[FMT_PCT]);
}

void sheet_put_pct_fmt(struct sheet *s, lxw_row_t r, lxw_col_t c, bool defined,
                       kpi_centi v, lxw_format *fmt)
{
    if (defined)
        sheet_put_number(s, r, c, (double)v / 10000.0, fmt, centi_width(v, 1));
}

/* Percentage points, signed and with their unit: +1.25 pp, -0.50 pp in
 * red, 0.00 pp. */
static void put_pp(struct sheet *s, lxw_row_t r, lxw_col_t c, bool defined,
                   kpi_centi v)
{
    if (defined)
        sheet_put_number(s, r, c, (double)v / 100.0, s->x->fmt[FMT_PP],
                         centi_width(v, (v > 0) + 3));
}

/* A date cell. Excel has no dates before 1900: those stay ISO text. */
void sheet_put_date_fmt(struct sheet *s, lxw_row_t r, lxw_col_t c, int32_t days,
                        lxw_format *fmt, double width)
{
    if (s->x->err != FTK_OK || days == KPI_NO_DATE)
        return;
    int y, m, d;
    kpi_date_to_ymd(days, &y, &m, &d);
    if (y < 1900) {
        char iso[11];
        kpi_date_format(days, iso);
        sheet_put_text(s, r, c, iso);
        return;
    }
    lxw_datetime dt = {.year = y, .month = m, .day = d};
    if (sheet_check(s, r, c, worksheet_write_datetime(s->ws, r, c, &dt, fmt)))
        sheet_note_width(s, c, width);
}

static void put_date(struct sheet *s, lxw_row_t r, lxw_col_t c, int32_t days)
{
    sheet_put_date_fmt(s, r, c, days, s->x->fmt[FMT_DATE], 11);
}

void sheet_put_month(struct sheet *s, lxw_row_t r, lxw_col_t c, int32_t month)
{
    sheet_put_date_fmt(s, r, c, kpi_month_first_day(month),
                       s->x->fmt[FMT_MONTH], 8);
}

void sheet_put_health(struct sheet *s, lxw_row_t r, lxw_col_t c,
                      enum kpi_health h)
{
    static const enum sheet_fmt by_health[] = {
        [KPI_HEALTH_NA] = FMT_NA,
        [KPI_HEALTH_RED] = FMT_RED,
        [KPI_HEALTH_YELLOW] = FMT_YELLOW,
        [KPI_HEALTH_GREEN] = FMT_GREEN,
    };
    sheet_put_text_fmt(s, r, c, kpi_health_name(h), s->x->fmt[by_health[h]],
                       true);
}

void sheet_put_yes_no(struct sheet *s, lxw_row_t r, lxw_col_t c, bool b)
{
    sheet_put_text_fmt(s, r, c, b ? "Yes" : "No", s->x->fmt[FMT_CENTER], true);
}

/* Text that links to row `row` (0-based) of sheet `target`, within the
 * workbook. Past Excel's 65,530 links on a sheet the text stays plain. */
static void put_link(struct sheet *s, lxw_row_t r, lxw_col_t c,
                     const char *target, lxw_row_t row, const char *text)
{
    struct sheet_book *x = s->x;
    if (x->err != FTK_OK || !text || !text[0])
        return;
    /* libxlsxwriter 1.1.4 escapes control characters in cell text but
     * not in the link's display attribute, which would make the file
     * unreadable: such text (never seen in valid inputs) stays plain */
    bool control = false;
    for (const unsigned char *p = (const unsigned char *)text; *p; p++)
        control |= *p < 0x20;
    if (s->links >= LXW_MAX_NUMBER_URLS || control) {
        sheet_put_text(s, r, c, text);
        return;
    }
    const char *t = clean_text(&x->text, text, strlen(text));
    if (!t) {
        sheet_fail(x, FTK_E_NOMEM, "sheet '%s': out of memory", s->name);
        return;
    }
    char url[96];
    snprintf(url, sizeof(url), "internal:'%s'!A%lu", target,
             (unsigned long)row + 1);
    s->links++;
    if (sheet_check(s, r, c,
                    worksheet_write_url_opt(
                        s->ws, r, c, url, s->top ? x->fmt[FMT_LINK_TOP] : NULL,
                        t, NULL)))
        sheet_note_width(s, c, sheet_text_width(t));
}

void sheet_put_value(struct sheet *s, lxw_row_t r, lxw_col_t c,
                     enum schema_type type, const struct schema_value *v)
{
    if (!v->known)
        return;
    switch (type) {
    case SCHEMA_TEXT:
    case SCHEMA_CODE:
        sheet_put_text(s, r, c, v->s);
        return;
    case SCHEMA_INT:
        sheet_put_count(s, r, c, v->i);
        return;
    case SCHEMA_PCT:
        sheet_put_pct(s, r, c, true, (kpi_centi)v->i);
        return;
    case SCHEMA_PP:
        put_pp(s, r, c, true, (kpi_centi)v->i);
        return;
    case SCHEMA_BOOL:
        sheet_put_yes_no(s, r, c, v->i != 0);
        return;
    case SCHEMA_DATE:
        put_date(s, r, c, (int32_t)v->i);
        return;
    case SCHEMA_MONTH:
        sheet_put_month(s, r, c, (int32_t)v->i);
        return;
    case SCHEMA_HEALTH:
        sheet_put_health(s, r, c, (enum kpi_health)v->i);
        return;
    }
}

/* ------------------------------------------------------------------ */
/* Where rows land                                                     */

/* The sheet and row of the item at `index` of a list sheet (the note
 * of a capped list above its header when noted). */
static lxw_row_t place(const struct sheet_book *x, const char *base,
                       uint64_t index, bool noted, char *name, size_t cap)
{
    uint32_t per = rows_per_part(x, noted);
    part_name(name, cap, base, (uint32_t)(index / per) + 1);
    return (lxw_row_t)(index % per) + 1 + noted;
}

/* Fixed sheet names a workload code could clash with (Excel compares sheet
 * names case-insensitively). */
static const char *const fixed_sheets[] = {
    "Summary",      "Customers",      "Velocity",    "Plateau",
    "Candidates",   "Data quality",   "Definitions", "Biggest losers",
    "Next actions", "Exec summaries", "By region",   "By FM",
};

/* The sheet name of a workload: its code, or "CODE (workload)" when the
 * code is the name of a fixed sheet. */
void sheet_workload_name(const struct sheet_book *x, int w, char *out,
                         size_t cap)
{
    const char *code = facts_code(x->f, w);
    for (size_t i = 0; i < sizeof(fixed_sheets) / sizeof(fixed_sheets[0]); i++)
        if (strcasecmp(code, fixed_sheets[i]) == 0) {
            snprintf(out, cap, "%s (workload)", code);
            return;
        }
    snprintf(out, cap, "%s", code);
}

/* The sheet and row of facts row i on its workload's sheets; false when
 * the cap left it out. */
static bool row_place(const struct sheet_book *x, size_t i, char *name,
                      size_t cap, lxw_row_t *row)
{
    char base[32];
    int w = x->f->row[i].workload;
    if (x->wl_pos[i] == SHEET_LEFT_OUT)
        return false;
    sheet_workload_name(x, w, base, sizeof(base));
    *row = place(x, base, x->wl_pos[i], x->wl_noted[w], name, cap);
    return true;
}

/* ------------------------------------------------------------------ */
/* Titles and tables inside a sheet                                    */

/* A title in a larger bold font; rows a file gives no height stay at 15
 * points in Excel, too low for it. */
void sheet_title_row(struct sheet *s, lxw_row_t *r, const char *title,
                     enum sheet_fmt fmt, double height)
{
    if (!sheet_next_row(s, r))
        return;
    sheet_put_text_fmt(s, *r, 0, title, s->x->fmt[fmt], false);
    sheet_check(s, *r, 0, worksheet_set_row(s->ws, *r, height, NULL));
}

void sheet_section(struct sheet *s, lxw_row_t *r, const char *title)
{
    sheet_title_row(s, r, title, FMT_SECTION, 18);
}

/* One title of a header row inside a sheet; true when it takes two
 * lines. */
static bool header_cell(struct sheet *s, lxw_row_t r, lxw_col_t c,
                        const char *title, double extra)
{
    bool two;
    sheet_put_text_fmt(s, r, c, title, s->x->fmt[FMT_HEADER], false);
    sheet_note_width(s, c, header_width(title, &two) + extra);
    return two;
}

/* A header row whose titles take two lines is made tall enough. */
static void header_height(struct sheet *s, lxw_row_t r, bool any_two)
{
    if (any_two)
        sheet_check(s, r, 0, worksheet_set_row(s->ws, r, 30, NULL));
}

void sheet_header_row(struct sheet *s, lxw_row_t *r, const char *const *titles,
                      size_t n, double extra)
{
    if (!sheet_next_row(s, r))
        return;
    bool any_two = false;
    for (size_t c = 0; c < n; c++)
        any_two |= header_cell(s, *r, (lxw_col_t)c, titles[c], extra);
    header_height(s, *r, any_two);
}

void sheet_blank_row(struct sheet *s)
{
    lxw_row_t r;
    sheet_next_row(s, &r);
}

/* ------------------------------------------------------------------ */
/* Formats                                                             */

static lxw_format *new_format(struct sheet_book *x)
{
    lxw_format *f = workbook_add_format(x->wb);
    if (!f)
        sheet_fail(x, FTK_E_NOMEM, "workbook: out of memory for a cell format");
    return f;
}

void sheet_book_formats(struct sheet_book *x)
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
    /* the sign always shown, the unit in the cell, the number still the
     * CSV's: positive; negative (red); zero */
    format_set_num_format(x->fmt[FMT_PP],
                          "+0.00\" pp\";[Red]-0.00\" pp\";0.00\" pp\"");
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
    /* a percent in a health colour is still a number shown as 0.00% */
    static const struct {
        enum sheet_fmt fmt;
        lxw_color_t bg, font;
    } pct_health[] = {{FMT_PCT_GREEN, 0xC6EFCE, 0x006100},
                      {FMT_PCT_YELLOW, 0xFFEB9C, 0x9C5700},
                      {FMT_PCT_RED, 0xFFC7CE, 0x9C0006}};
    for (size_t k = 0; k < sizeof(pct_health) / sizeof(pct_health[0]); k++) {
        lxw_format *f = x->fmt[pct_health[k].fmt];
        format_set_num_format(f, "0.00%");
        format_set_bg_color(f, pct_health[k].bg);
        format_set_font_color(f, pct_health[k].font);
    }
    format_set_font_color(x->fmt[FMT_NA], 0x808080);
    format_set_font_color(x->fmt[FMT_NOTE], 0x808080);
    format_set_italic(x->fmt[FMT_NOTE]);
    format_set_align(x->fmt[FMT_CENTER], LXW_ALIGN_CENTER);
    format_set_align(x->fmt[FMT_TOP], LXW_ALIGN_VERTICAL_TOP);
    format_set_align(x->fmt[FMT_LEFT], LXW_ALIGN_LEFT);
    format_set_num_format(x->fmt[FMT_COUNT_LEFT], "#,##0");
    format_set_num_format(x->fmt[FMT_DECIMAL], "#,##0.00");
    format_set_align(x->fmt[FMT_COUNT_LEFT], LXW_ALIGN_LEFT);
    format_set_bold(x->fmt[FMT_LEFT_OUT]);
    format_set_font_color(x->fmt[FMT_LEFT_OUT], 0x9C5700);
    /* as libxlsxwriter's default link (Excel's Hyperlink style), at the
     * top; a format never used is not written to the file */
    format_set_underline(x->fmt[FMT_LINK_TOP], LXW_UNDERLINE_SINGLE);
    format_set_font_color(x->fmt[FMT_LINK_TOP], 0x0563C1);
    format_set_align(x->fmt[FMT_LINK_TOP], LXW_ALIGN_VERTICAL_TOP);
}

void sheet_portfolio_order(const struct sheet_book *x, size_t *out)
{
    const struct facts *f = x->f;
    size_t n = 0;
    for (int k = 0; k < x->n_core; k++)
        for (size_t i = 0; i < f->n_portfolio; i++)
            if (f->portfolio[i].workload == x->core[k])
                out[n++] = i;
    for (size_t i = 0; i < f->n_portfolio; i++)
        if (!x->cfg->workload[f->portfolio[i].workload].core)
            out[n++] = i;
}

/* ------------------------------------------------------------------ */
/* Lists: rows written from a column list                              */

/* The title of column k of a list. */
static const char *list_title(const struct sheet_list *l, size_t k)
{
    const struct sheet_list_col *col = &l->col[k];
    return col->title ? col->title : l->src->table->col[col->id].title;
}

/* sheet_list_open, with a note above the header (owned from here on;
 * NULL: none). */
static void sheet_list_begin(struct sheet *s, struct sheet_book *x,
                             const char *name, const struct sheet_list *l,
                             lxw_col_t freeze_cols, char *note)
{
    sheet_init(s, x, name, (lxw_col_t)l->n_cols, true, freeze_cols);
    s->note = note;
    for (size_t k = 0; k < l->n_cols; k++) {
        column_title(s, (lxw_col_t)k, "%s", list_title(l, k));
        if (l->col[k].width > 0 && s->col)
            s->col[k].max_width = l->col[k].width;
        if (l->col[k].cap > 0 && s->col)
            s->col[k].max_width = l->col[k].cap;
    }
    s->rows = l;
    sheet_open(s);
}

void sheet_list_open(struct sheet *s, struct sheet_book *x, const char *name,
                     const struct sheet_list *l, lxw_col_t freeze_cols)
{
    sheet_list_begin(s, x, name, l, freeze_cols, NULL);
}

bool sheet_list_row(struct sheet *s, size_t item)
{
    lxw_row_t r;
    if (!sheet_next_row(s, &r))
        return false;
    sheet_put_item(s, r, s->rows, item);
    return s->x->err == FTK_OK;
}

void sheet_list_header(struct sheet *s, lxw_row_t *r,
                       const struct sheet_list *l, double extra)
{
    if (!sheet_next_row(s, r))
        return;
    bool any_two = false;
    for (size_t k = 0; k < l->n_cols; k++)
        any_two |= header_cell(s, *r, (lxw_col_t)k, list_title(l, k), extra);
    header_height(s, *r, any_two);
}

int sheet_list_find(const struct sheet_list *l, int id)
{
    for (size_t k = 0; k < l->n_cols; k++)
        if (l->col[k].id == id)
            return (int)k;
    return -1;
}

/* The sheet and row a link of kind `kind` to index points at; false when
 * there is no such kind. */
static bool link_place(const struct sheet_book *x, enum sheet_link kind,
                       size_t index, char *name, size_t cap, lxw_row_t *row)
{
    switch (kind) {
    case SHEET_LINK_CUSTOMER:
        if (x->customer_pos[index] == SHEET_LEFT_OUT)
            return false;
        *row = place(x, "Customers", x->customer_pos[index], x->customers_noted,
                     name, cap);
        return true;
    case SHEET_LINK_WORKLOAD_ROW:
        return row_place(x, index, name, cap, row);
    case SHEET_LINK_WORKLOAD:
        sheet_workload_name(x, (int)index, name, cap);
        *row = 0;
        return true;
    case SHEET_LINK_NONE:
        break;
    }
    return false;
}

/* Wrapped text in a column width wide, and its row made high enough for
 * it: neither Excel nor LibreOffice grows a row that a file gives no
 * height. A line per LF, and a line per column width of each: a width
 * unit is a digit's, wider than the average letter, so this errs on the
 * side of a row too high rather than a note cut off (seen in LibreOffice). */
static void put_wrapped(struct sheet *s, lxw_row_t r, lxw_col_t c,
                        const char *text, double width)
{
    sheet_put_text_fmt(s, r, c, text, s->x->fmt[FMT_WRAP], false);
    if (s->col)
        sheet_note_width(s, c, width);
    int lines = 0;
    for (const char *p = text; *p;) {
        const char *end = strchr(p, '\n');
        size_t n = end ? (size_t)(end - p) : strlen(p);
        char line[512];
        snprintf(line, sizeof(line), "%.*s", (int)(n < 511 ? n : 511), p);
        int k = (int)ceil(sheet_text_width_upto(line, 1e9) / width);
        lines += k > 1 ? k : 1;
        p += n + (end != NULL);
    }
    if (lines > 1)
        sheet_check(s, r, 0, worksheet_set_row(s->ws, r, 15.0 * lines, NULL));
}

void sheet_put_item(struct sheet *s, lxw_row_t r, const struct sheet_list *l,
                    size_t item)
{
    const struct sheet_source *src = l->src;
    const struct facts *f = s->x->f;
    char buf[REPORT_VALUE_BUF], target[48];
    struct schema_value row_v[SHEET_ROW_MAX_COLS];
    if (src->row)
        src->row(s->x, item, row_v);
    /* only a row of text (Exec summaries): cells with number, date or
     * health formats have no top-aligned twin, and a row half top, half
     * bottom would be worse than the note alone at the top */
    bool wraps = false, text_only = true;
    for (size_t k = 0; k < l->n_cols; k++) {
        enum schema_type type = src->table->col[l->col[k].id].type;
        wraps |= l->col[k].width > 0 && type == SCHEMA_TEXT;
        text_only &= type == SCHEMA_TEXT || type == SCHEMA_CODE;
    }
    s->top = wraps && text_only;
    for (size_t k = 0; k < l->n_cols && s->x->err == FTK_OK; k++) {
        const struct sheet_list_col *col = &l->col[k];
        struct schema_value v =
            src->row ? row_v[col->id]
                     : src->value(f, item, col->id, col->arg, buf);
        size_t index;
        lxw_row_t row;
        if (col->if_empty && (!v.known || !v.s || !v.s[0]))
            v = (struct schema_value){.known = true, .s = col->if_empty};
        if (!v.known)
            continue;
        if (col->width > 0 && src->table->col[col->id].type == SCHEMA_TEXT)
            put_wrapped(s, r, (lxw_col_t)k, v.s, col->width);
        else if (col->link != SHEET_LINK_NONE && src->target &&
                 src->target(s->x, item, col->link, &index) &&
                 link_place(s->x, col->link, index, target, sizeof(target),
                            &row))
            put_link(s, r, (lxw_col_t)k, target, row, v.s);
        else
            sheet_put_value(s, r, (lxw_col_t)k, src->table->col[col->id].type,
                            &v);
    }
    s->top = false;
}

/* ------------------------------------------------------------------ */
/* Long lists: the rows shown under max_list_rows                      */

bool sheet_items_add(struct sheet_book *x, struct sheet_items *it, size_t item)
{
    size_t *p = grow_array(it->item, &it->cap, it->n + 1, sizeof(*p));
    if (!p) {
        sheet_fail(x, FTK_E_NOMEM, "workbook: out of memory for a list");
        return false;
    }
    it->item = p;
    it->item[it->n++] = item;
    it->total = it->n;
    return true;
}

bool sheet_items_range(struct sheet_book *x, struct sheet_items *it, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!sheet_items_add(x, it, i))
            return false;
    return true;
}

void sheet_items_release(struct sheet_items *it)
{
    free(it->item);
    memset(it, 0, sizeof(*it));
}

void sheet_rank_customer(const struct sheet_book *x, size_t customer,
                         struct sheet_rank *out)
{
    const struct fact_customer *c = &x->f->customer[customer];
    out->known = true;
    out->users_to_goal = c->users_to_goal;
    out->tie = x->f->st->tenant[c->tenant].id;
}

void sheet_rank_row(const struct sheet_book *x, size_t row,
                    struct sheet_rank *out)
{
    const struct fact_workload *r = &x->f->row[row];
    out->known = r->has_users_to_goal;
    out->users_to_goal = r->has_users_to_goal ? r->users_to_goal : 0;
    out->tie = x->f->st->tenant[r->tenant].id;
}

/* An item with its rank and its place in the list. */
struct ranked {
    struct sheet_rank rank;
    size_t at;
};

/* The kept come first: a users to goal before none, the larger first,
 * then by the tie's bytes, then by the place in the list. */
static int ranked_cmp(const void *a, const void *b)
{
    const struct ranked *p = a, *q = b;
    if (p->rank.known != q->rank.known)
        return p->rank.known ? -1 : 1;
    if (p->rank.users_to_goal != q->rank.users_to_goal)
        return p->rank.users_to_goal > q->rank.users_to_goal ? -1 : 1;
    int c = strcmp(p->rank.tie, q->rank.tie);
    if (c != 0)
        return c;
    return p->at < q->at ? -1 : p->at > q->at;
}

typedef void rank_fn(const struct sheet_book *x, size_t item,
                     struct sheet_rank *out);

/* sheet_items_cap with the rank function itself. */
static bool cap_items(struct sheet_book *x, rank_fn *rank,
                      struct sheet_items *it)
{
    size_t n = it->n, keep = x->max_list_rows;
    it->total = n;
    if (keep == 0 || n <= keep)
        return true;
    struct ranked *r = malloc(n * sizeof(*r));
    bool *kept = calloc(n, sizeof(*kept));
    if (!r || !kept) {
        free(r);
        free(kept);
        sheet_fail(x, FTK_E_NOMEM, "workbook: out of memory for a list");
        return false;
    }
    for (size_t i = 0; i < n; i++) {
        rank(x, it->item[i], &r[i].rank);
        r[i].at = i;
    }
    sort_array(r, n, sizeof(*r), ranked_cmp);
    for (size_t i = 0; i < keep; i++)
        kept[r[i].at] = true;
    /* the kept, in the list's own order */
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (kept[i])
            it->item[k++] = it->item[i];
    it->n = k;
    free(r);
    free(kept);
    return true;
}

bool sheet_items_cap(struct sheet_book *x, const struct sheet_source *src,
                     struct sheet_items *it)
{
    return cap_items(x, src->rank, it);
}

/* The note of a list that left rows out: how many, by what rule, and
 * where they are ("1,229 of 1,234 rows left out: ..."). Owned by the
 * caller; NULL when out of memory. */
static char *left_out_note(const struct sheet_items *it, const char *where)
{
    struct text t;
    text_init(&t);
    text_add_count(&t, it->total - it->n);
    text_adds(&t, " of ");
    text_add_count(&t, it->total);
    text_adds(&t, " rows left out: only the ");
    text_add_count(&t, it->n);
    text_addf(&t, " with the largest users to goal are shown. %s.", where);
    char *note = NULL;
    if (!text_failed(&t)) {
        size_t n = strlen(text_str(&t)) + 1;
        note = malloc(n);
        if (note)
            memcpy(note, text_str(&t), n);
    }
    text_release(&t);
    return note;
}

void sheet_list_write(struct sheet_book *x, const char *name,
                      const struct sheet_list *l, lxw_col_t freeze_cols,
                      struct sheet_items *it)
{
    struct sheet s;
    if (x->err != FTK_OK || !sheet_items_cap(x, l->src, it)) {
        sheet_items_release(it);
        return;
    }
    char *note = NULL;
    if (it->n < it->total) {
        note = left_out_note(it, l->src->left_out_where);
        if (!note) {
            sheet_fail(x, FTK_E_NOMEM, "sheet '%s': out of memory", name);
            sheet_items_release(it);
            return;
        }
    }
    sheet_list_begin(&s, x, name, l, freeze_cols, note);
    for (size_t i = 0; i < it->n; i++)
        if (!sheet_list_row(&s, it->item[i]))
            break;
    sheet_close(&s);
    sheet_items_release(it);
}

bool sheet_customer_items(struct sheet_book *x, struct sheet_items *it)
{
    return sheet_items_range(x, it, x->f->n_customers);
}

bool sheet_workload_items(struct sheet_book *x, int w, struct sheet_items *it)
{
    const struct facts *f = x->f;
    for (size_t i = 0; i < f->n_rows; i++)
        if (f->row[i].workload == w && !sheet_items_add(x, it, i))
            return false;
    return true;
}

bool sheet_book_places(struct sheet_book *x)
{
    const struct facts *f = x->f;
    x->wl_pos = malloc((f->n_rows + 1) * sizeof(*x->wl_pos));
    x->customer_pos = malloc((f->n_customers + 1) * sizeof(*x->customer_pos));
    if (!x->wl_pos || !x->customer_pos) {
        sheet_fail(x, FTK_E_NOMEM, "workbook: out of memory");
        return false;
    }
    struct sheet_items it = {0};
    /* Customers */
    for (size_t i = 0; i < f->n_customers; i++)
        x->customer_pos[i] = SHEET_LEFT_OUT;
    if (!sheet_customer_items(x, &it) ||
        !cap_items(x, sheet_rank_customer, &it))
        goto fail;
    for (size_t k = 0; k < it.n; k++)
        x->customer_pos[it.item[k]] = (uint32_t)k;
    x->customers_noted = it.n < it.total;
    sheet_items_release(&it);
    /* each workload's rows */
    uint64_t count[CONFIG_MAX_WORKLOADS] = {0};
    for (size_t i = 0; i < f->n_rows; i++) {
        x->wl_pos[i] = SHEET_LEFT_OUT;
        count[f->row[i].workload]++;
    }
    for (int w = 0; w < CONFIG_MAX_WORKLOADS; w++) {
        if (count[w] == 0)
            continue;
        if (!sheet_workload_items(x, w, &it) ||
            !cap_items(x, sheet_rank_row, &it))
            goto fail;
        for (size_t k = 0; k < it.n; k++)
            x->wl_pos[it.item[k]] = (uint32_t)k;
        x->wl_noted[w] = it.n < it.total;
        sheet_items_release(&it);
    }
    return true;
fail:
    sheet_items_release(&it);
    return false;
}

void sheet_book_release(struct sheet_book *x)
{
    free(x->wl_pos);
    free(x->customer_pos);
    free(x->text.p);
    text_release(&x->note);
    x->wl_pos = NULL;
    x->customer_pos = NULL;
    x->text.p = NULL;
}
