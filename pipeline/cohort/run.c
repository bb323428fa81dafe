/*
 * pipeline/cohort/run.c - the published facts of a run, read back (run.h).
 */
#include "run.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kpi/date.h"
#include "pipeline/base/grow.h"
#include "pipeline/base/sort.h"
#include "pipeline/cohort/common.h"
#include "pipeline/ingest/csv_reader.h"
#include "pipeline/publish.h"

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

static enum ftk_error check_month(const struct cohort_run *run,
                                  const char *path, uint64_t line,
                                  struct cohort_cell c, struct ftk_diag *diag)
{
    int32_t m;
    if (kpi_month_parse(c.s, c.len, &m) && m == run->as_of_month)
        return FTK_OK;
    char want[8];
    kpi_month_format(run->as_of_month, want);
    return ftk_fail(diag, FTK_E_DATA,
                    "%s:%llu: as_of_month '%.*s', but run.json says %s: the "
                    "folder holds files of two runs",
                    path, (ull)line, c.len > 20 ? 20 : (int)c.len, c.s, want);
}

enum {
    CK_MONTH,
    CK_TENANT,
    CK_NAME,
    CK_REGION,
    CK_FM,
    CK_CORE_QE,
    CK_CORE_AE,
    CK_CORE_AU,
    CK_HEALTH,
    CK_UTG,
    CK_FOCUS,
    CK_COUNT
};

static enum ftk_error customer_row(struct cohort_run *run, const char *path,
                                   const struct csv_record *rec,
                                   const struct cohort_column *col,
                                   struct cohort_customer *c,
                                   struct ftk_diag *diag)
{
    struct cohort_cell v[CK_COUNT];
    for (int i = 0; i < CK_COUNT; i++)
        v[i] = cohort_cell_at(rec, col[i].index);
    enum ftk_error err = check_month(run, path, rec->line, v[CK_MONTH], diag);
    if (err != FTK_OK)
        return err;
    memset(c, 0, sizeof(*c));
    c->line = rec->line;
    c->kpis.as_of_month = run->as_of_month;
    if (v[CK_TENANT].len == 0)
        return cohort_bad_cell(diag, path, rec->line, "tenant_id", v[CK_TENANT],
                               "a tenant id");
    if (!cohort_parse_count(v[CK_CORE_QE], &c->kpis.core_qe))
        return cohort_bad_cell(diag, path, rec->line, "core_qe", v[CK_CORE_QE],
                               "a whole number");
    if (!cohort_parse_count(v[CK_CORE_AE], &c->kpis.core_ae))
        return cohort_bad_cell(diag, path, rec->line, "core_ae", v[CK_CORE_AE],
                               "a whole number");
    c->kpis.core_au_defined = v[CK_CORE_AU].len > 0;
    if (c->kpis.core_au_defined &&
        !cohort_parse_centi(v[CK_CORE_AU], &c->kpis.core_au))
        return cohort_bad_cell(diag, path, rec->line, "core_au_pct",
                               v[CK_CORE_AU],
                               "a percent such as 37.50, or empty");
    if (!cohort_parse_health(v[CK_HEALTH], &c->kpis.health))
        return cohort_bad_cell(diag, path, rec->line, "health", v[CK_HEALTH],
                               "Green, Yellow, Red or N/A");
    if (!cohort_parse_count(v[CK_UTG], &c->kpis.users_to_goal))
        return cohort_bad_cell(diag, path, rec->line, "users_to_goal",
                               v[CK_UTG], "a whole number");
    if (!cohort_parse_focus(v[CK_FOCUS], &c->kpis.focus))
        return cohort_bad_cell(diag, path, rec->line, "focus_areas",
                               v[CK_FOCUS], "focus area codes joined by ';'");
    c->tenant_id = cohort_cell_keep(&run->strings, v[CK_TENANT]);
    c->customer_name = cohort_cell_keep(&run->strings, v[CK_NAME]);
    c->region = cohort_cell_keep(&run->strings, v[CK_REGION]);
    c->fm = cohort_cell_keep(&run->strings, v[CK_FM]);
    if (!c->tenant_id || !c->customer_name || !c->region || !c->fm)
        return cohort_nomem(diag);
    return FTK_OK;
}

