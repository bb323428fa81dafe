/*
 * pipeline/shard/tables.h - the columns of the files of a shard folder,
 * one table per file (docs/sharding.md lists them; pipeline/base/schema.h
 * says what a table holds). The writer (shard_write.c) and the reader
 * (shard_read.c) both go by these tables: a column is added here and in
 * the one get/set switch of its file.
 *
 * These files are for `ftkpi merge`, not for people: numbers are exact
 * integers (a percent in hundredths, never a float), and text is written
 * byte for byte (csv_writer_exact: never neutralised) so that it reads
 * back as it was. An empty cell is an unknown value.
 */
#ifndef FTK_SHARD_TABLES_H
#define FTK_SHARD_TABLES_H

#include "pipeline/base/schema.h"

/* shard.csv: one row, the shard's manifest. */
#define SHARD_MANIFEST_COLUMNS(X)                                              \
    X(SM_VERSION, "version", SCHEMA_CODE)                                      \
    X(SM_SHARD_INDEX, "shard_index", SCHEMA_INT)                               \
    X(SM_SHARD_COUNT, "shard_count", SCHEMA_INT)                               \
    X(SM_AS_OF_MONTH, "as_of_month", SCHEMA_MONTH)                             \
    /* the configuration as run.json names it; its file's SHA-256, empty */    \
    /* for the built-in defaults (then config.ini is not in the folder) */     \
    X(SM_CONFIG, "config", SCHEMA_TEXT)                                        \
    X(SM_CONFIG_SHA256, "config_sha256", SCHEMA_CODE)                          \
    X(SM_CUSTOMERS, "customers", SCHEMA_INT)                                   \
    X(SM_WORKLOAD_ROWS, "workload_rows", SCHEMA_INT)                           \
    X(SM_REJECTS, "rejects", SCHEMA_INT)

/* inputs.csv: one row per input file, in the run's order; then one
 * column per reason an extract's row is rejected for, named by its code
 * (REJECT_REASONS of rejects.h). */
#define SHARD_INPUTS_COLUMNS(X)                                                \
    X(SI_PATH, "path", SCHEMA_TEXT)                                            \
    X(SI_KIND, "kind", SCHEMA_CODE)                                            \
    X(SI_BYTES, "bytes", SCHEMA_INT)                                           \
    X(SI_SHA256, "sha256", SCHEMA_CODE)                                        \
    X(SI_READ, "rows_read", SCHEMA_INT)                                        \
    X(SI_ACCEPTED, "accepted", SCHEMA_INT)                                     \
    X(SI_REJECTED, "rejected", SCHEMA_INT)                                     \
    X(SI_SKIPPED, "skipped", SCHEMA_INT)                                       \
    /* the latest snapshot date of the shard's accepted rows, if any */        \
    X(SI_LATEST, "latest", SCHEMA_DATE)

/* customers.csv: the shard's accepted customers, by tenant_id bytes. */
#define SHARD_CUSTOMERS_COLUMNS(X)                                             \
    X(SC_TENANT_ID, "tenant_id", SCHEMA_TEXT)                                  \
    X(SC_NAME, "customer_name", SCHEMA_TEXT)                                   \
    X(SC_REGION, "region", SCHEMA_TEXT)                                        \
    X(SC_SEATS, "seats", SCHEMA_INT)                                           \
    X(SC_PRIORITY, "priority", SCHEMA_TEXT)                                    \
    X(SC_FM, "fm", SCHEMA_TEXT)                                                \
    X(SC_ENGAGEMENT_START, "engagement_start", SCHEMA_DATE)                    \
    X(SC_GATEWAY_DATE, "gateway_date", SCHEMA_DATE)                            \
    X(SC_KICKOFF_DATE, "kickoff_date", SCHEMA_DATE)

/* workloads.csv: the shard's workload rows (struct fact_workload), by
 * tenant_id bytes then workload code. A month value (struct kpi_au) is
 * two cells: its AE (empty: no value) and its QE (empty: unknown). The
 * month values of m - 11 .. m are the cells ae_0 .. ae_11 and qe_0 ..
 * qe_11 (struct fact_trend; a month whose AU is undefined is empty). */
