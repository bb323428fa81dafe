/*
 * tests/unit/test_csv_writer.c - quoting, formula neutralisation and the
 * typed cells of the CSV writer (pipeline/base/csv_writer.h).
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

#include "kpi/date.h"
#include "pipeline/base/csv_writer.h"

struct fixture {
    FILE *f;
    struct csv_writer w;
    char out[4096];
};

static int setup(void **state)
{
    static struct fixture fx;
    memset(&fx, 0, sizeof(fx));
    fx.f = tmpfile();
    if (!fx.f)
        return -1;
    csv_writer_init(&fx.w, fx.f, false);
    *state = &fx;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *fx = *state;
    fclose(fx->f);
    return 0;
}

/* Everything written so far, as a C string. */
static const char *written(struct fixture *fx)
{
    assert_int_equal(fflush(fx->f), 0);
    long n = ftell(fx->f);
    assert_true(n >= 0 && (size_t)n < sizeof(fx->out));
    rewind(fx->f);
    assert_int_equal(fread(fx->out, 1, (size_t)n, fx->f), (size_t)n);
    fx->out[n] = '\0';
    assert_int_equal(fseek(fx->f, 0, SEEK_END), 0);
    return fx->out;
}

/* One text cell alone on a row gives want and LF; exact: written with
 * csv_writer_exact. */
static void expect_cell(const char *s, size_t len, const char *want, bool exact)
{
    FILE *f = tmpfile();
    assert_non_null(f);
    struct csv_writer w;
    csv_writer_init(&w, f, false);
    if (exact)
        csv_writer_exact(&w, s, len);
    else
        csv_writer_text(&w, s, len);
    csv_writer_end(&w);
    char out[256];
    fflush(f);
    long n = ftell(f);
    rewind(f);
    assert_true(n > 0 && (size_t)n < sizeof(out));
    assert_int_equal(fread(out, 1, (size_t)n, f), (size_t)n);
    fclose(f);
    out[n] = '\0';
    char line[256];
    snprintf(line, sizeof(line), "%s\n", want);
    if (strcmp(out, line) != 0)
        fail_msg("text '%.*s': wrote '%s', want '%s'", (int)len, s, out, line);
}

#define TEXT(literal, want)                                                    \
    expect_cell(literal, sizeof(literal) - 1, want, false)
#define EXACT(literal, want)                                                   \
    expect_cell(literal, sizeof(literal) - 1, want, true)

static void test_csv_writer__quotes_only_where_needed(void **state)
{
    (void)state;
    TEXT("plain", "plain");
    TEXT("two words", "two words");
    TEXT("caf\xC3\xA9", "caf\xC3\xA9");
    TEXT("a,b", "\"a,b\"");
    TEXT("line\nbreak", "\"line\nbreak\"");
    TEXT("cr\rhere", "\"cr\rhere\"");
    TEXT("crlf\r\n", "\"crlf\r\n\"");
    TEXT("semi;colon", "semi;colon");
    TEXT("'quoted'", "'quoted'");
}

/* Text a shard folder keeps for the merge (docs/sharding.md): never
 * neutralised, and quoted where a reader would drop spaces around it. */
static void test_csv_writer__exact_text_reads_back(void **state)
{
    (void)state;
    EXACT("plain", "plain");
    EXACT("=1+1", "=1+1");
    EXACT("-5", "-5");
    EXACT(" lead", "\" lead\"");
    EXACT("trail\t", "\"trail\t\"");
    EXACT("in side", "in side");
    EXACT("a,b", "\"a,b\"");
    EXACT("say \"hi\"", "\"say \"\"hi\"\"\"");
    EXACT("", "");
}

static void test_csv_writer__doubles_quotes(void **state)
{
    (void)state;
    TEXT("say \"hi\"", "\"say \"\"hi\"\"\"");
    TEXT("\"", "\"\"\"\"");
    TEXT("\"\"", "\"\"\"\"\"\"");
    TEXT("Fabrikam \"North\", Inc.", "\"Fabrikam \"\"North\"\", Inc.\"");
}

static void test_csv_writer__neutralises_formulas(void **state)
{
    (void)state;
    TEXT("=1+1", "'=1+1");
    TEXT("+33 1 23", "'+33 1 23");
    TEXT("-5", "'-5");
    TEXT("@SUM(A1)", "'@SUM(A1)");
    TEXT("\tcmd", "'\tcmd");
    TEXT("=", "'=");
    /* a CR needs quoting too: the mark goes inside the quotes */
    TEXT("\rcmd", "\"'\rcmd\"");
    TEXT("=HYPERLINK(\"x\",\"y\")", "\"'=HYPERLINK(\"\"x\"\",\"\"y\"\")\"");
    TEXT("=a,b", "\"'=a,b\"");
    TEXT("-\n", "\"'-\n\"");
    /* only the first byte counts */
    TEXT("a=b", "a=b");
    TEXT(" =x", " =x");
    TEXT("x-5", "x-5");
    TEXT("", "");
}

/* strchr finds the terminating NUL of its set too: a cell whose first
 * byte is NUL used to get the formula mark. */
