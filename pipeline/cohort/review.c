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
#include "pipeline/cohort/columns.h"
#include "pipeline/cohort/common.h"
#include "pipeline/report/xlsx_threads.h"

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
    r->row = calloc(v->n + 1, sizeof(*r->row));
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

/* A row of the review as written: the row and its rank in the meeting. */
struct review_out {
    const struct cohort_review *r;
    const struct cohort_review_row *row;
    size_t rank;
};

/* Column col of workload w's group (enum cohort_review_wl_col). */
static struct schema_value review_wl_value(const struct review_out *x, int w,
                                           size_t col)
{
    const struct cohort_wl *b = &x->row->v->baseline->wl[w];
    const struct cohort_wl *n = x->row->now ? &x->row->now->kpis.wl[w] : NULL;
    switch ((enum cohort_review_wl_col)col) {
    case RW_AU_PCT_AT_FREEZE:
        return cohort_num(b->au_defined, b->au);
    case RW_AU_PCT_NOW:
        return cohort_num(n && n->au_defined, n ? n->au : 0);
    case RW_AU_CHANGE_PP:
        return cohort_num(n && n->au_defined && b->au_defined,
                          n ? n->au - b->au : 0);
    case RW_HEALTH_AT_FREEZE:
        return cohort_num(true, b->health);
    case RW_HEALTH_NOW:
        return cohort_num(n != NULL, n ? n->health : 0);
    case RW_COUNT:
        break;
    }
    return cohort_none();
}

/* Column col of the review (enum cohort_review_col), or of workload w's
 * group; buf holds a text. */
static struct schema_value review_value(const void *out, int w, size_t col,
                                        char *buf, size_t cap)
{
    const struct review_out *x = out;
    if (w >= 0)
        return review_wl_value(x, w, col);
    const struct cohort_review_row *row = x->row;
    const struct cohort_view_row *v = row->v;
    const struct cohort_kpis *b = v->baseline;
    const struct cohort_kpis *n = row->now ? &row->now->kpis : NULL;
    switch ((enum cohort_review_col)col) {
    case RV_COHORT_MONTH:
        return cohort_num(true, x->r->cohort_month);
    case RV_REGION:
        return cohort_text(v->region);
    case RV_REVIEW_DATE:
        return cohort_num(x->r->date != KPI_NO_DATE, x->r->date);
    case RV_RANK:
        return cohort_num(true, (int64_t)x->rank);
    case RV_TENANT_ID:
        return cohort_text(v->tenant_id);
    case RV_CUSTOMER_NAME:
        return cohort_text(v->customer_name);
    case RV_FM:
        return cohort_text(row->now ? row->now->fm : v->fm);
    case RV_STATUS:
        return cohort_text(cohort_status_name(v->status));
    case RV_PENDING_EFFECTIVE_ON:
        return cohort_num(v->event != NULL,
                          v->event ? v->event->effective_on : 0);
    case RV_PENDING_REASON:
        return cohort_text(v->event ? v->event->reason : NULL);
    case RV_MEMBER_SINCE:
        return cohort_num(v->since != KPI_NO_DATE, v->since);
    case RV_FOCUS_STATUS:
        return cohort_text(cohort_focus_status_name(row->focus_status));
    case RV_FOCUS_AREAS_AT_FREEZE:
        kpi_focus_join(b->focus, buf, cap);
        return cohort_text(buf);
    case RV_FOCUS_AREAS_NOW:
        if (!n)
            return cohort_none();
        kpi_focus_join(n->focus, buf, cap);
        return cohort_text(buf);
    case RV_STILL_IN_FOCUS_AREAS:
        if (!n)
            return cohort_none();
        kpi_focus_join(row->still_in, buf, cap);
        return cohort_text(buf);
    case RV_LEFT_FOCUS_AREAS:
        if (!n)
            return cohort_none();
        kpi_focus_join(row->left, buf, cap);
        return cohort_text(buf);
    case RV_HEALTH_AT_FREEZE:
        return cohort_num(true, b->health);
    case RV_HEALTH_NOW:
        return cohort_num(n != NULL, n ? n->health : 0);
    case RV_CORE_AU_PCT_AT_FREEZE:
        return cohort_num(b->core_au_defined, b->core_au);
    case RV_CORE_AU_PCT_NOW:
        return cohort_num(n && n->core_au_defined, n ? n->core_au : 0);
    case RV_CORE_AU_CHANGE_PP:
        return cohort_num(n && n->core_au_defined && b->core_au_defined,
                          n ? n->core_au - b->core_au : 0);
    case RV_USERS_TO_GOAL_AT_FREEZE:
        return cohort_num(true, b->users_to_goal);
    case RV_USERS_TO_GOAL_NOW:
        return cohort_num(n != NULL, n ? n->users_to_goal : 0);
    case RV_USERS_TO_GOAL_CHANGE:
        return cohort_num(n != NULL,
                          n ? n->users_to_goal - b->users_to_goal : 0);
    case RV_CORE_AE_AT_FREEZE:
        return cohort_num(true, b->core_ae);
    case RV_CORE_AE_NOW:
        return cohort_num(n != NULL, n ? n->core_ae : 0);
    case RV_CORE_AE_CHANGE:
        return cohort_num(n != NULL, n ? n->core_ae - b->core_ae : 0);
    case RV_CORE_QE_AT_FREEZE:
        return cohort_num(true, b->core_qe);
    case RV_CORE_QE_NOW:
        return cohort_num(n != NULL, n ? n->core_qe : 0);
    case RV_AS_OF_MONTH_AT_FREEZE:
        return cohort_num(b->as_of_month != KPI_NO_DATE, b->as_of_month);
    case RV_AS_OF_MONTH_NOW:
        return cohort_num(n && x->r->now_month != KPI_NO_DATE, x->r->now_month);
    case RV_COUNT:
        break;
    }
    return cohort_none();
}

