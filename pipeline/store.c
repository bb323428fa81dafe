/*
 * pipeline/store.c - interning, snapshots and month slots.
 */
#include "store.h"

#include <stdlib.h>
#include <string.h>

#include "kpi/date.h"
#include "pipeline/base/grow.h"
#include "pipeline/base/sort.h"
#include "pipeline/base/testing.h"

static uint64_t hash_bytes(const char *s, size_t len)
{
    uint64_t h = UINT64_C(1469598103934665603);
    for (size_t i = 0; i < len; i++) {
        h ^= (unsigned char)s[i];
        h *= UINT64_C(1099511628211);
    }
    return h ^ (h >> 29);
}

/* grow_array on the store's uint32_t counts: a series is counted in 32 bits
 * to keep it small (there is one per tenant and workload). need is taken
 * as size_t so that n + 1 cannot wrap; more than UINT32_MAX elements is
 * refused like an allocation that failed. grow_array grows by half again:
 * most series hold a few snapshots or a few dozen months, and the slack of
 * doubling was a fifth of the store. */
static void *grow32(void *buf, uint32_t *cap, size_t need, size_t size)
{
    if (need > UINT32_MAX)
        return NULL;
    size_t c = *cap;
    void *p = grow_array(buf, &c, need, size);
    if (!p)
        return NULL;
    /* more room than a uint32_t counts is never used */
    *cap = c > UINT32_MAX ? UINT32_MAX : (uint32_t)c;
    return p;
}

void store_init(struct store *st, const struct config *cfg)
{
    memset(st, 0, sizeof(*st));
    st->cfg = cfg;
    arena_init(&st->strings);
    st->latest_usage_date = KPI_NO_DATE;
}

void store_release(struct store *st)
{
    for (uint32_t i = 0; i < st->n_series; i++) {
        free(st->series[i].ent);
        free(st->series[i].month);
    }
    free(st->series);
    free(st->series_of);
    free(st->tenant);
    free(st->tenant_slots);
    arena_release(&st->strings);
    memset(st, 0, sizeof(*st));
}

int64_t store_tenant_find(const struct store *st, const char *id, size_t len)
{
    if (st->n_slots == 0)
        return -1;
    uint32_t mask = st->n_slots - 1;
    for (uint32_t i = (uint32_t)hash_bytes(id, len) & mask;;
         i = (i + 1) & mask) {
        uint32_t slot = st->tenant_slots[i];
        if (slot == 0)
            return -1;
        const char *other = st->tenant[slot - 1].id;
        if (strncmp(other, id, len) == 0 && other[len] == '\0')
            return slot - 1;
    }
}

static bool rehash_tenants(struct store *st)
{
    uint32_t n = st->n_slots ? st->n_slots * 2 : 1024;
    uint32_t *slots = calloc(n, sizeof(*slots));
    if (!slots)
        return false;
    for (uint32_t t = 0; t < st->n_tenants; t++) {
        const char *id = st->tenant[t].id;
        uint32_t i = (uint32_t)hash_bytes(id, strlen(id)) & (n - 1);
        while (slots[i])
            i = (i + 1) & (n - 1);
        slots[i] = t + 1;
    }
    free(st->tenant_slots);
    st->tenant_slots = slots;
    st->n_slots = n;
    return true;
}

static const char *copy(struct store *st, const char *s)
{
    if (!s || !*s)
        return "";
    return arena_strndup(&st->strings, s, strlen(s));
}

enum ftk_error store_add_tenant(struct store *st, const struct store_tenant *t,
                                enum store_added *added)
{
    size_t len = strlen(t->id);
    if (store_tenant_find(st, t->id, len) >= 0) {
        *added = STORE_DUPLICATE;
        return FTK_OK;
    }
    if ((uint64_t)(st->n_tenants + 1) * 2 > st->n_slots && !rehash_tenants(st))
        return FTK_E_NOMEM;
    struct store_tenant *tenants =
        grow32(st->tenant, &st->cap_tenants, (size_t)st->n_tenants + 1,
               sizeof(*st->tenant));
    if (!tenants)
        return FTK_E_NOMEM;
    st->tenant = tenants;
    struct store_tenant *n = &st->tenant[st->n_tenants];
    *n = *t;
    n->id = copy(st, t->id);
    n->name = copy(st, t->name);
    n->region = copy(st, t->region);
    n->priority = copy(st, t->priority);
    n->fm = copy(st, t->fm);
    if (!n->id || !n->name || !n->region || !n->priority || !n->fm)
        return FTK_E_NOMEM;
    uint32_t mask = st->n_slots - 1;
    uint32_t i = (uint32_t)hash_bytes(n->id, len) & mask;
    while (st->tenant_slots[i])
        i = (i + 1) & mask;
    st->tenant_slots[i] = ++st->n_tenants;
    *added = STORE_ADDED;
    return FTK_OK;
}

