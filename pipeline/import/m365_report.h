/*
 * pipeline/import/m365_report.h - the two Microsoft 365 usage reports
 * `ftkpi import m365` reads, recognised by their header (docs/import.md):
 *
 * - Office 365 active user detail (Graph getOffice365ActiveUserDetail):
 *   one row per user, with a licence flag and a last activity date per
 *   service;
 * - Office 365 services user counts (getOffice365ServicesUserCounts): the
 *   active and inactive users per service over the report's period.
 *
 * Column names are matched as in docs/inputs.md: ASCII case ignored,
 * spaces and tabs around them ignored, in any order, other columns
 * ignored.
 */
#ifndef FTK_M365_REPORT_H
#define FTK_M365_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pipeline/base/ftk_error.h"
#include "pipeline/ingest/csv_reader.h"

enum m365_kind { M365_UNKNOWN, M365_DETAIL, M365_COUNTS };

/* The services the import turns into workloads, in the order checks are
 * made in: EXO, OD, SPO, YAM, TEAMS (Skype for Business has no workload). */
#define M365_WORKLOADS 5

/* "EXO" ... the canonical workload code (docs/inputs.md) of service w. */
const char *m365_workload_code(int w);

/* The columns a report is read by. A workload's columns are the base
 * plus w (0 .. M365_WORKLOADS - 1). */
enum m365_col {
    M365_COL_REFRESH, /* both */
    M365_COL_UPN,     /* detail, optional */
    M365_COL_DELETED, /* detail */
    M365_COL_PERIOD,  /* counts */
    M365_COL_LICENSE, /* detail: Has X License */
    M365_COL_ACTIVITY =
        M365_COL_LICENSE + M365_WORKLOADS, /* X Last Activity Date */
    M365_COL_ACTIVE = M365_COL_ACTIVITY + M365_WORKLOADS, /* counts: X Active */
    M365_COL_INACTIVE = M365_COL_ACTIVE + M365_WORKLOADS, /* X Inactive */
    M365_COL_COUNT = M365_COL_INACTIVE + M365_WORKLOADS
};

/* "Report Refresh Date", "Has Exchange License": the column's name as
 * Microsoft writes it; a static string. */
const char *m365_column_name(enum m365_col c);

/* "active user detail", "services user counts", "unknown report" */
const char *m365_kind_name(enum m365_kind kind);

/* A recognised header: its kind and where each column is (-1: absent). */
struct m365_header {
    enum m365_kind kind;
    int map[M365_COL_COUNT];
};

/* Recognises a report by its header row. A header with none of the
 * columns only one kind has (Has Exchange License, Exchange Active, ...)
 * is M365_UNKNOWN, not an error. FTK_E_DATA, naming path, line and column,
 * for a header that has columns of one kind but misses one it needs, has
 * columns of both kinds, or names a column it is read by twice. */
enum ftk_error m365_report_recognise(const struct csv_record *hdr,
                                     const char *path, struct m365_header *h,
                                     struct ftk_diag *diag);

/* A boolean as Microsoft writes it: True or False, any case. */
bool m365_report_bool(const char *s, size_t len, bool *out);

/* A report period: the number of days, 7, 30, 90 or 180, written as the
 * number ("30", as in the downloads) or as Graph's parameter ("D30"). */
bool m365_report_period(const char *s, size_t len, int *days);

/* True when a last activity date counts as active on the refresh date d:
 * it lies in the 28-day window d - 27 ... d, both ends included. A date
 * after d is a rejected row, never active. */
bool m365_report_in_window(int32_t last_activity, int32_t refresh);

/* Writes s[0..len) into out as a message may show it: quoted, at most max
 * bytes of it, control bytes and invalid UTF-8 written as \xNN. */
void m365_report_quote(char *out, size_t cap, const char *s, size_t len,
                       size_t max);

#endif
