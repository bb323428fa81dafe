/*
 * tests/unit/test_kpi.c - the KPI math of docs/kpis.md at its boundaries.
 * Every expected value is computed by hand from the definitions there, not
 * by the code under test.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "kpi/date.h"
#include "kpi/kpi.h"

static struct kpi_au au(uint32_t ae, uint32_t qe)
{
    struct kpi_au v = {true, true, ae, qe};
    return v;
}

/* The three ways an AU is undefined: no usage snapshot in the month, no
 * entitlement snapshot at all, a QE of 0. */
static const struct kpi_au no_value = {false, true, 10, 100};
static const struct kpi_au qe_unknown = {true, false, 10, 100};
static const struct kpi_au qe_zero = {true, true, 10, 0};

static const struct kpi_thresholds spo = {KPI_PCT(40), KPI_PCT(20)};
static const struct kpi_thresholds exo = {KPI_PCT(50), KPI_PCT(20)};
static const struct kpi_thresholds opp = {KPI_PCT(70), KPI_PCT(40)};

static const struct kpi_customer_bands bands = {KPI_PCT(40), KPI_PCT(70), 2};

static const struct kpi_focus_limits limits = {
    10000, KPI_PCT(20), KPI_PCT(-5), 30, 90, {60, 180, 365}};

static enum kpi_health health(uint32_t ae, uint32_t qe,
                              const struct kpi_thresholds *t)
{
    struct kpi_au v = au(ae, qe);
    return kpi_workload_health(&v, t);
}

static void test_kpi__au_defined_needs_value_and_positive_qe(void **state)
{
    (void)state;
    struct kpi_au zero_ae = au(0, 5);
    assert_true(kpi_au_defined(&zero_ae));
    assert_false(kpi_au_defined(&no_value));
    assert_false(kpi_au_defined(&qe_unknown));
    assert_false(kpi_au_defined(&qe_zero));
}

static void test_kpi__au_cmp_is_exact_at_the_threshold(void **state)
{
    (void)state;
    assert_int_equal(kpi_au_cmp(2, 5, KPI_PCT(40)), 0);
    assert_int_equal(kpi_au_cmp(41, 100, KPI_PCT(40)), 1);
    assert_int_equal(kpi_au_cmp(39, 100, KPI_PCT(40)), -1);
    assert_int_equal(kpi_au_cmp(81, 200, 405000), 0);
    /* 1/3 against 33.3333 %: a hair above. */
    assert_int_equal(kpi_au_cmp(1, 3, 333333), 1);
    assert_int_equal(kpi_au_cmp(1, 3, 333334), -1);
    /* The extremes of the inputs: no product may overflow. */
    assert_int_equal(kpi_au_cmp(2000000000, 2000000000, KPI_PCT(100)), 0);
    assert_int_equal(kpi_au_cmp(2000000000, 1999999999, KPI_PCT(100)), 1);
    assert_int_equal(kpi_au_cmp(1999999999, 2000000000, KPI_PCT(100)), -1);
    assert_int_equal(kpi_au_cmp(0, UINT64_MAX, INT64_MAX), -1);
    assert_int_equal(kpi_au_cmp(UINT64_MAX, 1, INT64_MIN), 1);
    assert_int_equal(kpi_au_cmp(UINT64_MAX, UINT64_MAX, INT64_MAX), -1);
    assert_int_equal(kpi_au_cmp(0, UINT64_MAX, INT64_MIN), 1);
}

static void test_kpi__spo_health_at_its_boundaries(void **state)
{
    (void)state;
    assert_int_equal(health(2, 5, &spo), KPI_HEALTH_YELLOW); /* 40 */
    assert_int_equal(health(41, 100, &spo), KPI_HEALTH_GREEN);
    assert_int_equal(health(1, 5, &spo), KPI_HEALTH_YELLOW); /* 20 */
    assert_int_equal(health(19, 100, &spo), KPI_HEALTH_RED);
    assert_int_equal(health(400001, 1000000, &spo), KPI_HEALTH_GREEN);
    assert_int_equal(health(199999, 1000000, &spo), KPI_HEALTH_RED);
    assert_int_equal(health(0, 100, &spo), KPI_HEALTH_RED);
}

static void test_kpi__exo_health_at_its_boundaries(void **state)
{
    (void)state;
    assert_int_equal(health(1, 2, &exo), KPI_HEALTH_YELLOW); /* 50 */
    assert_int_equal(health(50001, 100000, &exo), KPI_HEALTH_GREEN);
    assert_int_equal(health(1, 5, &exo), KPI_HEALTH_YELLOW); /* 20 */
    assert_int_equal(health(19999, 100000, &exo), KPI_HEALTH_RED);
}

static void test_kpi__opp_health_at_its_boundaries(void **state)
{
    (void)state;
    assert_int_equal(health(7, 10, &opp), KPI_HEALTH_YELLOW); /* 70 */
    assert_int_equal(health(7001, 10000, &opp), KPI_HEALTH_GREEN);
    assert_int_equal(health(2, 5, &opp), KPI_HEALTH_YELLOW); /* 40 */
    assert_int_equal(health(3999, 10000, &opp), KPI_HEALTH_RED);
}

static void test_kpi__health_na_when_au_undefined(void **state)
{
    (void)state;
    assert_int_equal(kpi_workload_health(&no_value, &spo), KPI_HEALTH_NA);
    assert_int_equal(kpi_workload_health(&qe_unknown, &spo), KPI_HEALTH_NA);
    assert_int_equal(kpi_workload_health(&qe_zero, &spo), KPI_HEALTH_NA);
}

static void test_kpi__health_works_above_100_percent(void **state)
{
    (void)state;
    assert_int_equal(health(150, 100, &opp), KPI_HEALTH_GREEN);
    assert_int_equal(health(2000000000, 1, &opp), KPI_HEALTH_GREEN);
    assert_int_equal(kpi_au_centi(150, 100), 15000);
    /* A threshold above 100 % is still compared exactly. */
    struct kpi_thresholds high = {KPI_PCT(150), KPI_PCT(120)};
    assert_int_equal(health(150, 100, &high), KPI_HEALTH_YELLOW);
    assert_int_equal(health(151, 100, &high), KPI_HEALTH_GREEN);
    assert_int_equal(health(119, 100, &high), KPI_HEALTH_RED);
}

static void test_kpi__health_with_decimal_thresholds(void **state)
{
    (void)state;
    struct kpi_thresholds t = {405000, 205000};
    assert_int_equal(health(81, 200, &t), KPI_HEALTH_YELLOW); /* 40.5 */
    assert_int_equal(health(82, 200, &t), KPI_HEALTH_GREEN);
    assert_int_equal(health(41, 200, &t), KPI_HEALTH_YELLOW); /* 20.5 */
    assert_int_equal(health(40, 200, &t), KPI_HEALTH_RED);
}

