/*
 * pipeline/report/xlsx_threads.c - the two functions through which
 * libxlsxwriter reaches state shared by the whole process, replaced by
 * thread-safe ones so that workbooks are written in parallel without a
 * lock (xlsx_threads.h; docs/decisions.md, "libxlsxwriter and threads").
 *
 * Both are found by the dynamic linker before the library's own: the
 * program defines them, and libxlsxwriter calls them through its PLT.
 * libxlsxwriter's utility.c makes lxw_tmpfile a "thin wrapper ... so it
 * can be over-ridden with a user defined version if required for safety";
 * gmtime is the C library's.
 */
#include "xlsx_threads.h"

#include <fcntl.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <xlsxwriter.h>

static atomic_ulong tmpfiles;

unsigned long xlsx_threads_tmpfiles(void)
{
    return atomic_load(&tmpfiles);
}

/* An anonymous file in dir, NULL when none can be made there. */
static FILE *tmpfile_in(const char *dir)
{
    static const char name[] = "/.ftkpi-lxw-XXXXXX";
    size_t len = strlen(dir);
    char *path = malloc(len + sizeof(name));
    if (!path)
        return NULL;
    memcpy(path, dir, len);
    memcpy(path + len, name, sizeof(name));
    int fd = mkostemp(path, O_CLOEXEC);
    if (fd < 0) {
        free(path);
        return NULL;
    }
    /* gone from the folder at once: the file lives until it is closed */
    unlink(path);
    free(path);
    FILE *f = fdopen(fd, "w+b");
    if (!f)
        close(fd);
    return f;
}

/* libxlsxwriter's temporary files (a worksheet's rows in constant-memory
 * mode, each XML part while the file is assembled): an anonymous file in
 * the first folder of tmpdir, $TMPDIR, P_tmpdir and "." where one can be
 * made, as its tmpfileplus does, but named by mkostemp, which is
 * thread-safe, where tmpfileplus draws the name from a static seed and
 * the process-wide rand(). */
FILE *lxw_tmpfile(char *tmpdir)
{
    atomic_fetch_add(&tmpfiles, 1);
    const char *env = getenv("TMPDIR");
    const char *dirs[] = {tmpdir, env, P_tmpdir, "."};
    for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
        if (!dirs[i] || !*dirs[i])
            continue;
        FILE *f = tmpfile_in(dirs[i]);
        if (f)
            return f;
    }
    return NULL;
}

/* libxlsxwriter formats the workbook's creation time with gmtime when it
 * assembles docProps/core.xml; the C library's returns one static buffer
 * for the whole process, this one a buffer per thread. */
struct tm *gmtime(const time_t *t)
{
    static _Thread_local struct tm tm;
    return gmtime_r(t, &tm);
}
