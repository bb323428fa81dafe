/*
 * pipeline/import/m365_reader.h - one Microsoft 365 usage report read row
 * by row (docs/import.md).
 *
 * Every data row is accepted or rejected with one reason, the first that
 * applies in docs/import.md's order, into the reject log, so read =
 * accepted + rejected, as for the extracts. The report is streamed: what
 * stays in memory is its counts, and for a detail report the user names
 * seen, to reject a user's second row.
 */
#ifndef FTK_M365_READER_H
#define FTK_M365_READER_H

#include <stdint.h>

#include "pipeline/base/ftk_error.h"
#include "pipeline/import/m365_report.h"
#include "pipeline/ingest/rejects.h"

/* What one report gave. */
struct m365_file {
    const char *path; /* borrowed */
    enum m365_kind kind;
    /* of the first row with valid values; KPI_NO_DATE when none */
    int32_t refresh_date;
    int period; /* counts: days (7, 30, 90, 180); 0 otherwise */
    /* per service (m365_workload_code): QE, and AE on refresh_date */
    uint32_t qe[M365_WORKLOADS], ae[M365_WORKLOADS];
    uint64_t bytes;
    uint64_t read, accepted, rejected;
    uint64_t by_reason[REJECT_COUNT];
    /* an unknown report: the start of its header, safe to print */
    char header[200];
};

/* Reads the report at path into *out, its rejected rows into rj. An
 * unknown report is not read past its header (out->kind M365_UNKNOWN).
 * FTK_E_DATA for a malformed file (empty, a CSV syntax error, a bad gzip
 * stream, a header of docs/import.md's kinds missing a column or naming
 * one twice), FTK_E_NOINPUT when it cannot be opened, FTK_E_NOMEM. */
enum ftk_error m365_reader_read(const char *path, struct rejects *rj,
                                struct m365_file *out, struct ftk_diag *diag);

#endif
