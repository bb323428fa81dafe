/*
 * tests/unit/test_playbook.c - next actions and exec summaries
 * (pipeline/playbook/playbook.h) on the inputs of tests/fixtures/playbook/
 * read through the normal ingest and facts_build: every default rule at
 * its boundaries, notes tags in any case and inside other text, the
 * deployment progress, the spec's template note byte for byte, rules
 * switched off, reworded and added by a --config file, and both CSV files
 * byte for byte against the reference implementation's.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "kpi/date.h"
#include "pipeline/config.h"
#include "pipeline/facts.h"
#include "pipeline/ingest/extract.h"
#include "pipeline/playbook/playbook.h"
#include "pipeline/playbook/summary.h"
#include "tests/unit/scratch.h"

#define RULES_DIR "tests/fixtures/playbook/rules"
#define SUMMARIES_DIR "tests/fixtures/playbook/summaries"

struct fixture {
    char dir[64];
    char path[128];
    struct config cfg;
    struct store st;
    struct rejects rj;
    struct facts facts;
    struct playbook pb;
    bool loaded;
};

static int setup(void **state)
{
    struct fixture *fx = test_calloc(1, sizeof(*fx));
    if (!scratch_make(fx->dir, sizeof(fx->dir), "test_playbook")) {
        test_free(fx);
        return -1;
    }
    *state = fx;
    return 0;
}

/* Frees what load() took; each test calls it before it returns, as
 * cmocka counts what is still allocated then as a leak. */
static void done(struct fixture *fx)
{
    if (!fx->loaded)
        return;
    playbook_release(&fx->pb);
    playbook_release(&fx->pb); /* safe twice */
    facts_release(&fx->facts);
    store_release(&fx->st);
    config_release(&fx->cfg);
    fx->loaded = false;
}

static int teardown(void **state)
{
    struct fixture *fx = *state;
    done(fx);
    scratch_remove(fx->dir);
    test_free(fx);
    return 0;
}

/* Reads dir's customers.csv, entitlements.csv and usage.csv with the
 * defaults and config_text (NULL: none) as a --config file, and builds
 * the facts and the playbook of 2026-06. */
static void load(struct fixture *fx, const char *dir, const char *config_text)
{
    struct ftk_diag diag = {{0}};
    static const char *const files[] = {"customers.csv", "entitlements.csv",
                                        "usage.csv"};
    if (config_text) {
        snprintf(fx->path, sizeof(fx->path), "%s/program.ini", fx->dir);
        scratch_write_text(fx->path, config_text);
    }
    if (config_load(&fx->cfg, config_text ? fx->path : NULL, &diag) != FTK_OK)
        fail_msg("config_load: %s", diag.msg);
    store_init(&fx->st, &fx->cfg);
    rejects_init(&fx->rj, NULL);
    for (int k = 0; k < 3; k++) {
        char path[256];
        struct extract_stats stats;
        memset(&stats, 0, sizeof(stats));
        snprintf(path, sizeof(path), "%s/%s", dir, files[k]);
        if (extract_file(&fx->st, &fx->rj, (enum extract_kind)k, path, &stats,
                         &diag) != FTK_OK)
            fail_msg("%s", diag.msg);
        assert_int_equal(stats.rejected, 0);
        if (k == EXTRACT_CUSTOMERS)
            assert_int_equal(store_customers_done(&fx->st), FTK_OK);
        if (k == EXTRACT_ENTITLEMENTS)
            store_entitlements_done(&fx->st);
    }
    int32_t month;
    assert_true(kpi_month_parse("2026-06", 7, &month));
    assert_int_equal(facts_build(&fx->facts, &fx->st, month, &diag), FTK_OK);
    if (playbook_init(&fx->pb, &fx->facts, &diag) != FTK_OK)
        fail_msg("playbook_init: %s", diag.msg);
    fx->loaded = true;
}

static const char *rule_name(const struct fixture *fx,
                             const struct playbook_action *a)
{
    return fx->cfg.rules.rule[a->rule].name;
}

/* The rules of a tenant's actions, "WORKLOAD:RULE" joined by spaces, in
 * the file's order. */
