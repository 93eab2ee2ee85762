"""Parsing cell values as managers type them: dates in several orders, numbers with units, decimal commas.

Dates are decided *per column*: the day/month order comes from the column's unambiguous values, so one column
never mixes orders. Everything here is vectorised over a column (a pandas Series of raw cell values).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..text import fold

# Plausible Excel serials for certification and CE dates: 1927-05-18 .. 2173-10-14.
SERIAL_MIN, SERIAL_MAX = 10_000, 100_000
_EPOCH_1900 = pd.Timestamp("1899-12-30")
_EPOCH_1904 = pd.Timestamp("1904-01-01")

_ISO = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$")
_NUMERIC = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{2}|\d{4})(?:\s+\d{1,2}:\d{2}(?::\d{2})?(?:\s*[ap]m)?)?$", re.I)
_MONTHS = {m: i for i, m in enumerate(
    ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], start=1)}
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
    try:
        return pd.Timestamp(dt.date(y, m, d))
    except (ValueError, OverflowError):
        return pd.NaT


def _is_blank(values: pd.Series) -> pd.Series:
    """Empty cells, None, NaN and whitespace-only strings."""
    if len(values) == 0:
        return pd.Series([], dtype=bool, index=values.index)
    s = values.astype(object)
    blank = s.isna()
    strs = s.map(lambda v: isinstance(v, str))
    if strs.any():
        blank = blank | (strs & s.where(strs, "x").astype(str).str.strip().eq(""))
    return blank


def _parse_dates(values: pd.Series, *, order: str = "auto", date1904: bool = False) -> DateColumn:
    """Parse a column of raw cells to dates, deciding day/month order once for the whole column."""
    s = values.astype(object)
    n = len(s)
    out = pd.Series(pd.NaT, index=s.index, dtype="datetime64[ns]")
    blank = _is_blank(s)
    # Real date cells (calamine gives date/datetime; csv never does).
    is_dt = s.map(lambda v: isinstance(v, dt.date | pd.Timestamp))
    if is_dt.any():
        out[is_dt] = pd.to_datetime(s[is_dt].map(lambda v: pd.Timestamp(v).replace(tzinfo=None)), errors="coerce")
    # Numbers: Excel serials (a date cell that lost its format, or a csv of serials).
    is_num = s.map(lambda v: isinstance(v, int | float | np.integer | np.floating) and not isinstance(v, bool))
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
            m_, y_ = (month_year.loc[idx, 0], month_year.loc[idx, 1]) if pd.notna(month_year.loc[idx, 0]) else (
                month_year.loc[idx, 3], month_year.loc[idx, 2])
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
HOUR_WORDS = {"h", "hr", "hrs", "hour", "hours", "contact hour", "contact hours", "ce hour", "ce hours",
              "clock hour", "clock hours", "education hours", "educational hours", "training hours", "ch"}
UNIT_WORDS = {"ceu", "ceus", "cec", "cecs", "credit", "credits", "ce credit", "ce credits", "point", "points",
              "pt", "pts", "cpd", "cpd point", "cpd points", "cpd pts", "unit", "units", "ce", "ce units",
              "ce unit", "continuing education units", "continuing education credits"}

_AMOUNT = re.compile(r"^\s*([+-]?(?:\d+(?:[.,]\d+)?|[.,]\d+)(?:[eE][+-]?\d+)?)\s*([^\d].*)?$")


def unit_kind(text: object) -> str | None:
    """"hours" / "units" for a unit written in a cell or header, None when not a unit we know."""
    key = fold(text)
    if not key:
        return None
    if key in HOUR_WORDS:
        return "hours"
    if key in UNIT_WORDS:
        return "units"
    words = key.split()
    if any(w in ("hour", "hours", "hrs", "hr") for w in words):
        return "hours"
    if any(w in ("ceu", "ceus", "cec", "cecs", "credit", "credits", "points", "point", "pts", "cpd") for w in words):
        return "units"
    return None


@dataclass(frozen=True)
class AmountColumn:
    """Parsed amounts: value, unit kind written in the cell (or None), unit text, and which cells were bad."""

    values: pd.Series  # float
    kinds: pd.Series  # object: "hours" | "units" | None
    unit_text: pd.Series  # str as written ("" when none)
    bad: pd.Series  # bool: non-blank but not an amount
    why: pd.Series  # str: reason for bad cells


def _parse_amounts(values: pd.Series) -> AmountColumn:
    """Numbers as numbers or text with units and decimal commas: 12, "12 hrs", "1.5 CEU", "0,5"."""
    s = values.astype(object)
    blank = _is_blank(s)
    num_mask = s.map(lambda v: isinstance(v, int | float | np.integer | np.floating) and not isinstance(v, bool))
    vals = pd.Series(np.nan, index=s.index, dtype=float)
    kinds = pd.Series(None, index=s.index, dtype=object)
    unit_text = pd.Series("", index=s.index, dtype=object)
    why = pd.Series("", index=s.index, dtype=object)
    vals[num_mask] = pd.to_numeric(s[num_mask], errors="coerce").astype(float)
    txt_mask = ~blank & ~num_mask
    if txt_mask.any():
        txt = s[txt_mask].astype(str).str.strip()
        # Thousands separators with a decimal part: "1.234,5" and "1,234.5" are 1234.5.
        txt = txt.str.replace(r"^(\d{1,3}(?:\.\d{3})+),(\d+)", lambda m: m.group(1).replace(".", "") + "." + m.group(2),
                              regex=True)
        txt = txt.str.replace(r"^(\d{1,3}(?:,\d{3})+)\.(\d+)", lambda m: m.group(1).replace(",", "") + "." + m.group(2),
                              regex=True)
        parts = txt.str.extract(_AMOUNT)
        has = parts[0].notna()
        numbers = pd.to_numeric(parts.loc[has, 0].str.replace(",", ".", regex=False), errors="coerce")
        vals[numbers.index] = numbers.astype(float)
        units = parts.loc[has, 1].fillna("").astype(str).str.strip()
        unit_text[units.index] = units
        k = units.map(lambda u: unit_kind(u) if u else None)
        kinds[k.index] = k
        unknown_unit = units.ne("") & k.isna()
        for idx in units.index[unknown_unit]:
            vals[idx] = np.nan
            why[idx] = f"unit '{units[idx]}' is not one Recert knows (use hours, CEU, CEC or points)"
        for idx in txt.index[~has]:
            why[idx] = f"'{txt[idx]}' is not a number"
    negative = vals < 0
    why[negative] = "a negative amount cannot be a credit"
    vals[negative] = np.nan
    not_finite = ~np.isfinite(vals) & vals.notna()
    vals[not_finite] = np.nan
    bad = ~blank & vals.isna()
    why[bad & why.eq("")] = "not a number"
    return AmountColumn(values=vals, kinds=kinds, unit_text=unit_text, bad=bad, why=why)


def _tidy_cell(v: object) -> str:
    if v is None or (isinstance(v, float) and np.isnan(v)):
        return ""
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    if isinstance(v, dt.datetime | dt.date):
        return v.isoformat()[:10]
    return " ".join(str(v).split())


def _text_column(values: pd.Series) -> pd.Series:
    """Cells as tidy text: numbers that are whole become "123" (ids), blanks become ""."""
    return pd.Series([_tidy_cell(v) for v in values], index=values.index, dtype=object)


# Per-unique-value evaluation ---------------------------------------------------------------------------------
# A column of 150,000 CE rows holds a few thousand distinct dates, a handful of units and one name per trainer:
# parse each distinct value once and spread the result back with the factorize codes.


@dataclass(frozen=True)
class Distinct:
    """A column as its distinct values plus, per row, the code of its value.

    A sheet factorises each column once (``Distinct.of``) and hands this to every parser below, which then
    work per distinct value; a plain Series is factorised on the way in.
    """

    codes: np.ndarray
    uniques: pd.Series  # object dtype, default index
    index: pd.Index

    @classmethod
    def of(cls, values: pd.Series | Distinct) -> Distinct:
        if isinstance(values, Distinct):
            return values
        # The NA sentinel halves the cost on object arrays (no separate isna pass); missing cells (None, NaN)
        # then share one code, for a trailing None: every parser treats the two alike.
        codes, uniques = pd.factorize(np.asarray(values, dtype=object), use_na_sentinel=True)
        uniques = np.asarray(uniques, dtype=object)
        if len(codes) and codes.min() < 0:
            codes = np.where(codes < 0, len(uniques), codes)
            uniques = np.append(uniques, None)
        return cls(codes, pd.Series(uniques, dtype=object), values.index)

    def __len__(self) -> int:
        return len(self.codes)

    def first_rows(self) -> np.ndarray:
        """For each distinct value, the position of its first row."""
        first = np.empty(len(self.uniques), dtype=np.intp)
        first[self.codes[::-1]] = np.arange(len(self.codes) - 1, -1, -1)
        return first

    def spread(self, result: pd.Series) -> pd.Series:
        """A per-distinct-value result, one per row."""
        return pd.Series(result.to_numpy()[self.codes], index=self.index, dtype=result.dtype)


def is_blank(values: pd.Series | Distinct) -> pd.Series:
    """Empty cells, None, NaN and whitespace-only strings."""
    if len(values) == 0:
        return pd.Series([], dtype=bool, index=values.index)
    d = Distinct.of(values)
    return d.spread(_is_blank(d.uniques))


def parse_dates(values: pd.Series | Distinct, *, order: str = "auto", date1904: bool = False) -> DateColumn:
    """Parse a column of raw cells to dates, deciding day/month order once for the whole column."""
    if len(values) == 0:
        empty = pd.Series([], dtype="datetime64[ns]", index=values.index)
        return DateColumn(empty, pd.Series([], dtype=bool, index=values.index), None, False)
    d = Distinct.of(values)
    parsed = _parse_dates(d.uniques, order=order, date1904=date1904)
    return DateColumn(values=d.spread(parsed.values), bad=d.spread(parsed.bad), order=parsed.order,
                      assumed=parsed.assumed)


def parse_amounts(values: pd.Series | Distinct) -> AmountColumn:
    """Numbers as numbers or text with units and decimal commas: 12, "12 hrs", "1.5 CEU", "0,5"."""
    d = Distinct.of(values)
    a = _parse_amounts(d.uniques)
    return AmountColumn(values=d.spread(a.values), kinds=d.spread(a.kinds), unit_text=d.spread(a.unit_text),
                        bad=d.spread(a.bad), why=d.spread(a.why))


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


def map_unique(values: pd.Series | Distinct, fn) -> pd.Series:
    """``values.map(fn)`` evaluating ``fn`` once per distinct value."""
    d = Distinct.of(values)
    return d.spread(pd.Series([fn(v) for v in d.uniques], dtype=object))
