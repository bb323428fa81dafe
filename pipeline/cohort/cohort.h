/*
 * pipeline/cohort/cohort.h - the regional leads' monthly review cohorts (SPEC
 * section 5): picking sheets, the frozen cohort, changes with notice, the
 * cohort on a date and the weekly review sheet.
 *
 * The cohort code reads the published facts of a run (run.json,
 * customer_kpis.csv, workload_kpis.csv, cohort_candidates.csv), never the
 * raw extracts, so it does not depend on the KPI engine.
 *
 * The state of a cohort month lives in a folder the operator chooses, in
 * two plain CSV files (UTF-8, no BOM, LF; docs/cohorts.md):
 *
 *   cohort-YYYY-MM.csv   the frozen members, one row each, with the KPIs
 *                        they had at freeze
 *   changes-YYYY-MM.csv  every change (add or remove) with its recorded
 *                        and effective dates, numbered 1, 2, ...
 *
 * Both files only grow: a freeze appends the rows of the regions it
 * freezes, a change appends one row. Each write is a complete new copy of
 * the file (the old bytes, then the new rows) under a temporary name,
 * synced and renamed over the old one, with the folder locked (publish.h).
 * The caller opens the publish on the state folder (which takes the lock)
 * before cohort_state_load and keeps it until the write is committed.
 *
 * Text read back from a CSV written by ftkpi (or saved by a spreadsheet)
 * loses the "'" that neutralised a formula-like cell ('=x becomes =x), so
 * ids match whatever the spreadsheet did with it.
 *
 * Nothing here prints or exits; every failure is an enum ftk_error with a
 * "file:line: ..." message in the diag.
 */
#ifndef FTK_COHORT_H
#define FTK_COHORT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "kpi/kpi.h"
#include "pipeline/base/arena.h"
#include "pipeline/config.h"
#include "pipeline/base/ftk_error.h"
#include "pipeline/publish.h"

/* A change takes effect no sooner than this many days after it is
 * recorded. */
#define COHORT_NOTICE_DAYS 3

/* The most customers --top may take per region. */
#define COHORT_TOP_MAX 1000

/* The workloads whose AU and health a cohort keeps: the core workloads of
 * the configuration at the month's first freeze. */
#define COHORT_MAX_WORKLOADS CONFIG_MAX_WORKLOADS

/* Problems and notes for the user, one line each ("file:line: ..."). */
struct cohort_report {
    char **line; /* owned */
    size_t n, cap;
};

void cohort_report_init(struct cohort_report *r);
void cohort_report_release(struct cohort_report *r);

/* One workload's figures. */
struct cohort_wl {
    bool au_defined;
    kpi_centi au; /* AU in hundredths of a percent */
    enum kpi_health health;
};

/* A customer's KPIs as a run published them. */
struct cohort_kpis {
    int32_t as_of_month; /* the run's as-of month */
    unsigned focus;      /* bit (1u << enum kpi_focus) per focus area */
    enum kpi_health health;
    int64_t core_qe, core_ae;
    bool core_au_defined;
    kpi_centi core_au;
    int64_t users_to_goal;
    struct cohort_wl *wl; /* one per workload of the cohort; owned by the
                             run or the state it belongs to */
};

/* ---- the published facts of a run -------------------------------------- */

struct cohort_customer {
    const char *tenant_id, *customer_name, *region, *fm;
    struct cohort_kpis kpis;
    char *details; /* "AREA WORKLOAD: detail | ..." from the candidates, or
                      NULL; owned by the run */
    uint64_t line; /* in customer_kpis.csv */
    int64_t wl_qe, wl_ae; /* Σ QE, Σ AE of the kept workloads with a
                             defined AU (cohort_run_check_core) */
};

struct cohort_run {
    char *dir; /* owned */
    int32_t as_of_month;
    struct cohort_customer *customer; /* sorted by tenant_id (bytes) */
    size_t n_customers;
    const char **region; /* distinct regions, sorted */
    size_t n_regions;
    char workload[COHORT_MAX_WORKLOADS][CONFIG_CODE_MAX];
    int n_workloads;
    struct cohort_wl *wl; /* n_customers * n_workloads */
    struct arena strings;
};

/* Reads the run published in dir: as_of_month from run.json, every
 * customer of customer_kpis.csv, the AU and health of the given workloads
 * from workload_kpis.csv and, when with_candidates, the details of
 * cohort_candidates.csv. A shared lock on dir's .ftkpi.lock keeps a run
 * from publishing meanwhile (FTK_E_LOCKED when one is). FTK_E_NOINPUT when
 * a file is missing; FTK_E_DATA, naming file and line, when a file is
 * malformed or the files are not of one run. On error run is released. */
