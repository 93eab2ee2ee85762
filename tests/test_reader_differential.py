"""The arrow reader (fastexcel) must read every workbook exactly as the cells reader (python-calamine) does.

Issue 16 swaps how xlsx cells are read and promises no behaviour change. Each workbook of the seeded corpus
(tests/workbook_corpus.py) is read with ``engine="cells"`` and ``engine="arrow"`` and compared field by field:
the grids ingest sees (every cell's type and value, row numbers, hidden rows and columns, merges, notices) and
the Roster (every frame's columns, dtypes and values; mappings; warnings with their kinds; unreadable
sentences). A refused file must be refused with the same sentence. A mismatch names the seed, what the
workbook exercises, the sheet, the Excel row and the column.

The arrow reader takes a sheet's first ``safety.SHEET_HEAD_BYTES`` (256 KB) of XML from calamine itself and
only the rows below through fastexcel, so a small sheet never reaches fastexcel. Most comparisons therefore run
with the head cut to SMALL_HEAD (the ``small_head`` fixture): the same code, with the cut after a few dozen
rows, so every workbook of more than ~60 rows is read through typed Arrow columns below it. Sheets of thousands
of rows are compared with the real head as well.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
from collections.abc import Sequence

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cpd import Reading, Source, load_catalogue, read_sources, safety
from cpd.errors import RecertError
from cpd.ingest.grid import Grid
from tests import workbook_corpus as corpus
from tests.workbook_corpus import BookSpec, Err, Formula, SheetSpec, Styled, Workbook

CAT = load_catalogue()
ENGINES = ("cells", "arrow")
FRAMES = ("trainers", "certifications", "activities", "cpr_cards", "ledger", "memberships")
SHOWN = 25  # differences listed in one failure message
FAST = corpus.fast_seeds()  # the suite's share of the corpus; the slow sweep reads 3 x N_WORKBOOKS one by one
BATCH = 10  # legitimate workbooks read together in the fast lane
FAST_UPLOADS = 8  # groups of several files compared on every run (the others are slow)
SMALL_HEAD = 16 * 1024  # bytes of sheet XML the arrow reader takes from calamine in most comparisons below
TINY_HEAD = 8 * 1024
REAL_HEAD = safety.SHEET_HEAD_BYTES


@pytest.fixture
def small_head(monkeypatch):
    """The arrow reader's head cut to SMALL_HEAD: fastexcel reads every row past the first few dozen."""
    monkeypatch.setattr(safety, "SHEET_HEAD_BYTES", SMALL_HEAD)


@pytest.fixture
def tiny_head(monkeypatch):
    """The head cut to TINY_HEAD, for the drawn sheets of short rows (the header rows still fit in it)."""
    monkeypatch.setattr(safety, "SHEET_HEAD_BYTES", TINY_HEAD)


# Reading --------------------------------------------------------------------------------------------------------
def _outcome(files: Sequence[Workbook], engine: str, *, date_order: str, on_error: str) -> object:
    """The Roster, or the project's error as (type, sentence, file, reason), or any other exception's repr."""
    sources = [Source(f.name, f.data) for f in files]
    try:
        return read_sources(sources, catalogue=CAT, date_order=date_order, on_error=on_error, engine=engine)
    except RecertError as exc:
        return ("refused", type(exc).__name__, str(exc), exc.file, getattr(exc, "reason", None))
    except Exception as exc:  # noqa: BLE001 - a crash on one side only is a difference like any other
        return ("crashed", type(exc).__name__, str(exc))


def _grids(files: Sequence[Workbook], engine: str) -> list[object]:
    """Every grid ingest would map, file by file and sheet by sheet, or the sentence that ended a file."""
    out: list[object] = []
    with Reading([Source(f.name, f.data) for f in files], engine=engine) as reading:
        for src, grids in reading:
            try:
                out.extend(grids)
            except RecertError as exc:
                out.append(("refused", src.name, type(exc).__name__, str(exc)))
            except Exception as exc:  # noqa: BLE001
                out.append(("crashed", src.name, type(exc).__name__, str(exc)))
        out.append(("copies", reading.copies))
    return out


