"""Choose the Excel writer by measurement: the chain-sized Standings sheet with XlsxWriter and with openpyxl.

Usage: ``python benchmarks/bench_report.py [--trainers 10000] [--repeat 3] [--chain]``

Both writers produce the same cells: header, one row per certification with every standing field, text as
text, dates as real dates with a date format, numbers with number formats, a status fill, frozen header,
autofilter. ``--chain`` builds the standing through the real engine from ``cpd.samples.build_chain_workbook``
(slower to set up); by default a synthetic Standing of the same size is used. The full ``write_report`` is
timed too. Prints medians of wall and CPU seconds (CPU is the fairer number on a shared machine).
"""

from __future__ import annotations

import argparse
import io
import statistics
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from cpd.catalogue import load_catalogue  # noqa: E402
from cpd.model import STANDING_COLUMNS, STATUS_COLOURS, STATUSES, TRAINER_RESULT_COLUMNS, Standing  # noqa: E402
from cpd.report import STANDING_SHEET_COLUMNS, _standing_data, tint, write_report  # noqa: E402

AS_OF = date(2026, 12, 1)


def synthetic_standing(n_trainers: int = 10_000, *, as_of: date = AS_OF, seed: int = 3) -> Standing:
    """A Standing shaped like the chain's: about 2.7 certifications per trainer, 200 clubs, the status mix the
    engine gives ``build_chain_workbook``, every standing field filled (built vectorised, in about a second)."""
    rng = np.random.default_rng(seed)
    T = pd.Timestamp(as_of)
    per = rng.choice([1, 2, 3, 4], size=n_trainers, p=[0.15, 0.25, 0.35, 0.25])
    tid = np.repeat(np.arange(n_trainers), per)
    n = len(tid)
    expires = T + pd.to_timedelta(rng.integers(-500, 1000, n), unit="D")
    status = rng.choice(np.array(STATUSES), size=n, p=[0.16, 0.10, 0.03, 0.03, 0.40, 0.28])
    required = np.full(n, 2.0)
    earned = np.round(rng.random(n) * 2.6, 2)
    names = np.array([f"Trainer {i:05d}" for i in range(n_trainers)], dtype=object)
    names[::997] = '=HYPERLINK("http://x","y")'
    clubs = np.array([f"Club {i % 200:03d}" for i in range(n_trainers)], dtype=object)
    s = pd.DataFrame({
        "trainer_id": tid.astype(str), "trainer": names[tid], "club": clubs[tid], "role": "Personal Trainer",
        "credential": "nasm_cpt", "credential_name": "NASM CPT", "body": "NASM", "known": True,
        "number": [f"{x:07d}" for x in rng.integers(0, 10**7, n)], "issued": expires - pd.DateOffset(years=2),
        "expires": expires, "cycle_start": expires - pd.DateOffset(years=2), "required": required,
        "earned": earned, "remaining": np.clip(required - earned, 0, None), "unit": "CEU", "hours_per_unit": 10.0,
        "progress": np.clip(earned / required, 0, 1), "elapsed": rng.random(n),
        "days_left": (expires - T).days, "cpr_required": True,
        "cpr_current": pd.array(rng.random(n) < 0.92, dtype="boolean"),
        "cpr_expires": T + pd.to_timedelta(rng.integers(-200, 700, n), unit="D"), "status": status,
        "reasons": [["expires in 60 days (31 Jul 2026): needs 0.3 more CEU (3 hours) (1.7 of 2 earned)",
                     f"CPR/AED expires {i % 28 + 1} Mar 2027, before renewal"] for i in range(n)],
        "urgency": 0,
    }, columns=STANDING_COLUMNS)
    t = pd.DataFrame({"trainer_id": np.arange(n_trainers).astype(str), "trainer": names, "club": clubs,
                      "role": "Personal Trainer", "email": [f"t{i}@example.com" for i in range(n_trainers)],
                      "compliant": True, "status": "on_track", "certifications": per,
                      "next_expiry": T + pd.Timedelta(days=30)}, columns=TRAINER_RESULT_COLUMNS)
    ledger = pd.DataFrame({"file": "chain.xlsx", "sheet": "Certifications", "row": np.arange(2, n + 2),
                           "fate": "accepted", "column": "", "reason": ""})
    cards = pd.DataFrame(columns=["trainer_id", "issued", "expires", "source", "file", "sheet", "row", "trainer",
                                  "club", "current"])
    return Standing(as_of=as_of, window=90, standings=s, trainers=t, activities=pd.DataFrame(),
                    contributions=pd.DataFrame(), ledger=ledger, mappings=(), warnings=(),
                    rules_version=load_catalogue().version, cpr_cards=cards)


def chain_standing(n_trainers: int) -> Standing:
    from cpd import analyse
    from cpd.model import Source
    from cpd.samples import build_chain_workbook

    data = build_chain_workbook(n_trainers, anchor=AS_OF)
    return analyse([Source("chain.xlsx", data)], as_of=AS_OF, window=90)


