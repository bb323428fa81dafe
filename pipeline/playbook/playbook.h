/*
 * pipeline/playbook/playbook.h - the playbooks' next actions and the exec
 * summary drafts of the as-of month (docs/playbooks.md), as rows for
 * next_actions.csv, exec_summaries.csv and the workbooks.
 *
 * playbook_init evaluates the configured rules (pipeline/playbook/rules.h)
 * for every customer of the facts and sorts the rows as docs/playbooks.md
 * says: actions by fm, region, tenant_id, workload (bytes), then rule in
 * the configuration's order; summaries by fm, then tenant_id. A
 * summary's note is drafted when asked for (playbook_note), so a run of
 * 100,000 customers does not hold 100,000 notes at once.
 */
#ifndef FTK_PLAYBOOK_H
#define FTK_PLAYBOOK_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "pipeline/base/arena.h"
#include "pipeline/base/ftk_error.h"
#include "pipeline/base/schema.h"
#include "pipeline/base/text.h"
#include "pipeline/facts.h"
#include "pipeline/playbook/tables.h"

/* M365 DEPLOYMENT PROGRESS of an exec summary. */
enum playbook_progress {
    PLAYBOOK_NOT_DEPLOYED,
    PLAYBOOK_PARTIALLY_DEPLOYED,
    PLAYBOOK_FULLY_DEPLOYED
};

/* One row of next_actions.csv: a rule that applies to a customer. */
struct playbook_action {
    const struct store_tenant *tenant; /* borrowed from the store */
    uint32_t customer;                 /* index into facts.customer */
    uint32_t rule;                     /* index into cfg->rules.rule */
    int workload;       /* the rule's workload, -1: the customer's */
    const char *code;   /* its code, "" for none; owned by the config */
    bool alt;           /* the rule's alt_action gives the words */
    const char *reason; /* the figures behind it; owned by the playbook */
};

/* One row of exec_summaries.csv. */
struct playbook_summary {
    const struct store_tenant *tenant; /* borrowed from the store */
    uint32_t customer;                 /* index into facts.customer */
    enum playbook_progress progress;
    /* its actions: playbook.action[first_action ..], in the order above */
    uint32_t first_action, n_actions;
    /* its focus areas: facts.candidate[playbook.candidate[first_candidate
     * ..]], in cohort_candidates.csv's order */
    uint32_t first_candidate, n_candidates;
};

struct playbook {
    const struct facts *facts; /* borrowed; its store's config has the rules */
    struct playbook_action *action;
    size_t n_actions;
    struct playbook_summary *summary; /* one per customer */
    size_t n_summaries;
    uint32_t *candidate; /* indices into facts.candidate, by customer */
    struct arena strings;
};

/* Evaluates the rules for every customer of f (borrowed: it must outlive
 * pb). On error pb is left released. */
enum ftk_error playbook_init(struct playbook *pb, const struct facts *f,
                             struct ftk_diag *diag);

/* Frees what playbook_init took. Safe on a zeroed or released playbook. */
void playbook_release(struct playbook *pb);

/* The words of an action: its rule's action, or alt_action when a->alt.
 * Owned by the configuration. */
const char *playbook_action_words(const struct playbook *pb,
                                  const struct playbook_action *a);

/* "Not Deployed", "Partially Deployed", "Fully Deployed". */
const char *playbook_progress_name(enum playbook_progress p);

/* Replaces out's content with the exec summary note of s: the template's
 * lines joined by LF, no LF after the last. FTK_E_NOMEM when out of
 * memory. */
enum ftk_error playbook_note(const struct playbook *pb,
                             const struct playbook_summary *s,
                             struct text *out);

/* The cells of action row i, by column of playbook_next_actions. The
 * strings are borrowed from pb, its facts and its configuration. */
void playbook_action_values(const struct playbook *pb, size_t i,
                            struct schema_value v[ACT_COUNT]);

/* The cells of summary row i, by column of playbook_exec_summaries; the
 * note is drafted into note (which the note cell borrows). */
enum ftk_error playbook_summary_values(const struct playbook *pb, size_t i,
                                       struct text *note,
                                       struct schema_value v[SUM_COUNT]);

/* Write next_actions.csv / exec_summaries.csv to out: the header and
 * every row (pipeline/base/csv_writer.h quotes and neutralises). False
 * when a write failed or memory ran out. */
bool playbook_csv_next_actions(FILE *out, const struct playbook *pb);
bool playbook_csv_exec_summaries(FILE *out, const struct playbook *pb);

#endif
