/*
 * tests/unit/test_sort.c - sort_array and sort_array_r
 * (pipeline/base/sort.h): empty and one-element arrays, and a context
 * reaching the comparator instead of a global.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "pipeline/base/sort.h"

static int int_cmp(const void *a, const void *b)
{
    int x = *(const int *)a, y = *(const int *)b;
    return (x > y) - (x < y);
}

/* Indices ordered by the keys they point at; ctx is the keys. */
static int by_key(const void *a, const void *b, void *ctx)
{
    const char *const *key = ctx;
    return strcmp(key[*(const size_t *)a], key[*(const size_t *)b]);
}

struct count_ctx {
    int sign; /* 1 ascending, -1 descending */
    int calls;
};

static int counted(const void *a, const void *b, void *ctx)
{
    struct count_ctx *c = ctx;
    c->calls++;
    return c->sign * int_cmp(a, b);
}

static void test_sort__empty_and_single_are_safe(void **state)
{
    (void)state;
    struct count_ctx c = {1, 0};
    /* NULL with n == 0 is what an empty list often is: never reaches
     * qsort, which declares the pointer nonnull (UBSan checks this) */
    sort_array(NULL, 0, sizeof(int), int_cmp);
    sort_array_r(NULL, 0, sizeof(int), counted, &c);
    int one = 7;
    sort_array(&one, 1, sizeof(one), int_cmp);
    sort_array_r(&one, 1, sizeof(one), counted, &c);
    assert_int_equal(one, 7);
    assert_int_equal(c.calls, 0);
}

static void test_sort__sort_array_orders(void **state)
{
    (void)state;
    int v[] = {5, -1, 3, 3, 0, 9, -7};
    sort_array(v, 7, sizeof(v[0]), int_cmp);
    static const int want[] = {-7, -1, 0, 3, 3, 5, 9};
    assert_memory_equal(v, want, sizeof(want));
}

/* The context reaches every comparison: the same comparator sorts either
 * way by what ctx says. */
static void test_sort__sort_array_r_passes_context(void **state)
{
    (void)state;
    int v[] = {5, -1, 3, 0, 9, -7};
    struct count_ctx up = {1, 0}, down = {-1, 0};
    sort_array_r(v, 6, sizeof(v[0]), counted, &up);
    static const int asc[] = {-7, -1, 0, 3, 5, 9};
    assert_memory_equal(v, asc, sizeof(asc));
    assert_true(up.calls > 0);
    sort_array_r(v, 6, sizeof(v[0]), counted, &down);
    static const int desc[] = {9, 5, 3, 0, -1, -7};
    assert_memory_equal(v, desc, sizeof(desc));
    assert_true(down.calls > 0);
}

/* The use in pipeline/facts.c: indices sorted by the strings of a table
 * given as context, bytewise. */
static void test_sort__indices_by_context_table(void **state)
{
    (void)state;
    static const char *const key[] = {"b", "B", "a", "ab", "", "\xC3\xA9"};
    size_t idx[] = {0, 1, 2, 3, 4, 5};
    sort_array_r(idx, 6, sizeof(idx[0]), by_key, (void *)key);
    static const size_t want[] = {4, 1, 2, 3, 0, 5};
    assert_memory_equal(idx, want, sizeof(want));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sort__empty_and_single_are_safe),
        cmocka_unit_test(test_sort__sort_array_orders),
        cmocka_unit_test(test_sort__sort_array_r_passes_context),
        cmocka_unit_test(test_sort__indices_by_context_table),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
