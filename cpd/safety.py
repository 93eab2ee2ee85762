"""Checks that run on an uploaded file before any parser sees it.

``sniff`` decides by the bytes (never the extension) whether a file is an xlsx/xlsm workbook, an ods
workbook or text, and refuses everything else with one sentence that says what to do. For zip-based
workbooks it also refuses, before python-calamine or openpyxl open them:

* zip bombs: too many entries, too much declared data, too high a compression ratio, overlapping or
  odd entries. Decided from the central directory in milliseconds, without decompressing anything.
* XML entity bombs: any XML part whose prolog declares a DTD (spreadsheets never have one). Only the
  first bytes of each part are decompressed, through a streaming read.
* absurd dimensions: python-calamine turns a sheet into a DENSE grid from its first to its last used
  cell (32 bytes per cell, measured). A 2 KB file with values in A1 and XFD1048576 asks for 17 billion
  cells and the process ABORTS (a Rust allocation failure cannot be caught). The ``<dimension>`` element
  is not used by calamine and may lie, and python-calamine 0.9.1 has no lazy reader or size query, so
  every cell reference of every sheet is scanned here, streaming, before calamine runs (see
  ``_scan_sheet``). ods repeat counts are bounded the same way.

Cost, measured on a 150,000-row chain workbook (6.4 MB, 66 MB of sheet XML; 2 busy cores): the directory,
ratio and DTD checks take <1 ms (0.03% of pandas reading it); the reference scan 0.15-0.34 s (~1.3 ms/MB to
inflate + ~1.5 ms/MB of RE2): 10-16% of python-calamine's own read, 6-11% of pandas.read_excel, 3.5-4% of
cpd.read_sources. Inflating is unavoidable (a far cell can sit anywhere in the stream) and alone is ~5% of
calamine's read. The scan also returns hidden rows and the 1904 flag, so callers need not inflate the sheets
a second time.
"""

from __future__ import annotations

import functools
import html
import importlib.util
import io
import os
import posixpath
import re
import struct
import sys
import threading
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING

from cpd import oldformats, textfile
from cpd.errors import UnreadableFile

if TYPE_CHECKING:
    import numpy as np

MB = 1024 * 1024

# --- caps (all measured on this machine; see tests/test_safety.py and the numbers beside each) --------------
# The app's server.maxUploadSize is 50 (MB): nothing larger can arrive through the browser anyway.
MAX_UPLOAD_BYTES = 50 * MB
# A chain workbook has ~10-100 entries (one sheet + rels per club, styles, theme). 1,000 is 10x a workbook
# with a sheet per club for 40 clubs and keeps the central directory parse ~1 ms.
MAX_ZIP_ENTRIES = 1_000
# Central directory records are 46 bytes + name; 1 MB holds >10,000 of them, far above MAX_ZIP_ENTRIES. Checked
# before zipfile parses it, so a directory of millions of entries is refused before it is read.
MAX_CENTRAL_DIRECTORY_BYTES = 1 * MB
# Declared uncompressed total. A 150,000-row CE log written by XlsxWriter (inline strings) is 6.4 MB zipped and
# 66 MB unzipped (ratio ~10); a 50 MB upload of the same is ~520 MB. 1 GB leaves 2x for that.
MAX_UNCOMPRESSED_BYTES = 1024 * MB
# Sheet XML compresses ~8-11x (measured: 150k-row workbook 8.3-10.9; 100k identical rows 16.4; all-numbers 14.1;
# styled blank cells 11.6). A run of zeros deflates 1,000x. 100 is 6x the most repetitive legitimate part.
MAX_COMPRESSION_RATIO = 100
RATIO_CHECK_MIN_BYTES = 1 * MB  # tiny parts (rels, styles) compress any way they like; they cannot hurt
# Every real XML part reaches its root element within ~100 bytes; the DTD check reads at most this much.
XML_PROLOG_MAX_BYTES = 64 * 1024
# Dense cells python-calamine would allocate for one sheet. Measured 32 bytes a cell in calamine's grid and ~47
# with to_python() (python-calamine 0.9.1): 2^24 cells ~ 540 MB / 790 MB. The largest legitimate sheet we
# expect (50,000 trainers x 15 CE rows = 750,000 rows x 10 columns = 7.5 M cells) is under half of it.
MAX_SHEET_CELLS = 2**24
MAX_WORKBOOK_CELLS = 2**25  # all sheets together (pandas keeps every sheet of a workbook at once)
EXCEL_MAX_ROWS = 1_048_576  # Excel's grid; a reference beyond XFD1048576 was not written by a spreadsheet app
EXCEL_MAX_COLS = 16_384
# Sheets that are not in the plain form every spreadsheet app writes (see _Form) are checked with an exact scan
# that replays calamine in Python, ~100 ms per MB; above this size that takes seconds, so such files are refused
# with a request to re-save them from Excel.
EXACT_SCAN_MAX_BYTES = 32 * MB
SCAN_CHUNK_BYTES = 4 * MB  # decompressed bytes handled at a time while scanning a sheet
# Text calamine copies into cells (xls, xlsb: a shared string is copied once per cell that shows it, and an xls
# formula's text can repeat a defined name per 5-byte token), counted as UTF-8 upper bounds. A 50,000-trainer
# chain (750,000 rows, ~6 text cells of ~15 characters) copies ~70-100 MB; 512 MB is 5x that.
MAX_CELL_TEXT_BYTES = 512 * MB

# --- the sentences a manager sees (after "<file name>: ") ------------------------------------------------------
PASSWORD_SENTENCE = "this file is password protected: remove the password in Excel and upload it again."
EMPTY_SENTENCE = "the file is empty: export the sheet again and upload it."
TOO_LARGE_SENTENCE = (
    "the file is {size:.1f} MB, over the {limit:.0f} MB limit: delete sheets or rows Recert "
    "does not need (or split the file) and upload it again."
)
LEGACY_XLS_SENTENCE = (
    "this is an Excel 4.0 (or older) worksheet, which Recert cannot read: open it in Excel, save it as "
    "an Excel Workbook (.xlsx) and upload that file."
)
TEXT_SENTENCE = (
    "the cells of this workbook repeat {size:,.0f} MB of text, more than Recert can open safely: "
    "open it in Excel, save it again and upload the new copy."
)
NOT_SPREADSHEET_SENTENCE = "this file is {what}, not a spreadsheet: upload an .xlsx or .csv file."
WEB_PAGE_SENTENCE = (
    "this file is a web page or an XML export, not a spreadsheet: open it in Excel, save it as "
    "an Excel Workbook (.xlsx) and upload that file."
)
DAMAGED_SENTENCE = (
    "the workbook is damaged and cannot be opened: open it in Excel, save it again and upload the new copy."
)
BOMB_SENTENCE = (
    "the workbook is packed in a way no spreadsheet app produces ({detail}), so it was not "
    "opened: open it in Excel, save it again and upload the new copy."
)
DTD_SENTENCE = (
    "the workbook contains XML declarations spreadsheets never use (a DTD in {part}), so it was "
    "not opened: open it in Excel, save it again and upload the new copy."
)
DIMENSIONS_SENTENCE = (
    "sheet '{sheet}' reaches cell {cell}, a grid of {cells:,} cells, more than Recert can "
    "open safely: delete the unused rows and columns after your data (Ctrl+End shows the last "
    "used cell), save and upload it again."
)
WORKBOOK_CELLS_SENTENCE = (
    "the sheets of this workbook together span {cells:,} cells, more than Recert can open "
    "safely: delete unused sheets, rows and columns, save and upload it again."
)
UNUSUAL_SENTENCE = (
    "sheet '{sheet}' was written by a program that stores cells in an unusual way and is too "
    "large to check safely: open the file in Excel, save it as an Excel Workbook (.xlsx) and "
    "upload that file."
)
ODS_TOO_LARGE_SENTENCE = (
    "this OpenDocument spreadsheet is too large to check safely: open it in LibreOffice or "
    "Excel, save it as an Excel Workbook (.xlsx) and upload that file."
)
MACRO_NOTICE = "is a macro-enabled workbook: its data was read and its macros were ignored (never run)."


class Refusal(UnreadableFile):
    """An UnreadableFile raised by these checks, with a stable ``reason`` code (for the app and tests)."""

    def __init__(self, reason: str, message: str, *, file: str | None = None) -> None:
        self.reason = reason
        super().__init__(message, file=file)


