/*
 * pipeline/base/ftk_error.c - error descriptions and exit codes from the one
 * list in ftk_error.h.
 */
#include "ftk_error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "pipeline/base/utf8.h"

static const struct {
    const char *text;
    int exit_code;
} error_table[] = {
#define FTK_ROW(name, code, text) {text, code},
    FTK_ERRORS(FTK_ROW)
#undef FTK_ROW
};

#define ERROR_COUNT (sizeof(error_table) / sizeof(error_table[0]))

const char *ftk_strerror(enum ftk_error err)
{
    if ((size_t)err >= ERROR_COUNT)
        return "unknown error";
    return error_table[err].text;
}

int ftk_exit_code(enum ftk_error err)
{
    if ((size_t)err >= ERROR_COUNT)
        return 70;
    return error_table[err].exit_code;
}

enum ftk_error ftk_fail(struct ftk_diag *diag, enum ftk_error err,
                        const char *fmt, ...)
{
    if (diag) {
        /* a message is one line of text for a terminal: the input bytes
         * it quotes (names, cells, values) have their control bytes and
         * invalid UTF-8 escaped as \xNN (ftk_error.h) */
        char raw[sizeof(diag->msg)];
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(raw, sizeof(raw), fmt, ap);
        va_end(ap);
        utf8_escape(raw, strlen(raw), false, diag->msg, sizeof(diag->msg));
    }
    return err;
}
