#!/usr/bin/env python3
"""Writes small hand-made input folders that probe the boundaries of SPEC.md
§1–§5 and §9, for tests/reference/compare.sh (and, for §9, the reference's
own tests in test_playbook.py).

    python3 tests/reference/edge_cases.py DIR

creates DIR/<case>/ (customers*.csv, entitlements*.csv, usage*.csv) and
prints one line per case: "<case> [--as-of YYYY-MM]" (a case may be listed
twice, with and without --as-of). Most cases report 2026-06 (last day
2026-06-30).
"""

import gzip
import os
import sys

CUST_H = ("tenant_id,customer_name,region,seats,priority,fm,"
          "engagement_start,gateway_date,kickoff_date")
ENT_H = "tenant_id,workload,as_of,qualified_entitlements,enabled_date,status,notes"
USE_H = "tenant_id,workload,date,active_users"


class Case:
    def __init__(self):
        self.c, self.e, self.u = [], [], []

    def cust(self, t, name=None, region="NA", seats="", fm="", start="",
             gw="", ko=""):
        self.c.append(",".join([t, name or "Name " + t, region, str(seats),
                                "Medium", fm, start, gw, ko]))

    def ent(self, t, w, as_of, qe, enabled="", notes=""):
        self.e.append(",".join([t, w, as_of, str(qe), enabled, "Active",
                                notes]))

    def use(self, t, w, date, ae):
        self.u.append(",".join([t, w, date, str(ae)]))

    def monthly(self, t, w, aes, last="2026-06", day=20):
        """Usage on day `day` of the len(aes) months ending with `last`;
        None skips a month."""
        y, m = map(int, last.split("-"))
        mi = y * 12 + m - 1 - (len(aes) - 1)
        for ae in aes:
            if ae is not None:
                self.use(t, w, "%04d-%02d-%02d" % (mi // 12, mi % 12 + 1, day),
                         ae)
            mi += 1

    def files(self):
        return {"customers.csv": "\n".join([CUST_H] + self.c) + "\n",
                "entitlements.csv": "\n".join([ENT_H] + self.e) + "\n",
                "usage.csv": "\n".join([USE_H] + self.u) + "\n"}


def boundaries():
    """§4 thresholds, scenario, customer health, large, users to goal,
    rounding, deltas, LOSER."""
    k = Case()
    def one(t, w, qe, ae, **kw):
        k.ent(t, w, "2026-01-01", qe)
        k.use(t, w, "2026-06-20", ae)
    # T01: every core workload exactly at a bound -> all Yellow
    k.cust("T01")
    for w, qe, ae in [("EXO", 100, 50), ("SPO", 100, 40), ("OD", 100, 20),
                      ("OPP", 10, 7), ("TEAMS", 5, 2)]:
        one("T01", w, qe, ae)
    # T02..: EXO scenario bounds
    for t, qe, ae in [("T02a", 100, 10), ("T02b", 10000, 999),
                      ("T02c", 100, 40), ("T02d", 1000, 401),
                      ("T02e", 100, 20), ("T02f", 10000, 1999)]:
        k.cust(t)
        one(t, "EXO", qe, ae)
    # T04: two core < 40 -> Red though others Green
    k.cust("T04")
    for w, ae in [("EXO", 51), ("SPO", 41), ("OD", 19), ("OPP", 71),
                  ("TEAMS", 39)]:
        one("T04", w, 100, ae)
    # T05: one < 40, one > 70 -> Green; T05b: exactly 70 -> Yellow
    k.cust("T05"); one("T05", "EXO", 100, 71); one("T05", "SPO", 100, 39)
    k.cust("T05b"); one("T05b", "EXO", 100, 70); one("T05b", "SPO", 100, 39)
    k.cust("T05c"); one("T05c", "EXO", 100, 40); one("T05c", "SPO", 100, 39)
    k.cust("T05d"); one("T05d", "EXO", 100, 40); one("T05d", "SPO", 100, 39)
    one("T05d", "OD", 100, 39)
    # T06: a single core workload below 40 -> Red (step 4)
    k.cust("T06"); one("T06", "EXO", 100, 30)
    # T07: core QE 0 everywhere -> N/A; a non-core workload is measured
    k.cust("T07")
    one("T07", "EXO", 0, 5); one("T07", "SPO", 0, 0); one("T07", "YAM", 50, 20)
    # T08: AU above 100 %
    k.cust("T08"); one("T08", "EXO", 100, 150); one("T08", "TEAMS", 3, 7)
    # large / LARGE_POOR
    k.cust("T09", seats=10000); one("T09", "EXO", 10000, 2000)
    k.cust("T10", seats=10000); one("T10", "EXO", 10000, 1999)
    k.cust("T11"); one("T11", "EXO", 100, 5); one("T11", "INTUNE", 10000, 1)
    k.cust("T12")
    k.cust("T12b"); k.use("T12b", "EXO", "2026-06-20", 5)
    k.cust("T13", seats=9999); one("T13", "EXO", 20000, 1)
    k.cust("T14"); one("T14", "EXO", 9999, 1); one("T14", "SPO", 3, 0)
    k.cust("T14b", seats="0010000"); one("T14b", "OD", 100, 1)
    k.cust("T14c", seats=0); one("T14c", "OD", 0, 0)
    # rounding: 12.5, 33.33, 66.67, 0.125, 0.0625, 0.0005, 0.25, 1/7
    k.cust("T15")
    for w, qe, ae in [("EXO", 8, 1), ("OLM", 3, 1), ("YAM", 3, 2),
                      ("WIN10", 800, 1), ("INTUNE", 1600, 1),
                      ("AADP", 200000, 1), ("AIP", 400, 1), ("MCAS", 7, 1),
                      ("IDSEC", 80000, 1), ("PROJ", 1, 0), ("WDATP", 1, 1),
                      ("SDS", 2000000000, 1999999999), ("CORE", 9, 2)]:
        one("T15", w, qe, ae)
    # deltas: -0.005 -> -0.01, +0.005 -> 0.01, -0.001 -> 0.00
    k.cust("T16"); k.ent("T16", "EXO", "2026-01-01", 20000)
    k.monthly("T16", "EXO", [1999, 5, 5, 2001, 2000])
    k.cust("T17"); k.ent("T17", "EXO", "2026-01-01", 100000)
    k.monthly("T17", "EXO", [9999, 5, 5, 10001, 10000])
    # LOSER: exactly -5 (yes), -4.99 (no), m-3 undefined (no)
    k.cust("T18"); k.ent("T18", "EXO", "2026-01-01", 100)
    k.monthly("T18", "EXO", [45, 44, 43, 40])
    k.cust("T19"); k.ent("T19", "SPO", "2026-01-01", 10000)
    k.monthly("T19", "SPO", [4500, 4400, 4300, 4001])
    k.cust("T20"); k.ent("T20", "OD", "2026-01-01", 0)
    k.ent("T20", "OD", "2026-04-01", 100)
    k.monthly("T20", "OD", [45, 44, 43, 30])
    k.cust("T20b"); k.ent("T20b", "YAM", "2026-01-01", 100)
    k.monthly("T20b", "YAM", [90, 44, 43, 30])   # not core: no LOSER
    # users to goal with QE × target / 100 not an integer
    k.cust("T21"); one("T21", "EXO", 7, 3); one("T21", "OPP", 13, 9)
    one("T21", "SPO", 13, 6); one("T21", "TEAMS", 13, 10)
    return k


def _pair(t, side, q1, q2):
    """(a, b) with 100 (a/q1 − b/q2) = t ± the smallest possible amount
    (side +1: just above t; −1: just below), 0 ≤ a, b ≤ 2,000,000,000, or
    None."""
    x = t * q1 * q2 / 100
    c = x.numerator // x.denominator
    if side > 0:
        c += 1
    elif c == x:
        c -= 1
    a = c * pow(q2, -1, q1) % q1
    b = (a * q2 - c) // q1
    for k in range(-2, 3):
        if 0 <= a + k * q1 <= 2000000000 and 0 <= b + k * q2 <= 2000000000:
            return a + k * q1, b + k * q2
    return None


def _near_pair(t, side):
    from math import gcd
    for q2 in range(1999999999, 1999999000, -1):
        if gcd(2000000000, q2) == 1:
            p = _pair(t, side, 2000000000, q2)
            if p:
                return 2000000000, q2, p[0], p[1]


def _triple(mean, side, qs):
    """AEs of three pairs whose AUs have the mean `mean` % ± the smallest
    possible amount (the QEs qs pairwise coprime), or None."""
    q1, q2, q3 = qs
    x = 3 * mean / 100 * q1 * q2 * q3
    c = x.numerator // x.denominator
    if side > 0:
        c += 1
    elif c == x:
        c -= 1
    a1 = c * pow(q2 * q3, -1, q1) % q1
    r = (c - a1 * q2 * q3) // q1
    a2 = r * pow(q3, -1, q2) % q2
    a3 = (r - a2 * q3) // q2
    return (a1, a2, a3) if 0 <= a3 <= 2000000000 else None


def precision():
    """Differences and means of AUs that sit 1e-17 … 1e-27 away from a
    rounding or band boundary: only exact arithmetic gets them right (§4:
    "All comparisons of AU with a threshold are exact"; rounding of the exact
    value)."""
    from fractions import Fraction as F
    from math import gcd
    k = Case()
    # delta_1m = ±0.005 ± tiny: 0.01 / 0.00 / 0.00 / -0.01
    for t, (d, side) in zip(["X1", "X2", "X3", "X4"],
                            [(F(1, 200), 1), (F(1, 200), -1),
                             (F(-1, 200), 1), (F(-1, 200), -1)]):
        q1, q2, a, b = _near_pair(d, side)
        k.cust(t)
        k.ent(t, "YAM", "2026-05-01", q2)
        k.ent(t, "YAM", "2026-06-01", q1)
        k.use(t, "YAM", "2026-05-20", b)
        k.use(t, "YAM", "2026-06-20", a)
    # LOSER: delta_3m = −5 + tiny (no) / −5 − tiny (yes)
    for t, side in [("X5", 1), ("X6", -1)]:
        q1, q2, a, b = _near_pair(F(-5), side)
        k.cust(t)
        k.ent(t, "EXO", "2026-03-01", q2)
        k.ent(t, "EXO", "2026-06-01", q1)
        k.use(t, "EXO", "2026-03-20", b)
        k.use(t, "EXO", "2026-06-20", a)
    # plateau band: months m−3 … m differ from the anchor m−4 by ±5 ± tiny
    for t, d, side in [("X7", F(5), -1), ("X8", F(5), 1), ("X9", F(-5), -1),
                       ("X10", F(-5), 1)]:
        q1, q2, a, b = _near_pair(d, side)
        k.cust(t)
        k.ent(t, "SPO", "2026-02-01", q2)
        k.ent(t, "SPO", "2026-03-01", q1)
        k.use(t, "SPO", "2026-02-20", b)
        for mo in range(3, 7):
            k.use(t, "SPO", "2026-%02d-20" % mo, a)
    # portfolio mean_au_pct = 50.005 ± tiny: WIN10 50.01, AIP 50.00
    for w, side in [("WIN10", 1), ("AIP", -1)]:
        for q3 in range(1999999997, 1999990000, -1):
            qs = (2000000000, 1999999993, q3)
            if gcd(qs[0], q3) == 1 and gcd(qs[1], q3) == 1:
                aes = _triple(F(50005, 1000), side, qs)
                if aes:
                    break
        for i, (q, ae) in enumerate(zip(qs, aes)):
            t = "X%s%d" % (w, i)
            k.cust(t)
            k.ent(t, w, "2026-01-01", q)
            k.use(t, w, "2026-06-20", ae)
    return k


def mean_tie():
    """§4 portfolio mean_au_pct: the exact mean 453/8 = 56.625 % must round
    half away from zero to 56.63 (AUs 450/7, 4825/56 and 136/7 %)."""
    k = Case()
    for t, qe, ae in [("A", 98, 63), ("B", 224, 193), ("C", 175, 34)]:
        k.cust(t)
        k.ent(t, "EXO", "2026-06-01", qe)
        k.use(t, "EXO", "2026-06-30", ae)
    return k


def csv_syntax():
    """§1 reader details, one folder each: (name, files). Every folder has
    150 valid rows per file, so one rejected row stays under the 1 %
    threshold; some folders must fail (file-level errors) on both sides."""
    def folder(cust_extra=b"", use_extra=b"", use_header=None, use_tail=b"\n",
               raw_use=None, cust_header=None):
        ch = cust_header or (b"tenant_id,customer_name,region,seats,"
                             b"kickoff_date,engagement_start")
        c = [ch] + [b"T%03d,Name %d,NA,%d,,2026-01-01" % (i, i, i)
                    for i in range(150)]
        e = [b"tenant_id,workload,as_of,qualified_entitlements,enabled_date"]
        e += [b"T%03d,EXO,2026-01-01,%d,2026-01-15" % (i, 100 + i)
              for i in range(150)]
        u = [use_header or b"tenant_id,workload,date,active_users"]
        u += [b"T%03d,EXO,2026-06-20,%d" % (i, i) for i in range(150)]
        return {"customers.csv": b"\n".join(c) + b"\n" + cust_extra,
                "entitlements.csv": b"\n".join(e) + b"\n",
                "usage.csv": raw_use if raw_use is not None
                else b"\n".join(u) + use_tail + use_extra}
    x = b"X1,"
    return [
        ("syn_lone_cr", folder(cust_extra=x + b"Na\rme,NA,,,\n")),
        ("syn_crlf_in_quotes", folder(cust_extra=x + b'"Na\r\nme",NA,,,\n')),
        ("syn_spaces_in_quotes", folder(cust_extra=x + b'"  ",NA,,,\n')),
        ("syn_empty_quoted", folder(cust_extra=x + b'"",NA,,,\n')),
        # U+0000 is valid UTF-8 (the C program rejects it as invalid_utf8)
        ("syn_nul", folder(cust_extra=x + b"Na\x00me,NA,,,\n")),
        ("syn_ctrl", folder(cust_extra=x + b"Na\x01\x7fme,NA,,,\n")),
        ("syn_surrogate", folder(cust_extra=x + b"Na\xed\xa0\x80me,NA,,,\n")),
        ("syn_overlong", folder(cust_extra=x + b"Na\xc0\xafme,NA,,,\n")),
        ("syn_4byte", folder(cust_extra=x + b"Na\xf0\x9f\x98\x80,NA,,,\n")),
        ("syn_int_quoted_spaces", folder(cust_extra=x + b'N,NA," 12 ",,\n')),
        ("syn_int_20_digits", folder(cust_extra=x + b"N,NA,%s,,\n" % (b"0" * 18 + b"12"))),
        ("syn_date_2100_02_29", folder(cust_extra=x + b"N,NA,,2100-02-29,\n")),
        ("syn_date_time", folder(cust_extra=x + b"N,NA,,2026-01-01T00:00,\n")),
        ("syn_quote_after_close", folder(cust_extra=x + b'"Na"me,NA,,,\n')),
        ("syn_quote_in_unquoted", folder(cust_extra=x + b'Na"me,NA,,,\n')),
        ("syn_unterminated", folder(cust_extra=x + b'"Name,NA,,,\n')),
        ("syn_no_final_newline", folder(use_tail=b"")),
        ("syn_ends_with_cr", folder(use_tail=b"\r")),
        ("syn_blank_lines", folder(use_extra=b"\r\n \t\r\n\n")),
        ("syn_header_quoted", folder(
            use_header=b'"Tenant_ID", "WORKLOAD" ,date,Active_Users')),
        ("syn_header_dup", folder(
            use_header=b"tenant_id,workload,date,active_users,Date")),
        ("syn_header_missing", folder(
            use_header=b"tenant_id,workload,date,users")),
        ("syn_empty_file", folder(raw_use=b"")),
        ("syn_bom_only", folder(raw_use=b"\xef\xbb\xbf")),
        ("syn_alias_tab_in_quotes", folder(use_extra=b'T001,"\tEXO",2026-06-21,5\n')),
        ("syn_tenant_space_in_quotes", folder(use_extra=b'"T001 ",EXO,2026-06-21,5\n')),
        ("syn_field_4096", folder(cust_extra=x + b"n" * 4096 + b",NA,,,\n")),
        ("syn_field_4097", folder(cust_extra=x + b"n" * 4097 + b",NA,,,\n")),
        ("syn_tenant_64", folder(cust_extra=b"X" * 64 + b",N,NA,,,\n")),
        ("syn_tenant_65", folder(cust_extra=b"X" * 65 + b",N,NA,,,\n")),
        ("syn_dup_after_reject", folder(
            cust_extra=b"X1,First,NA,bad,,\nX1,Second,NA,,,\n",
            use_extra=b"T001,EXO,2026-06-25,x\nT001,EXO,2026-06-25,77\n")),
    ]


def plateau():
    """§4 plateau: largest k, inclusive band, gaps, undefined AU."""
    k = Case()
    def series(t, w, aes, qe=1000, last="2026-06"):
        k.cust(t)
        k.ent(t, w, "2020-01-01", qe)
        k.monthly(t, w, aes, last=last)
    series("P01", "EXO", [200, 400, 440, 360, 415, 400])   # L=4, first fail k=2
    series("P02", "EXO", [400, 450, 350, 450, 400])        # L=4 inclusive
    series("P03", "EXO", [400, 401, 402, None, 403, 404])  # gap -> L=1
    k.cust("P04"); k.ent("P04", "SPO", "2020-01-01", 1000)
    k.ent("P04", "SPO", "2026-04-01", 0); k.ent("P04", "SPO", "2026-05-01", 1000)
    k.monthly("P04", "SPO", [300, 300, 300, 300, 300, 300])  # QE 0 in m-2 -> L=1
    series("P05", "EXO", [300, 300, 300, 300])              # L=3: no plateau
    series("P06", "EXO", [600] * 12)                         # Green: no plateau
    series("P07", "TEAMS", [300] * 12)                       # L=11 plateau
    series("P08", "EXO", [300] * 8 + [None])                 # m no value
    series("P08b", "YAM", [300] * 8)                         # not core
    k.cust("P09"); k.ent("P09", "OD", "2020-01-01", 1000)
    k.ent("P09", "OD", "2026-06-01", 0)
    k.monthly("P09", "OD", [300] * 8)                        # m AU undefined
    series("P10", "SPO", [100, 151, 100, 149, 100])          # 5.1 out: L=1?
    series("P11", "OPP", [500, 550, 450, 500, 549, 551, 500], last="2026-06")
    # month value = latest snapshot of the month, not the largest
    k.cust("P12"); k.ent("P12", "EXO", "2020-01-01", 100)
    for d, ae in [("2026-06-14", 90), ("2026-06-28", 30), ("2026-06-07", 50),
                  ("2026-05-31", 32), ("2026-05-01", 99), ("2026-04-30", 29),
                  ("2026-03-02", 31), ("2026-02-27", 33)]:
        k.use("P12", "EXO", d, ae)
    # plateau across a year boundary and months without a snapshot day 20
    series("P13", "SPO", [100] * 9, qe=1000)
    return k


def window():
    """§3 as-of window, backfill, QE(t,w,m) without a value; run with the
    default as-of month (2026-08) and --as-of 2026-06."""
    k = Case()
    # W01: backfill: first entitlement after the usage
    k.cust("W01")
    k.ent("W01", "EXO", "2026-06-15", 100)
    k.ent("W01", "EXO", "2026-07-01", 200)
    k.use("W01", "EXO", "2026-05-20", 40)
    k.use("W01", "EXO", "2026-06-10", 50)
    k.use("W01", "EXO", "2026-08-10", 50)
    # W02: month value after the first snapshot, an earlier one backfilled
    k.cust("W02")
    k.ent("W02", "SPO", "2026-06-15", 100)
    k.use("W02", "SPO", "2026-03-01", 10)
    k.use("W02", "SPO", "2026-06-20", 30)
    # W03: only an entitlement after the window -> QE unknown in June
    k.cust("W03")
    k.ent("W03", "EXO", "2026-07-01", 100)
    k.use("W03", "EXO", "2026-06-20", 50)
    # W04: entitlement in the window, usage only after it
    k.cust("W04")
    k.ent("W04", "OD", "2026-05-01", 100)
    k.use("W04", "OD", "2026-07-20", 50)
    # W05: pairs entirely after the window -> no row in June
    k.cust("W05")
    k.ent("W05", "TEAMS", "2026-07-01", 100)
    k.use("W05", "OPP", "2026-07-20", 50)
    k.ent("W05", "EXO", "2026-01-01", 100)
    k.use("W05", "EXO", "2026-06-30", 50)
    # W06: no value in m: QE on the last day of m; the previous month's value
    k.cust("W06")
    k.ent("W06", "EXO", "2026-01-01", 100)
    k.ent("W06", "EXO", "2026-06-30", 300)
    k.ent("W06", "EXO", "2026-07-01", 700)
    k.use("W06", "EXO", "2026-05-20", 50)
    k.use("W06", "EXO", "2026-08-01", 50)
    # W07: enabled dates: latest non-empty in the window; later ones ignored
    k.cust("W07", start="2025-01-01", ko="2025-03-01")
    k.ent("W07", "EXO", "2025-01-01", 100, enabled="2025-02-01")
    k.ent("W07", "EXO", "2026-03-01", 100, enabled="")
    k.ent("W07", "EXO", "2026-07-01", 100, enabled="2026-07-01")
    k.use("W07", "EXO", "2025-02-01", 5)
    k.use("W07", "EXO", "2026-06-20", 9)
    k.use("W07", "EXO", "2026-07-20", 60)
    # W08: milestone reached only after the window; QE changes after it
    k.cust("W08", start="2025-01-01", ko="2025-01-15")
    k.ent("W08", "SPO", "2025-01-01", 1000, enabled="2025-01-10")
    k.ent("W08", "SPO", "2026-07-01", 10, enabled="2025-01-10")
    k.monthly("W08", "SPO", [50] * 20, last="2026-08")
    # W09: a customer with no data at all
    k.cust("W09", start="2026-01-01")
    # W10: snapshot on the last day and the first day after
    k.cust("W10")
    k.ent("W10", "SPO", "2026-06-30", 100)
    k.use("W10", "SPO", "2026-06-30", 45)
    k.use("W10", "SPO", "2026-07-01", 5)
    k.ent("W10", "SPO", "2026-07-01", 10)
    return k


def velocity():
    """§4 velocity and §5 focus areas measured to the as-of month's end."""
    k = Case()
    # V01: enabled before kickoff; snapshot before enabled reaching 80 % does
    # not count; milestones from non-month-value snapshots
    k.cust("V01", start="2026-01-01", gw="2026-02-01", ko="2026-02-15")
    k.ent("V01", "EXO", "2026-01-01", 100, enabled="2026-02-10")
    k.use("V01", "EXO", "2026-02-05", 80)
    k.use("V01", "EXO", "2026-02-10", 12)
    k.use("V01", "EXO", "2026-03-03", 45)
    k.use("V01", "EXO", "2026-03-31", 30)
    k.use("V01", "EXO", "2026-06-20", 30)
    # V02: SLOW_RAMP day bounds (60 / 61) and milestones vs targets
    k.cust("V02", start="2024-01-01", ko="2024-02-01")
    k.ent("V02", "EXO", "2024-01-01", 100, enabled="2026-05-01")  # 60 days
    k.ent("V02", "OD", "2024-01-01", 100, enabled="2026-04-30")   # 61 days
    k.ent("V02", "SPO", "2024-01-01", 100, enabled="2026-01-02")  # 179 days
    k.ent("V02", "TEAMS", "2024-01-01", 100, enabled="2025-12-31")  # 181
    k.ent("V02", "OPP", "2024-01-01", 100, enabled="2025-06-30")  # 365
    k.use("V02", "EXO", "2026-06-20", 5)
    k.use("V02", "OD", "2026-06-20", 9)
    k.use("V02", "SPO", "2026-06-20", 39)
    k.use("V02", "TEAMS", "2026-06-20", 39)
    k.use("V02", "OPP", "2026-06-20", 69)
    # V03: 364 / 365 / 366 days for the 70 % milestone; EXO never needs 70
    k.cust("V03", start="2024-01-01", ko="2024-02-01")
    k.ent("V03", "TEAMS", "2024-01-01", 100, enabled="2025-07-01")  # 364
    k.ent("V03", "OPP", "2024-01-01", 100, enabled="2025-06-29")    # 366
    k.ent("V03", "EXO", "2024-01-01", 100, enabled="2020-01-01")
    k.ent("V03", "SPO", "2024-01-01", 100, enabled="2020-01-01")
    for w in ["TEAMS", "OPP", "EXO", "SPO"]:
        k.use("V03", w, "2026-06-20", 45)
    # V04: milestone on the enabled date itself; undefined AU does not count
    k.cust("V04", start="2025-01-01", ko="2025-01-10")
    k.ent("V04", "EXO", "2025-01-01", 0, enabled="2025-01-05")
    k.ent("V04", "EXO", "2025-03-01", 100)
    k.use("V04", "EXO", "2025-01-05", 50)
    k.use("V04", "EXO", "2025-03-01", 10)
    k.use("V04", "EXO", "2025-04-01", 41)
    k.ent("V04", "SPO", "2025-06-01", 100, enabled="2025-01-05")
    k.use("V04", "SPO", "2025-01-05", 45)   # backfilled QE 100 -> counts
    k.use("V04", "SPO", "2026-06-05", 45)
    # SLOW_KICKOFF bounds
    k.cust("V05", start="2026-05-31")                   # 30 days: no
    k.cust("V06", start="2026-05-30")                   # 31 days: yes
    k.cust("V07", start="2026-01-01", ko="2026-07-05")  # kickoff after m
    k.cust("V08", start="2026-01-01", ko="2026-06-30")  # kickoff on last day
    k.cust("V09", ko="2020-01-01")                      # no engagement_start
    k.cust("V09b", start="2026-07-15")                  # starts after m
    # SLOW_ENABLE bounds
    k.cust("V10", start="2025-01-01", ko="2026-04-01")  # 90 days: no
    k.ent("V10", "EXO", "2026-01-01", 100)
    k.cust("V11", start="2025-01-01", ko="2026-03-31")  # 91 days: yes
    k.ent("V11", "EXO", "2026-01-01", 100)
    k.ent("V11", "SPO", "2026-01-01", 0)                # QE 0: no
    k.ent("V11", "YAM", "2026-01-01", 100)              # not core: no
    k.ent("V11", "OD", "2026-01-01", 100, enabled="2026-06-30")
    k.ent("V11", "TEAMS", "2026-01-01", 100)
    k.ent("V11", "TEAMS", "2026-07-01", 100, enabled="2026-05-01")  # later
    k.use("V11", "TEAMS", "2026-06-20", 1)
    # V12: enabled_date in the window but in the future of the as-of month
    k.cust("V12", start="2025-01-01", ko="2025-06-01")
    k.ent("V12", "EXO", "2026-06-01", 100, enabled="2026-09-01")
    k.use("V12", "EXO", "2026-06-20", 1)
    # V13: customer dates missing -> empty velocities
    k.cust("V13", gw="2026-01-01")
    k.ent("V13", "EXO", "2026-01-01", 100, enabled="2026-01-01")
    k.use("V13", "EXO", "2026-06-20", 99)
    # V14: a customer with no kickoff, engagement long ago, and every area
    k.cust("V14", seats=50000, start="2020-01-01")
    k.ent("V14", "EXO", "2020-01-01", 1000, enabled="2020-01-01")
    k.monthly("V14", "EXO", [300, 300, 300, 300, 250])
    k.ent("V14", "SPO", "2020-01-01", 1000, enabled="2020-01-01")
    k.monthly("V14", "SPO", [10, 10, 10, 10, 10, 10])
    k.ent("V14", "TEAMS", "2020-01-01", 60000, enabled="2020-01-01")
    k.monthly("V14", "TEAMS", [1, 1, 1, 1, 1, 1])
    return k


def text_and_sort():
    """§6 formula guard and quoting, §7 byte order and ties."""
    k = Case()
    rows = [
        ('"=SUM(A1)"', "EMEA", "@fm"),
        ('"Comma, Inc."', "EMEA", '"-dash"'),
        ('"Quote ""Q"" Ltd"', "APAC", '"+plus"'),
        ('"Multi\nline"', "APAC", '"\ttab"'),
        ('"  spaced  "', "-R", "Ünïcödé"),
        ("Zed", "emea", ""),
        ("Émile", "Émea", "x"),
    ]
    tids = ["-T1", "+T2", "=T3", "T4", "t4", "Ta", "\u00c9T"]
    k.c = []
    for t, (name, region, fm) in zip(tids, rows):
        k.c.append(",".join([t, name, region, "", "", fm, "2020-01-01", "",
                             ""]))
        k.ent(t, "EXO", "2026-01-01", 100, enabled="2020-01-01")
        k.use(t, "EXO", "2026-06-20", 1)
    # ties on users_to_goal within a region: sorted by tenant_id bytes
    return k


def ingest():
    """§1: BOM, CRLF, header order/case/spaces, extra columns, quoting and
    spaces, blank lines, aliases, leading zeros, gzip, several files, one
    reject of each kind (per file at most 1 % of its rows), duplicates
    across files (first wins)."""
    files = {}
    cust = ["\ufeff Region ,TENANT_ID , extra,customer_name,Seats,kickoff_date,"
            "engagement_start"]
    for i in range(120):
        cust.append("NA,C%03d,x,Cust %d,%s,,2026-01-01" % (i, i, "%05d" % i))
    cust.append('  "EMEA"  , "Q1"  ,, " Quoted Name " ,,2026-03-01 ,2026-01-01')
    cust.append("")
    cust.append("   \t ")
    cust.append("APAC,C000,x,Duplicate of C000,5,,")        # duplicate key
    files["customers_a.csv"] = ("\r\n".join(cust) + "\r\n").encode()
    cust2 = ["tenant_id,customer_name,region"]
    for i in range(100):
        cust2.append("D%03d,Dee %d,LATAM" % (i, i))
    cust2.append("C001,Second C001,LATAM")                  # dup across files
    files["customers_b.csv"] = ("\n".join(cust2) + "\n").encode()

    ent = ["workload,tenant_id,qualified_entitlements,as_of,enabled_date,notes"]
    aliases = ["Exchange Online", "exchange", "EXO", "sharepoint online",
               "ODB", "onedrive for business", "m365 apps", "Microsoft Teams",
               "om", "yammer enterprise", "windows 10", "AZURE AD PREMIUM",
               "Core", "project online", "school data sync"]
    for i in range(120):
        ent.append('%s,C%03d,%s,2026-01-01,,"#Pilot, Expecting<50"'
                   % (aliases[i % len(aliases)], i, "%04d" % (i * 7)))
    ent.append("EXO,C000,999,2026-01-01,,")                 # duplicate key
    files["entitlements_1.csv.gz"] = gzip.compress(
        ("\n".join(ent) + "\n").encode())
    ent2 = ["tenant_id,workload,as_of,qualified_entitlements"]
    for i in range(100):
        ent2.append("D%03d,TEAMS,2026-02-01,%d" % (i, 10 + i))
    ent2.append("C001,Exchange,2026-01-01,5")                # dup across files
    files["entitlements_2.csv"] = ("\n".join(ent2) + "\n").encode()

    def usefile(rows, last):
        return b"\n".join([b"tenant_id,workload,date,active_users"]
                           + [r.encode() for r in rows] + [last]) + b"\n"
    rejects = [
        b"C001,EXO,2026-05-01",                # wrong number of fields
        b"C0\xff1,EXO,2026-05-02,1",           # invalid UTF-8
        b"C001,,2026-05-03,1",                 # missing value
        b"C001,EXO,2026-05-04,1.0",            # bad integer
        b"C001,EXO,2026-02-29,1",              # bad date
        b"C001,Exchange Online Plan 2,2026-05-05,1",  # unknown workload
        b"c001,EXO,2026-05-06,1",              # unknown tenant (case)
        b"C001,EXO,2026-05-07,2000000001",     # integer too large
        b"C001,EXO,0000-05-07,1",              # year 0
        b"C001,EXO,2026-5-07,1",               # not ISO
        b"C001,EXO,2026-05-08,+1",             # sign
        b"C" * 65 + b",EXO,2026-05-09,1",      # tenant too long
        b"C001,EXO,2026-05-10," + b"1" * 4097,  # field too long
        b"C001,EXO,2026-05-11,1,",             # one field too many
        b'C001,EXO,2026-05-12,"1"x',           # (file error: after quote)
    ][:-1]
    dates = ["2026-%02d-%02d" % (m, d) for m in range(1, 7)
             for d in (1, 10, 15, 25)]
    for j, rej in enumerate(rejects):
        rows = ["C%03d,EXO,%s,%d" % (i, dates[j], i) for i in range(100)]
        files["usage_%02d.csv" % j] = usefile(rows, rej)
    # duplicates inside a file and across files: the first (name order) wins
    files["usage_50.csv"] = usefile(
        ["C%03d,SPO,2026-06-20,%d" % (i, i) for i in range(100)],
        b"C002,SPO,2026-06-20,77")
    files["usage_51.csv"] = usefile(
        ["C%03d,SharePoint,2026-06-21,%d" % (i, 1000 + i) for i in range(100)],
        b"C005,sharepoint,2026-06-20,1005")
    files["usage_52.csv"] = b"tenant_id,workload,date,active_users\n"
    # quoted fields with spaces, CRLF, blank lines, a BOM, gzip
    u = ['\ufefftenant_id,workload,date,active_users',
         ' "Q1" , "Exchange" ,2026-06-20, 0007 ',
         '',
         'Q1,"OneDrive",2026-06-20,"3"']
    files["usage_53.csv.gz"] = gzip.compress(("\r\n".join(u) + "\r\n").encode())
    return files


def reject_threshold():
    """§1: two rejects in 100 rows fail the run (exit 65) on both sides."""
    k = Case()
    k.cust("R1")
    k.ent("R1", "EXO", "2026-01-01", 100)
    for i in range(98):
        k.use("R1", "EXO", "2026-%02d-%02d" % (1 + i // 28, 1 + i % 28), i)
    k.use("R1", "EXO", "2026-05-01", "x")
    k.use("R2", "EXO", "2026-05-01", 1)
    return k


def no_usage():
    k = Case()
    k.cust("N1")
    k.ent("N1", "EXO", "2026-01-01", 100)
    return k


def year_boundary():
    """deltas and plateau across a year boundary (as-of 2026-02)."""
    k = Case()
    k.cust("Y1")
    k.ent("Y1", "EXO", "2025-01-01", 100)
    k.monthly("Y1", "EXO", [30, 35, 31, 29, 34, 30], last="2026-02")
    k.cust("Y2")
    k.ent("Y2", "SPO", "2025-01-01", 100)
    k.monthly("Y2", "SPO", [30, 35, None, 29, 34, 30], last="2026-02")
    return k


def q(s):
    """A CSV field holding s, quoted."""
    return '"' + s.replace('"', '""') + '"'


def playbook_rules():
    """§9.1 rules at their boundaries (READINGS-issue9.md); the expected
    rows are in test_playbook.py. Tenants: S* SPO, E* EXO, O*/H* OLM,
    P* OPP, R* REVIEW and the sort."""
    k = Case()

    def one(t, w, qe, ae=None, notes="", enabled="", as_of="2026-01-01"):
        k.ent(t, w, as_of, qe, enabled=enabled, notes=notes)
        if ae is not None:
            k.use(t, w, "2026-06-20", ae)

    # SPO
    for t, qe, ae, notes in [
            ("S10", 10000, 1000, ""), ("S1001", 10000, 1001, ""),
            ("Stiny", 2000000000, 200000001, ""),
            ("Snov", 200, None, ""), ("Sqe0", 0, 5, ""),
            ("Sunr", 100, 4, "Waiting; #unresponsive"),
            ("Sunr2", 100, 4, "#Unresponsive2"),
            ("Sdec", 100, 4, q("sharepoint bvd\ndeclined")),
            ("Sau", 100, 50, "AU>10 %"), ("Sau100", 100, 50, "AU > 100%")]:
        k.cust(t)
        one(t, "SPO", qe, ae, notes)
    # notes of the latest snapshot only (R7)
    k.cust("Sold")
    k.ent("Sold", "SPO", "2026-01-01", 100, notes="#Unresponsive")
    k.ent("Sold", "SPO", "2026-05-01", 100)
    k.use("Sold", "SPO", "2026-06-20", 4)
    # EXO (INTUNE QE > 0 everywhere keeps OM_BVD out of EXO's way)
    for t, qe, ae, notes in [
            ("E999", 10000, 999, ""), ("E10", 100, 10, ""),
            ("E40", 100, 40, ""), ("E4001", 10000, 4001, ""),
            ("E50", 100, 50, ""), ("E5001", 10000, 5001, ""),
            ("Etag", 100, 25, q("#Compete,expecting<50")),
            ("Etag500", 100, 25, "Expecting<500"),
            ("Etaggt", 100, 25, "EXPECTING>50"),
            ("Elow50", 100, 50, "Expecting<50"),
            ("Elow4999", 10000, 4999, "Expecting<50"),
            ("Elow5", 100, 5, "Expecting<50"),
            ("Eqe0", 0, 5, "Expecting<50")]:
        k.cust(t)
        one(t, "EXO", qe, ae, notes)
    # OLM
    k.cust("O1"); one("O1", "EXO", 100, 60)
    k.cust("O2"); one("O2", "EXO", 100, 60); one("O2", "INTUNE", 5)
    k.cust("O2b"); one("O2b", "EXO", 100, 60); one("O2b", "INTUNE", 0)
    one("O2b", "AADP", 1200)
    k.cust("O3"); one("O3", "EXO", 100, 60); one("O3", "OLM", 10000, 3999)
    k.cust("O4"); one("O4", "EXO", 100, 60); one("O4", "OLM", 100, 40)
    k.cust("O5"); one("O5", "EXO", 100, 60); one("O5", "OLM", 0, 5)
    k.cust("O6"); one("O6", "EXO", 0, 60)
    for t, en in [("H1", "2026-06-01"), ("H30", "2026-06-30"),
                  ("H0", "2026-05-31"), ("H31", "2026-07-01")]:
        k.cust(t)
        one(t, "OLM", 100, 80, enabled=en, as_of="2026-06-15")
    # OPP
    for t, qe, ae, en in [
            ("P70", 100, 70, "2026-01-01"),
            ("P7001", 10000, 7001, "2026-01-01"),
            ("Pne", 100, 70, ""), ("Pfut", 100, 70, "2026-07-15"),
            ("Pnov", 100, None, "2026-01-01"), ("Pqe0", 0, 5, "")]:
        k.cust(t)
        one(t, "OPP", qe, ae, enabled=en)
    # REVIEW and sorting
    k.cust("R1", fm="Zoe", start="2026-01-01")
    one("R1", "EXO", 100, 5)
    k.cust("R2", fm="Adam", start="2026-01-01")
    k.cust("R3", fm="", start="2026-01-01")
    return k


def playbook_summaries():
    """§9.2 exec summaries: the template customer (C1) byte for byte, no
    usage, no data, deployment progress, line details; the expected notes
    are in test_playbook.py."""
    k = Case()
    # The spec's template customer (plus a Green OLM, without which
    # OM_BVD would add an OLM line): byte for byte.
    k.c.append("C1,Contoso Ltd,NA,12000,High,Megan,,,")
    k.ent("C1", "EXO", "2025-01-01", 8000, notes="expecting>50")
    k.use("C1", "EXO", "2026-03-20", 4744)     # 59.30 %
    k.use("C1", "EXO", "2026-06-20", 5000)     # 62.50 %
    k.ent("C1", "OLM", "2025-01-01", 8000)
    k.use("C1", "OLM", "2026-06-20", 6000)     # 75.00 %
    k.ent("C1", "SPO", "2025-01-01", 4000)
    k.monthly("C1", "SPO", [320] * 7)           # 8.00 %, L = 6
    # no usage at all: entitlements only
    k.c.append("N1,No Usage Inc,EMEA,1,,,,,")
    k.ent("N1", "EXO", "2026-01-01", 100)
    k.ent("N1", "SPO", "2026-01-01", 50)
    k.ent("N1", "YAM", "2026-01-01", 0)
    # no data at all, a multi-line name, no seats, no priority
    k.c.append('Z1,"Multi\r\nline\tname",LATAM,,,,,,')
    # Fully Deployed: every core workload with QE > 0 Green; TEAMS QE 0
    k.cust("F1", seats=0)
    for w, qe, ae in [("EXO", 100, 51), ("SPO", 100, 41), ("OLM", 10, 8),
                      ("TEAMS", 0, 3)]:
        k.ent("F1", w, "2026-01-01", qe)
        k.use("F1", w, "2026-06-20", ae)
    # only core workloads with QE 0 or unknown, AE > 0: Partially
    k.cust("Q1")
    k.ent("Q1", "EXO", "2026-01-01", 0)
    k.use("Q1", "EXO", "2026-06-20", 5)
    k.use("Q1", "OD", "2026-06-20", 5)
    # large from QE, signs of the 3-month change, OPP next actions,
    # lines in the template order
    k.cust("L1")
    k.ent("L1", "SDS", "2026-01-01", 20000)
    k.use("L1", "SDS", "2026-03-20", 2001)
    k.use("L1", "SDS", "2026-06-20", 1000)
    k.ent("L1", "OD", "2026-01-01", 100000)
    k.use("L1", "OD", "2026-03-20", 30001)
    k.use("L1", "OD", "2026-06-20", 30000)     # -0.001 pp -> 0.00
    k.ent("L1", "OPP", "2026-01-01", 100, notes=q("#Pilot, #pilot #Wave_2"))
    return k


def main():
    out = sys.argv[1]
    cases = [
        ("boundaries", boundaries().files(), [""]),
        ("plateau", plateau().files(), [""]),
        ("precision", precision().files(), [""]),
        ("mean_tie", mean_tie().files(), [""]),
        ("window", window().files(), ["", "--as-of 2026-06",
                                      "--as-of 2026-07"]),
        ("velocity", velocity().files(), [""]),
        ("text", text_and_sort().files(), [""]),
        ("ingest", ingest(), ["", "--as-of 2026-03"]),
        ("reject_threshold", reject_threshold().files(), [""]),
        ("no_usage", no_usage().files(), ["", "--as-of 2026-01"]),
        ("year_boundary", year_boundary().files(), ["", "--as-of 2026-01"]),
        ("playbook_rules", playbook_rules().files(), ["--as-of 2026-06"]),
        ("playbook_summaries", playbook_summaries().files(),
         ["--as-of 2026-06"]),
    ]
    cases += [(name, files, [""]) for name, files in csv_syntax()]
    for name, files, runs in cases:
        d = os.path.join(out, name)
        os.makedirs(d, exist_ok=True)
        for f in os.listdir(d):
            os.remove(os.path.join(d, f))
        for fn, content in files.items():
            with open(os.path.join(d, fn), "wb") as f:
                f.write(content if isinstance(content, bytes)
                        else content.encode("utf-8"))
        for r in runs:
            print((name + " " + r).strip())


if __name__ == "__main__":
    main()
