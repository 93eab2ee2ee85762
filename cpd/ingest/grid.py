"""From bytes to grids of cells: one per sheet (xlsx, xlsm, ods) or one per text file (csv, tsv, txt).

This is the only place that touches file formats. Checks that protect the parsers (size, signature, zip bombs,
entity bombs, absurd dimensions) run first, in ``cpd.safety``.
"""

from __future__ import annotations

import io
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


def read_grids(name: str, data: bytes) -> list[Grid]:
    """All sheets of one file as grids; raises UnreadableFile with the sentence a manager sees."""
    sniffed = safety.sniff(name, data)
    if sniffed.kind == "text":
        return [_text_grid(name, data)]
    return _workbook_grids(name, data, sniffed)


def _text_grid(name: str, data: bytes) -> Grid:
    decoded = textfile.decode(data, name=name)
    table = textfile.parse(decoded)
    notices = tuple(dict.fromkeys((*decoded.notices, *getattr(table, "notices", ()))))
    return Grid(file=name, sheet="", rows=[list(r) for r in table.rows], row_numbers=list(table.line_numbers),
                text=True, field_counts=list(table.field_counts), bad_lines=dict(table.bad_lines),
                notices=tuple(f"{name}: {n}" for n in notices))


def _workbook_grids(name: str, data: bytes, sniffed: safety.Sniffed) -> list[Grid]:
    # sniff() already scanned every sheet part: it knows the date system and the hidden rows.
    date1904, hidden_rows = sniffed.date1904, dict(sniffed.hidden_rows)
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
    except (pc.CalamineError, pc.ZipError, pc.XmlError, ValueError, OSError) as exc:
        raise UnreadableFile("the workbook is damaged and cannot be read: open it in Excel, save it again "
                             "and upload the new copy.", file=name) from exc
