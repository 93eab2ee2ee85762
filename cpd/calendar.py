"""Deadlines as an iCalendar file (RFC 5545): one all-day event per certification and CPR/AED card.

The file is the one the maintained ``icalendar`` library writes: it makes the calendar's header and every
non-text value (dates, the stamp, the alarm's trigger); the events' lines are put together here with the library's
rules for text (commas, semicolons, backslashes and newlines escaped; lines folded at 75 octets, never inside a
character or right after a backslash; CRLF endings), because its per-property objects took 27 s for a 10k-trainer
chain's 19k events. ``tests/test_calendar_equivalence.py`` holds the bytes to the library-built file's.
UIDs come from who and what (trainer id + credential, or trainer id + CPR/AED), never from the date, so importing
next month's file moves the event instead of adding a second one.
"""

from __future__ import annotations

import functools
import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pandas as pd
from icalendar import Calendar
from icalendar.prop import vDate, vDatetime, vDuration

from .fmt import clean, day, finite, number, status_label
from .model import Standing
from .wording import count, credits_needed, quantity

PRODID = "-//Recert//Certification deadlines//EN"
MIME = "text/calendar"
UID_DOMAIN = "recert"
_UID_NAMESPACE = uuid.UUID("6f1b1c3e-5a52-4e1f-9d59-2b8f3c7a9e41")
# SEQUENCE counts minutes since this instant: every export is a later revision than the one before it,
# so clients that compare SEQUENCE accept the re-import as an update.
_SEQUENCE_EPOCH = datetime(2024, 1, 1, tzinfo=UTC)


def event_uid(kind: str, trainer_id: str, what: str = "") -> str:
    """Stable UID: the same trainer and credential (or CPR/AED card) always get the same one."""
    key = "\x1f".join((kind, str(trainer_id), str(what)))
    return f"{uuid.uuid5(_UID_NAMESPACE, key)}@{UID_DOMAIN}"


def _days_from(days: int, as_of: date) -> str:
    """ "1 day after 1 Jun 2026", "31 days before 1 Jun 2026"."""
    return f"{count(abs(days), 'day')} {'before' if days < 0 else 'after'} {day(as_of)}"


def cpr_sentence(row: Any, as_of: date) -> str:
    """The CPR/AED card as a manager would say it, for one certification row."""
    required = bool(row.cpr_required) if not pd.isna(row.cpr_required) else False
    exp = row.cpr_expires
    if pd.isna(exp):
        return "CPR/AED: no card on file" + (" (required)" if required else "") + "."
    if pd.Timestamp(exp) < pd.Timestamp(as_of):
        return f"CPR/AED: expired on {day(exp)}" + (" (required)" if required else "") + "."
    before = pd.Timestamp(exp) < pd.Timestamp(row.expires)
    return (
        f"CPR/AED: current until {day(exp)}"
        + (", before this renewal: renew it too" if before and required else "")
        + "."
    )


def _cert_description(r: Any, as_of: date, rules_version: str) -> str:
    who = clean(r.trainer) or clean(r.trainer_id)
    club = clean(r.club)
    lines = [
        f"{who}{f' ({club})' if club else ''}: {clean(r.credential_name) or clean(r.credential)}"
        + (f", certificate {clean(r.number)}" if clean(r.number) else "")
        + ".",
        f"Valid through {day(r.expires)}: {_days_from(int(r.days_left), as_of)}.",
        f"Status on {day(as_of)}: {status_label(r.status)}.",
    ]
    need = credits_needed(r.remaining, r.unit, r.hours_per_unit)
    earned, required = finite(r.earned), finite(r.required)
    if need and (finite(r.remaining) or 0) > 0:
        lines.append(
            f"Still needed: {need}; {number(earned or 0)} of {quantity(required or 0, clean(r.unit))} earned."
        )
    elif earned is not None and required is not None:
        lines.append(f"Credits complete: {number(earned)} of {quantity(required, clean(r.unit))}.")
    else:
        lines.append("Credits: not recorded in the files.")
    if (not pd.isna(r.cpr_required) and bool(r.cpr_required)) or not pd.isna(r.cpr_expires):
        lines.append(cpr_sentence(r, as_of))
    reasons = [clean(x) for x in (r.reasons or ()) if clean(x)]
    if reasons:
        lines.append("Notes:")
        lines.extend(f"- {x}" for x in reasons)
    lines.append(
        f"Trainer ID {clean(r.trainer_id)}. Computed by Recert as of {day(as_of)} "
        f"(rules {clean(rules_version)})."
    )
    return "\n".join(lines)


