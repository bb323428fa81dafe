/*
 * pipeline/report/sheets.h - the sheets of the workbook, one writer per
 * sheet or family of sheets, each in its own file (docs/workbook.md shows
 * them). Each writes its sheet through the engine of sheet.h and keeps a
 * failure in x->err.
 */
#ifndef FTK_REPORT_SHEETS_H
#define FTK_REPORT_SHEETS_H

#include "pipeline/report/sheet.h"

/* sheet_summary.c: the as-of month, portfolio, health, goals, trend and
 * two charts. */
void sheet_summary_write(struct sheet_book *x);

/* sheet_groups.c: By region and By FM, the customers rolled up. */
void sheet_by_region_write(struct sheet_book *x);
void sheet_by_fm_write(struct sheet_book *x);

/* sheet_customers.c: Customers, and the sheet of workload w. */
void sheet_customers_write(struct sheet_book *x);
void sheet_workload_write(struct sheet_book *x, int w);

/* sheet_focus.c: Velocity, Plateau and Biggest losers, worst first. */
void sheet_velocity_write(struct sheet_book *x);
void sheet_plateau_write(struct sheet_book *x);
void sheet_losers_write(struct sheet_book *x);

/* sheet_candidates.c: the opportunity-review candidates, one line per
 * customer. */
void sheet_candidates_write(struct sheet_book *x);

/* sheet_playbook.c: the playbooks' next actions, grouped by FM, and the
 * exec summary drafts, one wrapped cell per customer (none without a
 * playbook). */
void sheet_next_actions_write(struct sheet_book *x);
void sheet_exec_summaries_write(struct sheet_book *x);

/* sheet_quality.c: Data quality, per input file and reject reason. */
void sheet_quality_write(struct sheet_book *x);

/* sheet_definitions.c: KPIs, thresholds, inputs and this workbook. */
void sheet_definitions_write(struct sheet_book *x);

#endif