static const char *rules_of(const struct fixture *fx, const char *tenant)
{
    static char out[512];
    out[0] = '\0';
    for (size_t i = 0; i < fx->pb.n_actions; i++) {
        const struct playbook_action *a = &fx->pb.action[i];
        if (strcmp(a->tenant->id, tenant) != 0)
            continue;
        snprintf(out + strlen(out), sizeof(out) - strlen(out), "%s%s:%s",
                 out[0] ? " " : "", a->code, rule_name(fx, a));
    }
    return out;
}

static const struct playbook_action *
action(const struct fixture *fx, const char *tenant, const char *rule)
{
    for (size_t i = 0; i < fx->pb.n_actions; i++) {
        const struct playbook_action *a = &fx->pb.action[i];
        if (!strcmp(a->tenant->id, tenant) && !strcmp(rule_name(fx, a), rule))
            return a;
    }
    fail_msg("no %s for %s (has %s)", rule, tenant, rules_of(fx, tenant));
    return NULL;
}

static void expect_reason(const struct fixture *fx, const char *tenant,
                          const char *rule, const char *reason)
{
    assert_string_equal(action(fx, tenant, rule)->reason, reason);
}

static const struct playbook_summary *summary(const struct fixture *fx,
                                              const char *tenant)
{
    for (size_t i = 0; i < fx->pb.n_summaries; i++)
        if (!strcmp(fx->pb.summary[i].tenant->id, tenant))
            return &fx->pb.summary[i];
    fail_msg("no summary for %s", tenant);
    return NULL;
}

/* The note of a tenant, from test_malloc (test_free it). */
static char *note_of(const struct fixture *fx, const char *tenant)
{
    struct text t;
    text_init(&t);
    assert_int_equal(playbook_note(&fx->pb, summary(fx, tenant), &t), FTK_OK);
    char *copy = test_malloc(t.len + 1);
    memcpy(copy, text_str(&t), t.len + 1);
    text_release(&t);
    return copy;
}

static void expect_note(const struct fixture *fx, const char *tenant,
                        const char *want)
{
    char *got = note_of(fx, tenant);
    assert_string_equal(got, want);
    test_free(got);
}

static void test_playbook__spo_au_exactly_10_percent_is_bvd(void **state)
{
    struct fixture *fx = *state;
    load(fx, RULES_DIR, NULL);
    /* S10 and S1001 have QE 10,000: LARGE_POOR, hence REVIEW too */
    assert_string_equal(rules_of(fx, "S10"), ":REVIEW SPO:SPO_BVD");
    expect_reason(fx, "S10", "SPO_BVD", "SPO AU 10.00 % (1,000 of 10,000)");
    assert_string_equal(rules_of(fx, "S1001"), ":REVIEW SPO:SPO_CANCEL");
    expect_reason(fx, "S1001", "SPO_CANCEL",
                  "SPO AU 10.01 % (1,001 of 10,000)");
    /* 10 % plus 1 / 2e9: cancel, though it shows as 10.00 % */
    expect_reason(fx, "Stiny", "SPO_CANCEL",
                  "SPO AU 10.00 % (200,000,001 of 2,000,000,000)");
    const struct playbook_action *a = action(fx, "S10", "SPO_BVD");
    assert_string_equal(fx->cfg.rules.rule[a->rule].task, "3737");
    assert_string_equal(playbook_action_words(&fx->pb, a),
                        "FM: deliver the SharePoint BVD; then set task 3737 "
                        "Complete, update target date, next action date, "
                        "status notes and service status");
    done(fx);
}

static void test_playbook__spo_without_usage_or_qe(void **state)
{
    struct fixture *fx = *state;
    load(fx, RULES_DIR, NULL);
    assert_string_equal(rules_of(fx, "Snov"), "SPO:SPO_BVD");
    expect_reason(fx, "Snov", "SPO_BVD", "SPO no usage in 2026-06 (QE 200)");
    assert_string_equal(rules_of(fx, "Sqe0"), ""); /* QE 0: nothing */
    done(fx);
}

static void test_playbook__spo_notes_in_any_case(void **state)
{
    struct fixture *fx = *state;
    load(fx, RULES_DIR, NULL);
    assert_string_equal(rules_of(fx, "Sunr"), ""); /* #unresponsive */
    assert_string_equal(rules_of(fx, "Sunr2"), "SPO:SPO_BVD"); /* ...2 */
    assert_string_equal(rules_of(fx, "Sdec"), ""); /* bvd\ndeclined */
    assert_string_equal(rules_of(fx, "Sau"), "");  /* AU>10 % */
    assert_string_equal(rules_of(fx, "Sau100"), "SPO:SPO_CANCEL");
    /* only the latest snapshot's notes count */
    assert_string_equal(rules_of(fx, "Sold"), "SPO:SPO_BVD");
    done(fx);
}

