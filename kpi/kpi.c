/*
 * kpi/kpi.c - the KPI math of docs/kpis.md.
 *
 * Every decision is a comparison of integers. An AU ae / qe against a
 * threshold t (a kpi_pct, percent times 10,000) is 100 * 10,000 * ae
 * against t * qe; a difference of two AUs against a limit is the same
 * cross-multiplied over qe1 * qe2. The products are taken in 128 bits,
 * which holds every one of them for any uint32 AE and QE and any int64
 * threshold, so there is no input for which a comparison can overflow.
 */
#include "kpi.h"

#include <gmp.h>
#include <string.h>

#include "date.h"

__extension__ typedef unsigned __int128 kpi_u128;

/* An AU of exactly 1 (100 %) as a kpi_pct: 100 * 10,000. */
#define PCT_UNIT ((kpi_i128)100 * KPI_PCT_SCALE)

const int kpi_milestone_pct[KPI_MILESTONES] = {10, 40, 70};

bool kpi_au_defined(const struct kpi_au *v)
{
    return v->has_value && v->qe_known && v->qe > 0;
}

int kpi_au_cmp(uint64_t ae, uint64_t qe, kpi_pct t)
{
    /* |t * qe| < 2^63 * 2^64 = 2^127, so the signed product fits. */
    kpi_i128 lhs = (kpi_i128)ae * PCT_UNIT;
    kpi_i128 rhs = (kpi_i128)t * (kpi_i128)qe;
    return (lhs > rhs) - (lhs < rhs);
}

/* The sign of (AU(x) - AU(y)) - lim / 10,000 pp; both AUs defined. The
 * difference is 100 * (x.ae * y.qe - y.ae * x.qe) / (x.qe * y.qe) pp. */
static int delta_cmp(const struct kpi_au *x, const struct kpi_au *y,
                     kpi_pct lim)
{
    kpi_i128 num = (kpi_i128)x->ae * y->qe - (kpi_i128)y->ae * x->qe;
    kpi_i128 lhs = num * PCT_UNIT;
    kpi_i128 rhs = (kpi_i128)lim * ((kpi_i128)x->qe * y->qe);
    return (lhs > rhs) - (lhs < rhs);
}

/* num / den rounded half away from zero; den > 0. Comparing r with d - r
 * instead of 2 * r with d keeps the test free of overflow. */
static kpi_i128 round_div(kpi_i128 num, kpi_u128 den)
{
    bool neg = num < 0;
    kpi_u128 n = neg ? -(kpi_u128)num : (kpi_u128)num;
    kpi_u128 q = n / den, r = n % den;
    if (r >= den - r)
        q++;
    return neg ? -(kpi_i128)q : (kpi_i128)q;
}

kpi_centi kpi_pct_round(kpi_i128 num, kpi_i128 den)
{
    /* 100 * num / den percent is 10,000 * num / den hundredths. Exact for
     * |num| < 2^113, far beyond any AE, QE or product of two of them. */
    return (kpi_centi)round_div(num * 10000, (kpi_u128)den);
}

kpi_centi kpi_au_centi(uint64_t ae, uint64_t qe)
{
    /* A row's AE and QE are 32-bit, so 10,000 * ae fits 63 bits and
     * 64-bit division gives round_div's quotient and remainder, for a
     * fraction of a 128-bit division's cost (one per row and month). */
    if (ae <= (uint64_t)INT64_MAX / 10000) {
        uint64_t n = ae * 10000, q = n / qe, r = n % qe;
        if (r >= qe - r)
            q++;
        return (kpi_centi)q;
    }
    return kpi_pct_round((kpi_i128)ae, (kpi_i128)qe);
}

/* Writes mag in decimal with at least min_digits digits (zero-padded);
 * returns the count written. */
static size_t put_uint(char *out, uint64_t mag, size_t min_digits)
{
    char tmp[24];
    size_t n = 0, o = 0;
    do {
        tmp[n++] = (char)('0' + mag % 10);
        mag /= 10;
    } while (mag != 0 || n < min_digits);
    while (n > 0)
        out[o++] = tmp[--n];
    return o;
}

void kpi_centi_format(kpi_centi v, char out[32])
{
    /* Negating through uint64_t is defined even for INT64_MIN. */
    uint64_t mag = v < 0 ? -(uint64_t)v : (uint64_t)v;
    size_t o = 0;
    if (v < 0)
        out[o++] = '-';
    o += put_uint(out + o, mag / 100, 1);
    out[o++] = '.';
    o += put_uint(out + o, mag % 100, 2);
    out[o] = '\0';
}

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

