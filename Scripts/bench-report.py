#!/usr/bin/env python3
"""Scripts/bench's report: medians from its raw figures into Benchmarks/RESULTS.md ("National scale") and growth.png.

Usage: Scripts/bench-report.py RAW.tsv BENCH_OUT_DIR BENCHMARKS_DIR HISTORY_WEEKS EXPLAIN_SIZE
RAW.tsv lines: size, metric, value (milliseconds; `.rss_kib` metrics in KiB; `generated` the generator's summary line).
"""

import os
import re
import statistics
import sys

HEADING = "## National scale (`make bench`)"
# Lines of each plan shown in RESULTS.md; the whole plan stays in the bench's log.
PLAN_LINES = 60


def load(path):
    figures, notes = {}, {}
    for line in open(path, encoding="utf-8"):
        size, metric, value = line.rstrip("\n").split("\t", 2)
        size = int(size)
        try:
            figures.setdefault(size, {}).setdefault(metric, []).append(float(value))
        except ValueError:
            notes.setdefault(size, {})[metric] = value
    return figures, notes


def median(figures, size, metric):
    values = figures.get(size, {}).get(metric)
    return statistics.median(values) if values else None


def seconds(ms):
    return "—" if ms is None else (f"{ms / 1000:.2f} s" if ms >= 1000 else f"{ms:.0f} ms")


def speed(baseline_ms, ours_ms):
    """How fast ours runs against a baseline doing the same work (1.00× = as fast), or — without both figures."""
    return f"{baseline_ms / ours_ms:.2f}× the speed" if baseline_ms and ours_ms else "—"


def timed(figures, size, metric, notes=None):
    """The median, or why there is none (a run that failed: exit 75 is a statement or lock timeout; or a note)."""
    value = median(figures, size, metric)
    if value is not None:
        return seconds(value)
    note = (notes or NOTES).get(size, {}).get(metric + ".failed")
    if note:
        return note
    failed = figures.get(size, {}).get(metric + ".failed")
    return f"failed (exit {int(failed[0])})" if failed else "—"


NOTES = {}


def mib(kib):
    return "—" if kib is None else f"{kib / 1024:.0f} MiB"


def slowest_plans(log_path, count=3):
    """The `count` slowest statements auto_explain logged, distinct by query text, with their plans."""
    if not os.path.exists(log_path):
        return []
    text = open(log_path, encoding="utf-8", errors="replace").read()
    entries = re.split(r"\n(?=\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d+ UTC \[\d+\] LOG:  duration: )", "\n" + text)
    found = []
    for entry in entries:
        match = re.match(r"\d{4}-\S+ \S+ UTC \[\d+\] LOG:  duration: ([\d.]+) ms  plan:\n(.*)", entry.strip("\n"), re.S)
        if not match:
            continue
        body = match.group(2)
        # Lines after the plan that belong to other log records are cut at the next timestamped line.
        body = re.split(r"\n\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", body)[0]
        rows = body.split("\n")
        first_node = next((i for i, row in enumerate(rows) if "(cost=" in row or "(actual" in row), len(rows))
        query_text = " ".join(row.strip() for row in rows[:first_node]).replace("Query Text: ", "", 1).strip()
        lines = [row.rstrip() for row in rows[first_node:] if row.strip()]
        # A call of a function whose own statements are logged separately says nothing about where the time goes.
        if len(lines) < 3:
            continue
        found.append((float(match.group(1)), query_text, "\n".join(lines)))
    found.sort(key=lambda item: -item[0])
    chosen, seen = [], set()
    for duration, query, plan in found:
        key = re.sub(r"\s+", " ", query)[:300]
        if key in seen:
            continue
        seen.add(key)
        chosen.append((duration, query, plan))
        if len(chosen) == count:
            break
    return chosen


