/*
 * pipeline/facts.c - from the store to the rows of the CSV facts
 * (docs/kpis.md) and the workbook's worst-first lists (docs/workbook.md).
 *
 * The window is every day up to the last day of the as-of month m: month
 * values of months after m are never looked at, entitlement snapshots
 * after it are skipped by store_qe_on, and velocity stops at m.
 */
#include "facts.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "kpi/date.h"
#include "pipeline/base/grow.h"
#include "pipeline/base/sort.h"
#include "pipeline/facts_rollup.h"
#include "pipeline/base/testing.h"

/* Workload indices by code bytes; ctx is the store. */
static int code_cmp(const void *a, const void *b, void *ctx)
{
    const struct store *st = ctx;
    return strcmp(st->cfg->workload[*(const int *)a].code,
                  st->cfg->workload[*(const int *)b].code);
}

const char *facts_code(const struct facts *f, int workload)
{
    return workload < 0 ? "" : f->st->cfg->workload[workload].code;
}

static int32_t day_of(int32_t month, int day)
{
    return kpi_month_first_day(month) + day - 1;
}

/* The month value of a slot, with the QE of its date. */
static struct kpi_au slot_value(const struct store_series *s,
                                const struct store_month *slot,
                                int32_t window_end, bool *backfilled)
{
    struct kpi_au v = {.has_value = true, .ae = slot->ae};
    bool bf = false;
    uint32_t qe;
    if (store_qe_on(s, day_of(slot->month, store_month_last_day(slot)),
                    window_end, &qe, &bf)) {
        v.qe_known = true;
        v.qe = qe;
    }
    if (backfilled)
        *backfilled = v.qe_known && bf;
    return v;
}

static struct kpi_au month_value(const struct store_series *s, int32_t month,
                                 int32_t window_end)
{
    const struct store_month *slot = store_month_of(s, month);
    struct kpi_au none = {0};
    return slot ? slot_value(s, slot, window_end, NULL) : none;
}

struct kpi_au facts_month_value(const struct facts *f,
                                const struct fact_workload *r, int k)
{
    if (!r->trend)
        return month_value(r->series,
                           f->as_of_month - (FACTS_TREND_MONTHS - 1) + k,
                           f->month_end);
    struct kpi_au v = {0};
    if (r->trend->qe[k] > 0) {
        v.has_value = v.qe_known = true;
        v.ae = r->trend->ae[k];
        v.qe = r->trend->qe[k];
    }
    return v;
}

static bool in_window(const struct store_series *s, int32_t month,
                      int32_t window_end)
{
    return (s->n_ent > 0 && s->ent[0].as_of <= window_end) ||
           (s->n_month > 0 && s->month[0].month <= month);
}

/* The plateau: the values of the consecutive defined months ending at
 * slot last (vals[i] is slot i's value), handed to kpi_plateau_months. */
static int plateau(const struct store_series *s, const struct kpi_au *vals,
                   size_t last, kpi_pct band, struct kpi_au *anchor)
{
    if (!kpi_au_defined(&vals[last]))
        return 0;
    size_t first = last;
    while (first > 0 && kpi_au_defined(&vals[first - 1]) &&
           s->month[first - 1].month == s->month[first].month - 1)
        first--;
    int L = kpi_plateau_months(vals + first, last - first + 1, band);
    if (L > 0)
        *anchor = vals[last - (size_t)L];
    return L;
}

/* days_to_10/40/70: the first snapshot on or after enabled_date, up to the
 * window's end, whose AU (with the QE of its own date) reached each
 * milestone. */
static void velocity(const struct store_series *s, int32_t enabled,
                     int32_t month, int32_t window_end,
                     int32_t days_to[KPI_MILESTONES])
{
    for (int k = 0; k < KPI_MILESTONES; k++)
        days_to[k] = KPI_NO_DAYS;
    /* No snapshot in the window: no QE, so no AU on any day. */
    if (enabled == KPI_NO_DATE || s->n_ent == 0 || s->ent[0].as_of > window_end)
        return;
    int y, mo, d;
    kpi_date_to_ymd(enabled, &y, &mo, &d);
    int32_t first = y * 12 + mo - 1;
    int missing = KPI_MILESTONES;
    for (uint32_t i = 0; i < s->n_month && missing > 0; i++) {
        const struct store_month *slot = &s->month[i];
        if (slot->month < first)
            continue;
        if (slot->month > month)
            break;
        for (int k = 0; k < KPI_MILESTONES; k++) {
            if (days_to[k] != KPI_NO_DAYS)
                continue;
            uint32_t mask = slot->reached[k];
            if (slot->month == first)
                mask &= ~((UINT32_C(1) << (d - 1)) - 1);
            if (!mask)
                continue;
            days_to[k] = day_of(slot->month, __builtin_ctz(mask) + 1) - enabled;
            missing--;
        }
    }
}

static const struct store_entitlement *latest_ent(const struct store_series *s,
                                                  int32_t window_end)
{
    const struct store_entitlement *e = NULL;
    for (uint32_t i = 0; i < s->n_ent && s->ent[i].as_of <= window_end; i++)
        e = &s->ent[i];
    return e;
}

static int32_t enabled_date(const struct store_series *s, int32_t window_end)
{
    int32_t enabled = KPI_NO_DATE;
    for (uint32_t i = 0; i < s->n_ent && s->ent[i].as_of <= window_end; i++)
        if (s->ent[i].enabled_date != KPI_NO_DATE)
            enabled = s->ent[i].enabled_date;
    return enabled;
}

static int32_t days_between(int32_t from, int32_t to)
{
    return from == KPI_NO_DATE || to == KPI_NO_DATE ? KPI_NO_DAYS : to - from;
}

/* The day of a series' latest usage snapshot in month or before;
 * KPI_NO_DATE when none. */
static int32_t latest_usage(const struct store_series *s, int32_t month)
{
    for (uint32_t j = s->n_month; j-- > 0;) {
        const struct store_month *slot = &s->month[j];
        if (slot->month <= month)
            return day_of(slot->month, store_month_last_day(slot));
    }
    return KPI_NO_DATE;
}

/* Months whose first day a build keeps at hand: the as-of month and the
 * FIRST_DAYS - 1 before it. */
#define FIRST_DAYS 64

struct part_lists;

struct build {
    struct facts *f;
    const struct config *cfg;
    /* the first days of the months up to the as-of month */
    int32_t first_day[FIRST_DAYS];
    struct kpi_au *vals; /* series_values' values of one series */
    int64_t n_vals;      /* how many workload_row's series had */
    size_t vals_cap;
    char tags[4096];
    /* where the rows' tags go: f->strings, or a thread's own arena */
    struct arena *strings;
    /* threads for the per-customer walks (1 unless facts_build_threads) */
    unsigned threads;
    /* the lists the parts of facts_build_threads made (n_parts 0: none,
     * aggregate makes them) */
    struct part_lists *parts;
    size_t n_parts;
    /* each tenant's region rank (facts_tenant_ranks) when known before
     * the parts start, else NULL */
    const uint32_t *tenant_region;
};

static void build_start(struct build *b, struct facts *f,
                        const struct config *cfg)
{
    memset(b, 0, sizeof(*b));
    b->f = f;
    b->cfg = cfg;
    b->strings = &f->strings;
    b->threads = 1;
    for (int k = 0; k < FIRST_DAYS; k++)
        b->first_day[k] =
            kpi_month_first_day(f->as_of_month - (FIRST_DAYS - 1) + k);
}

static int32_t build_day_of(const struct build *b, int32_t month, int day)
{
    int32_t k = month - (b->f->as_of_month - (FIRST_DAYS - 1));
    if (k >= 0 && k < FIRST_DAYS)
        return b->first_day[k] + day - 1;
    return day_of(month, day);
}

/* The values of a series' slots up to the as-of month, oldest first, into
 * b->vals: each slot's AE with the QE of its latest snapshot day, as
 * slot_value gives it, found in one walk over the slots and the
 * entitlement snapshots together (both in date order) rather than a
 * search per month. Slots of months before from are left out (their
 * places in b->vals unset). Returns the number of slots; *backfilled is
 * the last one's, -1 when out of memory. */
static int64_t series_values(struct build *b, const struct store_series *s,
                             int32_t from, bool *backfilled)
{
    int32_t m = b->f->as_of_month, end = b->f->month_end;
    uint32_t n = s->n_month;
    while (n > 0 && s->month[n - 1].month > m)
        n--;
    struct kpi_au *vals =
        grow_array(b->vals, &b->vals_cap, n ? n : 1, sizeof(*vals));
    if (!vals)
        return -1;
    b->vals = vals;
    bool known = s->n_ent > 0 && s->ent[0].as_of <= end;
    uint32_t j = 0; /* snapshots with as_of <= the slot's day */
    *backfilled = false;
    uint32_t i = n;
    while (i > 0 && s->month[i - 1].month >= from)
        i--;
    for (; i < n; i++) {
        const struct store_month *slot = &s->month[i];
        struct kpi_au v = {.has_value = true, .ae = slot->ae};
        if (known) {
            int32_t d =
                build_day_of(b, slot->month, store_month_last_day(slot));
            if (d > end)
                d = end;
            while (j < s->n_ent && s->ent[j].as_of <= d)
                j++;
            v.qe_known = true;
            v.qe = s->ent[j ? j - 1 : 0].qe;
            *backfilled = j == 0;
        }
        vals[i] = v;
    }
    return n;
}

/* The index of month's slot among the first n, or -1. */
static int64_t slot_index(const struct store_series *s, uint32_t n,
                          int32_t month)
{
    while (n > 0 && s->month[n - 1].month > month)
        n--;
    return n > 0 && s->month[n - 1].month == month ? (int64_t)n - 1 : -1;
}

static enum ftk_error workload_row(struct build *b,
                                   const struct store_series *s,
                                   const struct store_tenant *t,
                                   struct fact_workload *r)
{
    struct facts *f = b->f;
    const struct config *cfg = b->cfg;
    const struct config_workload *wl = &cfg->workload[s->workload];
    int32_t m = f->as_of_month, end = f->month_end;
    memset(r, 0, sizeof(*r));
    r->series = s;
    r->tenant = s->tenant;
    r->workload = (int)s->workload;
    r->core = wl->core;
    r->scenario = "";
    r->status = "";
    r->tags = "";
    r->notes = "";
    r->latest_usage = latest_usage(s, m);
    r->latest_entitlement = KPI_NO_DATE;

