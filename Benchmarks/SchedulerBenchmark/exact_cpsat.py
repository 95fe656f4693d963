#!/usr/bin/env python3
"""Exact optimum (placed demand units) of a Homeward scheduler instance with OR-Tools CP-SAT.

Individual, family and group demands, with every hard rule of the scheduler's checker
(Solution.violations(of:)): role, paediatric-only, child clearance, language (one language common to the staff member
and every member of a group; each person sharing one with the staff member otherwise), room kind and seats, centre,
availability of people, staff and rooms, no double booking, participants' daily limits, staff weekly limits, group
sizes (groupMin..groupMax of one pool: same group key, centre and window), and existing sessions (as fixed
busy time; seats in existing groups, the scheduler's joins, are not modelled: the generated instances have none).

Model: one Boolean per feasible start of an individual or family demand, with its staff and room choices linked per
start; for groups one Boolean per (pool, start, staff member) that opens a session, with its room and language chosen
and one Boolean per eligible member seated in it. Objective: placed units, soft goals ignored.

Usage: python3 exact_cpsat.py instance.json [seconds] [plan-out.json]
Prints one JSON line: status, optimum (best found), bound, modelled demands, seconds. The plan is written in the
scheduler's Solution format, for `SchedulerBenchmark --instance instance.json --check plan.json`.
Needs `pip install ortools`; not part of the build or the tests.
"""
import json
import sys
from collections import defaultdict

from ortools.sat.python import cp_model


