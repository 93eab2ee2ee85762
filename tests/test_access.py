"""cpd.access: grants, scope_for and narrow as tables; narrow on the bundled sample and on generated rosters."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as hs

import cpd
from cpd.access import EVERYTHING, AccessError, Grant, Scope, club_key, grant_warnings, narrow, scope_for
from cpd.samples import build_sample
from tests.helpers import csv_bytes, run

AS_OF = date(2026, 6, 1)
G = Grant.make
GRANTS = [
    G("Boss@Example.com", "admin"),
    G("dt@example.com", "manager", ["Downtown"]),
    G("two@example.com", "manager", ["downtown", "  NORTHGATE "]),
    G("view@example.com", "viewer", ["Riverside"]),
    G(group="recert-admins", role="admin"),
    G(group="north-staff", role="viewer", clubs=["Northgate"]),
    G(group="river-leads", role="manager", clubs=["Riverside"]),
]


@pytest.mark.parametrize(
    ("email", "groups", "role", "clubs"),
    [
        ("boss@example.com", (), "admin", None),
        ("  BOSS@EXAMPLE.COM ", (), "admin", None),
        ("dt@example.com", (), "manager", {"downtown"}),
        ("DT@Example.COM", (), "manager", {"downtown"}),
        ("two@example.com", (), "manager", {"downtown", "northgate"}),
        ("view@example.com", (), "viewer", {"riverside"}),
        ("dt@example.com", ("recert-admins",), "manager", {"downtown"}),  # an email grant wins over groups
        ("new@example.com", ("recert-admins",), "admin", None),
        ("new@example.com", ("north-staff",), "viewer", {"northgate"}),
        ("new@example.com", ("north-staff", "river-leads"), "manager", {"northgate", "riverside"}),
        ("new@example.com", ("north-staff", "recert-admins"), "admin", None),
    ],
)
def test_scope_for_a_granted_person_is_their_grant(email, groups, role, clubs):
    scope = scope_for(email, groups, GRANTS)
    assert scope is not None
    assert (scope.role, scope.clubs) == (role, None if clubs is None else frozenset(clubs))
    assert scope.label().casefold() == ("all clubs" if clubs is None else ", ".join(sorted(clubs)))
    assert scope.read_only == (role == "viewer") and scope.admin == (role == "admin")


@pytest.mark.parametrize(
    ("email", "groups"),
    [
        ("nobody@example.com", ()),
        ("nobody@example.com", ("unknown-group",)),
        ("", ("recert-admins",)),  # a groups claim without an email is not a person
        ("", ()),
        ("dt@example.com.evil", ()),
        ("xdt@example.com", ()),
    ],
)
def test_scope_for_without_a_grant_is_none(email, groups):
    assert scope_for(email, groups, GRANTS) is None


@pytest.mark.parametrize(
    ("kw", "expected"),
    [
        (
            {"email": " Ana@Example.COM ", "role": "Manager", "clubs": ["Downtown", "downtown ", ""]},
            Grant("ana@example.com", "manager", ("Downtown",)),
        ),
        ({"email": "a@b.c", "role": "admin", "clubs": ["Downtown"]}, Grant("a@b.c", "admin", ())),
        ({"group": " staff ", "role": "viewer", "clubs": ["X"]}, Grant("", "viewer", ("X",), "staff")),
    ],
)
def test_grant_make_normalises(kw, expected):
    assert G(**kw) == expected


@pytest.mark.parametrize(
    ("kw", "words"),
    [
        ({"email": "not-an-email", "role": "admin"}, "not an email"),
        ({"email": "a@@b", "role": "admin"}, "not an email"),
        ({"email": "a b@c.d", "role": "admin"}, "not an email"),
        ({"email": "", "role": "admin"}, "not an email"),
        ({"email": "a@b.c", "role": "owner"}, "not a role"),
        ({"email": "a@b.c", "role": "manager"}, "at least one club"),
        ({"email": "a@b.c", "role": "viewer", "clubs": ["  "]}, "at least one club"),
        ({"email": "a@b.c", "role": "viewer", "clubs": ["x" * 201]}, "longer than"),
        ({"email": "a@b.c", "role": "viewer", "clubs": [f"c{i}" for i in range(501)]}, "at most"),
    ],
)
def test_grant_make_refuses_with_a_sentence(kw, words):
    with pytest.raises(AccessError, match=words):
        G(**kw)


def test_grant_naming_an_unknown_club_is_kept_with_a_warning():
    g = G("a@b.c", "manager", ["Downtown", "Atlantis"])
    assert g.clubs == ("Downtown", "Atlantis")
    said = grant_warnings(g, ["downtown", "Northgate"])
    assert len(said) == 1 and "Atlantis" in said[0]


@pytest.fixture(scope="module")
def sample() -> cpd.Standing:
    files = build_sample(AS_OF)
    return run(files, as_of=AS_OF)


def _frames(st: cpd.Standing) -> dict[str, pd.DataFrame]:
    return {
        "standings": st.standings,
        "trainers": st.trainers,
        "activities": st.activities,
        "contributions": st.contributions,
        "cpr_cards": st.cpr_cards,
        "ledger": st.ledger,
    }


def _text(st: cpd.Standing) -> str:
    parts = [df.astype(str).to_csv() for df in _frames(st).values()]
    parts += [str(w) for w in st.warnings] + [repr(m) for m in st.mappings] + list(st.unreadable)
    return "\n".join(parts)


@pytest.mark.parametrize("clubs", [{"Downtown"}, {"Northgate"}, {"Riverside"}, {"Downtown", "Riverside"}])
def test_narrow_keeps_only_trainers_of_the_scope_in_every_frame(sample, clubs):
    scope = Scope("manager", frozenset(club_key(c) for c in clubs))
    out = narrow(sample, scope)
    t = sample.trainers
    inside = t[t["club"].isin(clubs)]
    outside = t[~t["club"].isin(clubs)]
    assert set(out.trainers["trainer_id"]) == set(inside["trainer_id"])
    for name, df in _frames(out).items():
        if "trainer_id" in df:
            assert set(df["trainer_id"]) <= set(inside["trainer_id"]), name
        assert len(df) <= len(_frames(sample)[name])
    assert set(out.standings["club"]) <= clubs and set(out.cpr_cards["club"]) <= clubs
    text = _text(out)
    for _, row in outside.iterrows():  # no name, id, email or club of another club, anywhere
        for value in (row["trainer"], row["trainer_id"], row["email"], row["club"]):
            assert value not in text, (value, clubs)
    assert out.warnings == () and out.mappings == () and out.unreadable == ()
    kept = sample.standings[sample.standings["trainer_id"].isin(inside["trainer_id"])]
    assert len(out.standings) == len(kept)
    assert len(out.activities) == int(sample.activities["trainer_id"].isin(inside["trainer_id"]).sum())


def test_narrow_keeps_ledger_rows_of_trainers_in_scope_and_no_others(sample):
    scope = Scope("manager", frozenset({"downtown"}))
    out = narrow(sample, scope)
    names = set(sample.trainers.loc[sample.trainers["club"].eq("Downtown"), "trainer"].str.casefold())
    assert len(out.ledger) > 0
    assert set(out.ledger["trainer"].str.casefold()) <= names
    assert set(out.ledger["fate"]) == {"accepted"}  # rejected rows cannot be tied to a club: admins only
    assert (sample.ledger["fate"] != "accepted").any()
    unnamed = sample.ledger["trainer"].fillna("").eq("")
    assert unnamed.any() and not out.ledger["trainer"].fillna("").eq("").any()  # no-trainer rows: admin only
    assert out.counts["rows_read"] == len(out.ledger)


@pytest.mark.parametrize("scope", [EVERYTHING, Scope("admin", None, "a@b.c")])
def test_narrow_for_all_clubs_is_the_same_standing(sample, scope):
    assert narrow(sample, scope) is sample


def test_narrow_to_a_club_nobody_has_is_empty_but_well_formed(sample):
    out = narrow(sample, Scope("viewer", frozenset({"atlantis"})))
    cpd.model.check_standing(out)
    assert all(len(df) == 0 for df in _frames(out).values())
    assert list(out.standings.columns) == list(sample.standings.columns)


def test_narrow_matches_clubs_ignoring_case_and_spaces():
    files = {
        "r.csv": csv_bytes(
            [
                ["Name", "Club", "Certification", "Expires"],
                ["Ana Silva", "  down  TOWN ", "NASM CPT", "2027-03-31"],
                ["Bob Ray", "Uptown", "ACE CPT", "2027-01-01"],
                ["Cid Moe", "", "ACE CPT", "2027-01-01"],
            ]
        )
    }
    st = run(files, as_of=AS_OF)
    out = narrow(st, Scope("manager", frozenset({club_key("Down Town")})))
    assert list(out.trainers["trainer"]) == ["Ana Silva"]
    nobody = narrow(st, Scope("manager", frozenset({""})))  # no club on file: admins only
    assert len(nobody.trainers) == 0


def test_narrow_drops_ledger_rows_whose_name_is_also_out_of_scope():
    """Sam Lee at Downtown, and a rejected row of another Sam Lee at Uptown: the rejected row cannot be tied to a
    club, so no manager gets it; each still sees their own trainers' certifications (by id)."""
    files = {
        "r.csv": csv_bytes(
            [
                ["Staff ID", "Name", "Club", "Certification", "Expires"],
                ["A1", "Sam Lee", "Downtown", "NASM CPT", "2027-03-31"],
                ["B2", "Sam Lee", "Uptown", "ACE CPT", "soon"],
                ["B3", "Bo Ek", "Uptown", "ACE CPT", "2027-01-01"],
            ]
        )
    }
    st = run(files, as_of=AS_OF)
    assert len(st.trainers) >= 2
    for club in ("downtown", "uptown"):
        out = narrow(st, Scope("manager", frozenset({club})))
        assert not out.ledger["fate"].eq("rejected").any()
        assert set(out.trainers["club"].map(club_key)) == {club}