    bool backfilled;
    int64_t n = series_values(b, s, INT32_MIN, &backfilled);
    if (n < 0)
        return FTK_E_NOMEM;
    b->n_vals = n;
    const struct kpi_au *vals = b->vals, none = {0};
    int64_t at = slot_index(s, (uint32_t)n, m);
    if (at >= 0) {
        r->value = vals[at];
        r->qe_backfilled = r->value.qe_known && backfilled;
        r->qe_known = r->value.qe_known;
        r->qe = r->value.qe;
    } else {
        bool bf;
        r->qe_known = store_qe_on(s, end, end, &r->qe, &bf);
    }
    r->au_defined = kpi_au_defined(&r->value);
    if (r->au_defined)
        r->au = kpi_au_centi(r->value.ae, r->value.qe);
    r->health = kpi_workload_health(&r->value, &wl->threshold);
    if (strcmp(wl->code, "EXO") == 0)
        r->scenario = kpi_exo_scenario(&r->value);

    int64_t k = slot_index(s, (uint32_t)n, m - 1);
    struct kpi_au prev = k >= 0 ? vals[k] : none;
    k = slot_index(s, (uint32_t)n, m - 3);
    r->value_3m_ago = k >= 0 ? vals[k] : none;
    r->has_delta_1m = kpi_delta_pp(&r->value, &prev, &r->delta_1m);
    r->has_delta_3m = kpi_delta_pp(&r->value, &r->value_3m_ago, &r->delta_3m);
    r->loser = kpi_delta_at_most(&r->value, &r->value_3m_ago,
                                 cfg->focus.loser_delta_3m);

    r->plateau_months = at < 0 ? 0
                               : plateau(s, vals, (size_t)at, cfg->plateau_band,
                                         &r->plateau_anchor);
    r->plateau = r->plateau_months > cfg->plateau_min_months &&
                 r->health != KPI_HEALTH_GREEN;

    r->enabled_date = enabled_date(s, end);
    r->days_kickoff_to_enable = days_between(t->kickoff_date, r->enabled_date);
    velocity(s, r->enabled_date, m, end, r->days_to);
    r->has_users_to_goal = kpi_users_to_goal(
        &r->value, wl->threshold.green_above, &r->users_to_goal);

    const struct store_entitlement *e = latest_ent(s, end);
    if (e) {
        r->status = e->status;
        r->notes = e->notes;
        r->latest_entitlement = e->as_of;
        size_t len = kpi_notes_tags(e->notes, strlen(e->notes), b->tags,
                                    sizeof(b->tags));
        if (len > 0) {
            r->tags = arena_strndup(b->strings, b->tags, len);
            if (!r->tags)
                return FTK_E_NOMEM;
        }
    }
    if (r->core) {
        r->slow_enable =
            kpi_focus_slow_enable(t->kickoff_date, end, r->qe_known ? r->qe : 0,
                                  r->enabled_date, &cfg->focus);
        r->slow_ramp =
            kpi_focus_slow_ramp(r->enabled_date, end, wl->threshold.green_above,
                                r->days_to, &cfg->focus);
    }
    return FTK_OK;
}

static void customer_row(struct build *b, const struct store_tenant *t,
                         struct fact_customer *c)
{
    struct facts *f = b->f;
    const struct config *cfg = b->cfg;
    struct kpi_au core[CONFIG_MAX_WORKLOADS];
    size_t n_core = 0;
    uint32_t max_qe = 0;
    bool any_qe = false;
    for (uint32_t i = c->first_row; i < c->first_row + c->n_rows; i++) {
        const struct fact_workload *r = &f->row[i];
        if (r->qe_known) {
            any_qe = true;
            if (r->qe > max_qe)
                max_qe = r->qe;
        }
        if (!r->core)
            continue;
        if (r->has_users_to_goal)
            c->users_to_goal += r->users_to_goal;
        if (r->au_defined) {
            core[n_core++] = r->value;
            c->core_qe += r->value.qe;
            c->core_ae += r->value.ae;
        }
        if (r->plateau)
            c->focus |= 1u << KPI_FOCUS_PLATEAU;
        if (r->loser)
            c->focus |= 1u << KPI_FOCUS_LOSER;
        if (r->slow_enable)
            c->focus |= 1u << KPI_FOCUS_SLOW_ENABLE;
        if (r->slow_ramp)
            c->focus |= 1u << KPI_FOCUS_SLOW_RAMP;
    }
    c->core_au_defined = c->core_qe > 0;
    if (c->core_au_defined)
        c->core_au = kpi_pct_round((kpi_i128)c->core_ae, (kpi_i128)c->core_qe);
    c->health = kpi_customer_health(core, n_core, &cfg->customer);
    if (t->seats >= 0) {
        c->large_known = true;
        c->large = t->seats >= cfg->focus.large_seats;
    } else if (any_qe) {
        c->large_known = true;
        c->large = (int64_t)max_qe >= cfg->focus.large_seats;
    }
    c->days_to_kickoff = days_between(t->engagement_start, t->kickoff_date);
    c->days_to_gateway = days_between(t->engagement_start, t->gateway_date);
    if (kpi_focus_large_poor(c->large_known && c->large, c->core_ae, c->core_qe,
                             &cfg->focus))
        c->focus |= 1u << KPI_FOCUS_LARGE_POOR;
    if (kpi_focus_slow_kickoff(t->engagement_start, t->kickoff_date,
                               f->month_end, &cfg->focus))
        c->focus |= 1u << KPI_FOCUS_SLOW_KICKOFF;
}

/* One sum of AE and QE for each month of the 12-month series. */
typedef uint64_t month_sums[FACTS_TREND_MONTHS][2];

static void add_value(month_sums sums, int k, const struct kpi_au *v)
{
    sums[k][0] += v->ae;
    sums[k][1] += v->qe;
}

/* Each month's pooled AU from its sums: defined when Σ QE > 0. */
static void pooled_months(month_sums sums, struct fact_months *out)
{
    for (int k = 0; k < FACTS_TREND_MONTHS; k++) {
        out->defined[k] = sums[k][1] > 0;
        out->au[k] = out->defined[k] ? kpi_pct_round((kpi_i128)sums[k][0],
                                                     (kpi_i128)sums[k][1])
                                     : 0;
    }
}

/* A row's values of months m - 11 .. m, as facts_month_value gives them;
 * false when out of memory. */
static bool row_months(struct build *b, const struct fact_workload *r,
                       struct kpi_au out[FACTS_TREND_MONTHS])
{
    if (r->trend) {
        for (int k = 0; k < FACTS_TREND_MONTHS; k++)
            out[k] = facts_month_value(b->f, r, k);
        return true;
    }
    memset(out, 0, FACTS_TREND_MONTHS * sizeof(*out));
    const struct store_series *s = r->series;
    bool backfilled;
    int32_t first = b->f->as_of_month - (FACTS_TREND_MONTHS - 1);
    int64_t n = series_values(b, s, first, &backfilled);
    if (n < 0)
        return false;
    for (int64_t i = n - 1; i >= 0 && s->month[i].month >= first; i--)
        out[s->month[i].month - first] = b->vals[i];
    return true;
}

/* The most threads a build splits its customers over. */
#define MAX_PARTS 16

/* Runs work on parts 0 .. n - 1 (n <= MAX_PARTS; each part is size bytes
 * and a thread's own): part 0 on this thread, the others on threads of
 * their own; a part whose thread cannot start runs here after it. */
static void run_parts(void *parts, size_t n, size_t size, void *(*work)(void *))
{
    pthread_t tid[MAX_PARTS];
    bool started[MAX_PARTS] = {false};
    char *at = parts;
    for (size_t k = 1; k < n; k++)
        started[k] = pthread_create(&tid[k], NULL, work, at + k * size) == 0;
    work(parts);
    for (size_t k = 1; k < n; k++) {
        if (started[k])
            pthread_join(tid[k], NULL);
        else
            work(at + k * size);
    }
}

/* How many parts n items are split into with `threads` threads. */
static size_t parts_of(unsigned threads, size_t n)
{
    size_t parts = threads < 1 ? 1 : threads;
    if (parts > MAX_PARTS)
        parts = MAX_PARTS;
    if (parts > n)
        parts = n ? n : 1;
    return parts;
}

/* The 12-month series of customers from .. to - 1, on one thread: the
 * core rows' AU months go to f->au_months from first_au on, the workloads'
 * sums to trend (the part's own). */
struct months_part {
    struct build b; /* its own values buffer */
    size_t from, to, first_au;
    month_sums *trend;
    enum ftk_error err;
};

/* A row's values of months m - 11 .. m added to the 12-month series: to
 * its workload's sums in trend and, for a core row, to its AU months (am)
 * and its customer's core sums. */
static void add_months(const struct fact_workload *r,
                       const struct kpi_au months[FACTS_TREND_MONTHS],
                       struct fact_months *am, month_sums core,
                       month_sums *trend)
{
    for (int k = 0; k < FACTS_TREND_MONTHS; k++) {
        const struct kpi_au v = months[k];
        if (!kpi_au_defined(&v))
            continue;
        add_value(trend[r->workload], k, &v);
        if (!am)
            continue;
        am->defined[k] = true;
        am->au[k] = kpi_au_centi(v.ae, v.qe);
        add_value(core, k, &v);
    }
}

/* The months m - 11 .. m of the row workload_row just made, from the
 * values of its series still in b->vals (the values row_months would look
 * up again), added to the 12-month series as add_months does. */
static void row_trend(const struct build *b, const struct fact_workload *r,
                      struct fact_months *am, month_sums core,
                      month_sums *trend)
{
    struct kpi_au months[FACTS_TREND_MONTHS];
    memset(months, 0, sizeof(months));
    const struct store_series *s = r->series;
    int32_t first = b->f->as_of_month - (FACTS_TREND_MONTHS - 1);
    for (int64_t i = b->n_vals - 1; i >= 0 && s->month[i].month >= first; i--)
        months[s->month[i].month - first] = b->vals[i];
    add_months(r, months, am, core, trend);
}

static void *months_of_part(void *arg)
{
    struct months_part *p = arg;
    struct build *b = &p->b;
    struct facts *f = b->f;
    size_t au = p->first_au;
    p->err = FTK_OK;
    for (size_t i = p->from; i < p->to; i++) {
        struct fact_customer *c = &f->customer[i];
        month_sums core = {{0}};
        for (uint32_t j = c->first_row; j < c->first_row + c->n_rows; j++) {
            struct fact_workload *r = &f->row[j];
            struct fact_months *am = NULL;
            if (r->core)
                r->au_months = am = &f->au_months[au++];
            struct kpi_au months[FACTS_TREND_MONTHS];
            if (!row_months(b, r, months)) {
                p->err = FTK_E_NOMEM;
                return NULL;
            }
            add_months(r, months, am, core, p->trend);
        }
        pooled_months(core, &c->core_au_months);
    }
    return NULL;
}

