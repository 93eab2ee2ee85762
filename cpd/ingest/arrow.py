"""An xlsx/xlsm sheet read by fastexcel into Arrow columns, turned into exactly the cells python-calamine gives.

python-calamine's ``to_python`` makes a Python list per row and an object per cell while it parses; fastexcel
(calamine again, in Rust) parses the same XML straight into typed Arrow columns and releases the GIL all along.
The cells that come out must be the very ones the cells path gives (``grid._sheet_grid``): same types, same
values, same row and column positions. That holds by construction, in three parts:

* the first rows (titles, the header, the first data rows: everything in the sheet's first
  ``safety.SHEET_HEAD_BYTES`` of XML) are parsed by python-calamine itself, on a small workbook that holds only
  those rows, the merged cells and the original styles and strings. The safety scan keeps these bytes while it
  inflates the sheet anyway (``safety.keeping_sheet_ends``), so nothing is inflated twice.
* the rows below are loaded by fastexcel with each column's type guessed over all of them in strict mode: a
  column holding two kinds of value (dates and "pending", numbers and text) is refused, and the sheet is read
  by the cells path instead (``Fallback``). What a strict column can still hold besides its type is known from
  fastexcel's source (``types/dtype``): empty cells, error cells and the 19 "null" strings ("n/a", "NA", ...);
  each of those is reported back with its value, and put in place as calamine gives it.
* each Arrow column becomes calamine's Python values per distinct value (a date per day, not per cell), using
  python-calamine's own rules (a date-time at midnight is a ``date``, one before day 1 a ``time``).

Anything this reader cannot prove the same (a NaN, a date past 9999, a sheet whose head has no values or whose
rows are out of order) raises ``Fallback``, and the sheet goes through the cells path: slower, never different.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from dataclasses import dataclass
from typing import Any

import numpy as np
import python_calamine as pc

from .. import safety

# Strings fastexcel counts as "no value" when it guesses a column's type (fastexcel 0.21 src/types/dtype,
# NULL_STRING_VALUES). Only these can sit in a numeric, boolean or date column of a strict load.
NULL_STRINGS = frozenset(
    (
        "",
        "#N/A",
        "#N/A N/A",
        "#NA",
        "-1.#IND",
        "-1.#QNAN",
        "-NaN",
        "-nan",
        "1.#IND",
        "1.#QNAN",
        "<NA>",
        "N/A",
        "NA",
        "NULL",
        "NaN",
        "None",
        "n/a",
        "nan",
        "null",
    )
)
_MS_PER_DAY = 86_400_000
_EPOCH = dt.datetime(1970, 1, 1)
_MS_YEAR_10000 = (dt.datetime(9999, 12, 31) - _EPOCH) // dt.timedelta(milliseconds=1) + _MS_PER_DAY
# The instant calamine gives for the serial 1.0 (1900-01-01, or 1904-01-02 in a 1904 workbook): python-calamine
# turns a serial below 1.0 into a time of day, the rest into a date (whole serials) or a date-time.
_DAY_ONE_MS = {
    False: (dt.datetime(1900, 1, 1) - _EPOCH) // dt.timedelta(milliseconds=1),
    True: (dt.datetime(1904, 1, 2) - _EPOCH) // dt.timedelta(milliseconds=1),
}


class Fallback(Exception):
    """This sheet cannot be proven to read the same through Arrow: read it with the cells path."""


@dataclass(frozen=True)
class ArrowSheet:
    """A sheet's cells (object array, rows x columns of calamine's range) and where they sit in the sheet."""

    cells: np.ndarray
    start_row: int  # 0-based sheet row of the first row
    first_column: int  # 0-based sheet column of the first column
    merged: tuple[tuple[tuple[int, int], tuple[int, int]], ...]  # as calamine's merged_cell_ranges


def eligible(ends: safety.SheetEnds | None) -> bool:
    """Is the sheet worth the Arrow path: its XML goes on past the head, and its end was kept."""
    return ends is not None and ends.tail is not None and len(ends.head) >= safety.SHEET_HEAD_BYTES


def read_sheet(
    data: bytes,
    sheet: str,
    ends: safety.SheetEnds,
    reader: object,
    *,
    date1904: bool,
    header_rows: int,
    check_size: object = None,
) -> ArrowSheet:
    """The cells of ``sheet`` as calamine's ``to_python(skip_empty_area=True)`` gives them; raises Fallback.

    ``reader`` is a ``fastexcel.ExcelReader`` of ``data`` (one per thread); ``header_rows``: rows after the
    first value that must come from the head (where the header is looked for); ``check_size(height, width)``
    runs before any Python object is made, as the cells path does.
    """
    import fastexcel

    cut, last_row, prefix = _head_cut(ends.head)
    head = _head_sheet(
        data, sheet, ends, ends.head[:cut] + b"</" + prefix + b"sheetData>" + (ends.tail or b"")
    )
    if head.start is None:
        raise Fallback("no value in the head")
    r0, c0_head = head.start
    if r0 + header_rows + 1 > last_row:
        raise Fallback("the head does not reach past the header rows")
    try:
        loaded = reader.load_sheet(  # type: ignore[attr-defined]
            sheet,
            header_row=None,
            skip_rows=last_row,
            schema_sample_rows=None,
            dtype_coercion="strict",
            eager=False,
        )
        height, width = loaded.total_height, loaded.width
        columns = loaded.selected_columns
        if height <= last_row or not columns:
            raise Fallback("nothing below the head")
        c0 = columns[0].absolute_index
        if c0 > c0_head:
            raise Fallback("the head reaches left of the sheet's first column")
        if callable(check_size):
            check_size(height - r0, width)
        batch, errors = loaded.to_arrow_with_errors()
    except fastexcel.FastExcelError as exc:
        raise Fallback(f"fastexcel: {type(exc).__name__}") from None
    n = height - r0
    cells = np.empty((n, width), dtype=object)
    top = last_row - r0
    cells[:top] = ""
    head_rows = head.to_python(skip_empty_area=False)
    for i, row in enumerate(head_rows[r0:last_row]):
        part = row[c0 : c0 + width]
        cells[i, : len(part)] = part
    if batch.num_rows != n - top or batch.num_columns != width:
        raise Fallback("fastexcel's rows do not line up")
    for j in range(width):
        cells[top:, j] = _column(batch.column(j), date1904)
    for err in errors.errors if errors is not None else ():
        row, col = err.position
        cells[row - r0, col] = _error_value(err.detail)
    merged = tuple(head.merged_cell_ranges or ())
    return ArrowSheet(cells=cells, start_row=r0, first_column=c0, merged=merged)


# ------------------------------------------------------------------------------------------------- the head
_ROW_TAG = re.compile(rb"<(/?)(?:([^\s<>/!?:]*):)?row(?=[\s/>])([^>]*)>")
_SHEET_DATA = re.compile(rb"<(?:([^\s<>/!?:]*):)?sheetData(?=[\s/>])([^>]*)>")
_R = re.compile(rb"""\sr\s*=\s*["']([0-9]{1,7})["']""")


def _head_cut(head: bytes) -> tuple[int, int, bytes]:
    """(where the last whole row in ``head`` ends, its Excel row number, the XML element prefix with ":").

    Every row must carry its number and the numbers must ascend (as every spreadsheet app writes them); the
    head must be plain XML (no comment or CDATA a regular expression could misread).
    """
    if b"<!--" in head or b"<![CDATA[" in head:
        raise Fallback("comment or CDATA in the head")
    data = _SHEET_DATA.search(head)
    if data is None or data.group(2).rstrip().endswith(b"/"):
        raise Fallback("no sheetData in the head")
    prefix = data.group(1) + b":" if data.group(1) else b""
    cut = last = 0
    open_row = 0
    for m in _ROW_TAG.finditer(head, data.end()):
        if (m.group(2) or b"") + (b":" if m.group(2) else b"") != prefix:
            raise Fallback("a row in another namespace")
        if m.group(1):  # </row>
            if not open_row:
                raise Fallback("row end without a start")
            cut, last, open_row = m.end(), open_row, 0
            continue
        if open_row:
            raise Fallback("nested rows")
        r = _R.search(m.group(3))
        if r is None or int(r.group(1)) <= last:
            raise Fallback("a row without its number, or out of order")
        if m.group(3).rstrip().endswith(b"/"):
            cut, last = m.end(), int(r.group(1))
        else:
            open_row = int(r.group(1))
    if not last:
        raise Fallback("no whole row in the head")
    return cut, last, prefix


def _head_sheet(data: bytes, sheet: str, ends: safety.SheetEnds, xml: bytes) -> pc.CalamineSheet:
    """python-calamine's sheet for a copy of the workbook whose sheet part is ``xml`` (other sheets left out,
    the shared strings cut after the last one the head uses)."""
    out = io.BytesIO()
    used = _strings_used(xml)
    with zipfile.ZipFile(io.BytesIO(data)) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as zout:
        for info in zin.infolist():
            if info.filename == ends.part:
                zout.writestr(info.filename, xml)
            elif _is_sheet_part(info.filename):
                continue  # never parsed for this sheet
            elif info.filename.lower().endswith("sharedstrings.xml"):
                zout.writestr(info.filename, _strings_prefix(zin, info, used))
            else:
                zout.writestr(info.filename, zin.read(info))
    try:
        return pc.CalamineWorkbook.from_filelike(io.BytesIO(out.getvalue())).get_sheet_by_name(sheet)
    except (pc.CalamineError, pc.ZipError, pc.XmlError, ValueError, OSError) as exc:
        raise Fallback(f"the head: {exc}") from None


_STRING_CELL = re.compile(
    rb"""<(?:[^\s<>/!?:]*:)?c\s[^>]*?\bt\s*=\s*["']s["'][^>]*(?<!/)>(.*?)</(?:[^\s<>/!?:]*:)?c>""", re.S
)
_V = re.compile(rb"<(?:[^\s<>/!?:]*:)?v>\s*([0-9]+)\s*<")
_SI_END = re.compile(rb"</(?:[^\s<>/!?:]*:)?si\s*>|<(?:[^\s<>/!?:]*:)?si\s*/>")
_SST_START = re.compile(rb"<((?:[^\s<>/!?:]*:)?)sst(?=[\s/>])([^>]*)>")


def _strings_used(xml: bytes) -> int:
    """How many shared strings the head's cells can refer to (the highest index used, plus one)."""
    top = -1
    for cell in _STRING_CELL.finditer(xml):
        for v in _V.finditer(cell.group(1)):
            top = max(top, int(v.group(1)))
    return top + 1


def _strings_prefix(zin: zipfile.ZipFile, info: zipfile.ZipInfo, count: int) -> bytes:
    """The shared-strings part with only its first ``count`` strings, byte for byte, then closed; the whole
    part when it cannot be cut safely (a string the head needs and the cut left out makes calamine fail, and
    the sheet falls back: never a wrong string)."""
    with zin.open(info) as f:
        buf, pos, seen, prefix = b"", -1, 0, b""
        while True:
            if pos < 0 and (start := _SST_START.search(buf)) is not None:
                if start.group(2).rstrip().endswith(b"/"):
                    return buf + f.read()
                pos, prefix = start.end(), start.group(1)
            if pos >= 0:
                for m in _SI_END.finditer(buf, pos) if seen < count else ():
                    seen, pos = seen + 1, m.end()
                    if seen == count:
                        break
                if seen >= count:
                    break
            chunk = f.read(1 << 16)
            if not chunk:
                return buf
            buf += chunk
        if b"<!--" in buf[:pos] or b"<![CDATA[" in buf[:pos]:
            return buf + f.read()
    return buf[:pos] + b"</" + prefix + b"sst>"


_SHEET_PART = re.compile(r"xl/(?:work|chart|dialog|macro)sheets/[^/]+\.xml", re.I)


def _is_sheet_part(name: str) -> bool:
    return bool(_SHEET_PART.fullmatch(name))


# ------------------------------------------------------------------------------------------------ columns
def _column(arr: Any, date1904: bool) -> np.ndarray:
    """One Arrow column as calamine's Python values, made once per distinct value; a missing value is ""
    (an empty or an error cell; a "null" string in a typed column is put back from its report)."""
    import pyarrow as pa

    arr = arr.combine_chunks() if isinstance(arr, pa.ChunkedArray) else arr
    t = arr.type
    if pa.types.is_null(t) or arr.null_count == len(arr):
        return np.full(len(arr), "", dtype=object)
    coded = arr.dictionary_encode()
    values = (
        coded.dictionary
    )  # the distinct values, none missing: numbers and instants convert without a copy
    if pa.types.is_string(t) or pa.types.is_large_string(t) or pa.types.is_boolean(t):
        made = np.empty(len(values), dtype=object)
        made[:] = values.to_pylist()
    elif pa.types.is_floating(t):
        floats = _plain(values, np.float64)
        if np.isnan(floats).any():
            raise Fallback("NaN in a number column (a 'nan' text or a NaN number)")
        made = floats.astype(object)
    elif pa.types.is_integer(t):
        made = _plain(values, np.int64).astype(object)
    elif pa.types.is_timestamp(t) and t.unit == "ms" and t.tz is None:
        made = _datetimes(_plain(values, np.int64), date1904)
    elif pa.types.is_duration(t) and t.unit == "ms":
        made = np.empty(len(values), dtype=object)
        made[:] = [dt.timedelta(milliseconds=v) for v in _plain(values, np.int64).tolist()]
    else:
        raise Fallback(f"a column of {t}")
    made = np.append(made, np.array([""], dtype=object))  # the last slot: missing values
    indices = coded.indices
    at = _plain(indices, np.dtype(f"int{indices.type.bit_width}"))
    if indices.null_count:  # missing values point at the last slot
        at = np.where(_valid(indices), at, len(values))
    return made[at]


def _valid(values: Any) -> np.ndarray:
    """Which entries of an Arrow array hold a value, from its validity bitmap."""
    bits = np.frombuffer(values.buffers()[0], dtype=np.uint8)
    return np.unpackbits(bits, bitorder="little")[values.offset : values.offset + len(values)].astype(bool)


def _plain(values: Any, dtype: Any) -> np.ndarray:
    """A primitive Arrow array without missing values as numpy, without a copy (pyarrow's to_numpy would
    import pandas in this reading thread)."""
    width = np.dtype(dtype).itemsize
    return np.frombuffer(values.buffers()[1], dtype=dtype, count=len(values), offset=values.offset * width)


def _datetimes(ms: np.ndarray, date1904: bool) -> np.ndarray:
    """Milliseconds since 1970 (calamine's reading of date-formatted serials) as python-calamine's values.

    python-calamine: a serial below 1.0 is a ``time``, a whole serial a ``date``, others a ``datetime``; a
    date past year 9999 stays the serial number (which the milliseconds cannot give back: Fallback).
    """
    if len(ms) and int(ms.max()) >= _MS_YEAR_10000:
        raise Fallback("a date past year 9999")
    day_one = _DAY_ONE_MS[date1904]
    out = np.empty(len(ms), dtype=object)
    for k, v in enumerate(ms.tolist()):
        stamp = _EPOCH + dt.timedelta(milliseconds=v)
        out[k] = stamp.time() if v < day_one else stamp.date() if v % _MS_PER_DAY == 0 else stamp
    return out


# ------------------------------------------------------------------------------------------- reported cells
_DETAIL = re.compile(r"^Expected \w+ but got '(.*?)'?$", re.S)
_STRING = re.compile(r'^(?:Shared)?String\("(.*)"\)$', re.S)
_ERROR = re.compile(r"^Error\(\w+\)$")


def _error_value(detail: str) -> object:
    """The cell fastexcel could not give in its column's type, as calamine gives it: an error cell is "" and
    a "null" string is itself. Anything else is unexpected in a strict column: Fallback."""
    m = _DETAIL.match(detail)
    got = m.group(1) if m else ""
    if _ERROR.match(got):
        return ""
    s = _STRING.match(got)
    if s and s.group(1) in NULL_STRINGS:
        return s.group(1)
    raise Fallback(f"unexpected cell in a typed column: {detail[:80]}")
