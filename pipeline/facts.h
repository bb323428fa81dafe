/*
 * pipeline/facts.h - the KPIs of one as-of month, as rows for the reports.
 *
 * facts_build walks the store once and, with the pure functions of kpi/,
 * computes every row of the CSV facts (workload rows, customer rows,
 * portfolio rows, opportunity-review candidates; docs/kpis.md), already
 * sorted as docs/kpis.md orders them, and the worst-first lists of the
 * workbook's Velocity, Plateau and Biggest losers sheets
 * (docs/workbook.md); and the workbook's other figures: the 12-month
 * series (per customer, core row and workload), the goals, the By region
 * and By FM roll-ups (facts_rollup.c), the ranked candidate customers, and
 * coverage and freshness. The report writers (CSV, workbook, cohorts) only
 * format these rows, and texts said in words come from facts_text.h; no
 * KPI is computed twice, and no writer selects or orders rows of its own.
 */
#ifndef FTK_FACTS_H
#define FTK_FACTS_H

#include <stdbool.h>
#include <stdint.h>

#include "kpi/kpi.h"
#include "pipeline/base/arena.h"
#include "pipeline/base/ftk_error.h"
#include "pipeline/store.h"

/* Months of the 12-month series: pooled AU per workload (the trend
 * chart), Σ AE per workload, pooled core AU per customer and AU per core
 * row. Index FACTS_TREND_MONTHS - 1 is the as-of month m, index 0 is
 * m - 11. */
#define FACTS_TREND_MONTHS 12

/* An AU in each of the last FACTS_TREND_MONTHS months (docs/kpis.md,
 * "12-month series"); au[k] is meaningful only when defined[k]. */
struct fact_months {
    bool defined[FACTS_TREND_MONTHS];
    kpi_centi au[FACTS_TREND_MONTHS];
};

/* The month values of m - 11 .. m of a row whose series is not at hand (a
 * merged shard's row, docs/sharding.md): ae[k] and qe[k] of month k's value
 * when its AU is defined; qe[k] is 0 otherwise. */
struct fact_trend {
    uint32_t ae[FACTS_TREND_MONTHS], qe[FACTS_TREND_MONTHS];
};

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
    /* The date of the series' latest usage snapshot up to m, and the
     * as_of of its latest entitlement snapshot in the window; KPI_NO_DATE
     * when none (freshness). */
    int32_t latest_usage, latest_entitlement;
    /* That entitlement snapshot's notes, "" when none (the playbook's
     * rules read them). Borrowed from the store, or from a shard. */
    const char *notes;
    /* Where the month values of m - 11 .. m come from: the series in a
     * run; trend (owned by whoever built the row) when series is NULL. */
    const struct store_series *series;
    const struct fact_trend *trend;
    /* Core rows: the AU of the month value of each of m - 11 .. m
     * (au[11] equals au, defined[11] au_defined). NULL for the other
     * rows. Owned by facts.au_months. */
    const struct fact_months *au_months;
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
    /* Pooled core AU of each of m - 11 .. m: Σ AE / Σ QE over the core
     * workloads with a defined AU in that month; [11] equals core_au
     * (defined[11] equals core_au_defined). */
    struct fact_months core_au_months;
};

struct fact_portfolio {
    int workload;
    uint64_t customers, qe, measured, ae;
    bool pooled_defined, mean_defined;
    kpi_centi pooled_au, mean_au;
    /* pooled AU against the workload's thresholds (the Summary's colour);
     * N/A when not defined */
    enum kpi_health pooled_health;
    uint64_t count[4];                      /* by enum kpi_health */
    bool trend_defined[FACTS_TREND_MONTHS]; /* [11] is the as-of month */
    kpi_centi trend[FACTS_TREND_MONTHS];
    /* Σ AE and Σ QE of the rows with a defined AU in each of m - 11 .. m:
     * trend[k] is trend_ae[k] / trend_qe[k], defined when trend_qe[k] >
     * 0; trend_ae[11] equals ae. */
    uint64_t trend_ae[FACTS_TREND_MONTHS], trend_qe[FACTS_TREND_MONTHS];
    /* Σ QE of the measured rows, the denominator of pooled_au: ae /
     * measured_qe rounds to pooled_au. Equals trend_qe[11]. */
    uint64_t measured_qe;
    /* pooled AU(m) - pooled AU(m - 1) in pp, exact then rounded; the
     * previous month's pooled AU is trend[10]. Defined when both are. */
    bool pooled_change_defined;
    kpi_centi pooled_change;
    /* Coverage: rows with QE(t, w, m) > 0 and no usage value in m, and
     * their Σ QE. */
    uint64_t no_usage, no_usage_qe;
    /* Freshness: the latest usage snapshot date of the workload in the
     * window (on or before the as-of month's end); KPI_NO_DATE if none. */
    int32_t latest_usage;
};

/* A workload with a goal of active users ([goals]), for the Summary's
 * Goals table (docs/kpis.md, "Goals"). Σ AE is the portfolio's ae: the
 * AE of the rows with a defined AU. */
struct fact_goal {
    int workload;
    int64_t goal;
    uint64_t ae;           /* Σ AE in m (0 when the workload has no row) */
    bool progress_defined; /* goal > 0 */
    kpi_centi progress;    /* 100 * ae / goal percent */
    uint64_t gap;          /* max(0, goal - ae) */
    /* Σ AE of each of m - 11 .. m; ae_defined[k] when some row of the
     * workload had a defined AU that month (ae_months[11] is ae). */
    bool ae_defined[FACTS_TREND_MONTHS];
    uint64_t ae_months[FACTS_TREND_MONTHS];
    /* Pace: change_3m = ae_months[11] - ae_months[8], exactly, and per
     * month (change_3m / 3) in hundredths of a user, rounded half away
     * from zero. Defined when ae_defined[11] and ae_defined[8]. */
    bool pace_defined;
    int64_t change_3m;
    kpi_centi pace;
    /* ceil(3 * gap / change_3m): the months to the goal at that pace (0
     * when gap is 0). Defined only when the pace is and change_3m > 0. */
    bool months_to_goal_defined;
    int64_t months_to_goal;
};

