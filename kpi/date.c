/*
 * kpi/date.c - civil dates to day numbers and back.
 *
 * The conversions are Howard Hinnant's days_from_civil / civil_from_days,
 * exact for every year this program accepts (0001-9999).
 */
#include "date.h"

static int days_in_month(int y, int m)
{
    static const int mdays[12] = {31, 28, 31, 30, 31, 30,
                                  31, 31, 30, 31, 30, 31};
    if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
        return 29;
    return mdays[m - 1];
}

int32_t kpi_date_from_ymd(int y, int m, int d)
{
    y -= m <= 2;
    int era = (y >= 0 ? y : y - 399) / 400;
    int yoe = y - era * 400;
    int doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

void kpi_date_to_ymd(int32_t days, int *y, int *m, int *d)
{
    int32_t z = days + 719468;
    int32_t era = (z >= 0 ? z : z - 146096) / 146097;
    int32_t doe = z - era * 146097;
    int32_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int32_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int32_t mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = (int)(yoe + era * 400 + (*m <= 2));
}

static bool digits(const char *s, size_t n, int *out)
{
    int v = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return false;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return true;
}

bool kpi_date_parse(const char *s, size_t len, int32_t *out)
{
    int y, m, d;
    if (len != 10 || s[4] != '-' || s[7] != '-')
        return false;
    if (!digits(s, 4, &y) || !digits(s + 5, 2, &m) || !digits(s + 8, 2, &d))
        return false;
    if (y < 1 || m < 1 || m > 12 || d < 1 || d > days_in_month(y, m))
        return false;
    *out = kpi_date_from_ymd(y, m, d);
    return true;
}

static void put_digits(char *out, int v, int n)
{
    for (int i = n - 1; i >= 0; i--) {
        out[i] = (char)('0' + v % 10);
        v /= 10;
    }
}

void kpi_date_format(int32_t days, char out[11])
{
    int y, m, d;
    kpi_date_to_ymd(days, &y, &m, &d);
    put_digits(out, y, 4);
    out[4] = '-';
    put_digits(out + 5, m, 2);
    out[7] = '-';
    put_digits(out + 8, d, 2);
    out[10] = '\0';
}

int32_t kpi_month_of(int32_t days)
{
    int y, m, d;
    kpi_date_to_ymd(days, &y, &m, &d);
    return y * 12 + (m - 1);
}

int32_t kpi_month_first_day(int32_t month)
{
    return kpi_date_from_ymd(month / 12, month % 12 + 1, 1);
}

int32_t kpi_month_last_day(int32_t month)
{
    int y = month / 12, m = month % 12 + 1;
    return kpi_date_from_ymd(y, m, days_in_month(y, m));
}

bool kpi_month_parse(const char *s, size_t len, int32_t *out)
{
    int y, m;
    if (len != 7 || s[4] != '-')
        return false;
    if (!digits(s, 4, &y) || !digits(s + 5, 2, &m))
        return false;
    if (y < 1 || m < 1 || m > 12)
        return false;
    *out = y * 12 + (m - 1);
    return true;
}

void kpi_month_format(int32_t month, char out[8])
{
    put_digits(out, month / 12, 4);
    out[4] = '-';
    put_digits(out + 5, month % 12 + 1, 2);
    out[7] = '\0';
}
