"""CSV safe to open in Excel (OWASP CSV injection), JSON that is strict JSON: read back and checked."""

from __future__ import annotations

import csv
import io
import json
import math
import re
from dataclasses import replace
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as hs

from cpd.export import (
    CSV_COLUMNS,
    REJECTED_CSV_COLUMNS,
    csv_text,
    excel_bytes,
    neutralise,
    plain_text,
    rejected_csv,
    standings_csv,
    to_json,
    to_json_dict,
    write_csv,
)
from tests.helpers import csv_bytes, run, xlsx_bytes

AS_OF = date(2026, 6, 1)
HYPER = '=HYPERLINK("http://x","y")'
HTML = "<b>Bold</b><script>alert(1)</script>"
ROSTER = [
    ["Trainer Name", "Club", "Certification", "Cert #", "Expiration", "CEUs earned", "CPR/AED exp"],
    ["Ana Silva", "Downtown", "NASM-CPT", "000123", "2026-07-31", "1.7", "2026-12-01"],
    [HYPER, "Downtown", "ISSA", "", "2027-03-31", "12 hrs", "2027-01-01"],
    ["+Plus One", "Riverside", "ACE PT", "", "2026-04-30", "", "2027-01-01"],
    ["@cmd", "Riverside", "NCSF CPT", "", "2026-09-30", "20 hrs", "2027-01-01"],
    ["-2+3", "=1+2", "NASM", "-77", "2025-01-01", "", ""],
    [HTML, "Northgate", "Zumba Instructor", "", "2027-01-01", "", ""],
    ["Zoë Brontë", "Northgate", "ISSA", "", "2027-03-31", "12 hrs", "2027-01-01"],
]
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")


@pytest.fixture(scope="module")
def st():
    return run({"roster.csv": csv_bytes(ROSTER)}, as_of=AS_OF, window=90)


@pytest.fixture(scope="module")
def rows(st) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(standings_csv(st))))


def _row(rows, trainer: str) -> dict[str, str]:
    return next(r for r in rows if r["trainer"] == trainer)


def test_csv_has_the_columns_and_one_row_per_certification(st, rows):
    text = standings_csv(st)
    assert text.splitlines()[0].split(",") == CSV_COLUMNS
    assert "\r\n" in text and len(rows) == len(st.standings)
    ana = _row(rows, "Ana Silva")
    assert (ana["credential"], ana["expires"], ana["status"], ana["number"]) == (
        "nasm_cpt",
        "2026-07-31",
        "at_risk",
        "000123",
    )
    assert (ana["required"], ana["earned"], ana["remaining"], ana["days_left"]) == ("2.0", "1.7", "0.3", "60")
    assert ana["cpr_current"] == "yes" and ana["cpr_expires"] == "2026-12-01"


def test_formula_looking_text_is_neutralised_and_numbers_are_not(rows):
    for r in rows:
        for col in ("trainer", "trainer_id", "club", "credential_name", "number", "reasons"):
            assert not r[col].startswith(FORMULA_START), (col, r[col])
    assert {"'" + HYPER, "'+Plus One", "'@cmd", "'-2+3", HTML} <= {r["trainer"] for r in rows}
    lapsed = _row(rows, "'-2+3")
    assert lapsed["club"] == "'=1+2" and lapsed["number"] == "'-77"  # certificate numbers are text
    assert lapsed["days_left"] == "-516" and int(lapsed["days_left"]) == -516  # a number, never prefixed
    assert lapsed["expires"] == "2025-01-01"
    grace = _row(rows, "'+Plus One")
    assert grace["days_left"] == "-32" and grace["status"] == "grace"
    assert _row(rows, "Zoë Brontë")["club"] == "Northgate"


@pytest.mark.parametrize("text", ["=1+2", "+1", "-1", "@SUM(A1)", "\tx", "\rx", "\nx", "\uff1dcmd"])
def test_neutralise_prefixes_every_formula_start(text):
    assert neutralise(text) == "'" + text


@pytest.mark.parametrize("value", [-32, -1.5, 0, 2.0, None, True, "Ana", "", "a=b", " =x"])
def test_neutralise_leaves_numbers_and_plain_text_alone(value):
    assert neutralise(value) is value


@given(hs.text())
def test_neutralised_text_never_starts_a_formula_and_keeps_the_original(text):
    out = neutralise(text)
    assert not out.startswith(FORMULA_START)
    assert out == text or out == "'" + text


def test_excel_bytes_carry_a_bom_so_accents_survive(st):
    data = excel_bytes(standings_csv(st))
    assert data.startswith(b"\xef\xbb\xbf") and "Zoë Brontë".encode() in data


