/*
 * pipeline/report/report_xlsx.c - the KPI workbook: the book set up, its
 * sheets written in order (sheets.h), the file assembled.
 */
#include "report_xlsx.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <xlsxwriter.h>

#include "kpi/date.h"
#include "pipeline/base/utf8.h"
#include "pipeline/base/testing.h"
#include "pipeline/base/version.h"
#include "pipeline/report/sheets.h"
#include "pipeline/report/xlsx_threads.h"

char *report_xlsx_cell_text(const char *s, size_t n)
{
    return sheet_cell_text(s, n);
}

double report_xlsx_text_width(const char *text)
{
    return sheet_text_width(text);
}

/* The page header of every sheet: title on the left ('&' doubled, cut on
 * a character boundary to fit Excel's 255 characters), the sheet's name
 * (&A) on the right. */
static void set_page_header(struct sheet_book *x, const char *title)
{
    static const char tail[] = "&R&A";
    size_t cap = sizeof(x->page_header) - sizeof(tail);
    size_t n = 0;
    strcpy(x->page_header, "&L");
    n = 2;
    for (const unsigned char *p = (const unsigned char *)title; *p;) {
        size_t k = *p < 0x80 ? 1 : *p < 0xE0 ? 2 : *p < 0xF0 ? 3 : 4;
        size_t need = *p == '&' ? 2 : k;
        if (n + need > cap)
            break;
        if (*p == '&')
            x->page_header[n++] = '&';
        for (size_t i = 0; i < k && *p; i++)
            x->page_header[n++] = (char)*p++;
    }
    memcpy(x->page_header + n, tail, sizeof(tail));
}

/* The document properties and the page header; created is the last day
 * of the as-of month so the file is the same on every rerun. */
static void set_properties(struct sheet_book *x)
{
    if (x->err != FTK_OK)
        return;
    char title[256], subject[256], company[256], comments[256];
    char author[] = "ftkpi";
    char *program =
        sheet_cell_text(x->cfg->program_name, strlen(x->cfg->program_name));
    if (!program) {
        sheet_fail(x, FTK_E_NOMEM, "workbook: out of memory");
        return;
    }
    if (x->in->kind == REPORT_XLSX_FM) {
        const char *fm = x->in->fm && *x->in->fm ? x->in->fm : SHEET_NO_FM;
        char *who = sheet_cell_text(fm, strlen(fm));
        if (!who) {
            free(program);
            sheet_fail(x, FTK_E_NOMEM, "workbook: out of memory");
            return;
        }
        snprintf(title, sizeof(title), "%s: adoption KPIs %s, FM %s", program,
                 x->month, who);
        free(who);
        /* a long name is cut, on a character boundary */
        title[utf8_valid_prefix(title, strlen(title))] = '\0';
    } else {
        snprintf(title, sizeof(title), "%s: adoption KPIs %s", program,
                 x->month);
    }
    snprintf(subject, sizeof(subject),
             "Adoption KPIs per customer and workload for %s", x->month);
    snprintf(company, sizeof(company), "%s", program);
    snprintf(comments, sizeof(comments), "Written by ftkpi %s", FTK_VERSION);
    free(program);
    set_page_header(x, title);
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
        sheet_fail(x, sheet_lxw_error(e), "workbook properties: %s",
                   lxw_strerror(e));
}

/* A workload's sheet, then its facts rows told to the progress line
 * (docs/running.md, "Progress": a book counts each of its facts rows
 * twice, once on its workload's sheet and once when the book is closed).
 * The workload's rows are those its portfolio entry counts by health. */
static void workload_sheet(struct sheet_book *x, const struct fact_portfolio *p)
{
    sheet_workload_write(x, p->workload);
    progress_add(x->in->progress,
                 p->count[0] + p->count[1] + p->count[2] + p->count[3]);
}

/* The sheets of the workloads present (those with a portfolio row): the
 * core workloads first, in x->core's order, then the others by code (the
 * portfolio's order). Links find a sheet by its name, not its place. */
