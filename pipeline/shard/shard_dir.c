/*
 * pipeline/shard/shard_dir.c - a shard folder written and read back
 * (shard_dir.h; the format is docs/sharding.md's).
 */
#include "shard_dir.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kpi/date.h"
#include "pipeline/base/csv_writer.h"
#include "pipeline/base/grow.h"
#include "pipeline/base/sort.h"
#include "pipeline/base/version.h"
#include "pipeline/ingest/csv_reader.h"
#include "pipeline/ingest/source.h"
#include "pipeline/shard/tables.h"

#include "pipeline/base/testing.h"

#define SHARD_COL_ENTRY(id, name, type) [id] = {name, type, NULL},

static const struct schema_column manifest_cols[] = {
    SHARD_MANIFEST_COLUMNS(SHARD_COL_ENTRY)};
static const struct schema_column inputs_cols[] = {
    SHARD_INPUTS_COLUMNS(SHARD_COL_ENTRY)
#define REASON_COL(name, code, title) {code, SCHEMA_INT, NULL},
        REJECT_REASONS(REASON_COL)
#undef REASON_COL
};
static const struct schema_column customers_cols[] = {
    SHARD_CUSTOMERS_COLUMNS(SHARD_COL_ENTRY)};
static const struct schema_column workloads_cols[] = {
    SHARD_WORKLOADS_COLUMNS(SHARD_COL_ENTRY)};
#undef SHARD_COL_ENTRY

#define TABLE(file, cols)                                                      \
    {                                                                          \
        file, cols, sizeof(cols) / sizeof(cols[0])                             \
    }
const struct schema shard_manifest_schema =
    TABLE(SHARD_MANIFEST_FILE, manifest_cols);
const struct schema shard_inputs_schema = TABLE(SHARD_INPUTS_FILE, inputs_cols);
const struct schema shard_customers_schema =
    TABLE(SHARD_CUSTOMERS_FILE, customers_cols);
const struct schema shard_workloads_schema =
    TABLE(SHARD_WORKLOADS_FILE, workloads_cols);
#undef TABLE

/* ---- values of a row, both ways ---- */

static struct schema_value num(bool known, int64_t i)
{
    return (struct schema_value){.known = known, .i = i};
}

static struct schema_value text(const char *s)
{
    return (struct schema_value){.known = true, .s = s ? s : ""};
}

static struct schema_value date(int32_t d)
{
    return num(d != KPI_NO_DATE, d);
}

static struct schema_value days(int32_t d)
{
    return num(d != KPI_NO_DAYS, d);
}

/* A cell read back: the value and whether it was there. */
struct cell {
    const char *s;
    size_t len;
    bool known; /* not empty */
    int64_t i;  /* INT, BOOL, DATE, MONTH, HEALTH */
};

/* ---- writing ---- */

/* One value as its column's type: text byte for byte, the rest as the
 * schema writes it. */
static void put(struct csv_writer *w, enum schema_type t,
                const struct schema_value *v)
{
    if (t == SCHEMA_TEXT && v->known)
        csv_writer_exact(w, v->s, strlen(v->s));
    else
        schema_csv_value(w, t, v);
}

typedef struct schema_value (*value_fn)(const void *row, int col,
                                        const void *ctx);

static void put_row(struct csv_writer *w, const struct schema *sc,
                    value_fn value, const void *row, const void *ctx)
{
    for (size_t c = 0; c < sc->n_cols; c++) {
        struct schema_value v = value(row, (int)c, ctx);
        put(w, sc->col[c].type, &v);
    }
    csv_writer_end(w);
}

struct manifest_row {
    const struct shard_dir_input *in;
    const char *config_sha256;
};

static struct schema_value manifest_value(const void *row, int col,
                                          const void *ctx)
{
    const struct manifest_row *m = row;
    const struct shard_dir_input *in = m->in;
    (void)ctx;
    switch ((enum shard_manifest_col)col) {
    case SM_VERSION:
        return text(FTK_VERSION);
    case SM_SHARD_INDEX:
        return num(true, in->shard.index);
    case SM_SHARD_COUNT:
        return num(true, in->shard.count);
    case SM_AS_OF_MONTH:
        return num(true, in->facts->as_of_month);
    case SM_CONFIG:
        return text(in->cfg->source);
    case SM_CONFIG_SHA256:
        return text(m->config_sha256);
    case SM_CUSTOMERS:
        return num(true, (int64_t)in->facts->n_customers);
    case SM_WORKLOAD_ROWS:
        return num(true, (int64_t)in->facts->n_rows);
    case SM_REJECTS:
        return num(true, (int64_t)in->n_rejects);
    case SM_COUNT:
        break;
    }
    return num(false, 0);
}

static struct schema_value inputs_value(const void *row, int col,
                                        const void *ctx)
{
    const struct extract_stats *s = row;
    (void)ctx;
    if (col >= SI_COUNT)
        return num(true, (int64_t)s->by_reason[col - SI_COUNT]);
    switch ((enum shard_inputs_col)col) {
    case SI_PATH:
        return text(s->path);
    case SI_KIND:
        return text(extract_kind_name(s->kind));
    case SI_BYTES:
        return num(true, (int64_t)s->bytes);
    case SI_SHA256:
        return text(s->sha256);
    case SI_READ:
        return num(true, (int64_t)s->read);
    case SI_ACCEPTED:
        return num(true, (int64_t)s->accepted);
    case SI_REJECTED:
        return num(true, (int64_t)s->rejected);
    case SI_SKIPPED:
        return num(true, (int64_t)s->skipped);
    case SI_LATEST:
        return date(s->latest);
    case SI_COUNT:
        break;
    }
    return num(false, 0);
}

