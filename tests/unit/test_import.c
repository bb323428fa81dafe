/*
 * tests/unit/test_import.c - `ftkpi import m365` (pipeline/import/,
 * docs/import.md): report recognition by header, booleans, periods, the
 * 28-day window at its edges and across month and year ends, the readers'
 * row accounting, the tally (detail preferred, a second report an error,
 * the order of rows), the extract writers and tenant folder names.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "kpi/date.h"
#include "pipeline/import/m365_extracts.h"
#include "pipeline/import/m365_reader.h"
#include "pipeline/import/m365_report.h"
#include "pipeline/import/m365_scan.h"
#include "pipeline/import/m365_tally.h"
#include "tests/unit/scratch.h"

/* As Microsoft writes them (Graph v1.0 reference, docs/import.md). */
#define DETAIL                                                                 \
    "Report Refresh Date,User Principal Name,Display Name,Is Deleted,"         \
    "Deleted Date,Has Exchange License,Has OneDrive License,"                  \
    "Has SharePoint License,Has Skype For Business License,"                   \
    "Has Yammer License,Has Teams License,Exchange Last Activity Date,"        \
    "OneDrive Last Activity Date,SharePoint Last Activity Date,"               \
    "Skype For Business Last Activity Date,Yammer Last Activity Date,"         \
    "Teams Last Activity Date,Exchange License Assign Date,"                   \
    "OneDrive License Assign Date,SharePoint License Assign Date,"             \
    "Skype For Business License Assign Date,Yammer License Assign Date,"       \
    "Teams License Assign Date,Assigned Products"
#define COUNTS                                                                 \
    "Report Refresh Date,Exchange Active,Exchange Inactive,OneDrive Active,"   \
    "OneDrive Inactive,SharePoint Active,SharePoint Inactive,"                 \
    "Skype For Business Active,Skype For Business Inactive,Yammer Active,"     \
    "Yammer Inactive,Teams Active,Teams Inactive,Office 365 Active,"           \
    "Office 365 Inactive,Report Period"

enum { EXO, OD, SPO, YAM, TEAMS };

struct fixture {
    char dir[64];
    char path[16][128];
    int n;
    struct rejects rj;
    FILE *out; /* rejects.csv */
};

static int setup(void **state)
{
    struct fixture *fx = test_calloc(1, sizeof(*fx));
    if (!scratch_make(fx->dir, sizeof(fx->dir), "test_import"))
        return -1;
    fx->out = tmpfile();
    if (!fx->out)
        return -1;
    rejects_init(&fx->rj, fx->out);
    *state = fx;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *fx = *state;
    fclose(fx->out);
    scratch_remove(fx->dir);
    test_free(fx);
    return 0;
}

static const char *write_report(struct fixture *fx, const char *text)
{
    char *path = fx->path[fx->n];
    char dir[sizeof(fx->dir)];
    memcpy(dir, fx->dir, sizeof(dir));
    snprintf(path, sizeof(fx->path[0]), "%s/r%d.csv", dir, fx->n++);
    scratch_write_text(path, text);
    return path;
}

/* Reads text as a report, which must not fail; checks the accounting. */
static void read_ok(struct fixture *fx, const char *text, struct m365_file *f)
{
    struct ftk_diag diag = {{0}};
    const char *path = write_report(fx, text);
    if (m365_reader_read(path, &fx->rj, f, &diag) != FTK_OK)
        fail_msg("m365_reader_read: %s", diag.msg);
    assert_int_equal(f->read, f->accepted + f->rejected);
    uint64_t sum = 0;
    for (int r = 0; r < REJECT_COUNT; r++)
        sum += f->by_reason[r];
    assert_int_equal(sum, f->rejected);
}

static enum ftk_error read_fails(struct fixture *fx, const char *text,
                                 struct ftk_diag *diag)
{
    struct m365_file f;
    return m365_reader_read(write_report(fx, text), &fx->rj, &f, diag);
}

/* A detail row of a user with every licence but Skype for Business, and
 * these last activity dates (EXO, OD, SPO, YAM, TEAMS; "" for none). */
static void detail_row(char *out, size_t cap, const char *refresh,
                       const char *upn, const char *deleted,
                       const char *const last[5])
{
    snprintf(out, cap,
             "%s,%s,Name,%s,,True,True,True,False,True,True,%s,%s,%s,,%s,%s,"
             ",,,,,,E3\r\n",
             refresh, upn, deleted, last[EXO], last[OD], last[SPO], last[YAM],
             last[TEAMS]);
}

