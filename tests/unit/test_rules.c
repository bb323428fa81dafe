/*
 * tests/unit/test_rules.c - the playbooks' rules as configuration
 * (pipeline/playbook/rules.h): the defaults of templates/ftkpi.ini, the
 * condition grammar, switching off, rewording and adding rules with a
 * --config file, and every error naming file and line (exit 78).
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

static const struct rule *rule(const struct config *cfg, const char *name)
{
    int i = rules_find(&cfg->rules, name, strlen(name));
    if (i < 0)
        fail_msg("no rule %s", name);
    return &cfg->rules.rule[i];
}

static const char *code(const struct config *cfg, int w)
{
    return w < 0 ? "" : cfg->workload[w].code;
}

static void test_rules__defaults_in_table_order(void **state)
{
    struct config_fixture *fx = *state;
    config_fixture_load_ok(fx, NULL);
    static const char *const want[][3] = {{"SPO_BVD", "SPO", "3737"},
                                          {"SPO_CANCEL", "SPO", "3737"},
                                          {"EXO_ENABLE", "EXO", ""},
                                          {"EXO_INTENT", "EXO", ""},
                                          {"EXO_EXPECTING_LOW", "EXO", ""},
                                          {"EXO_CONFIRM", "EXO", ""},
                                          {"OM_BVD", "OLM", "3278"},
                                          {"OM_HANDSHAKE", "OLM", "3733"},
                                          {"OPP_DEPLOY", "OPP", "1247"},
                                          {"OPP_PITCH", "OPP", "3738"},
                                          {"REVIEW", "", ""}};
    const struct rules *rs = &fx->cfg.rules;
    assert_int_equal(rs->n, 11);
    for (size_t i = 0; i < rs->n; i++) {
        assert_string_equal(rs->rule[i].name, want[i][0]);
        assert_string_equal(code(&fx->cfg, rs->rule[i].workload), want[i][1]);
        assert_string_equal(rs->rule[i].task, want[i][2]);
        assert_true(rs->rule[i].enabled);
        assert_non_null(rs->rule[i].action);
        assert_true(rs->rule[i].when.n > 0);
    }
    const struct rule *om = rule(&fx->cfg, "OM_BVD");
    assert_true(om->alt_if.n > 0);
    assert_string_equal(om->alt_action,
                        "FM: deliver the Outlook Mobile BVD \xE2\x80\x94 the "
                        "\"with EMS\" deck; FE assists on security");
    /* the action's ';' survives inih: no space before it */
    assert_string_equal(rule(&fx->cfg, "SPO_BVD")->action,
                        "FM: deliver the SharePoint BVD; then set task 3737 "
                        "Complete, update target date, next action date, "
                        "status notes and service status");
    assert_null(rule(&fx->cfg, "REVIEW")->alt_action);
    int cfg_w = config_workload_lookup(&fx->cfg, "OPP", 3);
    assert_string_equal(fx->cfg.rules.long_name[cfg_w],
                        "Office 365 ProPlus / Microsoft 365 Apps");
    int core = config_workload_lookup(&fx->cfg, "CORE", 4);
    assert_null(fx->cfg.rules.long_name[core]);
    config_release(&fx->cfg);
}

/* The tree of SPO_BVD's condition: and binds tighter than or; the
 * parenthesised or stays one unit. */
static void test_rules__grammar_precedence(void **state)
{
    struct config_fixture *fx = *state;
    config_fixture_load_ok(fx,
                           "[rule X]\n"
                           "workload = EXO\n"
                           "when = qe > 0 and au < 5 or no value and enabled\n"
                           "action = FM: x\n"
                           "[rule Y]\n"
                           "workload = EXO\n"
                           "when = (qe > 0 or no value) and au <= 10 %\n"
                           "action = FM: y\n");
    const struct rule_expr *e = &rule(&fx->cfg, "X")->when;
    const struct rule_node *root = &e->node[e->root];
    assert_int_equal(root->op, RULE_OP_OR);
    assert_int_equal(e->node[root->left].op, RULE_OP_AND);
    assert_int_equal(e->node[root->right].op, RULE_OP_AND);
    e = &rule(&fx->cfg, "Y")->when;
    root = &e->node[e->root];
    assert_int_equal(root->op, RULE_OP_AND);
    assert_int_equal(e->node[root->left].op, RULE_OP_OR);
    const struct rule_node *au = &e->node[root->right];
    assert_int_equal(au->term, RULE_AU_AT_MOST);
    assert_int_equal(au->pct, KPI_PCT(10));
    /* new rules come after the defaults, in order of appearance */
    assert_string_equal(fx->cfg.rules.rule[11].name, "X");
    assert_string_equal(fx->cfg.rules.rule[12].name, "Y");
    config_release(&fx->cfg);
}