static struct schema_value customers_value(const void *row, int col,
                                           const void *ctx)
{
    const struct store_tenant *t = row;
    (void)ctx;
    switch ((enum shard_customers_col)col) {
    case SC_TENANT_ID:
        return text(t->id);
    case SC_NAME:
        return text(t->name);
    case SC_REGION:
        return text(t->region);
    case SC_SEATS:
        return num(t->seats >= 0, t->seats);
    case SC_PRIORITY:
        return text(t->priority);
    case SC_FM:
        return text(t->fm);
    case SC_ENGAGEMENT_START:
        return date(t->engagement_start);
    case SC_GATEWAY_DATE:
        return date(t->gateway_date);
    case SC_KICKOFF_DATE:
        return date(t->kickoff_date);
    case SC_COUNT:
        break;
    }
    return num(false, 0);
}

static struct schema_value trend_value(const struct facts *f,
                                       const struct fact_workload *r, int k,
                                       bool qe)
{
    struct kpi_au v = facts_month_value(f, r, k);
    if (!kpi_au_defined(&v))
        return num(false, 0);
    return num(true, qe ? v.qe : v.ae);
}

static struct schema_value workloads_value(const void *row, int col,
                                           const void *ctx)
{
    const struct fact_workload *r = row;
    const struct facts *f = ctx;
    if (col >= SW_AE_0 && col <= SW_AE_11)
        return trend_value(f, r, col - SW_AE_0, false);
    if (col >= SW_QE_0 && col <= SW_QE_11)
        return trend_value(f, r, col - SW_QE_0, true);
    switch ((enum shard_workloads_col)col) {
    case SW_TENANT_ID:
        return text(f->st->tenant[r->tenant].id);
    case SW_WORKLOAD:
        return text(facts_code(f, r->workload));
    case SW_VALUE_AE:
        return num(r->value.has_value, r->value.ae);
    case SW_VALUE_QE:
        return num(r->value.qe_known, r->value.qe);
    case SW_QE:
        return num(r->qe_known, r->qe);
    case SW_AU:
        return num(r->au_defined, r->au);
    case SW_HEALTH:
        return num(true, r->health);
    case SW_SCENARIO:
        return text(r->scenario);
    case SW_DELTA_1M:
        return num(r->has_delta_1m, r->delta_1m);
    case SW_DELTA_3M:
        return num(r->has_delta_3m, r->delta_3m);
    case SW_LOSER:
        return num(true, r->loser);
    case SW_AGO_AE:
        return num(r->value_3m_ago.has_value, r->value_3m_ago.ae);
    case SW_AGO_QE:
        return num(r->value_3m_ago.qe_known, r->value_3m_ago.qe);
    case SW_PLATEAU_MONTHS:
        return num(true, r->plateau_months);
    case SW_PLATEAU:
        return num(true, r->plateau);
    case SW_ANCHOR_AE:
        return num(r->plateau_anchor.has_value, r->plateau_anchor.ae);
    case SW_ANCHOR_QE:
        return num(r->plateau_anchor.qe_known, r->plateau_anchor.qe);
    case SW_QE_BACKFILLED:
        return num(true, r->qe_backfilled);
    case SW_ENABLED_DATE:
        return date(r->enabled_date);
    case SW_DAYS_KICKOFF_TO_ENABLE:
        return days(r->days_kickoff_to_enable);
    case SW_DAYS_TO_10:
    case SW_DAYS_TO_40:
    case SW_DAYS_TO_70:
        return days(r->days_to[col - SW_DAYS_TO_10]);
    case SW_USERS_TO_GOAL:
        return num(r->has_users_to_goal, r->users_to_goal);
    case SW_STATUS:
        return text(r->status);
    case SW_TAGS:
        return text(r->tags);
    case SW_CORE:
        return num(true, r->core);
    case SW_SLOW_ENABLE:
        return num(true, r->slow_enable);
    case SW_SLOW_RAMP:
        return num(true, r->slow_ramp);
    case SW_LATEST_USAGE:
        return date(r->latest_usage);
    case SW_LATEST_ENTITLEMENT:
        return date(r->latest_entitlement);
    case SW_NOTES:
        return text(r->notes);
    default:
        break;
    }
    return num(false, 0);
}

/* Creates name in the publish and starts a CSV with sc's header. */
static enum ftk_error start_file(struct publish *pub, const struct schema *sc,
                                 struct csv_writer *w, struct ftk_diag *diag)
{
    FILE *f;
    enum ftk_error err = publish_create(pub, sc->file, &f, diag);
    if (err != FTK_OK)
        return err;
    csv_writer_init(w, f, false);
    schema_csv_header(w, sc);
    return FTK_OK;
}

static enum ftk_error end_file(const struct schema *sc, struct csv_writer *w,
                               struct ftk_diag *diag)
{
    if (csv_writer_error(w) || fflush(w->f) != 0)
        return ftk_fail(diag, FTK_E_IO, "%s: write failed", sc->file);
    return FTK_OK;
}

