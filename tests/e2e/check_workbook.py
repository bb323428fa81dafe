#!/usr/bin/python3
"""check_workbook.py OUTDIR: reads the kpi-YYYY-MM.xlsx of a `ftkpi run`
back with openpyxl and checks it against the CSV facts and run.json in the
same folder:

- the sheets and their order (the core workloads' sheets first), and the
  header row of each list sheet, the customer's name first;
- every workload sheet cell (QE, AE, AU, health, scenario, deltas, plateau,
  dates, days, users to goal) equals its workload_kpis.csv row: an AU cell
  x 100 rounded to 2 decimals is au_pct, under a 0.00% format; a pp delta
  is the CSV's number under the signed format `+0.00" pp"`, red below 0;
- an empty FM shows "(unassigned)" (the CSVs keep it empty);
- every sheet prints landscape, one page wide, without gridlines, under a
  page header (the workbook's title, the sheet) and over "Page N of M";
  list sheets repeat their header row;
- the Customers sheet equals customer_kpis.csv, with the health and its
  reason, the last of its 12 month columns equal to core_au_pct, and the
  focus areas in words where customer_kpis.csv has codes; the core
  workload sheets' last month column equals au_pct; the month columns
  are under one 3-colour scale;
- Candidates has one row per candidate customer (each once, ranked
  1, 2, ... within its region), its users to goal summing to the
  candidate customers' in customer_kpis.csv, and each
  cohort_candidates.csv row as a line of its focus areas;
- the Summary's portfolio rows come in the sheets' order (the core
  workloads first, in the order of the second argument), and on every
  row Σ AE / measured Σ QE is the pooled AU shown (to 2 decimals), a
  0.00% number filled green above the workload's green_above, red below
  its red_below, else yellow (exactly, on Σ AE and measured Σ QE, the
  thresholds read from Definitions);
- By region and By FM count every customer once; Data quality has
  run.json's counts, a Coverage row per workload of portfolio.csv in the
  sheets' order with no usage <= customers (portfolio.csv's) and the
  days before the month's end, and a Freshness table whose usage date is
  run.json's latest_snapshot;
- no formula cell anywhere (a customer named =HYPERLINK(...) stays a
  string), no NaN or Inf, dates are real dates;
- the document properties do not come from the clock.

Then the FM books under fm/ (docs/workbook.md, "FM books"), unless the
run had --books none (then there must be none): one per FM of
customer_kpis.csv, named fm/kpi-YYYY-MM-<FM>.xlsx with <FM> made safe and
collisions numbered as docs/workbook.md says (worked out here on their
own); each listed in run.json with its size and sha256; each checked as
above against its FM's rows of the CSVs (workload_kpis.csv by tenant, the
others by fm; its Summary's portfolio rows from its workload_kpis.csv
rows), plus an Exec summaries sheet equal to its FM's rows of
exec_summaries.csv and a title naming the FM; each customer in exactly
one book. The portfolio workbook has no Exec summaries sheet.

Prints one line per problem and exits 1 when there is any.
"""
import csv
import datetime
import fractions
import hashlib
import json
import math
import os
import re
import sys
import zipfile

import openpyxl
import openpyxl.utils

problems = []


# The book being checked, named in each problem ("" for the portfolio
# workbook), and for an FM book its rows of each CSV (VIEW), which
# read_csv returns instead of the whole file.
BOOK = [""]
VIEW = {}


def problem(msg):
    problems.append(msg)
    if len(problems) <= 40:
        print("workbook: " + (BOOK[0] + ": " if BOOK[0] else "") + msg)


def read_csv(path):
    name = os.path.basename(path)
    if name in VIEW:
        return VIEW[name]
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def csv_text(s):
    """A CSV text value as the workbook shows it: without the apostrophe
    that guards a formula-like text in CSV (docs/running.md)."""
    if len(s) >= 2 and s[0] == "'" and s[1] in "=+-@\t\r":
        return s[1:]
    return s


def cell_text(v):
    return "" if v is None else v


def num(v):
    return None if v in (None, "") else v


def same_int(cell, text, where):
    want = None if text == "" else int(text)
    if cell is None and want is None:
        return
    if not isinstance(cell, (int, float)) or isinstance(cell, bool) \
            or want is None or cell != want:
        problem("%s: %r, expected %r" % (where, cell, text))


def same_round(cell, text, scale, where):
    """cell * scale rounded to 2 decimals equals the CSV's decimal."""
    if text == "":
        if cell is not None:
            problem("%s: %r, expected an empty cell" % (where, cell))
        return
    if not isinstance(cell, (int, float)) or isinstance(cell, bool):
        problem("%s: %r is not a number (CSV %s)" % (where, cell, text))
        return
    if round(cell * scale, 2) != round(float(text), 2):
        problem("%s: %r x %d != %s" % (where, cell, scale, text))


def same_date(cell, text, where):
    if text == "":
        if cell is not None:
            problem("%s: %r, expected an empty cell" % (where, cell))
        return
    if not isinstance(cell, (datetime.datetime, datetime.date)):
        problem("%s: %r is not a date (CSV %s)" % (where, cell, text))
        return
    if cell.strftime("%Y-%m-%d") != text:
        problem("%s: %s, expected %s" % (where, cell, text))


def same_text(cell, text, where):
    if cell_text(cell) != text:
        problem("%s: %r, expected %r" % (where, cell, text))


def yes_no(text):
    return {"true": "Yes", "false": "No", "": ""}[text]


PP_FORMAT = '+0.00" pp";[Red]-0.00" pp";0.00" pp"'
NO_FM = "(unassigned)"


