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
};

/* Reads one file of a kind into the store. Customers must all be read
 * before entitlements, and entitlements before usage (see store.h). */
enum ftk_error extract_file(struct store *st, struct rejects *rj,
                            enum extract_kind kind, const char *path,
                            struct extract_stats *stats, struct ftk_diag *diag);

/* True when the file's rejects are over the configured threshold:
 * rejected * 100 > max_reject_pct * read. */
bool extract_over_threshold(const struct extract_stats *stats,
                            kpi_pct max_reject_pct);

#endif
