/*
 * kpi/kpi.h - the KPI math of docs/kpis.md, pure.
 *
 * No I/O, no globals, no allocation. Every comparison of an AU with a
 * threshold is exact, on the integers AE and QE (128-bit where a product
 * could overflow 64 bits); floats are never used to decide anything.
 *
 * Percent thresholds are kpi_pct: percent times 10,000, so a configuration
 * value with up to four decimals stays exact (40 % is 400000, 40.5 % is
 * 405000). Displayed percents and pp are kpi_centi: hundredths, rounded half
 * away from zero from the exact value (37.50 % is 3750).
 */
#ifndef FTK_KPI_H
#define FTK_KPI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

__extension__ typedef __int128 kpi_i128;

typedef int64_t kpi_pct;
#define KPI_PCT_SCALE 10000
#define KPI_PCT(whole) ((kpi_pct)(whole)*KPI_PCT_SCALE)

typedef int64_t kpi_centi;

/* A month value of one (tenant, workload): the AE of the month's latest
 * usage snapshot and the QE on that snapshot's date. */
struct kpi_au {
    bool has_value; /* the month has a usage snapshot */
    bool qe_known;  /* an entitlement snapshot gave a QE */
    uint32_t ae;
    uint32_t qe;
};

/* True when AU = AE / QE is defined: a value with a known QE > 0. */
bool kpi_au_defined(const struct kpi_au *v);

/* The sign of (100 * ae / qe - t / 10000): -1, 0 or +1. qe > 0. */
int kpi_au_cmp(uint64_t ae, uint64_t qe, kpi_pct t);

/* 100 * num / den percent rounded half away from zero to hundredths.
 * den > 0; num may be negative. */
kpi_centi kpi_pct_round(kpi_i128 num, kpi_i128 den);

/* AU of ae / qe in hundredths of a percent. qe > 0. */
kpi_centi kpi_au_centi(uint64_t ae, uint64_t qe);

/* Writes a kpi_centi as "37.50", "-5.25", "0.00" (NUL-terminated). */
void kpi_centi_format(kpi_centi v, char out[32]);

/* Parses a decimal percent such as "40", "40.5", "-5", "0.25" (at most four
 * decimals, optional leading '-', magnitude below 1,000,000,000) into a
 * kpi_pct. Returns false for anything else. */
bool kpi_pct_parse(const char *s, kpi_pct *out);

/* Writes a kpi_pct with as few decimals as it needs: "40", "40.5", "-5". */
void kpi_pct_format(kpi_pct v, char out[32]);

enum kpi_health {
    KPI_HEALTH_NA,
    KPI_HEALTH_RED,
    KPI_HEALTH_YELLOW,
    KPI_HEALTH_GREEN
};

/* "N/A", "Red", "Yellow", "Green". */
const char *kpi_health_name(enum kpi_health h);

/* A workload's health thresholds; its target is green_above. */
struct kpi_thresholds {
    kpi_pct green_above;
    kpi_pct red_below;
};

/* Green if AU > green_above, Red if AU < red_below, else Yellow; N/A when
 * the AU is undefined. */
enum kpi_health kpi_workload_health(const struct kpi_au *v,
                                    const struct kpi_thresholds *t);

/* The same bands for the ratio ae / qe of any sums (a workload's pooled
 * AU, say); N/A when qe is 0. */
enum kpi_health kpi_ratio_health(uint64_t ae, uint64_t qe,
                                 const struct kpi_thresholds *t);

/* The EXO playbook scenario: "<10%" when AU < 10, "10-40%" when
 * 10 <= AU <= 40, ">40%" when AU > 40, "" when the AU is undefined. */
const char *kpi_exo_scenario(const struct kpi_au *v);

/* AU(now) - AU(then) in pp, rounded to hundredths. Returns false (and leaves
 * *out alone) when either AU is undefined. */
bool kpi_delta_pp(const struct kpi_au *now, const struct kpi_au *then,
                  kpi_centi *out);

