/*
 * pipeline/manifest.h - run.json: what a run read, what it wrote and how
 * long each stage took. Everything but "timings_ms" is the same for two
 * runs on the same inputs.
 */
#ifndef FTK_MANIFEST_H
#define FTK_MANIFEST_H

#include <stdio.h>

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

#endif
