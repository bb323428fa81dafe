/*
 * pipeline/manifest.h - run.json: what a run read, what it wrote and how
 * long each stage took. Everything but "timings_ms" is the same for two
 * runs on the same inputs.
 */
#ifndef FTK_MANIFEST_H
#define FTK_MANIFEST_H

#include <stdio.h>

#include "pipeline/base/ftk_error.h"
#include "pipeline/config.h"
#include "pipeline/ingest/extract.h"
#include "pipeline/ingest/rejects.h"

struct manifest_timing {
    const char *stage;
    double ms;
};

struct manifest_output {
    const char *name;
    uint64_t bytes;
    char sha256[65];
};

struct manifest {
    const char *command; /* "run", "merge" */
    uint32_t shards;     /* a merge: its number of shards, else 0 */
    int32_t as_of_month;
    int32_t latest_snapshot; /* KPI_NO_DATE when none */
    const struct config *cfg;
    const struct extract_stats *inputs;
    size_t n_inputs;
    const struct manifest_timing *timing;
    size_t n_timings;
    const struct manifest_output *output;
    size_t n_outputs;
};

/* Writes the manifest as JSON; false when a write failed. */
bool manifest_write(FILE *f, const struct manifest *m);

/* One entry of a manifest's "outputs", read back. */
struct manifest_entry {
    char *name; /* owned */
    uint64_t bytes;
    char sha256[65];
};

struct manifest_listing {
    struct manifest_entry *entry; /* owned, n of them */
    size_t n;
};

/* Reads the "outputs" list of the run.json at path into *out (zeroed
 * first). FTK_E_NOINPUT when the file is missing, FTK_E_DATA (naming the
 * byte offset) when it is not a manifest ftkpi wrote, FTK_E_IO when it
 * cannot be read. */
enum ftk_error manifest_read_outputs(const char *path,
                                     struct manifest_listing *out,
                                     struct ftk_diag *diag);

/* The entry named name, or NULL. */
const struct manifest_entry *
manifest_listing_find(const struct manifest_listing *l, const char *name);

/* Frees what l holds. Safe on a zeroed struct and twice. */
void manifest_listing_release(struct manifest_listing *l);

#endif
