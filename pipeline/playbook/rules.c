/*
 * pipeline/playbook/rules.c - reading and evaluating the playbooks' rules.
 *
 * A condition is parsed once, at load time, into a small tree of nodes.
 * Evaluating it for a customer gives its truth and, from the terms that
 * decided it, the reason: a true "and" is explained by all its terms, a
 * true "or" by the terms that held, a false "or" by all of them, a false
 * "and" by those that failed. Each term names the figure it read (a
 * workload's AU, its QE, its enabled date, a tag found in its notes).
 */
#include "rules.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "kpi/date.h"
#include "pipeline/base/grow.h"
#include "pipeline/base/utf8.h"
#include "pipeline/config.h"
#include "pipeline/facts.h"

#include "pipeline/base/testing.h"

_Static_assert(RULES_MAX_WORKLOADS == CONFIG_MAX_WORKLOADS,
               "rules keep an entry per configurable workload");

static bool rule_error(char *err, size_t cap, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static bool rule_error(char *err, size_t cap, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, cap, fmt, ap);
    va_end(ap);
    return false;
}

static void expr_free(struct rule_expr *e)
{
    free(e->node);
    memset(e, 0, sizeof(*e));
}

void rules_release(struct rules *rs)
{
    for (size_t i = 0; i < rs->n; i++) {
        expr_free(&rs->rule[i].when);
        expr_free(&rs->rule[i].alt_if);
    }
    free(rs->rule);
    arena_release(&rs->strings);
    memset(rs, 0, sizeof(*rs));
}

int rules_find(const struct rules *rs, const char *name, size_t len)
{
    for (size_t i = 0; i < rs->n; i++)
        if (strlen(rs->rule[i].name) == len &&
            strncasecmp(rs->rule[i].name, name, len) == 0)
            return (int)i;
    return -1;
}

static bool is_blank(char c)
{
    return c == ' ' || c == '\t';
}

/* The NAME of a "rule NAME" section (trimmed, *len bytes), or NULL. */
static const char *rule_section_name(const char *section, size_t len,
                                     size_t *name_len)
{
    if (len < 5 || strncasecmp(section, "rule", 4) != 0 ||
        !is_blank(section[4]))
        return NULL;
    size_t a = 4, b = len;
    while (a < b && is_blank(section[a]))
        a++;
    while (b > a && is_blank(section[b - 1]))
        b--;
    *name_len = b - a;
    return section + a;
}

static bool is_names_section(const char *section, size_t len)
{
    static const char names[] = "workload_names";
    return len == sizeof(names) - 1 && strncasecmp(section, names, len) == 0;
}

bool rules_is_section(const char *section, size_t len)
{
    size_t n;
    return rule_section_name(section, len, &n) != NULL ||
           is_names_section(section, len);
}

void rules_file_start(struct rules *rs)
{
    for (size_t i = 0; i < rs->n; i++) {
        struct rule *r = &rs->rule[i];
        r->section_line = r->workload_line = r->when_line = 0;
        r->alt_if_line = r->alt_action_line = 0;
    }
}

static bool is_word(char c)
{
    return isalnum((unsigned char)c) || c == '_';
}

bool rules_section(struct rules *rs, const char *section, size_t len, int line,
                   char *err, size_t cap)
{
    size_t n;
    const char *name = rule_section_name(section, len, &n);
    if (!name)
        return true;
    bool ok = n > 0 && n < RULE_NAME_MAX;
    for (size_t i = 0; ok && i < n; i++)
        ok = is_word(name[i]);
    if (!ok)
        return rule_error(err, cap,
                          "bad rule name '%.*s': expected 1-%d letters, digits "
                          "or '_'",
                          (int)n, name, RULE_NAME_MAX - 1);
    int i = rules_find(rs, name, n);
    if (i < 0) {
        struct rule *grown =
            grow_array(rs->rule, &rs->cap, rs->n + 1, sizeof(*grown));
        if (!grown)
            return rule_error(err, cap, "out of memory");
        rs->rule = grown;
        i = (int)rs->n++;
        struct rule *r = &rs->rule[i];
        memset(r, 0, sizeof(*r));
        memcpy(r->name, name, n);
        r->workload = -1;
        r->enabled = true;
    }
    if (rs->rule[i].section_line == 0)
        rs->rule[i].section_line = line;
    return true;
}

/* ---- reading a condition ---- */

struct token {
    const char *s;
    size_t len;
    bool quoted; /* "a phrase": s and len are inside the quotes */
};

struct parser {
    const struct config *cfg;
    struct arena *strings;
    const char *key; /* "when" or "alt_if", for messages */
    struct token tok[RULE_MAX_NODES];
    int n_tok, at;
    struct rule_node *node;
    int n_nodes;
    char *err;
    size_t cap;
};

