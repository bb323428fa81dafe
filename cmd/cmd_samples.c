/*
 * cmd/cmd_samples.c - `ftkpi samples`: writes a synthetic data set of a
 * chosen size (cmd/samplegen.h does the work).
 *
 * The last month defaults to a fixed month, never the clock, so the same
 * command line gives the same files on any day.
 */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cmd/commands.h"
#include "kpi/date.h"
#include "pipeline/base/ftk_error.h"
#include "cmd/samplegen.h"

#define DEFAULT_LAST_MONTH "2026-10"

static const char usage_text[] =
    "usage: ftkpi samples --tenants N --months M --out DIR [options]\n"
    "\n"
    "Writes a realistic synthetic data set: customers.csv, entitlements.csv\n"
    "and usage.csv (weekly usage snapshots) in DIR, replacing files of those\n"
    "names. The same options always give the same bytes.\n"
    "\n"
    "  --tenants N          number of customers, 1 to 10000000 (required)\n"
    "  --months M           months of usage, 1 to 240, ending with the last\n"
    "                       month (required)\n"
    "  --out DIR            output directory, created if missing (required)\n"
    "  --seed S             seed of the generator, 0 to 2^64-1 (default 1)\n"
    "  --last-month YYYY-MM last month of data (default " DEFAULT_LAST_MONTH
    ");\n"
    "                       --as-of is the same option\n"
    "  --gzip               write customers.csv.gz and so on instead\n"
    "  -h, --help           show this help and exit\n"
    "\n"
    "About 300 usage rows per tenant for 24 months (about 12 a month).\n"
    "\n"
    "Exit codes: 0 success, 64 usage error, 73 cannot create output,\n"
    "74 input/output error.\n";

static int usage_error(const char *fmt, ...)
    __attribute__((format(printf, 1, 2)));

