/*
 * pipeline/import/m365_reader.c - the two report readers: row checks, the
 * 28-day window, a user's second row (docs/import.md).
 */
#include "m365_reader.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kpi/date.h"
#include "pipeline/base/arena.h"
#include "pipeline/base/utf8.h"
#include "pipeline/ingest/csv_reader.h"
#include "pipeline/ingest/extract.h"
#include "pipeline/base/testing.h"

/* The users seen in a detail report, by name with ASCII case folded (a
 * user principal name is an e-mail address; a concealed one is a hash):
 * open addressing on an FNV-1a hash, the names in an arena. */
struct user_slot {
    uint64_t hash;
    const char *name; /* NULL: free slot */
    size_t len;
    uint64_t line;
};

struct user_set {
    struct user_slot *slot;
    size_t cap, n;
    struct arena names;
};

static char fold(char c)
{
    return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

static uint64_t fold_hash(const char *s, size_t len)
{
    uint64_t h = 14695981039346656037ull;
    for (size_t i = 0; i < len; i++) {
        h ^= (unsigned char)fold(s[i]);
        h *= 1099511628211ull;
    }
    return h;
}

static bool fold_equal(const char *a, const char *b, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (fold(a[i]) != fold(b[i]))
            return false;
    return true;
}

static struct user_slot *user_find(struct user_set *u, uint64_t hash,
                                   const char *s, size_t len)
{
    size_t i = (size_t)hash & (u->cap - 1);
    for (;; i = (i + 1) & (u->cap - 1)) {
        struct user_slot *e = &u->slot[i];
        if (!e->name ||
            (e->hash == hash && e->len == len && fold_equal(e->name, s, len)))
            return e;
    }
}

static bool user_grow(struct user_set *u)
{
    size_t cap = u->cap ? 2 * u->cap : 1024;
    struct user_slot *old = u->slot;
    size_t old_cap = u->cap;
    u->slot = calloc(cap, sizeof(*u->slot));
    if (!u->slot) {
        u->slot = old;
        return false;
    }
    u->cap = cap;
    for (size_t i = 0; i < old_cap; i++)
        if (old[i].name)
            *user_find(u, old[i].hash, old[i].name, old[i].len) = old[i];
    free(old);
    return true;
}

/* Adds a user; *first_line is 0 when new, else the line of its first
 * row. */
static enum ftk_error user_add(struct user_set *u, const char *s, size_t len,
                               uint64_t line, uint64_t *first_line)
{
    if (2 * (u->n + 1) > u->cap && !user_grow(u))
        return FTK_E_NOMEM;
    uint64_t hash = fold_hash(s, len);
    struct user_slot *e = user_find(u, hash, s, len);
    if (e->name) {
        *first_line = e->line;
        return FTK_OK;
    }
    const char *copy = arena_strndup(&u->names, s, len);
    if (!copy)
        return FTK_E_NOMEM;
    *e = (struct user_slot){hash, copy, len, line};
    u->n++;
    *first_line = 0;
    return FTK_OK;
}

static void user_release(struct user_set *u)
{
    free(u->slot);
    arena_release(&u->names);
    memset(u, 0, sizeof(*u));
}

enum value_type { V_DATE, V_OPTIONAL_DATE, V_BOOL, V_INT, V_PERIOD };

/* A checked value; date KPI_NO_DATE for an empty optional date. */
struct value {
    int32_t date;
    bool flag;
    int64_t num;
};

/* Checks column c of the record as type t: invalid UTF-8, too long,
 * missing, then the value itself. */
static bool check_value(const struct m365_header *h,
                        const struct csv_record *rec, int c, enum value_type t,
                        struct value *v, struct reject_note *rc)
{
    const char *name = m365_column_name((enum m365_col)c);
    int pos = h->map[c] + 1;
    const char *s = rec->field[h->map[c]];
    size_t len = rec->len[h->map[c]];
    v->date = KPI_NO_DATE;
    v->flag = false;
    v->num = 0;
    size_t ok = utf8_valid_prefix(s, len);
    if (ok < len)
        return reject_note(rc, REJECT_INVALID_UTF8, c,
                           "%s (column %d): invalid UTF-8 at byte %zu (0x%02X)",
                           name, pos, ok + 1, (unsigned char)s[ok]);
    if (len > EXTRACT_FIELD_MAX)
        return reject_note(rc, REJECT_FIELD_TOO_LONG, c,
                           "%s (column %d): %zu bytes, at most %d", name, pos,
                           len, EXTRACT_FIELD_MAX);
    if (len == 0) {
        if (t == V_OPTIONAL_DATE)
            return true; /* never active */
        return reject_note(rc, REJECT_MISSING_VALUE, c,
                           "%s (column %d): required value is empty", name,
                           pos);
    }
    char q[200];
    m365_report_quote(q, sizeof(q), s, len, 40);
    switch (t) {
    case V_DATE:
    case V_OPTIONAL_DATE:
        if (!kpi_date_parse(s, len, &v->date))
            return reject_note(
                rc, REJECT_BAD_DATE, c,
                "%s (column %d): %s is not a date: expected a real "
                "calendar date as YYYY-MM-DD",
                name, pos, q);
        return true;
    case V_BOOL:
        if (!m365_report_bool(s, len, &v->flag))
            return reject_note(rc, REJECT_BAD_BOOLEAN, c,
                               "%s (column %d): %s is not a boolean: expected "
                               "True or False",
                               name, pos, q);
        return true;
    case V_INT:
        if (!extract_parse_uint(s, len, &v->num))
            return reject_note(
                rc, REJECT_BAD_INTEGER, c,
                "%s (column %d): %s is not a whole number: expected "
                "digits 0-9 only, at most 2000000000",
                name, pos, q);
        return true;
    case V_PERIOD: {
        int days;
        if (!m365_report_period(s, len, &days))
            return reject_note(rc, REJECT_BAD_PERIOD, c,
                               "%s (column %d): %s is not a report period: "
                               "expected 7, 30, 90 or 180 (days)",
                               name, pos, q);
        v->num = days;
        return true;
    }
    }
    return true;
}

/* The state of one report being read. */
struct reading {
    const struct m365_header *h;
    struct m365_file *out;
    struct user_set users;
    uint64_t first_line; /* counts: the line of the accepted row */
};

/* The checks both kinds end with: the refresh date of the file. */
static bool check_refresh(struct reading *rd, int32_t refresh,
                          struct reject_note *rc)
{
    struct m365_file *out = rd->out;
    if (out->refresh_date == KPI_NO_DATE)
        out->refresh_date = refresh;
    if (refresh == out->refresh_date)
        return true;
    char day[11], first[11];
    kpi_date_format(refresh, day);
    kpi_date_format(out->refresh_date, first);
    return reject_note(
        rc, REJECT_REFRESH_DATE_DIFFERS, M365_COL_REFRESH,
        "Report Refresh Date (column %d): %s differs from the "
        "report's refresh date %s (its first row's): expected one "
        "refresh date per report",
        rd->h->map[M365_COL_REFRESH] + 1, day, first);
}

/* One row of an active user detail report. */
static enum ftk_error detail_row(struct reading *rd,
                                 const struct csv_record *rec,
                                 struct reject_note *rc, bool *ok)
{
    const struct m365_header *h = rd->h;
    struct value refresh, deleted, license[M365_WORKLOADS],
        activity[M365_WORKLOADS];
    *ok = false;
    if (!check_value(h, rec, M365_COL_REFRESH, V_DATE, &refresh, rc) ||
        !check_value(h, rec, M365_COL_DELETED, V_BOOL, &deleted, rc))
        return FTK_OK;
    for (int w = 0; w < M365_WORKLOADS; w++)
        if (!check_value(h, rec, M365_COL_LICENSE + w, V_BOOL, &license[w], rc))
            return FTK_OK;
    for (int w = 0; w < M365_WORKLOADS; w++)
        if (!check_value(h, rec, M365_COL_ACTIVITY + w, V_OPTIONAL_DATE,
                         &activity[w], rc))
            return FTK_OK;
    if (!check_refresh(rd, refresh.date, rc))
        return FTK_OK;
    for (int w = 0; w < M365_WORKLOADS; w++) {
        if (activity[w].date == KPI_NO_DATE || activity[w].date <= refresh.date)
            continue;
        char day[11], r[11];
        kpi_date_format(activity[w].date, day);
        kpi_date_format(refresh.date, r);
        reject_note(rc, REJECT_ACTIVITY_AFTER_REFRESH, M365_COL_ACTIVITY + w,
                    "%s (column %d): %s is after the report's refresh date %s",
                    m365_column_name((enum m365_col)(M365_COL_ACTIVITY + w)),
                    h->map[M365_COL_ACTIVITY + w] + 1, day, r);
        return FTK_OK;
    }
    int upn = h->map[M365_COL_UPN];
    if (upn >= 0 && rec->len[upn] > 0) {
        uint64_t first;
        enum ftk_error err = user_add(&rd->users, rec->field[upn],
                                      rec->len[upn], rec->line, &first);
        if (err != FTK_OK)
            return err;
        if (first) {
            reject_note(rc, REJECT_DUPLICATE_KEY, M365_COL_UPN,
                        "duplicate key: User Principal Name (column %d): this "
                        "user already has a row on line %llu",
                        upn + 1, (unsigned long long)first);
            return FTK_OK;
        }
    }
    if (!deleted.flag)
        for (int w = 0; w < M365_WORKLOADS; w++) {
            if (!license[w].flag)
                continue;
            rd->out->qe[w]++;
            if (activity[w].date != KPI_NO_DATE &&
                m365_report_in_window(activity[w].date, refresh.date))
                rd->out->ae[w]++;
        }
    *ok = true;
    return FTK_OK;
}

/* One row of a services user counts report. */
static void counts_row(struct reading *rd, const struct csv_record *rec,
                       struct reject_note *rc, bool *ok)
{
    const struct m365_header *h = rd->h;
    struct value refresh, active[M365_WORKLOADS], inactive[M365_WORKLOADS],
        period;
    *ok = false;
    if (!check_value(h, rec, M365_COL_REFRESH, V_DATE, &refresh, rc))
        return;
    for (int w = 0; w < M365_WORKLOADS; w++) {
        if (!check_value(h, rec, M365_COL_ACTIVE + w, V_INT, &active[w], rc) ||
            !check_value(h, rec, M365_COL_INACTIVE + w, V_INT, &inactive[w],
                         rc))
            return;
        if (active[w].num + inactive[w].num > EXTRACT_INTEGER_MAX) {
            reject_note(
                rc, REJECT_BAD_INTEGER, M365_COL_INACTIVE + w,
                "%s (column %d): active and inactive users add up to "
                "more than 2000000000",
                m365_column_name((enum m365_col)(M365_COL_INACTIVE + w)),
                h->map[M365_COL_INACTIVE + w] + 1);
            return;
        }
    }
    if (!check_value(h, rec, M365_COL_PERIOD, V_PERIOD, &period, rc) ||
        !check_refresh(rd, refresh.date, rc))
        return;
    if (rd->first_line) {
        char day[11];
        kpi_date_format(refresh.date, day);
        reject_note(rc, REJECT_DUPLICATE_KEY, -1,
                    "duplicate key: the report already has a row for refresh "
                    "date %s, on line %llu",
                    day, (unsigned long long)rd->first_line);
        return;
    }
    rd->first_line = rec->line;
    rd->out->period = (int)period.num;
    for (int w = 0; w < M365_WORKLOADS; w++) {
        rd->out->ae[w] = (uint32_t)active[w].num;
        rd->out->qe[w] = (uint32_t)(active[w].num + inactive[w].num);
    }
    *ok = true;
}

/* The start of a header, for the message naming an unknown report. */
static void header_excerpt(const struct csv_record *hdr, char *out, size_t cap)
{
    size_t used = 0;
    out[0] = '\0';
    for (size_t i = 0; i < hdr->n_fields && i < 4; i++) {
        char q[200];
        m365_report_quote(q, sizeof(q), hdr->field[i], hdr->len[i], 40);
        int n = snprintf(out + used, cap - used, "%s%s", i ? ", " : "", q);
        if (n < 0 || (size_t)n >= cap - used)
            return;
        used += (size_t)n;
    }
    if (hdr->n_fields > 4 && used + 5 < cap)
        snprintf(out + used, cap - used, ", ...");
}

enum ftk_error m365_reader_read(const char *path, struct rejects *rj,
                                struct m365_file *out, struct ftk_diag *diag)
{
    memset(out, 0, sizeof(*out));
    out->path = path;
    out->refresh_date = KPI_NO_DATE;
    struct reading rd;
    memset(&rd, 0, sizeof(rd));
    arena_init(&rd.users.names);
    rd.out = out;
    struct m365_header h;
    rd.h = &h;
    struct csv_reader *r;
    enum ftk_error err = csv_reader_open(&r, path, diag);
    if (err != FTK_OK)
        return err;
    const struct csv_record *rec;
    err = csv_reader_next(r, &rec, diag);
    if (err != FTK_OK)
        goto out;
    if (!rec) {
        err = ftk_fail(diag, FTK_E_DATA,
                       "%s: empty file: expected a report with its header "
                       "row",
                       path);
        goto out;
    }
    err = m365_report_recognise(rec, path, &h, diag);
    if (err != FTK_OK)
        goto out;
    out->kind = h.kind;
    if (h.kind == M365_UNKNOWN) {
        header_excerpt(rec, out->header, sizeof(out->header));
        goto out;
    }
    size_t n_header = rec->n_fields;
    for (;;) {
        err = csv_reader_next(r, &rec, diag);
        if (err != FTK_OK || !rec)
            break;
        out->read++;
        struct reject_note rc;
        bool ok = false;
        if (rec->n_fields != n_header)
            reject_note(&rc, REJECT_FIELD_COUNT, -1,
                        "expected %zu fields as in the header, found %zu",
                        n_header, rec->n_fields);
        else if (h.kind == M365_DETAIL)
            err = detail_row(&rd, rec, &rc, &ok);
        else
            counts_row(&rd, rec, &rc, &ok);
        if (err != FTK_OK) {
            ftk_fail(diag, err, "%s:%llu: %s", path,
                     (unsigned long long)rec->line, ftk_strerror(err));
            break;
        }
        if (ok) {
            out->accepted++;
            continue;
        }
        out->rejected++;
        out->by_reason[rc.reason]++;
        rejects_add(rj, path, rec->line,
                    rc.column >= 0 ? m365_column_name((enum m365_col)rc.column)
                                   : NULL,
                    rc.reason, rc.message, rec->raw, rec->raw_len);
    }
    if (out->accepted == 0)
        out->refresh_date = KPI_NO_DATE;
out:
    out->bytes = csv_reader_source(r)->bytes;
    csv_reader_close(r);
    user_release(&rd.users);
    return err;
}
