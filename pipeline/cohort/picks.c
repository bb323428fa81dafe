/*
 * pipeline/cohort/picks.c - picking sheets written and read, and the
 * selection for a freeze (picks.h).
 */
#include "picks.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "kpi/date.h"
#include "pipeline/base/csv_writer.h"
#include "pipeline/base/grow.h"
#include "pipeline/base/sort.h"
#include "pipeline/cohort/columns.h"
#include "pipeline/cohort/common.h"
#include "pipeline/ingest/csv_reader.h"
#include "pipeline/report/tables.h"

#include "pipeline/base/testing.h"

/* Digits s[0..n) as a number, n at least 1 and at most 4. */
static bool digits(const char *s, size_t n, int *v)
{
    if (n == 0 || n > 4)
        return false;
    *v = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return false;
        *v = *v * 10 + (s[i] - '0');
    }
    return true;
}

/* A month from its parts, a two-digit year in 2000-2099. */
static bool month_of_parts(int y, size_t ylen, int m, int32_t *out)
{
    if (ylen == 2)
        y += 2000;
    else if (ylen != 4)
        return false;
    char text[16];
    snprintf(text, sizeof(text), "%04d-%02d", y, m);
    return m >= 1 && m <= 12 && kpi_month_parse(text, 7, out);
}

/* A cohort_month cell: YYYY-MM as pick writes it, or the forms Excel turns
 * it into when the sheet is opened and saved again (it reads "2026-11" as
 * the date 1 November 2026): "Nov-26" or "Nov-2026", "2026-11-01" or
 * "2026/11/01", "11/1/2026" (US) or "1/11/2026" (most of Europe), years
 * of two digits too. A full date must be the first of its month, which
 * also tells the US order from the European one (docs/cohorts.md). */
static bool sheet_month_parse(const char *s, size_t len, int32_t *out)
{
    static const char *const names[] = {"jan", "feb", "mar", "apr",
                                        "may", "jun", "jul", "aug",
                                        "sep", "oct", "nov", "dec"};
    if (kpi_month_parse(s, len, out))
        return true;
    /* Mon-YY, Mon-YYYY, Mon YYYY */
    if (len >= 6 && (s[3] == '-' || s[3] == ' ')) {
        for (int m = 0; m < 12; m++) {
            int y;
            if (strncasecmp(s, names[m], 3) == 0 && digits(s + 4, len - 4, &y))
                return month_of_parts(y, len - 4, m + 1, out);
        }
        return false;
    }
    /* three numbers separated by one '-' or '/' each */
    const char *p[3];
    size_t n[3];
    size_t k = 0, start = 0;
    char sep = 0;
    for (size_t i = 0; i <= len && k < 3; i++) {
        if (i < len && s[i] != '-' && s[i] != '/')
            continue;
        if (i < len && sep && s[i] != sep)
            return false;
        if (i < len)
            sep = s[i];
        p[k] = s + start;
        n[k++] = i - start;
        start = i + 1;
    }
    int a, b, c;
    if (k != 3 || start != len + 1 || !digits(p[0], n[0], &a) ||
        !digits(p[1], n[1], &b) || !digits(p[2], n[2], &c))
        return false;
    if (n[0] == 4) /* YYYY-MM-DD, YYYY/MM/DD */
        return c == 1 && n[1] <= 2 && n[2] <= 2 && month_of_parts(a, 4, b, out);
    if (sep != '/' || n[0] > 2 || n[1] > 2)
        return false;
    if (b == 1) /* M/1/YYYY */
        return month_of_parts(c, n[2], a, out);
    if (a == 1) /* 1/M/YYYY */
        return month_of_parts(c, n[2], b, out);
    return false;
}

void cohort_pick_name(int32_t month, const char *region, char *out, size_t cap)
{
    char m[8], safe[128];
    kpi_month_format(month, m);
    cohort_safe_name(region, safe, sizeof(safe));
    snprintf(out, cap, "picks-%s-%s.csv", m, safe);
}

/* Users to goal descending, then tenant_id: the order of the candidates
 * (docs/kpis.md, "Opportunity review: focus areas"). */