def _card_description(trainer: str, club: str, tid: str, exp: Any, needs: list[str], as_of: date) -> str:
    lines = [
        f"{trainer}{f' ({club})' if club else ''}: CPR/AED card.",
        f"Valid through {day(exp)}: {_days_from((pd.Timestamp(exp) - pd.Timestamp(as_of)).days, as_of)}.",
    ]
    if needs:
        lines.append(
            "Required for: " + ", ".join(needs) + ". Without a current card these certifications are "
            "not met and the trainer is not compliant."
        )
    lines.append("Renew the card before this date and add the new card to the files.")
    lines.append(f"Trainer ID {tid}. Computed by Recert as of {day(as_of)}.")
    return "\n".join(lines)


def _escape(text: str) -> str:
    """TEXT escaping as ``icalendar`` does it (RFC 5545 3.3.11), in its order: a literal backslash-N is a line
    break, then backslashes, semicolons and commas are escaped and every line break is written as ``\\n``."""
    return (
        text.replace(r"\N", "\n")
        .replace("\\", "\\\\")
        .replace(";", r"\;")
        .replace(",", r"\,")
        .replace("\r\n", r"\n")
        .replace("\n", r"\n")
        .replace("\r", r"\n")
    )


def _fold(line: str) -> bytes:
    """One content line in UTF-8, folded as ``icalendar`` folds it: pieces of at most 74 octets cut between
    characters, a piece never ending in a backslash or caret (that character starts the next piece), joined by
    CRLF + space."""
    b = line.encode("utf-8")
    if len(b) < 75:
        return b
    pieces, pos, n = [], 0, len(b)
    while n - pos > 74:
        end = pos + 74
        while b[end] & 0xC0 == 0x80:  # a UTF-8 continuation byte: cut before its character
            end -= 1
        if end - pos > 1 and b[end - 1] in b"\\^":
            end -= 1
        pieces.append(b[pos:end])
        pos = end
    pieces.append(b[pos:])
    return b"\r\n ".join(pieces)


@functools.lru_cache(maxsize=8192)
def _ical_date(day: date) -> str:
    return vDate(day).to_ical().decode()


class _EventWriter:
    """The VEVENT lines ``icalendar.Event.new`` + ``Alarm.new_display`` write, in their order; what is the same
    for every event of one file (stamp, sequence, trigger) is formatted once by the library's value types."""

    def __init__(self, stamp: datetime, sequence: int, alarm_days: int):
        self.stamp = vDatetime(stamp).to_ical().decode()
        self.sequence = str(int(sequence))
        self.trigger = vDuration(timedelta(days=-alarm_days)).to_ical().decode()

    def event(
        self, uid: str, summary: str, description: str, day: date, alarm_text: str, categories: list[str]
    ) -> bytes:
        lines = (
            "BEGIN:VEVENT",
            f"SUMMARY:{_escape(summary)}",
            f"DTSTART;VALUE=DATE:{_ical_date(day)}",
            f"DTEND;VALUE=DATE:{_ical_date(day + timedelta(days=1))}",
            f"DTSTAMP:{self.stamp}",
            f"UID:{_escape(uid)}",
            f"SEQUENCE:{self.sequence}",
            "CATEGORIES:" + ",".join(_escape(c) for c in categories),
            f"DESCRIPTION:{_escape(description)}",
            f"LAST-MODIFIED:{self.stamp}",
            "TRANSP:TRANSPARENT",  # a deadline, not a meeting: it never blocks anyone's free time
            "BEGIN:VALARM",
            "ACTION:DISPLAY",
            f"DESCRIPTION:{_escape(alarm_text)}",
            f"TRIGGER:{self.trigger}",
            "END:VALARM",
            "END:VEVENT",
            "",
        )
        return b"\r\n".join(map(_fold, lines))


