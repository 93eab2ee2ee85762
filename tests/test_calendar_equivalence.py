"""The fast calendar writer gives the icalendar-built file byte for byte (tests/data/golden/, written by the code as
it was, see tests/golden.py): the sample, a hostile roster, a 300-trainer chain, generated rosters, every alarm and
stamp; its text escaping and line folding agree with the library's on any text, ``clean`` and ``day_text`` with the
old ones on a table of awkward values."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as hs
from icalendar import Event

from cpd.calendar import _escape, _fold, write_calendar
from cpd.fmt import clean
from cpd.fmt import day as day_text
from tests import golden


@pytest.mark.parametrize(
    ("case", "alarm_days", "when", "ics"),
    golden.calendars(),
    ids=[f"{c}-{i}" for i, (c, *_) in enumerate(golden.calendars())],
)
def test_calendars_are_the_old_code_s_bytes(case, alarm_days, when, ics):
    """The sample and hostile rosters at every alarm and stamp, a 300-trainer chain, 24 generated rosters."""
    got = write_calendar(golden.standing(case), alarm_days=alarm_days, generated_at=when)
    assert got == golden.read(ics)


# Text with what escaping and folding care about: backslash, caret, ",", ";", line breaks, a literal "\N",
# and characters of 1 to 4 UTF-8 octets, long enough to fold many times.
_TEXT = hs.text(
    hs.one_of(hs.sampled_from(list("\\^,;\n\rNab é€🏋")), hs.characters(exclude_categories=["Cs"])),
    max_size=400,
)


@settings(max_examples=400, deadline=None)
@given(_TEXT, hs.sampled_from(["DESCRIPTION", "SUMMARY", "LOCATION"]))
def test_escaping_and_folding_are_icalendars(text, name):
    ev = Event()
    ev.add(name, text)
    assert ev.to_ical() == b"BEGIN:VEVENT\r\n" + _fold(f"{name}:{_escape(text)}") + b"\r\nEND:VEVENT\r\n"


def test_folded_lines_are_at_most_75_octets_and_unfold_to_the_line():
    line = "DESCRIPTION:" + "é€🏋\\^," * 200
    folded = _fold(line)
    assert all(len(p) <= 75 for p in folded.split(b"\r\n"))
    assert folded.replace(b"\r\n ", b"").decode() == line


@pytest.mark.parametrize("row", golden.TEXT["clean"], ids=lambda r: r["t"])
def test_clean_is_the_old_clean(row):
    assert clean(golden.value(row)) == row["out"]


@pytest.mark.parametrize("row", golden.TEXT["day_text"], ids=lambda r: r["t"])
def test_day_text_is_the_old_day_text(row):
    assert day_text(golden.value(row)) == row["out"]


def test_day_text_of_one_instant_in_two_zones_is_each_zones_day():
    utc = pd.Timestamp("2026-06-01 23:00", tz="UTC")
    berlin = utc.tz_convert("Europe/Berlin")
    assert utc == berlin
    assert (day_text(utc), day_text(berlin)) == ("1 Jun 2026", "2 Jun 2026")
    plus2 = datetime(2026, 6, 2, 1, 0, tzinfo=timezone(timedelta(hours=2)))
    assert (day_text(datetime(2026, 6, 1, 23, 0, tzinfo=UTC)), day_text(plus2)) == (
        "1 Jun 2026",
        "2 Jun 2026",
    )
    assert day_text(date(2026, 6, 1)) == day_text(pd.Timestamp("2026-06-01")) == "1 Jun 2026"
