/*
 * tests/unit/test_csv_reader.c - records, line numbers, raw bytes and
 * limits of the CSV reader (pipeline/ingest/csv_reader.h), and the
 * agreement of its two ways of reading a line (the splitter of lines
 * without quotes, and libcsv) through the differential fuzz harness.
 */
#include <dirent.h>

/* the harness first: cmocka.h redefines malloc for what follows it */
#include "tests/fuzz/fuzz_csv_split.c"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "pipeline/ingest/csv_reader.h"
#include "tests/unit/scratch.h"

struct fixture {
    char dir[64];
    char path[128];
    struct csv_reader *r;
};

static int setup(void **state)
{
    struct fixture *fx = test_calloc(1, sizeof(*fx));
    if (!scratch_make(fx->dir, sizeof(fx->dir), "test_csv_reader")) {
        test_free(fx);
        return -1;
    }
    snprintf(fx->path, sizeof(fx->path), "%s/in.csv", fx->dir);
    *state = fx;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *fx = *state;
    scratch_remove(fx->dir);
    test_free(fx);
    return 0;
}

/* Writes text to the fixture's file and opens a reader on it. */
static void open_text(struct fixture *fx, const char *text, size_t len)
{
    scratch_write(fx->path, text, len);
    struct ftk_diag diag = {{0}};
    csv_reader_close(fx->r);
    fx->r = NULL;
    if (csv_reader_open(&fx->r, fx->path, &diag) != FTK_OK)
        fail_msg("open: %s", diag.msg);
}

/* Closes the reader; every test ends with it, before cmocka looks for
 * leaks. */
static void close_reader(struct fixture *fx)
{
    csv_reader_close(fx->r);
    fx->r = NULL;
}

#define OPEN(fx, literal) open_text((fx), (literal), sizeof(literal) - 1)

/* The next record, which must be there. */
static const struct csv_record *next(struct fixture *fx)
{
    const struct csv_record *rec = NULL;
    struct ftk_diag diag = {{0}};
    if (csv_reader_next(fx->r, &rec, &diag) != FTK_OK)
        fail_msg("next: %s", diag.msg);
    if (!rec)
        fail_msg("next: end of file, a record was expected");
    return rec;
}

static void expect_end(struct fixture *fx)
{
    const struct csv_record *rec = (const struct csv_record *)1;
    struct ftk_diag diag = {{0}};
    assert_int_equal(csv_reader_next(fx->r, &rec, &diag), FTK_OK);
    assert_null(rec);
}

/* The error of the first failing next(); diag keeps its message. */
static enum ftk_error first_error(struct fixture *fx, struct ftk_diag *diag)
{
    for (;;) {
        const struct csv_record *rec;
        enum ftk_error err = csv_reader_next(fx->r, &rec, diag);
        if (err != FTK_OK)
            return err;
        if (!rec)
            return FTK_OK;
    }
}

/* Checks a record's line and fields against a NULL-terminated list. */
static void expect_record(const struct csv_record *rec, uint64_t line,
                          const char *const *want)
{
    size_t n = 0;
    while (want[n])
        n++;
    if (rec->line != line)
        fail_msg("record at line %llu, want %llu",
                 (unsigned long long)rec->line, (unsigned long long)line);
    if (rec->n_fields != n)
        fail_msg("line %llu: %zu fields, want %zu", (unsigned long long)line,
                 rec->n_fields, n);
    for (size_t i = 0; i < n; i++) {
        if (rec->len[i] != strlen(want[i]) ||
            memcmp(rec->field[i], want[i], rec->len[i]) != 0)
            fail_msg("line %llu field %zu: '%.*s', want '%s'",
                     (unsigned long long)line, i + 1, (int)rec->len[i],
                     rec->field[i], want[i]);
        assert_int_equal(rec->field[i][rec->len[i]], '\0');
    }
}

#define FIELDS(...) ((const char *const[]){__VA_ARGS__, NULL})

static void expect_raw(const struct csv_record *rec, const char *want)
{
    if (rec->raw_len != strlen(want) ||
        memcmp(rec->raw, want, rec->raw_len) != 0)
        fail_msg("raw '%.*s', want '%s'", (int)rec->raw_len, rec->raw, want);
}

static void test_csv_reader__line_numbers_count_the_header(void **state)
{
    struct fixture *fx = *state;
    OPEN(fx, "h1,h2\na,b\nc,d\n");
    expect_record(next(fx), 1, FIELDS("h1", "h2"));
    expect_record(next(fx), 2, FIELDS("a", "b"));
    expect_record(next(fx), 3, FIELDS("c", "d"));
    expect_end(fx);
    expect_end(fx); /* the end stays the end */
    close_reader(fx);
}