static void test_playbook__exo_scenario_bounds(void **state)
{
    struct fixture *fx = *state;
    load(fx, RULES_DIR, NULL);
    /* OM_BVD applies to them all: no OLM */
    assert_string_equal(rules_of(fx, "E999"),
                        ":REVIEW EXO:EXO_ENABLE OLM:OM_BVD");
    expect_reason(fx, "E999", "EXO_ENABLE",
                  "EXO AU 9.99 % (999 of 10,000); scenario <10%");
    assert_string_equal(rules_of(fx, "E10"), "EXO:EXO_INTENT OLM:OM_BVD");
    assert_string_equal(rules_of(fx, "E40"), "EXO:EXO_INTENT OLM:OM_BVD");
    expect_reason(fx, "E40", "EXO_INTENT",
                  "EXO AU 40.00 % (40 of 100); scenario 10-40%");
    expect_reason(fx, "E4001", "EXO_CONFIRM",
                  "EXO AU 40.01 % (4,001 of 10,000); scenario >40%; health "
                  "Yellow");
    assert_string_equal(rules_of(fx, "E50"), "EXO:EXO_CONFIRM OLM:OM_BVD");
    assert_string_equal(rules_of(fx, "E5001"), "OLM:OM_BVD");
    done(fx);
}

static void test_playbook__exo_tags_inside_other_text(void **state)
{
    struct fixture *fx = *state;
    load(fx, RULES_DIR, NULL);
    /* "#Compete,expecting<50" */
    assert_string_equal(rules_of(fx, "Etag"),
                        "EXO:EXO_EXPECTING_LOW OLM:OM_BVD");
    expect_reason(fx, "Etag", "EXO_EXPECTING_LOW",
                  "EXO AU 25.00 % (25 of 100); notes: Expecting<50");
    /* "Expecting<500" is no tag; "EXPECTING>50" is one */
    assert_string_equal(rules_of(fx, "Etag500"), "EXO:EXO_INTENT OLM:OM_BVD");
    assert_string_equal(rules_of(fx, "Etaggt"), "OLM:OM_BVD");
    assert_string_equal(rules_of(fx, "Elow50"), "EXO:EXO_CONFIRM OLM:OM_BVD");
    assert_string_equal(rules_of(fx, "Elow4999"),
                        "EXO:EXO_EXPECTING_LOW EXO:EXO_CONFIRM OLM:OM_BVD");
    assert_string_equal(rules_of(fx, "Elow5"),
                        "EXO:EXO_ENABLE EXO:EXO_EXPECTING_LOW OLM:OM_BVD");
    assert_string_equal(rules_of(fx, "Eqe0"), "");
    done(fx);
}

static void test_playbook__om_bvd_decks(void **state)
{
    struct fixture *fx = *state;
    load(fx, RULES_DIR, NULL);
    const struct playbook_action *a = action(fx, "O1", "OM_BVD");
    assert_string_equal(a->code, "OLM");
    assert_string_equal(playbook_action_words(&fx->pb, a),
                        "FM: deliver the Outlook Mobile BVD \xE2\x80\x94 the "
                        "\"EXO attach\" deck; FE assists on security");
    assert_string_equal(a->reason, "EXO QE 100; OLM no usage in 2026-06; no "
                                   "INTUNE QE; no AADP QE");
    a = action(fx, "O2", "OM_BVD");
    assert_string_equal(playbook_action_words(&fx->pb, a),
                        "FM: deliver the Outlook Mobile BVD \xE2\x80\x94 the "
                        "\"with EMS\" deck; FE assists on security");
    assert_string_equal(a->reason,
                        "EXO QE 100; OLM no usage in 2026-06; INTUNE QE 5");
    expect_reason(fx, "O2b", "OM_BVD",
                  "EXO QE 100; OLM no usage in 2026-06; AADP QE 1,200");
    expect_reason(fx, "O2c", "OM_BVD",
                  "EXO QE 100; OLM no usage in 2026-06; INTUNE QE 0; no AADP "
                  "QE");
    expect_reason(fx, "O3", "OM_BVD",
                  "EXO QE 100; OLM AU 39.99 % (3,999 of 10,000); health Red; "
                  "no INTUNE QE; no AADP QE");
    assert_string_equal(rules_of(fx, "O4"), ""); /* OLM 40 %: Yellow */
    expect_reason(fx, "O5", "OM_BVD",
                  "EXO QE 100; OLM AU undefined (5 active, QE 0); no INTUNE "
                  "QE; no AADP QE");
    assert_string_equal(rules_of(fx, "O6"), ""); /* EXO QE 0 */
    done(fx);
}

