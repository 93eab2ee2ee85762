"""Dashboard at chain scale, measured with AppTest (server-side script time; the browser adds Plotly drawing).

    .venv/bin/python benchmarks/bench_app.py [--trainers 10000] [--runs 5]

Prints the median time to upload+read the chain workbook, open Team, and change / clear a club filter.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from streamlit.testing.v1 import AppTest  # noqa: E402

from cpd.samples import build_chain_workbook  # noqa: E402

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--trainers", type=int, default=10_000)
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    data = build_chain_workbook(args.trainers, anchor=date(2026, 12, 1))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=300)
    at.run()
    t = time.perf_counter()
    at.file_uploader(key="uploader").set_value(("chain.xlsx", data, XLSX))
    at.run()
    upload = time.perf_counter() - t
    t = time.perf_counter()
    at.switch_page("app_pages/team.py").run()
    team = time.perf_counter() - t
    clubs = at.multiselect(key="f_clubs").options
    changes, clears = [], []
    for i in range(args.runs):
        t = time.perf_counter()
        at.multiselect(key="f_clubs").set_value([clubs[i % len(clubs)]]).run()
        changes.append(time.perf_counter() - t)
        t = time.perf_counter()
        at.multiselect(key="f_clubs").set_value([]).run()
        clears.append(time.perf_counter() - t)
    assert not at.exception, [e.value for e in at.exception]
    print(
        f"{args.trainers:,} trainers: upload+read {upload:.2f} s, open Team {team:.2f} s, "
        f"filter change median {statistics.median(changes):.2f} s (max {max(changes):.2f}), "
        f"clear filter median {statistics.median(clears):.2f} s"
    )


if __name__ == "__main__":
    main()
