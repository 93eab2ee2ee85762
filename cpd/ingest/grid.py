"""From bytes to grids of cells: one per sheet (xlsx, xlsm, ods) or one per text file (csv, tsv, txt).

This is the only place that touches file formats. Checks that protect the parsers (size, signature, zip bombs,
entity bombs, absurd dimensions) run first, in ``cpd.safety``.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass, field

import python_calamine as pc

from .. import safety, textfile
from ..errors import UnreadableFile


@dataclass(frozen=True)
class Grid:
    """The cells of one sheet, with the row numbers a manager sees in Excel (or the line numbers of a csv)."""

    file: str
    sheet: str
    rows: list[list[object]]
    row_numbers: list[int]
    hidden: bool = False
    date1904: bool = False
    text: bool = False  # cells are all strings (csv): numbers and dates still need parsing
    field_counts: list[int] | None = None  # csv only: fields on each record, for ragged-line checks
    bad_lines: dict[int, str] = field(default_factory=dict)  # csv line -> why it cannot be read
    hidden_rows: tuple[int, ...] = ()
    notices: tuple[str, ...] = ()


_DATE1904 = re.compile(rb"date1904\s*=\s*\"(1|true)\"", re.I)
_HIDDEN_ROW = re.compile(rb"<(?:\w+:)?row\b[^>]*?\bhidden=\"(?:1|true)\"[^>]*>", re.I)
_ROW_NUM = re.compile(rb"\br=\"(\d+)\"")


def read_grids(name: str, data: bytes) -> list[Grid]:
    """All sheets of one file as grids; raises UnreadableFile with the sentence a manager sees."""
    sniffed = safety.sniff(name, data)
    if sniffed.kind == "text":
        return [_text_grid(name, data)]
    return _workbook_grids(name, data, sniffed)


def _text_grid(name: str, data: bytes) -> Grid:
    decoded = textfile.decode(data)
    table = textfile.parse(decoded)
    return Grid(file=name, sheet="", rows=[list(r) for r in table.rows], row_numbers=list(table.line_numbers),
                text=True, field_counts=list(table.field_counts), bad_lines=dict(decoded.bad_lines),
                notices=tuple(f"{name}: {n}" for n in decoded.notices))


def _workbook_facts(data: bytes) -> tuple[bool, dict[str, tuple[int, ...]]]:
    """The 1904 flag and hidden rows per sheet part, read from the (already size-checked) zip."""
    date1904 = False
    hidden: dict[str, tuple[int, ...]] = {}
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            names = set(zf.namelist())
            if "xl/workbook.xml" in names:
                date1904 = bool(_DATE1904.search(zf.read("xl/workbook.xml")))
                rels = zf.read("xl/_rels/workbook.xml.rels") if "xl/_rels/workbook.xml.rels" in names else b""
                book = zf.read("xl/workbook.xml")
                targets = dict(re.findall(rb'Id="([^"]+)"[^>]*Target="([^"]+)"', rels))
                targets.update({k: v for v, k in re.findall(rb'Target="([^"]+)"[^>]*Id="([^"]+)"', rels)})
                for sheet_name, rid in re.findall(rb'<(?:\w+:)?sheet\b[^>]*?name="([^"]*)"[^>]*?r:id="([^"]+)"', book):
                    target = targets.get(rid, b"").decode()
                    part = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
                    if part in names:
                        with zf.open(part) as fh:
                            xml = fh.read()
                        if b"hidden=" in xml:
                            rows = tuple(int(_ROW_NUM.search(m.group(0)).group(1))
                                         for m in _HIDDEN_ROW.finditer(xml) if _ROW_NUM.search(m.group(0)))
                            if rows:
                                hidden[_unescape(sheet_name.decode("utf-8", "replace"))] = rows
    except (zipfile.BadZipFile, KeyError, OSError):
        pass
    return date1904, hidden


def _unescape(s: str) -> str:
    return s.replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"').replace("&apos;", "'")


def _workbook_grids(name: str, data: bytes, sniffed: safety.Sniffed) -> list[Grid]:
    date1904, hidden_rows = _workbook_facts(data) if sniffed.kind == "xlsx" else (False, {})
    try:
        wb = pc.CalamineWorkbook.from_filelike(io.BytesIO(data))
        grids: list[Grid] = []
        for meta in wb.sheets_metadata:
            if meta.typ != pc.SheetTypeEnum.WorkSheet:
                continue
            sheet = wb.get_sheet_by_name(meta.name)
            safety.check_sheet_size(name, meta.name, sheet.height, sheet.width)
            rows = sheet.to_python(skip_empty_area=True)
            start_row = sheet.start[0] if sheet.start else 0
            grids.append(Grid(
                file=name, sheet=meta.name, rows=rows,
                row_numbers=list(range(start_row + 1, start_row + 1 + len(rows))),
                hidden=meta.visible != pc.SheetVisibleEnum.Visible, date1904=date1904,
                hidden_rows=hidden_rows.get(meta.name, ()),
                notices=tuple(sniffed.notices),
            ))
        return grids
    except UnreadableFile:
        raise
    except pc.PasswordError:
        raise UnreadableFile(safety.PASSWORD_SENTENCE, file=name) from None
    except (pc.CalamineError, pc.ZipError, pc.XmlError, ValueError, OSError) as exc:
        raise UnreadableFile("the workbook is damaged and cannot be read: open it in Excel, save it again "
                             "and upload the new copy.", file=name) from exc
