#!/usr/bin/env python3
"""Tests of the reference implementation's §9 outputs (next_actions.csv,
exec_summaries.csv) on hand-made customers: every rule at its boundaries,
notes tags, the deployment-progress rule, bad input, and one exec summary
checked byte for byte. The readings they pin are in READINGS-issue9.md.

    python3 tests/reference/test_playbook.py [-v]

Needs only Python 3 (no C program). Most cases report 2026-06.
"""

import csv
import io
import os
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import ftkpi_ref  # noqa: E402
from edge_cases import playbook_rules, playbook_summaries  # noqa: E402


def run(case, asof="2026-06"):
    """Runs the reference on the case; returns (raw bytes of both files,
    next action rows, exec summary rows by tenant)."""
    with tempfile.TemporaryDirectory() as d:
        for name, text in case.files().items():
            with open(os.path.join(d, name), "w", encoding="utf-8",
                      newline="") as f:
                f.write(text)
        out = os.path.join(d, "out")
        argv = ["--customers", os.path.join(d, "customers.csv"),
                "--entitlements", os.path.join(d, "entitlements.csv"),
                "--usage", os.path.join(d, "usage.csv"), "--out", out]
        if asof:
            argv += ["--as-of", asof]
        rc = ftkpi_ref.main(argv)
        assert rc == 0, rc
        raw = {}
        for n in ["next_actions.csv", "exec_summaries.csv"]:
            with open(os.path.join(out, n), "rb") as f:
                raw[n] = f.read()

    def rows(n):
        return list(csv.DictReader(io.StringIO(raw[n].decode("utf-8"),
                                               newline="")))
    return raw, rows("next_actions.csv"), {
        r["tenant_id"]: r for r in rows("exec_summaries.csv")}


def rules_of(actions, tenant):
    return [(r["workload"], r["rule"]) for r in actions
            if r["tenant_id"] == tenant]


def action(actions, tenant, rule):
    hits = [r for r in actions if r["tenant_id"] == tenant
            and r["rule"] == rule]
    assert len(hits) == 1, (tenant, rule, hits)
    return hits[0]


class Tags(unittest.TestCase):
    def test_tags(self):
        t = ftkpi_ref.notes_tags
        self.assertEqual(t("#Compete,#Pilot"), ["#Compete", "#Pilot"])
        self.assertEqual(t("expecting<50"), ["Expecting<50"])
        self.assertEqual(t("EXPECTING>50 #pilot, #Pilot"),
                         ["Expecting>50", "#pilot"])
        self.assertEqual(t("Expecting<500"), [])
        self.assertEqual(t("NotExpecting<50"), [])
        self.assertEqual(t("Expecting <50"), [])
        self.assertEqual(t("x,Expecting<50%"), ["Expecting<50"])
        self.assertEqual(t("#Expecting<50"), ["Expecting<50"])
        self.assertEqual(t("#Expecting<500"), ["#Expecting"])
        self.assertEqual(t("#SPOblocker: legacy"), ["#SPOblocker"])
        self.assertEqual(t("#Pilot#Compete"), ["#Pilot", "#Compete"])
        self.assertEqual(t("# not a tag, C#, #Übernahme"), [])
        self.assertEqual(t("line one\r\n#Unresponsive\nExpecting<50"),
                         ["#Unresponsive", "Expecting<50"])
        self.assertEqual(t(""), [])
        self.assertEqual(t(None), [])

    def test_phrases(self):
        s = ftkpi_ref.notes_say
        self.assertTrue(s("sharepoint bvd  declined", "SharePoint BVD Declined"))
        self.assertTrue(s("SharePoint BVD\r\nDeclined by CIO",
                          "SharePoint BVD Declined"))
        self.assertTrue(s("AU>10 % since May", "AU > 10%"))
        self.assertFalse(s("AU > 100%", "AU > 10%"))
        self.assertFalse(s("AU ≥ 10%", "AU > 10%"))
        self.assertFalse(s(None, "AU > 10%"))


