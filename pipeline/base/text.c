/*
 * pipeline/base/text.c - the growable string of text.h.
 */
#include "text.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pipeline/base/grow.h"
#include "pipeline/base/testing.h"

void text_init(struct text *t)
{
    memset(t, 0, sizeof(*t));
}

void text_release(struct text *t)
{
    free(t->s);
    text_init(t);
}

void text_clear(struct text *t)
{
    t->len = 0;
    t->failed = false;
    if (t->s)
        t->s[0] = '\0';
}

/* Room for n more bytes and the terminating NUL. */
static bool reserve(struct text *t, size_t n)
{
    if (t->failed)
        return false;
    if (n > SIZE_MAX - t->len - 1) {
        t->failed = true;
        return false;
    }
    char *p = grow_array(t->s, &t->cap, t->len + n + 1, 1);
    if (!p) {
        t->failed = true;
        return false;
    }
    t->s = p;
    return true;
}

void text_add(struct text *t, const char *s, size_t n)
{
    if (!reserve(t, n))
        return;
    memcpy(t->s + t->len, s, n);
    t->len += n;
    t->s[t->len] = '\0';
}

void text_adds(struct text *t, const char *s)
{
    text_add(t, s, strlen(s));
}

void text_addc(struct text *t, char c)
{
    text_add(t, &c, 1);
}

void text_addf(struct text *t, const char *fmt, ...)
{
    char small[128];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(small, sizeof(small), fmt, ap);
    va_end(ap);
    if (n < 0) {
        t->failed = true;
        return;
    }
    if ((size_t)n < sizeof(small)) {
        text_add(t, small, (size_t)n);
        return;
    }
    if (!reserve(t, (size_t)n))
        return;
    va_start(ap, fmt);
    vsnprintf(t->s + t->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    t->len += (size_t)n;
}

void text_add_count(struct text *t, uint64_t n)
{
    char digits[32];
    int len = snprintf(digits, sizeof(digits), "%llu", (unsigned long long)n);
    for (int i = 0; i < len; i++) {
        if (i > 0 && (len - i) % 3 == 0)
            text_addc(t, ',');
        text_addc(t, digits[i]);
    }
}

const char *text_str(const struct text *t)
{
    return t->s ? t->s : "";
}

bool text_failed(const struct text *t)
{
    return t->failed;
}