/* A roll-up of customers by region or by FM (the By region and By FM
 * sheets). */
struct fact_group {
    /* The region, or the FM: "" for the customers without an FM (the
     * workbook shows it as "(unassigned)"). Borrowed from the store. */
    const char *name;
    uint64_t customers;
    uint64_t health[4]; /* customers by enum kpi_health */
    /* Σ core AE and Σ core QE of its customers (each customer's core_ae
     * and core_qe: those with an undefined core AU add 0), and their
     * ratio, defined when core_qe > 0. */
    uint64_t core_ae, core_qe;
    bool core_au_defined;
    kpi_centi core_au;
    int64_t users_to_goal; /* Σ of its customers' users_to_goal */
    uint64_t candidates;   /* customers with at least one focus area */
    uint64_t plateaus;     /* its rows that are a plateau (any workload) */
    uint64_t losers;       /* its core rows flagged LOSER */
    /* By FM only: the distinct regions of its customers, sorted by bytes,
     * joined by ", " (owned by facts.strings); "" for a region group. */
    const char *regions;
};

/* A candidate customer of the Candidates sheet: one per customer with a
 * focus area, in cohort_candidates.csv's order (region, users to goal
 * descending, tenant_id). */
struct fact_candidate_customer {
    uint32_t customer; /* index into facts.customer */
    uint32_t rank;     /* 1 for the first of its region, 2 for the next... */
    /* its rows in facts.candidate (contiguous), focus area and workload
     * order */
    uint32_t first_candidate, n_candidates;
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
    /* The core rows' 12-month AU (fact_workload.au_months points here),
     * in row order. */
    struct fact_months *au_months;
    size_t n_au_months;
    /* Every workload with a goal, by code (workload_order). */
    struct fact_goal *goal;
    size_t n_goals;
    /* By region: sorted by name bytes. */
    struct fact_group *region;
    size_t n_regions;
    /* By FM: sorted by name bytes, the customers without an FM ("") last. */
    struct fact_group *fm;
    size_t n_fms;
    /* One per candidate customer, ranked within each region. */
    struct fact_candidate_customer *candidate_customer;
    size_t n_candidate_customers;
    /* The latest entitlement snapshot date (as_of) in the window, over
     * every series; KPI_NO_DATE if none. With latest_snapshot, the
     * freshness of the entitlement and usage extracts. */
    int32_t latest_entitlement;
    int *workload_order; /* workload indices by code, bytewise */
    struct arena strings;
};

/* Computes every KPI for as_of_month. On error f is released (facts_release
 * may be called on it again). */
enum ftk_error facts_build(struct facts *f, const struct store *st,
                           int32_t as_of_month, struct ftk_diag *diag);

/* facts_build with the tenant order, the customers' rows, 12-month
 * series, tallies, candidates and worst-first lists computed on up to
 * `threads` threads (contiguous parts of the tenants, each with rows,
 * strings and lists of its own, joined in tenant order, sorted lists
 * merged): the same facts as facts_build, byte for byte. The unit tests
 * use facts_build: cmocka's allocator is not thread-safe
 * (docs/decisions.md). */
enum ftk_error facts_build_threads(struct facts *f, const struct store *st,
                                   int32_t as_of_month, unsigned threads,
                                   struct ftk_diag *diag);

/* The facts of some customers of all, for an FM's book (docs/workbook.md,
 * "FM books"): customers are ascending indices into all->customer. Their
 * customer and workload rows are copied, and everything computed from
 * them (portfolio, 12-month series, goals, candidates with their ranks,
 * the worst-first lists, By region and By FM) is computed again from the
 * copies by the code facts_build ends with, so out holds exactly the
 * facts facts_build gives on a store holding only those customers' data.
 * out borrows all's store and strings: all must outlive it. Reads all and
 * the store only, so threads may take subsets of one facts at once. On
 * error out is released. */
enum ftk_error facts_subset(struct facts *out, const struct facts *all,
                            const uint32_t *customers, size_t n,
                            struct ftk_diag *diag);

/* The facts of a store that holds the customers but not their series: the
 * merge of a split run's shards (docs/sharding.md). row holds the
 * workload rows of st's customers, each with trend set and series NULL,
 * sorted by tenant_id bytes then workload code, as facts_build makes them;
 * out takes row over (it is freed with out, also on error). Every
 * customer of st gets its customer row from its rows, then everything
 * else is computed by the code facts_build ends with. st must outlive out. */
enum ftk_error facts_from_rows(struct facts *out, const struct store *st,
                               int32_t as_of_month, struct fact_workload *row,
                               size_t n_rows, struct ftk_diag *diag);

/* The value of month m - 11 + k of a row (0 <= k < FACTS_TREND_MONTHS),
 * from its series or its trend. */
struct kpi_au facts_month_value(const struct facts *f,
                                const struct fact_workload *r, int k);

/* Frees the rows. Safe on a zeroed struct and when called twice. */
void facts_release(struct facts *f);

/* The workload code of a row or portfolio entry. */
const char *facts_code(const struct facts *f, int workload);

#endif
