/*
 * pipeline/report/sheet_summary.c - the Summary sheet: the month, the
 * portfolio by workload, customer health, goals, the pooled AU trend of
 * the core workloads and two charts (docs/workbook.md).
 */
#include "sheets.h"

#include <stdio.h>

#include "kpi/date.h"

static const enum kpi_health health_order[] = {
    KPI_HEALTH_GREEN, KPI_HEALTH_YELLOW, KPI_HEALTH_RED, KPI_HEALTH_NA};

/* A chart's height: 288 pixels scaled, in rows of 20 pixels kept free
 * under the health chart (15 points each, at 96 dpi), with a margin. */
#define CHART_Y_SCALE 1.0
#define CHART_ROWS 16

/* A workload's portfolio row links to the top of its sheet. */
static bool portfolio_target(const struct sheet_book *x, size_t item,
                             enum sheet_link kind, size_t *index)
{
    *index = (size_t)x->f->portfolio[item].workload;
    return kind == SHEET_LINK_WORKLOAD;
}

/* A table on the Summary, not a list sheet: nothing to rank. */
static const struct sheet_source portfolio = {.table = &report_portfolio,
                                              .value = report_portfolio_value,
                                              .target = portfolio_target};

/* Portfolio by workload: the columns of portfolio.csv in the order a
 * reader checks them (Σ AE / measured Σ QE is the pooled AU beside them,
 * then its target and its change from the previous month), with the
 * health counts last for the chart beside it. */
static const struct sheet_list_col portfolio_cols[] = {
    {.id = PF_WORKLOAD, .link = SHEET_LINK_WORKLOAD},
    {.id = PF_CUSTOMERS},
    {.id = PF_QE},
    {.id = PF_MEASURED},
    {.id = PF_MEASURED_QE},
    {.id = PF_AE},
    {.id = PF_POOLED_AU_PCT},
    {.id = PF_TARGET_PCT},
    {.id = PF_POOLED_CHANGE_PP},
    {.id = PF_MEAN_AU_PCT},
    {.id = PF_GREEN},
    {.id = PF_YELLOW},
    {.id = PF_RED},
    {.id = PF_NA},
};

static const struct sheet_list portfolio_list =
    SHEET_LIST(portfolio, portfolio_cols);

/* The health chart's series: a portfolio column each, in its colour. */
static const struct {
    int id;
    lxw_color_t color;
} health_series[] = {
    {PF_GREEN, 0x63BE7B},
    {PF_YELLOW, 0xFFC000},
    {PF_RED, 0xE0504A},
    {PF_NA, 0xBFBFBF},
};

/* The pooled AU of portfolio row p filled in the colour of its health
 * (facts: the workload-health bands applied exactly to Σ AE / measured
 * Σ QE); the number is the CSV's, as everywhere. */
static void put_pooled_au(struct sheet *s, lxw_row_t r, lxw_col_t c,
                          const struct fact_portfolio *p)
{
    static const enum sheet_fmt by_health[] = {
        [KPI_HEALTH_GREEN] = FMT_PCT_GREEN,
        [KPI_HEALTH_YELLOW] = FMT_PCT_YELLOW,
        [KPI_HEALTH_RED] = FMT_PCT_RED,
    };
    if (!p->pooled_defined || p->pooled_health == KPI_HEALTH_NA)
        return;
    sheet_put_pct_fmt(s, r, c, true, p->pooled_au,
                      s->x->fmt[by_health[p->pooled_health]]);
}

static lxw_chart *add_chart(struct sheet_book *x, uint8_t type)
{
    if (x->err != FTK_OK)
        return NULL;
    lxw_chart *ch = workbook_add_chart(x->wb, type);
    if (!ch)
        sheet_fail(x, FTK_E_NOMEM, "sheet 'Summary': cannot add a chart");
    return ch;
}

