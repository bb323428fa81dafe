/*
 * tests/fuzz/fuzz_csv_split.c - libFuzzer harness comparing the CSV
 * reader's two ways of reading a line (pipeline/ingest/csv_reader.c): the
 * splitter of lines without quotes, and libcsv for every line.
 *
 * The input is written to a file and read to the end twice, once as a run
 * reads it and once with csv_reader_use_libcsv_only. Every record (line,
 * fields, lengths, raw bytes) and the error that ends the file (code and
 * message, with its line and column) must be the same, or it aborts.
 * `make fuzz-split` runs it; tests/unit/test_csv_reader.c replays its
 * corpus and every input that ever failed, and its own cases.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pipeline/ingest/csv_reader.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A growing transcript of what a reader returned. */
struct transcript {
    char *buf;
    size_t len, cap;
};

static void put(struct transcript *t, const void *s, size_t n)
{
    if (t->len + n > t->cap) {
        size_t cap = t->cap ? t->cap : 4096;
        while (cap < t->len + n)
            cap *= 2;
        char *b = realloc(t->buf, cap);
        if (!b)
            abort();
        t->buf = b;
        t->cap = cap;
    }
    memcpy(t->buf + t->len, s, n);
    t->len += n;
}

static void put_bytes(struct transcript *t, const char *tag, const char *s,
                      size_t n)
{
    char head[64];
    int k = snprintf(head, sizeof(head), "%s%zu:", tag, n);
    put(t, head, (size_t)k);
    put(t, s, n);
}

/* Reads path to its end; the transcript of every record and the end.
 * *split counts the records the splitter gave. */
static struct transcript read_all(const char *path, bool libcsv_only,
                                  uint64_t *split)
{
    struct transcript t = {0};
    struct csv_reader *r;
    struct ftk_diag diag = {{0}};
    enum ftk_error err = csv_reader_open(&r, path, &diag);
    if (err != FTK_OK)
        abort(); /* the file was just written */
    csv_reader_use_libcsv_only(r, libcsv_only);
    for (;;) {
        const struct csv_record *rec;
        err = csv_reader_next(r, &rec, &diag);
        if (err != FTK_OK || !rec)
            break;
        char head[64];
        int k = snprintf(head, sizeof(head), "\nline %llu fields %zu ",
                         (unsigned long long)rec->line, rec->n_fields);
        put(&t, head, (size_t)k);
        put_bytes(&t, "raw", rec->raw, rec->raw_len);
        if (rec->raw[rec->raw_len] != '\0')
            abort(); /* the raw bytes end with a NUL */
        for (size_t i = 0; i < rec->n_fields; i++) {
            put_bytes(&t, " f", rec->field[i], rec->len[i]);
            if (rec->field[i][rec->len[i]] != '\0')
                abort(); /* every field ends with a NUL */
        }
    }
    char tail[32];
    int k = snprintf(tail, sizeof(tail), "\nend %d ", (int)err);
    put(&t, tail, (size_t)k);
    if (err != FTK_OK)
        put(&t, diag.msg, strlen(diag.msg));
    *split = csv_reader_lines_split(r);
    csv_reader_close(r);
    return t;
}

/* Reads data both ways; aborts on any difference. Returns how many
 * records the splitter gave, so that tests know it was exercised. */
static uint64_t split_compare(const uint8_t *data, size_t size)
{
    char path[] = "/tmp/ftkpi-fuzz-split.XXXXXX";
    int fd = mkstemp(path);
    if (fd < 0)
        abort();
    if (size > 0 && write(fd, data, size) != (ssize_t)size)
        abort();
    close(fd);
    uint64_t split_fast, split_libcsv;
    struct transcript fast = read_all(path, false, &split_fast);
    struct transcript slow = read_all(path, true, &split_libcsv);
    unlink(path);
    if (split_libcsv != 0)
        abort(); /* the seam let a line past libcsv */
    if (fast.len != slow.len || memcmp(fast.buf, slow.buf, fast.len) != 0) {
        fprintf(stderr, "splitter:%.*s\nlibcsv:%.*s\n", (int)fast.len, fast.buf,
                (int)slow.len, slow.buf);
        abort();
    }
    free(fast.buf);
    free(slow.buf);
    return split_fast;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    split_compare(data, size);
    return 0;
}
