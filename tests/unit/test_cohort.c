/*
 * tests/unit/test_cohort.c - the monthly review cohorts (pipeline/cohort/,
 * docs/cohorts.md): freezing from picks and from the top N, the refusal to
 * refreeze, changes and their notice, the cohort on a date, bad picking
 * sheets, the review, releasing, the columns of the files. Each test writes
 * a small published run by hand into a scratch folder.
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
#include "pipeline/cohort/columns.h"
#include "pipeline/cohort/review.h"
#include "pipeline/cohort/rules.h"
#include "pipeline/cohort/view.h"
#include "pipeline/ingest/source.h"
#include "tests/unit/scratch.h"

struct fixture {
    char dir[64];
    char run[96], run2[96], state[96], picks[96];
};

static void in_dir(char *out, size_t cap, const char *dir, const char *name)
{
    snprintf(out, cap, "%s/%s", dir, name);
}

static void write_in(const char *dir, const char *name, const char *text)
{
    char path[256];
    in_dir(path, sizeof(path), dir, name);
    scratch_write_text(path, text);
}

/* run.json as ftkpi writes it (the keys the cohort reads): the month and
 * the size and SHA-256 of each file of the run. */
static void write_manifest(const char *dir, const char *month)
{
    static const char *const files[] = {
        "customer_kpis.csv", "workload_kpis.csv", "cohort_candidates.csv"};
    char text[4096], path[256];
    struct ftk_diag diag;
    int n =
        snprintf(text, sizeof(text),
                 "{\n  \"as_of_month\": \"%s\",\n  \"outputs\": [\n", month);
    for (size_t i = 0; i < 3; i++) {
        uint64_t bytes;
        char sha[65];
        in_dir(path, sizeof(path), dir, files[i]);
        assert_int_equal(source_digest(path, &bytes, sha, &diag), FTK_OK);
        n += snprintf(text + n, sizeof(text) - (size_t)n,
                      "    {\"name\": \"%s\", \"bytes\": %llu, "
                      "\"sha256\": \"%s\"}%s\n",
                      files[i], (unsigned long long)bytes, sha,
                      i < 2 ? "," : "");
    }
    snprintf(text + n, sizeof(text) - (size_t)n, "  ]\n}\n");
    write_in(dir, "run.json", text);
}

/* A run as ftkpi publishes it (only the columns the cohort reads, plus a
 * few others). "-C1" is written neutralised, as the CSV writer does. */
static void write_run(const char *dir, const char *month, bool later)
{
    char text[4096];
    mkdir(dir, 0777);
    snprintf(text, sizeof(text),
             "as_of_month,tenant_id,customer_name,region,fm,seats,core_qe,"
             "core_ae,core_au_pct,health,users_to_goal,focus_areas\n"
             "%s,A1,Alpha One,NA,Fay,,200,%s\n"
             "%s,A2,Alpha Two,NA,Fay,,100,50,50.00,Yellow,300,LOSER\n"
             "%s,A3,Alpha Three,NA,Fay,,100,90,90.00,Green,100,\n"
             "%s,B1,Beta One,EMEA,Gus,,100,10,10.00,Red,900,SLOW_RAMP\n"
             "%s,B2,\"Beta, Two\",EMEA,Gus,,100,30,30.00,Red,200,"
             "PLATEAU;LOSER\n"
             "%s,'-C1,Minus,NA,,,0,0,,N/A,0,\n",
             month, later ? "120,60.00,Red,50," : "40,20.00,Red,500,PLATEAU",
             month, month, month, month, month);
    write_in(dir, "customer_kpis.csv", text);
    snprintf(text, sizeof(text),
             "as_of_month,tenant_id,workload,qe,ae,au_pct,health\n"
             "%s,A1,EXO,100,%s,Yellow\n"
             "%s,A1,SPO,100,%s,Red\n"
             "%s,A1,TEAMS,50,50,100.00,Green\n"
             "%s,A2,EXO,100,50,50.00,Yellow\n"
             "%s,A3,EXO,100,90,90.00,Green\n"
             "%s,B1,SPO,100,10,10.00,Red\n"
             "%s,B2,EXO,100,30,30.00,Yellow\n",
             month, later ? "70,70.00" : "30,30.00", month,
             later ? "50,50.00" : "10,10.00", month, month, month, month,
             month);
    write_in(dir, "workload_kpis.csv", text);
    snprintf(text, sizeof(text),
             "as_of_month,region,tenant_id,customer_name,fm,focus_area,"
             "workload,detail,users_to_goal\n"
             "%s,EMEA,B1,Beta One,Gus,SLOW_RAMP,SPO,not yet 10%%,900\n"
             "%s,EMEA,B2,\"Beta, Two\",Gus,PLATEAU,EXO,flat,200\n"
             "%s,EMEA,B2,\"Beta, Two\",Gus,LOSER,EXO,down 6 pp,200\n"
             "%s,NA,A2,Alpha Two,Fay,LOSER,EXO,down 5 pp,300\n",
             month, month, month, month);
    if (!later)
        snprintf(text + strlen(text), sizeof(text) - strlen(text),
                 "%s,NA,A1,Alpha One,Fay,PLATEAU,EXO,flat,500\n", month);
    write_in(dir, "cohort_candidates.csv", text);
    write_manifest(dir, month);
}

static int setup(void **state)
{
    struct fixture *fx = test_calloc(1, sizeof(*fx));
    if (!scratch_make(fx->dir, sizeof(fx->dir), "test_cohort")) {
        test_free(fx);
        return -1;
    }
    in_dir(fx->run, sizeof(fx->run), fx->dir, "run");
    in_dir(fx->run2, sizeof(fx->run2), fx->dir, "run2");
    in_dir(fx->state, sizeof(fx->state), fx->dir, "state");
    in_dir(fx->picks, sizeof(fx->picks), fx->dir, "picks.csv");
    write_run(fx->run, "2026-09", false);
    write_run(fx->run2, "2026-10", true);
    *state = fx;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *fx = *state;
    scratch_remove(fx->dir);
    test_free(fx);
    return 0;
}