/* Prints "ftkpi samples: <message>" and the hint; returns the exit code. */
static int usage_error(const char *fmt, ...)
{
    va_list ap;
    fputs("ftkpi samples: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputs("\ntry 'ftkpi samples --help'\n", stderr);
    return ftk_exit_code(FTK_E_USAGE);
}

/* Plain decimal digits only (no sign, space or exponent), at most max. */
static bool parse_u64(const char *s, uint64_t max, uint64_t *out)
{
    uint64_t v = 0;
    if (*s == '\0')
        return false;
    for (; *s != '\0'; s++) {
        if (*s < '0' || *s > '9')
            return false;
        unsigned d = (unsigned)(*s - '0');
        if (v > (max - d) / 10)
            return false;
        v = v * 10 + d;
    }
    *out = v;
    return true;
}

/* mkdir -p with mode 0777 (the umask applies). */
static int make_dirs(const char *dir)
{
    char path[4096];
    size_t n = strlen(dir);
    if (n >= sizeof(path)) {
        errno = ENAMETOOLONG;
        return -1;
    }
    memcpy(path, dir, n + 1);
    for (size_t i = 1; i <= n; i++) {
        if (path[i] != '/' && path[i] != '\0')
            continue;
        char saved = path[i];
        path[i] = '\0';
        if (mkdir(path, 0777) != 0 && errno != EEXIST)
            return -1;
        path[i] = saved;
    }
    struct stat st;
    if (stat(dir, &st) != 0)
        return -1;
    if (!S_ISDIR(st.st_mode)) {
        errno = ENOTDIR;
        return -1;
    }
    return 0;
}

int cmd_samples(int argc, char **argv)
{
    enum {
        OPT_TENANTS = 256,
        OPT_MONTHS,
        OPT_SEED,
        OPT_GZIP,
        OPT_LAST,
        OPT_OUT
    };
    static const struct option longopts[] = {
        {"tenants", required_argument, NULL, OPT_TENANTS},
        {"months", required_argument, NULL, OPT_MONTHS},
        {"seed", required_argument, NULL, OPT_SEED},
        {"gzip", no_argument, NULL, OPT_GZIP},
        {"last-month", required_argument, NULL, OPT_LAST},
        {"as-of", required_argument, NULL, OPT_LAST},
        {"out", required_argument, NULL, OPT_OUT},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    struct samplegen_options opt = {0};
    const char *last_month = DEFAULT_LAST_MONTH;
    uint64_t v;

    opt.seed = 1;
    opterr = 0;
    optind = 0; /* GNU: rescan from argv[1] even if getopt ran before */
    for (;;) {
        int c = getopt_long(argc, argv, ":h", longopts, NULL);
        if (c == -1)
            break;
        switch (c) {
        case OPT_TENANTS:
            if (!parse_u64(optarg, SAMPLEGEN_MAX_TENANTS, &v) || v < 1)
                return usage_error("--tenants must be a number from 1 to "
                                   "10000000, not '%s'",
                                   optarg);
            opt.tenants = (uint32_t)v;
            break;
        case OPT_MONTHS:
            if (!parse_u64(optarg, SAMPLEGEN_MAX_MONTHS, &v) || v < 1)
                return usage_error(
                    "--months must be a number from 1 to 240, not '%s'",
                    optarg);
            opt.months = (uint32_t)v;
            break;
        case OPT_SEED:
            if (!parse_u64(optarg, UINT64_MAX, &opt.seed))
                return usage_error("--seed must be a number from 0 to "
                                   "18446744073709551615, not '%s'",
                                   optarg);
            break;
        case OPT_GZIP:
            opt.gzip = true;
            break;
        case OPT_LAST:
            last_month = optarg;
            break;
        case OPT_OUT:
            opt.out_dir = optarg;
            break;
        case 'h':
            fputs(usage_text, stdout);
            return fflush(stdout) == 0 ? 0 : ftk_exit_code(FTK_E_IO);
        case ':':
            return usage_error("option '%s' needs a value", argv[optind - 1]);
        default:
            return usage_error("unknown option '%s'", argv[optind - 1]);
        }
    }
    if (optind < argc)
        return usage_error("unexpected argument '%s'", argv[optind]);
    /* both are at least 1 once given */
    if (opt.tenants == 0)
        return usage_error("--tenants is required");
    if (opt.months == 0)
        return usage_error("--months is required");
    if (opt.out_dir == NULL || opt.out_dir[0] == '\0')
        return usage_error("--out is required");
    if (!kpi_month_parse(last_month, strlen(last_month), &opt.last_month))
        return usage_error("--last-month must be a month YYYY-MM, not '%s'",
                           last_month);
    if (opt.last_month - (int32_t)opt.months + 1 < 1900 * 12)
        return usage_error("--months reaches back before 1900-01");

    if (make_dirs(opt.out_dir) != 0) {
        fprintf(stderr, "ftkpi samples: cannot create directory %s: %s\n",
                opt.out_dir, strerror(errno));
        return ftk_exit_code(FTK_E_CANTCREAT);
    }

    struct samplegen_counts counts;
    struct ftk_diag diag = {{0}};
    enum ftk_error err = samplegen_write_counted(&opt, &counts, &diag);
    if (err != FTK_OK) {
        fprintf(stderr, "ftkpi %s\n",
                diag.msg[0] ? diag.msg : ftk_strerror(err));
        if (err == FTK_E_USAGE)
            fputs("try 'ftkpi samples --help'\n", stderr);
        return ftk_exit_code(err);
    }
    if (isatty(STDERR_FILENO)) {
        const char *ext = opt.gzip ? ".gz" : "";
        fprintf(stderr,
                "ftkpi samples: wrote %llu rows to customers.csv%s, %llu to "
                "entitlements.csv%s, %llu to usage.csv%s in %s\n",
                (unsigned long long)counts.customers, ext,
                (unsigned long long)counts.entitlements, ext,
                (unsigned long long)counts.usage, ext, opt.out_dir);
    }
    return 0;
}
