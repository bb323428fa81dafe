/*
 * pipeline/cohort/cohort.h - the regional leads' monthly review cohorts
 * (docs/cohorts.md): what every module of pipeline/cohort/ shares.
 *
 * `ftkpi cohort` is a tool of its own beside the run: it reads the facts a
 * run published, never the raw extracts, so it does not depend on the KPI
 * engine. Its modules, in the order of a month:
 *
 *   run.h      a finished run read back (run.json and the CSV facts)
 *   picks.h    picking sheets written and read; the customers chosen
 *   state.h    the state of a month: cohort-YYYY-MM.csv and
 *              changes-YYYY-MM.csv, loaded, checked and appended to
 *   rules.h    freezing and recording a change: the rules they enforce
 *   view.h     the cohort as it stands on a date
 *   review.h   the weekly review: rows, CSV and workbook
 *   columns.h  the columns of every file the cohort tool writes or reads
 *
 * Text read back from a CSV written by ftkpi (or saved by a spreadsheet)
 * loses the "'" that neutralised a formula-like cell ('=x becomes =x), so
 * ids match whatever the spreadsheet did with it.
 *
 * Nothing here prints or exits; every failure is an enum ftk_error with a
 * "file:line: ..." message in the diag. Every struct a caller owns may be
 * zeroed and released without being loaded, and released twice.
 */
#ifndef FTK_COHORT_H
#define FTK_COHORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kpi/kpi.h"
#include "pipeline/config.h"

/* A change takes effect no sooner than this many days after it is
 * recorded. */
#define COHORT_NOTICE_DAYS 3

/* The earliest effective date of a change recorded on day. */
int32_t cohort_earliest_effective(int32_t recorded_on);

/* The most customers --top may take per region. */
#define COHORT_TOP_MAX 1000

/* The workloads whose AU and health a cohort keeps: the core workloads of
 * the configuration at the month's first freeze. */
#define COHORT_MAX_WORKLOADS CONFIG_MAX_WORKLOADS

/* Problems and notes for the user, one line each ("file:line: ..."). */
struct cohort_report {
    char **line; /* owned */
    size_t n, cap;
};

void cohort_report_init(struct cohort_report *r);

/* Adds a line formatted as printf does; false when out of memory. */
bool cohort_report_add(struct cohort_report *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Frees the lines; safe on a zeroed or released report. */
void cohort_report_release(struct cohort_report *r);

/* One workload's figures. */
struct cohort_wl {
    bool au_defined;
    kpi_centi au; /* AU in hundredths of a percent */
    enum kpi_health health;
};

/* A customer's KPIs as a run published them. */
struct cohort_kpis {
    int32_t as_of_month; /* the run's as-of month */
    unsigned focus;      /* bit (1u << enum kpi_focus) per focus area */
    enum kpi_health health;
    int64_t core_qe, core_ae;
    bool core_au_defined;
    kpi_centi core_au;
    int64_t users_to_goal;
    struct cohort_wl *wl; /* one per workload of the cohort; owned by the
                             run or the state it belongs to */
};

#endif
