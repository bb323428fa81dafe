/*
 * pipeline/cohort/cohort.c - picking sheets, the frozen cohort, its change log,
 * the cohort on a date and the weekly review (cohort.h).
 */
#include "cohort.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include <xlsxwriter.h>

#include "kpi/date.h"
#include "pipeline/ingest/csv_reader.h"
#include "pipeline/base/csv_writer.h"
#include "pipeline/base/utf8.h"
#include "pipeline/base/sort.h"

#include "pipeline/base/testing.h"

typedef unsigned long long ull;

/* ---- small helpers ------------------------------------------------------ */

/* buf grown to hold need elements: the new buffer, or NULL (buf still
 * valid, *cap unchanged) when out of memory. */
static void *grow(void *buf, size_t *cap, size_t need, size_t elem)
{
    if (need <= *cap)
        return buf;
    size_t n = *cap ? *cap : 16;
    while (n < need)
        n *= 2;
    void *p = realloc(buf, n * elem);
    if (p)
        *cap = n;
    return p;
}

/* "dir/name", owned by the caller, or NULL when out of memory. */
static char *path_join(const char *dir, const char *name)
{
    size_t n = strlen(dir) + strlen(name) + 2;
    char *s = malloc(n);
    if (s)
        snprintf(s, n, "%s/%s", dir, name);
    return s;
}

