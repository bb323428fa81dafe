/*
 * pipeline/config.h - the configuration in force for a run.
 *
 * The defaults are templates/ftkpi.ini, built into the binary; a --config
 * file is read on top of them and overrides the keys it sets (aliases are
 * added, never taken away). Unknown sections or keys and bad values are
 * errors (FTK_E_CONFIG) that name the file and line.
 */
#ifndef FTK_CONFIG_H
#define FTK_CONFIG_H

#include "kpi/kpi.h"
#include "pipeline/base/ftk_error.h"
#include "pipeline/playbook/rules.h"

#define CONFIG_MAX_WORKLOADS 64
#define CONFIG_CODE_MAX 16

struct config_workload {
    char code[CONFIG_CODE_MAX];      /* canonical code, e.g. "EXO" */
    struct kpi_thresholds threshold; /* this workload's or the default */
    bool own_threshold;              /* set by name in [thresholds] */
    bool core;
    int64_t goal; /* active users goal, -1 when none */
};

struct config_alias {
    char *name; /* lowercased; owned */
    int workload;
};

struct config {
    char program_name[128];
    char source[1024]; /* "defaults" or the --config path, for reports */
    struct config_workload workload[CONFIG_MAX_WORKLOADS];
    int n_workloads; /* in order of first appearance */
    /* the core workloads in the order [core] workloads lists them: the
     * order of the workbook's core tabs and columns */
    int core[CONFIG_MAX_WORKLOADS];
    int n_core;
    struct kpi_thresholds default_threshold;
    struct kpi_customer_bands customer;
    kpi_pct plateau_band;
    int plateau_min_months;
    struct kpi_focus_limits focus;
    kpi_pct max_reject_pct;
    /* [workbook] max_list_rows: the most rows a list sheet of the
     * portfolio workbook holds (docs/workbook.md, "Long lists") */
    uint32_t max_list_rows;
    struct config_alias *alias; /* sorted by name */
    size_t n_aliases, cap_aliases;
    struct rules rules; /* [rule NAME], [workload_names]: the playbooks */
};

/* Loads the defaults, then path when it is not NULL. On error cfg is
 * released and diag says "file:line: what is wrong: what was expected". */
enum ftk_error config_load(struct config *cfg, const char *path,
                           struct ftk_diag *diag);

/* Frees what config_load took. Safe on a zeroed struct and when called
 * twice. */
void config_release(struct config *cfg);

/* The workload index of a code or alias, matched case-insensitively
 * (ASCII), or -1 when it is unknown. */
int config_workload_lookup(const struct config *cfg, const char *name,
                           size_t len);

#endif
