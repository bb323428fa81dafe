/*
 * pipeline/import/m365_report.c - report recognition and the values of
 * Microsoft 365 usage reports (docs/import.md).
 */
#include "m365_report.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "pipeline/base/utf8.h"

static const char *const workload_code[M365_WORKLOADS] = {"EXO", "OD", "SPO",
                                                          "YAM", "TEAMS"};

/* As Microsoft writes the columns (Graph v1.0 reference, docs/import.md). */
static const char *const column_name[M365_COL_COUNT] = {
    [M365_COL_REFRESH] = "Report Refresh Date",
    [M365_COL_UPN] = "User Principal Name",
    [M365_COL_DELETED] = "Is Deleted",
    [M365_COL_PERIOD] = "Report Period",
    [M365_COL_LICENSE + 0] = "Has Exchange License",
    [M365_COL_LICENSE + 1] = "Has OneDrive License",
    [M365_COL_LICENSE + 2] = "Has SharePoint License",
    [M365_COL_LICENSE + 3] = "Has Yammer License",
    [M365_COL_LICENSE + 4] = "Has Teams License",
    [M365_COL_ACTIVITY + 0] = "Exchange Last Activity Date",
    [M365_COL_ACTIVITY + 1] = "OneDrive Last Activity Date",
    [M365_COL_ACTIVITY + 2] = "SharePoint Last Activity Date",
    [M365_COL_ACTIVITY + 3] = "Yammer Last Activity Date",
    [M365_COL_ACTIVITY + 4] = "Teams Last Activity Date",
    [M365_COL_ACTIVE + 0] = "Exchange Active",
    [M365_COL_ACTIVE + 1] = "OneDrive Active",
    [M365_COL_ACTIVE + 2] = "SharePoint Active",
    [M365_COL_ACTIVE + 3] = "Yammer Active",
    [M365_COL_ACTIVE + 4] = "Teams Active",
    [M365_COL_INACTIVE + 0] = "Exchange Inactive",
    [M365_COL_INACTIVE + 1] = "OneDrive Inactive",
    [M365_COL_INACTIVE + 2] = "SharePoint Inactive",
    [M365_COL_INACTIVE + 3] = "Yammer Inactive",
    [M365_COL_INACTIVE + 4] = "Teams Inactive",
};

const char *m365_workload_code(int w)
{
    return w >= 0 && w < M365_WORKLOADS ? workload_code[w] : "";
}

const char *m365_column_name(enum m365_col c)
{
    return (int)c >= 0 && c < M365_COL_COUNT ? column_name[c] : "";
}

const char *m365_kind_name(enum m365_kind kind)
{
    switch (kind) {
    case M365_DETAIL:
        return "active user detail";
    case M365_COUNTS:
        return "services user counts";
    case M365_UNKNOWN:
        break;
    }
    return "unknown report";
}

/* Which kind needs a column (M365_UNKNOWN: either) and whether only that
 * kind has it, so that its presence says which report this is. */
static enum m365_kind column_kind(int c, bool *distinctive)
{
    *distinctive = c >= M365_COL_LICENSE;
    if (c == M365_COL_REFRESH)
        return M365_UNKNOWN;
    if (c == M365_COL_UPN || c == M365_COL_DELETED ||
        (c >= M365_COL_LICENSE && c < M365_COL_ACTIVE))
        return M365_DETAIL;
    return M365_COUNTS;
}

static int match_column(const char *s, size_t len)
{
    while (len > 0 && (*s == ' ' || *s == '\t')) {
        s++;
        len--;
    }
    while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\t'))
        len--;
    for (int c = 0; c < M365_COL_COUNT; c++)
        if (strlen(column_name[c]) == len &&
            strncasecmp(column_name[c], s, len) == 0)
            return c;
    return -1;
}

