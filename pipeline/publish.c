/*
 * pipeline/publish.c - temp files, fsync, rename, flock.
 */
#include "publish.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "pipeline/base/grow.h"
#include "pipeline/fm_books.h"
#include "pipeline/base/testing.h"

#define TMP_PREFIX ".ftkpi-tmp."

static char *join(const char *a, const char *b, const char *c)
{
    size_t n = strlen(a) + strlen(b) + strlen(c) + 1;
    char *s = malloc(n);
    if (s)
        snprintf(s, n, "%s%s%s", a, b, c);
    return s;
}

static enum ftk_error make_dirs(const char *dir, struct ftk_diag *diag)
{
    char *path = join(dir, "", "");
    if (!path)
        return ftk_fail(diag, FTK_E_NOMEM, "out of memory");
    for (char *p = path + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        if (mkdir(path, 0777) != 0 && errno != EEXIST) {
            enum ftk_error err =
                ftk_fail(diag, FTK_E_CANTCREAT, "%s: cannot create folder: %s",
                         path, strerror(errno));
            free(path);
            return err;
        }
        *p = '/';
    }
    enum ftk_error err = FTK_OK;
    if (mkdir(path, 0777) != 0 && errno != EEXIST)
        err = ftk_fail(diag, FTK_E_CANTCREAT, "%s: cannot create folder: %s",
                       path, strerror(errno));
    free(path);
    return err;
}

/* Temporary files of a run that was killed; safe to remove under the lock. */
static void remove_stale(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (strncmp(e->d_name, TMP_PREFIX, strlen(TMP_PREFIX)) != 0)
            continue;
        char *path = join(dir, "/", e->d_name);
        if (path)
            unlink(path);
        free(path);
    }
    closedir(d);
}

enum ftk_error publish_open(struct publish *p, const char *dir,
                            struct ftk_diag *diag)
{
    memset(p, 0, sizeof(*p));
    p->lock_fd = -1;
    enum ftk_error err = make_dirs(dir, diag);
    if (err != FTK_OK)
        return err;
    p->dir = join(dir, "", "");
    char *lock = join(dir, "/", PUBLISH_LOCK_NAME);
    if (!p->dir || !lock) {
        free(lock);
        publish_release(p);
        return ftk_fail(diag, FTK_E_NOMEM, "out of memory");
    }
    p->lock_fd = open(lock, O_RDWR | O_CREAT | O_CLOEXEC, 0666);
    if (p->lock_fd < 0) {
        err = ftk_fail(diag, FTK_E_CANTCREAT, "%s: cannot create lock: %s",
                       lock, strerror(errno));
    } else if (flock(p->lock_fd, LOCK_EX | LOCK_NB) != 0) {
        if (errno == EWOULDBLOCK)
            err = ftk_fail(diag, FTK_E_LOCKED,
                           "%s: another ftkpi run is writing to this folder "
                           "(lock %s held); try again when it has finished",
                           dir, lock);
        else
            err = ftk_fail(diag, FTK_E_CANTCREAT, "%s: cannot lock: %s", lock,
                           strerror(errno));
    }
    free(lock);
    if (err != FTK_OK) {
        publish_release(p);
        return err;
    }
    remove_stale(dir);
    char *books = join(dir, "/", FM_BOOK_DIR);
    if (books)
        remove_stale(books);
    free(books);
    return FTK_OK;
}