enum ftk_error store_customers_done(struct store *st)
{
    size_t n = (size_t)st->n_tenants * (size_t)st->cfg->n_workloads;
    st->series_of = malloc((n ? n : 1) * sizeof(*st->series_of));
    if (!st->series_of)
        return FTK_E_NOMEM;
    for (size_t i = 0; i < n; i++)
        st->series_of[i] = -1;
    return FTK_OK;
}

static struct store_series *series_get(struct store *st, uint32_t tenant,
                                       int workload, bool create)
{
    int32_t *slot =
        &st->series_of[(size_t)tenant * (size_t)st->cfg->n_workloads +
                       (size_t)workload];
    if (*slot >= 0)
        return &st->series[*slot];
    if (!create)
        return NULL;
    struct store_series *series =
        grow32(st->series, &st->cap_series, (size_t)st->n_series + 1,
               sizeof(*st->series));
    if (!series)
        return NULL;
    st->series = series;
    struct store_series *s = &st->series[st->n_series];
    memset(s, 0, sizeof(*s));
    s->tenant = tenant;
    s->workload = (uint32_t)workload;
    *slot = (int32_t)st->n_series++;
    return s;
}

const struct store_series *store_series_of(const struct store *st,
                                           uint32_t tenant, int workload)
{
    int32_t i = st->series_of[(size_t)tenant * (size_t)st->cfg->n_workloads +
                              (size_t)workload];
    return i >= 0 ? &st->series[i] : NULL;
}

/* True when the series already has a snapshot dated as_of. Snapshots
 * mostly arrive in date order, so a later date is decided at once; only an
 * out-of-order one scans the series' few snapshots. */
static bool has_snapshot(const struct store_series *s, int32_t as_of)
{
    if (s->n_ent == 0 || as_of > s->ent[s->n_ent - 1].as_of)
        return false;
    for (uint32_t i = 0; i < s->n_ent; i++)
        if (s->ent[i].as_of == as_of)
            return true;
    return false;
}

enum ftk_error store_add_entitlement(struct store *st, uint32_t tenant,
                                     int workload,
                                     const struct store_entitlement *e,
                                     enum store_added *added)
{
    struct store_series *s = series_get(st, tenant, workload, true);
    if (!s)
        return FTK_E_NOMEM;
    if (has_snapshot(s, e->as_of)) {
        *added = STORE_DUPLICATE;
        return FTK_OK;
    }
    struct store_entitlement *ents =
        grow32(s->ent, &s->cap_ent, (size_t)s->n_ent + 1, sizeof(*s->ent));
    if (!ents)
        return FTK_E_NOMEM;
    s->ent = ents;
    struct store_entitlement *n = &s->ent[s->n_ent++];
    *n = *e;
    /* A few statuses repeat across millions of snapshots: keep one copy
     * of a status while it repeats. */
    if (st->last_status && e->status && strcmp(st->last_status, e->status) == 0)
        n->status = st->last_status;
    else
        n->status = st->last_status = copy(st, e->status);
    n->notes = copy(st, e->notes);
    if (!n->status || !n->notes)
        return FTK_E_NOMEM;
    *added = STORE_ADDED;
    return FTK_OK;
}

static int ent_cmp(const void *a, const void *b)
{
    const struct store_entitlement *x = a, *y = b;
    return (x->as_of > y->as_of) - (x->as_of < y->as_of);
}

void store_entitlements_done(struct store *st)
{
    /* as_of is unique within a series, so the order is total. The arrays
     * are final now: give their growth slack back before usage comes. */
    for (uint32_t i = 0; i < st->n_series; i++) {
        struct store_series *s = &st->series[i];
        sort_array(s->ent, s->n_ent, sizeof(*s->ent), ent_cmp);
        if (s->n_ent < s->cap_ent) {
            struct store_entitlement *fit =
                realloc(s->ent, s->n_ent * sizeof(*s->ent));
            if (fit) {
                s->ent = fit;
                s->cap_ent = s->n_ent;
            }
        }
    }
}

