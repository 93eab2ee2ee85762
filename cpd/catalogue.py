"""The certifying bodies' rules, loaded from data (``credentials.yaml``), validated, and matched by name.

Rule values never live in code: this module only knows the *shape* of a rule. A ``--rules`` file in the same
format overrides or adds credentials by id.
"""

from __future__ import annotations

import hashlib
import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, fields, replace
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from .errors import RulesError
from .text import fold

KINDS = ("certification", "cpr_card")

# Bounds on a rules file, checked before anything is built from it (the README lists them). The bundled
# catalogue is 26 KB with 28 credentials, 1,625 YAML values nested 4 deep, at most 15 aliases and 4 sources per
# credential, 21 bodies with at most 4 spellings each: each bound leaves about ten times that (a club adding its
# own courses fits), and a 256 KB file is scanned in milliseconds. tests/test_catalogue.py keeps the margin.
MAX_RULES_BYTES = 256 * 1024
MAX_NODES = 20_000
MAX_DEPTH = 10
MAX_NUMBER_CHARS = 50  # a plain value that reads as a number (int, float, date) and is longer than this
MAX_CREDENTIALS = 500  # in a rules file, and in the catalogue it makes
MAX_ALIASES = 50  # per credential
MAX_SOURCES = 20  # per credential
MAX_CONFIDENCE = 20  # entries per credential
# Every distinct cell text is looked for among the body spellings: 100 x 12 makes that 8x the bundled cost (0.3 ms
# a text), where 200 x 20 made it 26x.
MAX_BODIES = 100  # in body_aliases
MAX_BODY_SPELLINGS = 12  # per body
MAX_ID_CHARS = 64
SHORT_TEXT = 200  # name, body, body_name, unit, each alias, body spelling and confidence key (bundled: <= 70)
LONG_TEXT = 2_000  # notes, fee, lifetime_option, category_rules, unit_note, carryover, each source (<= 226)
MIN_SPELLING_CHARS = 3  # letters or digits in an alias or body spelling, unless it is the body code itself
# Every number a rule may hold: (lowest, highest, unit). The researched values (shared/domain/
# credentials.seed.yaml) are cycles of 1-4 years, 2-60 credits, 1-10 hours per unit, 0.1-5 CPR credits and
# 0-730 grace days; the ranges admit any real body and refuse what would make the standing meaningless.
RANGES: dict[str, tuple[float, float, str]] = {
    "cycle_years": (0.25, 10, "years"),
    "required_credits": (0, 1000, "credits"),
    "hours_per_unit": (0.01, 100, "hours"),
    "cpr_counts_credits": (0, 1000, "credits"),  # and never more than the credential's required_credits
    "grace_days": (0, 3650, "days"),
}
_LONG_FIELDS = ("unit_note", "lifetime_option", "fee", "category_rules", "notes")
_TOP_LEVEL = ("version", "credentials", "definitions", "body_aliases")
# Characters no rule text needs: control codes (terminal escapes), lone surrogates (unwritable as UTF-8) and
# direction overrides (text that displays reversed); names also may not break lines.
_UNSAFE_LONG = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
_UNSAFE_SHORT = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
_ID = re.compile(rf"[a-z0-9_]{{1,{MAX_ID_CHARS}}}")
_CPR_WORDS = re.compile(r"\b(cpr|aed|bls|first aid|heartsaver|basic life support|resuscitation|hltaid\d*)\b")
# Words that say nothing more than "the body's main credential" when written with a body name.
_GENERIC = {
    "cpt",
    "pt",
    "personal",
    "trainer",
    "trainers",
    "training",
    "fitness",
    "professional",
    "main",
    "primary",
    "card",
    "current",
    "renewal",
    "renew",
}
# Words that make a CPR-sounding name another qualification, not a CPR/AED card.
_NOT_A_CARD = {
    "mental",
    "instructor",
    "instructors",
    "trainer",
    "lifeguard",
    "lifeguarding",
    "wilderness",
    "pals",
    "acls",
    "course",
    "director",
}
# Words that say nothing about which credential is meant.
_NOISE = {
    "certified",
    "certification",
    "cert",
    "certificate",
    "credential",
    "the",
    "of",
    "and",
    "in",
    "exp",
    "expiry",
    "expires",
    "expiration",
    "date",
    "valid",
    "until",
    "level",
    "registered",
}


