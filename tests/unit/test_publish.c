/*
 * tests/unit/test_publish.c - outputs that appear complete or not at all,
 * under a lock on the folder (pipeline/publish.h).
 */
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "pipeline/publish.h"
#include "tests/unit/scratch.h"

struct fixture {
    char dir[64];
    char out[128]; /* the output folder, dir/out */
};

static int setup(void **state)
{
    struct fixture *fx = test_calloc(1, sizeof(*fx));
    if (!scratch_make(fx->dir, sizeof(fx->dir), "test_publish")) {
        test_free(fx);
        return -1;
    }
    char dir[sizeof(fx->dir)];
    memcpy(dir, fx->dir, sizeof(dir)); /* -Wrestrict: both are in fx */
    snprintf(fx->out, sizeof(fx->out), "%s/out", dir);
    *state = fx;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *fx = *state;
    scratch_remove(fx->dir);
    test_free(fx);
    return 0;
}

/* The content of dir/name, or "(missing)". */
static const char *content(const char *dir, const char *name)
{
    static char buf[256];
    char path[256];
    snprintf(path, sizeof(path), "%s/%s", dir, name);
    FILE *f = fopen(path, "rb");
    if (!f)
        return "(missing)";
    size_t n = fread(buf, 1, sizeof(buf) - 1, f);
    fclose(f);
    buf[n] = '\0';
    return buf;
}

/* The number of temporary files in dir. */
static int temp_files(const char *dir)
{
    DIR *d = opendir(dir);
    assert_non_null(d);
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL)
        if (strncmp(e->d_name, ".ftkpi-tmp.", 11) == 0)
            n++;
    closedir(d);
    return n;
}

/* Publishes name with text into dir; must work. */
static void publish_one(const char *dir, const char *name, const char *text)
{
    struct publish p;
    struct ftk_diag diag = {{0}};
    if (publish_open(&p, dir, &diag) != FTK_OK)
        fail_msg("open: %s", diag.msg);
    FILE *f;
    assert_int_equal(publish_create(&p, name, &f, &diag), FTK_OK);
    fputs(text, f);
    if (publish_commit(&p, &diag) != FTK_OK)
        fail_msg("commit: %s", diag.msg);
    publish_release(&p);
}

static void test_publish__commit_renames_into_place(void **state)
{
    struct fixture *fx = *state;
    struct publish p;
    struct ftk_diag diag = {{0}};
    assert_int_equal(publish_open(&p, fx->out, &diag), FTK_OK);
    FILE *a, *b;
    assert_int_equal(publish_create(&p, "a.csv", &a, &diag), FTK_OK);
    assert_int_equal(publish_create(&p, "manifest.json", &b, &diag), FTK_OK);
    fputs("x,y\n1,2\n", a);
    fputs("{}\n", b);
    /* nothing is in place before the commit */
    assert_string_equal(content(fx->out, "a.csv"), "(missing)");
    assert_int_equal(temp_files(fx->out), 2);
    assert_int_equal(publish_commit(&p, &diag), FTK_OK);
    assert_string_equal(content(fx->out, "a.csv"), "x,y\n1,2\n");
    assert_string_equal(content(fx->out, "manifest.json"), "{}\n");
    assert_int_equal(temp_files(fx->out), 0);
    publish_release(&p);
    /* a second run replaces the outputs */
    publish_one(fx->out, "a.csv", "new\n");
    assert_string_equal(content(fx->out, "a.csv"), "new\n");
    assert_string_equal(content(fx->out, "manifest.json"), "{}\n");
    assert_int_equal(temp_files(fx->out), 0);
}

static void test_publish__tmp_path_is_in_the_folder(void **state)
{
    struct fixture *fx = *state;
    struct publish p;
    struct ftk_diag diag = {{0}};
    assert_int_equal(publish_open(&p, fx->out, &diag), FTK_OK);
    FILE *f;
    assert_int_equal(publish_create(&p, "book.xlsx", &f, &diag), FTK_OK);
    const char *tmp = publish_tmp_path(&p, "book.xlsx");
    assert_non_null(tmp);
    char want[256];
    snprintf(want, sizeof(want), "%s/.ftkpi-tmp.book.xlsx", fx->out);
    assert_memory_equal(tmp, want, strlen(want));
    assert_null(publish_tmp_path(&p, "other.xlsx"));
    /* a writer that replaces the file by its path (libxlsxwriter) */
    scratch_write_text(tmp, "replaced");
    assert_int_equal(publish_commit(&p, &diag), FTK_OK);
    assert_string_equal(content(fx->out, "book.xlsx"), "replaced");
    publish_release(&p);
}