# Comparing ------------------------------------------------------------------------------------------------------
def _same(a: object, b: object) -> bool:
    """Equal and of the same type (1 is not 1.0, -0.0 is not 0.0, NaN is NaN, NaT is NaT)."""
    if type(a) is not type(b):
        return False
    if a is b:
        return True
    if isinstance(a, float):
        assert isinstance(b, float)
        if math.isnan(a) or math.isnan(b):
            return math.isnan(a) and math.isnan(b)
        return a == b and math.copysign(1, a) == math.copysign(1, b)
    if a is pd.NaT or a is pd.NA:
        return True
    if isinstance(a, tuple | list):
        assert isinstance(b, tuple | list)
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    try:
        eq = a == b
    except (TypeError, ValueError):
        return False
    return bool(np.all(eq)) if not isinstance(eq, bool) else eq


def _where_row(frame: pd.DataFrame, i: int) -> str:
    row = frame.iloc[i]
    if {"file", "sheet", "row"} <= set(frame.columns):
        column = f", column {row['column']!r}" if "column" in frame.columns and row["column"] else ""
        return f"{row['file']}, sheet '{row['sheet']}', Excel row {row['row']}{column}"
    if "trainer_id" in frame.columns:
        return f"trainer_id {row['trainer_id']!r}"
    return f"position {i}"


def _frame_diffs(name: str, a: pd.DataFrame | None, b: pd.DataFrame | None) -> list[str]:
    if a is None or b is None:
        return (
            [] if a is None and b is None else [f"{name}: cells {type(a).__name__}, arrow {type(b).__name__}"]
        )
    out = []
    if list(a.columns) != list(b.columns):
        return [f"{name}: columns cells {list(a.columns)} != arrow {list(b.columns)}"]
    if len(a) != len(b):
        out.append(f"{name}: {len(a)} rows with cells, {len(b)} with arrow")
    if not a.index.equals(b.index):
        out.append(f"{name}: index differs ({a.index[:5].tolist()}... / {b.index[:5].tolist()}...)")
    for col in a.columns:
        if str(a[col].dtype) != str(b[col].dtype):
            out.append(f"{name}.{col}: dtype cells {a[col].dtype} != arrow {b[col].dtype}")
        for i, (x, y) in enumerate(zip(a[col].tolist(), b[col].tolist(), strict=False)):
            if not _same(x, y):
                out.append(f"{name}.{col} at {_where_row(a, i)}: cells {x!r} != arrow {y!r}")
    return out


def _roster_diffs(a: object, b: object) -> list[str]:
    if isinstance(a, tuple) or isinstance(b, tuple):
        return [] if a == b else [f"outcome: cells {_brief(a)} != arrow {_brief(b)}"]
    out = []
    for name in FRAMES:
        out += _frame_diffs(name, getattr(a, name), getattr(b, name))
    ma, mb = a.mappings, b.mappings  # type: ignore[attr-defined]
    if len(ma) != len(mb):
        out.append(f"mappings: {len(ma)} sheets with cells, {len(mb)} with arrow")
    for x, y in zip(ma, mb, strict=False):
        for f in dataclasses.fields(x):
            if not _same(getattr(x, f.name), getattr(y, f.name)):
                out.append(
                    f"mapping of {x.file}, sheet '{x.sheet}', field {f.name}: "
                    f"cells {getattr(x, f.name)!r} != arrow {getattr(y, f.name)!r}"
                )
    wa = [(getattr(w, "kind", None), str(w)) for w in a.warnings]  # type: ignore[attr-defined]
    wb = [(getattr(w, "kind", None), str(w)) for w in b.warnings]  # type: ignore[attr-defined]
    if wa != wb:
        only_a = [w for w in wa if w not in wb]
        only_b = [w for w in wb if w not in wa]
        out.append(
            f"warnings: only with cells {only_a[:3]}, only with arrow {only_b[:3]} (order same: {sorted(wa) == sorted(wb)})"
        )
    for name in ("unreadable", "ce_logged"):
        if getattr(a, name) != getattr(b, name):
            out.append(f"{name}: cells {getattr(a, name)!r} != arrow {getattr(b, name)!r}")
    return out