static void test_csv_reader__blank_lines_skipped_but_counted(void **state)
{
    struct fixture *fx = *state;
    OPEN(fx, "\n\nh\n\n   \n\t \r\na\r\n\r\n \n\nb\n  \t\n");
    expect_record(next(fx), 3, FIELDS("h"));
    expect_record(next(fx), 7, FIELDS("a"));
    expect_record(next(fx), 11, FIELDS("b"));
    expect_end(fx);
    close_reader(fx);
}

static void test_csv_reader__empty_fields_are_not_blank_lines(void **state)
{
    struct fixture *fx = *state;
    /* A lone comma or an empty quoted field is a record. */
    OPEN(fx, "h\n,\n\"\"\n  ,  \n");
    expect_record(next(fx), 1, FIELDS("h"));
    expect_record(next(fx), 2, FIELDS("", ""));
    expect_record(next(fx), 3, FIELDS(""));
    expect_record(next(fx), 4, FIELDS("", ""));
    expect_end(fx);
    close_reader(fx);
}

static void test_csv_reader__quoted_newline_counts_lines(void **state)
{
    struct fixture *fx = *state;
    OPEN(fx, "h,i\n\"multi\nline\n\",z\nnext,1\n\"x\r\ny\",2\r\nlast,3\n");
    expect_record(next(fx), 1, FIELDS("h", "i"));
    expect_record(next(fx), 2, FIELDS("multi\nline\n", "z"));
    expect_record(next(fx), 5, FIELDS("next", "1"));
    /* CR LF inside quotes is part of the value */
    expect_record(next(fx), 6, FIELDS("x\r\ny", "2"));
    expect_record(next(fx), 8, FIELDS("last", "3"));
    expect_end(fx);
    close_reader(fx);
}

static void test_csv_reader__crlf_and_lf_mixed(void **state)
{
    struct fixture *fx = *state;
    OPEN(fx, "a,b\r\nc,d\ne,f\r\n\"g\",\"h\"\r\ni,\r\n");
    expect_record(next(fx), 1, FIELDS("a", "b"));
    expect_record(next(fx), 2, FIELDS("c", "d"));
    expect_record(next(fx), 3, FIELDS("e", "f"));
    expect_record(next(fx), 4, FIELDS("g", "h"));
    expect_record(next(fx), 5, FIELDS("i", ""));
    expect_end(fx);
    close_reader(fx);
}

static void test_csv_reader__bom_dropped(void **state)
{
    struct fixture *fx = *state;
    OPEN(fx, "\xEF\xBB\xBFid,name\n1,x\n");
    expect_record(next(fx), 1, FIELDS("id", "name"));
    expect_record(next(fx), 2, FIELDS("1", "x"));
    expect_end(fx);
    /* Only at the start of the file. */
    OPEN(fx, "id\n\xEF\xBB\xBFx\n");
    expect_record(next(fx), 1, FIELDS("id"));
    expect_record(next(fx), 2, FIELDS("\xEF\xBB\xBFx"));
    /* A file that is only a BOM has no record. */
    OPEN(fx, "\xEF\xBB\xBF");
    expect_end(fx);
    /* A BOM before a quoted header field. */
    OPEN(fx, "\xEF\xBB\xBF\"id\",n\n");
    expect_record(next(fx), 1, FIELDS("id", "n"));
    close_reader(fx);
}

static void test_csv_reader__quoted_commas_and_quotes(void **state)
{
    struct fixture *fx = *state;
    OPEN(fx, "\"a,b\",\"say \"\"hi\"\"\",\"\",\"\"\"\"\n");
    expect_record(next(fx), 1, FIELDS("a,b", "say \"hi\"", "", "\""));
    expect_end(fx);
    close_reader(fx);
}

static void test_csv_reader__spaces_trimmed_outside_quotes(void **state)
{
    struct fixture *fx = *state;
    OPEN(fx, "  a  ,\tb\t, \" c \" ,d e,\" \",  \"\"  \r\n");
    expect_record(next(fx), 1, FIELDS("a", "b", " c ", "d e", " ", ""));
    expect_end(fx);
    close_reader(fx);
}

