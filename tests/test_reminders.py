"""Reminder drafts: who needs to act, what and by when (unit and hours), a mailto link, a mail-merge CSV."""

from __future__ import annotations

import csv
import io
import re
from datetime import date
from urllib.parse import parse_qs, quote, unquote, urlsplit

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as hs

from cpd.reminders import DRAFT_COLUMNS, _quote, drafts, drafts_csv, first_name, mailto, valid_email
from tests import golden
from tests.helpers import csv_bytes, run

AS_OF = date(2026, 6, 1)
HYPER = '=HYPERLINK("http://x","y")'
ROSTER = [
    ["Trainer Name", "Club", "Certification", "Cert #", "Expiration", "CEUs earned", "CPR/AED exp", "Email"],
    ["Ana Silva", "Downtown", "NASM-CPT", "000123", "2026-07-31", "1.7", "2026-12-01", "ana@example.com"],
    [HYPER, "Downtown", "ISSA", "", "2027-03-31", "12 hrs", "2027-01-01", "hyper@example.com"],
    [
        "+Plus One",
        "Riverside",
        "ACE PT",
        "",
        "2026-04-30",
        "",
        "2027-01-01",
        "plus@example.com?bcc=x@evil.test",
    ],
    ["@cmd", "Riverside", "NCSF CPT", "", "2026-09-30", "20 hrs", "2027-01-01", "not an email"],
    ["-2+3", "=1+2", "NASM", "-77", "2025-01-01", "", "", ""],
    ["Ben Ito", "Northgate", "NASM", "555", "2027-05-01", "0.2", "2026-05-01", "ben@example.com"],
]


@pytest.fixture(scope="module")
def st():
    return run({"roster.csv": csv_bytes(ROSTER)}, as_of=AS_OF, window=90)


@pytest.fixture(scope="module")
def d(st) -> pd.DataFrame:
    return drafts(st)


def _by(d: pd.DataFrame, trainer: str) -> pd.Series:
    return d.set_index("trainer").loc[trainer]


def test_one_draft_per_trainer_who_needs_to_act_earliest_deadline_first(d):
    assert list(d.columns) == DRAFT_COLUMNS
    # expired, grace, CPR/AED expired (today) first; then Ana's renewal on 31 Jul. Met and on-track: no draft.
    assert set(d["trainer"]) == {"-2+3", "+Plus One", "Ben Ito", "Ana Silva"}
    assert d["trainer"].iloc[-1] == "Ana Silva"
    assert d["deadline"].is_monotonic_increasing and pd.api.types.is_datetime64_any_dtype(d["deadline"])
    assert _by(d, "Ana Silva")["deadline"] == pd.Timestamp("2026-07-31")
    assert _by(d, "Ben Ito")["deadline"] == pd.Timestamp(AS_OF)


def test_the_message_says_what_is_missing_in_units_and_hours_and_by_when(d):
    ana = _by(d, "Ana Silva")
    assert ana["body"].startswith("Hi Ana,\n")
    assert "NASM-CPT: expires on 31 Jul 2026 (in 60 days)" in ana["body"]
    assert "0.3 CEUs (3 hours)" in ana["body"] and "you have 1.7 of 2 CEUs" in ana["body"]
    assert ana["subject"] == "Your certifications: action needed by 31 Jul 2026"
    assert ana["email"] == "ana@example.com" and ana["club"] == "Downtown"
    ben = _by(d, "Ben Ito")["body"]
    assert "behind pace" in ben and "1.8 CEUs (18 hours)" in ben
    assert "CPR/AED: your card expired on 1 May 2026" in ben
    assert _by(d, "Ben Ito")["subject"] == "Your certifications: action needed now"
    plus = _by(d, "+Plus One")["body"]
    assert "lapsed on 30 Apr 2026" in plus and "late fee" in plus
    assert "re-certifying" in _by(d, "-2+3")["body"]


def test_mailto_links_percent_encode_everything_and_refuse_injected_headers(d):
    ana = _by(d, "Ana Silva")
    link = urlsplit(ana["mailto"])
    assert link.scheme == "mailto" and unquote(link.path) == "ana@example.com"
    q = parse_qs(link.query)
    assert q["subject"] == [ana["subject"]] and set(q) == {"subject", "body"}
    assert q["body"] == [ana["body"].replace("\n", "\r\n")]  # RFC 6068: line breaks as CRLF
    assert " " not in ana["mailto"] and "\n" not in ana["mailto"]
    plus = _by(d, "+Plus One")
    assert plus["email"] == "" and plus["mailto"].startswith("mailto:?subject=")  # "?bcc=" is not an address
    assert valid_email("not an email") == "" and valid_email(" ana@example.com ") == "ana@example.com"
    assert mailto("a@b.co", "S&b=1", "x") == "mailto:a@b.co?subject=S%26b%3D1&body=x"


