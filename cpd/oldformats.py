"""Bounds for the binary workbooks, worked out from their bytes before python-calamine opens them.

.xls is BIFF (Excel 95-2003) in an OLE2 compound file; .xlsb is BIFF12 records in a zip. python-calamine 0.9.1
(calamine 0.37) reads both, but like the xlsx reader it builds a DENSE grid from the first to the last cell of a
sheet and ABORTS the process when an allocation fails, and its compound-file reader trusts the header: a FAT
sector count becomes a vector capacity, a chain that loops is followed forever, a DIMENSIONS record becomes a
reservation. So this module replays what calamine reads, record by record, and reports per sheet the grid it
can reach, the cells it pushes before that grid is built (repeats included), what it reserves, and the text it
copies into cells (shared strings are copied once per cell). ``cpd.safety`` turns these into refusals with the
same caps and sentences as xlsx. Anything calamine would fail on or panic on is reported as ``Damaged``.

Blank cells (BLANK, MULBLANK, BrtCellBlank) are not counted: calamine skips them, and Excel writes them for
formatted empty cells far beyond the data.
"""

from __future__ import annotations

import struct
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENDOFCHAIN = 0xFFFFFFFE
_RESERVED = 0xFFFFFFFA
_DIFSECT = 0xFFFFFFFC
# calamine sizes a vector from bytes 62-65 of the header (a misread field: half of the mini FAT start and half of
# the mini FAT length). A real file has 0xFFFF there (no mini FAT) or n << 16 for n mini FAT sectors (1-2).
# 2^24 entries is a 64 MB reservation, and allows 255 mini FAT sectors.
OLE_MAX_MISREAD_RESERVE = 1 << 24
# Records calamine walks for the sheets of an .xls, as a multiple of the workbook stream: each sheet's records are
# walked once in a real file (1x); a sheet without its end record makes calamine walk on into the next ones.
XLS_MAX_WALK_FACTOR = 2
_STREAM_NAMES = ("Workbook", "Book", "WORKBOOK", "BOOK")  # the order calamine looks for them in


class Damaged(Exception):
    """The container or a record is broken where calamine would fail or panic."""


class Encrypted(Exception):
    """The workbook stream is encrypted (FILEPASS)."""


class Unusual(Exception):
    """The records are laid out in a way no spreadsheet app writes, and checking them would take too long."""

    def __init__(self, sheet: str) -> None:
        super().__init__(sheet)
        self.sheet = sheet


@dataclass
class SheetBound:
    """What calamine can build for one sheet. Rows and columns are 1-based extents (0: no cell)."""

    name: str
    visible: bool = True
    rows: int = 0
    cols: int = 0
    cells: int = 0  # cells pushed into calamine's list before the dense grid is built (repeats count)
    reserved: int = 0  # cells reserved up front from the sheet's DIMENSIONS record (xls)
    declared: tuple[int, int] = (
        0,
        0,
    )  # (rows, columns) calamine counts in the DIMENSIONS behind ``reserved``
    formula_rows: int = 0  # xls: calamine also builds a dense grid of formula texts
    formula_cols: int = 0
    text_bytes: int = 0  # UTF-8 bytes copied into cells from shared strings and formula texts (upper bound)
    hidden_rows: list[int] = field(default_factory=list)  # Excel row numbers
    hidden_columns: list[tuple[int, int]] = field(default_factory=list)  # 0-based, inclusive


@dataclass
class BookBound:
    date1904: bool = False
    sheets: list[SheetBound] = field(default_factory=list)


# =============================================================================================== OLE2 (CFB)
@dataclass(frozen=True)
class Ole:
    """A compound file whose header, FAT, directory and mini stream were checked the way calamine reads them."""

    names: tuple[str, ...]
    workbook: bytes | None  # the stream calamine reads as the workbook, if any


