/*
 * pipeline/cohort/common.h - what the cohort modules share and nothing else
 * includes: cells of a CSV file read back, the values they hold, a header
 * mapped onto a table, file names.
 *
 * The parsers accept exactly what the writers write (csv_writer.h,
 * schema.h), and a cell that a spreadsheet neutralised or re-cased.
 */
#ifndef FTK_COHORT_COMMON_H
#define FTK_COHORT_COMMON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kpi/kpi.h"
#include "pipeline/base/arena.h"
#include "pipeline/base/csv_writer.h"
#include "pipeline/base/ftk_error.h"
#include "pipeline/base/schema.h"
#include "pipeline/ingest/csv_reader.h"

typedef unsigned long long ull;

/* A cell as read, without the "'" that neutralised a formula-like text
 * (csv_writer.h), so "'-x" reads back as "-x". Borrowed from the record. */
struct cohort_cell {
    const char *s;
    size_t len;
};

/* Field col of rec; an empty cell when col is -1 or past the record. */
struct cohort_cell cohort_cell_at(const struct csv_record *rec, int col);

/* True when the cell is word, ASCII case ignored. */
bool cohort_cell_is(struct cohort_cell c, const char *word);

/* A copy of the cell owned by the arena, or NULL when out of memory. */
const char *cohort_cell_keep(struct arena *a, struct cohort_cell c);

/* Plain decimal digits, at most 18 of them. */
bool cohort_parse_count(struct cohort_cell c, int64_t *out);

/* "37.50", "-5.25", "100" (at most two decimals) into hundredths. */
bool cohort_parse_centi(struct cohort_cell c, kpi_centi *out);

/* "Green", "Yellow", "Red", "N/A" (any case). */
bool cohort_parse_health(struct cohort_cell c, enum kpi_health *out);

/* "PLATEAU;LOSER" (any order, no repeats), "" for none. */
bool cohort_parse_focus(struct cohort_cell c, unsigned *out);

/* FTK_E_DATA: "path:line: column 'cell': expected ...", the cell cut at
 * 60 bytes. */
enum ftk_error cohort_bad_cell(struct ftk_diag *diag, const char *path,
                               uint64_t line, const char *column,
                               struct cohort_cell c, const char *expected);

/* A column a reader looks for in a file: a column id of the file's table
 * and whether the file must have it. */
struct cohort_need {
    int col;
    bool required;
};

/* Opens path, a file of table sc, and maps its header: idx[col] (sc->n_cols
 * entries) is the field holding each needed column, found by its name
 * (schema_match), or -1; the other columns are ignored. FTK_E_DATA for an
 * empty file, a needed column named twice, a required one missing (the
 * first in need's order), or a file separated by ';' (a spreadsheet's
 * regional CSV). On success *r is open and *n_fields is the header's
 * width. */
enum ftk_error cohort_table_open(const char *path, const struct schema *sc,
                                 const struct cohort_need *need, size_t n_need,
                                 int *idx, struct csv_reader **r,
                                 size_t *n_fields, struct ftk_diag *diag);

/* FTK_E_DATA unless rec has want fields. */
enum ftk_error cohort_field_count(const char *path,
                                  const struct csv_record *rec, size_t want,
                                  struct ftk_diag *diag);

/* A region as it goes into a file name: every byte other than A-Z a-z 0-9
 * - _ written as '_'. */
void cohort_safe_name(const char *s, char *out, size_t cap);

/* A value to write (schema.h): a number known when known (INT, PCT, PP,
 * BOOL, DATE, MONTH, HEALTH), a text known unless s is NULL (TEXT, CODE;
 * borrowed), nothing. */
struct schema_value cohort_num(bool known, int64_t i);
struct schema_value cohort_text(const char *s);
struct schema_value cohort_none(void);

/* "dir/name", owned by the caller, or NULL when out of memory. */
char *cohort_path_join(const char *dir, const char *name);

/* The part of path after its last '/'. */
const char *cohort_base_name(const char *path);

/* FTK_E_NOMEM with its message. */
enum ftk_error cohort_nomem(struct ftk_diag *diag);

#endif
