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
 *
 * Two things keep this fast (docs/decisions.md, "Ingest at the speed of
 * inflate"): a thread reads, inflates and hashes the file into a small ring
 * of chunks while the caller parses, and a complete line without any quote,
 * met while no record is open, is split on its commas here rather than fed
 * to libcsv byte by byte. The split gives exactly what libcsv gives for
 * such a line (fields trimmed of spaces, tabs and CRs; a line of only those
 * is blank); every other line goes through libcsv.
 */
#include "csv_reader.h"

#include <csv.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "pipeline/base/grow.h"
#include "pipeline/base/testing.h"

/* libcsv's parser states (csv.c); the struct is public, the names not. */
#define LIBCSV_ROW_NOT_BEGUN 0
#define LIBCSV_FIELD_BEGUN 2

/* Chunks read ahead by the reading thread: CSV_READER_QUEUE x SOURCE_CHUNK
 * bytes per open reader, whatever the file's size. */
#define CSV_READER_QUEUE 4

/* The first block looked at for binary content (docs/inputs.md). */
#define BINARY_BLOCK (64 * 1024)

/* One chunk of content, filled by the reading thread. */
struct slot {
    unsigned char *buf; /* SOURCE_CHUNK bytes */
    size_t len;         /* 0 at the end of the file */
    uint64_t raw_end;   /* the source's raw bytes read once it was filled */
    enum ftk_error err;
    struct ftk_diag diag;
};

struct csv_reader {
    struct source src; /* the reading thread's while it runs */
    struct csv_parser parser;
    bool parser_ready;
    bool libcsv_only;     /* test seam: no splitting without libcsv */
    uint64_t lines_split; /* records split without libcsv */
    /* the ring: slots [head, head + filled) are the parser's, the rest the
     * reading thread's */
    struct slot slot[CSV_READER_QUEUE];
    size_t head, filled;
    bool held; /* the parser is on slot[head] */
    bool stop;
    bool thread_running;
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t more, room;
    bool sync_ready;
    unsigned char *chunk; /* slot[head].buf while held */
    size_t chunk_len, chunk_pos;
    uint64_t raw_taken; /* raw bytes behind the chunks taken so far */
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

/* The reading thread: fills free slots in order until the end of the
 * file, an error, or the reader is closed. */
static void *read_ahead(void *arg)
{
    struct csv_reader *r = arg;
    for (size_t i = 0;; i = (i + 1) % CSV_READER_QUEUE) {
        pthread_mutex_lock(&r->lock);
        while (r->filled == CSV_READER_QUEUE && !r->stop)
            pthread_cond_wait(&r->room, &r->lock);
        bool stop = r->stop;
        pthread_mutex_unlock(&r->lock);
        if (stop)
            break;
        struct slot *s = &r->slot[i];
        s->err = source_read(&r->src, s->buf, SOURCE_CHUNK, &s->len, &s->diag);
        s->raw_end = r->src.bytes;
        pthread_mutex_lock(&r->lock);
        r->filled++;
        pthread_cond_signal(&r->more);
        pthread_mutex_unlock(&r->lock);
        if (s->err != FTK_OK || s->len == 0)
            break;
    }
    return NULL;
}

/* Starts the reading thread with every signal blocked, so that signals
 * keep going to the thread that handles them. */
static bool start_thread(struct csv_reader *r)
{
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    int rc = pthread_create(&r->thread, NULL, read_ahead, r);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    r->thread_running = rc == 0;
    return rc == 0;
}

static void stop_thread(struct csv_reader *r)
{
    if (!r->thread_running)
        return;
    pthread_mutex_lock(&r->lock);
    r->stop = true;
    pthread_cond_signal(&r->room);
    pthread_mutex_unlock(&r->lock);
    pthread_join(r->thread, NULL);
    r->thread_running = false;
}

/* Hands the slot held back to the reading thread and waits for the next
 * one. At the end of the file the thread has ended: it is joined, so the
 * source (byte count, checksum) is the caller's again. */
static enum ftk_error next_chunk(struct csv_reader *r, size_t *got,
                                 struct ftk_diag *diag)
{
    pthread_mutex_lock(&r->lock);
    if (r->held) {
        r->held = false;
        r->head = (r->head + 1) % CSV_READER_QUEUE;
        r->filled--;
        pthread_cond_signal(&r->room);
    }
    /* thread_running is only written by this thread */
    while (r->filled == 0 && r->thread_running)
        pthread_cond_wait(&r->more, &r->lock);
    bool none = r->filled == 0;
    pthread_mutex_unlock(&r->lock);
    if (none) { /* csv_reader_source stopped the reading */
        r->held = false;
        return ftk_fail(diag, FTK_E_IO, "%s: read after its source was taken",
                        r->src.path);
    }
    struct slot *s = &r->slot[r->head];
    r->held = true;
    r->chunk = s->buf;
    r->raw_taken = s->raw_end;
    *got = s->len;
    if (s->err != FTK_OK || s->len == 0)
        stop_thread(r);
    if (s->err != FTK_OK) {
        if (diag)
            *diag = s->diag;
        return s->err;
    }
    return FTK_OK;
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
    bool bufs = true;
    for (size_t i = 0; i < CSV_READER_QUEUE; i++) {
        r->slot[i].buf = malloc(SOURCE_CHUNK);
        bufs = bufs && r->slot[i].buf;
    }
    if (!bufs ||
        csv_init(&r->parser, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL)) {
        csv_reader_close(r);
        return ftk_fail(diag, FTK_E_NOMEM, "%s: out of memory", path);
    }
    r->parser_ready = true;
    csv_set_space_func(&r->parser, is_space);
    csv_set_term_func(&r->parser, is_term);
    csv_set_blk_size(&r->parser, 4096);
    r->line = 1;
    if (pthread_mutex_init(&r->lock, NULL) != 0) {
        csv_reader_close(r);
        return ftk_fail(diag, FTK_E_NOMEM, "%s: cannot start reading", path);
    }
    if (pthread_cond_init(&r->more, NULL) != 0) {
        pthread_mutex_destroy(&r->lock);
        csv_reader_close(r);
        return ftk_fail(diag, FTK_E_NOMEM, "%s: cannot start reading", path);
    }
    if (pthread_cond_init(&r->room, NULL) != 0) {
        pthread_cond_destroy(&r->more);
        pthread_mutex_destroy(&r->lock);
        csv_reader_close(r);
        return ftk_fail(diag, FTK_E_NOMEM, "%s: cannot start reading", path);
    }
    r->sync_ready = true;
    if (!start_thread(r)) {
        csv_reader_close(r);
        return ftk_fail(diag, FTK_E_NOMEM, "%s: cannot start reading", path);
    }
    *out = r;
    return FTK_OK;
}

void csv_reader_use_libcsv_only(struct csv_reader *r, bool on)
{
    r->libcsv_only = on;
}

uint64_t csv_reader_lines_split(const struct csv_reader *r)
{
    return r->lines_split;
}

uint64_t csv_reader_raw_taken(const struct csv_reader *r)
{
    return r->raw_taken;
}

struct source *csv_reader_source(struct csv_reader *r)
{
    /* Ended already at the end of the file; before it, reading stops here
     * so that the caller never shares the source with the thread. */
    stop_thread(r);
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

/* A limit passed. Inside an open quote that is almost always a quote not
 * closed; outside one, the line is simply too long (docs/inputs.md). */
static enum ftk_error too_long(struct csv_reader *r, const char *what,
                               size_t limit, bool in_quotes,
                               struct ftk_diag *diag)
{
    unsigned long long start = r->rec_line ? r->rec_line : r->line;
    if (in_quotes)
        return ftk_fail(diag, FTK_E_DATA,
                        "%s:%llu: %s longer than %zu bytes (record starting "
                        "at line %llu): is a quote not closed?",
                        r->src.path, (unsigned long long)r->line, what, limit,
                        start);
    if (start != r->line)
        return ftk_fail(diag, FTK_E_DATA,
                        "%s:%llu: record too long: a %s longer than the "
                        "limit of %zu bytes (record starting at line %llu)",
                        r->src.path, (unsigned long long)r->line, what, limit,
                        start);
    return ftk_fail(diag, FTK_E_DATA,
                    "%s:%llu: line too long: a %s longer than the limit of "
                    "%zu bytes, with no quote open",
                    r->src.path, (unsigned long long)r->line, what, limit);
}

/* Whether libcsv is inside a quoted field. */
static bool in_quotes(const struct csv_reader *r)
{
    return r->parser.quoted && r->parser.pstate >= LIBCSV_FIELD_BEGUN;
}

static bool is_blank_byte(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\r';
}

/* A byte that has no place in a text CSV: NUL, or a control byte other
 * than TAB, LF, CR and FF. */
static bool is_binary_byte(unsigned char c)
{
    return (c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f') ||
           c == 0x7F;
}

/* docs/inputs.md: the first block of content is binary when its first line
 * holds a NUL byte (no header has one), or when more than one byte in
 * twenty is NUL or another control byte. Named at the first such byte. A
 * stray NUL further down is a row's invalid UTF-8, rejected with the row. */
static enum ftk_error check_text(struct csv_reader *r, struct ftk_diag *diag)
{
    const unsigned char *b = r->chunk + r->chunk_pos;
    size_t n = r->chunk_len - r->chunk_pos;
    if (n > BINARY_BLOCK)
        n = BINARY_BLOCK;
    size_t bad = 0, first = n;
    bool nul_in_header = false, header = true;
    for (size_t i = 0; i < n; i++) {
        if (b[i] == '\n')
            header = false;
        if (is_binary_byte(b[i])) {
            bad++;
            if (first == n)
                first = i;
            if (b[i] == '\0' && header)
                nul_in_header = true;
        }
    }
    if (!nul_in_header && bad * 20 <= n)
        return FTK_OK;
    unsigned long long line = 1, column = 1;
    for (size_t i = 0; i < first; i++) {
        if (b[i] == '\n') {
            line++;
            column = 1;
        } else {
            column++;
        }
    }
    return ftk_fail(diag, FTK_E_DATA,
                    "%s:%llu:%llu: not a text CSV (binary bytes at line %llu): "
                    "byte 0x%02X, and %zu NUL or control bytes in the first "
                    "%zu; expected comma-separated UTF-8 text",
                    r->src.path, line, column, line, b[first], bad, n);
}

/* Splits a line without quotes, ending with LF at start[n - 1], the way
 * libcsv would: fields between commas, trimmed of spaces, tabs and CRs. A
 * line of only those is blank: no record. */
static enum ftk_error split_line(struct csv_reader *r,
                                 const unsigned char *start, size_t n,
                                 struct ftk_diag *diag)
{
    size_t len = n - 1;
    size_t i = 0;
    while (i < len && is_blank_byte(start[i]))
        i++;
    if (i == len)
        return FTK_OK; /* blank */
    if (!grow_bytes(&r->fbuf, &r->fbuf_cap, len + 1))
        return ftk_fail(diag, FTK_E_NOMEM, "%s: out of memory", r->src.path);
    char *b = r->fbuf;
    memcpy(b, start, len);
    /* Eight bytes at a time: any byte >= 0x80, any NUL? */
    uint64_t high = 0, zero = 0;
    size_t w = 0;
    for (; w + 8 <= len; w += 8) {
        uint64_t v;
        memcpy(&v, start + w, 8);
        high |= v;
        zero |= (v - UINT64_C(0x0101010101010101)) & ~v;
    }
    for (; w < len; w++) {
        high |= start[w];
        zero |= start[w] == 0 ? UINT64_C(0x80) : 0;
    }
    r->rec.ascii = ((high | zero) & UINT64_C(0x8080808080808080)) == 0;
    size_t nf = 0;
    size_t pos = 0;
    for (;;) {
        const char *comma = memchr(b + pos, ',', len - pos);
        size_t end = comma ? (size_t)(comma - b) : len;
        size_t s = pos, e = end;
        while (s < e && is_blank_byte((unsigned char)b[s]))
            s++;
        while (e > s && is_blank_byte((unsigned char)b[e - 1]))
            e--;
        if (nf == r->fcap && !grow_fields(r, nf + 1))
            return ftk_fail(diag, FTK_E_NOMEM, "%s: out of memory",
                            r->src.path);
        b[e] = '\0';
        r->fptr[nf] = b + s;
        r->flen[nf] = e - s;
        nf++;
        if (!comma)
            break;
        pos = end + 1;
    }
    r->n_fields = nf;
    r->fbuf_len = len + 1;
    /* The raw bytes stay in the chunk, which the record may use until the
     * next call: the line end is no longer needed, so it ends the text. */
    unsigned char *raw = r->chunk + r->chunk_pos;
    size_t raw_len = len;
    while (raw_len > 0 && raw[raw_len - 1] == '\r')
        raw_len--;
    raw[raw_len] = '\0';
    r->rec.n_fields = nf;
    r->rec.field = r->fptr;
    r->rec.len = r->flen;
    r->rec.line = r->line;
    r->rec.raw = (const char *)raw;
    r->rec.raw_len = raw_len;
    r->ready = true;
    r->lines_split++;
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
    r->rec.ascii = false;
    r->rec.line = r->rec_line;
    r->rec.raw = r->raw;
    r->rec.raw_len = r->raw_len;
}

/* Feeds one piece: bytes up to and including the next LF, or up to the end
 * of the chunk. */
static enum ftk_error feed_piece(struct csv_reader *r, struct ftk_diag *diag)
{
    unsigned char *start = r->chunk + r->chunk_pos;
    size_t avail = r->chunk_len - r->chunk_pos;
    const unsigned char *lf = memchr(start, '\n', avail);
    size_t n = lf ? (size_t)(lf - start) + 1 : avail;

    if (lf && r->rec_line == 0 && r->line_offset == 0 && !r->libcsv_only &&
        r->parser.pstate == LIBCSV_ROW_NOT_BEGUN && !memchr(start, '"', n)) {
        enum ftk_error err = split_line(r, start, n, diag);
        if (err != FTK_OK)
            return err;
        r->chunk_pos += n;
        r->line++;
        return FTK_OK;
    }

    if (r->rec_line == 0 && r->line_offset == 0)
        r->raw_len = 0; /* blank lines before a record are not part of it */
    if (r->raw_len + n > CSV_READER_RECORD_MAX)
        return too_long(r, "record", CSV_READER_RECORD_MAX, in_quotes(r), diag);
    if (!grow_bytes(&r->raw, &r->raw_cap, r->raw_len + n + 1))
        return ftk_fail(diag, FTK_E_NOMEM, "%s: out of memory", r->src.path);
    memcpy(r->raw + r->raw_len, start, n);
    r->raw_len += n;

    /* a field over the limit that ends in this piece began before it */
    bool quoted_before = in_quotes(r);
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
    if (r->field_too_long)
        return too_long(r, "field", CSV_READER_FIELD_MAX, quoted_before, diag);
    if (r->parser.entry_pos > CSV_READER_FIELD_MAX)
        return too_long(r, "field", CSV_READER_FIELD_MAX, in_quotes(r), diag);

    r->chunk_pos += n;
    if (lf) {
        r->line++;
        r->line_offset = 0;
    } else {
        r->line_offset += n;
    }
    if (r->ready)
        finish_record(r);
    return FTK_OK;
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
            size_t got = 0;
            enum ftk_error err = next_chunk(r, &got, diag);
            if (err != FTK_OK)
                return err;
            r->chunk_len = got;
            r->chunk_pos = 0;
            r->eof = got == 0;
            if (!r->bom_checked && got > 0) {
                r->bom_checked = true;
                if (got >= 3 && memcmp(r->chunk, "\xEF\xBB\xBF", 3) == 0)
                    r->chunk_pos = 3;
                err = check_text(r, diag);
                if (err != FTK_OK)
                    return err;
            }
        }
        if (r->eof) {
            bool quoted_before = in_quotes(r);
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
                return too_long(r, "field", CSV_READER_FIELD_MAX, quoted_before,
                                diag);
            r->finished = true;
            if (r->ready)
                finish_record(r);
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
    r->rec_line = 0;
    *rec = &r->rec;
    return FTK_OK;
}

void csv_reader_close(struct csv_reader *r)
{
    if (!r)
        return;
    stop_thread(r);
    if (r->sync_ready) {
        pthread_cond_destroy(&r->room);
        pthread_cond_destroy(&r->more);
        pthread_mutex_destroy(&r->lock);
    }
    if (r->parser_ready)
        csv_free(&r->parser);
    source_close(&r->src);
    for (size_t i = 0; i < CSV_READER_QUEUE; i++)
        free(r->slot[i].buf);
    free(r->fbuf);
    free(r->foff);
    free(r->flen);
    free(r->fptr);
    free(r->raw);
    free(r);
}
