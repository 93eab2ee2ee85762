"""Literal standings for the reminder tests: a few rows written out, no files read."""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd

from cpd.model import STANDING_COLUMNS, TRAINER_RESULT_COLUMNS, Standing

AS_OF = date(2026, 6, 1)


def cert(
    trainer_id: str = "t1",
    *,
    days_left: int = 30,
    status: str = "at_risk",
    credential: str = "nasm_cpt",
    name: str = "NASM CPT",
    trainer: str = "Ana Silva",
    club: str = "Downtown",
    grace_days: int = 0,
    required: float | None = 2.0,
    earned: float | None = 1.7,
    unit: str = "CEU",
    hours_per_unit: float = 10.0,
    cpr_required: bool = False,
    cpr_days: int | None = None,
    as_of: date = AS_OF,
    reasons: tuple[str, ...] = ("needs 0.3 more CEUs",),
) -> dict:
    expires = pd.Timestamp(as_of + timedelta(days=days_left))
    remaining = None if required is None or earned is None else max(0.0, required - earned)
    return {
        "trainer_id": trainer_id,
        "trainer": trainer,
        "club": club,
        "role": "Personal Trainer",
        "credential": credential,
        "credential_name": name,
        "body": "NASM",
        "known": True,
        "number": "1",
        "issued": expires - pd.DateOffset(years=2),
        "expires": expires,
        "grace_ends": expires + pd.Timedelta(days=grace_days),
        "cycle_start": expires - pd.DateOffset(years=2),
        "required": required,
        "earned": earned,
        "remaining": remaining,
        "unit": unit,
        "hours_per_unit": hours_per_unit,
        "progress": None,
        "elapsed": None,
        "days_left": days_left,
        "cpr_required": cpr_required,
        "cpr_current": None if cpr_days is None else cpr_days >= 0,
        "cpr_expires": pd.NaT if cpr_days is None else pd.Timestamp(as_of + timedelta(days=cpr_days)),
        "status": status,
        "reasons": list(reasons),
        "urgency": 0,
    }


def standing(rows: list[dict], *, as_of: date = AS_OF, emails: dict[str, str] | None = None) -> Standing:
    s = (
        pd.DataFrame(rows).reindex(columns=STANDING_COLUMNS)
        if rows
        else pd.DataFrame(columns=STANDING_COLUMNS)
    )
    for c in ("expires", "issued", "cycle_start", "cpr_expires", "grace_ends"):
        s[c] = pd.to_datetime(s[c])
    people = {}
    for r in rows:
        people.setdefault(r["trainer_id"], r)
    emails = emails or {}
    t = pd.DataFrame(
        [
            {
                "trainer_id": tid,
                "trainer": r["trainer"],
                "club": r["club"],
                "role": r["role"],
                "email": emails.get(tid, f"{tid}@example.com"),
                "compliant": True,
                "status": r["status"],
                "certifications": 1,
                "next_expiry": r["expires"],
            }
            for tid, r in people.items()
        ],
        columns=TRAINER_RESULT_COLUMNS,
    )
    cards = pd.DataFrame(
        [
            {
                "trainer_id": r["trainer_id"],
                "issued": pd.NaT,
                "expires": r["cpr_expires"],
                "source": "roster",
                "file": "roster.xlsx",
                "sheet": "",
                "row": 2,
                "trainer": r["trainer"],
                "club": r["club"],
            }
            for r in people.values()
            if pd.notna(r["cpr_expires"])
        ],
        columns=["trainer_id", "issued", "expires", "source", "file", "sheet", "row", "trainer", "club"],
    )
    empty = pd.DataFrame()
    return Standing(
        as_of=as_of,
        window=90,
        standings=s,
        trainers=t,
        activities=empty,
        contributions=empty,
        ledger=pd.DataFrame(columns=["file", "sheet", "row", "fate", "column", "reason", "trainer"]),
        mappings=(),
        warnings=(),
        rules_version="test",
        cpr_cards=cards,
    )
