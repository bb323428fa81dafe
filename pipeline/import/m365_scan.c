/*
 * pipeline/import/m365_scan.c - tenant folders and their report files.
 */
#include "m365_scan.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "pipeline/base/grow.h"
#include "pipeline/base/sort.h"
#include "pipeline/base/utf8.h"
#include "pipeline/import/m365_report.h"
#include "pipeline/ingest/extract.h"
#include "pipeline/base/testing.h"

static bool no_control(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if ((unsigned char)s[i] < 0x20 || s[i] == 0x7F)
            return false;
    return true;
}

bool m365_scan_valid_tenant_id(const char *s, size_t len)
{
    return len >= 1 && len <= EXTRACT_TENANT_ID_MAX &&
           utf8_valid_prefix(s, len) == len && no_control(s, len) &&
           s[0] != ' ' && s[0] != '\t' && s[len - 1] != ' ' &&
           s[len - 1] != '\t';
}

static char *join3(const char *a, const char *b, const char *c)
{
    size_t la = strlen(a), lb = strlen(b), lc = strlen(c);
    char *p = malloc(la + lb + lc + 1);
    if (!p)
        return NULL;
    memcpy(p, a, la);
    memcpy(p + la, b, lb);
    memcpy(p + la + lb, c, lc + 1);
    return p;
}

static int name_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void free_names(char **names, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
}

/* The names in dir but "." and "..", and those starting with '.', in byte
 * order; *names owned by the caller (free_names). */
static enum ftk_error list_dir(const char *dir, char ***names, size_t *n,
                               struct ftk_diag *diag)
{
    *names = NULL;
    *n = 0;
    size_t cap = 0;
    DIR *d = opendir(dir);
    if (!d)
        return ftk_fail(diag, FTK_E_NOINPUT, "%s: cannot open the folder: %s",
                        dir, strerror(errno));
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        if (de->d_name[0] == '.')
            continue;
        char **grown = grow_array(*names, &cap, *n + 1, sizeof(char *));
        char *copy = join3(de->d_name, "", "");
        if (!grown || !copy) {
            free(copy);
            if (grown)
                *names = grown;
            closedir(d);
            free_names(*names, *n);
            *names = NULL;
            *n = 0;
            return ftk_fail(diag, FTK_E_NOMEM, "out of memory");
        }
        *names = grown;
        (*names)[(*n)++] = copy;
    }
    closedir(d);
    sort_array(*names, *n, sizeof(char *), name_cmp);
    return FTK_OK;
}

static enum ftk_error warn(struct m365_scan *s, const char *path,
                           const char *what, struct ftk_diag *diag)
{
    char **grown = grow_array(s->warning, &s->cap_warnings, s->n_warnings + 1,
                              sizeof(char *));
    char *w = join3(path, ": ", what);
    if (!grown || !w) {
        free(w);
        if (grown)
            s->warning = grown;
        return ftk_fail(diag, FTK_E_NOMEM, "out of memory");
    }
    s->warning = grown;
    s->warning[s->n_warnings++] = w;
    return FTK_OK;
}

/* A name from the file system, as a message may show it. */
static enum ftk_error bad_name(const char *dir, const char *name,
                               const char *what, struct ftk_diag *diag)
{
    char q[200];
    m365_report_quote(q, sizeof(q), name, strlen(name), 128);
    return ftk_fail(diag, FTK_E_DATA, "%s: %s %s: %s", dir, what, q,
                    what[0] == 't'
                        ? "expected a folder named by its tenant_id (1 to 64 "
                          "bytes of UTF-8, no control character, no space "
                          "at either end)"
                        : "rename it: its name has control characters or "
                          "invalid UTF-8");
}