/* The 12-month series (docs/kpis.md): each row's month values of m - 11
 * .. m are looked up once and go to the core row's AU months, the
 * customer's pooled core AU months and the workload's sums (trend). The
 * customers are split into b->threads contiguous parts, each with sums of
 * its own, added up in part order (integers: the same sums as one walk). */
static enum ftk_error series_months(struct build *b, month_sums *trend)
{
    struct facts *f = b->f;
    int nw = b->cfg->n_workloads;
    size_t n_parts = parts_of(b->threads, f->n_customers);
    struct months_part part[MAX_PARTS];
    memset(part, 0, n_parts * sizeof(*part));
    for (size_t k = 0; k < n_parts; k++) {
        part[k].from = f->n_customers * k / n_parts;
        part[k].to = f->n_customers * (k + 1) / n_parts;
        part[k].b = *b;
        if (k > 0) {
            part[k].b.vals = NULL;
            part[k].b.vals_cap = 0;
        }
    }
    /* the core rows before each part's first row */
    size_t n_core = 0, k = 0;
    for (size_t i = 0; i <= f->n_rows; i++) {
        while (k < n_parts && (part[k].from < f->n_customers
                                   ? f->customer[part[k].from].first_row
                                   : f->n_rows) == i)
            part[k++].first_au = n_core;
        if (i < f->n_rows)
            n_core += f->row[i].core;
    }
    f->au_months = calloc(n_core ? n_core : 1, sizeof(*f->au_months));
    enum ftk_error err = f->au_months ? FTK_OK : FTK_E_NOMEM;
    part[0].trend = trend;
    for (k = 1; k < n_parts && err == FTK_OK; k++) {
        part[k].trend = calloc((size_t)nw, sizeof(*part[k].trend));
        if (!part[k].trend)
            err = FTK_E_NOMEM;
    }
    if (err == FTK_OK)
        run_parts(part, n_parts, sizeof(*part), months_of_part);
    for (k = 0; k < n_parts; k++) {
        if (err == FTK_OK)
            err = part[k].err;
        if (k == 0) {
            /* part 0 may have grown b's values buffer */
            b->vals = part[0].b.vals;
            b->vals_cap = part[0].b.vals_cap;
            continue;
        }
        free(part[k].b.vals);
        for (int w = 0; w < nw && part[k].trend; w++)
            for (int m = 0; m < FACTS_TREND_MONTHS; m++) {
                trend[w][m][0] += part[k].trend[w][m][0];
                trend[w][m][1] += part[k].trend[w][m][1];
            }
        free(part[k].trend);
    }
    if (err == FTK_OK)
        f->n_au_months = n_core;
    return err;
}

/* The Goals figures of a workload with a goal, from its portfolio entry
 * (NULL when it has no row). */
static void goal_row(struct fact_goal *g, int w, int64_t goal,
                     const struct fact_portfolio *p)
{
    memset(g, 0, sizeof(*g));
    g->workload = w;
    g->goal = goal;
    g->ae = p ? p->ae : 0;
    g->progress_defined = goal > 0;
    if (g->progress_defined)
        g->progress = kpi_pct_round((kpi_i128)g->ae, (kpi_i128)goal);
    g->gap = (uint64_t)goal > g->ae ? (uint64_t)goal - g->ae : 0;
    for (int k = 0; p && k < FACTS_TREND_MONTHS; k++) {
        g->ae_defined[k] = p->trend_qe[k] > 0;
        g->ae_months[k] = p->trend_ae[k];
    }
    const int now = FACTS_TREND_MONTHS - 1, then = now - 3;
    g->pace_defined = g->ae_defined[now] && g->ae_defined[then];
    if (!g->pace_defined)
        return;
    /* Σ AE of uint32 AEs over fewer than 2^31 rows fits int64 */
    g->change_3m = (int64_t)g->ae_months[now] - (int64_t)g->ae_months[then];
    g->pace = kpi_pace_centi(g->change_3m, 3);
    g->months_to_goal_defined =
        kpi_months_to_goal(g->gap, g->change_3m, 3, &g->months_to_goal);
}

static enum ftk_error goals(struct build *b)
{
    struct facts *f = b->f;
    int nw = b->cfg->n_workloads;
    f->goal = calloc((size_t)nw, sizeof(*f->goal));
    if (!f->goal)
        return FTK_E_NOMEM;
    for (int i = 0; i < nw; i++) {
        int w = f->workload_order[i];
        if (b->cfg->workload[w].goal < 0)
            continue;
        const struct fact_portfolio *p = NULL;
        for (size_t k = 0; k < f->n_portfolio && !p; k++)
            if (f->portfolio[k].workload == w)
                p = &f->portfolio[k];
        goal_row(&f->goal[f->n_goals++], w, b->cfg->workload[w].goal, p);
    }
    return FTK_OK;
}

/* What some customers and their rows add up to: the portfolio's counts and
 * sums by workload index (those fields of struct fact_portfolio), the
 * measured values of each workload in row order (for its mean AU), and the
 * facts' health counts and freshness dates. One part's in
 * facts_build_threads (made on its thread), or all the customers'. */
struct tally {
    int nw;
    struct fact_portfolio *p; /* by workload index */
    uint64_t *measured_qe;    /* Σ QE of the measured rows, by workload */
    bool *present;            /* the workload has a row */
    month_sums *trend;        /* the 12-month sums, by workload */
    struct kpi_au **vals;     /* by workload: the measured values */
    size_t *n_vals, *cap_vals;
    uint64_t health_count[4];
    int32_t latest_snapshot, latest_entitlement;
};

static void tally_release(struct tally *t)
{
    for (int w = 0; t->vals && w < t->nw; w++)
        free(t->vals[w]);
    free(t->vals);
    free(t->n_vals);
    free(t->cap_vals);
    free(t->p);
    free(t->measured_qe);
    free(t->present);
    free(t->trend);
    memset(t, 0, sizeof(*t));
}

static bool tally_start(struct tally *t, int nw)
{
    memset(t, 0, sizeof(*t));
    t->nw = nw;
    size_t n = (size_t)nw;
    t->p = calloc(n, sizeof(*t->p));
    t->measured_qe = calloc(n, sizeof(*t->measured_qe));
    t->present = calloc(n, sizeof(*t->present));
    t->vals = calloc(n, sizeof(*t->vals));
    t->n_vals = calloc(n, sizeof(*t->n_vals));
    t->cap_vals = calloc(n, sizeof(*t->cap_vals));
    t->trend = calloc(n, sizeof(*t->trend));
    t->latest_snapshot = t->latest_entitlement = KPI_NO_DATE;
    for (int w = 0; t->p && w < nw; w++)
        t->p[w].latest_usage = KPI_NO_DATE;
    return t->p && t->measured_qe && t->present && t->vals && t->n_vals &&
           t->cap_vals && t->trend;
}

/* The later of two dates, either of them KPI_NO_DATE. */
static int32_t later_date(int32_t a, int32_t b)
{
    return a == KPI_NO_DATE || (b != KPI_NO_DATE && b > a) ? b : a;
}

/* Customer c and its rows added to t; false when out of memory. */
static bool tally_customer(struct tally *t, const struct facts *f,
                           const struct fact_customer *c)
{
    t->health_count[c->health]++;
    for (uint32_t i = c->first_row; i < c->first_row + c->n_rows; i++) {
        const struct fact_workload *r = &f->row[i];
        int w = r->workload;
        struct fact_portfolio *p = &t->p[w];
        t->latest_snapshot = later_date(t->latest_snapshot, r->latest_usage);
        t->latest_entitlement =
            later_date(t->latest_entitlement, r->latest_entitlement);
        t->present[w] = true;
        p->count[r->health]++;
        if (r->qe_known && r->qe > 0) {
            p->customers++;
            p->qe += r->qe;
            if (!r->value.has_value) {
                p->no_usage++;
                p->no_usage_qe += r->qe;
            }
        }
        if (r->au_defined) {
            p->measured++;
            p->ae += r->value.ae;
            t->measured_qe[w] += r->value.qe;
            struct kpi_au *v = grow_array(t->vals[w], &t->cap_vals[w],
                                          t->n_vals[w] + 1, sizeof(*v));
            if (!v)
                return false;
            t->vals[w] = v;
            v[t->n_vals[w]++] = r->value;
        }
        p->latest_usage = later_date(p->latest_usage, r->latest_usage);
    }
    return true;
}

/* Part k's tally added into t[0] (k > 0), in part order: its measured
 * values behind those of the parts before. */
static bool tally_join(struct tally *t, const struct tally *k)
{
    for (int w = 0; w < t->nw; w++) {
        struct fact_portfolio *p = &t->p[w];
        const struct fact_portfolio *q = &k->p[w];
        for (int h = 0; h < 4; h++)
            p->count[h] += q->count[h];
        p->customers += q->customers;
        p->qe += q->qe;
        p->no_usage += q->no_usage;
        p->no_usage_qe += q->no_usage_qe;
        p->measured += q->measured;
        p->ae += q->ae;
        p->latest_usage = later_date(p->latest_usage, q->latest_usage);
        t->measured_qe[w] += k->measured_qe[w];
        t->present[w] = t->present[w] || k->present[w];
        for (int m = 0; m < FACTS_TREND_MONTHS; m++) {
            t->trend[w][m][0] += k->trend[w][m][0];
            t->trend[w][m][1] += k->trend[w][m][1];
        }
        if (k->n_vals[w] == 0)
            continue;
        struct kpi_au *v = grow_array(t->vals[w], &t->cap_vals[w],
                                      t->n_vals[w] + k->n_vals[w], sizeof(*v));
        if (!v)
            return false;
        t->vals[w] = v;
        memcpy(v + t->n_vals[w], k->vals[w], k->n_vals[w] * sizeof(*v));
        t->n_vals[w] += k->n_vals[w];
    }
    for (int h = 0; h < 4; h++)
        t->health_count[h] += k->health_count[h];
    t->latest_snapshot = later_date(t->latest_snapshot, k->latest_snapshot);
    t->latest_entitlement =
        later_date(t->latest_entitlement, k->latest_entitlement);
    return true;
}

