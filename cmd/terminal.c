/*
 * cmd/terminal.c - stderr (and a terminal's stdout) through an escaping
 * filter (terminal.h).
 */
#include "cmd/terminal.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

#include "pipeline/base/utf8.h"

/* A stream's file descriptor and the start of a character whose end has
 * not been written yet (a UTF-8 sequence split between two writes). */
struct filter {
    int fd;
    char held[4];
    size_t n_held;
};

static struct filter err_filter = {STDERR_FILENO, {0}, 0};
static struct filter out_filter = {STDOUT_FILENO, {0}, 0};

static void write_all(int fd, const char *s, size_t n)
{
    while (n > 0) {
        ssize_t w = write(fd, s, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return; /* nowhere left to say it */
        s += w;
        n -= (size_t)w;
    }
}

static ssize_t filter_write(void *cookie, const char *buf, size_t n)
{
    enum { CHUNK = 1024 };
    struct filter *f = cookie;
    char in[CHUNK + sizeof(f->held)];
    char out[4 * sizeof(in) + 1];
    for (size_t done = 0; done < n;) {
        size_t take = n - done < CHUNK ? n - done : CHUNK;
        memcpy(in, f->held, f->n_held);
        memcpy(in + f->n_held, buf + done, take);
        size_t len = f->n_held + take;
        done += take;
        size_t tail = utf8_incomplete_tail(in, len);
        memcpy(f->held, in + len - tail, tail);
        f->n_held = tail;
        write_all(f->fd, out,
                  utf8_escape(in, len - tail, true, out, sizeof(out)));
    }
    return (ssize_t)n;
}

static FILE *filtered(struct filter *f)
{
    cookie_io_functions_t io = {.write = filter_write};
    FILE *s = fopencookie(f, "w", io);
    if (s)
        setvbuf(s, NULL, _IOLBF, BUFSIZ);
    return s;
}

void terminal_filter_streams(void)
{
    FILE *e = filtered(&err_filter);
    if (e)
        stderr = e;
    if (isatty(STDOUT_FILENO)) {
        FILE *o = filtered(&out_filter);
        if (o)
            stdout = o;
    }
}
