"""Hostile and broken files, made by the tests themselves (nothing is downloaded or checked in).

Each builder returns bytes. ``CASES`` lists the files ``cpd.safety.sniff`` must refuse, with the
``Refusal.reason`` expected, so a test table can walk them; text builders are for ``cpd.textfile``.
"""

from __future__ import annotations

import codecs
import datetime as dt
import io
import os
import random
import struct
import zipfile
import zlib
from pathlib import Path

# --------------------------------------------------------------------------------------- minimal xlsx parts
CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.'
    '{main}"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/sharedStrings.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
    "</Types>"
)
ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'officeDocument" Target="xl/workbook.xml"/></Relationships>'
)
WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">{pr}'
    '<sheets><sheet name="Roster" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'worksheet" Target="worksheets/sheet1.xml"/>'
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'sharedStrings" Target="sharedStrings.xml"/></Relationships>'
)
SHARED_STRINGS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" uniqueCount="1">'
    "<si><t>Trainer</t></si></sst>"
)
SHEET_HEAD = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
)


def sheet_xml(sheet_data: str, *, dimension: str | None = None, head: str = SHEET_HEAD) -> str:
    dim = f'<dimension ref="{dimension}"/>' if dimension else ""
    return f"{head}{dim}<sheetData>{sheet_data}</sheetData></worksheet>"


def raw_xlsx(
    sheet_data: str = '<row r="1"><c r="A1" t="s"><v>0</v></c></row>',
    *,
    dimension: str | None = None,
    parts: dict[str, bytes | str] | None = None,
    macro: bool = False,
    date1904: bool = False,
    sheet: str | None = None,
) -> bytes:
    """A small xlsx written part by part, so tests control every byte a parser will see."""
    main = "ms-excel.sheet.macroEnabled.main+xml" if macro else "spreadsheetml.sheet.main+xml"
    files: dict[str, bytes | str] = {
        "[Content_Types].xml": CONTENT_TYPES.format(main=main),
        "_rels/.rels": ROOT_RELS,
        "xl/workbook.xml": WORKBOOK.format(pr='<workbookPr date1904="1"/>' if date1904 else ""),
        "xl/_rels/workbook.xml.rels": WORKBOOK_RELS,
        "xl/sharedStrings.xml": SHARED_STRINGS,
        "xl/worksheets/sheet1.xml": sheet
        if sheet is not None
        else sheet_xml(sheet_data, dimension=dimension),
    }
    if macro:
        files["xl/vbaProject.bin"] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(1000)
    files.update(parts or {})
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for n, content in files.items():
            zf.writestr(n, content)
    return buf.getvalue()


def openpyxl_xlsx(rows: list[list[object]] | None = None) -> bytes:
    """A normal workbook as a spreadsheet app writes it."""
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Roster"
    for row in rows or [
        ["Trainer", "Club", "Certification", "Expires"],
        ["Ana Silva", "Downtown", "NASM CPT", dt.date(2027, 3, 15)],
    ]:
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


# ---------------------------------------------------------------------------------------------- zip bombs
def _zip_with_raw_entry(
    name: str, compressed: bytes, crc: int, size: int, method: int = 8, others: dict[str, str] | None = None
) -> bytes:
    """A zip whose entry ``name`` holds ``compressed`` as given (no recompression), other entries normal."""
    return _zip_with_raw_entries([(name, compressed, crc, size)], others, method)


def _zip_with_raw_entries(
    raws: list[tuple[str, bytes, int, int]], others: dict[str, str] | None = None, method: int = 8
) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for n, content in (others or {}).items():
            zf.writestr(n, content)
    base = buf.getvalue()
    src = zipfile.ZipFile(io.BytesIO(base))
    out = io.BytesIO()
    central = []
    for info in src.infolist():
        raw = _raw_entry_bytes(base, info)
        central.append((info.filename.encode(), info.CRC, info.compress_size, info.file_size, 8, out.tell()))
        out.write(_local_header(info.filename.encode(), info.CRC, info.compress_size, info.file_size, 8))
        out.write(raw)
    for name, compressed, crc, size in raws:
        central.append((name.encode(), crc, len(compressed), size, method, out.tell()))
        out.write(_local_header(name.encode(), crc, len(compressed), size, method))
        out.write(compressed)
    return out.getvalue() + _central_directory(central, out.tell())


