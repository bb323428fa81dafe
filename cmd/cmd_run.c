/*
 * cmd/cmd_run.c - `ftkpi run`: the nightly job. Ingest, KPIs, reports,
 * publish; all or nothing.
 */
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <time.h>
#include <unistd.h>

#include "cmd/commands.h"
#include "cmd/inputs.h"
#include "kpi/date.h"
#include "pipeline/facts.h"
#include "pipeline/manifest.h"
#include "pipeline/publish.h"
#include "pipeline/playbook/playbook.h"
#include "pipeline/report/report_csv.h"
#include "pipeline/report/report_xlsx.h"
#include "pipeline/ingest/source.h"

static const char usage[] =
    "usage: ftkpi run (--customers FILE... --entitlements FILE...\n"
    "                  --usage FILE... | --in DIR) --out DIR\n"
    "                 [--as-of YYYY-MM] [--config FILE] [-q | -v]\n"
    "\n"
    "Computes the adoption KPIs of the as-of month and publishes into DIR:\n"
    "  kpi-YYYY-MM.xlsx       the workbook: summary with charts, customers,\n"
    "                         one sheet per workload, velocity, plateau,\n"
    "                         biggest losers, candidates, next actions,\n"
    "                         exec summaries, data quality, definitions\n"
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
    "write to DIR at once.\n"
    "\n"
    "  --customers FILE     customers extract (repeat for several files)\n"
    "  --entitlements FILE  entitlements extract (repeatable)\n"
    "  --usage FILE         usage extract (repeatable)\n"
    "  --in DIR             take customers*.csv[.gz], entitlements*.csv[.gz]\n"
    "                       and usage*.csv[.gz] from DIR, in name order\n"
    "  --out DIR            the output folder (created when missing)\n"
    "  --as-of YYYY-MM      the month to report; default: the latest month\n"
    "                       with an accepted usage snapshot\n"
    "  --config FILE        configuration overriding the built-in defaults\n"
    "  -q, --quiet          print only errors\n"
    "  -v, --verbose        print counts per file and timings per stage\n"
    "  -h, --help           print this help\n"
    "\n"
    "Exit status: 0 published; 64 bad command line; 65 a malformed file,\n"
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
    {NULL, 0, NULL, 0},
};

#define MAX_OUTPUTS 12

/* The signals that end a run early: the handler removes the staged set
 * (async-signal-safe unlinks only) and exits 128 + the signal's number
 * (docs/running.md, "Signals"). */
static sigset_t stop_signals;

static void on_stop_signal(int sig)
{
    publish_remove_on_signal();
    _exit(128 + sig);
}

static void catch_stop_signals(void)
{
    static const int sigs[] = {SIGTERM, SIGINT, SIGHUP};
    sigemptyset(&stop_signals);
    for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
        sigaddset(&stop_signals, sigs[i]);
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_stop_signal;
    sa.sa_mask = stop_signals; /* one cleanup at a time */
    for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
        struct sigaction old;
        /* a signal the caller ignores (nohup, `cmd &`) stays ignored */
        if (sigaction(sigs[i], NULL, &old) == 0 && old.sa_handler == SIG_IGN)
            continue;
        sigaction(sigs[i], &sa, NULL);
    }
}

struct run {
    struct inputs *in;
    struct config cfg;
    struct store st;
    struct publish pub;
    struct rejects rj;
    struct facts facts;
    struct playbook playbook;
    struct extract_stats *stats;
    struct manifest_timing timing[8];
    size_t n_timings;
    struct manifest_output output[MAX_OUTPUTS];
    size_t n_outputs;
    struct timespec mark;
    char workbook[32]; /* kpi-YYYY-MM.xlsx */
};

static void stage_done(struct run *r, const char *stage)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    double ms = (double)(now.tv_sec - r->mark.tv_sec) * 1e3 +
                (double)(now.tv_nsec - r->mark.tv_nsec) / 1e6;
    r->timing[r->n_timings++] = (struct manifest_timing){stage, ms};
    if (r->in->verbosity > 0)
        fprintf(stderr, "ftkpi run: %s took %.1f ms\n", stage, ms);
    r->mark = now;
}

static int fail(enum ftk_error err, const struct ftk_diag *diag)
{
    fprintf(stderr, "ftkpi run: %s\n", diag->msg);
    return ftk_exit_code(err);
}

/* "NAME in DIR: write failed: REASON" (errno when the writer left one). */
static int write_failed(const struct run *r, const char *name, int errnum)
{
    fprintf(stderr, "ftkpi run: %s in %s: write failed: %s\n", name,
            r->in->out_dir, strerror(errnum ? errnum : EIO));
    return ftk_exit_code(FTK_E_IO);
}

/* A CSV output: written from the facts, or from the playbook. */
struct csv_output {
    const char *name;
    bool (*from_facts)(FILE *, const struct facts *);
    bool (*from_playbook)(FILE *, const struct playbook *);
};

