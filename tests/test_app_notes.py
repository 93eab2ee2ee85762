"""The Upload page acts on the kind of a sheet's note and of a warning (cpd.model), never on their wording."""

from __future__ import annotations

from tests.helpers import xlsx_bytes
from tests.test_app import _app, _no_exception, _upload

ROSTER = [
    ["Trainer", "Certification", "Expiration", "CPR/AED exp"],
    ["Ana Silva", "NASM CPT", "2027-01-31", "2027-06-30"],
    ["Ana Silva", "NASM CPT", "2027-01-31", "2027-06-30"],
]


def _expanders(at) -> dict[str, bool]:
    return {e.label: e.proto.expanded for e in at.expander}


def test_an_empty_sheet_opens_as_empty_collapsed_and_without_a_mapping_editor(monkeypatch):
    book = xlsx_bytes({"Roster": ROSTER, "Blank": [], "Colours": [["Colour", "Shade"], ["red", "dark"]]})
    at = _upload(_app(monkeypatch), {"club.xlsx": book})
    _no_exception(at)
    shown = _expanders(at)
    blank = next(label for label in shown if "Blank" in label)
    colours = next(label for label in shown if "Colours" in label)
    assert "Empty" in blank and shown[blank] is False
    assert "no header" in colours and shown[colours] is True  # a header typed by hand can make it readable
    # Editors: the roster's mapping and the unreadable sheet's, none for the empty sheet.
    assert len(at.data_editor) == 2
    assert any("is empty" in m.value for m in at.markdown)


def test_routine_duplicates_are_grouped_apart_from_the_warnings(monkeypatch):
    at = _upload(_app(monkeypatch), {"club.xlsx": xlsx_bytes({"Roster": ROSTER})})
    _no_exception(at)
    assert not [w for w in at.warning if "listed 2 times" in w.value]
    assert any("appear in more than one row or file" in e.label for e in at.expander)
