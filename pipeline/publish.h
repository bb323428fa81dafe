/*
 * pipeline/publish.h - outputs that appear complete or not at all.
 *
 * publish_open takes an exclusive lock on the output folder (flock on
 * DIR/.ftkpi.lock, released by the kernel if the process dies), so two runs
 * on one folder never overlap. Every output is written under a temporary
 * name in the folder; publish_commit flushes and fsyncs each, renames them
 * to their final names in the order they were created (so create the
 * manifest last), and fsyncs the folder. publish_abort, or a crash, leaves
 * the previous outputs as they were; a later publish_open removes the
 * temporary files a killed run left behind.
 *
 * An output may be in one subfolder of the folder, "fm/NAME" (the FM
 * books): its temporary file is made in that subfolder, created when
 * missing, so the rename stays within it. The set of `ftkpi run` is the
 * files of the last run: after publish_prune_books, publish_commit
 * removes, once the new files are in place, the books of an earlier run
 * that this one did not write (FM_BOOK_DIR's kpi-*.xlsx; docs/running.md).
 * Other publishes (validate, cohort files) never touch FM_BOOK_DIR.
 */
#ifndef FTK_PUBLISH_H
#define FTK_PUBLISH_H

#include <stdbool.h>
#include <stdio.h>

#include "pipeline/base/ftk_error.h"

/* The lock file in an output folder. */
#define PUBLISH_LOCK_NAME ".ftkpi.lock"

struct publish_file {
    char *name; /* final name, owned */
    char *tmp;  /* temporary path, owned */
    FILE *f;
};

struct publish {
    char *dir;   /* owned; NULL in a zeroed or released publish */
    int lock_fd; /* -1 when none; only meaningful once dir is set */
    struct publish_file *file;
    int n_files;
    size_t cap;
    bool prune_books; /* publish_prune_books was called */
};

/* Creates dir when missing and locks it. FTK_E_LOCKED when another process
 * holds the lock, FTK_E_CANTCREAT when dir cannot be made or locked. On
 * error p is released; publish_release may be called on it again. */
enum ftk_error publish_open(struct publish *p, const char *dir,
                            struct ftk_diag *diag);

/* Opens a temporary file for the output named name ("NAME" or
 * "SUB/NAME", one subfolder); *f is owned by the publish and stays open
 * until commit or abort. */
enum ftk_error publish_create(struct publish *p, const char *name, FILE **f,
                              struct ftk_diag *diag);

/* The same for a writer that opens the file itself (libxlsxwriter): the
 * temporary file is created and closed at once, so a run of many books
 * holds no descriptor per book; write it at publish_tmp_path. */
enum ftk_error publish_reserve(struct publish *p, const char *name,
                               struct ftk_diag *diag);

/* The temporary path of an output created with publish_create, for
 * writers that open files themselves (libxlsxwriter). */
const char *publish_tmp_path(const struct publish *p, const char *name);

/* Makes this publish a whole run's set: its commit removes the books in
 * FM_BOOK_DIR that it did not write. */
void publish_prune_books(struct publish *p);

/* Closes, syncs and renames every output into place. FTK_E_IO (with the
 * file named) when any write failed; then nothing is renamed. */
enum ftk_error publish_commit(struct publish *p, struct ftk_diag *diag);

/* Removes every temporary file; the previous outputs stay. Safe on a
 * zeroed struct. */
void publish_abort(struct publish *p);

/* Aborts what is not committed, releases the lock and frees what p holds.
 * Safe on a zeroed struct (a publish never opened) and when called
 * twice, so a caller zero-initialises and always releases. */
void publish_release(struct publish *p);

/* For a reader of published files: a shared lock on dir's lock file, so
 * that no publish renames files while they are read. *fd is -1 when the
 * folder has no lock file (nothing was ever published there); otherwise
 * close(*fd) releases it. FTK_E_LOCKED while a publish holds the lock. */
enum ftk_error publish_read_lock(const char *dir, int *fd,
                                 struct ftk_diag *diag);

#endif
