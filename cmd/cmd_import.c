/*
 * cmd/cmd_import.c - `ftkpi import m365`: Microsoft 365 usage reports, one
 * folder per tenant, into the usage and entitlements extracts
 * (docs/import.md); all or nothing.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cmd/commands.h"
#include "cmd/progress.h"
#include "kpi/date.h"
#include "pipeline/config.h"
#include "pipeline/import/m365_extracts.h"
#include "pipeline/import/m365_reader.h"
#include "pipeline/import/m365_scan.h"
#include "pipeline/import/m365_tally.h"
#include "pipeline/publish.h"

static const char usage[] =
    "usage: ftkpi import m365 --reports DIR --out DIR [--config FILE]\n"
    "                         [-q | -v]\n"
    "\n"
    "Turns Microsoft 365 usage reports, downloaded per tenant from the admin\n"
    "center or Microsoft Graph, into the usage and entitlements extracts\n"
    "`ftkpi run` reads. --reports DIR holds one folder per tenant, named by\n"
    "its tenant_id, with the report CSVs as downloaded (any file name, gzip\n"
    "allowed). A report is recognised by its header:\n"
    "  Office 365 active user detail (getOffice365ActiveUserDetail): per\n"
    "    workload EXO, OD, SPO, YAM, TEAMS on the refresh date d, QE = users\n"
    "    not deleted with the licence, AE = those active in d-27 ... d\n"
    "  Office 365 services user counts (getOffice365ServicesUserCounts):\n"
    "    AE = Active, QE = Active + Inactive, for a tenant and date with no\n"
    "    detail report; the period is kept in the notes (period D30)\n"
    "Other reports are named and skipped. Into DIR (--out) go, for each\n"
    "refresh date d found:\n"
    "  usage-m365-d.csv         tenant_id, workload, date, active_users\n"
    "  entitlements-m365-d.csv  tenant_id, workload, as_of,\n"
    "                           qualified_entitlements, ..., notes\n"
    "  rejects.csv              every rejected report row and why\n"
    "all complete or none at all; files of other dates stay, so monthly\n"
    "imports accumulate beside the customers extract.\n"
    "\n"
    "  m365                 the kind of reports (the only one so far)\n"
    "  --reports DIR        the folder of tenant folders\n"
    "  --out DIR            the output folder (created when missing)\n"
    "  --config FILE        configuration overriding the built-in defaults\n"
    "                       (the reject threshold, max_reject_pct)\n"
    "  -q, --quiet          print only errors (no progress line)\n"
    "  -v, --verbose        also print each report's kind and counts\n"
    "  -h, --help           print this help\n"
    "\n"
    "Example:\n"
    "  ftkpi import m365 --reports downloads/2026-03 --out extracts\n"
    "  ftkpi run --in extracts --out out\n"
    "(extracts/ also holds customers.csv; docs/import.md walks through it.)\n"
    "\n"
    "Exit status: 0 published; 64 bad command line; 65 a malformed report,\n"
    "a tenant folder not named by a valid tenant_id, two reports of one\n"
    "kind for a tenant and date, rejects over the threshold, or nothing to\n"
    "import; 66 --reports missing or without tenant folders; 73 cannot\n"
    "create the output; 74 I/O error; 75 another run holds DIR's lock;\n"
    "78 bad configuration.\n";

enum { OPT_REPORTS = 1000, OPT_OUT, OPT_CONFIG };

static const struct option options[] = {
    {"reports", required_argument, NULL, OPT_REPORTS},
    {"out", required_argument, NULL, OPT_OUT},
    {"config", required_argument, NULL, OPT_CONFIG},
    {"quiet", no_argument, NULL, 'q'},
    {"verbose", no_argument, NULL, 'v'},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};

struct import {
    const char *reports_dir;
    const char *out_dir;
    const char *config_path;
    int verbosity; /* -1 quiet, 0 normal, 1 verbose */
    struct config cfg;
    struct m365_scan scan;
    struct m365_tally tally;
    struct m365_file *file; /* one per scanned file */
    struct publish pub;
    struct rejects rj;
};

static int fail(enum ftk_error err, const struct ftk_diag *diag)
{
    fprintf(stderr, "ftkpi import: %s\n", diag->msg);
    return ftk_exit_code(err);
}

/* rejected * 100 > max_reject_pct * read, as `ftkpi run` (docs/inputs.md) */
static bool over_threshold(const struct m365_file *f, kpi_pct pct)
{
    return (kpi_i128)f->rejected * 100 * KPI_PCT_SCALE >
           (kpi_i128)pct * (kpi_i128)f->read;
}

/* Prints the files over the threshold with the rejects by reason and
 * their first examples; true when any is. */
