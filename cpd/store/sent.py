"""The reminders' sent log: every message ``recert remind`` sends is claimed here first, then marked.

One row per (trainer_id, item, step, deadline) under a unique constraint, so two runs (one after the other, at the
same time, or one after a crash) agree on who sends what:

1. *claim*: before sending, a run inserts the message's keys as ``pending`` (all of one message's keys in one
   transaction; if any is already taken the message is not this run's to send);
2. after the SMTP server accepted the message the keys are marked ``sent``; when it did not, ``failed`` with the
   reason, and a later run claims them again;
3. a ``pending`` claim older than ``retry_pending_after`` (default 60 minutes) belongs to a run that died between
   claiming and marking: a later run claims it again. In that window the message may or may not have reached the
   server; it is sent again rather than never (at most one duplicate, only after a crash at that exact point).

Claims are conditional writes (insert-if-absent, then update-if-failed-or-stale): no read-then-write race.
The table is made by the store's migration ``b7e5d0c1a2f4`` (``migrations/versions``).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

TABLE = "reminder_log"
KEY_CHARS = 200
metadata = sa.MetaData()
reminder_log = sa.Table(
    TABLE,
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("trainer_id", sa.String(KEY_CHARS), nullable=False),
    sa.Column("item", sa.String(KEY_CHARS), nullable=False),
    sa.Column("step", sa.Integer, nullable=False),
    sa.Column("deadline", sa.Date, nullable=False),
    sa.Column("kind", sa.String(16), nullable=False),
    sa.Column("recipient", sa.String(320), nullable=False),
    sa.Column("subject", sa.String(300), nullable=False, server_default=""),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("run_id", sa.String(64), nullable=False),
    sa.Column("claimed_at", sa.DateTime, nullable=False),
    sa.Column("sent_at", sa.DateTime, nullable=True),
    sa.Column("reason", sa.String(1000), nullable=False, server_default=""),
    sa.Column("attempts", sa.Integer, nullable=False, server_default="1"),
    sa.UniqueConstraint("trainer_id", "item", "step", "deadline", name="uq_reminder_log_key"),
)
sa.Index("ix_reminder_log_trainer", reminder_log.c.trainer_id)
STATUSES = ("pending", "sent", "failed")


def _statements() -> tuple[dict[str, Any], Any, Any]:
    """The claim and mark statements, built once with bound parameters (built per call they cost a compile
    each: 7 s for 1,000 messages)."""
    from sqlalchemy.dialects import postgresql, sqlite

    t = reminder_log.c
    key = ["trainer_id", "item", "step", "deadline"]
    inserts = {
        name: mod.insert(reminder_log).on_conflict_do_nothing(index_elements=key).returning(t.id)
        for name, mod in (("sqlite", sqlite), ("postgresql", postgresql))
    }
    same_key = (
        t.trainer_id == sa.bindparam("k_tid"),
        t.item == sa.bindparam("k_item"),
        t.step == sa.bindparam("k_step"),
        t.deadline == sa.bindparam("k_deadline"),
    )
    reclaim = (
        reminder_log.update()
        .where(
            *same_key,
            sa.or_(
                t.status == "failed", sa.and_(t.status == "pending", t.claimed_at < sa.bindparam("cutoff"))
            ),
        )
        .values(
            status="pending",
            run_id=sa.bindparam("v_run"),
            claimed_at=sa.bindparam("v_at"),
            kind=sa.bindparam("v_kind"),
            recipient=sa.bindparam("v_recipient"),
            subject=sa.bindparam("v_subject"),
            reason="",
            sent_at=None,
            attempts=t.attempts + 1,
        )
    )
    mark = (
        reminder_log.update()
        .where(*same_key, t.run_id == sa.bindparam("k_run"), t.status == "pending")
        .values(
            status=sa.bindparam("v_status"),
            sent_at=sa.bindparam("v_sent_at"),
            reason=sa.bindparam("v_reason"),
        )
    )
    return inserts, reclaim, mark


_INSERT_IF_ABSENT, _RECLAIM, _MARK = _statements()


def _fit(text: str) -> str:
    """A key part as stored: as is up to 200 characters, else a digest of it (the unique key stays exact)."""
    return text if len(text) <= KEY_CHARS else "sha256:" + hashlib.sha256(text.encode()).hexdigest()


def stored_key(key: tuple[str, str, int, date]) -> tuple[str, str, int, date]:
    tid, item, step, deadline = key
    return (_fit(str(tid)), _fit(str(item)), int(step), deadline)


class _Keys:
    """A set of stored keys that answers ``key in it`` for keys as ``cpd.remind`` makes them."""

    def __init__(self, keys: set[tuple[str, str, int, date]]):
        self.keys = keys

    def __contains__(self, key: object) -> bool:
        return isinstance(key, tuple) and len(key) == 4 and stored_key(key) in self.keys

    def __len__(self) -> int:
        return len(self.keys)


@dataclass(frozen=True)
class LogEntry:
    trainer_id: str
    item: str
    step: int
    deadline: date
    kind: str
    recipient: str
    subject: str
    status: str
    claimed_at: datetime
    sent_at: datetime | None
    reason: str
    attempts: int


def _now(now: datetime | None) -> datetime:
    t = now or datetime.now(UTC)
    return (t.astimezone(UTC) if t.tzinfo else t).replace(tzinfo=None)  # stored as naive UTC, every database


class SentLog:
    """The sent log on a store's database (``engine``: the store's SQLAlchemy engine, migrated)."""

    def __init__(self, engine: Engine, *, retry_pending_after: timedelta = timedelta(minutes=60)):
        self.engine = engine
        self.retry_pending_after = retry_pending_after

    @contextmanager
    def _write(self) -> Iterator[Connection]:
        """One write transaction; on the store's SQLite it takes the write lock at its start (BEGIN IMMEDIATE,
        waiting up to the busy timeout), so two runs' claims queue instead of failing on a lock upgrade."""
        with self.engine.connect() as c:
            conn = c.execution_options(recert_write=True)
            with conn.begin():
                yield conn

    def done(self, *, now: datetime | None = None) -> _Keys:
        """Keys already sent, or claimed by a run that is still within its time: not due again."""
        cutoff = _now(now) - self.retry_pending_after
        t = reminder_log.c
        q = sa.select(t.trainer_id, t.item, t.step, t.deadline).where(
            sa.or_(t.status == "sent", sa.and_(t.status == "pending", t.claimed_at >= cutoff))
        )
        with self.engine.connect() as conn:
            return _Keys({(a, b, int(c), d) for a, b, c, d in conn.execute(q)})

    def claim(
        self,
        keys: Sequence[tuple[str, str, int, date]],
        *,
        kind: str,
        recipient: str,
        subject: str,
        run_id: str,
        now: datetime | None = None,
    ) -> bool:
        """Take every key of one message for this run, or none of them (False: another run has, or had, it)."""
        return self.claim_many([(keys, kind, recipient, subject)], run_id=run_id, now=now)[0]

    def claim_many(
        self,
        messages: Sequence[tuple[Sequence[tuple[str, str, int, date]], str, str, str]],
        *,
        run_id: str,
        now: datetime | None = None,
    ) -> list[bool]:
        """``claim`` for several messages ((keys, kind, recipient, subject) each) in one transaction, each message
        whole or not at all (a savepoint per message): one commit for a batch instead of one per message."""
        at = _now(now)
        cutoff = at - self.retry_pending_after
        out = []
        with self._write() as conn:
            for keys, kind, recipient, subject in messages:
                try:
                    with conn.begin_nested():
                        for key in keys:
                            if not self._claim_one(
                                conn,
                                stored_key(key),
                                kind=kind,
                                recipient=recipient[:320],
                                subject=subject[:300],
                                run_id=run_id,
                                at=at,
                                cutoff=cutoff,
                            ):
                                raise _Taken
                except _Taken:
                    out.append(False)
                else:
                    out.append(True)
        return out

    def _claim_one(
        self,
        conn: Connection,
        key: tuple[str, str, int, date],
        *,
        kind: str,
        recipient: str,
        subject: str,
        run_id: str,
        at: datetime,
        cutoff: datetime,
    ) -> bool:
        tid, item, step, deadline = key
        row = {
            "trainer_id": tid,
            "item": item,
            "step": step,
            "deadline": deadline,
            "kind": kind,
            "recipient": recipient,
            "subject": subject,
            "status": "pending",
            "run_id": run_id,
            "claimed_at": at,
            "reason": "",
            "attempts": 1,
        }
        ins = _INSERT_IF_ABSENT.get(conn.dialect.name)
        if ins is not None:
            if conn.execute(ins, row).first() is not None:  # a row back: inserted (rowcount is -1 on psycopg)
                return True
        else:  # any other database: a savepoint around a plain insert
            try:
                with conn.begin_nested():
                    conn.execute(reminder_log.insert(), row)
                return True
            except sa.exc.IntegrityError:
                pass
        return (
            conn.execute(
                _RECLAIM,
                {
                    "k_tid": tid,
                    "k_item": item,
                    "k_step": step,
                    "k_deadline": deadline,
                    "cutoff": cutoff,
                    "v_run": run_id,
                    "v_at": at,
                    "v_kind": kind,
                    "v_recipient": recipient,
                    "v_subject": subject,
                },
            ).rowcount
            == 1
        )

    def _mark(
        self,
        keys: Iterable[tuple[str, str, int, date]],
        run_id: str,
        *,
        status: str,
        sent_at: datetime | None = None,
        reason: str = "",
    ) -> None:
        params = [
            {
                "k_tid": tid,
                "k_item": item,
                "k_step": step,
                "k_deadline": deadline,
                "k_run": run_id,
                "v_status": status,
                "v_sent_at": sent_at,
                "v_reason": reason,
            }
            for tid, item, step, deadline in map(stored_key, keys)
        ]
        if params:
            with self._write() as conn:
                conn.execute(_MARK, params)  # one executemany

    def mark_sent(
        self, keys: Iterable[tuple[str, str, int, date]], *, run_id: str, now: datetime | None = None
    ) -> None:
        self._mark(keys, run_id, status="sent", sent_at=_now(now))

    def mark_failed(self, keys: Iterable[tuple[str, str, int, date]], *, run_id: str, reason: str) -> None:
        self._mark(keys, run_id, status="failed", reason=reason[:1000])

    def entries(self, trainer_ids: Iterable[str] | None = None, *, limit: int = 100_000) -> list[LogEntry]:
        """What was sent, claimed or failed, newest first (for the Reminders page: per trainer, what when)."""
        t = reminder_log.c
        q = sa.select(
            t.trainer_id,
            t.item,
            t.step,
            t.deadline,
            t.kind,
            t.recipient,
            t.subject,
            t.status,
            t.claimed_at,
            t.sent_at,
            t.reason,
            t.attempts,
        ).order_by(t.claimed_at.desc(), t.id.desc())
        if trainer_ids is not None:
            q = q.where(t.trainer_id.in_([_fit(str(x)) for x in trainer_ids]))
        with self.engine.connect() as conn:
            return [
                LogEntry(**row._mapping) for row in conn.execute(q.limit(limit))
            ]  # columns named as the fields


class _Taken(Exception):
    """A key of the message is another run's: roll the whole claim back."""
