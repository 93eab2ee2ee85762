"""inputs.md "Bad input" as tests: every hostile or unreadable file gets one sentence, quickly and cheaply."""

from __future__ import annotations

import io
import subprocess
import sys
import textwrap
import time
import tracemalloc
import zipfile
from unittest import mock

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cpd import safety
from cpd.errors import UnreadableFile
from tests import hostile

FAST = 5.0  # seconds: a generous bound on a loaded CI machine (refusals take milliseconds; see benchmarks)


def refusal(data: bytes, name: str = "upload.xlsx") -> safety.Refusal:
    with pytest.raises(safety.Refusal) as info:
        safety.sniff(name, data)
    return info.value


def is_one_sentence(text: str) -> bool:
    return text.endswith(".") and "\n" not in text and text.count(". ") == 0


# The table ---------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(("case", "build", "reason"), hostile.CASES, ids=[c[0] for c in hostile.CASES])
def test_hostile_or_unreadable_file_is_refused_quickly_with_one_sentence(case, build, reason):
    data = build()
    start = time.perf_counter()
    err = refusal(data, f"{case}.xlsx")
    elapsed = time.perf_counter() - start
    assert err.reason == reason, str(err)
    assert isinstance(err, UnreadableFile)
    assert str(err).startswith(f"{case}.xlsx: ")
    assert is_one_sentence(err.message), err.message
    assert elapsed < FAST, f"{case} took {elapsed:.2f} s"


# Exact sentences ---------------------------------------------------------------------------------------------
def test_password_protected_workbook_is_refused_with_instructions():
    err = refusal(hostile.encrypted_xlsx(), "roster.xlsx")
    assert str(err) == (
        "roster.xlsx: this file is password protected: remove the password in Excel and upload it again."
    )


def test_password_protected_legacy_xls_gets_the_same_sentence():
    assert refusal(hostile.legacy_xls(password=True)).message == safety.PASSWORD_SENTENCE


def test_empty_file_says_to_export_the_sheet_again():
    assert refusal(b"", "r.csv").message == "the file is empty: export the sheet again and upload it."


def test_too_large_file_names_the_limit_in_megabytes():
    assert safety.MAX_UPLOAD_BYTES == 50 * 1024 * 1024
    err = refusal(b"a,b\n" * (13 * 1024 * 1024 + 1), "big.csv")
    assert err.reason == "too_large"
    assert "over the 50 MB limit" in err.message
    with pytest.raises(safety.Refusal, match="over the 1 MB limit"):
        safety.sniff("r.csv", b"x" * (2 * 1024 * 1024), max_bytes=1024 * 1024)


def test_legacy_xls_is_read_since_issue_16():
    assert safety.sniff("upload.xls", hostile.legacy_xls()).kind == "xls"


@pytest.mark.parametrize(
    ("build", "what"),
    [
        (hostile.pdf, "a PDF document"),
        (hostile.png, "an image"),
        (hostile.docx, "a Word document"),
        (hostile.plain_zip, "a zip archive"),
        (hostile.random_binary, "binary data"),
    ],
)
def test_other_files_are_named_and_told_to_upload_xlsx_or_csv(build, what):
    assert (
        refusal(build()).message == f"this file is {what}, not a spreadsheet: upload an .xlsx or .csv file."
    )


def test_absurd_dimensions_name_the_sheet_and_the_far_cell():
    msg = refusal(hostile.far_cells_xlsx("XFD1048576")).message
    assert "sheet 'Roster' reaches cell XFD1048576" in msg and "Ctrl+End" in msg


# Legitimate files pass -------------------------------------------------------------------------------------
def test_normal_workbook_is_xlsx():
    assert safety.sniff("r.xlsx", hostile.openpyxl_xlsx()) == safety.Sniffed(
        "xlsx", sheet_cells=(("Roster", 8),)
    )


