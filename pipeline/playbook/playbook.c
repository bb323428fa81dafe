/*
 * pipeline/playbook/playbook.c - next actions and exec summaries from the
 * facts.
 *
 * For each customer a view is set up once: its rows by workload, and for
 * each row the tags and the squeezed text of the latest notes in the
 * window (READINGS-issue9 R7: the latest snapshot's notes, even when
 * empty). Every enabled rule is tried on the view. Notes are drafted
 * later, one at a time, from the same view.
 */
#include "playbook.h"

#include <stdlib.h>
#include <string.h>

#include "kpi/kpi.h"
#include "pipeline/base/csv_writer.h"
#include "pipeline/base/grow.h"
#include "pipeline/base/sort.h"
#include "pipeline/config.h"
#include "pipeline/playbook/rules.h"
#include "pipeline/playbook/summary.h"

#include "pipeline/base/testing.h"

/* One customer as the rules and the note see it. */
struct view {
    const struct fact_workload *row[CONFIG_MAX_WORKLOADS];
    const char *tags[CONFIG_MAX_WORKLOADS];
    const char *squeezed[CONFIG_MAX_WORKLOADS];
    size_t tags_at[CONFIG_MAX_WORKLOADS], squeezed_at[CONFIG_MAX_WORKLOADS];
    struct text buf;   /* tags and squeezed notes, NUL-separated */
    struct text focus; /* "PLATEAU OD, SLOW_KICKOFF" */
    char *scratch;     /* room for one note's tags */
    size_t scratch_cap;
};

static void view_release(struct view *v)
{
    text_release(&v->buf);
    text_release(&v->focus);
    free(v->scratch);
}

static enum ftk_error view_customer(struct view *v, const struct facts *f,
                                    const struct fact_customer *c)
{
    int nw = f->st->cfg->n_workloads;
    text_clear(&v->buf);
    text_addc(&v->buf, '\0'); /* offset 0: "" */
    for (int w = 0; w < nw; w++) {
        v->row[w] = NULL;
        v->tags_at[w] = v->squeezed_at[w] = 0;
    }
    for (uint32_t i = c->first_row; i < c->first_row + c->n_rows; i++) {
        const struct fact_workload *r = &f->row[i];
        v->row[r->workload] = r;
        const char *notes = r->notes;
        size_t len = strlen(notes);
        if (len == 0)
            continue;
        /* 2 * len + 1 bytes always hold the tags (kpi/kpi.h) */
        char *room = grow_array(v->scratch, &v->scratch_cap, 2 * len + 1, 1);
        if (!room)
            return FTK_E_NOMEM;
        v->scratch = room;
        size_t n = kpi_notes_tags(notes, len, v->scratch, v->scratch_cap);
        if (n > 0) {
            v->tags_at[r->workload] = v->buf.len;
            text_add(&v->buf, v->scratch, n + 1);
        }
        v->squeezed_at[r->workload] = v->buf.len;
        rules_squeeze(notes, len, &v->buf);
        text_addc(&v->buf, '\0');
    }
    if (text_failed(&v->buf))
        return FTK_E_NOMEM;
    for (int w = 0; w < nw; w++) {
        v->tags[w] = v->buf.s + v->tags_at[w];
        v->squeezed[w] = v->buf.s + v->squeezed_at[w];
    }
    return FTK_OK;
}

/* The focus areas for REVIEW's reason: "PLATEAU OD, SLOW_KICKOFF". */
static void view_focus(struct view *v, const struct playbook *pb,
                       const struct playbook_summary *s)
{
    const struct facts *f = pb->facts;
    text_clear(&v->focus);
    for (uint32_t i = 0; i < s->n_candidates; i++) {
        const struct fact_candidate *c =
            &f->candidate[pb->candidate[s->first_candidate + i]];
        if (i > 0)
            text_adds(&v->focus, ", ");
        text_adds(&v->focus, kpi_focus_code(c->area));
        if (c->workload >= 0)
            text_addf(&v->focus, " %s", facts_code(f, c->workload));
    }
}

/* facts.candidate grouped by customer, each group in the file's order. */
static enum ftk_error group_candidates(struct playbook *pb)
{
    const struct facts *f = pb->facts;
    size_t n = f->n_candidates;
    pb->candidate = malloc((n ? n : 1) * sizeof(*pb->candidate));
    if (!pb->candidate)
        return FTK_E_NOMEM;
    for (size_t i = 0; i < n; i++)
        pb->summary[f->candidate[i].customer].n_candidates++;
    uint32_t at = 0;
    for (size_t c = 0; c < f->n_customers; c++) {
        pb->summary[c].first_candidate = at;
        at += pb->summary[c].n_candidates;
        pb->summary[c].n_candidates = 0;
    }
    for (size_t i = 0; i < n; i++) {
        struct playbook_summary *s = &pb->summary[f->candidate[i].customer];
        pb->candidate[s->first_candidate + s->n_candidates++] = (uint32_t)i;
    }
    return FTK_OK;
}

