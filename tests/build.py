"""A Roster built from literal objects, so standing.md's rules are tested without reading a file.

    roster(certs=[cert("Ana", "nasm_cpt", expires="2026-07-31")],
           activities=[activity("Ana", "2026-01-10", 6, "hours")],
           cpr=[card("Ana", expires="2026-12-01", issued="2024-12-01")])

Trainers named by a certification, activity or card are added on their own (id = name); ``trainers`` adds
people with no certification or with details. Every row gets a ledger line (accepted) in file "built.csv" at
its own row number, so a rule that rejects a row (an ambiguous unit) shows in the ledger as the files' would.
The frames have the columns and dtypes ``read_sources`` gives (``check_roster`` holds them to model.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import pandas as pd

from cpd.catalogue import load_catalogue
from cpd.model import (
    ACTIVITY_COLUMNS,
    CERTIFICATION_COLUMNS,
    CPR_COLUMNS,
    LEDGER_COLUMNS,
    TRAINER_COLUMNS,
    Roster,
    SheetMapping,
    check_roster,
)

FILE = "built.csv"
HOUR_UNITS = {"h", "hr", "hrs", "hour", "hours"}
Day = str | date | None


@dataclass(frozen=True)
class Cert:
    trainer: str
    credential: str  # a catalogue id, or a name the catalogue does not know ("Zumba Instructor")
    expires: Day
    issued: Day = None
    credits: float | None = None  # written on the roster row, in the credential's unit ...
    credits_in_hours: bool = False  # ... or in hours
    name: str = ""  # as written in the file; defaults to the credential


@dataclass(frozen=True)
class Activity:
    trainer: str
    date: Day
    amount: float
    unit: str = (
        "hours"  # "hours" (any spelling in HOUR_UNITS) or the body's unit as written ("CEU", "credit")
    )
    bodies: tuple[str, ...] = ()  # catalogue body codes the row names ("NASM",); () names none
    course: str = "Course"


@dataclass(frozen=True)
class Card:
    trainer: str
    expires: Day
    issued: Day = None


@dataclass(frozen=True)
class Person:
    name: str
    id: str = ""  # defaults to the name
    club: str = ""
    role: str = ""
    email: str = ""


def cert(trainer: str, credential: str, expires: Day, **kw: object) -> Cert:
    return Cert(trainer, credential, expires, **kw)


def activity(
    trainer: str, day: Day, amount: float, unit: str = "hours", bodies: tuple[str, ...] = (), **kw: object
) -> Activity:
    return Activity(trainer, day, amount, unit, tuple(bodies), **kw)


def card(trainer: str, expires: Day, issued: Day = None) -> Card:
    return Card(trainer, expires, issued)


@dataclass
class _Rows:
    """Row numbers in the one built file, and its ledger."""

    next_row: int = 2
    ledger: list[dict] = field(default_factory=list)

    def take(self, trainer: str) -> dict:
        row = self.next_row
        self.next_row += 1
        self.ledger.append(
            {
                "file": FILE,
                "sheet": "",
                "row": row,
                "fate": "accepted",
                "column": "",
                "reason": "",
                "trainer": trainer,
            }
        )
        return {"file": FILE, "sheet": "", "row": row}


def roster(
    *,
    trainers: list[Person | str] = (),
    certs: list[Cert] = (),
    activities: list[Activity] = (),
    cpr: list[Card] = (),
    ce_log: bool | None = None,
) -> Roster:
    """The Roster ``read_sources`` would give for these rows. ``ce_log`` (default: when there are activities)
    says the upload had a CE log sheet, which is credit information even for a trainer with no row in it."""
    catalogue = load_catalogue()
    people: dict[str, Person] = {}
    for p in trainers:
        p = Person(p) if isinstance(p, str) else p
        people[p.name] = p
    for item in (*certs, *activities, *cpr):
        people.setdefault(item.trainer, Person(item.trainer))
    ids = {name: p.id or name for name, p in people.items()}
    rows = _Rows()

    cert_rows = []
    for c in certs:
        where = rows.take(c.trainer)
        cert_rows.append(
            {
                "cert_key": f"{where['row'] - 2}|{c.credential}",
                "trainer_id": ids[c.trainer],
                "credential": c.credential,
                "credential_name": c.name or c.credential,
                "known": c.credential in catalogue,
                "number": "",
                "issued": c.issued,
                "expires": c.expires,
                "credits": c.credits,
                "credits_in_hours": c.credits_in_hours,
                **where,
            }
        )
    act_rows = []
    for i, a in enumerate(activities):
        where = rows.take(a.trainer)
        act_rows.append(
            {
                "activity_id": i,
                "trainer_id": ids[a.trainer],
                "date": a.date,
                "course": a.course,
                "provider": "",
                "amount": a.amount,
                "unit_kind": "hours" if a.unit.lower() in HOUR_UNITS else "units",
                "unit_text": a.unit,
                "bodies": a.bodies,
                "bodies_text": "; ".join(a.bodies),
                "unit_column": "Unit",
                **where,
            }
        )
    card_rows = [
        {
            "trainer_id": ids[k.trainer],
            "issued": k.issued,
            "expires": k.expires,
            "source": "CPR/AED",
            **rows.take(k.trainer),
        }
        for k in cpr
    ]

    certifications = _frame(cert_rows, CERTIFICATION_COLUMNS, dates=("issued", "expires"))
    certifications = certifications.astype({"known": bool, "credits": float, "credits_in_hours": bool})
    acts = _frame(act_rows, ACTIVITY_COLUMNS, dates=("date",)).astype(
        {"amount": float, "activity_id": "int64"}
    )
    cards = _frame(card_rows, CPR_COLUMNS, dates=("issued", "expires"))
    people_frame = pd.DataFrame(
        [
            {"trainer_id": ids[n], "trainer": n, "club": p.club, "role": p.role, "email": p.email}
            for n, p in people.items()
        ],
        columns=TRAINER_COLUMNS,
        dtype=object,
    )
    logged = bool(activities) if ce_log is None else ce_log
    mappings = (
        SheetMapping(
            file=FILE, sheet="", layout="ce_log" if logged else "roster", header_row=1, columns={}, ignored=()
        ),
    )
    built = Roster(
        trainers=people_frame,
        certifications=certifications,
        activities=acts,
        cpr_cards=cards,
        ledger=pd.DataFrame(rows.ledger, columns=LEDGER_COLUMNS).astype({"row": "int64"}),
        mappings=mappings,
        warnings=(),
        ce_logged=frozenset(ids[a.trainer] for a in activities) if logged else frozenset(),
    )
    check_roster(built)
    return built


def _frame(rows: list[dict], columns: list[str], *, dates: tuple[str, ...]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=columns).astype(object)
    for c in dates:
        frame[c] = pd.to_datetime(frame[c])
    return frame.astype({"row": "int64"})
