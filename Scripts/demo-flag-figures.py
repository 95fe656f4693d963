#!/usr/bin/env python3
"""The demo's flag figures against its own history's labels (Scripts/demo-history.py): the drifting participants and
the two chronically absent school children. Prints precision and recall of the behaviour flags (attendance, absences
in a row, counselling contact, school, and several of them at once) at concern or urgent, and how many participants have an urgent flag.
Against the database libpq's environment points at."""
import importlib.util
import os
import subprocess

here = os.path.dirname(os.path.abspath(__file__))
spec = importlib.util.spec_from_file_location("history", os.path.join(here, "demo-history.py"))
history = importlib.util.module_from_spec(spec)
spec.loader.exec_module(history)


def q(sql):
    done = subprocess.run(["psql", "-XAtq", "-v", "ON_ERROR_STOP=1", "-c", sql], capture_output=True, text=True, check=True)
    return [line.split("|") for line in done.stdout.splitlines() if line]


people = [r[0] for r in q("SELECT case_number FROM homeward.participants")]
children = [r[0] for r in q("SELECT DISTINCT p.case_number FROM homeward.participants p "
                            "JOIN homeward.school_enrolments se ON se.participant_id = p.id")]
chronic = set(sorted(children, key=lambda c: history.score("chronic", c))[:2])
# The history makes a drifting participant miss sessions; one with no session recorded in it (arrived days ago) has
# nothing to drift from, and no rule could see it: not labelled. Everyone else it makes drift is.
recorded = {r[0]: int(r[1]) for r in q("SELECT p.case_number, count(*) FROM homeward.attendance a "
                                       "JOIN homeward.participants p ON p.id = a.participant_id GROUP BY 1")}
chosen = {p for p in people if history.drifting(p)}
unlabelled = {p for p in chosen if recorded.get(p, 0) < 1}
truth = (chosen - unlabelled) | chronic
flagged = {r[0] for r in q("""SELECT DISTINCT p.case_number FROM homeward.flags f JOIN homeward.participants p ON p.id = f.participant_id
    WHERE f.status <> 'resolved' AND f.severity IN ('concern', 'urgent')
      AND f.rule IN ('attendance_below_threshold', 'consecutive_unexcused_absences', 'no_counselling_contact', 'school_attendance',
                       'several_warning_signs')""")}
tp = len(flagged & truth)
urgent = int(q("SELECT count(DISTINCT participant_id) FROM homeward.flags WHERE status <> 'resolved' AND severity = 'urgent'")[0][0])
print(f"behaviour flags at concern or urgent: precision {tp / max(1, len(flagged)):.2f} ({tp}/{len(flagged)}), "
      f"recall {tp / max(1, len(truth)):.2f} ({tp}/{len(truth)})")
print(f"missed: {', '.join(sorted(truth - flagged)) or 'none'}; flagged but not labelled: {', '.join(sorted(flagged - truth)) or 'none'}")
print(f"drifting in the history but with no session recorded, not labelled: {', '.join(sorted(unlabelled)) or 'none'}")
print(f"participants with an urgent flag: {urgent} of {len(people)} ({100 * urgent / max(1, len(people)):.0f}%)")
