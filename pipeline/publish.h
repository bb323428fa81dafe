/*
 * pipeline/publish.h - outputs that appear complete or not at all.
 *
 * Two ways to publish into a folder DIR (docs/running.md, "How a set is
 * published"):
 *
 * - publish_open_set: DIR holds one set of files, replaced as a whole. The
 *   new set is written into a staging folder beside DIR (PARENT/.NAME.ftkpi/
 *   new.PID), every file and folder synced, then switched with DIR in one
 *   renameat2(RENAME_EXCHANGE) (one rename(2) when DIR did not exist); the
 *   superseded set is removed after. A reader of DIR sees the complete
 *   previous set or the complete new one, never a mix. The lock lives in
 *   the working folder beside DIR (PARENT/.NAME.ftkpi/lock), which no
 *   switch moves.
 *
 * - publish_open: files added to or replaced in a folder that also holds
 *   others (the cohort state folder). Each file is written under a
 *   temporary name in its folder and renamed into place at commit; each
 *   rename is atomic, a commit of several files is not. The lock is
 *   DIR/.ftkpi.lock.
 *
 * Both take an exclusive flock, released by the kernel if the process
 * dies, so two publishers on one folder never overlap; both remove what a
 * killed run left at the next open, and leave no trace of a folder they
 * created when nothing was committed.
 */
#ifndef FTK_PUBLISH_H
#define FTK_PUBLISH_H

#include <limits.h>
#include <stdbool.h>
#include <stdio.h>

#include "pipeline/base/ftk_error.h"

/* A publish has no fixed limit on its outputs any more (they grow as
 * needed); kept, as the largest count an int holds, for callers that
 * check against it. */
#define PUBLISH_MAX_FILES INT_MAX

/* The lock file in a folder published file by file (publish_open). */
#define PUBLISH_LOCK_NAME ".ftkpi.lock"

struct publish_file {
    char *name; /* final name, relative to the folder, owned */
    char *tmp;  /* where it is written, owned */
    FILE *f;    /* NULL once reserved (publish_reserve) or closed */
};

struct publish {
    char *dir;   /* owned; NULL in a zeroed or released publish */
    int lock_fd; /* -1 when none; only meaningful once dir is set */
    struct publish_file *file; /* owned, n_files of them */
    int n_files;
    int cap_files;
    bool set;       /* publish_open_set: the whole set switched at commit */
    bool existed;   /* the folder was there before the open */
    bool committed; /* something was published: the folder stays */
    bool lock_made; /* the open created the lock file */
    char *target;   /* set: DIR's absolute path, owned */
    char *work;     /* set: the working folder beside DIR, owned */
    char *stage;    /* set: the staging folder in work, owned */
    char *lock;     /* the lock file's path, owned */
    char *made;     /* the topmost folder the open created, or NULL */
    char *deepest;  /* the deepest folder the open created, or NULL */
};

/* Opens dir for publishing file by file: creates it when missing and
 * locks it. FTK_E_LOCKED when another process holds the lock,
 * FTK_E_CANTCREAT when dir cannot be made or locked. On error p is
 * released; publish_release may be called on it again. */
enum ftk_error publish_open(struct publish *p, const char *dir,
                            struct ftk_diag *diag);

/* Opens dir for publishing a whole set (see above): locks the working
 * folder beside dir (created with dir's missing parents; dir itself only
 * appears at commit), removes what a killed run left there, and checks
 * that dir's filesystem can switch folders atomically. Errors as for
 * publish_open; FTK_E_CANTCREAT names the reason (not a folder, a mount
 * point, no RENAME_EXCHANGE). Relative paths, "." and trailing slashes are
 * resolved once, here. */
enum ftk_error publish_open_set(struct publish *p, const char *dir,
                                struct ftk_diag *diag);

/* For a set publish, before anything is written: refuses (FTK_E_CANTCREAT,
 * naming the first one) when dir holds an entry that is not one of names
 * (the previous set's files, "sub/name" for a file in a subfolder), nor
 * what an older ftkpi left (its lock and temporary files): a commit
 * replaces the whole folder, and a user's file must not vanish with it. */
enum ftk_error publish_check_set(const struct publish *p,
                                 const char *const *names, size_t n_names,
                                 struct ftk_diag *diag);

/* The folder where a set's files are written before the switch (NULL for
 * a file-by-file publish), e.g. for a free-space check. */
const char *publish_stage_path(const struct publish *p);

/* Opens a temporary file for the output named name: a file name, or
 * "sub/name" for a file in one subfolder (made as needed). *f is owned by
 * the publish and stays open until commit or abort. */
enum ftk_error publish_create(struct publish *p, const char *name, FILE **f,
                              struct ftk_diag *diag);

/* The same for a writer that opens the file itself (libxlsxwriter): the
 * temporary file is created and closed at once, so a set of many books
 * holds no descriptor per book; write it at publish_tmp_path. */
enum ftk_error publish_reserve(struct publish *p, const char *name,
                               struct ftk_diag *diag);

/* The temporary path of an output created with publish_create, for
 * writers that open files themselves (libxlsxwriter). */
const char *publish_tmp_path(const struct publish *p, const char *name);

/* Closes and syncs every output, then puts them in place: the set in one
 * switch, or file by file. FTK_E_IO (naming the file, the folder and the
 * system's reason) when a write failed; then nothing changes in dir. */
enum ftk_error publish_commit(struct publish *p, struct ftk_diag *diag);

/* Removes every temporary file (a set's staging folder); the previous
 * outputs stay. Safe on a zeroed struct. */
void publish_abort(struct publish *p);

/* Aborts what is not committed, removes the folders and the lock the open
 * created when nothing was committed, releases the lock and frees what p
 * holds. Safe on a zeroed struct (a publish never opened) and when called
 * twice, so a caller zero-initialises and always releases. */
void publish_release(struct publish *p);

/* For a signal handler (async-signal-safe): removes the staging folder of
 * the set publish in progress, and the lock and folders its open created
 * when the folder did not exist; does nothing when none is in progress.
 * The process must end right after (it does not return to the publish). */
void publish_remove_on_signal(void);

/* For a reader of published files: a shared lock on dir's lock file, so
 * that no publish switches or renames files while they are read. *fd is
 * -1 when the folder has no lock file (nothing was ever published there);
 * otherwise close(*fd) releases it. FTK_E_LOCKED while a publish holds the
 * lock. */
enum ftk_error publish_read_lock(const char *dir, int *fd,
                                 struct ftk_diag *diag);

#endif
