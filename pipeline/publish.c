/*
 * pipeline/publish.c - a set staged beside its folder and switched in one
 * step, or files renamed one by one; flock; cleanup (publish.h,
 * docs/running.md "How a set is published").
 */
#include "publish.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

/* libc's free, for what libc allocated (realpath), before testing.h routes
 * free through the unit tests' allocator */
static void libc_free(void *p)
{
    free(p);
}

#include "pipeline/base/testing.h"

/* Temporary files of a file-by-file publish, in the folder itself. */
#define TMP_PREFIX ".ftkpi-tmp."
/* In a set's working folder: the lock, and the staging folders of runs
 * (new.PID) and of the exchange probe (probe.PID). */
#define SET_LOCK "lock"
#define SET_STAGE "new."
#define SET_PROBE "probe."

static char *join(const char *a, const char *b, const char *c)
{
    size_t n = strlen(a) + strlen(b) + strlen(c) + 1;
    char *s = malloc(n);
    if (s)
        snprintf(s, n, "%s%s%s", a, b, c);
    return s;
}

static char *dup_str(const char *s)
{
    return join(s, "", "");
}

/* realpath(3), copied into memory of our allocator (which the unit tests
 * route through cmocka's). */
static char *real_path(const char *path)
{
    char *r = realpath(path, NULL);
    if (!r)
        return NULL;
    char *s = dup_str(r);
    libc_free(r);
    if (!s)
        errno = ENOMEM;
    return s;
}

static enum ftk_error nomem(struct ftk_diag *diag)
{
    return ftk_fail(diag, FTK_E_NOMEM, "out of memory");
}

/* A record of getdents64(2). */
struct dirent64_raw {
    uint64_t ino;
    int64_t off;
    unsigned short reclen;
    unsigned char type;
    char name[];
};

/* Removes name in parent_fd and, for a folder, everything under it. Only
 * async-signal-safe calls (openat, getdents64, unlinkat, close), so that a
 * signal handler may use it; depth bounds the recursion (a set has one
 * level of subfolders). */
static void remove_tree_at(int parent_fd, const char *name, int depth)
{
    int fd = openat(parent_fd, name,
                    O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) {
        unlinkat(parent_fd, name, 0); /* a file, or nothing there */
        return;
    }
    /* entries are removed while the folder is read: read it again until
     * it reads empty (rmdir then succeeds) */
    for (int pass = 0; pass < 64; pass++) {
        char buf[4096] __attribute__((aligned(8)));
        bool any = false;
        lseek(fd, 0, SEEK_SET);
        for (;;) {
            long n = syscall(SYS_getdents64, fd, buf, sizeof(buf));
            if (n <= 0)
                break;
            for (long off = 0; off < n;) {
                struct dirent64_raw *e = (struct dirent64_raw *)(buf + off);
                off += e->reclen;
                if (strcmp(e->name, ".") == 0 || strcmp(e->name, "..") == 0)
                    continue;
                any = true;
                if (e->type == DT_DIR && depth > 0)
                    remove_tree_at(fd, e->name, depth - 1);
                else if (unlinkat(fd, e->name, 0) != 0 && errno == EISDIR &&
                         depth > 0)
                    remove_tree_at(fd, e->name, depth - 1);
            }
        }
        if (!any)
            break;
    }
    close(fd);
    unlinkat(parent_fd, name, AT_REMOVEDIR);
}

static void remove_tree(const char *path)
{
    remove_tree_at(AT_FDCWD, path, 4);
}

/* Creates dir and its missing parents; *made gets the topmost folder it
 * created (NULL when none), so a failed run can leave no trace. */
static enum ftk_error make_dirs(const char *dir, char **made,
                                struct ftk_diag *diag)
{
    char *path = dup_str(dir);
    if (!path)
        return nomem(diag);
    enum ftk_error err = FTK_OK;
    for (char *p = path + 1;; p++) {
        if (*p != '/' && *p != '\0')
            continue;
        char c = *p;
        *p = '\0';
        if (mkdir(path, 0777) == 0) {
            if (!*made && !(*made = dup_str(path)))
                err = nomem(diag);
        } else if (errno != EEXIST) {
            err =
                ftk_fail(diag, FTK_E_CANTCREAT, "%s: cannot create folder: %s",
                         path, strerror(errno));
        }
        *p = c;
        if (err != FTK_OK || c == '\0')
            break;
    }
    free(path);
    return err;
}

