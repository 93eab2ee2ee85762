"""Reminders at chain scale: who is due and every message prepared (not sent) for a 10k-trainer chain.

    .venv/bin/python benchmarks/bench_remind.py [--trainers 10000] [--runs 3]

The standing comes from the cached chain workbook (benchmarks/data/chain_<n>.xlsx, made by
``cpd.samples.build_chain_workbook``), computed at 2026-12-01 (reading it is not timed). Timed, each the median
of ``--runs``: ``due`` (the schedule over every certification, empty sent log), ``plan_messages`` (texts, HTML,
each trainer's .ics, the clubs' digests with a manager per club) and ``to_bytes`` (the MIME messages, headers and
attachment, as they would be handed to smtplib). The target (issue 15) is the whole preparation under 10 s.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from datetime import UTC, date, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from cpd import Source, analyse  # noqa: E402
from cpd.remind import RemindSettings, due  # noqa: E402
from cpd.remind.compose import plan_messages, to_bytes  # noqa: E402
from cpd.samples import build_chain_workbook  # noqa: E402

AS_OF = date(2026, 12, 1)
WHEN = datetime(2026, 12, 1, 6, 0, tzinfo=UTC)
TARGET_SECONDS = 10.0


def workbook(n: int) -> Path:
    path = ROOT / "benchmarks" / "data" / f"chain_{n}.xlsx"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(build_chain_workbook(n, anchor=AS_OF))
    return path


def timed(fn, runs: int):
    walls, cpus, out = [], [], None
    for _ in range(runs):
        w, c = time.perf_counter(), time.process_time()
        out = fn()
        walls.append(time.perf_counter() - w)
        cpus.append(time.process_time() - c)
    return statistics.median(walls), statistics.median(cpus), out


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--trainers", type=int, default=10_000)
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    path = workbook(args.trainers)
    st = analyse([Source(path.name, path.read_bytes())], as_of=AS_OF)
    settings = RemindSettings()
    managers = {club: (f"manager{i}@example.com",) for i, club in enumerate(st.trainers["club"].unique())}
    print(
        f"{len(st.trainers)} trainers, {len(st.standings)} certifications, {len(managers)} clubs; "
        f"load average {os.getloadavg()[0]:.2f}"
    )

    w_due, c_due, reminders = timed(
        lambda: due(st, set(), as_of=AS_OF, schedule=settings.schedule), args.runs
    )
    w_plan, c_plan, planned = timed(
        lambda: plan_messages(st, reminders, settings=settings, managers=managers, generated_at=WHEN),
        args.runs,
    )
    messages, skipped = planned
    sender = "reminders@club.example.com"
    w_mime, c_mime, mimes = timed(
        lambda: [to_bytes(m, sender=sender, sender_name="Recert", when=WHEN) for m in messages], args.runs
    )
    total_w, total_c = w_due + w_plan + w_mime, c_due + c_plan + c_mime
    trainers = sum(m.kind == "trainer" for m in messages)
    print(f"due:           {w_due:6.2f} s wall {c_due:6.2f} s CPU  ({len(reminders)} reminders)")
    print(
        f"plan_messages: {w_plan:6.2f} s wall {c_plan:6.2f} s CPU  ({trainers} trainer messages, "
        f"{len(messages) - trainers} digests, {len(skipped)} skipped, "
        f"{sum(m.ics is not None for m in messages)} with an .ics)"
    )
    print(
        f"to_bytes:      {w_mime:6.2f} s wall {c_mime:6.2f} s CPU  ({sum(map(len, mimes)) / 1e6:.1f} MB of MIME)"
    )
    print(f"total:         {total_w:6.2f} s wall {total_c:6.2f} s CPU  (target < {TARGET_SECONDS:g} s)")
    return (
        0 if total_c < TARGET_SECONDS else 1
    )  # CPU seconds: the machine is shared, wall time waits on others


if __name__ == "__main__":
    sys.exit(main())
