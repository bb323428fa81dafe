/*
 * pipeline/cohort/run.c - the published facts of a run, read back (run.h).
 */
#include "run.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kpi/date.h"
#include "pipeline/base/grow.h"
#include "pipeline/base/sort.h"
#include "pipeline/cohort/common.h"
#include "pipeline/ingest/csv_reader.h"
#include "pipeline/ingest/source.h"
#include "pipeline/manifest.h"
#include "pipeline/publish.h"
#include "pipeline/report/tables.h"

#include "pipeline/base/testing.h"

enum ftk_error cohort_run_as_of(const char *dir, int32_t *month,
                                struct ftk_diag *diag)
{
    char *path = cohort_path_join(dir, "run.json");
    if (!path)
        return cohort_nomem(diag);
    enum ftk_error err = FTK_OK;
    FILE *f = fopen(path, "rb");
    if (!f) {
        err = ftk_fail(diag, FTK_E_NOINPUT,
                       "%s: cannot open: %s (is %s the --out folder of a "
                       "run?)",
                       path, strerror(errno), dir);
        free(path);
        return err;
    }
    /* as_of_month is among the manifest's first keys */
    enum { HEAD = 65536 };
    char *buf = malloc(HEAD);
    if (!buf) {
        fclose(f);
        free(path);
        return cohort_nomem(diag);
    }
    size_t n = fread(buf, 1, HEAD - 1, f);
    bool bad = ferror(f);
    fclose(f);
    buf[n] = '\0';
    const char *p = bad ? NULL : strstr(buf, "\"as_of_month\"");
    if (p) {
        p += strlen("\"as_of_month\"");
        p += strspn(p, " \t\r\n");
        if (*p == ':')
            p++;
        p += strspn(p, " \t\r\n");
        if (*p != '"' || !kpi_month_parse(p + 1, 7, month) || p[8] != '"')
            p = NULL;
    }
    if (bad)
        err = ftk_fail(diag, FTK_E_IO, "%s: read failed", path);
    else if (!p)
        err = ftk_fail(diag, FTK_E_DATA,
                       "%s: no \"as_of_month\": \"YYYY-MM\" in the manifest",
                       path);
    free(buf);
    free(path);
    return err;
}

static int customer_cmp(const void *a, const void *b)
{
    const struct cohort_customer *x = a, *y = b;
    return strcmp(x->tenant_id, y->tenant_id);
}

const struct cohort_customer *cohort_run_find(const struct cohort_run *run,
                                              const char *tenant_id)
{
    struct cohort_customer key = {.tenant_id = tenant_id};
    if (run->n_customers == 0)
        return NULL;
    return bsearch(&key, run->customer, run->n_customers,
                   sizeof(run->customer[0]), customer_cmp);
}

/* The as_of_month cell of a row (column name of its file) must be the
 * run's. */
static enum ftk_error check_month(const struct cohort_run *run,
                                  const char *path, uint64_t line,
                                  const char *column, struct cohort_cell c,
                                  struct ftk_diag *diag)
{
    int32_t m;
    if (kpi_month_parse(c.s, c.len, &m) && m == run->as_of_month)
        return FTK_OK;
    char want[8];
    kpi_month_format(run->as_of_month, want);
    return ftk_fail(diag, FTK_E_DATA,
                    "%s:%llu: %s '%.*s', but run.json says %s: the folder "
                    "holds files of two runs",
                    path, (ull)line, column, c.len > 20 ? 20 : (int)c.len, c.s,
                    want);
}

/* The name of a column of customer_kpis.csv, of workload_kpis.csv. */
static const char *ck(int col)
{
    return report_customer_kpis.col[col].name;
}

static const char *wk(int col)
{
    return report_workload_kpis.col[col].name;
}

/* The columns of customer_kpis.csv the cohort reads, in the order a
 * missing one is named. */
