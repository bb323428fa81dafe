/*
 * pipeline/report/sheet_candidates.c - the Candidates sheet: the rows of
 * cohort_candidates.csv, each customer linked to its row on Customers.
 */
#include "sheets.h"

void sheet_candidates_write(struct sheet_book *x)
{
    const struct facts *f = x->f;
    static const char *const titles[] = {"Region", "Tenant ID",    "Customer",
                                         "FM",     "Focus area",   "Workload",
                                         "Detail", "Users to goal"};
    struct sheet s;
    sheet_list_open(&s, x, "Candidates", titles,
                    (lxw_col_t)(sizeof(titles) / sizeof(titles[0])), 3);
    lxw_row_t r;
    char cust_sheet[48];
    for (size_t i = 0; i < f->n_candidates && sheet_next_row(&s, &r); i++) {
        const struct fact_candidate *cd = &f->candidate[i];
        const struct fact_customer *c = &f->customer[cd->customer];
        const struct store_tenant *t = sheet_tenant(x, c->tenant);
        sheet_put_text(&s, r, 0, t->region);
        sheet_put_text(&s, r, 1, t->id);
        lxw_row_t cr = sheet_place(x, "Customers", cd->customer, cust_sheet,
                                   sizeof(cust_sheet));
        sheet_put_link(&s, r, 2, cust_sheet, cr, t->name);
        sheet_put_text(&s, r, 3, t->fm);
        sheet_put_text(&s, r, 4, kpi_focus_code(cd->area));
        sheet_put_text(&s, r, 5, facts_code(f, cd->workload));
        sheet_put_text(&s, r, 6, cd->detail);
        sheet_put_count(&s, r, 7, c->users_to_goal);
    }
    sheet_close(&s);
}