/*
 * tests/unit/test_text.c - the growable string (pipeline/base/text.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "pipeline/base/text.h"

static void test_text__empty_is_empty_string(void **state)
{
    (void)state;
    struct text t = {0};
    assert_string_equal(text_str(&t), "");
    text_clear(&t);
    assert_string_equal(text_str(&t), "");
    text_release(&t);
    text_release(&t); /* safe twice */
}

static void test_text__counts_with_commas(void **state)
{
    (void)state;
    static const struct {
        uint64_t n;
        const char *want;
    } cases[] = {{0, "0"},
                 {999, "999"},
                 {1000, "1,000"},
                 {12000, "12,000"},
                 {1234567, "1,234,567"},
                 {2000000000, "2,000,000,000"},
                 {UINT64_MAX, "18,446,744,073,709,551,615"}};
    struct text t;
    text_init(&t);
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        text_clear(&t);
        text_add_count(&t, cases[i].n);
        assert_string_equal(text_str(&t), cases[i].want);
    }
    text_release(&t);
}

static void test_text__grows_past_any_first_buffer(void **state)
{
    (void)state;
    struct text t;
    text_init(&t);
    char big[1000];
    memset(big, 'x', sizeof(big) - 1);
    big[sizeof(big) - 1] = '\0';
    text_addf(&t, "%s|%d", big, 42); /* longer than addf's own buffer */
    for (int i = 0; i < 100; i++)
        text_adds(&t, "ab");
    text_addc(&t, '!');
    assert_int_equal(t.len, 999 + 3 + 200 + 1);
    assert_int_equal(strlen(text_str(&t)), t.len);
    assert_memory_equal(text_str(&t) + 999, "|42abab", 7);
    assert_int_equal(text_str(&t)[t.len - 1], '!');
    assert_false(text_failed(&t));
    text_clear(&t);
    assert_int_equal(t.len, 0);
    text_add(&t, "a\0b", 3); /* bytes, NUL included */
    assert_int_equal(t.len, 3);
    assert_memory_equal(t.s, "a\0b", 4);
    text_release(&t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_text__empty_is_empty_string),
        cmocka_unit_test(test_text__counts_with_commas),
        cmocka_unit_test(test_text__grows_past_any_first_buffer),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