def test_macro_workbook_is_read_as_xlsx_and_says_macros_are_ignored():
    s = safety.sniff("roster.xlsm", hostile.raw_xlsx(macro=True))
    assert (s.kind, s.is_macro_workbook) == ("xlsx", True)
    assert s.notices == (
        "roster.xlsm is a macro-enabled workbook: its data was read and its macros were ignored (never run).",
    )


def test_kind_is_decided_by_bytes_not_extension():
    assert safety.sniff("roster.csv", hostile.openpyxl_xlsx()).kind == "xlsx"
    assert safety.sniff("roster.xlsx", hostile.cp1252_csv()).kind == "text"


@pytest.mark.parametrize(
    ("label", "build", "kind"),
    [
        ("1904 dates", lambda: hostile.raw_xlsx(date1904=True), "xlsx"),
        ("formatted blank cell at XFD1048576 (calamine skips it)", hostile.styled_blank_far_xlsx, "xlsx"),
        (
            "cells without references (exact scan)",
            lambda: hostile.rless_wide_xlsx(width=30, far_row=40),
            "xlsx",
        ),
        (
            "namespace-prefixed sheet (exact scan)",
            lambda: hostile.raw_xlsx(
                sheet=(
                    '<?xml version="1.0"?><x:worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                    '<x:sheetData><x:row r="1"><x:c r="A1" t="s"><x:v>0</x:v></x:c></x:row></x:sheetData></x:worksheet>'
                )
            ),
            "xlsx",
        ),
        ("ods with a million trailing empty rows", hostile.ods_legit, "ods"),
        ("UTF-8 csv", lambda: hostile.csv_text(hostile.ROSTER).encode(), "text"),
        ("UTF-8 csv with BOM", lambda: b"\xef\xbb\xbf" + hostile.csv_text(hostile.ROSTER).encode(), "text"),
        ("Windows-1252 csv", hostile.cp1252_csv, "text"),
        ("UTF-16 Unicode text", hostile.utf16_unicode_text, "text"),
        ("UTF-16 without BOM", lambda: hostile.csv_text(hostile.ROSTER, "\t").encode("utf-16-le"), "text"),
        ("csv with an invalid byte", hostile.invalid_byte_csv, "text"),
        ("csv of formula- and HTML-looking names", hostile.formula_names_csv, "text"),
    ],
)
def test_legitimate_file_is_accepted(label, build, kind):
    assert safety.sniff(f"{label}.x", build()).kind == kind


def test_date1904_and_hidden_rows_are_reported_from_the_scan():
    data = hostile.raw_xlsx(
        '<row r="1"><c r="A1"><v>1</v></c></row><row r="2" hidden="1"><c r="A2"><v>2</v></c>'
        '</row><row r="3"><c r="A3"><v>3</v></c></row>',
        date1904=True,
    )
    s = safety.sniff("r.xlsx", data)
    assert s.date1904 is True
    assert s.hidden_rows == (("Roster", (2,)),)


# Bombs cost nothing ----------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "build",
    [
        hostile.zip_bomb,
        hostile.small_ratio_bomb,
        hostile.billion_laughs_xlsx,
        hostile.far_cells_xlsx,
        hostile.ods_repeat_bomb,
    ],
)
def test_bombs_are_refused_without_being_expanded(build):
    data = build()
    tracemalloc.start()
    try:
        with pytest.raises(safety.Refusal):
            safety.sniff("bomb.xlsx", data)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 8 * 1024 * 1024, f"peak {peak / 1e6:.1f} MB"


PEAK_SCRIPT = textwrap.dedent("""
    import resource, sys, time
    from cpd import safety
    from tests import hostile
    data = hostile.zip_bomb()
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    start = time.perf_counter()
    try:
        safety.sniff("bomb.xlsx", data)
    except safety.Refusal as exc:
        reason = exc.reason
    print(reason, time.perf_counter() - start, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before)
""")