static int by_users_to_goal(const void *a, const void *b)
{
    const struct cohort_customer *x = *(const struct cohort_customer *const *)a;
    const struct cohort_customer *y = *(const struct cohort_customer *const *)b;
    if (x->kpis.users_to_goal != y->kpis.users_to_goal)
        return x->kpis.users_to_goal > y->kpis.users_to_goal ? -1 : 1;
    return strcmp(x->tenant_id, y->tenant_id);
}

/* The candidates of region in candidate order; *list owned by the caller
 * (NULL when out of memory). */
static const struct cohort_customer **
region_candidates(const struct cohort_run *run, const char *region, size_t *n)
{
    const struct cohort_customer **list =
        calloc(run->n_customers + 1, sizeof(*list));
    *n = 0;
    if (!list)
        return NULL;
    for (size_t i = 0; i < run->n_customers; i++) {
        const struct cohort_customer *c = &run->customer[i];
        if (c->kpis.focus != 0 && strcmp(c->region, region) == 0)
            list[(*n)++] = c;
    }
    sort_array(list, *n, sizeof(*list), by_users_to_goal);
    return list;
}

/* A row of a picking sheet. */
struct sheet_row {
    const struct cohort_customer *c;
    int32_t cohort_month, as_of_month;
};

static struct schema_value sheet_value(const void *row, int w, size_t col,
                                       char *buf, size_t cap)
{
    const struct sheet_row *r = row;
    const struct cohort_customer *c = r->c;
    (void)w;
    switch ((enum cohort_sheet_col)col) {
    case PS_PICK:
        return cohort_none(); /* for the lead */
    case PS_TENANT_ID:
        return cohort_text(c->tenant_id);
    case PS_CUSTOMER_NAME:
        return cohort_text(c->customer_name);
    case PS_REGION:
        return cohort_text(c->region);
    case PS_FM:
        return cohort_text(c->fm);
    case PS_USERS_TO_GOAL:
        return cohort_num(true, c->kpis.users_to_goal);
    case PS_HEALTH:
        return cohort_num(true, c->kpis.health);
    case PS_CORE_AU_PCT:
        return cohort_num(c->kpis.core_au_defined, c->kpis.core_au);
    case PS_FOCUS_AREAS:
        kpi_focus_join(c->kpis.focus, buf, cap);
        return cohort_text(buf);
    case PS_FOCUS_DETAILS:
        return cohort_text(text_str(&c->details));
    case PS_COHORT_MONTH:
        return cohort_num(true, r->cohort_month);
    case PS_AS_OF_MONTH:
        return cohort_num(true, r->as_of_month);
    case PS_COUNT:
        break;
    }
    return cohort_none();
}

bool cohort_pick_write(FILE *f, const struct cohort_run *run,
                       const char *region, int32_t month)
{
    size_t n;
    const struct cohort_customer **list = region_candidates(run, region, &n);
    if (!list)
        return false;
    struct csv_writer w;
    csv_writer_init(&w, f, true);
    schema_csv_header(&w, &cohort_sheet_table);
    for (size_t i = 0; i < n; i++) {
        struct sheet_row row = {list[i], month, run->as_of_month};
        cohort_table_row(&w, &cohort_sheet_table, sheet_value, &row);
    }
    free(list);
    return !csv_writer_error(&w);
}

/* The columns of a filled-in sheet that are read, in the order a missing
 * one is named; the others may be deleted or changed. */
static const struct cohort_need sheet_need[] = {
    {PS_TENANT_ID, true},
    {PS_PICK, true},
    {PS_REGION, false},
    {PS_COHORT_MONTH, false},
};

/* The name of a column of the sheet. */
static const char *ps(int col)
{
    return cohort_sheet_table.col[col].name;
}

