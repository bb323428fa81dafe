/*
 * cmd/cmd_cohort.c - `ftkpi cohort pick|freeze|change|show|review`: the
 * regional leads' monthly review cohorts (docs/cohorts.md). The logic is
 * in pipeline/cohort/; this file parses options, reads the clock (only
 * when --today is not given), prints and picks the exit code.
 */
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "cmd/commands.h"
#include "kpi/date.h"
#include "pipeline/cohort/review.h"
#include "pipeline/cohort/rules.h"
#include "pipeline/cohort/view.h"
#include "pipeline/config.h"
#include "pipeline/publish.h"
#include "pipeline/report/tables.h"

static const char usage[] =
    "usage: ftkpi cohort COMMAND [ARGS]\n"
    "\n"
    "The monthly review cohorts of the regional leads: each region reviews\n"
    "a hand-picked list of candidate customers, fixed for the month; a\n"
    "change to it is recorded with a reason and takes effect 3 days later\n"
    "at the soonest. The commands read the outputs of 'ftkpi run' and keep\n"
    "the cohorts in a state folder (--state DIR) as plain CSV files.\n"
    "\n"
    "Commands, in the order of a month:\n"
    "  pick     write each region's picking sheet from a run's candidates\n"
    "  freeze   make the month's cohort from the filled-in sheets (or the\n"
    "           top N per region by users to goal)\n"
    "  change   add or remove a customer, with a reason and 3 days' notice\n"
    "  show     the cohort as it stands on a date, with pending changes\n"
    "  review   a region's weekly review sheet: KPIs at freeze and now\n"
    "\n"
    "Run 'ftkpi cohort COMMAND --help' for a command's options.\n"
    "Documentation: docs/cohorts.md.\n";

static const char pick_usage[] =
    "usage: ftkpi cohort pick --run DIR --out DIR [--month YYYY-MM]\n"
    "                         [--region REGION]... [-q]\n"
    "\n"
    "Writes a picking sheet per region, OUT/picks-YYYY-MM-REGION.csv, from\n"
    "the candidates of the run published in --run: one row per candidate\n"
    "customer, largest users to goal first, with its focus areas, the\n"
    "figures behind them, its health and core AU, and an empty 'pick'\n"
    "column. The sheet is UTF-8 CSV with a BOM so that Excel reads it.\n"
    "\n"
    "The lead puts x in the pick column of each customer to review (also\n"
    "accepted: yes, y, 1, true; any case), saves the file as CSV (in Excel:\n"
    "\"CSV UTF-8 (Comma delimited)\") and hands it to 'ftkpi cohort freeze\n"
    "--picks'. Rows may be deleted; other columns are not read.\n"
    "\n"
    "  --run DIR        the output folder of 'ftkpi run'\n"
    "  --out DIR        where to write the sheets (created when missing)\n"
    "  --month YYYY-MM  the cohort's month; default: the month after the\n"
    "                   run's as-of month\n"
    "  --region REGION  only this region (repeatable); default: every\n"
    "                   region with a candidate\n"
    "  -q, --quiet      print only errors\n"
    "  -h, --help       print this help\n"
    "\n"
    "Exit status: 0 written; 64 bad command line; 65 a malformed run file,\n"
    "one that differs from the run's run.json, or an unknown region; 66 the "
    "run's files are missing; 73 cannot\n"
    "create OUT; 74 I/O error; 75 a run or another command holds a lock.\n";

static const char freeze_usage[] =
    "usage: ftkpi cohort freeze --state DIR --run DIR\n"
    "                           (--picks FILE... | --top N [--region R]...)\n"
    "                           [--month YYYY-MM] [--today YYYY-MM-DD]\n"
    "                           [--config FILE] [-q]\n"
    "\n"
    "Makes the month's cohort: for each region, the customers picked in\n"
    "its sheet (--picks, repeatable: one sheet per region, or several for\n"
    "one region), or the top N candidates by users to goal (--top). It\n"
    "records per customer its region, focus areas and KPIs from the run in\n"
    "--run (customer health, core AU, users to goal, each core workload's\n"
    "AU and health) in STATE/cohort-YYYY-MM.csv.\n"
    "\n"
    "A region is frozen once a month: freezing it again is refused (use\n"
    "'ftkpi cohort change'). Other regions can be frozen later. Bad picks\n"
    "(an unknown tenant, one of another region, a tenant twice, a pick\n"
    "other than x/yes/y/1/true or empty/no/n/0/false, a malformed file)\n"
    "are all listed with file:line, and nothing is frozen.\n"
    "\n"
    "  --state DIR         the cohort state folder (created when missing)\n"
    "  --run DIR           the output folder of the latest 'ftkpi run'\n"
    "  --picks FILE        a filled-in picking sheet (repeatable)\n"
    "  --top N             without sheets: the N candidates with the most\n"
    "                      users to goal in each region (1 to 1000)\n"
    "  --region REGION     with --top: only this region (repeatable)\n"
    "  --month YYYY-MM     the cohort's month; default: the sheets'\n"
    "                      cohort_month, else the month after the run's\n"
    "  --today YYYY-MM-DD  the freeze date; default: today (UTC)\n"
    "  --config FILE       the run's configuration (its core workloads);\n"
    "                      default: the built-in one\n"
    "  -q, --quiet         print only errors\n"
    "  -h, --help          print this help\n"
    "\n"
    "Exit status: 0 frozen; 64 bad command line; 65 bad picks, or the\n"
    "region is already frozen, or the month is over, or --today is before\n"
    "a date the month's history already records, or a run file differs\n"
    "from its run.json; 66 a file is\n"
    "missing; 73 cannot create the state folder; 74 I/O error; 75 another\n"
    "command holds the state's lock, or a run is publishing (try later);\n"
    "78 bad configuration, or not the run's.\n";