enum ftk_error publish_create(struct publish *p, const char *name, FILE **f,
                              struct ftk_diag *diag)
{
    const char *slash = strchr(name, '/');
    if (!*name ||
        (slash &&
         (slash == name || !slash[1] || strchr(slash + 1, '/') ||
          strncmp(name, "../", 3) == 0 || strncmp(name, "./", 2) == 0)))
        return ftk_fail(diag, FTK_E_CANTCREAT,
                        "%s: not an output name (NAME or SUB/NAME)", name);
    struct publish_file *file =
        grow_array(p->file, &p->cap, (size_t)p->n_files + 1, sizeof(*file));
    if (!file)
        return ftk_fail(diag, FTK_E_NOMEM, "out of memory");
    p->file = file;
    struct publish_file *pf = &p->file[p->n_files];
    char pid[32];
    snprintf(pid, sizeof(pid), ".%ld", (long)getpid());
    pf->name = join(name, "", "");
    /* the temporary file is made beside the final one */
    size_t sub_len = slash ? (size_t)(slash - name) + 1 : 0;
    char *sub = NULL, *base = join(TMP_PREFIX, name + sub_len, pid);
    if (base && pf->name) {
        sub = join(p->dir, "/", pf->name);
        if (sub)
            sub[strlen(p->dir) + 1 + sub_len] = '\0';
    }
    pf->tmp = sub && base ? join(sub, "", base) : NULL;
    free(base);
    if (!pf->name || !pf->tmp) {
        free(sub);
        free(pf->name);
        free(pf->tmp);
        return ftk_fail(diag, FTK_E_NOMEM, "out of memory");
    }
    if (slash && mkdir(sub, 0777) != 0 && errno != EEXIST) {
        enum ftk_error err =
            ftk_fail(diag, FTK_E_CANTCREAT, "%s: cannot create folder: %s", sub,
                     strerror(errno));
        free(sub);
        free(pf->name);
        free(pf->tmp);
        return err;
    }
    free(sub);
    pf->f = fopen(pf->tmp, "wb");
    if (!pf->f) {
        enum ftk_error err =
            ftk_fail(diag, FTK_E_CANTCREAT, "%s: cannot create: %s", pf->tmp,
                     strerror(errno));
        free(pf->name);
        free(pf->tmp);
        return err;
    }
    p->n_files++;
    *f = pf->f;
    return FTK_OK;
}

enum ftk_error publish_reserve(struct publish *p, const char *name,
                               struct ftk_diag *diag)
{
    FILE *f;
    enum ftk_error err = publish_create(p, name, &f, diag);
    if (err != FTK_OK)
        return err;
    struct publish_file *pf = &p->file[p->n_files - 1];
    pf->f = NULL;
    if (fclose(f) != 0)
        return ftk_fail(diag, FTK_E_IO, "%s: write failed: %s", pf->tmp,
                        strerror(errno));
    return FTK_OK;
}

const char *publish_tmp_path(const struct publish *p, const char *name)
{
    for (int i = 0; i < p->n_files; i++)
        if (strcmp(p->file[i].name, name) == 0)
            return p->file[i].tmp;
    return NULL;
}

static enum ftk_error close_synced(struct publish_file *pf,
                                   struct ftk_diag *diag)
{
    FILE *f = pf->f;
    pf->f = NULL;
    /* f is NULL for a file reserved (publish_reserve) */
    bool bad = f && (fflush(f) != 0 || ferror(f));
    /* A writer that replaced the file (libxlsxwriter) wrote it elsewhere
     * under the same path; sync that file, not our stale handle. */
    int fd = open(pf->tmp, O_RDONLY | O_CLOEXEC);
    if (fd < 0 || fsync(fd) != 0)
        bad = true;
    if (fd >= 0)
        close(fd);
    int saved = errno;
    if (f && fclose(f) != 0)
        bad = true;
    if (bad)
        return ftk_fail(diag, FTK_E_IO, "%s: write failed: %s", pf->name,
                        strerror(saved ? saved : EIO));
    return FTK_OK;
}

static void sync_dir(const char *dir, const char *sub)
{
    char *path = join(dir, sub, "");
    int dfd = path ? open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC) : -1;
    if (dfd >= 0) {
        fsync(dfd);
        close(dfd);
    }
    free(path);
}

/* The set is the files of the last run: the books in FM_BOOK_DIR that it
 * did not write (FMs gone, an earlier month, --books none) go, once the
 * new set is in place. Only names of books (kpi-*.xlsx) are touched. */
