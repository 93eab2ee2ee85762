"""The Excel compliance report: one workbook a manager can forward to an owner, HR or an auditor.

Written with XlsxWriter, chosen by measurement (``benchmarks/bench_report.py``): on the chain-sized Standings
sheet it is over ten times faster than openpyxl, and it has native charts; ``TableSheet`` below makes the big
tables another three times faster. Every value from the input is written as a string cell (and the workbook
refuses to turn strings into formulas or links), so a trainer called ``=HYPERLINK(...)`` stays a name.
Pure: the Standing, the catalogue and the generation time in, bytes out.
"""

from __future__ import annotations

import io
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

import numpy as np
import pandas as pd
import xlsxwriter
from xlsxwriter.format import Format
from xlsxwriter.utility import xl_col_to_name
from xlsxwriter.worksheet import RowInfo, Worksheet

from .attention import attention_frame
from .catalogue import Catalogue
from .export import FORMULA_START  # text Excel would read as a formula if retyped: quote-prefixed too
from .fmt import DAY_EXCEL, day, status_label
from .ingest.assemble import stable_id
from .model import STATUS_COLOURS, STATUSES, TRAINER_STATUSES, Standing
from .text import fold

DATE_FORMAT = DAY_EXCEL  # unambiguous in every locale, and still a real date Excel can sort and filter
DATETIME_FORMAT = f"{DAY_EXCEL} hh:mm"
NUMBER_FORMAT = "#,##0.0#"
INT_FORMAT = "0"
PCT_FORMAT = "0%"
CHART_CLUBS = 25  # clubs shown in the chart (the least compliant first); the table lists them all
CHART_ROW, CHART_COL = (
    1,
    4,
)  # the summary chart's top-left cell (E2): beside the figures, above the club table
ROW_PIXELS = 20  # default row height (15 points)
SUMMARY_VALUE_WIDTH = 20  # column B of the summary: "27 Nov 2026 14:55" with room to spare (no "###")
SUMMARY_ONE_PAGE_CLUBS = (
    40  # up to this many clubs the summary prints on one page; more run on, one page wide
)
_EPOCH = pd.Timestamp("1899-12-30")
_MIN_SERIAL = 61.0  # 1 Mar 1900: Excel serials before it are off by one (the 1900 leap-year bug)

MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SHEETS = (
    "Summary",
    "Needs attention",
    "Standings",
    "Trainers",
    "Rejected rows",
    "Rules",
    "Files read",
    "Warnings",
)


@dataclass(frozen=True)
class Column:
    """One column of a table sheet: header, kind of value and a width cap (characters)."""

    header: str
    kind: str  # text | wrap | status | int | num | pct | date | datetime
    cap: int = 45
    comment: str = ""


# Building blocks -------------------------------------------------------------------------------------------
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _printable(values: list[Any]) -> list[Any]:
    """Drop control characters (a bell, an escape) that no spreadsheet can show; one scan when there are none."""
    if not _CONTROL.search("\n".join(v for v in values if v.__class__ is str)):
        return values
    return [(_CONTROL.sub("", v) or None) if v.__class__ is str else v for v in values]


def _texts(s: pd.Series) -> list[str | None]:
    """Strings, None where missing or empty (blank cell)."""
    na = s.isna().tolist()
    return _printable([None if m or v == "" else str(v) for v, m in zip(s.tolist(), na, strict=True)])


def _numbers(s: pd.Series) -> list[float | None]:
    f = pd.to_numeric(s, errors="coerce").astype(float).to_numpy() + 0.0  # -0.0 becomes 0.0
    ok = np.isfinite(f)
    return [float(v) if k else None for v, k in zip(f.tolist(), ok.tolist(), strict=True)]


def _serials(s: pd.Series) -> list[float | str | None]:
    """Excel date serials (written as numbers with a date format: fast and real); ISO text before 1900."""
    ts = pd.to_datetime(s, errors="coerce")
    days = ((ts - _EPOCH) / pd.Timedelta(days=1)).to_numpy(dtype=float, na_value=np.nan)
    out: list[float | str | None] = [None if math.isnan(d) else d for d in days.tolist()]
    for i in np.flatnonzero(days < _MIN_SERIAL).tolist():
        out[i] = ts.iloc[i].date().isoformat()
    return out


_MADE_UP_ID = re.compile(r"t-[0-9a-f]{10}")  # cpd.ingest.assemble.stable_id: "t-" + 10 hex digits of the name
_SHARED_ID = re.compile(
    r".-[0-9a-f]{4}$"
)  # a file's id shared by two people, told apart by 4 digits of the name


def _file_ids(ids: pd.Series, names: pd.Series) -> list[str | None]:
    """Trainer ids as the files wrote them, or nothing: an id Recert made up from a name (``stable_id``) is
    internal, and a file's id that two people shared (made "S1-1a2b" to tell them apart) is shown as written."""
    seen: dict[tuple[Any, Any], str | None] = {}  # a chain's standings repeat each trainer two or three times
    out: list[str | None] = []
    for pair in zip(ids.tolist(), names.tolist(), strict=True):
        if pair not in seen:
            seen[pair] = _file_id(*pair)
        out.append(seen[pair])
    return _printable(out)