static void test_csv_reader__last_line_without_newline(void **state)
{
    struct fixture *fx = *state;
    OPEN(fx, "h\nx,y");
    expect_record(next(fx), 1, FIELDS("h"));
    const struct csv_record *rec = next(fx);
    expect_record(rec, 2, FIELDS("x", "y"));
    expect_raw(rec, "x,y");
    expect_end(fx);
    /* A quoted last field, and a CR without its LF. */
    OPEN(fx, "h\n\"x\",\"y\"\r");
    expect_record(next(fx), 1, FIELDS("h"));
    expect_record(next(fx), 2, FIELDS("x", "y"));
    expect_end(fx);
    /* Trailing spaces only: no record. */
    OPEN(fx, "h\n  \t");
    expect_record(next(fx), 1, FIELDS("h"));
    expect_end(fx);
    close_reader(fx);
}

static void test_csv_reader__raw_bytes_of_records(void **state)
{
    struct fixture *fx = *state;
    OPEN(fx, "h\r\n\n  \nab,  c \r\n\"m\nn\",z\n\"p\r\nq\"\r\n");
    expect_raw(next(fx), "h");
    /* blank lines before a record are not part of it; spaces are */
    expect_raw(next(fx), "ab,  c ");
    const struct csv_record *rec = next(fx);
    expect_record(rec, 5, FIELDS("m\nn", "z"));
    expect_raw(rec, "\"m\nn\",z");
    rec = next(fx);
    expect_record(rec, 7, FIELDS("p\r\nq"));
    expect_raw(rec, "\"p\r\nq\"");
    expect_end(fx);
    close_reader(fx);
}

static void test_csv_reader__unterminated_quote_names_start_line(void **state)
{
    struct fixture *fx = *state;
    OPEN(fx, "h\nok\n\"abc\n\n\nmore,x\n");
    expect_record(next(fx), 1, FIELDS("h"));
    expect_record(next(fx), 2, FIELDS("ok"));
    struct ftk_diag diag = {{0}};
    assert_int_equal(first_error(fx, &diag), FTK_E_DATA);
    char want[256];
    snprintf(want, sizeof(want),
             "%s:3: csv syntax error: quoted field not closed", fx->path);
    if (!strstr(diag.msg, want))
        fail_msg("message '%s', want '%s'", diag.msg, want);
    close_reader(fx);
}

