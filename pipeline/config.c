/*
 * pipeline/config.c - the configuration file, parsed with inih.
 *
 * inih calls one handler per "key = value" line and reports only the line
 * of the first failure, be it a handler's or its own syntax check's; it
 * reads on after it. So config_load feeds it lines through read_line,
 * which counts them: the first error of the handler keeps its message and
 * its line, and config_load tells the two kinds apart by that line.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <ini.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "pipeline/base/grow.h"
#include "pipeline/base/sort.h"
#include "pipeline/base/testing.h"

extern const char config_default_text[];

struct load_state {
    struct config *cfg;
    char error[512]; /* the first error found, without file:line */
    int error_line;  /* its line */
    int line;        /* the line inih is on, counted by read_line */
    bool failed;
    bool in_rules; /* the section is one of pipeline/playbook/rules.h */
};

static bool config_error(struct load_state *st, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static bool config_error(struct load_state *st, const char *fmt, ...)
{
    if (!st->failed) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(st->error, sizeof(st->error), fmt, ap);
        va_end(ap);
        st->error_line = st->line;
        st->failed = true;
    }
    return false;
}

static char *trim(char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    size_t n = strlen(s);
    while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
        s[--n] = '\0';
    return s;
}

static int find_code(const struct config *cfg, const char *code)
{
    for (int i = 0; i < cfg->n_workloads; i++)
        if (strcasecmp(cfg->workload[i].code, code) == 0)
            return i;
    return -1;
}

static bool valid_code(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n >= CONFIG_CODE_MAX)
        return false;
    for (size_t i = 0; i < n; i++)
        if (!isalnum((unsigned char)s[i]) && s[i] != '_')
            return false;
    return true;
}

static int add_code(struct load_state *st, const char *code)
{
    struct config *cfg = st->cfg;
    int w = find_code(cfg, code);
    if (w >= 0)
        return w;
    if (!valid_code(code)) {
        config_error(st,
                     "bad workload code '%s': expected 1-15 letters, digits "
                     "or '_'",
                     code);
        return -1;
    }
    if (cfg->n_workloads == CONFIG_MAX_WORKLOADS) {
        config_error(st, "too many workloads: at most %d",
                     CONFIG_MAX_WORKLOADS);
        return -1;
    }
    w = cfg->n_workloads++;
    struct config_workload *wl = &cfg->workload[w];
    memset(wl, 0, sizeof(*wl));
    for (size_t i = 0; code[i]; i++)
        wl->code[i] = (char)toupper((unsigned char)code[i]);
    wl->goal = -1;
    return w;
}

static char *lowercase_copy(const char *s)
{
    size_t n = strlen(s);
    char *copy = malloc(n + 1);
    if (!copy)
        return NULL;
    for (size_t i = 0; i <= n; i++)
        copy[i] = (char)tolower((unsigned char)s[i]);
    return copy;
}

static bool add_alias(struct load_state *st, const char *name, int w)
{
    struct config *cfg = st->cfg;
    for (size_t i = 0; i < cfg->n_aliases; i++) {
        if (strcasecmp(cfg->alias[i].name, name) != 0)
            continue;
        if (cfg->alias[i].workload == w)
            return true;
        return config_error(st, "alias '%s' already names workload %s", name,
                            cfg->workload[cfg->alias[i].workload].code);
    }
    struct config_alias *grown = grow_array(cfg->alias, &cfg->cap_aliases,
                                            cfg->n_aliases + 1, sizeof(*grown));
    if (!grown)
        return config_error(st, "out of memory");
    cfg->alias = grown;
    char *copy = lowercase_copy(name);
    if (!copy)
        return config_error(st, "out of memory");
    cfg->alias[cfg->n_aliases].name = copy;
    cfg->alias[cfg->n_aliases].workload = w;
    cfg->n_aliases++;
    return true;
}

/* Splits a comma-separated list in place and calls fn on every trimmed,
 * non-empty item. */
static bool each_item(struct load_state *st, char *list,
                      bool (*fn)(struct load_state *, const char *, void *),
                      void *arg)
{
    char *save = NULL;
    for (char *tok = strtok_r(list, ",", &save); tok;
         tok = strtok_r(NULL, ",", &save)) {
        char *item = trim(tok);
        if (*item && !fn(st, item, arg))
            return false;
    }
    return true;
}

static bool alias_item(struct load_state *st, const char *item, void *arg)
{
    return add_alias(st, item, *(int *)arg);
}

