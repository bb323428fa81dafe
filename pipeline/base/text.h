/*
 * pipeline/base/text.h - a growable NUL-terminated string for text built
 * piece by piece (the playbooks' reasons and exec summary notes).
 *
 * Appending never fails loudly: when memory runs out the text is marked
 * failed and every later append is ignored, so a writer appends a whole
 * line and checks text_failed once at the end.
 */
#ifndef FTK_TEXT_H
#define FTK_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct text {
    char *s; /* owned; NULL until the first append */
    size_t len, cap;
    bool failed; /* an append ran out of memory */
};

/* An empty text. A zeroed struct text is one too. */
void text_init(struct text *t);

/* Frees the buffer and leaves t empty. */
void text_release(struct text *t);

/* Empties t, keeping its buffer (and clearing failed). */
void text_clear(struct text *t);

/* Appends s[0..n) / a NUL-terminated s / one byte. */
void text_add(struct text *t, const char *s, size_t n);
void text_adds(struct text *t, const char *s);
void text_addc(struct text *t, char c);

/* Appends printf-style. */
void text_addf(struct text *t, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Appends an integer with ',' every three digits: "12,000", "0". */
void text_add_count(struct text *t, uint64_t n);

/* The text so far, NUL-terminated; "" when nothing was appended. Borrowed:
 * valid until the next append, clear or release. */
const char *text_str(const struct text *t);

/* True when an append ran out of memory since the last clear. */
bool text_failed(const struct text *t);

#endif