/* Writes one output through the publish and records its digest. */
static int write_output(struct run *r, const struct csv_output *out)
{
    const char *name = out->name;
    struct ftk_diag diag;
    FILE *f;
    enum ftk_error err = publish_create(&r->pub, name, &f, &diag);
    if (err != FTK_OK)
        return fail(err, &diag);
    errno = 0;
    bool written = out->from_facts ? out->from_facts(f, &r->facts)
                                   : out->from_playbook(f, &r->playbook);
    if (!written || fflush(f) != 0)
        return write_failed(r, name, errno);
    struct manifest_output *o = &r->output[r->n_outputs++];
    o->name = name;
    err = source_digest(publish_tmp_path(&r->pub, name), &o->bytes, o->sha256,
                        &diag);
    return err == FTK_OK ? 0 : fail(err, &diag);
}

/* The bytes an unprivileged process may still write where path is. */
static uint64_t free_bytes(const char *path)
{
    struct statvfs sv;
    if (!path || statvfs(path, &sv) != 0)
        return UINT64_MAX;
    return (uint64_t)sv.f_bavail * sv.f_frsize;
}

/* The workbook: libxlsxwriter writes it at the temporary path itself; the
 * FILE* stays with the publish, whose commit syncs and renames whatever
 * file is then at that path. */
