/*
 * pipeline/base/utf8.h - strict UTF-8 checks (no overlongs, no surrogates,
 * nothing above U+10FFFF). NUL counts as invalid: no text of ours can
 * carry it through C strings and spreadsheet files.
 */
#ifndef FTK_UTF8_H
#define FTK_UTF8_H

#include <stddef.h>

/* The length of the longest valid prefix of s[0..n): n when all of it is
 * valid UTF-8. */
size_t utf8_valid_prefix(const char *s, size_t n);

/* Copies s[0..n) into out (capacity cap, always NUL-terminated), each
 * invalid byte replaced by U+FFFD, cutting at a character boundary when
 * out is full. Returns the length written. */
size_t utf8_sanitize(const char *s, size_t n, char *out, size_t cap);

#endif
