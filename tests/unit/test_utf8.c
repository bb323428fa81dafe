/*
 * tests/unit/test_utf8.c - strict UTF-8 validation and sanitising
 * (pipeline/utf8.h), checked against an independent decoder that works
 * from code points rather than from the table of valid byte ranges.
 */
#include <stdlib.h>
#include <string.h>

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "pipeline/base/ftk_error.h"
#include "pipeline/base/utf8.h"

/* The fast path's buffers come from the real allocator, at their exact
 * size, so that AddressSanitizer sees a read past the end (cmocka's
 * allocator pads its blocks). */
#undef malloc
#undef free

/* The length of the character at s if it is valid (a scalar value other
 * than NUL, in its shortest form), else 0. */
static size_t ref_char(const unsigned char *s, size_t n)
{
    unsigned char c = s[0];
    size_t len;
    uint32_t cp, min;
    if (c < 0x80) {
        return c ? 1 : 0;
    } else if ((c & 0xE0) == 0xC0) {
        len = 2, cp = c & 0x1F, min = 0x80;
    } else if ((c & 0xF0) == 0xE0) {
        len = 3, cp = c & 0x0F, min = 0x800;
    } else if ((c & 0xF8) == 0xF0) {
        len = 4, cp = c & 0x07, min = 0x10000;
    } else {
        return 0;
    }
    if (n < len)
        return 0;
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        cp = cp << 6 | (s[i] & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
        return 0;
    return len;
}

static size_t ref_valid_prefix(const unsigned char *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        size_t k = ref_char(s + i, n - i);
        if (k == 0)
            return i;
        i += k;
    }
    return n;
}

static size_t prefix(const char *s)
{
    return utf8_valid_prefix(s, strlen(s));
}

static void test_utf8__valid_text(void **state)
{
    (void)state;
    static const char *const valid[] = {
        "",
        "Contoso, Ltd.",
        "\x7F",
        "caf\xC3\xA9",              /* U+00E9 */
        "\xC2\x80",                 /* U+0080, the first two-byte */
        "\xDF\xBF",                 /* U+07FF */
        "\xE0\xA0\x80",             /* U+0800, the first three-byte */
        "\xE2\x82\xAC",             /* U+20AC euro */
        "\xED\x9F\xBF",             /* U+D7FF, just below surrogates */
        "\xEE\x80\x80",             /* U+E000, just above them */
        "\xEF\xBB\xBF",             /* U+FEFF */
        "\xEF\xBF\xBF",             /* U+FFFF */
        "\xF0\x90\x80\x80",         /* U+10000 */
        "\xF0\x9F\x98\x80",         /* U+1F600 */
        "\xF4\x8F\xBF\xBF",         /* U+10FFFF, the last */
        "\xE6\x97\xA5\xE6\x9C\xAC", /* two CJK characters */
    };
    for (size_t i = 0; i < sizeof(valid) / sizeof(valid[0]); i++)
        if (prefix(valid[i]) != strlen(valid[i]))
            fail_msg("case %zu: prefix %zu of %zu", i, prefix(valid[i]),
                     strlen(valid[i]));
}

