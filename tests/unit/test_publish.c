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

/* The same as a run's set, which prunes old books. */
static void publish_run(const char *dir, const char *name, const char *text)
{
    struct publish p;
    struct ftk_diag diag = {{0}};
    if (publish_open(&p, dir, &diag) != FTK_OK)
        fail_msg("open: %s", diag.msg);
    publish_prune_books(&p);
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

/* Books in the fm/ subfolder: temporary files made beside them, renamed
 * with the set; more outputs than any fixed limit; a later run that does
 * not write a book removes it (other files in fm/ stay); a run with no
 * book and nothing else in fm/ removes the folder. */
static void test_publish__fm_subfolder_and_old_books(void **state)
{
    struct fixture *fx = *state;
    struct publish p;
    struct ftk_diag diag = {{0}};
    char name[64], fm[256];
    snprintf(fm, sizeof(fm), "%s/fm", fx->out);
    assert_int_equal(publish_open(&p, fx->out, &diag), FTK_OK);
    for (int i = 0; i < 100; i++) {
        snprintf(name, sizeof(name), "fm/kpi-2026-10-FM %d.xlsx", i);
        assert_int_equal(publish_reserve(&p, name, &diag), FTK_OK);
        const char *tmp = publish_tmp_path(&p, name);
        assert_non_null(tmp);
        assert_int_equal(strncmp(tmp, fm, strlen(fm)), 0);
        assert_non_null(strstr(tmp, "/fm/.ftkpi-tmp.kpi-2026-10-FM "));
        /* the writer replaces the file, as libxlsxwriter does */
        assert_int_equal(unlink(tmp), 0);
        scratch_write_text(tmp, name);
    }
    FILE *f;
    assert_int_equal(publish_create(&p, "run.json", &f, &diag), FTK_OK);
    fputs("{}\n", f);
    assert_int_equal(temp_files(fm), 100);
    assert_string_equal(content(fm, "kpi-2026-10-FM 7.xlsx"), "(missing)");
    assert_int_equal(publish_commit(&p, &diag), FTK_OK);
    assert_int_equal(temp_files(fm), 0);
    assert_string_equal(content(fm, "kpi-2026-10-FM 7.xlsx"),
                        "fm/kpi-2026-10-FM 7.xlsx");
    assert_string_equal(content(fm, "kpi-2026-10-FM 99.xlsx"),
                        "fm/kpi-2026-10-FM 99.xlsx");
    publish_release(&p);
    /* not an output name */
    assert_int_equal(publish_open(&p, fx->out, &diag), FTK_OK);
    assert_int_equal(publish_create(&p, "a/b/c.xlsx", &f, &diag),
                     FTK_E_CANTCREAT);
    assert_int_equal(publish_create(&p, "../c.xlsx", &f, &diag),
                     FTK_E_CANTCREAT);
    assert_int_equal(publish_create(&p, "fm/", &f, &diag), FTK_E_CANTCREAT);
    publish_release(&p);
    /* a publish that is not a run's (validate, cohort files) leaves the
     * books alone */
    publish_one(fx->out, "other.csv", "x\n");
    assert_string_equal(content(fm, "kpi-2026-10-FM 7.xlsx"),
                        "fm/kpi-2026-10-FM 7.xlsx");
    /* the next run writes one book: the 99 others go, a note stays */
    char path[256];
    snprintf(path, sizeof(path), "%s/notes.txt", fm);
    scratch_write_text(path, "kept");
    publish_run(fx->out, "fm/kpi-2026-11-FM 3.xlsx", "book");
    assert_string_equal(content(fm, "kpi-2026-11-FM 3.xlsx"), "book");
    assert_string_equal(content(fm, "kpi-2026-10-FM 3.xlsx"), "(missing)");
    assert_string_equal(content(fm, "kpi-2026-10-FM 7.xlsx"), "(missing)");
    assert_string_equal(content(fm, "notes.txt"), "kept");
    /* a run without books (--books none) */
    assert_int_equal(unlink(path), 0);
    publish_run(fx->out, "run.json", "{}\n");
    struct stat sb;
    assert_int_equal(stat(fm, &sb), -1);
    assert_string_equal(content(fx->out, "run.json"), "{}\n");
}

/* An aborted publish removes the books folder it made. */
static void test_publish__abort_removes_an_empty_books_folder(void **state)
{
    struct fixture *fx = *state;
    struct publish p;
    struct ftk_diag diag = {{0}};
    char fm[256];
    snprintf(fm, sizeof(fm), "%s/fm", fx->out);
    assert_int_equal(publish_open(&p, fx->out, &diag), FTK_OK);
    assert_int_equal(publish_reserve(&p, "fm/kpi-2026-10-A.xlsx", &diag),
                     FTK_OK);
    struct stat sb;
    assert_int_equal(stat(fm, &sb), 0);
    publish_abort(&p);
    assert_int_equal(stat(fm, &sb), -1);
    publish_release(&p);
}

/* A killed run's temporary books in fm/ are removed by the next open. */
static void test_publish__stale_temp_books_removed(void **state)
{
    struct fixture *fx = *state;
    char fm[256], path[300];
    assert_int_equal(mkdir(fx->out, 0777), 0);
    snprintf(fm, sizeof(fm), "%s/fm", fx->out);
    assert_int_equal(mkdir(fm, 0777), 0);
    snprintf(path, sizeof(path), "%s/.ftkpi-tmp.kpi-2026-10-A.xlsx.4242", fm);
    scratch_write_text(path, "killed run");
    assert_int_equal(temp_files(fm), 1);
    struct publish p;
    struct ftk_diag diag = {{0}};
    assert_int_equal(publish_open(&p, fx->out, &diag), FTK_OK);
    assert_int_equal(temp_files(fm), 0);
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
        T(test_publish__fm_subfolder_and_old_books),
        T(test_publish__stale_temp_books_removed),
        T(test_publish__abort_removes_an_empty_books_folder),
    };
#undef T
    return cmocka_run_group_tests(tests, NULL, NULL);
}
