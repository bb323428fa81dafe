/*
 * tests/unit/test_extract.c - row validation, reject reasons and their
 * precedence, header mapping and row accounting of the three extracts
 * (pipeline/ingest/extract.h, docs/inputs.md), through extract_file on small
 * files with a real store and a reject log written to a temporary file.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "kpi/date.h"
#include "pipeline/ingest/extract.h"
#include "tests/unit/scratch.h"

#define MAX_FILES 32

struct fixture {
    char dir[64];
    char path[MAX_FILES][128];
    int n_files;
    struct config cfg;
    struct store st;
    struct rejects rj;
    FILE *out; /* rejects.csv */
};

static int setup(void **state)
{
    struct fixture *fx = test_calloc(1, sizeof(*fx));
    struct ftk_diag diag = {{0}};
    if (!scratch_make(fx->dir, sizeof(fx->dir), "test_extract") ||
        config_load(&fx->cfg, NULL, &diag) != FTK_OK) {
        test_free(fx);
        return -1;
    }
    store_init(&fx->st, &fx->cfg);
    fx->out = tmpfile();
    if (!fx->out)
        return -1;
    rejects_init(&fx->rj, fx->out);
    *state = fx;
    return 0;
}

/* The store is released by each test (done), before cmocka looks for
 * leaks; the configuration was loaded by setup. */
static int teardown(void **state)
{
    struct fixture *fx = *state;
    config_release(&fx->cfg);
    fclose(fx->out);
    scratch_remove(fx->dir);
    test_free(fx);
    return 0;
}

static void done(struct fixture *fx)
{
    store_release(&fx->st);
}

/* Writes len bytes of text to a new file of the fixture; its path. */
static const char *write_input(struct fixture *fx, const char *name,
                               const char *text, size_t len)
{
    assert_true(fx->n_files < MAX_FILES);
    char *path = fx->path[fx->n_files++];
    char dir[sizeof(fx->dir)];
    memcpy(dir, fx->dir, sizeof(dir)); /* -Wrestrict: both are in fx */
    snprintf(path, sizeof(fx->path[0]), "%s/%s", dir, name);
    scratch_write(path, text, len);
    return path;
}

/* Runs extract_file on text (a C string), which must not fail. */
static const char *extract_ok(struct fixture *fx, enum extract_kind kind,
                              const char *text, struct extract_stats *stats)
{
    char name[32];
    snprintf(name, sizeof(name), "%s%d.csv", extract_kind_name(kind),
             fx->n_files);
    const char *path = write_input(fx, name, text, strlen(text));
    struct ftk_diag diag = {{0}};
    if (extract_file(&fx->st, &fx->rj, kind, path, stats, &diag) != FTK_OK)
        fail_msg("extract_file: %s", diag.msg);
    assert_int_equal(stats->read, stats->accepted + stats->rejected);
    uint64_t sum = 0;
    for (int r = 0; r < REJECT_COUNT; r++)
        sum += stats->by_reason[r];
    assert_int_equal(sum, stats->rejected);
    return path;
}

/* Runs extract_file on text, which must fail with FTK_E_DATA; the
 * message is left in diag. */
static const char *extract_fails(struct fixture *fx, enum extract_kind kind,
                                 const char *text, size_t len,
                                 struct ftk_diag *diag)
{
    char name[32];
    snprintf(name, sizeof(name), "bad%d.csv", fx->n_files);
    const char *path = write_input(fx, name, text, len);
    struct extract_stats stats;
    enum ftk_error err =
        extract_file(&fx->st, &fx->rj, kind, path, &stats, diag);
    if (err != FTK_E_DATA)
        fail_msg("error %d, want FTK_E_DATA (%s)", (int)err, diag->msg);
    return path;
}

static const char *const customers_text = "tenant_id,customer_name,region\n"
                                          "T1,Contoso,NA\n"
                                          "T2,Fabrikam,EMEA\n";
static const char *const entitlements_text =
    "tenant_id,workload,as_of,qualified_entitlements\n"
    "T1,EXO,2024-01-01,100\n"
    "T2,SPO,2024-01-01,50\n";

/* Customers T1 and T2, then (with ent) their entitlements, each followed
 * by the store's _done. */
static void load_base(struct fixture *fx, bool ent)
{
    struct extract_stats stats;
    extract_ok(fx, EXTRACT_CUSTOMERS, customers_text, &stats);
    assert_int_equal(stats.accepted, 2);
    assert_int_equal(store_customers_done(&fx->st), FTK_OK);
    if (!ent)
        return;
    extract_ok(fx, EXTRACT_ENTITLEMENTS, entitlements_text, &stats);
    assert_int_equal(stats.accepted, 2);
    store_entitlements_done(&fx->st);
}

/* The reject log written so far (test_free it). */
static char *rejects_csv(struct fixture *fx)
{
    assert_int_equal(fflush(fx->out), 0);
    long n = ftell(fx->out);
    assert_true(n >= 0);
    char *text = test_malloc((size_t)n + 1);
    rewind(fx->out);
    assert_int_equal(fread(text, 1, (size_t)n, fx->out), (size_t)n);
    text[n] = '\0';
    assert_int_equal(fseek(fx->out, 0, SEEK_END), 0);
    return text;
}

/* The reject log has a row "path,line,column,code,". */
static void expect_reject(struct fixture *fx, const char *path, uint64_t line,
                          const char *column, enum reject_reason reason)
{
    char want[512];
    snprintf(want, sizeof(want), "\n%s,%llu,%s,%s,", path,
             (unsigned long long)line, column, reject_code(reason));
    char *text = rejects_csv(fx);
    if (!strstr(text, want))
        fail_msg("no reject '%s' in:\n%s", want + 1, text);
    test_free(text);
}

