/*
 * pipeline/cohort/review.c - the weekly review: its rows, its CSV and its
 * workbook (review.h).
 */
#include "review.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xlsxwriter.h>

#include "kpi/date.h"
#include "pipeline/base/csv_writer.h"
#include "pipeline/base/sort.h"
#include "pipeline/cohort/common.h"

#include "pipeline/base/testing.h"

const char *cohort_focus_status_name(enum cohort_focus_status s)
{
    switch (s) {
    case COHORT_FOCUS_STILL_IN:
        return "still in";
    case COHORT_FOCUS_LEFT_SOME:
        return "left some";
    case COHORT_FOCUS_LEFT_ALL:
        return "left all";
    case COHORT_FOCUS_NONE:
        return "none at freeze";
    case COHORT_FOCUS_NOT_IN_RUN:
        return "not in run";
    }
    return "?";
}

static int review_group(const struct cohort_review_row *r)
{
    if (r->v->status == COHORT_JOINING)
        return 3;
    if (r->focus_status == COHORT_FOCUS_NOT_IN_RUN)
        return 2;
    if (r->focus_status == COHORT_FOCUS_LEFT_ALL)
        return 1;
    return 0;
}

static int64_t review_utg(const struct cohort_review_row *r)
{
    return r->now ? r->now->kpis.users_to_goal : r->v->baseline->users_to_goal;
}

static int review_cmp(const void *a, const void *b)
{
    const struct cohort_review_row *x = a, *y = b;
    int gx = review_group(x), gy = review_group(y);
    if (gx != gy)
        return gx < gy ? -1 : 1;
    int64_t ux = review_utg(x), uy = review_utg(y);
    if (ux != uy)
        return ux > uy ? -1 : 1;
    return strcmp(x->v->tenant_id, y->v->tenant_id);
}

enum ftk_error cohort_review_build(struct cohort_review *r,
                                   const struct cohort_state *st,
                                   const struct cohort_view *v,
                                   const struct cohort_run *run,
                                   const char *region, struct ftk_diag *diag)
{
    memset(r, 0, sizeof(*r));
    if (!cohort_state_same_workloads(st, run))
        return ftk_fail(diag, FTK_E_STATE,
                        "the run was not loaded with the workloads of %s",
                        st->cohort_path);
    r->cohort_month = st->month;
    r->date = v->date;
    r->now_month = run->as_of_month;
    r->region = region;
    r->st = st;
    r->row = malloc((v->n + 1) * sizeof(*r->row));
    if (!r->row)
        return cohort_nomem(diag);
    for (size_t i = 0; i < v->n; i++) {
        const struct cohort_view_row *vr = &v->row[i];
        if (vr->status == COHORT_REMOVED)
            continue;
        struct cohort_review_row *row = &r->row[r->n++];
        row->v = vr;
        row->now = cohort_run_find(run, vr->tenant_id);
        unsigned base = vr->baseline->focus;
        if (!row->now) {
            row->focus_status = COHORT_FOCUS_NOT_IN_RUN;
            continue;
        }
        row->still_in = base & row->now->kpis.focus;
        row->left = base & ~row->now->kpis.focus;
        if (base == 0)
            row->focus_status = COHORT_FOCUS_NONE;
        else if (row->left == 0)
            row->focus_status = COHORT_FOCUS_STILL_IN;
        else if (row->still_in == 0)
            row->focus_status = COHORT_FOCUS_LEFT_ALL;
        else
            row->focus_status = COHORT_FOCUS_LEFT_SOME;
    }
    sort_array(r->row, r->n, sizeof(*r->row), review_cmp);
    return FTK_OK;
}

void cohort_review_release(struct cohort_review *r)
{
    free(r->row);
    memset(r, 0, sizeof(*r));
}

void cohort_review_name(const struct cohort_review *r, char *out, size_t cap)
{
    char m[8], d[11], safe[128];
    kpi_month_format(r->cohort_month, m);
    kpi_date_format(r->date, d);
    cohort_safe_name(r->region, safe, sizeof(safe));
    snprintf(out, cap, "review-%s-%s-%s", m, safe, d);
}

/* The review's cells, one kind per column, shared by the CSV and the
 * workbook. */
enum cell_kind { K_TEXT, K_INT, K_PCT, K_PP };

