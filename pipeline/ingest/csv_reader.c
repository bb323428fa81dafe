/*
 * pipeline/ingest/csv_reader.c - libcsv driven one physical line at a time.
 *
 * libcsv does not count lines, so the reader hands it the input one line
 * (or one chunk-bounded piece of a line) at a time: whatever callback fires
 * belongs to the line being fed, and a record that is still open after a
 * piece began on that piece's line. The same pieces, kept while a record
 * is open, are the record's raw bytes.
 *
 * Only LF ends a record; CR counts as white space around a field, so CRLF
 * works and a CR inside quotes is kept.
 */
#include "csv_reader.h"

#include <csv.h>
#include <stdlib.h>
#include <string.h>

#include "pipeline/base/grow.h"
#include "pipeline/base/testing.h"

/* libcsv's parser states (csv.c); the struct is public, the names not. */
#define LIBCSV_ROW_NOT_BEGUN 0

struct csv_reader {
    struct source src;
    struct csv_parser parser;
    bool parser_ready;
    unsigned char *chunk;
    size_t chunk_len, chunk_pos;
    bool eof, bom_checked, finished;
    uint64_t line;        /* physical line of the next byte fed */
    uint64_t line_offset; /* bytes of that line already fed */
    uint64_t rec_line;    /* first line of the open record, 0 if none */
    /* the record being built */
    char *fbuf;
    size_t fbuf_len, fbuf_cap;
    size_t *foff, *flen;
    const char **fptr;
    size_t n_fields, fcap;
    char *raw;
    size_t raw_len, raw_cap;
    bool ready;
    bool nomem;
    bool field_too_long; /* a field over the limit ended inside a piece */
    struct csv_record rec;
};

/* foff, flen and fptr have at least fcap slots each. */
static bool grow_fields(struct csv_reader *r, size_t need)
{
    if (need <= r->fcap)
        return true;
    size_t cap_off = r->fcap, cap_len = r->fcap, cap_ptr = r->fcap;
    size_t *off = grow_array(r->foff, &cap_off, need, sizeof(*off));
    if (!off)
        return false;
    r->foff = off;
    size_t *len = grow_array(r->flen, &cap_len, need, sizeof(*len));
    if (!len)
        return false;
    r->flen = len;
    const char **ptr = grow_array(r->fptr, &cap_ptr, need, sizeof(*ptr));
    if (!ptr)
        return false;
    r->fptr = ptr;
    size_t cap = cap_off < cap_len ? cap_off : cap_len;
    r->fcap = cap < cap_ptr ? cap : cap_ptr;
    return true;
}

/* Makes room for need bytes in a byte buffer. */
static bool grow_bytes(char **buf, size_t *cap, size_t need)
{
    char *p = grow_array(*buf, cap, need, 1);
    if (!p)
        return false;
    *buf = p;
    return true;
}

static void on_field(void *s, size_t len, void *data)
{
    struct csv_reader *r = data;
    if (r->rec_line == 0)
        r->rec_line = r->line;
    /* entry_pos is checked after each piece, but a field that ends inside
     * a piece is gone by then. */
    if (len > CSV_READER_FIELD_MAX) {
        r->field_too_long = true;
        return;
    }
    if (!grow_bytes(&r->fbuf, &r->fbuf_cap, r->fbuf_len + len + 1) ||
        !grow_fields(r, r->n_fields + 1)) {
        r->nomem = true;
        return;
    }
    if (len)
        memcpy(r->fbuf + r->fbuf_len, s, len);
    r->fbuf[r->fbuf_len + len] = '\0';
    r->foff[r->n_fields] = r->fbuf_len;
    r->flen[r->n_fields] = len;
    r->fbuf_len += len + 1;
    r->n_fields++;
}

static void on_record(int c, void *data)
{
    (void)c;
    struct csv_reader *r = data;
    r->ready = true;
}

static int is_space(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\r';
}

static int is_term(unsigned char c)
{
    return c == '\n';
}

enum ftk_error csv_reader_open(struct csv_reader **out, const char *path,
                               struct ftk_diag *diag)
{
    *out = NULL;
    struct csv_reader *r = calloc(1, sizeof(*r));
    if (!r)
        return ftk_fail(diag, FTK_E_NOMEM, "%s: out of memory", path);
    enum ftk_error err = source_open(&r->src, path, diag);
    if (err != FTK_OK) {
        free(r);
        return err;
    }
    r->chunk = malloc(SOURCE_CHUNK);
    if (!r->chunk ||
        csv_init(&r->parser, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL)) {
        csv_reader_close(r);
        return ftk_fail(diag, FTK_E_NOMEM, "%s: out of memory", path);
    }
    r->parser_ready = true;
    csv_set_space_func(&r->parser, is_space);
    csv_set_term_func(&r->parser, is_term);
    csv_set_blk_size(&r->parser, 4096);
    r->line = 1;
    *out = r;
    return FTK_OK;
}

struct source *csv_reader_source(struct csv_reader *r)
{
    return &r->src;
}

static enum ftk_error syntax_error(struct csv_reader *r, size_t at,
                                   struct ftk_diag *diag)
{
    const char *why;
    if (r->parser.quoted)
        why = "unexpected character after a closing quote: a quote inside "
              "a quoted field must be doubled";
    else
        why = "quote inside an unquoted field: quote the whole field and "
              "double the quote";
    return ftk_fail(diag, FTK_E_DATA, "%s:%llu:%llu: csv syntax error: %s",
                    r->src.path, (unsigned long long)r->line,
                    (unsigned long long)(r->line_offset + at + 1), why);
}

