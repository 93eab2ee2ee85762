"""Parsing cell values as managers type them: dates in several orders, numbers with units, decimal commas.

Dates are decided *per column*: the day/month order comes from the column's unambiguous values, so one column
never mixes orders. Everything here is vectorised over a column (a pandas Series of raw cell values).
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..distinct import Distinct
from ..text import fold

# Plausible Excel serials for certification and CE dates: 1927-05-18 .. 2173-10-14.
SERIAL_MIN, SERIAL_MAX = 10_000, 100_000
_EPOCH_1900 = pd.Timestamp("1899-12-30")
_EPOCH_1904 = pd.Timestamp("1904-01-01")

_ISO = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$")
_NUMERIC = re.compile(
    r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{2}|\d{4})(?:\s+\d{1,2}:\d{2}(?::\d{2})?(?:\s*[ap]m)?)?$", re.I
)
_MONTHS = {
    m: i
    for i, m in enumerate(
        ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], start=1
    )
}
_MONTH_RE = r"(jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"
_TEXT_MDY = re.compile(rf"^{_MONTH_RE}[\s\-/,]*(\d{{1,2}})(?:st|nd|rd|th)?[\s,\-/]+(\d{{2}}|\d{{4}})$", re.I)
_TEXT_DMY = re.compile(rf"^(\d{{1,2}})(?:st|nd|rd|th)?[\s\-/]*{_MONTH_RE}[\s,\-/]*(\d{{2}}|\d{{4}})$", re.I)
_TEXT_MY = re.compile(rf"^{_MONTH_RE}[\s\-/,]+(\d{{4}})$", re.I)


@dataclass(frozen=True)
class DateColumn:
    """A parsed date column: values (NaT where blank or bad), which rows were bad, and the order used."""

    values: pd.Series  # datetime64[ns]
    bad: pd.Series  # bool: non-blank but not a date
    order: str | None  # "mdy" | "dmy" | None when no numeric text dates
    assumed: bool  # order came from the setting, not from the data


def _year(y: str) -> int:
    n = int(y)
    if len(y) == 2:
        return 2000 + n if n < 70 else 1900 + n
    return n


def _safe_date(y: int, m: int, d: int) -> pd.Timestamp:
    if not _YEARS[0] <= y <= _YEARS[1]:  # outside what a datetime64[ns] column holds (9999: see plausible.py)
        return pd.NaT
    try:
        return pd.Timestamp(dt.date(y, m, d))
    except (ValueError, OverflowError):
        return pd.NaT


_YEARS = (1678, 2261)  # whole years a datetime64[ns] column can hold


def _is_blank(values: pd.Series) -> pd.Series:
    """Empty cells, None, NaN and whitespace-only strings."""
    if len(values) == 0:
        return pd.Series([], dtype=bool, index=values.index)
    s = values.astype(object)
    blank = s.isna()
    strs = _each(s, lambda v: isinstance(v, str))
    if strs.any():
        blank = blank | (strs & s.where(strs, "x").astype(str).str.strip().eq(""))
    return blank


_DATE_TYPES = (dt.date, pd.Timestamp)  # tuples, not unions: built once, not on every call
_NUMBER_TYPES = (int, float, np.integer, np.floating)


def _each(s: pd.Series, test: Callable[[object], bool]) -> pd.Series:
    """``s.map(test)`` for a boolean test, without pandas' per-call overhead (a column's distinct values)."""
    return pd.Series(
        np.fromiter((bool(test(v)) for v in s.to_numpy(dtype=object)), dtype=bool, count=len(s)),
        index=s.index,
    )


def _parse_dates(values: pd.Series, *, order: str = "auto", date1904: bool = False) -> DateColumn:
    """Parse a column of raw cells to dates, deciding day/month order once for the whole column."""
    s = values.astype(object)
    n = len(s)
    out = pd.Series(pd.NaT, index=s.index, dtype="datetime64[ns]")
    blank = _is_blank(s)
    # Real date cells (calamine gives date/datetime; csv never does).
    lo, hi = _YEARS
    is_dt = _each(s, lambda v: isinstance(v, _DATE_TYPES) and lo <= v.year <= hi)
    if is_dt.any():
        cells = s[is_dt]
        if all(type(v) is dt.date or (type(v) is dt.datetime and v.tzinfo is None) for v in cells):
            # What calamine gives: dates and naive date-times, converted in one call (the same instants).
            out[is_dt] = pd.to_datetime(cells.to_numpy(dtype=object)).as_unit("ns")
        else:
            out[is_dt] = pd.to_datetime(
                cells.map(lambda v: pd.Timestamp(v).replace(tzinfo=None)), errors="coerce"
            )
    # Numbers: Excel serials (a date cell that lost its format, or a csv of serials).
    is_num = _each(s, lambda v: isinstance(v, _NUMBER_TYPES) and not isinstance(v, bool))
    if is_num.any():
        num = pd.to_numeric(s[is_num], errors="coerce")
        ok = num.between(SERIAL_MIN, SERIAL_MAX)
        epoch = _EPOCH_1904 if date1904 else _EPOCH_1900
        out[num[ok].index] = epoch + pd.to_timedelta(np.floor(num[ok]), unit="D")
    text_mask = ~blank & ~is_dt & ~is_num
    chosen, assumed = None, False
    if text_mask.any():
        txt = s[text_mask].astype(str).str.strip()
        # Serials written as text ("46000").
        serial_txt = txt.str.fullmatch(r"\d{5}(?:\.\d+)?")
        if serial_txt.any():
            num = pd.to_numeric(txt[serial_txt], errors="coerce")
            ok = num.between(SERIAL_MIN, SERIAL_MAX)
            epoch = _EPOCH_1904 if date1904 else _EPOCH_1900
            out[num[ok].index] = epoch + pd.to_timedelta(np.floor(num[ok]), unit="D")
        iso = txt.str.extract(_ISO)
        has_iso = iso[0].notna()
        for idx in iso.index[has_iso]:
            y, m, d = iso.loc[idx]
            out[idx] = _safe_date(int(y), int(m), int(d))
        numeric = txt.str.extract(_NUMERIC)
        has_num = numeric[0].notna()
        if has_num.any():
            a = numeric.loc[has_num, 0].astype(int)
            b = numeric.loc[has_num, 1].astype(int)
            # The column's unambiguous values decide (13..31 first means day first); the setting (or a header
            # note) only decides a column whose every value reads both ways.
            day_first = bool((a > 12).any())
            month_first = bool((b > 12).any())
            if day_first and not month_first:
                chosen = "dmy"
            elif month_first and not day_first:
                chosen = "mdy"
            elif day_first and month_first:
                # Both kinds present: the majority decides; the others are rejected, never guessed.
                chosen = "dmy" if int((a > 12).sum()) > int((b > 12).sum()) else "mdy"
            elif order in ("mdy", "dmy"):
                chosen = order
            else:
                chosen, assumed = "mdy", True
            for idx in numeric.index[has_num]:
                p, q, y = numeric.loc[idx]
                m, d = (int(p), int(q)) if chosen == "mdy" else (int(q), int(p))
                out[idx] = _safe_date(_year(y), m, d)
        # Month and year only ("12/2027", "2027-12"): valid through the end of that month.
        month_year = txt.str.extract(r"^(?:(\d{1,2})[/.\-](\d{4})|(\d{4})[/.\-](\d{1,2}))$")
        has_my = (month_year[0].notna() | month_year[2].notna()) & ~has_iso & ~has_num
        for idx in txt.index[has_my]:
            m_, y_ = (
                (month_year.loc[idx, 0], month_year.loc[idx, 1])
                if pd.notna(month_year.loc[idx, 0])
                else (month_year.loc[idx, 3], month_year.loc[idx, 2])
            )
            start = _safe_date(int(y_), int(m_), 1)
            out[idx] = start + pd.offsets.MonthEnd(0) if start is not pd.NaT else pd.NaT
        rest = ~has_iso & ~has_num & ~serial_txt & ~has_my
        for idx in txt.index[rest]:
            out[idx] = parse_text_date(txt[idx])
    bad = ~blank & out.isna()
    if order in ("mdy", "dmy") and chosen is None:
        chosen = None
    return DateColumn(values=out, bad=bad if n else pd.Series([], dtype=bool), order=chosen, assumed=assumed)


def parse_text_date(text: str) -> pd.Timestamp:
    """Month-name dates: "Mar 15 2027", "15-Mar-27", "March 15, 2027", "15 March 2027", "Mar 2027"."""
    t = text.strip()
    m = _TEXT_MDY.match(t)
    if m:
        return _safe_date(_year(m.group(3)), _MONTHS[m.group(1).lower()[:3]], int(m.group(2)))
    m = _TEXT_DMY.match(t)
    if m:
        return _safe_date(_year(m.group(3)), _MONTHS[m.group(2).lower()[:3]], int(m.group(1)))
    m = _TEXT_MY.match(t)
    if m:  # "Mar 2027": valid through the end of that month
        start = _safe_date(int(m.group(2)), _MONTHS[m.group(1).lower()[:3]], 1)
        return start + pd.offsets.MonthEnd(0) if start is not pd.NaT else pd.NaT
    return pd.NaT


# Units ------------------------------------------------------------------------------------------------------
# Unit words as managers and LMSs write them, in the clubs' languages (French "heures", "UEC"; Spanish "horas").
HOUR_WORDS = {
    "h",
    "hr",
    "hrs",
    "hour",
    "hours",
    "contact hour",
    "contact hours",
    "ce hour",
    "ce hours",
    "clock hour",
    "clock hours",
    "education hours",
    "educational hours",
    "training hours",
    "ch",
    "heure",
    "heures",
    "hre",
    "hres",
    "hora",
    "horas",
    "hs",
}
UNIT_WORDS = {
    "ceu",
    "ceus",
    "cec",
    "cecs",
    "credit",
    "credits",
    "ce credit",
    "ce credits",
    "point",
    "points",
    "pt",
    "pts",
    "cpd",
    "cpd point",
    "cpd points",
    "cpd pts",
    "unit",
    "units",
    "ce",
    "ce units",
    "ce unit",
    "continuing education units",
    "continuing education credits",
    "uec",
    "uecs",
    "ufc",
    "credito",
    "creditos",
    "punto",
    "puntos",
    "unite",
    "unites",
}
_HOUR_WORD = {"h", "hr", "hrs", "hour", "hours", "heure", "heures", "hre", "hres", "hora", "horas", "hs"}
_UNIT_WORD = {
    "ceu",
    "ceus",
    "cec",
    "cecs",
    "credit",
    "credits",
    "point",
    "points",
    "pts",
    "cpd",
    "unit",
    "units",
    "uec",
    "uecs",
    "ufc",
    "credito",
    "creditos",
    "punto",
    "puntos",
    "unite",
    "unites",
}
# Words beside a unit that say nothing about its size or body: "1.0 IACET CEU (10 contact hours)".
_UNIT_NOISE = {
    "contact",
    "clock",
    "ce",
    "continuing",
    "education",
    "educational",
    "training",
    "iacet",
    "approved",
    "accredited",
    "earned",
    "awarded",
    "total",
    "or",
    "and",
    "of",
    "for",
    "by",
    "equals",
    "equal",
    "to",
    "ie",
    "i",
    "e",
    "eg",
    "approx",
    "approximately",
    "about",
    "is",
    "are",
    "s",
    "de",
    "en",
    "du",
    "des",
    "la",
    "le",
    "continue",
    "continua",
    "formation",
    "educacion",
    "x",
    "per",
    "course",
    "cours",
    "curso",
}

_UNIT_WORDS_ANY = _HOUR_WORD | _UNIT_WORD | _UNIT_NOISE
_WORD = re.compile(r"[^\W\d_]+(?:'s)?")

_AMOUNT = re.compile(r"^\s*([+-]?(?:\d+(?:[.,]\d+)?|[.,]\d+)(?:[eE][+-]?\d+)?)\s*([^\d].*)?$")
# A number inside an amount cell that states several ("1.0 CEU (10 contact hours)", "0.5 CEUs / 5 hrs").
_PIECE_NUMBER = re.compile(r"(?<![0-9A-Za-z.,])(\d+(?:[.,]\d+)?|[.,]\d+)")


def unit_kind(text: object) -> str | None:
    """ "hours" / "units" for a unit written in a cell or header, None when not a unit we know."""
    key = fold(text)
    if not key:
        return None
    if key in HOUR_WORDS:
        return "hours"
    if key in UNIT_WORDS:
        return "units"
    words = key.split()
    if any(w in ("hour", "hours", "hrs", "hr", "heures", "horas") for w in words):
        return "hours"
    if any(
        w
        in (
            "ceu",
            "ceus",
            "cec",
            "cecs",
            "credit",
            "credits",
            "points",
            "point",
            "pts",
            "cpd",
            "uec",
            "uecs",
            "creditos",
        )
        for w in words
    ):
        return "units"
    return None


@dataclass(frozen=True)
class AmountColumn:
    """Parsed amounts: value, unit kind written in the cell (or None), unit text, and which cells were bad.

    A cell that states both credits and hours is read as its hours (``both`` marks it); a body named inside
    the amount ("0.5 NASM CEUs") is in ``bodies`` (body codes, () when none), as a Body column would name it.
    """

    values: pd.Series  # float
    kinds: pd.Series  # object: "hours" | "units" | None
    unit_text: pd.Series  # str as written ("" when none)
    bad: pd.Series  # bool: non-blank but not an amount
    why: pd.Series  # str: reason for bad cells
    bodies: pd.Series  # object: tuple of body codes named in the cell
    both: pd.Series  # bool: the cell stated credits and hours
    named: pd.Series  # bool: the cell named a body (``bodies`` not empty), worked per distinct value


@dataclass(frozen=True)
class Amount:
    """One amount cell's text, understood: value, unit kind, the unit as written, bodies named, or why not."""

    value: float = float("nan")
    kind: str | None = None
    unit_text: str = ""
    bodies: tuple[str, ...] = ()
    both: bool = False
    why: str = ""