def _file_id(tid: Any, name: Any) -> str | None:
    text = "" if tid is None or (isinstance(tid, float) and math.isnan(tid)) else str(tid)
    if not text or _MADE_UP_ID.fullmatch(text):
        return None
    if _SHARED_ID.search(text) and isinstance(name, str):
        suffix = "-" + stable_id(fold(name))[2:6]
        if text.endswith(suffix) and len(text) > len(suffix):
            return text[: -len(suffix)]
    return text


def _yes_no(s: pd.Series) -> list[str | None]:
    na = s.isna().tolist()
    return [None if m else ("Yes" if bool(v) else "No") for v, m in zip(s.tolist(), na, strict=True)]


def _joined(s: pd.Series, sep: str = "; ") -> list[str | None]:
    out: list[str | None] = []
    for v in s.tolist():
        if isinstance(v, list | tuple):
            out.append(sep.join(str(x) for x in v) or None)
        else:
            out.append(None if v is None or (isinstance(v, float) and math.isnan(v)) or v == "" else str(v))
    return _printable(out)


def _hex(colour: str) -> tuple[int, int, int]:
    c = colour.lstrip("#")
    return int(c[0:2], 16), int(c[2:4], 16), int(c[4:6], 16)


def tint(colour: str, share: float = 0.82) -> str:
    """The status colour mixed with white: a row background that stays readable."""
    r, g, b = (round(v + (255 - v) * share) for v in _hex(colour))
    return f"#{r:02x}{g:02x}{b:02x}"


def ink(colour: str) -> str:
    """Black or white text, whichever reads better on ``colour``."""
    r, g, b = _hex(colour)
    return "#000000" if (0.299 * r + 0.587 * g + 0.114 * b) / 255 > 0.55 else "#ffffff"


class _Styles:
    """Formats created once per (row style, kind, quote prefix): XlsxWriter formats are workbook-wide."""

    _NUM = {
        "int": INT_FORMAT,
        "num": NUMBER_FORMAT,
        "pct": PCT_FORMAT,
        "date": DATE_FORMAT,
        "datetime": DATETIME_FORMAT,
    }

    def __init__(self, wb: xlsxwriter.Workbook):
        self.wb = wb
        self._cache: dict[tuple[str | None, str, bool], Format] = {}
        self.header = wb.add_format(
            {"bold": True, "bg_color": "#e7e9ec", "bottom": 1, "valign": "top", "text_wrap": True}
        )
        self.title = wb.add_format({"bold": True, "font_size": 16})
        self.section = wb.add_format({"bold": True, "font_size": 12})
        self.label = wb.add_format({"bold": True})
        self.note = wb.add_format({"italic": True, "font_color": "#57606a"})

    def get(self, style: str | None, kind: str, quote: bool = False) -> Format:
        key = (style, kind, quote)
        fmt = self._cache.get(key)
        if fmt is None:
            props: dict[str, Any] = {"valign": "top"}
            if kind in self._NUM:
                props["num_format"] = self._NUM[kind]
            if kind == "status" and style in STATUS_COLOURS:
                props.update(bg_color=STATUS_COLOURS[style], font_color=ink(STATUS_COLOURS[style]), bold=True)
            elif style in STATUS_COLOURS:
                props["bg_color"] = tint(STATUS_COLOURS[style])
            if kind == "wrap":
                props.update(text_wrap=True, align="left")
            if quote:
                props["quote_prefix"] = True
            fmt = self.wb.add_format(props)
            self._cache[key] = fmt
        return fmt


def _width(header: str, values: list[Any], kind: str, cap: int) -> float:
    """Characters wide enough for the longest value (capped) and the longest word of the header plus the filter
    button: headers wrap (``_header_lines``), so a long header does not widen a column of short values."""
    if kind == "date":
        longest = 11
    elif kind == "datetime":
        longest = 17
    elif kind in ("int", "num", "pct"):
        numbers = [abs(v) for v in values if v.__class__ is float]
        longest = len(f"{max(numbers):,.2f}") + 1 if numbers else 4
    else:
        longest = max(map(len, filter(None, values)), default=0)
    return float(max(min(_longest_word(header) + FILTER_BUTTON, 30), min(cap, longest + 1)))


FILTER_BUTTON = 3  # characters the filter drop-down covers at the right of a header cell
LINE_POINTS = 15.0  # height of one line of 11-point text
# Characters a wrapped line loses to the word that did not fit, on average and then some: a long text's rows are
# sized by length / (line - slack), which a few thousand rows afford (a word-by-word wrap costs 0.5 s at 27k rows).
WRAP_SLACK = 6


def _longest_word(header: str) -> int:
    return max(map(len, header.split()), default=0)


def _header_lines(header: str, width: float) -> int:
    """Lines a wrapped header takes in a column ``width`` characters wide (the filter button's room kept)."""
    return _wrapped_lines(header, max(1.0, width - FILTER_BUTTON))


def _wrapped_lines(text: str, room: float) -> int:
    """Lines ``text`` takes when wrapped at spaces into lines of ``room`` characters (a longer word is broken)."""
    lines, used = 1, 0
    for word in text.split(" "):
        need = len(word) if used == 0 else used + 1 + len(word)
        if used and need > room:
            lines, used = lines + 1, len(word)
        else:
            used = need
        while used > room:  # a word longer than a line runs on to the next
            lines, used = lines + 1, used - max(1, int(room))
    return lines