/* The portfolio (by workload code, the workloads with a row), its
 * 12-month series and the goals, from the customers' tally t. */
static enum ftk_error portfolio(struct build *b, const struct tally *t)
{
    struct facts *f = b->f;
    int nw = b->cfg->n_workloads;
    month_sums *trend = t->trend;
    f->portfolio = calloc((size_t)nw, sizeof(*f->portfolio));
    if (!f->portfolio)
        return FTK_E_NOMEM;
    for (int i = 0; i < nw; i++) {
        int w = f->workload_order[i];
        if (!t->present[w])
            continue;
        struct fact_portfolio *o = &f->portfolio[f->n_portfolio++];
        *o = t->p[w];
        o->workload = w;
        o->measured_qe = t->measured_qe[w];
        o->pooled_defined = o->measured_qe > 0;
        if (o->pooled_defined)
            o->pooled_au =
                kpi_pct_round((kpi_i128)o->ae, (kpi_i128)o->measured_qe);
        o->pooled_health = kpi_ratio_health(o->ae, o->measured_qe,
                                            &f->st->cfg->workload[w].threshold);
        o->mean_defined = kpi_mean_au(t->vals[w], t->n_vals[w], &o->mean_au);
        struct fact_months months;
        pooled_months(trend[w], &months);
        for (int k = 0; k < FACTS_TREND_MONTHS; k++) {
            o->trend_defined[k] = months.defined[k];
            o->trend[k] = months.au[k];
            o->trend_ae[k] = trend[w][k][0];
            o->trend_qe[k] = trend[w][k][1];
        }
        const int prev = FACTS_TREND_MONTHS - 2;
        o->pooled_change_defined = o->pooled_defined && o->trend_defined[prev];
        if (o->pooled_change_defined)
            o->pooled_change = kpi_pooled_change_pp(
                o->ae, o->measured_qe, o->trend_ae[prev], o->trend_qe[prev]);
    }
    return goals(b);
}

/* Details name the figures that put a customer in a focus area. One is
 * written piece by piece (what vsnprintf did with its format, for a
 * fraction of the instructions: there is one per candidate), at most
 * DETAIL_MAX bytes, then copied into an arena. */
#define DETAIL_MAX 511

struct detail {
    char buf[DETAIL_MAX + 1];
    size_t n;
};

static void detail_add(struct detail *d, const char *s)
{
    while (*s && d->n < DETAIL_MAX)
        d->buf[d->n++] = *s++;
}

/* v in decimal, as %d, %u and %lld write it */
static void detail_int(struct detail *d, int64_t v)
{
    char digits[24];
    size_t k = sizeof(digits);
    uint64_t mag = v < 0 ? -(uint64_t)v : (uint64_t)v;
    digits[--k] = '\0';
    do {
        digits[--k] = (char)('0' + mag % 10);
        mag /= 10;
    } while (mag > 0);
    if (v < 0)
        digits[--k] = '-';
    detail_add(d, digits + k);
}

static void detail_centi(struct detail *d, kpi_centi v)
{
    char out[32];
    kpi_centi_format(v, out);
    detail_add(d, out);
}

static void detail_pct(struct detail *d, kpi_pct v)
{
    char out[32];
    kpi_pct_format(v, out);
    detail_add(d, out);
}

static void detail_date(struct detail *d, int32_t day)
{
    char out[11];
    kpi_date_format(day, out);
    detail_add(d, out);
}

static const char *detail_done(struct arena *strings, const struct detail *d)
{
    return arena_strndup(strings, d->buf, d->n);
}

static const char *row_detail(struct build *b, const struct fact_workload *r,
                              const struct store_tenant *t, enum kpi_focus area)
{
    struct facts *f = b->f;
    const struct config *cfg = b->cfg;
    struct detail d = {.n = 0};
    switch (area) {
    case KPI_FOCUS_PLATEAU:
        /* "AU %s%% within %s pp of %s%% for %d months" */
        detail_add(&d, "AU ");
        detail_centi(&d, r->au);
        detail_add(&d, "% within ");
        detail_pct(&d, cfg->plateau_band);
        detail_add(&d, " pp of ");
        detail_centi(&d,
                     kpi_au_centi(r->plateau_anchor.ae, r->plateau_anchor.qe));
        detail_add(&d, "% for ");
        detail_int(&d, r->plateau_months);
        detail_add(&d, " months");
        break;
    case KPI_FOCUS_LOSER:
        /* "AU %s%% to %s%% in 3 months (%s pp)" */
        detail_add(&d, "AU ");
        detail_centi(&d, kpi_au_centi(r->value_3m_ago.ae, r->value_3m_ago.qe));
        detail_add(&d, "% to ");
        detail_centi(&d, r->au);
        detail_add(&d, "% in 3 months (");
        detail_centi(&d, r->delta_3m);
        detail_add(&d, " pp)");
        break;
    case KPI_FOCUS_SLOW_ENABLE:
        /* "QE %u not enabled %d days after kickoff %s" */
        detail_add(&d, "QE ");
        detail_int(&d, r->qe);
        detail_add(&d, " not enabled ");
        detail_int(&d, (int)(f->month_end - t->kickoff_date));
        detail_add(&d, " days after kickoff ");
        detail_date(&d, t->kickoff_date);
        break;
    case KPI_FOCUS_SLOW_RAMP: {
        /* "enabled %s, %d days ago; not yet reached %s", the milestones
         * missed as "%d%%" joined by ", " */
        detail_add(&d, "enabled ");
        detail_date(&d, r->enabled_date);
        detail_add(&d, ", ");
        detail_int(&d, (int)(f->month_end - r->enabled_date));
        detail_add(&d, " days ago; not yet reached ");
        bool first = true;
        for (int k = 0; k < KPI_MILESTONES; k++)
            if (r->slow_ramp & (1u << k)) {
                if (!first)
                    detail_add(&d, ", ");
                first = false;
                detail_int(&d, kpi_milestone_pct[k]);
                detail_add(&d, "%");
            }
        break;
    }
    default:
        return "";
    }
    return detail_done(b->strings, &d);
}

static const char *customer_detail(struct build *b,
                                   const struct fact_customer *c,
                                   const struct store_tenant *t,
                                   enum kpi_focus area)
{
    struct facts *f = b->f;
    struct detail d = {.n = 0};
    if (area == KPI_FOCUS_LARGE_POOR) {
        /* "core AE/QE %s%% below %s%%; seats %lld", or "...; no seats,
         * largest QE at least %lld" */
        detail_add(&d, "core AE/QE ");
        detail_centi(&d, c->core_au);
        detail_add(&d, "% below ");
        detail_pct(&d, b->cfg->focus.large_poor_below);
        if (t->seats >= 0) {
            detail_add(&d, "%; seats ");
            detail_int(&d, t->seats);
        } else {
            detail_add(&d, "%; no seats, largest QE at least ");
            detail_int(&d, b->cfg->focus.large_seats);
        }
        return detail_done(b->strings, &d);
    }
    /* "no kickoff %d days after engagement start %s" */
    detail_add(&d, "no kickoff ");
    detail_int(&d, (int)(f->month_end - t->engagement_start));
    detail_add(&d, " days after engagement start ");
    detail_date(&d, t->engagement_start);
    return detail_done(b->strings, &d);
}

/* What candidate_cmp compares in place of bytes: the rank of each
 * customer's region (facts_customer_ranks) and of each workload's code
 * (its place in workload_order, which is by code); customers are in
 * tenant_id order, so their indices order their ids. */
struct candidate_order {
    const struct facts *f;
    const uint32_t *region;             /* by customer */
    int code[CONFIG_MAX_WORKLOADS + 1]; /* by workload + 1; -1: none */
};

/* Candidates in the order of cohort_candidates.csv: region, users to goal
 * (most first), tenant_id, area, workload code; ctx is a candidate_order. */
static int candidate_cmp(const void *x, const void *y, void *ctx)
{
    const struct fact_candidate *a = x, *b = y;
    const struct candidate_order *o = ctx;
    const struct fact_customer *ca = &o->f->customer[a->customer];
    const struct fact_customer *cb = &o->f->customer[b->customer];
    uint32_t ra = o->region[a->customer], rb = o->region[b->customer];
    if (ra != rb)
        return ra < rb ? -1 : 1;
    if (ca->users_to_goal != cb->users_to_goal)
        return ca->users_to_goal > cb->users_to_goal ? -1 : 1;
    if (a->customer != b->customer)
        return a->customer < b->customer ? -1 : 1;
    if (a->area != b->area)
        return a->area < b->area ? -1 : 1;
    int wa = o->code[a->workload + 1], wb = o->code[b->workload + 1];
    return (wa > wb) - (wa < wb);
}

/* A customer's run of candidates, placed by candidate_cmp's first keys. */
struct candidate_run {
    uint32_t region;
    int64_t users_to_goal;
    uint32_t customer;
    /* its candidates: list[at .. at + n) */
    uint32_t at, n;
    const struct fact_candidate *list;
};

static int candidate_run_cmp(const void *x, const void *y)
{
    const struct candidate_run *a = x, *b = y;
    if (a->region != b->region)
        return a->region < b->region ? -1 : 1;
    if (a->users_to_goal != b->users_to_goal)
        return a->users_to_goal > b->users_to_goal ? -1 : 1;
    return (a->customer > b->customer) - (a->customer < b->customer);
}

/* Sorts f->candidate by candidate_cmp. They come in customer order, each
 * customer's in area then workload code order (its rows are by code), so
 * candidate_cmp's last keys already hold within each customer's run: only
 * the runs are sorted, on keys at hand rather than through the customers.
 * Candidates not made that way (a shard's rows out of code order) are
 * sorted whole. */