@dataclass(frozen=True)
class Credential:
    """One catalogue entry. ``None`` means unknown (never guessed)."""

    id: str
    kind: str
    body: str
    name: str
    body_name: str = ""
    aliases: tuple[str, ...] = ()
    main: bool = False
    cycle_years: float | None = None
    required_credits: float | None = None
    unit: str | None = None
    unit_note: str | None = None
    hours_per_unit: float | None = None
    cpr_required: bool | None = None
    cpr_counts_credits: float | None = None
    grace_days: int | None = None
    carryover: Any = None
    lifetime_option: str | None = None
    fee: str | None = None
    category_rules: str | None = None
    notes: str | None = None
    confidence: Mapping[str, str] = field(default_factory=dict)
    sources: tuple[str, ...] = ()

    @property
    def grace(self) -> int:
        """Grace days, null read as 0 (standing.md)."""
        return int(self.grace_days or 0)

    @property
    def unit_label(self) -> str:
        return self.unit or "credits"


_FIELD_NAMES = {f.name for f in fields(Credential)}


@dataclass(frozen=True)
class Catalogue:
    """All credentials by id, plus the indexes that turn a manager's spelling into an id."""

    credentials: Mapping[str, Credential]
    body_aliases: Mapping[str, tuple[str, ...]]
    version: str
    definitions: tuple[Mapping[str, Any], ...] = ()
    _alias_index: dict[str, str] = field(default_factory=dict, compare=False, repr=False)
    _body_index: dict[str, str] = field(default_factory=dict, compare=False, repr=False)
    _match_cache: dict[str, str | None] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        alias: dict[str, str] = {}
        for cred in self.credentials.values():
            for spelling in (cred.id, cred.name, *cred.aliases):
                key = fold(spelling)
                if key:
                    alias.setdefault(key, cred.id)
        body: dict[str, str] = {}
        for code, spellings in self.body_aliases.items():
            for spelling in (code, *spellings):
                body.setdefault(fold(spelling), code)
        self._alias_index.update(alias)
        self._body_index.update(body)

    def __getitem__(self, cred_id: str) -> Credential:
        return self.credentials[cred_id]

    def __contains__(self, cred_id: object) -> bool:
        return cred_id in self.credentials

    def main_of(self, body: str) -> Credential | None:
        """The credential a bare body name means (ACE -> ace_cpt)."""
        members = [c for c in self.credentials.values() if c.body == body]
        mains = [c for c in members if c.main]
        return (mains or members)[0] if members else None

    def body_of(self, text: str) -> str | None:
        """Body code for a name as written ("nasm", "Red Cross") or None."""
        key = fold(text)
        if key in self._body_index:
            return self._body_index[key]
        cred = self._alias_index.get(key)
        return self.credentials[cred].body if cred else None

    def match(self, text: object) -> str | None:
        """Catalogue id for a credential as a manager wrote it (memoised: the same few spellings recur)."""
        key = str(text) if text is not None else ""
        if key not in self._match_cache:
            if len(self._match_cache) > 50_000:
                self._match_cache.clear()
            self._match_cache[key] = self._match(text)
        return self._match_cache[key]

    def _match(self, text: object) -> str | None:
        """Catalogue id for a credential as a manager wrote it, or None when it is not in the catalogue.

        Exact spellings first (aliases, ignoring case, accents and punctuation), then the words in it: one body
        named plus words that single out one of its credentials, else that body's main credential; anything
        that reads like CPR/AED/BLS is a CPR card.
        """
        key = fold(text)
        if not key:
            return None
        if key in self._alias_index:
            return self._alias_index[key]
        words = [w for w in key.split() if w not in _NOISE]
        stripped = " ".join(words)
        if stripped in self._alias_index:
            return self._alias_index[stripped]
        bodies = self._bodies_in(stripped)
        wordset = set(words)
        if _CPR_WORDS.search(key):
            # "Mental Health First Aid" or "CPR Instructor" are other qualifications, not a CPR/AED card.
            if wordset & _NOT_A_CARD:
                return None
            cpr_bodies = [b for b in bodies if (m := self.main_of(b)) is not None and m.kind == "cpr_card"]
            if cpr_bodies:
                return self.main_of(cpr_bodies[0]).id  # type: ignore[union-attr]
            return self.generic_cpr_id
        if len(bodies) != 1:
            return None
        members = [c for c in self.credentials.values() if c.body == bodies[0]]
        best, best_score = None, 0
        for cred in members:
            for spelling in cred.aliases:
                extra = set(fold(spelling).split()) - set(self._body_words(bodies[0]))
                if extra and extra <= wordset and len(extra) > best_score:
                    best, best_score = cred.id, len(extra)
        if best:
            return best
        # A bare body name ("NASM", "ACE PT", "NASM certified personal trainer") means its main credential; any
        # other word names something else ("NASM-CES", "ACE Health Coach"): not in the catalogue, never guessed.
        leftover = wordset - set(self._body_words(bodies[0])) - _GENERIC
        if leftover:
            return None
        main = self.main_of(bodies[0])
        return main.id if main else None

    @property
    def generic_cpr_id(self) -> str:
        """The card a plain "CPR/AED" column or row is recorded as."""
        cards = [c for c in self.credentials.values() if c.kind == "cpr_card"]
        return cards[0].id if cards else "cpr_aed"

    def is_cpr(self, text: object) -> bool:
        """Reads like a CPR/AED/BLS card rather than a fitness credential."""
        cid = self.match(text)
        if cid is not None and cid in self.credentials:
            return self.credentials[cid].kind == "cpr_card"
        key = fold(text)
        return bool(_CPR_WORDS.search(key)) and not set(key.split()) & _NOT_A_CARD

    def _body_words(self, body: str) -> list[str]:
        return [w for spelling in (body, *self.body_aliases.get(body, ())) for w in fold(spelling).split()]

    def _bodies_in(self, key: str) -> list[str]:
        found: list[str] = []
        padded = f" {key} "
        for spelling, code in self._body_index.items():
            if f" {spelling} " in padded and code not in found:
                found.append(code)
        return found

    def with_overrides(
        self, entries: Iterable[Mapping[str, Any]], *, origin: str = "rules file", body_aliases: object = None
    ) -> Catalogue:
        """A new catalogue where ``entries`` replace or add credentials by id (partial entries allowed) and
        ``body_aliases`` replace or add body spellings; every field and spelling is checked."""
        entries = list(entries)
        creds = dict(self.credentials)
        touched: list[str] = []
        for raw in entries:
            cid = _id_of(raw, origin)
            merged = {**_as_raw(creds[cid]), **raw} if cid in creds else dict(raw)
            creds[cid] = _credential(merged, origin)
            touched.append(cid)
        if len(creds) > MAX_CREDENTIALS:
            raise RulesError(
                f"The {origin} would make {len(creds):,} credentials; at most {MAX_CREDENTIALS:,} are "
                "allowed."
            )
        bodies = _body_aliases(body_aliases, origin)
        version = (
            f"{self.version}+{_digest((entries, bodies))}" if bodies else f"{self.version}+{_digest(entries)}"
        )
        cat = replace(
            self,
            credentials=creds,
            body_aliases={**self.body_aliases, **bodies},
            version=version,
            _alias_index={},
            _body_index={},
            _match_cache={},
        )
        _check_spellings(cat, dict.fromkeys(touched), bodies, origin)
        return cat

    def to_rows(self) -> list[dict[str, Any]]:
        """One plain dict per credential, for tables and exports."""
        return [_as_raw(c) for c in self.credentials.values()]

    def to_yaml(self) -> str:
        """The catalogue in the bundled format (usable with ``--rules``)."""
        doc = {
            "version": self.version,
            "credentials": self.to_rows(),
            "definitions": [dict(d) for d in self.definitions],
            "body_aliases": {k: list(v) for k, v in self.body_aliases.items()},
        }
        return yaml.safe_dump(doc, sort_keys=False, allow_unicode=True, width=110)