@dataclass(frozen=True)
class Sniffed:
    """What a file is, decided by its bytes.

    ``kind`` is "xlsx" (also xlsm/xltx), "ods" or "text". ``is_macro_workbook``: an xlsm (its macros are never
    read or run; the caller says so with ``notices``). ``date1904``: the workbook counts dates from 1904 (Mac
    Excel), needed to turn bare serial numbers into dates. ``sheet_cells``: (sheet, dense cells calamine will
    build), an upper bound. ``hidden_rows``: (sheet, Excel row numbers marked hidden), found while scanning.
    """

    kind: str
    is_macro_workbook: bool = False
    notices: tuple[str, ...] = ()
    date1904: bool = False
    sheet_cells: tuple[tuple[str, int], ...] = ()
    hidden_rows: tuple[tuple[str, tuple[int, ...]], ...] = ()


def _refuse(reason: str, name: str, template: str, **fmt: object) -> Refusal:
    return Refusal(reason, template.format(**fmt), file=name)


def assert_defusedxml() -> None:
    """Fail at start-up unless openpyxl would parse XML through defusedxml (entity-bomb protection).

    openpyxl only uses defusedxml when it is installed and OPENPYXL_DEFUSEDXML is not set to something else
    than "True"; python-calamine never expands entities, so this is the check that covers openpyxl. Recert
    reads with calamine, so openpyxl is not imported just for this (a quarter of a second on every CLI run):
    the two conditions openpyxl reads are checked directly, and once openpyxl is loaded its own flag and parsers.
    """
    if (
        os.environ.get("OPENPYXL_DEFUSEDXML", "True") != "True"
        or importlib.util.find_spec("defusedxml") is None
    ):
        raise RuntimeError(
            "openpyxl would not use defusedxml: install defusedxml and leave OPENPYXL_DEFUSEDXML "
            "unset (or 'True') so XML entity bombs are refused"
        )
    xml, functions = sys.modules.get("openpyxl.xml"), sys.modules.get("openpyxl.xml.functions")
    if xml is not None and xml.DEFUSEDXML is not True:
        raise RuntimeError(
            "openpyxl is not using defusedxml: install defusedxml and leave OPENPYXL_DEFUSEDXML "
            "unset (or 'True') so XML entity bombs are refused"
        )
    for fn in (functions.fromstring, functions.iterparse) if functions is not None else ():
        if not getattr(fn, "__module__", "").startswith("defusedxml"):
            raise RuntimeError(f"openpyxl's {fn.__name__} does not come from defusedxml")


# ================================================================================================== sniff
_ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# Signatures no text export starts with: refused before the text check (a PDF can be all ASCII).
_BINARY_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", "a PDF document"),
    (b"\x89PNG\r\n\x1a\n", "an image"),
    (b"\xff\xd8\xff", "an image"),
    (b"GIF87a", "an image"),
    (b"GIF89a", "an image"),
    (b"II*\x00", "an image"),
    (b"MM\x00*", "an image"),
    (b"RIFF", "an image or media file"),
    (b"{\\rtf", "a rich-text document"),
    (b"Rar!\x1a\x07", "a RAR archive"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"\x7fELF", "a program"),
)
# Short signatures a csv could start with ("BMI,..."): only used once the bytes are known not to be text.
_WEAK_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"BM", "an image"),
    (b"MZ", "a program"),
    (b"\x00\x00\x01\x00", "an icon image"),
)
# BIFF records an old Excel (2.x to 95) worksheet file starts with, outside an OLE container: BOF 0x0009/0x0209/
# 0x0409/0x0809. Only looked at once the bytes are known not to be text (a csv may start with a tab).
_BIFF_BOF = (b"\x09\x00", b"\x09\x02", b"\x09\x04", b"\x09\x08")
# Names an old-format Excel file goes by: an OLE container under such a name whose directory cannot be read is a
# damaged or unusual .xls, and saving it again from Excel as .xlsx is still the way forward.
_LEGACY_EXCEL_SUFFIXES = (".xls", ".xlt", ".xla", ".xlw")
_WEB_START = re.compile(rb"\s*<(?:!doctype\s+html|html|head|body|table|meta|\?xml)\b", re.I)


def sniff(name: str, data: bytes, *, max_bytes: int = MAX_UPLOAD_BYTES) -> Sniffed:
    """The format to parse ("xlsx", "ods" or "text"), or UnreadableFile (a ``Refusal``) with what to do.

    For zip workbooks every safety check in this module runs here, so a caller that parses only what
    ``sniff`` accepted never hands python-calamine or openpyxl a bomb.
    """
    if not data:
        raise _refuse("empty", name, EMPTY_SENTENCE)
    if len(data) > max_bytes:
        raise _refuse("too_large", name, TOO_LARGE_SENTENCE, size=len(data) / MB, limit=max_bytes / MB)
    head = data[:16]
    if head.startswith(_OLE_MAGIC[:4]):  # also a file cut short inside the 8-byte signature
        return _sniff_ole(name, data)
    if head.startswith(_ZIP_MAGIC):
        return _sniff_zip(name, data)
    for magic, what in _BINARY_SIGNATURES:
        if head.startswith(magic):
            raise _refuse("not_spreadsheet", name, NOT_SPREADSHEET_SENTENCE, what=what)
    if _looks_like_text(data):
        if _WEB_START.match(_strip_bom(data[:1024])):
            raise _refuse("web_page", name, WEB_PAGE_SENTENCE)
        return Sniffed("text")
    if head.startswith(_BIFF_BOF):
        raise _refuse("legacy_xls", name, LEGACY_XLS_SENTENCE)
    for magic, what in _WEAK_SIGNATURES:
        if head.startswith(magic):
            raise _refuse("not_spreadsheet", name, NOT_SPREADSHEET_SENTENCE, what=what)
    raise _refuse("not_spreadsheet", name, NOT_SPREADSHEET_SENTENCE, what="binary data")


def _strip_bom(b: bytes) -> bytes:
    if b.startswith(b"\xef\xbb\xbf"):
        return b[3:]
    if b[:2] in (b"\xff\xfe", b"\xfe\xff"):
        try:
            return b[2:].decode("utf-16-le" if b[:2] == b"\xff\xfe" else "utf-16-be", "ignore").encode()
        except UnicodeError:  # pragma: no cover - "ignore" never raises
            return b""
    return b


def _looks_like_text(data: bytes) -> bool:
    """Text = a BOM, a UTF-16 NUL pattern, or 8-bit bytes without NULs / control characters (see textfile)."""
    sample = data[: textfile.SAMPLE_BYTES]
    if sample.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")):
        return True
    if textfile.utf16_byte_order(sample):
        return True
    if b"\x00" in sample:
        return False
    return not textfile.looks_binary(sample)


# ==================================================================================================== OLE
def _sniff_ole(name: str, data: bytes) -> Sniffed:
    """OLE2 containers: an .xls workbook (checked, then read), encrypted OOXML (password), another Office file.

    The directory is first read leniently to tell the documents apart; an .xls is then checked strictly, the way
    calamine will read it (``oldformats.open_ole``), and every sheet's records are walked (``scan_xls``).
    """
    streams = _ole_streams(data)
    names = {s.lower() for s in streams}
    if "encryptioninfo" in names or "encryptedpackage" in names:
        raise _refuse("password", name, PASSWORD_SENTENCE)
    if "worddocument" in names:
        raise _refuse("not_spreadsheet", name, NOT_SPREADSHEET_SENTENCE, what="an old-format Word document")
    if "powerpoint document" in names:
        raise _refuse("not_spreadsheet", name, NOT_SPREADSHEET_SENTENCE, what="an old-format PowerPoint file")
    if not ("workbook" in names or "book" in names or name.lower().endswith(_LEGACY_EXCEL_SUFFIXES)):
        raise _refuse("not_spreadsheet", name, NOT_SPREADSHEET_SENTENCE, what="an old-format Office document")
    try:
        ole = oldformats.open_ole(data)
        if ole.workbook is None:
            raise oldformats.Damaged("no workbook stream")
        book = oldformats.scan_xls(ole.workbook)
    except oldformats.Encrypted:
        raise _refuse("password", name, PASSWORD_SENTENCE) from None
    except oldformats.Damaged:
        raise _refuse("damaged", name, DAMAGED_SENTENCE) from None
    except oldformats.Unusual as exc:
        raise _refuse("unusual", name, UNUSUAL_SENTENCE, sheet=exc.sheet) from None
    cells, hidden = _check_book(name, book.sheets)
    return Sniffed("xls", date1904=book.date1904, sheet_cells=cells, hidden_rows=hidden)