static int32_t day(const char *s)
{
    int32_t d;
    assert_true(kpi_date_parse(s, strlen(s), &d));
    return d;
}

static int32_t month_of(const char *s)
{
    int32_t m;
    assert_true(kpi_month_parse(s, strlen(s), &m));
    return m;
}

static const char *const core[] = {"EXO", "SPO"};

/* The state of month, locked, loaded, with the core workloads set when
 * not yet frozen, and the run loaded with the state's workloads. */
struct session {
    struct publish pub;
    struct cohort_state st;
    struct cohort_run run;
    struct ftk_diag diag;
};

static void open_session(struct session *s, const struct fixture *fx,
                         const char *run, const char *month)
{
    memset(s, 0, sizeof(*s));
    assert_int_equal(publish_open(&s->pub, fx->state, &s->diag), FTK_OK);
    assert_int_equal(
        cohort_state_load(&s->st, fx->state, month_of(month), &s->diag),
        FTK_OK);
    if (!s->st.frozen) {
        s->st.n_workloads = 2;
        strcpy(s->st.workload[0], core[0]);
        strcpy(s->st.workload[1], core[1]);
    }
    const char *wl[COHORT_MAX_WORKLOADS];
    cohort_state_workloads(&s->st, wl);
    enum ftk_error err =
        cohort_run_load(&s->run, run, wl, s->st.n_workloads, true, &s->diag);
    if (err != FTK_OK)
        fail_msg("%s", s->diag.msg);
}

static void close_session(struct session *s)
{
    cohort_run_release(&s->run);
    cohort_state_release(&s->st);
    publish_release(&s->pub);
}

/* Freezes the sheet text for month; returns the error. */
static enum ftk_error freeze_picks(const struct fixture *fx, const char *text,
                                   const char *today,
                                   struct cohort_report *problems,
                                   struct ftk_diag *diag)
{
    struct session s;
    struct cohort_picks p;
    struct cohort_selection sel;
    struct cohort_report notes;
    const char *files[] = {fx->picks};
    scratch_write_text(fx->picks, text);
    open_session(&s, fx, fx->run, "2026-10");
    cohort_selection_init(&sel);
    cohort_report_init(&notes);
    enum ftk_error err = cohort_picks_read(&p, files, 1, problems, diag);
    if (err == FTK_OK) {
        err = cohort_select_picks(&sel, &p, &s.run, month_of("2026-10"),
                                  problems, &notes, diag);
        if (err == FTK_OK)
            err = cohort_freeze(&s.st, &s.pub, &s.run, &sel, day(today), diag);
        cohort_picks_release(&p);
    }
    cohort_report_release(&notes);
    cohort_selection_release(&sel);
    close_session(&s);
    return err;
}

static const char sheet_head[] =
    "\xEF\xBB\xBFpick,tenant_id,customer_name,region,cohort_month\n";

static void load(struct cohort_state *st, const struct fixture *fx,
                 const char *month)
{
    struct ftk_diag diag;
    enum ftk_error err =
        cohort_state_load(st, fx->state, month_of(month), &diag);
    if (err != FTK_OK)
        fail_msg("%s", diag.msg);
}

static void test_cohort__freeze_from_picks(void **state)
{
    struct fixture *fx = *state;
    struct cohort_report problems;
    struct ftk_diag diag;
    cohort_report_init(&problems);
    char sheet[512];
    snprintf(sheet, sizeof(sheet),
             "%sX,A1,Alpha One,NA,2026-10\n"
             ",A2,Alpha Two,NA,2026-10\n"
             "yes,-C1,Minus,NA,2026-10\n",
             sheet_head);
    assert_int_equal(freeze_picks(fx, sheet, "2026-09-28", &problems, &diag),
                     FTK_OK);
    assert_int_equal(problems.n, 0);
    cohort_report_release(&problems);

    struct cohort_state st;
    load(&st, fx, "2026-10");
    assert_true(st.frozen);
    assert_int_equal(st.n_workloads, 2);
    assert_string_equal(st.workload[1], "SPO");
    assert_int_equal(st.n_members, 2);
    /* by users to goal: A1 (500), then -C1 (0) */
    const struct cohort_member *a1 = &st.member[0];
    assert_string_equal(a1->tenant_id, "A1");
    assert_string_equal(a1->region, "NA");
    assert_string_equal(a1->frozen_from, "picks.csv:2");
    assert_int_equal(a1->frozen_on, day("2026-09-28"));
    assert_int_equal(a1->kpis.as_of_month, month_of("2026-09"));
    assert_int_equal(a1->kpis.focus, 1u << KPI_FOCUS_PLATEAU);
    assert_int_equal(a1->kpis.health, KPI_HEALTH_RED);
    assert_int_equal(a1->kpis.users_to_goal, 500);
    assert_int_equal(a1->kpis.core_au, 2000);
    assert_int_equal(a1->kpis.wl[0].au, 3000);
    assert_int_equal(a1->kpis.wl[0].health, KPI_HEALTH_YELLOW);
    assert_int_equal(a1->kpis.wl[1].au, 1000);
    /* a formula-like id comes back whole; a non-candidate has no area */
    assert_string_equal(st.member[1].tenant_id, "-C1");
    assert_int_equal(st.member[1].kpis.focus, 0);
    assert_false(st.member[1].kpis.core_au_defined);
    assert_int_equal(st.n_changes, 0);
    cohort_state_release(&st);

    char path[256];
    in_dir(path, sizeof(path), fx->state, "cohort-2026-10.csv");
    char *text = scratch_read(path, NULL);
    assert_non_null(strstr(text, "\n2026-10,NA,'-C1,Minus,"));
    assert_non_null(strstr(text, "EXO_au_pct,EXO_health,SPO_au_pct,"
                                 "SPO_health\n"));
    test_free(text);
    in_dir(path, sizeof(path), fx->state, "changes-2026-10.csv");
    text = scratch_read(path, NULL);
    assert_non_null(strstr(text, "change,cohort_month,action,"));
    assert_string_equal(strchr(text, '\n'), "\n"); /* the header only */
    test_free(text);
}

