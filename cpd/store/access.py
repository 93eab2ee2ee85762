"""Grants and the audit log in the store (tables made by migration ``14a0c0e55a01``).

Grants: one row per email (case-folded) or groups-claim group: role and clubs (``cpd.access.Grant``). Granting
again replaces the grant; revoking deletes it. Both are written to the audit log in the same transaction.

Audit log: who (the signed-in email, or ``cli:<user>`` for the command line), when (UTC), the action (``ACTIONS``),
what (a short text: a snapshot id, a file name, a grant) and the scope it was done in. Append-only from Recert;
``audit_log`` reads the newest first, bounded.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

import sqlalchemy as sa

from cpd.access import Grant, email_key

metadata = sa.MetaData()
grants_table = sa.Table(
    "recert_grants",
    metadata,
    sa.Column("kind", sa.String(8), primary_key=True),
    sa.Column("subject", sa.String(320), primary_key=True),
    sa.Column("role", sa.String(16), nullable=False),
    sa.Column("clubs", sa.Text, nullable=False),
    sa.Column("granted_by", sa.String(320), nullable=False),
    sa.Column("granted_at", sa.DateTime(timezone=True), nullable=False),
)
audit_table = sa.Table(
    "recert_audit",
    metadata,
    sa.Column("id", sa.BigInteger().with_variant(sa.Integer, "sqlite"), primary_key=True, autoincrement=True),
    sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("who", sa.String(320), nullable=False),
    sa.Column("action", sa.String(32), nullable=False),
    sa.Column("what", sa.Text, nullable=False),
    sa.Column("scope", sa.Text, nullable=False),
)
ACTIONS = (
    "signed_in",
    "snapshot_saved",
    "snapshot_deleted",
    "rules_saved",
    "access_granted",
    "access_revoked",
    "downloaded",
)
WHAT_CHARS = 2000
AUDIT_SHOWN = 5000  # the newest entries the Access page shows and downloads


@dataclass(frozen=True)
class AuditEntry:
    at: datetime
    who: str
    action: str
    what: str
    scope: str


def _now() -> datetime:
    return datetime.now(UTC)


def _text(value: object, limit: int = WHAT_CHARS) -> str:
    return "".join(ch if ch.isprintable() else " " for ch in str(value or ""))[:limit]


def _subject(g: Grant) -> tuple[str, str]:
    return ("group", g.group) if g.group else ("email", g.email)


def _describe(g: Grant) -> str:
    who = f"group {g.group}" if g.group else g.email
    return f"{who}: {g.role}" + (f" of {', '.join(g.clubs)}" if g.clubs else " of every club")


def grants(store: object) -> list[Grant]:
    """Every grant, emails first then groups, each sorted."""
    with store._read() as conn:  # type: ignore[attr-defined]
        rows = conn.execute(
            sa.select(grants_table).order_by(grants_table.c.kind, grants_table.c.subject)
        ).all()
    return [
        Grant(
            r.subject if r.kind == "email" else "",
            r.role,
            tuple(json.loads(r.clubs)),
            r.subject if r.kind == "group" else "",
        )
        for r in rows
    ]


def grant(store: object, g: Grant, *, by: str) -> None:
    """Give (or replace) a grant; logged as ``access_granted``."""
    kind, subject = _subject(g)
    row = {
        "kind": kind,
        "subject": subject,
        "role": g.role,
        "clubs": json.dumps(list(g.clubs), ensure_ascii=False),
        "granted_by": _text(by, 320),
        "granted_at": _now(),
    }
    with store._write() as conn:  # type: ignore[attr-defined]
        conn.execute(
            grants_table.delete().where(grants_table.c.kind == kind, grants_table.c.subject == subject)
        )
        conn.execute(grants_table.insert().values(**row))
        _log(conn, by, "access_granted", _describe(g), "all clubs")


def revoke(store: object, email: str = "", *, group: str = "", by: str) -> bool:
    """Remove the grant of an email (case-insensitive) or a group; False when there was none."""
    kind, subject = ("group", str(group).strip()) if group else ("email", email_key(email))
    with store._write() as conn:  # type: ignore[attr-defined]
        gone = conn.execute(
            grants_table.delete().where(grants_table.c.kind == kind, grants_table.c.subject == subject)
        ).rowcount
        if gone:
            _log(conn, by, "access_revoked", f"group {subject}" if kind == "group" else subject, "all clubs")
    return bool(gone)


def admins(store: object) -> list[str]:
    """The emails granted admin (who a person without a grant should ask)."""
    return [g.email for g in grants(store) if g.role == "admin" and g.email]


def _log(conn: sa.Connection, who: str, action: str, what: str, scope: str) -> None:
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    conn.execute(
        audit_table.insert().values(
            at=_now(), who=_text(who, 320), action=action, what=_text(what), scope=_text(scope)
        )
    )


def audit(store: object, who: str, action: str, what: str = "", scope: str = "") -> None:
    """Append one entry to the audit log."""
    with store._write() as conn:  # type: ignore[attr-defined]
        _log(conn, who, action, what, scope)


def audit_log(store: object, limit: int = AUDIT_SHOWN) -> list[AuditEntry]:
    """The newest ``limit`` entries, newest first."""
    with store._read() as conn:  # type: ignore[attr-defined]
        rows = conn.execute(sa.select(audit_table).order_by(audit_table.c.id.desc()).limit(int(limit))).all()
    return [AuditEntry(_aware(r.at), r.who, r.action, r.what, r.scope) for r in rows]


def _aware(t: datetime) -> datetime:
    return t if t.tzinfo else t.replace(tzinfo=UTC)  # SQLite gives naive datetimes back


def known_clubs(store: object) -> Sequence[str]:
    """The clubs of the latest snapshot (empty when none is saved), for the unknown-club warning."""
    from cpd.store import StoreError

    try:
        roster = store.load("latest").roster  # type: ignore[attr-defined]
    except StoreError:
        return ()
    return sorted({str(c) for c in roster.trainers["club"].dropna() if str(c).strip()}, key=str.casefold)
