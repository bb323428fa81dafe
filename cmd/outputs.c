/*
 * cmd/outputs.c - every output of a run, written and published (outputs.h).
 */
#include "cmd/outputs.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "cmd/progress.h"
#include "cmd/terminal.h"
#include "kpi/date.h"
#include "pipeline/base/grow.h"
#include "pipeline/ingest/source.h"
#include "pipeline/report/report_books.h"
#include "pipeline/report/report_csv.h"
#include "pipeline/report/report_xlsx.h"

/* The signals that end a run early (outputs_catch_signals). */
static sigset_t stop_signals;

static void on_stop_signal(int sig)
{
    publish_remove_on_signal();
    terminal_line_clear_on_signal();
    _exit(128 + sig);
}

void outputs_catch_signals(void)
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

int outputs_open(struct publish *pub, const char *cmd, const char *dir,
                 const char *const *known, size_t n_known)
{
    struct ftk_diag diag;
    /* a signal in the middle of the open would leave a half-made lock
     * folder: held until the handler knows what to remove */
    sigset_t held;
    sigprocmask(SIG_BLOCK, &stop_signals, &held);
    enum ftk_error err = publish_open_set(pub, dir, &diag);
    sigprocmask(SIG_SETMASK, &held, NULL);
    if (err != FTK_OK) {
        fprintf(stderr, "ftkpi %s: %s\n", cmd, diag.msg);
        return ftk_exit_code(err);
    }
    size_t len = strlen(dir);
    char *path = malloc(len + sizeof("/run.json"));
    if (!path)
        return ftk_exit_code(FTK_E_NOMEM);
    memcpy(path, dir, len);
    memcpy(path + len, "/run.json", sizeof("/run.json"));
    struct manifest_listing prev;
    err = manifest_read_outputs(path, &prev, &diag);
    free(path);
    if (err == FTK_E_NOINPUT) {
        err = FTK_OK; /* a folder never published to */
    } else if (err != FTK_OK) {
        fprintf(stderr,
                "ftkpi %s: %s; a run replaces the whole folder and cannot "
                "tell its outputs from other files without it: restore "
                "run.json, or give another --out\n",
                cmd, diag.msg);
        return ftk_exit_code(FTK_E_CANTCREAT);
    }
    const char **names = calloc(prev.n + 1 + n_known, sizeof(*names));
    if (!names) {
        manifest_listing_release(&prev);
        return ftk_exit_code(FTK_E_NOMEM);
    }
    for (size_t i = 0; i < prev.n; i++)
        names[i] = prev.entry[i].name;
    names[prev.n] = "run.json";
    for (size_t i = 0; i < n_known; i++)
        names[prev.n + 1 + i] = known[i];
    err = publish_check_set(pub, names, prev.n + 1 + n_known, &diag);
    free(names);
    manifest_listing_release(&prev);
    if (err != FTK_OK) {
        fprintf(stderr, "ftkpi %s: %s\n", cmd, diag.msg);
        return ftk_exit_code(err);
    }
    return 0;
}

enum ftk_error outputs_commit(struct publish *pub, struct ftk_diag *diag)
{
    sigset_t held;
    sigprocmask(SIG_BLOCK, &stop_signals, &held);
    enum ftk_error err = publish_commit(pub, diag);
    sigprocmask(SIG_SETMASK, &held, NULL);
    return err;
}

void outputs_release_publish(struct publish *pub)
{
    sigset_t held;
    sigprocmask(SIG_BLOCK, &stop_signals, &held);
    publish_release(pub);
    sigprocmask(SIG_SETMASK, &held, NULL);
}

uint64_t outputs_free_bytes(const char *path)
{
    struct statvfs sv;
    if (!path || statvfs(path, &sv) != 0)
        return UINT64_MAX;
    return (uint64_t)sv.f_bavail * sv.f_frsize;
}

/* "NAME in DIR: write failed: REASON" (errno when the writer left one). */
static int write_failed(const struct outputs *o, const char *name, int errnum)
{
    fprintf(stderr, "ftkpi %s: %s in %s: write failed: %s\n", o->cmd, name,
            o->out_dir, strerror(errnum ? errnum : EIO));
    return ftk_exit_code(FTK_E_IO);
}

void outputs_start(struct outputs *o)
{
    clock_gettime(CLOCK_MONOTONIC, &o->mark);
}

void outputs_stage_done(struct outputs *o, const char *stage)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    double ms = (double)(now.tv_sec - o->mark.tv_sec) * 1e3 +
                (double)(now.tv_nsec - o->mark.tv_nsec) / 1e6;
    if (o->n_timings < OUTPUTS_MAX_TIMINGS)
        o->timing[o->n_timings++] = (struct manifest_timing){stage, ms};
    if (o->verbosity > 0)
        fprintf(stderr, "ftkpi %s: %s took %.1f ms\n", o->cmd, stage, ms);
    o->mark = now;
}

