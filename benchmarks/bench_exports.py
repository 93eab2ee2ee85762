"""Exports at chain scale: reminder drafts, their CSV, the calendar and the Excel report, and the Reminders page.

    .venv/bin/python benchmarks/bench_exports.py [--trainers 10000] [--runs 3] [--old] [--app | --app-only]

The standing comes from the cached chain workbook (benchmarks/data/chain_<n>.xlsx, made by
``cpd.samples.build_chain_workbook``). Prints the median wall and CPU seconds of ``--runs`` runs of each export
and the load average (the machine is shared: CPU seconds are the fairer number). ``--old`` times the code as it
was before the speed-up too (``tests/reference_exports.py``, read from git history at commit 251f684: its
output is kept in tests/data/golden/; its drafts took about 95 s at 10k, so it runs once). ``--app`` drives the Reminders page with AppTest: upload the workbook, open the page, sign the
messages, read another draft (server-side script time, as benchmarks/bench_app.py measures).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
import types
from datetime import UTC, date, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from cpd import Source, analyse, load_catalogue  # noqa: E402
from cpd.calendar import write_calendar  # noqa: E402
from cpd.reminders import drafts, drafts_csv  # noqa: E402
from cpd.report import write_report  # noqa: E402
from cpd.samples import build_chain_workbook  # noqa: E402

AS_OF = date(2026, 12, 1)
WHEN = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
OLD_CODE = "251f684:tests/reference_exports.py"  # the exports before the speed-up, kept in git history only


def old_code() -> types.ModuleType:
    """The old calendar and reminders module, loaded from git history (it imports today's cpd helpers)."""
    src = subprocess.run(
        ["git", "show", OLD_CODE], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    module = types.ModuleType("reference_exports")
    exec(compile(src, OLD_CODE, "exec"), module.__dict__)
    return module


def workbook(n: int) -> Path:
    path = ROOT / "benchmarks" / "data" / f"chain_{n}.xlsx"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(build_chain_workbook(n, anchor=AS_OF))
    return path


def timed(fn, runs: int) -> tuple[float, float, object]:
    """Median wall and CPU seconds, and the last result."""
    walls, cpus, out = [], [], None
    for _ in range(runs):
        w, c = time.perf_counter(), time.process_time()
        out = fn()
        walls.append(time.perf_counter() - w)
        cpus.append(time.process_time() - c)
    return statistics.median(walls), statistics.median(cpus), out


def load() -> str:
    return "load average " + ", ".join(f"{x:.2f}" for x in os.getloadavg())


def bench_app(path: Path, runs: int) -> None:
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=600)
    at.run()
    at.sidebar.date_input(key="as_of").set_value(AS_OF)
    at.file_uploader(key="uploader").set_value((path.name, path.read_bytes(), XLSX)).run()
    t = time.perf_counter()
    at.switch_page("app_pages/reminders.py").run()
    first = time.perf_counter() - t
    assert not at.exception, [e.value for e in at.exception]
    n = len(at.selectbox(key="draft_pick").options)
    signs, picks = [], []
    for i in range(runs):
        t = time.perf_counter()
        at.text_input(key="sign_off").set_value(f"Sam {i}").run()
        signs.append(time.perf_counter() - t)
        t = time.perf_counter()
        at.selectbox(key="draft_pick").set_value(i + 1).run()
        picks.append(time.perf_counter() - t)
    assert not at.exception, [e.value for e in at.exception]
    print(
        f"Reminders page (AppTest, {n:,} drafts): open {first:.2f} s, sign-off change median "
        f"{statistics.median(signs):.2f} s, read another draft median {statistics.median(picks):.2f} s  "
        f"({load()})",
        flush=True,
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--trainers", type=int, default=10_000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--old", action="store_true", help="time the code before the speed-up too")
    ap.add_argument("--app", action="store_true", help="time the Reminders page in AppTest")
    ap.add_argument("--app-only", action="store_true", help="only the Reminders page")
    args = ap.parse_args()
    path = workbook(args.trainers)
    if args.app_only:
        bench_app(path, args.runs)
        return
    t = time.perf_counter()
    st = analyse([Source(path.name, path.read_bytes())], as_of=AS_OF, window=90)
    print(
        f"{len(st.trainers):,} trainers, {len(st.standings):,} certification rows, read in "
        f"{time.perf_counter() - t:.1f} s  ({load()})",
        flush=True,
    )
    cat = load_catalogue()
    cases = {
        "drafts": lambda: drafts(st, sign_off="Sam"),
        "drafts_csv": lambda: drafts_csv(st, sign_off="Sam"),
        "write_calendar": lambda: write_calendar(st, generated_at=WHEN),
        "write_report": lambda: write_report(st, cat, generated_at=WHEN),
    }
    if args.old:
        old = old_code()
        cases["old drafts"] = lambda: old.drafts(st, sign_off="Sam")
        cases["old write_calendar"] = lambda: old.write_calendar(st, generated_at=WHEN)
    width = max(map(len, cases))
    for name, fn in cases.items():
        runs = 1 if name == "old drafts" else args.runs
        wall, cpu, out = timed(fn, runs)
        size = f"{len(out):,} rows" if hasattr(out, "columns") else f"{len(out) / 1e6:.1f} MB"
        print(
            f"{name.ljust(width)}  median {wall:6.2f} s wall, {cpu:6.2f} s CPU  (of {runs}; {size}; {load()})",
            flush=True,
        )
    if args.app:
        bench_app(path, args.runs)


if __name__ == "__main__":
    main()
