/*
 * pipeline/ingest/rejects.h - every rejected row, with its reason.
 *
 * Rows are counted per reason, the first few of each reason are kept as
 * examples for stderr and the workbook, and, when an output is given,
 * every one is written to rejects.csv, whose columns are the table
 * rejects_schema below.
 */
#ifndef FTK_REJECTS_H
#define FTK_REJECTS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "pipeline/base/csv_writer.h"
#include "pipeline/base/schema.h"

/* X(enum name, code in rejects.csv, title). In the order of precedence
 * of docs/inputs.md (row accounting); values only ever appended before
 * REJECT_COUNT. */
#define REJECT_REASONS(X)                                                      \
    X(REJECT_FIELD_COUNT, "wrong_field_count", "wrong number of fields")       \
    X(REJECT_INVALID_UTF8, "invalid_utf8", "invalid UTF-8")                    \
    X(REJECT_FIELD_TOO_LONG, "field_too_long", "field too long")               \
    X(REJECT_MISSING_VALUE, "missing_value", "missing required value")         \
    X(REJECT_BAD_INTEGER, "bad_integer", "bad integer")                        \
    X(REJECT_BAD_DATE, "bad_date", "bad date")                                 \
    X(REJECT_UNKNOWN_WORKLOAD, "unknown_workload", "unknown workload")         \
    X(REJECT_UNKNOWN_TENANT, "unknown_tenant", "unknown tenant")               \
    X(REJECT_DUPLICATE_KEY, "duplicate_key", "duplicate key")

/* The reasons only `ftkpi import m365` gives, about the rows of Microsoft
 * 365 usage reports (docs/import.md), after the extracts' own: an extract
 * never has them, so the workbook's table of rejects by reason stops at
 * REJECT_EXTRACT_COUNT. Values only ever appended. */
#define REJECT_IMPORT_REASONS(X)                                               \
    X(REJECT_BAD_BOOLEAN, "bad_boolean", "bad boolean")                        \
    X(REJECT_BAD_PERIOD, "bad_period", "bad report period")                    \
    X(REJECT_REFRESH_DATE_DIFFERS, "refresh_date_differs",                     \
      "refresh date differs")                                                  \
    X(REJECT_ACTIVITY_AFTER_REFRESH, "activity_after_refresh",                 \
      "activity after the refresh date")

enum reject_reason {
#define REJECT_ENUM(name, code, title) name,
    REJECT_REASONS(REJECT_ENUM) REJECT_IMPORT_REASONS(REJECT_ENUM)
#undef REJECT_ENUM
        REJECT_COUNT
};

/* How many reasons an extract of `ftkpi run` can be rejected for: the
 * first ones, REJECT_REASONS. */
enum {
#define REJECT_ONE(name, code, title) +1
    REJECT_EXTRACT_COUNT = 0 REJECT_REASONS(REJECT_ONE)
#undef REJECT_ONE
};

/* "bad_integer" */
const char *reject_code(enum reject_reason r);
/* "bad integer" */
const char *reject_title(enum reject_reason r);

/* The columns of rejects.csv, X(id, name, type, title) as in
 * pipeline/report/tables.h: it makes both enum rejects_col and the table
 * rejects_schema, which the writer and any reader of the file go by. No
 * column is on a workbook sheet (the workbook shows the examples). */
#define REJECTS_COLUMNS(X)                                                     \
    X(REJECTS_COL_FILE, "file", SCHEMA_TEXT, NULL)                             \
    /* the physical line of the record's first line; the header is 1 */        \
    X(REJECTS_COL_LINE, "line", SCHEMA_INT, NULL)                              \
    /* the column's name; empty when the reason is not about one column */     \
    X(REJECTS_COL_COLUMN, "column", SCHEMA_TEXT, NULL)                         \
    /* reject_code(): "bad_integer" */                                         \
    X(REJECTS_COL_ERROR, "error", SCHEMA_CODE, NULL)                           \
    X(REJECTS_COL_MESSAGE, "message", SCHEMA_TEXT, NULL)                       \
    /* the record's bytes, invalid UTF-8 shown as U+FFFD */                    \
    X(REJECTS_COL_RAW, "raw", SCHEMA_TEXT, NULL)

enum rejects_col {
#define REJECTS_COL_ENUM(id, name, type, title) id,
    REJECTS_COLUMNS(REJECTS_COL_ENUM)
#undef REJECTS_COL_ENUM
};

extern const struct schema rejects_schema;

#define REJECTS_EXAMPLES 3

/* The columns of a shard's index of its rejects.csv (docs/sharding.md):
 * where each row is and what the merge needs to put the rows of every
 * shard back in the run's order and count them. */
#define REJECTS_INDEX_COLUMNS(X)                                               \
    /* the input file's place in the run's list of inputs, from 0 */           \
    X(RJX_COL_INPUT, "input", SCHEMA_INT, NULL)                                \
    X(RJX_COL_LINE, "line", SCHEMA_INT, NULL)                                  \
    X(RJX_COL_ERROR, "error", SCHEMA_CODE, NULL)                               \
    X(RJX_COL_MESSAGE, "message", SCHEMA_CODE, NULL)                           \
    /* the row's first byte in rejects.csv, and its bytes with the LF */       \
    X(RJX_COL_OFFSET, "offset", SCHEMA_INT, NULL)                              \
    X(RJX_COL_BYTES, "bytes", SCHEMA_INT, NULL)

enum rejects_index_col {
#define RJX_COL_ENUM(id, name, type, title) id,
    REJECTS_INDEX_COLUMNS(RJX_COL_ENUM)
#undef RJX_COL_ENUM
        RJX_COL_COUNT
};

extern const struct schema rejects_index_schema;

/* The reason of a code of rejects.csv ("bad_integer"), or REJECT_COUNT. */
enum reject_reason reject_reason_of(const char *code);

struct rejects {
    struct csv_writer out;
    bool writing;
    /* A shard's index of out (rejects_index): the input being read is set
     * by the caller before each file. */
    struct csv_writer index;
    bool indexing;
    uint32_t input;
    uint64_t total;
    uint64_t by_reason[REJECT_COUNT];
    /* "file:line: message", the first REJECTS_EXAMPLES of each reason */
    char example[REJECT_COUNT][REJECTS_EXAMPLES][320];
    int n_examples[REJECT_COUNT];
};

/* Starts a log; with out not NULL, writes rejects.csv's header to it. */
void rejects_init(struct rejects *rj, FILE *out);

/* Also writes the index of out to f (a shard of a split run). */
void rejects_index(struct rejects *rj, FILE *f);

/* Counts one rejected row and keeps it as an example, without writing it
 * (a merge copies the rows of rejects.csv as the shards wrote them). */
void rejects_tally(struct rejects *rj, const char *file, uint64_t line,
                   enum reject_reason reason, const char *message);

/* Why a row is rejected, as a row check finds it: the reason, the column
 * (an index into the reader's own column list, -1 for none) and the
 * message. */
struct reject_note {
    enum reject_reason reason;
    int column;
    char message[512];
};

/* Fills n (message formatted as printf does, cut to fit) and returns
 * false, so that a check can end with `return reject_note(...)`. */
bool reject_note(struct reject_note *n, enum reject_reason reason, int column,
                 const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* Records one rejected row. column may be NULL. */
void rejects_add(struct rejects *rj, const char *file, uint64_t line,
                 const char *column, enum reject_reason reason,
                 const char *message, const char *raw, size_t raw_len);

#endif