static const struct cohort_need customer_need[] = {
    {CK_AS_OF_MONTH, true},   {CK_TENANT_ID, true},   {CK_CUSTOMER_NAME, true},
    {CK_REGION, true},        {CK_FM, true},          {CK_CORE_QE, true},
    {CK_CORE_AE, true},       {CK_CORE_AU_PCT, true}, {CK_HEALTH, true},
    {CK_USERS_TO_GOAL, true}, {CK_FOCUS_AREAS, true},
};

static enum ftk_error customer_row(struct cohort_run *run, const char *path,
                                   const struct csv_record *rec, const int *idx,
                                   struct cohort_customer *c,
                                   struct ftk_diag *diag)
{
    uint64_t line = rec->line;
    struct cohort_cell v[CK_COUNT];
    for (int i = 0; i < CK_COUNT; i++)
        v[i] = cohort_cell_at(rec, idx[i]);
    enum ftk_error err = check_month(run, path, line, ck(CK_AS_OF_MONTH),
                                     v[CK_AS_OF_MONTH], diag);
    if (err != FTK_OK)
        return err;
    memset(c, 0, sizeof(*c));
    c->line = line;
    c->kpis.as_of_month = run->as_of_month;
    if (v[CK_TENANT_ID].len == 0)
        return cohort_bad_cell(diag, path, line, ck(CK_TENANT_ID),
                               v[CK_TENANT_ID], "a tenant id");
    if (!cohort_parse_count(v[CK_CORE_QE], &c->kpis.core_qe))
        return cohort_bad_cell(diag, path, line, ck(CK_CORE_QE), v[CK_CORE_QE],
                               "a whole number");
    if (!cohort_parse_count(v[CK_CORE_AE], &c->kpis.core_ae))
        return cohort_bad_cell(diag, path, line, ck(CK_CORE_AE), v[CK_CORE_AE],
                               "a whole number");
    c->kpis.core_au_defined = v[CK_CORE_AU_PCT].len > 0;
    if (c->kpis.core_au_defined &&
        !cohort_parse_centi(v[CK_CORE_AU_PCT], &c->kpis.core_au))
        return cohort_bad_cell(diag, path, line, ck(CK_CORE_AU_PCT),
                               v[CK_CORE_AU_PCT],
                               "a percent such as 37.50, or empty");
    if (!cohort_parse_health(v[CK_HEALTH], &c->kpis.health))
        return cohort_bad_cell(diag, path, line, ck(CK_HEALTH), v[CK_HEALTH],
                               "Green, Yellow, Red or N/A");
    if (!cohort_parse_count(v[CK_USERS_TO_GOAL], &c->kpis.users_to_goal))
        return cohort_bad_cell(diag, path, line, ck(CK_USERS_TO_GOAL),
                               v[CK_USERS_TO_GOAL], "a whole number");
    if (!cohort_parse_focus(v[CK_FOCUS_AREAS], &c->kpis.focus))
        return cohort_bad_cell(diag, path, line, ck(CK_FOCUS_AREAS),
                               v[CK_FOCUS_AREAS],
                               "focus area codes joined by ';'");
    c->tenant_id = cohort_cell_keep(&run->strings, v[CK_TENANT_ID]);
    c->customer_name = cohort_cell_keep(&run->strings, v[CK_CUSTOMER_NAME]);
    c->region = cohort_cell_keep(&run->strings, v[CK_REGION]);
    c->fm = cohort_cell_keep(&run->strings, v[CK_FM]);
    if (!c->tenant_id || !c->customer_name || !c->region || !c->fm)
        return cohort_nomem(diag);
    return FTK_OK;
}