def open_ole(data: bytes) -> Ole:
    """Check the container and return its directory names and workbook stream; ``Damaged`` otherwise."""
    if len(data) < 512 or data[:8] != OLE_MAGIC:
        raise Damaged("not a compound file")
    u16 = struct.unpack_from
    if u16("<H", data, 28)[0] != 0xFFFE or u16("<H", data, 32)[0] != 6:
        raise Damaged("byte order or mini sector size")
    shift = u16("<H", data, 30)[0]
    if shift not in (9, 12):
        raise Damaged("sector size")
    size = 1 << shift
    n_sectors = -(-(len(data) - size) // size)  # sectors after the header (the last one may be cut short)
    if n_sectors <= 0:
        raise Damaged("no sectors")
    fat_len, dir_start = struct.unpack_from("<II", data, 44)
    mini_fat_start, mini_fat_len, difat_start, difat_len = struct.unpack_from("<IIII", data, 60)
    if max(fat_len, mini_fat_len, difat_len) > n_sectors:
        raise Damaged("sector counts beyond the file")
    if struct.unpack_from("<I", data, 62)[0] > OLE_MAX_MISREAD_RESERVE:
        raise Damaged("mini FAT fields")

    def sector(sid: int) -> bytes:
        if sid >= n_sectors:
            raise Damaged("a sector beyond the file")
        off = (sid + 1) * size
        return data[off : off + size]

    difat = list(struct.unpack_from("<109I", data, 76))
    sid, seen = difat_start, set()
    while sid < _RESERVED:  # calamine: extend with the sector, then pop its last entry as the next one
        if sid in seen:
            raise Damaged("the DIFAT chain loops")
        seen.add(sid)
        raw = sector(sid)
        difat.extend(struct.unpack(f"<{len(raw) // 4}I", raw[: len(raw) // 4 * 4]))
        sid = difat.pop()
    fat_ids = [s for s in difat if s < _DIFSECT]
    if len(fat_ids) > n_sectors or len(set(fat_ids)) != len(fat_ids):
        raise Damaged("FAT sectors")
    fats: list[int] = []
    for s in fat_ids:
        raw = sector(s)
        fats.extend(struct.unpack(f"<{len(raw) // 4}I", raw[: len(raw) // 4 * 4]))

    def chain(start: int, limit: int) -> bytes:
        """calamine's get_chain: sectors from ``start`` until ENDOFCHAIN or ``limit`` bytes."""
        out: list[bytes] = []
        got, sid, visited = 0, start, set()
        while sid != _ENDOFCHAIN:
            if sid in visited:
                raise Damaged("a chain loops")
            visited.add(sid)
            out.append(sector(sid))
            got += len(out[-1])
            if got >= limit:
                break
            if sid >= len(fats):
                raise Damaged("a chain leaves the FAT")
            sid = fats[sid]
        return b"".join(out)[:limit]

    directory = chain(dir_start, len(data))
    entries: list[tuple[str, int, int]] = []
    for off in range(0, len(directory) - 127, 128):
        name = directory[off : off + 64].decode("utf-16-le", "replace").split("\x00", 1)[0]
        start = struct.unpack_from("<I", directory, off + 116)[0]
        length = struct.unpack_from("<I" if size == 512 else "<Q", directory, off + 120)[0]
        entries.append((name, start, length))
    if not entries or (u16("<H", data, 26)[0] != 3 and entries[0][1] == _ENDOFCHAIN):
        raise Damaged("empty root directory")
    ministream, mini_fats = b"", ()
    if mini_fat_len > 0:
        root_len = entries[0][2]
        if root_len > len(data):
            raise Damaged("mini stream larger than the file")
        ministream = chain(entries[0][1], root_len)
        raw = chain(mini_fat_start, mini_fat_len * size)
        mini_fats = struct.unpack(f"<{len(raw) // 4}I", raw[: len(raw) // 4 * 4])
    names = tuple(e[0] for e in entries)
    found = next((e for n in _STREAM_NAMES for e in entries if e[0] == n), None)
    if found is None:
        return Ole(names, None)
    _, start, length = found
    if length > len(data):
        raise Damaged("a workbook stream larger than the file")
    if length >= 4096:
        return Ole(names, chain(start, length))
    out: list[bytes] = []
    got, sid, visited = 0, start, set()
    while sid != _ENDOFCHAIN:  # a small stream lives in the mini stream, in 64-byte sectors
        if sid in visited or (sid + 1) * 64 > len(ministream):
            raise Damaged("a mini stream chain")
        visited.add(sid)
        out.append(ministream[sid * 64 : sid * 64 + 64])
        got += 64
        if got >= length:
            break
        if sid >= len(mini_fats):
            raise Damaged("a mini stream chain")
        sid = mini_fats[sid]
    return Ole(names, b"".join(out)[:length])


# ============================================================================================ BIFF (xls)
_ERROR_CODES = frozenset((0x00, 0x07, 0x0F, 0x17, 0x1D, 0x24, 0x2A, 0x2B))


def _records(stream: bytes, pos: int) -> Iterator[tuple[int, int, int, list[tuple[int, int]]]]:
    """(type, data offset, data length, CONTINUE parts as (offset, length)), as calamine's RecordIter yields them."""
    n = len(stream)
    unpack = struct.unpack_from
    while True:
        if n - pos < 4:
            if pos >= n:
                return
            raise Damaged("a record cut short")
        typ, length = unpack("<HH", stream, pos)
        if n - pos < length + 4:
            raise Damaged("a record longer than the stream")
        data = pos + 4
        pos = data + length
        conts: list[tuple[int, int]] = []
        while n - pos > 4 and unpack("<H", stream, pos)[0] == 0x003C:
            clen = unpack("<H", stream, pos + 2)[0]
            if n - pos < clen + 4:
                raise Damaged("a CONTINUE record longer than the stream")
            conts.append((pos + 4, clen))
            pos += 4 + clen
        yield typ, data, length, conts


def _biff_version(stream: bytes, data: int, length: int) -> int:
    if length < 2:
        raise Damaged("BOF")
    version = struct.unpack_from("<H", stream, data)[0]
    dt = struct.unpack_from("<H", stream, data + 2)[0] if length >= 4 else 0
    return {0x0200: 2, 0x0002: 2, 0x0007: 2, 0x0300: 3, 0x0400: 4, 0x0500: 5, 0x0600: 8}.get(
        version, 5 if version == 0 and dt == 0x1000 else 8
    )


def _string_ok(stream: bytes, data: int, length: int, biff: int) -> bool:
    """calamine's parse_string accepts these bytes (XLUnicodeString, or a byte string before BIFF8)."""
    expected = 3 if biff == 8 else 2
    return length >= expected or (length == 2 and stream[data : data + 2] == b"\x00\x00")


def _sst_text_bytes(stream: bytes, data: int, length: int, conts: list[tuple[int, int]]) -> list[int]:
    """UTF-8 bytes (upper bound) of each shared string, walking the SST as calamine's parse_sst does."""
    if length < 8:
        raise Damaged("SST")
    parts = [stream[data + 8 : data + length]] + [stream[o : o + n] for o, n in conts]
    k = 0
    buf = parts[0]
    out: list[int] = []

    def next_part() -> bytes | None:
        nonlocal k
        if k + 1 >= len(parts):
            return None
        k += 1
        return parts[k]

    while True:
        if not buf:
            nxt = next_part()
            if nxt is None:
                break
            buf = nxt
            if not buf:
                out.append(0)
                continue
        if len(buf) < 3:
            raise Damaged("SST string")
        cch, flags = struct.unpack_from("<HB", buf, 0)
        buf = buf[3:]
        runs = ext = 0
        if flags & 0x8:
            if len(buf) < 2:
                raise Damaged("SST string")
            runs = struct.unpack_from("<H", buf, 0)[0]
            buf = buf[2:]
        if flags & 0x4:
            if len(buf) < 4:
                raise Damaged("SST string")
            ext = struct.unpack_from("<i", buf, 0)[0]
            ext = ext if ext >= 0 else 1 << 62  # calamine casts a negative size to a huge one: the skip fails
            buf = buf[4:]
        high = bool(flags & 1)
        left, size = cch, 0
        while left > 0:
            take = min(len(buf) // 2, left) if high else min(len(buf), left)
            size += take * (3 if high else 2)
            buf = buf[take * 2 if high else take :]
            left -= take
            if left > 0:
                nxt = next_part()
                if nxt is None or not nxt:
                    raise Damaged("SST string")
                high, buf = bool(nxt[0] & 1), nxt[1:]
        out.append(size)
        skip = runs * 4 + ext
        while skip > 0:
            if not buf:
                nxt = next_part()
                if nxt is None:
                    raise Damaged("SST runs")
                buf = nxt
                continue
            step = min(skip, len(buf))
            buf = buf[step:]
            skip -= step
    return out


def scan_xls(stream: bytes) -> BookBound:
    """Replay calamine's reading of a workbook stream: the globals, then each sheet from its BOUNDSHEET offset."""
    unpack = struct.unpack_from
    book = BookBound()
    biff = 8
    sst: list[int] = []
    sheets: list[tuple[int, str, bool]] = []
    codepage = 1252
    longest_name = 0  # defined and sheet names: a formula token can repeat one
    for typ, data, length, conts in _records(stream, 0):
        if typ == 0x000A:
            break
        if typ == 0x002F:
            raise Encrypted
        if typ in (0x0042, 0x0022, 0x0017) and length < 2:
            raise Damaged("a record too short")
        if typ == 0x0042:
            codepage = unpack("<H", stream, data)[0]
        elif typ == 0x0022:
            book.date1904 = book.date1904 or unpack("<H", stream, data)[0] == 1
        elif typ == 0x0809:
            biff = _biff_version(stream, data, length)
        elif typ == 0x0085:
            if length < 6 + (2 if biff == 8 else 1):
                raise Damaged("BOUNDSHEET")
            pos, state, _kind, cch = unpack("<IBBB", stream, data)
            if state & 0x3F > 2:
                continue  # calamine refuses the workbook (an error, not a crash)
            name = _short_string(stream, data + 7, data + length, cch, biff, codepage)
            longest_name = max(longest_name, cch)
            sheets.append((pos, name, state & 0x3F == 0))
        elif typ == 0x0018:
            if length < 15:
                raise Damaged("a defined name")
            cch, cce = stream[data + 3], unpack("<H", stream, data + 4)[0]
            if cce > length or (biff == 8 and length - 14 < cch + 1):
                raise Damaged("a defined name")
            longest_name = max(longest_name, cch)
        elif typ == 0x00FC:
            sst = _sst_text_bytes(stream, data, length, conts)
    per_byte = max(4, (longest_name + 2) // 5 + 1, (longest_name + 16) // 7 + 1) * 3
    walked = 0
    budget = XLS_MAX_WALK_FACTOR * len(stream) + (1 << 20)
    cache: dict[int, tuple[SheetBound, int]] = {}
    for pos, name, visible in sheets:
        if pos > len(stream):
            raise Damaged("a sheet beyond the stream")
        if pos not in cache:
            cache[pos] = _scan_xls_sheet(stream, pos, biff, sst, per_byte, name)
        bound, walk = cache[pos]
        walked += walk
        if walked > budget:
            raise Unusual(name)
        copy = SheetBound(**{**bound.__dict__, "name": name, "visible": visible})
        book.sheets.append(copy)
    return book


def _short_string(stream: bytes, start: int, end: int, cch: int, biff: int, codepage: int) -> str:
    if biff == 8:
        high = stream[start] & 1
        body = stream[start + 1 : end]
        text = body[: cch * 2].decode("utf-16-le", "replace") if high else body[:cch].decode("latin-1")
    else:
        try:
            text = stream[start:end][:cch].decode(f"cp{codepage}", "replace")
        except LookupError:
            text = stream[start:end][:cch].decode("latin-1")
    return text.replace("\x00", "")


_HH = struct.Struct("<HH").unpack_from
_CELL_MIN = {
    0x0203: 14,
    0x027E: 10,
    0x00FD: 10,
    0x0204: 6,
    0x00D6: 6,
    0x0205: 8,
}  # NUMBER RK LABELSST LABEL..


def _scan_xls_sheet(
    stream: bytes, pos: int, biff: int, sst: list[int], per_byte: int, name: str
) -> tuple[SheetBound, int]:
    """One sheet's bound, and how many bytes of records calamine walks for it.

    The record walk of ``_records`` written out in one loop (this runs once per record of the file: ~1 us each).
    """
    unpack = struct.unpack_from
    hh = _HH
    cell_min = _CELL_MIN
    b = SheetBound(name)
    max_row = max_col = -1
    f_row = f_col = -1
    cells = reserved = text = 0
    seen_bof = False
    depth = 0
    fmla = (0, 0)
    n_sst = len(sst)
    n = len(stream)
    p = pos
    end = n
    while True:
        if n - p < 4:
            if p >= n:
                break
            raise Damaged("a record cut short")
        typ, length = hh(stream, p)
        data = p + 4
        p = data + length
        if p > n:
            raise Damaged("a record longer than the stream")
        while n - p > 4 and stream[p] == 0x3C and stream[p + 1] == 0:  # CONTINUE parts belong to this record
            p += 4 + hh(stream, p + 2)[0]  # (a type and a length, read as one pair: only the length is used)
            if p > n:
                raise Damaged("a CONTINUE record longer than the stream")
        if depth:
            if typ == 0x0809:
                depth += 1
            elif typ == 0x000A:
                depth -= 1
            continue
        need = cell_min.get(typ)
        if need is not None:
            if length < need:
                raise Damaged("a cell record too short")
            row, col = hh(stream, data)
            if typ == 0x00FD:
                i = unpack("<I", stream, data + 6)[0]
                if i >= n_sst:
                    continue  # calamine leaves the cell out
                text += sst[i]
            elif typ == 0x0205:
                kind = stream[data + 7]
                if kind > 1 or (kind == 1 and stream[data + 6] not in _ERROR_CODES):
                    raise Damaged("BOOLERR")
            elif typ != 0x0203 and typ != 0x027E and not _string_ok(stream, data + 6, length - 6, biff):
                raise Damaged("LABEL")
            cells += 1
            if row > max_row:
                max_row = row
            if col > max_col:
                max_col = col
        elif typ == 0x0201 or typ == 0x00BE:  # BLANK, MULBLANK: skipped by calamine
            continue
        elif typ == 0x00BD:  # MULRK
            if length < 6:
                raise Damaged("MULRK")
            row, first = hh(stream, data)
            last = unpack("<H", stream, data + length - 2)[0]
            k = (last - first + 1) & 0xFFFF
            if length != 6 + 6 * k:
                raise Damaged("MULRK")
            if k:
                cells += k
                max_row = max(max_row, row)
                max_col = max(max_col, first + k - 1)
        elif typ == 0x0006:  # FORMULA
            if length < 20:
                raise Damaged("FORMULA")
            row, col = hh(stream, data)
            fmla = (row, col)
            f_row, f_col = max(f_row, row), max(f_col, col)
            value = stream[data + 6 : data + 14]
            special = value[6:] == b"\xff\xff"
            if special and (value[0] > 3 or (value[0] == 2 and value[2] not in _ERROR_CODES)):
                raise Damaged("a formula value")
            if not (special and value[0] == 0):
                cells += 1
                max_row, max_col = max(max_row, row), max(max_col, col)
            text += (length - 20) * per_byte
        elif typ == 0x0207:  # STRING: a text formula's value, at the formula's cell
            if not _string_ok(stream, data, length, biff):
                raise Damaged("STRING")
            cells += 1
            max_row, max_col = max(max_row, fmla[0]), max(max_col, fmla[1])
        elif typ == 0x0208:  # ROW: its hidden flag
            if length >= 16 and unpack("<I", stream, data + 12)[0] & 0x20:
                b.hidden_rows.append(hh(stream, data)[0] + 1)
        elif typ == 0x0200:  # DIMENSIONS: calamine reserves the grid it declares
            if length == 14:
                rf, rl, cf, cl = unpack("<IIHH", stream, data)
            elif length == 10:
                rf, rl, cf, cl = unpack("<HHHH", stream, data)
            else:
                raise Damaged("DIMENSIONS")
            if cf > 0xFF or cl < cf:
                cf = 0
            er, ec = (rl - 1, cl - 1) if rl >= 1 and cl >= 1 else (rf, cf)
            d_rows, d_cols = (er - rf + 1) & 0xFFFFFFFF, (ec - cf + 1) & 0xFFFFFFFF  # as calamine counts them
            if cells + d_rows * d_cols > reserved:
                reserved = cells + d_rows * d_cols
                b.declared = (d_rows, d_cols)
        elif typ == 0x007D:  # COLINFO: hidden columns
            if length >= 10:
                first, last, _w, _xf, opts = unpack("<HHHHH", stream, data)
                if opts & 1 and first <= last:
                    b.hidden_columns.append((first, last))
        elif typ == 0x00E5:  # MERGECELLS
            if length < 2 or 2 + 8 * hh(stream, data)[0] > length:
                raise Damaged("MERGECELLS")
        elif typ == 0x0809:
            if seen_bof:
                depth += 1
            else:
                seen_bof = True
        elif typ == 0x000A:
            end = p
            break
    b.rows, b.cols = max_row + 1, max_col + 1
    b.formula_rows, b.formula_cols = f_row + 1, f_col + 1
    b.cells, b.reserved, b.text_bytes = cells, reserved, text
    return b, end - pos


# ========================================================================================== BIFF12 (xlsb)
def biff12_records(chunks: Iterable[bytes]) -> Iterator[tuple[int, bytes]]:
    """(type, body) of each record of a part, streamed from its decompressed chunks; ``Damaged`` when a record
    header or body runs past the end of the part (calamine would allocate the declared size first)."""
    buf = b""
    pos = 0
    it = iter(chunks)
    done = False
    while True:
        if len(buf) - pos < 8 + 65536 and not done:  # refill: a header is at most 6 bytes
            nxt = next(it, None)
            if nxt is None:
                done = True
            else:
                buf = buf[pos:] + nxt
                pos = 0
                continue
        if pos >= len(buf):
            return
        b0 = buf[pos]
        if b0 & 0x80:
            if pos + 1 >= len(buf):
                raise Damaged("a record type cut short")
            typ = (b0 & 0x7F) | ((buf[pos + 1] & 0x7F) << 7)
            pos += 2
        else:
            typ = b0
            pos += 1
        size = 0
        for i in range(4):
            if pos >= len(buf):
                raise Damaged("a record size cut short")
            c = buf[pos]
            pos += 1
            size |= (c & 0x7F) << (7 * i)
            if not c & 0x80:
                break
        while len(buf) - pos < size and not done:
            nxt = next(it, None)
            if nxt is None:
                done = True
            else:
                buf = buf[pos:] + nxt
                pos = 0
        if len(buf) - pos < size:
            raise Damaged("a record longer than its part")
        yield typ, buf[pos : pos + size]
        pos += size


@dataclass
class XlsbWorkbook:
    date1904: bool = False
    sheets: list[tuple[str, str, bool]] = field(default_factory=list)  # (name, relationship id, visible)


def _wide(body: bytes, off: int) -> tuple[str, int] | None:
    """An XLWideString at ``off``: (text, offset after it), or None when it does not fit."""
    if off + 4 > len(body):
        return None
    n = struct.unpack_from("<I", body, off)[0]
    end = off + 4 + 2 * n
    if end > len(body):
        return None
    return body[off + 4 : end].decode("utf-16-le", "replace"), end


def scan_xlsb_workbook(records: Iterable[tuple[int, bytes]]) -> XlsbWorkbook:
    """The 1904 flag (BrtWbProp) and each sheet's name, relationship and visibility (BrtBundleSh)."""
    wb = XlsbWorkbook()
    for typ, body in records:
        if typ == 0x0099:  # BrtWbProp
            if not body:
                raise Damaged("BrtWbProp")
            wb.date1904 = bool(body[0] & 1)
        elif typ == 0x009C:  # BrtBundleSh
            if len(body) < 12:
                raise Damaged("BrtBundleSh")
            state, _tab, rel_len = struct.unpack_from("<III", body, 0)
            if rel_len == 0xFFFFFFFF:
                continue
            rid_end = 12 + 2 * rel_len
            name = _wide(body, rid_end)
            if rid_end > len(body) or name is None:
                raise Damaged("BrtBundleSh")
            rid = body[12:rid_end].decode("utf-16-le", "replace")
            wb.sheets.append((name[0], rid, state == 0))
        elif typ == 0x0090:  # BrtEndBundleShs
            return wb
    raise Damaged("the sheet list does not end")  # calamine fails reading past the end of workbook.bin


def xlsb_string_bytes(records: Iterable[tuple[int, bytes]]) -> list[int]:
    """UTF-8 bytes (upper bound) of each shared string (BrtSSTItem), in calamine's order."""
    out: list[int] = []
    skipping = False
    for typ, body in records:
        if skipping:
            skipping = typ != 0x0024
            continue
        if typ == 0x0023:
            skipping = True
        elif typ == 0x0013:
            s = _wide(body, 1)
            if s is None:
                raise Damaged("BrtSSTItem")
            out.append(3 * (s[1] - 5) // 2)
    return out


# Cell records calamine turns into values, and the body length each needs (it reads at fixed offsets).
_XLSB_CELLS = {
    0x0002: 12,
    0x0003: 9,
    0x0004: 9,
    0x000A: 9,
    0x0005: 16,
    0x0009: 16,
    0x0006: 12,
    0x0008: 12,
    0x0007: 12,
}
_U32 = struct.Struct("<I").unpack_from
_XLSB_ISST = 0x0007
_MAX_XLSB_ROW = 0x0010_0000  # calamine stops a sheet at a row header beyond this


def scan_xlsb_sheet(chunks: Iterable[bytes], strings: list[int], name: str) -> SheetBound:
    """Replay calamine's xlsb cell reader on a sheet part's decompressed chunks: BrtRowHdr sets the row, each
    value record pushes (row, its column); BrtWsDim is not trusted. Hidden rows (BrtRowHdr fDyZero) and columns
    (BrtColInfo fHidden) on the way. Every record must fit in the part (calamine allocates its declared size).

    The record walk of ``biff12_records`` written out in one loop, on offsets (this runs once per record).
    """
    u32 = _U32
    b = SheetBound(name)
    it = iter(chunks)
    buf, p, n = b"", 0, 0
    row = 0
    max_row = max_col = -1
    cells = text = 0
    n_strings = len(strings)
    in_data = False
    cell_min = _XLSB_CELLS
    while True:
        if n - p < 16:  # keep a record header and a small body in the buffer while the part has more
            nxt = next(it, None)
            if nxt is not None:
                buf, p = buf[p:] + nxt, 0
                n = len(buf)
                continue
            if p >= n:
                break
        b0 = buf[p]
        if b0 < 0x80:
            typ, q = b0, p + 1
        else:
            if p + 1 >= n:
                raise Damaged("a record type cut short")
            typ, q = (b0 & 0x7F) | ((buf[p + 1] & 0x7F) << 7), p + 2
        if q >= n:
            raise Damaged("a record size cut short")
        size = buf[q]
        q += 1
        if size & 0x80:
            size &= 0x7F
            for i in range(1, 4):
                if q >= n:
                    raise Damaged("a record size cut short")
                c = buf[q]
                q += 1
                size |= (c & 0x7F) << (7 * i)
                if not c & 0x80:
                    break
        end = q + size
        if end <= n:
            body, at = buf, q
            p = end
        else:  # the body runs past this chunk: keep its first bytes, skip the rest chunk by chunk
            body, at = buf[q : q + 32], 0
            need = end - n
            rest = b""
            while need > 0:
                nxt = next(it, None)
                if nxt is None:
                    raise Damaged("a record longer than its part")
                take = min(need, len(nxt))
                if len(body) < 32:
                    body += nxt[: min(take, 32 - len(body))]
                need -= take
                rest = nxt[take:]
            buf, p = rest, 0
            n = len(buf)
        if not in_data:
            if typ == 0x003C and size >= 18:  # BrtColInfo
                first, last = u32(body, at)[0], u32(body, at + 4)[0]
                if body[at + 16] & 1 and first <= last:
                    b.hidden_columns.append((first, last))
            elif typ == 0x0091:  # BrtBeginSheetData
                in_data = True
            continue
        need_len = cell_min.get(typ)
        if need_len is not None:
            if size < need_len:
                raise Damaged("a cell record too short")
            col = u32(body, at)[0]
            if typ == _XLSB_ISST:
                i = u32(body, at + 8)[0]
                if i >= n_strings:
                    raise Damaged("a shared string that does not exist")
                text += strings[i]
            elif typ == 0x0003:
                if body[at + 8] not in _ERROR_CODES:
                    raise Damaged("an error cell")
            elif (typ == 0x0006 or typ == 0x0008) and 12 + 2 * u32(body, at + 8)[0] > size:
                raise Damaged("a text cell")
            cells += 1
            if row > max_row:
                max_row = row
            if col > max_col:
                max_col = col
        elif typ == 0x0000:  # BrtRowHdr
            if size < 12:
                raise Damaged("a row header too short")
            row = u32(body, at)[0]
            if row > _MAX_XLSB_ROW:
                break
            if body[at + 11] & 0x10:
                b.hidden_rows.append(row + 1)
        elif typ == 0x0092:  # BrtEndSheetData
            break
    b.rows, b.cols = max_row + 1, max_col + 1
    b.cells, b.text_bytes = cells, text
    return b


# ======================================================================================== hidden columns
_BEFORE_CELLS_XLS = frozenset(
    (0x0200, 0x0208, 0x0203, 0x027E, 0x00FD, 0x0204, 0x00D6, 0x0205, 0x00BD, 0x0006)
)


def xls_hidden_columns(stream: bytes, limit: int) -> dict[str, list[tuple[int, int]]]:
    """Hidden column ranges (0-based, inclusive) per sheet, from the COLINFO records before each sheet's cells.

    Reads only the BOUNDSHEET records of the globals and the head of each sheet (COLINFO comes before
    DIMENSIONS and the rows), so it costs little next to ``scan_xls``; at most ``limit`` ranges a sheet.
    """
    unpack = struct.unpack_from
    biff = 8
    sheets: list[tuple[int, str]] = []
    for typ, data, length, _c in _records(stream, 0):
        if typ == 0x000A:
            break
        if typ == 0x0809:
            biff = _biff_version(stream, data, length)
        elif typ == 0x0085 and length >= 8:
            pos, _state, _kind, cch = unpack("<IBBB", stream, data)
            sheets.append((pos, _short_string(stream, data + 7, data + length, cch, biff, 1252)))
    out: dict[str, list[tuple[int, int]]] = {}
    for pos, name in sheets:
        ranges: list[tuple[int, int]] = []
        for typ, data, length, _c in _records(stream, min(pos, len(stream))):
            if typ in _BEFORE_CELLS_XLS or typ == 0x000A or len(ranges) >= limit:
                break
            if typ == 0x007D and length >= 10:
                first, last, _w, _xf, opts = unpack("<HHHHH", stream, data)
                if opts & 1 and first <= last:
                    ranges.append((first, last))
        if ranges:
            out.setdefault(name, ranges)
    return out


def xlsb_hidden_columns(records: Iterable[tuple[int, bytes]], limit: int) -> list[tuple[int, int]]:
    """Hidden column ranges (0-based, inclusive) of a sheet part: BrtColInfo before BrtBeginSheetData. The
    records may be the start of the part only: a record cut at the end ends the search."""
    ranges: list[tuple[int, int]] = []
    try:
        for typ, body in records:
            if typ == 0x0091 or len(ranges) >= limit:
                break
            if typ == 0x003C and len(body) >= 18:
                first, last = struct.unpack_from("<II", body, 0)
                if body[16] & 1 and first <= last:
                    ranges.append((first, last))
    except Damaged:
        pass
    return ranges