/* Pooled sums past 32 bits, on the same exact bands: SPO 40 / 20. */
static void test_kpi__ratio_health_of_large_sums(void **state)
{
    (void)state;
    uint64_t qe = UINT64_C(10000000000); /* 10 billion */
    assert_int_equal(kpi_ratio_health(qe * 2 / 5, qe, &spo),
                     KPI_HEALTH_YELLOW); /* exactly 40 % */
    assert_int_equal(kpi_ratio_health(qe * 2 / 5 + 1, qe, &spo),
                     KPI_HEALTH_GREEN);
    assert_int_equal(kpi_ratio_health(qe / 5, qe, &spo),
                     KPI_HEALTH_YELLOW); /* exactly 20 % */
    assert_int_equal(kpi_ratio_health(qe / 5 - 1, qe, &spo), KPI_HEALTH_RED);
    assert_int_equal(kpi_ratio_health(5, 0, &spo), KPI_HEALTH_NA);
}

static void test_kpi__health_names(void **state)
{
    (void)state;
    assert_string_equal(kpi_health_name(KPI_HEALTH_NA), "N/A");
    assert_string_equal(kpi_health_name(KPI_HEALTH_RED), "Red");
    assert_string_equal(kpi_health_name(KPI_HEALTH_YELLOW), "Yellow");
    assert_string_equal(kpi_health_name(KPI_HEALTH_GREEN), "Green");
}

static const char *scenario(uint32_t ae, uint32_t qe)
{
    struct kpi_au v = au(ae, qe);
    return kpi_exo_scenario(&v);
}

static void test_kpi__exo_scenario_bounds_are_inclusive(void **state)
{
    (void)state;
    assert_string_equal(scenario(1, 10), "10-40%");
    assert_string_equal(scenario(2, 5), "10-40%");
    assert_string_equal(scenario(999, 10000), "<10%");
    assert_string_equal(scenario(4001, 10000), ">40%");
    assert_string_equal(scenario(0, 10), "<10%");
    assert_string_equal(scenario(3, 2), ">40%");
    assert_string_equal(kpi_exo_scenario(&no_value), "");
    assert_string_equal(kpi_exo_scenario(&qe_unknown), "");
    assert_string_equal(kpi_exo_scenario(&qe_zero), "");
}

static void test_kpi__pct_round_half_away_from_zero(void **state)
{
    (void)state;
    assert_int_equal(kpi_pct_round(1, 8), 1250);
    assert_int_equal(kpi_pct_round(1, 3), 3333);
    assert_int_equal(kpi_pct_round(2, 3), 6667);
    assert_int_equal(kpi_pct_round(-1, 3), -3333);
    assert_int_equal(kpi_pct_round(-2, 3), -6667);
    assert_int_equal(kpi_pct_round(-5255, 100000), -526); /* -5.255 % */
    assert_int_equal(kpi_pct_round(5255, 100000), 526);
    assert_int_equal(kpi_pct_round(1, 20000), 1); /* 0.005 % */
    assert_int_equal(kpi_pct_round(-1, 20000), -1);
    assert_int_equal(kpi_pct_round(1, 20001), 0);
    assert_int_equal(kpi_pct_round(-1, 20001), 0);
    assert_int_equal(kpi_pct_round(0, 7), 0);
    /* A product of two QEs as the denominator. */
    kpi_i128 q = 2000000000;
    assert_int_equal(kpi_pct_round(q * q, q * q), 10000);
    assert_int_equal(kpi_pct_round(q * q - 1, q * q), 10000);
    assert_int_equal(kpi_pct_round(-(q * q / 3), q * q), -3333);
    assert_int_equal(kpi_pct_round(q * q / 8, q * q), 1250);
}

static void test_kpi__au_centi(void **state)
{
    (void)state;
    assert_int_equal(kpi_au_centi(1, 8), 1250);
    assert_int_equal(kpi_au_centi(2, 3), 6667);
    assert_int_equal(kpi_au_centi(0, 9), 0);
    assert_int_equal(kpi_au_centi(2000000000, 1), 20000000000000);
    /* halves round away from zero: 0.5 and 1.5 hundredths */
    assert_int_equal(kpi_au_centi(1, 20000), 1);
    assert_int_equal(kpi_au_centi(3, 20000), 2);
    assert_int_equal(kpi_au_centi(1, 20001), 0);
    /* the 64-bit path and kpi_pct_round's 128-bit one agree on both sides
     * of where the first stops, on halves and on the largest values */
    static const uint64_t ae[] = {0,
                                  1,
                                  5,
                                  UINT32_MAX,
                                  (uint64_t)INT64_MAX / 10000 - 1,
                                  (uint64_t)INT64_MAX / 10000,
                                  (uint64_t)INT64_MAX / 10000 + 1,
                                  UINT64_MAX / 10000 + 7};
    static const uint64_t qe[] = {
        1, 2, 3, 8, 400, 7919, 20000, UINT32_MAX, (uint64_t)INT64_MAX / 10000};
    for (size_t i = 0; i < sizeof(ae) / sizeof(*ae); i++)
        for (size_t k = 0; k < sizeof(qe) / sizeof(*qe); k++) {
            if ((kpi_i128)ae[i] * 10000 / (kpi_i128)qe[k] >= INT64_MAX)
                continue; /* beyond kpi_centi either way */
            assert_int_equal(kpi_au_centi(ae[i], qe[k]),
                             kpi_pct_round((kpi_i128)ae[i], (kpi_i128)qe[k]));
        }
}

static void check_centi(kpi_centi v, const char *want)
{
    char out[32];
    memset(out, 'Z', sizeof out);
    kpi_centi_format(v, out);
    assert_string_equal(out, want);
}

static void test_kpi__centi_format(void **state)
{
    (void)state;
    check_centi(3750, "37.50");
    check_centi(-525, "-5.25");
    check_centi(0, "0.00");
    check_centi(5, "0.05");
    check_centi(-5, "-0.05");
    check_centi(-50, "-0.50");
    check_centi(100, "1.00");
    check_centi(20000000000000, "200000000000.00");
    check_centi(INT64_MAX, "92233720368547758.07");
    check_centi(INT64_MIN, "-92233720368547758.08");
}

static void check_parse(const char *s, kpi_pct want)
{
    kpi_pct got = 12345;
    assert_true(kpi_pct_parse(s, &got));
    assert_int_equal(got, want);
}

static void check_reject(const char *s)
{
    kpi_pct got = 12345;
    assert_false(kpi_pct_parse(s, &got));
    assert_int_equal(got, 12345);
}

static void test_kpi__pct_parse_accepts_decimals(void **state)
{
    (void)state;
    check_parse("40", 400000);
    check_parse("40.5", 405000);
    check_parse("0.0001", 1);
    check_parse("-5", -50000);
    check_parse("-0.25", -2500);
    check_parse("0", 0);
    check_parse("007", 70000);
    check_parse("12.3456", 123456);
    check_parse("999999999.9999", 9999999999999);
    check_parse("-999999999.9999", -9999999999999);
}

static void test_kpi__pct_parse_rejects_the_rest(void **state)
{
    (void)state;
    check_reject("");
    check_reject("4e1");
    check_reject("40.12345");
    check_reject(" 40");
    check_reject("40 ");
    check_reject("1,000");
    check_reject("--5");
    check_reject("-");
    check_reject("+5");
    check_reject(".5");
    check_reject("40.");
    check_reject("40.5.1");
    check_reject("4 0");
    check_reject("40%");
    check_reject("1000000000");
    check_reject("-1000000000");
    check_reject("99999999999999999999999999");
}

