/*
 * tests/unit/test_date.c - civil dates and months as integers (kpi/date.h).
 * Known day numbers were computed independently (Python's datetime).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "kpi/date.h"

static const int32_t first_day = -719162; /* 0001-01-01 */
static const int32_t last_day = 2932896;  /* 9999-12-31 */

static bool is_leap(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int month_days(int y, int m)
{
    static const int mdays[12] = {31, 28, 31, 30, 31, 30,
                                  31, 31, 30, 31, 30, 31};
    return m == 2 && is_leap(y) ? 29 : mdays[m - 1];
}

static void test_date__known_day_numbers(void **state)
{
    (void)state;
    assert_int_equal(kpi_date_from_ymd(1970, 1, 1), 0);
    assert_int_equal(kpi_date_from_ymd(1969, 12, 31), -1);
    assert_int_equal(kpi_date_from_ymd(1, 1, 1), first_day);
    assert_int_equal(kpi_date_from_ymd(9999, 12, 31), last_day);
    assert_int_equal(kpi_date_from_ymd(2000, 3, 1), 11017);
    assert_int_equal(kpi_date_from_ymd(2024, 2, 29), 19782);
    /* Days between is a subtraction: 2024-01-01 .. 2024-03-31. */
    assert_int_equal(
        kpi_date_from_ymd(2024, 3, 31) - kpi_date_from_ymd(2024, 1, 1), 90);
}

/* Walks every day of years 0001-9999 with an independent calendar and
 * checks both conversions and the text round trip on each. */
static void test_date__every_day_round_trips(void **state)
{
    (void)state;
    int y = 1, m = 1, d = 1;
    char text[11];
    for (int32_t day = first_day; day <= last_day; day++) {
        int gy, gm, gd;
        int32_t parsed = 0;
        kpi_date_to_ymd(day, &gy, &gm, &gd);
        if (gy != y || gm != m || gd != d)
            fail_msg("day %d: got %04d-%02d-%02d, want %04d-%02d-%02d",
                     (int)day, gy, gm, gd, y, m, d);
        if (kpi_date_from_ymd(y, m, d) != day)
            fail_msg("from_ymd %04d-%02d-%02d != %d", y, m, d, (int)day);
        kpi_date_format(day, text);
        if (!kpi_date_parse(text, 10, &parsed) || parsed != day)
            fail_msg("round trip of %s failed", text);
        if (++d > month_days(y, m)) {
            d = 1;
            if (++m > 12) {
                m = 1;
                y++;
            }
        }
    }
    assert_int_equal(y, 10000);
}

static void check_format(int32_t day, const char *want)
{
    char out[11];
    memset(out, 'Z', sizeof out);
    kpi_date_format(day, out);
    assert_string_equal(out, want);
}

static void test_date__format(void **state)
{
    (void)state;
    check_format(0, "1970-01-01");
    check_format(-1, "1969-12-31");
    check_format(first_day, "0001-01-01");
    check_format(last_day, "9999-12-31");
    check_format(19782, "2024-02-29");
    check_format(11017, "2000-03-01");
}

static bool parse(const char *s, int32_t *out)
{
    return kpi_date_parse(s, strlen(s), out);
}

static void test_date__parse_leap_days(void **state)
{
    (void)state;
    int32_t day = 0;
    assert_true(parse("2000-02-29", &day));
    assert_int_equal(day, 11016);
    assert_true(parse("2024-02-29", &day));
    assert_int_equal(day, 19782);
    assert_true(parse("0004-02-29", &day));
    assert_true(parse("9996-02-29", &day));
    day = 777;
    assert_false(parse("1900-02-29", &day));
    assert_false(parse("2100-02-29", &day));
    assert_false(parse("2023-02-29", &day));
    assert_false(parse("2024-02-30", &day));
    assert_int_equal(day, 777);
}

static void test_date__parse_rejects_malformed(void **state)
{
    (void)state;
    static const char *const bad[] = {
        "2024-13-01",  "2024-1-01",     "0000-01-01", "2024-02-30",
        "2024-00-10",  "2024-01-00",    "2024-01-32", "2024-04-31",
        "2024/01/01",  "2024-01-0a",    "+024-01-01", "-024-01-01",
        " 2024-01-1",  "2024-01-1 ",    "",           "10000-01-01",
        "2024-01-01 ", "2024-01-01T00", "20240101",   "2024-0101-",
        "2024-01/01",  "2024-01001",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        int32_t day = 777;
        if (parse(bad[i], &day))
            fail_msg("accepted \"%s\"", bad[i]);
        assert_int_equal(day, 777);
    }
}

static void test_date__parse_reads_only_len_bytes(void **state)
{
    (void)state;
    int32_t day = 777;
    assert_true(kpi_date_parse("2024-03-31X", 10, &day));
    assert_int_equal(day, kpi_date_from_ymd(2024, 3, 31));
    assert_false(kpi_date_parse("2024-03-31", 9, &day));
}

static void test_date__month_parse_and_format(void **state)
{
    (void)state;
    int32_t month = 777;
    char out[8];
    assert_true(kpi_month_parse("2024-02", 7, &month));
    assert_int_equal(month, 2024 * 12 + 1);
    assert_true(kpi_month_parse("0001-01", 7, &month));
    assert_int_equal(month, 12);
    assert_true(kpi_month_parse("9999-12", 7, &month));
    assert_int_equal(month, 9999 * 12 + 11);

    static const char *const bad[] = {"2024-13", "2024-00",    "0000-01",
                                      "2024-2",  "2024-02-01", "202402",
                                      "2024-0a", "",           "2024/02"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        month = 777;
        if (kpi_month_parse(bad[i], strlen(bad[i]), &month))
            fail_msg("accepted \"%s\"", bad[i]);
        assert_int_equal(month, 777);
    }

    kpi_month_format(2024 * 12 + 1, out);
    assert_string_equal(out, "2024-02");
    kpi_month_format(12, out);
    assert_string_equal(out, "0001-01");
    kpi_month_format(9999 * 12 + 11, out);
    assert_string_equal(out, "9999-12");
}

static void test_date__month_first_and_last_day(void **state)
{
    (void)state;
    int32_t feb2024 = 2024 * 12 + 1;
    assert_int_equal(kpi_month_first_day(feb2024),
                     kpi_date_from_ymd(2024, 2, 1));
    assert_int_equal(kpi_month_last_day(feb2024), 19782); /* 2024-02-29 */
    assert_int_equal(kpi_month_last_day(2023 * 12 + 1),
                     kpi_date_from_ymd(2023, 2, 28));
    assert_int_equal(kpi_month_last_day(1900 * 12 + 1),
                     kpi_date_from_ymd(1900, 2, 28));
    assert_int_equal(kpi_month_last_day(2000 * 12 + 1), 11016);
    assert_int_equal(kpi_month_last_day(2024 * 12 + 3),
                     kpi_date_from_ymd(2024, 4, 30));
    assert_int_equal(kpi_month_first_day(12), first_day);
    assert_int_equal(kpi_month_last_day(9999 * 12 + 11), last_day);
}

static void test_date__month_of(void **state)
{
    (void)state;
    assert_int_equal(kpi_month_of(19782), 2024 * 12 + 1);
    assert_int_equal(kpi_month_of(19783), 2024 * 12 + 2);
    assert_int_equal(kpi_month_of(0), 1970 * 12);
    assert_int_equal(kpi_month_of(-1), 1969 * 12 + 11);
    assert_int_equal(kpi_month_of(first_day), 12);
    assert_int_equal(kpi_month_of(last_day), 9999 * 12 + 11);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_date__known_day_numbers),
        cmocka_unit_test(test_date__every_day_round_trips),
        cmocka_unit_test(test_date__format),
        cmocka_unit_test(test_date__parse_leap_days),
        cmocka_unit_test(test_date__parse_rejects_malformed),
        cmocka_unit_test(test_date__parse_reads_only_len_bytes),
        cmocka_unit_test(test_date__month_parse_and_format),
        cmocka_unit_test(test_date__month_first_and_last_day),
        cmocka_unit_test(test_date__month_of),
    };
    return cmocka_run_group_tests_name("date", tests, NULL, NULL);
}
