/*
 * pipeline/base/arena.h - a bump allocator for strings that live as long as the
 * run (tenant ids, names, notes): many small copies, freed once.
 */
#ifndef FTK_ARENA_H
#define FTK_ARENA_H

#include <stddef.h>

struct arena_block;

struct arena {
    struct arena_block *head;
    size_t used, cap;
};

void arena_init(struct arena *a);

/* A NUL-terminated copy of s[0..len) owned by the arena, or NULL when out
 * of memory. */
char *arena_strndup(struct arena *a, const char *s, size_t len);

/* Moves every block of src into dst (src is then empty): the strings of
 * both stay where they are and are freed with dst. dst keeps allocating
 * from its own current block. */
void arena_adopt(struct arena *dst, struct arena *src);

/* Frees every block; the arena is then empty and usable again. Safe on a
 * zeroed struct and when called twice. */
void arena_release(struct arena *a);

#endif