def sheet_xlsxwriter(st: Standing, *, fast: bool) -> bytes:
    """The Standings sheet alone with XlsxWriter: cell by cell (``write_string``/``write_number``), or through
    ``TableSheet`` (the production path, byte-identical output)."""
    import xlsxwriter

    from cpd.report import TableSheet, _Styles, write_table

    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False})
    ws = wb.add_worksheet("Standings", worksheet_class=TableSheet if fast else None)
    write_table(ws, _Styles(wb), STANDING_SHEET_COLUMNS, _standing_data(st.standings),
                st.standings["status"].tolist(), freeze_cols=1)
    wb.close()
    return buf.getvalue()


def sheet_openpyxl(st: Standing, *, write_only: bool) -> bytes:
    """The same sheet with openpyxl: normal mode (cell objects) or write-only mode (streamed rows)."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter

    from cpd.report import DATE_FORMAT, INT_FORMAT, NUMBER_FORMAT, PCT_FORMAT

    fmt = {"date": DATE_FORMAT, "int": INT_FORMAT, "num": NUMBER_FORMAT, "pct": PCT_FORMAT}
    fills = {s: PatternFill("solid", fgColor=tint(c).lstrip("#").upper()) for s, c in STATUS_COLOURS.items()}
    solid = {s: PatternFill("solid", fgColor=c.lstrip("#").upper()) for s, c in STATUS_COLOURS.items()}
    bold = Font(bold=True)
    data = _standing_data(st.standings)
    kinds = [c.kind for c in STANDING_SHEET_COLUMNS]
    statuses = st.standings["status"].tolist()
    epoch = datetime(1899, 12, 30)
    wb = Workbook(write_only=write_only)
    ws = wb.create_sheet("Standings") if write_only else wb.active
    if not write_only:
        ws.title = "Standings"
    ws.freeze_panes = "B2"
    n = len(statuses)
    ws.auto_filter.ref = f"A1:{get_column_letter(len(kinds))}{n + 1}"
    for c, col in enumerate(STANDING_SHEET_COLUMNS, start=1):
        ws.column_dimensions[get_column_letter(c)].width = min(col.cap, 20)
    if write_only:
        header = []
        for col in STANDING_SHEET_COLUMNS:
            cell = WriteOnlyCell(ws, value=col.header)
            cell.font = bold
            header.append(cell)
        ws.append(header)
    else:
        for c, col in enumerate(STANDING_SHEET_COLUMNS, start=1):
            ws.cell(1, c, col.header).font = bold
    for i in range(n):
        fill = fills[statuses[i]]
        row = []
        for c, kind in enumerate(kinds):
            v = data[c][i]
            if kind == "date" and isinstance(v, float):
                v = epoch + timedelta(days=v)
            cell = WriteOnlyCell(ws, value=v) if write_only else ws.cell(i + 2, c + 1, v)
            if isinstance(v, str):
                cell.data_type = "s"  # text stays text: never a formula
            cell.fill = solid[statuses[i]] if kind == "status" else fill
            if kind in fmt:
                cell.number_format = fmt[kind]
            row.append(cell)
        if write_only:
            ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def median_time(fn, repeat: int) -> tuple[float, float]:
    """Median wall and CPU seconds (CPU time is the fairer number on a shared machine)."""
    walls, cpus = [], []
    for _ in range(repeat):
        w, c = time.perf_counter(), time.process_time()
        fn()
        walls.append(time.perf_counter() - w)
        cpus.append(time.process_time() - c)
    return statistics.median(walls), statistics.median(cpus)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--trainers", type=int, default=10_000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--chain", action="store_true", help="build the Standing with the real engine")
    args = ap.parse_args()
    t0 = time.perf_counter()
    st = chain_standing(args.trainers) if args.chain else synthetic_standing(args.trainers)
    print(f"standing: {len(st.trainers):,} trainers, {len(st.standings):,} certification rows "
          f"({'engine' if args.chain else 'synthetic'}, built in {time.perf_counter() - t0:.1f} s)")
    cat = load_catalogue()
    when = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
    cases = {
        "Standings sheet, XlsxWriter cell by cell": lambda: sheet_xlsxwriter(st, fast=False),
        "Standings sheet, XlsxWriter + TableSheet": lambda: sheet_xlsxwriter(st, fast=True),
        "Standings sheet, openpyxl write-only": lambda: sheet_openpyxl(st, write_only=True),
        "Standings sheet, openpyxl normal": lambda: sheet_openpyxl(st, write_only=False),
        "Full report (write_report)": lambda: write_report(st, cat, generated_at=when),
    }
    width = max(map(len, cases))
    for name, fn in cases.items():
        wall, cpu = median_time(fn, args.repeat)
        print(f"{name.ljust(width)}  median {wall:6.2f} s wall, {cpu:6.2f} s CPU  (of {args.repeat})", flush=True)


if __name__ == "__main__":
    main()