static bool tokenize(struct parser *p, const char *s)
{
    p->n_tok = 0;
    for (size_t i = 0; s[i];) {
        if (is_blank(s[i])) {
            i++;
            continue;
        }
        if (p->n_tok == RULE_MAX_NODES)
            return rule_error(p->err, p->cap,
                              "%s is too long: at most %d words", p->key,
                              RULE_MAX_NODES);
        struct token *t = &p->tok[p->n_tok++];
        t->quoted = false;
        if (s[i] == '(' || s[i] == ')') {
            t->s = s + i;
            t->len = 1;
            i++;
        } else if (s[i] == '"') {
            const char *end = strchr(s + i + 1, '"');
            if (!end)
                return rule_error(
                    p->err, p->cap,
                    "unterminated phrase in %s: expected a closing "
                    "'\"'",
                    p->key);
            t->s = s + i + 1;
            t->len = (size_t)(end - t->s);
            t->quoted = true;
            i = (size_t)(end - s) + 1;
        } else {
            size_t j = i;
            while (s[j] && !is_blank(s[j]) && s[j] != '(' && s[j] != ')' &&
                   s[j] != '"')
                j++;
            t->s = s + i;
            t->len = j - i;
            i = j;
        }
    }
    return true;
}

static bool tok_is(const struct token *t, const char *word)
{
    return !t->quoted && strlen(word) == t->len &&
           strncasecmp(t->s, word, t->len) == 0;
}

static bool peek_is(const struct parser *p, const char *word)
{
    return p->at < p->n_tok && tok_is(&p->tok[p->at], word);
}

static int add_node(struct parser *p, const struct rule_node *n)
{
    if (p->n_nodes == RULE_MAX_NODES) {
        rule_error(p->err, p->cap, "%s is too long: at most %d terms", p->key,
                   RULE_MAX_NODES);
        return -1;
    }
    p->node[p->n_nodes] = *n;
    return p->n_nodes++;
}

static int find_code(const struct config *cfg, const char *s, size_t len)
{
    for (int i = 0; i < cfg->n_workloads; i++)
        if (strlen(cfg->workload[i].code) == len &&
            strncasecmp(cfg->workload[i].code, s, len) == 0)
            return i;
    return -1;
}

static const char *keep(struct parser *p, const char *s, size_t len)
{
    const char *copy = arena_strndup(p->strings, s, len);
    if (!copy)
        rule_error(p->err, p->cap, "out of memory");
    return copy;
}

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* A notes tag as docs/kpis.md finds them: Expecting<50, Expecting>50
 * (any case; kept in that spelling) or '#' and letters, digits, '_'. */
static const char *tag_text(struct parser *p, const struct token *t)
{
    static const char *const expecting[] = {"Expecting<50", "Expecting>50"};
    for (int i = 0; i < 2; i++)
        if (!t->quoted && t->len == strlen(expecting[i]) &&
            strncasecmp(t->s, expecting[i], t->len) == 0)
            return expecting[i];
    bool ok = !t->quoted && t->len >= 2 && t->s[0] == '#';
    for (size_t i = 1; ok && i < t->len; i++)
        ok = is_word(t->s[i]);
    if (!ok) {
        rule_error(
            p->err, p->cap,
            "bad tag '%.*s' in %s: expected Expecting<50, Expecting>50 or "
            "'#' followed by letters, digits or '_'",
            (int)t->len, t->s, p->key);
        return NULL;
    }
    return keep(p, t->s, t->len);
}

static bool parse_percent(struct parser *p, const struct token *toks, int n,
                          kpi_pct *out)
{
    char num[64];
    size_t len = toks[0].len;
    /* "10", "10%" or "10 %" */
    if (n == 2 && tok_is(&toks[1], "%"))
        n = 1;
    else if (n == 1 && len > 1 && toks[0].s[len - 1] == '%')
        len--;
    if (n == 1 && !toks[0].quoted && len < sizeof(num)) {
        memcpy(num, toks[0].s, len);
        num[len] = '\0';
        if (is_digit(num[0]) && kpi_pct_parse(num, out))
            return true;
    }
    return rule_error(
        p->err, p->cap,
        "bad percent '%.*s' in %s: expected a number such as 10 or "
        "40.5",
        (int)(toks[n - 1].s + toks[n - 1].len - toks[0].s), toks[0].s, p->key);
}

static bool is_health(const struct token *t, enum kpi_health *h)
{
    static const enum kpi_health all[] = {KPI_HEALTH_GREEN, KPI_HEALTH_YELLOW,
                                          KPI_HEALTH_RED, KPI_HEALTH_NA};
    for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++)
        if (tok_is(t, kpi_health_name(all[i]))) {
            *h = all[i];
            return true;
        }
    return false;
}