static void test_utf8__invalid_sequences(void **state)
{
    (void)state;
    static const struct {
        const char *s;
        size_t valid; /* the valid prefix */
    } cases[] = {
        {"\xC0\x80", 0},             /* overlong NUL */
        {"\xC1\xBF", 0},             /* overlong U+007F */
        {"ab\xE0\x80\x80", 2},       /* overlong three-byte */
        {"\xE0\x9F\xBF", 0},         /* overlong U+07FF */
        {"\xF0\x80\x80\x80", 0},     /* overlong four-byte */
        {"\xF0\x8F\xBF\xBF", 0},     /* overlong U+FFFF */
        {"x\xED\xA0\x80", 1},        /* surrogate U+D800 */
        {"\xED\xBF\xBF", 0},         /* surrogate U+DFFF */
        {"\xF4\x90\x80\x80", 0},     /* U+110000 */
        {"\xF5\x80\x80\x80", 0},     /* lead byte F5 */
        {"\xF8\x88\x80\x80\x80", 0}, /* five-byte form */
        {"\xFF", 0},
        {"\xFE", 0},
        {"a\x80", 1},         /* lone continuation */
        {"\xC3", 0},          /* truncated two-byte */
        {"ok\xE2\x82", 2},    /* truncated three-byte */
        {"\xF0\x9F\x98", 0},  /* truncated four-byte */
        {"\xE2\x82x", 0},     /* continuation missing */
        {"\xC3\xA9\xC3(", 2}, /* bad continuation after a valid char */
        {"\xF0\x9F\x98\x80\x80", 4},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        size_t got = prefix(cases[i].s);
        if (got != cases[i].valid)
            fail_msg("case %zu: prefix %zu, want %zu", i, got, cases[i].valid);
    }
}

static void test_utf8__nul_is_invalid(void **state)
{
    (void)state;
    assert_int_equal(utf8_valid_prefix("\0", 1), 0);
    assert_int_equal(utf8_valid_prefix("ab\0cd", 5), 2);
    /* n bounds the text, not a NUL: nothing is read past it */
    assert_int_equal(utf8_valid_prefix("abc", 2), 2);
    assert_int_equal(utf8_valid_prefix("\xC3\xA9", 1), 0);
    assert_int_equal(utf8_valid_prefix("", 0), 0);
}

/* The eight-byte ASCII path: a bad byte (NUL, 0x80, 0xFF) or a
 * multi-byte character at every position of texts of every length up to
 * 40, so that each falls before, on and after an eight-byte boundary. */
static void test_utf8__ascii_fast_path_boundaries(void **state)
{
    (void)state;
    static const unsigned char bad[] = {0x00, 0x80, 0xBF, 0xC0, 0xFF};
    for (size_t n = 1; n <= 40; n++) {
        char *buf = malloc(n);
        assert_non_null(buf);
        for (size_t p = 0; p < n; p++) {
            for (size_t b = 0; b < sizeof(bad); b++) {
                memset(buf, 'a' + (int)(p % 26), n);
                buf[p] = (char)bad[b];
                size_t got = utf8_valid_prefix(buf, n);
                if (got != p)
                    fail_msg("len %zu, 0x%02X at %zu: prefix %zu", n, bad[b], p,
                             got);
            }
            /* a valid three-byte character at p */
            if (p + 3 <= n) {
                memset(buf, 0x7F, n);
                memcpy(buf + p, "\xE2\x82\xAC", 3);
                assert_int_equal(utf8_valid_prefix(buf, n), n);
                /* and cut by n */
                assert_int_equal(utf8_valid_prefix(buf, p + 2), p);
            }
        }
        /* 0x01 and 0x7F are the edges of what the fast path lets through */
        memset(buf, 0x01, n);
        assert_int_equal(utf8_valid_prefix(buf, n), n);
        memset(buf, 0x7F, n);
        assert_int_equal(utf8_valid_prefix(buf, n), n);
        free(buf);
    }
}

/* Every sequence of one, two and three bytes, and every four-byte one
 * with the last two bytes from a sample, against the reference. */
