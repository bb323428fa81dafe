/*
 * pipeline/cohort/common.c - cells read back, values parsed, headers mapped
 * (common.h).
 */
#include "common.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "kpi/date.h"

#include "pipeline/base/testing.h"

struct cohort_cell cohort_cell_at(const struct csv_record *rec, int col)
{
    if (col < 0 || (size_t)col >= rec->n_fields)
        return (struct cohort_cell){"", 0};
    struct cohort_cell c = {rec->field[col], rec->len[col]};
    if (c.len >= 2 && c.s[0] == '\'' && memchr("=+-@\t\r", c.s[1], 6)) {
        c.s++;
        c.len--;
    }
    return c;
}

bool cohort_cell_is(struct cohort_cell c, const char *word)
{
    return c.len == strlen(word) && strncasecmp(c.s, word, c.len) == 0;
}

const char *cohort_cell_keep(struct arena *a, struct cohort_cell c)
{
    return arena_strndup(a, c.s, c.len);
}

bool cohort_parse_count(struct cohort_cell c, int64_t *out)
{
    if (c.len == 0 || c.len > 18)
        return false;
    int64_t v = 0;
    for (size_t i = 0; i < c.len; i++) {
        if (c.s[i] < '0' || c.s[i] > '9')
            return false;
        v = v * 10 + (c.s[i] - '0');
    }
    *out = v;
    return true;
}

bool cohort_parse_centi(struct cohort_cell c, kpi_centi *out)
{
    size_t i = 0;
    bool neg = c.len > 0 && c.s[0] == '-';
    if (neg)
        i++;
    int64_t whole = 0, frac = 0;
    size_t digits = 0, decimals = 0;
    for (; i < c.len && c.s[i] >= '0' && c.s[i] <= '9'; i++, digits++) {
        if (digits == 15)
            return false;
        whole = whole * 10 + (c.s[i] - '0');
    }
    if (digits == 0)
        return false;
    if (i < c.len && c.s[i] == '.') {
        for (i++; i < c.len && c.s[i] >= '0' && c.s[i] <= '9'; i++) {
            if (++decimals > 2)
                return false;
            frac = frac * 10 + (c.s[i] - '0');
        }
        if (decimals == 0)
            return false;
        if (decimals == 1)
            frac *= 10;
    }
    if (i != c.len)
        return false;
    *out = (neg ? -1 : 1) * (whole * 100 + frac);
    return true;
}

bool cohort_parse_health(struct cohort_cell c, enum kpi_health *out)
{
    static const enum kpi_health all[] = {KPI_HEALTH_NA, KPI_HEALTH_RED,
                                          KPI_HEALTH_YELLOW, KPI_HEALTH_GREEN};
    for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++)
        if (cohort_cell_is(c, kpi_health_name(all[i]))) {
            *out = all[i];
            return true;
        }
    return false;
}

bool cohort_parse_focus(struct cohort_cell c, unsigned *out)
{
    unsigned focus = 0;
    size_t i = 0;
    while (i < c.len) {
        size_t j = i;
        while (j < c.len && c.s[j] != ';')
            j++;
        struct cohort_cell code = {c.s + i, j - i};
        int a = 0;
        while (a < KPI_FOCUS_COUNT &&
               !cohort_cell_is(code, kpi_focus_code((enum kpi_focus)a)))
            a++;
        if (a == KPI_FOCUS_COUNT || (focus & (1u << a)))
            return false;
        focus |= 1u << a;
        i = j + 1;
        if (j < c.len && i == c.len)
            return false; /* a trailing ';' */
    }
    *out = focus;
    return true;
}

enum ftk_error cohort_bad_cell(struct ftk_diag *diag, const char *path,
                               uint64_t line, const char *column,
                               struct cohort_cell c, const char *expected)
{
    int shown = c.len > 60 ? 60 : (int)c.len;
    return ftk_fail(diag, FTK_E_DATA, "%s:%llu: %s '%.*s%s': expected %s", path,
                    (ull)line, column, shown, c.s, c.len > 60 ? "..." : "",
                    expected);
}

