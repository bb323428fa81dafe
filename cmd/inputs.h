/*
 * cmd/inputs.h - the input options shared by `ftkpi run` and `ftkpi
 * validate`, and the ingest they drive.
 */
#ifndef FTK_CMD_INPUTS_H
#define FTK_CMD_INPUTS_H

#include <getopt.h>
#include <stdbool.h>
#include <stdint.h>

#include "pipeline/base/shard.h"
#include "pipeline/config.h"
#include "pipeline/ingest/extract.h"
#include "pipeline/ingest/rejects.h"
#include "pipeline/store.h"

struct inputs {
    char **files[3]; /* per extract_kind, in command-line order; owned */
    size_t n[3], cap[3];
    const char *in_dir;
    const char *config_path;
    const char *out_dir;
    const char *as_of;
    bool no_books;      /* run --books none: no FM books */
    bool sharded;       /* run --shard: one shard of a split run */
    struct shard shard; /* which, when sharded */
    int verbosity;      /* -1 quiet, 0 normal, 1 verbose */
    bool progress;      /* stderr is a terminal and not quiet */
};

/* The long options the two commands share; both use these values. */
enum {
    OPT_CUSTOMERS = 1000,
    OPT_ENTITLEMENTS,
    OPT_USAGE,
    OPT_IN,
    OPT_CONFIG,
    OPT_OUT,
    OPT_AS_OF,
    OPT_BOOKS,
    OPT_SHARD
};

/* The getopt_long entries of the options both commands take; each adds
 * its own (run: --as-of) and the terminating entry. */
#define INPUTS_OPTIONS                                                         \
    {"customers", required_argument, NULL, OPT_CUSTOMERS},                     \
        {"entitlements", required_argument, NULL, OPT_ENTITLEMENTS},           \
        {"usage", required_argument, NULL, OPT_USAGE},                         \
        {"in", required_argument, NULL, OPT_IN},                               \
        {"config", required_argument, NULL, OPT_CONFIG},                       \
        {"out", required_argument, NULL, OPT_OUT},                             \
        {"quiet", no_argument, NULL, 'q'},                                     \
        {"verbose", no_argument, NULL, 'v'},                                   \
    {                                                                          \
        "help", no_argument, NULL, 'h'                                         \
    }

/* Parses the command line of `ftkpi cmd` with options (a subset of the
 * shared ones, plus -q, -v, -h), expands --in and checks that every kind
 * has a file. Returns -1 to go on, or the exit code to return at once
 * (0 after printing usage for --help; otherwise the error is printed). */
int inputs_parse(struct inputs *in, const char *cmd, const char *usage,
                 const struct option *options, int argc, char **argv);

/* Frees the file lists. Safe on a zeroed struct and when called twice. */
void inputs_release(struct inputs *in);

/* Reads every file into the store, in the order customers, entitlements,
 * usage. stats has room for every file (inputs_count). On a file-level
 * error, prints it and returns its exit code; else 0. */
size_t inputs_count(const struct inputs *in);
int inputs_ingest(const struct inputs *in, const char *cmd, struct store *st,
                  struct rejects *rj, struct extract_stats *stats);

/* Prints the per-file table (read, accepted, rejected by reason) to f. */
void inputs_print_table(FILE *f, const struct extract_stats *stats, size_t n);

/* When any file is over the reject threshold: prints which, with the
 * rejects summarised by reason and their first examples, and returns true. */
bool inputs_over_threshold(const char *cmd, const struct config *cfg,
                           const struct extract_stats *stats, size_t n,
                           const struct rejects *rj);

#endif
