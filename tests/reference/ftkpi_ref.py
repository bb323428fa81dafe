#!/usr/bin/env python3
"""Independent reference implementation of the ftkpi KPI facts (SPEC.md).

    python3 tests/reference/ftkpi_ref.py --customers F... --entitlements F...
        --usage F... [--as-of YYYY-MM] --out DIR

Writes workload_kpis.csv, customer_kpis.csv, portfolio.csv,
cohort_candidates.csv, next_actions.csv and exec_summaries.csv into DIR
(SPEC §7, §9; the readings of §9 are in READINGS-issue9.md beside this
file). It is a test oracle for the C
program: written from SPEC.md and templates/ftkpi.ini only, standard library
only, exact rational arithmetic (fractions.Fraction) for every threshold
comparison and every rounding. It does not write rejects.csv, the workbook
or the manifest, and it does not read a --config file (the defaults of
templates/ftkpi.ini are hardcoded below).

Exit status: 0 written; 64 bad command line; 65 a malformed file, rejects
over the threshold, or no usage and no --as-of; 66 an input is missing.
"""

import argparse
import datetime
import gzip
import os
import sys
import zlib
from fractions import Fraction

# ---------------------------------------------------------------------------
# Configuration: the defaults of templates/ftkpi.ini
# ---------------------------------------------------------------------------

# §2 / [workloads]: code -> aliases (matched case-insensitively; the code
# itself always matches).
WORKLOAD_ALIASES = {
    "EXO": ["Exchange", "Exchange Online"],
    "OLM": ["Outlook Mobile", "OM"],
    "SPO": ["SharePoint", "SharePoint Online"],
    "OD": ["OneDrive", "OneDrive for Business", "ODB"],
    "OPP": ["ProPlus", "Office 365 ProPlus", "Microsoft 365 Apps", "M365 Apps"],
    "TEAMS": ["Teams", "Microsoft Teams"],
    "YAM": ["Yammer", "Yammer Enterprise"],
    "WIN10": ["Windows 10"],
    "INTUNE": ["Intune"],
    "AADP": ["Azure AD Premium", "Azure Active Directory Premium"],
    "AIP": ["Azure Information Protection"],
    "MCAS": ["Microsoft Cloud App Security"],
    "IDSEC": ["Identity Security"],
    "PROJ": ["Project Online"],
    "WDATP": ["Windows Defender ATP"],
    "SDS": ["School Data Sync"],
    "CORE": [],
}


def _ascii_lower(b):
    """Case folding for alias matching: ASCII letters only (the aliases are
    ASCII; a non-ASCII letter never matches one)."""
    return bytes(c + 32 if 65 <= c <= 90 else c for c in b)


ALIAS_TABLE = {}
for _code, _aliases in WORKLOAD_ALIASES.items():
    for _name in [_code] + _aliases:
        ALIAS_TABLE[_ascii_lower(_name.encode())] = _code

# §2 / [core]
CORE = ["EXO", "SPO", "OD", "TEAMS", "OPP"]

# §4 / [thresholds]: workload -> (green_above, red_below), AU percent.
THRESHOLDS = {
    "EXO": (Fraction(50), Fraction(20)),
    "SPO": (Fraction(40), Fraction(20)),
    "OD": (Fraction(40), Fraction(20)),
    "OPP": (Fraction(70), Fraction(40)),
}
THRESHOLD_DEFAULT = (Fraction(70), Fraction(40))

# §4 / [customer_health]
CH_RED_BELOW = Fraction(40)
CH_GREEN_ABOVE = Fraction(70)
CH_RED_COUNT = 2

# §4 / [plateau]
PLATEAU_BAND_PP = Fraction(5)
PLATEAU_MIN_MONTHS = 3

# §5 / [focus]
LARGE_SEATS = 10000
LARGE_POOR_BELOW = Fraction(20)
LOSER_DELTA_3M_PP = Fraction(-5)
SLOW_KICKOFF_DAYS = 30
SLOW_ENABLE_DAYS = 90
SLOW_RAMP = [(10, 60), (40, 180), (70, 365)]  # (milestone %, days)

# §1 / [ingest]
MAX_REJECT_PCT = Fraction(1)

FOCUS_ORDER = ["LARGE_POOR", "PLATEAU", "LOSER", "SLOW_KICKOFF",
               "SLOW_ENABLE", "SLOW_RAMP"]


def thresholds(w):
    return THRESHOLDS.get(w, THRESHOLD_DEFAULT)


def target(w):
    """§4: the workload's target is its green_above."""
    return thresholds(w)[0]


class DataError(Exception):
    """A file-level error or a failed run: exit 65."""


# ---------------------------------------------------------------------------
# §1 Inputs: reading the CSV files
# ---------------------------------------------------------------------------

def read_bytes(path):
    """The file's bytes; gzip is detected by its magic bytes 1f 8b."""
    with open(path, "rb") as f:
        data = f.read()
    if data[:2] == b"\x1f\x8b":
        try:
            data = gzip.decompress(data)
        except (OSError, EOFError, zlib.error) as e:
            raise DataError("%s: truncated or corrupt gzip stream (%s)"
                            % (path, e))
    return data


SPTAB = b" \t"