static enum ftk_error load_customers(struct cohort_run *run,
                                     struct ftk_diag *diag)
{
    struct cohort_column col[CK_COUNT] = {
        {"as_of_month", true, -1},
        {"tenant_id", true, -1},
        {"customer_name", true, -1},
        {"region", true, -1},
        {"fm", true, -1},
        {"core_qe", true, -1},
        {"core_ae", true, -1},
        {"core_au_pct", true, -1},
        {"health", true, -1},
        {"users_to_goal", true, -1},
        {"focus_areas", true, -1},
    };
    char *path = cohort_path_join(run->dir, "customer_kpis.csv");
    if (!path)
        return cohort_nomem(diag);
    struct csv_reader *r = NULL;
    size_t n_fields, cap = 0;
    enum ftk_error err =
        cohort_table_open(path, &r, col, CK_COUNT, &n_fields, diag);
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
        err = customer_row(run, path, rec, col,
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
                    "%s:%llu: tenant '%.*s' is not in customer_kpis.csv: the "
                    "folder holds files of two runs",
                    path, (ull)line, tenant.len > 64 ? 64 : (int)tenant.len,
                    tenant.s);
}

enum {
    WK_MONTH,
    WK_TENANT,
    WK_WORKLOAD,
    WK_QE,
    WK_AE,
    WK_AU,
    WK_HEALTH,
    WK_COUNT
};

