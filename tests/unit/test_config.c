/*
 * tests/unit/test_config.c - the built-in defaults (templates/ftkpi.ini),
 * a --config file on top of them, and the errors that name file and line
 * (pipeline/config.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "pipeline/config.h"
#include "tests/unit/config_fixture.h"

static int lookup(const struct config *cfg, const char *name)
{
    return config_workload_lookup(cfg, name, strlen(name));
}

/* The workload of a code, which must exist. */
static const struct config_workload *wl(const struct config *cfg,
                                        const char *code)
{
    int w = lookup(cfg, code);
    if (w < 0)
        fail_msg("no workload %s", code);
    assert_string_equal(cfg->workload[w].code, code);
    return &cfg->workload[w];
}

static void expect_thresholds(const struct config *cfg, const char *code,
                              kpi_pct green, kpi_pct red)
{
    const struct config_workload *w = wl(cfg, code);
    if (w->threshold.green_above != green || w->threshold.red_below != red)
        fail_msg("%s: %lld, %lld, want %lld, %lld", code,
                 (long long)w->threshold.green_above,
                 (long long)w->threshold.red_below, (long long)green,
                 (long long)red);
}

static void test_config__defaults(void **state)
{
    struct config_fixture *fx = *state;
    config_fixture_load_ok(fx, NULL);
    struct config *cfg = &fx->cfg;
    static const char *const codes[] = {
        "EXO",   "OLM",   "SPO",    "OD",   "OPP", "TEAMS",
        "YAM",   "WIN10", "INTUNE", "AADP", "AIP", "MCAS",
        "IDSEC", "PROJ",  "WDATP",  "SDS",  "CORE"};
    assert_int_equal(cfg->n_workloads, 17);
    for (int i = 0; i < 17; i++)
        assert_string_equal(cfg->workload[i].code, codes[i]);

    expect_thresholds(cfg, "EXO", KPI_PCT(50), KPI_PCT(20));
    expect_thresholds(cfg, "SPO", KPI_PCT(40), KPI_PCT(20));
    expect_thresholds(cfg, "OD", KPI_PCT(40), KPI_PCT(20));
    expect_thresholds(cfg, "OPP", KPI_PCT(70), KPI_PCT(40));
    expect_thresholds(cfg, "TEAMS", KPI_PCT(70), KPI_PCT(40));
    expect_thresholds(cfg, "OLM", KPI_PCT(70), KPI_PCT(40));
    expect_thresholds(cfg, "SDS", KPI_PCT(70), KPI_PCT(40));
    assert_true(wl(cfg, "EXO")->own_threshold);
    assert_false(wl(cfg, "TEAMS")->own_threshold);
    assert_int_equal(cfg->default_threshold.green_above, KPI_PCT(70));
    assert_int_equal(cfg->default_threshold.red_below, KPI_PCT(40));

    for (int i = 0; i < cfg->n_workloads; i++) {
        const char *c = cfg->workload[i].code;
        bool core = !strcmp(c, "EXO") || !strcmp(c, "SPO") ||
                    !strcmp(c, "OD") || !strcmp(c, "TEAMS") ||
                    !strcmp(c, "OPP");
        if (cfg->workload[i].core != core)
            fail_msg("%s core is %d", c, cfg->workload[i].core);
        int64_t goal = !strcmp(c, "EXO")   ? 16800000
                       : !strcmp(c, "OLM") ? 8100000
                                           : -1;
        if (cfg->workload[i].goal != goal)
            fail_msg("%s goal is %lld", c, (long long)cfg->workload[i].goal);
    }

    assert_int_equal(cfg->customer.red_below, KPI_PCT(40));
    assert_int_equal(cfg->customer.green_above, KPI_PCT(70));
    assert_int_equal(cfg->customer.red_count, 2);
    assert_int_equal(cfg->plateau_band, KPI_PCT(5));
    assert_int_equal(cfg->plateau_min_months, 3);
    assert_int_equal(cfg->focus.large_seats, 10000);
    assert_int_equal(cfg->focus.large_poor_below, KPI_PCT(20));
    assert_int_equal(cfg->focus.loser_delta_3m, KPI_PCT(-5));
    assert_int_equal(cfg->focus.slow_kickoff_days, 30);
    assert_int_equal(cfg->focus.slow_enable_days, 90);
    assert_int_equal(cfg->focus.slow_ramp_days[0], 60);
    assert_int_equal(cfg->focus.slow_ramp_days[1], 180);
    assert_int_equal(cfg->focus.slow_ramp_days[2], 365);
    assert_int_equal(cfg->max_reject_pct, KPI_PCT(1));
    assert_int_equal(cfg->max_list_rows, 10000);
    assert_string_equal(cfg->program_name, "Microsoft 365 Adoption Program");
    assert_non_null(strstr(cfg->source, "defaults"));
    config_release(cfg);
    config_release(cfg); /* safe twice */
}

