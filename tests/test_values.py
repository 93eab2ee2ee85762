"""Cell values as managers and their exports write them (inputs.md, standing.md rule 5): amounts that state
credits and hours, bodies inside amounts, words in training-matrix cells, "Last, First" names."""

from __future__ import annotations

import json
import pickle
from datetime import date

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cpd import Source, analyse
from cpd.catalogue import load_catalogue
from cpd.cli import table as cli_table
from cpd.export import to_json, to_json_dict
from cpd.ingest.assemble import first_last
from cpd.ingest.notes import WARNINGS_KEPT
from cpd.ingest.values import (
    EXPIRED,
    EXPIRY_DATE,
    NO_CELL,
    NOT_HELD,
    NOT_READ,
    NOT_YET,
    parse_amount_text,
    parse_amounts,
    parse_expiry_cells,
)
from cpd.model import NOTE_KINDS, WARNING_KINDS, Notice, warning_kind
from tests.helpers import csv_bytes, xlsx_bytes

CAT = load_catalogue()
AS_OF = date(2026, 6, 1)


# "Last, First" names -----------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("written", "shown"),
    [
        ("Silva, Ana", "Ana Silva"),
        ("Silva,Ana", "Ana Silva"),
        ("  Silva ,  Ana ", "Ana Silva"),
        ("de la Cruz, Juan", "Juan de la Cruz"),
        ("Gómez Pérez, Lucía", "Lucía Gómez Pérez"),
        ("O'Neil, Mary-Kate", "Mary-Kate O'Neil"),
        ("Smith, J.", "J. Smith"),
        ("Smith, John, Jr.", "John Smith Jr."),
        ("Ana Silva", "Ana Silva"),
    ],
)
def test_last_first_names_read_as_first_last(written, shown):
    assert first_last(written) == shown


@pytest.mark.parametrize(
    "written",
    [
        "Smith, Jr.",
        "Smith, III",
        "Ana Silva, CPT",
        "Ana Silva, PhD",
        "Acme Fitness, Inc.",
        "Peak Gym, LLC",
        "Fitness Co GmbH, Berlin",
        "Silva, ",
        ", Ana",
        "A, B, C",
        "Unit 4, Block 2",
        "Silva, Ana, Maria",
        '=HYPERLINK("http://x","y")',
        "<img src=x onerror=alert(1)>, a",
        "Silva, Ana (PT)",
    ],
)
def test_commas_that_are_not_last_first_keep_the_name_as_written(written):
    assert first_last(written) == written


def _trainers(names_ids: list[tuple[str, str]]) -> list[str]:
    """The trainers of a roster row (the first name and id) and a staff list (the others)."""
    roster = [["Trainer", "Staff ID", "Certification", "Expiration"]]
    roster += [[name, sid, "NASM CPT", "2027-01-31"] for name, sid in names_ids[:1]]
    staff = [["Employee", "Staff ID", "Club"]] + [[name, sid, "Downtown"] for name, sid in names_ids[1:]]
    st = analyse([Source("r.csv", csv_bytes(roster)), Source("s.csv", csv_bytes(staff))], as_of=AS_OF)
    return sorted(st.trainers["trainer"])


@pytest.mark.parametrize(
    ("rows", "trainers"),
    [
        # No ids: "Silva, Ana", "ana silva " and "Ana Silva" are one trainer, shown "First Last".
        ([("Ana Silva", ""), ("Silva, Ana", ""), ("ana silva ", "")], ["Ana Silva"]),
        ([("Silva, Ana", ""), ("Ana Silva", "")], ["Ana Silva"]),
        # Ids that agree: one trainer.
        ([("Ana Silva", "7"), ("Silva, Ana", "7")], ["Ana Silva"]),
        # Ids that differ: two people who share a name.
        ([("Ana Silva", "7"), ("Silva, Ana", "8")], ["Ana Silva", "Ana Silva"]),
        # A suffix is not a first name: "Smith, Jr." is not "Jr. Smith".
        ([("John Smith", ""), ("Smith, Jr.", "")], ["John Smith", "Smith, Jr."]),
    ],
)
def test_last_first_names_match_the_same_trainer_when_ids_agree_or_are_absent(rows, trainers):
    assert _trainers(rows) == trainers