/* Extracts text, whose only data row must be rejected with reason in
 * column (line 2 unless a blank line or a long record moves it). */
static void one_reject(struct fixture *fx, enum extract_kind kind,
                       const char *text, uint64_t line, const char *column,
                       enum reject_reason reason)
{
    struct extract_stats stats;
    const char *path = extract_ok(fx, kind, text, &stats);
    if (stats.rejected != 1 || stats.by_reason[reason] != 1) {
        char *log = rejects_csv(fx);
        fail_msg("want one %s reject, got read %llu rejected %llu:\n%s",
                 reject_code(reason), (unsigned long long)stats.read,
                 (unsigned long long)stats.rejected, log);
    }
    expect_reject(fx, path, line, column, reason);
}

/* A usage file of the header and one row. */
static void usage_reject(struct fixture *fx, const char *row,
                         const char *column, enum reject_reason reason)
{
    char text[9000];
    snprintf(text, sizeof(text), "tenant_id,workload,date,active_users\n%s\n",
             row);
    one_reject(fx, EXTRACT_USAGE, text, 2, column, reason);
}

/* A customers file of the full header and one row. */
static void customer_reject(struct fixture *fx, const char *row,
                            const char *column, enum reject_reason reason)
{
    char text[9000];
    snprintf(text, sizeof(text),
             "tenant_id,customer_name,region,seats,priority,fm,"
             "engagement_start,gateway_date,kickoff_date\n%s\n",
             row);
    one_reject(fx, EXTRACT_CUSTOMERS, text, 2, column, reason);
}

static void test_extract__wrong_field_count(void **state)
{
    struct fixture *fx = *state;
    load_base(fx, true);
    usage_reject(fx, "T1,EXO,2024-01-31", "", REJECT_FIELD_COUNT);
    usage_reject(fx, "T1,EXO,2024-01-31,1,extra", "", REJECT_FIELD_COUNT);
    usage_reject(fx, "T1,EXO,2024-01-31,1,", "", REJECT_FIELD_COUNT);
    done(fx);
}

static void test_extract__invalid_utf8(void **state)
{
    struct fixture *fx = *state;
    customer_reject(fx, "T1,Cont\xC3oso,NA,,,,,,", "customer_name",
                    REJECT_INVALID_UTF8);
    customer_reject(fx, "T1,Contoso,NA,,,\xC0\x80,,,", "fm",
                    REJECT_INVALID_UTF8);
    /* NUL is invalid, and the field is not cut at it */
    static const char nul_row[] = "tenant_id,customer_name,region\n"
                                  "T1,Con\0toso,NA\n";
    const char *path = write_input(fx, "nul.csv", nul_row, sizeof(nul_row) - 1);
    struct extract_stats stats;
    struct ftk_diag diag = {{0}};
    assert_int_equal(
        extract_file(&fx->st, &fx->rj, EXTRACT_CUSTOMERS, path, &stats, &diag),
        FTK_OK);
    assert_int_equal(stats.by_reason[REJECT_INVALID_UTF8], 1);
    expect_reject(fx, path, 2, "customer_name", REJECT_INVALID_UTF8);
    assert_non_null(strstr(fx->rj.example[REJECT_INVALID_UTF8][2],
                           "invalid UTF-8 at byte 4 (0x00)"));
    done(fx);
}

static void test_extract__field_too_long(void **state)
{
    struct fixture *fx = *state;
    char row[6000];
    int n = snprintf(row, sizeof(row), "T1,");
    memset(row + n, 'n', 4097);
    snprintf(row + n + 4097, sizeof(row) - (size_t)n - 4097, ",NA,,,,,,");
    customer_reject(fx, row, "customer_name", REJECT_FIELD_TOO_LONG);
    assert_non_null(strstr(fx->rj.example[REJECT_FIELD_TOO_LONG][0],
                           "customer_name (column 2): 4097 bytes, at most "
                           "4096"));
    done(fx);
}

static void test_extract__missing_value(void **state)
{
    struct fixture *fx = *state;
    customer_reject(fx, "T1,Contoso,,,,,,,", "region", REJECT_MISSING_VALUE);
    customer_reject(fx, "  ,Contoso,NA,,,,,,", "tenant_id",
                    REJECT_MISSING_VALUE);
    customer_reject(fx, "T1,\"\",NA,,,,,,", "customer_name",
                    REJECT_MISSING_VALUE);
    done(fx);
}

static void test_extract__bad_integer(void **state)
{
    struct fixture *fx = *state;
    load_base(fx, true);
    static const char *const bad[] = {
        "-1",      "+1",         "1.0",
        "1e3",     "1 000",      "\" 1\"",
        "0x10",    "2000000001", "99999999999999999999999",
        "\xD9\xA1" /* ARABIC-INDIC DIGIT ONE */};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        char row[128];
        snprintf(row, sizeof(row), "T1,EXO,2024-01-%02zu,%s", i + 1, bad[i]);
        usage_reject(fx, row, "active_users", REJECT_BAD_INTEGER);
    }
    done(fx);
}

/* Each file's latest accepted snapshot date, whatever the order of its
 * rows; a rejected row's date does not count; the customers extract has
 * none. */
