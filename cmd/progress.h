/*
 * cmd/progress.h - the progress line of a long stage on a terminal
 * (docs/running.md, "Progress").
 *
 * A stage's line shows its name, the percent done, the rate and the time
 * left, redrawn in place a few times a second by a ticker thread, the only
 * writer of the line; the pipeline only adds to the counters that
 * progress_begin hands out (pipeline/base/progress.h). At the end of the
 * stage the line is drawn once more, finished, with the stage's total
 * time, and stays. Nothing is drawn unless progress_enable turned the line
 * on and stderr can show it (a terminal, TERM set and not "dumb").
 */
#ifndef FTK_CMD_PROGRESS_H
#define FTK_CMD_PROGRESS_H

#include <stdbool.h>
#include <stdint.h>

#include "pipeline/base/progress.h"

/* What a stage counts, and how the line shows it. */
enum progress_unit {
    PROGRESS_BYTES,  /* raw input bytes, shown in MB */
    PROGRESS_SERIES, /* (tenant, workload) series */
    PROGRESS_BOOKS,  /* workbooks' facts rows, each counted twice */
    PROGRESS_STEPS   /* steps of a stage */
};

/* Turns the line on for the rest of the process when on (the command is
 * not quiet) and stderr can show it; off otherwise. */
void progress_enable(bool on);

/* Starts the line of stage ("ingest", "kpis", "books", ...) of `ftkpi
 * cmd`, total units of work in all. Returns the counters the stage adds
 * to, or NULL when the line is off (the pipeline then counts nothing). */
struct progress *progress_begin(const char *cmd, const char *stage,
                                enum progress_unit unit, uint64_t total);

/* Ends the stage begun last and stops the ticker: complete, its line is
 * drawn finished, with its time, and stays; otherwise (the stage failed,
 * its error printed) the line is erased. Does nothing when no stage is
 * going. */
void progress_end(bool complete);

#endif
