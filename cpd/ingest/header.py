"""Finding the header row and mapping a manager's column names to Recert's fields.

A header is recognised by its words, in any case, with punctuation, units or notes ("Exp. Date (mm/dd/yyyy)"),
in the languages of ``cpd/headers.yaml`` (the vocabulary is data: a new language is a change to that file).
Headers may span two rows: a group cell such as "Certification" or "CPR / AED" over "Name | Number | Expires".
The mapping says which columns were used and which were ignored, so a wrong guess can be corrected.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

from ..catalogue import Catalogue
from ..errors import RulesError
from ..text import fold
from .values import unit_kind

FIELD_LABELS = {
    "trainer": "trainer name",
    "trainer_id": "staff id",
    "first_name": "first name",
    "last_name": "last name",
    "email": "email",
    "club": "club",
    "role": "role",
    "credential": "certification",
    "number": "certificate number",
    "issued": "issued date",
    "expires": "expiry date",
    "amount": "credits / hours",
    "unit": "unit",
    "approved_for": "approved for",
    "date": "activity date",
    "course": "course",
    "provider": "provider",
    "cpr_expires": "CPR/AED expiry",
    "cpr_issued": "CPR/AED issued",
}
ALL_FIELDS = tuple(FIELD_LABELS)

# Bounds on the vocabulary file (ours, but read like a rules file: a mistake in it must fail clearly, and no
# entry in it may make reading a header slow). The bundled file stays well inside them (tests check 4x).
MAX_LANGUAGES = 20  # per field
MAX_SPELLINGS = 300  # per field and language, and per word list
MAX_SPELLING_CHARS = 80
MAX_SPELLING_WORDS = 8
MAX_PATTERNS = 20  # per field
MAX_PATTERN_CHARS = 200
MAX_RULES = 30  # by_words rules
MAX_GROUPS = 20
MAX_HEADER_CHARS = 120  # a longer cell is a title or a note, never a column name (and regexes stay cheap)
_LANGUAGE = re.compile(r"[a-z]{2,3}(?:[_-][a-z]{2,4})?")
_PHRASE_WORDS = 4  # longest phrase in the word lists
_PAREN = re.compile(r"\([^)]*\)|\[[^\]]*\]")
_TOP_LEVEL = ("version", "fields", "cpr", "by_words", "groups", "units")

# Words in a header that say which order its dates are written in.
_ORDER_HINTS = {
    "mdy": ("mm dd", "m d y", "mm dd yy", "mm dd yyyy"),
    "dmy": ("dd mm", "d m y", "dd mm yy", "dd mm yyyy", "jj mm", "jj mm aaaa", "dd mm aaaa"),
}


def header_key(text: object) -> str:
    """The folded header without notes in brackets: "Exp. Date (mm/dd/yyyy)" -> "exp date", "N°" -> "no"."""
    return fold(_PAREN.sub(" ", str(text)).replace("#", " no ").replace("°", "o").replace("º", "o"))


# The vocabulary ------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class WordRule:
    """A header holding one of ``any``, one of ``also`` (when given) and none of ``none`` names ``field``."""

    field: str
    any: frozenset[str]
    also: frozenset[str]
    none: frozenset[str]


@dataclass(frozen=True)
class Group:
    """A group cell of a two-row header, and the field each field-name below it stands for."""

    name: str
    fields: Mapping[str, str]


@dataclass(frozen=True)
class Vocabulary:
    spellings: Mapping[str, str]  # folded spelling -> field
    patterns: tuple[
        tuple[str, re.Pattern[str]], ...
    ]  # (field, pattern over the folded header), in file order
    cpr_words: frozenset[str]
    cpr_others: frozenset[str]
    cpr_expiry: frozenset[str]
    cpr_issued: frozenset[str]
    rules: tuple[WordRule, ...]
    groups: Mapping[str, Group]  # folded spelling -> group
    hour_words: frozenset[str]
    credit_words: frozenset[str]
    version: int = 1


def load_vocabulary(text: str, origin: str = "header vocabulary") -> Vocabulary:
    """A vocabulary from YAML text, bounded and checked; RulesError with a sentence naming what is wrong."""
    from .. import catalogue  # the rules file's YAML guard: size, anchors, tags, nesting, values

    catalogue._scan(text, origin)
    import yaml

    try:
        doc = yaml.load(text, Loader=catalogue._LOADER)  # noqa: S506 - a safe loader
    except (yaml.YAMLError, ValueError, OverflowError):
        raise RulesError(f"The {origin} is not valid YAML.") from None
    if not isinstance(doc, dict) or not isinstance(doc.get("fields"), dict):
        raise RulesError(f"The {origin} must hold a mapping named 'fields'.")
    unknown = [str(k)[:40] for k in doc if k not in _TOP_LEVEL]
    if unknown:
        raise RulesError(
            f"The {origin} has a top-level entry Recert does not know: '{unknown[0]}' (it reads "
            f"{', '.join(_TOP_LEVEL)})."
        )
    spellings: dict[str, str] = {}
    patterns: list[tuple[str, re.Pattern[str]]] = []
    for field, entry in doc["fields"].items():
        where = f"fields.{str(field)[:40]}"
        if field not in ALL_FIELDS:
            raise RulesError(
                f"The {origin} names a field Recert does not have: '{str(field)[:40]}' (fields are "
                f"{', '.join(ALL_FIELDS)})."
            )
        entry = _mapping(entry, where, origin, ("spellings", "patterns"))
        langs = _mapping(entry.get("spellings") or {}, f"{where}.spellings", origin)
        if len(langs) > MAX_LANGUAGES:
            raise RulesError(
                f"In the {origin}, {where}.spellings lists {len(langs)} languages; at most "
                f"{MAX_LANGUAGES} are allowed."
            )
        for lang, words in langs.items():
            if not isinstance(lang, str) or not _LANGUAGE.fullmatch(lang):
                raise RulesError(
                    f"In the {origin}, {where}.spellings has '{str(lang)[:40]}', which is not a "
                    "language code (en, fr, es, pt_br, ...)."
                )
            for key in _phrases(words, f"{where}.spellings.{lang}", origin):
                other = spellings.setdefault(key, field)
                if other != field:
                    raise RulesError(
                        f"In the {origin}, the spelling '{key}' names two fields, {other} and {field}: "
                        "a header must name one field."
                    )
        for i, p in enumerate(_list(entry.get("patterns") or [], f"{where}.patterns", origin, MAX_PATTERNS)):
            patterns.append((field, _pattern(p, f"{where}.patterns[{i}]", origin)))
    cpr = _mapping(doc.get("cpr") or {}, "cpr", origin, ("words", "others", "expiry", "issued"))
    rules = tuple(
        _rule(r, f"by_words[{i}]", origin)
        for i, r in enumerate(_list(doc.get("by_words") or [], "by_words", origin, MAX_RULES))
    )
    groups: dict[str, Group] = {}
    raw_groups = _mapping(doc.get("groups") or {}, "groups", origin)
    if len(raw_groups) > MAX_GROUPS:
        raise RulesError(f"The {origin} lists {len(raw_groups)} groups; at most {MAX_GROUPS} are allowed.")
    for name, g in raw_groups.items():
        where = f"groups.{str(name)[:40]}"
        g = _mapping(g, where, origin, ("spellings", "fields"))
        fields = _mapping(g.get("fields") or {}, f"{where}.fields", origin)
        for below, field in fields.items():
            if below not in ALL_FIELDS or field not in ALL_FIELDS:
                bad = below if below not in ALL_FIELDS else field
                raise RulesError(
                    f"In the {origin}, {where}.fields names a field Recert does not have: '{str(bad)[:40]}'."
                )
        group = Group(str(name), dict(fields))
        for key in _phrases(g.get("spellings"), f"{where}.spellings", origin):
            if groups.setdefault(key, group) is not group:
                raise RulesError(f"In the {origin}, the group spelling '{key}' is listed for two groups.")
    units = _mapping(doc.get("units") or {}, "units", origin, ("hours", "credits"))
    return Vocabulary(
        spellings=spellings,
        patterns=tuple(patterns),
        cpr_words=_words(cpr, "words", "cpr", origin),
        cpr_others=_words(cpr, "others", "cpr", origin),
        cpr_expiry=_words(cpr, "expiry", "cpr", origin),
        cpr_issued=_words(cpr, "issued", "cpr", origin),
        rules=rules,
        groups=groups,
        hour_words=_words(units, "hours", "units", origin),
        credit_words=_words(units, "credits", "units", origin),
        version=_version(doc.get("version", 1), origin),
    )


def _version(v: object, origin: str) -> int:
    if isinstance(v, bool) or not isinstance(v, int) or not 1 <= v <= 1000:
        raise RulesError(f"In the {origin}, version must be a whole number from 1 to 1000.")
    return v


def _mapping(v: object, where: str, origin: str, keys: Iterable[str] | None = None) -> dict[str, Any]:
    if not isinstance(v, dict):
        raise RulesError(f"In the {origin}, {where} must be a mapping.")
    if keys is not None:
        extra = [k for k in v if k not in keys]
        if extra:
            raise RulesError(
                f"In the {origin}, {where} has '{str(extra[0])[:40]}', which Recert does not read (it "
                f"reads {', '.join(keys)})."
            )
    return v


def _list(v: object, where: str, origin: str, limit: int) -> list[Any]:
    if not isinstance(v, list):
        raise RulesError(f"In the {origin}, {where} must be a list.")
    if len(v) > limit:
        raise RulesError(f"In the {origin}, {where} lists {len(v):,} entries; at most {limit} are allowed.")
    return v


def _phrases(v: object, where: str, origin: str) -> list[str]:
    """A list of spellings or words, each folded; refused when empty after folding, too long or not text."""
    out = []
    for s in _list(v if v is not None else [], where, origin, MAX_SPELLINGS):
        if not isinstance(s, str | int) or isinstance(s, bool):
            raise RulesError(
                f"In the {origin}, {where} holds {str(s)[:40]!r}, which is not text (YAML reads "
                "yes, no, on and off as true/false: put such words in quotes)."
            )
        key = header_key(s)
        if not key or len(str(s)) > MAX_SPELLING_CHARS or len(key.split()) > MAX_SPELLING_WORDS:
            raise RulesError(
                f"In the {origin}, {where} holds '{str(s)[:40]}': a spelling must have letters or "
                f"digits, at most {MAX_SPELLING_CHARS} characters and {MAX_SPELLING_WORDS} words."
            )
        out.append(key)
    return out


def _words(section: Mapping[str, Any], key: str, where: str, origin: str) -> frozenset[str]:
    words = _phrases(section.get(key), f"{where}.{key}", origin)
    too_long = [w for w in words if len(w.split()) > _PHRASE_WORDS]
    if too_long:
        raise RulesError(
            f"In the {origin}, {where}.{key} holds '{too_long[0]}': a word list holds words or "
            f"phrases of at most {_PHRASE_WORDS} words."
        )
    return frozenset(words)


def _pattern(p: object, where: str, origin: str) -> re.Pattern[str]:
    if not isinstance(p, str) or not p or len(p) > MAX_PATTERN_CHARS:
        raise RulesError(
            f"In the {origin}, {where} must be a regular expression of 1 to {MAX_PATTERN_CHARS} characters."
        )
    if re.search(r"\(\?[<=!]|\\\d|\(\?P=", p):
        raise RulesError(
            f"In the {origin}, {where} uses a lookaround or a back-reference; write plain "
            "alternatives instead."
        )
    try:
        compiled = re.compile(p)
    except re.error as exc:
        raise RulesError(f"In the {origin}, {where} is not a valid regular expression ({exc.msg}).") from None
    if compiled.fullmatch(""):
        raise RulesError(f"In the {origin}, {where} matches an empty header; it must need some words.")
    return compiled


def _rule(r: object, where: str, origin: str) -> WordRule:
    r = _mapping(r, where, origin, ("field", "any", "also", "not"))
    if r.get("field") not in ALL_FIELDS:
        raise RulesError(f"In the {origin}, {where}.field must be one of {', '.join(ALL_FIELDS)}.")
    any_ = _words(r, "any", where, origin)
    if not any_:
        raise RulesError(f"In the {origin}, {where}.any must list at least one word.")
    return WordRule(r["field"], any_, _words(r, "also", where, origin), _words(r, "not", where, origin))


@lru_cache(maxsize=1)
def vocabulary() -> Vocabulary:
    """The bundled vocabulary (``cpd/headers.yaml``), loaded once."""
    text = resources.files("cpd").joinpath("headers.yaml").read_text(encoding="utf-8")
    return load_vocabulary(text, "header vocabulary (cpd/headers.yaml)")


# Matching one header --------------------------------------------------------------------------------------------
def _has(words: list[str], phrases: frozenset[str]) -> bool:
    """Whether the header's words hold one of the words or phrases."""
    n = len(words)
    return any(
        " ".join(words[i:j]) in phrases for i in range(n) for j in range(i + 1, min(n, i + _PHRASE_WORDS) + 1)
    )


