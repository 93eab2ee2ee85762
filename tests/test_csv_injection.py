"""Issue 10, item 2: no CSV Recert writes runs a formula, whatever list separator the spreadsheet splits it on.

Excel in de, fr, nl, es and it splits a CSV line on ";", so a cell "Semi;=1+1;" written for "," became three cells
and ran =1+1. Every CSV (standings, reminder drafts, rejected rows) goes through ``cpd.export.write_csv``: checked
here by a property over any text, and by opening the three files in LibreOffice with ";", ",", tab and "|" as
the separator and reading back what it made of each cell.
"""

from __future__ import annotations

import csv
import io
import os
import re
import shutil
import subprocess
from datetime import date
from pathlib import Path

import openpyxl
import pytest
from hypothesis import given
from hypothesis import strategies as hs

from cpd.export import CSV_SEPARATORS, csv_text, excel_bytes, rejected_csv, standings_csv, write_csv
from cpd.reminders import drafts_csv
from tests.helpers import csv_bytes, run

CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
# Text that leans on the separators: formula characters, separators, quotes and spaces, controls.
TRICKY = hs.text(
    alphabet=hs.sampled_from(
        list("=+-@,;\t|\"' \r\nab1(") + ["\uff1d", "\uff0b", "\uff0d", "\uff20", "\u3000", "\x1b", "\x85"]
    )
)
ANY_TEXT = hs.one_of(hs.text(), TRICKY)


def pieces(text: str) -> list[str]:
    """Every piece a spreadsheet could take for a cell: the text split on any separator or line break."""
    return re.split(f"[{re.escape(CSV_SEPARATORS)}\r\n]", text)


def runs(piece: str) -> bool:
    """A piece that starts with a formula character, once the spaces and quotes a reader may drop are gone."""
    return bool(re.match(r'[\s"]*[=+\-@\uff1d\uff0b\uff0d\uff20\t\r\n]', piece))


@given(hs.lists(ANY_TEXT, min_size=1, max_size=4), hs.booleans())
def test_no_piece_of_a_written_csv_starts_a_formula_on_any_separator(cells, multiline):
    text = write_csv(
        [f"c{i}" for i in range(len(cells))],
        [cells],
        multiline=[f"c{i}" for i in range(len(cells))] if multiline else (),
    )
    bad = [p for p in pieces(text) if runs(p)]
    assert not bad, bad
    assert not CONTROL.search(text)


@given(ANY_TEXT)
def test_a_csv_cell_only_gains_quotes_and_loses_nothing_but_control_characters(cell):
    written = next(csv.reader(io.StringIO(write_csv(["c"], [[cell]]).split("\r\n", 1)[1])))[0]
    assert written == csv_text(cell)
    kept = re.sub("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]", "", cell.replace("'", ""))
    assert re.sub("[\ufffd ]", "", written.replace("'", "")) == re.sub("[\ufffd ]", "", kept)


@given(hs.integers(-(10**6), 10**6) | hs.floats(allow_nan=False, allow_infinity=False))
def test_numbers_are_written_as_numbers(n):
    line = write_csv(["n"], [[n]]).split("\r\n")[1]
    assert line == f'"{n}"'  # never '-32: a negative days-left is data


# LibreOffice ---------------------------------------------------------------------------------------------
HOSTILE = [
    "Semi;=1+1;",
    "a,=1+1",
    "t\t=1+1",
    "p|=1+1",
    "x; =1+1",
    'q;"=1+1',
    "=1+1",
    "@SUM(1;1)",
    "+1+1",
    "-1+1",
    "x;\uff1d1+1",
    "line\n=1+1",
    "\x1b[2J;=1+1",
    "y;-1+1",
    "z, @SUM(1,1)",
]
AS_OF = date(2026, 6, 1)
SEPARATORS = {";": 59, ",": 44, "tab": 9, "|": 124}
NUMERIC = {"required", "earned", "remaining", "days_left", "Row"}


@pytest.fixture(scope="module")
def hostile_csvs() -> dict[str, str]:
    """The three CSVs, with every hostile text in names, clubs, rejected values and the sign-off."""
    rows = [
        ["Trainer Name", "Club", "Certification", "Expiration", "CEUs earned", "Email"],
        ["Ana Silva", "Downtown", "NASM-CPT", "2026-07-31", "1.7", "ana@example.com"],
    ]
    for i, h in enumerate(HOSTILE):
        rows.append([f"{h} {i}", h, "NASM-CPT", "2026-07-31", "1", f"t{i}@example.com"])
        rows.append([f"N{i}", h, "ACE PT", h, "", ""])  # the expiry is rejected: the value is in the reason
    st = run({"roster.csv": csv_bytes(rows)}, as_of=AS_OF)
    assert st.counts["rejected"] == len(HOSTILE)
    return {
        "standings": standings_csv(st),
        "drafts": drafts_csv(st, sign_off="=1+1;=1+1"),
        "rejected": rejected_csv(st),
    }


def _libreoffice(csv_paths: list[Path], separator: int, out: Path, profile: Path) -> None:
    # Import filter options: separator, quote '"' (34), UTF-8 (76), from row 1. One process for all files.
    r = subprocess.run(
        [
            "soffice",
            "--headless",
            "--norestore",
            f"-env:UserInstallation=file://{profile}",
            f"--infilter=Text - txt - csv (StarCalc):{separator},34,76,1",
            "--convert-to",
            "xlsx",
            "--outdir",
            str(out),
            *map(str, csv_paths),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "HOME": str(profile)},
    )
    assert r.returncode == 0, r.stderr


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed")
def test_libreoffice_runs_no_formula_from_any_csv_on_any_separator(hostile_csvs, tmp_path):
    """The probe's check, kept: before the fix the ";" import of the standings made =1+1 a formula worth 2."""
    profile = tmp_path / "lo-profile"
    for name, text in hostile_csvs.items():
        (tmp_path / f"{name}.csv").write_bytes(excel_bytes(text))
    seen_text = set()
    for sep, code in SEPARATORS.items():
        _libreoffice([tmp_path / f"{name}.csv" for name in hostile_csvs], code, tmp_path / str(code), profile)
        for name in hostile_csvs:
            xlsx = tmp_path / str(code) / f"{name}.xlsx"
            formulas = openpyxl.load_workbook(xlsx).active
            values = openpyxl.load_workbook(xlsx, data_only=True).active
            assert values.max_row > len(HOSTILE), (sep, name)  # the file was read, not an empty sheet
            header = [c.value for c in next(values.iter_rows(max_row=1))]
            for row_f, row_v in zip(formulas.iter_rows(min_row=2), values.iter_rows(min_row=2), strict=True):
                for cf, cv in zip(row_f, row_v, strict=True):
                    assert cf.data_type != "f", (sep, name, cf.coordinate, cf.value)
                    numeric_column = (
                        sep == "," and cv.column <= len(header) and header[cv.column - 1] in NUMERIC
                    )
                    assert cv.value != 2 or numeric_column, (sep, name, cv.coordinate)
                    if isinstance(cv.value, str):
                        seen_text.add(cv.value)
    # Read with the right separator, the cells are the text as written (a quote in front, nothing run).
    assert {"Semi;'=1+1;", "'=1+1", "a,'=1+1", "'@SUM(1;1)", "x;'\uff1d1+1", "\ufffd[2J;'=1+1"} <= seen_text
