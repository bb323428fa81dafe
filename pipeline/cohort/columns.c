/*
 * pipeline/cohort/columns.c - the tables and layouts of columns.h.
 */
#include "columns.h"

#include <stdio.h>

#include "pipeline/config.h"

#define COHORT_COL_ENTRY(id, name, type) [id] = {name, type, name},

static const struct schema_column sheet_cols[] = {
    COHORT_SHEET_COLUMNS(COHORT_COL_ENTRY)};
static const struct schema_column members_cols[] = {
    COHORT_MEMBERS_COLUMNS(COHORT_COL_ENTRY)};
static const struct schema_column changes_cols[] = {
    COHORT_CHANGES_COLUMNS(COHORT_COL_ENTRY)};
static const struct schema_column wl_cols[] = {
    COHORT_WL_COLUMNS(COHORT_COL_ENTRY)};
static const struct schema_column review_cols[] = {
    COHORT_REVIEW_COLUMNS(COHORT_COL_ENTRY)};
static const struct schema_column review_wl_cols[] = {
    COHORT_REVIEW_WL_COLUMNS(COHORT_COL_ENTRY)};
static const struct schema_column show_cols[] = {
    COHORT_SHOW_COLUMNS(COHORT_COL_ENTRY)};

#define TABLE(file, cols)                                                      \
    {                                                                          \
        file, cols, sizeof(cols) / sizeof(cols[0])                             \
    }

const struct schema cohort_sheet_table =
    TABLE("picks-YYYY-MM-REGION.csv", sheet_cols);
const struct schema cohort_members_table =
    TABLE("cohort-YYYY-MM.csv", members_cols);
const struct schema cohort_changes_table =
    TABLE("changes-YYYY-MM.csv", changes_cols);
const struct schema cohort_wl_table = {NULL, wl_cols, CW_COUNT};
const struct schema cohort_review_table =
    TABLE("review-YYYY-MM-REGION-YYYY-MM-DD.csv", review_cols);
const struct schema cohort_review_wl_table = {NULL, review_wl_cols, RW_COUNT};
const struct schema cohort_show_table = TABLE("cohort show --csv", show_cols);

const struct cohort_layout cohort_members_layout = {&cohort_members_table,
                                                    &cohort_wl_table, CM_COUNT};
const struct cohort_layout cohort_changes_layout = {&cohort_changes_table,
                                                    &cohort_wl_table, CH_COUNT};
const struct cohort_layout cohort_review_layout = {
    &cohort_review_table, &cohort_review_wl_table, RV_AS_OF_MONTH_AT_FREEZE};

size_t cohort_layout_width(const struct cohort_layout *l, int n_workloads)
{
    return l->fixed->n_cols + (size_t)n_workloads * l->group->n_cols;
}

void cohort_layout_at(const struct cohort_layout *l, int n_workloads, size_t i,
                      int *w, size_t *col)
{
    size_t groups = (size_t)n_workloads * l->group->n_cols;
    *w = -1;
    if (i < l->group_at) {
        *col = i;
    } else if (i - l->group_at < groups) {
        *w = (int)((i - l->group_at) / l->group->n_cols);
        *col = (i - l->group_at) % l->group->n_cols;
    } else {
        *col = i - groups;
    }
}

size_t cohort_layout_group_index(const struct cohort_layout *l, int w,
                                 size_t col)
{
    return l->group_at + (size_t)w * l->group->n_cols + col;
}

void cohort_layout_name(const struct cohort_layout *l,
                        const char *const *workloads, int n_workloads, size_t i,
                        char *out, size_t cap)
{
    int w;
    size_t col;
    cohort_layout_at(l, n_workloads, i, &w, &col);
    if (w < 0)
        snprintf(out, cap, "%s", l->fixed->col[col].name);
    else
        snprintf(out, cap, "%s%s", workloads[w], l->group->col[col].name);
}

void cohort_layout_header(struct csv_writer *w, const struct cohort_layout *l,
                          const char *const *workloads, int n_workloads)
{
    char name[CONFIG_CODE_MAX + 64];
    size_t n = cohort_layout_width(l, n_workloads);
    for (size_t i = 0; i < n; i++) {
        cohort_layout_name(l, workloads, n_workloads, i, name, sizeof(name));
        csv_writer_plain(w, name);
    }
    csv_writer_end(w);
}

void cohort_layout_row(struct csv_writer *w, const struct cohort_layout *l,
                       int n_workloads, cohort_value_fn value, const void *row)
{
    char buf[512];
    size_t n = cohort_layout_width(l, n_workloads);
    for (size_t i = 0; i < n; i++) {
        int wl;
        size_t col;
        cohort_layout_at(l, n_workloads, i, &wl, &col);
        const struct schema *sc = wl < 0 ? l->fixed : l->group;
        struct schema_value v = value(row, wl, col, buf, sizeof(buf));
        schema_csv_value(w, sc->col[col].type, &v);
    }
    csv_writer_end(w);
}

void cohort_table_row(struct csv_writer *w, const struct schema *sc,
                      cohort_value_fn value, const void *row)
{
    char buf[512];
    for (size_t col = 0; col < sc->n_cols; col++) {
        struct schema_value v = value(row, -1, col, buf, sizeof(buf));
        schema_csv_value(w, sc->col[col].type, &v);
    }
    csv_writer_end(w);
}