static void remove_old_books(const struct publish *p)
{
    char *books = join(p->dir, "/", FM_BOOK_DIR);
    DIR *d = books ? opendir(books) : NULL;
    struct dirent *e;
    while (d && (e = readdir(d)) != NULL) {
        size_t n = strlen(e->d_name);
        if (strncmp(e->d_name, "kpi-", 4) != 0 || n < 9 ||
            strcmp(e->d_name + n - 5, ".xlsx") != 0)
            continue;
        bool ours = false;
        for (int i = 0; i < p->n_files && !ours; i++) {
            const char *name = p->file[i].name;
            ours =
                strncmp(name, FM_BOOK_DIR "/", strlen(FM_BOOK_DIR) + 1) == 0 &&
                strcmp(name + strlen(FM_BOOK_DIR) + 1, e->d_name) == 0;
        }
        char *path = ours ? NULL : join(books, "/", e->d_name);
        if (path)
            unlink(path);
        free(path);
    }
    if (d)
        closedir(d);
    /* an empty folder goes too (rmdir leaves one that is not) */
    if (books)
        rmdir(books);
    free(books);
}

void publish_prune_books(struct publish *p)
{
    p->prune_books = true;
}

enum ftk_error publish_commit(struct publish *p, struct ftk_diag *diag)
{
    for (int i = 0; i < p->n_files; i++) {
        enum ftk_error err = close_synced(&p->file[i], diag);
        if (err != FTK_OK) {
            publish_abort(p);
            return err;
        }
    }
    for (int i = 0; i < p->n_files; i++) {
        char *final = join(p->dir, "/", p->file[i].name);
        if (!final || rename(p->file[i].tmp, final) != 0) {
            enum ftk_error err =
                ftk_fail(diag, FTK_E_IO, "%s: cannot move into place: %s",
                         final ? final : p->file[i].name, strerror(errno));
            free(final);
            publish_abort(p);
            return err;
        }
        free(final);
        free(p->file[i].tmp);
        p->file[i].tmp = NULL;
    }
    sync_dir(p->dir, "");
    sync_dir(p->dir, "/" FM_BOOK_DIR);
    if (p->prune_books)
        remove_old_books(p);
    for (int i = 0; i < p->n_files; i++)
        free(p->file[i].name);
    p->n_files = 0;
    return FTK_OK;
}

void publish_abort(struct publish *p)
{
    for (int i = 0; i < p->n_files; i++) {
        struct publish_file *pf = &p->file[i];
        if (pf->f)
            fclose(pf->f);
        if (pf->tmp)
            unlink(pf->tmp);
        free(pf->tmp);
        free(pf->name);
        pf->f = NULL;
        pf->tmp = pf->name = NULL;
    }
    /* a books folder this publish made and left empty goes too (rmdir
     * leaves one that holds anything) */
    if (p->n_files > 0 && p->dir) {
        char *books = join(p->dir, "/", FM_BOOK_DIR);
        if (books)
            rmdir(books);
        free(books);
    }
    p->n_files = 0;
}

void publish_release(struct publish *p)
{
    publish_abort(p);
    free(p->file);
    p->file = NULL;
    p->cap = 0;
    /* a zeroed publish has lock_fd 0 but no dir: it holds no descriptor */
    if (p->dir && p->lock_fd >= 0)
        close(p->lock_fd); /* closing drops the flock */
    p->lock_fd = -1;
    free(p->dir);
    p->dir = NULL;
}

enum ftk_error publish_read_lock(const char *dir, int *fd,
                                 struct ftk_diag *diag)
{
    *fd = -1;
    char *lock = join(dir, "/", PUBLISH_LOCK_NAME);
    if (!lock)
        return ftk_fail(diag, FTK_E_NOMEM, "out of memory");
    enum ftk_error err = FTK_OK;
    int f = open(lock, O_RDONLY | O_CLOEXEC);
    if (f >= 0 && flock(f, LOCK_SH | LOCK_NB) != 0) {
        if (errno == EWOULDBLOCK)
            err = ftk_fail(diag, FTK_E_LOCKED,
                           "%s: a run is publishing into this folder (lock "
                           "%s held); try again when it has finished",
                           dir, lock);
        else
            err = ftk_fail(diag, FTK_E_IO, "%s: cannot lock: %s", lock,
                           strerror(errno));
        close(f);
        f = -1;
    }
    *fd = f;
    free(lock);
    return err;
}