static void test_publish__abort_keeps_previous_outputs(void **state)
{
    struct fixture *fx = *state;
    publish_one(fx->out, "a.csv", "old\n");
    struct publish p;
    struct ftk_diag diag = {{0}};
    assert_int_equal(publish_open(&p, fx->out, &diag), FTK_OK);
    FILE *f;
    assert_int_equal(publish_create(&p, "a.csv", &f, &diag), FTK_OK);
    assert_int_equal(publish_create(&p, "b.csv", &f, &diag), FTK_OK);
    fputs("new\n", f);
    fflush(f);
    publish_abort(&p);
    assert_string_equal(content(fx->out, "a.csv"), "old\n");
    assert_string_equal(content(fx->out, "b.csv"), "(missing)");
    assert_int_equal(temp_files(fx->out), 0);
    publish_release(&p);

    /* releasing without a commit aborts too */
    assert_int_equal(publish_open(&p, fx->out, &diag), FTK_OK);
    assert_int_equal(publish_create(&p, "a.csv", &f, &diag), FTK_OK);
    fputs("newer\n", f);
    publish_release(&p);
    assert_string_equal(content(fx->out, "a.csv"), "old\n");
    assert_int_equal(temp_files(fx->out), 0);
}

static void test_publish__failed_write_renames_nothing(void **state)
{
    struct fixture *fx = *state;
    publish_one(fx->out, "a.csv", "old\n");
    struct publish p;
    struct ftk_diag diag = {{0}};
    assert_int_equal(publish_open(&p, fx->out, &diag), FTK_OK);
    FILE *a, *b;
    assert_int_equal(publish_create(&p, "a.csv", &a, &diag), FTK_OK);
    assert_int_equal(publish_create(&p, "b.csv", &b, &diag), FTK_OK);
    fputs("new\n", a);
    fputs("new\n", b);
    /* reading a write-only stream sets its error indicator */
    assert_int_equal(fgetc(b), EOF);
    assert_true(ferror(b));
    assert_int_equal(publish_commit(&p, &diag), FTK_E_IO);
    assert_non_null(strstr(diag.msg, "b.csv"));
    assert_string_equal(content(fx->out, "a.csv"), "old\n");
    assert_string_equal(content(fx->out, "b.csv"), "(missing)");
    assert_int_equal(temp_files(fx->out), 0);
    publish_release(&p);
}

static void test_publish__second_open_is_locked(void **state)
{
    struct fixture *fx = *state;
    struct publish first, second;
    struct ftk_diag diag = {{0}};
    assert_int_equal(publish_open(&first, fx->out, &diag), FTK_OK);
    FILE *f;
    assert_int_equal(publish_create(&first, "a.csv", &f, &diag), FTK_OK);
    fputs("first\n", f);
    /* flock is per open file description: a second open in this process
     * conflicts as another process would */
    assert_int_equal(publish_open(&second, fx->out, &diag), FTK_E_LOCKED);
    assert_non_null(strstr(diag.msg, fx->out));
    /* the refused run did not take the first one's temporary files */
    assert_int_equal(temp_files(fx->out), 1);
    assert_int_equal(publish_commit(&first, &diag), FTK_OK);
    assert_string_equal(content(fx->out, "a.csv"), "first\n");
    /* the lock is held until release */
    assert_int_equal(publish_open(&second, fx->out, &diag), FTK_E_LOCKED);
    publish_release(&first);
    assert_int_equal(publish_open(&second, fx->out, &diag), FTK_OK);
    publish_release(&second);
}

