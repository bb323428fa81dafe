/*
 * tests/unit/test_store.c - the store's interning, as-of join and month
 * slots (pipeline/store.h), and the lifecycle cmd/ relies on: the store,
 * the facts built from it and the arena under both can be released when
 * zeroed and released twice.
 */
#include <stdlib.h>
#include <string.h>

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "kpi/date.h"
#include "pipeline/base/arena.h"
#include "pipeline/config.h"
#include "pipeline/facts.h"
#include "pipeline/store.h"

static int32_t day(int y, int m, int d)
{
    return kpi_date_from_ymd(y, m, d);
}

/* One customer with EXO: QE 100 from 2024-01-01, usage on three dates. */
static void load_one(struct store *st, const struct config *cfg)
{
    store_init(st, cfg);
    struct store_tenant t = {.id = "T1",
                             .name = "Contoso",
                             .region = "EMEA",
                             .seats = -1,
                             .engagement_start = KPI_NO_DATE,
                             .gateway_date = KPI_NO_DATE,
                             .kickoff_date = KPI_NO_DATE};
    enum store_added added;
    assert_int_equal(store_add_tenant(st, &t, &added), FTK_OK);
    assert_int_equal(added, STORE_ADDED);
    assert_int_equal(store_add_tenant(st, &t, &added), FTK_OK);
    assert_int_equal(added, STORE_DUPLICATE);
    assert_int_equal(store_customers_done(st), FTK_OK);
    int exo = config_workload_lookup(cfg, "EXO", 3);
    assert_true(exo >= 0);
    struct store_entitlement e = {.as_of = day(2024, 1, 1),
                                  .qe = 100,
                                  .enabled_date = KPI_NO_DATE,
                                  .status = "Active",
                                  .notes = ""};
    assert_int_equal(store_add_entitlement(st, 0, exo, &e, &added), FTK_OK);
    store_entitlements_done(st);
    assert_int_equal(store_add_usage(st, 0, exo, day(2024, 2, 10), 30, &added),
                     FTK_OK);
    assert_int_equal(store_add_usage(st, 0, exo, day(2024, 3, 5), 40, &added),
                     FTK_OK);
    assert_int_equal(store_add_usage(st, 0, exo, day(2024, 3, 20), 45, &added),
                     FTK_OK);
    assert_int_equal(added, STORE_ADDED);
    assert_int_equal(store_add_usage(st, 0, exo, day(2024, 3, 20), 1, &added),
                     FTK_OK);
    assert_int_equal(added, STORE_DUPLICATE);
}

static void test_store__loads_and_finds(void **state)
{
    (void)state;
    struct config cfg;
    struct ftk_diag diag = {{0}};
    assert_int_equal(config_load(&cfg, NULL, &diag), FTK_OK);
    struct store st;
    load_one(&st, &cfg);
    assert_int_equal(store_tenant_find(&st, "T1", 2), 0);
    assert_int_equal(store_tenant_find(&st, "T2", 2), -1);
    int exo = config_workload_lookup(&cfg, "EXO", 3);
    const struct store_series *s = store_series_of(&st, 0, exo);
    assert_non_null(s);
    assert_int_equal(s->n_month, 2);
    const struct store_month *march = store_month_of(s, 2024 * 12 + 2);
    assert_non_null(march);
    assert_int_equal(march->ae, 45); /* the latest snapshot of the month */
    uint32_t qe;
    bool backfilled;
    assert_true(
        store_qe_on(s, day(2023, 12, 1), day(2024, 3, 31), &qe, &backfilled));
    assert_int_equal(qe, 100);
    assert_true(backfilled);
    store_release(&st);
    config_release(&cfg);
}

/* store_usage_done fits the month arrays and keeps every month; usage
 * added afterwards still goes in. */
