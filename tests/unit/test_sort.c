/*
 * tests/unit/test_sort.c - sort_array and sort_array_r
 * (pipeline/base/sort.h): empty and one-element arrays, and a context
 * reaching the comparator instead of a global; sort_merge_places: runs
 * sorted apart merge into the order of the array sorted whole, ties in
 * run order.
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
static void test_sort__merge_places_ties_in_run_order(void **state)
{
    (void)state;
    static const struct tagged r0[] = {{1, 0}, {3, 1}, {3, 2}, {8, 3}};
    static const struct tagged r2[] = {{0, 4}, {3, 5}, {9, 6}};
    static const struct tagged r3[] = {{3, 7}};
    const void *runs[] = {r0, NULL, r2, r3, NULL};
    static const size_t n[] = {4, 0, 3, 1, 0};
    struct sort_place out[8];
    memset(out, 0xff, sizeof(out));
    sort_merge_places(runs, n, 5, sizeof(struct tagged), tagged_cmp, out);
    static const struct sort_place want[] = {{2, 0}, {0, 0}, {0, 1}, {0, 2},
                                             {2, 1}, {3, 0}, {0, 3}, {2, 2}};
    for (size_t i = 0; i < 8; i++) {
        assert_int_equal(out[i].run, want[i].run);
        assert_int_equal(out[i].index, want[i].index);
    }
}

/* One run comes out as it is; no runs, or only empty ones, write
 * nothing. */
static void test_sort__merge_places_one_and_none(void **state)
{
    (void)state;
    static const int one[] = {2, 4, 4, 7};
    const void *runs[] = {one, one};
    static const size_t n1[] = {4}, n0[] = {0, 0};
    struct sort_place out[4];
    sort_merge_places(runs, n1, 1, sizeof(int), int_cmp, out);
    for (uint32_t i = 0; i < 4; i++) {
        assert_int_equal(out[i].run, 0);
        assert_int_equal(out[i].index, i);
    }
    struct sort_place untouched = {7, 7};
    sort_merge_places(runs, n0, 2, sizeof(int), int_cmp, &untouched);
    sort_merge_places(runs, n0, 0, sizeof(int), int_cmp, &untouched);
    assert_int_equal(untouched.run, 7);
    assert_int_equal(untouched.index, 7);
}

/* The use in pipeline/facts.c: an array cut into parts (up to the most
 * runs), each part sorted on its own, then merged, equals the array
 * sorted whole by a stable sort, for every number of parts. The elements
 * carry their place in the array, so a wrong order of equal keys shows. */
static void test_sort__merge_places_equals_sort_whole(void **state)
{
    (void)state;
    enum { N = 997 };
    static struct tagged v[N], whole[N], parts[N], out[N];
    uint32_t x = 12345;
    for (size_t i = 0; i < N; i++) {
        x = x * 1103515245u + 12345u;
        v[i] = (struct tagged){(int)(x >> 16) % 50 - 25, (int)i};
    }
    /* a stable sort of the whole: insertion sort */
    memcpy(whole, v, sizeof(v));
    for (size_t i = 1; i < N; i++)
        for (size_t j = i; j > 0 && whole[j - 1].key > whole[j].key; j--) {
            struct tagged t = whole[j];
            whole[j] = whole[j - 1];
            whole[j - 1] = t;
        }
    for (size_t n_runs = 1; n_runs <= SORT_MAX_RUNS; n_runs++) {
        const void *runs[SORT_MAX_RUNS];
        size_t n[SORT_MAX_RUNS];
        struct sort_place place[N];
        memcpy(parts, v, sizeof(v));
        for (size_t k = 0; k < n_runs; k++) {
            size_t from = N * k / n_runs, to = N * (k + 1) / n_runs;
            runs[k] = parts + from;
            n[k] = to - from;
            /* stable within the part too: insertion sort */
            for (size_t i = from + 1; i < to; i++)
                for (size_t j = i; j > from && parts[j - 1].key > parts[j].key;
                     j--) {
                    struct tagged t = parts[j];
                    parts[j] = parts[j - 1];
                    parts[j - 1] = t;
                }
        }
        sort_merge_places(runs, n, n_runs, sizeof(struct tagged), tagged_cmp,
                          place);
        for (size_t i = 0; i < N; i++)
            out[i] =
                ((const struct tagged *)runs[place[i].run])[place[i].index];
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
        cmocka_unit_test(test_sort__merge_places_ties_in_run_order),
        cmocka_unit_test(test_sort__merge_places_one_and_none),
        cmocka_unit_test(test_sort__merge_places_equals_sort_whole),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