# Amounts (standing.md rule 5) --------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "value", "kind", "bodies", "both"),
    [
        ("1.0 CEU (10 contact hours)", 10.0, "hours", (), True),
        ("0.5 CEUs / 5 hrs", 5.0, "hours", (), True),
        ("2 CEC (6 hours)", 6.0, "hours", (), True),
        ("10 hours (1.0 CEU)", 10.0, "hours", (), True),
        ("1.0 CEU = 10 hrs", 10.0, "hours", (), True),
        ("1,0 UEC (10 heures)", 10.0, "hours", (), True),
        ("0,5 créditos (5 horas)", 5.0, "hours", (), True),
        ("5 hrs (0.5 NASM CEUs)", 5.0, "hours", ("NASM",), True),
        ("0.5 NASM CEUs", 0.5, "units", ("NASM",), False),
        ("NASM: 0.5 CEU", 0.5, "units", ("NASM",), False),
        ("0.5 CEU for ACE", 0.5, "units", ("ACE",), False),
        ("2 American Council on Exercise CECs", 2.0, "units", ("ACE",), False),
        ("0.5 NASM CEUs / 0.5 ACE CECs", 0.5, "units", ("NASM", "ACE"), False),
        ("1.0 IACET CEU", 1.0, "units", (), False),
        ("12 hrs", 12.0, "hours", (), False),
        ("12,5 h", 12.5, "hours", (), False),
        ("1.5 CEU", 1.5, "units", (), False),
        ("0,5", 0.5, None, (), False),
        ("1.234,5 hrs", 1234.5, "hours", (), False),
    ],
)
def test_amount_cells_are_read_as_their_hours_and_name_their_body(text, value, kind, bodies, both):
    a = parse_amount_text(text, CAT)
    assert (a.value, a.kind, a.bodies, a.both, a.why) == (pytest.approx(value), kind, bodies, both, "")


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("3 bananas", "unit 'bananas' is not one Recert knows"),
        ("lots", "'lots' is not a number"),
        ("-1", "negative"),
        ("0.5 NASM CEU / 2 ISSA CEU", "2 different amounts and no hours"),
        ("10 hours (12 hours)", "states 10 hours and 12 hours"),
        ("2 CEU (6 ponies)", "unit 'ponies' is not one Recert knows"),
    ],
)
def test_amount_cells_that_cannot_be_read_say_why(text, why):
    a = parse_amount_text(text, CAT)
    assert np.isnan(a.value) and why in a.why


def test_without_a_catalogue_a_body_inside_the_amount_is_an_unknown_unit():
    assert "not one Recert knows" in parse_amount_text("0.5 NASM CEUs").why


_HOURS = st.sampled_from(["hours", "hrs", "h", "contact hours", "clock hours", "Hours", "heures", "horas"])
_CREDITS = st.sampled_from(["CEU", "CEUs", "CEC", "credits", "IACET CEU", "NASM CEUs", "UEC", "points"])
_NUMBER = st.decimals(0, 500, places=2, allow_nan=False, allow_infinity=False)


@settings(deadline=None, max_examples=200)
@given(
    credits=_NUMBER,
    hours=_NUMBER,
    cu=_CREDITS,
    hu=_HOURS,
    comma=st.booleans(),
    hours_first=st.booleans(),
    sep=st.sampled_from([" ({} {})", " / {} {}", ", {} {}", " = {} {}", " - {} {}", " [{} {}]", "({} {})"]),
)
def test_an_amount_that_states_hours_is_read_as_those_hours(credits, hours, cu, hu, comma, hours_first, sep):
    def num(x):
        return str(x).replace(".", ",") if comma else str(x)

    first, second = (
        ((num(hours), hu), (num(credits), cu)) if hours_first else ((num(credits), cu), (num(hours), hu))
    )
    text = f"{first[0]} {first[1]}" + sep.format(*second)
    a = parse_amount_text(text, CAT)
    assert (a.kind, a.why) == ("hours", "") and a.value == pytest.approx(float(hours)), text


@settings(deadline=None, max_examples=300)
@given(
    text=st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=40)
    | st.from_regex(
        r"[ -~]{0,6}\d{1,3}([.,]\d{1,2})?[ a-zA-Z()/=,;-]{0,20}(\d{1,3}[ a-z]{0,8})?", fullmatch=True
    )
)
def test_amount_parsing_never_raises_and_never_gives_a_negative_or_an_infinite_amount(text):
    a = parse_amount_text(text, CAT)
    assert (np.isnan(a.value) and a.why) or (0 <= a.value < float("inf") and not a.why)
    column = parse_amounts(pd.Series([text, text], dtype=object), CAT)
    assert not (column.values < 0).any()