static void test_config__every_default_alias_resolves(void **state)
{
    struct config_fixture *fx = *state;
    config_fixture_load_ok(fx, NULL);
    /* templates/ftkpi.ini's [workloads], in mixed case */
    static const char *const table[][2] = {
        {"EXO", "exchange"},
        {"EXO", "EXCHANGE ONLINE"},
        {"EXO", "Exo"},
        {"OLM", "Outlook Mobile"},
        {"OLM", "om"},
        {"OLM", "OLM"},
        {"SPO", "sharepoint"},
        {"SPO", "SharePoint Online"},
        {"OD", "OneDrive"},
        {"OD", "onedrive for business"},
        {"OD", "ODB"},
        {"OD", "od"},
        {"OPP", "ProPlus"},
        {"OPP", "office 365 proplus"},
        {"OPP", "microsoft 365 apps"},
        {"OPP", "M365 APPS"},
        {"TEAMS", "teams"},
        {"TEAMS", "Microsoft Teams"},
        {"YAM", "Yammer"},
        {"YAM", "yammer enterprise"},
        {"WIN10", "Windows 10"},
        {"WIN10", "win10"},
        {"INTUNE", "InTune"},
        {"AADP", "Azure AD Premium"},
        {"AADP", "azure active directory premium"},
        {"AIP", "Azure Information Protection"},
        {"MCAS", "microsoft cloud app security"},
        {"IDSEC", "Identity Security"},
        {"PROJ", "project online"},
        {"WDATP", "Windows Defender ATP"},
        {"SDS", "School Data Sync"},
        {"CORE", "core"},
    };
    for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++) {
        int w = lookup(&fx->cfg, table[i][1]);
        if (w < 0 || strcmp(fx->cfg.workload[w].code, table[i][0]) != 0)
            fail_msg("'%s' -> %s, want %s", table[i][1],
                     w < 0 ? "unknown" : fx->cfg.workload[w].code, table[i][0]);
    }
    assert_int_equal(lookup(&fx->cfg, "Exchnage"), -1);
    assert_int_equal(lookup(&fx->cfg, "exchange online "), -1);
    assert_int_equal(lookup(&fx->cfg, "Office 365"), -1);
    assert_int_equal(lookup(&fx->cfg, ""), -1);
    char longname[300];
    memset(longname, 'a', sizeof(longname) - 1);
    longname[sizeof(longname) - 1] = '\0';
    assert_int_equal(lookup(&fx->cfg, longname), -1);
    /* len bounds the name: no terminating NUL needed */
    int exo = lookup(&fx->cfg, "EXO");
    assert_int_equal(config_workload_lookup(&fx->cfg, "EXOTIC", 3), exo);
    assert_int_equal(config_workload_lookup(&fx->cfg, "Teams,x", 5),
                     lookup(&fx->cfg, "TEAMS"));
    config_release(&fx->cfg);
}

