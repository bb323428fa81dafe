/*
 * pipeline/report/tables.h - the columns of the CSV facts, one table per
 * file (docs/kpis.md lists them; pipeline/base/schema.h says what a
 * table holds).
 *
 * Each file's columns are one X-macro list, X(id, name, type, title), in
 * the file's order; it makes both the column ids (enum report_*_col) and
 * the table. A column with a NULL name is not in the CSV but is shown on
 * workbook sheets (such columns follow the CSV's, so the ids of the CSV
 * columns stay as they are); one with a NULL title is only in the CSV.
 * The writers (report_csv.c, the workbook's list sheets) and the readers
 * of a run (pipeline/cohort/) refer to columns by id or by table, never by
 * a name or position of their own; values.h gives each column's value.
 *
 * The Velocity, Candidates, By region and By FM sheets' lines are no CSV,
 * but their lists are tables too (no file and no names), so that every
 * list sheet is written the same way.
 */
#ifndef FTK_REPORT_TABLES_H
#define FTK_REPORT_TABLES_H

#include "pipeline/base/schema.h"

#define WORKLOAD_KPIS_COLUMNS(X)                                               \
    X(WK_AS_OF_MONTH, "as_of_month", SCHEMA_MONTH, NULL)                       \
    X(WK_TENANT_ID, "tenant_id", SCHEMA_TEXT, "Tenant ID")                     \
    X(WK_CUSTOMER_NAME, "customer_name", SCHEMA_TEXT, "Customer")              \
    X(WK_REGION, "region", SCHEMA_TEXT, "Region")                              \
    X(WK_WORKLOAD, "workload", SCHEMA_CODE, "Workload")                        \
    X(WK_QE, "qe", SCHEMA_INT, "QE")                                           \
    X(WK_AE, "ae", SCHEMA_INT, "AE")                                           \
    X(WK_AU_PCT, "au_pct", SCHEMA_PCT, "AU")                                   \
    X(WK_HEALTH, "health", SCHEMA_HEALTH, "Health")                            \
    X(WK_SCENARIO, "scenario", SCHEMA_CODE, "EXO scenario")                    \
    X(WK_DELTA_1M_PP, "delta_1m_pp", SCHEMA_PP, "Delta 1m")                    \
    X(WK_DELTA_3M_PP, "delta_3m_pp", SCHEMA_PP, "Delta 3m")                    \
    X(WK_PLATEAU_MONTHS, "plateau_months", SCHEMA_INT, "Plateau months")       \
    X(WK_PLATEAU, "plateau", SCHEMA_BOOL, "Plateau")                           \
    X(WK_QE_BACKFILLED, "qe_backfilled", SCHEMA_BOOL, "QE backfilled")         \
    X(WK_ENABLED_DATE, "enabled_date", SCHEMA_DATE, "Enabled")                 \
    X(WK_DAYS_KICKOFF_TO_ENABLE, "days_kickoff_to_enable", SCHEMA_INT,         \
      "Days kickoff to enable")                                                \
    X(WK_DAYS_TO_10, "days_to_10", SCHEMA_INT, "Days to 10%")                  \
    X(WK_DAYS_TO_40, "days_to_40", SCHEMA_INT, "Days to 40%")                  \
    X(WK_DAYS_TO_70, "days_to_70", SCHEMA_INT, "Days to 70%")                  \
    X(WK_USERS_TO_GOAL, "users_to_goal", SCHEMA_INT, "Users to goal")          \
    X(WK_FM, NULL, SCHEMA_TEXT, "FM")                                          \
    X(WK_CORE, NULL, SCHEMA_BOOL, "Core")                                      \
    X(WK_ANCHOR_AU_PCT, NULL, SCHEMA_PCT, "Anchor AU")                         \
    X(WK_AU_3M_AGO_PCT, NULL, SCHEMA_PCT, "AU 3 months ago")                   \
    X(WK_NOTES_TAGS, NULL, SCHEMA_TEXT, "Notes tags")                          \
    X(WK_STATUS, NULL, SCHEMA_TEXT, "Status")                                  \
    X(WK_AU_MONTH_PCT, NULL, SCHEMA_PCT, "AU in month")

