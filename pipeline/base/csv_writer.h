/*
 * pipeline/base/csv_writer.h - RFC 4180 output: UTF-8, LF line ends, quoted
 * only where needed. A text cell that a spreadsheet would read as a formula
 * (first byte '=', '+', '-', '@', tab or CR) gets a leading "'"; numbers
 * never do. Write errors are sticky and reported by csv_writer_error.
 */
#ifndef FTK_CSV_WRITER_H
#define FTK_CSV_WRITER_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "kpi/kpi.h"

struct csv_writer {
    FILE *f; /* borrowed */
    bool row_started;
};

/* Starts writing to f; with bom, writes a UTF-8 BOM first (for files
 * meant to be opened in Excel). */
void csv_writer_init(struct csv_writer *w, FILE *f, bool bom);

/* A text cell (neutralised if it could be read as a formula). */
void csv_writer_text(struct csv_writer *w, const char *s, size_t len);
void csv_writer_str(struct csv_writer *w, const char *s);

/* A text cell written to be read back exactly by ftkpi (a shard folder,
 * docs/sharding.md): never neutralised, and quoted also when it begins or
 * ends with a space or tab, which a reader would otherwise drop. */
void csv_writer_exact(struct csv_writer *w, const char *s, size_t len);

/* A number or other literal cell written as is (quoted only if needed). */
void csv_writer_plain(struct csv_writer *w, const char *s);
void csv_writer_int(struct csv_writer *w, int64_t v);
void csv_writer_centi(struct csv_writer *w, kpi_centi v);
void csv_writer_date(struct csv_writer *w, int32_t days); /* "" if none */
void csv_writer_bool(struct csv_writer *w, bool v);
void csv_writer_empty(struct csv_writer *w);

/* Ends the row with LF. */
void csv_writer_end(struct csv_writer *w);

/* Writes a whole header row from a NULL-terminated list of names. */
void csv_writer_header(struct csv_writer *w, const char *const *names);

/* True when any write failed. */
bool csv_writer_error(const struct csv_writer *w);

#endif