static void check_pct_format(kpi_pct v, const char *want)
{
    char out[32];
    kpi_pct back = 12345;
    memset(out, 'Z', sizeof out);
    kpi_pct_format(v, out);
    assert_string_equal(out, want);
    assert_true(kpi_pct_parse(out, &back));
    assert_int_equal(back, v);
}

static void test_kpi__pct_format_uses_few_decimals(void **state)
{
    (void)state;
    check_pct_format(400000, "40");
    check_pct_format(405000, "40.5");
    check_pct_format(-50000, "-5");
    check_pct_format(1, "0.0001");
    check_pct_format(0, "0");
    check_pct_format(-2500, "-0.25");
    check_pct_format(123456, "12.3456");
    check_pct_format(100010, "10.001");
    check_pct_format(9999999999999, "999999999.9999");
}

static bool delta(struct kpi_au now, struct kpi_au then, kpi_centi *out)
{
    return kpi_delta_pp(&now, &then, out);
}

static void test_kpi__delta_pp_rounds_exact_difference(void **state)
{
    (void)state;
    kpi_centi d = 777;
    assert_true(delta(au(45, 100), au(50, 100), &d));
    assert_int_equal(d, -500);
    assert_true(delta(au(1, 3), au(1, 6), &d)); /* 16.666... pp */
    assert_int_equal(d, 1667);
    assert_true(delta(au(1, 6), au(1, 3), &d));
    assert_int_equal(d, -1667);
    /* 1/8 - 0/1 = 12.5 pp; 0.005 pp rounds away from zero both ways. */
    assert_true(delta(au(1, 8), au(0, 1), &d));
    assert_int_equal(d, 1250);
    assert_true(delta(au(1, 20000), au(0, 1), &d));
    assert_int_equal(d, 1);
    assert_true(delta(au(0, 1), au(1, 20000), &d));
    assert_int_equal(d, -1);
    assert_true(delta(au(2000000000, 2000000000), au(0, 1999999999), &d));
    assert_int_equal(d, 10000);
}

static void test_kpi__delta_pp_undefined_either_side(void **state)
{
    (void)state;
    struct kpi_au v = au(1, 2);
    kpi_centi d = 777;
    assert_false(kpi_delta_pp(&v, &no_value, &d));
    assert_false(kpi_delta_pp(&no_value, &v, &d));
    assert_false(kpi_delta_pp(&v, &qe_zero, &d));
    assert_false(kpi_delta_pp(&qe_unknown, &v, &d));
    assert_int_equal(d, 777);
}

static bool at_most(struct kpi_au now, struct kpi_au then, kpi_pct limit)
{
    return kpi_delta_at_most(&now, &then, limit);
}

static void test_kpi__delta_at_most_is_exact(void **state)
{
    (void)state;
    assert_true(at_most(au(45, 100), au(50, 100), KPI_PCT(-5)));
    assert_false(at_most(au(4501, 10000), au(50, 100), KPI_PCT(-5)));
    assert_true(at_most(au(4499, 10000), au(50, 100), KPI_PCT(-5)));
    /* 1/3 - 23/60 is exactly -5 pp, from two non-terminating AUs. */
    assert_true(at_most(au(1, 3), au(23, 60), KPI_PCT(-5)));
    assert_false(at_most(au(1, 3), au(23, 60), -50001));
    /* Different QEs: 90/200 = 45 % against 50 %. */
    assert_true(at_most(au(90, 200), au(1, 2), KPI_PCT(-5)));
    assert_true(at_most(au(1, 2), au(1, 2), 0));
    assert_false(at_most(au(1, 2), au(1, 2), -1));
}

static void test_kpi__delta_at_most_false_when_undefined(void **state)
{
    (void)state;
    struct kpi_au low = au(0, 100);
    assert_false(kpi_delta_at_most(&low, &no_value, KPI_PCT(-5)));
    assert_false(kpi_delta_at_most(&no_value, &low, KPI_PCT(100)));
    assert_false(kpi_delta_at_most(&low, &qe_zero, KPI_PCT(100)));
    assert_false(kpi_delta_at_most(&qe_unknown, &low, KPI_PCT(100)));
}

#define N_OF(a) (sizeof(a) / sizeof((a)[0]))

static void test_kpi__plateau_is_largest_k_not_first_failure(void **state)
{
    (void)state;
    /* Anchor 54 fails (46 is 8 pp off), anchor 50 holds (54, 46, 50 all
     * within 4), anchor 30 fails: L = 3. */
    struct kpi_au v[] = {au(30, 100), au(50, 100), au(54, 100), au(46, 100),
                         au(50, 100)};
    assert_int_equal(kpi_plateau_months(v, N_OF(v), KPI_PCT(5)), 3);
}

static void test_kpi__plateau_measures_from_the_anchor(void **state)
{
    (void)state;
    /* A slow drift: each step is 4 pp, but 58 is 8 pp off anchor 50. */
    struct kpi_au v[] = {au(50, 100), au(54, 100), au(58, 100)};
    assert_int_equal(kpi_plateau_months(v, N_OF(v), KPI_PCT(5)), 1);
}

static void test_kpi__plateau_gap_limits_k(void **state)
{
    (void)state;
    struct kpi_au v[] = {au(50, 100), au(50, 100), au(50, 100), au(50, 100),
                         au(50, 100)};
    v[1] = no_value;
    assert_int_equal(kpi_plateau_months(v, N_OF(v), KPI_PCT(5)), 2);
    v[1] = qe_zero;
    assert_int_equal(kpi_plateau_months(v, N_OF(v), KPI_PCT(5)), 2);
    v[1] = au(50, 100);
    v[2] = qe_unknown;
    assert_int_equal(kpi_plateau_months(v, N_OF(v), KPI_PCT(5)), 1);
    v[2] = au(50, 100);
    v[3] = no_value;
    assert_int_equal(kpi_plateau_months(v, N_OF(v), KPI_PCT(5)), 0);

    /* A gap is a gap even when its stale numbers would sit in the band. */
    struct kpi_au stale = {false, true, 50, 100};
    struct kpi_au unknown = {true, false, 50, 100};
    struct kpi_au zero = {true, true, 0, 0};
    struct kpi_au w[] = {au(50, 100), stale, au(50, 100), unknown,
                         au(50, 100), zero,  au(50, 100), au(50, 100)};
    assert_int_equal(kpi_plateau_months(w, N_OF(w), KPI_PCT(5)), 1);
    w[5] = au(50, 100);
    assert_int_equal(kpi_plateau_months(w, N_OF(w), KPI_PCT(5)), 3);
    w[3] = au(50, 100);
    assert_int_equal(kpi_plateau_months(w, N_OF(w), KPI_PCT(5)), 5);
}

/* The plateau as docs/kpis.md defines it, anchor by anchor and month by
 * month: kpi_plateau_months must give the same k. */
