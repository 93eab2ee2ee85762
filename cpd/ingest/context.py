"""One sheet being read: what is fixed once its header is found (``SheetContext``) and its rows' fates (``Rows``).

Each layout reader (``layouts.py``) gets both: the context says where the sheet is, how its header was mapped
and which rules apply; ``Rows`` holds the raw cells, the Excel row numbers, and each row's fate so far. A check
rejects rows with ``Rows.reject``; the first failed check of a row is its reason (vectorised masks, no loop
over rows).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TypeVar, overload

import numpy as np
import pandas as pd

from ..catalogue import Catalogue
from ..distinct import Distinct, combine_codes
from ..ledger import ACCEPTED, BLANK, REJECTED
from ..model import Notice, SheetMapping
from ..text import tidy
from .grid import Grid
from .header import FIELD_LABELS, HeaderGuess, header_date_order
from .values import DateColumn, parse_dates, text_column

_Dates = TypeVar("_Dates", bound=DateColumn)

PEOPLE_COLUMNS = ["file", "sheet", "row", "local_id", "name", "club", "role", "email"]


@dataclass
class SheetResult:
    """What one sheet contributed, before people are resolved across files."""

    mapping: SheetMapping
    ledger: pd.DataFrame
    people: pd.DataFrame
    certs: pd.DataFrame = field(default_factory=pd.DataFrame)
    cpr: pd.DataFrame = field(default_factory=pd.DataFrame)
    activities: pd.DataFrame = field(default_factory=pd.DataFrame)
    warnings: list[str] = field(default_factory=list)
    layout: str = "skipped"
    person_column: str = ""
    # Per row of ``people``: equal for rows whose people columns are the same text (``Who.key``); None when
    # not known, and assemble() then compares the text itself.
    people_key: np.ndarray | None = None


@dataclass(frozen=True)
class Parts:
    """What a layout reader found: certifications, CPR/AED cards, CE activities (accepted rows only), and the
    columns it used beyond the header's mapping (a matrix finds some while reading), header -> field."""

    certs: pd.DataFrame = field(default_factory=pd.DataFrame)
    cpr: pd.DataFrame = field(default_factory=pd.DataFrame)
    activities: pd.DataFrame = field(default_factory=pd.DataFrame)
    columns: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class SheetContext:
    """One sheet once its header is known: the same for every row and every layout rule."""

    grid: Grid
    header: tuple[str, ...]  # the header's cells as text ("" for an empty cell); two-row headers combined
    guess: HeaderGuess  # header row index in the grid, column -> field, credential columns
    catalogue: Catalogue
    date_order: str  # "auto" | "mdy" | "dmy": for columns whose every date reads both ways
    where: str  # "file, sheet 'name'" as a manager reads it
    cols: Mapping[str, int]  # field -> column index

    @classmethod
    def of(
        cls,
        grid: Grid,
        header: list[str],
        guess: HeaderGuess,
        catalogue: Catalogue,
        date_order: str,
        where: str,
    ) -> SheetContext:
        return cls(
            grid, tuple(header), guess, catalogue, date_order, where, {f: i for i, f in guess.fields.items()}
        )

    @property
    def file(self) -> str:
        return self.grid.file

    @property
    def sheet(self) -> str:
        return self.grid.sheet

    def label(self, field_name: str) -> str:
        """The header of a field's column as written (for reasons), or the field's plain name."""
        i = self.cols.get(field_name)
        return tidy(self.header[i]) if i is not None else FIELD_LABELS.get(field_name, field_name)