static void test_extract__latest_snapshot_per_file(void **state)
{
    struct fixture *fx = *state;
    struct extract_stats stats;
    extract_ok(fx, EXTRACT_CUSTOMERS, customers_text, &stats);
    assert_int_equal(stats.latest, KPI_NO_DATE);
    assert_int_equal(store_customers_done(&fx->st), FTK_OK);
    extract_ok(fx, EXTRACT_ENTITLEMENTS,
               "tenant_id,workload,as_of,qualified_entitlements\n"
               "T1,EXO,2024-03-01,100\n"
               "T2,SPO,2024-05-01,50\n"
               "T1,EXO,2024-04-01,100\n"
               "T9,EXO,2024-09-01,100\n", /* unknown tenant: rejected */
               &stats);
    assert_int_equal(stats.rejected, 1);
    assert_int_equal(stats.latest, kpi_date_from_ymd(2024, 5, 1));
    store_entitlements_done(&fx->st);
    extract_ok(fx, EXTRACT_USAGE,
               "tenant_id,workload,date,active_users\n"
               "T1,EXO,2024-06-30,1\n"
               "T1,EXO,2024-07-31,1\n"
               "T1,EXO,2024-06-15,1\n"
               "T1,EXO,2024-12-31,x\n", /* bad number: rejected */
               &stats);
    assert_int_equal(stats.latest, kpi_date_from_ymd(2024, 7, 31));
    extract_ok(fx, EXTRACT_USAGE, "tenant_id,workload,date,active_users\n",
               &stats);
    assert_int_equal(stats.latest, KPI_NO_DATE);
    done(fx);
}

static void test_extract__integers_at_the_edges(void **state)
{
    struct fixture *fx = *state;
    load_base(fx, true);
    struct extract_stats stats;
    extract_ok(fx, EXTRACT_USAGE,
               "tenant_id,workload,date,active_users\n"
               "T1,EXO,2024-01-01,0\n"
               "T1,EXO,2024-02-01,2000000000\n"
               "T1,EXO,2024-03-01,007\n"
               "T1,EXO,2024-04-01,  12  \n"
               "T1,EXO,2024-05-01,\"13\"\n",
               &stats);
    assert_int_equal(stats.accepted, 5);
    const struct store_series *s =
        store_series_of(&fx->st, (uint32_t)store_tenant_find(&fx->st, "T1", 2),
                        config_workload_lookup(&fx->cfg, "EXO", 3));
    assert_non_null(s);
    static const uint32_t want[] = {0, 2000000000, 7, 12, 13};
    for (int m = 0; m < 5; m++) {
        const struct store_month *sm = store_month_of(s, 2024 * 12 + m);
        assert_non_null(sm);
        assert_int_equal(sm->ae, want[m]);
    }
    done(fx);
}

/* Leading zeros are allowed however many there are; a cap on the number
 * of digits used to reject them. */
static void test_extract__many_leading_zeros(void **state)
{
    struct fixture *fx = *state;
    load_base(fx, true);
    char text[512];
    int n = snprintf(text, sizeof(text),
                     "tenant_id,workload,date,active_users\nT1,EXO,"
                     "2024-01-31,");
    memset(text + n, '0', 100);
    snprintf(text + n + 100, sizeof(text) - (size_t)n - 100, "42\n");
    struct extract_stats stats;
    extract_ok(fx, EXTRACT_USAGE, text, &stats);
    assert_int_equal(stats.accepted, 1);
    done(fx);
}

static void test_extract__bad_date(void **state)
{
    struct fixture *fx = *state;
    load_base(fx, true);
    static const char *const bad[] = {
        "2024-02-30", "2023-02-29", "2024-1-31",  "2024-01-31T00:00",
        "31/01/2024", "0000-01-31", "2024-13-01", "\" 2024-01-31\""};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        char row[128];
        snprintf(row, sizeof(row), "T1,EXO,%s,1", bad[i]);
        usage_reject(fx, row, "date", REJECT_BAD_DATE);
    }
    char text[256];
    snprintf(text, sizeof(text), "%s",
             "tenant_id,workload,as_of,qualified_entitlements,enabled_date\n"
             "T1,SPO,2024-02-01,10,2024-02-31\n");
    one_reject(fx, EXTRACT_ENTITLEMENTS, text, 2, "enabled_date",
               REJECT_BAD_DATE);
    done(fx);
}

static void test_extract__unknown_workload(void **state)
{
    struct fixture *fx = *state;
    load_base(fx, true);
    usage_reject(fx, "T1,Exchnage,2024-01-31,1", "workload",
                 REJECT_UNKNOWN_WORKLOAD);
    done(fx);
}

static void test_extract__unknown_tenant(void **state)
{
    struct fixture *fx = *state;
    load_base(fx, true);
    usage_reject(fx, "T9,EXO,2024-01-31,1", "tenant_id", REJECT_UNKNOWN_TENANT);
    /* tenant ids match exactly */
    usage_reject(fx, "t1,EXO,2024-01-31,1", "tenant_id", REJECT_UNKNOWN_TENANT);
    char text[256];
    snprintf(text, sizeof(text), "%s",
             "tenant_id,workload,as_of,qualified_entitlements\n"
             "T3,EXO,2024-01-01,5\n");
    one_reject(fx, EXTRACT_ENTITLEMENTS, text, 2, "tenant_id",
               REJECT_UNKNOWN_TENANT);
    done(fx);
}

