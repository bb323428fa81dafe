/*
 * pipeline/facts.h - the KPIs of one as-of month, as rows for the reports.
 *
 * facts_build walks the store once and, with the pure functions of kpi/,
 * computes every row of the CSV facts (workload rows, customer rows,
 * portfolio rows, opportunity-review candidates; docs/kpis.md), already
 * sorted as docs/kpis.md orders them, and the worst-first lists of the
 * workbook's Velocity, Plateau and Biggest losers sheets
 * (docs/workbook.md). The report writers (CSV, workbook, cohorts) only
 * format these rows; no KPI is computed twice, and no writer selects or
 * orders rows of its own.
 */
#ifndef FTK_FACTS_H
#define FTK_FACTS_H

#include <stdbool.h>
#include <stdint.h>

#include "kpi/kpi.h"
#include "pipeline/base/arena.h"
#include "pipeline/base/ftk_error.h"
#include "pipeline/store.h"

/* Months of pooled AU kept per workload for the trend chart. */
#define FACTS_TREND_MONTHS 12

/* One (tenant, workload) with any snapshot dated within the window. */
struct fact_workload {
    uint32_t tenant;
    int workload;
    struct kpi_au value; /* the month value: AE and the QE of its date */
    bool qe_known;       /* QE(t, w, m) known (value or month end) */
    uint32_t qe;         /* QE(t, w, m) */
    bool au_defined;
    kpi_centi au;
    enum kpi_health health;
    const char *scenario; /* "" unless EXO with a defined AU */
    bool has_delta_1m, has_delta_3m;
    kpi_centi delta_1m, delta_3m;
    bool loser; /* delta_3m <= the LOSER limit, exactly */
    struct kpi_au value_3m_ago;
    int plateau_months;
    bool plateau;
    struct kpi_au plateau_anchor; /* the value at m - plateau_months */
    bool qe_backfilled;
    int32_t enabled_date;           /* KPI_NO_DATE when none */
    int32_t days_kickoff_to_enable; /* KPI_NO_DAYS when unknown */
    int32_t days_to[KPI_MILESTONES];
    bool has_users_to_goal;
    int64_t users_to_goal;
    const char *status; /* latest snapshot's status, "" when none */
    const char *tags;   /* notes tags, "" when none */
    bool core;
    bool slow_enable;
    unsigned slow_ramp; /* bit i: milestone i missed (SLOW_RAMP) */
    const struct store_series *series;
};

struct fact_customer {
    uint32_t tenant;
    bool large_known, large;
    uint64_t core_qe, core_ae;
    bool core_au_defined;
    kpi_centi core_au;
    enum kpi_health health;
    int32_t days_to_kickoff, days_to_gateway; /* KPI_NO_DAYS if unknown */
    int64_t users_to_goal;
    unsigned focus;             /* bit f: focus area f applies */
    uint32_t first_row, n_rows; /* its rows in facts.row */
};

struct fact_portfolio {
    int workload;
    uint64_t customers, qe, measured, ae;
    bool pooled_defined, mean_defined;
    kpi_centi pooled_au, mean_au;
    uint64_t count[4];                      /* by enum kpi_health */
    bool trend_defined[FACTS_TREND_MONTHS]; /* [11] is the as-of month */
    kpi_centi trend[FACTS_TREND_MONTHS];
};

struct fact_candidate {
    uint32_t customer; /* index into facts.customer */
    enum kpi_focus area;
    int workload; /* -1 for customer-level areas */
    const char *detail;
};

/* One line of the Velocity sheet: a customer and one of its core workloads
 * with a velocity figure (days kickoff to enable, days to 10/40/70 %) or a
 * velocity focus area (SLOW_KICKOFF, SLOW_ENABLE, SLOW_RAMP); or the
 * customer alone when it has no such workload but has days to gateway or
 * kickoff, or SLOW_KICKOFF. */
struct fact_velocity {
    uint32_t customer; /* index into facts.customer */
    int64_t row;       /* index into facts.row; -1: the customer alone */
    unsigned focus;    /* its velocity focus areas: bit f, enum kpi_focus */
    /* The details of the customer's velocity candidates that concern this
     * workload or the customer as a whole, in facts order, joined by "; ";
     * "" when none. Owned by facts.strings or a candidate. */
    const char *findings;
};

struct facts {
    const struct store *st; /* borrowed */
    int32_t as_of_month;
    int32_t month_end;
    int32_t latest_snapshot;   /* latest usage date in the window */
    struct fact_workload *row; /* by tenant_id bytes, then workload code */
    size_t n_rows;
    struct fact_customer *customer; /* by tenant_id bytes */
    size_t n_customers;
    struct fact_portfolio *portfolio; /* by workload code */
    size_t n_portfolio;
    struct fact_candidate *candidate; /* in docs/kpis.md's order */
    size_t n_candidates;
    /* Lines in a velocity focus area first, then by their slowest figure
     * (the largest of days to gateway, to kickoff, kickoff to enable and
     * to 10/40/70 %), largest first, then in facts order. */
    struct fact_velocity *velocity;
    size_t n_velocity;
    /* Indices into row: the plateaus, longest first, then in row order. */
    uint32_t *plateau;
    size_t n_plateau;
    /* Indices into row: the core rows that are a LOSER, the largest drop
     * (most negative delta 3m) first, then in row order. */
    uint32_t *loser;
    size_t n_losers;
    uint64_t health_count[4]; /* customers by enum kpi_health */
    int *workload_order;      /* workload indices by code, bytewise */
    struct arena strings;
};

/* Computes every KPI for as_of_month. On error f is released (facts_release
 * may be called on it again). */
enum ftk_error facts_build(struct facts *f, const struct store *st,
                           int32_t as_of_month, struct ftk_diag *diag);

/* Frees the rows. Safe on a zeroed struct and when called twice. */
void facts_release(struct facts *f);

/* The workload code of a row or portfolio entry. */
const char *facts_code(const struct facts *f, int workload);

#endif