static void test_playbook__olm_enabled_first_and_last_day(void **state)
{
    struct fixture *fx = *state;
    load(fx, RULES_DIR, NULL);
    assert_string_equal(rules_of(fx, "H1"), "OLM:OM_HANDSHAKE");
    expect_reason(fx, "H1", "OM_HANDSHAKE", "OLM enabled 2026-06-01");
    assert_string_equal(rules_of(fx, "H30"), "OLM:OM_HANDSHAKE");
    expect_reason(fx, "H30", "OM_HANDSHAKE", "OLM enabled 2026-06-30");
    assert_string_equal(rules_of(fx, "H0"), "");  /* 2026-05-31 */
    assert_string_equal(rules_of(fx, "H31"), ""); /* 2026-07-01 */
    done(fx);
}

static void test_playbook__opp_deploy_and_pitch(void **state)
{
    struct fixture *fx = *state;
    load(fx, RULES_DIR, NULL);
    assert_string_equal(rules_of(fx, "P70"), "OPP:OPP_DEPLOY");
    expect_reason(fx, "P70", "OPP_DEPLOY",
                  "OPP AU 70.00 % (70 of 100); OPP enabled 2026-01-01");
    assert_string_equal(rules_of(fx, "P7001"), "");
    expect_reason(fx, "Pne", "OPP_PITCH",
                  "OPP QE 100; OPP not enabled by 2026-06-30");
    /* enabled after the month's end: not enabled yet */
    assert_string_equal(rules_of(fx, "Pfut"), "OPP:OPP_PITCH");
    /* enabled without usage: neither */
    assert_string_equal(rules_of(fx, "Pnov"), ":REVIEW");
    expect_reason(fx, "Pnov", "REVIEW", "focus areas: SLOW_RAMP OPP");
    assert_string_equal(rules_of(fx, "Pqe0"), "");
    done(fx);
}

static void test_playbook__review_first_and_sorted_by_fm(void **state)
{
    struct fixture *fx = *state;
    load(fx, RULES_DIR, NULL);
    assert_string_equal(rules_of(fx, "R1"),
                        ":REVIEW EXO:EXO_ENABLE OLM:OM_BVD");
    const struct playbook_action *a = action(fx, "R1", "REVIEW");
    assert_string_equal(a->reason, "focus areas: SLOW_KICKOFF");
    assert_int_equal(a->workload, -1);
    assert_string_equal(fx->cfg.rules.rule[a->rule].task, "");
    /* fm "" < Adam < Zoe; then region, tenant, workload, rule order */
    for (size_t i = 1; i < fx->pb.n_actions; i++) {
        const struct playbook_action *p = &fx->pb.action[i - 1],
                                     *q = &fx->pb.action[i];
        int c = strcmp(p->tenant->fm, q->tenant->fm);
        if (!c)
            c = strcmp(p->tenant->region, q->tenant->region);
        if (!c)
            c = strcmp(p->tenant->id, q->tenant->id);
        if (!c)
            c = strcmp(p->code, q->code);
        if (!c)
            c = p->rule < q->rule ? -1 : 1;
        assert_true(c < 0);
    }
    assert_string_equal(fx->pb.action[fx->pb.n_actions - 1].tenant->fm, "Zoe");
    assert_string_equal(fx->pb.summary[fx->pb.n_summaries - 1].tenant->id,
                        "R1");
    assert_string_equal(fx->pb.summary[fx->pb.n_summaries - 2].tenant->id,
                        "R2");
    done(fx);
}