def _unknown_unit(unit: str) -> str:
    return f"unit '{unit}' is not one Recert knows (use hours, CEU, CEC or points)"


def _body_code(words: list[str], catalogue) -> str | None:
    """The certifying body a few words name ("nasm", "american council on exercise", "nasm cpt")."""
    if catalogue is None or not words:
        return None
    phrase = " ".join(words)
    code = catalogue.body_of(phrase)
    if code is None:
        cid = catalogue.match(phrase)
        code = catalogue[cid].body if cid else None
    return code


def parse_amount_text(text: str, catalogue=None) -> Amount:
    """One amount written as text: "12 hrs", "1,5", "1.0 CEU (10 contact hours)", "0.5 CEUs / 5 hrs",
    "2 CEC (6 hours)", "0.5 NASM CEUs", "NASM: 0.5 CEU".

    A cell that states both credits and hours is read as its hours, which mean the same at every body; a
    body named inside it names the body. Never raises: what cannot be read gets a reason.
    """
    t = " ".join(str(text).split())
    # Thousands separators with a decimal part: "1.234,5" and "1,234.5" are 1234.5.
    t = re.sub(r"^(\d{1,3}(?:\.\d{3})+),(\d+)", lambda m: m.group(1).replace(".", "") + "." + m.group(2), t)
    t = re.sub(r"^(\d{1,3}(?:,\d{3})+)\.(\d+)", lambda m: m.group(1).replace(",", "") + "." + m.group(2), t)
    simple = _AMOUNT.match(t)
    if simple:
        unit = (simple.group(2) or "").strip()
        kind = unit_kind(unit) if unit else None
        if not unit or (
            kind is not None
            and not any(ch.isdigit() for ch in unit)
            and set(fold(unit).split()) <= _UNIT_WORDS_ANY | {"pt"}
        ):
            try:
                value = float(simple.group(1).replace(",", "."))
            except ValueError:  # pragma: no cover - the pattern only lets numbers through
                return Amount(why=f"'{t}' is not a number")
            return _checked(Amount(value, kind, unit))
    numbers = list(_PIECE_NUMBER.finditer(t))
    if not numbers:
        return Amount(why=f"'{t}' is not a number")
    bodies: list[str] = []
    hours: list[tuple[float, str]] = []
    credits: list[
        tuple[float, str | None, str]
    ] = []  # value, "units" or None (a bare number), unit as written
    prefix = fold(t[: numbers[0].start()]).split()
    for k, m in enumerate(numbers):
        end = numbers[k + 1].start() if k + 1 < len(numbers) else len(t)
        written = t[m.end() : end]
        words = fold(written).split()
        if k == 0:
            words = prefix + words
        rest = [w for w in words if w not in _HOUR_WORD and w not in _UNIT_WORD and w not in _UNIT_NOISE]
        if rest:
            code = _body_code(rest, catalogue)
            if code is None:
                return Amount(why=_unknown_unit(" ".join(written.strip(" ()[]{}/|;,=+-:").split()) or t))
            if code not in bodies:
                bodies.append(code)
        value = float(m.group(1).replace(",", "."))
        shown = " ".join(w for w in _WORD.findall(written) if set(fold(w).split()) <= _UNIT_WORDS_ANY)
        if any(w in _HOUR_WORD for w in words):
            hours.append((value, shown))
        else:
            credits.append((value, "units" if any(w in _UNIT_WORD for w in words) else None, shown))
    if hours:
        if len({v for v, _ in hours}) > 1:
            return Amount(
                why=f"'{t}' states {' and '.join(f'{v:g} hours' for v, _ in hours)}: give one amount"
            )
        both = any(kind == "units" for _, kind, _ in credits)
        return _checked(Amount(hours[0][0], "hours", hours[0][1], tuple(bodies), both))
    stated = [c for c in credits if c[1] is not None] or credits
    if len({v for v, _, _ in stated}) > 1:
        return Amount(
            why=f"'{t}' states {len(stated)} different amounts and no hours: give one amount, or hours"
        )
    value, kind, shown = stated[0]
    return _checked(Amount(value, kind, shown, tuple(bodies)))


