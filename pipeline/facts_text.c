/*
 * pipeline/facts_text.c - a customer's health reason and focus areas in
 * words (facts_text.h). The words of the focus areas are the exec
 * summary's (tests/reference/READINGS-issue9.md, R27), kept here once for
 * the Customers sheet and the summary alike.
 */
#include "facts_text.h"

#include "pipeline/config.h"

void facts_text_health_reason(const struct facts *f,
                              const struct fact_customer *c, char *out,
                              size_t cap)
{
    struct kpi_au core[CONFIG_MAX_WORKLOADS];
    const char *codes[CONFIG_MAX_WORKLOADS];
    size_t n = 0;
    /* a customer's rows are in code order, one per workload */
    for (uint32_t i = c->first_row; i < c->first_row + c->n_rows; i++) {
        const struct fact_workload *r = &f->row[i];
        if (!r->core || n == CONFIG_MAX_WORKLOADS)
            continue;
        core[n] = r->value;
        codes[n++] = facts_code(f, r->workload);
    }
    kpi_customer_health_reason(core, codes, n, &f->st->cfg->customer, out, cap);
}

/* Whether row r puts its customer in the workload-level focus area a, as
 * the candidates of facts.c decide it. */
static bool row_in_area(const struct fact_workload *r, enum kpi_focus a)
{
    if (!r->core)
        return false;
    switch (a) {
    case KPI_FOCUS_PLATEAU:
        return r->plateau;
    case KPI_FOCUS_LOSER:
        return r->loser;
    case KPI_FOCUS_SLOW_ENABLE:
        return r->slow_enable;
    case KPI_FOCUS_SLOW_RAMP:
        return r->slow_ramp != 0;
    default:
        return false;
    }
}

void facts_text_focus_words(const struct facts *f,
                            const struct fact_customer *c, struct text *out)
{
    const struct config *cfg = f->st->cfg;
    static const char *const words[KPI_FOCUS_COUNT] = {
        [KPI_FOCUS_LARGE_POOR] = "large customer with AU under",
        [KPI_FOCUS_PLATEAU] = "plateau on",
        [KPI_FOCUS_LOSER] = "biggest loser on",
        [KPI_FOCUS_SLOW_KICKOFF] = "slow kickoff",
        [KPI_FOCUS_SLOW_ENABLE] = "slow enablement on",
        [KPI_FOCUS_SLOW_RAMP] = "slow ramp-up on",
    };
    bool first_area = true;
    for (int a = 0; a < KPI_FOCUS_COUNT; a++) {
        if (!(c->focus & (1u << a)))
            continue;
        if (!first_area)
            text_adds(out, "; ");
        first_area = false;
        text_adds(out, words[a]);
        if (a == KPI_FOCUS_LARGE_POOR) {
            char lim[32];
            kpi_pct_format(cfg->focus.large_poor_below, lim);
            text_addf(out, " %s %%", lim);
        }
        /* the area's workloads in the configuration's order */
        bool first_w = true;
        for (int w = 0; w < cfg->n_workloads; w++)
            for (uint32_t i = c->first_row; i < c->first_row + c->n_rows; i++) {
                const struct fact_workload *r = &f->row[i];
                if (r->workload != w || !row_in_area(r, (enum kpi_focus)a))
                    continue;
                text_adds(out, first_w ? " " : ", ");
                text_adds(out, cfg->workload[w].code);
                first_w = false;
            }
    }
}