static enum ftk_error order_candidates(struct facts *f,
                                       const struct candidate_order *o)
{
    size_t n = f->n_candidates;
    struct candidate_run *run = malloc((n ? n : 1) * sizeof(*run));
    struct fact_candidate *out = malloc((n ? n : 1) * sizeof(*out));
    if (!run || !out) {
        free(run);
        free(out);
        return FTK_E_NOMEM;
    }
    size_t n_runs = 0;
    bool runs = true;
    for (size_t i = 0; i < n && runs; i++) {
        const struct fact_candidate *cd = &f->candidate[i];
        if (i > 0 && cd->customer == cd[-1].customer) {
            runs = candidate_cmp(cd - 1, cd, (void *)o) < 0;
            run[n_runs - 1].n++;
            continue;
        }
        runs = i == 0 || cd->customer > cd[-1].customer;
        run[n_runs++] =
            (struct candidate_run){o->region[cd->customer],
                                   f->customer[cd->customer].users_to_goal,
                                   cd->customer,
                                   (uint32_t)i,
                                   1,
                                   f->candidate};
    }
    if (!runs) {
        sort_array_r(f->candidate, n, sizeof(*f->candidate), candidate_cmp,
                     (void *)o);
        free(run);
        free(out);
        return FTK_OK;
    }
    sort_array(run, n_runs, sizeof(*run), candidate_run_cmp);
    size_t at = 0;
    for (size_t r = 0; r < n_runs; r++) {
        memcpy(&out[at], run[r].list + run[r].at, run[r].n * sizeof(*out));
        at += run[r].n;
    }
    free(run);
    free(f->candidate);
    f->candidate = out;
    return FTK_OK;
}

/* Candidates being made: p[0 .. n), room for cap. */
struct candidate_list {
    struct fact_candidate *p;
    size_t n, cap;
};

static enum ftk_error add_candidate(struct candidate_list *l, uint32_t customer,
                                    enum kpi_focus area, int workload,
                                    const char *text)
{
    if (!text)
        return FTK_E_NOMEM;
    struct fact_candidate *p = grow_array(l->p, &l->cap, l->n + 1, sizeof(*p));
    if (!p)
        return FTK_E_NOMEM;
    l->p = p;
    l->p[l->n++] = (struct fact_candidate){.customer = customer,
                                           .area = area,
                                           .workload = workload,
                                           .detail = text};
    return FTK_OK;
}

/* The candidates of customer i (its rows where its first_row says), added
 * to l in facts order: by focus area, then in row (code) order. Their
 * details go to b->strings. */
static enum ftk_error customer_candidates(struct build *b, uint32_t i,
                                          struct candidate_list *l)
{
    struct facts *f = b->f;
    const struct fact_customer *c = &f->customer[i];
    const struct store_tenant *t = &f->st->tenant[c->tenant];
    enum ftk_error err = FTK_OK;
    for (int area = 0; area < KPI_FOCUS_COUNT && err == FTK_OK; area++) {
        if (!(c->focus & (1u << area)))
            continue;
        if (area == KPI_FOCUS_LARGE_POOR || area == KPI_FOCUS_SLOW_KICKOFF) {
            err = add_candidate(l, i, (enum kpi_focus)area, -1,
                                customer_detail(b, c, t, (enum kpi_focus)area));
            continue;
        }
        for (uint32_t k = c->first_row;
             k < c->first_row + c->n_rows && err == FTK_OK; k++) {
            const struct fact_workload *r = &f->row[k];
            bool hit =
                r->core && ((area == KPI_FOCUS_PLATEAU && r->plateau) ||
                            (area == KPI_FOCUS_LOSER && r->loser) ||
                            (area == KPI_FOCUS_SLOW_ENABLE && r->slow_enable) ||
                            (area == KPI_FOCUS_SLOW_RAMP && r->slow_ramp));
            if (hit)
                err = add_candidate(l, i, (enum kpi_focus)area, r->workload,
                                    row_detail(b, r, t, (enum kpi_focus)area));
        }
    }
    return err;
}

/* Sorts f->candidate, each customer's contiguous and in facts order, in
 * cohort_candidates.csv's order (candidate_cmp); region: each customer's
 * region rank. */
static enum ftk_error rank_candidates(struct build *b, const uint32_t *region)
{
    struct facts *f = b->f;
    struct candidate_order o = {.f = f, .region = region};
    /* no workload: the empty code, before every other */
    o.code[0] = -1;
    for (int k = 0; k < b->cfg->n_workloads; k++)
        o.code[f->workload_order[k] + 1] = k;
    return order_candidates(f, &o);
}

/* A place in a worst-first list: ascending k1, then k2, then index (so
 * ties keep facts order). */
struct order_key {
    int64_t k1, k2;
    uint32_t index;
};

static int order_cmp(const void *a, const void *b)
{
    const struct order_key *x = a, *y = b;
    if (x->k1 != y->k1)
        return x->k1 < y->k1 ? -1 : 1;
    if (x->k2 != y->k2)
        return x->k2 < y->k2 ? -1 : 1;
    return x->index < y->index ? -1 : x->index > y->index;
}

static const unsigned velocity_areas = (1u << KPI_FOCUS_SLOW_KICKOFF) |
                                       (1u << KPI_FOCUS_SLOW_ENABLE) |
                                       (1u << KPI_FOCUS_SLOW_RAMP);

static int64_t later(int64_t m, int32_t days)
{
    return days != KPI_NO_DAYS && days > m ? days : m;
}

/* The largest velocity figure of a core row, or INT64_MIN. */
static int64_t row_slowest(const struct fact_workload *row)
{
    int64_t m = later(INT64_MIN, row->days_kickoff_to_enable);
    for (int i = 0; i < KPI_MILESTONES; i++)
        m = later(m, row->days_to[i]);
    return m;
}

/* The largest velocity figure of a customer and one of its core rows
 * (row may be NULL), or INT64_MIN when none is known. */
static int64_t slowest(const struct fact_customer *c,
                       const struct fact_workload *row)
{
    int64_t m = later(INT64_MIN, c->days_to_kickoff);
    m = later(m, c->days_to_gateway);
    if (row) {
        int64_t r = row_slowest(row);
        m = r > m ? r : m;
    }
    return m;
}

/* The velocity focus areas of a customer and one of its core rows. */
static unsigned velocity_focus(const struct fact_customer *c,
                               const struct fact_workload *row)
{
    unsigned m = c->focus & (1u << KPI_FOCUS_SLOW_KICKOFF);
    if (row && row->slow_enable)
        m |= 1u << KPI_FOCUS_SLOW_ENABLE;
    if (row && row->slow_ramp)
        m |= 1u << KPI_FOCUS_SLOW_RAMP;
    return m;
}

/* A string being joined; p is NUL-terminated once anything was added. */
struct join {
    char *p;
    size_t len, cap;
};

static bool join_add(struct join *j, const char *s)
{
    size_t n = strlen(s);
    char *p = grow_array(j->p, &j->cap, j->len + n + 1, 1);
    if (!p)
        return false;
    j->p = p;
    memcpy(p + j->len, s, n + 1);
    j->len += n;
    return true;
}

/* The findings of a velocity line (struct fact_velocity): the details of
 * the velocity candidates among cand[0 .. n) (one customer's, in facts
 * order) whose workload is w or none. One detail is shared with its
 * candidate; several are joined in strings. NULL when out of memory. */
static const char *velocity_findings(struct arena *strings,
                                     const struct fact_candidate *cand,
                                     size_t n, int w, struct join *j)
{
    const char *first = "";
    size_t found = 0;
    bool ok = true;
    j->len = 0;
    for (size_t k = 0; ok && k < n; k++) {
        const struct fact_candidate *cd = &cand[k];
        if (!(velocity_areas & (1u << cd->area)) ||
            (cd->workload >= 0 && cd->workload != w))
            continue;
        if (found++ == 0) {
            first = cd->detail;
            continue;
        }
        if (found == 2)
            ok = join_add(j, first);
        ok = ok && join_add(j, "; ") && join_add(j, cd->detail);
    }
    if (!ok)
        return NULL;
    return found < 2 ? first : arena_strndup(strings, j->p, j->len);
}

/* Velocity lines being made, line[0 .. n), each with its place in the
 * order, key[k] for line k (index: k). */
struct velocity_list {
    struct fact_velocity *line;
    struct order_key *key;
    size_t n, cap_line, cap_key;
    struct join findings; /* scratch */
};

static void velocity_list_release(struct velocity_list *l)
{
    free(l->line);
    free(l->key);
    free(l->findings.p);
    memset(l, 0, sizeof(*l));
}

/* The velocity lines of customer i (its rows where its first_row says;
 * row: the index into f->row), added to l in facts order, with the
 * findings from its candidates cand[0 .. n_cand) in facts order; findings
 * of several details are joined in strings. */
static enum ftk_error customer_velocity(const struct facts *f,
                                        struct arena *strings, uint32_t i,
                                        const struct fact_candidate *cand,
                                        size_t n_cand, struct velocity_list *l)
{
    const struct fact_customer *c = &f->customer[i];
    size_t need = l->n + c->n_rows + 1;
    struct fact_velocity *line =
        grow_array(l->line, &l->cap_line, need, sizeof(*line));
    if (line)
        l->line = line;
    struct order_key *key = grow_array(l->key, &l->cap_key, need, sizeof(*key));
    if (key)
        l->key = key;
    if (!line || !key)
        return FTK_E_NOMEM;
    bool any = false;
    /* k == first_row + n_rows: the customer alone, when no row made a
     * line */
    for (uint32_t k = c->first_row; k <= c->first_row + c->n_rows; k++) {
        const struct fact_workload *row = NULL;
        if (k < c->first_row + c->n_rows) {
            row = &f->row[k];
            if (!row->core || (!row->slow_enable && !row->slow_ramp &&
                               row_slowest(row) == INT64_MIN))
                continue;
            any = true;
        } else if (any) {
            break;
        }
        unsigned focus = velocity_focus(c, row);
        int64_t slow = slowest(c, row);
        if (!focus && slow == INT64_MIN)
            continue;
        size_t n = l->n;
        line[n] = (struct fact_velocity){
            .customer = i,
            .row = row ? (int64_t)k : -1,
            .focus = focus,
        };
        line[n].findings = velocity_findings(
            strings, cand, n_cand, row ? row->workload : -1, &l->findings);
        if (!line[n].findings)
            return FTK_E_NOMEM;
        key[n] = (struct order_key){
            focus ? 0 : 1, slow == INT64_MIN ? INT64_MAX : -slow, (uint32_t)n};
        l->n++;
    }
    return FTK_OK;
}

/* The Velocity sheet's lines, ordered (struct facts says how), from the
 * customers and their candidates already in f (sorted: each customer's
 * contiguous, in facts order). */
