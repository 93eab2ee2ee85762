"""One reminder run: prepare (pure) what is due, then claim, send and mark each message (the edge).

``prepare`` turns a Standing, the sent log's done keys and the settings into messages and skips. ``send_all``
sends them through one SMTP session: each message is claimed in the sent log first (a message another run has
claimed is left to it), marked sent once the server accepted it, failed with the reason when it did not. When the
connection fails or drops, that message and every later one is recorded as failed (not sent) and goes out on the
next run; nothing is sent twice.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Protocol

from ..fmt import clean
from ..mail import ConnectionLost, Mailer, MessageRefused, SmtpSettings
from ..model import Standing
from .compose import Outgoing, Skipped, plan_messages, to_bytes
from .schedule import LogKey, due
from .settings import RemindSettings


class Log(Protocol):
    def claim(
        self,
        keys: Sequence[LogKey],
        *,
        kind: str,
        recipient: str,
        subject: str,
        run_id: str,
        now: datetime | None = None,
    ) -> bool: ...

    def claim_many(
        self,
        messages: Sequence[tuple[Sequence[LogKey], str, str, str]],
        *,
        run_id: str,
        now: datetime | None = None,
    ) -> list[bool]: ...

    def mark_sent(self, keys: Iterable[LogKey], *, run_id: str, now: datetime | None = None) -> None: ...

    def mark_failed(self, keys: Iterable[LogKey], *, run_id: str, reason: str) -> None: ...


# Messages claimed per transaction: claims are committed in batches (one commit each) and marked sent one by one
# (a crash after the server accepted a message re-sends at most that one; the rest of a batch was not sent, and
# its pending claims are retried after ``retry_pending_after``).
CLAIM_BATCH = 50


@dataclass
class Summary:
    """The run's outcome, as ``recert remind --format json`` prints it."""

    sent: int = 0
    digests: int = 0
    skipped: list[dict[str, str]] = field(default_factory=list)
    failed: list[dict[str, str]] = field(default_factory=list)
    claimed_elsewhere: int = 0  # messages another run had claimed (not in the JSON contract)

    def as_json(self) -> dict[str, Any]:
        return {"sent": self.sent, "skipped": self.skipped, "failed": self.failed, "digests": self.digests}

    @property
    def exit_code(self) -> int:
        return 1 if self.failed else 0


@dataclass(frozen=True)
class Plan:
    messages: list[Outgoing]
    skipped: list[Skipped]


def prepare(
    standing: Standing,
    *,
    settings: RemindSettings,
    managers: Mapping[str, Sequence[str]],
    done: Any = frozenset(),
    only: str | None = None,
    generated_at: datetime | None = None,
) -> Plan:
    """What this run would send: trainers' reminders due on the standing's as-of and not ``done``, and the
    managers' digests not sent this period; with ``only``, just the messages to that address."""
    reminders = due(standing, done, as_of=standing.as_of, schedule=settings.schedule)
    messages, skipped = plan_messages(
        standing, reminders, settings=settings, managers=managers, done=done, generated_at=generated_at
    )
    if only is not None:
        messages = [m for m in messages if m.to.lower() == only.lower()]
        skipped = []
    return Plan(messages, skipped)


def _failed(summary: Summary, m: Outgoing, reason: str) -> None:
    summary.failed.append({"to": m.to, "reason": clean(reason)})


def _give_up(log: Log, summary: Summary, messages: Sequence[Outgoing], run: str, reason: str) -> None:
    """Record these claimed messages as not sent (one transaction) and list them in the summary."""
    log.mark_failed([k for m in messages for k in m.keys], run_id=run, reason=reason)
    for m in messages:
        _failed(summary, m, reason)


