"""Who may see what: grants (email or groups claim -> role and clubs), the scope of one signed-in person, and the
ONE function that narrows a Standing to a scope.

Why one function: the app narrows the Standing once, below the pages, and every page, KPI, chart, filter option,
download, report, calendar, reminder and diff reads the narrowed one; the CLI exports narrow with the same
function. Nothing above it filters by club for access.

Rules (table-tested in tests/test_access.py):
- roles: *admin* sees every club and may change things (uploads, snapshots, rules, access); *manager* sees the
  clubs listed; *viewer* sees the clubs listed, read only.
- clubs compare case-insensitively with runs of white space as one space ("  downtown " is "Downtown").
- a trainer with no club on file is visible to admins only (no manager's club can claim them).
- a trainer at two clubs (``Standing.memberships``) is in the scope of either club's people, and shows to them at
  their club (the first of the trainer's clubs in scope): another club's name never reaches their pages.
- ledger rows (one per source row) carry the trainer's name as written, not an id or a club: an *accepted* row is
  kept when that name (compared like clubs) is the name of a trainer in scope and of no trainer out of scope.
  Rejected and blank rows are for admins only: a rejected row never became part of a trainer, so nothing says
  which club it belongs to (a rejected row of another club's namesake would otherwise show). Rows with no
  trainer name are for admins only too.
- warnings, sheet mappings and unreadable-file sentences describe whole files (names, headers, other clubs' rows):
  admins only.
- an email grant is the person's grant; without one, the person's groups grants combine: the widest role of them
  and the union of their clubs (an admin group grant makes an admin).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from cpd.errors import RecertError
from cpd.model import MEMBERSHIP_COLUMNS, Standing, memberships_of

ROLES = ("admin", "manager", "viewer")  # widest first
EMAIL_CHARS = 320
CLUB_CHARS = 200
MAX_CLUBS = 500
_SPACE = re.compile(r"\s+")


class AccessError(RecertError):
    """A grant that cannot be made (bad email, role or club), with the sentence to show."""


def club_key(club: object) -> str:
    """How clubs compare: case-insensitive, white space collapsed; missing is ''."""
    if club is None or (isinstance(club, float) and club != club):
        return ""
    return " ".join(str(club).split()).casefold()


def email_key(email: object) -> str:
    """How emails compare: trimmed and case-folded (RFC 5321 local parts are case-sensitive in theory; no
    provider in use treats them so, and the issue asks for case-insensitive)."""
    return str(email or "").strip().casefold()


def check_email(email: str) -> str:
    key = email_key(email)
    if (
        not key
        or len(key) > EMAIL_CHARS
        or key.count("@") != 1
        or key.startswith("@")
        or key.endswith("@")
        or _SPACE.search(key)
    ):
        raise AccessError(
            f"'{str(email)[:80]}' is not an email address; grant access to an address like ana@example.com."
        )
    return key


def check_role(role: str) -> str:
    r = str(role or "").strip().casefold()
    if r not in ROLES:
        raise AccessError(f"'{str(role)[:40]}' is not a role; use admin, manager or viewer.")
    return r


def check_clubs(role: str, clubs: Iterable[str]) -> tuple[str, ...]:
    """The clubs of a grant as written (trimmed), each once; a manager or viewer needs at least one."""
    out: dict[str, str] = {}
    for c in clubs or ():
        text = _SPACE.sub(" ", str(c)).strip()
        if not text:
            continue
        if len(text) > CLUB_CHARS:
            raise AccessError(
                f"A club name is longer than {CLUB_CHARS} characters; use the club's name as the "
                "rosters write it."
            )
        out.setdefault(club_key(text), text)
    if len(out) > MAX_CLUBS:
        raise AccessError(f"A grant can list at most {MAX_CLUBS} clubs; make this person an admin instead.")
    if role != "admin" and not out:
        raise AccessError(f"A {role} needs at least one club (--club NAME); an admin sees every club.")
    return tuple(out.values()) if role != "admin" else ()


@dataclass(frozen=True)
class Grant:
    """One grant: to an email (case-folded) or, with ``group`` set and ``email`` empty, to everyone whose
    groups claim holds that group. Admin grants list no clubs (they see every club)."""

    email: str
    role: str
    clubs: tuple[str, ...] = ()
    group: str = ""

    @classmethod
    def make(cls, email: str = "", role: str = "viewer", clubs: Iterable[str] = (), group: str = "") -> Grant:
        """A checked grant (raises AccessError with the sentence to show)."""
        r = check_role(role)
        g = str(group or "").strip()
        if g:
            if len(g) > CLUB_CHARS:
                raise AccessError(f"A group name is longer than {CLUB_CHARS} characters.")
            return cls("", r, check_clubs(r, clubs), g)
        return cls(check_email(email), r, check_clubs(r, clubs), "")


@dataclass(frozen=True)
class Scope:
    """What one person may see and do: every club (``clubs is None``) or those clubs (case-folded keys)."""

    role: str
    clubs: frozenset[str] | None = None
    email: str = ""
    shown: tuple[str, ...] = field(default=(), compare=False)  # the clubs as granted, for people to read

    @property
    def admin(self) -> bool:
        return self.role == "admin"

    @property
    def read_only(self) -> bool:
        return self.role == "viewer"

    @property
    def all_clubs(self) -> bool:
        return self.clubs is None

    def label(self) -> str:
        """The scope in words, for the audit log and the page caption."""
        if self.clubs is None:
            return "all clubs"
        return ", ".join(self.shown) if self.shown else ", ".join(sorted(self.clubs))


EVERYTHING = Scope("admin", None)  # the single-user local tool, and the CLI run by whoever owns the files


def scope_for(email: str, groups: Iterable[str] | None, grants: Iterable[Grant]) -> Scope | None:
    """The scope of a signed-in person, or None when no grant names them (they see nothing)."""
    key = email_key(email)
    grants = list(grants)
    if key:
        own = [g for g in grants if not g.group and g.email == key]
        if own:
            return _scope_of(own[-1].role, [own[-1]], key)
    mine = {str(x).strip() for x in (groups or ()) if str(x).strip()}
    by_group = [g for g in grants if g.group and g.group in mine]
    if not by_group or not key:
        return None
    role = min((g.role for g in by_group), key=ROLES.index)
    return _scope_of(role, by_group, key)


def _scope_of(role: str, grants: list[Grant], email: str) -> Scope:
    if role == "admin":
        return Scope("admin", None, email)
    shown = {club_key(c): c for g in grants for c in g.clubs if club_key(c)}
    return Scope(role, frozenset(shown), email, tuple(sorted(shown.values(), key=str.casefold)))


def _names(col: pd.Series) -> pd.Series:
    """``club_key`` of every value, worked out once per distinct value."""
    values = col.to_numpy(dtype=object)
    codes, uniq = pd.factorize(pd.Series(values, dtype=object), use_na_sentinel=True)
    keys = np.array([club_key(v) for v in uniq] + [""], dtype=object)  # code -1 (missing) -> ""
    return pd.Series(keys[codes], index=col.index, dtype=object)


def narrow(standing: Standing, scope: Scope) -> Standing:
    """``standing`` with only the rows ``scope`` may see, in every frame (see the module's rules)."""
    if scope.clubs is None:
        return standing
    t = standing.trainers
    m = memberships_of(standing)
    m_in = m[_names(m["club"]).isin(scope.clubs).to_numpy()].drop_duplicates("trainer_id")
    club_of = pd.Series(m_in["club"].to_numpy(dtype=object), index=pd.Index(m_in["trainer_id"], dtype=object))
    ids = set(club_of.index)
    inside = t["trainer_id"].isin(ids)  # a set: an Index here is compared value by value on Arrow strings
    seen = set(_names(t.loc[inside, "trainer"]))
    unseen = set(_names(t.loc[~inside, "trainer"]))
    names = _names(standing.ledger["trainer"])
    ledger_keep = names.isin(seen - unseen) & names.ne("") & standing.ledger["fate"].eq("accepted")

    def by_id(df: pd.DataFrame) -> pd.DataFrame:
        out = df[df["trainer_id"].isin(ids)].reset_index(drop=True)
        if "club" in out:  # the club in scope, never the trainer's other club
            out["club"] = pd.Series(
                club_of.reindex(out["trainer_id"].to_numpy(dtype=object)).to_numpy(),
                index=out.index,
                dtype=out["club"].dtype,
            )
        return out

    return replace(
        standing,
        standings=by_id(standing.standings),
        trainers=by_id(t),
        activities=by_id(standing.activities),
        contributions=by_id(standing.contributions),
        cpr_cards=by_id(standing.cpr_cards),
        memberships=m[_names(m["club"]).isin(scope.clubs).to_numpy()][MEMBERSHIP_COLUMNS].reset_index(
            drop=True
        ),
        ledger=standing.ledger[ledger_keep].reset_index(drop=True),
        mappings=(),
        warnings=(),
        unreadable=(),
    )


def grant_warnings(grant: Grant, known_clubs: Iterable[str]) -> list[str]:
    """Sentences about clubs a grant names that no saved roster has (accepted: clubs come and go)."""
    known = {club_key(c) for c in known_clubs}
    return [
        f"No roster has a club called '{c}' yet; the grant is kept and takes effect when one does."
        for c in grant.clubs
        if club_key(c) not in known
    ]
