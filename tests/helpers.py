"""Small builders for test inputs: csv text and xlsx workbooks made in memory."""

from __future__ import annotations

import csv
import io
import subprocess
import sys
from datetime import date
from pathlib import Path

import openpyxl

from cpd import Source, analyse


def csv_bytes(rows: list[list[object]], *, delimiter: str = ",", encoding: str = "utf-8") -> bytes:
    buf = io.StringIO()
    csv.writer(buf, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    return buf.getvalue().encode(encoding)


def xlsx_bytes(
    sheets: dict[str, list[list[object]]],
    *,
    date1904: bool = False,
    hidden: tuple[str, ...] = (),
    hidden_rows: dict[str, tuple[int, ...]] | None = None,
    start_row: int = 1,
) -> bytes:
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    if date1904:
        wb.epoch = openpyxl.utils.datetime.CALENDAR_MAC_1904
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for r, row in enumerate(rows, start=start_row):
            for c, v in enumerate(row, start=1):
                if v is not None and v != "":
                    cell = ws.cell(row=r, column=c, value=v)
                    if isinstance(v, date):
                        cell.number_format = "yyyy-mm-dd"
                    if isinstance(v, str) and v.startswith("="):
                        cell.data_type = "s"
        if name in hidden:
            ws.sheet_state = "hidden"
        for r in (hidden_rows or {}).get(name, ()):
            ws.row_dimensions[r].hidden = True
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def run(files: dict[str, bytes | str], *, as_of: date = date(2026, 6, 1), window: int = 90, **kw):
    """analyse() over literal files (str values are encoded as UTF-8)."""
    sources = [Source(n, d.encode("utf-8") if isinstance(d, str) else d) for n, d in files.items()]
    return analyse(sources, as_of=as_of, window=window, **kw)


def row_of(st, trainer: str, credential: str | None = None):
    s = st.standings
    m = s["trainer"].eq(trainer)
    if credential:
        m &= s["credential"].eq(credential)
    assert m.sum() == 1, f"expected one standing for {trainer} {credential}, got {int(m.sum())}"
    return s[m].iloc[0]


def cli(*args: object, timeout: int = 120) -> subprocess.CompletedProcess:
    """``python -m cpd ARGS`` in a fresh process from the repo root, as a script or cron job runs it."""
    return subprocess.run(
        [sys.executable, "-m", "cpd", *map(str, args)],
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=Path(__file__).resolve().parents[1],
    )
