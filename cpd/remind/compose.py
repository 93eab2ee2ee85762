"""The messages, made from the due reminders: pure (no network, no clock but the ``as_of`` and stamp passed in).

To a trainer, one message for everything of theirs due today: what is missing in the body's unit and in hours,
by when, their CPR/AED card, the reasons in plain words, and an .ics of their deadlines (``cpd.calendar``'s
events, byte for byte). To each club's manager, a digest of that club's lapsed, at risk and behind trainers only.
Plain text with an HTML alternative that escapes every value and loads nothing from anywhere.

Header safety: a recipient is one parsed address (``email.headerregistry.Address``), never text pasted into a
header; names reach headers only as an Address's display name after control characters are removed; subjects are
one line. So a name or course holding CR/LF, ``?bcc=`` or ``%0A`` stays text and adds no header or recipient.
"""

from __future__ import annotations

import base64
import dataclasses
import email.policy
import functools
import hashlib
import html
import re
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from email.errors import HeaderParseError
from email.headerregistry import Address
from email.utils import format_datetime

import pandas as pd

from ..calendar import event_uid, write_calendar
from ..fmt import clean, day, number
from ..model import LAPSED, Standing
from ..reminders import first_name
from ..wording import credits_needed, quantity
from .schedule import CPR_ITEM, LogKey, Reminder
from .settings import RemindSettings, club_key

