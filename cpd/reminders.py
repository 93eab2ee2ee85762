"""Drafted reminder messages: for each trainer who needs to act, what is missing, by when, and a mailto link.

A draft, never sent: the manager reads it, edits it and sends it from their own mail program (the ``mailto:``
link) or a mail merge (the CSV). Amounts are given in the credential's own unit and in hours, because a
trainer books courses by the hour and "CEU" means different things at different bodies.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any
from urllib.parse import quote

import pandas as pd

from .attention import ACTION_STATUSES, attention_frame
from .export import write_csv
from .fmt import clean, day, number
from .model import Standing
from .wording import credits_needed, quantity

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


def _ascii_table(safe: str) -> dict[int, str]:
    return {i: quote(chr(i), safe=safe) for i in range(128)}


_QUOTE = {"": _ascii_table(""), "@": _ascii_table("@")}
_NON_ASCII = re.compile(r"[^\x00-\x7f]+")


def _quote(text: str, safe: str) -> str:
    """``urllib.parse.quote(text, safe=safe)``, the same characters, in two C-level passes instead of a Python
    step per character (a chain's drafts hold millions): ASCII through a table made by ``quote`` itself, runs of
    other characters through ``quote`` (their UTF-8 bytes, each percent-encoded)."""
    out = text.translate(_QUOTE[safe])
    return out if out.isascii() else _NON_ASCII.sub(lambda m: quote(m.group(), safe=safe), out)


def mailto(email: str, subject: str, body: str) -> str:
    """RFC 6068 link: the address and every header value percent-encoded, line breaks as CRLF."""
    body = body.replace("\r\n", "\n").replace("\n", "\r\n")
    return f"mailto:{_quote(email, '@')}?subject={_quote(subject, '')}&body={_quote(body, '')}"


def _credits_line(r: Any) -> str:
    need = credits_needed(r.remaining, r.unit, r.hours_per_unit)
    try:
        rem, earned, req = float(r.remaining), float(r.earned), float(r.required)
    except (TypeError, ValueError):
        return ""
    if pd.isna(rem) or pd.isna(earned) or pd.isna(req) or rem <= 0:
        return ""
    unit = clean(r.unit) or "credits"
    return (
        f"you still need {need} of continuing education (you have {number(earned)} of {quantity(req, unit)})"
    )


def _cert_item(r: Any, as_of: date) -> tuple[str, pd.Timestamp]:
    """One bullet for one certification, and the date it must be done by."""
    name = clean(r.credential_name) or clean(r.credential)
    E = pd.Timestamp(r.expires)
    T = pd.Timestamp(as_of)
    credits = _credits_line(r)
    if r.status == "expired":
        when = f"expired on {day(E)}" if pd.notna(E) else "marked expired (no date on file)"
        text = (
            f"{name}: {when}, so it is no longer valid to train clients on. Please talk to me "
            "about re-certifying"
        )
        return text + ".", T
    if r.status == "grace":
        text = (
            f"{name}: lapsed on {day(E)}. It can still be renewed late (usually with a late fee), but it is "
            "not valid until it is renewed, so please renew it as soon as you can"
        )
        return text + (f"; {credits}." if credits else "."), T
    if r.status == "at_risk":
        text = f"{name}: expires on {day(E)} ({_in_days(int(r.days_left))})"
        if credits:
            return f"{text}: {credits}.", E
        if pd.notna(r.earned) and pd.notna(r.required):
            return f"{text}: your credits are done, so please submit the renewal before then.", E
        return f"{text}: please renew it before then, and send me your CE certificates for our records.", E
    if r.status == "behind":
        return (
            f"{name}: renewal due {day(E)}. You're a little behind pace: {credits or 'credits are missing'}. "
            "Booking a course or two now keeps it easy."
        ), E
    return f"{name}: renewal due {day(E)}.", E


def _cpr_item(rows: list[Any], as_of: date) -> tuple[str, pd.Timestamp] | None:
    """The CPR/AED card, when ``cpd.attention`` says a credential that requires one has it missing, expired, or
    running out before its renewal (``rows`` are one trainer's rows of ``attention_frame``, in its order)."""
    T = pd.Timestamp(as_of)
    for problems in (("missing", "expired"), ("soon",)):
        req = [r for r in rows if r.cpr_problem in problems]
        if not req:
            continue
        exp = req[0].cpr_expires
        names = ", ".join(dict.fromkeys(clean(r.credential_name) for r in req))
        if pd.isna(exp):
            return (
                f"CPR/AED: we have no card on file for you, and {names} requires one. Please send me a copy.",
                T,
            )
        if exp < T:
            return (
                f"CPR/AED: your card expired on {day(exp)}. Please renew it and send me a copy of the new "
                "card."
            ), T
        return (
            f"CPR/AED: your card runs out on {day(exp)}, before your {names} renewal. Please book a "
            "refresher before then.",
            exp,
        )
    return None


def _subject(deadline: pd.Timestamp, as_of: date) -> str:
    if deadline <= pd.Timestamp(as_of):
        return "Your certifications: action needed now"
    return f"Your certifications: action needed by {day(deadline)}"


# The attention_frame columns a draft reads (one itertuples pass over them).
_ROW_FIELDS = (
    "trainer_id",
    "status",
    "credential_name",
    "credential",
    "expires",
    "days_left",
    "remaining",
    "unit",
    "hours_per_unit",
    "earned",
    "required",
    "cpr_problem",
    "cpr_expires",
)


def _rows_by_trainer(st: Standing) -> dict[Any, list[Any]]:
    """``attention_frame`` rows grouped by trainer id in one pass, each trainer's rows in the frame's order
    (what ``groupby(sort=False)`` gives, rows without an id dropped as it drops them)."""
    a = attention_frame(st)
    if not len(a):
        return {}
    a = a.reindex(columns=list(_ROW_FIELDS)).assign(cpr_expires=lambda f: pd.to_datetime(f["cpr_expires"]))
    a = a[a["trainer_id"].notna()]
    out: dict[Any, list[Any]] = {}
    for r in a.itertuples(index=False, name="AttentionRow"):
        rows = out.get(r.trainer_id)
        if rows is None:
            out[r.trainer_id] = [r]
        else:
            rows.append(r)
    return out


def drafts(st: Standing, *, sign_off: str = "") -> pd.DataFrame:
    """One draft per trainer who needs attention (``cpd.attention``: the same trainers the Team page and the
    report list), the earliest deadline first (DRAFT_COLUMNS).

    Plain Python over one pass of the frames (no per-trainer pandas calls): 7,280 drafts for a 10k-trainer
    chain in about a second instead of 95 s; ``tests/test_reminders.py`` holds it to the old output.
    """
    by_trainer = _rows_by_trainer(st)
    t = st.trainers.drop_duplicates("trainer_id")
    T = pd.Timestamp(st.as_of)
    checked = day(T)
    closing = [
        "",
        "When it's done, just send me the certificates and I'll update our records. Let me know "
        "if you'd like help finding courses.",
        "",
        "Thanks!",
    ]
    if sign_off:
        closing.append(clean(sign_off))
    out: list[tuple[Any, ...]] = []
    for tid, name, club_text, email_text in zip(
        t["trainer_id"].tolist(), t["trainer"].tolist(), t["club"].tolist(), t["email"].tolist(), strict=True
    ):
        rows = by_trainer.get(tid)
        if rows is None:
            continue
        items: list[tuple[str, pd.Timestamp]] = []
        if any(r.status == "missing" for r in rows):
            items.append(
                (
                    "We have no certification on file for you. Please send me a copy of your current "
                    "certificate(s) so our records are complete.",
                    T,
                )
            )
        else:
            for r in rows:
                if r.status in ACT_STATUSES:
                    items.append(_cert_item(r, st.as_of))
            cpr = _cpr_item(rows, st.as_of)
            if cpr:
                items.append(cpr)
        if not items:
            continue
        deadline = min(d for _, d in items)
        greeting = first_name(name)
        club = clean(club_text)
        lines = [
            f"Hi {greeting}," if greeting else "Hi,",
            "",
            f"A quick note{f' from {club}' if club else ''} about your certifications "
            f"(checked on {checked}):",
            "",
        ]
        lines += [f"- {text}" for text, _ in items]
        lines += closing
        subject = _subject(deadline, st.as_of)
        body = "\n".join(lines)
        email = valid_email(email_text)
        out.append(
            (clean(name), str(tid), club, email, subject, body, mailto(email, subject, body), deadline)
        )
    frame = pd.DataFrame(out, columns=DRAFT_COLUMNS)
    frame["deadline"] = pd.to_datetime(frame["deadline"])
    return frame.sort_values(["deadline", "trainer"], kind="stable").reset_index(drop=True)


def drafts_csv(st: Standing, *, sign_off: str = "") -> str:
    """The drafts for a mail merge, written like every CSV (``write_csv``); the body keeps its line breaks.

    A reader on the wrong separator makes each body line a row, so ``write_csv`` neutralises line starts too;
    the list's "- " bullets are written as "• " so that a message does not show a stray quote on every item.
    """
    d = drafts(st, sign_off=sign_off)
    rows = (
        [*row[:4], row.subject, _BULLET.sub("\u2022 ", row.body), row.mailto, row.deadline.date().isoformat()]
        for row in d.itertuples(index=False)
    )
    return write_csv(DRAFT_COLUMNS, rows, multiline=("body",))


_BULLET = re.compile(r"(?m)^- ")