static enum ftk_error velocity_lines(struct facts *f)
{
    size_t n_cust = f->n_customers ? f->n_customers : 1;
    uint32_t *first = malloc(n_cust * sizeof(*first));
    uint32_t *count = calloc(n_cust, sizeof(*count));
    struct velocity_list l = {0};
    enum ftk_error err = FTK_E_NOMEM;
    if (!first || !count)
        goto out;
    for (size_t k = 0; k < f->n_candidates; k++)
        if (count[f->candidate[k].customer]++ == 0)
            first[f->candidate[k].customer] = (uint32_t)k;
    err = FTK_OK;
    for (uint32_t i = 0; i < f->n_customers && err == FTK_OK; i++)
        err = customer_velocity(f, &f->strings, i,
                                count[i] ? &f->candidate[first[i]] : NULL,
                                count[i], &l);
    if (err != FTK_OK)
        goto out;
    err = FTK_E_NOMEM;
    sort_array(l.key, l.n, sizeof(*l.key), order_cmp);
    f->velocity = malloc((l.n + 1) * sizeof(*f->velocity));
    if (!f->velocity)
        goto out;
    for (size_t i = 0; i < l.n; i++)
        f->velocity[f->n_velocity++] = l.line[l.key[i].index];
    err = FTK_OK;
out:
    free(first);
    free(count);
    velocity_list_release(&l);
    return err;
}

/* The places of rows in the plateau and loser lists (struct facts says
 * how they are ordered; index: the row's in f->row), room for cap each. */
struct row_keys {
    struct order_key *plateau, *loser;
    size_t n_plateau, n_losers;
};

static void row_keys_release(struct row_keys *k)
{
    free(k->plateau);
    free(k->loser);
    memset(k, 0, sizeof(*k));
}

/* Room for n rows' keys in k (empty); false when out of memory. */
static bool row_keys_start(struct row_keys *k, size_t n)
{
    k->plateau = malloc((n ? n : 1) * sizeof(*k->plateau));
    k->loser = malloc((n ? n : 1) * sizeof(*k->loser));
    k->n_plateau = k->n_losers = 0;
    return k->plateau && k->loser;
}

static void add_row_keys(struct row_keys *k, const struct fact_workload *r,
                         uint32_t index)
{
    /* plateau: longest first */
    if (r->plateau)
        k->plateau[k->n_plateau++] =
            (struct order_key){-r->plateau_months, 0, index};
    /* biggest losers: the core LOSER rows, most negative delta first */
    if (r->core && r->loser && r->has_delta_3m)
        k->loser[k->n_losers++] = (struct order_key){r->delta_3m, 0, index};
}

static void sort_row_keys(struct row_keys *k)
{
    sort_array(k->plateau, k->n_plateau, sizeof(*k->plateau), order_cmp);
    sort_array(k->loser, k->n_losers, sizeof(*k->loser), order_cmp);
}

/* The plateau and loser lists of f from its rows' keys, sorted. */
static enum ftk_error row_lists_from(struct facts *f, const struct row_keys *k)
{
    f->plateau = malloc((k->n_plateau + 1) * sizeof(*f->plateau));
    f->loser = malloc((k->n_losers + 1) * sizeof(*f->loser));
    if (!f->plateau || !f->loser)
        return FTK_E_NOMEM;
    for (size_t i = 0; i < k->n_plateau; i++)
        f->plateau[i] = k->plateau[i].index;
    for (size_t i = 0; i < k->n_losers; i++)
        f->loser[i] = k->loser[i].index;
    f->n_plateau = k->n_plateau;
    f->n_losers = k->n_losers;
    return FTK_OK;
}

/* The plateau and loser lists, from one pass over the rows. */
static enum ftk_error row_lists(struct facts *f)
{
    struct row_keys k;
    enum ftk_error err = FTK_E_NOMEM;
    if (row_keys_start(&k, f->n_rows)) {
        for (size_t i = 0; i < f->n_rows; i++)
            add_row_keys(&k, &f->row[i], (uint32_t)i);
        sort_row_keys(&k);
        err = row_lists_from(f, &k);
    }
    row_keys_release(&k);
    return err;
}

/* What one part of the tenants (facts_build_threads) adds to the lists
 * of struct facts, made on its thread: its customers' candidates in facts
 * order, their velocity lines and the plateau and loser places of their
 * rows, each list of keys sorted there. Rows are named by their place in
 * f->row before the join moved the part's rows up by shift. */
struct part_lists {
    struct candidate_list candidates;
    /* its customers' runs of candidates, sorted (candidate_run_cmp) */
    struct candidate_run *runs;
    size_t n_runs, cap_runs;
    struct velocity_list velocity;
    struct row_keys rows;
    struct tally tally;
    size_t shift;
};

static void part_lists_release(struct part_lists *l)
{
    tally_release(&l->tally);
    free(l->candidates.p);
    free(l->runs);
    velocity_list_release(&l->velocity);
    row_keys_release(&l->rows);
}

/* Worst-first keys by k1 and k2 alone: merging the parts' sorted keys
 * with it leaves ties in part order, which is facts order. */
static int order_cmp_keys(const void *a, const void *b)
{
    const struct order_key *x = a, *y = b;
    if (x->k1 != y->k1)
        return x->k1 < y->k1 ? -1 : 1;
    return (x->k2 > y->k2) - (x->k2 < y->k2);
}

/* The candidates (in their order), velocity lines, plateaus and losers of
 * f from its parts' lists, joined in part order and their sorted runs and
 * keys merged: the lists of one walk over all the customers. */
static enum ftk_error join_lists(struct facts *f, const struct part_lists *l,
                                 size_t n_parts)
{
    size_t n_cand = 0, n_runs = 0, n_lines = 0, n_plateau = 0, n_losers = 0;
    for (size_t k = 0; k < n_parts; k++) {
        n_cand += l[k].candidates.n;
        n_runs += l[k].n_runs;
        n_lines += l[k].velocity.n;
        n_plateau += l[k].rows.n_plateau;
        n_losers += l[k].rows.n_losers;
    }
    size_t most = n_lines > n_plateau ? n_lines : n_plateau;
    most = most > n_losers ? most : n_losers;
    most = (most > n_runs ? most : n_runs) + 1;
    struct sort_place *place = malloc(most * sizeof(*place));
    f->candidate = malloc((n_cand + 1) * sizeof(*f->candidate));
    f->velocity = malloc((n_lines + 1) * sizeof(*f->velocity));
    f->plateau = malloc((n_plateau + 1) * sizeof(*f->plateau));
    f->loser = malloc((n_losers + 1) * sizeof(*f->loser));
    if (!place || !f->candidate || !f->velocity || !f->plateau || !f->loser) {
        free(place);
        return FTK_E_NOMEM;
    }
    const void *runs[MAX_PARTS] = {NULL};
    size_t n[MAX_PARTS] = {0};
    /* candidates: the parts' runs merged, each copied once, in order */
    for (size_t k = 0; k < n_parts; k++) {
        runs[k] = l[k].runs;
        n[k] = l[k].n_runs;
    }
    sort_merge_places(runs, n, n_parts, sizeof(*l->runs), candidate_run_cmp,
                      place);
    for (size_t i = 0; i < n_runs; i++) {
        const struct candidate_run *r = &l[place[i].run].runs[place[i].index];
        memcpy(&f->candidate[f->n_candidates], r->list + r->at,
               r->n * sizeof(*f->candidate));
        f->n_candidates += r->n;
    }
    /* velocity lines, their rows moved up with the part's */
    for (size_t k = 0; k < n_parts; k++) {
        runs[k] = l[k].velocity.key;
        n[k] = l[k].velocity.n;
    }
    sort_merge_places(runs, n, n_parts, sizeof(*l->velocity.key),
                      order_cmp_keys, place);
    for (size_t i = 0; i < n_lines; i++) {
        const struct part_lists *p = &l[place[i].run];
        struct fact_velocity *v = &f->velocity[i];
        *v = p->velocity.line[p->velocity.key[place[i].index].index];
        if (v->row >= 0)
            v->row -= (int64_t)p->shift;
    }
    f->n_velocity = n_lines;
    /* plateaus, then losers: row indices, moved up with their rows */
    for (size_t k = 0; k < n_parts; k++) {
        runs[k] = l[k].rows.plateau;
        n[k] = l[k].rows.n_plateau;
    }
    sort_merge_places(runs, n, n_parts, sizeof(*l->rows.plateau),
                      order_cmp_keys, place);
    for (size_t i = 0; i < n_plateau; i++) {
        const struct part_lists *p = &l[place[i].run];
        f->plateau[i] =
            p->rows.plateau[place[i].index].index - (uint32_t)p->shift;
    }
    f->n_plateau = n_plateau;
    for (size_t k = 0; k < n_parts; k++) {
        runs[k] = l[k].rows.loser;
        n[k] = l[k].rows.n_losers;
    }
    sort_merge_places(runs, n, n_parts, sizeof(*l->rows.loser), order_cmp_keys,
                      place);
    for (size_t i = 0; i < n_losers; i++) {
        const struct part_lists *p = &l[place[i].run];
        f->loser[i] = p->rows.loser[place[i].index].index - (uint32_t)p->shift;
    }
    f->n_losers = n_losers;
    free(place);
    return FTK_OK;
}

/* The candidates and the worst-first lists of struct facts: from the
 * parts' lists when b has them (facts_build_threads), else made here from
 * the customers and rows in f. region: each customer's region rank. */
static enum ftk_error lists(struct build *b, const uint32_t *region)
{
    struct facts *f = b->f;
    enum ftk_error err = FTK_OK;
    if (b->n_parts > 0) {
        /* the parts ranked their candidates' runs by region */
        return join_lists(f, b->parts, b->n_parts);
    }
    struct candidate_list l = {0};
    for (uint32_t i = 0; i < f->n_customers && err == FTK_OK; i++)
        err = customer_candidates(b, i, &l);
    f->candidate = l.p;
    f->n_candidates = l.n;
    if (err == FTK_OK)
        err = rank_candidates(b, region);
    if (err == FTK_OK)
        err = velocity_lines(f);
    if (err == FTK_OK)
        err = row_lists(f);
    return err;
}

/* The facts start empty for st and as_of_month. */
static void facts_start(struct facts *f, const struct store *st,
                        int32_t as_of_month)
{
    memset(f, 0, sizeof(*f));
    arena_init(&f->strings);
    f->st = st;
    f->as_of_month = as_of_month;
    f->month_end = kpi_month_last_day(as_of_month);
    f->latest_snapshot = KPI_NO_DATE;
    f->latest_entitlement = KPI_NO_DATE;
}

/* Everything of struct facts that is computed from the customers and
 * their rows already in f (not from the other customers of the store):
 * the counts, the freshness dates, the portfolio with its 12-month series
 * and goals, the candidates, the worst-first lists and the roll-ups.
 * facts_build and facts_subset both end here, so the facts of a subset
 * are those of a store holding only its customers. */