enum ftk_error m365_report_recognise(const struct csv_record *hdr,
                                     const char *path, struct m365_header *h,
                                     struct ftk_diag *diag)
{
    h->kind = M365_UNKNOWN;
    for (int c = 0; c < M365_COL_COUNT; c++)
        h->map[c] = -1;
    int sign[3] = {-1, -1, -1}; /* a distinctive column of each kind */
    for (size_t i = 0; i < hdr->n_fields; i++) {
        int c = match_column(hdr->field[i], hdr->len[i]);
        if (c < 0)
            continue;
        if (h->map[c] >= 0)
            return ftk_fail(diag, FTK_E_DATA,
                            "%s:%llu:%zu: column '%s' appears twice in the "
                            "header (columns %d and %zu): expected each "
                            "column once",
                            path, (unsigned long long)hdr->line, i + 1,
                            column_name[c], h->map[c] + 1, i + 1);
        h->map[c] = (int)i;
        bool distinctive;
        enum m365_kind k = column_kind(c, &distinctive);
        if (distinctive && sign[k] < 0)
            sign[k] = c;
    }
    if (sign[M365_DETAIL] >= 0 && sign[M365_COUNTS] >= 0)
        return ftk_fail(diag, FTK_E_DATA,
                        "%s:%llu: the header has columns of both reports "
                        "('%s' and '%s'): expected an active user detail or "
                        "a services user counts report as Microsoft writes "
                        "it",
                        path, (unsigned long long)hdr->line,
                        column_name[sign[M365_DETAIL]],
                        column_name[sign[M365_COUNTS]]);
    enum m365_kind kind = sign[M365_DETAIL] >= 0   ? M365_DETAIL
                          : sign[M365_COUNTS] >= 0 ? M365_COUNTS
                                                   : M365_UNKNOWN;
    if (kind == M365_UNKNOWN)
        return FTK_OK;
    for (int c = 0; c < M365_COL_COUNT; c++) {
        bool distinctive;
        enum m365_kind k = column_kind(c, &distinctive);
        if (h->map[c] >= 0 || c == M365_COL_UPN ||
            (k != kind && k != M365_UNKNOWN))
            continue;
        return ftk_fail(diag, FTK_E_DATA,
                        "%s:%llu: an %s report (it has '%s') without the "
                        "column '%s': expected the header as Microsoft "
                        "writes it (docs/import.md)",
                        path, (unsigned long long)hdr->line,
                        m365_kind_name(kind), column_name[sign[kind]],
                        column_name[c]);
    }
    h->kind = kind;
    return FTK_OK;
}

bool m365_report_bool(const char *s, size_t len, bool *out)
{
    if (len == 4 && strncasecmp(s, "true", 4) == 0) {
        *out = true;
        return true;
    }
    if (len == 5 && strncasecmp(s, "false", 5) == 0) {
        *out = false;
        return true;
    }
    return false;
}

bool m365_report_period(const char *s, size_t len, int *days)
{
    if (len > 0 && (s[0] == 'D' || s[0] == 'd')) {
        s++;
        len--;
    }
    static const char *const periods[] = {"7", "30", "90", "180"};
    static const int values[] = {7, 30, 90, 180};
    for (size_t i = 0; i < sizeof(values) / sizeof(values[0]); i++)
        if (strlen(periods[i]) == len && memcmp(periods[i], s, len) == 0) {
            *days = values[i];
            return true;
        }
    return false;
}

bool m365_report_in_window(int32_t last_activity, int32_t refresh)
{
    return last_activity >= refresh - 27 && last_activity <= refresh;
}

/* Appends to out, never past cap (snprintf's count is clamped). */
static void put(char *out, size_t cap, size_t *used, const char *text, size_t n)
{
    if (*used + n + 1 > cap)
        n = cap - *used - 1;
    memcpy(out + *used, text, n);
    *used += n;
    out[*used] = '\0';
}

void m365_report_quote(char *out, size_t cap, const char *s, size_t len,
                       size_t max)
{
    size_t used = 0;
    if (cap == 0)
        return;
    out[0] = '\0';
    put(out, cap, &used, "'", 1);
    size_t i = 0;
    while (i < len && i < max) {
        size_t ok = utf8_valid_prefix(s + i, len - i);
        unsigned char b = (unsigned char)s[i];
        size_t n = b < 0x80 ? 1 : b < 0xE0 ? 2 : b < 0xF0 ? 3 : 4;
        if (ok == 0 || ok < n || b < 0x20 || b == 0x7F) {
            char hex[8];
            snprintf(hex, sizeof(hex), "\\x%02X", b);
            put(out, cap, &used, hex, 4);
            i++;
            continue;
        }
        put(out, cap, &used, s + i, n);
        i += n;
    }
    if (i < len)
        put(out, cap, &used, "...", 3);
    put(out, cap, &used, "'", 1);
}