enum ftk_error cohort_run_load(struct cohort_run *run, const char *dir,
                               const char *const *workloads, int n_workloads,
                               bool with_candidates, struct ftk_diag *diag);

/* Reads only the as-of month of the run published in dir (run.json). */
enum ftk_error cohort_run_as_of(const char *dir, int32_t *month,
                                struct ftk_diag *diag);

/* The customer with this tenant id, or NULL. */
const struct cohort_customer *cohort_run_find(const struct cohort_run *run,
                                              const char *tenant_id);

/* Checks that the run's core workloads were the loaded ones: every
 * customer's core_qe and core_ae are the sums over them. FTK_E_CONFIG
 * otherwise (the run used another --config). */
enum ftk_error cohort_run_check_core(const struct cohort_run *run,
                                     struct ftk_diag *diag);

/* Frees what cohort_run_load took; safe on a zeroed or released run. */
void cohort_run_release(struct cohort_run *run);

/* The number of candidates (customers with a focus area) in region. */
size_t cohort_run_candidates(const struct cohort_run *run, const char *region);

/* ---- picking sheets ----------------------------------------------------- */

/* The sheet's name for a region and month: "picks-2026-11-NA.csv", every
 * byte of the region other than A-Z a-z 0-9 - _ written as '_'. */
void cohort_pick_name(int32_t month, const char *region, char *out, size_t cap);

/* Writes the picking sheet of region (UTF-8 with a BOM, for Excel): one
 * row per candidate, users to goal descending then tenant_id, with an
 * empty pick column. Returns false when a write failed. */
bool cohort_pick_write(FILE *f, const struct cohort_run *run,
                       const char *region, int32_t month);

/* The pick values, case-insensitive: picked "x", "yes", "y", "1", "true";
 * not picked "", "no", "n", "0", "false". */
#define COHORT_PICK_VALUES                                                     \
    "x, yes, y, 1 or true (picked); empty, no, n, 0 or false (not picked)"

struct cohort_pick_row {
    const char *file; /* borrowed from the caller's list */
    uint64_t line;
    const char *tenant_id, *region; /* region "" when the cell is empty */
    int32_t cohort_month;           /* KPI_NO_DATE when empty */
    bool picked;
};

struct cohort_picks {
    struct cohort_pick_row *row;
    size_t n, cap;
    const char *const *files; /* borrowed from the caller */
    size_t *file_rows;        /* rows per file, n_files of them */
    size_t n_files;
    struct arena strings;
};

/* Reads filled-in picking sheets (columns matched by name: tenant_id and
 * pick required, region and cohort_month used when present, others
 * ignored). A file that cannot be read as CSV, or has no tenant_id or
 * pick column, fails at once (FTK_E_DATA, FTK_E_NOINPUT). A bad row (a
 * pick value not in COHORT_PICK_VALUES, no tenant_id, a bad cohort_month,
 * a wrong number of fields) adds a "file:line: ..." line to problems; the
 * caller must not freeze when there is any. The picks keep the files
 * array and its strings. */
enum ftk_error cohort_picks_read(struct cohort_picks *p,
                                 const char *const *files, size_t n_files,
                                 struct cohort_report *problems,
                                 struct ftk_diag *diag);

void cohort_picks_release(struct cohort_picks *p);

/* The cohort month the sheets name (their cohort_month cells), or
 * KPI_NO_DATE when none does. */
int32_t cohort_picks_month(const struct cohort_picks *p);

/* The customers chosen for a freeze. */
struct cohort_choice {
    const struct cohort_customer *customer; /* borrowed from the run */
    const char *from; /* "picks-2026-11-NA.csv:7" or "top 5" */
};

struct cohort_selection {
    struct cohort_choice *choice; /* by region, users to goal desc, id */
    size_t n, cap;
    struct arena strings;
};

void cohort_selection_init(struct cohort_selection *s);
void cohort_selection_release(struct cohort_selection *s);

/* The picked customers of the sheets for a freeze of month. Each sheet
 * is for one region: that of its first region cell (or of its first
 * picked customer). Adds a line to problems, and returns FTK_E_DATA when
 * there is any, for: a cohort_month other than month, a row whose region
 * is not the sheet's, a tenant on two rows (in any of the sheets), a
 * picked tenant that is not in the run or is in another region, a sheet
 * with nothing picked. A picked customer that is not a candidate is
 * taken (its focus areas are none) with a line in notes. */