static void test_csv_reader__quote_inside_unquoted_field(void **state)
{
    struct fixture *fx = *state;
    static const struct {
        const char *text;
        const char *where;
        const char *why;
    } cases[] = {
        {"h\nab\"c\n", ":2:3:", "quote inside an unquoted field"},
        {"h\n  ab\"c\n", ":2:5:", "quote inside an unquoted field"},
        {"h\nx,y\"\n", ":2:4:", "quote inside an unquoted field"},
        {"h\n\"ab\"c\n", ":2:5:", "after a closing quote"},
        {"h\n\"ab\" \"\n", ":2:6:", "after a closing quote"},
        /* on the second physical line of a multi-line record */
        {"h\n\"a\nbc\"d,e\n", ":3:4:", "after a closing quote"},
        {"\xEF\xBB\xBFh\"\n", ":1:2:", "quote inside an unquoted field"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        open_text(fx, cases[i].text, strlen(cases[i].text));
        struct ftk_diag diag = {{0}};
        assert_int_equal(first_error(fx, &diag), FTK_E_DATA);
        char want[256];
        snprintf(want, sizeof(want), "%s%s csv syntax error: ", fx->path,
                 cases[i].where);
        if (!strstr(diag.msg, want) || !strstr(diag.msg, cases[i].why))
            fail_msg("case %zu: message '%s', want '%s' and '%s'", i, diag.msg,
                     want, cases[i].why);
    }
    close_reader(fx);
}

static void test_csv_reader__column_of_a_quote_past_a_chunk(void **state)
{
    struct fixture *fx = *state;
    /* The bad quote is on a line that started in the previous chunk. */
    size_t pad = SOURCE_CHUNK + 1000;
    size_t len = 2 + pad + 4;
    char *text = test_malloc(len);
    memcpy(text, "h\n", 2);
    memset(text + 2, 'x', pad);
    memcpy(text + 2 + pad, "\"y\n", 3);
    open_text(fx, text, len - 1);
    struct ftk_diag diag = {{0}};
    assert_int_equal(first_error(fx, &diag), FTK_E_DATA);
    char want[256];
    snprintf(want, sizeof(want), "%s:2:%zu: csv syntax error", fx->path,
             pad + 1);
    if (!strstr(diag.msg, want))
        fail_msg("message '%s', want '%s'", diag.msg, want);
    test_free(text);
    close_reader(fx);
}

/* A file of text, then n bytes of c, then tail. */
static void write_long(struct fixture *fx, const char *head, char c, size_t n,
                       const char *tail)
{
    size_t hl = strlen(head), tl = strlen(tail);
    char *text = test_malloc(hl + n + tl);
    memcpy(text, head, hl);
    memset(text + hl, c, n);
    memcpy(text + hl + n, tail, tl);
    open_text(fx, text, hl + n + tl);
    test_free(text);
}

static void test_csv_reader__unterminated_quote_stops_at_the_limit(void **state)
{
    struct fixture *fx = *state;
    /* Over the limit, then more data: the reader stops, it does not keep
     * growing the field to the end of the file. */
    write_long(fx, "h\n\"", 'x', CSV_READER_FIELD_MAX + SOURCE_CHUNK, "\n");
    expect_record(next(fx), 1, FIELDS("h"));
    struct ftk_diag diag = {{0}};
    assert_int_equal(first_error(fx, &diag), FTK_E_DATA);
    assert_non_null(strstr(diag.msg, "longer than"));
    assert_non_null(strstr(diag.msg, "line 2"));
    /* With line ends inside the open quote too. */
    size_t n = CSV_READER_FIELD_MAX / 8 + 10;
    size_t len = 3 + 8 * n;
    char *text = test_malloc(len);
    memcpy(text, "h\n\"", 3);
    for (size_t i = 0; i < n; i++)
        memcpy(text + 3 + 8 * i, "abcdefg\n", 8);
    open_text(fx, text, len);
    test_free(text);
    expect_record(next(fx), 1, FIELDS("h"));
    assert_int_equal(first_error(fx, &diag), FTK_E_DATA);
    assert_non_null(strstr(diag.msg, "field longer than"));
    close_reader(fx);
}

static void test_csv_reader__unquoted_field_over_the_limit(void **state)
{
    struct fixture *fx = *state;
    write_long(fx, "h\n", 'x', 2 * CSV_READER_FIELD_MAX, ",1\n");
    expect_record(next(fx), 1, FIELDS("h"));
    struct ftk_diag diag = {{0}};
    assert_int_equal(first_error(fx, &diag), FTK_E_DATA);
    assert_non_null(strstr(diag.msg, "field longer than"));
    close_reader(fx);
}

/* A field just over the limit is an error wherever the chunk boundaries
 * fall; it used to pass when it ended inside the piece it was checked
 * after. */
static void test_csv_reader__field_just_over_the_limit(void **state)
{
    struct fixture *fx = *state;
    write_long(fx, "h\n", 'x', CSV_READER_FIELD_MAX + 1, ",1\n");
    expect_record(next(fx), 1, FIELDS("h"));
    struct ftk_diag diag = {{0}};
    assert_int_equal(first_error(fx, &diag), FTK_E_DATA);
    assert_non_null(strstr(diag.msg, "field longer than"));
    /* Quoted, and as the last field of a file without a final newline. */
    write_long(fx, "h\n1,\"", 'x', CSV_READER_FIELD_MAX + 1, "\"");
    expect_record(next(fx), 1, FIELDS("h"));
    assert_int_equal(first_error(fx, &diag), FTK_E_DATA);
    assert_non_null(strstr(diag.msg, "field longer than"));
    close_reader(fx);
}

static void test_csv_reader__field_at_the_limit_is_read(void **state)
{
    struct fixture *fx = *state;
    write_long(fx, "h\n", 'x', CSV_READER_FIELD_MAX, ",1\n");
    expect_record(next(fx), 1, FIELDS("h"));
    const struct csv_record *rec = next(fx);
    assert_int_equal(rec->line, 2);
    assert_int_equal(rec->n_fields, 2);
    assert_int_equal(rec->len[0], CSV_READER_FIELD_MAX);
    assert_string_equal(rec->field[1], "1");
    expect_end(fx);
    close_reader(fx);
}

static void test_csv_reader__record_over_the_limit(void **state)
{
    struct fixture *fx = *state;
    /* Many fields, each under the field limit. */
    size_t n = CSV_READER_RECORD_MAX / 1000 + 10;
    size_t len = 2 + n * 1000 + 1;
    char *text = test_malloc(len);
    memcpy(text, "h\n", 2);
    for (size_t i = 0; i < n; i++) {
        memset(text + 2 + i * 1000, 'y', 999);
        text[2 + i * 1000 + 999] = ',';
    }
    text[len - 1] = '\n';
    open_text(fx, text, len);
    test_free(text);
    expect_record(next(fx), 1, FIELDS("h"));
    struct ftk_diag diag = {{0}};
    assert_int_equal(first_error(fx, &diag), FTK_E_DATA);
    assert_non_null(strstr(diag.msg, "record longer than"));
    close_reader(fx);
}

static void test_csv_reader__empty_file_has_no_record(void **state)
{
    struct fixture *fx = *state;
    open_text(fx, "", 0);
    expect_end(fx);
    expect_end(fx);
    OPEN(fx, "\n\n \r\n");
    expect_end(fx);
    close_reader(fx);
}

static void test_csv_reader__header_only(void **state)
{
    struct fixture *fx = *state;
    OPEN(fx, "tenant_id,workload\n");
    expect_record(next(fx), 1, FIELDS("tenant_id", "workload"));
    expect_end(fx);
    OPEN(fx, "tenant_id,workload");
    expect_record(next(fx), 1, FIELDS("tenant_id", "workload"));
    expect_end(fx);
    close_reader(fx);
}

/* A deterministic file with long records, some multi-line, some CRLF,
 * some after blank lines, so that records straddle SOURCE_CHUNK. The
 * record i has fields "r<i>", a long value and "<i>"; *lines gets the
 * line of each record. Returns the text (test_free it). */
static char *long_file(size_t n_records, uint64_t *lines, size_t *len)
{
    size_t cap = 64, used = 0;
    char *text = test_malloc(cap);
    uint64_t line = 1;
    uint32_t x = 12345;
    for (size_t i = 0; i < n_records; i++) {
        x = x * 1103515245u + 12345u;
        size_t vlen = 500 + (x >> 8) % 6000;
        int kind = (int)((x >> 4) % 5);
        char head[64];
        int hl;
        if (kind == 4) { /* a blank line first */
            hl = snprintf(head, sizeof(head), "  \nr%zu,", i);
            line++;
        } else {
            hl = snprintf(head, sizeof(head), "r%zu,", i);
        }
        lines[i] = line;
        while (used + (size_t)hl + vlen + 64 > cap)
            cap *= 2;
        text = test_realloc(text, cap);
        memcpy(text + used, head, (size_t)hl);
        used += (size_t)hl;
        if (kind == 1 || kind == 2)
            text[used++] = '"';
        for (size_t k = 0; k < vlen; k++)
            text[used + k] = (char)('a' + (i + k) % 26);
        if (kind == 2) { /* a newline inside the quotes */
            text[used + vlen / 2] = '\n';
            line++;
        }
        used += vlen;
        if (kind == 1 || kind == 2)
            text[used++] = '"';
        used += (size_t)sprintf(text + used, ",%zu%s", i,
                                kind == 3 ? "\r\n" : "\n");
        line++;
    }
    *len = used;
    return text;
}

static void check_long_file(struct fixture *fx, size_t n_records,
                            const uint64_t *lines)
{
    uint32_t x = 12345;
    char *want = test_malloc(8192);
    for (size_t i = 0; i < n_records; i++) {
        x = x * 1103515245u + 12345u;
        size_t vlen = 500 + (x >> 8) % 6000;
        int kind = (int)((x >> 4) % 5);
        for (size_t k = 0; k < vlen; k++)
            want[k] = (char)('a' + (i + k) % 26);
        if (kind == 2)
            want[vlen / 2] = '\n';
        want[vlen] = '\0';
        char id[32], num[32];
        snprintf(id, sizeof(id), "r%zu", i);
        snprintf(num, sizeof(num), "%zu", i);
        expect_record(next(fx), lines[i], FIELDS(id, want, num));
    }
    expect_end(fx);
    test_free(want);
}

static void test_csv_reader__records_straddle_chunks(void **state)
{
    struct fixture *fx = *state;
    enum { N = 400 };
    uint64_t lines[N];
    size_t len;
    char *text = long_file(N, lines, &len);
    assert_true(len > 3 * SOURCE_CHUNK);
    open_text(fx, text, len);
    check_long_file(fx, N, lines);
    test_free(text);
    close_reader(fx);
}

static void test_csv_reader__gzip_compressed_csv(void **state)
{
    struct fixture *fx = *state;
    enum { N = 400 };
    uint64_t lines[N];
    size_t len;
    char *text = long_file(N, lines, &len);
    gzFile gz = gzopen(fx->path, "wb");
    assert_non_null(gz);
    assert_int_equal(gzwrite(gz, "\xEF\xBB\xBF", 3), 3);
    assert_int_equal(gzwrite(gz, text, (unsigned)len), (int)len);
    assert_int_equal(gzclose(gz), Z_OK);
    test_free(text);
    struct ftk_diag diag = {{0}};
    assert_int_equal(csv_reader_open(&fx->r, fx->path, &diag), FTK_OK);
    check_long_file(fx, N, lines);
    /* the source is the caller's once the end is handed over */
    assert_true(csv_reader_source(fx->r)->gzip);
    close_reader(fx);
}

static void test_csv_reader__bad_gzip_is_an_error(void **state)
{
    struct fixture *fx = *state;
    gzFile gz = gzopen(fx->path, "wb");
    assert_non_null(gz);
    const char *text = "h\na\nb\n";
    assert_int_equal(gzwrite(gz, text, 6), 6);
    assert_int_equal(gzclose(gz), Z_OK);
    FILE *f = fopen(fx->path, "ab");
    assert_non_null(f);
    fputs("junk", f);
    fclose(f);
    struct ftk_diag diag = {{0}};
    assert_int_equal(csv_reader_open(&fx->r, fx->path, &diag), FTK_OK);
    assert_int_equal(first_error(fx, &diag), FTK_E_DATA);
    assert_non_null(strstr(diag.msg, "corrupt gzip stream"));
    close_reader(fx);
}

static void test_csv_reader__missing_file(void **state)
{
    struct fixture *fx = *state;
    struct ftk_diag diag = {{0}};
    char path[160];
    snprintf(path, sizeof(path), "%s/none.csv", fx->dir);
    struct csv_reader *r = (struct csv_reader *)1;
    assert_int_equal(csv_reader_open(&r, path, &diag), FTK_E_NOINPUT);
    assert_null(r);
    csv_reader_close(NULL);
    close_reader(fx);
}

/* Each case is read as a run reads it and through libcsv alone: the
 * records, raw bytes, errors, lines and columns must be the same
 * (split_compare aborts otherwise), and the splitter must have been used
 * where a line without quotes is there to split. */
static void same_both_ways(const char *text, size_t len, bool splits)
{
    uint64_t split = split_compare((const uint8_t *)text, len);
    if (splits && split == 0)
        fail_msg("the splitter read no line of '%.*s'", (int)len, text);
}

#define SAME(literal, splits)                                                  \
    same_both_ways((literal), sizeof(literal) - 1, (splits))

/* n copies of line, then the tl bytes of tail (which may hold NULs). */
static char *repeat_n(const char *line, size_t n, const char *tail, size_t tl,
                      size_t *len)
{
    size_t ll = strlen(line);
    char *text = test_malloc(ll * n + tl + 1);
    for (size_t i = 0; i < n; i++)
        memcpy(text + i * ll, line, ll);
    memcpy(text + ll * n, tail, tl);
    *len = ll * n + tl;
    return text;
}

#define repeat(line, n, tail, len)                                             \
    repeat_n((line), (n), (tail), sizeof(tail) - 1, (len))

static void test_csv_reader__splitter_agrees_with_libcsv(void **state)
{
    (void)state;
    SAME("a,b,c\n1,2,3\n", true);
    SAME("h1,h2\n\"x,y\",2\n3,4\n\"a\"\"b\",c\n", true); /* mixed */
    SAME("a,b\r\n1,2\r\n3,4\n", true);                   /* CRLF */
    SAME("\xEF\xBB\xBF"
         "a,b\n1,2\n",
         true);                        /* BOM */
    SAME("a,,c\n,,\n1,2,\n,\n", true); /* empty fields, trailing commas */
    SAME("  a , b\t,\tc \r\n \t \r\n 1 ,2\r,3\n", true); /* trimming */
    SAME("\n\n  \n\t\r\na\n\n", true);                   /* blank lines */
    SAME("a\rb,c\r\r\n d\r e ,f\n", true);               /* CR inside */
    SAME("a,b\n\xC3,\xFF\xFE\n\xE2\x82\xAC,x\n", true);  /* bad UTF-8 */
    SAME("a,b\n1,2", true); /* last line, no newline */
    SAME("a,b\n1,2 \r", true);
    SAME("a,b\n1,x\"y\n", true); /* a quote error after lines */
    SAME("a,b\n1,\"x\"y\n", true);
    SAME("a\n\"abc\n1,2\n", true);           /* a quote not closed */
    SAME("a\n\"abc\"\n\"d\ne\"\nf\n", true); /* quoted line ends */
    SAME("", false);
    SAME("\xEF\xBB\xBF", false);
    SAME("\"", false);
    /* a NUL byte past the first line, in a file that is text */
    size_t len;
    char *text = repeat("tenant,EXO,2024-01-01,5\n", 40, "t,a\0b,c,\0\n", &len);
    same_both_ways(text, len, true);
    test_free(text);
    /* lines across chunk boundaries, quoted ones among them */
    text = repeat("T000123,EXO,2024-01-01,5\nT9,\"Ex, O\",2024-01-08,6\n",
                  30000, "x,y", &len);
    same_both_ways(text, len, true);
    test_free(text);
    /* very long lines: one past a chunk, one over the field limit */
    text = repeat("abcdefghi,", SOURCE_CHUNK / 10 + 7, "\nq,r\n", &len);
    same_both_ways(text, len, true);
    test_free(text);
    text = repeat("x", CSV_READER_FIELD_MAX + 10, "\n", &len);
    same_both_ways(text, len, false);
    test_free(text);
    /* a line of many fields */
    text = repeat(",", 5000, "\n1\n", &len);
    same_both_ways(text, len, true);
    test_free(text);
}

/* Replays the differential harness's seed corpus and every input that ever
 * made it fail. */
static int replay_split(const char *dir)
{
    DIR *d = opendir(dir);
    int n = 0;
    if (!d)
        return 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        char path[512];
        snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
        size_t len;
        char *data = scratch_read(path, &len);
        split_compare((const uint8_t *)data, len);
        test_free(data);
        n++;
    }
    closedir(d);
    return n;
}

