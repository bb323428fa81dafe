/*
 * cmd/cmd_merge.c - `ftkpi merge`: the shards of a split run put together
 * and published as the one run would have (docs/sharding.md).
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/commands.h"
#include "cmd/inputs.h"
#include "cmd/outputs.h"
#include "cmd/progress.h"
#include "kpi/date.h"
#include "pipeline/facts.h"
#include "pipeline/playbook/playbook.h"
#include "pipeline/publish.h"
#include "pipeline/shard/shard_dir.h"
#include "pipeline/shard/tables.h"

static const char usage[] =
    "usage: ftkpi merge --out DIR [--books fm|none] [-q | -v] SHARD_DIR...\n"
    "\n"
    "Puts together the shard folders of a run split with 'ftkpi run --shard\n"
    "I/N' and publishes into DIR the outputs that one 'ftkpi run' on the\n"
    "same inputs publishes, byte for byte (run.json aside: its command,\n"
    "shards and timings; docs/sharding.md). The inputs are not read again.\n"
    "The reject threshold (max_reject_pct) applies to the shards' summed\n"
    "counts. The outputs appear complete or not at all.\n"
    "\n"
    "  --out DIR            the output folder (created when missing)\n"
    "  --books fm|none      write the FM books (fm, the default) or none\n"
    "  -q, --quiet          print only errors (no progress line)\n"
    "  -v, --verbose        print timings per stage\n"
    "  -h, --help           print this help\n"
    "\n"
    "Exit status: 0 published; 64 bad command line; 65 the folders are not\n"
    "all N shards of one run (a shard missing, given twice, or of other\n"
    "inputs, month or configuration), a shard folder is damaged, or rejects\n"
    "over the threshold; 66 a shard folder is missing; 73 cannot create the\n"
    "output (also: DIR holds files ftkpi did not write); 74 I/O error; 75\n"
    "another run holds DIR's lock; 78 bad configuration; 128+n ended by\n"
    "signal n, the staged files removed.\n";

static const struct option options[] = {
    {"out", required_argument, NULL, OPT_OUT},
    {"books", required_argument, NULL, OPT_BOOKS},
    {"quiet", no_argument, NULL, 'q'},
    {"verbose", no_argument, NULL, 'v'},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};

struct merge {
    const char *out_dir;
    bool no_books;
    int verbosity;
    struct progress *progress; /* the line of the shards' reading, or NULL */
    char **dir;
    size_t n_dirs;
    struct shard_dir *shard;
    size_t n_open;
    struct config cfg;
    struct store st;
    struct shard_rows rows;
    struct publish pub;
    struct rejects rj;
    struct facts facts;
    struct playbook playbook;
    struct extract_stats *stats;
    struct outputs out;
};

static int fail(enum ftk_error err, const struct ftk_diag *diag)
{
    fprintf(stderr, "ftkpi merge: %s\n", diag->msg);
    return ftk_exit_code(err);
}

static int parse(struct merge *m, int argc, char **argv)
{
    int opt;
    optind = 1;
    while ((opt = getopt_long(argc, argv, "qvh", options, NULL)) != -1) {
        switch (opt) {
        case 'h':
            fputs(usage, stdout);
            return 0;
        case OPT_OUT:
            m->out_dir = optarg;
            break;
        case OPT_BOOKS:
            if (strcmp(optarg, "fm") != 0 && strcmp(optarg, "none") != 0) {
                fprintf(stderr, "ftkpi merge: --books: expected fm or none\n");
                return ftk_exit_code(FTK_E_USAGE);
            }
            m->no_books = strcmp(optarg, "none") == 0;
            break;
        case 'q':
            m->verbosity = -1;
            break;
        case 'v':
            m->verbosity = 1;
            break;
        default:
            fputs("try 'ftkpi merge --help'\n", stderr);
            return ftk_exit_code(FTK_E_USAGE);
        }
    }
    if (!m->out_dir || optind >= argc) {
        fprintf(stderr, "ftkpi merge: %s\ntry 'ftkpi merge --help'\n",
                !m->out_dir ? "no output folder: give --out DIR"
                            : "no shard folder: give every SHARD_DIR");
        return ftk_exit_code(FTK_E_USAGE);
    }
    m->dir = argv + optind;
    m->n_dirs = (size_t)(argc - optind);
    progress_enable(m->verbosity >= 0);
    return -1;
}

/* The configuration the shards ran with: the copy of its file in the
 * first folder, or the built-in defaults; named as the shards named it,
 * so that run.json and the Definitions sheet say what a run says. */
static enum ftk_error load_config(struct merge *m, struct ftk_diag *diag)
{
    const struct shard_dir *d = &m->shard[0];
    char *path = NULL;
    if (d->config_sha256[0]) {
        size_t n = strlen(d->path) + strlen(SHARD_CONFIG_FILE) + 2;
        path = malloc(n);
        if (!path)
            return ftk_fail(diag, FTK_E_NOMEM, "out of memory");
        snprintf(path, n, "%s/%s", d->path, SHARD_CONFIG_FILE);
    }
    enum ftk_error err = config_load(&m->cfg, path, diag);
    free(path);
    if (err == FTK_OK)
        snprintf(m->cfg.source, sizeof(m->cfg.source), "%s", d->config);
    return err;
}

