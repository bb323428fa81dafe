/*
 * tests/fuzz/fuzz_ingest.c - libFuzzer harness over the whole ingest path
 * and the KPIs: csv_reader, extract, store, facts and the CSV writers.
 *
 * The first byte picks which extract the rest of the input is (customers,
 * entitlements or usage); the other two are small fixed files. Besides the
 * sanitizers' findings, it checks the row accounting of docs/inputs.md:
 * read = accepted + rejected for every file, and that no KPI row escapes
 * the writers' checks. `make fuzz` runs it; every input that ever failed is
 * kept in tests/fuzz/regressions and replayed by tests/unit/test_fuzz.c.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pipeline/ingest/extract.h"
#include "pipeline/facts.h"
#include "kpi/date.h"
#include "pipeline/report/report_csv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const fixed[3] = {
    "tenant_id,customer_name,region,seats,kickoff_date,engagement_start\n"
    "T1,Contoso,NA,20000,2024-02-01,2024-01-01\n"
    "T2,\"Fabrikam, Inc.\",EMEA,,,2024-03-01\n",
    "tenant_id,workload,as_of,qualified_entitlements,enabled_date,notes\n"
    "T1,EXO,2024-01-01,100,2024-01-10,#Compete\n"
    "T1,SPO,2024-03-01,5,,\n"
    "T2,Teams,2024-05-15,10,2024-05-20,Expecting<50\n",
    "tenant_id,workload,date,active_users\n"
    "T1,EXO,2024-01-31,12\n"
    "T1,EXO,2024-06-30,99\n"
    "T2,TEAMS,2024-06-30,8\n",
};

static void write_all(const char *path, const void *data, size_t n)
{
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(data, 1, n, f) != n || fclose(f) != 0)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    int kind = data[0] % 3;
    char dir[] = "/tmp/ftkpi-fuzz.XXXXXX";
    if (!mkdtemp(dir))
        abort();
    char path[3][64];
    for (int k = 0; k < 3; k++) {
        snprintf(path[k], sizeof(path[k]), "%s/%d.csv", dir, k);
        if (k == kind)
            write_all(path[k], data + 1, size - 1);
        else
            write_all(path[k], fixed[k], strlen(fixed[k]));
    }

    struct config cfg;
    struct ftk_diag diag;
    if (config_load(&cfg, NULL, &diag) != FTK_OK)
        abort();
    struct store st;
    store_init(&st, &cfg);
    struct rejects rj;
    FILE *sink = fopen("/dev/null", "w");
    rejects_init(&rj, sink);
    bool ok = true;
    for (int k = 0; k < 3 && ok; k++) {
        struct extract_stats stats;
        ok = extract_file(&st, &rj, (enum extract_kind)k, path[k], &stats,
                          &diag) == FTK_OK;
        if (ok && stats.read != stats.accepted + stats.rejected)
            abort(); /* a row was lost */
        uint64_t by_reason = 0;
        for (int r = 0; r < REJECT_COUNT; r++)
            by_reason += stats.by_reason[r];
        if (ok && by_reason != stats.rejected)
            abort();
        if (ok && k == EXTRACT_CUSTOMERS && store_customers_done(&st) != FTK_OK)
            abort();
        if (ok && k == EXTRACT_ENTITLEMENTS)
            store_entitlements_done(&st);
        if (ok && k == EXTRACT_USAGE)
            store_usage_done(&st);
    }
    if (ok) {
        int32_t month = st.latest_usage_date == KPI_NO_DATE
                            ? 2024 * 12 + 5
                            : kpi_month_of(st.latest_usage_date);
        struct facts f;
        if (facts_build(&f, &st, month, &diag) != FTK_OK)
            abort();
        if (!report_csv_workload_kpis(sink, &f) ||
            !report_csv_customer_kpis(sink, &f) ||
            !report_csv_portfolio(sink, &f) || !report_csv_candidates(sink, &f))
            abort();
        facts_release(&f);
    }
    fclose(sink);
    store_release(&st);
    config_release(&cfg);
    for (int k = 0; k < 3; k++)
        unlink(path[k]);
    rmdir(dir);
    return 0;
}
