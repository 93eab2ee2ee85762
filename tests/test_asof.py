"""Issue 10, item 12: the as-of dates Recert computes for, one range (``cpd.asof``) for the CLI and the app.

``--as-of 9999-12-31`` or ``0001-01-01`` was an internal error (pandas' timestamps end in 1677 and 2262); now a
date outside 1950-01-01..2199-12-31 is a usage error (exit 2) with a sentence naming the range, and both ends
compute every output (standing, report, calendar) in a fresh process.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import date, timedelta
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from cpd.asof import AS_OF_MAX, AS_OF_MIN, AS_OF_RANGE, as_of_problem, check_as_of
from cpd.errors import RecertError
from tests.helpers import cli, run

ROOT = Path(__file__).resolve().parents[1]
ROSTER = ROOT / "sample_data" / "recert_roster.csv"
SAMPLES = [
    ROOT / "sample_data" / "recert_workbook.xlsx",
    ROSTER,
    ROOT / "sample_data" / "training_matrix.xlsx",
]


def test_the_range_is_1950_to_2199():
    assert [AS_OF_MIN.isoformat(), AS_OF_MAX.isoformat()] == ["1950-01-01", "2199-12-31"]
    assert AS_OF_RANGE == "between 1950-01-01 and 2199-12-31"


@pytest.mark.parametrize(
    ("day", "ok"),
    [
        (AS_OF_MIN, True),
        (AS_OF_MAX, True),
        (date(2026, 6, 1), True),
        (AS_OF_MIN - timedelta(1), False),
        (AS_OF_MAX + timedelta(1), False),
        (date.min, False),
        (date.max, False),
    ],
)
def test_check_as_of_accepts_the_range_and_refuses_with_one_sentence(day, ok):
    if ok:
        assert check_as_of(day) == day and as_of_problem(day) is None
    else:
        with pytest.raises(RecertError) as exc:
            check_as_of(day)
        assert str(exc.value) == (
            f"The as-of date {day.isoformat()} is out of range: choose a date between "
            "1950-01-01 and 2199-12-31."
        )


@pytest.fixture(scope="module")
def usual_counts() -> dict[str, int]:
    return run({f.name: f.read_bytes() for f in SAMPLES}, as_of=date(2026, 12, 1)).counts


@pytest.mark.parametrize("day", [AS_OF_MIN, AS_OF_MAX], ids=["first", "last"])
def test_both_ends_of_the_range_compute_standing_report_and_calendar(day, usual_counts, tmp_path):
    r = cli("standing", *SAMPLES, "--as-of", day.isoformat(), "--window", "3650", "--format", "json")
    assert r.returncode == 0, r.stderr
    doc = json.loads(r.stdout)
    assert doc["as_of"] == day.isoformat() and doc["counts"] == usual_counts and len(doc["standings"]) > 30
    table = cli("standing", *SAMPLES, "--as-of", day.isoformat(), "--window", "0")
    assert table.returncode == 0 and table.stderr == "" and f"as of {day.isoformat()}" in table.stdout
    rows = cli("standing", *SAMPLES, "--as-of", day.isoformat(), "--format", "csv")
    assert (
        rows.returncode == 0 and len(list(csv.reader(io.StringIO(rows.stdout)))) == len(doc["standings"]) + 1
    )
    report, ics = tmp_path / "r.xlsx", tmp_path / "c.ics"
    assert cli("report", *SAMPLES, "--as-of", day.isoformat(), "--out", report).returncode == 0
    assert cli("calendar", *SAMPLES, "--as-of", day.isoformat(), "--out", ics).returncode == 0
    assert report.stat().st_size > 10_000
    text = ics.read_text(encoding="utf-8")  # in 2199 every sample expiry is past: no events, a valid calendar
    assert text.startswith("BEGIN:VCALENDAR") and text.rstrip().endswith("END:VCALENDAR")


@pytest.mark.parametrize(
    "text", ["1949-12-31", "2200-01-01", "0001-01-01", "9999-12-31", "1677-09-21", "2262-04-12"]
)
def test_a_date_outside_the_range_is_a_usage_error_naming_the_range(text):
    for command in ("standing", "report", "calendar"):
        extra = [] if command == "standing" else ["--out", "never-written.out"]
        r = cli(command, ROSTER, "--as-of", text, *extra)
        assert r.returncode == 2, (command, r.stderr)
        last = r.stderr.strip().splitlines()[-1]
        assert last.endswith(
            f"argument --as-of: {text} is out of range: the as-of date must be between "
            "1950-01-01 and 2199-12-31"
        ), last
        assert "Traceback" not in r.stderr and "internal error" not in r.stderr
        assert not (ROOT / "never-written.out").exists()


def test_the_help_names_the_range():
    assert "between 1950-01-01 and 2199-12-31" in " ".join(cli("standing", "--help").stdout.split())


def test_the_sidebar_date_picker_is_bounded_by_the_same_range(monkeypatch):
    monkeypatch.delenv("RECERT_DEMO", raising=False)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=30)
    at.run()
    picker = at.sidebar.date_input(key="as_of")
    assert (picker.min, picker.max) == (AS_OF_MIN, AS_OF_MAX) and picker.value == date.today()