static enum ftk_error add_action(struct playbook *pb, size_t *cap,
                                 const struct playbook_action *a,
                                 const struct text *reason)
{
    if (text_failed(reason))
        return FTK_E_NOMEM;
    struct playbook_action *grown =
        grow_array(pb->action, cap, pb->n_actions + 1, sizeof(*grown));
    if (!grown)
        return FTK_E_NOMEM;
    pb->action = grown;
    struct playbook_action *to = &pb->action[pb->n_actions];
    *to = *a;
    to->reason =
        arena_strndup(&pb->strings, reason->s ? reason->s : "", reason->len);
    if (!to->reason)
        return FTK_E_NOMEM;
    pb->n_actions++;
    return FTK_OK;
}

/* By fm, region, tenant_id, workload (bytes; a customer's own rule, with
 * no workload, first), then rule in the configuration's order. */
static int action_cmp(const void *x, const void *y)
{
    const struct playbook_action *a = x, *b = y;
    int c;
    if ((c = strcmp(a->tenant->fm, b->tenant->fm)) ||
        (c = strcmp(a->tenant->region, b->tenant->region)) ||
        (c = strcmp(a->tenant->id, b->tenant->id)) ||
        (c = strcmp(a->code, b->code)))
        return c;
    return a->rule < b->rule ? -1 : a->rule > b->rule;
}

static int summary_cmp(const void *x, const void *y)
{
    const struct playbook_summary *a = x, *b = y;
    int c = strcmp(a->tenant->fm, b->tenant->fm);
    return c ? c : strcmp(a->tenant->id, b->tenant->id);
}

static enum ftk_error evaluate(struct playbook *pb, struct view *v)
{
    const struct facts *f = pb->facts;
    const struct config *cfg = f->st->cfg;
    const struct rules *rs = &cfg->rules;
    size_t cap = 0;
    struct text reason;
    text_init(&reason);
    enum ftk_error err = FTK_OK;
    for (size_t i = 0; i < f->n_customers && err == FTK_OK; i++) {
        const struct fact_customer *c = &f->customer[i];
        err = view_customer(v, f, c);
        if (err != FTK_OK)
            break;
        view_focus(v, pb, &pb->summary[i]);
        if (text_failed(&v->focus)) {
            err = FTK_E_NOMEM;
            break;
        }
        struct rule_input in = {
            .facts = f,
            .customer = c,
            .row = v->row,
            .tags = v->tags,
            .squeezed = v->squeezed,
            .focus = text_str(&v->focus),
        };
        for (size_t k = 0; k < rs->n && err == FTK_OK; k++) {
            struct playbook_action a = {
                .tenant = &f->st->tenant[c->tenant],
                .customer = (uint32_t)i,
                .rule = (uint32_t)k,
                .workload = rs->rule[k].workload,
                .code = facts_code(f, rs->rule[k].workload),
            };
            text_clear(&reason);
            if (rules_apply(&rs->rule[k], &in, &a.alt, &reason))
                err = add_action(pb, &cap, &a, &reason);
        }
    }
    text_release(&reason);
    return err;
}

enum ftk_error playbook_init(struct playbook *pb, const struct facts *f,
                             struct ftk_diag *diag)
{
    memset(pb, 0, sizeof(*pb));
    arena_init(&pb->strings);
    pb->facts = f;
    struct view *v = calloc(1, sizeof(*v));
    pb->summary =
        calloc(f->n_customers ? f->n_customers : 1, sizeof(*pb->summary));
    enum ftk_error err = FTK_E_NOMEM;
    if (!v || !pb->summary)
        goto out;
    pb->n_summaries = f->n_customers;
    for (size_t i = 0; i < f->n_customers; i++) {
        struct playbook_summary *s = &pb->summary[i];
        s->customer = (uint32_t)i;
        s->tenant = &f->st->tenant[f->customer[i].tenant];
        s->progress = summary_progress(f, &f->customer[i]);
    }
    if ((err = group_candidates(pb)) != FTK_OK ||
        (err = evaluate(pb, v)) != FTK_OK)
        goto out;

    sort_array(pb->action, pb->n_actions, sizeof(*pb->action), action_cmp);
    /* a customer's actions are together: fm, region and tenant_id lead */
    for (size_t i = 0; i < pb->n_actions; i++) {
        struct playbook_summary *s = &pb->summary[pb->action[i].customer];
        if (s->n_actions++ == 0)
            s->first_action = (uint32_t)i;
    }
    sort_array(pb->summary, pb->n_summaries, sizeof(*pb->summary), summary_cmp);
    err = FTK_OK;
out:
    if (v)
        view_release(v);
    free(v);
    if (err != FTK_OK) {
        playbook_release(pb);
        return ftk_fail(diag, err, "next actions: out of memory");
    }
    return FTK_OK;
}