def _check_book(
    name: str, sheets: list[oldformats.SheetBound]
) -> tuple[tuple[tuple[str, int], ...], tuple[tuple[str, tuple[int, ...]], ...]]:
    """The caps of ``_check_sheets`` for the bounds of a binary workbook, plus what calamine pushes, reserves
    and copies before its grids exist."""
    total = text = 0
    cells: list[tuple[str, int]] = []
    hidden: list[tuple[str, tuple[int, ...]]] = []
    for s in sheets:
        _check_extent(name, s.name, s.rows, s.cols)
        _check_extent(name, s.name, s.formula_rows, s.formula_cols)
        for n, (rows, cols) in ((s.cells, (s.rows, s.cols)), (s.reserved, s.declared)):
            if n > MAX_SHEET_CELLS:
                cell = f"{col_letters(cols)}{rows}" if cols <= 10**6 else f"column {cols:,}, row {rows:,}"
                raise _refuse("dimensions", name, DIMENSIONS_SENTENCE, sheet=s.name, cell=cell, cells=n)
        grid = s.rows * s.cols
        total += grid + s.formula_rows * s.formula_cols
        text += s.text_bytes
        cells.append((s.name, grid))
        if s.hidden_rows:
            hidden.append((s.name, tuple(sorted(set(s.hidden_rows)))))
        if total > MAX_WORKBOOK_CELLS:
            raise _refuse("dimensions", name, WORKBOOK_CELLS_SENTENCE, cells=total)
        if text > MAX_CELL_TEXT_BYTES:
            raise _refuse("dimensions", name, TEXT_SENTENCE, size=text / MB)
    return tuple(cells), tuple(hidden)


_ENDOFCHAIN = 0xFFFFFFFE
_MAX_SECTORS_VISITED = 100_000


