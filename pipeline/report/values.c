/*
 * pipeline/report/values.c - a switch per table: where each column's
 * value comes from in the facts (docs/kpis.md says what each one means).
 */
#include "values.h"

#include <string.h>

#include "kpi/date.h"
#include "pipeline/config.h"
#include "pipeline/facts_text.h"
#include "pipeline/report/report_xlsx.h"

static struct schema_value unknown(void)
{
    return (struct schema_value){.known = false};
}

static struct schema_value int_value(bool known, int64_t v)
{
    return (struct schema_value){.known = known, .i = v};
}

static struct schema_value text_value(const char *s)
{
    return (struct schema_value){.known = true, .s = s};
}

static struct schema_value days_value(int32_t days)
{
    return int_value(days != KPI_NO_DAYS, days);
}

static struct schema_value date_value(int32_t date)
{
    return int_value(date != KPI_NO_DATE, date);
}

static const struct store_tenant *tenant(const struct facts *f, uint32_t t)
{
    return &f->st->tenant[t];
}

/* The AU of a month value, as a percent, when defined. */
static struct schema_value au_value(const struct kpi_au *v)
{
    bool defined = kpi_au_defined(v);
    return int_value(defined, defined ? kpi_au_centi(v->ae, v->qe) : 0);
}

/* A month of a 12-month series; unknown outside it. */
static struct schema_value month_value(const struct fact_months *m, int k)
{
    if (!m || k < 0 || k >= FACTS_TREND_MONTHS)
        return unknown();
    return int_value(m->defined[k], m->au[k]);
}

/* Keeps t in buf (REPORT_VALUE_BUF bytes), cut on a character boundary
 * with REPORT_XLSX_CUT_MARK when longer; releases t. */
static struct schema_value text_in_buf(struct text *t, char *buf)
{
    const char *s = text_str(t);
    size_t n = strlen(s);
    if (n >= REPORT_VALUE_BUF) {
        n = REPORT_VALUE_BUF - sizeof(REPORT_XLSX_CUT_MARK);
        while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
            n--;
        memcpy(buf, s, n);
        memcpy(buf + n, REPORT_XLSX_CUT_MARK, sizeof(REPORT_XLSX_CUT_MARK));
    } else {
        memcpy(buf, s, n + 1);
    }
    text_release(t);
    return text_value(buf);
}

/* The facts row of workload w of customer c, or NULL. */
static const struct fact_workload *
customer_row(const struct facts *f, const struct fact_customer *c, int w)
{
    for (uint32_t k = c->first_row; k < c->first_row + c->n_rows; k++)
        if (f->row[k].workload == w)
            return &f->row[k];
    return NULL;
}

struct schema_value report_workload_value(const struct facts *f, size_t item,
                                          int col, int arg, char *buf)
{
    const struct fact_workload *r = &f->row[item];
    const struct store_tenant *t = tenant(f, r->tenant);
    (void)arg;
    (void)buf;
    switch ((enum report_workload_kpis_col)col) {
    case WK_AS_OF_MONTH:
        return int_value(true, f->as_of_month);
    case WK_TENANT_ID:
        return text_value(t->id);
    case WK_CUSTOMER_NAME:
        return text_value(t->name);
    case WK_REGION:
        return text_value(t->region);
    case WK_WORKLOAD:
        return text_value(facts_code(f, r->workload));
    case WK_QE:
        return int_value(r->qe_known, r->qe);
    case WK_AE:
        return int_value(r->value.has_value, r->value.ae);
    case WK_AU_PCT:
        return int_value(r->au_defined, r->au);
    case WK_HEALTH:
        return int_value(true, r->health);
    case WK_SCENARIO:
        return text_value(r->scenario);
    case WK_DELTA_1M_PP:
        return int_value(r->has_delta_1m, r->delta_1m);
    case WK_DELTA_3M_PP:
        return int_value(r->has_delta_3m, r->delta_3m);
    case WK_PLATEAU_MONTHS:
        return int_value(true, r->plateau_months);
    case WK_PLATEAU:
        return int_value(true, r->plateau);
    case WK_QE_BACKFILLED:
        return int_value(true, r->qe_backfilled);
    case WK_ENABLED_DATE:
        return date_value(r->enabled_date);
    case WK_DAYS_KICKOFF_TO_ENABLE:
        return days_value(r->days_kickoff_to_enable);
    case WK_DAYS_TO_10:
        return days_value(r->days_to[0]);
    case WK_DAYS_TO_40:
        return days_value(r->days_to[1]);
    case WK_DAYS_TO_70:
        return days_value(r->days_to[2]);
    case WK_USERS_TO_GOAL:
        return int_value(r->has_users_to_goal, r->users_to_goal);
    case WK_FM:
        return text_value(t->fm);
    case WK_CORE:
        return int_value(true, r->core);
    case WK_ANCHOR_AU_PCT:
        return au_value(&r->plateau_anchor);
    case WK_AU_3M_AGO_PCT:
        return au_value(&r->value_3m_ago);
    case WK_NOTES_TAGS:
        return text_value(r->tags);
    case WK_STATUS:
        return text_value(r->status);
    case WK_AU_MONTH_PCT:
        return month_value(r->au_months, arg);
    case WK_COUNT:
        break;
    }
    return unknown();
}

