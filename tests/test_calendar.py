"""The deadlines calendar, read back with icalendar: all-day events, alarms, stable UIDs, text that stays text."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pandas as pd
import pytest
from icalendar import Calendar

from cpd.calendar import event_uid, write_calendar
from cpd.fmt import clean
from cpd.wording import credits_needed
from tests.helpers import cli, csv_bytes, run

AS_OF = date(2026, 6, 1)
WHEN = datetime(2026, 6, 1, 8, 30, tzinfo=UTC)
HYPER = '=HYPERLINK("http://x","y")'
ODD = 'Semi; Colon, "Quote" \\ back'
HEAD = ["Trainer Name", "Club", "Certification", "Cert #", "Expiration", "CEUs earned", "CPR/AED exp"]
ROSTER = [
    HEAD,
    ["Ana Silva", "Downtown", "NASM-CPT", "000123", "2026-07-31", "1.7", "2026-12-01"],
    [HYPER, "Downtown", "ISSA", "", "2027-03-31", "12 hrs", "2027-01-01"],
    ["+Plus One", "Riverside", "ACE PT", "", "2026-04-30", "", "2027-01-01"],  # lapsed: no event
    [ODD, "Club <b>1</b>", "NCSF CPT", "", "2026-09-30", "20 hrs", "2027-01-01"],
    ["Ben Ito", "Northgate", "NASM", "555", "2027-05-01", "0.2", "2026-05-01"],  # card expired: no card event
    ["Zed Zumba", "Northgate", "Zumba Instructor", "", "2027-01-01", "", ""],
]


def _standing(rows=ROSTER):
    return run({"roster.csv": csv_bytes(rows)}, as_of=AS_OF, window=90)


@pytest.fixture(scope="module")
def st():
    return _standing()


@pytest.fixture(scope="module")
def ics(st) -> bytes:
    return write_calendar(st, generated_at=WHEN)


def _events(data: bytes) -> dict[str, object]:
    cal = Calendar.from_ical(data)
    return {str(e["SUMMARY"]): e for e in cal.walk("VEVENT")}


def test_one_all_day_event_per_certification_and_card_after_as_of(ics):
    events = _events(ics)
    assert sorted(events) == sorted(
        [
            "Ana Silva: NASM-CPT expires",
            f"{HYPER}: ISSA expires",
            f"{ODD}: NCSF CPT expires",
            "Ben Ito: NASM expires",
            "Zed Zumba: Zumba Instructor expires",
            "Ana Silva: CPR/AED card expires",
            f"{HYPER}: CPR/AED card expires",
            "+Plus One: CPR/AED card expires",
            f"{ODD}: CPR/AED card expires",
        ]
    )
    for e in events.values():
        start, end = e.decoded("DTSTART"), e.decoded("DTEND")
        assert type(start) is date and end - start == timedelta(days=1)  # all-day: DATE values, not times
        assert start >= AS_OF
        assert e.decoded("DTSTAMP") == WHEN
        assert str(e["TRANSP"]) == "TRANSPARENT"
    assert events["Ana Silva: NASM-CPT expires"].decoded("DTSTART") == date(2026, 7, 31)
    assert events["Ana Silva: CPR/AED card expires"].decoded("DTSTART") == date(2026, 12, 1)


def test_the_description_says_what_is_still_needed(ics):
    events = _events(ics)
    ana = str(events["Ana Silva: NASM-CPT expires"]["DESCRIPTION"])
    assert "Still needed: 0.3 CEUs (3 hours); 1.7 of 2 CEUs earned." in ana
    assert "Status on 1 Jun 2026: At risk." in ana and "certificate 000123" in ana
    assert "CPR/AED: current until 1 Dec 2026." in ana
    assert "- expires in 60 days (31 Jul 2026)" in ana
    ben = str(events["Ben Ito: NASM expires"]["DESCRIPTION"])
    assert "CPR/AED: expired on 1 May 2026 (required)." in ben and "behind pace" in ben
    card = str(events["Ana Silva: CPR/AED card expires"]["DESCRIPTION"])
    assert "Required for: NASM-CPT." in card
    zed = str(events["Zed Zumba: Zumba Instructor expires"]["DESCRIPTION"])
    assert "Credits: not recorded in the files." in zed and "no rules for Zumba Instructor" in zed


def test_a_reminder_fires_ahead_of_the_risk_window(st, ics):
    for e in _events(ics).values():
        alarms = e.walk("VALARM")
        assert len(alarms) == 1
        assert str(alarms[0]["ACTION"]) == "DISPLAY" and alarms[0].decoded("TRIGGER") == timedelta(days=-90)
        assert str(alarms[0]["DESCRIPTION"]).startswith(str(e["SUMMARY"]).removesuffix(" expires"))
    short = _events(write_calendar(st, alarm_days=30, generated_at=WHEN))
    assert {e.walk("VALARM")[0].decoded("TRIGGER") for e in short.values()} == {timedelta(days=-30)}
    with pytest.raises(ValueError):
        write_calendar(st, alarm_days=-1)


def test_uids_are_stable_so_a_reimport_updates_instead_of_duplicating(st, ics):
    first = {s: str(e["UID"]) for s, e in _events(ics).items()}
    assert len(set(first.values())) == len(first)
    later = WHEN + timedelta(days=3)
    again = _events(write_calendar(st, generated_at=later))
    assert {s: str(e["UID"]) for s, e in again.items()} == first
    assert all(int(e["SEQUENCE"]) > int(_events(ics)[s]["SEQUENCE"]) for s, e in again.items())
    # Ana renews: a new expiry and a new card. Same events, moved.
    renewed = [r[:] for r in ROSTER]
    renewed[1][4], renewed[1][6] = "2028-07-31", "2028-12-01"
    moved = _events(write_calendar(_standing(renewed), generated_at=later))
    assert str(moved["Ana Silva: NASM-CPT expires"]["UID"]) == first["Ana Silva: NASM-CPT expires"]
    assert moved["Ana Silva: NASM-CPT expires"].decoded("DTSTART") == date(2028, 7, 31)
    assert str(moved["Ana Silva: CPR/AED card expires"]["UID"]) == first["Ana Silva: CPR/AED card expires"]
    assert event_uid("cert", "t-1", "nasm_cpt") != event_uid("cert", "t-1", "ace_cpt")
    assert event_uid("cert", "t-1", "nasm_cpt") != event_uid("cpr", "t-1")


def test_the_file_is_valid_rfc5545_and_input_text_never_breaks_it(ics):
    assert ics.startswith(b"BEGIN:VCALENDAR\r\n") and ics.endswith(b"END:VCALENDAR\r\n")
    lines = ics.split(b"\r\n")[:-1]
    assert all(b"\n" not in line and b"\r" not in line for line in lines)
    assert all(len(line) <= 75 for line in lines)  # folded by the library
    text = ics.decode("utf-8")
    assert 'SUMMARY:Semi\\; Colon\\, "Quote" \\\\ back: NCSF CPT expires' in text
    cal = Calendar.from_ical(ics)
    assert str(cal["PRODID"]).startswith("-//Recert//") and str(cal["VERSION"]) == "2.0"
    assert str(cal["X-WR-CALNAME"]) == "Recert deadlines"
    assert _events(ics)[f"{ODD}: NCSF CPT expires"]["DESCRIPTION"].startswith(f"{ODD} (Club <b>1</b>)")
    assert write_calendar(_standing(), generated_at=WHEN) == ics  # deterministic given the time


def test_input_line_breaks_and_control_characters_become_spaces():
    assert clean("Ana\r\nSilva\tX\x07\x1b[31m") == "Ana Silva X[31m"
    assert clean(None) == "" and clean(float("nan")) == ""


def test_credits_in_the_body_unit_and_in_hours():
    assert credits_needed(0.3, "CEU", 10) == "0.3 CEUs (3 hours)"
    assert credits_needed(0.1, "CEU", 10) == "0.1 CEUs (1 hour)"
    assert credits_needed(1, "CEU", 10) == "1 CEU (10 hours)"
    assert credits_needed(12, "hours", 1) == "12 hours"
    assert credits_needed(1, "hour", 1) == "1 hour"
    assert credits_needed(1.5, "CEC", None) == "1.5 CECs"
    assert credits_needed(4, "CPD point", 1) == "4 CPD points (4 hours)"
    assert credits_needed(float("nan"), "CEU", 10) == ""


def test_an_empty_standing_gives_an_empty_but_valid_calendar():
    st = _standing([HEAD, ["Old One", "Downtown", "NASM", "", "2020-01-01", "", ""]])
    cal = Calendar.from_ical(write_calendar(st, generated_at=WHEN))
    assert cal.walk("VEVENT") == []


def test_the_sample_calendar_and_the_cli(sample_standing, tmp_path):
    cal = Calendar.from_ical(write_calendar(sample_standing, generated_at=WHEN))
    events = cal.walk("VEVENT")
    s = sample_standing.standings
    assert len(events) >= int((s["expires"] >= pd.Timestamp(sample_standing.as_of)).sum())
    assert len({str(e["UID"]) for e in events}) == len(events)
    roster = tmp_path / "roster.csv"
    roster.write_bytes(csv_bytes(ROSTER))
    out = tmp_path / "deadlines.ics"
    r = cli("calendar", roster, "--as-of", "2026-06-01", "--out", out)
    assert r.returncode == 0, r.stderr
    assert len(Calendar.from_ical(out.read_bytes()).walk("VEVENT")) == 9
