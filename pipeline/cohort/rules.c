/*
 * pipeline/cohort/rules.c - freezing and recording a change, with the
 * rules they enforce (rules.h).
 */
#include "rules.h"

#include <stdlib.h>
#include <string.h>

#include "kpi/date.h"
#include "pipeline/base/utf8.h"
#include "pipeline/cohort/common.h"
#include "pipeline/report/tables.h"

#include "pipeline/base/testing.h"

/* True when the tenant was frozen or added in the month; *where_path and
 * *where_line say where. */
static bool in_cohort_file(const struct cohort_state *st, const char *tenant,
                           const char **where_path, uint64_t *where_line)
{
    for (size_t i = 0; i < st->n_members; i++)
        if (strcmp(st->member[i].tenant_id, tenant) == 0) {
            *where_path = st->cohort_path;
            *where_line = st->member[i].line;
            return true;
        }
    for (size_t i = 0; i < st->n_changes; i++)
        if (st->change[i].action == COHORT_ADD &&
            strcmp(st->change[i].tenant_id, tenant) == 0) {
            *where_path = st->changes_path;
            *where_line = st->change[i].line;
            return true;
        }
    return false;
}

/* The history of a month's cohort only moves forward: a freeze or a
 * change is recorded on a date no earlier than the last one written
 * (docs/cohorts.md). Backdating would rewrite what was in force. */
static enum ftk_error check_not_backdated(const struct cohort_state *st,
                                          int32_t recorded_on, const char *what,
                                          struct ftk_diag *diag)
{
    int32_t latest = KPI_NO_DATE;
    const char *by = NULL;
    for (size_t i = 0; i < st->n_members; i++)
        if (latest == KPI_NO_DATE || st->member[i].frozen_on > latest) {
            latest = st->member[i].frozen_on;
            by = "a freeze";
        }
    for (size_t i = 0; i < st->n_changes; i++)
        if (latest == KPI_NO_DATE || st->change[i].recorded_on > latest) {
            latest = st->change[i].recorded_on;
            by = "a change";
        }
    if (latest == KPI_NO_DATE || recorded_on >= latest)
        return FTK_OK;
    char month[8], on[11], last[11];
    kpi_month_format(st->month, month);
    kpi_date_format(recorded_on, on);
    kpi_date_format(latest, last);
    return ftk_fail(diag, FTK_E_STATE,
                    "%s recorded on %s would go back in time: the %s "
                    "cohort's history already has %s recorded on %s, and "
                    "its dates only move forward (a backdated entry would "
                    "change what was in force, or get round the notice); "
                    "record it today",
                    what, on, month, by, last);
}

enum ftk_error cohort_freeze(const struct cohort_state *st, struct publish *pub,
                             const struct cohort_run *run,
                             const struct cohort_selection *sel, int32_t today,
                             struct ftk_diag *diag)
{
    char month[8], date[11], end[11];
    kpi_month_format(st->month, month);
    kpi_date_format(today, date);
    kpi_date_format(kpi_month_last_day(st->month), end);
    if (today > kpi_month_last_day(st->month))
        return ftk_fail(diag, FTK_E_STATE,
                        "the %s cohort's month ended on %s (today is %s): "
                        "freeze a month to come or under way",
                        month, end, date);
    if (!cohort_state_same_workloads(st, run))
        return ftk_fail(diag, FTK_E_STATE,
                        "the run was not loaded with the workloads of %s",
                        st->cohort_path);
    if (sel->n == 0)
        return ftk_fail(diag, FTK_E_DATA, "nothing to freeze");
    enum ftk_error back = check_not_backdated(st, today, "a freeze", diag);
    if (back != FTK_OK)
        return back;
    /* Refuse every region already frozen, named in one message. */
    char msg[sizeof(diag->msg)] = "";
    size_t used = 0;
    for (size_t i = 0; i < sel->n; i++) {
        const char *region = sel->choice[i].customer->region;
        if (i > 0 && strcmp(sel->choice[i - 1].customer->region, region) == 0)
            continue;
        int32_t on;
        if (!cohort_state_region_frozen(st, region, &on))
            continue;
        char d[11];
        kpi_date_format(on, d);
        int n = snprintf(msg + used, sizeof(msg) - used, "%s%s (on %s)",
                         used ? ", " : "", region, d);
        if (n > 0 && (size_t)n < sizeof(msg) - used)
            used += (size_t)n;
    }
    if (used)
        return ftk_fail(diag, FTK_E_STATE,
                        "the %s cohort is already frozen for %s, in %s: a "
                        "frozen cohort changes only by recorded changes "
                        "(cohort change)",
                        month, msg, st->cohort_path);
    for (size_t i = 0; i < sel->n; i++) {
        const char *where;
        uint64_t line;
        const struct cohort_customer *c = sel->choice[i].customer;
        if (in_cohort_file(st, c->tenant_id, &where, &line))
            return ftk_fail(diag, FTK_E_STATE,
                            "%s (%s) is already in the %s cohort (%s:%llu)",
                            c->tenant_id, c->customer_name, month, where,
                            (ull)line);
    }

