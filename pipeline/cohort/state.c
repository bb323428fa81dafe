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
#include "pipeline/cohort/columns.h"
#include "pipeline/cohort/common.h"
#include "pipeline/ingest/csv_reader.h"

#include "pipeline/base/testing.h"

/* The name of a column of the cohort file, of the change log. */
static const char *cm(int col)
{
    return cohort_members_table.col[col].name;
}

static const char *ch(int col)
{
    return cohort_changes_table.col[col].name;
}

/* Column col (enum cohort_kpi_col) of k, or of the group of workload w;
 * nothing for the KPIs of a removal (as_of_month KPI_NO_DATE). */
static struct schema_value kpi_value(const struct cohort_kpis *k, int w,
                                     size_t col, char *buf, size_t cap)
{
    if (k->as_of_month == KPI_NO_DATE)
        return cohort_none();
    if (w >= 0) {
        switch ((enum cohort_wl_col)col) {
        case CW_AU_PCT:
            return cohort_num(k->wl[w].au_defined, k->wl[w].au);
        case CW_HEALTH:
            return cohort_num(true, k->wl[w].health);
        case CW_COUNT:
            break;
        }
        return cohort_none();
    }
    switch ((enum cohort_kpi_col)col) {
    case KP_AS_OF_MONTH:
        return cohort_num(true, k->as_of_month);
    case KP_FOCUS_AREAS:
        kpi_focus_join(k->focus, buf, cap);
        return cohort_text(buf);
    case KP_HEALTH:
        return cohort_num(true, k->health);
    case KP_CORE_QE:
        return cohort_num(true, k->core_qe);
    case KP_CORE_AE:
        return cohort_num(true, k->core_ae);
    case KP_CORE_AU_PCT:
        return cohort_num(k->core_au_defined, k->core_au);
    case KP_USERS_TO_GOAL:
        return cohort_num(true, k->users_to_goal);
    case KP_COUNT:
        break;
    }
    return cohort_none();
}

/* A row of the cohort file: a member of a month. */
struct member_out {
    const struct cohort_member *m;
    int32_t month;
};

static struct schema_value member_value(const void *row, int w, size_t col,
                                        char *buf, size_t cap)
{
    const struct member_out *x = row;
    const struct cohort_member *m = x->m;
    if (w >= 0)
        return kpi_value(&m->kpis, w, col, buf, cap);
    switch ((enum cohort_members_col)col) {
    case CM_COHORT_MONTH:
        return cohort_num(true, x->month);
    case CM_REGION:
        return cohort_text(m->region);
    case CM_TENANT_ID:
        return cohort_text(m->tenant_id);
    case CM_CUSTOMER_NAME:
        return cohort_text(m->customer_name);
    case CM_FM:
        return cohort_text(m->fm);
    case CM_FROZEN_ON:
        return cohort_num(true, m->frozen_on);
    case CM_FROZEN_FROM:
        return cohort_text(m->frozen_from);
    default: /* the KPI block, from CM_AS_OF_MONTH on */
        return kpi_value(&m->kpis, -1, col - CM_AS_OF_MONTH, buf, cap);
    }
}

/* A row of the change log: a change of a month. */
struct change_out {
    const struct cohort_change *c;
    int32_t month;
};

static struct schema_value change_value(const void *row, int w, size_t col,
                                        char *buf, size_t cap)
{
    const struct change_out *x = row;
    const struct cohort_change *c = x->c;
    if (w >= 0)
        return kpi_value(&c->kpis, w, col, buf, cap);
    switch ((enum cohort_changes_col)col) {
    case CH_CHANGE:
        return cohort_num(true, c->number);
    case CH_COHORT_MONTH:
        return cohort_num(true, x->month);
    case CH_ACTION:
        return cohort_text(c->action == COHORT_ADD ? "add" : "remove");
    case CH_REGION:
        return cohort_text(c->region);
    case CH_TENANT_ID:
        return cohort_text(c->tenant_id);
    case CH_CUSTOMER_NAME:
        return cohort_text(c->customer_name);
    case CH_RECORDED_ON:
        return cohort_num(true, c->recorded_on);
    case CH_EFFECTIVE_ON:
        return cohort_num(true, c->effective_on);
    case CH_REASON:
        return cohort_text(c->reason);
    case CH_RECORDED_BY:
        return cohort_text(c->recorded_by);
    default: /* the KPI block, from CH_AS_OF_MONTH on */
        return kpi_value(&c->kpis, -1, col - CH_AS_OF_MONTH, buf, cap);
    }
}