/* Removes deepest and its parents up to made (folders the open created),
 * each only when empty. Async-signal-safe when buf is given. */
static void remove_made(const char *made, const char *deepest, char *buf,
                        size_t cap)
{
    if (!made || !deepest)
        return;
    size_t n = strlen(deepest), top = strlen(made);
    if (n >= cap || top > n)
        return;
    memcpy(buf, deepest, n + 1);
    while (n >= top) {
        if (rmdir(buf) != 0 && errno != ENOENT)
            return; /* not empty: someone else's */
        while (n > 0 && buf[n] != '/')
            n--;
        if (n == 0)
            return;
        buf[n] = '\0';
    }
}

/* The lock: exclusive, never waiting. */
static enum ftk_error take_lock(struct publish *p, const char *shown,
                                struct ftk_diag *diag)
{
    p->lock_fd = open(p->lock, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    p->lock_made = p->lock_fd >= 0;
    if (p->lock_fd < 0 && errno == EEXIST)
        p->lock_fd = open(p->lock, O_RDWR | O_CREAT | O_CLOEXEC, 0666);
    if (p->lock_fd < 0)
        return ftk_fail(diag, FTK_E_CANTCREAT, "%s: cannot create lock: %s",
                        p->lock, strerror(errno));
    if (flock(p->lock_fd, LOCK_EX | LOCK_NB) == 0)
        return FTK_OK;
    int e = errno;
    close(p->lock_fd);
    p->lock_fd = -1;
    /* another run's lock is left alone at release */
    p->lock_made = p->lock_made && e != EWOULDBLOCK;
    if (e == EWOULDBLOCK)
        return ftk_fail(diag, FTK_E_LOCKED,
                        "%s: another ftkpi run is writing to this folder "
                        "(lock %s held); try again when it has finished",
                        shown, p->lock);
    return ftk_fail(diag, FTK_E_CANTCREAT, "%s: cannot lock: %s", p->lock,
                    strerror(e));
}

/* Temporary files a killed file-by-file publish left in dir (and in its
 * subfolders); safe to remove under the lock. */
static void remove_stale_tmp(const char *dir, int depth)
{
    DIR *d = opendir(dir);
    if (!d)
        return;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        bool tmp = strncmp(e->d_name, TMP_PREFIX, strlen(TMP_PREFIX)) == 0;
        if (!tmp && (depth == 0 || e->d_type != DT_DIR || e->d_name[0] == '.'))
            continue;
        char *path = join(dir, "/", e->d_name);
        if (path && tmp)
            unlink(path);
        else if (path)
            remove_stale_tmp(path, depth - 1);
        free(path);
    }
    closedir(d);
}

enum ftk_error publish_open(struct publish *p, const char *dir,
                            struct ftk_diag *diag)
{
    memset(p, 0, sizeof(*p));
    p->lock_fd = -1;
    struct stat st;
    p->existed = stat(dir, &st) == 0;
    p->dir = dup_str(dir);
    if (!p->dir)
        return nomem(diag);
    enum ftk_error err = make_dirs(dir, &p->made, diag);
    if (p->made && !(p->deepest = dup_str(dir)) && err == FTK_OK)
        err = nomem(diag);
    if (err == FTK_OK && !(p->lock = join(dir, "/", PUBLISH_LOCK_NAME)))
        err = nomem(diag);
    if (err == FTK_OK)
        err = take_lock(p, dir, diag);
    if (err != FTK_OK) {
        publish_release(p);
        return err;
    }
    remove_stale_tmp(dir, 1);
    return FTK_OK;
}

/* What a signal handler needs of the set publish in progress, in fixed
 * buffers filled before `armed` is set (publish_remove_on_signal). */
static struct {
    volatile sig_atomic_t armed;
    volatile sig_atomic_t keep; /* the folder stays: leave lock and parents */
    char stage[PATH_MAX];
    char lock[PATH_MAX];
    char work[PATH_MAX];
    char made[PATH_MAX];
    char deepest[PATH_MAX];
    char buf[PATH_MAX];
} on_signal;

