/*
 * pipeline/manifest.c - a small JSON writer for run.json.
 */
#include "manifest.h"

#include <string.h>

#include "kpi/date.h"
#include "pipeline/base/version.h"

static void json_string(FILE *f, const char *s)
{
    putc('"', f);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '"' || *p == '\\')
            fprintf(f, "\\%c", *p);
        else if (*p < 0x20)
            fprintf(f, "\\u%04x", *p);
        else
            putc(*p, f);
    }
    putc('"', f);
}

static void reasons(FILE *f, const uint64_t *by_reason)
{
    bool first = true;
    putc('{', f);
    for (int r = 0; r < REJECT_COUNT; r++) {
        if (!by_reason[r])
            continue;
        fprintf(f, "%s\"%s\": %llu", first ? "" : ", ",
                reject_code((enum reject_reason)r),
                (unsigned long long)by_reason[r]);
        first = false;
    }
    putc('}', f);
}

bool manifest_write(FILE *f, const struct manifest *m)
{
    char month[8], day[11];
    uint64_t read = 0, accepted = 0, rejected = 0;
    uint64_t by_reason[REJECT_COUNT] = {0};
    kpi_month_format(m->as_of_month, month);
    fprintf(f, "{\n  \"program\": \"ftkpi\",\n  \"version\": \"%s\",\n",
            FTK_VERSION);
    fprintf(f, "  \"command\": \"%s\",\n", m->command);
    if (m->shards > 0)
        fprintf(f, "  \"shards\": %u,\n", (unsigned)m->shards);
    fprintf(f, "  \"as_of_month\": \"%s\",\n", month);
    if (m->latest_snapshot != KPI_NO_DATE) {
        kpi_date_format(m->latest_snapshot, day);
        fprintf(f, "  \"latest_snapshot\": \"%s\",\n", day);
    }
    fputs("  \"config\": ", f);
    json_string(f, m->cfg->source);
    fputs(",\n  \"inputs\": [\n", f);
    for (size_t i = 0; i < m->n_inputs; i++) {
        const struct extract_stats *s = &m->inputs[i];
        fputs("    {\"path\": ", f);
        json_string(f, s->path);
        fprintf(f,
                ", \"kind\": \"%s\", \"bytes\": %llu, \"sha256\": \"%s\", "
                "\"rows_read\": %llu, \"accepted\": %llu, \"rejected\": %llu, "
                "\"rejected_by_reason\": ",
                extract_kind_name(s->kind), (unsigned long long)s->bytes,
                s->sha256, (unsigned long long)s->read,
                (unsigned long long)s->accepted,
                (unsigned long long)s->rejected);
        reasons(f, s->by_reason);
        fprintf(f, "}%s\n", i + 1 < m->n_inputs ? "," : "");
        read += s->read;
        accepted += s->accepted;
        rejected += s->rejected;
        for (int r = 0; r < REJECT_COUNT; r++)
            by_reason[r] += s->by_reason[r];
    }
    fprintf(f,
            "  ],\n  \"rows\": {\"read\": %llu, \"accepted\": %llu, "
            "\"rejected\": %llu, \"rejected_by_reason\": ",
            (unsigned long long)read, (unsigned long long)accepted,
            (unsigned long long)rejected);
    reasons(f, by_reason);
    fputs("},\n  \"outputs\": [\n", f);
    for (size_t i = 0; i < m->n_outputs; i++) {
        const struct manifest_output *o = &m->output[i];
        fputs("    {\"name\": ", f);
        json_string(f, o->name);
        fprintf(f, ", \"bytes\": %llu, \"sha256\": \"%s\"}%s\n",
                (unsigned long long)o->bytes, o->sha256,
                i + 1 < m->n_outputs ? "," : "");
    }
    fputs("  ],\n  \"timings_ms\": {", f);
    for (size_t i = 0; i < m->n_timings; i++)
        fprintf(f, "%s\"%s\": %.1f", i ? ", " : "", m->timing[i].stage,
                m->timing[i].ms);
    fputs("}\n}\n", f);
    return ferror(f) == 0;
}
