/*
 * tests/unit/test_samplegen.c - the synthetic data set: deterministic,
 * valid per docs/inputs.md (parsed here by an independent strict RFC 4180
 * reader), and covering the cases the KPI run must handle.
 */
#include <dirent.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

/* cmocka last: with UNIT_TESTING it redefines malloc and free. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "kpi/date.h"
#include "pipeline/base/ftk_error.h"
#include "cmd/samplegen.h"

#define LAST_MONTH (2026 * 12 + 9) /* 2026-10 */

/* ---- fixture: temporary directories, removed after each test ---------- */

#define DIRS 3

struct fixture {
    char dir[DIRS][64];
};

static int setup(void **state)
{
    struct fixture *fx = calloc(1, sizeof(*fx));
    if (fx == NULL)
        return -1;
    const char *tmp = getenv("TMPDIR");
    if (tmp == NULL || tmp[0] == '\0' || strlen(tmp) > 30)
        tmp = "/tmp";
    for (int i = 0; i < DIRS; i++) {
        snprintf(fx->dir[i], sizeof(fx->dir[i]), "%s/test_samplegen.XXXXXX",
                 tmp);
        if (mkdtemp(fx->dir[i]) == NULL)
            return -1;
    }
    *state = fx;
    return 0;
}

static void remove_dir(const char *dir)
{
    DIR *d = opendir(dir);
    if (d != NULL) {
        struct dirent *e;
        char path[512];
        while ((e = readdir(d)) != NULL) {
            if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
                continue;
            snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
            struct stat st;
            if (lstat(path, &st) == 0 && S_ISDIR(st.st_mode))
                remove_dir(path);
            else
                unlink(path);
        }
        closedir(d);
    }
    rmdir(dir);
}

static int teardown(void **state)
{
    struct fixture *fx = *state;
    for (int i = 0; i < DIRS; i++)
        if (fx->dir[i][0] != '\0')
            remove_dir(fx->dir[i]);
    free(fx);
    return 0;
}

/* ---- helpers ----------------------------------------------------------- */

static struct samplegen_options options(const char *dir, uint32_t tenants,
                                        uint32_t months, uint64_t seed,
                                        bool gzip)
{
    struct samplegen_options o = {0};
    o.tenants = tenants;
    o.months = months;
    o.seed = seed;
    o.gzip = gzip;
    o.last_month = LAST_MONTH;
    o.out_dir = dir;
    return o;
}

static void generate(const char *dir, uint32_t tenants, uint32_t months,
                     uint64_t seed, bool gzip)
{
    struct samplegen_options o = options(dir, tenants, months, seed, gzip);
    struct ftk_diag diag = {{0}};
    enum ftk_error err = samplegen_write(&o, &diag);
    if (err != FTK_OK)
        fail_msg("samplegen_write: %s", diag.msg);
}

struct text {
    char *data; /* NUL-terminated; owned, free() it */
    size_t len;
};

/* The whole file, decompressed when its name ends in ".gz". */
static struct text load(const char *dir, const char *name)
{
    char path[512];
    snprintf(path, sizeof(path), "%s/%s", dir, name);
    gzFile gz = gzopen(path, "rb");
    if (gz == NULL)
        fail_msg("cannot open %s", path);
    struct text t = {NULL, 0};
    size_t cap = 1 << 16;
    t.data = malloc(cap);
    assert_non_null(t.data);
    for (;;) {
        if (cap - t.len < (1 << 15)) {
            cap *= 2;
            t.data = realloc(t.data, cap);
            assert_non_null(t.data);
        }
        int n = gzread(gz, t.data + t.len, (unsigned)(cap - t.len - 1));
        assert_true(n >= 0);
        if (n == 0)
            break;
        t.len += (size_t)n;
    }
    assert_int_equal(gzclose(gz), Z_OK);
    t.data[t.len] = '\0';
    return t;
}

static bool same_file(const char *dir_a, const char *name_a, const char *dir_b,
                      const char *name_b)
{
    struct text a = load(dir_a, name_a);
    struct text b = load(dir_b, name_b);
    bool same = a.len == b.len && memcmp(a.data, b.data, a.len) == 0;
    free(a.data);
    free(b.data);
    return same;
}

