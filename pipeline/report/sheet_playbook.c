/*
 * pipeline/report/sheet_playbook.c - the Next actions and Exec summaries
 * sheets (docs/workbook.md, docs/playbooks.md): the rows of
 * next_actions.csv and exec_summaries.csv, each customer linked to its row
 * on Customers.
 */
#include "sheets.h"

#include "pipeline/playbook/playbook.h"

/* Both lists link the customer's name to its row on Customers. */
static bool action_target(const struct sheet_book *x, size_t item,
                          enum sheet_link kind, size_t *index)
{
    *index = x->pb->action[item].customer;
    return kind == SHEET_LINK_CUSTOMER;
}

static bool summary_target(const struct sheet_book *x, size_t item,
                           enum sheet_link kind, size_t *index)
{
    *index = x->pb->summary[item].customer;
    return kind == SHEET_LINK_CUSTOMER;
}

static void action_row(struct sheet_book *x, size_t item,
                       struct schema_value *v)
{
    playbook_action_values(x->pb, item, v);
}

/* The note is drafted into x->note, which its cell borrows until the
 * next row. */
static void summary_row(struct sheet_book *x, size_t item,
                        struct schema_value *v)
{
    if (playbook_summary_values(x->pb, item, &x->note, v) != FTK_OK)
        sheet_fail(x, FTK_E_NOMEM, "sheet 'Exec summaries': out of memory");
}

/* An action or a summary ranks by its customer's users to goal: a
 * customer's actions are kept or left out together. */
static void action_rank(const struct sheet_book *x, size_t item,
                        struct sheet_rank *out)
{
    sheet_rank_customer(x, x->pb->action[item].customer, out);
}

static void summary_rank(const struct sheet_book *x, size_t item,
                         struct sheet_rank *out)
{
    sheet_rank_customer(x, x->pb->summary[item].customer, out);
}

static const struct sheet_source actions = {
    &playbook_next_actions,
    NULL,
    action_target,
    action_row,
    action_rank,
    "Every action of a customer is in its FM's book under fm/; every "
    "action is in next_actions.csv"};
static const struct sheet_source summaries = {
    &playbook_exec_summaries,
    NULL,
    summary_target,
    summary_row,
    summary_rank,
    "Every customer's summary is in its FM's book under fm/ and in "
    "exec_summaries.csv"};

/* Grouped by FM: the rows come sorted by FM, region, customer. */
static const struct sheet_list_col action_cols[] = {
    {.id = ACT_FM, .if_empty = SHEET_NO_FM},
    {.id = ACT_REGION},
    {.id = ACT_CUSTOMER_NAME,
     .link = SHEET_LINK_CUSTOMER,
     .cap = SHEET_NAME_WIDTH},
    {.id = ACT_TENANT_ID},
    {.id = ACT_WORKLOAD},
    {.id = ACT_RULE},
    {.id = ACT_TASK_ID},
    {.id = ACT_ACTION},
    {.id = ACT_REASON},
};

/* The note in one wrapped cell, ready to paste. */
static const struct sheet_list_col summary_cols[] = {
    {.id = SUM_FM, .if_empty = SHEET_NO_FM},
    {.id = SUM_REGION},
    {.id = SUM_CUSTOMER_NAME,
     .link = SHEET_LINK_CUSTOMER,
     .cap = SHEET_NAME_WIDTH},
    {.id = SUM_TENANT_ID},
    {.id = SUM_DEPLOYMENT_PROGRESS},
    {.id = SUM_NOTE, .width = 110},
};

void sheet_next_actions_write(struct sheet_book *x)
{
    static const struct sheet_list list = SHEET_LIST(actions, action_cols);
    if (!x->pb || x->err != FTK_OK)
        return;
    struct sheet_items it = {0};
    sheet_items_range(x, &it, x->pb->n_actions);
    sheet_list_write(x, "Next actions", &list, 3, &it);
}

void sheet_exec_summaries_write(struct sheet_book *x)
{
    static const struct sheet_list list = SHEET_LIST(summaries, summary_cols);
    if (!x->pb || x->err != FTK_OK)
        return;
    struct sheet_items it = {0};
    sheet_items_range(x, &it, x->pb->n_summaries);
    sheet_list_write(x, "Exec summaries", &list, 3, &it);
}
