"""Speed at chain scale, measured (issues 6 and 16). Not a test: it prints medians and writes no assertion.

    .venv/bin/python benchmarks/run.py [--sizes 1000 10000 50000] [--runs 3]

For each size it generates the chain workbook deterministically (cached in benchmarks/data/), then prints:
two raw-read floors (python-calamine reading every sheet into Python lists; fastexcel reading every sheet into
Arrow columns, ``load_sheet(name, header_row=None, eager=True)``), end-to-end
``python -m cpd standing --format json`` in a fresh process and its ratio to each floor, each stage in-process
and one after the other (read = safety scan + calamine; map/validate = every sheet mapped and the people put
together; standing; JSON; Excel report), the peak memory of the end-to-end run, and the same job done the naive
way a script would (openpyxl read-only + Python loops). End to end the stages overlap: the CLI parses the sheets
in background threads while pandas loads and the sheets already parsed are mapped, so end-to-end is less
than start-up + the sum of the stages.

The floors and the end-to-end run alternate, and each ratio is the median of the per-run ratios (paired runs).
Below the table it prints issue 16's targets against what was measured: end to end at most 1.0x the calamine
floor and 1.5x the fastexcel floor, peak RSS under 300 MB at 10k and under 1 GiB at 50k, and, when both 10k
and 50k are measured, linearity (end-to-end time at 50k over 10k, at most 5x for 5x the trainers).
"""

from __future__ import annotations

import argparse
import io
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from cpd import load_catalogue  # noqa: E402
from cpd.export import to_json  # noqa: E402
from cpd.ingest.assemble import assemble  # noqa: E402
from cpd.ingest.grid import read_grids  # noqa: E402
from cpd.ingest.sheets import read_sheet  # noqa: E402
from cpd.samples import build_chain_workbook  # noqa: E402
from cpd.standing import compute_standing  # noqa: E402

AS_OF = date(2026, 12, 1)
DATA = ROOT / "benchmarks" / "data"


def workbook(n: int) -> Path:
    path = DATA / f"chain_{n}.xlsx"
    if not path.exists():
        DATA.mkdir(parents=True, exist_ok=True)
        path.write_bytes(build_chain_workbook(n, anchor=AS_OF))
    return path


def timed(fn, runs: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(runs):
        t = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times), result


def floor(data: bytes) -> int:
    import python_calamine as pc

    wb = pc.CalamineWorkbook.from_filelike(io.BytesIO(data))
    return sum(len(wb.get_sheet_by_name(n).to_python()) for n in wb.sheet_names)


def floor_arrow(data: bytes) -> int:
    """fastexcel's own read of every cell of every sheet into Arrow columns (no header, types inferred): the
    cheapest full read measured (a lazy sheet then ``to_arrow()``, or every column as text, cost the same)."""
    import fastexcel

    reader = fastexcel.read_excel(data)
    return sum(reader.load_sheet(n, header_row=None, eager=True).num_rows for n in reader.sheet_names)


# Issue 16's targets: peak RSS of the end-to-end run (MiB) by chain size, and the end-to-end ratios.
PEAK_TARGET_MB = {10_000: 300, 50_000: 1024}
RATIO_TARGET = {"calamine": 1.0, "fastexcel": 1.5}
RATIO_FROM = 10_000  # the ratios are targets from the 10k chain up (a small chain is mostly start-up)
LINEAR_FROM, LINEAR_TO = 10_000, 50_000


def end_to_end(path: Path) -> tuple[float, int]:
    """Wall time and peak RSS (MB) of the CLI in a fresh process, as a cron job would run it."""
    code = (
        "import resource, sys, time; t = time.perf_counter(); from cpd.cli import main; "
        f"rc = main(['standing', {str(path)!r}, '--as-of', '{AS_OF}', '--format', 'json']); "
        "sys.stdout.flush(); "
        "print(time.perf_counter() - t, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr)"
    )
    r = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    secs, rss_kb = r.stderr.strip().splitlines()[-1].split()
    json.loads(r.stdout)  # the output is the contract's JSON
    return float(secs), int(rss_kb) // 1024