def _checked(a: Amount) -> Amount:
    if not np.isfinite(a.value):
        return Amount(why="not a number")
    if a.value < 0:
        return Amount(why="a negative amount cannot be a credit")
    return a


def _parse_amounts(values: pd.Series, catalogue=None) -> AmountColumn:
    """Numbers as numbers or text with units and decimal commas: 12, "12 hrs", "1.5 CEU", "0,5"; text that
    states credits and hours is read as its hours (``parse_amount_text``)."""
    s = values.astype(object)
    blank = _is_blank(s)
    num_mask = s.map(
        lambda v: isinstance(v, int | float | np.integer | np.floating) and not isinstance(v, bool)
    )
    vals = pd.Series(np.nan, index=s.index, dtype=float)
    kinds = pd.Series(None, index=s.index, dtype=object)
    unit_text = pd.Series("", index=s.index, dtype=object)
    why = pd.Series("", index=s.index, dtype=object)
    bodies = np.empty(len(s), dtype=object)
    bodies[:] = [()] * len(s)
    both = np.zeros(len(s), dtype=bool)
    vals[num_mask] = pd.to_numeric(s[num_mask], errors="coerce").astype(float)
    negative = vals < 0
    why[negative] = "a negative amount cannot be a credit"
    vals[negative] = np.nan
    vals[~np.isfinite(vals) & vals.notna()] = np.nan
    at = np.flatnonzero((~blank & ~num_mask).to_numpy())
    if len(at):
        parsed = [parse_amount_text(v, catalogue) for v in s.to_numpy(dtype=object)[at]]
        vals.iloc[at] = [a.value for a in parsed]
        kinds.iloc[at] = [a.kind for a in parsed]
        unit_text.iloc[at] = [a.unit_text for a in parsed]
        why.iloc[at] = [a.why for a in parsed]
        bodies[at] = [a.bodies for a in parsed]
        both[at] = [a.both for a in parsed]
    bad = ~blank & vals.isna()
    why[bad & why.eq("")] = "not a number"
    named_bodies = pd.Series(bodies, index=s.index, dtype=object)
    return AmountColumn(
        values=vals,
        kinds=kinds,
        unit_text=unit_text,
        bad=bad,
        why=why,
        bodies=named_bodies,
        both=pd.Series(both, index=s.index),
        named=named_bodies.map(len).gt(0),
    )