static const char change_usage[] =
    "usage: ftkpi cohort change --state DIR (--add TENANT --run DIR |\n"
    "                           --remove TENANT) --reason TEXT\n"
    "                           [--effective YYYY-MM-DD] [--month YYYY-MM]\n"
    "                           [--by NAME] [--today YYYY-MM-DD] [-q]\n"
    "\n"
    "Records a change to a frozen cohort: a customer added or removed,\n"
    "with a reason. It takes effect on the effective date, which must be\n"
    "at least 3 days after today (the date it is recorded) and within the\n"
    "cohort's month. Every change is appended to STATE/changes-YYYY-MM.csv\n"
    "with its recorded and effective dates; nothing is overwritten. To\n"
    "take back a pending change, record the opposite change with the same\n"
    "effective date.\n"
    "\n"
    "  --state DIR             the cohort state folder\n"
    "  --add TENANT            add this customer; its KPIs are taken from\n"
    "                          the run in --run\n"
    "  --run DIR               the output folder of the latest 'ftkpi run'\n"
    "  --remove TENANT         remove this customer\n"
    "  --reason TEXT           why (required; kept in the log)\n"
    "  --effective YYYY-MM-DD  when it takes effect; default: 3 days after\n"
    "                          today, the earliest allowed\n"
    "  --month YYYY-MM         the cohort's month; default: the month of\n"
    "                          the effective date\n"
    "  --by NAME               who asked for it (kept in the log)\n"
    "  --today YYYY-MM-DD      the date the change is recorded; default:\n"
    "                          today (UTC)\n"
    "  -q, --quiet             print only errors\n"
    "  -h, --help              print this help\n"
    "\n"
    "Exit status: 0 recorded; 64 bad command line; 65 refused (less than 3\n"
    "days' notice, after the month, not frozen, already in or not in the\n"
    "cohort, unknown tenant, recorded before a date the month's history\n"
    "already records); 66 the state folder or a run file is\n"
    "missing; 74 I/O error; 75 another command holds the state's lock, or\n"
    "a run is publishing (try later).\n";

static const char show_usage[] =
    "usage: ftkpi cohort show --state DIR [--date YYYY-MM-DD]\n"
    "                         [--month YYYY-MM] [--region REGION] [--csv]\n"
    "\n"
    "Prints the cohort as it stands on a date, per region: the members\n"
    "(frozen, or added by a change in effect), the members leaving and the\n"
    "customers joining by a pending change, those removed, and every\n"
    "pending change with its effective date and reason.\n"
    "\n"
    "  --state DIR         the cohort state folder\n"
    "  --date YYYY-MM-DD   the date; default: today (UTC); --today is the\n"
    "                      same option\n"
    "  --month YYYY-MM     the cohort's month; default: the date's month\n"
    "  --region REGION     only this region\n"
    "  --csv               print CSV (one row per customer) instead of text\n"
    "  -h, --help          print this help\n"
    "\n"
    "Exit status: 0 shown; 64 bad command line; 65 the month or region is\n"
    "not frozen, or a state file is malformed; 66 the state folder is\n"
    "missing; 74 I/O error.\n";

static const char review_usage[] =
    "usage: ftkpi cohort review --state DIR --run DIR --region REGION\n"
    "                           --out DIR [--today YYYY-MM-DD]\n"
    "                           [--month YYYY-MM] [-q]\n"
    "\n"
    "Writes the weekly review of a region's cohort as it stands today:\n"
    "OUT/review-YYYY-MM-REGION-YYYY-MM-DD.csv (UTF-8 with a BOM) and .xlsx.\n"
    "One row per customer with its KPIs at freeze (or when it was added)\n"
    "and now (from the run in --run), the change, the focus areas it had\n"
    "at freeze, has now, is still in and has left, and any pending change.\n"
    "Meeting order: customers still in some focus area first, then those\n"
    "that left them all, then those missing from the run, then those\n"
    "joining; each by users to goal now, largest first.\n"
    "\n"
    "  --state DIR         the cohort state folder\n"
    "  --run DIR           the output folder of the latest 'ftkpi run'\n"
    "  --region REGION     the region meeting\n"
    "  --out DIR           where to write the review (created when missing)\n"
    "  --today YYYY-MM-DD  the meeting's date; default: today (UTC)\n"
    "  --month YYYY-MM     the cohort's month; default: today's month\n"
    "  -q, --quiet         print only errors\n"
    "  -h, --help          print this help\n"
    "\n"
    "Exit status: 0 written; 64 bad command line; 65 the month or region is\n"
    "not frozen, or a file is malformed; 66 the state folder or a run file\n"
    "is missing; 73 cannot create OUT; 74 I/O error; 75 a run is\n"
    "publishing (try later).\n";

/* ---- options ------------------------------------------------------------ */

enum {
    OPT_STATE = 1000,
    OPT_RUN,
    OPT_OUT,
    OPT_MONTH,
    OPT_REGION,
    OPT_TODAY,
    OPT_PICKS,
    OPT_TOP,
    OPT_CONFIG,
    OPT_ADD,
    OPT_REMOVE,
    OPT_REASON,
    OPT_EFFECTIVE,
    OPT_BY,
    OPT_CSV
};

