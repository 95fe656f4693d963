#!/usr/bin/env python3
"""Synthetic attendance history for `make demo`, deterministic, stdlib only.

  demo-history.py sessions TODAY < sessions.csv > attendance.csv
      sessions.csv is `homeward session list --format csv`; writes `homeward import attendance` rows for sessions that
      ended before TODAY. Most people come; a few participants (chosen by case number) drift away — missing more and
      more unexcused — so the demo shows real flags. One session in twenty is left unrecorded (paperwork to chase).

  demo-history.py school TODAY FIRST_DAY < participants.csv > school.csv
      `homeward import school-attendance` rows for every school day from FIRST_DAY to yesterday for the children with a
      school enrolment (case numbers read from participants.csv with centre ALM-NGO, aged 7+); two children are
      chronically absent.

  demo-history.py reviews TODAY < enrolments.csv > reviews.csv
      The periodic reviews the centres' psychologists held: enrolments.csv has case_number, phase_started_on,
      review_interval_days and assessor; a review falls due every interval from the phase start and is held on its due
      day or up to three days before. One review in ten was not held (an assessment to chase). Writes the most recent
      review held before TODAY per participant (case_number, staff, day): earlier ones do not change what is due.
"""
import csv
import datetime as dt
import hashlib
import sys


def score(*parts):
    """A stable pseudo-random number in [0, 1) from the given parts."""
    digest = hashlib.sha256("|".join(parts).encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


def drifting(case_number):
    """About one participant in eight falls behind."""
    return score("drift", case_number) < 0.125


def sessions(today):
    out = csv.writer(sys.stdout, lineterminator="\n")
    out.writerow(["session_id", "case_number", "status", "note", "recorded_by"])
    for row in csv.DictReader(sys.stdin):
        day = dt.date.fromisoformat(row["starts"][:10])
        if day >= today or row["status"] not in ("planned", "held") or not row["participants"]:
            continue
        if score("unrecorded", row["id"]) < 0.05:
            continue
        weeks_ago = (today - day).days // 7
        for case_number in row["participants"].split(","):
            roll = score("attend", row["id"], case_number)
            if drifting(case_number):
                # Came at first, then missed more and more (recent weeks worst).
                status = "absent_unexcused" if roll < 0.85 - 0.2 * weeks_ago else "attended"
            elif roll < 0.05:
                status = "absent_excused"
            elif roll < 0.08:
                status = "absent_unexcused"
            elif roll < 0.15:
                status = "late"
            else:
                status = "attended"
            note = "illness, certificate given" if status == "absent_excused" else ""
            out.writerow([row["id"], case_number, status, note, "demo coordinator"])


def school(today, first):
    out = csv.writer(sys.stdout, lineterminator="\n")
    out.writerow(["case_number", "day", "status", "reported_by"])
    children = []
    for row in csv.DictReader(sys.stdin):
        born = dt.date.fromisoformat(row["birth_date"])
        age = today.year - born.year - ((today.month, today.day) < (born.month, born.day))
        if row["centre"] == "ALM-NGO" and age >= 7:
            children.append(row["case_number"])
    chronic = set(sorted(children, key=lambda c: score("chronic", c))[:2])
    day = first
    while day < today:
        if day.isoweekday() <= 5:
            for case_number in children:
                roll = score("school", case_number, day.isoformat())
                if case_number in chronic:
                    status = "absent_unexcused" if roll < 0.35 else "present"
                else:
                    status = "absent_excused" if roll < 0.03 else "present"
                out.writerow([case_number, day.isoformat(), status, "school secretary"])
        day += dt.timedelta(days=1)


def reviews(today):
    out = csv.writer(sys.stdout, lineterminator="\n")
    out.writerow(["case_number", "staff", "day"])
    for row in csv.DictReader(sys.stdin):
        start, interval = dt.date.fromisoformat(row["phase_started_on"]), int(row["review_interval_days"])
        held = None
        due = start + dt.timedelta(days=interval)
        while True:
            day = max(start, due - dt.timedelta(days=int(4 * score("review-day", row["case_number"], due.isoformat()))))
            if day >= today:
                break
            if score("review", row["case_number"], due.isoformat()) >= 0.1:
                held = day
            due += dt.timedelta(days=interval)
        if held is not None:
            out.writerow([row["case_number"], row["assessor"], held.isoformat()])


if __name__ == "__main__":
    mode, today = sys.argv[1], dt.date.fromisoformat(sys.argv[2])
    if mode == "sessions":
        sessions(today)
    elif mode == "reviews":
        reviews(today)
    else:
        school(today, dt.date.fromisoformat(sys.argv[3]))
