"""A sheet's cells as one rectangle of the columns in use: blank columns dropped in one pass, the width capped.

A sheet can reach thousands of columns that hold nothing (a format dragged out to column XFD, a csv line of
60,000 commas) or carry thousands of headers. Everything after this step works column by column, so it only
ever sees columns that hold something, and at most ``MAX_COLUMNS`` of them: the cost of a sheet follows its
cells in use, never its width.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from .. import safety
from ..errors import UnreadableFile

# Columns in use read from one sheet. A staff list, roster, matrix or CE log has tens of columns (a matrix with
# a credits column beside each credential reaches a hundred or two); a sheet with more is read up to this
# many columns in use, and the manager is told which were left out.
MAX_COLUMNS = 512
MAX_CELLS = safety.MAX_SHEET_CELLS  # rows x columns in use, the limit a workbook sheet already has
_CHUNK_CELLS = 1 << 22  # cells turned into one numpy block at a time (32 MB of pointers)
_KEEP_CELLS = (
    1 << 23
)  # cells of the first pass kept for the second (64 MB; beyond, blocks are converted again)

TOO_MANY_CELLS_MESSAGE = (
    "this file has {rows:,} rows and {cols:,} columns in use, {cells:,} cells, more than "
    "Recert reads from one sheet ({limit:,}): split it into smaller files and upload them "
    "together."
)


@dataclass(frozen=True)
class Shaped:
    """The cells of the columns in use (object array, rows x columns) and where those columns were."""

    cells: np.ndarray
    columns: np.ndarray  # 0-based index in the sheet of each kept column
    in_use: int  # columns holding something, before the cap

    @property
    def capped(self) -> bool:
        return self.in_use > len(self.columns)


def column_letters(index: int) -> str:
    """Excel's name for a 0-based column index (0 -> A, 26 -> AA)."""
    return safety.col_letters(index + 1)


def shape(rows: Sequence[Sequence[object]], *, text: bool, file: str = "") -> Shaped:
    """The columns of ``rows`` that hold a value anywhere (at most ``MAX_COLUMNS``), as one object array.

    Rows may be ragged (csv records): short ones are padded with "". A cell holds a value unless it is "",
    None or NaN; in a text file a cell of spaces is empty too (in a workbook a typed space is data). Cost and
    temporary memory follow the cells present, block by block, whatever the widest row is.
    """
    if isinstance(rows, np.ndarray) and rows.ndim == 2:  # the arrow reader's cells: already one rectangle
        return _shape_array(rows, text=text)
    n = len(rows)
    widths = np.fromiter(map(len, rows), dtype=np.int64, count=n)
    groups = _groups(widths)
    width = int(widths.max()) if n else 0
    used = np.zeros(width, dtype=bool)
    kept_blocks: list[tuple[np.ndarray | slice, np.ndarray | None]] = []
    budget = _KEEP_CELLS
    for w, part in _parts(groups):
        block = _block(rows, part, w)
        _mark_used(block, used, text)
        if block.size <= budget:  # kept for the second pass, so a normal sheet is converted once
            kept_blocks.append((part, block))
            budget -= block.size
        else:
            kept_blocks.append((part, None))
            budget = 0
    in_use = np.flatnonzero(used)
    columns = in_use[:MAX_COLUMNS]
    if text and n * len(columns) > MAX_CELLS:
        raise UnreadableFile(
            TOO_MANY_CELLS_MESSAGE.format(rows=n, cols=len(columns), cells=n * len(columns), limit=MAX_CELLS),
            file=file or None,
        )
    if len(kept_blocks) == 1 and len(columns) == width:
        part, kept = kept_blocks[0]
        if kept is not None and isinstance(part, slice) and part == slice(0, n):
            return Shaped(
                cells=kept, columns=columns, in_use=len(in_use)
            )  # every row, every column: the sheet
    cells = np.full((n, len(columns)), "", dtype=object)
    if len(columns):
        for (part, kept), (w, _) in zip(kept_blocks, _parts(groups), strict=True):
            take = columns[: int(np.searchsorted(columns, w))]  # kept columns this block reaches
            if not len(take):
                continue
            block = kept if kept is not None else _block(rows, part, w)
            for j, c in enumerate(take):  # column by column: no temporary copy of the block
                cells[part, j] = block[:, c]
    return Shaped(cells=cells, columns=columns, in_use=len(in_use))


def _shape_array(cells: np.ndarray, *, text: bool) -> Shaped:
    """``shape`` of a 2-D object array: the same columns kept, looked at in place."""
    used = np.zeros(cells.shape[1], dtype=bool)
    if cells.size:
        _mark_used(cells, used, text)
    in_use = np.flatnonzero(used)
    columns = in_use[:MAX_COLUMNS]
    if len(columns) == cells.shape[1]:
        return Shaped(cells=cells, columns=columns, in_use=len(in_use))
    return Shaped(cells=cells[:, columns], columns=columns, in_use=len(in_use))


def _groups(widths: np.ndarray) -> list[tuple[int, np.ndarray | slice]]:
    """(width, rows of that width) for every width above 0; a slice when every row has the same width."""
    if not len(widths):
        return []
    if (widths == widths[0]).all():
        return [(int(widths[0]), slice(0, len(widths)))] if widths[0] else []
    order = np.argsort(widths, kind="stable")
    ordered = widths[order]
    cuts = np.flatnonzero(np.diff(ordered)) + 1
    out: list[tuple[int, np.ndarray | slice]] = []
    for idx in np.split(order, cuts):
        w = int(widths[idx[0]])
        if w:
            out.append((w, idx))
    return out


def _parts(groups: list[tuple[int, np.ndarray | slice]]):
    """The groups cut into blocks of at most ``_CHUNK_CELLS`` cells (at least one row each)."""
    for w, rows in groups:
        step = max(1, _CHUNK_CELLS // w)
        if isinstance(rows, slice):
            for start in range(rows.start, rows.stop, step):
                yield w, slice(start, min(start + step, rows.stop))
        else:
            for start in range(0, len(rows), step):
                yield w, rows[start : start + step]


def _block(rows: Sequence[Sequence[object]], part: np.ndarray | slice, w: int) -> np.ndarray:
    """Rows of one width as a (k, w) object array."""
    chosen = rows[part] if isinstance(part, slice) else [rows[i] for i in part]
    return np.fromiter(itertools.chain.from_iterable(chosen), dtype=object, count=len(chosen) * w).reshape(
        -1, w
    )


def _mark_used(block: np.ndarray, used: np.ndarray, text: bool) -> None:
    """Set ``used`` for the block's columns that hold a value (in place)."""
    w = block.shape[1]
    filled = block != ""
    candidates = np.flatnonzero(filled.any(axis=0) & ~used[:w])
    if not len(candidates):
        return
    sub = filled[:, candidates]
    first = sub.argmax(axis=0)  # most columns: their first filled cell is a value
    real = np.fromiter(
        (_is_value(v, text) for v in block[first, candidates]), dtype=bool, count=len(candidates)
    )
    used[candidates[real]] = True
    for j, col in zip(candidates[~real], np.flatnonzero(~real), strict=True):
        if any(_is_value(v, text) for v in block[sub[:, col], j]):
            used[j] = True


def _is_value(v: object, text: bool) -> bool:
    if v is None or (isinstance(v, float) and v != v):
        return False
    if isinstance(v, str):
        return bool(v.strip()) if text else v != ""
    return True