/* True when both AUs are defined and AU(now) - AU(then) <= limit pp,
 * exactly (limit is a kpi_pct, e.g. KPI_PCT(-5)). */
bool kpi_delta_at_most(const struct kpi_au *now, const struct kpi_au *then,
                       kpi_pct limit);

/* plateau_months L (docs/kpis.md). vals[0..n-1] are consecutive calendar
 * months, vals[n-1] being the as-of month m. L is the largest k >= 1 such
 * that vals[n-1-k .. n-1] all have a defined AU and every one is within
 * +-band pp (inclusive, exact) of the anchor vals[n-1-k]; 0 if none. */
int kpi_plateau_months(const struct kpi_au *vals, size_t n, kpi_pct band);

/* The Customer Health bands (docs/kpis.md, per customer). */
struct kpi_customer_bands {
    kpi_pct red_below;   /* 40: "AU < 40 %" */
    kpi_pct green_above; /* 70: "AU > 70 %" */
    int red_count;       /* 2: "at least 2 of them" */
};

/* Customer health over the core workloads' month values (undefined ones
 * are skipped): Red if at least red_count have AU < red_below; else Green
 * if any has AU > green_above; else Yellow if any has AU >= red_below; else
 * Red; N/A when none is defined. */
enum kpi_health kpi_customer_health(const struct kpi_au *core, size_t n,
                                    const struct kpi_customer_bands *b);

/* Customer health as kpi_customer_health decides it, with the reason in
 * words written into out (always NUL-terminated when cap > 0; a reason
 * longer than cap - 1 bytes is cut). codes[i] names core[i]; the caller
 * passes them in the order they are to be listed. Percents are the AUs
 * rounded to hundredths, thresholds as kpi_pct_format writes them:
 *   "Red: 2 core workloads under 40 % (OD 30.50 %, SPO 12.00 %)"
 *   "Green: TEAMS above 70 % (82.10 %)"
 *   "Yellow: EXO, SPO from 40 % to 70 % (55.00 %, 40.00 %)"
 *   "Red: no core workload reaches 40 % (SPO 12.00 %)"
 *   "N/A: no core workload with an AU"
 * Red lists the workloads under red_below, Green those above green_above,
 * Yellow those from red_below to green_above (all inclusive: none is above
 * green_above then), the last Red every defined one. */
enum kpi_health kpi_customer_health_reason(const struct kpi_au *core,
                                           const char *const *codes, size_t n,
                                           const struct kpi_customer_bands *b,
                                           char *out, size_t cap);

/* The change of a pooled AU from then to now in pp, ae_now / qe_now -
 * ae_then / qe_then, exactly, rounded half away from zero to hundredths
 * (qe_now, qe_then > 0). Exact for any 64-bit sums: products too large for
 * 128 bits are taken with GMP. */
kpi_centi kpi_pooled_change_pp(uint64_t ae_now, uint64_t qe_now,
                               uint64_t ae_then, uint64_t qe_then);

/* The pace towards a goal: change / months, the average change per month,
 * in hundredths (of a user), rounded half away from zero. months > 0. */
kpi_centi kpi_pace_centi(int64_t change, int months);

/* The months to close gap at the pace change / months: the smallest whole
 * number k with k * change / months >= gap, i.e. ceil(gap * months /
 * change); 0 when gap is 0. Returns false (and leaves *out alone) when
 * change <= 0. months > 0. */
bool kpi_months_to_goal(uint64_t gap, int64_t change, int months, int64_t *out);

/* Users to goal: max(0, floor(QE * target / 100) + 1 - AE). Returns false
 * when the AU is undefined. */
bool kpi_users_to_goal(const struct kpi_au *v, kpi_pct target, int64_t *out);

/* The unweighted mean of the AUs of vals[0..n) (each defined: qe > 0), in
 * hundredths of a percent, exactly rounded half away from zero. Integer
 * arithmetic decides all but a mean within n * 2^-64 of a rounding tie;
 * that one is settled with GMP's exact integers, the only allocation in
 * kpi/. Returns false when n is 0 (or GMP is out of memory, which aborts
 * in GMP itself). */
