/*
 * cmd/samplegen.c - the synthetic data set behind `ftkpi samples`.
 *
 * Tenants are generated one at a time, each from its own PRNG stream seeded
 * from (seed, tenant number), and their rows are appended to three large
 * buffers that are flushed to the three files (plain or gzip) as they fill.
 * Nothing else is kept in memory, so 10 million tenants cost what 10 do.
 *
 * Determinism: xoshiro256** seeded by splitmix64 and integer arithmetic
 * only (no libm, no floating point), so a seed gives the same bytes on every
 * machine and compiler. Numbers and dates are formatted by hand into the
 * buffers: printf per field would be the bottleneck at tens of millions of
 * rows.
 *
 * The shapes (what the data is meant to exercise downstream):
 * - usage is a weekly snapshot (Saturdays) of AE per tenant and workload,
 *   following one adoption curve per series: ramp (S-curve), fast ramp,
 *   plateau (flat within about 1 pp at 20-60 %), decline (a ramp, then a
 *   drop of 6-20 pp over 2-3 months), never started (AE 0, or no usage at
 *   all) and above 100 % (AE > QE);
 * - entitlements are quarterly snapshots of QE starting around the
 *   engagement, so usage that starts before them needs the QE backfill;
 * - workloads are written by code, sometimes by an alias in varied case,
 *   occasionally with a different spelling inside one series;
 * - names carry commas, quotes, non-ASCII letters, and four tenants (3, 17,
 *   29, 41) have names starting with = @ - + for formula neutralisation.
 */
#include "samplegen.h"

#include "sample_files.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "kpi/date.h"

#include "pipeline/base/testing.h"

/* ---- PRNG ------------------------------------------------------------- */

struct rng {
    uint64_t s[4];
};

static uint64_t splitmix64(uint64_t *x)
{
    uint64_t z = (*x += 0x9E3779B97F4A7C15u);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9u;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBu;
    return z ^ (z >> 31);
}

/* One independent stream per (seed, stream): a tenant's rows then do not
 * depend on how many tenants come before it. */
static void rng_seed(struct rng *r, uint64_t seed, uint64_t stream)
{
    uint64_t x = seed;
    uint64_t h = splitmix64(&x);
    x = h ^ (stream * 0xD1B54A32D192ED03u);
    for (int i = 0; i < 4; i++)
        r->s[i] = splitmix64(&x);
}