def test_zip_bomb_peak_memory_in_a_fresh_process_stays_flat():
    out = subprocess.run(
        [sys.executable, "-c", PEAK_SCRIPT],
        capture_output=True,
        text=True,
        check=True,
        cwd=str(hostile.Path(__file__).parent.parent),
    ).stdout.split()
    reason, seconds, grown_kb = out[0], float(out[1]), int(out[2])
    assert reason == "zip_bomb" and seconds < FAST and grown_kb < 16 * 1024


ABORT_SCRIPT = textwrap.dedent("""
    import io, resource
    resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30))
    import python_calamine as pc
    from tests import hostile
    wb = pc.CalamineWorkbook.from_object(io.BytesIO(hostile.far_cells_xlsx("XFD1048576")))
    wb.get_sheet_by_name("Roster")
    print("survived")
""")


def test_calamine_itself_aborts_the_process_on_far_cells_which_is_why_sniff_scans_them():
    proc = subprocess.run(
        [sys.executable, "-c", ABORT_SCRIPT],
        capture_output=True,
        text=True,
        cwd=str(hostile.Path(__file__).parent.parent),
    )
    assert (
        proc.returncode != 0 and "survived" not in proc.stdout
    )  # SIGABRT: not an exception Python can catch
    assert "memory allocation" in proc.stderr


# Zip directory rules ---------------------------------------------------------------------------------------
def test_caps_leave_room_for_a_chain_workbook():
    data = hostile.legit_workbook(20_000, staff=2_000)
    zf = zipfile.ZipFile(io.BytesIO(data))
    worst = max(
        i.file_size / i.compress_size for i in zf.infolist() if i.file_size > safety.RATIO_CHECK_MIN_BYTES
    )
    assert worst * 5 < safety.MAX_COMPRESSION_RATIO
    assert len(zf.infolist()) * 50 < safety.MAX_ZIP_ENTRIES
    assert safety.MAX_SHEET_CELLS > 2 * 750_000 * 10  # 50,000 trainers x 15 CE rows x 10 columns, twice over


def test_duplicate_entry_names_are_refused():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf, pytest.warns(UserWarning):
        zf.writestr("xl/workbook.xml", "<workbook/>")
        zf.writestr("xl/workbook.xml", "<workbook/>")
    assert refusal(buf.getvalue()).reason == "zip_bomb"


def test_truncated_workbook_is_damaged():
    assert refusal(hostile.openpyxl_xlsx()[:-200]).reason == "damaged"


def test_check_sheet_size_applies_the_same_cap():
    safety.check_sheet_size("r.xlsx", "Roster", 150_001, 7)
    with pytest.raises(safety.Refusal, match="sheet 'Roster' reaches cell"):
        safety.check_sheet_size("r.xlsx", "Roster", 1_048_576, 100)


def test_defusedxml_is_required_before_openpyxl_is_even_loaded(monkeypatch):
    monkeypatch.setenv(
        "OPENPYXL_DEFUSEDXML", "False"
    )  # openpyxl would read this at import and parse unsafely
    with pytest.raises(RuntimeError, match="defusedxml"):
        safety.assert_defusedxml()


def test_defusedxml_is_active_for_openpyxl(monkeypatch):
    safety.assert_defusedxml()
    import openpyxl.xml

    monkeypatch.setattr(openpyxl.xml, "DEFUSEDXML", False)
    with pytest.raises(RuntimeError, match="defusedxml"):
        safety.assert_defusedxml()


# The scan ----------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("cols", "rows"),
    [(0, 0), (1, 9), (7, 150001), (26, 99), (27, 100000), (702, 1048576), (703, 5), (16384, 1)],
)
def test_box_regexes_match_exactly_the_references_outside_the_box(cols, rows):
    import re

    gt_col = re.compile(safety._gt_letters(cols) + "$")
    gt_row = re.compile(safety._gt_digits(rows) + "$")
    for c in {1, 2, 25, 26, 27, 52, 701, 702, 703, 16384, 16385, cols, cols + 1, max(cols - 1, 1)}:
        assert bool(gt_col.match(safety.col_letters(c))) == (c > cols), (c, cols)
    for r in {1, 9, 10, 99, 100, rows, rows + 1, max(rows - 1, 1), 1048576, 10**7}:
        assert bool(gt_row.match(str(r))) == (r > rows), (r, rows)


