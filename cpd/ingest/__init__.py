"""Read the spreadsheets managers already keep into one Roster, accounting for every row.

Layouts are detected, never asked for: a long roster / certifications sheet, a training matrix, a staff
sheet, a CE log. Every data row ends accepted, rejected (with file, sheet, Excel row, column and reason) or
blank, so ``rows_read == accepted + rejected + blank`` always holds.

A file uploaded twice (the same bytes under two names) is read once: the copy is listed as a skipped file with
a notice, and its rows are not counted again (``rows_read`` counts the rows of the files read).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

from ..errors import UnreadableFile
from ..model import Notice, SheetMapping, Source, check_roster
from .grid import Reading
from .notes import cap

if TYPE_CHECKING:
    from ..catalogue import Catalogue
    from ..model import Roster
    from .sheets import SheetResult

__all__ = ["Progress", "Reading", "UnreadableFile", "distinct_names", "read_sources"]

Progress = Callable[[float, str], None]  # (share done, 0..1; what is being done, a sentence without markup)


def read_sources(
    sources: Sequence[Source] | Reading,
    *,
    catalogue: Catalogue,
    date_order: str = "auto",
    overrides: Mapping[tuple[str, str], Mapping[str, str]] | None = None,
    on_error: str = "raise",
    progress: Progress | None = None,
    engine: str = "arrow",
) -> Roster:
    """Every sheet of every source, mapped and validated; people recognised across rows and files.

    ``overrides`` maps (file, sheet) to {header: field or ""} to correct a column mapping ("" ignores it).
    ``on_error="collect"`` keeps going past an unreadable file and lists its sentence in ``Roster.unreadable``
    (the app); ``"raise"`` raises it (the CLI). ``sources`` may be a ``Reading`` already started (the CLI starts
    it before the imports below, which then overlap the parse of the biggest sheet). ``progress`` is called
    on this thread as the files are read (the app shows it as a progress bar); it never changes the result.
    ``engine`` is how xlsx/xlsm sheets are read (``grid.ENGINES``): "arrow" (fastexcel) or "cells" (calamine's
    Python lists, the reference); both give the same cells. It is ignored when ``sources`` is a ``Reading``.
    """
    if date_order not in ("auto", "mdy", "dmy"):
        raise ValueError(f"date_order must be auto, mdy or dmy, not {date_order!r}")
    reading = sources if isinstance(sources, Reading) else Reading(distinct_names(sources), engine=engine)
    with reading:
        roster = _read(reading, catalogue, date_order, overrides, on_error, progress or _silent)
    check_roster(roster)
    return roster


def _silent(*_: object) -> None:
    """No progress bar (the CLI, scripts)."""


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


def _read(
    reading: Reading,
    catalogue: Catalogue,
    date_order: str,
    overrides: Mapping[tuple[str, str], Mapping[str, str]] | None,
    on_error: str,
    progress: Progress,
) -> Roster:
    # pandas comes in here, not at import: ``python -m cpd`` starts reading the files first, and the safety
    # checks, on which the biggest sheet waits, run without competition.
    progress(0.0, "Checking the files")
    reading.checked()
    from .assemble import assemble
    from .sheets import read_sheet

    sources = reading.sources
    results: list[SheetResult] = []
    unreadable: list[str] = []
    notices: dict[str, None] = {}
    # Progress: each file weighs its size, shared equally between its sheets; putting them together, the rest.
    total = sum(len(s.data) for s in sources) or 1
    done_bytes = 0
    for k, (src, grids) in enumerate(reading):
        done: list[SheetResult] = []
        said: list[str] = []
        of = f" ({k + 1} of {len(sources)})" if len(sources) > 1 else ""
        progress(_READ_SHARE * done_bytes / total, f"Reading {src.name}{of}")
        try:
            n_sheets = max(len(grids), 1)
            for j, grid in enumerate(grids):  # each sheet is mapped as soon as it is parsed
                said.extend(grid.notices)
                where = f"{src.name}, sheet '{grid.sheet}'" if grid.sheet else src.name
                progress(
                    _READ_SHARE * (done_bytes + len(src.data) * j / n_sheets) / total,
                    f"Checking the rows of {where}{of}",
                )
                override = (overrides or {}).get((grid.file, grid.sheet))
                done.append(read_sheet(grid, catalogue=catalogue, date_order=date_order, override=override))
                del grid  # the loop variable would keep the last sheet's cells alive while the files are put together
        except UnreadableFile as exc:
            if on_error == "raise":
                raise
            unreadable.append(str(exc))  # a file is read whole or not at all: drop its sheets mapped so far
            continue
        finally:
            done_bytes += len(src.data)
        results.extend(done)
        notices.update(dict.fromkeys(said))
    progress(_READ_SHARE, "Putting the files together")
    if sources and not unreadable and all(r.mapping.layout == "skipped" for r in results):
        if all(r.mapping.note_kind == "empty" for r in results):
            message = "the file holds no data: export the sheet again with its rows and upload it."
            if on_error == "raise":
                raise UnreadableFile(message, file=sources[0].name if len(sources) == 1 else None)
            unreadable.append(message)
            return assemble(results, unreadable=tuple(unreadable))
        notes = "; ".join(r.mapping.note for r in results if r.mapping.note)
        if on_error == "raise":
            raise UnreadableFile(f"no sheet has a header Recert recognises: {notes}", file=None)
        unreadable.append(f"No sheet has a header Recert recognises: {notes}")
    roster = assemble(results, unreadable=tuple(unreadable))
    copies = [
        Notice(
            "copy",
            f"{copy} is the same file as {original} (identical content), so it was read once: its "
            "rows are counted once, not twice.",
        )
        for copy, original in reading.copies
    ]
    if notices or copies:
        said = [n if isinstance(n, Notice) else Notice("file", n) for n in notices]  # how the files were read
        roster = replace(roster, warnings=cap([*copies, *said, *roster.warnings]))
    if reading.copies:
        roster = replace(
            roster,
            mappings=roster.mappings
            + tuple(
                SheetMapping(
                    file=copy,
                    sheet="",
                    layout="skipped",
                    header_row=None,
                    columns={},
                    ignored=(),
                    note=f"the same file as {original}: read once",
                    note_kind="copy",
                )
                for copy, original in reading.copies
            ),
        )
    progress(1.0, f"Read {len(roster.ledger):,} rows")
    return roster


_READ_SHARE = 0.9  # of the progress bar: reading and checking the sheets; the rest is putting them together