void playbook_release(struct playbook *pb)
{
    free(pb->action);
    free(pb->summary);
    free(pb->candidate);
    arena_release(&pb->strings);
    memset(pb, 0, sizeof(*pb));
}

const char *playbook_action_words(const struct playbook *pb,
                                  const struct playbook_action *a)
{
    const struct rule *r = &pb->facts->st->cfg->rules.rule[a->rule];
    return a->alt && r->alt_action ? r->alt_action : r->action;
}

const char *playbook_progress_name(enum playbook_progress p)
{
    switch (p) {
    case PLAYBOOK_NOT_DEPLOYED:
        return "Not Deployed";
    case PLAYBOOK_PARTIALLY_DEPLOYED:
        return "Partially Deployed";
    case PLAYBOOK_FULLY_DEPLOYED:
        return "Fully Deployed";
    }
    return "?";
}

enum ftk_error playbook_note(const struct playbook *pb,
                             const struct playbook_summary *s, struct text *out)
{
    struct view *v = calloc(1, sizeof(*v));
    if (!v)
        return FTK_E_NOMEM;
    enum ftk_error err =
        view_customer(v, pb->facts, &pb->facts->customer[s->customer]);
    text_clear(out);
    if (err == FTK_OK) {
        struct summary_input in = {
            .pb = pb, .s = s, .row = v->row, .tags = v->tags};
        summary_note(&in, out);
        if (text_failed(out))
            err = FTK_E_NOMEM;
    }
    view_release(v);
    free(v);
    return err;
}

static struct schema_value text_value(const char *s)
{
    return (struct schema_value){.known = true, .s = s};
}

void playbook_action_values(const struct playbook *pb, size_t i,
                            struct schema_value v[ACT_COUNT])
{
    const struct playbook_action *a = &pb->action[i];
    const struct config *cfg = pb->facts->st->cfg;
    const struct rule *r = &cfg->rules.rule[a->rule];
    v[ACT_AS_OF_MONTH] =
        (struct schema_value){.known = true, .i = pb->facts->as_of_month};
    v[ACT_FM] = text_value(a->tenant->fm);
    v[ACT_REGION] = text_value(a->tenant->region);
    v[ACT_TENANT_ID] = text_value(a->tenant->id);
    v[ACT_CUSTOMER_NAME] = text_value(a->tenant->name);
    v[ACT_WORKLOAD] = text_value(a->code);
    v[ACT_RULE] = text_value(r->name);
    v[ACT_TASK_ID] = text_value(r->task);
    v[ACT_ACTION] = text_value(playbook_action_words(pb, a));
    v[ACT_REASON] = text_value(a->reason);
}

enum ftk_error playbook_summary_values(const struct playbook *pb, size_t i,
                                       struct text *note,
                                       struct schema_value v[SUM_COUNT])
{
    const struct playbook_summary *s = &pb->summary[i];
    enum ftk_error err = playbook_note(pb, s, note);
    v[SUM_AS_OF_MONTH] =
        (struct schema_value){.known = true, .i = pb->facts->as_of_month};
    v[SUM_FM] = text_value(s->tenant->fm);
    v[SUM_REGION] = text_value(s->tenant->region);
    v[SUM_TENANT_ID] = text_value(s->tenant->id);
    v[SUM_CUSTOMER_NAME] = text_value(s->tenant->name);
    v[SUM_DEPLOYMENT_PROGRESS] =
        text_value(playbook_progress_name(s->progress));
    v[SUM_NOTE] = text_value(text_str(note));
    return err;
}

static void write_row(struct csv_writer *w, const struct schema *sc,
                      const struct schema_value *v)
{
    for (size_t c = 0; c < sc->n_cols; c++)
        if (sc->col[c].name)
            schema_csv_value(w, sc->col[c].type, &v[c]);
    csv_writer_end(w);
}

bool playbook_csv_next_actions(FILE *out, const struct playbook *pb)
{
    struct csv_writer w;
    struct schema_value v[ACT_COUNT];
    csv_writer_init(&w, out, false);
    schema_csv_header(&w, &playbook_next_actions);
    for (size_t i = 0; i < pb->n_actions; i++) {
        playbook_action_values(pb, i, v);
        write_row(&w, &playbook_next_actions, v);
    }
    return !csv_writer_error(&w);
}

bool playbook_csv_exec_summaries(FILE *out, const struct playbook *pb)
{
    struct csv_writer w;
    struct schema_value v[SUM_COUNT];
    struct text note;
    text_init(&note);
    bool ok = true;
    csv_writer_init(&w, out, false);
    schema_csv_header(&w, &playbook_exec_summaries);
    for (size_t i = 0; i < pb->n_summaries && ok; i++) {
        ok = playbook_summary_values(pb, i, &note, v) == FTK_OK;
        if (ok)
            write_row(&w, &playbook_exec_summaries, v);
    }
    text_release(&note);
    return ok && !csv_writer_error(&w);
}