static enum ftk_error picks_file(struct cohort_picks *p, const char *path,
                                 struct cohort_report *problems, size_t *rows,
                                 struct ftk_diag *diag)
{
    int idx[PS_COUNT];
    struct csv_reader *r = NULL;
    size_t n_fields;
    bool ok = true;
    enum ftk_error err = cohort_table_open(
        path, &cohort_sheet_table, sheet_need,
        sizeof(sheet_need) / sizeof(sheet_need[0]), idx, &r, &n_fields, diag);
    while (err == FTK_OK && ok) {
        const struct csv_record *rec;
        err = csv_reader_next(r, &rec, diag);
        if (err != FTK_OK || !rec)
            break;
        bool empty = true;
        for (size_t i = 0; i < rec->n_fields && empty; i++)
            empty = rec->len[i] == 0;
        if (empty)
            continue; /* a row a spreadsheet left with only its commas */
        if (rec->n_fields != n_fields) {
            ok = cohort_report_add(
                problems,
                "%s:%llu: %zu fields, expected %zu as in the "
                "header",
                path, (ull)rec->line, rec->n_fields, n_fields);
            continue;
        }
        struct cohort_cell tenant = cohort_cell_at(rec, idx[PS_TENANT_ID]),
                           pick = cohort_cell_at(rec, idx[PS_PICK]),
                           region = cohort_cell_at(rec, idx[PS_REGION]),
                           month = cohort_cell_at(rec, idx[PS_COHORT_MONTH]);
        struct cohort_pick_row row = {
            .file = path, .line = rec->line, .cohort_month = KPI_NO_DATE};
        if (tenant.len == 0) {
            ok = cohort_report_add(problems, "%s:%llu: no %s", path,
                                   (ull)rec->line, ps(PS_TENANT_ID));
            continue;
        }
        if (cohort_cell_is(pick, "x") || cohort_cell_is(pick, "yes") ||
            cohort_cell_is(pick, "y") || cohort_cell_is(pick, "1") ||
            cohort_cell_is(pick, "true")) {
            row.picked = true;
        } else if (!(pick.len == 0 || cohort_cell_is(pick, "no") ||
                     cohort_cell_is(pick, "n") || cohort_cell_is(pick, "0") ||
                     cohort_cell_is(pick, "false"))) {
            ok = cohort_report_add(problems, "%s:%llu: %s '%.*s': expected %s",
                                   path, (ull)rec->line, ps(PS_PICK),
                                   pick.len > 40 ? 40 : (int)pick.len, pick.s,
                                   COHORT_PICK_VALUES);
            continue;
        }
        if (month.len > 0 &&
            !sheet_month_parse(month.s, month.len, &row.cohort_month)) {
            ok = cohort_report_add(
                problems,
                "%s:%llu: %s '%.*s': expected YYYY-MM (or the first of "
                "the month as Excel writes it: Nov-26, 2026-11-01, "
                "11/1/2026)",
                path, (ull)rec->line, ps(PS_COHORT_MONTH),
                month.len > 20 ? 20 : (int)month.len, month.s);
            continue;
        }
        row.tenant_id = cohort_cell_keep(&p->strings, tenant);
        row.region = cohort_cell_keep(&p->strings, region);
        struct cohort_pick_row *grown =
            grow_array(p->row, &p->cap, p->n + 1, sizeof(*grown));
        if (grown)
            p->row = grown;
        if (!row.tenant_id || !row.region || !grown) {
            ok = false;
            break;
        }
        p->row[p->n++] = row;
        (*rows)++;
    }
    csv_reader_close(r);
    if (err == FTK_OK && !ok)
        err = cohort_nomem(diag);
    return err;
}

enum ftk_error cohort_picks_read(struct cohort_picks *p,
                                 const char *const *files, size_t n_files,
                                 struct cohort_report *problems,
                                 struct ftk_diag *diag)
{
    memset(p, 0, sizeof(*p));
    arena_init(&p->strings);
    p->file_rows = calloc(n_files + 1, sizeof(*p->file_rows));
    if (!p->file_rows)
        return cohort_nomem(diag);
    p->n_files = n_files;
    p->files = files;
    for (size_t i = 0; i < n_files; i++) {
        enum ftk_error err =
            picks_file(p, files[i], problems, &p->file_rows[i], diag);
        if (err != FTK_OK) {
            cohort_picks_release(p);
            return err;
        }
    }
    return FTK_OK;
}

void cohort_picks_release(struct cohort_picks *p)
{
    free(p->row);
    free(p->file_rows);
    arena_release(&p->strings);
    memset(p, 0, sizeof(*p));
}

int32_t cohort_picks_month(const struct cohort_picks *p)
{
    for (size_t i = 0; i < p->n; i++)
        if (p->row[i].cohort_month != KPI_NO_DATE)
            return p->row[i].cohort_month;
    return KPI_NO_DATE;
}

void cohort_selection_init(struct cohort_selection *s)
{
    memset(s, 0, sizeof(*s));
    arena_init(&s->strings);
}

