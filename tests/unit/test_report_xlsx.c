/*
 * tests/unit/test_report_xlsx.c - the workbook (pipeline/report/report_xlsx.h):
 * sheets split at a lowered row limit, column widths, cell text sanitised
 * and cut, formula-like text kept as text, no NaN, byte-identical reruns,
 * errors that name the sheet. Workbooks are read back through a small zip
 * reader (zlib's inflate) and checked on their XML parts.
 */
#include <dirent.h>
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/resource.h>
#include <unistd.h>
#include <xlsxwriter.h>
#include <zlib.h>

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "kpi/date.h"
#include "pipeline/fm_books.h"
#include "pipeline/report/report_books.h"
#include "pipeline/report/report_xlsx.h"
#include "pipeline/base/utf8.h"
#include "pipeline/report/xlsx_threads.h"
#include "tests/unit/scratch.h"

#define LONG_NAME 40000

struct fixture {
    char dir[64];
    char path[128];
    struct config cfg;
    struct store st;
    struct rejects rj;
    struct facts facts;
    bool have_facts;
    char *long_name;
};

static int setup(void **state)
{
    struct fixture *fx = test_calloc(1, sizeof(*fx));
    struct ftk_diag diag = {{0}};
    if (!scratch_make(fx->dir, sizeof(fx->dir), "test_report_xlsx") ||
        config_load(&fx->cfg, NULL, &diag) != FTK_OK) {
        test_free(fx);
        return -1;
    }
    snprintf(fx->path, sizeof(fx->path), "%s/kpi.xlsx", fx->dir);
    store_init(&fx->st, &fx->cfg);
    rejects_init(&fx->rj, NULL);
    *state = fx;
    return 0;
}

/* Frees what a test built; cmocka counts a block still held when the
 * test returns as a leak, so each test calls this before it returns. */
static void done(struct fixture *fx)
{
    if (fx->have_facts)
        facts_release(&fx->facts);
    fx->have_facts = false;
    store_release(&fx->st); /* leaves it zeroed: safe twice */
    test_free(fx->long_name);
    fx->long_name = NULL;
}

static int teardown(void **state)
{
    struct fixture *fx = *state;
    done(fx);
    config_release(&fx->cfg);
    scratch_remove(fx->dir);
    test_free(fx);
    return 0;
}

static int32_t day(int y, int m, int d)
{
    return kpi_date_from_ymd(y, m, d);
}

/* Seven customers with EXO (one with QE 0, so no AU), some with names a
 * spreadsheet could take for a formula, a control character (T0, whose
 * name would be a link), an invalid UTF-8 one and one too long for a
 * cell; T0 and T4 to T6 without a kickoff (SLOW_KICKOFF: their lines are
 * on Velocity), T2 without an FM; with aadp, T1 also has AADP, not a core
 * workload; KPIs for 2024-06. */
static void build_store_with(struct fixture *fx, bool aadp)
{
    static const char *const names[] = {"Alpha\x01"
                                        "Co",
                                        "=HYPERLINK(\"http://x\",\"y\")",
                                        "+Plus",
                                        "-Minus",
                                        "@At",
                                        "Bad\xFFName",
                                        NULL};
    fx->long_name = test_malloc(LONG_NAME + 1);
    memset(fx->long_name, 'n', LONG_NAME);
    fx->long_name[LONG_NAME] = '\0';
    int exo = config_workload_lookup(&fx->cfg, "EXO", 3);
    int aadp_w = config_workload_lookup(&fx->cfg, "AADP", 4);
    assert_true(exo >= 0 && aadp_w >= 0);
    assert_false(fx->cfg.workload[aadp_w].core);
    enum store_added added;
    for (int i = 0; i < 7; i++) {
        char id[8];
        snprintf(id, sizeof(id), "T%d", i);
        struct store_tenant t = {
            .id = id,
            .name = names[i] ? names[i] : fx->long_name,
            .region = i % 2 ? "EMEA" : "NA",
            .priority = "",
            .fm = i == 2 ? "" : "Pat",
            .seats = 100 * i,
            .engagement_start = day(2024, 1, 1),
            .gateway_date = KPI_NO_DATE,
            .kickoff_date = i == 0 || i >= 4 ? KPI_NO_DATE : day(2024, 1, 20),
        };
        assert_int_equal(store_add_tenant(&fx->st, &t, &added), FTK_OK);
    }
    assert_int_equal(store_customers_done(&fx->st), FTK_OK);
    for (uint32_t i = 0; i < 7; i++) {
        struct store_entitlement e = {
            .as_of = day(2024, 1, 1),
            .qe = i == 3 ? 0 : 200,
            .enabled_date = day(2024, 1, 10),
            .status = "Active",
            .notes = "#Pilot",
        };
        assert_int_equal(store_add_entitlement(&fx->st, i, exo, &e, &added),
                         FTK_OK);
        if (aadp && i == 1)
            assert_int_equal(
                store_add_entitlement(&fx->st, i, aadp_w, &e, &added), FTK_OK);
    }
    store_entitlements_done(&fx->st);
    for (uint32_t i = 0; i < 7; i++)
        for (int m = 1; m <= 6; m++) {
            assert_int_equal(store_add_usage(&fx->st, i, exo, day(2024, m, 28),
                                             (uint32_t)(10 * m + 7 * i),
                                             &added),
                             FTK_OK);
            if (aadp && i == 1)
                assert_int_equal(store_add_usage(&fx->st, i, aadp_w,
                                                 day(2024, m, 28), 5, &added),
                                 FTK_OK);
        }
    struct ftk_diag diag = {{0}};
    int32_t month;
    assert_true(kpi_month_parse("2024-06", 7, &month));
    assert_int_equal(facts_build(&fx->facts, &fx->st, month, &diag), FTK_OK);
    fx->have_facts = true;
}