def process_start() -> float:
    """Imports of the standing command (the CLI, then what it loads once the files are being read), paid once
    per CLI run; reported so the ratio can be read both ways."""
    code = (
        "import time; t = time.perf_counter(); import cpd.cli, cpd.ingest.sheets, cpd.ingest.assemble, "
        "cpd.catalogue, cpd.standing, cpd.export; print(time.perf_counter() - t)"
    )
    return float(
        subprocess.run(
            [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
        ).stdout
    )


def naive(data: bytes) -> int:
    """What a script would do: openpyxl read-only, rows into dicts, credits summed per staff id in Python."""
    import openpyxl

    wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    sheets = {ws.title: list(ws.iter_rows(values_only=True)) for ws in wb.worksheets}
    certs = sheets["Certifications"]
    log = sheets["CE Log"]
    head = (
        [str(h) for h in log[2]]
        if log and log[0] and "Staff" not in str(log[0][0])
        else [str(h) for h in log[0]]
    )
    start = [i for i, r in enumerate(log) if r and r[0] == head[0]][0] + 1
    ix = {h: i for i, h in enumerate(head)}
    earned: dict[object, float] = {}
    for row in log[start:]:
        try:
            earned[row[ix["Staff ID"]]] = earned.get(row[ix["Staff ID"]], 0.0) + float(row[ix["Amount"]])
        except (TypeError, ValueError):
            pass
    return len(certs) + len(earned)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", type=int, nargs="+", default=[1_000, 10_000, 50_000])
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--no-naive", action="store_true")
    args = ap.parse_args()
    cat = load_catalogue()
    print(
        f"# Recert benchmark — {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}, as-of {AS_OF}; medians of {args.runs} runs (s); "
        f"load average {os.getloadavg()[0]:.2f}"
    )
    print(f"process start + imports: {process_start():.2f} s")
    head = (
        "trainers",
        "rows",
        "MB",
        "floor calamine",
        "floor fastexcel",
        "end-to-end",
        "ratio calamine",
        "ratio fastexcel",
        "read",
        "map/validate",
        "standing",
        "json",
        "report",
        "peak RSS MB",
        "naive openpyxl",
    )
    print("| " + " | ".join(head) + " |")
    print("|" + "---|" * len(head))
    measured: dict[int, dict[str, float]] = {}
    for n in args.sizes:
        path = workbook(n)
        data = path.read_bytes()
        runs = args.runs if n <= 10_000 else max(1, args.runs // 2)
        # Floors and end-to-end alternate, and each ratio is the median of each run's ratio: on a shared VM
        # whose speed drifts by a third within minutes, a ratio of medians taken minutes apart mostly measures
        # the drift.
        floors, arrows, e2e, rows = [], [], [], 0
        for _ in range(runs):
            t, rows = timed(lambda d=data: floor(d), 1)
            floors.append(t)
            arrows.append(timed(lambda d=data: floor_arrow(d), 1)[0])
            e2e.append(end_to_end(path))
        t_floor, t_arrow = statistics.median(floors), statistics.median(arrows)
        t_e2e = statistics.median(e for e, _ in e2e)
        ratio = statistics.median(e / f for (e, _), f in zip(e2e, floors, strict=True))
        ratio_arrow = statistics.median(e / f for (e, _), f in zip(e2e, arrows, strict=True))
        peak = max(m for _, m in e2e)
        measured[n] = {"e2e": t_e2e, "ratio": ratio, "ratio_arrow": ratio_arrow, "peak": peak}
        t_read, grids = timed(lambda d=data: read_grids(path.name, d), runs)
        t_map, roster = timed(lambda g=grids: assemble([read_sheet(x, catalogue=cat) for x in g]), runs)
        del grids
        t_stand, st = timed(lambda: compute_standing(roster, cat, as_of=AS_OF), runs)
        t_json, _ = timed(lambda: to_json(st), runs)
        try:
            from cpd.report import write_report

            t_report, _ = timed(lambda: write_report(st, cat), max(1, runs // 2 if n > 10_000 else runs))
            report = f"{t_report:.2f}"
        except ImportError:
            report = "n/a"
        t_naive = "skipped" if args.no_naive else f"{timed(lambda d=data: naive(d), 1)[0]:.2f}"
        cells = [
            f"{n:,}",
            f"{rows:,}",
            f"{len(data) / 2**20:.1f}",
            f"{t_floor:.2f}",
            f"{t_arrow:.2f}",
            f"{t_e2e:.2f}",
            f"{ratio:.2f}x",
            f"{ratio_arrow:.2f}x",
            f"{t_read:.2f}",
            f"{t_map:.2f}",
            f"{t_stand:.2f}",
            f"{t_json:.2f}",
            report,
            f"{peak}",
            t_naive,
        ]
        print("| " + " | ".join(cells) + " |", flush=True)
    print(targets(measured))


def targets(measured: dict[int, dict[str, float]]) -> str:
    """Issue 16's targets against the figures just measured, one line each ("met" or "NOT met")."""

    def verdict(ok: bool) -> str:
        return "met" if ok else "NOT met"

    lines = ["", "Targets (issue 16):"]
    for n, m in measured.items():
        for floor_name, key in (("calamine", "ratio"), ("fastexcel", "ratio_arrow")):
            if n < RATIO_FROM:
                continue
            goal = RATIO_TARGET[floor_name]
            lines.append(
                f"- {n:,}: end to end {m[key]:.2f}x the {floor_name} floor, target at most {goal:.1f}x: "
                f"{verdict(m[key] <= goal)}"
            )
        if n in PEAK_TARGET_MB:
            goal_mb = PEAK_TARGET_MB[n]
            lines.append(
                f"- {n:,}: peak RSS {m['peak']:.0f} MB, target under {goal_mb} MB: {verdict(m['peak'] < goal_mb)}"
            )
    if LINEAR_FROM in measured and LINEAR_TO in measured:
        grow = measured[LINEAR_TO]["e2e"] / measured[LINEAR_FROM]["e2e"]
        times = LINEAR_TO / LINEAR_FROM
        lines.append(
            f"- linearity: end to end {LINEAR_TO:,} / {LINEAR_FROM:,} = {grow:.2f}x the time for {times:.0f}x "
            f"the trainers, target at most {times:.0f}x: {verdict(grow <= times)}"
        )
    return "\n".join(lines)


if __name__ == "__main__":
    main()