static void test_publish__stale_temp_files_removed(void **state)
{
    struct fixture *fx = *state;
    assert_int_equal(mkdir(fx->out, 0777), 0);
    char path[256];
    snprintf(path, sizeof(path), "%s/.ftkpi-tmp.a.csv.12345", fx->out);
    scratch_write_text(path, "killed run");
    snprintf(path, sizeof(path), "%s/.ftkpi-tmp.book.xlsx.999", fx->out);
    scratch_write_text(path, "killed run");
    snprintf(path, sizeof(path), "%s/keep.csv", fx->out);
    scratch_write_text(path, "kept");
    snprintf(path, sizeof(path), "%s/.ftkpi-tmpx", fx->out);
    scratch_write_text(path, "kept");
    assert_int_equal(temp_files(fx->out), 2);
    struct publish p;
    struct ftk_diag diag = {{0}};
    assert_int_equal(publish_open(&p, fx->out, &diag), FTK_OK);
    assert_int_equal(temp_files(fx->out), 0);
    assert_string_equal(content(fx->out, "keep.csv"), "kept");
    assert_string_equal(content(fx->out, ".ftkpi-tmpx"), "kept");
    publish_release(&p);
}

static void test_publish__creates_nested_folder(void **state)
{
    struct fixture *fx = *state;
    char nested[256];
    snprintf(nested, sizeof(nested), "%s/a/b/c", fx->out);
    publish_one(nested, "x.csv", "1\n");
    assert_string_equal(content(nested, "x.csv"), "1\n");
    /* with a trailing slash, and when it exists already */
    snprintf(nested, sizeof(nested), "%s/d/e/", fx->out);
    publish_one(nested, "y.csv", "2\n");
    assert_string_equal(content(nested, "y.csv"), "2\n");
    publish_one(nested, "y.csv", "3\n");
    assert_string_equal(content(nested, "y.csv"), "3\n");
}

static void test_publish__cannot_create_under_a_file(void **state)
{
    struct fixture *fx = *state;
    char file[256], under[300];
    snprintf(file, sizeof(file), "%s/plain", fx->dir);
    scratch_write_text(file, "not a folder");
    snprintf(under, sizeof(under), "%s/sub", file);
    struct publish p;
    struct ftk_diag diag = {{0}};
    assert_int_equal(publish_open(&p, under, &diag), FTK_E_CANTCREAT);
    assert_non_null(strstr(diag.msg, file));
    /* the file itself as the folder */
    assert_int_equal(publish_open(&p, file, &diag), FTK_E_CANTCREAT);
}

/* Publishes a set of files (name, text pairs, NULL-terminated) into dir
 * with publish_open_set; must work. */
static void publish_set(const char *dir, const char *const *files)
{
    struct publish p;
    struct ftk_diag diag = {{0}};
    if (publish_open_set(&p, dir, &diag) != FTK_OK)
        fail_msg("%s", diag.msg);
    for (size_t i = 0; files[i]; i += 2) {
        FILE *f;
        assert_int_equal(publish_create(&p, files[i], &f, &diag), FTK_OK);
        fputs(files[i + 1], f);
    }
    if (publish_commit(&p, &diag) != FTK_OK)
        fail_msg("%s", diag.msg);
    publish_release(&p);
}

/* The entries of dir, sorted, joined with spaces ("" when missing). */
static const char *entries(const char *dir)
{
    static char buf[4096];
    char names[64][256];
    int n = 0;
    buf[0] = '\0';
    DIR *d = opendir(dir);
    if (!d)
        return "(missing)";
    struct dirent *e;
    while ((e = readdir(d)) != NULL && n < 64)
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
            snprintf(names[n++], sizeof(names[0]), "%s", e->d_name);
    closedir(d);
    qsort(names, (size_t)n, sizeof(names[0]),
          (int (*)(const void *, const void *))strcmp);
    for (int i = 0; i < n; i++)
        snprintf(buf + strlen(buf), sizeof(buf) - strlen(buf), "%s%s",
                 i ? " " : "", names[i]);
    return buf;
}

/* The whole set is replaced: files of the previous set the new one does
 * not have go with it; the lock lives beside DIR and nothing staged is
 * left. */
static void test_publish__set_switches_whole_set(void **state)
{
    struct fixture *fx = *state;
    char work[256], fm[256];
    snprintf(work, sizeof(work), "%s/.out.ftkpi", fx->dir);
    snprintf(fm, sizeof(fm), "%s/fm", fx->out);
    const char *const first[] = {
        "a.csv", "1\n", "fm/kpi-x.xlsx", "x\n", "run.json", "{}\n", NULL};
    publish_set(fx->out, first);
    assert_string_equal(entries(fx->out), "a.csv fm run.json");
    assert_string_equal(content(fm, "kpi-x.xlsx"), "x\n");
    assert_string_equal(entries(work), "lock");
    const char *const second[] = {"b.csv", "2\n", "run.json", "{2}\n", NULL};
    publish_set(fx->out, second);
    assert_string_equal(entries(fx->out), "b.csv run.json");
    assert_string_equal(content(fx->out, "run.json"), "{2}\n");
    assert_string_equal(entries(work), "lock");
    assert_string_equal(entries(fx->dir), ".out.ftkpi out");
}