static void test_playbook__deployment_progress(void **state)
{
    struct fixture *fx = *state;
    load(fx, SUMMARIES_DIR, NULL);
    assert_int_equal(summary(fx, "F1")->progress, PLAYBOOK_FULLY_DEPLOYED);
    /* AE > 0 on core workloads whose QE is 0 or unknown: not "Fully" */
    assert_int_equal(summary(fx, "Q1")->progress, PLAYBOOK_PARTIALLY_DEPLOYED);
    assert_int_equal(summary(fx, "N1")->progress, PLAYBOOK_NOT_DEPLOYED);
    assert_int_equal(summary(fx, "Z1")->progress, PLAYBOOK_NOT_DEPLOYED);
    assert_int_equal(summary(fx, "C1")->progress, PLAYBOOK_PARTIALLY_DEPLOYED);
    assert_string_equal(playbook_progress_name(PLAYBOOK_FULLY_DEPLOYED),
                        "Fully Deployed");
    done(fx);
}

/* The example customer of docs/playbooks.md (the guidance's), with a
 * Green OLM (without which OM_BVD would add an OLM line). */
static void test_playbook__template_note_byte_for_byte(void **state)
{
    struct fixture *fx = *state;
    load(fx, SUMMARIES_DIR, NULL);
    expect_note(
        fx, "C1",
        "EXEC SUMMARY\n"
        "- DESCRIBE THE CUSTOMER: Contoso Ltd, NA, 12,000 seats (large), "
        "priority High\n"
        "- STATUS OF THE ENGAGEMENT: [FM: On Hold / Reactive / Fully "
        "Engaged]\n"
        "- M365 DEPLOYMENT PROGRESS: Partially Deployed\n"
        "- OVERVIEW OF CURRENT RELATIONSHIP WITH CUSTOMER/PARTNER/ACCOUNT "
        "TEAM: [FM]\n"
        "- SNAPSHOT OF KEY WORKLOADS CURRENT STATUS AND NEXT ACTIONS:\n"
        "   - [EXO] Exchange Online - AU 62.50 % (Green, target above 50 %), "
        "+3.20 pp in 3 months; Expecting>50\n"
        "   - [OLM] Outlook Mobile - AU 75.00 % (Green, target above 70 %)\n"
        "   - [SPO] SharePoint Online - AU 8.00 % (Red), plateau for 6 "
        "months. Next: deliver the SharePoint BVD (task 3737)\n"
        "- REQUESTS FOR SUPPORT: opportunity review (plateau on SPO)");
    done(fx);
}

static void test_playbook__notes_without_usage_or_data(void **state)
{
    struct fixture *fx = *state;
    load(fx, SUMMARIES_DIR, NULL);
    expect_note(fx, "N1",
                "EXEC SUMMARY\n"
                "- DESCRIBE THE CUSTOMER: No Usage Inc, EMEA, 1 seat, [FM: "
                "priority]\n"
                "- STATUS OF THE ENGAGEMENT: [FM: On Hold / Reactive / Fully "
                "Engaged]\n"
                "- M365 DEPLOYMENT PROGRESS: Not Deployed\n"
                "- OVERVIEW OF CURRENT RELATIONSHIP WITH "
                "CUSTOMER/PARTNER/ACCOUNT TEAM: [FM]\n"
                "- SNAPSHOT OF KEY WORKLOADS CURRENT STATUS AND NEXT "
                "ACTIONS:\n"
                "   - [EXO] Exchange Online - no usage in 2026-06 (N/A)\n"
                "   - [OLM] Outlook Mobile - no usage in 2026-06 (N/A). Next: "
                "deliver the Outlook Mobile BVD \xE2\x80\x94 the \"EXO "
                "attach\" deck (task 3278)\n"
                "   - [SPO] SharePoint Online - no usage in 2026-06 (N/A). "
                "Next: deliver the SharePoint BVD (task 3737)\n"
                "   - [YAM] Yammer - no usage in 2026-06 (N/A)\n"
                "- REQUESTS FOR SUPPORT: none");
    /* a multi-line name stays on its line */
    expect_note(fx, "Z1",
                "EXEC SUMMARY\n"
                "- DESCRIBE THE CUSTOMER: Multi  line name, LATAM, [FM: "
                "seats], [FM: priority]\n"
                "- STATUS OF THE ENGAGEMENT: [FM: On Hold / Reactive / Fully "
                "Engaged]\n"
                "- M365 DEPLOYMENT PROGRESS: Not Deployed\n"
                "- OVERVIEW OF CURRENT RELATIONSHIP WITH "
                "CUSTOMER/PARTNER/ACCOUNT TEAM: [FM]\n"
                "- SNAPSHOT OF KEY WORKLOADS CURRENT STATUS AND NEXT "
                "ACTIONS: none\n"
                "- REQUESTS FOR SUPPORT: none");
    assert_string_equal(rules_of(fx, "Z1"), "");
    char *note = note_of(fx, "M1");
    assert_non_null(strstr(note, "\n   - [EXO] Exchange Online - AU 30.00 % "
                                 "(Yellow); #pilot, Expecting<50. Next: "
                                 "record the reason for the low expectation "
                                 "and offer an SME\n"));
    test_free(note);
    done(fx);
}