static void test_config__override_one_key_keeps_the_rest(void **state)
{
    struct config_fixture *fx = *state;
    config_fixture_load_ok(fx, "; my settings\n[thresholds]\nSPO = 45, 25\n");
    expect_thresholds(&fx->cfg, "SPO", KPI_PCT(45), KPI_PCT(25));
    expect_thresholds(&fx->cfg, "EXO", KPI_PCT(50), KPI_PCT(20));
    expect_thresholds(&fx->cfg, "TEAMS", KPI_PCT(70), KPI_PCT(40));
    assert_int_equal(fx->cfg.n_workloads, 17);
    assert_true(wl(&fx->cfg, "OPP")->core);
    assert_int_equal(wl(&fx->cfg, "EXO")->goal, 16800000);
    assert_int_equal(lookup(&fx->cfg, "om"), lookup(&fx->cfg, "OLM"));
    assert_int_equal(fx->cfg.max_reject_pct, KPI_PCT(1));
    assert_string_equal(fx->cfg.source, fx->path);
    config_release(&fx->cfg);

    config_fixture_load_ok(
        fx, "[ingest]\nmax_reject_pct = 2.5\n[plateau]\nmin_months = 4\n"
            "[goals]\nEXO =\nOLM = 9000000\n[program]\nname = Pilot\n"
            "[Workbook]\nMax_List_Rows = 5\n");
    assert_int_equal(fx->cfg.max_reject_pct, 25000);
    assert_int_equal(fx->cfg.max_list_rows, 5);
    assert_int_equal(fx->cfg.plateau_min_months, 4);
    assert_int_equal(fx->cfg.plateau_band, KPI_PCT(5));
    assert_int_equal(wl(&fx->cfg, "EXO")->goal, -1);
    assert_int_equal(wl(&fx->cfg, "OLM")->goal, 9000000);
    assert_string_equal(fx->cfg.program_name, "Pilot");
    config_release(&fx->cfg);
}

static void test_config__default_threshold_applies_to_the_rest(void **state)
{
    struct config_fixture *fx = *state;
    config_fixture_load_ok(fx, "[thresholds]\ndefault = 60, 30\n");
    expect_thresholds(&fx->cfg, "TEAMS", KPI_PCT(60), KPI_PCT(30));
    expect_thresholds(&fx->cfg, "YAM", KPI_PCT(60), KPI_PCT(30));
    /* those with a line of their own keep it */
    expect_thresholds(&fx->cfg, "EXO", KPI_PCT(50), KPI_PCT(20));
    expect_thresholds(&fx->cfg, "OPP", KPI_PCT(70), KPI_PCT(40));
    config_release(&fx->cfg);
}

static void test_config__add_an_alias(void **state)
{
    struct config_fixture *fx = *state;
    config_fixture_load_ok(fx, "[workloads]\nEXO = Mail, Exchange,  E-Mail  \n"
                               "teams = MS Teams\n");
    int exo = lookup(&fx->cfg, "EXO");
    assert_int_equal(lookup(&fx->cfg, "mail"), exo);
    assert_int_equal(lookup(&fx->cfg, "E-MAIL"), exo);
    /* the defaults are still there: aliases are added, never taken away */
    assert_int_equal(lookup(&fx->cfg, "Exchange Online"), exo);
    assert_int_equal(lookup(&fx->cfg, "ms teams"), lookup(&fx->cfg, "TEAMS"));
    assert_int_equal(lookup(&fx->cfg, "Microsoft Teams"),
                     lookup(&fx->cfg, "TEAMS"));
    assert_int_equal(fx->cfg.n_workloads, 17);
    config_release(&fx->cfg);
}

