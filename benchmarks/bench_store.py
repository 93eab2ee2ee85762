"""The store at chain scale (issue 13): save, load + standing, and the database size of 24 monthly snapshots.

    .venv/bin/python benchmarks/bench_store.py [--trainers 10000] [--months 24] [--runs 3]
                                               [--backends sqlite postgresql]

The chain workbook (benchmarks/data/chain_<n>.xlsx, ``cpd.samples.build_chain_workbook``) is read once. For each
database (SQLite in a temporary folder; PostgreSQL 15: a throw-away cluster, tests/pg.py):
- first save: ``Store.save`` of the whole roster into an empty database (median of ``--runs`` fresh databases);
- monthly saves: 24 snapshots, each month's roster as tests/test_store.py's ``next_month`` makes it (a joiner at
  the top shifts every row number, 3% of certifications renewed, 1% new CE rows, a leaver), median save time;
- load + standing: ``Store.load("latest")`` then ``compute_standing`` (median of ``--runs``);
- size: the database after 1 and after ``--months`` snapshots (SQLite: the file after a WAL checkpoint;
  PostgreSQL: ``pg_total_relation_size`` of the store's tables), and their ratio (target < 3).
Wall and CPU seconds are printed with the load average: the machine may be shared.
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from cpd import Source, load_catalogue, read_sources  # noqa: E402
from cpd.history import summarise  # noqa: E402
from cpd.samples import build_chain_workbook  # noqa: E402
from cpd.standing import compute_standing  # noqa: E402
from cpd.store import open_store  # noqa: E402
from tests.test_store import next_month  # noqa: E402

AS_OF = date(2026, 12, 1)
DATA = ROOT / "benchmarks" / "data"
TABLES = ("recert_snapshots", "recert_files", "recert_blocks", "recert_frames", "recert_frame_blocks")


def workbook(n: int) -> Path:
    path = DATA / f"chain_{n}.xlsx"
    if not path.exists():
        DATA.mkdir(parents=True, exist_ok=True)
        path.write_bytes(build_chain_workbook(n, anchor=AS_OF))
    return path


def clock(fn):
    w, c = time.perf_counter(), time.process_time()
    out = fn()
    return time.perf_counter() - w, time.process_time() - c, out


def med(xs):
    return statistics.median(xs)


class Backend:
    def __init__(self, kind: str, folder: Path):
        self.kind, self.folder, self.n = kind, folder, 0
        if kind == "postgresql":
            from tests.pg import cluster

            self.cluster = cluster()

    def fresh(self) -> str:
        self.n += 1
        if self.kind == "sqlite":
            return f"sqlite:///{self.folder / f'bench{self.n}.db'}"
        return self.cluster.url(self.cluster.create_database())

    def size(self, url: str, store) -> int:
        if self.kind == "sqlite":
            path = url.removeprefix("sqlite:///")
            store.engine.dispose()
            with sqlite3.connect(path) as con:
                con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            return os.path.getsize(path)
        import sqlalchemy as sa

        with store.engine.connect() as conn:
            return sum(
                conn.execute(sa.text(f"SELECT pg_total_relation_size('{t}')")).scalar() for t in TABLES
            )


def run(kind: str, roster, summary, catalogue, months: int, runs: int, folder: Path) -> None:
    b = Backend(kind, folder)
    first = []
    for k in range(runs):
        url = b.fresh()
        with open_store(url) as store:
            first.append(
                clock(
                    lambda: store.save(roster, [Source(f"r{k}", bytes([k]))], as_of=AS_OF, summary=summary)
                )[:2]
            )
    url = b.fresh()
    rng = np.random.default_rng(7)
    saves, r = [], roster
    with open_store(url) as store:
        for m in range(months):
            if m:
                r = next_month(r, m, rng)
            w, c, _ = clock(
                lambda: store.save(
                    r, [Source(f"chain-{m}.xlsx", bytes([m % 256, m // 256]))], as_of=AS_OF, summary=summary
                )
            )
            saves.append((w, c))
            if m == 0:
                one = b.size(url, store)
        total = b.size(url, store)
        loads = []
        for _ in range(runs):

            def load_and_standing():
                snap = store.load("latest")
                return compute_standing(snap.roster, catalogue, as_of=AS_OF, window=snap.window)

            loads.append(clock(load_and_standing)[:2])
    print(
        f"{kind:<10} first save {med([x[0] for x in first]):.2f} s (cpu {med([x[1] for x in first]):.2f}); "
        f"monthly save {med([x[0] for x in saves[1:]]) if months > 1 else float('nan'):.2f} s "
        f"(cpu {med([x[1] for x in saves[1:]]) if months > 1 else float('nan'):.2f}); "
        f"load + standing {med([x[0] for x in loads]):.2f} s (cpu {med([x[1] for x in loads]):.2f}); "
        f"size 1 snapshot {one / 1e6:.1f} MB, {months} snapshots {total / 1e6:.1f} MB "
        f"({total / one:.2f}x)"
    )


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--trainers", type=int, default=10_000)
    ap.add_argument("--months", type=int, default=24)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument(
        "--backends", nargs="+", default=["sqlite", "postgresql"], choices=("sqlite", "postgresql")
    )
    args = ap.parse_args()
    path = workbook(args.trainers)
    catalogue = load_catalogue()
    sources = [Source(path.name, path.read_bytes())]
    roster = read_sources(sources, catalogue=catalogue)
    summary = summarise(compute_standing(roster, catalogue, as_of=AS_OF, window=90))
    rows = sum(
        len(getattr(roster, n)) for n in ("trainers", "certifications", "activities", "cpr_cards", "ledger")
    )
    print(
        f"Store benchmark: {args.trainers:,} trainers ({rows:,} rows in all frames), {args.months} monthly "
        f"snapshots, load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores"
    )
    with tempfile.TemporaryDirectory(prefix="recert-bench-") as tmp:
        for kind in args.backends:
            run(kind, roster, summary, catalogue, args.months, args.runs, Path(tmp))


if __name__ == "__main__":
    main()