static bool report_threshold(const struct import *im)
{
    bool over = false;
    char pct[32];
    kpi_pct_format(im->cfg.max_reject_pct, pct);
    for (size_t i = 0; i < im->scan.n_files; i++) {
        const struct m365_file *f = &im->file[i];
        if (!over_threshold(f, im->cfg.max_reject_pct))
            continue;
        over = true;
        fprintf(stderr,
                "ftkpi import: %s: %llu of %llu rows rejected, more than "
                "the %s %% allowed (max_reject_pct)\n",
                f->path, (unsigned long long)f->rejected,
                (unsigned long long)f->read, pct);
    }
    if (!over)
        return false;
    fprintf(stderr,
            "ftkpi import: rejects by reason, with the first examples:\n");
    for (int r = 0; r < REJECT_COUNT; r++) {
        if (!im->rj.by_reason[r])
            continue;
        fprintf(stderr, "  %s: %llu\n", reject_code((enum reject_reason)r),
                (unsigned long long)im->rj.by_reason[r]);
        for (int e = 0; e < im->rj.n_examples[r]; e++)
            fprintf(stderr, "    %s\n", im->rj.example[r][e]);
    }
    return true;
}

static void print_file(const struct m365_file *f)
{
    char day[11] = "-";
    if (f->refresh_date != KPI_NO_DATE)
        kpi_date_format(f->refresh_date, day);
    fprintf(stderr,
            "ftkpi import: %s: %s, refresh date %s, %llu rows read, %llu "
            "accepted, %llu rejected\n",
            f->path, m365_kind_name(f->kind), day, (unsigned long long)f->read,
            (unsigned long long)f->accepted, (unsigned long long)f->rejected);
}

/* A file's size in bytes; 0 when it cannot be looked at (reading it
 * fails anyway). */
static uint64_t file_size(const char *path)
{
    struct stat sb;
    return stat(path, &sb) == 0 ? (uint64_t)sb.st_size : 0;
}

static int read_reports(struct import *im)
{
    struct ftk_diag diag;
    bool progress = im->verbosity >= 0 && isatty(STDERR_FILENO);
    /* the progress line: the reports' bytes, a file at a time */
    uint64_t total = 0;
    for (size_t i = 0; i < im->scan.n_files; i++)
        total += file_size(im->scan.file[i].path);
    struct progress *line =
        progress_begin("import", "reports", PROGRESS_BYTES, total);
    int rc = 0;
    for (size_t i = 0; i < im->scan.n_files && rc == 0; i++) {
        const struct m365_scan_file *sf = &im->scan.file[i];
        struct m365_file *f = &im->file[i];
        if (progress && im->verbosity == 0)
            fprintf(stderr, "ftkpi import: reading %s\n", sf->path);
        enum ftk_error err = m365_reader_read(sf->path, &im->rj, f, &diag);
        if (err == FTK_OK)
            err = m365_tally_add(&im->tally, sf->tenant, f, &diag);
        if (err != FTK_OK) {
            rc = fail(err, &diag);
            break;
        }
        progress_add(line, file_size(sf->path));
        if (im->verbosity > 0 && f->kind != M365_UNKNOWN)
            print_file(f);
        if (f->kind == M365_UNKNOWN && im->verbosity >= 0)
            fprintf(stderr,
                    "ftkpi import: warning: %s: not an active user detail "
                    "or services user counts report (header %s), "
                    "skipped\n",
                    f->path, f->header);
    }
    progress_end(rc == 0);
    return rc;
}

/* The extracts of every refresh date, then the commit. */
static int publish_extracts(struct import *im)
{
    struct ftk_diag diag;
    /* a publish takes any number of files */
    for (size_t i = 0, end; i < im->tally.n_entries; i = end) {
        end = m365_tally_date_end(&im->tally, i);
        const struct m365_entry *e = &im->tally.entry[i];
        char names[2][40];
        m365_extracts_usage_name(e->date, names[0]);
        m365_extracts_entitlements_name(e->date, names[1]);
        for (int k = 0; k < 2; k++) {
            FILE *f;
            enum ftk_error err = publish_create(&im->pub, names[k], &f, &diag);
            if (err != FTK_OK)
                return fail(err, &diag);
            bool written =
                k == 0 ? m365_extracts_write_usage(f, e, end - i)
                       : m365_extracts_write_entitlements(f, e, end - i);
            if (!written || fflush(f) != 0) {
                fprintf(stderr, "ftkpi import: %s: write failed\n", names[k]);
                return ftk_exit_code(FTK_E_IO);
            }
        }
    }
    if (fflush(im->rj.out.f) != 0 || csv_writer_error(&im->rj.out)) {
        fprintf(stderr, "ftkpi import: rejects.csv: write failed\n");
        return ftk_exit_code(FTK_E_IO);
    }
    enum ftk_error err = publish_commit(&im->pub, &diag);
    if (err != FTK_OK)
        return fail(err, &diag);
    if (im->verbosity >= 0)
        for (size_t i = 0, end; i < im->tally.n_entries; i = end) {
            end = m365_tally_date_end(&im->tally, i);
            char names[2][40];
            size_t tenants = 0;
            for (size_t j = i; j < end; j++)
                tenants += j == i || strcmp(im->tally.entry[j].tenant,
                                            im->tally.entry[j - 1].tenant);
            m365_extracts_usage_name(im->tally.entry[i].date, names[0]);
            m365_extracts_entitlements_name(im->tally.entry[i].date, names[1]);
            printf("wrote %s/%s and %s/%s (%zu tenant%s)\n", im->out_dir,
                   names[0], im->out_dir, names[1], tenants,
                   tenants == 1 ? "" : "s");
        }
    return 0;
}