static int plateau_by_definition(const struct kpi_au *v, size_t n, kpi_pct band)
{
    if (n == 0 || band < 0 || !kpi_au_defined(&v[n - 1]))
        return 0;
    size_t first = n - 1;
    while (first > 0 && kpi_au_defined(&v[first - 1]))
        first--;
    for (size_t a = first; a < n - 1; a++) {
        bool ok = true;
        for (size_t j = a + 1; j < n && ok; j++) {
            /* |AU(j) - AU(a)| <= band pp, as exact fractions */
            kpi_i128 num =
                (kpi_i128)v[j].ae * v[a].qe - (kpi_i128)v[a].ae * v[j].qe;
            kpi_i128 den = (kpi_i128)v[j].qe * v[a].qe;
            kpi_i128 lhs = (num < 0 ? -num : num) * 100 * KPI_PCT_SCALE;
            ok = lhs <= (kpi_i128)band * den;
        }
        if (ok)
            return (int)(n - 1 - a);
    }
    return 0;
}

/* Random series (undefined months, ties, bands down to 0, AEs and QEs up
 * to 2^32 - 1): kpi_plateau_months agrees with the definition. */
static void test_kpi__plateau_matches_definition(void **state)
{
    (void)state;
    uint64_t x = 88172645463325252u;
    for (int round = 0; round < 20000; round++) {
        struct kpi_au v[30];
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        size_t n = 1 + x % 30;
        bool big = (x >> 20) % 4 == 0;
        kpi_pct band = (kpi_pct)((x >> 24) % 4) * KPI_PCT(2);
        for (size_t i = 0; i < n; i++) {
            x ^= x << 13, x ^= x >> 7, x ^= x << 17;
            uint32_t qe = big ? (uint32_t)(x >> 32) | 1u : 100;
            uint32_t ae =
                big ? (uint32_t)x % (qe + 1u) : 40 + (uint32_t)(x % 13);
            v[i] = au(ae, qe);
            if ((x >> 40) % 17 == 0)
                v[i] = no_value;
        }
        assert_int_equal(kpi_plateau_months(v, n, band),
                         plateau_by_definition(v, n, band));
    }
}

static void test_kpi__plateau_zero_when_last_month_has_no_value(void **state)
{
    (void)state;
    struct kpi_au v[] = {au(50, 100), au(50, 100), au(50, 100), no_value};
    assert_int_equal(kpi_plateau_months(v, N_OF(v), KPI_PCT(5)), 0);
    v[3] = qe_zero;
    assert_int_equal(kpi_plateau_months(v, N_OF(v), KPI_PCT(5)), 0);
    v[3] = qe_unknown;
    assert_int_equal(kpi_plateau_months(v, N_OF(v), KPI_PCT(5)), 0);
}

static void test_kpi__plateau_band_is_inclusive(void **state)
{
    (void)state;
    struct kpi_au v[] = {au(50, 100), au(55, 100), au(45, 100), au(50, 100)};
    assert_int_equal(kpi_plateau_months(v, N_OF(v), KPI_PCT(5)), 3);
    /* 55.01 is outside anchor 50's band; 45 is outside 55.01's. */
    v[1] = au(5501, 10000);
    assert_int_equal(kpi_plateau_months(v, N_OF(v), KPI_PCT(5)), 1);
    /* Exactly 5 pp between non-terminating AUs: 23/60 - 1/3. */
    struct kpi_au w[] = {au(1, 3), au(23, 60)};
    assert_int_equal(kpi_plateau_months(w, N_OF(w), KPI_PCT(5)), 1);
    w[1] = au(2301, 6000);
    assert_int_equal(kpi_plateau_months(w, N_OF(w), KPI_PCT(5)), 0);
    /* The band is a parameter. */
    w[1] = au(2301, 6000);
    assert_int_equal(kpi_plateau_months(w, N_OF(w), KPI_PCT(6)), 1);
}

static void test_kpi__plateau_all_equal_six_months_is_five(void **state)
{
    (void)state;
    /* The same AU from different QEs. */
    struct kpi_au v[] = {au(40, 100),  au(80, 200), au(40, 100),
                         au(120, 300), au(2, 5),    au(40, 100)};
    assert_int_equal(kpi_plateau_months(v, N_OF(v), KPI_PCT(5)), 5);
    assert_int_equal(kpi_plateau_months(v, N_OF(v), 0), 5);
}

static void test_kpi__plateau_single_month_is_zero(void **state)
{
    (void)state;
    struct kpi_au v[] = {au(50, 100)};
    assert_int_equal(kpi_plateau_months(v, 1, KPI_PCT(5)), 0);
    assert_int_equal(kpi_plateau_months(v, 0, KPI_PCT(5)), 0);
}

static enum kpi_health customer(const struct kpi_au *core, size_t n)
{
    return kpi_customer_health(core, n, &bands);
}

static void test_kpi__customer_two_under_40_is_red(void **state)
{
    (void)state;
    struct kpi_au v[] = {au(90, 100), au(39, 100), au(20, 100)};
    assert_int_equal(customer(v, N_OF(v)), KPI_HEALTH_RED);
    struct kpi_au w[] = {au(10, 100), au(20, 100)};
    assert_int_equal(customer(w, N_OF(w)), KPI_HEALTH_RED);
}

static void test_kpi__customer_green_needs_above_70(void **state)
{
    (void)state;
    struct kpi_au v[] = {au(7, 10), au(40, 100), au(50, 100)};
    assert_int_equal(customer(v, N_OF(v)), KPI_HEALTH_YELLOW);
    v[0] = au(7001, 10000);
    assert_int_equal(customer(v, N_OF(v)), KPI_HEALTH_GREEN);
    /* One under 40 does not stop Green. */
    struct kpi_au w[] = {au(30, 100), au(90, 100)};
    assert_int_equal(customer(w, N_OF(w)), KPI_HEALTH_GREEN);
}

static void test_kpi__customer_single_under_40(void **state)
{
    (void)state;
    struct kpi_au v[] = {au(30, 100)};
    assert_int_equal(customer(v, N_OF(v)), KPI_HEALTH_RED);
    struct kpi_au w[] = {au(30, 100), au(50, 100)};
    assert_int_equal(customer(w, N_OF(w)), KPI_HEALTH_YELLOW);
    /* Exactly 40 is not under 40. */
    struct kpi_au x[] = {au(2, 5), au(39, 100)};
    assert_int_equal(customer(x, N_OF(x)), KPI_HEALTH_YELLOW);
}

static void test_kpi__customer_skips_undefined(void **state)
{
    (void)state;
    /* Were the undefined ones counted as 0 %, this would be Red. */
    struct kpi_au v[] = {au(30, 100), qe_zero, no_value, qe_unknown,
                         au(50, 100)};
    assert_int_equal(customer(v, N_OF(v)), KPI_HEALTH_YELLOW);
    struct kpi_au none[] = {qe_zero, no_value, qe_unknown};
    assert_int_equal(customer(none, N_OF(none)), KPI_HEALTH_NA);
    assert_int_equal(customer(none, 0), KPI_HEALTH_NA);
}

