/*
 * pipeline/report/sheet_quality.c - the Data quality sheet: per input
 * file and reject reason, the first rejected rows, the coverage of each
 * workload and the freshness of the extracts (docs/kpis.md).
 */
#include "sheets.h"

#include <string.h>

#include "kpi/date.h"

/* Splits a reject example "file:line: message" on one of the input
 * paths; false when it does not start with one. */
static bool split_example(const struct sheet_book *x, const char *ex,
                          const char **file, size_t *file_len, uint64_t *line,
                          const char **msg)
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

/* How many days `date` lies before the as-of month's end, beside it;
 * nothing when there is no date. */
static void put_date_and_age(struct sheet *s, lxw_row_t r, lxw_col_t c,
                             int32_t date)
{
    if (date == KPI_NO_DATE)
        return;
    sheet_put_date_fmt(s, r, c, date, s->x->fmt[FMT_DATE], 11);
    sheet_put_count(s, r, c + 1, (int64_t)s->x->f->month_end - date);
}

/* Coverage per workload, in the order of the workload sheets: the rows
 * with QE > 0 and no usage value in the as-of month, their Σ QE, and the
 * workload's latest usage snapshot against the month's end. */
static void coverage_table(struct sheet *s)
{
    struct sheet_book *x = s->x;
    const struct facts *f = x->f;
    lxw_row_t r;
    sheet_blank_row(s);
    sheet_section(s, &r,
                  "Coverage: customers with QE and no usage value in the "
                  "as-of month");
    static const char *const head[] = {
        "Workload",     "Customers",
        "No usage",     "\xCE\xA3 QE without usage",
        "Latest usage", "Days before month end"};
    sheet_header_row(s, &r, head, 6, 0);
    size_t order[CONFIG_MAX_WORKLOADS];
    sheet_portfolio_order(x, order);
    for (size_t k = 0; k < f->n_portfolio && sheet_next_row(s, &r); k++) {
        const struct fact_portfolio *p = &f->portfolio[order[k]];
        sheet_put_text(s, r, 0, facts_code(f, p->workload));
        sheet_put_count(s, r, 1, (int64_t)p->customers);
        sheet_put_count(s, r, 2, (int64_t)p->no_usage);
        sheet_put_count(s, r, 3, (int64_t)p->no_usage_qe);
        put_date_and_age(s, r, 4, p->latest_usage);
    }
    if (f->n_portfolio == 0 && sheet_next_row(s, &r))
        sheet_put_text(s, r, 0, "no workload has a row this month");
}

/* Freshness against the as-of month's end: the usage and entitlement
 * extracts' latest snapshot in the window (the facts'), then each input
 * file's latest accepted snapshot, whatever its month (extract_stats). */
static void freshness_table(struct sheet *s)
{
    struct sheet_book *x = s->x;
    const struct facts *f = x->f;
    lxw_row_t r;
    sheet_blank_row(s);
    sheet_section(s, &r,
                  "Freshness: latest snapshot against the as-of "
                  "month's end");
    static const char *const head[] = {"Extract or file", "Month end",
                                       "Latest snapshot",
                                       "Days before month end"};
    sheet_header_row(s, &r, head, 4, 0);
    static const char *const what[] = {"Usage", "Entitlements"};
    const int32_t latest[] = {f->latest_snapshot, f->latest_entitlement};
    for (int k = 0; k < 2 && sheet_next_row(s, &r); k++) {
        sheet_put_text(s, r, 0, what[k]);
        sheet_put_date_fmt(s, r, 1, f->month_end, x->fmt[FMT_DATE], 11);
        if (latest[k] == KPI_NO_DATE)
            sheet_put_text(s, r, 2, "none");
        else
            put_date_and_age(s, r, 2, latest[k]);
    }
    for (size_t i = 0; i < x->in->n_stats && sheet_next_row(s, &r); i++) {
        const struct extract_stats *st = &x->in->stats[i];
        sheet_put_text(s, r, 0, st->path);
        sheet_put_date_fmt(s, r, 1, f->month_end, x->fmt[FMT_DATE], 11);
        if (st->kind == EXTRACT_CUSTOMERS)
            sheet_put_text_fmt(s, r, 2, "no snapshot date", x->fmt[FMT_NOTE],
                               true);
        else if (st->latest == KPI_NO_DATE)
            sheet_put_text(s, r, 2, "none");
        else
            put_date_and_age(s, r, 2, st->latest);
    }
    if (sheet_next_row(s, &r))
        sheet_put_text_fmt(s, r, 0,
                           "Usage and Entitlements: the latest snapshot on or "
                           "before the month's end. A file: the latest of its "
                           "accepted rows, whatever the month (below 0 days: "
                           "after the month's end).",
                           x->fmt[FMT_NOTE], false);
}