def _cover(words: list[str], kinds: tuple[frozenset[str], ...]) -> set[int] | None:
    """Which word lists the header's words come from, longest phrase first; None when a word is in none."""
    found: set[int] = set()
    i = 0
    while i < len(words):
        for j in range(min(len(words), i + _PHRASE_WORDS), i, -1):
            phrase = " ".join(words[i:j])
            hit = [k for k, kind in enumerate(kinds) if phrase in kind]
            if hit:
                found.update(hit)
                i = j
                break
        else:
            return None
    return found


def _cpr_field(key: str, voc: Vocabulary) -> str | None:
    """ "cpr_expires" / "cpr_issued" for a header made only of CPR/AED words ("Red Cross CPR exp"), else None."""
    words = key.split()
    kinds = _cover(words, (voc.cpr_words, voc.cpr_expiry, voc.cpr_issued, voc.cpr_others))
    if kinds is None or 0 not in kinds:
        return None
    return "cpr_issued" if 2 in kinds and 1 not in kinds else "cpr_expires"


def names_a_cpr_card(text: object) -> bool:
    """A certification cell naming a CPR/AED card in the vocabulary's words, in any of its languages ("RCR/DEA",
    "Premiers soins", "RCP", "Croix-Rouge RCR"): only CPR words and the words around them (issuer, level)."""
    key = header_key(text)
    if not key or len(key) > MAX_HEADER_CHARS:
        return False
    voc = vocabulary()
    kinds = _cover(key.split(), (voc.cpr_words, voc.cpr_others))
    return kinds is not None and 0 in kinds


