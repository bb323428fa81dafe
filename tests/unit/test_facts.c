/*
 * tests/unit/test_facts.c - the worst-first lists of facts.h that the
 * workbook's Velocity, Plateau and Biggest losers sheets show
 * (docs/workbook.md): which rows, in which order, and the Velocity
 * findings. Every expected value is worked out by hand from the inputs.
 * And the facts of a subset of customers (facts_subset, the FM books):
 * exactly those of a store holding only their data.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "kpi/date.h"
#include "pipeline/facts.h"
#include "pipeline/fm_books.h"
#include "pipeline/playbook/playbook.h"
#include "pipeline/report/report_csv.h"
#include "tests/unit/scratch.h"
#include "pipeline/facts_text.h"
#include "pipeline/facts_rollup.h"
#include "pipeline/ingest/extract.h"
#include "pipeline/ingest/rejects.h"

struct fixture {
    struct config cfg;
    struct store st;
    struct rejects rj;
    struct facts facts;
    bool have_facts;
};

static int setup(void **state)
{
    struct fixture *fx = test_calloc(1, sizeof(*fx));
    struct ftk_diag diag = {{0}};
    if (config_load(&fx->cfg, NULL, &diag) != FTK_OK) {
        test_free(fx);
        return -1;
    }
    store_init(&fx->st, &fx->cfg);
    rejects_init(&fx->rj, NULL);
    *state = fx;
    return 0;
}

/* Frees what a test built; cmocka counts a block still held when the
 * test returns as a leak, so each test calls this before it returns. */
static void done(struct fixture *fx)
{
    if (fx->have_facts)
        facts_release(&fx->facts);
    fx->have_facts = false;
    store_release(&fx->st); /* leaves it zeroed: safe twice */
}

static int teardown(void **state)
{
    struct fixture *fx = *state;
    done(fx);
    config_release(&fx->cfg);
    test_free(fx);
    return 0;
}

static int32_t day(int y, int m, int d)
{
    return kpi_date_from_ymd(y, m, d);
}

static void build(struct fixture *fx, const char *as_of)
{
    struct ftk_diag diag = {{0}};
    int32_t month;
    assert_true(kpi_month_parse(as_of, strlen(as_of), &month));
    assert_int_equal(facts_build(&fx->facts, &fx->st, month, &diag), FTK_OK);
    fx->have_facts = true;
}

static int workload(struct fixture *fx, const char *code)
{
    int w = config_workload_lookup(&fx->cfg, code, strlen(code));
    assert_true(w >= 0);
    return w;
}

/* The row index of (tenant id, workload code) in the facts. */
static int64_t row_of(const struct facts *f, const char *id, const char *code)
{
    for (size_t i = 0; i < f->n_rows; i++)
        if (strcmp(f->st->tenant[f->row[i].tenant].id, id) == 0 &&
            strcmp(facts_code(f, f->row[i].workload), code) == 0)
            return (int64_t)i;
    fail_msg("no row %s %s", id, code);
    return -1;
}

static const char *tenant_id(const struct facts *f, uint32_t customer)
{
    return f->st->tenant[f->customer[customer].tenant].id;
}

static unsigned focus(enum kpi_focus a)
{
    return 1u << a;
}

/* The hand-checked fixture (tests/fixtures/kpi/README.md) for 2024-06:
 * core lines with a velocity focus area first (D4 OPP: SLOW_RAMP, slowest
 * 424 days to 10 %; B2 TEAMS: SLOW_KICKOFF, 41; A1 OD: SLOW_ENABLE, days
 * to kickoff 31), then A1 EXO (days to 40 %: 50) before A1 SPO (45); B2 EXO
 * has no figure and C3 no row and no day count: no line. */
static void test_facts__velocity_of_the_fixture(void **state)
{
    struct fixture *fx = *state;
    static const struct {
        enum extract_kind kind;
        const char *path;
    } files[] = {
        {EXTRACT_CUSTOMERS, "tests/fixtures/kpi/customers.csv"},
        {EXTRACT_ENTITLEMENTS, "tests/fixtures/kpi/entitlements.csv"},
        {EXTRACT_USAGE, "tests/fixtures/kpi/usage.csv"},
    };
    struct ftk_diag diag = {{0}};
    for (int i = 0; i < 3; i++) {
        struct extract_stats stats;
        memset(&stats, 0, sizeof(stats));
        if (i == 1)
            assert_int_equal(store_customers_done(&fx->st), FTK_OK);
        if (i == 2)
            store_entitlements_done(&fx->st);
        assert_int_equal(extract_file(&fx->st, &fx->rj, files[i].kind,
                                      files[i].path, &stats, &diag),
                         FTK_OK);
    }
    build(fx, "2024-06");
    const struct facts *f = &fx->facts;
    static const struct {
        const char *id, *code;
        unsigned focus;
        const char *findings;
    } want[] = {
        {"D4", "OPP", 1u << KPI_FOCUS_SLOW_RAMP,
         "enabled 2023-02-01, 515 days ago; not yet reached 70%"},
        {"B2", "TEAMS", 1u << KPI_FOCUS_SLOW_KICKOFF,
         "no kickoff 60 days after engagement start 2024-05-01"},
        {"A1", "OD", 1u << KPI_FOCUS_SLOW_ENABLE,
         "QE 1000 not enabled 150 days after kickoff 2024-02-01"},
        {"A1", "EXO", 0, ""},
        {"A1", "SPO", 0, ""},
    };
    assert_int_equal(f->n_velocity, 5);
    for (size_t i = 0; i < 5; i++) {
        const struct fact_velocity *v = &f->velocity[i];
        assert_string_equal(tenant_id(f, v->customer), want[i].id);
        assert_int_equal(v->row, row_of(f, want[i].id, want[i].code));
        assert_int_equal(v->focus, want[i].focus);
        assert_string_equal(v->findings, want[i].findings);
    }
    /* A1 EXO is the one plateau; D4 OPP's delta 3m of exactly -5 pp the
     * one loss */
    assert_int_equal(f->n_plateau, 1);
    assert_int_equal(f->plateau[0], row_of(f, "A1", "EXO"));
    assert_int_equal(f->n_losers, 1);
    assert_int_equal(f->loser[0], row_of(f, "D4", "OPP"));
    done(fx);
}

static uint32_t add_tenant(struct fixture *fx, const char *id,
                           int32_t engagement, int32_t kickoff)
{
    enum store_added added;
    struct store_tenant t = {
        .id = id,
        .name = id,
        .region = "NA",
        .priority = "",
        .fm = "",
        .seats = -1,
        .engagement_start = engagement,
        .gateway_date = KPI_NO_DATE,
        .kickoff_date = kickoff,
    };
    assert_int_equal(store_add_tenant(&fx->st, &t, &added), FTK_OK);
    return (uint32_t)fx->st.n_tenants - 1;
}

/* A series of workload code for tenant t: QE 100 from 2023-05-01 and one
 * usage snapshot per month m (1-based, 2024) with ae[m - 1] > 0. */
static void add_series(struct fixture *fx, uint32_t t, const char *code,
                       int32_t enabled, const uint32_t ae[6])
{
    enum store_added added;
    struct store_entitlement e = {
        .as_of = day(2023, 5, 1),
        .qe = 100,
        .enabled_date = enabled,
        .status = "",
        .notes = "",
    };
    int w = workload(fx, code);
    assert_int_equal(store_add_entitlement(&fx->st, t, w, &e, &added), FTK_OK);
    for (int m = 1; m <= 6; m++)
        if (ae[m - 1] > 0)
            assert_int_equal(store_add_usage(&fx->st, t, w, day(2024, m, 28),
                                             ae[m - 1], &added),
                             FTK_OK);
}

