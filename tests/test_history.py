"""cpd.history: the per-snapshot summary, what changed between two standings, and the trend, on literal standings."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, datetime

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as hs

from cpd import history
from cpd.model import STANDING_COLUMNS, STATUSES, TRAINER_RESULT_COLUMNS, TRAINER_STATUSES, Standing

AS_OF = date(2026, 4, 1)
CLUBS = {"T1": "Downtown", "T2": "Downtown", "T3": "Riverside", "T4": "Riverside", "T5": ""}
NAMES = {"T1": "Ana Silva", "T2": "bo Chen", "T3": "Cy Diaz", "T4": "Di Evans", "T5": "Ed Fox"}


def standing(
    certs: list[tuple],
    trainers: list[str] | None = None,
    *,
    as_of: date = AS_OF,
    compliant: dict[str, bool] | None = None,
) -> Standing:
    """A Standing from literal certifications ``(trainer_id, credential, expires, status, earned)``; trainers
    default to those holding one (a trainer listed with no certification is ``missing``)."""
    rows = [
        {
            "trainer_id": t,
            "trainer": NAMES[t],
            "club": CLUBS[t],
            "credential": c,
            "credential_name": c.upper(),
            "expires": pd.Timestamp(e) if e else pd.NaT,
            "status": s,
            "earned": earned,
            "unit": "CEU",
        }
        for t, c, e, s, earned in certs
    ]
    s = pd.DataFrame(rows).reindex(columns=STANDING_COLUMNS)
    s["expires"] = pd.to_datetime(s["expires"])
    s["earned"] = s["earned"].astype(float)
    ids = trainers if trainers is not None else list(dict.fromkeys(t for t, *_ in certs))
    rank = {x: i for i, x in enumerate(TRAINER_STATUSES)}
    worst = {
        t: min((r["status"] for r in rows if r["trainer_id"] == t), key=rank.get, default="missing")
        for t in ids
    }
    ok = compliant or {}
    t = pd.DataFrame(
        [
            {
                "trainer_id": i,
                "trainer": NAMES[i],
                "club": CLUBS[i],
                "status": worst[i],
                "compliant": ok.get(i, worst[i] not in ("missing", "grace", "expired")),
            }
            for i in ids
        ],
        columns=TRAINER_RESULT_COLUMNS,
    )
    empty = pd.DataFrame()
    return Standing(
        as_of=as_of,
        window=90,
        standings=s,
        trainers=t,
        activities=empty,
        contributions=empty,
        ledger=pd.DataFrame(columns=["file", "sheet", "row", "fate", "column", "reason", "trainer"]),
        mappings=(),
        warnings=(),
        rules_version="test",
        cpr_cards=empty,
    )


BASE = [
    ("T1", "nasm_cpt", "2027-01-31", "on_track", 1.0),
    ("T2", "ace_cpt", "2026-05-15", "at_risk", 0.5),
    ("T3", "acsm_cpt", "2026-03-01", "grace", 2.0),
]


# Summary ---------------------------------------------------------------------------------------------------------
def test_summary_counts_trainers_statuses_and_clubs():
    st = standing(BASE + [("T4", "nasm_cpt", "2027-06-30", "met", 2.0)], ["T1", "T2", "T3", "T4", "T5"])
    s = history.summarise(st)
    assert (s["trainers"], s["compliant"], s["compliance"]) == (5, 3, 60.0)
    assert s["statuses"] == {
        "missing": 1,
        "expired": 0,
        "grace": 1,
        "at_risk": 1,
        "behind": 0,
        "on_track": 1,
        "met": 1,
    }
    assert s["certifications"] == {
        "expired": 0,
        "grace": 1,
        "at_risk": 1,
        "behind": 0,
        "on_track": 1,
        "met": 1,
    }
    assert list(s["clubs"]) == ["Downtown", "Riverside", ""]  # the largest first
    assert s["clubs"]["Riverside"] == {
        "trainers": 2,
        "compliant": 1,
        "compliance": 50.0,
        "statuses": {"grace": 1, "met": 1},
        "certifications": {"grace": 1, "met": 1},
    }
    assert s["clubs"][""] == {
        "trainers": 1,
        "compliant": 0,
        "compliance": 0.0,
        "statuses": {"missing": 1},
        "certifications": {},
    }
    assert s["as_of"] == AS_OF.isoformat() and s["clubs_left_out"] == 0
    assert json.loads(json.dumps(s)) == s  # JSON as it is


def test_summary_of_nobody_has_no_compliance_percentage():
    s = history.summarise(standing([], []))
    assert (s["trainers"], s["compliant"], s["compliance"], s["clubs"]) == (0, 0, None, {})
    assert set(s["statuses"]) == set(TRAINER_STATUSES) and not any(s["statuses"].values())


def test_summary_keeps_the_largest_clubs_when_there_are_too_many(monkeypatch):
    monkeypatch.setattr(history, "MAX_CLUBS", 1)
    s = history.summarise(standing(BASE + [("T4", "nasm_cpt", "2027-06-30", "met", 2.0)]))
    assert list(s["clubs"]) == ["Downtown"] and s["clubs_left_out"] == 1


def test_summary_of_the_sample_adds_up(sample_standing):
    s = history.summarise(sample_standing)
    assert sum(s["statuses"].values()) == s["trainers"] == len(sample_standing.trainers)
    assert sum(s["certifications"].values()) == len(sample_standing.standings)
    assert sum(c["trainers"] for c in s["clubs"].values()) == s["trainers"]
    assert sum(c["compliant"] for c in s["clubs"].values()) == s["compliant"]
    assert len(json.dumps(s)) < 4000


# Diff: one case per list, each with the twin that must not appear -------------------------------------------------
CASES = {
    # name: (before certs, after certs, before trainers, after trainers, expected {list: [(trainer_id, credential)]})
    "a new trainer joined": (
        BASE,
        BASE + [("T4", "nasm_cpt", "2027-06-30", "met", 2.0)],
        None,
        None,
        {"joined": [("T4", None)]},
    ),
    "a trainer with no certification joined": (
        BASE,
        BASE,
        None,
        ["T1", "T2", "T3", "T5"],
        {"joined": [("T5", None)]},
    ),
    "a trainer left": (BASE, BASE[:2], None, None, {"left": [("T3", None)]}),
    "renewed: the expiry moved later": (
        BASE,
        [BASE[0], ("T2", "ace_cpt", "2028-05-15", "on_track", 0.0), BASE[2]],
        None,
        None,
        {"renewed": [("T2", "ace_cpt")]},
    ),
    "an expiry moved earlier is not a renewal": (
        BASE,
        [BASE[0], ("T2", "ace_cpt", "2026-05-01", "at_risk", 0.5), BASE[2]],
        None,
        None,
        {},
    ),
    "a certification marked expired with no date got a date": (
        [BASE[0], ("T2", "ace_cpt", None, "expired", None)],
        [BASE[0], ("T2", "ace_cpt", "2028-05-15", "on_track", 0.0)],
        None,
        None,
        {"renewed": [("T2", "ace_cpt")]},
    ),
    "newly lapsed": (
        BASE,
        [("T1", "nasm_cpt", "2026-03-15", "grace", 1.0)] + BASE[1:],
        None,
        None,
        {"newly_lapsed": [("T1", "nasm_cpt")]},
    ),
    "lapsed on both sides is not news": (
        BASE,
        [BASE[0], BASE[1], ("T3", "acsm_cpt", "2026-03-01", "expired", 2.0)],
        None,
        None,
        {},
    ),
    "newly at risk": (
        BASE,
        [("T1", "nasm_cpt", "2026-05-31", "at_risk", 1.0)] + BASE[1:],
        None,
        None,
        {"newly_at_risk": [("T1", "nasm_cpt")]},
    ),
    "credits earned toward the same cycle": (
        BASE,
        [("T1", "nasm_cpt", "2027-01-31", "on_track", 1.5)] + BASE[1:],
        None,
        None,
        {"credits_added": [("T1", "nasm_cpt")]},
    ),
    "fewer credits are not credits added": (
        BASE,
        [("T1", "nasm_cpt", "2027-01-31", "on_track", 0.5)] + BASE[1:],
        None,
        None,
        {},
    ),
    "a certification added to a trainer on both sides": (
        BASE,
        BASE + [("T1", "cpr_x", "2027-02-01", "on_track", None)],
        None,
        None,
        {"certifications_added": [("T1", "cpr_x")]},
    ),
    "a certification dropped": (
        BASE,
        BASE[:1] + BASE[2:] + [("T2", "other", "2027-01-01", "on_track", None)],
        None,
        None,
        {"certifications_dropped": [("T2", "ace_cpt")], "certifications_added": [("T2", "other")]},
    ),
    "a joined trainer's certifications are in joined only": (
        BASE,
        BASE + [("T4", "nasm_cpt", "2026-02-01", "expired", 0.0)],
        None,
        None,
        {"joined": [("T4", None)]},
    ),
    "nothing changed": (BASE, BASE, None, None, {}),
}


def _keys(frame: pd.DataFrame, *, with_credential: bool) -> list[tuple]:
    creds = frame["credential"] if with_credential else [None] * len(frame)
    return list(zip(frame["trainer_id"], creds, strict=True))


@pytest.mark.parametrize("name", list(CASES))
def test_diff_lists_exactly_what_changed(name):
    before, after, tb, ta, expected = CASES[name]
    d = history.diff(standing(before, tb), standing(after, ta))
    for lst in history.DIFF_LISTS:
        got = _keys(getattr(d, lst), with_credential=lst not in ("joined", "left"))
        assert got == expected.get(lst, []), (name, lst)
    assert d.empty == (not expected)


def test_diff_carries_the_values_a_manager_reads():
    after = [
        ("T1", "nasm_cpt", "2027-01-31", "on_track", 1.75),
        ("T2", "ace_cpt", "2028-05-15", "on_track", 0.0),
        ("T3", "acsm_cpt", "2026-03-01", "grace", 2.0),
    ]
    d = history.diff(standing(BASE, ["T1", "T2", "T3"]), standing(after, ["T1", "T2", "T4", "T3"][:3]))
    r = d.renewed.iloc[0]
    assert (r["trainer"], r["club"], r["from_expires"], r["to_expires"]) == (
        "bo Chen",
        "Downtown",
        pd.Timestamp("2026-05-15"),
        pd.Timestamp("2028-05-15"),
    )
    c = d.credits_added.iloc[0]
    assert (c["trainer"], c["credential"], c["credits"], c["unit"]) == ("Ana Silva", "nasm_cpt", 0.75, "CEU")


def test_diff_json_is_the_contract_plus_two_extension_lists():
    after = BASE[:2] + [("T4", "nasm_cpt", "2027-06-30", "met", 2.0), ("T1", "cpr_x", None, "expired", None)]
    d = history.diff(standing(BASE), standing(after))
    out = history.diff_json(d, from_id="a1", to_id="b2")
    assert json.loads(json.dumps(out)) == out
    assert list(out) == [
        "from",
        "to",
        "as_of",
        "joined",
        "left",
        "renewed",
        "newly_lapsed",
        "newly_at_risk",
        "credits_added",
        "certifications_added",
        "certifications_dropped",
    ]
    assert (out["from"], out["to"], out["as_of"]) == ("a1", "b2", "2026-04-01")
    assert out["joined"] == [{"trainer": "Di Evans", "trainer_id": "T4", "club": "Riverside"}]
    assert out["left"] == [{"trainer": "Cy Diaz", "trainer_id": "T3", "club": "Riverside"}]
    assert out["certifications_added"] == [
        {"trainer": "Ana Silva", "credential": "cpr_x", "expires": None, "status": "expired"}
    ]
    d2 = history.diff(standing(BASE), standing([("T1", "nasm_cpt", "2027-03-31", "met", 2.0)] + BASE[1:]))
    out2 = history.diff_json(d2, from_id="a", to_id="b")
    assert out2["renewed"] == [
        {
            "trainer": "Ana Silva",
            "credential": "nasm_cpt",
            "from_expires": "2027-01-31",
            "to_expires": "2027-03-31",
        }
    ]
    assert out2["credits_added"] == []  # a new cycle: its credits are not compared with the old one's
    d3 = history.diff(
        standing(BASE), standing([("T1", "nasm_cpt", "2027-01-31", "at_risk", 1.25)] + BASE[1:])
    )
    out3 = history.diff_json(d3, from_id="a", to_id="b")
    assert out3["newly_at_risk"] == [{"trainer": "Ana Silva", "credential": "nasm_cpt", "status": "at_risk"}]
    assert out3["credits_added"] == [{"trainer": "Ana Silva", "credential": "nasm_cpt", "credits": 0.25}]


def test_diff_sorts_people_by_name_whatever_the_case():
    d = history.diff(standing([]), standing(BASE))
    assert list(d.joined["trainer"]) == ["Ana Silva", "bo Chen", "Cy Diaz"]


def test_diff_of_a_certification_listed_twice_uses_the_latest_expiry():
    twice = BASE + [("T1", "nasm_cpt", "2025-01-31", "expired", 0.0)]
    assert history.diff(standing(BASE), standing(twice)).empty


def test_diff_of_the_sample_with_itself_is_empty(sample_standing):
    assert history.diff(sample_standing, sample_standing).empty


_cert = hs.tuples(
    hs.sampled_from(list(NAMES)),
    hs.sampled_from(["nasm_cpt", "ace_cpt", "x"]),
    hs.sampled_from(["2026-01-01", "2026-05-01", "2027-01-01", None]),
    hs.sampled_from(STATUSES),
    hs.sampled_from([None, 0.0, 1.0, 2.5]),
)


@settings(max_examples=60, deadline=None)
@given(hs.lists(_cert, max_size=8), hs.lists(_cert, max_size=8))
def test_diff_is_consistent_both_ways(before, after):
    b, a = standing(before), standing(after)
    there, back = history.diff(b, a), history.diff(a, b)
    assert _keys(there.joined, with_credential=False) == _keys(back.left, with_credential=False)
    assert sorted(_keys(there.certifications_added, with_credential=True)) == sorted(
        _keys(back.certifications_dropped, with_credential=True)
    )
    assert set(there.joined["trainer_id"]).isdisjoint(b.trainers["trainer_id"])
    for lst in ("renewed", "newly_lapsed", "newly_at_risk", "credits_added"):
        assert set(getattr(there, lst)["trainer_id"]) <= set(b.trainers["trainer_id"]) & set(
            a.trainers["trainer_id"]
        )
    assert not history.diff(a, a).counts["renewed"] and history.diff(a, a).empty


# Trend -----------------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Info:  # the fields of cpd.store's SnapshotInfo that the trend reads
    id: str
    label: str
    as_of: date
    saved_at: datetime
    trainers: int
    compliant: int
    summary: dict = field(default_factory=dict)


def _info(i: int, certs: list[tuple], as_of: date) -> Info:
    st = standing(certs, as_of=as_of)
    s = history.summarise(st)
    return Info(
        f"s{i}", f"month {i}", as_of, datetime(2026, as_of.month, 2, 9), s["trainers"], s["compliant"], s
    )


def test_trend_has_one_row_per_snapshot_with_status_counts():
    infos = [
        _info(1, BASE, date(2026, 3, 1)),
        _info(2, BASE + [("T4", "nasm_cpt", "2027-06-30", "met", 2.0)], date(2026, 4, 1)),
    ]
    t = history.trend(infos)
    assert list(t.columns) == history.TREND_COLUMNS
    assert list(t["snapshot"]) == ["s1", "s2"] and list(t["trainers"]) == [3, 4]
    assert list(t["compliance"]) == [pytest.approx(66.7), 75.0]
    assert list(t["met"]) == [0, 1] and list(t["grace"]) == [1, 1]
    assert (t[list(TRAINER_STATUSES)].sum(axis=1) == t["trainers"]).all()


def test_trend_of_a_snapshot_without_summary_keeps_its_totals():
    t = history.trend([Info("s1", "", date(2026, 3, 1), datetime(2026, 3, 1), 10, 4, {})])
    assert (t["trainers"].iloc[0], t["compliance"].iloc[0]) == (10, 40.0)
    assert t["met"].isna().all()
    assert history.club_trend([Info("s1", "", date(2026, 3, 1), datetime(2026, 3, 1), 10, 4, {})]).empty


def test_club_trend_has_one_row_per_snapshot_and_club():
    infos = [_info(1, BASE, date(2026, 3, 1)), _info(2, BASE[:2], date(2026, 4, 1))]
    c = history.club_trend(infos)
    assert list(c.columns) == history.CLUB_TREND_COLUMNS
    got = {(r.snapshot, r.club): (r.trainers, r.compliant) for r in c.itertuples()}
    assert got == {("s1", "Downtown"): (2, 2), ("s1", "Riverside"): (1, 0), ("s2", "Downtown"): (2, 2)}
    assert history.trend([]).empty and history.club_trend([]).empty


def test_diff_text_has_a_heading_per_list_and_a_line_per_change():
    after = [
        ("T1", "nasm_cpt", "2027-03-31", "met", 2.0),
        BASE[1],
        ("T4", "nasm_cpt", "2026-05-01", "at_risk", 0.0),
    ]
    d = history.diff(standing(BASE), standing(after))
    text = history.diff_text(d, before="s1 (1 Mar 2026)", after="s2 (1 Apr 2026)")
    assert text.splitlines() == [
        "What changed from s1 (1 Mar 2026) to s2 (1 Apr 2026), both judged as of 2026-04-01:",
        "Joined (1):",
        "  Di Evans (T4), Riverside",
        "Left (1):",
        "  Cy Diaz (T3), Riverside",
        "Renewed (1):",
        "  Ana Silva: nasm_cpt 2027-01-31 -> 2027-03-31",
        "Newly lapsed (0)",
        "Newly at risk (0)",
        "Credits added (0)",
        "Certifications added (0)",
        "Certifications dropped (0)",
    ]


def test_diff_text_passes_file_text_through_the_terminal_cleaner():
    d = history.diff(standing([]), standing(BASE[:1]))
    text = history.diff_text(d, before="a", after="b", clean=lambda s: str(s).replace("Ana", "<clean>"))
    assert "  <clean> Silva (T1), Downtown" in text.splitlines()
