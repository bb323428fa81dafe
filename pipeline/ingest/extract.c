/*
 * pipeline/ingest/extract.c - schemas, header mapping and row validation.
 */
#include "extract.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "kpi/date.h"
#include "pipeline/ingest/csv_reader.h"
#include "pipeline/base/utf8.h"
#include "pipeline/base/testing.h"

struct column_spec {
    const char *name;
    bool required;
    enum extract_col_type type;
    size_t max_len;
};

/* The lists of extract.h, in the order checks are made in. */
#define COLUMN_SPEC(id, name, required, type, max) {name, required, type, max},
static const struct column_spec customers_cols[] = {
    EXTRACT_CUSTOMERS_COLUMNS(COLUMN_SPEC)};
static const struct column_spec entitlements_cols[] = {
    EXTRACT_ENTITLEMENTS_COLUMNS(COLUMN_SPEC)};
static const struct column_spec usage_cols[] = {
    EXTRACT_USAGE_COLUMNS(COLUMN_SPEC)};
#undef COLUMN_SPEC

#define MAX_COLS 9

/* The columns an extract may have; not a published file's struct schema. */
struct extract_schema {
    const struct column_spec *col;
    int n;
};

static const struct extract_schema schemas[] = {
    [EXTRACT_CUSTOMERS] = {customers_cols, CUSTOMERS_COL_COUNT},
    [EXTRACT_ENTITLEMENTS] = {entitlements_cols, ENTITLEMENTS_COL_COUNT},
    [EXTRACT_USAGE] = {usage_cols, USAGE_COL_COUNT},
};

const char *extract_kind_name(enum extract_kind kind)
{
    static const char *const names[] = {"customers", "entitlements", "usage"};
    return names[kind];
}

/* A validated value of one column. */
struct value {
    const char *s; /* NULL when the column is absent or the value empty */
    size_t len;
    int64_t num;  /* EXTRACT_INT; -1 when empty */
    int32_t date; /* EXTRACT_DATE; KPI_NO_DATE when empty */
};

/* Quotes a value for a message: at most 40 bytes, cut on a character
 * boundary (values are valid UTF-8 by the time they are quoted). */
