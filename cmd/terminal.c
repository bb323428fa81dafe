/*
 * cmd/terminal.c - stderr (and a terminal's stdout) through an escaping
 * filter (terminal.h).
 */
#include "cmd/terminal.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
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

/* The progress line: whether one is drawn on stderr now. A message takes
 * the lock, erases the line and is written; the next tick draws it again
 * below the message. */
static pthread_mutex_t line_lock = PTHREAD_MUTEX_INITIALIZER;
/* written under line_lock; atomic (lock-free) so that a signal handler
 * may read it too (terminal_line_clear_on_signal) */
static atomic_bool line_drawn;
/* set by terminal_line_clear_on_signal: the process is ending, nothing
 * more is drawn (the ticker runs on while the process exits) */
static atomic_bool line_frozen;

/* Carriage return, then ECMA-48 "erase in line" (to its end). */
static const char erase_line[] = "\r\033[K";

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
    pthread_mutex_lock(&line_lock);
    if (line_drawn) {
        write_all(STDERR_FILENO, erase_line, sizeof(erase_line) - 1);
        line_drawn = false;
    }
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
    pthread_mutex_unlock(&line_lock);
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

bool terminal_line_capable(void)
{
    const char *term = getenv("TERM");
    return isatty(STDERR_FILENO) && term && *term && strcmp(term, "dumb") != 0;
}

void terminal_line_draw(const char *text, bool last)
{
    struct winsize ws;
    size_t cols = 80;
    if (ioctl(STDERR_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 1)
        cols = ws.ws_col;
    /* one column short of the width: a full line would wrap the cursor
     * onto the next, and the next \r would not come back to this one */
    size_t n = strlen(text);
    if (n > cols - 1)
        n = cols - 1;
    pthread_mutex_lock(&line_lock);
    if (!atomic_load(&line_frozen)) {
        write_all(STDERR_FILENO, erase_line, sizeof(erase_line) - 1);
        write_all(STDERR_FILENO, text, n);
        if (last)
            write_all(STDERR_FILENO, "\n", 1);
        line_drawn = !last;
    }
    pthread_mutex_unlock(&line_lock);
}

void terminal_line_clear_on_signal(void)
{
    atomic_store(&line_frozen, true);
    if (atomic_load(&line_drawn))
        write_all(STDERR_FILENO, erase_line, sizeof(erase_line) - 1);
}

void terminal_line_clear(void)
{
    pthread_mutex_lock(&line_lock);
    if (line_drawn)
        write_all(STDERR_FILENO, erase_line, sizeof(erase_line) - 1);
    line_drawn = false;
    pthread_mutex_unlock(&line_lock);
}