bool kpi_pct_parse(const char *s, kpi_pct *out)
{
    bool neg = false;
    int64_t whole = 0, frac = 0;
    int nwhole = 0, nfrac = 0;
    size_t i = 0;

    if (s[i] == '-') {
        neg = true;
        i++;
    }
    for (; is_digit(s[i]); i++, nwhole++) {
        whole = whole * 10 + (s[i] - '0');
        /* Checked per digit, so a long run of digits cannot overflow. */
        if (whole >= 1000000000)
            return false;
    }
    if (nwhole == 0)
        return false;
    if (s[i] == '.') {
        /* "40." and a fifth decimal are both rejected: a threshold is
         * written as the number it is, to at most four decimals. */
        for (i++; is_digit(s[i]); i++, nfrac++) {
            if (nfrac == 4)
                return false;
            frac = frac * 10 + (s[i] - '0');
        }
        if (nfrac == 0)
            return false;
    }
    if (s[i] != '\0')
        return false;
    for (; nfrac < 4; nfrac++)
        frac *= 10;
    *out = neg ? -(whole * KPI_PCT_SCALE + frac) : whole * KPI_PCT_SCALE + frac;
    return true;
}

void kpi_pct_format(kpi_pct v, char out[32])
{
    uint64_t mag = v < 0 ? -(uint64_t)v : (uint64_t)v;
    uint64_t frac = mag % KPI_PCT_SCALE;
    size_t o = 0;
    if (v < 0)
        out[o++] = '-';
    o += put_uint(out + o, mag / KPI_PCT_SCALE, 1);
    if (frac != 0) {
        out[o++] = '.';
        o += put_uint(out + o, frac, 4);
        while (out[o - 1] == '0')
            o--;
    }
    out[o] = '\0';
}

const char *kpi_health_name(enum kpi_health h)
{
    /* No default: the compiler then flags a health added to the enum but
     * not named here. */
    switch (h) {
    case KPI_HEALTH_NA:
        return "N/A";
    case KPI_HEALTH_RED:
        return "Red";
    case KPI_HEALTH_YELLOW:
        return "Yellow";
    case KPI_HEALTH_GREEN:
        return "Green";
    }
    return "?";
}

enum kpi_health kpi_workload_health(const struct kpi_au *v,
                                    const struct kpi_thresholds *t)
{
    if (!kpi_au_defined(v))
        return KPI_HEALTH_NA;
    return kpi_ratio_health(v->ae, v->qe, t);
}

enum kpi_health kpi_ratio_health(uint64_t ae, uint64_t qe,
                                 const struct kpi_thresholds *t)
{
    if (qe == 0)
        return KPI_HEALTH_NA;
    if (kpi_au_cmp(ae, qe, t->green_above) > 0)
        return KPI_HEALTH_GREEN;
    if (kpi_au_cmp(ae, qe, t->red_below) < 0)
        return KPI_HEALTH_RED;
    return KPI_HEALTH_YELLOW;
}

const char *kpi_exo_scenario(const struct kpi_au *v)
{
    if (!kpi_au_defined(v))
        return "";
    if (kpi_au_cmp(v->ae, v->qe, KPI_PCT(10)) < 0)
        return "<10%";
    if (kpi_au_cmp(v->ae, v->qe, KPI_PCT(40)) <= 0)
        return "10-40%";
    return ">40%";
}

bool kpi_delta_pp(const struct kpi_au *now, const struct kpi_au *then,
                  kpi_centi *out)
{
    if (!kpi_au_defined(now) || !kpi_au_defined(then))
        return false;
    kpi_i128 num = (kpi_i128)now->ae * then->qe - (kpi_i128)then->ae * now->qe;
    *out = kpi_pct_round(num, (kpi_i128)now->qe * then->qe);
    return true;
}

bool kpi_delta_at_most(const struct kpi_au *now, const struct kpi_au *then,
                       kpi_pct limit)
{
    return kpi_au_defined(now) && kpi_au_defined(then) &&
           delta_cmp(now, then, limit) <= 0;
}