@lru_cache(maxsize=4096)
def _exact_field(text: str) -> str | None:
    key = header_key(text)
    if not key or len(key) > MAX_HEADER_CHARS:
        return None
    voc = vocabulary()
    cpr = _cpr_field(key, voc)
    if cpr:
        return cpr
    if key in voc.spellings:
        return voc.spellings[key]
    for name, pattern in voc.patterns:
        if pattern.fullmatch(key):
            return name
    return None


def exact_field(text: object) -> str | None:
    """Recert field a header names by one of the known spellings (or as a CPR/AED column)."""
    return _exact_field(str(text))


def field_for(text: object) -> str | None:
    """Recert field a header names (by its exact spelling, else by its words), or None."""
    return exact_field(text) or _by_words(header_key(text))


def _by_words(key: str) -> str | None:
    """Second chance for headers no spelling names exactly, by the words they contain ("Date of Expiry",
    "Employee Full Name", "Gym Location", "CE Credits Earned", "Certification Body")."""
    if not key or len(key) > MAX_HEADER_CHARS:
        return None
    voc = vocabulary()
    words = key.split()
    if _has(words, voc.cpr_words):  # a CPR/AED column whose other words are unknown: its expiry, or nothing
        return "cpr_expires" if _has(words, voc.cpr_expiry) else None
    for rule in voc.rules:
        if _has(words, rule.any) and (not rule.also or _has(words, rule.also)) and not _has(words, rule.none):
            return rule.field
    return None