static void test_rules__every_term_parses(void **state)
{
    struct config_fixture *fx = *state;
    config_fixture_load_ok(
        fx, "[rule ALL]\n"
            "workload = SPO\n"
            "when = qe > 0 and EXO qe > 0 and au < 1 and au <= 2% and "
            "au > 3.5 and au >= 4 and no value and au undefined and "
            "scenario 10-40% and health is Red\n"
            "action = FM: all\n"
            "[rule ALL2]\n"
            "workload = spo\n"
            "when = health is not n/a and enabled and not enabled and "
            "enabled in month and tag #Pilot and no tag EXPECTING<50\n"
            "action = FM: all\n"
            "[rule ALL3]\n"
            "when = CANDIDATE AND intune QE > 0 OR aadp qe > 0\n"
            "action = FM: all\n"
            "[rule ALL4]\n"
            "workload = OD\n"
            "when = notes say \"Blocked (legal)\" and notes do not "
            "say \"a and b\"\n"
            "action = FM: all\n");
    const struct rule_expr *e = &rule(&fx->cfg, "ALL")->when;
    enum rule_term want[] = {
        RULE_QE_POSITIVE, RULE_QE_POSITIVE, RULE_AU_BELOW, RULE_AU_AT_MOST,
        RULE_AU_ABOVE,    RULE_AU_AT_LEAST, RULE_NO_VALUE, RULE_AU_UNDEFINED,
        RULE_SCENARIO,    RULE_HEALTH_IS};
    int t = 0;
    for (int i = 0; i < e->n; i++) {
        if (e->node[i].op != RULE_OP_TERM)
            continue;
        assert_int_equal(e->node[i].term, want[t++]);
        if (e->node[i].term == RULE_AU_ABOVE)
            assert_int_equal(e->node[i].pct, 35000); /* 3.5 % */
        if (e->node[i].term == RULE_AU_AT_MOST)
            assert_int_equal(e->node[i].pct, KPI_PCT(2));
    }
    assert_int_equal(t, 10);
    e = &rule(&fx->cfg, "ALL2")->when;
    assert_string_equal(e->node[e->n - 2].text, "Expecting<50");
    assert_int_equal(e->node[0].health, KPI_HEALTH_NA);
    e = &rule(&fx->cfg, "ALL4")->when;
    assert_string_equal(e->node[0].text, "Blocked (legal)");
    assert_string_equal(e->node[0].squeezed, "blocked(legal)");
    assert_string_equal(e->node[1].text, "a and b");
    config_release(&fx->cfg);
}

static void test_rules__switch_off_and_reword(void **state)
{
    struct config_fixture *fx = *state;
    config_fixture_load_ok(fx, "; a program that does not cancel task 3737\n"
                               "[rule spo_cancel]\n"
                               "enabled = no\n"
                               "[rule EXO_ENABLE]\n"
                               "# new words, same condition\n"
                               "action = FM: enable Exchange; tell the TM\n"
                               "task = 42\n");
    const struct rule *r = rule(&fx->cfg, "SPO_CANCEL");
    assert_false(r->enabled);
    assert_string_equal(r->name, "SPO_CANCEL"); /* first spelling */
    r = rule(&fx->cfg, "EXO_ENABLE");
    assert_string_equal(r->action, "FM: enable Exchange; tell the TM");
    assert_string_equal(r->task, "42");
    assert_int_equal(r->when.node[r->when.root].term, RULE_SCENARIO);
    assert_int_equal(fx->cfg.rules.n, 11);
    config_release(&fx->cfg);
}

