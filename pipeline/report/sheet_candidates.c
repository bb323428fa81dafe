/*
 * pipeline/report/sheet_candidates.c - the Candidates sheet: one line per
 * candidate customer (facts.candidate_customer), ranked within its region,
 * its focus areas with their details in one cell, a line each (the
 * per-area rows stay in cohort_candidates.csv); each customer linked to
 * its row on Customers.
 */
#include "sheets.h"

static bool candidate_target(const struct sheet_book *x, size_t item,
                             enum sheet_link kind, size_t *index)
{
    *index = x->f->candidate_customer[item].customer;
    return kind == SHEET_LINK_CUSTOMER;
}

static void candidate_rank(const struct sheet_book *x, size_t item,
                           struct sheet_rank *out)
{
    sheet_rank_customer(x, x->f->candidate_customer[item].customer, out);
}

static const struct sheet_source candidates = {
    &report_candidate_customers,
    report_candidate_customer_value,
    candidate_target,
    NULL,
    candidate_rank,
    "Every candidate is in its FM's book under fm/; every focus area of "
    "every candidate is in cohort_candidates.csv"};

/* The width the focus areas' lines wrap in. */
#define FOCUS_WIDTH 90.0

/* By region and rank, the region, rank and customer's name (capped)
 * frozen. */
static const struct sheet_list_col candidates_cols[] = {
    {.id = CU_REGION},
    {.id = CU_RANK},
    {.id = CU_CUSTOMER_NAME,
     .link = SHEET_LINK_CUSTOMER,
     .cap = SHEET_NAME_WIDTH},
    {.id = CU_TENANT_ID},
    {.id = CU_FM, .if_empty = SHEET_NO_FM},
    {.id = CU_HEALTH},
    {.id = CU_CORE_AU_PCT},
    {.id = CU_USERS_TO_GOAL},
    {.id = CU_FOCUS, .width = FOCUS_WIDTH},
};

void sheet_candidates_write(struct sheet_book *x)
{
    static const struct sheet_list list =
        SHEET_LIST(candidates, candidates_cols);
    struct sheet_items it = {0};
    sheet_items_range(x, &it, x->f->n_candidate_customers);
    sheet_list_write(x, "Candidates", &list, 3, &it);
}