def plot(figures, sizes, path):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7, 4.5))
    for metric, label in [("nightly", "nightly end to end"), ("nightly.read_ms", "read (demand, supply)"),
                          ("nightly.flags_ms", "flags"), ("nightly.write_ms", "write"), ("nightly.solve_ms", "solve"),
                          ("flags_evaluate", "flags evaluate"), ("progress_centre", "progress --centre"),
                          ("generate", "demo generate")]:
        points = [(size, median(figures, size, metric)) for size in sizes if median(figures, size, metric) is not None]
        if points:
            ax.plot([p[0] for p in points], [max(p[1], 1) / 1000 for p in points], marker="o", label=label)
    # A nightly stopped unfinished: at least that long, drawn as a triangle pointing up.
    for size in sizes:
        note = NOTES.get(size, {}).get("nightly.failed", "")
        stopped = re.search(r"after (\d+) min", note)
        if stopped:
            ax.plot([size], [int(stopped.group(1)) * 60], marker="^", color="C0", linestyle="none",
                    label=f"nightly at {size:,}: stopped unfinished")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("participants (generated, demo's proportions)")
    ax.set_ylabel("seconds (median of runs)")
    ax.set_title("Homeward at size: time against participants")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110)


def write_section(path, heading, text):
    old = open(path, encoding="utf-8").read() if os.path.exists(path) else "# Benchmarks\n"
    if heading in old:
        start = old.index(heading)
        rest = old.find("\n## ", start + 1)
        old = old[:start] + (old[rest + 1:] if rest >= 0 else "")
    with open(path, "w", encoding="utf-8") as out:
        out.write(old.rstrip("\n") + "\n\n" + text)


