/*
 * pipeline/report/report_csv.h - the CSV facts (docs/kpis.md): the columns
 * of tables.h, in their order, one row per facts row in the facts' order.
 */
#ifndef FTK_REPORT_CSV_H
#define FTK_REPORT_CSV_H

#include <stdio.h>

#include "pipeline/facts.h"

/* Each writes a header and every row to f; false when a write failed. */
bool report_csv_workload_kpis(FILE *f, const struct facts *facts);
bool report_csv_customer_kpis(FILE *f, const struct facts *facts);
bool report_csv_portfolio(FILE *f, const struct facts *facts);
bool report_csv_candidates(FILE *f, const struct facts *facts);

#endif
