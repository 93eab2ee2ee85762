"""Grants and the audit log in the store (SQLite and a throw-away PostgreSQL), and recert grant/revoke/access."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from cpd.access import Grant, scope_for
from cpd.store import access as stored
from cpd.store import open_store
from tests.helpers import cli
from tests.pg import pg_cluster, pg_url  # noqa: F401 - fixtures

G = Grant.make


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request, tmp_path):
    url = f"sqlite:///{tmp_path / 'r.db'}" if request.param == "sqlite" else request.getfixturevalue("pg_url")
    with open_store(url) as s:
        yield s


def test_grant_list_revoke_by_email_case_insensitively(store):
    stored.grant(store, G("Ana@Example.com", "manager", ["Downtown", "Uptown"]), by="boss@example.com")
    stored.grant(store, G("boss@example.com", "admin"), by="cli:root")
    stored.grant(store, G(group="north", role="viewer", clubs=["Northgate"]), by="cli:root")
    got = stored.grants(store)
    assert got == [
        G("ana@example.com", "manager", ["Downtown", "Uptown"]),
        G("boss@example.com", "admin"),
        G(group="north", role="viewer", clubs=["Northgate"]),
    ]  # emails (sorted), then groups
    assert scope_for("ANA@example.COM", (), got).clubs == frozenset({"downtown", "uptown"})
    assert stored.admins(store) == ["boss@example.com"]
    stored.grant(store, G("ANA@example.com", "viewer", ["Uptown"]), by="boss@example.com")  # replaces
    assert [g for g in stored.grants(store) if g.email == "ana@example.com"] == [
        G("ana@example.com", "viewer", ["Uptown"])
    ]
    assert stored.revoke(store, " ana@EXAMPLE.com", by="boss@example.com") is True
    assert stored.revoke(store, "ana@example.com", by="boss@example.com") is False
    assert stored.revoke(store, group="north", by="boss@example.com") is True
    assert stored.grants(store) == [G("boss@example.com", "admin")]


def test_audit_log_keeps_who_when_what_scope_newest_first(store):
    before = datetime.now(UTC) - timedelta(seconds=1)
    stored.grant(store, G("a@b.c", "viewer", ["X"]), by="boss@example.com")
    stored.audit(store, "a@b.c", "signed_in", "", "X")
    stored.audit(store, "a@b.c", "downloaded", "recert-report-2026-06-01.xlsx", "x")
    stored.revoke(store, "a@b.c", by="boss@example.com")
    log = stored.audit_log(store)
    assert [e.action for e in log] == ["access_revoked", "downloaded", "signed_in", "access_granted"]
    assert log[1].what == "recert-report-2026-06-01.xlsx" and log[1].who == "a@b.c" and log[1].scope == "x"
    assert log[3].what == "a@b.c: viewer of X" and log[3].who == "boss@example.com"
    assert all(before <= e.at <= datetime.now(UTC) + timedelta(seconds=1) for e in log)
    assert len(stored.audit_log(store, limit=2)) == 2
    with pytest.raises(ValueError, match="unknown audit action"):
        stored.audit(store, "a@b.c", "teleported")


def test_audit_text_is_printable_and_bounded(store):
    stored.audit(store, "a@b.c\x1b[31m", "downloaded", "x\x00y" + "z" * 5000, "s")
    e = stored.audit_log(store)[0]
    assert e.who == "a@b.c [31m" and e.what.startswith("x y") and len(e.what) == stored.WHAT_CHARS


def test_cli_grant_revoke_access_follow_the_contract(tmp_path):
    db = f"sqlite:///{tmp_path / 'r.db'}"
    ok = cli("grant", "Boss@Example.com", "--role", "admin", "--db", db)
    assert ok.returncode == 0, ok.stderr
    man = cli(
        "grant", "dt@example.com", "--role", "manager", "--club", "Downtown", "--club", "Atlantis", "--db", db
    )
    assert man.returncode == 0 and "Atlantis" in man.stderr and "warning" in man.stderr  # unknown club: kept
    listed = cli("access", "--format", "json", "--db", db)
    assert listed.returncode == 0
    assert json.loads(listed.stdout) == [
        {"email": "boss@example.com", "role": "admin", "clubs": []},
        {"email": "dt@example.com", "role": "manager", "clubs": ["Downtown", "Atlantis"]},
    ]
    assert cli("revoke", "DT@EXAMPLE.COM", "--db", db).returncode == 0
    assert [g["email"] for g in json.loads(cli("access", "--format", "json", "--db", db).stdout)] == [
        "boss@example.com"
    ]
    table = cli("access", "--db", db)
    assert table.returncode == 0 and "boss@example.com" in table.stdout and "every club" in table.stdout
    with open_store(db) as s:
        actions = [e.action for e in stored.audit_log(s)]
        assert actions == ["access_revoked", "access_granted", "access_granted"]
        assert all(e.who.startswith("cli") for e in stored.audit_log(s))


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (("grant", "not-an-email", "--role", "admin"), "not an email"),
        (("grant", "a@b.c", "--role", "manager"), "at least one club"),
        (("grant", "a@b.c", "--group", "g", "--role", "admin"), "one of them"),
        (("revoke",), "one of them"),
    ],
)
def test_cli_bad_usage_exits_2_with_one_sentence(tmp_path, args, words):
    out = cli(*args, "--db", f"sqlite:///{tmp_path / 'r.db'}")
    assert out.returncode == 2 and words in out.stderr and "Traceback" not in out.stderr


def test_cli_unknown_role_is_a_usage_error(tmp_path):
    out = cli("grant", "a@b.c", "--role", "owner", "--db", f"sqlite:///{tmp_path / 'r.db'}")
    assert out.returncode == 2 and "invalid choice" in out.stderr


def test_cli_unusable_database_exits_1_with_one_sentence(tmp_path):
    bad = tmp_path / "not.db"
    bad.write_bytes(b"this is not a database" * 100)
    out = cli("access", "--db", f"sqlite:///{bad}")
    assert out.returncode == 1 and out.stderr.count("\n") == 1 and "Traceback" not in out.stderr