static const char *base_name(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

static enum ftk_error nomem(struct ftk_diag *diag)
{
    return ftk_fail(diag, FTK_E_NOMEM, "out of memory");
}

void cohort_report_init(struct cohort_report *r)
{
    memset(r, 0, sizeof(*r));
}

void cohort_report_release(struct cohort_report *r)
{
    for (size_t i = 0; i < r->n; i++)
        free(r->line[i]);
    free(r->line);
    memset(r, 0, sizeof(*r));
}

static bool report_add(struct cohort_report *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static bool report_add(struct cohort_report *r, const char *fmt, ...)
{
    char **line = grow(r->line, &r->cap, r->n + 1, sizeof(*line));
    if (!line)
        return false;
    r->line = line;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        return false;
    char *s = malloc((size_t)n + 1);
    if (!s)
        return false;
    va_start(ap, fmt);
    vsnprintf(s, (size_t)n + 1, fmt, ap);
    va_end(ap);
    r->line[r->n++] = s;
    return true;
}

/* A cell as read, without the "'" that neutralised a formula-like text
 * (csv_writer.h), so "'-x" reads back as "-x". */
struct cell {
    const char *s;
    size_t len;
};

static struct cell cell_at(const struct csv_record *rec, int col)
{
    if (col < 0 || (size_t)col >= rec->n_fields)
        return (struct cell){"", 0};
    struct cell c = {rec->field[col], rec->len[col]};
    if (c.len >= 2 && c.s[0] == '\'' && memchr("=+-@\t\r", c.s[1], 6)) {
        c.s++;
        c.len--;
    }
    return c;
}

static bool cell_is(struct cell c, const char *word)
{
    return c.len == strlen(word) && strncasecmp(c.s, word, c.len) == 0;
}

/* A copy of the cell in the arena, or NULL when out of memory. */
static const char *keep(struct arena *a, struct cell c)
{
    return arena_strndup(a, c.s, c.len);
}

/* Plain decimal digits, at most 18 of them. */
static bool parse_count(struct cell c, int64_t *out)
{
    if (c.len == 0 || c.len > 18)
        return false;
    int64_t v = 0;
    for (size_t i = 0; i < c.len; i++) {
        if (c.s[i] < '0' || c.s[i] > '9')
            return false;
        v = v * 10 + (c.s[i] - '0');
    }
    *out = v;
    return true;
}

/* "37.50", "-5.25", "100" (at most two decimals) into hundredths. */
static bool parse_centi(struct cell c, kpi_centi *out)
{
    size_t i = 0;
    bool neg = c.len > 0 && c.s[0] == '-';
    if (neg)
        i++;
    int64_t whole = 0, frac = 0;
    size_t digits = 0, decimals = 0;
    for (; i < c.len && c.s[i] >= '0' && c.s[i] <= '9'; i++, digits++) {
        if (digits == 15)
            return false;
        whole = whole * 10 + (c.s[i] - '0');
    }
    if (digits == 0)
        return false;
    if (i < c.len && c.s[i] == '.') {
        for (i++; i < c.len && c.s[i] >= '0' && c.s[i] <= '9'; i++) {
            if (++decimals > 2)
                return false;
            frac = frac * 10 + (c.s[i] - '0');
        }
        if (decimals == 0)
            return false;
        if (decimals == 1)
            frac *= 10;
    }
    if (i != c.len)
        return false;
    *out = (neg ? -1 : 1) * (whole * 100 + frac);
    return true;
}

static bool parse_health(struct cell c, enum kpi_health *out)
{
    static const enum kpi_health all[] = {KPI_HEALTH_NA, KPI_HEALTH_RED,
                                          KPI_HEALTH_YELLOW, KPI_HEALTH_GREEN};
    for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++)
        if (cell_is(c, kpi_health_name(all[i]))) {
            *out = all[i];
            return true;
        }
    return false;
}

/* "PLATEAU;LOSER" (any order, no repeats), "" for none. */
static bool parse_focus(struct cell c, unsigned *out)
{
    unsigned focus = 0;
    size_t i = 0;
    while (i < c.len) {
        size_t j = i;
        while (j < c.len && c.s[j] != ';')
            j++;
        struct cell code = {c.s + i, j - i};
        int a = 0;
        while (a < KPI_FOCUS_COUNT &&
               !cell_is(code, kpi_focus_code((enum kpi_focus)a)))
            a++;
        if (a == KPI_FOCUS_COUNT || (focus & (1u << a)))
            return false;
        focus |= 1u << a;
        i = j + 1;
        if (j < c.len && i == c.len)
            return false; /* a trailing ';' */
    }
    *out = focus;
    return true;
}

static enum ftk_error bad_cell(struct ftk_diag *diag, const char *path,
                               uint64_t line, const char *column, struct cell c,
                               const char *expected)
{
    int shown = c.len > 60 ? 60 : (int)c.len;
    return ftk_fail(diag, FTK_E_DATA, "%s:%llu: %s '%.*s%s': expected %s", path,
                    (ull)line, column, shown, c.s, c.len > 60 ? "..." : "",
                    expected);
}

/* A column of a table, found by its name in the header. */
struct column {
    const char *name;
    bool required;
    int index;
};

/* Opens path and reads its header into cols (-1 for a column it lacks).
 * FTK_E_DATA for an empty file, a column named twice, a required one
 * missing, or a file separated by ';' (a spreadsheet's regional CSV). */
static enum ftk_error table_open(const char *path, struct csv_reader **r,
                                 struct column *cols, size_t n_cols,
                                 size_t *n_fields, struct ftk_diag *diag)
{
    const struct csv_record *h;
    enum ftk_error err = csv_reader_open(r, path, diag);
    if (err != FTK_OK)
        return err;
    err = csv_reader_next(*r, &h, diag);
    if (err == FTK_OK && !h)
        err = ftk_fail(diag, FTK_E_DATA,
                       "%s: empty file: expected a header row", path);
    if (err != FTK_OK)
        goto out;
    for (size_t i = 0; i < n_cols; i++)
        cols[i].index = -1;
    if (h->n_fields == 1 && memchr(h->field[0], ';', h->len[0])) {
        err = ftk_fail(diag, FTK_E_DATA,
                       "%s:%llu: the columns are separated by ';', not ',': "
                       "save it as CSV with commas (in Excel: \"CSV UTF-8 "
                       "(Comma delimited)\")",
                       path, (ull)h->line);
        goto out;
    }
    for (size_t f = 0; f < h->n_fields; f++) {
        struct cell c = cell_at(h, (int)f);
        for (size_t i = 0; i < n_cols; i++) {
            if (!cell_is(c, cols[i].name))
                continue;
            if (cols[i].index >= 0) {
                err = ftk_fail(diag, FTK_E_DATA,
                               "%s:%llu: column '%s' appears twice (columns "
                               "%d and %zu)",
                               path, (ull)h->line, cols[i].name,
                               cols[i].index + 1, f + 1);
                goto out;
            }
            cols[i].index = (int)f;
        }
    }
    for (size_t i = 0; i < n_cols; i++)
        if (cols[i].required && cols[i].index < 0) {
            err = ftk_fail(diag, FTK_E_DATA,
                           "%s:%llu: no '%s' column in the header", path,
                           (ull)h->line, cols[i].name);
            goto out;
        }
    *n_fields = h->n_fields;
out:
    if (err != FTK_OK) {
        csv_reader_close(*r);
        *r = NULL;
    }
    return err;
}

static enum ftk_error field_count(const char *path,
                                  const struct csv_record *rec, size_t want,
                                  struct ftk_diag *diag)
{
    if (rec->n_fields == want)
        return FTK_OK;
    return ftk_fail(diag, FTK_E_DATA,
                    "%s:%llu: %zu fields, expected %zu as in the header", path,
                    (ull)rec->line, rec->n_fields, want);
}

static void month_text(int32_t month, char out[8])
{
    if (month == KPI_NO_DATE)
        out[0] = '\0';
    else
        kpi_month_format(month, out);
}

/* A region as it goes into a file name. */
static void safe_name(const char *s, char *out, size_t cap)
{
    size_t i = 0;
    for (; s[i] && i + 1 < cap; i++) {
        char ch = s[i];
        bool ok = (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') ||
                  (ch >= '0' && ch <= '9') || ch == '-' || ch == '_';
        out[i] = ok ? ch : '_';
    }
    out[i] = '\0';
}

/* ---- the published facts of a run --------------------------------------- */

enum ftk_error cohort_run_as_of(const char *dir, int32_t *month,
                                struct ftk_diag *diag)
{
    char *path = path_join(dir, "run.json");
    if (!path)
        return nomem(diag);
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
        return nomem(diag);
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
                                  struct cell c, struct ftk_diag *diag)
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
                                   const struct column *col,
                                   struct cohort_customer *c,
                                   struct ftk_diag *diag)
{
    struct cell v[CK_COUNT];
    for (int i = 0; i < CK_COUNT; i++)
        v[i] = cell_at(rec, col[i].index);
    enum ftk_error err = check_month(run, path, rec->line, v[CK_MONTH], diag);
    if (err != FTK_OK)
        return err;
    memset(c, 0, sizeof(*c));
    c->line = rec->line;
    c->kpis.as_of_month = run->as_of_month;
    if (v[CK_TENANT].len == 0)
        return bad_cell(diag, path, rec->line, "tenant_id", v[CK_TENANT],
                        "a tenant id");
    if (!parse_count(v[CK_CORE_QE], &c->kpis.core_qe))
        return bad_cell(diag, path, rec->line, "core_qe", v[CK_CORE_QE],
                        "a whole number");
    if (!parse_count(v[CK_CORE_AE], &c->kpis.core_ae))
        return bad_cell(diag, path, rec->line, "core_ae", v[CK_CORE_AE],
                        "a whole number");
    c->kpis.core_au_defined = v[CK_CORE_AU].len > 0;
    if (c->kpis.core_au_defined &&
        !parse_centi(v[CK_CORE_AU], &c->kpis.core_au))
        return bad_cell(diag, path, rec->line, "core_au_pct", v[CK_CORE_AU],
                        "a percent such as 37.50, or empty");
    if (!parse_health(v[CK_HEALTH], &c->kpis.health))
        return bad_cell(diag, path, rec->line, "health", v[CK_HEALTH],
                        "Green, Yellow, Red or N/A");
    if (!parse_count(v[CK_UTG], &c->kpis.users_to_goal))
        return bad_cell(diag, path, rec->line, "users_to_goal", v[CK_UTG],
                        "a whole number");
    if (!parse_focus(v[CK_FOCUS], &c->kpis.focus))
        return bad_cell(diag, path, rec->line, "focus_areas", v[CK_FOCUS],
                        "focus area codes joined by ';'");
    c->tenant_id = keep(&run->strings, v[CK_TENANT]);
    c->customer_name = keep(&run->strings, v[CK_NAME]);
    c->region = keep(&run->strings, v[CK_REGION]);
    c->fm = keep(&run->strings, v[CK_FM]);
    if (!c->tenant_id || !c->customer_name || !c->region || !c->fm)
        return nomem(diag);
    return FTK_OK;
}

static enum ftk_error load_customers(struct cohort_run *run,
                                     struct ftk_diag *diag)
{
    struct column col[CK_COUNT] = {
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
    char *path = path_join(run->dir, "customer_kpis.csv");
    if (!path)
        return nomem(diag);
    struct csv_reader *r = NULL;
    size_t n_fields, cap = 0;
    enum ftk_error err = table_open(path, &r, col, CK_COUNT, &n_fields, diag);
    while (err == FTK_OK) {
        const struct csv_record *rec;
        err = csv_reader_next(r, &rec, diag);
        if (err != FTK_OK || !rec)
            break;
        err = field_count(path, rec, n_fields, diag);
        if (err != FTK_OK)
            break;
        struct cohort_customer *c =
            grow(run->customer, &cap, run->n_customers + 1, sizeof(*c));
        if (!c) {
            err = nomem(diag);
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

static int find_workload(const struct cohort_run *run, struct cell c)
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
                                   struct cell tenant, size_t *index,
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
    struct column col[WK_COUNT] = {
        {"as_of_month", true, -1}, {"tenant_id", true, -1},
        {"workload", true, -1},    {"qe", true, -1},
        {"ae", true, -1},          {"au_pct", true, -1},
        {"health", true, -1},
    };
    size_t n_wl = (size_t)run->n_workloads;
    run->wl = calloc(run->n_customers * n_wl + 1, sizeof(*run->wl));
    bool *seen = calloc(run->n_customers * n_wl + 1, sizeof(*seen));
    char *path = path_join(run->dir, "workload_kpis.csv");
    enum ftk_error err = FTK_OK;
    struct csv_reader *r = NULL;
    size_t n_fields;
    if (!run->wl || !seen || !path) {
        err = nomem(diag);
        goto out;
    }
    for (size_t i = 0; i < run->n_customers; i++)
        run->customer[i].kpis.wl = run->wl + i * n_wl;
    err = table_open(path, &r, col, WK_COUNT, &n_fields, diag);
    while (err == FTK_OK) {
        const struct csv_record *rec;
        err = csv_reader_next(r, &rec, diag);
        if (err != FTK_OK || !rec)
            break;
        err = field_count(path, rec, n_fields, diag);
        if (err == FTK_OK)
            err = check_month(run, path, rec->line,
                              cell_at(rec, col[WK_MONTH].index), diag);
        if (err != FTK_OK)
            break;
        int w = find_workload(run, cell_at(rec, col[WK_WORKLOAD].index));
        if (w < 0)
            continue;
        size_t ci;
        err = row_customer(run, path, rec->line,
                           cell_at(rec, col[WK_TENANT].index), &ci, diag);
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
        struct cell au = cell_at(rec, col[WK_AU].index);
        x->au_defined = au.len > 0;
        if (x->au_defined && !parse_centi(au, &x->au)) {
            err = bad_cell(diag, path, rec->line, "au_pct", au,
                           "a percent such as 37.50, or empty");
            break;
        }
        struct cell h = cell_at(rec, col[WK_HEALTH].index);
        if (!parse_health(h, &x->health)) {
            err = bad_cell(diag, path, rec->line, "health", h,
                           "Green, Yellow, Red or N/A");
            break;
        }
        if (x->au_defined) {
            int64_t qe, ae;
            struct cell cq = cell_at(rec, col[WK_QE].index),
                        ca = cell_at(rec, col[WK_AE].index);
            if (!parse_count(cq, &qe)) {
                err =
                    bad_cell(diag, path, rec->line, "qe", cq, "a whole number");
                break;
            }
            if (!parse_count(ca, &ae)) {
                err =
                    bad_cell(diag, path, rec->line, "ae", ca, "a whole number");
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
    struct column col[CC_COUNT] = {
        {"as_of_month", true, -1}, {"tenant_id", true, -1},
        {"focus_area", true, -1},  {"workload", true, -1},
        {"detail", true, -1},
    };
    char *path = path_join(run->dir, "cohort_candidates.csv");
    if (!path)
        return nomem(diag);
    struct csv_reader *r = NULL;
    size_t n_fields;
    enum ftk_error err = table_open(path, &r, col, CC_COUNT, &n_fields, diag);
    while (err == FTK_OK) {
        const struct csv_record *rec;
        err = csv_reader_next(r, &rec, diag);
        if (err != FTK_OK || !rec)
            break;
        err = field_count(path, rec, n_fields, diag);
        if (err == FTK_OK)
            err = check_month(run, path, rec->line,
                              cell_at(rec, col[CC_MONTH].index), diag);
        size_t ci;
        if (err == FTK_OK)
            err = row_customer(run, path, rec->line,
                               cell_at(rec, col[CC_TENANT].index), &ci, diag);
        if (err != FTK_OK)
            break;
        struct cell area = cell_at(rec, col[CC_AREA].index),
                    wl = cell_at(rec, col[CC_WORKLOAD].index),
                    detail = cell_at(rec, col[CC_DETAIL].index);
        char head[128];
        snprintf(head, sizeof(head),
                 "%.*s%s%.*s: ", area.len > 40 ? 40 : (int)area.len, area.s,
                 wl.len ? " " : "", wl.len > 40 ? 40 : (int)wl.len, wl.s);
        if (!append(&run->customer[ci].details, " | ", head, strlen(head),
                    detail.s, detail.len))
            err = nomem(diag);
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
        return nomem(diag);
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
        return nomem(diag);
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

/* ---- picking sheets ----------------------------------------------------- */

void cohort_pick_name(int32_t month, const char *region, char *out, size_t cap)
{
    char m[8], safe[128];
    kpi_month_format(month, m);
    safe_name(region, safe, sizeof(safe));
    snprintf(out, cap, "picks-%s-%s.csv", m, safe);
}

/* Users to goal descending, then tenant_id: the order of the candidates
 * (SPEC section 7). */
static int by_users_to_goal(const void *a, const void *b)
{
    const struct cohort_customer *x = *(const struct cohort_customer *const *)a;
    const struct cohort_customer *y = *(const struct cohort_customer *const *)b;
    if (x->kpis.users_to_goal != y->kpis.users_to_goal)
        return x->kpis.users_to_goal > y->kpis.users_to_goal ? -1 : 1;
    return strcmp(x->tenant_id, y->tenant_id);
}

/* The candidates of region in candidate order; *list owned by the caller
 * (NULL when out of memory). */
static const struct cohort_customer **
region_candidates(const struct cohort_run *run, const char *region, size_t *n)
{
    const struct cohort_customer **list =
        malloc((run->n_customers + 1) * sizeof(*list));
    *n = 0;
    if (!list)
        return NULL;
    for (size_t i = 0; i < run->n_customers; i++) {
        const struct cohort_customer *c = &run->customer[i];
        if (c->kpis.focus != 0 && strcmp(c->region, region) == 0)
            list[(*n)++] = c;
    }
    sort_array(list, *n, sizeof(*list), by_users_to_goal);
    return list;
}

static void opt_centi(struct csv_writer *w, bool known, kpi_centi v)
{
    if (known)
        csv_writer_centi(w, v);
    else
        csv_writer_empty(w);
}

bool cohort_pick_write(FILE *f, const struct cohort_run *run,
                       const char *region, int32_t month)
{
    static const char *const header[] = {
        "pick",        "tenant_id",     "customer_name", "region",
        "fm",          "users_to_goal", "health",        "core_au_pct",
        "focus_areas", "focus_details", "cohort_month",  "as_of_month",
        NULL};
    size_t n;
    const struct cohort_customer **list = region_candidates(run, region, &n);
    if (!list)
        return false;
    struct csv_writer w;
    char m[8], as_of[8], areas[128];
    kpi_month_format(month, m);
    kpi_month_format(run->as_of_month, as_of);
    csv_writer_init(&w, f, true);
    csv_writer_header(&w, header);
    for (size_t i = 0; i < n; i++) {
        const struct cohort_customer *c = list[i];
        csv_writer_empty(&w);
        csv_writer_str(&w, c->tenant_id);
        csv_writer_str(&w, c->customer_name);
        csv_writer_str(&w, c->region);
        csv_writer_str(&w, c->fm);
        csv_writer_int(&w, c->kpis.users_to_goal);
        csv_writer_plain(&w, kpi_health_name(c->kpis.health));
        opt_centi(&w, c->kpis.core_au_defined, c->kpis.core_au);
        kpi_focus_join(c->kpis.focus, areas, sizeof(areas));
        csv_writer_plain(&w, areas);
        csv_writer_str(&w, c->details ? c->details : "");
        csv_writer_plain(&w, m);
        csv_writer_plain(&w, as_of);
        csv_writer_end(&w);
    }
    free(list);
    return !csv_writer_error(&w);
}

enum { PK_TENANT, PK_PICK, PK_REGION, PK_MONTH, PK_COUNT };

static enum ftk_error picks_file(struct cohort_picks *p, const char *path,
                                 struct cohort_report *problems, size_t *rows,
                                 struct ftk_diag *diag)
{
    struct column col[PK_COUNT] = {
        {"tenant_id", true, -1},
        {"pick", true, -1},
        {"region", false, -1},
        {"cohort_month", false, -1},
    };
    struct csv_reader *r = NULL;
    size_t n_fields;
    bool ok = true;
    enum ftk_error err = table_open(path, &r, col, PK_COUNT, &n_fields, diag);
    while (err == FTK_OK && ok) {
        const struct csv_record *rec;
        err = csv_reader_next(r, &rec, diag);
        if (err != FTK_OK || !rec)
            break;
        bool empty = true;
        for (size_t i = 0; i < rec->n_fields && empty; i++)
            empty = rec->len[i] == 0;
        if (empty)
            continue; /* a row a spreadsheet left with only its commas */
        if (rec->n_fields != n_fields) {
            ok = report_add(problems,
                            "%s:%llu: %zu fields, expected %zu as in the "
                            "header",
                            path, (ull)rec->line, rec->n_fields, n_fields);
            continue;
        }
        struct cell tenant = cell_at(rec, col[PK_TENANT].index),
                    pick = cell_at(rec, col[PK_PICK].index),
                    region = cell_at(rec, col[PK_REGION].index),
                    month = cell_at(rec, col[PK_MONTH].index);
        struct cohort_pick_row row = {
            .file = path, .line = rec->line, .cohort_month = KPI_NO_DATE};
        if (tenant.len == 0) {
            ok = report_add(problems, "%s:%llu: no tenant_id", path,
                            (ull)rec->line);
            continue;
        }
        if (cell_is(pick, "x") || cell_is(pick, "yes") || cell_is(pick, "y") ||
            cell_is(pick, "1") || cell_is(pick, "true")) {
            row.picked = true;
        } else if (!(pick.len == 0 || cell_is(pick, "no") ||
                     cell_is(pick, "n") || cell_is(pick, "0") ||
                     cell_is(pick, "false"))) {
            ok = report_add(problems, "%s:%llu: pick '%.*s': expected %s", path,
                            (ull)rec->line, pick.len > 40 ? 40 : (int)pick.len,
                            pick.s, COHORT_PICK_VALUES);
            continue;
        }
        if (month.len > 0 &&
            !kpi_month_parse(month.s, month.len, &row.cohort_month)) {
            ok = report_add(problems,
                            "%s:%llu: cohort_month '%.*s': expected YYYY-MM",
                            path, (ull)rec->line,
                            month.len > 20 ? 20 : (int)month.len, month.s);
            continue;
        }
        row.tenant_id = keep(&p->strings, tenant);
        row.region = keep(&p->strings, region);
        struct cohort_pick_row *grown =
            grow(p->row, &p->cap, p->n + 1, sizeof(*grown));
        if (grown)
            p->row = grown;
        if (!row.tenant_id || !row.region || !grown) {
            ok = false;
            break;
        }
        p->row[p->n++] = row;
        (*rows)++;
    }
    csv_reader_close(r);
    if (err == FTK_OK && !ok)
        err = nomem(diag);
    return err;
}

enum ftk_error cohort_picks_read(struct cohort_picks *p,
                                 const char *const *files, size_t n_files,
                                 struct cohort_report *problems,
                                 struct ftk_diag *diag)
{
    memset(p, 0, sizeof(*p));
    arena_init(&p->strings);
    p->file_rows = calloc(n_files + 1, sizeof(*p->file_rows));
    if (!p->file_rows)
        return nomem(diag);
    p->n_files = n_files;
    p->files = files;
    for (size_t i = 0; i < n_files; i++) {
        enum ftk_error err =
            picks_file(p, files[i], problems, &p->file_rows[i], diag);
        if (err != FTK_OK) {
            cohort_picks_release(p);
            return err;
        }
    }
    return FTK_OK;
}

void cohort_picks_release(struct cohort_picks *p)
{
    free(p->row);
    free(p->file_rows);
    arena_release(&p->strings);
    memset(p, 0, sizeof(*p));
}

int32_t cohort_picks_month(const struct cohort_picks *p)
{
    for (size_t i = 0; i < p->n; i++)
        if (p->row[i].cohort_month != KPI_NO_DATE)
            return p->row[i].cohort_month;
    return KPI_NO_DATE;
}

void cohort_selection_init(struct cohort_selection *s)
{
    memset(s, 0, sizeof(*s));
    arena_init(&s->strings);
}

void cohort_selection_release(struct cohort_selection *s)
{
    free(s->choice);
    arena_release(&s->strings);
    memset(s, 0, sizeof(*s));
}

static bool choose(struct cohort_selection *s, const struct cohort_customer *c,
                   const char *from)
{
    struct cohort_choice *ch = grow(s->choice, &s->cap, s->n + 1, sizeof(*ch));
    if (!ch)
        return false;
    s->choice = ch;
    const char *kept = arena_strndup(&s->strings, from, strlen(from));
    if (!kept)
        return false;
    s->choice[s->n++] = (struct cohort_choice){c, kept};
    return true;
}

static int choice_cmp(const void *a, const void *b)
{
    const struct cohort_choice *x = a, *y = b;
    int r = strcmp(x->customer->region, y->customer->region);
    if (r != 0)
        return r;
    return by_users_to_goal(&x->customer, &y->customer);
}

struct pick_ref {
    const char *tenant_id;
    size_t row;
};

static int pick_ref_cmp(const void *a, const void *b)
{
    const struct pick_ref *x = a, *y = b;
    int r = strcmp(x->tenant_id, y->tenant_id);
    if (r != 0)
        return r;
    return x->row < y->row ? -1 : x->row > y->row;
}

/* Marks in dup every row whose tenant is on an earlier row too. */
static bool find_duplicates(const struct cohort_picks *p, bool *dup,
                            struct cohort_report *problems)
{
    struct pick_ref *ref = malloc((p->n + 1) * sizeof(*ref));
    if (!ref)
        return false;
    for (size_t i = 0; i < p->n; i++)
        ref[i] = (struct pick_ref){p->row[i].tenant_id, i};
    sort_array(ref, p->n, sizeof(*ref), pick_ref_cmp);
    bool ok = true;
    for (size_t i = 1; i < p->n && ok; i++) {
        if (strcmp(ref[i].tenant_id, ref[i - 1].tenant_id) != 0)
            continue;
        size_t first = i - 1;
        while (first > 0 &&
               strcmp(ref[first - 1].tenant_id, ref[i].tenant_id) == 0)
            first--;
        const struct cohort_pick_row *a = &p->row[ref[first].row],
                                     *b = &p->row[ref[i].row];
        dup[ref[i].row] = true;
        ok = report_add(
            problems, "%s:%llu: tenant %s is on two rows (first on %s:%llu)",
            b->file, (ull)b->line, b->tenant_id, a->file, (ull)a->line);
    }
    free(ref);
    return ok;
}

/* The picks of one sheet: rows [first, first + n). */
static bool select_sheet(struct cohort_selection *sel,
                         const struct cohort_picks *p, size_t first, size_t n,
                         const char *file, const bool *dup,
                         const struct cohort_run *run, int32_t month,
                         struct cohort_report *problems,
                         struct cohort_report *notes)
{
    const char *sheet_region = NULL;
    for (size_t i = first; i < first + n && !sheet_region; i++)
        if (p->row[i].region[0])
            sheet_region = p->row[i].region;
    for (size_t i = first; i < first + n && !sheet_region; i++) {
        const struct cohort_customer *c =
            p->row[i].picked ? cohort_run_find(run, p->row[i].tenant_id) : NULL;
        if (c)
            sheet_region = c->region;
    }
    char want[8], as_of[8], from[512];
    kpi_month_format(month, want);
    kpi_month_format(run->as_of_month, as_of);
    size_t picked = 0;
    bool ok = true, month_told = false;
    for (size_t i = first; i < first + n && ok; i++) {
        const struct cohort_pick_row *row = &p->row[i];
        if (row->cohort_month != KPI_NO_DATE && row->cohort_month != month &&
            !month_told) {
            char got[8];
            kpi_month_format(row->cohort_month, got);
            month_told = true;
            ok = report_add(problems,
                            "%s:%llu: this sheet is for the %s cohort, not "
                            "%s",
                            file, (ull)row->line, got, want);
        }
        if (ok && row->region[0] && strcmp(row->region, sheet_region) != 0)
            ok = report_add(problems,
                            "%s:%llu: region %s, but this sheet is for region "
                            "%s",
                            file, (ull)row->line, row->region, sheet_region);
        if (!ok || !row->picked)
            continue;
        picked++;
        const struct cohort_customer *c = cohort_run_find(run, row->tenant_id);
        if (!c) {
            ok = report_add(problems,
                            "%s:%llu: unknown tenant %s: not in %s/"
                            "customer_kpis.csv",
                            file, (ull)row->line, row->tenant_id, run->dir);
            continue;
        }
        if (strcmp(c->region, sheet_region) != 0) {
            ok = report_add(problems,
                            "%s:%llu: %s (%s) is in region %s, not %s (this "
                            "sheet's region)",
                            file, (ull)row->line, c->tenant_id,
                            c->customer_name, c->region, sheet_region);
            continue;
        }
        if (dup[i])
            continue;
        if (c->kpis.focus == 0)
            ok = report_add(notes,
                            "%s:%llu: %s (%s) is not a candidate in %s; it is "
                            "frozen with no focus area",
                            file, (ull)row->line, c->tenant_id,
                            c->customer_name, as_of);
        snprintf(from, sizeof(from), "%s:%llu", base_name(file),
                 (ull)row->line);
        if (ok)
            ok = choose(sel, c, from);
    }
    if (ok && picked == 0)
        ok = report_add(problems,
                        "%s: nothing picked: put x in the pick column of the "
                        "customers to review, or leave this sheet out",
                        file);
    return ok;
}

enum ftk_error cohort_select_picks(struct cohort_selection *sel,
                                   const struct cohort_picks *p,
                                   const struct cohort_run *run, int32_t month,
                                   struct cohort_report *problems,
                                   struct cohort_report *notes,
                                   struct ftk_diag *diag)
{
    bool *dup = calloc(p->n + 1, sizeof(*dup));
    if (!dup)
        return nomem(diag);
    bool ok = find_duplicates(p, dup, problems);
    size_t first = 0;
    for (size_t f = 0; f < p->n_files && ok; f++) {
        ok = select_sheet(sel, p, first, p->file_rows[f], p->files[f], dup, run,
                          month, problems, notes);
        first += p->file_rows[f];
    }
    free(dup);
    if (!ok)
        return nomem(diag);
    if (problems->n > 0)
        return ftk_fail(diag, FTK_E_DATA,
                        "%zu problem%s in the picks; nothing frozen",
                        problems->n, problems->n == 1 ? "" : "s");
    if (sel->n == 0)
        return ftk_fail(diag, FTK_E_DATA,
                        "nothing picked in the sheets; nothing frozen");
    sort_array(sel->choice, sel->n, sizeof(sel->choice[0]), choice_cmp);
    return FTK_OK;
}

enum ftk_error cohort_select_top(struct cohort_selection *sel,
                                 const struct cohort_run *run, unsigned n,
                                 const char *const *regions, size_t n_regions,
                                 struct ftk_diag *diag)
{
    char from[32];
    snprintf(from, sizeof(from), "top %u", n);
    size_t count = n_regions ? n_regions : run->n_regions;
    for (size_t r = 0; r < count; r++) {
        const char *region = n_regions ? regions[r] : run->region[r];
        bool seen = false;
        for (size_t q = 0; q < r && n_regions && !seen; q++)
            seen = strcmp(regions[q], region) == 0;
        if (seen)
            continue;
        size_t nc;
        const struct cohort_customer **list =
            region_candidates(run, region, &nc);
        if (!list)
            return nomem(diag);
        if (nc == 0 && n_regions) {
            free(list);
            return ftk_fail(diag, FTK_E_DATA,
                            "region %s has no candidate in %s/"
                            "customer_kpis.csv: nothing to freeze",
                            region, run->dir);
        }
        bool ok = true;
        for (size_t i = 0; i < nc && i < n && ok; i++)
            ok = choose(sel, list[i], from);
        free(list);
        if (!ok)
            return nomem(diag);
    }
    if (sel->n == 0)
        return ftk_fail(diag, FTK_E_DATA,
                        "no candidate in %s/customer_kpis.csv: nothing to "
                        "freeze",
                        run->dir);
    sort_array(sel->choice, sel->n, sizeof(sel->choice[0]), choice_cmp);
    return FTK_OK;
}

/* ---- the state files ---------------------------------------------------- */

static const char *const member_cols[] = {
    "cohort_month", "region",    "tenant_id",   "customer_name",
    "fm",           "frozen_on", "frozen_from", NULL};
static const char *const change_cols[] = {
    "change",    "cohort_month",  "action",      "region",
    "tenant_id", "customer_name", "recorded_on", "effective_on",
    "reason",    "recorded_by",   NULL};
static const char *const kpi_cols[] = {
    "as_of_month", "focus_areas", "health",        "core_qe",
    "core_ae",     "core_au_pct", "users_to_goal", NULL};
#define N_MEMBER_COLS 7
#define N_CHANGE_COLS 10
#define N_KPI_COLS 7

static void write_header(struct csv_writer *w, const char *const *fixed,
                         const struct cohort_state *st)
{
    for (size_t i = 0; fixed[i]; i++)
        csv_writer_plain(w, fixed[i]);
    for (size_t i = 0; kpi_cols[i]; i++)
        csv_writer_plain(w, kpi_cols[i]);
    for (int i = 0; i < st->n_workloads; i++) {
        char name[CONFIG_CODE_MAX + 16];
        snprintf(name, sizeof(name), "%s_au_pct", st->workload[i]);
        csv_writer_plain(w, name);
        snprintf(name, sizeof(name), "%s_health", st->workload[i]);
        csv_writer_plain(w, name);
    }
    csv_writer_end(w);
}

static void write_kpis(struct csv_writer *w, const struct cohort_kpis *k,
                       int n_workloads)
{
    char m[8], areas[128];
    if (k->as_of_month == KPI_NO_DATE) {
        for (int i = 0; i < N_KPI_COLS + 2 * n_workloads; i++)
            csv_writer_empty(w);
        return;
    }
    kpi_month_format(k->as_of_month, m);
    kpi_focus_join(k->focus, areas, sizeof(areas));
    csv_writer_plain(w, m);
    csv_writer_plain(w, areas);
    csv_writer_plain(w, kpi_health_name(k->health));
    csv_writer_int(w, k->core_qe);
    csv_writer_int(w, k->core_ae);
    opt_centi(w, k->core_au_defined, k->core_au);
    csv_writer_int(w, k->users_to_goal);
    for (int i = 0; i < n_workloads; i++) {
        opt_centi(w, k->wl[i].au_defined, k->wl[i].au);
        csv_writer_plain(w, kpi_health_name(k->wl[i].health));
    }
}

/* Checks a state file's header: the fixed columns, the KPI columns, then
 * "<W>_au_pct", "<W>_health" pairs. Sets the state's workloads from the
 * first file read; the second must name the same. */
static enum ftk_error state_header(struct cohort_state *st, const char *path,
                                   const struct csv_record *h,
                                   const char *const *fixed, size_t n_fixed,
                                   bool set_workloads, struct ftk_diag *diag)
{
    size_t head = n_fixed + N_KPI_COLS;
    for (size_t i = 0; i < head; i++) {
        const char *want = i < n_fixed ? fixed[i] : kpi_cols[i - n_fixed];
        struct cell c = cell_at(h, (int)i);
        if (i >= h->n_fields || !cell_is(c, want))
            return ftk_fail(diag, FTK_E_DATA,
                            "%s:%llu: column %zu is '%.*s', expected '%s' "
                            "(the header ftkpi writes)",
                            path, (ull)h->line, i + 1,
                            c.len > 40 ? 40 : (int)c.len, c.s, want);
    }
    size_t extra = h->n_fields - head;
    if (extra % 2 != 0 || extra / 2 > COHORT_MAX_WORKLOADS)
        return ftk_fail(diag, FTK_E_DATA,
                        "%s:%llu: after %s, expected pairs of columns "
                        "<WORKLOAD>_au_pct, <WORKLOAD>_health",
                        path, (ull)h->line, kpi_cols[N_KPI_COLS - 1]);
    int n_wl = (int)(extra / 2);
    if (!set_workloads && n_wl != st->n_workloads)
        return ftk_fail(diag, FTK_E_DATA,
                        "%s:%llu: %d workloads, but %s has %d", path,
                        (ull)h->line, n_wl, st->cohort_path, st->n_workloads);
    for (int w = 0; w < n_wl; w++) {
        struct cell au = cell_at(h, (int)(head + 2 * (size_t)w)),
                    hl = cell_at(h, (int)(head + 2 * (size_t)w + 1));
        const char *suffix = "_au_pct";
        size_t sl = strlen(suffix);
        bool ok = au.len > sl && au.len - sl < CONFIG_CODE_MAX &&
                  memcmp(au.s + au.len - sl, suffix, sl) == 0;
        size_t code_len = ok ? au.len - sl : 0;
        ok = ok && hl.len == code_len + strlen("_health") &&
             memcmp(hl.s, au.s, code_len) == 0 &&
             memcmp(hl.s + code_len, "_health", strlen("_health")) == 0;
        if (ok && !set_workloads)
            ok = strlen(st->workload[w]) == code_len &&
                 memcmp(st->workload[w], au.s, code_len) == 0;
        if (!ok)
            return ftk_fail(diag, FTK_E_DATA,
                            "%s:%llu: columns %zu and %zu are '%.*s' and "
                            "'%.*s', expected <WORKLOAD>_au_pct and "
                            "<WORKLOAD>_health%s%s",
                            path, (ull)h->line, head + 2 * (size_t)w + 1,
                            head + 2 * (size_t)w + 2,
                            au.len > 40 ? 40 : (int)au.len, au.s,
                            hl.len > 40 ? 40 : (int)hl.len, hl.s,
                            set_workloads ? "" : " for ",
                            set_workloads ? "" : st->workload[w]);
        if (set_workloads) {
            memcpy(st->workload[w], au.s, code_len);
            st->workload[w][code_len] = '\0';
        }
    }
    if (set_workloads)
        st->n_workloads = n_wl;
    return FTK_OK;
}

/* The KPI block of a state row, from column k on. */
static enum ftk_error state_kpis(const struct cohort_state *st,
                                 const char *path, const struct csv_record *rec,
                                 size_t k, struct cohort_kpis *out,
                                 struct ftk_diag *diag)
{
    struct cell v[N_KPI_COLS];
    for (int i = 0; i < N_KPI_COLS; i++)
        v[i] = cell_at(rec, (int)k + i);
    uint64_t line = rec->line;
    out->wl = calloc((size_t)st->n_workloads + 1, sizeof(*out->wl));
    if (!out->wl)
        return nomem(diag);
    if (!kpi_month_parse(v[0].s, v[0].len, &out->as_of_month))
        return bad_cell(diag, path, line, kpi_cols[0], v[0], "YYYY-MM");
    if (!parse_focus(v[1], &out->focus))
        return bad_cell(diag, path, line, kpi_cols[1], v[1],
                        "focus area codes joined by ';'");
    if (!parse_health(v[2], &out->health))
        return bad_cell(diag, path, line, kpi_cols[2], v[2],
                        "Green, Yellow, Red or N/A");
    if (!parse_count(v[3], &out->core_qe))
        return bad_cell(diag, path, line, kpi_cols[3], v[3], "a whole number");
    if (!parse_count(v[4], &out->core_ae))
        return bad_cell(diag, path, line, kpi_cols[4], v[4], "a whole number");
    out->core_au_defined = v[5].len > 0;
    if (out->core_au_defined && !parse_centi(v[5], &out->core_au))
        return bad_cell(diag, path, line, kpi_cols[5], v[5],
                        "a percent such as 37.50, or empty");
    if (!parse_count(v[6], &out->users_to_goal))
        return bad_cell(diag, path, line, kpi_cols[6], v[6], "a whole number");
    for (int w = 0; w < st->n_workloads; w++) {
        struct cohort_wl *x = &out->wl[w];
        struct cell au = cell_at(rec, (int)k + N_KPI_COLS + 2 * w),
                    h = cell_at(rec, (int)k + N_KPI_COLS + 2 * w + 1);
        char name[CONFIG_CODE_MAX + 16];
        x->au_defined = au.len > 0;
        if (x->au_defined && !parse_centi(au, &x->au)) {
            snprintf(name, sizeof(name), "%s_au_pct", st->workload[w]);
            return bad_cell(diag, path, line, name, au,
                            "a percent such as 37.50, or empty");
        }
        if (!parse_health(h, &x->health)) {
            snprintf(name, sizeof(name), "%s_health", st->workload[w]);
            return bad_cell(diag, path, line, name, h,
                            "Green, Yellow, Red or N/A");
        }
    }
    return FTK_OK;
}

static enum ftk_error state_month(const struct cohort_state *st,
                                  const char *path, uint64_t line,
                                  struct cell c, struct ftk_diag *diag)
{
    int32_t m;
    if (kpi_month_parse(c.s, c.len, &m) && m == st->month)
        return FTK_OK;
    char want[8];
    kpi_month_format(st->month, want);
    return bad_cell(diag, path, line, "cohort_month", c, want);
}

static enum ftk_error member_row(struct cohort_state *st,
                                 const struct csv_record *rec,
                                 struct cohort_member *m, struct ftk_diag *diag)
{
    const char *path = st->cohort_path;
    struct cell v[N_MEMBER_COLS];
    for (int i = 0; i < N_MEMBER_COLS; i++)
        v[i] = cell_at(rec, i);
    memset(m, 0, sizeof(*m));
    m->line = rec->line;
    enum ftk_error err =
        state_kpis(st, path, rec, N_MEMBER_COLS, &m->kpis, diag);
    if (err == FTK_OK)
        err = state_month(st, path, rec->line, v[0], diag);
    if (err != FTK_OK)
        return err;
    if (v[1].len == 0)
        return bad_cell(diag, path, rec->line, "region", v[1], "a region");
    if (v[2].len == 0)
        return bad_cell(diag, path, rec->line, "tenant_id", v[2],
                        "a tenant id");
    if (!kpi_date_parse(v[5].s, v[5].len, &m->frozen_on))
        return bad_cell(diag, path, rec->line, "frozen_on", v[5], "YYYY-MM-DD");
    m->region = keep(&st->strings, v[1]);
    m->tenant_id = keep(&st->strings, v[2]);
    m->customer_name = keep(&st->strings, v[3]);
    m->fm = keep(&st->strings, v[4]);
    m->frozen_from = keep(&st->strings, v[6]);
    if (!m->region || !m->tenant_id || !m->customer_name || !m->fm ||
        !m->frozen_from)
        return nomem(diag);
    for (size_t i = 0; i < st->n_members; i++)
        if (strcmp(st->member[i].tenant_id, m->tenant_id) == 0)
            return ftk_fail(diag, FTK_E_DATA,
                            "%s:%llu: tenant %s is frozen twice (also line "
                            "%llu)",
                            path, (ull)rec->line, m->tenant_id,
                            (ull)st->member[i].line);
    return FTK_OK;
}

static enum ftk_error change_row(struct cohort_state *st,
                                 const struct csv_record *rec,
                                 struct cohort_change *c, struct ftk_diag *diag)
{
    const char *path = st->changes_path;
    uint64_t line = rec->line;
    struct cell v[N_CHANGE_COLS];
    for (int i = 0; i < N_CHANGE_COLS; i++)
        v[i] = cell_at(rec, i);
    memset(c, 0, sizeof(*c));
    c->line = line;
    int64_t number;
    char expected[32];
    snprintf(expected, sizeof(expected), "%zu (changes count 1, 2, ...)",
             st->n_changes + 1);
    if (!parse_count(v[0], &number) || number != (int64_t)st->n_changes + 1)
        return bad_cell(diag, path, line, "change", v[0], expected);
    c->number = (unsigned)number;
    enum ftk_error err = state_month(st, path, line, v[1], diag);
    if (err != FTK_OK)
        return err;
    if (cell_is(v[2], "add"))
        c->action = COHORT_ADD;
    else if (cell_is(v[2], "remove"))
        c->action = COHORT_REMOVE;
    else
        return bad_cell(diag, path, line, "action", v[2], "add or remove");
    if (v[3].len == 0)
        return bad_cell(diag, path, line, "region", v[3], "a region");
    if (v[4].len == 0)
        return bad_cell(diag, path, line, "tenant_id", v[4], "a tenant id");
    if (!kpi_date_parse(v[6].s, v[6].len, &c->recorded_on))
        return bad_cell(diag, path, line, "recorded_on", v[6], "YYYY-MM-DD");
    if (!kpi_date_parse(v[7].s, v[7].len, &c->effective_on))
        return bad_cell(diag, path, line, "effective_on", v[7], "YYYY-MM-DD");
    if (c->effective_on < cohort_earliest_effective(c->recorded_on))
        return ftk_fail(diag, FTK_E_DATA,
                        "%s:%llu: effective_on %.*s is less than %d days "
                        "after recorded_on %.*s",
                        path, (ull)line, (int)v[7].len, v[7].s,
                        COHORT_NOTICE_DAYS, (int)v[6].len, v[6].s);
    if (c->effective_on > kpi_month_last_day(st->month))
        return bad_cell(diag, path, line, "effective_on", v[7],
                        "a date in the cohort's month");
    if (v[8].len == 0)
        return bad_cell(diag, path, line, "reason", v[8], "a reason");
    if (c->action == COHORT_ADD) {
        err = state_kpis(st, path, rec, N_CHANGE_COLS, &c->kpis, diag);
        if (err != FTK_OK)
            return err;
    } else {
        c->kpis.as_of_month = KPI_NO_DATE;
        c->kpis.wl = calloc((size_t)st->n_workloads + 1, sizeof(*c->kpis.wl));
        if (!c->kpis.wl)
            return nomem(diag);
    }
    c->region = keep(&st->strings, v[3]);
    c->tenant_id = keep(&st->strings, v[4]);
    c->customer_name = keep(&st->strings, v[5]);
    c->reason = keep(&st->strings, v[8]);
    c->recorded_by = keep(&st->strings, v[9]);
    if (!c->region || !c->tenant_id || !c->customer_name || !c->reason ||
        !c->recorded_by)
        return nomem(diag);
    return FTK_OK;
}

/* Reads one state file; *exists false when it is missing. */
static enum ftk_error state_file(struct cohort_state *st, bool members,
                                 bool *exists, struct ftk_diag *diag)
{
    const char *path = members ? st->cohort_path : st->changes_path;
    *exists = access(path, F_OK) == 0;
    if (!*exists)
        return errno == ENOENT
                   ? FTK_OK
                   : ftk_fail(diag, FTK_E_IO, "%s: %s", path, strerror(errno));
    struct csv_reader *r = NULL;
    const struct csv_record *rec;
    enum ftk_error err = csv_reader_open(&r, path, diag);
    if (err == FTK_OK)
        err = csv_reader_next(r, &rec, diag);
    if (err == FTK_OK && !rec)
        err = ftk_fail(diag, FTK_E_DATA,
                       "%s: empty file: expected a header row", path);
    if (err == FTK_OK)
        err = members ? state_header(st, path, rec, member_cols, N_MEMBER_COLS,
                                     true, diag)
                      : state_header(st, path, rec, change_cols, N_CHANGE_COLS,
                                     !st->frozen, diag);
    size_t n_fields = err == FTK_OK ? rec->n_fields : 0;
    while (err == FTK_OK) {
        err = csv_reader_next(r, &rec, diag);
        if (err != FTK_OK || !rec)
            break;
        err = field_count(path, rec, n_fields, diag);
        if (err != FTK_OK)
            break;
        if (members) {
            struct cohort_member *m = grow(st->member, &st->cap_members,
                                           st->n_members + 1, sizeof(*m));
            if (!m) {
                err = nomem(diag);
                break;
            }
            st->member = m;
            err = member_row(st, rec, &st->member[st->n_members], diag);
            /* counted even on error, so that its KPIs are freed */
            st->n_members++;
            if (err != FTK_OK)
                break;
        } else {
            struct cohort_change *c = grow(st->change, &st->cap_changes,
                                           st->n_changes + 1, sizeof(*c));
            if (!c) {
                err = nomem(diag);
                break;
            }
            st->change = c;
            err = change_row(st, rec, &st->change[st->n_changes], diag);
            st->n_changes++;
            if (err != FTK_OK)
                break;
        }
    }
    csv_reader_close(r);
    return err;
}

bool cohort_state_region_frozen(const struct cohort_state *st,
                                const char *region, int32_t *frozen_on)
{
    for (size_t i = 0; i < st->n_members; i++)
        if (strcmp(st->member[i].region, region) == 0) {
            if (frozen_on)
                *frozen_on = st->member[i].frozen_on;
            return true;
        }
    return false;
}

/* The changes in the order they take effect: effective date, then
 * number. */
static int change_order(const void *a, const void *b)
{
    const struct cohort_change *x = *(const struct cohort_change *const *)a;
    const struct cohort_change *y = *(const struct cohort_change *const *)b;
    if (x->effective_on != y->effective_on)
        return x->effective_on < y->effective_on ? -1 : 1;
    return x->number < y->number ? -1 : x->number > y->number;
}

/* The changes (and extra, when not NULL) in effect order; NULL when out
 * of memory. */
static const struct cohort_change **ordered(const struct cohort_state *st,
                                            const struct cohort_change *extra,
                                            size_t *n)
{
    *n = st->n_changes + (extra != NULL);
    const struct cohort_change **o = malloc((*n + 1) * sizeof(*o));
    if (!o)
        return NULL;
    for (size_t i = 0; i < st->n_changes; i++)
        o[i] = &st->change[i];
    if (extra)
        o[st->n_changes] = extra;
    sort_array(o, *n, sizeof(*o), change_order);
    return o;
}

struct slot {
    const char *tenant_id;
    bool member;
};

static struct slot *find_slot(struct slot *s, size_t n, const char *tenant)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(s[i].tenant_id, tenant) == 0)
            return &s[i];
    return NULL;
}

/* Plays the changes (and extra) over the frozen members in effect order:
 * each add must be of a non-member, each removal of a member. */
static enum ftk_error replay(const struct cohort_state *st,
                             const struct cohort_change *extra,
                             struct ftk_diag *diag)
{
    size_t n;
    const struct cohort_change **o = ordered(st, extra, &n);
    struct slot *s = malloc((st->n_members + n + 1) * sizeof(*s));
    if (!o || !s) {
        free(o);
        free(s);
        return nomem(diag);
    }
    size_t n_slots = 0;
    for (size_t i = 0; i < st->n_members; i++)
        s[n_slots++] = (struct slot){st->member[i].tenant_id, true};
    enum ftk_error err = FTK_OK;
    char month[8], date[11];
    kpi_month_format(st->month, month);
    for (size_t i = 0; i < n && err == FTK_OK; i++) {
        const struct cohort_change *c = o[i];
        struct slot *sl = find_slot(s, n_slots, c->tenant_id);
        bool add = c->action == COHORT_ADD;
        if (add ? !(sl && sl->member) : (sl && sl->member)) {
            if (!sl)
                s[n_slots++] = (struct slot){c->tenant_id, true};
            else
                sl->member = add;
            continue;
        }
        kpi_date_format(c->effective_on, date);
        const char *what = add ? "is already in" : "is not in";
        if (c == extra)
            err = ftk_fail(diag, FTK_E_STATE,
                           "%s %s the %s cohort on %s, when the change would "
                           "take effect",
                           c->tenant_id, what, month, date);
        else if (extra)
            err = ftk_fail(diag, FTK_E_STATE,
                           "this change would undo change %u (%s:%llu), "
                           "recorded earlier: on %s, when it takes effect, "
                           "%s %s the cohort then",
                           c->number, st->changes_path, (ull)c->line, date,
                           c->tenant_id, what);
        else
            err = ftk_fail(diag, FTK_E_DATA,
                           "%s:%llu: change %u %s %s on %s, but it %s the "
                           "cohort then",
                           st->changes_path, (ull)c->line, c->number,
                           add ? "adds" : "removes", c->tenant_id, date, what);
    }
    free(o);
    free(s);
    return err;
}

enum ftk_error cohort_state_load(struct cohort_state *st, const char *dir,
                                 int32_t month, struct ftk_diag *diag)
{
    memset(st, 0, sizeof(*st));
    arena_init(&st->strings);
    st->month = month;
    char m[8], name[32];
    kpi_month_format(month, m);
    st->dir = malloc(strlen(dir) + 1);
    snprintf(name, sizeof(name), "cohort-%s.csv", m);
    st->cohort_path = path_join(dir, name);
    snprintf(name, sizeof(name), "changes-%s.csv", m);
    st->changes_path = path_join(dir, name);
    if (!st->dir || !st->cohort_path || !st->changes_path) {
        cohort_state_release(st);
        return nomem(diag);
    }
    strcpy(st->dir, dir);
    bool has_changes;
    enum ftk_error err = state_file(st, true, &st->frozen, diag);
    if (err == FTK_OK)
        err = state_file(st, false, &has_changes, diag);
    if (err == FTK_OK && has_changes && !st->frozen && st->n_changes > 0)
        err =
            ftk_fail(diag, FTK_E_DATA, "%s: changes to a cohort that has no %s",
                     st->changes_path, st->cohort_path);
    for (size_t i = 0; i < st->n_changes && err == FTK_OK; i++) {
        const struct cohort_change *c = &st->change[i];
        if (c->action == COHORT_ADD &&
            !cohort_state_region_frozen(st, c->region, NULL))
            err = ftk_fail(diag, FTK_E_DATA,
                           "%s:%llu: change %u adds to region %s, which has "
                           "no frozen member in %s",
                           st->changes_path, (ull)c->line, c->number, c->region,
                           st->cohort_path);
    }
    if (err == FTK_OK)
        err = replay(st, NULL, diag);
    if (err != FTK_OK)
        cohort_state_release(st);
    return err;
}

void cohort_state_set_workloads(struct cohort_state *st,
                                const struct config *cfg)
{
    st->n_workloads = 0;
    for (int i = 0; i < cfg->n_workloads; i++)
        if (cfg->workload[i].core && st->n_workloads < COHORT_MAX_WORKLOADS)
            snprintf(st->workload[st->n_workloads++], CONFIG_CODE_MAX, "%s",
                     cfg->workload[i].code);
}

void cohort_state_workloads(const struct cohort_state *st,
                            const char *out[COHORT_MAX_WORKLOADS])
{
    for (int i = 0; i < st->n_workloads; i++)
        out[i] = st->workload[i];
}

void cohort_state_release(struct cohort_state *st)
{
    for (size_t i = 0; i < st->n_members; i++)
        free(st->member[i].kpis.wl);
    for (size_t i = 0; i < st->n_changes; i++)
        free(st->change[i].kpis.wl);
    free(st->member);
    free(st->change);
    free(st->dir);
    free(st->cohort_path);
    free(st->changes_path);
    arena_release(&st->strings);
    memset(st, 0, sizeof(*st));
}

/* Copies the old state file into the new copy, byte for byte, ending it
 * with a line end if it lacks one. */
static enum ftk_error copy_state(const char *path, FILE *out,
                                 struct ftk_diag *diag)
{
    FILE *in = fopen(path, "rb");
    if (!in)
        return ftk_fail(diag, FTK_E_IO, "%s: cannot open: %s", path,
                        strerror(errno));
    unsigned char buf[65536];
    size_t n, total = 0;
    int last = '\n';
    bool gz = false;
    while ((n = fread(buf, 1, sizeof(buf), in)) > 0) {
        if (total == 0 && n >= 2 && buf[0] == 0x1f && buf[1] == 0x8b)
            gz = true;
        fwrite(buf, 1, n, out);
        total += n;
        last = buf[n - 1];
    }
    bool bad = ferror(in);
    fclose(in);
    if (gz)
        return ftk_fail(diag, FTK_E_STATE,
                        "%s is gzip-compressed: decompress it to append to "
                        "it",
                        path);
    if (bad)
        return ftk_fail(diag, FTK_E_IO, "%s: read failed", path);
    if (last != '\n')
        putc('\n', out);
    return FTK_OK;
}

/* Opens the new copy of a state file in pub: the old bytes or, for a new
 * file, the header. */
static enum ftk_error state_begin(const struct cohort_state *st,
                                  struct publish *pub, bool members,
                                  bool exists, struct csv_writer *w,
                                  struct ftk_diag *diag)
{
    const char *path = members ? st->cohort_path : st->changes_path;
    FILE *f;
    enum ftk_error err = publish_create(pub, base_name(path), &f, diag);
    if (err != FTK_OK)
        return err;
    csv_writer_init(w, f, false);
    if (exists)
        return copy_state(path, f, diag);
    write_header(w, members ? member_cols : change_cols, st);
    return FTK_OK;
}

static enum ftk_error state_commit(struct publish *pub,
                                   const struct csv_writer *w, const char *path,
                                   struct ftk_diag *diag)
{
    if (csv_writer_error(w) || fflush(w->f) != 0) {
        publish_abort(pub);
        return ftk_fail(diag, FTK_E_IO, "%s: write failed", path);
    }
    return FTK_OK;
}

static bool same_workloads(const struct cohort_state *st,
                           const struct cohort_run *run)
{
    if (st->n_workloads != run->n_workloads)
        return false;
    for (int i = 0; i < st->n_workloads; i++)
        if (strcmp(st->workload[i], run->workload[i]) != 0)
            return false;
    return true;
}

/* True when the tenant was frozen or added in the month; *where_path and
 * *where_line say where. */
static bool in_cohort_file(const struct cohort_state *st, const char *tenant,
                           const char **where_path, uint64_t *where_line)
{
    for (size_t i = 0; i < st->n_members; i++)
        if (strcmp(st->member[i].tenant_id, tenant) == 0) {
            *where_path = st->cohort_path;
            *where_line = st->member[i].line;
            return true;
        }
    for (size_t i = 0; i < st->n_changes; i++)
        if (st->change[i].action == COHORT_ADD &&
            strcmp(st->change[i].tenant_id, tenant) == 0) {
            *where_path = st->changes_path;
            *where_line = st->change[i].line;
            return true;
        }
    return false;
}

enum ftk_error cohort_freeze(const struct cohort_state *st, struct publish *pub,
                             const struct cohort_run *run,
                             const struct cohort_selection *sel, int32_t today,
                             struct ftk_diag *diag)
{
    char month[8], date[11], end[11];
    kpi_month_format(st->month, month);
    kpi_date_format(today, date);
    kpi_date_format(kpi_month_last_day(st->month), end);
    if (today > kpi_month_last_day(st->month))
        return ftk_fail(diag, FTK_E_STATE,
                        "the %s cohort's month ended on %s (today is %s): "
                        "freeze a month to come or under way",
                        month, end, date);
    if (!same_workloads(st, run))
        return ftk_fail(diag, FTK_E_STATE,
                        "the run was not loaded with the workloads of %s",
                        st->cohort_path);
    if (sel->n == 0)
        return ftk_fail(diag, FTK_E_DATA, "nothing to freeze");
    /* Refuse every region already frozen, named in one message. */
    char msg[sizeof(diag->msg)] = "";
    size_t used = 0;
    for (size_t i = 0; i < sel->n; i++) {
        const char *region = sel->choice[i].customer->region;
        if (i > 0 && strcmp(sel->choice[i - 1].customer->region, region) == 0)
            continue;
        int32_t on;
        if (!cohort_state_region_frozen(st, region, &on))
            continue;
        char d[11];
        kpi_date_format(on, d);
        int n = snprintf(msg + used, sizeof(msg) - used, "%s%s (on %s)",
                         used ? ", " : "", region, d);
        if (n > 0 && (size_t)n < sizeof(msg) - used)
            used += (size_t)n;
    }
    if (used)
        return ftk_fail(diag, FTK_E_STATE,
                        "the %s cohort is already frozen for %s, in %s: a "
                        "frozen cohort changes only by recorded changes "
                        "(cohort change)",
                        month, msg, st->cohort_path);
    for (size_t i = 0; i < sel->n; i++) {
        const char *where;
        uint64_t line;
        const struct cohort_customer *c = sel->choice[i].customer;
        if (in_cohort_file(st, c->tenant_id, &where, &line))
            return ftk_fail(diag, FTK_E_STATE,
                            "%s (%s) is already in the %s cohort (%s:%llu)",
                            c->tenant_id, c->customer_name, month, where,
                            (ull)line);
    }

    struct csv_writer w;
    enum ftk_error err = state_begin(st, pub, true, st->frozen, &w, diag);
    for (size_t i = 0; i < sel->n && err == FTK_OK; i++) {
        const struct cohort_customer *c = sel->choice[i].customer;
        csv_writer_plain(&w, month);
        csv_writer_str(&w, c->region);
        csv_writer_str(&w, c->tenant_id);
        csv_writer_str(&w, c->customer_name);
        csv_writer_str(&w, c->fm);
        csv_writer_plain(&w, date);
        csv_writer_str(&w, sel->choice[i].from);
        write_kpis(&w, &c->kpis, st->n_workloads);
        csv_writer_end(&w);
    }
    if (err == FTK_OK)
        err = state_commit(pub, &w, st->cohort_path, diag);
    /* The change log starts empty with the month's first freeze. */
    if (err == FTK_OK && access(st->changes_path, F_OK) != 0) {
        struct csv_writer cw;
        err = state_begin(st, pub, false, false, &cw, diag);
        if (err == FTK_OK)
            err = state_commit(pub, &cw, st->changes_path, diag);
    }
    if (err == FTK_OK)
        err = publish_commit(pub, diag);
    else
        publish_abort(pub);
    return err;
}

int32_t cohort_earliest_effective(int32_t recorded_on)
{
    return recorded_on + COHORT_NOTICE_DAYS;
}

/* The latest entry of a tenant in the month (frozen or added): its region
 * and name, for a removal. */
static bool latest_entry(const struct cohort_state *st, const char *tenant,
                         const char **region, const char **name)
{
    bool found = false;
    for (size_t i = 0; i < st->n_members; i++)
        if (strcmp(st->member[i].tenant_id, tenant) == 0) {
            *region = st->member[i].region;
            *name = st->member[i].customer_name;
            found = true;
        }
    for (size_t i = 0; i < st->n_changes; i++)
        if (st->change[i].action == COHORT_ADD &&
            strcmp(st->change[i].tenant_id, tenant) == 0) {
            *region = st->change[i].region;
            *name = st->change[i].customer_name;
            found = true;
        }
    return found;
}

enum ftk_error cohort_change_record(const struct cohort_state *st,
                                    struct publish *pub,
                                    const struct cohort_change_request *req,
                                    struct cohort_change *recorded,
                                    struct ftk_diag *diag)
{
    char month[8], rec[11], eff[11], earliest[11], end[11];
    kpi_month_format(st->month, month);
    kpi_date_format(req->recorded_on, rec);
    kpi_date_format(req->effective_on, eff);
    kpi_date_format(cohort_earliest_effective(req->recorded_on), earliest);
    kpi_date_format(kpi_month_last_day(st->month), end);
    if (!st->frozen)
        return ftk_fail(diag, FTK_E_STATE,
                        "no cohort is frozen for %s in %s: freeze it first",
                        month, st->dir);
    size_t rlen = strlen(req->reason);
    if (rlen == 0 || strspn(req->reason, " \t\r\n") == rlen)
        return ftk_fail(diag, FTK_E_USAGE, "a change needs a reason");
    if (utf8_valid_prefix(req->reason, rlen) != rlen ||
        utf8_valid_prefix(req->recorded_by, strlen(req->recorded_by)) !=
            strlen(req->recorded_by))
        return ftk_fail(diag, FTK_E_USAGE,
                        "the reason and the name must be UTF-8 text");
    if (req->effective_on < cohort_earliest_effective(req->recorded_on))
        return ftk_fail(diag, FTK_E_STATE,
                        "effective date %s is too soon: a change needs %d "
                        "days' notice, so one recorded on %s takes effect "
                        "on %s at the earliest",
                        eff, COHORT_NOTICE_DAYS, rec, earliest);
    if (req->effective_on > kpi_month_last_day(st->month))
        return ftk_fail(diag, FTK_E_STATE,
                        "effective date %s is after the end of the %s "
                        "cohort's month (%s): change next month's cohort "
                        "instead",
                        eff, month, end);

    struct cohort_change c = {
        .number = (unsigned)st->n_changes + 1,
        .action = req->action,
        .tenant_id = req->tenant_id,
        .reason = req->reason,
        .recorded_by = req->recorded_by,
        .recorded_on = req->recorded_on,
        .effective_on = req->effective_on,
        .kpis = {.as_of_month = KPI_NO_DATE},
    };
    if (req->action == COHORT_ADD) {
        if (!req->run || !same_workloads(st, req->run))
            return ftk_fail(diag, FTK_E_STATE,
                            "an add needs the latest run, loaded with the "
                            "workloads of %s",
                            st->cohort_path);
        const struct cohort_customer *cu =
            cohort_run_find(req->run, req->tenant_id);
        if (!cu)
            return ftk_fail(diag, FTK_E_DATA,
                            "unknown tenant %s: not in %s/customer_kpis.csv",
                            req->tenant_id, req->run->dir);
        if (!cohort_state_region_frozen(st, cu->region, NULL))
            return ftk_fail(diag, FTK_E_STATE,
                            "%s (%s) is in region %s, which has no frozen %s "
                            "cohort: freeze that region first",
                            cu->tenant_id, cu->customer_name, cu->region,
                            month);
        c.region = cu->region;
        c.customer_name = cu->customer_name;
        c.kpis = cu->kpis;
    } else if (!latest_entry(st, req->tenant_id, &c.region, &c.customer_name)) {
        return ftk_fail(diag, FTK_E_STATE,
                        "%s is not in the %s cohort: nothing to remove",
                        req->tenant_id, month);
    }
    enum ftk_error err = replay(st, &c, diag);
    if (err != FTK_OK)
        return err;

    struct csv_writer w;
    bool exists = access(st->changes_path, F_OK) == 0;
    err = state_begin(st, pub, false, exists, &w, diag);
    if (err == FTK_OK) {
        csv_writer_int(&w, c.number);
        csv_writer_plain(&w, month);
        csv_writer_plain(&w, c.action == COHORT_ADD ? "add" : "remove");
        csv_writer_str(&w, c.region);
        csv_writer_str(&w, c.tenant_id);
        csv_writer_str(&w, c.customer_name);
        csv_writer_plain(&w, rec);
        csv_writer_plain(&w, eff);
        csv_writer_str(&w, c.reason);
        csv_writer_str(&w, c.recorded_by);
        write_kpis(&w, &c.kpis, st->n_workloads);
        csv_writer_end(&w);
        err = state_commit(pub, &w, st->changes_path, diag);
    }
    if (err == FTK_OK)
        err = publish_commit(pub, diag);
    else
        publish_abort(pub);
    if (err == FTK_OK) {
        *recorded = c;
        recorded->kpis.wl = NULL;
        recorded->line = 0;
    }
    return err;
}

/* ---- the cohort on a date ----------------------------------------------- */

const char *cohort_status_name(enum cohort_status s)
{
    switch (s) {
    case COHORT_MEMBER:
        return "member";
    case COHORT_LEAVING:
        return "leaving";
    case COHORT_JOINING:
        return "joining";
    case COHORT_REMOVED:
        return "removed";
    }
    return "?";
}

/* Members and leaving ones first, then joining, then removed. */
static int status_rank(enum cohort_status s)
{
    switch (s) {
    case COHORT_MEMBER:
    case COHORT_LEAVING:
        return 0;
    case COHORT_JOINING:
        return 1;
    case COHORT_REMOVED:
        return 2;
    }
    return 3;
}

static int view_row_cmp(const void *a, const void *b)
{
    const struct cohort_view_row *x = a, *y = b;
    int r = strcmp(x->region, y->region);
    if (r != 0)
        return r;
    int sx = status_rank(x->status), sy = status_rank(y->status);
    if (sx != sy)
        return sx < sy ? -1 : 1;
    if (x->baseline->users_to_goal != y->baseline->users_to_goal)
        return x->baseline->users_to_goal > y->baseline->users_to_goal ? -1 : 1;
    return strcmp(x->tenant_id, y->tenant_id);
}

/* The row of a tenant that is a member, leaving or joining, or NULL. */
static struct cohort_view_row *current_row(struct cohort_view *v,
                                           const char *tenant)
{
    for (size_t i = v->n; i-- > 0;)
        if (v->row[i].status != COHORT_REMOVED &&
            strcmp(v->row[i].tenant_id, tenant) == 0)
            return &v->row[i];
    return NULL;
}

static void frozen_list(const struct cohort_state *st, char *out, size_t cap)
{
    size_t used = 0;
    out[0] = '\0';
    for (size_t i = 0; i < st->n_members; i++) {
        const char *r = st->member[i].region;
        bool seen = false;
        for (size_t j = 0; j < i && !seen; j++)
            seen = strcmp(st->member[j].region, r) == 0;
        if (seen)
            continue;
        int n = snprintf(out + used, cap - used, "%s%s", used ? ", " : "", r);
        if (n < 0 || (size_t)n >= cap - used)
            break;
        used += (size_t)n;
    }
}

enum ftk_error cohort_view_build(struct cohort_view *v,
                                 const struct cohort_state *st, int32_t date,
                                 const char *region, struct ftk_diag *diag)
{
    memset(v, 0, sizeof(*v));
    v->date = date;
    char month[8];
    kpi_month_format(st->month, month);
    if (!st->frozen)
        return ftk_fail(diag, FTK_E_STATE, "no cohort is frozen for %s in %s",
                        month, st->dir);
    if (region && !cohort_state_region_frozen(st, region, NULL)) {
        char list[512];
        frozen_list(st, list, sizeof(list));
        return ftk_fail(diag, FTK_E_STATE,
                        "region %s has no frozen %s cohort (frozen: %s)",
                        region, month, list);
    }
    size_t n;
    const struct cohort_change **o = ordered(st, NULL, &n);
    v->row = malloc((st->n_members + n + 1) * sizeof(*v->row));
    v->pending = malloc((n + 1) * sizeof(*v->pending));
    v->applied = malloc((n + 1) * sizeof(*v->applied));
    if (!o || !v->row || !v->pending || !v->applied) {
        free(o);
        cohort_view_release(v);
        return nomem(diag);
    }
    for (size_t i = 0; i < st->n_members; i++) {
        const struct cohort_member *m = &st->member[i];
        if (region && strcmp(m->region, region) != 0)
            continue;
        v->row[v->n++] = (struct cohort_view_row){
            .status = COHORT_MEMBER,
            .region = m->region,
            .tenant_id = m->tenant_id,
            .customer_name = m->customer_name,
            .fm = m->fm,
            .baseline = &m->kpis,
            .since = m->frozen_on,
            .frozen = m,
        };
    }
    for (size_t i = 0; i < n; i++) {
        const struct cohort_change *c = o[i];
        if (region && strcmp(c->region, region) != 0)
            continue;
        bool pending = c->effective_on > date;
        if (pending)
            v->pending[v->n_pending++] = c;
        else
            v->applied[v->n_applied++] = c;
        struct cohort_view_row *cur = current_row(v, c->tenant_id);
        if (c->action == COHORT_ADD && !cur) {
            v->row[v->n++] = (struct cohort_view_row){
                .status = pending ? COHORT_JOINING : COHORT_MEMBER,
                .region = c->region,
                .tenant_id = c->tenant_id,
                .customer_name = c->customer_name,
                .fm = "",
                .baseline = &c->kpis,
                .since = c->effective_on,
                .added = c,
                .event = pending ? c : NULL,
            };
        } else if (c->action == COHORT_REMOVE && cur &&
                   cur->status == COHORT_MEMBER) {
            cur->status = pending ? COHORT_LEAVING : COHORT_REMOVED;
            cur->event = c;
        }
    }
    free(o);
    /* an added customer's fm is that of its latest frozen row, if any */
    for (size_t i = 0; i < v->n; i++)
        if (v->row[i].added)
            for (size_t j = 0; j < st->n_members; j++)
                if (strcmp(st->member[j].tenant_id, v->row[i].tenant_id) == 0)
                    v->row[i].fm = st->member[j].fm;
    sort_array(v->row, v->n, sizeof(*v->row), view_row_cmp);
    return FTK_OK;
}

void cohort_view_release(struct cohort_view *v)
{
    free(v->row);
    free(v->pending);
    free(v->applied);
    memset(v, 0, sizeof(*v));
}

/* ---- the weekly review -------------------------------------------------- */

const char *cohort_focus_status_name(enum cohort_focus_status s)
{
    switch (s) {
    case COHORT_FOCUS_STILL_IN:
        return "still in";
    case COHORT_FOCUS_LEFT_SOME:
        return "left some";
    case COHORT_FOCUS_LEFT_ALL:
        return "left all";
    case COHORT_FOCUS_NONE:
        return "none at freeze";
    case COHORT_FOCUS_NOT_IN_RUN:
        return "not in run";
    }
    return "?";
}

static int review_group(const struct cohort_review_row *r)
{
    if (r->v->status == COHORT_JOINING)
        return 3;
    if (r->focus_status == COHORT_FOCUS_NOT_IN_RUN)
        return 2;
    if (r->focus_status == COHORT_FOCUS_LEFT_ALL)
        return 1;
    return 0;
}

static int64_t review_utg(const struct cohort_review_row *r)
{
    return r->now ? r->now->kpis.users_to_goal : r->v->baseline->users_to_goal;
}

static int review_cmp(const void *a, const void *b)
{
    const struct cohort_review_row *x = a, *y = b;
    int gx = review_group(x), gy = review_group(y);
    if (gx != gy)
        return gx < gy ? -1 : 1;
    int64_t ux = review_utg(x), uy = review_utg(y);
    if (ux != uy)
        return ux > uy ? -1 : 1;
    return strcmp(x->v->tenant_id, y->v->tenant_id);
}

enum ftk_error cohort_review_build(struct cohort_review *r,
                                   const struct cohort_state *st,
                                   const struct cohort_view *v,
                                   const struct cohort_run *run,
                                   const char *region, struct ftk_diag *diag)
{
    memset(r, 0, sizeof(*r));
    if (!same_workloads(st, run))
        return ftk_fail(diag, FTK_E_STATE,
                        "the run was not loaded with the workloads of %s",
                        st->cohort_path);
    r->cohort_month = st->month;
    r->date = v->date;
    r->now_month = run->as_of_month;
    r->region = region;
    r->st = st;
    r->row = malloc((v->n + 1) * sizeof(*r->row));
    if (!r->row)
        return nomem(diag);
    for (size_t i = 0; i < v->n; i++) {
        const struct cohort_view_row *vr = &v->row[i];
        if (vr->status == COHORT_REMOVED)
            continue;
        struct cohort_review_row *row = &r->row[r->n++];
        row->v = vr;
        row->now = cohort_run_find(run, vr->tenant_id);
        unsigned base = vr->baseline->focus;
        if (!row->now) {
            row->focus_status = COHORT_FOCUS_NOT_IN_RUN;
            continue;
        }
        row->still_in = base & row->now->kpis.focus;
        row->left = base & ~row->now->kpis.focus;
        if (base == 0)
            row->focus_status = COHORT_FOCUS_NONE;
        else if (row->left == 0)
            row->focus_status = COHORT_FOCUS_STILL_IN;
        else if (row->still_in == 0)
            row->focus_status = COHORT_FOCUS_LEFT_ALL;
        else
            row->focus_status = COHORT_FOCUS_LEFT_SOME;
    }
    sort_array(r->row, r->n, sizeof(*r->row), review_cmp);
    return FTK_OK;
}

void cohort_review_release(struct cohort_review *r)
{
    free(r->row);
    memset(r, 0, sizeof(*r));
}

void cohort_review_name(const struct cohort_review *r, char *out, size_t cap)
{
    char m[8], d[11], safe[128];
    kpi_month_format(r->cohort_month, m);
    kpi_date_format(r->date, d);
    safe_name(r->region, safe, sizeof(safe));
    snprintf(out, cap, "review-%s-%s-%s", m, safe, d);
}

/* The review's cells, one kind per column, shared by the CSV and the
 * workbook. */
enum cell_kind { K_TEXT, K_INT, K_PCT, K_PP };

struct out_cell {
    enum cell_kind kind;
    bool empty;
    const char *text;
    int64_t num; /* K_INT; K_PCT and K_PP in hundredths */
};

/* The columns of a review, in order: a name and a function filling the
 * cell of a row. */
#define REVIEW_FIXED_COLS 29
#define REVIEW_WL_COLS 5
#define REVIEW_TAIL_COLS 2

struct review_ctx {
    const struct cohort_review *r;
    const struct cohort_review_row *row;
    size_t rank;
    char buf[4][128];
};

static struct out_cell text(const char *s)
{
    return (struct out_cell){K_TEXT, s == NULL, s ? s : "", 0};
}

static struct out_cell num(bool known, int64_t v, enum cell_kind k)
{
    return (struct out_cell){k, !known, "", v};
}

static struct out_cell date_cell(char *buf, int32_t d)
{
    if (d == KPI_NO_DATE)
        return text(NULL);
    kpi_date_format(d, buf);
    return text(buf);
}

static const char *const review_fixed_names[REVIEW_FIXED_COLS] = {
    "cohort_month",
    "region",
    "review_date",
    "rank",
    "tenant_id",
    "customer_name",
    "fm",
    "status",
    "pending_effective_on",
    "pending_reason",
    "member_since",
    "focus_status",
    "focus_areas_at_freeze",
    "focus_areas_now",
    "still_in_focus_areas",
    "left_focus_areas",
    "health_at_freeze",
    "health_now",
    "core_au_pct_at_freeze",
    "core_au_pct_now",
    "core_au_change_pp",
    "users_to_goal_at_freeze",
    "users_to_goal_now",
    "users_to_goal_change",
    "core_ae_at_freeze",
    "core_ae_now",
    "core_ae_change",
    "core_qe_at_freeze",
    "core_qe_now",
};

static const char *const review_wl_suffix[REVIEW_WL_COLS] = {
    "_au_pct_at_freeze", "_au_pct_now", "_au_change_pp", "_health_at_freeze",
    "_health_now"};

static const char *const review_tail_names[REVIEW_TAIL_COLS] = {
    "as_of_month_at_freeze", "as_of_month_now"};

static struct out_cell review_fixed(struct review_ctx *x, int col)
{
    const struct cohort_review_row *row = x->row;
    const struct cohort_view_row *v = row->v;
    const struct cohort_kpis *b = v->baseline;
    const struct cohort_kpis *n = row->now ? &row->now->kpis : NULL;
    switch (col) {
    case 0:
        kpi_month_format(x->r->cohort_month, x->buf[0]);
        return text(x->buf[0]);
    case 1:
        return text(v->region);
    case 2:
        return date_cell(x->buf[0], x->r->date);
    case 3:
        return num(true, (int64_t)x->rank, K_INT);
    case 4:
        return text(v->tenant_id);
    case 5:
        return text(v->customer_name);
    case 6:
        return text(row->now ? row->now->fm : v->fm);
    case 7:
        return text(cohort_status_name(v->status));
    case 8:
        return date_cell(x->buf[0],
                         v->event ? v->event->effective_on : KPI_NO_DATE);
    case 9:
        return text(v->event ? v->event->reason : NULL);
    case 10:
        return date_cell(x->buf[0], v->since);
    case 11:
        return text(cohort_focus_status_name(row->focus_status));
    case 12:
        kpi_focus_join(b->focus, x->buf[0], sizeof(x->buf[0]));
        return text(x->buf[0]);
    case 13:
        if (!n)
            return text(NULL);
        kpi_focus_join(n->focus, x->buf[0], sizeof(x->buf[0]));
        return text(x->buf[0]);
    case 14:
        if (!n)
            return text(NULL);
        kpi_focus_join(row->still_in, x->buf[0], sizeof(x->buf[0]));
        return text(x->buf[0]);
    case 15:
        if (!n)
            return text(NULL);
        kpi_focus_join(row->left, x->buf[0], sizeof(x->buf[0]));
        return text(x->buf[0]);
    case 16:
        return text(kpi_health_name(b->health));
    case 17:
        return text(n ? kpi_health_name(n->health) : NULL);
    case 18:
        return num(b->core_au_defined, b->core_au, K_PCT);
    case 19:
        return num(n && n->core_au_defined, n ? n->core_au : 0, K_PCT);
    case 20:
        return num(n && n->core_au_defined && b->core_au_defined,
                   n ? n->core_au - b->core_au : 0, K_PP);
    case 21:
        return num(true, b->users_to_goal, K_INT);
    case 22:
        return num(n != NULL, n ? n->users_to_goal : 0, K_INT);
    case 23:
        return num(n != NULL, n ? n->users_to_goal - b->users_to_goal : 0,
                   K_INT);
    case 24:
        return num(true, b->core_ae, K_INT);
    case 25:
        return num(n != NULL, n ? n->core_ae : 0, K_INT);
    case 26:
        return num(n != NULL, n ? n->core_ae - b->core_ae : 0, K_INT);
    case 27:
        return num(true, b->core_qe, K_INT);
    case 28:
        return num(n != NULL, n ? n->core_qe : 0, K_INT);
    }
    return text(NULL);
}

static struct out_cell review_wl(struct review_ctx *x, int w, int col)
{
    const struct cohort_wl *b = &x->row->v->baseline->wl[w];
    const struct cohort_wl *n = x->row->now ? &x->row->now->kpis.wl[w] : NULL;
    switch (col) {
    case 0:
        return num(b->au_defined, b->au, K_PCT);
    case 1:
        return num(n && n->au_defined, n ? n->au : 0, K_PCT);
    case 2:
        return num(n && n->au_defined && b->au_defined, n ? n->au - b->au : 0,
                   K_PP);
    case 3:
        return text(kpi_health_name(b->health));
    case 4:
        return text(n ? kpi_health_name(n->health) : NULL);
    }
    return text(NULL);
}

static struct out_cell review_tail(struct review_ctx *x, int col)
{
    int32_t m = col == 0 ? x->row->v->baseline->as_of_month
                         : (x->row->now ? x->r->now_month : KPI_NO_DATE);
    month_text(m, x->buf[1]);
    return text(m == KPI_NO_DATE ? NULL : x->buf[1]);
}

static size_t review_columns(const struct cohort_review *r)
{
    return REVIEW_FIXED_COLS + REVIEW_WL_COLS * (size_t)r->st->n_workloads +
           REVIEW_TAIL_COLS;
}

static void review_name(const struct cohort_review *r, size_t col, char *out,
                        size_t cap)
{
    if (col < REVIEW_FIXED_COLS) {
        snprintf(out, cap, "%s", review_fixed_names[col]);
        return;
    }
    col -= REVIEW_FIXED_COLS;
    size_t wl_cols = REVIEW_WL_COLS * (size_t)r->st->n_workloads;
    if (col < wl_cols) {
        snprintf(out, cap, "%s%s", r->st->workload[col / REVIEW_WL_COLS],
                 review_wl_suffix[col % REVIEW_WL_COLS]);
        return;
    }
    snprintf(out, cap, "%s", review_tail_names[col - wl_cols]);
}

static struct out_cell review_cell(struct review_ctx *x, size_t col)
{
    if (col < REVIEW_FIXED_COLS)
        return review_fixed(x, (int)col);
    col -= REVIEW_FIXED_COLS;
    size_t wl_cols = REVIEW_WL_COLS * (size_t)x->r->st->n_workloads;
    if (col < wl_cols)
        return review_wl(x, (int)(col / REVIEW_WL_COLS),
                         (int)(col % REVIEW_WL_COLS));
    return review_tail(x, (int)(col - wl_cols));
}

bool cohort_review_write_csv(FILE *f, const struct cohort_review *r)
{
    struct csv_writer w;
    csv_writer_init(&w, f, true);
    size_t cols = review_columns(r);
    char name[CONFIG_CODE_MAX + 64];
    for (size_t c = 0; c < cols; c++) {
        review_name(r, c, name, sizeof(name));
        csv_writer_plain(&w, name);
    }
    csv_writer_end(&w);
    struct review_ctx x = {.r = r};
    for (size_t i = 0; i < r->n; i++) {
        x.row = &r->row[i];
        x.rank = i + 1;
        for (size_t c = 0; c < cols; c++) {
            struct out_cell v = review_cell(&x, c);
            if (v.empty)
                csv_writer_empty(&w);
            else if (v.kind == K_TEXT)
                csv_writer_str(&w, v.text);
            else if (v.kind == K_INT)
                csv_writer_int(&w, v.num);
            else
                csv_writer_centi(&w, v.num);
        }
        csv_writer_end(&w);
    }
    return !csv_writer_error(&w);
}

static enum ftk_error xlsx_fail(lxw_error e, const char *path,
                                struct ftk_diag *diag)
{
    return ftk_fail(diag,
                    e == LXW_ERROR_CREATING_XLSX_FILE ||
                            e == LXW_ERROR_CREATING_TMPFILE
                        ? FTK_E_CANTCREAT
                        : FTK_E_IO,
                    "%s: %s", path, lxw_strerror(e));
}

enum ftk_error cohort_review_write_xlsx(const char *path,
                                        const struct cohort_review *r,
                                        struct ftk_diag *diag)
{
    lxw_workbook *wb = workbook_new(path);
    if (!wb)
        return ftk_fail(diag, FTK_E_CANTCREAT, "%s: cannot create workbook",
                        path);
    /* the document's date is the review's, never the clock */
    lxw_doc_properties props = {0};
    props.created = (time_t)r->date * 86400;
    workbook_set_properties(wb, &props);
    char sheet[32], safe[21], m[8];
    kpi_month_format(r->cohort_month, m);
    safe_name(r->region, safe, sizeof(safe));
    snprintf(sheet, sizeof(sheet), "%s %s", safe, m);
    lxw_worksheet *ws = workbook_add_worksheet(wb, sheet);
    lxw_format *bold = workbook_add_format(wb);
    lxw_format *pct = workbook_add_format(wb);
    lxw_format *pp = workbook_add_format(wb);
    lxw_format *count = workbook_add_format(wb);
    if (!ws || !bold || !pct || !pp || !count) {
        workbook_close(wb);
        return ftk_fail(diag, FTK_E_NOMEM, "%s: out of memory", path);
    }
    format_set_bold(bold);
    format_set_num_format(pct, "0.00%");
    format_set_num_format(pp, "+0.00\" pp\";-0.00\" pp\";0.00\" pp\"");
    format_set_num_format(count, "#,##0");
    lxw_error e = LXW_NO_ERROR;
    size_t cols = review_columns(r);
    char name[CONFIG_CODE_MAX + 64];
    for (size_t c = 0; c < cols && e == LXW_NO_ERROR; c++) {
        review_name(r, c, name, sizeof(name));
        e = worksheet_write_string(ws, 0, (lxw_col_t)c, name, bold);
    }
    struct review_ctx x = {.r = r};
    for (size_t i = 0; i < r->n && e == LXW_NO_ERROR; i++) {
        x.row = &r->row[i];
        x.rank = i + 1;
        lxw_row_t row = (lxw_row_t)(i + 1);
        for (size_t c = 0; c < cols && e == LXW_NO_ERROR; c++) {
            struct out_cell v = review_cell(&x, c);
            lxw_col_t col = (lxw_col_t)c;
            if (v.empty)
                continue;
            if (v.kind == K_TEXT)
                e = worksheet_write_string(ws, row, col, v.text, NULL);
            else if (v.kind == K_INT)
                e = worksheet_write_number(ws, row, col, (double)v.num, count);
            else if (v.kind == K_PCT)
                e = worksheet_write_number(ws, row, col,
                                           (double)v.num / 10000.0, pct);
            else
                e = worksheet_write_number(ws, row, col, (double)v.num / 100.0,
                                           pp);
        }
    }
    if (e == LXW_NO_ERROR) {
        worksheet_freeze_panes(ws, 1, 6);
        worksheet_autofilter(ws, 0, 0, (lxw_row_t)r->n, (lxw_col_t)(cols - 1));
        /* one width per column range, ranges apart (Excel rejects
         * overlapping ones) */
        worksheet_set_column(ws, 0, 4, 14, NULL);
        worksheet_set_column(ws, 5, 5, 36, NULL);
        worksheet_set_column(ws, 6, (lxw_col_t)(cols - 1), 14, NULL);
    }
    lxw_error closed = workbook_close(wb);
    if (e == LXW_NO_ERROR)
        e = closed;
    return e == LXW_NO_ERROR ? FTK_OK : xlsx_fail(e, path, diag);
}