/* The subcommands, as bits: which take an option. */
enum {
    PICK = 1u << 0,
    FREEZE = 1u << 1,
    CHANGE = 1u << 2,
    SHOW = 1u << 3,
    REVIEW = 1u << 4,
    ALL = PICK | FREEZE | CHANGE | SHOW | REVIEW
};

/* Every option of the cohort commands, once, with the subcommands that
 * take it; parse() gives getopt a subcommand's own. -q and -h are taken
 * by all (show has no --quiet: it prints what was asked). */
static const struct {
    struct option opt;
    unsigned subs;
} options[] = {
    {{"state", required_argument, NULL, OPT_STATE},
     FREEZE | CHANGE | SHOW | REVIEW},
    {{"run", required_argument, NULL, OPT_RUN},
     PICK | FREEZE | CHANGE | REVIEW},
    {{"out", required_argument, NULL, OPT_OUT}, PICK | REVIEW},
    {{"picks", required_argument, NULL, OPT_PICKS}, FREEZE},
    {{"top", required_argument, NULL, OPT_TOP}, FREEZE},
    {{"add", required_argument, NULL, OPT_ADD}, CHANGE},
    {{"remove", required_argument, NULL, OPT_REMOVE}, CHANGE},
    {{"reason", required_argument, NULL, OPT_REASON}, CHANGE},
    {{"effective", required_argument, NULL, OPT_EFFECTIVE}, CHANGE},
    {{"by", required_argument, NULL, OPT_BY}, CHANGE},
    {{"region", required_argument, NULL, OPT_REGION},
     PICK | FREEZE | SHOW | REVIEW},
    {{"month", required_argument, NULL, OPT_MONTH}, ALL},
    {{"date", required_argument, NULL, OPT_TODAY}, SHOW},
    {{"today", required_argument, NULL, OPT_TODAY},
     FREEZE | CHANGE | SHOW | REVIEW},
    {{"config", required_argument, NULL, OPT_CONFIG}, FREEZE},
    {{"csv", no_argument, NULL, OPT_CSV}, SHOW},
    {{"quiet", no_argument, NULL, 'q'}, PICK | FREEZE | CHANGE | REVIEW},
    {{"help", no_argument, NULL, 'h'}, ALL},
};

#define N_OPTIONS (sizeof(options) / sizeof(options[0]))

struct opts {
    const char *sub;
    const char *state, *run, *out, *config, *add, *remove, *reason, *by;
    const char **region; /* argv's strings */
    size_t n_regions;
    const char **picks;
    size_t n_picks;
    int32_t month, today, effective; /* KPI_NO_DATE when not given */
    long top;                        /* 0 when not given */
    bool csv, quiet;
    bool help; /* --help was printed: nothing else to do */
};

/* The usage errors more than one subcommand gives. */
static const char no_state[] = "no state folder: give --state DIR";
static const char no_run[] = "no run: give --run DIR (the --out of "
                             "'ftkpi run')";
static const char no_out[] = "no output folder: give --out DIR";

static enum ftk_error usage_error(const struct opts *o, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static enum ftk_error usage_error(const struct opts *o, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "ftkpi cohort %s: ", o->sub);
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, "\ntry 'ftkpi cohort %s --help'\n", o->sub);
    va_end(ap);
    return FTK_E_USAGE;
}

/* Prints the message of a failure; returns err. */
static enum ftk_error fail(const struct opts *o, enum ftk_error err,
                           const struct ftk_diag *diag)
{
    fprintf(stderr, "ftkpi cohort %s: %s\n", o->sub, diag->msg);
    return err;
}

static void print_report(const struct opts *o, const struct cohort_report *r,
                         const char *prefix)
{
    for (size_t i = 0; i < r->n; i++)
        fprintf(stderr, "ftkpi cohort %s: %s%s\n", o->sub, prefix, r->line[i]);
}

/* Today's date in UTC: the only reading of the clock, for a missing
 * --today. */
static int32_t clock_today(void)
{
    return (int32_t)(time(NULL) / 86400);
}

static int32_t today(const struct opts *o)
{
    return o->today != KPI_NO_DATE ? o->today : clock_today();
}

/* The cohort's month: --month, else the month of date. */
static int32_t month_of(const struct opts *o, int32_t date)
{
    return o->month != KPI_NO_DATE ? o->month : kpi_month_of(date);
}

/* Parses the options of the subcommand named argv[0], which takes those
 * of options[] marked with bit. FTK_E_USAGE (printed) for a bad command
 * line; o->help after printing help. o is to be released in any case. */
