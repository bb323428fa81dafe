/*
 * pipeline/playbook/summary.h - the Exec Summary draft of one customer
 * (docs/playbooks.md, "Exec summaries"): the Overall Status Notes
 * template filled in from the figures and the next actions, with what
 * only the FM knows left in brackets.
 */
#ifndef FTK_PLAYBOOK_SUMMARY_H
#define FTK_PLAYBOOK_SUMMARY_H

#include "pipeline/base/text.h"
#include "pipeline/playbook/playbook.h"

/* What a note is drafted from. The arrays are indexed by workload. */
struct summary_input {
    const struct playbook *pb;
    const struct playbook_summary *s;
    const struct fact_workload *const *row; /* the customer's row or NULL */
    const char *const *tags; /* kpi_notes_tags of the latest notes */
};

/* Not Deployed when no core workload has a month value with AE > 0;
 * Fully Deployed when at least one core workload has QE > 0 and every
 * one that has is Green; else Partially Deployed. */
enum playbook_progress summary_progress(const struct facts *f,
                                        const struct fact_customer *c);

/* Appends the note of in->s to out: lines joined by LF, none after the
 * last. */
void summary_note(const struct summary_input *in, struct text *out);

/* Appends the "Next:" words of an action: its words without a leading
 * "FM: " or "FE: ", up to its first "; ", then " (task N)" unless they
 * already name task N. */
void summary_next_clause(const char *words, const char *task, struct text *out);

#endif