/* config.ini: the --config file's bytes, and their SHA-256. */
static enum ftk_error copy_config(struct publish *pub, const char *path,
                                  char sha256[65], struct ftk_diag *diag)
{
    uint64_t bytes;
    enum ftk_error err = source_digest(path, &bytes, sha256, diag);
    if (err != FTK_OK)
        return err;
    FILE *out;
    err = publish_create(pub, SHARD_CONFIG_FILE, &out, diag);
    if (err != FTK_OK)
        return err;
    FILE *in = fopen(path, "rb");
    if (!in)
        return ftk_fail(diag, FTK_E_NOINPUT, "%s: cannot open: %s", path,
                        strerror(errno));
    char buf[65536];
    size_t n;
    while ((n = fread(buf, 1, sizeof(buf), in)) > 0)
        if (fwrite(buf, 1, n, out) != n)
            break;
    bool failed = ferror(in) || ferror(out);
    fclose(in);
    if (failed)
        return ftk_fail(diag, FTK_E_IO, "%s: copy failed", SHARD_CONFIG_FILE);
    return FTK_OK;
}

enum ftk_error shard_dir_write(struct publish *pub,
                               const struct shard_dir_input *in,
                               struct ftk_diag *diag)
{
    const struct facts *f = in->facts;
    struct csv_writer w;
    char sha[65] = "";
    enum ftk_error err = FTK_OK;
    if (in->config_path)
        err = copy_config(pub, in->config_path, sha, diag);
    if (err == FTK_OK)
        err = start_file(pub, &shard_inputs_schema, &w, diag);
    for (size_t i = 0; err == FTK_OK && i < in->n_stats; i++)
        put_row(&w, &shard_inputs_schema, inputs_value, &in->stats[i], NULL);
    if (err == FTK_OK)
        err = end_file(&shard_inputs_schema, &w, diag);
    if (err == FTK_OK)
        err = start_file(pub, &shard_customers_schema, &w, diag);
    for (size_t i = 0; err == FTK_OK && i < f->n_customers; i++)
        put_row(&w, &shard_customers_schema, customers_value,
                &f->st->tenant[f->customer[i].tenant], NULL);
    if (err == FTK_OK)
        err = end_file(&shard_customers_schema, &w, diag);
    if (err == FTK_OK)
        err = start_file(pub, &shard_workloads_schema, &w, diag);
    for (size_t i = 0; err == FTK_OK && i < f->n_rows; i++)
        put_row(&w, &shard_workloads_schema, workloads_value, &f->row[i], f);
    if (err == FTK_OK)
        err = end_file(&shard_workloads_schema, &w, diag);
    struct manifest_row m = {in, sha};
    if (err == FTK_OK)
        err = start_file(pub, &shard_manifest_schema, &w, diag);
    if (err == FTK_OK) {
        put_row(&w, &shard_manifest_schema, manifest_value, &m, NULL);
        err = end_file(&shard_manifest_schema, &w, diag);
    }
    return err;
}

/* ---- reading ---- */

/* A file of a shard folder open for reading, its header mapped. */
struct table_reader {
    const struct schema *sc;
    char *path;
    struct csv_reader *r;
    int idx[SW_COUNT + REJECT_COUNT + SI_COUNT]; /* field of each column */
    struct cell cell[SW_COUNT + REJECT_COUNT + SI_COUNT];
    uint64_t line;
};

static char *path_join(const char *dir, const char *name)
{
    size_t a = strlen(dir), b = strlen(name);
    char *p = malloc(a + b + 2);
    if (p) {
        memcpy(p, dir, a);
        p[a] = '/';
        memcpy(p + a + 1, name, b + 1);
    }
    return p;
}

static void table_close(struct table_reader *t)
{
    csv_reader_close(t->r);
    free(t->path);
    memset(t, 0, sizeof(*t));
}

static enum ftk_error table_open(struct table_reader *t, const char *dir,
                                 const struct schema *sc, struct ftk_diag *diag)
{
    memset(t, 0, sizeof(*t));
    t->sc = sc;
    t->path = path_join(dir, sc->file);
    if (!t->path)
        return ftk_fail(diag, FTK_E_NOMEM, "out of memory");
    enum ftk_error err = csv_reader_open(&t->r, t->path, diag);
    if (err == FTK_E_NOINPUT)
        err = ftk_fail(diag, FTK_E_DATA,
                       "%s: missing: %s is not a complete shard folder",
                       t->path, dir);
    const struct csv_record *rec = NULL;
    if (err == FTK_OK)
        err = csv_reader_next(t->r, &rec, diag);
    if (err == FTK_OK && !rec)
        err = ftk_fail(diag, FTK_E_DATA, "%s: empty file", t->path);
    for (size_t c = 0; err == FTK_OK && c < sc->n_cols; c++)
        t->idx[c] = -1;
    for (size_t i = 0; err == FTK_OK && i < rec->n_fields; i++) {
        int c = schema_match(sc, rec->field[i], rec->len[i]);
        if (c >= 0)
            t->idx[c] = (int)i;
    }
    for (size_t c = 0; err == FTK_OK && c < sc->n_cols; c++)
        if (t->idx[c] < 0)
            err = ftk_fail(diag, FTK_E_DATA,
                           "%s:1: no column '%s': not a shard folder of "
                           "this ftkpi version",
                           t->path, sc->col[c].name);
    if (err != FTK_OK)
        table_close(t);
    return err;
}

static enum ftk_error bad_cell(const struct table_reader *t, int col,
                               const char *expected, struct ftk_diag *diag)
{
    const struct cell *c = &t->cell[col];
    return ftk_fail(diag, FTK_E_DATA, "%s:%llu: column '%s': '%.*s' is not %s",
                    t->path, (unsigned long long)t->line, t->sc->col[col].name,
                    c->len > 40 ? 40 : (int)c->len, c->s, expected);
}