static bool core_item(struct load_state *st, const char *item, void *arg)
{
    (void)arg;
    int w = find_code(st->cfg, item);
    if (w < 0)
        return config_error(
            st,
            "unknown workload '%s' in core list: expected a code "
            "from [workloads]",
            item);
    if (!st->cfg->workload[w].core)
        st->cfg->core[st->cfg->n_core++] = w;
    st->cfg->workload[w].core = true;
    return true;
}

static bool parse_pct(struct load_state *st, const char *key, const char *value,
                      kpi_pct *out)
{
    if (!kpi_pct_parse(value, out))
        return config_error(st,
                            "bad value '%s' for %s: expected a percent such as "
                            "40 or 40.5 (at most four decimals)",
                            value, key);
    return true;
}

static bool parse_int(struct load_state *st, const char *key, const char *value,
                      int64_t min, int64_t max, int64_t *out)
{
    char *end;
    errno = 0;
    if (!isdigit((unsigned char)value[0]) && value[0] != '-')
        goto bad;
    long long v = strtoll(value, &end, 10);
    if (errno || *end || v < min || v > max)
        goto bad;
    *out = v;
    return true;
bad:
    return config_error(st,
                        "bad value '%s' for %s: expected a whole number from "
                        "%lld to %lld",
                        value, key, (long long)min, (long long)max);
}

static bool parse_days(struct load_state *st, const char *key,
                       const char *value, int *out)
{
    int64_t v;
    if (!parse_int(st, key, value, 0, 100000, &v))
        return false;
    *out = (int)v;
    return true;
}

static bool threshold_pair(struct load_state *st, const char *key, char *value,
                           struct kpi_thresholds *out)
{
    char *comma = strchr(value, ',');
    if (!comma)
        goto bad;
    *comma = '\0';
    char *green = trim(value), *red = trim(comma + 1);
    if (!kpi_pct_parse(green, &out->green_above) ||
        !kpi_pct_parse(red, &out->red_below))
        goto bad;
    if (out->red_below > out->green_above)
        return config_error(st,
                            "thresholds for %s: red_below %s is above "
                            "green_above %s",
                            key, red, green);
    return true;
bad:
    return config_error(st,
                        "bad thresholds for %s: expected 'green_above, "
                        "red_below' such as '70, 40'",
                        key);
}

static bool section_workloads(struct load_state *st, const char *name,
                              char *value)
{
    int w = add_code(st, name);
    if (w < 0)
        return false;
    if (!add_alias(st, st->cfg->workload[w].code, w))
        return false;
    return each_item(st, value, alias_item, &w);
}

static bool section_core(struct load_state *st, const char *name, char *value)
{
    struct config *cfg = st->cfg;
    if (strcasecmp(name, "workloads") != 0)
        return config_error(
            st, "unknown key '%s' in [core]: expected workloads", name);
    for (int i = 0; i < cfg->n_workloads; i++)
        cfg->workload[i].core = false;
    cfg->n_core = 0;
    return each_item(st, value, core_item, NULL);
}

static bool section_thresholds(struct load_state *st, const char *name,
                               char *value)
{
    struct config *cfg = st->cfg;
    if (strcasecmp(name, "default") == 0)
        return threshold_pair(st, name, value, &cfg->default_threshold);
    int w = find_code(cfg, name);
    if (w < 0)
        return config_error(st,
                            "unknown workload '%s' in [thresholds]: expected "
                            "default or a code from [workloads]",
                            name);
    cfg->workload[w].own_threshold = true;
    return threshold_pair(st, name, value, &cfg->workload[w].threshold);
}

static bool section_customer(struct load_state *st, const char *name,
                             char *value)
{
    struct kpi_customer_bands *b = &st->cfg->customer;
    int64_t v;
    if (strcasecmp(name, "red_below") == 0)
        return parse_pct(st, name, value, &b->red_below);
    if (strcasecmp(name, "green_above") == 0)
        return parse_pct(st, name, value, &b->green_above);
    if (strcasecmp(name, "red_count") == 0) {
        if (!parse_int(st, name, value, 1, CONFIG_MAX_WORKLOADS, &v))
            return false;
        b->red_count = (int)v;
        return true;
    }
    return config_error(st,
                        "unknown key '%s' in [customer_health]: expected "
                        "red_below, green_above or red_count",
                        name);
}

