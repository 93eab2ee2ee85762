"""cpd.views.history: what the History page and the saving flow show, from literal snapshots and diffs."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import pytest

from cpd import history
from cpd.views import history as view
from tests.test_history import BASE, _info, standing


@dataclass(frozen=True)
class Info:  # the fields of cpd.store's SnapshotInfo the page shows
    id: str
    label: str
    note: str
    as_of: date
    saved_at: datetime
    files: tuple[str, ...]
    trainers: int
    compliant: int


MARCH = Info(
    "a1", "March export", "", date(2026, 3, 1), datetime(2026, 3, 2, 9, 5), ("roster.xlsx", "ce.csv"), 40, 30
)
APRIL = Info(
    "b2", "", "after the audit", date(2026, 4, 1), datetime(2026, 4, 2, 17, 45), ("roster.xlsx",), 0, 0
)


def test_snapshots_table_lists_the_newest_first_with_compliance():
    t = view.snapshots_table([MARCH, APRIL])
    assert list(t["snapshot"]) == ["b2", "a1"]
    assert list(t.columns) == [
        "snapshot",
        "As of",
        "Label",
        "Files",
        "Trainers",
        "Compliant",
        "Saved",
        "Note",
    ]
    row = t.iloc[1]
    assert (row["Files"], row["Trainers"], row["Compliant"]) == ("roster.xlsx, ce.csv", 40, 75.0)
    assert t["Compliant"].isna().iloc[0]  # nobody: no percentage, not 0 %


@pytest.mark.parametrize(
    ("info", "created", "sentence"),
    [
        (MARCH, True, "Saved as snapshot “March export” of 1 Mar 2026 on 2 Mar 2026 at 09:05."),
        (
            MARCH,
            False,
            "These files were already saved as snapshot “March export” of 1 Mar 2026 on 2 Mar 2026 at "
            "09:05; nothing new was stored.",
        ),
        (APRIL, True, "Saved as snapshot of 1 Apr 2026 on 2 Apr 2026 at 17:45."),
    ],
)
def test_saved_sentence_says_saved_or_already_saved(info, created, sentence):
    assert view.saved_sentence(info, created) == sentence


def test_snapshot_name_and_viewing_banner_name_the_date():
    assert view.snapshot_name(MARCH) == "1 Mar 2026 · March export"
    assert view.snapshot_name(APRIL) == "1 Apr 2026"
    assert view.viewing_sentence(MARCH).startswith("Showing the team as it was on 1 Mar 2026 (March export)")


AFTER = [
    ("T1", "nasm_cpt", "2027-03-31", "met", 2.0),
    ("T2", "ace_cpt", "2026-05-15", "at_risk", 1.0),
    ("T4", "nasm_cpt", "2026-05-01", "at_risk", 0.0),
    ("T5", "x", "2026-01-01", "expired", None),
]


def test_filter_diff_keeps_the_chosen_clubs_and_no_club():
    d = history.diff(standing(BASE), standing(AFTER))
    assert set(d.joined["trainer_id"]) == {"T4", "T5"}
    assert list(view.filter_diff(d, ["Riverside"]).joined["trainer_id"]) == ["T4"]
    assert list(view.filter_diff(d, ["(no club)"]).joined["trainer_id"]) == ["T5"]
    assert list(view.filter_diff(d, ["Riverside"]).left["trainer_id"]) == ["T3"]
    assert view.filter_diff(d, ["Downtown"]).joined.empty
    assert view.filter_diff(d, []) is d


def test_diff_tables_say_what_changed_in_words():
    d = history.diff(standing(BASE), standing(AFTER))
    renewed = view.diff_table(d, "renewed", {"nasm_cpt": "NASM CPT"})
    assert renewed.to_dict("records") == [
        {
            "Trainer": "Ana Silva",
            "Club": "Downtown",
            "Certification": "NASM CPT",
            "Was expiring": "31 Jan 2027",
            "Now expires": "31 Mar 2027",
        }
    ]
    credits = view.diff_table(d, "credits_added")
    assert credits.to_dict("records") == [
        {"Trainer": "bo Chen", "Club": "Downtown", "Certification": "ACE_CPT", "Credits earned": "0.5 CEU"}
    ]
    joined = view.diff_table(d, "joined")
    assert joined.to_dict("records") == [
        {"Trainer": "Di Evans", "Club": "Riverside"},
        {"Trainer": "Ed Fox", "Club": "(no club)"},
    ]
    counts = dict((label, n) for label, n, _ in view.diff_counts(d))
    assert counts == {
        "Joined": 2,
        "Left": 1,
        "Renewed": 1,
        "Newly lapsed": 0,
        "Newly at risk": 0,
        "Credits earned": 1,
        "Certifications added": 0,
        "Certifications dropped": 0,
    }


def test_trend_of_clubs_sums_the_chosen_clubs():
    infos = [
        _info(1, BASE, date(2026, 3, 1)),
        _info(2, BASE + [("T4", "nasm_cpt", "2027-06-30", "met", 2.0)], date(2026, 4, 1)),
    ]
    trend, clubs = history.trend(infos), history.club_trend(infos)
    mine = view.trend_of_clubs(clubs, trend, ["Riverside"])
    assert list(mine.columns) == list(trend.columns)
    assert list(mine["trainers"]) == [1, 2] and list(mine["compliance"]) == [0.0, 50.0]
    assert list(mine["grace"]) == [1, 1] and list(mine["met"]) == [0, 1]
    assert view.trend_of_clubs(clubs, trend, []) is trend
