/*
 * pipeline/report/xlsx_threads.h - libxlsxwriter made safe for one
 * workbook per thread.
 *
 * libxlsxwriter keeps nearly all its state in the lxw_workbook; what it
 * shares with the rest of the process are its temporary files, named from
 * a static seed and rand(), and gmtime's static buffer. xlsx_threads.c
 * defines lxw_tmpfile and gmtime, which the dynamic linker then finds
 * before the library's and the C library's, as thread-safe versions: so
 * no call of libxlsxwriter needs a lock (docs/decisions.md, "libxlsxwriter
 * and threads").
 */
#ifndef FTK_XLSX_THREADS_H
#define FTK_XLSX_THREADS_H

/* The temporary files libxlsxwriter has asked for so far: the tests check
 * with it that the library's calls reach this lxw_tmpfile. */
unsigned long xlsx_threads_tmpfiles(void);

/* The first error (an errno) that a read or write of a temporary file on
 * this thread has met since the last call, 0 if none; the call clears it.
 * libxlsxwriter does not see these errors (it rewinds the file, which
 * clears the stream's error flag), so a book whose temporary file lost
 * bytes would be closed without complaint: each book asks after
 * workbook_close. A book is written by one thread from start to close. */
int xlsx_threads_tmp_error(void);

#endif