def test_missing_text_is_empty_in_csv_and_null_in_strict_json(st):
    s = st.standings.copy()
    s["club"] = s["club"].astype(object)
    s.loc[0, "club"] = float("nan")
    s.loc[1, "club"] = None
    odd = replace(st, standings=s)
    rows = list(csv.DictReader(io.StringIO(standings_csv(odd))))
    assert rows[0]["club"] == "" and rows[1]["club"] == ""
    doc = json.loads(to_json(odd), parse_constant=lambda c: pytest.fail(f"non-JSON constant {c}"))
    assert doc["standings"][0]["club"] is None and doc["standings"][1]["club"] is None


def test_json_keeps_input_text_literal_and_numbers_numeric(st):
    doc = json.loads(to_json(st))
    assert doc == to_json_dict(st) | {"counts": doc["counts"]}
    by = {s["trainer"]: s for s in doc["standings"]}
    assert HYPER in by and HTML in by and "-2+3" in by
    assert by["-2+3"]["days_left"] == -516 and by["-2+3"]["club"] == "=1+2"
    assert by["Ana Silva"]["remaining"] == 0.3 and by[HTML]["required"] is None
    assert all(not (isinstance(v, float) and math.isnan(v)) for s in doc["standings"] for v in s.values())


def test_json_of_names_with_slashes_quotes_and_control_characters_reads_back_exactly(st):
    s = st.standings.copy()
    odd_names = ["Ana/Bea", 'Jo "JJ" Lee', "tab\there", "line\u2028sep", "back\\slash", "ctl\x01"]
    s["trainer"] = s["trainer"].astype(object)
    s.loc[: len(odd_names) - 1, "trainer"] = odd_names
    doc = json.loads(to_json(replace(st, standings=s)))
    assert [r["trainer"] for r in doc["standings"][: len(odd_names)]] == odd_names


def test_json_of_an_empty_standing_is_a_complete_document(st):
    empty = replace(st, standings=st.standings.iloc[:0], trainers=st.trainers.iloc[:0])
    doc = json.loads(to_json(empty))
    assert doc["standings"] == [] and doc["trainers"] == [] and list(doc) == list(to_json_dict(st))


def test_json_keeps_absurdly_large_credit_totals_exact(st):
    s = st.standings.copy()
    s["earned"] = s["earned"].astype(float)
    s.loc[0, "earned"] = 1.2345678901234568e16
    s.loc[1, "earned"] = 9.999999999999998e16
    odd = replace(st, standings=s)
    doc = json.loads(to_json(odd))
    assert doc == to_json_dict(odd) | {"counts": doc["counts"]}
    assert doc["standings"][0]["earned"] == 1.2345678901234568e16


# One CSV writer for every CSV (issue 10, item 2): quote every field, neutralise every place a cell may start -----
@pytest.mark.parametrize(
    ("text", "written"),
    [
        ("Semi;=1+1;", "Semi;'=1+1;"),  # the probe's cell: a ";" locale splits it and runs =1+1
        ("a,=1+1", "a,'=1+1"),
        ("a|@SUM(1,1)", "a|'@SUM(1,1)"),
        ("x;+1", "x;'+1"),
        ("x;-1", "x;'-1"),
        ("x;  =1", "x;'  =1"),  # spaces a reader may trim
        ('x;"=1', "x;'\"=1"),  # a quote a reader may take as the field's own
        ('x; " =1', "x;' \" =1"),
        ("x;\uff1dcmd", "x;'\uff1dcmd"),  # full-width forms Excel reads as ASCII in some locales
        ("=1;=2,=3|=4", "'=1;'=2,'=3|'=4"),
        (" =x", "' =x"),  # the cell's own start, after spaces too
        ("@cmd", "'@cmd"),
        ("a\t=1", "a =1"),  # the tab becomes a space: no longer a place a cell starts
        ("x;\n=1", "x;' =1"),  # the line break becomes a space, after a separator
        ("a=b", "a=b"),
        ("1-2", "1-2"),
        ("a, b; c", "a, b; c"),
        ("x;'=1", "x;'=1"),
        ("", ""),
    ],
)
def test_csv_text_neutralises_every_place_a_cell_may_start(text, written):
    assert csv_text(text) == written


@pytest.mark.parametrize(
    ("text", "written"),
    [
        ("\x1b[2J\x1b[31mred", "\ufffd[2J\ufffd[31mred"),  # ESC: terminal escape sequences
        ("bell\x07", "bell\ufffd"),
        ("nul\x00", "nul\ufffd"),
        ("del\x7f", "del\ufffd"),
        ("csi\x9b31m", "csi\ufffd31m"),
        ("c1\x80\x85", "c1\ufffd "),  # C1, NEL is a line break
        ("\u202eevil\u202c", "\ufffdevil\ufffd"),
        ("\u2066iso\u2069", "\ufffdiso\ufffd"),  # bidi
        ("a\r\nb", "a b"),
        ("a\rb\nc\td\x0be\x0cf", "a b c d e f"),
        ("Zoë \u200dok\u00a0", "Zoë \u200dok\u00a0"),  # printable or joiner characters are text
    ],
)
def test_plain_text_replaces_control_and_bidi_characters(text, written):
    assert plain_text(text) == written