def fm_text(s):
    """A CSV FM as the workbook shows it."""
    return csv_text(s) or NO_FM


WORKLOAD_HEAD = ["Customer", "Tenant ID", "Region", "FM", "QE", "AE", "AU",
                 "Health", "EXO scenario", "Delta 1m", "Delta 3m",
                 "Plateau months", "Plateau", "QE backfilled", "Enabled",
                 "Days kickoff to enable", "Days to 10%", "Days to 40%",
                 "Days to 70%", "Users to goal", "Notes tags", "Status"]


def trend_months(month):
    """The 12 month columns' titles, the as-of month last."""
    y, m = map(int, month.split("-"))
    out = []
    for k in range(11, -1, -1):
        t = y * 12 + (m - 1) - k
        out.append("%04d-%02d" % (t // 12, t % 12 + 1))
    return out


def parts(wb, base):
    """The sheets of a list: base, then "base (2)", "base (3)", ..."""
    names = [base]
    k = 2
    while "%s (%d)" % (base, k) in wb.sheetnames:
        names.append("%s (%d)" % (base, k))
        k += 1
    return names


def list_rows(wb, base):
    """The header of a list sheet and its data rows over all its parts."""
    head, rows = None, []
    for name in parts(wb, base):
        ws = wb[name]
        it = ws.iter_rows()
        h = [c.value for c in next(it)]
        if head is None:
            head = h
        elif h != head:
            problem("%s: header differs from %s's" % (name, base))
        for row in it:
            if all(c.value is None for c in row):
                continue
            rows.append(row)
    return head, rows


def check_workloads(wb, out, portfolio, core, month):
    wk = read_csv(os.path.join(out, "workload_kpis.csv"))
    months = trend_months(month)
    for p in portfolio:
        code = p["workload"]
        want = [r for r in wk if r["workload"] == code]
        ck = {r["tenant_id"]: r for r in read_csv(
            os.path.join(out, "customer_kpis.csv"))}
        head, rows = list_rows(wb, code)
        exp_head = [h for h in WORKLOAD_HEAD
                    if code == "EXO" or h != "EXO scenario"]
        if code in core:
            exp_head = exp_head + months
        if head != exp_head:
            problem("%s: header %r" % (code, head))
            continue
        col = {h: i for i, h in enumerate(head)}
        if len(rows) != len(want):
            problem("%s: %d rows, workload_kpis.csv has %d"
                    % (code, len(rows), len(want)))
            continue
        for row, w in zip(rows, want):
            v = [c.value for c in row]
            at = "%s %s" % (code, w["tenant_id"])
            same_text(v[col["Tenant ID"]], w["tenant_id"], at + " tenant")
            same_text(v[col["Customer"]], csv_text(w["customer_name"]),
                      at + " customer")
            same_text(v[col["Region"]], csv_text(w["region"]), at + " region")
            same_text(v[col["FM"]], fm_text(ck[w["tenant_id"]]["fm"]),
                      at + " FM")
            same_int(v[col["QE"]], w["qe"], at + " QE")
            same_int(v[col["AE"]], w["ae"], at + " AE")
            same_round(v[col["AU"]], w["au_pct"], 100, at + " AU")
            if w["au_pct"] != "" and row[col["AU"]].number_format != "0.00%":
                problem("%s AU: format %r, expected 0.00%%"
                        % (at, row[col["AU"]].number_format))
            same_text(v[col["Health"]], w["health"], at + " health")
            if code == "EXO":
                same_text(v[col["EXO scenario"]], w["scenario"],
                          at + " scenario")
            same_round(v[col["Delta 1m"]], w["delta_1m_pp"], 1,
                       at + " delta 1m")
            same_round(v[col["Delta 3m"]], w["delta_3m_pp"], 1,
                       at + " delta 3m")
            for c in ("Delta 1m", "Delta 3m"):
                if v[col[c]] is not None and \
                        row[col[c]].number_format != PP_FORMAT:
                    problem("%s %s: format %r, expected %r"
                            % (at, c, row[col[c]].number_format, PP_FORMAT))
            same_int(v[col["Plateau months"]], w["plateau_months"],
                     at + " plateau months")
            same_text(v[col["Plateau"]], yes_no(w["plateau"]), at + " plateau")
            same_text(v[col["QE backfilled"]], yes_no(w["qe_backfilled"]),
                      at + " qe_backfilled")
            same_date(v[col["Enabled"]], w["enabled_date"], at + " enabled")
            same_int(v[col["Days kickoff to enable"]],
                     w["days_kickoff_to_enable"], at + " kickoff to enable")
            for k in ("10", "40", "70"):
                same_int(v[col["Days to %s%%" % k]], w["days_to_" + k],
                         at + " days to " + k)
            same_int(v[col["Users to goal"]], w["users_to_goal"],
                     at + " users to goal")
            if code in core:
                # the as-of month of the series is the row's AU
                same_round(v[col[months[-1]]], w["au_pct"], 100,
                           at + " AU in " + months[-1])


def check_customers(wb, out, core, month):
    ck = read_csv(os.path.join(out, "customer_kpis.csv"))
    head, rows = list_rows(wb, "Customers")
    months = trend_months(month)
    exp = ["Customer", "Tenant ID", "Region", "FM", "Seats", "Large",
           "Health", "Health reason", "Core QE", "Core AE", "Core AU"] + \
        ["AU " + c for c in core] + months + ["Users to goal", "Focus areas"]
    if head != exp:
        problem("Customers: header %r, expected %r" % (head, exp))
        return
    if len(rows) != len(ck):
        problem("Customers: %d rows, customer_kpis.csv has %d"
                % (len(rows), len(ck)))
        return
    col = {h: i for i, h in enumerate(head)}
    for row, w in zip(rows, ck):
        v = [c.value for c in row]
        at = "Customers %s" % w["tenant_id"]
        same_text(v[col["Tenant ID"]], w["tenant_id"], at + " tenant")
        same_text(v[col["Customer"]], csv_text(w["customer_name"]),
                  at + " customer")
        same_text(v[col["FM"]], fm_text(w["fm"]), at + " FM")
        same_int(v[col["Seats"]], w["seats"], at + " seats")
        same_text(v[col["Large"]], yes_no(w["large"]), at + " large")
        same_text(v[col["Health"]], w["health"], at + " health")
        reason = cell_text(v[col["Health reason"]])
        if not reason.startswith(w["health"] + ": "):
            problem("%s health reason: %r does not start with %r"
                    % (at, reason, w["health"] + ": "))
        same_int(v[col["Core QE"]], w["core_qe"], at + " core QE")
        same_int(v[col["Core AE"]], w["core_ae"], at + " core AE")
        same_round(v[col["Core AU"]], w["core_au_pct"], 100, at + " core AU")
        # the as-of month of the 12-month series is the core AU
        same_round(v[col[months[-1]]], w["core_au_pct"], 100,
                   at + " core AU in " + months[-1])
        for m in months:
            if v[col[m]] is not None and row[col[m]].number_format != "0.00%":
                problem("%s %s: format %r, expected 0.00%%"
                        % (at, m, row[col[m]].number_format))
        same_int(v[col["Users to goal"]], w["users_to_goal"],
                 at + " users to goal")
        # in words where the CSV has codes, nothing where it has none
        words = cell_text(v[col["Focus areas"]])
        if bool(words) != bool(w["focus_areas"]) or \
                any(c in words for c in w["focus_areas"].split(";") if c):
            problem("%s focus areas %r for %r" % (at, words,
                                                  w["focus_areas"]))


def check_candidates(wb, out):
    """One row per candidate customer: cohort_candidates.csv's rows of a
    customer are the lines of its focus areas."""
    cc = read_csv(os.path.join(out, "cohort_candidates.csv"))
    ck = read_csv(os.path.join(out, "customer_kpis.csv"))
    head, rows = list_rows(wb, "Candidates")
    if head != ["Region", "Rank", "Customer", "Tenant ID", "FM", "Health",
                "Core AU", "Users to goal", "Focus areas"]:
        problem("Candidates: header %r" % head)
        return
    col = {h: i for i, h in enumerate(head)}
    by_tenant = {}
    for w in cc:
        by_tenant.setdefault(w["tenant_id"], []).append(w)
    cand = [c for c in ck if c["focus_areas"]]
    if len(rows) != len(cand):
        problem("Candidates: %d rows, customer_kpis.csv has %d customers "
                "with a focus area" % (len(rows), len(cand)))
    want_sum = sum(int(c["users_to_goal"]) for c in cand)
    got_sum = sum(row[col["Users to goal"]].value or 0 for row in rows)
    if got_sum != want_sum:
        problem("Candidates: users to goal sum to %r, the candidate "
                "customers' in customer_kpis.csv to %d" % (got_sum, want_sum))
    ck_by = {c["tenant_id"]: c for c in ck}
    seen = set()
    last_region, last_rank = None, 0
    for row in rows:
        v = [c.value for c in row]
        t = v[col["Tenant ID"]]
        at = "Candidates %s" % t
        if t in seen:
            problem(at + ": more than one row")
        seen.add(t)
        if t not in by_tenant or t not in ck_by:
            problem(at + ": not in cohort_candidates.csv")
            continue
        c, lines = ck_by[t], by_tenant[t]
        region = v[col["Region"]]
        rank = 1 if region != last_region else last_rank + 1
        if v[col["Rank"]] != rank:
            problem("%s: rank %r, expected %d" % (at, v[col["Rank"]], rank))
        last_region, last_rank = region, v[col["Rank"]]
        same_text(region, csv_text(lines[0]["region"]), at + " region")
        same_text(v[col["Customer"]], csv_text(c["customer_name"]),
                  at + " customer")
        same_text(v[col["FM"]], fm_text(c["fm"]), at + " FM")
        same_text(v[col["Health"]], c["health"], at + " health")
        same_round(v[col["Core AU"]], c["core_au_pct"], 100, at + " core AU")
        same_int(v[col["Users to goal"]], c["users_to_goal"],
                 at + " users to goal")
        want = []
        for w in lines:
            head_ = w["focus_area"] + (" " + w["workload"]
                                       if w["workload"] else "")
            d = csv_text(w["detail"])
            want.append(head_ + (": " + d if d else ""))
        same_text(v[col["Focus areas"]], "\n".join(want), at + " focus")
    missing = set(by_tenant) - seen
    if missing:
        problem("Candidates: %d candidate customers missing, e.g. %s"
                % (len(missing), sorted(missing)[0]))


HEALTH_FILL = {"Green": "C6EFCE", "Yellow": "FFEB9C", "Red": "FFC7CE"}


def read_thresholds(wb):
    """{code: (green_above, red_below)} as exact Fractions of a percent,
    from the Definitions sheet's workload thresholds."""
    rows = list(wb["Definitions"].iter_rows(values_only=True))
    out = {}
    for i, r in enumerate(rows):
        if r and r[:3] == ("Workload", "Green above (AU %)",
                           "Red below (AU %)"):
            for b in rows[i + 1:]:
                if not b or b[0] is None:
                    break
                out[b[0]] = tuple(fractions.Fraction(repr(float(v)))
                                  for v in b[1:3])
    return out


def check_pooled_fill(cell, ae, qe, limits, where):
    """The pooled AU cell's fill: the workload-health rule on Σ AE / Σ QE,
    exactly; a 0.00% number."""
    if not qe or cell.value is None:
        return
    if limits is None:
        problem("%s: no thresholds on Definitions" % where)
        return
    au = fractions.Fraction(100 * ae, qe)
    want = "Green" if au > limits[0] else "Red" if au < limits[1] \
        else "Yellow"
    fill = cell.fill
    rgb = fill.fgColor.rgb if fill is not None and fill.fill_type else None
    if not isinstance(rgb, str) or rgb[-6:].upper() != HEALTH_FILL[want]:
        problem("%s: pooled AU %r filled %r, expected %s"
                % (where, cell.value, rgb, want))
    if cell.number_format != "0.00%":
        problem("%s: pooled AU format %r" % (where, cell.number_format))


def check_summary_portfolio(wb, portfolio, codes):
    """The Summary's portfolio table is portfolio.csv's in the order of the
    workload sheets (codes), and on every row Σ AE / measured Σ QE is the
    pooled AU shown (to its 2 decimals)."""
    cells = list(wb["Summary"].iter_rows())
    rows = [tuple(c.value for c in r) for r in cells]
    thresholds = read_thresholds(wb)
    at = [i for i, r in enumerate(rows) if r and r[0] == "Workload" and
          "Measured \u03a3 QE" in r]
    if len(at) != 1:
        problem("Summary: no portfolio table with a measured \u03a3 QE")
        return
    head = rows[at[0]]
    col = {h: i for i, h in enumerate(head) if h}
    body = rows[at[0] + 1:at[0] + 1 + len(portfolio)]
    shown = [r[col["Workload"]] for r in body]
    if shown != codes:
        problem("Summary: portfolio rows %r, expected %r" % (shown, codes))
    by_code = {p["workload"]: p for p in portfolio}
    for k, (r, code) in enumerate(zip(body, codes)):
        p = by_code[code]
        where = "Summary %s" % p["workload"]
        same_text(r[col["Workload"]], p["workload"], where + " workload")
        same_int(r[col["\u03a3 AE"]], p["ae"], where + " \u03a3 AE")
        same_round(r[col["Pooled AU"]], p["pooled_au_pct"], 100,
                   where + " pooled AU")
        ae, qe = r[col["\u03a3 AE"]], r[col["Measured \u03a3 QE"]]
        pooled = r[col["Pooled AU"]]
        check_pooled_fill(cells[at[0] + 1 + k][col["Pooled AU"]],
                          ae, qe, thresholds.get(code), where)
        if qe:
            want = "%.2f" % (round(10000 * ae / qe) / 100)
            if pooled is None or "%.2f" % (pooled * 100) != want:
                problem("%s: \u03a3 AE / measured \u03a3 QE = %s %%, pooled "
                        "AU %r" % (where, want, pooled))
        elif pooled is not None:
            problem("%s: pooled AU %r with no measured \u03a3 QE"
                    % (where, pooled))


def check_health_mix(wb, out):
    """The Summary's customer health mix: every customer once overall, and
    per region the counts of customer_kpis.csv, each share its count over
    the customers."""
    ck = read_csv(os.path.join(out, "customer_kpis.csv"))
    rows = list(wb["Summary"].iter_rows(values_only=True))
    head, body = table_after(rows, "Customer health, overall and per region")
    if head is None or head[:6] != ("Region", "Customers", "Green", "Yellow",
                                    "Red", "N/A"):
        problem("Summary: no customer health mix (%r)" % (head,))
        return
    want = {"All customers": ck}
    for c in ck:
        want.setdefault(csv_text(c["region"]), []).append(c)
    names = [r[0] for r in body]
    if names != ["All customers"] + sorted(
            (k for k in want if k != "All customers"),
            key=lambda k: k.encode()):
        problem("Summary health mix: rows %r" % names)
    for r in body:
        cs = want.get(r[0], [])
        where = "Summary health mix %s" % r[0]
        if r[1] != len(cs):
            problem("%s: %r customers, expected %d" % (where, r[1], len(cs)))
        for k, h in enumerate(("Green", "Yellow", "Red", "N/A")):
            n = sum(1 for c in cs if c["health"] == h)
            if r[2 + k] != n:
                problem("%s %s: %r, expected %d" % (where, h, r[2 + k], n))
            # the percent rounded half away from zero to 2 decimals
            pct = math.floor(fractions.Fraction(10000 * n, len(cs)) +
                             fractions.Fraction(1, 2)) / 10000 if cs else 0
            if cs and (r[6 + k] is None or abs(r[6 + k] - pct) > 1e-9):
                problem("%s %s share: %r" % (where, h, r[6 + k]))


def check_groups(wb, out):
    """By region and By FM: every customer counted once, its health mix
    adding up to its customers; an empty FM shows "(unassigned)"."""
    ck = read_csv(os.path.join(out, "customer_kpis.csv"))
    for name, key, first in (("By region", "region", "Region"),
                             ("By FM", "fm", "FM")):
        head, rows = list_rows(wb, name)
        if not head or head[0] != first or "Customers" not in head:
            problem("%s: header %r" % (name, head))
            continue
        col = {h: i for i, h in enumerate(head)}
        total = 0
        want = {}
        for c in ck:
            k = csv_text(c[key]) if key == "region" else fm_text(c[key])
            want[k] = want.get(k, 0) + 1
        for row in rows:
            v = [c.value for c in row]
            n = v[col["Customers"]]
            total += n or 0
            mix = sum(v[col[h]] or 0 for h in ("Green", "Yellow", "Red",
                                                "N/A"))
            if mix != n:
                problem("%s %s: health mix %d, customers %r"
                        % (name, v[0], mix, n))
            if want.get(v[0]) != n:
                problem("%s %s: %r customers, customer_kpis.csv has %r"
                        % (name, v[0], n, want.get(v[0])))
        if total != len(ck):
            problem("%s: %d customers, customer_kpis.csv has %d"
                    % (name, total, len(ck)))


def check_playbook(wb, out, exec_summaries):
    """Next actions holds next_actions.csv row for row, Exec summaries (an
    FM book's) exec_summaries.csv, the note whole in one cell that
    wraps."""
    na = read_csv(os.path.join(out, "next_actions.csv"))
    head, rows = list_rows(wb, "Next actions")
    if head != ["FM", "Region", "Customer", "Tenant ID", "Workload", "Rule",
                "Task", "Action", "Reason"]:
        problem("Next actions: header %r" % head)
    elif len(rows) != len(na):
        problem("Next actions: %d rows, next_actions.csv has %d"
                % (len(rows), len(na)))
    else:
        for row, a in zip(rows, na):
            v = [c.value for c in row]
            at = "Next actions %s %s" % (a["tenant_id"], a["rule"])
            same_text(v[0], fm_text(a["fm"]), at + " fm")
            same_text(v[3], csv_text(a["tenant_id"]), at + " tenant")
            same_text(v[4], a["workload"], at + " workload")
            same_text(v[5], a["rule"], at + " rule")
            same_text(v[6], a["task_id"], at + " task")
            same_text(v[7], csv_text(a["action"]), at + " action")
            same_text(v[8], csv_text(a["reason"]), at + " reason")
    if not exec_summaries:
        return
    es = read_csv(os.path.join(out, "exec_summaries.csv"))
    head, rows = list_rows(wb, "Exec summaries")
    if head != ["FM", "Region", "Customer", "Tenant ID",
                "Deployment progress", "Exec summary"]:
        problem("Exec summaries: header %r" % head)
    elif len(rows) != len(es):
        problem("Exec summaries: %d rows, exec_summaries.csv has %d"
                % (len(rows), len(es)))
    else:
        for row, s in zip(rows, es):
            v = [c.value for c in row]
            at = "Exec summaries %s" % s["tenant_id"]
            same_text(v[0], fm_text(s["fm"]), at + " fm")
            same_text(v[3], csv_text(s["tenant_id"]), at + " tenant")
            same_text(v[4], s["deployment_progress"], at + " progress")
            same_text(v[5], s["note"], at + " note")
            if not row[5].alignment.wrap_text:
                problem(at + ": the note's cell does not wrap")


def check_data_quality(wb, manifest):
    ws = wb["Data quality"]
    rows = list(ws.iter_rows(values_only=True))
    if rows[0][:6] != ("File", "Kind", "Bytes", "Rows read", "Accepted",
                       "Rejected"):
        problem("Data quality: header %r" % (rows[0],))
        return
    for i, inp in enumerate(manifest["inputs"]):
        r = rows[1 + i]
        want = (inp["path"], inp["kind"], inp["bytes"], inp["rows_read"],
                inp["accepted"], inp["rejected"])
        if tuple(r[:6]) != want:
            problem("Data quality row %d: %r, expected %r" % (i + 2, r[:6],
                                                             want))


def table_after(rows, title):
    """The header and body rows of the table under the section `title`
    (up to the next empty row), or (None, [])."""
    for i, r in enumerate(rows):
        if r and isinstance(r[0], str) and r[0].startswith(title):
            body = []
            for b in rows[i + 2:]:
                if not b or all(v is None for v in b):
                    break
                body.append(b)
            return rows[i + 1], body
    return None, []


def check_coverage(wb, portfolio, codes, manifest, month, fm_book=False):
    rows = list(wb["Data quality"].iter_rows(values_only=True))
    last = datetime.date(*map(int, month.split("-")), 1)
    last = (last.replace(day=28) + datetime.timedelta(days=4))
    last = last - datetime.timedelta(days=last.day)
    head, body = table_after(rows, "Coverage:")
    if head is None or head[:6] != ("Workload", "Customers", "No usage",
                                    "\u03a3 QE without usage",
                                    "Latest usage", "Days before month end"):
        problem("Data quality: no Coverage table (%r)" % (head,))
        return
    if not codes and [r[0] for r in body] == [
            "no workload has a row this month"]:
        body = []
    elif [r[0] for r in body] != codes:
        problem("Data quality Coverage: workloads %r, expected %r"
                % ([r[0] for r in body], codes))
    by_code = {p["workload"]: p for p in portfolio}
    for r in body:
        p = by_code.get(r[0])
        if p is None:
            continue
        where = "Data quality Coverage %s" % r[0]
        same_int(r[1], p["customers"], where + " customers")
        if not isinstance(r[2], int) or not isinstance(r[3], int) or \
                r[2] > int(p["customers"]) or r[3] > int(p["qe"]) or \
                (r[2] == 0) != (r[3] == 0):
            problem("%s: no usage %r, \u03a3 QE %r against customers %s, "
                    "QE %s" % (where, r[2], r[3], p["customers"], p["qe"]))
        check_age(r[4], r[5], last, where)
    head, body = table_after(rows, "Freshness:")
    if head is None or [r[0] for r in body[:2]] != ["Usage", "Entitlements"]:
        problem("Data quality: no Freshness table (%r)" % (head,))
        return
    snap = manifest.get("latest_snapshot")
    usage = body[0][2]
    if fm_book and usage == "none":
        pass
    elif snap:
        if not isinstance(usage, datetime.datetime) or \
                (usage.strftime("%Y-%m-%d") > snap if fm_book
                 else usage.strftime("%Y-%m-%d") != snap):
            problem("Data quality Freshness: usage %r, expected %s"
                    % (usage, snap))
    elif usage != "none":
        problem("Data quality Freshness: usage %r, expected none" % (usage,))
    for r in body[:2]:
        if not isinstance(r[1], datetime.datetime) or r[1].date() != last:
            problem("Data quality Freshness %s: month end %r, expected %s"
                    % (r[0], r[1], last))
        if r[2] != "none":
            check_age(r[2], r[3], last, "Data quality Freshness " + r[0])
    check_file_freshness(body[2:], manifest, last)


def latest_in_file(path, kind):
    """The latest valid date of a usage (date) or entitlements (as_of)
    file, read with Python's csv and gzip."""
    import gzip
    with open(path, "rb") as f:
        gz = f.read(2) == b"\x1f\x8b"
    op = gzip.open if gz else open
    key = "date" if kind == "usage" else "as_of"
    best = None
    with op(path, "rt", newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            try:
                d = datetime.date.fromisoformat((row.get(key) or "").strip())
            except ValueError:
                continue
            best = d if best is None or d > best else best
    return best


def check_file_freshness(body, manifest, last):
    """A Freshness row per input file, in run.json's order: the latest
    snapshot of its accepted rows (the file's latest date when none was
    rejected, no later when some were), the days before the month's end
    (negative after it); the customers file has no snapshot date."""
    inputs = manifest["inputs"]
    if [r[0] for r in body[:len(inputs)]] != [i["path"] for i in inputs]:
        problem("Data quality Freshness: files %r, expected %r"
                % ([r[0] for r in body[:len(inputs)]],
                   [i["path"] for i in inputs]))
        return
    for r, inp in zip(body, inputs):
        where = "Data quality Freshness %s" % inp["path"]
        if inp["kind"] == "customers":
            if r[2] != "no snapshot date" or r[3] is not None:
                problem("%s: %r, %r" % (where, r[2], r[3]))
            continue
        want = latest_in_file(inp["path"], inp["kind"])
        if want is None or not isinstance(r[2], datetime.datetime):
            if not (want is None and r[2] == "none"):
                problem("%s: %r, the file's latest date is %s"
                        % (where, r[2], want))
            continue
        got = r[2].date()
        if got > want or (inp["rejected"] == 0 and got != want):
            problem("%s: %s, the file's latest date is %s" % (where, got,
                                                             want))
        if r[3] != (last - got).days:
            problem("%s: %r days before %s" % (where, r[3], last))


def check_age(date, days, last, where):
    """date is empty with days, or a date `days` before last."""
    if date is None:
        if days is not None:
            problem("%s: %r days with no date" % (where, days))
        return
    if not isinstance(date, datetime.datetime) or date.date() > last or \
            days != (last - date.date()).days:
        problem("%s: %r, %r days before %s" % (where, date, days, last))


def check_every_cell(wb):
    """No formula, no NaN/Inf; dates under date headers are dates."""
    date_heads = {"Enabled", "Engagement start", "Kickoff"}
    for ws in wb.worksheets:
        dates = set()
        for r, row in enumerate(ws.iter_rows()):
            for c, cell in enumerate(row):
                v = cell.value
                if cell.data_type == "f" or (isinstance(v, str)
                                             and cell.data_type != "s"
                                             and v.startswith("=")):
                    problem("%s %s: a formula %r" % (ws.title,
                                                     cell.coordinate, v))
                if isinstance(v, float) and not math.isfinite(v):
                    problem("%s %s: %r" % (ws.title, cell.coordinate, v))
                if r == 0 and v in date_heads:
                    dates.add(c)
                elif r > 0 and c in dates and v is not None and \
                        not isinstance(v, (datetime.datetime, datetime.date)):
                    problem("%s %s: %r under a date header is not a date"
                            % (ws.title, cell.coordinate, v))


def check_velocity(wb):
    """Velocity holds only lines in a velocity focus area."""
    head, rows = list_rows(wb, "Velocity")
    focus = head.index("Velocity focus")
    for row in rows:
        v = row[focus].value
        if not v or not set(v.split(";")) <= {"SLOW_KICKOFF", "SLOW_ENABLE",
                                              "SLOW_RAMP"}:
            problem("Velocity %s: focus %r, expected velocity focus areas"
                    % (row[1].value, v))


def check_print(path, title, scaled, months):
    """Landscape, no gridlines, the page header and footer on every
    sheet; the header row repeated on every list sheet; the month columns
    of the sheets in scaled under one colour scale."""
    wb = openpyxl.load_workbook(path)
    lists = set(wb.sheetnames) - {"Summary", "Data quality", "Definitions"}
    for ws in wb.worksheets:
        at = ws.title
        if ws.page_setup.orientation != "landscape":
            problem("%s: prints %r" % (at, ws.page_setup.orientation))
        if ws.print_options.gridLines:
            problem("%s: prints its gridlines" % at)
        fit = ws.sheet_properties.pageSetUpPr
        if fit is None or not fit.fitToPage or \
                ws.page_setup.fitToWidth not in (None, 1) or \
                ws.page_setup.fitToHeight != 0:
            problem("%s: not fitted to one page wide (%r, %r)"
                    % (at, ws.page_setup.fitToWidth,
                       ws.page_setup.fitToHeight))
        head = ws.oddHeader
        if head.left.text != title or head.right.text != "&A":
            problem("%s: page header %r / %r, expected %r / &A"
                    % (at, head.left.text, head.right.text, title))
        if ws.oddFooter.center.text != "Page &P of &N":
            problem("%s: page footer %r" % (at, ws.oddFooter.center.text))
        if at in lists and ws.print_title_rows not in ("1:1", "$1:$1"):
            problem("%s: repeats rows %r on paper, expected 1:1"
                    % (at, ws.print_title_rows))
        if at in scaled and ws.max_row > 1:
            check_scale(ws, months)
    wb.close()


def check_scale(ws, months):
    """One 3-colour scale over the month columns' data rows."""
    head = [c.value for c in ws[1]]
    if months[0] not in head:
        problem("%s: no month columns" % ws.title)
        return
    first = openpyxl.utils.get_column_letter(head.index(months[0]) + 1)
    last = openpyxl.utils.get_column_letter(head.index(months[-1]) + 1)
    want = "%s2:%s%d" % (first, last, ws.max_row)
    found = []
    for rng in ws.conditional_formatting:
        for rule in rng.rules:
            if rule.type == "colorScale" and \
                    len(rule.colorScale.color) == 3:
                found.append(str(rng.sqref))
    if found != [want]:
        problem("%s: colour scales over %r, expected one over %s"
                % (ws.title, found, want))


def check_zip(path, month, program, charts=True):
    with zipfile.ZipFile(path) as z:
        names = z.namelist()
        drawn = [n for n in names if n.startswith("xl/charts/chart")]
        if charts and len(drawn) < 1:
            problem("no chart on the Summary sheet")
        core = z.read("docProps/core.xml").decode()
        app = z.read("docProps/app.xml").decode()
        for n in names:
            if n.startswith("xl/worksheets/sheet"):
                xml = z.read(n).decode()
                if "<f>" in xml or "<f " in xml:
                    problem("%s: has a formula" % n)
                if re.search(r"<v>-?(nan|NAN|NaN|inf|INF|Inf)", xml):
                    problem("%s: has a NaN or Inf" % n)
    y, m = map(int, month.split("-"))
    nxt = datetime.date(y + (m == 12), m % 12 + 1, 1)
    last = (nxt - datetime.timedelta(days=1)).strftime("%Y-%m-%d")
    if "<dcterms:created xsi:type=\"dcterms:W3CDTF\">%sT00:00:00Z" % last \
            not in core:
        problem("docProps/core.xml: created is not %s: %s" % (last, core))
    if "<Company>%s</Company>" % program not in app:
        problem("docProps/app.xml: company is not %r" % program)


def check_book(out, path, manifest, month, core, program, fm=None):
    """One book: the portfolio workbook (fm None) or the book of FM fm,
    whose rows of the CSVs are in VIEW."""
    portfolio = read_csv(os.path.join(out, "portfolio.csv"))
    wb = openpyxl.load_workbook(path, read_only=True)
    # the core workloads present, in the configured order, then the others
    # by code (portfolio.csv's order)
    present = [p["workload"] for p in portfolio]
    codes = [c for c in core if c in present] + \
        [c for c in present if c not in core]
    want = ["Summary", "By region", "By FM"] + parts(wb, "Customers") + \
        [n for c in codes for n in parts(wb, c)] + \
        parts(wb, "Velocity") + parts(wb, "Plateau") + \
        parts(wb, "Biggest losers") + parts(wb, "Candidates") + \
        parts(wb, "Next actions") + \
        (parts(wb, "Exec summaries") if fm is not None else []) + \
        ["Data quality", "Definitions"]
    if wb.sheetnames != want:
        problem("sheets %r, expected %r" % (wb.sheetnames, want))

    summary = list(wb["Summary"].iter_rows(max_row=4, values_only=True))
    if not isinstance(summary[2][1], datetime.datetime) or \
            summary[2][1].strftime("%Y-%m") != month:
        problem("Summary B3: as-of month %r" % (summary[2][1],))
    snap = manifest.get("latest_snapshot")
    # an FM book's customers may have no snapshot as late as the run's,
    # or none at all
    if fm is not None and summary[3][1] == "none":
        pass
    elif snap and (not isinstance(summary[3][1], datetime.datetime) or
                 (summary[3][1].strftime("%Y-%m-%d") != snap if fm is None
                  else summary[3][1].strftime("%Y-%m-%d") > snap)):
        problem("Summary B4: latest snapshot %r, expected %s"
                % (summary[3][1], snap))

    check_workloads(wb, out, portfolio, core, month)
    check_customers(wb, out, core, month)
    check_candidates(wb, out)
    check_groups(wb, out)
    check_health_mix(wb, out)
    check_summary_portfolio(wb, portfolio, codes)
    check_playbook(wb, out, fm is not None)
    check_data_quality(wb, manifest)
    check_coverage(wb, portfolio, codes, manifest, month, fm is not None)
    check_every_cell(wb)
    for name in ("Velocity", "Plateau", "Biggest losers"):
        head, _ = list_rows(wb, name)
        if not head or head[:4] != ["Customer", "Tenant ID", "Region", "FM"]:
            problem("%s: header %r" % (name, head))
    check_velocity(wb)
    scaled = parts(wb, "Customers") + \
        [n for c in codes if c in core for n in parts(wb, c)]
    head, rows = list_rows(wb, "Customers")
    tenants = [r[1].value for r in rows]
    wb.close()
    title = "%s: adoption KPIs %s" % (program, month)
    if fm is not None:
        title += ", FM " + (fm or NO_FM)
    check_print(path, title, scaled, trend_months(month))
    check_zip(path, month, program, charts=fm is None or bool(portfolio))
    return tenants


def safe_name(fm):
    """docs/workbook.md: the FM's name in its book's file name."""
    if fm == "":
        return NO_FM
    out, leading = [], True
    data = fm.encode("utf-8", "surrogateescape")
    i = 0
    while i < len(data):
        b = data[i]
        k = 1 if b < 0x80 else 2 if b < 0xE0 else 3 if b < 0xF0 else 4
        try:
            ch = data[i:i + k].decode("utf-8")
            if len(ch) != 1:
                raise ValueError
        except ValueError:
            ch, k = None, 1
        bad = ch is None or ord(ch) < 0x20 or ord(ch) == 0x7F or \
            0x80 <= ord(ch) <= 0x9F or ch in '/\\:*?"<>|' or \
            (leading and ch == ".")
        piece = b"_" if bad else data[i:i + k]
        if sum(map(len, out)) + len(piece) > 100:
            break
        out.append(piece)
        leading = leading and ch == "."
        i += k
    return b"".join(out).decode("utf-8")


def book_names(ck, month):
    """Each FM's book file name: safe names equal ignoring ASCII case get
    " (2)", " (3)"... in the order of each FM's first customer."""
    first = {}
    for c in sorted(ck, key=lambda c: csv_text(c["tenant_id"]).encode()):
        first.setdefault(csv_text(c["fm"]), len(first))
    taken, names = [], {}
    for fm in sorted(first, key=first.get):
        safe = name = safe_name(fm)
        k = 2
        while name.encode().lower() in taken:
            name = "%s (%d)" % (safe, k)
            k += 1
        taken.append(name.encode().lower())
        names[fm] = "fm/kpi-%s-%s.xlsx" % (month, name)
    return names


def round_centi(num, den):
    """100 * num / den to 2 decimals, half away from zero (num >= 0)."""
    v = fractions.Fraction(100 * 100 * num, den) + fractions.Fraction(1, 2)
    c = v.numerator // v.denominator
    return "%d.%02d" % (c // 100, c % 100)


def fm_portfolio(rows):
    """portfolio.csv's columns for the workload_kpis.csv rows of some
    customers (docs/kpis.md)."""
    out = []
    for code in sorted({r["workload"] for r in rows}, key=str.encode):
        w = [r for r in rows if r["workload"] == code]
        with_qe = [r for r in w if r["qe"] != "" and int(r["qe"]) > 0]
        measured = [r for r in w if r["au_pct"] != ""]
        ae = sum(int(r["ae"]) for r in measured)
        mqe = sum(int(r["qe"]) for r in measured)
        out.append({
            "workload": code,
            "customers": str(len(with_qe)),
            "qe": str(sum(int(r["qe"]) for r in with_qe)),
            "measured": str(len(measured)),
            "ae": str(ae),
            "pooled_au_pct": round_centi(ae, mqe) if mqe else "",
        })
    return out


def check_fm_books(out, manifest, month, core, program):
    """The FM books: names, run.json, contents, a partition of the
    customers."""
    ck = read_csv(os.path.join(out, "customer_kpis.csv"))
    names = book_names(ck, month)
    folder = os.path.join(out, "fm")
    found = sorted("fm/" + n for n in os.listdir(folder)) \
        if os.path.isdir(folder) else []
    if found != sorted(names.values()):
        problem("FM books %r, expected %r" % (found, sorted(names.values())))
    listed = {o["name"]: o for o in manifest["outputs"]}
    tables = {n: read_csv(os.path.join(out, n)) for n in (
        "workload_kpis.csv", "customer_kpis.csv", "cohort_candidates.csv",
        "next_actions.csv", "exec_summaries.csv")}
    seen = {}
    for fm, name in sorted(names.items()):
        path = os.path.join(out, name)
        if not os.path.exists(path):
            continue
        with open(path, "rb") as f:
            data = f.read()
        o = listed.get(name)
        if not o or o["bytes"] != len(data) or \
                o["sha256"] != hashlib.sha256(data).hexdigest():
            problem("run.json does not list %s with its size and sha256"
                    % name)
        mine = {c["tenant_id"] for c in tables["customer_kpis.csv"]
                if csv_text(c["fm"]) == fm}
        VIEW.clear()
        for n, rows in tables.items():
            VIEW[n] = [r for r in rows if r["tenant_id"] in mine]
        VIEW["portfolio.csv"] = fm_portfolio(VIEW["workload_kpis.csv"])
        BOOK[0] = name
        for t in check_book(out, path, manifest, month, core, program, fm):
            seen[t] = seen.get(t, 0) + 1
        BOOK[0] = ""
        VIEW.clear()
    every = [csv_text(c["tenant_id"]) for c in ck]
    if sorted(seen) != sorted(every) or any(n != 1 for n in seen.values()):
        problem("FM books: %d customers in %d places, customer_kpis.csv "
                "has %d" % (len(seen), sum(seen.values()), len(every)))


def main():
    out = sys.argv[1]
    with open(os.path.join(out, "run.json"), encoding="utf-8") as f:
        manifest = json.load(f)
    month = manifest["as_of_month"]
    core = sys.argv[2].split(",") if len(sys.argv) > 2 else \
        ["EXO", "SPO", "OD", "TEAMS", "OPP"]
    program = sys.argv[3] if len(sys.argv) > 3 else \
        "Microsoft 365 Adoption Program"
    books = sys.argv[4] if len(sys.argv) > 4 else "fm"
    check_book(out, os.path.join(out, "kpi-%s.xlsx" % month), manifest,
               month, core, program)
    if books == "fm":
        check_fm_books(out, manifest, month, core, program)
    elif os.path.exists(os.path.join(out, "fm")) or \
            any(o["name"].startswith("fm/") for o in manifest["outputs"]):
        problem("--books none, yet FM books are there")
    if problems:
        print("workbook: %d problems" % len(problems))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