static enum ftk_error load_workloads(struct cohort_run *run,
                                     struct ftk_diag *diag)
{
    struct cohort_column col[WK_COUNT] = {
        {"as_of_month", true, -1}, {"tenant_id", true, -1},
        {"workload", true, -1},    {"qe", true, -1},
        {"ae", true, -1},          {"au_pct", true, -1},
        {"health", true, -1},
    };
    size_t n_wl = (size_t)run->n_workloads;
    run->wl = calloc(run->n_customers * n_wl + 1, sizeof(*run->wl));
    bool *seen = calloc(run->n_customers * n_wl + 1, sizeof(*seen));
    char *path = cohort_path_join(run->dir, "workload_kpis.csv");
    enum ftk_error err = FTK_OK;
    struct csv_reader *r = NULL;
    size_t n_fields;
    if (!run->wl || !seen || !path) {
        err = cohort_nomem(diag);
        goto out;
    }
    for (size_t i = 0; i < run->n_customers; i++)
        run->customer[i].kpis.wl = run->wl + i * n_wl;
    err = cohort_table_open(path, &r, col, WK_COUNT, &n_fields, diag);
    while (err == FTK_OK) {
        const struct csv_record *rec;
        err = csv_reader_next(r, &rec, diag);
        if (err != FTK_OK || !rec)
            break;
        err = cohort_field_count(path, rec, n_fields, diag);
        if (err == FTK_OK)
            err = check_month(run, path, rec->line,
                              cohort_cell_at(rec, col[WK_MONTH].index), diag);
        if (err != FTK_OK)
            break;
        int w = find_workload(run, cohort_cell_at(rec, col[WK_WORKLOAD].index));
        if (w < 0)
            continue;
        size_t ci;
        err =
            row_customer(run, path, rec->line,
                         cohort_cell_at(rec, col[WK_TENANT].index), &ci, diag);
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
        struct cohort_cell au = cohort_cell_at(rec, col[WK_AU].index);
        x->au_defined = au.len > 0;
        if (x->au_defined && !cohort_parse_centi(au, &x->au)) {
            err = cohort_bad_cell(diag, path, rec->line, "au_pct", au,
                                  "a percent such as 37.50, or empty");
            break;
        }
        struct cohort_cell h = cohort_cell_at(rec, col[WK_HEALTH].index);
        if (!cohort_parse_health(h, &x->health)) {
            err = cohort_bad_cell(diag, path, rec->line, "health", h,
                                  "Green, Yellow, Red or N/A");
            break;
        }
        if (x->au_defined) {
            int64_t qe, ae;
            struct cohort_cell cq = cohort_cell_at(rec, col[WK_QE].index),
                               ca = cohort_cell_at(rec, col[WK_AE].index);
            if (!cohort_parse_count(cq, &qe)) {
                err = cohort_bad_cell(diag, path, rec->line, "qe", cq,
                                      "a whole number");
                break;
            }
            if (!cohort_parse_count(ca, &ae)) {
                err = cohort_bad_cell(diag, path, rec->line, "ae", ca,
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

/* Appends "sep text" to *s (a heap string, may be NULL). */
static bool append(char **s, const char *sep, const char *a, size_t alen,
                   const char *b, size_t blen)
{
    size_t old = *s ? strlen(*s) : 0;
    size_t seplen = old ? strlen(sep) : 0;
    char *p = realloc(*s, old + seplen + alen + blen + 1);
    if (!p)
        return false;
    memcpy(p + old, sep, seplen);
    memcpy(p + old + seplen, a, alen);
    memcpy(p + old + seplen + alen, b, blen);
    p[old + seplen + alen + blen] = '\0';
    *s = p;
    return true;
}

enum { CC_MONTH, CC_TENANT, CC_AREA, CC_WORKLOAD, CC_DETAIL, CC_COUNT };

static enum ftk_error load_candidates(struct cohort_run *run,
                                      struct ftk_diag *diag)
{
    struct cohort_column col[CC_COUNT] = {
        {"as_of_month", true, -1}, {"tenant_id", true, -1},
        {"focus_area", true, -1},  {"workload", true, -1},
        {"detail", true, -1},
    };
    char *path = cohort_path_join(run->dir, "cohort_candidates.csv");
    if (!path)
        return cohort_nomem(diag);
    struct csv_reader *r = NULL;
    size_t n_fields;
    enum ftk_error err =
        cohort_table_open(path, &r, col, CC_COUNT, &n_fields, diag);
    while (err == FTK_OK) {
        const struct csv_record *rec;
        err = csv_reader_next(r, &rec, diag);
        if (err != FTK_OK || !rec)
            break;
        err = cohort_field_count(path, rec, n_fields, diag);
        if (err == FTK_OK)
            err = check_month(run, path, rec->line,
                              cohort_cell_at(rec, col[CC_MONTH].index), diag);
        size_t ci;
        if (err == FTK_OK)
            err = row_customer(run, path, rec->line,
                               cohort_cell_at(rec, col[CC_TENANT].index), &ci,
                               diag);
        if (err != FTK_OK)
            break;
        struct cohort_cell area = cohort_cell_at(rec, col[CC_AREA].index),
                           wl = cohort_cell_at(rec, col[CC_WORKLOAD].index),
                           detail = cohort_cell_at(rec, col[CC_DETAIL].index);
        char head[128];
        snprintf(head, sizeof(head),
                 "%.*s%s%.*s: ", area.len > 40 ? 40 : (int)area.len, area.s,
                 wl.len ? " " : "", wl.len > 40 ? 40 : (int)wl.len, wl.s);
        if (!append(&run->customer[ci].details, " | ", head, strlen(head),
                    detail.s, detail.len))
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
    run->region = malloc((run->n_customers + 1) * sizeof(*run->region));
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
                        "%s/customer_kpis.csv:%llu: %s has core_qe %lld and "
                        "core_ae %lld, but workload_kpis.csv gives %lld and "
                        "%lld over the core workloads of the configuration "
                        "(%s): the run used another configuration; give the "
                        "run's --config",
                        run->dir, (ull)c->line, c->tenant_id,
                        (long long)c->kpis.core_qe, (long long)c->kpis.core_ae,
                        (long long)c->wl_qe, (long long)c->wl_ae, list);
    }
    return FTK_OK;
}

void cohort_run_release(struct cohort_run *run)
{
    for (size_t i = 0; i < run->n_customers; i++)
        free(run->customer[i].details);
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