def _as_raw(cred: Credential) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for f in fields(Credential):
        v = getattr(cred, f.name)
        if isinstance(v, tuple):
            v = list(v)
        elif isinstance(v, Mapping):
            v = dict(v)
        out[f.name] = v
    return out


def _digest(entries: Any) -> str:
    return hashlib.sha256(repr(entries).encode()).hexdigest()[:8]


# Validation --------------------------------------------------------------------------------------------------
def _shown(v: object) -> str:
    """A value as a short, single-line phrase for a sentence (never a 300-digit number or a pasted essay)."""
    if v is None or isinstance(v, bool):
        return {None: "null", True: "true", False: "false"}[v]
    if isinstance(v, int):
        return (
            str(v)
            if abs(v) < 10**15
            else f"a number with {len(str(abs(v))) if v.bit_length() < 10_000 else 'thousands of'} digits"
        )
    if isinstance(v, float):
        return (
            "infinity"
            if v == math.inf
            else "minus infinity"
            if v == -math.inf
            else "NaN"
            if v != v
            else f"{v:g}"
        )
    if isinstance(v, str):
        return repr(v if len(v) <= 40 else v[:37] + "...")
    if isinstance(v, Mapping):
        return "a mapping"
    if isinstance(v, list | tuple):
        return "a list"
    if isinstance(v, bytes | bytearray):
        return "binary data"
    return f"a {type(v).__name__}"  # a date, a set...