/* The shards read and checked, the rejects merged into rejects.csv, and
 * the threshold applied; then the facts rebuilt. Returns an exit code, or
 * -1 to go on to the outputs. */
static int gather(struct merge *m)
{
    struct ftk_diag diag;
    m->shard = calloc(m->n_dirs, sizeof(*m->shard));
    if (!m->shard)
        return ftk_exit_code(FTK_E_NOMEM);
    for (; m->n_open < m->n_dirs; m->n_open++) {
        enum ftk_error err =
            shard_dir_open(&m->shard[m->n_open], m->dir[m->n_open], &diag);
        if (err != FTK_OK)
            return fail(err, &diag);
        progress_add(m->progress, 1);
    }
    enum ftk_error err = shard_dir_check_set(m->shard, m->n_dirs, &diag);
    if (err == FTK_OK)
        err = load_config(m, &diag);
    if (err != FTK_OK)
        return fail(err, &diag);
    size_t n_stats = m->shard[0].n_stats;
    m->stats = calloc(n_stats ? n_stats : 1, sizeof(*m->stats));
    if (!m->stats)
        return ftk_exit_code(FTK_E_NOMEM);
    shard_dir_sum_stats(m->shard, m->n_dirs, m->stats);

    FILE *rejects_file;
    int rc = outputs_open(&m->pub, "merge", m->out_dir, NULL, 0);
    if (rc != 0)
        return rc;
    err = publish_create(&m->pub, "rejects.csv", &rejects_file, &diag);
    if (err != FTK_OK)
        return fail(err, &diag);
    rejects_init(&m->rj, rejects_file);
    err = shard_dir_rejects(m->shard, m->n_dirs, &m->rj, &diag);
    if (err != FTK_OK)
        return fail(err, &diag);
    progress_add(m->progress, 1);
    if (inputs_over_threshold("merge", &m->cfg, m->stats, n_stats, &m->rj)) {
        fprintf(stderr, "ftkpi merge: nothing published\n");
        return ftk_exit_code(FTK_E_REJECTS);
    }
    outputs_stage_done(&m->out, "read shards");

    store_init(&m->st, &m->cfg);
    err = shard_dir_customers(m->shard, m->n_dirs, &m->st, &diag);
    if (err == FTK_OK)
        err = store_customers_done(&m->st);
    progress_add(m->progress, 1);
    if (err == FTK_OK)
        err = shard_dir_rows(m->shard, m->n_dirs, &m->st, &m->rows, &diag);
    if (err != FTK_OK)
        return fail(err, &diag);
    struct fact_workload *row = m->rows.row;
    m->rows.row = NULL; /* the facts take the rows */
    err = facts_from_rows(&m->facts, &m->st, m->shard[0].as_of_month, row,
                          m->rows.n_rows, &diag);
    if (err != FTK_OK)
        return fail(err, &diag);
    progress_add(m->progress, 1);
    outputs_stage_done(&m->out, "kpis");
    return -1;
}

static int merge(struct merge *m)
{
    struct ftk_diag diag;
    m->out.cmd = "merge";
    m->out.verbosity = m->verbosity;
    m->out.no_books = m->no_books;
    outputs_start(&m->out);
    /* the progress line: each folder opened, then the rejects, the
     * customers, and the rows with the facts */
    m->progress =
        progress_begin("merge", "shards", PROGRESS_STEPS, m->n_dirs + 3);
    int rc = gather(m);
    progress_end(rc < 0);
    m->progress = NULL;
    if (rc >= 0)
        return rc;
    enum ftk_error err = playbook_init(&m->playbook, &m->facts, &diag);
    if (err != FTK_OK)
        return fail(err, &diag);
    outputs_stage_done(&m->out, "playbook");
    m->out.shards = m->shard[0].shard.count;
    m->out.pub = &m->pub;
    m->out.cfg = &m->cfg;
    m->out.facts = &m->facts;
    m->out.playbook = &m->playbook;
    m->out.rj = &m->rj;
    m->out.stats = m->stats;
    m->out.n_stats = m->shard[0].n_stats;
    m->out.out_dir = m->out_dir;
    rc = outputs_publish(&m->out);
    if (rc == 0 && m->verbosity >= 0) {
        char month[8];
        kpi_month_format(m->facts.as_of_month, month);
        if (m->rj.total > 0)
            fprintf(stderr,
                    "ftkpi merge: %s published to %s from %zu shards; %llu "
                    "input rows rejected (within the threshold), see "
                    "rejects.csv\n",
                    month, m->out_dir, m->n_dirs,
                    (unsigned long long)m->rj.total);
    }
    return rc;
}

int cmd_merge(int argc, char **argv)
{
    struct merge m;
    memset(&m, 0, sizeof(m));
    int rc = parse(&m, argc, argv);
    if (rc < 0) {
        outputs_catch_signals();
        rc = merge(&m);
    }
    outputs_release(&m.out);
    playbook_release(&m.playbook);
    facts_release(&m.facts);
    shard_rows_release(&m.rows);
    outputs_release_publish(&m.pub);
    store_release(&m.st);
    free(m.stats);
    for (size_t i = 0; i < m.n_open; i++)
        shard_dir_release(&m.shard[i]);
    free(m.shard);
    config_release(&m.cfg);
    return rc;
}