static void test_extract__duplicate_key(void **state)
{
    struct fixture *fx = *state;
    struct extract_stats stats;
    const char *path = extract_ok(fx, EXTRACT_CUSTOMERS,
                                  "tenant_id,customer_name,region\n"
                                  "T1,Contoso,NA\nT2,Fabrikam,EMEA\n"
                                  "T1,Contoso again,NA\n",
                                  &stats);
    assert_int_equal(stats.by_reason[REJECT_DUPLICATE_KEY], 1);
    expect_reject(fx, path, 4, "", REJECT_DUPLICATE_KEY);
    /* the first one won */
    int64_t t1 = store_tenant_find(&fx->st, "T1", 2);
    assert_string_equal(fx->st.tenant[t1].name, "Contoso");
    assert_int_equal(store_customers_done(&fx->st), FTK_OK);

    path = extract_ok(fx, EXTRACT_ENTITLEMENTS,
                      "tenant_id,workload,as_of,qualified_entitlements\n"
                      "T1,EXO,2024-01-01,100\n"
                      "T1,exchange online,2024-01-01,120\n"
                      "T1,EXO,2024-01-02,130\n",
                      &stats);
    assert_int_equal(stats.accepted, 2);
    expect_reject(fx, path, 3, "", REJECT_DUPLICATE_KEY);
    store_entitlements_done(&fx->st);

    path = extract_ok(fx, EXTRACT_USAGE,
                      "tenant_id,workload,date,active_users\n"
                      "T1,EXO,2024-01-30,5\n"
                      "T1,EXO,2024-01-31,6\n"
                      "T1,Exchange,2024-01-31,7\n"
                      "T2,EXO,2024-01-31,8\n",
                      &stats);
    assert_int_equal(stats.accepted, 3);
    expect_reject(fx, path, 4, "", REJECT_DUPLICATE_KEY);
    const struct store_month *m = store_month_of(
        store_series_of(&fx->st, (uint32_t)t1,
                        config_workload_lookup(&fx->cfg, "EXO", 3)),
        2024 * 12);
    assert_non_null(m);
    assert_int_equal(m->ae, 6);
    done(fx);
}

static void test_extract__field_count_beats_everything(void **state)
{
    struct fixture *fx = *state;
    load_base(fx, true);
    usage_reject(fx, "\xFF,NOPE,2024-02-30", "", REJECT_FIELD_COUNT);
    usage_reject(fx, ",,,,", "", REJECT_FIELD_COUNT);
    done(fx);
}

static void test_extract__utf8_in_earlier_column_beats_bad_integer(void **state)
{
    struct fixture *fx = *state;
    customer_reject(fx, "T1,Bad\xFF,NA,12a,,,,,", "customer_name",
                    REJECT_INVALID_UTF8);
    /* the order is docs/inputs.md's table, not the file's: seats before fm */
    one_reject(fx, EXTRACT_CUSTOMERS,
               "fm,seats,tenant_id,customer_name,region\n"
               "Bad\xFF,12a,T1,Name,NA\n",
               2, "seats", REJECT_BAD_INTEGER);
    one_reject(fx, EXTRACT_CUSTOMERS,
               "kickoff_date,seats,region,customer_name,tenant_id\n"
               "2024-02-30,x,,Name,T1\n",
               2, "region", REJECT_MISSING_VALUE);
    done(fx);
}

static void test_extract__field_too_long_beats_missing(void **state)
{
    struct fixture *fx = *state;
    char row[6000];
    /* a 65-byte tenant_id, then an empty region */
    memset(row, 'T', 65);
    snprintf(row + 65, sizeof(row) - 65, ",Name,,,,,,,");
    customer_reject(fx, row, "tenant_id", REJECT_FIELD_TOO_LONG);
    /* but a missing value in an earlier column comes first */
    int n = snprintf(row, sizeof(row), ",");
    memset(row + n, 'n', 5000);
    snprintf(row + n + 5000, sizeof(row) - (size_t)n - 5000, ",NA,,,,,,");
    customer_reject(fx, row, "tenant_id", REJECT_MISSING_VALUE);
    done(fx);
}

static void test_extract__invalid_utf8_before_too_long_in_a_column(void **state)
{
    struct fixture *fx = *state;
    char row[6000];
    int n = snprintf(row, sizeof(row), "T1,");
    memset(row + n, 'n', 5000);
    row[n + 4999] = '\xFF';
    snprintf(row + n + 5000, sizeof(row) - (size_t)n - 5000, ",NA,,,,,,");
    customer_reject(fx, row, "customer_name", REJECT_INVALID_UTF8);
    memset(row, 'T', 70);
    row[0] = '\xC3';
    snprintf(row + 70, sizeof(row) - 70, ",Name,NA,,,,,,");
    customer_reject(fx, row, "tenant_id", REJECT_INVALID_UTF8);
    done(fx);
}

static void test_extract__column_checks_before_key_checks(void **state)
{
    struct fixture *fx = *state;
    load_base(fx, true);
    /* a bad date with an unknown workload and tenant */
    usage_reject(fx, "T9,NOPE,2024-02-30,1", "date", REJECT_BAD_DATE);
    /* missing active_users with an unknown workload */
    usage_reject(fx, "T1,NOPE,2024-01-31,", "active_users",
                 REJECT_MISSING_VALUE);
    /* a workload over 4096 bytes is too long, not unknown */
    char row[5000];
    int n = snprintf(row, sizeof(row), "T1,");
    memset(row + n, 'w', 4097);
    snprintf(row + n + 4097, sizeof(row) - (size_t)n - 4097, ",2024-01-31,1");
    usage_reject(fx, row, "workload", REJECT_FIELD_TOO_LONG);
    done(fx);
}