bool cohort_review_write_csv(FILE *f, const struct cohort_review *r)
{
    const char *wl[COHORT_MAX_WORKLOADS];
    cohort_state_workloads(r->st, wl);
    struct csv_writer w;
    csv_writer_init(&w, f, true);
    cohort_layout_header(&w, &cohort_review_layout, wl, r->st->n_workloads);
    for (size_t i = 0; i < r->n; i++) {
        struct review_out x = {r, &r->row[i], i + 1};
        cohort_layout_row(&w, &cohort_review_layout, r->st->n_workloads,
                          review_value, &x);
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

/* The review sheet's formats: one per number type. Dates, months, health
 * and codes are text cells that read as in the CSV. */
struct review_formats {
    lxw_format *bold, *pct, *pp, *count;
};

/* The width of a review column: the customer's name wide, the rest 14. */
static double review_width(int w, size_t col)
{
    return w < 0 && col == RV_CUSTOMER_NAME ? 36 : 14;
}

/* Writes one cell of a review row; nothing for an unknown value. */
static lxw_error review_cell(lxw_worksheet *ws, lxw_row_t row, lxw_col_t col,
                             enum schema_type t, const struct schema_value *v,
                             const struct review_formats *fmt)
{
    char text[16];
    if (!v->known)
        return LXW_NO_ERROR;
    switch (t) {
    case SCHEMA_INT:
        return worksheet_write_number(ws, row, col, (double)v->i, fmt->count);
    case SCHEMA_PCT:
        return worksheet_write_number(ws, row, col, (double)v->i / 10000.0,
                                      fmt->pct);
    case SCHEMA_PP:
        return worksheet_write_number(ws, row, col, (double)v->i / 100.0,
                                      fmt->pp);
    case SCHEMA_MONTH:
        kpi_month_format((int32_t)v->i, text);
        return worksheet_write_string(ws, row, col, text, NULL);
    case SCHEMA_DATE:
        kpi_date_format((int32_t)v->i, text);
        return worksheet_write_string(ws, row, col, text, NULL);
    case SCHEMA_HEALTH:
        return worksheet_write_string(
            ws, row, col, kpi_health_name((enum kpi_health)v->i), NULL);
    case SCHEMA_BOOL:
        return worksheet_write_string(ws, row, col, v->i ? "true" : "false",
                                      NULL);
    case SCHEMA_TEXT:
    case SCHEMA_CODE:
        break;
    }
    return worksheet_write_string(ws, row, col, v->s ? v->s : "", NULL);
}

enum ftk_error cohort_review_write_xlsx(const char *path,
                                        const struct cohort_review *r,
                                        struct ftk_diag *diag)
{
    const struct cohort_layout *l = &cohort_review_layout;
    int n_wl = r->st->n_workloads;
    const char *wl[COHORT_MAX_WORKLOADS];
    cohort_state_workloads(r->st, wl);
    /* this thread's temporary files start with no error (xlsx_threads.h) */
    (void)xlsx_threads_tmp_error();
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
    struct review_formats fmt = {
        workbook_add_format(wb), workbook_add_format(wb),
        workbook_add_format(wb), workbook_add_format(wb)};
    if (!ws || !fmt.bold || !fmt.pct || !fmt.pp || !fmt.count) {
        workbook_close(wb);
        return ftk_fail(diag, FTK_E_NOMEM, "%s: out of memory", path);
    }
    format_set_bold(fmt.bold);
    format_set_num_format(fmt.pct, "0.00%");
    format_set_num_format(fmt.pp, "+0.00\" pp\";-0.00\" pp\";0.00\" pp\"");
    format_set_num_format(fmt.count, "#,##0");
    lxw_error e = LXW_NO_ERROR;
    size_t cols = cohort_layout_width(l, n_wl);
    char name[CONFIG_CODE_MAX + 64], buf[512];
    for (size_t c = 0; c < cols && e == LXW_NO_ERROR; c++) {
        cohort_layout_name(l, wl, n_wl, c, name, sizeof(name));
        e = worksheet_write_string(ws, 0, (lxw_col_t)c, name, fmt.bold);
    }
    for (size_t i = 0; i < r->n && e == LXW_NO_ERROR; i++) {
        struct review_out x = {r, &r->row[i], i + 1};
        for (size_t c = 0; c < cols && e == LXW_NO_ERROR; c++) {
            int w;
            size_t col;
            cohort_layout_at(l, n_wl, c, &w, &col);
            const struct schema *sc = w < 0 ? l->fixed : l->group;
            struct schema_value v = review_value(&x, w, col, buf, sizeof(buf));
            e = review_cell(ws, (lxw_row_t)(i + 1), (lxw_col_t)c,
                            sc->col[col].type, &v, &fmt);
        }
    }
    if (e == LXW_NO_ERROR) {
        /* the names stay in view: every column up to the customer's */
        worksheet_freeze_panes(ws, 1, RV_CUSTOMER_NAME + 1);
        worksheet_autofilter(ws, 0, 0, (lxw_row_t)r->n, (lxw_col_t)(cols - 1));
        /* one width per run of columns of one width, runs apart (Excel
         * rejects overlapping ones) */
        for (size_t c = 0; c < cols;) {
            int w;
            size_t col;
            cohort_layout_at(l, n_wl, c, &w, &col);
            double width = review_width(w, col);
            size_t end = c + 1;
            for (; end < cols; end++) {
                cohort_layout_at(l, n_wl, end, &w, &col);
                if (review_width(w, col) != width)
                    break;
            }
            worksheet_set_column(ws, (lxw_col_t)c, (lxw_col_t)(end - 1), width,
                                 NULL);
            c = end;
        }
    }
    lxw_error closed = workbook_close(wb);
    int tmp_err = xlsx_threads_tmp_error();
    if (e == LXW_NO_ERROR)
        e = closed;
    if (e == LXW_NO_ERROR && tmp_err)
        return ftk_fail(diag, FTK_E_IO, "%s: a temporary file failed: %s", path,
                        strerror(tmp_err));
    return e == LXW_NO_ERROR ? FTK_OK : xlsx_fail(e, path, diag);
}