static bool parse_int(const char *s, size_t len, int64_t *out)
{
    size_t i = 0;
    bool neg = len > 0 && s[0] == '-';
    if (neg)
        i = 1;
    if (i == len || len - i > 18)
        return false;
    int64_t v = 0;
    for (; i < len; i++) {
        if (s[i] < '0' || s[i] > '9')
            return false;
        v = v * 10 + (s[i] - '0');
    }
    *out = neg ? -v : v;
    return true;
}

static enum ftk_error parse_cell(struct table_reader *t, int col,
                                 struct ftk_diag *diag)
{
    struct cell *c = &t->cell[col];
    enum schema_type type = t->sc->col[col].type;
    c->i = 0;
    if (!c->known || type == SCHEMA_TEXT || type == SCHEMA_CODE)
        return FTK_OK;
    int32_t d;
    switch (type) {
    case SCHEMA_BOOL:
        if (c->len == 4 && memcmp(c->s, "true", 4) == 0)
            c->i = 1;
        else if (!(c->len == 5 && memcmp(c->s, "false", 5) == 0))
            return bad_cell(t, col, "true or false", diag);
        return FTK_OK;
    case SCHEMA_DATE:
        if (!kpi_date_parse(c->s, c->len, &d))
            return bad_cell(t, col, "a date", diag);
        c->i = d;
        return FTK_OK;
    case SCHEMA_MONTH:
        if (!kpi_month_parse(c->s, c->len, &d))
            return bad_cell(t, col, "a month", diag);
        c->i = d;
        return FTK_OK;
    case SCHEMA_HEALTH:
        for (int h = 0; h < 4; h++) {
            const char *name = kpi_health_name((enum kpi_health)h);
            if (strlen(name) == c->len && memcmp(name, c->s, c->len) == 0) {
                c->i = h;
                return FTK_OK;
            }
        }
        return bad_cell(t, col, "a health", diag);
    default:
        if (!parse_int(c->s, c->len, &c->i))
            return bad_cell(t, col, "an integer", diag);
        return FTK_OK;
    }
}

/* The next row in t->cell; *more is false at the end of the file. */
static enum ftk_error table_next(struct table_reader *t, bool *more,
                                 struct ftk_diag *diag)
{
    const struct csv_record *rec;
    enum ftk_error err = csv_reader_next(t->r, &rec, diag);
    *more = err == FTK_OK && rec;
    if (!*more)
        return err;
    t->line = rec->line;
    for (size_t c = 0; c < t->sc->n_cols; c++) {
        size_t at = (size_t)t->idx[c];
        struct cell *cl = &t->cell[c];
        cl->s = at < rec->n_fields ? rec->field[at] : "";
        cl->len = at < rec->n_fields ? rec->len[at] : 0;
        cl->known = cl->len > 0;
        if ((err = parse_cell(t, (int)c, diag)) != FTK_OK)
            return err;
    }
    return FTK_OK;
}

static const char *keep(struct arena *a, const struct cell *c)
{
    if (c->len == 0)
        return "";
    return arena_strndup(a, c->s, c->len);
}

static enum ftk_error nomem(struct ftk_diag *diag)
{
    return ftk_fail(diag, FTK_E_NOMEM, "out of memory");
}

static enum ftk_error read_manifest(struct shard_dir *d, struct ftk_diag *diag)
{
    struct table_reader t;
    enum ftk_error err = table_open(&t, d->path, &shard_manifest_schema, diag);
    if (err != FTK_OK)
        return err;
    bool more;
    err = table_next(&t, &more, diag);
    if (err == FTK_OK && !more)
        err = ftk_fail(diag, FTK_E_DATA, "%s: no row", t.path);
    if (err == FTK_OK) {
        const struct cell *c = t.cell;
        snprintf(d->version, sizeof(d->version), "%.*s", (int)c[SM_VERSION].len,
                 c[SM_VERSION].s);
        d->shard.index = (uint32_t)c[SM_SHARD_INDEX].i;
        d->shard.count = (uint32_t)c[SM_SHARD_COUNT].i;
        d->as_of_month = (int32_t)c[SM_AS_OF_MONTH].i;
        d->config = keep(&d->strings, &c[SM_CONFIG]);
        snprintf(d->config_sha256, sizeof(d->config_sha256), "%.*s",
                 (int)c[SM_CONFIG_SHA256].len, c[SM_CONFIG_SHA256].s);
        d->n_customers = (uint64_t)c[SM_CUSTOMERS].i;
        d->n_rows = (uint64_t)c[SM_WORKLOAD_ROWS].i;
        d->n_rejects = (uint64_t)c[SM_REJECTS].i;
        if (!d->config)
            err = nomem(diag);
        else if (!c[SM_AS_OF_MONTH].known || c[SM_SHARD_COUNT].i <= 0 ||
                 c[SM_SHARD_COUNT].i > SHARD_MAX || c[SM_SHARD_INDEX].i < 0 ||
                 c[SM_SHARD_INDEX].i >= c[SM_SHARD_COUNT].i)
            err = ftk_fail(diag, FTK_E_DATA,
                           "%s:2: expected a shard I of N and an as-of month",
                           t.path);
    }
    table_close(&t);
    return err;
}

