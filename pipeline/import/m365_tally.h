/*
 * pipeline/import/m365_tally.h - QE and AE per tenant, refresh date and
 * workload, from every report read (docs/import.md).
 *
 * The active user detail report is preferred: a services user counts
 * report gives a (tenant, workload, refresh date) only when no detail
 * report does. Two reports of one kind for the same tenant and refresh
 * date are an error: which one is right is not the import's to guess.
 */
#ifndef FTK_M365_TALLY_H
#define FTK_M365_TALLY_H

#include <stddef.h>
#include <stdint.h>

#include "pipeline/base/ftk_error.h"
#include "pipeline/import/m365_reader.h"

/* One (tenant, refresh date, workload): a row of each extract. */
struct m365_entry {
    const char *tenant; /* borrowed from the caller of m365_tally_add */
    int32_t date;       /* the report's refresh date */
    int workload;       /* m365_workload_code(workload) */
    enum m365_kind source;
    int period; /* M365_COUNTS: the report's period in days */
    uint32_t qe, ae;
    const char *path; /* the report it came from; borrowed */
};

struct m365_tally {
    struct m365_entry *entry;
    size_t n_entries, cap;
};

/* Adds what a report gave for tenant (which must outlive the tally; so
 * must f->path). The reports of one tenant are added one after the
 * other. A report without an accepted row adds nothing.
 * FTK_E_DATA when the tenant already has a report of f's kind for its
 * refresh date (both files named); FTK_E_NOMEM. */
enum ftk_error m365_tally_add(struct m365_tally *t, const char *tenant,
                              const struct m365_file *f, struct ftk_diag *diag);

/* Drops the counts entries a detail report covers and sorts the rest by
 * refresh date, tenant_id and workload code (byte order), the order of
 * the extracts' rows. */
void m365_tally_finish(struct m365_tally *t);

/* After finish: the entries of the refresh date of entry[start] are
 * entry[start] ... entry[end - 1]; returns end. */
size_t m365_tally_date_end(const struct m365_tally *t, size_t start);

/* Frees the entries. Safe on a zeroed struct and when called twice. */
void m365_tally_release(struct m365_tally *t);

#endif