def prefer_hours(amounts: AmountColumn, hours: AmountColumn) -> AmountColumn:
    """A credits column and a column in hours for the same rows ("Credits (CEU)" | "Contact hours", as LMS
    exports give them): where the hours cell has a value it wins, as hours mean the same at every body
    (standing.md rule 5); elsewhere the credits cell stands. A bad credits cell beside good hours is no loss."""
    has = hours.values.notna()
    hours_named = has & hours.named  # "5 hrs (NASM)" names its body
    return AmountColumn(
        values=amounts.values.where(~has, hours.values),
        kinds=amounts.kinds.where(~has, "hours"),
        unit_text=amounts.unit_text.where(~has, hours.unit_text.where(hours.unit_text.ne(""), "hours")),
        bad=amounts.bad & ~has,
        why=amounts.why.where(~has, ""),
        bodies=amounts.bodies.where(~hours_named, hours.bodies),
        both=amounts.both | has,
        named=amounts.named | hours_named,
    )


def _tidy_cell(v: object) -> str:
    if v is None or (isinstance(v, float) and np.isnan(v)):
        return ""
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    if isinstance(v, dt.datetime | dt.date):
        return v.isoformat()[:10]
    return " ".join(str(v).split())


def _text_column(values: pd.Series) -> pd.Series:
    """Cells as tidy text: numbers that are whole become "123" (ids), blanks become "".

    Text and whole floats (the usual cells) are tidied inline, the rest by ``_tidy_cell``: the same answer,
    without a function call per distinct value (a column of ids or e-mails has one per row)."""
    return pd.Series(
        [
            " ".join(v.split())
            if type(v) is str
            else str(int(v))
            if type(v) is float and v.is_integer()
            else _tidy_cell(v)
            for v in values.to_numpy(dtype=object)
        ],
        index=values.index,
        dtype=object,
    )


