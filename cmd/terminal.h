/*
 * cmd/terminal.h - what ftkpi prints cannot drive the terminal that shows
 * it (docs/running.md, "Messages").
 */
#ifndef FTK_TERMINAL_H
#define FTK_TERMINAL_H

/* Routes stderr, and stdout when it is a terminal, through a filter that
 * writes control bytes (but newlines) and invalid UTF-8 as \xNN, so that
 * input bytes quoted anywhere in a message (a file name, a header cell, a
 * field, a configuration value) reach the terminal as text. Call once, at
 * the start of main. A stdout piped to a file or program is left as it is. */
void terminal_filter_streams(void);

#endif
