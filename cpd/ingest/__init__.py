"""Read the spreadsheets managers already keep into one Roster, accounting for every row.

Layouts are detected, never asked for: a long roster / certifications sheet, a training matrix, a staff
sheet, a CE log. Every data row ends accepted, rejected (with file, sheet, Excel row, column and reason) or
blank, so ``rows_read == accepted + rejected + blank`` always holds.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

from ..errors import UnreadableFile
from ..model import Source
from .grid import Reading

if TYPE_CHECKING:
    from ..catalogue import Catalogue
    from ..model import Roster
    from .sheets import SheetResult

__all__ = ["Reading", "UnreadableFile", "distinct_names", "read_sources"]


def read_sources(
    sources: Sequence[Source] | Reading,
    *,
    catalogue: Catalogue,
    date_order: str = "auto",
    overrides: Mapping[tuple[str, str], Mapping[str, str]] | None = None,
    on_error: str = "raise",
) -> Roster:
    """Every sheet of every source, mapped and validated; people recognised across rows and files.

    ``overrides`` maps (file, sheet) to {header: field or ""} to correct a column mapping ("" ignores it).
    ``on_error="collect"`` keeps going past an unreadable file and lists its sentence in ``Roster.unreadable``
    (the app); ``"raise"`` raises it (the CLI). ``sources`` may be a ``Reading`` already started (the CLI starts
    it before the imports below, which then overlap the parse of the biggest sheet).
    """
    if date_order not in ("auto", "mdy", "dmy"):
        raise ValueError(f"date_order must be auto, mdy or dmy, not {date_order!r}")
    reading = sources if isinstance(sources, Reading) else Reading(distinct_names(sources))
    with reading:
        return _read(reading, catalogue, date_order, overrides, on_error)


def distinct_names(sources: Sequence[Source]) -> list[Source]:
    """Sources whose names are all different: a repeated name ("club.xlsx" from two folders) becomes
    "club (2).xlsx", so every rejected row still points at one file."""
    seen: set[str] = set()
    out = []
    for src in sources:
        name, n = src.name, 1
        while name in seen:
            n += 1
            stem, dot, ext = src.name.rpartition(".")
            name = f"{stem} ({n}).{ext}" if dot and stem else f"{src.name} ({n})"
        seen.add(name)
        out.append(src if name == src.name else replace(src, name=name))
    return out


def _read(reading: Reading, catalogue: Catalogue, date_order: str,
          overrides: Mapping[tuple[str, str], Mapping[str, str]] | None, on_error: str) -> Roster:
    # pandas comes in here, not at import: ``python -m cpd`` starts reading the files first, and the safety
    # checks, on which the biggest sheet waits, run without competition.
    reading.checked()
    from .assemble import assemble
    from .sheets import read_sheet

    sources = reading.sources
    results: list[SheetResult] = []
    unreadable: list[str] = []
    notices: dict[str, None] = {}
    for _src, grids in reading:
        done: list[SheetResult] = []
        said: list[str] = []
        try:
            for grid in grids:  # each sheet is mapped as soon as it is parsed
                said.extend(grid.notices)
                override = (overrides or {}).get((grid.file, grid.sheet))
                done.append(read_sheet(grid, catalogue=catalogue, date_order=date_order, override=override))
        except UnreadableFile as exc:
            if on_error == "raise":
                raise
            unreadable.append(str(exc))  # a file is read whole or not at all: drop its sheets mapped so far
            continue
        results.extend(done)
        notices.update(dict.fromkeys(said))
    if sources and not unreadable and all(r.mapping.layout == "skipped" for r in results):
        if all(r.mapping.note.endswith(" is empty") for r in results):
            message = "the file holds no data: export the sheet again with its rows and upload it."
            if on_error == "raise":
                raise UnreadableFile(message, file=sources[0].name if len(sources) == 1 else None)
            unreadable.append(message)
            return assemble(results, catalogue=catalogue, unreadable=tuple(unreadable))
        notes = "; ".join(r.mapping.note for r in results if r.mapping.note)
        if on_error == "raise":
            raise UnreadableFile(f"no sheet has a header Recert recognises: {notes}", file=None)
        unreadable.append(f"No sheet has a header Recert recognises: {notes}")
    roster = assemble(results, catalogue=catalogue, unreadable=tuple(unreadable))
    if notices:
        roster = replace(roster, warnings=tuple(notices) + roster.warnings)
    return roster