/* J: no kickoff 546 days after its engagement start (SLOW_KICKOFF) and EXO
 * at 1 % 395 days after enabling (SLOW_RAMP for 10 and 40 %, EXO's target
 * being 50): one line with both areas and both details, in facts order,
 * before the lines in no area. K and K2: no workload, 10 days to kickoff
 * each: a line for the customer alone, the tie in facts order. Plateaus: P2
 * (EXO) and P3 (YAM, not core) flat for 6 months, P1 for 5: longest first,
 * ties in row order. Losers: L2 (-10 pp) before L1 (-5 pp); L3 loses 20 pp
 * on YAM, not a core workload: not listed. */
static void test_facts__worst_first_order(void **state)
{
    struct fixture *fx = *state;
    static const uint32_t ramp[6] = {0, 0, 0, 0, 0, 1};
    static const uint32_t flat6[6] = {30, 30, 30, 30, 30, 30};
    static const uint32_t flat5[6] = {0, 30, 30, 30, 30, 30};
    static const uint32_t low6[6] = {5, 5, 5, 5, 5, 5};
    static const uint32_t minus5[6] = {0, 0, 40, 0, 0, 35};
    static const uint32_t minus10[6] = {0, 0, 45, 0, 0, 35};
    static const uint32_t minus20[6] = {0, 0, 40, 0, 0, 20};
    uint32_t j = add_tenant(fx, "J", day(2023, 1, 1), KPI_NO_DATE);
    add_tenant(fx, "K", day(2024, 1, 1), day(2024, 1, 11));
    add_tenant(fx, "K2", day(2024, 1, 1), day(2024, 1, 11));
    uint32_t l1 = add_tenant(fx, "L1", KPI_NO_DATE, KPI_NO_DATE);
    uint32_t l2 = add_tenant(fx, "L2", KPI_NO_DATE, KPI_NO_DATE);
    uint32_t l3 = add_tenant(fx, "L3", KPI_NO_DATE, KPI_NO_DATE);
    uint32_t p1 = add_tenant(fx, "P1", KPI_NO_DATE, KPI_NO_DATE);
    uint32_t p2 = add_tenant(fx, "P2", KPI_NO_DATE, KPI_NO_DATE);
    uint32_t p3 = add_tenant(fx, "P3", KPI_NO_DATE, KPI_NO_DATE);
    assert_int_equal(store_customers_done(&fx->st), FTK_OK);
    add_series(fx, j, "EXO", day(2023, 6, 1), ramp);
    add_series(fx, l1, "EXO", KPI_NO_DATE, minus5);
    add_series(fx, l2, "EXO", KPI_NO_DATE, minus10);
    add_series(fx, l3, "YAM", KPI_NO_DATE, minus20);
    add_series(fx, p1, "EXO", KPI_NO_DATE, flat5);
    add_series(fx, p2, "EXO", KPI_NO_DATE, flat6);
    add_series(fx, p3, "YAM", KPI_NO_DATE, low6);
    store_entitlements_done(&fx->st);
    build(fx, "2024-06");
    const struct facts *f = &fx->facts;

    assert_int_equal(f->n_velocity, 3);
    assert_string_equal(tenant_id(f, f->velocity[0].customer), "J");
    assert_int_equal(f->velocity[0].row, row_of(f, "J", "EXO"));
    assert_int_equal(f->velocity[0].focus, focus(KPI_FOCUS_SLOW_KICKOFF) |
                                               focus(KPI_FOCUS_SLOW_RAMP));
    assert_string_equal(f->velocity[0].findings,
                        "no kickoff 546 days after engagement start "
                        "2023-01-01; enabled 2023-06-01, 395 days ago; not "
                        "yet reached 10%, 40%");
    assert_string_equal(tenant_id(f, f->velocity[1].customer), "K");
    assert_string_equal(tenant_id(f, f->velocity[2].customer), "K2");
    for (int i = 1; i <= 2; i++) {
        assert_int_equal(f->velocity[i].row, -1);
        assert_int_equal(f->velocity[i].focus, 0);
        assert_string_equal(f->velocity[i].findings, "");
    }

    assert_int_equal(f->n_plateau, 3);
    assert_int_equal(f->plateau[0], row_of(f, "P2", "EXO"));
    assert_int_equal(f->plateau[1], row_of(f, "P3", "YAM"));
    assert_int_equal(f->plateau[2], row_of(f, "P1", "EXO"));
    assert_int_equal(f->row[f->plateau[0]].plateau_months, 5);
    assert_int_equal(f->row[f->plateau[2]].plateau_months, 4);

    assert_int_equal(f->n_losers, 2);
    assert_int_equal(f->loser[0], row_of(f, "L2", "EXO"));
    assert_int_equal(f->loser[1], row_of(f, "L1", "EXO"));
    assert_true(f->row[row_of(f, "L3", "YAM")].loser);
    done(fx);
}

/* A series of workload code for tenant t: one entitlement snapshot of qe
 * dated as_of, and a usage snapshot on the 28th of each month m (1-based,
 * 2024) with ae[m - 1] > 0. */
static void add_usage(struct fixture *fx, uint32_t t, const char *code,
                      int32_t as_of, uint32_t qe, const uint32_t ae[6])
{
    enum store_added added;
    struct store_entitlement e = {
        .as_of = as_of,
        .qe = qe,
        .enabled_date = KPI_NO_DATE,
        .status = "",
        .notes = "",
    };
    int w = workload(fx, code);
    assert_int_equal(store_add_entitlement(&fx->st, t, w, &e, &added), FTK_OK);
    for (int m = 1; ae && m <= 6; m++)
        if (ae[m - 1] > 0)
            assert_int_equal(store_add_usage(&fx->st, t, w, day(2024, m, 28),
                                             ae[m - 1], &added),
                             FTK_OK);
}

static uint32_t add_customer(struct fixture *fx, const char *id,
                             const char *region, const char *fm)
{
    enum store_added added;
    struct store_tenant t = {
        .id = id,
        .name = id,
        .region = region,
        .priority = "",
        .fm = fm,
        .seats = -1,
        .engagement_start = KPI_NO_DATE,
        .gateway_date = KPI_NO_DATE,
        .kickoff_date = KPI_NO_DATE,
    };
    assert_int_equal(store_add_tenant(&fx->st, &t, &added), FTK_OK);
    return (uint32_t)fx->st.n_tenants - 1;
}

static const struct fact_portfolio *portfolio_of(const struct facts *f,
                                                 const char *code)
{
    for (size_t i = 0; i < f->n_portfolio; i++)
        if (strcmp(facts_code(f, f->portfolio[i].workload), code) == 0)
            return &f->portfolio[i];
    fail_msg("no portfolio row %s", code);
    return NULL;
}

static const struct fact_customer *customer_of(const struct facts *f,
                                               const char *id)
{
    for (size_t i = 0; i < f->n_customers; i++)
        if (strcmp(tenant_id(f, (uint32_t)i), id) == 0)
            return &f->customer[i];
    fail_msg("no customer %s", id);
    return NULL;
}

/* Asserts a 12-month series: want[k] < 0 means undefined. */
static void assert_months(const struct fact_months *m, const int64_t want[12])
{
    for (int k = 0; k < FACTS_TREND_MONTHS; k++) {
        assert_int_equal(m->defined[k], want[k] >= 0);
        if (want[k] >= 0)
            assert_int_equal(m->au[k], want[k]);
    }
}

/*
 * As of 2024-06 the 12 months are 2023-07 .. 2024-06, so 2024-01 is index
 * 6 and 2024-06 index 11. QE from 2023-05-01 unless said.
 *   A: EXO QE 100, AE 10 _ 30 40 _ 50 (Jan..Jun, _ no snapshot);
 *      SPO QE 300, AE 20 40 _ 80 _ 101; YAM (not core) QE 100, AE 5 each.
 *      A's EXO also has a QE 999 snapshot on 2024-07-05, after the window.
 *   B: EXO QE 100, AE _ _ 20 _ 46 60; OD QE 100, no usage.
 *   C: EXO QE 300 from 2024-02-01 (backfilled before), AE 10 _ _ _ 1 _.
 */
