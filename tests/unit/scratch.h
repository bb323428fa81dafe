/*
 * tests/unit/scratch.h - scratch folders and files for the unit tests.
 * Failures end the current test through cmocka's assertions.
 */
#ifndef FTK_TEST_SCRATCH_H
#define FTK_TEST_SCRATCH_H

#include <stdbool.h>
#include <stddef.h>

/* Makes a new folder /tmp/NAME.XXXXXX into dir (at least 64 bytes).
 * Returns false when it cannot (for a setup function to return -1). */
bool scratch_make(char *dir, size_t cap, const char *name);

/* Removes dir and everything under it. */
void scratch_remove(const char *dir);

/* Writes (or appends) len bytes to path. */
void scratch_write(const char *path, const void *data, size_t len);
void scratch_append(const char *path, const void *data, size_t len);

/* Writes a NUL-terminated text to path. */
void scratch_write_text(const char *path, const char *text);

/* The whole content of path, NUL-terminated, from test_malloc (the caller
 * test_frees it); *len gets its length when len is not NULL. */
char *scratch_read(const char *path, size_t *len);

#endif
