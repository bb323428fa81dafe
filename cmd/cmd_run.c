/*
 * cmd/cmd_run.c - `ftkpi run`: the nightly job. Ingest, KPIs, reports,
 * publish; all or nothing.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "cmd/commands.h"
#include "cmd/inputs.h"
#include "cmd/outputs.h"
#include "cmd/progress.h"
#include "kpi/date.h"
#include "pipeline/facts.h"
#include "pipeline/publish.h"
#include "pipeline/playbook/playbook.h"
#include "pipeline/report/report_books.h"
#include "pipeline/shard/shard_dir.h"
#include "pipeline/shard/tables.h"

static const char usage[] =
    "usage: ftkpi run (--customers FILE... --entitlements FILE...\n"
    "                  --usage FILE... | --in DIR) --out DIR\n"
    "                 [--as-of YYYY-MM] [--books fm|none] [--config FILE]\n"
    "                 [--shard I/N | --shard auto] [-q | -v]\n"
    "\n"
    "Computes the adoption KPIs of the as-of month and publishes into DIR:\n"
    "  kpi-YYYY-MM.xlsx       the portfolio workbook: summary with charts,\n"
    "                         by region, by FM, customers, one sheet per\n"
    "                         workload, velocity, plateau, biggest losers,\n"
    "                         candidates, next actions, data quality,\n"
    "                         definitions\n"
    "  fm/kpi-YYYY-MM-<FM>.xlsx  one book per FM: the same sheets over the\n"
    "                         FM's customers, plus their exec summaries\n"
    "  workload_kpis.csv      one row per customer and workload\n"
    "  customer_kpis.csv      one row per customer\n"
    "  portfolio.csv          one row per workload\n"
    "  cohort_candidates.csv  opportunity-review candidates by region\n"
    "  next_actions.csv       the playbooks' next actions per customer\n"
    "  exec_summaries.csv     an Exec Summary draft per customer\n"
    "  rejects.csv            every rejected input row and why\n"
    "  run.json               the manifest: inputs, counts, outputs, timings\n"
    "DIR holds one run's set, published all or nothing: the new set is\n"
    "staged beside DIR (in .NAME.ftkpi/, with the lock) and switched in\n"
    "with one atomic exchange, so readers see the previous set or the new\n"
    "one. A failed or interrupted run leaves the previous set untouched;\n"
    "DIR may hold only files of the set its run.json lists. Two runs never\n"
    "write to DIR at once. On a terminal, each long stage (ingest, kpis,\n"
    "books) shows a progress line: percent, rate, time left.\n"
    "\n"
    "  --customers FILE     customers extract (repeat for several files)\n"
    "  --entitlements FILE  entitlements extract (repeatable)\n"
    "  --usage FILE         usage extract (repeatable)\n"
    "  --in DIR             take customers*.csv[.gz], entitlements*.csv[.gz]\n"
    "                       and usage*.csv[.gz] from DIR, in name order\n"
    "  --out DIR            the output folder (created when missing)\n"
    "  --as-of YYYY-MM      the month to report; default: the latest month\n"
    "                       with an accepted usage snapshot\n"
    "  --books fm|none      write the FM books (fm, the default) or none;\n"
    "                       books of an earlier run not written are removed\n"
    "  --config FILE        configuration overriding the built-in defaults\n"
    "  --shard I/N          compute shard I (0 <= I < N) of a run split in N\n"
    "                       by tenant and write a shard folder into DIR for\n"
    "                       'ftkpi merge' instead of the outputs; the reject\n"
    "                       threshold is left to the merge (docs/sharding.md)\n"
    "  --shard auto         I and N from SLURM_ARRAY_TASK_ID and\n"
    "                       SLURM_ARRAY_TASK_COUNT, or JOB_COMPLETION_INDEX\n"
    "                       and FTKPI_SHARDS\n"
    "  -q, --quiet          print only errors (no progress line)\n"
    "  -v, --verbose        print counts per file and timings per stage\n"
    "  -h, --help           print this help\n"
    "\n"
    "Exit status: 0 published; 64 bad command line (also --shard auto\n"
    "outside an array job); 65 a malformed file,\n"
    "rejects over the threshold (max_reject_pct), or no usage and no\n"
    "--as-of; 66 an input is missing; 73 cannot create the output (also:\n"
    "DIR holds files ftkpi did not write, too little free space, no atomic\n"
    "folder exchange on DIR's filesystem); 74 I/O error; 75 another run\n"
    "holds DIR's lock (try later); 78 bad configuration; 128+n ended by\n"
    "signal n (SIGHUP 129, SIGINT 130, SIGTERM 143), the staged files\n"
    "removed.\n";

static const struct option options[] = {
    INPUTS_OPTIONS,
    {"as-of", required_argument, NULL, OPT_AS_OF},
    {"books", required_argument, NULL, OPT_BOOKS},
    {"shard", required_argument, NULL, OPT_SHARD},
    {NULL, 0, NULL, 0},
};

struct run {
    struct inputs *in;
    struct config cfg;
    struct store st;
    struct publish pub;
    struct rejects rj;
    struct facts facts;
    struct playbook playbook;
    struct extract_stats *stats;
    struct outputs out;
};

static int fail(enum ftk_error err, const struct ftk_diag *diag)
{
    fprintf(stderr, "ftkpi run: %s\n", diag->msg);
    return ftk_exit_code(err);
}

static int32_t as_of_month(const struct run *r)
{
    int32_t m;
    if (r->in->as_of && kpi_month_parse(r->in->as_of, strlen(r->in->as_of), &m))
        return m;
    if (r->st.latest_usage_date == KPI_NO_DATE)
        return KPI_NO_DATE;
    return kpi_month_of(r->st.latest_usage_date);
}

/* A shard of a split run: its shard folder instead of the outputs
 * (docs/sharding.md). */