static void test_csv_writer__nul_first_byte_is_no_formula(void **state)
{
    (void)state;
    char want[4] = {'\0', 'x', '\0', '\0'};
    FILE *f = tmpfile();
    assert_non_null(f);
    struct csv_writer w;
    csv_writer_init(&w, f, false);
    csv_writer_text(&w, "\0x", 2);
    csv_writer_end(&w);
    fflush(f);
    assert_int_equal(ftell(f), 3);
    rewind(f);
    char out[4] = {0};
    assert_int_equal(fread(out, 1, 3, f), 3);
    fclose(f);
    want[2] = '\n';
    assert_memory_equal(out, want, 3);
}

static void test_csv_writer__numbers_never_neutralised(void **state)
{
    struct fixture *fx = *state;
    csv_writer_int(&fx->w, -5);
    csv_writer_int(&fx->w, 0);
    csv_writer_int(&fx->w, INT64_MIN);
    csv_writer_centi(&fx->w, -525);
    csv_writer_centi(&fx->w, 3750);
    csv_writer_centi(&fx->w, -1);
    csv_writer_plain(&fx->w, "-5.25");
    csv_writer_plain(&fx->w, "+1");
    csv_writer_end(&fx->w);
    assert_string_equal(written(fx), "-5,0,-9223372036854775808,-5.25,37.50,"
                                     "-0.01,-5.25,+1\n");
}

static void test_csv_writer__plain_is_quoted_if_needed(void **state)
{
    struct fixture *fx = *state;
    csv_writer_plain(&fx->w, "a,b");
    csv_writer_plain(&fx->w, "=x");
    csv_writer_end(&fx->w);
    assert_string_equal(written(fx), "\"a,b\",=x\n");
}

static void test_csv_writer__bom_option(void **state)
{
    struct fixture *fx = *state;
    FILE *f = tmpfile();
    assert_non_null(f);
    struct csv_writer w;
    csv_writer_init(&w, f, true);
    csv_writer_str(&w, "id");
    csv_writer_end(&w);
    fflush(f);
    char out[16] = {0};
    rewind(f);
    assert_int_equal(fread(out, 1, sizeof(out) - 1, f), 6);
    fclose(f);
    assert_string_equal(out, "\xEF\xBB\xBFid\n");
    /* without: no BOM */
    csv_writer_str(&fx->w, "id");
    csv_writer_end(&fx->w);
    assert_string_equal(written(fx), "id\n");
}

static void test_csv_writer__dates_booleans_and_empty_cells(void **state)
{
    struct fixture *fx = *state;
    csv_writer_date(&fx->w, kpi_date_from_ymd(2024, 2, 29));
    csv_writer_date(&fx->w, KPI_NO_DATE);
    csv_writer_date(&fx->w, kpi_date_from_ymd(1, 1, 1));
    csv_writer_bool(&fx->w, true);
    csv_writer_bool(&fx->w, false);
    csv_writer_empty(&fx->w);
    csv_writer_end(&fx->w);
    /* a row of empty cells, and a row starting with one */
    csv_writer_empty(&fx->w);
    csv_writer_empty(&fx->w);
    csv_writer_empty(&fx->w);
    csv_writer_end(&fx->w);
    csv_writer_empty(&fx->w);
    csv_writer_str(&fx->w, NULL);
    csv_writer_str(&fx->w, "x");
    csv_writer_end(&fx->w);
    assert_string_equal(written(fx), "2024-02-29,,0001-01-01,true,false,\n"
                                     ",,\n"
                                     ",,x\n");
}

static void test_csv_writer__header_and_rows(void **state)
{
    struct fixture *fx = *state;
    static const char *const names[] = {"file", "line", "raw", NULL};
    csv_writer_header(&fx->w, names);
    csv_writer_str(&fx->w, "usage.csv");
    csv_writer_int(&fx->w, 12);
    csv_writer_text(&fx->w, "T1,EXO", 6);
    csv_writer_end(&fx->w);
    assert_string_equal(written(fx), "file,line,raw\n"
                                     "usage.csv,12,\"T1,EXO\"\n");
    assert_false(csv_writer_error(&fx->w));
}

static void test_csv_writer__write_errors_are_sticky(void **state)
{
    (void)state;
    char path[] = "/tmp/test_csv_writer.XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    FILE *f = fopen(path, "r"); /* a stream that cannot be written */
    assert_non_null(f);
    struct csv_writer w;
    csv_writer_init(&w, f, false);
    csv_writer_str(&w, "x");
    csv_writer_end(&w);
    fflush(f);
    assert_true(csv_writer_error(&w));
    csv_writer_str(&w, "y");
    assert_true(csv_writer_error(&w));
    fclose(f);
    unlink(path);
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_csv_writer__quotes_only_where_needed),
        T(test_csv_writer__exact_text_reads_back),
        T(test_csv_writer__doubles_quotes),
        T(test_csv_writer__neutralises_formulas),
        T(test_csv_writer__nul_first_byte_is_no_formula),
        T(test_csv_writer__numbers_never_neutralised),
        T(test_csv_writer__plain_is_quoted_if_needed),
        T(test_csv_writer__bom_option),
        T(test_csv_writer__dates_booleans_and_empty_cells),
        T(test_csv_writer__header_and_rows),
        T(test_csv_writer__write_errors_are_sticky),
    };
#undef T
    return cmocka_run_group_tests(tests, NULL, NULL);
}