def _in_range(v: int | float, lo: float, hi: float) -> bool:
    """lo <= v <= hi, exact for integers of any size (no float overflow) and false for NaN."""
    return (isinstance(v, int) or math.isfinite(v)) and lo <= v <= hi


def _number(raw: Mapping[str, Any], key: str, where: str) -> float | None:
    v = raw.get(key)
    if v is None:
        return None
    lo, hi, what = RANGES[key]
    if isinstance(v, bool) or not isinstance(v, int | float):
        raise RulesError(f"{where}.{key} must be a number of {what} (or null), not {_shown(v)}.")
    if not _in_range(v, lo, hi):
        more = "more than 0, " if key in ("hours_per_unit", "cycle_years") else ""
        raise RulesError(f"{where}.{key} must be {more}between {lo:g} and {hi:g} {what}, not {_shown(v)}.")
    if key == "grace_days" and not float(v).is_integer():
        raise RulesError(f"{where}.grace_days must be a whole number of days, not {_shown(v)}.")
    return float(v)


def _text(v: object, label: str, limit: int) -> str | None:
    """``v`` when it is text of at most ``limit`` characters (or null); else the sentence naming ``label``."""
    if v is None:
        return None
    if not isinstance(v, str):
        raise RulesError(f"{label} must be text, not {_shown(v)}.")
    if len(v) > limit:
        raise RulesError(f"{label} is {len(v):,} characters long; at most {limit:,} are allowed.")
    if (_UNSAFE_SHORT if limit <= SHORT_TEXT else _UNSAFE_LONG).search(v):
        raise RulesError(
            f"{label} holds a control character (a line break, escape or invisible direction mark "
            "where text belongs); write plain text."
        )
    return v


def _texts(v: object, label: str, max_items: int, limit: int) -> tuple[str, ...]:
    """A list of texts (null: none), bounded in length and count."""
    if v is None:
        return ()
    if not isinstance(v, list | tuple):
        raise RulesError(f"{label} must be a list of text, not {_shown(v)}.")
    if len(v) > max_items:
        raise RulesError(f"{label} has {len(v):,} entries; at most {max_items} are allowed.")
    return tuple(_text(item, f"{label} entry {i}", limit) or "" for i, item in enumerate(v, start=1))


def _id_of(raw: object, origin: str) -> str:
    """The entry's id, checked before anything uses it as a key."""
    cid = raw.get("id") if isinstance(raw, Mapping) else None
    if cid is None or cid == "":
        raise RulesError(f"Every entry in the {origin} needs an id.")
    if not isinstance(cid, str) or not _ID.fullmatch(cid):
        raise RulesError(
            f"In the {origin}, the id {_shown(cid)} must use lower-case letters, digits and _ only "
            f"(at most {MAX_ID_CHARS})."
        )
    return cid