/* |AU(x) - AU(anchor)| <= band pp; band >= 0, both AUs defined: with
 * d = 100 * num / den pp as in delta_cmp, -band <= d <= band, each side
 * multiplied by den > 0, from one product each. */
static bool within_band(const struct kpi_au *x, const struct kpi_au *anchor,
                        kpi_pct band)
{
    kpi_i128 num = (kpi_i128)x->ae * anchor->qe - (kpi_i128)anchor->ae * x->qe;
    kpi_i128 lhs = num * PCT_UNIT;
    kpi_i128 rhs = (kpi_i128)band * ((kpi_i128)x->qe * anchor->qe);
    return lhs <= rhs && -lhs <= rhs;
}

int kpi_plateau_months(const struct kpi_au *vals, size_t n, kpi_pct band)
{
    /* A negative band holds nothing (and -INT64_MIN would overflow). */
    if (n == 0 || band < 0 || !kpi_au_defined(&vals[n - 1]))
        return 0;
    /* Every month from the anchor on must have a value, so the anchor can
     * go no further back than the first month of the run of defined AUs
     * that ends at m. */
    size_t first = n - 1;
    while (first > 0 && kpi_au_defined(&vals[first - 1]))
        first--;
    /* The earliest anchor that holds gives the largest k. A later anchor
     * may hold when an earlier one fails (the window is re-anchored), so
     * every anchor is tried rather than stopping at the first failure.
     * Against one anchor the band test depends only on a month's AU and
     * holds on an interval of AUs, so it holds for every later month
     * exactly when it holds for the highest and the lowest of them: going
     * back from m, those two are kept and each anchor takes two tests, not
     * one per later month. */
    const struct kpi_au *hi = &vals[n - 1], *lo = &vals[n - 1];
    int k = 0;
    for (size_t anchor = n - 1; anchor-- > first;) {
        const struct kpi_au *a = &vals[anchor];
        if (within_band(hi, a, band) && within_band(lo, a, band))
            k = (int)(n - 1 - anchor);
        /* AU(a) against AU(hi) and AU(lo): 32-bit terms, exact in 64 */
        if ((uint64_t)a->ae * hi->qe > (uint64_t)hi->ae * a->qe)
            hi = a;
        if ((uint64_t)a->ae * lo->qe < (uint64_t)lo->ae * a->qe)
            lo = a;
    }
    return k;
}

enum kpi_health kpi_customer_health(const struct kpi_au *core, size_t n,
                                    const struct kpi_customer_bands *b)
{
    size_t defined = 0, below = 0;
    bool any_green = false, any_yellow = false;

    for (size_t i = 0; i < n; i++) {
        const struct kpi_au *v = &core[i];
        if (!kpi_au_defined(v))
            continue;
        defined++;
        if (kpi_au_cmp(v->ae, v->qe, b->red_below) < 0)
            below++;
        else
            any_yellow = true;
        if (kpi_au_cmp(v->ae, v->qe, b->green_above) > 0)
            any_green = true;
    }
    /* Step 5 first: with nothing defined there is nothing to rate, even
     * if red_count were configured as 0. */
    if (defined == 0)
        return KPI_HEALTH_NA;
    if (b->red_count <= 0 || below >= (size_t)b->red_count)
        return KPI_HEALTH_RED;
    if (any_green)
        return KPI_HEALTH_GREEN;
    if (any_yellow)
        return KPI_HEALTH_YELLOW;
    return KPI_HEALTH_RED;
}

/* Text written into a caller's buffer: appends that do not fit are cut
 * at the buffer's end, and out stays NUL-terminated. */
struct put {
    char *out;
    size_t cap, len;
};

static void put_str(struct put *p, const char *s)
{
    for (; *s && p->len + 1 < p->cap; s++)
        p->out[p->len++] = *s;
    if (p->cap > 0)
        p->out[p->len] = '\0';
}

static void put_pct(struct put *p, kpi_pct v)
{
    char buf[32];
    kpi_pct_format(v, buf);
    put_str(p, buf);
    put_str(p, " %");
}

static void put_au(struct put *p, const struct kpi_au *v)
{
    char buf[32];
    kpi_centi_format(kpi_au_centi(v->ae, v->qe), buf);
    put_str(p, buf);
    put_str(p, " %");
}

/* Which of a customer's core values a reason lists. */
enum reason_pick { PICK_BELOW, PICK_ABOVE, PICK_BETWEEN, PICK_DEFINED };