def parse_dates(values: pd.Series | Distinct, *, order: str = "auto", date1904: bool = False) -> DateColumn:
    """Parse a column of raw cells to dates, deciding day/month order once for the whole column."""
    if len(values) == 0:
        empty = pd.Series([], dtype="datetime64[ns]", index=values.index)
        return DateColumn(empty, pd.Series([], dtype=bool, index=values.index), None, False)
    d = Distinct.of(values)
    parsed = _parse_dates(d.uniques, order=order, date1904=date1904)
    return DateColumn(
        values=d.spread(parsed.values), bad=d.spread(parsed.bad), order=parsed.order, assumed=parsed.assumed
    )


# Training-matrix cells ----------------------------------------------------------------------------------------
# A matrix cell holds an expiry date, often with words around it, or a word instead of one (inputs.md).
EXPIRY_DATE, EXPIRED, NOT_HELD, NOT_YET, NO_CELL, NOT_READ = (
    "date",
    "expired",
    "not_held",
    "not_yet",
    "",
    "bad",
)
_NOT_HELD = re.compile(
    r"(?:n ?/ ?a|n\.a\.?|na|[-‐‑‒–—―_.]+|none|no|nil|not held|not applicable|not required|"
    r"sans objet|s ?/ ?o|ninguno|ninguna|no aplica|aucun|aucune|non)[.!]*"
)
_NOT_YET = re.compile(
    r"(?:pending|booked|in progress|scheduled|enrolled|in training|awaiting\b.*|waiting\b.*|"
    r"planned|registered for\b.*|en cours|en attente|inscrit|inscrite|en curso|pendiente|"
    r"reservado|programado)[.!]*|(?:pending|booked|scheduled|enrolled|planned)\b.*"
)
_EXPIRED = re.compile(
    r"(?:expired|lapsed|out of date|overdue|expire|expiree|vencido|vencida|caducado|caducada|"
    r"perime|perimee)[.!]*"
)
_EXPIRY_PREFIX = re.compile(
    r"^(?:exp(?:ires|iry|iration|ired|iring|\.)?|valid (?:to|until|till|thru|through)|"
    r"good (?:to|until|till|thru|through)|until|due|renew(?:al)?(?: by| due)?|"
    r"expires? (?:on|le)|vence(?: el)?|vencimiento|valide? jusqu'?(?:au|a)|"
    r"valido hasta|vigente hasta|hasta|jusqu'?(?:au|a))\s*[:.\-]?\s*(?=\d)"
)
_MONTH_SHORT_YEAR = re.compile(r"^(\d{1,2})[/.\-](\d{2})$")