static void test_cohort__freeze_top_n(void **state)
{
    struct fixture *fx = *state;
    struct session s;
    struct cohort_selection sel;
    open_session(&s, fx, fx->run, "2026-10");
    cohort_selection_init(&sel);
    assert_int_equal(cohort_select_top(&sel, &s.run, 1, NULL, 0, &s.diag),
                     FTK_OK);
    assert_int_equal(sel.n, 2);
    assert_string_equal(sel.choice[0].customer->tenant_id, "B1"); /* EMEA */
    assert_string_equal(sel.choice[1].customer->tenant_id, "A1"); /* NA */
    assert_string_equal(sel.choice[0].from, "top 1");
    assert_int_equal(
        cohort_freeze(&s.st, &s.pub, &s.run, &sel, day("2026-10-01"), &s.diag),
        FTK_OK);
    cohort_selection_release(&sel);
    close_session(&s);

    struct cohort_state st;
    load(&st, fx, "2026-10");
    assert_int_equal(st.n_members, 2);
    assert_true(cohort_state_region_frozen(&st, "EMEA", NULL));
    assert_true(cohort_state_region_frozen(&st, "NA", NULL));
    cohort_state_release(&st);
}

static void test_cohort__top_n_of_a_region_without_candidates(void **state)
{
    struct fixture *fx = *state;
    struct session s;
    struct cohort_selection sel;
    const char *regions[] = {"NA", "LATAM"};
    open_session(&s, fx, fx->run, "2026-10");
    cohort_selection_init(&sel);
    assert_int_equal(cohort_select_top(&sel, &s.run, 5, regions, 2, &s.diag),
                     FTK_E_DATA);
    assert_non_null(strstr(s.diag.msg, "region LATAM has no candidate"));
    cohort_selection_release(&sel);
    close_session(&s);
}

static void test_cohort__refreeze_refused(void **state)
{
    struct fixture *fx = *state;
    struct cohort_report problems;
    struct ftk_diag diag;
    char sheet[512], path[256];
    cohort_report_init(&problems);
    snprintf(sheet, sizeof(sheet), "%sx,A1,Alpha One,NA,2026-10\n", sheet_head);
    assert_int_equal(freeze_picks(fx, sheet, "2026-09-28", &problems, &diag),
                     FTK_OK);
    in_dir(path, sizeof(path), fx->state, "cohort-2026-10.csv");
    char *before = scratch_read(path, NULL);

    snprintf(sheet, sizeof(sheet), "%sx,A2,Alpha Two,NA,2026-10\n", sheet_head);
    enum ftk_error err =
        freeze_picks(fx, sheet, "2026-09-29", &problems, &diag);
    assert_int_equal(err, FTK_E_STATE);
    assert_int_equal(ftk_exit_code(err), 65);
    assert_non_null(strstr(diag.msg, "already frozen for NA (on 2026-09-28)"));
    char *after = scratch_read(path, NULL);
    assert_string_equal(before, after);
    test_free(after);

    /* another region of the same month can still be frozen */
    snprintf(sheet, sizeof(sheet), "%sx,B2,,EMEA,2026-10\n", sheet_head);
    assert_int_equal(freeze_picks(fx, sheet, "2026-09-29", &problems, &diag),
                     FTK_OK);
    after = scratch_read(path, NULL);
    assert_memory_equal(before, after, strlen(before)); /* appended only */
    assert_non_null(strstr(after + strlen(before), ",EMEA,B2,"));
    test_free(after);
    test_free(before);
    assert_int_equal(problems.n, 0);
    cohort_report_release(&problems);
}

static void test_cohort__freeze_after_the_month_refused(void **state)
{
    struct fixture *fx = *state;
    struct cohort_report problems;
    struct ftk_diag diag;
    char sheet[512];
    cohort_report_init(&problems);
    snprintf(sheet, sizeof(sheet), "%sx,A1,Alpha One,NA,2026-10\n", sheet_head);
    assert_int_equal(freeze_picks(fx, sheet, "2026-11-01", &problems, &diag),
                     FTK_E_STATE);
    assert_non_null(strstr(diag.msg, "ended on 2026-10-31"));
    cohort_report_release(&problems);
}

/* Freezes A1 and A2 (NA) and B1 (EMEA) from the top 2 and top 1. */
static void freeze_fixture(const struct fixture *fx)
{
    struct cohort_report problems;
    struct ftk_diag diag;
    char sheet[512];
    cohort_report_init(&problems);
    snprintf(sheet, sizeof(sheet), "%sx,A1,,NA,2026-10\nx,A2,,NA,\n",
             sheet_head);
    assert_int_equal(freeze_picks(fx, sheet, "2026-09-28", &problems, &diag),
                     FTK_OK);
    snprintf(sheet, sizeof(sheet), "%s1,B1,,EMEA,2026-10\n", sheet_head);
    assert_int_equal(freeze_picks(fx, sheet, "2026-09-28", &problems, &diag),
                     FTK_OK);
    cohort_report_release(&problems);
}

static enum ftk_error record(const struct fixture *fx,
                             enum cohort_action action, const char *tenant,
                             const char *recorded, const char *effective,
                             struct ftk_diag *diag)
{
    struct session s;
    struct cohort_change done;
    open_session(&s, fx, fx->run2, "2026-10");
    struct cohort_change_request req = {
        .action = action,
        .tenant_id = tenant,
        .run = action == COHORT_ADD ? &s.run : NULL,
        .reason = "moved, to FastTrack",
        .recorded_by = "Ana",
        .recorded_on = day(recorded),
        .effective_on = day(effective),
    };
    enum ftk_error err = cohort_change_record(&s.st, &s.pub, &req, &done, diag);
    if (err == FTK_OK)
        assert_string_equal(done.tenant_id, tenant);
    close_session(&s);
    return err;
}

