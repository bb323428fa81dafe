/*
 * tests/unit/test_fm_books.c - the FM books of a run (pipeline/fm_books.h):
 * safe file names (docs/workbook.md, "FM books"), collisions, and every
 * customer in exactly one book.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "kpi/date.h"
#include "pipeline/fm_books.h"
#include "pipeline/ingest/rejects.h"

static void assert_safe(const char *fm, const char *want)
{
    char out[FM_BOOK_NAME_MAX + 1];
    size_t n = fm_book_safe_name(fm, out);
    assert_string_equal(out, want);
    assert_int_equal(n, strlen(want));
}

static void test_fm_books__safe_names(void **state)
{
    (void)state;
    assert_safe("Alex Morgan", "Alex Morgan");
    assert_safe("Jürgen Weiß", "Jürgen Weiß");
    assert_safe("Olivia O'Brien", "Olivia O'Brien");
    assert_safe("", FM_BOOK_UNASSIGNED);
    /* what Windows or a shell would trip on */
    assert_safe("A/B\\C:D*E?F\"G<H>I|J", "A_B_C_D_E_F_G_H_I_J");
    /* leading dots only */
    assert_safe(".hidden", "_hidden");
    assert_safe("..", "__");
    assert_safe("..a.b.", "__a.b.");
    assert_safe(" .a", " .a");
    /* control characters: C0, DEL, C1 (U+0085 is C2 85) */
    assert_safe("a\tb\x01\x7f"
                "c\xc2\x85"
                "d",
                "a_b__c_d");
    /* a control character first: the dot after it is not leading */
    assert_safe("\x01.a", "_.a");
    /* invalid UTF-8: each byte of it one '_' (a lone continuation byte,
     * a cut 3-byte sequence, an overlong, a surrogate) */
    assert_safe("a\x80"
                "b",
                "a_b");
    assert_safe("a\xe2\x82"
                "b",
                "a__b");
    assert_safe("\xc0\xaf", "__");
    assert_safe("x\xed\xa0\x80", "x___");
    /* a name that is all '_' once made safe */
    assert_safe("///", "___");
}

/* Cut to FM_BOOK_NAME_MAX bytes, never inside a character. */
static void test_fm_books__cut_on_a_character_boundary(void **state)
{
    (void)state;
    char fm[512], want[FM_BOOK_NAME_MAX + 1], out[FM_BOOK_NAME_MAX + 1];
    /* 99 ASCII bytes then 'é' (2 bytes): the é does not fit */
    memset(fm, 'a', 99);
    strcpy(fm + 99, "\xc3\xa9zz");
    memset(want, 'a', 99);
    want[99] = '\0';
    assert_int_equal(fm_book_safe_name(fm, out), 99);
    assert_string_equal(out, want);
    /* 98 + 'é' is exactly 100 */
    memset(fm, 'a', 98);
    strcpy(fm + 98, "\xc3\xa9zz");
    assert_int_equal(fm_book_safe_name(fm, out), 100);
    assert_memory_equal(out + 98, "\xc3\xa9", 3);
    /* 4-byte characters: 25 fit, the 26th does not */
    fm[0] = '\0';
    for (int i = 0; i < 30; i++)
        strcat(fm, "\xf0\x9f\x98\x80");
    assert_int_equal(fm_book_safe_name(fm, out), 100);
    assert_memory_equal(out + 96, "\xf0\x9f\x98\x80", 5);
    /* 99 bytes then '/': its '_' fits */
    memset(fm, 'b', 99);
    strcpy(fm + 99, "/xyz");
    assert_int_equal(fm_book_safe_name(fm, out), 100);
    assert_int_equal(out[99], '_');
}

struct fixture {
    struct config cfg;
    struct store st;
    struct facts f;
};

static int setup(void **state)
{
    struct fixture *fx = test_calloc(1, sizeof(*fx));
    struct ftk_diag diag = {{0}};
    if (config_load(&fx->cfg, NULL, &diag) != FTK_OK) {
        test_free(fx);
        return -1;
    }
    store_init(&fx->st, &fx->cfg);
    *state = fx;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *fx = *state;
    facts_release(&fx->f);
    store_release(&fx->st);
    config_release(&fx->cfg);
    test_free(fx);
    return 0;
}

static void add_tenant(struct fixture *fx, const char *id, const char *fm)
{
    enum store_added added;
    struct store_tenant t = {
        .id = id,
        .name = id,
        .region = "NA",
        .priority = "",
        .fm = fm,
        .seats = -1,
        .engagement_start = KPI_NO_DATE,
        .gateway_date = KPI_NO_DATE,
        .kickoff_date = KPI_NO_DATE,
    };
    assert_int_equal(store_add_tenant(&fx->st, &t, &added), FTK_OK);
}