def _raw_entry_bytes(data: bytes, info: zipfile.ZipInfo) -> bytes:
    off = info.header_offset
    nlen, xlen = struct.unpack_from("<HH", data, off + 26)
    start = off + 30 + nlen + xlen
    return data[start : start + info.compress_size]


def _local_header(name: bytes, crc: int, csize: int, usize: int, method: int) -> bytes:
    return (
        struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, method, 0, 0x21, crc, csize, usize, len(name), 0)
        + name
    )


def _central_directory(entries: list[tuple[bytes, int, int, int, int, int]], cd_offset: int) -> bytes:
    cd = b"".join(
        struct.pack(
            "<IHHHHHHIIIHHHHHII",
            0x02014B50,
            20,
            20,
            0,
            method,
            0,
            0x21,
            crc,
            csize,
            usize,
            len(name),
            0,
            0,
            0,
            0,
            0,
            off,
        )
        + name
        for name, crc, csize, usize, method, off in entries
    )
    n = len(entries)
    if n < 0xFFFF:
        return cd + struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, n, n, len(cd), cd_offset, 0)
    zip64_end = cd_offset + len(cd)
    record = struct.pack("<IQHHIIQQQQ", 0x06064B50, 44, 45, 45, 0, 0, n, n, len(cd), cd_offset)
    locator = struct.pack("<IIQI", 0x07064B50, 0, zip64_end, 1)
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, 0xFFFF, 0xFFFF, 0xFFFFFFFF, 0xFFFFFFFF, 0)
    return cd + record + locator + end


def deflate_zeros(n_bytes: int) -> bytes:
    """Raw deflate of ``n_bytes`` zero bytes (a multiple of 1 MB), ~1,000x smaller, built in milliseconds.

    After a full flush the compressor forgets its history, so every further 1 MB block of zeros compresses to
    the same bytes: one block is compressed and its output repeated instead of deflating a gigabyte.
    """
    block = bytes(1 << 20)
    comp = zlib.compressobj(9, zlib.DEFLATED, -15)
    first = comp.compress(block) + comp.flush(zlib.Z_FULL_FLUSH)
    again = comp.compress(block) + comp.flush(zlib.Z_FULL_FLUSH)
    n = n_bytes >> 20
    return first + again * (n - 1) + comp.flush(zlib.Z_FINISH)


def zip_bomb(gigabytes: int = 1) -> bytes:
    """An xlsx whose only sheet is 1 GB of zeros deflated to ~1 MB (ratio ~1,000). The CRC is not computed
    (it would take a second and nothing reaches the point of checking it)."""
    n = gigabytes << 30
    others = {
        "[Content_Types].xml": CONTENT_TYPES.format(main="spreadsheetml.sheet.main+xml"),
        "_rels/.rels": ROOT_RELS,
        "xl/workbook.xml": WORKBOOK.format(pr=""),
        "xl/_rels/workbook.xml.rels": WORKBOOK_RELS,
    }
    return _zip_with_raw_entry("xl/worksheets/sheet1.xml", deflate_zeros(n), 0, n, others=others)


def small_ratio_bomb() -> bytes:
    """300 parts of 900 KB of zeros, each under the per-part ratio check, together ~1,000x the file size."""
    comp = zlib.compressobj(9, zlib.DEFLATED, -15)
    raw = comp.compress(bytes(900_000)) + comp.flush()
    crc = zlib.crc32(bytes(900_000))
    others = {
        "[Content_Types].xml": CONTENT_TYPES.format(main="spreadsheetml.sheet.main+xml"),
        "_rels/.rels": ROOT_RELS,
        "xl/workbook.xml": WORKBOOK.format(pr=""),
        "xl/_rels/workbook.xml.rels": WORKBOOK_RELS,
    }
    return _zip_with_raw_entries([(f"xl/media/pad{i}.bin", raw, crc, 900_000) for i in range(300)], others)


