"""Numbers with their units, as a manager reads them: "1 hour", "0 of 30 hours", "4 more CPD points".

One place for it, because every text Recert writes (reasons, reminders, calendar notes, tables) says amounts in a
credential's own unit, and the unit comes from data (``credentials.yaml`` or a rules file), written in the
singular ("CEU", "CPD point", "hour") or not ("hours", "CEUs", "credits"). The number itself is written by
``cpd.fmt.number`` (imported here, so ``from cpd.wording import number`` still finds it).
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from .fmt import clean, finite, number

_ACRONYM = re.compile(r"[A-Z][A-Z0-9]+")  # CEU, CEC, CPD
_ACRONYM_PLURAL = re.compile(r"[A-Z][A-Z0-9]+s")  # CEUs, CECs
_HOURS = {"h", "hr", "hrs", "hour", "hours"}
_POINTS = {"pt", "pts", "point", "points"}
DEFAULT_UNIT = "credit"  # a credential whose rules name no unit


@lru_cache(maxsize=1024)
def singular(unit: str) -> str:
    """The unit for one: "hours" -> "hour", "CEUs" -> "CEU", "CPD points" -> "CPD point", "hrs" -> "hour"."""
    words = " ".join(str(unit or "").split()).split(" ")
    last = words[-1]
    if not last:
        return DEFAULT_UNIT
    low = last.lower()
    if low in _HOURS:
        last = "hour"
    elif low in _POINTS:
        last = "point"
    elif _ACRONYM_PLURAL.fullmatch(last) or (
        last.islower() and len(last) > 3 and re.fullmatch(r".*[^s]s", last)
    ):
        last = last[:-1]  # "CEUs", "credits", "units"
    return " ".join([*words[:-1], last])


@lru_cache(maxsize=1024)
def plural(unit: str) -> str:
    """The unit for any other number: "CEU" -> "CEUs", "CPD point" -> "CPD points", "hour" -> "hours"."""
    one = singular(unit)
    head, _, last = one.rpartition(" ")
    if _ACRONYM.fullmatch(last) or not last.islower():
        many = last + "s"
    elif last.endswith(("s", "x", "z", "ch", "sh")):
        many = last + "es"
    elif re.fullmatch(r".*[^aeiou]y", last):
        many = last[:-1] + "ies"
    else:
        many = last + "s"
    return f"{head} {many}" if head else many


def unit_for(n: object, unit: str) -> str:
    """The unit as written after the number ``n``: singular for exactly 1 (as shown), plural otherwise."""
    return singular(unit) if number(n) == "1" else plural(unit)


def quantity(n: object, unit: str, *, more: bool = False) -> str:
    """ "1 hour", "0.3 CEUs", "4 more CPD points", "1 more CEU"."""
    return f"{number(n)} {'more ' if more else ''}{unit_for(n, unit)}"


def count(n: int, noun: str) -> str:
    """ "1 day", "3 days", "2 activities": a whole number of a plain English noun."""
    return f"{n:,} {noun if abs(n) == 1 else plural(noun)}"


def credits_needed(remaining: Any, unit: Any, hours_per_unit: Any) -> str:
    """Text such as "0.3 CEUs (3 hours)", "1 CEU (10 hours)" or "12 hours" ("" when unknown): the body's unit,
    and hours too, each in the singular or plural its number takes."""
    rem = finite(remaining)
    if rem is None:
        return ""
    u = clean(unit) or "credits"
    hpu = finite(hours_per_unit)
    if singular(u).lower() in ("hour", "contact hour", "ce hour"):
        return quantity(rem, "hour")
    if hpu is None or hpu <= 0:
        return quantity(rem, u)
    return f"{quantity(rem, u)} ({quantity(rem * hpu, 'hour')})"
