/*
 * pipeline/report/sheet_candidates.c - the Candidates sheet: the rows of
 * cohort_candidates.csv, each customer linked to its row on Customers.
 */
#include "sheets.h"

static bool candidate_target(const struct sheet_book *x, size_t item,
                             enum sheet_link kind, size_t *index)
{
    *index = x->f->candidate[item].customer;
    return kind == SHEET_LINK_CUSTOMER;
}

static const struct sheet_source candidates = {
    &report_candidates, report_candidate_value, candidate_target, NULL};

/* By region, then the customer's name (frozen with the region, capped),
 * then its tenant id. */
static const struct sheet_list_col candidates_cols[] = {
    {.id = CC_REGION},
    {.id = CC_CUSTOMER_NAME,
     .link = SHEET_LINK_CUSTOMER,
     .cap = SHEET_NAME_WIDTH},
    {.id = CC_TENANT_ID},
    {.id = CC_FM, .if_empty = SHEET_NO_FM},
    {.id = CC_FOCUS_AREA},
    {.id = CC_WORKLOAD},
    {.id = CC_DETAIL},
    {.id = CC_USERS_TO_GOAL},
};

void sheet_candidates_write(struct sheet_book *x)
{
    static const struct sheet_list list =
        SHEET_LIST(candidates, candidates_cols);
    struct sheet s;
    sheet_list_open(&s, x, "Candidates", &list, 2);
    for (size_t i = 0; i < x->f->n_candidates; i++)
        if (!sheet_list_row(&s, i))
            break;
    sheet_close(&s);
}