void cohort_selection_release(struct cohort_selection *s)
{
    free(s->choice);
    arena_release(&s->strings);
    memset(s, 0, sizeof(*s));
}

static bool choose(struct cohort_selection *s, const struct cohort_customer *c,
                   const char *from)
{
    struct cohort_choice *ch =
        grow_array(s->choice, &s->cap, s->n + 1, sizeof(*ch));
    if (!ch)
        return false;
    s->choice = ch;
    const char *kept = arena_strndup(&s->strings, from, strlen(from));
    if (!kept)
        return false;
    s->choice[s->n++] = (struct cohort_choice){c, kept};
    return true;
}

static int choice_cmp(const void *a, const void *b)
{
    const struct cohort_choice *x = a, *y = b;
    int r = strcmp(x->customer->region, y->customer->region);
    if (r != 0)
        return r;
    return by_users_to_goal(&x->customer, &y->customer);
}

struct pick_ref {
    const char *tenant_id;
    size_t row;
};

static int pick_ref_cmp(const void *a, const void *b)
{
    const struct pick_ref *x = a, *y = b;
    int r = strcmp(x->tenant_id, y->tenant_id);
    if (r != 0)
        return r;
    return x->row < y->row ? -1 : x->row > y->row;
}

/* Marks in dup every row whose tenant is on an earlier row too. */
static bool find_duplicates(const struct cohort_picks *p, bool *dup,
                            struct cohort_report *problems)
{
    struct pick_ref *ref = calloc(p->n + 1, sizeof(*ref));
    if (!ref)
        return false;
    for (size_t i = 0; i < p->n; i++)
        ref[i] = (struct pick_ref){p->row[i].tenant_id, i};
    sort_array(ref, p->n, sizeof(*ref), pick_ref_cmp);
    bool ok = true;
    for (size_t i = 1; i < p->n && ok; i++) {
        if (strcmp(ref[i].tenant_id, ref[i - 1].tenant_id) != 0)
            continue;
        size_t first = i - 1;
        while (first > 0 &&
               strcmp(ref[first - 1].tenant_id, ref[i].tenant_id) == 0)
            first--;
        const struct cohort_pick_row *a = &p->row[ref[first].row],
                                     *b = &p->row[ref[i].row];
        dup[ref[i].row] = true;
        ok = cohort_report_add(
            problems, "%s:%llu: tenant %s is on two rows (first on %s:%llu)",
            b->file, (ull)b->line, b->tenant_id, a->file, (ull)a->line);
    }
    free(ref);
    return ok;
}

/* The picks of one sheet: rows [first, first + n). */
static bool select_sheet(struct cohort_selection *sel,
                         const struct cohort_picks *p, size_t first, size_t n,
                         const char *file, const bool *dup,
                         const struct cohort_run *run, int32_t month,
                         struct cohort_report *problems,
                         struct cohort_report *notes)
{
    const char *sheet_region = NULL;
    for (size_t i = first; i < first + n && !sheet_region; i++)
        if (p->row[i].region[0])
            sheet_region = p->row[i].region;
    for (size_t i = first; i < first + n && !sheet_region; i++) {
        const struct cohort_customer *c =
            p->row[i].picked ? cohort_run_find(run, p->row[i].tenant_id) : NULL;
        if (c)
            sheet_region = c->region;
    }
    char want[8], as_of[8], from[512];
    kpi_month_format(month, want);
    kpi_month_format(run->as_of_month, as_of);
    size_t picked = 0;
    bool ok = true, month_told = false;
    for (size_t i = first; i < first + n && ok; i++) {
        const struct cohort_pick_row *row = &p->row[i];
        if (row->cohort_month != KPI_NO_DATE && row->cohort_month != month &&
            !month_told) {
            char got[8];
            kpi_month_format(row->cohort_month, got);
            month_told = true;
            ok = cohort_report_add(
                problems,
                "%s:%llu: this sheet is for the %s cohort, not "
                "%s",
                file, (ull)row->line, got, want);
        }
        if (ok && row->region[0] && strcmp(row->region, sheet_region) != 0)
            ok = cohort_report_add(
                problems,
                "%s:%llu: region %s, but this sheet is for region "
                "%s",
                file, (ull)row->line, row->region, sheet_region);
        if (!ok || !row->picked)
            continue;
        picked++;
        const struct cohort_customer *c = cohort_run_find(run, row->tenant_id);
        if (!c) {
            ok = cohort_report_add(problems,
                                   "%s:%llu: unknown tenant %s: not in %s/%s",
                                   file, (ull)row->line, row->tenant_id,
                                   run->dir, report_customer_kpis.file);
            continue;
        }
        if (strcmp(c->region, sheet_region) != 0) {
            ok = cohort_report_add(
                problems,
                "%s:%llu: %s (%s) is in region %s, not %s (this "
                "sheet's region)",
                file, (ull)row->line, c->tenant_id, c->customer_name, c->region,
                sheet_region);
            continue;
        }
        if (dup[i])
            continue;
        if (c->kpis.focus == 0)
            ok = cohort_report_add(
                notes,
                "%s:%llu: %s (%s) is not a candidate in %s; it is "
                "frozen with no focus area",
                file, (ull)row->line, c->tenant_id, c->customer_name, as_of);
        snprintf(from, sizeof(from), "%s:%llu", cohort_base_name(file),
                 (ull)row->line);
        if (ok)
            ok = choose(sel, c, from);
    }
    if (ok && picked == 0)
        ok = cohort_report_add(
            problems,
            "%s: nothing picked: put x in the pick column of the "
            "customers to review, or leave this sheet out",
            file);
    return ok;
}

