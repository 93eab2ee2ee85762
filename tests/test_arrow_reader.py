"""The arrow reader (fastexcel into Arrow columns) gives exactly the grids of the cells path (python-calamine).

Each workbook is written with openpyxl or XlsxWriter and read both ways; every Grid field and every cell (value
AND type) must agree. ``SHEET_HEAD_BYTES`` is made small so that short test sheets take the arrow path (a sheet
whose XML fits in the kept head is read whole by the cells path); a few cases use the real size.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import openpyxl
import pytest
import xlsxwriter

from cpd import safety
from cpd.ingest import arrow
from cpd.ingest.grid import Grid, read_grids
from cpd.ingest.shape import MAX_COLUMNS, shape

ROWS = 600  # data rows: the small head (12 KB) holds the first 40-100 of them
_FIELDS = (
    "file",
    "sheet",
    "row_numbers",
    "hidden",
    "date1904",
    "text",
    "hidden_rows",
    "notices",
    "first_column",
    "hidden_columns",
    "merged",
)


@pytest.fixture
def small_head(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(safety, "SHEET_HEAD_BYTES", 12 * 1024)


def _cells(grid: Grid) -> list[list[tuple[type, object]]]:
    shaped = shape(grid.rows, text=grid.text)
    return [[(type(v), v) for v in row] for row in shaped.cells.tolist()]


def _both(data: bytes) -> tuple[list[Grid], list[Grid]]:
    return read_grids("book.xlsx", data, engine="arrow"), read_grids("book.xlsx", data, engine="cells")


def assert_same(data: bytes) -> list[str]:
    """Both engines' grids agree; returns, per sheet, "arrow" or "cells" (the path the arrow engine took)."""
    got, want = _both(data)
    assert [g.sheet for g in got] == [g.sheet for g in want]
    paths = []
    for a, c in zip(got, want, strict=True):
        for f in _FIELDS:
            assert getattr(a, f) == getattr(c, f), (a.sheet, f)
        sa, sc = shape(a.rows, text=a.text), shape(c.rows, text=c.text)
        assert sa.columns.tolist() == sc.columns.tolist() and sa.in_use == sc.in_use
        assert _cells(a) == _cells(c), a.sheet
        paths.append("arrow" if isinstance(a.rows, np.ndarray) else "cells")
    return paths


# ----------------------------------------------------------------------------------------------- workbooks
def _xlsxwriter(build: Callable[[xlsxwriter.Workbook], None], **options: object) -> bytes:
    out = io.BytesIO()
    wb = xlsxwriter.Workbook(out, {"in_memory": True, **options})
    build(wb)
    wb.close()
    return out.getvalue()


def _openpyxl(build: Callable[[openpyxl.Workbook], None]) -> bytes:
    wb = openpyxl.Workbook()
    build(wb)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _every_type(wb: xlsxwriter.Workbook) -> None:
    """One column per kind of value, each with empty cells, error cells and "null" strings among them."""
    ws = wb.add_worksheet("Types")
    date = wb.add_format({"num_format": "yyyy-mm-dd"})
    stamp = wb.add_format({"num_format": "yyyy-mm-dd hh:mm:ss"})
    clock = wb.add_format({"num_format": "hh:mm"})
    span = wb.add_format({"num_format": "[h]:mm:ss"})
    heads = ["Number", "Text", "Flag", "Date", "Stamp", "Time", "Span", "Mostly empty"]
    ws.write_row(0, 0, heads)
    for r in range(1, ROWS):
        k = r % 17
        if k == 3:
            for c in range(len(heads)):
                ws.write_formula(r, c, "=1/0", None, "#DIV/0!")
            continue
        if k == 5:
            for c, s in enumerate(["n/a", "NA", "null", "#N/A", "None", "", "N/A", "NULL"]):
                ws.write_string(r, c, s)
            continue
        if k == 7:
            continue  # an empty row
        ws.write_number(r, 0, [124, 1.5, -3.25, 0, 1e15, 2.5e-7, 100001][r % 7])
        ws.write_string(r, 1, ["text", "0123", " ", "Ünïcode ✓", 'quote "x"', "back\\slash", "a\nb"][r % 7])
        ws.write_boolean(r, 2, bool(r % 2))
        ws.write_datetime(r, 3, dt.datetime(2020, 1, 1) + dt.timedelta(days=r * 3), date)
        ws.write_datetime(r, 4, dt.datetime(2024, 5, 6, 7, 8, 9) + dt.timedelta(minutes=r * 37), stamp)
        ws.write_datetime(r, 5, dt.time(r % 24, r % 60, 0), clock)
        ws.write_number(r, 6, (r % 50) / 7, span)
        if r % 97 == 0:
            ws.write_string(r, 7, "rare")