void sheet_quality_write(struct sheet_book *x)
{
    const struct report_xlsx_input *in = x->in;
    /* the extracts' reasons: the import's never occur in a run */
    lxw_col_t n_cols = 6 + REJECT_EXTRACT_COUNT;
    struct sheet s;
    sheet_init(&s, x, "Data quality", n_cols, false, 0);
    static const char *const titles[] = {"File",      "Kind",     "Bytes",
                                         "Rows read", "Accepted", "Rejected"};
    const char *head[6 + REJECT_EXTRACT_COUNT];
    for (int c = 0; c < 6; c++)
        head[c] = titles[c];
    for (int k = 0; k < REJECT_EXTRACT_COUNT; k++)
        head[6 + k] = reject_title((enum reject_reason)k);
    sheet_open(&s);
    lxw_row_t r;
    /* the file table is a list: frozen header and an autofilter */
    sheet_header_row(&s, &r, head, n_cols, 2.5);
    for (size_t i = 0; i < in->n_stats && sheet_next_row(&s, &r); i++) {
        const struct extract_stats *st = &in->stats[i];
        sheet_put_text(&s, r, 0, st->path);
        sheet_put_text(&s, r, 1, extract_kind_name(st->kind));
        sheet_put_count(&s, r, 2, (int64_t)st->bytes);
        sheet_put_count(&s, r, 3, (int64_t)st->read);
        sheet_put_count(&s, r, 4, (int64_t)st->accepted);
        sheet_put_count(&s, r, 5, (int64_t)st->rejected);
        for (int k = 0; k < REJECT_EXTRACT_COUNT; k++)
            sheet_put_count(&s, r, (lxw_col_t)(6 + k),
                            (int64_t)st->by_reason[k]);
    }
    lxw_row_t last = s.row > 1 ? s.row - 1 : 1;
    if (x->err == FTK_OK) {
        sheet_check(&s, 0, 0,
                    worksheet_autofilter(s.ws, 0, 0, last, n_cols - 1));
        worksheet_freeze_panes(s.ws, 1, 0);
    }
    sheet_blank_row(&s);
    sheet_section(&s, &r,
                  "First rejected rows of each reason (all of them are in "
                  "rejects.csv)");
    static const char *const ex_head[] = {"File", "Line", "Reason", "Message"};
    sheet_header_row(&s, &r, ex_head, 4, 0);
    bool any = false;
    for (int k = 0; in->rejects && k < REJECT_COUNT; k++) {
        for (int e = 0; e < in->rejects->n_examples[k] && e < REJECTS_EXAMPLES;
             e++) {
            if (!sheet_next_row(&s, &r))
                break;
            any = true;
            const char *ex = in->rejects->example[k][e];
            const char *file, *msg;
            size_t file_len;
            uint64_t line;
            if (split_example(x, ex, &file, &file_len, &line, &msg)) {
                sheet_put_text(&s, r, 0, file);
                sheet_put_count(&s, r, 1, (int64_t)line);
                sheet_put_text(&s, r, 3, msg);
            } else {
                sheet_put_text(&s, r, 3, ex);
            }
            sheet_put_text(&s, r, 2, reject_title((enum reject_reason)k));
        }
    }
    if (!any && sheet_next_row(&s, &r))
        sheet_put_text(&s, r, 0, "no row was rejected");
    coverage_table(&s);
    freshness_table(&s);
    sheet_close(&s);
}
