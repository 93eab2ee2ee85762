"""A tiny .xlsb (BIFF12) writer for tests: no Python library writes xlsb, and LibreOffice only reads it.

Enough for calamine to open it: workbook.bin with one BrtBundleSh per sheet (and BrtWbProp for the 1904 flag),
its relationships, and each sheet's BrtWsDim, BrtBeginSheetData, BrtRowHdr and inline-string / number cells.
Hostile variants take raw record bytes.
"""

from __future__ import annotations

import io
import struct
import zipfile
from collections.abc import Sequence


def varint_type(t: int) -> bytes:
    return bytes([t]) if t < 0x80 else bytes([(t & 0x7F) | 0x80, t >> 7])


def varint_size(n: int) -> bytes:
    out = bytearray()
    for _ in range(4):
        b = n & 0x7F
        n >>= 7
        out.append(b | (0x80 if n else 0))
        if not n:
            break
    return bytes(out)


def record(t: int, body: bytes = b"", *, size: int | None = None) -> bytes:
    """One record; ``size`` declares another length than the body's (a lie)."""
    return varint_type(t) + varint_size(len(body) if size is None else size) + body


def wide(s: str) -> bytes:
    return struct.pack("<I", len(s)) + s.encode("utf-16-le")


def row_header(row: int, hidden: bool = False) -> bytes:
    return record(0x0000, struct.pack("<IIHBB", row, 0, 300, 0, 0x10 if hidden else 0) + bytes(5))


def cell(col: int, value: object) -> bytes:
    head = struct.pack("<II", col, 0)
    if isinstance(value, str):
        return record(0x0006, head + wide(value))
    return record(0x0005, head + struct.pack("<d", float(value)))  # type: ignore[arg-type]


def sheet_records(
    rows: Sequence[Sequence[object]],
    hidden_rows: Sequence[int] = (),
    dim: bytes | None = None,
    hidden_columns: Sequence[tuple[int, int]] = (),
) -> bytes:
    """Records of a sheet part with ``rows`` from A1 (None: no cell); ``hidden_rows`` are 0-based."""
    last_row = max(len(rows) - 1, 0)
    last_col = max((len(r) for r in rows), default=1) - 1
    body = record(0x0081) + record(
        0x0094, dim if dim is not None else struct.pack("<IIII", 0, last_row, 0, last_col)
    )
    if hidden_columns:  # BrtBeginColInfos, a BrtColInfo (fHidden) per range, BrtEndColInfos
        body += record(0x0186)
        for first, last in hidden_columns:
            body += record(0x003C, struct.pack("<IIIIH", first, last, 2304, 0, 1))
        body += record(0x0187)
    parts = [body, record(0x0091)]
    for r, values in enumerate(rows):
        parts.append(row_header(r, r in hidden_rows))
        parts.extend(cell(c, v) for c, v in enumerate(values) if v is not None)
    return b"".join(parts) + record(0x0092) + record(0x0082)


def xlsb(sheets: dict[str, bytes], *, date1904: bool = False, hidden: Sequence[str] = ()) -> bytes:
    """A workbook of sheet parts (the bytes ``sheet_records`` returns, or anything)."""
    wb = record(0x0083) + record(0x0099, struct.pack("<I", 1 if date1904 else 0)) + record(0x008F)
    rels = [
        '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    ]
    for i, name in enumerate(sheets, start=1):
        state = 1 if name in hidden else 0
        wb += record(0x009C, struct.pack("<II", state, i) + wide(f"rId{i}") + wide(name))
        rels.append(
            f'<Relationship Id="rId{i}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet{i}.bin"/>'
        )
    wb += record(0x0090) + record(0x0084)
    rels.append("</Relationships>")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>',
        )
        zf.writestr("xl/workbook.bin", wb)
        zf.writestr("xl/_rels/workbook.bin.rels", "".join(rels))
        for i, body in enumerate(sheets.values(), start=1):
            zf.writestr(f"xl/worksheets/sheet{i}.bin", body)
    return buf.getvalue()