def _credential(raw: Mapping[str, Any], origin: str) -> Credential:
    """One entry, every field checked for its type and range: the sentence names the credential and the field."""
    cid = _id_of(raw, origin)
    where = f"In the {origin}, {cid}"
    odd = [k for k in raw if not isinstance(k, str)]
    if odd:
        raise RulesError(f"{where} has a field name that is not text: {_shown(odd[0])}.")
    unknown = set(raw) - _FIELD_NAMES - {"credential"}
    if unknown:
        shown = ", ".join(k if len(k) <= 40 else k[:37] + "..." for k in sorted(unknown)[:5])
        raise RulesError(f"{where} has fields Recert does not know: {_one_line(shown)}.")
    kind = raw.get("kind") or "certification"
    if not isinstance(kind, str) or kind not in KINDS:
        raise RulesError(f"{where}.kind must be one of {', '.join(KINDS)}, not {_shown(kind)}.")
    short = {
        k: _text(raw.get(k), f"{where}.{k}", SHORT_TEXT)
        for k in ("name", "credential", "body", "body_name", "unit")
    }
    long = {k: _text(raw.get(k), f"{where}.{k}", LONG_TEXT) for k in _LONG_FIELDS}
    name = short["name"] or short["credential"]
    body = short["body"]
    if name is None or body is None or not name.strip() or not body.strip():
        raise RulesError(f"{where} needs a name and a body.")
    nums = {k: _number(raw, k, where) for k in RANGES}
    if kind == "certification" and nums["cycle_years"] is None:
        raise RulesError(f"{where} needs cycle_years.")
    req, cpr_credit = nums["required_credits"], nums["cpr_counts_credits"]
    if req is not None and cpr_credit is not None and cpr_credit > req:
        raise RulesError(
            f"{where}.cpr_counts_credits ({cpr_credit:g}) cannot be more than its required_credits ({req:g})."
        )
    for flag in ("cpr_required", "main"):
        v = raw.get(flag)
        if v is not None and not isinstance(v, bool):
            raise RulesError(f"{where}.{flag} must be true, false or null, not {_shown(v)}.")
    carry = raw.get("carryover")
    if isinstance(carry, str):
        _text(carry, f"{where}.carryover", LONG_TEXT)
    elif (
        carry is not None
        and not isinstance(carry, bool)
        and not (isinstance(carry, int | float) and _in_range(carry, 0, RANGES["required_credits"][1]))
    ):
        raise RulesError(
            f"{where}.carryover must be true, false, text or a number of credits, not {_shown(carry)}."
        )
    aliases = _texts(raw.get("aliases"), f"{where}.aliases", MAX_ALIASES, SHORT_TEXT)
    sources = _texts(raw.get("sources"), f"{where}.sources", MAX_SOURCES, LONG_TEXT)
    return Credential(
        id=cid,
        kind=kind,
        body=body,
        name=name,
        body_name=short["body_name"] or body,
        aliases=aliases,
        main=bool(raw.get("main") or False),
        cycle_years=nums["cycle_years"],
        required_credits=req,
        unit=short["unit"],
        unit_note=long["unit_note"],
        hours_per_unit=nums["hours_per_unit"],
        cpr_required=raw.get("cpr_required"),
        cpr_counts_credits=cpr_credit,
        grace_days=None if nums["grace_days"] is None else int(nums["grace_days"]),
        carryover=carry,
        lifetime_option=long["lifetime_option"],
        fee=long["fee"],
        category_rules=long["category_rules"],
        notes=long["notes"],
        confidence=_confidence(raw.get("confidence"), where),
        sources=sources,
    )


def _one_line(text: str) -> str:
    return "".join(ch if ch.isprintable() else "?" for ch in text)


def _confidence(v: object, where: str) -> dict[str, str]:
    if v is None:
        return {}
    if not isinstance(v, Mapping):
        raise RulesError(
            f"{where}.confidence must be a mapping such as {{cycle: C, credits: I}}, not {_shown(v)}."
        )
    if len(v) > MAX_CONFIDENCE:
        raise RulesError(f"{where}.confidence has {len(v):,} entries; at most {MAX_CONFIDENCE} are allowed.")
    out: dict[str, str] = {}
    for k, value in v.items():
        key = _text(k, f"{where}.confidence has a key that", SHORT_TEXT) if not isinstance(k, str) else k
        _text(key, f"{where}.confidence key {_shown(key)}", SHORT_TEXT)
        out[key] = _text(value, f"{where}.confidence.{_one_line(key[:40])}", LONG_TEXT) or ""  # type: ignore[index]
    return out


