/*
 * cmd/inputs.c - input options, --in expansion, ingest and its report.
 */
#include "inputs.h"

#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cmd/progress.h"
#include "kpi/date.h"
#include "pipeline/base/grow.h"
#include "pipeline/base/sort.h"

static const char *const kind_flag[3] = {"--customers", "--entitlements",
                                         "--usage"};

static enum ftk_error add_file(struct inputs *in, int kind, const char *path)
{
    char **grown = grow_array(in->files[kind], &in->cap[kind], in->n[kind] + 1,
                              sizeof(char *));
    if (!grown)
        return FTK_E_NOMEM;
    in->files[kind] = grown;
    size_t len = strlen(path) + 1;
    char *copy = malloc(len);
    if (!copy)
        return FTK_E_NOMEM;
    memcpy(copy, path, len);
    in->files[kind][in->n[kind]++] = copy;
    return FTK_OK;
}

/* --shard I/N or --shard auto (docs/sharding.md). */
static enum ftk_error take_shard(struct inputs *in, const char *cmd,
                                 const char *arg)
{
    in->sharded = true;
    if (strcmp(arg, "auto") != 0) {
        if (shard_parse(arg, &in->shard))
            return FTK_OK;
        fprintf(stderr,
                "ftkpi %s: --shard '%s': expected I/N with 0 <= I < N <= %d, "
                "or auto\n",
                cmd, arg, SHARD_MAX);
        return FTK_E_USAGE;
    }
    const char *which;
    if (shard_from_env(getenv("SLURM_ARRAY_TASK_ID"),
                       getenv("SLURM_ARRAY_TASK_COUNT"),
                       getenv("JOB_COMPLETION_INDEX"), getenv("FTKPI_SHARDS"),
                       &in->shard, &which))
        return FTK_OK;
    if (!*which)
        fprintf(stderr,
                "ftkpi %s: --shard auto: neither SLURM_ARRAY_TASK_ID nor "
                "JOB_COMPLETION_INDEX is set: run it as a Slurm array task or "
                "a Kubernetes indexed job, or give --shard I/N\n",
                cmd);
    else
        fprintf(stderr,
                "ftkpi %s: --shard auto: %s do not give a shard I of N "
                "(0 <= I < N <= %d)\n",
                cmd, which, SHARD_MAX);
    return FTK_E_USAGE;
}

/* An option that takes one value: given twice is a usage error (which
 * folder did the caller mean?), even with the same value twice. */
static enum ftk_error take_once(const char **slot, const char *flag,
                                const char *cmd, const char *arg)
{
    if (*slot) {
        fprintf(stderr,
                "ftkpi %s: %s given twice ('%s' and '%s'): give it once\n"
                "try 'ftkpi %s --help'\n",
                cmd, flag, *slot, arg, cmd);
        return FTK_E_USAGE;
    }
    *slot = arg;
    return FTK_OK;
}

/* Takes one option of the shared set: FTK_OK when taken, FTK_E_USAGE on a
 * usage error (printed), and *taken = false when opt is not one of them. */
static enum ftk_error take_option(struct inputs *in, const char *cmd, int opt,
                                  const char *arg, bool *taken)
{
    *taken = true;
    switch (opt) {
    case OPT_CUSTOMERS:
        return add_file(in, EXTRACT_CUSTOMERS, arg);
    case OPT_ENTITLEMENTS:
        return add_file(in, EXTRACT_ENTITLEMENTS, arg);
    case OPT_USAGE:
        return add_file(in, EXTRACT_USAGE, arg);
    case OPT_IN:
        return take_once(&in->in_dir, "--in", cmd, arg);
    case OPT_CONFIG:
        return take_once(&in->config_path, "--config", cmd, arg);
    case OPT_OUT:
        return take_once(&in->out_dir, "--out", cmd, arg);
    case OPT_AS_OF: {
        if (in->as_of)
            return take_once(&in->as_of, "--as-of", cmd, arg);
        int32_t m;
        if (!kpi_month_parse(arg, strlen(arg), &m)) {
            fprintf(stderr,
                    "ftkpi %s: --as-of '%s': expected a month as YYYY-MM\n",
                    cmd, arg);
            return FTK_E_USAGE;
        }
        in->as_of = arg;
        return FTK_OK;
    }
    case OPT_BOOKS:
        if (strcmp(arg, "fm") != 0 && strcmp(arg, "none") != 0) {
            fprintf(stderr, "ftkpi %s: --books: expected fm or none\n", cmd);
            return FTK_E_USAGE;
        }
        in->no_books = strcmp(arg, "none") == 0;
        return FTK_OK;
    case OPT_SHARD:
        return take_shard(in, cmd, arg);
    case 'q':
    case 'v':
        if (in->verbosity == (opt == 'q' ? 1 : -1)) {
            fprintf(stderr,
                    "ftkpi %s: -q (errors only) and -v (counts and "
                    "timings) contradict each other: give one\n"
                    "try 'ftkpi %s --help'\n",
                    cmd, cmd);
            return FTK_E_USAGE;
        }
        in->verbosity = opt == 'q' ? -1 : 1;
        return FTK_OK;
    default:
        *taken = false;
        return FTK_OK;
    }
}