def lying_size_zip() -> bytes:
    """A sheet whose 20 MB of real (valid, far-reaching) XML declares itself as 2 KB in both headers."""
    body = "".join(f'<row r="{r}"><c r="A{r}"><v>{r}</v></c></row>' for r in range(1, 200_001))
    xml = sheet_xml(body + '<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>').encode()
    comp = zlib.compressobj(6, zlib.DEFLATED, -15)
    raw = comp.compress(xml) + comp.flush()
    others = {
        "[Content_Types].xml": CONTENT_TYPES.format(main="spreadsheetml.sheet.main+xml"),
        "_rels/.rels": ROOT_RELS,
        "xl/workbook.xml": WORKBOOK.format(pr=""),
        "xl/_rels/workbook.xml.rels": WORKBOOK_RELS,
    }
    return _zip_with_raw_entry("xl/worksheets/sheet1.xml", raw, zlib.crc32(xml), 2048, others=others)


def many_entries_zip(n: int = 100_000) -> bytes:
    """A zip of ``n`` empty entries (a bomb for anything that walks the directory)."""
    entries = []
    out = io.BytesIO()
    for i in range(n):
        name = f"x/{i}".encode()
        entries.append((name, 0, 0, 0, 0, out.tell()))
        out.write(_local_header(name, 0, 0, 0, 0))
    return out.getvalue() + _central_directory(entries, out.tell())


def overlapping_zip() -> bytes:
    """Two directory entries pointing at the same data (the trick behind non-recursive zip bombs)."""
    data = raw_xlsx()
    zf = zipfile.ZipFile(io.BytesIO(data))
    entries = []
    for info in zf.infolist():
        entries.append(
            (info.filename.encode(), info.CRC, info.compress_size, info.file_size, 8, info.header_offset)
        )
    sheet = zf.getinfo("xl/worksheets/sheet1.xml")
    entries.append(
        (b"xl/worksheets/sheet2.xml", sheet.CRC, sheet.compress_size, sheet.file_size, 8, sheet.header_offset)
    )
    cd_offset = zf.start_dir
    return data[:cd_offset] + _central_directory(entries, cd_offset)


# ------------------------------------------------------------------------------------------ XML / shapes
BILLION_LAUGHS = (
    '<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">'
    + "".join(
        f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">' for i in range(1, 10)
    )
    + ']>\n<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>&lol9;</t></si></sst>'
)


def billion_laughs_xlsx(where: str = "xl/sharedStrings.xml") -> bytes:
    return raw_xlsx(parts={where: BILLION_LAUGHS})


def padded_doctype_xlsx() -> bytes:
    """The DTD pushed 20 KB down the prolog behind comments, past a naive 'first 4 KB' look."""
    xml = '<?xml version="1.0"?>\n' + "<!--" + "x" * 20_000 + "-->\n" + BILLION_LAUGHS.split("\n", 1)[1]
    return raw_xlsx(parts={"xl/sharedStrings.xml": xml})


def utf16_doctype_xlsx() -> bytes:
    return raw_xlsx(parts={"xl/sharedStrings.xml": codecs.BOM_UTF16_LE + BILLION_LAUGHS.encode("utf-16-le")})


def far_cells_xlsx(last: str = "XFD1048576", *, dimension: str | None = "A1", form: str = "plain") -> bytes:
    """Two values, in A1 and ``last``: calamine would allocate the whole rectangle between them."""
    far = {
        "plain": f'<row r="2"><c r="{last}"><v>2</v></c></row>',
        "prefixed": f'<row r="2"><x:c xmlns:x="urn:x" r="{last}"><x:v>2</x:v></x:c></row>',
        "attr_order": f'<row r="2"><c s="0" r="{last}"><v>2</v></c></row>',
        "single_quotes": f"<row r='2'><c r='{last}'><v>2</v></c></row>",
        "lowercase": f'<row r="2"><c r="{last.lower()}"><v>2</v></c></row>',
        "duplicate_r": f'<row r="2"><c r="B2" r="{last}"><v>2</v></c></row>',
        "glued_r": f'<row r="2"><c r="B2"r="{last}"><v>2</v></c></row>',
        "glued_after_quote": f'<row r="2"><c r="B2" s=\'0\'r="{last}"><v>2</v></c></row>',
        "newline": f'<row r="2"><c\nr="{last}"><v>2</v></c></row>',
    }[form]
    return raw_xlsx('<row r="1"><c r="A1"><v>1</v></c></row>' + far, dimension=dimension)