static bool phrase(struct parser *p, struct rule_node *n, const struct token *t)
{
    struct text sq;
    text_init(&sq);
    rules_squeeze(t->s, t->len, &sq);
    bool ok = false;
    if (text_failed(&sq))
        rule_error(p->err, p->cap, "out of memory");
    else if (sq.len == 0)
        rule_error(p->err, p->cap,
                   "empty phrase in %s: expected words in quotes", p->key);
    else if ((n->text = keep(p, t->s, t->len)) != NULL)
        ok = (n->squeezed = keep(p, sq.s, sq.len)) != NULL;
    text_release(&sq);
    return ok;
}

/* One term: the words toks[0..n), matched against the vocabulary. */
static int parse_term(struct parser *p, const struct token *toks, int n)
{
    struct rule_node t = {.op = RULE_OP_TERM, .workload = -1};
    const struct token *a = &toks[0], *z = &toks[n - 1];
    /* the term as written, quotes included, for messages */
    const char *from = a->s - (a->quoted ? 1 : 0);
    int len = (int)(z->s + z->len + (z->quoted ? 1 : 0) - from);
    bool ok = true;

    if (n == 3 && tok_is(a, "qe") && tok_is(&toks[1], ">") &&
        tok_is(&toks[2], "0")) {
        t.term = RULE_QE_POSITIVE;
    } else if (n == 4 && !a->quoted && tok_is(&toks[1], "qe") &&
               tok_is(&toks[2], ">") && tok_is(&toks[3], "0")) {
        t.term = RULE_QE_POSITIVE;
        t.workload = find_code(p->cfg, a->s, a->len);
        if (t.workload < 0) {
            rule_error(p->err, p->cap,
                       "unknown workload '%.*s' in %s: expected a code from "
                       "[workloads]",
                       (int)a->len, a->s, p->key);
            return -1;
        }
    } else if (n >= 3 && n <= 4 && tok_is(a, "au") &&
               (tok_is(&toks[1], "<") || tok_is(&toks[1], "<=") ||
                tok_is(&toks[1], ">") || tok_is(&toks[1], ">="))) {
        t.term = tok_is(&toks[1], "<")    ? RULE_AU_BELOW
                 : tok_is(&toks[1], "<=") ? RULE_AU_AT_MOST
                 : tok_is(&toks[1], ">")  ? RULE_AU_ABOVE
                                          : RULE_AU_AT_LEAST;
        ok = parse_percent(p, toks + 2, n - 2, &t.pct);
    } else if (n == 2 && tok_is(a, "no") && tok_is(&toks[1], "value")) {
        t.term = RULE_NO_VALUE;
    } else if (n == 2 && tok_is(a, "au") && tok_is(&toks[1], "undefined")) {
        t.term = RULE_AU_UNDEFINED;
    } else if (n == 2 && tok_is(a, "scenario") &&
               (tok_is(&toks[1], "<10%") || tok_is(&toks[1], "10-40%") ||
                tok_is(&toks[1], ">40%"))) {
        t.term = RULE_SCENARIO;
        t.text = tok_is(&toks[1], "<10%")     ? "<10%"
                 : tok_is(&toks[1], "10-40%") ? "10-40%"
                                              : ">40%";
    } else if (n == 3 && tok_is(a, "health") && tok_is(&toks[1], "is") &&
               is_health(&toks[2], &t.health)) {
        t.term = RULE_HEALTH_IS;
    } else if (n == 4 && tok_is(a, "health") && tok_is(&toks[1], "is") &&
               tok_is(&toks[2], "not") && is_health(&toks[3], &t.health)) {
        t.term = RULE_HEALTH_IS_NOT;
    } else if (n == 1 && tok_is(a, "enabled")) {
        t.term = RULE_ENABLED;
    } else if (n == 2 && tok_is(a, "not") && tok_is(&toks[1], "enabled")) {
        t.term = RULE_NOT_ENABLED;
    } else if (n == 3 && tok_is(a, "enabled") && tok_is(&toks[1], "in") &&
               tok_is(&toks[2], "month")) {
        t.term = RULE_ENABLED_IN_MONTH;
    } else if (n == 2 && tok_is(a, "tag")) {
        t.term = RULE_TAG;
        ok = (t.text = tag_text(p, &toks[1])) != NULL;
    } else if (n == 3 && tok_is(a, "no") && tok_is(&toks[1], "tag")) {
        t.term = RULE_NO_TAG;
        ok = (t.text = tag_text(p, &toks[2])) != NULL;
    } else if (n == 3 && tok_is(a, "notes") && tok_is(&toks[1], "say") &&
               toks[2].quoted) {
        t.term = RULE_NOTES_SAY;
        ok = phrase(p, &t, &toks[2]);
    } else if (n == 5 && tok_is(a, "notes") && tok_is(&toks[1], "do") &&
               tok_is(&toks[2], "not") && tok_is(&toks[3], "say") &&
               toks[4].quoted) {
        t.term = RULE_NOTES_DO_NOT_SAY;
        ok = phrase(p, &t, &toks[4]);
    } else if (n == 1 && tok_is(a, "candidate")) {
        t.term = RULE_CANDIDATE;
    } else {
        rule_error(
            p->err, p->cap,
            "unknown condition '%.*s' in %s: expected qe > 0, CODE qe > 0, "
            "au < | <= | > | >= P, no value, au undefined, scenario X, "
            "health is [not] H, [not] enabled, enabled in month, [no] tag T, "
            "notes [do not] say \"...\" or candidate",
            len, from, p->key);
        return -1;
    }
    return ok ? add_node(p, &t) : -1;
}