def _titles_above_header(wb: xlsxwriter.Workbook) -> None:
    ws = wb.add_worksheet("Roster")
    ws.write(0, 0, "Club Downtown: certifications")
    ws.write(1, 0, "Printed 2026-01-02")
    ws.write_row(4, 0, ["Trainer", "Certification", "Expires", "Hours"])
    date = wb.add_format({"num_format": "dd/mm/yyyy"})
    for r in range(5, 5 + ROWS):
        ws.write(r, 0, f"Trainer {r}")
        ws.write(r, 1, ["CPR", "ACE CPT", "NASM CPT"][r % 3])
        ws.write_datetime(r, 2, dt.datetime(2026, 1, 1) + dt.timedelta(days=r), date)
        ws.write_number(r, 3, r % 9)


def _empty_leading(wb: xlsxwriter.Workbook) -> None:
    """Data from D6 on, and a cell in column B far below the head: calamine's first column is B."""
    ws = wb.add_worksheet("Offset")
    ws.write_row(5, 3, ["Name", "Score", "When"])
    date = wb.add_format({"num_format": "yyyy-mm-dd"})
    for r in range(6, 6 + ROWS):
        ws.write(r, 3, f"p{r}")
        ws.write_number(r, 4, r / 4)
        ws.write_datetime(r, 5, dt.datetime(2025, 3, 1) + dt.timedelta(days=r), date)
    ws.write(6 + ROWS + 3, 1, "note far left")


def _date1904(wb: xlsxwriter.Workbook) -> None:
    ws = wb.add_worksheet("Mac")
    date = wb.add_format({"num_format": "yyyy-mm-dd"})
    stamp = wb.add_format({"num_format": "yyyy-mm-dd hh:mm"})
    clock = wb.add_format({"num_format": "hh:mm:ss"})
    ws.write_row(0, 0, ["Name", "Date", "Stamp", "Time", "Serial"])
    for r in range(1, ROWS):
        ws.write(r, 0, f"n{r}")
        ws.write_datetime(r, 1, dt.datetime(1990, 1, 1) + dt.timedelta(days=r * 11), date)
        ws.write_datetime(r, 2, dt.datetime(2001, 2, 3, 4, 5) + dt.timedelta(hours=r * 5), stamp)
        ws.write_number(r, 3, (r % 40) / 41, clock)  # below 1.0: a time of day
        ws.write_number(r, 4, r, date)  # whole serials near the 1904 epoch


def _merged_header(wb: openpyxl.Workbook) -> None:
    ws = wb.active
    ws.title = "Matrix"
    ws["A1"] = "Trainer"
    ws["B1"] = "CPR"
    ws["D1"] = "ACE"
    ws.merge_cells("B1:C1")
    ws.merge_cells("D1:E1")
    ws.merge_cells("A1:A2")
    ws.append([None, "Issued", "Expires", "Issued", "Expires"])
    for r in range(ROWS):
        d = dt.datetime(2024, 1, 1) + dt.timedelta(days=r)
        ws.append([f"T{r}", d, d + dt.timedelta(days=730), d, None if r % 5 else d])