static const struct fm_book *book_of(const struct fm_books *b, const char *fm)
{
    for (size_t i = 0; i < b->n; i++)
        if (strcmp(b->book[i].fm, fm) == 0)
            return &b->book[i];
    fail_msg("no book for %s", fm);
    return NULL;
}

/* FMs whose safe names collide (A/B, A:B, A|B; a/b only in case) get
 * " (2)", " (3)" ... in the order of their first customer by tenant_id;
 * an FM literally named "A_B (2)" takes the next free name; the customers
 * without an FM are in "(unassigned)", the last book; every customer is
 * in exactly one book, its FM's. */
static void test_fm_books__plan_collisions_and_partition(void **state)
{
    struct fixture *fx = *state;
    /* tenant_id order: T1 < T2 < ...; FMs' first customers: A:B T1, a/b
     * T2, A_B (2) T3, A/B T4, blank T5, .x T6 */
    add_tenant(fx, "T5", "");
    add_tenant(fx, "T4", "A/B");
    add_tenant(fx, "T1", "A:B");
    add_tenant(fx, "T2", "a/b");
    add_tenant(fx, "T3", "A_B (2)");
    add_tenant(fx, "T6", ".x");
    add_tenant(fx, "T7", "A:B");
    add_tenant(fx, "T8", "");
    assert_int_equal(store_customers_done(&fx->st), FTK_OK);
    struct ftk_diag diag = {{0}};
    assert_int_equal(facts_build(&fx->f, &fx->st, 2024 * 12 + 5, &diag),
                     FTK_OK);
    struct fm_books b;
    assert_int_equal(fm_books_plan(&b, &fx->f, &diag), FTK_OK);
    assert_int_equal(b.n, 6);
    /* By FM's order: by bytes, the blank FM last */
    static const char *const order[] = {".x",      "A/B", "A:B",
                                        "A_B (2)", "a/b", ""};
    for (size_t i = 0; i < 6; i++)
        assert_string_equal(b.book[i].fm, order[i]);
    assert_string_equal(book_of(&b, "A:B")->file, "fm/kpi-2024-06-A_B.xlsx");
    assert_string_equal(book_of(&b, "a/b")->file,
                        "fm/kpi-2024-06-a_b (2).xlsx");
    assert_string_equal(book_of(&b, "A_B (2)")->file,
                        "fm/kpi-2024-06-A_B (2) (2).xlsx");
    assert_string_equal(book_of(&b, "A/B")->file,
                        "fm/kpi-2024-06-A_B (3).xlsx");
    assert_string_equal(book_of(&b, "")->file,
                        "fm/kpi-2024-06-(unassigned).xlsx");
    assert_string_equal(book_of(&b, ".x")->file, "fm/kpi-2024-06-_x.xlsx");
    /* customers ascending (by tenant_id), each once, in its FM's book */
    unsigned seen[8] = {0};
    for (size_t i = 0; i < b.n; i++) {
        const struct fm_book *k = &b.book[i];
        size_t rows = 0;
        for (size_t j = 0; j < k->n_customers; j++) {
            uint32_t c = k->customer[j];
            if (j > 0)
                assert_true(c > k->customer[j - 1]);
            seen[c]++;
            assert_string_equal(fx->st.tenant[fx->f.customer[c].tenant].fm,
                                k->fm);
            rows += fx->f.customer[c].n_rows;
        }
        assert_int_equal(k->n_rows, rows);
    }
    for (size_t c = 0; c < 8; c++)
        assert_int_equal(seen[c], 1);
    assert_int_equal(book_of(&b, "A:B")->n_customers, 2);
    assert_int_equal(book_of(&b, "")->n_customers, 2);
    fm_books_release(&b);
    fm_books_release(&b); /* safe twice */
    facts_release(&fx->f);
    store_release(&fx->st);
}

/* No customers: no books. */
static void test_fm_books__empty(void **state)
{
    struct fixture *fx = *state;
    assert_int_equal(store_customers_done(&fx->st), FTK_OK);
    struct ftk_diag diag = {{0}};
    assert_int_equal(facts_build(&fx->f, &fx->st, 2024 * 12 + 5, &diag),
                     FTK_OK);
    struct fm_books b;
    assert_int_equal(fm_books_plan(&b, &fx->f, &diag), FTK_OK);
    assert_int_equal(b.n, 0);
    fm_books_release(&b);
    facts_release(&fx->f);
    store_release(&fx->st);
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fm_books__safe_names),
        cmocka_unit_test(test_fm_books__cut_on_a_character_boundary),
        T(test_fm_books__plan_collisions_and_partition),
        T(test_fm_books__empty),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
