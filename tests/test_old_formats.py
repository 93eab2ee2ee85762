"""Old Excel formats (.xls, .xlsb) are refused with one sentence that says what to do: save as .xlsx (issue 10).

Until they are read, every variation of an old workbook must get that sentence: a real BIFF8 .xls, an Excel 95
"Book", an Excel 2-4 worksheet without a container, a damaged or truncated .xls, an .xlsb; never the text
reader's "no recognisable header" with mojibake, never an internal error.
"""

from __future__ import annotations

import io
import struct
import zipfile

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cpd import safety
from tests import hostile

OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
SAVE_AS_XLSX = "save it as an Excel Workbook (.xlsx) and upload that file."


def reason(name: str, data: bytes) -> tuple[str, str]:
    with pytest.raises(safety.Refusal) as info:
        safety.sniff(name, data)
    return info.value.reason, str(info.value)


def xlsb(extra: dict[str, bytes] | None = None) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        zf.writestr("xl/workbook.bin", b"\x83\x01\x00")
        for part, body in (extra or {}).items():
            zf.writestr(part, body)
    return buf.getvalue()


CASES = [  # (what, name, bytes, reason)
    ("BIFF8 workbook", "staff.xls", hostile.legacy_xls(), "legacy_xls"),
    ("BIFF8 workbook, upper-case name", "STAFF.XLS", hostile.legacy_xls(), "legacy_xls"),
    (
        "Excel 95 'Book' stream",
        "staff.xls",
        hostile.cfb({"Book": struct.pack("<HH", 0x0809, 8) + bytes(8)}),
        "legacy_xls",
    ),
    ("template", "staff.xlt", hostile.legacy_xls(), "legacy_xls"),
    ("cut short inside the signature", "staff.xls", OLE[:4], "legacy_xls"),
    ("signature, then nothing readable", "staff.xls", OLE + bytes(700), "legacy_xls"),
    ("Excel 2.x worksheet", "staff.xls", struct.pack("<HH", 0x0009, 4) + bytes(40), "legacy_xls"),
    ("Excel 3 worksheet", "staff.xls", struct.pack("<HH", 0x0209, 6) + bytes(40), "legacy_xls"),
    ("Excel 4 worksheet", "staff.xls", struct.pack("<HH", 0x0409, 6) + bytes(40), "legacy_xls"),
    ("binary workbook", "staff.xlsb", xlsb(), "xlsb"),
    ("binary workbook with sheets", "staff.xlsb", xlsb({"xl/worksheets/sheet1.bin": bytes(100)}), "xlsb"),
    ("binary workbook named .xlsx", "staff.xlsx", xlsb(), "xlsb"),
    ("password-protected .xls", "staff.xls", hostile.legacy_xls(password=True), "password"),
]


@pytest.mark.parametrize(("what", "name", "data", "expected"), CASES, ids=[c[0] for c in CASES])
def test_old_workbooks_are_refused_with_a_sentence_that_says_save_as_xlsx(what, name, data, expected):
    got, sentence = reason(name, data)
    assert got == expected, what
    assert sentence.startswith(f"{name}: ") and "\n" not in sentence
    if expected != "password":
        assert sentence.endswith(SAVE_AS_XLSX)


def test_a_damaged_ole_file_that_is_not_named_like_excel_keeps_the_generic_sentence():
    assert reason("minutes.doc", OLE + bytes(700))[0] == "not_spreadsheet"


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    tail=st.binary(max_size=3000),
    cut=st.integers(min_value=4, max_value=8),
    suffix=st.sampled_from([".xls", ".XLS", ".xlt", ".xla", ".xlw"]),
)
def test_any_file_with_the_ole_signature_named_like_excel_gets_an_old_format_answer(tail, cut, suffix):
    got, sentence = reason(f"roster{suffix}", OLE[:cut] + tail)
    assert got in {"legacy_xls", "password", "not_spreadsheet"}
    if got == "legacy_xls":
        assert sentence.endswith(SAVE_AS_XLSX)


@settings(max_examples=150, deadline=None)
@given(tail=st.binary(max_size=2000), bof=st.sampled_from([0x0009, 0x0209, 0x0409, 0x0809]))
def test_biff_records_outside_a_container_are_an_old_excel_file_not_text(tail, bof):
    data = struct.pack("<HH", bof, 6) + b"\x00\x00\x10\x00\x00\x00" + b"\x00" + tail  # a NUL: never text
    assert reason("sheet.xls", data)[0] == "legacy_xls"


def test_a_csv_starting_with_a_tab_is_still_text():
    assert safety.sniff("roster.csv", b"\tName\tClub\n\tAna\tDowntown\n").kind == "text"