static void test_csv_reader__split_corpus_replays(void **state)
{
    (void)state;
    /* run from the source root, or nothing is tested */
    assert_true(replay_split("tests/fuzz/corpus_split") >= 3);
    replay_split("tests/fuzz/regressions_split");
}

static void test_csv_reader__binary_file_is_not_a_text_csv(void **state)
{
    struct fixture *fx = *state;
    struct ftk_diag diag = {{0}};
    /* the start of a PNG: a NUL byte on the first line */
    OPEN(fx, "\x89PNG\r\n\x1A\n\0\0\0\rIHDR\0\0\x01\0\"a\n");
    assert_int_equal(first_error(fx, &diag), FTK_E_DATA);
    char want[256];
    snprintf(want, sizeof(want),
             "%s:2:1: not a text CSV (binary bytes at line 2): byte 0x1A",
             fx->path);
    if (strncmp(diag.msg, want, strlen(want)) != 0)
        fail_msg("got '%s', want '%s...'", diag.msg, want);
    /* control bytes, no NUL: more than one byte in twenty */
    OPEN(fx, "a,b\x01\x02,\x03\x04\x05\n\"c,d\n1,2\n3,4\n5,6\n7,8\n9,0\n");
    assert_int_equal(first_error(fx, &diag), FTK_E_DATA);
    snprintf(want, sizeof(want),
             "%s:1:4: not a text CSV (binary bytes at line 1)", fx->path);
    if (strncmp(diag.msg, want, strlen(want)) != 0)
        fail_msg("got '%s', want '%s...'", diag.msg, want);
    assert_null(strstr(diag.msg, "syntax"));
    /* a stray NUL in a row of a text file is the row's problem */
    size_t len;
    char *text = repeat("tenant,EXO,2024-01-01,5\n", 10, "t,a\0b\n", &len);
    open_text(fx, text, len);
    test_free(text);
    for (int i = 0; i < 10; i++)
        next(fx);
    const struct csv_record *rec = next(fx);
    assert_int_equal(rec->line, 11);
    assert_int_equal(rec->len[1], 3);
    expect_end(fx);
    close_reader(fx);
}

