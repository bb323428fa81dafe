/*
 * pipeline/base/arena.c - blocks of at least 64 KiB, chained.
 */
#include "arena.h"

#include <stdlib.h>
#include <string.h>

#include "pipeline/base/testing.h"

#define ARENA_BLOCK (64 * 1024)

struct arena_block {
    struct arena_block *next;
    char data[];
};

void arena_init(struct arena *a)
{
    a->head = NULL;
    a->used = a->cap = 0;
}

char *arena_strndup(struct arena *a, const char *s, size_t len)
{
    if (!a->head || a->cap - a->used < len + 1) {
        size_t cap = len + 1 > ARENA_BLOCK ? len + 1 : ARENA_BLOCK;
        struct arena_block *b = malloc(sizeof(*b) + cap);
        if (!b)
            return NULL;
        b->next = a->head;
        a->head = b;
        a->used = 0;
        a->cap = cap;
    }
    char *p = a->head->data + a->used;
    memcpy(p, s, len);
    p[len] = '\0';
    a->used += len + 1;
    return p;
}

void arena_adopt(struct arena *dst, struct arena *src)
{
    if (!src->head)
        return;
    if (!dst->head) {
        *dst = *src;
    } else {
        struct arena_block *tail = src->head;
        while (tail->next)
            tail = tail->next;
        tail->next = dst->head->next;
        dst->head->next = src->head;
    }
    arena_init(src);
}

void arena_release(struct arena *a)
{
    while (a->head) {
        struct arena_block *next = a->head->next;
        free(a->head);
        a->head = next;
    }
    a->used = a->cap = 0;
}