static bool exists(const char *dir, const char *name)
{
    char path[512];
    struct stat st;
    snprintf(path, sizeof(path), "%s/%s", dir, name);
    return stat(path, &st) == 0;
}

static size_t count_entries(const char *dir)
{
    size_t n = 0;
    DIR *d = opendir(dir);
    assert_non_null(d);
    struct dirent *e;
    while ((e = readdir(d)) != NULL)
        if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
            n++;
    closedir(d);
    return n;
}

/* ---- a strict RFC 4180 reader (LF only, as the generator writes) ------- */

#define MAX_FIELDS 16

struct record {
    size_t fields;
    char *f[MAX_FIELDS]; /* NUL-terminated, unescaped; into scratch */
    size_t len[MAX_FIELDS];
    char scratch[8192];
};

/* Reads the record at *pos; false at the end of the text. Fails the test
 * on anything RFC 4180 does not allow. */
static bool next_record(const struct text *t, size_t *pos, struct record *r)
{
    size_t i = *pos;
    if (i >= t->len)
        return false;
    char *out = r->scratch;
    char *end = r->scratch + sizeof(r->scratch) - 1;
    r->fields = 0;
    for (;;) {
        assert_true(r->fields < MAX_FIELDS);
        r->f[r->fields] = out;
        if (i < t->len && t->data[i] == '"') {
            i++;
            for (;;) {
                assert_true(i < t->len); /* unterminated quote */
                if (t->data[i] == '"') {
                    if (i + 1 < t->len && t->data[i + 1] == '"') {
                        assert_true(out < end);
                        *out++ = '"';
                        i += 2;
                        continue;
                    }
                    i++;
                    break;
                }
                assert_true(out < end);
                *out++ = t->data[i++];
            }
            assert_true(i < t->len);
            assert_true(t->data[i] == ',' || t->data[i] == '\n');
        } else {
            while (i < t->len && t->data[i] != ',' && t->data[i] != '\n') {
                assert_true(t->data[i] != '"'); /* quote in bare field */
                assert_true(t->data[i] != '\r');
                assert_true(out < end);
                *out++ = t->data[i++];
            }
            assert_true(i < t->len); /* every record ends with LF */
        }
        r->len[r->fields] = (size_t)(out - r->f[r->fields]);
        *out++ = '\0';
        r->fields++;
        if (t->data[i++] == '\n')
            break;
    }
    *pos = i;
    return true;
}

static bool valid_utf8(const char *s, size_t n)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0;
    while (i < n) {
        unsigned c = p[i];
        size_t k;
        unsigned min;
        if (c < 0x80) {
            i++;
            continue;
        } else if ((c & 0xE0) == 0xC0) {
            k = 1;
            min = 0x80;
            c &= 0x1F;
        } else if ((c & 0xF0) == 0xE0) {
            k = 2;
            min = 0x800;
            c &= 0x0F;
        } else if ((c & 0xF8) == 0xF0) {
            k = 3;
            min = 0x10000;
            c &= 0x07;
        } else {
            return false;
        }
        if (i + k >= n)
            return false;
        for (size_t j = 1; j <= k; j++) {
            if ((p[i + j] & 0xC0) != 0x80)
                return false;
            c = (c << 6) | (p[i + j] & 0x3F);
        }
        if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
            return false;
        i += k + 1;
    }
    return true;
}

/* docs/inputs.md: plain ASCII digits, at most 2,000,000,000. */
static bool valid_int(const char *s, size_t n, uint64_t *out)
{
    uint64_t v = 0;
    if (n == 0 || n > 10)
        return false;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return false;
        v = v * 10 + (uint64_t)(s[i] - '0');
    }
    if (out)
        *out = v;
    return v <= 2000000000u;
}

/* The default alias table (templates/ftkpi.ini, [workloads]), kept here
 * independently of the generator's. Returns the code's index, or -1. */