def _grid_diffs(a: list[object], b: list[object]) -> list[str]:
    out = []
    if len(a) != len(b):
        out.append(f"grids: {len(a)} with cells, {len(b)} with arrow")
    for ga, gb in zip(a, b, strict=False):
        if not (isinstance(ga, Grid) and isinstance(gb, Grid)):
            if ga != gb:
                out.append(f"grids: cells {_brief(ga)} != arrow {_brief(gb)}")
            continue
        where = f"{ga.file}, sheet '{ga.sheet}'"
        for f in dataclasses.fields(Grid):
            if f.name == "rows":
                continue
            x, y = getattr(ga, f.name), getattr(gb, f.name)
            if f.name == "row_numbers":
                x, y = list(x), list(y)
            if not _same(x, y):
                out.append(f"grid of {where}, {f.name}: cells {_brief(x)} != arrow {_brief(y)}")
        rows_a, rows_b = list(ga.rows), list(gb.rows)
        numbers = list(ga.row_numbers)
        if len(rows_a) != len(rows_b):
            out.append(f"grid of {where}: {len(rows_a)} rows with cells, {len(rows_b)} with arrow")
        for k, (ra, rb) in enumerate(zip(rows_a, rows_b, strict=False)):
            ra, rb = list(ra), list(rb)
            excel_row = numbers[k] if k < len(numbers) else f"#{k}"
            if len(ra) != len(rb):
                out.append(
                    f"grid of {where}, Excel row {excel_row}: {len(ra)} cells with cells, {len(rb)} with arrow"
                )
            for c, (x, y) in enumerate(zip(ra, rb, strict=False)):
                if not _same(x, y):
                    col = corpus._letters(ga.first_column + c)
                    out.append(
                        f"grid of {where}, Excel row {excel_row}, column {col}: "
                        f"cells {type(x).__name__} {_brief(x)} != arrow {type(y).__name__} {_brief(y)}"
                    )
    return out


def _brief(v: object) -> str:
    text = repr(v)
    return text if len(text) <= 160 else text[:150] + f"... ({len(text)} chars)"


def _compare(files: Sequence[Workbook], *, date_order: str, on_error: str = "raise") -> list[str]:
    diffs = _grid_diffs(_grids(files, "cells"), _grids(files, "arrow"))
    cells = _outcome(files, "cells", date_order=date_order, on_error=on_error)
    arrow = _outcome(files, "arrow", date_order=date_order, on_error=on_error)
    return diffs + _roster_diffs(cells, arrow)


def _message(files: Sequence[Workbook], diffs: list[str], date_order: str) -> str:
    head = "; ".join(f"seed {f.seed} ({f.name}: {', '.join(f.exercises)})" for f in files)
    more = f"\n  ... and {len(diffs) - SHOWN} more" if len(diffs) > SHOWN else ""
    return (
        f"arrow and cells readers differ on {head}, date order {date_order}:\n  "
        + "\n  ".join(diffs[:SHOWN])
        + more
    )


def _date_order(seed: int) -> str:
    return ("auto", "auto", "dmy", "mdy")[seed % 4]


# The corpus -----------------------------------------------------------------------------------------------------
def _batches(seeds: list[int], size: int = BATCH) -> list[tuple[int, ...]]:
    legit = [s for s in seeds if not corpus.refused_or_near_caps(s)]
    return [tuple(legit[i : i + size]) for i in range(0, len(legit), size)]


def _alone(seed: int) -> None:
    wb = corpus.workbook(seed)
    diffs = _compare([wb], date_order=_date_order(seed))
    assert not diffs, _message([wb], diffs, _date_order(seed))


@pytest.mark.usefixtures("small_head")
@pytest.mark.parametrize("batch", _batches(FAST), ids=lambda b: f"seeds {b[0]}-{b[-1]}")
def test_corpus_workbooks_read_the_same_with_both_engines(batch):
    """Read BATCH workbooks at a time (half the time of one by one: putting files together costs the same for
    one or eight); on a difference each one is read alone, so the message names the seed that differs."""
    files = [corpus.workbook(s) for s in batch]
    diffs = _compare(files, date_order=_date_order(batch[0]), on_error="collect")
    if not diffs:
        return
    alone = [(wb, d) for wb in files if (d := _compare([wb], date_order=_date_order(batch[0])))]
    assert not alone, "\n".join(_message([wb], d, _date_order(batch[0])) for wb, d in alone)
    raise AssertionError(
        _message(files, diffs, _date_order(batch[0])) + "\n(each workbook alone reads the same)"
    )


@pytest.mark.usefixtures("small_head")
@pytest.mark.parametrize("seed", [s for s in FAST if corpus.refused_or_near_caps(s)])
def test_hostile_damaged_and_near_cap_workbooks_are_read_or_refused_the_same(seed):
    _alone(seed)