static lxw_chart_series *add_series(struct sheet_book *x, lxw_chart *ch)
{
    if (x->err != FTK_OK)
        return NULL;
    lxw_chart_series *se = chart_add_series(ch, NULL, NULL);
    if (!se)
        sheet_fail(x, FTK_E_NOMEM,
                   "sheet 'Summary': cannot add a chart series");
    return se;
}

/* Stacked health counts per workload, from the portfolio table in rows
 * first..last. */
static void health_chart(struct sheet *s, lxw_row_t first, lxw_row_t last,
                         lxw_row_t at, lxw_col_t at_col)
{
    struct sheet_book *x = s->x;
    lxw_chart *ch = add_chart(x, LXW_CHART_COLUMN_STACKED);
    if (!ch)
        return;
    lxw_col_t workload =
        (lxw_col_t)sheet_list_find(&portfolio_list, PF_WORKLOAD);
    for (size_t h = 0; h < sizeof(health_series) / sizeof(health_series[0]);
         h++) {
        lxw_chart_series *se = add_series(x, ch);
        if (!se)
            return;
        int id = health_series[h].id;
        lxw_col_t c = (lxw_col_t)sheet_list_find(&portfolio_list, id);
        chart_series_set_categories(se, s->name, first, workload, last,
                                    workload);
        chart_series_set_values(se, s->name, first, c, last, c);
        chart_series_set_name(se, report_portfolio.col[id].title);
        lxw_chart_fill fill = {.color = health_series[h].color};
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
    lxw_chart_options opt = {.x_scale = 1.4, .y_scale = CHART_Y_SCALE};
    sheet_check(s, at, at_col,
                worksheet_insert_chart_opt(s->ws, at, at_col, ch, &opt));
}

static void trend_chart(struct sheet *s, lxw_row_t first, lxw_row_t last,
                        int n_series, lxw_row_t at, lxw_col_t at_col)
{
    struct sheet_book *x = s->x;
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
    lxw_chart_options opt = {.x_scale = 1.4, .y_scale = CHART_Y_SCALE};
    sheet_check(s, at, at_col,
                worksheet_insert_chart_opt(s->ws, at, at_col, ch, &opt));
}

/* One row of the health mix: its customers, the count of each health in
 * its colour's order, and each count's share of the customers. */
static void mix_row(struct sheet *s, const char *name, const uint64_t *count)
{
    lxw_row_t r;
    if (!sheet_next_row(s, &r))
        return;
    uint64_t total = 0;
    for (int h = 0; h < 4; h++)
        total += count[h];
    sheet_put_text(s, r, 0, name);
    sheet_put_count(s, r, 1, (int64_t)total);
    for (int h = 0; h < 4; h++) {
        uint64_t n = count[health_order[h]];
        sheet_put_count(s, r, (lxw_col_t)(2 + h), (int64_t)n);
        if (total > 0)
            sheet_put_pct(s, r, (lxw_col_t)(6 + h), true,
                          kpi_pct_round((kpi_i128)n, (kpi_i128)total));
    }
}

/* Customer health, overall and per region (facts.region): the counts,
 * then their shares. */
static void health_mix(struct sheet *s)
{
    const struct facts *f = s->x->f;
    lxw_row_t r;
    sheet_section(s, &r, "Customer health, overall and per region");
    static const char *const head[] = {
        "Region", "Customers", "Green",    "Yellow", "Red",
        "N/A",    "Green %",   "Yellow %", "Red %",  "N/A %"};
    sheet_header_row(s, &r, head, 10, 0);
    mix_row(s, "All customers", f->health_count);
    for (size_t i = 0; i < f->n_regions; i++)
        mix_row(s, f->region[i].name, f->region[i].health);
}

void sheet_summary_write(struct sheet_book *x)
{
    const struct facts *f = x->f;
    const struct config *cfg = x->cfg;
    /* the workloads as their sheets come: the core ones in the configured
     * order, then the others by code */
    size_t order[CONFIG_MAX_WORKLOADS];
    sheet_portfolio_order(x, order);
    /* the core workloads that have a portfolio row, for the trend */
    const struct fact_portfolio *trend[CONFIG_MAX_WORKLOADS];
    int n_trend = 0;
    for (size_t k = 0; k < f->n_portfolio; k++)
        if (cfg->workload[f->portfolio[order[k]].workload].core)
            trend[n_trend++] = &f->portfolio[order[k]];
    /* as wide as the portfolio table, the goals, or the trends' month and
     * series */
    size_t n_cols = portfolio_list.n_cols;
    if ((size_t)n_trend + 1 > n_cols)
        n_cols = (size_t)n_trend + 1;
    if (f->n_goals + 1 > n_cols)
        n_cols = f->n_goals + 1;
    if (n_cols < 10) /* the health mix's */
        n_cols = 10;
    struct sheet s;
    lxw_row_t r;
    sheet_init(&s, x, "Summary", (lxw_col_t)n_cols, false, 0);
    sheet_open(&s);

    char text[512];
    snprintf(text, sizeof(text), "%s: adoption KPIs for %s", cfg->program_name,
             x->month);
    /* an FM book says whose customers it holds (the name cleaned as any
     * cell's text is when written) */
    if (x->in->kind == REPORT_XLSX_FM)
        snprintf(text + strlen(text), sizeof(text) - strlen(text), ", FM %s",
                 x->in->fm && *x->in->fm ? x->in->fm : SHEET_NO_FM);
    sheet_title_row(&s, &r, text, FMT_TITLE, 21);
    sheet_blank_row(&s);
    if (sheet_next_row(&s, &r)) {
        sheet_put_text(&s, r, 0, "As-of month");
        sheet_put_month(&s, r, 1, f->as_of_month);
    }
    if (sheet_next_row(&s, &r)) {
        sheet_put_text(&s, r, 0, "Latest snapshot in the data");
        if (f->latest_snapshot == KPI_NO_DATE)
            sheet_put_text(&s, r, 1, "none");
        else
            sheet_put_date_fmt(&s, r, 1, f->latest_snapshot,
                               x->fmt[FMT_DATE_LEFT], 11);
    }
    if (sheet_next_row(&s, &r)) {
        sheet_put_text(&s, r, 0, "Customers");
        sheet_put_number(&s, r, 1, (double)f->n_customers,
                         x->fmt[FMT_COUNT_LEFT],
                         sheet_count_width((int64_t)f->n_customers));
    }
    sheet_blank_row(&s);

    /* Portfolio by workload */
    sheet_section(&s, &r, "Portfolio by workload");
    sheet_list_header(&s, &r, &portfolio_list, 0);
    lxw_row_t pf_first = s.row;
    lxw_col_t pooled_col =
        (lxw_col_t)sheet_list_find(&portfolio_list, PF_POOLED_AU_PCT);
    for (size_t k = 0; k < f->n_portfolio && sheet_next_row(&s, &r); k++) {
        sheet_put_item(&s, r, &portfolio_list, order[k]);
        /* the same number again, in its colour: the row is still being
         * written, so the cell is replaced */
        put_pooled_au(&s, r, pooled_col, &f->portfolio[order[k]]);
    }
    lxw_row_t pf_last = s.row - 1;
    if (f->n_portfolio == 0 && sheet_next_row(&s, &r))
        sheet_put_text(&s, r, 0, "no workload has a row this month");
    sheet_blank_row(&s);

    /* the health chart under the table it draws, in the rows kept blank
     * for it */
    if (f->n_portfolio > 0) {
        health_chart(&s, pf_first, pf_last, s.row, 0);
        for (int k = 0; k < CHART_ROWS; k++)
            sheet_blank_row(&s);
    }

    health_mix(&s);
    sheet_blank_row(&s);

    /* Goals: facts.goal, by code */
    if (f->n_goals > 0) {
        /* an FM book's customers against the whole program's goal */
        sheet_section(&s, &r,
                      x->in->kind == REPORT_XLSX_FM
                          ? "Goals (active users): the program's goals; "
                            "\xCE\xA3 AE, gap and pace of this FM's "
                            "customers"
                          : "Goals (active users)");
        static const char *const g_head[] = {
            "Workload", "Goal",           "\xCE\xA3 AE",   "Progress",
            "Gap",      "Pace (a month)", "Months to goal"};
        sheet_header_row(&s, &r, g_head, 7, 0);
        for (size_t i = 0; i < f->n_goals && sheet_next_row(&s, &r); i++) {
            const struct fact_goal *g = &f->goal[i];
            sheet_put_text(&s, r, 0, facts_code(f, g->workload));
            sheet_put_count(&s, r, 1, g->goal);
            sheet_put_count(&s, r, 2, (int64_t)g->ae);
            sheet_put_pct(&s, r, 3, g->progress_defined, g->progress);
            sheet_put_count(&s, r, 4, (int64_t)g->gap);
            /* the average monthly change of Σ AE over the last 3 months,
             * in hundredths of a user */
            if (g->pace_defined)
                sheet_put_number(&s, r, 5, (double)g->pace / 100.0,
                                 x->fmt[FMT_DECIMAL],
                                 sheet_count_width(g->pace / 100) + 3);
            if (g->months_to_goal_defined)
                sheet_put_count(&s, r, 6, g->months_to_goal);
        }
        sheet_blank_row(&s);
        /* Σ AE of the goal workloads over the last 12 months */
        sheet_section(&s, &r,
                      "\xCE\xA3 AE of the workloads with a goal, "
                      "last 12 months");
        if (sheet_next_row(&s, &r)) {
            sheet_put_text_fmt(&s, r, 0, "Month", x->fmt[FMT_HEADER], true);
            for (size_t i = 0; i < f->n_goals; i++)
                sheet_put_text_fmt(&s, r, (lxw_col_t)(1 + i),
                                   facts_code(f, f->goal[i].workload),
                                   x->fmt[FMT_HEADER], true);
        }
        for (int m = 0; m < FACTS_TREND_MONTHS && sheet_next_row(&s, &r); m++) {
            sheet_put_month(&s, r, 0,
                            f->as_of_month - (FACTS_TREND_MONTHS - 1) + m);
            for (size_t i = 0; i < f->n_goals; i++)
                if (f->goal[i].ae_defined[m])
                    sheet_put_count(&s, r, (lxw_col_t)(1 + i),
                                    (int64_t)f->goal[i].ae_months[m]);
        }
        sheet_blank_row(&s);
    }

    /* Pooled AU trend of the core workloads, the chart beside it */
    lxw_row_t tr_first = 0, tr_last = 0, tr_at = 0;
    if (n_trend > 0) {
        sheet_section(&s, &r,
                      "Pooled AU of the core workloads, last 12 months");
        tr_at = r;
        if (sheet_next_row(&s, &r)) {
            sheet_put_text_fmt(&s, r, 0, "Month", x->fmt[FMT_HEADER], true);
            for (int k = 0; k < n_trend; k++)
                sheet_put_text_fmt(&s, r, (lxw_col_t)(1 + k),
                                   facts_code(f, trend[k]->workload),
                                   x->fmt[FMT_HEADER], true);
        }
        tr_first = s.row;
        for (int m = 0; m < FACTS_TREND_MONTHS && sheet_next_row(&s, &r); m++) {
            sheet_put_month(&s, r, 0,
                            f->as_of_month - (FACTS_TREND_MONTHS - 1) + m);
            for (int k = 0; k < n_trend; k++)
                sheet_put_pct(&s, r, (lxw_col_t)(1 + k),
                              trend[k]->trend_defined[m], trend[k]->trend[m]);
        }
        tr_last = s.row - 1;
    }

    if (n_trend > 0)
        trend_chart(&s, tr_first, tr_last, n_trend, tr_at,
                    (lxw_col_t)(n_trend + 2));
    sheet_close(&s);
}