static enum ftk_error load_customers(struct cohort_run *run,
                                     struct ftk_diag *diag)
{
    int idx[CK_COUNT];
    char *path = cohort_path_join(run->dir, report_customer_kpis.file);
    if (!path)
        return cohort_nomem(diag);
    struct csv_reader *r = NULL;
    size_t n_fields, cap = 0;
    enum ftk_error err =
        cohort_table_open(path, &report_customer_kpis, customer_need,
                          sizeof(customer_need) / sizeof(customer_need[0]), idx,
                          &r, &n_fields, diag);
    while (err == FTK_OK) {
        const struct csv_record *rec;
        err = csv_reader_next(r, &rec, diag);
        if (err != FTK_OK || !rec)
            break;
        err = cohort_field_count(path, rec, n_fields, diag);
        if (err != FTK_OK)
            break;
        struct cohort_customer *c =
            grow_array(run->customer, &cap, run->n_customers + 1, sizeof(*c));
        if (!c) {
            err = cohort_nomem(diag);
            break;
        }
        run->customer = c;
        err = customer_row(run, path, rec, idx,
                           &run->customer[run->n_customers], diag);
        if (err == FTK_OK)
            run->n_customers++;
    }
    csv_reader_close(r);
    if (err == FTK_OK && run->n_customers > 0) {
        sort_array(run->customer, run->n_customers, sizeof(run->customer[0]),
                   customer_cmp);
        for (size_t i = 1; i < run->n_customers; i++) {
            const struct cohort_customer *a = &run->customer[i - 1],
                                         *b = &run->customer[i];
            if (strcmp(a->tenant_id, b->tenant_id) == 0) {
                err = ftk_fail(
                    diag, FTK_E_DATA,
                    "%s:%llu: tenant %s appears twice (also line "
                    "%llu)",
                    path, (ull)(a->line > b->line ? a->line : b->line),
                    a->tenant_id, (ull)(a->line > b->line ? b->line : a->line));
                break;
            }
        }
    }
    free(path);
    return err;
}

static int find_workload(const struct cohort_run *run, struct cohort_cell c)
{
    for (int i = 0; i < run->n_workloads; i++)
        if (c.len == strlen(run->workload[i]) &&
            memcmp(c.s, run->workload[i], c.len) == 0)
            return i;
    return -1;
}

/* The customer of a row's tenant_id cell, or an error naming the row. */
static enum ftk_error row_customer(const struct cohort_run *run,
                                   const char *path, uint64_t line,
                                   struct cohort_cell tenant, size_t *index,
                                   struct ftk_diag *diag)
{
    char id[256];
    if (tenant.len < sizeof(id)) {
        memcpy(id, tenant.s, tenant.len);
        id[tenant.len] = '\0';
        const struct cohort_customer *c = cohort_run_find(run, id);
        if (c) {
            *index = (size_t)(c - run->customer);
            return FTK_OK;
        }
    }
    return ftk_fail(diag, FTK_E_DATA,
                    "%s:%llu: tenant '%.*s' is not in %s: the folder holds "
                    "files of two runs",
                    path, (ull)line, tenant.len > 64 ? 64 : (int)tenant.len,
                    tenant.s, report_customer_kpis.file);
}

/* The columns of workload_kpis.csv the cohort reads. */
static const struct cohort_need workload_need[] = {
    {WK_AS_OF_MONTH, true}, {WK_TENANT_ID, true}, {WK_WORKLOAD, true},
    {WK_QE, true},          {WK_AE, true},        {WK_AU_PCT, true},
    {WK_HEALTH, true},
};

