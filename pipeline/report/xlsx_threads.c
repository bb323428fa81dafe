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

#include <errno.h>
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

/* The first error of a temporary file on this thread since
 * xlsx_threads_tmp_error last looked (xlsx_threads.h). */
static _Thread_local int tmp_errno;

static void tmp_failed(int err)
{
    if (!tmp_errno)
        tmp_errno = err ? err : EIO;
}

int xlsx_threads_tmp_error(void)
{
    int err = tmp_errno;
    tmp_errno = 0;
    return err;
}

/* The stream over a temporary file. stdio's own buffer would be the file
 * system's block, 4 KiB, a system call for every 4 KiB of XML written and
 * read back; this one is TMP_BUFFER bytes, lives with the stream and goes
 * when libxlsxwriter closes it. Its read and write errors are kept for
 * xlsx_threads_tmp_error (docs/decisions.md, "libxlsxwriter's temporary
 * files: buffered, their errors seen"). */
enum { TMP_BUFFER = 256 * 1024 };

struct tmp_stream {
    int fd;
    char buf[TMP_BUFFER];
};

static ssize_t tmp_read(void *cookie, char *buf, size_t size)
{
    struct tmp_stream *t = cookie;
    ssize_t n;
    do
        n = read(t->fd, buf, size);
    while (n < 0 && errno == EINTR);
    if (n < 0)
        tmp_failed(errno);
    return n;
}

/* All of buf or an error: fopencookie's write returns what it wrote, 0 on
 * an error, never less than 0. */
static ssize_t tmp_write(void *cookie, const char *buf, size_t size)
{
    struct tmp_stream *t = cookie;
    size_t done = 0;
    while (done < size) {
        ssize_t n = write(t->fd, buf + done, size - done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            tmp_failed(n < 0 ? errno : ENOSPC);
            break;
        }
        done += (size_t)n;
    }
    return (ssize_t)done;
}

static int tmp_seek(void *cookie, off64_t *offset, int whence)
{
    struct tmp_stream *t = cookie;
    off_t at = lseek(t->fd, (off_t)*offset, whence);
    if (at < 0) {
        tmp_failed(errno);
        return -1;
    }
    *offset = (off64_t)at;
    return 0;
}

static int tmp_close(void *cookie)
{
    struct tmp_stream *t = cookie;
    int rc = close(t->fd);
    free(t);
    return rc;
}

/* A read and write stream over fd that owns it, NULL (fd closed) when
 * none can be made. */
static FILE *stream_on(int fd)
{
    struct tmp_stream *t = malloc(sizeof(*t));
    if (!t) {
        close(fd);
        return NULL;
    }
    t->fd = fd;
    cookie_io_functions_t io = {.read = tmp_read,
                                .write = tmp_write,
                                .seek = tmp_seek,
                                .close = tmp_close};
    FILE *f = fopencookie(t, "w+b", io);
    if (!f || setvbuf(f, t->buf, _IOFBF, sizeof(t->buf)) != 0) {
        if (f)
            fclose(f);
        else {
            close(fd);
            free(t);
        }
        return NULL;
    }
    return f;
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
    return stream_on(fd);
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