void store_usage_done(struct store *st)
{
    for (uint32_t i = 0; i < st->n_series; i++) {
        struct store_series *s = &st->series[i];
        if (s->n_month == 0 || s->n_month == s->cap_month)
            continue;
        /* a failed shrink keeps the larger array, which is fine */
        struct store_month *fit =
            realloc(s->month, s->n_month * sizeof(*s->month));
        if (fit) {
            s->month = fit;
            s->cap_month = s->n_month;
        }
    }
}

/* The index of the last snapshot with as_of <= d, or -1. */
static int64_t ent_at(const struct store_series *s, int32_t d)
{
    int64_t lo = 0, hi = s->n_ent;
    while (lo < hi) {
        int64_t mid = lo + (hi - lo) / 2;
        if (s->ent[mid].as_of <= d)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo - 1;
}

bool store_qe_on(const struct store_series *s, int32_t d, int32_t window_end,
                 uint32_t *qe, bool *backfilled)
{
    if (s->n_ent == 0 || s->ent[0].as_of > window_end)
        return false;
    int64_t i = ent_at(s, d < window_end ? d : window_end);
    *backfilled = i < 0;
    *qe = s->ent[i < 0 ? 0 : i].qe;
    return true;
}

/* The index of the first slot whose month is >= month (n_month if none). */
static uint32_t month_lower_bound(const struct store_series *s, int32_t month)
{
    uint32_t lo = 0, hi = s->n_month;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (s->month[mid].month < month)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

const struct store_month *store_month_of(const struct store_series *s,
                                         int32_t month)
{
    uint32_t i = month_lower_bound(s, month);
    return i < s->n_month && s->month[i].month == month ? &s->month[i] : NULL;
}

/* The slot of month, created in order when missing; NULL when out of
 * memory. Usage mostly arrives in date order, so the last slot is tried
 * first. */
static struct store_month *month_slot(struct store_series *s, int32_t month)
{
    uint32_t at = s->n_month;
    if (at > 0 && s->month[at - 1].month >= month) {
        at = month_lower_bound(s, month);
        if (s->month[at].month == month)
            return &s->month[at];
    }
    struct store_month *months = grow32(
        s->month, &s->cap_month, (size_t)s->n_month + 1, sizeof(*s->month));
    if (!months)
        return NULL;
    s->month = months;
    memmove(&s->month[at + 1], &s->month[at],
            (s->n_month - at) * sizeof(*s->month));
    s->n_month++;
    memset(&s->month[at], 0, sizeof(s->month[at]));
    s->month[at].month = month;
    return &s->month[at];
}

void store_note_usage_date(struct store *st, int32_t date)
{
    if (st->latest_usage_date == KPI_NO_DATE || date > st->latest_usage_date)
        st->latest_usage_date = date;
}

enum ftk_error store_add_usage(struct store *st, uint32_t tenant, int workload,
                               int32_t date, uint32_t ae,
                               enum store_added *added)
{
    struct store_series *s = series_get(st, tenant, workload, true);
    if (!s)
        return FTK_E_NOMEM;
    int y, m, d;
    kpi_date_to_ymd(date, &y, &m, &d);
    struct store_month *slot = month_slot(s, y * 12 + m - 1);
    if (!slot)
        return FTK_E_NOMEM;
    uint32_t bit = UINT32_C(1) << (d - 1);
    if (slot->days & bit) {
        *added = STORE_DUPLICATE;
        return FTK_OK;
    }
    if (d > store_month_last_day(slot))
        slot->ae = ae;
    slot->days |= bit;
    /* The QE of this date without a window: a date only ever counts in a
     * window that contains it, and the earliest snapshot's backfill is
     * dropped later when that snapshot lies beyond the window. */
    if (s->n_ent > 0) {
        int64_t i = ent_at(s, date);
        uint64_t qe = s->ent[i < 0 ? 0 : i].qe;
        for (int k = 0; k < KPI_MILESTONES && qe > 0; k++)
            if (100 * (uint64_t)ae >= (uint64_t)kpi_milestone_pct[k] * qe)
                slot->reached[k] |= bit;
    }
    store_note_usage_date(st, date);
    *added = STORE_ADDED;
    return FTK_OK;
}