/* Until the commit nothing of the new set is visible; an abort or a
 * release keeps the previous set; a failed first run leaves no trace,
 * not even the parents it made. */
static void test_publish__set_abort_keeps_previous_and_no_trace(void **state)
{
    struct fixture *fx = *state;
    char deep[256];
    snprintf(deep, sizeof(deep), "%s/new/deeper/out", fx->dir);
    struct publish p;
    struct ftk_diag diag = {{0}};
    FILE *f;
    assert_int_equal(publish_open_set(&p, deep, &diag), FTK_OK);
    assert_int_equal(publish_create(&p, "a.csv", &f, &diag), FTK_OK);
    fputs("1\n", f);
    assert_string_equal(content(deep, "a.csv"), "(missing)");
    publish_release(&p);
    assert_string_equal(entries(fx->dir), "");

    const char *const first[] = {"a.csv", "old\n", NULL};
    publish_set(fx->out, first);
    assert_int_equal(publish_open_set(&p, fx->out, &diag), FTK_OK);
    assert_int_equal(publish_create(&p, "a.csv", &f, &diag), FTK_OK);
    fputs("new\n", f);
    assert_int_equal(publish_create(&p, "b.csv", &f, &diag), FTK_OK);
    publish_abort(&p);
    publish_release(&p);
    assert_string_equal(entries(fx->out), "a.csv");
    assert_string_equal(content(fx->out, "a.csv"), "old\n");
    char work[256];
    snprintf(work, sizeof(work), "%s/.out.ftkpi", fx->dir);
    assert_string_equal(entries(work), "lock");
}

/* No fixed limit on the number of files (FM books are dozens). */
static void test_publish__set_many_files(void **state)
{
    struct fixture *fx = *state;
    struct publish p;
    struct ftk_diag diag = {{0}};
    assert_int_equal(publish_open_set(&p, fx->out, &diag), FTK_OK);
    char name[64];
    for (int i = 0; i < 300; i++) {
        FILE *f;
        snprintf(name, sizeof(name), "%s%d.csv", i % 2 ? "fm/" : "", i);
        assert_int_equal(publish_create(&p, name, &f, &diag), FTK_OK);
        fprintf(f, "%d\n", i);
    }
    assert_non_null(publish_tmp_path(&p, "fm/299.csv"));
    assert_int_equal(publish_commit(&p, &diag), FTK_OK);
    publish_release(&p);
    char fm[256];
    snprintf(fm, sizeof(fm), "%s/fm", fx->out);
    assert_string_equal(content(fm, "299.csv"), "299\n");
    assert_string_equal(content(fx->out, "298.csv"), "298\n");
}

static void test_publish__set_bad_names(void **state)
{
    struct fixture *fx = *state;
    static const char *const bad[] = {"",      "../x",         "a/b/c",
                                      "/x",    "x/",           "./x",
                                      "fm/..", ".ftkpi-tmp.x", ".ftkpi.lock"};
    struct publish p;
    struct ftk_diag diag = {{0}};
    assert_int_equal(publish_open_set(&p, fx->out, &diag), FTK_OK);
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        FILE *f;
        if (publish_create(&p, bad[i], &f, &diag) != FTK_E_CANTCREAT)
            fail_msg("'%s' accepted", bad[i]);
    }
    FILE *f;
    assert_int_equal(publish_create(&p, "a.csv", &f, &diag), FTK_OK);
    assert_int_equal(publish_create(&p, "a.csv", &f, &diag), FTK_E_CANTCREAT);
    publish_release(&p);
}

/* A file the previous set's run.json does not list is a user's: refused
 * by name. An older ftkpi's lock and temporary files are not. */