static enum ftk_error read_inputs(struct shard_dir *d, struct ftk_diag *diag)
{
    struct table_reader t;
    enum ftk_error err = table_open(&t, d->path, &shard_inputs_schema, diag);
    size_t cap = 0;
    bool more = err == FTK_OK;
    while (err == FTK_OK && more) {
        err = table_next(&t, &more, diag);
        if (err != FTK_OK || !more)
            break;
        struct extract_stats *s =
            grow_array(d->stats, &cap, d->n_stats + 1, sizeof(*s));
        if (!s) {
            err = nomem(diag);
            break;
        }
        d->stats = s;
        s = &d->stats[d->n_stats++];
        memset(s, 0, sizeof(*s));
        const struct cell *c = t.cell;
        s->path = keep(&d->strings, &c[SI_PATH]);
        int kind = -1;
        for (int k = 0; k < 3; k++)
            if (strlen(extract_kind_name((enum extract_kind)k)) ==
                    c[SI_KIND].len &&
                memcmp(extract_kind_name((enum extract_kind)k), c[SI_KIND].s,
                       c[SI_KIND].len) == 0)
                kind = k;
        if (kind < 0) {
            err = bad_cell(&t, SI_KIND, "an extract kind", diag);
            break;
        }
        s->kind = (enum extract_kind)kind;
        s->bytes = (uint64_t)c[SI_BYTES].i;
        snprintf(s->sha256, sizeof(s->sha256), "%.*s", (int)c[SI_SHA256].len,
                 c[SI_SHA256].s);
        s->read = (uint64_t)c[SI_READ].i;
        s->accepted = (uint64_t)c[SI_ACCEPTED].i;
        s->rejected = (uint64_t)c[SI_REJECTED].i;
        s->skipped = (uint64_t)c[SI_SKIPPED].i;
        s->latest = c[SI_LATEST].known ? (int32_t)c[SI_LATEST].i : KPI_NO_DATE;
        for (int r = 0; r < REJECT_EXTRACT_COUNT; r++)
            s->by_reason[r] = (uint64_t)c[SI_COUNT + r].i;
        if (!s->path)
            err = nomem(diag);
    }
    if (t.r)
        table_close(&t);
    return err;
}

enum ftk_error shard_dir_open(struct shard_dir *d, const char *path,
                              struct ftk_diag *diag)
{
    memset(d, 0, sizeof(*d));
    arena_init(&d->strings);
    d->path = path;
    FILE *probe = fopen(path, "r");
    if (!probe)
        return ftk_fail(diag, FTK_E_NOINPUT, "%s: cannot open: %s", path,
                        strerror(errno));
    fclose(probe);
    enum ftk_error err = read_manifest(d, diag);
    if (err == FTK_OK)
        err = read_inputs(d, diag);
    if (err != FTK_OK)
        shard_dir_release(d);
    return err;
}

void shard_dir_release(struct shard_dir *d)
{
    free(d->stats);
    arena_release(&d->strings);
    memset(d, 0, sizeof(*d));
}

/* Why two shards' inputs differ, or NULL when they are the same. */
static const char *input_mismatch(const struct extract_stats *a,
                                  const struct extract_stats *b)
{
    if (strcmp(a->path, b->path) != 0)
        return "path";
    if (a->kind != b->kind)
        return "kind";
    if (a->bytes != b->bytes || strcmp(a->sha256, b->sha256) != 0)
        return "checksum";
    if (a->read + a->skipped != b->read + b->skipped)
        return "number of rows";
    return NULL;
}

enum ftk_error shard_dir_check_set(const struct shard_dir *d, size_t n,
                                   struct ftk_diag *diag)
{
    const struct shard_dir *a = &d[0];
    if (n == 0)
        return ftk_fail(diag, FTK_E_USAGE, "no shard folder");
    for (size_t k = 1; k < n; k++) {
        const struct shard_dir *b = &d[k];
        const char *what = NULL;
        if (strcmp(a->version, b->version) != 0)
            what = "was written by another ftkpi version";
        else if (a->shard.count != b->shard.count)
            what = "is a shard of a run split another way";
        else if (a->as_of_month != b->as_of_month)
            what = "is of another as-of month";
        else if (strcmp(a->config, b->config) != 0 ||
                 strcmp(a->config_sha256, b->config_sha256) != 0)
            what = "was run with another configuration";
        else if (a->n_stats != b->n_stats)
            what = "read another list of inputs";
        if (what)
            return ftk_fail(diag, FTK_E_DATA,
                            "shard folder %s %s than %s: the shards are "
                            "not all of one run",
                            b->path, what, a->path);
        for (size_t i = 0; i < a->n_stats; i++) {
            const char *why = input_mismatch(&a->stats[i], &b->stats[i]);
            if (why)
                return ftk_fail(diag, FTK_E_DATA,
                                "shard folder %s read input %zu (%s) with "
                                "another %s than %s: the shards are not all "
                                "of one run",
                                b->path, i + 1, b->stats[i].path, why, a->path);
        }
    }
    uint32_t count = a->shard.count;
    for (size_t k = 0; k < n; k++)
        for (size_t j = k + 1; j < n; j++)
            if (d[k].shard.index == d[j].shard.index)
                return ftk_fail(diag, FTK_E_DATA,
                                "shard %u/%u appears twice: %s and %s",
                                (unsigned)d[k].shard.index, (unsigned)count,
                                d[k].path, d[j].path);
    if (n < count) {
        for (uint32_t i = 0; i < count; i++) {
            bool found = false;
            for (size_t k = 0; k < n && !found; k++)
                found = d[k].shard.index == i;
            if (!found)
                return ftk_fail(diag, FTK_E_DATA,
                                "shard %u/%u is missing: %zu of the %u "
                                "shard folders given",
                                (unsigned)i, (unsigned)count, n,
                                (unsigned)count);
        }
    }
    return FTK_OK;
}

