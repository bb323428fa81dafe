/*
 * tests/unit/config_fixture.h - loading configurations in unit tests
 * (test_config.c, test_rules.c): a scratch folder with one --config file,
 * and loads that must work or must fail at a given line.
 */
#ifndef FTK_TEST_CONFIG_FIXTURE_H
#define FTK_TEST_CONFIG_FIXTURE_H

#include "pipeline/config.h"

struct config_fixture {
    char dir[64];
    char path[128]; /* the --config file the loads read */
    struct config cfg;
};

/* cmocka setup and teardown: a new fixture with its scratch folder in
 * *state, and its removal. Each test releases its configuration before it
 * returns: cmocka counts what is still allocated then as a leak. */
int config_fixture_setup(void **state);
int config_fixture_teardown(void **state);

/* Loads the defaults and, when text is not NULL, text as a --config file
 * on top; the test fails unless it loads. */
void config_fixture_load_ok(struct config_fixture *fx, const char *text);

/* Loads text as a --config file, which must fail with FTK_E_CONFIG (exit
 * 78) and a message starting "<path>:<line>: " and containing what; the
 * configuration is then released (config_load leaves nothing to free). */
void config_fixture_load_fails(struct config_fixture *fx, const char *text,
                               int line, const char *what);

#endif
