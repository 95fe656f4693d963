#!/usr/bin/env python3
"""Exact optimum (placed demand units) of a Homeward scheduler instance with OR-Tools CP-SAT.

Individual and family demands only (group demands are skipped and reported), so use it on instances
generated with --no-groups. Usage: python3 exact_cpsat.py instance.json [seconds] [assignment-out.json]
Prints: optimum (or best bound), status, and the number of demands modelled.
Needs `pip install ortools`; not part of the build or the tests.
"""
import json
import sys
from collections import defaultdict

from ortools.sat.python import cp_model


def covered(ranges, a, b):
    reach = a
    for r in sorted(ranges, key=lambda r: r["start"]):
        if r["end"] <= reach:
            continue
        if r["start"] > reach:
            break
        reach = r["end"]
        if reach >= b:
            return True
    return reach >= b


def main():
    inst = json.load(open(sys.argv[1]))
    limit = float(sys.argv[2]) if len(sys.argv) > 2 else 60.0
    spd = 1440 // inst["horizon"]["slotMinutes"]
    T = inst["horizon"]["days"] * spd
    people = {p["id"]: p for p in inst["participants"]}
    staff = {s["id"]: s for s in inst["staff"]}
    rooms = {r["id"]: r for r in inst["rooms"]}
    busy_s, busy_r, busy_p = defaultdict(set), defaultdict(set), defaultdict(set)
    day_used, week_used = defaultdict(int), defaultdict(int)
    for e in inst.get("existingSessions", []):
        slots = range(e["start"], e["start"] + e["durationSlots"])
        for s in e["staffIds"]:
            busy_s[s].update(slots)
            for k, l in enumerate(staff.get(s, {}).get("weeklyLimits", [])):
                if l["window"]["start"] <= e["start"] < l["window"]["end"]:
                    week_used[(s, k)] += e["durationSlots"]
        if e.get("roomId"):
            busy_r[e["roomId"]].update(slots)
        for p in e["participantIds"]:
            busy_p[p].update(slots)
            day_used[(p, e["start"] // spd)] += 1

    m = cp_model.CpModel()
    use_s = defaultdict(list)   # (staff, slot) -> vars
    use_r = defaultdict(list)
    use_p = defaultdict(list)
    per_day = defaultdict(list)
    per_week = defaultdict(list)
    placed = []
    all_choices = []
    skipped = 0
    for d in inst["demands"]:
        if d.get("mode", "individual") == "group":
            skipped += 1
            continue
        ps = [people.get(p) for p in d["participants"]]
        if any(p is None for p in ps):
            continue
        c, dur = d["centreId"], d["durationSlots"]
        child = d.get("requiresChildClearance", False) or any(p.get("isChild", p["ageYears"] < 18) for p in ps)
        cands = []
        for s in staff.values():
            if d["staffRole"] not in s["roles"] or c not in s["available"]:
                continue
            if d.get("paediatricOnly", False) and not s.get("isPaediatric", "paediatric_psychologist" in s["roles"]):
                continue
            if child and not s.get("mayWorkWithChildren", False):
                continue
            if not all(set(p["languages"]) & set(s["languages"]) for p in ps):
                continue
            cands.append(s)
        rms = [r for r in rooms.values() if r["centreId"] == c and r["kind"] in d["roomKinds"] and r["capacity"] >= len(ps)]
        ws, we = max(0, d["window"]["start"]), min(T, d["window"]["end"])
        starts = []
        for t in range(ws, we - dur + 1):
            sl = set(range(t, t + dur))
            if any(c not in p["available"] or not covered(p["available"][c], t, t + dur) or (busy_p[p["id"]] & sl) for p in ps):
                continue
            if any(day_used[(p["id"], t // spd)] >= p.get("maxSessionsPerDay", 2) for p in ps):
                continue
            ss = [s for s in cands if covered(s["available"][c], t, t + dur) and not (busy_s[s["id"]] & sl)]
            rr = [r for r in rms if covered(r["available"], t, t + dur) and not (busy_r[r["id"]] & sl)]
            if ss and rr:
                starts.append((t, ss, rr))
        tot = []
        chosen_vars = []
        for t, ss, rr in starts:
            y = m.NewBoolVar("")
            tot.append(y)
            xs = [m.NewBoolVar("") for _ in ss]
            xr = [m.NewBoolVar("") for _ in rr]
            m.Add(sum(xs) == y)
            m.Add(sum(xr) == y)
            chosen_vars.append((d["id"], t, list(zip([s["id"] for s in ss], xs)), list(zip([r["id"] for r in rr], xr)), y))
            for s, v in zip(ss, xs):
                for u in range(t, t + dur):
                    use_s[(s["id"], u)].append(v)
                for k, l in enumerate(s.get("weeklyLimits", [])):
                    if l["window"]["start"] <= t < l["window"]["end"]:
                        per_week[(s["id"], k)].append((v, dur))
            for r, v in zip(rr, xr):
                for u in range(t, t + dur):
                    use_r[(r["id"], u)].append(v)
            for p in ps:
                for u in range(t, t + dur):
                    use_p[(p["id"], u)].append(y)
                per_day[(p["id"], t // spd)].append(y)
        if tot:
            m.Add(sum(tot) <= 1)
            placed.extend(tot)
            all_choices.extend(chosen_vars)
    for vs in list(use_s.values()) + list(use_r.values()) + list(use_p.values()):
        if len(vs) > 1:
            m.Add(sum(vs) <= 1)
    for (p, day), vs in per_day.items():
        cap = people[p].get("maxSessionsPerDay", 2) - day_used[(p, day)]
        if len(vs) > cap:
            m.Add(sum(vs) <= cap)
    for (s, k), vs in per_week.items():
        cap = staff[s]["weeklyLimits"][k]["maxSlots"] - week_used[(s, k)]
        m.Add(sum(v * w for v, w in vs) <= cap)
    m.Maximize(sum(placed))
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = limit
    solver.parameters.num_workers = 2
    st = solver.Solve(m)
    if len(sys.argv) > 3:
        out = []
        for did, t, xs, xr, y in all_choices:
            if solver.Value(y):
                out.append({"demand": did, "start": t, "staff": [a for a, v in xs if solver.Value(v)][0],
                            "room": [a for a, v in xr if solver.Value(v)][0]})
        json.dump(out, open(sys.argv[3], "w"))
    print(json.dumps({"status": solver.StatusName(st), "optimum": int(solver.ObjectiveValue()),
                      "bound": int(solver.BestObjectiveBound()), "modelled": len(inst["demands"]) - skipped,
                      "skippedGroups": skipped, "seconds": round(solver.WallTime(), 2)}))


if __name__ == "__main__":
    main()
