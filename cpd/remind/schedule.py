"""Who is due a reminder today: pure (a Standing, what was already sent, as_of and a schedule in; reminders out).

A reminder is one *item* of one trainer at one *step* of its schedule. An item is a certification (keyed by its
credential) or the trainer's CPR/AED card where a certification requires one; its deadline is the expiry date.
Steps are offsets in days from the deadline: -90, -60, -30, -7 by default, then +1, +15, +29 ... (every 14 days)
while the certification is in its grace period. On a given day only the *latest* step that has passed is due, and
only when it was not sent yet: a step missed because the job did not run that day still goes out, and a trainer
never gets two steps of the same item at once. A met certification, an expired one (past grace) and a
certification with no date get nothing. A renewal moves the deadline, which starts the schedule again (the
deadline is part of the key).
"""

from __future__ import annotations

from collections.abc import Container
from dataclasses import dataclass
from datetime import date

import pandas as pd

from ..model import Standing

DEFAULT_DAYS_BEFORE = (90, 60, 30, 7)
DEFAULT_GRACE_EVERY = 14
CPR_ITEM = "cpr"
# Certifications that still need something from the trainer (met and expired need nothing from this job).
REMIND_STATUSES = ("grace", "at_risk", "behind", "on_track")


@dataclass(frozen=True)
class Schedule:
    """Days before the deadline to remind at, and how often to remind while in grace (0: never)."""

    days_before: tuple[int, ...] = DEFAULT_DAYS_BEFORE
    grace_every: int = DEFAULT_GRACE_EVERY

    def latest_step(self, days_left: int, grace_days: int) -> int | None:
        """The offset from the deadline (negative: before) of the latest step passed ``days_left`` days before
        the deadline, or None when no step has passed or the grace period is over."""
        if days_left >= 0:
            passed = [b for b in self.days_before if b >= days_left]
            return -min(passed) if passed else None
        late = -days_left  # days since the deadline
        if late > grace_days or self.grace_every <= 0:
            return None
        return 1 + (late - 1) // self.grace_every * self.grace_every


LogKey = tuple[str, str, int, date]  # (trainer_id, item, step, deadline): the sent log's unique key


@dataclass(frozen=True)
class Reminder:
    """One item of one trainer due at one step, with the facts a message needs (numbers in the body's unit)."""

    trainer_id: str
    trainer: str
    club: str
    email: str
    item: str  # the credential id, or "cpr" for the CPR/AED card
    label: str  # the credential as written, or "CPR/AED card"
    deadline: date
    step: int  # days after the deadline (negative: before it)
    status: str  # the certification's status ("cpr" for a card)
    days_left: int
    grace_ends: date | None = None
    required: float | None = None
    earned: float | None = None
    remaining: float | None = None
    unit: str = ""
    hours_per_unit: float | None = None
    cpr_required: bool = False
    cpr_expires: date | None = None
    reasons: tuple[str, ...] = ()

    @property
    def key(self) -> LogKey:
        return (self.trainer_id, self.item, self.step, self.deadline)


def _num(x: object) -> float | None:
    try:
        f = float(x)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return None if f != f else f


def _day(x: object) -> date | None:
    if x is None or x is pd.NaT:
        return None
    try:
        ts = pd.Timestamp(x)
    except (TypeError, ValueError):
        return None
    return None if pd.isna(ts) else ts.date()