static void test_config__add_a_workload_code(void **state)
{
    struct config_fixture *fx = *state;
    config_fixture_load_ok(
        fx, "[workloads]\nviva = Viva Insights, Workplace Analytics\n"
            "PURVIEW =\n"
            "[thresholds]\nVIVA = 30, 10\n"
            "[core]\nworkloads = viva, EXO, viva\n"
            "[goals]\nVIVA = 1000\n");
    struct config *cfg = &fx->cfg;
    assert_int_equal(cfg->n_workloads, 19);
    assert_string_equal(cfg->workload[17].code, "VIVA");
    assert_string_equal(cfg->workload[18].code, "PURVIEW");
    assert_int_equal(lookup(cfg, "viva insights"), 17);
    assert_int_equal(lookup(cfg, "WORKPLACE ANALYTICS"), 17);
    assert_int_equal(lookup(cfg, "Viva"), 17);
    assert_int_equal(lookup(cfg, "purview"), 18);
    expect_thresholds(cfg, "VIVA", KPI_PCT(30), KPI_PCT(10));
    expect_thresholds(cfg, "PURVIEW", KPI_PCT(70), KPI_PCT(40));
    assert_int_equal(wl(cfg, "VIVA")->goal, 1000);
    assert_int_equal(wl(cfg, "PURVIEW")->goal, -1);
    for (int i = 0; i < cfg->n_workloads; i++) {
        bool core = i == lookup(cfg, "EXO") || i == 17;
        if (cfg->workload[i].core != core)
            fail_msg("%s core is %d", cfg->workload[i].code,
                     cfg->workload[i].core);
    }
    /* the list's order, each workload once */
    assert_int_equal(cfg->n_core, 2);
    assert_int_equal(cfg->core[0], 17);
    assert_int_equal(cfg->core[1], lookup(cfg, "EXO"));
    config_release(cfg);
}

static void test_config__core_override(void **state)
{
    struct config_fixture *fx = *state;
    config_fixture_load_ok(fx, "[core]\nworkloads = exo, Teams ,SPO\n");
    for (int i = 0; i < fx->cfg.n_workloads; i++) {
        const char *c = fx->cfg.workload[i].code;
        bool core =
            !strcmp(c, "EXO") || !strcmp(c, "TEAMS") || !strcmp(c, "SPO");
        if (fx->cfg.workload[i].core != core)
            fail_msg("%s core is %d", c, fx->cfg.workload[i].core);
    }
    config_release(&fx->cfg);
    /* An alias is not a code in the core list. */
    config_fixture_load_fails(
        fx, "[core]\nworkloads = EXO, Exchange Online\n", 2,
        "unknown workload 'Exchange Online' in core list");
}

static void test_config__decimal_thresholds_stay_exact(void **state)
{
    struct config_fixture *fx = *state;
    config_fixture_load_ok(fx, "[thresholds]\nSPO = 40.5, 20\nOD = 0.0001, 0\n"
                               "[focus]\nloser_delta_3m_pp = -2.25\n"
                               "[plateau]\nband_pp = 4.75\n");
    expect_thresholds(&fx->cfg, "SPO", 405000, 200000);
    expect_thresholds(&fx->cfg, "OD", 1, 0);
    assert_int_equal(fx->cfg.focus.loser_delta_3m, -22500);
    assert_int_equal(fx->cfg.plateau_band, 47500);
    config_release(&fx->cfg);
    config_fixture_load_fails(fx, "[thresholds]\nSPO = 40.12345, 20\n", 2,
                              "bad thresholds for SPO");
}

static void test_config__alias_of_another_code_is_an_error(void **state)
{
    struct config_fixture *fx = *state;
    config_fixture_load_fails(fx, "[workloads]\nSPO = Exchange\n", 2,
                              "alias 'Exchange' already names workload EXO");
    config_fixture_load_fails(fx, "[workloads]\nSPO = sharepoint, OM\n", 2,
                              "already names workload OLM");
    /* a new code that is a default alias of another */
    config_fixture_load_fails(fx, "[workloads]\nTeams2 = T2\nExchange = Mail\n",
                              3, "already names workload EXO");
    /* the same alias twice for one code is fine */
    config_fixture_load_ok(fx, "[workloads]\nSPO = SharePoint, sharepoint\n");
    config_release(&fx->cfg);
}

static void test_config__unknown_section(void **state)
{
    struct config_fixture *fx = *state;
    config_fixture_load_fails(
        fx, "[ingest]\nmax_reject_pct = 2\n\n[thresholdz]\nSPO = 1, 0\n", 4,
        "unknown section [thresholdz]");
    /* a section with no key under it is checked too */
    config_fixture_load_fails(fx,
                              "[ingest]\nmax_reject_pct = 2\n[thresholdz]\n", 3,
                              "unknown section [thresholdz]");
    /* an indented line is not a continuation of the previous value */
    config_fixture_load_fails(fx,
                              "[workloads]\nEXO = Exchange Server\n    Mail\n",
                              3, "syntax error");
}

