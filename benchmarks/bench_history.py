"""The History page on 24 monthly snapshots of the 10k chain, server side (issue 13). Prints; asserts nothing.

    .venv/bin/python benchmarks/bench_history.py [--trainers 10000] [--months 24] [--runs 3]

A SQLite store in a temporary folder gets ``--months`` monthly snapshots of the chain workbook
(benchmarks/data/chain_<n>.xlsx): month 0 as read, each next one as tests/test_store.py's ``next_month`` makes it
(the store benchmark's generator: a joiner shifts every row number, 3% of certifications renewed, 1% new CE rows,
a leaver), saved as of the 1st of consecutive months with its trend summary. Then, through Streamlit's AppTest
(the script's own time, no browser), for each run in a fresh session:

- start: the app opens on the latest snapshot (load + standing);
- History: the page with the trend of every snapshot and what changed between the latest two (the earlier one
  loaded and both judged at the later one's as-of);
- History again (a rerun: the session's caches);
- another pair: "From" set to the first snapshot (one more load and standing, a new diff).

Also in-process: ``history.trend``/``club_trend`` over the stored summaries, and ``history.diff`` of two
standings. Wall and CPU seconds (this process: the script runs in one of its threads), medians of ``--runs``;
the load average is printed (on a shared machine the CPU time is the better measure of the work).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from cpd import Source, history, load_catalogue, read_sources  # noqa: E402
from cpd.samples import build_chain_workbook  # noqa: E402
from cpd.standing import compute_standing  # noqa: E402
from cpd.store import open_store  # noqa: E402
from tests.test_store import next_month  # noqa: E402  (the store benchmark's monthly change, reused)

DATA = ROOT / "benchmarks" / "data"
ANCHOR = date(2026, 12, 1)


def workbook(n: int) -> Path:
    path = DATA / f"chain_{n}.xlsx"
    if not path.exists():
        DATA.mkdir(parents=True, exist_ok=True)
        path.write_bytes(build_chain_workbook(n, anchor=ANCHOR))
    return path


def month_start(first: date, k: int) -> date:
    m = first.month - 1 + k
    return date(first.year + m // 12, m % 12 + 1, 1)


def build(url: str, trainers: int, months: int) -> None:
    """``months`` monthly snapshots of the chain, each saved with its summary at its own as-of."""
    path = workbook(trainers)
    catalogue = load_catalogue()
    data = path.read_bytes()
    roster = read_sources([Source(path.name, data)], catalogue=catalogue)
    rng = np.random.default_rng(7)
    first = month_start(ANCHOR, -(months - 1))
    t = time.perf_counter()
    with open_store(url) as store:
        for k in range(months):
            if k:
                roster = next_month(roster, k, rng)
            as_of = month_start(first, k)
            summary = history.summarise(compute_standing(roster, catalogue, as_of=as_of, window=90))
            store.save(
                roster,
                [Source(f"chain-{as_of:%Y-%m}.xlsx", data + bytes([k]))],
                as_of=as_of,
                label=f"{as_of:%B %Y} export",
                summary=summary,
            )
    print(f"built {months} snapshots of {trainers:,} trainers in {time.perf_counter() - t:.0f} s")


CPU: dict[str, list[float]] = {}  # CPU seconds of this process per step (the script runs in a thread of it)


def timed(fn, name: str = "") -> float:
    t, c = time.perf_counter(), time.process_time()
    fn()
    if name:
        CPU.setdefault(name, []).append(time.process_time() - c)
    return time.perf_counter() - t


def page_runs(runs: int) -> dict[str, list[float]]:
    from streamlit.testing.v1 import AppTest

    out: dict[str, list[float]] = {
        "start (latest snapshot)": [],
        "History page": [],
        "History again": [],
        "History, another pair": [],
    }
    for _ in range(runs):
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=600)
        out["start (latest snapshot)"].append(timed(at.run, "start (latest snapshot)"))
        assert not at.exception, [e.value for e in at.exception]
        out["History page"].append(
            timed(
                lambda: at.switch_page("app_pages/history.py").run(),  # noqa: B023
                "History page",
            )
        )
        assert not at.exception and len(at.metric) == 8, [e.value for e in at.exception]
        out["History again"].append(timed(at.run, "History again"))
        frm = at.selectbox(key="diff_from")
        out["History, another pair"].append(
            timed(
                lambda: frm.select_index(0).run(),  # noqa: B023
                "History, another pair",
            )
        )
        assert not at.exception, [e.value for e in at.exception]
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--trainers", type=int, default=10_000)
    ap.add_argument("--months", type=int, default=24)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument(
        "--db", default="", help="a database already built by this script (its snapshots are used)"
    )
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        url = args.db or f"sqlite:///{Path(folder) / 'recert.db'}"
        if not args.db:
            build(url, args.trainers, args.months)
        os.environ["RECERT_DATABASE_URL"] = url
        os.environ.pop("RECERT_DEMO", None)
        with open_store(url) as store:
            infos = store.snapshots()
            trend_s = statistics.median(
                timed(lambda: (history.trend(infos), history.club_trend(infos))) for _ in range(args.runs)
            )
            catalogue = load_catalogue()
            a, b = (
                compute_standing(store.load(i.id).roster, catalogue, as_of=infos[-1].as_of, window=90)
                for i in infos[-2:]
            )
        diff_s = statistics.median(timed(lambda: history.diff(a, b)) for _ in range(args.runs))
        pages = page_runs(args.runs)
    print(
        f"History benchmark: {args.months} monthly snapshots of {args.trainers:,} trainers; load average "
        f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores; medians of {args.runs}"
    )
    print(
        f"  in-process: trend + club trend over {len(infos)} summaries {trend_s * 1000:.0f} ms; "
        f"diff of two standings {diff_s * 1000:.0f} ms"
    )
    for name, xs in pages.items():
        print(
            f"  {name:<26} {statistics.median(xs):.2f} s wall, {statistics.median(CPU[name]):.2f} s CPU  "
            f"(wall runs: {', '.join(f'{x:.2f}' for x in xs)})"
        )


if __name__ == "__main__":
    main()