static void arm_signal(const struct publish *p)
{
    on_signal.armed = 0;
    const char *src[] = {p->stage, p->lock, p->work, p->made, p->deepest};
    char *dst[] = {on_signal.stage, on_signal.lock, on_signal.work,
                   on_signal.made, on_signal.deepest};
    for (size_t i = 0; i < sizeof(src) / sizeof(src[0]); i++) {
        if (src[i] && strlen(src[i]) >= PATH_MAX)
            return; /* cannot happen: the kernel refuses such paths */
        snprintf(dst[i], PATH_MAX, "%s", src[i] ? src[i] : "");
    }
    on_signal.keep = p->existed;
    on_signal.armed = 1;
}

void publish_remove_on_signal(void)
{
    if (!on_signal.armed)
        return;
    on_signal.armed = 0;
    remove_tree(on_signal.stage);
    if (on_signal.keep)
        return;
    unlink(on_signal.lock);
    rmdir(on_signal.work);
    remove_made(on_signal.made[0] ? on_signal.made : NULL,
                on_signal.deepest[0] ? on_signal.deepest : NULL, on_signal.buf,
                sizeof(on_signal.buf));
}

/* DIR without trailing slashes, resolved to an absolute path: realpath of
 * DIR when it exists, of its parent (made when missing) otherwise. */
static enum ftk_error resolve_target(struct publish *p, const char *dir,
                                     struct ftk_diag *diag)
{
    size_t len = strlen(dir);
    while (len > 1 && dir[len - 1] == '/')
        len--;
    if (len == 0)
        return ftk_fail(diag, FTK_E_CANTCREAT,
                        "the output folder's name is empty");
    char *d = malloc(len + 1);
    if (!d)
        return nomem(diag);
    memcpy(d, dir, len);
    d[len] = '\0';
    enum ftk_error err = FTK_OK;
    struct stat st;
    if (stat(d, &st) == 0) {
        p->existed = true;
        if (!S_ISDIR(st.st_mode))
            err = ftk_fail(diag, FTK_E_CANTCREAT,
                           "%s: not a folder: give --out a folder", dir);
        else if (!(p->target = real_path(d)))
            err =
                ftk_fail(diag, FTK_E_CANTCREAT, "%s: %s", dir, strerror(errno));
    } else if (errno != ENOENT) {
        err = ftk_fail(diag, FTK_E_CANTCREAT, "%s: %s", dir, strerror(errno));
    } else {
        char *slash = strrchr(d, '/');
        const char *base = slash ? slash + 1 : d;
        char *parent = slash ? (slash == d ? dup_str("/") : d) : dup_str(".");
        if (slash && slash != d)
            *slash = '\0';
        if (!parent) {
            err = nomem(diag);
        } else if (strcmp(base, ".") == 0 || strcmp(base, "..") == 0) {
            err = ftk_fail(diag, FTK_E_CANTCREAT, "%s: no such folder", dir);
        } else {
            err = make_dirs(parent, &p->made, diag);
            if (p->made && !(p->deepest = dup_str(parent)) && err == FTK_OK)
                err = nomem(diag);
            char *real = err == FTK_OK ? real_path(parent) : NULL;
            if (err == FTK_OK && !real)
                err = ftk_fail(diag, FTK_E_CANTCREAT, "%s: %s", parent,
                               strerror(errno));
            if (real)
                p->target = join(real, strcmp(real, "/") ? "/" : "", base);
            if (real && !p->target)
                err = nomem(diag);
            free(real);
        }
        if (parent != d)
            free(parent);
    }
    free(d);
    if (err == FTK_OK && strcmp(p->target, "/") == 0)
        err = ftk_fail(diag, FTK_E_CANTCREAT,
                       "%s: cannot publish to the root folder: give --out a "
                       "folder of its own",
                       dir);
    return err;
}

/* A folder made for the set beside DIR, and the exchange probe: the switch
 * needs renameat2(RENAME_EXCHANGE) on DIR's filesystem, refused here
 * before any work rather than after it. */