def due(
    standing: Standing, sent_log: Container[LogKey], *, as_of: date, schedule: Schedule = Schedule()
) -> list[Reminder]:
    """Every reminder due on ``as_of`` and not in ``sent_log`` (keys already sent or being sent), in the
    standing's order (most urgent first), certifications before the trainer's CPR/AED card.

    ``standing`` must be computed for ``as_of``: statuses are the engine's, never re-derived here.
    """
    if standing.as_of != as_of:
        raise ValueError(f"the standing is computed for {standing.as_of}, not {as_of}")
    s = standing.standings
    if not len(s):
        return []
    T = pd.Timestamp(as_of)
    emails = standing.trainers.drop_duplicates("trainer_id").set_index("trainer_id")["email"]
    expires = pd.to_datetime(s["expires"])
    grace_ends = pd.to_datetime(s["grace_ends"], errors="coerce").fillna(expires)
    days_left = (expires - T).dt.days
    grace_days = (grace_ends - expires).dt.days.clip(lower=0)
    keep = s["status"].isin(REMIND_STATUSES) & expires.notna() & s["trainer_id"].notna()
    out: list[Reminder] = []
    cols = s.assign(x_exp=expires, x_left=days_left, x_grace=grace_days, x_gend=grace_ends)[keep]
    for r in cols.itertuples(index=False):
        step = schedule.latest_step(int(r.x_left), int(r.x_grace))
        if step is None:
            continue
        tid = str(r.trainer_id)
        deadline = r.x_exp.date()
        if (tid, str(r.credential), step, deadline) in sent_log:
            continue
        out.append(
            Reminder(
                trainer_id=tid,
                trainer=str(r.trainer),
                club="" if pd.isna(r.club) else str(r.club),
                email=_text(emails.get(r.trainer_id, "")),
                item=str(r.credential),
                label=_text(r.credential_name) or str(r.credential),
                deadline=deadline,
                step=step,
                status=str(r.status),
                days_left=int(r.x_left),
                grace_ends=_day(r.x_gend),
                required=_num(r.required),
                earned=_num(r.earned),
                remaining=_num(r.remaining),
                unit=_text(r.unit),
                hours_per_unit=_num(r.hours_per_unit),
                cpr_required=bool(r.cpr_required) if not pd.isna(r.cpr_required) else False,
                cpr_expires=_day(r.cpr_expires),
                reasons=tuple(str(x) for x in (r.reasons or ())),
            )
        )
    out.extend(_card_reminders(standing, sent_log, T, schedule, emails))
    return out


def _text(x: object) -> str:
    return "" if x is None or (isinstance(x, float) and x != x) or x is pd.NA else str(x)


def _card_reminders(
    standing: Standing, sent_log: Container[LogKey], T: pd.Timestamp, schedule: Schedule, emails: pd.Series
) -> list[Reminder]:
    """The CPR/AED card, where a certification that is not expired requires one and a card with a date is on
    file: the same steps before the card's expiry, then every ``grace_every`` days while a certification that
    requires it is still valid or in grace (the trainer cannot work without it)."""
    s = standing.standings
    req = s["cpr_required"].fillna(False).astype(bool) & ~s["status"].eq("expired") & s["trainer_id"].notna()
    card = pd.to_datetime(s["cpr_expires"])
    req &= card.notna()
    if not req.any():
        return []
    expires = pd.to_datetime(s["expires"])
    ends = pd.to_datetime(s["grace_ends"], errors="coerce").fillna(expires)
    f = s[req].assign(x_card=card[req], x_ends=ends[req])
    g = f.groupby("trainer_id", sort=False).agg(
        trainer=("trainer", "first"),
        club=("club", "first"),
        card=("x_card", "max"),
        ends=("x_ends", "max"),
        names=("credential_name", lambda x: ", ".join(dict.fromkeys(_text(v) for v in x))),
    )
    out = []
    for tid, r in zip(g.index.tolist(), g.itertuples(index=False), strict=True):
        left = int((r.card - T).days)
        after = max(0, int((r.ends - r.card).days))
        step = schedule.latest_step(left, after)
        if step is None:
            continue
        deadline = r.card.date()
        key = (str(tid), CPR_ITEM, step, deadline)
        if key in sent_log:
            continue
        out.append(
            Reminder(
                trainer_id=str(tid),
                trainer=str(r.trainer),
                club=_text(r.club),
                email=_text(emails.get(tid, "")),
                item=CPR_ITEM,
                label="CPR/AED card",
                deadline=deadline,
                step=step,
                status="cpr",
                days_left=left,
                cpr_required=True,
                cpr_expires=deadline,
                reasons=(f"required for {r.names}",) if r.names else (),
            )
        )
    return out
