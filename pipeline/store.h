/*
 * pipeline/store.h - what the extracts accepted, shaped for the KPIs.
 *
 * Tenants are interned (id -> index). A series is one (tenant, workload):
 * its entitlement snapshots, kept whole and sorted by as_of for the as-of
 * join, and its usage folded month by month as it streams in. Usage is never
 * held row by row: a month slot keeps the latest snapshot's AE, a bitmap of
 * the days that had a snapshot (to find duplicate keys), and for each
 * velocity milestone (10/40/70 %) a bitmap of the days whose AU reached it
 * with the QE of that day. Memory grows with series x months, not rows.
 *
 * Order of loading: every customer, then store_customers_done, then every
 * entitlement, then store_entitlements_done, then usage, then
 * store_usage_done.
 */
#ifndef FTK_STORE_H
#define FTK_STORE_H

#include <stdbool.h>
#include <stdint.h>

#include "kpi/kpi.h"
#include "pipeline/base/arena.h"
#include "pipeline/base/progress.h"
#include "pipeline/base/shard.h"
#include "pipeline/config.h"
#include "pipeline/base/ftk_error.h"

struct store_tenant {
    const char *id; /* arena strings, "" when empty */
    const char *name;
    const char *region;
    const char *priority;
    const char *fm;
    int64_t seats;                                        /* -1 when unknown */
    int32_t engagement_start, gateway_date, kickoff_date; /* or KPI_NO_DATE */
    /* A customer of another shard of a split run (docs/sharding.md): kept
     * so that its id is known, with no KPIs of its own; only id is set. */
    bool foreign;
};

struct store_entitlement {
    int32_t as_of;
    uint32_t qe;
    int32_t enabled_date; /* KPI_NO_DATE when empty */
    const char *status;   /* arena strings, "" when empty */
    const char *notes;
};

struct store_month {
    int32_t month;                    /* year * 12 + month - 1 */
    uint32_t days;                    /* bit d-1: a snapshot on day d */
    uint32_t reached[KPI_MILESTONES]; /* bit d-1: AU >= milestone on day d */
    uint32_t ae;                      /* AE of the latest snapshot */
};

/* The day of the month of a slot's latest snapshot (its highest day bit). */
static inline int store_month_last_day(const struct store_month *slot)
{
    return slot->days ? 32 - __builtin_clz(slot->days) : 0;
}

struct store_series {
    uint32_t tenant;
    uint32_t workload;
    struct store_entitlement *ent; /* sorted by as_of after loading */
    uint32_t n_ent, cap_ent;
    struct store_month *month; /* sorted by month */
    uint32_t n_month, cap_month;
};

struct store {
    const struct config *cfg; /* borrowed */
    struct arena strings;
    struct store_tenant *tenant;
    uint32_t n_tenants, cap_tenants;
    uint32_t *tenant_slots; /* open addressing: index + 1, 0 = empty */
    uint32_t n_slots;
    int32_t *series_of; /* n_tenants x n_workloads, -1 = none */
    struct store_series *series;
    uint32_t n_series, cap_series;
    const char *last_status;   /* the status copied last, to share it */
    int32_t latest_usage_date; /* KPI_NO_DATE before any usage */
    /* The part of a split run this store computes (docs/sharding.md); a
     * zeroed shard: the whole run. Set by the caller before loading. */
    struct shard shard;
    /* Where loading (raw input bytes) and facts_build (series) count the
     * work they have done for the progress line; NULL: nowhere. Set by the
     * caller around each stage. */
    struct progress *progress;
};

enum store_added { STORE_ADDED, STORE_DUPLICATE };

void store_init(struct store *st, const struct config *cfg);

/* Frees what the store holds. Safe on a zeroed struct and when called
 * twice. */
void store_release(struct store *st);

/* The index of tenant id, or -1. */
int64_t store_tenant_find(const struct store *st, const char *id, size_t len);

/* Adds a customer; the strings are copied. *added is STORE_DUPLICATE (and
 * nothing changes) when the id is already there. */
enum ftk_error store_add_tenant(struct store *st, const struct store_tenant *t,
                                enum store_added *added);

enum ftk_error store_customers_done(struct store *st);

/* Adds an entitlement snapshot of (tenant, workload); strings are copied.
 * STORE_DUPLICATE when the series already has one with this as_of. */
enum ftk_error store_add_entitlement(struct store *st, uint32_t tenant,
                                     int workload,
                                     const struct store_entitlement *e,
                                     enum store_added *added);

void store_entitlements_done(struct store *st);

/* Adds a usage snapshot; STORE_DUPLICATE when the series already has one on
 * this date. */
enum ftk_error store_add_usage(struct store *st, uint32_t tenant, int workload,
                               int32_t date, uint32_t ae,
                               enum store_added *added);

/* A usage snapshot of another shard's tenant that the run accepts: only
 * its date counts, towards the as-of month (latest_usage_date). */
void store_note_usage_date(struct store *st, int32_t date);

/* Usage is loaded: gives the month arrays' growth slack back before the
 * KPIs and the workbook need the memory (3 MB of a 10,000-tenant run).
 * Optional; usage added after it still goes in. */
void store_usage_done(struct store *st);

/* The series of (tenant, workload), or NULL. */
const struct store_series *store_series_of(const struct store *st,
                                           uint32_t tenant, int workload);

/* The QE of a series on date d by the as-of join of docs/kpis.md, using
 * only snapshots dated on or before window_end: the snapshot with the
 * greatest as_of <= d, else the earliest one (*backfilled = true). Returns
 * false when no snapshot is in the window. */
bool store_qe_on(const struct store_series *s, int32_t d, int32_t window_end,
                 uint32_t *qe, bool *backfilled);

/* The month slot of a series for month, or NULL. */
const struct store_month *store_month_of(const struct store_series *s,
                                         int32_t month);

#endif
