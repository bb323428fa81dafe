/*
 * tests/unit/test_fuzz.c - replays the fuzzing harness
 * (tests/fuzz/fuzz_ingest.c) on its seed corpus and on every input that
 * ever made it fail (tests/fuzz/regressions), under cmocka's allocator
 * and, with SANITIZE=1, the sanitizers. The harness aborts on a lost row.
 */
#include <dirent.h>

/* the harness first: cmocka.h redefines malloc for what follows it */
#include "tests/fuzz/fuzz_ingest.c"
#include "tests/unit/scratch.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

static int replay_dir(const char *dir)
{
    DIR *d = opendir(dir);
    int n = 0;
    if (!d)
        return 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        char path[512];
        snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
        size_t len;
        char *data = scratch_read(path, &len);
        LLVMFuzzerTestOneInput((const uint8_t *)data, len);
        test_free(data);
        n++;
    }
    closedir(d);
    return n;
}

static void test_fuzz__corpus_and_regressions_replay(void **state)
{
    (void)state;
    int n = replay_dir("tests/fuzz/corpus");
    assert_true(n >= 4); /* run from the source root, or nothing is tested */
    replay_dir("tests/fuzz/regressions");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fuzz__corpus_and_regressions_replay),
    };
    return cmocka_run_group_tests_name("fuzz", tests, NULL, NULL);
}