static void build_store(struct fixture *fx)
{
    build_store_with(fx, false);
}

static enum ftk_error write_capped(struct fixture *fx, const char *path,
                                   uint32_t max_rows, uint32_t max_list_rows,
                                   struct ftk_diag *diag)
{
    struct report_xlsx_input in = {
        .facts = &fx->facts,
        .cfg = &fx->cfg,
        .rejects = &fx->rj,
        .max_rows = max_rows,
        .max_list_rows = max_list_rows,
    };
    return report_xlsx_write(path, &in, diag);
}

static enum ftk_error write_book(struct fixture *fx, const char *path,
                                 uint32_t max_rows, struct ftk_diag *diag)
{
    return write_capped(fx, path, max_rows, 0, diag);
}

/* ---- a small zip reader ---- */

struct book {
    unsigned char *data;
    size_t len;
};

static void book_load(struct book *b, const char *path)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    assert_int_equal(fseek(f, 0, SEEK_END), 0);
    long n = ftell(f);
    assert_true(n > 22);
    rewind(f);
    b->data = test_malloc((size_t)n);
    b->len = (size_t)n;
    assert_int_equal(fread(b->data, 1, b->len, f), b->len);
    fclose(f);
}

static uint32_t u16(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8;
}

static uint32_t u32(const unsigned char *p)
{
    return u16(p) | u16(p + 2) << 16;
}

/* The part `name` of the zip, NUL-terminated (test_free it), or NULL. */
static char *book_part(const struct book *b, const char *name)
{
    size_t eocd = b->len - 22;
    while (eocd > 0 && u32(b->data + eocd) != 0x06054b50)
        eocd--;
    assert_int_equal(u32(b->data + eocd), 0x06054b50);
    uint32_t entries = u16(b->data + eocd + 10);
    size_t p = u32(b->data + eocd + 16);
    for (uint32_t i = 0; i < entries; i++) {
        assert_int_equal(u32(b->data + p), 0x02014b50);
        uint32_t method = u16(b->data + p + 10);
        uint32_t csize = u32(b->data + p + 20), usize = u32(b->data + p + 24);
        uint32_t nlen = u16(b->data + p + 28), elen = u16(b->data + p + 30);
        uint32_t clen = u16(b->data + p + 32), local = u32(b->data + p + 42);
        const char *n = (const char *)b->data + p + 46;
        p += 46 + nlen + elen + clen;
        if (strlen(name) != nlen || memcmp(n, name, nlen) != 0)
            continue;
        const unsigned char *lh = b->data + local;
        const unsigned char *src = lh + 30 + u16(lh + 26) + u16(lh + 28);
        char *out = test_malloc(usize + 1);
        if (method == 0) {
            memcpy(out, src, usize);
        } else {
            assert_int_equal(method, 8);
            z_stream z;
            memset(&z, 0, sizeof(z));
            assert_int_equal(inflateInit2(&z, -15), Z_OK);
            z.next_in = (unsigned char *)src;
            z.avail_in = csize;
            z.next_out = (unsigned char *)out;
            z.avail_out = usize;
            assert_int_equal(inflate(&z, Z_FINISH), Z_STREAM_END);
            inflateEnd(&z);
        }
        out[usize] = '\0';
        return out;
    }
    return NULL;
}

/* The sheet names in workbook order, joined by '|'. */
static void sheet_names(const struct book *b, char *out, size_t cap)
{
    char *xml = book_part(b, "xl/workbook.xml");
    assert_non_null(xml);
    out[0] = '\0';
    for (const char *p = xml; (p = strstr(p, "<sheet name=\"")) != NULL;) {
        p += strlen("<sheet name=\"");
        const char *q = strchr(p, '"');
        assert_non_null(q);
        size_t used = strlen(out);
        snprintf(out + used, cap - used, "%s%.*s", used ? "|" : "",
                 (int)(q - p), p);
        p = q;
    }
    test_free(xml);
}

/* The XML of sheet number k (1-based, workbook order). */
static char *sheet_xml(const struct book *b, int k)
{
    char name[64];
    snprintf(name, sizeof(name), "xl/worksheets/sheet%d.xml", k);
    return book_part(b, name);
}

static int count(const char *hay, const char *needle)
{
    int n = 0;
    for (const char *p = hay; (p = strstr(p, needle)) != NULL; p++)
        n++;
    return n;
}

/* ---- tests ---- */

static void test_report_xlsx__splits_list_sheets_at_max_rows(void **state)
{
    struct fixture *fx = *state;
    build_store(fx);
    struct ftk_diag diag = {{0}};
    /* a header and two rows per sheet: 7 rows make 4 sheets */
    assert_int_equal(write_book(fx, fx->path, 3, &diag), FTK_OK);
    struct book b;
    book_load(&b, fx->path);
    char names[1024];
    sheet_names(&b, names, sizeof(names));
    assert_string_equal(
        names, "Summary|By region|By FM|Customers|Customers (2)|Customers (3)|"
               "Customers (4)|EXO|EXO (2)|EXO (3)|EXO (4)|"
               "Velocity|Velocity (2)|Velocity (3)|"
               "Plateau|Biggest losers|Candidates|"
               "Candidates (2)|Candidates (3)|Data quality|"
               "Definitions");
    /* EXO's parts: sheets 8 to 11, 2 + 2 + 2 + 1 rows under a header each,
     * every row there once, in order */
    int rows = 0;
    for (int k = 8; k <= 11; k++) {
        char *xml = sheet_xml(&b, k);
        assert_non_null(xml);
        int n = count(xml, "<row ") - 1;
        assert_int_equal(n, k < 11 ? 2 : 1);
        rows += n;
        char tenant[32];
        snprintf(tenant, sizeof(tenant), "<t>T%d</t>", 2 * (k - 8));
        assert_non_null(strstr(xml, tenant));
        assert_non_null(strstr(xml, "<autoFilter ref=\"A1:"));
        /* the customer's name, first, is frozen */
        assert_non_null(strstr(xml, "<pane xSplit=\"1\" ySplit=\"1\""));
        test_free(xml);
    }
    assert_int_equal(rows, 7);
    /* Velocity (the five lines with a velocity focus area: SLOW_KICKOFF
     * for T0 and T4 to T6, SLOW_RAMP for T3, which has no AU) links each
     * row to its place on the EXO sheets: T4 and T5 are on EXO (3), T6
     * alone on EXO (4) */
    int on3 = 0, on4 = 0;
    for (int k = 12; k <= 14; k++) {
        char *xml = sheet_xml(&b, k);
        on3 += count(xml, "location=\"'EXO (3)'!A2\"") +
               count(xml, "location=\"'EXO (3)'!A3\"");
        on4 += count(xml, "location=\"'EXO (4)'!A2\"");
        test_free(xml);
    }
    assert_int_equal(on3, 2);
    assert_int_equal(on4, 1);
    test_free(b.data);
    done(fx);
}