static int fail(const struct outputs *o, enum ftk_error err,
                const struct ftk_diag *diag)
{
    fprintf(stderr, "ftkpi %s: %s\n", o->cmd, diag->msg);
    return ftk_exit_code(err);
}

/* The next entry of run.json's outputs; NULL when out of memory. */
static struct manifest_output *add_output(struct outputs *o, const char *name)
{
    struct manifest_output *m =
        grow_array(o->output, &o->cap_outputs, o->n_outputs + 1, sizeof(*m));
    if (!m)
        return NULL;
    o->output = m;
    m = &o->output[o->n_outputs++];
    memset(m, 0, sizeof(*m));
    m->name = name;
    return m;
}

/* Records the digest of output name, written at its temporary path. */
static int record_output(struct outputs *o, const char *name)
{
    struct ftk_diag diag;
    struct manifest_output *m = add_output(o, name);
    if (!m)
        return ftk_exit_code(FTK_E_NOMEM);
    enum ftk_error err = source_digest(publish_tmp_path(o->pub, name),
                                       &m->bytes, m->sha256, &diag);
    return err == FTK_OK ? 0 : fail(o, err, &diag);
}

/* A CSV output: written from the facts, or from the playbook. */
struct csv_output {
    const char *name;
    bool (*from_facts)(FILE *, const struct facts *);
    bool (*from_playbook)(FILE *, const struct playbook *);
};

/* A CSV output written by the books' pool, beside the workbooks: its file
 * created beforehand (the publish is not shared between threads), then
 * written, flushed and digested by whichever thread takes it. */
struct csv_job {
    const struct outputs *o;
    const struct csv_output *out;
    FILE *f;
    int errnum;        /* a write that failed: its errno */
    bool write_failed; /* else a failed digest: the job's diag */
    struct manifest_output result;
};

static enum ftk_error csv_job_run(void *arg, struct ftk_diag *diag)
{
    struct csv_job *j = arg;
    const struct outputs *o = j->o;
    errno = 0;
    bool written = j->out->from_facts
                       ? j->out->from_facts(j->f, o->facts)
                       : j->out->from_playbook(j->f, o->playbook);
    if (!written || fflush(j->f) != 0) {
        j->errnum = errno;
        j->write_failed = true;
        return FTK_E_IO;
    }
    j->result.name = j->out->name;
    return source_digest(publish_tmp_path(o->pub, j->out->name),
                         &j->result.bytes, j->result.sha256, diag);
}

/* The workbooks: the portfolio workbook and, unless --books none, a book
 * per FM, written in parallel (report_books.h) with the n_jobs CSV
 * outputs; with books false (an output could not be created), the CSV
 * outputs alone. libxlsxwriter writes each book at its temporary path
 * itself; the publish's commit syncs and renames whatever file is then at
 * that path. Errors are reported in the order of the outputs, as if each
 * were written in turn: the CSV outputs, then the one that could not be
 * created (create_err), rejects.csv, then the workbooks. run.json lists
 * the CSV outputs, rejects.csv, the portfolio workbook, then the FM books
 * in the By FM sheet's order. */