static void test_cohort__change_needs_three_days_notice(void **state)
{
    struct fixture *fx = *state;
    struct ftk_diag diag;
    char path[256];
    freeze_fixture(fx);
    in_dir(path, sizeof(path), fx->state, "changes-2026-10.csv");
    char *before = scratch_read(path, NULL);

    enum ftk_error err =
        record(fx, COHORT_REMOVE, "A2", "2026-10-05", "2026-10-07", &diag);
    assert_int_equal(err, FTK_E_STATE);
    assert_int_equal(ftk_exit_code(err), 65);
    assert_non_null(strstr(diag.msg, "takes effect on 2026-10-08 at the "
                                     "earliest"));
    char *after = scratch_read(path, NULL);
    assert_string_equal(before, after);
    test_free(after);

    assert_int_equal(
        record(fx, COHORT_REMOVE, "A2", "2026-10-05", "2026-10-08", &diag),
        FTK_OK);
    after = scratch_read(path, NULL);
    assert_memory_equal(before, after, strlen(before));
    assert_string_equal(after + strlen(before),
                        "1,2026-10,remove,NA,A2,Alpha Two,2026-10-05,"
                        "2026-10-08,\"moved, to FastTrack\",Ana,,,,,,,,,,,\n");
    test_free(after);
    test_free(before);

    struct cohort_state st;
    load(&st, fx, "2026-10");
    assert_int_equal(st.n_changes, 1);
    assert_int_equal(st.change[0].number, 1);
    assert_int_equal(st.change[0].action, COHORT_REMOVE);
    assert_int_equal(st.change[0].recorded_on, day("2026-10-05"));
    assert_int_equal(st.change[0].effective_on, day("2026-10-08"));
    assert_string_equal(st.change[0].reason, "moved, to FastTrack");
    cohort_state_release(&st);
}

static void test_cohort__change_rules(void **state)
{
    struct fixture *fx = *state;
    struct ftk_diag diag;
    freeze_fixture(fx);
    /* after the month's end */
    assert_int_equal(
        record(fx, COHORT_REMOVE, "A2", "2026-10-29", "2026-11-01", &diag),
        FTK_E_STATE);
    assert_non_null(strstr(diag.msg, "after the end of the 2026-10"));
    /* not a member */
    assert_int_equal(
        record(fx, COHORT_REMOVE, "B2", "2026-10-01", "2026-10-04", &diag),
        FTK_E_STATE);
    assert_non_null(strstr(diag.msg, "B2 is not in the 2026-10 cohort"));
    /* already a member */
    assert_int_equal(
        record(fx, COHORT_ADD, "A1", "2026-10-01", "2026-10-04", &diag),
        FTK_E_STATE);
    assert_non_null(strstr(diag.msg, "A1 is already in the 2026-10 cohort"));
    /* unknown tenant */
    assert_int_equal(
        record(fx, COHORT_ADD, "Z9", "2026-10-01", "2026-10-04", &diag),
        FTK_E_DATA);
    assert_non_null(strstr(diag.msg, "unknown tenant Z9"));
    /* a region that is not frozen */
    write_in(fx->run2, "customer_kpis.csv",
             "as_of_month,tenant_id,customer_name,region,fm,core_qe,core_ae,"
             "core_au_pct,health,users_to_goal,focus_areas\n"
             "2026-10,L1,Latam One,LATAM,,0,0,,N/A,0,\n");
    write_in(fx->run2, "workload_kpis.csv",
             "as_of_month,tenant_id,workload,qe,ae,au_pct,health\n");
    write_in(fx->run2, "cohort_candidates.csv",
             "as_of_month,tenant_id,focus_area,workload,detail\n");
    write_manifest(fx->run2, "2026-10"); /* a run as published */
    assert_int_equal(
        record(fx, COHORT_ADD, "L1", "2026-10-01", "2026-10-04", &diag),
        FTK_E_STATE);
    assert_non_null(strstr(diag.msg, "region LATAM, which has no frozen"));
}

static void test_cohort__change_that_undoes_a_later_one_refused(void **state)
{
    struct fixture *fx = *state;
    struct ftk_diag diag;
    freeze_fixture(fx);
    assert_int_equal(
        record(fx, COHORT_REMOVE, "A2", "2026-10-05", "2026-10-20", &diag),
        FTK_OK);
    /* removing A2 sooner would leave change 1 removing a non-member */
    assert_int_equal(
        record(fx, COHORT_REMOVE, "A2", "2026-10-06", "2026-10-10", &diag),
        FTK_E_STATE);
    assert_non_null(strstr(diag.msg, "would undo change 1"));
    /* the opposite change on the same day takes change 1 back */
    assert_int_equal(
        record(fx, COHORT_ADD, "A2", "2026-10-06", "2026-10-20", &diag),
        FTK_OK);
    struct cohort_state st;
    struct cohort_view v;
    load(&st, fx, "2026-10");
    assert_int_equal(cohort_view_build(&v, &st, day("2026-10-21"), "NA", &diag),
                     FTK_OK);
    bool member = false;
    for (size_t i = 0; i < v.n; i++)
        if (strcmp(v.row[i].tenant_id, "A2") == 0 &&
            v.row[i].status == COHORT_MEMBER)
            member = true;
    assert_true(member);
    cohort_view_release(&v);
    cohort_state_release(&st);
}

static const struct cohort_view_row *find_row(const struct cohort_view *v,
                                              const char *tenant,
                                              enum cohort_status status)
{
    for (size_t i = 0; i < v->n; i++)
        if (strcmp(v->row[i].tenant_id, tenant) == 0 &&
            v->row[i].status == status)
            return &v->row[i];
    return NULL;
}