static void test_rules__drop_the_second_deck(void **state)
{
    struct config_fixture *fx = *state;
    config_fixture_load_ok(fx, "[rule OM_BVD]\n"
                               "alt_if =\n"
                               "alt_action =\n"
                               "[workload_names]\n"
                               "OPP = Microsoft 365 Apps\n"
                               "YAM =\n");
    const struct rule *r = rule(&fx->cfg, "OM_BVD");
    assert_int_equal(r->alt_if.n, 0);
    assert_null(r->alt_action);
    const struct config *cfg = &fx->cfg;
    assert_string_equal(
        cfg->rules.long_name[config_workload_lookup(cfg, "OPP", 3)],
        "Microsoft 365 Apps");
    assert_null(cfg->rules.long_name[config_workload_lookup(cfg, "YAM", 3)]);
    config_release(&fx->cfg);
}

static void test_rules__unknown_condition(void **state)
{
    struct config_fixture *fx = *state;
    config_fixture_load_fails(fx,
                              "[rule SPO_BVD]\nwhen = qe > 0 and au is 10\n", 2,
                              "unknown condition 'au is 10' in when: expected");
    config_fixture_load_fails(fx, "[rule SPO_BVD]\nwhen = qe>0\n", 2,
                              "unknown condition 'qe>0'");
    config_fixture_load_fails(fx, "[rule SPO_BVD]\nwhen = scenario <20%\n", 2,
                              "unknown condition 'scenario <20%'");
    config_fixture_load_fails(fx, "[rule SPO_BVD]\nwhen = notes say Declined\n",
                              2, "unknown condition 'notes say Declined'");
    config_fixture_load_fails(fx, "[rule SPO_BVD]\nwhen = health is Amber\n", 2,
                              "unknown condition 'health is Amber'");
    config_release(&fx->cfg);
}

static void test_rules__unknown_workload(void **state)
{
    struct config_fixture *fx = *state;
    config_fixture_load_fails(
        fx, "\n[rule OM_BVD]\nalt_if = EMS qe > 0\n", 3,
        "unknown workload 'EMS' in alt_if: expected a code from "
        "[workloads]");
    config_fixture_load_fails(
        fx, "[rule NEW]\nworkload = Exchange\nwhen = enabled\n", 2,
        "unknown workload 'Exchange' in [rule NEW]");
    config_fixture_load_fails(fx, "[workload_names]\nXYZ = Something\n", 2,
                              "unknown workload 'XYZ' in [workload_names]");
    config_release(&fx->cfg);
}

static void test_rules__unknown_key(void **state)
{
    struct config_fixture *fx = *state;
    config_fixture_load_fails(
        fx, "[rule SPO_BVD]\nenabled = yes\ncolour = red\n", 3,
        "unknown key 'colour' in [rule SPO_BVD]: expected workload, "
        "when, task, action, alt_if, alt_action or enabled");
    config_release(&fx->cfg);
}

static void test_rules__bad_values(void **state)
{
    struct config_fixture *fx = *state;
    config_fixture_load_fails(fx, "[rule SPO_BVD]\nwhen = au <= ten\n", 2,
                              "bad percent 'ten' in when");
    config_fixture_load_fails(
        fx, "[rule SPO_BVD]\nwhen = tag Unresponsive\n", 2,
        "bad tag 'Unresponsive' in when: expected Expecting<50");
    config_fixture_load_fails(fx, "[rule SPO_BVD]\nwhen = tag #Un-responsive\n",
                              2, "bad tag '#Un-responsive'");
    config_fixture_load_fails(fx,
                              "[rule SPO_BVD]\nwhen = (qe > 0 or no value\n", 2,
                              "missing ')' in when");
    config_fixture_load_fails(fx, "[rule SPO_BVD]\nwhen = qe > 0 and\n", 2,
                              "when ends where a condition was expected");
    config_fixture_load_fails(fx, "[rule SPO_BVD]\nwhen = qe > 0 )\n", 2,
                              "unexpected ')' in when");
    config_fixture_load_fails(fx, "[rule SPO_BVD]\nwhen = notes say \"open\n",
                              2, "unterminated phrase in when");
    config_fixture_load_fails(fx, "[rule SPO_BVD]\nwhen = notes say \" \"\n", 2,
                              "empty phrase in when");
    config_fixture_load_fails(fx, "[rule SPO_BVD]\nwhen =\n", 2, "empty when");
    config_fixture_load_fails(fx, "[rule SPO_BVD]\ntask = T-3737\n", 2,
                              "bad task 'T-3737'");
    config_fixture_load_fails(
        fx, "[rule SPO_BVD]\nenabled = maybe\n", 2,
        "bad value 'maybe' for enabled: expected yes or no");
    config_fixture_load_fails(fx, "[rule SPO_BVD]\naction =\n", 2,
                              "empty action");
    config_fixture_load_fails(fx, "[rule SPO_BVD]\naction = FM: \xff\n", 2,
                              "invalid UTF-8 in action");
    config_fixture_load_fails(fx, "[rule SPO_BVD]\naction = FM:\ta\n", 2,
                              "control character in action");
    config_fixture_load_fails(fx, "\n\n[rule bad name]\n", 3,
                              "bad rule name 'bad name'");
    config_release(&fx->cfg);
}

