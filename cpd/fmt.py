"""How Recert writes a number or a date in any text a person reads: one rule each, used everywhere.

Reasons, tables, reminders, calendar notes, charts and the report all say "2 of 30 hours" and "1 Jun 2026", so a
change to either rule is made here once. Where a renderer formats a real date itself (so that it still sorts and
filters), the day rule is given in that renderer's syntax here too: ``DAY_COLUMN`` (Streamlit tables), ``DAY_PLOTLY``
(chart hover text), ``DAY_EXCEL`` (the report's cells). Numbers with their units ("1 hour", "4 more CEUs") are
``cpd.wording``'s, which writes the number with ``number`` from here. ISO dates in JSON, CSV and file names are
for machines and stay ISO.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
import unicodedata
from typing import TYPE_CHECKING, Any

from .model import STATUS_LABELS

if TYPE_CHECKING:
    import pandas as pd

# pandas and numpy are imported inside the functions that need them: ``python -m cpd`` imports this module
# before it starts reading the files, and pandas must load while the sheets are parsed, not before.

# The day rule ("1 Jun 2026": day without a leading zero, short month, full year) in each renderer's syntax.
DAY_COLUMN = "D MMM YYYY"  # st.column_config.DateColumn (moment.js)
DAY_PLOTLY = "%-d %b %Y"  # Plotly hover templates, as %{x|...} (d3-time-format; "-" drops the zero padding)
DAY_EXCEL = "d mmm yyyy"  # an Excel number format: a real date Excel can sort and filter
DAY_CACHE = 65_536  # distinct dates remembered: a chain's files hold a few thousand, each written many times


def finite(x: object) -> float | None:
    """The number ``x`` holds, or None when it holds none (None, NA, NaN, infinity, text that is not a number)."""
    try:
        f = float(x)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return f if math.isfinite(f) else None


def missing(value: object) -> bool:
    """Whether a cell holds nothing: None, NA, NaT or a float NaN (text, even empty, is something)."""
    import pandas as pd

    return (
        value is None or value is pd.NA or value is pd.NaT or (isinstance(value, float) and math.isnan(value))
    )


def text(value: object) -> str:
    """A cell as text: "" when it holds nothing (``missing``), else its string."""
    return "" if missing(value) else str(value)


def terminal(value: object) -> str:
    """Text for a terminal: every character that is not printable (an escape sequence, a line break, a bell)
    shows as "?", so file text can never move the cursor, recolour the screen or forge a line; "" for None."""
    return "".join(ch if ch.isprintable() else "?" for ch in ("" if value is None else str(value)))


def capitalised(sentence: str) -> str:
    """The first letter upper-cased, the rest as written ("no card on file" -> "No card on file"; "NASM CPT: ..."
    keeps its capitals, which ``str.capitalize`` would lower)."""
    return sentence[:1].upper() + sentence[1:]


def number(x: object) -> str:
    """A credit amount as a person writes it: 2.0 -> "2", 0.30000001 -> "0.3", 1.25 -> "1.25", 1234.5 ->
    "1234.5" (two decimals at most, no trailing zeros, never "-0"); "?" when ``x`` is not a finite number."""
    f = finite(x)
    if f is None:
        return "?"
    text = f"{f:.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def clean(text: Any) -> str:
    """Text from a file for one line of a message or calendar note: line breaks and tabs become spaces, other
    control characters are dropped, runs of blanks become one space; "" for None, NaN and NA."""
    import pandas as pd

    if text is None or (isinstance(text, float) and math.isnan(text)) or text is pd.NA:
        return ""
    s = str(text)
    if s.isprintable():  # no control, separator or unassigned character: only the spaces to collapse
        return " ".join(s.split())
    out = []
    for ch in s:
        if ch in "\r\n\t\v\f\u2028\u2029\x85":
            out.append(" ")
        elif unicodedata.category(ch) in ("Cc", "Cs") or ch in "\ufffe\uffff":
            continue
        else:
            out.append(ch)
    return " ".join("".join(out).split())


def day(value: Any) -> str:
    """A date as a manager writes it, unambiguous in every locale: "1 Jun 2026" (no leading zero); "" when
    there is none (None, NaN, NaT, NA).

    Accepts a date, datetime, Timestamp, numpy datetime64 or ISO text; an aware time is read in its own zone. A
    date or datetime of any year is written as it is (a file's "1 Jan 1900" or year-5 typo is quoted back).
    """
    import pandas as pd

    if value is None or pd.isna(value):
        return ""
    kind: type = type(value)  # declared: mypy takes type[Any] for unhashable
    try:  # the type and zone are part of the key: equal instants in two zones can fall on two days
        return _day(value, kind, getattr(value, "tzinfo", None))
    except TypeError:  # unhashable: not worth remembering
        return _day.__wrapped__(value, None, None)


@functools.lru_cache(maxsize=DAY_CACHE)
def _day(value: Any, _kind: type | None, _zone: Any) -> str:
    import pandas as pd

    d = value if isinstance(value, dt.date) else pd.Timestamp(value)  # a Timestamp is a datetime too
    return f"{d.day} {d:%b} {d.year}"


def status_label(status: object) -> str:
    """How a status code reads to a person ("at_risk" -> "At risk"); a code Recert does not know, as it is."""
    return STATUS_LABELS.get(status, str(status))  # type: ignore[call-overload]


def days(values: pd.Series) -> list[str]:
    """``day`` of each value of a column, each distinct date formatted once (a chain's standings repeat a few
    thousand dates over a hundred thousand rows); "" where there is no date."""
    import numpy as np
    import pandas as pd

    codes, uniq = pd.factorize(pd.to_datetime(values))
    names = np.array([day(t) for t in uniq] + [""], dtype=object)
    return names[codes].tolist()  # code -1 (no date) picks the trailing ""