static enum ftk_error parse(struct opts *o, int argc, char **argv, unsigned bit,
                            const char *help)
{
    struct option table[N_OPTIONS + 1];
    size_t n = 0;
    for (size_t k = 0; k < N_OPTIONS; k++)
        if (options[k].subs & bit)
            table[n++] = options[k].opt;
    table[n] = (struct option){NULL, 0, NULL, 0};
    memset(o, 0, sizeof(*o));
    o->sub = argv[0];
    o->month = o->today = o->effective = KPI_NO_DATE;
    o->region = calloc((size_t)argc + 1, sizeof(*o->region));
    o->picks = calloc((size_t)argc + 1, sizeof(*o->picks));
    if (!o->region || !o->picks) {
        fprintf(stderr, "ftkpi cohort %s: out of memory\n", o->sub);
        return FTK_E_NOMEM;
    }
    int opt;
    optind = 1;
    opterr = 0;
    while ((opt = getopt_long(argc, argv, ":qh", table, NULL)) != -1) {
        const char *a = optarg;
        switch (opt) {
        case 'h':
            fputs(help, stdout);
            o->help = true;
            return FTK_OK;
        case 'q':
            o->quiet = true;
            break;
        case OPT_STATE:
            o->state = a;
            break;
        case OPT_RUN:
            o->run = a;
            break;
        case OPT_OUT:
            o->out = a;
            break;
        case OPT_CONFIG:
            o->config = a;
            break;
        case OPT_ADD:
            o->add = a;
            break;
        case OPT_REMOVE:
            o->remove = a;
            break;
        case OPT_REASON:
            o->reason = a;
            break;
        case OPT_BY:
            o->by = a;
            break;
        case OPT_CSV:
            o->csv = true;
            break;
        case OPT_REGION:
            if (!*a)
                return usage_error(o, "--region needs a region");
            o->region[o->n_regions++] = a;
            break;
        case OPT_PICKS:
            o->picks[o->n_picks++] = a;
            break;
        case OPT_MONTH:
            if (!kpi_month_parse(a, strlen(a), &o->month))
                return usage_error(o, "--month '%s': expected YYYY-MM", a);
            break;
        case OPT_TODAY:
            if (!kpi_date_parse(a, strlen(a), &o->today))
                return usage_error(o, "'%s': expected a date YYYY-MM-DD", a);
            break;
        case OPT_EFFECTIVE:
            if (!kpi_date_parse(a, strlen(a), &o->effective))
                return usage_error(o, "--effective '%s': expected YYYY-MM-DD",
                                   a);
            break;
        case OPT_TOP: {
            char *end;
            o->top = strtol(a, &end, 10);
            if (*a < '0' || *a > '9' || *end || o->top < 1 ||
                o->top > COHORT_TOP_MAX)
                return usage_error(o,
                                   "--top '%s': expected a number from 1 "
                                   "to 1000",
                                   a);
            break;
        }
        case ':':
            return usage_error(o, "%s needs a value", argv[optind - 1]);
        default:
            return usage_error(o, "unknown option '%s'", argv[optind - 1]);
        }
    }
    if (optind < argc)
        return usage_error(o, "unexpected argument '%s'", argv[optind]);
    return FTK_OK;
}

static void opts_release(struct opts *o)
{
    free(o->region);
    free(o->picks);
    o->region = o->picks = NULL;
}

/* FTK_OK when the option was given, else the usage error what. */
static enum ftk_error require(const struct opts *o, const char *value,
                              const char *what)
{
    return value ? FTK_OK : usage_error(o, "%s", what);
}

/* ---- the common opening ------------------------------------------------- */

static bool is_dir(const char *path)
{
    struct stat sb;
    return stat(path, &sb) == 0 && S_ISDIR(sb.st_mode);
}

/* The state folder must not be the run's folder: the state's lock would
 * stop the run from publishing, and the run's lock the state. */
static enum ftk_error separate_folders(const struct opts *o)
{
    struct stat a, b;
    if (o->state && o->run && stat(o->state, &a) == 0 &&
        stat(o->run, &b) == 0 && a.st_dev == b.st_dev && a.st_ino == b.st_ino)
        return usage_error(o,
                           "--state and --run are one folder (%s): keep the "
                           "cohort state apart from the run's outputs",
                           o->state);
    return FTK_OK;
}

/* Every command but freeze reads a state folder that must exist. */
static enum ftk_error state_folder(const struct opts *o)
{
    if (is_dir(o->state))
        return FTK_OK;
    fprintf(stderr,
            "ftkpi cohort %s: %s: no such folder: no cohort has been frozen "
            "there (check --state)\n",
            o->sub, o->state);
    return FTK_E_NOINPUT;
}

/* Locks the state folder for a change, with a clearer message than
 * publish's when another command holds it; the error is printed. On
 * success the caller releases pub. */
static enum ftk_error lock_state(const struct opts *o, struct publish *pub)
{
    struct ftk_diag diag;
    enum ftk_error err = publish_open(pub, o->state, &diag);
    if (err == FTK_E_LOCKED) {
        fprintf(stderr,
                "ftkpi cohort %s: %s: another ftkpi command is changing the "
                "cohort state (lock %s/" PUBLISH_LOCK_NAME " held); try "
                "again when it has finished\n",
                o->sub, o->state, o->state);
        return err;
    }
    return err == FTK_OK ? FTK_OK : fail(o, err, &diag);
}

/* What the commands on a month's state work with: the state, the latest
 * run read with the state's workloads, and the message of a failure.
 * Zeroed before use; session_release frees whatever was loaded. */
struct session {
    struct cohort_state st;
    struct cohort_run run;
    struct ftk_diag diag;
};

static enum ftk_error load_state(const struct opts *o, struct session *s,
                                 int32_t month)
{
    return cohort_state_load(&s->st, o->state, month, &s->diag);
}

static enum ftk_error load_run(const struct opts *o, struct session *s)
{
    const char *wl[COHORT_MAX_WORKLOADS];
    cohort_state_workloads(&s->st, wl);
    return cohort_run_load(&s->run, o->run, wl, s->st.n_workloads, false,
                           &s->diag);
}