MAX_ADDRESS = 254
MAX_SUBJECT = 200
_DOT_ATOM = re.compile(r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*")
_DOMAIN = re.compile(
    r"(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+(?:[A-Za-z]{2,63}|xn--[A-Za-z0-9-]{1,59})"
)


class AddressProblem(ValueError):
    """Why an address cannot be used (the reason listed in the run's summary)."""


def parse_address(text: object) -> str:
    """The one address ``text`` holds, as an addr-spec, or AddressProblem with the reason.

    Accepted: one plain ``local@domain.tld`` in ASCII (what every mail server takes), checked by the ``email``
    package's own parser; refused: empty, several, a name with <...>, quoted or bracketed parts, control
    characters, a query (``?bcc=``) after the domain, more than 254 characters.
    """
    raw = "" if text is None or (isinstance(text, float) and text != text) or text is pd.NA else str(text)
    s = raw.strip()
    if not s:
        raise AddressProblem("no email address on file")
    if len(s) > MAX_ADDRESS:
        raise AddressProblem("the email address is longer than 254 characters")
    if not s.isprintable():
        raise AddressProblem("the email address holds line breaks or control characters")
    if not s.isascii():
        raise AddressProblem("the email address holds characters outside ASCII")
    try:
        addr = Address(addr_spec=s)
    except (ValueError, IndexError, HeaderParseError):
        raise AddressProblem("the email address is not valid") from None
    if (
        addr.addr_spec != s
        or not _DOT_ATOM.fullmatch(addr.username or "")
        or not _DOMAIN.fullmatch(addr.domain or "")
    ):
        raise AddressProblem("the email address is not valid")
    return addr.addr_spec


def header_text(text: object, limit: int = MAX_SUBJECT) -> str:
    """One line for a header: control characters removed, runs of blanks one space, at most ``limit``."""
    t = clean(text)
    return t if len(t) <= limit else t[: limit - 1] + "…"


@dataclass(frozen=True)
class Outgoing:
    """One message ready to send: the parsed recipient, the texts and the sent-log keys it settles."""

    kind: str  # "trainer" | "digest"
    to: str  # addr-spec, parsed
    to_name: str  # display name, one clean line
    who: str  # the trainer, or "digest for <club>", for the summary
    subject: str
    text: str
    html: str
    keys: tuple[LogKey, ...]
    ics: bytes | None = None


@dataclass(frozen=True)
class Skipped:
    who: str
    reason: str


def _in_days(n: int) -> str:
    return "today" if n == 0 else ("tomorrow" if n == 1 else f"in {n} days")


def _credits(r: Reminder) -> str:
    """What is still missing, in the body's unit and in hours; "" when nothing or unknown."""
    if r.remaining is None or r.required is None or r.earned is None:
        return ""
    if r.remaining <= 0:
        return "Your credits are complete: submit the renewal before the deadline."
    unit = clean(r.unit) or "credits"
    return (
        f"Still needed: {credits_needed(r.remaining, r.unit, r.hours_per_unit)} of continuing education "
        f"(you have {number(r.earned)} of {quantity(r.required, unit)})."
    )


def _cpr_line(r: Reminder, as_of: date) -> str:
    if not r.cpr_required:
        return ""
    if r.cpr_expires is None:
        return (
            f"CPR/AED: no card on file, and {clean(r.label)} requires one: please send a copy of your card."
        )
    if r.cpr_expires < as_of:
        return (
            f"CPR/AED: your card expired on {day(r.cpr_expires)}: renew it and send a copy of the new card."
        )
    if r.cpr_expires < r.deadline:
        return f"CPR/AED: your card runs out on {day(r.cpr_expires)}, before this renewal: book a refresher."
    return f"CPR/AED: current until {day(r.cpr_expires)}."


def item_lines(r: Reminder, as_of: date) -> tuple[str, list[str]]:
    """One due item: its headline and the detail lines under it."""
    name = clean(r.label)
    if r.item == CPR_ITEM:
        if r.days_left >= 0:
            head = f"CPR/AED card: expires on {day(r.deadline)} ({_in_days(r.days_left)})."
        else:
            head = (
                f"CPR/AED card: expired on {day(r.deadline)}. Without a current card you cannot be counted as "
                "certified: renew it and send a copy of the new card."
            )
        return head, [f"Why: {clean(x)}." for x in r.reasons if clean(x)]
    if r.days_left < 0:
        until = f" until {day(r.grace_ends)}" if r.grace_ends else ""
        head = (
            f"{name}: lapsed on {day(r.deadline)}. It can still be renewed late{until} (usually with a late "
            "fee), but it is not valid until it is renewed."
        )
    else:
        head = f"{name}: expires on {day(r.deadline)} ({_in_days(r.days_left)})."
    details = [x for x in (_credits(r), _cpr_line(r, as_of)) if x]
    if r.remaining is None and r.item != CPR_ITEM:
        details.append(
            "Credits are not recorded here: send your CE certificates so the records are complete."
        )
    reasons = [clean(x) for x in r.reasons if clean(x)]
    if reasons:
        details.append("Why: " + "; ".join(reasons) + ".")
    return head, details


def _subject(items: Sequence[Reminder]) -> str:
    if any(r.days_left < 0 for r in items):
        return "Your certifications: action needed now"
    first = min(items, key=lambda r: r.deadline)
    if len(items) == 1:
        return header_text(f"Your {first.label} expires on {day(first.deadline)}: action needed")
    return f"Your certifications: action needed by {day(first.deadline)}"


def _html(paragraphs: Iterable[str | tuple[str, Sequence[tuple[str, Sequence[str]]]]]) -> str:
    """A small HTML document: every value escaped, inline style only, no image, link or remote resource."""
    out = [
        '<!DOCTYPE html><html><head><meta charset="utf-8"></head>'
        '<body style="font-family:sans-serif;line-height:1.4">'
    ]
    for p in paragraphs:
        if isinstance(p, tuple):
            title, items = p
            if title:
                out.append(f"<p><strong>{html.escape(title)}</strong></p>")
            out.append("<ul>")
            for head, details in items:
                sub = "".join(f"<br>{html.escape(d)}" for d in details)
                out.append(f"<li>{html.escape(head)}{sub}</li>")
            out.append("</ul>")
        else:
            out.append(f"<p>{html.escape(p)}</p>")
    out.append("</body></html>")
    return "".join(out)


def trainer_message(
    items: Sequence[Reminder], *, as_of: date, settings: RemindSettings, to: str, ics: bytes | None = None
) -> Outgoing:
    """The message to one trainer about everything of theirs due today (``items``: one trainer's reminders)."""
    r0 = items[0]
    greeting = first_name(r0.trainer)
    club = clean(r0.club)
    listed = [item_lines(r, as_of) for r in sorted(items, key=lambda r: (r.deadline, r.item))]
    intro = (
        f"A reminder{f' from {club}' if club else ''} about your certifications (checked on {day(as_of)}):"
    )
    closing = ["When it's done, send the certificates to your manager so the records are updated."]
    if ics:
        closing.append("The attached calendar file holds your deadlines.")
    text = [f"Hi {greeting}," if greeting else "Hi,", "", intro, ""]
    for head, details in listed:
        text.append(f"- {head}")
        text.extend(f"  {d}" for d in details)
    text += ["", *closing, "", "Thanks!"]
    if settings.sign_off:
        text.append(settings.sign_off)
    paragraphs: list = [f"Hi {greeting}," if greeting else "Hi,", intro, ("", listed), *closing, "Thanks!"]
    if settings.sign_off:
        paragraphs.append(settings.sign_off)
    return Outgoing(
        kind="trainer",
        to=to,
        to_name=header_text(r0.trainer, 120),
        who=clean(r0.trainer),
        subject=_subject(items),
        text="\n".join(text) + "\n",
        html=_html(paragraphs),
        keys=tuple(r.key for r in items),
        ics=ics,
    )


def period_start(as_of: date, every: int) -> date:
    """The first day of the ``every``-day period ``as_of`` falls in (periods counted from 1 Jan 0001)."""
    return date.fromordinal(as_of.toordinal() - as_of.toordinal() % every)


def digest_key(club: str, to: str, as_of: date, every: int) -> LogKey:
    """A digest goes out once per ``every`` days per club and address (the period's first day is its deadline)."""
    start = period_start(as_of, every)
    h = hashlib.sha256(f"{club_key(club)}\x1f{to.lower()}".encode()).hexdigest()[:24]
    return ("", f"digest:{h}", 0, start)


def digest_lines(standing: Standing) -> dict[str, list[tuple[str, str, list[str]]]]:
    """Per club key: (group, trainer, lines) for its lapsed, at risk and behind certifications, worst first."""
    s = standing.standings
    s = s[s["status"].isin((*LAPSED, "at_risk", "behind"))]
    groups = {"expired": "Lapsed", "grace": "Lapsed", "at_risk": "At risk", "behind": "Behind"}
    T = pd.Timestamp(standing.as_of)
    out: dict[str, dict[tuple[str, str], list[str]]] = {}
    for r in s.itertuples(index=False):
        what = clean(r.credential_name) or clean(r.credential)
        if pd.isna(r.expires):
            when = "marked expired (no date on file)"
        elif r.status in LAPSED:
            when = f"lapsed on {day(r.expires)}" + (
                " (in grace: renewable late)" if r.status == "grace" else ""
            )
        else:
            left = int((pd.Timestamp(r.expires) - T).days)
            when = f"expires on {day(r.expires)} ({_in_days(left)})"
        need = credits_needed(r.remaining, r.unit, r.hours_per_unit) if (r.remaining or 0) > 0 else ""
        line = f"{what}: {when}" + (f", needs {need}" if need else "")
        key = (groups[r.status], clean(r.trainer) or clean(r.trainer_id))
        out.setdefault(club_key(r.club), {}).setdefault(key, []).append(line)
    order = {"Lapsed": 0, "At risk": 1, "Behind": 2}
    result: dict[str, list[tuple[str, str, list[str]]]] = {}
    for club, by in out.items():
        # a trainer is listed once, in their worst group (lapsed before at risk before behind)
        best: dict[str, tuple[str, list[str]]] = {}
        for (group, who), lines in by.items():
            prev = best.get(who)
            if prev is None or order[group] < order[prev[0]]:
                best[who] = (group, (prev[1] if prev else []) + lines)
            else:
                best[who] = (prev[0], prev[1] + lines)
        result[club] = sorted(((g, w, ls) for w, (g, ls) in best.items()), key=lambda x: (order[x[0]], x[1]))
    return result


_DIGEST_CLOSING = "Each trainer with a deadline on today's schedule was sent their own reminder."


def digest_message(
    club: str, to: str, entries: list[tuple[str, str, list[str]]], *, as_of: date, settings: RemindSettings
) -> Outgoing:
    """A club manager's digest: only this club's trainers who are lapsed, at risk or behind."""
    name = clean(club)
    counts = {g: len({w for gg, w, _ in entries if gg == g}) for g in ("Lapsed", "At risk", "Behind")}
    summary = ", ".join(f"{n} {g.lower()}" for g, n in counts.items() if n)
    text = [f"Certifications at {name} as of {day(as_of)}: {summary}.", ""]
    sections: list[tuple[str, list[tuple[str, list[str]]]]] = []
    for group in ("Lapsed", "At risk", "Behind"):
        rows = [(w, ls) for g, w, ls in entries if g == group]
        if not rows:
            continue
        text.append(f"{group}:")
        for who, lines in rows:
            text.append(f"- {who}: " + "; ".join(lines))
        text.append("")
        sections.append((group, [(f"{who}: " + "; ".join(lines), []) for who, lines in rows]))
    text.append(_DIGEST_CLOSING)
    if settings.sign_off:
        text += ["", settings.sign_off]
    html_doc = _html(
        [text[0], *sections, _DIGEST_CLOSING, *([settings.sign_off] if settings.sign_off else [])]
    )
    return Outgoing(
        kind="digest",
        to=to,
        to_name="",
        who=f"digest for {name}",
        subject=header_text(f"Recert digest for {name}, {day(as_of)}: {summary}"),
        text="\n".join(text) + "\n",
        html=html_doc,
        keys=(digest_key(club, to, as_of, settings.digest_every),),
    )


class Calendars:
    """Each trainer's own .ics, cut from one ``write_calendar`` of the whole standing (one pass; each event's
    bytes exactly as the Calendar export writes them), by the stable UIDs of their certifications and card."""

    def __init__(self, standing: Standing, generated_at: datetime | None = None):
        data = write_calendar(standing, generated_at=generated_at)
        first = data.find(b"BEGIN:VEVENT")
        end = b"END:VCALENDAR\r\n"
        self.head = data[:first] if first >= 0 else data[: -len(end)]
        self.end = end
        self.events: dict[str, bytes] = {}
        if first >= 0:
            body = data[first : -len(end)]
            for ev in body.split(b"BEGIN:VEVENT\r\n")[1:]:
                i = ev.find(b"\r\nUID:")
                uid = ev[i + 6 : ev.find(b"\r\n", i + 6)].decode()
                self.events[uid] = b"BEGIN:VEVENT\r\n" + ev
        s = standing.standings
        self.credentials: dict[str, list[str]] = {}
        for tid, cred in zip(
            s["trainer_id"].astype(str).tolist(), s["credential"].astype(str).tolist(), strict=True
        ):
            self.credentials.setdefault(tid, []).append(cred)

    def for_trainer(self, trainer_id: str) -> bytes | None:
        uids = [event_uid("cert", trainer_id, c) for c in dict.fromkeys(self.credentials.get(trainer_id, []))]
        uids.append(event_uid("cpr", trainer_id))
        events = [self.events[u] for u in uids if u in self.events]
        return self.head + b"".join(events) + self.end if events else None


def _only(standing: Standing, trainer_ids: Iterable[str]) -> Standing:
    """The standing of these trainers only (their calendars are all a run needs)."""
    ids = set(trainer_ids)
    s, cards = standing.standings, standing.cpr_cards
    return dataclasses.replace(
        standing,
        standings=s[s["trainer_id"].astype(str).isin(ids)],
        cpr_cards=cards[cards["trainer_id"].astype(str).isin(ids)] if len(cards) else cards,
    )


def plan_messages(
    standing: Standing,
    reminders: Sequence[Reminder],
    *,
    settings: RemindSettings,
    managers: Mapping[str, Sequence[str]],
    done: set[LogKey] | frozenset[LogKey] = frozenset(),
    generated_at: datetime | None = None,
) -> tuple[list[Outgoing], list[Skipped]]:
    """Every message to send for these due reminders (one per trainer), then the managers' digests whose key is
    not in ``done``; trainers or managers without a usable address are skipped with the reason."""
    as_of = standing.as_of
    by_trainer: dict[str, list[Reminder]] = {}
    for r in reminders:
        by_trainer.setdefault(r.trainer_id, []).append(r)
    out: list[Outgoing] = []
    skipped: list[Skipped] = []
    calendars = Calendars(_only(standing, by_trainer.keys()), generated_at) if by_trainer else None
    for tid, items in by_trainer.items():
        try:
            to = parse_address(items[0].email)
        except AddressProblem as exc:
            skipped.append(Skipped(clean(items[0].trainer) or tid, str(exc)))
            continue
        out.append(
            trainer_message(
                items,
                as_of=as_of,
                settings=settings,
                to=to,
                ics=calendars.for_trainer(tid) if calendars else None,
            )
        )
    if managers:
        lines = digest_lines(standing)
        for club, addrs in managers.items():
            entries = lines.get(club_key(club))
            if not entries:
                continue
            for a in addrs:
                try:
                    to = parse_address(a)
                except AddressProblem as exc:
                    skipped.append(Skipped(f"digest for {clean(club)}", f"{exc}: '{header_text(a, 80)}'"))
                    continue
                msg = digest_message(club, to, entries, as_of=as_of, settings=settings)
                if msg.keys[0] not in done:
                    out.append(msg)
    return out, skipped


_POLICY = email.policy.SMTP  # CRLF line ends, headers folded and RFC 2047-encoded by the email package


def _header(name: str, value: object) -> bytes:
    """One header line as the ``email`` package writes it, from a parsed value (an Address, or one clean line)."""
    return _POLICY.fold_binary(name, _POLICY.header_store_parse(name, value)[1])


@functools.lru_cache(maxsize=64)
def _from_header(sender: str, sender_name: str) -> bytes:
    return _header("From", Address(display_name=header_text(sender_name, 120), addr_spec=sender))


# A display name or subject made only of these needs no quoting, encoding or folding when its line is short: the
# email package writes it as is (tests/test_remind_compose.py holds the two paths to the same bytes), so the
# header is written directly; anything else goes through the package.
_PLAIN_NAME = re.compile(r"[A-Za-z0-9]+(?: [A-Za-z0-9]+)*")
_PLAIN_SUBJECT = re.compile(r"[A-Za-z0-9,.:()'/-]+(?: [A-Za-z0-9,.:()'/-]+)*")


def to_header(name: str, addr: str) -> bytes:
    """The To line for a parsed addr-spec and a display name (cleaned, at most 120 characters)."""
    name = header_text(name, 120)
    if not name or _PLAIN_NAME.fullmatch(name):
        line = f"To: {name} <{addr}>" if name else f"To: {addr}"
        if len(line) <= 76:
            return f"{line}\r\n".encode()
    return _header("To", Address(display_name=name, addr_spec=addr))


def subject_header(subject: str) -> bytes:
    text = header_text(subject)
    if _PLAIN_SUBJECT.fullmatch(text) and len(text) <= 67:
        return f"Subject: {text}\r\n".encode()
    return _header("Subject", text)


def _b64(data: bytes) -> bytes:
    return base64.encodebytes(data).replace(b"\n", b"\r\n")


def to_bytes(o: Outgoing, *, sender: str, sender_name: str = "", when: datetime | None = None) -> bytes:
    """The message as handed to the server: text/plain with a text/html alternative, the .ics attached.

    From, To and Subject are made by the ``email`` package from parsed objects only (the sender and recipient as
    ``Address`` objects, the subject one clean line); every body part is base64, under part headers written
    here from constants, so no text from a file can reach a header line. (Built by hand because
    ``EmailMessage`` took 4 ms a message: 30 s for a 10k chain's 4,400 messages.) ``tests/test_remind_send.py``
    parses what the server received back with the ``email`` package.
    """
    token = uuid.uuid4().hex
    mixed, alt = f"==recert-mixed-{token}==".encode(), f"==recert-alt-{token}==".encode()
    head = [
        _from_header(sender, sender_name),
        to_header(o.to_name, o.to),
        subject_header(o.subject),
        f"Date: {format_datetime(when or datetime.now().astimezone())}\r\n".encode(),
        f"Message-ID: <{token}@{sender.rpartition('@')[2]}>\r\n".encode(),
        b"Auto-Submitted: auto-generated\r\nMIME-Version: 1.0\r\n",
    ]
    alternative = (
        b'Content-Type: multipart/alternative; boundary="' + alt + b'"\r\n\r\n'
        b"--" + alt + b'\r\nContent-Type: text/plain; charset="utf-8"\r\n'
        b"Content-Transfer-Encoding: base64\r\n\r\n"
        + _b64(o.text.encode())
        + b"--"
        + alt
        + b'\r\nContent-Type: text/html; charset="utf-8"\r\n'
        b"Content-Transfer-Encoding: base64\r\n\r\n" + _b64(o.html.encode()) + b"--" + alt + b"--\r\n"
    )
    if not o.ics:
        return b"".join(head) + alternative
    return (
        b"".join(head) + b'Content-Type: multipart/mixed; boundary="' + mixed + b'"\r\n\r\n'
        b"--"
        + mixed
        + b"\r\n"
        + alternative
        + b"--"
        + mixed
        + b'\r\nContent-Type: text/calendar; charset="utf-8"; method=PUBLISH\r\n'
        b"Content-Transfer-Encoding: base64\r\n"
        b'Content-Disposition: attachment; filename="recert-deadlines.ics"\r\n\r\n'
        + _b64(o.ics)
        + b"--"
        + mixed
        + b"--\r\n"
    )