static void test_extract__unknown_workload_tenant_duplicate_order(void **state)
{
    struct fixture *fx = *state;
    load_base(fx, true);
    struct extract_stats stats;
    const char *path = extract_ok(fx, EXTRACT_USAGE,
                                  "tenant_id,workload,date,active_users\n"
                                  "T1,EXO,2024-01-31,1\n"
                                  "T9,NOPE,2024-01-31,1\n"
                                  "T9,EXO,2024-01-31,1\n"
                                  "T1,NOPE,2024-01-31,1\n"
                                  "T1,EXO,2024-01-31,x\n"
                                  "T1,exo,2024-01-31,2\n",
                                  &stats);
    assert_int_equal(stats.read, 6);
    assert_int_equal(stats.accepted, 1);
    expect_reject(fx, path, 3, "workload", REJECT_UNKNOWN_WORKLOAD);
    expect_reject(fx, path, 4, "tenant_id", REJECT_UNKNOWN_TENANT);
    expect_reject(fx, path, 5, "workload", REJECT_UNKNOWN_WORKLOAD);
    expect_reject(fx, path, 6, "active_users", REJECT_BAD_INTEGER);
    expect_reject(fx, path, 7, "", REJECT_DUPLICATE_KEY);
    done(fx);
}

static void test_extract__rejected_row_is_no_key(void **state)
{
    struct fixture *fx = *state;
    struct extract_stats stats;
    /* T3 is rejected (bad seats) then accepted; T4 is only rejected */
    const char *path = extract_ok(fx, EXTRACT_CUSTOMERS,
                                  "tenant_id,customer_name,region,seats\n"
                                  "T3,Contoso,NA,12a\n"
                                  "T3,Contoso,NA,12\n"
                                  "T4,Fabrikam,NA,x\n",
                                  &stats);
    assert_int_equal(stats.accepted, 1);
    expect_reject(fx, path, 2, "seats", REJECT_BAD_INTEGER);
    assert_int_equal(store_customers_done(&fx->st), FTK_OK);

    path = extract_ok(fx, EXTRACT_ENTITLEMENTS,
                      "tenant_id,workload,as_of,qualified_entitlements\n"
                      "T3,EXO,2024-01-01,-1\n"
                      "T3,EXO,2024-01-01,10\n"
                      "T4,EXO,2024-01-01,10\n",
                      &stats);
    assert_int_equal(stats.accepted, 1);
    /* only accepted customers are known tenants */
    expect_reject(fx, path, 4, "tenant_id", REJECT_UNKNOWN_TENANT);
    store_entitlements_done(&fx->st);

    path = extract_ok(fx, EXTRACT_USAGE,
                      "tenant_id,workload,date,active_users\n"
                      "T3,EXO,2024-01-31,\n"
                      "T3,EXO,2024-01-31,4\n",
                      &stats);
    assert_int_equal(stats.accepted, 1);
    assert_int_equal(stats.rejected, 1);
    done(fx);
}

static void test_extract__duplicate_across_files_first_wins(void **state)
{
    struct fixture *fx = *state;
    struct extract_stats stats;
    extract_ok(fx, EXTRACT_CUSTOMERS, customers_text, &stats);
    const char *path = extract_ok(fx, EXTRACT_CUSTOMERS,
                                  "tenant_id,customer_name,region\n"
                                  "T3,Third,APAC\nT1,Other,NA\n",
                                  &stats);
    assert_int_equal(stats.accepted, 1);
    expect_reject(fx, path, 3, "", REJECT_DUPLICATE_KEY);
    assert_int_equal(store_customers_done(&fx->st), FTK_OK);
    extract_ok(fx, EXTRACT_ENTITLEMENTS, entitlements_text, &stats);
    store_entitlements_done(&fx->st);

    extract_ok(fx, EXTRACT_USAGE,
               "tenant_id,workload,date,active_users\n"
               "T1,EXO,2024-01-31,10\n",
               &stats);
    assert_int_equal(stats.accepted, 1);
    path = extract_ok(fx, EXTRACT_USAGE,
                      "tenant_id,workload,date,active_users\n"
                      "T1,Exchange,2024-01-31,20\n"
                      "T1,Exchange,2024-02-29,30\n",
                      &stats);
    assert_int_equal(stats.accepted, 1);
    expect_reject(fx, path, 2, "", REJECT_DUPLICATE_KEY);
    const struct store_series *s =
        store_series_of(&fx->st, (uint32_t)store_tenant_find(&fx->st, "T1", 2),
                        config_workload_lookup(&fx->cfg, "EXO", 3));
    assert_int_equal(store_month_of(s, 2024 * 12)->ae, 10);
    assert_int_equal(store_month_of(s, 2024 * 12 + 1)->ae, 30);
    done(fx);
}