static int write_workbook(struct run *r)
{
    struct ftk_diag diag;
    char month[8];
    FILE *f;
    kpi_month_format(r->facts.as_of_month, month);
    snprintf(r->workbook, sizeof(r->workbook), "kpi-%s.xlsx", month);
    enum ftk_error err = publish_create(&r->pub, r->workbook, &f, &diag);
    if (err != FTK_OK)
        return fail(err, &diag);
    struct report_xlsx_input in = {
        .facts = &r->facts,
        .cfg = &r->cfg,
        .stats = r->stats,
        .n_stats = inputs_count(r->in),
        .rejects = &r->rj,
        .playbook = &r->playbook,
        .max_list_rows = r->cfg.max_list_rows,
    };
    const char *tmp = publish_tmp_path(&r->pub, r->workbook);
    err = report_xlsx_write(tmp, &in, &diag);
    if (err == FTK_E_IO || err == FTK_E_CANTCREAT) {
        fprintf(stderr,
                "ftkpi run: %s in %s: %s; the workbook needs temporary "
                "space of several times its size while it is written "
                "(%.0f MB free there now)\n",
                r->workbook, r->in->out_dir, diag.msg,
                (double)free_bytes(publish_stage_path(&r->pub)) / 1e6);
        return ftk_exit_code(err);
    }
    if (err != FTK_OK) {
        fprintf(stderr, "ftkpi run: %s: %s\n", r->workbook, diag.msg);
        return ftk_exit_code(err);
    }
    struct manifest_output *o = &r->output[r->n_outputs++];
    o->name = r->workbook;
    err = source_digest(tmp, &o->bytes, o->sha256, &diag);
    return err == FTK_OK ? 0 : fail(err, &diag);
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

static int publish_all(struct run *r)
{
    struct ftk_diag diag;
    static const struct csv_output csvs[] = {
        {"workload_kpis.csv", report_csv_workload_kpis, NULL},
        {"customer_kpis.csv", report_csv_customer_kpis, NULL},
        {"portfolio.csv", report_csv_portfolio, NULL},
        {"cohort_candidates.csv", report_csv_candidates, NULL},
        {"next_actions.csv", NULL, playbook_csv_next_actions},
        {"exec_summaries.csv", NULL, playbook_csv_exec_summaries},
    };
    for (size_t i = 0; i < sizeof(csvs) / sizeof(csvs[0]); i++) {
        int rc = write_output(r, &csvs[i]);
        if (rc != 0)
            return rc;
    }
    /* rejects.csv has been written as the rows were read */
    FILE *rejects = r->rj.out.f;
    errno = 0;
    if (fflush(rejects) != 0 || csv_writer_error(&r->rj.out))
        return write_failed(r, "rejects.csv", errno);
    struct manifest_output *o = &r->output[r->n_outputs++];
    o->name = "rejects.csv";
    enum ftk_error err = source_digest(publish_tmp_path(&r->pub, o->name),
                                       &o->bytes, o->sha256, &diag);
    if (err != FTK_OK)
        return fail(err, &diag);
    stage_done(r, "write");
    int rc = write_workbook(r);
    if (rc != 0)
        return rc;
    stage_done(r, "workbook");

    FILE *f;
    err = publish_create(&r->pub, "run.json", &f, &diag);
    if (err != FTK_OK)
        return fail(err, &diag);
    struct manifest m = {
        .command = "run",
        .as_of_month = r->facts.as_of_month,
        .latest_snapshot = r->facts.latest_snapshot,
        .cfg = &r->cfg,
        .inputs = r->stats,
        .n_inputs = inputs_count(r->in),
        .timing = r->timing,
        .n_timings = r->n_timings,
        .output = r->output,
        .n_outputs = r->n_outputs,
    };
    errno = 0;
    if (!manifest_write(f, &m))
        return write_failed(r, "run.json", errno);
    /* the switch and the removal of the superseded set are not cut short:
     * a signal waits for them (docs/running.md, "Signals") */
    sigset_t held;
    sigprocmask(SIG_BLOCK, &stop_signals, &held);
    err = publish_commit(&r->pub, &diag);
    sigprocmask(SIG_SETMASK, &held, NULL);
    return err == FTK_OK ? 0 : fail(err, &diag);
}

/* Opens DIR for the new set, refusing one that holds files that are not
 * outputs of the run it holds (a run replaces the whole folder). */
static int open_output(struct run *r)
{
    struct ftk_diag diag;
    /* a signal in the middle of the open would leave a half-made lock
     * folder: held until the handler knows what to remove */
    sigset_t held;
    sigprocmask(SIG_BLOCK, &stop_signals, &held);
    enum ftk_error err = publish_open_set(&r->pub, r->in->out_dir, &diag);
    sigprocmask(SIG_SETMASK, &held, NULL);
    if (err != FTK_OK)
        return fail(err, &diag);
    size_t len = strlen(r->in->out_dir);
    char *path = malloc(len + sizeof("/run.json"));
    if (!path)
        return ftk_exit_code(FTK_E_NOMEM);
    memcpy(path, r->in->out_dir, len);
    memcpy(path + len, "/run.json", sizeof("/run.json"));
    struct manifest_listing prev;
    err = manifest_read_outputs(path, &prev, &diag);
    free(path);
    if (err == FTK_E_NOINPUT) {
        err = FTK_OK; /* a folder never published to */
    } else if (err != FTK_OK) {
        fprintf(stderr,
                "ftkpi run: %s; a run replaces the whole folder and cannot "
                "tell its outputs from other files without it: restore "
                "run.json, or give another --out\n",
                diag.msg);
        return ftk_exit_code(FTK_E_CANTCREAT);
    }
    const char **names = calloc(prev.n + 1, sizeof(*names));
    if (!names) {
        manifest_listing_release(&prev);
        return ftk_exit_code(FTK_E_NOMEM);
    }
    for (size_t i = 0; i < prev.n; i++)
        names[i] = prev.entry[i].name;
    names[prev.n] = "run.json";
    err = publish_check_set(&r->pub, names, prev.n + 1, &diag);
    free(names);
    manifest_listing_release(&prev);
    return err == FTK_OK ? 0 : fail(err, &diag);
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
    uint64_t avail = free_bytes(publish_stage_path(&r->pub));
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
    clock_gettime(CLOCK_MONOTONIC, &r.mark);
    FILE *rejects_file = NULL;
    int rc;

    enum ftk_error err = config_load(&r.cfg, in->config_path, &diag);
    if (err != FTK_OK) {
        rc = fail(err, &diag);
        goto out;
    }
    store_init(&r.st, &r.cfg);
    rc = open_output(&r);
    if (rc == 0)
        rc = check_space(&r);
    if (rc != 0)
        goto out;
    err = publish_create(&r.pub, "rejects.csv", &rejects_file, &diag);
    if (err != FTK_OK) {
        rc = fail(err, &diag);
        goto out;
    }
    rejects_init(&r.rj, rejects_file);
    r.stats = calloc(inputs_count(in), sizeof(*r.stats));
    if (!r.stats) {
        rc = ftk_exit_code(FTK_E_NOMEM);
        goto out;
    }
    rc = inputs_ingest(in, "run", &r.st, &r.rj, r.stats);
    if (rc != 0)
        goto out;
    if (inputs_over_threshold("run", &r.cfg, r.stats, inputs_count(in),
                              &r.rj)) {
        fprintf(stderr, "ftkpi run: nothing published\n");
        rc = ftk_exit_code(FTK_E_REJECTS);
        goto out;
    }
    stage_done(&r, "ingest");

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
    stage_done(&r, "kpis");
    err = playbook_init(&r.playbook, &r.facts, &diag);
    if (err != FTK_OK) {
        rc = fail(err, &diag);
        goto out;
    }
    stage_done(&r, "playbook");
    rc = publish_all(&r);
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
    playbook_release(&r.playbook);
    facts_release(&r.facts);
    {
        /* the handler and the release must not both remove the stage */
        sigset_t held;
        sigprocmask(SIG_BLOCK, &stop_signals, &held);
        publish_release(&r.pub);
        sigprocmask(SIG_SETMASK, &held, NULL);
    }
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
        catch_stop_signals();
        rc = run(&in);
    }
    inputs_release(&in);
    return rc;
}
