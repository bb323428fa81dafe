/*
 * cmd/cmd_run.c - `ftkpi run`: the nightly job. Ingest, KPIs, reports,
 * publish; all or nothing.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cmd/commands.h"
#include "cmd/inputs.h"
#include "cmd/outputs.h"
#include "kpi/date.h"
#include "pipeline/facts.h"
#include "pipeline/publish.h"
#include "pipeline/playbook/playbook.h"
#include "pipeline/shard/shard_dir.h"

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
    "Every file appears complete or not at all: a failed run leaves the\n"
    "previous outputs untouched. Two runs never write to DIR at once.\n"
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
    "  -q, --quiet          print only errors\n"
    "  -v, --verbose        print counts per file and timings per stage\n"
    "  -h, --help           print this help\n"
    "\n"
    "Exit status: 0 published; 64 bad command line (also --shard auto\n"
    "outside an array job); 65 a malformed file,\n"
    "rejects over the threshold (max_reject_pct), or no usage and no\n"
    "--as-of; 66 an input is missing; 73 cannot create the output; 74 I/O\n"
    "error; 75 another run holds DIR's lock (try later); 78 bad\n"
    "configuration.\n";

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
    if (fflush(r->rj.out.f) != 0 || csv_writer_error(&r->rj.out) ||
        fflush(r->rj.index.f) != 0 || csv_writer_error(&r->rj.index)) {
        fprintf(stderr, "ftkpi run: rejects.csv: write failed\n");
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
        err = publish_commit(&r->pub, &diag);
    if (err != FTK_OK)
        return fail(err, &diag);
    if (r->in->verbosity >= 0 && r->in->progress)
        fprintf(stderr, "ftkpi run: shard %u/%u written to %s\n",
                (unsigned)r->in->shard.index, (unsigned)r->in->shard.count,
                r->in->out_dir);
    return 0;
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
    err = publish_open(&r.pub, in->out_dir, &diag);
    if (err == FTK_OK)
        publish_prune_books(&r.pub);
    if (err == FTK_OK)
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
    err = facts_build(&r.facts, &r.st, month, &diag);
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
    rc = outputs_publish(&r.out);
    if (rc == 0 && in->verbosity >= 0) {
        char m[8];
        kpi_month_format(month, m);
        if (r.rj.total > 0)
            fprintf(stderr,
                    "ftkpi run: %s published to %s; %llu input rows "
                    "rejected (within the threshold), see rejects.csv\n",
                    m, in->out_dir, (unsigned long long)r.rj.total);
        else if (in->progress)
            fprintf(stderr, "ftkpi run: %s published to %s\n", m, in->out_dir);
    }
out:
    outputs_release(&r.out);
    playbook_release(&r.playbook);
    facts_release(&r.facts);
    publish_release(&r.pub);
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
    if (rc < 0)
        rc = run(&in);
    inputs_release(&in);
    return rc;
}