static void test_cohort__show_before_and_after_the_effective_date(void **state)
{
    struct fixture *fx = *state;
    struct ftk_diag diag;
    freeze_fixture(fx);
    assert_int_equal(
        record(fx, COHORT_REMOVE, "A2", "2026-10-05", "2026-10-08", &diag),
        FTK_OK);
    assert_int_equal(
        record(fx, COHORT_ADD, "B2", "2026-10-05", "2026-10-09", &diag),
        FTK_OK);
    struct cohort_state st;
    struct cohort_view v;
    load(&st, fx, "2026-10");

    /* the day before: A2 still in, leaving; B2 joining */
    assert_int_equal(cohort_view_build(&v, &st, day("2026-10-07"), NULL, &diag),
                     FTK_OK);
    assert_int_equal(v.n, 4);
    assert_string_equal(v.row[0].region, "EMEA");
    assert_string_equal(v.row[0].tenant_id, "B1");
    const struct cohort_view_row *r = find_row(&v, "A2", COHORT_LEAVING);
    assert_non_null(r);
    assert_int_equal(r->event->effective_on, day("2026-10-08"));
    r = find_row(&v, "B2", COHORT_JOINING);
    assert_non_null(r);
    assert_int_equal(r->since, day("2026-10-09"));
    assert_int_equal(r->baseline->as_of_month, month_of("2026-10"));
    assert_int_equal(v.n_pending, 2);
    assert_int_equal(v.n_applied, 0);
    cohort_view_release(&v);

    /* on the effective date: A2 removed; B2 still to come */
    assert_int_equal(cohort_view_build(&v, &st, day("2026-10-08"), NULL, &diag),
                     FTK_OK);
    assert_non_null(find_row(&v, "A2", COHORT_REMOVED));
    assert_null(find_row(&v, "A2", COHORT_MEMBER));
    assert_non_null(find_row(&v, "B2", COHORT_JOINING));
    assert_int_equal(v.n_pending, 1);
    assert_int_equal(v.n_applied, 1);
    cohort_view_release(&v);

    /* one region only */
    assert_int_equal(
        cohort_view_build(&v, &st, day("2026-10-09"), "EMEA", &diag), FTK_OK);
    assert_int_equal(v.n, 2);
    r = find_row(&v, "B2", COHORT_MEMBER);
    assert_non_null(r);
    assert_non_null(r->added);
    cohort_view_release(&v);

    assert_int_equal(
        cohort_view_build(&v, &st, day("2026-10-09"), "LATAM", &diag),
        FTK_E_STATE);
    assert_non_null(strstr(diag.msg, "frozen: NA, EMEA"));
    cohort_state_release(&st);
}

static void test_cohort__review_order_and_focus(void **state)
{
    struct fixture *fx = *state;
    struct ftk_diag diag;
    freeze_fixture(fx);
    assert_int_equal(
        record(fx, COHORT_REMOVE, "A2", "2026-10-05", "2026-10-20", &diag),
        FTK_OK);
    struct cohort_state st;
    struct cohort_view v;
    struct cohort_run run;
    struct cohort_review rv;
    load(&st, fx, "2026-10");
    const char *wl[COHORT_MAX_WORKLOADS];
    cohort_state_workloads(&st, wl);
    assert_int_equal(cohort_view_build(&v, &st, day("2026-10-12"), "NA", &diag),
                     FTK_OK);
    assert_int_equal(
        cohort_run_load(&run, fx->run2, wl, st.n_workloads, false, &diag),
        FTK_OK);
    assert_int_equal(cohort_review_build(&rv, &st, &v, &run, "NA", &diag),
                     FTK_OK);
    /* A2 is still a LOSER (first); A1 left PLATEAU (after) */
    assert_int_equal(rv.n, 2);
    assert_string_equal(rv.row[0].v->tenant_id, "A2");
    assert_int_equal(rv.row[0].focus_status, COHORT_FOCUS_STILL_IN);
    assert_int_equal(rv.row[0].v->status, COHORT_LEAVING);
    assert_string_equal(rv.row[1].v->tenant_id, "A1");
    assert_int_equal(rv.row[1].focus_status, COHORT_FOCUS_LEFT_ALL);
    assert_int_equal(rv.row[1].left, 1u << KPI_FOCUS_PLATEAU);

    char path[256], name[128];
    cohort_review_name(&rv, name, sizeof(name));
    assert_string_equal(name, "review-2026-10-NA-2026-10-12");
    in_dir(path, sizeof(path), fx->dir, "review.csv");
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_true(cohort_review_write_csv(f, &rv));
    fclose(f);
    char *text = scratch_read(path, NULL);
    assert_memory_equal(text,
                        "\xEF\xBB\xBF"
                        "cohort_month,region,",
                        23);
    /* A1: core AU 20.00 -> 60.00 (+40.00), users to goal 500 -> 50 */
    assert_non_null(strstr(text, ",2,A1,Alpha One,Fay,member,,,2026-09-28,"
                                 "left all,PLATEAU,,,PLATEAU,Red,Red,20.00,"
                                 "60.00,40.00,500,50,-450,"));
    assert_non_null(strstr(text, ",leaving,2026-10-20,\"moved, to "
                                 "FastTrack\","));
    test_free(text);
    in_dir(path, sizeof(path), fx->dir, "review.xlsx");
    assert_int_equal(cohort_review_write_xlsx(path, &rv, &diag), FTK_OK);
    assert_int_equal(access(path, F_OK), 0);

    cohort_review_release(&rv);
    cohort_run_release(&run);
    cohort_view_release(&v);
    cohort_state_release(&st);
}

static void test_cohort__pick_sheet(void **state)
{
    struct fixture *fx = *state;
    struct cohort_run run;
    struct ftk_diag diag;
    char path[256], name[64];
    assert_int_equal(cohort_run_load(&run, fx->run, NULL, 0, true, &diag),
                     FTK_OK);
    assert_int_equal(run.n_regions, 2);
    assert_int_equal(cohort_run_candidates(&run, "EMEA"), 2);
    cohort_pick_name(month_of("2026-10"), "Latin America/S", name,
                     sizeof(name));
    assert_string_equal(name, "picks-2026-10-Latin_America_S.csv");
    in_dir(path, sizeof(path), fx->dir, "sheet.csv");
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_true(cohort_pick_write(f, &run, "EMEA", month_of("2026-10")));
    fclose(f);
    char *text = scratch_read(path, NULL);
    assert_string_equal(
        text, "\xEF\xBB\xBFpick,tenant_id,customer_name,region,fm,"
              "users_to_goal,health,core_au_pct,focus_areas,focus_details,"
              "cohort_month,as_of_month\n"
              ",B1,Beta One,EMEA,Gus,900,Red,10.00,SLOW_RAMP,"
              "SLOW_RAMP SPO: not yet 10%,2026-10,2026-09\n"
              ",B2,\"Beta, Two\",EMEA,Gus,200,Red,30.00,PLATEAU;LOSER,"
              "PLATEAU EXO: flat | LOSER EXO: down 6 pp,2026-10,2026-09\n");
    test_free(text);
    cohort_run_release(&run);
}

