"""Hidden columns (xlsx, ods, xls, xlsb) and hidden rows (ods), found in the workbook's XML or records.

python-calamine gives cell values only. A column hidden in Excel or LibreOffice is still read, so the manager
must be told (and where a visible column names the same field, the visible one is used: ``header``). xlsx keeps
its hidden rows on the ``<row>`` tags, which ``safety`` already collects while it scans; ods keeps both on its
table-column and table-row tags.

Called only on bytes ``safety.sniff`` accepted (sizes and ratios checked), and reads little: for an xlsx the
start of each sheet part up to its cells (``<cols>`` comes before ``<sheetData>``), at most ``PREFIX_BYTES``.
"""

from __future__ import annotations

import html
import re
import zlib
from dataclasses import dataclass, field

from .. import oldformats, safety
from ..errors import UnreadableFile

PREFIX_BYTES = 1 << 20  # of a sheet part: <cols> is a few hundred bytes, before the cells
MAX_RANGES = 1000  # hidden column ranges kept per sheet (Excel writes one per run of hidden columns)
_MAX_INDEX = 1 << 20  # columns and rows beyond this are past any spreadsheet's grid

_COL = re.compile(rb"<(?:[\w.-]+:)?col\b([^>]*)>")
_ATTR = {k: re.compile(rb"\b" + k + rb"""\s*=\s*["']\s*([^"']*)["']""") for k in (b"min", b"max", b"hidden")}
_SHEET_DATA = re.compile(rb"<(?:[\w.-]+:)?sheetData\b")
_ODS_TAG = re.compile(rb"<(/?)table:(table|table-column|table-row)(?=[\s/>])([^>]*)>")
_ODS_NAME = re.compile(rb"""table:name\s*=\s*["']([^"']*)["']""")
_ODS_COLLAPSED = re.compile(rb"""table:visibility\s*=\s*["'](?:collapse|filter)["']""")
_ODS_COLS_REPEATED = re.compile(rb"""table:number-columns-repeated\s*=\s*["']\s*([0-9]+)""")
_ODS_ROWS_REPEATED = re.compile(rb"""table:number-rows-repeated\s*=\s*["']\s*([0-9]+)""")


@dataclass(frozen=True)
class Hidden:
    """Per sheet name: hidden column ranges (0-based, inclusive) and, for ods, hidden rows (Excel numbers)."""

    columns: dict[str, tuple[tuple[int, int], ...]] = field(default_factory=dict)
    rows: dict[str, tuple[int, ...]] = field(default_factory=dict)


def find_hidden(name: str, data: bytes, kind: str) -> Hidden:
    """What is hidden in each sheet of a workbook accepted by ``safety.sniff`` (nothing for a text file)."""
    try:
        if kind == "xlsx":
            return _xlsx(name, data)
        if kind == "ods":
            return _ods(name, data)
        if kind == "xls":
            return _xls(data)
        if kind == "xlsb":
            return _xlsb(name, data)
    except (UnreadableFile, ValueError, OSError, zlib.error, oldformats.Damaged):  # the parser says damaged
        return Hidden()
    return Hidden()


def _xls(data: bytes) -> Hidden:
    """COLINFO records before each sheet's cells (``oldformats.xls_hidden_columns``)."""
    stream = oldformats.open_ole(data).workbook
    found = oldformats.xls_hidden_columns(stream, MAX_RANGES) if stream else {}
    return Hidden(columns={s: _capped(r) for s, r in found.items() if _capped(r)})


def _xlsb(name: str, data: bytes) -> Hidden:
    """BrtColInfo records before each sheet part's cells, read from the start of the part only."""
    names = {e.info.filename: e for e in safety._zip_entries(name, data)}
    lower = {n.replace("\\", "/").lower(): n for n in names}
    if "xl/workbook.bin" not in lower:
        return Hidden()
    _wb, parts = safety.xlsb_sheet_parts(name, data, names, lower)
    columns: dict[str, tuple[tuple[int, int], ...]] = {}
    for part, (sheet, _visible) in parts.items():
        head = safety._read_prefix(data, names[part], PREFIX_BYTES)
        ranges = oldformats.xlsb_hidden_columns(oldformats.biff12_records([head]), MAX_RANGES)
        if _capped(ranges):
            columns.setdefault(sheet, _capped(ranges))
    return Hidden(columns=columns)