static void test_publish__set_refuses_foreign_files(void **state)
{
    struct fixture *fx = *state;
    const char *const set[] = {"a.csv", "1\n", "fm/b.xlsx", "2\n", NULL};
    const char *const names[] = {"a.csv", "fm/b.xlsx"};
    publish_set(fx->out, set);
    char path[256];
    snprintf(path, sizeof(path), "%s/.ftkpi.lock", fx->out);
    scratch_write_text(path, "");
    snprintf(path, sizeof(path), "%s/.ftkpi-tmp.a.csv.77", fx->out);
    scratch_write_text(path, "killed");
    struct publish p;
    struct ftk_diag diag = {{0}};
    assert_int_equal(publish_open_set(&p, fx->out, &diag), FTK_OK);
    assert_int_equal(publish_check_set(&p, names, 2, &diag), FTK_OK);
    snprintf(path, sizeof(path), "%s/fm/notes.txt", fx->out);
    scratch_write_text(path, "mine");
    assert_int_equal(publish_check_set(&p, names, 2, &diag), FTK_E_CANTCREAT);
    assert_non_null(strstr(diag.msg, "holds fm/notes.txt, which is not"));
    assert_int_equal(remove(path), 0);
    snprintf(path, sizeof(path), "%s/mine", fx->out);
    assert_int_equal(mkdir(path, 0777), 0);
    assert_int_equal(publish_check_set(&p, names, 2, &diag), FTK_E_CANTCREAT);
    assert_non_null(strstr(diag.msg, "holds mine,"));
    assert_int_equal(publish_check_set(&p, names, 1, &diag), FTK_E_CANTCREAT);
    publish_release(&p);
    assert_string_equal(content(fx->out, "a.csv"), "1\n");
}

/* What a killed run left in the working folder goes at the next open. */
static void test_publish__set_leftovers_removed(void **state)
{
    struct fixture *fx = *state;
    const char *const set[] = {"a.csv", "1\n", NULL};
    publish_set(fx->out, set);
    char path[256];
    snprintf(path, sizeof(path), "%s/.out.ftkpi/new.999999", fx->dir);
    assert_int_equal(mkdir(path, 0777), 0);
    snprintf(path, sizeof(path), "%s/.out.ftkpi/new.999999/fm", fx->dir);
    assert_int_equal(mkdir(path, 0777), 0);
    snprintf(path, sizeof(path), "%s/.out.ftkpi/new.999999/fm/x", fx->dir);
    scratch_write_text(path, "staged");
    snprintf(path, sizeof(path), "%s/.out.ftkpi/probe.5", fx->dir);
    assert_int_equal(mkdir(path, 0777), 0);
    struct publish p;
    struct ftk_diag diag = {{0}};
    assert_int_equal(publish_open_set(&p, fx->out, &diag), FTK_OK);
    char work[256];
    snprintf(work, sizeof(work), "%s/.out.ftkpi", fx->dir);
    /* only the lock and this run's own staging folder */
    assert_int_equal(strncmp(entries(work), "lock new.", 9), 0);
    assert_null(strchr(entries(work) + 9, ' '));
    publish_release(&p);
    assert_string_equal(entries(work), "lock");
}

/* Readers are kept out while a set is published, and DIR given with a
 * trailing slash or as "." is the same folder. */
static void test_publish__set_lock_and_paths(void **state)
{
    struct fixture *fx = *state;
    const char *const set[] = {"a.csv", "1\n", NULL};
    publish_set(fx->out, set);
    struct publish p, q;
    struct ftk_diag diag = {{0}};
    char slash[256];
    snprintf(slash, sizeof(slash), "%s//", fx->out);
    assert_int_equal(publish_open_set(&p, slash, &diag), FTK_OK);
    assert_int_equal(publish_open_set(&q, fx->out, &diag), FTK_E_LOCKED);
    int fd;
    assert_int_equal(publish_read_lock(fx->out, &fd, &diag), FTK_E_LOCKED);
    publish_release(&p);
    assert_int_equal(publish_read_lock(fx->out, &fd, &diag), FTK_OK);
    assert_true(fd >= 0);
    assert_int_equal(publish_open_set(&q, fx->out, &diag), FTK_E_LOCKED);
    close(fd);

    char cwd[512];
    assert_non_null(getcwd(cwd, sizeof(cwd)));
    assert_int_equal(chdir(fx->out), 0);
    const char *const dot[] = {"c.csv", "3\n", NULL};
    publish_set(".", dot);
    assert_int_equal(chdir(cwd), 0);
    assert_string_equal(entries(fx->out), "c.csv");
    assert_string_equal(entries(fx->dir), ".out.ftkpi out");
}