/* Checks a state file's header: the columns of the layout's table, then
 * the group of each workload, <W>_au_pct and <W>_health (the messages
 * say "pairs"). Sets the state's workloads from the first file read; the
 * second must name the same. */
static enum ftk_error state_header(struct cohort_state *st, const char *path,
                                   const struct csv_record *h,
                                   const struct cohort_layout *l,
                                   bool set_workloads, struct ftk_diag *diag)
{
    _Static_assert(CW_COUNT == 2, "the messages speak of pairs");
    const char *au_suffix = cohort_wl_table.col[CW_AU_PCT].name;
    const char *health_suffix = cohort_wl_table.col[CW_HEALTH].name;
    size_t head = l->group_at;
    for (size_t i = 0; i < head; i++) {
        const char *want = l->fixed->col[i].name;
        struct cohort_cell c = cohort_cell_at(h, (int)i);
        if (i >= h->n_fields || !cohort_cell_is(c, want))
            return ftk_fail(diag, FTK_E_DATA,
                            "%s:%llu: column %zu is '%.*s', expected '%s' "
                            "(the header ftkpi writes)",
                            path, (ull)h->line, i + 1,
                            c.len > 40 ? 40 : (int)c.len, c.s, want);
    }
    size_t extra = h->n_fields - head;
    if (extra % CW_COUNT != 0 || extra / CW_COUNT > COHORT_MAX_WORKLOADS)
        return ftk_fail(diag, FTK_E_DATA,
                        "%s:%llu: after %s, expected pairs of columns "
                        "<WORKLOAD>%s, <WORKLOAD>%s",
                        path, (ull)h->line, l->fixed->col[head - 1].name,
                        au_suffix, health_suffix);
    int n_wl = (int)(extra / CW_COUNT);
    if (!set_workloads && n_wl != st->n_workloads)
        return ftk_fail(diag, FTK_E_DATA,
                        "%s:%llu: %d workloads, but %s has %d", path,
                        (ull)h->line, n_wl, st->cohort_path, st->n_workloads);
    for (int w = 0; w < n_wl; w++) {
        size_t at = cohort_layout_group_index(l, w, CW_AU_PCT),
               ht = cohort_layout_group_index(l, w, CW_HEALTH);
        struct cohort_cell au = cohort_cell_at(h, (int)at),
                           hl = cohort_cell_at(h, (int)ht);
        size_t sl = strlen(au_suffix), hs = strlen(health_suffix);
        bool ok = au.len > sl && au.len - sl < CONFIG_CODE_MAX &&
                  memcmp(au.s + au.len - sl, au_suffix, sl) == 0;
        size_t code_len = ok ? au.len - sl : 0;
        ok = ok && hl.len == code_len + hs &&
             memcmp(hl.s, au.s, code_len) == 0 &&
             memcmp(hl.s + code_len, health_suffix, hs) == 0;
        if (ok && !set_workloads)
            ok = strlen(st->workload[w]) == code_len &&
                 memcmp(st->workload[w], au.s, code_len) == 0;
        if (!ok)
            return ftk_fail(diag, FTK_E_DATA,
                            "%s:%llu: columns %zu and %zu are '%.*s' and "
                            "'%.*s', expected <WORKLOAD>%s and "
                            "<WORKLOAD>%s%s%s",
                            path, (ull)h->line, at + 1, ht + 1,
                            au.len > 40 ? 40 : (int)au.len, au.s,
                            hl.len > 40 ? 40 : (int)hl.len, hl.s, au_suffix,
                            health_suffix, set_workloads ? "" : " for ",
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

/* The KPI block of a row of a file of layout l: the KPI columns from
 * column base on, and the workloads' groups. */
static enum ftk_error state_kpis(const struct cohort_state *st,
                                 const char *path, const struct csv_record *rec,
                                 const struct cohort_layout *l, int base,
                                 struct cohort_kpis *out, struct ftk_diag *diag)
{
    const struct schema_column *col = l->fixed->col + base;
    struct cohort_cell v[KP_COUNT];
    for (int i = 0; i < KP_COUNT; i++)
        v[i] = cohort_cell_at(rec, base + i);
    uint64_t line = rec->line;
    out->wl = calloc((size_t)st->n_workloads + 1, sizeof(*out->wl));
    if (!out->wl)
        return cohort_nomem(diag);
    if (!kpi_month_parse(v[KP_AS_OF_MONTH].s, v[KP_AS_OF_MONTH].len,
                         &out->as_of_month))
        return cohort_bad_cell(diag, path, line, col[KP_AS_OF_MONTH].name,
                               v[KP_AS_OF_MONTH], "YYYY-MM");
    if (!cohort_parse_focus(v[KP_FOCUS_AREAS], &out->focus))
        return cohort_bad_cell(diag, path, line, col[KP_FOCUS_AREAS].name,
                               v[KP_FOCUS_AREAS],
                               "focus area codes joined by ';'");
    if (!cohort_parse_health(v[KP_HEALTH], &out->health))
        return cohort_bad_cell(diag, path, line, col[KP_HEALTH].name,
                               v[KP_HEALTH], "Green, Yellow, Red or N/A");
    if (!cohort_parse_count(v[KP_CORE_QE], &out->core_qe))
        return cohort_bad_cell(diag, path, line, col[KP_CORE_QE].name,
                               v[KP_CORE_QE], "a whole number");
    if (!cohort_parse_count(v[KP_CORE_AE], &out->core_ae))
        return cohort_bad_cell(diag, path, line, col[KP_CORE_AE].name,
                               v[KP_CORE_AE], "a whole number");
    out->core_au_defined = v[KP_CORE_AU_PCT].len > 0;
    if (out->core_au_defined &&
        !cohort_parse_centi(v[KP_CORE_AU_PCT], &out->core_au))
        return cohort_bad_cell(diag, path, line, col[KP_CORE_AU_PCT].name,
                               v[KP_CORE_AU_PCT],
                               "a percent such as 37.50, or empty");
    if (!cohort_parse_count(v[KP_USERS_TO_GOAL], &out->users_to_goal))
        return cohort_bad_cell(diag, path, line, col[KP_USERS_TO_GOAL].name,
                               v[KP_USERS_TO_GOAL], "a whole number");
    const char *wl_name[COHORT_MAX_WORKLOADS];
    cohort_state_workloads(st, wl_name);
    for (int w = 0; w < st->n_workloads; w++) {
        struct cohort_wl *x = &out->wl[w];
        size_t at = cohort_layout_group_index(l, w, CW_AU_PCT),
               ht = cohort_layout_group_index(l, w, CW_HEALTH);
        struct cohort_cell au = cohort_cell_at(rec, (int)at),
                           h = cohort_cell_at(rec, (int)ht);
        char name[CONFIG_CODE_MAX + 64];
        x->au_defined = au.len > 0;
        if (x->au_defined && !cohort_parse_centi(au, &x->au)) {
            cohort_layout_name(l, wl_name, st->n_workloads, at, name,
                               sizeof(name));
            return cohort_bad_cell(diag, path, line, name, au,
                                   "a percent such as 37.50, or empty");
        }
        if (!cohort_parse_health(h, &x->health)) {
            cohort_layout_name(l, wl_name, st->n_workloads, ht, name,
                               sizeof(name));
            return cohort_bad_cell(diag, path, line, name, h,
                                   "Green, Yellow, Red or N/A");
        }
    }
    return FTK_OK;
}

static enum ftk_error state_month(const struct cohort_state *st,
                                  const char *path, uint64_t line,
                                  const char *column, struct cohort_cell c,
                                  struct ftk_diag *diag)
{
    int32_t m;
    if (kpi_month_parse(c.s, c.len, &m) && m == st->month)
        return FTK_OK;
    char want[8];
    kpi_month_format(st->month, want);
    return cohort_bad_cell(diag, path, line, column, c, want);
}

/* A row of the cohort file; the header was checked, so column ids are
 * positions. */
static enum ftk_error member_row(struct cohort_state *st,
                                 const struct csv_record *rec,
                                 struct cohort_member *m, struct ftk_diag *diag)
{
    const char *path = st->cohort_path;
    uint64_t line = rec->line;
    struct cohort_cell v[CM_COUNT];
    for (int i = 0; i < CM_COUNT; i++)
        v[i] = cohort_cell_at(rec, i);
    memset(m, 0, sizeof(*m));
    m->line = line;
    enum ftk_error err = state_kpis(st, path, rec, &cohort_members_layout,
                                    CM_AS_OF_MONTH, &m->kpis, diag);
    if (err == FTK_OK)
        err = state_month(st, path, line, cm(CM_COHORT_MONTH),
                          v[CM_COHORT_MONTH], diag);
    if (err != FTK_OK)
        return err;
    if (v[CM_REGION].len == 0)
        return cohort_bad_cell(diag, path, line, cm(CM_REGION), v[CM_REGION],
                               "a region");
    if (v[CM_TENANT_ID].len == 0)
        return cohort_bad_cell(diag, path, line, cm(CM_TENANT_ID),
                               v[CM_TENANT_ID], "a tenant id");
    if (!kpi_date_parse(v[CM_FROZEN_ON].s, v[CM_FROZEN_ON].len, &m->frozen_on))
        return cohort_bad_cell(diag, path, line, cm(CM_FROZEN_ON),
                               v[CM_FROZEN_ON], "YYYY-MM-DD");
    m->region = cohort_cell_keep(&st->strings, v[CM_REGION]);
    m->tenant_id = cohort_cell_keep(&st->strings, v[CM_TENANT_ID]);
    m->customer_name = cohort_cell_keep(&st->strings, v[CM_CUSTOMER_NAME]);
    m->fm = cohort_cell_keep(&st->strings, v[CM_FM]);
    m->frozen_from = cohort_cell_keep(&st->strings, v[CM_FROZEN_FROM]);
    if (!m->region || !m->tenant_id || !m->customer_name || !m->fm ||
        !m->frozen_from)
        return cohort_nomem(diag);
    for (size_t i = 0; i < st->n_members; i++)
        if (strcmp(st->member[i].tenant_id, m->tenant_id) == 0)
            return ftk_fail(diag, FTK_E_DATA,
                            "%s:%llu: tenant %s is frozen twice (also line "
                            "%llu)",
                            path, (ull)line, m->tenant_id,
                            (ull)st->member[i].line);
    return FTK_OK;
}

/* A row of the change log; the header was checked, so column ids are
 * positions. */
static enum ftk_error change_row(struct cohort_state *st,
                                 const struct csv_record *rec,
                                 struct cohort_change *c, struct ftk_diag *diag)
{
    const char *path = st->changes_path;
    uint64_t line = rec->line;
    struct cohort_cell v[CH_COUNT];
    for (int i = 0; i < CH_COUNT; i++)
        v[i] = cohort_cell_at(rec, i);
    memset(c, 0, sizeof(*c));
    c->line = line;
    int64_t number;
    char expected[32];
    snprintf(expected, sizeof(expected), "%zu (changes count 1, 2, ...)",
             st->n_changes + 1);
    if (!cohort_parse_count(v[CH_CHANGE], &number) ||
        number != (int64_t)st->n_changes + 1)
        return cohort_bad_cell(diag, path, line, ch(CH_CHANGE), v[CH_CHANGE],
                               expected);
    c->number = (unsigned)number;
    enum ftk_error err = state_month(st, path, line, ch(CH_COHORT_MONTH),
                                     v[CH_COHORT_MONTH], diag);
    if (err != FTK_OK)
        return err;
    if (cohort_cell_is(v[CH_ACTION], "add"))
        c->action = COHORT_ADD;
    else if (cohort_cell_is(v[CH_ACTION], "remove"))
        c->action = COHORT_REMOVE;
    else
        return cohort_bad_cell(diag, path, line, ch(CH_ACTION), v[CH_ACTION],
                               "add or remove");
    if (v[CH_REGION].len == 0)
        return cohort_bad_cell(diag, path, line, ch(CH_REGION), v[CH_REGION],
                               "a region");
    if (v[CH_TENANT_ID].len == 0)
        return cohort_bad_cell(diag, path, line, ch(CH_TENANT_ID),
                               v[CH_TENANT_ID], "a tenant id");
    struct cohort_cell rec_on = v[CH_RECORDED_ON], eff_on = v[CH_EFFECTIVE_ON];
    if (!kpi_date_parse(rec_on.s, rec_on.len, &c->recorded_on))
        return cohort_bad_cell(diag, path, line, ch(CH_RECORDED_ON), rec_on,
                               "YYYY-MM-DD");
    if (!kpi_date_parse(eff_on.s, eff_on.len, &c->effective_on))
        return cohort_bad_cell(diag, path, line, ch(CH_EFFECTIVE_ON), eff_on,
                               "YYYY-MM-DD");
    if (c->effective_on < cohort_earliest_effective(c->recorded_on))
        return ftk_fail(diag, FTK_E_DATA,
                        "%s:%llu: %s %.*s is less than %d days after %s %.*s",
                        path, (ull)line, ch(CH_EFFECTIVE_ON), (int)eff_on.len,
                        eff_on.s, COHORT_NOTICE_DAYS, ch(CH_RECORDED_ON),
                        (int)rec_on.len, rec_on.s);
    if (c->effective_on > kpi_month_last_day(st->month))
        return cohort_bad_cell(diag, path, line, ch(CH_EFFECTIVE_ON), eff_on,
                               "a date in the cohort's month");
    if (v[CH_REASON].len == 0)
        return cohort_bad_cell(diag, path, line, ch(CH_REASON), v[CH_REASON],
                               "a reason");
    if (c->action == COHORT_ADD) {
        err = state_kpis(st, path, rec, &cohort_changes_layout, CH_AS_OF_MONTH,
                         &c->kpis, diag);
        if (err != FTK_OK)
            return err;
    } else {
        c->kpis.as_of_month = KPI_NO_DATE;
        c->kpis.wl = calloc((size_t)st->n_workloads + 1, sizeof(*c->kpis.wl));
        if (!c->kpis.wl)
            return cohort_nomem(diag);
    }
    c->region = cohort_cell_keep(&st->strings, v[CH_REGION]);
    c->tenant_id = cohort_cell_keep(&st->strings, v[CH_TENANT_ID]);
    c->customer_name = cohort_cell_keep(&st->strings, v[CH_CUSTOMER_NAME]);
    c->reason = cohort_cell_keep(&st->strings, v[CH_REASON]);
    c->recorded_by = cohort_cell_keep(&st->strings, v[CH_RECORDED_BY]);
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
        err = members ? state_header(st, path, rec, &cohort_members_layout,
                                     true, diag)
                      : state_header(st, path, rec, &cohort_changes_layout,
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
    const struct cohort_change **o = calloc(*n + 1, sizeof(*o));
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
    struct slot *s = calloc(st->n_members + n + 1, sizeof(*s));
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
    const char *wl[COHORT_MAX_WORKLOADS];
    cohort_state_workloads(st, wl);
    cohort_layout_header(
        w, members ? &cohort_members_layout : &cohort_changes_layout, wl,
        st->n_workloads);
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
    struct csv_writer w;
    enum ftk_error err = state_begin(st, pub, true, st->frozen, &w, diag);
    for (size_t i = 0; i < n && err == FTK_OK; i++) {
        struct member_out row = {&m[i], st->month};
        cohort_layout_row(&w, &cohort_members_layout, st->n_workloads,
                          member_value, &row);
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
    struct csv_writer w;
    bool exists = access(st->changes_path, F_OK) == 0;
    enum ftk_error err = state_begin(st, pub, false, exists, &w, diag);
    if (err != FTK_OK)
        return err;
    struct change_out row = {c, st->month};
    cohort_layout_row(&w, &cohort_changes_layout, st->n_workloads, change_value,
                      &row);
    return state_commit(pub, &w, st->changes_path, diag);
}