static struct csv_record header_of(const char *text, const char **fields,
                                   size_t *lens, size_t max)
{
    /* splits a header at commas: enough for recognition */
    static char buf[2048];
    snprintf(buf, sizeof(buf), "%s", text);
    size_t n = 0;
    char *p = buf;
    for (;;) {
        char *comma = strchr(p, ',');
        if (comma)
            *comma = '\0';
        assert_true(n < max);
        fields[n] = p;
        lens[n] = strlen(p);
        n++;
        if (!comma)
            break;
        p = comma + 1;
    }
    struct csv_record rec = {.n_fields = n,
                             .field = fields,
                             .len = lens,
                             .line = 1,
                             .raw = text,
                             .raw_len = strlen(text)};
    return rec;
}

static enum ftk_error recognise(const char *text, struct m365_header *h,
                                struct ftk_diag *diag)
{
    const char *fields[64];
    size_t lens[64];
    struct csv_record rec = header_of(text, fields, lens, 64);
    return m365_report_recognise(&rec, "r.csv", h, diag);
}

static void test_import__recognises_detail_and_counts(void **state)
{
    (void)state;
    struct m365_header h;
    struct ftk_diag diag = {{0}};
    assert_int_equal(recognise(DETAIL, &h, &diag), FTK_OK);
    assert_int_equal(h.kind, M365_DETAIL);
    assert_int_equal(h.map[M365_COL_REFRESH], 0);
    assert_int_equal(h.map[M365_COL_UPN], 1);
    assert_int_equal(h.map[M365_COL_LICENSE + TEAMS], 10);
    assert_int_equal(h.map[M365_COL_ACTIVITY + YAM], 15);
    assert_int_equal(h.map[M365_COL_PERIOD], -1);
    assert_int_equal(recognise(COUNTS, &h, &diag), FTK_OK);
    assert_int_equal(h.kind, M365_COUNTS);
    assert_int_equal(h.map[M365_COL_ACTIVE + EXO], 1);
    assert_int_equal(h.map[M365_COL_INACTIVE + TEAMS], 12);
    assert_int_equal(h.map[M365_COL_PERIOD], 15);
}

static void test_import__names_match_in_any_case_order_and_spacing(void **state)
{
    (void)state;
    struct m365_header h;
    struct ftk_diag diag = {{0}};
    assert_int_equal(
        recognise("report period , TEAMS INACTIVE,teams active,Yammer "
                  "Inactive,Yammer Active,SharePoint Inactive,SharePoint "
                  "Active,OneDrive Inactive,OneDrive Active,Exchange "
                  "Inactive,Exchange Active,Extra, Report Refresh Date",
                  &h, &diag),
        FTK_OK);
    assert_int_equal(h.kind, M365_COUNTS);
    assert_int_equal(h.map[M365_COL_REFRESH], 12);
    assert_int_equal(h.map[M365_COL_PERIOD], 0);
}

static void test_import__other_reports_are_unknown(void **state)
{
    (void)state;
    struct m365_header h;
    struct ftk_diag diag = {{0}};
    /* Teams user activity detail: Is Deleted, Report Period, but none of
     * the columns only the two reports have */
    assert_int_equal(
        recognise("Report Refresh Date,User Id,User Principal Name,Last "
                  "Activity Date,Is Deleted,Deleted Date,Assigned "
                  "Products,Team Chat Message Count,Report Period",
                  &h, &diag),
        FTK_OK);
    assert_int_equal(h.kind, M365_UNKNOWN);
    assert_int_equal(
        recognise("tenant_id,workload,date,active_users", &h, &diag), FTK_OK);
    assert_int_equal(h.kind, M365_UNKNOWN);
}