static void test_report_xlsx__one_sheet_under_excel_limit(void **state)
{
    struct fixture *fx = *state;
    build_store(fx);
    struct ftk_diag diag = {{0}};
    assert_int_equal(write_book(fx, fx->path, 0, &diag), FTK_OK);
    struct book b;
    book_load(&b, fx->path);
    char names[1024];
    sheet_names(&b, names, sizeof(names));
    assert_string_equal(
        names, "Summary|By region|By FM|Customers|EXO|Velocity|Plateau|"
               "Biggest losers|Candidates|Data quality|"
               "Definitions");
    char *exo = sheet_xml(&b, 5);
    assert_int_equal(count(exo, "<row "), 8);
    test_free(exo);
    test_free(b.data);
    done(fx);
}

/* The sheet of a core workload comes before the others, whatever their
 * codes: EXO before AADP. */
static void test_report_xlsx__core_workloads_first(void **state)
{
    struct fixture *fx = *state;
    build_store_with(fx, true);
    struct ftk_diag diag = {{0}};
    assert_int_equal(write_book(fx, fx->path, 0, &diag), FTK_OK);
    struct book b;
    book_load(&b, fx->path);
    char names[1024];
    sheet_names(&b, names, sizeof(names));
    assert_string_equal(
        names, "Summary|By region|By FM|Customers|EXO|AADP|Velocity|Plateau|"
               "Biggest losers|Candidates|Data quality|"
               "Definitions");
    /* the Summary's links find the sheets by name */
    char *summary = sheet_xml(&b, 1);
    assert_non_null(strstr(summary, "location=\"'AADP'!A1\""));
    assert_non_null(strstr(summary, "location=\"'EXO'!A1\""));
    test_free(summary);
    test_free(b.data);
    done(fx);
}

/* Every sheet prints landscape under the workbook's title ('&' doubled)
 * and the sheet's name, "Page N of M" below, without gridlines; list
 * sheets repeat their header row; a pp delta is signed with its unit and
 * red when negative; a customer without an FM shows "(unassigned)". */
static void test_report_xlsx__print_setup_and_formats(void **state)
{
    struct fixture *fx = *state;
    build_store(fx);
    strcpy(fx->cfg.program_name, "R&D");
    struct ftk_diag diag = {{0}};
    assert_int_equal(write_book(fx, fx->path, 0, &diag), FTK_OK);
    struct book b;
    book_load(&b, fx->path);
    for (int k = 1; k <= 11; k++) {
        char *xml = sheet_xml(&b, k);
        assert_non_null(xml);
        assert_non_null(strstr(xml, "orientation=\"landscape\""));
        assert_non_null(strstr(xml, "<oddHeader>&amp;LR&amp;&amp;D: adoption "
                                    "KPIs 2024-06&amp;R&amp;A</oddHeader>"));
        assert_non_null(
            strstr(xml, "<oddFooter>&amp;CPage &amp;P of &amp;N</oddFooter>"));
        assert_null(strstr(xml, "gridLines=\"1\""));
        test_free(xml);
    }
    char *wb = book_part(&b, "xl/workbook.xml");
    /* the list sheets: By region, By FM, Customers, EXO, Velocity,
     * Plateau, Biggest losers, Candidates */
    assert_int_equal(count(wb, "_xlnm.Print_Titles"), 8);
    /* only the header row: every sheet prints one page wide */
    assert_non_null(strstr(wb, ">EXO!$1:$1<"));
    test_free(wb);
    for (int k = 1; k <= 11; k++) {
        char *xml = sheet_xml(&b, k);
        assert_non_null(strstr(xml, "<pageSetUpPr fitToPage=\"1\"/>"));
        assert_non_null(strstr(xml, "fitToHeight=\"0\""));
        test_free(xml);
    }
    char *styles = book_part(&b, "xl/styles.xml");
    assert_non_null(strstr(styles, "formatCode=\"+0.00&quot; pp&quot;;[Red]"
                                   "-0.00&quot; pp&quot;;0.00&quot; "
                                   "pp&quot;\""));
    test_free(styles);
    char *cust = sheet_xml(&b, 4);
    assert_int_equal(count(cust, "<t>(unassigned)</t>"), 1);
    assert_int_equal(count(cust, "<t>Pat</t>"), 6);
    test_free(cust);
    char *exo = sheet_xml(&b, 5);
    assert_int_equal(count(exo, "<t>(unassigned)</t>"), 1);
    test_free(exo);
    test_free(b.data);
    done(fx);
}

