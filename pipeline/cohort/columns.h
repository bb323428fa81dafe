/*
 * pipeline/cohort/columns.h - the columns of every file the cohort tool
 * writes and reads, one table per file (pipeline/base/schema.h says what a
 * table holds; docs/cohorts.md, "File formats", what the columns mean).
 *
 * Each file's columns are one X-macro list, X(id, name, type), in the
 * file's order; it makes both the column ids and the table. The writer of
 * a file writes its header from the table and each row's cells column by
 * column, a value per id; its reader finds the columns by the table's
 * names. The review workbook shows the CSV's names as its header, so a
 * table's titles are its names.
 *
 * The state files and the review keep figures per workload of the cohort
 * (EXO_au_pct, EXO_health, ...): such a file is a cohort_layout, the fixed
 * columns of its table with, before one of them, a group of columns per
 * workload, in the cohort's workload order. A group column is named by the
 * workload's code followed by the group table's name ("EXO" "_au_pct");
 * a group's table has no file.
 *
 * Runs' files are read through pipeline/report/tables.h.
 */
#ifndef FTK_COHORT_COLUMNS_H
#define FTK_COHORT_COLUMNS_H

#include <stddef.h>

#include "pipeline/base/csv_writer.h"
#include "pipeline/base/schema.h"

/* A picking sheet, picks-YYYY-MM-REGION.csv (picks.h). */
#define COHORT_SHEET_COLUMNS(X)                                                \
    X(PS_PICK, "pick", SCHEMA_TEXT)                                            \
    X(PS_TENANT_ID, "tenant_id", SCHEMA_TEXT)                                  \
    X(PS_CUSTOMER_NAME, "customer_name", SCHEMA_TEXT)                          \
    X(PS_REGION, "region", SCHEMA_TEXT)                                        \
    X(PS_FM, "fm", SCHEMA_TEXT)                                                \
    X(PS_USERS_TO_GOAL, "users_to_goal", SCHEMA_INT)                           \
    X(PS_HEALTH, "health", SCHEMA_HEALTH)                                      \
    X(PS_CORE_AU_PCT, "core_au_pct", SCHEMA_PCT)                               \
    X(PS_FOCUS_AREAS, "focus_areas", SCHEMA_CODE)                              \
    X(PS_FOCUS_DETAILS, "focus_details", SCHEMA_TEXT)                          \
    X(PS_COHORT_MONTH, "cohort_month", SCHEMA_MONTH)                           \
    X(PS_AS_OF_MONTH, "as_of_month", SCHEMA_MONTH)

/* A customer's KPIs as both state files keep them, after their own
 * columns: X(P##_AS_OF_MONTH, ...) makes CM_AS_OF_MONTH in the cohort
 * file's list and CH_AS_OF_MONTH in the change log's. */
