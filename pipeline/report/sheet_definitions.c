/*
 * pipeline/report/sheet_definitions.c - the Definitions sheet: every KPI
 * in a sentence, the thresholds and settings in force, the inputs and
 * this workbook's own facts.
 */
#include "sheets.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "pipeline/base/version.h"

/* The width of the Definitions sheet's text column. */
#define DEF_WIDTH 80.0

static void def_row(struct sheet *s, const char *term, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void def_row(struct sheet *s, const char *term, const char *fmt, ...)
{
    lxw_row_t r;
    if (!sheet_next_row(s, &r))
        return;
    char text[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof(text), fmt, ap);
    va_end(ap);
    sheet_put_text_fmt(s, r, 0, term, s->x->fmt[FMT_TOP], true);
    sheet_put_text_fmt(s, r, 1, text, s->x->fmt[FMT_WRAP], true);
    /* Neither Excel nor LibreOffice grows a row for wrapped text that a
     * file gives no height: give it one, counting a line per 0.8 column
     * widths (lines break at spaces, and proportional glyphs vary). */
    double w = sheet_text_width_upto(text, 1e9);
    int lines = (int)ceil(w / (DEF_WIDTH * 0.8));
    if (lines > 1)
        sheet_check(s, r, 1, worksheet_set_row(s->ws, r, 15.0 * lines, NULL));
}

/* A configuration percent as a plain number cell (40, 40.5), left-aligned
 * like the text of the wide column it shares. */
static void config_pct_cell(struct sheet *s, lxw_row_t r, lxw_col_t c,
                            kpi_pct v)
{
    char buf[32];
    kpi_pct_format(v, buf);
    sheet_put_number(s, r, c, (double)v / KPI_PCT_SCALE, s->x->fmt[FMT_LEFT],
                     1.0 + (double)strlen(buf));
}

static void setting_row(struct sheet *s, const char *name, kpi_pct pct,
                        int64_t count, bool is_pct, const char *key)
{
    lxw_row_t r;
    if (!sheet_next_row(s, &r))
        return;
    sheet_put_text(s, r, 0, name);
    if (is_pct)
        config_pct_cell(s, r, 1, pct);
    else
        sheet_put_number(s, r, 1, (double)count, s->x->fmt[FMT_COUNT_LEFT],
                         sheet_count_width(count));
    sheet_put_text_fmt(s, r, 2, key, s->x->fmt[FMT_NOTE], true);
}

void sheet_definitions_write(struct sheet_book *x)
{
    const struct config *cfg = x->cfg;
    const struct kpi_focus_limits *fl = &cfg->focus;
    char band[32], lp[32], loser[32], cr[32], cg[32], core[512] = "";
    kpi_pct_format(cfg->plateau_band, band);
    kpi_pct_format(fl->large_poor_below, lp);
    kpi_pct_format(fl->loser_delta_3m, loser);
    kpi_pct_format(cfg->customer.red_below, cr);
    kpi_pct_format(cfg->customer.green_above, cg);
    for (int k = 0; k < x->n_core; k++) {
        if (k)
            strncat(core, ", ", sizeof(core) - strlen(core) - 1);
        strncat(core, facts_code(x->f, x->core[k]),
                sizeof(core) - strlen(core) - 1);
    }

    struct sheet s;
    lxw_row_t r;
    sheet_init(&s, x, "Definitions", 6, false, 0);
    if (s.col) {
        s.col[1].max_width = DEF_WIDTH;
        s.col[5].max_width = 66; /* a SHA-256 whole */
    }
    sheet_open(&s);
    sheet_title_row(&s, &r, "Definitions, thresholds and inputs", FMT_TITLE,
                    21);
    sheet_blank_row(&s);

    sheet_section(&s, &r, "KPIs");
    static const char *const k_head[] = {"KPI", "Definition"};
    sheet_header_row(&s, &r, k_head, 2, 0);
    def_row(&s, "QE",
            "Qualified entitlements: the licensed seats of a "
            "workload that qualify for the program, from the "
            "latest entitlement snapshot on or before the usage "
            "date.");
    def_row(&s, "AE",
            "Active entitlements: unique users with an intentional "
            "action in the workload in a rolling 28-day window, "
            "from the month's latest usage snapshot.");
    def_row(&s, "AU",
            "Active usage = AE / QE of the month's latest usage "
            "snapshot, shown to 2 decimals (rounded half away from "
            "zero); empty when QE is 0 or unknown; may exceed "
            "100%%.");
    def_row(&s, "Health",
            "Green when AU is above the workload's green_above, Red when "
            "below its red_below, else Yellow; N/A without an AU "
            "(thresholds below; comparisons are exact).");
    def_row(&s, "EXO scenario",
            "The EXO playbook section that applies: <10%% "
            "when AU < 10, 10-40%% when 10 <= AU <= 40, "
            ">40%% when AU > 40.");
    def_row(&s, "Delta 1m / 3m (pp)",
            "AU of the as-of month minus AU one / three months earlier, in "
            "percentage points; empty when either month has no AU.");
    def_row(&s, "Plateau months",
            "The longest run of consecutive months ending in the as-of month "
            "whose AU all stay within +-%s pp of the run's first month.",
            band);
    def_row(&s, "Plateau",
            "Plateau months above %d (at least %d monthly values) and health "
            "not Green.",
            cfg->plateau_min_months, cfg->plateau_min_months + 2);
    def_row(&s, "Customer health",
            "Over the core workloads with an AU: Red if %d or more are below "
            "%s%%, else Green if any is above %s%%, else Yellow if any is at "
            "least %s%%, else Red; N/A without any.",
            cfg->customer.red_count, cr, cg, cr);
    def_row(&s, "Core QE / AE / AU",
            "Sums of QE and AE over the core workloads (%s) with an AU; core "
            "AU is their ratio (pooled).",
            core);
    def_row(&s, "Large",
            "Seats at least %lld (seats from customers, else the largest QE "
            "of any workload).",
            (long long)fl->large_seats);
    def_row(&s, "Users to goal",
            "Extra active users a workload needs to pass its target "
            "(green_above): floor(QE x target / 100) + 1 - AE, at least 0; a "
            "customer's is the sum over its core workloads.");
    def_row(&s, "Notes tags",
            "Expecting<50, Expecting>50 and #hashtags from "
            "the latest entitlement snapshot's notes.");
    def_row(&s, "Days to gateway / kickoff",
            "Days from engagement start to the gateway / kickoff date.");
    def_row(&s, "Days kickoff to enable",
            "Days from kickoff to the workload's enabled date (negative when "
            "it was enabled before kickoff).");
    def_row(&s, "Days to 10% / 40% / 70%",
            "Days from the enabled date to the first usage snapshot whose AU "
            "reached 10 / 40 / 70%%.");
    def_row(&s, "Pooled AU",
            "A workload's sum of AE over its sum of QE, over "
            "the customers with an AU.");
    def_row(&s, "Mean AU",
            "The unweighted mean of the customers' AU (the "
            "playbooks' average AE/QE).");
    def_row(&s, "LARGE_POOR", "A large customer whose core AU is below %s%%.",
            lp);
    def_row(&s, "PLATEAU", "A core workload that is a plateau.");
    def_row(&s, "LOSER",
            "A core workload whose delta 3m is %s pp or less (the Biggest "
            "losers sheet).",
            loser);
    def_row(&s, "SLOW_KICKOFF",
            "No kickoff date by the as-of month's end and more than %d days "
            "since engagement start.",
            fl->slow_kickoff_days);
    def_row(&s, "SLOW_ENABLE",
            "Kickoff more than %d days ago and a core workload with QE > 0 "
            "not yet enabled.",
            fl->slow_enable_days);
    def_row(&s, "SLOW_RAMP",
            "A core workload enabled more than %d / %d / %d days ago that has "
            "not reached 10 / 40 / 70%% since (milestones up to its target).",
            fl->slow_ramp_days[0], fl->slow_ramp_days[1],
            fl->slow_ramp_days[2]);
    sheet_blank_row(&s);

    sheet_section(&s, &r, "Workload thresholds and goals in force");
    static const char *const t_head[] = {"Workload", "Green above (AU %)",
                                         "Red below (AU %)", "Core",
                                         "Goal (active users)"};
    sheet_header_row(&s, &r, t_head, 5, 0);
    for (int k = 0; k < cfg->n_workloads && sheet_next_row(&s, &r); k++) {
        const struct config_workload *w =
            &cfg->workload[x->f->workload_order[k]];
        sheet_put_text(&s, r, 0, w->code);
        config_pct_cell(&s, r, 1, w->threshold.green_above);
        config_pct_cell(&s, r, 2, w->threshold.red_below);
        sheet_put_yes_no(&s, r, 3, w->core);
        if (w->goal >= 0)
            sheet_put_count(&s, r, 4, w->goal);
    }
    sheet_blank_row(&s);

    sheet_section(&s, &r, "Customer health, plateau, focus areas and ingest");
    static const char *const s_head[] = {"Setting", "Value",
                                         "Configuration key"};
    sheet_header_row(&s, &r, s_head, 3, 0);
    setting_row(&s, "Customer health: Red below (AU %)",
                cfg->customer.red_below, 0, true,
                "[customer_health] red_below");
    setting_row(&s, "Customer health: Green above (AU %)",
                cfg->customer.green_above, 0, true,
                "[customer_health] green_above");
    setting_row(&s, "Customer health: Red count", 0, cfg->customer.red_count,
                false, "[customer_health] red_count");
    setting_row(&s, "Plateau band (pp)", cfg->plateau_band, 0, true,
                "[plateau] band_pp");
    setting_row(&s, "Plateau: more than (months)", 0, cfg->plateau_min_months,
                false, "[plateau] min_months");
    setting_row(&s, "Large: seats at least", 0, fl->large_seats, false,
                "[focus] large_seats");
    setting_row(&s, "LARGE_POOR: core AU below (%)", fl->large_poor_below, 0,
                true, "[focus] large_poor_below");
    setting_row(&s, "LOSER: delta 3m at most (pp)", fl->loser_delta_3m, 0, true,
                "[focus] loser_delta_3m_pp");
    setting_row(&s, "SLOW_KICKOFF: days", 0, fl->slow_kickoff_days, false,
                "[focus] slow_kickoff_days");
    setting_row(&s, "SLOW_ENABLE: days", 0, fl->slow_enable_days, false,
                "[focus] slow_enable_days");
    setting_row(&s, "SLOW_RAMP 10%: days", 0, fl->slow_ramp_days[0], false,
                "[focus] slow_ramp_10_days");
    setting_row(&s, "SLOW_RAMP 40%: days", 0, fl->slow_ramp_days[1], false,
                "[focus] slow_ramp_40_days");
    setting_row(&s, "SLOW_RAMP 70%: days", 0, fl->slow_ramp_days[2], false,
                "[focus] slow_ramp_70_days");
    setting_row(&s, "Rejected rows: at most (% of a file)", cfg->max_reject_pct,
                0, true, "[ingest] max_reject_pct");
    if (sheet_next_row(&s, &r)) {
        sheet_put_text(&s, r, 0, "Core workloads");
        sheet_put_text(&s, r, 1, core);
        sheet_put_text_fmt(&s, r, 2, "[core] workloads", x->fmt[FMT_NOTE],
                           true);
    }
    sheet_blank_row(&s);

    sheet_section(&s, &r, "Inputs");
    static const char *const i_head[] = {"File",      "Kind",     "Bytes",
                                         "Rows read", "Rejected", "SHA-256"};
    sheet_header_row(&s, &r, i_head, 6, 0);
    for (size_t i = 0; i < x->in->n_stats && sheet_next_row(&s, &r); i++) {
        const struct extract_stats *st = &x->in->stats[i];
        sheet_put_text(&s, r, 0, st->path);
        sheet_put_text(&s, r, 1, extract_kind_name(st->kind));
        sheet_put_count(&s, r, 2, (int64_t)st->bytes);
        sheet_put_count(&s, r, 3, (int64_t)st->read);
        sheet_put_count(&s, r, 4, (int64_t)st->rejected);
        sheet_put_text(&s, r, 5, st->sha256);
    }
    sheet_blank_row(&s);

    sheet_section(&s, &r, "This workbook");
    static const char *const a_head[] = {"Item", "Value"};
    sheet_header_row(&s, &r, a_head, 2, 0);
    if (sheet_next_row(&s, &r)) {
        sheet_put_text(&s, r, 0, "As-of month");
        sheet_put_month(&s, r, 1, x->f->as_of_month);
    }
    if (sheet_next_row(&s, &r)) {
        sheet_put_text(&s, r, 0, "Program");
        sheet_put_text(&s, r, 1, cfg->program_name);
    }
    if (sheet_next_row(&s, &r)) {
        sheet_put_text(&s, r, 0, "Configuration");
        sheet_put_text(&s, r, 1, cfg->source);
    }
    if (sheet_next_row(&s, &r)) {
        sheet_put_text(&s, r, 0, "ftkpi version");
        sheet_put_text(&s, r, 1, FTK_VERSION);
    }
    if (sheet_next_row(&s, &r)) {
        sheet_put_text(&s, r, 0, "Rows per sheet");
        sheet_put_number(&s, r, 1, x->max_rows, x->fmt[FMT_COUNT_LEFT],
                         sheet_count_width(x->max_rows));
        sheet_put_text_fmt(&s, r, 2, "more continue on NAME (2)",
                           x->fmt[FMT_NOTE], true);
    }
    if (sheet_next_row(&s, &r)) {
        sheet_put_text(&s, r, 0, "Rows per list");
        if (x->max_list_rows > 0) {
            sheet_put_number(&s, r, 1, x->max_list_rows, x->fmt[FMT_COUNT_LEFT],
                             sheet_count_width(x->max_list_rows));
            sheet_put_text_fmt(&s, r, 2,
                               "[workbook] max_list_rows: a longer list keeps "
                               "the rows with the largest users to goal and "
                               "says above its header how many it left out",
                               x->fmt[FMT_NOTE], true);
        } else {
            sheet_put_text(&s, r, 1, "every row");
        }
    }
    if (sheet_next_row(&s, &r)) {
        sheet_put_text(&s, r, 0, "Links per sheet");
        sheet_put_number(&s, r, 1, LXW_MAX_NUMBER_URLS, x->fmt[FMT_COUNT_LEFT],
                         sheet_count_width(LXW_MAX_NUMBER_URLS));
        sheet_put_text_fmt(&s, r, 2,
                           "Excel's limit; later rows show plain text",
                           x->fmt[FMT_NOTE], true);
    }
    sheet_close(&s);
}
