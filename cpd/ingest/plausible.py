"""Dates that read as dates but cannot be what the manager meant (inputs.md, "Implausible dates").

Recert tracks dates from 1950 to 2199 (the range ``cpd.asof`` allows for as-of). Before 1950 a date is almost
always Excel's empty date (1900-01-01, serial 0 shown as 00:00): the row is rejected. After 2199 a date is a
"no expiry" placeholder (31 Dec 9999) or a typing slip; pandas cannot even hold one past 2262, so nothing after
2199 ever reaches the standing: on an unknown credential's expiry it means "does not expire", anywhere else the
row is rejected. An expiry before its own issue date rejects the row. The checks that need as-of (issued after
as-of, an expiry more than a cycle and a year away) are warnings, made in ``cpd.standing``.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..distinct import Distinct
from ..fmt import day as fmt_day
from .context import Rows, SheetContext
from .notes import EXAMPLES_KEPT, Tally
from .values import DateColumn, parse_dates

FIRST_DATE = pd.Timestamp("1950-01-01")
LAST_DATE = pd.Timestamp("2199-12-31")
# On a credential Recert has no rules for, an expiry on or after this date means "does not expire" (31 Dec 2099
# and 31 Dec 9999 are the placeholders spreadsheets use); the standing says so instead of counting days.
NO_EXPIRY_FROM = pd.Timestamp("2099-12-31")

_FAR_YEAR = re.compile(r"(?<!\d)(2[2-9]\d\d|[3-9]\d\d\d)(?!\d)")
_OLD_YEAR = re.compile(r"(?<!\d)(1[0-5]\d\d|16[0-6]\d|167[0-7])(?!\d)")  # 1000-1677: pandas cannot hold them


def day(ts: object) -> str:
    """1 Jun 2025."""
    return fmt_day(ts) if isinstance(ts, pd.Timestamp) and not pd.isna(ts) else str(ts)


def too_early(
    values: pd.Series, cells: pd.Series | Distinct | None = None, bad: pd.Series | None = None
) -> pd.Series:
    """Dates before 1950: parsed ones, and date cells too old for pandas to hold (1600)."""
    early = values.notna() & (values < FIRST_DATE)
    if cells is None or bad is None or not bad.any():
        return early
    d = Distinct.of(cells)
    old = np.array([isinstance(v, dt.date) and v.year < FIRST_DATE.year for v in d.uniques], dtype=bool)
    texts = {
        k: _OLD_YEAR.sub("1950", v, count=1)
        for k, v in enumerate(d.uniques)
        if isinstance(v, str) and len(v) <= 40 and _OLD_YEAR.search(v)
    }
    if texts:  # "1677-01-01", too old for pandas: a date all the same, and before 1950
        old[list(texts)] = (
            parse_dates(pd.Series(list(texts.values()), dtype=object)).values.notna().to_numpy()
        )
    return early | (pd.Series(old[d.codes], index=values.index) & bad)


def empty_date_cells(values: pd.Series | Distinct) -> pd.Series:
    """Cells holding Excel's empty date as a time of day (serial 0 in a date-formatted cell reads as 00:00)."""
    d = Distinct.of(values)
    return d.spread(pd.Series([isinstance(v, dt.time) for v in d.uniques], dtype=bool))


def beyond(values: pd.Series | Distinct, parsed: pd.Series, bad: pd.Series) -> pd.Series:
    """Dates after 2199: parsed ones, and cells not read as dates only because their year is too far (a date
    cell or text such as "31/12/9999", which pandas cannot hold)."""
    late = parsed.notna() & (parsed > LAST_DATE)
    if not bad.any():
        return late
    d = Distinct.of(values)
    uniques = d.uniques
    bad_codes = np.zeros(len(uniques), dtype=bool)
    bad_codes[d.codes[bad.to_numpy()]] = True
    far = np.zeros(len(uniques), dtype=bool)
    texts: dict[int, str] = {}
    for k in np.flatnonzero(bad_codes).tolist():
        v = uniques.iloc[k]
        if isinstance(v, dt.date):
            far[k] = v.year > LAST_DATE.year
        elif isinstance(v, str) and len(v) <= 40 and _FAR_YEAR.search(v):
            texts[k] = _FAR_YEAR.sub("2199", v, count=1)
    if texts:  # the same text with a year Recert can hold: if that is a date, the year was the only trouble
        again = parse_dates(pd.Series(list(texts.values()), dtype=object))
        far[list(texts)] = again.values.notna().to_numpy()
    return late | pd.Series(far[d.codes], index=parsed.index)


