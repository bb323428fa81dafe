/*
 * pipeline/cohort/state.c - the state files of a month: loaded, checked,
 * replayed and appended to (state.h).
 */
#include "state.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kpi/date.h"
#include "pipeline/base/csv_writer.h"
#include "pipeline/base/grow.h"
#include "pipeline/base/sort.h"
#include "pipeline/cohort/common.h"
#include "pipeline/ingest/csv_reader.h"

#include "pipeline/base/testing.h"

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
    cohort_opt_centi(w, k->core_au_defined, k->core_au);
    csv_writer_int(w, k->users_to_goal);
    for (int i = 0; i < n_workloads; i++) {
        cohort_opt_centi(w, k->wl[i].au_defined, k->wl[i].au);
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
        struct cohort_cell c = cohort_cell_at(h, (int)i);
        if (i >= h->n_fields || !cohort_cell_is(c, want))
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
        struct cohort_cell au = cohort_cell_at(h, (int)(head + 2 * (size_t)w)),
                           hl = cohort_cell_at(h,
                                               (int)(head + 2 * (size_t)w + 1));
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
    struct cohort_cell v[N_KPI_COLS];
    for (int i = 0; i < N_KPI_COLS; i++)
        v[i] = cohort_cell_at(rec, (int)k + i);
    uint64_t line = rec->line;
    out->wl = calloc((size_t)st->n_workloads + 1, sizeof(*out->wl));
    if (!out->wl)
        return cohort_nomem(diag);
    if (!kpi_month_parse(v[0].s, v[0].len, &out->as_of_month))
        return cohort_bad_cell(diag, path, line, kpi_cols[0], v[0], "YYYY-MM");
    if (!cohort_parse_focus(v[1], &out->focus))
        return cohort_bad_cell(diag, path, line, kpi_cols[1], v[1],
                               "focus area codes joined by ';'");
    if (!cohort_parse_health(v[2], &out->health))
        return cohort_bad_cell(diag, path, line, kpi_cols[2], v[2],
                               "Green, Yellow, Red or N/A");
    if (!cohort_parse_count(v[3], &out->core_qe))
        return cohort_bad_cell(diag, path, line, kpi_cols[3], v[3],
                               "a whole number");
    if (!cohort_parse_count(v[4], &out->core_ae))
        return cohort_bad_cell(diag, path, line, kpi_cols[4], v[4],
                               "a whole number");
    out->core_au_defined = v[5].len > 0;
    if (out->core_au_defined && !cohort_parse_centi(v[5], &out->core_au))
        return cohort_bad_cell(diag, path, line, kpi_cols[5], v[5],
                               "a percent such as 37.50, or empty");
    if (!cohort_parse_count(v[6], &out->users_to_goal))
        return cohort_bad_cell(diag, path, line, kpi_cols[6], v[6],
                               "a whole number");
    for (int w = 0; w < st->n_workloads; w++) {
        struct cohort_wl *x = &out->wl[w];
        struct cohort_cell au =
                               cohort_cell_at(rec, (int)k + N_KPI_COLS + 2 * w),
                           h = cohort_cell_at(rec,
                                              (int)k + N_KPI_COLS + 2 * w + 1);
        char name[CONFIG_CODE_MAX + 16];
        x->au_defined = au.len > 0;
        if (x->au_defined && !cohort_parse_centi(au, &x->au)) {
            snprintf(name, sizeof(name), "%s_au_pct", st->workload[w]);
            return cohort_bad_cell(diag, path, line, name, au,
                                   "a percent such as 37.50, or empty");
        }
        if (!cohort_parse_health(h, &x->health)) {
            snprintf(name, sizeof(name), "%s_health", st->workload[w]);
            return cohort_bad_cell(diag, path, line, name, h,
                                   "Green, Yellow, Red or N/A");
        }
    }
    return FTK_OK;
}

static enum ftk_error state_month(const struct cohort_state *st,
                                  const char *path, uint64_t line,
                                  struct cohort_cell c, struct ftk_diag *diag)
{
    int32_t m;
    if (kpi_month_parse(c.s, c.len, &m) && m == st->month)
        return FTK_OK;
    char want[8];
    kpi_month_format(st->month, want);
    return cohort_bad_cell(diag, path, line, "cohort_month", c, want);
}