void shard_dir_sum_stats(const struct shard_dir *d, size_t n,
                         struct extract_stats *out)
{
    for (size_t i = 0; i < d[0].n_stats; i++) {
        struct extract_stats *s = &out[i];
        *s = d[0].stats[i];
        s->read = s->accepted = s->rejected = s->skipped = 0;
        s->latest = KPI_NO_DATE;
        memset(s->by_reason, 0, sizeof(s->by_reason));
        for (size_t k = 0; k < n; k++) {
            const struct extract_stats *x = &d[k].stats[i];
            s->read += x->read;
            s->accepted += x->accepted;
            s->rejected += x->rejected;
            for (int r = 0; r < REJECT_COUNT; r++)
                s->by_reason[r] += x->by_reason[r];
            if (x->latest != KPI_NO_DATE &&
                (s->latest == KPI_NO_DATE || x->latest > s->latest))
                s->latest = x->latest;
        }
    }
}

/* A tenant_id of a shard's file must be of that shard. */
static enum ftk_error check_owner(const struct table_reader *t,
                                  const struct shard_dir *d,
                                  const struct cell *id, struct ftk_diag *diag)
{
    if (shard_owns(&d->shard, id->s, id->len))
        return FTK_OK;
    return ftk_fail(
        diag, FTK_E_DATA, "%s:%llu: tenant '%.*s' is not of shard %u/%u",
        t->path, (unsigned long long)t->line, id->len > 64 ? 64 : (int)id->len,
        id->s, (unsigned)d->shard.index, (unsigned)d->shard.count);
}

static enum ftk_error read_customers(const struct shard_dir *d,
                                     struct store *st, struct ftk_diag *diag)
{
    struct table_reader t;
    enum ftk_error err = table_open(&t, d->path, &shard_customers_schema, diag);
    uint64_t n = 0;
    bool more = err == FTK_OK;
    while (err == FTK_OK && more) {
        err = table_next(&t, &more, diag);
        if (err != FTK_OK || !more)
            break;
        const struct cell *c = t.cell;
        if ((err = check_owner(&t, d, &c[SC_TENANT_ID], diag)) != FTK_OK)
            break;
        struct store_tenant x = {
            .id = c[SC_TENANT_ID].s,
            .name = c[SC_NAME].s,
            .region = c[SC_REGION].s,
            .priority = c[SC_PRIORITY].s,
            .fm = c[SC_FM].s,
            .seats = c[SC_SEATS].known ? c[SC_SEATS].i : -1,
            .engagement_start = c[SC_ENGAGEMENT_START].known
                                    ? (int32_t)c[SC_ENGAGEMENT_START].i
                                    : KPI_NO_DATE,
            .gateway_date = c[SC_GATEWAY_DATE].known
                                ? (int32_t)c[SC_GATEWAY_DATE].i
                                : KPI_NO_DATE,
            .kickoff_date = c[SC_KICKOFF_DATE].known
                                ? (int32_t)c[SC_KICKOFF_DATE].i
                                : KPI_NO_DATE,
        };
        enum store_added added;
        err = store_add_tenant(st, &x, &added);
        if (err == FTK_OK && added == STORE_DUPLICATE)
            err = ftk_fail(diag, FTK_E_DATA, "%s:%llu: tenant '%s' twice",
                           t.path, (unsigned long long)t.line, x.id);
        n++;
    }
    if (err == FTK_OK && n != d->n_customers)
        err = ftk_fail(diag, FTK_E_DATA, "%s: %llu customers, but %s says %llu",
                       t.path, (unsigned long long)n, SHARD_MANIFEST_FILE,
                       (unsigned long long)d->n_customers);
    if (t.r)
        table_close(&t);
    return err;
}

enum ftk_error shard_dir_customers(const struct shard_dir *d, size_t n,
                                   struct store *st, struct ftk_diag *diag)
{
    enum ftk_error err = FTK_OK;
    for (size_t k = 0; k < n && err == FTK_OK; k++)
        err = read_customers(&d[k], st, diag);
    return err;
}

/* A kpi_au from its two cells (ae: has a value; qe: QE known). */
static struct kpi_au au_of(const struct cell *ae, const struct cell *qe)
{
    return (struct kpi_au){.has_value = ae->known,
                           .qe_known = qe->known,
                           .ae = (uint32_t)ae->i,
                           .qe = (uint32_t)qe->i};
}

static int workload_of(const struct config *cfg, const struct cell *c)
{
    for (int w = 0; w < cfg->n_workloads; w++)
        if (strlen(cfg->workload[w].code) == c->len &&
            memcmp(cfg->workload[w].code, c->s, c->len) == 0)
            return w;
    return -1;
}

