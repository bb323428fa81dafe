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

/* rank[i]: the place of text(ctx, i) among the distinct texts of i <
 * n, by bytes, from 0; an item whose text is NULL is left out (rank 0). */
static enum ftk_error ranks_of(size_t n,
                               const char *(*text_of)(const void *, size_t),
                               const void *ctx, uint32_t *rank)
{
    size_t cap = 16;
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
        const char *s = text_of(ctx, i);
        if (!s) {
            rank[i] = UINT32_MAX;
            continue;
        }
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
        rank[i] = rank[i] == UINT32_MAX ? 0 : place[rank[i]];
    err = FTK_OK;
out:
    free(slot);
    free(text);
    free(order);
    free(place);
    return err;
}

struct rank_ctx {
    const struct facts *f;
    const struct store *st;
    bool fm;
};

static const char *customer_text_of(const void *ctx, size_t i)
{
    const struct rank_ctx *c = ctx;
    return customer_text(c->f, (uint32_t)i, c->fm);
}

static const char *tenant_text_of(const void *ctx, size_t i)
{
    const struct rank_ctx *c = ctx;
    const struct store_tenant *t = &c->st->tenant[i];
    return t->foreign ? NULL : c->fm ? t->fm : t->region;
}

enum ftk_error facts_customer_ranks(const struct facts *f, bool fm,
                                    uint32_t *rank)
{
    struct rank_ctx c = {f, f->st, fm};
    return ranks_of(f->n_customers, customer_text_of, &c, rank);
}

enum ftk_error facts_tenant_ranks(const struct store *st, bool fm,
                                  uint32_t *rank)
{
    struct rank_ctx c = {NULL, st, fm};
    return ranks_of(st->n_tenants, tenant_text_of, &c, rank);
}

/* Figures of a customer's rows that its groups add up. */
struct row_counts {
    uint64_t plateaus, losers;
};

static struct row_counts row_counts(const struct facts *f,
                                    const struct fact_customer *c)
{
    struct row_counts n = {0, 0};
    for (uint32_t i = c->first_row; i < c->first_row + c->n_rows; i++) {
        const struct fact_workload *r = &f->row[i];
        n.plateaus += r->plateau;
        /* as the Biggest losers list counts them */
        n.losers += r->core && r->loser && r->has_delta_3m;
    }
    return n;
}

static void add_customer(struct fact_group *g, const char *name,
                         const struct fact_customer *c, struct row_counts n)
{
    if (!g->name) {
        g->name = name;
        g->regions = "";
    }
    g->customers++;
    g->health[c->health]++;
    g->core_ae += c->core_ae;
    g->core_qe += c->core_qe;
    g->users_to_goal += c->users_to_goal;
    g->candidates += c->focus != 0;
    g->plateaus += n.plateaus;
    g->losers += n.losers;
}

static void group_done(struct fact_group *g)
{
    g->core_au_defined = g->core_qe > 0;
    if (g->core_au_defined)
        g->core_au = kpi_pct_round((kpi_i128)g->core_ae, (kpi_i128)g->core_qe);
}

/* An (FM group, region) pair met: key = FM group's place << 32 | region
 * rank, in a set of open addressing of 2^bits slots (UINT64_MAX: empty).
 * True when it was not there yet. */
static bool pair_add(uint64_t *set, unsigned bits, uint64_t key)
{
    size_t cap = (size_t)1 << bits;
    /* Fibonacci hashing: the product's top bits depend on every key bit */
    size_t h = (size_t)((key * UINT64_C(0x9E3779B97F4A7C15)) >> (64 - bits));
    while (set[h] != UINT64_MAX && set[h] != key)
        h = (h + 1) & (cap - 1);
    bool added = set[h] == UINT64_MAX;
    set[h] = key;
    return added;
}