/* The facts row of tenant "T<i>"'s EXO. */
static const struct fact_workload *exo_row(const struct fixture *fx, int i)
{
    assert_int_equal(fx->facts.n_rows, 7);
    return &fx->facts.row[i];
}

/* A list longer than max_list_rows keeps the rows with the largest users
 * to goal, those without one last, ties by tenant id; its first row says
 * how many it left out and where they are, above the frozen header; a
 * link to a row left out stays plain text, a link to a kept one counts
 * the note's row. */
static void test_report_xlsx__caps_long_lists(void **state)
{
    struct fixture *fx = *state;
    build_store(fx);
    /* users to goal: above EXO's 50 % of QE 200 (101) less AE 60 + 7i,
     * none below 0;
     * T3 (QE 0) has none on its row, and 0 as a customer, as T6 has */
    for (int i = 0; i < 7; i++) {
        const struct fact_workload *r = exo_row(fx, i);
        assert_int_equal(r->has_users_to_goal, i != 3);
        if (i != 3)
            assert_int_equal(r->users_to_goal, i == 6 ? 0 : 41 - 7 * i);
        assert_int_equal(fx->facts.customer[i].users_to_goal,
                         i == 3 || i == 6 ? 0 : 41 - 7 * i);
    }
    struct ftk_diag diag = {{0}};
    assert_int_equal(write_capped(fx, fx->path, 0, 6, &diag), FTK_OK);
    struct book b;
    book_load(&b, fx->path);
    char names[1024];
    sheet_names(&b, names, sizeof(names));
    assert_string_equal(
        names, "Summary|By region|By FM|Customers|EXO|Velocity|Plateau|"
               "Biggest losers|Candidates|Data quality|Definitions");
    static const char note[] =
        "<t>1 of 7 rows left out: only the 6 with the largest users to goal "
        "are shown. ";
    /* Customers: T3 and T6 tie at 0, T3 first by tenant id */
    char *cust = sheet_xml(&b, 4);
    assert_non_null(strstr(cust, note));
    assert_non_null(strstr(cust, "customer_kpis.csv.</t>"));
    assert_non_null(strstr(cust, "<c r=\"A1\""));
    assert_non_null(strstr(cust, "<t>T3</t>"));
    assert_null(strstr(cust, "<t>T6</t>"));
    assert_int_equal(count(cust, "<row "), 8); /* note, header, 6 rows */
    assert_non_null(strstr(cust, "<pane xSplit=\"1\" ySplit=\"2\""));
    assert_non_null(strstr(cust, "<autoFilter ref=\"A2:"));
    test_free(cust);
    /* EXO: T3's row has no users to goal: it goes, T6's 0 stays */
    char *exo = sheet_xml(&b, 5);
    assert_non_null(strstr(exo, note));
    assert_non_null(strstr(exo, "workload_kpis.csv.</t>"));
    assert_null(strstr(exo, "<t>T3</t>"));
    assert_non_null(strstr(exo, "<t>T6</t>"));
    test_free(exo);
    /* Velocity (5 lines, whole, no note): T6's line links to its EXO row,
     * the sixth kept, under the note and the header: row 8; T3's row is
     * not on EXO, so its line links nowhere */
    char *vel = sheet_xml(&b, 6);
    assert_null(strstr(vel, "rows left out"));
    assert_non_null(strstr(vel, "location=\"'EXO'!A8\""));
    assert_int_equal(count(vel, "location=\"'EXO'!"), 4);
    test_free(vel);
    char *wb = book_part(&b, "xl/workbook.xml");
    /* on paper Customers repeats its header, the second row */
    assert_non_null(strstr(wb, "Customers!$2:$2"));
    test_free(wb);
    test_free(b.data);

    /* parts of 3 rows: the note, the header and one row each */
    assert_int_equal(write_capped(fx, fx->path, 3, 2, &diag), FTK_OK);
    book_load(&b, fx->path);
    sheet_names(&b, names, sizeof(names));
    assert_non_null(strstr(names, "|Customers|Customers (2)|EXO|EXO (2)|"));
    for (int k = 4; k <= 5; k++) {
        char *xml = sheet_xml(&b, k);
        assert_non_null(strstr(xml, "<t>5 of 7 rows left out: only the 2 "));
        assert_int_equal(count(xml, "<row "), 3);
        test_free(xml);
    }
    test_free(b.data);
    done(fx);
}

static void test_report_xlsx__text_width(void **state)
{
    (void)state;
    assert_true(report_xlsx_text_width("") == 1.0);
    assert_true(report_xlsx_text_width("abc") == 4.0);
    /* a character, not a byte */
    assert_true(report_xlsx_text_width("caf\xC3\xA9") == 5.0);
    /* East Asian wide characters count two */
    assert_true(report_xlsx_text_width("\xE6\x97\xA5\xE6\x9C\xAC") == 5.0);
    char longer[200];
    memset(longer, 'x', sizeof(longer) - 1);
    longer[sizeof(longer) - 1] = '\0';
    assert_true(report_xlsx_text_width(longer) == REPORT_XLSX_MAX_WIDTH);
}

/* The UTF-16 units of valid UTF-8 text. */
static size_t units(const char *s)
{
    size_t n = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if ((*p & 0xC0) != 0x80)
            n += *p >= 0xF0 ? 2 : 1;
    return n;
}

static bool ends_with(const char *s, const char *tail)
{
    size_t a = strlen(s), b = strlen(tail);
    return a >= b && strcmp(s + a - b, tail) == 0;
}