static enum ftk_error open_work(struct publish *p, struct ftk_diag *diag)
{
    const char *slash = strrchr(p->target, '/');
    size_t plen = (size_t)(slash - p->target);
    char *parent = malloc(plen + 2);
    if (!parent)
        return nomem(diag);
    memcpy(parent, p->target, plen ? plen : 1);
    parent[plen ? plen : 1] = '\0';
    char pid[32];
    snprintf(pid, sizeof(pid), "%ld", (long)getpid());
    char *work_name = join("/.", slash + 1, ".ftkpi");
    p->work = work_name ? join(plen ? parent : "", work_name, "") : NULL;
    free(work_name);
    p->lock = p->work ? join(p->work, "/", SET_LOCK) : NULL;
    p->stage = p->work ? join(p->work, "/" SET_STAGE, pid) : NULL;
    if (!p->work || !p->lock || !p->stage) {
        free(parent);
        return nomem(diag);
    }
    enum ftk_error err = FTK_OK;
    struct stat ps, ds;
    if (p->existed && stat(parent, &ps) == 0 && stat(p->target, &ds) == 0 &&
        ps.st_dev != ds.st_dev)
        err = ftk_fail(diag, FTK_E_CANTCREAT,
                       "%s: a mount point: ftkpi switches the whole folder "
                       "and cannot replace a mount point; give --out a "
                       "folder inside it",
                       p->dir);
    if (err == FTK_OK && mkdir(p->work, 0777) != 0 && errno != EEXIST)
        err = ftk_fail(diag, FTK_E_CANTCREAT,
                       "%s: cannot create the working folder beside the "
                       "output folder (its parent %s must be writable): %s",
                       p->work, parent, strerror(errno));
    free(parent);
    return err;
}

/* Leftovers of killed runs in the working folder: staging folders (a new
 * set never switched, or a superseded one never removed) and probes. */
static void remove_leftovers(const struct publish *p)
{
    DIR *d = opendir(p->work);
    if (!d)
        return;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (strncmp(e->d_name, SET_STAGE, strlen(SET_STAGE)) != 0 &&
            strncmp(e->d_name, SET_PROBE, strlen(SET_PROBE)) != 0)
            continue;
        char *path = join(p->work, "/", e->d_name);
        if (path)
            remove_tree(path);
        free(path);
    }
    closedir(d);
}

static enum ftk_error probe_exchange(struct publish *p, struct ftk_diag *diag)
{
    char pid[32];
    snprintf(pid, sizeof(pid), "%ld", (long)getpid());
    char *probe = join(p->work, "/" SET_PROBE, pid);
    if (!probe)
        return nomem(diag);
    enum ftk_error err = FTK_OK;
    if (mkdir(probe, 0777) != 0)
        err = ftk_fail(diag, FTK_E_CANTCREAT, "%s: cannot create folder: %s",
                       probe, strerror(errno));
    else if (renameat2(AT_FDCWD, probe, AT_FDCWD, p->stage, RENAME_EXCHANGE) !=
             0)
        err = ftk_fail(
            diag, FTK_E_CANTCREAT,
            "%s: the filesystem cannot exchange two folders in one step "
            "(renameat2 RENAME_EXCHANGE: %s), which ftkpi needs to publish "
            "the whole set at once; give --out a folder on a local "
            "filesystem such as ext4, xfs, btrfs or tmpfs",
            p->dir, strerror(errno));
    rmdir(probe);
    free(probe);
    return err;
}

enum ftk_error publish_open_set(struct publish *p, const char *dir,
                                struct ftk_diag *diag)
{
    memset(p, 0, sizeof(*p));
    p->lock_fd = -1;
    p->set = true;
    p->dir = dup_str(dir);
    if (!p->dir)
        return nomem(diag);
    enum ftk_error err = resolve_target(p, dir, diag);
    if (err == FTK_OK)
        err = open_work(p, diag);
    if (err == FTK_OK)
        err = take_lock(p, dir, diag);
    if (err == FTK_OK) {
        remove_leftovers(p);
        if (mkdir(p->stage, 0777) != 0)
            err =
                ftk_fail(diag, FTK_E_CANTCREAT, "%s: cannot create folder: %s",
                         p->stage, strerror(errno));
    }
    if (err == FTK_OK && p->existed)
        err = probe_exchange(p, diag);
    if (err != FTK_OK) {
        publish_release(p);
        return err;
    }
    arm_signal(p);
    return FTK_OK;
}