static void test_kpi__customer_bands_are_parameters(void **state)
{
    (void)state;
    struct kpi_customer_bands three = {KPI_PCT(40), KPI_PCT(70), 3};
    struct kpi_au v[] = {au(90, 100), au(39, 100), au(20, 100)};
    assert_int_equal(kpi_customer_health(v, N_OF(v), &three), KPI_HEALTH_GREEN);
}

/* The reason of kpi_customer_health_reason for values named by codes;
 * asserts that its health is the health kpi_customer_health gives. */
static const char *reason(const struct kpi_au *core, const char *const *codes,
                          size_t n, const struct kpi_customer_bands *b)
{
    static char out[256];
    enum kpi_health h =
        kpi_customer_health_reason(core, codes, n, b, out, sizeof(out));
    assert_int_equal(h, kpi_customer_health(core, n, b));
    return out;
}

static const char *const codes3[] = {"EXO", "OD", "SPO"};

static void test_kpi__health_reason_red_by_count(void **state)
{
    (void)state;
    /* EXO 90 % does not matter: two under 40 % decide first. OD 61/200 =
     * 30.50 %, SPO 12/100 = 12.00 %. */
    struct kpi_au v[] = {au(90, 100), au(61, 200), au(12, 100)};
    assert_string_equal(reason(v, codes3, 3, &bands),
                        "Red: 2 core workloads under 40 % (OD 30.50 %, SPO "
                        "12.00 %)");
    /* Exactly 40 % (2 of 5) is not under 40 %: one under, none above 70,
     * so Yellow on EXO alone. */
    struct kpi_au w[] = {au(2, 5), au(61, 200), qe_zero};
    assert_string_equal(reason(w, codes3, 3, &bands),
                        "Yellow: EXO from 40 % to 70 % (40.00 %)");
    /* red_count 1: one under 40 % is enough, and it is singular. */
    struct kpi_customer_bands one = {KPI_PCT(40), KPI_PCT(70), 1};
    struct kpi_au x[] = {au(80, 100), au(399, 1000), no_value};
    assert_string_equal(reason(x, codes3, 3, &one),
                        "Red: 1 core workload under 40 % (OD 39.90 %)");
}

static void test_kpi__health_reason_green_above_70(void **state)
{
    (void)state;
    /* Exactly 70 % (7 of 10) is not above 70 %: Yellow, listing both from
     * 40 to 70 inclusive, in the order given. */
    struct kpi_au v[] = {au(7, 10), au(50, 100), au(30, 100)};
    assert_string_equal(reason(v, codes3, 3, &bands),
                        "Yellow: EXO, OD from 40 % to 70 % (70.00 %, 50.00 "
                        "%)");
    /* 7001/10000 = 70.01 % is above: Green on EXO only; 8210/10000 on SPO
     * too: both listed. */
    v[0] = au(7001, 10000);
    assert_string_equal(reason(v, codes3, 3, &bands),
                        "Green: EXO above 70 % (70.01 %)");
    v[2] = au(821, 1000);
    assert_string_equal(reason(v, codes3, 3, &bands),
                        "Green: EXO, SPO above 70 % (70.01 %, 82.10 %)");
}

static void test_kpi__health_reason_red_none_reaches_40(void **state)
{
    (void)state;
    /* One defined, under 40 %, red_count 2: rule 4. 3999/10000 = 39.99 %. */
    struct kpi_au v[] = {no_value, au(3999, 10000), qe_unknown};
    assert_string_equal(reason(v, codes3, 3, &bands),
                        "Red: no core workload reaches 40 % (OD 39.99 %)");
}

static void test_kpi__health_reason_na_and_limits(void **state)
{
    (void)state;
    struct kpi_au v[] = {no_value, qe_zero, qe_unknown};
    assert_string_equal(reason(v, codes3, 3, &bands),
                        "N/A: no core workload with an AU");
    assert_string_equal(reason(v, codes3, 0, &bands),
                        "N/A: no core workload with an AU");
    /* Decimal bands are written as configured. */
    struct kpi_customer_bands dec = {KPI_PCT(40) + 5000, KPI_PCT(70), 2};
    struct kpi_au w[] = {au(40, 100), au(404, 1000)};
    assert_string_equal(reason(w, codes3, 2, &dec),
                        "Red: 2 core workloads under 40.5 % (EXO 40.00 %, OD "
                        "40.40 %)");
    /* A buffer too small is cut, still terminated. */
    char small[8];
    kpi_customer_health_reason(w, codes3, 2, &dec, small, sizeof(small));
    assert_string_equal(small, "Red: 2 ");
}

static void test_kpi__pooled_change_pp_is_exact(void **state)
{
    (void)state;
    /* 1/3 - 1/4 = 1/12 = 8.3333 pp -> 8.33; 1/4 - 1/3 -> -8.33. */
    assert_int_equal(kpi_pooled_change_pp(1, 3, 1, 4), 833);
    assert_int_equal(kpi_pooled_change_pp(1, 4, 1, 3), -833);
    /* 3/8 - 1/4 = 12.5 pp exactly; half away from zero at the third
     * decimal: 10,005/100,000 - 0 = 10.005 pp -> 10.01, negated -10.01. */
    assert_int_equal(kpi_pooled_change_pp(3, 8, 1, 4), 1250);
    assert_int_equal(kpi_pooled_change_pp(10005, 100000, 0, 7), 1001);
    assert_int_equal(kpi_pooled_change_pp(0, 7, 10005, 100000), -1001);
    /* Sums past 2^56 go through GMP: (2^60 + 2^58) / 2^61 = 62.5 %, minus
     * 2^59 / 2^61 = 25 %: 37.50 pp. */
    uint64_t p58 = UINT64_C(1) << 58;
    assert_int_equal(
        kpi_pooled_change_pp(4 * p58 + p58, 8 * p58, 2 * p58, 8 * p58), 3750);
}

static void test_kpi__pace_and_months_to_goal(void **state)
{
    (void)state;
    /* 100 users in 3 months: 33.333 -> 33.33 a month; -100: -33.33;
     * 2 / 3 = 0.6667 -> 0.67; 1 / 2 = 0.5 -> 0.50 exactly. */
    assert_int_equal(kpi_pace_centi(100, 3), 3333);
    assert_int_equal(kpi_pace_centi(-100, 3), -3333);
    assert_int_equal(kpi_pace_centi(2, 3), 67);
    assert_int_equal(kpi_pace_centi(1, 2), 50);
    int64_t k = -1;
    /* gap 1,000 at 100 per 3 months: 30 months exactly; gap 1,001:
     * 30.03 -> 31 (rounded up: the goal is reached in the 31st). */
    assert_true(kpi_months_to_goal(1000, 100, 3, &k));
    assert_int_equal(k, 30);
    assert_true(kpi_months_to_goal(1001, 100, 3, &k));
    assert_int_equal(k, 31);
    assert_true(kpi_months_to_goal(0, 1, 3, &k));
    assert_int_equal(k, 0);
    k = -1;
    assert_false(kpi_months_to_goal(10, 0, 3, &k));
    assert_false(kpi_months_to_goal(10, -5, 3, &k));
    assert_int_equal(k, -1);
}