static void test_report_xlsx__cell_text_sanitised_and_cut(void **state)
{
    (void)state;
    char *t = report_xlsx_cell_text("ok", 2);
    assert_string_equal(t, "ok");
    test_free(t);
    /* invalid bytes and NUL become U+FFFD */
    t = report_xlsx_cell_text("a\xFF"
                              "b\0c",
                              5);
    assert_string_equal(t, "a\xEF\xBF\xBD"
                           "b\xEF\xBF\xBD"
                           "c");
    test_free(t);
    t = report_xlsx_cell_text("\xC3", 1); /* cut in the middle */
    assert_string_equal(t, "\xEF\xBF\xBD");
    test_free(t);

    size_t n = 4 * 20000;
    char *big = test_malloc(n + 1);
    memset(big, 'a', REPORT_XLSX_MAX_TEXT);
    t = report_xlsx_cell_text(big, REPORT_XLSX_MAX_TEXT); /* just fits */
    assert_int_equal(strlen(t), REPORT_XLSX_MAX_TEXT);
    assert_false(ends_with(t, REPORT_XLSX_CUT_MARK));
    test_free(t);
    memset(big, 'a', n);
    t = report_xlsx_cell_text(big, n);
    assert_int_equal(units(t), REPORT_XLSX_MAX_TEXT);
    assert_true(ends_with(t, REPORT_XLSX_CUT_MARK));
    test_free(t);
    /* characters outside the BMP are two UTF-16 units in Excel */
    for (size_t i = 0; i < 20000; i++)
        memcpy(big + 4 * i, "\xF0\x9F\x98\x80", 4);
    t = report_xlsx_cell_text(big, n);
    assert_true(units(t) <= REPORT_XLSX_MAX_TEXT);
    assert_true(units(t) >= REPORT_XLSX_MAX_TEXT - 1);
    assert_true(ends_with(t, REPORT_XLSX_CUT_MARK));
    assert_int_equal(utf8_valid_prefix(t, strlen(t)), strlen(t));
    test_free(t);
    test_free(big);
}

static void test_report_xlsx__text_stays_text_and_no_nan(void **state)
{
    struct fixture *fx = *state;
    build_store(fx);
    struct ftk_diag diag = {{0}};
    assert_int_equal(write_book(fx, fx->path, 0, &diag), FTK_OK);
    struct book b;
    book_load(&b, fx->path);
    for (int k = 1; k <= 11; k++) {
        char *xml = sheet_xml(&b, k);
        assert_non_null(xml);
        assert_null(strstr(xml, "<f>"));
        assert_null(strstr(xml, "<f "));
        assert_null(strstr(xml, "<v>nan"));
        assert_null(strstr(xml, "<v>-nan"));
        assert_null(strstr(xml, "<v>NAN"));
        assert_null(strstr(xml, "<v>-NAN"));
        assert_null(strstr(xml, "<v>inf"));
        assert_null(strstr(xml, "<v>INF"));
        assert_int_equal(utf8_valid_prefix(xml, strlen(xml)), strlen(xml));
        for (const char *p = xml; *p; p++) /* XML 1.0 has no such bytes */
            assert_true((unsigned char)*p >= 0x20 || *p == '\t' || *p == '\n' ||
                        *p == '\r');
        test_free(xml);
    }
    char *cust = sheet_xml(&b, 4);
    assert_non_null(strstr(cust, "t=\"inlineStr\"><is><t>=HYPERLINK("));
    assert_non_null(strstr(cust, "<t>Alpha_x0001_Co</t>"));
    assert_non_null(strstr(cust, "<t>+Plus</t>"));
    assert_non_null(strstr(cust, "<t>-Minus</t>"));
    assert_non_null(strstr(cust, "<t>@At</t>"));
    assert_non_null(strstr(cust, "<t>Bad\xEF\xBF\xBDName</t>"));
    assert_non_null(strstr(cust, "nnn" REPORT_XLSX_CUT_MARK "</t>"));
    test_free(cust);
    /* T3 has QE 0: its AU cell is absent, not NaN; T0's AU is 67 / 200 */
    char *exo = sheet_xml(&b, 5);
    assert_non_null(strstr(exo, "<c r=\"G2\" s="));
    assert_non_null(strstr(exo, "<v>0.335</v>"));
    assert_null(strstr(exo, "<c r=\"G5\""));
    test_free(exo);
    test_free(b.data);
    done(fx);
}

static void test_report_xlsx__same_bytes_on_rerun(void **state)
{
    struct fixture *fx = *state;
    build_store(fx);
    struct ftk_diag diag = {{0}};
    char again[160];
    snprintf(again, sizeof(again), "%s/again.xlsx", fx->dir);
    assert_int_equal(write_book(fx, fx->path, 0, &diag), FTK_OK);
    sleep(1); /* a clock in the file would now differ */
    assert_int_equal(write_book(fx, again, 0, &diag), FTK_OK);
    struct book a, b;
    book_load(&a, fx->path);
    book_load(&b, again);
    assert_int_equal(a.len, b.len);
    assert_memory_equal(a.data, b.data, a.len);
    char *core = book_part(&a, "docProps/core.xml");
    assert_non_null(strstr(core, "<dcterms:created xsi:type=\"dcterms:W3CDTF\">"
                                 "2024-06-30T00:00:00Z"));
    test_free(core);
    test_free(a.data);
    test_free(b.data);
    done(fx);
}

static void test_report_xlsx__error_names_the_file(void **state)
{
    struct fixture *fx = *state;
    build_store(fx);
    struct ftk_diag diag = {{0}};
    char path[160];
    snprintf(path, sizeof(path), "%s/missing/kpi.xlsx", fx->dir);
    /* no folder: libxlsxwriter cannot create the file */
    assert_int_equal(write_book(fx, path, 0, &diag), FTK_E_CANTCREAT);
    assert_non_null(strstr(diag.msg, path));
    assert_int_equal(access(path, F_OK), -1);
    done(fx);
}