def _body_aliases(v: object, origin: str) -> dict[str, tuple[str, ...]]:
    """body_aliases: a mapping of body code (text) to a list of spellings (text), bounded."""
    if v is None:
        return {}
    if not isinstance(v, Mapping):
        raise RulesError(
            f"In the {origin}, body_aliases must map each body code to a list of spellings, not {_shown(v)}."
        )
    if len(v) > MAX_BODIES:
        raise RulesError(
            f"In the {origin}, body_aliases lists {len(v):,} bodies; at most {MAX_BODIES} are allowed."
        )
    out: dict[str, tuple[str, ...]] = {}
    for code, spellings in v.items():
        if not isinstance(code, str) or not code.strip() or len(code) > SHORT_TEXT:
            raise RulesError(
                f"In the {origin}, body_aliases has a body code that is not a short text: {_shown(code)}."
            )
        out[code] = _texts(
            spellings, f"In the {origin}, body_aliases.{_one_line(code[:40])}", MAX_BODY_SPELLINGS, SHORT_TEXT
        )
    return out


def _too_generic(key: str, code: str, what: str = "credential") -> str:
    """Why a folded spelling cannot single out a credential or body ("" when it can)."""
    if not key:
        return "has no Latin letters or digits, which is what spellings are matched on"
    if set(key.split()) <= _NOISE | _GENERIC:
        return f"is a generic word that names no {what} in particular"
    if len(key.replace(" ", "")) < MIN_SPELLING_CHARS and key != fold(code):
        return f"is too short to single out a {what} (at least {MIN_SPELLING_CHARS} letters or digits)"
    return ""


def _check_spellings(cat: Catalogue, cred_ids: Iterable[str], bodies: Iterable[str], origin: str) -> None:
    """Each spelling (id, name, alias, body name) of the entries given must single out one thing.

    Cell text is matched against these spellings, so "a", "the" or "ace" on a NASM credential would silently
    move other trainers' certifications onto it.
    """
    cred_owner: dict[str, set[str]] = {}
    for c in cat.credentials.values():
        for s in (c.id, c.name, *c.aliases):
            cred_owner.setdefault(fold(s), set()).add(c.id)
    body_owner: dict[str, set[str]] = {}
    for code, spellings in cat.body_aliases.items():
        for s in (code, *spellings):
            body_owner.setdefault(fold(s), set()).add(code)
    for cid in cred_ids:
        c = cat.credentials[cid]
        main = cat.main_of(c.body)
        for what, s in (("id", c.id), ("name", c.name), *(("aliases", a) for a in c.aliases)):
            key = fold(s)
            if not key and what == "name":  # a name in another script: shown, never matched
                continue
            label = f"In the {origin}, {cid}.{what} {_shown(s)}"
            why = _too_generic(key, c.body)
            if why:
                raise RulesError(f"{label} {why}.")
            others = sorted(cred_owner.get(key, set()) - {cid})
            if others:
                raise RulesError(
                    f"{label} is also a spelling of {others[0]}: each spelling must single out one "
                    "credential."
                )
            named = body_owner.get(key, set())
            foreign = sorted(named - {c.body})
            if foreign:
                raise RulesError(
                    f"{label} is the name of the body {_one_line(foreign[0][:40])}, not of "
                    f"{_one_line(c.body[:40])}."
                )
            if named and main is not None and main.id != cid:
                raise RulesError(
                    f"{label} names the body {_one_line(c.body[:40])}, which means its main credential "
                    f"{main.id}."
                )
    for code in bodies:
        for s in (code, *cat.body_aliases.get(code, ())):
            key = fold(s)
            label = f"In the {origin}, body_aliases.{_one_line(code[:40])} {_shown(s)}"
            why = _too_generic(key, code, "body")
            if why:
                raise RulesError(f"{label} {why}.")
            others = sorted(body_owner.get(key, set()) - {code})
            if others:
                raise RulesError(f"{label} is also a spelling of the body {_one_line(others[0][:40])}.")
            creds = sorted(i for i in cred_owner.get(key, set()) if cat.credentials[i].body != code)
            if creds:
                raise RulesError(f"{label} is a spelling of {creds[0]}, a credential of another body.")