static void test_playbook__next_clause(void **state)
{
    (void)state;
    struct text t;
    text_init(&t);
    summary_next_clause("FE: continue until AU > 70 %", "1247", &t);
    assert_string_equal(text_str(&t), "continue until AU > 70 % (task 1247)");
    text_clear(&t);
    summary_next_clause("FM: mark task 3737 Cancelled; then", "3737", &t);
    assert_string_equal(text_str(&t), "mark task 3737 Cancelled");
    text_clear(&t);
    summary_next_clause("Call the CSM", "", &t);
    assert_string_equal(text_str(&t), "Call the CSM");
    text_release(&t);
}

static void test_playbook__switch_off_reword_and_add(void **state)
{
    struct fixture *fx = *state;
    load(fx, RULES_DIR,
         "[rule SPO_CANCEL]\n"
         "enabled = no\n"
         "[rule SPO_BVD]\n"
         "action = FM: book the SharePoint BVD; then close task 3737\n"
         "[rule OPP_LOW]\n"
         "workload = OPP\n"
         "when = qe > 0 and (au < 75 or no value) and no tag #Pilot\n"
         "task = 4100\n"
         "action = FM: plan an Apps rollout\n");
    assert_string_equal(rules_of(fx, "S1001"), ":REVIEW");
    const struct playbook_action *a = action(fx, "S10", "SPO_BVD");
    assert_string_equal(playbook_action_words(&fx->pb, a),
                        "FM: book the SharePoint BVD; then close task 3737");
    assert_string_equal(a->reason, "SPO AU 10.00 % (1,000 of 10,000)");
    /* the added rule comes after the defaults of its workload */
    assert_string_equal(rules_of(fx, "Pne"), "OPP:OPP_PITCH OPP:OPP_LOW");
    expect_reason(fx, "Pne", "OPP_LOW", "OPP AU 70.00 % (70 of 100)");
    expect_reason(fx, "Pnov", "OPP_LOW", "OPP no usage in 2026-06 (QE 100)");
    assert_string_equal(rules_of(fx, "P7001"), "OPP:OPP_LOW");
    done(fx);
}

static void test_playbook__reworded_next_clause_in_the_note(void **state)
{
    struct fixture *fx = *state;
    load(fx, SUMMARIES_DIR,
         "[rule SPO_BVD]\n"
         "action = FE: show the BVD deck to the sponsors; then close it\n"
         "[workload_names]\n"
         "SPO = SharePoint\n");
    char *note = note_of(fx, "C1");
    assert_non_null(strstr(note, "\n   - [SPO] SharePoint - AU 8.00 % (Red), "
                                 "plateau for 6 months. Next: show the BVD "
                                 "deck to the sponsors (task 3737)\n"));
    test_free(note);
    done(fx);
}

/* The whole file as a playbook_csv_* function writes it, from test_malloc. */
static char *written(struct fixture *fx,
                     bool (*fn)(FILE *, const struct playbook *), size_t *len)
{
    char path[128];
    snprintf(path, sizeof(path), "%s/out.csv", fx->dir);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    assert_true(fn(f, &fx->pb));
    assert_int_equal(fclose(f), 0);
    return scratch_read(path, len);
}

static void expect_same_file(struct fixture *fx, const char *dir,
                             const char *name,
                             bool (*fn)(FILE *, const struct playbook *))
{
    char path[256];
    size_t got_len, want_len;
    snprintf(path, sizeof(path), "%s/%s", dir, name);
    char *want = scratch_read(path, &want_len);
    char *got = written(fx, fn, &got_len);
    if (got_len != want_len || memcmp(got, want, got_len) != 0) {
        size_t i = 0;
        while (i < got_len && i < want_len && got[i] == want[i])
            i++;
        size_t from = i > 80 ? i - 80 : 0;
        fail_msg("%s differs from byte %zu:\nC:   %.160s\nref: %.160s", path, i,
                 got + from, want + from);
    }
    test_free(got);
    test_free(want);
}

