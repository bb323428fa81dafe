/*
 * cmd/outputs.h - the publishing step `ftkpi run` and `ftkpi merge` share:
 * every output of a run written from the facts and the playbook (the CSV
 * facts, rejects.csv, the workbook and the FM books, run.json) and
 * committed all or nothing (docs/running.md). A merge publishes the same
 * bytes as a run because it goes through this same code
 * (docs/sharding.md).
 */
#ifndef FTK_CMD_OUTPUTS_H
#define FTK_CMD_OUTPUTS_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "pipeline/config.h"
#include "pipeline/facts.h"
#include "pipeline/fm_books.h"
#include "pipeline/ingest/extract.h"
#include "pipeline/ingest/rejects.h"
#include "pipeline/manifest.h"
#include "pipeline/playbook/playbook.h"
#include "pipeline/publish.h"

#define OUTPUTS_MAX_TIMINGS 8

/* What a command hands the publishing step, and what the step keeps while
 * it writes. The caller fills the first part (borrowed pointers), zeroes
 * the rest and calls outputs_release at the end. */
struct outputs {
    const char *cmd;     /* "run", "merge": for messages and the manifest */
    uint32_t shards;     /* a merge: its number of shards; else 0 */
    int verbosity;       /* -1 quiet, 0 normal, 1 verbose */
    bool no_books;       /* --books none */
    struct publish *pub; /* open; rejects.csv already created in it */
    const struct config *cfg;
    const struct facts *facts;
    const struct playbook *playbook;
    struct rejects *rj; /* its out is rejects.csv, complete */
    const struct extract_stats *stats;
    size_t n_stats;

    struct manifest_timing timing[OUTPUTS_MAX_TIMINGS];
    size_t n_timings;
    struct timespec mark;
    struct manifest_output *output; /* in the order run.json lists them */
    size_t n_outputs, cap_outputs;
    struct fm_books books;
    char workbook[32]; /* kpi-YYYY-MM.xlsx */
};

/* Starts the clock of the first stage. */
void outputs_start(struct outputs *o);

/* Ends a stage: its time goes to run.json (and stderr when verbose). */
void outputs_stage_done(struct outputs *o, const char *stage);

/* Writes every output and commits the publish. Prints what failed and
 * returns the exit code; 0 when published. */
int outputs_publish(struct outputs *o);

/* Frees what the step kept. Safe on a zeroed struct. */
void outputs_release(struct outputs *o);

#endif