/* Freezes a sheet that must be refused and checks that want is among the
 * problems reported, and that nothing was frozen. */
static void expect_bad_picks(const struct fixture *fx, const char *rows,
                             const char *want)
{
    struct cohort_report problems;
    struct ftk_diag diag;
    char sheet[1024];
    cohort_report_init(&problems);
    snprintf(sheet, sizeof(sheet), "%s%s", sheet_head, rows);
    enum ftk_error err =
        freeze_picks(fx, sheet, "2026-09-28", &problems, &diag);
    assert_int_equal(err, FTK_E_DATA);
    assert_int_equal(ftk_exit_code(err), 65);
    bool found = strstr(diag.msg, want) != NULL;
    for (size_t i = 0; i < problems.n; i++)
        found = found || strstr(problems.line[i], want) != NULL;
    if (!found) {
        for (size_t i = 0; i < problems.n; i++)
            print_message("problem: %s\n", problems.line[i]);
        fail_msg("'%s' not reported (diag: %s)", want, diag.msg);
    }
    cohort_report_release(&problems);
    char path[256];
    in_dir(path, sizeof(path), fx->state, "cohort-2026-10.csv");
    assert_int_not_equal(access(path, F_OK), 0); /* nothing frozen */
}

static void test_cohort__bad_picks_unknown_tenant(void **state)
{
    struct fixture *fx = *state;
    expect_bad_picks(fx, "x,A1,,NA,\nx,Z9,,NA,\n",
                     "picks.csv:3: unknown tenant Z9");
}

static void test_cohort__bad_picks_other_region(void **state)
{
    struct fixture *fx = *state;
    expect_bad_picks(fx, "x,A1,,NA,\nx,B1,,,\n",
                     "picks.csv:3: B1 (Beta One) is in region EMEA, not NA");
    expect_bad_picks(fx, "x,A1,,NA,\n,B1,,EMEA,\n",
                     "picks.csv:3: region EMEA, but this sheet is for region "
                     "NA");
}

static void test_cohort__bad_picks_duplicate(void **state)
{
    struct fixture *fx = *state;
    expect_bad_picks(fx, "x,A1,,NA,\n,A2,,NA,\nx,A1,,NA,\n",
                     "picks.csv:4: tenant A1 is on two rows (first on ");
}

static void test_cohort__bad_picks_malformed(void **state)
{
    struct fixture *fx = *state;
    expect_bad_picks(fx, "maybe,A1,,NA,\n", "picks.csv:2: pick 'maybe'");
    expect_bad_picks(fx, "x,A1,,NA\n", "picks.csv:2: 4 fields, expected 5");
    expect_bad_picks(fx, "x,A1,,NA,2026-11\n",
                     "picks.csv:2: this sheet is for the 2026-11 cohort");
    expect_bad_picks(fx, ",A1,,NA,\n", "picks.csv: nothing picked");
    expect_bad_picks(fx, "x,\"A1,,NA,\n", "picks.csv:2: csv syntax error");

    struct cohort_picks p;
    struct cohort_report problems;
    struct ftk_diag diag;
    const char *files[] = {fx->picks};
    cohort_report_init(&problems);
    scratch_write_text(fx->picks, "tenant,pick\nA1,x\n");
    assert_int_equal(cohort_picks_read(&p, files, 1, &problems, &diag),
                     FTK_E_DATA);
    assert_non_null(strstr(diag.msg, "picks.csv:1: no 'tenant_id' column"));
    scratch_write_text(fx->picks, "tenant_id;pick\nA1;x\n");
    assert_int_equal(cohort_picks_read(&p, files, 1, &problems, &diag),
                     FTK_E_DATA);
    assert_non_null(strstr(diag.msg, "separated by ';'"));
    cohort_report_release(&problems);
}

static void test_cohort__hand_edited_state_checked(void **state)
{
    struct fixture *fx = *state;
    struct ftk_diag diag;
    freeze_fixture(fx);
    char path[256];
    in_dir(path, sizeof(path), fx->state, "changes-2026-10.csv");
    FILE *f = fopen(path, "ab");
    assert_non_null(f);
    fputs("1,2026-10,remove,NA,B2,Beta,2026-10-01,2026-10-04,why,,,,,,,,,,,,"
          "\n",
          f);
    fclose(f);
    struct cohort_state st;
    assert_int_equal(
        cohort_state_load(&st, fx->state, month_of("2026-10"), &diag),
        FTK_E_DATA);
    assert_non_null(strstr(diag.msg, "changes-2026-10.csv:2: change 1 "
                                     "removes B2 on 2026-10-04"));
}

static void test_cohort__core_workloads_checked(void **state)
{
    struct fixture *fx = *state;
    struct cohort_run run;
    struct ftk_diag diag;
    const char *wl[] = {"EXO", "SPO"};
    assert_int_equal(cohort_run_load(&run, fx->run, wl, 2, false, &diag),
                     FTK_OK);
    assert_int_equal(cohort_run_check_core(&run, &diag), FTK_OK);
    cohort_run_release(&run);
    const char *other[] = {"EXO", "TEAMS"};
    assert_int_equal(cohort_run_load(&run, fx->run, other, 2, false, &diag),
                     FTK_OK);
    assert_int_equal(cohort_run_check_core(&run, &diag), FTK_E_CONFIG);
    assert_non_null(strstr(diag.msg, "customer_kpis.csv:2: A1 has core_qe"));
    cohort_run_release(&run);
}

