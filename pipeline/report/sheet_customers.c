/*
 * pipeline/report/sheet_customers.c - the Customers sheet and one sheet
 * per workload (docs/workbook.md).
 */
#include "sheets.h"

#include <string.h>

/* The facts row of workload w of customer c, or NULL. */
static const struct fact_workload *customer_row(const struct sheet_book *x,
                                                const struct fact_customer *c,
                                                int w, size_t *index)
{
    for (uint32_t k = c->first_row; k < c->first_row + c->n_rows; k++)
        if (x->f->row[k].workload == w) {
            if (index)
                *index = k;
            return &x->f->row[k];
        }
    return NULL;
}

void sheet_customers_write(struct sheet_book *x)
{
    const struct facts *f = x->f;
    struct sheet s;
    lxw_row_t r;
    static const char *const before[] = {
        "Tenant ID", "Customer", "Region",  "FM",      "Seats",
        "Large",     "Health",   "Core QE", "Core AE", "Core AU"};
    lxw_col_t nb = 10;
    lxw_col_t n_cols = (lxw_col_t)(nb + x->n_core + 2);
    sheet_init(&s, x, "Customers", n_cols, true, 2);
    for (lxw_col_t c = 0; c < nb; c++)
        sheet_column_title(&s, c, "%s", before[c]);
    for (int k = 0; k < x->n_core; k++)
        sheet_column_title(&s, (lxw_col_t)(nb + k), "AU %s",
                           facts_code(f, x->core[k]));
    sheet_column_title(&s, (lxw_col_t)(nb + x->n_core), "Users to goal");
    sheet_column_title(&s, (lxw_col_t)(nb + x->n_core + 1), "Focus areas");
    sheet_open(&s);
    char areas[128];
    for (size_t i = 0; i < f->n_customers && sheet_next_row(&s, &r); i++) {
        const struct fact_customer *c = &f->customer[i];
        const struct store_tenant *t = sheet_tenant(x, c->tenant);
        sheet_put_customer(&s, r, t);
        sheet_put_opt_count(&s, r, 4, t->seats >= 0, t->seats);
        if (c->large_known)
            sheet_put_yes_no(&s, r, 5, c->large);
        sheet_put_health(&s, r, 6, c->health);
        sheet_put_count(&s, r, 7, (int64_t)c->core_qe);
        sheet_put_count(&s, r, 8, (int64_t)c->core_ae);
        sheet_put_pct(&s, r, 9, c->core_au_defined, c->core_au);
        for (int k = 0; k < x->n_core; k++) {
            const struct fact_workload *row =
                customer_row(x, c, x->core[k], NULL);
            if (row)
                sheet_put_pct(&s, r, (lxw_col_t)(nb + k), row->au_defined,
                              row->au);
        }
        sheet_put_count(&s, r, (lxw_col_t)(nb + x->n_core), c->users_to_goal);
        kpi_focus_join(c->focus, areas, sizeof(areas));
        sheet_put_text(&s, r, (lxw_col_t)(nb + x->n_core + 1), areas);
    }
    sheet_close(&s);
}

/* ------------------------------------------------------------------ */
/* One sheet per workload                                              */

void sheet_workload_write(struct sheet_book *x, int w)
{
    const struct facts *f = x->f;
    bool exo = strcmp(facts_code(f, w), "EXO") == 0;
    static const char *const titles[] = {"Tenant ID",
                                         "Customer",
                                         "Region",
                                         "QE",
                                         "AE",
                                         "AU",
                                         "Health",
                                         "EXO scenario",
                                         "Delta 1m (pp)",
                                         "Delta 3m (pp)",
                                         "Plateau months",
                                         "Plateau",
                                         "QE backfilled",
                                         "Enabled",
                                         "Days kickoff to enable",
                                         "Days to 10%",
                                         "Days to 40%",
                                         "Days to 70%",
                                         "Users to goal",
                                         "Notes tags",
                                         "Status"};
    enum { N_TITLES = sizeof(titles) / sizeof(titles[0]) };
    char name[32];
    sheet_workload_name(x, w, name, sizeof(name));
    struct sheet s;
    sheet_init(&s, x, name, exo ? N_TITLES : N_TITLES - 1, true, 2);
    lxw_col_t c = 0;
    for (size_t k = 0; k < N_TITLES; k++)
        if (exo || k != 7)
            sheet_column_title(&s, c++, "%s", titles[k]);
    sheet_open(&s);
    lxw_row_t r;
    for (size_t i = 0; i < f->n_rows; i++) {
        const struct fact_workload *row = &f->row[i];
        if (row->workload != w)
            continue;
        if (!sheet_next_row(&s, &r))
            break;
        const struct store_tenant *t = sheet_tenant(x, row->tenant);
        sheet_put_text(&s, r, 0, t->id);
        sheet_put_text(&s, r, 1, t->name);
        sheet_put_text(&s, r, 2, t->region);
        sheet_put_opt_count(&s, r, 3, row->qe_known, row->qe);
        sheet_put_opt_count(&s, r, 4, row->value.has_value, row->value.ae);
        sheet_put_pct(&s, r, 5, row->au_defined, row->au);
        sheet_put_health(&s, r, 6, row->health);
        c = 7;
        if (exo)
            sheet_put_text(&s, r, c++, row->scenario);
        sheet_put_pp(&s, r, c++, row->has_delta_1m, row->delta_1m);
        sheet_put_pp(&s, r, c++, row->has_delta_3m, row->delta_3m);
        sheet_put_count(&s, r, c++, row->plateau_months);
        sheet_put_yes_no(&s, r, c++, row->plateau);
        sheet_put_yes_no(&s, r, c++, row->qe_backfilled);
        sheet_put_date(&s, r, c++, row->enabled_date);
        sheet_put_days(&s, r, c++, row->days_kickoff_to_enable);
        for (int k = 0; k < KPI_MILESTONES; k++)
            sheet_put_days(&s, r, c++, row->days_to[k]);
        sheet_put_opt_count(&s, r, c++, row->has_users_to_goal,
                            row->users_to_goal);
        sheet_put_text(&s, r, c++, row->tags);
        sheet_put_text(&s, r, c++, row->status);
    }
    sheet_close(&s);
}