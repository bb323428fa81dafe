/*
 * pipeline/shard/shard_dir.h - a shard folder: what one shard of a split
 * run hands to the merge (docs/sharding.md).
 *
 * A shard (`ftkpi run --shard I/N`) writes, through the publish: its
 * manifest (shard.csv), its per-input counts (inputs.csv), its customers
 * and workload rows (customers.csv, workloads.csv: everything the merge's
 * KPIs, playbook and writers read), its rejects.csv with an index, and a
 * copy of the configuration file. The merge reads the folders back,
 * checks that they are the N shards of one run, and rebuilds the run's
 * facts from them (facts_from_rows) without the inputs.
 */
#ifndef FTK_SHARD_DIR_H
#define FTK_SHARD_DIR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pipeline/base/arena.h"
#include "pipeline/base/ftk_error.h"
#include "pipeline/base/shard.h"
#include "pipeline/config.h"
#include "pipeline/facts.h"
#include "pipeline/ingest/extract.h"
#include "pipeline/ingest/rejects.h"
#include "pipeline/publish.h"
#include "pipeline/store.h"

/* What a shard writes besides rejects.csv and its index, which the caller
 * created in the publish (SHARD_REJECTS_FILE, SHARD_REJECTS_INDEX_FILE)
 * and filled while reading. */
struct shard_dir_input {
    struct shard shard;
    const struct config *cfg;
    const char *config_path; /* --config, NULL for the built-in defaults */
    const struct extract_stats *stats;
    size_t n_stats;
    const struct facts *facts; /* the shard's facts */
    uint64_t n_rejects;
};

/* Writes the shard's files into the publish (shard.csv last); the caller
 * commits. */
enum ftk_error shard_dir_write(struct publish *pub,
                               const struct shard_dir_input *in,
                               struct ftk_diag *diag);

/* A shard folder read back: its manifest and inputs. */
struct shard_dir {
    const char *path; /* borrowed */
    char version[64];
    struct shard shard;
    int32_t as_of_month;
    const char *config; /* run.json's name of the configuration */
    char config_sha256[65];
    uint64_t n_customers, n_rows, n_rejects;
    struct extract_stats *stats; /* paths owned by strings */
    size_t n_stats;
    struct arena strings;
};

/* Reads path's shard.csv and inputs.csv. FTK_E_DATA (naming the folder)
 * when it is not a complete shard folder; FTK_E_NOINPUT when path is
 * missing. On error d is released. */
enum ftk_error shard_dir_open(struct shard_dir *d, const char *path,
                              struct ftk_diag *diag);

/* Frees d. Safe on a zeroed struct and when called twice. */
void shard_dir_release(struct shard_dir *d);

/* Checks that the n folders are the shards of one run: the same version,
 * configuration, as-of month, shard count and inputs (paths, checksums,
 * rows), each shard index exactly once. FTK_E_DATA naming the folder (or
 * the missing index) otherwise. */
enum ftk_error shard_dir_check_set(const struct shard_dir *d, size_t n,
                                   struct ftk_diag *diag);

/* The run's per-input counts: the shards' summed (read, accepted,
 * rejected, by reason; skipped 0). out has d[0].n_stats entries; its paths
 * are d[0]'s. */
void shard_dir_sum_stats(const struct shard_dir *d, size_t n,
                         struct extract_stats *out);

/* Adds every folder's customers to st (loaded in no other way; call
 * store_customers_done after), checking that each belongs to its
 * folder's shard and appears once. */
enum ftk_error shard_dir_customers(const struct shard_dir *d, size_t n,
                                   struct store *st, struct ftk_diag *diag);

/* The workload rows of every folder, sorted as facts_from_rows wants
 * them: *row (owned by the caller, handed to facts_from_rows) points into
 * *trend and strings, which must outlive the facts. */
struct shard_rows {
    struct fact_workload *row;
    size_t n_rows;
    struct fact_trend *trend;
    struct arena strings;
};
enum ftk_error shard_dir_rows(const struct shard_dir *d, size_t n,
                              const struct store *st, struct shard_rows *out,
                              struct ftk_diag *diag);
/* Frees what r holds; set row to NULL once the facts took it. Safe on a
 * zeroed struct. */
void shard_rows_release(struct shard_rows *r);

/* Puts the folders' rejects.csv rows in the run's order (input, then
 * line) into rj's rejects.csv, as they are, and counts each into rj with
 * its example. */
enum ftk_error shard_dir_rejects(const struct shard_dir *d, size_t n,
                                 struct rejects *rj, struct ftk_diag *diag);

#endif
