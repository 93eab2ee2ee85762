"""Old Excel formats (.xls, .xlsb) are read like xlsx (issue 16), behind the same pre-parse bounds.

python-calamine builds a dense grid per sheet and aborts the process when an allocation fails; its compound-file
reader also trusts sector counts and follows chains that loop. ``cpd.oldformats`` replays what it reads, so
hostile files get one sentence, in bounded time and memory, and never reach calamine.
"""

from __future__ import annotations

import json
import struct
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cpd import oldformats, safety
from cpd.errors import UnreadableFile
from cpd.ingest.grid import read_grids
from tests import biff12, hostile

ROOT = Path(__file__).parent.parent
DATA = Path(__file__).parent / "data"
XLSX = ROOT / "sample_data" / "recert_workbook.xlsx"
XLS = DATA / "recert_workbook.xls"  # the same workbook saved by LibreOffice 7 as Excel 97-2003
XLS_1904 = DATA / "roster_1904_hidden.xls"  # xlwt: 1904 dates, a hidden sheet, row 4 hidden
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
SAVE_AS_XLSX = "save it as an Excel Workbook (.xlsx) and upload that file."
FAST = 5.0  # seconds, generous on a loaded CI machine (refusals take milliseconds)


def reason(name: str, data: bytes) -> tuple[str, str]:
    with pytest.raises(safety.Refusal) as info:
        safety.sniff(name, data)
    return info.value.reason, str(info.value)


def standing_json(path: Path) -> dict:
    out = subprocess.run(
        [sys.executable, "-m", "cpd", "standing", str(path), "--as-of", "2026-12-01", "--format", "json"],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    ).stdout
    return json.loads(out.replace(path.name, "FILE"))


# The same roster in three formats -----------------------------------------------------------------------------
def _xlsb_of(path: Path) -> bytes:
    """The cells of a workbook (as calamine reads them) written back as an .xlsb; dates as ISO text."""
    import io

    import python_calamine as pc

    wb = pc.CalamineWorkbook.from_filelike(io.BytesIO(path.read_bytes()))
    sheets = {}
    for name in wb.sheet_names:
        rows = wb.get_sheet_by_name(name).to_python(skip_empty_area=False)
        rows = [
            [None if v == "" else v.isoformat() if hasattr(v, "isoformat") else v for v in r] for r in rows
        ]
        sheets[name] = biff12.sheet_records(rows)
    return biff12.xlsb(sheets)


def test_the_same_workbook_as_xls_gives_the_same_standing_as_xlsx():
    assert standing_json(XLS) == standing_json(XLSX)


def test_the_same_workbook_as_xlsb_gives_the_same_standing_as_xlsx(tmp_path):
    path = tmp_path / "recert_workbook.xlsb"
    path.write_bytes(_xlsb_of(XLSX))
    assert safety.sniff(path.name, path.read_bytes()).kind == "xlsb"
    assert standing_json(path) == standing_json(XLSX)


def test_xls_1904_dates_hidden_sheet_and_hidden_rows_are_read_like_xlsx():
    s = safety.sniff("r.xls", XLS_1904.read_bytes())
    assert (s.kind, s.date1904, s.hidden_rows) == ("xls", True, (("Roster", (4,)),))
    got = standing_json(XLS_1904)
    expires = {t["trainer"]: t["expires"] for t in got["standings"]}
    assert expires == {"Ana Silva": "2027-04-30", "Marcus Johnson": "2026-12-20", "Lee Wong": "2025-01-05"}
    warnings = " ".join(got["warnings"])
    assert "hidden row(s) were read (rows 4)" in warnings
    assert "Sheet 'Old' in FILE is hidden in Excel and was not read" in warnings
    assert "Ghost" not in json.dumps(got)


def test_xlsb_1904_flag_hidden_sheet_and_rows_come_from_the_records():
    data = biff12.xlsb(
        {
            "Roster": biff12.sheet_records([["a"], ["b"], ["c"]], hidden_rows=[1]),
            "Old": biff12.sheet_records([["x"]]),
        },
        date1904=True,
        hidden=["Old"],
    )
    s = safety.sniff("r.xlsb", data)
    assert (s.kind, s.date1904, s.hidden_rows) == ("xlsb", True, (("Roster", (2,)),))
    grids = {g.sheet: g for g in read_grids("r.xlsb", data)}
    assert grids["Old"].hidden and not grids["Roster"].hidden
    assert grids["Roster"].date1904 and grids["Roster"].hidden_rows == (2,)


