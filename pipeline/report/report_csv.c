/*
 * pipeline/report/report_csv.c - workload_kpis.csv, customer_kpis.csv,
 * portfolio.csv and cohort_candidates.csv.
 */
#include "report_csv.h"

#include <string.h>

#include "kpi/date.h"
#include "pipeline/base/csv_writer.h"

static void opt_int(struct csv_writer *w, bool known, int64_t v)
{
    if (known)
        csv_writer_int(w, v);
    else
        csv_writer_empty(w);
}

static void opt_centi(struct csv_writer *w, bool known, kpi_centi v)
{
    if (known)
        csv_writer_centi(w, v);
    else
        csv_writer_empty(w);
}

static void opt_days(struct csv_writer *w, int32_t days)
{
    opt_int(w, days != KPI_NO_DAYS, days);
}

static void tenant_cells(struct csv_writer *w, const struct facts *f,
                         uint32_t tenant, char *month)
{
    const struct store_tenant *t = &f->st->tenant[tenant];
    csv_writer_plain(w, month);
    csv_writer_str(w, t->id);
    csv_writer_str(w, t->name);
    csv_writer_str(w, t->region);
}

bool report_csv_workload_kpis(FILE *out, const struct facts *f)
{
    static const char *const header[] = {"as_of_month",
                                         "tenant_id",
                                         "customer_name",
                                         "region",
                                         "workload",
                                         "qe",
                                         "ae",
                                         "au_pct",
                                         "health",
                                         "scenario",
                                         "delta_1m_pp",
                                         "delta_3m_pp",
                                         "plateau_months",
                                         "plateau",
                                         "qe_backfilled",
                                         "enabled_date",
                                         "days_kickoff_to_enable",
                                         "days_to_10",
                                         "days_to_40",
                                         "days_to_70",
                                         "users_to_goal",
                                         NULL};
    struct csv_writer w;
    char month[8];
    kpi_month_format(f->as_of_month, month);
    csv_writer_init(&w, out, false);
    csv_writer_header(&w, header);
    for (size_t i = 0; i < f->n_rows; i++) {
        const struct fact_workload *r = &f->row[i];
        tenant_cells(&w, f, r->tenant, month);
        csv_writer_plain(&w, facts_code(f, r->workload));
        opt_int(&w, r->qe_known, r->qe);
        opt_int(&w, r->value.has_value, r->value.ae);
        opt_centi(&w, r->au_defined, r->au);
        csv_writer_plain(&w, kpi_health_name(r->health));
        csv_writer_plain(&w, r->scenario);
        opt_centi(&w, r->has_delta_1m, r->delta_1m);
        opt_centi(&w, r->has_delta_3m, r->delta_3m);
        csv_writer_int(&w, r->plateau_months);
        csv_writer_bool(&w, r->plateau);
        csv_writer_bool(&w, r->qe_backfilled);
        csv_writer_date(&w, r->enabled_date);
        opt_days(&w, r->days_kickoff_to_enable);
        for (int k = 0; k < KPI_MILESTONES; k++)
            opt_days(&w, r->days_to[k]);
        opt_int(&w, r->has_users_to_goal, r->users_to_goal);
        csv_writer_end(&w);
    }
    return !csv_writer_error(&w);
}

