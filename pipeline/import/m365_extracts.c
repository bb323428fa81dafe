/*
 * pipeline/import/m365_extracts.c - the extract writers of the import.
 */
#include "m365_extracts.h"

#include "kpi/date.h"
#include "pipeline/base/csv_writer.h"
#include "pipeline/ingest/extract.h"

/* Text the import writes is its own (codes, "period D30") or a tenant
 * folder's name: written as it is (SCHEMA_CODE). */
#define M365_SCHEMA_TYPE(type)                                                 \
    ((type) == EXTRACT_INT    ? SCHEMA_INT                                     \
     : (type) == EXTRACT_DATE ? SCHEMA_DATE                                    \
                              : SCHEMA_CODE)
#define M365_SCHEMA_COL(id, name, required, type, max)                         \
    [id] = {name, M365_SCHEMA_TYPE(type), NULL},

static const struct schema_column usage_cols[] = {
    EXTRACT_USAGE_COLUMNS(M365_SCHEMA_COL)};
static const struct schema_column entitlements_cols[] = {
    EXTRACT_ENTITLEMENTS_COLUMNS(M365_SCHEMA_COL)};

const struct schema m365_usage_schema = {
    "usage-m365-YYYY-MM-DD.csv", usage_cols,
    sizeof(usage_cols) / sizeof(usage_cols[0])};
const struct schema m365_entitlements_schema = {
    "entitlements-m365-YYYY-MM-DD.csv", entitlements_cols,
    sizeof(entitlements_cols) / sizeof(entitlements_cols[0])};

void m365_extracts_usage_name(int32_t date, char out[32])
{
    char day[11];
    kpi_date_format(date, day);
    snprintf(out, 32, "usage-m365-%s.csv", day);
}

void m365_extracts_entitlements_name(int32_t date, char out[40])
{
    char day[11];
    kpi_date_format(date, day);
    snprintf(out, 40, "entitlements-m365-%s.csv", day);
}

bool m365_extracts_write_usage(FILE *f, const struct m365_entry *e, size_t n)
{
    struct csv_writer w;
    csv_writer_init(&w, f, false);
    schema_csv_header(&w, &m365_usage_schema);
    for (size_t i = 0; i < n; i++) {
        for (size_t c = 0; c < m365_usage_schema.n_cols; c++) {
            struct schema_value v = {.known = true};
            switch ((enum extract_usage_col)c) {
            case USAGE_COL_TENANT:
                v.s = e[i].tenant;
                break;
            case USAGE_COL_WORKLOAD:
                v.s = m365_workload_code(e[i].workload);
                break;
            case USAGE_COL_DATE:
                v.i = e[i].date;
                break;
            case USAGE_COL_AE:
                v.i = e[i].ae;
                break;
            case USAGE_COL_COUNT:
                v.known = false;
                break;
            }
            schema_csv_value(&w, m365_usage_schema.col[c].type, &v);
        }
        csv_writer_end(&w);
    }
    return !csv_writer_error(&w);
}

bool m365_extracts_write_entitlements(FILE *f, const struct m365_entry *e,
                                      size_t n)
{
    struct csv_writer w;
    csv_writer_init(&w, f, false);
    schema_csv_header(&w, &m365_entitlements_schema);
    for (size_t i = 0; i < n; i++) {
        char notes[32];
        snprintf(notes, sizeof(notes), "period D%d", e[i].period);
        for (size_t c = 0; c < m365_entitlements_schema.n_cols; c++) {
            struct schema_value v = {.known = true};
            switch ((enum extract_entitlements_col)c) {
            case ENTITLEMENTS_COL_TENANT:
                v.s = e[i].tenant;
                break;
            case ENTITLEMENTS_COL_WORKLOAD:
                v.s = m365_workload_code(e[i].workload);
                break;
            case ENTITLEMENTS_COL_AS_OF:
                v.i = e[i].date;
                break;
            case ENTITLEMENTS_COL_QE:
                v.i = e[i].qe;
                break;
            case ENTITLEMENTS_COL_NOTES:
                /* a count over the report's period, not a 28-day one */
                v.known = e[i].source == M365_COUNTS;
                v.s = notes;
                break;
            case ENTITLEMENTS_COL_ENABLED: /* no report says when */
            case ENTITLEMENTS_COL_STATUS:  /* the program's, not Microsoft's */
            case ENTITLEMENTS_COL_COUNT:
                v.known = false;
                break;
            }
            schema_csv_value(&w, m365_entitlements_schema.col[c].type, &v);
        }
        csv_writer_end(&w);
    }
    return !csv_writer_error(&w);
}