def _capped(ranges: list[tuple[int, int]]) -> tuple[tuple[int, int], ...]:
    return tuple((a, min(b, _MAX_INDEX - 1)) for a, b in ranges[:MAX_RANGES] if a < _MAX_INDEX)


def _xlsx(name: str, data: bytes) -> Hidden:
    names = {e.info.filename: e for e in safety._zip_entries(name, data)}
    if "xl/workbook.xml" not in names:
        return Hidden()
    workbook = safety._read_all(name, data, names["xl/workbook.xml"], limit=16 * safety.MB)
    columns: dict[str, tuple[tuple[int, int], ...]] = {}
    for part, sheet in safety._sheet_parts(name, data, names, workbook).items():
        head = safety._read_prefix(data, names[part], 1 << 14)
        end = _SHEET_DATA.search(head)
        if end is None and len(head) == 1 << 14:  # a long <cols> (or a part without cells): read further
            head = safety._read_prefix(data, names[part], PREFIX_BYTES)
            end = _SHEET_DATA.search(head)
        ranges = _xlsx_hidden_columns(head[: end.start()] if end else head)
        if ranges:
            columns.setdefault(sheet, ranges)
    return Hidden(columns=columns)


def _xlsx_hidden_columns(xml: bytes) -> tuple[tuple[int, int], ...]:
    """``<col min="3" max="3" hidden="1"/>`` -> ((2, 2),): 0-based, inclusive."""
    out: list[tuple[int, int]] = []
    for m in _COL.finditer(xml):
        attrs = m.group(1)
        hidden = _ATTR[b"hidden"].search(attrs)
        if not hidden or hidden.group(1).strip().lower() not in (b"1", b"true"):
            continue
        lo, hi = _ATTR[b"min"].search(attrs), _ATTR[b"max"].search(attrs)
        if not lo or not lo.group(1).strip().isdigit():
            continue
        first = int(lo.group(1))
        last = int(hi.group(1)) if hi and hi.group(1).strip().isdigit() else first
        if 1 <= first <= last <= _MAX_INDEX:
            out.append((first - 1, last - 1))
        if len(out) >= MAX_RANGES:
            break
    return tuple(out)


def _ods(name: str, data: bytes) -> Hidden:
    names = {e.info.filename: e for e in safety._zip_entries(name, data)}
    content = names.get("content.xml")
    if content is None or content.info.file_size > safety.EXACT_SCAN_MAX_BYTES:
        return Hidden()
    xml = safety._read_all(name, data, content, limit=safety.EXACT_SCAN_MAX_BYTES)
    columns: dict[str, list[tuple[int, int]]] = {}
    rows: dict[str, list[int]] = {}
    sheet, col, row = "", 0, 0
    for m in _ODS_TAG.finditer(xml):
        closing, tag, attrs = m.group(1), m.group(2), m.group(3)
        if tag == b"table":
            if not closing:
                nm = _ODS_NAME.search(attrs)
                sheet = html.unescape(nm.group(1).decode("utf-8", "replace")) if nm else ""
                col = row = 0
            continue
        if closing:
            continue
        if tag == b"table-column":
            rep = _ODS_COLS_REPEATED.search(attrs)
            n = min(int(rep.group(1)), _MAX_INDEX) if rep else 1
            if _ODS_COLLAPSED.search(attrs) and col < _MAX_INDEX and len(columns.get(sheet, ())) < MAX_RANGES:
                columns.setdefault(sheet, []).append((col, min(col + n, _MAX_INDEX) - 1))
            col += n
        else:  # table-row
            rep = _ODS_ROWS_REPEATED.search(attrs)
            n = min(int(rep.group(1)), _MAX_INDEX) if rep else 1
            if _ODS_COLLAPSED.search(attrs) and row < _MAX_INDEX:
                hidden = rows.setdefault(sheet, [])
                last = min(
                    row + n, row + MAX_RANGES - len(hidden), _MAX_INDEX
                )  # Excel numbers row + 1 .. last
                hidden.extend(range(row + 1, last + 1))
            row += n
    return Hidden(
        columns={s: tuple(r) for s, r in columns.items()}, rows={s: tuple(r) for s, r in rows.items()}
    )