static int publish_shard(struct run *r)
{
    struct ftk_diag diag;
    errno = 0;
    if (fflush(r->rj.out.f) != 0 || csv_writer_error(&r->rj.out) ||
        fflush(r->rj.index.f) != 0 || csv_writer_error(&r->rj.index)) {
        fprintf(stderr, "ftkpi run: rejects.csv in %s: write failed: %s\n",
                r->in->out_dir, strerror(errno ? errno : EIO));
        return ftk_exit_code(FTK_E_IO);
    }
    struct shard_dir_input sd = {
        .shard = r->in->shard,
        .cfg = &r->cfg,
        .config_path = r->in->config_path,
        .stats = r->stats,
        .n_stats = inputs_count(r->in),
        .facts = &r->facts,
        .n_rejects = r->rj.total,
    };
    enum ftk_error err = shard_dir_write(&r->pub, &sd, &diag);
    if (err == FTK_OK)
        err = outputs_commit(&r->pub, &diag);
    if (err != FTK_OK)
        return fail(err, &diag);
    if (r->in->verbosity >= 0 && r->in->progress)
        fprintf(stderr, "ftkpi run: shard %u/%u written to %s\n",
                (unsigned)r->in->shard.index, (unsigned)r->in->shard.count,
                r->in->out_dir);
    return 0;
}

/* Refuses a run whose outputs clearly cannot fit where they are staged
 * (docs/running.md, "Disk space"): a run needs about 1.5 times its
 * inputs' CSV bytes there (the CSVs, and the workbook's temporary XML),
 * a gzip file counted as 5 times its size; refused below 1 times. */
static int check_space(const struct run *r)
{
    uint64_t csv = 0;
    for (int k = 0; k < 3; k++)
        for (size_t i = 0; i < r->in->n[k]; i++) {
            const char *path = r->in->files[k][i];
            struct stat st;
            unsigned char magic[2] = {0, 0};
            FILE *f = fopen(path, "rb");
            if (!f || fstat(fileno(f), &st) != 0) {
                if (f)
                    fclose(f);
                continue; /* reported when it is read */
            }
            bool gz = fread(magic, 1, 2, f) == 2 && magic[0] == 0x1f &&
                      magic[1] == 0x8b;
            fclose(f);
            csv += (uint64_t)st.st_size * (gz ? 5 : 1);
        }
    uint64_t avail = outputs_free_bytes(publish_stage_path(&r->pub));
    if (avail == UINT64_MAX || avail >= csv)
        return 0;
    fprintf(stderr,
            "ftkpi run: %s: %.0f MB free on its filesystem, but a run on "
            "these inputs (about %.0f MB of CSV) needs about %.0f MB there "
            "for its outputs and the workbook's temporary files (several "
            "times the workbook's size): nothing done; free some space or "
            "give another --out\n",
            r->in->out_dir, (double)avail / 1e6, (double)csv / 1e6,
            (double)csv * 1.5 / 1e6);
    return ftk_exit_code(FTK_E_CANTCREAT);
}

/* Everything in r starts zeroed and is released at out: whatever was
 * reached; every release is safe on a zeroed struct. */
