"""The export code as it was at commit a3f1cc0 (before the chain-size speed-up), frozen as the reference.

Do not edit: ``tests/test_reminders.py`` and ``tests/test_calendar_equivalence.py`` check that the fast
``cpd.reminders`` and ``cpd.calendar`` give these functions' output byte for byte. Only the imports changed
(``cpd.attention``, ``cpd.export``, ``cpd.model`` and ``cpd.wording`` are the live modules).
"""

# ruff: noqa

from __future__ import annotations

import math
import re
import unicodedata
import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any
from urllib.parse import quote

import pandas as pd
from icalendar import Alarm, Calendar, Event

from cpd.attention import ACTION_STATUSES, attention_frame
from cpd.export import write_csv
from cpd.model import STATUS_LABELS, Standing
from cpd.wording import count, quantity, singular

# ---- cpd/calendar.py ----

PRODID = "-//Recert//Certification deadlines//EN"
MIME = "text/calendar"
UID_DOMAIN = "recert"
_UID_NAMESPACE = uuid.UUID("6f1b1c3e-5a52-4e1f-9d59-2b8f3c7a9e41")
# SEQUENCE counts minutes since this instant: every export is a later revision than the one before it,
# so clients that compare SEQUENCE accept the re-import as an update.
_SEQUENCE_EPOCH = datetime(2024, 1, 1, tzinfo=UTC)


def clean(text: Any) -> str:
    """Input text for one line: line breaks and tabs become spaces, other control characters are dropped."""
    if text is None or (isinstance(text, float) and math.isnan(text)) or text is pd.NA:
        return ""
    s = str(text)
    out = []
    for ch in s:
        if ch in "\r\n\t\v\f\u2028\u2029\x85":
            out.append(" ")
        elif unicodedata.category(ch) in ("Cc", "Cs") or ch in "\ufffe\uffff":
            continue
        else:
            out.append(ch)
    return " ".join("".join(out).split())


def amount_text(x: float) -> str:
    """2.0 -> "2", 0.30000001 -> "0.3"."""
    return f"{x:.2f}".rstrip("0").rstrip(".")


def _num(x: Any) -> float | None:
    try:
        f = float(x)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(f) or math.isinf(f) else f


def day_text(d: Any) -> str:
    """"1 Jun 2026": unambiguous in every locale ("" when missing)."""
    if d is None or pd.isna(d):
        return ""
    ts = pd.Timestamp(d)
    return f"{ts.day} {ts:%b %Y}"


def event_uid(kind: str, trainer_id: str, what: str = "") -> str:
    """Stable UID: the same trainer and credential (or CPR/AED card) always get the same one."""
    key = "\x1f".join((kind, str(trainer_id), str(what)))
    return f"{uuid.uuid5(_UID_NAMESPACE, key)}@{UID_DOMAIN}"


def credits_needed(remaining: Any, unit: Any, hours_per_unit: Any) -> str:
    """Text such as "0.3 CEUs (3 hours)", "1 CEU (10 hours)" or "12 hours" ("" when unknown): the body's unit,
    and hours too, each in the singular or plural its number takes (``cpd.wording``)."""
    rem = _num(remaining)
    if rem is None:
        return ""
    u = clean(unit) or "credits"
    hpu = _num(hours_per_unit)
    if singular(u).lower() in ("hour", "contact hour", "ce hour"):
        return quantity(rem, "hour")
    if hpu is None or hpu <= 0:
        return quantity(rem, u)
    return f"{quantity(rem, u)} ({quantity(rem * hpu, 'hour')})"


def _days_from(days: int, as_of: date) -> str:
    """ "1 day after 1 Jun 2026", "31 days before 1 Jun 2026"."""
    return f"{count(abs(days), 'day')} {'before' if days < 0 else 'after'} {day_text(as_of)}"


def cpr_sentence(row: Any, as_of: date) -> str:
    """The CPR/AED card as a manager would say it, for one certification row."""
    required = bool(row.cpr_required) if not pd.isna(row.cpr_required) else False
    exp = row.cpr_expires
    if pd.isna(exp):
        return "CPR/AED: no card on file" + (" (required)" if required else "") + "."
    if pd.Timestamp(exp) < pd.Timestamp(as_of):
        return f"CPR/AED: expired on {day_text(exp)}" + (" (required)" if required else "") + "."
    before = pd.Timestamp(exp) < pd.Timestamp(row.expires)
    return f"CPR/AED: current until {day_text(exp)}" + (", before this renewal: renew it too" if before and required
                                                       else "") + "."