static void series_fixture(struct fixture *fx)
{
    static const uint32_t a_exo[6] = {10, 0, 30, 40, 0, 50};
    static const uint32_t a_spo[6] = {20, 40, 0, 80, 0, 101};
    static const uint32_t a_yam[6] = {5, 5, 5, 5, 5, 5};
    static const uint32_t b_exo[6] = {0, 0, 20, 0, 46, 60};
    static const uint32_t c_exo[6] = {10, 0, 0, 0, 1, 0};
    uint32_t a = add_customer(fx, "A", "EMEA", "Zoe");
    uint32_t b = add_customer(fx, "B", "APAC", "");
    uint32_t c = add_customer(fx, "C", "EMEA", "Adam");
    assert_int_equal(store_customers_done(&fx->st), FTK_OK);
    add_usage(fx, a, "EXO", day(2023, 5, 1), 100, a_exo);
    add_usage(fx, a, "EXO", day(2024, 7, 5), 999, NULL);
    add_usage(fx, a, "SPO", day(2023, 5, 1), 300, a_spo);
    add_usage(fx, a, "YAM", day(2023, 5, 1), 100, a_yam);
    add_usage(fx, b, "EXO", day(2023, 5, 1), 100, b_exo);
    add_usage(fx, b, "OD", day(2023, 5, 1), 100, NULL);
    add_usage(fx, c, "EXO", day(2024, 2, 1), 300, c_exo);
    store_entitlements_done(&fx->st);
}

/* The customer's pooled core AU and each core row's AU, month by month;
 * the last month equals core_au and au. */
static void test_facts__twelve_month_series(void **state)
{
    struct fixture *fx = *state;
    series_fixture(fx);
    build(fx, "2024-06");
    const struct facts *f = &fx->facts;
    /* A pooled: Jan (10 + 20) / 400 = 7.50 %; Feb 40 / 300 = 13.33 %; Mar
     * 30 / 100 = 30.00 %; Apr (40 + 80) / 400 = 30.00 %; May none; Jun
     * (50 + 101) / 400 = 37.75 %. YAM is not core. */
    const struct fact_customer *ca = customer_of(f, "A");
    static const int64_t a_pooled[12] = {-1,  -1,   -1,   -1,   -1, -1,
                                         750, 1333, 3000, 3000, -1, 3775};
    assert_months(&ca->core_au_months, a_pooled);
    assert_true(ca->core_au_defined);
    assert_int_equal(ca->core_au, 3775);
    /* A EXO: 10, _, 30, 40, _, 50 %; A SPO: 20/300 = 6.67, 40/300 = 13.33,
     * _, 80/300 = 26.67, _, 101/300 = 33.67 %. */
    static const int64_t a_exo[12] = {-1,   -1, -1,   -1,   -1, -1,
                                      1000, -1, 3000, 4000, -1, 5000};
    static const int64_t a_spo[12] = {-1,  -1,   -1, -1,   -1, -1,
                                      667, 1333, -1, 2667, -1, 3367};
    const struct fact_workload *r = &f->row[row_of(f, "A", "EXO")];
    assert_non_null(r->au_months);
    assert_months(r->au_months, a_exo);
    assert_int_equal(r->au, 5000);
    r = &f->row[row_of(f, "A", "SPO")];
    assert_months(r->au_months, a_spo);
    assert_int_equal(r->au, 3367);
    assert_null(f->row[row_of(f, "A", "YAM")].au_months);
    /* C: no June value, so no core AU now; January backfilled from the
     * QE 300 of 2024-02-01: 10 / 300 = 3.33 %; May 1 / 300 = 0.33 %. */
    const struct fact_customer *cc = customer_of(f, "C");
    static const int64_t c_pooled[12] = {-1,  -1, -1, -1, -1, -1,
                                         333, -1, -1, -1, 33, -1};
    assert_months(&cc->core_au_months, c_pooled);
    assert_false(cc->core_au_defined);
    /* B's OD has no usage: a core row whose months are all undefined */
    static const int64_t none[12] = {-1, -1, -1, -1, -1, -1,
                                     -1, -1, -1, -1, -1, -1};
    assert_months(f->row[row_of(f, "B", "OD")].au_months, none);
    /* every customer's last month is its core_au */
    for (size_t i = 0; i < f->n_customers; i++) {
        const struct fact_customer *c = &f->customer[i];
        assert_int_equal(c->core_au_months.defined[11], c->core_au_defined);
        if (c->core_au_defined)
            assert_int_equal(c->core_au_months.au[11], c->core_au);
    }
    done(fx);
}

/* Portfolio additions: measured Σ QE, the change from last month,
 * coverage, freshness; and the Goals. */
static void test_facts__portfolio_change_coverage_goals(void **state)
{
    struct fixture *fx = *state;
    series_fixture(fx);
    fx->cfg.workload[workload(fx, "EXO")].goal = 200;
    fx->cfg.workload[workload(fx, "SPO")].goal = 100;
    build(fx, "2024-06");
    const struct facts *f = &fx->facts;
    /* EXO: A 50/100 and B 60/100 measured (C has no June value): ae 110,
     * measured Σ QE 200, pooled 55.00 %; May: B 46 + C 1 over 100 + 300 =
     * 11.75 %; change 55 - 11.75 = 43.25 pp. Coverage: C, QE 300. */
    const struct fact_portfolio *p = portfolio_of(f, "EXO");
    assert_int_equal(p->customers, 3);
    assert_int_equal(p->qe, 500);
    assert_int_equal(p->measured, 2);
    assert_int_equal(p->ae, 110);
    assert_int_equal(p->measured_qe, 200);
    assert_int_equal(p->pooled_au, 5500);
    assert_int_equal(p->trend[10], 1175);
    assert_true(p->pooled_change_defined);
    assert_int_equal(p->pooled_change, 4325);
    assert_int_equal(p->no_usage, 1);
    assert_int_equal(p->no_usage_qe, 300);
    assert_int_equal(p->latest_usage, day(2024, 6, 28));
    /* Σ AE by month: Jan A 10 + C 10 = 20; Mar A 30 + B 20 = 50; Apr 40;
     * May 47; Jun 110. */
    static const uint64_t exo_ae[12] = {0,  0, 0,  0,  0,  0,
                                        20, 0, 50, 40, 47, 110};
    for (int k = 0; k < 12; k++)
        assert_int_equal(p->trend_ae[k], exo_ae[k]);
    assert_int_equal(p->trend_qe[6], 400);
    /* SPO: no May value anywhere, so no change; OD: B's QE 100 without
     * usage, nothing measured, no latest usage date. */
    p = portfolio_of(f, "SPO");
    assert_false(p->pooled_change_defined);
    assert_int_equal(p->no_usage, 0);
    p = portfolio_of(f, "OD");
    assert_int_equal(p->no_usage, 1);
    assert_int_equal(p->no_usage_qe, 100);
    assert_int_equal(p->measured_qe, 0);
    assert_false(p->pooled_defined);
    assert_false(p->pooled_change_defined);
    assert_int_equal(p->latest_usage, KPI_NO_DATE);
    /* Σ AE / measured Σ QE is the pooled AU of every row */
    for (size_t i = 0; i < f->n_portfolio; i++) {
        p = &f->portfolio[i];
        assert_int_equal(p->pooled_defined, p->measured_qe > 0);
        if (p->pooled_defined)
            assert_int_equal(kpi_au_centi(p->ae, p->measured_qe), p->pooled_au);
    }
    /* Freshness: the usage of 2024-06-28; the entitlement snapshot of
     * 2024-07-05 is after the window, so C's 2024-02-01 is the latest. */
    assert_int_equal(f->latest_snapshot, day(2024, 6, 28));
    assert_int_equal(f->latest_entitlement, day(2024, 2, 1));

    /* Goals, by code: EXO 200, OLM 8,100,000 (default, no row), SPO 100. */
    assert_int_equal(f->n_goals, 3);
    const struct fact_goal *g = &f->goal[0];
    assert_string_equal(facts_code(f, g->workload), "EXO");
    /* 110 / 200 = 55.00 %, gap 90; pace (110 - 50) / 3 = 20.00 a month;
     * months ceil(3 * 90 / 60) = ceil(4.5) = 5 */
    assert_int_equal(g->ae, 110);
    assert_true(g->progress_defined);
    assert_int_equal(g->progress, 5500);
    assert_int_equal(g->gap, 90);
    assert_true(g->ae_defined[8] && g->ae_defined[11] && !g->ae_defined[7]);
    assert_int_equal(g->ae_months[9], 40);
    assert_true(g->pace_defined);
    assert_int_equal(g->change_3m, 60);
    assert_int_equal(g->pace, 2000);
    assert_true(g->months_to_goal_defined);
    assert_int_equal(g->months_to_goal, 5);
    g = &f->goal[1];
    assert_string_equal(facts_code(f, g->workload), "OLM");
    assert_int_equal(g->goal, 8100000);
    assert_int_equal(g->ae, 0);
    assert_int_equal(g->progress, 0);
    assert_int_equal(g->gap, 8100000);
    assert_false(g->pace_defined);
    assert_false(g->months_to_goal_defined);
    g = &f->goal[2];
    assert_string_equal(facts_code(f, g->workload), "SPO");
    /* 101 / 100 = 101.00 %, gap 0; no SPO value in March: no pace */
    assert_int_equal(g->progress, 10100);
    assert_int_equal(g->gap, 0);
    assert_false(g->pace_defined);
    assert_false(g->months_to_goal_defined);
    done(fx);
}

