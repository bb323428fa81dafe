/*
 * pipeline/report/sheet_customers.c - the Customers sheet and one sheet
 * per workload (docs/workbook.md): lists of the columns of
 * customer_kpis.csv and workload_kpis.csv.
 */
#include "sheets.h"

#include <stdio.h>
#include <string.h>

#include "kpi/date.h"

static const struct sheet_source customers = {
    &report_customer_kpis,
    report_customer_value,
    NULL,
    NULL,
    sheet_rank_customer,
    "Every customer is in its FM's book under fm/ and in customer_kpis.csv"};

static const struct sheet_source workload_rows = {
    &report_workload_kpis, report_workload_value,    NULL, NULL,
    sheet_rank_row,        SHEET_WORKLOAD_ROWS_WHERE};

/* Customers: before the per-core-workload AU columns, and after them.
 * The name first, frozen and capped (SHEET_NAME_WIDTH). */
static const struct sheet_list_col customers_before[] = {
    {.id = CK_CUSTOMER_NAME, .cap = SHEET_NAME_WIDTH},
    {.id = CK_TENANT_ID},
    {.id = CK_REGION},
    {.id = CK_FM, .if_empty = SHEET_NO_FM},
    {.id = CK_SEATS},
    {.id = CK_LARGE},
    {.id = CK_HEALTH},
    {.id = CK_HEALTH_REASON, .cap = SHEET_TEXT_WIDTH},
    {.id = CK_CORE_QE},
    {.id = CK_CORE_AE},
    {.id = CK_CORE_AU_PCT},
};
static const struct sheet_list_col customers_after[] = {
    {.id = CK_USERS_TO_GOAL},
    {.id = CK_FOCUS_WORDS, .cap = SHEET_TEXT_WIDTH},
};

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* The titles of the 12-month columns: "YYYY-MM", the as-of month last. */
static void month_titles(const struct sheet_book *x,
                         char title[FACTS_TREND_MONTHS][8])
{
    for (int k = 0; k < FACTS_TREND_MONTHS; k++)
        kpi_month_format(x->f->as_of_month - (FACTS_TREND_MONTHS - 1) + k,
                         title[k]);
}

/* One row per customer; between its core figures and users to goal, the
 * AU of each core workload ("AU EXO", ...) and its pooled core AU in each
 * of the last 12 months under one colour scale. */
void sheet_customers_write(struct sheet_book *x)
{
    struct sheet_list_col col[N(customers_before) + CONFIG_MAX_WORKLOADS +
                              FACTS_TREND_MONTHS + N(customers_after)];
    char title[CONFIG_MAX_WORKLOADS][64];
    char month[FACTS_TREND_MONTHS][8];
    size_t n = 0;
    month_titles(x, month);
    for (size_t k = 0; k < N(customers_before); k++)
        col[n++] = customers_before[k];
    for (int k = 0; k < x->n_core; k++) {
        snprintf(title[k], sizeof(title[k]), "%s %s",
                 report_customer_kpis.col[CK_CORE_WORKLOAD_AU_PCT].title,
                 facts_code(x->f, x->core[k]));
        col[n++] = (struct sheet_list_col){.id = CK_CORE_WORKLOAD_AU_PCT,
                                           .title = title[k],
                                           .arg = x->core[k]};
    }
    for (int k = 0; k < FACTS_TREND_MONTHS; k++)
        col[n++] = (struct sheet_list_col){.id = CK_CORE_AU_MONTH_PCT,
                                           .title = month[k],
                                           .arg = k,
                                           .scale = true};
    for (size_t k = 0; k < N(customers_after); k++)
        col[n++] = customers_after[k];
    const struct sheet_list list = {&customers, col, n};
    struct sheet_items it = {0};
    if (sheet_customer_items(x, &it))
        sheet_list_write(x, "Customers", &list, 1, &it);
    sheet_items_release(&it);
}

/* A workload sheet; the EXO scenario only on EXO's. The name first,
 * frozen and capped, as on Customers. */
static const struct sheet_list_col workload_cols[] = {
    {.id = WK_CUSTOMER_NAME, .cap = SHEET_NAME_WIDTH},
    {.id = WK_TENANT_ID},
    {.id = WK_REGION},
    {.id = WK_FM, .if_empty = SHEET_NO_FM},
    {.id = WK_QE},
    {.id = WK_AE},
    {.id = WK_AU_PCT},
    {.id = WK_HEALTH},
    {.id = WK_SCENARIO},
    {.id = WK_DELTA_1M_PP},
    {.id = WK_DELTA_3M_PP},
    {.id = WK_PLATEAU_MONTHS},
    {.id = WK_PLATEAU},
    {.id = WK_QE_BACKFILLED},
    {.id = WK_ENABLED_DATE},
    {.id = WK_DAYS_KICKOFF_TO_ENABLE},
    {.id = WK_DAYS_TO_10},
    {.id = WK_DAYS_TO_40},
    {.id = WK_DAYS_TO_70},
    {.id = WK_USERS_TO_GOAL},
    {.id = WK_NOTES_TAGS},
    {.id = WK_STATUS},
};

/* The rows of workload w, in facts order: a link to a row (the engine's
 * row_place) counts on it. A core workload's rows end with their AU in
 * each of the last 12 months, under one colour scale. */
void sheet_workload_write(struct sheet_book *x, int w)
{
    const struct facts *f = x->f;
    bool exo = strcmp(facts_code(f, w), "EXO") == 0;
    struct sheet_list_col col[N(workload_cols) + FACTS_TREND_MONTHS];
    char month[FACTS_TREND_MONTHS][8];
    size_t n = 0;
    for (size_t k = 0; k < N(workload_cols); k++)
        if (exo || workload_cols[k].id != WK_SCENARIO)
            col[n++] = workload_cols[k];
    month_titles(x, month);
    if (x->cfg->workload[w].core)
        for (int k = 0; k < FACTS_TREND_MONTHS; k++)
            col[n++] = (struct sheet_list_col){.id = WK_AU_MONTH_PCT,
                                               .title = month[k],
                                               .arg = k,
                                               .scale = true};
    const struct sheet_list list = {&workload_rows, col, n};
    char name[32];
    sheet_workload_name(x, w, name, sizeof(name));
    struct sheet_items it = {0};
    if (sheet_workload_items(x, w, &it))
        sheet_list_write(x, name, &list, 1, &it);
    sheet_items_release(&it);
}