struct out_cell {
    enum cell_kind kind;
    bool empty;
    const char *text;
    int64_t num; /* K_INT; K_PCT and K_PP in hundredths */
};

/* The columns of a review, in order: a name and a function filling the
 * cell of a row. */
#define REVIEW_FIXED_COLS 29
#define REVIEW_WL_COLS 5
#define REVIEW_TAIL_COLS 2

struct review_ctx {
    const struct cohort_review *r;
    const struct cohort_review_row *row;
    size_t rank;
    char buf[4][128];
};

static struct out_cell text(const char *s)
{
    return (struct out_cell){K_TEXT, s == NULL, s ? s : "", 0};
}

static struct out_cell num(bool known, int64_t v, enum cell_kind k)
{
    return (struct out_cell){k, !known, "", v};
}

static struct out_cell date_cell(char *buf, int32_t d)
{
    if (d == KPI_NO_DATE)
        return text(NULL);
    kpi_date_format(d, buf);
    return text(buf);
}

static const char *const review_fixed_names[REVIEW_FIXED_COLS] = {
    "cohort_month",
    "region",
    "review_date",
    "rank",
    "tenant_id",
    "customer_name",
    "fm",
    "status",
    "pending_effective_on",
    "pending_reason",
    "member_since",
    "focus_status",
    "focus_areas_at_freeze",
    "focus_areas_now",
    "still_in_focus_areas",
    "left_focus_areas",
    "health_at_freeze",
    "health_now",
    "core_au_pct_at_freeze",
    "core_au_pct_now",
    "core_au_change_pp",
    "users_to_goal_at_freeze",
    "users_to_goal_now",
    "users_to_goal_change",
    "core_ae_at_freeze",
    "core_ae_now",
    "core_ae_change",
    "core_qe_at_freeze",
    "core_qe_now",
};

static const char *const review_wl_suffix[REVIEW_WL_COLS] = {
    "_au_pct_at_freeze", "_au_pct_now", "_au_change_pp", "_health_at_freeze",
    "_health_now"};

static const char *const review_tail_names[REVIEW_TAIL_COLS] = {
    "as_of_month_at_freeze", "as_of_month_now"};

static struct out_cell review_fixed(struct review_ctx *x, int col)
{
    const struct cohort_review_row *row = x->row;
    const struct cohort_view_row *v = row->v;
    const struct cohort_kpis *b = v->baseline;
    const struct cohort_kpis *n = row->now ? &row->now->kpis : NULL;
    switch (col) {
    case 0:
        kpi_month_format(x->r->cohort_month, x->buf[0]);
        return text(x->buf[0]);
    case 1:
        return text(v->region);
    case 2:
        return date_cell(x->buf[0], x->r->date);
    case 3:
        return num(true, (int64_t)x->rank, K_INT);
    case 4:
        return text(v->tenant_id);
    case 5:
        return text(v->customer_name);
    case 6:
        return text(row->now ? row->now->fm : v->fm);
    case 7:
        return text(cohort_status_name(v->status));
    case 8:
        return date_cell(x->buf[0],
                         v->event ? v->event->effective_on : KPI_NO_DATE);
    case 9:
        return text(v->event ? v->event->reason : NULL);
    case 10:
        return date_cell(x->buf[0], v->since);
    case 11:
        return text(cohort_focus_status_name(row->focus_status));
    case 12:
        kpi_focus_join(b->focus, x->buf[0], sizeof(x->buf[0]));
        return text(x->buf[0]);
    case 13:
        if (!n)
            return text(NULL);
        kpi_focus_join(n->focus, x->buf[0], sizeof(x->buf[0]));
        return text(x->buf[0]);
    case 14:
        if (!n)
            return text(NULL);
        kpi_focus_join(row->still_in, x->buf[0], sizeof(x->buf[0]));
        return text(x->buf[0]);
    case 15:
        if (!n)
            return text(NULL);
        kpi_focus_join(row->left, x->buf[0], sizeof(x->buf[0]));
        return text(x->buf[0]);
    case 16:
        return text(kpi_health_name(b->health));
    case 17:
        return text(n ? kpi_health_name(n->health) : NULL);
    case 18:
        return num(b->core_au_defined, b->core_au, K_PCT);
    case 19:
        return num(n && n->core_au_defined, n ? n->core_au : 0, K_PCT);
    case 20:
        return num(n && n->core_au_defined && b->core_au_defined,
                   n ? n->core_au - b->core_au : 0, K_PP);
    case 21:
        return num(true, b->users_to_goal, K_INT);
    case 22:
        return num(n != NULL, n ? n->users_to_goal : 0, K_INT);
    case 23:
        return num(n != NULL, n ? n->users_to_goal - b->users_to_goal : 0,
                   K_INT);
    case 24:
        return num(true, b->core_ae, K_INT);
    case 25:
        return num(n != NULL, n ? n->core_ae : 0, K_INT);
    case 26:
        return num(n != NULL, n ? n->core_ae - b->core_ae : 0, K_INT);
    case 27:
        return num(true, b->core_qe, K_INT);
    case 28:
        return num(n != NULL, n ? n->core_qe : 0, K_INT);
    }
    return text(NULL);
}