@pytest.mark.usefixtures("small_head")
@pytest.mark.slow
@pytest.mark.parametrize("seed", range(3 * corpus.N_WORKBOOKS))
def test_every_corpus_workbook_read_alone_reads_the_same_with_both_engines(seed):
    _alone(seed)


@pytest.mark.parametrize(
    "seed",
    [
        pytest.param(s, marks=() if s in FAST else pytest.mark.slow)
        for s in range(corpus.N_WORKBOOKS)
        if corpus.family_of(s) == "big"
    ],
)
def test_sheets_of_thousands_of_rows_read_the_same_with_the_real_head(seed):
    assert safety.SHEET_HEAD_BYTES == REAL_HEAD
    _alone(seed)


def _upload(group: int) -> None:
    files = corpus.upload(group)
    diffs = _compare(files, date_order=_date_order(group), on_error="collect")
    assert not diffs, _message(files, diffs, _date_order(group))


@pytest.mark.usefixtures("small_head")
@pytest.mark.parametrize("group", range(FAST_UPLOADS))
def test_several_files_uploaded_together_read_the_same_with_both_engines(group):
    _upload(group)


@pytest.mark.usefixtures("small_head")
@pytest.mark.slow
@pytest.mark.parametrize("group", range(FAST_UPLOADS, corpus.N_UPLOADS))
def test_more_uploads_of_several_files_read_the_same_with_both_engines(group):
    _upload(group)


def test_a_big_sheet_with_a_wrong_crc_is_refused_by_both_engines():
    """A download damaged in one sheet part (its CRC no longer matches): the cells path refuses the workbook as
    damaged; a sheet past the real head must not be read through fastexcel as if nothing were wrong."""
    assert safety.SHEET_HEAD_BYTES == REAL_HEAD
    rows: list[list[object]] = [["Trainer", "Certification", "Expiration", "CEUs earned"]]
    rows += [
        [f"Trainer {i}", "NASM CPT", dt.date(2027, 1 + i % 12, 1 + i % 28), 0.5 * (i % 7)]
        for i in range(6000)
    ]
    good = corpus.write(BookSpec([SheetSpec("Roster", rows)]), "xlsxwriter")
    bad = corpus._repack(good, lambda _, b: b, crc_of={"xl/worksheets/sheet1.xml"})
    wb = Workbook(-2, "roster.xlsx", bad, ("damaged:bad_crc", "6,000 rows"))
    diffs = _compare([wb], date_order="auto")
    assert not diffs, _message([wb], diffs, "auto")


# The comparison can fail ---------------------------------------------------------------------------------------
def test_one_cell_that_differs_is_named_by_sheet_excel_row_and_column():
    wb = corpus.workbook(0)
    cells = _grids([wb], "cells")
    grid = next(g for g in cells if isinstance(g, Grid) and len(g.rows) > 2)
    rows = [list(r) for r in grid.rows]
    rows[2][1] = 1.0 if rows[2][1] == 1 and type(rows[2][1]) is int else 1  # the same number, another type
    changed = [dataclasses.replace(g, rows=rows) if g is grid else g for g in cells]
    diffs = _grid_diffs(cells, changed)
    where = f"sheet '{grid.sheet}', Excel row {grid.row_numbers[2]}, column {corpus._letters(grid.first_column + 1)}"
    assert len(diffs) == 1 and where in diffs[0], diffs


def test_one_roster_value_that_differs_is_named_by_file_sheet_and_row():
    wb = corpus.workbook(0)
    a = _outcome([wb], "cells", date_order="auto", on_error="raise")
    b = _outcome([wb], "cells", date_order="auto", on_error="raise")
    assert not _roster_diffs(a, b)
    ledger = b.ledger.copy()  # type: ignore[attr-defined]
    ledger.loc[ledger.index[0], "reason"] = "something else"
    diffs = _roster_diffs(a, dataclasses.replace(b, ledger=ledger))  # type: ignore[type-var]
    first = ledger.iloc[0]
    assert len(diffs) == 1 and f"sheet '{first['sheet']}', Excel row {first['row']}" in diffs[0], diffs
    refused = ("refused", "Refusal", "upload.xlsx: the file is empty", "upload.xlsx", "empty")
    assert _roster_diffs(refused, refused) == [] and _roster_diffs(refused, a)


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [(1, 1.0, False), (0.0, -0.0, False), (math.nan, math.nan, True), (pd.NaT, pd.NaT, True),
     ("1", 1, False), (dt.date(2027, 1, 1), dt.datetime(2027, 1, 1), False), ((1, "a"), (1, "a"), True),
     (True, 1, False), ("", None, False)],
)  # fmt: skip
def test_values_are_the_same_only_when_equal_and_of_one_type(a, b, same):
    assert _same(a, b) is same


