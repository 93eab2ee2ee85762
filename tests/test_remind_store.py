"""The reminders' sent log on a real store: SQLite in a temporary file and PostgreSQL (tests/pg.py)."""

from __future__ import annotations

import multiprocessing
from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa

from cpd.store import open_store
from cpd.store.sent import SentLog, reminder_log

K1 = ("t1", "nasm_cpt", -30, date(2026, 7, 1))
K2 = ("t1", "cpr", -7, date(2026, 6, 8))
NOW = datetime(2026, 6, 1, 6, 0, tzinfo=UTC)


@pytest.fixture(params=["sqlite", "postgresql"])
def url(request, tmp_path):
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'recert.db'}"
    return request.getfixturevalue("pg_url")


@pytest.fixture
def log(url, monkeypatch):
    monkeypatch.setenv("RECERT_DATABASE_URL", url)
    return SentLog(open_store().engine)


def claim(log, keys, run, now=NOW):
    return log.claim(keys, kind="trainer", recipient="t1@example.com", subject="s", run_id=run, now=now)


def test_the_migration_makes_the_table_sent_py_writes(log):
    insp = sa.inspect(log.engine)
    cols = {c["name"] for c in insp.get_columns("reminder_log")}
    assert cols == {c.name for c in reminder_log.columns}
    uniques = [sorted(u["column_names"]) for u in insp.get_unique_constraints("reminder_log")]
    assert sorted(["trainer_id", "item", "step", "deadline"]) in uniques


def test_a_key_is_claimed_once(log):
    assert claim(log, [K1], "run-a")
    assert not claim(log, [K1], "run-b")
    assert K1 in log.done(now=NOW)


def test_a_message_is_claimed_whole_or_not_at_all(log):
    assert claim(log, [K2], "run-a")
    assert not claim(log, [K1, K2], "run-b")  # K2 is taken: K1 is not claimed either
    assert claim(log, [K1], "run-c")


def test_a_failed_key_is_claimed_again_by_the_next_run(log):
    assert claim(log, [K1], "run-a")
    log.mark_failed([K1], run_id="run-a", reason="the SMTP server closed the connection")
    assert K1 not in log.done(now=NOW)
    assert claim(log, [K1], "run-b")
    log.mark_sent([K1], run_id="run-b", now=NOW)
    (entry,) = log.entries()
    assert (entry.status, entry.attempts, entry.reason) == ("sent", 2, "")


def test_a_sent_key_is_never_claimed_again(log):
    assert claim(log, [K1], "run-a")
    log.mark_sent([K1], run_id="run-a", now=NOW)
    assert not claim(log, [K1], "run-b", now=NOW + timedelta(days=30))


@pytest.mark.parametrize(
    ("age", "claimable"), [(timedelta(minutes=59), False), (timedelta(minutes=61), True)]
)
def test_a_pending_claim_is_retried_only_after_the_retry_time(log, age, claimable):
    assert claim(log, [K1], "crashed", now=NOW - age)
    assert (K1 not in log.done(now=NOW)) is claimable
    assert claim(log, [K1], "run-b", now=NOW) is claimable


def test_only_the_claiming_run_marks_its_keys(log):
    assert claim(log, [K1], "run-a")
    log.mark_sent([K1], run_id="run-b", now=NOW)
    assert log.entries()[0].status == "pending"


def test_long_keys_are_stored_by_digest_and_still_unique(log):
    long = ("x" * 500, "an unknown credential " * 20, 1, date(2026, 6, 1))
    other = ("x" * 499 + "y", long[1], 1, date(2026, 6, 1))
    assert claim(log, [long], "a") and claim(log, [other], "b")
    assert not claim(log, [long], "c")
    assert long in log.done(now=NOW) and other in log.done(now=NOW)


def _claimer(url: str, keys: list, run: str, start, out) -> None:
    log = SentLog(open_store(url).engine)
    start.wait(30)
    out.put(
        (
            run,
            [
                k
                for k in keys
                if log.claim([k], kind="trainer", recipient="x@example.com", subject="s", run_id=run)
            ],
        )
    )


def test_two_processes_claiming_the_same_keys_get_each_key_once(url):
    open_store(url)  # migrated once, before the race
    keys = [(f"t{i}", "nasm_cpt", -30, date(2026, 7, 1)) for i in range(60)]
    ctx = multiprocessing.get_context("spawn")
    start, out = ctx.Event(), ctx.Queue()
    procs = [ctx.Process(target=_claimer, args=(url, keys, f"run-{n}", start, out)) for n in range(2)]
    for p in procs:
        p.start()
    start.set()
    got = dict(out.get(timeout=120) for _ in procs)
    for p in procs:
        p.join(60)
    both = got["run-0"] + got["run-1"]
    assert sorted(both) == sorted(keys) and len(both) == len(set(both))


def test_a_batch_claims_each_message_whole_or_not_at_all(log):
    K3 = ("t2", "ace_cpt", -7, date(2026, 6, 8))
    assert claim(log, [K2], "other")
    got = log.claim_many(
        [
            ([K1], "trainer", "a@example.com", "s"),
            ([K3, K2], "trainer", "b@example.com", "s"),
            ([K3], "trainer", "b@example.com", "s"),
        ],
        run_id="run-a",
        now=NOW,
    )
    assert got == [True, False, True]  # the second rolled back alone: K3 was free for the third
    mine = sorted((e.trainer_id, e.item) for e in log.entries() if e.status == "pending")
    assert mine == [("t1", "cpr"), ("t1", "nasm_cpt"), ("t2", "ace_cpt")]
    log.mark_failed([K1, K3], run_id="run-a", reason="not sent: the SMTP server closed the connection")
    assert sorted(e.status for e in log.entries()) == ["failed", "failed", "pending"]
