/*
 * pipeline/report/sheet_groups.c - the By region and By FM sheets: the
 * customers rolled up per region and per FM (facts.region, facts.fm), for
 * a program manager who reviews the program a region or an FM at a time.
 */
#include "sheets.h"

static const struct sheet_source regions = {&report_groups, report_region_value,
                                            NULL, NULL};
static const struct sheet_source fms = {&report_groups, report_fm_value, NULL,
                                        NULL};

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
    struct sheet s;
    sheet_list_open(&s, x, name, list, 1);
    for (size_t i = 0; i < n; i++)
        if (!sheet_list_row(&s, i))
            break;
    sheet_close(&s);
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