    struct cohort_member *m = calloc(sel->n + 1, sizeof(*m));
    if (!m)
        return cohort_nomem(diag);
    for (size_t i = 0; i < sel->n; i++) {
        const struct cohort_customer *c = sel->choice[i].customer;
        m[i] = (struct cohort_member){
            .region = c->region,
            .tenant_id = c->tenant_id,
            .customer_name = c->customer_name,
            .fm = c->fm,
            .frozen_on = today,
            .frozen_from = sel->choice[i].from,
            .kpis = c->kpis,
        };
    }
    enum ftk_error err = cohort_state_append_members(st, pub, m, sel->n, diag);
    free(m);
    if (err == FTK_OK)
        err = publish_commit(pub, diag);
    else
        publish_abort(pub);
    return err;
}

/* The latest entry of a tenant in the month (frozen or added): its region
 * and name, for a removal. */
static bool latest_entry(const struct cohort_state *st, const char *tenant,
                         const char **region, const char **name)
{
    bool found = false;
    for (size_t i = 0; i < st->n_members; i++)
        if (strcmp(st->member[i].tenant_id, tenant) == 0) {
            *region = st->member[i].region;
            *name = st->member[i].customer_name;
            found = true;
        }
    for (size_t i = 0; i < st->n_changes; i++)
        if (st->change[i].action == COHORT_ADD &&
            strcmp(st->change[i].tenant_id, tenant) == 0) {
            *region = st->change[i].region;
            *name = st->change[i].customer_name;
            found = true;
        }
    return found;
}

enum ftk_error cohort_change_record(const struct cohort_state *st,
                                    struct publish *pub,
                                    const struct cohort_change_request *req,
                                    struct cohort_change *recorded,
                                    struct ftk_diag *diag)
{
    char month[8], rec[11], eff[11], earliest[11], end[11];
    kpi_month_format(st->month, month);
    kpi_date_format(req->recorded_on, rec);
    kpi_date_format(req->effective_on, eff);
    kpi_date_format(cohort_earliest_effective(req->recorded_on), earliest);
    kpi_date_format(kpi_month_last_day(st->month), end);
    if (!st->frozen)
        return ftk_fail(diag, FTK_E_STATE,
                        "no cohort is frozen for %s in %s: freeze it first",
                        month, st->dir);
    enum ftk_error back =
        check_not_backdated(st, req->recorded_on, "a change", diag);
    if (back != FTK_OK)
        return back;
    size_t rlen = strlen(req->reason);
    if (rlen == 0 || strspn(req->reason, " \t\r\n") == rlen)
        return ftk_fail(diag, FTK_E_USAGE, "a change needs a reason");
    if (utf8_valid_prefix(req->reason, rlen) != rlen ||
        utf8_valid_prefix(req->recorded_by, strlen(req->recorded_by)) !=
            strlen(req->recorded_by))
        return ftk_fail(diag, FTK_E_USAGE,
                        "the reason and the name must be UTF-8 text");
    if (req->effective_on < cohort_earliest_effective(req->recorded_on))
        return ftk_fail(diag, FTK_E_STATE,
                        "effective date %s is too soon: a change needs %d "
                        "days' notice, so one recorded on %s takes effect "
                        "on %s at the earliest",
                        eff, COHORT_NOTICE_DAYS, rec, earliest);
    if (req->effective_on > kpi_month_last_day(st->month))
        return ftk_fail(diag, FTK_E_STATE,
                        "effective date %s is after the end of the %s "
                        "cohort's month (%s): change next month's cohort "
                        "instead",
                        eff, month, end);

    struct cohort_change c = {
        .number = (unsigned)st->n_changes + 1,
        .action = req->action,
        .tenant_id = req->tenant_id,
        .reason = req->reason,
        .recorded_by = req->recorded_by,
        .recorded_on = req->recorded_on,
        .effective_on = req->effective_on,
        .kpis = {.as_of_month = KPI_NO_DATE},
    };
    if (req->action == COHORT_ADD) {
        if (!req->run || !cohort_state_same_workloads(st, req->run))
            return ftk_fail(diag, FTK_E_STATE,
                            "an add needs the latest run, loaded with the "
                            "workloads of %s",
                            st->cohort_path);
        const struct cohort_customer *cu =
            cohort_run_find(req->run, req->tenant_id);
        if (!cu)
            return ftk_fail(diag, FTK_E_DATA, "unknown tenant %s: not in %s/%s",
                            req->tenant_id, req->run->dir,
                            report_customer_kpis.file);
        if (!cohort_state_region_frozen(st, cu->region, NULL))
            return ftk_fail(diag, FTK_E_STATE,
                            "%s (%s) is in region %s, which has no frozen %s "
                            "cohort: freeze that region first",
                            cu->tenant_id, cu->customer_name, cu->region,
                            month);
        c.region = cu->region;
        c.customer_name = cu->customer_name;
        c.kpis = cu->kpis;
    } else if (!latest_entry(st, req->tenant_id, &c.region, &c.customer_name)) {
        return ftk_fail(diag, FTK_E_STATE,
                        "%s is not in the %s cohort: nothing to remove",
                        req->tenant_id, month);
    }
    enum ftk_error err = cohort_state_replay(st, &c, diag);
    if (err != FTK_OK)
        return err;

    err = cohort_state_append_change(st, pub, &c, diag);
    if (err == FTK_OK)
        err = publish_commit(pub, diag);
    else
        publish_abort(pub);
    if (err == FTK_OK) {
        *recorded = c;
        recorded->kpis.wl = NULL;
        recorded->line = 0;
    }
    return err;
}