static int path_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Adds DIR/<kind>*.csv and DIR/<kind>*.csv.gz, sorted by name. */
static enum ftk_error expand_dir(struct inputs *in, const char *cmd, int kind)
{
    const char *name = extract_kind_name((enum extract_kind)kind);
    char pattern[4096];
    glob_t g;
    memset(&g, 0, sizeof(g));
    snprintf(pattern, sizeof(pattern), "%s/%s*.csv", in->in_dir, name);
    int rc = glob(pattern, 0, NULL, &g);
    snprintf(pattern, sizeof(pattern), "%s/%s*.csv.gz", in->in_dir, name);
    if (rc == 0 || rc == GLOB_NOMATCH)
        rc = glob(pattern, g.gl_pathc ? GLOB_APPEND : 0, NULL, &g);
    if (rc != 0 && rc != GLOB_NOMATCH) {
        fprintf(stderr, "ftkpi %s: %s: cannot list the folder\n", cmd,
                in->in_dir);
        globfree(&g);
        return FTK_E_NOINPUT;
    }
    /* Two globs: sort the union so the order never depends on suffixes. */
    sort_array(g.gl_pathv, g.gl_pathc, sizeof(char *), path_cmp);
    for (size_t i = 0; i < g.gl_pathc; i++)
        if (add_file(in, kind, g.gl_pathv[i]) != FTK_OK) {
            globfree(&g);
            return FTK_E_NOMEM;
        }
    globfree(&g);
    return FTK_OK;
}

/* After the options: expands --in, checks that every kind has a file.
 * Returns FTK_OK or the error (printed). */
static enum ftk_error finish(struct inputs *in, const char *cmd)
{
    if (in->in_dir) {
        struct stat sb;
        if (stat(in->in_dir, &sb) != 0 || !S_ISDIR(sb.st_mode)) {
            fprintf(stderr, "ftkpi %s: --in %s: no such folder\n", cmd,
                    in->in_dir);
            return FTK_E_NOINPUT;
        }
        for (int k = 0; k < 3; k++) {
            if (in->n[k] > 0)
                continue; /* an explicit flag wins over the folder */
            enum ftk_error err = expand_dir(in, cmd, k);
            if (err != FTK_OK)
                return err;
            if (in->n[k] == 0) {
                fprintf(stderr,
                        "ftkpi %s: --in %s: no %s*.csv or %s*.csv.gz file "
                        "in the folder\n",
                        cmd, in->in_dir,
                        extract_kind_name((enum extract_kind)k),
                        extract_kind_name((enum extract_kind)k));
                return FTK_E_NOINPUT;
            }
        }
    }
    for (int k = 0; k < 3; k++) {
        if (in->n[k] == 0) {
            fprintf(stderr,
                    "ftkpi %s: no %s input: give %s FILE or --in DIR\n"
                    "try 'ftkpi %s --help'\n",
                    cmd, extract_kind_name((enum extract_kind)k), kind_flag[k],
                    cmd);
            return FTK_E_USAGE;
        }
    }
    in->progress = in->verbosity >= 0 && isatty(STDERR_FILENO);
    progress_enable(in->verbosity >= 0);
    return FTK_OK;
}

int inputs_parse(struct inputs *in, const char *cmd, const char *usage,
                 const struct option *options, int argc, char **argv)
{
    int opt;
    optind = 1;
    while ((opt = getopt_long(argc, argv, "qvh", options, NULL)) != -1) {
        if (opt == 'h') {
            fputs(usage, stdout);
            return 0;
        }
        bool taken;
        enum ftk_error err = take_option(in, cmd, opt, optarg, &taken);
        if (!taken) {
            fprintf(stderr, "try 'ftkpi %s --help'\n", cmd);
            return ftk_exit_code(FTK_E_USAGE);
        }
        if (err != FTK_OK)
            return ftk_exit_code(err);
    }
    if (optind < argc) {
        fprintf(stderr,
                "ftkpi %s: unexpected argument '%s'\n"
                "try 'ftkpi %s --help'\n",
                cmd, argv[optind], cmd);
        return ftk_exit_code(FTK_E_USAGE);
    }
    enum ftk_error err = finish(in, cmd);
    return err == FTK_OK ? -1 : ftk_exit_code(err);
}

void inputs_release(struct inputs *in)
{
    for (int k = 0; k < 3; k++) {
        for (size_t i = 0; i < in->n[k]; i++)
            free(in->files[k][i]);
        free(in->files[k]);
        in->files[k] = NULL;
        in->n[k] = in->cap[k] = 0;
    }
}