static int run(struct inputs *in)
{
    struct run r;
    struct ftk_diag diag;
    memset(&r, 0, sizeof(r));
    r.in = in;
    r.out.cmd = "run";
    r.out.verbosity = in->verbosity;
    r.out.no_books = in->no_books;
    outputs_start(&r.out);
    FILE *rejects_file = NULL, *index_file = NULL;
    int rc;

    enum ftk_error err = config_load(&r.cfg, in->config_path, &diag);
    if (err != FTK_OK) {
        rc = fail(err, &diag);
        goto out;
    }
    store_init(&r.st, &r.cfg);
    if (in->sharded)
        r.st.shard = in->shard;
    /* a shard folder holds the files of a shard, a run's folder those of
     * the set its run.json lists */
    static const char *const shard_files[] = {
        SHARD_MANIFEST_FILE,  SHARD_INPUTS_FILE,        SHARD_CUSTOMERS_FILE,
        SHARD_WORKLOADS_FILE, SHARD_REJECTS_INDEX_FILE, SHARD_REJECTS_FILE,
        SHARD_CONFIG_FILE};
    rc = in->sharded ? outputs_open(&r.pub, "run", in->out_dir, shard_files,
                                    sizeof(shard_files) / sizeof(*shard_files))
                     : outputs_open(&r.pub, "run", in->out_dir, NULL, 0);
    /* a shard folder is a fraction of a run's outputs (docs/sharding.md):
     * the estimate for a run's would refuse shards it has room for */
    if (rc == 0 && !in->sharded)
        rc = check_space(&r);
    if (rc != 0)
        goto out;
    err = publish_create(&r.pub, "rejects.csv", &rejects_file, &diag);
    if (err == FTK_OK && in->sharded)
        err = publish_create(&r.pub, rejects_index_schema.file, &index_file,
                             &diag);
    if (err != FTK_OK) {
        rc = fail(err, &diag);
        goto out;
    }
    rejects_init(&r.rj, rejects_file);
    if (index_file)
        rejects_index(&r.rj, index_file);
    r.stats = calloc(inputs_count(in), sizeof(*r.stats));
    if (!r.stats) {
        rc = ftk_exit_code(FTK_E_NOMEM);
        goto out;
    }
    rc = inputs_ingest(in, "run", &r.st, &r.rj, r.stats);
    if (rc != 0)
        goto out;
    /* a shard's counts are part of the run's: the merge applies the
     * threshold to their sums (docs/sharding.md) */
    if (!in->sharded && inputs_over_threshold("run", &r.cfg, r.stats,
                                              inputs_count(in), &r.rj)) {
        fprintf(stderr, "ftkpi run: nothing published\n");
        rc = ftk_exit_code(FTK_E_REJECTS);
        goto out;
    }
    outputs_stage_done(&r.out, "ingest");

    int32_t month = as_of_month(&r);
    if (month == KPI_NO_DATE) {
        fprintf(stderr, "ftkpi run: no accepted usage snapshot to take the "
                        "as-of month from: give --as-of YYYY-MM\n");
        rc = ftk_exit_code(FTK_E_DATA);
        goto out;
    }
    r.st.progress =
        progress_begin("run", "kpis", PROGRESS_SERIES, r.st.n_series);
    err = facts_build_threads(&r.facts, &r.st, month, report_books_threads(),
                              &diag);
    progress_end(err == FTK_OK);
    r.st.progress = NULL;
    if (err != FTK_OK) {
        rc = fail(err, &diag);
        goto out;
    }
    outputs_stage_done(&r.out, "kpis");
    if (in->sharded) {
        rc = publish_shard(&r);
        goto out;
    }
    err = playbook_init(&r.playbook, &r.facts, &diag);
    if (err != FTK_OK) {
        rc = fail(err, &diag);
        goto out;
    }
    outputs_stage_done(&r.out, "playbook");
    r.out.pub = &r.pub;
    r.out.cfg = &r.cfg;
    r.out.facts = &r.facts;
    r.out.playbook = &r.playbook;
    r.out.rj = &r.rj;
    r.out.stats = r.stats;
    r.out.n_stats = inputs_count(in);
    r.out.out_dir = in->out_dir;
    rc = outputs_publish(&r.out);
    if (rc == 0 && in->verbosity >= 0) {
        char m[8];
        kpi_month_format(month, m);
        if (r.rj.total > 0)
            fprintf(stderr,
                    "ftkpi run: %s published to %s; %llu input row%s "
                    "rejected (within the threshold), see rejects.csv\n",
                    m, in->out_dir, (unsigned long long)r.rj.total,
                    r.rj.total == 1 ? "" : "s");
        else if (in->progress)
            fprintf(stderr, "ftkpi run: %s published to %s\n", m, in->out_dir);
    }
out:
    outputs_release(&r.out);
    playbook_release(&r.playbook);
    facts_release(&r.facts);
    outputs_release_publish(&r.pub);
    free(r.stats);
    store_release(&r.st);
    config_release(&r.cfg);
    return rc;
}

int cmd_run(int argc, char **argv)
{
    struct inputs in;
    memset(&in, 0, sizeof(in));
    int rc = inputs_parse(&in, "run", usage, options, argc, argv);
    if (rc < 0 && !in.out_dir) {
        fputs("ftkpi run: no output folder: give --out DIR\n"
              "try 'ftkpi run --help'\n",
              stderr);
        rc = ftk_exit_code(FTK_E_USAGE);
    }
    if (rc < 0) {
        outputs_catch_signals();
        rc = run(&in);
    }
    inputs_release(&in);
    return rc;
}