static bool picked(const struct kpi_au *v, enum reason_pick pick,
                   const struct kpi_customer_bands *b)
{
    if (!kpi_au_defined(v))
        return false;
    switch (pick) {
    case PICK_BELOW:
        return kpi_au_cmp(v->ae, v->qe, b->red_below) < 0;
    case PICK_ABOVE:
        return kpi_au_cmp(v->ae, v->qe, b->green_above) > 0;
    case PICK_BETWEEN:
        return kpi_au_cmp(v->ae, v->qe, b->red_below) >= 0 &&
               kpi_au_cmp(v->ae, v->qe, b->green_above) <= 0;
    case PICK_DEFINED:
        break;
    }
    return true;
}

/* "OD 30.50 %, SPO 12.00 %" (named) or "30.50 %, 12.00 %"; or the codes
 * alone, "OD, SPO" (codes_only). */
static void put_list(struct put *p, const struct kpi_au *core,
                     const char *const *codes, size_t n, enum reason_pick pick,
                     const struct kpi_customer_bands *b, bool named,
                     bool codes_only)
{
    bool first = true;
    for (size_t i = 0; i < n; i++) {
        if (!picked(&core[i], pick, b))
            continue;
        put_str(p, first ? "" : ", ");
        first = false;
        if (named || codes_only)
            put_str(p, codes[i]);
        if (named)
            put_str(p, " ");
        if (!codes_only)
            put_au(p, &core[i]);
    }
}

enum kpi_health kpi_customer_health_reason(const struct kpi_au *core,
                                           const char *const *codes, size_t n,
                                           const struct kpi_customer_bands *b,
                                           char *out, size_t cap)
{
    struct put p = {out, cap, 0};
    enum kpi_health h = kpi_customer_health(core, n, b);
    size_t below = 0;
    for (size_t i = 0; i < n; i++)
        below += picked(&core[i], PICK_BELOW, b);
    put_str(&p, kpi_health_name(h));
    put_str(&p, ": ");
    enum reason_pick pick;
    switch (h) {
    case KPI_HEALTH_NA:
        put_str(&p, "no core workload with an AU");
        return h;
    case KPI_HEALTH_RED:
        if (b->red_count <= 0 || below >= (size_t)b->red_count) {
            /* rule 1: "at least red_count of them under red_below" */
            char count[24];
            size_t k = put_uint(count, below, 1);
            count[k] = '\0';
            put_str(&p, count);
            put_str(&p, below == 1 ? " core workload under "
                                   : " core workloads under ");
            put_pct(&p, b->red_below);
            if (below > 0) {
                put_str(&p, " (");
                put_list(&p, core, codes, n, PICK_BELOW, b, true, false);
                put_str(&p, ")");
            }
            return h;
        }
        /* rule 4: none reaches red_below */
        put_str(&p, "no core workload reaches ");
        put_pct(&p, b->red_below);
        put_str(&p, " (");
        put_list(&p, core, codes, n, PICK_DEFINED, b, true, false);
        put_str(&p, ")");
        return h;
    case KPI_HEALTH_GREEN:
        pick = PICK_ABOVE;
        break;
    case KPI_HEALTH_YELLOW:
        pick = PICK_BETWEEN;
        break;
    default:
        return h;
    }
    put_list(&p, core, codes, n, pick, b, false, true);
    if (h == KPI_HEALTH_GREEN) {
        put_str(&p, " above ");
    } else {
        put_str(&p, " from ");
        put_pct(&p, b->red_below);
        put_str(&p, " to ");
    }
    put_pct(&p, b->green_above);
    put_str(&p, " (");
    put_list(&p, core, codes, n, pick, b, false, false);
    put_str(&p, ")");
    return h;
}

/* round(10,000 * num / den) with num and den of any sign range given as
 * GMP integers; den > 0. */
static kpi_centi pct_round_mpz(const mpz_t num, const mpz_t den)
{
    mpz_t n, q, r;
    mpz_inits(n, q, r, NULL);
    mpz_mul_ui(n, num, 10000);
    bool neg = mpz_sgn(n) < 0;
    mpz_abs(n, n);
    mpz_tdiv_qr(q, r, n, den);
    mpz_mul_2exp(r, r, 1);
    if (mpz_cmp(r, den) >= 0)
        mpz_add_ui(q, q, 1);
    if (neg)
        mpz_neg(q, q);
    kpi_centi v = (kpi_centi)mpz_get_si(q);
    mpz_clears(n, q, r, NULL);
    return v;
}

