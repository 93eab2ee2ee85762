"""CSV safe to open in Excel (OWASP CSV injection), JSON that is strict JSON: read back and checked."""

from __future__ import annotations

import csv
import io
import json
import math
from dataclasses import replace
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as hs

from cpd.export import CSV_COLUMNS, excel_bytes, neutralise, standings_csv, to_json, to_json_dict
from tests.helpers import csv_bytes, run

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
    assert (ana["credential"], ana["expires"], ana["status"], ana["number"]) == ("nasm_cpt", "2026-07-31",
                                                                                 "at_risk", "000123")
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