def main():
    raw, out_dir, bench_dir, weeks, explain_size = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5])
    figures, notes = load(raw)
    NOTES.update(notes)
    sizes = sorted(figures)
    runs = max(len(figures[s].get("nightly", [])) for s in sizes) if sizes else 0
    lines = [HEADING, "",
             f"Generated by `Scripts/bench` on worlds from `homeward demo generate --history-weeks {weeks}` (the demo's "
             f"proportions: three centres, ~37 staff per 120 participants), release build, its own throwaway cluster "
             f"(`.pg-bench`, fsync off), {os.cpu_count()} cores. Median of up to {runs} runs (the last column); the nightly runs from the same "
             "generated state each time (a fresh copy of the database). Peak RSS is the `homeward` client's "
             "(`/usr/bin/time`), not the server's. Statement timeouts are lifted to an hour for the bench (shipped: 10 min "
             "for the nightly, 60 s for other commands), so that a slow figure is measured rather than refused.", ""]
    lines += ["| participants | world | attendance rows | generate | nightly | × previous size | peak RSS (nightly) | nightly runs |",
              "|---|---|---|---|---|---|---|---|"]
    previous = None
    for size in sizes:
        nightly = median(figures, size, "nightly")
        ratio = f"{nightly / previous:.1f}×" if previous and nightly else "—"
        generated = notes.get(size, {}).get("generated", "")
        found = {key: re.search(r"(\d+) " + key, generated) for key in ["centres", "staff", "sessions"]}
        summary = ", ".join(f"{int(m.group(1)):,} {key}" for key, m in found.items() if m)
        lines.append(f"| {size:,} | {summary} | {int(median(figures, size, 'attendance_rows') or 0):,} | "
                     f"{seconds(median(figures, size, 'generate'))} | {timed(figures, size, 'nightly')} | {ratio} | "
                     f"{mib(median(figures, size, 'nightly.rss_kib'))} | {len(figures[size].get('nightly', []))} |")
        previous = nightly
    lines += ["", "Phases of the nightly (`HOMEWARD_TIMINGS=1`: one `timings nightly …` line on stderr); read, solve and "
              "write are the schedule generation's. The flags are evaluated on a second connection while the schedule is "
              "written (0038), so their time is inside the write's, not added to the total:", "",
              "| participants | mark unrecorded | flags | repair | schedule: read | solve | write | total |",
              "|---|---|---|---|---|---|---|---|"]
    for size in sizes:
        cells = [seconds(median(figures, size, f"nightly.{part}_ms"))
                 for part in ["mark", "flags", "repair", "read", "solve", "write", "total"]]
        lines.append(f"| {size:,} | " + " | ".join(cells) + " |")
    lines += ["", "Commands, on the generated state (four weeks of history, no plan ahead yet):", "",
              "| participants | rerun, nothing new | `flags evaluate` | `progress --centre` | `schedule show --participant` | "
              "`participant show` | `psql -c 'select 1'` | import participants | `\\copy` of the same CSV | import ÷ `\\copy` | "
              "psql load into the same tables | import ÷ psql load |",
              "|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for size in sizes:
        imp, copy = median(figures, size, "import_participants"), median(figures, size, "psql_copy")
        psql_load = median(figures, size, "psql_load")
        ratio, load_ratio = speed(copy, imp), speed(psql_load, imp)
        lines.append(f"| {size:,} | " + " | ".join(timed(figures, size, m) for m in [
            "nightly_rerun", "flags_evaluate", "progress_centre", "schedule_show", "participant_show", "psql_select_1",
            "import_participants", "psql_copy"]) + f" | {ratio} | {timed(figures, size, 'psql_load')} | {load_ratio} |")
    lines += ["", "The import is of as many new participants as the world has (a CSV with the columns of "
              "`Config/demo/participants.csv`), checked row by row then written; `\\copy` loads the same file into a table "
              "of plain columns, with no checks: the floor. The psql load (`Scripts/bench-psql-load.sql`) is what a psql user "
              "writes to put the same file into the same tables: `\\copy` into a staging table, then the participants and "
              "their placements in one transaction, through the same constraints, triggers and audit.", "", "![time against size](growth.png)", ""]
    lines += ["Attendance import: rows of the generated history (up to 1,000,000) exported, removed from a fresh copy and "
              "imported again with `homeward import attendance`, against a psql load of the same file into the same table "
              "(`Scripts/bench-psql-load-attendance.sql`: `\\copy` to staging, one INSERT through the same triggers):", "",
              "| participants | rows | `import attendance` | psql load | import ÷ psql load | rows per second |",
              "|---|---|---|---|---|---|"]
    for size in sizes:
        rows = median(figures, size, "attendance_import_rows")
        imp, loaded = median(figures, size, "import_attendance"), median(figures, size, "psql_load_attendance")
        if not rows:
            continue
        ratio = speed(loaded, imp)
        rate = f"{rows / (imp / 1000):,.0f}" if imp else "—"
        lines.append(f"| {size:,} | {rows:,.0f} | {timed(figures, size, 'import_attendance')} | "
                     f"{timed(figures, size, 'psql_load_attendance')} | {ratio} | {rate} |")
    lines += [""]

    log_path = os.path.join(out_dir, f"explain-{explain_size}.log")
    plans = slowest_plans(log_path)
    lines += [f"### The three slowest statements of the nightly at {explain_size:,} participants", "",
              "From `auto_explain` (log_analyze, log_buffers, nested statements, over 250 ms) during one more nightly "
              "on a fresh copy; plans as the server logged them. Timing every node slows the run down, so these durations "
              "are above the table's.", ""]
    if not plans:
        lines += ["(none logged)", ""]
    for number, (duration, query, plan) in enumerate(plans, 1):
        short = re.sub(r"\s+", " ", query)
        rows = plan.split("\n")
        shown = "\n".join(rows[:PLAN_LINES]) + (f"\n… ({len(rows) - PLAN_LINES} more lines: {os.path.basename(log_path)})"
                                                if len(rows) > PLAN_LINES else "")
        lines += [f"{number}. **{duration / 1000:.2f} s**: `{short[:160]}{'…' if len(short) > 160 else ''}`", "",
                  "```", shown, "```", ""]
    text = "\n".join(lines)
    print(text)
    write_section(os.path.join(bench_dir, "RESULTS.md"), HEADING, text)
    if sizes:
        plot(figures, sizes, os.path.join(bench_dir, "growth.png"))


if __name__ == "__main__":
    main()
