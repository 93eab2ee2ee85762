"""A trainer at two clubs: how club cells split, the memberships assembled from the files, narrowing to either
club, and the memberships kept by the store (and derived for snapshots saved before them)."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from cpd import Source, load_catalogue, read_sources
from cpd.access import Scope, club_key, narrow
from cpd.ingest.assemble import club_parts
from cpd.model import MEMBERSHIP_COLUMNS, check_roster, check_standing, memberships_of
from cpd.store import open_store
from tests.helpers import csv_bytes, run

AS_OF = date(2026, 6, 1)
HEAD = ["Name", "Club", "Certification", "Expires"]
KNOWN = frozenset({"downtown", "riverside", "uptown", "24", "7 fitness", "smith", "jones gym"})


@pytest.mark.parametrize(
    ("cell", "known", "parts"),
    [
        ("Downtown / Riverside", KNOWN, ("Downtown", "Riverside")),
        ("Downtown/Riverside", KNOWN, ("Downtown", "Riverside")),
        ("Downtown, Riverside", KNOWN, ("Downtown", "Riverside")),
        ("Downtown; Riverside", KNOWN, ("Downtown", "Riverside")),
        ("Downtown & Riverside", KNOWN, ("Downtown", "Riverside")),
        ("Downtown + Riverside", KNOWN, ("Downtown", "Riverside")),
        ("Downtown | Riverside", KNOWN, ("Downtown", "Riverside")),
        ("downtown AND riverside", KNOWN, ("downtown", "riverside")),
        ("Downtown / Riverside / Uptown", KNOWN, ("Downtown", "Riverside", "Uptown")),
        ("Downtown, Downtown", KNOWN, ("Downtown",)),
        ("  Downtown  ", KNOWN, ("Downtown",)),
        (
            "Downtown / Riverside",
            frozenset({"downtown"}),
            ("Downtown / Riverside",),
        ),  # Riverside alone nowhere
        ("24/7 Fitness", frozenset({"downtown"}), ("24/7 Fitness",)),
        ("Smith & Jones Gym", frozenset({"smith"}), ("Smith & Jones Gym",)),
        ("Grandview", KNOWN, ("Grandview",)),
        ("Downtown /", KNOWN, ("Downtown /",)),  # one part only: kept as written
        ("", KNOWN, ()),
        (None, KNOWN, ()),
    ],
)
def test_club_parts_split_only_into_clubs_named_alone_elsewhere(cell, known, parts):
    assert club_parts(cell, known) == parts


def _read(rows: list[list[str]], *more: list[list[str]]):
    sources = [Source("r.csv", csv_bytes([HEAD, *rows]))]
    sources += [Source(f"r{i}.csv", csv_bytes([HEAD, *m])) for i, m in enumerate(more)]
    return read_sources(sources, catalogue=load_catalogue())


OTHERS = [
    ["Ana Silva", "Downtown", "NASM CPT", "2027-01-01"],
    ["Bo Li", "Riverside", "ACE CPT", "2027-01-01"],
]


@pytest.mark.parametrize(
    ("rows", "more", "club", "clubs"),
    [
        (
            [["Cy Park", "Downtown / Riverside", "NASM CPT", "2027-01-01"]],
            [],
            "Downtown",
            ["Downtown", "Riverside"],
        ),
        (
            [["Cy Park", "Riverside, Downtown", "NASM CPT", "2027-01-01"]],
            [],
            "Riverside",
            ["Riverside", "Downtown"],
        ),
        (
            [
                ["Cy Park", "Downtown", "NASM CPT", "2027-01-01"],
                ["Cy Park", "Riverside", "ACE CPT", "2027-01-01"],
            ],
            [],
            "Downtown",
            ["Downtown", "Riverside"],
        ),
        (
            [["Cy Park", "Riverside", "NASM CPT", "2027-01-01"]],
            [[["cy park", "DOWNTOWN", "ACE CPT", "2027-01-01"]]],
            "Riverside",
            ["Riverside", "DOWNTOWN"],
        ),  # two files
        (
            [
                ["Cy Park", "Downtown", "NASM CPT", "2027-01-01"],
                ["Cy Park", " downtown ", "ACE CPT", "2027-01-01"],
            ],
            [],
            "Downtown",
            ["Downtown"],
        ),  # the same club written twice is one club
        (
            [["Cy Park", "Downtown & Uptown", "NASM CPT", "2027-01-01"]],
            [],
            "Downtown & Uptown",
            ["Downtown & Uptown"],
        ),  # Uptown is named nowhere alone: one club as written
        ([["Cy Park", "", "NASM CPT", "2027-01-01"]], [], "", []),
        (
            [["Cy Park", "", "NASM CPT", "2027-01-01"], ["Cy Park", "Riverside", "ACE CPT", "2027-01-01"]],
            [],
            "Riverside",
            ["Riverside"],
        ),
    ],
)
def test_assembled_memberships_are_every_club_of_a_trainer_primary_first(rows, more, club, clubs):
    roster = _read([*OTHERS, *rows], *more)
    check_roster(roster)
    cy = roster.trainers.loc[roster.trainers["trainer"].eq("Cy Park")]
    assert list(cy["club"]) == [club]
    m = roster.memberships
    assert list(m.columns) == MEMBERSHIP_COLUMNS
    assert list(m.loc[m["trainer_id"].eq(cy["trainer_id"].iloc[0]), "club"]) == clubs
    assert set(m["trainer_id"]) <= set(roster.trainers["trainer_id"])
    one_club = m[~m["trainer_id"].eq(cy["trainer_id"].iloc[0])]
    assert sorted(one_club["club"]) == ["Downtown", "Riverside"]


TWO = {
    "r.csv": csv_bytes(
        [
            HEAD,
            *OTHERS,
            ["Cy Park", "Downtown / Riverside", "NASM CPT", "2026-07-01"],
            ["Di Wu", "Uptown", "ACE CPT", "2027-01-01"],
        ]
    )
}


@pytest.mark.parametrize(
    ("clubs", "trainers", "shown"),
    [
        ({"downtown"}, {"Ana Silva", "Cy Park"}, {"Downtown"}),
        ({"riverside"}, {"Bo Li", "Cy Park"}, {"Riverside"}),
        ({"uptown"}, {"Di Wu"}, {"Uptown"}),
        ({"downtown", "riverside"}, {"Ana Silva", "Bo Li", "Cy Park"}, {"Downtown", "Riverside"}),
    ],
)
def test_narrow_keeps_a_two_club_trainer_for_either_club_showing_only_clubs_in_scope(clubs, trainers, shown):
    st = run(TWO, as_of=AS_OF)
    assert len(st.memberships) == 5
    for role in ("manager", "viewer"):
        out = narrow(st, Scope(role, frozenset(clubs)))
        check_standing(out)
        assert set(out.trainers["trainer"]) == trainers
        assert set(out.standings["trainer"]) == trainers
        for df in (out.trainers, out.standings, out.cpr_cards, out.memberships):
            assert set(df["club"]) <= shown
        assert set(out.memberships["club"].map(club_key)) == clubs
        text = pd.concat(
            [df.astype(str) for df in (out.trainers, out.standings, out.memberships, out.ledger)],
            ignore_index=True,
        ).to_csv()
        for other in {"Downtown", "Riverside", "Uptown"} - shown:
            assert other not in text
        if clubs == {"downtown", "riverside"}:  # both clubs of Cy in scope: the primary is shown
            assert list(out.trainers.loc[out.trainers["trainer"].eq("Cy Park"), "club"]) == ["Downtown"]


def test_narrow_of_a_standing_without_memberships_uses_each_trainers_club():
    from dataclasses import replace

    st = replace(run(TWO, as_of=AS_OF), memberships=None)
    assert list(memberships_of(st)["club"]) == list(st.trainers["club"])
    out = narrow(st, Scope("manager", frozenset({"riverside"})))
    assert set(out.trainers["trainer"]) == {"Bo Li"}


def test_memberships_round_trip_through_the_store_exactly(tmp_path):
    sources = [Source(n, d) for n, d in TWO.items()]
    roster = read_sources(sources, catalogue=load_catalogue())
    with open_store(f"sqlite:///{tmp_path / 'r.db'}") as store:
        info, _ = store.save(roster, sources, as_of=AS_OF)
        back = store.load(info.id).roster
    pd.testing.assert_frame_equal(roster.memberships, back.memberships, check_exact=True)
    assert len(back.memberships) == 5


def test_a_roster_without_memberships_loads_without_them_and_derives_each_trainers_club(tmp_path):
    from dataclasses import replace

    sources = [Source(n, d) for n, d in TWO.items()]
    roster = replace(read_sources(sources, catalogue=load_catalogue()), memberships=None)
    with open_store(f"sqlite:///{tmp_path / 'r.db'}") as store:
        info, _ = store.save(roster, sources, as_of=AS_OF)
        back = store.load(info.id).roster
    assert back.memberships is None
    pd.testing.assert_frame_equal(memberships_of(back), memberships_of(roster), check_exact=True)


@pytest.mark.parametrize(
    ("clubs", "trainers", "per_club"),
    [
        (
            {"downtown", "riverside"},
            3,
            {"Downtown": 2, "Riverside": 1},
        ),  # Cy once, at the first club of theirs
        ({"riverside"}, 2, {"Riverside": 2}),
        ({"uptown"}, 1, {"Uptown": 1}),
    ],
)
def test_scoped_history_summary_counts_a_two_club_trainer_once_at_a_club_in_scope(clubs, trainers, per_club):
    from datetime import datetime

    from cpd.history import scoped_diff, scoped_info, summarise
    from cpd.store import SnapshotInfo

    st = run(TWO, as_of=AS_OF)
    whole = summarise(st)
    info = SnapshotInfo(
        "s1",
        "June",
        "from Uptown HR",
        AS_OF,
        datetime(2026, 6, 1),
        ("uptown.csv",),
        whole["trainers"],
        whole["compliant"],
        whole,
    )
    scope = Scope("viewer", frozenset(clubs))
    seen = scoped_info(info, st, scope)
    assert (seen.trainers, seen.summary["trainers"]) == (trainers, trainers)
    assert {c: v["trainers"] for c, v in seen.summary["clubs"].items()} == per_club
    assert (seen.files, seen.note, seen.label) == ((), "", "June")
    assert scoped_info(info, st, Scope("admin", None)) is info
    joined = scoped_diff(run({"r.csv": csv_bytes([HEAD, *OTHERS])}, as_of=AS_OF), st, scope).joined
    assert set(joined["trainer"]) == ({"Cy Park"} if clubs & {"downtown", "riverside"} else {"Di Wu"})