class Rows:
    """The data rows under a header: cells, Excel row numbers, blank cells, and each row's fate so far."""

    def __init__(self, ctx: SheetContext, cells: np.ndarray) -> None:
        self.ctx = ctx
        grid, first = ctx.grid, ctx.guess.row + 1
        width = len(ctx.header)
        numbers = grid.row_numbers[first:]
        # Rectangular already: shape() padded short csv records with "" (their field count is checked apart).
        self.frame = pd.DataFrame(cells[first:], columns=range(width), dtype=object, copy=False)
        index = self.frame.index
        self.rownum = pd.Series(
            np.arange(numbers.start, numbers.stop) if isinstance(numbers, range) else numbers,
            index=index,
            dtype="int64",
        )
        self._distinct: dict[int, Distinct] = {}
        self._texts: dict[int, TextCodes] = {}
        self.warnings: list[str] = []
        self.date_orders: dict[str, str] = {}

        # Blank cells and where each row's first non-blank cell is, in numpy: this loop runs once per column.
        n_rows = len(self.frame)
        blank = np.empty(
            (n_rows, width), dtype=bool
        )  # csv: whitespace-only is blank; workbook: "" (calamine's)
        first_column = np.full(n_rows, -1, dtype=np.int64)  # -1: a blank row
        for i in range(width):
            d = self.dist(i)
            blank[:, i] = _blank_uniques(d.uniques.to_numpy(dtype=object), grid.text)[d.codes]
            fresh = (first_column < 0) & ~blank[:, i]
            if fresh.any():
                first_column[fresh] = i
        self.blank = blank
        self._first_column = first_column
        self.row_blank = pd.Series(blank.all(axis=1), index=index)
        self.reason = pd.Series("", index=index, dtype=object)
        self.column = pd.Series("", index=index, dtype=object)
        # Fates as small integers while validating (compared many times), named in the ledger.
        self.fate = pd.Series(ACCEPTED, index=index, dtype="int8")
        self.fate[self.row_blank] = BLANK

    def __len__(self) -> int:
        return len(self.frame)

    def first_text_is(self, test: Callable[[str], bool]) -> pd.Series:
        """``test`` of each row's first non-blank cell when it is text ("" otherwise, and for a blank row),
        evaluated once per distinct cell of each column, from the codes the columns were factorised into."""
        empty = bool(test(""))
        out = np.full(len(self), empty, dtype=bool)  # a blank row's first text is ""
        first = self._first_column
        for i in np.flatnonzero(np.bincount(first[first >= 0], minlength=len(self.ctx.header))).tolist():
            at = np.flatnonzero(first == i)
            d = self.dist(i)
            codes = d.codes[at]
            seen = np.zeros(len(d.uniques), dtype=bool)
            seen[codes] = True
            used = np.flatnonzero(seen)
            answer = np.full(len(seen), empty, dtype=bool)
            answer[used] = [
                bool(test(v)) if isinstance(v, str) else empty for v in d.uniques.to_numpy(dtype=object)[used]
            ]
            out[at] = answer[codes]
        return pd.Series(out, index=self.index)

    @property
    def index(self) -> pd.Index:
        return self.frame.index

    @property
    def ok(self) -> pd.Series:
        """Rows still accepted."""
        return self.fate.eq(ACCEPTED)

    def dist(self, i: int) -> Distinct:
        """Column ``i`` factorised once, for every check and parse."""
        if i not in self._distinct:
            self._distinct[i] = Distinct.of(self.frame[i])
        return self._distinct[i]

    def mark_blank(self, mask: pd.Series, why: str) -> None:
        """Rows that are not data (a total row): blank, with a note in the ledger."""
        self.fate[mask] = BLANK
        self.reason[mask] = why

    def reject(
        self, mask: pd.Series, col: str, why: str | pd.Series | Callable[[pd.Index], pd.Series]
    ) -> None:
        """Reject rows still accepted; ``why`` is a sentence, a Series, or a function of the rejected index."""
        m = mask & self.ok
        if not m.any():
            return
        self.fate[m] = REJECTED
        self.column[m] = col
        if callable(why):
            self.reason[m] = why(m[m].index).to_numpy()
        else:
            self.reason[m] = why[m] if isinstance(why, pd.Series) else why

    def empty(self) -> pd.Series:
        return pd.Series("", index=self.index, dtype=object)

    def col(self, field_name: str) -> pd.Series:
        """A field's raw cells ("" everywhere when the sheet has no such column)."""
        i = self.ctx.cols.get(field_name)
        return self.empty() if i is None else self.frame[i]

    def text(self, field_name: str) -> pd.Series:
        """A field's column as tidy text ("" everywhere when the sheet has no such column)."""
        i = self.ctx.cols.get(field_name)
        return self.empty() if i is None else self.text_of(i).spread()

    def text_of(self, i: int) -> TextCodes:
        """Column ``i`` as tidy text, worked once per distinct cell and kept: its distinct texts and each
        row's code among them."""
        if i not in self._texts:
            d = self.dist(i)
            tidy_texts = text_column(Distinct(np.arange(len(d.uniques)), d.uniques, d.uniques.index))
            code, texts = pd.factorize(tidy_texts.to_numpy(dtype=object), use_na_sentinel=False)
            self._texts[i] = TextCodes(code[d.codes], np.asarray(texts, dtype=object), self.index)
        return self._texts[i]

    def text_codes(self, field_name: str) -> TextCodes:
        """``text_of`` a field's column; one code, for "", when the sheet has no such column."""
        i = self.ctx.cols.get(field_name)
        if i is None:
            return TextCodes(np.zeros(len(self), dtype=np.intp), np.array([""], dtype=object), self.index)
        return self.text_of(i)

    @overload
    def dates(self, field_name: str, idx: int | None = None, head: str | None = None) -> DateColumn: ...

    @overload
    def dates(
        self,
        field_name: str,
        idx: int | None = None,
        head: str | None = None,
        *,
        parse: Callable[..., _Dates],
    ) -> _Dates: ...

    def dates(
        self,
        field_name: str,
        idx: int | None = None,
        head: str | None = None,
        parse: Callable[..., DateColumn] = parse_dates,
    ) -> DateColumn:
        """A date column parsed once, its day/month order decided from its own values (noted for the mapping);
        ``parse`` reads the cells (a training matrix's, with words around its dates, use parse_expiry_cells)."""
        ctx = self.ctx
        i = ctx.cols.get(field_name) if idx is None else idx
        values = self.frame[i] if i is not None else self.empty()
        h = head or (tidy(ctx.header[i]) if i is not None else field_name)
        order = ctx.date_order
        hint = header_date_order(ctx.header[i]) if i is not None else None
        if order == "auto" and hint:
            order = hint
        date1904 = ctx.grid.date1904
        if (
            i is not None and not (self.fate.eq(BLANK).to_numpy() & ~self.blank[:, i]).any()
        ):  # no total row here
            parsed = parse(self.dist(i), order=order, date1904=date1904)
        else:
            parsed = parse(values.where(self.fate.ne(BLANK), ""), order=order, date1904=date1904)
        if parsed.order:
            self.date_orders[h] = parsed.order + (" (assumed)" if parsed.assumed else "")
            if parsed.assumed:
                self.warnings.append(
                    Notice(
                        "date_order",
                        (
                            f"{ctx.where}: every date in '{h}' could be read either way (e.g. 03/04/2027), so they were "
                            "read as month/day; if they are day/month, set the date order to day first (--date-order dmy "
                            "on the command line)."
                        ),
                    )
                )
        return parsed

    def bad_dates(self, field_name: str, parsed: DateColumn) -> Callable[[pd.Index], pd.Series]:
        """Reasons for the cells of a date column that are not dates, saying the column's order if it has one."""
        how = {
            "mdy": " (this column's dates are month/day/year)",
            "dmy": " (this column's dates are day/month/year)",
        }
        tail = how.get(parsed.order or "", "")
        return lambda idx: self.col(field_name)[idx].map(lambda v: f"'{tidy(v)}' is not a date{tail}")