enum ftk_error cohort_select_picks(struct cohort_selection *sel,
                                   const struct cohort_picks *p,
                                   const struct cohort_run *run, int32_t month,
                                   struct cohort_report *problems,
                                   struct cohort_report *notes,
                                   struct ftk_diag *diag)
{
    bool *dup = calloc(p->n + 1, sizeof(*dup));
    if (!dup)
        return cohort_nomem(diag);
    bool ok = find_duplicates(p, dup, problems);
    size_t first = 0;
    for (size_t f = 0; f < p->n_files && ok; f++) {
        ok = select_sheet(sel, p, first, p->file_rows[f], p->files[f], dup, run,
                          month, problems, notes);
        first += p->file_rows[f];
    }
    free(dup);
    if (!ok)
        return cohort_nomem(diag);
    if (problems->n > 0)
        return ftk_fail(diag, FTK_E_DATA,
                        "%zu problem%s in the picks; nothing frozen",
                        problems->n, problems->n == 1 ? "" : "s");
    if (sel->n == 0)
        return ftk_fail(diag, FTK_E_DATA,
                        "nothing picked in the sheets; nothing frozen");
    sort_array(sel->choice, sel->n, sizeof(sel->choice[0]), choice_cmp);
    return FTK_OK;
}

enum ftk_error cohort_select_top(struct cohort_selection *sel,
                                 const struct cohort_run *run, unsigned n,
                                 const char *const *regions, size_t n_regions,
                                 struct ftk_diag *diag)
{
    char from[32];
    snprintf(from, sizeof(from), "top %u", n);
    size_t count = n_regions ? n_regions : run->n_regions;
    for (size_t r = 0; r < count; r++) {
        const char *region = n_regions ? regions[r] : run->region[r];
        bool seen = false;
        for (size_t q = 0; q < r && n_regions && !seen; q++)
            seen = strcmp(regions[q], region) == 0;
        if (seen)
            continue;
        size_t nc;
        const struct cohort_customer **list =
            region_candidates(run, region, &nc);
        if (!list)
            return cohort_nomem(diag);
        if (nc == 0 && n_regions) {
            free(list);
            return ftk_fail(diag, FTK_E_DATA,
                            "region %s has no candidate in %s/%s: nothing "
                            "to freeze",
                            region, run->dir, report_customer_kpis.file);
        }
        bool ok = true;
        for (size_t i = 0; i < nc && i < n && ok; i++)
            ok = choose(sel, list[i], from);
        free(list);
        if (!ok)
            return cohort_nomem(diag);
    }
    if (sel->n == 0)
        return ftk_fail(diag, FTK_E_DATA,
                        "no candidate in %s/%s: nothing to freeze", run->dir,
                        report_customer_kpis.file);
    sort_array(sel->choice, sel->n, sizeof(sel->choice[0]), choice_cmp);
    return FTK_OK;
}
