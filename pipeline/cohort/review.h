/*
 * pipeline/cohort/review.h - the weekly review of a region's cohort
 * (docs/cohorts.md, "The weekly review"): each customer's KPIs at freeze
 * (or when it was added) against the latest run, where it stands against
 * the focus areas it had at freeze, and any pending change; written as CSV
 * and as a workbook.
 */
#ifndef FTK_COHORT_REVIEW_H
#define FTK_COHORT_REVIEW_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "pipeline/base/ftk_error.h"
#include "pipeline/cohort/run.h"
#include "pipeline/cohort/state.h"
#include "pipeline/cohort/view.h"

/* Where a customer stands against the focus areas it had at freeze. */
enum cohort_focus_status {
    COHORT_FOCUS_STILL_IN,  /* still in every one */
    COHORT_FOCUS_LEFT_SOME, /* left some, still in others */
    COHORT_FOCUS_LEFT_ALL,  /* left every one */
    COHORT_FOCUS_NONE,      /* had none at freeze (picked by hand) */
    COHORT_FOCUS_NOT_IN_RUN /* not in the latest run: no figures now */
};

/* "still in", "left some", "left all", "none at freeze", "not in run". */
const char *cohort_focus_status_name(enum cohort_focus_status s);

struct cohort_review_row {
    const struct cohort_view_row *v;
    const struct cohort_customer *now; /* NULL when not in the run */
    enum cohort_focus_status focus_status;
    unsigned still_in, left; /* focus area bits */
};

struct cohort_review {
    int32_t cohort_month, date, now_month;
    const char *region;
    const struct cohort_state *st;
    struct cohort_review_row *row; /* in meeting order */
    size_t n;
};

/* The review of a view (built for one region) against the latest run
 * (loaded with the state's workloads). Meeting order: members still in
 * some focus area (or picked without one), then those that left all,
 * then those missing from the run, then those joining; each by users to
 * goal now (at baseline when not in the run) descending, then tenant_id.
 * Removed members are left out. */
enum ftk_error cohort_review_build(struct cohort_review *r,
                                   const struct cohort_state *st,
                                   const struct cohort_view *v,
                                   const struct cohort_run *run,
                                   const char *region, struct ftk_diag *diag);

/* Frees the rows; safe on a zeroed or released review. */
void cohort_review_release(struct cohort_review *r);

/* The review file's name: "review-2026-11-NA-2026-11-10" (no extension),
 * the region written as in cohort_pick_name. */
void cohort_review_name(const struct cohort_review *r, char *out, size_t cap);

/* Writes the review as CSV (UTF-8 with a BOM, for Excel), the columns of
 * cohort_review_layout (columns.h). Returns false when a write failed. */
bool cohort_review_write_csv(FILE *f, const struct cohort_review *r);

/* Writes the review as a workbook at path (libxlsxwriter creates the file
 * itself): one sheet with the CSV's columns and header, the numbers as
 * numbers formatted by their type, dates, months, health and codes as the
 * text the CSV has. FTK_E_IO or FTK_E_CANTCREAT with libxlsxwriter's
 * message. */
enum ftk_error cohort_review_write_xlsx(const char *path,
                                        const struct cohort_review *r,
                                        struct ftk_diag *diag);

#endif