static void test_report_xlsx__fixture_matches_the_csv(void **state)
{
    struct fixture *fx = *state;
    static const struct {
        enum extract_kind kind;
        const char *path;
    } files[] = {
        {EXTRACT_CUSTOMERS, "tests/fixtures/kpi/customers.csv"},
        {EXTRACT_ENTITLEMENTS, "tests/fixtures/kpi/entitlements.csv"},
        {EXTRACT_USAGE, "tests/fixtures/kpi/usage.csv"},
    };
    struct extract_stats stats[3];
    struct ftk_diag diag = {{0}};
    memset(stats, 0, sizeof(stats));
    for (int i = 0; i < 3; i++) {
        if (i == 1)
            assert_int_equal(store_customers_done(&fx->st), FTK_OK);
        if (i == 2)
            store_entitlements_done(&fx->st);
        assert_int_equal(extract_file(&fx->st, &fx->rj, files[i].kind,
                                      files[i].path, &stats[i], &diag),
                         FTK_OK);
    }
    int32_t month;
    assert_true(kpi_month_parse("2024-06", 7, &month));
    assert_int_equal(facts_build(&fx->facts, &fx->st, month, &diag), FTK_OK);
    fx->have_facts = true;
    struct report_xlsx_input in = {
        .facts = &fx->facts,
        .cfg = &fx->cfg,
        .stats = stats,
        .n_stats = 3,
        .rejects = &fx->rj,
    };
    assert_int_equal(report_xlsx_write(fx->path, &in, &diag), FTK_OK);
    struct book b;
    book_load(&b, fx->path);
    char names[1024];
    sheet_names(&b, names, sizeof(names));
    assert_string_equal(
        names, "Summary|By region|By FM|Customers|EXO|SPO|OD|TEAMS|OPP|"
               "Velocity|Plateau|Biggest losers|Candidates|"
               "Data quality|Definitions");
    /* workload_kpis.csv: A1 EXO au_pct 49.50, delta_3m_pp 4.50, enabled
     * 2024-01-10 (Excel day 45301); D4 OPP delta_3m_pp -5.00 */
    char *exo = sheet_xml(&b, 5);
    assert_non_null(strstr(exo, "<v>0.495</v>"));
    assert_non_null(strstr(exo, "<v>4.5</v>"));
    assert_non_null(strstr(exo, "<v>45301</v>"));
    test_free(exo);
    char *opp =
        sheet_xml(&b, 9); /* core tabs in [core] order: EXO SPO OD TEAMS OPP */
    assert_non_null(strstr(opp, "<v>-5</v>"));
    test_free(opp);
    char *cust = sheet_xml(&b, 4);
    assert_non_null(strstr(cust, "<t>=Gamma</t>"));
    /* the 12 month columns under one 3-colour scale, written in
     * constant-memory mode: Customers' Q to AB (after 5 core AU columns),
     * over its 4 customers */
    assert_int_equal(count(cust, "<colorScale>"), 1);
    assert_non_null(strstr(cust, "<conditionalFormatting sqref=\"Q2:AB5\">"));
    test_free(cust);
    /* the Summary: the health chart under the portfolio table (its last
     * row, OPP, is A13), the trend chart beside its table (A58), right
     * of the month and the 5 core workloads; the health mix overall and
     * per region */
    char *summary = sheet_xml(&b, 1);
    assert_non_null(strstr(summary, "<c r=\"A13\" s=\"7\" t=\"inlineStr\">"
                                    "<is><t>OPP</t>"));
    assert_non_null(strstr(summary, "<t>Pooled AU of the core workloads, last "
                                    "12 months</t>"));
    assert_non_null(strstr(summary, "<c r=\"A58\""));
    assert_non_null(strstr(summary, "<c r=\"A33\" t=\"inlineStr\"><is><t>All "
                                    "customers</t>"));
    assert_non_null(strstr(summary, "<t>EMEA</t>"));
    test_free(summary);
    char *drawing = book_part(&b, "xl/drawings/drawing1.xml");
    assert_non_null(drawing);
    assert_non_null(strstr(drawing, "<xdr:from><xdr:col>0</xdr:col><xdr:colOff>"
                                    "0</xdr:colOff><xdr:row>14</xdr:row>"));
    assert_non_null(strstr(drawing, "<xdr:from><xdr:col>7</xdr:col><xdr:colOff>"
                                    "0</xdr:colOff><xdr:row>57</xdr:row>"));
    test_free(drawing);
    char *dq = sheet_xml(&b, 14);
    assert_non_null(strstr(dq, "<t>tests/fixtures/kpi/usage.csv</t>"));
    test_free(dq);
    test_free(b.data);
    done(fx);
}

/* The bytes of a file. */
static void assert_same_file(const char *a, const char *b)
{
    struct book x, y;
    book_load(&x, a);
    book_load(&y, b);
    assert_int_equal(x.len, y.len);
    assert_memory_equal(x.data, y.data, x.len);
    test_free(x.data);
    test_free(y.data);
}

/* Jobs of report_books_write_with that note the order they ran in and
 * whether the portfolio book (path in the log) was already written. */
struct job_log {
    int n;
    int order[8];
    int book_done[8];
    const char *book;
};

struct job_arg {
    struct job_log *log;
    int id;
    enum ftk_error result;
};

static enum ftk_error run_job(void *p, struct ftk_diag *diag)
{
    struct job_arg *a = p;
    struct job_log *log = a->log;
    log->book_done[log->n] = log->book && access(log->book, F_OK) == 0;
    log->order[log->n++] = a->id;
    if (a->result == FTK_OK)
        return FTK_OK;
    return ftk_fail(diag, a->result, "job %d failed", a->id);
}

