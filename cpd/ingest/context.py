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
from ..distinct import Distinct
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
        self.warnings: list[str] = []
        self.date_orders: dict[str, str] = {}

        # Blank cells and each row's first text, in numpy: this loop runs once per column.
        n_rows = len(self.frame)
        blank = np.empty(
            (n_rows, width), dtype=bool
        )  # csv: whitespace-only is blank; workbook: "" (calamine's)
        first_cell = np.full(n_rows, "", dtype=object)  # the first non-blank cell of each row, if it is text
        seen = np.zeros(n_rows, dtype=bool)
        for i in range(width):
            d = self.dist(i)
            uniques = d.uniques.to_numpy(dtype=object)
            blank[:, i] = np.fromiter(
                (blank_value(v, grid.text) for v in uniques), dtype=bool, count=len(uniques)
            )[d.codes]
            fresh = ~seen & ~blank[:, i]
            if fresh.any():
                texts = np.empty(len(uniques), dtype=object)
                texts[:] = [v if isinstance(v, str) else "" for v in uniques]
                first_cell[fresh] = texts[d.codes[fresh]]
                seen |= fresh
        self.blank = blank
        self.row_blank = pd.Series(blank.all(axis=1), index=index)
        self.first_text = pd.Series(first_cell, index=index, dtype=object)
        self.reason = pd.Series("", index=index, dtype=object)
        self.column = pd.Series("", index=index, dtype=object)
        # Fates as small integers while validating (compared many times), named in the ledger.
        self.fate = pd.Series(ACCEPTED, index=index, dtype="int8")
        self.fate[self.row_blank] = BLANK

    def __len__(self) -> int:
        return len(self.frame)

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
        return self.empty() if i is None else text_column(self.dist(i))

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
class Who:
    """The person each row names: name (or first + last), staff id, and the header a missing one is blamed on."""

    name: pd.Series
    local_id: pd.Series
    missing: pd.Series  # bool: neither a name nor a staff id
    column: str
    people: pd.DataFrame  # PEOPLE_COLUMNS, one per row

    @classmethod
    def of(cls, ctx: SheetContext, rows: Rows) -> Who:
        cols = ctx.cols
        name = rows.text("trainer")
        if "trainer" not in cols and ("first_name" in cols or "last_name" in cols):
            name = (rows.text("first_name") + " " + rows.text("last_name")).str.strip()
        local_id = rows.text("trainer_id")
        people = pd.DataFrame(
            {
                "file": ctx.file,
                "sheet": ctx.sheet,
                "row": rows.rownum,
                "local_id": local_id,
                "name": name,
                "club": rows.text("club"),
                "role": rows.text("role"),
                "email": rows.text("email"),
            }
        )
        missing = is_empty(name) & is_empty(local_id)
        column = next(
            (ctx.label(f) for f in ("trainer", "trainer_id", "first_name") if f in cols),
            ctx.label("last_name"),
        )
        return cls(name, local_id, missing, column, people)


def is_empty(text: pd.Series) -> pd.Series:
    """``text == ""`` for an object column of text (numpy's compare; pandas' costs several times more)."""
    return pd.Series(text.to_numpy(dtype=object) == "", index=text.index)


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