@dataclass(frozen=True)
class ExpiryColumn(DateColumn):
    """A training-matrix column: dates (``values``, ``bad``, ``order`` as for any date column) and what each
    cell says: an expiry date, "expired" with no date (held, expiry unknown), not held ("N/A", "-", "none",
    "no"), not held yet ("pending", "booked", "in progress"), blank, or text that is none of these (``bad``).
    """

    state: pd.Series  # object: EXPIRY_DATE | EXPIRED | NOT_HELD | NOT_YET | NO_CELL | NOT_READ
    said: pd.Series  # str: the cell's words for EXPIRED / NOT_YET cells, as written ("booked")


def _plain(text: str) -> str:
    """Lower case, accents off, spaces folded: how the words of a matrix cell are compared."""
    s = unicodedata.normalize("NFKD", text)
    return " ".join("".join(ch for ch in s if not unicodedata.combining(ch)).lower().split())


def expiry_cell(value: object) -> tuple[str, object]:
    """(what a matrix cell says, the value to read as a date): "Exp 03/2027" -> (date, "03/2027"),
    "exp. 3/27" -> (date, "03/2027"), "valid to 31/03/2027" -> (date, "31/03/2027"), "expired" -> (EXPIRED,
    None), "N/A" -> (NOT_HELD, None), "booked" -> (NOT_YET, None); dates and numbers are passed on as they are."""
    if not isinstance(value, str):
        return (
            (NO_CELL, None) if _is_blank(pd.Series([value], dtype=object)).iloc[0] else (EXPIRY_DATE, value)
        )
    t = _plain(value)
    if not t:
        return NO_CELL, None
    if _NOT_HELD.fullmatch(t):
        return NOT_HELD, None
    if _NOT_YET.fullmatch(t):
        return NOT_YET, None
    if _EXPIRED.fullmatch(t):
        return EXPIRED, None
    rest = _EXPIRY_PREFIX.sub("", t, count=1)
    if rest != t:
        short = _MONTH_SHORT_YEAR.match(rest)  # "exp. 3/27": a card's month and year
        if short and 1 <= int(short.group(1)) <= 12:
            rest = f"{int(short.group(1)):02d}/20{short.group(2)}"
        return EXPIRY_DATE, rest
    return EXPIRY_DATE, value