static void session_release(struct session *s)
{
    cohort_run_release(&s->run);
    cohort_state_release(&s->st);
}

static bool known_region(const struct cohort_run *run, const char *region)
{
    for (size_t i = 0; i < run->n_regions; i++)
        if (strcmp(run->region[i], region) == 0)
            return true;
    return false;
}

static void region_list(const struct cohort_run *run, char *out, size_t cap)
{
    size_t used = 0;
    out[0] = '\0';
    for (size_t i = 0; i < run->n_regions; i++) {
        int n = snprintf(out + used, cap - used, "%s%s", i ? ", " : "",
                         run->region[i]);
        if (n < 0 || (size_t)n >= cap - used)
            break;
        used += (size_t)n;
    }
}

/* ---- pick --------------------------------------------------------------- */

/* Writes the sheets of regions into --out; errors are printed. */
static enum ftk_error write_sheets(const struct opts *o,
                                   const struct cohort_run *run,
                                   const char *const *regions, size_t n_regions,
                                   int32_t month)
{
    struct ftk_diag diag;
    struct publish pub;
    enum ftk_error err = publish_open(&pub, o->out, &diag);
    if (err != FTK_OK)
        return fail(o, err, &diag);
    for (size_t i = 0; i < n_regions && err == FTK_OK; i++) {
        char name[256];
        FILE *f;
        cohort_pick_name(month, regions[i], name, sizeof(name));
        for (size_t j = 0; j < i; j++) {
            char other[256];
            cohort_pick_name(month, regions[j], other, sizeof(other));
            if (strcmp(name, other) == 0) {
                fprintf(stderr,
                        "ftkpi cohort pick: regions '%s' and '%s' would "
                        "both be written to %s: pick them one at a time "
                        "into different folders\n",
                        regions[j], regions[i], name);
                err = FTK_E_CANTCREAT;
            }
        }
        if (err != FTK_OK)
            break;
        err = publish_create(&pub, name, &f, &diag);
        if (err != FTK_OK) {
            fail(o, err, &diag);
        } else if (!cohort_pick_write(f, run, regions[i], month)) {
            fprintf(stderr, "ftkpi cohort pick: %s: write failed\n", name);
            err = FTK_E_IO;
        }
    }
    if (err == FTK_OK) {
        err = publish_commit(&pub, &diag);
        if (err != FTK_OK)
            fail(o, err, &diag);
    }
    publish_release(&pub);
    return err;
}

static enum ftk_error pick(struct opts *o)
{
    enum ftk_error err = require(o, o->run, no_run);
    if (err == FTK_OK)
        err = require(o, o->out, no_out);
    if (err != FTK_OK)
        return err;
    struct ftk_diag diag;
    struct cohort_run run;
    err = cohort_run_load(&run, o->run, NULL, 0, true, &diag);
    if (err != FTK_OK)
        return fail(o, err, &diag);
    int32_t month = o->month != KPI_NO_DATE ? o->month : run.as_of_month + 1;
    const char **regions = o->region;
    size_t n_regions = o->n_regions;
    const char **all = NULL;
    if (n_regions == 0) {
        all = calloc(run.n_regions + 1, sizeof(*all));
        if (!all) {
            err = FTK_E_NOMEM;
            goto out;
        }
        for (size_t i = 0; i < run.n_regions; i++)
            if (cohort_run_candidates(&run, run.region[i]) > 0)
                all[n_regions++] = run.region[i];
        regions = all;
        if (n_regions == 0) {
            fprintf(stderr,
                    "ftkpi cohort pick: %s/%s has no candidate: no sheet "
                    "written\n",
                    o->run, report_customer_kpis.file);
            err = FTK_E_DATA;
            goto out;
        }
    }
    for (size_t i = 0; i < n_regions; i++) {
        if (known_region(&run, regions[i]))
            continue;
        char list[512];
        region_list(&run, list, sizeof(list));
        fprintf(stderr,
                "ftkpi cohort pick: no customer in region '%s' in %s/%s "
                "(regions: %s)\n",
                regions[i], o->run, report_customer_kpis.file, list);
        err = FTK_E_DATA;
        goto out;
    }
    err = write_sheets(o, &run, regions, n_regions, month);
    if (err == FTK_OK && !o->quiet) {
        char m[8], as_of[8];
        kpi_month_format(month, m);
        kpi_month_format(run.as_of_month, as_of);
        for (size_t i = 0; i < n_regions; i++) {
            char name[256];
            cohort_pick_name(month, regions[i], name, sizeof(name));
            fprintf(stderr,
                    "ftkpi cohort pick: %s: %zu candidates (as of %s) for "
                    "the %s cohort: %s/%s\n",
                    regions[i], cohort_run_candidates(&run, regions[i]), as_of,
                    m, o->out, name);
        }
        fprintf(stderr, "ftkpi cohort pick: put x in the pick column, save "
                        "as CSV, then run 'ftkpi cohort freeze --picks'\n");
    }
out:
    free(all);
    cohort_run_release(&run);
    return err;
}

/* ---- freeze ------------------------------------------------------------- */

static void freeze_summary(const struct cohort_state *st,
                           const struct cohort_selection *sel)
{
    char m[8];
    kpi_month_format(st->month, m);
    for (size_t i = 0; i < sel->n;) {
        const char *region = sel->choice[i].customer->region;
        size_t j = i;
        while (j < sel->n &&
               strcmp(sel->choice[j].customer->region, region) == 0)
            j++;
        fprintf(stderr,
                "ftkpi cohort freeze: %s cohort of %s frozen: %zu "
                "customers\n",
                m, region, j - i);
        i = j;
    }
    fprintf(stderr, "ftkpi cohort freeze: written to %s\n", st->cohort_path);
}