@pytest.mark.parametrize("chunk", [173, 256, 1000, 4096])
def test_a_far_reference_cut_by_a_chunk_boundary_is_still_seen(chunk):
    pad = " ".join(f'foo{i}="{"x" * 40}"' for i in range(12))  # a 600-byte tag, longer than some chunks
    body = "".join(f'<row r="{r}"><c r="A{r}"><v>1</v></c></row>' for r in range(1, 40))
    data = hostile.raw_xlsx(body + f'<row r="40"><c r="A40" {pad} r="XFD1048576"><v>1</v></c></row>')
    with mock.patch.object(safety, "SCAN_CHUNK_BYTES", chunk):
        assert refusal(data).reason == "dimensions"


def test_unordered_rows_and_late_wide_columns_still_count():
    body = "".join(f'<row r="{r}"><c r="A{r}"><v>1</v></c></row>' for r in range(2, 20_000))
    data = hostile.raw_xlsx(
        '<row r="1"><c r="A1"><v>1</v></c></row><row r="1048576"><c r="C1048576"><v>1</v></c>'
        f"</row>{body}"
        '<row r="20000"><c r="XFD20000"><v>1</v></c></row>'
    )
    assert refusal(data).reason == "dimensions"


# Properties --------------------------------------------------------------------------------------------------
MAGICS = [b"", b"PK\x03\x04", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", b"\xef\xbb\xbf", b"\xff\xfe", b"%PDF-"]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(prefix=st.sampled_from(MAGICS), body=st.binary(max_size=2048))
def test_sniff_of_arbitrary_bytes_returns_a_kind_or_refuses(prefix, body):
    try:
        kind = safety.sniff("x", prefix + body).kind
    except UnreadableFile:
        return
    assert kind in ("xlsx", "xls", "xlsb", "ods", "text")


SMALL_XLSX = hostile.raw_xlsx()
SMALL_ODS = hostile.ods_legit()


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(base=st.sampled_from([SMALL_XLSX, SMALL_ODS]), data=st.data())
def test_sniff_of_a_damaged_workbook_returns_a_kind_or_refuses(base, data):
    buf = bytearray(base)
    for _ in range(data.draw(st.integers(1, 8))):
        pos = data.draw(st.integers(0, len(buf) - 1))
        buf[pos] = data.draw(st.integers(0, 255))
    cut = data.draw(st.integers(len(buf) // 2, len(buf)))
    try:
        kind = safety.sniff("x.xlsx", bytes(buf[:cut])).kind
    except UnreadableFile:
        return
    assert kind in ("xlsx", "xls", "xlsb", "ods", "text")


def _cell(draw) -> str:
    ref = draw(st.one_of(st.none(), st.tuples(st.integers(1, 40), st.integers(1, 30))))
    col = "" if ref is None else safety.col_letters(ref[1])
    style = draw(
        st.sampled_from(
            [
                'r="{}"',
                "r='{}'",
                's="0" r="{}"',
                'r = "{}"',
                'r="A1" r="{}"',
                'r="{}"',
                'r="{}" s="0"',
                'r="A1"r="{}"',
                "s='0'r=\"{}\"",
                'r="{}" t="str" foo="r=\'A1\'"',
            ]
        )
    )
    attr = "" if ref is None else " " + style.format(f"{col.lower() if draw(st.booleans()) else col}{ref[0]}")
    body = draw(st.sampled_from(["<v>1</v>", "", "<is><t>x</t></is>", "<v></v>", "<f>1+1</f>"]))
    if body == "<is><t>x</t></is>":
        attr += ' t="inlineStr"'
    tag = draw(st.sampled_from(["c", "x:c"]))
    ns = ' xmlns:x="urn:x"' if tag == "x:c" else ""
    if draw(st.booleans()) and not body:
        return f"<{tag}{ns}{attr}/>"
    return f"<{tag}{ns}{attr}>{body}</{tag}>" + draw(
        st.sampled_from(["", "<!-- <c r='ZZ99'><v>1</v></c> -->"])
    )


@st.composite
def sheet_data(draw) -> str:
    out = []
    for _ in range(draw(st.integers(0, 6))):
        r = draw(st.one_of(st.none(), st.integers(1, 40)))
        attr = "" if r is None else f' r="{r}"'
        if draw(st.integers(0, 5)) == 0:
            out.append(f"<row{attr}/>")
            continue
        cells = "".join(_cell(draw) for _ in range(draw(st.integers(0, 5))))
        out.append(f"<row{attr}>{cells}</row>")
    return "".join(out)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(body=sheet_data(), chunk=st.integers(160, 2000))
def test_scans_never_see_a_smaller_grid_than_calamine_builds(body, chunk):
    """The fast and exact scans bound calamine's real grid on any mix of rows/cells with and without r,
    wherever the chunk boundaries fall."""
    import python_calamine as pc

    data = hostile.raw_xlsx(body)
    try:
        sheet = pc.CalamineWorkbook.from_object(io.BytesIO(data)).get_sheet_by_name("Roster")
    except pc.CalamineError:
        return  # calamine refuses the sheet itself: nothing is allocated
    names = {e.info.filename: e for e in safety._zip_entries("x", data)}
    with mock.patch.object(safety, "SCAN_CHUNK_BYTES", chunk):
        rows, cols, _ = safety.sheet_extent(data, names["xl/worksheets/sheet1.xml"])
    exact_rows, exact_cols = safety._exact_extent(hostile.sheet_xml(body).encode())
    if sheet.end is not None and sheet.height * sheet.width > 1:
        need_rows, need_cols = sheet.end[0] + 1, sheet.end[1] + 1
        assert rows >= need_rows and cols >= need_cols, (rows, cols, sheet.end)
        assert exact_rows >= need_rows and exact_cols >= need_cols, (exact_rows, exact_cols, sheet.end)


@st.composite
def ods_rows(draw) -> str:
    out = []
    for _ in range(draw(st.integers(0, 6))):
        rep = draw(st.integers(1, 4))
        rattr = f' table:number-rows-repeated="{rep}"' if rep > 1 else ""
        cells = []
        for _ in range(draw(st.integers(0, 5))):
            crep = draw(st.integers(1, 4))
            cattr = f' table:number-columns-repeated="{crep}"' if crep > 1 else ""
            kind = draw(st.sampled_from(["empty", "float", "string", "styled"]))
            if kind == "empty":
                cells.append(f"<table:table-cell{cattr}/>")
            elif kind == "styled":
                cells.append(f'<table:table-cell table:style-name="ce1"{cattr}/>')
            elif kind == "float":
                cells.append(f'<table:table-cell{cattr} office:value-type="float" office:value="1"/>')
            else:
                cells.append(
                    f'<table:table-cell{cattr} office:value-type="string"><text:p>x</text:p>'
                    "</table:table-cell>"
                )
        out.append(f"<table:table-row{rattr}>{''.join(cells)}</table:table-row>")
    return "".join(out)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows_=ods_rows())
def test_ods_bound_is_never_smaller_than_calamines_grid(rows_):
    import python_calamine as pc

    data = hostile.ods(hostile.ODS_TABLE.format(rows=rows_))
    sheet = pc.CalamineWorkbook.from_object(io.BytesIO(data)).get_sheet_by_name("Roster")
    content = zipfile.ZipFile(io.BytesIO(data)).read("content.xml")
    [(_, dense, _pushed, _width)] = list(safety._ods_extents(content))
    if sheet.end is not None:
        assert dense >= sheet.height * sheet.width, (dense, sheet.start, sheet.end)
