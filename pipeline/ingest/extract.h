/*
 * pipeline/ingest/extract.h - the three extracts of docs/inputs.md,
 * validated row by row.
 *
 * Every data row read is accepted into the store or rejected with one
 * reason (the first that applies, in docs/inputs.md's order) into the reject
 * log, so read = accepted + rejected per file, always. A malformed file
 * (header without a required column, a recognised column twice, an empty
 * file, a CSV syntax error, a bad gzip stream) is an error: FTK_E_DATA with
 * file:line:column in diag.
 */
#ifndef FTK_EXTRACT_H
#define FTK_EXTRACT_H

#include <stdint.h>

#include "pipeline/base/ftk_error.h"
#include "pipeline/ingest/rejects.h"
#include "pipeline/store.h"

enum extract_kind { EXTRACT_CUSTOMERS, EXTRACT_ENTITLEMENTS, EXTRACT_USAGE };

/* How a column's value is checked. */
enum extract_col_type { EXTRACT_TEXT, EXTRACT_INT, EXTRACT_DATE };

#define EXTRACT_FIELD_MAX 4096
#define EXTRACT_TENANT_ID_MAX 64

/* The columns of each extract, X(id, name, required, type, max bytes), in
 * the order of docs/inputs.md's tables: the order checks are made in.
 * The reader (extract.c) and every writer of an extract (`ftkpi import
 * m365`, pipeline/import/) are made from these lists, so what one writes
 * is what the other reads. */
#define EXTRACT_CUSTOMERS_COLUMNS(X)                                           \
    X(CUSTOMERS_COL_TENANT, "tenant_id", true, EXTRACT_TEXT,                   \
      EXTRACT_TENANT_ID_MAX)                                                   \
    X(CUSTOMERS_COL_NAME, "customer_name", true, EXTRACT_TEXT,                 \
      EXTRACT_FIELD_MAX)                                                       \
    X(CUSTOMERS_COL_REGION, "region", true, EXTRACT_TEXT, EXTRACT_FIELD_MAX)   \
    X(CUSTOMERS_COL_SEATS, "seats", false, EXTRACT_INT, EXTRACT_FIELD_MAX)     \
    X(CUSTOMERS_COL_PRIORITY, "priority", false, EXTRACT_TEXT,                 \
      EXTRACT_FIELD_MAX)                                                       \
    X(CUSTOMERS_COL_FM, "fm", false, EXTRACT_TEXT, EXTRACT_FIELD_MAX)          \
    X(CUSTOMERS_COL_START, "engagement_start", false, EXTRACT_DATE,            \
      EXTRACT_FIELD_MAX)                                                       \
    X(CUSTOMERS_COL_GATEWAY, "gateway_date", false, EXTRACT_DATE,              \
      EXTRACT_FIELD_MAX)                                                       \
    X(CUSTOMERS_COL_KICKOFF, "kickoff_date", false, EXTRACT_DATE,              \
      EXTRACT_FIELD_MAX)

#define EXTRACT_ENTITLEMENTS_COLUMNS(X)                                        \
    X(ENTITLEMENTS_COL_TENANT, "tenant_id", true, EXTRACT_TEXT,                \
      EXTRACT_TENANT_ID_MAX)                                                   \
    X(ENTITLEMENTS_COL_WORKLOAD, "workload", true, EXTRACT_TEXT,               \
      EXTRACT_FIELD_MAX)                                                       \
    X(ENTITLEMENTS_COL_AS_OF, "as_of", true, EXTRACT_DATE, EXTRACT_FIELD_MAX)  \
    X(ENTITLEMENTS_COL_QE, "qualified_entitlements", true, EXTRACT_INT,        \
      EXTRACT_FIELD_MAX)                                                       \
    X(ENTITLEMENTS_COL_ENABLED, "enabled_date", false, EXTRACT_DATE,           \
      EXTRACT_FIELD_MAX)                                                       \
    X(ENTITLEMENTS_COL_STATUS, "status", false, EXTRACT_TEXT,                  \
      EXTRACT_FIELD_MAX)                                                       \
    X(ENTITLEMENTS_COL_NOTES, "notes", false, EXTRACT_TEXT, EXTRACT_FIELD_MAX)

#define EXTRACT_USAGE_COLUMNS(X)                                               \
    X(USAGE_COL_TENANT, "tenant_id", true, EXTRACT_TEXT,                       \
      EXTRACT_TENANT_ID_MAX)                                                   \
    X(USAGE_COL_WORKLOAD, "workload", true, EXTRACT_TEXT, EXTRACT_FIELD_MAX)   \
    X(USAGE_COL_DATE, "date", true, EXTRACT_DATE, EXTRACT_FIELD_MAX)           \
    X(USAGE_COL_AE, "active_users", true, EXTRACT_INT, EXTRACT_FIELD_MAX)

#define EXTRACT_COL_ID(id, name, required, type, max) id,
enum extract_customers_col {
    EXTRACT_CUSTOMERS_COLUMNS(EXTRACT_COL_ID) CUSTOMERS_COL_COUNT
};
enum extract_entitlements_col {
    EXTRACT_ENTITLEMENTS_COLUMNS(EXTRACT_COL_ID) ENTITLEMENTS_COL_COUNT
};
enum extract_usage_col {
    EXTRACT_USAGE_COLUMNS(EXTRACT_COL_ID) USAGE_COL_COUNT
};
#undef EXTRACT_COL_ID

/* "customers", "entitlements", "usage" */
const char *extract_kind_name(enum extract_kind kind);

/* What one input file gave. */
struct extract_stats {
    const char *path; /* borrowed */
    enum extract_kind kind;
    uint64_t bytes; /* raw bytes of the file */
    char sha256[65];
    uint64_t read, accepted, rejected;
    uint64_t by_reason[REJECT_COUNT];
    /* The latest snapshot date of the accepted rows, whatever their month
     * (usage: date; entitlements: as_of), kept as the rows are read; the
     * Data quality sheet's freshness per file. KPI_NO_DATE for the
     * customers extract and a file without an accepted row. */
    int32_t latest;
    /* Rows of the tenants of other shards of a split run (the store's
     * shard; docs/sharding.md): read but neither accepted nor rejected
     * here, and not in read. */
    uint64_t skipped;
};

/* The largest integer a count field of an extract may hold. */
#define EXTRACT_INTEGER_MAX 2000000000

/* A count field: digits only, any number of leading zeros, at most
 * EXTRACT_INTEGER_MAX (checked as it is read, so it cannot overflow);
 * false for anything else, the empty field included. */
bool extract_parse_uint(const char *s, size_t len, int64_t *out);

/* Reads one file of a kind into the store. When the store computes one
 * shard of a split run, the rows of other shards' tenants are counted as
 * skipped; of those, only customers' ids and accepted usage dates are
 * kept (docs/sharding.md). Customers must all be read
 * before entitlements, and entitlements before usage (see store.h). */
enum ftk_error extract_file(struct store *st, struct rejects *rj,
                            enum extract_kind kind, const char *path,
                            struct extract_stats *stats, struct ftk_diag *diag);

/* True when the file's rejects are over the configured threshold:
 * rejected * 100 > max_reject_pct * read. */
bool extract_over_threshold(const struct extract_stats *stats,
                            kpi_pct max_reject_pct);

#endif
