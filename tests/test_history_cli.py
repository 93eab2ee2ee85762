"""``recert diff`` in a fresh process against a throw-away SQLite store (interfaces.md, "The store")."""

from __future__ import annotations

import json
from datetime import date

import pytest

import cpd
from cpd import Source
from cpd.store import open_store
from tests.helpers import cli
from tests.test_history_app import APRIL, MARCH


def _save(url: str, name: str, data: bytes, as_of: date, label: str) -> str:
    roster = cpd.read_sources([Source(name, data)], catalogue=cpd.load_catalogue())
    store = open_store(url)
    try:
        info, created = store.save(roster, [Source(name, data)], as_of=as_of, label=label)
    finally:
        store.close()
    assert created
    return info.id


@pytest.fixture
def db(tmp_path) -> str:
    return f"sqlite:///{tmp_path / 'recert.db'}"


@pytest.fixture
def two(db) -> tuple[str, str, str]:
    return (
        db,
        _save(db, "roster.csv", MARCH, date(2026, 3, 1), "March"),
        _save(db, "roster-april.csv", APRIL, date(2026, 4, 1), "April"),
    )


def test_diff_of_the_latest_two_is_the_contracts_json(two):
    db, march, april = two
    r = cli("diff", "--db", db, "--format", "json")
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert (out["from"], out["to"], out["as_of"]) == (march, april, "2026-04-01")
    assert out["joined"] == [{"trainer": "Ed Fox", "trainer_id": "S5", "club": "Riverside"}]
    assert out["left"] == [{"trainer": "Di Evans", "trainer_id": "S4", "club": "Riverside"}]
    assert out["renewed"] == [
        {
            "trainer": "Ana Silva",
            "credential": "nasm_cpt",
            "from_expires": "2026-06-30",
            "to_expires": "2028-06-30",
        }
    ]
    assert out["credits_added"] == [{"trainer": "Cy Diaz", "credential": "nasm_cpt", "credits": 1.0}]
    assert out["newly_lapsed"] == out["newly_at_risk"] == []
    assert out["certifications_added"] == out["certifications_dropped"] == []


def test_diff_takes_ids_latest_and_an_as_of_judging_both_sides(two):
    db, march, april = two
    r = cli("diff", april, march, "--db", db, "--format", "json", "--as-of", "2026-03-01")
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert (out["from"], out["to"], out["as_of"]) == (april, march, "2026-03-01")
    assert [j["trainer"] for j in out["joined"]] == ["Di Evans"]  # backwards: April -> March
    r = cli("diff", march, "--db", db, "--format", "json")  # one given: it and the latest
    assert (json.loads(r.stdout)["from"], json.loads(r.stdout)["to"]) == (march, april)


def test_diff_table_names_both_snapshots_and_each_change(two):
    db, march, april = two
    r = cli("diff", "--db", db)
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert lines[0] == (
        f"What changed from {march} (1 Mar 2026, March) to {april} (1 Apr 2026, April), both "
        "judged as of 2026-04-01:"
    )
    assert "  Ed Fox (S5), Riverside" in lines and "  Ana Silva: nasm_cpt 2026-06-30 -> 2028-06-30" in lines


@pytest.mark.parametrize(
    ("args", "sentence"),
    [
        (("nope", "latest"), "There is no snapshot 'nope' in the database"),
        (("a", "b", "c"), "Name at most two snapshots: FROM and TO."),
    ],
)
def test_diff_of_snapshots_that_are_not_there_is_one_sentence(two, args, sentence):
    db, *_ = two
    r = cli("diff", *args, "--db", db)
    assert r.returncode == 1 and r.stdout == ""
    assert r.stderr.startswith(sentence) and len(r.stderr.strip().splitlines()) == 1


def test_diff_with_one_snapshot_saved_says_there_is_nothing_to_compare(db):
    _save(db, "roster.csv", MARCH, date(2026, 3, 1), "March")
    r = cli("diff", "--db", db)
    assert r.returncode == 1
    assert (
        r.stderr.strip()
        == "One snapshot is saved: there is nothing to compare yet (recert import FILE saves one)."
    )


def test_diff_with_a_bad_as_of_is_a_usage_error(db):
    r = cli("diff", "--db", db, "--as-of", "1900-01-01")
    assert r.returncode == 2 and "out of range" in r.stderr
