/*
 * pipeline/playbook/tables.h - the columns of next_actions.csv and
 * exec_summaries.csv, one table per file, in the manner of
 * pipeline/report/tables.h (pipeline/base/schema.h says what a table
 * holds; docs/playbooks.md what the columns mean).
 *
 * Each file's columns are one X-macro list, X(id, name, type, title), in
 * the file's order; it makes both the column ids and the table.
 */
#ifndef FTK_PLAYBOOK_TABLES_H
#define FTK_PLAYBOOK_TABLES_H

#include "pipeline/base/schema.h"

#define NEXT_ACTIONS_COLUMNS(X)                                                \
    X(ACT_AS_OF_MONTH, "as_of_month", SCHEMA_MONTH, NULL)                      \
    X(ACT_FM, "fm", SCHEMA_TEXT, "FM")                                         \
    X(ACT_REGION, "region", SCHEMA_TEXT, "Region")                             \
    X(ACT_TENANT_ID, "tenant_id", SCHEMA_TEXT, "Tenant ID")                    \
    X(ACT_CUSTOMER_NAME, "customer_name", SCHEMA_TEXT, "Customer")             \
    X(ACT_WORKLOAD, "workload", SCHEMA_CODE, "Workload")                       \
    X(ACT_RULE, "rule", SCHEMA_CODE, "Rule")                                   \
    X(ACT_TASK_ID, "task_id", SCHEMA_CODE, "Task")                             \
    X(ACT_ACTION, "action", SCHEMA_TEXT, "Action")                             \
    X(ACT_REASON, "reason", SCHEMA_TEXT, "Reason")

#define EXEC_SUMMARIES_COLUMNS(X)                                              \
    X(SUM_AS_OF_MONTH, "as_of_month", SCHEMA_MONTH, NULL)                      \
    X(SUM_FM, "fm", SCHEMA_TEXT, "FM")                                         \
    X(SUM_REGION, "region", SCHEMA_TEXT, "Region")                             \
    X(SUM_TENANT_ID, "tenant_id", SCHEMA_TEXT, "Tenant ID")                    \
    X(SUM_CUSTOMER_NAME, "customer_name", SCHEMA_TEXT, "Customer")             \
    X(SUM_DEPLOYMENT_PROGRESS, "deployment_progress", SCHEMA_CODE,             \
      "Deployment progress")                                                   \
    X(SUM_NOTE, "note", SCHEMA_TEXT, "Exec summary")

#define PLAYBOOK_COL_ENUM(id, name, type, title) id,
enum playbook_next_actions_col {
    NEXT_ACTIONS_COLUMNS(PLAYBOOK_COL_ENUM) ACT_COUNT
};
enum playbook_exec_summaries_col {
    EXEC_SUMMARIES_COLUMNS(PLAYBOOK_COL_ENUM) SUM_COUNT
};
#undef PLAYBOOK_COL_ENUM

extern const struct schema playbook_next_actions;   /* next_actions.csv */
extern const struct schema playbook_exec_summaries; /* exec_summaries.csv */

#endif