def _standing(files: dict[str, list[list[object]]]):
    return analyse([Source(n, csv_bytes(rows)) for n, rows in files.items()], as_of=AS_OF)


_ROSTER = [
    ["Trainer", "Certification", "Expiration", "CPR/AED exp"],
    ["Nina Patel", "NASM CPT", "2027-02-28", "2027-06-30"],
    ["Nina Patel", "ISSA CPT", "2027-02-28", "2027-06-30"],
]


def _earned(st, credential: str) -> float:
    return float(st.standings.set_index("credential").loc[credential, "earned"])


@pytest.mark.parametrize(
    ("header", "cells", "nasm", "issa"),
    [
        # A credits column beside a contact-hours column: the hours win where given (10 + 5 h).
        (["Credits (CEU)", "Contact hours"], [["1.0", "10"], ["0.5", "5"]], 1.5, 15.0),
        # Hours missing on a row: that row's credits stand (named for NASM), the other row's hours count.
        (["Credits (CEU)", "Contact hours"], [["0.5 NASM CEU", ""], ["0.2", "2"]], 0.7, 2.0),
        # A bad credits cell beside good hours is no loss.
        (["CEUs", "Clock hours"], [["-", "10"], ["n/a", "5"]], 1.5, 15.0),
    ],
)
def test_a_ce_log_with_credits_and_hours_columns_is_read_as_hours(header, cells, nasm, issa):
    log = [["Trainer", "Date", "Course", *header]] + [["Nina Patel", "2026-01-10", "c", *c] for c in cells]
    st = _standing({"roster.csv": _ROSTER, "log.csv": log})
    assert st.counts["rejected"] == 0
    assert (_earned(st, "nasm_cpt"), _earned(st, "issa_cpt")) == (pytest.approx(nasm), pytest.approx(issa))
    mapping = next(m for m in st.mappings if m.file == "log.csv")
    assert mapping.columns[header[1]] == "amount" and header[1] not in mapping.ignored


@pytest.mark.parametrize(
    ("amount", "approved", "nasm", "issa", "rejected"),
    [
        ("0.5 NASM CEUs", "", 0.5, 0.0, ""),
        ("0.5 NASM CEUs", "NASM; ISSA", 0.5, 0.0, ""),  # the amount narrows the approval to NASM
        ("5 hrs (0.5 NASM CEUs)", "", 0.5, 0.0, ""),  # hours, for NASM only
        ("1.0 CEU (10 contact hours)", "NASM; ISSA", 1.0, 10.0, ""),
        ("0.5 NASM CEUs", "ISSA", 0.0, 0.0, "the amount names NASM but the body column says 'ISSA'"),
    ],
)
def test_a_body_named_inside_the_amount_names_the_body(amount, approved, nasm, issa, rejected):
    log = [
        ["Trainer", "Date", "Course", "Amount", "Approved for"],
        ["Nina Patel", "2026-01-10", "c", amount, approved],
    ]
    st = _standing({"roster.csv": _ROSTER, "log.csv": log})
    reasons = st.rejected["reason"].tolist()
    assert [rejected in r for r in reasons] == ([True] if rejected else [])
    assert (_earned(st, "nasm_cpt"), _earned(st, "issa_cpt")) == (pytest.approx(nasm), pytest.approx(issa))


def test_a_unit_column_does_not_contradict_a_cell_that_states_credits_and_hours():
    log = [
        ["Trainer", "Date", "Amount", "Unit", "Approved for"],
        ["Nina Patel", "2026-01-10", "1 CEU (10 hours)", "CEU", "ISSA"],
    ]
    st = _standing({"roster.csv": _ROSTER, "log.csv": log})
    assert st.counts["rejected"] == 0 and _earned(st, "issa_cpt") == pytest.approx(10.0)


