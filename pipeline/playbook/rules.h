/*
 * pipeline/playbook/rules.h - the playbooks' rules (docs/playbooks.md):
 * read from the configuration's [rule NAME] and [workload_names] sections
 * and evaluated for one customer.
 *
 * A rule is data: the workload it is about, a condition ("when") in a small
 * vocabulary of terms joined by "and" and "or", a task id and the words of
 * the action, optionally a second action ("alt_action") that replaces the
 * first when a second condition ("alt_if") holds. config.c feeds the lines
 * of those sections here; every error names the line it comes from.
 *
 * The condition grammar (docs/configuration.md spells it out):
 *
 *     when  = all { "or" all }          "and" binds tighter than "or"
 *     all   = unit { "and" unit }
 *     unit  = "(" when ")" | term
 *     term  = "qe > 0" | CODE "qe > 0" | "au" ("<"|"<="|">"|">=") PERCENT
 *           | "no value" | "au undefined" | "scenario" ("<10%"|"10-40%"|">40%")
 *           | "health is" ["not"] ("Green"|"Yellow"|"Red"|"N/A")
 *           | "enabled" | "not enabled" | "enabled in month"
 *           | ["no"] "tag" TAG | "notes" ("say"|"do not say") "PHRASE"
 *           | "candidate"
 *
 * Words are separated by spaces; parentheses and a double-quoted phrase
 * need none. Keywords and codes are matched ignoring ASCII case.
 */
#ifndef FTK_PLAYBOOK_RULES_H
#define FTK_PLAYBOOK_RULES_H

#include <stdbool.h>
#include <stddef.h>

#include "kpi/kpi.h"
#include "pipeline/base/arena.h"
#include "pipeline/base/text.h"

struct config;
struct facts;
struct fact_customer;
struct fact_workload;

/* As CONFIG_MAX_WORKLOADS (rules.c checks that they agree). */
#define RULES_MAX_WORKLOADS 64
#define RULE_NAME_MAX 32
#define RULE_TASK_MAX 16
/* Nodes of one condition: a line of 199 characters holds fewer. */
#define RULE_MAX_NODES 128

enum rule_term {
    RULE_QE_POSITIVE,      /* [CODE] qe > 0 */
    RULE_AU_BELOW,         /* au < P */
    RULE_AU_AT_MOST,       /* au <= P */
    RULE_AU_ABOVE,         /* au > P */
    RULE_AU_AT_LEAST,      /* au >= P */
    RULE_NO_VALUE,         /* no usage value in the month */
    RULE_AU_UNDEFINED,     /* no value, or QE 0 or unknown */
    RULE_SCENARIO,         /* scenario <10% | 10-40% | >40% */
    RULE_HEALTH_IS,        /* health is H */
    RULE_HEALTH_IS_NOT,    /* health is not H */
    RULE_ENABLED,          /* enabled on or before the month's end */
    RULE_NOT_ENABLED,      /* not enabled by the month's end */
    RULE_ENABLED_IN_MONTH, /* enabled_date inside the month */
    RULE_TAG,              /* tag T */
    RULE_NO_TAG,           /* no tag T */
    RULE_NOTES_SAY,        /* notes say "P" */
    RULE_NOTES_DO_NOT_SAY, /* notes do not say "P" */
    RULE_CANDIDATE         /* the customer has a focus area */
};

enum rule_op { RULE_OP_TERM, RULE_OP_AND, RULE_OP_OR };

struct rule_node {
    enum rule_op op;
    int left, right;     /* AND, OR: node indices */
    enum rule_term term; /* TERM */
    int workload;        /* the workload a term reads; -1: the rule's */
    kpi_pct pct;         /* au comparisons */
    enum kpi_health health;
    const char *text;     /* scenario, tag (Expecting tags in their
                             spelling), phrase as written; arena */
    const char *squeezed; /* phrase without white space, lower case */
};

/* A parsed condition; n == 0 when there is none. */
struct rule_expr {
    struct rule_node *node; /* owned */
    int n, root;
};

struct rule {
    char name[RULE_NAME_MAX]; /* as first written, e.g. "SPO_BVD" */
    int workload;             /* -1: a customer-level rule */
    bool enabled;
    char task[RULE_TASK_MAX]; /* digits, "" when none */
    const char *action;       /* arena; NULL until set */
    const char *alt_action;   /* arena; NULL when none */
    struct rule_expr when, alt_if;
    /* lines of the file being read that set these, 0 when it did not:
     * errors found at the file's end name them */
    int section_line, workload_line, when_line, alt_if_line, alt_action_line;
};

struct rules {
    struct rule *rule; /* in order of first appearance; owned */
    size_t n, cap;
    /* [workload_names] by workload index; arena; NULL: show the code */
    const char *long_name[RULES_MAX_WORKLOADS];
    struct arena strings;
};

/* Frees every rule and name. Safe on a zeroed or released struct rules. */
void rules_release(struct rules *rs);

/* The index of the rule called name (ASCII case ignored), or -1. */
int rules_find(const struct rules *rs, const char *name, size_t len);

/* True when a section header's text (between the brackets, len bytes) is
 * "rule NAME" or "workload_names": a section of this module. */
bool rules_is_section(const char *section, size_t len);

/*
 * The loading hooks config.c calls while it reads one file (the defaults,
 * then a --config file). Each returns false with a message in err (cap
 * bytes, without file and line: config.c adds them) when the line is
 * wrong.
 *
 * rules_file_start: a file begins (forgets the lines of the last one).
 * rules_section: the header line `line` of section `section` (len bytes);
 *     a "[rule NAME]" header creates the rule when it is new.
 * rules_key: one "key = value" of section `section`; cfg gives the
 *     workload codes read so far.
 * rules_file_end: every rule is complete and consistent; on false, *line
 *     is the line of the file to blame.
 */
void rules_file_start(struct rules *rs);
bool rules_section(struct rules *rs, const char *section, size_t len, int line,
                   char *err, size_t cap);
bool rules_key(struct rules *rs, const struct config *cfg, const char *section,
               const char *key, const char *value, int line, char *err,
               size_t cap);
bool rules_file_end(const struct rules *rs, int *line, char *err, size_t cap);

/* What the rules read of one customer in the as-of month. The arrays are
 * indexed by workload and hold an entry for every configured workload. */
struct rule_input {
    const struct facts *facts;
    const struct fact_customer *customer;
    const struct fact_workload *const *row; /* the customer's row or NULL */
    const char *const *tags;     /* kpi_notes_tags of the latest notes */
    const char *const *squeezed; /* those notes without spaces, tabs, CR
                                    and LF, ASCII lower case */
    const char *focus;           /* "PLATEAU OD, SLOW_KICKOFF", "" when none */
};

/* True when rule r applies to the customer of in. Then *alt says whether
 * its alt_action replaces its action, and the reason (the figures behind
 * it, docs/playbooks.md) is appended to reason. */
bool rules_apply(const struct rule *r, const struct rule_input *in, bool *alt,
                 struct text *reason);

/* Squeezes s[0..len) for notes say: drops spaces, tabs, CR and LF and
 * lowers ASCII letters, appending to out. */
void rules_squeeze(const char *s, size_t len, struct text *out);

#endif