struct schema_value report_customer_value(const struct facts *f, size_t item,
                                          int col, int arg, char *buf)
{
    const struct fact_customer *c = &f->customer[item];
    const struct store_tenant *t = tenant(f, c->tenant);
    const struct fact_workload *r;
    struct text words;
    switch ((enum report_customer_kpis_col)col) {
    case CK_AS_OF_MONTH:
        return int_value(true, f->as_of_month);
    case CK_TENANT_ID:
        return text_value(t->id);
    case CK_CUSTOMER_NAME:
        return text_value(t->name);
    case CK_REGION:
        return text_value(t->region);
    case CK_FM:
        return text_value(t->fm);
    case CK_SEATS:
        return int_value(t->seats >= 0, t->seats);
    case CK_LARGE:
        return int_value(c->large_known, c->large);
    case CK_CORE_QE:
        return int_value(true, (int64_t)c->core_qe);
    case CK_CORE_AE:
        return int_value(true, (int64_t)c->core_ae);
    case CK_CORE_AU_PCT:
        return int_value(c->core_au_defined, c->core_au);
    case CK_HEALTH:
        return int_value(true, c->health);
    case CK_DAYS_TO_KICKOFF:
        return days_value(c->days_to_kickoff);
    case CK_DAYS_TO_GATEWAY:
        return days_value(c->days_to_gateway);
    case CK_USERS_TO_GOAL:
        return int_value(true, c->users_to_goal);
    case CK_FOCUS_AREAS:
        kpi_focus_join(c->focus, buf, REPORT_VALUE_BUF);
        return text_value(buf);
    case CK_CORE_WORKLOAD_AU_PCT:
        r = customer_row(f, c, arg);
        return int_value(r && r->au_defined, r ? r->au : 0);
    case CK_HEALTH_REASON:
        facts_text_health_reason(f, c, buf, REPORT_VALUE_BUF);
        return text_value(buf);
    case CK_CORE_AU_MONTH_PCT:
        return month_value(&c->core_au_months, arg);
    case CK_FOCUS_WORDS:
        text_init(&words);
        facts_text_focus_words(f, c, &words);
        return text_in_buf(&words, buf);
    case CK_COUNT:
        break;
    }
    return unknown();
}

