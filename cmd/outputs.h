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
#include <stdint.h>
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
    const char *out_dir; /* DIR as given, for messages */

    struct manifest_timing timing[OUTPUTS_MAX_TIMINGS];
    size_t n_timings;
    struct timespec mark;
    struct manifest_output *output; /* in the order run.json lists them */
    size_t n_outputs, cap_outputs;
    struct fm_books books;
    char workbook[32]; /* kpi-YYYY-MM.xlsx */
};

/* Catches SIGTERM, SIGINT and SIGHUP while a set is published: the
 * handler removes the staged set and exits 128 + the signal's number
 * (docs/running.md, "Signals"). A signal the caller ignores stays
 * ignored. */
void outputs_catch_signals(void);

/* Opens DIR for a new set (publish_open_set), refusing a folder that
 * holds files that are neither of the set its run.json lists nor among
 * known (e.g. a shard folder's files): a set replaces the whole folder.
 * Prints what failed; returns the exit code, 0 when open. */
int outputs_open(struct publish *pub, const char *cmd, const char *dir,
                 const char *const *known, size_t n_known);

/* publish_commit with the stop signals held: the switch and the removal
 * of the superseded set are not cut short. */
enum ftk_error outputs_commit(struct publish *pub, struct ftk_diag *diag);

/* publish_release with the stop signals held (the handler and the release
 * must not both remove the stage). */
void outputs_release_publish(struct publish *pub);

/* The bytes an unprivileged process may still write where path is;
 * UINT64_MAX when unknown. */
uint64_t outputs_free_bytes(const char *path);

/* Starts the clock of the first stage. */
void outputs_start(struct outputs *o);

/* Ends a stage: its time goes to run.json (and stderr when verbose). */
void outputs_stage_done(struct outputs *o, const char *stage);

/* Writes every output and commits the publish: the CSV facts are written
 * by the workbooks' threads while they write the books (stages "write":
 * creating the files and planning the books; "workbook": the books and
 * the CSV facts). Prints what failed, the first output in order that
 * failed, and returns the exit code; 0 when published. */
int outputs_publish(struct outputs *o);

/* Frees what the step kept. Safe on a zeroed struct. */
void outputs_release(struct outputs *o);

#endif
