/*
 * pipeline/playbook/summary.c - the Exec Summary note.
 *
 * The template's fixed lines are the guidance's words; everything between
 * them comes from the facts, the configuration's workload names and the
 * customer's next actions (tests/reference/READINGS-issue9.md, R17-R27,
 * has every reading byte for byte).
 */
#include "summary.h"

#include <stdio.h>
#include <string.h>

#include "kpi/date.h"
#include "kpi/kpi.h"
#include "pipeline/config.h"
#include "pipeline/facts_text.h"

enum playbook_progress summary_progress(const struct facts *f,
                                        const struct fact_customer *c)
{
    bool active = false, entitled = false, all_green = true;
    for (uint32_t i = c->first_row; i < c->first_row + c->n_rows; i++) {
        const struct fact_workload *r = &f->row[i];
        if (!r->core)
            continue;
        if (r->value.has_value && r->value.ae > 0)
            active = true;
        if (r->qe_known && r->qe > 0) {
            entitled = true;
            if (r->health != KPI_HEALTH_GREEN)
                all_green = false;
        }
    }
    if (!active)
        return PLAYBOOK_NOT_DEPLOYED;
    return entitled && all_green ? PLAYBOOK_FULLY_DEPLOYED
                                 : PLAYBOOK_PARTIALLY_DEPLOYED;
}

/* Text from the inputs, on one line: CR, LF and tab become spaces, so a
 * multi-line customer name cannot break the template's lines. */
static void add_one_line(struct text *out, const char *s)
{
    for (; *s; s++)
        text_addc(out, *s == '\r' || *s == '\n' || *s == '\t' ? ' ' : *s);
}

void summary_next_clause(const char *words, const char *task, struct text *out)
{
    if (strncmp(words, "FM: ", 4) == 0 || strncmp(words, "FE: ", 4) == 0)
        words += 4;
    const char *cut = strstr(words, "; ");
    size_t len = cut ? (size_t)(cut - words) : strlen(words);
    size_t start = out->len;
    text_add(out, words, len);
    if (!*task || text_failed(out))
        return;
    char named[RULE_TASK_MAX + 8];
    snprintf(named, sizeof(named), "task %s", task);
    if (!strstr(out->s + start, named))
        text_addf(out, " (task %s)", task);
}

static void describe(const struct summary_input *in, struct text *out)
{
    const struct store_tenant *t = in->s->tenant;
    const struct fact_customer *c = &in->pb->facts->customer[in->s->customer];
    text_adds(out, "- DESCRIBE THE CUSTOMER: ");
    add_one_line(out, t->name);
    text_adds(out, ", ");
    add_one_line(out, t->region);
    text_adds(out, ", ");
    if (t->seats >= 0) {
        text_add_count(out, (uint64_t)t->seats);
        text_adds(out, t->seats == 1 ? " seat" : " seats");
    } else {
        text_adds(out, "[FM: seats]");
    }
    if (c->large_known && c->large)
        text_adds(out, " (large)");
    text_adds(out, ", ");
    if (*t->priority) {
        text_adds(out, "priority ");
        add_one_line(out, t->priority);
    } else {
        text_adds(out, "[FM: priority]");
    }
}

/* "AU 62.50 % (Green, target above 50 %)", "AU 8.00 % (Red)",
 * "no usage in 2026-06 (N/A)", "AU undefined, QE 0 (N/A)". */
static void status(const struct summary_input *in, int w,
                   const struct fact_workload *r, struct text *out)
{
    const struct facts *f = in->pb->facts;
    if (!r || !r->value.has_value) {
        char m[8];
        kpi_month_format(f->as_of_month, m);
        text_addf(out, "no usage in %s (N/A)", m);
        return;
    }
    if (!kpi_au_defined(&r->value)) {
        text_adds(out, "AU undefined, QE ");
        if (r->value.qe_known)
            text_add_count(out, r->value.qe);
        else
            text_adds(out, "unknown");
        text_adds(out, " (N/A)");
        return;
    }
    char au[32], target[32];
    kpi_centi_format(r->au, au);
    text_addf(out, "AU %s %% (%s", au, kpi_health_name(r->health));
    if (r->health == KPI_HEALTH_GREEN) {
        kpi_pct_format(f->st->cfg->workload[w].threshold.green_above, target);
        text_addf(out, ", target above %s %%", target);
    }
    text_addc(out, ')');
}