static const char *const default_aliases[][5] = {
    {"EXO", "Exchange", "Exchange Online", NULL, NULL},
    {"OLM", "Outlook Mobile", "OM", NULL, NULL},
    {"SPO", "SharePoint", "SharePoint Online", NULL, NULL},
    {"OD", "OneDrive", "OneDrive for Business", "ODB", NULL},
    {"OPP", "ProPlus", "Office 365 ProPlus", "Microsoft 365 Apps", "M365 Apps"},
    {"TEAMS", "Teams", "Microsoft Teams", NULL, NULL},
    {"YAM", "Yammer", "Yammer Enterprise", NULL, NULL},
    {"WIN10", "Windows 10", NULL, NULL, NULL},
    {"INTUNE", "Intune", NULL, NULL, NULL},
    {"AADP", "Azure AD Premium", "Azure Active Directory Premium", NULL, NULL},
    {"AIP", "Azure Information Protection", NULL, NULL, NULL},
    {"MCAS", "Microsoft Cloud App Security", NULL, NULL, NULL},
    {"IDSEC", "Identity Security", NULL, NULL, NULL},
    {"PROJ", "Project Online", NULL, NULL, NULL},
    {"WDATP", "Windows Defender ATP", NULL, NULL, NULL},
    {"SDS", "School Data Sync", NULL, NULL, NULL},
};
#define DEFAULT_WORKLOADS (sizeof(default_aliases) / sizeof(default_aliases[0]))

static int workload_code(const char *s, bool *is_code)
{
    for (size_t w = 0; w < DEFAULT_WORKLOADS; w++) {
        for (size_t a = 0; a < 5 && default_aliases[w][a]; a++) {
            if (strcasecmp(s, default_aliases[w][a]) == 0) {
                if (is_code)
                    *is_code = a == 0;
                return (int)w;
            }
        }
    }
    return -1;
}