kpi_centi kpi_pooled_change_pp(uint64_t ae_now, uint64_t qe_now,
                               uint64_t ae_then, uint64_t qe_then)
{
    /* Below 2^56 each, the cross products are below 2^112 and their
     * difference times 10,000 fits kpi_pct_round's 2^113. */
    const uint64_t lim = UINT64_C(1) << 56;
    if (ae_now < lim && qe_now < lim && ae_then < lim && qe_then < lim) {
        kpi_i128 num = (kpi_i128)ae_now * qe_then - (kpi_i128)ae_then * qe_now;
        return kpi_pct_round(num, (kpi_i128)qe_now * qe_then);
    }
    mpz_t num, t, den;
    mpz_inits(num, t, den, NULL);
    mpz_set_ui(num, ae_now);
    mpz_mul_ui(num, num, qe_then);
    mpz_set_ui(t, ae_then);
    mpz_mul_ui(t, t, qe_now);
    mpz_sub(num, num, t);
    mpz_set_ui(den, qe_now);
    mpz_mul_ui(den, den, qe_then);
    kpi_centi v = pct_round_mpz(num, den);
    mpz_clears(num, t, den, NULL);
    return v;
}

kpi_centi kpi_pace_centi(int64_t change, int months)
{
    return (kpi_centi)round_div((kpi_i128)change * 100, (kpi_u128)months);
}

bool kpi_months_to_goal(uint64_t gap, int64_t change, int months, int64_t *out)
{
    if (change <= 0)
        return false;
    /* ceil(gap * months / change): gap * months < 2^64 * 2^31 */
    kpi_u128 num = (kpi_u128)gap * (kpi_u128)months;
    kpi_u128 k = (num + (kpi_u128)change - 1) / (kpi_u128)change;
    *out = k > INT64_MAX ? INT64_MAX : (int64_t)k;
    return true;
}

bool kpi_users_to_goal(const struct kpi_au *v, kpi_pct target, int64_t *out)
{
    if (!kpi_au_defined(v))
        return false;
    /* floor(QE * target / 100) with target in percent * 10,000; C division
     * truncates toward zero, so step down for a negative inexact one. */
    kpi_i128 x = (kpi_i128)v->qe * target;
    kpi_i128 goal = x / PCT_UNIT;
    if (x % PCT_UNIT != 0 && x < 0)
        goal--;
    kpi_i128 need = goal + 1 - (kpi_i128)v->ae;
    if (need < 0)
        need = 0;
    if (need > INT64_MAX)
        need = INT64_MAX;
    *out = (int64_t)need;
    return true;
}

/*
 * Each term is 100 * ae / qe percent scaled by 10^18, i.e. ae * 10^20 / qe,
 * rounded to the nearest integer (ties up; terms are never negative). The
 * long division in two 10^10 steps keeps every intermediate below 2^98
 * whatever qe is. With ae <= 2,000,000,000 (docs/inputs.md) a term is below
 * 2^98, so the 128-bit sum holds over 500 million terms.
 *
 * Each rounded term is within 0.5e-18 percent of its exact value, so the
 * computed mean is within 0.5e-18 percent of the exact mean (the sum within
 * n * 0.5e-18). The hundredths shown are therefore exact unless the exact
 * mean lies within that distance of a rounding tie (x.xx5 %), including
 * exactly on one while the terms' rounding errors do not cancel; for AEs and
 * QEs of real data that is at worst a one-hundredth difference once in a
 * very long while, and no decision depends on the mean.
 */
/* The mean M of the AUs in hundredths is (sum of T_i) / n with
 * T_i = 10000 * ae_i / qe_i = I_i + r_i / qe_i. Rounding half away from
 * zero, M >= 0: floor(M + 1/2) = floor((2 * sum I_i + n + 2F) / 2n) with
 * F = sum r_i / qe_i, and since the numerator's other parts are integers,
 * only floor(2F) matters. That floor is bracketed from the terms'
 * floors at 2^64; when the bracket is not one integer, the sum is taken
 * exactly by binary splitting: P/Q over a range is the left P/Q plus the
 * right one, cross-multiplied. */