/* True when column col of the table is among the needed ones. */
static bool needed(const struct cohort_need *need, size_t n_need, int col)
{
    for (size_t k = 0; k < n_need; k++)
        if (need[k].col == col)
            return true;
    return false;
}

enum ftk_error cohort_table_open(const char *path, const struct schema *sc,
                                 const struct cohort_need *need, size_t n_need,
                                 int *idx, struct csv_reader **r,
                                 size_t *n_fields, struct ftk_diag *diag)
{
    const struct csv_record *h;
    enum ftk_error err = csv_reader_open(r, path, diag);
    if (err != FTK_OK)
        return err;
    err = csv_reader_next(*r, &h, diag);
    if (err == FTK_OK && !h)
        err = ftk_fail(diag, FTK_E_DATA,
                       "%s: empty file: expected a header row", path);
    if (err != FTK_OK)
        goto out;
    for (size_t c = 0; c < sc->n_cols; c++)
        idx[c] = -1;
    if (h->n_fields == 1 && memchr(h->field[0], ';', h->len[0])) {
        err = ftk_fail(diag, FTK_E_DATA,
                       "%s:%llu: the columns are separated by ';', not ',': "
                       "save it as CSV with commas (in Excel: \"CSV UTF-8 "
                       "(Comma delimited)\")",
                       path, (ull)h->line);
        goto out;
    }
    for (size_t f = 0; f < h->n_fields; f++) {
        struct cohort_cell c = cohort_cell_at(h, (int)f);
        int col = schema_match(sc, c.s, c.len);
        if (col < 0 || !needed(need, n_need, col))
            continue;
        if (idx[col] >= 0) {
            err = ftk_fail(diag, FTK_E_DATA,
                           "%s:%llu: column '%s' appears twice (columns %d "
                           "and %zu)",
                           path, (ull)h->line, sc->col[col].name, idx[col] + 1,
                           f + 1);
            goto out;
        }
        idx[col] = (int)f;
    }
    for (size_t k = 0; k < n_need; k++)
        if (need[k].required && idx[need[k].col] < 0) {
            err = ftk_fail(diag, FTK_E_DATA,
                           "%s:%llu: no '%s' column in the header", path,
                           (ull)h->line, sc->col[need[k].col].name);
            goto out;
        }
    *n_fields = h->n_fields;
out:
    if (err != FTK_OK) {
        csv_reader_close(*r);
        *r = NULL;
    }
    return err;
}

enum ftk_error cohort_field_count(const char *path,
                                  const struct csv_record *rec, size_t want,
                                  struct ftk_diag *diag)
{
    if (rec->n_fields == want)
        return FTK_OK;
    return ftk_fail(diag, FTK_E_DATA,
                    "%s:%llu: %zu fields, expected %zu as in the header", path,
                    (ull)rec->line, rec->n_fields, want);
}

void cohort_safe_name(const char *s, char *out, size_t cap)
{
    size_t i = 0;
    for (; s[i] && i + 1 < cap; i++) {
        char ch = s[i];
        bool ok = (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') ||
                  (ch >= '0' && ch <= '9') || ch == '-' || ch == '_';
        out[i] = ok ? ch : '_';
    }
    out[i] = '\0';
}

struct schema_value cohort_num(bool known, int64_t i)
{
    return (struct schema_value){known, known ? i : 0, NULL};
}

struct schema_value cohort_text(const char *s)
{
    return (struct schema_value){s != NULL, 0, s};
}

struct schema_value cohort_none(void)
{
    return (struct schema_value){false, 0, NULL};
}

char *cohort_path_join(const char *dir, const char *name)
{
    size_t n = strlen(dir) + strlen(name) + 2;
    char *s = malloc(n);
    if (s)
        snprintf(s, n, "%s/%s", dir, name);
    return s;
}

const char *cohort_base_name(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

enum ftk_error cohort_nomem(struct ftk_diag *diag)
{
    return ftk_fail(diag, FTK_E_NOMEM, "out of memory");
}
