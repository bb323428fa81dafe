/*
 * pipeline/report/sheet_focus.c - the Velocity, Plateau and Biggest
 * losers sheets: the worst-first lists of facts.h (facts.velocity,
 * facts.plateau, facts.loser), shown in their order (docs/workbook.md).
 * Each workload links to its row on the workload's sheet; a Velocity line
 * of the customer alone links the customer to its row on Customers.
 */
#include "sheets.h"

/* A workload row links to itself on its workload's sheet. */
static bool row_target(const struct sheet_book *x, size_t item,
                       enum sheet_link kind, size_t *index)
{
    (void)x;
    *index = item;
    return kind == SHEET_LINK_WORKLOAD_ROW;
}

/* A Velocity line links to its workload row when it has one, else to its
 * customer. */
static bool velocity_target(const struct sheet_book *x, size_t item,
                            enum sheet_link kind, size_t *index)
{
    const struct fact_velocity *v = &x->f->velocity[item];
    if (kind == SHEET_LINK_WORKLOAD_ROW && v->row >= 0) {
        *index = (size_t)v->row;
        return true;
    }
    if (kind == SHEET_LINK_CUSTOMER && v->row < 0) {
        *index = v->customer;
        return true;
    }
    return false;
}

/* A Velocity line ranks by its workload row's users to goal, or, for the
 * customer alone, by the customer's. */
static void velocity_rank(const struct sheet_book *x, size_t item,
                          struct sheet_rank *out)
{
    const struct fact_velocity *v = &x->f->velocity[item];
    if (v->row >= 0)
        sheet_rank_row(x, (size_t)v->row, out);
    else
        sheet_rank_customer(x, v->customer, out);
}

static const struct sheet_source velocity_lines = {
    &report_velocity,
    report_velocity_value,
    velocity_target,
    NULL,
    velocity_rank,
    "Every line of a customer is in its FM's book under fm/; the figures "
    "of every line are in workload_kpis.csv and customer_kpis.csv"};

static const struct sheet_source workload_rows = {
    &report_workload_kpis, report_workload_value,    row_target, NULL,
    sheet_rank_row,        SHEET_WORKLOAD_ROWS_WHERE};

/* Each list: the customer's name first, frozen and capped, as on
 * Customers; then its tenant id, region and FM. */
static const struct sheet_list_col velocity_cols[] = {
    {.id = VL_CUSTOMER_NAME,
     .link = SHEET_LINK_CUSTOMER,
     .cap = SHEET_NAME_WIDTH},
    {.id = VL_TENANT_ID},
    {.id = VL_REGION},
    {.id = VL_FM, .if_empty = SHEET_NO_FM},
    {.id = VL_FOCUS},
    {.id = VL_ENGAGEMENT_START},
    {.id = VL_KICKOFF_DATE},
    {.id = VL_DAYS_TO_GATEWAY},
    {.id = VL_DAYS_TO_KICKOFF},
    {.id = VL_WORKLOAD, .link = SHEET_LINK_WORKLOAD_ROW},
    {.id = VL_ENABLED_DATE},
    {.id = VL_DAYS_KICKOFF_TO_ENABLE},
    {.id = VL_DAYS_TO_10},
    {.id = VL_DAYS_TO_40},
    {.id = VL_DAYS_TO_70},
    {.id = VL_FINDINGS},
};

static const struct sheet_list_col plateau_cols[] = {
    {.id = WK_CUSTOMER_NAME, .cap = SHEET_NAME_WIDTH},
    {.id = WK_TENANT_ID},
    {.id = WK_REGION},
    {.id = WK_FM, .if_empty = SHEET_NO_FM},
    {.id = WK_WORKLOAD, .link = SHEET_LINK_WORKLOAD_ROW},
    {.id = WK_CORE},
    {.id = WK_QE},
    {.id = WK_AE},
    {.id = WK_AU_PCT},
    {.id = WK_HEALTH},
    {.id = WK_PLATEAU_MONTHS},
    {.id = WK_ANCHOR_AU_PCT},
    {.id = WK_DELTA_1M_PP},
    {.id = WK_DELTA_3M_PP},
    {.id = WK_USERS_TO_GOAL},
    {.id = WK_NOTES_TAGS},
};

static const struct sheet_list_col losers_cols[] = {
    {.id = WK_CUSTOMER_NAME, .cap = SHEET_NAME_WIDTH},
    {.id = WK_TENANT_ID},
    {.id = WK_REGION},
    {.id = WK_FM, .if_empty = SHEET_NO_FM},
    {.id = WK_WORKLOAD, .link = SHEET_LINK_WORKLOAD_ROW},
    {.id = WK_QE},
    {.id = WK_AE},
    {.id = WK_AU_3M_AGO_PCT},
    {.id = WK_AU_PCT},
    {.id = WK_DELTA_3M_PP},
    {.id = WK_DELTA_1M_PP},
    {.id = WK_HEALTH},
    {.id = WK_USERS_TO_GOAL},
    {.id = WK_NOTES_TAGS},
};

/* Only the lines in a velocity focus area (their focus flags, set by the
 * facts), which facts.velocity puts first, most overdue first: the lines
 * with a velocity figure alone stay in the CSVs. */
void sheet_velocity_write(struct sheet_book *x)
{
    static const struct sheet_list list =
        SHEET_LIST(velocity_lines, velocity_cols);
    struct sheet_items it = {0};
    for (size_t i = 0; i < x->f->n_velocity; i++)
        if (x->f->velocity[i].focus != 0 && !sheet_items_add(x, &it, i))
            break;
    sheet_list_write(x, "Velocity", &list, 1, &it);
}

/* A list sheet of the facts rows index[0..n). */
static void row_sheet(struct sheet_book *x, const char *name,
                      const struct sheet_list *list, const uint32_t *index,
                      size_t n)
{
    struct sheet_items it = {0};
    for (size_t i = 0; i < n; i++)
        if (!sheet_items_add(x, &it, index[i]))
            break;
    sheet_list_write(x, name, list, 1, &it);
}

void sheet_plateau_write(struct sheet_book *x)
{
    static const struct sheet_list list =
        SHEET_LIST(workload_rows, plateau_cols);
    row_sheet(x, "Plateau", &list, x->f->plateau, x->f->n_plateau);
}

void sheet_losers_write(struct sheet_book *x)
{
    static const struct sheet_list list =
        SHEET_LIST(workload_rows, losers_cols);
    row_sheet(x, "Biggest losers", &list, x->f->loser, x->f->n_losers);
}