#define COHORT_KPI_COLUMNS(X, P)                                               \
    X(P##_AS_OF_MONTH, "as_of_month", SCHEMA_MONTH)                            \
    X(P##_FOCUS_AREAS, "focus_areas", SCHEMA_CODE)                             \
    X(P##_HEALTH, "health", SCHEMA_HEALTH)                                     \
    X(P##_CORE_QE, "core_qe", SCHEMA_INT)                                      \
    X(P##_CORE_AE, "core_ae", SCHEMA_INT)                                      \
    X(P##_CORE_AU_PCT, "core_au_pct", SCHEMA_PCT)                              \
    X(P##_USERS_TO_GOAL, "users_to_goal", SCHEMA_INT)

/* cohort-YYYY-MM.csv, the frozen members (state.h); then a
 * COHORT_WL_COLUMNS group per workload. */
#define COHORT_MEMBERS_COLUMNS(X)                                              \
    X(CM_COHORT_MONTH, "cohort_month", SCHEMA_MONTH)                           \
    X(CM_REGION, "region", SCHEMA_TEXT)                                        \
    X(CM_TENANT_ID, "tenant_id", SCHEMA_TEXT)                                  \
    X(CM_CUSTOMER_NAME, "customer_name", SCHEMA_TEXT)                          \
    X(CM_FM, "fm", SCHEMA_TEXT)                                                \
    X(CM_FROZEN_ON, "frozen_on", SCHEMA_DATE)                                  \
    X(CM_FROZEN_FROM, "frozen_from", SCHEMA_TEXT)                              \
    COHORT_KPI_COLUMNS(X, CM)

/* changes-YYYY-MM.csv, the change log (state.h); then a COHORT_WL_COLUMNS
 * group per workload. A removal leaves the KPIs and groups empty. */
#define COHORT_CHANGES_COLUMNS(X)                                              \
    X(CH_CHANGE, "change", SCHEMA_INT)                                         \
    X(CH_COHORT_MONTH, "cohort_month", SCHEMA_MONTH)                           \
    X(CH_ACTION, "action", SCHEMA_CODE)                                        \
    X(CH_REGION, "region", SCHEMA_TEXT)                                        \
    X(CH_TENANT_ID, "tenant_id", SCHEMA_TEXT)                                  \
    X(CH_CUSTOMER_NAME, "customer_name", SCHEMA_TEXT)                          \
    X(CH_RECORDED_ON, "recorded_on", SCHEMA_DATE)                              \
    X(CH_EFFECTIVE_ON, "effective_on", SCHEMA_DATE)                            \
    X(CH_REASON, "reason", SCHEMA_TEXT)                                        \
    X(CH_RECORDED_BY, "recorded_by", SCHEMA_TEXT)                              \
    COHORT_KPI_COLUMNS(X, CH)

/* The group of the state files per workload W: W_au_pct, W_health. */
#define COHORT_WL_COLUMNS(X)                                                   \
    X(CW_AU_PCT, "_au_pct", SCHEMA_PCT)                                        \
    X(CW_HEALTH, "_health", SCHEMA_HEALTH)

/* The weekly review, review-YYYY-MM-REGION-YYYY-MM-DD.csv and its
 * workbook (review.h); the COHORT_REVIEW_WL_COLUMNS groups come before
 * RV_AS_OF_MONTH_AT_FREEZE. */
#define COHORT_REVIEW_COLUMNS(X)                                               \
    X(RV_COHORT_MONTH, "cohort_month", SCHEMA_MONTH)                           \
    X(RV_REGION, "region", SCHEMA_TEXT)                                        \
    X(RV_REVIEW_DATE, "review_date", SCHEMA_DATE)                              \
    X(RV_RANK, "rank", SCHEMA_INT)                                             \
    X(RV_TENANT_ID, "tenant_id", SCHEMA_TEXT)                                  \
    X(RV_CUSTOMER_NAME, "customer_name", SCHEMA_TEXT)                          \
    X(RV_FM, "fm", SCHEMA_TEXT)                                                \
    X(RV_STATUS, "status", SCHEMA_CODE)                                        \
    X(RV_PENDING_EFFECTIVE_ON, "pending_effective_on", SCHEMA_DATE)            \
    X(RV_PENDING_REASON, "pending_reason", SCHEMA_TEXT)                        \
    X(RV_MEMBER_SINCE, "member_since", SCHEMA_DATE)                            \
    X(RV_FOCUS_STATUS, "focus_status", SCHEMA_CODE)                            \
    X(RV_FOCUS_AREAS_AT_FREEZE, "focus_areas_at_freeze", SCHEMA_CODE)          \
    X(RV_FOCUS_AREAS_NOW, "focus_areas_now", SCHEMA_CODE)                      \
    X(RV_STILL_IN_FOCUS_AREAS, "still_in_focus_areas", SCHEMA_CODE)            \
    X(RV_LEFT_FOCUS_AREAS, "left_focus_areas", SCHEMA_CODE)                    \
    X(RV_HEALTH_AT_FREEZE, "health_at_freeze", SCHEMA_HEALTH)                  \
    X(RV_HEALTH_NOW, "health_now", SCHEMA_HEALTH)                              \
    X(RV_CORE_AU_PCT_AT_FREEZE, "core_au_pct_at_freeze", SCHEMA_PCT)           \
    X(RV_CORE_AU_PCT_NOW, "core_au_pct_now", SCHEMA_PCT)                       \
    X(RV_CORE_AU_CHANGE_PP, "core_au_change_pp", SCHEMA_PP)                    \
    X(RV_USERS_TO_GOAL_AT_FREEZE, "users_to_goal_at_freeze", SCHEMA_INT)       \
    X(RV_USERS_TO_GOAL_NOW, "users_to_goal_now", SCHEMA_INT)                   \
    X(RV_USERS_TO_GOAL_CHANGE, "users_to_goal_change", SCHEMA_INT)             \
    X(RV_CORE_AE_AT_FREEZE, "core_ae_at_freeze", SCHEMA_INT)                   \
    X(RV_CORE_AE_NOW, "core_ae_now", SCHEMA_INT)                               \
    X(RV_CORE_AE_CHANGE, "core_ae_change", SCHEMA_INT)                         \
    X(RV_CORE_QE_AT_FREEZE, "core_qe_at_freeze", SCHEMA_INT)                   \
    X(RV_CORE_QE_NOW, "core_qe_now", SCHEMA_INT)                               \
    X(RV_AS_OF_MONTH_AT_FREEZE, "as_of_month_at_freeze", SCHEMA_MONTH)         \
    X(RV_AS_OF_MONTH_NOW, "as_of_month_now", SCHEMA_MONTH)

/* The review's group per workload W. */
#define COHORT_REVIEW_WL_COLUMNS(X)                                            \
    X(RW_AU_PCT_AT_FREEZE, "_au_pct_at_freeze", SCHEMA_PCT)                    \
    X(RW_AU_PCT_NOW, "_au_pct_now", SCHEMA_PCT)                                \
    X(RW_AU_CHANGE_PP, "_au_change_pp", SCHEMA_PP)                             \
    X(RW_HEALTH_AT_FREEZE, "_health_at_freeze", SCHEMA_HEALTH)                 \
    X(RW_HEALTH_NOW, "_health_now", SCHEMA_HEALTH)

/* `ftkpi cohort show --csv`, one row per customer of the view (view.h). */
#define COHORT_SHOW_COLUMNS(X)                                                 \
    X(SH_COHORT_MONTH, "cohort_month", SCHEMA_MONTH)                           \
    X(SH_DATE, "date", SCHEMA_DATE)                                            \
    X(SH_REGION, "region", SCHEMA_TEXT)                                        \
    X(SH_STATUS, "status", SCHEMA_CODE)                                        \
    X(SH_TENANT_ID, "tenant_id", SCHEMA_TEXT)                                  \
    X(SH_CUSTOMER_NAME, "customer_name", SCHEMA_TEXT)                          \
    X(SH_SINCE, "since", SCHEMA_DATE)                                          \
    X(SH_CHANGE, "change", SCHEMA_INT)                                         \
    X(SH_EFFECTIVE_ON, "effective_on", SCHEMA_DATE)                            \
    X(SH_RECORDED_ON, "recorded_on", SCHEMA_DATE)                              \
    X(SH_REASON, "reason", SCHEMA_TEXT)                                        \
    X(SH_FOCUS_AREAS, "focus_areas", SCHEMA_CODE)                              \
    X(SH_USERS_TO_GOAL, "users_to_goal", SCHEMA_INT)

#define COHORT_COL_ENUM(id, name, type) id,
enum cohort_sheet_col { COHORT_SHEET_COLUMNS(COHORT_COL_ENUM) PS_COUNT };
enum cohort_kpi_col { COHORT_KPI_COLUMNS(COHORT_COL_ENUM, KP) KP_COUNT };
enum cohort_members_col { COHORT_MEMBERS_COLUMNS(COHORT_COL_ENUM) CM_COUNT };
enum cohort_changes_col { COHORT_CHANGES_COLUMNS(COHORT_COL_ENUM) CH_COUNT };
enum cohort_wl_col { COHORT_WL_COLUMNS(COHORT_COL_ENUM) CW_COUNT };
enum cohort_review_col { COHORT_REVIEW_COLUMNS(COHORT_COL_ENUM) RV_COUNT };
enum cohort_review_wl_col {
    COHORT_REVIEW_WL_COLUMNS(COHORT_COL_ENUM) RW_COUNT
};
enum cohort_show_col { COHORT_SHOW_COLUMNS(COHORT_COL_ENUM) SH_COUNT };
#undef COHORT_COL_ENUM

extern const struct schema cohort_sheet_table;     /* picking sheet */
extern const struct schema cohort_members_table;   /* cohort-YYYY-MM.csv */
extern const struct schema cohort_changes_table;   /* changes-YYYY-MM.csv */
extern const struct schema cohort_wl_table;        /* their group */
extern const struct schema cohort_review_table;    /* the review */
extern const struct schema cohort_review_wl_table; /* its group */
extern const struct schema cohort_show_table;      /* show --csv */

/* A file with a group of columns per workload: the fixed columns of a
 * table with, before fixed column group_at (fixed->n_cols: after the
 * last), the group's columns for each workload in turn. */
struct cohort_layout {
    const struct schema *fixed;
    const struct schema *group; /* names are suffixes to a workload code */
    size_t group_at;
};

extern const struct cohort_layout cohort_members_layout;
extern const struct cohort_layout cohort_changes_layout;
extern const struct cohort_layout cohort_review_layout;

/* The number of columns with n_workloads groups. */
size_t cohort_layout_width(const struct cohort_layout *l, int n_workloads);

/* What column i holds: fixed column *col (*w is -1), or column *col of the
 * group of workload *w. */
void cohort_layout_at(const struct cohort_layout *l, int n_workloads, size_t i,
                      int *w, size_t *col);

/* The position of column col of the group of workload w. */
size_t cohort_layout_group_index(const struct cohort_layout *l, int w,
                                 size_t col);

/* The name of column i ("cohort_month", "EXO_au_pct") into out. */
void cohort_layout_name(const struct cohort_layout *l,
                        const char *const *workloads, int n_workloads, size_t i,
                        char *out, size_t cap);

/* The value of a row's column: fixed column col (w is -1) or column col
 * of workload w's group; buf (cap bytes) may hold its text. */
typedef struct schema_value (*cohort_value_fn)(const void *row, int w,
                                               size_t col, char *buf,
                                               size_t cap);

/* Writes one row, the value of each column from value(row, ...). */
void cohort_layout_row(struct csv_writer *w, const struct cohort_layout *l,
                       int n_workloads, cohort_value_fn value, const void *row);

/* Writes one row of a file without groups: the value of each column of
 * sc from value(row, -1, col, ...). */
void cohort_table_row(struct csv_writer *w, const struct schema *sc,
                      cohort_value_fn value, const void *row);

/* Writes the header row of a file with these workloads. */
void cohort_layout_header(struct csv_writer *w, const struct cohort_layout *l,
                          const char *const *workloads, int n_workloads);

#endif
