/*
 * cmd/sample_files.c - the output files of `ftkpi samples`.
 */
#include "sample_files.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "pipeline/base/testing.h"

void sample_file_init(struct sample_file *f)
{
    memset(f, 0, sizeof(*f));
    f->fd = -1;
}

enum ftk_error sample_file_open(struct sample_file *f, const char *dir,
                                const char *name, bool gzip,
                                struct ftk_diag *diag)
{
    size_t dlen = strlen(dir);
    const char *sep = (dlen > 0 && dir[dlen - 1] == '/') ? "" : "/";
    const char *ext = gzip ? ".gz" : "";
    int n = snprintf(f->path, sizeof(f->path), "%s%s%s%s", dir, sep, name, ext);
    if (n < 0 || (size_t)n >= sizeof(f->path))
        return ftk_fail(diag, FTK_E_CANTCREAT,
                        "samples: cannot create %s/%s%s: path too long", dir,
                        name, ext);

    /* A name of our own rather than mkstemp's, so the file gets the usual
     * 0666 & umask mode; O_EXCL and the retry keep it from clobbering. */
    for (unsigned attempt = 0;; attempt++) {
        n = snprintf(f->tmp, sizeof(f->tmp), "%s%s.%s%s.tmp-%ld-%u", dir, sep,
                     name, ext, (long)getpid(), attempt);
        if (n < 0 || (size_t)n >= sizeof(f->tmp)) {
            f->tmp[0] = '\0';
            return ftk_fail(diag, FTK_E_CANTCREAT,
                            "samples: cannot create %s: path too long",
                            f->path);
        }
        f->fd = open(f->tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
        if (f->fd >= 0)
            break;
        if (errno != EEXIST || attempt >= 100) {
            int e = errno;
            f->tmp[0] = '\0';
            return ftk_fail(diag, FTK_E_CANTCREAT,
                            "samples: cannot create %s: %s", f->path,
                            strerror(e));
        }
    }

    if (gzip) {
        /* gzclose closes the descriptor it was given; keep ours for the
         * fsync and the size once the stream is finished. */
        int gfd = dup(f->fd);
        if (gfd < 0)
            return ftk_fail(diag, FTK_E_CANTCREAT,
                            "samples: cannot create %s: %s", f->path,
                            strerror(errno));
        /* Level 1: the data is repetitive enough that higher levels buy
         * little and cost several times the time. */
        f->gz = gzdopen(gfd, "wb1");
        if (f->gz == NULL) {
            close(gfd);
            return ftk_fail(diag, FTK_E_NOMEM,
                            "samples: cannot create %s: out of memory",
                            f->path);
        }
        if (gzbuffer(f->gz, 1u << 18) != 0)
            return ftk_fail(diag, FTK_E_NOMEM,
                            "samples: cannot create %s: out of memory",
                            f->path);
    }

    f->buf = malloc(SAMPLE_FILE_BUF);
    if (f->buf == NULL)
        return ftk_fail(diag, FTK_E_NOMEM,
                        "samples: cannot create %s: out of memory", f->path);
    return FTK_OK;
}

enum ftk_error sample_file_flush(struct sample_file *f, struct ftk_diag *diag)
{
    if (f->len == 0)
        return FTK_OK;
    if (f->gz) {
        int w = gzwrite(f->gz, f->buf, (unsigned)f->len);
        if (w <= 0 || (size_t)w != f->len) {
            int zerr = Z_OK;
            const char *msg = gzerror(f->gz, &zerr);
            return ftk_fail(diag, FTK_E_IO, "samples: cannot write %s: %s",
                            f->path, zerr == Z_ERRNO ? strerror(errno) : msg);
        }
    } else {
        const char *p = f->buf;
        size_t left = f->len;
        while (left > 0) {
            ssize_t w = write(f->fd, p, left);
            if (w < 0) {
                if (errno == EINTR)
                    continue;
                return ftk_fail(diag, FTK_E_IO, "samples: cannot write %s: %s",
                                f->path, strerror(errno));
            }
            p += w;
            left -= (size_t)w;
        }
        f->bytes += f->len;
    }
    f->len = 0;
    return FTK_OK;
}

/* Flushes, finishes the gzip stream, and syncs the file to disk so that the
 * rename publishes complete data even if the machine stops right after. */
enum ftk_error sample_file_finish(struct sample_file *f, struct ftk_diag *diag)
{
    enum ftk_error err = sample_file_flush(f, diag);
    if (err != FTK_OK)
        return err;
    if (f->gz) {
        int zerr = gzclose(f->gz);
        f->gz = NULL;
        if (zerr != Z_OK)
            return ftk_fail(diag, FTK_E_IO, "samples: cannot write %s: %s",
                            f->path,
                            zerr == Z_ERRNO ? strerror(errno) : zError(zerr));
        struct stat st;
        if (fstat(f->fd, &st) == 0)
            f->bytes = (uint64_t)st.st_size;
    }
    if (fsync(f->fd) != 0)
        return ftk_fail(diag, FTK_E_IO, "samples: cannot write %s: %s", f->path,
                        strerror(errno));
    int fd = f->fd;
    f->fd = -1;
    if (close(fd) != 0)
        return ftk_fail(diag, FTK_E_IO, "samples: cannot write %s: %s", f->path,
                        strerror(errno));
    return FTK_OK;
}

/* Releases what the file holds; removes the temporary file if it is still
 * there (a failed run). Safe on a file never opened. */
void sample_file_release(struct sample_file *f)
{
    if (f->gz)
        gzclose(f->gz);
    f->gz = NULL;
    if (f->fd >= 0)
        close(f->fd);
    f->fd = -1;
    if (f->tmp[0] != '\0')
        unlink(f->tmp);
    f->tmp[0] = '\0';
    free(f->buf);
    f->buf = NULL;
}

/* A text field per RFC 4180: quoted when it holds a comma, quote, CR or LF,
 * or begins or ends with a space or tab (readers trim those unless quoted);
 * quotes inside are doubled. */
char *sample_put_text(char *p, const char *s)
{
    size_t n = strlen(s);
    bool quote = strpbrk(s, ",\"\r\n") != NULL ||
                 (n > 0 && (s[0] == ' ' || s[0] == '\t' || s[n - 1] == ' ' ||
                            s[n - 1] == '\t'));
    if (!quote)
        return sample_put_mem(p, s, n);
    *p++ = '"';
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '"')
            *p++ = '"';
        *p++ = s[i];
    }
    *p++ = '"';
    return p;
}
