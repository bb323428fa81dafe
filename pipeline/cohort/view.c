/*
 * pipeline/cohort/view.c - the cohort on a date (view.h).
 */
#include "view.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kpi/date.h"
#include "pipeline/base/sort.h"
#include "pipeline/base/csv_writer.h"
#include "pipeline/cohort/columns.h"
#include "pipeline/cohort/common.h"

#include "pipeline/base/testing.h"

const char *cohort_status_name(enum cohort_status s)
{
    switch (s) {
    case COHORT_MEMBER:
        return "member";
    case COHORT_LEAVING:
        return "leaving";
    case COHORT_JOINING:
        return "joining";
    case COHORT_REMOVED:
        return "removed";
    }
    return "?";
}

/* Members and leaving ones first, then joining, then removed. */
static int status_rank(enum cohort_status s)
{
    switch (s) {
    case COHORT_MEMBER:
    case COHORT_LEAVING:
        return 0;
    case COHORT_JOINING:
        return 1;
    case COHORT_REMOVED:
        return 2;
    }
    return 3;
}

static int view_row_cmp(const void *a, const void *b)
{
    const struct cohort_view_row *x = a, *y = b;
    int r = strcmp(x->region, y->region);
    if (r != 0)
        return r;
    int sx = status_rank(x->status), sy = status_rank(y->status);
    if (sx != sy)
        return sx < sy ? -1 : 1;
    if (x->baseline->users_to_goal != y->baseline->users_to_goal)
        return x->baseline->users_to_goal > y->baseline->users_to_goal ? -1 : 1;
    return strcmp(x->tenant_id, y->tenant_id);
}

/* The row of a tenant that is a member, leaving or joining, or NULL. */
static struct cohort_view_row *current_row(struct cohort_view *v,
                                           const char *tenant)
{
    for (size_t i = v->n; i-- > 0;)
        if (v->row[i].status != COHORT_REMOVED &&
            strcmp(v->row[i].tenant_id, tenant) == 0)
            return &v->row[i];
    return NULL;
}

/* The row of a tenant whose removal took effect, or NULL. */
static struct cohort_view_row *removed_row(struct cohort_view *v,
                                           const char *tenant)
{
    for (size_t i = v->n; i-- > 0;)
        if (v->row[i].status == COHORT_REMOVED &&
            strcmp(v->row[i].tenant_id, tenant) == 0)
            return &v->row[i];
    return NULL;
}

static void frozen_list(const struct cohort_state *st, char *out, size_t cap)
{
    size_t used = 0;
    out[0] = '\0';
    for (size_t i = 0; i < st->n_members; i++) {
        const char *r = st->member[i].region;
        bool seen = false;
        for (size_t j = 0; j < i && !seen; j++)
            seen = strcmp(st->member[j].region, r) == 0;
        if (seen)
            continue;
        int n = snprintf(out + used, cap - used, "%s%s", used ? ", " : "", r);
        if (n < 0 || (size_t)n >= cap - used)
            break;
        used += (size_t)n;
    }
}