#define SHARD_WORKLOADS_COLUMNS(X)                                             \
    X(SW_TENANT_ID, "tenant_id", SCHEMA_TEXT)                                  \
    X(SW_WORKLOAD, "workload", SCHEMA_CODE)                                    \
    X(SW_VALUE_AE, "value_ae", SCHEMA_INT)                                     \
    X(SW_VALUE_QE, "value_qe", SCHEMA_INT)                                     \
    X(SW_QE, "qe", SCHEMA_INT)                                                 \
    X(SW_AU, "au_centi", SCHEMA_INT)                                           \
    X(SW_HEALTH, "health", SCHEMA_HEALTH)                                      \
    X(SW_SCENARIO, "scenario", SCHEMA_CODE)                                    \
    X(SW_DELTA_1M, "delta_1m_centi", SCHEMA_INT)                               \
    X(SW_DELTA_3M, "delta_3m_centi", SCHEMA_INT)                               \
    X(SW_LOSER, "loser", SCHEMA_BOOL)                                          \
    X(SW_AGO_AE, "value_3m_ago_ae", SCHEMA_INT)                                \
    X(SW_AGO_QE, "value_3m_ago_qe", SCHEMA_INT)                                \
    X(SW_PLATEAU_MONTHS, "plateau_months", SCHEMA_INT)                         \
    X(SW_PLATEAU, "plateau", SCHEMA_BOOL)                                      \
    X(SW_ANCHOR_AE, "plateau_anchor_ae", SCHEMA_INT)                           \
    X(SW_ANCHOR_QE, "plateau_anchor_qe", SCHEMA_INT)                           \
    X(SW_QE_BACKFILLED, "qe_backfilled", SCHEMA_BOOL)                          \
    X(SW_ENABLED_DATE, "enabled_date", SCHEMA_DATE)                            \
    X(SW_DAYS_KICKOFF_TO_ENABLE, "days_kickoff_to_enable", SCHEMA_INT)         \
    X(SW_DAYS_TO_10, "days_to_10", SCHEMA_INT)                                 \
    X(SW_DAYS_TO_40, "days_to_40", SCHEMA_INT)                                 \
    X(SW_DAYS_TO_70, "days_to_70", SCHEMA_INT)                                 \
    X(SW_USERS_TO_GOAL, "users_to_goal", SCHEMA_INT)                           \
    X(SW_STATUS, "status", SCHEMA_TEXT)                                        \
    X(SW_TAGS, "tags", SCHEMA_TEXT)                                            \
    X(SW_CORE, "core", SCHEMA_BOOL)                                            \
    X(SW_SLOW_ENABLE, "slow_enable", SCHEMA_BOOL)                              \
    X(SW_SLOW_RAMP, "slow_ramp", SCHEMA_INT)                                   \
    X(SW_LATEST_USAGE, "latest_usage", SCHEMA_DATE)                            \
    X(SW_LATEST_ENTITLEMENT, "latest_entitlement", SCHEMA_DATE)                \
    X(SW_NOTES, "notes", SCHEMA_TEXT)                                          \
    SHARD_TREND_COLUMNS(X, ae, SW_AE_)                                         \
    SHARD_TREND_COLUMNS(X, qe, SW_QE_)

#define SHARD_TREND_COLUMNS(X, name, id)                                       \
    X(id##0, #name "_0", SCHEMA_INT)                                           \
    X(id##1, #name "_1", SCHEMA_INT)                                           \
    X(id##2, #name "_2", SCHEMA_INT)                                           \
    X(id##3, #name "_3", SCHEMA_INT)                                           \
    X(id##4, #name "_4", SCHEMA_INT)                                           \
    X(id##5, #name "_5", SCHEMA_INT)                                           \
    X(id##6, #name "_6", SCHEMA_INT)                                           \
    X(id##7, #name "_7", SCHEMA_INT)                                           \
    X(id##8, #name "_8", SCHEMA_INT)                                           \
    X(id##9, #name "_9", SCHEMA_INT)                                           \
    X(id##10, #name "_10", SCHEMA_INT)                                         \
    X(id##11, #name "_11", SCHEMA_INT)

#define SHARD_COL_ENUM(id, name, type) id,
enum shard_manifest_col { SHARD_MANIFEST_COLUMNS(SHARD_COL_ENUM) SM_COUNT };
enum shard_inputs_col { SHARD_INPUTS_COLUMNS(SHARD_COL_ENUM) SI_COUNT };
enum shard_customers_col { SHARD_CUSTOMERS_COLUMNS(SHARD_COL_ENUM) SC_COUNT };
enum shard_workloads_col { SHARD_WORKLOADS_COLUMNS(SHARD_COL_ENUM) SW_COUNT };
#undef SHARD_COL_ENUM

/* The tables. shard_inputs_schema has SI_COUNT + REJECT_EXTRACT_COUNT
 * columns: column SI_COUNT + r is the rows rejected for reason r. */
extern const struct schema shard_manifest_schema;
extern const struct schema shard_inputs_schema;
extern const struct schema shard_customers_schema;
extern const struct schema shard_workloads_schema;

/* The files of a shard folder besides those four: the shard's rejects.csv
 * (rows as a run writes them) and its index (rejects.h), and config.ini, a
 * copy of --config when one was given. */
#define SHARD_MANIFEST_FILE "shard.csv"
#define SHARD_INPUTS_FILE "inputs.csv"
#define SHARD_CUSTOMERS_FILE "customers.csv"
#define SHARD_WORKLOADS_FILE "workloads.csv"
#define SHARD_REJECTS_FILE "rejects.csv"
#define SHARD_REJECTS_INDEX_FILE "rejects_index.csv"
#define SHARD_CONFIG_FILE "config.ini"

#endif