#define CUSTOMER_KPIS_COLUMNS(X)                                               \
    X(CK_AS_OF_MONTH, "as_of_month", SCHEMA_MONTH, NULL)                       \
    X(CK_TENANT_ID, "tenant_id", SCHEMA_TEXT, "Tenant ID")                     \
    X(CK_CUSTOMER_NAME, "customer_name", SCHEMA_TEXT, "Customer")              \
    X(CK_REGION, "region", SCHEMA_TEXT, "Region")                              \
    X(CK_FM, "fm", SCHEMA_TEXT, "FM")                                          \
    X(CK_SEATS, "seats", SCHEMA_INT, "Seats")                                  \
    X(CK_LARGE, "large", SCHEMA_BOOL, "Large")                                 \
    X(CK_CORE_QE, "core_qe", SCHEMA_INT, "Core QE")                            \
    X(CK_CORE_AE, "core_ae", SCHEMA_INT, "Core AE")                            \
    X(CK_CORE_AU_PCT, "core_au_pct", SCHEMA_PCT, "Core AU")                    \
    X(CK_HEALTH, "health", SCHEMA_HEALTH, "Health")                            \
    X(CK_DAYS_TO_KICKOFF, "days_to_kickoff", SCHEMA_INT, "Days to kickoff")    \
    X(CK_DAYS_TO_GATEWAY, "days_to_gateway", SCHEMA_INT, "Days to gateway")    \
    X(CK_USERS_TO_GOAL, "users_to_goal", SCHEMA_INT, "Users to goal")          \
    X(CK_FOCUS_AREAS, "focus_areas", SCHEMA_CODE, "Focus areas")               \
    X(CK_CORE_WORKLOAD_AU_PCT, NULL, SCHEMA_PCT, "AU")                         \
    X(CK_HEALTH_REASON, NULL, SCHEMA_TEXT, "Health reason")                    \
    X(CK_CORE_AU_MONTH_PCT, NULL, SCHEMA_PCT, "Core AU in month")              \
    X(CK_FOCUS_WORDS, NULL, SCHEMA_TEXT, "Focus areas")

#define PORTFOLIO_COLUMNS(X)                                                   \
    X(PF_AS_OF_MONTH, "as_of_month", SCHEMA_MONTH, NULL)                       \
    X(PF_WORKLOAD, "workload", SCHEMA_CODE, "Workload")                        \
    X(PF_CUSTOMERS, "customers", SCHEMA_INT, "Customers")                      \
    X(PF_QE, "qe", SCHEMA_INT, "\xCE\xA3 QE")                                  \
    X(PF_MEASURED, "measured", SCHEMA_INT, "Measured customers")               \
    X(PF_AE, "ae", SCHEMA_INT, "\xCE\xA3 AE")                                  \
    X(PF_POOLED_AU_PCT, "pooled_au_pct", SCHEMA_PCT, "Pooled AU")              \
    X(PF_MEAN_AU_PCT, "mean_au_pct", SCHEMA_PCT, "Mean AU")                    \
    X(PF_GREEN, "green", SCHEMA_INT, "Green")                                  \
    X(PF_YELLOW, "yellow", SCHEMA_INT, "Yellow")                               \
    X(PF_RED, "red", SCHEMA_INT, "Red")                                        \
    X(PF_NA, "na", SCHEMA_INT, "N/A")                                          \
    X(PF_MEASURED_QE, NULL, SCHEMA_INT, "Measured \xCE\xA3 QE")                \
    X(PF_TARGET_PCT, NULL, SCHEMA_PCT, "Target")                               \
    X(PF_POOLED_CHANGE_PP, NULL, SCHEMA_PP, "Change 1m")

#define CANDIDATES_COLUMNS(X)                                                  \
    X(CC_AS_OF_MONTH, "as_of_month", SCHEMA_MONTH, NULL)                       \
    X(CC_REGION, "region", SCHEMA_TEXT, "Region")                              \
    X(CC_TENANT_ID, "tenant_id", SCHEMA_TEXT, "Tenant ID")                     \
    X(CC_CUSTOMER_NAME, "customer_name", SCHEMA_TEXT, "Customer")              \
    X(CC_FM, "fm", SCHEMA_TEXT, "FM")                                          \
    X(CC_FOCUS_AREA, "focus_area", SCHEMA_CODE, "Focus area")                  \
    X(CC_WORKLOAD, "workload", SCHEMA_CODE, "Workload")                        \
    X(CC_DETAIL, "detail", SCHEMA_TEXT, "Detail")                              \
    X(CC_USERS_TO_GOAL, "users_to_goal", SCHEMA_INT, "Users to goal")