static bool to_goal(struct kpi_au v, kpi_pct target, int64_t *out)
{
    return kpi_users_to_goal(&v, target, out);
}

static void test_kpi__users_to_goal(void **state)
{
    (void)state;
    int64_t n = 777;
    assert_true(to_goal(au(40, 101), KPI_PCT(50), &n)); /* floor 50.5 */
    assert_int_equal(n, 11);
    assert_true(to_goal(au(60, 100), KPI_PCT(50), &n));
    assert_int_equal(n, 0);
    assert_true(to_goal(au(50, 100), KPI_PCT(50), &n)); /* at, not above */
    assert_int_equal(n, 1);
    assert_true(to_goal(au(51, 100), KPI_PCT(50), &n));
    assert_int_equal(n, 0);
    assert_true(to_goal(au(0, 200), 405000, &n)); /* 40.5 % of 200 */
    assert_int_equal(n, 82);
    assert_true(to_goal(au(0, 2000000000), KPI_PCT(100), &n));
    assert_int_equal(n, 2000000001);
    assert_true(to_goal(au(0, 7), 0, &n));
    assert_int_equal(n, 1);
    /* A negative target is passed by every AU. */
    assert_true(to_goal(au(0, 100), KPI_PCT(-50), &n));
    assert_int_equal(n, 0);
    /* -0.5 % of 100 is -0.5, whose floor is -1, not 0 (truncation). */
    assert_true(to_goal(au(0, 100), -5000, &n));
    assert_int_equal(n, 0);
    n = 777;
    assert_false(kpi_users_to_goal(&no_value, KPI_PCT(50), &n));
    assert_false(kpi_users_to_goal(&qe_zero, KPI_PCT(50), &n));
    assert_false(kpi_users_to_goal(&qe_unknown, KPI_PCT(50), &n));
    assert_int_equal(n, 777);
}

/* The mean of n AUs given as ae, qe pairs. */
static kpi_centi mean_of(size_t n, const uint32_t (*pairs)[2])
{
    struct kpi_au vals[8];
    assert_true(n <= 8);
    for (size_t i = 0; i < n; i++)
        vals[i] = (struct kpi_au){true, true, pairs[i][0], pairs[i][1]};
    kpi_centi c = 777;
    assert_true(kpi_mean_au(vals, n, &c));
    return c;
}

static void test_kpi__mean_rounds_the_exact_mean(void **state)
{
    (void)state;
    /* 1/3 and 2/3: non-terminating terms whose mean is exactly 50 % */
    assert_int_equal(mean_of(2, (const uint32_t[][2]){{1, 3}, {2, 3}}), 5000);
    assert_int_equal(mean_of(1, (const uint32_t[][2]){{1, 8}}), 1250);
    /* Mean 0.005 % is a tie: away from zero; 0.00333 is not. */
    assert_int_equal(mean_of(2, (const uint32_t[][2]){{1, 10000}, {0, 1}}), 1);
    assert_int_equal(
        mean_of(3, (const uint32_t[][2]){{1, 10000}, {0, 1}, {0, 1}}), 0);
    /* (33.333... + 16.67666...) / 2 = 25.005 exactly */
    assert_int_equal(mean_of(2, (const uint32_t[][2]){{1, 3}, {5003, 30000}}),
                     2501);
    /* Unweighted: 1/100 and 99/100 000 are one term each. */
    assert_int_equal(
        mean_of(2, (const uint32_t[][2]){{1, 100}, {99000, 100000}}), 5000);
    assert_int_equal(
        mean_of(2, (const uint32_t[][2]){{2000000000, 1}, {2000000000, 1}}),
        20000000000000);
}

/* Found by the Python reference (tests/reference, case mean_tie): 450/7,
 * 4825/56 and 136/7 % average exactly 56.625 %, but every term is
 * non-terminating, so a mean kept to any fixed precision falls just short
 * of the tie and rounds down. */
static void test_kpi__mean_exact_tie_of_non_terminating_terms(void **state)
{
    (void)state;
    assert_int_equal(
        mean_of(3, (const uint32_t[][2]){{63, 98}, {193, 224}, {34, 175}}),
        5663);
}

/* A mean 1/(2b) of a hundredth below a tie rounds down, and one exactly
 * on it rounds up: 5000 * x / b = 1234.5 - 1/(2b) with b = 1999993629. */
static void test_kpi__mean_next_to_a_tie(void **state)
{
    (void)state;
    const uint32_t b = 1999993629u;
    const uint32_t x = 493798427u; /* (2469 * b - 1) / 10000 */
    assert_int_equal(mean_of(2, (const uint32_t[][2]){{x, b}, {0, 1}}), 1234);
    /* 5000 * 2469 / 10000 = 1234.5 exactly */
    assert_int_equal(mean_of(2, (const uint32_t[][2]){{2469, 10000}, {0, 1}}),
                     1235);
}

static void test_kpi__mean_empty_is_false(void **state)
{
    (void)state;
    kpi_centi c = 777;
    assert_false(kpi_mean_au(NULL, 0, &c));
    assert_int_equal(c, 777);
}

static void check_tags(const char *notes, size_t cap, const char *want)
{
    char out[256];
    assert_true(cap <= sizeof out);
    memset(out, 'Z', sizeof out);
    size_t n = kpi_notes_tags(notes, strlen(notes), out, cap);
    assert_string_equal(out, want);
    assert_int_equal(n, strlen(want));
    /* Nothing written past the terminating NUL. */
    for (size_t i = n + 1; i < sizeof out; i++)
        assert_int_equal(out[i], 'Z');
}

static void test_kpi__notes_tags_expecting_and_hashtags(void **state)
{
    (void)state;
    check_tags("Customer is Expecting<50 seats; #Compete with Google #Pilot "
               "#compete",
               256, "Expecting<50 #Compete #Pilot");
    check_tags("expecting>50 then EXPECTING>50, eXpEcTiNg<50", 256,
               "Expecting>50 Expecting<50");
    check_tags("#SPOblocker, #SPO_blocker-2. #a.b", 256,
               "#SPOblocker #SPO_blocker #a");
    check_tags("#Compete#Pilot", 256, "#Compete #Pilot");
    check_tags("", 256, "");
    check_tags("no tags here", 256, "");
}

static void test_kpi__notes_tags_rejects_lookalikes(void **state)
{
    (void)state;
    check_tags("# alone, ## and #", 256, "");
    check_tags("Expecting<500 seats", 256, "");
    check_tags("Expecting 50, Expecting=50, Expecting<5", 256, "");
    check_tags("#Caf\xc3\xa9", 256, "#Caf");
    check_tags("NotExpecting<50, my_Expecting>50, 2Expecting<50", 256, "");
    check_tags("Expecting <50, Expecting< 50, #\xc3\x9c", 256, "");
}

/* The readings of docs/kpis.md "Notes tags", as the playbooks use them:
 * tags inside other text, glued to punctuation, in any case. */
