/*
 * tests/unit/test_rejects.c - the reject log (pipeline/ingest/rejects.h):
 * rejects.csv written from its column table, the counts and the examples.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "pipeline/ingest/rejects.h"

struct fixture {
    FILE *f;
    struct rejects rj;
    char out[4096];
};

static int setup(void **state)
{
    struct fixture *fx = test_calloc(1, sizeof(*fx));
    fx->f = tmpfile();
    if (!fx->f) {
        test_free(fx);
        return -1;
    }
    rejects_init(&fx->rj, fx->f);
    *state = fx;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *fx = *state;
    fclose(fx->f);
    test_free(fx);
    return 0;
}

/* Everything written so far, as a C string. */
static const char *written(struct fixture *fx)
{
    assert_int_equal(fflush(fx->f), 0);
    long n = ftell(fx->f);
    assert_true(n >= 0 && (size_t)n < sizeof(fx->out));
    rewind(fx->f);
    assert_int_equal(fread(fx->out, 1, (size_t)n, fx->f), (size_t)n);
    fx->out[n] = '\0';
    assert_int_equal(fseek(fx->f, 0, SEEK_END), 0);
    return fx->out;
}

/* The header is the table's names in its order: the bytes rejects.csv has
 * always had, and what docs/inputs.md lists. */
static void test_rejects__header_from_the_table(void **state)
{
    struct fixture *fx = *state;
    assert_string_equal(written(fx), "file,line,column,error,message,raw\n");
    assert_string_equal(rejects_schema.file, "rejects.csv");
    assert_int_equal(rejects_schema.n_cols, 6);
    static const char *const names[] = {"file",  "line",    "column",
                                        "error", "message", "raw"};
    for (int c = 0; c < 6; c++)
        assert_int_equal(schema_find(&rejects_schema, names[c]), c);
    assert_int_equal(schema_find(&rejects_schema, "raw"), REJECTS_COL_RAW);
    assert_int_equal(rejects_schema.col[REJECTS_COL_LINE].type, SCHEMA_INT);
    assert_int_equal(rejects_schema.col[REJECTS_COL_ERROR].type, SCHEMA_CODE);
}

/* Text cells are quoted where needed and neutralised when they could be
 * read as a formula; the code and the line are written as they are. */
static void test_rejects__row_cells(void **state)
{
    struct fixture *fx = *state;
    const char raw[] = "T1,EXO,2024-13-01,=1";
    rejects_add(&fx->rj, "in/usage,1.csv", 7, "date", REJECT_BAD_DATE,
                "-date (column 3): '2024-13-01' is not a date", raw,
                strlen(raw));
    rejects_add(&fx->rj, "usage.csv", 9, NULL, REJECT_FIELD_COUNT,
                "3 fields, expected 4", "a,\"b\"", 5);
    assert_string_equal(
        written(fx), "file,line,column,error,message,raw\n"
                     "\"in/usage,1.csv\",7,date,bad_date,"
                     "'-date (column 3): '2024-13-01' is not a date,"
                     "\"T1,EXO,2024-13-01,=1\"\n"
                     "usage.csv,9,,wrong_field_count,\"3 fields, expected 4\","
                     "\"a,\"\"b\"\"\"\n");
}

/* The raw record comes with its length: invalid bytes, a NUL among them,
 * become U+FFFD, and nothing past the length is read. */
static void test_rejects__raw_sanitised_by_length(void **state)
{
    struct fixture *fx = *state;
    const char raw[] = "ab\xFF"
                       "c\0dXYZ";
    rejects_add(&fx->rj, "u.csv", 2, "tenant_id", REJECT_INVALID_UTF8, "bad",
                raw, 6);
    assert_string_equal(written(fx), "file,line,column,error,message,raw\n"
                                     "u.csv,2,tenant_id,invalid_utf8,bad,"
                                     "ab\xEF\xBF\xBD"
                                     "c\xEF\xBF\xBD"
                                     "d\n");
}

/* Counts per reason and the first REJECTS_EXAMPLES examples of each. */
static void test_rejects__counts_and_examples(void **state)
{
    (void)state;
    struct rejects rj;
    rejects_init(&rj, NULL); /* nothing written without an output */
    for (int i = 0; i < 5; i++)
        rejects_add(&rj, "u.csv", (uint64_t)(i + 2), NULL, REJECT_DUPLICATE_KEY,
                    "duplicate", "x", 1);
    rejects_add(&rj, "c.csv", 4, "seats", REJECT_BAD_INTEGER, "seats", "y", 1);
    assert_int_equal(rj.total, 6);
    assert_int_equal(rj.by_reason[REJECT_DUPLICATE_KEY], 5);
    assert_int_equal(rj.n_examples[REJECT_DUPLICATE_KEY], REJECTS_EXAMPLES);
    assert_string_equal(rj.example[REJECT_DUPLICATE_KEY][0],
                        "u.csv:2: duplicate");
    assert_string_equal(rj.example[REJECT_BAD_INTEGER][0], "c.csv:4: seats");
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_rejects__header_from_the_table),
        T(test_rejects__row_cells),
        T(test_rejects__raw_sanitised_by_length),
        T(test_rejects__counts_and_examples),
    };
#undef T
    return cmocka_run_group_tests(tests, NULL, NULL);
}
