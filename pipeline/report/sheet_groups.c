/*
 * pipeline/report/sheet_groups.c - the By region and By FM sheets: the
 * customers rolled up per region and per FM (facts.region, facts.fm), for
 * a program manager who reviews the program a region or an FM at a time.
 */
#include "sheets.h"

/* A group ranks by its customers' users to goal, ties by its name. */
static void region_rank(const struct sheet_book *x, size_t item,
                        struct sheet_rank *out)
{
    const struct fact_group *g = &x->f->region[item];
    *out = (struct sheet_rank){true, g->users_to_goal, g->name};
}

static void fm_rank(const struct sheet_book *x, size_t item,
                    struct sheet_rank *out)
{
    const struct fact_group *g = &x->f->fm[item];
    *out = (struct sheet_rank){true, g->users_to_goal, g->name};
}

static const struct sheet_source regions = {
    &report_groups, report_region_value,
    NULL,           NULL,
    region_rank,    "Every customer of every region is in customer_kpis.csv"};
static const struct sheet_source fms = {
    &report_groups,
    report_fm_value,
    NULL,
    NULL,
    fm_rank,
    "Every FM's customers are in the FM's book under fm/ and in "
    "customer_kpis.csv"};

static const struct sheet_list_col region_cols[] = {
    {.id = GR_NAME},        {.id = GR_CUSTOMERS},     {.id = GR_GREEN},
    {.id = GR_YELLOW},      {.id = GR_RED},           {.id = GR_NA},
    {.id = GR_CORE_AU_PCT}, {.id = GR_USERS_TO_GOAL}, {.id = GR_CANDIDATES},
    {.id = GR_PLATEAUS},    {.id = GR_LOSERS},
};

/* The FM first, then its regions; a customer without an FM counts under
 * SHEET_NO_FM. */
static const struct sheet_list_col fm_cols[] = {
    {.id = GR_NAME, .title = "FM", .if_empty = SHEET_NO_FM},
    {.id = GR_REGIONS, .cap = SHEET_NAME_WIDTH},
    {.id = GR_CUSTOMERS},
    {.id = GR_GREEN},
    {.id = GR_YELLOW},
    {.id = GR_RED},
    {.id = GR_NA},
    {.id = GR_CORE_AU_PCT},
    {.id = GR_USERS_TO_GOAL},
    {.id = GR_CANDIDATES},
    {.id = GR_PLATEAUS},
    {.id = GR_LOSERS},
};

static void write_groups(struct sheet_book *x, const char *name,
                         const struct sheet_list *list, size_t n)
{
    struct sheet_items it = {0};
    sheet_items_range(x, &it, n);
    sheet_list_write(x, name, list, 1, &it);
}

void sheet_by_region_write(struct sheet_book *x)
{
    static const struct sheet_list list = SHEET_LIST(regions, region_cols);
    write_groups(x, "By region", &list, x->f->n_regions);
}

void sheet_by_fm_write(struct sheet_book *x)
{
    static const struct sheet_list list = SHEET_LIST(fms, fm_cols);
    write_groups(x, "By FM", &list, x->f->n_fms);
}
