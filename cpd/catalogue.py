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
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from .errors import RulesError
from .text import fold

KINDS = ("certification", "cpr_card")
_NUMERIC = ("cycle_years", "required_credits", "hours_per_unit", "cpr_counts_credits", "grace_days")
_CPR_WORDS = re.compile(r"\b(cpr|aed|bls|first aid|heartsaver|basic life support|resuscitation|hltaid\d*)\b")
# Words that say nothing more than "the body's main credential" when written with a body name.
_GENERIC = {"cpt", "pt", "personal", "trainer", "trainers", "training", "fitness", "professional", "main",
            "primary", "card", "current", "renewal", "renew"}
# Words that make a CPR-sounding name another qualification, not a CPR/AED card.
_NOT_A_CARD = {"mental", "instructor", "instructors", "trainer", "lifeguard", "lifeguarding", "wilderness", "pals",
               "acls", "course", "director"}
# Words that say nothing about which credential is meant.
_NOISE = {"certified", "certification", "cert", "certificate", "credential", "the", "of", "and", "in", "exp",
          "expiry", "expires", "expiration", "date", "valid", "until", "level", "registered"}


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
        return (mains or members or [None])[0]

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

    def with_overrides(self, entries: Iterable[Mapping[str, Any]], *, origin: str = "rules file") -> Catalogue:
        """A new catalogue where ``entries`` replace or add credentials by id (partial entries allowed)."""
        creds = dict(self.credentials)
        for raw in entries:
            cid = raw.get("id") if isinstance(raw, Mapping) else None
            if not cid:
                raise RulesError(f"Every entry in the {origin} needs an id.")
            if cid in creds:
                merged = {**_as_raw(creds[cid]), **raw}
            else:
                merged = dict(raw)
            creds[cid] = _credential(merged, origin)
        version = f"{self.version}+{_digest(entries)}"
        return replace(self, credentials=creds, version=version, _alias_index={}, _body_index={}, _match_cache={})

    def to_rows(self) -> list[dict[str, Any]]:
        """One plain dict per credential, for tables and exports."""
        return [_as_raw(c) for c in self.credentials.values()]

    def to_yaml(self) -> str:
        """The catalogue in the bundled format (usable with ``--rules``)."""
        doc = {"version": self.version, "credentials": self.to_rows(),
               "definitions": [dict(d) for d in self.definitions],
               "body_aliases": {k: list(v) for k, v in self.body_aliases.items()}}
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


def _number(raw: Mapping[str, Any], key: str, cid: str, origin: str) -> float | None:
    v = raw.get(key)
    if v is None:
        return None
    if isinstance(v, bool) or not isinstance(v, int | float) or not math.isfinite(v) or v < 0:
        raise RulesError(f"In the {origin}, {cid}.{key} must be a number of 0 or more (or null), not {v!r}.")
    return float(v)