/* The portfolio book and the FM books written by report_books_write: the
 * portfolio book has no Exec summaries sheet, an FM book has one (after
 * Next actions) and names its FM in its title; each book is the same
 * bytes as report_xlsx_write gives for its own facts (for an FM book, the
 * subset of its customers). One thread here: cmocka's allocator, which
 * counts every block, is not thread-safe; tests/e2e/workbook.sh compares
 * books written with 1 and 2 threads. */
static void test_report_xlsx__portfolio_and_fm_books(void **state)
{
    struct fixture *fx = *state;
    build_store(fx);
    struct ftk_diag diag = {{0}};
    struct playbook pb;
    assert_int_equal(playbook_init(&pb, &fx->facts, &diag), FTK_OK);
    struct fm_books plan;
    assert_int_equal(fm_books_plan(&plan, &fx->facts, &diag), FTK_OK);
    assert_int_equal(plan.n, 2); /* Pat, and T2 without an FM */
    char path[3][160];
    struct report_book books[3];
    memset(books, 0, sizeof(books));
    for (size_t i = 0; i < 3; i++) {
        snprintf(path[i], sizeof(path[i]), "%s/book%zu.xlsx", fx->dir, i);
        books[i].path = path[i];
        if (i == 0)
            continue;
        books[i].customers = plan.book[i - 1].customer;
        books[i].n_customers = plan.book[i - 1].n_customers;
        books[i].fm = plan.book[i - 1].fm;
        books[i].size = plan.book[i - 1].n_rows;
    }
    struct report_xlsx_input in = {
        .kind = REPORT_XLSX_PORTFOLIO,
        .facts = &fx->facts,
        .cfg = &fx->cfg,
        .rejects = &fx->rj,
        .playbook = &pb,
    };
    assert_int_equal(report_books_write(books, 3, &in, 1, &diag), FTK_OK);
    char names[1024];
    struct book b;
    book_load(&b, path[0]);
    sheet_names(&b, names, sizeof(names));
    assert_non_null(strstr(names, "|Next actions|Data quality|"));
    assert_null(strstr(names, "Exec summaries"));
    test_free(b.data);
    for (size_t i = 1; i < 3; i++) {
        book_load(&b, path[i]);
        sheet_names(&b, names, sizeof(names));
        assert_non_null(strstr(names, "|Next actions|Exec summaries|Data "
                                      "quality|"));
        char *core = book_part(&b, "docProps/core.xml");
        assert_non_null(strstr(core, i == 1 ? "adoption KPIs 2024-06, FM Pat<"
                                            : "adoption KPIs 2024-06, FM "
                                              "(unassigned)<"));
        test_free(core);
        test_free(b.data);
    }
    /* the same bytes as a book written alone */
    char alone[160];
    snprintf(alone, sizeof(alone), "%s/alone.xlsx", fx->dir);
    assert_int_equal(report_xlsx_write(alone, &in, &diag), FTK_OK);
    assert_same_file(alone, path[0]);
    struct facts sub;
    struct playbook sub_pb;
    assert_int_equal(facts_subset(&sub, &fx->facts, books[1].customers,
                                  books[1].n_customers, &diag),
                     FTK_OK);
    assert_int_equal(playbook_init(&sub_pb, &sub, &diag), FTK_OK);
    struct report_xlsx_input fm_in = in;
    fm_in.kind = REPORT_XLSX_FM;
    fm_in.fm = "Pat";
    fm_in.facts = &sub;
    fm_in.playbook = &sub_pb;
    assert_int_equal(report_xlsx_write(alone, &fm_in, &diag), FTK_OK);
    assert_same_file(alone, path[1]);
    playbook_release(&sub_pb);
    facts_release(&sub);

    /* two books fail (no folder): the first in the array's order is
     * reported, whichever ran first */
    snprintf(path[1], sizeof(path[1]), "%s/missing/book1.xlsx", fx->dir);
    snprintf(path[2], sizeof(path[2]), "%s/missing/book2.xlsx", fx->dir);
    books[2].size = books[1].size + 100; /* written before book 1 */
    assert_int_equal(report_books_write(books, 3, &in, 1, &diag),
                     FTK_E_CANTCREAT);
    assert_non_null(strstr(diag.msg, path[1]));
    assert_int_equal(books[0].err, FTK_OK);
    assert_int_equal(books[2].err, FTK_E_CANTCREAT);

    /* with jobs: taken after the portfolio book, before the FM books;
     * a failed job comes before any book in the order of errors */
    remove(path[0]);
    struct job_log log = {.n = 0, .book = path[0]};
    struct job_arg arg[3] = {
        {&log, 0, FTK_OK}, {&log, 1, FTK_E_IO}, {&log, 2, FTK_E_NOMEM}};
    struct report_job jobs[3];
    for (size_t i = 0; i < 3; i++)
        jobs[i] = (struct report_job){.run = run_job, .arg = &arg[i]};
    assert_int_equal(report_books_write_with(jobs, 3, books, 3, &in, 1, &diag),
                     FTK_E_IO);
    assert_string_equal(diag.msg, "job 1 failed");
    assert_int_equal(jobs[0].err, FTK_OK);
    /* one thread: what comes after the failure is not started */
    assert_int_equal(log.n, 2);
    assert_int_equal(log.order[0], 0);
    assert_int_equal(log.order[1], 1);
    assert_int_equal(jobs[2].err, FTK_OK);
    /* the portfolio book was written before the jobs ran */
    assert_int_equal(books[0].err, FTK_OK);
    assert_int_equal(log.book_done[0], 1);
    fm_books_release(&plan);
    playbook_release(&pb);
    done(fx);
}

/* libxlsxwriter's temporary files come from xlsx_threads.c's lxw_tmpfile
 * (so the book threads need no lock): it counts them, and none is left in
 * the folder. */