def send_all(
    plan: Plan,
    *,
    log: Log,
    smtp: SmtpSettings,
    settings: RemindSettings,
    run_id: str | None = None,
    mailer: Callable[[SmtpSettings], Mailer] = Mailer,
    now: Callable[[], datetime] | None = None,
) -> Summary:
    """Send the plan's messages through one connection, claiming each in ``log`` first (see the module doc)."""
    clock = now or (lambda: datetime.now(UTC))
    run = run_id or uuid.uuid4().hex
    summary = Summary(skipped=[{"trainer": s.who, "reason": s.reason} for s in plan.skipped])
    if not plan.messages:
        return summary
    lost: str | None = None
    m_out: Mailer | None = None
    try:
        m_out = mailer(smtp)
        m_out.connect()
    except ConnectionLost as exc:
        lost, m_out = str(exc), None
    try:
        for at in range(0, len(plan.messages), CLAIM_BATCH):
            batch = plan.messages[at : at + CLAIM_BATCH]
            claimed = log.claim_many(
                [(m.keys, m.kind, m.to, m.subject) for m in batch], run_id=run, now=clock()
            )
            summary.claimed_elsewhere += claimed.count(False)
            mine = [m for m, ok in zip(batch, claimed, strict=True) if ok]
            for i, m in enumerate(mine):
                if lost is not None or m_out is None:
                    _give_up(log, summary, mine[i:], run, f"not sent: {lost}")
                    break
                try:
                    m_out.send(to_bytes(m, sender=smtp.sender, sender_name=settings.from_name), m.to)
                except MessageRefused as exc:
                    log.mark_failed(m.keys, run_id=run, reason=str(exc))
                    _failed(summary, m, str(exc))
                    continue
                except ConnectionLost as exc:
                    lost = f"{exc}" if str(exc).startswith("Cannot") else f"the connection was lost ({exc})"
                    _give_up(log, summary, [m], run, lost)
                    continue
                log.mark_sent(m.keys, run_id=run, now=clock())
                if m.kind == "digest":
                    summary.digests += 1
                else:
                    summary.sent += 1
    finally:
        if m_out is not None:
            m_out.close()
    return summary


def smoke_message(to: str, *, smtp: SmtpSettings, due_count: int) -> Outgoing:
    """``--only EMAIL`` when nothing due goes to EMAIL: one message that proves the settings work."""
    text = (
        f"This is a test message from Recert's reminders, sent through {smtp.describe()}.\n\n"
        f"{due_count} message(s) are due today; none of them is addressed to you.\n"
    )
    return Outgoing(
        kind="test",
        to=to,
        to_name="",
        who="test message",
        subject="Recert: test message",
        text=text,
        html=f"<p>{text.replace(chr(10), '<br>')}</p>",
        keys=(),
    )


def send_test(
    m: Outgoing,
    *,
    smtp: SmtpSettings,
    settings: RemindSettings,
    mailer: Callable[[SmtpSettings], Mailer] = Mailer,
) -> Summary:
    """Send one unlogged message (the test message)."""
    summary = Summary()
    try:
        with mailer(smtp) as out:
            out.send(to_bytes(m, sender=smtp.sender, sender_name=settings.from_name), m.to)
    except (ConnectionLost, MessageRefused) as exc:
        _failed(summary, m, str(exc))
    else:
        summary.sent = 1
    return summary


def dry_run_text(plan: Plan) -> str:
    """What would go out, for a person (``--dry-run``): each message's recipient, subject and text."""
    out = []
    for m in plan.messages:
        to = f"{m.to_name} <{m.to}>" if m.to_name else m.to
        attach = " [+ recert-deadlines.ics]" if m.ics else ""
        out.append(f"To: {clean(to)}\nSubject: {clean(m.subject)}{attach}\n\n{_terminal(m.text)}")
    for s in plan.skipped:
        out.append(f"Skipped {clean(s.who)}: {clean(s.reason)}")
    trainers = sum(m.kind == "trainer" for m in plan.messages)
    out.append(
        f"Dry run: {trainers} reminder(s) and {len(plan.messages) - trainers} digest(s) would be sent, "
        f"{len(plan.skipped)} skipped; nothing was sent or recorded."
    )
    return "\n---\n".join(out) + "\n"


def _terminal(text: str) -> str:
    return "".join(ch if ch.isprintable() or ch == "\n" else "?" for ch in text)