static void test_extract__optional_values_may_be_empty(void **state)
{
    struct fixture *fx = *state;
    struct extract_stats stats;
    extract_ok(fx, EXTRACT_CUSTOMERS,
               "tenant_id,customer_name,region,seats,priority,fm,"
               "engagement_start,gateway_date,kickoff_date\n"
               "T1,Contoso,NA,,,,,,\n"
               "T2,Fabrikam,EMEA,  ,\"\", , ,\"\",\n"
               "T3,Tailspin,APAC,007,High (overridden),Ana,2024-01-15,"
               "2024-02-01,2024-02-29\n",
               &stats);
    assert_int_equal(stats.accepted, 3);
    const struct store_tenant *t =
        &fx->st.tenant[store_tenant_find(&fx->st, "T2", 2)];
    assert_int_equal(t->seats, -1);
    assert_string_equal(t->priority, "");
    assert_string_equal(t->fm, "");
    assert_int_equal(t->engagement_start, KPI_NO_DATE);
    assert_int_equal(t->kickoff_date, KPI_NO_DATE);
    t = &fx->st.tenant[store_tenant_find(&fx->st, "T3", 2)];
    assert_int_equal(t->seats, 7);
    assert_string_equal(t->priority, "High (overridden)");
    assert_string_equal(t->fm, "Ana");
    assert_int_equal(t->kickoff_date, kpi_date_from_ymd(2024, 2, 29));
    assert_int_equal(t->gateway_date, kpi_date_from_ymd(2024, 2, 1));
    /* optional columns absent from the header altogether */
    extract_ok(fx, EXTRACT_CUSTOMERS,
               "customer_name,tenant_id,region\nNorthwind,T4,LATAM\n", &stats);
    assert_int_equal(stats.accepted, 1);
    t = &fx->st.tenant[store_tenant_find(&fx->st, "T4", 2)];
    assert_int_equal(t->seats, -1);
    assert_string_equal(t->name, "Northwind");
    assert_string_equal(t->region, "LATAM");
    done(fx);
}

static void test_extract__bad_optional_value_rejects(void **state)
{
    struct fixture *fx = *state;
    customer_reject(fx, "T1,Contoso,NA,12a,,,,,", "seats", REJECT_BAD_INTEGER);
    customer_reject(fx, "T1,Contoso,NA,12,,,,,2024-02-30", "kickoff_date",
                    REJECT_BAD_DATE);
    customer_reject(fx, "T1,Contoso,NA,12,,,2024-1-1,,", "engagement_start",
                    REJECT_BAD_DATE);
    assert_int_equal(store_tenant_find(&fx->st, "T1", 2), -1);
    done(fx);
}

static void test_extract__read_is_accepted_plus_rejected(void **state)
{
    struct fixture *fx = *state;
    load_base(fx, true);
    struct extract_stats stats;
    extract_ok(fx, EXTRACT_USAGE,
               "\n  \ntenant_id,workload,date,active_users\n"
               "T1,EXO,2024-01-31,1\n"
               "\n"
               "T1,EXO,2024-01-31,1\n"
               "T2,NOPE,2024-01-31,1\n"
               "   \t\n"
               "T2,SPO,2024-01-31,\"1\n0\"\n"
               "T2,SPO,2024-02-29,3\n"
               "T2,SPO\n",
               &stats);
    assert_int_equal(stats.read, 6);
    assert_int_equal(stats.accepted, 2);
    assert_int_equal(stats.rejected, 4);
    assert_int_equal(stats.by_reason[REJECT_DUPLICATE_KEY], 1);
    assert_int_equal(stats.by_reason[REJECT_UNKNOWN_WORKLOAD], 1);
    assert_int_equal(stats.by_reason[REJECT_BAD_INTEGER], 1);
    assert_int_equal(stats.by_reason[REJECT_FIELD_COUNT], 1);
    /* the reject log counts the same */
    assert_int_equal(fx->rj.total, 4);
    /* a multi-line record is rejected at its first line, and the next
     * record's line accounts for it */
    expect_reject(fx, fx->path[fx->n_files - 1], 9, "active_users",
                  REJECT_BAD_INTEGER);
    expect_reject(fx, fx->path[fx->n_files - 1], 12, "", REJECT_FIELD_COUNT);
    done(fx);
}

static void test_extract__header_only_reads_nothing(void **state)
{
    struct fixture *fx = *state;
    struct extract_stats stats;
    extract_ok(fx, EXTRACT_CUSTOMERS, "tenant_id,customer_name,region\n",
               &stats);
    assert_int_equal(stats.read, 0);
    assert_int_equal(stats.accepted, 0);
    done(fx);
}

static void test_extract__stats_bytes_and_sha256(void **state)
{
    struct fixture *fx = *state;
    struct extract_stats stats;
    const char *path =
        extract_ok(fx, EXTRACT_CUSTOMERS, customers_text, &stats);
    assert_ptr_equal(stats.path, path);
    assert_int_equal(stats.kind, EXTRACT_CUSTOMERS);
    assert_int_equal(stats.bytes, strlen(customers_text));
    /* sha256sum of customers_text */
    const char *want =
        "9b8e176d5a3e96bbfcd22c0547d00fae8a42aa8d1afc060c985c3dea5868274a";
    assert_string_equal(stats.sha256, want);
    done(fx);
}