static void test_config__unknown_key(void **state)
{
    struct config_fixture *fx = *state;
    config_fixture_load_fails(fx, "[plateau]\nband = 5\n", 2,
                              "unknown key 'band' in [plateau]");
    config_fixture_load_fails(
        fx, "# c\n[customer_health]\nred_below = 30\nyellow = 50\n", 4,
        "unknown key 'yellow' in [customer_health]");
    config_fixture_load_fails(fx, "[thresholds]\nNOPE = 1, 0\n", 2,
                              "unknown workload 'NOPE' in [thresholds]");
    config_fixture_load_fails(fx, "[goals]\nExchange = 5\n", 2,
                              "unknown workload 'Exchange' in [goals]");
    config_fixture_load_fails(fx, "[ingest]\nmax_rejects = 5\n", 2,
                              "unknown key");
    config_fixture_load_fails(fx, "[program]\ntitle = x\n", 2, "unknown key");
}

static void test_config__bad_values(void **state)
{
    struct config_fixture *fx = *state;
    config_fixture_load_fails(fx,
                              "\n; comment\n[plateau]\nmin_months = three\n", 4,
                              "bad value 'three' for min_months");
    config_fixture_load_fails(fx, "[focus]\nslow_kickoff_days = -1\n", 2,
                              "bad value '-1' for slow_kickoff_days");
    config_fixture_load_fails(fx, "[focus]\nlarge_seats = 10 000\n", 2,
                              "bad value");
    config_fixture_load_fails(fx, "[thresholds]\nEXO = 50\n", 2,
                              "bad thresholds for EXO");
    config_fixture_load_fails(fx, "[thresholds]\nEXO = 20, 50\n", 2,
                              "red_below 50 is above green_above 20");
    config_fixture_load_fails(fx, "[ingest]\nmax_reject_pct = -1\n", 2,
                              "must not be negative");
    config_fixture_load_fails(fx, "[ingest]\nmax_reject_pct = 1%\n", 2,
                              "bad value '1%'");
    config_fixture_load_fails(fx, "[customer_health]\nred_count = 0\n", 2,
                              "bad value");
    /* a positive whole number of rows */
    config_fixture_load_fails(fx, "[workbook]\nmax_list_rows = 0\n", 2,
                              "bad value '0' for max_list_rows");
    config_fixture_load_fails(fx, "\n[workbook]\nmax_list_rows = ten\n", 3,
                              "bad value 'ten' for max_list_rows");
    config_fixture_load_fails(fx, "[workbook]\nmax_list_rows = -5\n", 2,
                              "bad value '-5' for max_list_rows");
    config_fixture_load_fails(fx, "[workbook]\nmax_rows = 5\n", 2,
                              "unknown key 'max_rows' in [workbook]");
    config_fixture_load_fails(fx, "[workloads]\nBAD-CODE = x\n", 2,
                              "bad workload code 'BAD-CODE'");
}

static void test_config__syntax_error(void **state)
{
    struct config_fixture *fx = *state;
    config_fixture_load_fails(fx, "[plateau]\nmin_months 3\n", 2,
                              "syntax error");
    config_fixture_load_fails(fx, "[plateau\nmin_months = 3\n", 1,
                              "syntax error");
}

/* inih goes on after a syntax error and reports its line; the message of
 * a handler error on a later line used to be given with it. */
static void test_config__syntax_error_before_a_bad_value(void **state)
{
    struct config_fixture *fx = *state;
    config_fixture_load_fails(fx, "[plateau]\nbogus line\nmin_months = three\n",
                              2, "syntax error");
    config_fixture_load_fails(fx, "[plateau]\nmin_months = three\nbogus line\n",
                              2, "bad value 'three' for min_months");
}

/* inih reads the rest of a line over its buffer as the next line; the
 * error used to name the line after the long one. */