def test_hidden_columns_of_xls_and_xlsb_reach_the_grid():
    import io

    import xlwt

    wb = xlwt.Workbook()
    ws = wb.add_sheet("Roster")
    for c, v in enumerate(["Name", "Old club", "Club"]):
        ws.write(0, c, v)
        ws.write(1, c, f"{v} 1")
    ws.col(1).hidden = True
    buf = io.BytesIO()
    wb.save(buf)
    [xls] = read_grids("r.xls", buf.getvalue())
    assert xls.hidden_columns == ((1, 1),)
    rows = [["Name", "Old club", "Club", "x", "y"], ["a", "b", "c", "d", "e"]]
    data = biff12.xlsb({"Roster": biff12.sheet_records(rows, hidden_columns=[(1, 1), (3, 4)])})
    [xlsb] = read_grids("r.xlsb", data)
    assert xlsb.hidden_columns == ((1, 1), (3, 4))


# Refusals that stay -------------------------------------------------------------------------------------------
STILL_REFUSED = [  # (what, name, bytes, reason)
    ("Excel 2.x worksheet", "staff.xls", struct.pack("<HH", 0x0009, 4) + bytes(40), "legacy_xls"),
    ("Excel 4 worksheet", "staff.xls", struct.pack("<HH", 0x0409, 6) + bytes(40), "legacy_xls"),
    ("password-protected .xls", "staff.xls", hostile.legacy_xls(password=True), "password"),
    ("encrypted xlsx", "staff.xlsx", hostile.encrypted_xlsx(), "password"),
    ("cut short inside the signature", "staff.xls", OLE[:4], "damaged"),
    ("signature, then nothing readable", "staff.xls", OLE + bytes(700), "damaged"),
    ("Word document", "minutes.doc", hostile.cfb({"WordDocument": b"x" * 100}), "not_spreadsheet"),
    ("unreadable OLE not named like Excel", "minutes.doc", OLE + bytes(700), "not_spreadsheet"),
]


@pytest.mark.parametrize(
    ("what", "name", "data", "expected"), STILL_REFUSED, ids=[c[0] for c in STILL_REFUSED]
)
def test_files_calamine_cannot_read_keep_their_sentence(what, name, data, expected):
    got, sentence = reason(name, data)
    assert got == expected, what
    assert sentence.startswith(f"{name}: ") and "\n" not in sentence
    if expected == "legacy_xls":
        assert sentence.endswith(SAVE_AS_XLSX)


# Hostile .xls, written record by record or built by editing the bytes of a real one ---------------------------
def rec(typ: int, body: bytes) -> bytes:
    return struct.pack("<HH", typ, len(body)) + body


def number(row: int, col: int, value: float = 1.0) -> bytes:
    return rec(0x0203, struct.pack("<HHHd", row, col, 0, value))


def labelsst(row: int, col: int, index: int) -> bytes:
    return rec(0x00FD, struct.pack("<HHHI", row, col, 0, index))


def xls_book(cells: bytes, *, sst: list[str] = (), dimensions: bytes = b"") -> bytes:
    """A BIFF8 workbook of one sheet 'Roster' holding the records ``cells`` (CONTINUE-free SST)."""
    bof = rec(0x0809, struct.pack("<HHHHII", 0x0600, 0x0005, 0x0DBB, 0x07CC, 0, 0))
    strings = b"".join(struct.pack("<HB", len(t), 0) + t.encode("latin-1") for t in sst)
    sst_rec = rec(0x00FC, struct.pack("<II", len(sst), len(sst)) + strings) if sst else b""
    name = b"Roster"

    def globals_(pos: int) -> bytes:
        sheet = rec(0x0085, struct.pack("<IBBBB", pos, 0, 0, len(name), 0) + name)
        return bof + sheet + sst_rec + rec(0x000A, b"")

    pos = len(globals_(0))
    sheet_bof = rec(0x0809, struct.pack("<HHHHII", 0x0600, 0x0010, 0x0DBB, 0x07CC, 0, 0))
    return hostile.cfb({"Workbook": globals_(pos) + sheet_bof + dimensions + cells + rec(0x000A, b"")})


# Hostile .xls, built by editing the bytes of a real one -----------------------------------------------------
def _ole_parts(data: bytes) -> tuple[int, int, int]:
    """(offset of the first FAT sector, directory start sector, workbook stream's first sector)."""
    fat_sector = struct.unpack_from("<I", data, 76)[0]
    dir_start = struct.unpack_from("<I", data, 48)[0]
    return (fat_sector + 1) * 512, dir_start, 0