static enum ftk_error aggregate(struct build *b)
{
    struct facts *f = b->f;
    struct tally all;
    bool ok;
    if (b->n_parts > 0) {
        /* part 0's tally, the others' added behind it */
        all = b->parts[0].tally;
        memset(&b->parts[0].tally, 0, sizeof(all));
        ok = true;
        for (size_t k = 1; k < b->n_parts && ok; k++)
            ok = tally_join(&all, &b->parts[k].tally);
    } else {
        ok = tally_start(&all, b->cfg->n_workloads);
        for (size_t i = 0; i < f->n_customers && ok; i++)
            ok = tally_customer(&all, f, &f->customer[i]);
    }
    /* the parts made the 12-month series with their rows */
    enum ftk_error months = FTK_OK;
    if (ok && b->n_parts == 0)
        months = series_months(b, all.trend);
    memcpy(f->health_count, all.health_count, sizeof(f->health_count));
    f->latest_snapshot = all.latest_snapshot;
    f->latest_entitlement = all.latest_entitlement;
    /* each customer's region by rank, for the candidates' order and the
     * roll-ups */
    uint32_t *region =
        malloc((f->n_customers ? f->n_customers : 1) * sizeof(*region));
    enum ftk_error err = !ok || !region ? FTK_E_NOMEM : months;
    if (err == FTK_OK && b->tenant_region) {
        for (size_t i = 0; i < f->n_customers; i++)
            region[i] = b->tenant_region[f->customer[i].tenant];
    } else if (err == FTK_OK) {
        err = facts_customer_ranks(f, false, region);
    }
    if (err == FTK_OK)
        err = portfolio(b, &all);
    if (err == FTK_OK)
        err = lists(b, region);
    if (err == FTK_OK)
        err = facts_rollup_build(f, region);
    free(region);
    tally_release(&all);
    return err;
}

/* A tenant in tenant_id byte order: key holds the id's bytes skip ..
 * skip + 7 (those past its end 0), big-endian, so that comparing keys
 * compares those bytes as strcmp does; rest is the id past them, NULL when
 * the id ends within them (then equal keys are equal ids). */
struct tenant_key {
    uint64_t key;
    const char *rest;
    uint32_t tenant;
};

static int tenant_key_cmp(const void *a, const void *b)
{
    const struct tenant_key *x = a, *y = b;
    if (x->key != y->key)
        return x->key < y->key ? -1 : 1;
    int c = x->rest && y->rest ? strcmp(x->rest, y->rest) : 0;
    if (c != 0)
        return c;
    return (x->tenant > y->tenant) - (x->tenant < y->tenant);
}

/* The tenants from .. to - 1 of a store, keyed and sorted on one thread. */
struct order_part {
    const struct store *st;
    size_t skip; /* bytes every id starts with */
    struct tenant_key *key;
    size_t from, to;
};

static void *order_of_part(void *arg)
{
    struct order_part *p = arg;
    for (size_t i = p->from; i < p->to; i++) {
        const char *id = p->st->tenant[i].id + p->skip;
        uint64_t k = 0;
        size_t n = 0;
        while (n < 8 && id[n])
            k |= (uint64_t)(unsigned char)id[n] << (56 - 8 * n), n++;
        p->key[i] = (struct tenant_key){k, n == 8 ? id + 8 : NULL, (uint32_t)i};
    }
    sort_array(p->key + p->from, p->to - p->from, sizeof(*p->key),
               tenant_key_cmp);
    return NULL;
}

/* The store's tenants by tenant_id bytes, as strcmp orders them, into
 * order: keys made of the bytes after the prefix all ids share, sorted in
 * up to `threads` parts on threads of their own, then merged. */
static enum ftk_error tenant_order(const struct store *st, unsigned threads,
                                   uint32_t *order)
{
    size_t n = st->n_tenants;
    struct tenant_key *key = malloc((n ? n : 1) * sizeof(*key));
    struct sort_place *place = malloc((n ? n : 1) * sizeof(*place));
    if (!key || !place) {
        free(key);
        free(place);
        return FTK_E_NOMEM;
    }
    /* the prefix every id shares, so that the keys hold the bytes that
     * tell ids apart (UUID-like ids may share their first bytes) */
    size_t skip = n ? strlen(st->tenant[0].id) : 0;
    for (size_t i = 1; i < n && skip > 0; i++) {
        const char *a = st->tenant[0].id, *b = st->tenant[i].id;
        size_t k = 0;
        while (k < skip && a[k] == b[k])
            k++;
        skip = k;
    }
    size_t n_parts = parts_of(threads, n);
    struct order_part part[MAX_PARTS];
    const void *runs[MAX_PARTS];
    size_t len[MAX_PARTS];
    for (size_t k = 0; k < n_parts; k++) {
        part[k] = (struct order_part){st, skip, key, n * k / n_parts,
                                      n * (k + 1) / n_parts};
        runs[k] = key + part[k].from;
        len[k] = part[k].to - part[k].from;
    }
    run_parts(part, n_parts, sizeof(*part), order_of_part);
    sort_merge_places(runs, len, n_parts, sizeof(*key), tenant_key_cmp, place);
    for (size_t i = 0; i < n; i++)
        order[i] = key[part[place[i].run].from + place[i].index].tenant;
    free(key);
    free(place);
    return FTK_OK;
}

/* The store's tenants by tenant_id bytes (*order, owned by the caller;
 * sorted on up to `threads` threads), the workloads by code, and room for
 * a customer row per tenant. */
static enum ftk_error start_orders(struct facts *f, const struct store *st,
                                   unsigned threads, uint32_t **order)
{
    const struct config *cfg = st->cfg;
    *order = malloc((st->n_tenants ? st->n_tenants : 1) * sizeof(**order));
    f->workload_order =
        malloc((size_t)cfg->n_workloads * sizeof(*f->workload_order));
    f->customer =
        calloc(st->n_tenants ? st->n_tenants : 1, sizeof(*f->customer));
    if (!*order || !f->workload_order || !f->customer)
        return FTK_E_NOMEM;
    for (int w = 0; w < cfg->n_workloads; w++)
        f->workload_order[w] = w;
    /* qsort_r's context is not const: the comparator only reads it */
    sort_array_r(f->workload_order, (size_t)cfg->n_workloads,
                 sizeof(*f->workload_order), code_cmp, (void *)st);
    return tenant_order(st, threads, *order);
}

/* The customers among the tenants at order[from .. to) and their series
 * (room for their rows), counted on one thread. */
struct count_part {
    const struct store *st;
    const uint32_t *order;
    uint32_t from, to;
    size_t customers, rows, core;
};

static void *count_of_part(void *arg)
{
    struct count_part *p = arg;
    const struct store *st = p->st;
    for (uint32_t i = p->from; i < p->to; i++) {
        if (st->tenant[p->order[i]].foreign)
            continue;
        p->customers++;
        for (int w = 0; w < st->cfg->n_workloads; w++) {
            bool has = store_series_of(st, p->order[i], w) != NULL;
            p->rows += has;
            p->core += has && st->cfg->workload[w].core;
        }
    }
    return NULL;
}

/* The customer and workload rows of the tenants at order[from .. to), on
 * one thread: its customers go to f->customer from first_customer on,
 * its rows to f->row from first_row on (room for every series of its
 * tenants: row_room), its rows' tags and its candidates' details to its
 * build's strings, its customers' candidates and worst-first places to
 * lists. */
struct tenant_part {
    struct build b;
    struct arena strings; /* the build's strings, but for part 0's */
    const uint32_t *order;
    uint32_t from, to;
    size_t first_customer, n_customers;
    size_t first_row, n_rows, row_room;
    size_t first_au, n_au; /* its core rows' AU months in f->au_months */
    struct part_lists *lists;
    enum ftk_error err;
};

/* The lists of a part's customer c (index i), its rows just made. */
static enum ftk_error customer_lists(struct tenant_part *p, uint32_t i,
                                     const struct fact_customer *c)
{
    struct build *b = &p->b;
    struct part_lists *l = p->lists;
    size_t first = l->candidates.n;
    enum ftk_error err = customer_candidates(b, i, &l->candidates);
    size_t n = l->candidates.n - first;
    if (err == FTK_OK && n > 0) {
        struct candidate_run *r =
            grow_array(l->runs, &l->cap_runs, l->n_runs + 1, sizeof(*r));
        if (!r)
            return FTK_E_NOMEM;
        l->runs = r;
        /* list: set when the part's candidates stop moving */
        r[l->n_runs++] = (struct candidate_run){b->tenant_region[c->tenant],
                                                c->users_to_goal,
                                                i,
                                                (uint32_t)first,
                                                (uint32_t)n,
                                                NULL};
    }
    if (err == FTK_OK)
        err = customer_velocity(b->f, b->strings, i, l->candidates.p + first, n,
                                &l->velocity);
    for (uint32_t k = c->first_row; k < c->first_row + c->n_rows; k++)
        add_row_keys(&l->rows, &b->f->row[k], k);
    return err;
}

static void *rows_of_part(void *arg)
{
    struct tenant_part *p = arg;
    struct build *b = &p->b;
    struct facts *f = b->f;
    const struct store *st = f->st;
    const struct config *cfg = b->cfg;
    p->err = FTK_OK;
    if (!row_keys_start(&p->lists->rows, p->row_room) ||
        !tally_start(&p->lists->tally, cfg->n_workloads)) {
        p->err = FTK_E_NOMEM;
        return NULL;
    }
    /* series looked at, told to the progress line every 1024 tenants */
    uint64_t seen = 0;
    for (uint32_t i = p->from; i < p->to; i++) {
        if (i % 1024 == 1023) {
            progress_add(st->progress, seen);
            seen = 0;
        }
        uint32_t tenant = p->order[i];
        const struct store_tenant *t = &st->tenant[tenant];
        if (t->foreign)
            continue;
        struct fact_customer *c =
            &f->customer[p->first_customer + p->n_customers++];
        c->tenant = tenant;
        c->first_row = (uint32_t)(p->first_row + p->n_rows);
        month_sums core = {{0}};
        for (int k = 0; k < cfg->n_workloads; k++) {
            const struct store_series *s =
                store_series_of(st, tenant, f->workload_order[k]);
            seen += s != NULL;
            if (!s || !in_window(s, f->as_of_month, f->month_end))
                continue;
            struct fact_workload *r = &f->row[p->first_row + p->n_rows++];
            p->err = workload_row(b, s, t, r);
            if (p->err != FTK_OK)
                return NULL;
            struct fact_months *am = NULL;
            if (r->core)
                r->au_months = am = &f->au_months[p->first_au + p->n_au++];
            row_trend(b, r, am, core, p->lists->tally.trend);
        }
        pooled_months(core, &c->core_au_months);
        c->n_rows = (uint32_t)(p->first_row + p->n_rows) - c->first_row;
        customer_row(b, t, c);
        if (!tally_customer(&p->lists->tally, f, c)) {
            p->err = FTK_E_NOMEM;
            return NULL;
        }
        p->err = customer_lists(p, (uint32_t)(c - f->customer), c);
        if (p->err != FTK_OK)
            return NULL;
    }
    progress_add(st->progress, seen);
    struct part_lists *l = p->lists;
    for (size_t k = 0; k < l->n_runs; k++)
        l->runs[k].list = l->candidates.p;
    sort_array(l->runs, l->n_runs, sizeof(*l->runs), candidate_run_cmp);
    sort_array(p->lists->velocity.key, p->lists->velocity.n,
               sizeof(*p->lists->velocity.key), order_cmp);
    sort_row_keys(&p->lists->rows);
    return NULL;
}