static int parse_or(struct parser *p, int depth);

static int parse_unit(struct parser *p, int depth)
{
    if (p->at == p->n_tok) {
        rule_error(p->err, p->cap, "%s ends where a condition was expected",
                   p->key);
        return -1;
    }
    if (peek_is(p, "(")) {
        p->at++;
        int e = parse_or(p, depth + 1);
        if (e < 0)
            return -1;
        if (!peek_is(p, ")")) {
            rule_error(p->err, p->cap, "missing ')' in %s", p->key);
            return -1;
        }
        p->at++;
        return e;
    }
    int start = p->at;
    while (p->at < p->n_tok && !peek_is(p, "and") && !peek_is(p, "or") &&
           !peek_is(p, "(") && !peek_is(p, ")"))
        p->at++;
    if (p->at == start) {
        const struct token *t = &p->tok[p->at];
        rule_error(p->err, p->cap,
                   "unexpected '%.*s' in %s: expected a condition", (int)t->len,
                   t->s, p->key);
        return -1;
    }
    return parse_term(p, &p->tok[start], p->at - start);
}

static int parse_binary(struct parser *p, int depth, const char *op)
{
    bool is_or = strcmp(op, "or") == 0;
    int left = is_or ? parse_binary(p, depth, "and") : parse_unit(p, depth);
    while (left >= 0 && peek_is(p, op)) {
        p->at++;
        int right =
            is_or ? parse_binary(p, depth, "and") : parse_unit(p, depth);
        if (right < 0)
            return -1;
        struct rule_node n = {
            .op = is_or ? RULE_OP_OR : RULE_OP_AND,
            .left = left,
            .right = right,
        };
        left = add_node(p, &n);
    }
    return left;
}

static int parse_or(struct parser *p, int depth)
{
    if (depth > RULE_MAX_NODES) {
        rule_error(p->err, p->cap, "%s nests too deep", p->key);
        return -1;
    }
    return parse_binary(p, depth, "or");
}

/* Parses value into e (replacing what it held). An empty value gives an
 * empty expression when allow_empty. */
static bool parse_expr(struct rules *rs, const struct config *cfg,
                       const char *key, const char *value, bool allow_empty,
                       struct rule_expr *e, char *err, size_t cap)
{
    struct parser *p = calloc(1, sizeof(*p));
    if (!p)
        return rule_error(err, cap, "out of memory");
    p->cfg = cfg;
    p->strings = &rs->strings;
    p->key = key;
    p->err = err;
    p->cap = cap;
    bool ok = false;
    p->node = malloc(RULE_MAX_NODES * sizeof(*p->node));
    if (!p->node) {
        rule_error(err, cap, "out of memory");
        goto out;
    }
    if (!tokenize(p, value))
        goto out;
    if (p->n_tok == 0) {
        if (!allow_empty) {
            rule_error(err, cap, "empty %s: expected a condition", key);
            goto out;
        }
        expr_free(e);
        ok = true;
        goto out;
    }
    int root = parse_or(p, 0);
    if (root < 0)
        goto out;
    if (p->at < p->n_tok) {
        const struct token *t = &p->tok[p->at];
        rule_error(err, cap,
                   "unexpected '%.*s' in %s: expected 'and', 'or' or the end",
                   (int)t->len, t->s, key);
        goto out;
    }
    expr_free(e);
    e->node = p->node;
    e->n = p->n_nodes;
    e->root = root;
    p->node = NULL;
    ok = true;
out:
    free(p->node);
    free(p);
    return ok;
}

/* True when e has a term that reads the rule's own workload. */
static bool reads_own_workload(const struct rule_expr *e)
{
    for (int i = 0; i < e->n; i++)
        if (e->node[i].op == RULE_OP_TERM && e->node[i].workload < 0 &&
            e->node[i].term != RULE_CANDIDATE)
            return true;
    return false;
}