def _hidden(wb: openpyxl.Workbook) -> None:
    ws = wb.active
    ws.title = "Staff"
    ws.append(["Name", "Hired", "Club"])
    for r in range(ROWS):
        ws.append([f"S{r}", dt.datetime(2019, 1, 1) + dt.timedelta(days=r), ["North", "South"][r % 2]])
    for r in (3, 60, 200):
        ws.row_dimensions[r].hidden = True
    ws.column_dimensions["C"].hidden = True
    other = wb.create_sheet("Old")
    other.sheet_state = "hidden"
    other.append(["Name"])
    for r in range(ROWS):
        other.append([f"x{r}"])


def _shared_strings(wb: openpyxl.Workbook) -> None:
    """openpyxl writes every string to the shared-strings table (Excel does too)."""
    ws = wb.active
    ws.title = "Shared"
    ws.append(["ID", "Course", "Credits", "Approved"])
    for r in range(ROWS):
        ws.append([f"{r:06d}", ["Kettlebell", "Pilates Mat", "CPR/AED"][r % 3], r % 4 * 0.5, r % 3 == 0])


@dataclass(frozen=True)
class ErrorCell:
    shown: str  # the error Excel shows, as the formula's cached value


def _mixed(column: list[object], fmt: str | None = None) -> Callable[[xlsxwriter.Workbook], None]:
    """A column cycling through ``column`` (a (value, number format) pair takes its own format)."""

    def build(wb: xlsxwriter.Workbook) -> None:
        ws = wb.add_worksheet("Mixed")
        ws.write_row(0, 0, ["Name", "Value"])
        for r in range(1, ROWS):
            ws.write(r, 0, f"m{r}")
            v = column[r % len(column)]
            v, own = v if isinstance(v, tuple) else (v, fmt)
            f = wb.add_format({"num_format": own}) if own else None
            if isinstance(v, ErrorCell):
                ws.write_formula(r, 1, "=NOSUCH()", None, v.shown)
            elif isinstance(v, dt.datetime):
                ws.write_datetime(r, 1, v, f)
            elif isinstance(v, (int, float)) and not isinstance(v, bool) and f is not None:
                ws.write_number(r, 1, v, f)
            else:
                ws.write(r, 1, v)

    return build


ARROW_CASES = {
    "every cell type, with empty, error and null-string cells": lambda: _xlsxwriter(_every_type),
    "titles above the header": lambda: _xlsxwriter(_titles_above_header),
    "empty leading rows and columns, a far-left cell below": lambda: _xlsxwriter(_empty_leading),
    "a 1904 workbook": lambda: _xlsxwriter(_date1904, date_1904=True),
    "a merged two-row header": lambda: _openpyxl(_merged_header),
    "hidden rows, a hidden column and a hidden sheet": lambda: _openpyxl(_hidden),
    "shared strings (openpyxl)": lambda: _openpyxl(_shared_strings),
    "inline strings (XlsxWriter constant memory)": lambda: _xlsxwriter(
        _titles_above_header, constant_memory=True
    ),
    "date-times with serials below 1.0 and whole ones": lambda: _xlsxwriter(
        _mixed([45000.5, 0.25, 1.0, 45001.0, 0.0, 59.0, 60.0, 61.0], "yyyy-mm-dd hh:mm")
    ),
}


@pytest.mark.usefixtures("small_head")
@pytest.mark.parametrize("case", ARROW_CASES)
def test_arrow_reader_gives_the_cells_of_calamine(case: str) -> None:
    paths = assert_same(ARROW_CASES[case]())
    assert "arrow" in paths  # the case did exercise the arrow path


FALLBACK_CASES = {
    "dates and a text": _mixed([dt.datetime(2026, 1, 2), "pending", dt.datetime(2026, 3, 4)], "yyyy-mm-dd"),
    "numbers and a text": _mixed([1.5, "see note", 2.0]),
    "numbers and booleans": _mixed([1.0, True, 3.0]),
    "a 'nan' text in a number column": _mixed([1.0, "nan", 2.0]),
    "a date past 9999": _mixed([45000.0, 2958466.5], "yyyy-mm-dd"),
    "dates and durations": _mixed([(45000.5, "yyyy-mm-dd hh:mm"), (1.25, "[h]:mm")]),
    "an error cell fastexcel refuses (#NAME?)": _mixed([1.0, ErrorCell("#NAME?"), 2.0]),
}