static void test_extract__over_threshold_at_the_edge(void **state)
{
    struct fixture *fx = *state;
    kpi_pct pct = fx->cfg.max_reject_pct;
    assert_int_equal(pct, KPI_PCT(1));
    struct extract_stats stats = {.read = 100, .rejected = 1};
    assert_false(extract_over_threshold(&stats, pct));
    stats.rejected = 2;
    assert_true(extract_over_threshold(&stats, pct));
    stats = (struct extract_stats){.read = 0, .rejected = 0};
    assert_false(extract_over_threshold(&stats, pct));
    stats = (struct extract_stats){.read = 1, .rejected = 1};
    assert_false(extract_over_threshold(&stats, KPI_PCT(100)));
    assert_true(extract_over_threshold(&stats, KPI_PCT(99)));
    /* a fraction of a percent: 1 of 200 is exactly 0.5 % */
    stats = (struct extract_stats){.read = 200, .rejected = 1};
    assert_false(extract_over_threshold(&stats, 5000));
    assert_true(extract_over_threshold(&stats, 4999));
    stats = (struct extract_stats){.read = 1, .rejected = 0};
    assert_false(extract_over_threshold(&stats, 0));
    stats.rejected = 1;
    assert_true(extract_over_threshold(&stats, 0));
    /* huge counts do not overflow */
    stats = (struct extract_stats){.read = UINT64_MAX / 2,
                                   .rejected = UINT64_MAX / 200};
    assert_false(extract_over_threshold(&stats, KPI_PCT(1)));

    /* and through a file: 100 rows, 1 rejected, then 2 */
    load_base(fx, true);
    size_t cap = 64 + 100 * 32;
    char *text = test_malloc(cap);
    for (int bad = 1; bad <= 2; bad++) {
        size_t used = (size_t)snprintf(text, cap,
                                       "tenant_id,workload,date,"
                                       "active_users\n");
        for (int i = 0; i < 100; i++) {
            int32_t d = kpi_date_from_ymd(2020 + bad, 1, 1) + i;
            char day[11];
            kpi_date_format(d, day);
            used += (size_t)snprintf(text + used, cap - used, "T1,EXO,%s,%s\n",
                                     day, i < bad ? "x" : "5");
        }
        extract_ok(fx, EXTRACT_USAGE, text, &stats);
        assert_int_equal(stats.read, 100);
        assert_int_equal(stats.rejected, (uint64_t)bad);
        assert_int_equal(extract_over_threshold(&stats, pct), bad == 2);
    }
    test_free(text);
    done(fx);
}

static void test_extract__missing_required_column(void **state)
{
    struct fixture *fx = *state;
    struct ftk_diag diag = {{0}};
    static const char text[] = "\n tenant_id ,customer_name,Region2\n"
                               "T1,Contoso,NA\n";
    const char *path =
        extract_fails(fx, EXTRACT_CUSTOMERS, text, sizeof(text) - 1, &diag);
    char want[512];
    snprintf(want, sizeof(want),
             "%s:2: missing required column 'region'; the header has: "
             "tenant_id, customer_name, Region2",
             path);
    assert_string_equal(diag.msg, want);
    /* the header of a usage file without active_users */
    static const char usage[] = "tenant_id,workload,date,users\n";
    path = extract_fails(fx, EXTRACT_USAGE, usage, sizeof(usage) - 1, &diag);
    snprintf(want, sizeof(want), "%s:1: missing required column", path);
    assert_non_null(strstr(diag.msg, want));
    assert_non_null(strstr(diag.msg, "'active_users'"));
    done(fx);
}

static void test_extract__column_named_twice(void **state)
{
    struct fixture *fx = *state;
    struct ftk_diag diag = {{0}};
    static const char text[] = "tenant_id,customer_name,region, Customer_Name "
                               "\nT1,Contoso,NA,Other\n";
    const char *path =
        extract_fails(fx, EXTRACT_CUSTOMERS, text, sizeof(text) - 1, &diag);
    char want[512];
    snprintf(want, sizeof(want),
             "%s:1:4: column 'customer_name' appears twice in the header "
             "(columns 2 and 4)",
             path);
    assert_non_null(strstr(diag.msg, want));
    /* an unrecognised column twice is fine */
    struct extract_stats stats;
    extract_ok(fx, EXTRACT_CUSTOMERS,
               "x,tenant_id,customer_name,x,region\n1,T1,Contoso,2,NA\n",
               &stats);
    assert_int_equal(stats.accepted, 1);
    done(fx);
}

static void test_extract__header_names_case_and_spaces(void **state)
{
    struct fixture *fx = *state;
    struct extract_stats stats;
    extract_ok(fx, EXTRACT_CUSTOMERS,
               "\xEF\xBB\xBF TENANT_ID ,\"  Customer_Name\t\",Region\r\n"
               "T1,Contoso,NA\r\n",
               &stats);
    assert_int_equal(stats.accepted, 1);
    assert_string_equal(fx->st.tenant[store_tenant_find(&fx->st, "T1", 2)].name,
                        "Contoso");
    done(fx);
}

static void test_extract__extra_columns_ignored(void **state)
{
    struct fixture *fx = *state;
    struct extract_stats stats;
    char text[6000];
    int n = snprintf(text, sizeof(text),
                     "notes2,tenant_id,customer_name,region,blob\n"
                     "\xFF\xFE,T1,Contoso,NA,");
    memset(text + n, 'b', 5000);
    snprintf(text + n + 5000, sizeof(text) - (size_t)n - 5000, "\n");
    extract_ok(fx, EXTRACT_CUSTOMERS, text, &stats);
    assert_int_equal(stats.accepted, 1);
    done(fx);
}

static void test_extract__empty_file_is_an_error(void **state)
{
    struct fixture *fx = *state;
    struct ftk_diag diag = {{0}};
    const char *path = extract_fails(fx, EXTRACT_USAGE, "", 0, &diag);
    char want[256];
    snprintf(want, sizeof(want), "%s: empty file", path);
    assert_non_null(strstr(diag.msg, want));
    extract_fails(fx, EXTRACT_USAGE, "\n \r\n\t\n", 6, &diag);
    assert_non_null(strstr(diag.msg, "empty file"));
    done(fx);
}

static void test_extract__csv_syntax_error_is_a_file_error(void **state)
{
    struct fixture *fx = *state;
    struct ftk_diag diag = {{0}};
    static const char text[] = "tenant_id,customer_name,region\n"
                               "T1,Contoso,NA\nT2,Fab\"rikam,NA\n";
    const char *path =
        extract_fails(fx, EXTRACT_CUSTOMERS, text, sizeof(text) - 1, &diag);
    char want[256];
    snprintf(want, sizeof(want), "%s:3:7: csv syntax error", path);
    assert_non_null(strstr(diag.msg, want));
    done(fx);
}