/*
 * As of 2024-06, QE 100 everywhere (EXO target 50, SPO and OD 40):
 *   P  EMEA Zoe   EXO 30 % six months: plateau (5 months, Yellow); users to
 *                 goal 50 + 1 - 30 = 21; health Red (none reaches 40 %).
 *   L  EMEA (none) EXO 40 % in March, 35 % in June: LOSER (-5 pp), 16 to
 *                 goal; SPO 80 % in June (0 to goal): health Green.
 *   Q  APAC Zoe   EXO 60 % in June: no focus area, Yellow.
 *   R  APAC Adam  no workload, engagement 2024-01-01, no kickoff:
 *                 SLOW_KICKOFF; N/A.
 *   S  EMEA Adam  EXO and SPO 30 % six months (plateaus), OD 40 % then 35 %
 *                 (LOSER): Red, 3 under 40 %; 21 + 11 + 6 = 38 to goal.
 *   T  EMEA Zoe   nothing: N/A, no focus area.
 */
static void groups_fixture(struct fixture *fx)
{
    static const uint32_t flat[6] = {30, 30, 30, 30, 30, 30};
    static const uint32_t drop[6] = {0, 0, 40, 0, 0, 35};
    static const uint32_t june80[6] = {0, 0, 0, 0, 0, 80};
    static const uint32_t june60[6] = {0, 0, 0, 0, 0, 60};
    int32_t from = day(2023, 5, 1);
    uint32_t p = add_customer(fx, "P", "EMEA", "Zoe");
    uint32_t l = add_customer(fx, "L", "EMEA", "");
    uint32_t q = add_customer(fx, "Q", "APAC", "Zoe");
    uint32_t r = add_customer(fx, "R", "APAC", "Adam");
    uint32_t s = add_customer(fx, "S", "EMEA", "Adam");
    add_customer(fx, "T", "EMEA", "Zoe");
    fx->st.tenant[r].engagement_start = day(2024, 1, 1);
    assert_int_equal(store_customers_done(&fx->st), FTK_OK);
    add_usage(fx, p, "EXO", from, 100, flat);
    add_usage(fx, l, "EXO", from, 100, drop);
    add_usage(fx, l, "SPO", from, 100, june80);
    add_usage(fx, q, "EXO", from, 100, june60);
    add_usage(fx, s, "EXO", from, 100, flat);
    add_usage(fx, s, "SPO", from, 100, flat);
    add_usage(fx, s, "OD", from, 100, drop);
    store_entitlements_done(&fx->st);
}

static void assert_group(const struct fact_group *g, const char *name,
                         uint64_t customers, const uint64_t health[4],
                         uint64_t core_ae, uint64_t core_qe, int64_t to_goal,
                         uint64_t candidates, uint64_t plateaus,
                         uint64_t losers)
{
    assert_string_equal(g->name, name);
    assert_int_equal(g->customers, customers);
    for (int h = 0; h < 4; h++)
        assert_int_equal(g->health[h], health[h]);
    assert_int_equal(g->core_ae, core_ae);
    assert_int_equal(g->core_qe, core_qe);
    assert_int_equal(g->core_au_defined, core_qe > 0);
    if (core_qe > 0)
        assert_int_equal(g->core_au, kpi_au_centi(core_ae, core_qe));
    assert_int_equal(g->users_to_goal, to_goal);
    assert_int_equal(g->candidates, candidates);
    assert_int_equal(g->plateaus, plateaus);
    assert_int_equal(g->losers, losers);
}

/* By region and by FM (health counts in enum order: N/A, Red, Yellow,
 * Green). */
static void test_facts__rollups_by_region_and_fm(void **state)
{
    struct fixture *fx = *state;
    groups_fixture(fx);
    build(fx, "2024-06");
    const struct facts *f = &fx->facts;
    assert_int_equal(f->n_regions, 2);
    /* APAC: Q (Yellow, 60/100) and R (N/A); R a candidate */
    static const uint64_t apac[4] = {1, 0, 1, 0};
    assert_group(&f->region[0], "APAC", 2, apac, 60, 100, 0, 1, 0, 0);
    assert_int_equal(f->region[0].core_au, 6000);
    assert_string_equal(f->region[0].regions, "");
    /* EMEA: P Red, L Green, S Red, T N/A; core AE 30 + (35 + 80) + (30 +
     * 30 + 35) = 240 over 100 + 200 + 300 = 600: 40.00 %; to goal 21 + 16
     * + 38 = 75; plateaus P EXO, S EXO, S SPO; losers L EXO, S OD */
    static const uint64_t emea[4] = {1, 2, 0, 1};
    assert_group(&f->region[1], "EMEA", 4, emea, 240, 600, 75, 3, 3, 2);
    assert_int_equal(f->region[1].core_au, 4000);

    /* FMs by name, the empty one last */
    assert_int_equal(f->n_fms, 3);
    /* Adam: R (APAC, N/A), S (EMEA, Red): 95 / 300 = 31.67 % */
    static const uint64_t adam[4] = {1, 1, 0, 0};
    assert_group(&f->fm[0], "Adam", 2, adam, 95, 300, 38, 2, 2, 1);
    assert_int_equal(f->fm[0].core_au, 3167);
    assert_string_equal(f->fm[0].regions, "APAC, EMEA");
    /* Zoe: P (EMEA, Red), Q (APAC, Yellow), T (EMEA, N/A): 90 / 200 */
    static const uint64_t zoe[4] = {1, 1, 1, 0};
    assert_group(&f->fm[1], "Zoe", 3, zoe, 90, 200, 21, 1, 1, 0);
    assert_string_equal(f->fm[1].regions, "APAC, EMEA");
    /* no FM: L (EMEA, Green): 115 / 200 = 57.50 % */
    static const uint64_t none[4] = {0, 0, 0, 1};
    assert_group(&f->fm[2], "", 1, none, 115, 200, 16, 1, 0, 1);
    assert_int_equal(f->fm[2].core_au, 5750);
    assert_string_equal(f->fm[2].regions, "EMEA");
    done(fx);
}

