/*
 * pipeline/manifest.c - a small JSON writer for run.json, and the reader of
 * its list of outputs.
 */
#include "manifest.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "kpi/date.h"
#include "pipeline/base/text.h"
#include "pipeline/base/version.h"

#include "pipeline/base/testing.h"

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

/* Reading back: a small scanner for the subset of JSON manifest_write
 * writes (objects, arrays, strings, numbers). */
struct scan {
    const char *p, *start, *end;
};

static void skip_ws(struct scan *s)
{
    while (s->p < s->end && strchr(" \t\r\n", *s->p) && *s->p)
        s->p++;
}

static bool eat(struct scan *s, char c)
{
    skip_ws(s);
    if (s->p < s->end && *s->p == c) {
        s->p++;
        return true;
    }
    return false;
}

/* A JSON string into a malloc'd UTF-8 string (\uXXXX of the BMP). */
static char *scan_string(struct scan *s)
{
    if (!eat(s, '"'))
        return NULL;
    const char *q = s->p;
    size_t cap = 1;
    while (q < s->end && *q != '"') {
        q += *q == '\\' ? 2 : 1;
        cap += 3;
    }
    if (q >= s->end)
        return NULL;
    char *out = malloc(cap);
    if (!out)
        return NULL;
    size_t n = 0;
    while (*s->p != '"') {
        char c = *s->p++;
        if (c != '\\') {
            out[n++] = c;
            continue;
        }
        c = *s->p++;
        const char *simple = strchr("\"\\/bfnrt", c);
        if (simple && c) {
            out[n++] = "\"\\/\b\f\n\r\t"[simple - "\"\\/bfnrt"];
            continue;
        }
        unsigned u = 0;
        for (int i = 0; c == 'u' && i < 4 && s->p < s->end; i++, s->p++) {
            char h = *s->p;
            int v = h >= '0' && h <= '9'   ? h - '0'
                    : h >= 'a' && h <= 'f' ? h - 'a' + 10
                    : h >= 'A' && h <= 'F' ? h - 'A' + 10
                                           : -1;
            if (v < 0)
                c = 0;
            u = u * 16 + (unsigned)(v < 0 ? 0 : v);
        }
        if (c != 'u' || u == 0) {
            free(out);
            return NULL;
        }
        if (u < 0x80) {
            out[n++] = (char)u;
        } else if (u < 0x800) {
            out[n++] = (char)(0xc0 | (u >> 6));
            out[n++] = (char)(0x80 | (u & 0x3f));
        } else {
            out[n++] = (char)(0xe0 | (u >> 12));
            out[n++] = (char)(0x80 | ((u >> 6) & 0x3f));
            out[n++] = (char)(0x80 | (u & 0x3f));
        }
    }
    s->p++;
    out[n] = '\0';
    return out;
}

static bool scan_number(struct scan *s, uint64_t *v)
{
    skip_ws(s);
    if (s->p >= s->end || *s->p < '0' || *s->p > '9')
        return false;
    *v = 0;
    while (s->p < s->end && *s->p >= '0' && *s->p <= '9') {
        if (*v > (UINT64_MAX - 9) / 10)
            return false;
        *v = *v * 10 + (uint64_t)(*s->p++ - '0');
    }
    return true;
}

/* One {"name": ..., "bytes": ..., "sha256": ...} of "outputs". */
static bool scan_entry(struct scan *s, struct manifest_entry *e)
{
    if (!eat(s, '{'))
        return false;
    bool has_bytes = false;
    do {
        char *key = scan_string(s);
        bool ok = key && eat(s, ':');
        if (ok && strcmp(key, "name") == 0 && !e->name) {
            ok = (e->name = scan_string(s)) != NULL && e->name[0];
        } else if (ok && strcmp(key, "bytes") == 0) {
            ok = has_bytes = scan_number(s, &e->bytes);
        } else if (ok && strcmp(key, "sha256") == 0) {
            char *hex = scan_string(s);
            ok = hex && strlen(hex) == 64 &&
                 strspn(hex, "0123456789abcdef") == 64;
            if (ok)
                memcpy(e->sha256, hex, 65);
            free(hex);
        } else {
            ok = false;
        }
        free(key);
        if (!ok)
            return false;
    } while (eat(s, ','));
    return eat(s, '}') && e->name && has_bytes && e->sha256[0];
}

enum ftk_error manifest_read_outputs(const char *path,
                                     struct manifest_listing *out,
                                     struct ftk_diag *diag)
{
    memset(out, 0, sizeof(*out));
    FILE *f = fopen(path, "rb");
    if (!f)
        return ftk_fail(diag, errno == ENOENT ? FTK_E_NOINPUT : FTK_E_IO,
                        "%s: cannot open: %s", path, strerror(errno));
    struct text t;
    text_init(&t);
    char chunk[8192];
    size_t n;
    while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
        text_add(&t, chunk, n);
    bool bad = ferror(f);
    fclose(f);
    if (bad || text_failed(&t)) {
        text_release(&t);
        return ftk_fail(diag, bad ? FTK_E_IO : FTK_E_NOMEM, "%s: read failed",
                        path);
    }
    struct scan s = {t.s ? t.s : "", t.s ? t.s : "", (t.s ? t.s : "") + t.len};
    /* "outputs" is a key of the top-level object */
    const char *key = NULL;
    for (const char *q = s.p; q && q < s.end;) {
        q = strstr(q, "\"outputs\"");
        if (q && q > s.start && q[-1] == ' ' && q - 3 >= s.start &&
            q[-3] == '\n') {
            key = q;
            break;
        }
        if (q)
            q++;
    }
    bool ok = key != NULL;
    size_t cap = 0;
    if (ok) {
        s.p = key + strlen("\"outputs\"");
        ok = eat(&s, ':') && eat(&s, '[');
    }
    if (ok && !eat(&s, ']')) {
        do {
            if (out->n == cap) {
                cap = cap ? 2 * cap : 16;
                struct manifest_entry *g =
                    realloc(out->entry, cap * sizeof(*g));
                if (!g) {
                    ok = false;
                    break;
                }
                out->entry = g;
            }
            struct manifest_entry *e = &out->entry[out->n];
            memset(e, 0, sizeof(*e));
            ok = scan_entry(&s, e);
            out->n++;
        } while (ok && eat(&s, ','));
        ok = ok && eat(&s, ']');
    }
    enum ftk_error err = FTK_OK;
    if (!ok) {
        err = ftk_fail(diag, FTK_E_DATA,
                       "%s: byte %zu: not a manifest ftkpi wrote (expected "
                       "\"outputs\": [{\"name\", \"bytes\", \"sha256\"}, ...])",
                       path, (size_t)(s.p - s.start) + 1);
        manifest_listing_release(out);
    }
    text_release(&t);
    return err;
}

const struct manifest_entry *
manifest_listing_find(const struct manifest_listing *l, const char *name)
{
    for (size_t i = 0; i < l->n; i++)
        if (strcmp(l->entry[i].name, name) == 0)
            return &l->entry[i];
    return NULL;
}

void manifest_listing_release(struct manifest_listing *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->entry[i].name);
    free(l->entry);
    memset(l, 0, sizeof(*l));
}
