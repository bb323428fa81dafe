/*
 * tests/bench/xlsx_floor.c - libxlsxwriter's own single-thread rate on this
 * machine: the floor the workbooks are measured against
 * (docs/benchmarks.md).
 *
 * xlsx_floor FILE ROWS writes one sheet of ROWS rows of twelve cells in
 * constant-memory mode, the mix of the books' long sheets: text cells
 * (a tenant id, a name, a region, a status word), whole numbers, decimals
 * and percentages under number formats, a bold header, a date, and a few
 * cells with a fill colour. Prints the cells and seconds, timing the writes
 * and the close (which compresses the sheet) together.
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <xlsxwriter.h>

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: xlsx_floor FILE ROWS\n");
        return 64;
    }
    long rows = atol(argv[2]);
    if (rows < 1) {
        fprintf(stderr, "xlsx_floor: ROWS must be at least 1\n");
        return 64;
    }
    double t0 = now();
    lxw_workbook_options opt = {
        .constant_memory = LXW_TRUE, .tmpdir = NULL, .use_zip64 = LXW_TRUE};
    lxw_workbook *wb = workbook_new_opt(argv[1], &opt);
    if (!wb) {
        fprintf(stderr, "xlsx_floor: cannot create %s\n", argv[1]);
        return 73;
    }
    lxw_worksheet *ws = workbook_add_worksheet(wb, "Workloads");
    lxw_format *bold = workbook_add_format(wb);
    format_set_bold(bold);
    lxw_format *whole = workbook_add_format(wb);
    format_set_num_format(whole, "#,##0");
    lxw_format *dec = workbook_add_format(wb);
    format_set_num_format(dec, "0.00");
    lxw_format *pct = workbook_add_format(wb);
    format_set_num_format(pct, "0.0%");
    lxw_format *date = workbook_add_format(wb);
    format_set_num_format(date, "yyyy-mm-dd");
    lxw_format *green = workbook_add_format(wb);
    format_set_bg_color(green, 0xC6EFCE);
    format_set_num_format(green, "0.0%");
    static const char *const head[12] = {
        "tenant_id", "customer_name", "region", "workload", "seats", "qe",
        "active",    "adoption",      "growth", "status",   "as_of", "health"};
    static const char *const region[4] = {"NA", "EMEA", "APAC", "LATAM"};
    static const char *const status[3] = {"Enabled", "Planned", "Blocked"};
    static const char *const wl[4] = {"EXO", "SPO", "TEAMS", "ODB"};
    for (int c = 0; c < 12; c++)
        worksheet_write_string(ws, 0, (lxw_col_t)c, head[c], bold);
    char id[32], name[64];
    for (long r = 1; r <= rows; r++) {
        lxw_row_t row = (lxw_row_t)r;
        snprintf(id, sizeof(id), "T%07ld", r / 4);
        snprintf(name, sizeof(name), "Customer %ld Holdings", r / 4);
        worksheet_write_string(ws, row, 0, id, NULL);
        worksheet_write_string(ws, row, 1, name, NULL);
        worksheet_write_string(ws, row, 2, region[r % 4], NULL);
        worksheet_write_string(ws, row, 3, wl[r % 4], NULL);
        worksheet_write_number(ws, row, 4, (double)(r % 50000), whole);
        worksheet_write_number(ws, row, 5, (double)(r % 9000), whole);
        worksheet_write_number(ws, row, 6, (double)(r % 7000), whole);
        worksheet_write_number(ws, row, 7, (double)(r % 1000) / 1000.0, pct);
        worksheet_write_number(ws, row, 8, (double)(r % 300) / 100.0, dec);
        worksheet_write_string(ws, row, 9, status[r % 3], NULL);
        worksheet_write_number(ws, row, 10, 46000.0 + (double)(r % 700), date);
        worksheet_write_number(ws, row, 11, (double)(r % 100) / 100.0,
                               r % 5 == 0 ? green : pct);
    }
    lxw_error err = workbook_close(wb);
    double secs = now() - t0;
    if (err != LXW_NO_ERROR) {
        fprintf(stderr, "xlsx_floor: %s: %s\n", argv[1], lxw_strerror(err));
        return 74;
    }
    long cells = 12 * (rows + 1);
    printf("%ld cells %.3f s %.0f cells/s\n", cells, secs,
           (double)cells / secs);
    return 0;
}