struct schema_value report_portfolio_value(const struct facts *f, size_t item,
                                           int col, int arg, char *buf)
{
    const struct fact_portfolio *p = &f->portfolio[item];
    (void)arg;
    (void)buf;
    switch ((enum report_portfolio_col)col) {
    case PF_AS_OF_MONTH:
        return int_value(true, f->as_of_month);
    case PF_WORKLOAD:
        return text_value(facts_code(f, p->workload));
    case PF_CUSTOMERS:
        return int_value(true, (int64_t)p->customers);
    case PF_QE:
        return int_value(true, (int64_t)p->qe);
    case PF_MEASURED:
        return int_value(true, (int64_t)p->measured);
    case PF_AE:
        return int_value(true, (int64_t)p->ae);
    case PF_POOLED_AU_PCT:
        return int_value(p->pooled_defined, p->pooled_au);
    case PF_MEAN_AU_PCT:
        return int_value(p->mean_defined, p->mean_au);
    case PF_GREEN:
        return int_value(true, (int64_t)p->count[KPI_HEALTH_GREEN]);
    case PF_YELLOW:
        return int_value(true, (int64_t)p->count[KPI_HEALTH_YELLOW]);
    case PF_RED:
        return int_value(true, (int64_t)p->count[KPI_HEALTH_RED]);
    case PF_NA:
        return int_value(true, (int64_t)p->count[KPI_HEALTH_NA]);
    case PF_MEASURED_QE:
        return int_value(true, (int64_t)p->measured_qe);
    case PF_TARGET_PCT:
        /* kpi_pct has 4 decimals of a percent, a cell's percent 2 */
        return int_value(
            true, f->st->cfg->workload[p->workload].threshold.green_above /
                      (KPI_PCT_SCALE / 100));
    case PF_POOLED_CHANGE_PP:
        return int_value(p->pooled_change_defined, p->pooled_change);
    case PF_COUNT:
        break;
    }
    return unknown();
}

struct schema_value report_candidate_value(const struct facts *f, size_t item,
                                           int col, int arg, char *buf)
{
    const struct fact_candidate *cd = &f->candidate[item];
    const struct fact_customer *c = &f->customer[cd->customer];
    const struct store_tenant *t = tenant(f, c->tenant);
    (void)arg;
    (void)buf;
    switch ((enum report_candidates_col)col) {
    case CC_AS_OF_MONTH:
        return int_value(true, f->as_of_month);
    case CC_REGION:
        return text_value(t->region);
    case CC_TENANT_ID:
        return text_value(t->id);
    case CC_CUSTOMER_NAME:
        return text_value(t->name);
    case CC_FM:
        return text_value(t->fm);
    case CC_FOCUS_AREA:
        return text_value(kpi_focus_code(cd->area));
    case CC_WORKLOAD:
        return text_value(facts_code(f, cd->workload));
    case CC_DETAIL:
        return text_value(cd->detail);
    case CC_USERS_TO_GOAL:
        return int_value(true, c->users_to_goal);
    case CC_COUNT:
        break;
    }
    return unknown();
}

struct schema_value report_candidate_customer_value(const struct facts *f,
                                                    size_t item, int col,
                                                    int arg, char *buf)
{
    const struct fact_candidate_customer *cu = &f->candidate_customer[item];
    size_t c = cu->customer;
    struct text t;
    (void)arg;
    switch ((enum report_candidate_customers_col)col) {
    case CU_REGION:
        return report_customer_value(f, c, CK_REGION, 0, buf);
    case CU_RANK:
        return int_value(true, cu->rank);
    case CU_CUSTOMER_NAME:
        return report_customer_value(f, c, CK_CUSTOMER_NAME, 0, buf);
    case CU_TENANT_ID:
        return report_customer_value(f, c, CK_TENANT_ID, 0, buf);
    case CU_FM:
        return report_customer_value(f, c, CK_FM, 0, buf);
    case CU_HEALTH:
        return report_customer_value(f, c, CK_HEALTH, 0, buf);
    case CU_CORE_AU_PCT:
        return report_customer_value(f, c, CK_CORE_AU_PCT, 0, buf);
    case CU_USERS_TO_GOAL:
        return report_customer_value(f, c, CK_USERS_TO_GOAL, 0, buf);
    case CU_FOCUS:
        text_init(&t);
        for (uint32_t k = 0; k < cu->n_candidates; k++) {
            const struct fact_candidate *cd =
                &f->candidate[cu->first_candidate + k];
            if (k > 0)
                text_addc(&t, '\n');
            text_adds(&t, kpi_focus_code(cd->area));
            if (cd->workload >= 0) {
                text_addc(&t, ' ');
                text_adds(&t, facts_code(f, cd->workload));
            }
            if (cd->detail && cd->detail[0]) {
                text_adds(&t, ": ");
                text_adds(&t, cd->detail);
            }
        }
        return text_in_buf(&t, buf);
    case CU_COUNT:
        break;
    }
    return unknown();
}

