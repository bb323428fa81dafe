/*
 * pipeline/base/schema.h - the columns of a published file, in one table.
 *
 * Every file ftkpi publishes (the CSV facts, rejects.csv, the cohort files)
 * is described by one table of columns: the name in the CSV header, the
 * type, and the title the column has on a workbook sheet. The CSV writers,
 * the workbook's list sheets and every reader of a published file are
 * driven by these tables, so a column is renamed, added or moved in one
 * place (docs/architecture.md, "One table per published file").
 *
 * The type says how a value is written: to a CSV (schema_csv_value) and to
 * a workbook cell (the sheet engine of pipeline/report/), and so how wide
 * the cell is.
 */
#ifndef FTK_SCHEMA_H
#define FTK_SCHEMA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pipeline/base/csv_writer.h"

enum schema_type {
    /* Text from the inputs: in a CSV quoted where needed and neutralised
     * when it could be read as a formula; in a workbook a string cell. */
    SCHEMA_TEXT,
    /* A word or code the program itself writes ("EXO", ">40%",
     * "PLATEAU;LOSER"): never neutralised. */
    SCHEMA_CODE,
    /* An integer: plain digits; a #,##0 cell. */
    SCHEMA_INT,
    /* A percent in hundredths (kpi_centi): "37.50"; a 0.00% cell. */
    SCHEMA_PCT,
    /* Percentage points in hundredths (kpi_centi): "-5.00"; a 0.00 cell. */
    SCHEMA_PP,
    /* "true" / "false"; a "Yes" / "No" cell. */
    SCHEMA_BOOL,
    /* Days since 1970-01-01 (kpi/date.h): "YYYY-MM-DD"; a date cell. */
    SCHEMA_DATE,
    /* A month (kpi/date.h): "YYYY-MM"; a month cell. */
    SCHEMA_MONTH,
    /* enum kpi_health: "Green" ... "N/A"; a cell filled in its colour
     * that keeps the word. */
    SCHEMA_HEALTH
};

struct schema_column {
    const char *name; /* in the CSV header; NULL: only on workbook sheets */
    enum schema_type type;
    const char *title; /* on a workbook sheet; NULL: only in the CSV */
};

struct schema {
    const char *file; /* "workload_kpis.csv"; NULL: a workbook sheet's list */
    const struct schema_column *col;
    size_t n_cols;
};

/* One value of a row. An unknown value is an empty cell. */
struct schema_value {
    bool known;
    int64_t i;     /* INT, PCT, PP, BOOL, DATE, MONTH, HEALTH */
    const char *s; /* TEXT, CODE: NUL-terminated, borrowed */
};

/* Writes the header row: the names of the columns that have one, in the
 * table's order. */
void schema_csv_header(struct csv_writer *w, const struct schema *sc);

/* Writes one value as a column of type t: empty when !v->known. */
void schema_csv_value(struct csv_writer *w, enum schema_type t,
                      const struct schema_value *v);

/* The index of the column named name (as in the CSV header), or -1. */
int schema_find(const struct schema *sc, const char *name);

/* For a reader mapping a header row onto a table: the index of the column
 * a header cell names (len bytes at s, not NUL-terminated; ASCII case
 * ignored, as a spreadsheet may have changed it), or -1. */
int schema_match(const struct schema *sc, const char *s, size_t len);

#endif