static struct out_cell review_wl(struct review_ctx *x, int w, int col)
{
    const struct cohort_wl *b = &x->row->v->baseline->wl[w];
    const struct cohort_wl *n = x->row->now ? &x->row->now->kpis.wl[w] : NULL;
    switch (col) {
    case 0:
        return num(b->au_defined, b->au, K_PCT);
    case 1:
        return num(n && n->au_defined, n ? n->au : 0, K_PCT);
    case 2:
        return num(n && n->au_defined && b->au_defined, n ? n->au - b->au : 0,
                   K_PP);
    case 3:
        return text(kpi_health_name(b->health));
    case 4:
        return text(n ? kpi_health_name(n->health) : NULL);
    }
    return text(NULL);
}

static struct out_cell review_tail(struct review_ctx *x, int col)
{
    int32_t m = col == 0 ? x->row->v->baseline->as_of_month
                         : (x->row->now ? x->r->now_month : KPI_NO_DATE);
    cohort_month_text(m, x->buf[1]);
    return text(m == KPI_NO_DATE ? NULL : x->buf[1]);
}

static size_t review_columns(const struct cohort_review *r)
{
    return REVIEW_FIXED_COLS + REVIEW_WL_COLS * (size_t)r->st->n_workloads +
           REVIEW_TAIL_COLS;
}

static void review_name(const struct cohort_review *r, size_t col, char *out,
                        size_t cap)
{
    if (col < REVIEW_FIXED_COLS) {
        snprintf(out, cap, "%s", review_fixed_names[col]);
        return;
    }
    col -= REVIEW_FIXED_COLS;
    size_t wl_cols = REVIEW_WL_COLS * (size_t)r->st->n_workloads;
    if (col < wl_cols) {
        snprintf(out, cap, "%s%s", r->st->workload[col / REVIEW_WL_COLS],
                 review_wl_suffix[col % REVIEW_WL_COLS]);
        return;
    }
    snprintf(out, cap, "%s", review_tail_names[col - wl_cols]);
}

static struct out_cell review_cell(struct review_ctx *x, size_t col)
{
    if (col < REVIEW_FIXED_COLS)
        return review_fixed(x, (int)col);
    col -= REVIEW_FIXED_COLS;
    size_t wl_cols = REVIEW_WL_COLS * (size_t)x->r->st->n_workloads;
    if (col < wl_cols)
        return review_wl(x, (int)(col / REVIEW_WL_COLS),
                         (int)(col % REVIEW_WL_COLS));
    return review_tail(x, (int)(col - wl_cols));
}

bool cohort_review_write_csv(FILE *f, const struct cohort_review *r)
{
    struct csv_writer w;
    csv_writer_init(&w, f, true);
    size_t cols = review_columns(r);
    char name[CONFIG_CODE_MAX + 64];
    for (size_t c = 0; c < cols; c++) {
        review_name(r, c, name, sizeof(name));
        csv_writer_plain(&w, name);
    }
    csv_writer_end(&w);
    struct review_ctx x = {.r = r};
    for (size_t i = 0; i < r->n; i++) {
        x.row = &r->row[i];
        x.rank = i + 1;
        for (size_t c = 0; c < cols; c++) {
            struct out_cell v = review_cell(&x, c);
            if (v.empty)
                csv_writer_empty(&w);
            else if (v.kind == K_TEXT)
                csv_writer_str(&w, v.text);
            else if (v.kind == K_INT)
                csv_writer_int(&w, v.num);
            else
                csv_writer_centi(&w, v.num);
        }
        csv_writer_end(&w);
    }
    return !csv_writer_error(&w);
}