static bool listed(const char *name, const char *const *names, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(names[i], name) == 0)
            return true;
    return false;
}

static bool legacy(const char *name)
{
    return strcmp(name, PUBLISH_LOCK_NAME) == 0 ||
           strncmp(name, TMP_PREFIX, strlen(TMP_PREFIX)) == 0;
}

/* The first entry of path (depth 0: the folder, 1: a subfolder named
 * prefix) that is not in names; *foreign is malloc'd, NULL when none. */
static enum ftk_error find_foreign(const char *path, const char *prefix,
                                   const char *const *names, size_t n,
                                   char **foreign, struct ftk_diag *diag)
{
    DIR *d = opendir(path);
    if (!d)
        return ftk_fail(diag, FTK_E_CANTCREAT, "%s: cannot read: %s", path,
                        strerror(errno));
    enum ftk_error err = FTK_OK;
    struct dirent *e;
    while (err == FTK_OK && !*foreign && (e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0 ||
            (!*prefix && legacy(e->d_name)))
            continue;
        char *name = join(prefix, *prefix ? "/" : "", e->d_name);
        char *sub = join(path, "/", e->d_name);
        struct stat st;
        if (!name || !sub) {
            err = nomem(diag);
        } else if (!*prefix && lstat(sub, &st) == 0 && S_ISDIR(st.st_mode)) {
            err = find_foreign(sub, name, names, n, foreign, diag);
            if (err == FTK_OK && !*foreign && !listed(name, names, n)) {
                /* an empty folder is ours only if a file of the set is in
                 * it; one the set lists no file of is the user's */
                bool ours = false;
                size_t len = strlen(name);
                for (size_t i = 0; i < n && !ours; i++)
                    ours = strncmp(names[i], name, len) == 0 &&
                           names[i][len] == '/';
                if (!ours) {
                    *foreign = name;
                    name = NULL;
                }
            }
        } else if (!listed(name, names, n)) {
            *foreign = name;
            name = NULL;
        }
        free(name);
        free(sub);
    }
    closedir(d);
    return err;
}

enum ftk_error publish_check_set(const struct publish *p,
                                 const char *const *names, size_t n_names,
                                 struct ftk_diag *diag)
{
    if (!p->set || !p->existed)
        return FTK_OK;
    char *foreign = NULL;
    enum ftk_error err =
        find_foreign(p->target, "", names, n_names, &foreign, diag);
    if (err == FTK_OK && foreign)
        err = ftk_fail(
            diag, FTK_E_CANTCREAT,
            "%s: holds %s, which is not one of the outputs its run.json "
            "lists: a run replaces the whole folder, so ftkpi will not "
            "publish over a file it did not write; move it elsewhere or "
            "give another --out",
            p->dir, foreign);
    free(foreign);
    return err;
}

const char *publish_stage_path(const struct publish *p)
{
    return p->set ? p->stage : NULL;
}

/* A name is a file, or one subfolder and a file; no "." or ".." part. */
static bool good_name(const char *name)
{
    const char *slash = strchr(name, '/');
    if (slash && strchr(slash + 1, '/'))
        return false;
    const char *parts[2] = {name, slash ? slash + 1 : NULL};
    size_t lens[2] = {slash ? (size_t)(slash - name) : strlen(name),
                      slash ? strlen(slash + 1) : 0};
    for (int i = 0; i < 2 && parts[i]; i++)
        if (lens[i] == 0 ||
            (lens[i] <= 2 && strncmp(parts[i], "..", lens[i]) == 0) ||
            strncmp(parts[i], TMP_PREFIX, strlen(TMP_PREFIX)) == 0)
            return false;
    return strcmp(name, PUBLISH_LOCK_NAME) != 0;
}