/* One row of workloads.csv into r and its trend. */
static enum ftk_error row_of(const struct table_reader *t,
                             const struct shard_dir *d, const struct store *st,
                             struct arena *strings, struct fact_workload *r,
                             struct fact_trend *trend, struct ftk_diag *diag)
{
    const struct cell *c = t->cell;
    enum ftk_error err = check_owner(t, d, &c[SW_TENANT_ID], diag);
    if (err != FTK_OK)
        return err;
    int64_t tenant =
        store_tenant_find(st, c[SW_TENANT_ID].s, c[SW_TENANT_ID].len);
    if (tenant < 0)
        return ftk_fail(diag, FTK_E_DATA,
                        "%s:%llu: tenant '%.*s' is not among the customers",
                        t->path, (unsigned long long)t->line,
                        (int)c[SW_TENANT_ID].len, c[SW_TENANT_ID].s);
    int w = workload_of(st->cfg, &c[SW_WORKLOAD]);
    if (w < 0)
        return bad_cell(t, SW_WORKLOAD, "a workload code", diag);
    memset(r, 0, sizeof(*r));
    r->tenant = (uint32_t)tenant;
    r->workload = w;
    r->value = au_of(&c[SW_VALUE_AE], &c[SW_VALUE_QE]);
    r->qe_known = c[SW_QE].known;
    r->qe = (uint32_t)c[SW_QE].i;
    r->au_defined = c[SW_AU].known;
    r->au = c[SW_AU].i;
    r->health = (enum kpi_health)c[SW_HEALTH].i;
    r->scenario = keep(strings, &c[SW_SCENARIO]);
    r->has_delta_1m = c[SW_DELTA_1M].known;
    r->delta_1m = c[SW_DELTA_1M].i;
    r->has_delta_3m = c[SW_DELTA_3M].known;
    r->delta_3m = c[SW_DELTA_3M].i;
    r->loser = c[SW_LOSER].i != 0;
    r->value_3m_ago = au_of(&c[SW_AGO_AE], &c[SW_AGO_QE]);
    r->plateau_months = (int)c[SW_PLATEAU_MONTHS].i;
    r->plateau = c[SW_PLATEAU].i != 0;
    r->plateau_anchor = au_of(&c[SW_ANCHOR_AE], &c[SW_ANCHOR_QE]);
    r->qe_backfilled = c[SW_QE_BACKFILLED].i != 0;
    r->enabled_date =
        c[SW_ENABLED_DATE].known ? (int32_t)c[SW_ENABLED_DATE].i : KPI_NO_DATE;
    r->days_kickoff_to_enable = c[SW_DAYS_KICKOFF_TO_ENABLE].known
                                    ? (int32_t)c[SW_DAYS_KICKOFF_TO_ENABLE].i
                                    : KPI_NO_DAYS;
    for (int k = 0; k < KPI_MILESTONES; k++)
        r->days_to[k] = c[SW_DAYS_TO_10 + k].known
                            ? (int32_t)c[SW_DAYS_TO_10 + k].i
                            : KPI_NO_DAYS;
    r->has_users_to_goal = c[SW_USERS_TO_GOAL].known;
    r->users_to_goal = c[SW_USERS_TO_GOAL].i;
    r->status = keep(strings, &c[SW_STATUS]);
    r->tags = keep(strings, &c[SW_TAGS]);
    r->core = c[SW_CORE].i != 0;
    r->slow_enable = c[SW_SLOW_ENABLE].i != 0;
    r->slow_ramp = (unsigned)c[SW_SLOW_RAMP].i;
    r->latest_usage =
        c[SW_LATEST_USAGE].known ? (int32_t)c[SW_LATEST_USAGE].i : KPI_NO_DATE;
    r->latest_entitlement = c[SW_LATEST_ENTITLEMENT].known
                                ? (int32_t)c[SW_LATEST_ENTITLEMENT].i
                                : KPI_NO_DATE;
    r->notes = keep(strings, &c[SW_NOTES]);
    for (int k = 0; k < FACTS_TREND_MONTHS; k++) {
        trend->ae[k] = (uint32_t)c[SW_AE_0 + k].i;
        trend->qe[k] = (uint32_t)c[SW_QE_0 + k].i;
    }
    if (!r->scenario || !r->status || !r->tags || !r->notes)
        return nomem(diag);
    return FTK_OK;
}

/* Rows by tenant_id bytes, then workload code; ctx is the store. */
static int row_cmp(const void *a, const void *b, void *ctx)
{
    const struct store *st = ctx;
    const struct fact_workload *x = a, *y = b;
    int c = strcmp(st->tenant[x->tenant].id, st->tenant[y->tenant].id);
    if (c != 0)
        return c;
    return strcmp(st->cfg->workload[x->workload].code,
                  st->cfg->workload[y->workload].code);
}

enum ftk_error shard_dir_rows(const struct shard_dir *d, size_t n,
                              const struct store *st, struct shard_rows *out,
                              struct ftk_diag *diag)
{
    memset(out, 0, sizeof(*out));
    arena_init(&out->strings);
    size_t total = 0;
    for (size_t k = 0; k < n; k++)
        total += d[k].n_rows;
    out->row = malloc((total ? total : 1) * sizeof(*out->row));
    out->trend = malloc((total ? total : 1) * sizeof(*out->trend));
    if (!out->row || !out->trend)
        return nomem(diag);
    enum ftk_error err = FTK_OK;
    for (size_t k = 0; k < n && err == FTK_OK; k++) {
        struct table_reader t;
        err = table_open(&t, d[k].path, &shard_workloads_schema, diag);
        size_t first = out->n_rows;
        bool more = err == FTK_OK;
        while (err == FTK_OK && more) {
            err = table_next(&t, &more, diag);
            if (err != FTK_OK || !more)
                break;
            if (out->n_rows == total) {
                err = ftk_fail(diag, FTK_E_DATA, "%s: more rows than %s says",
                               t.path, SHARD_MANIFEST_FILE);
                break;
            }
            err = row_of(&t, &d[k], st, &out->strings, &out->row[out->n_rows],
                         &out->trend[out->n_rows], diag);
            out->n_rows++;
        }
        if (err == FTK_OK && out->n_rows - first != d[k].n_rows)
            err = ftk_fail(diag, FTK_E_DATA, "%s: %zu rows, but %s says %llu",
                           t.path, out->n_rows - first, SHARD_MANIFEST_FILE,
                           (unsigned long long)d[k].n_rows);
        if (t.r)
            table_close(&t);
    }
    if (err != FTK_OK)
        return err;
    /* each row carries its trend's index until the rows are in order */
    for (size_t i = 0; i < out->n_rows; i++)
        out->row[i].trend = (const struct fact_trend *)(uintptr_t)i;
    sort_array_r(out->row, out->n_rows, sizeof(*out->row), row_cmp, (void *)st);
    for (size_t i = 0; i < out->n_rows; i++)
        out->row[i].trend = &out->trend[(uintptr_t)out->row[i].trend];
    return FTK_OK;
}