static void test_kpi__notes_tags_inside_other_text(void **state)
{
    (void)state;
    check_tags("#Compete,#Pilot", 256, "#Compete #Pilot");
    check_tags("x,Expecting<50%", 256, "Expecting<50");
    check_tags("Expecting<50-phased", 256, "Expecting<50");
    check_tags("#Expecting<50", 256, "Expecting<50");
    check_tags("#Expecting<500", 256, "#Expecting");
    check_tags("#SPOblocker: legacy", 256, "#SPOblocker");
    check_tags("EXPECTING>50 #pilot, #Pilot", 256, "Expecting>50 #pilot");
    check_tags("line one\r\n#Unresponsive\nExpecting<50", 256,
               "#Unresponsive Expecting<50");
}

static void test_kpi__notes_tags_respects_len(void **state)
{
    (void)state;
    char out[64];
    assert_int_equal(kpi_notes_tags("#Pilot#Compete", 6, out, sizeof out), 6);
    assert_string_equal(out, "#Pilot");
    /* "Expecting<50" cut at 11 bytes is not the tag. */
    assert_int_equal(kpi_notes_tags("Expecting<50", 11, out, sizeof out), 0);
    assert_string_equal(out, "");
    /* The byte after len decides nothing either. */
    assert_int_equal(kpi_notes_tags("Expecting<500", 12, out, sizeof out), 12);
    assert_string_equal(out, "Expecting<50");
}

static void test_kpi__notes_tags_cap_never_writes_partial_tag(void **state)
{
    (void)state;
    const char *notes = "#Compete #Pilot #X";
    check_tags(notes, 256, "#Compete #Pilot #X");
    check_tags(notes, 19, "#Compete #Pilot #X");
    check_tags(notes, 18, "#Compete #Pilot");
    check_tags(notes, 16, "#Compete #Pilot");
    check_tags(notes, 15, "#Compete #X");
    check_tags(notes, 9, "#Compete");
    /* "#Compete" does not fit; a later, shorter tag still may. */
    check_tags(notes, 8, "#Pilot");
    check_tags(notes, 3, "#X");
    check_tags(notes, 2, "");
    check_tags(notes, 1, "");

    char out[4] = "ZZZ";
    assert_int_equal(kpi_notes_tags(notes, strlen(notes), out, 0), 0);
    assert_memory_equal(out, "ZZZ", 4);
}

static void test_kpi__focus_codes_and_milestones(void **state)
{
    (void)state;
    assert_string_equal(kpi_focus_code(KPI_FOCUS_LARGE_POOR), "LARGE_POOR");
    assert_string_equal(kpi_focus_code(KPI_FOCUS_PLATEAU), "PLATEAU");
    assert_string_equal(kpi_focus_code(KPI_FOCUS_LOSER), "LOSER");
    assert_string_equal(kpi_focus_code(KPI_FOCUS_SLOW_KICKOFF), "SLOW_KICKOFF");
    assert_string_equal(kpi_focus_code(KPI_FOCUS_SLOW_ENABLE), "SLOW_ENABLE");
    assert_string_equal(kpi_focus_code(KPI_FOCUS_SLOW_RAMP), "SLOW_RAMP");
    assert_int_equal(kpi_milestone_pct[0], 10);
    assert_int_equal(kpi_milestone_pct[1], 40);
    assert_int_equal(kpi_milestone_pct[2], 70);
}

static void test_kpi__focus_join_in_table_order(void **state)
{
    (void)state;
    char out[64];
    kpi_focus_join((1u << KPI_FOCUS_SLOW_RAMP) | (1u << KPI_FOCUS_LARGE_POOR) |
                       (1u << KPI_FOCUS_LOSER),
                   out, sizeof(out));
    assert_string_equal(out, "LARGE_POOR;LOSER;SLOW_RAMP");
    kpi_focus_join(0, out, sizeof(out));
    assert_string_equal(out, "");
    /* a code that does not fit whole is left out, never cut */
    kpi_focus_join((1u << KPI_FOCUS_PLATEAU) | (1u << KPI_FOCUS_LOSER), out,
                   12);
    assert_string_equal(out, "PLATEAU");
}

static void test_kpi__focus_large_poor_at_20_percent(void **state)
{
    (void)state;
    assert_false(kpi_focus_large_poor(true, 20, 100, &limits));
    assert_true(kpi_focus_large_poor(true, 1999, 10000, &limits));
    assert_true(kpi_focus_large_poor(true, 0, 10000, &limits));
    assert_false(kpi_focus_large_poor(true, 0, 0, &limits));
    assert_false(kpi_focus_large_poor(false, 1999, 10000, &limits));
    /* Pooled sums over several workloads may pass 32 bits. */
    assert_true(kpi_focus_large_poor(true, 1999999999, 10000000000, &limits));
    assert_false(kpi_focus_large_poor(true, 2000000000, 10000000000, &limits));
}

/* 2024-03-31, the end of an as-of month. */
static int32_t march_end(void)
{
    return kpi_date_from_ymd(2024, 3, 31);
}

static void test_kpi__focus_slow_kickoff_after_30_days(void **state)
{
    (void)state;
    int32_t end = march_end();
    assert_false(kpi_focus_slow_kickoff(end - 30, KPI_NO_DATE, end, &limits));
    assert_true(kpi_focus_slow_kickoff(end - 31, KPI_NO_DATE, end, &limits));
    /* A kickoff after the month is not one yet. */
    assert_true(kpi_focus_slow_kickoff(end - 31, end + 1, end, &limits));
    assert_false(kpi_focus_slow_kickoff(end - 31, end, end, &limits));
    assert_false(kpi_focus_slow_kickoff(end - 31, end - 40, end, &limits));
    assert_false(
        kpi_focus_slow_kickoff(KPI_NO_DATE, KPI_NO_DATE, end, &limits));
    /* An engagement that starts after the month is not slow. */
    assert_false(kpi_focus_slow_kickoff(end + 5, KPI_NO_DATE, end, &limits));
}

static void test_kpi__focus_slow_enable_after_90_days(void **state)
{
    (void)state;
    int32_t end = march_end();
    assert_false(
        kpi_focus_slow_enable(end - 90, end, 10, KPI_NO_DATE, &limits));
    assert_true(kpi_focus_slow_enable(end - 91, end, 10, KPI_NO_DATE, &limits));
    assert_false(kpi_focus_slow_enable(end - 91, end, 0, KPI_NO_DATE, &limits));
    /* Enabled within the month: not slow; enabled after it: not yet. */
    assert_false(kpi_focus_slow_enable(end - 91, end, 10, end, &limits));
    assert_true(kpi_focus_slow_enable(end - 91, end, 10, end + 1, &limits));
    assert_false(
        kpi_focus_slow_enable(KPI_NO_DATE, end, 10, KPI_NO_DATE, &limits));
}

static unsigned ramp(int days_since, kpi_pct target, int32_t d10, int32_t d40,
                     int32_t d70)
{
    int32_t end = march_end();
    const int32_t days_to[KPI_MILESTONES] = {d10, d40, d70};
    return kpi_focus_slow_ramp(end - days_since, end, target, days_to, &limits);
}

#define NONE KPI_NO_DAYS