@pytest.mark.parametrize(
    ("credits", "earned", "rejected"),
    [
        ("1.0 CEU (10 contact hours)", 1.0, False),  # 10 h = 1 NASM CEU
        ("0.5 NASM CEUs", 0.5, False),
        ("0.5 ACE CECs", None, True),  # ACE credits on a NASM row: which is it?
    ],
)
def test_a_flat_roster_amount_is_read_as_hours_and_checked_against_the_row_body(credits, earned, rejected):
    st = _standing(
        {
            "r.csv": [
                ["Trainer", "Certification", "Expiration", "CEUs earned"],
                ["Ana Silva", "NASM CPT", "2027-01-31", credits],
            ]
        }
    )
    assert st.counts["rejected"] == int(rejected)
    if rejected:
        assert "ACE credits but the certification is NASM's" in st.rejected["reason"].iloc[0]
    else:
        assert _earned(st, "nasm_cpt") == pytest.approx(earned)


# Training-matrix cells (inputs.md) ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("cell", "state", "expires"),
    [
        ("Exp 03/2027", EXPIRY_DATE, "2027-03-31"),  # month and year: valid through the end of that month
        ("exp. 3/27", EXPIRY_DATE, "2027-03-31"),
        ("Expires: 2027-05-31", EXPIRY_DATE, "2027-05-31"),
        ("valid to 31/03/2027", EXPIRY_DATE, "2027-03-31"),
        ("Valid until 15-Mar-27", EXPIRY_DATE, "2027-03-15"),
        ("vence 30/11/2026", EXPIRY_DATE, "2026-11-30"),
        ("valide jusqu'au 30/11/2026", EXPIRY_DATE, "2026-11-30"),
        ("Mar 2027", EXPIRY_DATE, "2027-03-31"),
        ("expired", EXPIRED, None),
        ("Expired!", EXPIRED, None),
        ("lapsed", EXPIRED, None),
        ("vencido", EXPIRED, None),
        ("N/A", NOT_HELD, None),
        ("n/a", NOT_HELD, None),
        ("-", NOT_HELD, None),
        ("—", NOT_HELD, None),
        ("none", NOT_HELD, None),
        ("no", NOT_HELD, None),
        ("NA", NOT_HELD, None),
        ("not held", NOT_HELD, None),
        ("pending", NOT_YET, None),
        ("Booked", NOT_YET, None),
        ("in progress", NOT_YET, None),
        ("booked for 12 June", NOT_YET, None),
        ("en cours", NOT_YET, None),
        ("pendiente", NOT_YET, None),
        ("new starter", NOT_READ, None),
        ("yes", NOT_READ, None),
        ("3/27", NOT_READ, None),
        ("", NO_CELL, None),
        (None, NO_CELL, None),
    ],
)
def test_matrix_cells_with_words_say_what_they_mean(cell, state, expires):
    parsed = parse_expiry_cells(pd.Series([cell], dtype=object))
    assert parsed.state.iloc[0] == state
    assert parsed.bad.iloc[0] == (state == NOT_READ)
    got = parsed.values.iloc[0]
    assert (None if pd.isna(got) else got.strftime("%Y-%m-%d")) == expires


def test_words_around_matrix_dates_share_the_column_date_order():
    parsed = parse_expiry_cells(pd.Series(["valid to 31/03/2027", "Exp 04/05/2027", "-"], dtype=object))
    assert parsed.order == "dmy"
    assert parsed.values.iloc[1] == pd.Timestamp("2027-05-04")


def _matrix(rows: list[list[object]], as_of: date = AS_OF):
    header = ["Name", "Club", "NASM CPT", "ACE GFI", "Zumba Instructor", "CPR/AED", "Notes"]
    return analyse([Source("m.csv", csv_bytes([header, *rows]))], as_of=as_of)


def test_a_matrix_with_words_in_its_cells_reads_every_column_and_warns_about_none_of_the_words():
    st = _matrix(
        [
            ["Ana Silva", "East", "2026-08-20", "N/A", "Exp 03/2027", "valid to 31/03/2027", ""],
            ["Ben Ortiz", "East", "expired", "exp. 3/27", "", "-", ""],
            ["Eva Novak", "East", "n/a", "2026-03-15", "none", "no", ""],
        ]
    )
    got = {
        (r.trainer, r.credential): (r.status, None if pd.isna(r.expires) else r.expires.strftime("%Y-%m-%d"))
        for r in st.standings.itertuples()
    }
    assert got == {
        ("Ana Silva", "nasm_cpt"): ("at_risk", "2026-08-20"),
        ("Ana Silva", "Zumba Instructor"): ("on_track", "2027-03-31"),
        ("Ben Ortiz", "nasm_cpt"): ("expired", None),
        ("Ben Ortiz", "ace_gfi"): ("on_track", "2027-03-31"),
        ("Eva Novak", "ace_gfi"): ("grace", "2026-03-15"),
    }
    assert st.counts == {"rows_read": 3, "accepted": 3, "rejected": 0, "blank": 0}
    assert st.warnings == ()  # no word is warned about; the empty Notes column is not in use
    cards = st.cpr_cards.set_index("trainer")["expires"]
    assert list(cards.index) == ["Ana Silva"] and cards.iloc[0] == pd.Timestamp("2027-03-31")