static enum ftk_error scan_tenant(struct m365_scan *s, const char *tdir,
                                  const char *tenant, struct ftk_diag *diag)
{
    char **names;
    size_t n;
    enum ftk_error err = list_dir(tdir, &names, &n, diag);
    if (err != FTK_OK)
        return err;
    for (size_t i = 0; i < n && err == FTK_OK; i++) {
        size_t len = strlen(names[i]);
        if (utf8_valid_prefix(names[i], len) != len ||
            !no_control(names[i], len)) {
            err = bad_name(tdir, names[i], "file", diag);
            break;
        }
        char *path = join3(tdir, "/", names[i]);
        struct stat sb;
        if (!path) {
            err = ftk_fail(diag, FTK_E_NOMEM, "out of memory");
        } else if (stat(path, &sb) != 0) {
            err =
                ftk_fail(diag, FTK_E_NOINPUT, "%s: %s", path, strerror(errno));
        } else if (!S_ISREG(sb.st_mode)) {
            err = warn(s, path, "not a report file, skipped", diag);
        } else {
            struct m365_scan_file *grown = grow_array(
                s->file, &s->cap_files, s->n_files + 1, sizeof(*s->file));
            if (!grown) {
                err = ftk_fail(diag, FTK_E_NOMEM, "out of memory");
            } else {
                s->file = grown;
                s->file[s->n_files++] = (struct m365_scan_file){path, tenant};
                path = NULL;
            }
        }
        free(path);
    }
    free_names(names, n);
    return err;
}

enum ftk_error m365_scan_dir(struct m365_scan *s, const char *dir,
                             struct ftk_diag *diag)
{
    memset(s, 0, sizeof(*s));
    struct stat sb;
    if (stat(dir, &sb) != 0 || !S_ISDIR(sb.st_mode))
        return ftk_fail(diag, FTK_E_NOINPUT, "--reports %s: no such folder",
                        dir);
    char **names;
    size_t n;
    enum ftk_error err = list_dir(dir, &names, &n, diag);
    if (err != FTK_OK)
        return err;
    for (size_t i = 0; i < n && err == FTK_OK; i++) {
        char *path = join3(dir, "/", names[i]);
        if (!path) {
            err = ftk_fail(diag, FTK_E_NOMEM, "out of memory");
            break;
        }
        if (stat(path, &sb) != 0) {
            err =
                ftk_fail(diag, FTK_E_NOINPUT, "%s: %s", path, strerror(errno));
        } else if (!S_ISDIR(sb.st_mode)) {
            size_t len = strlen(names[i]);
            if (utf8_valid_prefix(names[i], len) != len ||
                !no_control(names[i], len))
                err = bad_name(dir, names[i], "file", diag);
            else
                err = warn(s, path, "not a tenant folder, skipped", diag);
        } else if (!m365_scan_valid_tenant_id(names[i], strlen(names[i]))) {
            err = bad_name(dir, names[i], "tenant folder", diag);
        } else {
            char **grown = grow_array(s->tenant, &s->cap_tenants,
                                      s->n_tenants + 1, sizeof(char *));
            if (!grown) {
                err = ftk_fail(diag, FTK_E_NOMEM, "out of memory");
            } else {
                s->tenant = grown;
                s->tenant[s->n_tenants++] = names[i];
                names[i] = NULL; /* now the scan's */
                err = scan_tenant(s, path, s->tenant[s->n_tenants - 1], diag);
            }
        }
        free(path);
    }
    free_names(names, n);
    if (err == FTK_OK && s->n_tenants == 0)
        err = ftk_fail(diag, FTK_E_NOINPUT,
                       "--reports %s: no tenant folder in it: expected one "
                       "folder per tenant, named by its tenant_id",
                       dir);
    return err;
}

void m365_scan_release(struct m365_scan *s)
{
    free_names(s->tenant, s->n_tenants);
    for (size_t i = 0; i < s->n_files; i++)
        free(s->file[i].path);
    free(s->file);
    free_names(s->warning, s->n_warnings);
    memset(s, 0, sizeof(*s));
}
