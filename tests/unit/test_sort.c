/*
 * tests/unit/test_sort.c - sort_array and sort_array_r
 * (pipeline/base/sort.h): empty and one-element arrays, and a context
 * reaching the comparator instead of a global; sort_merge_runs: runs
 * sorted apart merge into the array sorted whole, ties in run order.
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

/* An element of a merge: a key, and where it came from. */
struct tagged {
    int key;
    int tag;
};

static int tagged_cmp(const void *a, const void *b)
{
    return int_cmp(&((const struct tagged *)a)->key,
                   &((const struct tagged *)b)->key);
}

/* Equal keys across runs: the earlier run's first, each run's in its own
 * order; empty runs anywhere are skipped. */
static void test_sort__merge_runs_ties_in_run_order(void **state)
{
    (void)state;
    static const struct tagged in[] = {
        {1, 0},
        {3, 1},
        {3, 2},
        {8, 3}, /* run 0 */
        /* run 1 is empty */
        {0, 4},
        {3, 5},
        {9, 6}, /* run 2 */
        {3, 7}, /* run 3 */
        /* run 4 is empty */
    };
    static const size_t start[] = {0, 4, 4, 7, 8, 8};
    struct tagged out[8];
    memset(out, 0xff, sizeof(out));
    sort_merge_runs(in, start, 5, sizeof(in[0]), tagged_cmp, out);
    static const int want[] = {4, 0, 1, 2, 5, 7, 3, 6};
    for (size_t i = 0; i < 8; i++)
        assert_int_equal(out[i].tag, want[i]);
}

/* One run is copied as it is; no runs, or only empty ones, write
 * nothing. */
static void test_sort__merge_runs_one_and_none(void **state)
{
    (void)state;
    static const int one[] = {2, 4, 4, 7};
    static const size_t start1[] = {0, 4};
    int out[4] = {0};
    sort_merge_runs(one, start1, 1, sizeof(int), int_cmp, out);
    assert_memory_equal(out, one, sizeof(one));
    static const size_t start0[] = {0, 0, 0};
    int untouched[1] = {-5};
    sort_merge_runs(one, start0, 2, sizeof(int), int_cmp, untouched);
    sort_merge_runs(one, start0, 0, sizeof(int), int_cmp, untouched);
    assert_int_equal(untouched[0], -5);
}

/* The use in pipeline/facts.c: an array cut into parts (up to the most
 * runs), each part sorted on its own, then merged, equals the array
 * sorted whole, for every number of parts. */
static void test_sort__merge_runs_equals_sort_whole(void **state)
{
    (void)state;
    enum { N = 997 };
    static int v[N], whole[N], parts[N], out[N];
    uint32_t x = 12345;
    for (size_t i = 0; i < N; i++) {
        x = x * 1103515245u + 12345u;
        v[i] = (int)(x >> 16) % 50 - 25;
    }
    memcpy(whole, v, sizeof(v));
    sort_array(whole, N, sizeof(int), int_cmp);
    for (size_t n_runs = 1; n_runs <= SORT_MAX_RUNS; n_runs++) {
        size_t start[SORT_MAX_RUNS + 1];
        memcpy(parts, v, sizeof(v));
        for (size_t k = 0; k <= n_runs; k++)
            start[k] = N * k / n_runs;
        for (size_t k = 0; k < n_runs; k++)
            sort_array(parts + start[k], start[k + 1] - start[k], sizeof(int),
                       int_cmp);
        memset(out, 0, sizeof(out));
        sort_merge_runs(parts, start, n_runs, sizeof(int), int_cmp, out);
        assert_memory_equal(out, whole, sizeof(whole));
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sort__empty_and_single_are_safe),
        cmocka_unit_test(test_sort__sort_array_orders),
        cmocka_unit_test(test_sort__sort_array_r_passes_context),
        cmocka_unit_test(test_sort__indices_by_context_table),
        cmocka_unit_test(test_sort__merge_runs_ties_in_run_order),
        cmocka_unit_test(test_sort__merge_runs_one_and_none),
        cmocka_unit_test(test_sort__merge_runs_equals_sort_whole),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
