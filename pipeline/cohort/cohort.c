/*
 * pipeline/cohort/cohort.c - the notice rule and the report of problems and
 * notes (cohort.h).
 */
#include "cohort.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pipeline/base/grow.h"

#include "pipeline/base/testing.h"

int32_t cohort_earliest_effective(int32_t recorded_on)
{
    return recorded_on + COHORT_NOTICE_DAYS;
}

void cohort_report_init(struct cohort_report *r)
{
    memset(r, 0, sizeof(*r));
}

void cohort_report_release(struct cohort_report *r)
{
    for (size_t i = 0; i < r->n; i++)
        free(r->line[i]);
    free(r->line);
    memset(r, 0, sizeof(*r));
}

bool cohort_report_add(struct cohort_report *r, const char *fmt, ...)
{
    char **line = grow_array(r->line, &r->cap, r->n + 1, sizeof(*line));
    if (!line)
        return false;
    r->line = line;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        return false;
    char *s = malloc((size_t)n + 1);
    if (!s)
        return false;
    va_start(ap, fmt);
    vsnprintf(s, (size_t)n + 1, fmt, ap);
    va_end(ap);
    r->line[r->n++] = s;
    return true;
}
