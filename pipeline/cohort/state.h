/*
 * pipeline/cohort/state.h - the state of a cohort month, in the folder the
 * operator chooses (--state), as two plain CSV files (UTF-8, no BOM, LF;
 * docs/cohorts.md, "File formats"):
 *
 *   cohort-YYYY-MM.csv   the frozen members, one row each, with the KPIs
 *                        they had at freeze
 *   changes-YYYY-MM.csv  every change (add or remove) with its recorded
 *                        and effective dates, numbered 1, 2, ...
 *
 * Both files only grow: a freeze appends the rows of the regions it
 * freezes, a change appends one row. Each write is a complete new copy of
 * the file (the old bytes, then the new rows) under a temporary name,
 * synced and renamed over the old one, with the folder locked (publish.h).
 * The caller opens the publish on the state folder (which takes the lock)
 * before cohort_state_load and keeps it until the write is committed.
 *
 * The rules a write must follow are in rules.h; this module loads, checks
 * and appends.
 */
#ifndef FTK_COHORT_STATE_H
#define FTK_COHORT_STATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pipeline/base/arena.h"
#include "pipeline/base/ftk_error.h"
#include "pipeline/cohort/cohort.h"
#include "pipeline/cohort/run.h"
#include "pipeline/config.h"
#include "pipeline/publish.h"

struct cohort_member {
    const char *region, *tenant_id, *customer_name, *fm;
    int32_t frozen_on;
    const char *frozen_from;
    struct cohort_kpis kpis; /* at freeze */
    uint64_t line;
};

enum cohort_action { COHORT_ADD, COHORT_REMOVE };

struct cohort_change {
    unsigned number; /* 1, 2, ... in the order recorded */
    enum cohort_action action;
    const char *region, *tenant_id, *customer_name, *reason, *recorded_by;
    int32_t recorded_on, effective_on;
    struct cohort_kpis kpis; /* an add's KPIs when recorded; a removal has
                                as_of_month KPI_NO_DATE */
    uint64_t line;
};

struct cohort_state {
    char *dir, *cohort_path, *changes_path; /* owned */
    int32_t month;
    bool frozen; /* cohort-YYYY-MM.csv exists: some region is frozen */
    char workload[COHORT_MAX_WORKLOADS][CONFIG_CODE_MAX];
    int n_workloads;
    struct cohort_member *member; /* in file order */
    size_t n_members, cap_members;
    struct cohort_change *change; /* in file order (= number order) */
    size_t n_changes, cap_changes;
    struct arena strings;
};

/* Loads the state of month from dir. Missing files are an unfrozen month,
 * not an error. The files are checked as strictly as they are written
 * (header, values, change numbers, the notice, each add of a non-member
 * and removal of a member in effective order): FTK_E_DATA names the file
 * and line of anything else. On error st is released. */
enum ftk_error cohort_state_load(struct cohort_state *st, const char *dir,
                                 int32_t month, struct ftk_diag *diag);

/* The workloads a month's first freeze keeps (the configuration's core
 * workloads, in its order). Only for a month not frozen yet. */
void cohort_state_set_workloads(struct cohort_state *st,
                                const struct config *cfg);

/* The workload codes of the state, for cohort_run_load. */
void cohort_state_workloads(const struct cohort_state *st,
                            const char *out[COHORT_MAX_WORKLOADS]);

/* True when region has frozen members; *frozen_on (may be NULL) is the
 * day it was frozen. */
bool cohort_state_region_frozen(const struct cohort_state *st,
                                const char *region, int32_t *frozen_on);

/* True when the run was loaded with the state's workloads, in order. */
bool cohort_state_same_workloads(const struct cohort_state *st,
                                 const struct cohort_run *run);

/* The changes (and extra, when not NULL) in the order they take effect:
 * effective date, then number. NULL when out of memory; the caller frees
 * the array, not the changes. */
const struct cohort_change **
cohort_state_ordered(const struct cohort_state *st,
                     const struct cohort_change *extra, size_t *n);

/* Plays the changes (and extra, a change about to be recorded, when not
 * NULL) over the frozen members in effect order: each add must be of a
 * non-member, each removal of a member. FTK_E_STATE naming the change
 * that breaks this when extra is given (extra itself, or a recorded change
 * it would undo), FTK_E_DATA naming the file's line otherwise. */
enum ftk_error cohort_state_replay(const struct cohort_state *st,
                                   const struct cohort_change *extra,
                                   struct ftk_diag *diag);

/* Writes the new copy of the cohort file in pub: its old bytes (or, for the
 * month's first freeze, the header) and a row per member; with the month's
 * first freeze, also the change log with only its header. Nothing is
 * committed: the caller commits pub, or aborts it on error. FTK_E_STATE
 * when the old file is gzip-compressed, FTK_E_IO when a write failed. */
enum ftk_error cohort_state_append_members(const struct cohort_state *st,
                                           struct publish *pub,
                                           const struct cohort_member *m,
                                           size_t n, struct ftk_diag *diag);

/* Writes the new copy of the change log in pub, with c appended (its KPIs
 * empty when kpis.as_of_month is KPI_NO_DATE). Nothing is committed, as
 * for cohort_state_append_members. */
enum ftk_error cohort_state_append_change(const struct cohort_state *st,
                                          struct publish *pub,
                                          const struct cohort_change *c,
                                          struct ftk_diag *diag);

/* Frees what cohort_state_load took; safe on a zeroed or released state. */
void cohort_state_release(struct cohort_state *st);

#endif
