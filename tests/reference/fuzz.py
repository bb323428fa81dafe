#!/usr/bin/env python3
"""Random small input folders aimed at the exact-arithmetic and date
boundaries of SPEC.md §3–§5, for tests/reference/compare.sh.

    python3 tests/reference/fuzz.py SEED DIR

writes DIR/customers*.csv, entitlements*.csv, usage*.csv and prints the
--as-of option to use (possibly empty). Values are drawn near thresholds
(AE ≈ QE × threshold / 100, ± 1), near the day limits of §5 relative to the
as-of month's end, with huge integers (up to 2,000,000,000), QE 0, snapshots
after the as-of month, backfill, gaps, and a few duplicate keys across files
(at most 1 % of a file's rows, so that the run is published).
"""

import datetime
import random
import sys
import os

WORKLOADS = ["EXO", "SPO", "OD", "TEAMS", "OPP", "YAM", "OLM", "INTUNE"]
ALIASES = {"EXO": ["Exchange", "exchange online"], "SPO": ["SharePoint"],
           "OD": ["ODB", "OneDrive"], "TEAMS": ["Microsoft Teams", "teams"],
           "OPP": ["M365 Apps", "ProPlus"], "YAM": ["Yammer"],
           "OLM": ["OM"], "INTUNE": ["intune"]}
PCTS = [0, 5, 10, 20, 40, 50, 70, 100]


def main():
    seed = int(sys.argv[1])
    out = sys.argv[2]
    r = random.Random(seed)
    os.makedirs(out, exist_ok=True)
    for f in os.listdir(out):
        os.remove(os.path.join(out, f))

    last = datetime.date(2026, r.randint(1, 12), 1)
    # the as-of month: default (latest usage month) or a few months earlier
    back = r.choice([0, 0, 0, 1, 4])
    am = last.year * 12 + last.month - 1 - back
    asof_end = (datetime.date(am // 12, am % 12 + 1, 1)
                + datetime.timedelta(days=32)).replace(day=1) \
        - datetime.timedelta(days=1)
    asof_opt = "--as-of %04d-%02d" % (am // 12, am % 12 + 1) if back else ""
    nmonths = r.randint(3, 14)
    first = datetime.date(last.year, last.month, 1)
    for _ in range(nmonths):
        first = (first - datetime.timedelta(days=1)).replace(day=1)

    def rdate(lo, hi):
        return lo + datetime.timedelta(days=r.randint(0, max(0, (hi - lo).days)))

    def near(limit):
        """a date `limit` ± 1 days before the as-of month's end"""
        return asof_end - datetime.timedelta(days=limit + r.choice([-1, 0, 1]))

    def ds(d):
        return d.isoformat() if d else ""

    ntenants = r.randint(3, 30)
    tenants = ["T%03d" % i if r.random() < 0.8 else "t%03d-%d" % (i, r.randint(0, 9))
               for i in range(ntenants)]
    cust, ents, uses = [], [], []
    for t in tenants:
        seats = r.choice(["", "", str(r.choice([9999, 10000, 10001, 500,
                                                  2000000000, 0]))])
        start = r.choice([None, near(30), near(120), rdate(first, asof_end),
                          asof_end + datetime.timedelta(days=r.randint(1, 40))])
        kick = r.choice([None, None, near(90), near(30),
                         start and start + datetime.timedelta(
                             days=r.randint(-10, 200))])
        gw = r.choice([None, start and start + datetime.timedelta(days=5)])
        cust.append([t, "Cust " + t, r.choice(["NA", "EMEA", "APAC"]), seats,
                     "High", r.choice(["", "FM1", "=FM"]), ds(start), ds(gw),
                     ds(kick)])
        for w in r.sample(WORKLOADS, r.randint(0, 6)):
            big = r.random() < 0.15
            qe0 = r.choice([0, 1, 3, 7, 100, 999, 1000, 10000, 60000]) \
                if not big else r.choice([1999999999, 2000000000, 1234567891])
            nent = r.randint(0, 3)
            enabled = r.choice([None, near(60), near(180), near(365),
                                rdate(first, asof_end),
                                asof_end + datetime.timedelta(days=20)])
            for _ in range(nent):
                d = rdate(first, last + datetime.timedelta(days=27))
                q = min(2000000000, max(0, qe0 + r.choice([0, 0, 0, 1, -1, 13])))
                if r.random() < 0.1:
                    q = 0
                ents.append([t, r.choice([w] + ALIASES[w]), ds(d), str(q),
                             ds(enabled if r.random() < 0.7 else
                                r.choice([None, rdate(first, asof_end)])),
                             "Active", ""])
            # usage: weekly-ish snapshots with AE near a threshold of QE
            d = first + datetime.timedelta(days=r.randint(0, 20))
            pct = r.choice(PCTS)
            while d <= last + datetime.timedelta(days=27):
                if r.random() < 0.85:
                    if r.random() < 0.3:
                        pct = max(0, pct + r.choice([-5, -4, 4, 5, 1, -1]))
                    ae = qe0 * pct // 100 + r.choice([0, 0, 1, -1])
                    ae = min(max(ae, 0), 2000000000)
                    uses.append([t, r.choice([w] + ALIASES[w]), ds(d), str(ae)])
                d += datetime.timedelta(days=r.choice([7, 7, 14, 30, 31]))

    def dump(name, header, rows):
        with open(os.path.join(out, name), "w", newline="") as f:
            f.write(header + "\n")
            for row in rows:
                f.write(",".join(row) + "\n")

    # split usage and entitlements over two files each; duplicate ≤ 1 %
    def split(rows):
        r.shuffle(rows)
        k = len(rows) // 2
        a, b = rows[:k], rows[k:]
        a0, b0 = list(a), list(b)
        # a row of one file repeated (with another value) in the other: the
        # first file wins, the other one's row is rejected; at most one
        # reject per 100 rows of either file
        for _ in range(min(len(a0), len(b0)) // 101):
            dup = list(r.choice(b0))
            b0.remove(dup) if dup in b0 else None
            dup[3] = str(abs(int(dup[3]) - 1))
            a.append(dup)
        return a, b

    dump("customers.csv", "tenant_id,customer_name,region,seats,priority,fm,"
         "engagement_start,gateway_date,kickoff_date", cust)
    seen = {}
    for e in ents:  # one snapshot per (tenant, workload, as_of) before split
        canon = next(w for w in WORKLOADS if e[1] == w or e[1] in ALIASES[w])
        seen.setdefault((e[0], canon, e[2]), e)
    ea, eb = split(list(seen.values()))
    dump("entitlements_1.csv", "tenant_id,workload,as_of,qualified_entitlements,"
         "enabled_date,status,notes", ea)
    dump("entitlements_2.csv", "tenant_id,workload,as_of,qualified_entitlements,"
         "enabled_date,status,notes", eb)
    ua, ub = split(uses)
    dump("usage_1.csv", "tenant_id,workload,date,active_users", ua)
    dump("usage_2.csv", "tenant_id,workload,date,active_users", ub)
    print(asof_opt)


if __name__ == "__main__":
    main()