/* ", plateau for 6 months" or ", +3.20 pp in 3 months". */
static void change(const struct fact_workload *r, struct text *out)
{
    if (r->plateau) {
        text_addf(out, ", plateau for %d month%s", r->plateau_months,
                  r->plateau_months == 1 ? "" : "s");
    } else if (r->has_delta_3m) {
        char d[32];
        kpi_centi_format(r->delta_3m, d);
        text_addf(out, ", %s%s pp in 3 months", r->delta_3m > 0 ? "+" : "", d);
    }
}

static void workload_line(const struct summary_input *in, int w,
                          const struct playbook_action *acts, size_t n,
                          struct text *out)
{
    const struct config *cfg = in->pb->facts->st->cfg;
    const struct fact_workload *r = in->row[w];
    const char *code = cfg->workload[w].code;
    const char *name = cfg->rules.long_name[w];
    text_addf(out, "\n   - [%s] %s - ", code, name ? name : code);
    status(in, w, r, out);
    if (r) {
        change(r, out);
        if (*in->tags[w]) {
            text_adds(out, "; ");
            for (const char *s = in->tags[w]; *s; s++)
                if (*s == ' ')
                    text_adds(out, ", ");
                else
                    text_addc(out, *s);
        }
    }
    for (size_t i = 0; i < n; i++) {
        text_adds(out, i == 0 ? ". Next: " : "; ");
        summary_next_clause(playbook_action_words(in->pb, &acts[i]),
                            cfg->rules.rule[acts[i].rule].task, out);
    }
}

/* "opportunity review (plateau on SPO, OPP; slow kickoff)" or "none". */
static void requests(const struct summary_input *in, struct text *out)
{
    const struct facts *f = in->pb->facts;
    const struct fact_customer *c = &f->customer[in->s->customer];
    if (c->focus == 0) {
        text_adds(out, "none");
        return;
    }
    text_adds(out, "opportunity review (");
    facts_text_focus_words(f, c, out);
    text_addc(out, ')');
}

void summary_note(const struct summary_input *in, struct text *out)
{
    const struct playbook *pb = in->pb;
    const struct config *cfg = pb->facts->st->cfg;
    const struct playbook_action *acts = pb->action + in->s->first_action;
    size_t n_acts = in->s->n_actions;

    text_adds(out, "EXEC SUMMARY\n");
    describe(in, out);
    text_adds(out, "\n- STATUS OF THE ENGAGEMENT: [FM: On Hold / Reactive / "
                   "Fully Engaged]\n- M365 DEPLOYMENT PROGRESS: ");
    text_adds(out, playbook_progress_name(in->s->progress));
    text_adds(out, "\n- OVERVIEW OF CURRENT RELATIONSHIP WITH "
                   "CUSTOMER/PARTNER/ACCOUNT TEAM: [FM]\n- SNAPSHOT OF KEY "
                   "WORKLOADS CURRENT STATUS AND NEXT ACTIONS:");
    size_t lines_at = out->len;
    /* A line for each workload the customer has, and for one it lacks
     * but has an action on (OM_BVD), in the configuration's order; a
     * workload's actions are together in rule order. */
    for (int w = 0; w < cfg->n_workloads; w++) {
        size_t first = 0, n = 0;
        for (size_t i = 0; i < n_acts; i++)
            if (acts[i].workload == w) {
                if (n == 0)
                    first = i;
                n++;
            }
        if (in->row[w] || n > 0)
            workload_line(in, w, acts + first, n, out);
    }
    if (out->len == lines_at)
        text_adds(out, " none");
    text_adds(out, "\n- REQUESTS FOR SUPPORT: ");
    requests(in, out);
}