static enum ftk_error load_workloads(struct cohort_run *run,
                                     struct ftk_diag *diag)
{
    int idx[WK_COUNT];
    size_t n_wl = (size_t)run->n_workloads;
    /* one slot per customer and workload; n_wl is at most
     * COHORT_MAX_WORKLOADS */
    size_t slots = run->n_customers * n_wl + 1;
    bool overflow = n_wl > 0 && run->n_customers > (SIZE_MAX - 1) / n_wl;
    run->wl = overflow ? NULL : calloc(slots, sizeof(*run->wl));
    bool *seen = overflow ? NULL : calloc(slots, sizeof(*seen));
    char *path = cohort_path_join(run->dir, report_workload_kpis.file);
    enum ftk_error err = FTK_OK;
    struct csv_reader *r = NULL;
    size_t n_fields;
    if (!run->wl || !seen || !path) {
        err = cohort_nomem(diag);
        goto out;
    }
    for (size_t i = 0; i < run->n_customers; i++)
        run->customer[i].kpis.wl = run->wl + i * n_wl;
    err = cohort_table_open(path, &report_workload_kpis, workload_need,
                            sizeof(workload_need) / sizeof(workload_need[0]),
                            idx, &r, &n_fields, diag);
    while (err == FTK_OK) {
        const struct csv_record *rec;
        err = csv_reader_next(r, &rec, diag);
        if (err != FTK_OK || !rec)
            break;
        err = cohort_field_count(path, rec, n_fields, diag);
        if (err == FTK_OK)
            err = check_month(run, path, rec->line, wk(WK_AS_OF_MONTH),
                              cohort_cell_at(rec, idx[WK_AS_OF_MONTH]), diag);
        if (err != FTK_OK)
            break;
        int w = find_workload(run, cohort_cell_at(rec, idx[WK_WORKLOAD]));
        if (w < 0)
            continue;
        size_t ci;
        err = row_customer(run, path, rec->line,
                           cohort_cell_at(rec, idx[WK_TENANT_ID]), &ci, diag);
        if (err != FTK_OK)
            break;
        struct cohort_customer *c = &run->customer[ci];
        if (seen[ci * n_wl + (size_t)w]) {
            err = ftk_fail(diag, FTK_E_DATA,
                           "%s:%llu: a second row for %s and %s", path,
                           (ull)rec->line, c->tenant_id, run->workload[w]);
            break;
        }
        seen[ci * n_wl + (size_t)w] = true;
        struct cohort_wl *x = &c->kpis.wl[w];
        struct cohort_cell au = cohort_cell_at(rec, idx[WK_AU_PCT]);
        x->au_defined = au.len > 0;
        if (x->au_defined && !cohort_parse_centi(au, &x->au)) {
            err = cohort_bad_cell(diag, path, rec->line, wk(WK_AU_PCT), au,
                                  "a percent such as 37.50, or empty");
            break;
        }
        struct cohort_cell h = cohort_cell_at(rec, idx[WK_HEALTH]);
        if (!cohort_parse_health(h, &x->health)) {
            err = cohort_bad_cell(diag, path, rec->line, wk(WK_HEALTH), h,
                                  "Green, Yellow, Red or N/A");
            break;
        }
        if (x->au_defined) {
            int64_t qe, ae;
            struct cohort_cell cq = cohort_cell_at(rec, idx[WK_QE]),
                               ca = cohort_cell_at(rec, idx[WK_AE]);
            if (!cohort_parse_count(cq, &qe)) {
                err = cohort_bad_cell(diag, path, rec->line, wk(WK_QE), cq,
                                      "a whole number");
                break;
            }
            if (!cohort_parse_count(ca, &ae)) {
                err = cohort_bad_cell(diag, path, rec->line, wk(WK_AE), ca,
                                      "a whole number");
                break;
            }
            c->wl_qe += qe;
            c->wl_ae += ae;
        }
    }
out:
    csv_reader_close(r);
    free(seen);
    free(path);
    return err;
}

/* The columns of cohort_candidates.csv the cohort reads. */
static const struct cohort_need candidate_need[] = {
    {CC_AS_OF_MONTH, true}, {CC_TENANT_ID, true}, {CC_FOCUS_AREA, true},
    {CC_WORKLOAD, true},    {CC_DETAIL, true},
};