void shard_rows_release(struct shard_rows *r)
{
    free(r->row);
    free(r->trend);
    r->row = NULL;
    arena_release(&r->strings);
    r->trend = NULL;
}

/* ---- rejects ---- */

struct reject_entry {
    uint32_t shard;
    uint32_t input;
    uint64_t line;
    enum reject_reason reason;
    const char *message;
    uint64_t offset, bytes;
};

static int entry_cmp(const void *a, const void *b)
{
    const struct reject_entry *x = a, *y = b;
    if (x->input != y->input)
        return x->input < y->input ? -1 : 1;
    if (x->line != y->line)
        return x->line < y->line ? -1 : 1;
    return 0;
}

/* rejects_index_schema's columns, read like the other tables. */
static enum ftk_error read_index(const struct shard_dir *d, uint32_t k,
                                 struct reject_entry **e, size_t *n,
                                 size_t *cap, struct arena *strings,
                                 struct ftk_diag *diag)
{
    struct table_reader t;
    enum ftk_error err = table_open(&t, d->path, &rejects_index_schema, diag);
    size_t first = *n;
    bool more = err == FTK_OK;
    while (err == FTK_OK && more) {
        err = table_next(&t, &more, diag);
        if (err != FTK_OK || !more)
            break;
        const struct cell *c = t.cell;
        struct reject_entry *p = grow_array(*e, cap, *n + 1, sizeof(*p));
        if (!p) {
            err = nomem(diag);
            break;
        }
        *e = p;
        p = &p[(*n)++];
        char code[64];
        snprintf(code, sizeof(code), "%.*s", (int)c[RJX_COL_ERROR].len,
                 c[RJX_COL_ERROR].s);
        p->shard = k;
        p->input = (uint32_t)c[RJX_COL_INPUT].i;
        p->line = (uint64_t)c[RJX_COL_LINE].i;
        p->reason = reject_reason_of(code);
        p->message = keep(strings, &c[RJX_COL_MESSAGE]);
        p->offset = (uint64_t)c[RJX_COL_OFFSET].i;
        p->bytes = (uint64_t)c[RJX_COL_BYTES].i;
        if (!p->message)
            err = nomem(diag);
        else if (p->reason == REJECT_COUNT)
            err = bad_cell(&t, RJX_COL_ERROR, "a reject reason", diag);
        else if (c[RJX_COL_INPUT].i < 0 || p->input >= d->n_stats)
            err = bad_cell(&t, RJX_COL_INPUT, "an input's index", diag);
    }
    if (err == FTK_OK && *n - first != d->n_rejects)
        err = ftk_fail(diag, FTK_E_DATA, "%s: %zu rejects, but %s says %llu",
                       t.path, *n - first, SHARD_MANIFEST_FILE,
                       (unsigned long long)d->n_rejects);
    if (t.r)
        table_close(&t);
    return err;
}

enum ftk_error shard_dir_rejects(const struct shard_dir *d, size_t n,
                                 struct rejects *rj, struct ftk_diag *diag)
{
    struct reject_entry *e = NULL;
    size_t n_e = 0, cap = 0;
    struct arena strings;
    arena_init(&strings);
    FILE **in = calloc(n ? n : 1, sizeof(*in));
    char *buf = malloc(65536);
    enum ftk_error err = in && buf ? FTK_OK : nomem(diag);
    for (size_t k = 0; k < n && err == FTK_OK; k++)
        err = read_index(&d[k], (uint32_t)k, &e, &n_e, &cap, &strings, diag);
    for (size_t k = 0; k < n && err == FTK_OK; k++) {
        char *path = path_join(d[k].path, SHARD_REJECTS_FILE);
        in[k] = path ? fopen(path, "rb") : NULL;
        if (!in[k])
            err = ftk_fail(diag, FTK_E_DATA, "%s: cannot open: %s",
                           path ? path : d[k].path, strerror(errno));
        free(path);
    }
    if (err == FTK_OK)
        sort_array(e, n_e, sizeof(*e), entry_cmp);
    for (size_t i = 0; i < n_e && err == FTK_OK; i++) {
        const struct reject_entry *x = &e[i];
        rejects_tally(rj, d[0].stats[x->input].path, x->line, x->reason,
                      x->message);
        FILE *f = in[x->shard];
        if (fseeko(f, (off_t)x->offset, SEEK_SET) != 0)
            err = FTK_E_DATA;
        for (uint64_t left = x->bytes; left > 0 && err == FTK_OK;) {
            size_t want = left < 65536 ? (size_t)left : 65536;
            size_t got = fread(buf, 1, want, f);
            if (got == 0 || fwrite(buf, 1, got, rj->out.f) != got)
                err = FTK_E_DATA;
            left -= got;
        }
        if (err != FTK_OK)
            err = ftk_fail(diag, FTK_E_DATA,
                           "%s/%s: cannot copy the reject of %s line %llu",
                           d[x->shard].path, SHARD_REJECTS_FILE,
                           d[0].stats[x->input].path,
                           (unsigned long long)x->line);
    }
    for (size_t k = 0; in && k < n; k++)
        if (in[k])
            fclose(in[k]);
    free(in);
    free(buf);
    free(e);
    arena_release(&strings);
    return err;
}