#define VELOCITY_COLUMNS(X)                                                    \
    X(VL_TENANT_ID, NULL, SCHEMA_TEXT, "Tenant ID")                            \
    X(VL_CUSTOMER_NAME, NULL, SCHEMA_TEXT, "Customer")                         \
    X(VL_REGION, NULL, SCHEMA_TEXT, "Region")                                  \
    X(VL_FM, NULL, SCHEMA_TEXT, "FM")                                          \
    X(VL_FOCUS, NULL, SCHEMA_CODE, "Velocity focus")                           \
    X(VL_ENGAGEMENT_START, NULL, SCHEMA_DATE, "Engagement start")              \
    X(VL_KICKOFF_DATE, NULL, SCHEMA_DATE, "Kickoff")                           \
    X(VL_DAYS_TO_GATEWAY, NULL, SCHEMA_INT, "Days to gateway")                 \
    X(VL_DAYS_TO_KICKOFF, NULL, SCHEMA_INT, "Days to kickoff")                 \
    X(VL_WORKLOAD, NULL, SCHEMA_CODE, "Workload")                              \
    X(VL_ENABLED_DATE, NULL, SCHEMA_DATE, "Enabled")                           \
    X(VL_DAYS_KICKOFF_TO_ENABLE, NULL, SCHEMA_INT, "Days kickoff to enable")   \
    X(VL_DAYS_TO_10, NULL, SCHEMA_INT, "Days to 10%")                          \
    X(VL_DAYS_TO_40, NULL, SCHEMA_INT, "Days to 40%")                          \
    X(VL_DAYS_TO_70, NULL, SCHEMA_INT, "Days to 70%")                          \
    X(VL_FINDINGS, NULL, SCHEMA_TEXT, "Findings")

/* The Candidates sheet: one line per candidate customer
 * (facts.candidate_customer); its focus areas with their details, one a
 * line. */
#define CANDIDATE_CUSTOMERS_COLUMNS(X)                                         \
    X(CU_REGION, NULL, SCHEMA_TEXT, "Region")                                  \
    X(CU_RANK, NULL, SCHEMA_INT, "Rank")                                       \
    X(CU_CUSTOMER_NAME, NULL, SCHEMA_TEXT, "Customer")                         \
    X(CU_TENANT_ID, NULL, SCHEMA_TEXT, "Tenant ID")                            \
    X(CU_FM, NULL, SCHEMA_TEXT, "FM")                                          \
    X(CU_HEALTH, NULL, SCHEMA_HEALTH, "Health")                                \
    X(CU_CORE_AU_PCT, NULL, SCHEMA_PCT, "Core AU")                             \
    X(CU_USERS_TO_GOAL, NULL, SCHEMA_INT, "Users to goal")                     \
    X(CU_FOCUS, NULL, SCHEMA_TEXT, "Focus areas")

/* The By region and By FM sheets: one line per group (struct fact_group);
 * GR_REGIONS is the FM's regions, empty for a region. */
#define GROUP_COLUMNS(X)                                                       \
    X(GR_NAME, NULL, SCHEMA_TEXT, "Region")                                    \
    X(GR_REGIONS, NULL, SCHEMA_TEXT, "Regions")                                \
    X(GR_CUSTOMERS, NULL, SCHEMA_INT, "Customers")                             \
    X(GR_GREEN, NULL, SCHEMA_INT, "Green")                                     \
    X(GR_YELLOW, NULL, SCHEMA_INT, "Yellow")                                   \
    X(GR_RED, NULL, SCHEMA_INT, "Red")                                         \
    X(GR_NA, NULL, SCHEMA_INT, "N/A")                                          \
    X(GR_CORE_AU_PCT, NULL, SCHEMA_PCT, "Pooled core AU")                      \
    X(GR_USERS_TO_GOAL, NULL, SCHEMA_INT, "Users to goal")                     \
    X(GR_CANDIDATES, NULL, SCHEMA_INT, "Candidates")                           \
    X(GR_PLATEAUS, NULL, SCHEMA_INT, "Plateau pairs")                          \
    X(GR_LOSERS, NULL, SCHEMA_INT, "Losers")

#define REPORT_COL_ENUM(id, name, type, title) id,
enum report_workload_kpis_col {
    WORKLOAD_KPIS_COLUMNS(REPORT_COL_ENUM) WK_COUNT
};
enum report_customer_kpis_col {
    CUSTOMER_KPIS_COLUMNS(REPORT_COL_ENUM) CK_COUNT
};
enum report_portfolio_col { PORTFOLIO_COLUMNS(REPORT_COL_ENUM) PF_COUNT };
enum report_candidates_col { CANDIDATES_COLUMNS(REPORT_COL_ENUM) CC_COUNT };
enum report_velocity_col { VELOCITY_COLUMNS(REPORT_COL_ENUM) VL_COUNT };
enum report_candidate_customers_col {
    CANDIDATE_CUSTOMERS_COLUMNS(REPORT_COL_ENUM) CU_COUNT
};
enum report_group_col { GROUP_COLUMNS(REPORT_COL_ENUM) GR_COUNT };
#undef REPORT_COL_ENUM

extern const struct schema report_workload_kpis; /* workload_kpis.csv */
extern const struct schema report_customer_kpis; /* customer_kpis.csv */
extern const struct schema report_portfolio;     /* portfolio.csv */
extern const struct schema report_candidates;    /* cohort_candidates.csv */
extern const struct schema report_velocity;      /* the Velocity sheet */
extern const struct schema report_candidate_customers; /* Candidates */
extern const struct schema report_groups;              /* By region, By FM */

#endif
