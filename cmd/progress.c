/*
 * cmd/progress.c - the ticker that draws the progress line (progress.h).
 */
#include "cmd/progress.h"

#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cmd/terminal.h"

/* Redraws per second (docs/decisions.md, "Progress line"): often enough to
 * look alive, rarely enough to cost nothing. */
#define TICKS_PER_SECOND 8

/* The rate and time left are shown once the stage has run this long. */
#define RATE_AFTER_SECONDS 0.5

static struct {
    bool enabled;
    bool running; /* a stage is going: the ticker runs */
    const char *cmd, *stage;
    enum progress_unit unit;
    struct timespec start;
    struct progress counters;
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t wake;
    bool stop;     /* under lock */
    bool complete; /* set with stop: the stage ended well */
} line = {.lock = PTHREAD_MUTEX_INITIALIZER};

void progress_enable(bool on)
{
    line.enabled = on && terminal_line_capable();
}

static double seconds_since(const struct timespec *t)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)(now.tv_sec - t->tv_sec) +
           (double)(now.tv_nsec - t->tv_nsec) / 1e9;
}

/* An amount of the stage's unit: "12.3 MB", "1234 series", "5678 rows". */
static void amount(char *out, size_t cap, uint64_t n, enum progress_unit unit)
{
    switch (unit) {
    case PROGRESS_BYTES:
        snprintf(out, cap, "%.1f MB", (double)n / 1e6);
        break;
    case PROGRESS_SERIES:
        snprintf(out, cap, "%llu series", (unsigned long long)n);
        break;
    case PROGRESS_BOOKS:
        snprintf(out, cap, "%llu rows", (unsigned long long)(n / 2));
        break;
    case PROGRESS_STEPS:
        snprintf(out, cap, "%llu steps", (unsigned long long)n);
        break;
    }
}

/* "ftkpi run: ingest  42% 12.3 of 29.0 MB, 35.1 MB/s, 0:12 left", or,
 * finished, "ftkpi run: ingest 100% 29.0 MB in 3.4 s". */
static void draw(bool last)
{
    uint64_t done =
        atomic_load_explicit(&line.counters.done, memory_order_relaxed);
    uint64_t total =
        atomic_load_explicit(&line.counters.total, memory_order_relaxed);
    if (last || done > total)
        done = total; /* a stage ends complete; estimates are cut */
    double elapsed = seconds_since(&line.start);
    unsigned pct = total ? (unsigned)(done * 100 / total) : (last ? 100 : 0);
    char text[512], of[160], all[64];
    amount(all, sizeof(all), total, line.unit);
    if (last) {
        snprintf(text, sizeof(text), "ftkpi %s: %s %3u%% %s in %.1f s",
                 line.cmd, line.stage, pct, all, elapsed);
        terminal_line_draw(text, true);
        return;
    }
    if (line.unit == PROGRESS_BYTES)
        snprintf(of, sizeof(of), "%.1f of %s", (double)done / 1e6, all);
    else
        snprintf(
            of, sizeof(of), "%llu of %s",
            (unsigned long long)(line.unit == PROGRESS_BOOKS ? done / 2 : done),
            all);
    int n = snprintf(text, sizeof(text), "ftkpi %s: %s %3u%% %s", line.cmd,
                     line.stage, pct, of);
    if (elapsed >= RATE_AFTER_SECONDS && done > 0 && n > 0 &&
        (size_t)n < sizeof(text)) {
        double rate = (double)done / elapsed;
        double left = (double)(total - done) / rate;
        char per[64];
        if (line.unit == PROGRESS_BYTES)
            snprintf(per, sizeof(per), "%.1f MB/s", rate / 1e6);
        else
            snprintf(per, sizeof(per), "%.0f/s",
                     line.unit == PROGRESS_BOOKS ? rate / 2 : rate);
        unsigned long s = left < 359999 ? (unsigned long)(left + 0.5) : 359999;
        if (s >= 3600)
            snprintf(text + n, sizeof(text) - (size_t)n,
                     ", %s, %lu:%02lu:%02lu left", per, s / 3600, s / 60 % 60,
                     s % 60);
        else
            snprintf(text + n, sizeof(text) - (size_t)n, ", %s, %lu:%02lu left",
                     per, s / 60, s % 60);
    }
    terminal_line_draw(text, false);
}

/* Draws at once, then every tick until stopped; then the finished line,
 * or, when the stage failed, erases it. */
static void *ticker(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&line.lock);
    while (!line.stop) {
        pthread_mutex_unlock(&line.lock);
        draw(false);
        pthread_mutex_lock(&line.lock);
        struct timespec until;
        clock_gettime(CLOCK_MONOTONIC, &until);
        until.tv_nsec += 1000000000L / TICKS_PER_SECOND;
        if (until.tv_nsec >= 1000000000L) {
            until.tv_sec++;
            until.tv_nsec -= 1000000000L;
        }
        while (!line.stop &&
               pthread_cond_timedwait(&line.wake, &line.lock, &until) == 0)
            ;
    }
    bool complete = line.complete;
    pthread_mutex_unlock(&line.lock);
    if (complete)
        draw(true);
    else
        terminal_line_clear();
    return NULL;
}

struct progress *progress_begin(const char *cmd, const char *stage,
                                enum progress_unit unit, uint64_t total)
{
    progress_end(false);
    if (!line.enabled)
        return NULL;
    line.cmd = cmd;
    line.stage = stage;
    line.unit = unit;
    atomic_store(&line.counters.done, 0);
    atomic_store(&line.counters.total, total);
    clock_gettime(CLOCK_MONOTONIC, &line.start);
    line.stop = false;
    pthread_condattr_t attr;
    if (pthread_condattr_init(&attr) != 0)
        return NULL;
    pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
    int rc = pthread_cond_init(&line.wake, &attr);
    pthread_condattr_destroy(&attr);
    if (rc != 0)
        return NULL;
    /* every signal stays with the thread that handles it */
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    rc = pthread_create(&line.thread, NULL, ticker, NULL);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (rc != 0) {
        pthread_cond_destroy(&line.wake);
        return NULL; /* no line is no failure */
    }
    line.running = true;
    return &line.counters;
}

void progress_end(bool complete)
{
    if (!line.running)
        return;
    pthread_mutex_lock(&line.lock);
    line.stop = true;
    line.complete = complete;
    pthread_cond_signal(&line.wake);
    pthread_mutex_unlock(&line.lock);
    pthread_join(line.thread, NULL);
    pthread_cond_destroy(&line.wake);
    line.running = false;
}