def rless_wide_xlsx(width: int = 16_384, far_row: int = 1_048_576) -> bytes:
    """No r attributes at all: one row of ``width`` cells, then a row far down (positions by counting)."""
    wide = "<row>" + "<c><v>1</v></c>" * width + "</row>"
    return raw_xlsx(wide + f'<row r="{far_row}"><c><v>2</v></c></row>')


def styled_blank_far_xlsx() -> bytes:
    """A stray formatted-but-empty cell at XFD1048576: calamine ignores it, so the file must be accepted."""
    return raw_xlsx('<row r="1"><c r="A1"><v>1</v></c></row><row r="1048576"><c r="XFD1048576" s="0"/></row>')


def ods(content_body: str, *, encrypted: bool = False) -> bytes:
    """A minimal OpenDocument spreadsheet with ``content_body`` inside <office:spreadsheet>."""
    content = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        f"<office:body><office:spreadsheet>{content_body}</office:spreadsheet></office:body>"
        "</office:document-content>"
    )
    enc = (
        '<manifest:encryption-data manifest:checksum-type="SHA1" manifest:checksum="x"/>' if encrypted else ""
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0">'
        '<manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.'
        'spreadsheet"/>'
        f'<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml">{enc}'
        "</manifest:file-entry></manifest:manifest>"
    )
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet")
        zf.writestr("content.xml", content, zipfile.ZIP_DEFLATED)
        zf.writestr("META-INF/manifest.xml", manifest, zipfile.ZIP_DEFLATED)
    return buf.getvalue()


ODS_TABLE = (
    '<table:table table:name="Roster"><table:table-row><table:table-cell office:value-type="string">'
    "<text:p>Trainer</text:p></table:table-cell></table:table-row>{rows}</table:table>"
)


def ods_legit() -> bytes:
    """As LibreOffice writes it: data, then a million empty repeated rows of 1,024 empty cells (free)."""
    rows = (
        '<table:table-row><table:table-cell office:value-type="string"><text:p>Ana</text:p>'
        "</table:table-cell></table:table-row>"
        '<table:table-row table:number-rows-repeated="1048574"><table:table-cell '
        'table:number-columns-repeated="1024"/></table:table-row>'
    )
    return ods(ODS_TABLE.format(rows=rows))


def ods_repeat_bomb() -> bytes:
    """One valued cell repeated across 16,384 columns on a row repeated a million times: 17 billion cells."""
    rows = (
        '<table:table-row table:number-rows-repeated="1048575"><table:table-cell '
        'table:number-columns-repeated="16384" office:value-type="float" office:value="1"/>'
        "</table:table-row>"
    )
    return ods(ODS_TABLE.format(rows=rows))