enum ftk_error publish_create(struct publish *p, const char *name, FILE **f,
                              struct ftk_diag *diag)
{
    if (!good_name(name))
        return ftk_fail(diag, FTK_E_CANTCREAT,
                        "%s: not a name for an output (a file, or a "
                        "subfolder and a file)",
                        name);
    if (publish_tmp_path(p, name))
        return ftk_fail(diag, FTK_E_CANTCREAT, "%s: created twice", name);
    if (p->n_files == p->cap_files) {
        if (p->cap_files > PUBLISH_MAX_FILES / 2)
            return ftk_fail(diag, FTK_E_CANTCREAT, "%s: too many outputs",
                            name);
        int cap = p->cap_files ? 2 * p->cap_files : 16;
        struct publish_file *grown =
            realloc(p->file, (size_t)cap * sizeof(*grown));
        if (!grown)
            return nomem(diag);
        p->file = grown;
        p->cap_files = cap;
    }
    struct publish_file *pf = &p->file[p->n_files];
    memset(pf, 0, sizeof(*pf));
    const char *slash = strrchr(name, '/');
    pf->name = dup_str(name);
    if (p->set) {
        pf->tmp = join(p->stage, "/", name);
    } else {
        /* .ftkpi-tmp.NAME.PID beside the final name */
        char pid[32];
        snprintf(pid, sizeof(pid), ".%ld", (long)getpid());
        char *base = join(TMP_PREFIX, slash ? slash + 1 : name, pid);
        char *sub = NULL;
        if (slash && (sub = malloc((size_t)(slash - name) + 2)) != NULL) {
            memcpy(sub, name, (size_t)(slash - name) + 1);
            sub[slash - name + 1] = '\0';
        }
        pf->tmp =
            base && (sub || !slash) ? join(p->dir, "/", sub ? sub : "") : NULL;
        char *full = pf->tmp ? join(pf->tmp, base, "") : NULL;
        free(pf->tmp);
        pf->tmp = full;
        free(base);
        free(sub);
    }
    if (!pf->name || !pf->tmp) {
        free(pf->name);
        free(pf->tmp);
        return nomem(diag);
    }
    enum ftk_error err = FTK_OK;
    if (slash) {
        char *sub = dup_str(pf->tmp);
        if (!sub) {
            err = nomem(diag);
        } else {
            *strrchr(sub, '/') = '\0';
            if (mkdir(sub, 0777) != 0 && errno != EEXIST)
                err = ftk_fail(diag, FTK_E_CANTCREAT,
                               "%s: cannot create folder: %s", sub,
                               strerror(errno));
            free(sub);
        }
    }
    if (err == FTK_OK && !(pf->f = fopen(pf->tmp, "wbx")))
        err = ftk_fail(diag, FTK_E_CANTCREAT, "%s: cannot create: %s", pf->tmp,
                       strerror(errno));
    if (err != FTK_OK) {
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
        return ftk_fail(diag, FTK_E_IO, "%s in %s: write failed: %s", name,
                        p->dir, strerror(errno));
    return FTK_OK;
}

const char *publish_tmp_path(const struct publish *p, const char *name)
{
    for (int i = 0; i < p->n_files; i++)
        if (strcmp(p->file[i].name, name) == 0)
            return p->file[i].tmp;
    return NULL;
}

static enum ftk_error write_failed(const struct publish *p,
                                   const struct publish_file *pf, int errnum,
                                   struct ftk_diag *diag)
{
    return ftk_fail(diag, FTK_E_IO, "%s in %s: write failed: %s", pf->name,
                    p->dir, strerror(errnum ? errnum : EIO));
}

static enum ftk_error close_synced(const struct publish *p,
                                   struct publish_file *pf,
                                   struct ftk_diag *diag)
{
    FILE *f = pf->f; /* NULL for a file reserved (publish_reserve) */
    pf->f = NULL;
    int saved = 0;
    errno = 0;
    if (f && (fflush(f) != 0 || ferror(f)))
        saved = errno ? errno : EIO;
    /* A writer that replaced the file (libxlsxwriter) wrote it elsewhere
     * under the same path; sync that file, not our stale handle. */
    int fd = open(pf->tmp, O_RDONLY | O_CLOEXEC);
    if (!saved && (fd < 0 || fsync(fd) != 0))
        saved = errno;
    if (fd >= 0)
        close(fd);
    if (f && fclose(f) != 0 && !saved)
        saved = errno ? errno : EIO;
    return saved ? write_failed(p, pf, saved, diag) : FTK_OK;
}

static bool sync_dir(const char *path)
{
    int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return false;
    bool ok = fsync(fd) == 0;
    close(fd);
    return ok;
}

static enum ftk_error sync_dir_or_fail(const struct publish *p,
                                       const char *path, struct ftk_diag *diag)
{
    if (sync_dir(path))
        return FTK_OK;
    return ftk_fail(diag, FTK_E_IO, "%s: cannot sync folder %s: %s", p->dir,
                    path, strerror(errno));
}

/* Every folder of the stage, synced (subfolders first), so the entries of
 * the set are on disk before the switch points DIR at them. */
static enum ftk_error sync_stage(const struct publish *p, struct ftk_diag *diag)
{
    for (int i = 0; i < p->n_files; i++) {
        const char *slash = strchr(p->file[i].name, '/');
        if (!slash)
            continue;
        bool seen = false;
        for (int j = 0; j < i && !seen; j++)
            seen = strncmp(p->file[j].name, p->file[i].name,
                           (size_t)(slash - p->file[i].name) + 1) == 0;
        if (seen)
            continue;
        char *sub = join(p->stage, "/", p->file[i].name);
        if (!sub)
            return nomem(diag);
        *strrchr(sub, '/') = '\0';
        enum ftk_error err = sync_dir_or_fail(p, sub, diag);
        free(sub);
        if (err != FTK_OK)
            return err;
    }
    return sync_dir_or_fail(p, p->stage, diag);
}

/* Removes from the stage what is not an output (a writer's temporary file
 * it could not remove itself): the set holds exactly its files. */
static enum ftk_error sweep_stage(const struct publish *p, const char *sub,
                                  struct ftk_diag *diag)
{
    char *path = join(p->stage, *sub ? "/" : "", sub);
    DIR *d = path ? opendir(path) : NULL;
    if (!d) {
        enum ftk_error err =
            path ? ftk_fail(diag, FTK_E_IO, "%s: cannot read: %s", path,
                            strerror(errno))
                 : nomem(diag);
        free(path);
        return err;
    }
    enum ftk_error err = FTK_OK;
    struct dirent *e;
    while (err == FTK_OK && (e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        char *name = join(sub, *sub ? "/" : "", e->d_name);
        char *full = join(path, "/", e->d_name);
        if (!name || !full) {
            err = nomem(diag);
        } else if (publish_tmp_path(p, name)) {
            /* an output */
        } else if (!*sub && e->d_type == DT_DIR) {
            err = sweep_stage(p, name, diag);
        } else if (unlink(full) != 0) {
            err = ftk_fail(diag, FTK_E_IO,
                           "%s: cannot remove the temporary file %s: %s",
                           p->dir, full, strerror(errno));
        }
        free(name);
        free(full);
    }
    closedir(d);
    free(path);
    return err;
}

static enum ftk_error commit_set(struct publish *p, struct ftk_diag *diag)
{
    enum ftk_error err = sweep_stage(p, "", diag);
    if (err == FTK_OK)
        err = sync_stage(p, diag);
    if (err != FTK_OK)
        return err;
    /* The switch. Once it is done the signal handler must leave the
     * folder (and lock) in place: tell it first, undo if it failed. */
    on_signal.keep = 1;
    int rc = p->existed ? renameat2(AT_FDCWD, p->stage, AT_FDCWD, p->target,
                                    RENAME_EXCHANGE)
                        : rename(p->stage, p->target);
    if (rc != 0) {
        int e = errno;
        on_signal.keep = p->existed;
        return ftk_fail(diag, FTK_E_IO,
                        "%s: cannot switch the new outputs in: %s; the "
                        "previous outputs are untouched",
                        p->dir, strerror(e));
    }
    p->committed = true;
    p->existed = true;
    /* the switch on disk: both folders that changed entries */
    char *slash = strrchr(p->target, '/');
    char *parent = slash == p->target ? dup_str("/")
                                      : malloc((size_t)(slash - p->target) + 1);
    if (parent && slash != p->target) {
        memcpy(parent, p->target, (size_t)(slash - p->target));
        parent[slash - p->target] = '\0';
    }
    bool synced = parent && sync_dir(parent);
    int e = errno;
    free(parent);
    if (synced)
        synced = sync_dir(p->work), e = errno;
    /* superseded: the previous set, now at the staging path */
    remove_tree(p->stage);
    if (!synced)
        return ftk_fail(diag, FTK_E_IO,
                        "%s: the new outputs are in place but the folder "
                        "could not be synced (%s): they may not survive a "
                        "power cut",
                        p->dir, strerror(e));
    return FTK_OK;
}

static enum ftk_error commit_files(struct publish *p, struct ftk_diag *diag)
{
    for (int i = 0; i < p->n_files; i++) {
        char *final = join(p->dir, "/", p->file[i].name);
        if (!final || rename(p->file[i].tmp, final) != 0) {
            enum ftk_error err =
                ftk_fail(diag, FTK_E_IO, "%s: cannot move into place: %s",
                         final ? final : p->file[i].name, strerror(errno));
            free(final);
            return err;
        }
        free(final);
        free(p->file[i].tmp);
        p->file[i].tmp = NULL;
        p->committed = true;
    }
    sync_dir(p->dir);
    return FTK_OK;
}

enum ftk_error publish_commit(struct publish *p, struct ftk_diag *diag)
{
    enum ftk_error err = FTK_OK;
    for (int i = 0; i < p->n_files && err == FTK_OK; i++)
        err = close_synced(p, &p->file[i], diag);
    if (err == FTK_OK)
        err = p->set ? commit_set(p, diag) : commit_files(p, diag);
    if (err != FTK_OK && !p->committed) {
        publish_abort(p);
        return err;
    }
    for (int i = 0; i < p->n_files; i++) {
        free(p->file[i].name);
        free(p->file[i].tmp);
    }
    p->n_files = 0;
    return err;
}

void publish_abort(struct publish *p)
{
    for (int i = 0; i < p->n_files; i++) {
        struct publish_file *pf = &p->file[i];
        if (pf->f)
            fclose(pf->f);
        if (pf->tmp && !p->set)
            unlink(pf->tmp);
        free(pf->tmp);
        free(pf->name);
        pf->f = NULL;
        pf->tmp = pf->name = NULL;
    }
    p->n_files = 0;
    if (p->set && p->stage && p->lock_fd >= 0 && p->dir) {
        /* an empty stage again, for a later commit */
        remove_tree(p->stage);
        mkdir(p->stage, 0777);
    }
}

void publish_release(struct publish *p)
{
    publish_abort(p);
    if (p->set) {
        on_signal.armed = 0;
        if (p->stage)
            remove_tree(p->stage);
    }
    bool held = p->dir && p->lock_fd >= 0;
    if (p->dir && !p->existed && !p->committed) {
        /* leave no trace of a folder that was not there; another run's
         * lock keeps its folders (rmdir fails on them) */
        char buf[PATH_MAX];
        if (p->lock && (held || p->lock_made))
            unlink(p->lock);
        if (p->work)
            rmdir(p->work);
        remove_made(p->made, p->deepest, buf, sizeof(buf));
    }
    /* a zeroed publish has lock_fd 0 but no dir: it holds no descriptor */
    if (held)
        close(p->lock_fd); /* closing drops the flock */
    p->lock_fd = -1;
    free(p->file);
    free(p->dir);
    free(p->target);
    free(p->work);
    free(p->stage);
    free(p->lock);
    free(p->made);
    free(p->deepest);
    memset(p, 0, sizeof(*p));
    p->lock_fd = -1;
}

/* The lock a publish of dir takes: beside a set, or in the folder. */
static char *lock_path_of(const char *dir)
{
    char *real = real_path(dir);
    if (real && strcmp(real, "/") != 0) {
        char *slash = strrchr(real, '/');
        *slash = '\0';
        char *work = join(real, "/.", slash + 1);
        char *lock = work ? join(work, ".ftkpi/", SET_LOCK) : NULL;
        free(work);
        free(real);
        if (!lock || access(lock, F_OK) == 0)
            return lock;
        free(lock);
    } else {
        free(real);
    }
    return join(dir, "/", PUBLISH_LOCK_NAME);
}

enum ftk_error publish_read_lock(const char *dir, int *fd,
                                 struct ftk_diag *diag)
{
    *fd = -1;
    char *lock = lock_path_of(dir);
    if (!lock)
        return nomem(diag);
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