/* tests/fixtures/playbook/: what the reference implementation wrote. */
static void test_playbook__csv_equal_to_reference(void **state)
{
    struct fixture *fx = *state;
    static const char *const dirs[] = {RULES_DIR, SUMMARIES_DIR};
    for (int i = 0; i < 2; i++) {
        load(fx, dirs[i], NULL);
        expect_same_file(fx, dirs[i], "next_actions.csv",
                         playbook_csv_next_actions);
        expect_same_file(fx, dirs[i], "exec_summaries.csv",
                         playbook_csv_exec_summaries);
        done(fx);
    }
}

static void test_playbook__csv_quotes_and_guards(void **state)
{
    struct fixture *fx = *state;
    load(fx, SUMMARIES_DIR, NULL);
    size_t len;
    char *csv = written(fx, playbook_csv_exec_summaries, &len);
    assert_memory_equal(csv,
                        "as_of_month,fm,region,tenant_id,customer_name,"
                        "deployment_progress,note\n",
                        strlen("as_of_month,fm,region,tenant_id,customer_name,"
                               "deployment_progress,note\n"));
    /* the name cell keeps Z1's line ends; its note has them as spaces */
    assert_non_null(strstr(csv, ",Z1,\"Multi\r\nline\tname\",Not Deployed,"
                                "\"EXEC SUMMARY\n- DESCRIBE THE CUSTOMER: "
                                "Multi  line name, LATAM"));
    assert_non_null(strstr(csv, "2026-06,Megan,NA,M1,\"'=Formula, Inc\","
                                "Partially Deployed,\"EXEC SUMMARY\n"
                                "- DESCRIBE THE CUSTOMER: =Formula, Inc, NA"));
    test_free(csv);
    csv = written(fx, playbook_csv_next_actions, &len);
    assert_non_null(strstr(csv, "as_of_month,fm,region,tenant_id,"
                                "customer_name,workload,rule,task_id,action,"
                                "reason\n"));
    assert_int_equal(csv[len - 1], '\n');
    test_free(csv);
    done(fx);
}

static void test_playbook__empty_facts(void **state)
{
    struct fixture *fx = *state;
    char dir[128];
    snprintf(dir, sizeof(dir), "%s/empty", fx->dir);
    assert_int_equal(mkdir(dir, 0700), 0);
    static const char *const files[][2] = {
        {"customers.csv", "tenant_id,customer_name,region\n"},
        {"entitlements.csv",
         "tenant_id,workload,as_of,qualified_entitlements\n"},
        {"usage.csv", "tenant_id,workload,date,active_users\n"}};
    for (int i = 0; i < 3; i++) {
        char path[192];
        snprintf(path, sizeof(path), "%s/%s", dir, files[i][0]);
        scratch_write_text(path, files[i][1]);
    }
    load(fx, dir, NULL);
    assert_int_equal(fx->pb.n_actions, 0);
    assert_int_equal(fx->pb.n_summaries, 0);
    size_t len;
    char *csv = written(fx, playbook_csv_exec_summaries, &len);
    assert_int_equal(len, strlen("as_of_month,fm,region,tenant_id,"
                                 "customer_name,deployment_progress,note\n"));
    test_free(csv);
    done(fx);
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_playbook__spo_au_exactly_10_percent_is_bvd),
        T(test_playbook__spo_without_usage_or_qe),
        T(test_playbook__spo_notes_in_any_case),
        T(test_playbook__exo_scenario_bounds),
        T(test_playbook__exo_tags_inside_other_text),
        T(test_playbook__om_bvd_decks),
        T(test_playbook__olm_enabled_first_and_last_day),
        T(test_playbook__opp_deploy_and_pitch),
        T(test_playbook__review_first_and_sorted_by_fm),
        T(test_playbook__deployment_progress),
        T(test_playbook__template_note_byte_for_byte),
        T(test_playbook__notes_without_usage_or_data),
        T(test_playbook__next_clause),
        T(test_playbook__switch_off_reword_and_add),
        T(test_playbook__reworded_next_clause_in_the_note),
        T(test_playbook__csv_equal_to_reference),
        T(test_playbook__csv_quotes_and_guards),
        T(test_playbook__empty_facts),
    };
#undef T
    return cmocka_run_group_tests(tests, NULL, NULL);
}
