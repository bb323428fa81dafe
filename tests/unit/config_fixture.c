/*
 * tests/unit/config_fixture.c - see config_fixture.h.
 */
#include "config_fixture.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "tests/unit/scratch.h"

int config_fixture_setup(void **state)
{
    struct config_fixture *fx = test_calloc(1, sizeof(*fx));
    if (!scratch_make(fx->dir, sizeof(fx->dir), "test_config")) {
        test_free(fx);
        return -1;
    }
    snprintf(fx->path, sizeof(fx->path), "%s/ftkpi.ini", fx->dir);
    *state = fx;
    return 0;
}

int config_fixture_teardown(void **state)
{
    struct config_fixture *fx = *state;
    scratch_remove(fx->dir);
    test_free(fx);
    return 0;
}

void config_fixture_load_ok(struct config_fixture *fx, const char *text)
{
    struct ftk_diag diag = {{0}};
    if (text)
        scratch_write_text(fx->path, text);
    if (config_load(&fx->cfg, text ? fx->path : NULL, &diag) != FTK_OK)
        fail_msg("config_load: %s", diag.msg);
}

void config_fixture_load_fails(struct config_fixture *fx, const char *text,
                               int line, const char *what)
{
    struct ftk_diag diag = {{0}};
    scratch_write_text(fx->path, text);
    enum ftk_error err = config_load(&fx->cfg, fx->path, &diag);
    if (err != FTK_E_CONFIG)
        fail_msg("error %d, want FTK_E_CONFIG for:\n%s", (int)err, text);
    assert_int_equal(ftk_exit_code(err), 78);
    char prefix[256];
    snprintf(prefix, sizeof(prefix), "%s:%d: ", fx->path, line);
    if (strncmp(diag.msg, prefix, strlen(prefix)) != 0 ||
        !strstr(diag.msg, what))
        fail_msg("message '%s', want '%s' ... '%s'", diag.msg, prefix, what);
    /* released on error: nothing to free, and releasing again is safe */
    assert_null(fx->cfg.alias);
    assert_int_equal(fx->cfg.rules.n, 0);
    config_release(&fx->cfg);
}