static void test_store__usage_done_keeps_months(void **state)
{
    (void)state;
    struct config cfg;
    struct ftk_diag diag = {{0}};
    assert_int_equal(config_load(&cfg, NULL, &diag), FTK_OK);
    struct store st;
    load_one(&st, &cfg);
    int exo = config_workload_lookup(&cfg, "EXO", 3);
    const struct store_series *s = store_series_of(&st, 0, exo);
    assert_true(s->cap_month > s->n_month);
    store_usage_done(&st);
    assert_int_equal(s->n_month, 2);
    assert_int_equal(s->cap_month, 2);
    assert_int_equal(store_month_of(s, 2024 * 12 + 1)->ae, 30);
    assert_int_equal(store_month_of(s, 2024 * 12 + 2)->ae, 45);
    enum store_added added;
    assert_int_equal(store_add_usage(&st, 0, exo, day(2024, 1, 3), 7, &added),
                     FTK_OK);
    assert_int_equal(added, STORE_ADDED);
    assert_int_equal(s->n_month, 3);
    assert_int_equal(store_month_of(s, 2024 * 12)->ae, 7);
    assert_int_equal(store_month_of(s, 2024 * 12 + 2)->ae, 45);
    store_release(&st);
    config_release(&cfg);
}

/* cmd/ zero-initialises and always releases. */
static void test_store__release_safe_on_zeroed_and_twice(void **state)
{
    (void)state;
    struct store st;
    memset(&st, 0, sizeof(st));
    store_release(&st);
    store_release(&st);

    struct config cfg;
    struct ftk_diag diag = {{0}};
    assert_int_equal(config_load(&cfg, NULL, &diag), FTK_OK);
    load_one(&st, &cfg);
    store_release(&st);
    assert_null(st.tenant);
    assert_int_equal(st.n_series, 0);
    store_release(&st);
    config_release(&cfg);
}

static void test_store__facts_release_safe_on_zeroed_and_twice(void **state)
{
    (void)state;
    struct facts f;
    memset(&f, 0, sizeof(f));
    facts_release(&f);
    facts_release(&f);

    struct config cfg;
    struct ftk_diag diag = {{0}};
    assert_int_equal(config_load(&cfg, NULL, &diag), FTK_OK);
    struct store st;
    load_one(&st, &cfg);
    assert_int_equal(facts_build(&f, &st, 2024 * 12 + 2, &diag), FTK_OK);
    assert_int_equal(f.n_customers, 1);
    assert_int_equal(f.n_rows, 1);
    assert_true(f.row[0].au_defined);
    facts_release(&f);
    assert_null(f.row);
    facts_release(&f);
    store_release(&st);
    config_release(&cfg);
}

static void test_store__arena_release_safe_on_zeroed_and_twice(void **state)
{
    (void)state;
    struct arena a;
    memset(&a, 0, sizeof(a));
    arena_release(&a);
    assert_non_null(arena_strndup(&a, "abc", 3));
    arena_release(&a);
    arena_release(&a);
    /* usable again after a release */
    const char *s = arena_strndup(&a, "xyz", 2);
    assert_string_equal(s, "xy");
    arena_release(&a);
}

/* Adopted strings stay where they were and are freed with the adopter
 * (cmocka reports a leak otherwise); the adopter keeps allocating. */
static void test_store__arena_adopt_keeps_strings(void **state)
{
    (void)state;
    struct arena a, b, c;
    arena_init(&a);
    arena_init(&b);
    arena_init(&c);
    const char *x = arena_strndup(&a, "alpha", 5);
    const char *y = arena_strndup(&b, "beta", 4);
    /* a big string takes a block of its own in b */
    static char big[70 * 1024];
    memset(big, 'z', sizeof(big) - 1);
    const char *z = arena_strndup(&b, big, sizeof(big) - 1);
    assert_non_null(x);
    assert_non_null(y);
    assert_non_null(z);
    arena_adopt(&a, &b);
    assert_null(b.head);
    arena_adopt(&a, &b); /* an empty src changes nothing */
    const char *w = arena_strndup(&a, "gamma", 5);
    assert_non_null(w);
    assert_string_equal(x, "alpha");
    assert_string_equal(y, "beta");
    assert_int_equal(strlen(z), sizeof(big) - 1);
    assert_string_equal(w, "gamma");
    /* into an empty arena: it takes src as it is */
    arena_adopt(&c, &a);
    assert_null(a.head);
    assert_string_equal(x, "alpha");
    assert_string_equal(w, "gamma");
    arena_release(&c);
    arena_release(&b);
    arena_release(&a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_store__loads_and_finds),
        cmocka_unit_test(test_store__usage_done_keeps_months),
        cmocka_unit_test(test_store__release_safe_on_zeroed_and_twice),
        cmocka_unit_test(test_store__facts_release_safe_on_zeroed_and_twice),
        cmocka_unit_test(test_store__arena_release_safe_on_zeroed_and_twice),
        cmocka_unit_test(test_store__arena_adopt_keeps_strings),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