# The corpus is what it says ---------------------------------------------------------------------------------------
def test_a_seed_always_gives_the_same_workbook():
    for seed in (0, 6, 9, 12, 14, 17, 19, 23, 45, 58):
        a, b = corpus.workbook.__wrapped__(seed), corpus.workbook.__wrapped__(seed)  # not the cached one
        assert (a.name, a.data, a.exercises) == (b.name, b.data, b.exercises), seed


def test_hostile_and_damaged_workbooks_are_refused_and_near_cap_ones_read():
    """Each hostile or damaged workbook is refused by today's reader and each near-cap one is read (or skipped
    for want of a header), so the comparisons above compare what they claim to."""
    for seed in FAST:
        if not corpus.refused_or_near_caps(seed):
            continue
        wb = corpus.workbook(seed)
        got = _outcome([wb], "cells", date_order="auto", on_error="raise")
        if wb.hostile:
            assert isinstance(got, tuple) and got[0] == "refused", (seed, wb.exercises, got)
        else:
            assert not isinstance(got, tuple) or "header" in got[2], (seed, wb.exercises, got)


COVERED = (
    "layout:roster", "layout:matrix", "layout:workbook", "layout:two_row_header", "layout:zoo", "merged_header",
    "title_rows", "blank_rows_above", "leading_empty_columns", "blank_rows", "total_row", "date_cells",
    "datetimes", "serial_with_date_format", "bare_serial", "text_dates_dmy", "text_dates_mdy", "text_dates_iso",
    "text_dates_words", "implausible_dates", "n/a", "numbers_as_text", "decimal_comma", "amounts_with_units",
    "leading_zero_text", "leading_zero_number", "ids_as_floats", "huge_ids", "booleans", "times", "durations",
    "errors", "formulas", "styled_numbers", "huge_and_tiny_numbers", "long_text", "unicode", "rtl", "emoji",
    "formula_text", "matrix_words", "date1904", "hidden_sheet", "hidden_rows", "hidden_columns", "empty_sheet",
    "sheet_without_header", "thousands_of_rows", "lang:fr", "lang:es", "writer:openpyxl", "writer:xlsxwriter",
    "writer:raw", "shared_strings", "inline_strings", "stored_zip_entries", "no_cell_references",
    "iso_date_cells", "chart_sheet", "near_caps", "damaged",
)  # fmt: skip


@pytest.mark.usefixtures("small_head")
def test_the_arrow_reader_reads_many_corpus_sheets_through_fastexcel():
    """The comparison compares the new reader, not only its fallback: with the small head, a good share of the
    corpus's sheets come back as the arrow reader's 2-D array (the cells path gives a list per row)."""
    through: list[str] = []
    for seed in FAST:
        if corpus.refused_or_near_caps(seed):
            continue
        grids = _grids([corpus.workbook(seed)], "arrow")
        through += [
            f"{seed}:{g.sheet}" for g in grids if isinstance(g, Grid) and isinstance(g.rows, np.ndarray)
        ]
    assert len(through) >= 10, through


def test_the_suites_share_of_the_corpus_covers_every_kind_of_input():
    tags: dict[str, int] = {}
    for seed in FAST:
        for t in corpus.workbook(seed).exercises:
            tags[t] = tags.get(t, 0) + 1
    assert not {t: tags.get(t, 0) for t in COVERED if tags.get(t, 0) < 1}
    assert {f"hostile:{h}" for h in corpus.HOSTILE} <= set(tags), set(corpus.HOSTILE) - {t[8:] for t in tags}
    assert {f"damaged:{d}" for d in corpus.DAMAGE} <= set(tags)
    assert len(FAST) >= 130 and corpus.N_WORKBOOKS * 3 >= 900