def _credential(raw: Mapping[str, Any], origin: str) -> Credential:
    cid = str(raw.get("id", "")).strip()
    if not re.fullmatch(r"[a-z0-9_]+", cid):
        raise RulesError(f"In the {origin}, the id {cid!r} must use lower-case letters, digits and _ only.")
    unknown = set(raw) - _FIELD_NAMES - {"credential"}
    if unknown:
        raise RulesError(f"In the {origin}, {cid} has fields Recert does not know: {', '.join(sorted(unknown))}.")
    kind = raw.get("kind") or "certification"
    if kind not in KINDS:
        raise RulesError(f"In the {origin}, {cid}.kind must be one of {', '.join(KINDS)}, not {kind!r}.")
    name = raw.get("name") or raw.get("credential")
    body = raw.get("body")
    if not name or not body:
        raise RulesError(f"In the {origin}, {cid} needs a name and a body.")
    nums = {k: _number(raw, k, cid, origin) for k in _NUMERIC}
    if nums["cycle_years"] is not None and nums["cycle_years"] <= 0:
        raise RulesError(f"In the {origin}, {cid}.cycle_years must be more than 0.")
    if nums["hours_per_unit"] == 0:
        raise RulesError(f"In the {origin}, {cid}.hours_per_unit must be more than 0 (or null when unknown).")
    if kind == "certification" and nums["cycle_years"] is None:
        raise RulesError(f"In the {origin}, {cid} needs cycle_years.")
    for flag in ("cpr_required", "main"):
        v = raw.get(flag)
        if v is not None and not isinstance(v, bool):
            raise RulesError(f"In the {origin}, {cid}.{flag} must be true, false or null, not {v!r}.")
    aliases = raw.get("aliases") or ()
    sources = raw.get("sources") or ()
    if isinstance(aliases, str) or isinstance(sources, str):
        raise RulesError(f"In the {origin}, {cid}.aliases and {cid}.sources must be lists.")
    return Credential(
        id=cid, kind=kind, body=str(body), name=str(name), body_name=str(raw.get("body_name") or body),
        aliases=tuple(str(a) for a in aliases), main=bool(raw.get("main") or False),
        cycle_years=nums["cycle_years"], required_credits=nums["required_credits"],
        unit=raw.get("unit"), unit_note=raw.get("unit_note"), hours_per_unit=nums["hours_per_unit"],
        cpr_required=raw.get("cpr_required"), cpr_counts_credits=nums["cpr_counts_credits"],
        grace_days=None if nums["grace_days"] is None else int(nums["grace_days"]),
        carryover=raw.get("carryover"), lifetime_option=raw.get("lifetime_option"), fee=raw.get("fee"),
        category_rules=raw.get("category_rules"), notes=raw.get("notes"),
        confidence=dict(raw.get("confidence") or {}), sources=tuple(str(s) for s in sources),
    )


_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when available: 10x faster


def _parse_document(text: str, origin: str) -> dict[str, Any]:
    try:
        doc = yaml.load(text, Loader=_LOADER)  # noqa: S506 - a safe loader
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" near line {mark.line + 1}" if mark else ""
        raise RulesError(f"The {origin} is not valid YAML{where}.") from None
    if isinstance(doc, list):  # a bare list of credentials, as in the seed file
        doc = {"credentials": doc}
    if not isinstance(doc, dict) or not isinstance(doc.get("credentials"), list):
        raise RulesError(f"The {origin} must hold a list named 'credentials'.")
    return doc


def load_catalogue(rules: str | Path | None = None, *, rules_text: str | None = None) -> Catalogue:
    """The bundled catalogue, optionally overridden by a rules file (path) or rules text (from the app)."""
    text = resources.files("cpd").joinpath("credentials.yaml").read_text(encoding="utf-8")
    doc = _parse_document(text, "bundled catalogue")
    creds: dict[str, Credential] = {}
    for raw in doc["credentials"]:
        cred = _credential(raw, "bundled catalogue")
        if cred.id in creds:
            raise RulesError(f"The bundled catalogue lists {cred.id} twice.")
        creds[cred.id] = cred
    aliases = {str(k): tuple(str(s) for s in v) for k, v in (doc.get("body_aliases") or {}).items()}
    cat = Catalogue(credentials=creds, body_aliases=aliases, version=str(doc.get("version", "bundled")),
                    definitions=tuple(doc.get("definitions") or ()))
    if rules is not None:
        path = Path(rules)
        try:
            rules_text = path.read_text(encoding="utf-8-sig")
        except OSError as exc:
            raise RulesError(f"The rules file {path.name} cannot be read ({exc.strerror}).") from None
        except UnicodeDecodeError:
            raise RulesError(f"The rules file {path.name} is not UTF-8 text.") from None
    if rules_text is not None:
        extra = _parse_document(rules_text, "rules file")
        cat = cat.with_overrides([e for e in extra["credentials"] if isinstance(e, Mapping)]
                                 if all(isinstance(e, Mapping) for e in extra["credentials"])
                                 else _bad_entries())
        if extra.get("body_aliases"):
            merged = dict(cat.body_aliases)
            for k, v in extra["body_aliases"].items():
                merged[str(k)] = tuple(str(s) for s in v)
            cat = replace(cat, body_aliases=merged, _alias_index={}, _body_index={}, _match_cache={})
    return cat


def _bad_entries() -> list:
    raise RulesError("Every entry under 'credentials' in the rules file must be a mapping with an id.")