def header_unit(text: object) -> str | None:
    """Unit a header states ("CE hours", "Horas" -> hours; "CEUs earned", "UEC" -> units)."""
    key = header_key(text)
    if len(key) > MAX_HEADER_CHARS:
        return None
    voc = vocabulary()
    words = key.split()
    if _has(words, voc.hour_words):
        return "hours"
    if unit_kind(key):
        return unit_kind(key)
    if _has(words, voc.credit_words):
        return "units"
    for w in words:
        k = unit_kind(w)
        if k:
            return k
    return None


def header_date_order(text: object) -> str | None:
    """Order stated in a header note, e.g. "Exp. Date (dd/mm/yyyy)", "Date d'expiration (jj/mm/aaaa)"."""
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


_DATE_WORDS = frozenset(
    {
        "earned",
        "exp",
        "expiry",
        "expires",
        "expiration",
        "date",
        "valid",
        "until",
        "fecha",
        "vence",
        "vencimiento",
        "echeance",
        "caducidad",
    }
)


def credential_column(header: object, catalogue: Catalogue, index: int) -> CredentialColumn | None:
    """A matrix column header such as "NASM CPT", "ACE GFI exp", "CPR/AED", "NASM CEUs"."""
    text = str(header).strip()
    key = header_key(text)
    if not key or len(key) > MAX_HEADER_CHARS or exact_field(text) is not None:
        return None
    words = key.split()
    credits = any(unit_kind(w) for w in words) and not any(
        w in ("exp", "expiry", "expires", "expiration") for w in words
    )
    core = " ".join(w for w in words if not unit_kind(w) and w not in _DATE_WORDS)
    if not core:
        return None
    cid = catalogue.match(core)
    if cid is None:
        return None
    cred = catalogue[cid]
    return CredentialColumn(index, text, cid, True, cred.kind == "cpr_card", credits=bool(credits))


