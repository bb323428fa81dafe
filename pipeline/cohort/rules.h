/*
 * pipeline/cohort/rules.h - the two writes of the cohort state and the
 * rules they enforce (docs/cohorts.md, "Freeze" and "Change"): a region is
 * frozen once a month, before the month ends; a change is recorded with a
 * reason, takes effect COHORT_NOTICE_DAYS after it is recorded at the
 * soonest and within the month, adds a non-member or removes a member on
 * its date, and leaves every change recorded before it possible.
 */
#ifndef FTK_COHORT_RULES_H
#define FTK_COHORT_RULES_H

#include <stdint.h>

#include "pipeline/base/ftk_error.h"
#include "pipeline/cohort/picks.h"
#include "pipeline/cohort/run.h"
#include "pipeline/cohort/state.h"
#include "pipeline/publish.h"

/* Freezes the selection into the month's cohort file and commits it
 * through pub (opened on the state folder). The run must have been loaded
 * with the state's workloads. FTK_E_STATE, with nothing written, when the
 * month is over on today, when a region of the selection is already
 * frozen, or when a customer is already in the month's cohort. */
enum ftk_error cohort_freeze(const struct cohort_state *st, struct publish *pub,
                             const struct cohort_run *run,
                             const struct cohort_selection *sel, int32_t today,
                             struct ftk_diag *diag);

struct cohort_change_request {
    enum cohort_action action;
    const char *tenant_id;
    /* an add: the latest run, loaded with the state's workloads, for the
     * customer's region, name and KPIs; NULL for a removal */
    const struct cohort_run *run;
    const char *reason, *recorded_by; /* recorded_by may be "" */
    int32_t recorded_on, effective_on;
};

/* Appends a change to the month's change log and commits it through pub.
 * FTK_E_STATE, with nothing written, when: the month is not frozen; the
 * effective date is less than COHORT_NOTICE_DAYS after the recorded date
 * (the message gives the earliest allowed date) or after the month's
 * end; an add's region is not frozen; the customer added is already in
 * the cohort on that date, or the one removed is not; or the change would
 * make a later recorded change impossible. FTK_E_USAGE when the reason is
 * empty or not UTF-8. *recorded is the change as written (its number,
 * region, name; its strings point into req, st or the run, and its kpis.wl
 * is NULL). */
enum ftk_error cohort_change_record(const struct cohort_state *st,
                                    struct publish *pub,
                                    const struct cohort_change_request *req,
                                    struct cohort_change *recorded,
                                    struct ftk_diag *diag);

#endif