/* Words for people: valid UTF-8 without control characters. */
static bool check_words(const char *key, const char *value, char *err,
                        size_t cap)
{
    size_t n = strlen(value);
    if (utf8_valid_prefix(value, n) != n)
        return rule_error(err, cap, "invalid UTF-8 in %s", key);
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)value[i] < 0x20 || value[i] == 0x7f)
            return rule_error(err, cap, "control character in %s", key);
    return true;
}

static bool set_words(struct rules *rs, const char *key, const char *value,
                      const char **out, char *err, size_t cap)
{
    if (!check_words(key, value, err, cap))
        return false;
    const char *copy = arena_strndup(&rs->strings, value, strlen(value));
    if (!copy)
        return rule_error(err, cap, "out of memory");
    *out = copy;
    return true;
}

static bool rule_key(struct rules *rs, const struct config *cfg, struct rule *r,
                     const char *key, const char *value, int line, char *err,
                     size_t cap)
{
    if (strcasecmp(key, "workload") == 0) {
        int w = -1;
        if (*value && (w = find_code(cfg, value, strlen(value))) < 0)
            return rule_error(
                err, cap,
                "unknown workload '%s' in [rule %s]: expected a code "
                "from [workloads], or nothing for a customer-level "
                "rule",
                value, r->name);
        r->workload = w;
        r->workload_line = line;
        return true;
    }
    if (strcasecmp(key, "when") == 0) {
        r->when_line = line;
        return parse_expr(rs, cfg, "when", value, false, &r->when, err, cap);
    }
    if (strcasecmp(key, "alt_if") == 0) {
        r->alt_if_line = line;
        return parse_expr(rs, cfg, "alt_if", value, true, &r->alt_if, err, cap);
    }
    if (strcasecmp(key, "action") == 0) {
        if (!*value)
            return rule_error(err, cap,
                              "empty action: expected the words of the "
                              "action");
        return set_words(rs, key, value, &r->action, err, cap);
    }
    if (strcasecmp(key, "alt_action") == 0) {
        r->alt_action_line = line;
        if (!*value) {
            r->alt_action = NULL;
            return true;
        }
        return set_words(rs, key, value, &r->alt_action, err, cap);
    }
    if (strcasecmp(key, "task") == 0) {
        size_t n = strlen(value);
        bool ok = n < RULE_TASK_MAX;
        for (size_t i = 0; ok && i < n; i++)
            ok = is_digit(value[i]);
        if (!ok)
            return rule_error(
                err, cap,
                "bad task '%s': expected a task number of up to %d "
                "digits, or nothing for no task",
                value, RULE_TASK_MAX - 1);
        memcpy(r->task, value, n + 1);
        return true;
    }
    if (strcasecmp(key, "enabled") == 0) {
        if (strcasecmp(value, "yes") == 0 || strcasecmp(value, "true") == 0)
            r->enabled = true;
        else if (strcasecmp(value, "no") == 0 ||
                 strcasecmp(value, "false") == 0)
            r->enabled = false;
        else
            return rule_error(err, cap,
                              "bad value '%s' for enabled: expected yes "
                              "or no",
                              value);
        return true;
    }
    return rule_error(err, cap,
                      "unknown key '%s' in [rule %s]: expected workload, when, "
                      "task, action, alt_if, alt_action or enabled",
                      key, r->name);
}

bool rules_key(struct rules *rs, const struct config *cfg, const char *section,
               const char *key, const char *value, int line, char *err,
               size_t cap)
{
    size_t len = strlen(section), n;
    if (is_names_section(section, len)) {
        int w = find_code(cfg, key, strlen(key));
        if (w < 0)
            return rule_error(
                err, cap,
                "unknown workload '%s' in [workload_names]: expected "
                "a code from [workloads]",
                key);
        if (!*value) {
            rs->long_name[w] = NULL;
            return true;
        }
        return set_words(rs, "a workload name", value, &rs->long_name[w], err,
                         cap);
    }
    const char *name = rule_section_name(section, len, &n);
    int i = name ? rules_find(rs, name, n) : -1;
    if (i < 0) /* rules_section saw the header and refused it */
        return rule_error(err, cap, "key outside a valid [rule NAME] section");
    return rule_key(rs, cfg, &rs->rule[i], key, value, line, err, cap);
}