# Random sheets ------------------------------------------------------------------------------------------------
_TEXT = st.text(st.characters(blacklist_categories=("Cs", "Cc")) | st.sampled_from("\n\t"), max_size=12)
_NULLS = st.sampled_from([None, Err("#N/A"), Err("#DIV/0!"), "n/a", "NA", "null", "", "None", "#N/A"])
# One strategy per kind of column: what a typed column holds. "mixed" draws from all of them.
_KINDS = {
    "text": st.one_of(_TEXT, st.sampled_from(["n/a", "1,5", "00123", "03/04/2027", "=SUM(A1)", "TRUE"])),
    "int": st.integers(-(10**16), 10**16),
    "float": st.floats(allow_nan=False, allow_infinity=False),
    "bool": st.booleans(),
    "date": st.dates(dt.date(1905, 1, 1), dt.date(2100, 12, 31)),
    "datetime": st.datetimes(dt.datetime(1905, 1, 1), dt.datetime(2100, 12, 31)).map(
        lambda d: d.replace(microsecond=0)
    ),
    "time": st.times().map(lambda t: t.replace(microsecond=0)),
    "duration": st.integers(0, 10**6).map(lambda s: dt.timedelta(seconds=s)),
    "formula": st.tuples(
        st.sampled_from(["1+1", "A1", "TODAY()"]), st.one_of(st.none(), st.floats(0, 1e6), _TEXT)
    ).map(lambda t: Formula(*t)),
    "styled": st.tuples(
        st.integers(0, 99999), st.sampled_from(["00000", "0.00", "dd/mm/yyyy", "m/d/yy h:mm", "[h]:mm"])
    ).map(lambda t: Styled(*t)),
}
_KINDS["mixed"] = st.one_of(*_KINDS.values(), _NULLS, st.just("nan"))
# Mostly typed columns: a sheet with one mixed column is read by the cells path whole.
_COLUMN_KINDS = [k for k in _KINDS if k not in ("formula", "styled", "mixed")] * 4 + [
    "formula",
    "styled",
    "mixed",
]
_HEADERS = st.lists(
    st.sampled_from(
        ["Trainer", "Staff ID", "Club", "Certification", "Expiration", "Issued", "CEUs earned", "CPR/AED exp",
         "Date", "Course", "Amount", "Unit", "NASM CPT", "ACE GFI", "Notes", "Nom", "Fecha de vencimiento"]
    ),
    min_size=1, max_size=6, unique=True,
)  # fmt: skip


@st.composite
def _drawn_workbooks(draw: st.DrawFn) -> tuple[BookSpec, str]:
    """A sheet with titles above a header at a random row, then rows made of a few drawn values per column,
    each column of one kind (with nulls) or mixed, long enough (up to 90 rows) to pass the small head."""
    header = draw(_HEADERS)
    above = draw(st.lists(st.lists(_KINDS["mixed"], max_size=3), max_size=4))
    width = len(header) + draw(st.integers(0, 2))
    columns = []
    for _ in range(width):
        kind = draw(st.sampled_from(_COLUMN_KINDS))
        values = draw(st.lists(_KINDS[kind], min_size=1, max_size=4))
        nulls = draw(st.lists(_NULLS, max_size=2))
        columns.append(values + nulls)
    n = draw(st.sampled_from([3, 90, 120, 120]))
    picks = draw(st.lists(st.integers(0, 5), min_size=n * width, max_size=n * width))
    body = [[columns[c][picks[r * width + c] % len(columns[c])] for c in range(width)] for r in range(n)]
    lead = draw(st.integers(0, 2))
    rows = [[None] * lead + r for r in [*above, header, *body]]
    sheet = SheetSpec(
        "Sheet1",
        rows,
        hidden_rows=tuple(draw(st.sets(st.integers(1, len(rows)), max_size=2))),
        hidden_cols=tuple(draw(st.sets(st.integers(0, width - 1), max_size=1))),
        date_format=draw(st.sampled_from(["yyyy-mm-dd", "dd/mm/yyyy", "mm/dd/yyyy"])),
    )
    return BookSpec([sheet], date1904=draw(st.booleans())), draw(st.sampled_from(corpus.WRITERS))


@pytest.mark.usefixtures("tiny_head")
@settings(max_examples=25, suppress_health_check=[HealthCheck.too_slow])
@given(_drawn_workbooks(), st.sampled_from(["auto", "dmy", "mdy"]))
def test_random_sheets_read_the_same_with_both_engines(drawn, date_order):
    book, writer = drawn
    wb = Workbook(
        -1, "drawn.xlsx", corpus.write(book, writer), (f"writer {writer}", f"date1904={book.date1904}")
    )
    diffs = _compare([wb], date_order=date_order)
    assert not diffs, _message([wb], diffs, date_order) + f"\nrows: {book.sheets[0].rows!r}"
