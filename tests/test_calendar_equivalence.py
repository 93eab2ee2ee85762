"""The fast calendar writer gives the icalendar-built file byte for byte (tests/reference_exports.py is the code
as it was): the sample, a hostile roster, a 300-trainer chain, generated rosters, every alarm and stamp; and its
text escaping, line folding, ``clean`` and ``day_text`` agree with the library's and the old ones on any text."""

from __future__ import annotations

import time
from datetime import UTC, date, datetime, timedelta, timezone

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as hs
from icalendar import Event

from cpd import Source, analyse
from cpd.calendar import _escape, _fold, write_calendar
from cpd.fmt import clean
from cpd.fmt import day as day_text
from cpd.samples import build_chain_workbook
from tests import reference_exports as old
from tests.helpers import csv_bytes, run
from tests.test_reminders import _staff_and_certs

AS_OF = date(2026, 6, 1)
WHEN = datetime(2026, 6, 1, 8, 30, tzinfo=UTC)
HOSTILE = [
    ["Trainer Name", "Club", "Certification", "Cert #", "Expiration", "CEUs earned", "CPR/AED exp"],
    ["Ana Silva", "Downtown", "NASM-CPT", "000123", "2026-07-31", "1.7", "2026-12-01"],
    ['=HYPERLINK("http://x","y")', "Downtown", "ISSA", "", "2027-03-31", "12 hrs", "2027-01-01"],
    ['Semi; Colon, "Quote" \\ back\\N^', "Club <b>1</b>", "NCSF CPT", "a,b;c\\", "2026-09-30", "20 hrs", "2027-01-01"],
    ["Zoë Ñúñez " + "é" * 40 + "🏋️" * 20, "Río, Norte", "ACE PT", "", "2026-08-01", "", "2026-07-01"],
    ["Ben Ito", "Northgate", "NASM", "555", "2027-05-01", "0.2", "2026-05-01"],
    ["Zed^Zumba" + "\\" * 80, "Northgate", "Zumba Instructor", "", "2027-01-01", "", ""],
]


@pytest.fixture(scope="module")
def hostile():
    return run({"roster.csv": csv_bytes(HOSTILE)}, as_of=AS_OF, window=90)


@pytest.fixture(scope="module")
def chain():
    as_of = date(2026, 12, 1)
    return analyse([Source("chain.xlsx", build_chain_workbook(300, anchor=as_of))], as_of=as_of, window=90)


@pytest.mark.parametrize(("alarm_days", "when"), [
    (None, WHEN), (0, WHEN), (1, datetime(2026, 6, 1, 8, 30, 59, 999_999)),
    (400, datetime(2026, 6, 1, 23, 30, 5, 123, tzinfo=timezone(timedelta(hours=-5)))),
])
def test_sample_and_hostile_calendars_are_the_library_built_bytes(sample_standing, hostile, alarm_days, when):
    for st in (sample_standing, hostile):
        assert (write_calendar(st, alarm_days=alarm_days, generated_at=when)
                == old.write_calendar(st, alarm_days=alarm_days, generated_at=when))


def test_chain_calendar_is_the_library_built_bytes_and_much_faster(chain):
    old.write_calendar(chain, generated_at=WHEN)  # warm both (imports, caches) before timing
    write_calendar(chain, generated_at=WHEN)
    t = time.process_time()  # CPU seconds: the box is shared
    want = old.write_calendar(chain, generated_at=WHEN)
    old_s = time.process_time() - t
    t = time.process_time()
    got = write_calendar(chain, generated_at=WHEN)
    new_s = time.process_time() - t
    assert got == want and got.count(b"BEGIN:VEVENT") > 500
    # Measured ~3.5x at 300 trainers, ~14x at 10k (27 s -> 2 s; benchmarks/bench_exports.py).
    assert new_s * 2 < old_s, (new_s, old_s)


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_staff_and_certs(), hs.integers(0, 120), hs.integers(0, 400))
def test_generated_rosters_give_the_library_built_calendar(files, window, alarm_days):
    staff, certs = files
    st = run({"staff.csv": csv_bytes(staff), "certs.csv": csv_bytes(certs)}, as_of=AS_OF, window=window,
             on_error="collect")
    assert (write_calendar(st, alarm_days=alarm_days, generated_at=WHEN)
            == old.write_calendar(st, alarm_days=alarm_days, generated_at=WHEN))


# Text with what escaping and folding care about: backslash, caret, ",", ";", line breaks, a literal "\N",
# and characters of 1 to 4 UTF-8 octets, long enough to fold many times.
_TEXT = hs.text(hs.one_of(hs.sampled_from(list("\\^,;\n\rNab é€🏋")),
                          hs.characters(exclude_categories=["Cs"])), max_size=400)


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


@settings(max_examples=400, deadline=None)
@given(hs.one_of(hs.text(), hs.text(hs.characters(codec="ascii")), hs.none(), hs.integers(), hs.floats()))
def test_clean_is_the_old_clean(value):
    assert clean(value) == old.clean(value)


@settings(max_examples=200, deadline=None)
@given(hs.one_of(hs.dates(), hs.datetimes(min_value=datetime(1700, 1, 1), max_value=datetime(2200, 1, 1)),
                 hs.dates(min_value=date(1700, 1, 1), max_value=date(2200, 1, 1)).map(pd.Timestamp),
                 hs.sampled_from([None, pd.NaT, float("nan"), pd.NA, "2026-06-01", "1 Jun 2026"])))
def test_day_text_is_the_old_day_text(value):
    try:
        want = old.day_text(value)
    except (ValueError, OverflowError) as e:
        with pytest.raises(type(e)):
            day_text(value)
        return
    assert day_text(value) == want


def test_day_text_of_one_instant_in_two_zones_is_each_zones_day():
    utc = pd.Timestamp("2026-06-01 23:00", tz="UTC")
    berlin = utc.tz_convert("Europe/Berlin")
    assert utc == berlin
    assert (day_text(utc), day_text(berlin)) == ("1 Jun 2026", "2 Jun 2026")
    plus2 = datetime(2026, 6, 2, 1, 0, tzinfo=timezone(timedelta(hours=2)))
    assert (day_text(datetime(2026, 6, 1, 23, 0, tzinfo=UTC)), day_text(plus2)) == ("1 Jun 2026", "2 Jun 2026")
    assert day_text(date(2026, 6, 1)) == day_text(pd.Timestamp("2026-06-01")) == "1 Jun 2026"