bool rules_file_end(const struct rules *rs, int *line, char *err, size_t cap)
{
    for (size_t i = 0; i < rs->n; i++) {
        const struct rule *r = &rs->rule[i];
        /* Only this file's lines can have broken a rule that was whole. */
        if (!r->when.n) {
            *line = r->section_line;
            return rule_error(
                err, cap, "[rule %s] has no condition: expected 'when = ...'",
                r->name);
        }
        if (!r->action) {
            *line = r->section_line;
            return rule_error(
                err, cap, "[rule %s] has no action: expected 'action = ...'",
                r->name);
        }
        if ((r->alt_if.n > 0) != (r->alt_action != NULL)) {
            *line = r->alt_if_line       ? r->alt_if_line
                    : r->alt_action_line ? r->alt_action_line
                                         : r->section_line;
            return rule_error(err, cap,
                              "[rule %s] needs both alt_if and alt_action, or "
                              "neither",
                              r->name);
        }
        if (r->workload < 0 &&
            (reads_own_workload(&r->when) || reads_own_workload(&r->alt_if))) {
            *line = r->when_line       ? r->when_line
                    : r->alt_if_line   ? r->alt_if_line
                    : r->workload_line ? r->workload_line
                                       : r->section_line;
            return rule_error(
                err, cap,
                "[rule %s] has no workload, but its conditions read "
                "one: set 'workload = CODE', or use only CODE qe > 0 "
                "and candidate",
                r->name);
        }
    }
    return true;
}

/* ---- evaluating ---- */

void rules_squeeze(const char *s, size_t len, struct text *out)
{
    for (size_t i = 0; i < len; i++) {
        char c = s[i];
        if (c == ' ' || c == '\t' || c == '\r' || c == '\n')
            continue;
        text_addc(out, c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c);
    }
}

/* The spelling of tag in a space-separated tag list, or NULL. */
static const char *find_tag(const char *tags, const char *tag, size_t *len)
{
    size_t tlen = strlen(tag);
    for (const char *s = tags; *s;) {
        size_t n = strcspn(s, " ");
        if (n == tlen && strncasecmp(s, tag, n) == 0) {
            *len = n;
            return s;
        }
        s += n;
        while (*s == ' ')
            s++;
    }
    return NULL;
}

struct eval {
    const struct rule *r;
    const struct rule_input *in;
    int32_t first_day, last_day;
};

static int node_workload(const struct eval *ev, const struct rule_node *n)
{
    return n->workload >= 0 ? n->workload : ev->r->workload;
}

static const struct fact_workload *row_of(const struct eval *ev, int w)
{
    return w >= 0 ? ev->in->row[w] : NULL;
}

static enum kpi_health health_of(const struct fact_workload *row)
{
    return row ? row->health : KPI_HEALTH_NA;
}

static bool enabled_by(const struct fact_workload *row, int32_t day)
{
    return row && row->enabled_date != KPI_NO_DATE && row->enabled_date <= day;
}

static bool term_value(const struct eval *ev, const struct rule_node *n)
{
    int w = node_workload(ev, n);
    const struct fact_workload *row = row_of(ev, w);
    bool defined = row && kpi_au_defined(&row->value);
    size_t len;
    switch (n->term) {
    case RULE_QE_POSITIVE:
        return row && row->qe_known && row->qe > 0;
    case RULE_AU_BELOW:
        return defined && kpi_au_cmp(row->value.ae, row->value.qe, n->pct) < 0;
    case RULE_AU_AT_MOST:
        return defined && kpi_au_cmp(row->value.ae, row->value.qe, n->pct) <= 0;
    case RULE_AU_ABOVE:
        return defined && kpi_au_cmp(row->value.ae, row->value.qe, n->pct) > 0;
    case RULE_AU_AT_LEAST:
        return defined && kpi_au_cmp(row->value.ae, row->value.qe, n->pct) >= 0;
    case RULE_NO_VALUE:
        return !row || !row->value.has_value;
    case RULE_AU_UNDEFINED:
        return !defined;
    case RULE_SCENARIO:
        return row && strcmp(kpi_exo_scenario(&row->value), n->text) == 0;
    case RULE_HEALTH_IS:
        return health_of(row) == n->health;
    case RULE_HEALTH_IS_NOT:
        return health_of(row) != n->health;
    case RULE_ENABLED:
        return enabled_by(row, ev->last_day);
    case RULE_NOT_ENABLED:
        return !enabled_by(row, ev->last_day);
    case RULE_ENABLED_IN_MONTH:
        return enabled_by(row, ev->last_day) &&
               row->enabled_date >= ev->first_day;
    case RULE_TAG:
        return w >= 0 && find_tag(ev->in->tags[w], n->text, &len) != NULL;
    case RULE_NO_TAG:
        return w < 0 || find_tag(ev->in->tags[w], n->text, &len) == NULL;
    case RULE_NOTES_SAY:
        return w >= 0 && strstr(ev->in->squeezed[w], n->squeezed) != NULL;
    case RULE_NOTES_DO_NOT_SAY:
        return w < 0 || strstr(ev->in->squeezed[w], n->squeezed) == NULL;
    case RULE_CANDIDATE:
        return ev->in->customer->focus != 0;
    }
    return false;
}