def write_calendar(
    st: Standing, *, alarm_days: int | None = None, generated_at: datetime | None = None
) -> bytes:
    """The .ics bytes: certifications and CPR/AED cards expiring on or after as-of, with a reminder alarm
    ``alarm_days`` (default: the risk window) before each expiry."""
    days = st.window if alarm_days is None else int(alarm_days)
    if days < 0:
        raise ValueError("alarm_days must be 0 or more")
    when = generated_at or datetime.now(UTC)
    stamp = (when if when.tzinfo else when.replace(tzinfo=UTC)).astimezone(UTC)
    stamp = stamp.replace(microsecond=0)
    sequence = max(0, int((stamp - _SEQUENCE_EPOCH).total_seconds() // 60))
    T = pd.Timestamp(st.as_of)
    cal = Calendar.new(
        prodid=PRODID,
        name="Recert deadlines",
        uid=event_uid("calendar", ""),
        description=f"Certification and CPR/AED expiry dates, as of {day(st.as_of)}.",
    )
    cal.add("CALSCALE", "GREGORIAN")
    cal.add("METHOD", "PUBLISH")
    head = cal.to_ical()
    end = b"END:VCALENDAR\r\n"
    if not head.endswith(end):
        raise AssertionError("icalendar wrote an unexpected calendar header")
    writer = _EventWriter(stamp, sequence, days)
    out = [head[: -len(end)]]

    s = st.standings
    upcoming = s[pd.to_datetime(s["expires"]) >= T]
    # One event per trainer and credential: the latest expiry is the deadline that matters.
    upcoming = upcoming.sort_values("expires").drop_duplicates(["trainer_id", "credential"], keep="last")
    upcoming = upcoming.sort_values(["expires", "trainer", "credential"], kind="stable")
    for r in upcoming.itertuples(index=False):
        who = clean(r.trainer) or clean(r.trainer_id)
        cred = clean(r.credential_name) or clean(r.credential)
        out.append(
            writer.event(
                event_uid("cert", r.trainer_id, r.credential),
                f"{who}: {cred} expires",
                _cert_description(r, st.as_of, st.rules_version),
                pd.Timestamp(r.expires).date(),
                f"{who}: {cred} expires on {day(r.expires)}",
                ["Recert", "Certification", status_label(r.status)],
            )
        )

    cards = st.cpr_cards
    if len(cards):
        latest = cards.assign(expires=pd.to_datetime(cards["expires"])).dropna(subset=["expires"])
        latest = latest.sort_values("expires").drop_duplicates("trainer_id", keep="last")
        latest = latest[latest["expires"] >= T].sort_values(["expires", "trainer"], kind="stable")
        needs_by = _required_names(s)
        for r in latest.itertuples(index=False):
            who = clean(r.trainer) or clean(r.trainer_id)
            out.append(
                writer.event(
                    event_uid("cpr", r.trainer_id),
                    f"{who}: CPR/AED card expires",
                    _card_description(
                        who,
                        clean(r.club),
                        clean(r.trainer_id),
                        r.expires,
                        needs_by.get(r.trainer_id, []),
                        st.as_of,
                    ),
                    pd.Timestamp(r.expires).date(),
                    f"{who}: CPR/AED card expires on {day(r.expires)}",
                    ["Recert", "CPR/AED"],
                )
            )
    out.append(end)
    return b"".join(out)


def _required_names(s: pd.DataFrame) -> dict[Any, list[str]]:
    """Per trainer id, the names of the credentials that require a CPR/AED card (first spelling of each, in
    standing order), made in one pass instead of a Python call per trainer group."""
    req = s[s["cpr_required"].fillna(False).astype(bool)]
    req = req[req["trainer_id"].notna()]
    seen: dict[Any, dict[Any, None]] = {}
    for tid, name in zip(req["trainer_id"].tolist(), req["credential_name"].tolist(), strict=True):
        seen.setdefault(tid, {})[name] = None
    return {tid: [clean(v) for v in names] for tid, names in seen.items()}
