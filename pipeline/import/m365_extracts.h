/*
 * pipeline/import/m365_extracts.h - the usage and entitlements extracts
 * `ftkpi import m365` writes, one pair per refresh date
 * (usage-m365-YYYY-MM-DD.csv, entitlements-m365-YYYY-MM-DD.csv), in the
 * columns `ftkpi run` reads (docs/inputs.md, docs/import.md).
 *
 * Their tables are made from the extracts' own column lists
 * (pipeline/ingest/extract.h): every column of docs/inputs.md's tables,
 * in that order; what a report cannot know (enabled_date, status) is
 * left empty. Values are written as they are, never neutralised as a
 * formula: a tenant_id must read back byte for byte.
 */
#ifndef FTK_M365_EXTRACTS_H
#define FTK_M365_EXTRACTS_H

#include <stdbool.h>
#include <stdio.h>

#include "pipeline/base/schema.h"
#include "pipeline/import/m365_tally.h"

extern const struct schema m365_usage_schema;
extern const struct schema m365_entitlements_schema;

/* "usage-m365-2026-03-31.csv", "entitlements-m365-2026-03-31.csv" */
void m365_extracts_usage_name(int32_t date, char out[32]);
void m365_extracts_entitlements_name(int32_t date, char out[40]);

/* Writes the extract of n entries (one refresh date, in the tally's
 * order) to f; false when a write failed. */
bool m365_extracts_write_usage(FILE *f, const struct m365_entry *e, size_t n);
bool m365_extracts_write_entitlements(FILE *f, const struct m365_entry *e,
                                      size_t n);

#endif