/* Everything starts zeroed and is released at out: whatever was reached;
 * every release is safe on a zeroed struct. */
static int import(struct import *im)
{
    struct ftk_diag diag;
    FILE *rejects_file = NULL;
    int rc;
    enum ftk_error err = config_load(&im->cfg, im->config_path, &diag);
    if (err != FTK_OK) {
        rc = fail(err, &diag);
        goto out;
    }
    err = m365_scan_dir(&im->scan, im->reports_dir, &diag);
    if (err != FTK_OK) {
        rc = fail(err, &diag);
        goto out;
    }
    if (im->verbosity >= 0)
        for (size_t i = 0; i < im->scan.n_warnings; i++)
            fprintf(stderr, "ftkpi import: warning: %s\n", im->scan.warning[i]);
    im->file =
        calloc(im->scan.n_files ? im->scan.n_files : 1, sizeof(*im->file));
    if (!im->file) {
        rc = ftk_exit_code(FTK_E_NOMEM);
        goto out;
    }
    err = publish_open(&im->pub, im->out_dir, &diag);
    if (err == FTK_OK)
        err = publish_create(&im->pub, "rejects.csv", &rejects_file, &diag);
    if (err != FTK_OK) {
        rc = fail(err, &diag);
        goto out;
    }
    rejects_init(&im->rj, rejects_file);
    rc = read_reports(im);
    if (rc != 0)
        goto out;
    if (report_threshold(im)) {
        fprintf(stderr, "ftkpi import: nothing published\n");
        rc = ftk_exit_code(FTK_E_REJECTS);
        goto out;
    }
    m365_tally_finish(&im->tally);
    if (im->tally.n_entries == 0) {
        fprintf(stderr,
                "ftkpi import: nothing to import: no active user detail or "
                "services user counts report with an accepted row under "
                "%s; nothing published\n",
                im->reports_dir);
        rc = ftk_exit_code(FTK_E_DATA);
        goto out;
    }
    rc = publish_extracts(im);
    if (rc == 0 && im->rj.total > 0 && im->verbosity >= 0)
        fprintf(stderr,
                "ftkpi import: %llu report rows rejected (within the "
                "threshold), see %s/rejects.csv\n",
                (unsigned long long)im->rj.total, im->out_dir);
out:
    publish_release(&im->pub);
    m365_tally_release(&im->tally);
    free(im->file);
    m365_scan_release(&im->scan);
    config_release(&im->cfg);
    return rc;
}

static int usage_error(const char *what, const char *arg)
{
    fprintf(stderr, "ftkpi import: %s%s%s\ntry 'ftkpi import --help'\n", what,
            arg ? arg : "", arg ? "'" : "");
    return ftk_exit_code(FTK_E_USAGE);
}

int cmd_import(int argc, char **argv)
{
    struct import im;
    memset(&im, 0, sizeof(im));
    /* the kind comes first: `ftkpi import m365 ...`; --help alone too */
    if (argc >= 2 &&
        (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
        fputs(usage, stdout);
        return 0;
    }
    if (argc < 2 || argv[1][0] == '-')
        return usage_error("no kind of reports: expected 'ftkpi import "
                           "m365 ...'",
                           NULL);
    if (strcmp(argv[1], "m365") != 0)
        return usage_error("expected 'ftkpi import m365 ...'; unknown kind "
                           "of reports '",
                           argv[1]);
    argv[1] = argv[0]; /* getopt names argv[0] in its messages */
    argc--;
    argv++;
    int opt;
    optind = 1;
    while ((opt = getopt_long(argc, argv, "qvh", options, NULL)) != -1) {
        switch (opt) {
        case 'h':
            fputs(usage, stdout);
            return 0;
        case OPT_REPORTS:
            im.reports_dir = optarg;
            break;
        case OPT_OUT:
            im.out_dir = optarg;
            break;
        case OPT_CONFIG:
            im.config_path = optarg;
            break;
        case 'q':
            im.verbosity = -1;
            break;
        case 'v':
            im.verbosity = 1;
            break;
        default:
            fputs("try 'ftkpi import --help'\n", stderr);
            return ftk_exit_code(FTK_E_USAGE);
        }
    }
    if (optind < argc)
        return usage_error("unexpected argument '", argv[optind]);
    if (!im.reports_dir)
        return usage_error("no reports folder: give --reports DIR", NULL);
    if (!im.out_dir)
        return usage_error("no output folder: give --out DIR", NULL);
    progress_enable(im.verbosity >= 0);
    return import(&im);
}
