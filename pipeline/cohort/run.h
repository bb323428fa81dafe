/*
 * pipeline/cohort/run.h - a finished run read back: its as-of month
 * (run.json), every customer's KPIs (customer_kpis.csv), the AU and health
 * of the cohort's workloads (workload_kpis.csv) and the details of the
 * candidates (cohort_candidates.csv), through the tables of
 * pipeline/report/tables.h.
 */
#ifndef FTK_COHORT_RUN_H
#define FTK_COHORT_RUN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pipeline/base/arena.h"
#include "pipeline/base/ftk_error.h"
#include "pipeline/base/text.h"
#include "pipeline/cohort/cohort.h"

struct cohort_customer {
    const char *tenant_id, *customer_name, *region, *fm;
    struct cohort_kpis kpis;
    struct text details;  /* "AREA WORKLOAD: detail | ..." from the
                             candidates; empty when none */
    uint64_t line;        /* in customer_kpis.csv */
    int64_t wl_qe, wl_ae; /* Σ QE, Σ AE of the kept workloads with a
                             defined AU (cohort_run_check_core) */
};

struct cohort_run {
    char *dir; /* owned */
    int32_t as_of_month;
    struct cohort_customer *customer; /* sorted by tenant_id (bytes) */
    size_t n_customers;
    const char **region; /* distinct regions, sorted */
    size_t n_regions;
    char workload[COHORT_MAX_WORKLOADS][CONFIG_CODE_MAX];
    int n_workloads;
    struct cohort_wl *wl; /* n_customers * n_workloads */
    struct arena strings;
};

/* Reads the run published in dir: as_of_month from run.json, every
 * customer of customer_kpis.csv, the AU and health of the given workloads
 * from workload_kpis.csv and, when with_candidates, the details of
 * cohort_candidates.csv. A shared lock on dir's .ftkpi.lock keeps a run
 * from publishing meanwhile (FTK_E_LOCKED when one is). FTK_E_NOINPUT when
 * a file is missing; FTK_E_DATA, naming file and line, when a file is
 * malformed or the files are not of one run. On error run is released. */
enum ftk_error cohort_run_load(struct cohort_run *run, const char *dir,
                               const char *const *workloads, int n_workloads,
                               bool with_candidates, struct ftk_diag *diag);

/* Reads only the as-of month of the run published in dir (run.json). */
enum ftk_error cohort_run_as_of(const char *dir, int32_t *month,
                                struct ftk_diag *diag);

/* The customer with this tenant id, or NULL. */
const struct cohort_customer *cohort_run_find(const struct cohort_run *run,
                                              const char *tenant_id);

/* Checks that the run's core workloads were the loaded ones: every
 * customer's core_qe and core_ae are the sums over them. FTK_E_CONFIG
 * otherwise (the run used another --config). */
enum ftk_error cohort_run_check_core(const struct cohort_run *run,
                                     struct ftk_diag *diag);

/* Frees what cohort_run_load took; safe on a zeroed or released run. */
void cohort_run_release(struct cohort_run *run);

/* The number of candidates (customers with a focus area) in region. */
size_t cohort_run_candidates(const struct cohort_run *run, const char *region);

#endif