# ----------------------------------------------------------------------------------------------- OLE (CFB)
def cfb(streams: dict[str, bytes]) -> bytes:
    """A minimal OLE2 compound file (512-byte sectors) holding ``streams`` (each padded to >= 4,096 bytes)."""
    sector = 512
    bodies = [(n, d + bytes(max(0, 4096 - len(d)))) for n, d in streams.items()]
    n_data = sum(-(-len(d) // sector) for _, d in bodies)
    n_dir = -(-(len(bodies) + 1) // 4)
    n_fat = 1
    while n_fat * 128 < n_fat + n_dir + n_data:
        n_fat += 1
    fat = [0xFFFFFFFD] * n_fat
    dir_start = len(fat)
    fat += [dir_start + i + 1 for i in range(n_dir - 1)] + [0xFFFFFFFE]
    starts = []
    for _, d in bodies:
        k = -(-len(d) // sector)
        first = len(fat)
        starts.append(first)
        fat += [first + i + 1 for i in range(k - 1)] + [0xFFFFFFFE]
    fat += [0xFFFFFFFF] * (n_fat * 128 - len(fat))
    header = bytearray(512)
    header[0:8] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    struct.pack_into("<HHHHH", header, 24, 0x3E, 3, 0xFFFE, 9, 6)
    struct.pack_into("<IIIIIIII", header, 44, n_fat, dir_start, 0, 4096, 0xFFFFFFFE, 0, 0xFFFFFFFE, 0)
    difat = list(range(n_fat)) + [0xFFFFFFFF] * (109 - n_fat)
    struct.pack_into("<109I", header, 76, *difat)

    def entry(name: str, typ: int, start: int, size: int, child: int, right: int) -> bytes:
        e = bytearray(128)
        enc = name.encode("utf-16-le") + b"\x00\x00"
        e[: len(enc)] = enc
        struct.pack_into("<HBBIII", e, 64, len(enc), typ, 1, 0xFFFFFFFF, right, child)
        struct.pack_into("<IQ", e, 116, start, size)
        return bytes(e)

    dirs = [entry("Root Entry", 5, 0xFFFFFFFE, 0, 1 if bodies else 0xFFFFFFFF, 0xFFFFFFFF)]
    for i, ((n, d), st) in enumerate(zip(bodies, starts, strict=True)):
        right = i + 2 if i + 1 < len(bodies) else 0xFFFFFFFF
        dirs.append(entry(n, 2, st, len(d), 0xFFFFFFFF, right))
    dir_bytes = b"".join(dirs)
    dir_bytes += bytes(n_dir * sector - len(dir_bytes))
    out = bytes(header) + struct.pack(f"<{n_fat * 128}I", *fat) + dir_bytes
    for _, d in bodies:
        out += d + bytes(-len(d) % sector)
    return out


def legacy_xls(password: bool = False) -> bytes:
    """An OLE container with a BIFF8 'Workbook' stream (BOF, then FILEPASS when ``password``)."""
    bof = struct.pack("<HH", 0x0809, 16) + struct.pack("<HHHHII", 0x0600, 0x0005, 0x0DBB, 0x07CC, 0, 0)
    filepass = struct.pack("<HH", 0x002F, 6) + b"\x01\x00\x01\x00\x00\x00" if password else b""
    return cfb({"Workbook": bof + filepass + struct.pack("<HH", 0x000A, 0)})


def encrypted_xlsx(password: str = "1234") -> bytes:
    """A real password-protected workbook, encrypted by msoffcrypto-tool (ECMA-376 agile, like Excel)."""
    from msoffcrypto.format.ooxml import OOXMLFile

    out = io.BytesIO()
    OOXMLFile(io.BytesIO(openpyxl_xlsx())).encrypt(password, out)
    return out.getvalue()


# ------------------------------------------------------------------------------------------- other files
def pdf() -> bytes:
    return (
        b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
        b"2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
    )


def png() -> bytes:
    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(b"\x00\x00"))
        + chunk(b"IEND", b"")
    )


def docx() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        zf.writestr("word/document.xml", '<?xml version="1.0"?><w:document xmlns:w="urn:w"/>')
    return buf.getvalue()


def plain_zip() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("roster.csv", "Trainer,Club\nAna,Downtown\n")
    return buf.getvalue()


def xlsb() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        zf.writestr("xl/workbook.bin", b"\x83\x01\x00")
    return buf.getvalue()


def random_binary(n: int = 4096, seed: int = 7) -> bytes:
    return random.Random(seed).randbytes(n)


# --------------------------------------------------------------------------------------------- text files
def csv_text(rows: list[list[str]], delimiter: str = ",") -> str:
    import csv

    buf = io.StringIO()
    csv.writer(buf, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    return buf.getvalue()


ROSTER = [
    ["Trainer", "Club", "Certification", "Expires", "CEUs"],
    ["Ana Silva", "Downtown", "NASM CPT", "2027-03-15", "1.5"],
    ["José Núñez", "Uptown", "ACE GFI", "2026-11-30", "2"],
]


def utf16_unicode_text() -> bytes:
    """Excel's 'Unicode text': UTF-16 LE with BOM, tab-separated, CRLF."""
    return codecs.BOM_UTF16_LE + csv_text(ROSTER, "\t").encode("utf-16-le")


def cp1252_csv() -> bytes:
    return csv_text(ROSTER).encode("cp1252")


def invalid_byte_csv() -> bytes:
    """Windows-1252 text with 0x81 (no character in Windows-1252) on line 3."""
    lines = csv_text(ROSTER).encode("cp1252").split(b"\r\n")
    lines[2] = lines[2].replace(b"Uptown", b"Up\x81town")
    return b"\r\n".join(lines)


def semicolon_decimal_csv() -> bytes:
    rows = [
        ["Staff roster 2026"],
        [],
        ["Trainer", "Club", "CEUs"],
        ["Ana Silva", "Downtown", "1,5"],
        ["Bo Lind", "Uptown", "2,5"],
        ["Cy Park", "Uptown", "3"],
    ]
    return csv_text(rows, ";").encode("utf-8")


def ragged_csv() -> bytes:
    return b"Trainer,Club,CEUs\r\nAna Silva,Downtown,1.5\r\nBo Lind,Uptown\r\nCy Park,Uptown,3,extra\r\n"


HOSTILE_NAMES = [
    '=HYPERLINK("http://x","y")',
    "+SUM(A1)",
    "@cmd",
    "-2+3",
    "<img src=x onerror=alert(1)>",
    "\tTab lead",
    "=cmd|' /C calc'!A0",
]


def formula_names_csv() -> bytes:
    return csv_text([["Trainer", "Club"]] + [[n, "Downtown"] for n in HOSTILE_NAMES]).encode("utf-8")


# ------------------------------------------------------------------------------- wide, tall and multi-line
def wide_csv(columns: int = 60_000, rows: int = 7, *, named: bool = False) -> bytes:
    """A roster of a few rows spread over ``columns`` columns (the probe's: 60,000 columns, ~470 KB).

    Blank columns (every line padded with commas to the widest, as some exports write), or with ``named`` a
    header in every column ("c4", "c5", ...) and the data still in the first three.
    """
    head = ["Trainer", "Certification", "Expires"] + (
        [f"c{i}" for i in range(4, columns + 1)] if named else []
    )
    lines = [",".join(head) + "," * (columns - len(head))]
    lines += [f"Trainer {i},NASM CPT,2027-03-{10 + i % 19}" + "," * (columns - 3) for i in range(rows)]
    return ("\r\n".join(lines) + "\r\n").encode()


def wide_xlsx(columns: int = 16_384, rows: int = 5, *, named: bool = False) -> bytes:
    """A roster as wide as Excel allows (XFD): every row reaches the last column with an empty text cell, or
    with ``named`` the header names every column."""

    def cell(ref: str, text: str) -> str:
        return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'

    from cpd.safety import col_letters

    last = col_letters(columns)
    head = ["Trainer", "Certification", "Expires"]
    if named:
        head += [f"c{i}" for i in range(4, columns + 1)]
    out = [
        '<row r="1">'
        + "".join(cell(f"{col_letters(j + 1)}1", h) for j, h in enumerate(head))
        + ("" if named else cell(f"{last}1", ""))
        + "</row>"
    ]
    for i in range(rows):
        r = i + 2
        out.append(
            f'<row r="{r}">'
            + cell(f"A{r}", f"Trainer {i}")
            + cell(f"B{r}", "NASM CPT")
            + cell(f"C{r}", f"2027-03-{10 + i}")
            + cell(f"{last}{r}", "")
            + "</row>"
        )
    return raw_xlsx("".join(out))


def tall_csv(rows: int = 1_000_000, *, listed: int = 3) -> bytes:
    """A long roster (46 MB at 1,000,000 rows) where each trainer's certification is listed ``listed`` times:
    one warning per trainer (333,334 of them) before they were counted instead of kept."""
    out = ["Trainer,Club,Certification,Expires,CEUs"]
    out += [
        f"Trainer {i // listed:06d},Club {i % 40},NASM CPT,2027-{1 + i % 12:02d}-15,{i % 20}"
        for i in range(rows)
    ]
    return ("\r\n".join(out) + "\r\n").encode()


def multiline_csv(encoding: str = "utf-8", newline: str = "\r\n", inner: str = "\n") -> bytes:
    """A roster whose notes hold line breaks (``inner``) inside quoted cells, rows ended by ``newline``.

    In Excel, Ana is on row 2, José on row 3, Cy on row 4 and Di (with a date that is not one) on row 5,
    whatever the line breaks inside the notes: a text editor shows them on later lines. The accents make a
    Windows-1252 file read as such.
    """
    rows = [
        ["Trainer", "Certification", "Expires", "Note"],
        ["Ana Silva", "NASM CPT", "2027-03-15", f"first line{inner}second line"],
        ["José Núñez", "ACE GFI", "2027-04-15", f"a{inner}b{inner}c"],
        ["Cy Park", "NASM CPT", "2027-05-15", ""],
        ["Di Ruiz", "NASM CPT", "someday", f"x{inner}y"],
    ]
    text = newline.join(",".join(f'"{c}"' if inner in c else c for c in r) for r in rows) + newline
    if encoding == "utf-16":
        return codecs.BOM_UTF16_LE + text.replace(",", "\t").encode("utf-16-le")
    return text.encode(encoding)


# ------------------------------------------------------------------------------------ legit big workbook
def legit_workbook(rows: int = 150_000, staff: int = 10_000, seed: int = 1) -> bytes:
    """A chain workbook like the ones managers upload: staff, certifications and a CE log of ``rows`` rows.

    Written by XlsxWriter in constant_memory mode (inline strings, ~10x compression), ~6.4 MB for 150,000
    rows; cached under tests/artifacts/ because writing it takes ~10 s.
    """
    cache = Path(__file__).parent / "artifacts" / f"legit_{rows}_{staff}_{seed}.xlsx"
    if cache.exists():
        return cache.read_bytes()
    import xlsxwriter

    rnd = random.Random(seed)
    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"constant_memory": True, "in_memory": False})
    datef = wb.add_format({"num_format": "yyyy-mm-dd"})
    ws = wb.add_worksheet("Staff")
    ws.write_row(0, 0, ["Staff ID", "First name", "Last name", "Email", "Club", "Role"])
    for i in range(staff):
        ws.write_row(
            i + 1,
            0,
            [
                f"S{i:05d}",
                f"First{i}",
                f"Last{rnd.randint(0, 9999)}",
                f"t{i}@club.example",
                f"Club {i % 40}",
                "PT",
            ],
        )
    ws = wb.add_worksheet("Certifications")
    ws.write_row(0, 0, ["Staff ID", "Credential", "Number", "Issued", "Expires"])
    base = dt.datetime(2024, 1, 1)
    for i in range(staff * 2):
        ws.write_string(i + 1, 0, f"S{i // 2:05d}")
        ws.write_string(i + 1, 1, rnd.choice(["NASM CPT", "ACE GFI", "CPR/AED"]))
        ws.write_string(i + 1, 2, f"{rnd.randint(0, 999999):06d}")
        ws.write_datetime(i + 1, 3, base + dt.timedelta(days=rnd.randint(0, 700)), datef)
        ws.write_datetime(i + 1, 4, base + dt.timedelta(days=rnd.randint(700, 1400)), datef)
    ws = wb.add_worksheet("CE log")
    ws.write_row(0, 0, ["Staff ID", "Date", "Course", "Provider", "Amount", "Unit", "Approved for"])
    for i in range(rows):
        ws.write_string(i + 1, 0, f"S{rnd.randint(0, staff - 1):05d}")
        ws.write_datetime(i + 1, 1, base + dt.timedelta(days=rnd.randint(0, 1000)), datef)
        ws.write_string(
            i + 1, 2, f"Course {rnd.randint(0, 500)}: functional training level {rnd.randint(1, 3)}"
        )
        ws.write_string(i + 1, 3, rnd.choice(["NASM", "ACE", "AFAA", "NSCA", "Local workshop"]))
        ws.write_number(i + 1, 4, rnd.choice([0.5, 1, 1.5, 2, 4, 8]))
        ws.write_string(i + 1, 5, rnd.choice(["CEU", "hrs", "hours"]))
        ws.write_string(i + 1, 6, rnd.choice(["NASM", "ACE; AFAA", "all", ""]))
    wb.close()
    data = buf.getvalue()
    cache.parent.mkdir(parents=True, exist_ok=True)
    tmp = cache.with_suffix(f".{os.getpid()}.tmp")
    tmp.write_bytes(data)
    tmp.replace(cache)
    return data


# ------------------------------------------------------------------------------------- the refusal table
# (case name, builder, expected Refusal.reason). Builders are called lazily by the tests.
CASES: list[tuple[str, object, str]] = [
    ("empty file", lambda: b"", "empty"),
    ("renamed PDF", pdf, "not_spreadsheet"),
    ("PNG image", png, "not_spreadsheet"),
    ("Word document", docx, "not_spreadsheet"),
    ("plain zip archive", plain_zip, "not_spreadsheet"),
    ("random binary", random_binary, "not_spreadsheet"),
    (
        "web page saved as .xls",
        lambda: b"<html><body><table><tr><td>Ana</td></tr></table></body></html>",
        "web_page",
    ),
    ("password-protected xlsx", encrypted_xlsx, "password"),
    ("Excel 4 worksheet (no container)", lambda: struct.pack("<HH", 0x0409, 6) + bytes(40), "legacy_xls"),
    ("legacy xls with a password", lambda: legacy_xls(password=True), "password"),
    ("binary xlsb workbook cut short", xlsb, "damaged"),
    ("zip bomb: 1 GB of zeros", zip_bomb, "zip_bomb"),
    ("zip bomb: 100,000 entries (ZIP64)", many_entries_zip, "zip_bomb"),
    ("zip bomb: 5,000 entries", lambda: many_entries_zip(5_000), "zip_bomb"),
    ("zip bomb: 300 parts each under the ratio check", small_ratio_bomb, "zip_bomb"),
    ("zip bomb: two entries sharing one block", overlapping_zip, "zip_bomb"),
    ("zip entry lying about its size", lying_size_zip, "zip_bomb"),
    ("billion laughs in sharedStrings", billion_laughs_xlsx, "xml_entities"),
    ("billion laughs in a sheet", lambda: billion_laughs_xlsx("xl/worksheets/sheet1.xml"), "xml_entities"),
    ("DTD behind 20 KB of comments", padded_doctype_xlsx, "xml_entities"),
    ("DTD in UTF-16 XML", utf16_doctype_xlsx, "xml_entities"),
    ("cells in A1 and XFD1048576", far_cells_xlsx, "dimensions"),
    ("far cell with a lying dimension", lambda: far_cells_xlsx(dimension="A1:A1"), "dimensions"),
    ("far cell beyond Excel's grid", lambda: far_cells_xlsx("A4294967295"), "dimensions"),
    ("far cell beyond Excel's columns", lambda: far_cells_xlsx("ZZZZZZ1"), "dimensions"),
    ("far cell in a prefixed element", lambda: far_cells_xlsx(form="prefixed"), "dimensions"),
    ("far cell with r not first", lambda: far_cells_xlsx(form="attr_order"), "dimensions"),
    ("far cell in single quotes", lambda: far_cells_xlsx(form="single_quotes"), "dimensions"),
    ("far cell in lower case", lambda: far_cells_xlsx(form="lowercase"), "dimensions"),
    ("far cell as a repeated r", lambda: far_cells_xlsx(form="duplicate_r"), "dimensions"),
    ("far cell after a newline", lambda: far_cells_xlsx(form="newline"), "dimensions"),
    ("far cell as a second r glued to the first", lambda: far_cells_xlsx(form="glued_r"), "dimensions"),
    (
        "far cell as an r glued to a quoted value",
        lambda: far_cells_xlsx(form="glued_after_quote"),
        "dimensions",
    ),
    ("wide row without references, then a far row", rless_wide_xlsx, "dimensions"),
    ("ods repeat bomb", ods_repeat_bomb, "dimensions"),
    ("password-protected ods", lambda: ods(ODS_TABLE.format(rows=""), encrypted=True), "password"),
]