/* inih would take the rest of the line after " ;" for a comment. */
static void test_rules__inline_comment_is_an_error(void **state)
{
    struct config_fixture *fx = *state;
    config_fixture_load_fails(
        fx, "[rule SPO_BVD]\naction = FM: deliver it ; then close\n", 2,
        "';' after a space starts a comment");
    config_fixture_load_fails(fx, "[rule SPO_BVD]\nenabled = no\t; for now\n",
                              2, "';' after a space starts a comment");
    /* elsewhere inline comments stay comments */
    config_fixture_load_ok(
        fx, "[focus]\nslow_kickoff_days = 45 ; a quarter\n"
            "[rule SPO_BVD]\n; a comment line is fine\naction = a;b\n");
    assert_string_equal(rule(&fx->cfg, "SPO_BVD")->action, "a;b");
    assert_int_equal(fx->cfg.focus.slow_kickoff_days, 45);
    config_release(&fx->cfg);
}

static void test_rules__incomplete_rules(void **state)
{
    struct config_fixture *fx = *state;
    config_fixture_load_fails(
        fx, "[focus]\n[rule NEW]\nworkload = SPO\nwhen = no value\n", 2,
        "[rule NEW] has no action: expected 'action = ...'");
    config_fixture_load_fails(fx, "[rule NEW]\naction = FM: x\n", 1,
                              "[rule NEW] has no condition");
    config_fixture_load_fails(fx, "\n[rule NEW]\n", 2,
                              "[rule NEW] has no condition");
    config_fixture_load_fails(
        fx, "[rule SPO_BVD]\nalt_if = EXO qe > 0\n", 2,
        "[rule SPO_BVD] needs both alt_if and alt_action");
    config_fixture_load_fails(fx, "[rule OM_BVD]\n\nalt_action =\n", 3,
                              "needs both alt_if and alt_action");
    config_release(&fx->cfg);
}

static void test_rules__customer_rule_reads_no_workload(void **state)
{
    struct config_fixture *fx = *state;
    config_fixture_load_fails(
        fx, "[rule REVIEW]\nwhen = candidate and au < 10\n", 2,
        "[rule REVIEW] has no workload, but its conditions read one");
    config_fixture_load_fails(fx, "[rule SPO_BVD]\n\nworkload =\n", 3,
                              "[rule SPO_BVD] has no workload");
    /* another workload's QE and candidate are fine without one */
    config_fixture_load_ok(fx,
                           "[rule REVIEW]\nwhen = candidate and EXO qe > 0\n");
    config_release(&fx->cfg);
}

#define T(name)                                                                \
    cmocka_unit_test_setup_teardown(name, config_fixture_setup,                \
                                    config_fixture_teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_rules__defaults_in_table_order),
        T(test_rules__grammar_precedence),
        T(test_rules__every_term_parses),
        T(test_rules__switch_off_and_reword),
        T(test_rules__drop_the_second_deck),
        T(test_rules__unknown_condition),
        T(test_rules__unknown_workload),
        T(test_rules__unknown_key),
        T(test_rules__bad_values),
        T(test_rules__inline_comment_is_an_error),
        T(test_rules__incomplete_rules),
        cmocka_unit_test_setup_teardown(
            test_rules__customer_rule_reads_no_workload, config_fixture_setup,
            config_fixture_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