def clip(values: pd.Series) -> pd.Series:
    """Dates held inside the tracked range (a far expiry becomes 31 Dec 2199), so no sum can overflow."""
    return values.where(values.isna() | (values <= LAST_DATE), LAST_DATE)


# Checks on a sheet's rows ------------------------------------------------------------------------------------
WHAT = {
    "expires": "expiry date",
    "issued": "issued date",
    "cpr_expires": "CPR/AED expiry",
    "cpr_issued": "CPR/AED issued date",
    "date": "activity date",
}


def _as_written(cells: pd.Series) -> pd.Series:
    """A date cell as "1 Jan 1900" (any year), text as written."""
    return cells.map(lambda v: fmt_day(v) if isinstance(v, dt.date) else " ".join(str(v).split()))


def check_range(
    rows: Rows, column: str, idx: int, parsed: DateColumn, what: str, *, keep_far: bool = False
) -> pd.Series:
    """Reject the rows whose date in this column is Excel's empty date, before 1950, or after 2199 (unless
    ``keep_far``); returns which cells are after 2199 (read as dates or not), for the caller to decide about.
    Called before the column's cells that are not dates at all are rejected, so each gets its own reason."""
    cells = rows.dist(idx)
    empty = empty_date_cells(cells) & parsed.bad
    rows.reject(
        empty,
        column,
        f"the {what} is Excel's empty date (0, shown as 00:00 or 1900): enter the real "
        "date or leave the cell empty",
    )
    early = too_early(parsed.values, cells, parsed.bad)
    rows.reject(
        early,
        column,
        lambda i: _as_written(rows.frame[idx][i]).map(
            lambda d: (
                f"the {what} {d} is before 1950: Excel's empty date (1900) or a slip, not a real date; "
                "enter the real date or leave the cell empty"
            )
        ),
    )
    far = beyond(cells, parsed.values, parsed.bad)
    rows.reject(
        far & (not keep_far),
        column,
        lambda i: _as_written(rows.frame[idx][i]).map(
            lambda s: (
                f"the {what} {s} is after 2199, a date Recert does not track: a placeholder for 'no expiry'? "
                "Enter the real date"
            )
        ),
    )
    return far


def check_order(rows: Rows, column: str, expires: pd.Series, issued: pd.Series, card: bool = False) -> None:
    """Reject the rows whose expiry comes before their own issue date."""
    wrong = expires.notna() & issued.notna() & (expires < issued)
    what = "the CPR/AED card expires" if card else "expires"
    rows.reject(
        wrong,
        column,
        lambda i: pd.Series(
            [
                f"{what} {day(e)}, before it was issued on {day(s)}: check the dates"
                for e, s in zip(expires[i], issued[i], strict=True)
            ],
            index=i,
            dtype=object,
        ),
    )


@dataclass(frozen=True)
class CertificationDates:
    """The date columns of a certification row, checked (rows with impossible dates already rejected)."""

    expires: pd.Series  # datetime64; an expiry after 2199 is held as 31 Dec 2199 (see ``far``)
    far: pd.Series  # bool: the expiry is after 2199 (for an unknown credential: it does not expire)
    issued: DateColumn | None
    cpr_expires: DateColumn | None
    cpr_issued: DateColumn | None


def certification_dates(ctx: SheetContext, rows: Rows) -> CertificationDates:
    """Read and check the dates of a certification row, in this order (the first failed check is the row's
    reason): the expiry (not a date, missing, Excel's empty date, before 1950), the issue date (the same, and
    an expiry before it), the CPR/AED dates (not dates, implausible, expiry before issue). An expiry after 2199
    is returned in ``far``: the caller keeps it for an unknown credential and rejects it for a known one."""
    cols, label = ctx.cols, ctx.label
    exp = rows.dates("expires")
    i = cols["expires"]
    far = check_range(rows, label("expires"), i, exp, WHAT["expires"], keep_far=True)
    rows.reject(exp.bad & ~far, label("expires"), rows.bad_dates("expires", exp))
    rows.reject(exp.values.isna() & ~exp.bad, label("expires"), "no expiry date")
    expires = clip(exp.values).where(~far, LAST_DATE)
    issued = rows.dates("issued") if "issued" in cols else None
    if issued is not None:
        check_range(rows, label("issued"), cols["issued"], issued, WHAT["issued"])
        check_order(rows, label("expires"), expires.where(~far), issued.values)
    cpr = {f: rows.dates(f) if f in cols else None for f in ("cpr_issued", "cpr_expires")}
    for f, parsed in cpr.items():
        if parsed is not None:
            check_range(rows, label(f), cols[f], parsed, WHAT[f])
            rows.reject(parsed.bad, label(f), rows.bad_dates(f, parsed))
    if cpr["cpr_issued"] is not None and cpr["cpr_expires"] is not None:
        check_order(
            rows, label("cpr_expires"), cpr["cpr_expires"].values, cpr["cpr_issued"].values, card=True
        )
    return CertificationDates(expires, far, issued, cpr["cpr_expires"], cpr["cpr_issued"])