static void test_extract__tenant_id_of_64_and_65_bytes(void **state)
{
    struct fixture *fx = *state;
    char text[512];
    char id[80];
    memset(id, 'a', 64);
    id[64] = '\0';
    snprintf(text, sizeof(text),
             "tenant_id,customer_name,region\n%s,Contoso,NA\n", id);
    struct extract_stats stats;
    extract_ok(fx, EXTRACT_CUSTOMERS, text, &stats);
    assert_int_equal(stats.accepted, 1);
    assert_true(store_tenant_find(&fx->st, id, 64) >= 0);

    memset(id, 'b', 65);
    id[65] = '\0';
    snprintf(text, sizeof(text),
             "tenant_id,customer_name,region\n%s,Contoso,NA\n", id);
    one_reject(fx, EXTRACT_CUSTOMERS, text, 2, "tenant_id",
               REJECT_FIELD_TOO_LONG);

    /* bytes, not characters: 32 x U+00E9 is 64 bytes, 33 is 66 */
    id[0] = '\0';
    for (int i = 0; i < 32; i++)
        strcat(id, "\xC3\xA9");
    snprintf(text, sizeof(text),
             "tenant_id,customer_name,region\n%s,Contoso,NA\n", id);
    extract_ok(fx, EXTRACT_CUSTOMERS, text, &stats);
    assert_int_equal(stats.accepted, 1);
    strcat(id, "\xC3\xA9");
    snprintf(text, sizeof(text),
             "tenant_id,customer_name,region\n%s,Contoso,NA\n", id);
    one_reject(fx, EXTRACT_CUSTOMERS, text, 2, "tenant_id",
               REJECT_FIELD_TOO_LONG);
    done(fx);
}

static void test_extract__field_of_4096_and_4097_bytes(void **state)
{
    struct fixture *fx = *state;
    char text[5000];
    int n = snprintf(text, sizeof(text), "tenant_id,customer_name,region\nT1,");
    memset(text + n, 'n', 4096);
    snprintf(text + n + 4096, sizeof(text) - (size_t)n - 4096, ",NA\n");
    struct extract_stats stats;
    extract_ok(fx, EXTRACT_CUSTOMERS, text, &stats);
    assert_int_equal(stats.accepted, 1);
    assert_int_equal(
        strlen(fx->st.tenant[store_tenant_find(&fx->st, "T1", 2)].name), 4096);

    n = snprintf(text, sizeof(text), "tenant_id,customer_name,region\nT2,");
    memset(text + n, 'n', 4097);
    snprintf(text + n + 4097, sizeof(text) - (size_t)n - 4097, ",NA\n");
    one_reject(fx, EXTRACT_CUSTOMERS, text, 2, "customer_name",
               REJECT_FIELD_TOO_LONG);
    done(fx);
}

static void test_extract__gzip_file_is_read(void **state)
{
    struct fixture *fx = *state;
    char path[160];
    snprintf(path, sizeof(path), "%s/customers.csv.gz", fx->dir);
    gzFile gz = gzopen(path, "wb");
    assert_non_null(gz);
    assert_int_equal(gzputs(gz, customers_text), (int)strlen(customers_text));
    assert_int_equal(gzclose(gz), Z_OK);
    struct extract_stats stats;
    struct ftk_diag diag = {{0}};
    assert_int_equal(
        extract_file(&fx->st, &fx->rj, EXTRACT_CUSTOMERS, path, &stats, &diag),
        FTK_OK);
    assert_int_equal(stats.accepted, 2);
    assert_true(stats.bytes > 0 && stats.bytes != strlen(customers_text));
    done(fx);
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_extract__wrong_field_count),
        T(test_extract__invalid_utf8),
        T(test_extract__field_too_long),
        T(test_extract__missing_value),
        T(test_extract__bad_integer),
        T(test_extract__latest_snapshot_per_file),
        T(test_extract__integers_at_the_edges),
        T(test_extract__many_leading_zeros),
        T(test_extract__bad_date),
        T(test_extract__unknown_workload),
        T(test_extract__unknown_tenant),
        T(test_extract__duplicate_key),
        T(test_extract__field_count_beats_everything),
        T(test_extract__utf8_in_earlier_column_beats_bad_integer),
        T(test_extract__field_too_long_beats_missing),
        T(test_extract__invalid_utf8_before_too_long_in_a_column),
        T(test_extract__column_checks_before_key_checks),
        T(test_extract__unknown_workload_tenant_duplicate_order),
        T(test_extract__rejected_row_is_no_key),
        T(test_extract__duplicate_across_files_first_wins),
        T(test_extract__optional_values_may_be_empty),
        T(test_extract__bad_optional_value_rejects),
        T(test_extract__read_is_accepted_plus_rejected),
        T(test_extract__header_only_reads_nothing),
        T(test_extract__stats_bytes_and_sha256),
        T(test_extract__over_threshold_at_the_edge),
        T(test_extract__missing_required_column),
        T(test_extract__column_named_twice),
        T(test_extract__header_names_case_and_spaces),
        T(test_extract__extra_columns_ignored),
        T(test_extract__empty_file_is_an_error),
        T(test_extract__csv_syntax_error_is_a_file_error),
        T(test_extract__tenant_id_of_64_and_65_bytes),
        T(test_extract__field_of_4096_and_4097_bytes),
        T(test_extract__gzip_file_is_read),
    };
#undef T
    return cmocka_run_group_tests(tests, NULL, NULL);
}
