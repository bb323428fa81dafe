/*
 * cmd/main.c - ftkpi: subcommand dispatch, --help and --version.
 */
#include <stdio.h>
#include <string.h>

#include "cmd/commands.h"
#include "cmd/progress.h"
#include "cmd/terminal.h"
#include "pipeline/base/ftk_error.h"
#include "pipeline/base/version.h"

static const char usage[] =
    "usage: ftkpi [--version] [--help] COMMAND [ARGS]\n"
    "\n"
    "ftkpi computes Microsoft 365 adoption KPIs from usage and entitlement\n"
    "extracts and writes them for program managers and regional leads.\n"
    "\n"
    "Commands:\n"
    "  run        compute the KPIs of a month and publish the reports\n"
    "  merge      put the shards of a split run together and publish\n"
    "  validate   check the input extracts and account for every row\n"
    "  samples    write a realistic synthetic data set\n"
    "  cohort     the regional leads' monthly review cohorts\n"
    "  import     turn Microsoft 365 usage reports into extracts\n"
    "\n"
    "Run 'ftkpi COMMAND --help' for a command's options, 'man ftkpi' for\n"
    "all of them. Documentation: docs/ in the source tree (README.md links\n"
    "every page).\n"
    "\n"
    "On a terminal, each long stage of run, validate, merge and import\n"
    "shows a progress line (percent, rate, time left); -q turns it off, and\n"
    "nothing of it is written to a file, a pipe or when TERM=dumb.\n"
    "\n"
    "Exit status: 0 success; 64 usage; 65 data error; 66 input missing;\n"
    "73 cannot create output; 74 I/O error; 75 another run holds the lock;\n"
    "78 bad configuration; 128+n ended by signal n (143 SIGTERM).\n";

struct command {
    const char *name;
    int (*fn)(int, char **);
};

static const struct command commands[] = {
    {"run", cmd_run},           {"merge", cmd_merge},
    {"validate", cmd_validate}, {"samples", cmd_samples},
    {"cohort", cmd_cohort},     {"import", cmd_import},
};

int main(int argc, char **argv)
{
    terminal_filter_streams();
    if (argc < 2) {
        fputs(usage, stderr);
        return ftk_exit_code(FTK_E_USAGE);
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
        strcmp(argv[1], "help") == 0) {
        fputs(usage, stdout);
        return 0;
    }
    if (strcmp(argv[1], "--version") == 0) {
        printf("ftkpi %s\n", FTK_VERSION);
        return 0;
    }
    for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
        if (strcmp(argv[1], commands[i].name) != 0)
            continue;
        /* getopt names argv[0] in its messages: "ftkpi run: ..." */
        char name[64];
        snprintf(name, sizeof(name), "ftkpi %s", commands[i].name);
        argv[1] = name;
        int rc = commands[i].fn(argc - 1, argv + 1);
        progress_end(rc == 0); /* a stage a command left going */
        return rc;
    }
    fprintf(stderr, "ftkpi: unknown command '%s'\ntry 'ftkpi --help'\n",
            argv[1]);
    return ftk_exit_code(FTK_E_USAGE);
}