static void test_csv_reader__long_line_without_quotes_says_so(void **state)
{
    struct fixture *fx = *state;
    struct ftk_diag diag = {{0}};
    /* one field of 50 MB with no quote anywhere */
    write_long(fx, "h\n", 'x', 50 * 1000 * 1000, "\n");
    expect_record(next(fx), 1, FIELDS("h"));
    assert_int_equal(first_error(fx, &diag), FTK_E_DATA);
    char want[256];
    snprintf(want, sizeof(want),
             "%s:2: line too long: a field longer than the limit of %d bytes",
             fx->path, CSV_READER_FIELD_MAX);
    if (strncmp(diag.msg, want, strlen(want)) != 0)
        fail_msg("got '%s', want '%s...'", diag.msg, want);
    assert_null(strstr(diag.msg, "quote not closed"));
    /* many short fields: the record's limit */
    size_t len;
    char *text = repeat("abcdefg,", CSV_READER_RECORD_MAX / 8 + 10, "\n", &len);
    open_text(fx, text, len);
    test_free(text);
    assert_int_equal(first_error(fx, &diag), FTK_E_DATA);
    snprintf(want, sizeof(want),
             "%s:1: line too long: a record longer than the limit of %d bytes",
             fx->path, CSV_READER_RECORD_MAX);
    if (strncmp(diag.msg, want, strlen(want)) != 0)
        fail_msg("got '%s', want '%s...'", diag.msg, want);
    /* an open quote keeps its hint */
    write_long(fx, "h\n\"", 'x', 2 * CSV_READER_FIELD_MAX, "\n");
    expect_record(next(fx), 1, FIELDS("h"));
    assert_int_equal(first_error(fx, &diag), FTK_E_DATA);
    assert_non_null(strstr(diag.msg, "is a quote not closed?"));
    close_reader(fx);
}