def _cert_description(r: Any, as_of: date, rules_version: str) -> str:
    who = clean(r.trainer) or clean(r.trainer_id)
    club = clean(r.club)
    lines = [f"{who}{f' ({club})' if club else ''}: {clean(r.credential_name) or clean(r.credential)}"
             + (f", certificate {clean(r.number)}" if clean(r.number) else "") + ".",
             f"Valid through {day_text(r.expires)}: {_days_from(int(r.days_left), as_of)}.",
             f"Status on {day_text(as_of)}: {STATUS_LABELS.get(r.status, r.status)}."]
    need = credits_needed(r.remaining, r.unit, r.hours_per_unit)
    earned, required = _num(r.earned), _num(r.required)
    if need and (_num(r.remaining) or 0) > 0:
        lines.append(f"Still needed: {need}; {amount_text(earned or 0)} of {quantity(required or 0, clean(r.unit))} earned.")
    elif earned is not None and required is not None:
        lines.append(f"Credits complete: {amount_text(earned)} of {quantity(required, clean(r.unit))}.")
    else:
        lines.append("Credits: not recorded in the files.")
    if (not pd.isna(r.cpr_required) and bool(r.cpr_required)) or not pd.isna(r.cpr_expires):
        lines.append(cpr_sentence(r, as_of))
    reasons = [clean(x) for x in (r.reasons or ()) if clean(x)]
    if reasons:
        lines.append("Notes:")
        lines.extend(f"- {x}" for x in reasons)
    lines.append(f"Trainer ID {clean(r.trainer_id)}. Computed by Recert as of {day_text(as_of)} "
                 f"(rules {clean(rules_version)}).")
    return "\n".join(lines)


def _card_description(trainer: str, club: str, tid: str, exp: Any, needs: list[str], as_of: date) -> str:
    lines = [f"{trainer}{f' ({club})' if club else ''}: CPR/AED card.",
             f"Valid through {day_text(exp)}: {_days_from((pd.Timestamp(exp) - pd.Timestamp(as_of)).days, as_of)}."]
    if needs:
        lines.append("Required for: " + ", ".join(needs) + ". Without a current card these certifications are "
                     "not met and the trainer is not compliant.")
    lines.append("Renew the card before this date and add the new card to the files.")
    lines.append(f"Trainer ID {tid}. Computed by Recert as of {day_text(as_of)}.")
    return "\n".join(lines)


def _event(uid: str, summary: str, description: str, day: date, stamp: datetime, sequence: int,
           alarm_days: int, alarm_text: str, categories: list[str]) -> Event:
    ev = Event.new(uid=uid, summary=summary, description=description, start=day, end=day + timedelta(days=1),
                   stamp=stamp, last_modified=stamp, sequence=sequence, categories=categories)
    ev.add("TRANSP", "TRANSPARENT")  # a deadline, not a meeting: it never blocks anyone's free time
    ev.add_component(Alarm.new_display(description=alarm_text, trigger=timedelta(days=-alarm_days)))
    return ev


def calendar_filename(st: Standing) -> str:
    """The name a download should get: recert-deadlines-2026-06-01.ics."""
    return f"recert-deadlines-{st.as_of.isoformat()}.ics"


def write_calendar(st: Standing, *, alarm_days: int | None = None, generated_at: datetime | None = None) -> bytes:
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
    cal = Calendar.new(prodid=PRODID, name="Recert deadlines", uid=event_uid("calendar", ""),
                       description=f"Certification and CPR/AED expiry dates, as of {day_text(st.as_of)}.")
    cal.add("CALSCALE", "GREGORIAN")
    cal.add("METHOD", "PUBLISH")

    s = st.standings
    upcoming = s[pd.to_datetime(s["expires"]) >= T]
    # One event per trainer and credential: the latest expiry is the deadline that matters.
    upcoming = upcoming.sort_values("expires").drop_duplicates(["trainer_id", "credential"], keep="last")
    upcoming = upcoming.sort_values(["expires", "trainer", "credential"], kind="stable")
    for r in upcoming.itertuples(index=False):
        who = clean(r.trainer) or clean(r.trainer_id)
        cred = clean(r.credential_name) or clean(r.credential)
        cal.add_component(_event(
            event_uid("cert", r.trainer_id, r.credential), f"{who}: {cred} expires",
            _cert_description(r, st.as_of, st.rules_version), pd.Timestamp(r.expires).date(), stamp, sequence,
            days, f"{who}: {cred} expires on {day_text(r.expires)}", ["Recert", "Certification",
                                                                  STATUS_LABELS.get(r.status, r.status)]))

    cards = st.cpr_cards
    if len(cards):
        latest = cards.assign(expires=pd.to_datetime(cards["expires"])).dropna(subset=["expires"])
        latest = latest.sort_values("expires").drop_duplicates("trainer_id", keep="last")
        latest = latest[latest["expires"] >= T].sort_values(["expires", "trainer"], kind="stable")
        needs_by = (s[s["cpr_required"].fillna(False).astype(bool)].groupby("trainer_id")["credential_name"]
                    .agg(lambda x: [clean(v) for v in dict.fromkeys(x)]))
        for r in latest.itertuples(index=False):
            who = clean(r.trainer) or clean(r.trainer_id)
            cal.add_component(_event(
                event_uid("cpr", r.trainer_id), f"{who}: CPR/AED card expires",
                _card_description(who, clean(r.club), clean(r.trainer_id), r.expires,
                                  needs_by.get(r.trainer_id, []), st.as_of),
                pd.Timestamp(r.expires).date(), stamp, sequence, days,
                f"{who}: CPR/AED card expires on {day_text(r.expires)}", ["Recert", "CPR/AED"]))
    return cal.to_ical()


