"""cpd.fmt: the one number rule, the one day rule and the small text rules every page, file and message uses."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as hs

from cpd import fmt
from cpd.model import STATUS_LABELS


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (2.0, "2"),
        (2, "2"),
        (0.30000001, "0.3"),
        (1.25, "1.25"),
        (1234.5, "1234.5"),
        (0.005, "0.01"),
        (-0.001, "0"),
        (-0.0, "0"),
        (-1.5, "-1.5"),
        ("2.50", "2.5"),
        (np.float32(0.1), "0.1"),
        (np.int64(7), "7"),
        (float("nan"), "?"),
        (float("inf"), "?"),
        (None, "?"),
        (pd.NA, "?"),
        ("ten", "?"),
    ],
)
def test_number_writes_at_most_two_decimals_without_trailing_zeros_and_a_question_mark_for_no_number(
    value, text
):
    assert fmt.number(value) == text


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (2, 2.0),
        ("1.5", 1.5),
        (np.float64(0.25), 0.25),
        (None, None),
        (pd.NA, None),
        (float("nan"), None),
        (float("-inf"), None),
        ("x", None),
        ([1], None),
    ],
)
def test_finite_is_the_number_held_or_none(value, expected):
    assert fmt.finite(value) == expected


BERLIN = timezone(timedelta(hours=2))


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (date(2026, 6, 1), "1 Jun 2026"),
        (pd.Timestamp("2026-06-01"), "1 Jun 2026"),
        (datetime(2026, 12, 31, 23, 59), "31 Dec 2026"),
        (np.datetime64("2026-02-04"), "4 Feb 2026"),
        ("2026-06-01", "1 Jun 2026"),
        (datetime(2026, 6, 1, 23, 0, tzinfo=UTC), "1 Jun 2026"),
        (datetime(2026, 6, 1, 23, 0, tzinfo=UTC).astimezone(BERLIN), "2 Jun 2026"),
        (date(1900, 1, 1), "1 Jan 1900"),
        (date(5, 3, 9), "9 Mar 5"),
        (datetime(1500, 7, 4, 12), "4 Jul 1500"),
        (None, ""),
        (pd.NaT, ""),
        (pd.NA, ""),
        (float("nan"), ""),
        (np.datetime64("NaT"), ""),
    ],
)
def test_day_is_day_without_leading_zero_short_month_and_year_and_empty_without_a_date(value, text):
    assert fmt.day(value) == text


@given(
    hs.lists(
        hs.one_of(hs.none(), hs.dates(min_value=date(1900, 1, 1), max_value=date(2200, 12, 31))), max_size=30
    )
)
def test_days_of_a_column_is_day_of_each_value(values):
    column = pd.Series(pd.to_datetime(pd.Series(values, dtype=object)))
    assert fmt.days(column) == [fmt.day(v) for v in column]


def test_the_renderer_spellings_of_the_day_rule_say_the_same_thing():
    # 4 Feb 2026 in each renderer's syntax: day unpadded, short month, four-digit year
    assert fmt.DAY_COLUMN == "D MMM YYYY"  # moment.js: D = 4, MMM = Feb
    assert fmt.DAY_PLOTLY == "%-d %b %Y"  # d3-time-format: %-d = 4 (no zero)
    assert fmt.DAY_EXCEL == "d mmm yyyy"
    assert pd.Timestamp("2026-02-04").strftime(fmt.DAY_PLOTLY) == fmt.day(date(2026, 2, 4))  # same on glibc


@pytest.mark.parametrize(
    ("value", "text"),
    [
        ("Ana\r\nSilva\tX\x07\x1b[31m", "Ana Silva X[31m"),
        ("  a   b  ", "a b"),
        ("a\u2028b", "a b"),
        (None, ""),
        (float("nan"), ""),
        (pd.NA, ""),
        (12, "12"),
    ],
)
def test_clean_puts_file_text_on_one_line_without_control_characters(value, text):
    assert fmt.clean(value) == text


@pytest.mark.parametrize(
    ("value", "text", "is_missing"),
    [
        (None, "", True),
        (pd.NA, "", True),
        (pd.NaT, "", True),
        (float("nan"), "", True),
        (np.float64("nan"), "", True),
        ("", "", False),
        ("x", "x", False),
        (0, "0", False),
        (False, "False", False),
    ],
)
def test_text_is_empty_only_for_a_missing_cell(value, text, is_missing):
    assert (fmt.text(value), fmt.missing(value)) == (text, is_missing)


@pytest.mark.parametrize(
    ("status", "label"),
    [
        *STATUS_LABELS.items(),
        ("something_new", "something_new"),
        (3, "3"),
    ],
)
def test_status_label_is_the_label_or_the_code_as_it_is(status, label):
    assert fmt.status_label(status) == label


@pytest.mark.parametrize(
    ("sentence", "text"),
    [
        ("no card on file", "No card on file"),
        ("NASM CPT: expired", "NASM CPT: expired"),
        ("", ""),
        ("élan", "Élan"),
        ("3 CEUs", "3 CEUs"),
    ],
)
def test_capitalised_upper_cases_the_first_letter_only(sentence, text):
    assert fmt.capitalised(sentence) == text


@pytest.mark.parametrize(
    ("value", "text"),
    [
        ("Ana\x1b[31mSilva", "Ana?[31mSilva"),
        ("a\nb\tc", "a?b?c"),
        ("Zoë", "Zoë"),
        (None, ""),
        (3, "3"),
    ],
)
def test_terminal_shows_every_unprintable_character_as_a_question_mark(value, text):
    assert fmt.terminal(value) == text