static bool one_of(const char *s, const char *const *list)
{
    for (; *list; list++)
        if (strcmp(s, *list) == 0)
            return true;
    return false;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* ---- the data set, read back ------------------------------------------ */

struct ent_row {
    const char *tenant; /* into the tenant list */
    int code;
    int32_t as_of;
    uint64_t qe;
};

struct dataset {
    char **tenants; /* sorted; owned strings */
    size_t ntenants;
    struct ent_row *ents;
    size_t nents;
    size_t customers_rows, ent_rows, usage_rows;
    /* what the KPI run must be able to meet */
    size_t names_comma, names_quote, names_nonascii, names_formula;
    size_t seats_empty, seats_large, kickoff_empty, delay_over_30;
    size_t alias_rows, notes_tagged, enabled_before_kickoff;
    size_t ae_above_qe, usage_before_entitlements, zero_usage;
    size_t guid_ids;
};

static const char *find_tenant(const struct dataset *ds, const char *id)
{
    char **hit =
        bsearch(&id, ds->tenants, ds->ntenants, sizeof(char *), cmp_str);
    return hit ? *hit : NULL;
}

static int cmp_ent(const void *a, const void *b)
{
    const struct ent_row *x = a, *y = b;
    if (x->tenant != y->tenant)
        return x->tenant < y->tenant ? -1 : 1;
    if (x->code != y->code)
        return x->code - y->code;
    return (x->as_of > y->as_of) - (x->as_of < y->as_of);
}

static void check_header(struct text *t, size_t *pos, const char *expected)
{
    size_t n = strlen(expected);
    assert_true(t->len >= n);
    assert_memory_equal(t->data, expected, n);
    *pos = n;
}

static void dataset_free(struct dataset *ds)
{
    for (size_t i = 0; i < ds->ntenants; i++)
        free(ds->tenants[i]);
    free(ds->tenants);
    free(ds->ents);
}

static void read_customers(const char *dir, const char *ext, struct dataset *ds,
                           int32_t last_day)
{
    static const char *const regions[] = {"NA", "EMEA", "APAC", "LATAM", NULL};
    static const char *const priorities[] = {
        "", "High", "High (overridden)", "Medium", "Low", NULL};
    char name[64];
    snprintf(name, sizeof(name), "customers.csv%s", ext);
    struct text t = load(dir, name);
    struct record *r = malloc(sizeof(*r));
    assert_non_null(r);
    size_t pos, cap = 1024;
    check_header(&t, &pos,
                 "tenant_id,customer_name,region,seats,priority,fm,"
                 "engagement_start,gateway_date,kickoff_date\n");
    ds->tenants = malloc(cap * sizeof(char *));
    assert_non_null(ds->tenants);
    while (next_record(&t, &pos, r)) {
        assert_int_equal(r->fields, 9);
        for (size_t i = 0; i < r->fields; i++)
            assert_true(valid_utf8(r->f[i], r->len[i]));
        assert_in_range(r->len[0], 1, 64);
        assert_true(r->len[1] > 0);
        assert_true(one_of(r->f[2], regions));
        uint64_t seats = 0;
        if (r->len[3] == 0)
            ds->seats_empty++;
        else
            assert_true(valid_int(r->f[3], r->len[3], &seats));
        if (seats >= 10000)
            ds->seats_large++;
        assert_true(one_of(r->f[4], priorities));
        int32_t d[3];
        for (int i = 0; i < 3; i++) {
            d[i] = KPI_NO_DATE;
            if (r->len[6 + i] > 0) {
                assert_true(kpi_date_parse(r->f[6 + i], r->len[6 + i], &d[i]));
                assert_true(d[i] <= last_day);
            }
        }
        if (d[0] != KPI_NO_DATE && d[1] != KPI_NO_DATE)
            assert_true(d[1] >= d[0]);
        if (d[1] != KPI_NO_DATE && d[2] != KPI_NO_DATE)
            assert_true(d[2] >= d[1]);
        if (d[2] == KPI_NO_DATE)
            ds->kickoff_empty++;
        else if (d[0] != KPI_NO_DATE && d[2] - d[0] > 30)
            ds->delay_over_30++;

        const char *cn = r->f[1];
        ds->names_comma += strchr(cn, ',') != NULL;
        ds->names_quote += strchr(cn, '"') != NULL;
        ds->names_formula += strchr("=@-+", cn[0]) != NULL;
        for (const char *c = cn; *c; c++) {
            if ((unsigned char)*c >= 0x80) {
                ds->names_nonascii++;
                break;
            }
        }
        ds->guid_ids += r->len[0] == 36;

        if (ds->ntenants == cap) {
            cap *= 2;
            ds->tenants = realloc(ds->tenants, cap * sizeof(char *));
            assert_non_null(ds->tenants);
        }
        /* not strdup: cmocka's free must get cmocka's malloc */
        char *id = malloc(r->len[0] + 1);
        assert_non_null(id);
        memcpy(id, r->f[0], r->len[0] + 1);
        ds->tenants[ds->ntenants] = id;
        ds->ntenants++;
    }
    ds->customers_rows = ds->ntenants;
    qsort(ds->tenants, ds->ntenants, sizeof(char *), cmp_str);
    for (size_t i = 1; i < ds->ntenants; i++)
        assert_true(strcmp(ds->tenants[i - 1], ds->tenants[i]) != 0);
    free(r);
    free(t.data);
}

static void read_entitlements(const char *dir, const char *ext,
                              struct dataset *ds, int32_t last_day)
{
    static const char *const statuses[] = {
        "",        "Not Started", "Initiate", "Initiate - Serialized",
        "Blocked", "No Intent",   "Active",   NULL};
    char name[64];
    snprintf(name, sizeof(name), "entitlements.csv%s", ext);
    struct text t = load(dir, name);
    struct record *r = malloc(sizeof(*r));
    assert_non_null(r);
    size_t pos, cap = 1024;
    check_header(&t, &pos,
                 "tenant_id,workload,as_of,qualified_entitlements,"
                 "enabled_date,status,notes\n");
    ds->ents = malloc(cap * sizeof(*ds->ents));
    assert_non_null(ds->ents);
    while (next_record(&t, &pos, r)) {
        assert_int_equal(r->fields, 7);
        for (size_t i = 0; i < r->fields; i++)
            assert_true(valid_utf8(r->f[i], r->len[i]));
        struct ent_row e;
        e.tenant = find_tenant(ds, r->f[0]);
        assert_non_null(e.tenant);
        bool is_code = true;
        e.code = workload_code(r->f[1], &is_code);
        assert_true(e.code >= 0);
        ds->alias_rows += !is_code;
        assert_true(kpi_date_parse(r->f[2], r->len[2], &e.as_of));
        assert_true(e.as_of <= last_day);
        assert_true(valid_int(r->f[3], r->len[3], &e.qe));
        if (r->len[4] > 0) {
            int32_t enabled;
            assert_true(kpi_date_parse(r->f[4], r->len[4], &enabled));
            /* a snapshot knows only what happened by its date */
            assert_true(enabled <= e.as_of);
        }
        assert_true(one_of(r->f[5], statuses));
        if (strstr(r->f[6], "Expecting<50") || strstr(r->f[6], "#"))
            ds->notes_tagged++;
        if (ds->nents == cap) {
            cap *= 2;
            ds->ents = realloc(ds->ents, cap * sizeof(*ds->ents));
            assert_non_null(ds->ents);
        }
        ds->ents[ds->nents++] = e;
    }
    ds->ent_rows = ds->nents;
    qsort(ds->ents, ds->nents, sizeof(*ds->ents), cmp_ent);
    for (size_t i = 1; i < ds->nents; i++) /* no duplicate key */
        assert_true(cmp_ent(&ds->ents[i - 1], &ds->ents[i]) != 0);
    free(r);
    free(t.data);
}

/* The entitlement snapshots of (tenant, code), or NULL. */
static const struct ent_row *ent_series(const struct dataset *ds,
                                        const char *tenant, int code, size_t *n)
{
    size_t lo = 0, hi = ds->nents;
    struct ent_row key = {tenant, code, INT32_MIN, 0};
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (cmp_ent(&ds->ents[mid], &key) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    size_t end = lo;
    while (end < ds->nents && ds->ents[end].tenant == tenant &&
           ds->ents[end].code == code)
        end++;
    *n = end - lo;
    return *n ? &ds->ents[lo] : NULL;
}

static void read_usage(const char *dir, const char *ext, struct dataset *ds,
                       int32_t first_day, int32_t last_day)
{
    char name[64];
    snprintf(name, sizeof(name), "usage.csv%s", ext);
    struct text t = load(dir, name);
    struct record *r = malloc(sizeof(*r));
    assert_non_null(r);
    size_t pos;
    check_header(&t, &pos, "tenant_id,workload,date,active_users\n");
    /* Rows come grouped by tenant and workload in date order, so a key is
     * repeated only if a date does not increase within a series or a
     * series comes back after another one. */
    const char *prev_tenant = NULL;
    int prev_code = -1;
    int32_t prev_date = 0;
    uint32_t seen[DEFAULT_WORKLOADS] = {0};
    bool series_zero = false, counted_before = false;
    while (next_record(&t, &pos, r)) {
        assert_int_equal(r->fields, 4);
        const char *tenant = find_tenant(ds, r->f[0]);
        assert_non_null(tenant);
        bool is_code = true;
        int code = workload_code(r->f[1], &is_code);
        assert_true(code >= 0);
        ds->alias_rows += !is_code;
        int32_t date = 0;
        assert_true(kpi_date_parse(r->f[2], r->len[2], &date));
        assert_in_range(date, first_day, last_day);
        uint64_t ae = 0;
        assert_true(valid_int(r->f[3], r->len[3], &ae));

        if (tenant != prev_tenant) {
            memset(seen, 0, sizeof(seen));
            prev_tenant = tenant;
            prev_code = -1;
        }
        if (code != prev_code) {
            if (prev_code >= 0 && series_zero)
                ds->zero_usage++;
            assert_int_equal(seen[code], 0);
            seen[code] = 1;
            prev_code = code;
            series_zero = true;
            counted_before = false;
        } else {
            assert_true(date > prev_date);
        }
        prev_date = date;
        series_zero = series_zero && ae == 0;

        size_t n;
        const struct ent_row *s = ent_series(ds, tenant, code, &n);
        if (s != NULL) {
            if (date < s[0].as_of && !counted_before) {
                ds->usage_before_entitlements++;
                counted_before = true;
            }
            uint64_t qe = s[0].qe; /* backfilled before the first */
            for (size_t i = 0; i < n && s[i].as_of <= date; i++)
                qe = s[i].qe;
            if (qe >= 50 && ae * 100 > qe * 105) /* clearly above */
                ds->ae_above_qe++;
        }
        ds->usage_rows++;
    }
    if (prev_code >= 0 && series_zero)
        ds->zero_usage++;
    free(r);
    free(t.data);
}

static void read_dataset(const char *dir, bool gzip, uint32_t months,
                         struct dataset *ds)
{
    const char *ext = gzip ? ".gz" : "";
    int32_t first_day = kpi_month_first_day(LAST_MONTH - (int32_t)months + 1);
    int32_t last_day = kpi_month_last_day(LAST_MONTH);
    memset(ds, 0, sizeof(*ds));
    read_customers(dir, ext, ds, last_day);
    read_entitlements(dir, ext, ds, last_day);
    read_usage(dir, ext, ds, first_day, last_day);
}

/* ---- tests ------------------------------------------------------------- */

static const char *const plain_files[] = {"customers.csv", "entitlements.csv",
                                          "usage.csv"};

static void test_samplegen__same_seed_same_bytes(void **state)
{
    struct fixture *fx = *state;
    generate(fx->dir[0], 120, 14, 42, false);
    generate(fx->dir[1], 120, 14, 42, false);
    for (int i = 0; i < 3; i++)
        assert_true(
            same_file(fx->dir[0], plain_files[i], fx->dir[1], plain_files[i]));
}

static void test_samplegen__other_seed_differs(void **state)
{
    struct fixture *fx = *state;
    generate(fx->dir[0], 120, 14, 42, false);
    generate(fx->dir[1], 120, 14, 43, false);
    for (int i = 0; i < 3; i++)
        assert_false(
            same_file(fx->dir[0], plain_files[i], fx->dir[1], plain_files[i]));
}

/* Each tenant has its own PRNG stream: fewer tenants give a prefix. */
static void test_samplegen__fewer_tenants_give_a_prefix(void **state)
{
    struct fixture *fx = *state;
    generate(fx->dir[0], 30, 12, 5, false);
    generate(fx->dir[1], 60, 12, 5, false);
    for (int i = 0; i < 3; i++) {
        struct text a = load(fx->dir[0], plain_files[i]);
        struct text b = load(fx->dir[1], plain_files[i]);
        assert_true(a.len < b.len);
        assert_memory_equal(a.data, b.data, a.len);
        free(a.data);
        free(b.data);
    }
}

static void test_samplegen__headers_exact(void **state)
{
    static const char *const headers[] = {
        "tenant_id,customer_name,region,seats,priority,fm,engagement_start,"
        "gateway_date,kickoff_date\n",
        "tenant_id,workload,as_of,qualified_entitlements,enabled_date,status,"
        "notes\n",
        "tenant_id,workload,date,active_users\n",
    };
    struct fixture *fx = *state;
    generate(fx->dir[0], 1, 1, 1, false);
    for (int i = 0; i < 3; i++) {
        struct text t = load(fx->dir[0], plain_files[i]);
        size_t n = strlen(headers[i]);
        assert_true(t.len >= n);
        assert_memory_equal(t.data, headers[i], n);
        assert_false(t.data[0] == '\xEF'); /* no BOM */
        free(t.data);
    }
}

static void test_samplegen__gzip_matches_plain(void **state)
{
    static const char *const gz_files[] = {
        "customers.csv.gz", "entitlements.csv.gz", "usage.csv.gz"};
    struct fixture *fx = *state;
    generate(fx->dir[0], 150, 18, 9, false);
    generate(fx->dir[1], 150, 18, 9, true);
    for (int i = 0; i < 3; i++) {
        assert_false(exists(fx->dir[1], plain_files[i]));
        /* really gzip, not plain text under a .gz name */
        char path[512];
        unsigned char magic[2] = {0, 0};
        snprintf(path, sizeof(path), "%s/%s", fx->dir[1], gz_files[i]);
        FILE *f = fopen(path, "rb");
        assert_non_null(f);
        assert_int_equal(fread(magic, 1, 2, f), 2);
        fclose(f);
        assert_int_equal(magic[0], 0x1f);
        assert_int_equal(magic[1], 0x8b);
        assert_true(
            same_file(fx->dir[0], plain_files[i], fx->dir[1], gz_files[i]));
    }
    assert_int_equal(count_entries(fx->dir[1]), 3);
}

/* Every field parses per docs/inputs.md, every usage and entitlement
 * tenant is a customer, no key repeats, dates lie in the window. */
static void test_samplegen__every_field_valid(void **state)
{
    struct fixture *fx = *state;
    struct dataset ds;
    generate(fx->dir[0], 300, 20, 7, false);
    read_dataset(fx->dir[0], false, 20, &ds);
    assert_int_equal(ds.customers_rows, 300);
    dataset_free(&ds);
}

static void test_samplegen__all_tenants_known_gzip(void **state)
{
    struct fixture *fx = *state;
    struct dataset ds;
    generate(fx->dir[0], 80, 6, 11, true);
    read_dataset(fx->dir[0], true, 6, &ds);
    assert_int_equal(ds.customers_rows, 80);
    dataset_free(&ds);
}

static void test_samplegen__row_counts_sane(void **state)
{
    struct fixture *fx = *state;
    struct samplegen_options o = options(fx->dir[0], 50, 12, 3, false);
    struct samplegen_counts c;
    struct ftk_diag diag = {{0}};
    assert_int_equal(samplegen_write_counted(&o, &c, &diag), FTK_OK);
    assert_int_equal(count_entries(fx->dir[0]), 3);

    struct dataset ds;
    read_dataset(fx->dir[0], false, 12, &ds);
    assert_int_equal(c.customers, 50);
    assert_int_equal(c.entitlements, ds.ent_rows);
    assert_int_equal(c.usage, ds.usage_rows);
    /* about 7 workloads a tenant, a few quarterly snapshots each; at most
     * one usage row a week for each workload */
    assert_in_range(ds.ent_rows, 50 * 3, 50 * 16 * 5);
    assert_in_range(ds.usage_rows, 50 * 20, 50 * 16 * 53);
    char path[512];
    struct stat st;
    snprintf(path, sizeof(path), "%s/usage.csv", fx->dir[0]);
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal((uint64_t)st.st_size, c.usage_bytes);
    dataset_free(&ds);
}

/* The data set carries what the pipeline must handle: CSV quoting,
 * non-ASCII, formula-like names, aliases, tags, backfill, AU > 100 %,
 * never-started series, slow and missing kickoffs. */
static void test_samplegen__covers_the_kpi_cases(void **state)
{
    struct fixture *fx = *state;
    struct dataset ds;
    generate(fx->dir[0], 300, 20, 7, false);
    read_dataset(fx->dir[0], false, 20, &ds);
    assert_true(ds.names_comma > 0);
    assert_true(ds.names_quote > 0);
    assert_true(ds.names_nonascii > 0);
    assert_int_equal(ds.names_formula, 4);
    assert_true(ds.seats_empty > 0);
    assert_true(ds.seats_large > 0);
    assert_true(ds.kickoff_empty > 0);
    assert_true(ds.delay_over_30 > 0);
    assert_true(ds.alias_rows > 0);
    assert_true(ds.notes_tagged > 0);
    assert_true(ds.ae_above_qe > 0);
    assert_true(ds.usage_before_entitlements > 0);
    assert_true(ds.zero_usage > 0);
    assert_true(ds.guid_ids > 0);
    dataset_free(&ds);
}

static void test_samplegen__rejects_bad_options(void **state)
{
    struct fixture *fx = *state;
    struct ftk_diag diag = {{0}};
    struct samplegen_options o = options(fx->dir[0], 0, 12, 1, false);
    assert_int_equal(samplegen_write(&o, &diag), FTK_E_USAGE);
    assert_string_equal(diag.msg,
                        "samples: tenants must be 1 to 10000000, not 0");
    o = options(fx->dir[0], 10, 241, 1, false);
    assert_int_equal(samplegen_write(&o, &diag), FTK_E_USAGE);
    o = options(fx->dir[0], 10, 0, 1, false);
    assert_int_equal(samplegen_write(&o, &diag), FTK_E_USAGE);
    o = options(fx->dir[0], 10, 12, 1, false);
    o.last_month = 1900 * 12 + 5;
    assert_int_equal(samplegen_write(&o, &diag), FTK_E_USAGE);
    assert_int_equal(count_entries(fx->dir[0]), 0);
}

static void test_samplegen__missing_dir_cannot_create(void **state)
{
    struct fixture *fx = *state;
    char dir[128], expected[256];
    snprintf(dir, sizeof(dir), "%s/nope", fx->dir[0]);
    snprintf(expected, sizeof(expected),
             "samples: cannot create %s/customers.csv: No such file or "
             "directory",
             dir);
    struct samplegen_options o = options(dir, 10, 3, 1, false);
    struct ftk_diag diag = {{0}};
    assert_int_equal(samplegen_write(&o, &diag), FTK_E_CANTCREAT);
    assert_string_equal(diag.msg, expected);
}

/* A failure leaves no temporary file behind. Here usage.csv is a
 * directory, so its rename fails. */
static void test_samplegen__failure_leaves_no_temporary_file(void **state)
{
    struct fixture *fx = *state;
    char path[512];
    snprintf(path, sizeof(path), "%s/usage.csv", fx->dir[0]);
    assert_int_equal(mkdir(path, 0700), 0);
    snprintf(path, sizeof(path), "%s/usage.csv/x", fx->dir[0]);
    FILE *f = fopen(path, "w"); /* not empty: rename cannot replace it */
    assert_non_null(f);
    fclose(f);

    struct samplegen_options o = options(fx->dir[0], 10, 3, 1, false);
    struct ftk_diag diag = {{0}};
    assert_int_equal(samplegen_write(&o, &diag), FTK_E_CANTCREAT);
    assert_non_null(strstr(diag.msg, "samples: cannot create "));
    DIR *d = opendir(fx->dir[0]);
    assert_non_null(d);
    struct dirent *e;
    while ((e = readdir(d)) != NULL)
        assert_null(strstr(e->d_name, ".tmp"));
    closedir(d);
}

/* Written files replace older ones of the same name. */
static void test_samplegen__replaces_previous_files(void **state)
{
    struct fixture *fx = *state;
    generate(fx->dir[0], 40, 6, 1, false);
    generate(fx->dir[0], 20, 6, 2, false);
    generate(fx->dir[1], 20, 6, 2, false);
    for (int i = 0; i < 3; i++)
        assert_true(
            same_file(fx->dir[0], plain_files[i], fx->dir[1], plain_files[i]));
    assert_int_equal(count_entries(fx->dir[0]), 3);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_samplegen__same_seed_same_bytes,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_samplegen__other_seed_differs,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(
            test_samplegen__fewer_tenants_give_a_prefix, setup, teardown),
        cmocka_unit_test_setup_teardown(test_samplegen__headers_exact, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_samplegen__gzip_matches_plain,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_samplegen__every_field_valid,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_samplegen__all_tenants_known_gzip,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_samplegen__row_counts_sane, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_samplegen__covers_the_kpi_cases,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_samplegen__rejects_bad_options,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(
            test_samplegen__missing_dir_cannot_create, setup, teardown),
        cmocka_unit_test_setup_teardown(
            test_samplegen__failure_leaves_no_temporary_file, setup, teardown),
        cmocka_unit_test_setup_teardown(test_samplegen__replaces_previous_files,
                                        setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