static bool node_value(const struct eval *ev, const struct rule_expr *e, int i,
                       bool *val)
{
    const struct rule_node *n = &e->node[i];
    bool v;
    if (n->op == RULE_OP_TERM) {
        v = term_value(ev, n);
    } else {
        /* both sides always: the reason may need either */
        bool l = node_value(ev, e, n->left, val);
        bool r = node_value(ev, e, n->right, val);
        v = n->op == RULE_OP_AND ? l && r : l || r;
    }
    val[i] = v;
    return v;
}

/* The figures a reason names, in the order they came up. */
enum part_kind {
    PART_FIGURE,   /* SPO AU 4.00 % (8 of 200) */
    PART_SCENARIO, /* scenario <10% */
    PART_HEALTH,   /* health Red */
    PART_QE,       /* EXO QE 100 */
    PART_ENABLED,  /* OLM enabled 2026-06-03 */
    PART_TAG,      /* notes: Expecting<50 */
    PART_PHRASE,   /* notes: "AU > 10%" */
    PART_FOCUS     /* focus areas: PLATEAU OD */
};

struct part {
    enum part_kind kind;
    int workload;
    const char *text;
};

struct parts {
    struct part p[2 * 2 * RULE_MAX_NODES];
    int n;
};

static void add_part(struct parts *ps, enum part_kind kind, int w,
                     const char *text)
{
    for (int i = 0; i < ps->n; i++)
        if (ps->p[i].kind == kind && ps->p[i].workload == w &&
            (ps->p[i].text == text ||
             (ps->p[i].text && text && strcmp(ps->p[i].text, text) == 0)))
            return;
    if (ps->n < (int)(sizeof(ps->p) / sizeof(ps->p[0])))
        ps->p[ps->n++] = (struct part){kind, w, text};
}

static void term_parts(const struct eval *ev, const struct rule_node *n,
                       struct parts *ps)
{
    int w = node_workload(ev, n);
    size_t len;
    switch (n->term) {
    case RULE_QE_POSITIVE:
        add_part(ps, PART_QE, w, NULL);
        return;
    case RULE_AU_BELOW:
    case RULE_AU_AT_MOST:
    case RULE_AU_ABOVE:
    case RULE_AU_AT_LEAST:
    case RULE_NO_VALUE:
    case RULE_AU_UNDEFINED:
        add_part(ps, PART_FIGURE, w, NULL);
        return;
    case RULE_SCENARIO:
        add_part(ps, PART_FIGURE, w, NULL);
        add_part(ps, PART_SCENARIO, w, NULL);
        return;
    case RULE_HEALTH_IS:
    case RULE_HEALTH_IS_NOT:
        add_part(ps, PART_FIGURE, w, NULL);
        add_part(ps, PART_HEALTH, w, NULL);
        return;
    case RULE_ENABLED:
    case RULE_NOT_ENABLED:
    case RULE_ENABLED_IN_MONTH:
        add_part(ps, PART_ENABLED, w, NULL);
        return;
    case RULE_TAG:
    case RULE_NO_TAG:
        /* an absent tag is not mentioned */
        if (w >= 0 && find_tag(ev->in->tags[w], n->text, &len))
            add_part(ps, PART_TAG, w, n->text);
        return;
    case RULE_NOTES_SAY:
    case RULE_NOTES_DO_NOT_SAY:
        if (w >= 0 && strstr(ev->in->squeezed[w], n->squeezed))
            add_part(ps, PART_PHRASE, w, n->text);
        return;
    case RULE_CANDIDATE:
        if (ev->in->customer->focus)
            add_part(ps, PART_FOCUS, -1, NULL);
        return;
    }
}

/* The terms that decided node i's value (val[i]). */
static void explain(const struct eval *ev, const struct rule_expr *e, int i,
                    const bool *val, struct parts *ps)
{
    const struct rule_node *n = &e->node[i];
    if (n->op == RULE_OP_TERM) {
        term_parts(ev, n, ps);
        return;
    }
    /* and-true and or-false: every side; otherwise the sides that agree
     * with the result */
    bool all = (n->op == RULE_OP_AND) == val[i];
    if (all || val[n->left] == val[i])
        explain(ev, e, n->left, val, ps);
    if (all || val[n->right] == val[i])
        explain(ev, e, n->right, val, ps);
}

static const char *code_of(const struct eval *ev, int w)
{
    return facts_code(ev->in->facts, w);
}