static void exact_fractions(const struct kpi_au *vals, size_t lo, size_t hi,
                            mpz_t p, mpz_t q)
{
    if (hi - lo == 1) {
        uint64_t r = (uint64_t)vals[lo].ae * 10000 % vals[lo].qe;
        mpz_set_ui(p, 2 * r);
        mpz_set_ui(q, vals[lo].qe);
        return;
    }
    size_t mid = lo + (hi - lo) / 2;
    mpz_t p2, q2;
    mpz_inits(p2, q2, NULL);
    exact_fractions(vals, lo, mid, p, q);
    exact_fractions(vals, mid, hi, p2, q2);
    mpz_mul(p, p, q2);
    mpz_addmul(p, p2, q);
    mpz_mul(q, q, q2);
    mpz_clears(p2, q2, NULL);
}

bool kpi_mean_au(const struct kpi_au *vals, size_t n, kpi_centi *out)
{
    if (n == 0)
        return false;
    kpi_u128 whole = 0, low = 0;
    for (size_t i = 0; i < n; i++) {
        uint64_t t = (uint64_t)vals[i].ae * 10000;
        uint64_t qe = vals[i].qe;
        whole += t / qe;
        /* floor(2^64 * 2r / qe): 2r < 2 qe, so the quotient is < 2^65 */
        low += ((kpi_u128)(2 * (t % qe)) << 64) / qe;
    }
    /* 2F * 2^64 lies in [low, low + n) */
    kpi_u128 g = low >> 64;
    if (g != (low + n - 1) >> 64) {
        mpz_t p, q;
        mpz_inits(p, q, NULL);
        exact_fractions(vals, 0, n, p, q);
        mpz_fdiv_q(p, p, q);
        g = mpz_get_ui(p);
        mpz_clears(p, q, NULL);
    }
    *out = (kpi_centi)((2 * whole + n + g) / (2 * (kpi_u128)n));
    return true;
}

/* An ASCII letter, digit or '_': what a hashtag is made of, and what may
 * not stand right before an Expecting tag ("NotExpecting<50" is none). */
static bool is_word_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || is_digit(c) ||
           c == '_';
}

