#!/usr/bin/python3
"""check_capped.py FULL CAPPED CAP: compares the portfolio workbook of a run
with `[workbook] max_list_rows = CAP` (folder CAPPED) with the workbook of
the same inputs without a cap worth the name (folder FULL; its lists are
whole), as docs/workbook.md, "Long lists", says:

- the CSVs of the two runs are the same bytes (the cap is the workbook's);
- every list sheet of FULL with at most CAP rows is in CAPPED as it is,
  with no note above its header;
- every longer one holds exactly CAP rows in CAPPED: the CAP with the
  largest users to goal (rows without one last, ties by tenant id — a
  group's name on By region and By FM — then by their place), in FULL's
  order, every cell the same; its first row is the note saying how many
  rows were left out of how many, and where they are (the CSV named);
  the header is the second row, frozen with the note, with the
  autofilter and repeated on paper;
- the users to goal of a row: on a workload sheet, Plateau, Biggest
  losers and a Velocity line with a workload, the row's own in
  workload_kpis.csv; on Customers, Candidates, Next actions, Exec
  summaries and a Velocity line of the customer alone, the customer's in
  customer_kpis.csv; on By region and By FM, the group's column.

Prints one line per problem and exits 1 when there is any.
"""
import csv
import json
import os
import re
import sys

import openpyxl

problems = []


def problem(msg):
    problems.append(msg)
    if len(problems) <= 40:
        print("capped: " + msg)


def read_csv(path):
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def csv_text(s):
    if len(s) >= 2 and s[0] == "'" and s[1] in "=+-@\t\r":
        return s[1:]
    return s


NOTE = re.compile(r"^([\d,]+) of ([\d,]+) rows left out: only the ([\d,]+) "
                  r"with the largest users to goal are shown\. (.+)\.$")

# the file a note names, per sheet (workload sheets: workload_kpis.csv)
WHERE = {
    "By region": "customer_kpis.csv",
    "By FM": "customer_kpis.csv",
    "Customers": "customer_kpis.csv",
    "Velocity": "workload_kpis.csv",
    "Plateau": "workload_kpis.csv",
    "Biggest losers": "workload_kpis.csv",
    "Candidates": "cohort_candidates.csv",
    "Next actions": "next_actions.csv",
    "Exec summaries": "exec_summaries.csv",
}
FIXED = {"Summary", "Data quality", "Definitions"}


def count(s):
    return int(s.replace(",", ""))


def sheet_rows(ws):
    return [list(r) for r in ws.iter_rows(values_only=True)]


def main():
    full, capped, cap = sys.argv[1], sys.argv[2], int(sys.argv[3])
    names = sorted(n for n in os.listdir(full) if n.endswith(".csv"))
    for n in names:
        with open(os.path.join(full, n), "rb") as a, \
                open(os.path.join(capped, n), "rb") as b:
            if a.read() != b.read():
                problem("%s differs between the two runs" % n)
    with open(os.path.join(full, "run.json"), encoding="utf-8") as f:
        month = json.load(f)["as_of_month"]
    book = "kpi-%s.xlsx" % month
    wk = read_csv(os.path.join(full, "workload_kpis.csv"))
    ck = read_csv(os.path.join(full, "customer_kpis.csv"))
    row_goal = {(r["tenant_id"], r["workload"]): r["users_to_goal"]
                for r in wk}
    cust_goal = {r["tenant_id"]: r["users_to_goal"] for r in ck}
    codes = {r["workload"] for r in wk}

    def goal(sheet, head, row):
        """(known, users to goal, tie) of a row of sheet."""
        v = dict(zip(head, row))
        if sheet in ("By region", "By FM"):
            name = v[head[0]]
            if sheet == "By FM" and name == "(unassigned)":
                name = ""
            return (True, v["Users to goal"], name)
        t = v["Tenant ID"]
        if sheet in codes:
            g = row_goal[(t, sheet)]
        elif sheet in ("Plateau", "Biggest losers") or \
                (sheet == "Velocity" and v["Workload"]):
            g = row_goal[(t, v["Workload"])]
        else:
            g = cust_goal[t]
        return (g != "", int(g) if g != "" else 0, t)

    wa = openpyxl.load_workbook(os.path.join(full, book))
    wb = openpyxl.load_workbook(os.path.join(capped, book))
    if wa.sheetnames != wb.sheetnames:
        problem("sheets %r, expected %r" % (wb.sheetnames, wa.sheetnames))
        return 1
    capped_sheets = 0
    for name in wa.sheetnames:
        if name in FIXED:
            continue
        a, b = sheet_rows(wa[name]), sheet_rows(wb[name])
        head, body = a[0], a[1:]
        if isinstance(head[0], str) and NOTE.match(head[0]):
            problem("%s: the uncapped run has a note" % name)
            continue
        ws = wb[name]
        if len(body) <= cap:
            if b != a:
                problem("%s: %d rows, not as in the uncapped run"
                        % (name, len(b) - 1))
            if ws.freeze_panes is None or ws.freeze_panes[1:] != "2":
                problem("%s: frozen at %r" % (name, ws.freeze_panes))
            continue
        capped_sheets += 1
        m = NOTE.match(b[0][0] or "") if isinstance(b[0][0], str) else None
        if not m or any(v is not None for v in b[0][1:]):
            problem("%s: first row %r is not the note" % (name, b[0][:2]))
            continue
        left, total, shown = (count(g) for g in m.group(1, 2, 3))
        if (left, total, shown) != (len(body) - cap, len(body), cap):
            problem("%s: note says %d of %d left out, %d shown; the list "
                    "has %d rows, the cap is %d"
                    % (name, left, total, shown, len(body), cap))
        want_file = WHERE.get(name, "workload_kpis.csv")
        if want_file not in m.group(4) or "fm/" not in m.group(4):
            problem("%s: note %r does not name fm/ and %s"
                    % (name, m.group(4), want_file))
        if b[1] != head:
            problem("%s: header %r under the note" % (name, b[1]))
            continue
        ranked = sorted(range(len(body)),
                        key=lambda i: (
                            not goal(name, head, body[i])[0],
                            -goal(name, head, body[i])[1],
                            goal(name, head, body[i])[2].encode(), i))
        keep = sorted(ranked[:cap])
        want = [body[i] for i in keep]
        if b[2:] != want:
            problem("%s: rows %r, expected the top %d by users to goal %r"
                    % (name, [r[:2] for r in b[2:]], cap,
                       [r[:2] for r in want]))
        if ws.freeze_panes is None or ws.freeze_panes[1:] != "3":
            problem("%s: frozen at %r, expected below row 2"
                    % (name, ws.freeze_panes))
        if not (ws.auto_filter.ref or "").startswith("A2:"):
            problem("%s: autofilter %r" % (name, ws.auto_filter.ref))
        if ws.print_title_rows not in ("2:2", "$2:$2"):
            problem("%s: repeats rows %r on paper"
                    % (name, ws.print_title_rows))
    if capped_sheets == 0:
        problem("no list is longer than %d rows: nothing was checked" % cap)
    if problems:
        print("capped: %d problems" % len(problems))
        return 1
    print("capped: %d sheets capped at %d rows" % (capped_sheets, cap))
    return 0


if __name__ == "__main__":
    sys.exit(main())