static void test_utf8__agrees_with_reference_decoder(void **state)
{
    (void)state;
    unsigned char s[4];
    for (unsigned a = 0; a < 256; a++) {
        s[0] = (unsigned char)a;
        assert_int_equal(utf8_valid_prefix((char *)s, 1),
                         ref_valid_prefix(s, 1));
        for (unsigned b = 0; b < 256; b++) {
            s[1] = (unsigned char)b;
            if (utf8_valid_prefix((char *)s, 2) != ref_valid_prefix(s, 2))
                fail_msg("%02X %02X", a, b);
            for (unsigned c = 0; c < 256; c++) {
                s[2] = (unsigned char)c;
                if (utf8_valid_prefix((char *)s, 3) != ref_valid_prefix(s, 3))
                    fail_msg("%02X %02X %02X", a, b, c);
            }
        }
    }
    static const unsigned char sample[] = {0x00, 0x41, 0x7F, 0x80, 0x8F,
                                           0x90, 0xA0, 0xBF, 0xC0, 0xF4};
    for (unsigned a = 0xE0; a < 256; a++)
        for (unsigned b = 0; b < 256; b++)
            for (size_t c = 0; c < sizeof(sample); c++)
                for (size_t d = 0; d < sizeof(sample); d++) {
                    s[0] = (unsigned char)a;
                    s[1] = (unsigned char)b;
                    s[2] = sample[c];
                    s[3] = sample[d];
                    if (utf8_valid_prefix((char *)s, 4) !=
                        ref_valid_prefix(s, 4))
                        fail_msg("%02X %02X %02X %02X", a, b, sample[c],
                                 sample[d]);
                }
}

static void test_utf8__sanitize_replaces_each_invalid_byte(void **state)
{
    (void)state;
    static const struct {
        const char *in;
        size_t len;
        const char *out;
    } cases[] = {
        {"abc", 3, "abc"},
        {"a\xFF"
         "b",
         3,
         "a\xEF\xBF\xBD"
         "b"},
        {"caf\xC3\xA9", 5, "caf\xC3\xA9"},
        /* an overlong is two invalid bytes */
        {"\xC0\x80", 2, "\xEF\xBF\xBD\xEF\xBF\xBD"},
        /* a truncated euro sign, then text */
        {"\xE2\x82x", 3, "\xEF\xBF\xBD\xEF\xBF\xBDx"},
        {"\xED\xA0\x80", 3, "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD"},
        {"4\0"
         "0",
         3,
         "4\xEF\xBF\xBD"
         "0"},
        {"\xEF\xBF\xBD", 3, "\xEF\xBF\xBD"}, /* U+FFFD itself is kept */
        {"", 0, ""},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char out[64];
        memset(out, 'Z', sizeof(out));
        size_t n = utf8_sanitize(cases[i].in, cases[i].len, out, sizeof(out));
        if (n != strlen(cases[i].out) || strcmp(out, cases[i].out) != 0)
            fail_msg("case %zu: got '%s' (%zu)", i, out, n);
        assert_int_equal(utf8_valid_prefix(out, n), n);
    }
}

static void test_utf8__sanitize_never_cuts_a_character(void **state)
{
    (void)state;
    /* "a" U+20AC "b" U+FFFD(for 0xFF) "c": 1 + 3 + 1 + 3 + 1 bytes */
    static const char in[] = "a\xE2\x82\xAC"
                             "b\xFF"
                             "c";
    static const size_t want[] = {0, 0, 1, 1, 1, 4, 5, 5, 5, 8, 9, 9};
    for (size_t cap = 1; cap < sizeof(want) / sizeof(want[0]); cap++) {
        char out[16];
        memset(out, 'Z', sizeof(out));
        size_t n = utf8_sanitize(in, sizeof(in) - 1, out, cap);
        if (n != want[cap])
            fail_msg("cap %zu: %zu bytes, want %zu", cap, n, want[cap]);
        assert_int_equal(out[n], '\0');
        assert_int_equal(out[cap], 'Z'); /* nothing written past cap */
        assert_int_equal(utf8_valid_prefix(out, n), n);
    }
    /* cap 0: nothing at all is written */
    char z = 'Z';
    assert_int_equal(utf8_sanitize("abc", 3, &z, 0), 0);
    assert_int_equal(z, 'Z');
    /* a four-byte character and a cap one short of it */
    char out[8];
    assert_int_equal(utf8_sanitize("\xF0\x9F\x98\x80", 4, out, 4), 0);
    assert_string_equal(out, "");
    assert_int_equal(utf8_sanitize("\xF0\x9F\x98\x80", 4, out, 5), 4);
}