# The header row ---------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class HeaderGuess:
    row: int  # index into the grid rows (the lower row of a two-row header)
    fields: dict[int, str]  # column index -> field
    credential_columns: tuple[CredentialColumn, ...]
    score: int
    labels: tuple[str, ...] | None = None  # a two-row header's column names ("Certification: Expires")
    group_row: int | None = None  # index of a two-row header's upper row


def map_header(cells: list[object], catalogue: Catalogue, hidden: Collection[int] = ()) -> HeaderGuess:
    """Map one candidate header row; duplicates of a field keep the first visible column (a hidden column is
    used only when no visible one names its field)."""
    if not any(isinstance(c, str) and c.strip() for c in cells):
        return HeaderGuess(row=-1, fields={}, credential_columns=(), score=0)
    mapped = _Mapped(catalogue)
    for i in _visible_first(len(cells), hidden):
        cell = cells[i]
        if isinstance(cell, str) and cell.strip():  # headers are text; dates and numbers are data
            mapped.name(i, cell)
    return mapped.guess()


def _visible_first(width: int, hidden: Collection[int]) -> list[int]:
    return sorted(range(width), key=lambda i: i in hidden) if hidden else list(range(width))


class _Mapped:
    """Columns mapped so far: fields (the first column of each) and credential columns."""

    def __init__(self, catalogue: Catalogue) -> None:
        self.catalogue = catalogue
        self.fields: dict[int, str] = {}
        self.creds: list[CredentialColumn] = []

    def name(self, i: int, cell: str) -> None:
        """Exact spellings first, then a credential's name ("NASM CPT Exp" is a matrix column, not the expiry),
        then the words of the header."""
        f = exact_field(cell)
        if f is None:
            cc = credential_column(cell, self.catalogue, i)
            if cc:
                self.creds.append(cc)
                return
            f = _by_words(header_key(cell))
        self.add(i, cell, f)

    def add(self, i: int, cell: str, f: str | None) -> None:
        if not f:
            return
        if f not in self.fields.values():
            self.fields[i] = f
        elif f == "cpr_expires":  # a second CPR/AED card column ("CPR" and "First aid"): a card of its own
            cid = self.catalogue.generic_cpr_id
            self.creds.append(CredentialColumn(i, cell, cid, cid in self.catalogue, True))

    def guess(self, labels: tuple[str, ...] | None = None) -> HeaderGuess:
        creds = tuple(sorted(self.creds, key=lambda c: c.index))
        return HeaderGuess(
            row=-1,
            fields=dict(sorted(self.fields.items())),
            credential_columns=creds,
            score=len(self.fields) + len(creds),
            labels=labels,
        )


def _text(cell: object) -> str:
    return cell.strip() if isinstance(cell, str) else ""


