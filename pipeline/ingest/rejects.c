/*
 * pipeline/ingest/rejects.c - the reject log.
 */
#include "rejects.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "pipeline/base/utf8.h"
#include "pipeline/base/testing.h"

static const char *const codes[] = {
#define REJECT_CODE(name, code, title) code,
    REJECT_REASONS(REJECT_CODE) REJECT_IMPORT_REASONS(REJECT_CODE)
#undef REJECT_CODE
};

static const char *const titles[] = {
#define REJECT_TITLE(name, code, title) title,
    REJECT_REASONS(REJECT_TITLE) REJECT_IMPORT_REASONS(REJECT_TITLE)
#undef REJECT_TITLE
};

static const struct schema_column rejects_cols[] = {
#define REJECTS_COL_ENTRY(id, name, type, title) [id] = {name, type, title},
    REJECTS_COLUMNS(REJECTS_COL_ENTRY)
#undef REJECTS_COL_ENTRY
};

const struct schema rejects_schema = {"rejects.csv", rejects_cols,
                                      sizeof(rejects_cols) /
                                          sizeof(rejects_cols[0])};

static const struct schema_column rejects_index_cols[] = {
#define RJX_COL_ENTRY(id, name, type, title) [id] = {name, type, title},
    REJECTS_INDEX_COLUMNS(RJX_COL_ENTRY)
#undef RJX_COL_ENTRY
};

const struct schema rejects_index_schema = {
    "rejects_index.csv", rejects_index_cols,
    sizeof(rejects_index_cols) / sizeof(rejects_index_cols[0])};

enum reject_reason reject_reason_of(const char *code)
{
    for (int r = 0; r < REJECT_COUNT; r++)
        if (strcmp(codes[r], code) == 0)
            return (enum reject_reason)r;
    return REJECT_COUNT;
}

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
        csv_writer_init(&rj->out, out, false);
        schema_csv_header(&rj->out, &rejects_schema);
        rj->writing = true;
    }
}

/* The raw cell. It comes with a length rather than as a C string, so it
 * is written as text of that length, not through schema_csv_value. */
static void write_raw(struct csv_writer *w, const char *raw, size_t raw_len)
{
    if (utf8_valid_prefix(raw, raw_len) == raw_len) {
        csv_writer_text(w, raw, raw_len);
        return;
    }
    /* Each invalid byte becomes three bytes at most. */
    size_t cap = 3 * raw_len + 1;
    char *clean = malloc(cap);
    if (clean) {
        size_t n = utf8_sanitize(raw, raw_len, clean, cap);
        csv_writer_text(w, clean, n);
        free(clean);
    } else {
        csv_writer_str(w, "(raw record not shown: out of memory)");
    }
}

void rejects_index(struct rejects *rj, FILE *f)
{
    csv_writer_init(&rj->index, f, false);
    schema_csv_header(&rj->index, &rejects_index_schema);
    rj->indexing = true;
}

void rejects_tally(struct rejects *rj, const char *file, uint64_t line,
                   enum reject_reason reason, const char *message)
{
    rj->total++;
    rj->by_reason[reason]++;
    if (rj->n_examples[reason] < REJECTS_EXAMPLES)
        snprintf(rj->example[reason][rj->n_examples[reason]++],
                 sizeof(rj->example[0][0]), "%s:%llu: %s", file,
                 (unsigned long long)line, message);
}

/* The index entry of the row just written, from start to the current
 * place in out. */
static void index_row(struct rejects *rj, long start, uint64_t line,
                      enum reject_reason reason, const char *message)
{
    long end = ftell(rj->out.f);
    struct csv_writer *w = &rj->index;
    for (size_t c = 0; c < rejects_index_schema.n_cols; c++) {
        struct schema_value v = {.known = true};
        switch ((enum rejects_index_col)c) {
        case RJX_COL_INPUT:
            v.i = rj->input;
            break;
        case RJX_COL_LINE:
            v.i = (int64_t)line;
            break;
        case RJX_COL_ERROR:
            v.s = reject_code(reason);
            break;
        case RJX_COL_MESSAGE:
            v.s = message;
            break;
        case RJX_COL_OFFSET:
            v.i = start;
            break;
        case RJX_COL_BYTES:
            v.i = end - start;
            break;
        case RJX_COL_COUNT:
            break;
        }
        schema_csv_value(w, rejects_index_schema.col[c].type, &v);
    }
    csv_writer_end(w);
}

void rejects_add(struct rejects *rj, const char *file, uint64_t line,
                 const char *column, enum reject_reason reason,
                 const char *message, const char *raw, size_t raw_len)
{
    rejects_tally(rj, file, line, reason, message);
    if (!rj->writing)
        return;
    long start = rj->indexing ? ftell(rj->out.f) : 0;
    for (size_t c = 0; c < rejects_schema.n_cols; c++) {
        struct schema_value v = {.known = true};
        switch ((enum rejects_col)c) {
        case REJECTS_COL_FILE:
            v.s = file;
            break;
        case REJECTS_COL_LINE:
            v.i = (int64_t)line;
            break;
        case REJECTS_COL_COLUMN:
            v.s = column ? column : "";
            break;
        case REJECTS_COL_ERROR:
            v.s = reject_code(reason);
            break;
        case REJECTS_COL_MESSAGE:
            v.s = message;
            break;
        case REJECTS_COL_RAW:
            write_raw(&rj->out, raw, raw_len);
            continue;
        }
        schema_csv_value(&rj->out, rejects_schema.col[c].type, &v);
    }
    csv_writer_end(&rj->out);
    if (rj->indexing)
        index_row(rj, start, line, reason, message);
}

bool reject_note(struct reject_note *n, enum reject_reason reason, int column,
                 const char *fmt, ...)
{
    n->reason = reason;
    n->column = column;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(n->message, sizeof(n->message), fmt, ap);
    va_end(ap);
    return false;
}