static void test_kpi__focus_slow_ramp_at_each_limit(void **state)
{
    (void)state;
    kpi_pct t = KPI_PCT(70);
    assert_int_equal(ramp(60, t, NONE, NONE, NONE), 0);
    assert_int_equal(ramp(61, t, NONE, NONE, NONE), 1);
    assert_int_equal(ramp(180, t, NONE, NONE, NONE), 1);
    assert_int_equal(ramp(181, t, NONE, NONE, NONE), 3);
    assert_int_equal(ramp(365, t, NONE, NONE, NONE), 3);
    assert_int_equal(ramp(366, t, NONE, NONE, NONE), 7);
}

static void test_kpi__focus_slow_ramp_only_milestones_to_target(void **state)
{
    (void)state;
    assert_int_equal(ramp(366, KPI_PCT(50), NONE, NONE, NONE), 3); /* EXO */
    assert_int_equal(ramp(366, KPI_PCT(40), NONE, NONE, NONE), 3); /* SPO */
    assert_int_equal(ramp(366, KPI_PCT(70), NONE, NONE, NONE), 7); /* OPP */
    assert_int_equal(ramp(366, 399999, NONE, NONE, NONE), 1);
    assert_int_equal(ramp(366, KPI_PCT(10), NONE, NONE, NONE), 1);
    assert_int_equal(ramp(366, 99999, NONE, NONE, NONE), 0);
}

static void test_kpi__focus_slow_ramp_reached_clears_bit(void **state)
{
    (void)state;
    kpi_pct t = KPI_PCT(70);
    assert_int_equal(ramp(366, t, 5, NONE, NONE), 6);
    assert_int_equal(ramp(366, t, 5, 100, NONE), 4);
    assert_int_equal(ramp(366, t, 5, 100, 300), 0);
    assert_int_equal(ramp(366, t, NONE, 0, NONE), 5);
    /* A reached milestone clears its bit even before its limit. */
    assert_int_equal(ramp(61, t, 0, NONE, NONE), 0);
}

static void test_kpi__focus_slow_ramp_needs_enabled_date(void **state)
{
    (void)state;
    int32_t end = march_end();
    const int32_t none[KPI_MILESTONES] = {NONE, NONE, NONE};
    assert_int_equal(
        kpi_focus_slow_ramp(KPI_NO_DATE, end, KPI_PCT(70), none, &limits), 0);
    assert_int_equal(
        kpi_focus_slow_ramp(end + 1, end, KPI_PCT(70), none, &limits), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_kpi__au_defined_needs_value_and_positive_qe),
        cmocka_unit_test(test_kpi__health_reason_red_by_count),
        cmocka_unit_test(test_kpi__health_reason_green_above_70),
        cmocka_unit_test(test_kpi__health_reason_red_none_reaches_40),
        cmocka_unit_test(test_kpi__health_reason_na_and_limits),
        cmocka_unit_test(test_kpi__pooled_change_pp_is_exact),
        cmocka_unit_test(test_kpi__pace_and_months_to_goal),
        cmocka_unit_test(test_kpi__au_cmp_is_exact_at_the_threshold),
        cmocka_unit_test(test_kpi__spo_health_at_its_boundaries),
        cmocka_unit_test(test_kpi__exo_health_at_its_boundaries),
        cmocka_unit_test(test_kpi__opp_health_at_its_boundaries),
        cmocka_unit_test(test_kpi__health_na_when_au_undefined),
        cmocka_unit_test(test_kpi__health_works_above_100_percent),
        cmocka_unit_test(test_kpi__health_with_decimal_thresholds),
        cmocka_unit_test(test_kpi__ratio_health_of_large_sums),
        cmocka_unit_test(test_kpi__health_names),
        cmocka_unit_test(test_kpi__exo_scenario_bounds_are_inclusive),
        cmocka_unit_test(test_kpi__pct_round_half_away_from_zero),
        cmocka_unit_test(test_kpi__au_centi),
        cmocka_unit_test(test_kpi__centi_format),
        cmocka_unit_test(test_kpi__pct_parse_accepts_decimals),
        cmocka_unit_test(test_kpi__pct_parse_rejects_the_rest),
        cmocka_unit_test(test_kpi__pct_format_uses_few_decimals),
        cmocka_unit_test(test_kpi__delta_pp_rounds_exact_difference),
        cmocka_unit_test(test_kpi__delta_pp_undefined_either_side),
        cmocka_unit_test(test_kpi__delta_at_most_is_exact),
        cmocka_unit_test(test_kpi__delta_at_most_false_when_undefined),
        cmocka_unit_test(test_kpi__plateau_is_largest_k_not_first_failure),
        cmocka_unit_test(test_kpi__plateau_measures_from_the_anchor),
        cmocka_unit_test(test_kpi__plateau_gap_limits_k),
        cmocka_unit_test(test_kpi__plateau_matches_definition),
        cmocka_unit_test(test_kpi__plateau_zero_when_last_month_has_no_value),
        cmocka_unit_test(test_kpi__plateau_band_is_inclusive),
        cmocka_unit_test(test_kpi__plateau_all_equal_six_months_is_five),
        cmocka_unit_test(test_kpi__plateau_single_month_is_zero),
        cmocka_unit_test(test_kpi__customer_two_under_40_is_red),
        cmocka_unit_test(test_kpi__customer_green_needs_above_70),
        cmocka_unit_test(test_kpi__customer_single_under_40),
        cmocka_unit_test(test_kpi__customer_skips_undefined),
        cmocka_unit_test(test_kpi__customer_bands_are_parameters),
        cmocka_unit_test(test_kpi__users_to_goal),
        cmocka_unit_test(test_kpi__mean_rounds_the_exact_mean),
        cmocka_unit_test(test_kpi__mean_exact_tie_of_non_terminating_terms),
        cmocka_unit_test(test_kpi__mean_next_to_a_tie),
        cmocka_unit_test(test_kpi__mean_empty_is_false),
        cmocka_unit_test(test_kpi__notes_tags_expecting_and_hashtags),
        cmocka_unit_test(test_kpi__notes_tags_rejects_lookalikes),
        cmocka_unit_test(test_kpi__notes_tags_inside_other_text),
        cmocka_unit_test(test_kpi__notes_tags_respects_len),
        cmocka_unit_test(test_kpi__notes_tags_cap_never_writes_partial_tag),
        cmocka_unit_test(test_kpi__focus_codes_and_milestones),
        cmocka_unit_test(test_kpi__focus_join_in_table_order),
        cmocka_unit_test(test_kpi__focus_large_poor_at_20_percent),
        cmocka_unit_test(test_kpi__focus_slow_kickoff_after_30_days),
        cmocka_unit_test(test_kpi__focus_slow_enable_after_90_days),
        cmocka_unit_test(test_kpi__focus_slow_ramp_at_each_limit),
        cmocka_unit_test(test_kpi__focus_slow_ramp_only_milestones_to_target),
        cmocka_unit_test(test_kpi__focus_slow_ramp_reached_clears_bit),
        cmocka_unit_test(test_kpi__focus_slow_ramp_needs_enabled_date),
    };
    return cmocka_run_group_tests_name("kpi", tests, NULL, NULL);
}