enum ftk_error facts_build(struct facts *f, const struct store *st,
                           int32_t as_of_month, struct ftk_diag *diag)
{
    return facts_build_threads(f, st, as_of_month, 1, diag);
}

enum ftk_error facts_build_threads(struct facts *f, const struct store *st,
                                   int32_t as_of_month, unsigned threads,
                                   struct ftk_diag *diag)
{
    facts_start(f, st, as_of_month);
    const struct config *cfg = st->cfg;
    struct build b;
    build_start(&b, f, cfg);
    b.threads = threads;
    uint32_t *order = NULL, *region = NULL;
    enum ftk_error err = start_orders(f, st, threads, &order);
    size_t row_cap = st->n_series ? st->n_series : 1;
    f->row = malloc(row_cap * sizeof(*f->row));
    if (err != FTK_OK || !f->row) {
        err = FTK_E_NOMEM;
        goto out;
    }

    /* The tenants in b.threads contiguous parts of order, each on a
     * thread, then each part's rows moved up behind the last's: the rows
     * and customers of one walk, in the same order. */
    size_t n_parts = parts_of(b.threads, st->n_tenants);
    struct tenant_part part[MAX_PARTS];
    struct part_lists lists[MAX_PARTS];
    memset(part, 0, n_parts * sizeof(*part));
    memset(lists, 0, n_parts * sizeof(*lists));
    struct count_part count[MAX_PARTS];
    for (size_t k = 0; k < n_parts; k++)
        count[k] = (struct count_part){
            .st = st,
            .order = order,
            .from = (uint32_t)(st->n_tenants * k / n_parts),
            .to = (uint32_t)(st->n_tenants * (k + 1) / n_parts)};
    run_parts(count, n_parts, sizeof(*count), count_of_part);
    size_t customers = 0, rows = 0, core = 0;
    for (size_t k = 0; k < n_parts; k++) {
        struct tenant_part *p = &part[k];
        p->b = b;
        arena_init(&p->strings);
        if (k > 0)
            p->b.strings = &p->strings;
        p->order = order;
        p->lists = &lists[k];
        p->from = count[k].from;
        p->to = count[k].to;
        p->first_customer = customers;
        p->first_row = rows;
        p->row_room = count[k].rows;
        p->first_au = core;
        customers += count[k].customers;
        rows += count[k].rows;
        core += count[k].core;
    }
    f->au_months = calloc(core ? core : 1, sizeof(*f->au_months));
    if (!f->au_months) {
        err = FTK_E_NOMEM;
        goto out;
    }
    /* the tenants' region ranks, for the parts' candidate order */
    region = malloc((st->n_tenants ? st->n_tenants : 1) * sizeof(*region));
    err = region ? facts_tenant_ranks(st, false, region) : FTK_E_NOMEM;
    if (err != FTK_OK)
        goto out;
    for (size_t k = 0; k < n_parts; k++)
        part[k].b.tenant_region = region;
    b.tenant_region = region;
    run_parts(part, n_parts, sizeof(*part), rows_of_part);
    for (size_t k = 0; k < n_parts; k++) {
        struct tenant_part *p = &part[k];
        if (err == FTK_OK)
            err = p->err;
        if (k == 0)
            b.vals = p->b.vals, b.vals_cap = p->b.vals_cap;
        else
            free(p->b.vals);
        arena_adopt(&f->strings, &p->strings);
        if (err != FTK_OK)
            continue;
        size_t shift = p->first_row - f->n_rows;
        lists[k].shift = shift;
        if (shift > 0) {
            memmove(&f->row[f->n_rows], &f->row[p->first_row],
                    p->n_rows * sizeof(*f->row));
            for (size_t i = 0; i < p->n_customers; i++)
                f->customer[p->first_customer + i].first_row -= (uint32_t)shift;
        }
        /* the core rows' AU months likewise, and the rows' pointers */
        size_t au_shift = p->first_au - f->n_au_months;
        if (au_shift > 0) {
            memmove(&f->au_months[f->n_au_months], &f->au_months[p->first_au],
                    p->n_au * sizeof(*f->au_months));
            for (size_t i = f->n_rows; i < f->n_rows + p->n_rows; i++)
                if (f->row[i].au_months)
                    f->row[i].au_months -= au_shift;
        }
        f->n_au_months += p->n_au;
        f->n_rows += p->n_rows;
        f->n_customers += p->n_customers;
    }
    b.parts = lists;
    b.n_parts = n_parts;
    if (err == FTK_OK)
        err = aggregate(&b);
    for (size_t k = 0; k < n_parts; k++)
        part_lists_release(&lists[k]);
out:
    free(order);
    free(region);
    free(b.vals);
    if (err != FTK_OK) {
        facts_release(f);
        return ftk_fail(diag, err, "computing the KPIs: %s", ftk_strerror(err));
    }
    return FTK_OK;
}

enum ftk_error facts_from_rows(struct facts *out, const struct store *st,
                               int32_t as_of_month, struct fact_workload *row,
                               size_t n_rows, struct ftk_diag *diag)
{
    facts_start(out, st, as_of_month);
    out->row = row;
    out->n_rows = n_rows;
    struct build b;
    build_start(&b, out, st->cfg);
    uint32_t *order = NULL;
    size_t at = 0;
    enum ftk_error err = start_orders(out, st, 1, &order);
    for (uint32_t i = 0; i < st->n_tenants && err == FTK_OK; i++) {
        const struct store_tenant *t = &st->tenant[order[i]];
        if (t->foreign)
            continue;
        struct fact_customer *c = &out->customer[out->n_customers++];
        c->tenant = order[i];
        c->first_row = (uint32_t)at;
        while (at < n_rows && row[at].tenant == order[i])
            at++;
        c->n_rows = (uint32_t)at - c->first_row;
        customer_row(&b, t, c);
    }
    free(order);
    if (err != FTK_OK) {
        facts_release(out);
        return ftk_fail(diag, err, "computing the KPIs: %s", ftk_strerror(err));
    }
    if (at < n_rows) {
        const char *id = row[at].tenant < st->n_tenants
                             ? st->tenant[row[at].tenant].id
                             : "?";
        facts_release(out);
        return ftk_fail(diag, FTK_E_DATA,
                        "workload row %zu (tenant '%s') is not in tenant "
                        "order or its tenant is not a customer",
                        at + 1, id);
    }
    err = aggregate(&b);
    free(b.vals);
    if (err != FTK_OK) {
        facts_release(out);
        return ftk_fail(diag, err, "computing the KPIs: %s", ftk_strerror(err));
    }
    return FTK_OK;
}

enum ftk_error facts_subset(struct facts *out, const struct facts *all,
                            const uint32_t *customers, size_t n,
                            struct ftk_diag *diag)
{
    facts_start(out, all->st, all->as_of_month);
    const struct config *cfg = all->st->cfg;
    struct build b;
    build_start(&b, out, cfg);
    enum ftk_error err = FTK_E_NOMEM;
    size_t n_rows = 0;
    for (size_t i = 0; i < n; i++) {
        if (customers[i] >= all->n_customers ||
            (i > 0 && customers[i] <= customers[i - 1])) {
            facts_release(out);
            return ftk_fail(diag, FTK_E_USAGE,
                            "facts subset: customer %zu: index %lu not "
                            "ascending or past the %zu customers",
                            i, (unsigned long)customers[i], all->n_customers);
        }
        n_rows += all->customer[customers[i]].n_rows;
    }
    out->workload_order =
        malloc((size_t)cfg->n_workloads * sizeof(*out->workload_order));
    out->customer = malloc((n ? n : 1) * sizeof(*out->customer));
    out->row = malloc((n_rows ? n_rows : 1) * sizeof(*out->row));
    if (!out->workload_order || !out->customer || !out->row)
        goto out;
    memcpy(out->workload_order, all->workload_order,
           (size_t)cfg->n_workloads * sizeof(*out->workload_order));
    for (size_t i = 0; i < n; i++) {
        const struct fact_customer *c = &all->customer[customers[i]];
        struct fact_customer *o = &out->customer[out->n_customers++];
        *o = *c;
        o->first_row = (uint32_t)out->n_rows;
        memcpy(&out->row[out->n_rows], &all->row[c->first_row],
               c->n_rows * sizeof(*out->row));
        /* aggregate gives the core rows months of the subset's own */
        for (uint32_t k = 0; k < c->n_rows; k++)
            out->row[out->n_rows + k].au_months = NULL;
        out->n_rows += c->n_rows;
    }
    err = aggregate(&b);
out:
    free(b.vals);
    if (err != FTK_OK) {
        facts_release(out);
        return ftk_fail(diag, err, "computing the KPIs of %zu customers: %s", n,
                        ftk_strerror(err));
    }
    return FTK_OK;
}

void facts_release(struct facts *f)
{
    free(f->row);
    free(f->customer);
    free(f->portfolio);
    free(f->au_months);
    free(f->goal);
    free(f->region);
    free(f->fm);
    free(f->candidate_customer);
    free(f->candidate);
    free(f->velocity);
    free(f->plateau);
    free(f->loser);
    free(f->workload_order);
    arena_release(&f->strings);
    memset(f, 0, sizeof(*f));
}
