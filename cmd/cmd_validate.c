/*
 * cmd/cmd_validate.c - `ftkpi validate`: check the inputs, account for
 * every row, publish nothing but rejects.csv.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/commands.h"
#include "cmd/inputs.h"
#include "pipeline/publish.h"

static const char usage[] =
    "usage: ftkpi validate (--customers FILE... --entitlements FILE...\n"
    "                       --usage FILE... | --in DIR)\n"
    "                      [--config FILE] [--out DIR] [-q | -v]\n"
    "\n"
    "Reads the three extracts the way `ftkpi run` does, checks every row and\n"
    "prints, per file, the rows read, accepted and rejected by reason. With\n"
    "--out DIR it writes DIR/rejects.csv (file, line, column, error,\n"
    "message, raw record); no KPIs are computed or published.\n"
    "\n"
    "  --customers FILE     customers extract (repeat for several files)\n"
    "  --entitlements FILE  entitlements extract (repeatable)\n"
    "  --usage FILE         usage extract (repeatable)\n"
    "  --in DIR             take customers*.csv[.gz], entitlements*.csv[.gz]\n"
    "                       and usage*.csv[.gz] from DIR, in name order\n"
    "  --config FILE        configuration overriding the built-in defaults\n"
    "  --out DIR            write rejects.csv into DIR\n"
    "  -q, --quiet          print only errors (no progress line)\n"
    "  -v, --verbose        also print each file's counts as it is read\n"
    "  -h, --help           print this help\n"
    "\n"
    "Files may be gzip-compressed (detected by content, not by name).\n"
    "\n"
    "Exit status: 0 inputs are fine (rejects within the threshold); 64 bad\n"
    "command line; 65 a malformed file, or rejects over the threshold in a\n"
    "file (max_reject_pct); 66 an input is missing; 73 cannot create the\n"
    "output; 74 I/O error; 75 another run holds --out's lock; 78 bad\n"
    "configuration.\n";

static const struct option options[] = {
    INPUTS_OPTIONS,
    {NULL, 0, NULL, 0},
};

/* Everything starts zeroed and is released at out: whatever was reached;
 * every release is safe on a zeroed struct. rejects.csv is published only
 * with --out. */
static int validate(struct inputs *in)
{
    struct ftk_diag diag;
    struct config cfg;
    struct store st;
    struct publish pub;
    struct rejects rj;
    memset(&cfg, 0, sizeof(cfg));
    memset(&st, 0, sizeof(st));
    memset(&pub, 0, sizeof(pub));
    struct extract_stats *stats = NULL;
    FILE *rejects_file = NULL;
    int rc;

    enum ftk_error err = config_load(&cfg, in->config_path, &diag);
    if (err != FTK_OK) {
        fprintf(stderr, "ftkpi validate: %s\n", diag.msg);
        rc = ftk_exit_code(err);
        goto out;
    }
    store_init(&st, &cfg);
    if (in->out_dir) {
        err = publish_open(&pub, in->out_dir, &diag);
        if (err == FTK_OK)
            err = publish_create(&pub, "rejects.csv", &rejects_file, &diag);
        if (err != FTK_OK) {
            fprintf(stderr, "ftkpi validate: %s\n", diag.msg);
            rc = ftk_exit_code(err);
            goto out;
        }
    }
    rejects_init(&rj, rejects_file);
    stats = calloc(inputs_count(in), sizeof(*stats));
    if (!stats) {
        rc = ftk_exit_code(FTK_E_NOMEM);
        goto out;
    }
    rc = inputs_ingest(in, "validate", &st, &rj, stats);
    if (rc != 0)
        goto out;
    if (in->verbosity >= 0)
        inputs_print_table(stdout, stats, inputs_count(in));
    bool over =
        inputs_over_threshold("validate", &cfg, stats, inputs_count(in), &rj);
    /* rejects.csv is validate's product: it is written even when the
     * rejects are over the threshold, since that is when it is needed. */
    if (in->out_dir) {
        err = publish_commit(&pub, &diag);
        if (err != FTK_OK) {
            fprintf(stderr, "ftkpi validate: %s\n", diag.msg);
            rc = ftk_exit_code(err);
            goto out;
        }
    }
    rc = ftk_exit_code(over ? FTK_E_REJECTS : FTK_OK);
    if (!over && rj.total > 0 && in->verbosity >= 0)
        fprintf(stderr,
                "ftkpi validate: %llu row%s rejected (within the "
                "threshold)%s\n",
                (unsigned long long)rj.total, rj.total == 1 ? "" : "s",
                in->out_dir ? "; see rejects.csv" : "");
out:
    publish_release(&pub);
    free(stats);
    store_release(&st);
    config_release(&cfg);
    return rc;
}

int cmd_validate(int argc, char **argv)
{
    struct inputs in;
    memset(&in, 0, sizeof(in));
    int rc = inputs_parse(&in, "validate", usage, options, argc, argv);
    if (rc < 0)
        rc = validate(&in);
    inputs_release(&in);
    return rc;
}