def _set(data: bytes, off: int, fmt: str, *values: int) -> bytes:
    buf = bytearray(data)
    struct.pack_into(fmt, buf, off, *values)
    return bytes(buf)


def _record_offset(data: bytes, typ: int, length: int, nth: int = 0) -> int:
    """Offset of the ``nth`` BIFF record of a type and length in the file (its header)."""
    needle = struct.pack("<HH", typ, length)
    pos = -1
    for _ in range(nth + 1):
        pos = data.index(needle, pos + 1)
    return pos


def _xls() -> bytes:
    return XLS.read_bytes()


def fat_loop() -> bytes:
    data = _xls()
    fat, dir_start, _ = _ole_parts(data)
    return _set(data, fat + 4 * dir_start, "<I", dir_start)  # the directory chain points at itself


def difat_loop() -> bytes:
    data = _set(_xls(), 68, "<II", 0, 1)  # a DIFAT sector 0 ...
    return _set(data, 512 + 508, "<I", 0)  # ... whose next DIFAT sector is itself


HOSTILE_XLS = [  # (what, builder, reason)
    ("FAT sector count beyond the file", lambda: _set(_xls(), 44, "<I", 0x7FFFFFFF), "damaged"),
    ("mini FAT count beyond the file", lambda: _set(_xls(), 64, "<I", 0x00FFFFFF), "damaged"),
    ("field calamine sizes a vector by", lambda: _set(_xls(), 62, "<I", 0xFFFFFFFF), "damaged"),
    ("sector size shift 16", lambda: _set(_xls(), 30, "<H", 16), "damaged"),
    ("mini sector shift 7", lambda: _set(_xls(), 32, "<H", 7), "damaged"),
    ("directory chain loops", fat_loop, "damaged"),
    ("DIFAT chain loops", difat_loop, "damaged"),
    ("directory beyond the file", lambda: _set(_xls(), 48, "<I", 0x00FFFFFF), "damaged"),
    ("cut in half", lambda: _xls()[: len(_xls()) // 2], "damaged"),
    (
        "DIMENSIONS declaring 4 billion rows",
        lambda: _set(_xls(), _record_offset(_xls(), 0x0200, 14) + 4, "<II", 0, 0xFFFFFFFF),
        "dimensions",
    ),
    (
        "DIMENSIONS whose last row is before its first",
        lambda: _set(_xls(), _record_offset(_xls(), 0x0200, 14) + 4, "<II", 10, 2),
        "dimensions",
    ),
    (
        "a cell at row 65535, column 4000, others at A1",
        lambda: _set(_xls(), _record_offset(_xls(), 0x00FD, 10) + 4, "<HH", 65535, 4000),
        "dimensions",
    ),
    (
        "a cell in column 65535",
        lambda: _set(_xls(), _record_offset(_xls(), 0x00FD, 10) + 4, "<HH", 0, 65535),
        "dimensions",
    ),
    (
        "a sheet offset beyond the stream",
        lambda: _set(_xls(), _record_offset(_xls(), 0x0085, 13) + 4, "<I", 0x7FFFFFFF),
        "damaged",
    ),
    (
        "a record longer than the stream",
        lambda: _set(_xls(), _record_offset(_xls(), 0x00FD, 10) + 2, "<H", 0xFFFF),
        "damaged",
    ),
]


# Hostile .xlsb, written record by record -----------------------------------------------------------------------
def _sheet(*records: bytes, dim: bytes | None = None) -> bytes:
    head = (
        biff12.record(0x0081)
        + biff12.record(0x0094, dim or struct.pack("<IIII", 0, 0, 0, 0))
        + biff12.record(0x0091)
    )
    return head + b"".join(records) + biff12.record(0x0092) + biff12.record(0x0082)


A1 = biff12.row_header(0) + biff12.cell(0, "Name")


def _far(row: int, col: int, dim: bytes | None = None) -> bytes:
    return biff12.xlsb({"Roster": _sheet(A1, biff12.row_header(row), biff12.cell(col, 1.0), dim=dim)})


HOSTILE_XLSB = [
    ("a cell at XFD1048576 with A1", lambda: _far(1_048_575, 16_383), "dimensions"),
    (
        "a far cell behind a lying BrtWsDim",
        lambda: _far(1_048_575, 16_383, struct.pack("<IIII", 0, 0, 0, 0)),
        "dimensions",
    ),
    ("a cell in column 4 billion", lambda: _far(0, 0xFFFFFFF0), "dimensions"),
    ("a row far below, narrow", lambda: _far(1_000_000, 20), "dimensions"),
    (
        "a record declaring 256 MB",
        lambda: biff12.xlsb({"Roster": _sheet(A1, biff12.record(0x0005, bytes(16), size=(1 << 28) - 1))}),
        "damaged",
    ),
    ("a record cut short", lambda: biff12.xlsb({"Roster": _sheet(A1, biff12.cell(1, 2.0))[:-12]}), "damaged"),
    ("a record type cut short", lambda: biff12.xlsb({"Roster": _sheet(A1)[:-6] + b"\x92"}), "damaged"),
    (
        "a cell record shorter than calamine reads",
        lambda: biff12.xlsb({"Roster": _sheet(A1, biff12.record(0x0005, bytes(4)))}),
        "damaged",
    ),
    (
        "two million copies of one cell (a zip bomb)",
        lambda: biff12.xlsb({"Roster": _sheet(A1, biff12.row_header(1), biff12.cell(0, 1.0) * 2_000_000)}),
        "zip_bomb",
    ),
]


def test_repeats_of_one_xlsb_cell_count_toward_the_sheet_cap(monkeypatch):
    """calamine pushes every cell record before it builds the grid: a 1x1 grid of a million records is a
    million cells of memory."""
    data = biff12.xlsb({"Roster": _sheet(A1, biff12.row_header(0), biff12.cell(0, 1.0) * 1001)})
    assert safety.sniff("r.xlsb", data).kind == "xlsb"
    monkeypatch.setattr(safety, "MAX_SHEET_CELLS", 1000)
    assert reason("r.xlsb", data)[0] == "dimensions"


def test_repeats_of_one_xls_cell_count_toward_the_sheet_cap(monkeypatch):
    data = xls_book(number(0, 0) * 1001)
    assert safety.sniff("r.xls", data).sheet_cells == (("Roster", 1),)
    monkeypatch.setattr(safety, "MAX_SHEET_CELLS", 1000)
    assert reason("r.xls", data)[0] == "dimensions"


def test_a_long_shared_string_shown_in_many_cells_is_counted_once_per_cell():
    """calamine copies a shared string into every cell that shows it: 40,000 cells of a 8,000-character string
    in a 600 KB file would be 640 MB of text."""
    data = xls_book(labelsst(0, 0, 0) * 40_000, sst=["x" * 8000])
    assert reason("r.xls", data) == (
        "dimensions",
        "r.xls: the cells of this workbook repeat 610 MB of text, more than Recert can open safely: "
        "open it in Excel, save it again and upload the new copy.",
    )
    assert safety.sniff("r.xls", xls_book(labelsst(0, 0, 0) * 100, sst=["x" * 8000])).kind == "xls"


@pytest.mark.parametrize(
    ("what", "build", "expected"), HOSTILE_XLS + HOSTILE_XLSB, ids=[c[0] for c in HOSTILE_XLS + HOSTILE_XLSB]
)
def test_hostile_old_workbook_is_refused_quickly_with_one_sentence(what, build, expected):
    data = build()
    name = "hostile.xlsb" if data[:2] == b"PK" else "hostile.xls"
    start = time.perf_counter()
    got, sentence = reason(name, data)
    elapsed = time.perf_counter() - start
    assert got == expected, (what, sentence)
    assert sentence.startswith(f"{name}: ") and "\n" not in sentence and sentence.endswith(".")
    assert elapsed < FAST, f"{what} took {elapsed:.2f} s"


BOUNDED = textwrap.dedent("""
    import resource, sys, time
    resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))
    from tests import test_old_formats as t
    cases = {what: build for what, build, _ in t.HOSTILE_XLS + t.HOSTILE_XLSB}
    data = cases[sys.argv[1]]()
    from cpd.errors import UnreadableFile
    from cpd.ingest.grid import read_grids
    start = time.perf_counter()
    try:
        read_grids("hostile", data)
        print("read")
    except UnreadableFile as exc:
        # VmHWM, not ru_maxrss: ru_maxrss survives exec, so it would report the (big) pytest worker that started us.
        peak = next(l for l in open("/proc/self/status") if l.startswith("VmHWM:")).split()[1]
        print("refused", time.perf_counter() - start, peak)
""")


@pytest.mark.parametrize("what", [c[0] for c in HOSTILE_XLS + HOSTILE_XLSB])
def test_hostile_old_workbook_read_in_a_1_gb_process_ends_in_a_sentence(what):
    """The whole read (sniff, then calamine) in a fresh process limited to 1 GB of address space."""
    proc = subprocess.run(
        [sys.executable, "-c", BOUNDED, what], capture_output=True, text=True, cwd=ROOT, timeout=120
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    verdict, seconds, peak_kb = proc.stdout.split()
    assert verdict == "refused" and float(seconds) < FAST and int(peak_kb) < 400 * 1024, proc.stdout


# Properties ---------------------------------------------------------------------------------------------------
SMALL_XLS = XLS_1904.read_bytes()
SMALL_XLSB = biff12.xlsb(
    {
        "Roster": biff12.sheet_records(
            [["Name", "Club", "Expires"], ["Ana", "Downtown", 46000.0], ["Bo", "Uptown", 1.5]]
        )
    }
)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(base=st.sampled_from([SMALL_XLS, SMALL_XLSB]), data=st.data())
def test_a_mutated_old_workbook_is_read_or_refused_with_one_sentence(base, data):
    buf = bytearray(base)
    for _ in range(data.draw(st.integers(1, 8))):
        pos = data.draw(st.integers(0, len(buf) - 1))
        buf[pos] = data.draw(st.integers(0, 255))
    cut = data.draw(st.integers(len(buf) // 2, len(buf)))
    try:
        grids = read_grids("x.xls", bytes(buf[:cut]))
    except UnreadableFile as exc:
        assert "\n" not in str(exc) and str(exc).endswith(".")
        return
    assert all(len(g.rows) <= safety.MAX_SHEET_CELLS for g in grids)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    cells=st.lists(
        st.tuples(
            st.integers(0, 2000),
            st.integers(0, 300),
            st.one_of(st.text(max_size=5), st.floats(allow_nan=False)),
        ),
        max_size=30,
    ),
    chunk=st.sampled_from([5, 16, 17, 64, 1000, 4 << 20]),
)
def test_xlsb_bound_is_never_smaller_than_calamines_grid(cells, chunk):
    """Wherever the decompressed chunks of a sheet part end (inside a header, a size or a body)."""
    import io
    from unittest import mock

    import python_calamine as pc

    body = b"".join(biff12.row_header(r) + biff12.cell(c, v) for r, c, v in cells)
    data = biff12.xlsb({"S": _sheet(body)})
    with mock.patch.object(safety, "SCAN_CHUNK_BYTES", chunk):
        bound = dict(safety.sniff("x.xlsb", data).sheet_cells)["S"]
    sheet = pc.CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_name("S")
    if sheet.end is not None:
        assert bound >= (sheet.end[0] + 1) * (sheet.end[1] + 1)


def test_open_ole_reads_the_workbook_stream_of_a_real_file():
    ole = oldformats.open_ole(XLS.read_bytes())
    assert "Workbook" in ole.names and ole.workbook is not None and ole.workbook[:2] == b"\x09\x08"


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    cells=st.lists(
        st.tuples(
            st.integers(0, 3000), st.integers(0, 255), st.one_of(st.text(max_size=5), st.integers(-9, 9))
        ),
        min_size=1,
        max_size=30,
    ),
    hidden=st.sets(st.integers(0, 40), max_size=3),
)
def test_xls_bound_is_never_smaller_than_calamines_grid(cells, hidden):
    """Workbooks written by xlwt (NUMBER/RK, LABELSST, ROW records): the scan bounds calamine's grid and finds
    the hidden rows."""
    import io

    import python_calamine as pc
    import xlwt

    wb = xlwt.Workbook()
    ws = wb.add_sheet("S", cell_overwrite_ok=True)
    for r, c, v in cells:
        ws.write(r, c, v)
    for r in hidden:
        ws.row(r).hidden = True
    buf = io.BytesIO()
    wb.save(buf)
    data = buf.getvalue()
    s = safety.sniff("x.xls", data)
    sheet = pc.CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_name("S")
    if sheet.end is not None:
        assert dict(s.sheet_cells)["S"] >= (sheet.end[0] + 1) * (sheet.end[1] + 1)
    assert set(dict(s.hidden_rows).get("S", ())) == {r + 1 for r in hidden}