@pytest.mark.usefixtures("small_head")
@pytest.mark.parametrize("case", FALLBACK_CASES)
def test_arrow_reader_falls_back_to_the_cells_path_when_it_cannot_be_exact(case: str) -> None:
    assert assert_same(_xlsxwriter(FALLBACK_CASES[case])) == ["cells"]


def test_small_sheet_is_read_by_the_cells_path_whole() -> None:
    assert assert_same(_xlsxwriter(_titles_above_header)) == ["cells"]  # its XML fits in the real head


def test_big_sheet_takes_the_arrow_path_with_the_real_head() -> None:
    def build(wb: xlsxwriter.Workbook) -> None:
        ws = wb.add_worksheet("Log")
        date = wb.add_format({"num_format": "yyyy-mm-dd"})
        ws.write_row(0, 0, ["Staff ID", "Date", "Course", "Amount", "Unit"])
        for r in range(1, 6000):
            ws.write_number(r, 0, 100000 + r // 15)
            ws.write_datetime(r, 1, dt.datetime(2024, 1, 1) + dt.timedelta(days=r % 900), date)
            ws.write(r, 2, ["Kettlebell Level 1", "Pilates Mat", "CPR/AED renewal"][r % 3])
            ws.write_number(r, 3, [1.5, 0.1, 3][r % 3]) if r % 50 else ws.write(r, 3, "n/a")
            ws.write(r, 4, ["CEU", "hours"][r % 2])

    assert assert_same(_xlsxwriter(build)) == ["arrow"]


def test_header_below_the_head_is_read_by_the_cells_path(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(safety, "SHEET_HEAD_BYTES", 1024)  # fewer rows than the header scan needs
    assert assert_same(_xlsxwriter(_titles_above_header)) == ["cells"]


def test_wide_sheet_is_capped_like_the_cells_path(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(safety, "SHEET_HEAD_BYTES", 512 * 1024)  # ~60 of its 8 KB rows

    def build(wb: xlsxwriter.Workbook) -> None:
        ws = wb.add_worksheet("Wide")
        ws.write_row(0, 0, [f"H{c}" for c in range(MAX_COLUMNS + 20)])
        for r in range(1, 130):
            ws.write_row(r, 0, [r * c for c in range(MAX_COLUMNS + 20)])

    got, want = _both(_xlsxwriter(build))
    a, c = shape(got[0].rows, text=False), shape(want[0].rows, text=False)
    assert a.capped and a.in_use == c.in_use and a.columns.tolist() == c.columns.tolist()
    assert assert_same(_xlsxwriter(build)) == ["arrow"]


# ------------------------------------------------------------------------------------------- the pieces
@pytest.mark.parametrize(
    ("detail", "value"),
    [
        ("Expected float but got 'String(\"n/a\")'", "n/a"),
        ('Expected boolean but got \'String("NA")', "NA"),  # fastexcel leaves this quote open
        ("Expected datetime but got 'String(\"\")'", ""),
        ("Expected float but got 'Error(Div0)'", ""),
        ("Expected string but got 'Error(NA)'", ""),
    ],
)
def test_reported_cell_is_calamines_value(detail: str, value: object) -> None:
    assert arrow._error_value(detail) == value


@pytest.mark.parametrize(
    "detail",
    [
        "Expected float but got 'String(\"pending\")'",  # not a null string: cannot be in a strict column
        "Expected datetime but got 'Float(3.0)'",
        "Expected float but got 'DateTime(ExcelDateTime { value: 1e20, datetime_type: DateTime, is_1904: false })'",
        "something else",
    ],
)
def test_unexpected_reported_cell_falls_back(detail: str) -> None:
    with pytest.raises(arrow.Fallback):
        arrow._error_value(detail)


@pytest.mark.parametrize(
    ("ms", "date1904", "value"),
    [
        (0, False, dt.date(1970, 1, 1)),
        (3_600_000, False, dt.datetime(1970, 1, 1, 1, 0)),
        (arrow._DAY_ONE_MS[False] - 60_000, False, dt.time(23, 59)),  # serial just below 1.0
        (arrow._DAY_ONE_MS[False], False, dt.date(1900, 1, 1)),  # serial 1.0
        (arrow._DAY_ONE_MS[True] - 1, True, dt.time(23, 59, 59, 999000)),
        (arrow._DAY_ONE_MS[True], True, dt.date(1904, 1, 2)),
    ],
)
def test_milliseconds_become_python_calamines_date_time_or_datetime(
    ms: int, date1904: bool, value: object
) -> None:
    got = arrow._datetimes(np.array([ms], dtype=np.int64), date1904)[0]
    assert type(got) is type(value) and got == value


@pytest.mark.parametrize(
    "head",
    [
        b"<worksheet><sheetData><row r='1'><c r='A1'><v>1</v></c></row><!-- x --></sheetData>",
        b"<worksheet><sheetData><row r='2'></row><row r='1'></row></sheetData>",  # out of order
        b"<worksheet><sheetData><row><c r='A1'><v>1</v></c></row></sheetData>",  # no row number
        b"<worksheet><sheetData/></worksheet>",
        b"<worksheet><sheetData><row r='1'><c r='A1'><v>1</v>",  # no whole row
    ],
)
def test_head_that_cannot_be_cut_safely_falls_back(head: bytes) -> None:
    with pytest.raises(arrow.Fallback):
        arrow._head_cut(head)


def test_head_is_cut_after_its_last_whole_row() -> None:
    head = b'<x:worksheet><x:sheetData><x:row r="1"><x:c r="A1"/></x:row><x:row r="3"/><x:row r="4"><x:c'
    cut, last, prefix = arrow._head_cut(head)
    assert head[:cut].endswith(b'<x:row r="3"/>') and last == 3 and prefix == b"x:"


def _zip_with(name: str, body: bytes) -> tuple[zipfile.ZipFile, zipfile.ZipInfo]:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(name, body)
    zin = zipfile.ZipFile(io.BytesIO(out.getvalue()))
    return zin, zin.infolist()[0]


SST = b'<?xml version="1.0"?>\n<x:sst xmlns:x="m" count="4"><x:si><x:t>a</x:t></x:si><x:si/><x:si><x:r><x:t>b</x:t></x:r></x:si><x:si><x:t>c</x:t></x:si></x:sst>'


@pytest.mark.parametrize(
    ("count", "kept"),
    [
        (0, b'<?xml version="1.0"?>\n<x:sst xmlns:x="m" count="4"></x:sst>'),
        (2, b'<?xml version="1.0"?>\n<x:sst xmlns:x="m" count="4"><x:si><x:t>a</x:t></x:si><x:si/></x:sst>'),
        (4, SST),
        (9, SST),  # more than the part holds: the whole part (calamine then reports the missing string)
    ],
)
def test_shared_strings_are_cut_after_the_last_string_the_head_uses(count: int, kept: bytes) -> None:
    zin, info = _zip_with("xl/sharedStrings.xml", SST)
    assert arrow._strings_prefix(zin, info, count) == kept


def test_shared_strings_with_a_comment_are_kept_whole() -> None:
    body = SST.replace(b"<x:si/>", b"<!-- </x:si> --><x:si/>")
    zin, info = _zip_with("xl/sharedStrings.xml", body)
    assert arrow._strings_prefix(zin, info, 2) == body


def test_strings_used_counts_the_highest_shared_string_index_of_the_head() -> None:
    xml = b'<row r="1"><c r="A1" t="s"><v>3</v></c><c r="B1" t="s"/><c r="C1"><v>45000</v></c><c r="D1" t="s"><v>7</v></c></row>'
    assert arrow._strings_used(xml) == 8