@pytest.mark.parametrize("as_of", [date(2020, 1, 1), AS_OF, date(2199, 1, 1)])
def test_expired_with_no_date_is_expired_at_any_as_of_with_that_reason_and_no_made_up_date(as_of):
    st = _matrix([["Ben Ortiz", "East", "expired", "", "", "", ""]], as_of=as_of)
    [row] = st.standings.itertuples()
    assert (row.status, pd.isna(row.expires), pd.isna(row.days_left)) == ("expired", True, True)
    assert any("gives no date" in r for r in row.reasons)
    trainer = st.trainers.iloc[0]
    assert (trainer["compliant"], trainer["status"]) == (False, "expired")
    doc = to_json_dict(st)
    assert (doc["standings"][0]["expires"], doc["standings"][0]["days_left"]) == (None, None)
    assert "no date" in cli_table(st)


def test_not_held_yet_cells_give_one_note_per_trainer_and_no_certification():
    st = _matrix(
        [
            ["Chloe Martin", "East", "pending", "booked", "in progress", "none", "new starter"],
            ["Dev Rao", "East", "2027-01-31", "in progress", "2027-02-28", "2027-01-31", ""],
        ]
    )
    notes = [w for w in st.warnings if "yet" in w]
    assert len(notes) == 2
    assert (
        "Chloe Martin does not hold NASM CPT (pending), ACE GFI (booked) and Zumba Instructor (in progress)"
        in notes[0]
        and "row 2" in notes[0]
    )
    assert "Dev Rao does not hold ACE GFI (in progress) yet" in notes[1]
    assert dict(zip(st.trainers["trainer"], st.trainers["status"], strict=True))["Chloe Martin"] == "missing"
    assert sorted(st.standings["credential"]) == ["Zumba Instructor", "nasm_cpt"]


def test_a_matrix_column_is_never_dropped_for_its_words_and_an_unused_one_is_listed_with_the_reason():
    st = _matrix(
        [
            ["Ana Silva", "East", "2027-01-31", "", "Exp 03/2027", "", "new starter"],
            ["Ben Ortiz", "East", "2027-01-31", "", "pending", "", "moved from West"],
            ["Eva Novak", "East", "2027-01-31", "", "N/A", "", ""],
        ]
    )
    assert "Zumba Instructor" in set(st.standings["credential"])
    [line] = [w for w in st.warnings if "not read as a certification" in w]
    assert "'Notes' (its values are not expiry dates, e.g. 'new starter')" in line


def test_many_not_held_yet_trainers_give_five_notes_and_a_count():
    st = _matrix([[f"T{i} Person", "East", "booked", "", "", "", ""] for i in range(40)])
    notes = [w for w in st.warnings if "yet" in w or "more like" in w]
    assert len(notes) == 6 and "35 more like these" in notes[-1]


# Kinds of notes and warnings: pages act on these, never on the wording --------------------------------------
_ROSTER_ROWS = [
    ["Trainer", "Certification", "Expiration", "CPR/AED exp"],
    ["Ana Silva", "NASM CPT", "2027-01-31", "2027-06-30"],
]


def test_every_sheet_that_was_not_read_says_why_by_its_note_kind():
    book = xlsx_bytes(
        {
            "Roster": _ROSTER_ROWS,
            "Blank": [],
            "Old": _ROSTER_ROWS,
            "Colours": [["Colour", "Shade"], ["red", "dark"]],
        },
        hidden=("Old",),
    )
    st = analyse(
        [Source("club.xlsx", book), Source("copy of club.xlsx", book), Source("empty.csv", b"\r\n,,\r\n")],
        as_of=AS_OF,
        on_error="collect",
    )
    kinds = {(m.file, m.sheet): m.note_kind for m in st.mappings}
    assert kinds == {
        ("club.xlsx", "Roster"): "",
        ("club.xlsx", "Blank"): "empty",
        ("club.xlsx", "Old"): "hidden",
        ("club.xlsx", "Colours"): "no_header",
        ("copy of club.xlsx", ""): "copy",
        ("empty.csv", ""): "empty",
    }
    assert set(kinds.values()) <= set(NOTE_KINDS)