# Reading a rules file ----------------------------------------------------------------------------------------
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when available: 10x faster
_RESOLVER = yaml.resolver.Resolver()
_NUMBER_TAGS = {"tag:yaml.org,2002:int", "tag:yaml.org,2002:float", "tag:yaml.org,2002:timestamp"}


def check_rules_size(size: int, name: str) -> None:
    """Refuse a rules file by its size alone, before its bytes are read or decoded."""
    if size > MAX_RULES_BYTES:
        raise RulesError(
            f"The rules file {name} is larger than {MAX_RULES_BYTES // 1024} KB; a rules file lists "
            "renewal rules (a few dozen KB), so this is not one."
        )


def rules_text_from_bytes(data: bytes, name: str) -> str:
    """The text of an uploaded or opened rules file, refused when too large or not UTF-8."""
    check_rules_size(len(data), name)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise RulesError(f"The rules file {name} is not UTF-8 text.") from None


def read_rules_file(path: str | Path) -> str:
    """A rules file's text, reading at most the size cap (a 40 GB file or /dev/zero is refused, not read)."""
    p = Path(path)
    try:
        with p.open("rb") as fh:
            data = fh.read(MAX_RULES_BYTES + 1)
    except OSError as exc:
        raise RulesError(
            f"The rules file {p.name} cannot be read ({exc.strerror or 'unreadable'})."
        ) from None
    return rules_text_from_bytes(data, p.name)


def _near(event: Any) -> str:
    mark = getattr(event, "start_mark", None)
    return f" near line {mark.line + 1}" if mark is not None else ""


def _scan(text: str, origin: str) -> None:
    """Refuse, from the parser's event stream and before any document is built, what could blow up later.

    Anchors and aliases (a 430-byte "billion laughs" file expands to gigabytes once walked), merge keys, tags,
    more than MAX_NODES values, nesting deeper than MAX_DEPTH and numbers longer than MAX_NUMBER_CHARS
    characters. Streaming: the first offending event stops the scan, so a bomb costs milliseconds.
    """
    try:
        too_big = len(text) > MAX_RULES_BYTES or len(text.encode("utf-8")) > MAX_RULES_BYTES
    except UnicodeError:  # a lone surrogate: not text that came from a UTF-8 file
        raise RulesError(f"The {origin} is not valid UTF-8 text.") from None
    if too_big:
        raise RulesError(
            f"The {origin} is larger than {MAX_RULES_BYTES // 1024} KB; a rules file lists renewal "
            "rules (a few dozen KB), so this is not one."
        )
    loader = _LOADER(text)
    nodes = depth = 0
    try:
        while loader.check_event():
            ev = loader.get_event()
            if isinstance(ev, yaml.CollectionEndEvent):
                depth -= 1
            if not isinstance(ev, yaml.NodeEvent):
                continue
            if ev.anchor is not None:  # an anchor (&a) or an alias (*a)
                raise RulesError(
                    f"The {origin} uses YAML anchors or aliases (& or *){_near(ev)}; Recert does not "
                    "accept them: write each value out in full."
                )
            if getattr(ev, "tag", None) is not None:
                raise RulesError(
                    f"The {origin} uses a YAML tag{_near(ev)}; write plain values (text, numbers, "
                    "true/false) instead."
                )
            nodes += 1
            if nodes > MAX_NODES:
                raise RulesError(
                    f"The {origin} holds more than {MAX_NODES:,} values; a rules file lists renewal "
                    "rules, so this is not one."
                )
            if isinstance(ev, yaml.CollectionStartEvent):
                depth += 1
                if depth > MAX_DEPTH:
                    raise RulesError(
                        f"The {origin} is nested more than {MAX_DEPTH} levels deep{_near(ev)} (the "
                        "bundled rules need 4)."
                    )
            elif isinstance(ev, yaml.ScalarEvent) and ev.implicit[0]:  # a plain (unquoted) value
                if ev.value == "<<":
                    raise RulesError(
                        f"The {origin} uses a YAML merge key (<<){_near(ev)}; write each value out in full."
                    )
                if (
                    len(ev.value) > MAX_NUMBER_CHARS
                    and _RESOLVER.resolve(yaml.ScalarNode, ev.value, (True, False)) in _NUMBER_TAGS
                ):
                    raise RulesError(
                        f"The {origin} holds a number {len(ev.value):,} characters long{_near(ev)}; "
                        "no rule value needs more than a few digits."
                    )
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" near line {mark.line + 1}" if mark else ""
        raise RulesError(f"The {origin} is not valid YAML{where}.") from None
    finally:
        loader.dispose()