static int u64_cmp(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

/* By region and By FM in one pass over the customers, in index order:
 * each adds to the group of its region's rank and of its FM's, so no
 * customer is sorted. Groups come in rank order (the bytes' order), the
 * FM groups with the empty FM last; an FM's regions are the distinct
 * (FM, region) pairs met, by region rank. */
static enum ftk_error groups(struct facts *f, const uint32_t *region)
{
    size_t n = f->n_customers, cap = 16;
    unsigned bits = 4;
    while (cap < 2 * n)
        cap *= 2, bits++;
    uint32_t *fm = malloc((n ? n : 1) * sizeof(*fm));
    uint64_t *set = malloc(cap * sizeof(*set));
    uint64_t *pairs = malloc((n ? n : 1) * sizeof(*pairs));
    struct text regions;
    text_init(&regions);
    enum ftk_error err = FTK_E_NOMEM;
    if (!fm || !set || !pairs)
        goto out;
    if ((err = facts_customer_ranks(f, true, fm)) != FTK_OK)
        goto out;
    err = FTK_E_NOMEM;
    memset(set, 0xff, cap * sizeof(*set));
    size_t n_regions = 0, n_fms = 0;
    bool empty_fm = false; /* rank 0 is the empty FM, which goes last */
    for (size_t i = 0; i < n; i++) {
        if (region[i] >= n_regions)
            n_regions = region[i] + 1;
        if (fm[i] >= n_fms)
            n_fms = fm[i] + 1;
        empty_fm = empty_fm || !*customer_text(f, (uint32_t)i, true);
    }
    f->region = calloc(n_regions ? n_regions : 1, sizeof(*f->region));
    f->fm = calloc(n_fms ? n_fms : 1, sizeof(*f->fm));
    if (!f->region || !f->fm)
        goto out;
    f->n_regions = n_regions;
    f->n_fms = n_fms;
    size_t n_pairs = 0;
    for (size_t i = 0; i < n; i++) {
        const struct store_tenant *t = tenant_of(f, (uint32_t)i);
        const struct fact_customer *c = &f->customer[i];
        struct row_counts rc = row_counts(f, c);
        uint32_t place =
            empty_fm ? (fm[i] ? fm[i] - 1 : (uint32_t)n_fms - 1) : fm[i];
        add_customer(&f->region[region[i]], t->region, c, rc);
        add_customer(&f->fm[place], t->fm, c, rc);
        uint64_t key = (uint64_t)place << 32 | region[i];
        if (pair_add(set, bits, key))
            pairs[n_pairs++] = key;
    }
    sort_array(pairs, n_pairs, sizeof(*pairs), u64_cmp);
    for (size_t i = 0; i < n_regions; i++)
        group_done(&f->region[i]);
    for (size_t k = 0, p = 0; k < n_fms; k++) {
        struct fact_group *g = &f->fm[k];
        group_done(g);
        text_clear(&regions);
        for (; p < n_pairs && pairs[p] >> 32 == k; p++) {
            if (regions.len > 0)
                text_adds(&regions, ", ");
            text_adds(&regions, f->region[(uint32_t)pairs[p]].name);
        }
        if (text_failed(&regions))
            goto out;
        g->regions =
            arena_strndup(&f->strings, text_str(&regions), regions.len);
        if (!g->regions)
            goto out;
    }
    err = FTK_OK;
out:
    free(fm);
    free(set);
    free(pairs);
    text_release(&regions);
    return err;
}

/* One row per candidate customer, in the candidates' order, ranked from 1
 * within each region (region: each customer's region rank). A customer's
 * candidates are contiguous in facts.candidate: they sort by region, users
 * to goal and tenant_id first. */
static enum ftk_error candidate_customers(struct facts *f,
                                          const uint32_t *region)
{
    size_t n = f->n_candidates;
    f->candidate_customer =
        malloc((n ? n : 1) * sizeof(*f->candidate_customer));
    if (!f->candidate_customer)
        return FTK_E_NOMEM;
    uint32_t last_region = 0, rank = 0;
    struct fact_candidate_customer *last = NULL;
    for (size_t i = 0; i < n; i++) {
        uint32_t c = f->candidate[i].customer;
        if (last && last->customer == c) {
            last->n_candidates++;
            continue;
        }
        if (!last || region[c] != last_region) {
            last_region = region[c];
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

enum ftk_error facts_rollup_build(struct facts *f, const uint32_t *region)
{
    enum ftk_error err = groups(f, region);
    if (err == FTK_OK)
        err = candidate_customers(f, region);
    return err;
}