class Rules(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.raw, cls.a, cls.s = run(playbook_rules())

    def rules(self, t):
        """The workload rules of t (REVIEW is tested on its own: several
        cases here are candidates, e.g. LARGE_POOR from a QE of 10,000)."""
        return [r for w, r in rules_of(self.a, t) if w]

    def test_spo_bounds(self):
        self.assertEqual(self.rules("S10"), ["SPO_BVD"])
        self.assertEqual(action(self.a, "S10", "SPO_BVD")["reason"],
                         "SPO AU 10.00 % (1,000 of 10,000)")
        self.assertEqual(self.rules("S1001"), ["SPO_CANCEL"])
        self.assertEqual(action(self.a, "S1001", "SPO_CANCEL")["reason"],
                         "SPO AU 10.01 % (1,001 of 10,000)")
        # 10 % plus 1/2e9: cancel, although it displays as 10.00 %
        self.assertEqual(self.rules("Stiny"), ["SPO_CANCEL"])
        self.assertEqual(action(self.a, "Stiny", "SPO_CANCEL")["reason"],
                         "SPO AU 10.00 % (200,000,001 of 2,000,000,000)")

    def test_spo_no_value_qe0(self):
        r = action(self.a, "Snov", "SPO_BVD")
        self.assertEqual(r["reason"], "SPO no usage in 2026-06 (QE 200)")
        self.assertEqual(r["task_id"], "3737")
        self.assertEqual(r["action"], "FM: deliver the SharePoint BVD; then "
                         "set task 3737 Complete, update target date, next "
                         "action date, status notes and service status")
        self.assertEqual(self.rules("Sqe0"), [])

    def test_spo_notes(self):
        self.assertEqual(self.rules("Sunr"), [])
        self.assertEqual(self.rules("Sunr2"), ["SPO_BVD"])
        self.assertEqual(self.rules("Sdec"), [])
        self.assertEqual(self.rules("Sau"), [])
        self.assertEqual(self.rules("Sau100"), ["SPO_CANCEL"])
        self.assertEqual(self.rules("Sold"), ["SPO_BVD"])

    def test_exo_scenarios(self):
        # EXO rows only (OM_BVD applies too: no OLM)
        exo = lambda t: [r for w, r in rules_of(self.a, t) if w == "EXO"]
        self.assertEqual(exo("E999"), ["EXO_ENABLE"])
        self.assertEqual(action(self.a, "E999", "EXO_ENABLE")["reason"],
                         "EXO AU 9.99 % (999 of 10,000); scenario <10%")
        self.assertEqual(exo("E10"), ["EXO_INTENT"])
        self.assertEqual(exo("E40"), ["EXO_INTENT"])
        self.assertEqual(action(self.a, "E40", "EXO_INTENT")["reason"],
                         "EXO AU 40.00 % (40 of 100); scenario 10-40%")
        self.assertEqual(exo("E4001"), ["EXO_CONFIRM"])
        self.assertEqual(action(self.a, "E4001", "EXO_CONFIRM")["reason"],
                         "EXO AU 40.01 % (4,001 of 10,000); scenario >40%; "
                         "health Yellow")
        self.assertEqual(exo("E50"), ["EXO_CONFIRM"])
        self.assertEqual(exo("E5001"), [])
        self.assertEqual(action(self.a, "E10", "EXO_INTENT")["task_id"], "")

    def test_exo_tags(self):
        exo = lambda t: [r for w, r in rules_of(self.a, t) if w == "EXO"]
        self.assertEqual(exo("Etag"), ["EXO_EXPECTING_LOW"])
        self.assertEqual(action(self.a, "Etag", "EXO_EXPECTING_LOW")["reason"],
                         "EXO AU 25.00 % (25 of 100); notes: Expecting<50")
        self.assertEqual(exo("Etag500"), ["EXO_INTENT"])
        self.assertEqual(exo("Etaggt"), [])
        self.assertEqual(exo("Elow50"), ["EXO_CONFIRM"])
        self.assertEqual(exo("Elow4999"), ["EXO_EXPECTING_LOW", "EXO_CONFIRM"])
        self.assertEqual(exo("Elow5"), ["EXO_ENABLE", "EXO_EXPECTING_LOW"])
        self.assertEqual(self.rules("Eqe0"), [])

    def test_om_bvd(self):
        r = action(self.a, "O1", "OM_BVD")
        self.assertEqual(r["workload"], "OLM")
        self.assertEqual(r["task_id"], "3278")
        self.assertEqual(r["action"], 'FM: deliver the Outlook Mobile BVD — '
                         'the "EXO attach" deck; FE assists on security')
        self.assertEqual(r["reason"], "EXO QE 100; OLM no usage in 2026-06; "
                         "no INTUNE or AADP QE")
        r = action(self.a, "O2", "OM_BVD")
        self.assertEqual(r["action"], 'FM: deliver the Outlook Mobile BVD — '
                         'the "with EMS" deck; FE assists on security')
        self.assertEqual(r["reason"], "EXO QE 100; OLM no usage in 2026-06; "
                         "INTUNE QE 5")
        self.assertEqual(action(self.a, "O2b", "OM_BVD")["reason"],
                         "EXO QE 100; OLM no usage in 2026-06; AADP QE 1,200")
        self.assertEqual(action(self.a, "O3", "OM_BVD")["reason"],
                         "EXO QE 100; OLM AU 39.99 % (3,999 of 10,000); "
                         "health Red; no INTUNE or AADP QE")
        self.assertEqual(self.rules("O4"), [])
        self.assertEqual(action(self.a, "O5", "OM_BVD")["reason"],
                         "EXO QE 100; OLM AU undefined (5 active, QE 0); "
                         "no INTUNE or AADP QE")
        self.assertEqual(self.rules("O6"), [])

    def test_om_handshake(self):
        self.assertEqual(self.rules("H1"), ["OM_HANDSHAKE"])
        self.assertEqual(self.rules("H30"), ["OM_HANDSHAKE"])
        self.assertEqual(action(self.a, "H30", "OM_HANDSHAKE")["reason"],
                         "OLM enabled 2026-06-30")
        self.assertEqual(self.rules("H0"), [])
        self.assertEqual(self.rules("H31"), [])

    def test_opp(self):
        self.assertEqual(self.rules("P70"), ["OPP_DEPLOY"])
        self.assertEqual(action(self.a, "P70", "OPP_DEPLOY")["reason"],
                         "OPP AU 70.00 % (70 of 100); enabled 2026-01-01")
        self.assertEqual(self.rules("P7001"), [])
        self.assertEqual(self.rules("Pne"), ["OPP_PITCH"])
        self.assertEqual(action(self.a, "Pne", "OPP_PITCH")["reason"],
                         "OPP QE 100; not enabled by 2026-06-30")
        self.assertEqual(self.rules("Pfut"), ["OPP_PITCH"])
        self.assertEqual(self.rules("Pnov"), [])
        self.assertEqual(self.rules("Pqe0"), [])

    def test_review_and_sort(self):
        self.assertEqual(rules_of(self.a, "R1"),
                         [("", "REVIEW"), ("EXO", "EXO_ENABLE"),
                          ("OLM", "OM_BVD")])
        r = action(self.a, "R1", "REVIEW")
        self.assertEqual(r["reason"], "focus areas: SLOW_KICKOFF")
        self.assertEqual(action(self.a, "S10", "REVIEW")["reason"],
                         "focus areas: LARGE_POOR")
        self.assertEqual(action(self.a, "Pnov", "REVIEW")["reason"],
                         "focus areas: SLOW_RAMP OPP")
        self.assertEqual(rules_of(self.a, "O4"), [])  # not a candidate
        self.assertEqual(r["task_id"], "")
        self.assertEqual(r["action"], "FM: prepare the opportunity review: the "
                         "focus areas and what moves the customer out of them")
        keys = [(r["fm"].encode(), r["region"].encode(),
                 r["tenant_id"].encode(), r["workload"].encode(),
                 ftkpi_ref.RULE_ORDER.index(r["rule"])) for r in self.a]
        self.assertEqual(keys, sorted(keys))
        fms = [r["fm"] for r in self.a if r["tenant_id"] in ("R1", "R2", "R3")]
        self.assertEqual(fms, ["", "Adam", "Zoe", "Zoe", "Zoe"])
        self.assertEqual([t for t in self.s if t in ("R1", "R2", "R3")],
                         ["R3", "R2", "R1"])

    def test_files(self):
        for name, header in [
                ("next_actions.csv", b"as_of_month,fm,region,tenant_id,"
                 b"customer_name,workload,rule,task_id,action,reason\n"),
                ("exec_summaries.csv", b"as_of_month,fm,region,tenant_id,"
                 b"customer_name,deployment_progress,note\n")]:
            raw = self.raw[name]
            self.assertTrue(raw.startswith(header), name)
            self.assertTrue(raw.endswith(b"\n"))
            self.assertNotIn(b"\r", raw)
        # one summary per customer
        self.assertIn("R2", self.s)
        self.assertEqual(self.s["R2"]["deployment_progress"], "Not Deployed")


CONTOSO_NOTE = """EXEC SUMMARY
- DESCRIBE THE CUSTOMER: Contoso Ltd, NA, 12,000 seats (large), priority High
- STATUS OF THE ENGAGEMENT: [FM: On Hold / Reactive / Fully Engaged]
- M365 DEPLOYMENT PROGRESS: Partially Deployed
- OVERVIEW OF CURRENT RELATIONSHIP WITH CUSTOMER/PARTNER/ACCOUNT TEAM: [FM]
- SNAPSHOT OF KEY WORKLOADS CURRENT STATUS AND NEXT ACTIONS:
   - [EXO] Exchange Online - AU 62.50 % (Green, target above 50 %), +3.20 pp in 3 months; Expecting>50
   - [OLM] Outlook Mobile - AU 75.00 % (Green, target above 70 %)
   - [SPO] SharePoint Online - AU 8.00 % (Red), plateau for 6 months. Next: deliver the SharePoint BVD (task 3737)
- REQUESTS FOR SUPPORT: opportunity review (plateau on SPO)"""


class Summaries(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.raw, cls.a, cls.s = run(playbook_summaries())

    def test_contoso_byte_for_byte(self):
        self.assertEqual(self.s["C1"]["note"], CONTOSO_NOTE)
        self.assertEqual(self.s["C1"]["deployment_progress"],
                         "Partially Deployed")
        self.assertEqual(self.s["C1"]["fm"], "Megan")
        # the CSV line itself
        line = ('2026-06,Megan,NA,C1,Contoso Ltd,Partially Deployed,"'
                + CONTOSO_NOTE + '"\n').encode("utf-8")
        self.assertIn(line, self.raw["exec_summaries.csv"])

    def test_no_usage(self):
        self.assertEqual(self.s["N1"]["note"], """EXEC SUMMARY
- DESCRIBE THE CUSTOMER: No Usage Inc, EMEA, 1 seat, [FM: priority]
- STATUS OF THE ENGAGEMENT: [FM: On Hold / Reactive / Fully Engaged]
- M365 DEPLOYMENT PROGRESS: Not Deployed
- OVERVIEW OF CURRENT RELATIONSHIP WITH CUSTOMER/PARTNER/ACCOUNT TEAM: [FM]
- SNAPSHOT OF KEY WORKLOADS CURRENT STATUS AND NEXT ACTIONS:
   - [EXO] Exchange Online - no usage in 2026-06 (N/A)
   - [OLM] Outlook Mobile - no usage in 2026-06 (N/A). Next: deliver the Outlook Mobile BVD — the "EXO attach" deck (task 3278)
   - [SPO] SharePoint Online - no usage in 2026-06 (N/A). Next: deliver the SharePoint BVD (task 3737)
   - [YAM] Yammer - no usage in 2026-06 (N/A)
- REQUESTS FOR SUPPORT: none""")

    def test_no_data(self):
        self.assertEqual(self.s["Z1"]["note"], """EXEC SUMMARY
- DESCRIBE THE CUSTOMER: Multi  line name, LATAM, [FM: seats], [FM: priority]
- STATUS OF THE ENGAGEMENT: [FM: On Hold / Reactive / Fully Engaged]
- M365 DEPLOYMENT PROGRESS: Not Deployed
- OVERVIEW OF CURRENT RELATIONSHIP WITH CUSTOMER/PARTNER/ACCOUNT TEAM: [FM]
- SNAPSHOT OF KEY WORKLOADS CURRENT STATUS AND NEXT ACTIONS: none
- REQUESTS FOR SUPPORT: none""")
        self.assertEqual(self.s["Z1"]["customer_name"], "Multi\r\nline\tname")
        self.assertEqual(rules_of(self.a, "Z1"), [])

    def test_progress(self):
        self.assertEqual(self.s["F1"]["deployment_progress"], "Fully Deployed")
        self.assertIn("0 seats, priority Medium", self.s["F1"]["note"])
        self.assertIn("   - [TEAMS] Microsoft Teams - AU undefined, QE 0 (N/A)",
                      self.s["F1"]["note"])
        self.assertEqual(self.s["Q1"]["deployment_progress"],
                         "Partially Deployed")
        self.assertIn("   - [OD] OneDrive for Business - AU undefined, QE "
                      "unknown (N/A)", self.s["Q1"]["note"])

    def test_lines(self):
        note = self.s["L1"]["note"].split("\n")
        self.assertEqual(note[1], "- DESCRIBE THE CUSTOMER: Name L1, NA, "
                         "[FM: seats] (large), priority Medium")
        self.assertEqual(note[6:9], [
            "   - [OD] OneDrive for Business - AU 30.00 % (Yellow), 0.00 pp "
            "in 3 months",
            "   - [OPP] Office 365 ProPlus / Microsoft 365 Apps - no usage in "
            "2026-06 (N/A); #Pilot, #Wave_2. Next: deliver the ProPlus pitch "
            "(task 3738)",
            "   - [SDS] School Data Sync - AU 5.00 % (Red), -5.01 pp in 3 "
            "months"])


if __name__ == "__main__":
    unittest.main()