def parse_expiry_cells(
    values: pd.Series | Distinct, *, order: str = "auto", date1904: bool = False
) -> ExpiryColumn:
    """A training-matrix column, each distinct cell read once (``expiry_cell``); the dates' day/month order is
    decided for the whole column, as for any date column."""
    d = Distinct.of(values)
    read = [expiry_cell(v) for v in d.uniques]
    states = pd.Series([k for k, _ in read], dtype=object)
    parsed = _parse_dates(pd.Series([v for _, v in read], dtype=object), order=order, date1904=date1904)
    bad = parsed.bad.to_numpy() & (states.to_numpy() == EXPIRY_DATE)
    states[bad] = NOT_READ
    said = pd.Series(
        [
            " ".join(str(v).split()) if k in (EXPIRED, NOT_YET) else ""
            for (k, _), v in zip(read, d.uniques, strict=True)
        ],
        dtype=object,
    )
    return ExpiryColumn(
        values=d.spread(parsed.values),
        bad=d.spread(pd.Series(bad)),
        order=parsed.order,
        assumed=parsed.assumed,
        state=d.spread(states),
        said=d.spread(said),
    )


def parse_amounts(values: pd.Series | Distinct, catalogue=None) -> AmountColumn:
    """Numbers as numbers or text with units and decimal commas: 12, "12 hrs", "1.5 CEU", "0,5"; a cell that
    states credits and hours is read as its hours; with a ``catalogue``, a body named inside it is found."""
    d = Distinct.of(values)
    a = _parse_amounts(d.uniques, catalogue)
    return AmountColumn(
        values=d.spread(a.values),
        kinds=d.spread(a.kinds),
        unit_text=d.spread(a.unit_text),
        bad=d.spread(a.bad),
        why=d.spread(a.why),
        bodies=d.spread(a.bodies),
        both=d.spread(a.both).astype(bool),
        named=d.spread(a.named).astype(bool),
    )


def text_column(values: pd.Series | Distinct) -> pd.Series:
    """Cells as tidy text: numbers that are whole become "123" (ids), blanks become ""."""
    d = Distinct.of(values)
    return d.spread(_text_column(d.uniques))


def fast_fold(text: object) -> str:
    """``text.fold`` with a shortcut for plain ASCII (most names and labels): there, NFKD changes nothing and
    no character combines, so lower-casing and the punctuation rule give the same key several times faster."""
    if isinstance(text, str) and text.isascii():
        return _NON_ALNUM.sub(" ", text.lower()).strip()
    return fold(text)


_NON_ALNUM = re.compile(r"[^0-9a-z]+")