static enum ftk_error load_candidates(struct cohort_run *run,
                                      struct ftk_diag *diag)
{
    int idx[CC_COUNT];
    char *path = cohort_path_join(run->dir, report_candidates.file);
    if (!path)
        return cohort_nomem(diag);
    struct csv_reader *r = NULL;
    size_t n_fields;
    enum ftk_error err =
        cohort_table_open(path, &report_candidates, candidate_need,
                          sizeof(candidate_need) / sizeof(candidate_need[0]),
                          idx, &r, &n_fields, diag);
    while (err == FTK_OK) {
        const struct csv_record *rec;
        err = csv_reader_next(r, &rec, diag);
        if (err != FTK_OK || !rec)
            break;
        err = cohort_field_count(path, rec, n_fields, diag);
        if (err == FTK_OK)
            err = check_month(run, path, rec->line,
                              report_candidates.col[CC_AS_OF_MONTH].name,
                              cohort_cell_at(rec, idx[CC_AS_OF_MONTH]), diag);
        size_t ci;
        if (err == FTK_OK)
            err =
                row_customer(run, path, rec->line,
                             cohort_cell_at(rec, idx[CC_TENANT_ID]), &ci, diag);
        if (err != FTK_OK)
            break;
        struct cohort_cell area = cohort_cell_at(rec, idx[CC_FOCUS_AREA]),
                           wl = cohort_cell_at(rec, idx[CC_WORKLOAD]),
                           detail = cohort_cell_at(rec, idx[CC_DETAIL]);
        struct text *d = &run->customer[ci].details;
        if (d->len > 0)
            text_adds(d, " | ");
        text_addf(d, "%.*s%s%.*s: ", area.len > 40 ? 40 : (int)area.len, area.s,
                  wl.len ? " " : "", wl.len > 40 ? 40 : (int)wl.len, wl.s);
        text_add(d, detail.s, detail.len);
        if (text_failed(d))
            err = cohort_nomem(diag);
    }
    csv_reader_close(r);
    free(path);
    return err;
}

