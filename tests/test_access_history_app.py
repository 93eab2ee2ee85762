"""History for a manager or viewer (issue 14), through AppTest with a faked st.user: the trend, the snapshot list
and the diff hold their clubs only, counted from their clubs' rows (a trainer at two of their clubs once), and
nothing to delete or keep."""

from __future__ import annotations

import json
from datetime import date

import pytest

import cpd
from app_pages import _access
from cpd.access import Grant, Scope, narrow
from cpd.samples import build_sample
from cpd.store import access as stored
from cpd.store import open_store
from tests.helpers import csv_bytes
from tests.test_access_app import ADMIN, DT, VIEW, _app, _signed, _text

MARCH, JUNE = date(2026, 3, 1), date(2026, 6, 1)
TWO_CLUB = (
    "two-clubs.csv",
    csv_bytes(
        [
            ["Name", "Club", "Certification", "Expires"],
            ["Zed Quill", "Downtown / Riverside", "NASM CPT", "2026-06-20"],
        ]
    ),
)
BOTH = "both@example.com"


def _snapshot(as_of: date, extra: bool):
    files = build_sample(as_of)
    sources = [cpd.Source(n, d) for n, d in files.items()] + ([cpd.Source(*TWO_CLUB)] if extra else [])
    cat = cpd.load_catalogue()
    roster = cpd.read_sources(sources, catalogue=cat, on_error="collect")
    return roster, sources, cpd.compute_standing(roster, cat, as_of=as_of)


@pytest.fixture(scope="module")
def snaps():
    return {"March": _snapshot(MARCH, False), "June": _snapshot(JUNE, True)}


@pytest.fixture
def db(tmp_path, monkeypatch, snaps):
    url = f"sqlite:///{tmp_path / 'recert.db'}"
    monkeypatch.setenv("RECERT_DATABASE_URL", url)
    monkeypatch.delenv("RECERT_DEMO", raising=False)
    with open_store(url) as s:
        for label, (roster, sources, _) in snaps.items():
            s.save(roster, sources, as_of=MARCH if label == "March" else JUNE, label=label)
        for g in (
            Grant.make(ADMIN, "admin"),
            Grant.make(DT, "manager", ["Downtown"]),
            Grant.make(VIEW, "viewer", ["Riverside"]),
            Grant.make(BOTH, "manager", ["Downtown", "Riverside"]),
        ):
            stored.grant(s, g, by="test")
    _access.forget_grants()
    yield url
    _access.forget_grants()


def _charts(at) -> str:
    return "\n".join(json.dumps(json.loads(c.proto.spec)) for c in at.get("plotly_chart"))


def _others(snaps, clubs: set[str]) -> list[str]:
    """Names, ids, emails and clubs of trainers with no club in ``clubs``, in either snapshot."""
    out = []
    for _, _, st in snaps.values():
        m = cpd.model.memberships_of(st)
        mine = set(m.loc[m["club"].isin(clubs), "trainer_id"])
        t = st.trainers[~st.trainers["trainer_id"].isin(mine)]
        out += [v for col in ("trainer", "trainer_id", "email") for v in t[col] if v]
        out += [c for c in m["club"] if c not in clubs]
    return sorted(set(out))


@pytest.mark.usefixtures("db")
@pytest.mark.parametrize(
    ("email", "clubs"), [(DT, {"Downtown"}), (VIEW, {"Riverside"}), (BOTH, {"Downtown", "Riverside"})]
)
def test_history_of_a_manager_or_viewer_holds_their_clubs_only_counted_once(snaps, email, clubs):
    at = _app(_signed(email))
    at.switch_page("app_pages/history.py").run()
    assert not at.exception
    assert at.title[0].value == "History"
    text = _text(at) + _charts(at)
    leaked = [v for v in _others(snaps, clubs) if v in text]
    assert not leaked, leaked[:5]
    expected = {
        label: len(narrow(st, Scope("manager", frozenset(c.casefold() for c in clubs))).trainers)
        for label, (_, _, st) in snaps.items()
    }
    assert expected["June"] == expected["March"] + 1  # Zed, at both Downtown and Riverside, once
    snapshots = at.dataframe[-1].value
    assert dict(zip(snapshots["Label"], snapshots["Trainers"], strict=True)) == expected
    assert {"Files", "Note"}.isdisjoint(at.dataframe[-1].proto.column_order)  # file names may name clubs
    assert list(at.dataframe[-1].proto.column_order)
    assert not [c for c in at.checkbox if c.label.startswith("Delete")]
    assert "Apply now" not in [b.label for b in at.button]


@pytest.mark.usefixtures("db")
def test_history_diff_of_a_manager_lists_the_two_club_joiner_at_their_club():
    at = _app(_signed(VIEW))
    at.switch_page("app_pages/history.py").run()
    joined = [df.value for df in at.dataframe if "Zed Quill" in df.value.astype(str).to_csv()]
    assert joined, "the two-club trainer joined Riverside"
    assert "Downtown" not in joined[0].astype(str).to_csv()


@pytest.mark.usefixtures("db")
def test_history_of_an_admin_keeps_every_club_and_the_delete_and_retention_controls(snaps):
    at = _app(_signed(ADMIN))
    at.switch_page("app_pages/history.py").run()
    assert not at.exception
    snapshots = at.dataframe[-1].value
    assert dict(zip(snapshots["Label"], snapshots["Trainers"], strict=True)) == {
        label: len(st.trainers) for label, (_, _, st) in snaps.items()
    }
    assert [c for c in at.checkbox if c.label.startswith("Delete")]
    assert "Apply now" in [b.label for b in at.button]