static int write_books_and(struct outputs *o, struct report_job *job,
                           struct csv_job *cj, size_t n_jobs,
                           enum ftk_error create_err,
                           const struct ftk_diag *create_diag)
{
    struct ftk_diag diag, books_diag;
    char month[8];
    kpi_month_format(o->facts->as_of_month, month);
    snprintf(o->workbook, sizeof(o->workbook), "kpi-%s.xlsx", month);
    /* planned and reserved only when every CSV output was created */
    enum ftk_error books_err = create_err;
    if (books_err == FTK_OK && !o->no_books)
        books_err = fm_books_plan(&o->books, o->facts, &books_diag);
    size_t n = 1 + o->books.n;
    struct report_book *book = calloc(n, sizeof(*book));
    if (!book)
        return ftk_exit_code(FTK_E_NOMEM);
    if (books_err == FTK_OK)
        books_err = publish_reserve(o->pub, o->workbook, &books_diag);
    for (size_t i = 0; i < o->books.n && books_err == FTK_OK; i++)
        books_err = publish_reserve(o->pub, o->books.book[i].file, &books_diag);
    if (books_err == FTK_OK) {
        book[0].path = publish_tmp_path(o->pub, o->workbook);
        for (size_t i = 0; i < o->books.n; i++) {
            const struct fm_book *b = &o->books.book[i];
            book[1 + i] = (struct report_book){
                .path = publish_tmp_path(o->pub, b->file),
                .customers = b->customer,
                .n_customers = b->n_customers,
                .fm = b->fm,
                .size = b->n_rows,
            };
        }
    }
    outputs_stage_done(o, "write");
    struct report_xlsx_input in = {
        .kind = REPORT_XLSX_PORTFOLIO,
        .facts = o->facts,
        .cfg = o->cfg,
        .stats = o->stats,
        .n_stats = o->n_stats,
        .rejects = o->rj,
        .playbook = o->playbook,
        .max_list_rows = o->cfg->max_list_rows,
    };
    uint64_t rows = 0;
    if (books_err == FTK_OK) {
        rows = o->facts->n_rows;
        for (size_t i = 0; i < o->books.n; i++)
            rows += o->books.book[i].n_rows;
    }
    in.progress = progress_begin(o->cmd, "books", PROGRESS_BOOKS, 2 * rows);
    enum ftk_error err =
        report_books_write_with(job, n_jobs, book, books_err == FTK_OK ? n : 0,
                                &in, report_books_threads(), &diag);
    progress_end(err == FTK_OK);
    int rc = 0;
    /* the CSV outputs, in order */
    for (size_t i = 0; i < n_jobs && rc == 0; i++) {
        if (job[i].err == FTK_OK) {
            struct manifest_output *m = add_output(o, cj[i].out->name);
            if (!m)
                rc = ftk_exit_code(FTK_E_NOMEM);
            else
                *m = cj[i].result;
        } else if (cj[i].write_failed) {
            rc = write_failed(o, cj[i].out->name, cj[i].errnum);
        } else {
            rc = fail(o, job[i].err, &job[i].diag);
        }
    }
    if (rc == 0 && create_err != FTK_OK)
        rc = fail(o, create_err, create_diag);
    if (rc == 0) {
        /* rejects.csv has been written as the rows were read (or merged) */
        FILE *rejects = o->rj->out.f;
        errno = 0;
        if (fflush(rejects) != 0 || csv_writer_error(&o->rj->out))
            rc = write_failed(o, "rejects.csv", errno);
        else
            rc = record_output(o, "rejects.csv");
    }
    if (rc == 0 && books_err != FTK_OK)
        rc = fail(o, books_err, &books_diag);
    if (rc == 0 && err != FTK_OK) {
        size_t i = 0;
        while (i + 1 < n && book[i].err == FTK_OK)
            i++;
        const char *name = i == 0 ? o->workbook : o->books.book[i - 1].file;
        if (err == FTK_E_IO || err == FTK_E_CANTCREAT)
            fprintf(stderr,
                    "ftkpi %s: %s in %s: %s; the workbook needs temporary "
                    "space of several times its size while it is written "
                    "(%.0f MB free there now)\n",
                    o->cmd, name, o->out_dir, diag.msg,
                    (double)outputs_free_bytes(publish_stage_path(o->pub)) /
                        1e6);
        else
            fprintf(stderr, "ftkpi %s: %s: %s\n", o->cmd, name, diag.msg);
        rc = ftk_exit_code(err);
    }
    free(book);
    if (rc == 0)
        rc = record_output(o, o->workbook);
    for (size_t i = 0; i < o->books.n && rc == 0; i++)
        rc = record_output(o, o->books.book[i].file);
    return rc;
}

int outputs_publish(struct outputs *o)
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
#define N_CSVS (sizeof(csvs) / sizeof(csvs[0]))
    struct csv_job cj[N_CSVS];
    struct report_job job[N_CSVS];
    size_t n_jobs = 0;
    enum ftk_error err = FTK_OK;
    struct ftk_diag create_diag;
    for (size_t i = 0; i < N_CSVS && err == FTK_OK; i++) {
        FILE *f;
        err = publish_create(o->pub, csvs[i].name, &f, &create_diag);
        if (err != FTK_OK)
            break;
        cj[n_jobs] = (struct csv_job){.o = o, .out = &csvs[i], .f = f};
        job[n_jobs] =
            (struct report_job){.run = csv_job_run, .arg = &cj[n_jobs]};
        n_jobs++;
    }
#undef N_CSVS
    int rc = write_books_and(o, job, cj, n_jobs, err, &create_diag);
    if (rc != 0)
        return rc;
    outputs_stage_done(o, "workbook");

    FILE *f;
    err = publish_create(o->pub, "run.json", &f, &diag);
    if (err != FTK_OK)
        return fail(o, err, &diag);
    struct manifest m = {
        .command = o->cmd,
        .shards = o->shards,
        .as_of_month = o->facts->as_of_month,
        .latest_snapshot = o->facts->latest_snapshot,
        .cfg = o->cfg,
        .inputs = o->stats,
        .n_inputs = o->n_stats,
        .timing = o->timing,
        .n_timings = o->n_timings,
        .output = o->output,
        .n_outputs = o->n_outputs,
    };
    errno = 0;
    if (!manifest_write(f, &m))
        return write_failed(o, "run.json", errno);
    err = outputs_commit(o->pub, &diag);
    return err == FTK_OK ? 0 : fail(o, err, &diag);
}

void outputs_release(struct outputs *o)
{
    fm_books_release(&o->books);
    free(o->output);
    o->output = NULL;
    o->n_outputs = o->cap_outputs = 0;
}