enum ftk_error cohort_select_picks(struct cohort_selection *sel,
                                   const struct cohort_picks *p,
                                   const struct cohort_run *run, int32_t month,
                                   struct cohort_report *problems,
                                   struct cohort_report *notes,
                                   struct ftk_diag *diag);

/* The top n candidates by users to goal (then tenant_id) of each region
 * in regions, or of every region with a candidate when n_regions is 0.
 * FTK_E_DATA when a region given has no candidate. */
enum ftk_error cohort_select_top(struct cohort_selection *sel,
                                 const struct cohort_run *run, unsigned n,
                                 const char *const *regions, size_t n_regions,
                                 struct ftk_diag *diag);

/* ---- the state of a month ----------------------------------------------- */

struct cohort_member {
    const char *region, *tenant_id, *customer_name, *fm;
    int32_t frozen_on;
    const char *frozen_from;
    struct cohort_kpis kpis; /* at freeze */
    uint64_t line;
};

enum cohort_action { COHORT_ADD, COHORT_REMOVE };

struct cohort_change {
    unsigned number; /* 1, 2, ... in the order recorded */
    enum cohort_action action;
    const char *region, *tenant_id, *customer_name, *reason, *recorded_by;
    int32_t recorded_on, effective_on;
    struct cohort_kpis kpis; /* an add's KPIs when recorded; a removal has
                                as_of_month KPI_NO_DATE */
    uint64_t line;
};

struct cohort_state {
    char *dir, *cohort_path, *changes_path; /* owned */
    int32_t month;
    bool frozen; /* cohort-YYYY-MM.csv exists: some region is frozen */
    char workload[COHORT_MAX_WORKLOADS][CONFIG_CODE_MAX];
    int n_workloads;
    struct cohort_member *member; /* in file order */
    size_t n_members, cap_members;
    struct cohort_change *change; /* in file order (= number order) */
    size_t n_changes, cap_changes;
    struct arena strings;
};

/* Loads the state of month from dir. Missing files are an unfrozen month,
 * not an error. The files are checked as strictly as they are written
 * (header, values, change numbers, the notice, each add of a non-member
 * and removal of a member in effective order): FTK_E_DATA names the file
 * and line of anything else. On error st is released. */
enum ftk_error cohort_state_load(struct cohort_state *st, const char *dir,
                                 int32_t month, struct ftk_diag *diag);

/* The workloads a month's first freeze keeps (the configuration's core
 * workloads, in its order). Only for a month not frozen yet. */
void cohort_state_set_workloads(struct cohort_state *st,
                                const struct config *cfg);

/* The workload codes of the state, for cohort_run_load. */
void cohort_state_workloads(const struct cohort_state *st,
                            const char *out[COHORT_MAX_WORKLOADS]);

/* True when region has frozen members; *frozen_on (may be NULL) is the
 * day it was frozen. */
bool cohort_state_region_frozen(const struct cohort_state *st,
                                const char *region, int32_t *frozen_on);

void cohort_state_release(struct cohort_state *st);

/* Freezes the selection into the month's cohort file and commits it
 * through pub (opened on the state folder). The run must have been loaded
 * with the state's workloads. FTK_E_STATE, with nothing written, when the
 * month is over on today, when a region of the selection is already
 * frozen, or when a customer is already in the month's cohort. */
enum ftk_error cohort_freeze(const struct cohort_state *st, struct publish *pub,
                             const struct cohort_run *run,
                             const struct cohort_selection *sel, int32_t today,
                             struct ftk_diag *diag);

struct cohort_change_request {
    enum cohort_action action;
    const char *tenant_id;
    /* an add: the latest run, loaded with the state's workloads, for the
     * customer's region, name and KPIs; NULL for a removal */
    const struct cohort_run *run;
    const char *reason, *recorded_by; /* recorded_by may be "" */
    int32_t recorded_on, effective_on;
};

/* The earliest effective date of a change recorded on day. */
int32_t cohort_earliest_effective(int32_t recorded_on);

/* Appends a change to the month's change log and commits it through pub.
 * FTK_E_STATE, with nothing written, when: the month is not frozen; the
 * effective date is less than COHORT_NOTICE_DAYS after the recorded date
 * (the message gives the earliest allowed date) or after the month's
 * end; an add's region is not frozen; the customer added is already in
 * the cohort on that date, or the one removed is not; or the change would
 * make a later recorded change impossible. FTK_E_USAGE when the reason is
 * empty or not UTF-8. *recorded is the change as written (its number,
 * region, name; its strings point into req, st or the run, and its kpis.wl
 * is NULL). */
