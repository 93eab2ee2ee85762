"""Shapes that cross module boundaries: sources in, roster in the middle, standing out.

Frames are plain pandas frames with exactly the columns listed here, wrapped in frozen dataclasses so a page
or exporter can never mutate what the engine produced. ``check_roster`` (end of ``read_sources``) and
``check_standing`` (end of ``compute_standing``) hold the engine to the lists: a page can rely on a listed
column being there, and a column the engine adds must be listed first.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # frames at run time; not imported here so ``python -m cpd`` can start reading first
    import pandas as pd

# Worst first. The order is the urgency order everywhere (tables, charts, exports).
STATUSES: tuple[str, ...] = ("expired", "grace", "at_risk", "behind", "on_track", "met")
TRAINER_STATUSES: tuple[str, ...] = ("missing",) + STATUSES
STATUS_LABELS: dict[str, str] = {
    "missing": "No certification",
    "expired": "Expired",
    "grace": "Grace (lapsed)",
    "at_risk": "At risk",
    "behind": "Behind",
    "on_track": "On track",
    "met": "Met",
}
# One colour scheme for the dashboard, the Excel report and every chart (colour-blind-safe-ish ramp).
STATUS_COLOURS: dict[str, str] = {
    "missing": "#6e7781",
    "expired": "#8b0000",
    "grace": "#d1242f",
    "at_risk": "#fb8500",
    "behind": "#e9c46a",
    "on_track": "#2a9d8f",
    "met": "#1a7f37",
}
LAPSED: tuple[str, ...] = ("grace", "expired")  # not valid to work: a lapsed certification imposes nothing
FATES: tuple[str, ...] = ("accepted", "rejected", "blank")


@dataclass(frozen=True)
class Source:
    """One uploaded or named file: its name as the user knows it and its bytes."""

    name: str
    data: bytes


# What a sheet's note says, for pages to act on (never parse the note's wording).
NOTE_KINDS: dict[str, str] = {
    "": "the sheet was read",
    "hidden": "a hidden sheet, not read",
    "empty": "the sheet holds no data",
    "no_header": "no header Recert recognises (a mapping can be given by hand)",
    "unreadable": "a header was found but the sheet's layout could not be told (a mapping can be given by hand)",
    "copy": "the same file as another one uploaded, read once",
}
# What a warning is about, for pages to group and show them by (never parse the sentence).
WARNING_KINDS: dict[str, str] = {
    "other": "anything else",
    "file": "how a file was read (encoding, macros, format)",
    "copy": "a file uploaded twice was read once",
    "hidden": "hidden sheets, rows or columns",
    "sheet": "a sheet that was not read",
    "columns": "columns that were not read, or not all of them",
    "date_order": "dates that read either way were read in the configured order",
    "cells": "cells that were not read (an issued date, a matrix cell that is not a date)",
    "implausible": "dates kept but doubtful (issued after as-of, a placeholder expiry)",
    "not_yet": "certifications a matrix says are pending, booked or in progress",
    "listed_twice": "a certification listed more than once: the latest expiry was used",
    "repeated": "CE rows repeated in another sheet or file, counted once",
    "future": "activities dated after as-of, not counted yet",
    "more": "the count of warnings left out",
}


class Notice(str):
    """A warning's sentence with its kind (one of WARNING_KINDS).

    It is the sentence itself (a ``str``), so everything that shows, stores or exports warnings as text keeps
    working and the JSON contract's ``warnings`` stays a list of strings; pages group by ``kind`` instead of
    matching the wording. A plain string is a warning of kind "other" (``warning_kind``).
    """

    __slots__ = ("kind",)
    kind: str

    def __new__(cls, kind: str, text: str) -> Notice:
        if kind not in WARNING_KINDS:
            raise ValueError(f"unknown warning kind {kind!r}")
        self = super().__new__(cls, text)
        object.__setattr__(self, "kind", kind)
        return self

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError("a Notice cannot be changed")

    def __reduce__(self) -> tuple[type, tuple[str, str]]:
        return (Notice, (self.kind, str(self)))

    def __repr__(self) -> str:
        return f"Notice({self.kind!r}, {str(self)!r})"


def warning_kind(warning: object) -> str:
    """The kind of a warning ("other" for a plain string)."""
    return getattr(warning, "kind", "other")


@dataclass(frozen=True)
class SheetMapping:
    """How one sheet was understood; shown to the manager so a wrong guess can be corrected."""

    file: str
    sheet: str
    layout: str  # "roster" | "matrix" | "staff" | "certifications" | "ce_log" | "skipped"
    header_row: int | None  # Excel row number of the header (1-based), None when skipped
    columns: dict[str, str]  # source header -> field name
    ignored: tuple[str, ...]  # headers present but not used
    date_orders: dict[str, str] = field(default_factory=dict)  # header -> "mdy" | "dmy" (+ " (assumed)")
    rows_read: int = 0
    note: str = ""  # e.g. why a sheet was skipped
    note_kind: str = ""  # one of NOTE_KINDS: what the note says, for pages to act on


# Column contracts -----------------------------------------------------------------------------------------
TRAINER_COLUMNS = ["trainer_id", "trainer", "club", "role", "email"]
# Every club a trainer works at (one row per trainer and club, the primary club ``trainers.club`` first): a
# trainer listed at two clubs is in both clubs' scope (cpd.access.narrow). ``trainers.club`` stays the one club
# shown and counted for everyone who sees every club.
MEMBERSHIP_COLUMNS = ["trainer_id", "club"]
CERTIFICATION_COLUMNS = [
    "cert_key",  # unique per certification row across files
    "trainer_id",
    "credential",  # catalogue id, or the name as written when unknown
    "credential_name",  # as written in the file
    "known",  # bool: credential is in the catalogue
    "number",  # certificate number, text
    "issued",  # datetime64 or NaT
    "expires",  # datetime64 (required: a certification without an expiry is rejected)
    "credits",  # float or NaN: credits written on a flat roster row
    "credits_in_hours",  # bool: the credits cell / header said hours
    "file",
    "sheet",
    "row",
]
ACTIVITY_COLUMNS = [
    "activity_id",
    "trainer_id",
    "date",  # datetime64
    "course",
    "provider",
    "amount",  # float
    "unit_kind",  # "hours" | "units"
    "unit_text",  # as written, e.g. "CEU", "hrs"
    "bodies",  # tuple of catalogue body codes the row names; () when none
    "bodies_text",  # the "approved for" cell as written
    "unit_column",  # header of the column that gave the unit (for rejections)
    "file",
    "sheet",
    "row",
]
CPR_COLUMNS = ["trainer_id", "issued", "expires", "source", "file", "sheet", "row"]
LEDGER_COLUMNS = [
    "file",
    "sheet",
    "row",
    "fate",
    "column",
    "reason",
    "trainer",
]  # trainer: the name as written

STANDING_COLUMNS = [
    "trainer_id",
    "trainer",
    "club",
    "role",
    "credential",
    "credential_name",
    "body",
    "known",
    "number",
    "issued",
    "expires",
    "grace_ends",  # last day a late renewal is accepted (= expires when the body has no grace period)
    "cycle_start",
    "required",
    "earned",
    "remaining",
    "unit",
    "hours_per_unit",
    "progress",  # earned / required clipped to [0, 1]; NaN when unknown
    "elapsed",  # share of the cycle elapsed at as_of
    "days_left",
    "cpr_required",  # bool: the credential requires a current CPR/AED card
    "cpr_current",  # True / False / <NA>
    "cpr_expires",
    "status",
    "reasons",  # list[str]
    "urgency",  # int: lower is more urgent; sort key
    "cert_key",  # the certification's CERTIFICATION_COLUMNS key: links contributions and the credit timeline
]
TRAINER_RESULT_COLUMNS = [
    "trainer_id",
    "trainer",
    "club",
    "role",
    "email",
    "compliant",
    "status",
    "certifications",
    "next_expiry",
]
# Which activity counted toward which certification (cert_key), credits in that credential's unit.
CONTRIBUTION_COLUMNS = ["activity_id", "trainer_id", "cert_key", "credential", "credits"]
CARD_RESULT_COLUMNS = [*CPR_COLUMNS, "trainer", "club", "current"]  # current: expires >= as_of


@dataclass(frozen=True)
class Roster:
    """Everything read from the files, before any rule is applied."""

    trainers: pd.DataFrame
    certifications: pd.DataFrame
    activities: pd.DataFrame
    cpr_cards: pd.DataFrame
    ledger: pd.DataFrame
    mappings: tuple[SheetMapping, ...]
    warnings: tuple[str, ...]
    unreadable: tuple[str, ...] = ()  # one sentence per file that could not be read (app mode)
    # Trainers who appear in a file that has a CE log: with no rows there they have earned 0, not "unknown".
    ce_logged: frozenset[str] = frozenset()
    # MEMBERSHIP_COLUMNS; None: one club per trainer, its ``trainers.club`` (a snapshot saved before trainers
    # could have two clubs, a Roster built by hand). Read it through ``memberships_of``.
    memberships: pd.DataFrame | None = None


@dataclass(frozen=True)
class Standing:
    """The answer: one row per trainer x certification, one per trainer, and what was not used and why."""

    as_of: date
    window: int
    standings: pd.DataFrame  # STANDING_COLUMNS, sorted by urgency
    trainers: pd.DataFrame  # TRAINER_RESULT_COLUMNS
    activities: pd.DataFrame  # ACTIVITY_COLUMNS of accepted activities
    contributions: pd.DataFrame  # CONTRIBUTION_COLUMNS: which activity counted toward which certification
    ledger: pd.DataFrame  # LEDGER_COLUMNS, one row per source row, final fates
    mappings: tuple[SheetMapping, ...]
    warnings: tuple[str, ...]
    rules_version: str
    cpr_cards: pd.DataFrame  # CARD_RESULT_COLUMNS: every CPR/AED card on file
    unreadable: tuple[str, ...] = ()
    memberships: pd.DataFrame | None = None  # as in Roster: read it through ``memberships_of``

    @property
    def counts(self) -> dict[str, int]:
        fate = self.ledger["fate"].value_counts()
        counts = {"rows_read": int(len(self.ledger))}
        counts.update({f: int(fate.get(f, 0)) for f in FATES})
        return counts

    @property
    def rejected(self) -> pd.DataFrame:
        """Rejected rows: file, sheet, row, column, reason (and the trainer as written, when the ledger has it)."""
        rej = self.ledger[self.ledger["fate"] == "rejected"]
        cols = (
            ["file", "sheet", "row", "trainer", "column", "reason"]
            if "trainer" in rej
            else ["file", "sheet", "row", "column", "reason"]
        )
        return rej[cols].reset_index(drop=True)


def memberships_of(frames: Roster | Standing) -> pd.DataFrame:
    """Every (trainer_id, club) of the trainers in ``frames``: its memberships, or each trainer's ``club`` when
    it has none; rows of trainers no longer in ``frames.trainers`` are left out."""
    import pandas as pd

    t = frames.trainers
    m = frames.memberships
    if m is None:
        m = t.loc[t["club"].fillna("").astype(str).str.strip().ne(""), MEMBERSHIP_COLUMNS]
    else:
        ids = t["trainer_id"].to_numpy(dtype=object)  # object arrays: Arrow's isin converts value by value
        m = m[pd.Index(m["trainer_id"].to_numpy(dtype=object), dtype=object).isin(ids)]
    return pd.DataFrame(
        {c: pd.Series(m[c].to_numpy(dtype=object), dtype=object) for c in MEMBERSHIP_COLUMNS},
        columns=MEMBERSHIP_COLUMNS,
    )  # object, like the trainers' ids: Arrow's isin is slow


class ContractError(RuntimeError):
    """A frame crossing a boundary does not have the columns this module lists: a bug in Recert, never a
    manager's file (so not a RecertError, whose text is shown as the answer)."""


