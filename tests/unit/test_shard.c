/*
 * tests/unit/test_shard.c - a run split by tenant (docs/sharding.md): the
 * shard of a tenant_id (FNV-1a-64 against its published vectors), --shard
 * I/N and auto, which rows a shard accounts for, and a shard folder
 * written and read back: the facts merged from the folders of every shard
 * are the facts of the whole run, CSV for CSV.
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
#include "pipeline/base/shard.h"
#include "pipeline/facts.h"
#include "pipeline/ingest/extract.h"
#include "pipeline/ingest/rejects.h"
#include "pipeline/playbook/playbook.h"
#include "pipeline/publish.h"
#include "pipeline/report/report_csv.h"
#include "pipeline/shard/shard_dir.h"
#include "tests/unit/scratch.h"

/* The FNV-1a 64-bit vectors of the function's authors (isthe.com/chongo/
 * tech/comp/fnv). */
static void test_shard__fnv1a64_vectors(void **state)
{
    (void)state;
    assert_true(shard_fnv1a64("", 0) == UINT64_C(0xcbf29ce484222325));
    assert_true(shard_fnv1a64("a", 1) == UINT64_C(0xaf63dc4c8601ec8c));
    assert_true(shard_fnv1a64("foobar", 6) == UINT64_C(0x85944171f73967e8));
}

static void test_shard__of_a_tenant(void **state)
{
    (void)state;
    /* 0x11f05b194b7668ee and 0x11f05a194b76673b */
    assert_int_equal(shard_of("T0000001", 8, 3), 2);
    assert_int_equal(shard_of("T0000001", 8, 4), 2);
    assert_int_equal(shard_of("T0000002", 8, 3), 1);
    assert_int_equal(shard_of("T0000002", 8, 4), 3);
    assert_int_equal(shard_of("", 0, 3), 2);
    assert_int_equal(shard_of("anything", 8, 1), 0);
    struct shard whole = {0, 0}, one = {0, 1}, s = {1, 3};
    assert_true(shard_owns(&whole, "T0000001", 8));
    assert_true(shard_owns(&one, "T0000001", 8));
    assert_true(shard_owns(&s, "T0000002", 8));
    assert_false(shard_owns(&s, "T0000001", 8));
}