static void test_cohort__run_files_of_two_runs_refused(void **state)
{
    struct fixture *fx = *state;
    struct cohort_run run;
    struct ftk_diag diag;
    char path[256];
    in_dir(path, sizeof(path), fx->run2, "workload_kpis.csv");
    char *text = scratch_read(path, NULL);
    write_in(fx->run, "workload_kpis.csv", text);
    test_free(text);
    /* the checksums refuse the mix first */
    assert_int_equal(cohort_run_load(&run, fx->run, NULL, 0, false, &diag),
                     FTK_E_DATA);
    assert_non_null(strstr(diag.msg, "workload_kpis.csv: changed since the "
                                     "run published it"));
    /* a manifest rewritten to agree still has the month of another run */
    write_manifest(fx->run, "2026-09");
    assert_int_equal(cohort_run_load(&run, fx->run, NULL, 0, false, &diag),
                     FTK_E_DATA);
    assert_non_null(strstr(diag.msg, "workload_kpis.csv:2: as_of_month "
                                     "'2026-10', but run.json says 2026-09"));
    in_dir(path, sizeof(path), fx->run, "run.json");
    remove(path);
    assert_int_equal(cohort_run_load(&run, fx->run, NULL, 0, false, &diag),
                     FTK_E_NOINPUT);
}

/* A file of the run changed after the run published it (a byte, or the
 * same size with other content) is refused, naming it; one run.json does
 * not list is refused too. */
static void test_cohort__tampered_run_file_refused(void **state)
{
    struct fixture *fx = *state;
    struct cohort_run run;
    struct ftk_diag diag;
    char path[256];
    in_dir(path, sizeof(path), fx->run, "cohort_candidates.csv");
    size_t len;
    char *text = scratch_read(path, &len);
    text[len - 2] = text[len - 2] == '0' ? '1' : '0'; /* same size */
    scratch_write(path, text, len);
    test_free(text);
    assert_int_equal(cohort_run_load(&run, fx->run, NULL, 0, false, &diag),
                     FTK_OK); /* without candidates it is not read */
    cohort_run_release(&run);
    assert_int_equal(cohort_run_load(&run, fx->run, NULL, 0, true, &diag),
                     FTK_E_DATA);
    assert_non_null(strstr(diag.msg, "cohort_candidates.csv: changed since "
                                     "the run published it"));
    assert_non_null(strstr(diag.msg, "run.json says"));
    in_dir(path, sizeof(path), fx->run, "run.json");
    scratch_write_text(path, "{\n  \"as_of_month\": \"2026-09\",\n"
                             "  \"outputs\": [\n  ]\n}\n");
    assert_int_equal(cohort_run_load(&run, fx->run, NULL, 0, false, &diag),
                     FTK_E_DATA);
    assert_non_null(strstr(diag.msg, "customer_kpis.csv: not among the "
                                     "outputs"));
}

/* A sheet saved again by Excel carries cohort_month as the date Excel
 * made of "2026-10": each form it writes is that month; a date not on the
 * 1st, or another month, is still refused. */
static void test_cohort__picks_month_as_excel_writes_it(void **state)
{
    struct fixture *fx = *state;
    static const char *const forms[] = {
        "Oct-26",    "oct-2026",  "Oct 2026", "2026-10-01", "2026/10/01",
        "10/1/2026", "1/10/2026", "10/01/26", "01/10/2026"};
    for (size_t i = 0; i < sizeof(forms) / sizeof(forms[0]); i++) {
        struct cohort_report problems;
        struct ftk_diag diag;
        char sheet[512];
        cohort_report_init(&problems);
        snprintf(sheet, sizeof(sheet), "%sx,A1,,NA,%s\n,A2,,NA,%s\n",
                 sheet_head, forms[i], forms[i]);
        enum ftk_error err =
            freeze_picks(fx, sheet, "2026-09-28", &problems, &diag);
        if (err != FTK_OK || problems.n)
            fail_msg("%s: %s %s", forms[i], diag.msg,
                     problems.n ? problems.line[0] : "");
        cohort_report_release(&problems);
        char path[256];
        in_dir(path, sizeof(path), fx->state, "cohort-2026-10.csv");
        assert_int_equal(remove(path), 0);
        in_dir(path, sizeof(path), fx->state, "changes-2026-10.csv");
        remove(path);
    }
    expect_bad_picks(fx, "x,A1,,NA,2026-10-02\n",
                     "cohort_month '2026-10-02': expected YYYY-MM");
    expect_bad_picks(fx, "x,A1,,NA,10/2/2026\n",
                     "cohort_month '10/2/2026': expected YYYY-MM");
    expect_bad_picks(fx, "x,A1,,NA,Nov-26\n",
                     "this sheet is for the 2026-11 cohort");
    expect_bad_picks(fx, "x,A1,,NA,Foo-26\n", "cohort_month 'Foo-26'");
}

/* Recorded dates of a month's history only move forward: a freeze or a
 * change backdated before what is recorded is refused, saying why. */
static void test_cohort__backdated_history_refused(void **state)
{
    struct fixture *fx = *state;
    struct ftk_diag diag;
    freeze_fixture(fx); /* NA and EMEA, on 2026-09-28 */
    /* a change recorded before the freeze */
    assert_int_equal(
        record(fx, COHORT_REMOVE, "A2", "2026-09-20", "2026-10-08", &diag),
        FTK_E_STATE);
    assert_int_equal(ftk_exit_code(FTK_E_STATE), 65);
    assert_non_null(strstr(diag.msg, "a change recorded on 2026-09-20 would "
                                     "go back in time"));
    assert_non_null(strstr(diag.msg, "a freeze recorded on 2026-09-28"));
    assert_int_equal(
        record(fx, COHORT_REMOVE, "A2", "2026-10-05", "2026-10-08", &diag),
        FTK_OK);
    /* before the latest change */
    assert_int_equal(
        record(fx, COHORT_ADD, "B2", "2026-10-02", "2026-10-09", &diag),
        FTK_E_STATE);
    assert_non_null(strstr(diag.msg, "a change recorded on 2026-10-05"));
    /* the same day is fine */
    assert_int_equal(
        record(fx, COHORT_ADD, "B2", "2026-10-05", "2026-10-09", &diag),
        FTK_OK);
}

/* A take-back (the opposite change, same effective date) leaves one row
 * per tenant, as it was. */