def parse_csv(path, data):
    """RFC 4180 records of a file, as (line_number, [field bytes]).

    §1: UTF-8 with or without a BOM, CRLF or LF; spaces and tabs around a
    field, quoted or not, are not part of its value (inside the quotes they
    are); blank lines (empty or only spaces and tabs) are skipped and not
    counted; line numbers are the physical line of the record's first line.
    A CSV syntax error (unterminated quote, quote inside an unquoted field,
    text after a closing quote) is a file-level error.
    """
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    n = len(data)
    pos = 0
    line = 1
    records = []
    while pos < n:
        eol = data.find(b"\n", pos)
        if eol < 0:
            eol = n
        phys = data[pos:eol]
        content = phys[:-1] if phys.endswith(b"\r") else phys
        # Blank line: skipped, not a row.
        if content.strip(SPTAB) == b"":
            pos = eol + 1
            line += 1
            continue
        start_line = line
        # Fast path: a physical line without quotes is one record.
        if b'"' not in content and b"\r" not in content:
            fields = [f.strip(SPTAB) for f in content.split(b",")]
            records.append((start_line, fields))
            pos = eol + 1
            line += 1
            continue
        fields = []
        while True:
            while pos < n and data[pos] in SPTAB:
                pos += 1
            if pos < n and data[pos] == 0x22:  # quoted field
                pos += 1
                buf = bytearray()
                while True:
                    if pos >= n:
                        raise DataError("%s:%d: unterminated quote"
                                        % (path, start_line))
                    c = data[pos]
                    if c == 0x22:
                        if pos + 1 < n and data[pos + 1] == 0x22:
                            buf.append(0x22)
                            pos += 2
                            continue
                        pos += 1
                        break
                    if c == 0x0A:
                        line += 1
                    buf.append(c)
                    pos += 1
                while pos < n and data[pos] in SPTAB:
                    pos += 1
                fields.append(bytes(buf))
            else:  # unquoted field: up to ',' or the line end
                s = pos
                while pos < n:
                    c = data[pos]
                    if c == 0x2C or c == 0x0A:
                        break
                    if c == 0x0D and (pos + 1 == n or data[pos + 1] == 0x0A):
                        break
                    if c == 0x22:
                        raise DataError("%s:%d: quote inside an unquoted field"
                                        % (path, line))
                    pos += 1
                fields.append(data[s:pos].strip(SPTAB))
            if pos >= n:
                break
            c = data[pos]
            if c == 0x2C:
                pos += 1
                continue
            if c == 0x0D and pos + 1 < n and data[pos + 1] == 0x0A:
                pos += 2
                line += 1
                break
            if c == 0x0D and pos + 1 == n:
                pos += 1
                break
            if c == 0x0A:
                pos += 1
                line += 1
                break
            raise DataError("%s:%d: unexpected character after a closing quote"
                            % (path, line))
        records.append((start_line, fields))
    return records


# Column tables of §1, in table order: (name, required, type).
CUSTOMER_COLUMNS = [
    ("tenant_id", True, "tenant"),
    ("customer_name", True, "text"),
    ("region", True, "text"),
    ("seats", False, "int"),
    ("priority", False, "text"),
    ("fm", False, "text"),
    ("engagement_start", False, "date"),
    ("gateway_date", False, "date"),
    ("kickoff_date", False, "date"),
]
ENTITLEMENT_COLUMNS = [
    ("tenant_id", True, "tenant"),
    ("workload", True, "text"),
    ("as_of", True, "date"),
    ("qualified_entitlements", True, "int"),
    ("enabled_date", False, "date"),
    ("status", False, "text"),
    ("notes", False, "text"),
]
USAGE_COLUMNS = [
    ("tenant_id", True, "tenant"),
    ("workload", True, "text"),
    ("date", True, "date"),
    ("active_users", True, "int"),
]

MAX_FIELD = 4096
MAX_TENANT = 64
MAX_INT = 2000000000


def parse_int(b):
    """§1: plain ASCII decimal digits, leading zeros allowed, ≤ 2e9."""
    if not b or any(c < 0x30 or c > 0x39 for c in b):
        return None
    v = int(b)
    return v if v <= MAX_INT else None


def parse_date(b):
    """§1: ISO YYYY-MM-DD, a real calendar date, years 0001-9999."""
    if len(b) != 10 or b[4] != 0x2D or b[7] != 0x2D:
        return None
    ds = b[0:4] + b[5:7] + b[8:10]
    if any(c < 0x30 or c > 0x39 for c in ds):
        return None
    try:
        return datetime.date(int(b[0:4]), int(b[5:7]), int(b[8:10]))
    except ValueError:
        return None


def read_kind(paths, columns):
    """Reads the files of one kind of extract (§1): returns, per file,
    (path, [(line, (reason, values))]) where reason is None for a row that
    passes the column checks of check_row(). File-level errors (empty file,
    CSV syntax error, a required column missing, a recognised column named
    twice, a corrupt gzip stream) raise DataError.
    """
    out = []
    for path in paths:
        data = read_bytes(path)
        records = parse_csv(path, data)
        if not records:
            raise DataError("%s: empty file (no header)" % path)
        hline, header = records[0]
        # columns are matched by name: case-insensitive, surrounding spaces
        # ignored (the parser already trimmed them), any order, extra ones
        # ignored (and not validated)
        index = {}
        for i, h in enumerate(header):
            try:
                name = h.decode("utf-8").lower()
            except UnicodeDecodeError:
                continue
            if any(name == c[0] for c in columns):
                if name in index:
                    raise DataError("%s:%d: column %s named twice"
                                    % (path, hline, name))
                index[name] = i
        for name, required, _ in columns:
            if required and name not in index:
                raise DataError("%s:%d: required column %s missing"
                                % (path, hline, name))
        width = len(header)
        rows = [(line, check_row(fields, width, index, columns))
                for line, fields in records[1:]]
        out.append((path, rows))
    return out


def check_row(fields, width, index, columns):
    """§1 precedence: wrong number of fields; then column by column in table
    order: invalid UTF-8, field too long, missing value, bad integer or bad
    date. Returns (reason, values) with reason None when the row passes."""
    if len(fields) != width:
        return ("wrong_field_count", None)
    values = {}
    for name, required, typ in columns:
        if name not in index:
            values[name] = None
            continue
        raw = fields[index[name]]
        # Strict UTF-8 (no overlong forms, surrogates or code points above
        # U+10FFFF). U+0000 is valid UTF-8 and the spec has no rule against
        # it, but ftkpi rejects it as invalid_utf8 by a documented decision
        # (docs/decisions.md: no C string, CSV consumer or spreadsheet
        # carries it safely); the oracle follows ftkpi there, and only
        # there. Other control characters are accepted.
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            return ("invalid_utf8", None)
        if b"\0" in raw:
            return ("invalid_utf8", None)
        if len(raw) > MAX_FIELD or (typ == "tenant" and len(raw) > MAX_TENANT):
            return ("field_too_long", None)
        if raw == b"":
            if required:
                return ("missing_value", None)
            values[name] = None
            continue
        if typ == "int":
            v = parse_int(raw)
            if v is None:
                return ("bad_integer", None)
            values[name] = v
        elif typ == "date":
            v = parse_date(raw)
            if v is None:
                return ("bad_date", None)
            values[name] = v
        elif name == "workload":
            values[name] = raw  # canonicalised after the column checks
        else:
            values[name] = text
    return (None, values)