_NUMERIC_KINDS = frozenset({"date", "datetime", "int", "num", "pct"})
_KINDS = ("text", "wrap", "status", "int", "num", "pct", "date", "datetime")
# Serialise big tables with TableSheet (below). Switched off only by the test that proves both paths write
# byte-identical workbooks.
FAST_TABLES = True


def _cell(v: Any, kind: str, f: dict[tuple[str, bool], Format]) -> Format:
    """The format of one non-empty cell: the column's kind, text for out-of-range dates, quote prefix for
    formula-looking text. Shared by both write paths so they cannot disagree."""
    if v.__class__ is str:
        return f[("text" if kind in _NUMERIC_KINDS else kind, v.startswith(FORMULA_START))]
    return f[(kind, False)]


class TableSheet(Worksheet):
    """A worksheet that writes one large table as XML text at once instead of one cell object at a time.

    XlsxWriter keeps an object per cell and serialises it with generic XML helpers: about 7 µs a cell on a
    small server, 7 s for the chain's million cells. ``put_rows`` registers the strings in the shared-string
    table in the order ``write_string`` would and renders each row's ``<c>`` elements exactly as XlsxWriter
    renders them; ``_write_rows`` inserts those rows after the header. Everything else (header, comments,
    filter, panes, widths) goes through the public API. ``tests/test_report.py`` checks that the workbook is
    byte-identical to the one the stock cell-by-cell path writes, so an XlsxWriter upgrade that changes the
    internals fails a test instead of a report.
    """

    def __init__(self) -> None:
        super().__init__()
        self._bulk: list[tuple[int, int, int, str]] = []
        self._heights: dict[int, RowInfo] = {}

    def put_rows(
        self,
        first_row: int,
        data: Sequence[list[Any]],
        kinds: Sequence[str],
        row_formats: Sequence[dict[tuple[str, bool], Format]],
        styled: Sequence[bool],
        heights: dict[int, float] | None = None,
    ) -> None:
        """Rows ``first_row``.. of the table: they must be the last rows of the sheet, given once.
        ``heights`` maps a row to its height in points, as ``set_row`` would.

        Column by column with numpy instead of cell by cell: the shared strings are numbered in first-appearance
        order over the rows, as ``write_string`` numbers them, and each cell is the same XML text XlsxWriter
        writes. The formats must already have their index (``write_table`` assigns them, on both paths).
        """
        if self._bulk or self.constant_memory:
            raise RuntimeError("put_rows: one table per sheet, not in constant_memory mode")
        n, ncols = (len(data[0]) if data else 0), len(kinds)
        if not n:
            return
        styles: dict[int, int] = {}
        style = np.array([styles.setdefault(id(f), len(styles)) for f in row_formats], dtype=np.intp)
        by_style = list({id(f): f for f in row_formats}.values())
        grid = np.empty((n, ncols), dtype=object)
        is_str = np.empty((n, ncols), dtype=bool)
        is_none = np.empty((n, ncols), dtype=bool)
        for c, col in enumerate(data):
            grid[:, c] = col
            is_str[:, c] = [isinstance(v, str) for v in col]  # a Notice is a str too
            is_none[:, c] = [v is None for v in col]
        present = ~is_none | np.asarray(styled, dtype=bool)[:, None]

        # Shared strings, numbered in row-major first appearance (boolean indexing walks rows first).
        tail = np.full((n, ncols), "", dtype=object)
        quote = np.zeros((n, ncols), dtype=bool)
        if is_str.any():
            flat = grid[is_str]
            if max(map(len, flat)) > 16383:
                flat = np.array([v[:16383] for v in flat], dtype=object)
            codes, uniques = pd.factorize(flat)
            index = self.str_table._get_shared_string_index
            numbers = [index(u) for u in uniques]
            self.str_table.count += len(flat) - len(uniques)  # one reference per cell, as write_string counts
            tail[is_str] = np.array([f"{i}</v></c>" for i in numbers], dtype=object)[codes]
            quote[is_str] = np.array([u.startswith(FORMULA_START) for u in uniques], dtype=bool)[codes]
        is_num = ~is_str & ~is_none
        if is_num.any():
            codes, uniques = pd.factorize(grid[is_num].astype(float))
            tail[is_num] = np.array([f"{float(v):.16G}</v></c>" for v in uniques], dtype=object)[codes]

        # Per column: '<c r="A' + row + '" s="7"...><v>' + value: the middle depends on row style and cell type.
        variant = np.where(is_none, 3, np.where(is_str, 1 + quote, 0))  # number, text, quoted text, blank
        rownums = [str(first_row + i + 1) for i in range(n)]
        cells: list[list[str]] = []
        for c, kind in enumerate(kinds):
            text = "text" if kind in _NUMERIC_KINDS else kind
            mids = np.array(
                [
                    [
                        f'" s="{f[(kind, False)]._get_xf_index()}"><v>',
                        f'" s="{f[(text, False)]._get_xf_index()}" t="s"><v>',
                        f'" s="{f[(text, True)]._get_xf_index()}" t="s"><v>',
                        f'" s="{f[(kind, False)]._get_xf_index()}"/>',
                    ]
                    for f in by_style
                ],
                dtype=object,
            )
            mid = mids[style, variant[:, c]]
            pre = f'<c r="{xl_col_to_name(c)}'
            cells.append(
                [
                    pre + r + m + v if p else ""
                    for r, m, v, p in zip(rownums, mid, tail[:, c], present[:, c], strict=True)
                ]
            )
        has = present.any(axis=1)
        rows = np.flatnonzero(has)
        if not len(rows):
            return
        lo = present.argmax(axis=1)
        hi = ncols - 1 - present[:, ::-1].argmax(axis=1)
        self._check_dimensions(first_row + int(rows[0]), int(lo[has].min()))
        self._check_dimensions(first_row + int(rows[-1]), int(hi[has].max()))
        xml = ["".join(t) for t in zip(*cells, strict=True)]
        self._bulk = [(first_row + i, int(lo[i]), int(hi[i]), xml[i]) for i in rows.tolist()]
        for row, points in (heights or {}).items():
            pixels = int(points * 4.0 / 3.0 + 0.5)  # as set_row converts
            self._heights[row] = RowInfo(height=pixels)
            self.row_sizes[row] = [pixels, False]

    def _write_rows(self) -> None:
        super()._write_rows()  # the header and anything else in the cell table (the bulk rows are not in it)
        if not self._bulk:
            return
        spans: dict[int, str] = dict(self.row_spans)
        block: dict[int, list[int]] = {}
        for row, lo, hi, _ in self._bulk:
            b = block.setdefault(row // 16, [lo, hi])
            b[0], b[1] = min(b[0], lo), max(b[1], hi)
        for k, (lo, hi) in block.items():
            if k in spans:
                a, z = (int(x) - 1 for x in spans[k].split(":"))
                lo, hi = min(lo, a), max(hi, z)
            spans[k] = f"{lo + 1}:{hi + 1}"
        write = self.fh.write
        for row, _, _, xml in self._bulk:
            self._write_row(row, spans.get(row // 16), self._heights.get(row))
            write(xml)
            self._xml_end_tag("row")


def write_table(
    ws: Worksheet,
    styles: _Styles,
    columns: Sequence[Column],
    data: Sequence[list[Any]],
    row_styles: Sequence[str | None] | None = None,
    *,
    first_row: int = 0,
    freeze_cols: int = 0,
    empty_note: str = "",
) -> int:
    """A header, the rows, a filter, frozen header and fitted widths; returns the next free row.

    ``data`` is column-major (one list per column): str, float or None. Text is always a string cell.
    """
    n = len(data[0]) if data else 0
    for c, col in enumerate(columns):
        ws.write_string(first_row, c, col.header, styles.header)
        if col.comment:
            ws.write_comment(first_row, c, col.comment, {"x_scale": 2})
    if row_styles is None:
        row_styles = [None] * n
    fmts = {
        s: {(k, q): styles.get(s, k, q) for k in _KINDS for q in (False, True)}
        for s in dict.fromkeys(row_styles)
    }
    # Format indices are given in first-use order; fixing them here makes both write paths number them alike.
    for f in fmts.values():
        for fmt in f.values():
            fmt._get_xf_index()
    kinds = [c.kind for c in columns]
    widths = [_width(col.header, data[c] if data else [], col.kind, col.cap) for c, col in enumerate(columns)]
    head_lines = max(
        (_header_lines(col.header, w) for col, w in zip(columns, widths, strict=True)), default=1
    )
    if head_lines > 1:
        ws.set_row(first_row, LINE_POINTS * head_lines)
    heights = _heights(data, kinds, widths, first_row + 1)
    if n and FAST_TABLES and isinstance(ws, TableSheet):
        ws.put_rows(
            first_row + 1,
            data,
            kinds,
            [fmts[s] for s in row_styles],
            [s is not None for s in row_styles],
            heights,
        )
    else:
        write_string, write_number, write_blank = ws.write_string, ws.write_number, ws.write_blank
        for i in range(n):
            r = first_row + 1 + i
            f = fmts[row_styles[i]]
            styled = row_styles[i] is not None
            for c, kind in enumerate(kinds):
                v = data[c][i]
                if v is None:
                    if styled:
                        write_blank(r, c, None, f[(kind, False)])
                elif v.__class__ is str:
                    write_string(r, c, v[:16383], _cell(v, kind, f))
                else:
                    write_number(r, c, v, _cell(v, kind, f))
        for r, points in heights.items():
            ws.set_row(r, points)
    if not n and empty_note:
        ws.write_string(first_row + 1, 0, empty_note, styles.note)
    ws.autofilter(first_row, 0, first_row + n, len(columns) - 1)
    if first_row == 0:
        ws.freeze_panes(1, freeze_cols)
    for c, w in enumerate(widths):
        ws.set_column(c, c, w)
    return first_row + max(n, 1) + 1


def _heights(
    data: Sequence[list[Any]], kinds: Sequence[str], widths: Sequence[float], first_row: int
) -> dict[int, float]:
    """Row heights (points) that show all the wrapped text: spreadsheet programs do not always grow a row
    for wrapped text in a file they did not write themselves (LibreOffice's converter does not)."""
    wrapped = [c for c, k in enumerate(kinds) if k == "wrap"]
    out: dict[int, float] = {}
    for c in wrapped:
        per_line = max(
            1.0, widths[c] * 1.1
        )  # characters per line: text is narrower than the digit width unit
        room = max(1.0, per_line - WRAP_SLACK)
        for i, v in enumerate(data[c]):
            if v.__class__ is str and (len(v) > per_line or "\n" in v):
                lines = sum(
                    1 if len(part) <= per_line else math.ceil(len(part) / room) for part in v.split("\n")
                )
                if lines > 1:
                    out[first_row + i] = max(out.get(first_row + i, 0.0), min(409.0, 15.0 * lines))
    return out


def _page_setup(ws: Worksheet, title: str, as_of: date, *, pages_tall: int = 0) -> None:
    """Printable as forwarded: landscape, one page wide (``pages_tall`` 0: as many pages down as the rows
    need), the header row repeated on every page, narrow margins, page numbers."""
    ws.set_landscape()
    ws.set_margins(left=0.4, right=0.4, top=0.6, bottom=0.6)
    ws.fit_to_pages(1, pages_tall)
    ws.repeat_rows(0)
    title = title.replace("&", "&&")  # "&" starts a header code; a rules version may contain one
    ws.set_header(f'&L&"Calibri,Bold"Recert: {title}&R as of {day(as_of)}')
    ws.set_footer("&LGenerated by Recert&RPage &P of &N")
    ws.ignore_errors({"number_stored_as_text": "A1:XFD1048576"})


# Sheets ----------------------------------------------------------------------------------------------------
STANDING_SHEET_COLUMNS = [
    Column("Trainer", "text", 30),
    Column("Trainer ID", "text", 16),
    Column("Club", "text", 20),
    Column("Role", "text", 20),
    Column("Status", "status", 18),
    Column("Credential", "wrap", 28),
    Column(
        "Credential ID",
        "text",
        18,
        "The catalogue id (the name as written when the catalogue does not know the credential).",
    ),
    Column("Body", "text", 10),
    Column("In catalogue", "text", 13),
    Column("Certificate #", "text", 18),
    Column("Issued", "date"),
    Column("Expires", "date"),
    Column("Days left", "int", 10),
    Column("Cycle start", "date"),
    Column("Required", "num", 10),
    Column("Earned", "num", 10),
    Column("Remaining", "num", 11),
    Column("Unit", "text", 10),
    Column("Hours per unit", "num", 10),
    Column("Remaining (hours)", "num", 12),
    Column("Progress", "pct", 10),
    Column("Cycle elapsed", "pct", 10),
    Column("CPR/AED required", "text", 10),
    Column("CPR/AED current", "text", 10),
    Column("CPR/AED expires", "date"),
    Column("What to do", "wrap", 60),
    Column("Status code", "text", 10),
    Column("Urgency", "int", 9, "Sort key: lower is more urgent."),
]


def _remaining_hours(s: pd.DataFrame) -> pd.Series:
    rem = pd.to_numeric(s["remaining"], errors="coerce").astype(float)
    hpu = pd.to_numeric(s["hours_per_unit"], errors="coerce").astype(float)
    return (rem * hpu).round(4)


def _standing_data(s: pd.DataFrame) -> list[list[Any]]:
    return [
        _texts(s["trainer"]),
        _file_ids(s["trainer_id"], s["trainer"]),
        _texts(s["club"]),
        _texts(s["role"]),
        [status_label(x) for x in s["status"].tolist()],
        _texts(s["credential_name"]),
        _texts(s["credential"]),
        _texts(s["body"]),
        _yes_no(s["known"]),
        _texts(s["number"]),
        _serials(s["issued"]),
        _serials(s["expires"]),
        _numbers(s["days_left"]),
        _serials(s["cycle_start"]),
        _numbers(s["required"]),
        _numbers(s["earned"]),
        _numbers(s["remaining"]),
        _texts(s["unit"]),
        _numbers(s["hours_per_unit"]),
        _numbers(_remaining_hours(s)),
        _numbers(s["progress"]),
        _numbers(s["elapsed"]),
        _yes_no(s["cpr_required"]),
        _yes_no(s["cpr_current"]),
        _serials(s["cpr_expires"]),
        _joined(s["reasons"]),
        _texts(s["status"]),
        _numbers(s["urgency"]),
    ]


ATTENTION_COLUMNS = [
    Column("Priority", "int", 9, "1 is the most urgent."),
    Column("Status", "status", 18),
    Column("Trainer", "text", 30),
    Column("Trainer ID", "text", 16),
    Column("Club", "text", 24),
    Column("Email", "text", 32),
    Column("Credential", "text", 40),
    Column("Expires", "date"),
    Column("Days left", "int", 10),
    Column("Remaining", "num", 11),
    Column("Unit", "text", 10),
    Column("Remaining (hours)", "num", 12),
    Column("CPR/AED", "wrap", 16),
    Column("CPR/AED expires", "date"),
    Column("What to do", "wrap", 60),
]


def _attention_data(a: pd.DataFrame) -> list[list[Any]]:
    return [
        [float(i) for i in range(1, len(a) + 1)],
        [status_label(x) for x in a["status"].tolist()],
        _texts(a["trainer"]),
        _file_ids(a["trainer_id"], a["trainer"]),
        _texts(a["club"]),
        _texts(a["email"]),
        _texts(a["credential_name"]),
        _serials(a["expires"]),
        _numbers(a["days_left"]),
        _numbers(a["remaining"]),
        _texts(a["unit"]),
        _numbers(_remaining_hours(a)),
        _texts(a["cpr_state"]),
        _serials(a["cpr_expires"]),
        _joined(a["reasons"]),
    ]


TRAINER_COLUMNS = [
    Column("Trainer", "text", 30),
    Column("Trainer ID", "text", 16),
    Column("Club", "text", 24),
    Column("Role", "text", 24),
    Column("Email", "text", 32),
    Column("Status", "status", 18),
    Column("Compliant", "text", 11),
    Column("Certifications", "int", 14),
    Column("Next expiry", "date"),
]
REJECTED_COLUMNS = [
    Column("File", "text", 40),
    Column("Sheet", "text", 24),
    Column("Row", "int", 8),
    Column("Trainer", "text", 30),
    Column("Column", "text", 24),
    Column("Reason", "wrap", 80),
]
RULES_COLUMNS = [
    Column("Credential ID", "text", 20),
    Column("Name", "wrap", 30),
    Column("Kind", "text", 13),
    Column("Body", "text", 12),
    Column("Used", "int", 8, "Certifications in this report that use the rule."),
    Column("Cycle (years)", "num", 9),
    Column("Required credits", "num", 10),
    Column("Unit", "text", 10),
    Column("Hours per unit", "num", 10),
    Column("Unit note", "wrap", 20),
    Column("CPR/AED required", "text", 10),
    Column("CPR/AED credit", "num", 10),
    Column("Grace days", "int", 9),
    Column("Carryover", "text", 12),
    Column("Lifetime option", "wrap", 20),
    Column("Notes", "wrap", 50),
    Column(
        "Confidence",
        "wrap",
        30,
        "C = the body's own page or document; I = inferred, third-party or old; U = unknown.",
    ),
    Column("Sources", "wrap", 50),
]
FILES_COLUMNS = [
    Column("File", "text", 40),
    Column("Sheet", "text", 24),
    Column("Understood as", "text", 16),
    Column("Header row", "int", 8),
    Column("Rows read", "int", 9),
    Column("Columns used", "wrap", 50),
    Column("Columns ignored", "wrap", 30),
    Column("Date order", "wrap", 24),
    Column("Note", "wrap", 40),
]
WARNING_COLUMNS = [Column("Warning", "wrap", 120)]


def _cell_text(v: Any) -> str | None:
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return None
    if isinstance(v, bool):
        return "Yes" if v else "No"
    if isinstance(v, dict):
        return ", ".join(f"{k}: {x}" for k, x in v.items()) or None
    if isinstance(v, list | tuple):
        return "\n".join(str(x) for x in v) or None
    return str(v)


def _rules_data(catalogue: Catalogue, used: pd.Series) -> list[list[Any]]:
    rows = sorted(
        catalogue.to_rows(), key=lambda r: (-int(used.get(r["id"], 0)), r["kind"] != "certification", r["id"])
    )

    def num(k: str) -> list[float | None]:
        return [None if r.get(k) is None else float(r[k]) for r in rows]

    def txt(k: str) -> list[str | None]:
        return _printable([_cell_text(r.get(k)) for r in rows])

    return [
        txt("id"),
        txt("name"),
        txt("kind"),
        txt("body"),
        [float(used.get(r["id"], 0)) for r in rows],
        num("cycle_years"),
        num("required_credits"),
        txt("unit"),
        num("hours_per_unit"),
        txt("unit_note"),
        txt("cpr_required"),
        num("cpr_counts_credits"),
        num("grace_days"),
        txt("carryover"),
        txt("lifetime_option"),
        txt("notes"),
        txt("confidence"),
        txt("sources"),
    ]


def _files_data(st: Standing) -> list[list[Any]]:
    m = st.mappings
    columns: list[list[Any]] = [
        [x.file for x in m],
        [x.sheet or None for x in m],
        [x.layout for x in m],
        [None if x.header_row is None else float(x.header_row) for x in m],
        [float(x.rows_read) for x in m],
        [", ".join(f"{h} → {f}" for h, f in x.columns.items()) or None for x in m],
        [", ".join(x.ignored) or None for x in m],
        [", ".join(f"{h}: {o}" for h, o in x.date_orders.items()) or None for x in m],
        [x.note or None for x in m],
    ]
    return [_printable(col) for col in columns]


def club_frame(st: Standing) -> pd.DataFrame:
    """Trainers per club by worst status, compliant count and share; the least compliant club first."""
    t = st.trainers.assign(club=st.trainers["club"].fillna("").astype(str).replace("", "(no club)"))
    counts = pd.crosstab(t["club"], t["status"]).reindex(columns=list(TRAINER_STATUSES), fill_value=0)
    g = t.groupby("club")
    out = pd.DataFrame({"trainers": g.size(), "compliant": g["compliant"].sum().astype(int)})
    out = out.join(counts).fillna(0)
    out["compliance"] = out["compliant"] / out["trainers"]
    out = out.reset_index().sort_values(
        ["compliance", "trainers", "club"], ascending=[True, False, True], kind="stable"
    )
    return out.reset_index(drop=True)


def _summary(
    wb: xlsxwriter.Workbook, ws: Worksheet, styles: _Styles, st: Standing, generated: datetime, utc: bool
) -> None:
    """Key figures, status breakdown, compliance by club and a native stacked-bar chart."""
    label = styles.label
    date_fmt, dt_fmt = styles.get(None, "date"), styles.get(None, "datetime")
    int_fmt, pct_fmt = styles.get(None, "int"), styles.get(None, "pct")
    t, s, counts = st.trainers, st.standings, st.counts
    n_trainers = len(t)
    compliant = int(t["compliant"].sum()) if n_trainers else 0
    tstat = t["status"].value_counts()
    ws.write_string(0, 0, "Recert compliance report", styles.title)
    figures: list[tuple[str, Any, Format | None]] = [
        ("As of", st.as_of, date_fmt),
        ("Generated at (UTC)" if utc else "Generated at", generated, dt_fmt),
        ("Risk window (days)", st.window, int_fmt),
        ("Rules version", st.rules_version, None),
        None,  # type: ignore[list-item]
        ("Source rows read", counts.get("rows_read", 0), int_fmt),
        ("Accepted", counts.get("accepted", 0), int_fmt),
        ("Rejected (see Rejected rows)", counts.get("rejected", 0), int_fmt),
        ("Blank", counts.get("blank", 0), int_fmt),
        None,  # type: ignore[list-item]
        ("Trainers", n_trainers, int_fmt),
        ("Compliant", compliant, int_fmt),
        ("Team compliance", compliant / n_trainers if n_trainers else 0.0, pct_fmt),
        ("At risk (trainers)", int(tstat.get("at_risk", 0)), int_fmt),
        ("Behind (trainers)", int(tstat.get("behind", 0)), int_fmt),
        (
            "Lapsed: grace or expired (trainers)",
            int(tstat.get("grace", 0) + tstat.get("expired", 0)),
            int_fmt,
        ),
        ("No certification (trainers)", int(tstat.get("missing", 0)), int_fmt),
        ("Certifications", len(s), int_fmt),
    ]
    r = 2
    for item in figures:
        if item is None:
            r += 1
            continue
        name, value, fmt = item
        ws.write_string(r, 0, name, label)
        if isinstance(value, datetime):
            ws.write_datetime(r, 1, value, fmt)
        elif isinstance(value, date):
            ws.write_datetime(r, 1, datetime(value.year, value.month, value.day), fmt)
        elif isinstance(value, str):
            ws.write_string(r, 1, _printable([value])[0] or "")
        else:
            ws.write_number(r, 1, value, fmt)
        r += 1
    if st.unreadable:
        r += 1
        ws.write_string(r, 0, f"{len(st.unreadable)} file(s) could not be read: see Warnings.", styles.note)
        r += 1

    # Status breakdown.
    r += 1
    ws.write_string(r, 0, "By status", styles.section)
    r += 1
    for c, h in enumerate(("Status", "Certifications", "Trainers (worst status)")):
        ws.write_string(r, c, h, styles.header)
    ws.set_row(r, 2 * LINE_POINTS)  # "Trainers (worst status)" wraps in its column
    cstat = s["status"].value_counts()
    for status in TRAINER_STATUSES:
        r += 1
        ws.write_string(r, 0, status_label(status), styles.get(status, "status"))
        if status in STATUSES:
            ws.write_number(r, 1, int(cstat.get(status, 0)), int_fmt)
        ws.write_number(r, 2, int(tstat.get(status, 0)), int_fmt)

    # Compliance by club, below the chart (which sits beside the figures above, from column E).
    clubs = club_frame(st)
    n = min(len(clubs), CHART_CLUBS)
    cols = [
        Column("Club", "text", 30),
        Column("Trainers", "int", 10),
        Column("Compliant", "int", 11),
        Column("Compliance", "pct", 12),
    ] + [Column(status_label(x), "int", 10) for x in TRAINER_STATUSES]
    data: list[list[Any]] = [
        _texts(clubs["club"]),
        _numbers(clubs["trainers"]),
        _numbers(clubs["compliant"]),
        _numbers(clubs["compliance"]),
        *(_numbers(clubs[x]) for x in TRAINER_STATUSES),
    ]
    chart_height = max(300, 110 + 22 * n)
    r = max(r + 2, CHART_ROW + math.ceil(chart_height / ROW_PIXELS) + 1)
    ws.write_string(r, 0, "Compliance by club (least compliant first)", styles.section)
    r += 1
    header_row = r
    write_table(ws, styles, cols, data, first_row=header_row)
    ws.set_column(0, 0, max(36.0, _width("Club", data[0], "text", 30)))
    ws.set_column(1, 1, SUMMARY_VALUE_WIDTH)

    # The chart: trainers by worst status per club, stacked, for the least compliant clubs.
    if n:
        chart = wb.add_chart({"type": "bar", "subtype": "stacked"})
        first, last = header_row + 1, header_row + n
        for k, status in enumerate(TRAINER_STATUSES):
            col = 4 + k
            chart.add_series(
                {
                    "name": ["Summary", header_row, col],
                    "categories": ["Summary", first, 0, last, 0],
                    "values": ["Summary", first, col, last, col],
                    "fill": {"color": STATUS_COLOURS[status]},
                    "border": {"none": True},
                    "gap": 40,
                }
            )
        title = (
            "Trainers by status, per club"
            if len(clubs) <= CHART_CLUBS
            else (f"Trainers by status: the {n} least compliant of {len(clubs)} clubs")
        )
        chart.set_title({"name": title, "name_font": {"size": 12}})
        chart.set_y_axis({"reverse": True})  # least compliant club at the top, as in the table
        chart.set_x_axis(
            {"name": "Trainers", "major_gridlines": {"visible": True, "line": {"color": "#d0d7de"}}}
        )
        chart.set_legend({"position": "bottom"})
        beside = sum(
            _pixels(_width(c.header, d, c.kind, c.cap))
            for c, d in zip(cols[CHART_COL:], data[CHART_COL:], strict=True)
        )
        chart.set_size({"width": max(560, beside), "height": chart_height})
        ws.insert_chart(CHART_ROW, CHART_COL, chart)
    # One page, as long as it stays legible: a chain's club table runs on, one page wide.
    ws.set_landscape()
    ws.set_margins(left=0.4, right=0.4, top=0.6, bottom=0.6)
    ws.fit_to_pages(1, 1 if len(clubs) <= SUMMARY_ONE_PAGE_CLUBS else 0)
    ws.set_header(f'&L&"Calibri,Bold"Recert: summary&R as of {day(st.as_of)}')
    ws.set_footer("&LGenerated by Recert&RPage &P of &N")


def _pixels(width: float) -> int:
    """Screen pixels of a column ``width`` characters wide (Calibri 11, as XlsxWriter converts)."""
    return int(width * 7 + 5)


# The workbook ----------------------------------------------------------------------------------------------
def _edge_time(generated_at: datetime | None) -> tuple[datetime, bool]:
    """Naive time for the cell, and whether it is UTC (aware times are converted; naive ones kept as given)."""
    when = generated_at or datetime.now(UTC)
    if when.tzinfo is not None:
        return when.astimezone(UTC).replace(tzinfo=None, microsecond=0), True
    return when.replace(microsecond=0), False


def write_report(st: Standing, catalogue: Catalogue, *, generated_at: datetime | None = None) -> bytes:
    """The compliance workbook as bytes (see interfaces.md, "Excel report")."""
    generated, utc = _edge_time(generated_at)
    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(
        buf,
        {
            "in_memory": True,
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "strings_to_numbers": False,
            "default_date_format": DATE_FORMAT,
        },
    )
    wb.set_properties(
        {
            "title": f"Recert compliance report, {day(st.as_of)}",
            "subject": "Trainers' certification standing",
            "author": "Recert",
            "company": "",
            "created": generated,
            "comments": f"Rules version {st.rules_version}; risk window {st.window} days.",
        }
    )
    styles = _Styles(wb)
    sheets = {
        name: wb.add_worksheet(name, worksheet_class=TableSheet if name != "Summary" else None)
        for name in SHEETS
    }

    _summary(wb, sheets["Summary"], styles, st, generated, utc)

    a = attention_frame(st)
    ws = sheets["Needs attention"]
    write_table(
        ws,
        styles,
        ATTENTION_COLUMNS,
        _attention_data(a),
        a["status"].tolist(),
        freeze_cols=3,
        empty_note="Nothing needs attention: every certification is met or on track.",
    )
    _page_setup(ws, "needs attention", st.as_of)

    s = st.standings
    ws = sheets["Standings"]
    write_table(
        ws,
        styles,
        STANDING_SHEET_COLUMNS,
        _standing_data(s),
        s["status"].tolist(),
        freeze_cols=1,
        empty_note="No certification was found in the files.",
    )
    _page_setup(ws, "standings", st.as_of)

    t = st.trainers
    ws = sheets["Trainers"]
    write_table(
        ws,
        styles,
        TRAINER_COLUMNS,
        [
            _texts(t["trainer"]),
            _file_ids(t["trainer_id"], t["trainer"]),
            _texts(t["club"]),
            _texts(t["role"]),
            _texts(t["email"]),
            [status_label(x) for x in t["status"].tolist()],
            _yes_no(t["compliant"]),
            _numbers(t["certifications"]),
            _serials(t["next_expiry"]),
        ],
        [x if x in STATUS_COLOURS else None for x in t["status"].tolist()],
        freeze_cols=1,
    )
    _page_setup(ws, "trainers", st.as_of)

    rej = st.rejected
    ws = sheets["Rejected rows"]
    who = _texts(rej["trainer"]) if "trainer" in rej else [None] * len(rej)
    write_table(
        ws,
        styles,
        REJECTED_COLUMNS,
        [
            _texts(rej["file"]),
            _texts(rej["sheet"]),
            _numbers(rej["row"]),
            who,
            _texts(rej["column"]),
            _texts(rej["reason"]),
        ],
        empty_note="No row was rejected.",
    )
    _page_setup(ws, "rejected rows", st.as_of)

    used = s["credential"].value_counts()
    ws = sheets["Rules"]
    write_table(ws, styles, RULES_COLUMNS, _rules_data(catalogue, used), freeze_cols=1)
    _page_setup(ws, f"rules ({catalogue.version})", st.as_of)

    ws = sheets["Files read"]
    write_table(ws, styles, FILES_COLUMNS, _files_data(st), empty_note="No file was read.")
    _page_setup(ws, "files read", st.as_of)

    ws = sheets["Warnings"]
    notes = [f"Could not be read: {u}" for u in st.unreadable] + [str(w) for w in st.warnings]
    write_table(ws, styles, WARNING_COLUMNS, [_printable(notes)], empty_note="No warnings.")
    _page_setup(ws, "warnings", st.as_of)

    sheets["Summary"].activate()
    wb.close()
    return buf.getvalue()