static void test_cohort__take_back_listed_once(void **state)
{
    struct fixture *fx = *state;
    struct ftk_diag diag;
    freeze_fixture(fx);
    assert_int_equal(
        record(fx, COHORT_REMOVE, "A2", "2026-10-01", "2026-10-08", &diag),
        FTK_OK);
    assert_int_equal(
        record(fx, COHORT_ADD, "A2", "2026-10-02", "2026-10-08", &diag),
        FTK_OK);
    assert_int_equal(
        record(fx, COHORT_ADD, "B2", "2026-10-02", "2026-10-09", &diag),
        FTK_OK);
    assert_int_equal(
        record(fx, COHORT_REMOVE, "B2", "2026-10-03", "2026-10-09", &diag),
        FTK_OK);
    struct cohort_state st;
    struct cohort_view v;
    load(&st, fx, "2026-10");
    static const char *const dates[] = {"2026-10-07", "2026-10-08",
                                        "2026-10-20"};
    for (size_t d = 0; d < 3; d++) {
        assert_int_equal(cohort_view_build(&v, &st, day(dates[d]), NULL, &diag),
                         FTK_OK);
        size_t a2 = 0, b2 = 0;
        for (size_t i = 0; i < v.n; i++) {
            a2 += strcmp(v.row[i].tenant_id, "A2") == 0;
            b2 += strcmp(v.row[i].tenant_id, "B2") == 0;
        }
        assert_int_equal(a2, 1);
        assert_int_equal(b2, 0);
        assert_non_null(find_row(&v, "A2", COHORT_MEMBER));
        assert_int_equal(v.n, 3);
        cohort_view_release(&v);
    }
    cohort_state_release(&st);
}

/* Every struct of the cohort modules may be zeroed and released without
 * being loaded, and released twice (cohort.h); the commands rely on it. */
static void test_cohort__release_zeroed_and_twice(void **state)
{
    struct fixture *fx = *state;
    struct cohort_report report = {0};
    struct cohort_run run = {0};
    struct cohort_picks picks = {0};
    struct cohort_selection sel = {0};
    struct cohort_state st = {0};
    struct cohort_view v = {0};
    struct cohort_review rv = {0};
    for (int twice = 0; twice < 2; twice++) {
        cohort_report_release(&report);
        cohort_run_release(&run);
        cohort_picks_release(&picks);
        cohort_selection_release(&sel);
        cohort_state_release(&st);
        cohort_view_release(&v);
        cohort_review_release(&rv);
    }
    struct ftk_diag diag;
    assert_int_equal(cohort_run_load(&run, fx->run, NULL, 0, true, &diag),
                     FTK_OK);
    assert_true(cohort_report_add(&report, "%s:%d: x", "f", 1));
    cohort_run_release(&run);
    cohort_run_release(&run);
    cohort_report_release(&report);
    cohort_report_release(&report);
}

/* The columns of a file with a group per workload: the groups where the
 * layout puts them, named by the workload's code. */
static void test_cohort__columns_layout(void **state)
{
    (void)state;
    const char *wl[] = {"EXO", "SPO"};
    const struct cohort_layout *l = &cohort_review_layout;
    char name[64];
    size_t width = cohort_layout_width(l, 2);
    assert_int_equal(width, RV_COUNT + 2 * RW_COUNT);
    cohort_layout_name(l, wl, 2, RV_AS_OF_MONTH_AT_FREEZE, name, sizeof(name));
    assert_string_equal(name, "EXO_au_pct_at_freeze");
    cohort_layout_name(l, wl, 2, RV_AS_OF_MONTH_AT_FREEZE + RW_COUNT + 1, name,
                       sizeof(name));
    assert_string_equal(name, "SPO_au_pct_now");
    cohort_layout_name(l, wl, 2, width - 1, name, sizeof(name));
    assert_string_equal(name, "as_of_month_now");
    int w;
    size_t col;
    cohort_layout_at(l, 2, width - 2, &w, &col);
    assert_int_equal(w, -1);
    assert_int_equal(col, RV_AS_OF_MONTH_AT_FREEZE);

    /* the state files: the groups after the KPIs */
    l = &cohort_changes_layout;
    assert_int_equal(cohort_layout_group_index(l, 1, CW_HEALTH),
                     CH_COUNT + CW_COUNT + 1);
    cohort_layout_name(l, wl, 2, CH_COUNT + CW_COUNT + 1, name, sizeof(name));
    assert_string_equal(name, "SPO_health");

    /* a reader finds a column whatever a spreadsheet did to its case */
    assert_int_equal(schema_match(&cohort_sheet_table, "Tenant_ID", 9),
                     PS_TENANT_ID);
    assert_int_equal(schema_match(&cohort_sheet_table, "tenant", 6), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_cohort__freeze_from_picks, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_cohort__freeze_top_n, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(
            test_cohort__top_n_of_a_region_without_candidates, setup, teardown),
        cmocka_unit_test_setup_teardown(test_cohort__refreeze_refused, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(
            test_cohort__freeze_after_the_month_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(
            test_cohort__change_needs_three_days_notice, setup, teardown),
        cmocka_unit_test_setup_teardown(test_cohort__change_rules, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(
            test_cohort__change_that_undoes_a_later_one_refused, setup,
            teardown),
        cmocka_unit_test_setup_teardown(
            test_cohort__show_before_and_after_the_effective_date, setup,
            teardown),
        cmocka_unit_test_setup_teardown(test_cohort__review_order_and_focus,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_cohort__pick_sheet, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_cohort__bad_picks_unknown_tenant,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_cohort__bad_picks_other_region,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_cohort__bad_picks_duplicate, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_cohort__bad_picks_malformed, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_cohort__hand_edited_state_checked,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_cohort__core_workloads_checked,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(
            test_cohort__run_files_of_two_runs_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(test_cohort__tampered_run_file_refused,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(
            test_cohort__picks_month_as_excel_writes_it, setup, teardown),
        cmocka_unit_test_setup_teardown(test_cohort__backdated_history_refused,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_cohort__take_back_listed_once,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_cohort__release_zeroed_and_twice,
                                        setup, teardown),
        cmocka_unit_test(test_cohort__columns_layout),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
