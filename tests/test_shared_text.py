"""A shared string shown in many cells is copied into each by the readers: the copies are bounded before parsing.

python-calamine and fastexcel copy a shared string into every cell that shows it, so a small xlsx can ask for
gigabytes (and a failed Rust allocation aborts the server). ``safety.sniff`` adds up the text the cells would
copy when the cheap bound (cells x the longest shared string) does not already clear the file.
"""

from __future__ import annotations

import io
import zipfile

import pytest

from cpd import safety
from cpd.errors import UnreadableFile

_CT = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/sharedStrings.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
    "</Types>"
)
_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?><Relationships '
    'xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
    'Target="xl/workbook.xml"/></Relationships>'
)
_WB = (
    '<?xml version="1.0" encoding="UTF-8"?><workbook '
    'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="Staff" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
_WB_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?><Relationships '
    'xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
    'Target="worksheets/sheet1.xml"/>'
    '<Relationship Id="rId2" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" '
    'Target="sharedStrings.xml"/></Relationships>'
)


def _workbook(strings: list[str], rows: int, cols: int, index: int = 0) -> bytes:
    """A sheet of ``rows`` x ``cols`` cells all showing shared string ``index``."""
    sst = "".join(f"<si><t>{s}</t></si>" for s in strings)
    cell = f'<c t="s"><v>{index}</v></c>'
    body = "".join(f'<row r="{r}">' + cell * cols + "</row>" for r in range(1, rows + 1))
    sheet = (
        '<?xml version="1.0" encoding="UTF-8"?><worksheet '
        'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f"<sheetData>{body}</sheetData></worksheet>"
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", _CT)
        z.writestr("_rels/.rels", _RELS)
        z.writestr("xl/workbook.xml", _WB)
        z.writestr("xl/_rels/workbook.xml.rels", _WB_RELS)
        z.writestr(
            "xl/sharedStrings.xml",
            '<?xml version="1.0" encoding="UTF-8"?><sst '
            f'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">{sst}</sst>',
        )
        z.writestr("xl/worksheets/sheet1.xml", sheet)
    return out.getvalue()


def test_one_long_string_shown_in_many_cells_is_refused_before_parsing():
    data = _workbook(["x" * 32_000, "short"], rows=2_000, cols=10)  # 20,000 cells x 32 KB = 640 MB of copies
    assert len(data) < 1_000_000
    with pytest.raises(UnreadableFile, match="repeat .* MB of text"):
        safety.sniff("notes.xlsx", data)


def test_the_long_string_shown_once_among_many_short_ones_is_read():
    # The cheap bound trips (cells x 32 KB > 512 MB) but the count finds the cells show the short string.
    data = _workbook(["x" * 32_000, "short"], rows=2_000, cols=10, index=1)
    assert safety.sniff("notes.xlsx", data).kind == "xlsx"


@pytest.mark.parametrize(("rows", "cols"), [(100, 5), (2_000, 10)])
def test_ordinary_shared_strings_pass_the_cheap_bound(rows, cols):
    assert safety.sniff("roster.xlsx", _workbook(["Ana Silva", "NASM-CPT"], rows, cols)).kind == "xlsx"


def test_the_limit_counts_what_the_readers_copy_not_the_file_size():
    # 16,000 cells x 32 KB = 512 MB: at the limit, read; one more row of 10 cells goes over.
    assert safety.MAX_CELL_TEXT_BYTES == 512 * 1024 * 1024
    below = _workbook(["y" * 30_000], rows=1_600, cols=10)
    assert safety.sniff("ok.xlsx", below).kind == "xlsx"
    above = _workbook(["y" * 34_000], rows=1_600, cols=10)
    with pytest.raises(UnreadableFile):
        safety.sniff("too.xlsx", above)