/* The freeze under the state's lock: the state, the configuration of a
 * first freeze, the run, the selection; the notes and problems of the
 * picks are printed before the outcome. */
static enum ftk_error freeze_locked(const struct opts *o,
                                    const struct cohort_picks *picks,
                                    int32_t month,
                                    struct cohort_report *problems,
                                    struct cohort_report *notes)
{
    struct publish pub;
    enum ftk_error err = lock_state(o, &pub);
    if (err != FTK_OK)
        return err;
    struct session s = {0};
    struct config cfg = {0};
    struct cohort_selection sel;
    cohort_selection_init(&sel);
    err = load_state(o, &s, month);
    if (err == FTK_OK && !s.st.frozen) {
        err = config_load(&cfg, o->config, &s.diag);
        if (err == FTK_OK)
            cohort_state_set_workloads(&s.st, &cfg);
    }
    if (err == FTK_OK)
        err = load_run(o, &s);
    if (err == FTK_OK && !s.st.frozen)
        err = cohort_run_check_core(&s.run, &s.diag);
    if (err == FTK_OK) {
        if (o->n_picks > 0)
            err = cohort_select_picks(&sel, picks, &s.run, month, problems,
                                      notes, &s.diag);
        else
            err = cohort_select_top(&sel, &s.run, (unsigned)o->top, o->region,
                                    o->n_regions, &s.diag);
    }
    if (!o->quiet)
        print_report(o, notes, "note: ");
    print_report(o, problems, "");
    if (err == FTK_OK)
        err = cohort_freeze(&s.st, &pub, &s.run, &sel, today(o), &s.diag);
    if (err != FTK_OK)
        fail(o, err, &s.diag);
    else if (!o->quiet)
        freeze_summary(&s.st, &sel);
    cohort_selection_release(&sel);
    config_release(&cfg);
    session_release(&s);
    publish_release(&pub);
    return err;
}

static enum ftk_error freeze(struct opts *o)
{
    enum ftk_error err = require(o, o->state, no_state);
    if (err == FTK_OK)
        err = require(o, o->run, no_run);
    if (err == FTK_OK && (o->n_picks > 0) == (o->top > 0))
        err = usage_error(o, "give either --picks FILE... (the leads' "
                             "sheets) or --top N");
    if (err == FTK_OK && o->n_regions > 0 && o->top == 0)
        err = usage_error(o, "--region goes with --top; a sheet names its "
                             "region");
    if (err == FTK_OK)
        err = separate_folders(o);
    if (err != FTK_OK)
        return err;

    struct ftk_diag diag;
    struct cohort_report problems, notes;
    struct cohort_picks picks = {0};
    cohort_report_init(&problems);
    cohort_report_init(&notes);
    if (o->n_picks > 0)
        err = cohort_picks_read(&picks, o->picks, o->n_picks, &problems, &diag);
    int32_t month = o->month;
    if (err == FTK_OK && month == KPI_NO_DATE && o->n_picks > 0)
        month = cohort_picks_month(&picks);
    if (err == FTK_OK && month == KPI_NO_DATE) {
        err = cohort_run_as_of(o->run, &month, &diag);
        month++;
    }
    if (err != FTK_OK) {
        print_report(o, &problems, "");
        fail(o, err, &diag);
    } else {
        err = freeze_locked(o, &picks, month, &problems, &notes);
    }
    cohort_picks_release(&picks);
    cohort_report_release(&problems);
    cohort_report_release(&notes);
    return err;
}

/* ---- change ------------------------------------------------------------- */

/* Records the change the command line asks for in the loaded state, under
 * the state's lock (pub), and prints the outcome. */
static enum ftk_error record_change(const struct opts *o, struct session *s,
                                    struct publish *pub, bool with_run,
                                    int32_t recorded_on, int32_t effective,
                                    int32_t month)
{
    struct cohort_change_request req = {
        .action = o->add ? COHORT_ADD : COHORT_REMOVE,
        .tenant_id = o->add ? o->add : o->remove,
        .run = with_run ? &s->run : NULL,
        .reason = o->reason,
        .recorded_by = o->by ? o->by : "",
        .recorded_on = recorded_on,
        .effective_on = effective,
    };
    struct cohort_change done;
    enum ftk_error err =
        cohort_change_record(&s->st, pub, &req, &done, &s->diag);
    if (err != FTK_OK) {
        fail(o, err, &s->diag);
        if (!s->st.frozen && o->month == KPI_NO_DATE) {
            char eff[11];
            kpi_date_format(effective, eff);
            fprintf(stderr,
                    "ftkpi cohort change: (the cohort's month was taken from "
                    "the effective date %s; give --month YYYY-MM for "
                    "another)\n",
                    eff);
        }
    } else if (!o->quiet) {
        char m[8], rec[11], eff[11];
        kpi_month_format(month, m);
        kpi_date_format(recorded_on, rec);
        kpi_date_format(effective, eff);
        fprintf(stderr,
                "ftkpi cohort change: change %u recorded on %s in %s: %s %s "
                "(%s) %s the %s cohort of %s, effective %s\n",
                done.number, rec, s->st.changes_path, o->add ? "add" : "remove",
                done.tenant_id, done.customer_name, o->add ? "to" : "from", m,
                done.region, eff);
    }
    return err;
}

