/*
 * kpi/date.h - calendar dates and months as plain integers.
 *
 * A date is the number of days since 1970-01-01 (proleptic Gregorian), so
 * "days between" is a subtraction. A month is year * 12 + (month - 1).
 * KPI_NO_DATE marks an unknown date. Pure functions: no I/O, no allocation.
 */
#ifndef FTK_KPI_DATE_H
#define FTK_KPI_DATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define KPI_NO_DATE INT32_MIN

/* Days since 1970-01-01 of the civil date y-m-d (m 1..12, d 1..31).
 * The caller guarantees the date is valid. */
int32_t kpi_date_from_ymd(int y, int m, int d);

/* The civil date of a day number. */
void kpi_date_to_ymd(int32_t days, int *y, int *m, int *d);

/* Parses exactly "YYYY-MM-DD" (len 10, ASCII digits, years 0001-9999, a
 * real calendar date). Returns false for anything else. */
bool kpi_date_parse(const char *s, size_t len, int32_t *out);

/* Writes "YYYY-MM-DD" and a NUL into out. */
void kpi_date_format(int32_t days, char out[11]);

/* The month (year * 12 + month - 1) a date falls in. */
int32_t kpi_month_of(int32_t days);

/* First and last day of a month. */
int32_t kpi_month_first_day(int32_t month);
int32_t kpi_month_last_day(int32_t month);

/* Parses exactly "YYYY-MM" (years 0001-9999, months 01-12). */
bool kpi_month_parse(const char *s, size_t len, int32_t *out);

/* Writes "YYYY-MM" and a NUL into out. */
void kpi_month_format(int32_t month, char out[8]);

#endif
