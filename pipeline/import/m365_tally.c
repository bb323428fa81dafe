/*
 * pipeline/import/m365_tally.c - entries per tenant, date and workload.
 */
#include "m365_tally.h"

#include <stdlib.h>
#include <string.h>

#include "kpi/date.h"
#include "pipeline/base/grow.h"
#include "pipeline/base/sort.h"
#include "pipeline/base/testing.h"

enum ftk_error m365_tally_add(struct m365_tally *t, const char *tenant,
                              const struct m365_file *f, struct ftk_diag *diag)
{
    if (f->kind == M365_UNKNOWN || f->refresh_date == KPI_NO_DATE)
        return FTK_OK;
    /* a tenant's reports come one after the other: look back over its
     * entries only */
    for (size_t i = t->n_entries; i-- > 0;) {
        const struct m365_entry *e = &t->entry[i];
        if (strcmp(e->tenant, tenant) != 0)
            break;
        if (e->source != f->kind || e->date != f->refresh_date)
            continue;
        char day[11];
        kpi_date_format(f->refresh_date, day);
        return ftk_fail(diag, FTK_E_DATA,
                        "%s: a second %s report of tenant %s for refresh "
                        "date %s (the first is %s): expected one report of "
                        "each kind per tenant and date; remove one",
                        f->path, m365_kind_name(f->kind), tenant, day, e->path);
    }
    struct m365_entry *grown = grow_array(
        t->entry, &t->cap, t->n_entries + M365_WORKLOADS, sizeof(*t->entry));
    if (!grown)
        return ftk_fail(diag, FTK_E_NOMEM, "out of memory");
    t->entry = grown;
    for (int w = 0; w < M365_WORKLOADS; w++)
        t->entry[t->n_entries++] = (struct m365_entry){
            .tenant = tenant,
            .date = f->refresh_date,
            .workload = w,
            .source = f->kind,
            .period = f->period,
            .qe = f->qe[w],
            .ae = f->ae[w],
            .path = f->path,
        };
    return FTK_OK;
}

/* Date, tenant, workload code; detail before counts. */
static int entry_cmp(const void *a, const void *b)
{
    const struct m365_entry *x = a, *y = b;
    if (x->date != y->date)
        return x->date < y->date ? -1 : 1;
    int c = strcmp(x->tenant, y->tenant);
    if (c != 0)
        return c;
    c = strcmp(m365_workload_code(x->workload),
               m365_workload_code(y->workload));
    if (c != 0)
        return c;
    return (int)x->source - (int)y->source; /* M365_DETAIL first */
}

void m365_tally_finish(struct m365_tally *t)
{
    sort_array(t->entry, t->n_entries, sizeof(*t->entry), entry_cmp);
    size_t kept = 0;
    for (size_t i = 0; i < t->n_entries; i++) {
        const struct m365_entry *e = &t->entry[i];
        if (kept > 0) {
            const struct m365_entry *k = &t->entry[kept - 1];
            /* the same key again: a counts entry a detail one covers */
            if (k->date == e->date && k->workload == e->workload &&
                strcmp(k->tenant, e->tenant) == 0)
                continue;
        }
        t->entry[kept++] = *e;
    }
    t->n_entries = kept;
}

size_t m365_tally_date_end(const struct m365_tally *t, size_t start)
{
    size_t end = start;
    while (end < t->n_entries && t->entry[end].date == t->entry[start].date)
        end++;
    return end;
}

void m365_tally_release(struct m365_tally *t)
{
    free(t->entry);
    memset(t, 0, sizeof(*t));
}