static enum ftk_error change(struct opts *o)
{
    enum ftk_error err = require(o, o->state, no_state);
    if (err == FTK_OK && (o->add != NULL) == (o->remove != NULL))
        err = usage_error(o, "give either --add TENANT or --remove TENANT");
    if (err == FTK_OK && o->add && !o->run)
        err = usage_error(o, "--add needs --run DIR, the latest run, for the "
                             "customer's KPIs");
    if (err == FTK_OK)
        err = require(o, o->reason, "no reason: give --reason TEXT");
    if (err == FTK_OK)
        err = separate_folders(o);
    if (err == FTK_OK)
        err = state_folder(o);
    if (err != FTK_OK)
        return err;

    int32_t recorded_on = today(o);
    int32_t effective = o->effective != KPI_NO_DATE
                            ? o->effective
                            : cohort_earliest_effective(recorded_on);
    int32_t month = month_of(o, effective);
    struct publish pub;
    err = lock_state(o, &pub);
    if (err != FTK_OK)
        return err;
    struct session s = {0};
    err = load_state(o, &s, month);
    /* an add takes the customer's KPIs from the run */
    bool with_run = err == FTK_OK && o->add && s.st.frozen;
    if (with_run)
        err = load_run(o, &s);
    if (err != FTK_OK)
        fail(o, err, &s.diag);
    else
        err =
            record_change(o, &s, &pub, with_run, recorded_on, effective, month);
    session_release(&s);
    publish_release(&pub);
    return err;
}

/* ---- show --------------------------------------------------------------- */

static void show_change(const struct cohort_change *c)
{
    char rec[11], eff[11];
    kpi_date_format(c->recorded_on, rec);
    kpi_date_format(c->effective_on, eff);
    printf("    change %u, effective %s: %s %s (%s), recorded %s%s%s: %s\n",
           c->number, eff, c->action == COHORT_ADD ? "add" : "remove",
           c->tenant_id, c->customer_name, rec, c->recorded_by[0] ? " by " : "",
           c->recorded_by, c->reason);
}

static void show_text(const struct cohort_state *st,
                      const struct cohort_view *v)
{
    char m[8], d[11], areas[128];
    kpi_month_format(st->month, m);
    kpi_date_format(v->date, d);
    printf("%s cohort on %s (%s)\n", m, d, st->cohort_path);
    for (size_t i = 0; i < v->n;) {
        const char *region = v->row[i].region;
        size_t j = i, members = 0;
        while (j < v->n && strcmp(v->row[j].region, region) == 0) {
            members += v->row[j].status == COHORT_MEMBER ||
                       v->row[j].status == COHORT_LEAVING;
            j++;
        }
        printf("\n%s: %zu customer%s\n", region, members,
               members == 1 ? "" : "s");
        for (size_t k = i; k < j; k++) {
            const struct cohort_view_row *r = &v->row[k];
            char since[11], on[11] = "";
            kpi_date_format(r->since, since);
            if (r->event)
                kpi_date_format(r->event->effective_on, on);
            kpi_focus_join(r->baseline->focus, areas, sizeof(areas));
            printf("  %-8s %s  %s", cohort_status_name(r->status), r->tenant_id,
                   r->customer_name);
            switch (r->status) {
            case COHORT_MEMBER:
                printf("  (%s %s", r->added ? "added" : "frozen", since);
                break;
            case COHORT_LEAVING:
                printf("  (%s %s, leaves %s", r->added ? "added" : "frozen",
                       since, on);
                break;
            case COHORT_JOINING:
                printf("  (joins %s", on);
                break;
            case COHORT_REMOVED:
                printf("  (removed %s", on);
                break;
            }
            printf("; users to goal %lld; focus %s)\n",
                   (long long)r->baseline->users_to_goal,
                   areas[0] ? areas : "none");
        }
        size_t n_pending = 0;
        for (size_t k = 0; k < v->n_pending; k++)
            n_pending += strcmp(v->pending[k]->region, region) == 0;
        if (n_pending > 0) {
            printf("  pending changes:\n");
            for (size_t k = 0; k < v->n_pending; k++)
                if (strcmp(v->pending[k]->region, region) == 0)
                    show_change(v->pending[k]);
        }
        i = j;
    }
}

static enum ftk_error show(struct opts *o)
{
    enum ftk_error err = require(o, o->state, no_state);
    if (err == FTK_OK && o->n_regions > 1)
        err = usage_error(o, "give at most one --region");
    if (err == FTK_OK)
        err = state_folder(o);
    if (err != FTK_OK)
        return err;
    int32_t date = today(o);
    struct session s = {0};
    struct cohort_view v = {0};
    /* No lock: every write replaces one file by a rename, so a reader
     * sees each file whole. */
    err = load_state(o, &s, month_of(o, date));
    if (err == FTK_OK)
        err = cohort_view_build(&v, &s.st, date,
                                o->n_regions ? o->region[0] : NULL, &s.diag);
    if (err != FTK_OK) {
        fail(o, err, &s.diag);
    } else {
        bool ok = true;
        if (o->csv)
            ok = cohort_view_write_csv(stdout, &s.st, &v);
        else
            show_text(&s.st, &v);
        if (!ok || fflush(stdout) != 0 || ferror(stdout))
            err = FTK_E_IO;
    }
    cohort_view_release(&v);
    session_release(&s);
    return err;
}