static bool section_plateau(struct load_state *st, const char *name,
                            char *value)
{
    struct config *cfg = st->cfg;
    int64_t v;
    if (strcasecmp(name, "band_pp") == 0)
        return parse_pct(st, name, value, &cfg->plateau_band);
    if (strcasecmp(name, "min_months") == 0) {
        if (!parse_int(st, name, value, 0, 1200, &v))
            return false;
        cfg->plateau_min_months = (int)v;
        return true;
    }
    return config_error(st,
                        "unknown key '%s' in [plateau]: expected band_pp or "
                        "min_months",
                        name);
}

static bool section_focus(struct load_state *st, const char *name, char *value)
{
    struct kpi_focus_limits *f = &st->cfg->focus;
    static const char *const ramp_keys[KPI_MILESTONES] = {
        "slow_ramp_10_days", "slow_ramp_40_days", "slow_ramp_70_days"};
    if (strcasecmp(name, "large_seats") == 0)
        return parse_int(st, name, value, 0, 2000000000, &f->large_seats);
    if (strcasecmp(name, "large_poor_below") == 0)
        return parse_pct(st, name, value, &f->large_poor_below);
    if (strcasecmp(name, "loser_delta_3m_pp") == 0)
        return parse_pct(st, name, value, &f->loser_delta_3m);
    if (strcasecmp(name, "slow_kickoff_days") == 0)
        return parse_days(st, name, value, &f->slow_kickoff_days);
    if (strcasecmp(name, "slow_enable_days") == 0)
        return parse_days(st, name, value, &f->slow_enable_days);
    for (int i = 0; i < KPI_MILESTONES; i++)
        if (strcasecmp(name, ramp_keys[i]) == 0)
            return parse_days(st, name, value, &f->slow_ramp_days[i]);
    return config_error(st,
                        "unknown key '%s' in [focus]: expected large_seats, "
                        "large_poor_below, loser_delta_3m_pp, "
                        "slow_kickoff_days, slow_enable_days or "
                        "slow_ramp_{10,40,70}_days",
                        name);
}

static bool section_goals(struct load_state *st, const char *name, char *value)
{
    int w = find_code(st->cfg, name);
    if (w < 0)
        return config_error(st,
                            "unknown workload '%s' in [goals]: expected a code "
                            "from [workloads]",
                            name);
    if (*value == '\0') {
        st->cfg->workload[w].goal = -1;
        return true;
    }
    return parse_int(st, name, value, 0, INT64_C(1000000000000),
                     &st->cfg->workload[w].goal);
}

static bool section_other(struct load_state *st, const char *section,
                          const char *name, char *value)
{
    struct config *cfg = st->cfg;
    if (strcasecmp(section, "program") == 0) {
        if (strcasecmp(name, "name") != 0)
            return config_error(
                st, "unknown key '%s' in [program]: expected name", name);
        if (strlen(value) >= sizeof(cfg->program_name))
            return config_error(st, "program name is longer than %zu bytes",
                                sizeof(cfg->program_name) - 1);
        strcpy(cfg->program_name, value);
        return true;
    }
    if (strcasecmp(section, "ingest") == 0) {
        if (strcasecmp(name, "max_reject_pct") != 0)
            return config_error(st,
                                "unknown key '%s' in [ingest]: expected "
                                "max_reject_pct",
                                name);
        if (!parse_pct(st, name, value, &cfg->max_reject_pct))
            return false;
        if (cfg->max_reject_pct < 0)
            return config_error(st, "max_reject_pct must not be negative");
        return true;
    }
    if (strcasecmp(section, "workbook") == 0) {
        int64_t v;
        if (strcasecmp(name, "max_list_rows") != 0)
            return config_error(st,
                                "unknown key '%s' in [workbook]: expected "
                                "max_list_rows",
                                name);
        /* a header, perhaps a note, and the rows fit in Excel's sheet */
        if (!parse_int(st, name, value, 1, 1000000, &v))
            return false;
        cfg->max_list_rows = (uint32_t)v;
        return true;
    }
    return config_error(st,
                        "unknown section [%s]: expected program, workloads, "
                        "core, thresholds, customer_health, plateau, focus, "
                        "goals, ingest or workbook",
                        section);
}

static bool section_rules(struct load_state *st, const char *section,
                          const char *name, const char *value)
{
    char err[sizeof(st->error)];
    if (!rules_key(&st->cfg->rules, st->cfg, section, name, value, st->line,
                   err, sizeof(err)))
        return config_error(st, "%s", err);
    return true;
}