static void quoted(char *out, size_t cap, const char *s, size_t len)
{
    size_t n = len > 40 ? 40 : len;
    while (n < len && n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
        n--;
    snprintf(out, cap, "'%.*s%s'", (int)n, s, n < len ? "..." : "");
}

bool extract_parse_uint(const char *s, size_t len, int64_t *out)
{
    if (len == 0)
        return false;
    int64_t v = 0;
    for (size_t i = 0; i < len; i++) {
        if (s[i] < '0' || s[i] > '9')
            return false;
        v = v * 10 + (s[i] - '0');
        if (v > EXTRACT_INTEGER_MAX)
            return false;
    }
    *out = v;
    return true;
}

/* Dates parsed lately: an extract holds few distinct dates (weekly
 * snapshots), each on many rows. One slot per day, month and last digit
 * of the year, so dates of the same decade never share a slot. */
#define DATE_CACHE (32 * 13 * 10)
struct date_cache {
    char key[DATE_CACHE][10];
    int32_t date[DATE_CACHE];
    bool used[DATE_CACHE];
};

static bool cached_date(struct date_cache *dc, const char *s, size_t len,
                        int32_t *out)
{
    if (len != 10)
        return kpi_date_parse(s, len, out);
    unsigned y = (unsigned char)s[3] - '0', m1 = (unsigned char)s[5] - '0',
             m2 = (unsigned char)s[6] - '0', d1 = (unsigned char)s[8] - '0',
             d2 = (unsigned char)s[9] - '0';
    unsigned day = 10 * d1 + d2, month = 10 * m1 + m2;
    if (y > 9 || m1 > 9 || m2 > 9 || d1 > 9 || d2 > 9 || day > 31 || month > 12)
        return kpi_date_parse(s, len, out);
    unsigned h = day + 32 * (month + 13 * y);
    if (dc->used[h] && memcmp(dc->key[h], s, 10) == 0) {
        *out = dc->date[h];
        return true;
    }
    if (!kpi_date_parse(s, len, out))
        return false;
    memcpy(dc->key[h], s, 10);
    dc->date[h] = *out;
    dc->used[h] = true;
    return true;
}

/* Checks every column of the schema in order; false with rc filled at the
 * first problem. */
static bool check_columns(const struct extract_schema *sc, const int *map,
                          const struct csv_record *rec, struct value *val,
                          struct date_cache *dc, struct reject_note *rc)
{
    for (int c = 0; c < sc->n; c++) {
        const struct column_spec *spec = &sc->col[c];
        struct value *v = &val[c];
        v->s = NULL;
        v->len = 0;
        v->num = -1;
        v->date = KPI_NO_DATE;
        if (map[c] < 0)
            continue;
        const char *s = rec->field[map[c]];
        size_t len = rec->len[map[c]];
        int pos = map[c] + 1;
        size_t ok = rec->ascii ? len : utf8_valid_prefix(s, len);
        if (ok < len)
            return reject_note(
                rc, REJECT_INVALID_UTF8, c,
                "%s (column %d): invalid UTF-8 at byte %zu (0x%02X)",
                spec->name, pos, ok + 1, (unsigned char)s[ok]);
        if (len > spec->max_len)
            return reject_note(rc, REJECT_FIELD_TOO_LONG, c,
                               "%s (column %d): %zu bytes, at most %zu",
                               spec->name, pos, len, spec->max_len);
        if (len == 0) {
            if (spec->required)
                return reject_note(rc, REJECT_MISSING_VALUE, c,
                                   "%s (column %d): required value is empty",
                                   spec->name, pos);
            continue;
        }
        char q[64];
        if (spec->type == EXTRACT_INT && !extract_parse_uint(s, len, &v->num)) {
            quoted(q, sizeof(q), s, len);
            return reject_note(
                rc, REJECT_BAD_INTEGER, c,
                "%s (column %d): %s is not a whole number: expected "
                "digits 0-9 only, at most 2000000000",
                spec->name, pos, q);
        }
        if (spec->type == EXTRACT_DATE && !cached_date(dc, s, len, &v->date)) {
            quoted(q, sizeof(q), s, len);
            return reject_note(
                rc, REJECT_BAD_DATE, c,
                "%s (column %d): %s is not a date: expected a real "
                "calendar date as YYYY-MM-DD",
                spec->name, pos, q);
        }
        v->s = s;
        v->len = len;
    }
    return true;
}

/* Maps the schema's columns to the header's; file errors for a missing
 * required column or a recognised column named twice. */
static enum ftk_error map_header(const struct extract_schema *sc,
                                 const struct csv_record *hdr, const char *path,
                                 int *map, struct ftk_diag *diag)
{
    for (int c = 0; c < sc->n; c++)
        map[c] = -1;
    for (size_t i = 0; i < hdr->n_fields; i++) {
        const char *name = hdr->field[i];
        size_t len = hdr->len[i];
        /* libcsv trims unquoted fields; trim quoted ones too */
        while (len > 0 && (*name == ' ' || *name == '\t')) {
            name++;
            len--;
        }
        while (len > 0 && (name[len - 1] == ' ' || name[len - 1] == '\t'))
            len--;
        for (int c = 0; c < sc->n; c++) {
            if (strlen(sc->col[c].name) != len ||
                strncasecmp(sc->col[c].name, name, len) != 0)
                continue;
            if (map[c] >= 0)
                return ftk_fail(diag, FTK_E_DATA,
                                "%s:%llu:%zu: column '%s' appears twice in "
                                "the header (columns %d and %zu): expected "
                                "each column once",
                                path, (unsigned long long)hdr->line, i + 1,
                                sc->col[c].name, map[c] + 1, i + 1);
            map[c] = (int)i;
        }
    }
    for (int c = 0; c < sc->n; c++) {
        if (map[c] >= 0 || !sc->col[c].required)
            continue;
        char found[512];
        size_t used = 0;
        found[0] = '\0';
        for (size_t i = 0; i < hdr->n_fields && used < sizeof(found) - 8; i++) {
            char clean[128];
            utf8_sanitize(hdr->field[i], hdr->len[i], clean, sizeof(clean));
            int n = snprintf(found + used, sizeof(found) - used, "%s%s",
                             i ? ", " : "", clean);
            if (n < 0 || (size_t)n >= sizeof(found) - used) {
                snprintf(found + sizeof(found) - 5, 5, "...");
                break;
            }
            used += (size_t)n;
        }
        return ftk_fail(diag, FTK_E_DATA,
                        "%s:%llu: missing required column '%s'; the header "
                        "has: %s",
                        path, (unsigned long long)hdr->line, sc->col[c].name,
                        found);
    }
    return FTK_OK;
}

/* The store copies every string it keeps, so record fields can be handed
 * over as they are. */
static enum ftk_error add_customer(struct store *st, const struct value *v,
                                   enum store_added *added)
{
    struct store_tenant t = {
        .id = v[CUSTOMERS_COL_TENANT].s,
        .name = v[CUSTOMERS_COL_NAME].s,
        .region = v[CUSTOMERS_COL_REGION].s,
        .priority = v[CUSTOMERS_COL_PRIORITY].s,
        .fm = v[CUSTOMERS_COL_FM].s,
        .seats = v[CUSTOMERS_COL_SEATS].num,
        .engagement_start = v[CUSTOMERS_COL_START].date,
        .gateway_date = v[CUSTOMERS_COL_GATEWAY].date,
        .kickoff_date = v[CUSTOMERS_COL_KICKOFF].date,
    };
    return store_add_tenant(st, &t, added);
}

/* The last tenant and workload resolved: extracts are mostly sorted, so
 * consecutive rows usually repeat both. */
struct key_cache {
    char workload_name[128];
    size_t workload_len;
    int workload;
    char tenant_id[EXTRACT_TENANT_ID_MAX + 1];
    size_t tenant_len;
    int64_t tenant;
};

static int cached_workload(struct key_cache *kc, const struct config *cfg,
                           const char *s, size_t len)
{
    if (len == kc->workload_len && memcmp(s, kc->workload_name, len) == 0)
        return kc->workload;
    int w = config_workload_lookup(cfg, s, len);
    if (len < sizeof(kc->workload_name)) {
        memcpy(kc->workload_name, s, len);
        kc->workload_len = len;
        kc->workload = w;
    }
    return w;
}

/* Only found tenants are cached: every tenant is known before lookups
 * start, so a hit never goes stale. */
static int64_t cached_tenant(struct key_cache *kc, const struct store *st,
                             const char *s, size_t len)
{
    if (len == kc->tenant_len && memcmp(s, kc->tenant_id, len) == 0)
        return kc->tenant;
    int64_t t = store_tenant_find(st, s, len);
    if (t >= 0) {
        memcpy(kc->tenant_id, s, len);
        kc->tenant_len = len;
        kc->tenant = t;
    }
    return t;
}

static enum ftk_error check_keys(struct store *st, enum extract_kind kind,
                                 const struct value *v, struct reject_note *rc,
                                 struct key_cache *kc, int *workload,
                                 int64_t *tenant, bool *ok)
{
    char q[64];
    *ok = false;
    if (kind == EXTRACT_CUSTOMERS) {
        *ok = true;
        return FTK_OK;
    }
    /* tenant_id and workload are columns 0 and 1 in both other schemas */
    *workload = cached_workload(kc, st->cfg, v[1].s, v[1].len);
    if (*workload < 0) {
        quoted(q, sizeof(q), v[1].s, v[1].len);
        reject_note(rc, REJECT_UNKNOWN_WORKLOAD, 1,
                    "workload: %s is not a workload code or alias "
                    "(see [workloads] in the configuration)",
                    q);
        return FTK_OK;
    }
    *tenant = cached_tenant(kc, st, v[0].s, v[0].len);
    if (*tenant < 0) {
        quoted(q, sizeof(q), v[0].s, v[0].len);
        reject_note(rc, REJECT_UNKNOWN_TENANT, 0,
                    "tenant_id: %s is not an accepted customer", q);
        return FTK_OK;
    }
    *ok = true;
    return FTK_OK;
}

static enum ftk_error accept_row(struct store *st, enum extract_kind kind,
                                 const struct value *v, struct reject_note *rc,
                                 struct key_cache *kc, bool *ok)
{
    int workload = -1;
    int64_t tenant = -1;
    enum store_added added = STORE_ADDED;
    enum ftk_error err =
        check_keys(st, kind, v, rc, kc, &workload, &tenant, ok);
    if (err != FTK_OK || !*ok)
        return err;
    char day[11];
    const char *code = workload >= 0 ? st->cfg->workload[workload].code : "";
    switch (kind) {
    case EXTRACT_CUSTOMERS:
        err = add_customer(st, v, &added);
        if (err == FTK_OK && added == STORE_DUPLICATE) {
            char q[64];
            quoted(q, sizeof(q), v[CUSTOMERS_COL_TENANT].s,
                   v[CUSTOMERS_COL_TENANT].len);
            reject_note(rc, REJECT_DUPLICATE_KEY, -1,
                        "duplicate key: tenant_id %s was already accepted", q);
        }
        break;
    case EXTRACT_ENTITLEMENTS: {
        struct store_entitlement e = {
            .as_of = v[ENTITLEMENTS_COL_AS_OF].date,
            .qe = (uint32_t)v[ENTITLEMENTS_COL_QE].num,
            .enabled_date = v[ENTITLEMENTS_COL_ENABLED].date,
            .status = v[ENTITLEMENTS_COL_STATUS].s,
            .notes = v[ENTITLEMENTS_COL_NOTES].s,
        };
        err = store_add_entitlement(st, (uint32_t)tenant, workload, &e, &added);
        if (err == FTK_OK && added == STORE_DUPLICATE) {
            kpi_date_format(e.as_of, day);
            reject_note(
                rc, REJECT_DUPLICATE_KEY, -1,
                "duplicate key: an entitlement snapshot of this tenant_id "
                "for %s as_of %s was already accepted",
                code, day);
        }
        break;
    }
    case EXTRACT_USAGE:
        err = store_add_usage(st, (uint32_t)tenant, workload,
                              v[USAGE_COL_DATE].date,
                              (uint32_t)v[USAGE_COL_AE].num, &added);
        if (err == FTK_OK && added == STORE_DUPLICATE) {
            kpi_date_format(v[USAGE_COL_DATE].date, day);
            reject_note(
                rc, REJECT_DUPLICATE_KEY, -1,
                "duplicate key: a usage snapshot of this tenant_id for %s "
                "dated %s was already accepted",
                code, day);
        }
        break;
    }
    *ok = added == STORE_ADDED;
    return err;
}

/* Whether a row is the store's shard's: by the bytes of its tenant_id
 * field, the empty string for a record too short to have one
 * (docs/sharding.md), so that exactly one shard accounts for every row. */
static bool row_owned(const struct store *st, const int *map,
                      const struct csv_record *rec)
{
    if (st->shard.count <= 1)
        return true;
    /* tenant_id is column 0 of every extract */
    size_t at = (size_t)map[0];
    if (at >= rec->n_fields)
        return shard_owns(&st->shard, "", 0);
    return shard_owns(&st->shard, rec->field[at], rec->len[at]);
}

/* A row of another shard's tenant (docs/sharding.md): not counted, and
 * kept only as far as this shard's figures need it. A valid customer row
 * keeps its tenant id, so that only the run's unknown tenants are unknown
 * here; a usage row the run accepts keeps its date, so that every shard
 * takes the same as-of month. */
static enum ftk_error foreign_row(struct store *st, enum extract_kind kind,
                                  const struct extract_schema *sc,
                                  const int *map, const struct csv_record *rec,
                                  size_t n_header, struct value *val,
                                  struct date_cache *dc, struct key_cache *kc)
{
    struct reject_note rc;
    if (kind == EXTRACT_ENTITLEMENTS || rec->n_fields != n_header ||
        !check_columns(sc, map, rec, val, dc, &rc))
        return FTK_OK;
    if (kind == EXTRACT_CUSTOMERS) {
        struct store_tenant t = {
            .id = val[CUSTOMERS_COL_TENANT].s,
            .seats = -1,
            .engagement_start = KPI_NO_DATE,
            .gateway_date = KPI_NO_DATE,
            .kickoff_date = KPI_NO_DATE,
            .foreign = true,
        };
        enum store_added added;
        return store_add_tenant(st, &t, &added);
    }
    int workload = -1;
    int64_t tenant = -1;
    bool ok;
    enum ftk_error err =
        check_keys(st, kind, val, &rc, kc, &workload, &tenant, &ok);
    if (err == FTK_OK && ok)
        store_note_usage_date(st, val[USAGE_COL_DATE].date);
    return err;
}

/* Keeps the latest snapshot date of the accepted rows of a file. */
static void note_latest(struct extract_stats *stats, enum extract_kind kind,
                        const struct value *v)
{
    int32_t d = kind == EXTRACT_USAGE          ? v[USAGE_COL_DATE].date
                : kind == EXTRACT_ENTITLEMENTS ? v[ENTITLEMENTS_COL_AS_OF].date
                                               : KPI_NO_DATE;
    if (d != KPI_NO_DATE && (stats->latest == KPI_NO_DATE || d > stats->latest))
        stats->latest = d;
}

enum ftk_error extract_file(struct store *st, struct rejects *rj,
                            enum extract_kind kind, const char *path,
                            struct extract_stats *stats, struct ftk_diag *diag)
{
    const struct extract_schema *sc = &schemas[kind];
    memset(stats, 0, sizeof(*stats));
    stats->path = path;
    stats->kind = kind;
    stats->latest = KPI_NO_DATE;
    struct csv_reader *r;
    enum ftk_error err = csv_reader_open(&r, path, diag);
    if (err != FTK_OK)
        return err;
    /* raw bytes told to the progress line, every 1024 records */
    uint64_t counted = 0;
    const struct csv_record *rec;
    int map[MAX_COLS];
    err = csv_reader_next(r, &rec, diag);
    if (err != FTK_OK)
        goto out;
    if (!rec) {
        err = ftk_fail(diag, FTK_E_DATA,
                       "%s: empty file: expected a header row naming the "
                       "%s columns",
                       path, extract_kind_name(kind));
        goto out;
    }
    err = map_header(sc, rec, path, map, diag);
    if (err != FTK_OK)
        goto out;
    size_t n_header = rec->n_fields;
    struct value val[MAX_COLS];
    struct key_cache kc = {.workload_len = SIZE_MAX, .tenant_len = SIZE_MAX};
    struct date_cache *dc = calloc(1, sizeof(*dc));
    if (!dc) {
        err = ftk_fail(diag, FTK_E_NOMEM, "%s: out of memory", path);
        goto out;
    }
    for (uint32_t n_rec = 1;; n_rec++) {
        err = csv_reader_next(r, &rec, diag);
        if (err != FTK_OK || !rec)
            break;
        if (st->progress && n_rec % 1024 == 0) {
            uint64_t taken = csv_reader_raw_taken(r);
            progress_add(st->progress, taken - counted);
            counted = taken;
        }
        if (!row_owned(st, map, rec)) {
            stats->skipped++;
            err = foreign_row(st, kind, sc, map, rec, n_header, val, dc, &kc);
            if (err != FTK_OK) {
                ftk_fail(diag, err, "%s:%llu: %s", path,
                         (unsigned long long)rec->line, ftk_strerror(err));
                break;
            }
            continue;
        }
        stats->read++;
        struct reject_note rc;
        bool ok;
        if (rec->n_fields != n_header) {
            reject_note(&rc, REJECT_FIELD_COUNT, -1,
                        "expected %zu fields as in the header, found %zu",
                        n_header, rec->n_fields);
            ok = false;
        } else {
            ok = check_columns(sc, map, rec, val, dc, &rc);
            if (ok) {
                err = accept_row(st, kind, val, &rc, &kc, &ok);
                if (err != FTK_OK) {
                    ftk_fail(diag, err, "%s:%llu: %s", path,
                             (unsigned long long)rec->line, ftk_strerror(err));
                    break;
                }
            }
        }
        if (ok) {
            stats->accepted++;
            note_latest(stats, kind, val);
            continue;
        }
        stats->rejected++;
        stats->by_reason[rc.reason]++;
        rejects_add(rj, path, rec->line,
                    rc.column >= 0 ? sc->col[rc.column].name : NULL, rc.reason,
                    rc.message, rec->raw, rec->raw_len);
    }
    free(dc);
out:
    if (err == FTK_OK) {
        struct source *src = csv_reader_source(r);
        stats->bytes = src->bytes;
        progress_add(st->progress, src->bytes - counted);
        source_sha256(src, stats->sha256);
    }
    csv_reader_close(r);
    return err;
}

bool extract_over_threshold(const struct extract_stats *stats,
                            kpi_pct max_reject_pct)
{
    /* rejected * 100 > pct * read, with pct scaled by KPI_PCT_SCALE */
    return (kpi_i128)stats->rejected * 100 * KPI_PCT_SCALE >
           (kpi_i128)max_reject_pct * (kpi_i128)stats->read;
}
