/*
 * pipeline/facts_rollup.h - the roll-ups of struct facts that group
 * customers: By region, By FM, and the Candidates sheet's one ranked row
 * per candidate customer (docs/kpis.md, "Roll-ups" and "Candidates").
 * Part of facts_build; the report writers read the results in struct
 * facts.
 */
#ifndef FTK_FACTS_ROLLUP_H
#define FTK_FACTS_ROLLUP_H

#include "pipeline/facts.h"

/* rank[i]: the place of customer i's region (fm: its FM) among the
 * distinct values of all customers, in byte order (strcmp), from 0, so
 * that sorts compare numbers rather than strings. rank has room for
 * f->n_customers. */
enum ftk_error facts_customer_ranks(const struct facts *f, bool fm,
                                    uint32_t *rank);

/* The same ranks by tenant index, over the store's customers (the
 * tenants not foreign; a foreign tenant's rank is 0): those of the facts'
 * customers, whose regions and FMs are the same distinct values, known
 * before the customers are. rank has room for st->n_tenants. */
enum ftk_error facts_tenant_ranks(const struct store *st, bool fm,
                                  uint32_t *rank);

/* Fills f->region, f->fm and f->candidate_customer from the customers,
 * rows and sorted candidates already in f; region holds each customer's
 * region rank (facts_customer_ranks). On error what it took is left in f
 * for facts_release. */
enum ftk_error facts_rollup_build(struct facts *f, const uint32_t *region);

#endif