def load_inputs(customer_paths, entitlement_paths, usage_paths):
    """§1: accepted customers, entitlement and usage rows.

    Precedence after the column checks: unknown workload; unknown tenant
    (not an accepted customer); duplicate key (first accepted row wins across
    all files of a kind in command-line order). Fails (DataError) when a
    file's rejects exceed max_reject_pct of the rows read in it.
    """
    counts = []  # (path, read, rejected)

    customers = {}
    for path, rows in read_kind(customer_paths, CUSTOMER_COLUMNS):
        rej = 0
        for line, (reason, v) in rows:
            if reason is None and v["tenant_id"] in customers:
                reason = "duplicate_key"
            if reason is not None:
                rej += 1
                continue
            customers[v["tenant_id"]] = v
        counts.append((path, len(rows), rej))

    def snapshots(paths, columns, datecol):
        accepted = {}
        for path, rows in read_kind(paths, columns):
            rej = 0
            for line, (reason, v) in rows:
                if reason is None:
                    code = ALIAS_TABLE.get(_ascii_lower(v["workload"]))
                    if code is None:
                        reason = "unknown_workload"
                    else:
                        v["workload"] = code
                if reason is None and v["tenant_id"] not in customers:
                    reason = "unknown_tenant"
                if reason is None:
                    key = (v["tenant_id"], v["workload"], v[datecol])
                    if key in accepted:
                        reason = "duplicate_key"
                if reason is not None:
                    rej += 1
                    continue
                accepted[key] = v
            counts.append((path, len(rows), rej))
        return list(accepted.values())

    ents = snapshots(entitlement_paths, ENTITLEMENT_COLUMNS, "as_of")
    usage = snapshots(usage_paths, USAGE_COLUMNS, "date")

    # §1: rejected × 100 > max_reject_pct × read in any one file fails.
    for path, read, rej in counts:
        if rej * 100 > MAX_REJECT_PCT * read:
            raise DataError("%s: %d of %d rows rejected" % (path, rej, read))
    return customers, ents, usage


# ---------------------------------------------------------------------------
# Dates and months
# ---------------------------------------------------------------------------

def month_index(d):
    return d.year * 12 + (d.month - 1)


def month_last_day(mi):
    y, m = divmod(mi, 12)
    m += 1
    if m == 12:
        return datetime.date(y, 12, 31)
    return datetime.date(y, m + 1, 1) - datetime.timedelta(days=1)


def month_text(mi):
    y, m = divmod(mi, 12)
    return "%04d-%02d" % (y, m + 1)


def days(a, b):
    """b − a in days; None when a date is missing (§4 Velocity)."""
    if a is None or b is None:
        return None
    return b.toordinal() - a.toordinal()


# ---------------------------------------------------------------------------
# Formatting (§4 rounding, §6/§7 CSV conventions)
# ---------------------------------------------------------------------------

def fmt2(x):
    """Exact value rounded half away from zero to 2 decimals: 37.50."""
    if x is None:
        return ""
    neg = x < 0
    a = abs(x) * 100
    n = (a.numerator * 2 + a.denominator) // (2 * a.denominator)  # ⌊a+½⌋
    s = "%d.%02d" % divmod(n, 100)
    return "-" + s if neg and n != 0 else s


def fmt_int(v):
    return "" if v is None else str(v)


def fmt_bool(v):
    return "" if v is None else ("true" if v else "false")


def fmt_date(d):
    return "" if d is None else "%04d-%02d-%02d" % (d.year, d.month, d.day)


class Text(str):
    """A text cell: §6 formula guard applies (numbers never)."""


def cell(v):
    if isinstance(v, Text):
        s = str(v)
        if s[:1] in ("=", "+", "-", "@", "\t", "\r"):
            s = "'" + s
    else:
        s = str(v)
    # quoted only where needed (RFC 4180: comma, quote, CR, LF)
    if any(c in s for c in ',"\r\n'):
        s = '"' + s.replace('"', '""') + '"'
    return s


def write_csv(path, header, rows):
    with open(path, "w", encoding="utf-8", newline="") as f:
        f.write(",".join(header) + "\n")
        for r in rows:
            f.write(",".join(cell(v) for v in r) + "\n")


# ---------------------------------------------------------------------------
# §3 Series and §4 KPIs
# ---------------------------------------------------------------------------

def au_of(ae, qe):
    """§3: AU = AE / QE as an exact percent; undefined (None) when QE is 0
    or unknown."""
    if qe is None or qe == 0 or ae is None:
        return None
    return Fraction(ae * 100, qe)


class Pair:
    """One (tenant, workload) over the as-of window."""

    def __init__(self, tenant, workload):
        self.tenant = tenant
        self.workload = workload
        self.ents = []   # (as_of, qe, enabled_date, notes), in-window, sorted
        self.usage = []  # (date, ae), in-window, sorted

    def qe_on(self, d):
        """§3 as-of join: the snapshot with the greatest as_of ≤ d; else the
        earliest snapshot, flagged backfilled; (None, False) when none."""
        if not self.ents:
            return None, False
        best = None
        for as_of, qe, _, _ in self.ents:
            if as_of <= d:
                best = qe
            else:
                break
        if best is None:
            return self.ents[0][1], True
        return best, False