enum ftk_error cohort_view_build(struct cohort_view *v,
                                 const struct cohort_state *st, int32_t date,
                                 const char *region, struct ftk_diag *diag)
{
    memset(v, 0, sizeof(*v));
    v->date = date;
    char month[8];
    kpi_month_format(st->month, month);
    if (!st->frozen)
        return ftk_fail(diag, FTK_E_STATE, "no cohort is frozen for %s in %s",
                        month, st->dir);
    if (region && !cohort_state_region_frozen(st, region, NULL)) {
        char list[512];
        frozen_list(st, list, sizeof(list));
        return ftk_fail(diag, FTK_E_STATE,
                        "region %s has no frozen %s cohort (frozen: %s)",
                        region, month, list);
    }
    size_t n;
    const struct cohort_change **o = cohort_state_ordered(st, NULL, &n);
    v->row = calloc(st->n_members + n + 1, sizeof(*v->row));
    v->pending = calloc(n + 1, sizeof(*v->pending));
    v->applied = calloc(n + 1, sizeof(*v->applied));
    if (!o || !v->row || !v->pending || !v->applied) {
        free(o);
        cohort_view_release(v);
        return cohort_nomem(diag);
    }
    for (size_t i = 0; i < st->n_members; i++) {
        const struct cohort_member *m = &st->member[i];
        if (region && strcmp(m->region, region) != 0)
            continue;
        v->row[v->n++] = (struct cohort_view_row){
            .status = COHORT_MEMBER,
            .region = m->region,
            .tenant_id = m->tenant_id,
            .customer_name = m->customer_name,
            .fm = m->fm,
            .baseline = &m->kpis,
            .since = m->frozen_on,
            .frozen = m,
        };
    }
    for (size_t i = 0; i < n; i++) {
        const struct cohort_change *c = o[i];
        if (region && strcmp(c->region, region) != 0)
            continue;
        bool pending = c->effective_on > date;
        if (pending)
            v->pending[v->n_pending++] = c;
        else
            v->applied[v->n_applied++] = c;
        struct cohort_view_row *cur = current_row(v, c->tenant_id);
        struct cohort_view_row *gone = removed_row(v, c->tenant_id);
        /* A take-back: the opposite of a change effective on the same
         * date cancels it, and the tenant keeps its one row as it was
         * (docs/cohorts.md). */
        if (c->action == COHORT_ADD && gone && gone->event &&
            gone->event->effective_on == c->effective_on) {
            gone->status = COHORT_MEMBER;
            gone->event = NULL;
        } else if (c->action == COHORT_ADD && cur &&
                   cur->status == COHORT_LEAVING &&
                   cur->event->effective_on == c->effective_on) {
            cur->status = COHORT_MEMBER;
            cur->event = NULL;
        } else if (c->action == COHORT_REMOVE && cur && cur->added &&
                   cur->added->effective_on == c->effective_on) {
            *cur = v->row[--v->n]; /* never in the cohort after all */
        } else if (c->action == COHORT_ADD && !cur) {
            v->row[v->n++] = (struct cohort_view_row){
                .status = pending ? COHORT_JOINING : COHORT_MEMBER,
                .region = c->region,
                .tenant_id = c->tenant_id,
                .customer_name = c->customer_name,
                .fm = "",
                .baseline = &c->kpis,
                .since = c->effective_on,
                .added = c,
                .event = pending ? c : NULL,
            };
        } else if (c->action == COHORT_REMOVE && cur &&
                   cur->status == COHORT_MEMBER) {
            cur->status = pending ? COHORT_LEAVING : COHORT_REMOVED;
            cur->event = c;
        }
    }
    free(o);
    /* an added customer's fm is that of its latest frozen row, if any */
    for (size_t i = 0; i < v->n; i++)
        if (v->row[i].added)
            for (size_t j = 0; j < st->n_members; j++)
                if (strcmp(st->member[j].tenant_id, v->row[i].tenant_id) == 0)
                    v->row[i].fm = st->member[j].fm;
    sort_array(v->row, v->n, sizeof(*v->row), view_row_cmp);
    return FTK_OK;
}

void cohort_view_release(struct cohort_view *v)
{
    free(v->row);
    free(v->pending);
    free(v->applied);
    memset(v, 0, sizeof(*v));
}

/* A row of `cohort show --csv`. */
struct show_row {
    const struct cohort_view_row *r;
    int32_t month, date;
};

static struct schema_value show_value(const void *row, int w, size_t col,
                                      char *buf, size_t cap)
{
    const struct show_row *x = row;
    const struct cohort_view_row *r = x->r;
    /* the change behind the row: pending or applied, or the add */
    const struct cohort_change *c = r->event ? r->event : r->added;
    (void)w;
    switch ((enum cohort_show_col)col) {
    case SH_COHORT_MONTH:
        return cohort_num(true, x->month);
    case SH_DATE:
        return cohort_num(true, x->date);
    case SH_REGION:
        return cohort_text(r->region);
    case SH_STATUS:
        return cohort_text(cohort_status_name(r->status));
    case SH_TENANT_ID:
        return cohort_text(r->tenant_id);
    case SH_CUSTOMER_NAME:
        return cohort_text(r->customer_name);
    case SH_SINCE:
        return cohort_num(r->status != COHORT_JOINING, r->since);
    case SH_CHANGE:
        return cohort_num(c != NULL, c ? c->number : 0);
    case SH_EFFECTIVE_ON:
        return cohort_num(c != NULL, c ? c->effective_on : 0);
    case SH_RECORDED_ON:
        return cohort_num(c != NULL, c ? c->recorded_on : 0);
    case SH_REASON:
        return cohort_text(c ? c->reason : NULL);
    case SH_FOCUS_AREAS:
        kpi_focus_join(r->baseline->focus, buf, cap);
        return cohort_text(buf);
    case SH_USERS_TO_GOAL:
        return cohort_num(true, r->baseline->users_to_goal);
    case SH_COUNT:
        break;
    }
    return cohort_none();
}

bool cohort_view_write_csv(FILE *f, const struct cohort_state *st,
                           const struct cohort_view *v)
{
    struct csv_writer w;
    csv_writer_init(&w, f, false);
    schema_csv_header(&w, &cohort_show_table);
    for (size_t i = 0; i < v->n; i++) {
        struct show_row row = {&v->row[i], st->month, v->date};
        cohort_table_row(&w, &cohort_show_table, show_value, &row);
    }
    return !csv_writer_error(&w);
}