@settings(max_examples=25, deadline=None)
@given(
    hs.lists(
        hs.tuples(
            hs.sampled_from(["Ana", "Bo", "Cy", "Di", "Ed", "Flo"]),
            hs.sampled_from(["North", "South", "north ", ""]),
            hs.sampled_from(["NASM CPT", "ACE CPT", "bogus"]),
            hs.sampled_from(["2027-01-01", "2026-06-20", "soon"]),
        ),
        min_size=1,
        max_size=12,
    ),
    hs.sets(hs.sampled_from(["north", "south", "west"]), min_size=1),
)
def test_narrow_keeps_exactly_the_trainers_with_a_club_in_scope(rows, clubs):
    files = {"r.csv": csv_bytes([["Name", "Club", "Certification", "Expires"], *[list(r) for r in rows]])}
    st = run(files, as_of=AS_OF)
    out = narrow(st, Scope("viewer", frozenset(clubs)))
    m = st.memberships  # a trainer whose rows name two clubs is at both
    ids_in = set(m.loc[m["club"].map(club_key).isin(clubs), "trainer_id"])
    assert set(out.trainers["trainer_id"]) == ids_in
    assert set(out.trainers["club"].map(club_key)) <= clubs
    for df in (out.standings, out.cpr_cards, out.activities, out.contributions):
        assert set(df["trainer_id"]) <= set(out.trainers["trainer_id"])
    outside = set(st.trainers.loc[~st.trainers["trainer_id"].isin(ids_in), "trainer"].str.casefold())
    assert not set(out.ledger["trainer"].str.casefold()) & outside


@pytest.mark.parametrize(
    "value", ["  Down  TOWN ", None, float("nan"), "Ünïcode\u00a0Club", "STRASSE", "ß", 3, "a\tb\nc", ""]
)
def test_club_key_is_the_same_one_value_at_a_time_and_for_a_column(value):
    from cpd.access import _names

    column = pd.Series(["x", value, "x"], dtype=object)
    assert list(_names(column)) == ["x", club_key(value), "x"]