/* One ranked row per candidate customer; their users to goal sum to the
 * sum over the candidate customers of customer_kpis. */
static void test_facts__candidate_customers_ranked(void **state)
{
    struct fixture *fx = *state;
    groups_fixture(fx);
    build(fx, "2024-06");
    const struct facts *f = &fx->facts;
    /* APAC: R (0 to goal); EMEA: S 38, P 21, L 16 */
    static const struct {
        const char *id;
        uint32_t rank, n;
    } want[] = {{"R", 1, 1}, {"S", 1, 3}, {"P", 2, 1}, {"L", 3, 1}};
    assert_int_equal(f->n_candidate_customers, 4);
    int64_t sum = 0, want_sum = 0;
    uint32_t next = 0;
    for (size_t i = 0; i < 4; i++) {
        const struct fact_candidate_customer *cc = &f->candidate_customer[i];
        assert_string_equal(tenant_id(f, cc->customer), want[i].id);
        assert_int_equal(cc->rank, want[i].rank);
        assert_int_equal(cc->n_candidates, want[i].n);
        /* its candidates are the next ones in facts.candidate */
        assert_int_equal(cc->first_candidate, next);
        for (uint32_t k = 0; k < cc->n_candidates; k++)
            assert_int_equal(f->candidate[next + k].customer, cc->customer);
        next += cc->n_candidates;
        sum += f->customer[cc->customer].users_to_goal;
    }
    assert_int_equal(next, f->n_candidates);
    for (size_t i = 0; i < f->n_customers; i++)
        if (f->customer[i].focus)
            want_sum += f->customer[i].users_to_goal;
    assert_int_equal(sum, 75);
    assert_int_equal(sum, want_sum);
    done(fx);
}

static const char *reason_of(const struct facts *f, const char *id)
{
    static char out[FACTS_TEXT_REASON_MAX];
    facts_text_health_reason(f, customer_of(f, id), out, sizeof(out));
    return out;
}

/* The health reasons and focus areas in words of the fixture. */
static void test_facts__health_reason_and_focus_words(void **state)
{
    struct fixture *fx = *state;
    groups_fixture(fx);
    build(fx, "2024-06");
    const struct facts *f = &fx->facts;
    /* code order: EXO, OD, SPO */
    assert_string_equal(reason_of(f, "S"),
                        "Red: 3 core workloads under 40 % (EXO 30.00 %, OD "
                        "35.00 %, SPO 30.00 %)");
    assert_string_equal(reason_of(f, "P"),
                        "Red: no core workload reaches 40 % (EXO 30.00 %)");
    assert_string_equal(reason_of(f, "L"), "Green: SPO above 70 % (80.00 %)");
    assert_string_equal(reason_of(f, "Q"),
                        "Yellow: EXO from 40 % to 70 % (60.00 %)");
    assert_string_equal(reason_of(f, "R"), "N/A: no core workload with an AU");
    /* the reason's word is the customer's health */
    for (size_t i = 0; i < f->n_customers; i++) {
        char out[FACTS_TEXT_REASON_MAX];
        const char *h = kpi_health_name(f->customer[i].health);
        facts_text_health_reason(f, &f->customer[i], out, sizeof(out));
        assert_memory_equal(out, h, strlen(h));
        assert_int_equal(out[strlen(h)], ':');
    }
    /* focus words: areas in table order, workloads in the
     * configuration's (EXO, OLM, SPO, OD, ...) */
    static const struct {
        const char *id, *words;
    } want[] = {
        {"S", "plateau on EXO, SPO; biggest loser on OD"},
        {"P", "plateau on EXO"},
        {"L", "biggest loser on EXO"},
        {"R", "slow kickoff"},
        {"Q", ""},
    };
    struct text t;
    text_init(&t);
    for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
        text_clear(&t);
        facts_text_focus_words(f, customer_of(f, want[i].id), &t);
        assert_false(text_failed(&t));
        assert_string_equal(text_str(&t), want[i].words);
    }
    text_release(&t);
    done(fx);
}

/* LARGE_POOR names the configured limit. */
static void test_facts__focus_words_large_poor(void **state)
{
    struct fixture *fx = *state;
    static const uint32_t low[6] = {0, 0, 0, 0, 0, 100};
    uint32_t b = add_customer(fx, "B", "EMEA", "Zoe");
    fx->st.tenant[b].seats = 20000;
    assert_int_equal(store_customers_done(&fx->st), FTK_OK);
    add_usage(fx, b, "EXO", day(2023, 5, 1), 1000, low);
    store_entitlements_done(&fx->st);
    build(fx, "2024-06");
    struct text t;
    text_init(&t);
    facts_text_focus_words(&fx->facts, &fx->facts.customer[0], &t);
    /* 100 / 1000 = 10 % under 20 %, and seats 20,000 >= 10,000 */
    assert_string_equal(text_str(&t), "large customer with AU under 20 %");
    text_release(&t);
    done(fx);
}

/* No customer at all: empty lists, not NULL dereferences. */
static void test_facts__empty_store_has_empty_lists(void **state)
{
    struct fixture *fx = *state;
    assert_int_equal(store_customers_done(&fx->st), FTK_OK);
    store_entitlements_done(&fx->st);
    build(fx, "2024-06");
    assert_int_equal(fx->facts.n_velocity, 0);
    assert_int_equal(fx->facts.n_plateau, 0);
    assert_int_equal(fx->facts.n_losers, 0);
    assert_int_equal(fx->facts.n_regions, 0);
    assert_int_equal(fx->facts.n_fms, 0);
    assert_int_equal(fx->facts.n_candidate_customers, 0);
    assert_int_equal(fx->facts.n_au_months, 0);
    assert_int_equal(fx->facts.n_goals, 2);
    done(fx);
}