enum ftk_error cohort_change_record(const struct cohort_state *st,
                                    struct publish *pub,
                                    const struct cohort_change_request *req,
                                    struct cohort_change *recorded,
                                    struct ftk_diag *diag);

/* ---- the cohort on a date ----------------------------------------------- */

enum cohort_status {
    COHORT_MEMBER,  /* in the cohort on the date */
    COHORT_LEAVING, /* in the cohort, a pending removal recorded */
    COHORT_JOINING, /* a pending add */
    COHORT_REMOVED  /* was in the cohort; a removal took effect */
};

/* "member", "leaving", "joining", "removed". */
const char *cohort_status_name(enum cohort_status s);

struct cohort_view_row {
    enum cohort_status status;
    const char *region, *tenant_id, *customer_name, *fm;
    const struct cohort_kpis *baseline; /* at freeze, or at the add */
    int32_t since; /* frozen_on, or the add's effective date */
    const struct cohort_member *frozen; /* NULL when added by a change */
    const struct cohort_change *added;  /* the add, when added by one */
    const struct cohort_change *event;  /* LEAVING, JOINING: the pending
                                           change; REMOVED: the removal */
};

struct cohort_view {
    int32_t date;
    struct cohort_view_row *row; /* by region, then members and leaving,
                                    joining, removed; each by users to goal
                                    at baseline desc, then tenant_id */
    size_t n;
    const struct cohort_change **pending; /* effective after date, in
                                             effective order */
    size_t n_pending;
    const struct cohort_change **applied; /* effective on or before */
    size_t n_applied;
};

/* The cohort as it stands on date, for one region or (region NULL) all:
 * the frozen members with every change effective on or before date
 * applied, and the changes still pending (whenever recorded). The view
 * points into st. FTK_E_STATE when the month or the region is not
 * frozen. */
enum ftk_error cohort_view_build(struct cohort_view *v,
                                 const struct cohort_state *st, int32_t date,
                                 const char *region, struct ftk_diag *diag);

void cohort_view_release(struct cohort_view *v);

/* ---- the weekly review -------------------------------------------------- */

/* Where a customer stands against the focus areas it had at freeze. */
enum cohort_focus_status {
    COHORT_FOCUS_STILL_IN,  /* still in every one */
    COHORT_FOCUS_LEFT_SOME, /* left some, still in others */
    COHORT_FOCUS_LEFT_ALL,  /* left every one */
    COHORT_FOCUS_NONE,      /* had none at freeze (picked by hand) */
    COHORT_FOCUS_NOT_IN_RUN /* not in the latest run: no figures now */
};

/* "still in", "left some", "left all", "none at freeze", "not in run". */
const char *cohort_focus_status_name(enum cohort_focus_status s);

struct cohort_review_row {
    const struct cohort_view_row *v;
    const struct cohort_customer *now; /* NULL when not in the run */
    enum cohort_focus_status focus_status;
    unsigned still_in, left; /* focus area bits */
};

struct cohort_review {
    int32_t cohort_month, date, now_month;
    const char *region;
    const struct cohort_state *st;
    struct cohort_review_row *row; /* in meeting order */
    size_t n;
};

/* The review of a view (built for one region) against the latest run
 * (loaded with the state's workloads). Meeting order: members still in
 * some focus area (or picked without one), then those that left all,
 * then those missing from the run, then those joining; each by users to
 * goal now (at baseline when not in the run) descending, then tenant_id.
 * Removed members are left out. */
enum ftk_error cohort_review_build(struct cohort_review *r,
                                   const struct cohort_state *st,
                                   const struct cohort_view *v,
                                   const struct cohort_run *run,
                                   const char *region, struct ftk_diag *diag);

void cohort_review_release(struct cohort_review *r);

/* The review file's name: "review-2026-11-NA-2026-11-10" (no extension),
 * the region written as in cohort_pick_name. */
void cohort_review_name(const struct cohort_review *r, char *out, size_t cap);

/* Writes the review as CSV (UTF-8 with a BOM, for Excel). Returns false
 * when a write failed. */
bool cohort_review_write_csv(FILE *f, const struct cohort_review *r);

/* Writes the review as a workbook at path (libxlsxwriter creates the file
 * itself). FTK_E_IO or FTK_E_CANTCREAT with libxlsxwriter's message. */
enum ftk_error cohort_review_write_xlsx(const char *path,
                                        const struct cohort_review *r,
                                        struct ftk_diag *diag);

#endif