static void test_import__partial_header_is_a_file_error(void **state)
{
    (void)state;
    struct m365_header h;
    struct ftk_diag diag = {{0}};
    assert_int_equal(recognise("Report Refresh Date,Is Deleted,Has Exchange "
                               "License,Exchange Last Activity Date",
                               &h, &diag),
                     FTK_E_DATA);
    assert_non_null(strstr(diag.msg, "without the column 'Has OneDrive "
                                     "License'"));
    /* the counts report without its period */
    char text[1024];
    snprintf(text, sizeof(text), "%s", COUNTS);
    *strrchr(text, ',') = '\0';
    assert_int_equal(recognise(text, &h, &diag), FTK_E_DATA);
    assert_non_null(strstr(diag.msg, "'Report Period'"));
    /* the user name is optional */
    assert_int_equal(
        recognise("Report Refresh Date,Is Deleted,Has Exchange License,Has "
                  "OneDrive License,Has SharePoint License,Has Yammer "
                  "License,Has Teams License,Exchange Last Activity Date,"
                  "OneDrive Last Activity Date,SharePoint Last Activity "
                  "Date,Yammer Last Activity Date,Teams Last Activity Date",
                  &h, &diag),
        FTK_OK);
    assert_int_equal(h.kind, M365_DETAIL);
    assert_int_equal(h.map[M365_COL_UPN], -1);
}

static void test_import__both_kinds_or_twice_is_a_file_error(void **state)
{
    (void)state;
    struct m365_header h;
    struct ftk_diag diag = {{0}};
    assert_int_equal(recognise(DETAIL ",Exchange Active", &h, &diag),
                     FTK_E_DATA);
    assert_non_null(strstr(diag.msg, "both reports"));
    assert_int_equal(recognise(DETAIL ",HAS TEAMS LICENSE", &h, &diag),
                     FTK_E_DATA);
    assert_non_null(strstr(diag.msg, "r.csv:1:25: column 'Has Teams "
                                     "License' appears twice"));
}

static void test_import__booleans(void **state)
{
    (void)state;
    bool b = false;
    assert_true(m365_report_bool("True", 4, &b) && b);
    assert_true(m365_report_bool("FALSE", 5, &b) && !b);
    assert_true(m365_report_bool("tRuE", 4, &b) && b);
    assert_false(m365_report_bool("Yes", 3, &b));
    assert_false(m365_report_bool("1", 1, &b));
    assert_false(m365_report_bool("", 0, &b));
    assert_false(m365_report_bool("Truee", 5, &b));
    assert_false(m365_report_bool("Tru", 3, &b));
}

static void test_import__periods(void **state)
{
    (void)state;
    int d = 0;
    assert_true(m365_report_period("7", 1, &d) && d == 7);
    assert_true(m365_report_period("30", 2, &d) && d == 30);
    assert_true(m365_report_period("90", 2, &d) && d == 90);
    assert_true(m365_report_period("180", 3, &d) && d == 180);
    assert_true(m365_report_period("D30", 3, &d) && d == 30);
    assert_true(m365_report_period("d7", 2, &d) && d == 7);
    assert_false(m365_report_period("28", 2, &d));
    assert_false(m365_report_period("030", 3, &d));
    assert_false(m365_report_period("D", 1, &d));
    assert_false(m365_report_period("", 0, &d));
}

static int32_t day(const char *s)
{
    int32_t d;
    assert_true(kpi_date_parse(s, strlen(s), &d));
    return d;
}

/* d - 27 counts, d - 28 does not, d counts, d + 1 does not. */
static void window_edges(const char *refresh, const char *d27, const char *d28,
                         const char *d1)
{
    int32_t d = day(refresh);
    assert_int_equal(day(d27), d - 27);
    assert_int_equal(day(d28), d - 28);
    assert_int_equal(day(d1), d + 1);
    assert_true(m365_report_in_window(day(d27), d));
    assert_false(m365_report_in_window(day(d28), d));
    assert_true(m365_report_in_window(d, d));
    assert_false(m365_report_in_window(day(d1), d));
}

static void test_import__window_edges_across_month_and_year_ends(void **state)
{
    (void)state;
    window_edges("2026-01-31", "2026-01-04", "2026-01-03", "2026-02-01");
    window_edges("2026-03-01", "2026-02-02", "2026-02-01", "2026-03-02");
    window_edges("2024-03-01", "2024-02-03", "2024-02-02", "2024-03-02");
    window_edges("2026-01-10", "2025-12-14", "2025-12-13", "2026-01-11");
    window_edges("2025-12-31", "2025-12-04", "2025-12-03", "2026-01-01");
}

/* Through the reader: users last active on d - 28, d - 27, d and d + 1
 * of a refresh date whose window spans a year end. */