static int str_cmp(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static enum ftk_error collect_regions(struct cohort_run *run,
                                      struct ftk_diag *diag)
{
    run->region = calloc(run->n_customers + 1, sizeof(*run->region));
    if (!run->region)
        return cohort_nomem(diag);
    for (size_t i = 0; i < run->n_customers; i++)
        run->region[i] = run->customer[i].region;
    sort_array(run->region, run->n_customers, sizeof(*run->region), str_cmp);
    size_t n = 0;
    for (size_t i = 0; i < run->n_customers; i++)
        if (n == 0 || strcmp(run->region[n - 1], run->region[i]) != 0)
            run->region[n++] = run->region[i];
    run->n_regions = n;
    return FTK_OK;
}

/* The files of a run are read only as the run published them: each must
 * have the size and SHA-256 its run.json lists (docs/cohorts.md). */
static enum ftk_error verify_outputs(const char *dir, const char *const *files,
                                     size_t n, struct ftk_diag *diag)
{
    char *manifest = cohort_path_join(dir, "run.json");
    if (!manifest)
        return cohort_nomem(diag);
    struct manifest_listing l;
    enum ftk_error err = manifest_read_outputs(manifest, &l, diag);
    for (size_t i = 0; err == FTK_OK && i < n; i++) {
        const struct manifest_entry *e = manifest_listing_find(&l, files[i]);
        char *path = cohort_path_join(dir, files[i]);
        uint64_t bytes;
        char sha[65];
        if (!path)
            err = cohort_nomem(diag);
        else if (!e)
            err = ftk_fail(diag, FTK_E_DATA,
                           "%s: not among the outputs %s lists: the folder "
                           "is not a run's as it published it",
                           path, manifest);
        else if ((err = source_digest(path, &bytes, sha, diag)) != FTK_OK)
            ; /* source_digest named the file */
        else if (bytes != e->bytes || strcmp(sha, e->sha256) != 0)
            err = ftk_fail(diag, FTK_E_DATA,
                           "%s: changed since the run published it (%llu "
                           "bytes, sha256 %.16s..., where %s says %llu "
                           "bytes, sha256 %.16s...): refusing to read it; "
                           "run ftkpi run again to publish a whole set",
                           path, (ull)bytes, sha, manifest, (ull)e->bytes,
                           e->sha256);
        free(path);
    }
    manifest_listing_release(&l);
    free(manifest);
    return err;
}

enum ftk_error cohort_run_load(struct cohort_run *run, const char *dir,
                               const char *const *workloads, int n_workloads,
                               bool with_candidates, struct ftk_diag *diag)
{
    memset(run, 0, sizeof(*run));
    arena_init(&run->strings);
    if (n_workloads > COHORT_MAX_WORKLOADS)
        return ftk_fail(diag, FTK_E_CONFIG, "more than %d workloads",
                        COHORT_MAX_WORKLOADS);
    for (int i = 0; i < n_workloads; i++)
        snprintf(run->workload[i], sizeof(run->workload[i]), "%s",
                 workloads[i]);
    run->n_workloads = n_workloads;
    run->dir = malloc(strlen(dir) + 1);
    if (!run->dir)
        return cohort_nomem(diag);
    strcpy(run->dir, dir);
    /* no publish may rename files while they are read */
    int lock_fd;
    enum ftk_error err = publish_read_lock(dir, &lock_fd, diag);
    if (err == FTK_OK)
        err = cohort_run_as_of(dir, &run->as_of_month, diag);
    if (err == FTK_OK) {
        const char *files[] = {report_customer_kpis.file,
                               report_workload_kpis.file,
                               report_candidates.file};
        err = verify_outputs(dir, files, with_candidates ? 3 : 2, diag);
    }
    if (err == FTK_OK)
        err = load_customers(run, diag);
    if (err == FTK_OK)
        err = load_workloads(run, diag);
    if (err == FTK_OK && with_candidates)
        err = load_candidates(run, diag);
    if (err == FTK_OK)
        err = collect_regions(run, diag);
    if (lock_fd >= 0)
        close(lock_fd);
    if (err != FTK_OK)
        cohort_run_release(run);
    return err;
}

enum ftk_error cohort_run_check_core(const struct cohort_run *run,
                                     struct ftk_diag *diag)
{
    for (size_t i = 0; i < run->n_customers; i++) {
        const struct cohort_customer *c = &run->customer[i];
        if (c->wl_qe == c->kpis.core_qe && c->wl_ae == c->kpis.core_ae)
            continue;
        char list[COHORT_MAX_WORKLOADS * (CONFIG_CODE_MAX + 2)] = "";
        for (int w = 0; w < run->n_workloads; w++) {
            if (w)
                strcat(list, ", ");
            strcat(list, run->workload[w]);
        }
        return ftk_fail(diag, FTK_E_CONFIG,
                        "%s/%s:%llu: %s has %s %lld and %s %lld, but %s "
                        "gives %lld and %lld over the core workloads of the "
                        "configuration (%s): the run used another "
                        "configuration; give the run's --config",
                        run->dir, report_customer_kpis.file, (ull)c->line,
                        c->tenant_id, ck(CK_CORE_QE),
                        (long long)c->kpis.core_qe, ck(CK_CORE_AE),
                        (long long)c->kpis.core_ae, report_workload_kpis.file,
                        (long long)c->wl_qe, (long long)c->wl_ae, list);
    }
    return FTK_OK;
}

void cohort_run_release(struct cohort_run *run)
{
    for (size_t i = 0; i < run->n_customers; i++)
        text_release(&run->customer[i].details);
    free(run->customer);
    free(run->region);
    free(run->wl);
    free(run->dir);
    arena_release(&run->strings);
    memset(run, 0, sizeof(*run));
}

size_t cohort_run_candidates(const struct cohort_run *run, const char *region)
{
    size_t n = 0;
    for (size_t i = 0; i < run->n_customers; i++)
        n += run->customer[i].kpis.focus != 0 &&
             strcmp(run->customer[i].region, region) == 0;
    return n;
}
