/*
 * cmd/samplegen.h - writes a realistic synthetic data set (customers,
 * entitlements, usage extracts in the format of docs/inputs.md) for
 * `ftkpi samples`, demos, tests and benchmarks.
 *
 * The output depends only on the options: the same options give the same
 * bytes on every machine (own PRNG, integer arithmetic only, no clock). Each
 * tenant's rows depend only on the seed and the tenant's number, so a data
 * set with fewer tenants is a prefix of one with more (same seed, months and
 * last month). Library code: never prints, never exits.
 */
#ifndef FTK_SAMPLEGEN_H
#define FTK_SAMPLEGEN_H

#include <stdbool.h>
#include <stdint.h>

#include "pipeline/base/ftk_error.h"

#define SAMPLEGEN_MAX_TENANTS 10000000u
#define SAMPLEGEN_MAX_MONTHS 240

struct samplegen_options {
    uint32_t tenants;    /* 1..SAMPLEGEN_MAX_TENANTS */
    uint32_t months;     /* 1..SAMPLEGEN_MAX_MONTHS, ending at last_month */
    uint64_t seed;       /* any value; 0 is fine */
    bool gzip;           /* write *.csv.gz instead of *.csv */
    int32_t last_month;  /* year * 12 + month - 1, see kpi/date.h */
    const char *out_dir; /* an existing directory; borrowed */
};

/* What a successful samplegen_write_counted wrote: data rows per file (the
 * header not counted) and bytes written to disk per file. */
struct samplegen_counts {
    uint64_t customers;
    uint64_t entitlements;
    uint64_t usage;
    uint64_t customers_bytes;
    uint64_t entitlements_bytes;
    uint64_t usage_bytes;
};

/* Writes customers.csv, entitlements.csv and usage.csv (each with ".gz"
 * appended when opt->gzip) into opt->out_dir, replacing files of those
 * names. Each file is written under a temporary name in out_dir (a dot
 * name, so `--in DIR` globs never see it), synced, and renamed only once all
 * three are complete, so a failed run leaves no partial file and no
 * temporary one behind. (Only a rename failing part-way, which needs
 * something odd such as a directory in the way, can leave the files before
 * it replaced and the rest not.)
 *
 * Returns FTK_OK; FTK_E_USAGE for options out of range; FTK_E_CANTCREAT when
 * a file cannot be created or renamed; FTK_E_IO when a write fails (a full
 * disk); FTK_E_NOMEM. On failure diag holds a message such as
 * "samples: cannot create /x/usage.csv: Permission denied". */
enum ftk_error samplegen_write(const struct samplegen_options *opt,
                               struct ftk_diag *diag);

/* The same, also reporting what was written into counts (which may be NULL;
 * it is zeroed on failure). */
enum ftk_error samplegen_write_counted(const struct samplegen_options *opt,
                                       struct samplegen_counts *counts,
                                       struct ftk_diag *diag);

#endif
