/*
 * pipeline/import/m365_scan.h - the --reports folder of `ftkpi import
 * m365`: one folder per tenant, named by its tenant_id, holding its
 * report files (docs/import.md).
 *
 * Names are taken in byte order, so the reports are read, their rejects
 * listed and a duplicate named in the same order on every run. Names
 * starting with '.' are not looked at (.DS_Store, editors' files).
 */
#ifndef FTK_M365_SCAN_H
#define FTK_M365_SCAN_H

#include <stdbool.h>
#include <stddef.h>

#include "pipeline/base/ftk_error.h"

struct m365_scan_file {
    char *path;         /* DIR/TENANT/NAME, owned */
    const char *tenant; /* the scan's copy */
};

struct m365_scan {
    char **tenant; /* owned, byte order */
    size_t n_tenants, cap_tenants;
    struct m365_scan_file *file; /* tenant by tenant, by name */
    size_t n_files, cap_files;
    /* "DIR/x: not a folder, skipped": what was left out, for the user */
    char **warning;
    size_t n_warnings, cap_warnings;
};

/* A valid tenant_id for a folder name (docs/import.md): 1 to 64 bytes of
 * valid UTF-8, no control character, no space or tab at either end. */
bool m365_scan_valid_tenant_id(const char *s, size_t len);

/* Lists dir. FTK_E_NOINPUT when dir is not a readable folder or has no
 * tenant folder; FTK_E_DATA, naming it, for a tenant folder whose name is
 * not a valid tenant_id or a file whose name a message could not show
 * (control bytes, invalid UTF-8); FTK_E_NOMEM. Entries that are neither
 * are warnings. */
enum ftk_error m365_scan_dir(struct m365_scan *s, const char *dir,
                             struct ftk_diag *diag);

/* Frees everything. Safe on a zeroed struct and when called twice. */
void m365_scan_release(struct m365_scan *s);

#endif
