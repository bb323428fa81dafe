/*
 * pipeline/report/values.h - the value of every column of tables.h, for
 * one row of the facts.
 *
 * One function per table, a switch on the column id: the CSV writer
 * (report_csv.c) and the workbook's list sheets ask it for every cell, so
 * a column's value is worked out once and the CSV and the workbook agree
 * to the last digit. Adding a column is its entry in tables.h plus its
 * case here; the compiler reports a column without one.
 */
#ifndef FTK_REPORT_VALUES_H
#define FTK_REPORT_VALUES_H

#include <stddef.h>

#include "pipeline/base/schema.h"
#include "pipeline/facts.h"
#include "pipeline/report/tables.h"

/* Bytes of the buffer a value function may compose text in: room for the
 * workbook's texts in words (a health reason, focus areas with their
 * details); a longer one is cut with REPORT_XLSX_CUT_MARK. */
#define REPORT_VALUE_BUF 16384

/* The value of column col (an id of the table's enum) of item `item` of
 * the facts. arg is for the columns that take one (CK_CORE_WORKLOAD_AU_PCT:
 * a workload index; CK_CORE_AU_MONTH_PCT and WK_AU_MONTH_PCT: a month of
 * the 12-month series, 0 for m - 11 .. FACTS_TREND_MONTHS - 1 for m) and
 * ignored by the others. Text the value is made of
 * (focus areas joined) is written to buf, REPORT_VALUE_BUF bytes, and the
 * value borrows it; other text is borrowed from the facts and the store. */
typedef struct schema_value report_value_fn(const struct facts *f, size_t item,
                                            int col, int arg, char *buf);

/* workload_kpis.csv; item indexes facts.row. */
struct schema_value report_workload_value(const struct facts *f, size_t item,
                                          int col, int arg, char *buf);

/* customer_kpis.csv; item indexes facts.customer. CK_CORE_WORKLOAD_AU_PCT
 * is the AU of the customer's row of workload arg, when it has one. */
struct schema_value report_customer_value(const struct facts *f, size_t item,
                                          int col, int arg, char *buf);

/* portfolio.csv; item indexes facts.portfolio. */
struct schema_value report_portfolio_value(const struct facts *f, size_t item,
                                           int col, int arg, char *buf);

/* cohort_candidates.csv; item indexes facts.candidate. */
struct schema_value report_candidate_value(const struct facts *f, size_t item,
                                           int col, int arg, char *buf);

/* The Candidates sheet; item indexes facts.candidate_customer. CU_FOCUS
 * is each of the customer's cohort_candidates.csv rows, one a line:
 * "PLATEAU TEAMS: AU 23.05% within 5 pp ...". */
struct schema_value report_candidate_customer_value(const struct facts *f,
                                                    size_t item, int col,
                                                    int arg, char *buf);

/* The By region and By FM sheets; item indexes facts.region / facts.fm. */
struct schema_value report_region_value(const struct facts *f, size_t item,
                                        int col, int arg, char *buf);
struct schema_value report_fm_value(const struct facts *f, size_t item, int col,
                                    int arg, char *buf);

/* The Velocity sheet; item indexes facts.velocity. The customer's columns
 * are its customer_kpis values, the workload's its workload_kpis values
 * (unknown for a line of the customer alone). */
struct schema_value report_velocity_value(const struct facts *f, size_t item,
                                          int col, int arg, char *buf);

#endif
