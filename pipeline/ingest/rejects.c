/*
 * pipeline/ingest/rejects.c - the reject log.
 */
#include "rejects.h"

#include <stdlib.h>
#include <string.h>

#include "pipeline/base/utf8.h"
#include "pipeline/base/testing.h"

static const char *const codes[] = {
#define REJECT_CODE(name, code, title) code,
    REJECT_REASONS(REJECT_CODE)
#undef REJECT_CODE
};

static const char *const titles[] = {
#define REJECT_TITLE(name, code, title) title,
    REJECT_REASONS(REJECT_TITLE)
#undef REJECT_TITLE
};

const char *reject_code(enum reject_reason r)
{
    return r < REJECT_COUNT ? codes[r] : "unknown";
}

const char *reject_title(enum reject_reason r)
{
    return r < REJECT_COUNT ? titles[r] : "unknown";
}

void rejects_init(struct rejects *rj, FILE *out)
{
    memset(rj, 0, sizeof(*rj));
    if (out) {
        static const char *const header[] = {
            "file", "line", "column", "error", "message", "raw", NULL};
        csv_writer_init(&rj->out, out, false);
        csv_writer_header(&rj->out, header);
        rj->writing = true;
    }
}

void rejects_add(struct rejects *rj, const char *file, uint64_t line,
                 const char *column, enum reject_reason reason,
                 const char *message, const char *raw, size_t raw_len)
{
    rj->total++;
    rj->by_reason[reason]++;
    if (rj->n_examples[reason] < REJECTS_EXAMPLES)
        snprintf(rj->example[reason][rj->n_examples[reason]++],
                 sizeof(rj->example[0][0]), "%s:%llu: %s", file,
                 (unsigned long long)line, message);
    if (!rj->writing)
        return;
    csv_writer_str(&rj->out, file);
    csv_writer_int(&rj->out, (int64_t)line);
    csv_writer_str(&rj->out, column ? column : "");
    csv_writer_plain(&rj->out, reject_code(reason));
    csv_writer_str(&rj->out, message);
    if (utf8_valid_prefix(raw, raw_len) == raw_len) {
        csv_writer_text(&rj->out, raw, raw_len);
    } else {
        /* Each invalid byte becomes three bytes at most. */
        size_t cap = 3 * raw_len + 1;
        char *clean = malloc(cap);
        if (clean) {
            size_t n = utf8_sanitize(raw, raw_len, clean, cap);
            csv_writer_text(&rj->out, clean, n);
            free(clean);
        } else {
            csv_writer_str(&rj->out, "(raw record not shown: out of memory)");
        }
    }
    csv_writer_end(&rj->out);
}