/* A caller may take the source before the end (the import does on an
 * unknown report): reading stops, so the thread never races the caller,
 * and reading on is an error rather than a hang. */
static void test_csv_reader__source_taken_early_stops_reading(void **state)
{
    struct fixture *fx = *state;
    size_t len;
    char *text = repeat("T000123,EXO,2024-01-01,5\n", 100000, "", &len);
    open_text(fx, text, len);
    test_free(text);
    next(fx);
    struct source *src = csv_reader_source(fx->r);
    assert_true(src->bytes >= SOURCE_CHUNK);
    assert_true(src->bytes <= len);
    struct ftk_diag diag = {{0}};
    assert_int_equal(first_error(fx, &diag), FTK_E_IO);
    assert_non_null(strstr(diag.msg, "read after its source was taken"));
    close_reader(fx);
}

/* The progress line's count of raw bytes: nothing before the first
 * chunk, a chunk at a time while records are read (never more than the
 * file, never going back), and the whole file at the end, the same count
 * as the source's. */
static void test_csv_reader__raw_taken_counts_chunks(void **state)
{
    struct fixture *fx = *state;
    size_t len;
    char *text = repeat("T000123,EXO,2024-01-01,5\n", 100000, "", &len);
    assert_true(len > 4 * SOURCE_CHUNK);
    open_text(fx, text, len);
    test_free(text);
    assert_int_equal(csv_reader_raw_taken(fx->r), 0);
    assert_non_null(next(fx));
    uint64_t first = csv_reader_raw_taken(fx->r);
    assert_int_equal(first, SOURCE_CHUNK);
    uint64_t last = first, steps = 0;
    const struct csv_record *rec;
    struct ftk_diag diag = {{0}};
    for (;;) {
        assert_int_equal(csv_reader_next(fx->r, &rec, &diag), FTK_OK);
        if (!rec)
            break;
        uint64_t now = csv_reader_raw_taken(fx->r);
        assert_true(now >= last && now <= len);
        steps += now != last;
        last = now;
    }
    assert_int_equal(last, len);
    assert_true(steps >= 4);
    assert_int_equal(csv_reader_source(fx->r)->bytes, last);
    close_reader(fx);
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_csv_reader__line_numbers_count_the_header),
        T(test_csv_reader__blank_lines_skipped_but_counted),
        T(test_csv_reader__empty_fields_are_not_blank_lines),
        T(test_csv_reader__quoted_newline_counts_lines),
        T(test_csv_reader__crlf_and_lf_mixed),
        T(test_csv_reader__bom_dropped),
        T(test_csv_reader__quoted_commas_and_quotes),
        T(test_csv_reader__spaces_trimmed_outside_quotes),
        T(test_csv_reader__last_line_without_newline),
        T(test_csv_reader__raw_bytes_of_records),
        T(test_csv_reader__unterminated_quote_names_start_line),
        T(test_csv_reader__quote_inside_unquoted_field),
        T(test_csv_reader__column_of_a_quote_past_a_chunk),
        T(test_csv_reader__unterminated_quote_stops_at_the_limit),
        T(test_csv_reader__unquoted_field_over_the_limit),
        T(test_csv_reader__field_just_over_the_limit),
        T(test_csv_reader__field_at_the_limit_is_read),
        T(test_csv_reader__record_over_the_limit),
        T(test_csv_reader__empty_file_has_no_record),
        T(test_csv_reader__header_only),
        T(test_csv_reader__records_straddle_chunks),
        T(test_csv_reader__gzip_compressed_csv),
        T(test_csv_reader__bad_gzip_is_an_error),
        T(test_csv_reader__missing_file),
        T(test_csv_reader__splitter_agrees_with_libcsv),
        T(test_csv_reader__split_corpus_replays),
        T(test_csv_reader__binary_file_is_not_a_text_csv),
        T(test_csv_reader__long_line_without_quotes_says_so),
        T(test_csv_reader__source_taken_early_stops_reading),
        T(test_csv_reader__raw_taken_counts_chunks),
    };
#undef T
    return cmocka_run_group_tests(tests, NULL, NULL);
}
