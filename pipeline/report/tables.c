/*
 * pipeline/report/tables.c - the tables of tables.h.
 */
#include "tables.h"

#define REPORT_COL_ENTRY(id, name, type, title) [id] = {name, type, title},

static const struct schema_column workload_kpis_cols[] = {
    WORKLOAD_KPIS_COLUMNS(REPORT_COL_ENTRY)};
static const struct schema_column customer_kpis_cols[] = {
    CUSTOMER_KPIS_COLUMNS(REPORT_COL_ENTRY)};
static const struct schema_column portfolio_cols[] = {
    PORTFOLIO_COLUMNS(REPORT_COL_ENTRY)};
static const struct schema_column candidates_cols[] = {
    CANDIDATES_COLUMNS(REPORT_COL_ENTRY)};
static const struct schema_column velocity_cols[] = {
    VELOCITY_COLUMNS(REPORT_COL_ENTRY)};
static const struct schema_column candidate_customers_cols[] = {
    CANDIDATE_CUSTOMERS_COLUMNS(REPORT_COL_ENTRY)};
static const struct schema_column group_cols[] = {
    GROUP_COLUMNS(REPORT_COL_ENTRY)};

#define TABLE(file, cols)                                                      \
    {                                                                          \
        file, cols, sizeof(cols) / sizeof(cols[0])                             \
    }

const struct schema report_workload_kpis =
    TABLE("workload_kpis.csv", workload_kpis_cols);
const struct schema report_customer_kpis =
    TABLE("customer_kpis.csv", customer_kpis_cols);
const struct schema report_portfolio = TABLE("portfolio.csv", portfolio_cols);
const struct schema report_candidates =
    TABLE("cohort_candidates.csv", candidates_cols);
const struct schema report_velocity = TABLE(NULL, velocity_cols);
const struct schema report_candidate_customers =
    TABLE(NULL, candidate_customers_cols);
const struct schema report_groups = TABLE(NULL, group_cols);