static char ascii_lower(char c)
{
    return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

static bool equal_ci(const char *a, const char *b, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (ascii_lower(a[i]) != ascii_lower(b[i]))
            return false;
    return true;
}

/* True when tag is already one of the space-separated tags of out[0..used),
 * compared ASCII case-insensitively. */
static bool has_tag(const char *out, size_t used, const char *tag, size_t tlen)
{
    size_t i = 0;
    while (i < used) {
        size_t j = i;
        while (j < used && out[j] != ' ')
            j++;
        if (j - i == tlen && equal_ci(out + i, tag, tlen))
            return true;
        i = j + 1;
    }
    return false;
}

/*
 * Hashtags are deduplicated case-insensitively ("#Compete ... #compete"
 * shows "#Compete" once, in its first spelling): to the program manager
 * reading them they are one tag, as hashtags are everywhere else. A tag that
 * was left out for lack of room needs no record for the dedupe: a repeat of
 * it is as long and the room only shrinks, so it is left out too.
 */
static size_t add_tag(char *out, size_t cap, size_t used, const char *tag,
                      size_t tlen)
{
    size_t need = (used > 0 ? 1 : 0) + tlen;
    if (has_tag(out, used, tag, tlen) || need >= cap - used)
        return used;
    if (used > 0)
        out[used++] = ' ';
    memcpy(out + used, tag, tlen);
    used += tlen;
    out[used] = '\0';
    return used;
}

/* At notes[i]: "Expecting<50" or "Expecting>50", case-insensitive, not
 * glued to a word before it and not followed by another digit
 * ("Expecting<500" is a different statement). */
static const char *expecting_at(const char *notes, size_t len, size_t i)
{
    static const size_t tlen = sizeof "Expecting<50" - 1;
    if (len - i < tlen || (i > 0 && is_word_char(notes[i - 1])) ||
        !equal_ci(notes + i, "expecting", 9) || notes[i + 10] != '5' ||
        notes[i + 11] != '0' || (i + tlen < len && is_digit(notes[i + tlen])))
        return NULL;
    if (notes[i + 9] == '<')
        return "Expecting<50";
    if (notes[i + 9] == '>')
        return "Expecting>50";
    return NULL;
}

size_t kpi_notes_tags(const char *notes, size_t len, char *out, size_t cap)
{
    size_t used = 0;
    if (cap == 0)
        return 0;
    out[0] = '\0';
    for (size_t i = 0; i < len;) {
        const char *exp;
        if (notes[i] == '#' && i + 1 < len &&
            expecting_at(notes, len, i + 1) != NULL) {
            i++; /* "#Expecting<50" is the tag Expecting<50 */
        } else if (notes[i] == '#') {
            size_t j = i + 1;
            while (j < len && is_word_char(notes[j]))
                j++;
            if (j > i + 1)
                used = add_tag(out, cap, used, notes + i, j - i);
            i = j;
        } else if ((exp = expecting_at(notes, len, i)) != NULL) {
            used = add_tag(out, cap, used, exp, strlen(exp));
            i += strlen(exp);
        } else {
            i++;
        }
    }
    return used;
}

const char *kpi_focus_code(enum kpi_focus f)
{
    switch (f) {
    case KPI_FOCUS_LARGE_POOR:
        return "LARGE_POOR";
    case KPI_FOCUS_PLATEAU:
        return "PLATEAU";
    case KPI_FOCUS_LOSER:
        return "LOSER";
    case KPI_FOCUS_SLOW_KICKOFF:
        return "SLOW_KICKOFF";
    case KPI_FOCUS_SLOW_ENABLE:
        return "SLOW_ENABLE";
    case KPI_FOCUS_SLOW_RAMP:
        return "SLOW_RAMP";
    case KPI_FOCUS_COUNT:
        break;
    }
    return "?";
}

void kpi_focus_join(unsigned focus, char *out, size_t cap)
{
    size_t used = 0;
    if (cap == 0)
        return;
    out[0] = '\0';
    for (int a = 0; a < KPI_FOCUS_COUNT; a++) {
        if (!(focus & (1u << a)))
            continue;
        const char *code = kpi_focus_code((enum kpi_focus)a);
        size_t n = strlen(code) + (used ? 1 : 0);
        if (used + n >= cap)
            break;
        if (used)
            out[used++] = ';';
        memcpy(out + used, code, strlen(code) + 1);
        used += strlen(code);
    }
}

bool kpi_focus_large_poor(bool large, uint64_t core_ae, uint64_t core_qe,
                          const struct kpi_focus_limits *l)
{
    return large && core_qe > 0 &&
           kpi_au_cmp(core_ae, core_qe, l->large_poor_below) < 0;
}

/* later - earlier in days, in 64 bits so that no pair of int32 dates can
 * overflow; both dates known. */
static int64_t days_between(int32_t earlier, int32_t later)
{
    return (int64_t)later - earlier;
}

bool kpi_focus_slow_kickoff(int32_t engagement_start, int32_t kickoff_date,
                            int32_t month_end, const struct kpi_focus_limits *l)
{
    if (engagement_start == KPI_NO_DATE)
        return false;
    /* A kickoff after the month is not known yet to a rerun of that month
     * (docs/kpis.md, the window and SLOW_KICKOFF), so it counts as none. */
    if (kickoff_date != KPI_NO_DATE && kickoff_date <= month_end)
        return false;
    return days_between(engagement_start, month_end) > l->slow_kickoff_days;
}

bool kpi_focus_slow_enable(int32_t kickoff_date, int32_t month_end, uint32_t qe,
                           int32_t enabled_date,
                           const struct kpi_focus_limits *l)
{
    if (kickoff_date == KPI_NO_DATE || qe == 0)
        return false;
    if (enabled_date != KPI_NO_DATE && enabled_date <= month_end)
        return false;
    return days_between(kickoff_date, month_end) > l->slow_enable_days;
}

unsigned kpi_focus_slow_ramp(int32_t enabled_date, int32_t month_end,
                             kpi_pct target,
                             const int32_t days_to[KPI_MILESTONES],
                             const struct kpi_focus_limits *l)
{
    unsigned bits = 0;
    if (enabled_date == KPI_NO_DATE)
        return 0;
    int64_t since = days_between(enabled_date, month_end);
    for (int i = 0; i < KPI_MILESTONES; i++) {
        /* A milestone above the target is not asked of the workload. */
        if (KPI_PCT(kpi_milestone_pct[i]) > target)
            continue;
        if (since > l->slow_ramp_days[i] && days_to[i] == KPI_NO_DAYS)
            bits |= 1u << i;
    }
    return bits;
}