@dataclass(frozen=True)
class TextCodes:
    """A column of tidy text as its distinct texts (each once) and each row's code among them."""

    codes: np.ndarray
    texts: np.ndarray  # object: str, all different
    index: pd.Index

    def spread(self) -> pd.Series:
        return pd.Series(self.texts[self.codes], index=self.index, dtype=object)

    def distinct(self) -> Distinct:
        """The column as a ``Distinct``, for ``map_unique`` and the parsers (no hashing of its text again)."""
        return Distinct(self.codes, pd.Series(self.texts, dtype=object), self.index)


@dataclass(frozen=True)
class Who:
    """The person each row names: name (or first + last), staff id, and the header a missing one is blamed on."""

    name: pd.Series
    local_id: pd.Series
    missing: pd.Series  # bool: neither a name nor a staff id
    column: str
    people: pd.DataFrame  # PEOPLE_COLUMNS, one per row
    # One integer per row, the same for rows whose people columns (staff id, name, club, role, email) are the
    # same text: how assemble() finds the distinct people of a sheet without hashing its text again.
    key: np.ndarray

    @classmethod
    def of(cls, ctx: SheetContext, rows: Rows) -> Who:
        cols = ctx.cols
        name = rows.text_codes("trainer")
        if "trainer" not in cols and ("first_name" in cols or "last_name" in cols):
            name = _full_names(rows.text_codes("first_name"), rows.text_codes("last_name"))
        ids = rows.text_codes("trainer_id")
        parts = [ids, name, *(rows.text_codes(f) for f in ("club", "role", "email"))]
        texts = [p.spread() for p in parts]
        local_id = texts[0]
        people = pd.DataFrame(
            {
                "file": ctx.file,
                "sheet": ctx.sheet,
                "row": rows.rownum,
                "local_id": local_id,
                "name": texts[1],
                "club": texts[2],
                "role": texts[3],
                "email": texts[4],
            }
        )
        missing = pd.Series((ids.texts == "")[ids.codes] & (name.texts == "")[name.codes], index=rows.index)
        column = next(
            (ctx.label(f) for f in ("trainer", "trainer_id", "first_name") if f in cols),
            ctx.label("last_name"),
        )
        key = combine_codes([(p.codes, len(p.texts)) for p in parts], len(rows))
        return cls(texts[1], local_id, missing, column, people, key)