static void test_import__detail_counts_the_window_exactly(void **state)
{
    struct fixture *fx = *state;
    char text[4096], row[512];
    snprintf(text, sizeof(text), "\xEF\xBB\xBF%s\r\n", DETAIL);
    static const char *const rows[][5] = {
        /* EXO, OD, SPO, YAM, TEAMS */
        {"2025-12-13", "2025-12-14", "2026-01-10", "", "2025-01-01"},
        {"2025-12-14", "", "2025-12-13", "2026-01-10", "2026-01-09"},
    };
    for (size_t i = 0; i < 2; i++) {
        char upn[16];
        snprintf(upn, sizeof(upn), "u%zu@x.com", i);
        detail_row(row, sizeof(row), "2026-01-10", upn, "False", rows[i]);
        strcat(text, row);
    }
    /* a deleted user, active: counts nowhere */
    static const char *const all[5] = {"2026-01-10", "2026-01-10", "2026-01-10",
                                       "2026-01-10", "2026-01-10"};
    detail_row(row, sizeof(row), "2026-01-10", "gone@x.com", "True", all);
    strcat(text, row);
    /* d + 1: rejected, whatever its other dates */
    static const char *const late[5] = {"2026-01-10", "", "", "", "2026-01-11"};
    detail_row(row, sizeof(row), "2026-01-10", "late@x.com", "False", late);
    strcat(text, row);
    struct m365_file f;
    read_ok(fx, text, &f);
    assert_int_equal(f.kind, M365_DETAIL);
    assert_int_equal(f.refresh_date, day("2026-01-10"));
    assert_int_equal(f.read, 4);
    assert_int_equal(f.accepted, 3);
    assert_int_equal(f.by_reason[REJECT_ACTIVITY_AFTER_REFRESH], 1);
    for (int w = 0; w < 5; w++)
        assert_int_equal(f.qe[w], 2);
    assert_int_equal(f.ae[EXO], 1);   /* d-27 yes, d-28 no */
    assert_int_equal(f.ae[OD], 1);    /* d-27 yes, never no */
    assert_int_equal(f.ae[SPO], 1);   /* d yes, d-28 no */
    assert_int_equal(f.ae[YAM], 1);   /* never no, d yes */
    assert_int_equal(f.ae[TEAMS], 1); /* long ago no, d-1 yes */
}

static void test_import__detail_licences_and_deleted(void **state)
{
    struct fixture *fx = *state;
    struct m365_file f;
    read_ok(fx,
            DETAIL "\n"
                   /* licensed for EXO only, active in OD: OD not counted */
                   "2026-03-31,a,A,False,,True,False,False,False,False,False,"
                   "2026-03-30,2026-03-30,,,,,,,,,,,E3\n"
                   /* deleted: neither QE nor AE */
                   "2026-03-31,b,B,TRUE,2026-03-01,True,True,False,False,"
                   "False,False,2026-03-30,,,,,,,,,,,,E3\n"
                   /* empty name: never a duplicate */
                   "2026-03-31,,C,false,,true,FALSE,False,False,False,False,"
                   ",,,,,,,,,,,,\n"
                   "2026-03-31,,D,false,,true,FALSE,False,False,False,False,"
                   "2026-03-04,,,,,,,,,,,,\n",
            &f);
    assert_int_equal(f.accepted, 4);
    assert_int_equal(f.qe[EXO], 3);
    assert_int_equal(f.ae[EXO], 2); /* a, and D on d - 27 */
    assert_int_equal(f.qe[OD], 0);
    assert_int_equal(f.ae[OD], 0);
}