/* Terminal injection: escape sequences, a title change, C1 controls,
 * NUL and invalid UTF-8 come out as \xNN text; valid text as it is. */
static void test_utf8__escape_controls_and_invalid_bytes(void **state)
{
    (void)state;
    char out[256];
    const char in[] = "a\x1b[2Jb\x1b]0;x\x07"
                      "c\xc2\x9b"
                      "1m\xff\xc3\xa9\x7f\n\t";
    size_t n = utf8_escape(in, sizeof(in) - 1, false, out, sizeof(out));
    assert_string_equal(out, "a\\x1b[2Jb\\x1b]0;x\\x07c\\xc2\\x9b1m\\xff"
                             "\xc3\xa9\\x7f\\x0a\\x09");
    assert_int_equal(n, strlen(out));
    utf8_escape("\n\t", 2, true, out, sizeof(out));
    assert_string_equal(out, "\n\\x09");
    utf8_escape("x\0y", 3, true, out, sizeof(out));
    assert_string_equal(out, "x\\x00y");
    /* valid text, the euro sign and U+00A0 included, is left alone */
    const char text[] = "Caf\xc3\xa9 \xe2\x82\xac\xc2\xa0\xf0\x9f\x98\x80";
    utf8_escape(text, sizeof(text) - 1, false, out, sizeof(out));
    assert_string_equal(out, text);
}

static void test_utf8__escape_cuts_on_a_boundary(void **state)
{
    (void)state;
    char out[8];
    /* "ab" + an escape (4) fits 7 bytes; the next escape does not */
    assert_int_equal(utf8_escape("ab\x1b\x1b", 4, false, out, sizeof(out)), 6);
    assert_string_equal(out, "ab\\x1b");
    assert_int_equal(utf8_escape("abcdef\xc3\xa9", 8, false, out, sizeof(out)),
                     6);
    assert_string_equal(out, "abcdef");
}

static void test_utf8__incomplete_tail(void **state)
{
    (void)state;
    assert_int_equal(utf8_incomplete_tail("ab", 2), 0);
    assert_int_equal(utf8_incomplete_tail("a\xc3", 2), 1);
    assert_int_equal(utf8_incomplete_tail("a\xc3\xa9", 3), 0);
    assert_int_equal(utf8_incomplete_tail("a\xe2\x82", 3), 2);
    assert_int_equal(utf8_incomplete_tail("a\xf0\x9f\x98", 4), 3);
    assert_int_equal(utf8_incomplete_tail("\x80\x80\x80", 3), 0);
    assert_int_equal(utf8_incomplete_tail("", 0), 0);
}

/* Every message goes through ftk_fail: the input it quotes is escaped. */
static void test_utf8__ftk_fail_escapes_what_it_quotes(void **state)
{
    (void)state;
    struct ftk_diag diag;
    assert_int_equal(ftk_fail(&diag, FTK_E_DATA, "%s:%d: header '%s'", "f.csv",
                              1, "id\x1b[2J\x1b]0;x\x07\n"),
                     FTK_E_DATA);
    assert_string_equal(diag.msg,
                        "f.csv:1: header 'id\\x1b[2J\\x1b]0;x\\x07\\x0a'");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_utf8__valid_text),
        cmocka_unit_test(test_utf8__invalid_sequences),
        cmocka_unit_test(test_utf8__nul_is_invalid),
        cmocka_unit_test(test_utf8__ascii_fast_path_boundaries),
        cmocka_unit_test(test_utf8__agrees_with_reference_decoder),
        cmocka_unit_test(test_utf8__sanitize_replaces_each_invalid_byte),
        cmocka_unit_test(test_utf8__sanitize_never_cuts_a_character),
        cmocka_unit_test(test_utf8__escape_controls_and_invalid_bytes),
        cmocka_unit_test(test_utf8__escape_cuts_on_a_boundary),
        cmocka_unit_test(test_utf8__incomplete_tail),
        cmocka_unit_test(test_utf8__ftk_fail_escapes_what_it_quotes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