size_t inputs_count(const struct inputs *in)
{
    return in->n[0] + in->n[1] + in->n[2];
}

static int ingest_files(const struct inputs *in, const char *cmd,
                        struct store *st, struct rejects *rj,
                        struct extract_stats *stats)
{
    struct ftk_diag diag;
    size_t at = 0;
    for (int k = 0; k < 3; k++) {
        for (size_t i = 0; i < in->n[k]; i++, at++) {
            if (in->progress)
                fprintf(stderr, "ftkpi %s: reading %s\n", cmd, in->files[k][i]);
            rj->input = (uint32_t)at;
            enum ftk_error err =
                extract_file(st, rj, (enum extract_kind)k, in->files[k][i],
                             &stats[at], &diag);
            if (err != FTK_OK) {
                fprintf(stderr, "ftkpi %s: %s\n", cmd, diag.msg);
                return ftk_exit_code(err);
            }
            if (in->verbosity > 0)
                fprintf(stderr,
                        "ftkpi %s: %s: %llu rows read, %llu accepted, %llu "
                        "rejected\n",
                        cmd, in->files[k][i],
                        (unsigned long long)stats[at].read,
                        (unsigned long long)stats[at].accepted,
                        (unsigned long long)stats[at].rejected);
        }
        enum ftk_error err = FTK_OK;
        if (k == EXTRACT_CUSTOMERS)
            err = store_customers_done(st);
        else if (k == EXTRACT_ENTITLEMENTS)
            store_entitlements_done(st);
        else
            store_usage_done(st);
        if (err != FTK_OK) {
            fprintf(stderr, "ftkpi %s: out of memory\n", cmd);
            return ftk_exit_code(err);
        }
    }
    return 0;
}

int inputs_ingest(const struct inputs *in, const char *cmd, struct store *st,
                  struct rejects *rj, struct extract_stats *stats)
{
    /* the progress line counts raw bytes of the files' sizes (a file that
     * cannot be read fails the stage anyway) */
    uint64_t total = 0;
    for (int k = 0; k < 3; k++)
        for (size_t i = 0; i < in->n[k]; i++) {
            struct stat sb;
            if (stat(in->files[k][i], &sb) == 0 && S_ISREG(sb.st_mode))
                total += (uint64_t)sb.st_size;
        }
    st->progress = progress_begin(cmd, "ingest", PROGRESS_BYTES, total);
    int rc = ingest_files(in, cmd, st, rj, stats);
    progress_end(rc == 0);
    st->progress = NULL;
    return rc;
}

void inputs_print_table(FILE *f, const struct extract_stats *stats, size_t n)
{
    size_t w = 4;
    for (size_t i = 0; i < n; i++)
        if (strlen(stats[i].path) > w)
            w = strlen(stats[i].path);
    fprintf(f, "%-*s  %-12s %12s %12s %12s\n", (int)w, "file", "kind", "read",
            "accepted", "rejected");
    for (size_t i = 0; i < n; i++) {
        const struct extract_stats *s = &stats[i];
        fprintf(f, "%-*s  %-12s %12llu %12llu %12llu\n", (int)w, s->path,
                extract_kind_name(s->kind), (unsigned long long)s->read,
                (unsigned long long)s->accepted,
                (unsigned long long)s->rejected);
        for (int r = 0; r < REJECT_COUNT; r++)
            if (s->by_reason[r])
                fprintf(f, "%-*s    %-32s %24llu\n", (int)w, "",
                        reject_code((enum reject_reason)r),
                        (unsigned long long)s->by_reason[r]);
    }
}

bool inputs_over_threshold(const char *cmd, const struct config *cfg,
                           const struct extract_stats *stats, size_t n,
                           const struct rejects *rj)
{
    bool over = false;
    char pct[32];
    kpi_pct_format(cfg->max_reject_pct, pct);
    for (size_t i = 0; i < n; i++) {
        if (!extract_over_threshold(&stats[i], cfg->max_reject_pct))
            continue;
        over = true;
        fprintf(stderr,
                "ftkpi %s: %s: %llu of %llu rows rejected, more than the "
                "%s %% allowed (max_reject_pct)\n",
                cmd, stats[i].path, (unsigned long long)stats[i].rejected,
                (unsigned long long)stats[i].read, pct);
    }
    if (!over)
        return false;
    fprintf(stderr, "ftkpi %s: rejects by reason, with the first examples:\n",
            cmd);
    for (int r = 0; r < REJECT_COUNT; r++) {
        if (!rj->by_reason[r])
            continue;
        fprintf(stderr, "  %s: %llu\n", reject_code((enum reject_reason)r),
                (unsigned long long)rj->by_reason[r]);
        for (int e = 0; e < rj->n_examples[r]; e++)
            fprintf(stderr, "    %s\n", rj->example[r][e]);
    }
    return true;
}