def test_mail_merge_csv_is_neutralised(st, d):
    rows = list(csv.DictReader(io.StringIO(drafts_csv(st))))
    assert list(rows[0]) == DRAFT_COLUMNS and len(rows) == len(d)
    names = {r["trainer"] for r in rows}
    assert {"'-2+3", "'+Plus One", "Ben Ito", "Ana Silva"} == names
    assert {r["club"] for r in rows} >= {"'=1+2"}
    ana = next(r for r in rows if r["trainer"] == "Ana Silva")
    # The body as drafted, its "- " bullets written as "• " (a line start may become a cell: no stray quotes).
    assert ana["deadline"] == "2026-07-31" and ana["body"] == _by(d, "Ana Silva")["body"].replace(
        "\n- ", "\n• "
    )
    assert "\n• NASM-CPT: expires on 31 Jul 2026" in ana["body"]


def test_mail_merge_csv_neutralises_every_line_of_the_body_and_the_sign_off(st):
    text = drafts_csv(st, sign_off="=1+1;=2+2\x1b[2J")
    rows = list(csv.DictReader(io.StringIO(text)))
    for r in rows:
        assert r["body"].endswith("Thanks!\n'=1+1;'=2+2[2J")  # drafts() drops the ESC itself
        for line in r["body"].split("\n"):
            for piece in re.split("[,;\t|]", line):
                assert not piece.lstrip(' "').startswith(("=", "+", "-", "@")), (line, piece)
    assert "\x1b" not in text and len(rows) == 4


def test_sign_off_and_greetings():
    assert first_name("Silva, Ana") == "Ana" and first_name("Ana Silva") == "Ana" and first_name("  ") == ""
    assert first_name(HYPER) == HYPER  # a comma inside is not "Last, First"
    st = run({"roster.csv": csv_bytes(ROSTER)}, as_of=AS_OF)
    body = drafts(st, sign_off="Maria, Downtown manager").set_index("trainer").loc["Ana Silva", "body"]
    assert body.endswith("Thanks!\nMaria, Downtown manager")


def test_nobody_to_remind():
    st = run({"roster.csv": csv_bytes(ROSTER[:1] + [ROSTER[2]])}, as_of=AS_OF)
    assert drafts(st).empty and list(drafts(st).columns) == DRAFT_COLUMNS
    assert drafts_csv(st).splitlines() == [",".join(DRAFT_COLUMNS)]


def test_every_sample_trainer_who_must_act_gets_a_draft(sample_standing):
    d = drafts(sample_standing)
    t = sample_standing.trainers
    must = set(t.loc[t["status"].isin(["expired", "grace", "at_risk", "behind", "missing"]), "trainer"])
    assert must <= set(d["trainer"])
    assert d["email"].str.endswith("@example.com").all()
    assert all(
        link.startswith(f"mailto:{e}?subject=") for e, link in zip(d["email"], d["mailto"], strict=True)
    )


# ---- Same output as before the chain-size speed-up (tests/data/golden/, written by the code as it was) ----


@pytest.mark.parametrize(
    ("case", "sign_off", "dtypes", "frame", "merge"),
    golden.drafts(),
    ids=[f"{c}-{i}" for i, (c, *_) in enumerate(golden.drafts())],
)
def test_drafts_and_csv_are_the_old_output_byte_for_byte(case, sign_off, dtypes, frame, merge):
    """The sample and a hostile roster with hostile sign-offs, a 300-trainer chain, 24 generated rosters."""
    st = golden.standing(case)
    got = drafts(st, sign_off=sign_off)
    assert {c: str(t) for c, t in got.dtypes.items()} == dtypes
    assert got.to_csv().encode() == golden.read(frame)
    assert drafts_csv(st, sign_off=sign_off).encode() == golden.read(merge)


@settings(max_examples=300, deadline=None)
@given(hs.text(hs.characters(exclude_categories=["Cs"]), max_size=60), hs.sampled_from(["", "@"]))
def test_fast_percent_encoding_is_urllib_quote(text, safe):
    assert _quote(text, safe) == quote(text, safe=safe)


def test_fast_percent_encoding_refuses_lone_surrogates_like_urllib():
    with pytest.raises(UnicodeEncodeError):
        quote("a\ud800", safe="")
    with pytest.raises(UnicodeEncodeError):
        _quote("a\ud800", "")
