"""Finding the header row and mapping a manager's column names to Recert's fields.

A header is recognised by its words, in any case, with punctuation, units or notes ("Exp. Date (mm/dd/yyyy)").
The mapping says which columns were used and which were ignored, so a wrong guess can be corrected.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from ..catalogue import Catalogue
from ..text import fold
from .values import unit_kind

# (field, pattern over the folded header without its parenthetical notes). First match wins, so specific
# patterns come before general ones. Patterns are anchored on words, not substrings.
FIELD_PATTERNS: tuple[tuple[str, str], ...] = (
    ("cpr_expires", r"^(cpr|aed|bls|first aid|cpr aed|cpr first aid|cpr aed first aid|first aid cpr)( card| cert\w*)?"
                    r" (exp\w*|valid( until| thru| through)?|due|renewal|until)( date)?$"),
    ("cpr_issued", r"^(cpr|aed|bls|first aid|cpr aed)( card| cert\w*)? (issued?|completed?|date|taken|obtained)( date| on)?$"),
    ("email", r"^(e ?mail|email address|e mail address|work email)$"),
    ("first_name", r"^(first( name)?|given name|forename|first nm)$"),
    ("last_name", r"^(last( name)?|surname|family name|last nm)$"),
    ("trainer_id", r"^((staff|employee|emp|trainer|instructor|member|team member|person|badge|payroll)( id| no| number| num| code| #| ref)"
                   r"|id|emp|staff no|employee no|ee id|eid)$"),
    ("trainer", r"^(trainer|employee|staff|name|full name|trainer name|employee name|staff name|staff member|"
                r"instructor|instructor name|coach|coach name|team member|person|pt|personal trainer|member name)$"),
    ("club", r"^(club|location|site|gym|branch|studio|facility|home club|club name|location name|site name|region club|centre|center)$"),
    ("role", r"^(role|position|job title|job|title role|job role|staff type|type of staff|department)$"),
    ("number", r"^(cert(ification|ificate)?|credential|licen[cs]e)? ?(#|no|nr|nbr|number|num|id|id number)$"),
    ("issued", r"^(issued?|issue date|date issued|certified( on| date)?|date certified|cert(ification)? date|"
               r"obtained|date obtained|earned on|start( date)?|passed|pass date|exam date|initial date)$"),
    ("expires", r"^(exp|expiry|expires|expiration|expiry date|expiration date|exp date|expires on|valid (until|thru|through|to)|"
                r"renewal( date| due)?|recert( date| due)?|recertification( date| due)?|due( date)?|cert(ification)? exp\w*( date)?|"
                r"good (until|thru|through))$"),
    ("approved_for", r"^(approved (for|by)|accredited (for|by)|body|bodies|certifying body|counts (for|toward)|"
                     r"ce provider approval|approval|applies to|for)$"),
    ("credential", r"^(cert|certification|certifications|credential|credentials|qualification|cert body|"
                   r"cert name|certification name|credential name|certifying body cert|certificate|license|"
                   r"cert type|certification type|primary cert(ification)?)$"),
    ("unit", r"^(unit|units|unit type|credit type|type)$"),
    ("date", r"^(date|completed|completion date|date completed|activity date|course date|event date|"
             r"date attended|attended|completed on|ce date|date of activity|taken)$"),
    ("course", r"^(course|course name|course title|activity|activity name|title|description|event|workshop|"
               r"training|module|ce course|ce activity|session)$"),
    ("provider", r"^(provider|ce provider|course provider|organi[sz]ation|organi[sz]er|vendor|host)$"),
    ("amount", r"^(amount|credits?|ceus?|cecs?|ce|ce credits?|ce units?|ce hours|hours|hrs|contact hours|points|"
               r"cpd( points| pts)?|credit hours|ceus? earned|cecs? earned|credits? earned|hours earned|"
               r"ce hours earned|points earned|credits? (completed|to date|this cycle|logged)|ceus? (completed|to date|this cycle)|"
               r"hours (completed|logged|to date)|earned|ce earned|ceus? cecs?|cecs? ceus?|value|qty|quantity)$"),
)
_COMPILED = tuple((f, re.compile(p)) for f, p in FIELD_PATTERNS)
_PAREN = re.compile(r"\([^)]*\)|\[[^\]]*\]")

# Words in a header that say which order its dates are written in.
_ORDER_HINTS = {"mdy": ("mm dd", "m d y", "mm dd yy", "mm dd yyyy"), "dmy": ("dd mm", "d m y", "dd mm yy", "dd mm yyyy")}

FIELD_LABELS = {
    "trainer": "trainer name", "trainer_id": "staff id", "first_name": "first name", "last_name": "last name",
    "email": "email", "club": "club", "role": "role", "credential": "certification", "number": "certificate number",
    "issued": "issued date", "expires": "expiry date", "amount": "credits / hours", "unit": "unit",
    "approved_for": "approved for", "date": "activity date", "course": "course", "provider": "provider",
    "cpr_expires": "CPR/AED expiry", "cpr_issued": "CPR/AED issued",
}
ALL_FIELDS = tuple(FIELD_LABELS)


def header_key(text: object) -> str:
    """The folded header without notes in brackets: "Exp. Date (mm/dd/yyyy)" -> "exp date"."""
    return fold(_PAREN.sub(" ", str(text)).replace("#", " no "))


def field_for(text: object) -> str | None:
    """Recert field a header names (by its exact spelling, else by its words), or None."""
    return exact_field(text) or _by_words(header_key(text))


@lru_cache(maxsize=4096)
def _exact_field(text: str) -> str | None:
    key = header_key(text)
    if not key:
        return None
    for name, pattern in _COMPILED:
        if pattern.match(key):
            return name
    return None


def exact_field(text: object) -> str | None:
    """Recert field a header names by one of the known spellings."""
    return _exact_field(str(text))


_CPR_WORDS = {"cpr", "aed", "bls", "first aid", "firstaid", "heartsaver"}
_EXPIRY_WORDS = {"exp", "expiry", "expires", "expiration", "expiring", "expire", "renewal", "renew", "due"}
_PERSON_WORDS = {"trainer", "instructor", "employee", "staff", "coach", "teacher", "name"}
_NOT_PERSON = {"first", "last", "course", "provider", "club", "gym", "location", "site", "cert", "certification",
               "credential", "file", "company", "user", "sheet", "body", "manager", "emergency", "contact"}
_CLUB_WORDS = {"club", "gym", "location", "site", "branch", "studio", "facility"}
_AMOUNT_WORDS = {"ceu", "ceus", "cec", "cecs", "credit", "credits", "points", "hours", "hrs", "cpd"}
_CREDENTIAL_WORDS = {"certification", "certifications", "credential", "credentials", "cert", "qualification",
                     "qualifications"}


def _by_words(key: str) -> str | None:
    """Second chance for headers no pattern names exactly, by the words they contain ("Date of Expiry",
    "Employee Full Name", "Gym Location", "CE Credits Earned", "Certification Body")."""
    words = set(key.split())
    if words & _CPR_WORDS or "first aid" in key:
        return "cpr_expires" if words & (_EXPIRY_WORDS | {"valid", "until"}) else None
    if words & _EXPIRY_WORDS:
        return "expires"
    if words & {"issued", "issue", "obtained", "certified", "passed", "earned"} and "date" in words:
        return "issued"
    if words & _PERSON_WORDS and not words & _NOT_PERSON and not words & {"id", "no", "number", "email"}:
        return "trainer"
    if words & _CLUB_WORDS and not words & {"id", "no", "number"}:
        return "club"
    if words & _AMOUNT_WORDS and not words & {"type", "unit", "date", "provider", "approved"}:
        return "amount"
    if words & _CREDENTIAL_WORDS and not words & {"date", "issued", "id", "no", "number", "status"}:
        return "credential"
    return None


def header_unit(text: object) -> str | None:
    """Unit a header states ("CE hours" -> hours, "CEUs earned" -> units)."""
    key = header_key(text)
    if any(w in key.split() for w in ("hours", "hrs", "hour", "hr")):
        return "hours"
    if unit_kind(key):
        return unit_kind(key)
    for w in key.split():
        k = unit_kind(w)
        if k:
            return k
    return None


def header_date_order(text: object) -> str | None:
    """Order stated in a header note, e.g. "Exp. Date (dd/mm/yyyy)"."""
    key = fold(text)
    for order, hints in _ORDER_HINTS.items():
        if any(h in key for h in hints):
            return order
    return None


@dataclass(frozen=True)
class CredentialColumn:
    """A matrix column named after a credential (its cells are expiry dates), or its credits column."""

    index: int
    header: str
    credential: str  # catalogue id or the header as written
    known: bool
    is_cpr: bool
    credits: bool = False


def credential_column(header: object, catalogue: Catalogue, index: int) -> CredentialColumn | None:
    """A matrix column header such as "NASM CPT", "ACE GFI exp", "CPR/AED", "NASM CEUs"."""
    text = str(header).strip()
    key = header_key(text)
    if not key or exact_field(text) is not None:
        return None
    words = key.split()
    credits = any(unit_kind(w) for w in words) and not any(w in ("exp", "expiry", "expires", "expiration") for w in words)
    cred_words = [w for w in words if not unit_kind(w) and w not in ("earned", "exp", "expiry", "expires",
                                                                       "expiration", "date", "valid", "until")]
    core = " ".join(cred_words)
    if not core:
        return None
    cid = catalogue.match(core)
    if cid is None:
        return None
    cred = catalogue[cid]
    return CredentialColumn(index, text, cid, True, cred.kind == "cpr_card", credits=bool(credits))


@dataclass(frozen=True)
class HeaderGuess:
    row: int  # index into the grid rows
    fields: dict[int, str]  # column index -> field
    credential_columns: tuple[CredentialColumn, ...]
    score: int


def map_header(cells: list[object], catalogue: Catalogue) -> HeaderGuess:
    """Map one candidate header row; duplicates of a field keep the first column."""
    if not any(isinstance(c, str) and c.strip() for c in cells):
        return HeaderGuess(row=-1, fields={}, credential_columns=(), score=0)
    fields: dict[int, str] = {}
    taken: set[str] = set()
    creds: list[CredentialColumn] = []
    for i, cell in enumerate(cells):
        if not isinstance(cell, str) or not cell.strip():  # headers are text; dates and numbers are data
            continue
        # Exact spellings first, then a credential's name ("NASM CPT Exp" is a matrix column, not the expiry),
        # then the words of the header.
        f = exact_field(cell)
        if f is None:
            cc = credential_column(cell, catalogue, i)
            if cc:
                creds.append(cc)
                continue
            f = _by_words(header_key(cell))
        if f and f not in taken:
            fields[i] = f
            taken.add(f)
    score = len(fields) + len(creds)
    return HeaderGuess(row=-1, fields=fields, credential_columns=tuple(creds), score=score)


HEADER_SCAN = 30  # rows looked at for the header (titles, logos and notes above it included)


def find_header(rows: list[list[object]], catalogue: Catalogue, *, scan: int = HEADER_SCAN) -> HeaderGuess | None:
    """The row among the first ``scan`` that names the most fields (at least two); earliest wins ties."""
    best: HeaderGuess | None = None
    for r, cells in enumerate(rows[:scan]):
        if sum(1 for c in cells if isinstance(c, str) and c.strip()) < 2:
            continue
        guess = map_header(cells, catalogue)
        # Values that look like data (dates, numbers) make a row an unlikely header.
        if guess.score >= 2 and (best is None or guess.score > best.score):
            best = HeaderGuess(r, guess.fields, guess.credential_columns, guess.score)
    return best