/* ---- review ------------------------------------------------------------- */

static void review_summary(const struct opts *o, const struct cohort_review *rv,
                           const char *csv_name)
{
    size_t count[COHORT_FOCUS_NOT_IN_RUN + 1] = {0}, joining = 0;
    for (size_t i = 0; i < rv->n; i++) {
        if (rv->row[i].v->status == COHORT_JOINING)
            joining++;
        else
            count[rv->row[i].focus_status]++;
    }
    fprintf(stderr, "ftkpi cohort review: %s/%s (and .xlsx): %zu customer%s",
            o->out, csv_name, rv->n, rv->n == 1 ? "" : "s");
    const char *sep = ": ";
    for (int s = 0; s <= COHORT_FOCUS_NOT_IN_RUN; s++)
        if (count[s]) {
            fprintf(stderr, "%s%zu %s", sep, count[s],
                    cohort_focus_status_name((enum cohort_focus_status)s));
            sep = ", ";
        }
    if (joining)
        fprintf(stderr, "%s%zu joining", sep, joining);
    fputc('\n', stderr);
}

/* Writes the review's CSV and workbook into --out, as base.csv and
 * base.xlsx. */
static enum ftk_error write_review(const struct opts *o,
                                   const struct cohort_review *rv,
                                   const char *csv_name, const char *xlsx_name,
                                   struct ftk_diag *diag)
{
    struct publish pub;
    FILE *f;
    enum ftk_error err = publish_open(&pub, o->out, diag);
    if (err != FTK_OK)
        return err;
    err = publish_create(&pub, csv_name, &f, diag);
    if (err == FTK_OK && !cohort_review_write_csv(f, rv))
        err = ftk_fail(diag, FTK_E_IO, "%s: write failed", csv_name);
    if (err == FTK_OK)
        err = publish_create(&pub, xlsx_name, &f, diag);
    if (err == FTK_OK)
        err = cohort_review_write_xlsx(publish_tmp_path(&pub, xlsx_name), rv,
                                       diag);
    if (err == FTK_OK)
        err = publish_commit(&pub, diag);
    publish_release(&pub);
    return err;
}

static enum ftk_error review(struct opts *o)
{
    enum ftk_error err = require(o, o->state, no_state);
    if (err == FTK_OK)
        err = require(o, o->run, no_run);
    if (err == FTK_OK && o->n_regions != 1)
        err = usage_error(o, "give the region meeting: --region REGION");
    if (err == FTK_OK)
        err = require(o, o->out, no_out);
    if (err == FTK_OK)
        err = separate_folders(o);
    if (err == FTK_OK)
        err = state_folder(o);
    if (err != FTK_OK)
        return err;
    int32_t date = today(o);
    const char *region = o->region[0];
    struct session s = {0};
    struct cohort_view v = {0};
    struct cohort_review rv = {0};
    char base[300], csv_name[310], xlsx_name[310];
    err = load_state(o, &s, month_of(o, date));
    if (err == FTK_OK)
        err = cohort_view_build(&v, &s.st, date, region, &s.diag);
    if (err == FTK_OK)
        err = load_run(o, &s);
    if (err == FTK_OK)
        err = cohort_review_build(&rv, &s.st, &v, &s.run, region, &s.diag);
    if (err == FTK_OK) {
        cohort_review_name(&rv, base, sizeof(base));
        snprintf(csv_name, sizeof(csv_name), "%s.csv", base);
        snprintf(xlsx_name, sizeof(xlsx_name), "%s.xlsx", base);
        err = write_review(o, &rv, csv_name, xlsx_name, &s.diag);
    }
    if (err != FTK_OK)
        fail(o, err, &s.diag);
    else if (!o->quiet)
        review_summary(o, &rv, csv_name);
    cohort_review_release(&rv);
    cohort_view_release(&v);
    session_release(&s);
    return err;
}

/* ---- dispatch ----------------------------------------------------------- */

int cmd_cohort(int argc, char **argv)
{
    static const struct {
        const char *name;
        unsigned bit; /* its options: those of options[] with this bit */
        enum ftk_error (*fn)(struct opts *);
        const char *help;
    } subs[] = {
        {"pick", PICK, pick, pick_usage},
        {"freeze", FREEZE, freeze, freeze_usage},
        {"change", CHANGE, change, change_usage},
        {"show", SHOW, show, show_usage},
        {"review", REVIEW, review, review_usage},
    };
    if (argc < 2) {
        fputs(usage, stderr);
        return ftk_exit_code(FTK_E_USAGE);
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
        strcmp(argv[1], "help") == 0) {
        fputs(usage, stdout);
        return ftk_exit_code(FTK_OK);
    }
    for (size_t i = 0; i < sizeof(subs) / sizeof(subs[0]); i++) {
        if (strcmp(argv[1], subs[i].name) != 0)
            continue;
        struct opts o;
        enum ftk_error err =
            parse(&o, argc - 1, argv + 1, subs[i].bit, subs[i].help);
        if (err == FTK_OK && !o.help)
            err = subs[i].fn(&o);
        opts_release(&o);
        return ftk_exit_code(err);
    }
    fprintf(stderr,
            "ftkpi cohort: unknown command '%s'\ntry 'ftkpi cohort --help'\n",
            argv[1]);
    return ftk_exit_code(FTK_E_USAGE);
}