# Checks that need as-of (made by cpd.standing) ---------------------------------------------------------------
def as_of_warnings(certs: pd.DataFrame, as_of: pd.Timestamp) -> list[str]:
    """Certifications kept but doubtful at as-of, each naming the trainer and the row: issued after as-of, or,
    for a credential with a cycle, expiring more than one cycle and a year after as-of ("31 Dec 2099": a
    placeholder for "no expiry"?). ``certs``: the standing's frame (trainer, credential_name, file, sheet,
    row, issued, expires, known, cycle_years)."""
    out: list[str] = []
    if not len(certs):
        return out
    issued = certs["issued"] if "issued" in certs else pd.Series(pd.NaT, index=certs.index)
    late_issue = (issued.notna() & (issued > as_of)).to_numpy()
    cycle = pd.to_numeric(certs["cycle_years"], errors="coerce").where(certs["known"].astype(bool))
    far = np.zeros(len(certs), dtype=bool)
    for years in cycle.dropna().unique():
        months = int(round((float(years) + 1) * 12))
        limit = as_of + pd.DateOffset(months=months)
        far |= (cycle.eq(years) & certs["expires"].notna() & (certs["expires"] > limit)).to_numpy()
    for mask, kind, sentence in (
        (
            late_issue,
            "issued",
            lambda r: (
                f"{r.where} row {r.row}: {r.trainer}'s {r.credential_name} was issued on {day(r.issued)}, after "
                f"as-of ({day(as_of)}): check the date."
            ),
        ),
        (
            far,
            "far",
            lambda r: (
                f"{r.where} row {r.row}: {r.trainer}'s {r.credential_name} expires {day(r.expires)}, more than "
                f"one cycle ({_years(r.cycle_years)}) and a year after as-of ({day(as_of)}): a placeholder for 'no "
                "expiry'? Enter the real expiry date."
            ),
        ),
    ):
        if not mask.any():
            continue
        more = (
            " issued after as-of: check their dates"
            if kind == "issued"
            else " expiring more than a cycle away: placeholders for 'no expiry'?"
        )
        tally = Tally(more, "implausible")
        chosen = certs[mask]
        where = np.where(
            chosen["sheet"].astype(str) == "",
            chosen["file"].astype(str),
            chosen["file"].astype(str) + ", sheet '" + chosen["sheet"].astype(str) + "'",
        )
        rows = chosen.assign(where=where).head(EXAMPLES_KEPT).itertuples(index=False)
        tally.add(int(mask.sum()), (sentence(r) for r in rows))
        out.extend(tally.lines())
    return out


def _years(n: float) -> str:
    y = float(n)
    return f"{y:g} year{'s' if y != 1 else ''}"


@dataclass(frozen=True)
class MatrixDates:
    """A training-matrix column's expiry dates once checked: ``values`` holds the dates to use (an unknown
    credential's far placeholder as 31 Dec 2199, implausible ones removed), ``why`` what is wrong with a cell
    that is not used ("" where nothing is)."""

    values: pd.Series
    far: pd.Series  # bool: after 2199 (kept for an unknown credential: it does not expire)
    why: pd.Series  # str


def matrix_dates(cells: pd.Series | Distinct, parsed: DateColumn, *, keep_far: bool) -> MatrixDates:
    """A matrix cell before 1950 or after 2199 is not read (and said so), except that on a credential Recert
    has no rules for, a date after 2199 means "does not expire"."""
    early = too_early(parsed.values, cells, parsed.bad)
    far = beyond(cells, parsed.values, parsed.bad)
    why = pd.Series("", index=parsed.values.index, dtype=object)
    why[early] = "is before 1950 (Excel's empty date?), not an expiry date"
    values = parsed.values.where(~early)
    if keep_far:
        values = clip(values).where(~far, LAST_DATE)
    else:
        why[far] = "is after 2199 (a placeholder for 'no expiry'?), not an expiry date"
        values = values.where(~far)
    return MatrixDates(values, far, why)
