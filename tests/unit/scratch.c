/*
 * tests/unit/scratch.c - scratch folders and files for the unit tests.
 */
#include "scratch.h"

#include <ftw.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cmocka.h>

bool scratch_make(char *dir, size_t cap, const char *name)
{
    int n = snprintf(dir, cap, "/tmp/%s.XXXXXX", name);
    return n > 0 && (size_t)n < cap && mkdtemp(dir) != NULL;
}

static int remove_entry(const char *path, const struct stat *sb, int flag,
                        struct FTW *ftw)
{
    (void)sb;
    (void)flag;
    (void)ftw;
    return remove(path);
}

void scratch_remove(const char *dir)
{
    nftw(dir, remove_entry, 8, FTW_DEPTH | FTW_PHYS);
}

static void put(const char *path, const char *mode, const void *data,
                size_t len)
{
    FILE *f = fopen(path, mode);
    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, len, f), len);
    assert_int_equal(fclose(f), 0);
}

void scratch_write(const char *path, const void *data, size_t len)
{
    put(path, "wb", data, len);
}

void scratch_append(const char *path, const void *data, size_t len)
{
    put(path, "ab", data, len);
}

void scratch_write_text(const char *path, const char *text)
{
    put(path, "wb", text, strlen(text));
}

char *scratch_read(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    assert_int_equal(fseek(f, 0, SEEK_END), 0);
    long size = ftell(f);
    assert_true(size >= 0);
    rewind(f);
    char *buf = test_malloc((size_t)size + 1);
    assert_int_equal(fread(buf, 1, (size_t)size, f), (size_t)size);
    buf[size] = '\0';
    fclose(f);
    if (len)
        *len = (size_t)size;
    return buf;
}