static int handler(void *user, const char *section, const char *name,
                   const char *raw_value)
{
    struct load_state *st = user;
    char value[1024];
    if (strlen(raw_value) >= sizeof(value))
        return config_error(st, "value of %s is too long", name);
    strcpy(value, raw_value);
    char *v = trim(value);
    bool ok;
    if (strcasecmp(section, "workloads") == 0)
        ok = section_workloads(st, name, v);
    else if (strcasecmp(section, "core") == 0)
        ok = section_core(st, name, v);
    else if (strcasecmp(section, "thresholds") == 0)
        ok = section_thresholds(st, name, v);
    else if (strcasecmp(section, "customer_health") == 0)
        ok = section_customer(st, name, v);
    else if (strcasecmp(section, "plateau") == 0)
        ok = section_plateau(st, name, v);
    else if (strcasecmp(section, "focus") == 0)
        ok = section_focus(st, name, v);
    else if (strcasecmp(section, "goals") == 0)
        ok = section_goals(st, name, v);
    else if (rules_is_section(section, strlen(section)))
        ok = section_rules(st, section, name, v);
    else
        ok = section_other(st, section, name, v);
    return ok ? 1 : 0;
}

static int alias_cmp(const void *a, const void *b)
{
    const struct config_alias *x = a, *y = b;
    return strcmp(x->name, y->name);
}

/* Workloads without a threshold line of their own take the default. */
static void settle(struct config *cfg)
{
    for (int i = 0; i < cfg->n_workloads; i++)
        if (!cfg->workload[i].own_threshold)
            cfg->workload[i].threshold = cfg->default_threshold;
    sort_array(cfg->alias, cfg->n_aliases, sizeof(cfg->alias[0]), alias_cmp);
}

static const char *const sections[] = {
    "program", "workloads", "core",  "thresholds", "customer_health",
    "plateau", "focus",     "goals", "ingest",     "workbook"};

/* inih only calls the handler for keys, so an unknown section with no key
 * under it would pass unnoticed: check every section line here. */
static void check_section(struct load_state *st, const char *line)
{
    if (line[0] != '[')
        return;
    const char *end = strchr(line, ']');
    if (!end)
        return; /* inih reports the syntax error */
    size_t len = (size_t)(end - line - 1);
    st->in_rules = rules_is_section(line + 1, len);
    if (st->in_rules) {
        char err[sizeof(st->error)];
        if (!rules_section(&st->cfg->rules, line + 1, len, st->line, err,
                           sizeof(err)))
            config_error(st, "%s", err);
        return;
    }
    for (size_t i = 0; i < sizeof(sections) / sizeof(sections[0]); i++)
        if (strlen(sections[i]) == len &&
            strncasecmp(sections[i], line + 1, len) == 0)
            return;
    config_error(st,
                 "unknown section [%.*s]: expected program, workloads, "
                 "core, thresholds, customer_health, plateau, focus, "
                 "goals, ingest, workbook, workload_names or rule NAME",
                 (int)len, line + 1);
}

/* inih ends a value at a ';' that follows white space, taking the rest
 * for a comment. The playbooks' words use ';' ("FM: deliver the BVD;
 * then ..."), so in their sections a cut would silently lose words: it is
 * an error instead, and comments go on lines of their own. */
static void check_inline_comment(struct load_state *st, const char *line)
{
    if (!st->in_rules || line[0] == ';' || line[0] == '#' || line[0] == '[')
        return;
    const char *v = line + strcspn(line, "=:");
    if (!*v)
        return; /* inih reports the syntax error */
    for (v++; *v == ' ' || *v == '\t'; v++)
        ;
    for (const char *c = v; *c; c++)
        if (*c == ';' && c > v && isspace((unsigned char)c[-1])) {
            config_error(st, "';' after a space starts a comment and would cut "
                             "the value here: write ';' right after a word, or "
                             "put the comment on a line of its own");
            return;
        }
}

/* The lines inih parses: from the --config file, or else from the text
 * of the built-in defaults. */
struct line_reader {
    struct load_state *st;
    FILE *f;
    const char *text;
};

static int next_char(struct line_reader *lr)
{
    if (lr->f)
        return getc(lr->f);
    return *lr->text ? (unsigned char)*lr->text++ : EOF;
}

/* inih's reader: one physical line into buf (size bytes), without its
 * LF. A line that does not fit is an error of its own, rather than a
 * truncated value followed by a line made of its rest. */
