/*
 * tests/unit/test_grow.c - array growth (pipeline/base/grow.h): the
 * capacities it gives, the contents it keeps, and the sizes it refuses
 * without touching the array.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "pipeline/base/grow.h"

static void test_grow__first_capacity_is_four(void **state)
{
    (void)state;
    size_t cap = 0;
    int *a = grow_array(NULL, &cap, 1, sizeof(*a));
    assert_non_null(a);
    assert_int_equal(cap, 4);
    free(a);
}

/* Appending one at a time goes 4, 6, 9, 13, 19, 28, ... and keeps what the
 * array held. */
static void test_grow__grows_by_half_again_and_keeps_contents(void **state)
{
    (void)state;
    static const size_t caps[] = {4, 6, 9, 13, 19, 28, 42, 63, 94, 141};
    size_t cap = 0, n = 0, step = 0;
    int *a = NULL;
    for (int i = 0; i < 100; i++) {
        size_t before = cap;
        int *p = grow_array(a, &cap, n + 1, sizeof(*a));
        assert_non_null(p);
        a = p;
        if (cap != before) {
            assert_true(step < sizeof(caps) / sizeof(caps[0]));
            assert_int_equal(cap, caps[step++]);
        }
        a[n++] = i;
    }
    assert_int_equal(step, 10);
    for (int i = 0; i < 100; i++)
        assert_int_equal(a[i], i);
    free(a);
}

/* A need far above the capacity is met at once, not a step at a time. */
static void test_grow__large_need_at_once(void **state)
{
    (void)state;
    size_t cap = 0;
    char *a = grow_array(NULL, &cap, 1000, 1);
    assert_non_null(a);
    assert_true(cap >= 1000);
    assert_true(cap < 1500);
    memset(a, 'x', cap);
    free(a);
}

static void test_grow__need_within_capacity_returns_buf(void **state)
{
    (void)state;
    size_t cap = 0;
    int *a = grow_array(NULL, &cap, 4, sizeof(*a));
    assert_non_null(a);
    size_t was = cap;
    assert_ptr_equal(grow_array(a, &cap, cap, sizeof(*a)), a);
    assert_ptr_equal(grow_array(a, &cap, 1, sizeof(*a)), a);
    assert_ptr_equal(grow_array(a, &cap, 0, sizeof(*a)), a);
    assert_int_equal(cap, was);
    free(a);
}

/* need * size over SIZE_MAX: NULL, and the array and its capacity are as
 * they were (still usable, still the caller's to free). */
static void test_grow__overflow_refused_buf_intact(void **state)
{
    (void)state;
    size_t cap = 0;
    uint64_t *a = grow_array(NULL, &cap, 3, sizeof(*a));
    assert_non_null(a);
    a[0] = 1, a[1] = 2, a[2] = 3;
    size_t was = cap;
    assert_null(grow_array(a, &cap, SIZE_MAX / sizeof(*a) + 1, sizeof(*a)));
    assert_int_equal(cap, was);
    assert_null(grow_array(a, &cap, SIZE_MAX, sizeof(*a)));
    assert_int_equal(cap, was);
    assert_null(grow_array(a, &cap, SIZE_MAX / 2 + 1, 2));
    assert_int_equal(cap, was);
    assert_int_equal(a[0], 1);
    assert_int_equal(a[1], 2);
    assert_int_equal(a[2], 3);
    free(a);
}

static void test_grow__zero_size_refused(void **state)
{
    (void)state;
    size_t cap = 0;
    assert_null(grow_array(NULL, &cap, 1, 0));
    assert_int_equal(cap, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_grow__first_capacity_is_four),
        cmocka_unit_test(test_grow__grows_by_half_again_and_keeps_contents),
        cmocka_unit_test(test_grow__large_need_at_once),
        cmocka_unit_test(test_grow__need_within_capacity_returns_buf),
        cmocka_unit_test(test_grow__overflow_refused_buf_intact),
        cmocka_unit_test(test_grow__zero_size_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