static void test_config__long_line_is_an_error_on_its_line(void **state)
{
    struct config_fixture *fx = *state;
    char text[600];
    int n = snprintf(text, sizeof(text), "[program]\n; ");
    memset(text + n, 'x', 300);
    snprintf(text + n + 300, sizeof(text) - (size_t)n - 300, "\nname = ok\n");
    config_fixture_load_fails(fx, text, 2, "longer than");
    /* a line that fits is fine */
    n = snprintf(text, sizeof(text), "[program]\nname = ");
    memset(text + n, 'y', 120);
    snprintf(text + n + 120, sizeof(text) - (size_t)n - 120, "\n");
    config_fixture_load_ok(fx, text);
    assert_int_equal(strlen(fx->cfg.program_name), 120);
    config_release(&fx->cfg);
}

static void test_config__crlf_and_comments(void **state)
{
    struct config_fixture *fx = *state;
    config_fixture_load_ok(
        fx, "; comment\r\n# comment\r\n[Thresholds]\r\nspo = 41, 21\r\n");
    expect_thresholds(&fx->cfg, "SPO", KPI_PCT(41), KPI_PCT(21));
    config_release(&fx->cfg);
}

static void test_config__missing_file_is_noinput(void **state)
{
    struct config_fixture *fx = *state;
    struct ftk_diag diag = {{0}};
    char path[160];
    snprintf(path, sizeof(path), "%s/none.ini", fx->dir);
    assert_int_equal(config_load(&fx->cfg, path, &diag), FTK_E_NOINPUT);
    assert_non_null(strstr(diag.msg, path));
    assert_null(fx->cfg.alias);
    config_release(&fx->cfg);
}

/* A folder given as the file used to read as an empty file: no
 * override, no error. It is refused as an input given as a folder is:
 * missing input (66), saying it is a folder. */
static void test_config__folder_is_an_error(void **state)
{
    struct config_fixture *fx = *state;
    struct ftk_diag diag = {{0}};
    assert_int_equal(config_load(&fx->cfg, fx->dir, &diag), FTK_E_NOINPUT);
    assert_int_equal(ftk_exit_code(FTK_E_NOINPUT), 66);
    assert_non_null(strstr(diag.msg, fx->dir));
    assert_non_null(strstr(diag.msg, "a folder, not a configuration file"));
    assert_null(fx->cfg.alias);
}

/* cmd/ zero-initialises a config and always releases it. */
static void test_config__release_safe_on_zeroed_and_twice(void **state)
{
    struct config_fixture *fx = *state;
    memset(&fx->cfg, 0, sizeof(fx->cfg));
    config_release(&fx->cfg);
    config_release(&fx->cfg);
    struct ftk_diag diag = {{0}};
    assert_int_equal(config_load(&fx->cfg, NULL, &diag), FTK_OK);
    assert_non_null(fx->cfg.alias);
    config_release(&fx->cfg);
    assert_null(fx->cfg.alias);
    assert_int_equal(fx->cfg.n_aliases, 0);
    config_release(&fx->cfg);
}

int main(void)
{
#define T(name)                                                                \
    cmocka_unit_test_setup_teardown(name, config_fixture_setup,                \
                                    config_fixture_teardown)
    const struct CMUnitTest tests[] = {
        T(test_config__defaults),
        T(test_config__every_default_alias_resolves),
        T(test_config__override_one_key_keeps_the_rest),
        T(test_config__default_threshold_applies_to_the_rest),
        T(test_config__add_an_alias),
        T(test_config__add_a_workload_code),
        T(test_config__core_override),
        T(test_config__decimal_thresholds_stay_exact),
        T(test_config__alias_of_another_code_is_an_error),
        T(test_config__unknown_section),
        T(test_config__unknown_key),
        T(test_config__bad_values),
        T(test_config__syntax_error),
        T(test_config__syntax_error_before_a_bad_value),
        T(test_config__long_line_is_an_error_on_its_line),
        T(test_config__crlf_and_comments),
        T(test_config__missing_file_is_noinput),
        T(test_config__folder_is_an_error),
        T(test_config__release_safe_on_zeroed_and_twice),
    };
#undef T
    return cmocka_run_group_tests(tests, NULL, NULL);
}