static void test_shard__parse(void **state)
{
    (void)state;
    struct shard s;
    assert_true(shard_parse("0/1", &s));
    assert_int_equal(s.index, 0);
    assert_int_equal(s.count, 1);
    assert_true(shard_parse("3/4", &s));
    assert_int_equal(s.index, 3);
    assert_int_equal(s.count, 4);
    static const char *const bad[] = {"4/4",  "1",   "/4",       "a/4",
                                      "-1/4", "0/0", "1/100001", "1/4/5",
                                      "1 /4", "",    "0/"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        assert_false(shard_parse(bad[i], &s));
}

static void test_shard__from_env(void **state)
{
    (void)state;
    struct shard s;
    const char *which;
    assert_true(shard_from_env("2", "4", NULL, NULL, &s, &which));
    assert_int_equal(s.index, 2);
    assert_int_equal(s.count, 4);
    /* Slurm's pair wins over Kubernetes' */
    assert_true(shard_from_env("1", "4", "0", "2", &s, &which));
    assert_int_equal(s.index, 1);
    assert_true(shard_from_env(NULL, NULL, "1", "2", &s, &which));
    assert_int_equal(s.index, 1);
    assert_int_equal(s.count, 2);
    assert_false(shard_from_env(NULL, NULL, NULL, "2", &s, &which));
    assert_string_equal(which, "");
    assert_false(shard_from_env("4", "4", NULL, NULL, &s, &which));
    assert_non_null(strstr(which, "SLURM_ARRAY_TASK_ID"));
    assert_false(shard_from_env("1", NULL, NULL, NULL, &s, &which));
    assert_false(shard_from_env(NULL, NULL, "x", "2", &s, &which));
    assert_non_null(strstr(which, "FTKPI_SHARDS"));
}

/* ---- runs on files ---- */

struct fixture {
    char dir[64];
    struct config cfg;
};

static int setup(void **state)
{
    struct fixture *fx = test_calloc(1, sizeof(*fx));
    struct ftk_diag diag = {{0}};
    if (!scratch_make(fx->dir, sizeof(fx->dir), "test_shard") ||
        config_load(&fx->cfg, NULL, &diag) != FTK_OK) {
        test_free(fx);
        return -1;
    }
    *state = fx;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *fx = *state;
    scratch_remove(fx->dir);
    config_release(&fx->cfg);
    test_free(fx);
    return 0;
}

/* One shard of a run (or the whole run when s is NULL): the three
 * extracts of folder in read into st, with their stats. */
static void load(struct fixture *fx, const char *folder, const struct shard *s,
                 struct store *st, struct rejects *rj,
                 struct extract_stats stats[3])
{
    static const char *const name[] = {"customers.csv", "entitlements.csv",
                                       "usage.csv"};
    struct ftk_diag diag = {{0}};
    store_init(st, &fx->cfg);
    if (s)
        st->shard = *s;
    for (int k = 0; k < 3; k++) {
        char path[256];
        snprintf(path, sizeof(path), "%s/%s", folder, name[k]);
        /* the stats keep the path: freed by free_paths */
        char *kept = test_malloc(strlen(path) + 1);
        memcpy(kept, path, strlen(path) + 1);
        rj->input = (uint32_t)k;
        assert_int_equal(
            extract_file(st, rj, (enum extract_kind)k, kept, &stats[k], &diag),
            FTK_OK);
        if (k == 0)
            assert_int_equal(store_customers_done(st), FTK_OK);
        if (k == 1)
            store_entitlements_done(st);
    }
}

static void free_paths(struct extract_stats stats[3])
{
    for (int k = 0; k < 3; k++)
        test_free((char *)stats[k].path);
}

/* Every CSV of the facts and the playbook, one after the other (owned by
 * the caller: test_free). */
static char *all_csv(const struct facts *f)
{
    static bool (*const from_facts[])(FILE *, const struct facts *) = {
        report_csv_workload_kpis, report_csv_customer_kpis,
        report_csv_portfolio, report_csv_candidates};
    struct playbook pb;
    struct ftk_diag diag = {{0}};
    FILE *m = tmpfile();
    assert_non_null(m);
    for (size_t i = 0; i < sizeof(from_facts) / sizeof(from_facts[0]); i++)
        assert_true(from_facts[i](m, f));
    assert_int_equal(playbook_init(&pb, f, &diag), FTK_OK);
    assert_true(playbook_csv_next_actions(m, &pb));
    assert_true(playbook_csv_exec_summaries(m, &pb));
    playbook_release(&pb);
    long len = ftell(m);
    assert_true(len > 0);
    char *buf = test_malloc((size_t)len + 1);
    rewind(m);
    assert_int_equal(fread(buf, 1, (size_t)len, m), (size_t)len);
    buf[len] = '\0';
    fclose(m);
    return buf;
}

/* Splits the run on folder in n shards, writes each shard's folder,
 * merges them back and checks that the merged facts give every CSV of
 * the whole run's facts, and that the shards account for every row once. */
static void round_trip(struct fixture *fx, const char *folder, uint32_t n,
                       const char *month_text)
{
    struct ftk_diag diag = {{0}};
    int32_t month;
    assert_true(kpi_month_parse(month_text, 7, &month));
    struct store st;
    struct rejects rj;
    struct extract_stats whole[3];
    struct facts f;
    rejects_init(&rj, NULL);
    load(fx, folder, NULL, &st, &rj, whole);
    assert_int_equal(facts_build(&f, &st, month, &diag), FTK_OK);
    char *want = all_csv(&f);

    struct shard_dir *d = test_calloc(n, sizeof(*d));
    char(*path)[128] = test_calloc(n, sizeof(*path));
    uint64_t read[3] = {0}, skipped[3] = {0};
    for (uint32_t i = 0; i < n; i++) {
        struct shard s = {i, n};
        struct store part;
        struct rejects prj;
        struct extract_stats stats[3];
        struct facts pf;
        struct publish pub;
        FILE *rejects_file, *index_file;
        memset(&pub, 0, sizeof(pub));
        snprintf(path[i], sizeof(path[i]), "%s/shard-%u", fx->dir, (unsigned)i);
        assert_int_equal(publish_open(&pub, path[i], &diag), FTK_OK);
        assert_int_equal(
            publish_create(&pub, "rejects.csv", &rejects_file, &diag), FTK_OK);
        assert_int_equal(
            publish_create(&pub, "rejects_index.csv", &index_file, &diag),
            FTK_OK);
        rejects_init(&prj, rejects_file);
        rejects_index(&prj, index_file);
        load(fx, folder, &s, &part, &prj, stats);
        for (int k = 0; k < 3; k++) {
            read[k] += stats[k].read;
            skipped[k] += stats[k].skipped;
            assert_true(stats[k].read + stats[k].skipped == whole[k].read);
        }
        assert_int_equal(facts_build(&pf, &part, month, &diag), FTK_OK);
        struct shard_dir_input in = {
            .shard = s,
            .cfg = &fx->cfg,
            .stats = stats,
            .n_stats = 3,
            .facts = &pf,
            .n_rejects = prj.total,
        };
        assert_int_equal(shard_dir_write(&pub, &in, &diag), FTK_OK);
        assert_int_equal(publish_commit(&pub, &diag), FTK_OK);
        publish_release(&pub);
        facts_release(&pf);
        store_release(&part);
        free_paths(stats);
    }
    for (int k = 0; k < 3; k++) {
        assert_true(read[k] == whole[k].read);
        assert_true(skipped[k] == (uint64_t)(n - 1) * whole[k].read);
    }

    /* read back in reverse order */
    for (uint32_t i = 0; i < n; i++)
        assert_int_equal(shard_dir_open(&d[i], path[n - 1 - i], &diag), FTK_OK);
    assert_int_equal(shard_dir_check_set(d, n, &diag), FTK_OK);
    struct extract_stats sum[3];
    shard_dir_sum_stats(d, n, sum);
    for (int k = 0; k < 3; k++) {
        assert_true(sum[k].read == whole[k].read);
        assert_true(sum[k].accepted == whole[k].accepted);
        assert_true(sum[k].rejected == whole[k].rejected);
        assert_string_equal(sum[k].sha256, whole[k].sha256);
    }
    struct store merged;
    struct shard_rows rows;
    struct facts mf;
    store_init(&merged, &fx->cfg);
    assert_int_equal(shard_dir_customers(d, n, &merged, &diag), FTK_OK);
    assert_int_equal(store_customers_done(&merged), FTK_OK);
    assert_int_equal(shard_dir_rows(d, n, &merged, &rows, &diag), FTK_OK);
    struct fact_workload *row = rows.row;
    rows.row = NULL;
    assert_int_equal(
        facts_from_rows(&mf, &merged, month, row, rows.n_rows, &diag), FTK_OK);
    char *got = all_csv(&mf);
    assert_string_equal(got, want);
    assert_int_equal(mf.latest_snapshot, f.latest_snapshot);
    assert_int_equal(mf.latest_entitlement, f.latest_entitlement);

    /* a set without shard 0 is refused, naming it */
    if (n > 1) {
        assert_int_equal(shard_dir_check_set(d, n - 1, &diag), FTK_E_DATA);
        assert_non_null(strstr(diag.msg, "is missing"));
    }
    test_free(got);
    test_free(want);
    facts_release(&mf);
    shard_rows_release(&rows);
    store_release(&merged);
    for (uint32_t i = 0; i < n; i++)
        shard_dir_release(&d[i]);
    test_free(d);
    test_free(path);
    facts_release(&f);
    store_release(&st);
    free_paths(whole);
}

static void test_shard__fixture_in_three_shards(void **state)
{
    round_trip(*state, "tests/fixtures/kpi", 3, "2024-06");
}

static void test_shard__fixture_in_one_shard(void **state)
{
    round_trip(*state, "tests/fixtures/kpi", 1, "2024-06");
}

/* Text that a CSV reader would change (spaces around, commas, quotes,
 * line breaks, formula-like starts) comes back from a shard folder byte
 * for byte: names, FMs, statuses and the notes the playbook reads. */
static void test_shard__text_read_back_exactly(void **state)
{
    struct fixture *fx = *state;
    char in[128], path[192];
    snprintf(in, sizeof(in), "%s/in", fx->dir);
    snprintf(path, sizeof(path), "mkdir -p '%s'", in);
    assert_int_equal(system(path), 0);
    snprintf(path, sizeof(path), "%s/customers.csv", in);
    scratch_write_text(
        path, "tenant_id,customer_name,region,seats,fm\n"
              "A1,\"  Spaced, \"\"quoted\"\" \",NA,12000,\" Ann\tB \"\n"
              "B2,=SUM(A1),EMEA,,\"two\nlines\"\n"
              "C3,-minus,APAC,5,@fm\n");
    snprintf(path, sizeof(path), "%s/entitlements.csv", in);
    scratch_write_text(
        path, "tenant_id,workload,as_of,qualified_entitlements,status,notes\n"
              "A1,EXO,2024-01-01,100,\" Active \",\" Expecting<50 #Compete \"\n"
              "A1,SPO,2024-01-01,100,,\"#Unresponsive, see \"\"x\"\"\"\n"
              "B2,EXO,2024-01-01,50,+x,\"AU > 10%\"\n"
              "C3,OLM,2024-01-01,10,,\n");
    snprintf(path, sizeof(path), "%s/usage.csv", in);
    scratch_write_text(path, "tenant_id,workload,date,active_users\n"
                             "A1,EXO,2024-01-31,20\n"
                             "A1,EXO,2024-02-29,30\n"
                             "A1,SPO,2024-02-29,5\n"
                             "B2,EXO,2024-02-29,40\n"
                             "C3,OLM,2024-02-10,1\n");
    round_trip(fx, in, 2, "2024-02");
    round_trip(fx, in, 7, "2024-02");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_shard__fnv1a64_vectors),
        cmocka_unit_test(test_shard__of_a_tenant),
        cmocka_unit_test(test_shard__parse),
        cmocka_unit_test(test_shard__from_env),
        cmocka_unit_test_setup_teardown(test_shard__fixture_in_three_shards,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_shard__fixture_in_one_shard, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_shard__text_read_back_exactly,
                                        setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
