/*
 * pipeline/facts_rollup.c - By region, By FM and the ranked candidate
 * customers (docs/kpis.md). Every figure is a sum of the customers' own
 * facts, so a group's rows add up to the Customers sheet.
 */
#include "facts_rollup.h"

#include <stdlib.h>
#include <string.h>

#include "pipeline/base/sort.h"
#include "pipeline/base/text.h"
#include "pipeline/base/testing.h"

static const struct store_tenant *tenant_of(const struct facts *f,
                                            uint32_t customer)
{
    return &f->st->tenant[f->customer[customer].tenant];
}

/* Customer indices by region bytes, then index; ctx is the facts. */
static int region_cmp(const void *a, const void *b, void *ctx)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    int c = strcmp(tenant_of(ctx, x)->region, tenant_of(ctx, y)->region);
    return c ? c : (x > y) - (x < y);
}

/* Customer indices by FM bytes with the empty FM last, then region, then
 * index (so each FM's regions come out sorted); ctx is the facts. */
static int fm_cmp(const void *a, const void *b, void *ctx)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    const struct store_tenant *tx = tenant_of(ctx, x), *ty = tenant_of(ctx, y);
    bool ex = !*tx->fm, ey = !*ty->fm;
    if (ex != ey)
        return ex ? 1 : -1;
    int c = strcmp(tx->fm, ty->fm);
    if (!c)
        c = strcmp(tx->region, ty->region);
    return c ? c : (x > y) - (x < y);
}

static void add_customer(const struct facts *f, struct fact_group *g,
                         const struct fact_customer *c)
{
    g->customers++;
    g->health[c->health]++;
    g->core_ae += c->core_ae;
    g->core_qe += c->core_qe;
    g->users_to_goal += c->users_to_goal;
    g->candidates += c->focus != 0;
    for (uint32_t i = c->first_row; i < c->first_row + c->n_rows; i++) {
        const struct fact_workload *r = &f->row[i];
        g->plateaus += r->plateau;
        /* as the Biggest losers list counts them */
        g->losers += r->core && r->loser && r->has_delta_3m;
    }
}

/* The groups of customers by region (by_fm false) or by FM, in the order
 * of struct facts. */
static enum ftk_error groups(struct facts *f, bool by_fm,
                             struct fact_group **out, size_t *n_out)
{
    size_t n = f->n_customers;
    uint32_t *idx = malloc((n ? n : 1) * sizeof(*idx));
    struct fact_group *g = NULL;
    struct text regions;
    text_init(&regions);
    enum ftk_error err = FTK_E_NOMEM;
    *out = calloc(n ? n : 1, sizeof(**out));
    *n_out = 0;
    if (!idx || !*out)
        goto out;
    for (size_t i = 0; i < n; i++)
        idx[i] = (uint32_t)i;
    sort_array_r(idx, n, sizeof(*idx), by_fm ? fm_cmp : region_cmp, f);
    const char *last_region = NULL;
    for (size_t i = 0; i <= n; i++) {
        const struct store_tenant *t = i < n ? tenant_of(f, idx[i]) : NULL;
        const char *name = !t ? NULL : by_fm ? t->fm : t->region;
        if (g && (!name || strcmp(g->name, name) != 0)) {
            /* the group before is complete */
            g->core_au_defined = g->core_qe > 0;
            if (g->core_au_defined)
                g->core_au =
                    kpi_pct_round((kpi_i128)g->core_ae, (kpi_i128)g->core_qe);
            if (by_fm) {
                if (text_failed(&regions))
                    goto out;
                g->regions =
                    arena_strndup(&f->strings, text_str(&regions), regions.len);
                if (!g->regions)
                    goto out;
            }
        }
        if (!t)
            break;
        if (!g || strcmp(g->name, name) != 0) {
            g = &(*out)[(*n_out)++];
            g->name = name;
            g->regions = "";
            last_region = NULL;
            text_clear(&regions);
        }
        add_customer(f, g, &f->customer[idx[i]]);
        if (by_fm && (!last_region || strcmp(last_region, t->region) != 0)) {
            if (last_region)
                text_adds(&regions, ", ");
            text_adds(&regions, t->region);
            last_region = t->region;
        }
    }
    err = FTK_OK;
out:
    free(idx);
    text_release(&regions);
    return err;
}

/* One row per candidate customer, in the candidates' order, ranked from 1
 * within each region. A customer's candidates are contiguous in
 * facts.candidate: they sort by region, users to goal and tenant_id
 * first. */
static enum ftk_error candidate_customers(struct facts *f)
{
    size_t n = f->n_candidates;
    f->candidate_customer =
        malloc((n ? n : 1) * sizeof(*f->candidate_customer));
    if (!f->candidate_customer)
        return FTK_E_NOMEM;
    const char *region = NULL;
    uint32_t rank = 0;
    struct fact_candidate_customer *last = NULL;
    for (size_t i = 0; i < n; i++) {
        uint32_t c = f->candidate[i].customer;
        if (last && last->customer == c) {
            last->n_candidates++;
            continue;
        }
        const char *r = tenant_of(f, c)->region;
        if (!region || strcmp(region, r) != 0) {
            region = r;
            rank = 0;
        }
        last = &f->candidate_customer[f->n_candidate_customers++];
        *last = (struct fact_candidate_customer){
            .customer = c,
            .rank = ++rank,
            .first_candidate = (uint32_t)i,
            .n_candidates = 1,
        };
    }
    return FTK_OK;
}

enum ftk_error facts_rollup_build(struct facts *f)
{
    enum ftk_error err = groups(f, false, &f->region, &f->n_regions);
    if (err == FTK_OK)
        err = groups(f, true, &f->fm, &f->n_fms);
    if (err == FTK_OK)
        err = candidate_customers(f);
    return err;
}