def _ole_streams(data: bytes) -> dict[str, tuple[int, int]]:
    """Stream name -> (first sector, size) from an OLE2 directory; {} when the container is unreadable.

    A small reader (olefile is only a test dependency): follows the FAT chain of the directory with loop
    and bounds protection, which is all that is needed to tell an encrypted workbook from a legacy .xls.
    """
    try:
        shift = struct.unpack_from("<H", data, 30)[0]
        if shift not in (9, 12):
            return {}
        size = 1 << shift
        n_fat, first_dir = struct.unpack_from("<II", data, 44)
        difat_first, n_difat = struct.unpack_from("<II", data, 68)
        fat_sectors = [s for s in struct.unpack_from("<109I", data, 76) if s < 0xFFFFFFFA]
        seen = 0
        while difat_first < 0xFFFFFFFA and n_difat > 0 and seen < 1000:
            off = (difat_first + 1) * size
            vals = struct.unpack_from(f"<{size // 4}I", data, off)
            fat_sectors += [s for s in vals[:-1] if s < 0xFFFFFFFA]
            difat_first, n_difat, seen = vals[-1], n_difat - 1, seen + 1
        fat_sectors = fat_sectors[: max(n_fat, 0) or len(fat_sectors)]

        def sector_offset(s: int) -> int:
            return (s + 1) * size

        fat: list[int] = []
        for s in fat_sectors:
            off = sector_offset(s)
            if off + size > len(data):
                break
            fat.extend(struct.unpack_from(f"<{size // 4}I", data, off))
        streams: dict[str, tuple[int, int]] = {}
        sector, visited = first_dir, 0
        chain: set[int] = set()
        while sector < 0xFFFFFFFA and visited < _MAX_SECTORS_VISITED and sector not in chain:
            chain.add(sector)  # a chain that loops ends here (it would be read 100,000 times)
            off = sector_offset(sector)
            if off + size > len(data):
                break
            for e in range(size // 128):
                entry = data[off + e * 128 : off + (e + 1) * 128]
                name_len = struct.unpack_from("<H", entry, 64)[0]
                if not 2 <= name_len <= 64 or entry[66] not in (1, 2, 5):
                    continue
                ename = entry[: name_len - 2].decode("utf-16-le", "replace")
                start, ssize = struct.unpack_from("<IQ", entry, 116)
                streams[ename] = (start, ssize)
            sector = fat[sector] if sector < len(fat) else _ENDOFCHAIN
            visited += 1
        return streams
    except (struct.error, IndexError):
        return {}


# ==================================================================================================== zip
@dataclass(frozen=True)
class _Entry:
    info: zipfile.ZipInfo
    data_start: int


def _sniff_zip(name: str, data: bytes) -> Sniffed:
    entries = _zip_entries(name, data)
    names = {e.info.filename: e for e in entries}
    if "mimetype" in names:
        mimetype = _read_prefix(data, names["mimetype"], 200).strip()
        if mimetype == b"application/vnd.oasis.opendocument.spreadsheet":
            _check_xml_prologs(name, data, entries)
            manifest = names.get("META-INF/manifest.xml")
            if manifest and b"encryption-data" in _read_all(name, data, manifest, limit=4 * MB):
                raise _refuse("password", name, PASSWORD_SENTENCE)
            cells = _check_ods(name, data, names)
            return Sniffed("ods", sheet_cells=cells)
        if mimetype.startswith(b"application/vnd.oasis.opendocument"):
            return _raise_not_sheet(name, "an OpenDocument file that is not a spreadsheet")
    lower = {n.replace("\\", "/").lower(): n for n in names}
    if "xl/workbook.bin" in lower:  # calamine tries xlsb before ods, and after a failed xlsx: bound it always
        xlsb = _sniff_xlsb(name, data, entries, names, lower)
        if "xl/workbook.xml" not in names:
            return xlsb
    if "xl/workbook.xml" not in names:
        if "EncryptionInfo" in names or "EncryptedPackage" in names:
            raise _refuse("password", name, PASSWORD_SENTENCE)
        if "word/document.xml" in names:
            return _raise_not_sheet(name, "a Word document")
        if "ppt/presentation.xml" in names:
            return _raise_not_sheet(name, "a PowerPoint presentation")
        return _raise_not_sheet(name, "a zip archive")
    _check_xml_prologs(name, data, entries)
    content_types = names.get("[Content_Types].xml")
    ct = _read_all(name, data, content_types, limit=4 * MB) if content_types else b""
    is_macro = "xl/vbaProject.bin" in names or b"macroEnabled" in ct
    workbook_xml = _read_all(name, data, names["xl/workbook.xml"], limit=16 * MB)
    date1904 = bool(re.search(rb"""date1904\s*=\s*["'](?:1|true)["']""", workbook_xml, re.I))
    cells, hidden = _check_sheets(name, data, names, workbook_xml)
    notices = (f"{name} {MACRO_NOTICE}",) if is_macro else ()
    return Sniffed(
        "xlsx",
        is_macro_workbook=is_macro,
        notices=notices,
        date1904=date1904,
        sheet_cells=cells,
        hidden_rows=hidden,
    )


def _sniff_xlsb(
    name: str, data: bytes, entries: list[_Entry], names: dict[str, _Entry], lower: dict[str, str]
) -> Sniffed:
    """An Excel binary workbook: the zip checks of xlsx, then every record of every .bin part walked, streaming.

    Each record's declared size must fit in its part (calamine allocates it before reading); each sheet part's
    cells are bounded as calamine's cell reader places them (``oldformats.scan_xlsb_sheet``).
    """
    _check_xml_prologs(name, data, entries)

    def records(part: str) -> Iterator[tuple[int, bytes]]:
        return oldformats.biff12_records(_inflate(data, names[part]))

    try:
        wb, parts = xlsb_sheet_parts(name, data, names, lower)
        sst = lower.get("xl/sharedstrings.bin")
        strings = oldformats.xlsb_string_bytes(records(sst)) if sst else []
        bounds = [
            oldformats.scan_xlsb_sheet(_inflate(data, names[part]), strings, sheet)
            for part, (sheet, _v) in parts.items()
        ]
        for low in ("xl/workbook.bin", "xl/styles.bin"):  # every record's size (calamine allocates it first)
            for _ in records(lower[low]) if low in lower else ():
                pass
    except oldformats.Damaged:
        raise _refuse("damaged", name, DAMAGED_SENTENCE) from None
    except _LyingSize as exc:
        raise _bomb(name, f"{exc} holds more data than it declares") from None
    except zlib.error:
        raise _refuse("damaged", name, DAMAGED_SENTENCE) from None
    cells, hidden = _check_book(name, bounds)
    return Sniffed("xlsb", date1904=wb.date1904, sheet_cells=cells, hidden_rows=hidden)


def xlsb_sheet_parts(
    name: str, data: bytes, names: dict[str, _Entry], lower: dict[str, str]
) -> tuple[oldformats.XlsbWorkbook, dict[str, tuple[str, bool]]]:
    """workbook.bin read (``Damaged`` if broken) and each part calamine may read as a sheet -> (name, visible).

    Sheets are found the way calamine finds them ("xl/" + the relationship's target, any case), plus every part
    under xl/worksheets (and chart/dialog/macro sheets) nobody points at.
    """
    wb = oldformats.scan_xlsb_workbook(
        oldformats.biff12_records(_inflate(data, names[lower["xl/workbook.bin"]]))
    )
    rels_entry = names.get("xl/_rels/workbook.bin.rels")
    rels = _read_all(name, data, rels_entry, limit=16 * MB) if rels_entry else b""
    targets: dict[str, str] = {}
    for tag in re.findall(rb"<(?:[\w.-]+:)?Relationship\b[^>]*>", rels):
        rid = re.search(rb"""\bId\s*=\s*["']([^"']*)["']""", tag)
        target = re.search(rb"""\bTarget\s*=\s*["']([^"']*)["']""", tag)
        if rid and target:
            targets[html.unescape(rid.group(1).decode("utf-8", "replace"))] = html.unescape(
                target.group(1).decode("utf-8", "replace")
            )
    parts: dict[str, tuple[str, bool]] = {}  # part -> (sheet name, visible)
    for sheet, sheet_rid, visible in wb.sheets:
        real = lower.get(f"xl/{targets.get(sheet_rid, '')}".replace("\\", "/").lower())
        if real:
            parts.setdefault(real, (sheet, visible))
    for low, real in lower.items():  # sheet parts nobody points at (not Excel's binaryIndex parts)
        if re.fullmatch(r"xl/(?:work|chart|dialog|macro)sheets/(?!binaryindex)[^/]+\.bin", low):
            parts.setdefault(real, (posixpath.basename(real), True))
    return wb, parts


def _raise_not_sheet(name: str, what: str) -> Sniffed:
    raise _refuse("not_spreadsheet", name, NOT_SPREADSHEET_SENTENCE, what=what)


def _bomb(name: str, detail: str) -> Refusal:
    return _refuse("zip_bomb", name, BOMB_SENTENCE, detail=detail)


def _end_of_central_directory(data: bytes) -> tuple[int, int, int] | None:
    """(entries, directory size, directory offset) from the (ZIP64) end record, read by hand.

    zipfile parses the whole central directory on open, however many entries it claims; reading the end
    record first lets a directory of millions of entries be refused without parsing it.
    """
    pos = data.rfind(b"PK\x05\x06", max(0, len(data) - 22 - 65535))
    if pos < 0 or pos + 22 > len(data):
        return None
    entries, cd_size, cd_offset = struct.unpack_from("<HII", data, pos + 10)
    if entries == 0xFFFF or cd_size == 0xFFFFFFFF or cd_offset == 0xFFFFFFFF:
        loc = pos - 20
        if loc >= 0 and data[loc : loc + 4] == b"PK\x06\x07":
            rec = struct.unpack_from("<Q", data, loc + 8)[0]
            if rec + 56 <= len(data) and data[rec : rec + 4] == b"PK\x06\x06":
                entries, cd_size, cd_offset = struct.unpack_from("<QQQ", data, rec + 32)
    return entries, cd_size, cd_offset


def _zip_entries(name: str, data: bytes) -> list[_Entry]:
    """Open the zip after checking its directory; refuse bombs and odd entries from declared sizes alone."""
    end = _end_of_central_directory(data)
    if end is None:
        raise _refuse("damaged", name, DAMAGED_SENTENCE)
    n_entries, cd_size, _ = end
    if n_entries > MAX_ZIP_ENTRIES or cd_size > MAX_CENTRAL_DIRECTORY_BYTES:
        raise _bomb(name, f"{n_entries:,} entries")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            infos = zf.infolist()
    except (
        zipfile.BadZipFile,
        zipfile.LargeZipFile,
        NotImplementedError,
        ValueError,
        OSError,
        EOFError,
        struct.error,
        UnicodeDecodeError,
    ):
        raise _refuse("damaged", name, DAMAGED_SENTENCE) from None
    if len(infos) > MAX_ZIP_ENTRIES:
        raise _bomb(name, f"{len(infos):,} entries")
    seen: set[str] = set()
    total = 0
    compressed = 0
    entries: list[_Entry] = []
    for info in infos:
        fname = info.filename
        key = fname.lower()
        if key in seen:
            raise _bomb(name, f"the entry {fname!r} appears twice")
        seen.add(key)
        parts = fname.replace("\\", "/").split("/")
        if fname.startswith(("/", "\\")) or ".." in parts or "\x00" in fname or ":" in parts[0]:
            raise _bomb(name, f"an entry named {fname!r}")
        if info.flag_bits & 0x1:
            raise _bomb(name, f"the entry {fname!r} is encrypted")
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise _bomb(name, f"the entry {fname!r} uses compression method {info.compress_type}")
        if info.compress_type == zipfile.ZIP_STORED and info.file_size != info.compress_size:
            raise _bomb(name, f"the entry {fname!r} declares two sizes")
        if info.file_size > RATIO_CHECK_MIN_BYTES and info.file_size > MAX_COMPRESSION_RATIO * max(
            info.compress_size, 1
        ):
            ratio = info.file_size / max(info.compress_size, 1)
            raise _bomb(name, f"{fname} expands {ratio:,.0f} times")
        total += info.file_size
        compressed += info.compress_size
        if total > MAX_UNCOMPRESSED_BYTES:
            raise _bomb(name, f"it unpacks to more than {MAX_UNCOMPRESSED_BYTES // MB:,} MB")
        entries.append(_Entry(info, _data_start(name, data, info)))
    if total > RATIO_CHECK_MIN_BYTES and total > MAX_COMPRESSION_RATIO * max(compressed, 1):
        raise _bomb(name, f"it expands {total / max(compressed, 1):,.0f} times")
    _check_overlaps(name, entries)
    return entries


def _data_start(name: str, data: bytes, info: zipfile.ZipInfo) -> int:
    """Offset of an entry's data, after checking its local header agrees with the central directory."""
    off = info.header_offset
    if off < 0 or off + 30 > len(data) or data[off : off + 4] != b"PK\x03\x04":
        raise _refuse("damaged", name, DAMAGED_SENTENCE)
    flags, method, _t, _d, crc, csize, usize, nlen, xlen = struct.unpack_from("<HHHHIIIHH", data, off + 6)
    local_name = data[off + 30 : off + 30 + nlen]
    expected = info.orig_filename.encode("utf-8" if info.flag_bits & 0x800 else "cp437", "replace")
    if local_name != expected or method != info.compress_type:
        raise _bomb(name, f"the entry {info.filename!r} has two different headers")
    if (
        not flags & 0x08
        and 0xFFFFFFFF not in (csize, usize)
        and (csize != info.compress_size or usize != info.file_size or crc != info.CRC)
    ):
        raise _bomb(name, f"the entry {info.filename!r} declares two sizes")
    start = off + 30 + nlen + xlen
    if start + info.compress_size > len(data):
        raise _refuse("damaged", name, DAMAGED_SENTENCE)
    return start


def _check_overlaps(name: str, entries: list[_Entry]) -> None:
    """Entries whose data overlap are how non-recursive zip bombs reuse one compressed block many times."""
    spans = sorted(
        (e.info.header_offset, e.data_start + e.info.compress_size, e.info.filename) for e in entries
    )
    for (_s1, end1, n1), (s2, _e2, n2) in zip(spans, spans[1:], strict=False):
        if s2 < end1:
            raise _bomb(name, f"the entries {n1!r} and {n2!r} overlap")


def _inflate(data: bytes, entry: _Entry, chunk: int | None = None) -> Iterator[bytes]:
    """Decompressed data of an entry, streamed ``chunk`` bytes at a time, never past its declared size.

    Raw inflate of the bytes the central directory points at (the same bytes calamine reads); if the data
    holds more than the declared size, the declared size was a lie and the file is refused.
    """
    chunk = chunk or SCAN_CHUNK_BYTES
    info = entry.info
    raw = memoryview(data)[entry.data_start : entry.data_start + info.compress_size]
    if info.compress_type == zipfile.ZIP_STORED:
        for i in range(0, len(raw), chunk):
            yield bytes(raw[i : i + chunk])
        return
    dec = zlib.decompressobj(-15)
    produced = 0
    pos = 0
    step = 1 << 20
    while True:
        if dec.unconsumed_tail:
            out = dec.decompress(dec.unconsumed_tail, chunk)
        elif pos < len(raw):
            out = dec.decompress(raw[pos : pos + step], chunk)
            pos += step
        else:
            out = dec.flush()
            if out:
                produced += len(out)
                if produced > info.file_size:
                    raise _LyingSize(info.filename)
                yield out
            return
        if out:
            produced += len(out)
            if produced > info.file_size:
                raise _LyingSize(info.filename)
            yield out
        if dec.eof:
            return


class _LyingSize(Exception):
    """An entry decompressed to more than its declared size."""


def _read_prefix(data: bytes, entry: _Entry, n: int) -> bytes:
    """At most ``n`` decompressed bytes from the start of an entry (a streaming read, not the whole part)."""
    try:
        info = entry.info
        raw = memoryview(data)[entry.data_start : entry.data_start + info.compress_size]
        if info.compress_type == zipfile.ZIP_STORED:
            return bytes(raw[:n])
        dec = zlib.decompressobj(-15)
        out = b""
        pos = 0
        while len(out) < n and pos < len(raw) and not dec.eof:
            out += dec.decompress(raw[pos : pos + 16384], n - len(out))
            pos += 16384
            while dec.unconsumed_tail and len(out) < n:
                out += dec.decompress(dec.unconsumed_tail, n - len(out))
        return out[:n]
    except zlib.error:
        return b""


def _read_all(name: str, data: bytes, entry: _Entry, *, limit: int) -> bytes:
    """A small part in full (workbook.xml, rels, manifest); parts larger than ``limit`` are refused."""
    if entry.info.file_size > limit:
        raise _bomb(name, f"{entry.info.filename} is {entry.info.file_size // MB:,} MB")
    try:
        return b"".join(_inflate(data, entry))
    except (zlib.error, _LyingSize):
        return b""


# ------------------------------------------------------------------------------------------ XML prologs
_PROLOG_SKIP = re.compile(rb"\s+|<\?.*?\?>|<!--.*?-->", re.S)


def _xml_prolog_ok(prefix: bytes) -> bool | None:
    """True: the root element starts before any DTD. False: a DTD (``<!DOCTYPE``). None: undecided yet."""
    if prefix.startswith(b"\xef\xbb\xbf"):
        prefix = prefix[3:]
    elif prefix[:2] in (b"\xff\xfe", b"\xfe\xff") or (len(prefix) > 1 and b"\x00" in prefix[:4]):
        enc = "utf-16-be" if prefix[:2] == b"\xfe\xff" or prefix[:1] == b"\x00" else "utf-16-le"
        body = prefix[2:] if prefix[:2] in (b"\xff\xfe", b"\xfe\xff") else prefix
        prefix = body[: len(body) & ~1].decode(enc, "replace").encode("utf-8", "replace")
    pos = 0
    while True:
        m = _PROLOG_SKIP.match(prefix, pos)
        if not m:
            break
        pos = m.end()
    rest = prefix[pos:]
    if rest[:9].upper().startswith(b"<!DOCTYPE") or rest.startswith(b"<!ENTITY"):
        return False
    if len(rest) >= 2 and rest[:1] == b"<" and rest[1:2] not in (b"!", b"?"):
        return True
    if rest[:1] not in (b"", b"<"):
        return True  # not XML at all: the parsers will fail on it, harmlessly
    return None


def _check_xml_prologs(name: str, data: bytes, entries: list[_Entry]) -> None:
    """Refuse any part whose XML prolog declares a DTD (entity bombs), reading only its first bytes."""
    for entry in entries:
        if entry.info.file_size == 0 or entry.info.filename.endswith("/"):
            continue
        size = 1024
        while True:
            prefix = _read_prefix(data, entry, size)
            verdict = _xml_prolog_ok(prefix)
            if verdict is False:
                raise _refuse("xml_entities", name, DTD_SENTENCE, part=entry.info.filename)
            if verdict is True or len(prefix) < size:  # root found, or the whole part had none: harmless
                break
            if size >= XML_PROLOG_MAX_BYTES:  # a prolog this long is padding around something
                raise _refuse("xml_entities", name, DTD_SENTENCE, part=entry.info.filename)
            size = min(size * 8, XML_PROLOG_MAX_BYTES)


# ================================================================================== sheet dimensions (xlsx)
def _col_number(letters: bytes) -> int:
    n = 0
    for ch in letters.upper():
        n = n * 26 + (ch - 64)
    return n


def col_letters(n: int) -> str:
    """Excel column letters of a 1-based column number (1 -> A, 16384 -> XFD)."""
    out = ""
    while n > 0:
        n, rem = divmod(n - 1, 26)
        out = chr(65 + rem) + out
    return out


def _greater_than(s: str, lo: str, hi: str, longer: str) -> str:
    """Regex for the strings over ``lo``..``hi`` that sort after ``s`` at the same length, or ``longer``."""
    alts = [longer]
    for i, ch in enumerate(s):
        if ch != hi:
            nxt = chr(ord(ch) + 1)
            rest = len(s) - i - 1
            alts.append(
                s[:i] + (f"[{nxt}-{hi}]" if nxt != hi else hi) + (f"[{lo}-{hi}]{{{rest}}}" if rest else "")
            )
    return "(?:" + "|".join(alts) + ")"


def _gt_letters(w: int) -> str:
    """Regex for a run of capital letters that names a column after column ``w`` (1-based)."""
    if w <= 0:
        return "[A-Z]+"
    s = col_letters(w)
    return _greater_than(s, "A", "Z", f"[A-Z]{{{len(s) + 1},}}")


def _gt_digits(m: int) -> str:
    """Regex for a number without leading zeros that is greater than ``m``."""
    if m <= 0:
        return "[1-9][0-9]*"
    s = str(m)
    return _greater_than(s, "0", "9", f"[1-9][0-9]{{{len(s)},}}")


# The plain form every spreadsheet app writes is `<c r="B7" s="1" t="s">`: the r attribute first, in double
# quotes, capital letters, and no second r (OpenXML SDK exports write `<x:c r="B7">`: the prefix of the root
# element is allowed too). One regex, anchored on "<c" so RE2 can skip from cell to cell with memchr, matches
# every cell start that leaves that form: no r first (cells positioned by counting), r spaced, single-quoted
# or repeated, an odd reference, or a reference outside the box seen so far. A second regex catches cells
# with another namespace prefix. Row references are not checked: they only position cells without r, and
# those send the sheet to the exact scan.
_ODD_REF = r"""[A-Z]*0|[A-Z]*[^A-Z0-9]|[A-Z]*[0-9]+[^0-9"]"""
_ROOT = re.compile(rb"<(?:([^\s<>/!?:]+):)?worksheet[\s/>]")


@dataclass(frozen=True)
class _Form:
    """The regexes of the plain form for one element prefix ("" or e.g. "x:")."""

    prefix: str

    @property
    def odd_cell(self) -> str:
        c = f"<{self.prefix}c"
        return (
            rf"""{c}(?:[\t\n\r/>]| [^r]| r[^=]| r=[^"]| r="[^"]*"r"""
            rf"""| r="[^"]*"(?:[^>"']|"[^"]*"|'[^']*')*(?:\s|"[^"]*"|'[^']*')r\s*=)"""
        )

    @property
    def other_cell(self) -> str:
        """A c element with another prefix (or none, when the form has one)."""
        p = self.prefix[:-1]
        if not p:
            return r":c[\t\n\r />]"
        alts = [r"<c[\t\n\r />]", f"[^{re.escape(p[-1])}]:c[\\t\\n\\r />]"]
        for i in range(len(p) - 1, 0, -1):  # the prefix differs at position i-1, matches after it
            alts.append(f"[^{re.escape(p[i - 1])}]{re.escape(p[i:])}:c[\\t\\n\\r />]")
        alts.append(f"[^</]{re.escape(p)}:c[\\t\\n\\r />]")
        return "|".join(alts)

    def suspect(self, cols: int, rows: int) -> str:
        """Where a chunk leaves the plain form or the box (cols x rows)."""
        return f'{self.odd_cell}|<{self.prefix}c r="(?:{_ODD_REF}|{_gt_letters(cols)}[0-9]|[A-Z]*{_gt_digits(rows)}")'

    @property
    def unusual(self) -> re.Pattern[bytes]:
        return _compiled(f"{self.odd_cell}|{self.other_cell}")

    @property
    def last_ref(self) -> re.Pattern[bytes]:
        return _compiled(f'<{self.prefix}c r="[A-Z]{{0,3}}([1-9][0-9]{{0,6}})"')


@functools.lru_cache(maxsize=64)
def _compiled(pattern: str) -> re.Pattern[bytes]:
    return re.compile(pattern.encode())


_ANY_REF = re.compile(rb' r="([A-Za-z]*)([0-9]*)')


class _Matcher:
    """Does a chunk match a regex? RE2 through pyarrow (a Streamlit dependency) when available, else ``re``.

    RE2 runs the box regex over a chunk in ~1.5-2.5 ms per MB (a DFA, jumping between "<c" with memchr) and
    releases the GIL; Python's ``re`` needs 3-5x that for the same pattern, which would make the scan cost
    more than calamine's own inflate. pyarrow's binary kernels take raw bytes (invalid UTF-8 is fine).
    """

    def __init__(self) -> None:
        try:
            import pyarrow as pa
            import pyarrow.compute as pc
        except ImportError:  # pragma: no cover - pyarrow comes with streamlit
            self._pa = None
        else:
            self._pa, self._pc = pa, pc

    def search_any(self, patterns: tuple[str, ...], chunk: bytes) -> bool:
        """Does any of ``patterns`` match? (Separate searches keep each one's literal prefix fast.)"""
        return any(self.search(p, chunk) for p in patterns)

    def search(self, pattern: str, chunk: bytes) -> bool:
        if self._pa is None:  # pragma: no cover
            return _compiled(pattern).search(chunk) is not None
        pa = self._pa
        offsets = pa.py_buffer(struct.pack("<qq", 0, len(chunk)))
        arr = pa.Array.from_buffers(pa.large_binary(), 1, [None, offsets, pa.py_buffer(chunk)])
        return bool(self._pc.match_substring_regex(arr, pattern)[0].as_py())


_MATCHER: _Matcher | None = None


def prepare() -> None:
    """Load what the sheet scan needs (pyarrow's RE2) now, in the calling thread."""
    _matcher()


def _matcher() -> _Matcher:
    global _MATCHER
    if _MATCHER is None:
        _MATCHER = _Matcher()
    return _MATCHER


class _TooUnusual(Exception):
    """A sheet left the plain form and is too large for the exact scan."""


# --- kept for cpd.ingest.arrow (issue 16): a sheet's first and last bytes, while the scan inflates it anyway ---
SHEET_HEAD_BYTES = 256 * 1024  # the rows a header can be in, for any sheet a spreadsheet app writes
_ENDS = threading.local()


@dataclass(frozen=True)
class SheetEnds:
    """The start of a sheet part's XML and what follows its ``</sheetData>`` (merged cells), or None if that
    was not in the last two chunks scanned."""

    part: str
    head: bytes
    tail: bytes | None


@contextmanager
def keeping_sheet_ends() -> Iterator[dict[str, SheetEnds | None]]:
    """While active in this thread, ``sniff`` fills the dict: sheet name -> its ``SheetEnds`` (None when two
    parts claim the name). Only sheets scanned on the fast path are there. It costs one slice per sheet."""
    ends: dict[str, SheetEnds | None] = {}
    _ENDS.by_part, _ENDS.by_sheet = {}, ends
    try:
        yield ends
    finally:
        _ENDS.by_part = _ENDS.by_sheet = None


def _keep_ends(entry: _Entry, head: bytes, last: list[bytes] | None) -> None:
    if last is None:  # damaged (wrong CRC): nothing kept, the sheet is not eligible for the arrow path
        _ENDS.by_part[entry.info.filename] = None
        return
    tail = None
    for text in (last[-1], b"".join(last)) if last else ():
        end = None
        for end in _SHEET_DATA_END.finditer(text):  # noqa: B007 - want the last
            pass
        if end is not None:
            tail = text[end.end() :]
            break
    _ENDS.by_part[entry.info.filename] = SheetEnds(entry.info.filename, head, tail)


def _name_ends(part: str, sheet: str) -> None:
    if getattr(_ENDS, "by_sheet", None) is not None and part in _ENDS.by_part:
        _ENDS.by_sheet[sheet] = None if sheet in _ENDS.by_sheet else _ENDS.by_part[part]


_SHEET_DATA_END = re.compile(rb"</(?:[^\s<>/!?:]*:)?sheetData\s*>")


def _scan_sheet(data: bytes, entry: _Entry) -> tuple[int, int, tuple[int, ...]]:
    """(last row, last column, hidden rows) that calamine's dense grid for this sheet part can reach, 1-based.

    Fast path, for the plain form (see ``_Form``): each 4 MB chunk gets ONE RE2 search for any cell start that
    leaves the plain form or the box (rows x columns) seen so far. The box grows from the last reference of
    each chunk (rows ascend) and, when the search matches, from all references of that chunk (Python; rare:
    new columns, unordered rows). Every match lies inside one tag, so a chunk is searched in place and only the
    tag cut by the chunk boundary is searched again, joined. Anything outside the plain form raises
    ``_NeedExact``. Hidden rows (``<row ... hidden="1">``) are collected on the way, so nobody needs to inflate
    the sheet again. (Running the search in a worker thread while the next chunk inflates - both release the
    GIL - measured no gain on a busy 2-core machine, so it stays sequential.)
    """
    matcher = _matcher()
    rows = cols = 0
    hidden: set[int] = set()
    open_tag = b""  # the tag cut by the previous chunk boundary, from its "<"
    form: _Form | None = None
    ends = getattr(_ENDS, "by_part", None) is not None  # kept for cpd.ingest.arrow (keeping_sheet_ends)
    head = b""
    ending: list[bytes] = []  # the last two chunks
    crc = 0  # fastexcel stops at </sheetData> and never checks the part's CRC: the arrow path relies on this one
    for piece in _inflate(data, entry):
        if ends:
            head, ending = head or piece[:SHEET_HEAD_BYTES], [*ending[-1:], piece]
            crc = zlib.crc32(piece, crc)
        if form is None:  # first chunk: the element prefix, and the box seeded from the header row
            root = _ROOT.search(piece, 0, 65536)
            if root is None:
                raise _NeedExact
            form = _Form(root.group(1).decode("ascii", "replace") + ":" if root.group(1) else "")
            for m in _ANY_REF.finditer(piece, 0, 65536):
                cols = max(cols, _col_number(m.group(1)))
                rows = max(rows, int(m.group(2) or 0))
        texts = [piece]
        if open_tag:
            close = piece.find(b">")
            if close < 0:
                raise _NeedExact  # a tag longer than a chunk: no spreadsheet app writes one
            texts.append(open_tag + piece[: close + 1])
        lt = piece.rfind(b"<")
        open_tag = piece[lt:] if lt > piece.rfind(b">") else b""
        if len(open_tag) > 1 * MB:
            raise _NeedExact
        last = None
        for last in form.last_ref.finditer(piece, max(0, len(piece) - 4096)):  # noqa: B007 - want the last
            pass
        if last is not None:
            rows = max(rows, int(last.group(1)))
        suspect, has_hidden = _search_texts(matcher, (form.suspect(cols, rows), form.other_cell), texts)
        for text in texts if has_hidden else ():
            hidden.update(_hidden_rows(text))
        if suspect:
            for text in texts:
                if form.unusual.search(text):
                    raise _NeedExact
                for m in _ANY_REF.finditer(text):  # every reference in canonical syntax, any length
                    cols = max(cols, _col_number(m.group(1)))
                    rows = max(rows, int(m.group(2) or 0))
        if rows > EXCEL_MAX_ROWS or cols > EXCEL_MAX_COLS:
            break  # refused by the caller; no need to read on
    if ends:
        # A part whose bytes do not match its CRC is damaged: no ends are kept, so the sheet goes through the
        # cells path, whose reader checks the CRC and gives the "damaged" sentence (~27 ms for 51 MB of XML).
        _keep_ends(entry, head, ending if crc == entry.info.CRC else None)
    return rows, cols, tuple(sorted(hidden))


def _search_texts(matcher: _Matcher, patterns: tuple[str, ...], texts: list[bytes]) -> tuple[bool, bool]:
    """(does any pattern match any text, does any text mention "hidden")."""
    suspect = any(matcher.search_any(patterns, t) for t in texts)
    return suspect, any(matcher.search("hidden", t) for t in texts)


_HIDDEN_ROW_TAG = re.compile(rb"""<(?:[^\s<>/!?:]*:)?row\s[^>]*?\shidden\s*=\s*["'](?:1|true)["'][^>]*>""")
_ROW_NUMBER = re.compile(rb"""\sr\s*=\s*["']([0-9]{1,7})["']""")


def _hidden_rows(xml: bytes) -> set[int]:
    """Excel row numbers of ``<row r="N" ... hidden="1">`` tags."""
    rows = set()
    for tag in _HIDDEN_ROW_TAG.findall(xml):
        m = _ROW_NUMBER.search(tag)
        if m:
            rows.add(int(m.group(1)))
    return rows


class _NeedExact(Exception):
    """The fast scan met something outside the plain form."""


# Tags with local name c or row (prefix without a colon, as quick-xml splits names), plus what quick-xml
# skips: comments, CDATA, processing instructions. Attribute values may contain '>' (the attribute part is
# written unrolled, [^>"']*("..."[^>"']*)*, which sre runs ~4x faster than an alternation per character).
_TAG = re.compile(
    rb"""<(?:!--.*?-->|!\[CDATA\[.*?\]\]>|\?.*?\?>"""
    rb"""|(/?)(?:[^\s<>/!?:]*:)?(row|c)(?=[\s/>])([^>"']*(?:(?:"[^"]*"|'[^']*')[^>"']*)*)>)""",
    re.S,
)
# quick-xml reads attributes as name = "value" pairs and needs no space between them (`s="1"r="B2"`).
_ATTR = re.compile(rb"""([^\s=/>"']+)\s*=\s*(?:"([^"]*)"|'([^']*)')""")
_REF_PARTS = re.compile(rb"([A-Za-z]+)([0-9]+)")


def _exact_extent(xml: bytes) -> tuple[int, int]:
    """(last row, last column), 1-based, replaying how calamine 0.3x positions cells (xlsx/cells_reader.rs).

    calamine's reader expands ``<x/>`` into a start and an end. A ``<row>`` start sets the row from its r; a
    ``</row>`` moves to the next row and column 0; a ``<c>`` start takes its r (the last one if repeated) or else
    the current position, and the column moves on; everything inside a cell is skipped. A cell counts toward
    the grid unless it is self-closing (no value: calamine drops it); cells with an empty value are counted
    anyway (an upper bound).
    """
    row_index = col_index = 0
    max_row = max_col = 0
    in_cell = False
    for m in _TAG.finditer(xml):
        name = m.group(2)
        if name is None:
            continue
        is_end = m.group(1) == b"/"
        attrs = m.group(3)
        if in_cell:
            if is_end and name == b"c":
                in_cell = False
            continue
        if is_end:
            if name == b"row":
                row_index += 1
                col_index = 0
            continue
        empty = attrs.rstrip().endswith(b"/")
        refs = [v1 or v2 for key, v1, v2 in _ATTR.findall(attrs) if key == b"r"]
        if name == b"row":
            if refs:
                if not refs[-1].isdigit():
                    return max_row, max_col  # calamine stops with an error here
                row_index = int(refs[-1]) - 1
            if empty:  # <row/> is a start and an end
                row_index += 1
                col_index = 0
            continue
        if refs:
            parsed = [_REF_PARTS.fullmatch(r) for r in refs]
            if parsed[-1] is None:
                return max_row, max_col  # calamine stops with an error here
            if not empty:
                for p in parsed:
                    if p is not None:
                        max_col = max(max_col, _col_number(p.group(1)))
                        max_row = max(max_row, int(p.group(2)))
            col_index = _col_number(parsed[-1].group(1)) - 1
        elif not empty:
            max_row = max(max_row, row_index + 1)
            max_col = max(max_col, col_index + 1)
        col_index += 1
        in_cell = not empty
    return max_row, max_col


def sheet_extent(data: bytes, entry: _Entry) -> tuple[int, int, tuple[int, ...]]:
    """(rows, columns, hidden rows) for a sheet part: fast scan, or the exact scan when needed."""
    try:
        rows, cols, hidden = _scan_sheet(data, entry)
    except _NeedExact:
        if entry.info.file_size > EXACT_SCAN_MAX_BYTES:
            raise _TooUnusual from None
    else:
        if not _too_big(rows, cols) or entry.info.file_size > EXACT_SCAN_MAX_BYTES:
            return rows, cols, hidden
        # The fast scan counts formatted-but-empty cells (<c r="XFD1048576" s="3"/>), which calamine skips;
        # before refusing, ask the exact scan, which skips them too.
    xml = b"".join(_inflate(data, entry))
    rows, cols = _exact_extent(xml)
    found = sorted(_hidden_rows(xml)) if b"hidden" in xml else []
    return rows, cols, tuple(found)


def _sheet_parts(name: str, data: bytes, names: dict[str, _Entry], workbook_xml: bytes) -> dict[str, str]:
    """Sheet part path -> sheet name, resolving each ``<sheet r:id>`` the ways calamine may resolve it.

    Every part under xl/worksheets (and chart/dialog/macro sheets) is added even if no sheet points at it,
    and when the sheets or relationships cannot be read every XML part is scanned.
    """
    rels_entry = names.get("xl/_rels/workbook.xml.rels")
    rels = _read_all(name, data, rels_entry, limit=16 * MB) if rels_entry else b""
    targets: dict[bytes, bytes] = {}
    for tag in re.findall(rb"<(?:[\w.-]+:)?Relationship\b[^>]*>", rels):
        rid = re.search(rb"""\bId\s*=\s*["']([^"']*)["']""", tag)
        target = re.search(rb"""\bTarget\s*=\s*["']([^"']*)["']""", tag)
        if rid and target:
            targets[rid.group(1)] = target.group(1)
    lower = {n.lower(): n for n in names}
    parts: dict[str, str] = {}
    sheets = 0
    for tag in re.findall(rb"<(?:[\w.-]+:)?sheet\b[^>]*>", workbook_xml):
        nm = re.search(rb"""\bname\s*=\s*["']([^"']*)["']""", tag)
        rid = re.search(rb"""\b[\w.-]+:id\s*=\s*["']([^"']*)["']""", tag)
        if not (nm and rid):
            continue
        sheets += 1
        sheet = html.unescape(nm.group(1).decode("utf-8", "replace"))
        t = targets.get(rid.group(1), b"").decode("utf-8", "replace")
        if not t:
            continue
        for c in {t.lstrip("/"), f"xl/{t}", posixpath.normpath(f"xl/{t}"), posixpath.normpath(t.lstrip("/"))}:
            real = c if c in names else lower.get(c.lower())
            if real:
                parts.setdefault(real, sheet)
    for n in names:
        if re.fullmatch(r"xl/(?:work|chart|dialog|macro)sheets/[^/]+\.xml", n, re.I):
            parts.setdefault(n, posixpath.basename(n))
    if not sheets or not targets:
        for n in names:
            if n.lower().endswith(".xml"):
                parts.setdefault(n, posixpath.basename(n))
    return parts


def _check_sheets(
    name: str, data: bytes, names: dict[str, _Entry], workbook_xml: bytes
) -> tuple[tuple[tuple[str, int], ...], tuple[tuple[str, tuple[int, ...]], ...]]:
    """Refuse any sheet whose dense grid would exceed MAX_SHEET_CELLS (or all together MAX_WORKBOOK_CELLS)."""
    total = 0
    cells: list[tuple[str, int]] = []
    hidden: list[tuple[str, tuple[int, ...]]] = []
    scanned: list[str] = []
    for part, sheet in _sheet_parts(name, data, names, workbook_xml).items():
        scanned.append(part)
        try:
            rows, cols, hidden_rows = sheet_extent(data, names[part])
        except _TooUnusual:
            raise _refuse("unusual", name, UNUSUAL_SENTENCE, sheet=sheet) from None
        except _LyingSize:
            raise _bomb(name, f"{part} holds more data than it declares") from None
        except zlib.error:
            raise _refuse("damaged", name, DAMAGED_SENTENCE) from None
        _name_ends(part, sheet)
        _check_extent(name, sheet, rows, cols)
        total += rows * cols
        cells.append((sheet, rows * cols))
        if hidden_rows:
            hidden.append((sheet, hidden_rows))
        if total > MAX_WORKBOOK_CELLS:
            raise _refuse("dimensions", name, WORKBOOK_CELLS_SENTENCE, cells=total)
    _check_shared_text(name, data, names, total, scanned)
    return tuple(cells), tuple(hidden)


# A shared string's item in sharedStrings.xml (its length in bytes bounds the text of every cell showing it) and
# a cell that shows one (its <v> is the item's index).
_SI_START = re.compile(rb"<(?:[\w.-]+:)?si[\s>/]")
_SHARED_CELL = re.compile(
    rb"""<(?:[\w.-]+:)?c\s[^>]*?\bt\s*=\s*["']s["'][^>]*>\s*<(?:[\w.-]+:)?v\s*>\s*([0-9]{1,10})\s*<"""
)


def _check_shared_text(
    name: str, data: bytes, names: dict[str, _Entry], cells: int, parts: list[str]
) -> None:
    """Refuse an xlsx whose cells would copy more than MAX_CELL_TEXT_BYTES of shared text.

    python-calamine and fastexcel copy a shared string into every cell that shows it, so a 600 KB file with one
    32,000-character string shown in 100,000 cells asks for 3 GB (a Rust allocation failure aborts the process).
    The cheap bound (cells x the longest item) clears every ordinary workbook at once; only when it does not are
    the sheets read again and each shared-string cell's item length added up (about a second for 66 MB of XML).
    """
    tables = [e for n, e in names.items() if n.lower().endswith("sharedstrings.xml")]
    if not tables or not cells:
        return
    import numpy as np

    lengths = max((_item_lengths(data, e) for e in tables), key=lambda a: int(a.max(initial=0)))
    if not len(lengths) or cells * int(lengths.max()) <= MAX_CELL_TEXT_BYTES:
        return
    text = 0
    for part in parts:
        carry = b""
        for piece in _inflate(data, names[part]):
            chunk = carry + piece
            # A cell found now starts before ``cut``; the rest is searched again with the next piece (a cell's
            # tag is far shorter than 4 KB, so none is lost or counted twice at a boundary).
            cut = max(0, len(chunk) - 4096)
            found = np.array(
                [int(m.group(1)) for m in _SHARED_CELL.finditer(chunk) if m.start() < cut], dtype=np.int64
            )
            carry = chunk[cut:]
            text += int(lengths[found[found < len(lengths)]].sum())
            if text > MAX_CELL_TEXT_BYTES:
                raise _refuse("dimensions", name, TEXT_SENTENCE, size=text / MB)
        found = np.array([int(m.group(1)) for m in _SHARED_CELL.finditer(carry)], dtype=np.int64)
        text += int(lengths[found[found < len(lengths)]].sum())
    if text > MAX_CELL_TEXT_BYTES:
        raise _refuse("dimensions", name, TEXT_SENTENCE, size=text / MB)


def _item_lengths(data: bytes, entry: _Entry) -> np.ndarray:
    """Bytes of each <si> item of a shared-strings part (markup included: an upper bound of its text)."""
    import numpy as np

    starts: list[int] = []
    offset = 0
    carry = b""
    for piece in _inflate(data, entry):
        chunk = carry + piece
        base = offset - len(carry)
        limit = max(0, len(chunk) - 8)  # a start tag cut by the chunk's end is found in the next one
        starts.extend(base + m.start() for m in _SI_START.finditer(chunk, 0, limit))
        carry = chunk[limit:]
        offset += len(piece)
    bounds = np.array([*starts, offset], dtype=np.int64)
    return np.diff(bounds) if len(starts) else np.zeros(0, dtype=np.int64)


def _too_big(rows: int, cols: int) -> bool:
    return rows > EXCEL_MAX_ROWS or cols > EXCEL_MAX_COLS or rows * cols > MAX_SHEET_CELLS


def _check_extent(name: str, sheet: str, rows: int, cols: int) -> None:
    if _too_big(rows, cols):
        cell = f"{col_letters(cols)}{rows}" if cols <= 10**6 else f"column {cols:,}, row {rows:,}"
        raise _refuse("dimensions", name, DIMENSIONS_SENTENCE, sheet=sheet, cell=cell, cells=rows * cols)


def check_sheet_size(name: str, sheet: str, height: int, width: int) -> None:
    """Refuse a loaded sheet larger than MAX_SHEET_CELLS before it is turned into Python objects.

    ``sniff`` already refused such sheets before calamine allocated them; this is the same limit applied to
    the size calamine reports, for callers that read workbooks ``sniff`` did not see.
    """
    _check_extent(name, sheet, height, width)


# =========================================================================================== ods dimensions
_ODS_TAG = re.compile(
    rb"""<(?:!--.*?-->|!\[CDATA\[.*?\]\]>|\?.*?\?>"""
    rb"""|(/?)table:(table|table-row|table-cell|covered-table-cell)(?=[\s/>])([^>"']*(?:(?:"[^"]*"|'[^']*')[^>"']*)*)>)""",
    re.S,
)
_ODS_ROWS_REPEATED = re.compile(rb"""table:number-rows-repeated\s*=\s*["']\s*([0-9]+)""")
_ODS_COLS_REPEATED = re.compile(rb"""table:number-columns-repeated\s*=\s*["']\s*([0-9]+)""")
_ODS_VALUE = re.compile(
    rb"""\b(?:office:(?:value|string-value|date-value|time-value|boolean-value|value-type)|"""
    rb"""table:formula)\s*="""
)
_ODS_NAME = re.compile(rb"""table:name\s*=\s*["']([^"']*)["']""")


def _ods_extents(xml: bytes) -> Iterator[tuple[str, int, int, int]]:
    """(sheet, dense cells, cells pushed while reading, widest row) per table, replaying calamine's ods reader.

    calamine pushes every repeat of a non-empty cell (``number-columns-repeated``) and, between the first and
    last non-empty rows, every repeat of a row, so a 2 KB content.xml can ask for billions of cells. Trailing
    empty repeats (LibreOffice writes a million empty rows after the data) cost nothing and are not counted.
    """
    sheet = ""
    in_table = False
    rows: list[tuple[int, int, bool]] = []  # (repeats, pushed, non-empty)
    pushed = pending = 0
    nonempty = False
    for m in _ODS_TAG.finditer(xml):
        tag = m.group(2)
        if tag is None:
            continue
        is_end = m.group(1) == b"/"
        attrs = m.group(3)
        if tag == b"table":
            if is_end and in_table:
                yield _ods_table_total(sheet, rows)
                in_table, rows = False, []
            elif not is_end:
                nm = _ODS_NAME.search(attrs)
                sheet = html.unescape(nm.group(1).decode("utf-8", "replace")) if nm else "?"
                in_table, rows = True, []
            continue
        if not in_table:
            continue
        if tag == b"table-row":
            if not is_end:
                rep = _ODS_ROWS_REPEATED.search(attrs)
                rows.append((int(rep.group(1)) if rep else 1, 0, False))
                pushed = pending = 0
                nonempty = False
            elif rows:
                reps = rows[-1][0]
                rows[-1] = (reps, pushed, nonempty)
            continue
        if is_end:
            continue
        rep = _ODS_COLS_REPEATED.search(attrs)
        n = int(rep.group(1)) if rep else 1
        self_closing = attrs.rstrip().endswith(b"/")
        if _ODS_VALUE.search(attrs) or not self_closing:
            pushed += pending + n
            pending = 0
            nonempty = True
        else:
            pending += n
    if in_table:
        yield _ods_table_total(sheet, rows)


def _ods_table_total(sheet: str, rows: list[tuple[int, int, bool]]) -> tuple[str, int, int, int]:
    marks = [i for i, r in enumerate(rows) if r[2]]
    if not marks:
        return sheet, 0, 0, 0
    width = max(r[1] for r in rows)
    height = sum(r[0] for r in rows[marks[0] : marks[-1] + 1])
    return sheet, height * width, sum(r[1] for r in rows), width


def _check_ods(name: str, data: bytes, names: dict[str, _Entry]) -> tuple[tuple[str, int], ...]:
    content = names.get("content.xml")
    if content is None:
        raise _refuse("damaged", name, DAMAGED_SENTENCE)
    if (
        content.info.file_size > EXACT_SCAN_MAX_BYTES
    ):  # the ods scan replays calamine in Python, ~50 ms per MB
        raise _refuse("unusual", name, ODS_TOO_LARGE_SENTENCE)
    try:
        xml = b"".join(_inflate(data, content))
    except _LyingSize:
        raise _bomb(name, "content.xml holds more data than it declares") from None
    except zlib.error:
        raise _refuse("damaged", name, DAMAGED_SENTENCE) from None
    total = 0
    cells: list[tuple[str, int]] = []
    for sheet, dense, pushed, width in _ods_extents(xml):
        if width > EXCEL_MAX_COLS or dense > MAX_SHEET_CELLS or pushed > MAX_SHEET_CELLS:
            height = dense // width if width else 0
            cell = f"{col_letters(min(width, 10**6))}{height}" if width <= 10**6 else f"column {width:,}"
            raise _refuse(
                "dimensions", name, DIMENSIONS_SENTENCE, sheet=sheet, cell=cell, cells=max(dense, pushed)
            )
        total += dense
        cells.append((sheet, dense))
        if total > MAX_WORKBOOK_CELLS:
            raise _refuse("dimensions", name, WORKBOOK_CELLS_SENTENCE, cells=total)
    return tuple(cells)