static enum ftk_error too_long(struct csv_reader *r, const char *what,
                               size_t limit, struct ftk_diag *diag)
{
    return ftk_fail(diag, FTK_E_DATA,
                    "%s:%llu: %s longer than %zu bytes (record starting at "
                    "line %llu): is a quote not closed?",
                    r->src.path, (unsigned long long)r->line, what, limit,
                    (unsigned long long)(r->rec_line ? r->rec_line : r->line));
}

/* Feeds one piece: bytes up to and including the next LF, or up to the end
 * of the chunk. */
static enum ftk_error feed_piece(struct csv_reader *r, struct ftk_diag *diag)
{
    const unsigned char *start = r->chunk + r->chunk_pos;
    size_t avail = r->chunk_len - r->chunk_pos;
    const unsigned char *lf = memchr(start, '\n', avail);
    size_t n = lf ? (size_t)(lf - start) + 1 : avail;

    if (r->rec_line == 0 && r->line_offset == 0)
        r->raw_len = 0; /* blank lines before a record are not part of it */
    if (r->raw_len + n > CSV_READER_RECORD_MAX)
        return too_long(r, "record", CSV_READER_RECORD_MAX, diag);
    if (!grow_bytes(&r->raw, &r->raw_cap, r->raw_len + n + 1))
        return ftk_fail(diag, FTK_E_NOMEM, "%s: out of memory", r->src.path);
    memcpy(r->raw + r->raw_len, start, n);
    r->raw_len += n;

    size_t parsed = csv_parse(&r->parser, start, n, on_field, on_record, r);
    if (r->nomem)
        return ftk_fail(diag, FTK_E_NOMEM, "%s: out of memory", r->src.path);
    if (parsed < n) {
        if (csv_error(&r->parser) == CSV_EPARSE)
            return syntax_error(r, parsed, diag);
        return ftk_fail(diag, FTK_E_NOMEM, "%s:%llu: %s", r->src.path,
                        (unsigned long long)r->line,
                        csv_strerror(csv_error(&r->parser)));
    }
    if (r->rec_line == 0 && r->parser.pstate != LIBCSV_ROW_NOT_BEGUN)
        r->rec_line = r->line;
    if (r->field_too_long || r->parser.entry_pos > CSV_READER_FIELD_MAX)
        return too_long(r, "field", CSV_READER_FIELD_MAX, diag);

    r->chunk_pos += n;
    if (lf) {
        r->line++;
        r->line_offset = 0;
    } else {
        r->line_offset += n;
    }
    return FTK_OK;
}

static void finish_record(struct csv_reader *r)
{
    for (size_t i = 0; i < r->n_fields; i++)
        r->fptr[i] = r->fbuf + r->foff[i];
    while (r->raw_len > 0 &&
           (r->raw[r->raw_len - 1] == '\n' || r->raw[r->raw_len - 1] == '\r'))
        r->raw_len--;
    r->raw[r->raw_len] = '\0';
    r->rec.n_fields = r->n_fields;
    r->rec.field = r->fptr;
    r->rec.len = r->flen;
    r->rec.line = r->rec_line;
    r->rec.raw = r->raw;
    r->rec.raw_len = r->raw_len;
}

enum ftk_error csv_reader_next(struct csv_reader *r,
                               const struct csv_record **rec,
                               struct ftk_diag *diag)
{
    *rec = NULL;
    r->ready = false;
    r->n_fields = 0;
    r->fbuf_len = 0;
    while (!r->ready) {
        if (r->finished)
            return FTK_OK;
        if (r->chunk_pos == r->chunk_len && !r->eof) {
            size_t got;
            enum ftk_error err =
                source_read(&r->src, r->chunk, SOURCE_CHUNK, &got, diag);
            if (err != FTK_OK)
                return err;
            r->chunk_len = got;
            r->chunk_pos = 0;
            r->eof = got == 0;
            if (!r->bom_checked && got > 0) {
                r->bom_checked = true;
                if (got >= 3 && memcmp(r->chunk, "\xEF\xBB\xBF", 3) == 0)
                    r->chunk_pos = 3;
            }
        }
        if (r->eof) {
            if (csv_fini(&r->parser, on_field, on_record, r) != 0)
                return ftk_fail(
                    diag, FTK_E_DATA,
                    "%s:%llu: csv syntax error: quoted field not "
                    "closed before the end of the file",
                    r->src.path,
                    (unsigned long long)(r->rec_line ? r->rec_line : r->line));
            if (r->nomem)
                return ftk_fail(diag, FTK_E_NOMEM, "%s: out of memory",
                                r->src.path);
            if (r->field_too_long)
                return too_long(r, "field", CSV_READER_FIELD_MAX, diag);
            r->finished = true;
            break;
        }
        if (r->chunk_pos < r->chunk_len) {
            enum ftk_error err = feed_piece(r, diag);
            if (err != FTK_OK)
                return err;
        }
    }
    if (!r->ready)
        return FTK_OK;
    finish_record(r);
    r->rec_line = 0;
    *rec = &r->rec;
    return FTK_OK;
}

void csv_reader_close(struct csv_reader *r)
{
    if (!r)
        return;
    if (r->parser_ready)
        csv_free(&r->parser);
    source_close(&r->src);
    free(r->chunk);
    free(r->fbuf);
    free(r->foff);
    free(r->flen);
    free(r->fptr);
    free(r->raw);
    free(r);
}
