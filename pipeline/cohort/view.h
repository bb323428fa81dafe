/*
 * pipeline/cohort/view.h - the cohort as it stands on a date: the frozen
 * members with every change in effect by then applied, and the changes
 * still to come (docs/cohorts.md, "Show").
 */
#ifndef FTK_COHORT_VIEW_H
#define FTK_COHORT_VIEW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "pipeline/base/ftk_error.h"
#include "pipeline/cohort/state.h"

enum cohort_status {
    COHORT_MEMBER,  /* in the cohort on the date */
    COHORT_LEAVING, /* in the cohort, a pending removal recorded */
    COHORT_JOINING, /* a pending add */
    COHORT_REMOVED  /* was in the cohort; a removal took effect */
};

/* "member", "leaving", "joining", "removed". */
const char *cohort_status_name(enum cohort_status s);

struct cohort_view_row {
    enum cohort_status status;
    const char *region, *tenant_id, *customer_name, *fm;
    const struct cohort_kpis *baseline; /* at freeze, or at the add */
    int32_t since; /* frozen_on, or the add's effective date */
    const struct cohort_member *frozen; /* NULL when added by a change */
    const struct cohort_change *added;  /* the add, when added by one */
    const struct cohort_change *event;  /* LEAVING, JOINING: the pending
                                           change; REMOVED: the removal */
};

struct cohort_view {
    int32_t date;
    struct cohort_view_row *row; /* by region, then members and leaving,
                                    joining, removed; each by users to goal
                                    at baseline desc, then tenant_id */
    size_t n;
    const struct cohort_change **pending; /* effective after date, in
                                             effective order */
    size_t n_pending;
    const struct cohort_change **applied; /* effective on or before */
    size_t n_applied;
};

/* The cohort as it stands on date, for one region or (region NULL) all:
 * the frozen members with every change effective on or before date
 * applied, and the changes still pending (whenever recorded). The view
 * points into st. FTK_E_STATE when the month or the region is not
 * frozen. */
enum ftk_error cohort_view_build(struct cohort_view *v,
                                 const struct cohort_state *st, int32_t date,
                                 const char *region, struct ftk_diag *diag);

/* Writes the view as CSV, one row per customer (the columns of
 * cohort_show_table, columns.h), without a BOM: it is printed. Returns
 * false when a write failed. */
bool cohort_view_write_csv(FILE *f, const struct cohort_state *st,
                           const struct cohort_view *v);

/* Frees what cohort_view_build took; safe on a zeroed or released view. */
void cohort_view_release(struct cohort_view *v);

#endif
