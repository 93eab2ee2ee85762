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

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from cpd.catalogue import load_catalogue  # noqa: E402
from cpd.model import STATUS_COLOURS, Standing  # noqa: E402
from cpd.report import STANDING_SHEET_COLUMNS, _standing_data, tint, write_report  # noqa: E402
from cpd.samples import synthetic_standing  # noqa: E402

AS_OF = date(2026, 12, 1)


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
    write_table(
        ws,
        _Styles(wb),
        STANDING_SHEET_COLUMNS,
        _standing_data(st.standings),
        st.standings["status"].tolist(),
        freeze_cols=1,
    )
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
    print(
        f"standing: {len(st.trainers):,} trainers, {len(st.standings):,} certification rows "
        f"({'engine' if args.chain else 'synthetic'}, built in {time.perf_counter() - t0:.1f} s)"
    )
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
        print(
            f"{name.ljust(width)}  median {wall:6.2f} s wall, {cpu:6.2f} s CPU  (of {args.repeat})",
            flush=True,
        )


if __name__ == "__main__":
    main()