static enum ftk_error xlsx_fail(lxw_error e, const char *path,
                                struct ftk_diag *diag)
{
    return ftk_fail(diag,
                    e == LXW_ERROR_CREATING_XLSX_FILE ||
                            e == LXW_ERROR_CREATING_TMPFILE
                        ? FTK_E_CANTCREAT
                        : FTK_E_IO,
                    "%s: %s", path, lxw_strerror(e));
}

enum ftk_error cohort_review_write_xlsx(const char *path,
                                        const struct cohort_review *r,
                                        struct ftk_diag *diag)
{
    lxw_workbook *wb = workbook_new(path);
    if (!wb)
        return ftk_fail(diag, FTK_E_CANTCREAT, "%s: cannot create workbook",
                        path);
    /* the document's date is the review's, never the clock */
    lxw_doc_properties props = {0};
    props.created = (time_t)r->date * 86400;
    workbook_set_properties(wb, &props);
    char sheet[32], safe[21], m[8];
    kpi_month_format(r->cohort_month, m);
    cohort_safe_name(r->region, safe, sizeof(safe));
    snprintf(sheet, sizeof(sheet), "%s %s", safe, m);
    lxw_worksheet *ws = workbook_add_worksheet(wb, sheet);
    lxw_format *bold = workbook_add_format(wb);
    lxw_format *pct = workbook_add_format(wb);
    lxw_format *pp = workbook_add_format(wb);
    lxw_format *count = workbook_add_format(wb);
    if (!ws || !bold || !pct || !pp || !count) {
        workbook_close(wb);
        return ftk_fail(diag, FTK_E_NOMEM, "%s: out of memory", path);
    }
    format_set_bold(bold);
    format_set_num_format(pct, "0.00%");
    format_set_num_format(pp, "+0.00\" pp\";-0.00\" pp\";0.00\" pp\"");
    format_set_num_format(count, "#,##0");
    lxw_error e = LXW_NO_ERROR;
    size_t cols = review_columns(r);
    char name[CONFIG_CODE_MAX + 64];
    for (size_t c = 0; c < cols && e == LXW_NO_ERROR; c++) {
        review_name(r, c, name, sizeof(name));
        e = worksheet_write_string(ws, 0, (lxw_col_t)c, name, bold);
    }
    struct review_ctx x = {.r = r};
    for (size_t i = 0; i < r->n && e == LXW_NO_ERROR; i++) {
        x.row = &r->row[i];
        x.rank = i + 1;
        lxw_row_t row = (lxw_row_t)(i + 1);
        for (size_t c = 0; c < cols && e == LXW_NO_ERROR; c++) {
            struct out_cell v = review_cell(&x, c);
            lxw_col_t col = (lxw_col_t)c;
            if (v.empty)
                continue;
            if (v.kind == K_TEXT)
                e = worksheet_write_string(ws, row, col, v.text, NULL);
            else if (v.kind == K_INT)
                e = worksheet_write_number(ws, row, col, (double)v.num, count);
            else if (v.kind == K_PCT)
                e = worksheet_write_number(ws, row, col,
                                           (double)v.num / 10000.0, pct);
            else
                e = worksheet_write_number(ws, row, col, (double)v.num / 100.0,
                                           pp);
        }
    }
    if (e == LXW_NO_ERROR) {
        worksheet_freeze_panes(ws, 1, 6);
        worksheet_autofilter(ws, 0, 0, (lxw_row_t)r->n, (lxw_col_t)(cols - 1));
        /* one width per column range, ranges apart (Excel rejects
         * overlapping ones) */
        worksheet_set_column(ws, 0, 4, 14, NULL);
        worksheet_set_column(ws, 5, 5, 36, NULL);
        worksheet_set_column(ws, 6, (lxw_col_t)(cols - 1), 14, NULL);
    }
    lxw_error closed = workbook_close(wb);
    if (e == LXW_NO_ERROR)
        e = closed;
    return e == LXW_NO_ERROR ? FTK_OK : xlsx_fail(e, path, diag);
}