def _parse_document(text: str, origin: str) -> dict[str, Any]:
    """The document, after ``_scan`` has bounded it; its top level checked."""
    _scan(text, origin)
    try:
        doc = yaml.load(text, Loader=_LOADER)  # noqa: S506 - a safe loader
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" near line {mark.line + 1}" if mark else ""
        raise RulesError(f"The {origin} is not valid YAML{where}.") from None
    except (ValueError, OverflowError, UnicodeError):  # e.g. a date such as 2026-13-45
        raise RulesError(
            f"The {origin} holds a value Recert cannot read (a date or number out of range?)."
        ) from None
    if isinstance(doc, list):  # a bare list of credentials, as in the seed file
        doc = {"credentials": doc}
    if not isinstance(doc, dict) or not isinstance(doc.get("credentials"), list):
        raise RulesError(f"The {origin} must hold a list named 'credentials'.")
    unknown = [k for k in doc if k not in _TOP_LEVEL]
    if unknown:
        raise RulesError(
            f"The {origin} has a top-level entry Recert does not know: {_shown(unknown[0])} (it reads "
            f"{', '.join(_TOP_LEVEL)})."
        )
    if len(doc["credentials"]) > MAX_CREDENTIALS:
        raise RulesError(
            f"The {origin} lists {len(doc['credentials']):,} credentials; at most {MAX_CREDENTIALS:,} "
            "are allowed."
        )
    if not all(isinstance(e, Mapping) for e in doc["credentials"]):
        raise RulesError(f"Every entry under 'credentials' in the {origin} must be a mapping with an id.")
    return doc


@lru_cache(maxsize=1)
def _bundled() -> tuple[
    dict[str, Credential], dict[str, tuple[str, ...]], str, tuple[Mapping[str, Any], ...]
]:
    """The bundled catalogue's parts, validated exactly as a rules file is (parsed once per process)."""
    text = resources.files("cpd").joinpath("credentials.yaml").read_text(encoding="utf-8")
    origin = "bundled catalogue"
    doc = _parse_document(text, origin)
    creds: dict[str, Credential] = {}
    for raw in doc["credentials"]:
        cred = _credential(raw, origin)
        if cred.id in creds:
            raise RulesError(f"The bundled catalogue lists {cred.id} twice.")
        creds[cred.id] = cred
    aliases = _body_aliases(doc.get("body_aliases"), origin)
    parts = creds, aliases, str(doc.get("version", "bundled")), tuple(doc.get("definitions") or ())
    cat = Catalogue(credentials=creds, body_aliases=aliases, version=parts[2], definitions=parts[3])
    _check_spellings(cat, creds, aliases, origin)
    return parts


def load_catalogue(rules: str | Path | None = None, *, rules_text: str | None = None) -> Catalogue:
    """The bundled catalogue, optionally overridden by a rules file (path) or rules text (from the app)."""
    creds, aliases, version, definitions = _bundled()
    cat = Catalogue(
        credentials=dict(creds), body_aliases=dict(aliases), version=version, definitions=definitions
    )
    if rules is None and rules_text is None:
        return cat
    if rules is not None:
        rules_text = read_rules_file(rules)
    extra = _parse_document(rules_text or "", "rules file")
    return cat.with_overrides(extra["credentials"], body_aliases=extra.get("body_aliases"))
