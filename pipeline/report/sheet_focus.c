/*
 * pipeline/report/sheet_focus.c - the Velocity, Plateau and Biggest
 * losers sheets: the worst-first lists of facts.h, shown in their order
 * (docs/workbook.md).
 */
#include "sheets.h"

/* Velocity: the lines of facts.velocity, in their order. */
void sheet_velocity_write(struct sheet_book *x)
{
    const struct facts *f = x->f;
    static const char *const titles[] = {
        "Tenant ID",   "Customer",        "Region",
        "FM",          "Velocity focus",  "Engagement start",
        "Kickoff",     "Days to gateway", "Days to kickoff",
        "Workload",    "Enabled",         "Days kickoff to enable",
        "Days to 10%", "Days to 40%",     "Days to 70%",
        "Findings"};
    enum { N_COLS = sizeof(titles) / sizeof(titles[0]) };
    struct sheet s;
    sheet_list_open(&s, x, "Velocity", titles,
                    (lxw_col_t)(sizeof(titles) / sizeof(titles[0])), 2);
    lxw_row_t r;
    char areas[128], cust_sheet[48], wl_sheet[48];
    for (size_t i = 0; i < f->n_velocity && sheet_next_row(&s, &r); i++) {
        const struct fact_velocity *l = &f->velocity[i];
        const struct fact_customer *c = &f->customer[l->customer];
        const struct fact_workload *row = l->row >= 0 ? &f->row[l->row] : NULL;
        const struct store_tenant *t = sheet_tenant(x, c->tenant);
        lxw_row_t cr = sheet_place(x, "Customers", l->customer, cust_sheet,
                                   sizeof(cust_sheet));
        sheet_put_text(&s, r, 0, t->id);
        if (row)
            sheet_put_text(&s, r, 1, t->name);
        else
            sheet_put_link(&s, r, 1, cust_sheet, cr, t->name);
        sheet_put_text(&s, r, 2, t->region);
        sheet_put_text(&s, r, 3, t->fm);
        kpi_focus_join(l->focus, areas, sizeof(areas));
        sheet_put_text(&s, r, 4, areas);
        sheet_put_date(&s, r, 5, t->engagement_start);
        sheet_put_date(&s, r, 6, t->kickoff_date);
        sheet_put_days(&s, r, 7, c->days_to_gateway);
        sheet_put_days(&s, r, 8, c->days_to_kickoff);
        if (row) {
            lxw_row_t wr =
                sheet_row_place(x, (size_t)l->row, wl_sheet, sizeof(wl_sheet));
            sheet_put_link(&s, r, 9, wl_sheet, wr,
                           facts_code(f, row->workload));
            sheet_put_date(&s, r, 10, row->enabled_date);
            sheet_put_days(&s, r, 11, row->days_kickoff_to_enable);
            for (int j = 0; j < KPI_MILESTONES; j++)
                sheet_put_days(&s, r, (lxw_col_t)(12 + j), row->days_to[j]);
        }
        sheet_put_text(&s, r, 15, l->findings);
    }
    sheet_close(&s);
}

void sheet_plateau_write(struct sheet_book *x)
{
    const struct facts *f = x->f;
    static const char *const titles[] = {"Tenant ID",
                                         "Customer",
                                         "Region",
                                         "FM",
                                         "Workload",
                                         "Core",
                                         "QE",
                                         "AE",
                                         "AU",
                                         "Health",
                                         "Plateau months",
                                         "Anchor AU",
                                         "Delta 1m (pp)",
                                         "Delta 3m (pp)",
                                         "Users to goal",
                                         "Notes tags"};
    struct sheet s;
    sheet_list_open(&s, x, "Plateau", titles,
                    (lxw_col_t)(sizeof(titles) / sizeof(titles[0])), 2);
    lxw_row_t r;
    for (size_t i = 0; i < f->n_plateau && sheet_next_row(&s, &r); i++) {
        const struct fact_workload *row =
            sheet_put_row_head(&s, r, x, f->plateau[i]);
        sheet_put_yes_no(&s, r, 5, row->core);
        sheet_put_opt_count(&s, r, 6, row->qe_known, row->qe);
        sheet_put_opt_count(&s, r, 7, row->value.has_value, row->value.ae);
        sheet_put_pct(&s, r, 8, row->au_defined, row->au);
        sheet_put_health(&s, r, 9, row->health);
        sheet_put_count(&s, r, 10, row->plateau_months);
        bool anchor = kpi_au_defined(&row->plateau_anchor);
        sheet_put_pct(&s, r, 11, anchor,
                      anchor ? kpi_au_centi(row->plateau_anchor.ae,
                                            row->plateau_anchor.qe)
                             : 0);
        sheet_put_pp(&s, r, 12, row->has_delta_1m, row->delta_1m);
        sheet_put_pp(&s, r, 13, row->has_delta_3m, row->delta_3m);
        sheet_put_opt_count(&s, r, 14, row->has_users_to_goal,
                            row->users_to_goal);
        sheet_put_text(&s, r, 15, row->tags);
    }
    sheet_close(&s);
}

void sheet_losers_write(struct sheet_book *x)
{
    const struct facts *f = x->f;
    static const char *const titles[] = {"Tenant ID",
                                         "Customer",
                                         "Region",
                                         "FM",
                                         "Workload",
                                         "QE",
                                         "AE",
                                         "AU 3 months ago",
                                         "AU",
                                         "Delta 3m (pp)",
                                         "Delta 1m (pp)",
                                         "Health",
                                         "Users to goal",
                                         "Notes tags"};
    struct sheet s;
    sheet_list_open(&s, x, "Biggest losers", titles,
                    (lxw_col_t)(sizeof(titles) / sizeof(titles[0])), 2);
    lxw_row_t r;
    for (size_t i = 0; i < f->n_losers && sheet_next_row(&s, &r); i++) {
        const struct fact_workload *row =
            sheet_put_row_head(&s, r, x, f->loser[i]);
        sheet_put_opt_count(&s, r, 5, row->qe_known, row->qe);
        sheet_put_opt_count(&s, r, 6, row->value.has_value, row->value.ae);
        bool before = kpi_au_defined(&row->value_3m_ago);
        sheet_put_pct(
            &s, r, 7, before,
            before ? kpi_au_centi(row->value_3m_ago.ae, row->value_3m_ago.qe)
                   : 0);
        sheet_put_pct(&s, r, 8, row->au_defined, row->au);
        sheet_put_pp(&s, r, 9, row->has_delta_3m, row->delta_3m);
        sheet_put_pp(&s, r, 10, row->has_delta_1m, row->delta_1m);
        sheet_put_health(&s, r, 11, row->health);
        sheet_put_opt_count(&s, r, 12, row->has_users_to_goal,
                            row->users_to_goal);
        sheet_put_text(&s, r, 13, row->tags);
    }
    sheet_close(&s);
}