def compute(customers, ents, usage, asof_arg):
    # §3: the as-of month: given, or the latest month with an accepted usage
    # snapshot; no usage and no --as-of fails.
    if asof_arg is not None:
        m = asof_arg
    else:
        if not usage:
            raise DataError("no usage snapshots and no --as-of")
        m = max(month_index(u["date"]) for u in usage)
    end = month_last_day(m)

    # §3: only snapshots dated on or before the last day of the as-of month.
    pairs = {}

    def pair(t, w):
        p = pairs.get((t, w))
        if p is None:
            p = pairs[(t, w)] = Pair(t, w)
        return p

    for e in ents:
        if e["as_of"] <= end:
            pair(e["tenant_id"], e["workload"]).ents.append(
                (e["as_of"], e["qualified_entitlements"], e["enabled_date"],
                 e["notes"]))
    for u in usage:
        if u["date"] <= end:
            pair(u["tenant_id"], u["workload"]).usage.append(
                (u["date"], u["active_users"]))
    for p in pairs.values():
        p.ents.sort(key=lambda x: x[0])
        p.usage.sort(key=lambda x: x[0])

    wk = {}  # (t, w) -> dict of KPIs
    for (t, w), p in pairs.items():
        cust = customers[t]
        # §3 month values: latest usage snapshot inside each month, with the
        # QE of its date. month -> (date, ae, qe, backfilled, au)
        mv = {}
        for d, ae in p.usage:  # sorted: the last one of a month wins
            qe, bf = p.qe_on(d)
            mv[month_index(d)] = (d, ae, qe, bf, au_of(ae, qe))
        cur = mv.get(m)
        if cur is not None:
            _, ae, qe, backfilled, au = cur
        else:
            # §3: QE(t, w, m) when the month has no value: QE on its last day.
            ae, au, backfilled = None, None, False
            qe, _ = p.qe_on(end)

        def au_month(k):
            v = mv.get(k)
            return None if v is None else v[4]

        # §4 workload health
        green_above, red_below = thresholds(w)
        if au is None:
            health = "N/A"
        elif au > green_above:
            health = "Green"
        elif au < red_below:
            health = "Red"
        else:
            health = "Yellow"

        # §4 EXO scenario
        scenario = ""
        if w == "EXO" and au is not None:
            if au < 10:
                scenario = "<10%"
            elif au <= 40:
                scenario = "10-40%"
            else:
                scenario = ">40%"

        # §4 deltas: empty when either month has no (defined) value.
        def delta(k):
            a, b = au, au_month(m - k)
            return None if a is None or b is None else a - b
        d1, d3 = delta(1), delta(3)

        # §4 plateau: the largest k ≥ 1 such that months m−k … m all have a
        # defined AU and each is within ±band of the anchor m−k.
        run = 0  # consecutive months before m with a defined AU
        if au is not None:
            while au_month(m - run - 1) is not None:
                run += 1
        L = 0
        for k in range(1, run + 1):
            anchor = au_month(m - k)
            if all(abs(au_month(j) - anchor) <= PLATEAU_BAND_PP
                   for j in range(m - k, m + 1)):
                L = k
        plateau = L > PLATEAU_MIN_MONTHS and health != "Green"

        # §4 velocity: enabled_date of the most recent in-window entitlement
        # snapshot with a non-empty one.
        enabled = None
        for as_of, _, en, _ in p.ents:
            if en is not None:
                enabled = en
        kickoff = cust["kickoff_date"]
        d_k2e = days(kickoff, enabled)
        # days_to_X: first usage snapshot on or after enabled_date whose AU
        # (QE of its own date) ≥ X; undefined AU does not count.
        days_to = {}
        for x, _ in SLOW_RAMP:
            days_to[x] = None
            if enabled is None:
                continue
            for d, a in p.usage:
                if d < enabled:
                    continue
                q, _ = p.qe_on(d)
                sau = au_of(a, q)
                if sau is not None and sau >= x:
                    days_to[x] = days(enabled, d)
                    break

        # §4 users to goal: max(0, ⌊QE × target / 100⌋ + 1 − AE); empty when
        # AU is undefined.
        utg = None
        if au is not None:
            goal = qe * target(w) / 100
            utg = max(0, (goal.numerator // goal.denominator) + 1 - ae)

        # §4 notes tags come from the latest in-window entitlement
        # snapshot's notes (§9.1 reads them too); None when it has none.
        notes = p.ents[-1][3] if p.ents else None

        wk[(t, w)] = dict(
            tenant=t, workload=w, qe=qe, ae=ae, au=au, health=health,
            scenario=scenario, d1=d1, d3=d3, L=L, plateau=plateau,
            backfilled=backfilled, enabled=enabled, d_k2e=d_k2e,
            days_to=days_to, utg=utg, notes=notes)

    # ----- §4 customer KPIs and §5 focus areas -----
    by_tenant = {}
    for (t, w), r in wk.items():
        by_tenant.setdefault(t, {})[w] = r

    cust_rows = []
    candidates = []
    for t, c in customers.items():
        rows = by_tenant.get(t, {})
        core = [rows[w] for w in CORE if w in rows]
        measured = [r for r in core if r["au"] is not None]
        core_qe = sum(r["qe"] for r in measured)
        core_ae = sum(r["ae"] for r in measured)
        core_au = Fraction(core_ae * 100, core_qe) if measured else None

        # §4 customer health, steps 1–5
        if not measured:
            health = "N/A"
        elif sum(1 for r in measured if r["au"] < CH_RED_BELOW) >= CH_RED_COUNT:
            health = "Red"
        elif any(r["au"] > CH_GREEN_ABOVE for r in measured):
            health = "Green"
        elif any(r["au"] >= CH_RED_BELOW for r in measured):
            health = "Yellow"
        else:
            health = "Red"

        # §4 large: seats ≥ 10,000; when seats is empty, the largest
        # QE(t, w, m) of any workload; empty when neither is known.
        if c["seats"] is not None:
            large = c["seats"] >= LARGE_SEATS
        else:
            qes = [r["qe"] for r in rows.values() if r["qe"] is not None]
            large = max(qes) >= LARGE_SEATS if qes else None

        # §4 customer users to goal: sum over core workloads (empty → 0).
        utg = sum(r["utg"] or 0 for r in core)

        start, kickoff, gateway = (c["engagement_start"], c["kickoff_date"],
                                   c["gateway_date"])

        # §5 focus areas, in table order; ("area", workload or "", detail).
        areas = []
        if large and core_au is not None and core_au < LARGE_POOR_BELOW:
            areas.append(("LARGE_POOR", "", "customer AU %s%%" % fmt2(core_au)))
        for r in core:
            if r["plateau"]:
                areas.append(("PLATEAU", r["workload"],
                              "plateau %d months" % r["L"]))
        for r in core:
            if r["d3"] is not None and r["d3"] <= LOSER_DELTA_3M_PP:
                areas.append(("LOSER", r["workload"],
                              "delta_3m %s pp" % fmt2(r["d3"])))
        # SLOW_KICKOFF: no kickoff_date by the as-of month's end and more
        # than 30 days since engagement_start.
        if (kickoff is None or kickoff > end) and start is not None \
                and days(start, end) > SLOW_KICKOFF_DAYS:
            areas.append(("SLOW_KICKOFF", "",
                          "%d days since engagement start" % days(start, end)))
        # SLOW_ENABLE: kickoff more than 90 days ago and a core workload with
        # QE > 0 not yet enabled.
        if kickoff is not None and days(kickoff, end) > SLOW_ENABLE_DAYS:
            for r in core:
                if r["qe"] is not None and r["qe"] > 0 and \
                        (r["enabled"] is None or r["enabled"] > end):
                    areas.append(("SLOW_ENABLE", r["workload"],
                                  "QE %d not enabled" % r["qe"]))
        # SLOW_RAMP: enabled more than 60/180/365 days ago and never reached
        # 10/40/70 % since (only milestones ≤ the workload's target).
        for r in core:
            if r["enabled"] is None:
                continue
            ago = days(r["enabled"], end)
            missed = [x for x, lim in SLOW_RAMP
                      if x <= target(r["workload"]) and ago > lim
                      and r["days_to"][x] is None]
            if missed:
                areas.append(("SLOW_RAMP", r["workload"],
                              "not reached %s" % ", ".join(
                                  "%d%%" % x for x in missed)))
        areas.sort(key=lambda a: (FOCUS_ORDER.index(a[0]), a[1].encode()))
        focus = []
        for a in areas:
            if a[0] not in focus:
                focus.append(a[0])
            candidates.append((c, utg, a))

        cust_rows.append(dict(
            c=c, large=large, core_qe=core_qe, core_ae=core_ae,
            core_au=core_au, health=health, utg=utg,
            d_kick=days(start, kickoff), d_gate=days(start, gateway),
            focus=";".join(focus), areas=[(a[0], a[1]) for a in areas]))

    return m, wk, cust_rows, candidates


# ---------------------------------------------------------------------------
# §9 Playbook actions (next_actions.csv) and exec summary drafts
# (exec_summaries.csv). Where the spec is silent, the reading taken is
# written down in tests/reference/READINGS-issue9.md; the R-numbers in the
# comments below point to it.
# ---------------------------------------------------------------------------

# §9.2 the template's workload order; §2 the long names (R22).
TEMPLATE_ORDER = ["EXO", "OLM", "SPO", "OD", "OPP", "TEAMS", "YAM", "WIN10",
                  "INTUNE", "AADP", "AIP", "MCAS", "IDSEC", "PROJ", "WDATP",
                  "SDS", "CORE"]
LONG_NAMES = {
    "EXO": "Exchange Online",
    "OLM": "Outlook Mobile",
    "SPO": "SharePoint Online",
    "OD": "OneDrive for Business",
    "OPP": "Office 365 ProPlus / Microsoft 365 Apps",
    "TEAMS": "Microsoft Teams",
    "YAM": "Yammer",
    "WIN10": "Windows 10",
    "INTUNE": "Intune",
    "AADP": "Azure AD Premium",
    "AIP": "Azure Information Protection",
    "MCAS": "Microsoft Cloud App Security",
    "IDSEC": "Identity Security",
    "PROJ": "Project Online",
    "WDATP": "Windows Defender ATP",
    "SDS": "School Data Sync",
    "CORE": "CORE",
}

# §9.1 default rules, in table order: (rule, workload, task_id, action).
# The action is the table's words verbatim (R1); OM_BVD's deck choice is
# folded in through {deck} (R2); "—" is an empty task_id (R3).
RULES = [
    ("SPO_BVD", "SPO", "3737",
     "FM: deliver the SharePoint BVD; then set task 3737 Complete, update "
     "target date, next action date, status notes and service status"),
    ("SPO_CANCEL", "SPO", "3737",
     'FM: mark task 3737 Cancelled with "AU > 10%" in the entitlement status '
     "notes"),
    ("EXO_ENABLE", "EXO", "",
     "FM: enable Exchange for all users; find what blocks enablement or "
     "migration; escalate impediments to the TM or a lead"),
    ("EXO_INTENT", "EXO", "",
     "FM: ask how many licences the customer will enable or migrate; under "
     "50 %, check with the FTA or account team and note Expecting<50, else "
     "note Expecting>50"),
    ("EXO_EXPECTING_LOW", "EXO", "",
     "FM: record the reason for the low expectation and offer an SME"),
    ("EXO_CONFIRM", "EXO", "",
     "FM: confirm the customer still intends > 50 % and note mailboxes that "
     "stay on premises"),
    ("OM_BVD", "OLM", "3278",
     'FM: deliver the Outlook Mobile BVD — the "{deck}" deck; FE assists on '
     "security"),
    ("OM_HANDSHAKE", "OLM", "3733",
     "FM: post-enablement field handshake with the CSM"),
    ("OPP_DEPLOY", "OPP", "1247",
     "FE: continue deployment support until AU > 70 %"),
    ("OPP_PITCH", "OPP", "3738",
     "FM: deliver the ProPlus pitch; FE: assessment workshop (task 3080)"),
    ("REVIEW", "", "",
     "FM: prepare the opportunity review: the focus areas and what moves the "
     "customer out of them"),
]
RULE_ORDER = [r[0] for r in RULES]
RULE_BY_CODE = {r[0]: r for r in RULES}

# §9.1 the rules' limits (AU percent), exact.
SPO_BVD_MAX = Fraction(10)        # SPO_BVD: AU ≤ 10; SPO_CANCEL: AU > 10
EXO_EXPECTING_LOW_BELOW = Fraction(50)
OPP_DEPLOY_MAX = Fraction(70)

# §9.2 focus areas in words for "REQUESTS FOR SUPPORT" (R27).
FOCUS_WORDS = {
    "LARGE_POOR": "large customer with AU under 20 %",
    "PLATEAU": "plateau on",
    "LOSER": "biggest loser on",
    "SLOW_KICKOFF": "slow kickoff",
    "SLOW_ENABLE": "slow enablement on",
    "SLOW_RAMP": "slow ramp-up on",
}

_WORD = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZ"
                  "abcdefghijklmnopqrstuvwxyz0123456789_")
_DIGITS = frozenset("0123456789")
EXPECTING_TAGS = ("Expecting<50", "Expecting>50")


def _lower(s):
    """ASCII-only lower case (R8, R9: non-ASCII letters are not folded)."""
    return "".join(chr(ord(ch) + 32) if "A" <= ch <= "Z" else ch for ch in s)


def _expecting_at(s, i):
    """The Expecting tag (canonical spelling) that starts at s[i], or None
    (R8): the 12 characters match case-insensitively, the character before
    is not a word character and the one after is not a digit."""
    frag = _lower(s[i:i + 12])
    for tag in EXPECTING_TAGS:
        if frag == _lower(tag):
            if i > 0 and s[i - 1] in _WORD:
                return None
            if i + 12 < len(s) and s[i + 12] in _DIGITS:
                return None
            return tag
    return None


def notes_tags(notes):
    """§4 notes tags, in order of first appearance, deduplicated
    case-insensitively (R7–R10): the Expecting tags in their canonical
    spelling, hashtags (`#` + ASCII letters, digits, `_`) as first written.
    """
    tags, seen = [], set()
    if not notes:
        return tags
    i, n = 0, len(notes)
    while i < n:
        tag = _expecting_at(notes, i)
        if tag is not None:
            i += 12
        elif notes[i] == "#" and i + 1 < n and notes[i + 1] in _WORD:
            if _expecting_at(notes, i + 1) is not None:
                i += 1  # "#Expecting<50" is the tag Expecting<50
                continue
            j = i + 1
            while j < n and notes[j] in _WORD:
                j += 1
            tag = notes[i:j]
            i = j
        else:
            i += 1
            continue
        k = _lower(tag)
        if k not in seen:
            seen.add(k)
            tags.append(tag)
    return tags


def has_tag(tags, tag):
    return any(_lower(t) == _lower(tag) for t in tags)


def _squeeze(s):
    """Without spaces, tabs, CR and LF, ASCII lower case (R11)."""
    return _lower("".join(ch for ch in s if ch not in " \t\r\n"))


def notes_say(notes, phrase):
    """A phrase such as `SharePoint BVD Declined` or `AU > 10%` is in the
    notes: a substring once white space is dropped and case folded (R11)."""
    return bool(notes) and _squeeze(phrase) in _squeeze(notes)


def fmt_count(n):
    """An integer in words meant for people: 12,000 (R13)."""
    return "{:,}".format(n)


def fmt_limit(x):
    """A configured percent limit: 50, or 40.5 (up to 4 decimals)."""
    if x.denominator == 1:
        return str(x.numerator)
    s = "%.4f" % x  # the configuration has at most 4 decimals: exact
    return s.rstrip("0").rstrip(".")


def one_line(s):
    """Text interpolated into a note: CR, LF and tab each become a space, so
    the note keeps the template's lines (R26)."""
    return s.replace("\r", " ").replace("\n", " ").replace("\t", " ")


def month_first_day(mi):
    y, mo = divmod(mi, 12)
    return datetime.date(y, mo + 1, 1)


def figure(w, r, mt):
    """The AU of a workload in a reason (R12): `SPO AU 4.00 % (8 of 200)`,
    `SPO no usage in 2026-06 (QE 200)`, `OLM AU undefined (5 active, QE 0)`.
    """
    if r is None or r["ae"] is None:
        s = "%s no usage in %s" % (w, mt)
        if r is not None and r["qe"] is not None:
            s += " (QE %s)" % fmt_count(r["qe"])
        return s
    if r["au"] is None:
        return "%s AU undefined (%s active, QE %s)" % (
            w, fmt_count(r["ae"]),
            "unknown" if r["qe"] is None else fmt_count(r["qe"]))
    return "%s AU %s %% (%s of %s)" % (w, fmt2(r["au"]), fmt_count(r["ae"]),
                                       fmt_count(r["qe"]))


def next_actions_of(rows, areas, m):
    """§9.1: the rules that apply to one customer in month m, in table
    order, as (rule, workload, task_id, action, reason). rows: the
    customer's workload KPI rows by code; areas: its (focus area, workload)
    pairs in candidates order."""
    mt = month_text(m)
    first, end = month_first_day(m), month_last_day(m)
    out = []

    def add(rule, reason_parts, **fill):
        code, w, task, action = RULE_BY_CODE[rule]
        out.append((code, w, task, action.format(**fill),
                    "; ".join(reason_parts)))

    def qe_pos(w):  # R4: QE(t, w, m) > 0; no row means QE unknown
        r = rows.get(w)
        return r is not None and r["qe"] is not None and r["qe"] > 0

    def enabled(r):  # R5: an enabled date on or before the month's end
        return r["enabled"] is not None and r["enabled"] <= end

    spo = rows.get("SPO")
    if spo is not None:
        tags = notes_tags(spo["notes"])
        au = spo["au"]
        if qe_pos("SPO") and (spo["ae"] is None or
                              (au is not None and au <= SPO_BVD_MAX)) \
                and not has_tag(tags, "#Unresponsive") \
                and not notes_say(spo["notes"], "SharePoint BVD Declined"):
            add("SPO_BVD", [figure("SPO", spo, mt)])
        if au is not None and au > SPO_BVD_MAX \
                and not notes_say(spo["notes"], "AU > 10%"):
            add("SPO_CANCEL", [figure("SPO", spo, mt)])

    exo = rows.get("EXO")
    if exo is not None:
        tags = notes_tags(exo["notes"])
        sc = exo["scenario"]
        if sc == "<10%":
            add("EXO_ENABLE", [figure("EXO", exo, mt), "scenario <10%"])
        if sc == "10-40%" and not has_tag(tags, "Expecting<50") \
                and not has_tag(tags, "Expecting>50"):
            add("EXO_INTENT", [figure("EXO", exo, mt), "scenario 10-40%"])
        if has_tag(tags, "Expecting<50") and exo["au"] is not None \
                and exo["au"] < EXO_EXPECTING_LOW_BELOW:
            add("EXO_EXPECTING_LOW",
                [figure("EXO", exo, mt), "notes: Expecting<50"])
        if sc == ">40%" and exo["health"] != "Green":
            add("EXO_CONFIRM", [figure("EXO", exo, mt), "scenario >40%",
                                "health " + exo["health"]])

    olm = rows.get("OLM")
    if qe_pos("EXO") and (olm is None or olm["ae"] is None or
                          olm["au"] is None or olm["health"] == "Red"):
        parts = ["EXO QE " + fmt_count(exo["qe"]), figure("OLM", olm, mt)]
        if olm is not None and olm["health"] == "Red":
            parts.append("health Red")
        ems = [w for w in ("INTUNE", "AADP") if qe_pos(w)]
        if ems:
            parts += ["%s QE %s" % (w, fmt_count(rows[w]["qe"])) for w in ems]
            deck = "with EMS"
        else:
            parts.append("no INTUNE or AADP QE")
            deck = "EXO attach"
        add("OM_BVD", parts, deck=deck)
    if olm is not None and olm["enabled"] is not None \
            and first <= olm["enabled"] <= end:
        add("OM_HANDSHAKE", ["OLM enabled " + fmt_date(olm["enabled"])])

    opp = rows.get("OPP")
    if qe_pos("OPP"):
        if enabled(opp) and opp["au"] is not None \
                and opp["au"] <= OPP_DEPLOY_MAX:
            add("OPP_DEPLOY", [figure("OPP", opp, mt),
                               "enabled " + fmt_date(opp["enabled"])])
        if not enabled(opp):
            add("OPP_PITCH", ["OPP QE " + fmt_count(opp["qe"]),
                              "not enabled by " + fmt_date(end)])

    if areas:
        add("REVIEW", ["focus areas: " + ", ".join(
            a if not w else a + " " + w for a, w in areas)])
    return out


def next_clause(task, action):
    """The `Next:` words of an action (R24): without its leading `FM: ` or
    `FE: `, up to its first `; `, then ` (task N)` unless it already names
    task N."""
    s = action
    if s[:4] in ("FM: ", "FE: "):
        s = s[4:]
    cut = s.find("; ")
    if cut >= 0:
        s = s[:cut]
    if task and ("task " + task) not in s:
        s += " (task %s)" % task
    return s


def deployment_progress(rows):
    """§9.2 (R19): Not Deployed when no core workload has AE > 0 in m;
    Fully Deployed when at least one core workload has QE > 0 and every one
    that has is Green; else Partially Deployed."""
    core = [rows[w] for w in CORE if w in rows]
    if not any(r["ae"] is not None and r["ae"] > 0 for r in core):
        return "Not Deployed"
    entitled = [r for r in core if r["qe"] is not None and r["qe"] > 0]
    if entitled and all(r["health"] == "Green" for r in entitled):
        return "Fully Deployed"
    return "Partially Deployed"


def _template_key(w):
    if w in TEMPLATE_ORDER:
        return (0, TEMPLATE_ORDER.index(w), b"")
    return (1, 0, w.encode("utf-8"))


def workload_line(w, r, actions, mt):
    """One `   - [W] Long name - …` line of the snapshot (R23)."""
    s = "   - [%s] %s - " % (w, LONG_NAMES.get(w, w))
    if r is None or r["ae"] is None:
        s += "no usage in %s (N/A)" % mt
    elif r["au"] is None:
        s += "AU undefined, QE %s (N/A)" % (
            "unknown" if r["qe"] is None else fmt_count(r["qe"]))
    else:
        s += "AU %s %% (%s" % (fmt2(r["au"]), r["health"])
        if r["health"] == "Green":
            s += ", target above %s %%" % fmt_limit(target(w))
        s += ")"
    if r is not None:
        if r["plateau"]:
            s += ", plateau for %d months" % r["L"]
        elif r["d3"] is not None:
            d = fmt2(r["d3"])
            if d not in ("0.00",) and not d.startswith("-"):
                d = "+" + d
            s += ", %s pp in 3 months" % d
        tags = notes_tags(r["notes"])
        if tags:
            s += "; " + ", ".join(one_line(t) for t in tags)
    if actions:
        s += ". Next: " + "; ".join(next_clause(a[2], a[3]) for a in actions)
    return s


def requests_for_support(areas):
    """§9.2 (R27): `opportunity review (plateau on SPO; slow kickoff)`, or
    `none`. Areas in §5 table order; the workloads of one area in the
    template's order, joined by `, `."""
    if not areas:
        return "none"
    parts = []
    for code in FOCUS_ORDER:
        ws = [w for a, w in areas if a == code]
        if not ws:
            continue
        named = sorted((w for w in ws if w), key=_template_key)
        if named:
            parts.append(FOCUS_WORDS[code] + " " + ", ".join(named))
        else:
            parts.append(FOCUS_WORDS[code])
    return "opportunity review (" + "; ".join(parts) + ")"


def exec_summary(c, cust, rows, actions, m):
    """§9.2: the Exec Summary draft of one customer, lines joined by LF,
    no final line end (R17)."""
    mt = month_text(m)
    desc = [one_line(c["customer_name"]), one_line(c["region"])]
    if c["seats"] is not None:
        seats = "%s seat%s" % (fmt_count(c["seats"]),
                               "" if c["seats"] == 1 else "s")
    else:
        seats = "[FM: seats]"
    if cust["large"]:
        seats += " (large)"
    desc.append(seats)
    desc.append("priority " + one_line(c["priority"]) if c["priority"]
                else "[FM: priority]")
    by_w = {}
    for a in actions:
        if a[1]:
            by_w.setdefault(a[1], []).append(a)
    shown = sorted(set(rows) | set(by_w), key=_template_key)
    lines = [
        "EXEC SUMMARY",
        "- DESCRIBE THE CUSTOMER: " + ", ".join(desc),
        "- STATUS OF THE ENGAGEMENT: [FM: On Hold / Reactive / Fully Engaged]",
        "- M365 DEPLOYMENT PROGRESS: " + deployment_progress(rows),
        "- OVERVIEW OF CURRENT RELATIONSHIP WITH CUSTOMER/PARTNER/ACCOUNT "
        "TEAM: [FM]",
    ]
    if shown:
        lines.append("- SNAPSHOT OF KEY WORKLOADS CURRENT STATUS AND NEXT "
                     "ACTIONS:")
        for w in shown:
            lines.append(workload_line(w, rows.get(w), by_w.get(w, []), mt))
    else:
        lines.append("- SNAPSHOT OF KEY WORKLOADS CURRENT STATUS AND NEXT "
                     "ACTIONS: none")
    lines.append("- REQUESTS FOR SUPPORT: " + requests_for_support(
        cust["areas"]))
    return "\n".join(lines)


def playbook(m, customers, wk, cust_rows):
    """§9.1 and §9.2 for every customer: (actions, summaries), where an
    action is (customer, (rule, workload, task_id, action, reason)) and a
    summary is (customer, deployment_progress, note). Unsorted."""
    by_tenant = {}
    for (t, w), r in wk.items():
        by_tenant.setdefault(t, {})[w] = r
    actions, summaries = [], []
    for cust in cust_rows:
        c = cust["c"]
        rows = by_tenant.get(c["tenant_id"], {})
        acts = next_actions_of(rows, cust["areas"], m)
        actions += [(c, a) for a in acts]
        summaries.append((c, deployment_progress(rows),
                          exec_summary(c, cust, rows, acts, m)))
    return actions, summaries


def write_playbook(out, m, customers, wk, cust_rows):
    """next_actions.csv and exec_summaries.csv (§7)."""
    mt = month_text(m)
    key = lambda s: s.encode("utf-8")  # byte order
    actions, summaries = playbook(m, customers, wk, cust_rows)

    # §7: by fm, region, tenant_id, workload, rule (table order) (R15).
    actions.sort(key=lambda x: (key(x[0]["fm"] or ""), key(x[0]["region"]),
                                key(x[0]["tenant_id"]), key(x[1][1]),
                                RULE_ORDER.index(x[1][0])))
    rows = [[mt, Text(c["fm"] or ""), Text(c["region"]), Text(c["tenant_id"]),
             Text(c["customer_name"]), Text(w), Text(rule), task,
             Text(action), Text(reason)]
            for c, (rule, w, task, action, reason) in actions]
    write_csv(os.path.join(out, "next_actions.csv"),
              ["as_of_month", "fm", "region", "tenant_id", "customer_name",
               "workload", "rule", "task_id", "action", "reason"], rows)

    # §7: by fm, tenant_id.
    summaries.sort(key=lambda x: (key(x[0]["fm"] or ""),
                                  key(x[0]["tenant_id"])))
    rows = [[mt, Text(c["fm"] or ""), Text(c["region"]), Text(c["tenant_id"]),
             Text(c["customer_name"]), Text(progress), Text(note)]
            for c, progress, note in summaries]
    write_csv(os.path.join(out, "exec_summaries.csv"),
              ["as_of_month", "fm", "region", "tenant_id", "customer_name",
               "deployment_progress", "note"], rows)


# ---------------------------------------------------------------------------
# §7 CSV facts
# ---------------------------------------------------------------------------

def write_outputs(out, m, customers, wk, cust_rows, candidates):
    os.makedirs(out, exist_ok=True)
    mt = month_text(m)
    key = lambda s: s.encode("utf-8")  # byte order

    rows = []
    for (t, w) in sorted(wk, key=lambda k: (key(k[0]), key(k[1]))):
        r = wk[(t, w)]
        c = customers[t]
        rows.append([
            mt, Text(t), Text(c["customer_name"]), Text(c["region"]), Text(w),
            fmt_int(r["qe"]), fmt_int(r["ae"]), fmt2(r["au"]),
            Text(r["health"]), Text(r["scenario"]), fmt2(r["d1"]),
            fmt2(r["d3"]), str(r["L"]), fmt_bool(r["plateau"]),
            fmt_bool(r["backfilled"]), fmt_date(r["enabled"]),
            fmt_int(r["d_k2e"]), fmt_int(r["days_to"][10]),
            fmt_int(r["days_to"][40]), fmt_int(r["days_to"][70]),
            fmt_int(r["utg"])])
    write_csv(os.path.join(out, "workload_kpis.csv"),
              ["as_of_month", "tenant_id", "customer_name", "region",
               "workload", "qe", "ae", "au_pct", "health", "scenario",
               "delta_1m_pp", "delta_3m_pp", "plateau_months", "plateau",
               "qe_backfilled", "enabled_date", "days_kickoff_to_enable",
               "days_to_10", "days_to_40", "days_to_70", "users_to_goal"],
              rows)

    rows = []
    for r in sorted(cust_rows, key=lambda r: key(r["c"]["tenant_id"])):
        c = r["c"]
        rows.append([
            mt, Text(c["tenant_id"]), Text(c["customer_name"]),
            Text(c["region"]), Text(c["fm"] or ""), fmt_int(c["seats"]),
            fmt_bool(r["large"]), str(r["core_qe"]), str(r["core_ae"]),
            fmt2(r["core_au"]), Text(r["health"]), fmt_int(r["d_kick"]),
            fmt_int(r["d_gate"]), str(r["utg"]), Text(r["focus"])])
    write_csv(os.path.join(out, "customer_kpis.csv"),
              ["as_of_month", "tenant_id", "customer_name", "region", "fm",
               "seats", "large", "core_qe", "core_ae", "core_au_pct",
               "health", "days_to_kickoff", "days_to_gateway",
               "users_to_goal", "focus_areas"], rows)

    # §4 portfolio: one row per workload that has a workload_kpis row.
    byw = {}
    for r in wk.values():
        byw.setdefault(r["workload"], []).append(r)
    rows = []
    for w in sorted(byw, key=key):
        rs = byw[w]
        withqe = [r for r in rs if r["qe"] is not None and r["qe"] > 0]
        meas = [r for r in rs if r["au"] is not None]
        sqe = sum(r["qe"] for r in meas)
        sae = sum(r["ae"] for r in meas)
        pooled = Fraction(sae * 100, sqe) if meas else None
        mean = sum(r["au"] for r in meas) / len(meas) if meas else None
        hc = lambda h: str(sum(1 for r in rs if r["health"] == h))
        rows.append([mt, Text(w), str(len(withqe)),
                     str(sum(r["qe"] for r in withqe)), str(len(meas)),
                     str(sae), fmt2(pooled), fmt2(mean),
                     hc("Green"), hc("Yellow"), hc("Red"), hc("N/A")])
    write_csv(os.path.join(out, "portfolio.csv"),
              ["as_of_month", "workload", "customers", "qe", "measured", "ae",
               "pooled_au_pct", "mean_au_pct", "green", "yellow", "red", "na"],
              rows)

    # §5/§7 candidates: region, users_to_goal descending, tenant_id, focus
    # area (table order), workload.
    candidates.sort(key=lambda x: (
        key(x[0]["region"]), -x[1], key(x[0]["tenant_id"]),
        FOCUS_ORDER.index(x[2][0]), key(x[2][1])))
    rows = []
    for c, utg, (area, w, detail) in candidates:
        rows.append([mt, Text(c["region"]), Text(c["tenant_id"]),
                     Text(c["customer_name"]), Text(c["fm"] or ""),
                     Text(area), Text(w), Text(detail), str(utg)])
    write_csv(os.path.join(out, "cohort_candidates.csv"),
              ["as_of_month", "region", "tenant_id", "customer_name", "fm",
               "focus_area", "workload", "detail", "users_to_goal"], rows)

    # §9 next_actions.csv and exec_summaries.csv
    write_playbook(out, m, customers, wk, cust_rows)


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--customers", action="append", default=[])
    ap.add_argument("--entitlements", action="append", default=[])
    ap.add_argument("--usage", action="append", default=[])
    ap.add_argument("--as-of")
    ap.add_argument("--out", required=True)
    a = ap.parse_args(argv)
    if not (a.customers and a.entitlements and a.usage):
        ap.print_usage(sys.stderr)
        return 64
    asof = None
    if a.as_of is not None:
        d = parse_date((a.as_of + "-01").encode())
        if len(a.as_of) != 7 or d is None:
            print("bad --as-of %r" % a.as_of, file=sys.stderr)
            return 64
        asof = month_index(d)
    for p in a.customers + a.entitlements + a.usage:
        if not os.path.isfile(p):
            print("%s: no such file" % p, file=sys.stderr)
            return 66
    try:
        customers, ents, usage = load_inputs(a.customers, a.entitlements,
                                             a.usage)
        m, wk, cust_rows, candidates = compute(customers, ents, usage, asof)
    except DataError as e:
        print("ftkpi_ref: %s" % e, file=sys.stderr)
        return 65
    write_outputs(a.out, m, customers, wk, cust_rows, candidates)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
