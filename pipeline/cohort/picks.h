/*
 * pipeline/cohort/picks.h - picking sheets, and the customers chosen for a
 * freeze: from the sheets the leads filled in, or the top N of a region.
 *
 * A picking sheet is a region's candidates of a run, one row each, with an
 * empty pick column the lead fills in (docs/cohorts.md, "Pick"); its
 * columns are those of cohort_sheet_table (columns.h).
 */
#ifndef FTK_COHORT_PICKS_H
#define FTK_COHORT_PICKS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "pipeline/base/arena.h"
#include "pipeline/base/ftk_error.h"
#include "pipeline/cohort/cohort.h"
#include "pipeline/cohort/run.h"

/* The sheet's name for a region and month: "picks-2026-11-NA.csv", every
 * byte of the region other than A-Z a-z 0-9 - _ written as '_'. */
void cohort_pick_name(int32_t month, const char *region, char *out, size_t cap);

/* Writes the picking sheet of region (UTF-8 with a BOM, for Excel): one
 * row per candidate, users to goal descending then tenant_id, with an
 * empty pick column. Returns false when a write failed. */
bool cohort_pick_write(FILE *f, const struct cohort_run *run,
                       const char *region, int32_t month);

/* The pick values, case-insensitive: picked "x", "yes", "y", "1", "true";
 * not picked "", "no", "n", "0", "false". */
#define COHORT_PICK_VALUES                                                     \
    "x, yes, y, 1 or true (picked); empty, no, n, 0 or false (not picked)"

struct cohort_pick_row {
    const char *file; /* borrowed from the caller's list */
    uint64_t line;
    const char *tenant_id, *region; /* region "" when the cell is empty */
    int32_t cohort_month;           /* KPI_NO_DATE when empty */
    bool picked;
};

struct cohort_picks {
    struct cohort_pick_row *row;
    size_t n, cap;
    const char *const *files; /* borrowed from the caller */
    size_t *file_rows;        /* rows per file, n_files of them */
    size_t n_files;
    struct arena strings;
};

/* Reads filled-in picking sheets (columns matched by name: tenant_id and
 * pick required, region and cohort_month used when present, others
 * ignored). A file that cannot be read as CSV, or has no tenant_id or
 * pick column, fails at once (FTK_E_DATA, FTK_E_NOINPUT). A bad row (a
 * pick value not in COHORT_PICK_VALUES, no tenant_id, a bad cohort_month,
 * a wrong number of fields) adds a "file:line: ..." line to problems; the
 * caller must not freeze when there is any. The picks keep the files
 * array and its strings. */
enum ftk_error cohort_picks_read(struct cohort_picks *p,
                                 const char *const *files, size_t n_files,
                                 struct cohort_report *problems,
                                 struct ftk_diag *diag);

/* Frees what cohort_picks_read took; safe on a zeroed or released p. */
void cohort_picks_release(struct cohort_picks *p);

/* The cohort month the sheets name (their cohort_month cells), or
 * KPI_NO_DATE when none does. */
int32_t cohort_picks_month(const struct cohort_picks *p);

/* The customers chosen for a freeze. */
struct cohort_choice {
    const struct cohort_customer *customer; /* borrowed from the run */
    const char *from; /* "picks-2026-11-NA.csv:7" or "top 5" */
};

struct cohort_selection {
    struct cohort_choice *choice; /* by region, users to goal desc, id */
    size_t n, cap;
    struct arena strings;
};

void cohort_selection_init(struct cohort_selection *s);
/* Frees the choices; safe on a zeroed or released selection. */
void cohort_selection_release(struct cohort_selection *s);

/* The picked customers of the sheets for a freeze of month. Each sheet
 * is for one region: that of its first region cell (or of its first
 * picked customer). Adds a line to problems, and returns FTK_E_DATA when
 * there is any, for: a cohort_month other than month, a row whose region
 * is not the sheet's, a tenant on two rows (in any of the sheets), a
 * picked tenant that is not in the run or is in another region, a sheet
 * with nothing picked. A picked customer that is not a candidate is
 * taken (its focus areas are none) with a line in notes. */
enum ftk_error cohort_select_picks(struct cohort_selection *sel,
                                   const struct cohort_picks *p,
                                   const struct cohort_run *run, int32_t month,
                                   struct cohort_report *problems,
                                   struct cohort_report *notes,
                                   struct ftk_diag *diag);

/* The top n candidates by users to goal (then tenant_id) of each region
 * in regions, or of every region with a candidate when n_regions is 0.
 * FTK_E_DATA when a region given has no candidate. */
enum ftk_error cohort_select_top(struct cohort_selection *sel,
                                 const struct cohort_run *run, unsigned n,
                                 const char *const *regions, size_t n_regions,
                                 struct ftk_diag *diag);

#endif