/* File by file, an output may be in one subfolder too, made as needed;
 * the other files of the folder stay. */
static void test_publish__files_in_a_subfolder(void **state)
{
    struct fixture *fx = *state;
    publish_one(fx->out, "keep.csv", "kept\n");
    publish_one(fx->out, "sub/a.csv", "1\n");
    char sub[256];
    snprintf(sub, sizeof(sub), "%s/sub", fx->out);
    assert_string_equal(content(sub, "a.csv"), "1\n");
    assert_string_equal(content(fx->out, "keep.csv"), "kept\n");
    assert_int_equal(temp_files(sub), 0);
}

/* A reserved output holds no descriptor; what its writer puts at the
 * temporary path is published with the set. */
static void test_publish__set_reserved_output(void **state)
{
    struct fixture *fx = *state;
    struct publish p;
    struct ftk_diag diag = {{0}};
    assert_int_equal(publish_open_set(&p, fx->out, &diag), FTK_OK);
    assert_int_equal(publish_reserve(&p, "fm/book.xlsx", &diag), FTK_OK);
    assert_null(p.file[0].f);
    scratch_write_text(publish_tmp_path(&p, "fm/book.xlsx"), "book\n");
    assert_int_equal(publish_commit(&p, &diag), FTK_OK);
    publish_release(&p);
    char fm[256];
    snprintf(fm, sizeof(fm), "%s/fm", fx->out);
    assert_string_equal(content(fm, "book.xlsx"), "book\n");
}

/* Makes sure descriptor 0 is open, so that a release that wrongly closes
 * "descriptor 0" of a zeroed struct is seen. */
static void hold_fd0(void)
{
    if (fcntl(0, F_GETFD) == -1)
        assert_int_equal(open("/dev/null", O_RDONLY), 0);
}

/* cmd/ zero-initialises a publish and always releases it: a release
 * before any open, after a failed open, and a second one do nothing. */
static void test_publish__release_safe_on_zeroed_and_twice(void **state)
{
    struct fixture *fx = *state;
    hold_fd0();
    struct publish p;
    memset(&p, 0, sizeof(p));
    publish_release(&p);
    publish_release(&p);
    assert_int_not_equal(fcntl(0, F_GETFD), -1);

    char file[256], under[300];
    snprintf(file, sizeof(file), "%s/plain", fx->dir);
    scratch_write_text(file, "not a folder");
    snprintf(under, sizeof(under), "%s/sub", file);
    struct ftk_diag diag = {{0}};
    assert_int_equal(publish_open(&p, under, &diag), FTK_E_CANTCREAT);
    publish_release(&p);
    assert_int_not_equal(fcntl(0, F_GETFD), -1);

    FILE *f;
    assert_int_equal(publish_open(&p, fx->out, &diag), FTK_OK);
    assert_int_equal(publish_create(&p, "a.csv", &f, &diag), FTK_OK);
    publish_release(&p);
    publish_release(&p);
    assert_int_not_equal(fcntl(0, F_GETFD), -1);
    /* the lock was dropped: the folder opens again */
    assert_int_equal(publish_open(&p, fx->out, &diag), FTK_OK);
    publish_release(&p);
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_publish__commit_renames_into_place),
        T(test_publish__tmp_path_is_in_the_folder),
        T(test_publish__abort_keeps_previous_outputs),
        T(test_publish__failed_write_renames_nothing),
        T(test_publish__second_open_is_locked),
        T(test_publish__stale_temp_files_removed),
        T(test_publish__creates_nested_folder),
        T(test_publish__cannot_create_under_a_file),
        T(test_publish__release_safe_on_zeroed_and_twice),
        T(test_publish__files_in_a_subfolder),
        T(test_publish__set_switches_whole_set),
        T(test_publish__set_abort_keeps_previous_and_no_trace),
        T(test_publish__set_many_files),
        T(test_publish__set_reserved_output),
        T(test_publish__set_bad_names),
        T(test_publish__set_refuses_foreign_files),
        T(test_publish__set_leftovers_removed),
        T(test_publish__set_lock_and_paths),
    };
#undef T
    return cmocka_run_group_tests(tests, NULL, NULL);
}