static char *read_line(char *buf, int size, void *stream)
{
    struct line_reader *lr = stream;
    int n = 0, c;
    bool too_long = false;
    while ((c = next_char(lr)) != EOF && c != '\n') {
        if (n < size - 1)
            buf[n++] = (char)c;
        else
            too_long = true;
    }
    if (c == EOF && n == 0)
        return NULL;
    buf[n] = '\0';
    lr->st->line++;
    if (too_long) {
        config_error(lr->st, "line longer than %d characters", size - 1);
        buf[0] = '\0';
        return buf;
    }
    /* inih would take an indented line as more of the previous value;
     * here every line stands alone, so a stray indent cannot silently add
     * an alias. */
    size_t lead = strspn(buf, " \t");
    memmove(buf, buf + lead, (size_t)n - lead + 1);
    check_section(lr->st, buf);
    check_inline_comment(lr->st, buf);
    return buf;
}

/* Parses one file (f) or the defaults (text) into st->cfg. */
static enum ftk_error parse(struct load_state *st, FILE *f, const char *text,
                            const char *file, struct ftk_diag *diag)
{
    struct line_reader lr = {.st = st, .f = f, .text = text};
    st->failed = false;
    st->line = 0;
    st->in_rules = false;
    rules_file_start(&st->cfg->rules);
    int rc = ini_parse_stream(read_line, &lr, handler, st);
    int at;
    char err[sizeof(st->error)];
    if (rc == 0 && !st->failed &&
        !rules_file_end(&st->cfg->rules, &at, err, sizeof(err))) {
        st->line = at;
        config_error(st, "%s", err);
    }
    if (rc == -2)
        return ftk_fail(diag, FTK_E_NOMEM, "%s: out of memory", file);
    if (f && ferror(f))
        return ftk_fail(diag, FTK_E_IO, "%s: read error: %s", file,
                        strerror(errno));
    /* rc is the first line inih found wrong (0: none), st has the first
     * line the handler or read_line found wrong. */
    if (st->failed && (rc <= 0 || st->error_line <= rc))
        return ftk_fail(diag, FTK_E_CONFIG, "%s:%d: %s", file, st->error_line,
                        st->error);
    if (rc > 0)
        return ftk_fail(diag, FTK_E_CONFIG,
                        "%s:%d: syntax error: expected '[section]' or "
                        "'key = value'",
                        file, rc);
    return FTK_OK;
}

enum ftk_error config_load(struct config *cfg, const char *path,
                           struct ftk_diag *diag)
{
    memset(cfg, 0, sizeof(*cfg));
    struct load_state st = {.cfg = cfg};
    enum ftk_error err = parse(&st, NULL, config_default_text,
                               "templates/ftkpi.ini (built in)", diag);
    if (err == FTK_OK && path) {
        FILE *f = fopen(path, "r");
        struct stat sb;
        if (!f) {
            err = ftk_fail(diag, FTK_E_NOINPUT, "%s: cannot open: %s", path,
                           strerror(errno));
        } else if (fstat(fileno(f), &sb) == 0 && S_ISDIR(sb.st_mode)) {
            /* as for an input given as a folder: missing input, 66 */
            err = ftk_fail(diag, FTK_E_NOINPUT,
                           "%s: a folder, not a configuration file: give "
                           "--config an .ini file",
                           path);
            fclose(f);
        } else {
            err = parse(&st, f, NULL, path, diag);
            fclose(f);
        }
    }
    if (err != FTK_OK) {
        config_release(cfg);
        return err;
    }
    snprintf(cfg->source, sizeof(cfg->source), "%s",
             path ? path : "built-in defaults (templates/ftkpi.ini)");
    settle(cfg);
    return FTK_OK;
}

void config_release(struct config *cfg)
{
    rules_release(&cfg->rules);
    for (size_t i = 0; i < cfg->n_aliases; i++)
        free(cfg->alias[i].name);
    free(cfg->alias);
    cfg->alias = NULL;
    cfg->n_aliases = cfg->cap_aliases = 0;
}

int config_workload_lookup(const struct config *cfg, const char *name,
                           size_t len)
{
    char key[128];
    if (len == 0 || len >= sizeof(key))
        return -1;
    for (size_t i = 0; i < len; i++)
        key[i] = (char)tolower((unsigned char)name[i]);
    key[len] = '\0';
    size_t lo = 0, hi = cfg->n_aliases;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(cfg->alias[mid].name, key);
        if (c == 0)
            return cfg->alias[mid].workload;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return -1;
}