def test_a_file_of_empty_sheets_is_refused_as_holding_no_data():
    st = analyse([Source("e.xlsx", xlsx_bytes({"A": [], "B": []}))], as_of=AS_OF, on_error="collect")
    assert st.unreadable == ("the file holds no data: export the sheet again with its rows and upload it.",)


def _kinds(st) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for w in st.warnings:
        out.setdefault(warning_kind(w), []).append(w)
    return out


def test_warnings_carry_the_kind_of_what_they_are_about():
    roster = [
        ["Trainer", "Certification", "Expiration", "CPR/AED exp"],
        ["Ana Silva", "NASM CPT", "03/04/2027", "03/05/2027"],
        ["Ana Silva", "NASM CPT", "03/04/2027", ""],
        ["Ben Ortiz", "ACE CPT", "04/05/2027", ""],
    ]
    log = [["Trainer", "Date", "Hours"], ["Ana Silva", "2026-01-10", "5"], ["Ana Silva", "2026-07-10", "5"]]
    matrix = [
        ["Name", "NASM CPT", "ACE GFI", "Notes"],
        ["Cara Lind", "soon", "pending", "new"],
        ["Dev Rao", "2027-01-31", "2027-01-31", "x"],
    ]
    book = xlsx_bytes(
        {"Roster": roster, "Hidden": roster, "Colours": [["Colour", "Shade"], ["red", "dark"]]},
        hidden=("Hidden",),
        hidden_rows={"Roster": (3,)},
    )
    st = analyse(
        [
            Source("club.xlsx", book),
            Source("again.xlsx", book),
            Source("log.csv", csv_bytes(log)),
            Source("log copy.csv", csv_bytes(log + [["Ben Ortiz", "2026-01-11", "1"]])),
            Source("matrix.csv", csv_bytes(matrix)),
        ],
        as_of=AS_OF,
    )
    kinds = _kinds(st)
    assert all(isinstance(w, Notice) for w in st.warnings), [
        w for w in st.warnings if not isinstance(w, Notice)
    ]
    expect = {
        "copy": "is the same file as",
        "hidden": "hidden",
        "sheet": "no recognisable header",
        "date_order": "could be read either way",
        "listed_twice": "listed 2 times",
        "repeated": "repeat",
        "future": "dated after as-of",
        "not_yet": "does not hold ACE GFI (pending)",
        "cells": "'soon' is not an expiry date",
        "columns": "'Notes'",
    }
    for kind, phrase in expect.items():
        assert any(phrase in w for w in kinds.get(kind, [])), (kind, kinds)
    assert set(kinds) <= set(WARNING_KINDS)


def test_the_warnings_left_out_are_counted_in_a_line_of_their_own_kind():
    rows = [["Trainer", "Certification", "Expiration"]]  # each file: dates that read either way, one warning
    files = [Source(f"r{i}.csv", csv_bytes(rows + [[f"T{i} P", "NASM", "03/04/2027"]])) for i in range(220)]
    st = analyse(files, as_of=AS_OF)
    assert len(st.warnings) == WARNINGS_KEPT and warning_kind(st.warnings[-1]) == "more"
    assert {warning_kind(w) for w in st.warnings[:-1]} == {"date_order"}


def test_the_json_warnings_stay_strings_and_their_kinds_come_alongside():
    st = _matrix([["Chloe Martin", "East", "pending", "", "", "", ""]])
    doc = to_json_dict(st)
    assert all(type(w) is str for w in doc["warnings"])
    assert doc["warning_kinds"] == [warning_kind(w) for w in st.warnings] == ["not_yet"]
    assert json.loads(to_json(st))["warning_kinds"] == ["not_yet"]
    assert [f["note_kind"] for f in doc["files"]] == [""]


def test_a_notice_is_its_sentence_and_cannot_be_changed():
    n = Notice("hidden", "Sheet 'Old' is hidden")
    assert n == "Sheet 'Old' is hidden" and "Old" in n and n.kind == "hidden"
    assert pickle.loads(pickle.dumps(n)).kind == "hidden"
    with pytest.raises(AttributeError):
        n.kind = "other"  # type: ignore[misc]
    with pytest.raises(ValueError):
        Notice("oops", "x")
