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
    return FTK_OK;
}

enum ftk_error publish_create(struct publish *p, const char *name, FILE **f,
                              struct ftk_diag *diag)
{
    if (p->n_files == PUBLISH_MAX_FILES)
        return ftk_fail(diag, FTK_E_CANTCREAT, "%s: too many outputs", name);
    struct publish_file *pf = &p->file[p->n_files];
    char pid[32];
    snprintf(pid, sizeof(pid), ".%ld", (long)getpid());
    pf->name = join(name, "", "");
    char *base = join(TMP_PREFIX, name, pid);
    pf->tmp = base ? join(p->dir, "/", base) : NULL;
    free(base);
    if (!pf->name || !pf->tmp) {
        free(pf->name);
        free(pf->tmp);
        return ftk_fail(diag, FTK_E_NOMEM, "out of memory");
    }
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
    bool bad = fflush(f) != 0 || ferror(f);
    /* A writer that replaced the file (libxlsxwriter) wrote it elsewhere
     * under the same path; sync that file, not our stale handle. */
    int fd = open(pf->tmp, O_RDONLY | O_CLOEXEC);
    if (fd < 0 || fsync(fd) != 0)
        bad = true;
    if (fd >= 0)
        close(fd);
    int saved = errno;
    if (fclose(f) != 0)
        bad = true;
    if (bad)
        return ftk_fail(diag, FTK_E_IO, "%s: write failed: %s", pf->name,
                        strerror(saved ? saved : EIO));
    return FTK_OK;
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
    int dfd = open(p->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd >= 0) {
        fsync(dfd);
        close(dfd);
    }
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
    p->n_files = 0;
}

void publish_release(struct publish *p)
{
    publish_abort(p);
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