/* SPO AU 4.00 % (8 of 200), SPO no usage in 2026-06 (QE 200),
 * OLM AU undefined (5 active, QE 0). */
static void figure(const struct eval *ev, int w, struct text *out)
{
    const struct fact_workload *row = row_of(ev, w);
    const char *code = code_of(ev, w);
    if (!row || !row->value.has_value) {
        char m[8];
        kpi_month_format(ev->in->facts->as_of_month, m);
        text_addf(out, "%s no usage in %s", code, m);
        if (row && row->qe_known) {
            text_adds(out, " (QE ");
            text_add_count(out, row->qe);
            text_addc(out, ')');
        }
        return;
    }
    if (!kpi_au_defined(&row->value)) {
        text_addf(out, "%s AU undefined (", code);
        text_add_count(out, row->value.ae);
        text_adds(out, " active, QE ");
        if (row->value.qe_known)
            text_add_count(out, row->value.qe);
        else
            text_adds(out, "unknown");
        text_addc(out, ')');
        return;
    }
    char au[32];
    kpi_centi_format(row->au, au);
    text_addf(out, "%s AU %s %% (", code, au);
    text_add_count(out, row->value.ae);
    text_adds(out, " of ");
    text_add_count(out, row->value.qe);
    text_addc(out, ')');
}

static void part_text(const struct eval *ev, const struct part *p,
                      struct text *out)
{
    const struct fact_workload *row =
        p->workload >= 0 ? row_of(ev, p->workload) : NULL;
    char date[11];
    size_t len;
    const char *s;
    switch (p->kind) {
    case PART_FIGURE:
        figure(ev, p->workload, out);
        return;
    case PART_SCENARIO:
        text_addf(out, "scenario %s", kpi_exo_scenario(&row->value));
        return;
    case PART_HEALTH:
        text_addf(out, "health %s", kpi_health_name(health_of(row)));
        return;
    case PART_QE:
        if (row && row->qe_known) {
            text_addf(out, "%s QE ", code_of(ev, p->workload));
            text_add_count(out, row->qe);
        } else {
            text_addf(out, "no %s QE", code_of(ev, p->workload));
        }
        return;
    case PART_ENABLED:
        if (enabled_by(row, ev->last_day)) {
            kpi_date_format(row->enabled_date, date);
            text_addf(out, "%s enabled %s", code_of(ev, p->workload), date);
        } else {
            kpi_date_format(ev->last_day, date);
            text_addf(out, "%s not enabled by %s", code_of(ev, p->workload),
                      date);
        }
        return;
    case PART_TAG:
        s = find_tag(ev->in->tags[p->workload], p->text, &len);
        text_adds(out, "notes: ");
        text_add(out, s, len);
        return;
    case PART_PHRASE:
        text_addf(out, "notes: \"%s\"", p->text);
        return;
    case PART_FOCUS:
        text_addf(out, "focus areas: %s", ev->in->focus);
        return;
    }
}

/* Whether a part adds nothing the others do not say: a QE next to the
 * same workload's figure (which shows it), a scenario of an undefined AU
 * (there is none). */
static bool redundant(const struct eval *ev, const struct parts *ps,
                      const struct part *p)
{
    if (p->kind == PART_SCENARIO) {
        const struct fact_workload *row = row_of(ev, p->workload);
        return !row || !*kpi_exo_scenario(&row->value);
    }
    if (p->kind != PART_QE)
        return false;
    for (int i = 0; i < ps->n; i++)
        if (ps->p[i].kind == PART_FIGURE && ps->p[i].workload == p->workload)
            return true;
    return false;
}

bool rules_apply(const struct rule *r, const struct rule_input *in, bool *alt,
                 struct text *reason)
{
    struct eval ev = {
        .r = r,
        .in = in,
        .first_day = kpi_month_first_day(in->facts->as_of_month),
        .last_day = in->facts->month_end,
    };
    bool val[RULE_MAX_NODES];
    *alt = false;
    if (!r->enabled || !r->when.n ||
        !node_value(&ev, &r->when, r->when.root, val))
        return false;
    /* 8 KiB of parts: only the first n are ever read, so not zeroed */
    struct parts ps;
    ps.n = 0;
    explain(&ev, &r->when, r->when.root, val, &ps);
    if (r->alt_if.n) {
        *alt = node_value(&ev, &r->alt_if, r->alt_if.root, val);
        explain(&ev, &r->alt_if, r->alt_if.root, val, &ps);
    }
    bool first = true;
    for (int i = 0; i < ps.n; i++) {
        if (redundant(&ev, &ps, &ps.p[i]))
            continue;
        if (!first)
            text_adds(reason, "; ");
        first = false;
        part_text(&ev, &ps.p[i], reason);
    }
    return true;
}