static void test_report_xlsx__temporary_files_are_ours(void **state)
{
    struct fixture *fx = *state;
    build_store(fx);
    struct ftk_diag diag = {{0}};
    unsigned long before = xlsx_threads_tmpfiles();
    assert_int_equal(write_book(fx, fx->path, 0, &diag), FTK_OK);
    /* at least one per sheet (its rows) and one per XML part */
    assert_true(xlsx_threads_tmpfiles() >= before + 20);
    DIR *d = opendir(fx->dir);
    assert_non_null(d);
    struct dirent *e;
    while ((e = readdir(d)))
        assert_null(strstr(e->d_name, "ftkpi-lxw"));
    closedir(d);
    done(fx);
}

/* The pattern byte at offset i of the temporary-stream tests. */
static int pattern_at(long i)
{
    return 'a' + (int)((i * 7 + i / 1000) % 26);
}

/* A temporary file of lxw_tmpfile holds what was written across many
 * buffers: it reads back whole after a rewind, from the middle after a
 * seek, and takes more at its end, as the library uses it. */
static void test_report_xlsx__temporary_stream_round_trip(void **state)
{
    struct fixture *fx = *state;
    enum { N = 700001 };
    FILE *f = lxw_tmpfile(fx->dir);
    assert_non_null(f);
    for (long i = 0; i < N; i++)
        assert_int_equal(fputc(pattern_at(i), f), pattern_at(i));
    assert_int_equal(fseek(f, 0, SEEK_END), 0);
    assert_int_equal(ftell(f), N);
    rewind(f);
    char *back = malloc(N + 1);
    assert_non_null(back);
    assert_int_equal(fread(back, 1, N + 1, f), N);
    for (long i = 0; i < N; i++)
        if (back[i] != pattern_at(i))
            fail_msg("byte %ld reads %d, not %d", i, back[i], pattern_at(i));
    assert_int_equal(fseek(f, 300007, SEEK_SET), 0);
    assert_int_equal(fgetc(f), pattern_at(300007));
    assert_int_equal(fseek(f, 0, SEEK_END), 0);
    assert_int_equal(fputs("end", f), 1);
    rewind(f);
    assert_int_equal(fseek(f, N, SEEK_SET), 0);
    assert_int_equal(fread(back, 1, 4, f), 3);
    assert_memory_equal(back, "end", 3);
    free(back);
    assert_int_equal(fclose(f), 0);
    assert_int_equal(xlsx_threads_tmp_error(), 0);
    done(fx);
}

/* A temporary file that cannot be written (here past a file-size limit,
 * as on a full disk) leaves its error for xlsx_threads_tmp_error, once. */
static void test_report_xlsx__temporary_stream_errors_are_kept(void **state)
{
    struct fixture *fx = *state;
    struct rlimit old, low;
    assert_int_equal(getrlimit(RLIMIT_FSIZE, &old), 0);
    void (*was)(int) = signal(SIGXFSZ, SIG_IGN);
    low = old;
    low.rlim_cur = 100000;
    assert_int_equal(setrlimit(RLIMIT_FSIZE, &low), 0);
    assert_int_equal(xlsx_threads_tmp_error(), 0);
    FILE *f = lxw_tmpfile(fx->dir);
    assert_non_null(f);
    for (long i = 0; i < 600000; i++)
        fputc(pattern_at(i), f);
    rewind(f); /* as libxlsxwriter does: the stream forgets the error */
    assert_int_equal(ferror(f), 0);
    fclose(f);
    assert_int_equal(setrlimit(RLIMIT_FSIZE, &old), 0);
    signal(SIGXFSZ, was);
    assert_int_equal(xlsx_threads_tmp_error(), EFBIG);
    assert_int_equal(xlsx_threads_tmp_error(), 0);
    done(fx);
}

struct other_gmtime {
    time_t t;
    struct tm *got;
    int year;
};

static void *call_gmtime(void *arg)
{
    struct other_gmtime *o = arg;
    o->got = gmtime(&o->t);
    o->year = o->got->tm_year;
    return NULL;
}

/* gmtime, which libxlsxwriter calls while it assembles a book, keeps its
 * result per thread: another thread's call leaves this one's alone. */
static void test_report_xlsx__gmtime_per_thread(void **state)
{
    (void)state;
    time_t mine = 1719705600; /* 2024-06-30 */
    struct tm *tm = gmtime(&mine);
    assert_non_null(tm);
    struct other_gmtime o = {.t = 946684800}; /* 2000-01-01 */
    pthread_t tid;
    assert_int_equal(pthread_create(&tid, NULL, call_gmtime, &o), 0);
    assert_int_equal(pthread_join(tid, NULL), 0);
    assert_ptr_not_equal(o.got, tm);
    assert_int_equal(o.year, 100);
    assert_int_equal(tm->tm_year, 124);
    assert_int_equal(tm->tm_mon, 5);
    assert_int_equal(tm->tm_mday, 30);
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_report_xlsx__splits_list_sheets_at_max_rows),
        T(test_report_xlsx__one_sheet_under_excel_limit),
        T(test_report_xlsx__core_workloads_first),
        T(test_report_xlsx__print_setup_and_formats),
        T(test_report_xlsx__caps_long_lists),
        T(test_report_xlsx__text_width),
        T(test_report_xlsx__cell_text_sanitised_and_cut),
        T(test_report_xlsx__text_stays_text_and_no_nan),
        T(test_report_xlsx__same_bytes_on_rerun),
        T(test_report_xlsx__error_names_the_file),
        T(test_report_xlsx__fixture_matches_the_csv),
        T(test_report_xlsx__portfolio_and_fm_books),
        T(test_report_xlsx__temporary_files_are_ours),
        T(test_report_xlsx__temporary_stream_round_trip),
        T(test_report_xlsx__temporary_stream_errors_are_kept),
        cmocka_unit_test(test_report_xlsx__gmtime_per_thread),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
