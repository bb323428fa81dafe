/*
 * pipeline/base/utf8.c - a byte-at-a-time validator with an ASCII fast path.
 */
#include "utf8.h"

#include <stdint.h>
#include <string.h>

/* The length of the valid character at s (1-4), or 0 when invalid. */
static size_t char_len(const unsigned char *s, size_t n)
{
    unsigned char c = s[0];
    if (c >= 0x01 && c < 0x80)
        return 1;
    if (c >= 0xC2 && c <= 0xDF) {
        if (n >= 2 && (s[1] & 0xC0) == 0x80)
            return 2;
        return 0;
    }
    if (c >= 0xE0 && c <= 0xEF) {
        if (n < 3 || (s[1] & 0xC0) != 0x80 || (s[2] & 0xC0) != 0x80)
            return 0;
        if (c == 0xE0 && s[1] < 0xA0) /* overlong */
            return 0;
        if (c == 0xED && s[1] > 0x9F) /* surrogate */
            return 0;
        return 3;
    }
    if (c >= 0xF0 && c <= 0xF4) {
        if (n < 4 || (s[1] & 0xC0) != 0x80 || (s[2] & 0xC0) != 0x80 ||
            (s[3] & 0xC0) != 0x80)
            return 0;
        if (c == 0xF0 && s[1] < 0x90) /* overlong */
            return 0;
        if (c == 0xF4 && s[1] > 0x8F) /* above U+10FFFF */
            return 0;
        return 4;
    }
    return 0;
}

size_t utf8_valid_prefix(const char *str, size_t n)
{
    const unsigned char *s = (const unsigned char *)str;
    size_t i = 0;
    while (i < n) {
        /* Eight ASCII bytes (none 0x00, none >= 0x80) at a time. */
        while (i + 8 <= n) {
            uint64_t v;
            memcpy(&v, s + i, 8);
            if ((v & UINT64_C(0x8080808080808080)) ||
                ((v - UINT64_C(0x0101010101010101)) & ~v &
                 UINT64_C(0x8080808080808080)))
                break;
            i += 8;
        }
        if (i >= n)
            break;
        size_t k = char_len(s + i, n - i);
        if (k == 0)
            return i;
        i += k;
    }
    return n;
}

size_t utf8_sanitize(const char *str, size_t n, char *out, size_t cap)
{
    const unsigned char *s = (const unsigned char *)str;
    size_t o = 0;
    if (cap == 0)
        return 0;
    for (size_t i = 0; i < n;) {
        size_t k = char_len(s + i, n - i);
        const char *src = (const char *)s + i;
        size_t w = k;
        if (k == 0) {
            src = "\xEF\xBF\xBD";
            w = 3;
            k = 1;
        }
        if (o + w + 1 > cap)
            break;
        memcpy(out + o, src, w);
        o += w;
        i += k;
    }
    out[o] = '\0';
    return o;
}

/* A byte that must not reach a terminal as it is: C0 controls (but a
 * newline when kept), DEL. */
static bool is_control(unsigned char c, bool keep_newline)
{
    return (c < 0x20 && !(keep_newline && c == '\n')) || c == 0x7F;
}

size_t utf8_escape(const char *str, size_t n, bool keep_newline, char *out,
                   size_t cap)
{
    static const char hex[] = "0123456789abcdef";
    const unsigned char *s = (const unsigned char *)str;
    size_t o = 0;
    if (cap == 0)
        return 0;
    for (size_t i = 0; i < n;) {
        size_t k = s[i] == 0 ? 0 : char_len(s + i, n - i);
        /* C1 controls (U+0080..U+009F: CSI, OSC, ...) are valid UTF-8
         * that terminals act on: escaped byte by byte too */
        bool escape = k == 0 || (k == 1 && is_control(s[i], keep_newline)) ||
                      (k == 2 && s[i] == 0xC2 && s[i + 1] < 0xA0);
        size_t take = escape ? (k ? k : 1) : k;
        size_t need = escape ? 4 * take : take;
        if (o + need + 1 > cap)
            break;
        for (size_t j = 0; j < take; j++) {
            if (escape) {
                out[o++] = '\\';
                out[o++] = 'x';
                out[o++] = hex[s[i + j] >> 4];
                out[o++] = hex[s[i + j] & 0xF];
            } else {
                out[o++] = (char)s[i + j];
            }
        }
        i += take;
    }
    out[o] = '\0';
    return o;
}

size_t utf8_incomplete_tail(const char *str, size_t n)
{
    const unsigned char *s = (const unsigned char *)str;
    for (size_t back = 1; back <= 3 && back <= n; back++) {
        unsigned char c = s[n - back];
        if ((c & 0xC0) == 0x80)
            continue; /* a continuation byte: look further back */
        size_t want = c >= 0xF0 && c <= 0xF4   ? 4
                      : c >= 0xE0 && c <= 0xEF ? 3
                      : c >= 0xC2 && c <= 0xDF ? 2
                                               : 1;
        return want > back ? back : 0;
    }
    return 0;
}
