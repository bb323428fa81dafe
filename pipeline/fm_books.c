/*
 * pipeline/fm_books.c - the FM books of a run and their safe file names
 * (docs/workbook.md, "FM books").
 */
#include "fm_books.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kpi/date.h"
#include "pipeline/base/sort.h"
#include "pipeline/base/utf8.h"
#include "pipeline/base/testing.h"

/* The length of the character at s if it is valid UTF-8 (rest bytes
 * left), else 0; *cp gets its code point. */
static size_t char_at(const unsigned char *s, size_t rest, uint32_t *cp)
{
    size_t k = s[0] < 0x80 ? 1 : s[0] < 0xE0 ? 2 : s[0] < 0xF0 ? 3 : 4;
    if (k > rest || utf8_valid_prefix((const char *)s, k) != k)
        return 0;
    static const unsigned char lead_mask[] = {0, 0x7F, 0x1F, 0x0F, 0x07};
    *cp = s[0] & lead_mask[k];
    for (size_t i = 1; i < k; i++)
        *cp = (*cp << 6) | (s[i] & 0x3F);
    return k;
}

static bool unsafe(uint32_t cp)
{
    return cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp <= 0x9F) ||
           (cp < 0x80 && strchr("/\\:*?\"<>|", (int)cp));
}

size_t fm_book_safe_name(const char *fm, char out[FM_BOOK_NAME_MAX + 1])
{
    if (!*fm) {
        strcpy(out, FM_BOOK_UNASSIGNED);
        return strlen(out);
    }
    const unsigned char *s = (const unsigned char *)fm;
    size_t rest = strlen(fm), n = 0;
    bool leading = true;
    while (rest > 0) {
        uint32_t cp = 0;
        size_t k = char_at(s, rest, &cp);
        bool bad = k == 0 || unsafe(cp) || (leading && cp == '.');
        if (k == 0)
            k = 1; /* one invalid byte */
        size_t put = bad ? 1 : k;
        if (n + put > FM_BOOK_NAME_MAX)
            break;
        if (bad) {
            out[n++] = '_';
        } else {
            memcpy(out + n, s, k);
            n += k;
        }
        leading = leading && *s == '.';
        s += k;
        rest -= k;
    }
    out[n] = '\0';
    return n;
}

/* Customer indices by FM bytes, the customers without an FM last, then
 * index; ctx is the facts. */
static int fm_cmp(const void *a, const void *b, void *ctx)
{
    const struct facts *f = ctx;
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    const char *fx = f->st->tenant[f->customer[x].tenant].fm;
    const char *fy = f->st->tenant[f->customer[y].tenant].fm;
    if (!*fx != !*fy)
        return !*fx ? 1 : -1;
    int c = strcmp(fx, fy);
    return c ? c : (x > y) - (x < y);
}

static int ascii_casecmp(const char *a, const char *b)
{
    for (;; a++, b++) {
        int x = (unsigned char)*a, y = (unsigned char)*b;
        if (x >= 'A' && x <= 'Z')
            x += 'a' - 'A';
        if (y >= 'A' && y <= 'Z')
            y += 'a' - 'A';
        if (x != y || !x)
            return x - y;
    }
}

/* Books by their first customer (the lowest index: customers are by
 * tenant_id); ctx is the books. */
static int first_cmp(const void *a, const void *b, void *ctx)
{
    const struct fm_book *book = ctx;
    uint32_t x = book[*(const size_t *)a].customer[0];
    uint32_t y = book[*(const size_t *)b].customer[0];
    return (x > y) - (x < y);
}

/* The file names, in the order of the books' first customers. */
static enum ftk_error name_books(struct fm_books *out, const struct facts *f)
{
    char month[8], safe[FM_BOOK_NAME_MAX + 1], name[FM_BOOK_NAME_MAX + 32];
    kpi_month_format(f->as_of_month, month);
    size_t *order = malloc((out->n ? out->n : 1) * sizeof(*order));
    char **taken = calloc(out->n ? out->n : 1, sizeof(*taken));
    enum ftk_error err = FTK_E_NOMEM;
    if (!order || !taken)
        goto done;
    for (size_t i = 0; i < out->n; i++)
        order[i] = i;
    sort_array_r(order, out->n, sizeof(*order), first_cmp, out->book);
    for (size_t i = 0; i < out->n; i++) {
        struct fm_book *b = &out->book[order[i]];
        fm_book_safe_name(b->fm, safe);
        snprintf(name, sizeof(name), "%s", safe);
        for (unsigned k = 2;; k++) {
            bool clash = false;
            for (size_t j = 0; j < i && !clash; j++)
                clash = ascii_casecmp(taken[j], name) == 0;
            if (!clash)
                break;
            snprintf(name, sizeof(name), "%s (%u)", safe, k);
        }
        size_t len = strlen(FM_BOOK_DIR) + strlen(name) + 32;
        taken[i] = malloc(strlen(name) + 1);
        b->file = malloc(len);
        if (!taken[i] || !b->file)
            goto done;
        strcpy(taken[i], name);
        snprintf(b->file, len, "%s/kpi-%s-%s.xlsx", FM_BOOK_DIR, month, name);
    }
    err = FTK_OK;
done:
    for (size_t i = 0; taken && i < out->n; i++)
        free(taken[i]);
    free(taken);
    free(order);
    return err;
}

enum ftk_error fm_books_plan(struct fm_books *out, const struct facts *f,
                             struct ftk_diag *diag)
{
    memset(out, 0, sizeof(*out));
    size_t n = f->n_customers;
    out->customers = malloc((n ? n : 1) * sizeof(*out->customers));
    out->book = calloc(n ? n : 1, sizeof(*out->book));
    if (!out->customers || !out->book)
        goto nomem;
    for (size_t i = 0; i < n; i++)
        out->customers[i] = (uint32_t)i;
    /* qsort_r's context is not const: the comparator only reads it */
    sort_array_r(out->customers, n, sizeof(*out->customers), fm_cmp, (void *)f);
    for (size_t i = 0; i < n; i++) {
        uint32_t c = out->customers[i];
        const char *fm = f->st->tenant[f->customer[c].tenant].fm;
        struct fm_book *b = out->n ? &out->book[out->n - 1] : NULL;
        if (!b || strcmp(b->fm, fm) != 0) {
            b = &out->book[out->n++];
            b->fm = fm;
            b->customer = &out->customers[i];
        }
        b->n_customers++;
        b->n_rows += f->customer[c].n_rows;
    }
    if (name_books(out, f) != FTK_OK)
        goto nomem;
    return FTK_OK;
nomem:
    fm_books_release(out);
    return ftk_fail(diag, FTK_E_NOMEM, "planning the FM books: out of memory");
}

void fm_books_release(struct fm_books *b)
{
    for (size_t i = 0; b->book && i < b->n; i++)
        free(b->book[i].file);
    free(b->book);
    free(b->customers);
    memset(b, 0, sizeof(*b));
}
