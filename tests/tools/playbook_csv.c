/*
 * tests/tools/playbook_csv.c - writes next_actions.csv and
 * exec_summaries.csv of an input folder, for comparing them with the
 * reference implementation (tests/reference/compare_playbook.sh) until
 * `ftkpi run` publishes them.
 *
 *     playbook_csv --in DIR --out DIR [--as-of YYYY-MM] [--config FILE]
 *
 * It reads DIR as `ftkpi run --in` does (customers*, entitlements*,
 * usage* .csv or .csv.gz, each kind in byte order of the names), applies
 * the reject threshold and the as-of month the same way, and exits with
 * the same codes: 0, 64, 65, 66, 74 or 78.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kpi/date.h"
#include "pipeline/config.h"
#include "pipeline/facts.h"
#include "pipeline/ingest/extract.h"
#include "pipeline/ingest/rejects.h"
#include "pipeline/playbook/playbook.h"
#include "pipeline/store.h"

#define MAX_FILES 256

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool of_kind(const char *name, const char *kind)
{
    size_t n = strlen(name), k = strlen(kind);
    if (strncmp(name, kind, k) != 0)
        return false;
    return (n >= 4 && strcmp(name + n - 4, ".csv") == 0) ||
           (n >= 7 && strcmp(name + n - 7, ".csv.gz") == 0);
}

/* The files of a kind in dir, sorted; returns how many (-1 on error). */
static int list(const char *dir, const char *kind, char **out)
{
    DIR *d = opendir(dir);
    if (!d)
        return -1;
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL && n < MAX_FILES)
        if (of_kind(e->d_name, kind)) {
            size_t len = strlen(dir) + strlen(e->d_name) + 2;
            out[n] = malloc(len);
            if (!out[n])
                break;
            snprintf(out[n++], len, "%s/%s", dir, e->d_name);
        }
    closedir(d);
    qsort(out, (size_t)n, sizeof(*out), by_name);
    return n;
}

static int write_file(const char *dir, const char *name,
                      bool (*fn)(FILE *, const struct playbook *),
                      const struct playbook *pb)
{
    char path[4096];
    snprintf(path, sizeof(path), "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    if (!f) {
        perror(path);
        return 73;
    }
    bool ok = fn(f, pb);
    if (fclose(f) != 0 || !ok) {
        fprintf(stderr, "%s: write failed\n", path);
        return 74;
    }
    return 0;
}

int main(int argc, char **argv)
{
    const char *in = NULL, *out = NULL, *as_of = NULL, *config = NULL;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (strcmp(argv[i], "--in") == 0)
            in = argv[i + 1];
        else if (strcmp(argv[i], "--out") == 0)
            out = argv[i + 1];
        else if (strcmp(argv[i], "--as-of") == 0)
            as_of = argv[i + 1];
        else if (strcmp(argv[i], "--config") == 0)
            config = argv[i + 1];
        else
            in = NULL, i = argc;
    }
    if (!in || !out || argc % 2 == 0) {
        fprintf(stderr, "usage: playbook_csv --in DIR --out DIR [--as-of "
                        "YYYY-MM] [--config FILE]\n");
        return 64;
    }
    struct ftk_diag diag;
    struct config cfg;
    enum ftk_error err = config_load(&cfg, config, &diag);
    if (err != FTK_OK) {
        fprintf(stderr, "%s\n", diag.msg);
        return ftk_exit_code(err);
    }
    static const char *const kinds[] = {"customers", "entitlements", "usage"};
    char *files[3][MAX_FILES];
    int n[3] = {0, 0, 0}, rc = 0;
    struct store st;
    struct rejects rj;
    struct facts facts;
    struct playbook pb;
    bool have_facts = false;
    memset(&pb, 0, sizeof(pb));
    store_init(&st, &cfg);
    rejects_init(&rj, NULL);
    for (int k = 0; k < 3; k++) {
        n[k] = list(in, kinds[k], files[k]);
        if (n[k] <= 0) {
            fprintf(stderr, "%s: no %s file\n", in, kinds[k]);
            n[k] = n[k] < 0 ? 0 : n[k];
            rc = 66;
            goto out;
        }
    }
    for (int k = 0; k < 3; k++) {
        for (int i = 0; i < n[k]; i++) {
            struct extract_stats stats;
            memset(&stats, 0, sizeof(stats));
            err = extract_file(&st, &rj, (enum extract_kind)k, files[k][i],
                               &stats, &diag);
            if (err != FTK_OK) {
                fprintf(stderr, "%s\n", diag.msg);
                rc = ftk_exit_code(err);
                goto out;
            }
            if (extract_over_threshold(&stats, cfg.max_reject_pct)) {
                fprintf(stderr, "%s: too many rejected rows\n", files[k][i]);
                rc = 65;
                goto out;
            }
        }
        if (k == EXTRACT_CUSTOMERS && store_customers_done(&st) != FTK_OK) {
            rc = 74;
            goto out;
        }
        if (k == EXTRACT_ENTITLEMENTS)
            store_entitlements_done(&st);
    }
    int32_t month;
    if (as_of) {
        if (!kpi_month_parse(as_of, strlen(as_of), &month)) {
            fprintf(stderr, "bad --as-of %s\n", as_of);
            rc = 64;
            goto out;
        }
    } else if (st.latest_usage_date == KPI_NO_DATE) {
        fprintf(stderr, "no usage and no --as-of\n");
        rc = 65;
        goto out;
    } else {
        month = kpi_month_of(st.latest_usage_date);
    }
    if ((err = facts_build(&facts, &st, month, &diag)) != FTK_OK ||
        (have_facts = true, err = playbook_init(&pb, &facts, &diag)) !=
            FTK_OK) {
        fprintf(stderr, "%s\n", diag.msg);
        rc = ftk_exit_code(err);
        goto out;
    }
    rc = write_file(out, "next_actions.csv", playbook_csv_next_actions, &pb);
    if (rc == 0)
        rc = write_file(out, "exec_summaries.csv", playbook_csv_exec_summaries,
                        &pb);
out:
    playbook_release(&pb);
    if (have_facts)
        facts_release(&facts);
    store_release(&st);
    config_release(&cfg);
    for (int k = 0; k < 3; k++)
        for (int i = 0; i < n[k]; i++)
            free(files[k][i]);
    return rc;
}
