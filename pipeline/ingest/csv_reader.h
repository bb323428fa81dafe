/*
 * pipeline/ingest/csv_reader.h - RFC 4180 records from a source, with libcsv.
 *
 * libcsv runs in strict mode, strict at the end of the file too. Records
 * carry the physical line number of their first line (the header is line
 * 1) and their raw bytes, for the rejects file. A UTF-8 BOM is dropped;
 * CRLF and LF both end a record; blank lines (empty, or only spaces and
 * tabs) are skipped. Spaces and tabs around a field are not part of it;
 * inside quotes they are.
 *
 * Limits with their own errors: a field over CSV_READER_FIELD_MAX bytes or a
 * record over CSV_READER_RECORD_MAX bytes stops the file (libcsv would grow
 * a field without end on an unterminated quote). Fields longer than the
 * schema allows are rejected row by row, later, by the extracts.
 */
#ifndef FTK_CSV_READER_H
#define FTK_CSV_READER_H

#include <stdbool.h>
#include <stdint.h>

#include "pipeline/base/ftk_error.h"
#include "pipeline/ingest/source.h"

#define CSV_READER_FIELD_MAX (1024 * 1024)
#define CSV_READER_RECORD_MAX (8 * 1024 * 1024)

/* One record. Every pointer is owned by the reader and valid until the next
 * csv_reader_next or csv_reader_close. */
struct csv_record {
    size_t n_fields;
    const char *const *field; /* NUL-terminated copies */
    const size_t *len;
    uint64_t line;   /* physical line of the record's first line */
    const char *raw; /* the record's bytes, without its line end */
    size_t raw_len;
    bool ascii; /* when true, every field byte is 0x01-0x7F (valid UTF-8);
                 * false says nothing */
};

struct csv_reader;

/* Opens path (plain or gzip). The reader keeps the path pointer. */
enum ftk_error csv_reader_open(struct csv_reader **out, const char *path,
                               struct ftk_diag *diag);

/* The next record in *rec, or *rec = NULL at the end of the file.
 * FTK_E_DATA for a CSV syntax error, a limit or a bad gzip stream, with
 * file:line:column in the message. */
enum ftk_error csv_reader_next(struct csv_reader *r,
                               const struct csv_record **rec,
                               struct ftk_diag *diag);

/* Test seam: with on, every line goes through libcsv, none through the
 * splitter of lines without quotes, so that tests can compare the two. */
void csv_reader_use_libcsv_only(struct csv_reader *r, bool on);

/* How many records the splitter gave, for the same tests. */
uint64_t csv_reader_lines_split(const struct csv_reader *r);

/* The raw bytes of the file (compressed, for gzip) behind the content the
 * parser has taken so far, a chunk at a time: how far reading has got, for
 * the progress line. Read-ahead chunks not yet taken are not counted. */
uint64_t csv_reader_raw_taken(const struct csv_reader *r);

/* The source under the reader: bytes read, checksum. Complete once
 * csv_reader_next has returned the end of the file. Called before that, it
 * stops the reading thread (the count then includes chunks read ahead) and
 * csv_reader_next fails from then on. */
struct source *csv_reader_source(struct csv_reader *r);

/* Frees the reader; csv_reader_close(NULL) does nothing. */
void csv_reader_close(struct csv_reader *r);

#endif