static enum ftk_error member_row(struct cohort_state *st,
                                 const struct csv_record *rec,
                                 struct cohort_member *m, struct ftk_diag *diag)
{
    const char *path = st->cohort_path;
    struct cohort_cell v[N_MEMBER_COLS];
    for (int i = 0; i < N_MEMBER_COLS; i++)
        v[i] = cohort_cell_at(rec, i);
    memset(m, 0, sizeof(*m));
    m->line = rec->line;
    enum ftk_error err =
        state_kpis(st, path, rec, N_MEMBER_COLS, &m->kpis, diag);
    if (err == FTK_OK)
        err = state_month(st, path, rec->line, v[0], diag);
    if (err != FTK_OK)
        return err;
    if (v[1].len == 0)
        return cohort_bad_cell(diag, path, rec->line, "region", v[1],
                               "a region");
    if (v[2].len == 0)
        return cohort_bad_cell(diag, path, rec->line, "tenant_id", v[2],
                               "a tenant id");
    if (!kpi_date_parse(v[5].s, v[5].len, &m->frozen_on))
        return cohort_bad_cell(diag, path, rec->line, "frozen_on", v[5],
                               "YYYY-MM-DD");
    m->region = cohort_cell_keep(&st->strings, v[1]);
    m->tenant_id = cohort_cell_keep(&st->strings, v[2]);
    m->customer_name = cohort_cell_keep(&st->strings, v[3]);
    m->fm = cohort_cell_keep(&st->strings, v[4]);
    m->frozen_from = cohort_cell_keep(&st->strings, v[6]);
    if (!m->region || !m->tenant_id || !m->customer_name || !m->fm ||
        !m->frozen_from)
        return cohort_nomem(diag);
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
    struct cohort_cell v[N_CHANGE_COLS];
    for (int i = 0; i < N_CHANGE_COLS; i++)
        v[i] = cohort_cell_at(rec, i);
    memset(c, 0, sizeof(*c));
    c->line = line;
    int64_t number;
    char expected[32];
    snprintf(expected, sizeof(expected), "%zu (changes count 1, 2, ...)",
             st->n_changes + 1);
    if (!cohort_parse_count(v[0], &number) ||
        number != (int64_t)st->n_changes + 1)
        return cohort_bad_cell(diag, path, line, "change", v[0], expected);
    c->number = (unsigned)number;
    enum ftk_error err = state_month(st, path, line, v[1], diag);
    if (err != FTK_OK)
        return err;
    if (cohort_cell_is(v[2], "add"))
        c->action = COHORT_ADD;
    else if (cohort_cell_is(v[2], "remove"))
        c->action = COHORT_REMOVE;
    else
        return cohort_bad_cell(diag, path, line, "action", v[2],
                               "add or remove");
    if (v[3].len == 0)
        return cohort_bad_cell(diag, path, line, "region", v[3], "a region");
    if (v[4].len == 0)
        return cohort_bad_cell(diag, path, line, "tenant_id", v[4],
                               "a tenant id");
    if (!kpi_date_parse(v[6].s, v[6].len, &c->recorded_on))
        return cohort_bad_cell(diag, path, line, "recorded_on", v[6],
                               "YYYY-MM-DD");
    if (!kpi_date_parse(v[7].s, v[7].len, &c->effective_on))
        return cohort_bad_cell(diag, path, line, "effective_on", v[7],
                               "YYYY-MM-DD");
    if (c->effective_on < cohort_earliest_effective(c->recorded_on))
        return ftk_fail(diag, FTK_E_DATA,
                        "%s:%llu: effective_on %.*s is less than %d days "
                        "after recorded_on %.*s",
                        path, (ull)line, (int)v[7].len, v[7].s,
                        COHORT_NOTICE_DAYS, (int)v[6].len, v[6].s);
    if (c->effective_on > kpi_month_last_day(st->month))
        return cohort_bad_cell(diag, path, line, "effective_on", v[7],
                               "a date in the cohort's month");
    if (v[8].len == 0)
        return cohort_bad_cell(diag, path, line, "reason", v[8], "a reason");
    if (c->action == COHORT_ADD) {
        err = state_kpis(st, path, rec, N_CHANGE_COLS, &c->kpis, diag);
        if (err != FTK_OK)
            return err;
    } else {
        c->kpis.as_of_month = KPI_NO_DATE;
        c->kpis.wl = calloc((size_t)st->n_workloads + 1, sizeof(*c->kpis.wl));
        if (!c->kpis.wl)
            return cohort_nomem(diag);
    }
    c->region = cohort_cell_keep(&st->strings, v[3]);
    c->tenant_id = cohort_cell_keep(&st->strings, v[4]);
    c->customer_name = cohort_cell_keep(&st->strings, v[5]);
    c->reason = cohort_cell_keep(&st->strings, v[8]);
    c->recorded_by = cohort_cell_keep(&st->strings, v[9]);
    if (!c->region || !c->tenant_id || !c->customer_name || !c->reason ||
        !c->recorded_by)
        return cohort_nomem(diag);
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
        err = cohort_field_count(path, rec, n_fields, diag);
        if (err != FTK_OK)
            break;
        if (members) {
            struct cohort_member *m = grow_array(st->member, &st->cap_members,
                                                 st->n_members + 1, sizeof(*m));
            if (!m) {
                err = cohort_nomem(diag);
                break;
            }
            st->member = m;
            err = member_row(st, rec, &st->member[st->n_members], diag);
            /* counted even on error, so that its KPIs are freed */
            st->n_members++;
            if (err != FTK_OK)
                break;
        } else {
            struct cohort_change *c = grow_array(st->change, &st->cap_changes,
                                                 st->n_changes + 1, sizeof(*c));
            if (!c) {
                err = cohort_nomem(diag);
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
const struct cohort_change **
cohort_state_ordered(const struct cohort_state *st,
                     const struct cohort_change *extra, size_t *n)
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
enum ftk_error cohort_state_replay(const struct cohort_state *st,
                                   const struct cohort_change *extra,
                                   struct ftk_diag *diag)
{
    size_t n;
    const struct cohort_change **o = cohort_state_ordered(st, extra, &n);
    struct slot *s = malloc((st->n_members + n + 1) * sizeof(*s));
    if (!o || !s) {
        free(o);
        free(s);
        return cohort_nomem(diag);
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
    st->cohort_path = cohort_path_join(dir, name);
    snprintf(name, sizeof(name), "changes-%s.csv", m);
    st->changes_path = cohort_path_join(dir, name);
    if (!st->dir || !st->cohort_path || !st->changes_path) {
        cohort_state_release(st);
        return cohort_nomem(diag);
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
        err = cohort_state_replay(st, NULL, diag);
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
    enum ftk_error err = publish_create(pub, cohort_base_name(path), &f, diag);
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

bool cohort_state_same_workloads(const struct cohort_state *st,
                                 const struct cohort_run *run)
{
    if (st->n_workloads != run->n_workloads)
        return false;
    for (int i = 0; i < st->n_workloads; i++)
        if (strcmp(st->workload[i], run->workload[i]) != 0)
            return false;
    return true;
}

enum ftk_error cohort_state_append_members(const struct cohort_state *st,
                                           struct publish *pub,
                                           const struct cohort_member *m,
                                           size_t n, struct ftk_diag *diag)
{
    char month[8];
    kpi_month_format(st->month, month);
    struct csv_writer w;
    enum ftk_error err = state_begin(st, pub, true, st->frozen, &w, diag);
    for (size_t i = 0; i < n && err == FTK_OK; i++) {
        char date[11];
        kpi_date_format(m[i].frozen_on, date);
        csv_writer_plain(&w, month);
        csv_writer_str(&w, m[i].region);
        csv_writer_str(&w, m[i].tenant_id);
        csv_writer_str(&w, m[i].customer_name);
        csv_writer_str(&w, m[i].fm);
        csv_writer_plain(&w, date);
        csv_writer_str(&w, m[i].frozen_from);
        write_kpis(&w, &m[i].kpis, st->n_workloads);
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
    return err;
}

enum ftk_error cohort_state_append_change(const struct cohort_state *st,
                                          struct publish *pub,
                                          const struct cohort_change *c,
                                          struct ftk_diag *diag)
{
    char month[8], rec[11], eff[11];
    kpi_month_format(st->month, month);
    kpi_date_format(c->recorded_on, rec);
    kpi_date_format(c->effective_on, eff);
    struct csv_writer w;
    bool exists = access(st->changes_path, F_OK) == 0;
    enum ftk_error err = state_begin(st, pub, false, exists, &w, diag);
    if (err != FTK_OK)
        return err;
    csv_writer_int(&w, c->number);
    csv_writer_plain(&w, month);
    csv_writer_plain(&w, c->action == COHORT_ADD ? "add" : "remove");
    csv_writer_str(&w, c->region);
    csv_writer_str(&w, c->tenant_id);
    csv_writer_str(&w, c->customer_name);
    csv_writer_plain(&w, rec);
    csv_writer_plain(&w, eff);
    csv_writer_str(&w, c->reason);
    csv_writer_str(&w, c->recorded_by);
    write_kpis(&w, &c->kpis, st->n_workloads);
    csv_writer_end(&w);
    return state_commit(pub, &w, st->changes_path, diag);
}
