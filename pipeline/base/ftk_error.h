/*
 * pipeline/base/ftk_error.h - the program's one error enum and its messages.
 *
 * Every function that can fail returns an enum ftk_error and, when it fails,
 * writes a message naming the file, line and column into a struct ftk_diag
 * given by the caller. Only cmd/ prints the message and turns the error into
 * an exit code (ftk_exit_code).
 */
#ifndef FTK_ERROR_H
#define FTK_ERROR_H

#include <stddef.h>

/* X(name, exit code, description). Values are only ever appended. */
#define FTK_ERRORS(X)                                                          \
    X(FTK_OK, 0, "success")                                                    \
    X(FTK_E_USAGE, 64, "bad command line")                                     \
    X(FTK_E_DATA, 65, "bad input data")                                        \
    X(FTK_E_NOINPUT, 66, "input missing")                                      \
    X(FTK_E_CANTCREAT, 73, "cannot create output")                             \
    X(FTK_E_IO, 74, "input/output error")                                      \
    X(FTK_E_LOCKED, 75, "another run holds the lock")                          \
    X(FTK_E_CONFIG, 78, "bad configuration")                                   \
    X(FTK_E_NOMEM, 74, "out of memory")                                        \
    X(FTK_E_REJECTS, 65, "too many rejected rows")                             \
    X(FTK_E_STATE, 65, "cohort state refuses the change")

enum ftk_error {
#define FTK_ENUM(name, code, text) name,
    FTK_ERRORS(FTK_ENUM)
#undef FTK_ENUM
};

/* A message for the user: "file:line:col: what was wrong, what was
 * expected", lowercase, no final period. */
struct ftk_diag {
    char msg[1024];
};

/* The short description of an error ("bad input data"). */
const char *ftk_strerror(enum ftk_error err);

/* The documented process exit code of an error (sysexits.h values). */
int ftk_exit_code(enum ftk_error err);

/* Formats a message into diag (which may be NULL) and returns err, so a
 * failure reads `return ftk_fail(diag, FTK_E_DATA, "%s:%lu: ...", ...)`.
 * Control bytes (newlines too) and invalid UTF-8 in the result are
 * escaped as \xNN, so input bytes quoted in a message cannot drive the
 * terminal that shows it. */
enum ftk_error ftk_fail(struct ftk_diag *diag, enum ftk_error err,
                        const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