static void test_import__detail_rejects_in_order(void **state)
{
    struct fixture *fx = *state;
    struct m365_file f;
    read_ok(fx,
            DETAIL "\n"
                   "2026-03-31,a,A,False,,True,False,False,False,False,False,"
                   ",,,,,,,,,,,,E3\n"
                   /* bad boolean and bad date: the boolean comes first */
                   "2026-03-31,b,B,False,,Yes,False,False,False,False,False,"
                   "2026-02-30,,,,,,,,,,,,E3\n"
                   /* a bad date beats a refresh date that differs */
                   "2026-03-30,c,C,False,,True,False,False,False,False,False,"
                   "x,,,,,,,,,,,,E3\n"
                   /* differs, beats a date after it */
                   "2026-03-30,d,D,False,,True,False,False,False,False,False,"
                   "2026-04-01,,,,,,,,,,,,E3\n"
                   /* a date after the refresh date beats a duplicate */
                   "2026-03-31,A,A,False,,True,False,False,False,False,False,"
                   "2026-04-01,,,,,,,,,,,,E3\n"
                   /* the user of line 2, its name in another case */
                   "2026-03-31,A,A,False,,True,False,False,False,False,False,"
                   ",,,,,,,,,,,,E3\n"
                   "2026-03-31,short\n",
            &f);
    assert_int_equal(f.read, 7);
    assert_int_equal(f.accepted, 1);
    assert_int_equal(f.by_reason[REJECT_BAD_BOOLEAN], 1);
    assert_int_equal(f.by_reason[REJECT_BAD_DATE], 1);
    assert_int_equal(f.by_reason[REJECT_REFRESH_DATE_DIFFERS], 1);
    assert_int_equal(f.by_reason[REJECT_ACTIVITY_AFTER_REFRESH], 1);
    assert_int_equal(f.by_reason[REJECT_DUPLICATE_KEY], 1);
    assert_int_equal(f.by_reason[REJECT_FIELD_COUNT], 1);
    assert_int_equal(f.qe[EXO], 1);
}

static void test_import__many_users_in_the_name_set(void **state)
{
    struct fixture *fx = *state;
    size_t cap = 3000 * 80 + 1024;
    char *text = test_malloc(cap);
    size_t used = (size_t)snprintf(text, cap, "%s\n", DETAIL);
    for (int i = 0; i < 3000; i++)
        used += (size_t)snprintf(text + used, cap - used,
                                 "2026-03-31,user%d,,False,,True,False,False,"
                                 "False,False,False,,,,,,,,,,,,,\n",
                                 i % 2500);
    struct m365_file f;
    read_ok(fx, text, &f);
    test_free(text);
    assert_int_equal(f.accepted, 2500);
    assert_int_equal(f.by_reason[REJECT_DUPLICATE_KEY], 500);
    assert_int_equal(f.qe[EXO], 2500);
}

static void test_import__counts_rows(void **state)
{
    struct fixture *fx = *state;
    struct m365_file f;
    read_ok(fx,
            COUNTS "\n"
                   "2026-03-31,5,5,5,5,5,5,0,0,5,5,5,5,5,5,28\n"
                   "2026-03-31,40,60,1,2,3,4,0,0,5,6,7,8,9,9,D30\n"
                   "2026-03-31,40,60,1,2,3,4,0,0,5,6,7,8,9,9,30\n"
                   "2026-03-31,2000000000,1,1,2,3,4,0,0,5,6,7,8,9,9,30\n"
                   "2026-03-30,40,60,1,2,3,4,0,0,5,6,7,8,9,9,30\n",
            &f);
    assert_int_equal(f.kind, M365_COUNTS);
    assert_int_equal(f.accepted, 1);
    assert_int_equal(f.by_reason[REJECT_BAD_PERIOD], 1);
    assert_int_equal(f.by_reason[REJECT_DUPLICATE_KEY], 1);
    assert_int_equal(f.by_reason[REJECT_BAD_INTEGER], 1);
    assert_int_equal(f.by_reason[REJECT_REFRESH_DATE_DIFFERS], 1);
    assert_int_equal(f.period, 30);
    assert_int_equal(f.ae[EXO], 40);
    assert_int_equal(f.qe[EXO], 100);
    assert_int_equal(f.qe[TEAMS], 15);
    assert_int_equal(f.ae[YAM], 5);
}

static void test_import__malformed_reports_are_file_errors(void **state)
{
    struct fixture *fx = *state;
    struct ftk_diag diag = {{0}};
    assert_int_equal(read_fails(fx, "", &diag), FTK_E_DATA);
    assert_non_null(strstr(diag.msg, "empty file"));
    assert_int_equal(read_fails(fx, COUNTS "\n\"2026-03-31,1\n", &diag),
                     FTK_E_DATA);
    struct m365_file f;
    assert_int_equal(m365_reader_read("/nonexistent/r.csv", &fx->rj, &f, &diag),
                     FTK_E_NOINPUT);
}

