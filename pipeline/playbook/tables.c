/*
 * pipeline/playbook/tables.c - the tables of tables.h.
 */
#include "tables.h"

#define PLAYBOOK_COL_ENTRY(id, name, type, title) [id] = {name, type, title},

static const struct schema_column next_actions_cols[] = {
    NEXT_ACTIONS_COLUMNS(PLAYBOOK_COL_ENTRY)};
static const struct schema_column exec_summaries_cols[] = {
    EXEC_SUMMARIES_COLUMNS(PLAYBOOK_COL_ENTRY)};

const struct schema playbook_next_actions = {
    "next_actions.csv", next_actions_cols,
    sizeof(next_actions_cols) / sizeof(next_actions_cols[0])};
const struct schema playbook_exec_summaries = {
    "exec_summaries.csv", exec_summaries_cols,
    sizeof(exec_summaries_cols) / sizeof(exec_summaries_cols[0])};