# ---- cpd/reminders.py ----

DRAFT_COLUMNS = ["trainer", "trainer_id", "club", "email", "subject", "body", "mailto", "deadline"]
ACT_STATUSES = ACTION_STATUSES
_LAST_FIRST = re.compile(r"[\w'.\- ]+,\s*[\w'.\- ]+")
_EMAIL = re.compile(r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?$")


def _in_days(n: int) -> str:
    return "today" if n == 0 else ("tomorrow" if n == 1 else f"in {n} days")


def first_name(name: Any) -> str:
    """The name to greet: "Ana Silva" and "Silva, Ana" give "Ana"; "" when there is nothing to greet."""
    text = clean(name)
    if _LAST_FIRST.fullmatch(text):
        text = text.split(",", 1)[1]
    words = text.split()
    return words[0] if words else ""


def valid_email(text: Any) -> str:
    """The address when it looks like one address, else "" (the manager fills it in; nothing is injected)."""
    e = clean(text)
    return e if len(e) <= 254 and _EMAIL.match(e) else ""


def mailto(email: str, subject: str, body: str) -> str:
    """RFC 6068 link: the address and every header value percent-encoded, line breaks as CRLF."""
    body = body.replace("\r\n", "\n").replace("\n", "\r\n")
    return (f"mailto:{quote(email, safe='@')}?subject={quote(subject, safe='')}"
            f"&body={quote(body, safe='')}")


def _credits_line(r: Any) -> str:
    need = credits_needed(r.remaining, r.unit, r.hours_per_unit)
    try:
        rem, earned, req = float(r.remaining), float(r.earned), float(r.required)
    except (TypeError, ValueError):
        return ""
    if pd.isna(rem) or pd.isna(earned) or pd.isna(req) or rem <= 0:
        return ""
    unit = clean(r.unit) or "credits"
    return f"you still need {need} of continuing education (you have {amount_text(earned)} of {quantity(req, unit)})"


def _cert_item(r: Any, as_of: date) -> tuple[str, pd.Timestamp]:
    """One bullet for one certification, and the date it must be done by."""
    name = clean(r.credential_name) or clean(r.credential)
    E = pd.Timestamp(r.expires)
    T = pd.Timestamp(as_of)
    credits = _credits_line(r)
    if r.status == "expired":
        text = (f"{name}: expired on {day_text(E)}, so it is no longer valid to train clients on. Please talk to me "
                "about re-certifying")
        return text + ".", T
    if r.status == "grace":
        text = (f"{name}: lapsed on {day_text(E)}. It can still be renewed late (usually with a late fee), but it is "
                "not valid until it is renewed, so please renew it as soon as you can")
        return text + (f"; {credits}." if credits else "."), T
    if r.status == "at_risk":
        text = f"{name}: expires on {day_text(E)} ({_in_days(int(r.days_left))})"
        if credits:
            return f"{text}: {credits}.", E
        if pd.notna(r.earned) and pd.notna(r.required):
            return f"{text}: your credits are done, so please submit the renewal before then.", E
        return f"{text}: please renew it before then, and send me your CE certificates for our records.", E
    if r.status == "behind":
        return (f"{name}: renewal due {day_text(E)}. You're a little behind pace: {credits or 'credits are missing'}. "
                "Booking a course or two now keeps it easy."), E
    return f"{name}: renewal due {day_text(E)}.", E


def _cpr_item(rows: pd.DataFrame, as_of: date) -> tuple[str, pd.Timestamp] | None:
    """The CPR/AED card, when ``cpd.attention`` says a credential that requires one has it missing, expired, or
    running out before its renewal (``rows`` are one trainer's rows of ``attention_frame``)."""
    T = pd.Timestamp(as_of)
    for problems in (("missing", "expired"), ("soon",)):
        req = rows[rows["cpr_problem"].isin(problems)]
        if not len(req):
            continue
        exp = pd.to_datetime(req["cpr_expires"]).iloc[0]
        names = ", ".join(dict.fromkeys(clean(x) for x in req["credential_name"]))
        if pd.isna(exp):
            return f"CPR/AED: we have no card on file for you, and {names} requires one. Please send me a copy.", T
        if exp < T:
            return (f"CPR/AED: your card expired on {day_text(exp)}. Please renew it and send me a copy of the new "
                    "card."), T
        return (f"CPR/AED: your card runs out on {day_text(exp)}, before your {names} renewal. Please book a "
                "refresher before then.", exp)
    return None


def _subject(deadline: pd.Timestamp, as_of: date) -> str:
    if deadline <= pd.Timestamp(as_of):
        return "Your certifications: action needed now"
    return f"Your certifications: action needed by {day_text(deadline)}"


def drafts(st: Standing, *, sign_off: str = "") -> pd.DataFrame:
    """One draft per trainer who needs attention (``cpd.attention``: the same trainers the Team page and the
    report list), the earliest deadline first (DRAFT_COLUMNS)."""
    a = attention_frame(st)
    t = st.trainers.drop_duplicates("trainer_id").set_index("trainer_id")
    T = pd.Timestamp(st.as_of)
    out: list[dict[str, Any]] = []
    by_trainer = dict(tuple(a.groupby("trainer_id", sort=False))) if len(a) else {}
    for tid in t.index:
        person = t.loc[tid]
        rows = by_trainer.get(tid)
        if rows is None:
            continue
        items: list[tuple[str, pd.Timestamp]] = []
        if rows["status"].eq("missing").any():
            items.append(("We have no certification on file for you. Please send me a copy of your current "
                          "certificate(s) so our records are complete.", T))
        else:
            for r in rows.itertuples(index=False):
                if r.status in ACT_STATUSES:
                    items.append(_cert_item(r, st.as_of))
            cpr = _cpr_item(rows, st.as_of)
            if cpr:
                items.append(cpr)
        if not items:
            continue
        deadline = min(d for _, d in items)
        greeting = first_name(person["trainer"])
        club = clean(person["club"])
        lines = [f"Hi {greeting}," if greeting else "Hi,", "",
                 f"A quick note{f' from {club}' if club else ''} about your certifications "
                 f"(checked on {day_text(T)}):", ""]
        lines += [f"- {text}" for text, _ in items]
        lines += ["", "When it's done, just send me the certificates and I'll update our records. Let me know "
                      "if you'd like help finding courses.", "", "Thanks!"]
        if sign_off:
            lines.append(clean(sign_off))
        subject = _subject(deadline, st.as_of)
        body = "\n".join(lines)
        email = valid_email(person["email"])
        out.append({"trainer": clean(person["trainer"]), "trainer_id": str(tid), "club": club, "email": email,
                    "subject": subject, "body": body, "mailto": mailto(email, subject, body),
                    "deadline": deadline})
    frame = pd.DataFrame(out, columns=DRAFT_COLUMNS)
    frame["deadline"] = pd.to_datetime(frame["deadline"])
    return frame.sort_values(["deadline", "trainer"], kind="stable").reset_index(drop=True)


def drafts_csv(st: Standing, *, sign_off: str = "") -> str:
    """The drafts for a mail merge, written like every CSV (``write_csv``); the body keeps its line breaks.

    A reader on the wrong separator makes each body line a row, so ``write_csv`` neutralises line starts too;
    the list's "- " bullets are written as "• " so that a message does not show a stray quote on every item.
    """
    d = drafts(st, sign_off=sign_off)
    rows = ([*row[:4], row.subject, _BULLET.sub("\u2022 ", row.body), row.mailto, row.deadline.date().isoformat()]
            for row in d.itertuples(index=False))
    return write_csv(DRAFT_COLUMNS, rows, multiline=("body",))


_BULLET = re.compile(r"(?m)^- ")