static void test_import__header_only_gives_no_date(void **state)
{
    struct fixture *fx = *state;
    struct m365_file f;
    read_ok(fx, DETAIL "\n", &f);
    assert_int_equal(f.read, 0);
    assert_int_equal(f.refresh_date, KPI_NO_DATE);
}

static struct m365_file file_of(enum m365_kind kind, const char *date,
                                uint32_t qe, const char *path)
{
    struct m365_file f;
    memset(&f, 0, sizeof(f));
    f.path = path;
    f.kind = kind;
    f.refresh_date = day(date);
    f.period = kind == M365_COUNTS ? 30 : 0;
    for (int w = 0; w < M365_WORKLOADS; w++) {
        f.qe[w] = qe;
        f.ae[w] = qe / 2;
    }
    return f;
}

static void test_import__tally_prefers_detail_and_sorts(void **state)
{
    (void)state;
    struct m365_tally t;
    memset(&t, 0, sizeof(t));
    struct ftk_diag diag = {{0}};
    struct m365_file f[] = {
        file_of(M365_COUNTS, "2026-03-31", 100, "b/counts.csv"),
        file_of(M365_DETAIL, "2026-03-31", 10, "b/detail.csv"),
        file_of(M365_COUNTS, "2026-02-28", 50, "b/feb.csv"),
        file_of(M365_COUNTS, "2026-03-31", 7, "a/counts.csv"),
    };
    assert_int_equal(m365_tally_add(&t, "b", &f[0], &diag), FTK_OK);
    assert_int_equal(m365_tally_add(&t, "b", &f[1], &diag), FTK_OK);
    assert_int_equal(m365_tally_add(&t, "b", &f[2], &diag), FTK_OK);
    assert_int_equal(m365_tally_add(&t, "a", &f[3], &diag), FTK_OK);
    m365_tally_finish(&t);
    assert_int_equal(t.n_entries, 15);
    /* 2026-02-28 first: b's counts */
    size_t end = m365_tally_date_end(&t, 0);
    assert_int_equal(end, 5);
    assert_int_equal(t.entry[0].qe, 50);
    /* then 2026-03-31: a (counts) before b (detail, its counts dropped) */
    assert_int_equal(m365_tally_date_end(&t, end), 15);
    assert_string_equal(t.entry[5].tenant, "a");
    assert_int_equal(t.entry[5].source, M365_COUNTS);
    assert_string_equal(t.entry[10].tenant, "b");
    for (size_t i = 10; i < 15; i++) {
        assert_int_equal(t.entry[i].source, M365_DETAIL);
        assert_int_equal(t.entry[i].qe, 10);
    }
    /* workloads in code order: EXO, OD, SPO, TEAMS, YAM */
    static const char *const order[] = {"EXO", "OD", "SPO", "TEAMS", "YAM"};
    for (int w = 0; w < 5; w++)
        assert_string_equal(m365_workload_code(t.entry[10 + w].workload),
                            order[w]);
    m365_tally_release(&t);
}

static void test_import__second_report_same_date_is_an_error(void **state)
{
    (void)state;
    struct m365_tally t;
    memset(&t, 0, sizeof(t));
    struct ftk_diag diag = {{0}};
    struct m365_file a = file_of(M365_DETAIL, "2026-03-31", 1, "t/a.csv");
    struct m365_file b = file_of(M365_DETAIL, "2026-03-31", 2, "t/b.csv");
    struct m365_file c = file_of(M365_DETAIL, "2026-03-30", 2, "t/c.csv");
    struct m365_file none = file_of(M365_DETAIL, "2026-03-31", 2, "t/d.csv");
    none.refresh_date = KPI_NO_DATE;
    assert_int_equal(m365_tally_add(&t, "t", &a, &diag), FTK_OK);
    assert_int_equal(m365_tally_add(&t, "t", &c, &diag), FTK_OK);
    assert_int_equal(m365_tally_add(&t, "t", &none, &diag), FTK_OK);
    assert_int_equal(m365_tally_add(&t, "u", &b, &diag), FTK_OK);
    assert_int_equal(m365_tally_add(&t, "u", &a, &diag), FTK_E_DATA);
    assert_non_null(strstr(diag.msg, "t/a.csv: a second active user detail "
                                     "report of tenant u for refresh date "
                                     "2026-03-31 (the first is t/b.csv)"));
    m365_tally_release(&t);
}

