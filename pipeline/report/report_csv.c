/*
 * pipeline/report/report_csv.c - workload_kpis.csv, customer_kpis.csv,
 * portfolio.csv and cohort_candidates.csv, each written from its table
 * (tables.h) and its value function (values.h).
 */
#include "report_csv.h"

#include "pipeline/base/csv_writer.h"
#include "pipeline/report/tables.h"
#include "pipeline/report/values.h"

/* The header, then for each of the n items a row of the table's CSV
 * columns, in its order. */
static bool write_table(FILE *out, const struct facts *f,
                        const struct schema *sc, size_t n,
                        report_value_fn *value)
{
    struct csv_writer w;
    char buf[REPORT_VALUE_BUF];
    csv_writer_init(&w, out, false);
    schema_csv_header(&w, sc);
    for (size_t i = 0; i < n; i++) {
        for (size_t c = 0; c < sc->n_cols; c++) {
            if (!sc->col[c].name)
                continue;
            struct schema_value v = value(f, i, (int)c, 0, buf);
            schema_csv_value(&w, sc->col[c].type, &v);
        }
        csv_writer_end(&w);
    }
    return !csv_writer_error(&w);
}

bool report_csv_workload_kpis(FILE *out, const struct facts *f)
{
    return write_table(out, f, &report_workload_kpis, f->n_rows,
                       report_workload_value);
}

bool report_csv_customer_kpis(FILE *out, const struct facts *f)
{
    return write_table(out, f, &report_customer_kpis, f->n_customers,
                       report_customer_value);
}

bool report_csv_portfolio(FILE *out, const struct facts *f)
{
    return write_table(out, f, &report_portfolio, f->n_portfolio,
                       report_portfolio_value);
}

bool report_csv_candidates(FILE *out, const struct facts *f)
{
    return write_table(out, f, &report_candidates, f->n_candidates,
                       report_candidate_value);
}
