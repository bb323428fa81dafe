/*
 * cmd/terminal.h - what ftkpi prints cannot drive the terminal that shows
 * it (docs/running.md, "Messages").
 */
#ifndef FTK_TERMINAL_H
#define FTK_TERMINAL_H

#include <stdbool.h>

/* Routes stderr, and stdout when it is a terminal, through a filter that
 * writes control bytes (but newlines) and invalid UTF-8 as \xNN, so that
 * input bytes quoted anywhere in a message (a file name, a header cell, a
 * field, a configuration value) reach the terminal as text. Call once, at
 * the start of main. A stdout piped to a file or program is left as it is. */
void terminal_filter_streams(void);

/* True when stderr can show a line redrawn in place: it is a terminal and
 * TERM is set and not "dumb" (docs/running.md, "Progress"). */
bool terminal_line_capable(void);

/* Draws the progress line: a carriage return, "erase in line", then text
 * (ASCII, no control bytes), cut to the terminal's width. last ends it
 * with a newline, so that it stays; otherwise the next message on stderr
 * or stdout erases it first. The only writer of the line is the progress
 * ticker (cmd/progress.c). */
void terminal_line_draw(const char *text, bool last);

/* Erases the progress line when one is drawn. */
void terminal_line_clear(void);

/* The same from a signal handler about to end the process: takes no lock
 * and calls only write(2), so that a run stopped by a signal leaves no
 * half-drawn line above the shell's prompt. */
void terminal_line_clear_on_signal(void);

#endif