static void test_import__extracts_written_as_run_reads_them(void **state)
{
    (void)state;
    struct m365_entry e[] = {
        {.tenant = "=T1",
         .date = day("2026-03-31"),
         .workload = 4,
         .source = M365_DETAIL,
         .qe = 12,
         .ae = 3},
        {.tenant = "T,2",
         .date = day("2026-03-31"),
         .workload = 0,
         .source = M365_COUNTS,
         .period = 7,
         .qe = 200,
         .ae = 55},
    };
    char buf[512];
    FILE *f = tmpfile();
    assert_non_null(f);
    assert_true(m365_extracts_write_usage(f, e, 2));
    rewind(f);
    buf[fread(buf, 1, sizeof(buf) - 1, f)] = '\0';
    fclose(f);
    assert_string_equal(buf, "tenant_id,workload,date,active_users\n"
                             "=T1,TEAMS,2026-03-31,3\n"
                             "\"T,2\",EXO,2026-03-31,55\n");
    f = tmpfile();
    assert_non_null(f);
    assert_true(m365_extracts_write_entitlements(f, e, 2));
    rewind(f);
    buf[fread(buf, 1, sizeof(buf) - 1, f)] = '\0';
    fclose(f);
    assert_string_equal(buf, "tenant_id,workload,as_of,qualified_"
                             "entitlements,enabled_date,status,notes\n"
                             "=T1,TEAMS,2026-03-31,12,,,\n"
                             "\"T,2\",EXO,2026-03-31,200,,,period D7\n");
    char name[40];
    m365_extracts_usage_name(day("2026-03-31"), name);
    assert_string_equal(name, "usage-m365-2026-03-31.csv");
    m365_extracts_entitlements_name(day("2026-03-31"), name);
    assert_string_equal(name, "entitlements-m365-2026-03-31.csv");
}

static void test_import__tenant_folder_names(void **state)
{
    (void)state;
    char id[70];
    memset(id, 'a', sizeof(id));
    assert_true(m365_scan_valid_tenant_id("T1", 2));
    assert_true(m365_scan_valid_tenant_id("6b1c-\xC3\xA9", 7));
    assert_true(m365_scan_valid_tenant_id(id, 64));
    assert_false(m365_scan_valid_tenant_id(id, 65));
    assert_false(m365_scan_valid_tenant_id("", 0));
    assert_false(m365_scan_valid_tenant_id(" T1", 3));
    assert_false(m365_scan_valid_tenant_id("T1\t", 3));
    assert_false(m365_scan_valid_tenant_id("T\n1", 3));
    assert_false(m365_scan_valid_tenant_id("T\xFF", 2));
}

static void test_import__quote_shows_no_control_bytes(void **state)
{
    (void)state;
    char q[200];
    m365_report_quote(q, sizeof(q),
                      "a\x01"
                      "b\xFF\xC3\xA9",
                      6, 40);
    assert_string_equal(q, "'a\\x01b\\xFF\xC3\xA9'");
    m365_report_quote(q, sizeof(q), "abcdef", 6, 3);
    assert_string_equal(q, "'abc...'");
    m365_report_quote(q, 6, "abcdef", 6, 40);
    assert_string_equal(q, "'abcd");
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_import__recognises_detail_and_counts),
        T(test_import__names_match_in_any_case_order_and_spacing),
        T(test_import__other_reports_are_unknown),
        T(test_import__partial_header_is_a_file_error),
        T(test_import__both_kinds_or_twice_is_a_file_error),
        T(test_import__booleans),
        T(test_import__periods),
        T(test_import__window_edges_across_month_and_year_ends),
        T(test_import__detail_counts_the_window_exactly),
        T(test_import__detail_licences_and_deleted),
        T(test_import__detail_rejects_in_order),
        T(test_import__many_users_in_the_name_set),
        T(test_import__counts_rows),
        T(test_import__malformed_reports_are_file_errors),
        T(test_import__header_only_gives_no_date),
        T(test_import__tally_prefers_detail_and_sorts),
        T(test_import__second_report_same_date_is_an_error),
        T(test_import__extracts_written_as_run_reads_them),
        T(test_import__tenant_folder_names),
        T(test_import__quote_shows_no_control_bytes),
    };
#undef T
    return cmocka_run_group_tests(tests, NULL, NULL);
}