def _full_names(first: TextCodes, last: TextCodes) -> TextCodes:
    """ "First Last" from a first-name and a last-name column, joined once per distinct pair."""
    pair = combine_codes([(first.codes, len(first.texts)), (last.codes, len(last.texts))], len(first.codes))
    code, at = np.unique(pair, return_index=True)
    joined = [
        f"{f} {la}".strip()
        for f, la in zip(first.texts[first.codes[at]], last.texts[last.codes[at]], strict=True)
    ]
    names, texts = pd.factorize(np.asarray(joined, dtype=object), use_na_sentinel=False)
    return TextCodes(names[np.searchsorted(code, pair)], np.asarray(texts, dtype=object), first.index)


def is_empty(text: pd.Series) -> pd.Series:
    """``text == ""`` for an object column of text (numpy's compare; pandas' costs several times more)."""
    return pd.Series(text.to_numpy(dtype=object) == "", index=text.index)


def _blank_uniques(uniques: np.ndarray, text: bool) -> np.ndarray:
    """``blank_value`` of each distinct value of a factorised column, in numpy for a workbook's cells (the
    factorisation holds every missing cell, None, NaN or NaT, as one None)."""
    if text or not len(uniques):
        return np.fromiter((blank_value(v, text) for v in uniques), dtype=bool, count=len(uniques))
    blank = np.asarray(uniques == "", dtype=bool)
    missing = pd.isna(uniques)
    if missing.any():  # None, and any NaN or NaT a caller's uniques hold
        blank[missing] = [blank_value(v, text) for v in uniques[missing]]
    return blank


def blank_value(v: object, text: bool) -> bool:
    """An empty cell: None, NaN or "", and in a csv also a cell of spaces (in a workbook a typed space is data)."""
    if v is None or (isinstance(v, float) and v != v):
        return True
    if isinstance(v, str):
        return not v.strip() if text else v == ""
    return v is pd.NaT


def blank_cell(v: object) -> bool:
    if v is None:
        return True
    if isinstance(v, float) and np.isnan(v):
        return True
    return isinstance(v, str) and not v.strip()