static int str_cmp(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The customers come in tenant_id byte order, as strcmp orders the ids,
 * whatever the ids share: facts_build compares keys of eight bytes taken
 * after the prefix every id shares, then the bytes after them. */
static void test_facts__customers_in_strcmp_order(void **state)
{
    struct fixture *fx = *state;
    /* sets[k]: ids in store order; the first names the shared prefix */
    static const char *const set0[] = {
        "tenant-0000-b",         "tenant-0000-a",
        "tenant-0000-abcdefgh",  "tenant-0000-abcdefg",
        "tenant-0000-abcdefghi", "tenant-0000-abcdefgh\xC3\xA9",
        "tenant-0000-abcdefgz",  "tenant-0000-\xC3\xA9",
        "tenant-0000-",          "tenant-0000-abcdefgha",
        "tenant-0000-abcdefghZ", "tenant-0000-B"};
    static const char *const set1[] = {"ab",
                                       "abd",
                                       "abc",
                                       "ab\x7F",
                                       "ab\x80",
                                       "abcdefghijklmnop",
                                       "abcdefghijklmnoo",
                                       "abcdefgh",
                                       "abcdefghi"};
    static const char *const set2[] = {"T0000002", "T0000010",    "T0000001",
                                       "1c9a-4",   "T00000011",   "T000000",
                                       "ff",       "T0000001\x01"};
    const char *const *sets[] = {set0, set1, set2};
    const size_t sizes[] = {sizeof(set0) / sizeof(*set0),
                            sizeof(set1) / sizeof(*set1),
                            sizeof(set2) / sizeof(*set2)};
    for (size_t k = 0; k < 3; k++) {
        const char *want[16];
        for (size_t i = 0; i < sizes[k]; i++) {
            add_customer(fx, sets[k][i], "EMEA", "");
            want[i] = sets[k][i];
        }
        qsort(want, sizes[k], sizeof(*want), str_cmp);
        assert_int_equal(store_customers_done(&fx->st), FTK_OK);
        store_entitlements_done(&fx->st);
        build(fx, "2024-06");
        assert_int_equal(fx->facts.n_customers, sizes[k]);
        for (size_t i = 0; i < sizes[k]; i++)
            assert_string_equal(tenant_id(&fx->facts, (uint32_t)i), want[i]);
        done(fx);
        store_init(&fx->st, &fx->cfg);
    }
}

/* Ranks by tenant (known before the customers are) equal the ranks by
 * customer; a foreign tenant (another shard's, only its id known) is left
 * out and does not shift the others. */
static void test_facts__tenant_ranks_are_customer_ranks(void **state)
{
    struct fixture *fx = *state;
    add_customer(fx, "D", "NA", "Zoe");
    add_customer(fx, "A", "EMEA", "");
    add_customer(fx, "X", "AAA", "Adam");
    add_customer(fx, "C", "APAC", "Adam");
    add_customer(fx, "B", "EMEA", "Bea");
    assert_int_equal(store_customers_done(&fx->st), FTK_OK);
    store_entitlements_done(&fx->st);
    /* X: another shard's customer; its region would rank first */
    fx->st.tenant[2].foreign = true;
    fx->st.tenant[2].region = NULL;
    fx->st.tenant[2].fm = NULL;
    build(fx, "2024-06");
    const struct facts *f = &fx->facts;
    assert_int_equal(f->n_customers, 4);
    uint32_t by_tenant[5], by_customer[4];
    static const uint32_t region_want[5] = {2, 1, 0, 0, 1};
    static const uint32_t fm_want[5] = {3, 0, 0, 1, 2};
    for (int fm = 0; fm < 2; fm++) {
        assert_int_equal(facts_tenant_ranks(&fx->st, fm, by_tenant), FTK_OK);
        assert_int_equal(facts_customer_ranks(f, fm, by_customer), FTK_OK);
        for (size_t t = 0; t < 5; t++)
            if (t != 2)
                assert_int_equal(by_tenant[t],
                                 fm ? fm_want[t] : region_want[t]);
        for (size_t i = 0; i < f->n_customers; i++)
            assert_int_equal(by_customer[i], by_tenant[f->customer[i].tenant]);
    }
    done(fx);
}

/* ---- facts_subset: the facts of one FM's customers ---- */

/* The end of the CSV record at s (after its line end; quoted fields may
 * hold line ends), and its field k unquoted into out (cap bytes). */
static const char *csv_record(const char *s, int k, char *out, size_t cap)
{
    bool quoted = false;
    int field = 0;
    size_t n = 0;
    for (; *s; s++) {
        if (*s == '"') {
            quoted = !quoted;
            if (!quoted && s[1] == '"' && field == k && n + 1 < cap)
                out[n++] = '"';
            continue;
        }
        if (!quoted && *s == '\n') {
            out[n] = '\0';
            return s + 1;
        }
        if (!quoted && *s == ',') {
            field++;
            continue;
        }
        if (field == k && n + 1 < cap && *s != '\r')
            out[n++] = *s;
    }
    out[n] = '\0';
    return s;
}

static int id_cmp(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Copies the header and the records of src whose field k is one of the
 * n sorted ids to dst. */
static void filter_csv(const char *src, const char *dst, int k,
                       const char **ids, size_t n)
{
    char *text = scratch_read(src, NULL);
    FILE *out = fopen(dst, "wb");
    assert_non_null(out);
    char field[512];
    const char *p = text;
    for (bool header = true; *p; header = false) {
        const char *next = csv_record(p, k, field, sizeof(field));
        const char *key = field;
        if (header || bsearch(&key, ids, n, sizeof(*ids), id_cmp))
            fwrite(p, 1, (size_t)(next - p), out);
        p = next;
    }
    assert_int_equal(fclose(out), 0);
    test_free(text);
}

static void assert_months_equal(const struct fact_months *a,
                                const struct fact_months *b)
{
    for (int k = 0; k < FACTS_TREND_MONTHS; k++) {
        assert_int_equal(a->defined[k], b->defined[k]);
        if (a->defined[k])
            assert_int_equal(a->au[k], b->au[k]);
    }
}

static void assert_au_equal(const struct kpi_au *a, const struct kpi_au *b)
{
    assert_int_equal(a->has_value, b->has_value);
    assert_int_equal(a->ae, b->ae);
    assert_int_equal(a->qe_known, b->qe_known);
    assert_int_equal(a->qe, b->qe);
}

static const char *tenant_of_row(const struct facts *f, size_t i)
{
    return f->st->tenant[f->row[i].tenant].id;
}

static void assert_groups_equal(const struct fact_group *a,
                                const struct fact_group *b, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        assert_string_equal(a[i].name, b[i].name);
        assert_int_equal(a[i].customers, b[i].customers);
        for (int h = 0; h < 4; h++)
            assert_int_equal(a[i].health[h], b[i].health[h]);
        assert_int_equal(a[i].core_ae, b[i].core_ae);
        assert_int_equal(a[i].core_qe, b[i].core_qe);
        assert_int_equal(a[i].core_au_defined, b[i].core_au_defined);
        assert_int_equal(a[i].core_au, b[i].core_au);
        assert_int_equal(a[i].users_to_goal, b[i].users_to_goal);
        assert_int_equal(a[i].candidates, b[i].candidates);
        assert_int_equal(a[i].plateaus, b[i].plateaus);
        assert_int_equal(a[i].losers, b[i].losers);
        assert_string_equal(a[i].regions, b[i].regions);
    }
}

/* a (a subset) and b (built from a store of those customers only) hold
 * the same facts: every field, tenants compared by id. */
static void assert_facts_equal(const struct facts *a, const struct facts *b)
{
    assert_int_equal(a->as_of_month, b->as_of_month);
    assert_int_equal(a->latest_snapshot, b->latest_snapshot);
    assert_int_equal(a->latest_entitlement, b->latest_entitlement);
    for (int h = 0; h < 4; h++)
        assert_int_equal(a->health_count[h], b->health_count[h]);
    assert_int_equal(a->n_customers, b->n_customers);
    for (size_t i = 0; i < a->n_customers; i++) {
        const struct fact_customer *x = &a->customer[i], *y = &b->customer[i];
        assert_string_equal(tenant_id(a, (uint32_t)i),
                            tenant_id(b, (uint32_t)i));
        assert_int_equal(x->large_known, y->large_known);
        assert_int_equal(x->large, y->large);
        assert_int_equal(x->core_qe, y->core_qe);
        assert_int_equal(x->core_ae, y->core_ae);
        assert_int_equal(x->core_au_defined, y->core_au_defined);
        assert_int_equal(x->core_au, y->core_au);
        assert_int_equal(x->health, y->health);
        assert_int_equal(x->days_to_kickoff, y->days_to_kickoff);
        assert_int_equal(x->days_to_gateway, y->days_to_gateway);
        assert_int_equal(x->users_to_goal, y->users_to_goal);
        assert_int_equal(x->focus, y->focus);
        assert_int_equal(x->first_row, y->first_row);
        assert_int_equal(x->n_rows, y->n_rows);
        assert_months_equal(&x->core_au_months, &y->core_au_months);
    }
    assert_int_equal(a->n_rows, b->n_rows);
    for (size_t i = 0; i < a->n_rows; i++) {
        const struct fact_workload *x = &a->row[i], *y = &b->row[i];
        assert_string_equal(tenant_of_row(a, i), tenant_of_row(b, i));
        assert_int_equal(x->workload, y->workload);
        assert_au_equal(&x->value, &y->value);
        assert_int_equal(x->qe_known, y->qe_known);
        assert_int_equal(x->qe, y->qe);
        assert_int_equal(x->au_defined, y->au_defined);
        assert_int_equal(x->au, y->au);
        assert_int_equal(x->health, y->health);
        assert_string_equal(x->scenario, y->scenario);
        assert_int_equal(x->has_delta_1m, y->has_delta_1m);
        assert_int_equal(x->has_delta_3m, y->has_delta_3m);
        assert_int_equal(x->delta_1m, y->delta_1m);
        assert_int_equal(x->delta_3m, y->delta_3m);
        assert_int_equal(x->loser, y->loser);
        assert_au_equal(&x->value_3m_ago, &y->value_3m_ago);
        assert_int_equal(x->plateau_months, y->plateau_months);
        assert_int_equal(x->plateau, y->plateau);
        assert_au_equal(&x->plateau_anchor, &y->plateau_anchor);
        assert_int_equal(x->qe_backfilled, y->qe_backfilled);
        assert_int_equal(x->enabled_date, y->enabled_date);
        assert_int_equal(x->days_kickoff_to_enable, y->days_kickoff_to_enable);
        for (int k = 0; k < KPI_MILESTONES; k++)
            assert_int_equal(x->days_to[k], y->days_to[k]);
        assert_int_equal(x->has_users_to_goal, y->has_users_to_goal);
        assert_int_equal(x->users_to_goal, y->users_to_goal);
        assert_string_equal(x->status, y->status);
        assert_string_equal(x->tags, y->tags);
        assert_int_equal(x->core, y->core);
        assert_int_equal(x->slow_enable, y->slow_enable);
        assert_int_equal(x->slow_ramp, y->slow_ramp);
        assert_int_equal(!x->au_months, !y->au_months);
        if (x->au_months)
            assert_months_equal(x->au_months, y->au_months);
    }
    assert_int_equal(a->n_portfolio, b->n_portfolio);
    for (size_t i = 0; i < a->n_portfolio; i++) {
        const struct fact_portfolio *x = &a->portfolio[i],
                                    *y = &b->portfolio[i];
        assert_int_equal(x->workload, y->workload);
        assert_int_equal(x->customers, y->customers);
        assert_int_equal(x->qe, y->qe);
        assert_int_equal(x->measured, y->measured);
        assert_int_equal(x->ae, y->ae);
        assert_int_equal(x->pooled_defined, y->pooled_defined);
        assert_int_equal(x->pooled_au, y->pooled_au);
        assert_int_equal(x->mean_defined, y->mean_defined);
        assert_int_equal(x->mean_au, y->mean_au);
        assert_int_equal(x->pooled_health, y->pooled_health);
        for (int h = 0; h < 4; h++)
            assert_int_equal(x->count[h], y->count[h]);
        for (int k = 0; k < FACTS_TREND_MONTHS; k++) {
            assert_int_equal(x->trend_defined[k], y->trend_defined[k]);
            assert_int_equal(x->trend[k], y->trend[k]);
            assert_int_equal(x->trend_ae[k], y->trend_ae[k]);
            assert_int_equal(x->trend_qe[k], y->trend_qe[k]);
        }
        assert_int_equal(x->measured_qe, y->measured_qe);
        assert_int_equal(x->pooled_change_defined, y->pooled_change_defined);
        assert_int_equal(x->pooled_change, y->pooled_change);
        assert_int_equal(x->no_usage, y->no_usage);
        assert_int_equal(x->no_usage_qe, y->no_usage_qe);
        assert_int_equal(x->latest_usage, y->latest_usage);
    }
    assert_int_equal(a->n_goals, b->n_goals);
    for (size_t i = 0; i < a->n_goals; i++) {
        const struct fact_goal *x = &a->goal[i], *y = &b->goal[i];
        assert_int_equal(x->workload, y->workload);
        assert_int_equal(x->goal, y->goal);
        assert_int_equal(x->ae, y->ae);
        assert_int_equal(x->progress_defined, y->progress_defined);
        assert_int_equal(x->progress, y->progress);
        assert_int_equal(x->gap, y->gap);
        for (int k = 0; k < FACTS_TREND_MONTHS; k++) {
            assert_int_equal(x->ae_defined[k], y->ae_defined[k]);
            assert_int_equal(x->ae_months[k], y->ae_months[k]);
        }
        assert_int_equal(x->pace_defined, y->pace_defined);
        assert_int_equal(x->change_3m, y->change_3m);
        assert_int_equal(x->pace, y->pace);
        assert_int_equal(x->months_to_goal_defined, y->months_to_goal_defined);
        assert_int_equal(x->months_to_goal, y->months_to_goal);
    }
    assert_int_equal(a->n_candidates, b->n_candidates);
    for (size_t i = 0; i < a->n_candidates; i++) {
        const struct fact_candidate *x = &a->candidate[i],
                                    *y = &b->candidate[i];
        assert_int_equal(x->customer, y->customer);
        assert_int_equal(x->area, y->area);
        assert_int_equal(x->workload, y->workload);
        assert_string_equal(x->detail, y->detail);
    }
    assert_int_equal(a->n_candidate_customers, b->n_candidate_customers);
    for (size_t i = 0; i < a->n_candidate_customers; i++) {
        const struct fact_candidate_customer *x = &a->candidate_customer[i],
                                             *y = &b->candidate_customer[i];
        assert_int_equal(x->customer, y->customer);
        assert_int_equal(x->rank, y->rank);
        assert_int_equal(x->first_candidate, y->first_candidate);
        assert_int_equal(x->n_candidates, y->n_candidates);
    }
    assert_int_equal(a->n_velocity, b->n_velocity);
    for (size_t i = 0; i < a->n_velocity; i++) {
        assert_int_equal(a->velocity[i].customer, b->velocity[i].customer);
        assert_int_equal(a->velocity[i].row, b->velocity[i].row);
        assert_int_equal(a->velocity[i].focus, b->velocity[i].focus);
        assert_string_equal(a->velocity[i].findings, b->velocity[i].findings);
    }
    assert_int_equal(a->n_plateau, b->n_plateau);
    for (size_t i = 0; i < a->n_plateau; i++)
        assert_int_equal(a->plateau[i], b->plateau[i]);
    assert_int_equal(a->n_losers, b->n_losers);
    for (size_t i = 0; i < a->n_losers; i++)
        assert_int_equal(a->loser[i], b->loser[i]);
    assert_int_equal(a->n_au_months, b->n_au_months);
    assert_int_equal(a->n_regions, b->n_regions);
    assert_groups_equal(a->region, b->region, a->n_regions);
    assert_int_equal(a->n_fms, b->n_fms);
    assert_groups_equal(a->fm, b->fm, a->n_fms);
}

/* The rows (after the header) a CSV writer gives for f, or for f's
 * playbook, in dir/name. */
static char *csv_of(const char *dir, const char *name,
                    bool (*of_facts)(FILE *, const struct facts *),
                    bool (*of_pb)(FILE *, const struct playbook *),
                    const struct facts *f, const struct playbook *pb)
{
    char path[256];
    snprintf(path, sizeof(path), "%s/%s", dir, name);
    FILE *out = fopen(path, "wb");
    assert_non_null(out);
    assert_true(of_facts ? of_facts(out, f) : of_pb(out, pb));
    assert_int_equal(fclose(out), 0);
    return scratch_read(path, NULL);
}

static const struct {
    const char *name;
    int tenant_field;
    bool (*of_facts)(FILE *, const struct facts *);
    bool (*of_pb)(FILE *, const struct playbook *);
} csv_outputs[] = {
    {"workload_kpis.csv", 1, report_csv_workload_kpis, NULL},
    {"customer_kpis.csv", 1, report_csv_customer_kpis, NULL},
    {"cohort_candidates.csv", 2, report_csv_candidates, NULL},
    {"next_actions.csv", 3, NULL, playbook_csv_next_actions},
    {"exec_summaries.csv", 3, NULL, playbook_csv_exec_summaries},
};

/* samples/ (300 customers, 12 FMs and customers without one): for each
 * FM, the subset of its customers has exactly the facts facts_build
 * gives on a store of only their rows of the three extracts (every
 * portfolio, goal, group, candidate, list and series field); the CSVs of
 * the subset and its playbook are the full run's rows of those customers;
 * and the FM books partition the customers. */
static void test_facts__subset_is_a_store_of_its_customers(void **state)
{
    struct fixture *fx = *state;
    static const char *const names[] = {"customers.csv", "entitlements.csv",
                                        "usage.csv"};
    static const enum extract_kind kinds[] = {
        EXTRACT_CUSTOMERS, EXTRACT_ENTITLEMENTS, EXTRACT_USAGE};
    char dir[128], src[256], dst[256];
    struct ftk_diag diag = {{0}};
    assert_true(scratch_make(dir, sizeof(dir), "ftkpi-subset"));
    for (int i = 0; i < 3; i++) {
        struct extract_stats stats;
        memset(&stats, 0, sizeof(stats));
        if (i == 1)
            assert_int_equal(store_customers_done(&fx->st), FTK_OK);
        if (i == 2)
            store_entitlements_done(&fx->st);
        snprintf(src, sizeof(src), "samples/%s", names[i]);
        assert_int_equal(
            extract_file(&fx->st, &fx->rj, kinds[i], src, &stats, &diag),
            FTK_OK);
    }
    build(fx, "2026-10");
    const struct facts *all = &fx->facts;
    struct playbook pb_all;
    assert_int_equal(playbook_init(&pb_all, all, &diag), FTK_OK);
    char *all_csv[5];
    for (size_t k = 0; k < 5; k++)
        all_csv[k] = csv_of(dir, csv_outputs[k].name, csv_outputs[k].of_facts,
                            csv_outputs[k].of_pb, all, &pb_all);
    struct fm_books books;
    assert_int_equal(fm_books_plan(&books, all, &diag), FTK_OK);
    assert_int_equal(books.n, all->n_fms);
    assert_true(books.n >= 3);
    assert_string_equal(books.book[books.n - 1].fm, "");

    unsigned *seen = test_calloc(all->n_customers, sizeof(*seen));
    for (size_t b = 0; b < books.n; b++) {
        const struct fm_book *book = &books.book[b];
        /* the subset */
        struct facts sub;
        assert_int_equal(
            facts_subset(&sub, all, book->customer, book->n_customers, &diag),
            FTK_OK);
        const char **ids = test_malloc(book->n_customers * sizeof(*ids));
        for (size_t i = 0; i < book->n_customers; i++) {
            uint32_t c = book->customer[i];
            seen[c]++;
            assert_string_equal(all->st->tenant[all->customer[c].tenant].fm,
                                book->fm);
            ids[i] = tenant_id(all, c);
        }
        qsort(ids, book->n_customers, sizeof(*ids), id_cmp);
        /* a store of only their data */
        struct config cfg;
        struct store st;
        struct rejects rj;
        struct facts only;
        assert_int_equal(config_load(&cfg, NULL, &diag), FTK_OK);
        store_init(&st, &cfg);
        rejects_init(&rj, NULL);
        for (int i = 0; i < 3; i++) {
            struct extract_stats stats;
            memset(&stats, 0, sizeof(stats));
            snprintf(src, sizeof(src), "samples/%s", names[i]);
            snprintf(dst, sizeof(dst), "%s/only-%s", dir, names[i]);
            filter_csv(src, dst, 0, ids, book->n_customers);
            if (i == 1)
                assert_int_equal(store_customers_done(&st), FTK_OK);
            if (i == 2)
                store_entitlements_done(&st);
            assert_int_equal(
                extract_file(&st, &rj, kinds[i], dst, &stats, &diag), FTK_OK);
        }
        assert_int_equal(facts_build(&only, &st, all->as_of_month, &diag),
                         FTK_OK);
        assert_int_equal(only.n_customers, book->n_customers);
        assert_facts_equal(&sub, &only);
        facts_release(&only);
        store_release(&st);
        config_release(&cfg);

        /* its CSVs and playbook: the full run's rows of its customers */
        struct playbook pb;
        assert_int_equal(playbook_init(&pb, &sub, &diag), FTK_OK);
        for (size_t k = 0; k < 5; k++) {
            snprintf(src, sizeof(src), "%s/all-%s", dir, csv_outputs[k].name);
            scratch_write_text(src, all_csv[k]);
            snprintf(dst, sizeof(dst), "%s/want-%s", dir, csv_outputs[k].name);
            filter_csv(src, dst, csv_outputs[k].tenant_field, ids,
                       book->n_customers);
            char *want = scratch_read(dst, NULL);
            char *got =
                csv_of(dir, csv_outputs[k].name, csv_outputs[k].of_facts,
                       csv_outputs[k].of_pb, &sub, &pb);
            assert_string_equal(got, want);
            test_free(want);
            test_free(got);
        }
        playbook_release(&pb);
        test_free(ids);
        facts_release(&sub);
    }
    for (size_t i = 0; i < all->n_customers; i++)
        assert_int_equal(seen[i], 1);
    test_free(seen);
    fm_books_release(&books);
    for (size_t k = 0; k < 5; k++)
        test_free(all_csv[k]);
    playbook_release(&pb_all);
    scratch_remove(dir);
    done(fx);
}

/* Customers out of order or past the end are refused. */
static void test_facts__subset_refuses_unordered_customers(void **state)
{
    struct fixture *fx = *state;
    add_tenant(fx, "A", day(2024, 1, 1), day(2024, 1, 10));
    add_tenant(fx, "B", day(2024, 1, 1), day(2024, 1, 10));
    assert_int_equal(store_customers_done(&fx->st), FTK_OK);
    build(fx, "2024-06");
    struct facts sub;
    struct ftk_diag diag = {{0}};
    const uint32_t backwards[] = {1, 0}, twice[] = {0, 0}, past[] = {2};
    assert_int_equal(facts_subset(&sub, &fx->facts, backwards, 2, &diag),
                     FTK_E_USAGE);
    assert_int_equal(facts_subset(&sub, &fx->facts, twice, 2, &diag),
                     FTK_E_USAGE);
    assert_int_equal(facts_subset(&sub, &fx->facts, past, 1, &diag),
                     FTK_E_USAGE);
    assert_int_equal(facts_subset(&sub, &fx->facts, NULL, 0, &diag), FTK_OK);
    assert_int_equal(sub.n_customers, 0);
    assert_int_equal(sub.n_fms, 0);
    facts_release(&sub);
    done(fx);
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_facts__velocity_of_the_fixture),
        T(test_facts__worst_first_order),
        T(test_facts__empty_store_has_empty_lists),
        T(test_facts__customers_in_strcmp_order),
        T(test_facts__tenant_ranks_are_customer_ranks),
        T(test_facts__twelve_month_series),
        T(test_facts__portfolio_change_coverage_goals),
        T(test_facts__rollups_by_region_and_fm),
        T(test_facts__candidate_customers_ranked),
        T(test_facts__health_reason_and_focus_words),
        T(test_facts__focus_words_large_poor),
        T(test_facts__subset_is_a_store_of_its_customers),
        T(test_facts__subset_refuses_unordered_customers),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