static inline uint64_t rotl64(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

/* xoshiro256** */
static inline uint64_t rng_next(struct rng *r)
{
    uint64_t *s = r->s;
    uint64_t result = rotl64(s[1] * 5, 7) * 9;
    uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl64(s[3], 45);
    return result;
}

/* Uniform in [lo, hi] (hi - lo < 2^32); the multiply-shift bias is far
 * below anything the data shows. */
static int64_t rng_range(struct rng *r, int64_t lo, int64_t hi)
{
    uint64_t span = (uint64_t)(hi - lo) + 1;
    return lo + (int64_t)(((rng_next(r) >> 32) * span) >> 32);
}

/* True with probability per_mille / 1000. */
static bool rng_chance(struct rng *r, unsigned per_mille)
{
    return (((rng_next(r) >> 32) * 1000) >> 32) < per_mille;
}

/* An index into weights[0..n-1] drawn with those relative weights. */
static size_t rng_pick(struct rng *r, const unsigned short *weights, size_t n)
{
    unsigned total = 0;
    for (size_t i = 0; i < n; i++)
        total += weights[i];
    unsigned x = (unsigned)rng_range(r, 0, (int64_t)total - 1);
    for (size_t i = 0; i < n; i++) {
        if (x < weights[i])
            return i;
        x -= weights[i];
    }
    return n - 1;
}

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static const char *rng_item(struct rng *r, const char *const *items, size_t n)
{
    return items[rng_range(r, 0, (int64_t)n - 1)];
}

/* ---- what the data is made of ------------------------------------------ */

enum region { R_NA, R_EMEA, R_APAC, R_LATAM, R_COUNT };
static const char *const region_names[R_COUNT] = {"NA", "EMEA", "APAC",
                                                  "LATAM"};
static const unsigned short region_weights[R_COUNT] = {40, 30, 20, 10};

/* The program managers, a handful per region. */
static const char *const fm_names[R_COUNT][3] = {
    {"Alex Morgan", "Marcus Johnson", "Olivia O'Brien"},
    {"Jürgen Weiß", "Chloé Dubois", "Sofia Rossi"},
    {"Kenji Tanaka", "Priya Raman", "Wei Zhang"},
    {"Sofía Herrera", "João Silva", "Mateo Fernández"},
};

/* Made-up company names (Microsoft's fictitious brands and the like). */
static const char *const name_bases[] = {
    "Contoso",
    "Fabrikam",
    "Northwind Traders",
    "Adventure Works",
    "Tailspin Toys",
    "Woodgrove Bank",
    "Litware",
    "Proseware",
    "Wingtip Toys",
    "Alpine Ski House",
    "Coho Winery",
    "Lucerne Publishing",
    "Margie's Travel",
    "Trey Research",
    "Wide World Importers",
    "Fourth Coffee",
    "Blue Yonder Airlines",
    "Humongous Insurance",
    "VanArsdel",
    "Relecloud",
    "Lamna Healthcare",
    "Consolidated Messenger",
    "A. Datum",
    "Best For You Organics",
    "Nod Publishers",
    "Southridge Video",
    "City Power & Light",
    "Bellows College",
    "First Up Consultants",
    "Graphic Design Institute",
    "Munson's Pickles and Preserves",
    "Tasmanian Traders",
    "Olympia Health",
    "Fincher Architects",
    "Boulder Creek Logistics",
    "Hexagon Freight",
};

static const char *const name_qualifiers[] = {
    " North",    " Europe",  " Holdings",  " Group",    " Labs",
    " Health",   " Energy",  " Logistics", " Retail",   " Systems",
    " Partners", " Media",   " Pharma",    " Motors",   " Insurance",
    " Capital",  " Studios", " Foods",     " Services", " Global",
};

/* Quoted nicknames: `Fabrikam "North"` must come out as
 * "Fabrikam ""North""" in the CSV. */
static const char *const name_nicknames[] = {
    " \"North\"",
    " \"Classic\"",
    " \"The Original\"",
    " \"Blue\"",
};

static const char *const name_suffixes[R_COUNT][10] = {
    {" Inc.", ", Inc.", " LLC", " Corp.", " Corporation", ", Ltd.", "", "",
     " Inc.", " LLC"},
    {" GmbH", " AG", " S.A.", " Ltd.", ", Ltd.", " plc", " B.V.", " S.p.A.",
     " SAS", ""},
    {" K.K.", " Pty Ltd", " Pte. Ltd.", " Ltd.", " Co., Ltd.", "", " Pty Ltd",
     " Ltd.", " K.K.", ""},
    {" S.A. de C.V.", " Ltda.", " S.A.", " S.R.L.", "", " S.A.", " Ltda.",
     " S.A. de C.V.", "", " S.A."},
};

/* Local names with letters outside ASCII; legal form included where it is
 * part of the name. */
static const char *const local_names[R_COUNT][8] = {
    {"Café Montréal Inc.", "Señor Frío Foods LLC", "Zoë's Kitchen Corp.",
     "Crème Brûlée Bakery LLC", "Björn Outfitters Inc.",
     "Łukasiewicz Engineering LLC", "Noël & Fils Inc.", "Über Freight Corp."},
    {"Müller AG", "Société Lumière SA", "Schäfer & Söhne GmbH",
     "Østergaard A/S", "Brasserie Noël SARL", "Łódź Logistics Sp. z o.o.",
     "Göteborgs Kraft AB", "Crédit Rivière SA"},
    {"株式会社コントソ", "株式会社ファブリカム", "東京データ株式会社",
     "さくら技研株式会社", "华光科技有限公司", "한빛소프트", "Tōkai Seiki K.K.",
     "Nguyễn Logistics JSC"},
    {"Construcciones Peñalver S.A.", "São Jorge Energia Ltda.",
     "Logística Andina S.A.S.", "Açúcar Doce Ltda.",
     "Telecomunicações Paraná S.A.", "Panadería La Niña S.R.L.",
     "Ingeniería Ñandú S.A.", "Café Colômbia Ltda."},
};

/* Names that begin like a spreadsheet formula, at fixed tenant numbers so
 * that every data set of 42 tenants or more has all of them. */
static const struct {
    uint32_t tenant;
    const char *name;
} formula_names[] = {
    {3, "=HYPERLINK(\"https://example.com\",\"Contoso\")"},
    {17, "@Home Realty Group"},
    {29, "-Minus Ten Logistics LLC"},
    {41, "+Plus Telecom AG"},
};

static const char *const priorities[] = {"High", "High (overridden)", "Medium",
                                         "Low", ""};
static const unsigned short priority_weights_large[] = {45, 10, 30, 10, 5};
static const unsigned short priority_weights_small[] = {10, 4, 36, 40, 10};

enum status {
    ST_NOT_STARTED,
    ST_INITIATE,
    ST_SERIALIZED,
    ST_BLOCKED,
    ST_NO_INTENT,
    ST_ACTIVE,
    ST_COUNT
};
static const char *const status_names[ST_COUNT] = {
    "Not Started", "Initiate",  "Initiate - Serialized",
    "Blocked",     "No Intent", "Active"};
static const unsigned short status_before_enable[ST_COUNT] = {55, 30, 8,
                                                              7,  0,  0};
static const unsigned short status_after_enable[ST_COUNT] = {0, 6, 3, 3, 0, 88};
static const unsigned short status_never[ST_COUNT] = {10, 0, 25, 35, 30, 0};

/* Free-text notes; the tags in them are what the KPI run extracts. Some
 * carry commas and quotes, so the CSV must quote them. */
static const char *const notes[] = {
    "Expecting<50",
    "Expecting>50",
    "Expecting<50 - phased rollout planned",
    "Expecting>50 after hardware refresh",
    "#Compete with Google Workspace",
    "#Compete, evaluating Slack",
    "#Pilot in Finance (200 users)",
    "#Pilot; wave 2 next quarter",
    "Champion changed, \"new IT director\" onboarding",
    "Waiting on license true-up",
    "Network upgrade needed; see ticket 4411",
    "Déploiement en cours – équipe IT",
    "#Pilot #Compete",
    "Expecting>50 #Pilot",
};

static const char *const spo_notes[] = {
    "#SPOblocker: legacy file shares",
    "#SPOblocker - sync client rollout pending",
    "Expecting<50 #SPOblocker",
};

/* Adoption curve shapes of a usage series. */
enum shape {
    SH_RAMP,
    SH_FAST,
    SH_PLATEAU,
    SH_DECLINE,
    SH_NEVER,
    SH_ABOVE,
    SH_COUNT
};

enum wclass { WC_EXO, WC_CORE, WC_OTHER };

static const unsigned short shape_weights[3][SH_COUNT] = {
    [WC_EXO] = {20, 35, 20, 12, 5, 8},
    [WC_CORE] = {35, 15, 22, 13, 10, 5},
    [WC_OTHER] = {35, 10, 20, 10, 22, 3},
};

/* Per mille of tenants enabling the workload before the engagement (the
 * service was on before the program started). */
static const unsigned early_enable[3] = {600, 350, 150};

#define MAX_ALIASES 4

/* The workloads in byte order of their codes, which is the order rows are
 * written in. presence: per mille of tenants entitled; qe_min/qe_max: QE as
 * per mille of seats. */
static const struct workload_def {
    const char *code;
    const char *aliases[MAX_ALIASES];
    enum wclass wclass;
    unsigned presence;
    unsigned qe_min, qe_max;
} workloads[] = {
    {"AADP",
     {"Azure AD Premium", "Azure Active Directory Premium"},
     WC_OTHER,
     330,
     200,
     1000},
    {"AIP", {"Azure Information Protection"}, WC_OTHER, 200, 100, 800},
    {"EXO", {"Exchange", "Exchange Online"}, WC_EXO, 950, 700, 1000},
    {"IDSEC", {"Identity Security"}, WC_OTHER, 150, 100, 600},
    {"INTUNE", {"Intune"}, WC_OTHER, 330, 300, 900},
    {"MCAS", {"Microsoft Cloud App Security"}, WC_OTHER, 150, 50, 600},
    {"OD",
     {"OneDrive", "OneDrive for Business", "ODB"},
     WC_CORE,
     880,
     600,
     1000},
    {"OLM", {"Outlook Mobile", "OM"}, WC_OTHER, 450, 500, 1000},
    {"OPP",
     {"ProPlus", "Office 365 ProPlus", "Microsoft 365 Apps", "M365 Apps"},
     WC_CORE,
     850,
     600,
     1000},
    {"PROJ", {"Project Online"}, WC_OTHER, 100, 10, 100},
    {"SDS", {"School Data Sync"}, WC_OTHER, 30, 500, 1000},
    {"SPO", {"SharePoint", "SharePoint Online"}, WC_CORE, 900, 600, 1000},
    {"TEAMS", {"Teams", "Microsoft Teams"}, WC_CORE, 920, 600, 1000},
    {"WDATP", {"Windows Defender ATP"}, WC_OTHER, 150, 100, 800},
    {"WIN10", {"Windows 10"}, WC_OTHER, 300, 300, 900},
    {"YAM", {"Yammer", "Yammer Enterprise"}, WC_OTHER, 250, 800, 1000},
};

#define WORKLOAD_COUNT COUNT(workloads)
#define SPELL_MAX 40 /* longest spelling plus NUL */
#define SPELLINGS_MAX (1 + 3 * MAX_ALIASES)

/* ---- output files ------------------------------------------------------ */

enum { F_CUSTOMERS, F_ENTITLEMENTS, F_USAGE, F_COUNT };

static const char *const file_names[F_COUNT] = {
    "customers.csv", "entitlements.csv", "usage.csv"};

static const char *const file_headers[F_COUNT] = {
    "tenant_id,customer_name,region,seats,priority,fm,engagement_start,"
    "gateway_date,kickoff_date\n",
    "tenant_id,workload,as_of,qualified_entitlements,enabled_date,status,"
    "notes\n",
    "tenant_id,workload,date,active_users\n",
};

/* ---- the generator ------------------------------------------------------ */

struct gen {
    const struct samplegen_options *opt;
    int32_t first_month;
    int32_t first_day;    /* window: first day of the first month */
    int32_t last_day;     /* ... to the last day of last_month */
    int32_t week0;        /* the first Saturday in the window */
    uint32_t weeks;       /* Saturdays in the window */
    char (*week_str)[10]; /* "YYYY-MM-DD" of each, no NUL */
    char spell[WORKLOAD_COUNT][SPELLINGS_MAX][SPELL_MAX];
    unsigned spell_count[WORKLOAD_COUNT];
    struct sample_file files[F_COUNT];
};

enum case_style { CASE_AS_IS, CASE_LOWER, CASE_UPPER };

static void set_case(char *dst, const char *src, enum case_style cs)
{
    size_t i = 0;
    for (; src[i] != '\0' && i + 1 < SPELL_MAX; i++) {
        char c = src[i];
        if (cs == CASE_LOWER && c >= 'A' && c <= 'Z')
            c = (char)(c - 'A' + 'a');
        else if (cs == CASE_UPPER && c >= 'a' && c <= 'z')
            c = (char)(c - 'a' + 'A');
        dst[i] = c;
    }
    dst[i] = '\0';
}

/* Spelling 0 is the code; then each alias as written, in lower and in upper
 * case. Codes stay upper case: only aliases are varied. */
static void gen_spellings(struct gen *g)
{
    for (size_t w = 0; w < WORKLOAD_COUNT; w++) {
        unsigned n = 0;
        set_case(g->spell[w][n++], workloads[w].code, CASE_AS_IS);
        for (size_t a = 0; a < MAX_ALIASES && workloads[w].aliases[a]; a++) {
            set_case(g->spell[w][n++], workloads[w].aliases[a], CASE_AS_IS);
            set_case(g->spell[w][n++], workloads[w].aliases[a], CASE_LOWER);
            set_case(g->spell[w][n++], workloads[w].aliases[a], CASE_UPPER);
        }
        g->spell_count[w] = n;
    }
}

/* A series' usual spelling: the code 80 % of the time, else an alias as
 * written (60 %), in lower case (25 %) or upper case (15 %). */
static unsigned pick_spelling(struct rng *r, const struct gen *g, size_t w)
{
    unsigned aliases = (g->spell_count[w] - 1) / 3;
    if (aliases == 0 || rng_chance(r, 800))
        return 0;
    unsigned a = (unsigned)rng_range(r, 0, aliases - 1);
    static const unsigned short case_weights[3] = {60, 25, 15};
    return 1 + 3 * a + (unsigned)rng_pick(r, case_weights, 3);
}

/* Seats: log-distributed from tens to a few hundred thousand, about 20 %
 * at 10,000 or more. Integer steps of 10^(k/20) keep it machine-exact. */
static uint32_t gen_seats(struct rng *r)
{
    static const unsigned short decade_weights[] = {8, 27, 42, 19, 4};
    static const uint32_t decades[] = {10, 100, 1000, 10000, 100000};
    static const uint16_t mantissa[20] = {
        1000, 1122, 1259, 1413, 1585, 1778, 1995, 2239, 2512, 2818,
        3162, 3548, 3981, 4467, 5012, 5623, 6310, 7079, 7943, 8913};
    size_t d = rng_pick(r, decade_weights, COUNT(decade_weights));
    /* The top decade stops near 300,000: the largest tenants. */
    int64_t top = d == COUNT(decades) - 1 ? 9 : 19;
    uint64_t lo = (uint64_t)decades[d] * mantissa[rng_range(r, 0, top)];
    /* Jitter within the step so the values are not a visible grid. */
    uint64_t v = lo + lo * (uint64_t)rng_range(r, 0, 121) / 1000;
    return (uint32_t)(v / 1000);
}

static void gen_tenant_id(struct rng *r, uint32_t t, char *out)
{
    if (rng_chance(r, 150)) {
        /* A GUID whose last group is a bijection of t on 48 bits (odd
         * multipliers and xor-shifts), so GUIDs never repeat yet look
         * random; the rest is random. */
        static const char hex[] = "0123456789abcdef";
        const uint64_t m48 = 0xFFFFFFFFFFFFu;
        uint64_t a = rng_next(r), b = rng_next(r);
        uint64_t tail = ((uint64_t)t * 0x9E3779B97F4A7C15u) & m48;
        tail ^= tail >> 23;
        tail = (tail * 0xD6E8FEB86659FD93u) & m48;
        tail ^= tail >> 24;
        char *p = out;
        for (int i = 0; i < 8; i++)
            *p++ = hex[(a >> (4 * i)) & 15];
        *p++ = '-';
        for (int i = 8; i < 12; i++)
            *p++ = hex[(a >> (4 * i)) & 15];
        *p++ = '-';
        *p++ = '4';
        for (int i = 13; i < 16; i++)
            *p++ = hex[(a >> (4 * i)) & 15];
        *p++ = '-';
        *p++ = hex[8 + (b & 3)];
        for (int i = 1; i < 4; i++)
            *p++ = hex[(b >> (4 * i)) & 15];
        *p++ = '-';
        for (int i = 11; i >= 0; i--)
            *p++ = hex[(tail >> (4 * i)) & 15];
        *p = '\0';
    } else {
        snprintf(out, 40, "T%07lu", (unsigned long)t + 1);
    }
}

static void gen_name(struct rng *r, uint32_t t, enum region reg, char *out,
                     size_t cap)
{
    for (size_t i = 0; i < COUNT(formula_names); i++) {
        if (formula_names[i].tenant == t) {
            snprintf(out, cap, "%s", formula_names[i].name);
            return;
        }
    }
    if (rng_chance(r, 120)) {
        snprintf(out, cap, "%s",
                 rng_item(r, local_names[reg], COUNT(local_names[reg])));
        return;
    }
    const char *base = rng_item(r, name_bases, COUNT(name_bases));
    const char *qual = rng_chance(r, 550) ? rng_item(r, name_qualifiers,
                                                     COUNT(name_qualifiers))
                                          : "";
    const char *nick = rng_chance(r, 15)
                           ? rng_item(r, name_nicknames, COUNT(name_nicknames))
                           : "";
    const char *suffix =
        rng_item(r, name_suffixes[reg], COUNT(name_suffixes[reg]));
    snprintf(out, cap, "%s%s%s%s", base, nick, qual, suffix);
}

/* An adoption curve: AU in ppm of QE (1,000,000 = 100 %) on a day. */
struct curve {
    enum shape shape;
    int32_t t0;    /* ramp starts */
    int32_t dur;   /* ramp length in days, > 0 */
    int32_t a0;    /* AU before the ramp */
    int32_t level; /* AU after the ramp */
    int32_t td;    /* decline starts (SH_DECLINE) */
    int32_t ddur;  /* decline length in days, > 0 */
    int32_t drop;  /* AU lost by the decline */
    int32_t noise; /* weekly noise, +- this */
    int32_t drift; /* AU gained per year after the ramp (may be < 0) */
};

/* 3x^2 - 2x^3 in 16.16 fixed point for x = num/den clamped to [0, 1]. */
static inline int64_t smooth16(int64_t num, int64_t den)
{
    if (num <= 0)
        return 0;
    if (num >= den)
        return 65536;
    int64_t s = num * 65536 / den;
    return (s * s * (3 * 65536 - 2 * s)) >> 32;
}

static inline int64_t curve_au(const struct curve *c, int32_t day)
{
    int64_t au =
        c->a0 +
        (((int64_t)(c->level - c->a0) * smooth16(day - c->t0, c->dur)) >> 16);
    if (c->shape == SH_DECLINE)
        au -= ((int64_t)c->drop * smooth16(day - c->td, c->ddur)) >> 16;
    if (c->drift != 0) {
        int64_t since = day - (c->t0 + c->dur);
        if (since > 0) {
            /* At most 10 pp either way, and under 100 % unless the shape
             * is above 100 %. */
            int64_t d = (int64_t)c->drift * since / 365;
            if (d > 100000)
                d = 100000;
            if (d < -100000)
                d = -100000;
            au += d;
            if (c->shape != SH_ABOVE && au > 1000000)
                au = 1000000;
        }
    }
    return au;
}

static void gen_curve(struct rng *r, const struct gen *g, enum shape sh,
                      int32_t enabled, struct curve *c)
{
    memset(c, 0, sizeof(*c));
    c->shape = sh;
    c->dur = 1;
    c->ddur = 1;
    c->noise = (int32_t)rng_range(r, 5000, 15000);
    /* Mature series drift slowly (-2 to +6 pp a year) rather than sit on
     * one value for years, which would make every one of them a plateau. */
    c->drift = (int32_t)rng_range(r, -20000, 60000);
    switch (sh) {
    case SH_RAMP:
        c->a0 = (int32_t)rng_range(r, 0, 50000);
        c->level = (int32_t)rng_range(r, 400000, 950000);
        c->t0 = enabled + (int32_t)rng_range(r, 0, 60);
        c->dur = (int32_t)rng_range(r, 120, 540);
        break;
    case SH_FAST:
        c->a0 = (int32_t)rng_range(r, 0, 80000);
        c->level = (int32_t)rng_range(r, 600000, 950000);
        c->t0 = enabled + (int32_t)rng_range(r, 0, 14);
        c->dur = (int32_t)rng_range(r, 21, 90);
        break;
    case SH_PLATEAU:
        /* Flat within +-1 pp once up: stuck, for the plateau KPI. */
        c->a0 = (int32_t)rng_range(r, 0, 50000);
        c->level = (int32_t)rng_range(r, 200000, 600000);
        c->t0 = enabled + (int32_t)rng_range(r, 0, 30);
        c->dur = (int32_t)rng_range(r, 30, 90);
        c->noise = 10000;
        c->drift = 0;
        break;
    case SH_DECLINE:
        /* Up, then down by 6-20 pp over 2-3 months, placed in the last
         * ten months so the biggest-losers list sees it. */
        c->a0 = (int32_t)rng_range(r, 0, 50000);
        c->level = (int32_t)rng_range(r, 450000, 900000);
        c->t0 = enabled + (int32_t)rng_range(r, 0, 30);
        c->dur = (int32_t)rng_range(r, 30, 240);
        c->td = g->last_day - (int32_t)rng_range(r, 70, 300);
        if (c->td < c->t0 + c->dur)
            c->td = c->t0 + c->dur;
        c->ddur = (int32_t)rng_range(r, 60, 100);
        c->drop = (int32_t)rng_range(r, 60000, 200000);
        c->drift = 0;
        break;
    case SH_NEVER:
        c->noise = 0;
        c->drift = 0;
        break;
    case SH_ABOVE:
        /* More active users than qualified entitlements (AU > 100 %). */
        c->a0 = (int32_t)rng_range(r, 0, 80000);
        c->level = (int32_t)rng_range(r, 1010000, 1300000);
        c->t0 = enabled + (int32_t)rng_range(r, 0, 14);
        c->dur = (int32_t)rng_range(r, 21, 120);
        break;
    case SH_COUNT:
        break;
    }
}

#define SNAP_MAX (SAMPLEGEN_MAX_MONTHS / 3 + 2)

/* What is shared by a tenant's workloads. */
struct tenant {
    char id[40];
    size_t id_len;
    enum region region;
    uint32_t seats;                       /* also when not shown */
    int32_t engagement, gateway, kickoff; /* hidden truth, may be late */
    int32_t snap_day[SNAP_MAX];           /* entitlement snapshot dates */
    unsigned snaps;
};

static enum ftk_error gen_customer(struct gen *g, struct rng *r, uint32_t t,
                                   struct tenant *tn, struct ftk_diag *diag)
{
    gen_tenant_id(r, t, tn->id);
    tn->id_len = strlen(tn->id);
    tn->region = (enum region)rng_pick(r, region_weights, R_COUNT);
    tn->seats = gen_seats(r);
    bool seats_shown = !rng_chance(r, 20);

    char name[256];
    gen_name(r, t, tn->region, name, sizeof(name));

    const unsigned short *pw =
        tn->seats >= 10000 ? priority_weights_large : priority_weights_small;
    const char *priority = priorities[rng_pick(r, pw, COUNT(priorities))];

    const char *fm;
    if (rng_chance(r, 20))
        fm = "";
    else if (rng_chance(r, 30)) /* covering for another region */
        fm = fm_names[rng_range(r, 0, R_COUNT - 1)][rng_range(r, 0, 2)];
    else
        fm = fm_names[tn->region][rng_range(r, 0, 2)];

    /* Engagement anywhere in the window; gateway 2-20 days later (10 %
     * 21-90), kickoff 3-20 days after that (15 % 31-150: slow kickoffs). A
     * date after the window has not happened yet, so it is not in the
     * extract. */
    int32_t last_eng = g->last_day - 14;
    if (last_eng < g->first_day)
        last_eng = g->first_day;
    tn->engagement = (int32_t)rng_range(r, g->first_day, last_eng);
    tn->gateway =
        tn->engagement + (rng_chance(r, 100) ? (int32_t)rng_range(r, 21, 90)
                                             : (int32_t)rng_range(r, 2, 20));
    tn->kickoff =
        tn->gateway + (rng_chance(r, 150) ? (int32_t)rng_range(r, 31, 150)
                                          : (int32_t)rng_range(r, 3, 20));
    int32_t engagement = rng_chance(r, 10) ? KPI_NO_DATE : tn->engagement;
    int32_t gateway = rng_chance(r, 60) || tn->gateway > g->last_day
                          ? KPI_NO_DATE
                          : tn->gateway;
    int32_t kickoff = rng_chance(r, 70) || tn->kickoff > g->last_day
                          ? KPI_NO_DATE
                          : tn->kickoff;

    struct sample_file *f = &g->files[F_CUSTOMERS];
    enum ftk_error err = sample_file_room(f, diag);
    if (err != FTK_OK)
        return err;
    char *p = f->buf + f->len;
    p = sample_put_mem(p, tn->id, tn->id_len);
    *p++ = ',';
    p = sample_put_text(p, name);
    *p++ = ',';
    p = sample_put_str(p, region_names[tn->region]);
    *p++ = ',';
    if (seats_shown)
        p = sample_put_u64(p, tn->seats);
    *p++ = ',';
    p = sample_put_text(p, priority);
    *p++ = ',';
    p = sample_put_text(p, fm);
    *p++ = ',';
    p = sample_put_date(p, engagement);
    *p++ = ',';
    p = sample_put_date(p, gateway);
    *p++ = ',';
    p = sample_put_date(p, kickoff);
    *p++ = '\n';
    f->len = (size_t)(p - f->buf);
    f->rows++;

    /* Quarterly entitlement snapshots on the 1st, from around the
     * engagement month (0-2 months earlier) to the end of the window. */
    int32_t m = kpi_month_of(tn->engagement) - (int32_t)rng_range(r, 0, 2);
    if (m < g->first_month)
        m = g->first_month;
    tn->snaps = 0;
    for (; m <= g->opt->last_month && tn->snaps < SNAP_MAX; m += 3)
        tn->snap_day[tn->snaps++] = kpi_month_first_day(m);
    return FTK_OK;
}

static char *put_prefix(char *p, const struct tenant *tn, const char *spell)
{
    p = sample_put_mem(p, tn->id, tn->id_len);
    *p++ = ',';
    p = sample_put_str(p, spell);
    *p++ = ',';
    return p;
}

/* One (tenant, workload) series: its entitlement snapshots, then its weekly
 * usage. */
static enum ftk_error gen_series(struct gen *g, struct rng *r,
                                 const struct tenant *tn, size_t w,
                                 struct ftk_diag *diag)
{
    const struct workload_def *wd = &workloads[w];
    enum ftk_error err;

    /* When the service was switched on: often long before the program for
     * Exchange, else some weeks or months after kickoff (12 % much
     * later). It may be after the window: not enabled yet. */
    int32_t enabled;
    if (rng_chance(r, early_enable[wd->wclass]))
        enabled = tn->engagement - (int32_t)rng_range(r, 30, 900);
    else
        enabled =
            tn->kickoff + (rng_chance(r, 120) ? (int32_t)rng_range(r, 121, 400)
                                              : (int32_t)rng_range(r, 0, 120));
    bool is_enabled = enabled <= g->last_day;
    bool records_enabled = !rng_chance(r, 80);
    enum shape sh =
        (enum shape)rng_pick(r, shape_weights[wd->wclass], SH_COUNT);
    bool qe_zero = rng_chance(r, 10);

    /* QE per snapshot: a share of seats, growing 0-4 % a quarter (now and
     * then shrinking 10 %), never above seats. */
    uint32_t qe[SNAP_MAX];
    uint64_t q = (uint64_t)tn->seats *
                 (uint64_t)rng_range(r, wd->qe_min, wd->qe_max) / 1000;
    q = q * (uint64_t)rng_range(r, 800, 960) / 1000;
    if (q == 0)
        q = 1;
    for (unsigned k = 0; k < tn->snaps; k++) {
        qe[k] = qe_zero ? 0 : (uint32_t)q;
        if (rng_chance(r, 30))
            q = q * 9 / 10;
        else
            q += q * (uint64_t)rng_range(r, 0, 40) / 1000;
        if (q > tn->seats)
            q = tn->seats;
        if (q == 0)
            q = 1;
    }

    /* Which snapshots are in the extract: all of them, from a later one
     * for a workload added later, none for usage outside the program. */
    unsigned k0 = 0;
    bool has_ent = true;
    if (wd->wclass == WC_OTHER) {
        if (rng_chance(r, 20))
            has_ent = false;
        else if (tn->snaps > 1 && rng_chance(r, 150))
            k0 = (unsigned)rng_range(r, 1, tn->snaps - 1);
    }

    unsigned spelling = pick_spelling(r, g, w);
    const char *spell = g->spell[w][spelling];

    if (has_ent) {
        const unsigned short *before = status_before_enable;
        const unsigned short *after =
            sh == SH_NEVER ? status_never : status_after_enable;
        const char *st_before = status_names[rng_pick(r, before, ST_COUNT)];
        const char *st_after = qe_zero
                                   ? status_names[ST_NO_INTENT]
                                   : status_names[rng_pick(r, after, ST_COUNT)];
        const char *note = NULL;
        unsigned note_from = 0;
        if (rng_chance(r, 250)) {
            /* #SPOblocker belongs to SharePoint and OneDrive. */
            bool spo =
                strcmp(wd->code, "SPO") == 0 || strcmp(wd->code, "OD") == 0;
            if (spo && rng_chance(r, 300))
                note = rng_item(r, spo_notes, COUNT(spo_notes));
            else
                note = rng_item(r, notes, COUNT(notes));
            note_from = (unsigned)rng_range(r, k0, tn->snaps - 1);
        }
        struct sample_file *f = &g->files[F_ENTITLEMENTS];
        for (unsigned k = k0; k < tn->snaps; k++) {
            if ((err = sample_file_room(f, diag)) != FTK_OK)
                return err;
            int32_t as_of = tn->snap_day[k];
            bool on = is_enabled && enabled <= as_of;
            const char *st = on ? st_after : st_before;
            if (rng_chance(r, 30))
                st = "";
            char *p = f->buf + f->len;
            p = put_prefix(p, tn, spell);
            p = sample_put_date(p, as_of);
            *p++ = ',';
            p = sample_put_u64(p, qe[k]);
            *p++ = ',';
            if (on && records_enabled)
                p = sample_put_date(p, enabled);
            *p++ = ',';
            p = sample_put_str(p, st);
            *p++ = ',';
            if (note && k >= note_from)
                p = sample_put_text(p, note);
            *p++ = '\n';
            f->len = (size_t)(p - f->buf);
            f->rows++;
        }
    }

    if (!is_enabled || qe_zero || (sh == SH_NEVER && rng_chance(r, 500)))
        return FTK_OK;

    struct curve c;
    gen_curve(r, g, sh, enabled, &c);

    /* First Saturday on or after max(enabled, window start). */
    uint32_t wk = 0;
    if (enabled > g->week0)
        wk = (uint32_t)((enabled - g->week0 + 6) / 7);
    /* A few series miss a month or two of snapshots (an extract outage). */
    uint32_t gap_from = UINT32_MAX, gap_to = 0;
    if (wk < g->weeks && rng_chance(r, 30)) {
        gap_from = (uint32_t)rng_range(r, wk, g->weeks - 1);
        gap_to = gap_from + (uint32_t)rng_range(r, 5, 8);
    }

    char prefix[128];
    size_t plen = (size_t)(put_prefix(prefix, tn, spell) - prefix);
    unsigned k = k0; /* snapshot giving QE; before k0 it is backfilled */
    unsigned nspell = g->spell_count[w];
    struct sample_file *f = &g->files[F_USAGE];
    for (; wk < g->weeks; wk++) {
        int32_t day = g->week0 + 7 * (int32_t)wk;
        uint64_t bits = rng_next(r);
        if (wk >= gap_from && wk < gap_to)
            continue;
        if (((bits >> 16) & 1023) < 5) /* 0.5 % of weeks missing */
            continue;
        while (k + 1 < tn->snaps && tn->snap_day[k + 1] <= day)
            k++;
        int64_t au = curve_au(&c, day);
        if (c.noise > 0)
            au += (int64_t)(((bits & 0xFFFF) * (uint64_t)(2 * c.noise + 1)) >>
                            16) -
                  c.noise;
        if (au < 0)
            au = 0;
        uint64_t ae = ((uint64_t)au * qe[k] + 500000) / 1000000;

        if ((err = sample_file_room(f, diag)) != FTK_OK)
            return err;
        char *p = f->buf + f->len;
        if (((bits >> 26) & 1023) < 20 && nspell > 1) {
            /* 2 % of rows spell the workload another way than the rest of
             * their series; the key must still match. */
            p = put_prefix(p, tn, g->spell[w][(bits >> 36) % nspell]);
        } else {
            p = sample_put_mem(p, prefix, plen);
        }
        p = sample_put_mem(p, g->week_str[wk], 10);
        *p++ = ',';
        p = sample_put_u64(p, ae);
        *p++ = '\n';
        f->len = (size_t)(p - f->buf);
        f->rows++;
    }
    return FTK_OK;
}

static enum ftk_error gen_tenant(struct gen *g, uint32_t t,
                                 struct ftk_diag *diag)
{
    struct rng r;
    struct tenant tn;
    rng_seed(&r, g->opt->seed, t);
    enum ftk_error err = gen_customer(g, &r, t, &tn, diag);
    if (err != FTK_OK)
        return err;
    for (size_t w = 0; w < WORKLOAD_COUNT; w++) {
        if (!rng_chance(&r, workloads[w].presence))
            continue;
        if ((err = gen_series(g, &r, &tn, w, diag)) != FTK_OK)
            return err;
    }
    return FTK_OK;
}

static enum ftk_error check_options(const struct samplegen_options *opt,
                                    struct ftk_diag *diag)
{
    if (opt->tenants < 1 || opt->tenants > SAMPLEGEN_MAX_TENANTS)
        return ftk_fail(diag, FTK_E_USAGE,
                        "samples: tenants must be 1 to %u, not %lu",
                        SAMPLEGEN_MAX_TENANTS, (unsigned long)opt->tenants);
    if (opt->months < 1 || opt->months > SAMPLEGEN_MAX_MONTHS)
        return ftk_fail(diag, FTK_E_USAGE,
                        "samples: months must be 1 to %d, not %lu",
                        SAMPLEGEN_MAX_MONTHS, (unsigned long)opt->months);
    /* Enabled dates reach about three years before the window; keep all
     * dates well inside 0001-9999. */
    int32_t first = opt->last_month - (int32_t)opt->months + 1;
    if (first < 1900 * 12 || opt->last_month > 9999 * 12 + 11)
        return ftk_fail(diag, FTK_E_USAGE,
                        "samples: the months must lie within 1900-01 to "
                        "9999-12");
    if (opt->out_dir == NULL || opt->out_dir[0] == '\0')
        return ftk_fail(diag, FTK_E_USAGE,
                        "samples: no output directory given");
    return FTK_OK;
}

enum ftk_error samplegen_write_counted(const struct samplegen_options *opt,
                                       struct samplegen_counts *counts,
                                       struct ftk_diag *diag)
{
    if (counts)
        memset(counts, 0, sizeof(*counts));
    enum ftk_error err = check_options(opt, diag);
    if (err != FTK_OK)
        return err;

    struct gen *g = calloc(1, sizeof(*g));
    if (g == NULL)
        return ftk_fail(diag, FTK_E_NOMEM, "samples: out of memory");
    for (int i = 0; i < F_COUNT; i++)
        sample_file_init(&g->files[i]);
    g->opt = opt;
    g->first_month = opt->last_month - (int32_t)opt->months + 1;
    g->first_day = kpi_month_first_day(g->first_month);
    g->last_day = kpi_month_last_day(opt->last_month);
    /* Day 2 (1970-01-03) was a Saturday. */
    int32_t mod = ((g->first_day - 2) % 7 + 7) % 7;
    g->week0 = g->first_day + (mod == 0 ? 0 : 7 - mod);
    g->weeks = g->week0 > g->last_day
                   ? 0
                   : (uint32_t)((g->last_day - g->week0) / 7 + 1);
    g->week_str = malloc(sizeof(*g->week_str) * (g->weeks + 1));
    if (g->week_str == NULL) {
        err = ftk_fail(diag, FTK_E_NOMEM, "samples: out of memory");
        goto out;
    }
    for (uint32_t i = 0; i < g->weeks; i++) {
        char s[11];
        kpi_date_format(g->week0 + 7 * (int32_t)i, s);
        memcpy(g->week_str[i], s, 10);
    }
    gen_spellings(g);

    for (int i = 0; i < F_COUNT; i++) {
        struct sample_file *f = &g->files[i];
        err = sample_file_open(f, opt->out_dir, file_names[i], opt->gzip, diag);
        if (err != FTK_OK)
            goto out;
        f->len = (size_t)(sample_put_str(f->buf, file_headers[i]) - f->buf);
    }

    for (uint32_t t = 0; t < opt->tenants; t++) {
        err = gen_tenant(g, t, diag);
        if (err != FTK_OK)
            goto out;
    }

    for (int i = 0; i < F_COUNT; i++) {
        err = sample_file_finish(&g->files[i], diag);
        if (err != FTK_OK)
            goto out;
    }
    /* Publish only once all three are complete. */
    for (int i = 0; i < F_COUNT; i++) {
        struct sample_file *f = &g->files[i];
        if (rename(f->tmp, f->path) != 0) {
            err =
                ftk_fail(diag, FTK_E_CANTCREAT, "samples: cannot create %s: %s",
                         f->path, strerror(errno));
            goto out;
        }
        f->tmp[0] = '\0';
    }
    int dfd = open(opt->out_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd >= 0) {
        /* Makes the renames durable; a failure here loses nothing now. */
        (void)fsync(dfd);
        close(dfd);
    }
    if (counts) {
        counts->customers = g->files[F_CUSTOMERS].rows;
        counts->entitlements = g->files[F_ENTITLEMENTS].rows;
        counts->usage = g->files[F_USAGE].rows;
        counts->customers_bytes = g->files[F_CUSTOMERS].bytes;
        counts->entitlements_bytes = g->files[F_ENTITLEMENTS].bytes;
        counts->usage_bytes = g->files[F_USAGE].bytes;
    }

out:
    for (int i = 0; i < F_COUNT; i++)
        sample_file_release(&g->files[i]);
    free(g->week_str);
    free(g);
    return err;
}

enum ftk_error samplegen_write(const struct samplegen_options *opt,
                               struct ftk_diag *diag)
{
    return samplegen_write_counted(opt, NULL, diag);
}
