/*
 * cmd/sample_files.h - the three files `ftkpi samples` writes: large
 * buffers flushed to a temporary file (plain or gzip) and renamed into
 * place when complete, and the hand-written formatting of fields into
 * them (printf per field would be the bottleneck at tens of millions of
 * rows). Used by samplegen.c only; names start with sample_.
 */
#ifndef FTK_SAMPLE_FILES_H
#define FTK_SAMPLE_FILES_H

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <zlib.h>

#include "kpi/date.h"
#include "pipeline/base/ftk_error.h"

#define SAMPLE_FILE_BUF (4u << 20)
#define SAMPLE_FILE_ROW_ROOM                                                   \
    8192 /* free space kept for one row; rows are far shorter */

struct sample_file {
    char path[PATH_MAX]; /* final name, for messages and the rename */
    char tmp[PATH_MAX];  /* temporary name while writing; "" when none */
    int fd;              /* -1 when closed */
    gzFile gz;           /* on a dup of fd; NULL for plain files */
    char *buf;
    size_t len;
    uint64_t rows;
    uint64_t bytes;
};

/* Sets up a closed file; sample_file_release is then safe. */
void sample_file_init(struct sample_file *f);

/* Creates DIR/NAME (.gz when gzip) under a temporary name. */
enum ftk_error sample_file_open(struct sample_file *f, const char *dir,
                                const char *name, bool gzip,
                                struct ftk_diag *diag);

/* Writes the buffer out. */
enum ftk_error sample_file_flush(struct sample_file *f, struct ftk_diag *diag);

/* Keeps SAMPLE_FILE_ROW_ROOM bytes free at the end of the buffer. */
static inline enum ftk_error sample_file_room(struct sample_file *f,
                                              struct ftk_diag *diag)
{
    if (f->len + SAMPLE_FILE_ROW_ROOM <= SAMPLE_FILE_BUF)
        return FTK_OK;
    return sample_file_flush(f, diag);
}

/* Flushes, closes and renames the file into place. */
enum ftk_error sample_file_finish(struct sample_file *f, struct ftk_diag *diag);

/* Closes the file and removes its temporary name if it is still there;
 * safe on a file sample_file_init set up, and twice. */
void sample_file_release(struct sample_file *f);

static inline char *sample_put_mem(char *p, const char *s, size_t n)
{
    memcpy(p, s, n);
    return p + n;
}

static inline char *sample_put_str(char *p, const char *s)
{
    return sample_put_mem(p, s, strlen(s));
}

static inline char *sample_put_u64(char *p, uint64_t v)
{
    char tmp[20];
    int n = 0;
    do {
        tmp[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v != 0);
    while (n > 0)
        *p++ = tmp[--n];
    return p;
}

/* A date, or nothing for KPI_NO_DATE (an empty field). */
static inline char *sample_put_date(char *p, int32_t day)
{
    if (day == KPI_NO_DATE)
        return p;
    char s[11];
    kpi_date_format(day, s);
    return sample_put_mem(p, s, 10);
}

/* A text field per RFC 4180: quoted when it holds a comma, quote, CR or LF,
 * or begins or ends with a space or tab; quotes inside are doubled. Returns
 * the end of what it wrote at p. */
char *sample_put_text(char *p, const char *s);

#endif
