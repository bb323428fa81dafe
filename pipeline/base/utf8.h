/*
 * pipeline/base/utf8.h - strict UTF-8 checks (no overlongs, no surrogates,
 * nothing above U+10FFFF). NUL counts as invalid: no text of ours can
 * carry it through C strings and spreadsheet files.
 */
#ifndef FTK_UTF8_H
#define FTK_UTF8_H

#include <stdbool.h>
#include <stddef.h>

/* The length of the longest valid prefix of s[0..n): n when all of it is
 * valid UTF-8. */
size_t utf8_valid_prefix(const char *s, size_t n);

/* Copies s[0..n) into out (capacity cap, always NUL-terminated), each
 * invalid byte replaced by U+FFFD, cutting at a character boundary when
 * out is full. Returns the length written. */
size_t utf8_sanitize(const char *s, size_t n, char *out, size_t cap);

/* Copies s[0..n) into out (capacity cap, always NUL-terminated) for a
 * terminal, as git shows a path: every control byte (C0 but a newline when
 * keep_newline, DEL, the C1 controls U+0080..U+009F) and every byte of
 * invalid UTF-8 (NUL included) written as \xNN, the rest as it is; cuts
 * at a character or escape boundary when out is full. Returns the length
 * written. */
size_t utf8_escape(const char *s, size_t n, bool keep_newline, char *out,
                   size_t cap);

/* The length (0-3) of an incomplete but possibly valid character at the
 * end of s[0..n): bytes a stream should hold until the rest arrives. */
size_t utf8_incomplete_tail(const char *s, size_t n);

#endif