static struct schema_value group_value(const struct fact_group *g, int col)
{
    switch ((enum report_group_col)col) {
    case GR_NAME:
        return text_value(g->name);
    case GR_REGIONS:
        return text_value(g->regions);
    case GR_CUSTOMERS:
        return int_value(true, (int64_t)g->customers);
    case GR_GREEN:
        return int_value(true, (int64_t)g->health[KPI_HEALTH_GREEN]);
    case GR_YELLOW:
        return int_value(true, (int64_t)g->health[KPI_HEALTH_YELLOW]);
    case GR_RED:
        return int_value(true, (int64_t)g->health[KPI_HEALTH_RED]);
    case GR_NA:
        return int_value(true, (int64_t)g->health[KPI_HEALTH_NA]);
    case GR_CORE_AU_PCT:
        return int_value(g->core_au_defined, g->core_au);
    case GR_USERS_TO_GOAL:
        return int_value(true, g->users_to_goal);
    case GR_CANDIDATES:
        return int_value(true, (int64_t)g->candidates);
    case GR_PLATEAUS:
        return int_value(true, (int64_t)g->plateaus);
    case GR_LOSERS:
        return int_value(true, (int64_t)g->losers);
    case GR_COUNT:
        break;
    }
    return unknown();
}

struct schema_value report_region_value(const struct facts *f, size_t item,
                                        int col, int arg, char *buf)
{
    (void)arg;
    (void)buf;
    return group_value(&f->region[item], col);
}

struct schema_value report_fm_value(const struct facts *f, size_t item, int col,
                                    int arg, char *buf)
{
    (void)arg;
    (void)buf;
    return group_value(&f->fm[item], col);
}

struct schema_value report_velocity_value(const struct facts *f, size_t item,
                                          int col, int arg, char *buf)
{
    const struct fact_velocity *v = &f->velocity[item];
    const struct store_tenant *t = tenant(f, f->customer[v->customer].tenant);
    size_t c = v->customer;
    (void)arg;
    /* the figures of the line's workload, when it has one */
    int wk = -1;
    switch ((enum report_velocity_col)col) {
    case VL_TENANT_ID:
        return report_customer_value(f, c, CK_TENANT_ID, 0, buf);
    case VL_CUSTOMER_NAME:
        return report_customer_value(f, c, CK_CUSTOMER_NAME, 0, buf);
    case VL_REGION:
        return report_customer_value(f, c, CK_REGION, 0, buf);
    case VL_FM:
        return report_customer_value(f, c, CK_FM, 0, buf);
    case VL_FOCUS:
        kpi_focus_join(v->focus, buf, REPORT_VALUE_BUF);
        return text_value(buf);
    case VL_ENGAGEMENT_START:
        return date_value(t->engagement_start);
    case VL_KICKOFF_DATE:
        return date_value(t->kickoff_date);
    case VL_DAYS_TO_GATEWAY:
        return report_customer_value(f, c, CK_DAYS_TO_GATEWAY, 0, buf);
    case VL_DAYS_TO_KICKOFF:
        return report_customer_value(f, c, CK_DAYS_TO_KICKOFF, 0, buf);
    case VL_WORKLOAD:
        wk = WK_WORKLOAD;
        break;
    case VL_ENABLED_DATE:
        wk = WK_ENABLED_DATE;
        break;
    case VL_DAYS_KICKOFF_TO_ENABLE:
        wk = WK_DAYS_KICKOFF_TO_ENABLE;
        break;
    case VL_DAYS_TO_10:
        wk = WK_DAYS_TO_10;
        break;
    case VL_DAYS_TO_40:
        wk = WK_DAYS_TO_40;
        break;
    case VL_DAYS_TO_70:
        wk = WK_DAYS_TO_70;
        break;
    case VL_FINDINGS:
        return text_value(v->findings);
    case VL_COUNT:
        break;
    }
    if (wk < 0 || v->row < 0)
        return unknown();
    return report_workload_value(f, (size_t)v->row, wk, 0, buf);
}