def test_multiline_text_keeps_line_breaks_and_neutralises_each_line_start():
    assert plain_text("Hi,\r\n\r\nbye\rnow\x1b", multiline=True) == "Hi,\n\nbye\nnow\ufffd"
    assert csv_text("Hi,\n=1+1\n  -2\nok;@x", multiline=True) == "Hi,\n'=1+1\n'  -2\nok;'@x"


def test_write_csv_quotes_every_field_and_keeps_numbers_numbers():
    text = write_csv(["name", "days", "credits", "flag", "none"], [["=1;=2", -32, 0.3, True, None]])
    header, line = text.split("\r\n")[:2]
    assert header == "name,days,credits,flag,none"
    assert line == '"\'=1;\'=2","-32","0.3","True",""'
    assert next(csv.reader(io.StringIO(line))) == ["'=1;'=2", "-32", "0.3", "True", ""]


def test_every_field_of_the_standings_csv_is_quoted(st):
    field = r'"(?:[^"]|"")*"'
    lines = standings_csv(st).split("\r\n")
    assert lines[-1] == "" and len(lines) == len(st.standings) + 2
    for line in lines[1:-1]:
        assert re.fullmatch(f"{field}(?:,{field})*", line), line
        assert len(next(csv.reader(io.StringIO(line)))) == len(CSV_COLUMNS)


def test_standings_csv_replaces_control_characters_in_every_text_cell(st):
    s = st.standings.copy()
    for col in ("trainer", "club", "credential_name", "number", "unit", "status"):
        s[col] = s[col].astype(object)
        s.loc[0, col] = "A\x1b[2J\x07\u202eB;=1"
    s.at[0, "reasons"] = ["r\x1b]0;title\x07", "\x9b=2"]
    text = standings_csv(replace(st, standings=s))
    assert not re.search("[\x00-\x09\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]", text)
    row = next(csv.DictReader(io.StringIO(text)))
    assert {row[c] for c in ("trainer", "club", "credential_name", "number", "unit", "status")} == {
        "A\ufffd[2J\ufffd\ufffdB;'=1"
    }
    assert row["reasons"] == "r\ufffd]0;title\ufffd; \ufffd=2"


def test_rejected_rows_csv_is_written_by_the_same_writer():
    roster = [
        ["Trainer Name", "Certification", "Expiration"],
        ["Ana Silva", "NASM-CPT", "2027-01-01"],
        ["Ben Ito", "ISSA", "Semi;=1+1;"],
        ["Cy \x1b[2J", "ACE PT", "\x07soon"],
    ]
    st = run({"roster.csv": csv_bytes(roster)})
    text = rejected_csv(st)
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == [c for c in REJECTED_CSV_COLUMNS if c != "Sheet"]  # a csv file has no sheets
    assert [r[1] for r in rows[1:]] == ["3", "4"] and all(r[0] == "roster.csv" for r in rows[1:])
    assert [r[2] for r in rows[1:]] == [
        "Ben Ito",
        "Cy \ufffd[2J",
    ]  # the trainer as written, controls replaced
    assert "Semi;'=1+1;" in rows[1][4] and "\x07" not in text and "\ufffdsoon" in rows[2][4]
    assert text.split("\r\n")[1].startswith('"roster.csv","3","Ben Ito","Expiration","')
    sheets = rejected_csv(run({"r.xlsx": xlsx_bytes({"Staff": roster[:3]})}))
    assert next(csv.reader(io.StringIO(sheets)))[:2] == ["File", "Sheet"]


def test_json_writes_control_and_bidi_characters_as_escapes_and_keeps_the_text(st):
    s = st.standings.copy()
    odd = "A\x1b[2J\x07\x7f\x9b\u202e\u2066\u2028B"
    s["trainer"] = s["trainer"].astype(object)
    s.loc[0, "trainer"] = odd
    for doc_text in (to_json(replace(st, standings=s)), _exact_json(replace(st, standings=s))):
        assert not re.search("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u2028\u2029]", doc_text)
        assert "\\u001b[2J\\u0007\\u007f\\u009b\\u202e\\u2066\\u2028B" in doc_text
        assert json.loads(doc_text)["standings"][0]["trainer"] == odd


def _exact_json(st) -> str:
    """The document through the exact path (taken for absurdly large credit totals)."""
    s = st.standings.copy()
    s["earned"] = s["earned"].astype(float)
    s.loc[len(s) - 1, "earned"] = 1e17
    return to_json(replace(st, standings=s))