bool report_csv_customer_kpis(FILE *out, const struct facts *f)
{
    static const char *const header[] = {"as_of_month",
                                         "tenant_id",
                                         "customer_name",
                                         "region",
                                         "fm",
                                         "seats",
                                         "large",
                                         "core_qe",
                                         "core_ae",
                                         "core_au_pct",
                                         "health",
                                         "days_to_kickoff",
                                         "days_to_gateway",
                                         "users_to_goal",
                                         "focus_areas",
                                         NULL};
    struct csv_writer w;
    char month[8], areas[128];
    kpi_month_format(f->as_of_month, month);
    csv_writer_init(&w, out, false);
    csv_writer_header(&w, header);
    for (size_t i = 0; i < f->n_customers; i++) {
        const struct fact_customer *c = &f->customer[i];
        const struct store_tenant *t = &f->st->tenant[c->tenant];
        tenant_cells(&w, f, c->tenant, month);
        csv_writer_str(&w, t->fm);
        opt_int(&w, t->seats >= 0, t->seats);
        if (c->large_known)
            csv_writer_bool(&w, c->large);
        else
            csv_writer_empty(&w);
        csv_writer_int(&w, (int64_t)c->core_qe);
        csv_writer_int(&w, (int64_t)c->core_ae);
        opt_centi(&w, c->core_au_defined, c->core_au);
        csv_writer_plain(&w, kpi_health_name(c->health));
        opt_days(&w, c->days_to_kickoff);
        opt_days(&w, c->days_to_gateway);
        csv_writer_int(&w, c->users_to_goal);
        kpi_focus_join(c->focus, areas, sizeof(areas));
        csv_writer_plain(&w, areas);
        csv_writer_end(&w);
    }
    return !csv_writer_error(&w);
}

bool report_csv_portfolio(FILE *out, const struct facts *f)
{
    static const char *const header[] = {
        "as_of_month", "workload", "customers",     "qe",
        "measured",    "ae",       "pooled_au_pct", "mean_au_pct",
        "green",       "yellow",   "red",           "na",
        NULL};
    struct csv_writer w;
    char month[8];
    kpi_month_format(f->as_of_month, month);
    csv_writer_init(&w, out, false);
    csv_writer_header(&w, header);
    for (size_t i = 0; i < f->n_portfolio; i++) {
        const struct fact_portfolio *p = &f->portfolio[i];
        csv_writer_plain(&w, month);
        csv_writer_plain(&w, facts_code(f, p->workload));
        csv_writer_int(&w, (int64_t)p->customers);
        csv_writer_int(&w, (int64_t)p->qe);
        csv_writer_int(&w, (int64_t)p->measured);
        csv_writer_int(&w, (int64_t)p->ae);
        opt_centi(&w, p->pooled_defined, p->pooled_au);
        opt_centi(&w, p->mean_defined, p->mean_au);
        csv_writer_int(&w, (int64_t)p->count[KPI_HEALTH_GREEN]);
        csv_writer_int(&w, (int64_t)p->count[KPI_HEALTH_YELLOW]);
        csv_writer_int(&w, (int64_t)p->count[KPI_HEALTH_RED]);
        csv_writer_int(&w, (int64_t)p->count[KPI_HEALTH_NA]);
        csv_writer_end(&w);
    }
    return !csv_writer_error(&w);
}

bool report_csv_candidates(FILE *out, const struct facts *f)
{
    static const char *const header[] = {
        "as_of_month", "region",   "tenant_id", "customer_name", "fm",
        "focus_area",  "workload", "detail",    "users_to_goal", NULL};
    struct csv_writer w;
    char month[8];
    kpi_month_format(f->as_of_month, month);
    csv_writer_init(&w, out, false);
    csv_writer_header(&w, header);
    for (size_t i = 0; i < f->n_candidates; i++) {
        const struct fact_candidate *c = &f->candidate[i];
        const struct fact_customer *cu = &f->customer[c->customer];
        const struct store_tenant *t = &f->st->tenant[cu->tenant];
        csv_writer_plain(&w, month);
        csv_writer_str(&w, t->region);
        csv_writer_str(&w, t->id);
        csv_writer_str(&w, t->name);
        csv_writer_str(&w, t->fm);
        csv_writer_plain(&w, kpi_focus_code(c->area));
        csv_writer_plain(&w, facts_code(f, c->workload));
        csv_writer_str(&w, c->detail);
        csv_writer_int(&w, cu->users_to_goal);
        csv_writer_end(&w);
    }
    return !csv_writer_error(&w);
}
