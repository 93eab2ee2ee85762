"""One sheet: find its header, decide its layout, then hand its rows to that layout's reader.

``read_sheet`` is the only entry point. It finds the header (``header.find_header``), builds the sheet's
context and rows (``context``), applies the checks every layout shares (ragged csv lines, total rows, hidden
rows) and calls the reader of the layout it detected (``layouts.READERS``). Row fates are decided with
vectorised masks; the first failed check of a row is its reason.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .. import ledger
from ..catalogue import Catalogue
from ..ledger import BLANK
from ..model import Notice, SheetMapping
from ..text import tidy
from .context import (
    PEOPLE_COLUMNS,
    Rows,
    SheetContext,
    SheetResult,
    Who,
    blank_cell,
    is_empty,
)
from .grid import Grid
from .header import (
    ALL_FIELDS,
    FIELD_LABELS,
    HEADER_SCAN,
    CredentialColumn,
    HeaderGuess,
    field_for,
    find_header,
)
from .layouts import READERS
from .shape import MAX_COLUMNS, column_letters, shape
from .values import fast_fold

__all__ = ["SheetResult", "read_sheet"]

# A summary row at the bottom: "Total", "Grand total: 12", "Totals", "Sum" — not a trainer named "=SUM(A1)".
_TOTAL = re.compile(r"^(?:grand )?(?:totals?|subtotals?|sum|count|average)(?: .*)?$")


def read_sheet(
    grid: Grid, *, catalogue: Catalogue, date_order: str = "auto", override: Mapping[str, str] | None = None
) -> SheetResult:
    """Map, classify and validate one grid."""
    if grid.hidden:
        return _skipped(
            grid,
            "hidden sheet",
            [
                Notice(
                    "hidden",
                    f"Sheet '{grid.sheet}' in {grid.file} is hidden in "
                    "Excel and was not read: unhide it if its rows should count.",
                )
            ],
            kind="hidden",
        )
    # Only the columns in use go further, at most MAX_COLUMNS: the work below is per column.
    shaped = shape(grid.rows, text=grid.text, file=grid.file)
    result = _read_cells(grid, shaped.cells, catalogue, date_order, override, shaped.columns)
    if shaped.capped:
        cut = column_letters(grid.first_column + int(shaped.columns[-1]))
        result.warnings.insert(
            0,
            Notice(
                "columns",
                (
                    f"{_where(grid)} has values in {shaped.in_use:,} columns, more than Recert reads from one sheet: the "
                    f"first {MAX_COLUMNS} of them (up to column {cut}) were read and the other "
                    f"{shaped.in_use - MAX_COLUMNS:,} left out. Delete the columns Recert does not need and upload it again "
                    "if one of those matters."
                ),
            ),
        )
    return result


def _read_cells(
    grid: Grid,
    cells: np.ndarray,
    catalogue: Catalogue,
    date_order: str,
    override: Mapping[str, str] | None,
    kept: np.ndarray,
) -> SheetResult:
    where = _where(grid)
    if not cells.size or all(blank_cell(c) for c in cells.ravel()):
        return _skipped(grid, f"{where} is empty", kind="empty")
    columns = SheetColumns.of(grid, kept)
    guess = find_header(cells[:HEADER_SCAN].tolist(), catalogue, spans=columns.spans, hidden=columns.hidden)
    if guess is None and override:
        guess = HeaderGuess(0, {}, (), 0)
    if guess is None:
        first = next((r for r in map(list, cells) if any(not blank_cell(c) for c in r)), [])
        note = _needs_note(first)
        return _skipped(
            grid,
            f"{where}: no recognisable header ({note})",
            [Notice("sheet", f"{where} was not read: no recognisable header ({note}).")],
            kind="no_header",
        )
    header = (
        list(guess.labels)
        if guess.labels is not None
        else [c if isinstance(c, str) else ("" if blank_cell(c) else str(c)) for c in cells[guess.row]]
    )
    header += [""] * (cells.shape[1] - len(header))
    if override:
        guess = _apply_override(guess, header, override, catalogue)
    else:
        guess = _body_names_the_certification(guess)
    layout = _layout(set(guess.fields.values()), guess.credential_columns)
    header_row = grid.row_numbers[guess.row]
    if layout is None:
        note = _needs_note(header)
        return _skipped(
            grid,
            f"{where}: header on row {header_row} not usable ({note})",
            [Notice("sheet", f"{where} was not read: {note}.")],
            kind="unreadable",
        )

    ctx = SheetContext.of(grid, header, guess, catalogue, date_order, where)
    rows = Rows(ctx, cells)
    _check_lines(ctx, rows)
    who = Who.of(ctx, rows)
    parts = READERS[layout](ctx, rows, who)
    rows.warnings[:0] = [Notice("hidden", line) for line in columns.hidden_note(ctx, parts.columns)]

    used = set(guess.fields) | {c.index for c in guess.credential_columns}
    mapped = {tidy(header[i]): f for i, f in guess.fields.items()}
    mapped.update(
        {
            tidy(c.header): (f"credits:{c.credential}" if c.credits else f"credential:{c.credential}")
            for c in guess.credential_columns
        }
    )
    mapped.update(parts.columns)
    ignored = tuple(
        h for i in range(len(header)) if i not in used and (h := tidy(header[i])) and h not in parts.columns
    )
    result = SheetResult(
        mapping=SheetMapping(
            file=grid.file,
            sheet=grid.sheet,
            layout=layout,
            header_row=header_row,
            columns=mapped,
            ignored=ignored,
            date_orders=rows.date_orders,
            rows_read=len(rows),
        ),
        ledger=_ledger(ctx, rows, who),
        people=who.people,
        certs=parts.certs,
        cpr=parts.cpr,
        activities=parts.activities,
        warnings=rows.warnings,
        layout=layout,
        person_column=who.column,
        people_key=who.key,
    )
    # Each row's position in the sheet: how assemble() links certifications and activities to their ledger row.
    for f in (result.people, result.certs, result.cpr, result.activities):
        if len(f.columns):
            f["_pos"] = f.index.to_numpy()
    return result


@dataclass(frozen=True)
class SheetColumns:
    """Where the columns in use are in the sheet: Excel letters, hidden columns, merged header cells."""

    letters: tuple[str, ...]  # per column in use
    hidden: frozenset[int]  # columns in use hidden in Excel / LibreOffice
    spans: dict[int, dict[int, int]]  # grid row -> {first column -> last column} of its merged cells

    @classmethod
    def of(cls, grid: Grid, kept: np.ndarray) -> SheetColumns:
        at = grid.first_column + np.asarray(
            kept, dtype=np.int64
        )  # 0-based sheet column of each column in use
        hidden: set[int] = set()
        for lo, hi in grid.hidden_columns:
            hidden.update(np.flatnonzero((at >= lo) & (at <= hi)).tolist())
        spans: dict[int, dict[int, int]] = {}
        first_row = grid.row_numbers[0] - 1 if len(grid.row_numbers) else 0
        for r0, c0, _, c1 in grid.merged:
            inside = np.flatnonzero((at >= c0) & (at <= c1))
            if len(inside) and at[inside[0]] == c0:  # the merged cell's text is in its first column
                spans.setdefault(r0 - first_row, {})[int(inside[0])] = int(inside[-1])
        return cls(tuple(column_letters(int(c)) for c in at), frozenset(hidden), spans)

    def hidden_note(self, ctx: SheetContext, found: Mapping[str, str]) -> list[str]:
        """One warning naming the hidden columns of a sheet that was read, and what became of each (``found``:
        the columns a layout reader used beyond the header's mapping, by header)."""
        if not self.hidden:
            return []
        used = (
            set(ctx.guess.fields)
            | {c.index for c in ctx.guess.credential_columns}
            | {i for i, h in enumerate(ctx.header) if tidy(h) in found}
        )
        parts = []
        for i in sorted(self.hidden)[:10]:
            name = tidy(ctx.header[i]) if i < len(ctx.header) else ""
            what = f"column {self.letters[i]}" + (f" '{name}'" if name else "")
            field = ctx.guess.fields.get(i)
            if i in used:
                parts.append(f"{what} was read" + (f" as the {FIELD_LABELS[field]}" if field else ""))
            else:
                visible = next((j for j, f in ctx.guess.fields.items() if f == field_for(name)), None)
                parts.append(
                    f"{what} was not read"
                    + (
                        f" (the visible column '{tidy(ctx.header[visible])}' was used instead)"
                        if visible is not None
                        else ""
                    )
                )
        more = f" and {len(self.hidden) - 10} more" if len(self.hidden) > 10 else ""
        return [
            f"{ctx.where} has hidden columns: {'; '.join(parts)}{more}. Unhide them to check which one "
            "should count."
        ]


def _check_lines(ctx: SheetContext, rows: Rows) -> None:
    """Checks every layout shares: total rows, csv lines with the wrong number of fields or bad bytes, hidden
    rows (read, and named in a warning)."""
    grid, guess = ctx.grid, ctx.guess
    total = ~rows.row_blank & rows.first_text_is(_is_total)
    rows.mark_blank(total, "total row")
    if grid.text and grid.field_counts is not None:
        counts = pd.Series(grid.field_counts[guess.row + 1 :], index=rows.index)
        expected = grid.field_counts[guess.row]
        ragged = counts.ne(expected) & ~rows.row_blank
        rows.reject(
            ragged,
            "",
            lambda idx: counts[idx].map(
                lambda n: (
                    f"this line has {n} fields but the header has {expected}: check for an unquoted separator "
                    "in a name or number"
                )
            ),
        )
    if grid.bad_lines:
        bad = rows.rownum.map(lambda n: grid.bad_lines.get(int(n), ""))
        rows.reject(~is_empty(bad), "", bad)
    if grid.hidden_rows:
        hidden = sorted(set(grid.hidden_rows) & set(grid.row_numbers[guess.row + 1 :]))
        if hidden:
            shown = ", ".join(map(str, hidden[:10])) + (" …" if len(hidden) > 10 else "")
            rows.warnings.append(
                Notice(
                    "hidden",
                    f"{ctx.where}: {len(hidden)} hidden row(s) were read (rows "
                    f"{shown}); unhide them in Excel to check they should count.",
                )
            )


def _ledger(ctx: SheetContext, rows: Rows, who: Who) -> pd.DataFrame:
    """One line per data row: where it is, its fate, the column and reason of a rejection, and the trainer's
    name as written on the row ("" when it gives none), so a rejected row says whose it was."""
    return ledger.of_sheet(
        ctx.file,
        ctx.sheet,
        rows.rownum,
        rows.fate.to_numpy(),
        rows.column,
        rows.reason,
        who.name.where(rows.fate.ne(BLANK), ""),
    )  # a total row names nobody


def _where(grid: Grid) -> str:
    return f"{grid.file}, sheet '{grid.sheet}'" if grid.sheet else grid.file


def _skipped(grid: Grid, note: str, warnings: list[str] | None = None, *, kind: str) -> SheetResult:
    """A sheet that was not read; ``kind`` says why (model.NOTE_KINDS), for pages to act on."""
    mapping = SheetMapping(
        file=grid.file,
        sheet=grid.sheet,
        layout="skipped",
        header_row=None,
        columns={},
        ignored=(),
        rows_read=0,
        note=note,
        note_kind=kind,
    )
    return SheetResult(
        mapping=mapping,
        ledger=ledger.empty(),
        people=pd.DataFrame(columns=PEOPLE_COLUMNS),
        warnings=list(warnings or []),
    )


def _apply_override(
    guess: HeaderGuess, header: list[str], override: Mapping[str, str], catalogue: Catalogue
) -> HeaderGuess:
    fields = dict(guess.fields)
    creds = {c.index: c for c in guess.credential_columns}
    for i, cell in enumerate(header):
        text = str(cell).strip()
        if text in override:
            target = override[text]
            fields.pop(i, None)
            creds.pop(i, None)
            if target in ALL_FIELDS:
                for j, f in list(fields.items()):
                    if f == target:
                        fields.pop(j)
                fields[i] = target
            elif target.startswith("credential:"):
                cid = target.split(":", 1)[1]
                known = cid in catalogue
                creds[i] = CredentialColumn(i, text, cid, known, known and catalogue[cid].kind == "cpr_card")
    return HeaderGuess(
        guess.row,
        fields,
        tuple(sorted(creds.values(), key=lambda c: c.index)),
        len(fields) + len(creds),
        guess.labels,
        guess.group_row,
    )


def _body_names_the_certification(guess: HeaderGuess) -> HeaderGuess:
    """A roster whose only certification column is headed like a body ("Certifying body: NASM" beside an
    expiry): that column names the certification (a bare body name means its main credential)."""
    fields = set(guess.fields.values())
    if "approved_for" not in fields or "credential" in fields or "expires" not in fields or "date" in fields:
        return guess
    remapped = {i: ("credential" if f == "approved_for" else f) for i, f in guess.fields.items()}
    return HeaderGuess(
        guess.row, remapped, guess.credential_columns, guess.score, guess.labels, guess.group_row
    )


def _layout(fields: set[str], creds: tuple[CredentialColumn, ...]) -> str | None:
    person = bool(fields & {"trainer", "trainer_id", "first_name", "last_name"})
    if not person:
        return None
    if "credential" in fields and "expires" in fields:
        return "certifications"
    if any(not c.credits for c in creds) and "credential" not in fields:
        return "matrix"
    if "date" in fields and "amount" in fields:
        return "ce_log"
    if "credential" not in fields and "expires" not in fields and "date" not in fields:
        return "staff"
    return None


def _needs_note(header: Sequence[object]) -> str:
    found = ", ".join(f"'{tidy(h)}'" for h in header if str(h).strip()) or "no headers"
    return (
        f"found {found}; Recert needs a trainer name (or staff id) plus either a certification and an "
        "expiry date, credential columns of expiry dates, or an activity date and an amount"
    )


def _is_total(text: str) -> bool:
    """A summary row's label; formula-looking names ("=SUM(A1)", "+SUM(A1)") are data, never totals."""
    if not text or text.lstrip().startswith(("=", "+", "-", "@")):
        return False
    return bool(_TOTAL.match(fast_fold(text)))