static void workload_sheets(struct sheet_book *x)
{
    const struct facts *f = x->f;
    for (int k = 0; k < x->n_core; k++)
        for (size_t i = 0; i < f->n_portfolio && x->err == FTK_OK; i++)
            if (f->portfolio[i].workload == x->core[k])
                workload_sheet(x, &f->portfolio[i]);
    for (size_t i = 0; i < f->n_portfolio && x->err == FTK_OK; i++)
        if (!x->cfg->workload[f->portfolio[i].workload].core)
            workload_sheet(x, &f->portfolio[i]);
}

enum ftk_error report_xlsx_write(const char *path,
                                 const struct report_xlsx_input *in,
                                 struct ftk_diag *diag)
{
    struct sheet_book x;
    memset(&x, 0, sizeof(x));
    x.in = in;
    x.f = in->facts;
    x.cfg = in->cfg;
    x.diag = diag;
    x.pb = in->playbook;
    x.max_list_rows = in->max_list_rows;
    x.max_rows = in->max_rows == 0  ? REPORT_XLSX_MAX_ROWS
                 : in->max_rows < 2 ? 2
                                    : in->max_rows;
    if (x.max_rows > REPORT_XLSX_MAX_ROWS)
        x.max_rows = REPORT_XLSX_MAX_ROWS;
    kpi_month_format(x.f->as_of_month, x.month);
    /* in the configured order of [core] workloads */
    for (int k = 0; k < x.cfg->n_core; k++)
        x.core[x.n_core++] = x.cfg->core[k];

    /* libxlsxwriter's temporary files go next to the output */
    size_t dir_len = 0;
    const char *slash = strrchr(path, '/');
    char *tmpdir = malloc(strlen(path) + 2);
    if (!tmpdir || !sheet_book_places(&x)) {
        free(tmpdir);
        sheet_book_release(&x);
        return ftk_fail(diag, FTK_E_NOMEM, "%s: out of memory", path);
    }
    if (slash) {
        dir_len = (size_t)(slash - path);
        memcpy(tmpdir, path, dir_len ? dir_len : 1);
        tmpdir[dir_len ? dir_len : 1] = '\0';
    } else {
        strcpy(tmpdir, ".");
    }
    /* this thread's temporary files start with no error (xlsx_threads.h) */
    (void)xlsx_threads_tmp_error();
    lxw_workbook_options opt = {.constant_memory = LXW_TRUE, .tmpdir = tmpdir};
    x.wb = workbook_new_opt(path, &opt);
    if (!x.wb) {
        free(tmpdir);
        sheet_book_release(&x);
        return ftk_fail(diag, FTK_E_NOMEM, "%s: cannot start the workbook",
                        path);
    }
    sheet_book_formats(&x);
    set_properties(&x);
    sheet_summary_write(&x);
    sheet_by_region_write(&x);
    sheet_by_fm_write(&x);
    sheet_customers_write(&x);
    workload_sheets(&x);
    sheet_velocity_write(&x);
    sheet_plateau_write(&x);
    sheet_losers_write(&x);
    sheet_candidates_write(&x);
    sheet_next_actions_write(&x);
    if (in->kind == REPORT_XLSX_FM)
        sheet_exec_summaries_write(&x);
    sheet_quality_write(&x);
    sheet_definitions_write(&x);

    if (x.err == FTK_OK) {
        /* assembling makes temporary files and formats the creation time,
         * both thread-safe (xlsx_threads.h), so books close in parallel */
        lxw_error e = workbook_close(x.wb);
        int tmp_err = xlsx_threads_tmp_error();
        progress_add(in->progress, x.f->n_rows);
        if (e != LXW_NO_ERROR)
            sheet_fail(&x, sheet_lxw_error(e), "%s: %s", path, lxw_strerror(e));
        else if (tmp_err)
            sheet_fail(&x, FTK_E_IO, "%s: a temporary file failed: %s", path,
                       strerror(tmp_err));
    } else {
        /* nothing of a failed workbook is worth assembling */
        lxw_workbook_free(x.wb);
    }
    free(tmpdir);
    sheet_book_release(&x);
    return x.err;
}