def two_row_labels(
    upper: list[object], lower: list[object], spans: Mapping[int, int] | None = None
) -> tuple[list[str], dict[int, str | None]] | None:
    """Column names of a two-row header and, for each column under a group, the field the group gives it
    (None: not one of the group's fields, so not used); None when the upper row holds no group over a field.

    A group's text is in its first cell only. Where the workbook says how far the cell is merged (``spans``:
    first column -> last column), the group covers exactly those columns; otherwise (a csv) it covers the
    columns to its right whose upper cell is empty and whose name is one of the group's fields. Grouped
    columns are named "Certification: Expires". An upper cell with nothing below it names its column alone
    (merged down); a lower cell under no group names its column alone.
    """
    voc = vocabulary()
    spans = spans or {}
    width = max(len(upper), len(lower))
    up = [_text(upper[i]) if i < len(upper) else "" for i in range(width)]
    low = [_text(lower[i]) if i < len(lower) else "" for i in range(width)]
    labels: list[str] = []
    grouped: dict[int, str | None] = {}
    group: Group | None = None
    group_text, last = "", -1
    for i in range(width):
        if up[i]:
            key = header_key(up[i])
            group = voc.groups.get(key) if low[i] and len(key) <= MAX_HEADER_CHARS else None
            group_text, last = up[i], spans.get(i, -1)
        elif not low[i] or (last >= 0 and i > last):
            group = None
        field = group.fields.get(field_for(low[i]) or "") if group is not None and low[i] else None
        if group is not None and low[i] and (field or i <= last):  # merged over it, or one of its fields
            labels.append(f"{group_text}: {low[i]}")
            grouped[i] = field
            continue
        group = None  # past the group's last field (no merge says how far it goes)
        labels.append(up[i] if up[i] and not low[i] else low[i])
    return (labels, grouped) if any(grouped.values()) else None


def map_two_rows(
    upper: list[object],
    lower: list[object],
    catalogue: Catalogue,
    spans: Mapping[int, int] | None = None,
    hidden: Collection[int] = (),
) -> HeaderGuess | None:
    """Map a two-row header: each name under a group stands for the field the group gives it ("Name" under
    "Certification" is the credential); other columns are mapped by their own name."""
    found = two_row_labels(upper, lower, spans)
    if found is None:
        return None
    labels, grouped = found
    mapped = _Mapped(catalogue)
    for i in _visible_first(len(labels), hidden):
        if i in grouped:
            mapped.add(i, labels[i], grouped[i])
        elif labels[i]:
            mapped.name(i, labels[i])
    return mapped.guess(tuple(labels))


HEADER_SCAN = 30  # rows looked at for the header (titles, logos and notes above it included)


def find_header(
    rows: list[list[object]],
    catalogue: Catalogue,
    *,
    scan: int = HEADER_SCAN,
    spans: Mapping[int, Mapping[int, int]] | None = None,
    hidden: Collection[int] = (),
) -> HeaderGuess | None:
    """The row among the first ``scan`` that names the most fields (at least two); earliest wins ties. A row
    under a row of group cells ("Certification", "CPR / AED") is read with it when that names more fields.

    ``spans``: for a row, its merged cells (first column -> last column); ``hidden``: hidden columns, used
    for a field only when no visible column names it.
    """
    best: HeaderGuess | None = None
    spans = spans or {}
    for r, cells in enumerate(rows[:scan]):
        if sum(1 for c in cells if isinstance(c, str) and c.strip()) < 2:
            continue
        guess = map_header(cells, catalogue, hidden)
        if r > 0 and any(isinstance(c, str) and c.strip() for c in rows[r - 1]):
            two = map_two_rows(rows[r - 1], cells, catalogue, spans.get(r - 1), hidden)
            if two is not None and two.score > guess.score:
                guess = HeaderGuess(r, two.fields, two.credential_columns, two.score, two.labels, r - 1)
        # Values that look like data (dates, numbers) make a row an unlikely header.
        if guess.score >= 2 and (best is None or guess.score > best.score):
            best = HeaderGuess(
                r, guess.fields, guess.credential_columns, guess.score, guess.labels, guess.group_row
            )
    return best