class Free:
    """Slots [0, T) in which a person, staff member or room is free: availability minus existing sessions."""

    def __init__(self, ranges, T, busy=()):
        free = bytearray(T)
        for r in ranges:
            for u in range(max(0, r["start"]), min(T, r["end"])):
                free[u] = 1
        for u in busy:
            if 0 <= u < T:
                free[u] = 0
        self.prefix = [0]
        for f in free:
            self.prefix.append(self.prefix[-1] + f)
        self.T = T

    def covers(self, t, dur):
        return t >= 0 and t + dur <= self.T and self.prefix[t + dur] - self.prefix[t] == dur


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

    def day_cap(p, day):
        by = p.get("maxSessionsPerDayByDay")
        if by and 0 <= day < len(by):
            return by[day]
        return p.get("maxSessionsPerDay", 2)

    def is_child(p):
        return p.get("isChild", p["ageYears"] < 18)

    free_p = {(pid, c): Free(ranges, T, busy_p[pid]) for pid, p in people.items() for c, ranges in p.get("available", {}).items()}
    free_s = {(sid, c): Free(ranges, T, busy_s[sid]) for sid, s in staff.items() for c, ranges in s.get("available", {}).items()}
    free_r = {rid: Free(r["available"], T, busy_r[rid]) for rid, r in rooms.items()}

    def person_free(p, c, t, dur):
        f = free_p.get((p["id"], c))
        return f is not None and f.covers(t, dur) and day_used[(p["id"], t // spd)] < day_cap(p, t // spd)

    def staff_serves(s, d, ps):
        """Static rules between a staff member and a demand with its attendees (not time)."""
        if d["staffRole"] not in s["roles"] or d["centreId"] not in s.get("available", {}):
            return False
        if d.get("paediatricOnly", False) and not s.get("isPaediatric", "paediatric_psychologist" in s["roles"]):
            return False
        if (d.get("requiresChildClearance", False) or any(is_child(p) for p in ps)) and not s.get("mayWorkWithChildren", False):
            return False
        return True

    m = cp_model.CpModel()
    use_s = defaultdict(list)   # (staff, slot) -> vars
    use_r = defaultdict(list)
    use_p = defaultdict(list)
    per_day = defaultdict(list)
    per_week = defaultdict(list)
    placed = []
    singles = []   # (demand, start, [(staff, var)], [(room, var)], y)
    groups = []    # (pool demands, start, staff, z, [(room, var)], [(language, var)], [(demand, var)])

    def weekly(s, t, v, dur):
        for k, l in enumerate(s.get("weeklyLimits", [])):
            if l["window"]["start"] <= t < l["window"]["end"]:
                per_week[(s["id"], k)].append((v, dur))

    pools = defaultdict(list)
    modelled = 0
    for d in inst["demands"]:
        ps = [people.get(p) for p in d["participants"]]
        if any(p is None for p in ps) or not ps:
            continue
        modelled += 1
        if d.get("mode", "individual") == "group":
            pools[(d.get("groupKey") or d["id"], d["centreId"], d["window"]["start"], d["window"]["end"])].append(d)
            continue
        c, dur = d["centreId"], d["durationSlots"]
        cands = [s for s in staff.values() if staff_serves(s, d, ps)
                 and all(set(p["languages"]) & set(s["languages"]) for p in ps)]
        rms = [r for r in rooms.values() if r["centreId"] == c and r["kind"] in d["roomKinds"] and r["capacity"] >= len(ps)]
        ws, we = max(0, d["window"]["start"]), min(T, d["window"]["end"])
        tot = []
        for t in range(ws, we - dur + 1):
            if not all(person_free(p, c, t, dur) for p in ps):
                continue
            ss = [s for s in cands if free_s[(s["id"], c)].covers(t, dur)]
            rr = [r for r in rms if free_r[r["id"]].covers(t, dur)]
            if not ss or not rr:
                continue
            y = m.NewBoolVar("")
            tot.append(y)
            xs = [m.NewBoolVar("") for _ in ss]
            xr = [m.NewBoolVar("") for _ in rr]
            m.Add(sum(xs) == y)
            m.Add(sum(xr) == y)
            singles.append((d, t, list(zip([s["id"] for s in ss], xs)), list(zip([r["id"] for r in rr], xr)), y))
            for s, v in zip(ss, xs):
                for u in range(t, t + dur):
                    use_s[(s["id"], u)].append(v)
                weekly(s, t, v, dur)
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

    for (key, c, ws0, we0), ds in pools.items():
        first = ds[0]
        dur, gmin, gmax = first["durationSlots"], first.get("groupMin", 2), first.get("groupMax", 8)
        kinds = set(first["roomKinds"])
        for d in ds:
            kinds &= set(d["roomKinds"])
        members = [(d, people[d["participants"][0]]) for d in ds]
        rms = [r for r in rooms.values() if r["centreId"] == c and r["kind"] in kinds and r["capacity"] >= gmin]
        cands = [s for s in staff.values() if first["staffRole"] in s["roles"] and c in s.get("available", {})]
        seat_vars = defaultdict(list)
        ws, we = max(0, ws0), min(T, we0)
        for t in range(ws, we - dur + 1):
            rr = [r for r in rms if free_r[r["id"]].covers(t, dur)]
            if not rr:
                continue
            here = [(d, p) for d, p in members if person_free(p, c, t, dur)]
            if len(here) < gmin:
                continue
            for s in cands:
                if not free_s[(s["id"], c)].covers(t, dur):
                    continue
                elig = [(d, p) for d, p in here if staff_serves(s, d, [p]) and set(p["languages"]) & set(s["languages"])]
                langs = [l for l in sorted(s["languages"]) if sum(l in p["languages"] for _, p in elig) >= gmin]
                if not langs:
                    continue
                elig = [(d, p) for d, p in elig if set(p["languages"]) & set(langs)]
                z = m.NewBoolVar("")
                xr = [m.NewBoolVar("") for _ in rr]
                xl = [m.NewBoolVar("") for _ in langs]
                m.Add(sum(xr) == z)
                m.Add(sum(xl) == z)
                seats = []
                for d, p in elig:
                    v = m.NewBoolVar("")
                    spoken = [x for l, x in zip(langs, xl) if l in p["languages"]]
                    m.Add(v <= sum(spoken))
                    seats.append((d, v))
                    seat_vars[d["id"]].append(v)
                    for u in range(t, t + dur):
                        use_p[(p["id"], u)].append(v)
                    per_day[(p["id"], t // spd)].append(v)
                size = sum(v for _, v in seats)
                m.Add(size >= gmin * z)
                m.Add(size <= gmax * z)
                m.Add(size <= sum(r["capacity"] * x for r, x in zip(rr, xr)))
                for u in range(t, t + dur):
                    use_s[(s["id"], u)].append(z)
                weekly(s, t, z, dur)
                for r, x in zip(rr, xr):
                    for u in range(t, t + dur):
                        use_r[(r["id"], u)].append(x)
                groups.append((first, t, s["id"], z, list(zip([r["id"] for r in rr], xr)), list(zip(langs, xl)), seats))
        for vs in seat_vars.values():
            if len(vs) > 1:
                m.Add(sum(vs) <= 1)
            placed.extend(vs)

    for vs in list(use_s.values()) + list(use_r.values()) + list(use_p.values()):
        if len(vs) > 1:
            m.AddAtMostOne(vs)
    for (p, day), vs in per_day.items():
        cap = day_cap(people[p], day) - day_used[(p, day)]
        if len(vs) > cap:
            m.Add(sum(vs) <= cap)
    for (s, k), vs in per_week.items():
        cap = staff[s]["weeklyLimits"][k]["maxSlots"] - week_used[(s, k)]
        if sum(w for _, w in vs) > cap:
            m.Add(sum(v * w for v, w in vs) <= cap)
    m.Maximize(sum(placed))
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = limit
    solver.parameters.num_workers = 2
    st = solver.Solve(m)
    found = st in (cp_model.OPTIMAL, cp_model.FEASIBLE)
    if len(sys.argv) > 3:
        sessions = []
        if found:
            for d, t, xs, xr, y in singles:
                if solver.Value(y):
                    sid = [a for a, v in xs if solver.Value(v)][0]
                    ps = [people[p] for p in d["participants"]]
                    lang = [l for l in sorted(staff[sid]["languages"]) if l in ps[0]["languages"]][0]
                    sessions.append({"demandIds": [d["id"]], "participantIds": d["participants"], "staffId": sid,
                                     "roomId": [a for a, v in xr if solver.Value(v)][0], "centreId": d["centreId"],
                                     "start": t, "durationSlots": d["durationSlots"], "sessionType": d["sessionType"],
                                     "requirementId": d["requirementId"], "mode": d.get("mode", "individual"),
                                     "language": lang})
            for first, t, sid, z, xr, xl, seats in groups:
                if solver.Value(z):
                    seated = [d for d, v in seats if solver.Value(v)]
                    sessions.append({"demandIds": [d["id"] for d in seated],
                                     "participantIds": [d["participants"][0] for d in seated], "staffId": sid,
                                     "roomId": [a for a, v in xr if solver.Value(v)][0], "centreId": first["centreId"],
                                     "start": t, "durationSlots": first["durationSlots"],
                                     "sessionType": first["sessionType"], "requirementId": first["requirementId"],
                                     "mode": "group", "language": [a for a, v in xl if solver.Value(v)][0]})
        json.dump({"sessions": sessions, "unplaced": []}, open(sys.argv[3], "w"))
    print(json.dumps({"status": solver.StatusName(st), "optimum": int(solver.ObjectiveValue()) if found else 0,
                      "bound": int(solver.BestObjectiveBound()), "modelled": modelled,
                      "groupPools": len(pools), "groupOptions": len(groups), "seconds": round(solver.WallTime(), 2)}))


if __name__ == "__main__":
    main()
