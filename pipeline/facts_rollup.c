/*
 * pipeline/facts_rollup.c - By region, By FM and the ranked candidate
 * customers (docs/kpis.md). Every figure is a sum of the customers' own
 * facts, so a group's rows add up to the Customers sheet.
 */
#include "facts_rollup.h"

#include <stdlib.h>
#include <string.h>

#include "pipeline/base/shard.h"
#include "pipeline/base/sort.h"
#include "pipeline/base/text.h"
#include "pipeline/base/testing.h"

static const struct store_tenant *tenant_of(const struct facts *f,
                                            uint32_t customer)
{
    return &f->st->tenant[f->customer[customer].tenant];
}

static const char *customer_text(const struct facts *f, uint32_t i, bool fm)
{
    const struct store_tenant *t = tenant_of(f, i);
    return fm ? t->fm : t->region;
}

/* Distinct texts by bytes; ctx is the texts. */
static int distinct_cmp(const void *a, const void *b, void *ctx)
{
    const char *const *text = ctx;
    return strcmp(text[*(const uint32_t *)a], text[*(const uint32_t *)b]);
}

enum ftk_error facts_customer_ranks(const struct facts *f, bool fm,
                                    uint32_t *rank)
{
    size_t n = f->n_customers, cap = 16;
    while (cap < 2 * n)
        cap *= 2;
    /* slot: 1 + the distinct value's number, 0 empty */
    uint32_t *slot = calloc(cap, sizeof(*slot));
    const char **text = malloc((n ? n : 1) * sizeof(*text));
    uint32_t *order = malloc((n ? n : 1) * sizeof(*order));
    uint32_t *place = malloc((n ? n : 1) * sizeof(*place));
    enum ftk_error err = FTK_E_NOMEM;
    if (!slot || !text || !order || !place)
        goto out;
    uint32_t distinct = 0;
    for (size_t i = 0; i < n; i++) {
        const char *s = customer_text(f, (uint32_t)i, fm);
        size_t h = (size_t)shard_fnv1a64(s, strlen(s)) & (cap - 1);
        while (slot[h] && strcmp(text[slot[h] - 1], s) != 0)
            h = (h + 1) & (cap - 1);
        if (!slot[h]) {
            text[distinct] = s;
            slot[h] = ++distinct;
        }
        rank[i] = slot[h] - 1; /* the distinct value, ranked below */
    }
    for (uint32_t d = 0; d < distinct; d++)
        order[d] = d;
    sort_array_r(order, distinct, sizeof(*order), distinct_cmp, text);
    for (uint32_t k = 0; k < distinct; k++)
        place[order[k]] = k;
    for (size_t i = 0; i < n; i++)
        rank[i] = place[rank[i]];
    err = FTK_OK;
out:
    free(slot);
    free(text);
    free(order);
    free(place);
    return err;
}

/* A customer in the order of a group sort: key, then index. */
struct group_key {
    uint64_t key;
    uint32_t index;
};

static int group_key_cmp(const void *a, const void *b)
{
    const struct group_key *x = a, *y = b;
    if (x->key != y->key)
        return x->key < y->key ? -1 : 1;
    return (x->index > y->index) - (x->index < y->index);
}

/* Customer indices in idx by region bytes, then index; by_fm: by FM bytes
 * with the empty FM last, then region, then index (so each FM's regions
 * come out sorted). Numbers from facts_customer_ranks stand for the
 * bytes. */
static enum ftk_error group_order(const struct facts *f, bool by_fm,
                                  uint32_t *idx)
{
    size_t n = f->n_customers;
    uint32_t *region = malloc((n ? n : 1) * sizeof(*region));
    uint32_t *fm = by_fm ? malloc((n ? n : 1) * sizeof(*fm)) : NULL;
    struct group_key *key = malloc((n ? n : 1) * sizeof(*key));
    enum ftk_error err = FTK_E_NOMEM;
    if (!region || (by_fm && !fm) || !key)
        goto out;
    if ((err = facts_customer_ranks(f, false, region)) != FTK_OK ||
        (by_fm && (err = facts_customer_ranks(f, true, fm)) != FTK_OK))
        goto out;
    for (size_t i = 0; i < n; i++) {
        uint64_t k = region[i];
        if (by_fm) {
            /* the empty FM, ranked first by its bytes, goes last */
            uint64_t m = *customer_text(f, (uint32_t)i, true) ? (uint64_t)fm[i]
                                                              : UINT32_MAX;
            k |= m << 32;
        }
        key[i] = (struct group_key){k, (uint32_t)i};
    }
    sort_array(key, n, sizeof(*key), group_key_cmp);
    for (size_t i = 0; i < n; i++)
        idx[i] = key[i].index;
out:
    free(region);
    free(fm);
    free(key);
    return err;
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
    if ((err = group_order(f, by_fm, idx)) != FTK_OK)
        goto out;
    err = FTK_E_NOMEM;
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