bool kpi_mean_au(const struct kpi_au *vals, size_t n, kpi_centi *out);

/* Extracts the tags of an entitlement note (docs/kpis.md, "Notes tags"):
 * "Expecting<50" and "Expecting>50", matched case-insensitively where no
 * ASCII letter, digit or '_' stands before them and no digit after, written
 * in this spelling ("#Expecting<50" is this tag too); and hashtags, '#'
 * followed by one or more ASCII letters, digits or '_', running to the
 * first other character. In order of first appearance, without repeats
 * (ASCII case-insensitive; a hashtag keeps its first spelling), joined by
 * single spaces into out (always NUL-terminated; a tag that does not fit
 * whole is left out: 2 * len + 1 bytes always fit). Returns the length
 * written. */
size_t kpi_notes_tags(const char *notes, size_t len, char *out, size_t cap);

/* The focus areas of docs/kpis.md, in the order of its table. */
enum kpi_focus {
    KPI_FOCUS_LARGE_POOR,
    KPI_FOCUS_PLATEAU,
    KPI_FOCUS_LOSER,
    KPI_FOCUS_SLOW_KICKOFF,
    KPI_FOCUS_SLOW_ENABLE,
    KPI_FOCUS_SLOW_RAMP,
    KPI_FOCUS_COUNT
};

/* "LARGE_POOR", "PLATEAU", ... */
const char *kpi_focus_code(enum kpi_focus f);

/* The codes of the focus areas in a mask (bit f: area f), in the order of
 * the enum, joined by ';' into out (always NUL-terminated; a code that
 * does not fit whole is left out with every later one). */
void kpi_focus_join(unsigned focus, char *out, size_t cap);

/* The milestones of velocity and SLOW_RAMP: 10, 40 and 70 %. */
#define KPI_MILESTONES 3
extern const int kpi_milestone_pct[KPI_MILESTONES];

/* The focus-area limits (defaults in templates/ftkpi.ini). */
struct kpi_focus_limits {
    int64_t large_seats;                /* 10000: large when seats >= this */
    kpi_pct large_poor_below;           /* 20: customer AE/QE < this */
    kpi_pct loser_delta_3m;             /* -5: delta_3m <= this */
    int slow_kickoff_days;              /* 30: more than this since start */
    int slow_enable_days;               /* 90: kickoff more than this ago */
    int slow_ramp_days[KPI_MILESTONES]; /* 60, 180, 365 */
};

/* LARGE_POOR: a large customer whose pooled core AE/QE is defined
 * (core_qe > 0) and below large_poor_below. */
bool kpi_focus_large_poor(bool large, uint64_t core_ae, uint64_t core_qe,
                          const struct kpi_focus_limits *l);

/* SLOW_KICKOFF: engagement_start known, no kickoff_date on or before
 * month_end (unknown, or later than month_end), and
 * month_end - engagement_start > slow_kickoff_days. */
bool kpi_focus_slow_kickoff(int32_t engagement_start, int32_t kickoff_date,
                            int32_t month_end,
                            const struct kpi_focus_limits *l);

/* SLOW_ENABLE for one core workload: kickoff_date known and
 * month_end - kickoff_date > slow_enable_days, qe > 0, and not enabled
 * (enabled_date unknown or later than month_end). */
bool kpi_focus_slow_enable(int32_t kickoff_date, int32_t month_end, uint32_t qe,
                           int32_t enabled_date,
                           const struct kpi_focus_limits *l);

/* SLOW_RAMP for one core workload: the milestones i (bit i of the result)
 * with kpi_milestone_pct[i] <= target, enabled_date known and
 * month_end - enabled_date > slow_ramp_days[i], and days_to[i] unknown
 * (KPI_NO_DAYS). 0 when none applies. */
#define KPI_NO_DAYS INT32_MIN
unsigned kpi_focus_slow_ramp(int32_t enabled_date, int32_t month_end,
                             kpi_pct target,
                             const int32_t days_to[KPI_MILESTONES],
                             const struct kpi_focus_limits *l);

#endif