def _check(where: str, frames: dict[str, tuple[pd.DataFrame, list[str]]]) -> None:
    for name, (frame, declared) in frames.items():
        have = list(frame.columns)
        missing = [c for c in declared if c not in have]
        extra = [c for c in have if c not in declared]
        if missing or extra:
            raise ContractError(f"{where}.{name}: missing {missing}, not declared {extra} (cpd/model.py)")


def check_roster(roster: Roster) -> None:
    """Raise ContractError unless every frame of ``roster`` has exactly its listed columns (columns only)."""
    _check(
        "Roster",
        {
            "trainers": (roster.trainers, TRAINER_COLUMNS),
            "certifications": (roster.certifications, CERTIFICATION_COLUMNS),
            "activities": (roster.activities, ACTIVITY_COLUMNS),
            "cpr_cards": (roster.cpr_cards, CPR_COLUMNS),
            "ledger": (roster.ledger, LEDGER_COLUMNS),
            **_memberships(roster),
        },
    )


def check_standing(standing: Standing) -> None:
    """Raise ContractError unless every frame of ``standing`` has exactly its listed columns (columns only)."""
    _check(
        "Standing",
        {
            "standings": (standing.standings, STANDING_COLUMNS),
            "trainers": (standing.trainers, TRAINER_RESULT_COLUMNS),
            "activities": (standing.activities, ACTIVITY_COLUMNS),
            "contributions": (standing.contributions, CONTRIBUTION_COLUMNS),
            "ledger": (standing.ledger, LEDGER_COLUMNS),
            "cpr_cards": (standing.cpr_cards, CARD_RESULT_COLUMNS),
            **_memberships(standing),
        },
    )


def _memberships(frames: Roster | Standing) -> dict[str, tuple[pd.DataFrame, list[str]]]:
    return {} if frames.memberships is None else {"memberships": (frames.memberships, MEMBERSHIP_COLUMNS)}
